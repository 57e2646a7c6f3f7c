//! Pets: saving one, and recording a death (see [`crate::death`]).

use chrono::TimeZone;
use fidelia_core::i18n::t;
use fidelia_core::*;
use fidelia_store::tables::{clients, pets, settings};
use fidelia_store::{Result, StoreError};

use crate::death::cancel_what_a_death_ends;
use crate::Clinic;

impl Clinic {
    /// Creates or updates a pet. A pet cannot change owner here (that is a different act). A pet
    /// marked deceased has its calls, future appointments and coupons cancelled at once. When
    /// the form says which version of the pet it showed and the pet changed since (another PC
    /// saved it), nothing is written: `Conflict`, and the form shows the pet as it is now.
    pub fn save_pet<Tz: TimeZone>(&self, form: &PetForm, at: &ClinicTime<Tz>) -> Result<Pet> {
        let d = form.validate(at.today())?;
        self.store.write(|db| {
            clients::get(db, d.client_id)?;
            let id = match form.id {
                None => pets::insert(db, &d, at.now)?,
                Some(id) => {
                    if form
                        .version
                        .is_some_and(|shown| pets::version(db, id).is_ok_and(|now| now != shown))
                    {
                        let lang = settings::read(db)?.language;
                        return Err(StoreError::Conflict(t(lang, "err.conflict_pet")));
                    }
                    pets::update(db, id, &d, at.now)?;
                    id
                }
            };
            clients::refresh_search_key(db, d.client_id)?;
            if d.deceased {
                cancel_what_a_death_ends(db, id, at)?;
            }
            pets::get(db, id)
        })
    }

    pub fn pet(&self, id: PetId) -> Result<Pet> {
        self.store.read(|db| pets::get(db, id))
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

    /// Two people, one pet: a save sent with the version the form showed is refused once
    /// another PC saved the pet, and writes nothing; with the version shown now it is saved;
    /// without a version (the command line) it is not checked.
    #[test]
    fn a_pet_saved_over_another_persons_change_is_refused() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let shown = pet(&s, c.id, "Luna");
        let form = |notes: &str, version: Option<i64>| PetForm {
            id: Some(shown.id),
            client_id: Some(c.id),
            name: "Luna".into(),
            species: "perro".into(),
            sex: "hembra".into(),
            notes: notes.into(),
            version,
            ..Default::default()
        };
        let first = s
            .save_pet(&form("Alérgica al pollo", Some(shown.version)), &at())
            .unwrap();
        assert_eq!(first.version, shown.version + 1);
        match s.save_pet(&form("Come pienso light", Some(shown.version)), &at()) {
            Err(StoreError::Conflict(msg)) => {
                assert!(msg.starts_with("Otra persona acaba de cambiar"), "{msg}")
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(
            s.pet(shown.id).unwrap().data.notes,
            "Alérgica al pollo",
            "the refused save wrote nothing"
        );
        let again = s
            .save_pet(&form("Come pienso light", Some(first.version)), &at())
            .unwrap();
        assert_eq!(
            (again.data.notes.as_str(), again.version),
            ("Come pienso light", first.version + 1)
        );
        let unchecked = s.save_pet(&form("Sin cambios", None), &at()).unwrap();
        assert_eq!(unchecked.version, again.version + 1, "no version, no check");
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
    fn a_pet_may_be_marked_deceased_on_an_unknown_day() {
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
            deceased_date_unknown: true,
            ..Default::default()
        };
        let dead = s.save_pet(&f, &at()).unwrap();
        assert_eq!((dead.data.deceased, dead.data.deceased_on), (true, None));
        let json = serde_json::to_value(&dead).unwrap();
        assert_eq!(
            (json["deceased"].clone(), json["deceasedOn"].clone()),
            (true.into(), serde_json::Value::Null)
        );
        let page = s.client_page(c.id).unwrap();
        let names: Vec<_> = page.pets.iter().map(|p| p.data.name.as_str()).collect();
        assert_eq!(names, ["Max", "Luna"], "listed after the living");
        // Saved again as the form shows it (box ticked, no day): still no day.
        assert_eq!(s.save_pet(&f, &at()).unwrap().data.deceased_on, None);
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
