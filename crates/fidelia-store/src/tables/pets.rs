//! The `pets` table (written once for both engines: [`crate::sql`]).

use chrono::{DateTime, Utc};
use fidelia_core::*;

use super::{find_source, stamp_source, Existing};
use crate::sql::Row;
use crate::{day, parse_day, ts, vals, word, Db, Result, StoreError};

const COLUMNS: &str =
    "id, client_id, name, species, breed, sex, birth_date, deceased_on, notes, deceased, version";

fn from_row(r: &Row) -> Result<Pet> {
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
        version: r.get(10)?,
    })
}

/// The `deceased` column's value: the flag, or a day of death (a pet with one has died).
fn deceased(d: &PetData) -> bool {
    d.deceased || d.deceased_on.is_some()
}

pub fn get(db: &Db, id: PetId) -> Result<Pet> {
    let row = db.row(
        &format!("SELECT {COLUMNS} FROM pets WHERE id = ?1"),
        &vals![id.0],
    )?;
    from_row(&row.ok_or(StoreError::NotFound)?)
}

/// The records of `ids` in one statement, by id (an id with no record is left out).
pub fn get_many(db: &Db, ids: &[PetId]) -> Result<std::collections::HashMap<PetId, Pet>> {
    super::by_ids(
        db,
        "pets",
        COLUMNS,
        ids.iter().map(|i| i.0),
        from_row,
        |r| r.id,
    )
}

/// A client's pets, living first (deceased ones after, with or without a known day), then by
/// name.
pub fn of_client(db: &Db, id: ClientId) -> Result<Vec<Pet>> {
    db.map_rows(
        &format!("SELECT {COLUMNS} FROM pets WHERE client_id = ?1 ORDER BY deceased, name, id"),
        &vals![id.0],
        from_row,
    )
}

pub fn insert(db: &Db, d: &PetData, now: DateTime<Utc>) -> Result<PetId> {
    let id = db.insert(
        "INSERT INTO pets (client_id, name, species, breed, sex, birth_date, deceased_on, notes, created_at, updated_at, deceased)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)",
        &vals![d.client_id.0, &d.name, d.species.as_str(), &d.breed, d.sex.as_str(), d.birth_date.map(day), d.deceased_on.map(day), &d.notes, ts(now), deceased(d)],
    )?;
    Ok(PetId(id))
}

/// Inserts a pet from an import with its source id, in one statement, with its last visit
/// when the import knows it (the visits it is about to add).
pub fn insert_imported(
    db: &Db,
    d: &PetData,
    source_id: &str,
    last_visit_at: Option<DateTime<Utc>>,
    now: &str,
) -> Result<PetId> {
    let id = db.insert(
        "INSERT INTO pets (client_id, name, species, breed, sex, birth_date, deceased_on, notes, created_at, updated_at, source_id, origin, imported_at, deceased, last_visit_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, 'import', ?9, ?11, ?12)",
        &vals![d.client_id.0, &d.name, d.species.as_str(), &d.breed, d.sex.as_str(), d.birth_date.map(day), d.deceased_on.map(day), &d.notes, now, source_id, deceased(d), last_visit_at.map(ts)],
    )?;
    Ok(PetId(id))
}

/// Moves each pet's last visit up to the instant given with it, where that is later: the
/// insert trigger's rule for many visits at once, after a bulk load that set it aside
/// ([`crate::bulk::VISIT_TRIGGERS`]) and kept the latest visit it added to each pet.
pub fn raise_last_visits(db: &Db, lasts: &[(PetId, DateTime<Utc>)]) -> Result<()> {
    if lasts.is_empty() {
        return Ok(());
    }
    let rows: Vec<(i64, String)> = lasts.iter().map(|(p, at)| (p.0, ts(*at))).collect();
    db.execute(
        &format!(
            "UPDATE pets SET last_visit_at = j.at FROM ({}) AS j
             WHERE pets.id = j.id AND (pets.last_visit_at IS NULL OR pets.last_visit_at < j.at)",
            db.dialect().json_rows("?1", &[("id", true), ("at", false)])
        ),
        &vals![serde_json::to_string(&rows)?],
    )?;
    Ok(())
}

