//! The rows the dashboard's figures are computed from (`fidelia_core::kpi` decides what
//! counts). Reads across tables, like `export.rs`: each function gathers one kind of row for a
//! span of time, through the tables' indexes. Written once for both engines ([`crate::sql`]).

use chrono::{DateTime, Utc};
use fidelia_core::surveys::Answers;
use fidelia_core::ClientId;

use crate::sql::Row;
use crate::{parse_day, parse_opt_ts, parse_ts, ts, vals, Db, Result};

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
    db.map_rows(
        "SELECT pet_id, due_at, CASE WHEN status = 'realizada' THEN closed_at END FROM calls
         WHERE kind = 'seguimiento' AND due_at >= ?1 AND due_at < ?2",
        &vals![ts(from), ts(to)],
        followed,
    )
}

fn followed(r: &Row) -> Result<Followed> {
    Ok(Followed {
        pet_id: r.get(0)?,
        at: parse_ts(&r.get::<String>(1)?)?,
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
    db.map_rows(
        "SELECT client_id, created_at, answered_at,
                overall, care, facilities, availability, cleanliness, recommend, comment
         FROM surveys
         WHERE (created_at >= ?1 AND created_at < ?2) OR (answered_at >= ?1 AND answered_at < ?2)",
        &vals![ts(from), ts(to)],
        |r| {
            Ok(SurveyRow {
                client_id: ClientId(r.get(0)?),
                sent_at: parse_ts(&r.get::<String>(1)?)?,
                answered_at: parse_opt_ts(r.get(2)?)?,
                answers: Answers {
                    scores: (3..8).map(|i| r.get(i)).collect::<Result<_>>()?,
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
    db.map_rows(
        "SELECT pet_id FROM visits WHERE at >= ?1 AND at < ?2",
        &vals![ts(from), ts(to)],
        |r| r.get(0),
    )
}

/// Every pet's client, indexed by the pet's id (ids are SQLite's row numbers: dense); 0 where
/// no pet has that id.
pub fn pet_owners(db: &Db) -> Result<Vec<i64>> {
    let pairs: Vec<(i64, i64)> = db.map_rows("SELECT id, client_id FROM pets", &[], |r| {
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
    db.map_rows("SELECT i.pet_id, m.done_at, (SELECT min(v.at) FROM visits v WHERE v.pet_id = i.pet_id AND v.at >= m.done_at)
         FROM messages m JOIN message_items i ON i.message_id = m.id
         WHERE m.kind = 'cuidado' AND m.status = 'enviado' AND m.done_at >= ?1 AND m.done_at < ?2",
        &vals![ts(from), ts(to)],
        followed,
    )
}

/// Every win-back case: the day of its first call and the day the client came back.
pub fn winback(db: &Db) -> Result<Vec<(Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)>> {
    db.map_rows(
        "SELECT called_on, recovered_on FROM winback_cases",
        &[],
        |r| Ok((parse_day(r.get(0)?)?, parse_day(r.get(1)?)?)),
    )
}

/// How many clients were last seen before `before` (lapsed), not counting those whose pets
/// have all died nor those who objected to contact: the lapsed list's length.
pub fn lapsed_count(db: &Db, before: DateTime<Utc>) -> Result<u32> {
    let n: i64 = db.value(
        "SELECT count(*) FROM (
             SELECT client_id FROM pets GROUP BY client_id
             HAVING max(last_visit_at) < ?1 AND count(*) FILTER (WHERE deceased = 0) > 0) cl
         JOIN clients c ON c.id = cl.client_id
         WHERE c.consent_care = 1 AND c.preferred_channel <> 'ninguno'",
        &vals![ts(before)],
    )?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// What the visits between `from` and `to` were billed, in cents.
pub fn revenue(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<i64> {
    db.value("SELECT CAST(coalesce(sum(amount_cents), 0) AS BIGINT) FROM visits WHERE at >= ?1 AND at < ?2",
        &vals![ts(from), ts(to)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn the_dashboards_rows_on_each_engine() {
        on_each_engine(|db| {
            let (client, pet) = client_and_pet(db, "Ana");
            for (at, amount) in [
                ("2026-10-05T10:00:00Z", Some(3_000)),
                ("2026-11-05T10:00:00Z", Some(1_500)),
                ("2026-11-06T10:00:00Z", None),
            ] {
                visit(db, pet, at, amount);
            }
            db.execute(
                "INSERT INTO calls (kind, pet_id, due_at, scheduled_at, duration_min, status, reason, closed_at, created_at, updated_at)
                 VALUES ('seguimiento', ?1, '2026-11-06T09:00:00Z', '2026-11-06T09:00:00Z', 5, 'realizada', '', '2026-11-06T12:00:00Z', '2026-11-05T10:00:00Z', '2026-11-06T12:00:00Z')",
                &vals![pet.0],
            )
            .unwrap();
            let (from, to) = (at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z"));
            assert_eq!(revenue(db, from, to).unwrap(), 1_500);
            assert_eq!(
                revenue(db, at("2020-01-01T00:00:00Z"), at("2020-02-01T00:00:00Z")).unwrap(),
                0
            );
            assert_eq!(pets_seen(db, from, to).unwrap(), [pet.0, pet.0]);
            assert_eq!(pet_owners(db).unwrap()[pet.0 as usize], client.0);
            let f = follow_ups(db, from, to).unwrap();
            assert_eq!(
                (f.len(), f[0].pet_id, f[0].then),
                (1, pet.0, Some(at("2026-11-06T12:00:00Z")))
            );
            // Last seen on 6 November: lapsed as of December, not as of October.
            assert_eq!(lapsed_count(db, at("2026-12-01T00:00:00Z")).unwrap(), 1);
            assert_eq!(lapsed_count(db, at("2026-10-01T00:00:00Z")).unwrap(), 0);
            assert!(surveys(db, from, to).unwrap().is_empty());
            assert!(reminders_sent(db, from, to).unwrap().is_empty());
            assert!(winback(db).unwrap().is_empty());
        });
    }
}
