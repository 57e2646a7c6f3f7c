//! Clients, pets, staff, visits and appointments.

use fidelia_core::*;
use serde::Serialize;
use tauri::State;

use crate::error::IpcError;
use crate::state::{clinic_time, AppState};

#[tauri::command(async)]
pub fn search_clients(
    state: State<'_, AppState>,
    query: String,
    limit: Option<i64>,
) -> Result<Vec<SearchHit>, IpcError> {
    state.call(|s| s.search(&query, limit.unwrap_or(12)))
}

#[derive(Serialize)]
pub struct ClientList {
    total: i64,
    items: Vec<SearchHit>,
}

#[tauri::command(async)]
pub fn clients_list(
    state: State<'_, AppState>,
    offset: i64,
    limit: i64,
) -> Result<ClientList, IpcError> {
    state.call(|s| {
        s.clients_list(offset, limit)
            .map(|(total, items)| ClientList { total, items })
    })
}

#[tauri::command(async)]
pub fn client_get(state: State<'_, AppState>, id: ClientId) -> Result<ClientPage, IpcError> {
    state.call(|s| s.client_page(id))
}

#[tauri::command(async)]
pub fn client_save(state: State<'_, AppState>, form: ClientForm) -> Result<Client, IpcError> {
    state.call(|s| s.save_client(&form, clinic_time().now))
}

#[tauri::command(async)]
pub fn pet_save(state: State<'_, AppState>, form: PetForm) -> Result<Pet, IpcError> {
    state.call(|s| s.save_pet(&form, &clinic_time()))
}

#[tauri::command(async)]
pub fn staff_list(state: State<'_, AppState>) -> Result<Vec<Staff>, IpcError> {
    state.call(|s| s.staff_list())
}

#[tauri::command(async)]
pub fn staff_save(state: State<'_, AppState>, form: StaffForm) -> Result<Staff, IpcError> {
    state.call(|s| s.save_staff(&form))
}

#[tauri::command(async)]
pub fn visit_save(state: State<'_, AppState>, form: VisitForm) -> Result<Visit, IpcError> {
    state.call(|s| s.save_visit(&form, &clinic_time()))
}

#[tauri::command(async)]
pub fn visit_delete(state: State<'_, AppState>, id: VisitId) -> Result<(), IpcError> {
    state.call(|s| s.delete_visit(id, clinic_time().now))
}

#[tauri::command(async)]
pub fn appointment_save(
    state: State<'_, AppState>,
    form: AppointmentForm,
) -> Result<Appointment, IpcError> {
    state.call(|s| s.save_appointment(&form, &clinic_time()))
}

#[tauri::command(async)]
pub fn appointment_cancel(
    state: State<'_, AppState>,
    id: AppointmentId,
) -> Result<Appointment, IpcError> {
    state.call(|s| s.cancel_appointment(id, clinic_time().now))
}

#[tauri::command(async)]
pub fn appointments_upcoming(
    state: State<'_, AppState>,
    days: i64,
) -> Result<Vec<Appointment>, IpcError> {
    state.call(|s| s.appointments_upcoming(clinic_time().now, days))
}
