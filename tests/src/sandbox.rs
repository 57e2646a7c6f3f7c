//! The per-test temporary folder: XDG folders, database, logs; and the CLI run inside it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::tools::{cli_bin, run_with_timeout};
use crate::CMD_WAIT;

/// A fresh temporary folder for one test: XDG folders, database, logs.
///
/// Create one yourself to seed data with [`Sandbox::cli`] before the window opens, then hand it
/// to [`App::launch`].
pub struct Sandbox {
    root: PathBuf,
    keep: bool,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl Sandbox {
    pub fn new() -> Sandbox {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let mut base = std::env::temp_dir();
        // Unix socket paths are limited to ~108 bytes: keep the root short.
        if base.as_os_str().len() > 40 {
            base = PathBuf::from("/tmp");
        }
        let root = base.join(format!(
            "fidelia-e2e-{}-{}-{:08x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            nanos
        ));
        let sb = Sandbox {
            root,
            keep: std::env::var("FIDELIA_E2E_KEEP").is_ok_and(|v| !v.is_empty() && v != "0"),
        };
        for d in ["data", "config", "cache", "home", "runtime", "logs"] {
            fs::create_dir_all(sb.root.join(d))
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", sb.root.join(d).display()));
        }
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(sb.root.join("runtime"), fs::Permissions::from_mode(0o700));
        sb
    }

    /// The temporary folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }
    /// `XDG_DATA_HOME` of the app (the app's own data lives in a subfolder named after its identifier).
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }
    pub fn config_dir(&self) -> PathBuf {
        self.root.join("config")
    }
    pub fn cache_dir(&self) -> PathBuf {
        self.root.join("cache")
    }
    /// Logs of Xvfb, dbus-daemon and tauri-driver (the app's output lands in `tauri-driver.log`).
    pub fn logs_dir(&self) -> PathBuf {
        self.root.join("logs")
    }
    /// The app's and the CLI's own log (a file a day), in the app's data folder.
    pub fn app_log_dir(&self) -> PathBuf {
        self.data_dir().join(fidelia_ops::APP_ID).join("logs")
    }
    /// Where the app keeps its backups by default (in its data folder).
    pub fn backup_dir(&self) -> PathBuf {
        self.data_dir().join(fidelia_ops::APP_ID).join("backups")
    }
    /// `FIDELIA_DB`: `<root>/fidelia.sqlite3`.
    pub fn db_path(&self) -> PathBuf {
        self.root.join("fidelia.sqlite3")
    }

    /// Keep this folder even when the test passes.
    pub fn keep(&mut self) {
        self.keep = true;
    }

    /// The environment every process of this test gets (app, CLI, driver).
    pub fn env_vars(&self) -> Vec<(String, String)> {
        let s = |p: PathBuf| p.to_string_lossy().into_owned();
        vec![
            ("XDG_DATA_HOME".into(), s(self.data_dir())),
            ("XDG_CONFIG_HOME".into(), s(self.config_dir())),
            ("XDG_CACHE_HOME".into(), s(self.cache_dir())),
            ("XDG_RUNTIME_DIR".into(), s(self.root.join("runtime"))),
            ("HOME".into(), s(self.root.join("home"))),
            ("FIDELIA_DB".into(), s(self.db_path())),
        ]
    }

    /// Copies the contents of `src` (recursively) into the sandbox root, e.g. a prepared
    /// `fidelia.sqlite3` and/or `data/...` tree.
    pub fn copy_from(&self, src: &Path) {
        copy_tree(src, &self.root).unwrap_or_else(|e| {
            panic!(
                "copying {} into {}: {e}",
                src.display(),
                self.root.display()
            )
        });
    }

    /// A `Command` for the CLI binary with this sandbox's environment (`FIDELIA_DB` etc.).
    pub fn cli_command(&self) -> Command {
        let bin = cli_bin();
        assert!(
            bin.exists(),
            "the CLI binary {} does not exist: build it first with `cargo build -p fidelia-cli` \
             (or set FIDELIA_CLI_BIN)",
            bin.display()
        );
        let mut cmd = Command::new(bin);
        cmd.envs(self.env_vars()).current_dir(&self.root);
        cmd
    }

    /// Runs the CLI (`fidelia <args>`) against this test's database; returns its output.
    pub fn cli(&self, args: &[&str]) -> Output {
        run_with_timeout(self.cli_command().args(args), CMD_WAIT)
    }

    /// Runs the CLI and panics unless it succeeds; returns its stdout.
    pub fn cli_ok(&self, args: &[&str]) -> String {
        let out = self.cli(args);
        assert!(
            out.status.success(),
            "`fidelia {}` failed ({}):\nstdout:\n{}\nstderr:\n{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if std::thread::panicking() || self.keep {
            eprintln!("[fidelia-e2e] kept test folder: {}", self.root.display());
        } else {
            let _ = fs::remove_dir_all(&self.root);
        }
    }
}

fn copy_tree(src: &Path, dst: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dst)?;
    for entry in fs::read_dir(src)? {
        let entry = entry?;
        let to = dst.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &to)?;
        } else {
            fs::copy(entry.path(), &to)?;
        }
    }
    Ok(())
}
