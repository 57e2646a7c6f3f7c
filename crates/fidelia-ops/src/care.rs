//! Preventive care (Flow 3): vaccines and dewormings applied, each setting its next due date by
//! the clinic's rules (recorded on their own or with a visit), and what falls due. The
//! reminders built on it: [`crate::messages`].

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use fidelia_core::care::CareRules;
use fidelia_core::*;
use fidelia_store::tables::treatments::{self, Due, Treatment};
use fidelia_store::tables::{pets, settings};
use fidelia_store::{Db, Result};

use crate::Clinic;

/// Records an application on a living pet, with its next due date by `rules` (the clinic's);
/// the latest application of a treatment withdraws the reminder of the one before it.
pub(crate) fn apply_treatment(
    db: &Db,
    rules: &CareRules,
    d: &TreatmentData,
    now: DateTime<Utc>,
) -> Result<Option<NaiveDate>> {
    let pet = pets::get(db, d.pet_id)?;
    if pet.data.deceased {
        return Err(Invalid::single("petId", "err.pet_deceased").into());
    }
    let next_due_on = rules.next_due(d.kind, pet.data.species, pet.data.birth_date, d.applied_on);
    let id = treatments::insert(
        db,
        &Treatment {
            pet: d.pet_id,
            kind: d.kind.as_str().to_owned(),
            product: d.product.clone(),
            applied_on: d.applied_on,
            next_due_on,
        },
        &d.notes,
        next_due_on.map(|due| rules.first_check(due)),
        now,
    )?;
    // Given now: its reminder still to send is withdrawn (an older one entered late is not).
    if treatments::is_latest(db, id, d.pet_id, d.kind.as_str())? {
        let prefix = crate::messages::care_prefix(d.pet_id, d.kind.as_str());
        crate::messages::withdraw_items(db, &prefix, "aplicado", d.applied_on, now)?;
    }
    Ok(next_due_on)
}

impl Clinic {
    /// Records a vaccine or deworming; its next due date comes from the clinic's rules (by
    /// treatment and species; the puppy and kitten series). Returns that date, if any.
    pub fn record_treatment<Tz: TimeZone>(
        &self,
        form: &TreatmentForm,
        at: &ClinicTime<Tz>,
    ) -> Result<Option<NaiveDate>> {
        let d = form.validate(at.today())?;
        self.store
            .write(|db| apply_treatment(db, &settings::read(db)?.care, &d, at.now))
    }

    /// How many applications are recorded (the benchmark reports it).
    pub fn count_treatments(&self) -> Result<i64> {
        self.store
            .read(|db| fidelia_store::tables::count(db, "preventive_treatments"))
    }

    /// Treatments of living pets falling due from `today` (overdue ones of the last `back` days
    /// included) to `days` ahead, soonest first; only the latest application of each kind.
    pub fn care_due(&self, today: NaiveDate, back: i64, days: i64) -> Result<Vec<Due>> {
        self.store.read(|db| {
            treatments::due_between(
                db,
                today - Duration::days(back),
                today + Duration::days(days),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::*;
    use fidelia_core::*;

    fn vaccine(pet: PetId, date: &str) -> TreatmentForm {
        TreatmentForm {
            pet_id: Some(pet),
            kind: "vacuna".into(),
            product: "Rabia".into(),
            date: date.into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_application_sets_its_next_due_date_and_a_newer_one_replaces_it() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        let due = s
            .record_treatment(&vaccine(luna.id, "01/12/2025"), &at())
            .unwrap();
        assert_eq!(due.unwrap().to_string(), "2026-12-01", "a yearly vaccine");
        let today = at().today();
        let listed = s.care_due(today, 30, 14).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (listed[0].pet_name.as_str(), listed[0].kind.as_str()),
            ("Luna", "vacuna")
        );

        // Vaccinated again today: nothing is due any more.
        s.record_treatment(&vaccine(luna.id, ""), &at()).unwrap();
        assert!(
            s.care_due(today, 30, 14).unwrap().is_empty(),
            "the newer application replaces the pending one"
        );
    }

    #[test]
    fn nothing_is_due_for_a_deceased_pet_and_nothing_is_recorded_for_one() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        s.record_treatment(&vaccine(luna.id, "01/12/2025"), &at())
            .unwrap();
        mark_deceased(&s, &luna);
        assert!(s.care_due(at().today(), 30, 14).unwrap().is_empty());
        assert!(matches!(
            s.record_treatment(&vaccine(luna.id, ""), &at()),
            Err(crate::StoreError::Invalid(_))
        ));
    }

    #[test]
    fn a_bad_form_is_refused_with_every_field() {
        let s = store();
        let bad = TreatmentForm {
            kind: "jarabe".into(),
            date: "32/13/2026".into(),
            ..Default::default()
        };
        match s.record_treatment(&bad, &at()) {
            Err(crate::StoreError::Invalid(e)) => {
                assert!(e.has("petId", "err.required"));
                assert!(e.has("kind", "err.choice"));
                assert!(e.has("date", "err.date_impossible"));
            }
            other => panic!("expected every field's error, got {other:?}"),
        }
    }
}
