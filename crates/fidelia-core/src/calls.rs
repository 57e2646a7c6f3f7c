//! Follow-up calls (SPEC Flow 1): which visits need one and when, where it lands in the agenda,
//! and what each outcome does to it. Pure: times and rules are passed in.

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::hours::OpeningHours;
use crate::records::{FieldError, Invalid, Severity, VisitKind};

// One kind of call, with a purpose: the follow-up of a visit, a courtesy call added by hand, a
// vaccine or deworming still not done after two messages, a poor survey answer to listen to, a
// lost client to win back.
word_enum!(CallKind, "call_kind", { FollowUp => "seguimiento", Courtesy => "cortesia", Care => "cuidado", Survey => "encuesta", Winback => "recuperacion" });
word_enum!(CallStatus, "call_status", { Pending => "pendiente", Done => "realizada", Unreachable => "ilocalizable", Cancelled => "cancelada" });
word_enum!(CallOutcome, "call_outcome", {
    Better => "mejor", Same => "igual", Worse => "peor", Recheck => "revision",
    NoAnswer => "no_contesta", Voicemail => "buzon", WrongNumber => "numero_erroneo",
    Talked => "hablado",
});

impl CallOutcome {
    /// The client was reached (better, same, worse, needs a re-check).
    pub fn reached(self) -> bool {
        matches!(
            self,
            CallOutcome::Better
                | CallOutcome::Same
                | CallOutcome::Worse
                | CallOutcome::Recheck
                | CallOutcome::Talked
        )
    }
}

/// The rules, editable in Settings. A visit needs a call when its kind or its severity has a
/// delay; with both, the shorter delay wins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CallRules {
    /// Hours after the visit, per visit kind word; absent or null = no call for that kind.
    pub hours_by_kind: std::collections::BTreeMap<String, Option<u32>>,
    /// Hours after the visit, per severity word.
    pub hours_by_severity: std::collections::BTreeMap<String, Option<u32>>,
    /// Length of a call in the agenda, in minutes.
    pub slot_minutes: u32,
    /// Delay before retrying an unanswered call, in hours (then the next opening).
    pub retry_hours: u32,
    /// Attempts before a call closes as unreachable.
    pub max_attempts: u32,
}

impl Default for CallRules {
    fn default() -> Self {
        let by_kind = [
            (VisitKind::Surgery, Some(12)),
            (VisitKind::Discharge, Some(12)),
            (VisitKind::Emergency, Some(12)),
            (VisitKind::Illness, Some(24)),
            (VisitKind::Checkup, None),
            (VisitKind::Vaccination, None),
            (VisitKind::Other, None),
        ];
        let by_severity = [
            (Severity::Severe, Some(12)),
            (Severity::Moderate, Some(24)),
            (Severity::Mild, None),
        ];
        CallRules {
            hours_by_kind: by_kind
                .into_iter()
                .map(|(k, h)| (k.as_str().to_owned(), h))
                .collect(),
            hours_by_severity: by_severity
                .into_iter()
                .map(|(k, h)| (k.as_str().to_owned(), h))
                .collect(),
            slot_minutes: 5,
            retry_hours: 2,
            max_attempts: 3,
        }
    }
}

