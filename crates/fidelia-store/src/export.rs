//! Export of the clinic's records: one JSON document, or one CSV file per table. Written once
//! for both engines ([`crate::sql`]) but for [`dump`], which reads SQLite's schema.

use std::io::Write;
use std::path::Path;

use fidelia_core::text::spreadsheet_cell;
use rusqlite::types::ValueRef;
use serde_json::{Map, Value};

use crate::sql::Value as SqlValue;
use crate::{tables, Db, Result};

/// The tables exported: the clinic's records.
pub use crate::tables::RECORDS as TABLES;

/// Columns kept out of exports: derived data.
const DERIVED: &[&str] = &["search_key", "sort_key"];

/// A column's value as JSON (a blob as its length).
pub(crate) fn json_of(v: &SqlValue) -> Value {
    match v {
        SqlValue::Null => Value::Null,
        SqlValue::Int(i) => Value::from(*i),
        SqlValue::Real(f) => Value::from(*f),
        SqlValue::Text(t) => Value::from(t.as_ref()),
        SqlValue::Blob(b) => Value::from(b.len()),
    }
}

pub(crate) fn json_value(v: ValueRef) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::from(b.len()),
    }
}

/// Calls `row` with the column names and each row's values, for every row of `table`.
fn each_row(
    db: &Db,
    table: &str,
    mut row: impl FnMut(&[String], Vec<Value>) -> Result<()>,
) -> Result<()> {
    assert!(TABLES.contains(&table), "only known tables are exported");
    let sql = format!("SELECT * FROM {table} ORDER BY id");
    let names = db.columns(&sql)?;
    let keep: Vec<usize> = (0..names.len())
        .filter(|i| !DERIVED.contains(&names[*i].as_str()))
        .collect();
    let kept_names: Vec<String> = keep.iter().map(|i| names[*i].clone()).collect();
    db.each(&sql, &[], |r| {
        let values = keep.iter().map(|i| json_of(&r.values()[*i])).collect();
        row(&kept_names, values)
    })
}

/// Writes `{ "settings": {...}, "staff": [...], "clients": [...], ... }`.
pub fn json(db: &Db, out: &mut impl Write) -> Result<()> {
    let mut doc = Map::new();
    doc.insert(
        "settings".into(),
        serde_json::to_value(tables::settings::read(db)?)?,
    );
    for t in TABLES {
        let mut items = Vec::new();
        each_row(db, t, |names, values| {
            items.push(Value::Object(names.iter().cloned().zip(values).collect()));
            Ok(())
        })?;
        doc.insert((*t).into(), Value::Array(items));
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Writes `<dir>/<table>.csv` for every table (UTF-8, comma-separated, header row). A text
/// beginning like a formula (`=`, `+`, `-`, `@`) gets a leading apostrophe, so a spreadsheet
/// shows it and never runs it (phones in international form read `'+34…`).
pub fn csv(db: &Db, dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut files = Vec::new();
    for t in TABLES {
        let path = dir.join(format!("{t}.csv"));
        let mut w = csv::Writer::from_path(&path)?;
        let mut header_written = false;
        let mut header: Vec<String> = Vec::new();
        each_row(db, t, |names, values| {
            if !header_written {
                w.write_record(names)?;
                header_written = true;
            }
            // Text that a spreadsheet would run as a formula is written as text.
            w.write_record(values.iter().map(|v| match v {
                Value::Null => String::new(),
                Value::String(s) => spreadsheet_cell(s).into_owned(),
                other => other.to_string(),
            }))?;
            header = names.to_vec();
            Ok(())
        })?;
        if !header_written {
            // An empty table still gets its header, read from the schema.
            let names: Vec<String> = db
                .columns(&format!("SELECT * FROM {t}"))?
                .into_iter()
                .filter(|n| !DERIVED.contains(&n.as_str()))
                .collect();
            w.write_record(&names)?;
        }
        w.flush()?;
        files.push(path);
    }
    Ok(files)
}

/// Everything the database holds, as text: the schema (tables, indexes, triggers) and every
/// row of every table in primary-key order (not SQLite's hidden rowid, which a copy of the
/// clinic does not keep for a table keyed by text), derived columns included. Two databases with the same
/// dump hold the same content (tests: the bulk and row paths of an import, a cancelled
/// import).
pub fn dump(db: &Db) -> Result<String> {
    let conn = db.conn();
    let mut out = String::new();
    let mut st = conn.prepare(
        "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master
         WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name",
    )?;
    let schema = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut tables = Vec::new();
    for s in schema {
        let (kind, name, table, sql) = s?;
        out.push_str(&format!("{kind} {name} on {table}: {sql}\n"));
        if kind == "table" && !name.starts_with("sqlite_") {
            tables.push(name);
        }
    }
    for t in tables {
        out.push_str(&format!("-- {t}\n"));
        let key = crate::copy::TABLES
            .iter()
            .find(|(name, _)| *name == t)
            .map_or("rowid", |(_, key)| key);
        let mut st = conn.prepare(&format!("SELECT * FROM \"{t}\" ORDER BY {key}"))?;
        let n = st.column_count();
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let values = (0..n)
                .map(|i| r.get_ref(i).map(|v| json_value(v).to_string()))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            out.push_str(&values.join("|"));
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn records_export_as_json_and_csv_on_each_engine() {
        on_each_engine(|db| {
            let (client, pet) = client_and_pet(db, "=HYPERLINK(\"x\")");
            let mut out = Vec::new();
            json(db, &mut out).unwrap();
            let doc: Value = serde_json::from_slice(&out).unwrap();
            let c = &doc["clients"][0];
            assert_eq!(c["id"], client.0);
            assert_eq!(c["first_name"], "=HYPERLINK(\"x\")");
            assert_eq!(c["consent_care"], 1);
            assert!(
                c.get("search_key").is_none(),
                "derived columns are left out"
            );
            assert_eq!(doc["pets"][0]["id"], pet.0);
            assert_eq!(doc["visits"], Value::Array(vec![]));
            assert!(doc["settings"].is_object());

            let dir = std::env::temp_dir().join(format!(
                "fidelia-export-{}-{}",
                std::process::id(),
                client.0
            ));
            let files = csv(db, &dir).unwrap();
            assert_eq!(files.len(), TABLES.len());
            let clients = std::fs::read_to_string(dir.join("clients.csv")).unwrap();
            let header = clients.lines().next().unwrap();
            assert!(header.starts_with("id,first_name,surnames") && !header.contains("search_key"));
            assert!(
                clients.contains("'=HYPERLINK"),
                "a formula is written as text: {clients}"
            );
            let visits = std::fs::read_to_string(dir.join("visits.csv")).unwrap();
            assert!(
                visits.starts_with("id,pet_id,staff_id,at"),
                "an empty table has its header"
            );
            let _ = std::fs::remove_dir_all(&dir);
        });
    }
}
