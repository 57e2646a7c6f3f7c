//! The `appointments` table.

use chrono::{DateTime, Utc};
use fidelia_core::*;
use rusqlite::{params, Row};

use super::{find_source, stamp_source, Existing};
use crate::{found, parse_ts, ts, word, Db, Result, StoreError};

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

pub fn get(db: &Db, id: AppointmentId) -> Result<Appointment> {
    found(
        db.conn()
            .query_row(&format!("{SELECT} WHERE a.id = ?1"), [id.0], from_row),
    )
}

/// A client's appointments, newest first.
pub fn of_client(db: &Db, id: ClientId) -> Result<Vec<Appointment>> {
    let mut st = db.conn().prepare_cached(&format!(
        "{SELECT} WHERE c.id = ?1 ORDER BY a.starts_at DESC, a.id DESC"
    ))?;
    let rows = st
        .query_map([id.0], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn insert(db: &Db, d: &AppointmentData, now: DateTime<Utc>) -> Result<AppointmentId> {
    let conn = db.conn();
    conn.prepare_cached(
        "INSERT INTO appointments (pet_id, staff_id, starts_at, duration_min, reason, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    )?
    .execute(params![d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.starts_at), d.duration_min, d.reason, d.status.as_str(), ts(now)])?;
    Ok(AppointmentId(conn.last_insert_rowid()))
}

/// Moves or edits an appointment (not its status); `NotFound` if there is none.
pub fn update(db: &Db, id: AppointmentId, d: &AppointmentData, now: DateTime<Utc>) -> Result<()> {
    let n = db.conn().execute(
        "UPDATE appointments SET pet_id = ?2, staff_id = ?3, starts_at = ?4, duration_min = ?5, reason = ?6, updated_at = ?7 WHERE id = ?1",
        params![id.0, d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.starts_at), d.duration_min, d.reason, ts(now)],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Rewrites an appointment from an import (status included) and marks it imported `now`.
pub fn update_imported(db: &Db, id: AppointmentId, d: &AppointmentData, now: &str) -> Result<()> {
    db.conn().prepare_cached(
        "UPDATE appointments SET pet_id = ?2, staff_id = ?3, starts_at = ?4, duration_min = ?5, reason = ?6, status = ?7,
                updated_at = ?8, imported_at = ?8 WHERE id = ?1",
    )?
    .execute(params![id.0, d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.starts_at), d.duration_min, d.reason, d.status.as_str(), now])?;
    Ok(())
}

/// `NotFound` if there is no such appointment.
pub fn cancel(db: &Db, id: AppointmentId, now: DateTime<Utc>) -> Result<()> {
    let n = db.conn().execute(
        "UPDATE appointments SET status = 'cancelada', updated_at = ?2 WHERE id = ?1",
        params![id.0, ts(now)],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Cancels a pet's appointments still to come.
pub fn cancel_future_of_pet(db: &Db, pet: PetId, now: DateTime<Utc>) -> Result<()> {
    db.conn().execute(
        "UPDATE appointments SET status = 'cancelada', updated_at = ?2 WHERE pet_id = ?1 AND status = 'programada' AND starts_at >= ?2",
        params![pet.0, ts(now)],
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
    let mut st = db.conn().prepare_cached(&format!(
        "{SELECT} WHERE a.starts_at >= ?1 AND a.starts_at < ?2 AND a.status = 'programada' AND (?3 IS NULL OR a.staff_id = ?3) ORDER BY a.starts_at, a.id"
    ))?;
    let rows = st
        .query_map(params![ts(from), ts(to), staff.map(|s| s.0)], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
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
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM appointments WHERE pet_id = ?1 AND status = 'programada' AND starts_at >= ?2)",
        )?
        .query_row(params![pet.0, ts(from)], |r| r.get(0))?)
}
