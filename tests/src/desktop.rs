//! A desktop of the test's own: an `Xvfb` on a free display number and a D-Bus session bus
//! listening on a socket in the sandbox. [`crate::App`] runs the window on one; a test may also
//! start the app itself on one ([`Desktop::spawn_app`]) when it needs no WebDriver.

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::process::Proc;
use crate::sandbox::Sandbox;
use crate::tools::{require_tool, tail, x_screenshot};
use crate::{POLL, START_WAIT};

/// The D-Bus name Fidelia holds while it runs (one instance per desktop session).
pub const INSTANCE_NAME: &str = "es.fidelia.desktop.SingleInstance";

pub struct Desktop {
    pub(crate) xvfb: Option<Proc>,
    pub(crate) dbus: Option<Proc>,
    display: u32,
    bus_address: String,
}

impl Desktop {
    /// Starts Xvfb and a session bus; their logs go to the sandbox's `logs/`.
    pub fn start(sandbox: &Sandbox) -> Desktop {
        require_tool("Xvfb", "xvfb");
        require_tool("dbus-daemon", "dbus");
        let mut desktop = Desktop {
            xvfb: None,
            dbus: None,
            display: 0,
            bus_address: String::new(),
        };
        desktop.start_xvfb(sandbox);
        desktop.start_dbus(sandbox);
        desktop
    }

    /// The X display number.
    pub fn display(&self) -> u32 {
        self.display
    }

    /// `DBUS_SESSION_BUS_ADDRESS` of this desktop.
    pub fn bus_address(&self) -> &str {
        &self.bus_address
    }

    /// What every process on this desktop gets on top of the sandbox's environment.
    pub fn env_vars(&self, sandbox: &Sandbox) -> Vec<(String, String)> {
        let mut env = sandbox.env_vars();
        env.push(("DISPLAY".into(), format!(":{}", self.display)));
        env.push(("DBUS_SESSION_BUS_ADDRESS".into(), self.bus_address.clone()));
        env.push(("GDK_BACKEND".into(), "x11".into()));
        env.push(("NO_AT_BRIDGE".into(), "1".into()));
        env
    }

    /// Whether some process owns `name` on this desktop's bus (asks the bus itself).
    pub fn bus_name_has_owner(&self, name: &str) -> bool {
        let out = crate::tools::run_with_timeout(
            Command::new("dbus-send").args([
                &format!("--bus={}", self.bus_address),
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                &format!("string:{name}"),
            ]),
            Duration::from_secs(10),
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "dbus-send NameHasOwner failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        text.contains("boolean true")
    }

    /// Waits until nobody owns `name` (e.g. a Fidelia that was quit has left the bus).
    pub fn wait_name_released(&self, name: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.bus_name_has_owner(name) {
            assert!(
                Instant::now() < deadline,
                "{name} is still owned on the test's bus after {limit:?}: the previous Fidelia \
                 has not left"
            );
            std::thread::sleep(POLL);
        }
    }

    /// Starts the app binary directly on this desktop (no WebDriver), with `FIDELIA_MEASURE=1`
    /// so that it prints `first-paint-ms N` once its page has loaded. Output goes to `log`.
    pub fn spawn_app(&self, sandbox: &Sandbox, bin: &Path, log: PathBuf) -> RunningApp {
        let mut child = Command::new(bin)
            .envs(self.env_vars(sandbox))
            .env("FIDELIA_MEASURE", "1")
            .env_remove("WAYLAND_DISPLAY")
            .current_dir(sandbox.root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        crate::process::record_pgid(child.id());
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().expect("piped stdout");
        let err = child.stderr.take().expect("piped stderr");
        let log_file = fs::File::create(&log).expect("create the app log");
        for (stream, tx, mut file) in [
            (
                Box::new(out) as Box<dyn std::io::Read + Send>,
                tx.clone(),
                log_file.try_clone().expect("log file"),
            ),
            (Box::new(err), tx, log_file),
        ] {
            std::thread::spawn(move || {
                use std::io::Write;
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = writeln!(file, "{line}");
                    let _ = tx.send(line);
                }
            });
        }
        RunningApp {
            child,
            lines: rx,
            log,
        }
    }

    fn start_xvfb(&mut self, sandbox: &Sandbox) {
        let log = sandbox.logs_dir().join("xvfb.log");
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

    fn start_dbus(&mut self, sandbox: &Sandbox) {
        let socket = sandbox.root().join("bus");
        let config = sandbox.root().join("dbus-session.conf");
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
        let log = sandbox.logs_dir().join("dbus.log");
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

    /// A screenshot of the whole display into `path`, for a failure's folder.
    pub(crate) fn failure_screenshot(&self, path: &Path) {
        // Catch panics of our own: never panic while panicking.
        match std::panic::catch_unwind(|| x_screenshot(self.display, path)) {
            Ok(Ok(())) => eprintln!("[fidelia-e2e] screen at failure: {}", path.display()),
            _ => eprintln!("[fidelia-e2e] could not take a failure screenshot"),
        }
    }

    /// Ends the bus and the display (also done on drop).
    pub(crate) fn stop(&mut self, failed: bool) {
        for proc in [self.dbus.as_mut(), self.xvfb.as_mut()]
            .into_iter()
            .flatten()
        {
            proc.stop();
        }
        if failed {
            for proc in [&self.dbus, &self.xvfb].into_iter().flatten() {
                eprintln!(
                    "[fidelia-e2e] --- last lines of {} ({}) ---\n{}",
                    proc.name,
                    proc.log.display(),
                    tail(&proc.log, 25)
                );
            }
        }
        self.dbus = None;
        self.xvfb = None;
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        self.stop(std::thread::panicking());
    }
}

/// The app started directly by [`Desktop::spawn_app`], in its own process group.
pub struct RunningApp {
    child: Child,
    lines: mpsc::Receiver<String>,
    log: PathBuf,
}

impl RunningApp {
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Waits until the page has loaded (`first-paint-ms`), or fails with the app's output.
    pub fn wait_window(&mut self, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self
                .lines
                .recv_timeout(left.min(Duration::from_millis(200)))
            {
                Ok(line) if line.starts_with("first-paint-ms") => return,
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = self.child.wait().ok();
                    panic!(
                        "the app (pid {}) exited ({status:?}) without opening its window; its \
                         output:\n{}",
                        self.pid(),
                        tail(&self.log, 30)
                    );
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                // Give the reader threads a moment to pass on the last lines.
                if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                    if line.starts_with("first-paint-ms") {
                        return;
                    }
                }
                panic!(
                    "the app (pid {}) exited ({status}) without opening its window; its \
                     output:\n{}",
                    self.pid(),
                    tail(&self.log, 30)
                );
            }
            if Instant::now() >= deadline {
                panic!(
                    "the app (pid {}) did not open its window within {limit:?}; its output:\n{}",
                    self.pid(),
                    tail(&self.log, 30)
                );
            }
        }
    }

    /// Panics unless the app is still running.
    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "the app (pid {}) exited ({status}); its output:\n{}",
                self.pid(),
                tail(&self.log, 30)
            );
        }
    }

    /// Sends `signal` to the app's main process only (as a crash or `kill` would).
    pub fn signal(&self, signal: i32) {
        unsafe {
            libc::kill(self.pid(), signal);
        }
    }

    /// Waits until the main process has exited and been reaped.
    pub fn wait_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the app (pid {}) did not exit within {limit:?}",
                self.pid()
            );
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for RunningApp {
    fn drop(&mut self) {
        let pgid = self.pid();
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
        let _ = self.child.wait();
        crate::process::reap_group(pgid);
    }
}
