//! The `appointments` table.

use chrono::{DateTime, Duration, TimeZone, Utc};
use fidelia_core::*;
use rusqlite::{params, Connection, Row};

use crate::{found, parse_ts, ts, word, Result, Store, StoreError};

const SELECT: &str = "SELECT a.id, a.pet_id, a.staff_id, a.starts_at, a.duration_min, a.reason, a.status, p.name, c.id,
                             c.first_name || ' ' || c.surnames, s.name
                      FROM appointments a JOIN pets p ON p.id = a.pet_id JOIN clients c ON c.id = p.client_id
                      LEFT JOIN staff s ON s.id = a.staff_id";

fn from_row(r: &Row) -> rusqlite::Result<Appointment> {
    Ok(Appointment {
        id: AppointmentId(r.get(0)?),
        data: AppointmentData {
            pet_id: PetId(r.get(1)?),
            staff_id: r.get::<_, Option<i64>>(2)?.map(StaffId),
            starts_at: parse_ts(&r.get::<_, String>(3)?)?,
            duration_min: r.get(4)?,
            reason: r.get(5)?,
            status: word(r.get(6)?, AppointmentStatus::parse)?,
        },
        pet_name: r.get(7)?,
        client_id: ClientId(r.get(8)?),
        client_name: r.get(9)?,
        staff_name: r.get(10)?,
    })
}

fn get(conn: &Connection, id: AppointmentId) -> Result<Appointment> {
    found(conn.query_row(&format!("{SELECT} WHERE a.id = ?1"), [id.0], from_row))
}

/// A client's appointments, newest first.
pub(crate) fn of_client(conn: &Connection, id: ClientId) -> Result<Vec<Appointment>> {
    let mut st = conn.prepare_cached(&format!(
        "{SELECT} WHERE c.id = ?1 ORDER BY a.starts_at DESC, a.id DESC"
    ))?;
    let rows = st
        .query_map([id.0], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn insert(
    conn: &Connection,
    d: &AppointmentData,
    now: DateTime<Utc>,
) -> Result<AppointmentId> {
    conn.prepare_cached(
        "INSERT INTO appointments (pet_id, staff_id, starts_at, duration_min, reason, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    )?
    .execute(params![d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.starts_at), d.duration_min, d.reason, d.status.as_str(), ts(now)])?;
    Ok(AppointmentId(conn.last_insert_rowid()))
}

impl Store {
    /// Books (no id) or moves/edits (id) an appointment. A deceased pet cannot be booked.
    pub fn save_appointment<Tz: TimeZone>(
        &self,
        form: &AppointmentForm,
        at: &ClinicTime<Tz>,
    ) -> Result<Appointment> {
        let d = form.validate(&at.tz, at.now)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        if crate::pets::get(&tx, d.pet_id)?.data.deceased_on.is_some() {
            return Err(Invalid::single("petId", "err.pet_deceased").into());
        }
        let id = match form.id {
            None => insert(&tx, &d, at.now)?,
            Some(id) => {
                let n = tx.execute(
                    "UPDATE appointments SET pet_id = ?2, staff_id = ?3, starts_at = ?4, duration_min = ?5, reason = ?6, updated_at = ?7 WHERE id = ?1",
                    params![id.0, d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.starts_at), d.duration_min, d.reason, ts(at.now)],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
                id
            }
        };
        let a = get(&tx, id)?;
        tx.commit()?;
        Ok(a)
    }

    pub fn cancel_appointment(&self, id: AppointmentId, now: DateTime<Utc>) -> Result<Appointment> {
        let conn = self.conn();
        let n = conn.execute(
            "UPDATE appointments SET status = 'cancelada', updated_at = ?2 WHERE id = ?1",
            params![id.0, ts(now)],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        get(&conn, id)
    }

    /// Scheduled appointments starting between `from` and `to`, optionally one staff member's.
    pub fn appointments_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        staff: Option<StaffId>,
    ) -> Result<Vec<Appointment>> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(&format!(
            "{SELECT} WHERE a.starts_at >= ?1 AND a.starts_at < ?2 AND a.status = 'programada' AND (?3 IS NULL OR a.staff_id = ?3) ORDER BY a.starts_at, a.id"
        ))?;
        let rows = st
            .query_map(params![ts(from), ts(to), staff.map(|s| s.0)], from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Scheduled appointments from `now` for the next `days`, soonest first.
    pub fn appointments_upcoming(&self, now: DateTime<Utc>, days: i64) -> Result<Vec<Appointment>> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(&format!("{SELECT} WHERE a.starts_at >= ?1 AND a.starts_at < ?2 AND a.status = 'programada' ORDER BY a.starts_at, a.id"))?;
        let rows = st
            .query_map(
                [
                    ts(now - Duration::hours(1)),
                    ts(now + Duration::days(days.clamp(1, 366))),
                ],
                from_row,
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
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
        let f = PetForm {
            id: Some(luna.id),
            client_id: Some(c.id),
            name: "Luna".into(),
            species: "perro".into(),
            deceased: true,
            ..Default::default()
        };
        s.save_pet(&f, &at()).unwrap();
        match s.save_appointment(&form(luna.id), &at()) {
            Err(StoreError::Invalid(e)) => assert!(e.has("petId", "err.pet_deceased")),
            other => panic!("expected refusal, got {other:?}"),
        }
    }
}
