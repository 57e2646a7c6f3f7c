//! The `calls` and `call_attempts` tables: calls to make (follow-ups of visits, courtesy calls),
//! each attempt, and what the agenda, the counters and the notifier read (written once for both
//! engines: [`crate::sql`]). Every update of a call adds one to its `version` (but for
//! [`mark_notified`]), so a screen that shows a call can tell whether it changed since.

use chrono::{DateTime, Duration, Utc};
use fidelia_core::calls::*;
use fidelia_core::*;
use serde::Serialize;

use crate::sql::{Row, Value};
use crate::{parse_ts, ts, vals, word, Db, Result, StoreError};

const SELECT: &str = "SELECT k.id, k.kind, k.visit_id, k.pet_id, p.name, c.id, c.first_name || ' ' || c.surnames,
                             CASE WHEN c.phone1 <> '' THEN c.phone1 ELSE c.phone2 END, k.staff_id, s.name,
                             k.due_at, k.scheduled_at, k.duration_min, k.status, k.reason,
                             (SELECT count(*) FROM call_attempts a WHERE a.call_id = k.id), k.notified_at IS NOT NULL, k.version
                      FROM calls k JOIN pets p ON p.id = k.pet_id JOIN clients c ON c.id = p.client_id
                      LEFT JOIN staff s ON s.id = k.staff_id";

fn from_row(r: &Row, now: DateTime<Utc>) -> Result<Call> {
    let scheduled_at = parse_ts(&r.get::<String>(11)?)?;
    let duration_min: i64 = r.get(12)?;
    let status = word(r.get(13)?, CallStatus::parse)?;
    Ok(Call {
        id: CallId(r.get(0)?),
        kind: word(r.get(1)?, CallKind::parse)?,
        visit_id: r.get::<Option<i64>>(2)?.map(VisitId),
        pet_id: PetId(r.get(3)?),
        pet_name: r.get(4)?,
        client_id: ClientId(r.get(5)?),
        client_name: r.get(6)?,
        phone: r.get(7)?,
        staff_id: r.get::<Option<i64>>(8)?.map(StaffId),
        staff_name: r.get(9)?,
        due_at: parse_ts(&r.get::<String>(10)?)?,
        scheduled_at,
        duration_min,
        status,
        reason: r.get(14)?,
        attempts: r.get(15)?,
        notified: r.get(16)?,
        overdue: status == CallStatus::Pending
            && scheduled_at + Duration::minutes(duration_min) < now,
        version: r.get(17)?,
    })
}

pub fn get(db: &Db, id: CallId, now: DateTime<Utc>) -> Result<Call> {
    let row = db.row(&format!("{SELECT} WHERE k.id = ?1"), &vals![id.0])?;
    from_row(&row.ok_or(StoreError::NotFound)?, now)
}

fn query(db: &Db, where_order: &str, args: &[Value], now: DateTime<Utc>) -> Result<Vec<Call>> {
    db.map_rows(&format!("{SELECT} {where_order}"), args, |r| {
        from_row(r, now)
    })
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
    let id = db.insert(
        "INSERT INTO calls (kind, visit_id, pet_id, staff_id, due_at, scheduled_at, duration_min, status, reason, item_key, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pendiente', ?8, ?9, ?10, ?10)",
        &vals![c.kind.as_str(), c.visit.map(|v| v.0), c.pet.0, c.staff.map(|s| s.0), ts(c.due_at), ts(c.scheduled_at), c.duration_min, c.reason, c.item_key, ts(now)],
    )?;
    Ok(CallId(id))
}

/// The call's version: one more at every change of it ([`Call::version`]); `NotFound` if
/// there is no such call.
pub fn version(db: &Db, id: CallId) -> Result<i64> {
    db.value("SELECT version FROM calls WHERE id = ?1", &vals![id.0])
}

/// What a call is about, when it is not a visit (see [`NewCall::item_key`]).
pub fn item_key(db: &Db, id: CallId) -> Result<Option<String>> {
    db.value("SELECT item_key FROM calls WHERE id = ?1", &vals![id.0])
}

/// Whether an item (a reminder step, a survey) already has its call.
pub fn has_item(db: &Db, key: &str) -> Result<bool> {
    Ok(!items_among(db, &[key.to_owned()])?.is_empty())
}

/// The keys among `keys` that already have a call (one statement for a morning's items).
pub fn items_among(db: &Db, keys: &[String]) -> Result<std::collections::HashSet<String>> {
    super::keys_among(db, "calls", keys)
}

