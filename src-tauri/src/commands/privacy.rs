//! A client's rights (their data as a file, their erasure), who uses this PC, and the audit log.

use std::path::PathBuf;

use fidelia_core::{ClientId, StaffId};
use fidelia_ops::folders;
use fidelia_ops::privacy::AuditEntry;
use tauri::State;

use crate::error::IpcError;
use crate::state::{clinic_time, AppState};

/// Writes everything held about the client, as JSON and as a readable PDF, in the reports
/// folder; returns the files.
#[tauri::command(async)]
pub fn client_export(state: State<'_, AppState>, id: ClientId) -> Result<Vec<PathBuf>, IpcError> {
    state.call(|c| c.write_client_data(id, &folders::reports(), &clinic_time()))
}

/// Erases the client's personal data at their request (the clinic's totals stay).
#[tauri::command]
pub async fn client_erase(state: State<'_, AppState>, id: ClientId) -> Result<(), IpcError> {
    // On a connection of its own: rewriting the file (VACUUM) takes a while on a large clinic.
    state
        .long(move |c| c.erase_client(id, clinic_time().now))
        .await
}

#[tauri::command(async)]
pub fn audit_log(state: State<'_, AppState>) -> Result<Vec<AuditEntry>, IpcError> {
    state.call(|c| c.audit_log(200))
}

#[tauri::command(async)]
pub fn pc_user_get() -> Option<StaffId> {
    fidelia_ops::pc::user()
}

#[tauri::command(async)]
pub fn pc_user_set(state: State<'_, AppState>, staff: Option<StaffId>) -> Result<(), IpcError> {
    fidelia_ops::pc::set_user(staff).map_err(|e| state.internal(&format!("this PC's user: {e}")))
}

#[tauri::command(async)]
pub fn pc_reception_get() -> bool {
    fidelia_ops::pc::reception()
}

#[tauri::command(async)]
pub fn pc_reception_set(state: State<'_, AppState>, on: bool) -> Result<(), IpcError> {
    fidelia_ops::pc::set_reception(on)
        .map_err(|e| state.internal(&format!("this PC's reception flag: {e}")))
}
