//! The `surveys` table: one satisfaction survey per visit (its code, then its answers), and
//! the alerts a poor answer raises for the owner. Written once for both engines ([`crate::sql`]).

use chrono::{DateTime, Utc};
use fidelia_core::surveys::Answers;
use fidelia_core::{ClientId, PetId, StaffId, VisitId};
use serde::Serialize;

use crate::sql::Row;
use crate::{parse_opt_ts, parse_ts, ts, vals, Db, Result, StoreError};

/// A survey with its answers, if any (the client page, the alerts).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Survey {
    pub id: i64,
    pub code: String,
    pub visit_id: VisitId,
    pub visit_at: DateTime<Utc>,
    pub visit_reason: String,
    pub pet_id: PetId,
    pub pet_name: String,
    pub client_id: ClientId,
    pub client_name: String,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_via: Option<String>,
    #[serde(flatten)]
    pub answers: Answers,
    pub poor: bool,
    pub alert_seen_at: Option<DateTime<Utc>>,
    /// The call a poor answer made (to apologise and listen).
    pub call_id: Option<i64>,
}

const SELECT: &str = "SELECT s.id, s.code, s.visit_id, v.at, v.reason, p.id, p.name, c.id, c.first_name || ' ' || c.surnames,
                             s.answered_at, s.answered_via, s.overall, s.care, s.facilities, s.availability, s.cleanliness,
                             s.recommend, s.comment, s.poor, s.alert_seen_at,
                             (SELECT k.id FROM calls k WHERE k.item_key = 'encuesta:' || s.id)
                      FROM surveys s JOIN visits v ON v.id = s.visit_id JOIN pets p ON p.id = v.pet_id
                      JOIN clients c ON c.id = s.client_id";

/// A score or a recommendation (0-10), as the answers hold it.
fn small(r: &Row, i: usize) -> Result<Option<u8>> {
    r.get::<Option<i64>>(i)?
        .map(|v| u8::try_from(v).map_err(|_| StoreError::Column(format!("column {i} holds {v}"))))
        .transpose()
}

fn from_row(r: &Row) -> Result<Survey> {
    Ok(Survey {
        id: r.get(0)?,
        code: r.get(1)?,
        visit_id: VisitId(r.get(2)?),
        visit_at: parse_ts(&r.get::<String>(3)?)?,
        visit_reason: r.get(4)?,
        pet_id: PetId(r.get(5)?),
        pet_name: r.get(6)?,
        client_id: ClientId(r.get(7)?),
        client_name: r.get(8)?,
        answered_at: parse_opt_ts(r.get(9)?)?,
        answered_via: r.get(10)?,
        answers: Answers {
            scores: (11..16).map(|i| small(r, i)).collect::<Result<_>>()?,
            recommend: small(r, 16)?,
            comment: r.get(17)?,
        },
        poor: r.get(18)?,
        alert_seen_at: parse_opt_ts(r.get(19)?)?,
        call_id: r.get(20)?,
    })
}

fn query(db: &Db, where_order: &str, args: &[crate::sql::Value]) -> Result<Vec<Survey>> {
    db.map_rows(&format!("{SELECT} {where_order}"), args, from_row)
}

