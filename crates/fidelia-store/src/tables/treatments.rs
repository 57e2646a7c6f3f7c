//! The `preventive_treatments` table: vaccines and dewormings applied, with their next due date.

use chrono::NaiveDate;
use fidelia_core::PetId;
use rusqlite::{params, OptionalExtension};

use crate::{day, Db, Result};

/// A treatment's stored values: pet, kind, product, applied on, next due on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Treatment {
    pub pet: PetId,
    pub kind: String,
    pub product: String,
    pub applied_on: NaiveDate,
    pub next_due_on: Option<NaiveDate>,
}

/// A treatment's row: id, entered by hand, pet, kind, product, applied on, next due on.
type Row = (
    i64,
    bool,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// The treatment imported with this source id: its id, whether it was entered by hand, and
/// its values.
pub fn by_source_id(db: &Db, sid: &str) -> Result<Option<(i64, bool, Treatment)>> {
    let row: Option<Row> = db
        .conn()
        .prepare_cached(
            "SELECT id, origin = 'manual', pet_id, kind, product, applied_on, next_due_on
             FROM preventive_treatments WHERE source_id = ?1",
        )?
        .query_row([sid], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .optional()?;
    row.map(|(id, manual, pet, kind, product, applied, next)| {
        Ok((
            id,
            manual,
            Treatment {
                pet: PetId(pet),
                kind,
                product,
                applied_on: crate::parse_day(applied)?.unwrap_or_default(),
                next_due_on: crate::parse_day(next)?,
            },
        ))
    })
    .transpose()
    .map_err(|e: rusqlite::Error| e.into())
}

/// Inserts a treatment read from an import.
pub fn insert_imported(db: &Db, t: &Treatment, sid: &str, now: &str) -> Result<()> {
    db.conn().prepare_cached(
        "INSERT INTO preventive_treatments (pet_id, kind, product, applied_on, next_due_on, source_id, origin, imported_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'import', ?7, ?7)",
    )?
    .execute(params![t.pet.0, t.kind, t.product, day(t.applied_on), t.next_due_on.map(day), sid, now])?;
    Ok(())
}

/// Rewrites a treatment from an import.
pub fn update_imported(db: &Db, id: i64, t: &Treatment, now: &str) -> Result<()> {
    db.conn().prepare_cached(
        "UPDATE preventive_treatments SET pet_id = ?2, kind = ?3, product = ?4, applied_on = ?5, next_due_on = ?6, imported_at = ?7 WHERE id = ?1",
    )?
    .execute(params![id, t.pet.0, t.kind, t.product, day(t.applied_on), t.next_due_on.map(day), now])?;
    Ok(())
}

/// Records an application entered in Fidelia; returns its id.
pub fn insert(
    db: &Db,
    t: &Treatment,
    notes: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64> {
    let conn = db.conn();
    conn.prepare_cached(
        "INSERT INTO preventive_treatments (pet_id, kind, product, applied_on, next_due_on, notes, origin, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'manual', ?7)",
    )?
    .execute(params![t.pet.0, t.kind, t.product, day(t.applied_on), t.next_due_on.map(day), notes, crate::ts(now)])?;
    Ok(conn.last_insert_rowid())
}

/// A treatment falling due: the latest application of its kind for a living pet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Due {
    pub pet_id: PetId,
    pub pet_name: String,
    pub client_id: fidelia_core::ClientId,
    pub kind: String,
    pub product: String,
    pub applied_on: NaiveDate,
    pub due_on: NaiveDate,
}

/// Treatments due between `from` and `to` (inclusive), soonest first: for each living pet and
/// kind, only the latest application counts (a newer one replaces what the older one set).
pub fn due_between(db: &Db, from: NaiveDate, to: NaiveDate) -> Result<Vec<Due>> {
    let mut st = db.conn().prepare_cached(
        "SELECT t.pet_id, p.name, p.client_id, t.kind, t.product, t.applied_on, t.next_due_on
         FROM preventive_treatments t JOIN pets p ON p.id = t.pet_id
         WHERE p.deceased_on IS NULL AND t.next_due_on BETWEEN ?1 AND ?2
           AND NOT EXISTS (SELECT 1 FROM preventive_treatments n
                           WHERE n.pet_id = t.pet_id AND n.kind = t.kind
                             AND (n.applied_on > t.applied_on OR (n.applied_on = t.applied_on AND n.id > t.id)))
         ORDER BY t.next_due_on, p.name, t.id",
    )?;
    let rows = st
        .query_map(params![day(from), day(to)], |r| {
            Ok(Due {
                pet_id: PetId(r.get(0)?),
                pet_name: r.get(1)?,
                client_id: fidelia_core::ClientId(r.get(2)?),
                kind: r.get(3)?,
                product: r.get(4)?,
                applied_on: crate::parse_day(r.get(5)?)?.unwrap_or_default(),
                due_on: crate::parse_day(r.get(6)?)?.unwrap_or_default(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
