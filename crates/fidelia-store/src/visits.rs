//! The `visits` table.

use chrono::{DateTime, TimeZone, Utc};
use fidelia_core::*;
use rusqlite::{params, Connection, Row};

use crate::{found, parse_ts, ts, word, Result, Store, StoreError};

const SELECT: &str = "SELECT v.id, v.pet_id, v.staff_id, v.at, v.kind, v.severity, v.reason, v.amount_cents, p.name, s.name
                      FROM visits v JOIN pets p ON p.id = v.pet_id LEFT JOIN staff s ON s.id = v.staff_id";

fn from_row(r: &Row) -> rusqlite::Result<Visit> {
    Ok(Visit {
        id: VisitId(r.get(0)?),
        data: VisitData {
            pet_id: PetId(r.get(1)?),
            staff_id: r.get::<_, Option<i64>>(2)?.map(StaffId),
            at: parse_ts(&r.get::<_, String>(3)?)?,
            kind: word(r.get(4)?, VisitKind::parse)?,
            severity: word(r.get(5)?, Severity::parse)?,
            reason: r.get(6)?,
            amount_cents: r.get(7)?,
        },
        pet_name: r.get(8)?,
        staff_name: r.get(9)?,
    })
}

pub(crate) fn get(conn: &Connection, id: VisitId) -> Result<Visit> {
    found(
        conn.prepare_cached(&format!("{SELECT} WHERE v.id = ?1"))?
            .query_row([id.0], from_row),
    )
}

/// A client's visits, newest first.
pub(crate) fn of_client(conn: &Connection, id: ClientId) -> Result<Vec<Visit>> {
    let mut st = conn.prepare_cached(&format!(
        "{SELECT} WHERE p.client_id = ?1 ORDER BY v.at DESC, v.id DESC"
    ))?;
    let rows = st
        .query_map([id.0], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn insert(conn: &Connection, d: &VisitData, now: DateTime<Utc>) -> Result<VisitId> {
    insert_from(conn, d, &ts(now), None)
}

/// Inserts a visit; with `source_id`, as imported from the practice-management system (one
/// write, rather than an insert then a stamp: imports write hundreds of thousands).
pub(crate) fn insert_from(
    conn: &Connection,
    d: &VisitData,
    now: &str,
    source_id: Option<&str>,
) -> Result<VisitId> {
    conn.prepare_cached(
        "INSERT INTO visits (pet_id, staff_id, at, kind, severity, reason, amount_cents, created_at, updated_at, source_id, origin, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, CASE WHEN ?9 IS NULL THEN 'manual' ELSE 'import' END, CASE WHEN ?9 IS NULL THEN NULL ELSE ?8 END)",
    )?
    .execute(params![d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.at), d.kind.as_str(), d.severity.as_str(), d.reason, d.amount_cents, now, source_id])?;
    Ok(VisitId(conn.last_insert_rowid()))
}

impl Store {
    pub fn save_visit<Tz: TimeZone>(&self, form: &VisitForm, at: &ClinicTime<Tz>) -> Result<Visit> {
        let d = form.validate(&at.tz, at.now)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        crate::pets::get(&tx, d.pet_id)?;
        let id = match form.id {
            None => insert(&tx, &d, at.now)?,
            Some(id) => {
                let n = tx.execute(
                    "UPDATE visits SET pet_id = ?2, staff_id = ?3, at = ?4, kind = ?5, severity = ?6, reason = ?7, amount_cents = ?8, updated_at = ?9 WHERE id = ?1",
                    params![id.0, d.pet_id.0, d.staff_id.map(|s| s.0), ts(d.at), d.kind.as_str(), d.severity.as_str(), d.reason, d.amount_cents, ts(at.now)],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
                id
            }
        };
        crate::calls::sync_for_visit(&tx, id, &d, at)?;
        let v = get(&tx, id)?;
        tx.commit()?;
        Ok(v)
    }

    /// Deletes a visit; its pending follow-up call is cancelled (and kept, with its attempts).
    pub fn delete_visit(&self, id: VisitId, now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        crate::calls::cancel_for_visit(&tx, id, now)?;
        if tx.execute("DELETE FROM visits WHERE id = ?1", [id.0])? == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::*;
    use crate::StoreError;
    use fidelia_core::*;

    fn visit_form(pet: PetId) -> VisitForm {
        VisitForm {
            pet_id: Some(pet),
            date: "24/11/2026".into(),
            time: "19:30".into(),
            kind: "cirugia".into(),
            severity: "grave".into(),
            reason: "Castración".into(),
            amount: "250,00".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_visit_appears_on_its_clients_timeline() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        let v = s.save_visit(&visit_form(luna.id), &at()).unwrap();
        assert_eq!(
            (v.pet_name.as_str(), v.data.amount_cents),
            ("Luna", Some(25000))
        );
        let page = s.client_page(c.id).unwrap();
        assert_eq!(page.visits.len(), 1);
        // Newest first: the client was registered today, after yesterday's visit was seen.
        let kinds: Vec<_> = page
            .timeline
            .iter()
            .map(|e| (e.kind.as_str(), e.label.as_str(), e.detail.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("client_created", "", ""),
                ("visit", "cirugia", "Castración")
            ]
        );
    }

    #[test]
    fn visits_are_edited_and_deleted() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        let v = s.save_visit(&visit_form(luna.id), &at()).unwrap();
        let mut f = visit_form(luna.id);
        f.id = Some(v.id);
        f.severity = "moderada".into();
        assert_eq!(
            s.save_visit(&f, &at()).unwrap().data.severity,
            Severity::Moderate
        );
        f.date = "32/13/2020".into();
        assert!(matches!(
            s.save_visit(&f, &at()),
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            s.client_page(c.id).unwrap().visits[0].data.severity,
            Severity::Moderate,
            "the rejected edit changed nothing"
        );
        s.delete_visit(v.id, now()).unwrap();
        assert!(s.client_page(c.id).unwrap().visits.is_empty());
        assert!(matches!(
            s.delete_visit(v.id, now()),
            Err(StoreError::NotFound)
        ));
    }
}
