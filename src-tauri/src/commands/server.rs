//! Ajustes → Varios PCs: "test the connection" to the clinic's server database.

use fidelia_ops::server::{test_connection, ConnectionTest, ServerForm};
use tauri::State;

use crate::error::IpcError;
use crate::state::AppState;

/// What the server database named by the form's fields is, in plain words (reaching it may
/// take a few seconds: on a blocking thread). Writes nothing; the password is not kept.
#[tauri::command]
pub async fn server_check(
    state: State<'_, AppState>,
    form: ServerForm,
) -> Result<ConnectionTest, IpcError> {
    let lang = state.lang();
    tauri::async_runtime::spawn_blocking(move || test_connection(&form.url(), lang))
        .await
        .map_err(|e| IpcError::internal(&format!("server check task: {e}"), lang))
}
