//! The `visits` table (written once for both engines: [`crate::sql`]).

use chrono::{DateTime, Utc};
use fidelia_core::*;

use super::{find_source, Existing};
use crate::sql::Row;
use crate::{parse_ts, ts, vals, word, Db, Result, StoreError};

const SELECT: &str = "SELECT v.id, v.pet_id, v.staff_id, v.at, v.kind, v.severity, v.reason, v.amount_cents, p.name, s.name
                      FROM visits v JOIN pets p ON p.id = v.pet_id LEFT JOIN staff s ON s.id = v.staff_id";

fn from_row(r: &Row) -> Result<Visit> {
    Ok(Visit {
        id: VisitId(r.get(0)?),
        data: VisitData {
            pet_id: PetId(r.get(1)?),
            staff_id: r.get::<Option<i64>>(2)?.map(StaffId),
            at: parse_ts(&r.get::<String>(3)?)?,
            kind: word(r.get(4)?, VisitKind::parse)?,
            severity: word(r.get(5)?, Severity::parse)?,
            reason: r.get(6)?,
            amount_cents: r.get(7)?,
        },
        pet_name: r.get(8)?,
        staff_name: r.get(9)?,
    })
}

pub fn get(db: &Db, id: VisitId) -> Result<Visit> {
    let row = db.row(&format!("{SELECT} WHERE v.id = ?1"), &vals![id.0])?;
    from_row(&row.ok_or(StoreError::NotFound)?)
}

/// A client's visits, newest first.
pub fn of_client(db: &Db, id: ClientId) -> Result<Vec<Visit>> {
    db.map_rows(
        &format!("{SELECT} WHERE p.client_id = ?1 ORDER BY v.at DESC, v.id DESC"),
        &vals![id.0],
        from_row,
    )
}

pub fn insert(db: &Db, d: &VisitData, now: DateTime<Utc>) -> Result<VisitId> {
    insert_from(db, d, &ts(now), None)
}

/// Inserts a visit; with `source_id`, as imported from the practice-management system (one
/// write, rather than an insert then a stamp: imports write hundreds of thousands).
pub fn insert_from(db: &Db, d: &VisitData, now: &str, source_id: Option<&str>) -> Result<VisitId> {
    let id = db.insert(
        "INSERT INTO visits (pet_id, staff_id, at, kind, severity, reason, amount_cents, created_at, updated_at, source_id, origin, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, CASE WHEN CAST(?9 AS TEXT) IS NULL THEN 'manual' ELSE 'import' END,
                 CASE WHEN CAST(?9 AS TEXT) IS NULL THEN NULL ELSE ?8 END)",
        &vals![d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.at), d.kind.as_str(), d.severity.as_str(), &d.reason, d.amount_cents, now, source_id],
    )?;
    Ok(VisitId(id))
}

/// Inserts a visit from an import unless one with this source id exists: its id, or `None`
/// when the source id is taken (the caller then compares with the existing one). One
/// statement where a lookup and an insert were two.
pub fn insert_imported_new(
    db: &Db,
    d: &VisitData,
    now: &str,
    source_id: &str,
) -> Result<Option<VisitId>> {
    // On SQLite without `RETURNING` (it gathers its rows in a temporary table, a cost on
    // every row): `insert_new` reads the new row's id instead.
    let id = db.insert_new(
        "INSERT INTO visits (pet_id, staff_id, at, kind, severity, reason, amount_cents, created_at, updated_at, source_id, origin, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, 'import', ?8)
         ON CONFLICT (source_id) DO NOTHING",
        &vals![d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.at), d.kind.as_str(), d.severity.as_str(), &d.reason, d.amount_cents, now, source_id],
    )?;
    Ok(id.map(VisitId))
}

