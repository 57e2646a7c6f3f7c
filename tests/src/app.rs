//! The running app: its own desktop (Xvfb and D-Bus), tauri-driver and WebDriver session.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};

use crate::desktop::{Desktop, INSTANCE_NAME};
use crate::process::{become_subreaper, free_ports, process_running, wait_accepting, Proc};
use crate::sandbox::Sandbox;
use crate::tools::{absolute, app_bin, require_tool, tail, tauri_driver_bin};
use crate::{notify_server, POLL, SESSION_WAIT, START_WAIT, WAIT};

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

/// The running app: its own Xvfb, D-Bus, tauri-driver and WebDriver session.
pub struct App {
    pub(crate) client: Option<Client>,
    driver: Option<Proc>,
    pub(crate) desktop: Desktop,
    /// WebKitWebDriver's port (tauri-driver forwards to it).
    native_port: u16,
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
        require_tool("WebKitWebDriver", "webkit2gtk-driver");
        let driver_bin = tauri_driver_bin();

        // From here on every process lives in `app`, so a panic ends them in Drop.
        let mut app = App {
            client: None,
            driver: None,
            desktop: Desktop::start(&sandbox),
            native_port: 0,
            session: None,
            notify: None,
            sandbox,
        };
        if opts.notify_server {
            app.notify = Some(notify_server::NotifyServer::start(
                app.desktop.bus_address(),
            ));
        }
        let port = app.start_driver(&driver_bin, &opts);
        app.connect(port, &bin, &opts).await;
        app.session = Some((port, bin, opts));
        app
    }

    /// Quits the app (ends the WebDriver session) and starts it again on the same data folder,
    /// display and D-Bus: what a clinic sees after closing Fidelia and opening it later. The new
    /// start waits until the previous process has exited and has left the bus.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.start_again().await;
    }

    /// Quits the app (as [`App::restart`] does) and leaves it closed, until
    /// [`App::start_again`]: to change its files in between.
    pub async fn stop(&mut self) {
        if let Some(client) = self.client.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        }
        let (_, bin, _) = self.session.clone().expect("a started app");
        // Closing the window leaves Fidelia in the tray: quit it for real, as the tray's "Salir"
        // would, or the next start is a second instance that only focuses this one.
        self.end_app_processes(&bin);
        self.desktop
            .wait_name_released(INSTANCE_NAME, Duration::from_secs(10));
    }

    /// Starts the app again after [`App::stop`], on the same data folder, display and D-Bus.
    pub async fn start_again(&mut self) {
        let (port, bin, opts) = self.session.clone().expect("a started app");
        self.connect(port, &bin, &opts).await;
    }

    /// Ends this test's app processes (found by binary and by this sandbox's database) and
    /// waits until each has exited: gone, or a zombie (its files, D-Bus socket included, closed).
    fn end_app_processes(&self, bin: &Path) {
        let marker = format!("FIDELIA_DB={}", self.sandbox.db_path().display());
        // /proc/<pid>/exe is the resolved path: compare with the binary's resolved path.
        let bin = fs::canonicalize(bin).unwrap_or_else(|_| bin.to_path_buf());
        let bin = bin.as_path();
        let mine = |pid: &str| {
            let exe = fs::read_link(format!("/proc/{pid}/exe")).ok();
            let env = fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            exe.as_deref() == Some(bin) && env.split(|b| *b == 0).any(|v| v == marker.as_bytes())
        };
        let pids: Vec<i32> = fs::read_dir("/proc")
            .map(|d| {
                d.flatten()
                    .filter_map(|e| e.file_name().into_string().ok())
                    .filter(|p| p.bytes().all(|b| b.is_ascii_digit()) && mine(p))
                    .filter_map(|p| p.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        let running = || -> Vec<i32> {
            pids.iter()
                .copied()
                .filter(|pid| {
                    // Ours to reap once WebKitWebDriver is gone (we are a subreaper).
                    unsafe { libc::waitpid(*pid, std::ptr::null_mut(), libc::WNOHANG) };
                    process_running(*pid)
                })
                .collect()
        };
        for pid in &pids {
            unsafe { libc::kill(*pid, libc::SIGTERM) };
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while !running().is_empty() && Instant::now() < deadline {
            std::thread::sleep(POLL);
        }
        let left = running();
        if !left.is_empty() {
            eprintln!("[fidelia-e2e] the app ignored SIGTERM: SIGKILL {left:?}");
            for pid in &left {
                unsafe { libc::kill(*pid, libc::SIGKILL) };
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            while !running().is_empty() {
                assert!(
                    Instant::now() < deadline,
                    "the app {:?} survived SIGKILL for 5 s",
                    running()
                );
                std::thread::sleep(POLL);
            }
        }
    }

    /// The stand-in notification server (see [`Options::with_notify_server`]).
    pub fn notifications(&self) -> &notify_server::NotifyServer {
        self.notify
            .as_ref()
            .expect("start the app with Options::with_notify_server()")
    }

    /// Everything the driver (and through it WebKitWebDriver and the app) gets on top of our env.
    fn child_env(&self, opts: &Options) -> Vec<(String, String)> {
        let mut env = self.desktop.env_vars(&self.sandbox);
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
            // tauri-driver's own port first, then WebKitWebDriver's (which it starts at once,
            // and which on a cold machine can take seconds to read WebKit from disk).
            let waited = wait_accepting(&mut proc, port, START_WAIT)
                .map_err(|e| format!("tauri-driver's port {port}: {e}"))
                .and_then(|()| {
                    wait_accepting(&mut proc, native_port, START_WAIT).map_err(|e| {
                        format!(
                            "WebKitWebDriver's port {native_port} (started by tauri-driver): {e}"
                        )
                    })
                });
            match waited {
                Ok(()) => {
                    self.driver = Some(proc);
                    self.native_port = native_port;
                    return port;
                }
                Err(why) => {
                    proc.stop();
                    eprintln!(
                        "[fidelia-e2e] tauri-driver attempt {attempt}: {why}; its log:\n{}",
                        tail(&log, 20)
                    );
                }
            }
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
        let mut session = tokio::time::timeout(SESSION_WAIT, builder.connect(&url)).await;
        if let Ok(Err(e)) = &session {
            // On a cold machine WebKitWebDriver may refuse its first connection even though its
            // port was open a moment before: wait for it again, then try once more.
            if e.to_string().to_lowercase().contains("connection refused") {
                eprintln!("[fidelia-e2e] WebDriver session refused ({e}); one more try");
                if let Some(driver) = self.driver.as_mut() {
                    if let Err(why) = wait_accepting(driver, self.native_port, START_WAIT) {
                        panic!(
                            "WebKitWebDriver's port {}: {why}\ntauri-driver log:\n{}",
                            self.native_port,
                            tail(&log, 40)
                        );
                    }
                }
                session = tokio::time::timeout(SESSION_WAIT, builder.connect(&url)).await;
            }
        }
        let client = match session {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => panic!(
                "WebDriver session on DISPLAY=:{} failed: {e}\n(app: {})\ntauri-driver/app log:\n{}",
                self.desktop.display(),
                bin.display(),
                tail(&log, 40)
            ),
            Err(_) => panic!(
                "WebDriver session on DISPLAY=:{} did not open within {SESSION_WAIT:?} (the app may \
                 have crashed at start, e.g. no usable display)\ntauri-driver/app log:\n{}",
                self.desktop.display(),
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
    /// The app's configuration folder (`XDG_CONFIG_HOME`: this PC's own settings).
    pub fn config_dir(&self) -> PathBuf {
        self.sandbox.config_dir()
    }
    /// The database file (`FIDELIA_DB`).
    pub fn db_path(&self) -> PathBuf {
        self.sandbox.db_path()
    }
    /// The X display, e.g. `:101`.
    pub fn display(&self) -> String {
        format!(":{}", self.desktop.display())
    }
    /// The test's own desktop (display and session bus).
    pub fn desktop(&self) -> &Desktop {
        &self.desktop
    }
    /// Runs the CLI against this test's database (see [`Sandbox::cli`]).
    pub fn cli(&self, args: &[&str]) -> Output {
        self.sandbox.cli(args)
    }
    /// Runs the CLI and panics unless it succeeds; returns its stdout.
    pub fn cli_ok(&self, args: &[&str]) -> String {
        self.sandbox.cli_ok(args)
    }

    /// Closes the WebDriver session (best effort, 5 s at most). Processes end when `self` drops.
    pub async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), client.close()).await;
        }
    }
}
impl Drop for App {
    fn drop(&mut self) {
        let failed = std::thread::panicking();
        if failed {
            self.desktop
                .failure_screenshot(&self.sandbox.root().join("failure.png"));
        }
        // The session itself cannot be closed here (no async in Drop): ending the driver's
        // process group ends WebKitWebDriver and the app with it.
        drop(self.client.take());
        drop(self.notify.take());
        if let Some(driver) = self.driver.as_mut() {
            driver.stop();
        }
        self.desktop.stop(failed);
        if let (true, Some(driver)) = (failed, &self.driver) {
            eprintln!(
                "[fidelia-e2e] --- last lines of {} ({}) ---\n{}",
                driver.name,
                driver.log.display(),
                tail(&driver.log, 25)
            );
        }
        // `sandbox` drops after this: kept on failure, removed on success.
    }
}
