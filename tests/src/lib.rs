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

mod app;
pub mod desktop;
pub mod notify_server;
mod page;
mod process;
mod sandbox;
pub mod seed;
mod tools;
pub mod ui;

use std::time::Duration;

pub use fantoccini;
pub use fantoccini::elements::Element;
pub use fantoccini::key::Key;
pub use serde_json::{json, Value};

pub use app::{App, Options};
pub use desktop::{Desktop, RunningApp};
pub use sandbox::Sandbox;
pub use tools::{app_bin, cli_bin, pdftotext, run_with_timeout, which, workspace_dir};

/// How long the UI helpers (`wait_for`, `click`, ...) poll before giving up.
pub const WAIT: Duration = Duration::from_secs(10);
/// How long to wait for Xvfb / dbus-daemon / tauri-driver and WebKitWebDriver to come up.
const START_WAIT: Duration = Duration::from_secs(30);
/// How long the WebDriver new-session request (which launches the app) may take.
const SESSION_WAIT: Duration = Duration::from_secs(60);
/// How long a helper command (`import`, the CLI) may run.
const CMD_WAIT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(50);