impl CallRules {
    /// Hours after a visit its follow-up call is due; `None` when it needs none.
    pub fn delay_hours(&self, kind: VisitKind, severity: Severity) -> Option<u32> {
        let k = self.hours_by_kind.get(kind.as_str()).copied().flatten();
        let s = self
            .hours_by_severity
            .get(severity.as_str())
            .copied()
            .flatten();
        match (k, s) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    pub fn slot(&self) -> Duration {
        Duration::minutes(self.slot_minutes as i64)
    }

    /// Checks rules sent by the window (delays 1–720 h, slot 1–60 min, retry 1–72 h, 1–10 attempts).
    pub fn validate(&self) -> Result<CallRules, Invalid> {
        let mut errors = Vec::new();
        let known_kind = |k: &String| VisitKind::parse(k).is_some();
        let known_sev = |k: &String| Severity::parse(k).is_some();
        if !self.hours_by_kind.keys().all(known_kind)
            || !self.hours_by_severity.keys().all(known_sev)
        {
            errors.push(FieldError {
                field: "rules",
                key: "err.choice",
            });
        }
        if self
            .hours_by_kind
            .values()
            .chain(self.hours_by_severity.values())
            .flatten()
            .any(|h| !(1..=720).contains(h))
        {
            errors.push(FieldError {
                field: "rules",
                key: "err.rule_hours",
            });
        }
        if !(1..=60).contains(&self.slot_minutes) {
            errors.push(FieldError {
                field: "slotMinutes",
                key: "err.slot_minutes",
            });
        }
        if !(1..=72).contains(&self.retry_hours) {
            errors.push(FieldError {
                field: "retryHours",
                key: "err.retry_hours",
            });
        }
        if !(1..=10).contains(&self.max_attempts) {
            errors.push(FieldError {
                field: "maxAttempts",
                key: "err.max_attempts",
            });
        }
        if errors.is_empty() {
            Ok(self.clone())
        } else {
            Err(Invalid(errors))
        }
    }
}

/// When a visit's follow-up call goes in the agenda: `delay` after the visit, never before
/// `now` (a visit recorded late is called now, not lost in the past), at the next opening.
pub fn follow_up_time<Tz: TimeZone>(
    visit_at: DateTime<Utc>,
    delay_hours: u32,
    rules: &CallRules,
    hours: &OpeningHours,
    tz: &Tz,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let due = (visit_at + Duration::hours(delay_hours as i64)).max(now);
    hours.next_slot(tz, due, rules.slot())
}

/// What happens to a call after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterAttempt {
    /// Reached: the call is done.
    Done,
    /// Not reached: try again at this time.
    Retry(DateTime<Utc>),
    /// Not reached and no attempts left, or a wrong number: the call closes as unreachable.
    Unreachable,
}

