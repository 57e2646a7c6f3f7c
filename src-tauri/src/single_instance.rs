//! One Fidelia per desktop session (Linux): the first instance owns a D-Bus name; a second launch
//! hands its arguments to the first (which comes to the front) and exits.
//!
//! Why not `tauri-plugin-single-instance` on Linux: when the name's owner is exiting, hung or
//! was killed, the plugin's forwarding call fails and the app stops at start with an error
//! (`PluginInitialization("single-instance", … NoReply …)`). Here a failed forward is retried
//! for a short while (an exiting instance releases the name within milliseconds), and if the
//! owner still does not answer, Fidelia starts normally rather than not at all. The name, the
//! object path and the interface are the plugin's, so versions built either way still find
//! each other. Other platforms keep the plugin (see `lib.rs`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zbus::blocking::connection::Builder;
use zbus::blocking::Connection;
use zbus::fdo::{RequestNameFlags, RequestNameReply};
use zbus::interface;

/// The interface the plugin serves; kept so that every Fidelia build answers the same call.
const INTERFACE: &str = "org.SingleInstance.DBus";

/// How long a second launch keeps trying before it starts on its own.
pub const PATIENCE: Duration = Duration::from_secs(4);
/// How long one forwarding call may wait for the running instance to answer.
pub const CALL_LIMIT: Duration = Duration::from_millis(1500);
/// Pause between two tries.
const PAUSE: Duration = Duration::from_millis(100);

type Callback = Box<dyn Fn(Vec<String>) + Send>;

/// What to do with a launch that finds another instance: set once the window exists. Launches
/// forwarded before that are remembered and replayed then.
#[derive(Default)]
struct Slot {
    callback: Option<Callback>,
    pending: Vec<Vec<String>>,
    /// This instance is quitting: a launch must not be handed to it.
    leaving: bool,
}

struct Forward {
    slot: Arc<Mutex<Slot>>,
}

#[interface(name = "org.SingleInstance.DBus")]
impl Forward {
    fn execute_callback(&self, argv: Vec<String>, _cwd: String) -> zbus::fdo::Result<()> {
        let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        if slot.leaving {
            // The launch retries, and gets the name once this instance has let it go.
            return Err(zbus::fdo::Error::Failed("Fidelia is quitting".into()));
        }
        match &slot.callback {
            Some(cb) => cb(argv),
            None => slot.pending.push(argv),
        }
        Ok(())
    }
}

/// The first instance's hold on the name; dropping it releases the name.
pub struct InstanceLock {
    connection: Connection,
    name: String,
    slot: Arc<Mutex<Slot>>,
}

impl InstanceLock {
    /// This instance is quitting: from now on a launch is refused (it retries), and the name is
    /// given back so that the launch becomes the next Fidelia.
    pub fn release(&self) {
        self.slot.lock().unwrap_or_else(|e| e.into_inner()).leaving = true;
        if let Err(e) = self.connection.release_name(self.name.as_str()) {
            log::warn!("single instance: could not release {}: {e}", self.name);
        }
    }

    /// What a later launch does to this instance (typically: show the window).
    pub fn on_second_launch(&self, callback: impl Fn(Vec<String>) + Send + 'static) {
        let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        for argv in std::mem::take(&mut slot.pending) {
            callback(argv);
        }
        slot.callback = Some(Box::new(callback));
    }
}

/// How this launch goes on.
pub enum Start {
    /// This is the only instance: keep the lock for the app's lifetime.
    First(InstanceLock),
    /// The running instance took the arguments: this launch should exit.
    Forwarded,
    /// No lock is possible (no session bus, or an owner that never answers): start anyway.
    Alone(String),
}

/// The bus name for an app identifier (the plugin's: `<identifier>.SingleInstance`).
pub fn bus_name(identifier: &str) -> String {
    format!("{identifier}.SingleInstance")
}

fn object_path(name: &str) -> String {
    format!("/{}", name.replace('.', "/").replace('-', "_"))
}

/// Claims `name` on the session bus, or hands `argv` to its owner.
pub fn acquire(name: &str, argv: Vec<String>) -> Start {
    match Builder::session() {
        Ok(builder) => acquire_with(builder, name, argv, PATIENCE, CALL_LIMIT),
        Err(e) => Start::Alone(format!("no D-Bus session bus: {e}")),
    }
}

