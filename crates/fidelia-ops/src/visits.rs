//! Visits, each with its follow-up call kept in step (see [`crate::calls`]).

use chrono::{DateTime, TimeZone, Utc};
use fidelia_core::*;
use fidelia_store::tables::{calls, pets, visits};
use fidelia_store::Result;

use crate::Clinic;

impl Clinic {
    /// Creates or updates a visit; its follow-up call is created, moved or cancelled by the
    /// clinic's rules in the same transaction.
    pub fn save_visit<Tz: TimeZone>(&self, form: &VisitForm, at: &ClinicTime<Tz>) -> Result<Visit> {
        let d = form.validate(&at.tz, at.now)?;
        self.store.write(|db| {
            pets::get(db, d.pet_id)?;
            let id = match form.id {
                None => visits::insert(db, &d, at.now)?,
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
