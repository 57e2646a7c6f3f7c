//! Export of the clinic's records: one JSON document, or one CSV file per table.

use std::io::Write;
use std::path::Path;

use rusqlite::types::ValueRef;
use serde_json::{Map, Value};

use crate::{Result, Store};

/// The tables exported, in an order where every reference points backwards.
pub const TABLES: &[&str] = &[
    "staff",
    "clients",
    "pets",
    "visits",
    "appointments",
    "preventive_treatments",
];

/// Columns kept out of exports: derived data.
const DERIVED: &[&str] = &["search_key", "sort_key"];

fn json_value(v: ValueRef) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::from(b.len()),
    }
}

impl Store {
    /// Calls `row` with the column names and each row's values, for every row of `table`.
    fn each_row(
        &self,
        table: &str,
        mut row: impl FnMut(&[String], Vec<Value>) -> Result<()>,
    ) -> Result<()> {
        assert!(TABLES.contains(&table), "only known tables are exported");
        let conn = self.conn();
        let mut st = conn.prepare(&format!("SELECT * FROM {table} ORDER BY id"))?;
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
    pub fn export_json(&self, out: &mut impl Write) -> Result<()> {
        let mut doc = Map::new();
        doc.insert("settings".into(), serde_json::to_value(self.settings()?)?);
        for t in TABLES {
            let mut items = Vec::new();
            self.each_row(t, |names, values| {
                items.push(Value::Object(names.iter().cloned().zip(values).collect()));
                Ok(())
            })?;
            doc.insert((*t).into(), Value::Array(items));
        }
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")?;
        Ok(())
    }

    /// Writes `<dir>/<table>.csv` for every table (UTF-8, comma-separated, header row).
    pub fn export_csv(&self, dir: &Path) -> Result<Vec<std::path::PathBuf>> {
        std::fs::create_dir_all(dir)?;
        let mut files = Vec::new();
        for t in TABLES {
            let path = dir.join(format!("{t}.csv"));
            let mut w = csv::Writer::from_path(&path)?;
            let mut header_written = false;
            let mut header: Vec<String> = Vec::new();
            self.each_row(t, |names, values| {
                if !header_written {
                    w.write_record(names)?;
                    header_written = true;
                }
                w.write_record(values.iter().map(|v| match v {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                }))?;
                header = names.to_vec();
                Ok(())
            })?;
            if !header_written {
                // An empty table still gets its header, read from the schema.
                let conn = self.conn();
                let st = conn.prepare(&format!("SELECT * FROM {t} LIMIT 0"))?;
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
}

#[cfg(test)]
mod tests {
    use crate::test_util::*;

    #[test]
    fn json_export_holds_every_record() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        pet(&s, c.id, "Luna");
        let mut out = Vec::new();
        s.export_json(&mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["clients"][0]["surnames"], "Núñez");
        assert_eq!(v["pets"][0]["name"], "Luna");
        assert!(
            v["clients"][0].get("search_key").is_none(),
            "derived columns are not exported"
        );
        assert_eq!(v["visits"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn csv_export_writes_a_file_per_table_with_quotes_where_needed() {
        let s = store();
        let c = client(&s, "María", "Núñez, \"la del perro\"", "612 345 678");
        pet(&s, c.id, "Luna");
        let dir = std::env::temp_dir().join(format!("fidelia-export-{}", std::process::id()));
        let files = s.export_csv(&dir).unwrap();
        assert_eq!(files.len(), crate::export::TABLES.len());
        let mut r = csv::Reader::from_path(dir.join("clients.csv")).unwrap();
        let row = r.records().next().unwrap().unwrap();
        let header = r.headers().unwrap().clone();
        let surnames = header.iter().position(|h| h == "surnames").unwrap();
        assert_eq!(
            &row[surnames], "Núñez, \"la del perro\"",
            "the CSV round-trips separators and quotes"
        );
        let visits = std::fs::read_to_string(dir.join("visits.csv")).unwrap();
        assert!(
            visits.starts_with("id,pet_id,staff_id,at"),
            "an empty table still has its header: {visits}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
