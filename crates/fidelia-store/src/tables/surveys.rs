//! The `surveys` table: one satisfaction survey per visit (its code, then its answers), and
//! the alerts a poor answer raises for the owner.

use chrono::{DateTime, Utc};
use fidelia_core::surveys::Answers;
use fidelia_core::{ClientId, PetId, StaffId, VisitId};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use crate::{found, parse_opt_ts, parse_ts, select_rows, ts, Db, Result};

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

fn from_row(r: &Row) -> rusqlite::Result<Survey> {
    Ok(Survey {
        id: r.get(0)?,
        code: r.get(1)?,
        visit_id: VisitId(r.get(2)?),
        visit_at: parse_ts(&r.get::<_, String>(3)?)?,
        visit_reason: r.get(4)?,
        pet_id: PetId(r.get(5)?),
        pet_name: r.get(6)?,
        client_id: ClientId(r.get(7)?),
        client_name: r.get(8)?,
        answered_at: parse_opt_ts(r.get(9)?)?,
        answered_via: r.get(10)?,
        answers: Answers {
            scores: (11..16)
                .map(|i| r.get(i))
                .collect::<rusqlite::Result<_>>()?,
            recommend: r.get(16)?,
            comment: r.get(17)?,
        },
        poor: r.get(18)?,
        alert_seen_at: parse_opt_ts(r.get(19)?)?,
        call_id: r.get(20)?,
    })
}

fn query(db: &Db, where_order: &str, args: impl rusqlite::Params) -> Result<Vec<Survey>> {
    select_rows(db, &format!("{SELECT} {where_order}"), args, from_row)
}

pub fn get(db: &Db, id: i64) -> Result<Survey> {
    found(
        db.conn()
            .query_row(&format!("{SELECT} WHERE s.id = ?1"), [id], from_row),
    )
}

/// The survey with this code (normalized), if any.
pub fn by_code(db: &Db, code: &str) -> Result<Option<Survey>> {
    Ok(query(db, "WHERE s.code = ?1", [code])?.pop())
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
    db.conn()
        .prepare_cached(
            "INSERT OR IGNORE INTO surveys (visit_id, client_id, code, created_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![visit.0, client.0, code, ts(now)])?;
    Ok(db
        .conn()
        .prepare_cached("SELECT id FROM surveys WHERE visit_id = ?1")?
        .query_row([visit.0], |r| r.get(0))?)
}

/// When the client was last sent (or asked) a survey.
pub fn last_of_client(db: &Db, client: ClientId) -> Result<Option<DateTime<Utc>>> {
    let t: Option<String> = db
        .conn()
        .prepare_cached("SELECT max(created_at) FROM surveys WHERE client_id = ?1")?
        .query_row([client.0], |r| r.get(0))?;
    parse_opt_ts(t).map_err(Into::into)
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
    let mut st = db.conn().prepare_cached(
        "SELECT v.id, p.id, p.client_id, v.at FROM visits v JOIN pets p ON p.id = v.pet_id
         WHERE v.at >= ?1 AND v.at < ?2 AND p.deceased = 0
           AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.visit_id = v.id)
         ORDER BY v.at, v.id",
    )?;
    let rows = st
        .query_map(params![ts(from), ts(to)], |r| {
            Ok(Candidate {
                visit: VisitId(r.get(0)?),
                pet: PetId(r.get(1)?),
                client: ClientId(r.get(2)?),
                at: parse_ts(&r.get::<_, String>(3)?)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
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
    let s = |i: usize| a.scores.get(i).copied().flatten();
    db.conn()
        .prepare_cached(
            "UPDATE surveys SET answered_at = ?2, answered_via = ?3, recorded_by = ?4, overall = ?5, care = ?6,
                    facilities = ?7, availability = ?8, cleanliness = ?9, recommend = ?10, comment = ?11, poor = ?12
             WHERE id = ?1",
        )?
        .execute(params![id, ts(at), via, staff.map(|s| s.0), s(0), s(1), s(2), s(3), s(4), a.recommend, a.comment, poor])?;
    Ok(())
}

/// Poor answers nobody has marked as seen yet: the owner's alerts, newest first.
pub fn alerts(db: &Db) -> Result<Vec<Survey>> {
    query(
        db,
        "WHERE s.poor = 1 AND s.alert_seen_at IS NULL ORDER BY s.answered_at DESC, s.id DESC",
        [],
    )
}

/// Marks an alert as seen (it leaves Home; the survey and its call stay).
pub fn see_alert(db: &Db, id: i64, staff: Option<StaffId>, at: DateTime<Utc>) -> Result<()> {
    db.conn().execute(
        "UPDATE surveys SET alert_seen_at = ?2, alert_seen_by = ?3 WHERE id = ?1 AND alert_seen_at IS NULL",
        params![id, ts(at), staff.map(|s| s.0)],
    )?;
    Ok(())
}

/// A client's answered surveys, newest first.
pub fn of_client(db: &Db, client: ClientId) -> Result<Vec<Survey>> {
    query(
        db,
        "WHERE s.client_id = ?1 AND s.answered_at IS NOT NULL ORDER BY s.answered_at DESC",
        [client.0],
    )
}

/// The id of a visit's survey, if it has one.
pub fn of_visit(db: &Db, visit: VisitId) -> Result<Option<i64>> {
    Ok(db
        .conn()
        .prepare_cached("SELECT id FROM surveys WHERE visit_id = ?1")?
        .query_row([visit.0], |r| r.get(0))
        .optional()?)
}
