//! Importing a CSV export from the window. The page has no file-system access: it reads the
//! chosen file itself (`<input type=file>`) and hands its bytes over once, raw (no JSON, no
//! base64), with `import_stage`, which refuses a file over the window's limit; each preview
//! and the import then read those bytes. Both run on a blocking thread, on a connection of
//! their own (`Clinic::worker`), so the window's searches and counters keep answering; the
//! page polls `import_progress` (it has no event permission) and may `import_cancel`, which
//! leaves the database as it was.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use fidelia_core::import::{ImportError, ImportOptions, ImportRun, Preview, Report, RunOrigin};
use fidelia_core::Lang;
use fidelia_ops::folders;
use fidelia_ops::import::{ImportFailure, ImportSource, MAX_WINDOW_BYTES};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::error::IpcError;
use crate::state::{clinic_time, AppState};

/// The import under way: the file handed over, rows done / total, whether one is running, and
/// the cancel flag.
#[derive(Default)]
pub struct ImportJob {
    staged: Mutex<Option<Arc<Vec<u8>>>>,
    progress: Arc<Mutex<(u64, u64)>>,
    running: AtomicBool,
    cancel: Arc<AtomicBool>,
}

impl ImportJob {
    /// Whether an import is writing now (a restore waits for it to end).
    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    fn staged(&self, lang: Lang) -> Result<Arc<Vec<u8>>, IpcError> {
        self.staged
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| failure(ImportError::Empty.into(), lang))
    }
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

/// The chosen file's bytes, sent raw as the request's body: kept for the previews and the
/// import that follow. Over [`MAX_WINDOW_BYTES`] it is refused (the CLI imports any size).
#[tauri::command]
pub fn import_stage(
    state: State<'_, AppState>,
    job: State<'_, ImportJob>,
    request: tauri::ipc::Request<'_>,
) -> Result<u64, IpcError> {
    let lang = state.lang();
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(failure(ImportError::Empty.into(), lang));
    };
    if bytes.len() > MAX_WINDOW_BYTES {
        return Err(failure(ImportError::TooLarge.into(), lang));
    }
    *job.staged.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(bytes.clone()));
    Ok(bytes.len() as u64)
}

/// What Fidelia understood of the file and what importing it would do (nothing is written).
#[tauri::command]
pub async fn import_preview<R: Runtime>(
    app: AppHandle<R>,
    job: State<'_, ImportJob>,
    options: ImportOptions,
) -> Result<Preview, IpcError> {
    let lang = app.state::<AppState>().lang();
    let bytes = job.staged(lang)?;
    tauri::async_runtime::spawn_blocking(move || {
        worker(&app)?
            .import_preview(ImportSource::Bytes(&bytes), &options, &clinic_time())
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
    let bytes = job.staged(lang)?;
    if job.running.swap(true, Ordering::SeqCst) {
        return Err(IpcError::internal("an import is already running", lang));
    }
    job.cancel.store(false, Ordering::SeqCst);
    *job.progress.lock().unwrap_or_else(|p| p.into_inner()) = (0, 0);
    let (progress, cancel) = (job.progress.clone(), job.cancel.clone());
    let result = tauri::async_runtime::spawn_blocking(move || {
        worker(&app)?
            .import_and_record(
                ImportSource::Bytes(&bytes),
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
    // Done: the file's bytes (a clinic's clients) are not kept any longer than needed.
    *job.staged.lock().unwrap_or_else(|p| p.into_inner()) = None;
    Ok(report)
}

/// Rows done / total of the import under way (polled by the window).
#[tauri::command]
pub fn import_progress(job: State<'_, ImportJob>) -> ImportProgress {
    let (done, total) = *job.progress.lock().unwrap_or_else(|p| p.into_inner());
    ImportProgress {
        done,
        total,
        running: job.running.load(Ordering::SeqCst),
    }
}

/// Stops the import under way between two rows; nothing of it is kept.
#[tauri::command]
pub fn import_cancel(job: State<'_, ImportJob>) {
    job.cancel.store(true, Ordering::SeqCst);
}

/// The latest imports (window, CLI, watched folder), newest first.
#[tauri::command]
pub fn import_history(state: State<'_, AppState>) -> Result<Vec<ImportRun>, IpcError> {
    state.call(|c| c.import_history(20))
}

/// Sets the folder imported from automatically ("" turns it off); an unknown folder is refused.
#[tauri::command]
pub fn import_folder_set(
    state: State<'_, AppState>,
    folder: String,
) -> Result<fidelia_core::settings::Settings, IpcError> {
    state.call(|c| c.set_import_folder(&folder))
}

/// Saves the report as CSV in `<Documents>/Fidelia/Informes` (or `$FIDELIA_REPORTS_DIR`) and
/// returns the file's path: the page itself has no access to the file system.
#[tauri::command]
pub fn import_report_save(state: State<'_, AppState>, report: Report) -> Result<PathBuf, IpcError> {
    state.call(|c| c.save_import_report(&report, &folders::reports(), &clinic_time()))
}
