//! The app itself: version, dictionaries, settings, starting over.

use fidelia_core::demo::DemoSize;
use fidelia_core::i18n::{self, Dictionary};
use fidelia_core::settings::Settings;
use fidelia_core::Lang;
use serde::Serialize;
use tauri::State;

use crate::error::IpcError;
use crate::state::{clinic_time, AppState, StartProblem};

/// The seed of the demo clinic: the same clinic every time.
pub const DEMO_SEED: u64 = 2026;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    version: &'static str,
    db_path: String,
    /// Whether this PC works on the clinic's server database.
    server: bool,
    demo: bool,
    language: Lang,
    today: String,
    /// The database schema's version (none while it cannot be opened).
    schema_version: Option<i64>,
    /// Where the clinic's data, the backups and the log are.
    data_dir: String,
    /// Why the database could not be used at start-up (the window then offers a backup).
    problem: Option<StartProblem>,
}

#[tauri::command(async)]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    let settings = state.with(|s| s.settings().ok()).flatten();
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        db_path: state.db().to_string(),
        server: state.db().path().is_none(),
        demo: settings.as_ref().is_some_and(|s| s.demo),
        language: settings.map(|s| s.language).unwrap_or_default(),
        today: clinic_time().today().to_string(),
        schema_version: state.with(|c| c.schema_version().ok()).flatten(),
        data_dir: state.db().local_folder().display().to_string(),
        problem: state
            .problem
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone(),
    }
}

#[tauri::command]
pub fn i18n_dictionary(lang: Lang) -> &'static Dictionary {
    i18n::dictionary(lang)
}

#[tauri::command(async)]
pub fn settings_get(state: State<'_, AppState>) -> Result<Settings, IpcError> {
    state.call(|s| s.settings())
}

#[tauri::command(async)]
pub fn settings_save(state: State<'_, AppState>, form: Settings) -> Result<Settings, IpcError> {
    state.call(|s| s.save_settings(&form))
}

/// Starts a clean clinic (`demo: false`) or regenerates the demo clinic (`demo: true`).
#[tauri::command]
pub async fn clinic_reset(state: State<'_, AppState>, demo: bool) -> Result<AppInfo, IpcError> {
    state.call(|s| {
        if demo {
            s.load_demo(DEMO_SEED, DemoSize::DEMO, &clinic_time())
                .map(drop)
        } else {
            s.reset()
        }
    })?;
    Ok(app_info(state))
}
