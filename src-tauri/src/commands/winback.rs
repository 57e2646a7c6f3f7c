//! Winning back lost clients: the lapsed list, cases handed to the team, what a call learned,
//! and the reasons for leaving; and the owner's dashboard they feed.

use chrono::NaiveDate;
use fidelia_core::kpi::Period;
use fidelia_core::winback::{AssignForm, CaseForm};
use fidelia_core::{CallId, StaffId};
use fidelia_ops::dashboard::Dashboard;
use fidelia_ops::winback::{Case, LapsedList, ReasonsReport};
use tauri::State;

use crate::error::IpcError;
use crate::state::{clinic_time, AppState};

#[tauri::command(async)]
pub fn lapsed_list(state: State<'_, AppState>) -> Result<LapsedList, IpcError> {
    state.call(|c| c.lapsed_clients(&clinic_time()))
}

#[tauri::command(async)]
pub fn winback_assign(state: State<'_, AppState>, form: AssignForm) -> Result<Vec<Case>, IpcError> {
    state.call(|c| c.assign_winback(&form, &clinic_time()))
}

#[tauri::command(async)]
pub fn winback_cases(state: State<'_, AppState>) -> Result<Vec<Case>, IpcError> {
    state.call(|c| c.winback_cases_now(&clinic_time()))
}

#[tauri::command(async)]
pub fn winback_case_of_call(
    state: State<'_, AppState>,
    id: CallId,
) -> Result<Option<Case>, IpcError> {
    state.call(|c| c.case_of_call(id))
}

#[tauri::command(async)]
pub fn winback_case_save(
    state: State<'_, AppState>,
    form: CaseForm,
    staff_id: Option<StaffId>,
) -> Result<Case, IpcError> {
    state.call(|c| c.save_case(&form, staff_id, &clinic_time()))
}

#[tauri::command(async)]
pub fn reasons_report(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ReasonsReport, IpcError> {
    state.call(|c| c.reasons_report(from, to))
}

#[tauri::command]
pub async fn dashboard(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Dashboard, IpcError> {
    state
        .long(move |c| c.dashboard(Period::new(from, to), &clinic_time()))
        .await
}
