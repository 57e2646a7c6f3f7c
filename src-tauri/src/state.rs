//! What the commands share: the clinic's database, and the clock as the clinic sees it.

use chrono::{Local, Utc};
use fidelia_core::ClinicTime;
use fidelia_ops::{Clinic, StoreError};

use crate::error::IpcError;

pub struct AppState {
    pub clinic: Clinic,
    pub notify_status: crate::scheduler::SharedStatus,
}

impl AppState {
    /// Runs `f` on the store; an error comes back ready for the window, in the clinic's language.
    pub fn call<T>(&self, f: impl FnOnce(&Clinic) -> Result<T, StoreError>) -> Result<T, IpcError> {
        f(&self.clinic).map_err(|e| {
            let lang = self
                .clinic
                .settings()
                .map(|s| s.language)
                .unwrap_or_default();
            IpcError::from_store(e, lang)
        })
    }
}

/// Now, in the PC's local time zone (the clinic's).
pub fn clinic_time() -> ClinicTime<Local> {
    ClinicTime::new(Utc::now(), Local)
}
