//! Importing a CSV export from the window. The page has no file-system access: it reads the
//! chosen file itself (`<input type=file>`) and hands its bytes over once, raw (no JSON, no
//! base64), in parts of at most [`MAX_PART_BYTES`] with `import_stage`, which writes them to
//! a file beside the database (any size, memory flat); each preview and the import then read
//! that file, which is deleted once the import is done (and at start-up). Both run on a
//! blocking thread, on a connection of their own (`Clinic::worker`), so the window's searches
//! and counters keep answering; the page polls `import_progress` (it has no event permission)
//! and may `import_cancel`, which leaves the database as it was.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use fidelia_core::import::{ImportError, ImportOptions, ImportRun, Preview, Report, RunOrigin};
use fidelia_core::Lang;
use fidelia_ops::import::{ImportFailure, ImportSource};
use fidelia_ops::{folders, Location};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::error::IpcError;
use crate::state::{clinic_time, AppState};

/// The largest part of a file one `import_stage` request may carry (the page sends 8 MiB).
pub const MAX_PART_BYTES: usize = 16 * 1024 * 1024;

/// The import under way: the file handed over (where it was written, and its bytes so far),
/// rows done / total, whether one is running, and the cancel flag.
#[derive(Default)]
pub struct ImportJob {
    staged: Mutex<Option<(PathBuf, u64)>>,
    progress: Arc<Mutex<(u64, u64)>>,
    running: AtomicBool,
    cancel: Arc<AtomicBool>,
}

impl ImportJob {
    /// Whether an import is writing now (a restore waits for it to end).
    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    fn staged(&self, lang: Lang) -> Result<PathBuf, IpcError> {
        self.staged
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|(path, _)| path.clone())
            .ok_or_else(|| failure(ImportError::Empty.into(), lang))
    }

    /// Deletes the file handed over: a clinic's clients are not kept longer than needed.
    fn clear(&self) {
        if let Some((path, _)) = self.staged.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Where the file handed over by the window is written: in this PC's folder of Fidelia (the
/// database's folder, or the app-data folder when the database is on a server), never in a
/// shared temporary folder.
pub fn staging_path(db: &Location) -> PathBuf {
    db.local_folder().join("importacion-en-curso.csv")
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    pub done: u64,
    pub total: u64,
    pub running: bool,
}

/// A failed import for the window: `code` "import" (the file: unreadable, empty, a required
/// column missing, named in the message), "cancelled", or the store's codes.
pub fn failure(e: ImportFailure, lang: Lang) -> IpcError {
    match e {
        ImportFailure::Store(e) => IpcError::from_store(e, lang),
        ImportFailure::File(e) => {
            if !matches!(e, ImportError::Cancelled | ImportError::MissingColumns(_)) {
                log::warn!("import: {e}");
            }
            IpcError {
                code: if matches!(e, ImportError::Cancelled) {
                    "cancelled"
                } else {
                    "import"
                },
                message: e.message(lang),
                fields: Default::default(),
            }
        }
    }
}

/// A part of the chosen file, sent raw as the request's body, with the byte it starts at in
/// the `Fidelia-Offset` header: the part at 0 starts the file anew, each next one must follow
/// the last. Written to [`staging_path`] for the previews and the import that follow; returns
/// the bytes handed over so far. A part over [`MAX_PART_BYTES`] is refused, and so is a new
/// file while an import reads the last one.
#[tauri::command(async)]
pub fn import_stage(
    state: State<'_, AppState>,
    job: State<'_, ImportJob>,
    request: tauri::ipc::Request<'_>,
) -> Result<u64, IpcError> {
    let lang = state.lang();
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(failure(ImportError::Empty.into(), lang));
    };
    if bytes.len() > MAX_PART_BYTES {
        return Err(failure(ImportError::TooLarge.into(), lang));
    }
    if job.is_running() {
        return Err(IpcError::internal("an import is running", lang));
    }
    let offset: u64 = request
        .headers()
        .get("fidelia-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut staged = job.staged.lock().unwrap_or_else(|p| p.into_inner());
    let path = staging_path(&state.db());
    let written = match (offset, staged.as_ref()) {
        (0, _) => std::fs::File::create(&path).and_then(|mut f| f.write_all(bytes)),
        (at, Some((_, len))) if at == *len => std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(bytes)),
        _ => return Err(IpcError::internal("a part of the file out of order", lang)),
    };
    if let Err(e) = written {
        *staged = None;
        let _ = std::fs::remove_file(&path);
        return Err(failure(ImportError::from(e).into(), lang));
    }
    let len = offset + bytes.len() as u64;
    *staged = Some((path, len));
    Ok(len)
}

