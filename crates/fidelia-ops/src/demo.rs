//! The demo clinic (and the benchmark's large clinic): a generated clinic
//! (`fidelia_core::demo`) written in one transaction in place of the clinic's records.

use chrono::TimeZone;
use fidelia_core::demo::{self, DemoSize};
use fidelia_core::settings::Settings;
use fidelia_core::*;
use fidelia_store::tables::{
    appointments, calls, clients, pets, settings, staff, surveys, treatments, visits,
};
use fidelia_store::{Result, StoreError};

use crate::Clinic;

/// What was written.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub clients: usize,
    pub pets: usize,
    pub visits: usize,
    pub appointments: usize,
    pub treatments: usize,
    /// Survey answers of the last year.
    pub surveys: usize,
}

impl Clinic {
    /// Replaces the clinic's records with a generated clinic of `size` and marks it as demo
    /// data, in one transaction: a failure leaves the clinic as it was.
    pub fn load_demo<Tz: TimeZone>(
        &self,
        seed: u64,
        size: DemoSize,
        at: &ClinicTime<Tz>,
    ) -> Result<Counts> {
        self.store.write_large(|db| {
            crate::records::empty(db)?;
            let staff_ids = demo::staff()
                .iter()
                .map(|s| staff::insert(db, s))
                .collect::<Result<Vec<_>>>()?;
            let mut counts = Counts::default();
            // The demo's settings are the defaults (written at the end): their care rules.
            let care = Settings::default().care;
            let recent = at.now - chrono::Duration::hours(56);
            // The last year's visits have their follow-up calls and surveys, as if the clinic
            // had been using Fidelia; the recent ones' calls are still to make.
            let year_ago = at.now - chrono::Duration::days(365);
            let mut visit_n: u64 = 0;
            let mut failure: Option<StoreError> = None;
            demo::generate(seed, size, at.now, &at.tz, |c| {
                if failure.is_some() {
                    return;
                }
                let r = (|| -> Result<()> {
                    let names: Vec<&str> = c.pets.iter().map(|p| p.pet.name.as_str()).collect();
                    let client_id = clients::insert(db, &c.client, &names, c.created_at)?;
                    counts.clients += 1;
                    for p in &c.pets {
                        let pet_id = pets::insert(
                            db,
                            &PetData {
                                client_id,
                                ..p.pet.clone()
                            },
                            c.created_at,
                        )?;
                        counts.pets += 1;
                        for v in &p.visits {
                            let d = VisitData {
                                pet_id,
                                staff_id: Some(staff_ids[v.staff]),
                                at: v.at,
                                kind: v.kind,
                                severity: v.severity,
                                reason: v.reason.clone(),
                                amount_cents: v.amount_cents,
                            };
                            let visit_id = visits::insert(db, &d, v.at)?;
                            counts.visits += 1;
                            if v.at > year_ago {
                                crate::calls::sync_for_visit(
                                    db,
                                    visit_id,
                                    &d,
                                    &ClinicTime::new(v.at, at.tz.clone()),
                                )?;
                            }
                            if v.at > year_ago && v.at < recent {
                                visit_n += 1;
                                if let Some(answers) = demo::demo_survey(seed, visit_n) {
                                    let sent = v.at + chrono::Duration::days(1);
                                    let code = fidelia_core::surveys::code_for(visit_id.0);
                                    let id = surveys::insert(db, visit_id, client_id, &code, sent)?;
                                    if let Some(a) = answers {
                                        let when = sent + chrono::Duration::hours(5);
                                        surveys::answer(
                                            db,
                                            id,
                                            &a,
                                            "formulario",
                                            None,
                                            a.is_poor(),
                                            when,
                                        )?;
                                        // Past answers were seen to at the time.
                                        surveys::see_alert(db, id, None, when)?;
                                        counts.surveys += 1;
                                    }
                                }
                            }
                        }
                        for (kind, applied_on) in &p.treatments {
                            let t = TreatmentData {
                                pet_id,
                                kind: *kind,
                                product: String::new(),
                                applied_on: *applied_on,
                                notes: String::new(),
                            };
                            crate::care::apply_treatment(db, &care, &t, at.now)?;
                            counts.treatments += 1;
                        }
                        for a in &p.appointments {
                            let d = AppointmentData {
                                pet_id,
                                staff_id: Some(staff_ids[a.staff]),
                                starts_at: a.starts_at,
                                duration_min: a.duration_min,
                                reason: a.reason.clone(),
                                status: a.status,
                            };
                            appointments::insert(db, &d, at.now)?;
                            counts.appointments += 1;
                        }
                    }
                    Ok(())
                })();
                if let Err(e) = r {
                    failure = Some(e);
                }
            });
            if let Some(e) = failure {
                return Err(e);
            }
            // The last year's care reminders went out a week before each dose fell due (the
            // dashboard's reminder compliance is measured on them against the demo's visits).
            let today = at.today();
            let defaults = Settings::default();
            for d in treatments::all_due_between(
                db,
                today - chrono::Duration::days(358),
                today - chrono::Duration::days(31),
            )? {
                let sent_on = d.due_on - chrono::Duration::days(care.first_notice_days as i64);
                let sent_at = at.day_start(sent_on) + chrono::Duration::hours(10);
                crate::messages::record_sent_notice(db, &defaults, &d, sent_at)?;
            }
            // As if the clinic had been using Fidelia: calls already due were made, but for the
            // two latest, still waiting (overdue) when the demo opens.
            calls::settle_past_due(db, at.now, 2)?;
            calls::vary_settled(db, at.now)?;
            let language = settings::read(db)?.language;
            settings::write(
                db,
                &Settings {
                    clinic_name: "Clínica Veterinaria San Antón".into(),
                    address: "Calle Mayor, 12, 28013 Madrid".into(),
                    phone: "910 123 456".into(),
                    email: "hola@sananton-vet.example".into(),
                    survey_link: "https://encuesta.sananton-vet.example".into(),
                    language,
                    demo: true,
                    ..Settings::default()
                },
            )?;
            Ok(counts)
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::*;
    use fidelia_core::demo::DemoSize;

    #[test]
    fn the_demo_clinic_is_written_whole_and_marked_as_demo() {
        let s = store();
        let counts = s.load_demo(1, DemoSize::DEMO, &at()).unwrap();
        assert_eq!(
            (counts.clients, counts.pets),
            (DemoSize::DEMO.clients, DemoSize::DEMO.pets)
        );
        assert!(counts.visits >= DemoSize::DEMO.visits);
        assert!(
            s.call_counts(now(), now() + chrono::Duration::days(7))
                .unwrap()
                .today
                > 0,
            "the demo's agenda has calls"
        );
        assert!(counts.appointments > 0);
        assert!(s.settings().unwrap().demo);
        assert_eq!(s.staff_list().unwrap().len(), 4);
        assert_eq!(
            s.clients_list(0, 10).unwrap().0,
            DemoSize::DEMO.clients as i64
        );
        assert!(!s.appointments_upcoming(now(), 14).unwrap().is_empty());
        // Loading again replaces, never doubles.
        s.load_demo(1, DemoSize::DEMO, &at()).unwrap();
        assert_eq!(
            s.clients_list(0, 10).unwrap().0,
            DemoSize::DEMO.clients as i64
        );
        s.reset().unwrap();
        assert_eq!(
            s.clients_list(0, 10).unwrap().0,
            0,
            "a clean clinic has no records"
        );
        assert!(!s.settings().unwrap().demo);
        assert!(s.integrity_ok().unwrap());
    }

    /// A demo that fails halfway (here a full disk after a few hundred visits, simulated)
    /// leaves the clinic as it was (issue 13, defect 2: the reset was committed first, and a
    /// failure left the clinic empty).
    #[test]
    fn a_failed_demo_leaves_the_clinic_as_it_was() {
        let dir = crate::test_util::temp_folder("demo");
        let s = crate::Clinic::open(&dir.join("clinic.sqlite3")).unwrap();
        client(&s, "Remedios", "Quintana", "612 345 678");
        let raw = rusqlite::Connection::open(dir.join("clinic.sqlite3")).unwrap();
        raw.execute_batch(
            "CREATE TRIGGER full_disk BEFORE INSERT ON visits
             WHEN (SELECT count(*) FROM visits) >= 300
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
        )
        .unwrap();
        assert!(s.load_demo(1, DemoSize::DEMO, &at()).is_err());
        let (n, hits) = s.clients_list(0, 10).unwrap();
        assert_eq!(n, 1, "the clinic's own client is still there, alone");
        assert!(
            hits[0].full_name.contains("Remedios"),
            "{}",
            hits[0].full_name
        );
        assert!(!s.settings().unwrap().demo);
        drop(raw);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
