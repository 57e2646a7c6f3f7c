//! The `pets` table.

use chrono::{DateTime, Utc};
use fidelia_core::*;
use rusqlite::{params, OptionalExtension, Row};

use super::{find_source, stamp_source, Existing};
use crate::{day, found, parse_day, ts, word, Db, Result, StoreError};

const COLUMNS: &str =
    "id, client_id, name, species, breed, sex, birth_date, deceased_on, notes, deceased";

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
            deceased: r.get(9)?,
            deceased_on: parse_day(r.get(7)?)?,
            notes: r.get(8)?,
        },
    })
}

/// The `deceased` column's value: the flag, or a day of death (a pet with one has died).
fn deceased(d: &PetData) -> bool {
    d.deceased || d.deceased_on.is_some()
}

pub fn get(db: &Db, id: PetId) -> Result<Pet> {
    found(
        db.conn()
            .prepare_cached(&format!("SELECT {COLUMNS} FROM pets WHERE id = ?1"))?
            .query_row([id.0], from_row),
    )
}

/// A client's pets, living first (deceased ones after, with or without a known day), then by
/// name.
pub fn of_client(db: &Db, id: ClientId) -> Result<Vec<Pet>> {
    let mut st = db.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM pets WHERE client_id = ?1 ORDER BY deceased, name, id"
    ))?;
    let rows = st
        .query_map([id.0], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn insert(db: &Db, d: &PetData, now: DateTime<Utc>) -> Result<PetId> {
    let conn = db.conn();
    conn.prepare_cached(
        "INSERT INTO pets (client_id, name, species, breed, sex, birth_date, deceased_on, notes, created_at, updated_at, deceased)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)",
    )?
    .execute(params![d.client_id.0, d.name, d.species.as_str(), d.breed, d.sex.as_str(), d.birth_date.map(day), d.deceased_on.map(day), d.notes, ts(now), deceased(d)])?;
    Ok(PetId(conn.last_insert_rowid()))
}

/// Inserts a pet from an import with its source id, in one statement.
pub fn insert_imported(db: &Db, d: &PetData, source_id: &str, now: &str) -> Result<PetId> {
    let conn = db.conn();
    conn.prepare_cached(
        "INSERT INTO pets (client_id, name, species, breed, sex, birth_date, deceased_on, notes, created_at, updated_at, source_id, origin, imported_at, deceased)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, 'import', ?9, ?11)",
    )?
    .execute(params![d.client_id.0, d.name, d.species.as_str(), d.breed, d.sex.as_str(), d.birth_date.map(day), d.deceased_on.map(day), d.notes, now, source_id, deceased(d)])?;
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
        "UPDATE pets SET name = ?3, species = ?4, breed = ?5, sex = ?6, birth_date = ?7, deceased_on = ?8, notes = ?9, updated_at = ?10,
                deceased = ?11
         WHERE id = ?1 AND client_id = ?2",
    )?
    .execute(params![id.0, d.client_id.0, d.name, d.species.as_str(), d.breed, d.sex.as_str(), d.birth_date.map(day), d.deceased_on.map(day), d.notes, ts(now), deceased(d)])?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Rewrites a pet from an import (owner included) and marks it imported `now`.
pub fn update_imported(db: &Db, id: PetId, d: &PetData, now: &str) -> Result<()> {
    db.conn().prepare_cached(
        "UPDATE pets SET client_id = ?2, name = ?3, species = ?4, breed = ?5, sex = ?6, birth_date = ?7, deceased_on = ?8, notes = ?9,
                updated_at = ?10, imported_at = ?10, deceased = ?11 WHERE id = ?1",
    )?
    .execute(params![id.0, d.client_id.0, d.name, d.species.as_str(), d.breed, d.sex.as_str(), d.birth_date.map(day), d.deceased_on.map(day), d.notes, now, deceased(d)])?;
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
           AND p.birth_date IS NOT NULL AND p.deceased = 0 AND c.consent_commercial = 1",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::{clients, surveys, treatments, visits, winback};
    use crate::test_util::store;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// A client with one pet born on 3 December, seen on 1 December 2026, with a vaccine due
    /// on 5 December 2026 and looked at since 20 November.
    fn owner_and_pet(db: &Db, first: &str, pet: PetData) -> Result<(ClientId, PetId)> {
        let client = ClientForm {
            first_name: first.into(),
            surnames: "Núñez".into(),
            phone1: "612 345 678".into(),
            preferred_channel: "whatsapp".into(),
            consent_care: true,
            consent_commercial: true,
            ..Default::default()
        }
        .validate()
        .unwrap();
        let now = t("2026-11-25T10:00:00Z");
        let client_id = clients::insert(db, &client, &[&pet.name], now)?;
        let pet_id = insert(db, &PetData { client_id, ..pet }, now)?;
        visits::insert(
            db,
            &VisitData {
                pet_id,
                staff_id: None,
                at: t("2026-12-01T10:00:00Z"),
                kind: VisitKind::Illness,
                severity: Severity::Mild,
                reason: "Tos".into(),
                amount_cents: None,
            },
            now,
        )?;
        let vaccine = treatments::Treatment {
            pet: pet_id,
            kind: "vacuna".into(),
            product: "Rabia".into(),
            applied_on: d("2025-12-05"),
            next_due_on: Some(d("2026-12-05")),
        };
        treatments::insert(db, &vaccine, "", Some(d("2026-11-20")), now)?;
        Ok((client_id, pet_id))
    }

    fn pet(name: &str, deceased: bool) -> PetData {
        PetData {
            client_id: ClientId(0),
            name: name.into(),
            species: Species::Dog,
            breed: String::new(),
            sex: Sex::Female,
            birth_date: Some(d("2018-12-03")),
            deceased,
            deceased_on: None,
            notes: String::new(),
        }
    }

    /// A pet known to be deceased on a day nobody knows is left out of every list that leaves
    /// the deceased out: birthdays, care reminders, surveys, the lapsed list and its count,
    /// the loyalty review's living pets.
    #[test]
    fn a_deceased_pet_without_a_day_is_left_out_like_any_deceased_pet() {
        let s = store();
        s.write(|db| {
            let (ana, luna) = owner_and_pet(db, "Ana", pet("Luna", false))?;
            let (maria, rocco) = owner_and_pet(db, "María", pet("Rocco", true))?;
            let stored = get(db, rocco)?.data;
            assert_eq!((stored.deceased, stored.deceased_on), (true, None));
            let living = |pets: Vec<PetId>| assert_eq!(pets, [luna]);

            let birthdays = birthday_candidates(db, &[d("2026-12-03")])?;
            living(birthdays.iter().map(|b| b.pet_id).collect());
            let due = treatments::due_between(db, d("2026-12-01"), d("2026-12-31"))?;
            living(due.iter().map(|t| t.pet_id).collect());
            let due = treatments::all_due_between(db, d("2026-12-01"), d("2026-12-31"))?;
            living(due.iter().map(|t| t.pet_id).collect());
            let due = treatments::to_check(db, d("2026-12-03"))?;
            living(due.iter().map(|t| t.pet_id).collect());
            assert!(
                treatments::coming_of_client(db, maria, d("2026-12-01"), d("2026-12-31"))?
                    .is_empty()
            );
            let to_survey =
                surveys::visits_without(db, t("2026-11-30T00:00:00Z"), t("2026-12-02T00:00:00Z"))?;
            living(to_survey.iter().map(|c| c.pet).collect());

            let lapsed = winback::lapsed(db, t("2027-01-01T00:00:00Z"))?;
            let of = |c: ClientId| lapsed.iter().find(|l| l.client_id == c).unwrap();
            assert_eq!(
                (of(ana).all_deceased, of(ana).pets.clone()),
                (false, vec!["Luna".to_string()])
            );
            assert!(of(maria).all_deceased, "María's only pet has died");
            assert_eq!(crate::kpi::lapsed_count(db, t("2027-01-01T00:00:00Z"))?, 1);

            let histories = clients::histories(db, t("2025-01-01T00:00:00Z"))?;
            let of = |c: ClientId| histories.iter().find(|h| h.client_id == c).unwrap();
            assert!(of(maria).all_pets_deceased && of(maria).living_pets.is_empty());
            assert!(!of(ana).all_pets_deceased);

            // Living first on the client's page, whatever the names.
            let max = insert(
                db,
                &PetData {
                    client_id: maria,
                    ..pet("Max", false)
                },
                t("2026-11-25T10:00:00Z"),
            )?;
            let order: Vec<PetId> = of_client(db, maria)?.iter().map(|p| p.id).collect();
            assert_eq!(order, [max, rocco]);
            Ok::<_, StoreError>(())
        })
        .unwrap();
    }

    /// Every way a pet is written keeps the flag: the form's insert and update, the import's
    /// one-statement insert and its update.
    #[test]
    fn every_write_keeps_the_deceased_flag() {
        let s = store();
        s.write(|db| {
            let (client_id, id) = owner_and_pet(db, "Ana", pet("Luna", false))?;
            let dead = PetData {
                client_id,
                ..pet("Luna", true)
            };
            update(db, id, &dead, t("2026-11-26T10:00:00Z"))?;
            assert_eq!(get(db, id)?.data, dead);
            let alive = PetData {
                client_id,
                ..pet("Luna", false)
            };
            update_imported(db, id, &alive, "2026-11-26T10:00:00Z")?;
            assert_eq!(get(db, id)?.data, alive);
            update_imported(db, id, &dead, "2026-11-26T10:00:00Z")?;
            assert_eq!(get(db, id)?.data, dead);
            let imported = insert_imported(
                db,
                &PetData {
                    name: "Rocco".into(),
                    ..dead.clone()
                },
                "P2",
                "2026-11-26T10:00:00Z",
            )?;
            assert!(get(db, imported)?.data.deceased);
            let dated = PetData {
                deceased: false,
                deceased_on: Some(d("2026-11-20")),
                ..dead.clone()
            };
            let with_day = insert(db, &dated, t("2026-11-26T10:00:00Z"))?;
            assert!(
                get(db, with_day)?.data.deceased,
                "a day of death means deceased"
            );
            Ok::<_, StoreError>(())
        })
        .unwrap();
    }
}
