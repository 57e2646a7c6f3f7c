//! Winning back lost clients (Flow 4): the lapsed list, cases handed to the team (each with a
//! call in the agenda — the calls' own machinery, kind `recuperacion`), what each call learned,
//! the clients who came back, and the reasons for leaving that keep coming back.

use chrono::{Duration, NaiveDate, TimeZone};
use fidelia_core::calls::{CallKind, CallOutcome};
use fidelia_core::i18n::t;
use fidelia_core::settings::Settings;
use fidelia_core::winback::*;
use fidelia_core::*;
pub use fidelia_store::tables::winback::Case;
use fidelia_store::tables::winback::{self, Lapsed};
use fidelia_store::tables::{calls, clients, pets, settings};
use fidelia_store::{Db, Result, StoreError};
use serde::Serialize;

use crate::calls::{add_call, attempt, CallRequest};
use crate::Clinic;

const WINBACK: &str = "recuperacion";

/// The lapsed list: the clients to win back, and apart those whose pets have all died.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LapsedList {
    /// Last visits older than this day.
    pub before: NaiveDate,
    pub lost: Vec<Lapsed>,
    pub apart: Vec<Lapsed>,
}

/// Counts per reason for leaving over a period, the cases behind each, and the weaknesses.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasonsReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reasons: Vec<ReasonCount>,
    /// Reasons given often enough lately to be a weakness to fix (the rule's own window, up
    /// to `to`).
    pub weaknesses: Vec<Weakness>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasonCount {
    pub reason: String,
    pub cases: Vec<Case>,
}

/// The `n`th call of a case.
fn call_key(case: i64, n: usize) -> String {
    format!("{WINBACK}:{case}:{n}")
}

/// Puts a case's next call in the agenda: the client's first living pet (calls are about a
/// pet), assigned to the case's staff member, placed at the next opening from `wanted`.
fn schedule_call<Tz: TimeZone>(
    db: &Db,
    s: &Settings,
    case: &Case,
    wanted: chrono::DateTime<chrono::Utc>,
    n: usize,
    at: &ClinicTime<Tz>,
) -> Result<()> {
    let Some(pet) = pets::of_client(db, case.client_id)?
        .into_iter()
        .find(|p| !p.data.deceased)
    else {
        return Ok(()); // every pet has died: nobody is called as lost
    };
    let last = winback::lapsed_since(db, case.client_id)?;
    let reason = t(s.language, "call.reason_winback").replace(
        "{fecha}",
        &last
            .map(|l| format::date_short(l.with_timezone(&at.tz).date_naive()))
            .unwrap_or_default(),
    );
    let script = if s.winback.script.trim().is_empty() {
        t(s.language, "call.script_winback")
    } else {
        s.winback.script.clone()
    };
    let key = call_key(case.id, n);
    let request = CallRequest {
        kind: CallKind::Winback,
        pet: pet.id,
        staff: case.staff_id,
        wanted,
        reason: &reason,
        script: &script,
        item_key: Some(&key),
    };
    add_call(db, s, &request, at)?;
    Ok(())
}

/// The reasons for leaving that are a weakness on `day`: given often enough in the rule's
/// window up to it (the reasons report and the dashboard).
pub(crate) fn weaknesses_on(db: &Db, day: NaiveDate, r: &WinbackRules) -> Result<Vec<Weakness>> {
    let from = day - Duration::days(r.weakness_days as i64);
    let given: Vec<(String, NaiveDate)> = winback::with_reason_between(db, from, day)?
        .into_iter()
        .filter_map(|c| c.reason_on.map(|d| (c.reason, d)))
        .collect();
    Ok(weaknesses(&given, day, r))
}

impl Clinic {
    /// Clients whose last visit is older than the clinic's threshold, newest lapses first;
    /// those whose pets have all died apart. Clients who objected to contact are not listed.
    pub fn lapsed_clients<Tz: TimeZone>(&self, at: &ClinicTime<Tz>) -> Result<LapsedList> {
        self.store.read(|db| {
            let r = settings::read(db)?.winback;
            let before = r.lapsed_before(at.today());
            let (apart, lost) = winback::lapsed(db, at.day_start(before))?
                .into_iter()
                .partition(|l| l.all_deceased);
            Ok(LapsedList {
                before,
                lost,
                apart,
            })
        })
    }

