//! The `appointments` table (written once for both engines: [`crate::sql`]).

use chrono::{DateTime, Utc};
use fidelia_core::*;

use super::{find_source, stamp_source, Existing};
use crate::sql::Row;
use crate::{parse_ts, ts, vals, word, Db, Result, StoreError};

const SELECT: &str = "SELECT a.id, a.pet_id, a.staff_id, a.starts_at, a.duration_min, a.reason, a.status, p.name, c.id,
                             c.first_name || ' ' || c.surnames, s.name
                      FROM appointments a JOIN pets p ON p.id = a.pet_id JOIN clients c ON c.id = p.client_id
                      LEFT JOIN staff s ON s.id = a.staff_id";

fn from_row(r: &Row) -> Result<Appointment> {
    Ok(Appointment {
        id: AppointmentId(r.get(0)?),
        data: AppointmentData {
            pet_id: PetId(r.get(1)?),
            staff_id: r.get::<Option<i64>>(2)?.map(StaffId),
            starts_at: parse_ts(&r.get::<String>(3)?)?,
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

pub fn get(db: &Db, id: AppointmentId) -> Result<Appointment> {
    let row = db.row(&format!("{SELECT} WHERE a.id = ?1"), &vals![id.0])?;
    from_row(&row.ok_or(StoreError::NotFound)?)
}

/// A client's appointments, newest first.
pub fn of_client(db: &Db, id: ClientId) -> Result<Vec<Appointment>> {
    db.map_rows(
        &format!("{SELECT} WHERE c.id = ?1 ORDER BY a.starts_at DESC, a.id DESC"),
        &vals![id.0],
        from_row,
    )
}

pub fn insert(db: &Db, d: &AppointmentData, now: DateTime<Utc>) -> Result<AppointmentId> {
    let id = db.insert(
        "INSERT INTO appointments (pet_id, staff_id, starts_at, duration_min, reason, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        &vals![d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.starts_at), d.duration_min, &d.reason, d.status.as_str(), ts(now)],
    )?;
    Ok(AppointmentId(id))
}

/// Moves or edits an appointment (not its status); `NotFound` if there is none.
pub fn update(db: &Db, id: AppointmentId, d: &AppointmentData, now: DateTime<Utc>) -> Result<()> {
    let n = db.execute(
        "UPDATE appointments SET pet_id = ?2, staff_id = ?3, starts_at = ?4, duration_min = ?5, reason = ?6, updated_at = ?7 WHERE id = ?1",
        &vals![id.0, d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.starts_at), d.duration_min, &d.reason, ts(now)],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Rewrites an appointment from an import (status included) and marks it imported `now`.
pub fn update_imported(db: &Db, id: AppointmentId, d: &AppointmentData, now: &str) -> Result<()> {
    db.execute(
        "UPDATE appointments SET pet_id = ?2, staff_id = ?3, starts_at = ?4, duration_min = ?5, reason = ?6, status = ?7,
                updated_at = ?8, imported_at = ?8 WHERE id = ?1",
        &vals![id.0, d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.starts_at), d.duration_min, &d.reason, d.status.as_str(), now],
    )?;
    Ok(())
}

/// `NotFound` if there is no such appointment.
pub fn cancel(db: &Db, id: AppointmentId, now: DateTime<Utc>) -> Result<()> {
    let n = db.execute(
        "UPDATE appointments SET status = 'cancelada', updated_at = ?2 WHERE id = ?1",
        &vals![id.0, ts(now)],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Cancels a pet's appointments still to come.
pub fn cancel_future_of_pet(db: &Db, pet: PetId, now: DateTime<Utc>) -> Result<()> {
    db.execute(
        "UPDATE appointments SET status = 'cancelada', updated_at = ?2 WHERE pet_id = ?1 AND status = 'programada' AND starts_at >= ?2",
        &vals![pet.0, ts(now)],
    )?;
    Ok(())
}

/// Scheduled appointments starting in `from..to`, optionally one staff member's.
pub fn scheduled_between(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    staff: Option<StaffId>,
) -> Result<Vec<Appointment>> {
    db.map_rows(&format!("{SELECT} WHERE a.starts_at >= ?1 AND a.starts_at < ?2 AND a.status = 'programada' AND (CAST(?3 AS BIGINT) IS NULL OR a.staff_id = ?3) ORDER BY a.starts_at, a.id"),
        &vals![ts(from), ts(to), staff.map(|s| s.0)], from_row)
}

/// See [`super::Existing`].
pub fn by_source_id(db: &Db, sid: &str) -> Result<Existing<AppointmentId>> {
    find_source(db, "appointments", sid, AppointmentId)
}

pub fn stamp_imported(db: &Db, id: AppointmentId, sid: &str, now: &str) -> Result<()> {
    stamp_source(db, "appointments", id.0, sid, now)
}

/// Whether a pet has an appointment booked from `from` on (a reminder for it would be
/// redundant: the clinic will see the pet).
pub fn booked_from(db: &Db, pet: PetId, from: DateTime<Utc>) -> Result<bool> {
    Ok(booked_among(db, &[pet], from)?.contains(&pet))
}

/// The pets among `pets` with an appointment booked from `from` on ([`booked_from`] for many
/// in one statement).
pub fn booked_among(
    db: &Db,
    pets: &[PetId],
    from: DateTime<Utc>,
) -> Result<std::collections::HashSet<PetId>> {
    if pets.is_empty() {
        return Ok(Default::default());
    }
    let ids: Vec<i64> = pets.iter().map(|p| p.0).collect();
    let mut out = std::collections::HashSet::new();
    db.each(
        &format!(
            "SELECT DISTINCT pet_id FROM appointments
             WHERE pet_id IN ({}) AND status = 'programada' AND starts_at >= ?2",
            db.dialect().json_ints("?1")
        ),
        &vals![serde_json::to_string(&ids)?, ts(from)],
        |r| {
            out.insert(PetId(r.get(0)?));
            Ok(())
        },
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn appointments_are_booked_moved_listed_and_cancelled_on_each_engine() {
        on_each_engine(|db| {
            let (client, pet) = client_and_pet(db, "María");
            let now = at("2026-12-01T09:00:00Z");
            let data = AppointmentData {
                pet_id: pet,
                staff_id: None,
                starts_at: at("2026-12-10T10:30:00Z"),
                duration_min: 20,
                reason: "Revisión".into(),
                status: AppointmentStatus::Scheduled,
            };
            let id = insert(db, &data, now).unwrap();
            let a = get(db, id).unwrap();
            assert_eq!(a.data, data);
            assert_eq!((a.pet_name.as_str(), a.client_id), ("Luna", client));
            assert_eq!(a.client_name, "María Núñez");
            assert_eq!(a.staff_name, None);

            let later = AppointmentData {
                starts_at: at("2026-12-11T12:00:00Z"),
                duration_min: 30,
                ..data.clone()
            };
            update(db, id, &later, now).unwrap();
            assert_eq!(get(db, id).unwrap().data, later);
            let second = insert(db, &data, now).unwrap();
            let ids = |v: Vec<Appointment>| v.into_iter().map(|a| a.id).collect::<Vec<_>>();
            assert_eq!(
                ids(of_client(db, client).unwrap()),
                [id, second],
                "newest first"
            );
            let week = scheduled_between(
                db,
                at("2026-12-10T00:00:00Z"),
                at("2026-12-12T00:00:00Z"),
                None,
            )
            .unwrap();
            assert_eq!(ids(week), [second, id], "by start");
            assert!(scheduled_between(
                db,
                at("2026-12-10T00:00:00Z"),
                at("2026-12-12T00:00:00Z"),
                Some(StaffId(1)),
            )
            .unwrap()
            .is_empty());
            assert!(booked_from(db, pet, now).unwrap());

            cancel(db, second, now).unwrap();
            assert_eq!(
                get(db, second).unwrap().data.status,
                AppointmentStatus::Cancelled
            );
            cancel_future_of_pet(db, pet, now).unwrap();
            assert!(!booked_from(db, pet, now).unwrap());
            assert!(matches!(
                cancel(db, AppointmentId(999_999), now),
                Err(StoreError::NotFound)
            ));

            // From an import: found by its source id, rewritten, stamped.
            assert_eq!(by_source_id(db, "A-7").unwrap(), Existing::New);
            stamp_imported(db, id, "A-7", "2026-12-01T09:00:00Z").unwrap();
            assert_eq!(
                by_source_id(db, "A-7").unwrap(),
                Existing::Found {
                    id,
                    protected: false
                }
            );
            update_imported(db, id, &data, "2026-12-02T09:00:00Z").unwrap();
            assert_eq!(get(db, id).unwrap().data, data);
        });
    }
}
