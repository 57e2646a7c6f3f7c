//! `audit_log`: who did what (ids only, never a person's name or a free text).

use chrono::{DateTime, Utc};
use fidelia_core::StaffId;
use rusqlite::params;
use serde::Serialize;

use crate::{parse_ts, select_rows, ts, Db, Result};

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub staff_name: Option<String>,
    pub action: String,
    pub record: Option<String>,
    pub record_id: Option<i64>,
    pub detail: String,
}

/// Adds a line.
pub fn insert(
    db: &Db,
    at: DateTime<Utc>,
    staff: Option<StaffId>,
    action: &str,
    record: Option<(&str, i64)>,
    detail: &str,
) -> Result<()> {
    db.conn()
        .prepare_cached(
            "INSERT INTO audit_log (at, staff_id, action, record, record_id, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            ts(at),
            staff.map(|s| s.0),
            action,
            record.map(|r| r.0),
            record.map(|r| r.1),
            detail
        ])?;
    Ok(())
}

/// The newest `limit` lines, newest first.
pub fn latest(db: &Db, limit: i64) -> Result<Vec<AuditEntry>> {
    select_rows(
        db,
        "SELECT a.at, s.name, a.action, a.record, a.record_id, a.detail
         FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id
         ORDER BY a.at DESC, a.id DESC LIMIT ?1",
        [limit],
        |r| {
            Ok(AuditEntry {
                at: parse_ts(&r.get::<_, String>(0)?)?,
                staff_name: r.get(1)?,
                action: r.get(2)?,
                record: r.get(3)?,
                record_id: r.get(4)?,
                detail: r.get(5)?,
            })
        },
    )
}
