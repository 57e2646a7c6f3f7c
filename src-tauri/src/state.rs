//! What the commands share: the clinic's database, and the clock as the clinic sees it.

use chrono::{Local, Utc};
use fidelia_core::{ClinicTime, Lang};
use fidelia_ops::{Clinic, StoreError};

use crate::error::IpcError;

pub struct AppState {
    pub clinic: Clinic,
    pub notify_status: crate::scheduler::SharedStatus,
}

impl AppState {
    /// Runs `f` on the store; an error comes back ready for the window, in the clinic's language.
    pub fn call<T>(&self, f: impl FnOnce(&Clinic) -> Result<T, StoreError>) -> Result<T, IpcError> {
        f(&self.clinic).map_err(|e| IpcError::from_store(e, self.lang()))
    }

    /// The language the clinic chose: the window's, the tray's and every message's.
    pub fn lang(&self) -> Lang {
        self.clinic.language()
    }

    /// An unexpected failure, for the window in the clinic's language (the detail is logged).
    pub fn internal(&self, detail: &str) -> IpcError {
        IpcError::internal(detail, self.lang())
    }
}

/// Now, in the PC's local time zone (the clinic's).
pub fn clinic_time() -> ClinicTime<Local> {
    ClinicTime::new(Utc::now(), Local)
}
