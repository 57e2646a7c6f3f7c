//! What belongs to this PC rather than to the clinic's records: who uses it (for the audit
//! log). Kept in the app's configuration folder, like the backup folder.

use std::path::PathBuf;

use fidelia_core::StaffId;

fn user_file() -> PathBuf {
    dirs::config_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(crate::APP_ID)
        .join("pc-user.txt")
}

/// The staff member using this PC, if someone chose it (Ajustes → Este equipo).
pub fn user() -> Option<StaffId> {
    std::fs::read_to_string(user_file())
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .map(StaffId)
}

/// Chooses who uses this PC (`None`: nobody in particular).
pub fn set_user(staff: Option<StaffId>) -> std::io::Result<()> {
    let file = user_file();
    match staff {
        None => {
            let _ = std::fs::remove_file(&file);
            Ok(())
        }
        Some(s) => {
            if let Some(dir) = file.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&file, s.0.to_string())
        }
    }
}
