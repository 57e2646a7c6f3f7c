//! The log: one file a day in the app's log folder, the last 14 kept, for the window and the
//! CLI alike. Every `log::` line of the crates below (the scheduler, the database, the
//! notifications) goes there, and so does a panic, with where it happened.
//!
//! What is logged names records by their ids, never by a person's name, phone or text.

use std::path::{Path, PathBuf};

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::fmt::writer::MakeWriterExt;

/// `$FIDELIA_LOG_DIR` names the log folder (tests); otherwise the OS's local app-data folder.
pub const LOG_DIR_ENV: &str = "FIDELIA_LOG_DIR";

/// How many daily files are kept.
pub const KEEP_DAYS: usize = 14;

const PREFIX: &str = "fidelia";
const SUFFIX: &str = "log";

/// The log folder: `$FIDELIA_LOG_DIR`, else `<local app data>/<app id>/logs` (where Tauri puts
/// an app's logs on Linux and Windows).
pub fn log_dir() -> PathBuf {
    if let Some(p) = std::env::var_os(LOG_DIR_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::data_local_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(crate::APP_ID)
        .join("logs")
}

/// Starts logging to `dir` (and warnings and errors to stderr too), for the process `who`
/// ("app", "cli"). Once per process: a second call changes nothing.
pub fn init(dir: &Path, who: &'static str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let file = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(PREFIX)
        .filename_suffix(SUFFIX)
        .max_log_files(KEEP_DAYS)
        .build(dir)
        .map_err(std::io::Error::other)?;
    let writer = file
        .with_max_level(tracing::Level::INFO)
        .and(std::io::stderr.with_max_level(tracing::Level::WARN));
    let installed = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(true)
        .try_init()
        .is_ok();
    if installed {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let place = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            log::error!("panic at {place}: {}", panic_text(info));
            default(info);
        }));
        log::info!(
            "{who} {} started (pid {})",
            env!("CARGO_PKG_VERSION"),
            std::process::id()
        );
    }
    Ok(())
}

fn panic_text(info: &std::panic::PanicHookInfo<'_>) -> String {
    let p = info.payload();
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// The newest log file in `dir`, if any.
pub fn newest_file(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        })
        .max_by_key(|p| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .ok()
                .map(|t| (t, p.clone()))
        })
}

/// The last `n` lines of the newest log file in `dir` (none when there is no log yet).
pub fn last_lines(dir: &Path, n: usize) -> Vec<String> {
    let Some(file) = newest_file(dir) else {
        return Vec::new();
    };
    let text = std::fs::read(&file).unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| l.to_string())
        .collect()
}
