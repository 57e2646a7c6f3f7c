//! Ajustes → Varios PCs: the clinic's server database. "Test the connection", this PC moving
//! to the server (its clinic copied there first, or the clinic another PC put there), and
//! back to its own file; at start-up, connecting again when the server could not be opened.

use fidelia_core::i18n::t;
use fidelia_ops::server::{test_connection, ConnectionTest, Moved, ServerChoice, ServerForm};
use fidelia_ops::{Clinic, Location, StoreError};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::commands::import::ImportJob;
use crate::error::IpcError;
use crate::state::AppState;

/// What the server database named by the form's fields is, in plain words (reaching it may
/// take a few seconds: on a blocking thread). Writes nothing; the password is not kept.
#[tauri::command]
pub async fn server_check(
    state: State<'_, AppState>,
    form: ServerForm,
) -> Result<ConnectionTest, IpcError> {
    let lang = state.lang();
    blocking(lang, move || Ok(test_connection(&form.url(), lang))).await
}

/// `f` on a blocking thread (reaching a server, copying a clinic): the window's other
/// commands keep answering meanwhile.
async fn blocking<T: Send + 'static>(
    lang: fidelia_core::Lang,
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| IpcError::internal(&format!("server task: {e}"), lang))?
        .map_err(|e| IpcError::from_store(e, lang))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerUsed {
    /// What was copied, when this PC's clinic was moved to the server.
    moved: Option<Moved>,
    /// Whether the password is in the OS credential store (otherwise asked at each start).
    password_kept: bool,
    message: String,
}

/// This PC starts working on the clinic's server database. With `move_data`, this PC's
/// clinic is first copied into it (an empty database: every table, counts and checksums
/// compared; this PC's file stays as it was); without, the server must already hold the
/// clinic (another PC moved it there). The window's commands, the scheduler and the watched
/// folder wait meanwhile, so nothing saved here is left behind in the file. The choice is kept
/// beside this PC's own file, the password in the OS credential store.
#[tauri::command]
pub async fn server_use<R: Runtime>(
    app: AppHandle<R>,
    job: State<'_, ImportJob>,
    form: ServerForm,
    move_data: bool,
) -> Result<ServerUsed, IpcError> {
    let state = app.state::<AppState>();
    let lang = state.lang();
    if job.is_running() {
        return Err(IpcError::from_store(
            StoreError::Refused(t(lang, "server.busy_import")),
            lang,
        ));
    }
    let target = Location::Server(form.url());
    let handle = app.clone();
    let moved = blocking(lang, move || {
        handle.state::<AppState>().switch_by(|current| {
            let moved = if move_data {
                Some(current.move_to(&target)?)
            } else {
                None
            };
            let clinic = Clinic::open_at(&target)?;
            // Used as it is: it must hold a clinic (another PC moved it there).
            if !move_data && clinic.record_counts()?.iter().all(|(_, n)| *n == 0) {
                return Err(StoreError::Refused(t(lang, "server.empty_use_move")));
            }
            Ok((clinic, moved))
        })
    })
    .await?;
    let choice = ServerChoice::from_form(&form);
    choice
        .save(&state.local)
        .map_err(|e| IpcError::from_store(e.into(), lang))?;
    let password_kept = choice.keep_password(&form.password);
    log::info!("this PC now works on the server {}", state.db());
    let lang = state.lang();
    let message = match (&moved, password_kept) {
        (Some(_), true) => t(lang, "server.moved"),
        (Some(_), false) => format!(
            "{} {}",
            t(lang, "server.moved"),
            t(lang, "server.no_keyring")
        ),
        (None, true) => t(lang, "server.in_use"),
        (None, false) => format!(
            "{} {}",
            t(lang, "server.in_use"),
            t(lang, "server.no_keyring")
        ),
    };
    Ok(ServerUsed {
        moved,
        password_kept,
        message,
    })
}

/// At start-up, when the clinic's server could not be opened: tries again (the password typed
/// if given, else the one kept), and works on it if it opens.
#[tauri::command]
pub async fn server_connect(
    state: State<'_, AppState>,
    password: Option<String>,
) -> Result<bool, IpcError> {
    let lang = state.lang();
    let chosen = ServerChoice::saved(&state.local);
    let url = match (&chosen, &password) {
        (Some(choice), Some(p)) => choice.url(p),
        (Some(choice), None) => match choice.kept_password() {
            Some(p) => choice.url(&p),
            None => {
                return Err(IpcError::from_store(
                    StoreError::Refused(t(lang, "server.password_needed")),
                    lang,
                ))
            }
        },
        // Started with --db postgres://…: that server again.
        (None, _) => match state.db() {
            Location::Server(url) => url,
            Location::File(_) => return Err(IpcError::from_store(StoreError::NotFound, lang)),
        },
    };
    let clinic = blocking(lang, move || Clinic::open_at(&Location::Server(url))).await?;
    let kept = match (&chosen, &password) {
        (Some(choice), Some(p)) => choice.keep_password(p),
        _ => true,
    };
    state.switch_to(clinic);
    Ok(kept)
}

/// This PC stops using the clinic's server and opens its own file again, as it was before
/// (what was saved on the server stays there, for the other PCs).
#[tauri::command]
pub async fn server_leave(
    state: State<'_, AppState>,
    job: State<'_, ImportJob>,
) -> Result<(), IpcError> {
    let lang = state.lang();
    if job.is_running() {
        return Err(IpcError::from_store(
            StoreError::Refused(t(lang, "server.busy_import")),
            lang,
        ));
    }
    ServerChoice::forget(&state.local).map_err(|e| IpcError::from_store(e.into(), lang))?;
    let local = state.local.clone();
    let clinic = blocking(lang, move || Clinic::open(&local)).await?;
    log::info!("this PC works on its own file again");
    state.switch_to(clinic);
    Ok(())
}
