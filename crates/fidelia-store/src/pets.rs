//! The `pets` table.

use chrono::{DateTime, TimeZone, Utc};
use fidelia_core::*;
use rusqlite::{params, Connection, Row};

use crate::{day, found, parse_day, ts, word, Result, Store, StoreError};

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

pub(crate) fn get(conn: &Connection, id: PetId) -> Result<Pet> {
    found(
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM pets WHERE id = ?1"))?
            .query_row([id.0], from_row),
    )
}

/// A client's pets, living first, then by name.
pub(crate) fn of_client(conn: &Connection, id: ClientId) -> Result<Vec<Pet>> {
    let mut st = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM pets WHERE client_id = ?1 ORDER BY deceased_on IS NOT NULL, name, id"))?;
    let rows = st
        .query_map([id.0], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn insert(conn: &Connection, d: &PetData, now: DateTime<Utc>) -> Result<PetId> {
    conn.prepare_cached(
        "INSERT INTO pets (client_id, name, species, breed, sex, birth_date, deceased_on, notes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![d.client_id.0, d.name, d.species.as_str(), d.breed, d.sex.as_str(), d.birth_date.map(day), d.deceased_on.map(day), d.notes, ts(now)])?;
    Ok(PetId(conn.last_insert_rowid()))
}

impl Store {
    /// Creates or updates a pet. A pet cannot change owner here (that is a different act).
    pub fn save_pet<Tz: TimeZone>(&self, form: &PetForm, at: &ClinicTime<Tz>) -> Result<Pet> {
        let d = form.validate(at.today())?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        crate::clients::get(&tx, d.client_id)?;
        let id = match form.id {
            None => insert(&tx, &d, at.now)?,
            Some(id) => {
                let n = tx.execute(
                    "UPDATE pets SET name = ?3, species = ?4, breed = ?5, sex = ?6, birth_date = ?7, deceased_on = ?8, notes = ?9, updated_at = ?10
                     WHERE id = ?1 AND client_id = ?2",
                    params![id.0, d.client_id.0, d.name, d.species.as_str(), d.breed, d.sex.as_str(), d.birth_date.map(day), d.deceased_on.map(day), d.notes, ts(at.now)],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
                id
            }
        };
        crate::clients::refresh_search_key(&tx, d.client_id)?;
        if d.deceased_on.is_some() {
            // No cheerful message after a death: open calls and future appointments go.
            crate::calls::cancel_for_pet(&tx, id, at.now)?;
            crate::loyalty::cancel_coupons_for_pet(&tx, id)?;
        }
        let pet = get(&tx, id)?;
        tx.commit()?;
        Ok(pet)
    }

    pub fn pet(&self, id: PetId) -> Result<Pet> {
        get(&self.conn(), id)
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::*;
    use crate::StoreError;
    use fidelia_core::*;

    #[test]
    fn pets_belong_to_an_existing_client_and_are_found_by_name() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        assert_eq!(s.pet(luna.id).unwrap().data.name, "Luna");
        assert_eq!(
            s.search("luna", 5).unwrap()[0].client_id,
            c.id,
            "a new pet's name finds its owner at once"
        );

        let orphan = PetForm {
            client_id: Some(ClientId(99)),
            name: "Max".into(),
            species: "gato".into(),
            ..Default::default()
        };
        assert!(matches!(
            s.save_pet(&orphan, &at()),
            Err(StoreError::NotFound)
        ));
    }

    #[test]
    fn a_pet_is_marked_deceased_and_listed_after_the_living() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        pet(&s, c.id, "Max");
        let f = PetForm {
            id: Some(luna.id),
            client_id: Some(c.id),
            name: "Luna".into(),
            species: "perro".into(),
            sex: "hembra".into(),
            deceased: true,
            deceased_on: "20/11/2026".into(),
            ..Default::default()
        };
        let dead = s.save_pet(&f, &at()).unwrap();
        assert_eq!(dead.data.deceased_on.unwrap().to_string(), "2026-11-20");
        let page = s.client_page(c.id).unwrap();
        let names: Vec<_> = page.pets.iter().map(|p| p.data.name.as_str()).collect();
        assert_eq!(names, ["Max", "Luna"]);
        assert!(page
            .timeline
            .iter()
            .any(|e| e.kind == "pet_deceased" && e.pet_name.as_deref() == Some("Luna")));
    }

    #[test]
    fn an_impossible_birth_date_is_refused_and_the_saved_pet_kept() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        let f = PetForm {
            id: Some(luna.id),
            client_id: Some(c.id),
            name: "Lunita".into(),
            species: "perro".into(),
            birth_date: "31/02/2020".into(),
            ..Default::default()
        };
        match s.save_pet(&f, &at()) {
            Err(StoreError::Invalid(e)) => assert!(e.has("birthDate", "err.date_impossible")),
            other => panic!("expected a validation error, got {other:?}"),
        }
        assert_eq!(s.pet(luna.id).unwrap().data.name, "Luna");
    }
}
