//! What belongs to this PC rather than to the clinic's records: who uses it (for the audit
//! log and for whose calls it notifies), whether it is the reception PC, and its own id among
//! the clinic's PCs. Kept in the app's configuration folder, like the backup folder.

use std::path::PathBuf;

use fidelia_core::StaffId;

fn config_file(name: &str) -> PathBuf {
    dirs::config_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(crate::APP_ID)
        .join(name)
}

fn user_file() -> PathBuf {
    config_file("pc-user.txt")
}

/// This PC among the clinic's PCs (who notifies which call: see
/// [`crate::Clinic::claim_calls_for`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    /// Made once on this PC and kept.
    pub id: String,
    pub staff: Option<StaffId>,
    pub reception: bool,
}

/// This PC as it is set up now.
pub fn seat() -> Seat {
    Seat {
        id: id(),
        staff: user(),
        reception: reception(),
    }
}

/// This PC's id, made the first time it is asked for (its process id and the time) and kept.
fn id() -> String {
    let file = config_file("pc-id.txt");
    if let Some(id) = std::fs::read_to_string(&file)
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
    {
        return id;
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let id = format!("pc-{:x}-{:x}", nanos, std::process::id());
    if let Some(dir) = file.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Err(e) = std::fs::write(&file, &id) {
        log::warn!("this PC's id could not be kept ({e}): a new one at the next start");
    }
    id
}

/// Whether this is the reception PC (Ajustes → Este equipo): it notifies the calls of staff
/// members who use no running PC.
pub fn reception() -> bool {
    std::fs::read_to_string(config_file("pc-reception.txt")).is_ok_and(|s| s.trim() == "1")
}

/// Makes this PC the reception PC, or not.
pub fn set_reception(on: bool) -> std::io::Result<()> {
    let file = config_file("pc-reception.txt");
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(file, if on { "1" } else { "0" })
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