/// [`acquire`] on a given bus connection builder, with its bounds (for tests).
pub fn acquire_with(
    builder: Builder<'_>,
    name: &str,
    argv: Vec<String>,
    patience: Duration,
    call_limit: Duration,
) -> Start {
    let path = object_path(name);
    let slot = Arc::new(Mutex::new(Slot::default()));
    let forward = Forward { slot: slot.clone() };
    // The object is served before the name is claimed, so a launch that finds the name always
    // finds someone to answer.
    let connection = match builder
        .method_timeout(call_limit)
        .serve_at(path.as_str(), forward)
        .and_then(|b| b.build())
    {
        Ok(c) => c,
        Err(e) => return Start::Alone(format!("no D-Bus session bus: {e}")),
    };
    let cwd = std::env::current_dir()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    let deadline = Instant::now() + patience;
    let mut tries = 0;
    loop {
        tries += 1;
        let why =
            match connection.request_name_with_flags(name, RequestNameFlags::DoNotQueue.into()) {
                Ok(RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner) => {
                    return Start::First(InstanceLock {
                        connection,
                        name: name.to_owned(),
                        slot,
                    })
                }
                // zbus reports "exists" as an error: someone owns the name; hand it the launch.
                Ok(RequestNameReply::Exists | RequestNameReply::InQueue)
                | Err(zbus::Error::NameTaken) => {
                    match connection.call_method(
                        Some(name),
                        path.as_str(),
                        Some(INTERFACE),
                        "ExecuteCallback",
                        &(&argv, &cwd),
                    ) {
                        Ok(_) => return Start::Forwarded,
                        Err(e) => format!("the running instance did not answer: {e}"),
                    }
                }
                Err(e) => format!("could not claim {name}: {e}"),
            };
        if Instant::now() + PAUSE >= deadline {
            return Start::Alone(format!("{why} (after {tries} tries)"));
        }
        log::warn!("single instance: {why}; trying again");
        std::thread::sleep(PAUSE);
    }
}

#[cfg(test)]
mod tests {
    //! Each test runs its own `dbus-daemon`, so they need no session bus of the caller's.
    use super::*;
    use std::process::{Child, Command, Stdio};
    use std::sync::atomic::{AtomicUsize, Ordering};

    const NAME: &str = "es.fidelia.test.SingleInstance";

    struct Bus {
        daemon: Child,
        address: String,
        _dir: PathGuard,
    }

    struct PathGuard(std::path::PathBuf);
    impl Drop for PathGuard {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    impl Bus {
        fn start() -> Bus {
            static N: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "fidelia-bus-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            ));
            std::fs::create_dir_all(&dir).unwrap();
            let socket = dir.join("bus");
            let daemon = Command::new("dbus-daemon")
                .args([
                    "--session",
                    "--nofork",
                    "--nopidfile",
                    &format!("--address=unix:path={}", socket.display()),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("dbus-daemon (package `dbus`) is needed by these tests");
            let deadline = Instant::now() + Duration::from_secs(10);
            while std::os::unix::net::UnixStream::connect(&socket).is_err() {
                assert!(Instant::now() < deadline, "dbus-daemon did not start");
                std::thread::sleep(Duration::from_millis(20));
            }
            Bus {
                daemon,
                address: format!("unix:path={}", socket.display()),
                _dir: PathGuard(dir),
            }
        }

        fn builder(&self) -> Builder<'static> {
            Builder::address(self.address.as_str()).expect("a bus address")
        }

        fn acquire(&self, argv: &[&str], patience: Duration) -> Start {
            acquire_with(
                self.builder(),
                NAME,
                argv.iter().map(|s| s.to_string()).collect(),
                patience,
                Duration::from_millis(300),
            )
        }
    }

    impl Drop for Bus {
        fn drop(&mut self) {
            let _ = self.daemon.kill();
            let _ = self.daemon.wait();
        }
    }

    fn first(start: Start) -> InstanceLock {
        match start {
            Start::First(lock) => lock,
            Start::Forwarded => panic!("expected the first instance, got Forwarded"),
            Start::Alone(why) => panic!("expected the first instance, got Alone({why})"),
        }
    }

