//! The owner's dashboard (Flow 6): today's work, and for a period against the one before it
//! the clinic's figures — follow-up completion, survey response, satisfaction per question and
//! per moment of the visit, NPS, retention, lapsed clients, win-back, reminder compliance —
//! with their trend month by month, the weaknesses to fix and the clients behind the figures.
//! The store gathers the rows once for both periods ([`fidelia_store::kpi`]); the domain's
//! definitions ([`fidelia_core::kpi`]) decide what counts.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate, TimeZone};
use fidelia_core::i18n::t;
use fidelia_core::kpi::*;
use fidelia_core::loyalty::period_of;
use fidelia_core::surveys::{Answers, Moment};
use fidelia_core::winback::Weakness;
use fidelia_core::*;
use fidelia_store::kpi::{self, SurveyRow};
use fidelia_store::tables::calls::CallCounts;
use fidelia_store::tables::{calls, clients, letters, messages, settings, surveys, winback};
use fidelia_store::{Db, Result};
use serde::Serialize;

use crate::Clinic;

/// Today's work.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Today {
    pub calls: CallCounts,
    /// Messages to send today (overdue ones included), of which surveys.
    pub messages: usize,
    pub surveys: usize,
    /// Poor survey answers nobody has seen.
    pub alerts: usize,
    /// No thank-you letters issued yet in the current loyalty period.
    pub review_due: bool,
    pub next_review: NaiveDate,
}

/// A period's figures.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Figures {
    pub period: Period,
    pub follow_up: Ratio,
    pub response: Ratio,
    pub satisfaction: Satisfaction,
    pub nps: Nps,
    pub retention: Ratio,
    pub winback_called: u32,
    pub recovered: u32,
    pub compliance: Ratio,
}

/// One month of the trend.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MonthPoint {
    /// Its first day.
    pub month: NaiveDate,
    pub follow_up: Option<f64>,
    pub response: Option<f64>,
    pub nps: Option<i32>,
    pub satisfaction: Option<f64>,
    pub compliance: Option<f64>,
}

/// A client behind a figure.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Behind {
    pub client_id: ClientId,
    pub client_name: String,
    pub detail: String,
}

/// A survey question that scored low month after month, with the moment of the visit.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LowQuestion {
    pub question: &'static str,
    pub moment: Moment,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    pub today: Today,
    pub current: Figures,
    pub previous: Figures,
    /// Clients lapsed today (the lapsed list's length).
    pub lapsed: u32,
    pub trend: Vec<MonthPoint>,
    /// Reasons for leaving that recur (win-back).
    pub weaknesses: Vec<Weakness>,
    /// Questions scoring low (at most the win-back rules' `low_score` of 5) in at least their
    /// `low_months` of the period's months.
    pub low_questions: Vec<LowQuestion>,
    /// The period's detractors (recommend 0–6), with what they said (the newest
    /// [`BEHIND_MAX`]).
    pub detractors: Vec<Behind>,
    /// Clients of the earlier 12 months not seen in the last 12 (the first [`BEHIND_MAX`]).
    pub not_retained: Vec<Behind>,
    /// Clients recovered in the period, with the day they came back.
    pub recovered: Vec<Behind>,
    /// Follow-up calls of the period not made on the day they fell due (the newest first).
    pub late_follow_ups: Vec<Behind>,
    /// Surveys sent in the period and not answered.
    pub unanswered: Vec<Behind>,
    /// Care reminders sent in the period not followed by a visit within 30 days.
    pub not_complied: Vec<Behind>,
}

/// How many clients a figure lists behind it at most (the count says how many there are).
pub const BEHIND_MAX: usize = 100;

/// What one period's figures are computed from, as local days, with the client of each row.
struct Rows {
    follow_ups: Vec<(NaiveDate, Option<NaiveDate>)>,
    follow_up_clients: Vec<i64>,
    surveys: Vec<(SurveyRow, NaiveDate, Option<NaiveDate>)>,
    reminders: Vec<(NaiveDate, Option<NaiveDate>)>,
    reminder_clients: Vec<i64>,
    winback: Vec<(Option<NaiveDate>, Option<NaiveDate>)>,
}

fn answered_in<'a>(rows: &'a Rows, p: &Period) -> Vec<&'a Answers> {
    rows.surveys
        .iter()
        .filter(|(_, _, a)| a.is_some_and(|a| p.contains(a)))
        .map(|(r, _, _)| &r.answers)
        .collect()
}

