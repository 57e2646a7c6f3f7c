//! Follow-up calls: the agenda, the call screen, attempts, courtesy calls, counts, and the
//! notification and start-at-login switches.

use chrono::NaiveDate;
use fidelia_core::calls::*;
use fidelia_core::*;
use fidelia_ops::calls::Agenda;
use fidelia_ops::CallCounts;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_autostart::ManagerExt;

use crate::error::IpcError;
use crate::scheduler::NotifyStatus;
use crate::state::{clinic_time, AppState};

/// `days` days of agenda from `from` (`YYYY-MM-DD`, local), optionally one person's.
#[tauri::command(async)]
pub fn calls_agenda(
    state: State<'_, AppState>,
    from: NaiveDate,
    days: i64,
    staff_id: Option<StaffId>,
) -> Result<Agenda, IpcError> {
    state.call(|s| s.agenda_days(from, days, staff_id, &clinic_time()))
}

#[tauri::command(async)]
pub fn calls_counts<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<CallCounts, IpcError> {
    let counts = state.call(crate::scheduler::counts_now)?;
    crate::tray::show_count(&app, counts.today, state.lang());
    Ok(counts)
}

#[tauri::command(async)]
pub fn call_get(state: State<'_, AppState>, id: CallId) -> Result<CallDetail, IpcError> {
    state.call(|s| s.call_detail(id, s.language(), clinic_time().now))
}

#[tauri::command(async)]
pub fn call_attempt(state: State<'_, AppState>, form: AttemptForm) -> Result<Call, IpcError> {
    state.call(|s| s.record_attempt(&form, &clinic_time()))
}

#[tauri::command(async)]
pub fn call_add_courtesy(state: State<'_, AppState>, form: CourtesyForm) -> Result<Call, IpcError> {
    state.call(|s| s.add_courtesy_call(&form, &clinic_time()))
}

#[tauri::command(async)]
pub fn call_assign(
    state: State<'_, AppState>,
    id: CallId,
    staff_id: Option<StaffId>,
) -> Result<Call, IpcError> {
    state.call(|s| s.assign_call(id, staff_id, clinic_time().now))
}

#[tauri::command(async)]
pub fn client_calls(state: State<'_, AppState>, id: ClientId) -> Result<Vec<Call>, IpcError> {
    state.call(|s| s.calls_of_client(id, clinic_time().now))
}

#[tauri::command(async)]
pub fn notifications_status(state: State<'_, AppState>) -> NotifyStatus {
    state
        .notify_status
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

#[tauri::command(async)]
pub fn autostart_get<R: Runtime>(app: AppHandle<R>) -> bool {
    app.autolaunch().is_enabled().unwrap_or(false)
}

#[tauri::command(async)]
pub fn autostart_set<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    enabled: bool,
) -> Result<bool, IpcError> {
    let m = app.autolaunch();
    let r = if enabled { m.enable() } else { m.disable() };
    r.map_err(|e| state.internal(&e.to_string()))?;
    Ok(m.is_enabled().unwrap_or(false))
}
