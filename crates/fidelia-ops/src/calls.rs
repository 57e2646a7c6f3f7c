//! Calls to make: a visit's follow-up call kept in step with the visit, the agenda, the call
//! screen, attempts and their consequences, courtesy calls, and what the notifier needs.

use chrono::{DateTime, Duration, TimeZone, Utc};
use fidelia_core::calls::*;
use fidelia_core::i18n::t;
use fidelia_core::settings::Settings;
use fidelia_core::*;
use fidelia_store::tables::calls::{self, CallCounts, NewCall};
use fidelia_store::tables::{appointments, clients, pets, settings, visits};
use fidelia_store::{Db, Result, StoreError};
use serde::Serialize;

use crate::Clinic;

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

/// Keeps a visit's follow-up call in step with the visit, inside the visit's transaction:
/// a visit that needs a call gets one (placed at the next opening, never in the past); a change
/// of kind, severity or time moves a call nobody has tried yet; a visit that no longer needs a
/// call cancels its pending one. Calls already attempted or closed are left as they are. A
/// deceased pet's visit needs no call.
pub(crate) fn sync_for_visit<Tz: TimeZone>(
    db: &Db,
    visit: VisitId,
    d: &VisitData,
    at: &ClinicTime<Tz>,
) -> Result<()> {
    let settings = settings::read(db)?;
    let rules = &settings.call_rules;
    let deceased = pets::get(db, d.pet_id)?.data.deceased;
    let delay = if deceased {
        None
    } else {
        rules.delay_hours(d.kind, d.severity)
    };
    let call = |h: u32| NewCall {
        kind: CallKind::FollowUp,
        visit: Some(visit),
        pet: d.pet_id,
        staff: d.staff_id,
        due_at: d.at + Duration::hours(h as i64),
        scheduled_at: follow_up_time(d.at, h, rules, &settings.hours(), &at.tz, at.now),
        duration_min: rules.slot_minutes as i64,
        reason: &d.reason,
        item_key: None,
    };
    match (delay, calls::follow_up_of_visit(db, visit)?) {
        (Some(h), None) => {
            calls::insert(db, &call(h), at.now)?;
        }
        (Some(h), Some((id, CallStatus::Pending | CallStatus::Cancelled, 0))) => {
            calls::reschedule(db, id, &call(h), at.now)?;
        }
        (None, Some((id, CallStatus::Pending, _))) => {
            calls::close(db, id, CallStatus::Cancelled, at.now)?;
        }
        _ => {}
    }
    Ok(())
}

/// Records an attempt on a pending call and applies its consequence: done, a retry at the
/// next opening after the retry delay, or closed as unreachable.
pub(crate) fn attempt<Tz: TimeZone>(
    db: &Db,
    id: CallId,
    outcome: CallOutcome,
    staff: Option<StaffId>,
    notes: &str,
    at: &ClinicTime<Tz>,
) -> Result<()> {
    let call = calls::get(db, id, at.now)?;
    if call.status != CallStatus::Pending {
        return Err(Invalid::single("outcome", "err.call_closed").into());
    }
    let settings = settings::read(db)?;
    calls::add_attempt(db, id, at.now, staff, outcome, notes)?;
    match after_attempt(
        outcome,
        call.attempts as u32 + 1,
        at.now,
        &settings.call_rules,
        &settings.hours(),
        &at.tz,
    ) {
        AfterAttempt::Done => calls::close(db, id, CallStatus::Done, at.now),
        AfterAttempt::Unreachable => calls::close(db, id, CallStatus::Unreachable, at.now),
        AfterAttempt::Retry(next) => calls::retry_at(db, id, next, at.now),
    }
}

/// A call that is not a visit's follow-up, as an operation asks for it: a courtesy call, the
/// call step of a reminder, a poor survey answer. One way in for all of them.
pub(crate) struct CallRequest<'a> {
    pub kind: CallKind,
    pub pet: PetId,
    pub staff: Option<StaffId>,
    /// When it is wanted; it is placed at the next opening from then (never in the past).
    pub wanted: DateTime<Utc>,
    pub reason: &'a str,
    /// The call's own script (placeholders as in Settings' script); "" = the clinic's script.
    pub script: &'a str,
    /// What it is about (unique): a second request for the same item makes no second call.
    pub item_key: Option<&'a str>,
}