fn figures(rows: &Rows, p: Period, retention: Ratio) -> Figures {
    let answered = answered_in(rows, &p);
    let sent: Vec<(NaiveDate, bool)> = rows
        .surveys
        .iter()
        .map(|(_, s, a)| (*s, a.is_some()))
        .collect();
    let recommend: Vec<u8> = answered.iter().filter_map(|a| a.recommend).collect();
    let (winback_called, recovered) = winback_counts(&rows.winback, &p);
    Figures {
        period: p,
        follow_up: follow_up_completion(&rows.follow_ups, &p),
        response: response_rate(&sent, &p),
        satisfaction: satisfaction(answered),
        nps: nps(&recommend),
        retention,
        winback_called,
        recovered,
        compliance: reminder_compliance(&rows.reminders, &p),
    }
}

/// The clients behind a figure: the newest [`BEHIND_MAX`] of `rows` (client, day, row), named,
/// each with what `say` says of its row.
fn named<R>(
    db: &Db,
    rows: impl Iterator<Item = (i64, NaiveDate, R)>,
    say: impl Fn(&R) -> String,
) -> Result<Vec<Behind>> {
    let mut rows: Vec<_> = rows.collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows.truncate(BEHIND_MAX);
    rows.into_iter()
        .map(|(id, _, row)| {
            Ok(Behind {
                client_id: ClientId(id),
                client_name: clients::name(db, ClientId(id))?,
                detail: say(&row),
            })
        })
        .collect()
}

