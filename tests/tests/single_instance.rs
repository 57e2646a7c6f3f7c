//! One Fidelia per desktop session, and a new start never fails because an earlier one is
//! exiting, was killed or hangs: the real app on its own Xvfb and D-Bus, started directly (no
//! WebDriver), each start watched until its page has loaded.
//!
//! Run: `cargo test -p fidelia-e2e --test single_instance -- --test-threads=1`.

use std::time::{Duration, Instant};

use fidelia_e2e::desktop::INSTANCE_NAME;
use fidelia_e2e::{app_bin, Desktop, RunningApp, Sandbox};

/// A cold WebKit start on a loaded 2-core machine can take seconds; a hang takes forever.
const WINDOW_WAIT: Duration = Duration::from_secs(40);

fn start(desktop: &Desktop, sandbox: &Sandbox, n: usize) -> RunningApp {
    let log = sandbox.logs_dir().join(format!("app-{n:02}.log"));
    desktop.spawn_app(sandbox, &app_bin(), log)
}

/// A desktop of the test's own with a first Fidelia open on it.
fn first_fidelia() -> (Sandbox, Desktop, RunningApp) {
    let sandbox = Sandbox::new();
    let desktop = Desktop::start(&sandbox);
    let mut app = start(&desktop, &sandbox, 0);
    app.wait_window(WINDOW_WAIT);
    (sandbox, desktop, app)
}

/// Killed (SIGKILL, as a crash) or terminated (SIGTERM) and started again at once, twenty times
/// in a row: every start opens the window. The next start is launched before the previous
/// process has finished dying, so it may find the previous instance still on the bus.
#[test]
fn a_start_right_after_a_kill_always_opens_the_window() {
    let (sandbox, desktop, mut app) = first_fidelia();
    for n in 1..=20 {
        let signal = if n % 2 == 1 {
            libc::SIGKILL
        } else {
            libc::SIGTERM
        };
        app.signal(signal);
        let mut next = start(&desktop, &sandbox, n);
        next.wait_window(WINDOW_WAIT);
        app.wait_exit(Duration::from_secs(10));
        app = next;
    }
    assert!(
        desktop.bus_name_has_owner(INSTANCE_NAME),
        "the last start holds the one-instance name"
    );
}

/// A second start while the first runs brings the first forward and exits at once, without a
/// second window.
#[test]
fn a_second_start_hands_over_to_the_running_one() {
    let (sandbox, desktop, mut first) = first_fidelia();
    let mut second = start(&desktop, &sandbox, 1);
    let status = second.wait_exit(Duration::from_secs(20));
    assert!(status.success(), "the second start exits cleanly: {status}");
    first.assert_running();
}

/// A hung instance (stopped with SIGSTOP) still owns the name but never answers: a new start
/// waits a few seconds, then opens its own window rather than nothing.
#[test]
fn a_hung_instance_does_not_stop_a_new_start() {
    let (sandbox, desktop, mut hung) = first_fidelia();
    hung.signal(libc::SIGSTOP);
    let started = Instant::now();
    let mut next = start(&desktop, &sandbox, 1);
    next.wait_window(WINDOW_WAIT);
    let waited = started.elapsed();
    hung.signal(libc::SIGKILL);
    hung.signal(libc::SIGCONT);
    hung.wait_exit(Duration::from_secs(10));
    assert!(
        waited < Duration::from_secs(30),
        "the new start waited a bounded time: {waited:?}"
    );
}
