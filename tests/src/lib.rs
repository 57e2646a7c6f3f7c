//! End-to-end harness for Fidelia: the real window, driven over WebDriver.
//!
//! Every [`App`] gets its own world, so tests never see each other's data or processes:
//!
//! * a fresh temporary folder (the [`Sandbox`]) holding `XDG_DATA_HOME`, `XDG_CONFIG_HOME`,
//!   `XDG_CACHE_HOME`, `XDG_RUNTIME_DIR`, a `HOME`, the database (`FIDELIA_DB`) and the logs;
//! * its own `Xvfb` on a free display number;
//! * its own D-Bus session bus (a `dbus-daemon` listening on a socket in the temporary folder);
//! * its own `tauri-driver` on two free ports, in its own process group, which launches
//!   `WebKitWebDriver` and the app with the environment above;
//! * a `fantoccini` WebDriver session.
//!
//! Dropping the [`App`] ends every process it started, also when the test panics. On a failure the
//! temporary folder is kept (its path, the log tails and an X screenshot are printed); on success it
//! is removed unless `FIDELIA_E2E_KEEP=1`.
//!
//! Run the tests one at a time: `cargo test -p fidelia-e2e -- --test-threads=1`.
//!
//! Environment knobs: `FIDELIA_APP_BIN` (app binary, default `target/debug/fidelia-app`),
//! `FIDELIA_CLI_BIN` (default `target/debug/fidelia`), `TAURI_DRIVER` (path of tauri-driver),
//! `FIDELIA_E2E_KEEP=1` (keep temporary folders), `FIDELIA_E2E_PIDFILE` (process groups started are
//! appended there, so a wrapper script can clean up after a test binary that was killed).

pub mod notify_server;
pub mod seed;
pub mod ui;

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use fantoccini;
pub use fantoccini::elements::Element;
pub use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
pub use serde_json::{json, Value};

/// How long the UI helpers (`wait_for`, `click`, ...) poll before giving up.
pub const WAIT: Duration = Duration::from_secs(10);
/// How long to wait for Xvfb / dbus-daemon / tauri-driver to come up.
const START_WAIT: Duration = Duration::from_secs(20);
/// How long the WebDriver new-session request (which launches the app) may take.
const SESSION_WAIT: Duration = Duration::from_secs(60);
/// How long a helper command (`import`, the CLI) may run.
const CMD_WAIT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(50);

// ---------------------------------------------------------------------------------------------
// Paths and tools
// ---------------------------------------------------------------------------------------------

/// The workspace root (the folder holding the root `Cargo.toml`).
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) if Path::new(&d).is_absolute() => PathBuf::from(d),
        Some(d) => workspace_dir().join(d),
        None => workspace_dir().join("target"),
    }
}

