//! Export of the clinic's records: one JSON document, or one CSV file per table.

use std::io::Write;
use std::path::Path;

use fidelia_core::text::spreadsheet_cell;
use rusqlite::types::ValueRef;
use serde_json::{Map, Value};

use crate::{tables, Db, Result};

/// The tables exported: the clinic's records.
pub use crate::tables::RECORDS as TABLES;

/// Columns kept out of exports: derived data.
const DERIVED: &[&str] = &["search_key", "sort_key"];

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
    let mut st = db
        .conn()
        .prepare(&format!("SELECT * FROM {table} ORDER BY id"))?;
    let names: Vec<String> = st.column_names().into_iter().map(str::to_owned).collect();
    let keep: Vec<usize> = (0..names.len())
        .filter(|i| !DERIVED.contains(&names[*i].as_str()))
        .collect();
    let kept_names: Vec<String> = keep.iter().map(|i| names[*i].clone()).collect();
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let values = keep
            .iter()
            .map(|i| r.get_ref(*i).map(json_value))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        row(&kept_names, values)?;
    }
    Ok(())
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
            let st = db.conn().prepare(&format!("SELECT * FROM {t} LIMIT 0"))?;
            let names: Vec<&str> = st
                .column_names()
                .into_iter()
                .filter(|n| !DERIVED.contains(n))
                .collect();
            w.write_record(&names)?;
        }
        w.flush()?;
        files.push(path);
    }
    Ok(files)
}

/// Everything the database holds, as text: the schema (tables, indexes, triggers) and every
/// row of every table in rowid order, derived columns included. Two databases with the same
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
        let mut st = conn.prepare(&format!("SELECT * FROM \"{t}\" ORDER BY rowid"))?;
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
