//! The rows the dashboard's figures are computed from (`fidelia_core::kpi` decides what
//! counts). Reads across tables, like `export.rs`: each function gathers one kind of row for a
//! span of time, through the tables' indexes.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use fidelia_core::surveys::Answers;
use fidelia_core::ClientId;
use rusqlite::params;

use crate::{parse_day, parse_opt_ts, parse_ts, select_rows, ts, Db, Result};

/// When something happened, and when what followed it did (if it did).
pub type Followed = (DateTime<Utc>, Option<DateTime<Utc>>);

/// Follow-up calls (kind `seguimiento`) due between `from` and `to`: when each fell due, and
/// when it was made if it was (closed as done).
pub fn follow_ups(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Followed>> {
    select_rows(
        db,
        "SELECT due_at, CASE WHEN status = 'realizada' THEN closed_at END FROM calls
         WHERE kind = 'seguimiento' AND due_at >= ?1 AND due_at < ?2",
        params![ts(from), ts(to)],
        followed,
    )
}

fn followed(r: &rusqlite::Row) -> rusqlite::Result<Followed> {
    Ok((parse_ts(&r.get::<_, String>(0)?)?, parse_opt_ts(r.get(1)?)?))
}

/// A survey sent, or answered, in the span.
#[derive(Debug, Clone)]
pub struct SurveyRow {
    pub client_id: ClientId,
    pub client_name: String,
    pub sent_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answers: Answers,
}

/// Surveys sent or answered between `from` and `to`.
pub fn surveys(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<SurveyRow>> {
    let mut st = db.conn().prepare_cached(
        "SELECT s.client_id, c.first_name || ' ' || c.surnames, s.created_at, s.answered_at,
                s.overall, s.care, s.facilities, s.availability, s.cleanliness, s.recommend, s.comment
         FROM surveys s JOIN clients c ON c.id = s.client_id
         WHERE (s.created_at >= ?1 AND s.created_at < ?2) OR (s.answered_at >= ?1 AND s.answered_at < ?2)",
    )?;
    let rows = st
        .query_map(params![ts(from), ts(to)], |r| {
            Ok(SurveyRow {
                client_id: ClientId(r.get(0)?),
                client_name: r.get(1)?,
                sent_at: parse_ts(&r.get::<_, String>(2)?)?,
                answered_at: parse_opt_ts(r.get(3)?)?,
                answers: Answers {
                    scores: (4..9).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?,
                    recommend: r.get(9)?,
                    comment: r.get(10)?,
                },
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The pets seen (a visit) between `from` and `to`, read from the visits' time index alone.
pub fn pets_seen(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<HashSet<i64>> {
    let mut st = db
        .conn()
        .prepare_cached("SELECT DISTINCT pet_id FROM visits WHERE at >= ?1 AND at < ?2")?;
    let rows = st
        .query_map(params![ts(from), ts(to)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Every pet's client: pet id → client id.
pub fn pet_owners(db: &Db) -> Result<std::collections::HashMap<i64, i64>> {
    let mut st = db.conn().prepare_cached("SELECT id, client_id FROM pets")?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Care reminders sent between `from` and `to`, one row per pet reminded: when it was sent, and
/// the pet's first visit from then on.
pub fn reminders_sent(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Followed>> {
    select_rows(
        db,
        "SELECT m.done_at, (SELECT min(v.at) FROM visits v WHERE v.pet_id = i.pet_id AND v.at >= m.done_at)
         FROM messages m JOIN message_items i ON i.message_id = m.id
         WHERE m.kind = 'cuidado' AND m.status = 'enviado' AND m.done_at >= ?1 AND m.done_at < ?2",
        params![ts(from), ts(to)],
        followed,
    )
}

/// Every win-back case: the day of its first call and the day the client came back.
pub fn winback(db: &Db) -> Result<Vec<(Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)>> {
    let mut st = db
        .conn()
        .prepare_cached("SELECT called_on, recovered_on FROM winback_cases")?;
    let rows = st
        .query_map([], |r| Ok((parse_day(r.get(0)?)?, parse_day(r.get(1)?)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// How many clients were last seen before `before` (lapsed), not counting those whose pets
/// have all died nor those who objected to contact: the lapsed list's length.
pub fn lapsed_count(db: &Db, before: DateTime<Utc>) -> Result<u32> {
    Ok(db.conn().prepare_cached(
        "WITH pet_last AS (
             SELECT p.client_id, p.deceased_on, (SELECT max(v.at) FROM visits v WHERE v.pet_id = p.id) AS last_at
             FROM pets p),
         client_last AS (
             SELECT client_id, max(last_at) AS last_at, sum(deceased_on IS NULL) AS living
             FROM pet_last GROUP BY client_id)
         SELECT count(*) FROM client_last cl JOIN clients c ON c.id = cl.client_id
         WHERE cl.last_at < ?1 AND cl.living > 0 AND c.consent_care = 1 AND c.preferred_channel <> 'ninguno'",
    )?
    .query_row([ts(before)], |r| r.get(0))?)
}

/// What the visits between `from` and `to` were billed, in cents.
pub fn revenue(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<i64> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT coalesce(sum(amount_cents), 0) FROM visits WHERE at >= ?1 AND at < ?2",
        )?
        .query_row(params![ts(from), ts(to)], |r| r.get(0))?)
}