/// Decides what follows attempt number `attempt` (1-based) made at `at`. A wrong number
/// closes the call at once: calling it again would only bother a stranger.
pub fn after_attempt<Tz: TimeZone>(
    outcome: CallOutcome,
    attempt: u32,
    at: DateTime<Utc>,
    rules: &CallRules,
    hours: &OpeningHours,
    tz: &Tz,
) -> AfterAttempt {
    if outcome.reached() {
        AfterAttempt::Done
    } else if outcome == CallOutcome::WrongNumber || attempt >= rules.max_attempts {
        AfterAttempt::Unreachable
    } else {
        AfterAttempt::Retry(hours.next_slot(
            tz,
            at + Duration::hours(rules.retry_hours as i64),
            rules.slot(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Madrid;

    use crate::test_clock::local;

    fn show(t: DateTime<Utc>) -> String {
        t.with_timezone(&Madrid)
            .format("%a %d/%m %H:%M")
            .to_string()
    }

    #[test]
    fn default_rules_follow_the_spec() {
        let r = CallRules::default();
        assert_eq!(r.delay_hours(VisitKind::Surgery, Severity::Mild), Some(12));
        assert_eq!(
            r.delay_hours(VisitKind::Discharge, Severity::Mild),
            Some(12)
        );
        assert_eq!(
            r.delay_hours(VisitKind::Emergency, Severity::Moderate),
            Some(12),
            "the shorter delay wins"
        );
        assert_eq!(r.delay_hours(VisitKind::Illness, Severity::Mild), Some(24));
        assert_eq!(
            r.delay_hours(VisitKind::Checkup, Severity::Severe),
            Some(12),
            "severity grave alone needs a call"
        );
        assert_eq!(
            r.delay_hours(VisitKind::Vaccination, Severity::Moderate),
            Some(24)
        );
        assert_eq!(
            r.delay_hours(VisitKind::Checkup, Severity::Mild),
            None,
            "a routine check needs no call"
        );
        assert_eq!(r.delay_hours(VisitKind::Vaccination, Severity::Mild), None);
    }

    #[test]
    fn friday_evening_surgery_is_called_saturday_at_opening() {
        // Friday 27/11/2026 19:30 + 12 h = Saturday 07:30, before the 10:00 opening.
        let r = CallRules::default();
        let t = follow_up_time(
            local(2026, 11, 27, 19, 30),
            12,
            &r,
            &OpeningHours::typical(),
            &Madrid,
            local(2026, 11, 27, 19, 45),
        );
        assert_eq!(show(t), "Sat 28/11 10:00");
    }

    #[test]
    fn a_clinic_closed_on_sundays_calls_on_monday() {
        // Saturday 28/11 11:00 illness + 24 h = Sunday 11:00, closed -> Monday 09:30.
        let r = CallRules::default();
        let t = follow_up_time(
            local(2026, 11, 28, 11, 0),
            24,
            &r,
            &OpeningHours::typical(),
            &Madrid,
            local(2026, 11, 28, 11, 30),
        );
        assert_eq!(show(t), "Mon 30/11 09:30");
    }

    #[test]
    fn clock_change_nights_keep_real_hours() {
        let r = CallRules::default();
        let mut h = OpeningHours::typical();
        h.days[6] = crate::hours::parse_day("09:00-14:00").unwrap();
        // Spring: Saturday 28/03 20:00 CET + 12 real hours = Sunday 09:00 CEST.
        let t = follow_up_time(
            local(2026, 3, 28, 20, 0),
            12,
            &r,
            &h,
            &Madrid,
            local(2026, 3, 28, 20, 10),
        );
        assert_eq!(show(t), "Sun 29/03 09:00");
        assert_eq!(t - local(2026, 3, 28, 20, 0), Duration::hours(12));
        // Autumn: Saturday 24/10 20:00 CEST + 12 real hours = Sunday 07:00 CET -> opens 09:00.
        let t = follow_up_time(
            local(2026, 10, 24, 20, 0),
            12,
            &r,
            &h,
            &Madrid,
            local(2026, 10, 24, 20, 10),
        );
        assert_eq!(show(t), "Sun 25/10 09:00");
    }

    #[test]
    fn a_visit_recorded_late_is_called_now_not_in_the_past() {
        // Surgery Monday 09:30, recorded on Tuesday 11:05: its 12 h call (Monday 21:30) is past.
        let r = CallRules::default();
        let now = local(2026, 11, 24, 11, 5);
        let t = follow_up_time(
            local(2026, 11, 23, 9, 30),
            12,
            &r,
            &OpeningHours::typical(),
            &Madrid,
            now,
        );
        assert_eq!(t, now, "due now, inside opening hours");
        // Recorded at night: due at the next opening.
        let t = follow_up_time(
            local(2026, 11, 23, 9, 30),
            12,
            &r,
            &OpeningHours::typical(),
            &Madrid,
            local(2026, 11, 24, 22, 0),
        );
        assert_eq!(show(t), "Wed 25/11 09:30");
    }

    #[test]
    fn unanswered_calls_are_retried_two_hours_later_then_close() {
        let r = CallRules::default();
        let h = OpeningHours::typical();
        let at = local(2026, 11, 25, 10, 0);
        assert_eq!(
            after_attempt(CallOutcome::NoAnswer, 1, at, &r, &h, &Madrid),
            AfterAttempt::Retry(local(2026, 11, 25, 12, 0))
        );
        // 13:00 + 2 h = 15:00, lunch break -> 17:00.
        assert_eq!(
            after_attempt(
                CallOutcome::Voicemail,
                2,
                local(2026, 11, 25, 13, 0),
                &r,
                &h,
                &Madrid
            ),
            AfterAttempt::Retry(local(2026, 11, 25, 17, 0))
        );
        assert_eq!(
            after_attempt(CallOutcome::NoAnswer, 3, at, &r, &h, &Madrid),
            AfterAttempt::Unreachable,
            "three attempts at most"
        );
        assert_eq!(
            after_attempt(CallOutcome::WrongNumber, 1, at, &r, &h, &Madrid),
            AfterAttempt::Unreachable
        );
        for o in [
            CallOutcome::Better,
            CallOutcome::Same,
            CallOutcome::Worse,
            CallOutcome::Recheck,
        ] {
            assert_eq!(after_attempt(o, 1, at, &r, &h, &Madrid), AfterAttempt::Done);
        }
    }

    #[test]
    fn rules_are_validated() {
        let mut r = CallRules::default();
        assert!(r.validate().is_ok());
        r.slot_minutes = 0;
        r.max_attempts = 11;
        r.hours_by_kind.insert("cirugia".into(), Some(0));
        let e = r.validate().unwrap_err();
        assert!(
            e.has("slotMinutes", "err.slot_minutes")
                && e.has("maxAttempts", "err.max_attempts")
                && e.has("rules", "err.rule_hours")
        );
    }
}

// ---------------------------------------------------------------- records and forms

use crate::records::*;

/// A call as the agenda lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    pub id: CallId,
    pub kind: CallKind,
    pub visit_id: Option<VisitId>,
    pub pet_id: PetId,
    pub pet_name: String,
    pub client_id: ClientId,
    pub client_name: String,
    pub phone: String,
    pub staff_id: Option<StaffId>,
    pub staff_name: Option<String>,
    pub due_at: DateTime<Utc>,
    pub scheduled_at: DateTime<Utc>,
    pub duration_min: i64,
    pub status: CallStatus,
    pub reason: String,
    pub attempts: i64,
    pub notified: bool,
    /// Pending and its slot has passed.
    pub overdue: bool,
    /// One more at every change of the call, whoever makes it (an attempt, a move, an
    /// assignment…): the call screen sends back the version it showed
    /// ([`AttemptForm::version`]).
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallAttempt {
    pub at: DateTime<Utc>,
    pub staff_name: Option<String>,
    pub outcome: CallOutcome,
    pub notes: String,
}

/// Everything the call screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallDetail {
    pub call: Call,
    pub client: Client,
    pub pet: Pet,
    pub visit: Option<Visit>,
    pub attempts: Vec<CallAttempt>,
    /// The script with its placeholders filled in (the call's own edit, else the clinic's).
    pub script: String,
    /// Placeholders the script uses that Fidelia does not know (a typo in Settings), as
    /// written: the screen says so rather than leave them out silently.
    pub script_unknown: Vec<String>,
}

/// An attempt as the call screen sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AttemptForm {
    pub call_id: Option<CallId>,
    pub outcome: String,
    pub staff_id: Option<StaffId>,
    pub notes: String,
    /// The script as edited on the call screen ("" = unchanged).
    pub script: String,
    /// The call's version the screen showed ([`Call::version`]): the attempt is refused if
    /// someone changed the call since. `None`: no check (the command line, older callers).
    pub version: Option<i64>,
}

impl AttemptForm {
    pub fn validate(&self) -> Result<(CallId, CallOutcome), Invalid> {
        let mut errors = Vec::new();
        let outcome = CallOutcome::parse(&self.outcome);
        if outcome.is_none() {
            errors.push(FieldError {
                field: "outcome",
                key: "err.choice",
            });
        }
        if self.call_id.is_none() {
            errors.push(FieldError {
                field: "callId",
                key: "err.required",
            });
        }
        if self.notes.chars().count() > 2000 {
            errors.push(FieldError {
                field: "notes",
                key: "err.too_long",
            });
        }
        match (self.call_id, outcome) {
            (Some(c), Some(o)) if errors.is_empty() => Ok((c, o)),
            _ => Err(Invalid(errors)),
        }
    }
}

/// A courtesy call added by hand.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CourtesyForm {
    pub pet_id: Option<PetId>,
    pub staff_id: Option<StaffId>,
    pub date: String,
    pub time: String,
    pub reason: String,
}

impl CourtesyForm {
    /// The wall-clock time asked for, as an instant (placed at the next opening by the caller).
    pub fn validate<Tz: TimeZone>(&self, tz: &Tz) -> Result<(PetId, DateTime<Utc>), Invalid> {
        let mut c = Check::default();
        let date = c.field("date", crate::parse::date(&self.date));
        let time = c.field("time", crate::parse::time(&self.time));
        let pet = c.field("petId", self.pet_id.ok_or("err.required"));
        let at = match (date, time) {
            (Some(d), Some(t)) => c.field("time", crate::parse::local_to_utc(tz, d.and_time(t))),
            _ => None,
        };
        if self.reason.chars().count() > 500 {
            c.0.push(FieldError {
                field: "reason",
                key: "err.too_long",
            });
        }
        c.finish(|| (pet.unwrap_or(PetId(0)), at.unwrap_or_default()))
    }
}

/// Fills `{cliente}`, `{mascota}`, `{clinica}`, `{persona}`, `{motivo}` (and their English
/// names `{client}`, `{pet}`, `{clinic}`, `{caller}`, `{reason}`) in a script. What cannot be
/// filled is left out of the text and listed in the result (the person calling reads the script
/// aloud and adapts it; the screen names what is unknown).
pub fn render_script(
    template: &str,
    client: &str,
    pet: &str,
    clinic: &str,
    caller: &str,
    reason: &str,
) -> crate::template::Filled {
    crate::template::fill(
        template,
        &[
            ("cliente", client),
            ("client", client),
            ("mascota", pet),
            ("pet", pet),
            ("clinica", clinic),
            ("clinic", clinic),
            ("persona", caller),
            ("caller", caller),
            ("motivo", reason),
            ("reason", reason),
        ],
    )
}

#[cfg(test)]
mod form_tests {
    use super::*;

    #[test]
    fn scripts_are_filled_in_either_language() {
        let s = render_script("Hola {cliente}, soy {persona} de {clinica}: ¿qué tal {mascota} tras la {motivo}? {pet}", "María", "Luna", "Clínica Peña", "Elena", "cirugía");
        assert_eq!(
            s.text,
            "Hola María, soy Elena de Clínica Peña: ¿qué tal Luna tras la cirugía? Luna"
        );
        let typo = render_script(
            "Hola {nombre}, ¿qué tal {mascota}?",
            "María",
            "Luna",
            "",
            "",
            "",
        );
        assert_eq!(typo.text, "Hola , ¿qué tal Luna?");
        assert_eq!(
            typo.unknown,
            ["nombre"],
            "an unknown placeholder is reported"
        );
    }

    #[test]
    fn attempts_need_a_known_outcome() {
        let f = AttemptForm {
            call_id: Some(CallId(1)),
            outcome: "no_contesta".into(),
            ..Default::default()
        };
        assert_eq!(f.validate().unwrap(), (CallId(1), CallOutcome::NoAnswer));
        let e = AttemptForm {
            outcome: "quizá".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert!(e.has("outcome", "err.choice") && e.has("callId", "err.required"));
    }

    #[test]
    fn courtesy_calls_need_a_pet_and_a_real_time() {
        let tz = chrono::FixedOffset::east_opt(3600).unwrap();
        let f = CourtesyForm {
            pet_id: Some(PetId(2)),
            date: "26/11/2026".into(),
            time: "10:00".into(),
            ..Default::default()
        };
        assert_eq!(
            f.validate(&tz).unwrap().1.to_rfc3339(),
            "2026-11-26T09:00:00+00:00"
        );
        let e = CourtesyForm {
            date: "30/02/2026".into(),
            time: "10".into(),
            ..Default::default()
        }
        .validate(&tz)
        .unwrap_err();
        assert!(
            e.has("date", "err.date_impossible")
                && e.has("time", "err.time_format")
                && e.has("petId", "err.required")
        );
    }
}
