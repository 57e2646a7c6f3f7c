//! The `calls` and `call_attempts` tables: calls to make (follow-ups of visits, courtesy calls),
//! each attempt, and what the agenda, the counters and the notifier read.

use chrono::{DateTime, Duration, Utc};
use fidelia_core::calls::*;
use fidelia_core::*;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::{found, parse_ts, ts, word, Db, Result, StoreError};

const SELECT: &str = "SELECT k.id, k.kind, k.visit_id, k.pet_id, p.name, c.id, c.first_name || ' ' || c.surnames,
                             CASE WHEN c.phone1 <> '' THEN c.phone1 ELSE c.phone2 END, k.staff_id, s.name,
                             k.due_at, k.scheduled_at, k.duration_min, k.status, k.reason,
                             (SELECT count(*) FROM call_attempts a WHERE a.call_id = k.id), k.notified_at IS NOT NULL
                      FROM calls k JOIN pets p ON p.id = k.pet_id JOIN clients c ON c.id = p.client_id
                      LEFT JOIN staff s ON s.id = k.staff_id";

fn from_row(r: &Row, now: DateTime<Utc>) -> rusqlite::Result<Call> {
    let scheduled_at = parse_ts(&r.get::<_, String>(11)?)?;
    let duration_min: i64 = r.get(12)?;
    let status = word(r.get(13)?, CallStatus::parse)?;
    Ok(Call {
        id: CallId(r.get(0)?),
        kind: word(r.get(1)?, CallKind::parse)?,
        visit_id: r.get::<_, Option<i64>>(2)?.map(VisitId),
        pet_id: PetId(r.get(3)?),
        pet_name: r.get(4)?,
        client_id: ClientId(r.get(5)?),
        client_name: r.get(6)?,
        phone: r.get(7)?,
        staff_id: r.get::<_, Option<i64>>(8)?.map(StaffId),
        staff_name: r.get(9)?,
        due_at: parse_ts(&r.get::<_, String>(10)?)?,
        scheduled_at,
        duration_min,
        status,
        reason: r.get(14)?,
        attempts: r.get(15)?,
        notified: r.get(16)?,
        overdue: status == CallStatus::Pending
            && scheduled_at + Duration::minutes(duration_min) < now,
    })
}

pub fn get(db: &Db, id: CallId, now: DateTime<Utc>) -> Result<Call> {
    found(
        db.conn()
            .query_row(&format!("{SELECT} WHERE k.id = ?1"), [id.0], |r| {
                from_row(r, now)
            }),
    )
}

fn query(
    conn: &Connection,
    where_order: &str,
    args: impl rusqlite::Params,
    now: DateTime<Utc>,
) -> Result<Vec<Call>> {
    let mut st = conn.prepare_cached(&format!("{SELECT} {where_order}"))?;
    let rows = st
        .query_map(args, |r| from_row(r, now))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Open calls for the window's and the tray's counters.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CallCounts {
    /// Pending and already due (their time has come).
    pub due: i64,
    /// Pending and past their slot.
    pub overdue: i64,
    /// Pending, due by the end of today.
    pub today: i64,
}

/// A call to insert.
pub struct NewCall<'a> {
    pub kind: CallKind,
    pub visit: Option<VisitId>,
    pub pet: PetId,
    pub staff: Option<StaffId>,
    pub due_at: DateTime<Utc>,
    pub scheduled_at: DateTime<Utc>,
    pub duration_min: i64,
    pub reason: &'a str,
    /// What the call is about, when it is not a visit: a reminder step or a survey
    /// (`cuidado:…:llamada`, `encuesta:<id>`); unique, so it gets one call, ever.
    pub item_key: Option<&'a str>,
}

pub fn insert(db: &Db, c: &NewCall, now: DateTime<Utc>) -> Result<CallId> {
    let conn = db.conn();
    conn.prepare_cached(
        "INSERT INTO calls (kind, visit_id, pet_id, staff_id, due_at, scheduled_at, duration_min, status, reason, item_key, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pendiente', ?8, ?9, ?10, ?10)",
    )?
    .execute(params![c.kind.as_str(), c.visit.map(|v| v.0), c.pet.0, c.staff.map(|s| s.0), ts(c.due_at), ts(c.scheduled_at), c.duration_min, c.reason, c.item_key, ts(now)])?;
    Ok(CallId(conn.last_insert_rowid()))
}

