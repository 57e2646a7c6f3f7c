//! Ajustes → Diagnóstico: where the log is and its last lines, and the database's full check.

use fidelia_ops::logging;
use serde::Serialize;
use tauri::State;

use crate::error::IpcError;
use crate::state::AppState;

/// How many of the log's last lines the window shows.
const LINES: usize = 40;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostics {
    log_dir: String,
    lines: Vec<String>,
}

#[tauri::command(async)]
pub fn diagnostics() -> Diagnostics {
    let dir = logging::log_dir();
    Diagnostics {
        lines: logging::last_lines(&dir, LINES),
        log_dir: dir.display().to_string(),
    }
}

/// SQLite's full `integrity_check`: the problems found (none when the file is sound).
#[tauri::command]
pub async fn integrity_check(state: State<'_, AppState>) -> Result<Vec<String>, IpcError> {
    state.call(|s| s.integrity_problems())
}