/// Adds a call to the agenda; `None` when its item already has one.
pub(crate) fn add_call<Tz: TimeZone>(
    db: &Db,
    settings: &Settings,
    r: &CallRequest,
    at: &ClinicTime<Tz>,
) -> Result<Option<CallId>> {
    if let Some(key) = r.item_key {
        if calls::has_item(db, key)? {
            return Ok(None);
        }
    }
    let scheduled =
        settings
            .hours()
            .next_slot(&at.tz, r.wanted.max(at.now), settings.call_rules.slot());
    let id = calls::insert(
        db,
        &NewCall {
            kind: r.kind,
            visit: None,
            pet: r.pet,
            staff: r.staff,
            due_at: r.wanted,
            scheduled_at: scheduled,
            duration_min: settings.call_rules.slot_minutes as i64,
            reason: r.reason,
            item_key: r.item_key,
        },
        at.now,
    )?;
    if !r.script.is_empty() {
        calls::set_script(db, id, r.script)?;
    }
    Ok(Some(id))
}

impl Clinic {
    /// The agenda for `days` days (1 to 31) from `from` on the clinic's wall calendar; a
    /// range past the calendar's end (a date typed or sent by hand) is refused, not a panic.
    pub fn agenda_days<Tz: TimeZone>(
        &self,
        from: chrono::NaiveDate,
        days: i64,
        staff: Option<StaffId>,
        at: &ClinicTime<Tz>,
    ) -> Result<Agenda> {
        let end = from
            .checked_add_days(chrono::Days::new(days.clamp(1, 31) as u64))
            .ok_or_else(|| {
                fidelia_store::StoreError::from(Invalid::single("from", "err.date_impossible"))
            })?;
        self.agenda(at.day_start(from), at.day_start(end), staff, at.now)
    }