/// What Fidelia understood of the file and what importing it would do (nothing is written).
#[tauri::command]
pub async fn import_preview<R: Runtime>(
    app: AppHandle<R>,
    job: State<'_, ImportJob>,
    options: ImportOptions,
) -> Result<Preview, IpcError> {
    let lang = app.state::<AppState>().lang();
    let path = job.staged(lang)?;
    tauri::async_runtime::spawn_blocking(move || {
        worker(&app)?
            .import_preview(ImportSource::Path(&path), &options, &clinic_time())
            .map_err(|e| failure(e, lang))
    })
    .await
    .map_err(|e| IpcError::internal(&format!("import preview task: {e}"), lang))?
}

/// A connection of its own for an import or its preview.
fn worker<R: Runtime>(app: &AppHandle<R>) -> Result<fidelia_ops::Clinic, IpcError> {
    app.state::<AppState>().call(|c| c.worker())
}

/// Imports the file in one transaction on a blocking thread; progress in `import_progress`.
#[tauri::command]
pub async fn import_run<R: Runtime>(
    app: AppHandle<R>,
    job: State<'_, ImportJob>,
    options: ImportOptions,
    file_name: Option<String>,
) -> Result<Report, IpcError> {
    let lang = app.state::<AppState>().lang();
    let path = job.staged(lang)?;
    if job.running.swap(true, Ordering::SeqCst) {
        return Err(IpcError::internal("an import is already running", lang));
    }
    job.cancel.store(false, Ordering::SeqCst);
    *job.progress.lock().unwrap_or_else(|p| p.into_inner()) = (0, 0);
    let (progress, cancel) = (job.progress.clone(), job.cancel.clone());
    let result = tauri::async_runtime::spawn_blocking(move || {
        worker(&app)?
            .import_and_record(
                ImportSource::Path(&path),
                file_name.as_deref().unwrap_or(""),
                RunOrigin::Window,
                &options,
                &mut |done, total| {
                    *progress.lock().unwrap_or_else(|p| p.into_inner()) = (done, total)
                },
                &cancel,
                &clinic_time(),
            )
            .map_err(|e| failure(e, lang))
    })
    .await;
    job.running.store(false, Ordering::SeqCst);
    let report = result.map_err(|e| IpcError::internal(&format!("import task: {e}"), lang))??;
    // Done: the file (a clinic's clients) is not kept any longer than needed.
    job.clear();
    Ok(report)
}

/// Rows done / total of the import under way (polled by the window).
#[tauri::command(async)]
pub fn import_progress(job: State<'_, ImportJob>) -> ImportProgress {
    let (done, total) = *job.progress.lock().unwrap_or_else(|p| p.into_inner());
    ImportProgress {
        done,
        total,
        running: job.running.load(Ordering::SeqCst),
    }
}

/// Stops the import under way between two rows; nothing of it is kept.
#[tauri::command(async)]
pub fn import_cancel(job: State<'_, ImportJob>) {
    job.cancel.store(true, Ordering::SeqCst);
}

/// The latest imports (window, CLI, watched folder), newest first.
#[tauri::command(async)]
pub fn import_history(state: State<'_, AppState>) -> Result<Vec<ImportRun>, IpcError> {
    state.call(|c| c.import_history(20))
}

/// Sets the folder imported from automatically ("" turns it off); an unknown folder is refused.
#[tauri::command(async)]
pub fn import_folder_set(
    state: State<'_, AppState>,
    folder: String,
) -> Result<fidelia_core::settings::Settings, IpcError> {
    state.call(|c| c.set_import_folder(&folder))
}

/// Saves the report as CSV in `<Documents>/Fidelia/Informes` (or `$FIDELIA_REPORTS_DIR`) and
/// returns the file's path: the page itself has no access to the file system.
#[tauri::command(async)]
pub fn import_report_save(state: State<'_, AppState>, report: Report) -> Result<PathBuf, IpcError> {
    state.call(|c| c.save_import_report(&report, &folders::reports(), &clinic_time()))
}