/// A visit's follow-up call, if it has one: its id, status and number of attempts.
pub fn follow_up_of_visit(db: &Db, visit: VisitId) -> Result<Option<(CallId, CallStatus, i64)>> {
    db.row(
        "SELECT id, status, (SELECT count(*) FROM call_attempts a WHERE a.call_id = calls.id) FROM calls WHERE visit_id = ?1",
        &vals![visit.0],
    )?
    .map(|r| {
        Ok((
            CallId(r.get(0)?),
            word(r.get(1)?, CallStatus::parse)?,
            r.get(2)?,
        ))
    })
    .transpose()
}

/// Moves a call nobody has tried yet to a new time, reopened if it was cancelled. Its
/// notification is kept only if the time did not change.
pub fn reschedule(db: &Db, id: CallId, c: &NewCall, now: DateTime<Utc>) -> Result<()> {
    db.execute(
        "UPDATE calls SET pet_id = ?2, staff_id = ?3, due_at = ?4, scheduled_at = ?5, reason = ?6, status = 'pendiente',
                notified_at = CASE WHEN scheduled_at = ?5 THEN notified_at END, closed_at = NULL, updated_at = ?7,
                version = version + 1 WHERE id = ?1",
        &vals![id.0, c.pet.0, c.staff.map(|s| s.0), ts(c.due_at), ts(c.scheduled_at), c.reason, ts(now)],
    )?;
    Ok(())
}

/// Closes a call: done (`Done`), unreachable (`Unreachable`) or cancelled (`Cancelled`).
pub fn close(db: &Db, id: CallId, status: CallStatus, now: DateTime<Utc>) -> Result<()> {
    db.execute(
        "UPDATE calls SET status = ?2, closed_at = ?3, updated_at = ?3, version = version + 1 WHERE id = ?1",
        &vals![id.0, status.as_str(), ts(now)],
    )?;
    Ok(())
}

/// Cancels a pet's open calls.
pub fn cancel_open_of_pet(db: &Db, pet: PetId, now: DateTime<Utc>) -> Result<()> {
    db.execute("UPDATE calls SET status = 'cancelada', closed_at = ?2, updated_at = ?2, version = version + 1 WHERE pet_id = ?1 AND status = 'pendiente'", &vals![pet.0, ts(now)])?;
    Ok(())
}

/// Cancels a visit's open call.
pub fn cancel_open_of_visit(db: &Db, visit: VisitId, now: DateTime<Utc>) -> Result<()> {
    db.execute("UPDATE calls SET status = 'cancelada', closed_at = ?2, updated_at = ?2, version = version + 1 WHERE visit_id = ?1 AND status = 'pendiente'", &vals![visit.0, ts(now)])?;
    Ok(())
}

/// A new moment to call: it gets its own notification when due.
pub fn retry_at(db: &Db, id: CallId, next: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    db.execute(
        "UPDATE calls SET scheduled_at = ?2, notified_at = NULL, updated_at = ?3, version = version + 1 WHERE id = ?1",
        &vals![id.0, ts(next), ts(now)],
    )?;
    Ok(())
}

/// The script edited for this call ("" = none); `NotFound` if there is no such call.
pub fn own_script(db: &Db, id: CallId) -> Result<String> {
    db.value("SELECT script FROM calls WHERE id = ?1", &vals![id.0])
}

pub fn set_script(db: &Db, id: CallId, script: &str) -> Result<()> {
    db.execute(
        "UPDATE calls SET script = ?2, version = version + 1 WHERE id = ?1",
        &vals![id.0, script],
    )?;
    Ok(())
}

