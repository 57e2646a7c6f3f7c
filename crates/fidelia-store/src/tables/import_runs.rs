//! The `import_runs` table: the import history (window, CLI, watched folder), newest first.

use fidelia_core::import::{ImportRun, Report, RunOrigin};
use rusqlite::params;

use crate::{parse_ts, ts, Db, Result};

pub fn insert(db: &Db, r: &ImportRun) -> Result<i64> {
    db.conn().execute(
        "INSERT INTO import_runs (at, origin, file_name, content_hash, outcome, report, message)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            ts(r.at),
            r.origin.as_str(),
            r.file_name,
            r.content_hash,
            if r.report.is_some() {
                "imported"
            } else {
                "failed"
            },
            serde_json::to_string(&r.report.clone().unwrap_or_default())?,
            r.message
        ],
    )?;
    Ok(db.conn().last_insert_rowid())
}

/// Whether a file with this content was already taken (imported, or refused as unreadable).
pub fn seen_hash(db: &Db, hash: &str) -> Result<bool> {
    Ok(db.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM import_runs WHERE content_hash = ?1)",
        [hash],
        |r| r.get(0),
    )?)
}

/// The latest `limit` runs, newest first.
pub fn recent(db: &Db, limit: u32) -> Result<Vec<ImportRun>> {
    let mut st = db.conn().prepare_cached(
        "SELECT id, at, origin, file_name, content_hash, outcome, report, message
         FROM import_runs ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = st.query_map([limit], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, at, origin, file_name, content_hash, outcome, report, message) = row?;
        out.push(ImportRun {
            id,
            at: parse_ts(&at)?,
            origin: RunOrigin::parse(&origin).unwrap_or(RunOrigin::Window),
            file_name,
            content_hash,
            report: match outcome.as_str() {
                "imported" => Some(serde_json::from_str::<Report>(&report)?),
                _ => None,
            },
            message,
        });
    }
    Ok(out)
}