impl Clinic {
    /// The dashboard for `period` (against the period before it), as of `at`.
    pub fn dashboard<Tz: TimeZone>(
        &self,
        period: Period,
        at: &ClinicTime<Tz>,
    ) -> Result<Dashboard> {
        let today = at.today();
        let previous = period.previous();
        let start = at.day_start(previous.from - Duration::days(7));
        let end = at.day_start(period.to + Duration::days(1));
        let mut clock = WallClock::new(&at.tz);
        self.store.read(|db| {
            let s = settings::read(db)?;
            let lang = s.language;
            let hours = s.hours();
            let owners = kpi::pet_owners(db)?;
            let owner = |pet: i64| {
                usize::try_from(pet)
                    .ok()
                    .and_then(|i| owners.get(i))
                    .copied()
                    .unwrap_or_default()
            };
            // A follow-up "falls due" on the day the agenda first had it: its due time, or the
            // next opening when the clinic was closed then.
            // Calls falling due today can still be made today: they count from tomorrow.
            let (mut follow_ups, mut follow_up_clients) = (Vec::new(), Vec::new());
            for f in kpi::follow_ups(db, start, end)? {
                let due = hours.slot_day(&mut clock, f.at, s.call_rules.slot());
                if due < today {
                    follow_ups.push((due, f.then.map(|t| clock.day(t))));
                    follow_up_clients.push(owner(f.pet_id));
                }
            }
            let mut survey_rows = Vec::new();
            for r in kpi::surveys(db, start, end)? {
                let (sent, answered) = (clock.day(r.sent_at), r.answered_at.map(|t| clock.day(t)));
                survey_rows.push((r, sent, answered));
            }
            let (mut reminders, mut reminder_clients) = (Vec::new(), Vec::new());
            for r in kpi::reminders_sent(db, start, end)? {
                reminders.push((clock.day(r.at), r.then.map(|t| clock.day(t))));
                reminder_clients.push(owner(r.pet_id));
            }
            let rows = Rows {
                follow_ups,
                follow_up_clients,
                surveys: survey_rows,
                reminders,
                reminder_clients,
                winback: kpi::winback(db)?,
            };
            // The clients seen in each 12-month window (the current period's earlier window is
            // the previous period's later one: read once).
            let mut seen_in: Vec<(Period, HashSet<i64>)> = Vec::new();
            let mut seen = |p: Period| -> Result<HashSet<i64>> {
                if let Some((_, s)) = seen_in.iter().find(|(q, _)| *q == p) {
                    return Ok(s.clone());
                }
                let from = at.day_start(p.from);
                let mut pet_seen = vec![false; owners.len()];
                let mut clients = HashSet::new();
                for pet in kpi::pets_seen(db, from, at.day_start(p.to + Duration::days(1)))? {
                    match usize::try_from(pet).ok().and_then(|i| pet_seen.get_mut(i)) {
                        Some(seen) if *seen => {}
                        Some(seen) => {
                            *seen = true;
                            clients.insert(owner(pet));
                        }
                        None => {
                            clients.insert(owner(pet));
                        }
                    }
                }
                seen_in.push((p, clients.clone()));
                Ok(clients)
            };
            let (earlier, later) = retention_windows(period.to.min(today));
            let (earlier_seen, later_seen) = (seen(earlier)?, seen(later)?);
            let current = figures(&rows, period, retention(&earlier_seen, &later_seen));
            let (e, l) = retention_windows(previous.to);
            let before = figures(&rows, previous, retention(&seen(e)?, &seen(l)?));

            // The clients behind the figures.
            let not_back = t(lang, "dashboard.not_back");
            let not_retained = named(
                db,
                earlier_seen
                    .iter()
                    .filter(|c| !later_seen.contains(c))
                    .map(|c| (*c, earlier.to, ())),
                |_| not_back.clone(),
            )?;
            let day = |d: &NaiveDate| format::date_short(*d);
            let late_follow_ups = named(
                db,
                rows.follow_ups
                    .iter()
                    .zip(&rows.follow_up_clients)
                    .filter(|((due, done), _)| period.contains(*due) && !on_time(*due, *done))
                    .map(|((due, done), c)| (*c, *due, (*due, *done))),
                |(due, done)| match done {
                    Some(d) => t(lang, "dashboard.late_done")
                        .replace("{due}", &day(due))
                        .replace("{done}", &day(d)),
                    None => t(lang, "dashboard.late_not_done").replace("{due}", &day(due)),
                },
            )?;
            let unanswered = named(
                db,
                rows.surveys
                    .iter()
                    .filter(|(_, sent, answered)| period.contains(*sent) && answered.is_none())
                    .map(|(r, sent, _)| (r.client_id.0, *sent, *sent)),
                |sent| t(lang, "dashboard.unanswered").replace("{sent}", &day(sent)),
            )?;
            let not_complied = named(
                db,
                rows.reminders
                    .iter()
                    .zip(&rows.reminder_clients)
                    .filter(|((sent, visit), _)| period.contains(*sent) && !complied(*sent, *visit))
                    .map(|((sent, _), c)| (*c, *sent, *sent)),
                |sent| t(lang, "dashboard.not_complied").replace("{sent}", &day(sent)),
            )?;
            let detractors = named(
                db,
                rows.surveys
                    .iter()
                    .filter(|(r, _, a)| {
                        a.is_some_and(|a| period.contains(a))
                            && r.answers.recommend.is_some_and(|x| x <= 6)
                    })
                    .map(|(r, _, a)| (r.client_id.0, a.unwrap_or(today), &r.answers)),
                |answers| {
                    let said = if answers.comment.is_empty() {
                        String::new()
                    } else {
                        format!(" — «{}»", answers.comment)
                    };
                    format!("{}/10{said}", answers.recommend.unwrap_or(0))
                },
            )?;
            let recovered: Vec<Behind> = winback::all(db)?
                .into_iter()
                .filter(|c| c.recovered_on.is_some_and(|d| period.contains(d)))
                .map(|c| Behind {
                    client_id: c.client_id,
                    client_name: c.client_name,
                    detail: format::date_short(c.recovered_on.unwrap_or_default()),
                })
                .collect();

            let months = period.months();
            let monthly: Vec<Satisfaction> = months
                .iter()
                .map(|m| satisfaction(answered_in(&rows, m)))
                .collect();
            let trend = months
                .iter()
                .zip(&monthly)
                .map(|(m, sat)| {
                    let f = figures(&rows, *m, Ratio::default());
                    MonthPoint {
                        month: m.from,
                        follow_up: f.follow_up.percent(),
                        response: f.response.percent(),
                        nps: f.nps.score,
                        satisfaction: sat.overall(),
                        compliance: f.compliance.percent(),
                    }
                })
                .collect();
            let w = &s.winback;
            let low_questions =
                low_questions(&monthly, f64::from(w.low_score), w.low_months as usize)
                    .into_iter()
                    .map(|(question, moment)| LowQuestion { question, moment })
                    .collect();

            let lapsed = kpi::lapsed_count(db, at.day_start(w.lapsed_before(today)))?;

            let queue = messages::to_send(db, today)?;
            let review = period_of(today, s.loyalty.period_months);
            let today_work = Today {
                calls: calls::counts(db, at.now, at.day_start(today + Duration::days(1)))?,
                messages: queue.len(),
                surveys: queue.iter().filter(|m| m.kind == "encuesta").count(),
                alerts: surveys::alerts(db)?.len(),
                review_due: letters::thanked_in(db, &review.key)?.is_empty(),
                next_review: review.next_start,
            };
            Ok(Dashboard {
                today: today_work,
                current,
                previous: before,
                lapsed,
                trend,
                weaknesses: crate::winback::weaknesses_on(db, today, w)?,
                low_questions,
                detractors,
                not_retained,
                recovered,
                late_follow_ups,
                unanswered,
                not_complied,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::NaiveDate;
    use fidelia_core::demo::DemoSize;
    use fidelia_core::kpi::*;
    use fidelia_core::surveys::{Answers, SurveyForm};
    use fidelia_core::*;

    use crate::test_util::*;

    /// Ten clients answer the survey of a visit this month: 5 promoters, 3 passives, 2
    /// detractors (NPS 30); one of the detractors says why.
    #[test]
    fn nps_satisfaction_and_the_detractors_of_the_month() {
        let s = store();
        for (i, recommend) in [10, 9, 9, 10, 9, 8, 7, 7, 6, 0].into_iter().enumerate() {
            let c = client(&s, &format!("Cliente{i}"), "Núñez", &format!("61234567{i}"));
            let p = pet(&s, c.id, "Luna");
            let v = s
                .save_visit(
                    &VisitForm {
                        pet_id: Some(p.id),
                        date: "10/11/2026".into(),
                        time: "10:00".into(),
                        kind: "revision".into(),
                        severity: "leve".into(),
                        ..Default::default()
                    },
                    &at(),
                )
                .unwrap();
            let code = s.survey_for_visit(v.id, now()).unwrap().code;
            s.record_survey(
                &SurveyForm {
                    code,
                    answers: Answers {
                        scores: vec![Some(4), Some(5), Some(3), Some(2), Some(5)],
                        recommend: Some(recommend),
                        comment: if recommend == 0 {
                            "Muy caro".into()
                        } else {
                            String::new()
                        },
                    },
                    via: "telefono".into(),
                    staff_id: None,
                },
                &at(),
            )
            .unwrap();
        }
        let month = Period::month_of(at().today());
        let d = s.dashboard(month, &at()).unwrap();
        let n = d.current.nps;
        assert_eq!(
            (n.promoters, n.passives, n.detractors, n.score),
            (5, 3, 2, Some(30))
        );
        assert_eq!(d.current.response, Ratio { num: 10, den: 10 });
        assert_eq!(
            d.current.satisfaction.before,
            Some(2.0),
            "availability, before the visit"
        );
        assert_eq!(d.detractors.len(), 2);
        assert!(d.detractors.iter().any(|b| b.detail == "0/10 — «Muy caro»"));
        assert_eq!(
            d.today.alerts, 10,
            "every answer had a score of 2: ten alerts"
        );
        assert_eq!(d.previous.nps.score, None, "nothing the month before");
        assert_eq!(d.trend.len(), 1);
        assert_eq!(d.trend[0].nps, Some(30));
    }

    /// The SQL path against the definition: retention computed from every client's visits
    /// read one by one (the client pages) equals the dashboard's, on the demo clinic.
    #[test]
    fn retention_matches_its_definition_on_a_generated_clinic() {
        let s = store();
        s.load_demo(7, DemoSize::DEMO, &at()).unwrap();
        let today = at().today();
        let d = s.dashboard(Period::months_to(today, 12), &at()).unwrap();
        let (earlier, later) = retention_windows(Period::months_to(today, 12).to.min(today));
        let (mut e, mut l) = (HashSet::new(), HashSet::new());
        let (total, _) = s.clients_list(0, 1).unwrap();
        for hit in s.clients_list(0, total).unwrap().1 {
            for v in s.client_page(hit.client_id).unwrap().visits {
                let day: NaiveDate = v.data.at.with_timezone(&at().tz).date_naive();
                if earlier.contains(day) {
                    e.insert(hit.client_id);
                }
                if later.contains(day) {
                    l.insert(hit.client_id);
                }
            }
        }
        assert!(!e.is_empty());
        assert_eq!(d.current.retention, retention(&e, &l));
        assert!(d.current.follow_up.den > 0, "the demo's follow-up calls");
        let gone = (d.current.retention.den - d.current.retention.num) as usize;
        assert_eq!(
            d.not_retained.len(),
            gone.min(super::BEHIND_MAX),
            "who did not come back"
        );
        assert!(d
            .not_retained
            .iter()
            .all(|b| e.contains(&b.client_id) && !l.contains(&b.client_id)));
        assert!(d.lapsed > 0);

        // Behind each ratio, its misses (the first BEHIND_MAX): follow-ups not made on their
        // day, surveys not answered, reminders with no visit within 30 days; and the detractors.
        let c = &d.current;
        let misses = |r: Ratio| ((r.den - r.num) as usize).min(super::BEHIND_MAX);
        assert!(c.compliance.den > 0, "the demo's year of reminders");
        assert!(c.compliance.num > 0 && c.compliance.num < c.compliance.den);
        assert!(
            c.follow_up.num < c.follow_up.den,
            "some late calls in the demo"
        );
        assert_eq!(d.late_follow_ups.len(), misses(c.follow_up));
        assert_eq!(d.unanswered.len(), misses(c.response));
        assert_eq!(d.not_complied.len(), misses(c.compliance));
        assert_eq!(
            d.detractors.len(),
            (c.nps.detractors as usize).min(super::BEHIND_MAX)
        );
        assert!(d.not_complied[0].detail.contains("sin visita"));
    }
}
