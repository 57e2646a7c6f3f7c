//! Several PCs on the clinic's server: what another PC saves shows here within two seconds.
//! A connection of its own listens to the server's announcements of committed writes
//! (PostgreSQL's LISTEN/NOTIFY, [`fidelia_ops::Changes`]); on one from another PC the page is
//! told (a DOM event, `fidelia-changed`) and refreshes its counters and the list it shows. On a
//! file there is nothing to listen to: the thread only looks, now and then, whether this PC
//! moved to a server.

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

fn listen<R: Runtime>(app: AppHandle<R>) {
    let mut listening: Option<(String, Changes)> = None;
    loop {
        let Location::Server(url) = app.state::<AppState>().db() else {
            listening = None;
            std::thread::sleep(WAIT);
            continue;
        };
        if listening.as_ref().is_none_or(|(on, _)| *on != url) {
            match Changes::listen(&url) {
                Ok(c) => {
                    log::info!("live refresh: listening to the server");
                    listening = Some((url, c));
                }
                Err(e) => {
                    // The server down: the window says so on its next command; try again.
                    log::warn!("live refresh: cannot listen ({e})");
                    listening = None;
                    std::thread::sleep(Duration::from_secs(5));
                    continue;
                }
            }
        }
        let Some((_, changes)) = listening.as_mut() else {
            continue;
        };
        match changes.wait(WAIT) {
            Ok(true) => {
                if let Some(w) = app.get_webview_window("main") {
                    let _ = w.eval("window.dispatchEvent(new CustomEvent('fidelia-changed'))");
                }
            }
            Ok(false) => {}
            Err(e) => {
                log::warn!("live refresh: the server connection was lost ({e})");
                listening = None;
            }
        }
    }
}