/// What a call is about, when it is not a visit (see [`NewCall::item_key`]).
pub fn item_key(db: &Db, id: CallId) -> Result<Option<String>> {
    found(
        db.conn()
            .prepare_cached("SELECT item_key FROM calls WHERE id = ?1")?
            .query_row([id.0], |r| r.get(0)),
    )
}

/// Whether an item (a reminder step, a survey) already has its call.
pub fn has_item(db: &Db, key: &str) -> Result<bool> {
    Ok(db
        .conn()
        .prepare_cached("SELECT 1 FROM calls WHERE item_key = ?1")?
        .query_row([key], |_| Ok(()))
        .optional()?
        .is_some())
}

/// A visit's follow-up call, if it has one: its id, status and number of attempts.
pub fn follow_up_of_visit(db: &Db, visit: VisitId) -> Result<Option<(CallId, CallStatus, i64)>> {
    let row: Option<(i64, String, i64)> = db
        .conn()
        .prepare_cached(
            "SELECT id, status, (SELECT count(*) FROM call_attempts a WHERE a.call_id = calls.id) FROM calls WHERE visit_id = ?1",
        )?
        .query_row([visit.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(id, status, n)| Ok((CallId(id), word(status, CallStatus::parse)?, n)))
        .transpose()
        .map_err(|e: rusqlite::Error| e.into())
}

/// Moves a call nobody has tried yet to a new time, reopened if it was cancelled. Its
/// notification is kept only if the time did not change.
pub fn reschedule(db: &Db, id: CallId, c: &NewCall, now: DateTime<Utc>) -> Result<()> {
    db.conn().prepare_cached(
        "UPDATE calls SET pet_id = ?2, staff_id = ?3, due_at = ?4, scheduled_at = ?5, reason = ?6, status = 'pendiente',
                notified_at = CASE WHEN scheduled_at = ?5 THEN notified_at END, closed_at = NULL, updated_at = ?7 WHERE id = ?1",
    )?
    .execute(params![id.0, c.pet.0, c.staff.map(|s| s.0), ts(c.due_at), ts(c.scheduled_at), c.reason, ts(now)])?;
    Ok(())
}

/// Closes a call: done (`Done`), unreachable (`Unreachable`) or cancelled (`Cancelled`).
pub fn close(db: &Db, id: CallId, status: CallStatus, now: DateTime<Utc>) -> Result<()> {
    db.conn().execute(
        "UPDATE calls SET status = ?2, closed_at = ?3, updated_at = ?3 WHERE id = ?1",
        params![id.0, status.as_str(), ts(now)],
    )?;
    Ok(())
}

/// Cancels a pet's open calls.
pub fn cancel_open_of_pet(db: &Db, pet: PetId, now: DateTime<Utc>) -> Result<()> {
    db.conn().execute("UPDATE calls SET status = 'cancelada', closed_at = ?2, updated_at = ?2 WHERE pet_id = ?1 AND status = 'pendiente'", params![pet.0, ts(now)])?;
    Ok(())
}

/// Cancels a visit's open call.
pub fn cancel_open_of_visit(db: &Db, visit: VisitId, now: DateTime<Utc>) -> Result<()> {
    db.conn().execute("UPDATE calls SET status = 'cancelada', closed_at = ?2, updated_at = ?2 WHERE visit_id = ?1 AND status = 'pendiente'", params![visit.0, ts(now)])?;
    Ok(())
}

/// A new moment to call: it gets its own notification when due.
pub fn retry_at(db: &Db, id: CallId, next: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    db.conn().execute(
        "UPDATE calls SET scheduled_at = ?2, notified_at = NULL, updated_at = ?3 WHERE id = ?1",
        params![id.0, ts(next), ts(now)],
    )?;
    Ok(())
}

/// The script edited for this call ("" = none).
pub fn own_script(db: &Db, id: CallId) -> Result<String> {
    Ok(db
        .conn()
        .query_row("SELECT script FROM calls WHERE id = ?1", [id.0], |r| {
            r.get(0)
        })?)
}

pub fn set_script(db: &Db, id: CallId, script: &str) -> Result<()> {
    db.conn().execute(
        "UPDATE calls SET script = ?2 WHERE id = ?1",
        params![id.0, script],
    )?;
    Ok(())
}

/// `NotFound` if there is no such call.
pub fn assign(db: &Db, id: CallId, staff: Option<StaffId>, now: DateTime<Utc>) -> Result<()> {
    if db.conn().execute(
        "UPDATE calls SET staff_id = ?2, updated_at = ?3 WHERE id = ?1",
        params![id.0, staff.map(|s| s.0), ts(now)],
    )? == 0
    {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub fn add_attempt(
    db: &Db,
    id: CallId,
    now: DateTime<Utc>,
    staff: Option<StaffId>,
    outcome: CallOutcome,
    notes: &str,
) -> Result<()> {
    db.conn().execute(
        "INSERT INTO call_attempts (call_id, at, staff_id, outcome, notes) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id.0, ts(now), staff.map(|s| s.0), outcome.as_str(), notes],
    )?;
    Ok(())
}

/// A call's attempts, oldest first.
pub fn attempts(db: &Db, id: CallId) -> Result<Vec<CallAttempt>> {
    let mut st = db.conn().prepare_cached(
        "SELECT a.at, s.name, a.outcome, a.notes FROM call_attempts a LEFT JOIN staff s ON s.id = a.staff_id WHERE a.call_id = ?1 ORDER BY a.at, a.id",
    )?;
    let rows = st
        .query_map([id.0], |r| {
            Ok(CallAttempt {
                at: parse_ts(&r.get::<_, String>(0)?)?,
                staff_name: r.get(1)?,
                outcome: word(r.get(2)?, CallOutcome::parse)?,
                notes: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Pending calls scheduled before `to` (overdue ones included, however old), and calls closed
/// in `from..to`, by scheduled time. Two index-friendly queries (open calls by time, closed
/// ones by when they closed) rather than one OR that would read the whole history of calls.
pub fn for_agenda(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    staff: Option<StaffId>,
    now: DateTime<Utc>,
) -> Result<Vec<Call>> {
    let conn = db.conn();
    let staff_id = staff.map(|s| s.0);
    let mut calls = query(
        conn,
        "WHERE k.status = 'pendiente' AND k.scheduled_at < ?1 AND (?2 IS NULL OR k.staff_id = ?2)",
        params![ts(to), staff_id],
        now,
    )?;
    calls.extend(query(
        conn,
        "WHERE k.status IN ('realizada', 'ilocalizable') AND k.closed_at >= ?1 AND k.closed_at < ?2
           AND (?3 IS NULL OR k.staff_id = ?3)",
        params![ts(from), ts(to), staff_id],
        now,
    )?);
    calls.sort_by_key(|c| (c.scheduled_at, c.id));
    Ok(calls)
}

/// Counts of open calls as of `now`; `end_of_today` bounds "today".
pub fn counts(db: &Db, now: DateTime<Utc>, end_of_today: DateTime<Utc>) -> Result<CallCounts> {
    let mut st = db.conn().prepare_cached(
        "SELECT count(*) FILTER (WHERE scheduled_at <= ?1),
                count(*) FILTER (WHERE datetime(scheduled_at, '+' || duration_min || ' minutes') < datetime(?1)),
                count(*) FILTER (WHERE scheduled_at < ?2)
         FROM calls WHERE status = 'pendiente' AND scheduled_at < ?2",
    )?;
    Ok(st.query_row([ts(now), ts(end_of_today)], |r| {
        Ok(CallCounts {
            due: r.get(0)?,
            overdue: r.get(1)?,
            today: r.get(2)?,
        })
    })?)
}

/// Pending calls whose time has come and that were never notified.
pub fn to_notify(db: &Db, now: DateTime<Utc>) -> Result<Vec<Call>> {
    query(db.conn(), "WHERE k.status = 'pendiente' AND k.scheduled_at <= ?1 AND k.notified_at IS NULL ORDER BY k.scheduled_at, k.id", [ts(now)], now)
}

/// Records that these calls' notifications were shown, each for the time it was scheduled at
/// when it was read (`(call, scheduled_at)`): a call moved since (a retry after "no answer")
/// is not marked, and is notified at its new time. Returns how many were marked.
pub fn mark_notified(
    db: &Db,
    calls: &[(CallId, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut st = db.conn().prepare_cached(
        "UPDATE calls SET notified_at = ?3
         WHERE id = ?1 AND scheduled_at = ?2 AND notified_at IS NULL AND status = 'pendiente'",
    )?;
    let mut marked = 0;
    for (id, scheduled) in calls {
        marked += st.execute(params![id.0, ts(*scheduled), ts(now)])?;
    }
    Ok(marked)
}

/// The calls of a client's pets, newest first.
pub fn of_client(db: &Db, client: ClientId, now: DateTime<Utc>) -> Result<Vec<Call>> {
    query(
        db.conn(),
        "WHERE c.id = ?1 ORDER BY k.scheduled_at DESC, k.id DESC",
        [client.0],
        now,
    )
}

/// Adds `n` closed calls spread over the ten years before `now`, for benchmarks (a clinic's
/// history of calls made).
pub fn seed_past(db: &Db, n: i64, now: DateTime<Utc>) -> Result<()> {
    db.conn().execute(
        "INSERT INTO calls (kind, pet_id, due_at, scheduled_at, duration_min, status, reason, notified_at, closed_at, created_at, updated_at)
         WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1),
              times(i, t) AS (SELECT i, strftime('%Y-%m-%dT%H:%M:%SZ', ?2, '-' || (i * 7919 % 3650) || ' days', '-' || (i % 600) || ' minutes') FROM seq)
         SELECT 'seguimiento', 1 + (i % (SELECT max(id) FROM pets)), t, t, 5, 'realizada', '', t, t, t, t FROM times",
        params![n, ts(now)],
    )?;
    Ok(())
}

/// The demo's history of calls, as a real team's: of the follow-ups settled by
/// [`settle_past_due`] before the last two days, one in seven was made a day late and one in
/// thirty-one never reached the client.
pub fn vary_settled(db: &Db, now: DateTime<Utc>) -> Result<()> {
    let before = ts(now - Duration::days(2));
    let conn = db.conn();
    conn.execute(
        "UPDATE calls SET closed_at = strftime('%Y-%m-%dT%H:%M:%SZ', closed_at, '+1 day')
         WHERE kind = 'seguimiento' AND status = 'realizada' AND closed_at < ?1 AND id % 7 = 3",
        [&before],
    )?;
    conn.execute(
        "UPDATE calls SET status = 'ilocalizable'
         WHERE kind = 'seguimiento' AND status = 'realizada' AND closed_at < ?1 AND id % 31 = 5",
        [&before],
    )?;
    Ok(())
}

/// As if the clinic had been using Fidelia (the demo): every call already due before `now` was
/// made at its time, but for the `keep` latest, still waiting (overdue).
pub fn settle_past_due(db: &Db, now: DateTime<Utc>, keep: i64) -> Result<()> {
    let past_due = "SELECT id FROM calls WHERE status = 'pendiente' AND scheduled_at < ?1
                    AND id NOT IN (SELECT id FROM calls WHERE status = 'pendiente' AND scheduled_at < ?1 ORDER BY scheduled_at DESC LIMIT ?2)";
    let conn = db.conn();
    conn.execute(&format!("INSERT INTO call_attempts (call_id, at, staff_id, outcome, notes) SELECT id, scheduled_at, staff_id, 'mejor', '' FROM calls WHERE id IN ({past_due})"), params![ts(now), keep])?;
    conn.execute(&format!("UPDATE calls SET status = 'realizada', closed_at = scheduled_at, notified_at = scheduled_at, updated_at = scheduled_at WHERE id IN ({past_due})"), params![ts(now), keep])?;
    Ok(())
}