pub fn get(db: &Db, id: i64) -> Result<Survey> {
    query(db, "WHERE s.id = ?1", &vals![id])?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The survey with this code (normalized), if any.
pub fn by_code(db: &Db, code: &str) -> Result<Option<Survey>> {
    Ok(query(db, "WHERE s.code = ?1", &vals![code])?.pop())
}

/// Creates a visit's survey with its code; returns its id (the existing one if the visit has
/// one already: a visit gets one survey, ever).
pub fn insert(
    db: &Db,
    visit: VisitId,
    client: ClientId,
    code: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    // Skipped on either unique key (the visit, the code), as `INSERT OR IGNORE` was.
    db.execute(
        "INSERT INTO surveys (visit_id, client_id, code, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
        &vals![visit.0, client.0, code, ts(now)],
    )?;
    of_visit(db, visit)?.ok_or(StoreError::NotFound)
}

/// When the client was last sent (or asked) a survey.
pub fn last_of_client(db: &Db, client: ClientId) -> Result<Option<DateTime<Utc>>> {
    Ok(last_of_clients(db, &[client])?.remove(&client))
}

/// [`last_of_client`] for many clients in one statement: only those who had a survey.
pub fn last_of_clients(
    db: &Db,
    clients: &[ClientId],
) -> Result<std::collections::HashMap<ClientId, DateTime<Utc>>> {
    let latest = super::latest_by_client(db, "surveys", "created_at", "true", clients, &[])?;
    let mut out = std::collections::HashMap::new();
    for (client, t) in latest {
        out.insert(client, parse_ts(&t)?);
    }
    Ok(out)
}

/// A visit that may get a survey.
pub struct Candidate {
    pub visit: VisitId,
    pub pet: PetId,
    pub client: ClientId,
    pub at: DateTime<Utc>,
}

/// Visits between `from` and `to` that have no survey yet, of living pets: the candidates for
/// a survey (the rules decide which get one).
pub fn visits_without(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Candidate>> {
    db.map_rows(
        "SELECT v.id, p.id, p.client_id, v.at FROM visits v JOIN pets p ON p.id = v.pet_id
         WHERE v.at >= ?1 AND v.at < ?2 AND p.deceased = 0
           AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.visit_id = v.id)
         ORDER BY v.at, v.id",
        &vals![ts(from), ts(to)],
        |r| {
            Ok(Candidate {
                visit: VisitId(r.get(0)?),
                pet: PetId(r.get(1)?),
                client: ClientId(r.get(2)?),
                at: parse_ts(&r.get::<String>(3)?)?,
            })
        },
    )
}

/// Records a survey's answers.
pub fn answer(
    db: &Db,
    id: i64,
    a: &Answers,
    via: &str,
    staff: Option<StaffId>,
    poor: bool,
    at: DateTime<Utc>,
) -> Result<()> {
    let s = |i: usize| a.scores.get(i).copied().flatten().map(i64::from);
    db.execute(
            "UPDATE surveys SET answered_at = ?2, answered_via = ?3, recorded_by = ?4, overall = ?5, care = ?6,
                    facilities = ?7, availability = ?8, cleanliness = ?9, recommend = ?10, comment = ?11, poor = ?12
             WHERE id = ?1",
        &vals![id, ts(at), via, staff.map(|s| s.0), s(0), s(1), s(2), s(3), s(4), a.recommend.map(i64::from), &a.comment, poor],
    )?;
    Ok(())
}

/// Poor answers nobody has marked as seen yet: the owner's alerts, newest first.
pub fn alerts(db: &Db) -> Result<Vec<Survey>> {
    query(
        db,
        "WHERE s.poor = 1 AND s.alert_seen_at IS NULL ORDER BY s.answered_at DESC, s.id DESC",
        &[],
    )
}

/// Marks an alert as seen (it leaves Home; the survey and its call stay).
pub fn see_alert(db: &Db, id: i64, staff: Option<StaffId>, at: DateTime<Utc>) -> Result<()> {
    db.execute(
        "UPDATE surveys SET alert_seen_at = ?2, alert_seen_by = ?3 WHERE id = ?1 AND alert_seen_at IS NULL",
        &vals![id, ts(at), staff.map(|s| s.0)],
    )?;
    Ok(())
}

/// A client's answered surveys, newest first.
pub fn of_client(db: &Db, client: ClientId) -> Result<Vec<Survey>> {
    query(
        db,
        "WHERE s.client_id = ?1 AND s.answered_at IS NOT NULL ORDER BY s.answered_at DESC",
        &vals![client.0],
    )
}

/// The id of a visit's survey, if it has one.
pub fn of_visit(db: &Db, visit: VisitId) -> Result<Option<i64>> {
    db.row(
        "SELECT id FROM surveys WHERE visit_id = ?1",
        &vals![visit.0],
    )?
    .map(|r| r.get(0))
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    fn visit(db: &Db, pet: PetId, at: &str, reason: &str) -> VisitId {
        VisitId(
            db.insert(
                "INSERT INTO visits (pet_id, at, kind, severity, reason, created_at, updated_at) VALUES (?1, ?2, 'consulta', 'leve', ?3, ?2, ?2)",
                &vals![pet.0, at, reason],
            )
            .unwrap(),
        )
    }

    #[test]
    fn surveys_are_created_answered_and_alert_on_each_engine() {
        on_each_engine(|db| {
            let (client, pet) = client_and_pet(db, "Ana");
            let staff = StaffId(
                db.insert(
                    "INSERT INTO staff (name, role, active) VALUES ('Eva Sanz', 'direccion', 1)",
                    &[],
                )
                .unwrap(),
            );
            let dead = PetId(
                db.insert(
                    "INSERT INTO pets (client_id, name, species, sex, deceased, created_at, updated_at) VALUES (?1, 'Toby', 'gato', 'macho', 1, ?2, ?2)",
                    &vals![client.0, "2026-01-01T00:00:00Z"],
                )
                .unwrap(),
            );
            let v1 = visit(db, pet, "2026-11-02T09:30:00Z", "Vacuna");
            let v2 = visit(db, pet, "2026-11-05T17:00:00Z", "Otitis");
            visit(db, dead, "2026-11-03T10:00:00Z", "Revisión");
            visit(db, pet, "2026-10-01T10:00:00Z", "Fuera del periodo");
            let (from, to) = (at("2026-11-01T00:00:00Z"), at("2026-11-10T00:00:00Z"));

            // The living pet's visits in the span, oldest first.
            let c = visits_without(db, from, to).unwrap();
            let seen: Vec<_> = c.iter().map(|c| (c.visit, c.pet, c.client, c.at)).collect();
            assert_eq!(
                seen,
                [
                    (v1, pet, client, at("2026-11-02T09:30:00Z")),
                    (v2, pet, client, at("2026-11-05T17:00:00Z"))
                ]
            );
            assert_eq!(last_of_client(db, client).unwrap(), None);
            assert_eq!(of_visit(db, v1).unwrap(), None);

            // One survey per visit, ever.
            let now = at("2026-11-03T08:00:00Z");
            let id = insert(db, v1, client, "ABC123", now).unwrap();
            assert_eq!(
                insert(db, v1, client, "OTRO99", at("2026-11-04T08:00:00Z")).unwrap(),
                id
            );
            assert_eq!(of_visit(db, v1).unwrap(), Some(id));
            assert_eq!(last_of_client(db, client).unwrap(), Some(now));
            let c = visits_without(db, from, to).unwrap();
            assert_eq!(c.iter().map(|c| c.visit).collect::<Vec<_>>(), [v2]);

            let s = get(db, id).unwrap();
            assert_eq!(
                s,
                Survey {
                    id,
                    code: "ABC123".into(),
                    visit_id: v1,
                    visit_at: at("2026-11-02T09:30:00Z"),
                    visit_reason: "Vacuna".into(),
                    pet_id: pet,
                    pet_name: "Luna".into(),
                    client_id: client,
                    client_name: "Ana Núñez".into(),
                    answered_at: None,
                    answered_via: None,
                    answers: Answers {
                        scores: vec![None; 5],
                        recommend: None,
                        comment: String::new()
                    },
                    poor: false,
                    alert_seen_at: None,
                    call_id: None,
                }
            );
            assert_eq!(by_code(db, "ABC123").unwrap(), Some(s));
            assert_eq!(by_code(db, "OTRO99").unwrap(), None);
            assert!(
                of_client(db, client).unwrap().is_empty(),
                "not answered yet"
            );
            assert!(alerts(db).unwrap().is_empty());

            // Answered poorly: an alert, with the call it made.
            let poor = Answers {
                scores: vec![Some(2), Some(3), None, Some(4), Some(1)],
                recommend: Some(3),
                comment: "Esperamos mucho".into(),
            };
            let answered = at("2026-11-04T12:00:00Z");
            answer(db, id, &poor, "telefono", Some(staff), true, answered).unwrap();
            let call = db
                .insert(
                    "INSERT INTO calls (kind, pet_id, due_at, scheduled_at, duration_min, status, created_at, updated_at, item_key)
                     VALUES ('encuesta', ?1, ?2, ?2, 10, 'pendiente', ?2, ?2, ?3)",
                    &vals![pet.0, "2026-11-04T12:00:00Z", format!("encuesta:{id}")],
                )
                .unwrap();
            let s = get(db, id).unwrap();
            assert_eq!(s.answered_at, Some(answered));
            assert_eq!(s.answered_via.as_deref(), Some("telefono"));
            assert_eq!(s.answers, poor);
            assert!(s.poor);
            assert_eq!(s.call_id, Some(call));
            let by: Option<i64> = db
                .row("SELECT recorded_by FROM surveys WHERE id = ?1", &vals![id])
                .unwrap()
                .unwrap()
                .get(0)
                .unwrap();
            assert_eq!(by, Some(staff.0));

            // A second one, answered well later; then a third poor one, newest alert first.
            let id2 = insert(db, v2, client, "DEF456", answered).unwrap();
            let good = Answers {
                scores: vec![Some(5); 5],
                recommend: Some(10),
                comment: String::new(),
            };
            answer(
                db,
                id2,
                &good,
                "formulario",
                None,
                false,
                at("2026-11-06T09:00:00Z"),
            )
            .unwrap();
            assert_eq!(get(db, id2).unwrap().answers, good);
            assert_eq!(
                alerts(db).unwrap().iter().map(|s| s.id).collect::<Vec<_>>(),
                [id]
            );
            assert_eq!(
                of_client(db, client)
                    .unwrap()
                    .iter()
                    .map(|s| s.id)
                    .collect::<Vec<_>>(),
                [id2, id]
            );

            // Seen once: it leaves the alerts; the survey stays.
            let seen_at = at("2026-11-05T08:00:00Z");
            see_alert(db, id, Some(staff), seen_at).unwrap();
            see_alert(db, id, None, at("2026-11-09T08:00:00Z")).unwrap();
            assert!(alerts(db).unwrap().is_empty());
            let s = get(db, id).unwrap();
            assert_eq!(s.alert_seen_at, Some(seen_at));
            assert!(s.poor);
            let by: Option<i64> = db
                .row(
                    "SELECT alert_seen_by FROM surveys WHERE id = ?1",
                    &vals![id],
                )
                .unwrap()
                .unwrap()
                .get(0)
                .unwrap();
            assert_eq!(by, Some(staff.0));
            assert!(matches!(get(db, id + 100), Err(StoreError::NotFound)));
        });
    }
}
