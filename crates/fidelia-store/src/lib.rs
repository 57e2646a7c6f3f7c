//! Fidelia's storage. Every SQL statement of the app lives in this crate, so that moving the
//! clinic to a shared server database one day touches this crate only.
//!
//! One SQLite file (WAL, foreign keys, busy timeout set on every connection), versioned
//! migrations, one module per table or aggregate. Methods take the domain's forms, validate them
//! with `fidelia-core`, and return the domain's records.

mod appointments;
pub mod calls;
mod clients;
pub mod demo;
pub mod export;
pub mod import;
pub mod loyalty;
mod migrations;
mod pets;
mod settings;
mod staff;
mod visits;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, NaiveDate, Utc};
use fidelia_core::Invalid;
use rusqlite::Connection;

/// The application identifier: the data folder's name under the OS app-data folder.
pub const APP_ID: &str = "es.fidelia.desktop";
/// Environment variable that overrides the database path.
pub const DB_ENV: &str = "FIDELIA_DB";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid input")]
    Invalid(Invalid),
    #[error("record not found")]
    NotFound,
    /// The action was refused; the message is already in the clinic's language.
    #[error("refused: {0}")]
    Refused(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration error: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("CSV error: {0}")]
    Csv(#[from] csv::Error),
    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<Invalid> for StoreError {
    fn from(e: Invalid) -> Self {
        StoreError::Invalid(e)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The clinic's database. One connection behind a mutex: one clinic PC, one user at a time.
pub struct Store {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
}

/// Where the database lives: `$FIDELIA_DB` if set, else `<OS app-data>/es.fidelia.desktop/fidelia.sqlite3`.
pub fn default_db_path() -> PathBuf {
    if let Some(p) = std::env::var_os(DB_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_ID)
        .join("fidelia.sqlite3")
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        migrations::migrations().to_latest(&mut conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
            path: Some(path.to_owned()),
        })
    }

    /// A fresh database in memory, for tests.
    pub fn open_in_memory() -> Result<Store> {
        let mut conn = Connection::open_in_memory()?;
        configure(&conn)?;
        migrations::migrations().to_latest(&mut conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
            path: None,
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves a usable connection: SQLite rolled back.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `PRAGMA quick_check`; `Ok(true)` when the file is sound.
    pub fn integrity_ok(&self) -> Result<bool> {
        let r: String = self
            .conn()
            .query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        Ok(r == "ok")
    }

    /// Empties the clinic: every record goes, settings return to their defaults (the language stays).
    pub fn reset(&self) -> Result<()> {
        let language = self.settings()?.language;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute_batch(
            "DELETE FROM coupons; DELETE FROM letters; DELETE FROM call_attempts; DELETE FROM calls; DELETE FROM preventive_treatments; DELETE FROM appointments; DELETE FROM visits;
             DELETE FROM pets; DELETE FROM clients; DELETE FROM staff; DELETE FROM settings;",
        )?;
        settings::write(
            &tx,
            &fidelia_core::settings::Settings {
                language,
                ..Default::default()
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Database size in bytes (pages × page size).
    pub fn size_bytes(&self) -> Result<i64> {
        Ok(self.conn().query_row(
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            [],
            |r| r.get(0),
        )?)
    }
}

// ---- column conversions shared by the table modules

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub(crate) fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
}

pub(crate) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn parse_day(s: Option<String>) -> rusqlite::Result<Option<NaiveDate>> {
    s.map(|s| {
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

/// Reads a closed-list word from a column.
pub(crate) fn word<T>(s: String, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    parse(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("unknown value {s:?}").into(),
        )
    })
}

/// Maps "no row" to `NotFound`.
pub(crate) fn found<T>(r: rusqlite::Result<T>) -> Result<T> {
    match r {
        Err(rusqlite::Error::QueryReturnedNoRows) => Err(StoreError::NotFound),
        r => Ok(r?),
    }
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::*;
    use fidelia_core::*;

    pub fn store() -> Store {
        Store::open_in_memory().expect("an in-memory database opens and migrates")
    }

    pub fn now() -> DateTime<Utc> {
        "2026-11-25T10:00:00Z".parse().unwrap()
    }

    /// 25/11/2026 11:00 in Madrid (winter time, UTC+1).
    pub fn at() -> ClinicTime<chrono::FixedOffset> {
        ClinicTime::new(now(), chrono::FixedOffset::east_opt(3600).unwrap())
    }

    pub fn client(s: &Store, first: &str, surnames: &str, phone: &str) -> Client {
        let f = ClientForm {
            first_name: first.into(),
            surnames: surnames.into(),
            phone1: phone.into(),
            preferred_channel: "telefono".into(),
            consent_care: true,
            ..Default::default()
        };
        s.save_client(&f, now()).expect("valid client")
    }

    pub fn pet(s: &Store, client: ClientId, name: &str) -> Pet {
        let f = PetForm {
            client_id: Some(client),
            name: name.into(),
            species: "perro".into(),
            sex: "hembra".into(),
            ..Default::default()
        };
        s.save_pet(&f, &at()).expect("valid pet")
    }
}
