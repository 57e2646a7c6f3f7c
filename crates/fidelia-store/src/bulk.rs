//! Loading many rows in one transaction (an import's bulk path): indexes and triggers set
//! aside while the rows go in, and put back from their own SQL before the transaction
//! commits. Schema changes are transactional in SQLite: a failed or cancelled load rolls them
//! back with the rows, and other connections never see the schema without them.
//!
//! While the load runs, the tables' `CHECK` constraints are not evaluated on this connection
//! (`PRAGMA ignore_check_constraints`): SQLite builds a temporary table for every `IN (…)`
//! list of a check on every row, and the values come from the domain's enums
//! (`Species::as_str`…), which cannot hold anything else. They are evaluated again as soon
//! as the load is put back or dropped.

use rusqlite::OptionalExtension;

use crate::{Db, Result, StoreError};

/// The tables an import fills row by row.
const LOADED: &[&str] = &["clients", "pets", "visits", "consent_changes"];
/// The triggers that keep each pet's last visit: set aside by every bulk load (a visit added
/// then needs no statement journal and no update of its pet, and a visit changed no search
/// of its pet's visits, whose index may be set aside too). The load keeps what they would
/// have done and does it once at the end: [`crate::tables::pets::raise_last_visits`] for the
/// visits added, [`crate::tables::pets::refresh_last_visits_of`] for the pets whose visits
/// changed.
pub const VISIT_TRIGGERS: &[&str] = &[
    "visits_last_insert",
    "visits_last_update",
    "visits_last_delete",
];

/// Sets aside what slows a bulk load of `incoming` rows: the last-visit triggers always; the
/// secondary indexes of the clients, pets and visits tables too (those the migrations made:
/// not the unique source-id ones, which the load looks records up by) when the load is at
/// least half the size of the visit table (sorting each table once then costs less than
/// inserting every row into every index).
///
/// On a server nothing is set aside: PostgreSQL's indexes take rows in bulk well, and a
/// schema change there would lock the tables against the other PCs for the whole load.
pub fn for_import<'c>(db: &Db<'c>, incoming: u64) -> Result<SetAside<'c>> {
    let Some(conn) = db.sqlite_conn() else {
        return Ok(SetAside {
            conn: None,
            sql: Vec::new(),
        });
    };
    let existing: i64 = conn.query_row("SELECT count(*) FROM visits", [], |r| r.get(0))?;
    let mut names: Vec<String> = VISIT_TRIGGERS.iter().map(|s| s.to_string()).collect();
    if incoming.saturating_mul(2) >= existing as u64 {
        let mut st = conn.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
             AND tbl_name IN (SELECT value FROM json_each(?1)) ORDER BY name",
        )?;
        let tables = serde_json::to_string(LOADED)?;
        for name in st.query_map([tables], |r| r.get::<_, String>(0))? {
            names.push(name?);
        }
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    set_aside(db, &names)
}

/// Schema objects dropped for a bulk load, to be recreated by [`SetAside::put_back`] in the
/// same transaction.
#[must_use = "what was set aside must be put back before the transaction commits"]
pub struct SetAside<'c> {
    /// `None` on a server: nothing set aside.
    conn: Option<&'c rusqlite::Connection>,
    sql: Vec<String>,
}

/// Drops the named indexes and triggers (in the current transaction), keeping their SQL, and
/// stops evaluating `CHECK` constraints until the result is put back or dropped.
pub fn set_aside<'c>(db: &Db<'c>, names: &[&str]) -> Result<SetAside<'c>> {
    let conn: &'c rusqlite::Connection = db.conn();
    let mut sql = Vec::with_capacity(names.len());
    for name in names {
        let (kind, text): (String, String) = conn
            .query_row(
                "SELECT type, sql FROM sqlite_master WHERE name = ?1 AND type IN ('index', 'trigger')",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(StoreError::NotFound)?;
        // Names come from this crate's constants, never from the user.
        conn.execute_batch(&format!("DROP {} \"{name}\"", kind.to_uppercase()))?;
        sql.push(text);
    }
    conn.pragma_update(None, "ignore_check_constraints", true)?;
    Ok(SetAside {
        conn: Some(conn),
        sql,
    })
}

impl SetAside<'_> {
    /// Nothing was set aside (a server): the triggers keep the pets' last visits themselves.
    pub fn is_empty(&self) -> bool {
        self.conn.is_none()
    }

    /// Recreates what was set aside, exactly as the migrations made it.
    pub fn put_back(self) -> Result<()> {
        let Some(conn) = self.conn else {
            return Ok(());
        };
        conn.pragma_update(None, "ignore_check_constraints", false)?;
        for s in &self.sql {
            conn.execute_batch(s)?;
        }
        Ok(())
    }
}

impl Drop for SetAside<'_> {
    fn drop(&mut self) {
        // A load that stopped halfway: its transaction rolls the schema back; the checks
        // must come back on this connection whatever happened.
        if let Some(conn) = self.conn {
            let _ = conn.pragma_update(None, "ignore_check_constraints", false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    fn schema(s: &Store) -> Vec<(String, String)> {
        s.read(|db| {
            let mut st = db.conn().prepare(
                "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name",
            )?;
            let rows = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok::<_, StoreError>(rows)
        })
        .unwrap()
    }

    #[test]
    fn what_is_set_aside_comes_back_identical_and_a_rollback_keeps_it() {
        let s = Store::open_in_memory().unwrap();
        let before = schema(&s);
        let all = [
            "visits_at",
            "visits_pet_at",
            "clients_search",
            "visits_last_insert",
        ];
        s.write(|db| {
            let aside = set_aside(db, &all)?;
            let n: i64 = db.conn().query_row(
                "SELECT count(*) FROM sqlite_master WHERE name IN ('visits_at', 'visits_pet_at', 'clients_search', 'visits_last_insert')",
                [],
                |r| r.get(0),
            )?;
            assert_eq!(n, 0);
            aside.put_back()
        })
        .unwrap();
        assert_eq!(schema(&s), before);
        // Set aside and never put back: the failed transaction restores them.
        let r: Result<()> = s.write(|db| {
            let _aside = set_aside(db, &all)?;
            Err(StoreError::NotFound)
        });
        assert!(r.is_err());
        assert_eq!(schema(&s), before);
        assert!(s
            .read(|db| set_aside(db, &["no_such_index"]).map(|_| ()))
            .is_err());
        // A load bigger than the visit table sets aside the loaded tables' own indexes, not
        // the source-id ones, and the last-visit triggers.
        s.write(|db| {
            let aside = for_import(db, 10)?;
            let left: Vec<String> = db
                .conn()
                .prepare("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name IN ('clients', 'pets', 'visits') ORDER BY name")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            assert!(left.iter().all(|n| n.starts_with("sqlite_autoindex")), "{left:?}");
            aside.put_back()
        })
        .unwrap();
        assert_eq!(schema(&s), before);
        // Checks are off while set aside, on again once put back or dropped.
        let checks = |db: &Db| -> Result<i64> {
            Ok(db
                .conn()
                .query_row("PRAGMA ignore_check_constraints", [], |r| r.get(0))?)
        };
        s.read(|db| {
            let aside = set_aside(db, &[])?;
            assert_eq!(checks(db)?, 1);
            drop(aside);
            assert_eq!(checks(db)?, 0);
            set_aside(db, &[])?.put_back()?;
            assert_eq!(checks(db)?, 0);
            Ok::<_, StoreError>(())
        })
        .unwrap();
    }
}
