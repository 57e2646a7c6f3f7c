//! The app itself: version, dictionaries, settings, starting over.

use fidelia_core::demo::DemoSize;
use fidelia_core::i18n::{self, Dictionary};
use fidelia_core::settings::Settings;
use fidelia_core::Lang;
use serde::Serialize;
use tauri::State;

use crate::error::IpcError;
use crate::state::{clinic_time, AppState};

/// The seed of the demo clinic: the same clinic every time.
pub const DEMO_SEED: u64 = 2026;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    version: &'static str,
    db_path: String,
    demo: bool,
    language: Lang,
    today: String,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    state.call(|s| {
        let settings = s.settings()?;
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION"),
            db_path: s
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            demo: settings.demo,
            language: settings.language,
            today: clinic_time().today().to_string(),
        })
    })
}

#[tauri::command]
pub fn i18n_dictionary(lang: Lang) -> &'static Dictionary {
    i18n::dictionary(lang)
}

#[tauri::command]
pub fn settings_get(state: State<'_, AppState>) -> Result<Settings, IpcError> {
    state.call(|s| s.settings())
}

#[tauri::command]
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
    app_info(state)
}
