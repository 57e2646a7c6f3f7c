//! Surveys and the message texts: a survey's answers recorded from the window (by its code),
//! the online form's CSV export imported, the owner's alerts, a client's consents and surveys,
//! and the live preview of a message text in Settings.

use base64::Engine as _;
use fidelia_core::surveys::SurveyForm;
use fidelia_core::{ClientId, StaffId, VisitId};
use fidelia_ops::messages::Preview;
use fidelia_ops::records::ConsentChange;
use fidelia_ops::surveys::{AnswersReport, Survey, SurveyImportError};
use tauri::{AppHandle, Manager, Runtime, State};

use crate::commands::import::failure;
use crate::error::IpcError;
use crate::state::{clinic_time, AppState};

/// Largest answers file accepted from the window (a year of a clinic's answers is far less).
const ANSWERS_MAX: usize = 8 * 1024 * 1024;

#[tauri::command(async)]
pub fn survey_record(state: State<'_, AppState>, form: SurveyForm) -> Result<Survey, IpcError> {
    state.call(|c| c.record_survey(&form, &clinic_time()))
}

#[tauri::command(async)]
pub fn survey_for_visit(state: State<'_, AppState>, id: VisitId) -> Result<Survey, IpcError> {
    state.call(|c| c.survey_for_visit(id, clinic_time().now))
}

/// Imports the online form's export (the page sends the file's bytes, base64-encoded).
#[tauri::command]
pub async fn survey_import<R: Runtime>(
    app: AppHandle<R>,
    data: String,
) -> Result<AnswersReport, IpcError> {
    let lang = app.state::<AppState>().lang();
    if data.len() > ANSWERS_MAX * 4 / 3 + 4 {
        return Err(failure(
            fidelia_core::import::ImportError::TooLarge.into(),
            lang,
        ));
    }
    tauri::async_runtime::spawn_blocking(move || {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|_| failure(fidelia_core::import::ImportError::Empty.into(), lang))?;
        let state = app.state::<AppState>();
        state
            .with(|c| c.import_survey_answers(&bytes, &clinic_time()))
            .ok_or_else(|| IpcError::unavailable(lang))?
            .map_err(|e| match e {
                SurveyImportError::File(e) => failure(e.into(), lang),
                SurveyImportError::Store(e) => IpcError::from_store(e, lang),
            })
    })
    .await
    .map_err(|e| IpcError::internal(&format!("survey import task: {e}"), lang))?
}

#[tauri::command(async)]
pub fn survey_alerts(state: State<'_, AppState>) -> Result<Vec<Survey>, IpcError> {
    state.call(|c| c.survey_alerts())
}

#[tauri::command(async)]
pub fn survey_alert_seen(
    state: State<'_, AppState>,
    id: i64,
    staff_id: Option<StaffId>,
) -> Result<(), IpcError> {
    state.call(|c| c.see_survey_alert(id, staff_id, clinic_time().now))
}

#[tauri::command(async)]
pub fn client_surveys(state: State<'_, AppState>, id: ClientId) -> Result<Vec<Survey>, IpcError> {
    state.call(|c| c.client_surveys(id))
}

#[tauri::command(async)]
pub fn consent_history(
    state: State<'_, AppState>,
    id: ClientId,
) -> Result<Vec<ConsentChange>, IpcError> {
    state.call(|c| c.consent_history(id))
}

#[tauri::command(async)]
pub fn template_preview(
    state: State<'_, AppState>,
    kind: String,
    text: String,
    client_id: Option<ClientId>,
) -> Result<Preview, IpcError> {
    state.call(|c| c.preview_template(&kind, &text, client_id, &clinic_time()))
}
