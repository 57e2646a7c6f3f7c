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
use fidelia_store::Result;
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
    /// Questions scoring low (≤ 3 of 5) in at least 2 of the period's months.
    pub low_questions: Vec<LowQuestion>,
    /// The period's detractors (recommend 0–6), with what they said.
    pub detractors: Vec<Behind>,
    /// Clients of the earlier 12 months not seen in the last 12 (the first [`BEHIND_MAX`]).
    pub not_retained: Vec<Behind>,
    /// Clients recovered in the period, with the day they came back.
    pub recovered: Vec<Behind>,
}

/// How many clients a figure lists behind it at most (the count says how many there are).
pub const BEHIND_MAX: usize = 100;

/// What one period's figures are computed from, as local days.
struct Rows {
    follow_ups: Vec<(NaiveDate, Option<NaiveDate>)>,
    surveys: Vec<(SurveyRow, NaiveDate, Option<NaiveDate>)>,
    reminders: Vec<(NaiveDate, Option<NaiveDate>)>,
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
    let owned: Vec<Answers> = answered.into_iter().cloned().collect();
    let (winback_called, recovered) = winback_counts(&rows.winback, &p);
    Figures {
        period: p,
        follow_up: follow_up_completion(&rows.follow_ups, &p),
        response: response_rate(&sent, &p),
        satisfaction: satisfaction(&owned),
        nps: nps(&recommend),
        retention,
        winback_called,
        recovered,
        compliance: reminder_compliance(&rows.reminders, &p),
    }
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
        let local = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&at.tz).date_naive();
        self.store.read(|db| {
            let s = settings::read(db)?;
            let hours = s.hours();
            // A follow-up "falls due" on the day the agenda first had it: its due time, or the
            // next opening when the clinic was closed then.
            // Calls falling due today can still be made today: they count from tomorrow.
            let follow_ups = kpi::follow_ups(db, start, end)?
                .into_iter()
                .map(|(due, done)| {
                    let placed = hours.next_slot(&at.tz, due, s.call_rules.slot());
                    (local(placed), done.map(local))
                })
                .filter(|(due, _)| *due < today)
                .collect();
            let survey_rows = kpi::surveys(db, start, end)?
                .into_iter()
                .map(|r| {
                    let (sent, answered) = (local(r.sent_at), r.answered_at.map(local));
                    (r, sent, answered)
                })
                .collect();
            let reminders = kpi::reminders_sent(db, start, end)?
                .into_iter()
                .map(|(sent, visit)| (local(sent), visit.map(local)))
                .collect();
            let rows = Rows {
                follow_ups,
                surveys: survey_rows,
                reminders,
                winback: kpi::winback(db)?,
            };
            // The clients seen in each 12-month window (the current period's earlier window is
            // often the previous period's later one: read once).
            let owners = kpi::pet_owners(db)?;
            let mut seen_in: Vec<(Period, HashSet<i64>)> = Vec::new();
            let mut seen = |p: Period| -> Result<HashSet<i64>> {
                if let Some((_, s)) = seen_in.iter().find(|(q, _)| *q == p) {
                    return Ok(s.clone());
                }
                let from = at.day_start(p.from);
                let pets = kpi::pets_seen(db, from, at.day_start(p.to + Duration::days(1)))?;
                let clients: HashSet<i64> =
                    pets.iter().filter_map(|p| owners.get(p).copied()).collect();
                seen_in.push((p, clients.clone()));
                Ok(clients)
            };
            let mut retention_at = |to: NaiveDate| -> Result<Ratio> {
                let (earlier, later) = retention_windows(to);
                Ok(retention(&seen(earlier)?, &seen(later)?))
            };
            let current = figures(&rows, period, retention_at(period.to.min(today))?);
            let before = figures(&rows, previous, retention_at(previous.to)?);
            // Behind retention: who did not come back (the first ones, by name).
            let (earlier, later) = retention_windows(period.to.min(today));
            let window = |p: Period| {
                seen_in
                    .iter()
                    .find(|(q, _)| *q == p)
                    .map(|(_, s)| s.clone())
                    .unwrap_or_default()
            };
            let later_seen = window(later);
            let mut gone: Vec<i64> = window(earlier)
                .into_iter()
                .filter(|c| !later_seen.contains(c))
                .collect();
            gone.sort_unstable();
            let last_seen = t(s.language, "dashboard.not_back");
            let mut not_retained = Vec::new();
            for id in gone.into_iter().take(BEHIND_MAX) {
                let c = clients::get(db, ClientId(id))?;
                not_retained.push(Behind {
                    client_id: c.id,
                    client_name: format!("{} {}", c.data.first_name, c.data.surnames),
                    detail: last_seen.clone(),
                });
            }
            not_retained.sort_by(|a, b| a.client_name.cmp(&b.client_name));
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
                .map(|m| {
                    let owned: Vec<Answers> = answered_in(&rows, m).into_iter().cloned().collect();
                    satisfaction(&owned)
                })
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
            let low_questions = low_questions(&monthly, 3.0, 2)
                .into_iter()
                .map(|(question, moment)| LowQuestion { question, moment })
                .collect();
            let detractors = rows
                .surveys
                .iter()
                .filter(|(r, _, a)| {
                    a.is_some_and(|a| period.contains(a))
                        && r.answers.recommend.is_some_and(|x| x <= 6)
                })
                .map(|(r, _, _)| Behind {
                    client_id: r.client_id,
                    client_name: r.client_name.clone(),
                    detail: format!(
                        "{}/10{}",
                        r.answers.recommend.unwrap_or(0),
                        if r.answers.comment.is_empty() {
                            String::new()
                        } else {
                            format!(" — «{}»", r.answers.comment)
                        }
                    ),
                })
                .collect();

            let w = &s.winback;
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
    }
}