    /// Hands clients to a staff member to win back: each becomes a case with a call in the
    /// agenda. A client already in an open case, or whose pets have all died, is skipped.
    /// Returns the cases made.
    pub fn assign_winback<Tz: TimeZone>(
        &self,
        form: &AssignForm,
        at: &ClinicTime<Tz>,
    ) -> Result<Vec<Case>> {
        form.validate()?;
        self.store.write(|db| {
            let s = settings::read(db)?;
            let mut made = Vec::new();
            for client in &form.client_ids {
                clients::get(db, *client)?;
                if winback::open_of_client(db, *client)?.is_some() {
                    continue;
                }
                let living = pets::of_client(db, *client)?
                    .iter()
                    .any(|p| !p.data.deceased);
                if !living {
                    continue;
                }
                let id = winback::insert(db, *client, form.staff_id, at.now)?;
                let case = winback::get(db, id)?;
                schedule_call(db, &s, &case, at.now, 1, at)?;
                made.push(winback::get(db, id)?);
            }
            Ok(made)
        })
    }

    /// Every case, open ones first.
    pub fn winback_cases(&self) -> Result<Vec<Case>> {
        self.store.read(winback::all)
    }

    /// Every case, open ones first, the recovered ones found first (a client may have come
    /// back since the list was last read).
    pub fn winback_cases_now<Tz: TimeZone>(&self, at: &ClinicTime<Tz>) -> Result<Vec<Case>> {
        self.refresh_recovered(at)?;
        self.winback_cases()
    }

    pub fn winback_case(&self, id: i64) -> Result<Case> {
        self.store.read(|db| winback::get(db, id))
    }

    /// The case a win-back call belongs to (the call screen shows its form).
    pub fn case_of_call(&self, call: CallId) -> Result<Option<Case>> {
        self.store.read(|db| {
            let Some(key) = calls::item_key(db, call)? else {
                return Ok(None);
            };
            let Some(id) = key
                .strip_prefix(WINBACK)
                .and_then(|k| k.strip_prefix(':'))
                .and_then(|k| k.split(':').next())
                .and_then(|k| k.parse().ok())
            else {
                return Ok(None);
            };
            winback::get(db, id).map(Some)
        })
    }

    /// Records what a call learned. "No answer" is an attempt on the case's call (retried at
    /// the next opening, like any call); any other status closes that call as reached. A next
    /// date puts a new call in the agenda on that day. Sent with the version the card showed,
    /// a save over another person's since is refused (`Conflict`), writing nothing.
    pub fn save_case<Tz: TimeZone>(
        &self,
        form: &CaseForm,
        staff: Option<StaffId>,
        at: &ClinicTime<Tz>,
    ) -> Result<Case> {
        let today = at.today();
        self.store.write(|db| {
            let s = settings::read(db)?;
            let d = form.validate(&s.winback.reasons, today)?;
            let case = winback::get(db, form.id)?;
            if form.version.is_some_and(|shown| shown != case.version) {
                return Err(StoreError::Conflict(t(s.language, "err.conflict_case")));
            }
            if let Some(call) = case.call_id.map(CallId) {
                match d.status {
                    CaseStatus::ToCall => {}
                    CaseStatus::NoAnswer => {
                        attempt(db, call, CallOutcome::NoAnswer, staff, &d.notes, at)?;
                        winback::mark_called(db, case.id, today)?;
                    }
                    _ => {
                        attempt(db, call, CallOutcome::Talked, staff, &d.notes, at)?;
                        winback::mark_called(db, case.id, today)?;
                    }
                }
            }
            winback::update(db, case.id, &d, today, at.now)?;
            let case = winback::get(db, case.id)?;
            let still_open = !matches!(d.status, CaseStatus::WontReturn | CaseStatus::Closed);
            if let (Some(next), None, true) = (d.next_date, case.call_id, still_open) {
                let n = winback::calls_made(db, case.id)? + 1;
                schedule_call(db, &s, &case, at.day_start(next), n, at)?;
            }
            winback::get(db, case.id)
        })
    }

    /// Marks as recovered the cases whose client visited again within the clinic's window
    /// after the call; returns how many were found now.
    pub fn refresh_recovered<Tz: TimeZone>(&self, at: &ClinicTime<Tz>) -> Result<usize> {
        self.store.write(|db| {
            let r = settings::read(db)?.winback;
            let mut found = 0;
            for (id, client, called_on) in winback::awaiting_return(db)? {
                let from = at.day_start(called_on);
                let Some(visit) = winback::first_visit_from(db, client, from)? else {
                    continue;
                };
                let visit_on = visit.with_timezone(&at.tz).date_naive();
                if r.recovered(called_on, visit_on) {
                    winback::set_recovered(db, id, visit_on, at.now)?;
                    found += 1;
                }
            }
            Ok(found)
        })
    }

