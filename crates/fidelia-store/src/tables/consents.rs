//! The `consent_changes` table: every change of a client's consents (care reminders,
//! commercial messages), with when, how the client said so, and who recorded it. Written once
//! for both engines ([`crate::sql`]).

use chrono::{DateTime, Utc};
use fidelia_core::{ClientId, ConsentHow, StaffId};
use serde::Serialize;

use crate::{parse_ts, ts, vals, word, Db, Result};

/// One change, as the client page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentChange {
    /// `cuidado` (care reminders) or `comercial` (birthday coupons, offers).
    pub consent: String,
    pub given: bool,
    pub how: ConsentHow,
    pub staff_name: Option<String>,
    pub at: DateTime<Utc>,
}

/// Records both consents of each of `clients` as their records hold them (`how`, by nobody,
/// at `at`): what a client's creation records, for many clients in one statement, in the
/// clients' order, care first.
pub fn insert_as_held(
    db: &Db,
    clients: &[ClientId],
    how: ConsentHow,
    at: DateTime<Utc>,
) -> Result<()> {
    if clients.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = clients.iter().map(|c| c.0).collect();
    db.execute(
        &format!(
            "INSERT INTO consent_changes (client_id, consent, given, how, staff_id, at)
             SELECT c.id, k.consent, CASE k.n WHEN 1 THEN c.consent_care ELSE c.consent_commercial END, ?2, NULL, ?3
             FROM clients c CROSS JOIN (SELECT 'cuidado' AS consent, 1 AS n UNION ALL SELECT 'comercial', 2) AS k
             WHERE c.id IN ({})
             ORDER BY c.id, k.n",
            db.dialect().json_ints("?1")
        ),
        &vals![serde_json::to_string(&ids)?, how.as_str(), ts(at)],
    )?;
    Ok(())
}

pub fn insert(
    db: &Db,
    client: ClientId,
    consent: &str,
    given: bool,
    how: ConsentHow,
    staff: Option<StaffId>,
    at: DateTime<Utc>,
) -> Result<()> {
    db.execute(
        "INSERT INTO consent_changes (client_id, consent, given, how, staff_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &vals![client.0, consent, given, how.as_str(), staff.map(|s| s.0), ts(at)],
    )?;
    Ok(())
}

/// A client's consent changes, newest first.
pub fn of_client(db: &Db, client: ClientId) -> Result<Vec<ConsentChange>> {
    db.map_rows("SELECT k.consent, k.given, k.how, s.name, k.at FROM consent_changes k LEFT JOIN staff s ON s.id = k.staff_id
         WHERE k.client_id = ?1 ORDER BY k.at DESC, k.id DESC",
        &vals![client.0], |r| {
        Ok(ConsentChange {
            consent: r.get(0)?,
            given: r.get(1)?,
            how: word(r.get(2)?, ConsentHow::parse)?,
            staff_name: r.get(3)?,
            at: parse_ts(&r.get::<String>(4)?)?,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    fn client(db: &Db) -> ClientId {
        ClientId(
            db.insert(
                "INSERT INTO clients (first_name, surnames, preferred_channel, consent_care, consent_commercial, created_at, updated_at) VALUES ('Ana', 'Ruiz', 'telefono', 1, 0, ?1, ?1)",
                &vals!["2026-01-01T00:00:00Z"],
            )
            .unwrap(),
        )
    }

    #[test]
    fn a_clients_changes_are_listed_newest_first_with_who_recorded_them() {
        on_each_engine(|db| {
            let (ana, other) = (client(db), client(db));
            let luis = StaffId(
                db.insert(
                    "INSERT INTO staff (name, role, active) VALUES ('Luis Gil', 'recepcion', 1)",
                    &[],
                )
                .unwrap(),
            );
            assert!(of_client(db, ana).unwrap().is_empty());
            let (t1, t2) = (at("2026-03-01T09:00:00Z"), at("2026-05-20T17:45:10Z"));
            insert(db, ana, "cuidado", true, ConsentHow::Import, None, t1).unwrap();
            insert(
                db,
                ana,
                "comercial",
                true,
                ConsentHow::InPerson,
                Some(luis),
                t2,
            )
            .unwrap();
            // Same instant: the later change first.
            insert(
                db,
                ana,
                "comercial",
                false,
                ConsentHow::Phone,
                Some(luis),
                t2,
            )
            .unwrap();
            insert(db, other, "cuidado", false, ConsentHow::Email, None, t2).unwrap();

            let change = |consent: &str, given, how, staff: Option<&str>, at| ConsentChange {
                consent: consent.into(),
                given,
                how,
                staff_name: staff.map(Into::into),
                at,
            };
            assert_eq!(
                of_client(db, ana).unwrap(),
                [
                    change("comercial", false, ConsentHow::Phone, Some("Luis Gil"), t2),
                    change(
                        "comercial",
                        true,
                        ConsentHow::InPerson,
                        Some("Luis Gil"),
                        t2
                    ),
                    change("cuidado", true, ConsentHow::Import, None, t1),
                ]
            );
            assert_eq!(
                of_client(db, other).unwrap(),
                [change("cuidado", false, ConsentHow::Email, None, t2)]
            );
            // Both consents of many clients as their records hold them: Ana (care given,
            // commercial not) and a client with both given; others untouched.
            let both = client(db);
            db.execute(
                "UPDATE clients SET consent_commercial = 1 WHERE id = ?1",
                &vals![both.0],
            )
            .unwrap();
            let t3 = at("2026-06-01T08:00:00Z");
            insert_as_held(db, &[both, ana], ConsentHow::Import, t3).unwrap();
            insert_as_held(db, &[], ConsentHow::Import, t3).unwrap();
            assert_eq!(
                of_client(db, both).unwrap(),
                [
                    change("comercial", true, ConsentHow::Import, None, t3),
                    change("cuidado", true, ConsentHow::Import, None, t3),
                ]
            );
            assert_eq!(
                of_client(db, ana).unwrap()[..2],
                [
                    change("comercial", false, ConsentHow::Import, None, t3),
                    change("cuidado", true, ConsentHow::Import, None, t3),
                ]
            );
            assert_eq!(of_client(db, other).unwrap().len(), 1);
            // In the clients' order, care first.
            let order: Vec<(i64, String)> = db
                .map_rows(
                    "SELECT client_id, consent FROM consent_changes WHERE at = ?1 ORDER BY id",
                    &vals![ts(t3)],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            let (a, b) = (ana.0, both.0);
            let ids = if a < b { [a, a, b, b] } else { [b, b, a, a] };
            assert_eq!(
                order,
                [
                    (ids[0], "cuidado".to_owned()),
                    (ids[1], "comercial".to_owned()),
                    (ids[2], "cuidado".to_owned()),
                    (ids[3], "comercial".to_owned()),
                ]
            );
            // Only the two consents (last: PostgreSQL ends the transaction here).
            assert!(insert(db, ana, "otro", true, ConsentHow::Written, None, t1).is_err());
        });
    }
}
