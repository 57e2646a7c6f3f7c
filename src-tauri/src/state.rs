//! What the commands share: the clinic's database (or why it could not be opened), and the
//! clock as the clinic sees it.
//!
//! The clinic sits behind a read-write lock: every command reads it; a restore takes it,
//! closes it, puts the backup in its place and opens it again. When the database failed at
//! start-up (it would not open, or failed its check) there is no clinic until it is restored:
//! commands answer "unavailable", and the window shows the way back (a backup).

use std::path::PathBuf;
use std::sync::{Mutex, RwLock};

use chrono::{Local, Utc};
use fidelia_core::{ClinicTime, Lang};
use fidelia_ops::{Clinic, Location, StoreError};
use serde::Serialize;

use crate::error::IpcError;

/// Why the clinic could not be used at start-up.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartProblem {
    /// "open" (the file would not open as the clinic's database), "integrity" (it opened,
    /// and failed SQLite's check), "server" (the clinic's server database cannot be used: not
    /// reachable, or refused) or "server_password" (this PC uses the clinic's server and its
    /// password is not in the credential store: the window asks for it).
    pub kind: &'static str,
    /// What went wrong, for whoever helps (also in the log): SQLite's words, or the server
    /// problem in plain words.
    pub detail: String,
}

pub struct AppState {
    clinic: RwLock<Option<Clinic>>,
    /// Where the clinic's database is (it changes when this PC moves to the clinic's server).
    db: RwLock<Location>,
    /// This PC's own database file: where it works alone, and beside which it keeps its
    /// choice of the clinic's server.
    pub local: PathBuf,
    pub problem: Mutex<Option<StartProblem>>,
    pub notify_status: crate::scheduler::SharedStatus,
}

impl AppState {
    pub fn new(opened: Result<Clinic, StartProblem>, db: Location, local: PathBuf) -> AppState {
        let (clinic, problem) = match opened {
            Ok(c) => (Some(c), None),
            Err(p) => (None, Some(p)),
        };
        AppState {
            clinic: RwLock::new(clinic),
            db: RwLock::new(db),
            local,
            problem: Mutex::new(problem),
            notify_status: Default::default(),
        }
    }

    /// Runs `f` on the clinic; an error comes back ready for the window, in the clinic's
    /// language ("unavailable" while the database waits to be restored).
    pub fn call<T>(&self, f: impl FnOnce(&Clinic) -> Result<T, StoreError>) -> Result<T, IpcError> {
        let guard = self.clinic.read().unwrap_or_else(|e| e.into_inner());
        match guard.as_ref() {
            Some(c) => f(c).map_err(|e| IpcError::from_store(e, c.language())),
            None => Err(IpcError::unavailable(Lang::default())),
        }
    }

    /// Long work (a batch of letters, a report, the dashboard): `f` on a connection of its own
    /// and a blocking thread, so the window's other commands keep answering meanwhile.
    pub async fn long<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Clinic) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, IpcError> {
        let worker = self.call(|c| c.worker())?;
        let lang = self.lang();
        tauri::async_runtime::spawn_blocking(move || {
            f(&worker).map_err(|e| IpcError::from_store(e, lang))
        })
        .await
        .map_err(|e| IpcError::internal(&format!("long task: {e}"), lang))?
    }

    /// `f` on the clinic, if there is one (the scheduler: nothing to do without it).
    pub fn with<T>(&self, f: impl FnOnce(&Clinic) -> T) -> Option<T> {
        let guard = self.clinic.read().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().map(f)
    }

    /// Where the clinic's database is.
    pub fn db(&self) -> Location {
        self.db.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Puts `clinic` in place of the clinic (or of the start-up problem): this PC now works on
    /// its database (the clinic's server, or this PC's file again).
    pub fn switch_to(&self, clinic: Clinic) {
        *self.db.write().unwrap_or_else(|e| e.into_inner()) = clinic.location().clone();
        self.replace(|_| (Some(clinic), ()));
        *self.problem.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Opens the clinic somewhere else with `f`, given the clinic as it is, while no command,
    /// no scheduler pass and no import runs on it (the write lock held throughout: nothing
    /// saved from this window meanwhile can be left behind); on success this PC works on what
    /// `f` opened, on failure on the clinic as it was. An error when there is no clinic.
    pub fn switch_by<T>(
        &self,
        f: impl FnOnce(&Clinic) -> Result<(Clinic, T), StoreError>,
    ) -> Result<T, StoreError> {
        let mut guard = self.clinic.write().unwrap_or_else(|e| e.into_inner());
        let Some(current) = guard.as_ref() else {
            return Err(StoreError::Refused(fidelia_core::i18n::t(
                Lang::default(),
                "err.db_unavailable",
            )));
        };
        let (opened, out) = f(current)?;
        *self.db.write().unwrap_or_else(|e| e.into_inner()) = opened.location().clone();
        *guard = Some(opened);
        *self.problem.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(out)
    }

    /// Takes the clinic out (closing its connection when `f` drops it) and puts back what `f`
    /// returns, with no command running meanwhile.
    pub fn replace<T>(&self, f: impl FnOnce(Option<Clinic>) -> (Option<Clinic>, T)) -> T {
        let mut guard = self.clinic.write().unwrap_or_else(|e| e.into_inner());
        let (clinic, out) = f(guard.take());
        *guard = clinic;
        out
    }

    /// The language the clinic chose: the window's, the tray's and every message's (Spanish
    /// while there is no clinic).
    pub fn lang(&self) -> Lang {
        self.with(|c| c.language()).unwrap_or_default()
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