fn absolute(p: PathBuf) -> PathBuf {
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

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

fn require_tool(name: &str, package: &str) -> PathBuf {
    which(name).unwrap_or_else(|| {
        panic!(
            "`{name}` is not on PATH: the end-to-end tests need it. Install `{package}` \
             (scripts/setup.sh installs everything)."
        )
    })
}

fn tauri_driver_bin() -> PathBuf {
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

// ---------------------------------------------------------------------------------------------
// Running commands without hanging
// ---------------------------------------------------------------------------------------------

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

fn tail(path: &Path, lines: usize) -> String {
    match fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(cannot read {}: {e})", path.display()),
    }
}

// ---------------------------------------------------------------------------------------------
// Processes we own
// ---------------------------------------------------------------------------------------------

/// A process we started, in its own process group; stopping it ends the whole group.
struct Proc {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Proc {
    /// Starts `cmd` in a new process group (pgid = pid), output to `log`.
    fn spawn(name: &'static str, cmd: &mut Command, log: PathBuf) -> std::io::Result<Proc> {
        let file = File::create(&log)?;
        let file2 = file.try_clone()?;
        cmd.stdin(Stdio::null())
            .stdout(Stdio::from(file))
            .stderr(Stdio::from(file2))
            .process_group(0);
        // If the test binary is killed outright, take the direct child down with it.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM as libc::c_ulong);
                Ok(())
            });
        }
        let child = cmd.spawn()?;
        record_pgid(child.id());
        Ok(Proc { name, child, log })
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// SIGTERM to the group, up to 3 s of grace, then SIGKILL; reaps the direct child.
    fn stop(&mut self) {
        let pgid = self.pid();
        unsafe {
            libc::kill(-pgid, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            reap_group(pgid);
            let _ = self.child.try_wait();
            if !group_alive(pgid) || Instant::now() >= deadline {
                break;
            }
            std::thread::sleep(POLL);
        }
        if group_alive(pgid) {
            eprintln!(
                "[fidelia-e2e] {} (group {pgid}) ignored SIGTERM: SIGKILL",
                self.name
            );
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
            let deadline = Instant::now() + Duration::from_secs(2);
            while group_alive(pgid) && Instant::now() < deadline {
                reap_group(pgid);
                let _ = self.child.try_wait();
                std::thread::sleep(POLL);
            }
        }
        reap_group(pgid);
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Become a "child subreaper": the app and WebKit processes, orphaned when tauri-driver ends,
/// are re-parented to the test process (not to PID 1, which in containers often never reaps),
/// so [`reap_group`] can collect them instead of leaving zombies.
fn become_subreaper() {
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1 as libc::c_ulong);
    }
}

/// Collects the exited members of process group `pgid` that are our children.
fn reap_group(pgid: i32) {
    loop {
        let mut status = 0;
        let r = unsafe { libc::waitpid(-pgid, &mut status, libc::WNOHANG) };
        if r <= 0 {
            break;
        }
    }
}

/// Whether any live (non-zombie) process is still in process group `pgid`.
fn group_alive(pgid: i32) -> bool {
    let Ok(dir) = fs::read_dir("/proc") else {
        return unsafe { libc::kill(-pgid, 0) } == 0;
    };
    for entry in dir.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(stat) = fs::read_to_string(format!("/proc/{name}/stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp ...  -- comm may contain spaces: split after the last ')'.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let mut f = rest.split_whitespace();
        let state = f.next().unwrap_or("");
        let _ppid = f.next();
        let pgrp: i32 = f.next().and_then(|s| s.parse().ok()).unwrap_or(-1);
        if pgrp == pgid && state != "Z" && state != "X" {
            return true;
        }
    }
    false
}

fn record_pgid(pgid: u32) {
    if let Some(file) = std::env::var_os("FIDELIA_E2E_PIDFILE") {
        if let Ok(mut f) = OpenOptions::new().create(true).append(true).open(file) {
            let _ = writeln!(f, "{pgid}");
        }
    }
}

fn free_ports() -> (u16, u16) {
    let a = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let b = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    (
        a.local_addr().expect("local addr").port(),
        b.local_addr().expect("local addr").port(),
    )
}

// ---------------------------------------------------------------------------------------------
// Sandbox: the per-test temporary folder
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

/// Extra settings for [`App::start_with`].
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Extra environment variables for the app (they also reach tauri-driver and WebKitWebDriver).
    pub env: Vec<(String, String)>,
    /// Command-line arguments for the app.
    pub args: Vec<String>,
    /// A prepared folder whose contents are copied into the sandbox root before launch.
    pub data_from: Option<PathBuf>,
    /// Another app binary than [`app_bin`].
    pub app_bin: Option<PathBuf>,
    /// Start a stand-in desktop notification server on the test's D-Bus before the app.
    pub notify_server: bool,
}

impl Options {
    pub fn new() -> Options {
        Options::default()
    }
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Options {
        self.env.push((key.into(), value.into()));
        self
    }
    pub fn arg(mut self, arg: impl Into<String>) -> Options {
        self.args.push(arg.into());
        self
    }
    pub fn data_from(mut self, dir: impl Into<PathBuf>) -> Options {
        self.data_from = Some(dir.into());
        self
    }
    pub fn app_bin(mut self, bin: impl Into<PathBuf>) -> Options {
        self.app_bin = Some(bin.into());
        self
    }
    /// See [`Options::notify_server`].
    pub fn with_notify_server(mut self) -> Options {
        self.notify_server = true;
        self
    }
}

// ---------------------------------------------------------------------------------------------
// App
// ---------------------------------------------------------------------------------------------

/// The running app: its own Xvfb, D-Bus, tauri-driver and WebDriver session.
pub struct App {
    client: Option<Client>,
    driver: Option<Proc>,
    dbus: Option<Proc>,
    xvfb: Option<Proc>,
    display: u32,
    bus_address: String,
    /// Kept for [`App::restart`].
    session: Option<(u16, PathBuf, Options)>,
    notify: Option<notify_server::NotifyServer>,
    sandbox: Sandbox,
}

impl App {
    /// Starts the app on a fresh, empty data folder (the app creates its demo clinic).
    pub async fn start() -> App {
        App::start_with(Options::default()).await
    }

    /// Starts the app on a fresh data folder, with extra env vars / args / prepared data.
    pub async fn start_with(opts: Options) -> App {
        App::launch(Sandbox::new(), opts).await
    }

    /// Starts the app in a sandbox you prepared (e.g. seeded with [`Sandbox::cli_ok`]).
    pub async fn launch(sandbox: Sandbox, opts: Options) -> App {
        let bin = absolute(opts.app_bin.clone().unwrap_or_else(app_bin));
        assert!(
            bin.exists(),
            "the app binary {} does not exist: build it first with `cargo build -p fidelia-app` \
             (or point FIDELIA_APP_BIN at it)",
            bin.display()
        );
        if let Some(src) = &opts.data_from {
            sandbox.copy_from(src);
        }
        become_subreaper();
        require_tool("Xvfb", "xvfb");
        require_tool("dbus-daemon", "dbus");
        require_tool("WebKitWebDriver", "webkit2gtk-driver");
        let driver_bin = tauri_driver_bin();

        // From here on every process lives in `app`, so a panic ends them in Drop.
        let mut app = App {
            client: None,
            driver: None,
            dbus: None,
            xvfb: None,
            display: 0,
            bus_address: String::new(),
            session: None,
            notify: None,
            sandbox,
        };
        app.start_xvfb();
        app.start_dbus();
        if opts.notify_server {
            app.notify = Some(notify_server::NotifyServer::start(&app.bus_address));
        }
        let port = app.start_driver(&driver_bin, &opts);
        app.connect(port, &bin, &opts).await;
        app.session = Some((port, bin, opts));
        app
    }

    /// Quits the app (ends the WebDriver session) and starts it again on the same data folder,
    /// display and D-Bus: what a clinic sees after closing Fidelia and opening it later.
    pub async fn restart(&mut self) {
        if let Some(client) = self.client.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        }
        let (port, bin, opts) = self.session.clone().expect("a started app");
        // Closing the window leaves Fidelia in the tray: quit it for real, as the tray's "Salir"
        // would, or the next start is a second instance that only focuses this one.
        self.end_app_processes(&bin);
        self.connect(port, &bin, &opts).await;
    }

    /// Ends this test's app processes (found by binary and by this sandbox's database).
    fn end_app_processes(&self, bin: &Path) {
        let marker = format!("FIDELIA_DB={}", self.sandbox.db_path().display());
        let mine = |pid: &str| {
            let exe = fs::read_link(format!("/proc/{pid}/exe")).ok();
            let env = fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            exe.as_deref() == Some(bin) && env.split(|b| *b == 0).any(|v| v == marker.as_bytes())
        };
        let pids = || -> Vec<i32> {
            fs::read_dir("/proc")
                .map(|d| {
                    d.flatten()
                        .filter_map(|e| e.file_name().into_string().ok())
                        .filter(|p| p.bytes().all(|b| b.is_ascii_digit()) && mine(p))
                        .filter_map(|p| p.parse().ok())
                        .collect()
                })
                .unwrap_or_default()
        };
        for pid in pids() {
            unsafe { libc::kill(pid, libc::SIGTERM) };
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while !pids().is_empty() && Instant::now() < deadline {
            std::thread::sleep(POLL);
        }
        for pid in pids() {
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }

    /// The stand-in notification server (see [`Options::with_notify_server`]).
    pub fn notifications(&self) -> &notify_server::NotifyServer {
        self.notify
            .as_ref()
            .expect("start the app with Options::with_notify_server()")
    }

    fn start_xvfb(&mut self) {
        let log = self.sandbox.logs_dir().join("xvfb.log");
        let mut attempts = 0;
        let mut n = 99 + (std::process::id() % 50);
        while n < 1000 {
            n += 1;
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
            if socket.exists() || Path::new(&format!("/tmp/.X{n}-lock")).exists() {
                continue;
            }
            attempts += 1;
            let mut proc = Proc::spawn(
                "Xvfb",
                Command::new("Xvfb").args([
                    &format!(":{n}"),
                    "-screen",
                    "0",
                    "1280x800x24",
                    "-nolisten",
                    "tcp",
                    "-noreset",
                ]),
                log.clone(),
            )
            .unwrap_or_else(|e| {
                panic!("cannot start Xvfb (is the `xvfb` package installed?): {e}")
            });
            let deadline = Instant::now() + START_WAIT;
            loop {
                if proc.exited().is_some() {
                    break; // display taken meanwhile, or Xvfb broken: try the next one
                }
                if UnixStream::connect(&socket).is_ok() {
                    self.display = n;
                    self.xvfb = Some(proc);
                    return;
                }
                if Instant::now() >= deadline {
                    proc.stop();
                    panic!(
                        "Xvfb :{n} did not accept connections within {START_WAIT:?}; its log:\n{}",
                        tail(&log, 30)
                    );
                }
                std::thread::sleep(POLL);
            }
            if attempts >= 5 {
                panic!(
                    "could not start Xvfb (tried {attempts} display numbers up to :{n}); last log:\n{}",
                    tail(&log, 30)
                );
            }
        }
        panic!("no free X display number found below :1000");
    }

    fn start_dbus(&mut self) {
        let socket = self.sandbox.root().join("bus");
        let config = self.sandbox.root().join("dbus-session.conf");
        fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                socket.display()
            ),
        )
        .expect("write the D-Bus config");
        let log = self.sandbox.logs_dir().join("dbus.log");
        let mut proc = Proc::spawn(
            "dbus-daemon",
            Command::new("dbus-daemon").args([
                &format!("--config-file={}", config.display()),
                "--nofork",
                "--nopidfile",
                "--print-address=1",
            ]),
            log.clone(),
        )
        .unwrap_or_else(|e| {
            panic!("cannot start dbus-daemon (is the `dbus` package installed?): {e}")
        });
        let deadline = Instant::now() + START_WAIT;
        loop {
            if let Some(status) = proc.exited() {
                panic!(
                    "dbus-daemon exited ({status}); its log:\n{}",
                    tail(&log, 30)
                );
            }
            if UnixStream::connect(&socket).is_ok() {
                break;
            }
            if Instant::now() >= deadline {
                proc.stop();
                panic!(
                    "dbus-daemon did not listen within {START_WAIT:?}; its log:\n{}",
                    tail(&log, 30)
                );
            }
            std::thread::sleep(POLL);
        }
        self.bus_address = format!("unix:path={}", socket.display());
        self.dbus = Some(proc);
    }

    /// Everything the driver (and through it WebKitWebDriver and the app) gets on top of our env.
    fn child_env(&self, opts: &Options) -> Vec<(String, String)> {
        let mut env = self.sandbox.env_vars();
        env.push(("DISPLAY".into(), format!(":{}", self.display)));
        env.push(("DBUS_SESSION_BUS_ADDRESS".into(), self.bus_address.clone()));
        env.push(("GDK_BACKEND".into(), "x11".into()));
        env.push(("NO_AT_BRIDGE".into(), "1".into()));
        env.extend(opts.env.iter().cloned());
        env
    }

    fn start_driver(&mut self, driver_bin: &Path, opts: &Options) -> u16 {
        let log = self.sandbox.logs_dir().join("tauri-driver.log");
        let env = self.child_env(opts);
        for attempt in 1..=3 {
            let (port, native_port) = free_ports();
            let mut cmd = Command::new(driver_bin);
            cmd.args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env_remove("WAYLAND_DISPLAY")
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .current_dir(self.sandbox.root());
            let mut proc = Proc::spawn("tauri-driver", &mut cmd, log.clone())
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver_bin.display()));
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let deadline = Instant::now() + START_WAIT;
            let ready = loop {
                if proc.exited().is_some() {
                    break false; // e.g. a port got taken meanwhile
                }
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    break true;
                }
                if Instant::now() >= deadline {
                    break false;
                }
                std::thread::sleep(POLL);
            };
            if ready {
                self.driver = Some(proc);
                return port;
            }
            proc.stop();
            eprintln!(
                "[fidelia-e2e] tauri-driver attempt {attempt} on ports {port}/{native_port} failed:\n{}",
                tail(&log, 20)
            );
        }
        panic!(
            "tauri-driver did not start (3 attempts); its log:\n{}",
            tail(&log, 40)
        );
    }

    async fn connect(&mut self, port: u16, bin: &Path, opts: &Options) {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            json!({ "application": bin.to_string_lossy(), "args": opts.args }),
        );
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps);
        let url = format!("http://127.0.0.1:{port}");
        let log = self.sandbox.logs_dir().join("tauri-driver.log");
        let client = match tokio::time::timeout(SESSION_WAIT, builder.connect(&url)).await {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => panic!(
                "WebDriver session on DISPLAY=:{} failed: {e}\n(app: {})\ntauri-driver/app log:\n{}",
                self.display,
                bin.display(),
                tail(&log, 40)
            ),
            Err(_) => panic!(
                "WebDriver session on DISPLAY=:{} did not open within {SESSION_WAIT:?} (the app may \
                 have crashed at start, e.g. no usable display)\ntauri-driver/app log:\n{}",
                self.display,
                tail(&log, 40)
            ),
        };
        self.client = Some(client);
        // Wait until the page has loaded.
        let deadline = Instant::now() + WAIT;
        loop {
            let state = self
                .client()
                .execute("return document.readyState", vec![])
                .await;
            if matches!(&state, Ok(Value::String(s)) if s == "complete") {
                break;
            }
            if Instant::now() >= deadline {
                panic!("the page did not finish loading within {WAIT:?} (readyState: {state:?})");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    // -----------------------------------------------------------------------------------------
    // Accessors
    // -----------------------------------------------------------------------------------------

    /// The WebDriver client, for anything the helpers do not cover.
    pub fn client(&self) -> &Client {
        self.client
            .as_ref()
            .expect("the WebDriver session is closed")
    }
    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }
    /// `XDG_DATA_HOME` of the app.
    pub fn data_dir(&self) -> PathBuf {
        self.sandbox.data_dir()
    }
    /// The database file (`FIDELIA_DB`).
    pub fn db_path(&self) -> PathBuf {
        self.sandbox.db_path()
    }
    /// The X display, e.g. `:101`.
    pub fn display(&self) -> String {
        format!(":{}", self.display)
    }
    /// Runs the CLI against this test's database (see [`Sandbox::cli`]).
    pub fn cli(&self, args: &[&str]) -> Output {
        self.sandbox.cli(args)
    }
    /// Runs the CLI and panics unless it succeeds; returns its stdout.
    pub fn cli_ok(&self, args: &[&str]) -> String {
        self.sandbox.cli_ok(args)
    }

    // -----------------------------------------------------------------------------------------
    // DOM helpers (all wait at most WAIT, and panic with what they saw)
    // -----------------------------------------------------------------------------------------

    /// All elements matching `css` right now (no waiting).
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client()
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find_all({css:?}): {e}"))
    }

    /// Number of elements matching `css` right now.
    pub async fn count(&self, css: &str) -> usize {
        self.find_all(css).await.len()
    }

    /// Whether an element matches `css` right now.
    pub async fn exists(&self, css: &str) -> bool {
        self.count(css).await > 0
    }

    /// The first element matching `css`, waiting until one is in the DOM.
    pub async fn find(&self, css: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(e) = self.client().find(Locator::Css(css)).await {
                return e;
            }
            if Instant::now() >= deadline {
                panic!(
                    "no element matches {css:?} after {WAIT:?}\n{}",
                    self.page_summary().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The first *displayed* element matching `css`, waiting until there is one.
    pub async fn wait_for(&self, css: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            for e in self
                .client()
                .find_all(Locator::Css(css))
                .await
                .unwrap_or_default()
            {
                if e.is_displayed().await.unwrap_or(false) {
                    return e;
                }
            }
            if Instant::now() >= deadline {
                let n = self.count(css).await;
                panic!(
                    "no displayed element matches {css:?} after {WAIT:?} ({n} hidden match(es))\n{}",
                    self.page_summary().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until no displayed element matches `css`.
    pub async fn wait_gone(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let mut visible = Vec::new();
            for e in self
                .client()
                .find_all(Locator::Css(css))
                .await
                .unwrap_or_default()
            {
                if e.is_displayed().await.unwrap_or(false) {
                    visible.push(e.text().await.unwrap_or_default());
                }
            }
            if visible.is_empty() {
                return;
            }
            if Instant::now() >= deadline {
                panic!("{css:?} still displayed after {WAIT:?}: {visible:?}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Clicks the first displayed element matching `css` (retries while it is not clickable).
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let e = self.wait_for(css).await;
            // WebKitWebDriver may silently miss an element at the window's very edge: bring it
            // to the middle first, as a person would scroll to it.
            let _ = self
                .client()
                .execute(
                    "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})",
                    vec![serde_json::to_value(&e).unwrap_or(Value::Null)],
                )
                .await;
            match e.click().await {
                Ok(()) => return,
                Err(err) if Instant::now() >= deadline => {
                    panic!("clicking {css:?} failed for {WAIT:?}: {err}")
                }
                Err(_) => tokio::time::sleep(POLL).await,
            }
        }
    }

    /// Clears the field matching `css` and types `text` into it.
    pub async fn type_into(&self, css: &str, text: &str) {
        let e = self.wait_for(css).await;
        e.clear()
            .await
            .unwrap_or_else(|err| panic!("clearing {css:?}: {err}"));
        e.send_keys(text)
            .await
            .unwrap_or_else(|err| panic!("typing {text:?} into {css:?}: {err}"));
    }

    /// Sends keys (without clearing) to the element matching `css`, e.g.
    /// `app.send_keys("#search", &(Key::Down + "")).await` or `&Key::Enter.to_string()`.
    pub async fn send_keys(&self, css: &str, keys: &str) {
        let e = self.wait_for(css).await;
        e.send_keys(keys)
            .await
            .unwrap_or_else(|err| panic!("sending keys {keys:?} to {css:?}: {err}"));
    }

    /// Presses one special key in the element matching `css`.
    pub async fn press(&self, css: &str, key: Key) {
        self.send_keys(css, &key.to_string()).await;
    }

    /// The rendered text of the first element matching `css` (waits for it to exist).
    pub async fn text(&self, css: &str) -> String {
        let e = self.find(css).await;
        e.text()
            .await
            .unwrap_or_else(|err| panic!("text of {css:?}: {err}"))
    }

    /// The texts of all elements matching `css` right now.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for e in self.find_all(css).await {
            out.push(e.text().await.unwrap_or_default());
        }
        out
    }

    /// The `value` property of the first element matching `css` (inputs, selects, textareas).
    pub async fn value(&self, css: &str) -> String {
        let e = self.find(css).await;
        e.prop("value")
            .await
            .unwrap_or_else(|err| panic!("value of {css:?}: {err}"))
            .unwrap_or_default()
    }

    /// An attribute of the first element matching `css`.
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        let e = self.find(css).await;
        e.attr(name)
            .await
            .unwrap_or_else(|err| panic!("attribute {name:?} of {css:?}: {err}"))
    }

    /// Waits until an element matching `css` has a text containing `needle`; returns that text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let texts = self.texts(css).await;
            if let Some(t) = texts.iter().find(|t| t.contains(needle)) {
                return t.clone();
            }
            if Instant::now() >= deadline {
                let seen = if texts.is_empty() {
                    format!("no element matched {css:?}\n{}", self.page_summary().await)
                } else {
                    format!("{} element(s) matched, with texts: {texts:#?}", texts.len())
                };
                panic!("waited {WAIT:?} for {css:?} to contain {needle:?}; {seen}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Runs JavaScript in the page (use `return ...` to get a value back).
    pub async fn js(&self, script: &str) -> Value {
        self.js_args(script, vec![]).await
    }

    /// Runs JavaScript with `arguments[0..]`.
    pub async fn js_args(&self, script: &str, args: Vec<Value>) -> Value {
        self.client()
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// `document.title`.
    pub async fn title(&self) -> String {
        match self.js("return document.title").await {
            Value::String(s) => s,
            other => panic!("document.title is not a string: {other}"),
        }
    }

    /// The URL, title and a text excerpt of the page, for failure messages.
    pub async fn page_summary(&self) -> String {
        let Some(client) = self.client.as_ref() else {
            return "(no session)".into();
        };
        let script = "return [location.href, document.title, \
                      (document.body ? document.body.innerText : '').slice(0, 1500)]";
        match client.execute(script, vec![]).await {
            Ok(Value::Array(v)) => format!(
                "page {} (title {:?}) shows:\n{}",
                v.first().and_then(Value::as_str).unwrap_or("?"),
                v.get(1).and_then(Value::as_str).unwrap_or("?"),
                v.get(2).and_then(Value::as_str).unwrap_or("")
            ),
            Ok(other) => format!("(page summary: {other})"),
            Err(e) => format!("(page summary failed: {e})"),
        }
    }

    /// WebDriver screenshot of the window, as PNG. (It was once seen stale: assert on the DOM.)
    pub async fn screenshot(&self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        let png = self
            .client()
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("WebDriver screenshot failed: {e}"));
        if let Some(dir) = path.parent() {
            let _ = fs::create_dir_all(dir);
        }
        fs::write(path, png).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }

    /// Screenshot of the whole X display with ImageMagick's `import` (what a user would see).
    pub fn x_screenshot(&self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        if let Err(msg) = x_screenshot(self.display, path) {
            panic!("{msg}");
        }
    }

    /// X screenshot cropped to the app window (falls back to the whole screen if the window
    /// rectangle is unknown). Best for documentation pictures.
    pub async fn window_screenshot(&self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        let crop = match self.client().get_window_rect().await {
            Ok((x, y, w, h)) if w > 0 && h > 0 => Some(format!("{w}x{h}+{x}+{y}")),
            _ => None,
        };
        if let Err(msg) = x_screenshot_cropped(self.display, path, crop.as_deref()) {
            panic!("{msg}");
        }
    }

    /// Closes the WebDriver session (best effort, 5 s at most). Processes end when `self` drops.
    pub async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), client.close()).await;
        }
    }
}

fn x_screenshot(display: u32, path: &Path) -> Result<(), String> {
    x_screenshot_cropped(display, path, None)
}

fn x_screenshot_cropped(display: u32, path: &Path, crop: Option<&str>) -> Result<(), String> {
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

impl Drop for App {
    fn drop(&mut self) {
        let failed = std::thread::panicking();
        if failed && self.xvfb.is_some() {
            let shot = self.sandbox.root().join("failure.png");
            // Catch panics of our own: never panic while panicking.
            match std::panic::catch_unwind(|| x_screenshot(self.display, &shot)) {
                Ok(Ok(())) => eprintln!("[fidelia-e2e] screen at failure: {}", shot.display()),
                _ => eprintln!("[fidelia-e2e] could not take a failure screenshot"),
            }
        }
        // The session itself cannot be closed here (no async in Drop): ending the driver's
        // process group ends WebKitWebDriver and the app with it.
        drop(self.client.take());
        drop(self.notify.take());
        for proc in [self.driver.as_mut(), self.dbus.as_mut(), self.xvfb.as_mut()]
            .into_iter()
            .flatten()
        {
            proc.stop();
        }
        if failed {
            for proc in [&self.driver, &self.dbus, &self.xvfb].into_iter().flatten() {
                eprintln!(
                    "[fidelia-e2e] --- last lines of {} ({}) ---\n{}",
                    proc.name,
                    proc.log.display(),
                    tail(&proc.log, 25)
                );
            }
        }
        // `sandbox` drops after this: kept on failure, removed on success.
    }
}