    /// The reasons for leaving given between `from` and `to`, most frequent first, with the
    /// cases behind each; and the reasons that recur enough to be a weakness to fix.
    pub fn reasons_report(&self, from: NaiveDate, to: NaiveDate) -> Result<ReasonsReport> {
        self.store.read(|db| {
            let r = settings::read(db)?.winback;
            let mut reasons: Vec<ReasonCount> = Vec::new();
            for case in winback::with_reason_between(db, from, to)? {
                match reasons.iter_mut().find(|c| c.reason == case.reason) {
                    Some(c) => c.cases.push(case),
                    None => reasons.push(ReasonCount {
                        reason: case.reason.clone(),
                        cases: vec![case],
                    }),
                }
            }
            reasons.sort_by(|a, b| {
                b.cases
                    .len()
                    .cmp(&a.cases.len())
                    .then(a.reason.cmp(&b.reason))
            });
            Ok(ReasonsReport {
                from,
                to,
                reasons,
                weaknesses: weaknesses_on(db, to, &r)?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use fidelia_core::calls::CallKind;
    use fidelia_core::winback::*;
    use fidelia_core::*;

    use crate::test_util::*;
    use crate::{Clinic, StoreError};

    fn on(days: i64) -> ClinicTime<chrono::FixedOffset> {
        ClinicTime::new(now() + Duration::days(days), at().tz)
    }

    fn visit(s: &Clinic, pet: PetId, date: &str) {
        s.save_visit(
            &VisitForm {
                pet_id: Some(pet),
                date: date.into(),
                time: "10:00".into(),
                kind: "revision".into(),
                severity: "leve".into(),
                reason: "Revisión anual".into(),
                amount: "40,00".into(),
                ..Default::default()
            },
            &at(),
        )
        .unwrap();
    }

    fn staff(s: &Clinic, name: &str) -> Staff {
        s.save_staff(&StaffForm {
            name: name.into(),
            role: "recepcion".into(),
            active: true,
            ..Default::default()
        })
        .unwrap()
    }

    /// María last came 14 months ago; Íñigo 3 months ago; Ana's only dog died; Pedro objected.
    fn clinic() -> (Clinic, Client, Pet) {
        let s = store();
        let maria = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, maria.id, "Luna");
        visit(&s, luna.id, "10/03/2025");
        visit(&s, luna.id, "20/09/2025");
        let inigo = client(&s, "Íñigo", "Martínez", "622 345 678");
        let max = pet(&s, inigo.id, "Max");
        visit(&s, max.id, "20/08/2026");
        let ana = client(&s, "Ana", "Ruiz", "632 345 678");
        let kira = pet(&s, ana.id, "Kira");
        visit(&s, kira.id, "01/06/2025");
        mark_deceased(&s, &kira);
        let pedro = s
            .save_client(
                &ClientForm {
                    first_name: "Pedro".into(),
                    surnames: "Gil".into(),
                    phone1: "642 345 678".into(),
                    preferred_channel: "telefono".into(),
                    consent_care: false,
                    ..Default::default()
                },
                now(),
            )
            .unwrap();
        let toby = pet(&s, pedro.id, "Toby");
        visit(&s, toby.id, "01/05/2025");
        (s, maria, luna)
    }

    #[test]
    fn the_lapsed_list_has_the_lost_apart_from_those_whose_pets_died_and_no_objectors() {
        let (s, maria, _) = clinic();
        let list = s.lapsed_clients(&at()).unwrap();
        let names = |l: &[fidelia_store::tables::winback::Lapsed]| -> Vec<String> {
            l.iter().map(|x| x.client_name.clone()).collect()
        };
        assert_eq!(names(&list.lost), ["María Núñez"]);
        assert_eq!(names(&list.apart), ["Ana Ruiz"]);
        let m = &list.lost[0];
        assert_eq!((m.client_id, m.visits, m.spend_cents), (maria.id, 2, 8000));
        assert_eq!(
            (m.pets.clone(), m.last_visit_reason.as_str()),
            (vec!["Luna".to_string()], "Revisión anual")
        );
        assert!(!m.open_case);
    }

    #[test]
    fn a_case_is_a_call_in_the_agenda_and_what_it_learns_is_kept() {
        let (s, maria, luna) = clinic();
        let elena = staff(&s, "Elena");
        let cases = s
            .assign_winback(
                &AssignForm {
                    client_ids: vec![maria.id],
                    staff_id: Some(elena.id),
                },
                &at(),
            )
            .unwrap();
        assert_eq!(cases.len(), 1);
        let case = &cases[0];
        let call = s.calls_of_client(maria.id, now()).unwrap().remove(0);
        assert_eq!(
            (call.kind, call.pet_id, call.staff_id),
            (CallKind::Winback, luna.id, Some(elena.id))
        );
        assert_eq!(case.call_id, Some(call.id.0));
        assert!(call.reason.contains("20/09/2025"), "{}", call.reason);
        assert_eq!(s.case_of_call(call.id).unwrap().unwrap().id, case.id);
        assert!(s.lapsed_clients(&at()).unwrap().lost[0].open_case);
        assert!(
            s.assign_winback(
                &AssignForm {
                    client_ids: vec![maria.id],
                    staff_id: Some(elena.id)
                },
                &at()
            )
            .unwrap()
            .is_empty(),
            "one open case per client"
        );

        // No answer: an attempt, the call retried like any call.
        let no_answer = CaseForm {
            id: case.id,
            status: "no_contesta".into(),
            ..Default::default()
        };
        let c = s.save_case(&no_answer, Some(elena.id), &at()).unwrap();
        assert_eq!(c.status, CaseStatus::NoAnswer);
        assert_eq!(c.called_on, Some(at().today()));
        assert!(c.call_id.is_some(), "still to call");
        // Talked: the reason, the apology; the call is done.
        let talked = CaseForm {
            id: case.id,
            status: "volvera".into(),
            reason: "Precio".into(),
            apology: true,
            notes: "Le pareció caro el análisis".into(),
            next_date: String::new(),
            version: Some(c.version),
        };
        // Saved on what the card showed before the no-answer: another person's save since.
        let stale = CaseForm {
            version: Some(case.version),
            ..talked.clone()
        };
        match s.save_case(&stale, Some(elena.id), &on(1)) {
            Err(StoreError::Conflict(msg)) => {
                assert!(msg.starts_with("Otra persona acaba de cambiar"), "{msg}")
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(
            s.winback_case(case.id).unwrap().status,
            CaseStatus::NoAnswer,
            "the refused save wrote nothing"
        );
        let c = s.save_case(&talked, Some(elena.id), &on(1)).unwrap();
        assert_eq!(
            (c.status, c.reason.as_str(), c.apology),
            (CaseStatus::WillReturn, "Precio", true)
        );
        assert_eq!(c.call_id, None, "nothing left to call");
        assert_eq!(
            c.called_on,
            Some(at().today()),
            "recovery counts from the first call"
        );
        assert_eq!(
            s.call_detail(CallId(call.id.0), Lang::Es, now())
                .unwrap()
                .attempts
                .len(),
            2
        );
    }

    #[test]
    fn a_client_seen_again_within_180_days_of_the_call_is_recovered() {
        let (s, maria, luna) = clinic();
        let elena = staff(&s, "Elena");
        let case = s
            .assign_winback(
                &AssignForm {
                    client_ids: vec![maria.id],
                    staff_id: Some(elena.id),
                },
                &at(),
            )
            .unwrap()
            .remove(0);
        s.save_case(
            &CaseForm {
                id: case.id,
                status: "hablado".into(),
                ..Default::default()
            },
            None,
            &at(),
        )
        .unwrap();
        assert_eq!(s.refresh_recovered(&at()).unwrap(), 0);
        visit(&s, luna.id, "25/11/2026");
        assert_eq!(s.refresh_recovered(&at()).unwrap(), 1);
        let c = s.winback_case(case.id).unwrap();
        assert_eq!(c.recovered_on, Some(at().today()));
        assert_eq!(s.refresh_recovered(&at()).unwrap(), 0, "once");
    }

    #[test]
    fn a_reason_given_three_times_in_90_days_is_a_weakness() {
        let s = store();
        let elena = staff(&s, "Elena");
        let mut ids = Vec::new();
        for (i, name) in ["María", "Íñigo", "Ana", "Pedro"].iter().enumerate() {
            let c = client(&s, name, "Núñez", &format!("61234567{i}"));
            let p = pet(&s, c.id, "Luna");
            visit(&s, p.id, "01/03/2025");
            ids.push(c.id);
        }
        let cases = s
            .assign_winback(
                &AssignForm {
                    client_ids: ids,
                    staff_id: Some(elena.id),
                },
                &at(),
            )
            .unwrap();
        let reason = |case: &Case, r: &str| {
            s.save_case(
                &CaseForm {
                    id: case.id,
                    status: "no_volvera".into(),
                    reason: r.into(),
                    ..Default::default()
                },
                None,
                &at(),
            )
            .unwrap();
        };
        reason(&cases[0], "Horarios o disponibilidad");
        reason(&cases[1], "Horarios o disponibilidad");
        reason(&cases[2], "Precio");
        let today = at().today();
        let report = s.reasons_report(today - Duration::days(30), today).unwrap();
        assert_eq!(report.reasons[0].reason, "Horarios o disponibilidad");
        assert_eq!(report.reasons[0].cases.len(), 2);
        assert!(report.weaknesses.is_empty(), "twice is not yet a weakness");
        reason(&cases[3], "Horarios o disponibilidad");
        let report = s.reasons_report(today - Duration::days(30), today).unwrap();
        assert_eq!(
            report.weaknesses,
            [Weakness {
                reason: "Horarios o disponibilidad".into(),
                count: 3
            }]
        );
    }

    use fidelia_store::tables::winback::Case;
}
