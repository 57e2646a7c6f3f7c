//! A whole clinic from one database to another (issue 16): from this PC's SQLite file to the
//! clinic's new server database, and back. Every table, every row with its id, in one
//! transaction on the receiving side; then each table's row count and checksum on both sides.
//!
//! Written once for both engines: the rows are read a page at a time by primary key (memory
//! stays flat on a decade of visits) and written by plain `INSERT`s on SQLite, by `COPY` on a
//! server (one statement per page instead of one per row).

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::sql::Value;
use crate::{Db, Result, StoreError};

/// Every table of a clinic with its primary key, each after the tables it points at (the
/// order rows are copied in).
pub const TABLES: &[(&str, &str)] = &[
    ("settings", "key"),
    ("staff", "id"),
    ("clients", "id"),
    ("consent_changes", "id"),
    ("pets", "id"),
    ("visits", "id"),
    ("appointments", "id"),
    ("preventive_treatments", "id"),
    ("calls", "id"),
    ("call_attempts", "id"),
    ("messages", "id"),
    ("message_items", "item_key"),
    ("surveys", "id"),
    ("letters", "id"),
    ("coupons", "id"),
    ("winback_cases", "id"),
    ("audit_log", "id"),
    ("import_mappings", "signature"),
    ("import_runs", "id"),
    ("pcs", "id"),
    ("call_notices", "id"),
];

/// Rows read at a time.
const PAGE: usize = 5_000;

/// One table as found on one side: its rows and a checksum of their content (every column,
/// in primary-key order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TableSum {
    pub rows: i64,
    pub sha256: String,
}

/// Each table's [`TableSum`], by name.
pub type Sums = BTreeMap<String, TableSum>;

