//! `pcs` and `call_notices` (migration 0016): the PCs of a clinic that shares one database —
//! who uses each, whether it is the reception PC, when it was last seen running — and every
//! desktop notification of a call, per PC and per time the call was due.

use chrono::{DateTime, Utc};
use fidelia_core::{CallId, StaffId};

use crate::{parse_ts, ts, vals, Db, Result, StoreError};

/// A PC as it last said it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pc {
    pub id: String,
    pub staff: Option<StaffId>,
    pub reception: bool,
    pub seen_at: DateTime<Utc>,
}

/// This PC is running now: who uses it and whether it is the reception PC.
pub fn seen(
    db: &Db,
    id: &str,
    staff: Option<StaffId>,
    reception: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    db.execute(
        "INSERT INTO pcs (id, staff_id, reception, seen_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET staff_id = excluded.staff_id,
             reception = excluded.reception, seen_at = excluded.seen_at",
        &vals![id, staff.map(|s| s.0), reception, ts(now)],
    )?;
    Ok(())
}

/// The PCs seen running since `since`.
pub fn running(db: &Db, since: DateTime<Utc>) -> Result<Vec<Pc>> {
    db.map_rows(
        "SELECT id, staff_id, reception, seen_at FROM pcs WHERE seen_at >= ?1 ORDER BY id",
        &vals![ts(since)],
        |r| {
            Ok(Pc {
                id: r.get(0)?,
                staff: r.get::<Option<i64>>(1)?.map(StaffId),
                reception: r.get(2)?,
                seen_at: parse_ts(&r.get::<String>(3)?)
                    .map_err(|e| StoreError::Column(e.to_string()))?,
            })
        },
    )
}

/// Records that PC `pc` notified these calls, each for the time it was due at.
pub fn notice(
    db: &Db,
    pc: &str,
    calls: &[(CallId, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> Result<()> {
    for (id, at) in calls {
        db.execute(
            "INSERT INTO call_notices (call_id, pc_id, scheduled_at, at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (call_id, pc_id, scheduled_at) DO NOTHING",
            &vals![id.0, pc, ts(*at), ts(now)],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn pcs_say_they_run_and_notices_are_kept_once_per_pc_and_time_on_each_engine() {
        on_each_engine(|db| {
            let (_, pet) = client_and_pet(db, "Ana");
            let call = db
                .insert(
                    "INSERT INTO calls (kind, pet_id, due_at, scheduled_at, duration_min, status, created_at, updated_at)
                     VALUES ('cortesia', ?1, ?2, ?2, 5, 'pendiente', ?2, ?2)",
                    &vals![pet.0, "2026-12-01T10:00:00Z"],
                )
                .unwrap();
            let call = CallId(call);
            seen(db, "recepcion", None, true, at("2026-12-01T09:00:00Z")).unwrap();
            seen(db, "consulta-2", None, false, at("2026-12-01T09:58:00Z")).unwrap();
            seen(db, "recepcion", None, true, at("2026-12-01T09:59:00Z")).unwrap();
            let up = running(db, at("2026-12-01T09:58:30Z")).unwrap();
            assert_eq!(up.len(), 1);
            assert_eq!((up[0].id.as_str(), up[0].reception), ("recepcion", true));
            let due = [(call, at("2026-12-01T10:00:00Z"))];
            notice(db, "recepcion", &due, at("2026-12-01T10:00:05Z")).unwrap();
            notice(db, "recepcion", &due, at("2026-12-01T10:00:35Z")).unwrap();
            notice(
                db,
                "recepcion",
                &[(call, at("2026-12-01T12:00:00Z"))],
                at("2026-12-01T12:00:05Z"),
            )
            .unwrap();
            let kept: Vec<(String, String)> = db
                .map_rows(
                    "SELECT pc_id, scheduled_at FROM call_notices ORDER BY id",
                    &[],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            assert_eq!(
                kept,
                [
                    ("recepcion".to_string(), "2026-12-01T10:00:00Z".to_string()),
                    ("recepcion".to_string(), "2026-12-01T12:00:00Z".to_string())
                ],
                "once per PC and due time; a retry is a new time"
            );
        });
    }
}
