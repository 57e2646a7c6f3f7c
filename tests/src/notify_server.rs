//! A stand-in desktop notification server for the tests: it owns `org.freedesktop.Notifications`
//! on the test's own D-Bus session bus and records every `Notify` call, so a test can count what
//! the app showed. It runs on its own thread and runtime, whatever the test's runtime does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One `Notify` call as the server received it.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub app_name: String,
    pub summary: String,
    pub body: String,
}

struct Server {
    log: Arc<Mutex<Vec<Note>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        _hints: HashMap<String, zbus::zvariant::OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut log = self.log.lock().unwrap();
        log.push(Note {
            app_name,
            summary,
            body,
        });
        log.len() as u32
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into(), "actions".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "fidelia-test-server".into(),
            "fidelia".into(),
            "1.0".into(),
            "1.2".into(),
        )
    }

    fn close_notification(&self, _id: u32) {}
}

/// The running server; it stops when dropped.
pub struct NotifyServer {
    log: Arc<Mutex<Vec<Note>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    clicks: tokio::sync::mpsc::UnboundedSender<u32>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl NotifyServer {
    /// Starts serving on the bus at `address` and returns once the name is owned.
    pub fn start(address: &str) -> NotifyServer {
        let log = Arc::new(Mutex::new(Vec::new()));
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (click_tx, mut click_rx) = tokio::sync::mpsc::unbounded_channel::<u32>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), String>>();
        let (address, log2) = (address.to_owned(), log.clone());
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let built = async {
                    zbus::connection::Builder::address(address.as_str())?
                        .name("org.freedesktop.Notifications")?
                        .serve_at("/org/freedesktop/Notifications", Server { log: log2 })?
                        .build()
                        .await
                }
                .await;
                match built {
                    Ok(conn) => {
                        let _ = ready_tx.send(Ok(()));
                        tokio::pin!(stop_rx);
                        loop {
                            tokio::select! {
                                _ = &mut stop_rx => break,
                                Some(id) = click_rx.recv() => {
                                    // What a desktop does when the user clicks the notification.
                                    let _ = conn
                                        .emit_signal(
                                            None::<()>,
                                            "/org/freedesktop/Notifications",
                                            "org.freedesktop.Notifications",
                                            "ActionInvoked",
                                            &(id, "default"),
                                        )
                                        .await;
                                }
                            }
                        }
                        drop(conn);
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                    }
                }
            });
        });
        match ready_rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("the test notification server could not start: {e}"),
            Err(_) => panic!("the test notification server did not start within 10 s"),
        }
        NotifyServer {
            log,
            stop: Some(stop_tx),
            clicks: click_tx,
            thread: Some(thread),
        }
    }

    /// Clicks notification number `n` (1-based, in the order received).
    pub fn click(&self, n: u32) {
        let _ = self.clicks.send(n);
    }

    /// Every notification received so far.
    pub fn notes(&self) -> Vec<Note> {
        self.log.lock().unwrap().clone()
    }

    /// Waits until at least `n` notifications arrived (≤ `limit`); returns them all.
    pub fn wait_for(&self, n: usize, limit: Duration) -> Vec<Note> {
        let deadline = Instant::now() + limit;
        loop {
            let notes = self.notes();
            if notes.len() >= n || Instant::now() > deadline {
                return notes;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for NotifyServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