/// `NotFound` if there is no such call.
pub fn assign(db: &Db, id: CallId, staff: Option<StaffId>, now: DateTime<Utc>) -> Result<()> {
    if db.execute(
        "UPDATE calls SET staff_id = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1",
        &vals![id.0, staff.map(|s| s.0), ts(now)],
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
    db.execute(
        "INSERT INTO call_attempts (call_id, at, staff_id, outcome, notes) VALUES (?1, ?2, ?3, ?4, ?5)",
        &vals![id.0, ts(now), staff.map(|s| s.0), outcome.as_str(), notes],
    )?;
    Ok(())
}

/// A call's attempts, oldest first.
pub fn attempts(db: &Db, id: CallId) -> Result<Vec<CallAttempt>> {
    db.map_rows("SELECT a.at, s.name, a.outcome, a.notes FROM call_attempts a LEFT JOIN staff s ON s.id = a.staff_id WHERE a.call_id = ?1 ORDER BY a.at, a.id",
        &vals![id.0], |r| {
        Ok(CallAttempt {
            at: parse_ts(&r.get::<String>(0)?)?,
            staff_name: r.get(1)?,
            outcome: word(r.get(2)?, CallOutcome::parse)?,
            notes: r.get(3)?,
        })
    })
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
    let staff_id = staff.map(|s| s.0);
    let mut calls = query(
        db,
        "WHERE k.status = 'pendiente' AND k.scheduled_at < ?1 AND (CAST(?2 AS BIGINT) IS NULL OR k.staff_id = ?2)",
        &vals![ts(to), staff_id],
        now,
    )?;
    calls.extend(query(
        db,
        "WHERE k.status IN ('realizada', 'ilocalizable') AND k.closed_at >= ?1 AND k.closed_at < ?2
           AND (CAST(?3 AS BIGINT) IS NULL OR k.staff_id = ?3)",
        &vals![ts(from), ts(to), staff_id],
        now,
    )?);
    calls.sort_by_key(|c| (c.scheduled_at, c.id));
    Ok(calls)
}

/// Counts of open calls as of `now`; `end_of_today` bounds "today".
pub fn counts(db: &Db, now: DateTime<Utc>, end_of_today: DateTime<Utc>) -> Result<CallCounts> {
    let sql = format!(
        "SELECT count(*) FILTER (WHERE scheduled_at <= ?1),
                count(*) FILTER (WHERE {} < ?1),
                count(*) FILTER (WHERE scheduled_at < ?2)
         FROM calls WHERE status = 'pendiente' AND scheduled_at < ?2",
        db.dialect().plus_minutes("scheduled_at", "duration_min")
    );
    let r = db
        .row(&sql, &vals![ts(now), ts(end_of_today)])?
        .ok_or(StoreError::NotFound)?;
    Ok(CallCounts {
        due: r.get(0)?,
        overdue: r.get(1)?,
        today: r.get(2)?,
    })
}

/// Pending calls whose time has come and that were never notified.
pub fn to_notify(db: &Db, now: DateTime<Utc>) -> Result<Vec<Call>> {
    query(db, "WHERE k.status = 'pendiente' AND k.scheduled_at <= ?1 AND k.notified_at IS NULL ORDER BY k.scheduled_at, k.id", &vals![ts(now)], now)
}

/// Records that these calls' notifications were shown, each for the time it was scheduled at
/// when it was read (`(call, scheduled_at)`): a call moved since (a retry after "no answer")
/// is not marked, and is notified at its new time. Returns how many were marked.
///
/// The only update of a call that leaves its version alone: it is the notifier's note that a
/// reminder was shown, not a change anyone made to the call, and a call screen open meanwhile
/// must not be told that another person changed it. Nothing can be lost by it: it writes
/// only while the call is still pending at the time that was read.
pub fn mark_notified(
    db: &Db,
    calls: &[(CallId, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> Result<usize> {
    let now = ts(now);
    let mut marked = 0;
    for (id, scheduled) in calls {
        marked += db.execute(
            "UPDATE calls SET notified_at = ?3
             WHERE id = ?1 AND scheduled_at = ?2 AND notified_at IS NULL AND status = 'pendiente'",
            &vals![id.0, ts(*scheduled), &now],
        )?;
    }
    Ok(marked)
}

/// The calls of a client's pets, newest first.
pub fn of_client(db: &Db, client: ClientId, now: DateTime<Utc>) -> Result<Vec<Call>> {
    query(
        db,
        "WHERE c.id = ?1 ORDER BY k.scheduled_at DESC, k.id DESC",
        &vals![client.0],
        now,
    )
}

/// Adds `n` closed calls spread over the ten years before `now`, for benchmarks (a clinic's
/// history of calls made), the i-th for the (i mod pets)-th pet by id.
pub fn seed_past(db: &Db, n: i64, now: DateTime<Utc>) -> Result<()> {
    // The i-th call goes (i * 7919 % 3650) days and (i % 600) minutes before now.
    let at = db
        .dialect()
        .plus_minutes("?2", "-((i * 7919 % 3650) * 1440 + i % 600)");
    db.execute(
        &format!(
            "INSERT INTO calls (kind, pet_id, due_at, scheduled_at, duration_min, status, reason, notified_at, closed_at, created_at, updated_at)
             WITH RECURSIVE seq(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM seq WHERE i < ?1),
                  times(i, t) AS (SELECT i, {at} FROM seq),
                  numbered(k, id) AS (SELECT row_number() OVER (ORDER BY id) - 1, id FROM pets)
             SELECT 'seguimiento', p.id, t, t, 5, 'realizada', '', t, t, t, t
             FROM times JOIN numbered p ON p.k = times.i % (SELECT count(*) FROM pets)
             ORDER BY times.i"
        ),
        &vals![n, ts(now)],
    )?;
    Ok(())
}

/// The demo's history of calls, as a real team's: of the follow-ups settled by
/// [`settle_past_due`] before the last two days, one in seven was made a day late and one in
/// thirty-one never reached the client.
pub fn vary_settled(db: &Db, now: DateTime<Utc>) -> Result<()> {
    let before = ts(now - Duration::days(2));
    db.execute(
        &format!(
            "UPDATE calls SET closed_at = {}, version = version + 1
             WHERE kind = 'seguimiento' AND status = 'realizada' AND closed_at < ?1 AND id % 7 = 3",
            db.dialect().plus_minutes("closed_at", "1440")
        ),
        &vals![&before],
    )?;
    db.execute(
        "UPDATE calls SET status = 'ilocalizable', version = version + 1
         WHERE kind = 'seguimiento' AND status = 'realizada' AND closed_at < ?1 AND id % 31 = 5",
        &vals![&before],
    )?;
    Ok(())
}

/// As if the clinic had been using Fidelia (the demo): every call already due before `now` was
/// made at its time, but for the `keep` latest, still waiting (overdue).
pub fn settle_past_due(db: &Db, now: DateTime<Utc>, keep: i64) -> Result<()> {
    let past_due = "SELECT id FROM calls WHERE status = 'pendiente' AND scheduled_at < ?1
                    AND id NOT IN (SELECT id FROM calls WHERE status = 'pendiente' AND scheduled_at < ?1 ORDER BY scheduled_at DESC LIMIT ?2)";
    db.execute(&format!("INSERT INTO call_attempts (call_id, at, staff_id, outcome, notes) SELECT id, scheduled_at, staff_id, 'mejor', '' FROM calls WHERE id IN ({past_due})"), &vals![ts(now), keep])?;
    db.execute(&format!("UPDATE calls SET status = 'realizada', closed_at = scheduled_at, notified_at = scheduled_at, updated_at = scheduled_at, version = version + 1 WHERE id IN ({past_due})"), &vals![ts(now), keep])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{at, client_and_pet, on_each_engine};

    fn staff(db: &Db, name: &str) -> StaffId {
        StaffId(
            db.insert(
                "INSERT INTO staff (name, role) VALUES (?1, 'veterinario')",
                &vals![name],
            )
            .unwrap(),
        )
    }

    fn visit(db: &Db, pet: PetId, at: &str) -> VisitId {
        VisitId(
            db.insert(
                "INSERT INTO visits (pet_id, at, kind, severity, created_at, updated_at)
                 VALUES (?1, ?2, 'consulta', 'leve', ?2, ?2)",
                &vals![pet.0, at],
            )
            .unwrap(),
        )
    }

    fn call<'a>(pet: PetId, scheduled: &str, duration_min: i64) -> NewCall<'a> {
        NewCall {
            kind: CallKind::FollowUp,
            visit: None,
            pet,
            staff: None,
            due_at: at(scheduled),
            scheduled_at: at(scheduled),
            duration_min,
            reason: "",
            item_key: None,
        }
    }

    /// A call's column read back as text (`closed_at`…).
    fn column(db: &Db, id: CallId, col: &str) -> Option<String> {
        db.row(
            &format!("SELECT {col} FROM calls WHERE id = ?1"),
            &vals![id.0],
        )
        .unwrap()
        .unwrap()
        .get(0)
        .unwrap()
    }

    #[test]
    fn calls_are_written_tried_moved_and_closed_on_each_engine() {
        on_each_engine(|db| {
            let (ana, luna) = client_and_pet(db, "Ana");
            let (_, bimba) = client_and_pet(db, "Bea");
            let marta = staff(db, "Marta");
            let seen = visit(db, luna, "2026-11-30T10:00:00Z");
            let now = at("2026-12-01T10:00:00Z");

            let follow = insert(
                db,
                &NewCall {
                    kind: CallKind::FollowUp,
                    visit: Some(seen),
                    staff: Some(marta),
                    due_at: at("2026-12-01T08:30:00Z"),
                    reason: "Tos",
                    ..call(luna, "2026-12-01T09:00:00Z", 10)
                },
                now,
            )
            .unwrap();
            assert_eq!(
                get(db, follow, now).unwrap(),
                Call {
                    id: follow,
                    kind: CallKind::FollowUp,
                    visit_id: Some(seen),
                    pet_id: luna,
                    pet_name: "Luna".into(),
                    client_id: ana,
                    client_name: "Ana Núñez".into(),
                    phone: "612345678".into(),
                    staff_id: Some(marta),
                    staff_name: Some("Marta".into()),
                    due_at: at("2026-12-01T08:30:00Z"),
                    scheduled_at: at("2026-12-01T09:00:00Z"),
                    duration_min: 10,
                    status: CallStatus::Pending,
                    reason: "Tos".into(),
                    attempts: 0,
                    notified: false,
                    overdue: true,
                    version: 0,
                }
            );
            assert!(!get(db, follow, at("2026-12-01T09:10:00Z")).unwrap().overdue);
            assert_eq!(item_key(db, follow).unwrap(), None);
            assert_eq!(
                follow_up_of_visit(db, seen).unwrap(),
                Some((follow, CallStatus::Pending, 0))
            );

            // A reminder's call, known by its item.
            assert!(!has_item(db, "cuidado:7:llamada").unwrap());
            let care = insert(
                db,
                &NewCall {
                    kind: CallKind::Care,
                    item_key: Some("cuidado:7:llamada"),
                    ..call(bimba, "2026-12-02T11:00:00Z", 5)
                },
                now,
            )
            .unwrap();
            assert!(has_item(db, "cuidado:7:llamada").unwrap());
            assert_eq!(
                item_key(db, care).unwrap().as_deref(),
                Some("cuidado:7:llamada")
            );
            let c = get(db, care, now).unwrap();
            assert_eq!(
                (c.kind, c.visit_id, c.staff_id, c.staff_name),
                (CallKind::Care, None, None, None)
            );

            // Attempts, oldest first, with who made them.
            add_attempt(
                db,
                follow,
                at("2026-12-01T10:05:00Z"),
                Some(marta),
                CallOutcome::NoAnswer,
                "Sin respuesta",
            )
            .unwrap();
            add_attempt(
                db,
                follow,
                at("2026-12-01T12:00:00Z"),
                None,
                CallOutcome::Better,
                "",
            )
            .unwrap();
            assert_eq!(
                attempts(db, follow).unwrap(),
                [
                    CallAttempt {
                        at: at("2026-12-01T10:05:00Z"),
                        staff_name: Some("Marta".into()),
                        outcome: CallOutcome::NoAnswer,
                        notes: "Sin respuesta".into(),
                    },
                    CallAttempt {
                        at: at("2026-12-01T12:00:00Z"),
                        staff_name: None,
                        outcome: CallOutcome::Better,
                        notes: String::new(),
                    },
                ]
            );
            assert!(attempts(db, care).unwrap().is_empty());
            assert_eq!(get(db, follow, now).unwrap().attempts, 2);
            assert_eq!(
                follow_up_of_visit(db, seen).unwrap(),
                Some((follow, CallStatus::Pending, 2))
            );

            // The call's own script.
            assert_eq!(own_script(db, follow).unwrap(), "");
            set_script(db, follow, "Hola, {cliente}").unwrap();
            assert_eq!(own_script(db, follow).unwrap(), "Hola, {cliente}");

            // Assigned and unassigned.
            assign(db, care, Some(marta), now).unwrap();
            assert_eq!(
                get(db, care, now).unwrap().staff_name.as_deref(),
                Some("Marta")
            );
            assign(db, care, None, now).unwrap();
            assert_eq!(get(db, care, now).unwrap().staff_id, None);

            // Retried later: a new notification.
            mark_notified(db, &[(follow, at("2026-12-01T09:00:00Z"))], now).unwrap();
            assert!(get(db, follow, now).unwrap().notified);
            retry_at(db, follow, at("2026-12-01T16:00:00Z"), now).unwrap();
            let c = get(db, follow, now).unwrap();
            assert_eq!(
                (c.scheduled_at, c.notified, c.overdue),
                (at("2026-12-01T16:00:00Z"), false, false)
            );

            // Closed, then newest first on the client's page.
            close(db, follow, CallStatus::Done, at("2026-12-01T12:00:00Z")).unwrap();
            assert_eq!(get(db, follow, now).unwrap().status, CallStatus::Done);
            assert_eq!(
                column(db, follow, "closed_at").as_deref(),
                Some("2026-12-01T12:00:00Z")
            );
            assert_eq!(
                follow_up_of_visit(db, seen).unwrap(),
                Some((follow, CallStatus::Done, 2))
            );
            let later = insert(db, &call(luna, "2026-12-05T09:00:00Z", 5), now).unwrap();
            let ids: Vec<CallId> = of_client(db, ana, now)
                .unwrap()
                .iter()
                .map(|c| c.id)
                .collect();
            assert_eq!(ids, [later, follow]);

            // Cancelled: a pet's open calls (not the closed ones), a visit's open call.
            cancel_open_of_pet(db, luna, at("2026-12-01T13:00:00Z")).unwrap();
            assert_eq!(get(db, later, now).unwrap().status, CallStatus::Cancelled);
            assert_eq!(get(db, follow, now).unwrap().status, CallStatus::Done);
            assert_eq!(get(db, care, now).unwrap().status, CallStatus::Pending);
            let other = visit(db, bimba, "2026-11-30T11:00:00Z");
            let of_other = insert(
                db,
                &NewCall {
                    visit: Some(other),
                    ..call(bimba, "2026-12-02T09:00:00Z", 5)
                },
                now,
            )
            .unwrap();
            cancel_open_of_visit(db, other, at("2026-12-01T14:00:00Z")).unwrap();
            assert_eq!(
                get(db, of_other, now).unwrap().status,
                CallStatus::Cancelled
            );
            assert_eq!(
                column(db, of_other, "closed_at").as_deref(),
                Some("2026-12-01T14:00:00Z")
            );
            assert_eq!(get(db, care, now).unwrap().status, CallStatus::Pending);

            // Rescheduled: reopened; the notification kept only at the same time.
            let moved = NewCall {
                reason: "Otra hora",
                staff: Some(marta),
                due_at: at("2026-12-06T08:00:00Z"),
                ..call(bimba, "2026-12-06T09:00:00Z", 5)
            };
            reschedule(db, later, &moved, now).unwrap();
            let c = get(db, later, now).unwrap();
            assert_eq!(
                (
                    c.status,
                    c.pet_id,
                    c.staff_id,
                    c.due_at,
                    c.scheduled_at,
                    c.reason.as_str()
                ),
                (
                    CallStatus::Pending,
                    bimba,
                    Some(marta),
                    at("2026-12-06T08:00:00Z"),
                    at("2026-12-06T09:00:00Z"),
                    "Otra hora"
                )
            );
            assert_eq!(column(db, later, "closed_at"), None);
            let at = at("2026-12-06T09:00:00Z");
            assert_eq!(mark_notified(db, &[(later, at)], at).unwrap(), 1);
            reschedule(db, later, &moved, now).unwrap();
            assert!(
                get(db, later, now).unwrap().notified,
                "same time: still notified"
            );
            reschedule(db, later, &call(bimba, "2026-12-07T09:00:00Z", 5), now).unwrap();
            assert!(
                !get(db, later, now).unwrap().notified,
                "a new time: notified again"
            );

            // No such call.
            let none = CallId(later.0 + 1000);
            assert!(matches!(get(db, none, now), Err(StoreError::NotFound)));
            assert!(matches!(item_key(db, none), Err(StoreError::NotFound)));
            assert!(matches!(own_script(db, none), Err(StoreError::NotFound)));
            assert!(matches!(
                assign(db, none, None, now),
                Err(StoreError::NotFound)
            ));
            assert_eq!(
                follow_up_of_visit(db, VisitId(seen.0 + 1000)).unwrap(),
                None
            );
        });
    }

    /// Every change of a call adds one to its version, whoever makes it (an attempt's retry or
    /// close, a move, an assignment, its script, a cancellation), so that a screen showing the
    /// call can tell it changed; the notifier's mark changes nothing anyone edits, and leaves
    /// it alone.
    #[test]
    fn every_change_of_a_call_adds_one_to_its_version_on_each_engine() {
        on_each_engine(|db| {
            let (_, luna) = client_and_pet(db, "Ana");
            let (_, bimba) = client_and_pet(db, "Bea");
            let marta = staff(db, "Marta");
            let seen = visit(db, luna, "2026-11-30T10:00:00Z");
            let now = at("2026-12-01T10:00:00Z");
            let id = insert(
                db,
                &NewCall {
                    visit: Some(seen),
                    ..call(luna, "2026-12-01T09:00:00Z", 10)
                },
                now,
            )
            .unwrap();
            let other = insert(db, &call(bimba, "2026-12-01T09:00:00Z", 10), now).unwrap();
            let mut expected = 0;
            let mut after = |what: &str, added: i64| {
                expected += added;
                assert_eq!(version(db, id).unwrap(), expected, "{what}");
                assert_eq!(get(db, id, now).unwrap().version, expected, "{what}");
            };
            after("a new call", 0);
            add_attempt(db, id, now, None, CallOutcome::NoAnswer, "").unwrap();
            after("an attempt alone (its retry or close follows)", 0);
            retry_at(db, id, at("2026-12-01T12:00:00Z"), now).unwrap();
            after("a retry", 1);
            mark_notified(db, &[(id, at("2026-12-01T12:00:00Z"))], now).unwrap();
            after("its notification shown", 0);
            assign(db, id, Some(marta), now).unwrap();
            after("assigned", 1);
            set_script(db, id, "Hola, {cliente}").unwrap();
            after("its script", 1);
            reschedule(db, id, &call(luna, "2026-12-02T09:00:00Z", 10), now).unwrap();
            after("moved", 1);
            close(db, id, CallStatus::Done, now).unwrap();
            after("closed", 1);
            cancel_open_of_pet(db, luna, now).unwrap();
            after("a closed call is not cancelled", 0);
            reschedule(db, id, &call(luna, "2026-12-02T09:00:00Z", 10), now).unwrap();
            after("reopened", 1);
            cancel_open_of_visit(db, seen, now).unwrap();
            after("its visit's call cancelled", 1);
            reschedule(db, id, &call(luna, "2026-12-02T09:00:00Z", 10), now).unwrap();
            cancel_open_of_pet(db, luna, now).unwrap();
            after("reopened, then its pet's calls cancelled", 2);
            assert_eq!(version(db, other).unwrap(), 0, "another call is left alone");
            assert!(matches!(
                version(db, CallId(other.0 + 1000)),
                Err(StoreError::NotFound)
            ));
        });
    }

    /// The agenda, the counters and the notifier: what is due, overdue (its slot over, across
    /// midnight too), today, and not yet notified.
    #[test]
    fn agenda_counts_and_notifications_on_each_engine() {
        on_each_engine(|db| {
            let (_, luna) = client_and_pet(db, "Ana");
            let marta = staff(db, "Marta");
            let now = at("2026-12-01T10:00:00Z");
            let end_of_today = at("2026-12-01T23:00:00Z");
            let new = |c: NewCall| insert(db, &c, now).unwrap();
            let old = new(NewCall {
                staff: Some(marta),
                ..call(luna, "2026-11-20T09:00:00Z", 15)
            });
            let night = new(call(luna, "2026-11-30T23:55:00Z", 10)); // over at 00:05
            let early = new(call(luna, "2026-12-01T09:00:00Z", 10)); // over at 09:10
            let just = new(call(luna, "2026-12-01T09:50:00Z", 10)); // over at 10:00: not yet
            let running = new(call(luna, "2026-12-01T09:55:00Z", 10));
            let at_now = new(call(luna, "2026-12-01T10:00:00Z", 5));
            let afternoon = new(call(luna, "2026-12-01T15:00:00Z", 5));
            let tomorrow = new(call(luna, "2026-12-02T09:00:00Z", 5));
            let done = new(NewCall {
                staff: Some(marta),
                ..call(luna, "2026-11-30T08:00:00Z", 5)
            });
            close(db, done, CallStatus::Done, at("2026-12-01T08:00:00Z")).unwrap();
            let done_before = new(call(luna, "2026-11-29T08:00:00Z", 5));
            close(
                db,
                done_before,
                CallStatus::Unreachable,
                at("2026-11-30T08:00:00Z"),
            )
            .unwrap();
            let cancelled = new(call(luna, "2026-12-01T08:00:00Z", 5));
            close(
                db,
                cancelled,
                CallStatus::Cancelled,
                at("2026-12-01T08:30:00Z"),
            )
            .unwrap();

            assert_eq!(
                counts(db, now, end_of_today).unwrap(),
                CallCounts {
                    due: 6,
                    overdue: 3,
                    today: 7
                }
            );
            let overdue: Vec<CallId> = [
                old, night, early, just, running, at_now, afternoon, tomorrow,
            ]
            .into_iter()
            .filter(|&c| get(db, c, now).unwrap().overdue)
            .collect();
            assert_eq!(overdue, [old, night, early]);

            let ids = |calls: Vec<Call>| calls.into_iter().map(|c| c.id).collect::<Vec<_>>();
            let day = (at("2026-12-01T00:00:00Z"), at("2026-12-02T00:00:00Z"));
            assert_eq!(
                ids(for_agenda(db, day.0, day.1, None, now).unwrap()),
                [old, done, night, early, just, running, at_now, afternoon]
            );
            assert_eq!(
                ids(for_agenda(db, day.0, day.1, Some(marta), now).unwrap()),
                [old, done]
            );
            assert_eq!(
                ids(for_agenda(db, at("2026-11-30T00:00:00Z"), day.0, None, now).unwrap()),
                [old, done_before, night]
            );

            assert_eq!(
                ids(to_notify(db, now).unwrap()),
                [old, night, early, just, running, at_now]
            );
            // Marked for the time each was read at: one moved since is not.
            let moved_at = at("2026-12-01T09:55:00Z");
            retry_at(db, running, at("2026-12-01T10:30:00Z"), now).unwrap();
            assert_eq!(
                mark_notified(
                    db,
                    &[
                        (old, at("2026-11-20T09:00:00Z")),
                        (running, moved_at),
                        (done, at("2026-11-30T08:00:00Z"))
                    ],
                    now
                )
                .unwrap(),
                1
            );
            assert_eq!(
                column(db, old, "notified_at").as_deref(),
                Some("2026-12-01T10:00:00Z")
            );
            assert_eq!(
                ids(to_notify(db, now).unwrap()),
                [night, early, just, at_now]
            );
            assert_eq!(
                mark_notified(db, &[(old, at("2026-11-20T09:00:00Z"))], now).unwrap(),
                0,
                "never twice"
            );
        });
    }

    /// The demo's history (past-due calls settled, some late or unreachable) and the
    /// benchmarks' one (closed calls over ten years).
    #[test]
    fn the_demo_and_benchmark_histories_on_each_engine() {
        on_each_engine(|db| {
            let (_, luna) = client_and_pet(db, "Ana");
            let (_, bimba) = client_and_pet(db, "Bea");
            let now = at("2026-12-01T10:00:00Z");
            let start = at("2026-11-01T09:00:00Z");
            let old: Vec<(CallId, DateTime<Utc>)> = (0..62)
                .map(|k| {
                    let at = start + Duration::hours(k);
                    (insert(db, &call(luna, &ts(at), 5), now).unwrap(), at)
                })
                .collect();
            let recent = insert(db, &call(luna, "2026-11-30T08:00:00Z", 5), now).unwrap();
            let latest = insert(db, &call(bimba, "2026-11-30T09:00:00Z", 5), now).unwrap();
            let future = insert(db, &call(bimba, "2026-12-02T09:00:00Z", 5), now).unwrap();
            let courtesy = insert(
                db,
                &NewCall {
                    kind: CallKind::Courtesy,
                    ..call(bimba, "2026-11-02T09:00:00Z", 5)
                },
                now,
            )
            .unwrap();

            settle_past_due(db, now, 1).unwrap();
            for &(id, at) in &old {
                let c = get(db, id, now).unwrap();
                assert_eq!(
                    (c.status, c.notified, c.attempts),
                    (CallStatus::Done, true, 1)
                );
                assert_eq!(column(db, id, "closed_at"), Some(ts(at)));
                assert_eq!(
                    attempts(db, id).unwrap(),
                    [CallAttempt {
                        at,
                        staff_name: None,
                        outcome: CallOutcome::Better,
                        notes: String::new()
                    }]
                );
            }
            assert_eq!(get(db, recent, now).unwrap().status, CallStatus::Done);
            for (id, status) in [
                (latest, CallStatus::Pending),
                (future, CallStatus::Pending),
                (courtesy, CallStatus::Done),
            ] {
                assert_eq!(get(db, id, now).unwrap().status, status);
            }
            assert_eq!(get(db, latest, now).unwrap().attempts, 0);

            assert_eq!(get(db, old[0].0, now).unwrap().version, 1, "settled");
            assert_eq!(get(db, latest, now).unwrap().version, 0, "kept waiting");
            vary_settled(db, now).unwrap();
            let (mut late, mut unreachable) = (0, 0);
            for &(id, at) in &old {
                let c = get(db, id, now).unwrap();
                assert_eq!(
                    c.version,
                    1 + i64::from(id.0 % 7 == 3) + i64::from(id.0 % 31 == 5),
                    "settled, then made late or unreachable: one more each"
                );
                let closed = column(db, id, "closed_at").unwrap();
                if id.0 % 7 == 3 {
                    late += 1;
                    assert_eq!(closed, ts(at + Duration::days(1)));
                } else {
                    assert_eq!(closed, ts(at));
                }
                if id.0 % 31 == 5 {
                    unreachable += 1;
                    assert_eq!(c.status, CallStatus::Unreachable);
                } else {
                    assert_eq!(c.status, CallStatus::Done);
                }
            }
            assert!(
                late > 0 && unreachable > 0,
                "{late} late, {unreachable} unreachable"
            );
            // Settled within the last two days, or not a follow-up: as settled.
            assert_eq!(
                column(db, recent, "closed_at").as_deref(),
                Some("2026-11-30T08:00:00Z")
            );
            assert_eq!(get(db, recent, now).unwrap().status, CallStatus::Done);
            assert_eq!(
                column(db, courtesy, "closed_at").as_deref(),
                Some("2026-11-02T09:00:00Z")
            );

            let before = super::super::count(db, "calls").unwrap();
            seed_past(db, 40, now).unwrap();
            assert_eq!(super::super::count(db, "calls").unwrap(), before + 40);
            let seeded = db
                .rows(
                    "SELECT pet_id, scheduled_at, due_at, closed_at, notified_at, status, kind FROM calls WHERE id > ?1 ORDER BY id",
                    &vals![future.0.max(courtesy.0)],
                )
                .unwrap();
            assert_eq!(seeded.len(), 40);
            for (i, r) in (1..).zip(&seeded) {
                let at = now - Duration::days(i * 7919 % 3650) - Duration::minutes(i % 600);
                let pet = if i % 2 == 0 { luna } else { bimba };
                assert_eq!(r.get::<i64>(0).unwrap(), pet.0, "call {i}");
                for col in 1..5 {
                    assert_eq!(r.get::<String>(col).unwrap(), ts(at), "call {i}");
                }
                assert_eq!(r.get::<String>(5).unwrap(), "realizada");
                assert_eq!(r.get::<String>(6).unwrap(), "seguimiento");
            }
        });
    }
}
