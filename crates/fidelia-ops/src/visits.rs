//! Visits, each with its follow-up call kept in step (see [`crate::calls`]).

use chrono::{DateTime, TimeZone, Utc};
use fidelia_core::*;
use fidelia_store::tables::{calls, pets, visits};
use fidelia_store::Result;

use crate::Clinic;

impl Clinic {
    /// Creates or updates a visit; its follow-up call is created, moved or cancelled by the
    /// clinic's rules in the same transaction. A new visit also records the vaccines and
    /// dewormings applied in it, with the visit's date.
    pub fn save_visit<Tz: TimeZone>(&self, form: &VisitForm, at: &ClinicTime<Tz>) -> Result<Visit> {
        let d = form.validate(&at.tz, at.now)?;
        let applied = form.treatment_kinds()?;
        self.store.write(|db| {
            pets::get(db, d.pet_id)?;
            let id = match form.id {
                None => {
                    let id = visits::insert(db, &d, at.now)?;
                    let rules = fidelia_store::tables::settings::read(db)?.care;
                    for kind in &applied {
                        let t = TreatmentData {
                            pet_id: d.pet_id,
                            kind: *kind,
                            product: String::new(),
                            applied_on: d.at.with_timezone(&at.tz).date_naive(),
                            notes: String::new(),
                        };
                        crate::care::apply_treatment(db, &rules, &t, at.now)?;
                    }
                    id
                }
                Some(id) => {
                    visits::update(db, id, &d, at.now)?;
                    id
                }
            };
            crate::calls::sync_for_visit(db, id, &d, at)?;
            visits::get(db, id)
        })
    }

    /// Deletes a visit; its pending follow-up call is cancelled (and kept, with its attempts).
    pub fn delete_visit(&self, id: VisitId, now: DateTime<Utc>) -> Result<()> {
        self.store.write(|db| {
            calls::cancel_open_of_visit(db, id, now)?;
            visits::delete(db, id)
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::*;
    use crate::StoreError;
    use fidelia_core::*;

    fn visit_form(pet: PetId) -> VisitForm {
        VisitForm {
            pet_id: Some(pet),
            date: "24/11/2026".into(),
            time: "19:30".into(),
            kind: "cirugia".into(),
            severity: "grave".into(),
            reason: "Castración".into(),
            amount: "250,00".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_vaccine_given_in_a_visit_is_recorded_with_the_visit_and_falls_due_again() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        let f = VisitForm {
            kind: "vacunacion".into(),
            severity: "leve".into(),
            treatments: vec!["vacuna".into(), "desparasitacion_interna".into()],
            ..visit_form(luna.id)
        };
        s.save_visit(&f, &at()).unwrap();
        let due = s.care_due(at().today(), 0, 400).unwrap();
        let got: Vec<_> = due
            .iter()
            .map(|d| (d.kind.as_str(), d.due_on.to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("desparasitacion_interna", "2027-02-23".to_string()),
                ("vacuna", "2027-11-24".to_string())
            ]
        );
        let bad = VisitForm {
            treatments: vec!["aspirina".into()],
            ..visit_form(luna.id)
        };
        assert!(s.save_visit(&bad, &at()).is_err(), "a known treatment only");
    }

    #[test]
    fn a_visit_appears_on_its_clients_timeline() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        let v = s.save_visit(&visit_form(luna.id), &at()).unwrap();
        assert_eq!(
            (v.pet_name.as_str(), v.data.amount_cents),
            ("Luna", Some(25000))
        );
        let page = s.client_page(c.id).unwrap();
        assert_eq!(page.visits.len(), 1);
        // Newest first: the client was registered today, after yesterday's visit was seen.
        let kinds: Vec<_> = page
            .timeline
            .iter()
            .map(|e| (e.kind.as_str(), e.label.as_str(), e.detail.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("client_created", "", ""),
                ("visit", "cirugia", "Castración")
            ]
        );
    }

    #[test]
    fn visits_are_edited_and_deleted() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        let v = s.save_visit(&visit_form(luna.id), &at()).unwrap();
        let mut f = visit_form(luna.id);
        f.id = Some(v.id);
        f.severity = "moderada".into();
        assert_eq!(
            s.save_visit(&f, &at()).unwrap().data.severity,
            Severity::Moderate
        );
        f.date = "32/13/2020".into();
        assert!(matches!(
            s.save_visit(&f, &at()),
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            s.client_page(c.id).unwrap().visits[0].data.severity,
            Severity::Moderate,
            "the rejected edit changed nothing"
        );
        s.delete_visit(v.id, now()).unwrap();
        assert!(s.client_page(c.id).unwrap().visits.is_empty());
        assert!(matches!(
            s.delete_visit(v.id, now()),
            Err(StoreError::NotFound)
        ));
    }
}
