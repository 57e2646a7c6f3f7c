//! The `import_runs` table: the import history (window, CLI, watched folder), newest first.
//! Written once for both engines ([`crate::sql`]).

use fidelia_core::import::{ImportRun, Report, RunOrigin};

use crate::{parse_ts, ts, vals, Db, Result};

pub fn insert(db: &Db, r: &ImportRun) -> Result<i64> {
    db.insert(
        "INSERT INTO import_runs (at, origin, file_name, content_hash, outcome, report, message)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        &vals![
            ts(r.at),
            r.origin.as_str(),
            &r.file_name,
            &r.content_hash,
            if r.report.is_some() {
                "imported"
            } else {
                "failed"
            },
            serde_json::to_string(&r.report.clone().unwrap_or_default())?,
            &r.message
        ],
    )
}

/// Whether a file with this content was already taken (imported, or refused as unreadable).
pub fn seen_hash(db: &Db, hash: &str) -> Result<bool> {
    db.value(
        "SELECT EXISTS (SELECT 1 FROM import_runs WHERE content_hash = ?1)",
        &vals![hash],
    )
}

/// The latest `limit` runs, newest first.
pub fn recent(db: &Db, limit: u32) -> Result<Vec<ImportRun>> {
    db.map_rows(
        "SELECT id, at, origin, file_name, content_hash, outcome, report, message
         FROM import_runs ORDER BY id DESC LIMIT ?1",
        &vals![i64::from(limit)],
        |r| {
            Ok(ImportRun {
                id: r.get(0)?,
                at: parse_ts(&r.get::<String>(1)?)?,
                origin: RunOrigin::parse(&r.get::<String>(2)?).unwrap_or(RunOrigin::Window),
                file_name: r.get(3)?,
                content_hash: r.get(4)?,
                report: match r.get::<String>(5)?.as_str() {
                    "imported" => Some(serde_json::from_str::<Report>(&r.get::<String>(6)?)?),
                    _ => None,
                },
                message: r.get(7)?,
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn runs_are_kept_and_read_back_newest_first() {
        on_each_engine(|db| {
            assert!(recent(db, 10).unwrap().is_empty());
            assert!(!seen_hash(db, "ab12").unwrap());
            let imported = ImportRun {
                id: 0,
                at: "2026-12-01T09:15:00Z".parse().unwrap(),
                origin: RunOrigin::Folder,
                file_name: "clientes.csv".into(),
                content_hash: "ab12".into(),
                report: Some(Report {
                    rows_total: 120,
                    rows_imported: 118,
                    rows_rejected: 2,
                    staff_created: 1,
                    ..Report::default()
                }),
                message: String::new(),
            };
            let failed = ImportRun {
                at: "2026-12-02T11:00:00Z".parse().unwrap(),
                origin: RunOrigin::Cli,
                file_name: "roto.csv".into(),
                content_hash: "cd34".into(),
                report: None,
                message: "El archivo no se puede leer.".into(),
                ..imported.clone()
            };
            let a = insert(db, &imported).unwrap();
            let b = insert(db, &failed).unwrap();
            assert!(b > a, "ids grow");
            assert!(seen_hash(db, "ab12").unwrap());
            assert!(seen_hash(db, "cd34").unwrap(), "a refused file is seen too");
            assert!(!seen_hash(db, "ef56").unwrap());

            let with_id = |r: &ImportRun, id| ImportRun { id, ..r.clone() };
            assert_eq!(
                recent(db, 10).unwrap(),
                [with_id(&failed, b), with_id(&imported, a)]
            );
            assert_eq!(recent(db, 1).unwrap(), [with_id(&failed, b)]);
            // A failed run's report is stored empty, its outcome 'failed'.
            let r = db
                .row(
                    "SELECT outcome, report FROM import_runs WHERE id = ?1",
                    &vals![b],
                )
                .unwrap()
                .unwrap();
            assert_eq!(r.get::<String>(0).unwrap(), "failed");
            assert_eq!(
                serde_json::from_str::<Report>(&r.get::<String>(1).unwrap()).unwrap(),
                Report::default()
            );
        });
    }
}