    #[test]
    fn a_second_launch_hands_its_arguments_to_the_first_and_exits() {
        let bus = Bus::start();
        let lock = first(bus.acquire(&["fidelia-app"], Duration::from_secs(2)));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        lock.on_second_launch(move |argv| s.lock().unwrap().push(argv));
        assert!(
            matches!(
                bus.acquire(&["fidelia-app", "--hidden"], Duration::from_secs(2)),
                Start::Forwarded
            ),
            "a live first instance takes the launch"
        );
        assert_eq!(
            *seen.lock().unwrap(),
            vec![vec!["fidelia-app".to_string(), "--hidden".into()]],
            "the first instance was told, with the arguments"
        );
    }

    #[test]
    fn a_launch_before_the_window_exists_is_replayed_when_it_does() {
        let bus = Bus::start();
        let lock = first(bus.acquire(&["a"], Duration::from_secs(2)));
        assert!(matches!(
            bus.acquire(&["b"], Duration::from_secs(2)),
            Start::Forwarded
        ));
        let seen = Arc::new(AtomicUsize::new(0));
        let s = seen.clone();
        lock.on_second_launch(move |_| {
            s.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(
            seen.load(Ordering::SeqCst),
            1,
            "the early launch is not lost"
        );
    }

    /// A launch while Fidelia is quitting (tray → Salir) must not be handed to it: it would be
    /// lost with it. It becomes the next Fidelia instead.
    #[test]
    fn a_launch_while_the_first_instance_quits_becomes_the_next_one() {
        let bus = Bus::start();
        let quitting = first(bus.acquire(&["a"], Duration::from_secs(2)));
        quitting.on_second_launch(|_| panic!("a quitting instance takes no launch"));
        quitting.release();
        first(bus.acquire(&["b"], Duration::from_secs(2)));
        drop(quitting);
    }

    #[test]
    fn the_name_is_free_again_once_the_first_instance_is_gone() {
        let bus = Bus::start();
        let lock = first(bus.acquire(&["a"], Duration::from_secs(2)));
        drop(lock);
        first(bus.acquire(&["b"], Duration::from_secs(2)));
    }

    /// An instance that is exiting still owns the name but no longer answers. The new launch
    /// must wait for the name, not fail.
    #[test]
    fn a_launch_during_the_previous_instance_exit_starts_once_the_name_is_released() {
        let bus = Bus::start();
        let dying = bus.builder().build().unwrap();
        dying
            .request_name_with_flags(NAME, RequestNameFlags::DoNotQueue.into())
            .unwrap();
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(700));
            drop(dying); // the process ends: the bus drops its name
        });
        let started = Instant::now();
        let lock = first(bus.acquire(&["b"], Duration::from_secs(4)));
        assert!(
            started.elapsed() >= Duration::from_millis(600),
            "it waited for the exiting owner ({:?})",
            started.elapsed()
        );
        releaser.join().unwrap();
        drop(lock);
    }

    /// A hung instance (stopped, or stuck) owns the name and never replies: the new launch gives
    /// up after its patience and starts on its own, with the reason.
    #[test]
    fn a_hung_instance_does_not_stop_a_new_launch() {
        struct Hung;
        #[interface(name = "org.SingleInstance.DBus")]
        impl Hung {
            fn execute_callback(&self, _argv: Vec<String>, _cwd: String) {
                std::thread::sleep(Duration::from_secs(5));
            }
        }
        let bus = Bus::start();
        let _hung = bus
            .builder()
            .serve_at(object_path(NAME).as_str(), Hung)
            .unwrap()
            .name(NAME)
            .unwrap()
            .build()
            .unwrap();
        let started = Instant::now();
        match bus.acquire(&["b"], Duration::from_secs(1)) {
            Start::Alone(why) => assert!(why.contains("did not answer"), "{why}"),
            Start::First(_) => panic!("the hung instance still owns the name"),
            Start::Forwarded => panic!("a hung instance cannot take the launch"),
        }
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "bounded: {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn without_a_bus_fidelia_starts_alone() {
        let builder = Builder::address("unix:path=/nonexistent/fidelia-no-bus").unwrap();
        match acquire_with(
            builder,
            NAME,
            vec![],
            Duration::from_secs(1),
            Duration::from_millis(300),
        ) {
            Start::Alone(why) => assert!(why.contains("no D-Bus"), "{why}"),
            _ => panic!("no bus, no lock"),
        }
    }
}
