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
