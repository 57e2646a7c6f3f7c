//! Preventive care and Mensajes: vaccines and dewormings recorded, today's messages to send,
//! each opened in WhatsApp or the mail client from Rust (the page itself may open nothing),
//! then marked sent or skipped.

use chrono::NaiveDate;
use fidelia_core::{ClientId, StaffId, TreatmentForm};
use fidelia_ops::messages::Message;
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use crate::error::IpcError;
use crate::state::{clinic_time, AppState};

/// A vaccine or deworming recorded, and when it is due again.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TreatmentSaved {
    next_due_on: Option<NaiveDate>,
}

#[tauri::command(async)]
pub fn treatment_save(
    state: State<'_, AppState>,
    form: TreatmentForm,
) -> Result<TreatmentSaved, IpcError> {
    state.call(|c| {
        c.record_treatment(&form, &clinic_time())
            .map(|next_due_on| TreatmentSaved { next_due_on })
    })
}

#[tauri::command(async)]
pub fn messages_today(state: State<'_, AppState>) -> Result<Vec<Message>, IpcError> {
    state.call(|c| c.messages_for_today(&clinic_time()))
}

/// Opens the message in WhatsApp (`wa.me`) or the mail client (`mailto:`), with its text
/// written; returns the link, or `null` when the client has no number or address for it.
#[tauri::command(async)]
pub fn message_open<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: i64,
    channel: String,
) -> Result<Option<String>, IpcError> {
    let link = state.call(|c| c.message_link(id, &channel))?;
    if let Some(url) = link
        .as_deref()
        .filter(|_| std::env::var_os("FIDELIA_NO_OPEN").is_none())
    {
        if let Err(e) = app.opener().open_url(url, None::<&str>) {
            log::warn!("could not open a {channel} link: {e}");
        }
    }
    Ok(link)
}

#[tauri::command(async)]
pub fn message_sent(
    state: State<'_, AppState>,
    id: i64,
    channel: String,
    staff_id: Option<StaffId>,
) -> Result<Message, IpcError> {
    state.call(|c| c.mark_message_sent(id, &channel, staff_id, clinic_time().now))
}

#[tauri::command(async)]
pub fn message_skip(
    state: State<'_, AppState>,
    id: i64,
    reason: String,
    staff_id: Option<StaffId>,
) -> Result<Message, IpcError> {
    state.call(|c| c.skip_message(id, &reason, staff_id, clinic_time().now))
}

#[tauri::command(async)]
pub fn client_messages(state: State<'_, AppState>, id: ClientId) -> Result<Vec<Message>, IpcError> {
    state.call(|c| c.client_messages(id))
}

/// Moves a message to the next day the clinic opens.
#[tauri::command(async)]
pub fn message_postpone(state: State<'_, AppState>, id: i64) -> Result<Message, IpcError> {
    state.call(|c| c.postpone_to_next_opening(id, &clinic_time()))
}