    pub fn agenda(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        staff: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> Result<Agenda> {
        self.store.read(|db| {
            Ok(Agenda {
                calls: calls::for_agenda(db, from, to, staff, now)?,
                appointments: appointments::scheduled_between(db, from, to, staff)?,
            })
        })
    }

    /// Counts of open calls as of `now`; `end_of_today` bounds "today".
    pub fn call_counts(
        &self,
        now: DateTime<Utc>,
        end_of_today: DateTime<Utc>,
    ) -> Result<CallCounts> {
        self.store.read(|db| calls::counts(db, now, end_of_today))
    }

    /// Everything the call screen shows, the script filled in for `lang`.
    pub fn call_detail(&self, id: CallId, lang: Lang, now: DateTime<Utc>) -> Result<CallDetail> {
        self.store.read(|db| {
            let call = calls::get(db, id, now)?;
            let client = clients::get(db, call.client_id)?;
            let pet = pets::get(db, call.pet_id)?;
            let visit = call.visit_id.map(|v| visits::get(db, v)).transpose()?;
            let attempts = calls::attempts(db, id)?;
            let own = calls::own_script(db, id)?;
            let settings = settings::read(db)?;
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
                script: script.text,
                script_unknown: script.unknown,
            })
        })
    }

    /// Records an attempt and applies its consequence: done, a retry at the next opening after
    /// the retry delay, or closed as unreachable. When the form says which version of the call
    /// the screen showed and the call changed since (another PC recorded an outcome, moved or
    /// assigned it), nothing is written: `Conflict`, and the screen shows the call as it is.
    pub fn record_attempt<Tz: TimeZone>(
        &self,
        form: &AttemptForm,
        at: &ClinicTime<Tz>,
    ) -> Result<Call> {
        let (id, outcome) = form.validate()?;
        self.store.write(|db| {
            if let Some(shown) = form.version {
                if calls::version(db, id)? != shown {
                    let lang = settings::read(db)?.language;
                    return Err(StoreError::Conflict(t(lang, "err.conflict_call")));
                }
            }
            attempt(db, id, outcome, form.staff_id, form.notes.trim(), at)?;
            if !form.script.trim().is_empty() {
                calls::set_script(db, id, form.script.trim())?;
            }
            calls::get(db, id, at.now)
        })
    }

    /// Adds a courtesy call by hand, placed at the next opening from the time asked for.
    pub fn add_courtesy_call<Tz: TimeZone>(
        &self,
        form: &CourtesyForm,
        at: &ClinicTime<Tz>,
    ) -> Result<Call> {
        let (pet, wanted) = form.validate(&at.tz)?;
        self.store.write(|db| {
            if pets::get(db, pet)?.data.deceased {
                return Err(Invalid::single("petId", "err.pet_deceased").into());
            }
            let request = CallRequest {
                kind: CallKind::Courtesy,
                pet,
                staff: form.staff_id,
                wanted,
                reason: form.reason.trim(),
                script: "",
                item_key: None,
            };
            let settings = settings::read(db)?;
            let id =
                add_call(db, &settings, &request, at)?.expect("a courtesy call has no item key");
            calls::get(db, id, at.now)
        })
    }

    /// Hands a call to another staff member.
    pub fn assign_call(
        &self,
        id: CallId,
        staff: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> Result<Call> {
        self.store.write(|db| {
            calls::assign(db, id, staff, now)?;
            calls::get(db, id, now)
        })
    }

    /// Pending calls whose time has come and that were never notified.
    pub fn calls_to_notify(&self, now: DateTime<Utc>) -> Result<Vec<Call>> {
        self.store.read(|db| calls::to_notify(db, now))
    }

    /// The calls this PC notifies now ([`Clinic::claim_calls_for`] with this PC's
    /// [`crate::pc::seat`]).
    pub fn claim_calls_to_notify(&self, now: DateTime<Utc>) -> Result<Vec<Call>> {
        self.claim_calls_for(&crate::pc::seat(), now)
    }

    /// The calls PC `seat` notifies now, recorded as notified in the same transaction, before
    /// anything is shown: a notification is shown only once it is recorded, so a failure to
    /// record (a busy or read-only file, a full disk) shows nothing rather than the same call
    /// every pass, and a call rescheduled meanwhile keeps its own, later notification.
    ///
    /// Which PC notifies a due call, when several share the clinic's server (each PC says at
    /// each pass that it runs, who uses it and whether it is the reception PC):
    /// 1. the PC of the staff member it is assigned to (the first of theirs to pass, if they
    ///    use several);
    /// 2. if that person uses no running PC, the reception PC;
    /// 3. if no reception PC runs either, the first PC to get there, as with one PC alone.
    ///
    /// A call is notified once for each time it falls due (its `notified_at`; a retry is a new
    /// time), and the PC that showed it is recorded (`call_notices`). The pass is not announced
    /// to the other PCs' windows.
    pub fn claim_calls_for(&self, seat: &crate::pc::Seat, now: DateTime<Utc>) -> Result<Vec<Call>> {
        use fidelia_store::tables::pcs;
        self.store.write_unannounced(|db| {
            pcs::seen(db, &seat.id, seat.staff, seat.reception, now)?;
            let running = pcs::running(db, now - Duration::minutes(2))?;
            let reception_runs = running.iter().any(|p| p.reception);
            let mine: Vec<Call> = calls::to_notify(db, now)?
                .into_iter()
                .filter(|c| {
                    let owner_runs = c
                        .staff_id
                        .is_some_and(|s| running.iter().any(|p| p.staff == Some(s)));
                    if c.staff_id.is_some() && c.staff_id == seat.staff {
                        true
                    } else if owner_runs {
                        false
                    } else if seat.reception {
                        true
                    } else {
                        !reception_runs
                    }
                })
                .collect();
            let read: Vec<_> = mine.iter().map(|c| (c.id, c.scheduled_at)).collect();
            pcs::notice(db, &seat.id, &read, now)?;
            calls::mark_notified(db, &read, now)?;
            Ok(mine)
        })
    }

    /// Adds `n` closed calls spread over the ten years before `now`, for benchmarks.
    pub fn seed_past_calls(&self, n: i64, now: DateTime<Utc>) -> Result<()> {
        self.store.write(|db| calls::seed_past(db, n, now))
    }

    /// The calls of a client's pets, newest first (for the client page).
    pub fn calls_of_client(&self, client: ClientId, now: DateTime<Utc>) -> Result<Vec<Call>> {
        self.store.read(|db| calls::of_client(db, client, now))
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::*;
    use crate::StoreError;
    use chrono::{DateTime, Utc};
    use fidelia_core::calls::*;
    use fidelia_core::*;
    use fidelia_store::tables::calls::CallCounts;

    fn surgery(s: &crate::Clinic, pet: PetId, date: &str, time: &str) -> Visit {
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

    fn the_call(s: &crate::Clinic, client: ClientId) -> Call {
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

    /// Two people, one call: an attempt sent with the version the screen showed is refused
    /// when the call changed since (another PC recorded an outcome, or assigned it), and
    /// writes nothing; sent with the version shown now, it is recorded; without a version
    /// (the command line), it is not checked.
    #[test]
    fn an_attempt_on_a_call_changed_since_it_was_shown_is_refused() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        surgery(&s, luna.id, "24/11/2026", "19:30");
        let shown = the_call(&s, c.id);
        let form = |outcome: &str, notes: &str, version: Option<i64>| AttemptForm {
            call_id: Some(shown.id),
            outcome: outcome.into(),
            notes: notes.into(),
            version,
            ..Default::default()
        };
        let first = s
            .record_attempt(&form("no_contesta", "primera", Some(shown.version)), &at())
            .unwrap();
        assert_eq!(first.version, shown.version + 1, "a retry: one change");

        match s.record_attempt(&form("mejor", "segunda", Some(shown.version)), &at()) {
            Err(StoreError::Conflict(m)) => assert_eq!(
                m,
                "Otra persona acaba de cambiar esta llamada. Estos son los datos actuales: revíselos y vuelva a guardar si hace falta."
            ),
            other => panic!("an attempt over another's is refused: {other:?}"),
        }
        let d = s.call_detail(shown.id, Lang::Es, now()).unwrap();
        assert_eq!(d.call, first, "nothing written");
        assert_eq!(d.attempts.len(), 1);
        assert_eq!(d.attempts[0].notes, "primera");

        // Assigned meanwhile from another PC: out of date too.
        let assigned = s.assign_call(shown.id, None, now()).unwrap();
        assert_eq!(assigned.version, first.version + 1);
        assert!(matches!(
            s.record_attempt(&form("mejor", "segunda", Some(first.version)), &at()),
            Err(StoreError::Conflict(_))
        ));

        // With the version the screen shows now: recorded, and its edited script too.
        let done = s
            .record_attempt(
                &AttemptForm {
                    script: "Hola, {cliente}".into(),
                    ..form("mejor", "segunda", Some(assigned.version))
                },
                &at(),
            )
            .unwrap();
        assert_eq!(
            (done.status, done.attempts, done.version),
            (CallStatus::Done, 2, assigned.version + 2),
            "closed and its script set: two changes"
        );
        // Without a version: not checked (a closed call is still refused as closed).
        match s.record_attempt(&form("mejor", "", None), &at()) {
            Err(StoreError::Invalid(e)) => assert!(e.has("outcome", "err.call_closed")),
            other => panic!("{other:?}"),
        }
        let other = client(&s, "Juan", "Pérez", "612 000 111");
        let bimba = pet(&s, other.id, "Bimba");
        surgery(&s, bimba.id, "24/11/2026", "19:30");
        let unchecked = the_call(&s, other.id);
        s.assign_call(unchecked.id, None, now()).unwrap();
        let tried = s
            .record_attempt(
                &AttemptForm {
                    call_id: Some(unchecked.id),
                    outcome: "mejor".into(),
                    ..Default::default()
                },
                &at(),
            )
            .unwrap();
        assert_eq!(tried.status, CallStatus::Done, "no version, no check");
        // A call that is not there: not found, whatever the version.
        assert!(matches!(
            s.record_attempt(
                &AttemptForm {
                    call_id: Some(CallId(unchecked.id.0 + 1000)),
                    ..form("mejor", "", Some(0))
                },
                &at()
            ),
            Err(StoreError::NotFound)
        ));
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
        mark_deceased(&s, &luna);
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
        let due = s.claim_calls_to_notify(now()).unwrap();
        assert_eq!(due.len(), 1);
        assert!(
            s.calls_to_notify(now()).unwrap().is_empty(),
            "recorded as it is claimed, before anything is shown"
        );
        assert!(
            s.claim_calls_to_notify(now() + chrono::Duration::hours(1))
                .unwrap()
                .is_empty(),
            "never twice"
        );
    }

    /// Several PCs on one database: a due call is notified on the PC of the person it is
    /// assigned to; the reception PC notifies those whose person uses no running PC; with no
    /// reception PC running, the first PC to get there does; never twice.
    #[test]
    fn each_due_call_is_notified_once_on_the_right_pc() {
        use crate::pc::Seat;
        let s = store();
        let staff = |name: &str| {
            s.save_staff(&StaffForm {
                name: name.into(),
                role: "veterinario".into(),
                active: true,
                ..Default::default()
            })
            .unwrap()
            .id
        };
        let (elena, luis) = (staff("Dra. Elena Ruiz"), staff("Dr. Luis Gil"));
        let c = client(&s, "María", "Núñez", "612 345 678");
        // A surgery of a new pet of María's on `date`, its call assigned to `vet`.
        let operated = |name: &str, vet, date: &str, time: &str| {
            let p = pet(&s, c.id, name);
            surgery(&s, p.id, date, time);
            let call = s
                .calls_of_client(c.id, now())
                .unwrap()
                .into_iter()
                .find(|k| k.pet_id == p.id)
                .unwrap();
            s.assign_call(call.id, Some(vet), now()).unwrap();
        };
        for (name, vet) in [
            ("Luna", elena),
            ("Kira", luis),
            ("Toby", elena),
            ("Nala", luis),
        ] {
            operated(name, vet, "24/11/2026", "19:30");
        }
        let seat = |id: &str, staff, reception| Seat {
            id: id.into(),
            staff,
            reception,
        };
        let (room, desk, other) = (
            seat("consulta-1", Some(elena), false),
            seat("recepcion", None, true),
            seat("consulta-2", None, false),
        );
        let pets = |calls: Vec<Call>| calls.into_iter().map(|k| k.pet_name).collect::<Vec<_>>();
        // A minute before the calls fall due, every PC says it runs (and shows nothing).
        let before = now() - chrono::Duration::minutes(1);
        for pc in [&room, &desk, &other] {
            assert!(s.claim_calls_for(pc, before).unwrap().is_empty());
        }
        // Due now, each PC's pass in turn: reception first, Luis uses no PC.
        assert_eq!(
            pets(s.claim_calls_for(&desk, now()).unwrap()),
            ["Kira", "Nala"]
        );
        assert!(s.claim_calls_for(&other, now()).unwrap().is_empty());
        assert_eq!(
            pets(s.claim_calls_for(&room, now()).unwrap()),
            ["Luna", "Toby"]
        );
        // Never twice: a PC started again, any PC, later.
        for pc in [&room, &desk, &other] {
            let later = now() + chrono::Duration::minutes(1);
            assert!(s.claim_calls_for(pc, later).unwrap().is_empty());
        }

        // Later that day reception's PC is off: a new call of Luis goes to the first PC that
        // passes, once; Elena's PC still gets hers alone.
        let evening = now() + chrono::Duration::hours(6);
        for (name, vet) in [("Rocky", luis), ("Coco", elena)] {
            operated(name, vet, "25/11/2026", "04:00");
        }
        let a_bit_before = evening - chrono::Duration::minutes(1);
        for pc in [&room, &other] {
            s.claim_calls_for(pc, a_bit_before).unwrap();
        }
        assert_eq!(pets(s.claim_calls_for(&other, evening).unwrap()), ["Rocky"]);
        assert_eq!(pets(s.claim_calls_for(&room, evening).unwrap()), ["Coco"]);
        assert!(s.claim_calls_for(&other, evening).unwrap().is_empty());
    }

    /// A retry recorded between reading a call and marking it notified (issue 13, defect 4):
    /// the mark is for the time that was read, so the retry is still notified at its own time.
    #[test]
    fn a_call_moved_after_it_was_read_is_notified_again_at_its_new_time() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        surgery(&s, luna.id, "24/11/2026", "19:30");
        let read = s.calls_to_notify(now()).unwrap().remove(0);
        let retry = s
            .record_attempt(
                &AttemptForm {
                    call_id: Some(read.id),
                    outcome: "no_contesta".into(),
                    ..Default::default()
                },
                &at(),
            )
            .unwrap();
        assert!(retry.scheduled_at > read.scheduled_at, "a retry later on");
        let marked = s
            .store
            .write(|db| {
                fidelia_store::tables::calls::mark_notified(
                    db,
                    &[(read.id, read.scheduled_at)],
                    now(),
                )
            })
            .unwrap();
        assert_eq!(marked, 0, "the call read is not the call now");
        let later = s.calls_to_notify(retry.scheduled_at).unwrap();
        assert_eq!(later.len(), 1, "the retry is notified when it falls due");
    }

    /// A range past the calendar's last day is refused with a message (issue 13, defect 9: it
    /// panicked, and the window's command with it).
    #[test]
    fn an_agenda_past_the_end_of_the_calendar_is_refused() {
        let s = store();
        let last = chrono::NaiveDate::MAX;
        for (from, days) in [(last, 1), (last - chrono::Days::new(3), 31)] {
            assert!(
                matches!(
                    s.agenda_days(from, days, None, &at()),
                    Err(StoreError::Invalid(_))
                ),
                "{from} + {days}"
            );
        }
        assert!(s
            .agenda_days(last - chrono::Days::new(40), 31, None, &at())
            .is_ok());
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
