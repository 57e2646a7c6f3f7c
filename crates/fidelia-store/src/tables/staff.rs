//! The `staff` table.

use fidelia_core::{Role, Staff, StaffData, StaffId};
use rusqlite::{params, Row};

use crate::{found, word, Db, Result, StoreError};

const COLUMNS: &str = "id, name, role, active";

fn from_row(r: &Row) -> rusqlite::Result<Staff> {
    Ok(Staff {
        id: StaffId(r.get(0)?),
        data: StaffData {
            name: r.get(1)?,
            role: word(r.get(2)?, Role::parse)?,
            active: r.get(3)?,
        },
    })
}

pub fn get(db: &Db, id: StaffId) -> Result<Staff> {
    found(db.conn().query_row(
        &format!("SELECT {COLUMNS} FROM staff WHERE id = ?1"),
        [id.0],
        from_row,
    ))
}

/// Everyone, active first, then by name.
pub fn all(db: &Db) -> Result<Vec<Staff>> {
    listed(db, "active DESC, name")
}

/// Everyone, active first, then oldest first (the import matches names in this order).
pub fn all_by_age(db: &Db) -> Result<Vec<Staff>> {
    listed(db, "active DESC, id")
}

fn listed(db: &Db, order: &str) -> Result<Vec<Staff>> {
    let mut st = db
        .conn()
        .prepare(&format!("SELECT {COLUMNS} FROM staff ORDER BY {order}"))?;
    let rows = st
        .query_map([], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn insert(db: &Db, d: &StaffData) -> Result<StaffId> {
    let conn = db.conn();
    conn.prepare_cached("INSERT INTO staff (name, role, active) VALUES (?1, ?2, ?3)")?
        .execute(params![d.name, d.role.as_str(), d.active])?;
    Ok(StaffId(conn.last_insert_rowid()))
}

/// `NotFound` if there is no such staff member.
pub fn update(db: &Db, id: StaffId, d: &StaffData) -> Result<()> {
    let n = db.conn().execute(
        "UPDATE staff SET name = ?2, role = ?3, active = ?4 WHERE id = ?1",
        params![id.0, d.name, d.role.as_str(), d.active],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