/// `NotFound` if there is no such visit.
pub fn update(db: &Db, id: VisitId, d: &VisitData, now: DateTime<Utc>) -> Result<()> {
    let n = db.execute(
        "UPDATE visits SET pet_id = ?2, staff_id = ?3, at = ?4, kind = ?5, severity = ?6, reason = ?7, amount_cents = ?8, updated_at = ?9 WHERE id = ?1",
        &vals![id.0, d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.at), d.kind.as_str(), d.severity.as_str(), &d.reason, d.amount_cents, ts(now)],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Rewrites a visit from an import and marks it imported `now`.
pub fn update_imported(db: &Db, id: VisitId, d: &VisitData, now: &str) -> Result<()> {
    db.execute(
        "UPDATE visits SET pet_id = ?2, staff_id = ?3, at = ?4, kind = ?5, severity = ?6, reason = ?7, amount_cents = ?8,
                updated_at = ?9, imported_at = ?9 WHERE id = ?1",
        &vals![id.0, d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.at), d.kind.as_str(), d.severity.as_str(), &d.reason, d.amount_cents, now],
    )?;
    Ok(())
}

/// `NotFound` if there is no such visit.
pub fn delete(db: &Db, id: VisitId) -> Result<()> {
    if db.execute("DELETE FROM visits WHERE id = ?1", &vals![id.0])? == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// See [`super::Existing`].
pub fn by_source_id(db: &Db, sid: &str) -> Result<Existing<VisitId>> {
    find_source(db, "visits", sid, VisitId)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn visits_are_recorded_imported_changed_and_deleted_on_each_engine() {
        on_each_engine(|db| {
            let (client, pet) = client_and_pet(db, "Ana");
            let now: DateTime<Utc> = "2026-12-01T10:00:00Z".parse().unwrap();
            let visit = |at: &str, amount: Option<i64>| VisitData {
                pet_id: pet,
                staff_id: None,
                at: at.parse().unwrap(),
                kind: VisitKind::Surgery,
                severity: Severity::Severe,
                reason: "Castración".into(),
                amount_cents: amount,
            };
            let first = insert(db, &visit("2026-11-02T09:30:00Z", Some(12_050)), now).unwrap();
            let v = get(db, first).unwrap();
            assert_eq!(v.data, visit("2026-11-02T09:30:00Z", Some(12_050)));
            assert_eq!((v.pet_name.as_str(), v.staff_name), ("Luna", None));
            assert_eq!(by_source_id(db, "V-1").unwrap(), Existing::New);

            // Imported: once; the same source id again inserts nothing.
            let imported = visit("2026-11-20T12:00:00Z", None);
            let second = insert_imported_new(db, &imported, "2026-12-01T10:00:00Z", "V-1")
                .unwrap()
                .expect("a new visit");
            assert_eq!(
                insert_imported_new(db, &imported, "2026-12-01T10:00:00Z", "V-1").unwrap(),
                None
            );
            assert_eq!(
                by_source_id(db, "V-1").unwrap(),
                Existing::Found {
                    id: second,
                    protected: false
                }
            );
            let third = insert_from(db, &imported, "2026-12-01T10:00:00Z", Some("V-2")).unwrap();
            let ids = |v: Vec<Visit>| v.into_iter().map(|x| x.id).collect::<Vec<_>>();
            assert_eq!(
                ids(of_client(db, client).unwrap()),
                [third, second, first],
                "newest first"
            );

            update_imported(
                db,
                second,
                &visit("2026-11-21T12:00:00Z", Some(500)),
                "2026-12-02T10:00:00Z",
            )
            .unwrap();
            assert_eq!(get(db, second).unwrap().data.amount_cents, Some(500));
            update(db, first, &visit("2026-11-03T09:30:00Z", None), now).unwrap();
            assert_eq!(
                get(db, first).unwrap().data,
                visit("2026-11-03T09:30:00Z", None)
            );
            assert_eq!(
                by_source_id(db, "V-1").unwrap(),
                Existing::Found {
                    id: second,
                    protected: false
                }
            );
            delete(db, third).unwrap();
            assert!(matches!(get(db, third), Err(StoreError::NotFound)));
            assert!(matches!(delete(db, third), Err(StoreError::NotFound)));
        });
    }
}