/// Reads `table` a page at a time in primary-key order; `f` sees each page's rows.
fn pages(
    db: &Db,
    table: &str,
    key: &str,
    mut f: impl FnMut(&[Vec<Value<'static>>]) -> Result<()>,
) -> Result<()> {
    let columns = db.columns(&format!("SELECT * FROM {table}"))?;
    let at = columns
        .iter()
        .position(|c| c == key)
        .ok_or_else(|| StoreError::Column(format!("{table} has no column {key}")))?;
    let mut after: Option<Value<'static>> = None;
    loop {
        let (filter, params) = match &after {
            Some(v) => (format!("WHERE {key} > ?1"), vec![v.clone()]),
            None => (String::new(), Vec::new()),
        };
        let sql = format!("SELECT * FROM {table} {filter} ORDER BY {key} LIMIT {PAGE}");
        let rows: Vec<Vec<Value<'static>>> =
            db.map_rows(&sql, &params, |r| Ok(r.values().to_vec()))?;
        if rows.is_empty() {
            return Ok(());
        }
        f(&rows)?;
        if rows.len() < PAGE {
            return Ok(());
        }
        after = rows.last().map(|r| r[at].clone());
    }
}

/// Each table's rows and checksum.
pub fn sums(db: &Db) -> Result<Sums> {
    let mut out = Sums::new();
    for (table, key) in TABLES {
        let mut hash = Sha256::new();
        let mut rows = 0;
        pages(db, table, key, |page| {
            for row in page {
                rows += 1;
                for v in row {
                    digest(&mut hash, v);
                }
            }
            Ok(())
        })?;
        let sha256 = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        out.insert(table.to_string(), TableSum { rows, sha256 });
    }
    Ok(out)
}

/// A value into the checksum, its kind and length first (no two rows hash alike by
/// shifting text between columns).
fn digest(hash: &mut Sha256, v: &Value) {
    let (kind, bytes): (u8, std::borrow::Cow<[u8]>) = match v {
        Value::Null => (0, (&[][..]).into()),
        Value::Int(i) => (1, i.to_le_bytes().to_vec().into()),
        Value::Real(r) => (2, r.to_le_bytes().to_vec().into()),
        Value::Text(t) => (3, t.as_bytes().into()),
        Value::Blob(b) => (4, b.as_ref().into()),
    };
    hash.update([kind]);
    hash.update((bytes.len() as u64).to_le_bytes());
    hash.update(&bytes);
}

/// How many rows the clinic's tables hold, all together.
pub fn rows(db: &Db) -> Result<i64> {
    let mut n = 0;
    for (table, _) in TABLES {
        n += db.value::<i64>(&format!("SELECT count(*) FROM {table}"), &[])?;
    }
    Ok(n)
}

/// Whether every table of the database is empty (a server database just made, or a new
/// file): the only kind a clinic is copied into.
pub fn is_empty(db: &Db) -> Result<bool> {
    for (table, _) in TABLES {
        if db
            .row(&format!("SELECT 1 FROM {table} LIMIT 1"), &[])?
            .is_some()
        {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Copies every row of every table from `from` to `to`, ids included, inside `to`'s
/// transaction; `to` must be empty. On a server, each table's id sequence then continues
/// after the highest id copied. The last-visit triggers are set aside while the visits go in
/// (each pet's last visit is copied with it).
pub fn clinic(from: &Db, to: &Db) -> Result<()> {
    if !is_empty(to)? {
        return Err(StoreError::Refused(
            "the database to copy the clinic into is not empty".into(),
        ));
    }
    // SQLite drops the triggers and makes them again; a server turns them off for this
    // transaction's table (this database is new: nobody else uses it yet).
    let aside = match to.sqlite_conn() {
        Some(_) => Some(crate::bulk::set_aside(to, crate::bulk::VISIT_TRIGGERS)?),
        None => {
            to.execute("ALTER TABLE visits DISABLE TRIGGER USER", &[])?;
            None
        }
    };
    for (table, key) in TABLES {
        let columns = from.columns(&format!("SELECT * FROM {table}"))?;
        let theirs = to.columns(&format!("SELECT * FROM {table}"))?;
        if columns != theirs {
            return Err(StoreError::Refused(format!(
                "the table {table} differs between the two databases: {columns:?} / {theirs:?}"
            )));
        }
        pages(from, table, key, |rows| {
            to.insert_rows(table, &columns, rows)
        })?;
        if *key == "id" {
            to.continue_ids(table)?;
        }
    }
    match aside {
        Some(aside) => aside.put_back(),
        None => {
            to.execute("ALTER TABLE visits ENABLE TRIGGER USER", &[])?;
            // The planner's statistics of the tables just filled: without them, until the
            // server's autovacuum comes by, it plans every query as for empty tables.
            to.execute("ANALYZE", &[])?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use crate::vals;

    /// The list names every table of the schema, each with its primary key, after every
    /// table it points at.
    #[test]
    fn the_tables_are_all_there_in_an_order_that_keeps_foreign_keys() {
        let s = store();
        s.read(|db| {
            let schema: Vec<String> = db.map_rows(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                &[],
                |r| r.get(0),
            )?;
            let mut listed: Vec<String> = TABLES.iter().map(|(t, _)| t.to_string()).collect();
            listed.sort();
            assert_eq!(listed, schema);
            for (i, (table, key)) in TABLES.iter().enumerate() {
                let pk: Vec<String> = db.map_rows(
                    "SELECT name FROM pragma_table_info(?1) WHERE pk > 0",
                    &vals![*table],
                    |r| r.get(0),
                )?;
                assert_eq!(pk, [*key], "{table}");
                let parents: Vec<String> = db.map_rows(
                    "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)",
                    &vals![*table],
                    |r| r.get(0),
                )?;
                for p in parents {
                    let at = TABLES.iter().position(|(t, _)| *t == p).unwrap();
                    assert!(at < i, "{table} comes before {p}, which it points at");
                }
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
    }

    /// A clinic goes from SQLite to the server and back: every value as it was (NULL and
    /// empty text apart, quotes, commas, line breaks, accents), the same sums on the three
    /// databases, and the server's next id after the highest copied. A non-empty database
    /// is refused.
    #[test]
    fn a_clinic_copies_to_the_server_and_back_with_the_same_sums() {
        let lite = store();
        let awkward = "Ana \"la\", de\nPeña; =SUM(A1) <b>ñ</b> \\x00";
        lite.write(|db| {
            let (client, pet) = client_and_pet(db, awkward);
            db.execute(
                "UPDATE clients SET email = '', erased_at = NULL WHERE id = ?1",
                &vals![client.0],
            )?;
            for day in 1..=9 {
                visit(
                    db,
                    pet,
                    &format!("2026-0{day}-01T10:00:00Z"),
                    Some(day * 1000),
                );
            }
            another_pet(db, client, "Michi");
            client_and_pet(db, "Luis");
            db.execute(
                "INSERT INTO settings (key, value) VALUES ('clinic_name', 'Clínica \"San Antón\"')",
                &[],
            )?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
        let before = lite.read(sums).unwrap();
        assert_eq!(before["visits"].rows, 9);
        assert_eq!(before["clients"].rows, 2);
        // A database of its own: the id sequences are shared by every transaction.
        let Some(url) =
            crate::server::test_database(&format!("fidelia_copy_{}", std::process::id()))
        else {
            return;
        };
        let mut client = crate::server::connect(&url).unwrap();
        crate::server::migrate(&mut client).unwrap();
        let tx = client.transaction().unwrap();
        let session = std::cell::RefCell::new(tx);
        let server = Db::pg(&session, None);
        lite.read(|from| clinic(from, &server)).unwrap();
        assert_eq!(sums(&server).unwrap(), before);
        let name: String = server
            .value("SELECT first_name FROM clients WHERE id = 1", &[])
            .unwrap();
        assert_eq!(name, awkward);
        let (email, erased): (Option<String>, Option<String>) = server
            .row("SELECT email, erased_at FROM clients WHERE id = 1", &[])
            .and_then(|r| {
                let r = r.ok_or(StoreError::NotFound)?;
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((email.as_deref(), erased), (Some(""), None));
        let (_, pet) = client_and_pet(&server, "Nueva");
        assert_eq!(pet.0, 4, "ids continue after the highest copied");
        server
            .execute("DELETE FROM pets WHERE id = 4", &[])
            .unwrap();
        server
            .execute("DELETE FROM clients WHERE first_name = 'Nueva'", &[])
            .unwrap();
        // Into a database that holds a clinic: refused, nothing written.
        assert!(matches!(
            lite.read(|from| clinic(from, &server)),
            Err(StoreError::Refused(_))
        ));
        // And back, into a new file.
        let back = store();
        back.write(|to| clinic(&server, to)).unwrap();
        assert_eq!(back.read(sums).unwrap(), before);
        drop(server);
        session.into_inner().rollback().unwrap();
    }
}
