//! Fidelia's operations: every act on the clinic's data, in one place. The window
//! (`src-tauri`) and the CLI (`fidelia-cli`) call [`Clinic`], and nothing else writes to the
//! database.
//!
//! - The domain (`fidelia-core`) decides: validation, rules, scheduling, templates.
//! - The tables (`fidelia-store::tables`) read and write one table each.
//! - An operation here puts them together: it validates with the domain, then runs in **one
//!   transaction** ([`fidelia_store::Store::write`]) every table function it needs. Rules that
//!   span tables exist once, here: a visit keeps its follow-up call in step
//!   ([`calls`]), a death cancels what it must ([`death`]), whoever records it.
//!
//! One module per operation or flow; each adds `impl Clinic` methods. Lower crates never call
//! this one.

pub mod appointments;
pub mod autoimport;
pub mod backup;
pub mod calls;
pub mod care;
pub mod dashboard;
mod death;
pub mod demo;
pub mod folders;
pub mod import;
pub mod letters;
pub mod logging;
pub mod loyalty;
pub mod messages;
pub mod pc;
pub mod pets;
pub mod privacy;
pub mod records;
pub mod report;
pub mod server;
pub mod surveys;
pub mod visits;
pub mod winback;

use std::path::Path;

pub use fidelia_store::tables::calls::CallCounts;
pub use fidelia_store::tables::coupons::Coupon;
use fidelia_store::Store;
pub use fidelia_store::{
    app_data_folder, default_location, Changes, Location, Result, StoreError, APP_ID, DB_ENV,
};

/// The clinic: its database and every operation on it.
pub struct Clinic {
    store: Store,
}

impl Clinic {
    /// Opens (creating if needed) the clinic's database at `path`, its schema brought up to date.
    pub fn open(path: &Path) -> Result<Clinic> {
        Ok(Clinic {
            store: Store::open(path)?,
        })
    }

    /// Opens the clinic's database wherever it is (a SQLite file, created if needed, or the
    /// clinic's server database), its schema brought up to date.
    pub fn open_at(location: &Location) -> Result<Clinic> {
        Ok(Clinic {
            store: Store::open_at(location)?,
        })
    }

    /// A second connection to the same database, for long work (an import, its preview): it
    /// writes in its own transaction while this one keeps answering reads (SQLite's WAL lets
    /// readers go on while one connection writes; a server has connections of its own). A
    /// clinic in memory has no file to share: an error.
    pub fn worker(&self) -> Result<Clinic> {
        if self.store.path().is_none() && !self.store.is_server() {
            return Err(
                std::io::Error::other("a clinic in memory has no second connection").into(),
            );
        }
        Clinic::open_at(self.store.location())
    }

    /// Where the clinic's database is.
    pub fn location(&self) -> &Location {
        self.store.location()
    }

    /// A fresh clinic in memory, for tests.
    pub fn open_in_memory() -> Result<Clinic> {
        Ok(Clinic {
            store: Store::open_in_memory()?,
        })
    }

    /// Everything the database holds, as text (schema and every row): equal dumps, equal
    /// content. For tests and diagnostics.
    pub fn content_dump(&self) -> Result<String> {
        self.store.read(fidelia_store::export::dump)
    }

    pub fn path(&self) -> Option<&Path> {
        self.store.path()
    }

    /// `PRAGMA quick_check`: `Ok(true)` when the file is sound.
    pub fn integrity_ok(&self) -> Result<bool> {
        self.store.integrity_ok()
    }

    /// The database's full integrity check: the problems found, none when sound.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        self.store.integrity_problems()
    }

    /// How many records each table of the clinic's records holds (staff, clients, pets,
    /// visits, appointments, treatments).
    pub fn record_counts(&self) -> Result<Vec<(&'static str, i64)>> {
        self.store.read(|db| {
            fidelia_store::tables::RECORDS
                .iter()
                .map(|t| Ok((*t, fidelia_store::tables::count(db, t)?)))
                .collect()
        })
    }

    /// The database schema's version (migrations applied).
    pub fn schema_version(&self) -> Result<i64> {
        self.store.schema_version()
    }

    /// Database size in bytes.
    pub fn size_bytes(&self) -> Result<i64> {
        self.store.size_bytes()
    }
}

#[cfg(test)]
pub(crate) mod test_util {
    use chrono::{DateTime, Utc};
    use fidelia_core::*;

    use crate::Clinic;

    /// A fresh, empty folder of the system's temporary folder for one test (`tag` names it).
    pub fn temp_folder(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("fidelia-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("a temporary folder");
        d
    }

    pub fn store() -> Clinic {
        Clinic::open_in_memory().expect("an in-memory database opens and migrates")
    }

    pub fn now() -> DateTime<Utc> {
        "2026-11-25T10:00:00Z".parse().unwrap()
    }

    /// 25/11/2026 11:00 in Madrid (winter time, UTC+1).
    pub fn at() -> ClinicTime<chrono::FixedOffset> {
        ClinicTime::new(now(), chrono::FixedOffset::east_opt(3600).unwrap())
    }

    pub fn client(s: &Clinic, first: &str, surnames: &str, phone: &str) -> Client {
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

    /// Records `pet`'s death today, through the pet form as the window does.
    pub fn mark_deceased(s: &Clinic, pet: &Pet) {
        let f = PetForm {
            id: Some(pet.id),
            client_id: Some(pet.data.client_id),
            name: pet.data.name.clone(),
            species: pet.data.species.as_str().into(),
            sex: pet.data.sex.as_str().into(),
            deceased: true,
            ..Default::default()
        };
        s.save_pet(&f, &at()).expect("a death is recorded");
    }

    pub fn pet(s: &Clinic, client: ClientId, name: &str) -> Pet {
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
