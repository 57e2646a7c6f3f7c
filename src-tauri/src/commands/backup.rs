//! Ajustes → Copias de seguridad, and the way back when the database failed at start-up: list
//! the backups, make one now, restore one, choose this PC's backup folder.

use std::path::{Path, PathBuf};

use fidelia_ops::backup::{self, BackupFile, BackupMade, Restored};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::commands::import::ImportJob;
use crate::error::IpcError;
use crate::state::{clinic_time, AppState};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Backups {
    dir: PathBuf,
    default_dir: PathBuf,
    files: Vec<BackupFile>,
}

fn backups() -> Backups {
    let dir = backup::dir();
    Backups {
        files: backup::list(&dir),
        default_dir: backup::default_dir(),
        dir,
    }
}

#[tauri::command(async)]
pub fn backups_list() -> Backups {
    backups()
}

/// A verified backup now, on a connection of its own (the window keeps working).
#[tauri::command]
pub async fn backup_now<R: Runtime>(app: AppHandle<R>) -> Result<BackupMade, IpcError> {
    let state = app.state::<AppState>();
    let (worker, lang) = (state.call(|c| c.worker())?, state.lang());
    tauri::async_runtime::spawn_blocking(move || {
        worker
            .backup_now(&backup::dir(), &clinic_time())
            .map_err(|e| IpcError::from_store(e, lang))
    })
    .await
    .map_err(|e| IpcError::internal(&format!("backup task: {e}"), lang))?
}

/// Restores one of the listed backups in place of the database (a copy of the database as it
/// was is kept first). Refused while an import runs.
#[tauri::command]
pub async fn backup_restore(
    state: State<'_, AppState>,
    job: State<'_, ImportJob>,
    name: String,
) -> Result<Restored, IpcError> {
    let lang = state.lang();
    if job.is_running() {
        return Err(IpcError::from_store(
            fidelia_ops::StoreError::Refused(fidelia_core::i18n::t(lang, "err.restore_import")),
            lang,
        ));
    }
    // Only a backup of the folder, by name: the page never names a file of its own.
    let dir = backup::dir();
    let file = backup::list(&dir)
        .into_iter()
        .find(|f| f.name == name)
        .ok_or_else(|| IpcError::from_store(fidelia_ops::StoreError::NotFound, lang))?;
    let db = state.db();
    let Some(path) = db.path().map(Path::to_owned) else {
        // The clinic's server: its own dump, restored in one transaction while the PCs keep
        // their connections; a SQLite backup is not for it.
        if !file.name.ends_with(fidelia_core::backup::DUMP_EXT) {
            return Err(IpcError::from_store(
                fidelia_ops::StoreError::Refused(fidelia_core::i18n::t(lang, "err.restore_server")),
                lang,
            ));
        }
        return state
            .long(move |c| backup::restore_server(c, &file.path, &dir, &clinic_time()))
            .await;
    };
    let result = state.replace(|old| {
        drop(old); // its connection closed before the file is replaced
        match backup::restore(&path, &file.path, &dir, &clinic_time()) {
            Ok((clinic, done)) => (Some(clinic), Ok(done)),
            // Refused (a damaged backup) or failed: whatever is in place is opened again if it
            // can be; otherwise the window keeps offering backups.
            Err(e) => (crate::open_clinic(&db).ok(), Err(e)),
        }
    });
    match result {
        Ok(done) => {
            *state.problem.lock().unwrap_or_else(|e| e.into_inner()) = None;
            Ok(done)
        }
        Err(e) => Err(IpcError::from_store(e, lang)),
    }
}

/// Chooses this PC's backup folder ("" = the default); it must be writable.
#[tauri::command(async)]
pub fn backup_folder_set(state: State<'_, AppState>, folder: String) -> Result<Backups, IpcError> {
    let folder = folder.trim();
    let chosen = (!folder.is_empty()).then(|| PathBuf::from(folder));
    backup::set_dir(chosen.as_deref()).map_err(|e| {
        log::warn!("backup folder not usable: {e}");
        IpcError::from_store(
            fidelia_ops::StoreError::Refused(fidelia_core::i18n::t(
                state.lang(),
                "err.backup_folder",
            )),
            state.lang(),
        )
    })?;
    Ok(backups())
}
