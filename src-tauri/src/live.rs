//! Several PCs on the clinic's server: what another PC saves shows here within two seconds.
//! A connection of its own listens to the server's announcements of committed writes
//! (PostgreSQL's LISTEN/NOTIFY, [`fidelia_ops::Changes`]); on one from another PC the page is
//! told (a DOM event, `fidelia-changed`) and refreshes its counters and the list it shows. On a
//! file there is nothing to listen to: the thread only looks, now and then, whether this PC
//! moved to a server. The same connection tells when the server stops answering (the page
//! shows it at once, `fidelia-server` with `down`) and when it is back (`up`), trying again
//! every few seconds.

use std::time::Duration;

use fidelia_ops::{Changes, Location};
use tauri::{AppHandle, Manager, Runtime};

use crate::state::AppState;

/// How long one wait lasts before the thread looks again at where the clinic is.
const WAIT: Duration = Duration::from_secs(1);

pub fn start<R: Runtime>(app: AppHandle<R>) {
    let started = std::thread::Builder::new()
        .name("live".into())
        .spawn(move || listen(app));
    if let Err(e) = started {
        log::error!("live refresh: cannot start ({e})");
    }
}

/// Tells the page an event (a DOM event: no IPC permission needed).
fn tell<R: Runtime>(app: &AppHandle<R>, script: &str) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.eval(script);
    }
}

/// Tells the page the server is down, or back, when that changed.
fn said<R: Runtime>(app: &AppHandle<R>, down: &mut bool, now_down: bool) {
    if now_down != *down {
        *down = now_down;
        let state = if now_down { "down" } else { "up" };
        tell(
            app,
            &format!(
                "window.dispatchEvent(new CustomEvent('fidelia-server', {{ detail: '{state}' }}))"
            ),
        );
    }
}

fn listen<R: Runtime>(app: AppHandle<R>) {
    let mut listening: Option<(String, Changes)> = None;
    // Whether the page was told the server is down.
    let mut down = false;
    loop {
        // Nothing to listen to while the clinic is not open (its server's password asked at
        // start-up: listening would try a login every few seconds without it).
        let open = app.state::<AppState>().with(|_| ()).is_some();
        let Location::Server(url) = app.state::<AppState>().db() else {
            listening = None;
            said(&app, &mut down, false);
            std::thread::sleep(WAIT);
            continue;
        };
        if !open {
            listening = None;
            std::thread::sleep(WAIT);
            continue;
        }
        if listening.as_ref().is_none_or(|(on, _)| *on != url) {
            match Changes::listen(&url) {
                Ok(c) => {
                    log::info!("live refresh: listening to the server");
                    listening = Some((url, c));
                    if down {
                        // Back: what changed meanwhile is shown too.
                        tell(
                            &app,
                            "window.dispatchEvent(new CustomEvent('fidelia-changed'))",
                        );
                    }
                    said(&app, &mut down, false);
                }
                Err(e) => {
                    log::warn!("live refresh: cannot listen ({e})");
                    listening = None;
                    said(&app, &mut down, true);
                    std::thread::sleep(Duration::from_secs(3));
                    continue;
                }
            }
        }
        let Some((_, changes)) = listening.as_mut() else {
            continue;
        };
        match changes.wait(WAIT) {
            Ok(true) => tell(
                &app,
                "window.dispatchEvent(new CustomEvent('fidelia-changed'))",
            ),
            Ok(false) => {}
            Err(e) => {
                log::warn!("live refresh: the server connection was lost ({e})");
                listening = None;
                said(&app, &mut down, true);
            }
        }
    }
}
