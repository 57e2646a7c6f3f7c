//! `audit_log`: who did what (ids only, never a person's name or a free text). Written once for
//! both engines ([`crate::sql`]).

use chrono::{DateTime, Utc};
use fidelia_core::StaffId;
use serde::Serialize;

use crate::{parse_ts, ts, vals, Db, Result};

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
    db.execute(
        "INSERT INTO audit_log (at, staff_id, action, record, record_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &vals![
            ts(at),
            staff.map(|s| s.0),
            action,
            record.map(|r| r.0),
            record.map(|r| r.1),
            detail
        ],
    )?;
    Ok(())
}

/// The newest `limit` lines, newest first.
pub fn latest(db: &Db, limit: i64) -> Result<Vec<AuditEntry>> {
    db.map_rows(
        "SELECT a.at, s.name, a.action, a.record, a.record_id, a.detail
         FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id
         ORDER BY a.at DESC, a.id DESC LIMIT ?1",
        &vals![limit],
        |r| {
            Ok(AuditEntry {
                at: parse_ts(&r.get::<String>(0)?)?,
                staff_name: r.get(1)?,
                action: r.get(2)?,
                record: r.get(3)?,
                record_id: r.get(4)?,
                detail: r.get(5)?,
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn lines_are_added_and_the_newest_read_first() {
        on_each_engine(|db| {
            assert!(latest(db, 10).unwrap().is_empty());
            let eva = StaffId(
                db.insert(
                    "INSERT INTO staff (name, role, active) VALUES ('Eva Sanz', 'direccion', 1)",
                    &[],
                )
                .unwrap(),
            );
            let (t1, t2) = (at("2026-11-30T08:00:00Z"), at("2026-12-06T10:30:00Z"));
            insert(db, t1, None, "backup", None, "fidelia-2026-11-30.sqlite3").unwrap();
            insert(db, t2, Some(eva), "export_client", Some(("client", 42)), "").unwrap();
            // Same instant: the later line first.
            insert(db, t2, Some(eva), "erase_client", Some(("client", 42)), "").unwrap();

            let entry = |at,
                         staff: Option<&str>,
                         action: &str,
                         record: Option<(&str, i64)>,
                         detail: &str| {
                AuditEntry {
                    at,
                    staff_name: staff.map(Into::into),
                    action: action.into(),
                    record: record.map(|r| r.0.into()),
                    record_id: record.map(|r| r.1),
                    detail: detail.into(),
                }
            };
            let all = [
                entry(
                    t2,
                    Some("Eva Sanz"),
                    "erase_client",
                    Some(("client", 42)),
                    "",
                ),
                entry(
                    t2,
                    Some("Eva Sanz"),
                    "export_client",
                    Some(("client", 42)),
                    "",
                ),
                entry(t1, None, "backup", None, "fidelia-2026-11-30.sqlite3"),
            ];
            assert_eq!(latest(db, 10).unwrap(), all);
            assert_eq!(latest(db, 2).unwrap(), all[..2]);
            assert!(latest(db, 0).unwrap().is_empty());
        });
    }
}
