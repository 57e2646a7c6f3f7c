//! The `pets` table.

use chrono::{DateTime, Utc};
use fidelia_core::*;
use rusqlite::{params, OptionalExtension, Row};

use super::{find_source, stamp_source, Existing};
use crate::{day, found, parse_day, ts, word, Db, Result, StoreError};

const COLUMNS: &str = "id, client_id, name, species, breed, sex, birth_date, deceased_on, notes";

fn from_row(r: &Row) -> rusqlite::Result<Pet> {
    Ok(Pet {
        id: PetId(r.get(0)?),
        data: PetData {
            client_id: ClientId(r.get(1)?),
            name: r.get(2)?,
            species: word(r.get(3)?, Species::parse)?,
            breed: r.get(4)?,
            sex: word(r.get(5)?, Sex::parse)?,
            birth_date: parse_day(r.get(6)?)?,
            deceased_on: parse_day(r.get(7)?)?,
            notes: r.get(8)?,
        },
    })
}

pub fn get(db: &Db, id: PetId) -> Result<Pet> {
    found(
        db.conn()
            .prepare_cached(&format!("SELECT {COLUMNS} FROM pets WHERE id = ?1"))?
            .query_row([id.0], from_row),
    )
}

/// A client's pets, living first, then by name.
pub fn of_client(db: &Db, id: ClientId) -> Result<Vec<Pet>> {
    let mut st = db.conn().prepare_cached(&format!("SELECT {COLUMNS} FROM pets WHERE client_id = ?1 ORDER BY deceased_on IS NOT NULL, name, id"))?;
    let rows = st
        .query_map([id.0], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn insert(db: &Db, d: &PetData, now: DateTime<Utc>) -> Result<PetId> {
    let conn = db.conn();
    conn.prepare_cached(
        "INSERT INTO pets (client_id, name, species, breed, sex, birth_date, deceased_on, notes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![d.client_id.0, d.name, d.species.as_str(), d.breed, d.sex.as_str(), d.birth_date.map(day), d.deceased_on.map(day), d.notes, ts(now)])?;
    Ok(PetId(conn.last_insert_rowid()))
}

/// Inserts a pet from an import with its source id, in one statement.
pub fn insert_imported(db: &Db, d: &PetData, source_id: &str, now: &str) -> Result<PetId> {
    let conn = db.conn();
    conn.prepare_cached(
        "INSERT INTO pets (client_id, name, species, breed, sex, birth_date, deceased_on, notes, created_at, updated_at, source_id, origin, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, 'import', ?9)",
    )?
    .execute(params![d.client_id.0, d.name, d.species.as_str(), d.breed, d.sex.as_str(), d.birth_date.map(day), d.deceased_on.map(day), d.notes, now, source_id])?;
    Ok(PetId(conn.last_insert_rowid()))
}

/// Sets every pet's last visit from its visits, where it differs: what the visits' triggers
/// keep, after a bulk load that set them aside ([`crate::bulk`]).
pub fn refresh_last_visits(db: &Db) -> Result<()> {
    db.conn().execute(
        "UPDATE pets SET last_visit_at = v.last FROM
             (SELECT pet_id, max(at) AS last FROM visits GROUP BY pet_id) AS v
         WHERE v.pet_id = pets.id AND pets.last_visit_at IS NOT v.last",
        [],
    )?;
    Ok(())
}

/// Updates a pet of `d.client_id` (a pet does not change owner this way); `NotFound` if that
/// client has no such pet.
pub fn update(db: &Db, id: PetId, d: &PetData, now: DateTime<Utc>) -> Result<()> {
    let n = db.conn().prepare_cached(
        "UPDATE pets SET name = ?3, species = ?4, breed = ?5, sex = ?6, birth_date = ?7, deceased_on = ?8, notes = ?9, updated_at = ?10
         WHERE id = ?1 AND client_id = ?2",
    )?
    .execute(params![id.0, d.client_id.0, d.name, d.species.as_str(), d.breed, d.sex.as_str(), d.birth_date.map(day), d.deceased_on.map(day), d.notes, ts(now)])?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Rewrites a pet from an import (owner included) and marks it imported `now`.
pub fn update_imported(db: &Db, id: PetId, d: &PetData, now: &str) -> Result<()> {
    db.conn().prepare_cached(
        "UPDATE pets SET client_id = ?2, name = ?3, species = ?4, breed = ?5, sex = ?6, birth_date = ?7, deceased_on = ?8, notes = ?9,
                updated_at = ?10, imported_at = ?10 WHERE id = ?1",
    )?
    .execute(params![id.0, d.client_id.0, d.name, d.species.as_str(), d.breed, d.sex.as_str(), d.birth_date.map(day), d.deceased_on.map(day), d.notes, now])?;
    Ok(())
}

/// See [`super::Existing`].
pub fn by_source_id(db: &Db, sid: &str) -> Result<Existing<PetId>> {
    find_source(db, "pets", sid, PetId)
}

pub fn id_by_source_id(db: &Db, sid: &str) -> Result<Option<PetId>> {
    Ok(db
        .conn()
        .prepare_cached("SELECT id FROM pets WHERE source_id = ?1")?
        .query_row([sid], |r| r.get(0))
        .optional()?
        .map(PetId))
}

pub fn stamp_imported(db: &Db, id: PetId, sid: &str, now: &str) -> Result<()> {
    stamp_source(db, "pets", id.0, sid, now)
}

/// A living pet with a birth date whose owner accepted commercial messages.
pub struct BirthdayCandidate {
    pub pet_id: PetId,
    pub pet_name: String,
    pub client_id: ClientId,
    pub client_name: String,
    pub birth_date: chrono::NaiveDate,
}

/// Living pets born on one of `days` (month and day, any year) whose owner accepted
/// commercial messages. A pet born on 29 February is listed on 28 February in other years.
pub fn birthday_candidates(db: &Db, days: &[chrono::NaiveDate]) -> Result<Vec<BirthdayCandidate>> {
    use chrono::Datelike;
    let mut month_days: Vec<String> = days
        .iter()
        .map(|d| format!("{:02}-{:02}", d.month(), d.day()))
        .collect();
    if month_days.iter().any(|d| d == "02-28") && !month_days.iter().any(|d| d == "02-29") {
        month_days.push("02-29".into());
    }
    let mut st = db.conn().prepare_cached(
        "SELECT p.id, p.name, c.id, c.first_name || ' ' || c.surnames, p.birth_date
         FROM pets p JOIN clients c ON c.id = p.client_id
         WHERE substr(p.birth_date, 6) IN (SELECT value FROM json_each(?1))
           AND p.birth_date IS NOT NULL AND p.deceased_on IS NULL AND c.consent_commercial = 1",
    )?;
    let rows = st
        .query_map([serde_json::to_string(&month_days)?], |r| {
            Ok(BirthdayCandidate {
                pet_id: PetId(r.get(0)?),
                pet_name: r.get(1)?,
                client_id: ClientId(r.get(2)?),
                client_name: r.get(3)?,
                birth_date: parse_day(r.get(4)?)?.unwrap_or_default(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
