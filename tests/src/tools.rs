//! Paths of the binaries under test, the tools the tests need, and commands run with a bound.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::POLL;

/// The workspace root (the folder holding the root `Cargo.toml`).
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) if Path::new(&d).is_absolute() => PathBuf::from(d),
        Some(d) => workspace_dir().join(d),
        None => workspace_dir().join("target"),
    }
}

pub(crate) fn absolute(p: PathBuf) -> PathBuf {
    if p.is_absolute() {
        p
    } else {
        std::env::current_dir().map(|d| d.join(&p)).unwrap_or(p)
    }
}

/// The desktop app binary: `$FIDELIA_APP_BIN` or `<target>/debug/fidelia-app`.
pub fn app_bin() -> PathBuf {
    match std::env::var_os("FIDELIA_APP_BIN") {
        Some(p) => absolute(PathBuf::from(p)),
        None => target_dir().join("debug").join("fidelia-app"),
    }
}

/// The command-line binary: `$FIDELIA_CLI_BIN` or `<target>/debug/fidelia`.
pub fn cli_bin() -> PathBuf {
    match std::env::var_os("FIDELIA_CLI_BIN") {
        Some(p) => absolute(PathBuf::from(p)),
        None => target_dir().join("debug").join("fidelia"),
    }
}

/// Looks a program up on `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

pub(crate) fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

pub(crate) fn require_tool(name: &str, package: &str) -> PathBuf {
    which(name).unwrap_or_else(|| {
        panic!(
            "`{name}` is not on PATH: the end-to-end tests need it. Install `{package}` \
             (scripts/setup.sh installs everything)."
        )
    })
}

pub(crate) fn tauri_driver_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return absolute(PathBuf::from(p));
    }
    if let Some(p) = which("tauri-driver") {
        return p;
    }
    let mut candidates = Vec::new();
    if let Some(c) = std::env::var_os("CARGO_HOME") {
        candidates.push(PathBuf::from(c).join("bin/tauri-driver"));
    }
    if let Some(h) = std::env::var_os("HOME") {
        candidates.push(PathBuf::from(h).join(".cargo/bin/tauri-driver"));
    }
    candidates
        .into_iter()
        .find(|p| is_executable(p))
        .unwrap_or_else(|| {
            panic!(
                "tauri-driver not found (PATH, $CARGO_HOME/bin, ~/.cargo/bin). Install it with \
             `cargo install tauri-driver --version 2.1.0 --locked` (scripts/setup.sh does it)."
            )
        })
}

// Running commands without hanging

/// Runs a command to completion, killing it after `limit`. Panics if it cannot start or times out.
pub fn run_with_timeout(cmd: &mut Command, limit: Duration) -> Output {
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {shown}: {e}"));
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{shown} did not finish within {limit:?} and was killed");
            }
            Err(e) => panic!("waiting for {shown}: {e}"),
        }
    };
    Output {
        status,
        stdout: out_t.join().unwrap_or_default(),
        stderr: err_t.join().unwrap_or_default(),
    }
}

pub(crate) fn tail(path: &Path, lines: usize) -> String {
    match fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(cannot read {}: {e})", path.display()),
    }
}

pub(crate) fn x_screenshot(display: u32, path: &Path) -> Result<(), String> {
    x_screenshot_cropped(display, path, None)
}

pub(crate) fn x_screenshot_cropped(
    display: u32,
    path: &Path,
    crop: Option<&str>,
) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        let _ = fs::create_dir_all(dir);
    }
    let import = which("import").ok_or("`import` not found: install imagemagick")?;
    let mut cmd = Command::new(import);
    cmd.args(["-display", &format!(":{display}"), "-window", "root"]);
    if let Some(geometry) = crop {
        cmd.args(["-crop", geometry, "+repage"]);
    }
    let out = run_with_timeout(cmd.arg(path), Duration::from_secs(20));
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "import -window root on :{display} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The text of a PDF, as `pdftotext -layout` reads it (real, selectable text).
pub fn pdftotext(path: &Path) -> String {
    let out = run_with_timeout(
        Command::new("pdftotext").arg("-layout").arg(path).arg("-"),
        Duration::from_secs(20),
    );
    assert!(
        out.status.success(),
        "pdftotext {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
