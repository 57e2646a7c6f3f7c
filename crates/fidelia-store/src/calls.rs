//! The `calls` and `call_attempts` tables: follow-up calls kept in step with their visits, the
//! agenda, the call screen, attempts, and what the notifier needs.

use chrono::{DateTime, Duration, TimeZone, Utc};
use fidelia_core::calls::*;
use fidelia_core::i18n::t;
use fidelia_core::*;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::{found, parse_ts, ts, word, Result, Store, StoreError};

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

fn get(conn: &Connection, id: CallId, now: DateTime<Utc>) -> Result<Call> {
    found(
        conn.query_row(&format!("{SELECT} WHERE k.id = ?1"), [id.0], |r| {
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

/// Keeps a visit's follow-up call in step with the visit, inside the visit's transaction:
/// a visit that needs a call gets one (placed at the next opening, never in the past); a change
/// of kind, severity or time moves a call nobody has tried yet; a visit that no longer needs a
/// call cancels its pending one. Calls already attempted or closed are left as they are.
pub(crate) fn sync_for_visit<Tz: TimeZone>(
    conn: &Connection,
    visit: VisitId,
    d: &VisitData,
    at: &ClinicTime<Tz>,
) -> Result<()> {
    let settings = crate::settings::read(conn)?;
    let rules = &settings.call_rules;
    let deceased = crate::pets::get(conn, d.pet_id)?.data.deceased_on.is_some();
    let existing: Option<(i64, String, i64)> = conn
        .query_row(
            "SELECT id, status, (SELECT count(*) FROM call_attempts a WHERE a.call_id = calls.id) FROM calls WHERE visit_id = ?1",
            [visit.0],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let delay = if deceased {
        None
    } else {
        rules.delay_hours(d.kind, d.severity)
    };
    let now = ts(at.now);
    match (delay, existing) {
        (Some(h), None) => {
            let due = d.at + Duration::hours(h as i64);
            let scheduled = follow_up_time(d.at, h, rules, &settings.hours(), &at.tz, at.now);
            conn.prepare_cached(
                "INSERT INTO calls (kind, visit_id, pet_id, staff_id, due_at, scheduled_at, duration_min, status, reason, created_at, updated_at)
                 VALUES ('seguimiento', ?1, ?2, ?3, ?4, ?5, ?6, 'pendiente', ?7, ?8, ?8)",
            )?
            .execute(params![visit.0, d.pet_id.0, d.staff_id.map(|s| s.0), ts(due), ts(scheduled), rules.slot_minutes, d.reason, now])?;
        }
        (Some(h), Some((id, status, 0))) if status == "pendiente" || status == "cancelada" => {
            let due = d.at + Duration::hours(h as i64);
            let scheduled = follow_up_time(d.at, h, rules, &settings.hours(), &at.tz, at.now);
            conn.execute(
                "UPDATE calls SET pet_id = ?2, staff_id = ?3, due_at = ?4, scheduled_at = ?5, reason = ?6, status = 'pendiente',
                        notified_at = CASE WHEN scheduled_at = ?5 THEN notified_at END, closed_at = NULL, updated_at = ?7 WHERE id = ?1",
                params![id, d.pet_id.0, d.staff_id.map(|s| s.0), ts(due), ts(scheduled), d.reason, now],
            )?;
        }
        (None, Some((id, status, _))) if status == "pendiente" => {
            conn.execute("UPDATE calls SET status = 'cancelada', closed_at = ?2, updated_at = ?2 WHERE id = ?1", params![id, now])?;
        }
        _ => {}
    }
    Ok(())
}

/// Cancels a pet's open calls and future appointments (the pet has died).
pub(crate) fn cancel_for_pet(conn: &Connection, pet: PetId, now: DateTime<Utc>) -> Result<()> {
    conn.execute("UPDATE calls SET status = 'cancelada', closed_at = ?2, updated_at = ?2 WHERE pet_id = ?1 AND status = 'pendiente'", params![pet.0, ts(now)])?;
    conn.execute(
        "UPDATE appointments SET status = 'cancelada', updated_at = ?2 WHERE pet_id = ?1 AND status = 'programada' AND starts_at >= ?2",
        params![pet.0, ts(now)],
    )?;
    Ok(())
}

/// Cancels a visit's pending call (the visit is being deleted).
pub(crate) fn cancel_for_visit(
    conn: &Connection,
    visit: VisitId,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute("UPDATE calls SET status = 'cancelada', closed_at = ?2, updated_at = ?2 WHERE visit_id = ?1 AND status = 'pendiente'", params![visit.0, ts(now)])?;
    Ok(())
}

/// The agenda between two instants: calls and appointments together.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Agenda {
    /// Pending calls scheduled before `to` (overdue ones included, however old), and calls
    /// closed between `from` and `to`; by scheduled time.
    pub calls: Vec<Call>,
    /// Scheduled appointments between `from` and `to`.
    pub appointments: Vec<Appointment>,
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

impl Store {
    pub fn agenda(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        staff: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> Result<Agenda> {
        let conn = self.conn();
        let staff_id = staff.map(|s| s.0);
        // Two index-friendly queries (open calls by time, closed ones by when they closed)
        // rather than one OR that would read the clinic's whole history of calls.
        let mut calls = query(
            &conn,
            "WHERE k.status = 'pendiente' AND k.scheduled_at < ?1 AND (?2 IS NULL OR k.staff_id = ?2)",
            params![ts(to), staff_id],
            now,
        )?;
        calls.extend(query(
            &conn,
            "WHERE k.status IN ('realizada', 'ilocalizable') AND k.closed_at >= ?1 AND k.closed_at < ?2
               AND (?3 IS NULL OR k.staff_id = ?3)",
            params![ts(from), ts(to), staff_id],
            now,
        )?);
        calls.sort_by_key(|c| (c.scheduled_at, c.id));
        drop(conn);
        let appointments = self.appointments_between(from, to, staff)?;
        Ok(Agenda {
            calls,
            appointments,
        })
    }

    /// Counts of open calls as of `now`; `end_of_today` bounds "today".
    pub fn call_counts(
        &self,
        now: DateTime<Utc>,
        end_of_today: DateTime<Utc>,
    ) -> Result<CallCounts> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
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

    /// Everything the call screen shows, the script filled in for `lang`.
    pub fn call_detail(&self, id: CallId, lang: Lang, now: DateTime<Utc>) -> Result<CallDetail> {
        let conn = self.conn();
        let call = get(&conn, id, now)?;
        let client = crate::clients::get(&conn, call.client_id)?;
        let pet = crate::pets::get(&conn, call.pet_id)?;
        let visit = match call.visit_id {
            Some(v) => Some(crate::visits::get(&conn, v)?),
            None => None,
        };
        let mut st = conn.prepare_cached(
            "SELECT a.at, s.name, a.outcome, a.notes FROM call_attempts a LEFT JOIN staff s ON s.id = a.staff_id WHERE a.call_id = ?1 ORDER BY a.at, a.id",
        )?;
        let attempts = st
            .query_map([id.0], |r| {
                Ok(CallAttempt {
                    at: parse_ts(&r.get::<_, String>(0)?)?,
                    staff_name: r.get(1)?,
                    outcome: word(r.get(2)?, CallOutcome::parse)?,
                    notes: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let own: String =
            conn.query_row("SELECT script FROM calls WHERE id = ?1", [id.0], |r| {
                r.get(0)
            })?;
        let settings = crate::settings::read(&conn)?;
        let template = if !own.is_empty() {
            own
        } else if !settings.call_script.is_empty() {
            settings.call_script.clone()
        } else {
            t(lang, "call.script_default")
        };
        let reason = match &visit {
            Some(v) => format!(
                "{} ({})",
                t(lang, &format!("visit_kind.{}", v.data.kind.as_str())).to_lowercase(),
                v.data.reason
            ),
            None => call.reason.clone(),
        };
        let caller = call.staff_name.clone().unwrap_or_default();
        let script = render_script(
            &template,
            &client.data.first_name,
            &pet.data.name,
            &settings.clinic_name,
            &caller,
            &reason,
        );
        Ok(CallDetail {
            call,
            client,
            pet,
            visit,
            attempts,
            script,
        })
    }

    /// Records an attempt and applies its consequence: done, a retry at the next opening after
    /// the retry delay, or closed as unreachable.
    pub fn record_attempt<Tz: TimeZone>(
        &self,
        form: &AttemptForm,
        at: &ClinicTime<Tz>,
    ) -> Result<Call> {
        let (id, outcome) = form.validate()?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let call = get(&tx, id, at.now)?;
        if call.status != CallStatus::Pending {
            return Err(Invalid::single("outcome", "err.call_closed").into());
        }
        let settings = crate::settings::read(&tx)?;
        let now = ts(at.now);
        tx.execute(
            "INSERT INTO call_attempts (call_id, at, staff_id, outcome, notes) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.0, now, form.staff_id.map(|s| s.0), outcome.as_str(), form.notes.trim()],
        )?;
        if !form.script.trim().is_empty() {
            tx.execute(
                "UPDATE calls SET script = ?2 WHERE id = ?1",
                params![id.0, form.script.trim()],
            )?;
        }
        match after_attempt(outcome, call.attempts as u32 + 1, at.now, &settings.call_rules, &settings.hours(), &at.tz) {
            AfterAttempt::Done => tx.execute("UPDATE calls SET status = 'realizada', closed_at = ?2, updated_at = ?2 WHERE id = ?1", params![id.0, now])?,
            AfterAttempt::Unreachable => tx.execute("UPDATE calls SET status = 'ilocalizable', closed_at = ?2, updated_at = ?2 WHERE id = ?1", params![id.0, now])?,
            // A retry is a new moment to call: it gets its own notification when due.
            AfterAttempt::Retry(next) => tx.execute("UPDATE calls SET scheduled_at = ?2, notified_at = NULL, updated_at = ?3 WHERE id = ?1", params![id.0, ts(next), now])?,
        };
        let updated = get(&tx, id, at.now)?;
        tx.commit()?;
        Ok(updated)
    }

    /// Adds a courtesy call by hand, placed at the next opening from the time asked for.
    pub fn add_courtesy_call<Tz: TimeZone>(
        &self,
        form: &CourtesyForm,
        at: &ClinicTime<Tz>,
    ) -> Result<Call> {
        let (pet, wanted) = form.validate(&at.tz)?;
        let conn = self.conn();
        if crate::pets::get(&conn, pet)?.data.deceased_on.is_some() {
            return Err(Invalid::single("petId", "err.pet_deceased").into());
        }
        let settings = crate::settings::read(&conn)?;
        let scheduled =
            settings
                .hours()
                .next_slot(&at.tz, wanted.max(at.now), settings.call_rules.slot());
        conn.execute(
            "INSERT INTO calls (kind, pet_id, staff_id, due_at, scheduled_at, duration_min, status, reason, created_at, updated_at)
             VALUES ('cortesia', ?1, ?2, ?3, ?4, ?5, 'pendiente', ?6, ?7, ?7)",
            params![pet.0, form.staff_id.map(|s| s.0), ts(wanted), ts(scheduled), settings.call_rules.slot_minutes, form.reason.trim(), ts(at.now)],
        )?;
        get(&conn, CallId(conn.last_insert_rowid()), at.now)
    }

    /// Hands a call to another staff member.
    pub fn assign_call(
        &self,
        id: CallId,
        staff: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> Result<Call> {
        let conn = self.conn();
        if conn.execute(
            "UPDATE calls SET staff_id = ?2, updated_at = ?3 WHERE id = ?1",
            params![id.0, staff.map(|s| s.0), ts(now)],
        )? == 0
        {
            return Err(StoreError::NotFound);
        }
        get(&conn, id, now)
    }

    /// Pending calls whose time has come and that were never notified.
    pub fn calls_to_notify(&self, now: DateTime<Utc>) -> Result<Vec<Call>> {
        query(&self.conn(), "WHERE k.status = 'pendiente' AND k.scheduled_at <= ?1 AND k.notified_at IS NULL ORDER BY k.scheduled_at, k.id", [ts(now)], now)
    }

    /// Records that these calls' notifications were shown, so they are never shown again.
    pub fn mark_notified(&self, ids: &[CallId], now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for id in ids {
            tx.execute(
                "UPDATE calls SET notified_at = ?2 WHERE id = ?1 AND notified_at IS NULL",
                params![id.0, ts(now)],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Adds `n` closed calls spread over the ten years before `now`, for benchmarks (a clinic's
    /// history of calls made).
    pub fn seed_past_calls(&self, n: i64, now: DateTime<Utc>) -> Result<()> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO calls (kind, pet_id, due_at, scheduled_at, duration_min, status, reason, notified_at, closed_at, created_at, updated_at)
             WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1),
                  times(i, t) AS (SELECT i, strftime('%Y-%m-%dT%H:%M:%SZ', ?2, '-' || (i * 7919 % 3650) || ' days', '-' || (i % 600) || ' minutes') FROM seq)
             SELECT 'seguimiento', 1 + (i % (SELECT max(id) FROM pets)), t, t, 5, 'realizada', '', t, t, t, t FROM times",
            params![n, ts(now)],
        )?;
        Ok(())
    }

    /// The calls of a client's pets, newest first (for the client page).
    pub fn calls_of_client(&self, client: ClientId, now: DateTime<Utc>) -> Result<Vec<Call>> {
        query(
            &self.conn(),
            "WHERE c.id = ?1 ORDER BY k.scheduled_at DESC, k.id DESC",
            [client.0],
            now,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::CallCounts;
    use crate::test_util::*;
    use crate::StoreError;
    use chrono::{DateTime, Utc};
    use fidelia_core::calls::*;
    use fidelia_core::*;

    fn surgery(s: &crate::Store, pet: PetId, date: &str, time: &str) -> Visit {
        let f = VisitForm {
            pet_id: Some(pet),
            date: date.into(),
            time: time.into(),
            kind: "cirugia".into(),
            severity: "grave".into(),
            reason: "Castración".into(),
            ..Default::default()
        };
        s.save_visit(&f, &at()).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn the_call(s: &crate::Store, client: ClientId) -> Call {
        let calls = s.calls_of_client(client, now()).unwrap();
        assert_eq!(calls.len(), 1, "one call per visit");
        calls.into_iter().next().unwrap()
    }

    #[test]
    fn a_surgery_gets_its_call_at_the_next_opening() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        // Tuesday 24/11 19:30 Madrid + 12 h = Wednesday 07:30 -> opens 09:30 (08:30 UTC).
        // The test clock says Wednesday 11:00 Madrid, so "never in the past" moves it to now.
        surgery(&s, luna.id, "24/11/2026", "19:30");
        let call = the_call(&s, c.id);
        assert_eq!(
            call.due_at,
            utc("2026-11-25T06:30:00Z"),
            "due 12 hours after the visit"
        );
        assert_eq!(
            call.scheduled_at,
            now(),
            "its time has passed: it is due now, not lost in the past"
        );
        assert_eq!(
            (call.status, call.kind, call.pet_name.as_str()),
            (CallStatus::Pending, CallKind::FollowUp, "Luna")
        );
    }

    #[test]
    fn a_routine_visit_needs_no_call_and_editing_the_visit_keeps_its_call_in_step() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        let f = VisitForm {
            pet_id: Some(luna.id),
            date: "25/11/2026".into(),
            time: "10:00".into(),
            kind: "vacunacion".into(),
            severity: "leve".into(),
            ..Default::default()
        };
        let v = s.save_visit(&f, &at()).unwrap();
        assert!(
            s.calls_of_client(c.id, now()).unwrap().is_empty(),
            "a vaccination needs no call"
        );
        let mut f2 = f.clone();
        f2.id = Some(v.id);
        f2.kind = "consulta".into();
        s.save_visit(&f2, &at()).unwrap();
        let call = the_call(&s, c.id);
        assert_eq!(
            call.due_at,
            utc("2026-11-26T09:00:00Z"),
            "an illness consultation: 24 h"
        );
        s.save_visit(&f.clone().tap_id(v.id), &at()).unwrap();
        assert_eq!(
            the_call(&s, c.id).status,
            CallStatus::Cancelled,
            "back to a vaccination: the call is cancelled"
        );
        s.save_visit(&f2, &at()).unwrap();
        assert_eq!(
            the_call(&s, c.id).status,
            CallStatus::Pending,
            "and reopened when needed again"
        );
        s.delete_visit(v.id, now()).unwrap();
        assert_eq!(
            the_call(&s, c.id).status,
            CallStatus::Cancelled,
            "deleting the visit cancels its call"
        );
    }

    trait TapId {
        fn tap_id(self, id: VisitId) -> Self;
    }
    impl TapId for VisitForm {
        fn tap_id(mut self, id: VisitId) -> Self {
            self.id = Some(id);
            self
        }
    }

    #[test]
    fn no_answer_retries_then_closes_and_every_attempt_is_kept() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        surgery(&s, luna.id, "24/11/2026", "19:30");
        let id = the_call(&s, c.id).id;
        let attempt = |o: &str| {
            s.record_attempt(
                &AttemptForm {
                    call_id: Some(id),
                    outcome: o.into(),
                    notes: format!("intento {o}"),
                    ..Default::default()
                },
                &at(),
            )
        };
        let after1 = attempt("no_contesta").unwrap();
        assert_eq!(
            after1.scheduled_at,
            utc("2026-11-25T12:00:00Z"),
            "11:00 + 2 h = 13:00 Madrid"
        );
        assert_eq!(
            (after1.status, after1.attempts, after1.notified),
            (CallStatus::Pending, 1, false)
        );
        attempt("buzon").unwrap();
        let after3 = attempt("no_contesta").unwrap();
        assert_eq!(
            after3.status,
            CallStatus::Unreachable,
            "three attempts, then unreachable"
        );
        let detail = s.call_detail(id, Lang::Es, now()).unwrap();
        assert_eq!(detail.attempts.len(), 3);
        assert_eq!(detail.attempts[1].outcome, CallOutcome::Voicemail);
        match attempt("mejor") {
            Err(StoreError::Invalid(e)) => assert!(e.has("outcome", "err.call_closed")),
            other => panic!("a closed call takes no more attempts: {other:?}"),
        }
    }

    #[test]
    fn reached_closes_the_call_and_the_counts_drop() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        surgery(&s, luna.id, "24/11/2026", "19:30");
        let end_of_day = utc("2026-11-25T23:00:00Z");
        assert_eq!(
            s.call_counts(now(), end_of_day).unwrap(),
            CallCounts {
                due: 1,
                overdue: 0,
                today: 1
            }
        );
        assert_eq!(
            s.call_counts(now() + chrono::Duration::minutes(10), end_of_day)
                .unwrap()
                .overdue,
            1,
            "past its 5-minute slot"
        );
        let id = the_call(&s, c.id).id;
        let done = s
            .record_attempt(
                &AttemptForm {
                    call_id: Some(id),
                    outcome: "mejor".into(),
                    ..Default::default()
                },
                &at(),
            )
            .unwrap();
        assert_eq!(done.status, CallStatus::Done);
        assert_eq!(
            s.call_counts(now(), end_of_day).unwrap(),
            CallCounts {
                due: 0,
                overdue: 0,
                today: 0
            }
        );
    }

    #[test]
    fn a_deceased_pet_cancels_its_open_calls_and_gets_no_new_ones() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        surgery(&s, luna.id, "24/11/2026", "19:30");
        let f = PetForm {
            id: Some(luna.id),
            client_id: Some(c.id),
            name: "Luna".into(),
            species: "perro".into(),
            deceased: true,
            ..Default::default()
        };
        s.save_pet(&f, &at()).unwrap();
        assert_eq!(the_call(&s, c.id).status, CallStatus::Cancelled);
        assert!(
            s.calls_to_notify(now()).unwrap().is_empty(),
            "no notification for a deceased pet"
        );
    }

    #[test]
    fn notifications_are_recorded_once() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        surgery(&s, luna.id, "24/11/2026", "19:30");
        let due = s.calls_to_notify(now()).unwrap();
        assert_eq!(due.len(), 1);
        s.mark_notified(&[due[0].id], now()).unwrap();
        assert!(
            s.calls_to_notify(now() + chrono::Duration::hours(1))
                .unwrap()
                .is_empty(),
            "never twice"
        );
    }

    #[test]
    fn the_agenda_lists_calls_and_appointments_and_filters_by_staff() {
        let s = store();
        let vet = s
            .save_staff(&StaffForm {
                name: "Dra. Ruiz".into(),
                role: "veterinario".into(),
                active: true,
                ..Default::default()
            })
            .unwrap();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        let f = VisitForm {
            pet_id: Some(luna.id),
            staff_id: Some(vet.id),
            date: "24/11/2026".into(),
            time: "19:30".into(),
            kind: "urgencia".into(),
            severity: "grave".into(),
            ..Default::default()
        };
        s.save_visit(&f, &at()).unwrap();
        let courtesy = s
            .add_courtesy_call(
                &CourtesyForm {
                    pet_id: Some(luna.id),
                    date: "25/11/2026".into(),
                    time: "15:00".into(),
                    reason: "Cortesía".into(),
                    ..Default::default()
                },
                &at(),
            )
            .unwrap();
        assert_eq!(
            courtesy.scheduled_at,
            utc("2026-11-25T16:00:00Z"),
            "15:00 is the lunch break: 17:00 Madrid"
        );
        let a = AppointmentForm {
            pet_id: Some(luna.id),
            staff_id: Some(vet.id),
            date: "25/11/2026".into(),
            time: "18:00".into(),
            ..Default::default()
        };
        s.save_appointment(&a, &at()).unwrap();
        let (from, to) = (utc("2026-11-24T23:00:00Z"), utc("2026-11-25T23:00:00Z"));
        let all = s.agenda(from, to, None, now()).unwrap();
        assert_eq!((all.calls.len(), all.appointments.len()), (2, 1));
        let mine = s.agenda(from, to, Some(vet.id), now()).unwrap();
        assert_eq!(
            mine.calls.len(),
            1,
            "the courtesy call is nobody's; the emergency's is the vet's"
        );
        assert_eq!(mine.calls[0].staff_name.as_deref(), Some("Dra. Ruiz"));
        let reassigned = s.assign_call(courtesy.id, Some(vet.id), now()).unwrap();
        assert_eq!(reassigned.staff_id, Some(vet.id));
    }

    #[test]
    fn a_history_of_past_calls_leaves_todays_counts_alone() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        surgery(&s, luna.id, "24/11/2026", "19:30");
        let end_of_day = utc("2026-11-25T23:00:00Z");
        let before = s.call_counts(now(), end_of_day).unwrap();
        s.seed_past_calls(500, now()).unwrap();
        assert_eq!(
            s.call_counts(now(), end_of_day).unwrap(),
            before,
            "closed calls are history, not work"
        );
        assert_eq!(
            s.calls_of_client(c.id, now()).unwrap().len(),
            1 + 500,
            "all on the only pet"
        );
    }

    #[test]
    fn the_call_screen_fills_in_the_script() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        surgery(&s, luna.id, "24/11/2026", "19:30");
        let id = the_call(&s, c.id).id;
        let d = s.call_detail(id, Lang::Es, now()).unwrap();
        assert!(
            d.script.contains("María") && d.script.contains("Luna"),
            "{}",
            d.script
        );
        assert!(!d.script.contains('{'), "no placeholder left: {}", d.script);
        assert_eq!(d.visit.unwrap().data.reason, "Castración");
    }
}
