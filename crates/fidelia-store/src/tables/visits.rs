//! The `visits` table.

use chrono::{DateTime, Utc};
use fidelia_core::*;
use rusqlite::{params, Row};

use super::{find_source, Existing};
use crate::{found, parse_ts, ts, word, Db, Result, StoreError};

const SELECT: &str = "SELECT v.id, v.pet_id, v.staff_id, v.at, v.kind, v.severity, v.reason, v.amount_cents, p.name, s.name
                      FROM visits v JOIN pets p ON p.id = v.pet_id LEFT JOIN staff s ON s.id = v.staff_id";

fn from_row(r: &Row) -> rusqlite::Result<Visit> {
    Ok(Visit {
        id: VisitId(r.get(0)?),
        data: VisitData {
            pet_id: PetId(r.get(1)?),
            staff_id: r.get::<_, Option<i64>>(2)?.map(StaffId),
            at: parse_ts(&r.get::<_, String>(3)?)?,
            kind: word(r.get(4)?, VisitKind::parse)?,
            severity: word(r.get(5)?, Severity::parse)?,
            reason: r.get(6)?,
            amount_cents: r.get(7)?,
        },
        pet_name: r.get(8)?,
        staff_name: r.get(9)?,
    })
}

pub fn get(db: &Db, id: VisitId) -> Result<Visit> {
    found(
        db.conn()
            .prepare_cached(&format!("{SELECT} WHERE v.id = ?1"))?
            .query_row([id.0], from_row),
    )
}

/// A client's visits, newest first.
pub fn of_client(db: &Db, id: ClientId) -> Result<Vec<Visit>> {
    let mut st = db.conn().prepare_cached(&format!(
        "{SELECT} WHERE p.client_id = ?1 ORDER BY v.at DESC, v.id DESC"
    ))?;
    let rows = st
        .query_map([id.0], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn insert(db: &Db, d: &VisitData, now: DateTime<Utc>) -> Result<VisitId> {
    insert_from(db, d, &ts(now), None)
}

/// Inserts a visit; with `source_id`, as imported from the practice-management system (one
/// write, rather than an insert then a stamp: imports write hundreds of thousands).
pub fn insert_from(db: &Db, d: &VisitData, now: &str, source_id: Option<&str>) -> Result<VisitId> {
    let conn = db.conn();
    conn.prepare_cached(
        "INSERT INTO visits (pet_id, staff_id, at, kind, severity, reason, amount_cents, created_at, updated_at, source_id, origin, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, CASE WHEN ?9 IS NULL THEN 'manual' ELSE 'import' END, CASE WHEN ?9 IS NULL THEN NULL ELSE ?8 END)",
    )?
    .execute(params![d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.at), d.kind.as_str(), d.severity.as_str(), d.reason, d.amount_cents, now, source_id])?;
    Ok(VisitId(conn.last_insert_rowid()))
}

/// Inserts a visit from an import unless one with this source id exists: its id, or `None`
/// when the source id is taken (the caller then compares with the existing one). One
/// statement where a lookup and an insert were two.
pub fn insert_imported_new(
    db: &Db,
    d: &VisitData,
    now: &str,
    source_id: &str,
) -> Result<Option<VisitId>> {
    let conn = db.conn();
    // Not `RETURNING`: SQLite gathers its rows in a temporary table, a cost on every row.
    let inserted = conn.prepare_cached(
        "INSERT INTO visits (pet_id, staff_id, at, kind, severity, reason, amount_cents, created_at, updated_at, source_id, origin, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, 'import', ?8)
         ON CONFLICT (source_id) DO NOTHING",
    )?
    .execute(params![d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.at), d.kind.as_str(), d.severity.as_str(), d.reason, d.amount_cents, now, source_id])?;
    Ok((inserted == 1).then(|| VisitId(conn.last_insert_rowid())))
}

/// `NotFound` if there is no such visit.
pub fn update(db: &Db, id: VisitId, d: &VisitData, now: DateTime<Utc>) -> Result<()> {
    let n = db.conn().prepare_cached(
        "UPDATE visits SET pet_id = ?2, staff_id = ?3, at = ?4, kind = ?5, severity = ?6, reason = ?7, amount_cents = ?8, updated_at = ?9 WHERE id = ?1",
    )?
    .execute(params![id.0, d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.at), d.kind.as_str(), d.severity.as_str(), d.reason, d.amount_cents, ts(now)])?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Rewrites a visit from an import and marks it imported `now`.
pub fn update_imported(db: &Db, id: VisitId, d: &VisitData, now: &str) -> Result<()> {
    db.conn().prepare_cached(
        "UPDATE visits SET pet_id = ?2, staff_id = ?3, at = ?4, kind = ?5, severity = ?6, reason = ?7, amount_cents = ?8,
                updated_at = ?9, imported_at = ?9 WHERE id = ?1",
    )?
    .execute(params![id.0, d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.at), d.kind.as_str(), d.severity.as_str(), d.reason, d.amount_cents, now])?;
    Ok(())
}

/// `NotFound` if there is no such visit.
pub fn delete(db: &Db, id: VisitId) -> Result<()> {
    if db
        .conn()
        .execute("DELETE FROM visits WHERE id = ?1", [id.0])?
        == 0
    {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// See [`super::Existing`].
pub fn by_source_id(db: &Db, sid: &str) -> Result<Existing<VisitId>> {
    find_source(db, "visits", sid, VisitId)
}
