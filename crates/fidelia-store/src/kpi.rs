//! The rows the dashboard's figures are computed from (`fidelia_core::kpi` decides what
//! counts). Reads across tables, like `export.rs`: each function gathers one kind of row for a
//! span of time, through the tables' indexes.

use chrono::{DateTime, Utc};
use fidelia_core::surveys::Answers;
use fidelia_core::ClientId;
use rusqlite::params;

use crate::{parse_day, parse_opt_ts, parse_ts, select_rows, ts, Db, Result};

/// Something that happened to a pet, and when what followed it did (if it did).
#[derive(Debug, Clone, Copy)]
pub struct Followed {
    pub pet_id: i64,
    pub at: DateTime<Utc>,
    pub then: Option<DateTime<Utc>>,
}

/// Follow-up calls (kind `seguimiento`) due between `from` and `to`: when each fell due, and
/// when it was made if it was (closed as done). Read from their own index alone.
pub fn follow_ups(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Followed>> {
    select_rows(
        db,
        "SELECT pet_id, due_at, CASE WHEN status = 'realizada' THEN closed_at END FROM calls
         WHERE kind = 'seguimiento' AND due_at >= ?1 AND due_at < ?2",
        params![ts(from), ts(to)],
        followed,
    )
}

fn followed(r: &rusqlite::Row) -> rusqlite::Result<Followed> {
    Ok(Followed {
        pet_id: r.get(0)?,
        at: parse_ts(&r.get::<_, String>(1)?)?,
        then: parse_opt_ts(r.get(2)?)?,
    })
}

/// A survey sent, or answered, in the span.
#[derive(Debug, Clone)]
pub struct SurveyRow {
    pub client_id: ClientId,
    pub sent_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answers: Answers,
}

/// Surveys sent or answered between `from` and `to`.
pub fn surveys(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<SurveyRow>> {
    select_rows(
        db,
        "SELECT client_id, created_at, answered_at,
                overall, care, facilities, availability, cleanliness, recommend, comment
         FROM surveys
         WHERE (created_at >= ?1 AND created_at < ?2) OR (answered_at >= ?1 AND answered_at < ?2)",
        params![ts(from), ts(to)],
        |r| {
            Ok(SurveyRow {
                client_id: ClientId(r.get(0)?),
                sent_at: parse_ts(&r.get::<_, String>(1)?)?,
                answered_at: parse_opt_ts(r.get(2)?)?,
                answers: Answers {
                    scores: (3..8).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?,
                    recommend: r.get(8)?,
                    comment: r.get(9)?,
                },
            })
        },
    )
}

/// The pets seen (a visit) between `from` and `to`, once per visit, read from the visits' time
/// index alone (SQLite's DISTINCT would sort them: the caller marks them off instead).
pub fn pets_seen(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<i64>> {
    select_rows(
        db,
        "SELECT pet_id FROM visits WHERE at >= ?1 AND at < ?2",
        params![ts(from), ts(to)],
        |r| r.get(0),
    )
}

/// Every pet's client, indexed by the pet's id (ids are SQLite's row numbers: dense); 0 where
/// no pet has that id.
pub fn pet_owners(db: &Db) -> Result<Vec<i64>> {
    let pairs: Vec<(i64, i64)> = select_rows(db, "SELECT id, client_id FROM pets", [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    let last = pairs.iter().map(|(p, _)| *p).max().unwrap_or(0);
    let mut owners = vec![0; usize::try_from(last).unwrap_or(0) + 1];
    for (pet, client) in pairs {
        if let Ok(i) = usize::try_from(pet) {
            owners[i] = client;
        }
    }
    Ok(owners)
}

/// Care reminders sent between `from` and `to`, one row per pet reminded: when it was sent, and
/// the pet's first visit from then on.
pub fn reminders_sent(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Followed>> {
    select_rows(
        db,
        "SELECT i.pet_id, m.done_at, (SELECT min(v.at) FROM visits v WHERE v.pet_id = i.pet_id AND v.at >= m.done_at)
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
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT count(*) FROM (
             SELECT client_id FROM pets GROUP BY client_id
             HAVING max(last_visit_at) < ?1 AND sum(deceased = 0) > 0) cl
         JOIN clients c ON c.id = cl.client_id
         WHERE c.consent_care = 1 AND c.preferred_channel <> 'ninguno'",
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