/// Sets the last visit of each pet of `ids` from its visits (`NULL` when it has none left):
/// the update and delete triggers' rule, after a bulk load that set them aside and changed
/// or moved visits of these pets.
pub fn refresh_last_visits_of(db: &Db, ids: &[PetId]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = ids.iter().map(|p| p.0).collect();
    db.execute(
        &format!(
            "UPDATE pets SET last_visit_at = (SELECT max(v.at) FROM visits v WHERE v.pet_id = pets.id)
             WHERE id IN ({})",
            db.dialect().json_ints("?1")
        ),
        &vals![serde_json::to_string(&ids)?],
    )?;
    Ok(())
}

/// Updates a pet of `d.client_id` (a pet does not change owner this way); `NotFound` if that
/// client has no such pet.
pub fn update(db: &Db, id: PetId, d: &PetData, now: DateTime<Utc>) -> Result<()> {
    let n = db.execute(
        "UPDATE pets SET name = ?3, species = ?4, breed = ?5, sex = ?6, birth_date = ?7, deceased_on = ?8, notes = ?9, updated_at = ?10,
                deceased = ?11, version = version + 1
         WHERE id = ?1 AND client_id = ?2",
        &vals![id.0, d.client_id.0, &d.name, d.species.as_str(), &d.breed, d.sex.as_str(), d.birth_date.map(day), d.deceased_on.map(day), &d.notes, ts(now), deceased(d)],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Rewrites a pet from an import (owner included) and marks it imported `now`.
pub fn update_imported(db: &Db, id: PetId, d: &PetData, now: &str) -> Result<()> {
    db.execute(
        "UPDATE pets SET client_id = ?2, name = ?3, species = ?4, breed = ?5, sex = ?6, birth_date = ?7, deceased_on = ?8, notes = ?9,
                updated_at = ?10, imported_at = ?10, deceased = ?11, version = version + 1 WHERE id = ?1",
        &vals![id.0, d.client_id.0, &d.name, d.species.as_str(), &d.breed, d.sex.as_str(), d.birth_date.map(day), d.deceased_on.map(day), &d.notes, now, deceased(d)],
    )?;
    Ok(())
}

/// The pet's version: one more at every change of the record ([`Pet::version`]); `NotFound`
/// if there is no such pet.
pub fn version(db: &Db, id: PetId) -> Result<i64> {
    db.value("SELECT version FROM pets WHERE id = ?1", &vals![id.0])
}

/// See [`super::Existing`].
pub fn by_source_id(db: &Db, sid: &str) -> Result<Existing<PetId>> {
    find_source(db, "pets", sid, PetId)
}

/// Whether any pet carries a source id ([`super::any_source`]).
pub fn any_source_id(db: &Db) -> Result<bool> {
    super::any_source(db, "pets")
}

pub fn id_by_source_id(db: &Db, sid: &str) -> Result<Option<PetId>> {
    db.row("SELECT id FROM pets WHERE source_id = ?1", &vals![sid])?
        .map(|r| Ok(PetId(r.get(0)?)))
        .transpose()
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
    let sql = format!(
        "SELECT p.id, p.name, c.id, c.first_name || ' ' || c.surnames, p.birth_date
         FROM pets p JOIN clients c ON c.id = p.client_id
         WHERE {}
           AND p.birth_date IS NOT NULL AND p.deceased = 0 AND c.consent_commercial = 1",
        db.dialect().in_json_texts("substr(p.birth_date, 6)", "?1")
    );
    db.map_rows(&sql, &vals![serde_json::to_string(&month_days)?], |r| {
        Ok(BirthdayCandidate {
            pet_id: PetId(r.get(0)?),
            pet_name: r.get(1)?,
            client_id: ClientId(r.get(2)?),
            client_name: r.get(3)?,
            birth_date: parse_day(r.get(4)?)?.unwrap_or_default(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::{clients, surveys, treatments, visits, winback};
    use crate::test_util::{at, client_and_pet, date, on_each_engine};

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
        let now = at("2026-11-25T10:00:00Z");
        let client_id = clients::insert(db, &client, &[&pet.name], now)?;
        let pet_id = insert(db, &PetData { client_id, ..pet }, now)?;
        visits::insert(
            db,
            &VisitData {
                pet_id,
                staff_id: None,
                at: at("2026-12-01T10:00:00Z"),
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
            applied_on: date("2025-12-05"),
            next_due_on: Some(date("2026-12-05")),
        };
        treatments::insert(db, &vaccine, "", Some(date("2026-11-20")), now)?;
        Ok((client_id, pet_id))
    }

    fn pet(name: &str, deceased: bool) -> PetData {
        PetData {
            client_id: ClientId(0),
            name: name.into(),
            species: Species::Dog,
            breed: String::new(),
            sex: Sex::Female,
            birth_date: Some(date("2018-12-03")),
            deceased,
            deceased_on: None,
            notes: String::new(),
        }
    }

    /// Every update of a pet's record adds one to its version, whoever writes it (the pet
    /// form, an import's rewrite or stamp); its last visit, kept from its visits, does not (a
    /// visit recorded must not make an open pet form out of date).
    #[test]
    fn every_change_of_a_pet_adds_one_to_its_version_on_each_engine() {
        on_each_engine(|db| {
            let (client, luna) = owner_and_pet(db, "Ana", pet("Luna", false)).unwrap();
            let (_, rex) = owner_and_pet(db, "Luis", pet("Rex", false)).unwrap();
            let now = at("2026-12-02T10:00:00Z");
            let mut expected = 0;
            let mut after = |what: &str, added: i64| {
                expected += added;
                assert_eq!(version(db, luna).unwrap(), expected, "{what}");
                assert_eq!(get(db, luna).unwrap().version, expected, "{what}");
            };
            after("a new pet, and its visit", 0);
            let renamed = PetData {
                client_id: client,
                ..pet("Luna Mora", false)
            };
            update(db, luna, &renamed, now).unwrap();
            after("saved", 1);
            raise_last_visits(db, &[(luna, now)]).unwrap();
            refresh_last_visits_of(db, &[luna]).unwrap();
            after("its last visit", 0);
            update_imported(db, luna, &renamed, "2026-12-02T11:00:00Z").unwrap();
            after("rewritten by an import", 1);
            stamp_imported(db, luna, "M-1", "2026-12-02T11:00:00Z").unwrap();
            after("stamped by an import", 1);
            assert_eq!(version(db, rex).unwrap(), 0, "another pet is left alone");
            assert!(matches!(
                version(db, PetId(999_999)),
                Err(StoreError::NotFound)
            ));
        });
    }

    /// A pet known to be deceased on a day nobody knows is left out of every list that leaves
    /// the deceased out: birthdays, care reminders, surveys, the lapsed list and its count,
    /// the loyalty review's living pets.
    #[test]
    fn a_deceased_pet_without_a_day_is_left_out_like_any_deceased_pet() {
        on_each_engine(|db| {
            let check = || -> Result<()> {
                let (ana, luna) = owner_and_pet(db, "Ana", pet("Luna", false))?;
                let (maria, rocco) = owner_and_pet(db, "María", pet("Rocco", true))?;
                let stored = get(db, rocco)?.data;
                assert_eq!((stored.deceased, stored.deceased_on), (true, None));
                let living = |pets: Vec<PetId>| assert_eq!(pets, [luna]);

                let birthdays = birthday_candidates(db, &[date("2026-12-03")])?;
                living(birthdays.iter().map(|b| b.pet_id).collect());
                let due = treatments::due_between(db, date("2026-12-01"), date("2026-12-31"))?;
                living(due.iter().map(|t| t.pet_id).collect());
                let due = treatments::all_due_between(db, date("2026-12-01"), date("2026-12-31"))?;
                living(due.iter().map(|t| t.pet_id).collect());
                let due = treatments::to_check(db, date("2026-12-03"))?;
                living(due.iter().map(|t| t.pet_id).collect());
                assert!(treatments::coming_of_client(
                    db,
                    maria,
                    date("2026-12-01"),
                    date("2026-12-31")
                )?
                .is_empty());
                let to_survey = surveys::visits_without(
                    db,
                    at("2026-11-30T00:00:00Z"),
                    at("2026-12-02T00:00:00Z"),
                )?;
                living(to_survey.iter().map(|c| c.pet).collect());

                let lapsed = winback::lapsed(db, at("2027-01-01T00:00:00Z"))?;
                let of = |c: ClientId| lapsed.iter().find(|l| l.client_id == c).unwrap();
                assert_eq!(
                    (of(ana).all_deceased, of(ana).pets.clone()),
                    (false, vec!["Luna".to_string()])
                );
                assert!(of(maria).all_deceased, "María's only pet has died");
                assert_eq!(crate::kpi::lapsed_count(db, at("2027-01-01T00:00:00Z"))?, 1);

                let histories = clients::histories(db, at("2025-01-01T00:00:00Z"))?;
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
                    at("2026-11-25T10:00:00Z"),
                )?;
                let order: Vec<PetId> = of_client(db, maria)?.iter().map(|p| p.id).collect();
                assert_eq!(order, [max, rocco]);
                Ok(())
            };
            check().unwrap();
        });
    }

    /// Every way a pet is written keeps the flag: the form's insert and update, the import's
    /// one-statement insert and its update.
    #[test]
    fn every_write_keeps_the_deceased_flag() {
        on_each_engine(|db| {
            let (client_id, id) = client_and_pet(db, "Ana");
            let dead = PetData {
                client_id,
                ..pet("Luna", true)
            };
            update(db, id, &dead, at("2026-11-26T10:00:00Z")).unwrap();
            assert_eq!(get(db, id).unwrap().data, dead);
            let alive = PetData {
                client_id,
                ..pet("Luna", false)
            };
            update_imported(db, id, &alive, "2026-11-26T10:00:00Z").unwrap();
            assert_eq!(get(db, id).unwrap().data, alive);
            update_imported(db, id, &dead, "2026-11-26T10:00:00Z").unwrap();
            assert_eq!(get(db, id).unwrap().data, dead);
            let imported = insert_imported(
                db,
                &PetData {
                    name: "Rocco".into(),
                    ..dead.clone()
                },
                "P2",
                None,
                "2026-11-26T10:00:00Z",
            )
            .unwrap();
            assert!(get(db, imported).unwrap().data.deceased);
            let dated = PetData {
                deceased: false,
                deceased_on: Some(date("2026-11-20")),
                ..dead.clone()
            };
            let with_day = insert(db, &dated, at("2026-11-26T10:00:00Z")).unwrap();
            assert!(
                get(db, with_day).unwrap().data.deceased,
                "a day of death means deceased"
            );
            assert_eq!(
                get(db, with_day).unwrap().data.deceased_on,
                Some(date("2026-11-20"))
            );
        });
    }

    /// Pets are written by hand and by imports, found by their source ids, listed per client
    /// and read back with every field.
    #[test]
    fn pets_are_written_imported_found_and_listed_on_each_engine() {
        on_each_engine(|db| {
            let (ana, luna) = client_and_pet(db, "Ana");
            let (bea, _) = client_and_pet(db, "Bea");
            let now = at("2026-12-01T10:00:00Z");
            let luna_stored = get(db, luna).unwrap();
            assert_eq!(luna_stored.id, luna);
            assert_eq!(
                luna_stored.data,
                PetData {
                    client_id: ana,
                    name: "Luna".into(),
                    species: Species::Dog,
                    breed: String::new(),
                    sex: Sex::Female,
                    birth_date: None,
                    deceased: false,
                    deceased_on: None,
                    notes: String::new(),
                }
            );
            let kira = PetData {
                client_id: ana,
                name: "Kira".into(),
                species: Species::Cat,
                breed: "Siamés".into(),
                sex: Sex::Male,
                birth_date: Some(date("2020-02-29")),
                deceased: false,
                deceased_on: None,
                notes: "Muerde".into(),
            };
            let kira_id = insert(db, &kira, now).unwrap();
            assert_eq!(get(db, kira_id).unwrap().data, kira);
            let zar = PetData {
                client_id: ana,
                ..pet("Zar", true)
            };
            let zar_id = insert(db, &zar, now).unwrap();
            let ids = |c: ClientId| -> Vec<PetId> {
                of_client(db, c)
                    .unwrap()
                    .into_iter()
                    .map(|p| p.id)
                    .collect()
            };
            assert_eq!(
                ids(ana),
                [kira_id, luna, zar_id],
                "living by name, then the deceased"
            );

            // Imported: found by source id, not protected until edited by hand.
            assert_eq!(by_source_id(db, "P-1").unwrap(), Existing::New);
            assert_eq!(id_by_source_id(db, "P-1").unwrap(), None);
            let imported = PetData {
                client_id: bea,
                ..pet("Toby", false)
            };
            let seen = at("2026-11-30T10:00:00Z");
            let toby =
                insert_imported(db, &imported, "P-1", Some(seen), "2026-12-01T10:00:00Z").unwrap();
            assert_eq!(get(db, toby).unwrap().data, imported);
            let last: Option<String> = db
                .value(
                    "SELECT last_visit_at FROM pets WHERE id = ?1",
                    &crate::vals![toby.0],
                )
                .unwrap();
            assert_eq!(
                last,
                Some(ts(seen)),
                "written with the last visit it was given"
            );
            assert_eq!(id_by_source_id(db, "P-1").unwrap(), Some(toby));
            assert_eq!(
                by_source_id(db, "P-1").unwrap(),
                Existing::Found {
                    id: toby,
                    protected: false
                }
            );
            update(db, toby, &imported, at("2026-12-02T10:00:00Z")).unwrap();
            assert_eq!(
                by_source_id(db, "P-1").unwrap(),
                Existing::Found {
                    id: toby,
                    protected: true
                },
                "edited by hand since the import"
            );
            // The import moves it to another owner and is the last to write it.
            let moved = PetData {
                client_id: ana,
                notes: "Cambia de dueña".into(),
                ..imported.clone()
            };
            update_imported(db, toby, &moved, "2026-12-03T10:00:00Z").unwrap();
            assert_eq!(get(db, toby).unwrap().data, moved);
            assert_eq!(
                by_source_id(db, "P-1").unwrap(),
                Existing::Found {
                    id: toby,
                    protected: false
                }
            );
            assert_eq!(ids(bea).len(), 1);

            // A pet entered by hand, stamped with the id the import gives it.
            stamp_imported(db, luna, "P-2", "2026-12-04T10:00:00Z").unwrap();
            assert_eq!(id_by_source_id(db, "P-2").unwrap(), Some(luna));
            assert_eq!(
                by_source_id(db, "P-2").unwrap(),
                Existing::Found {
                    id: luna,
                    protected: false
                }
            );
            let row = db
                .row(
                    "SELECT origin, imported_at, updated_at FROM pets WHERE id = ?1",
                    &crate::vals![luna.0],
                )
                .unwrap()
                .unwrap();
            assert_eq!(row.get::<String>(0).unwrap(), "import");
            assert_eq!(row.get::<String>(1).unwrap(), "2026-12-04T10:00:00Z");
            assert_eq!(row.get::<String>(2).unwrap(), "2026-12-04T10:00:00Z");

            // The form cannot move a pet to another owner: no such pet of that client.
            let err = update(
                db,
                luna,
                &PetData {
                    client_id: bea,
                    ..pet("Luna", false)
                },
                now,
            );
            assert!(matches!(err, Err(StoreError::NotFound)));
            assert!(matches!(
                get(db, PetId(luna.0 + 1000)),
                Err(StoreError::NotFound)
            ));
        });
    }

    /// Birthdays: living pets of owners who accepted commercial messages, on the days asked,
    /// 29 February listed on 28 February.
    #[test]
    fn birthday_candidates_on_each_engine() {
        on_each_engine(|db| {
            let (ana, luna) = client_and_pet(db, "Ana");
            let (bea, bimba) = client_and_pet(db, "Bea");
            let now = at("2026-12-01T10:00:00Z");
            for c in [ana, bea] {
                db.execute(
                    "UPDATE clients SET consent_commercial = ?2 WHERE id = ?1",
                    &crate::vals![c.0, c == ana],
                )
                .unwrap();
            }
            let born = |id: PetId, day: &str| {
                db.execute(
                    "UPDATE pets SET birth_date = ?2 WHERE id = ?1",
                    &crate::vals![id.0, day],
                )
                .unwrap();
            };
            born(luna, "2019-12-03");
            born(bimba, "2019-12-03"); // her owner said no
            let leap = insert(
                db,
                &PetData {
                    client_id: ana,
                    birth_date: Some(date("2020-02-29")),
                    ..pet("Kira", false)
                },
                now,
            )
            .unwrap();
            insert(
                db,
                &PetData {
                    client_id: ana,
                    ..pet("Rocco", true)
                },
                now,
            )
            .unwrap(); // born on 3 December too, but deceased
            insert(
                db,
                &PetData {
                    client_id: ana,
                    birth_date: None,
                    ..pet("Nube", false)
                },
                now,
            )
            .unwrap();

            let found = birthday_candidates(db, &[date("2026-12-03")]).unwrap();
            assert_eq!(found.len(), 1);
            let b = &found[0];
            assert_eq!(
                (
                    b.pet_id,
                    b.pet_name.as_str(),
                    b.client_id,
                    b.client_name.as_str()
                ),
                (luna, "Luna", ana, "Ana Núñez")
            );
            assert_eq!(b.birth_date, date("2019-12-03"));

            let found = birthday_candidates(db, &[date("2027-02-27"), date("2027-02-28")]).unwrap();
            let ids: Vec<PetId> = found.iter().map(|b| b.pet_id).collect();
            assert_eq!(ids, [leap]);
            assert_eq!(found[0].birth_date, date("2020-02-29"));
            assert!(birthday_candidates(db, &[date("2026-12-04")])
                .unwrap()
                .is_empty());
            assert!(birthday_candidates(db, &[]).unwrap().is_empty());
        });
    }

    /// After a bulk load: the latest visit it added to each pet raises the pet's last visit
    /// (never lowers it); the pets whose visits it changed or moved get theirs from their
    /// visits, none left included.
    #[test]
    fn last_visits_after_a_bulk_load_on_each_engine() {
        on_each_engine(|db| {
            let (_, luna) = client_and_pet(db, "Ana");
            let (_, bimba) = client_and_pet(db, "Bea");
            let (_, nube) = client_and_pet(db, "Carla");
            let (_, kira) = client_and_pet(db, "Dora");
            let last = |p: PetId| -> Option<String> {
                db.row(
                    "SELECT last_visit_at FROM pets WHERE id = ?1",
                    &crate::vals![p.0],
                )
                .unwrap()
                .unwrap()
                .get(0)
                .unwrap()
            };
            let set = |p: PetId, value: Option<&str>| {
                db.execute(
                    "UPDATE pets SET last_visit_at = ?2 WHERE id = ?1",
                    &crate::vals![p.0, value],
                )
                .unwrap();
            };
            // Raised: from none, from an earlier one; a later one stays.
            set(bimba, Some("2026-01-01T09:00:00Z"));
            set(nube, Some("2026-12-01T09:00:00Z"));
            let instant = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
            raise_last_visits(
                db,
                &[
                    (luna, instant("2026-11-15T09:00:00Z")),
                    (bimba, instant("2026-09-01T09:00:00Z")),
                    (nube, instant("2026-10-01T09:00:00Z")),
                ],
            )
            .unwrap();
            assert_eq!(last(luna).as_deref(), Some("2026-11-15T09:00:00Z"));
            assert_eq!(last(bimba).as_deref(), Some("2026-09-01T09:00:00Z"));
            assert_eq!(last(nube).as_deref(), Some("2026-12-01T09:00:00Z"));
            assert_eq!(last(kira), None, "a pet not named is left alone");
            raise_last_visits(db, &[]).unwrap();

            // From the visits: the latest of two, a stale one, none left; others untouched.
            for (pet, at) in [
                (luna, "2026-10-01T09:00:00Z"),
                (luna, "2026-11-20T09:00:00Z"),
                (bimba, "2026-09-01T09:00:00Z"),
            ] {
                db.execute(
                    "INSERT INTO visits (pet_id, at, kind, severity, created_at, updated_at)
                     VALUES (?1, ?2, 'consulta', 'leve', ?2, ?2)",
                    &crate::vals![pet.0, at],
                )
                .unwrap();
            }
            set(luna, Some("2026-11-15T09:00:00Z"));
            set(bimba, Some("2027-01-01T09:00:00Z"));
            set(kira, Some("2026-05-05T09:00:00Z"));
            refresh_last_visits_of(db, &[luna, bimba, nube]).unwrap();
            assert_eq!(last(luna).as_deref(), Some("2026-11-20T09:00:00Z"));
            assert_eq!(last(bimba).as_deref(), Some("2026-09-01T09:00:00Z"));
            assert_eq!(last(nube), None, "no visits left");
            assert_eq!(last(kira).as_deref(), Some("2026-05-05T09:00:00Z"));
            refresh_last_visits_of(db, &[]).unwrap();
        });
    }
}
