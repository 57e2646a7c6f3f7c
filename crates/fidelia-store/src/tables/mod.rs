//! One module per table: its SQL, its row type, its get / insert / update and its queries.
//! A table module never calls another table module; what spans tables is an operation, in
//! `fidelia-ops`. (A query may still read a joined table for what it lists, such as a call's
//! client name, or a derived column, such as a client's search key, which holds pets' names.)

pub mod appointments;
pub mod audit;
pub mod calls;
pub mod clients;
pub mod consents;
pub mod coupons;
pub mod import_runs;
pub mod letters;
pub mod mappings;
pub mod messages;
pub mod pcs;
pub mod pets;
pub mod settings;
pub mod staff;
pub mod surveys;
pub mod treatments;
pub mod visits;
pub mod winback;

use crate::{vals, Db, Result};

/// A record looked up by the id it has in the practice-management system (`source_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing<I> {
    New,
    /// `protected`: entered in Fidelia, or edited by hand since it was last imported.
    Found {
        id: I,
        protected: bool,
    },
}

/// The tables whose records carry a `source_id`.
const IMPORTED: &[&str] = &["clients", "pets", "visits", "appointments"];

pub(crate) fn find_source<I>(
    db: &Db,
    table: &str,
    sid: &str,
    wrap: fn(i64) -> I,
) -> Result<Existing<I>> {
    debug_assert!(IMPORTED.contains(&table));
    let sql = format!("SELECT id, origin = 'manual' OR (imported_at IS NOT NULL AND updated_at > imported_at) FROM {table} WHERE source_id = ?1");
    Ok(match db.row(&sql, &vals![sid])? {
        None => Existing::New,
        Some(r) => Existing::Found {
            id: wrap(r.get(0)?),
            protected: r.get(1)?,
        },
    })
}

pub(crate) fn stamp_source(db: &Db, table: &str, id: i64, sid: &str, now: &str) -> Result<()> {
    debug_assert!(IMPORTED.contains(&table));
    // A client's record carries a version (one more at every change).
    let bump = if table == "clients" {
        ", version = version + 1"
    } else {
        ""
    };
    let sql = format!("UPDATE {table} SET source_id = ?2, origin = 'import', imported_at = ?3, updated_at = ?3{bump} WHERE id = ?1");
    db.execute(&sql, &vals![id, sid, now])?;
    Ok(())
}

/// The clinic's records, in an order where every reference points backwards (what an
/// export holds).
pub const RECORDS: &[&str] = &[
    "staff",
    "clients",
    "pets",
    "visits",
    "appointments",
    "preventive_treatments",
];

/// What Fidelia did with the records: calls and their attempts, letters, coupons (children
/// first).
const ACTIVITY: &[&str] = &[
    "import_runs",
    "winback_cases",
    "surveys",
    "consent_changes",
    "message_items",
    "messages",
    "coupons",
    "letters",
    "call_attempts",
    "calls",
];

/// How many records `table` holds.
pub fn count(db: &Db, table: &str) -> Result<i64> {
    assert!(
        RECORDS.contains(&table) || ACTIVITY.contains(&table) || table == "settings",
        "unknown table {table}"
    );
    db.value(&format!("SELECT count(*) FROM {table}"), &[])
}

/// Deletes every record of every table, settings included (not the import mappings: they are
/// about the files, not the clinic).
pub fn wipe(db: &Db) -> Result<()> {
    for table in ACTIVITY
        .iter()
        .chain(RECORDS.iter().rev())
        .chain(&["settings"])
    {
        db.execute(&format!("DELETE FROM {table}"), &[])?;
    }
    Ok(())
}
