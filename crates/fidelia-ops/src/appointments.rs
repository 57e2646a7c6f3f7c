//! Appointments: book, move, cancel, and what is coming.

use chrono::{DateTime, Duration, TimeZone, Utc};
use fidelia_core::*;
use fidelia_store::tables::{appointments, messages, pets};
use fidelia_store::Result;

use crate::Clinic;

impl Clinic {
    /// Books (no id) or moves/edits (id) an appointment. A deceased pet cannot be booked. A
    /// booking withdraws the pet's care reminder still to send: the clinic already knows.
    pub fn save_appointment<Tz: TimeZone>(
        &self,
        form: &AppointmentForm,
        at: &ClinicTime<Tz>,
    ) -> Result<Appointment> {
        let d = form.validate(&at.tz, at.now)?;
        self.store.write(|db| {
            if pets::get(db, d.pet_id)?.data.deceased {
                return Err(Invalid::single("petId", "err.pet_deceased").into());
            }
            let id = match form.id {
                None => {
                    let id = appointments::insert(db, &d, at.now)?;
                    crate::messages::withdraw_for_pet(
                        db,
                        d.pet_id,
                        Some("cuidado"),
                        "cita reservada",
                        at.today(),
                        at.now,
                    )?;
                    id
                }
                Some(id) => {
                    appointments::update(db, id, &d, at.now)?;
                    // Its reminder, if prepared, told the old time: a new one will come.
                    let prefix = crate::messages::appointment_prefix(id);
                    crate::messages::withdraw_items(
                        db,
                        &prefix,
                        "cita movida",
                        at.today(),
                        at.now,
                    )?;
                    id
                }
            };
            appointments::get(db, id)
        })
    }

    pub fn cancel_appointment(&self, id: AppointmentId, now: DateTime<Utc>) -> Result<Appointment> {
        self.store.write(|db| {
            appointments::cancel(db, id, now)?;
            let prefix = crate::messages::appointment_prefix(id);
            messages::cancel_pending_of_items(db, &prefix, "cita cancelada", now)?;
            appointments::get(db, id)
        })
    }

    /// Scheduled appointments starting between `from` and `to`, optionally one staff member's.
    pub fn appointments_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        staff: Option<StaffId>,
    ) -> Result<Vec<Appointment>> {
        self.store
            .read(|db| appointments::scheduled_between(db, from, to, staff))
    }

    /// Scheduled appointments from `now` (an hour back: one just started) for the next `days`,
    /// soonest first.
    pub fn appointments_upcoming(&self, now: DateTime<Utc>, days: i64) -> Result<Vec<Appointment>> {
        self.appointments_between(
            now - Duration::hours(1),
            now + Duration::days(days.clamp(1, 366)),
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::*;
    use crate::StoreError;
    use fidelia_core::*;

    fn form(pet: PetId) -> AppointmentForm {
        AppointmentForm {
            pet_id: Some(pet),
            date: "26/11/2026".into(),
            time: "10:00".into(),
            duration_min: "20".into(),
            reason: "Revisión".into(),
            ..Default::default()
        }
    }

    #[test]
    fn appointments_are_booked_moved_and_cancelled() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        let a = s.save_appointment(&form(luna.id), &at()).unwrap();
        assert_eq!(
            (a.client_name.as_str(), a.pet_name.as_str()),
            ("María Núñez", "Luna")
        );
        assert_eq!(s.appointments_upcoming(now(), 7).unwrap().len(), 1);

        let mut moved = form(luna.id);
        moved.id = Some(a.id);
        moved.date = "27/11/2026".into();
        let m = s.save_appointment(&moved, &at()).unwrap();
        assert_eq!(
            m.data.starts_at.to_rfc3339(),
            "2026-11-27T09:00:00+00:00",
            "10:00 in Madrid is 09:00 UTC"
        );

        s.cancel_appointment(a.id, now()).unwrap();
        assert!(
            s.appointments_upcoming(now(), 7).unwrap().is_empty(),
            "a cancelled appointment is not upcoming"
        );
        assert_eq!(
            s.client_page(c.id).unwrap().appointments[0].data.status,
            AppointmentStatus::Cancelled,
            "but stays on the client page"
        );
    }

    #[test]
    fn a_deceased_pet_cannot_be_booked() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        mark_deceased(&s, &luna);
        match s.save_appointment(&form(luna.id), &at()) {
            Err(StoreError::Invalid(e)) => assert!(e.has("petId", "err.pet_deceased")),
            other => panic!("expected refusal, got {other:?}"),
        }
    }
}
