//! The dashboard's figures (Flow 6), each a definition over plain rows, with the period and
//! "today" passed in: the store gathers the rows, these functions decide what counts. Every
//! figure carries its numerator and denominator, so the window can say how it was computed.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::Serialize;

use crate::surveys::{Answers, Moment, QUESTIONS};

/// A span of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Period {
        Period {
            from: from.min(to),
            to: to.max(from),
        }
    }

    /// The calendar month of `day`.
    pub fn month_of(day: NaiveDate) -> Period {
        let from = day.with_day(1).expect("day 1");
        let to = from + Months::new(1) - Duration::days(1);
        Period { from, to }
    }

    /// The `months` calendar months up to and including the month of `day`.
    pub fn months_to(day: NaiveDate, months: u32) -> Period {
        let last = Period::month_of(day);
        let from = last.from - Months::new(months.saturating_sub(1));
        Period { from, to: last.to }
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period of the same length just before this one (a whole number of months before,
    /// for a period of whole months).
    pub fn previous(&self) -> Period {
        let whole_months = self.from.day() == 1 && (self.to + Duration::days(1)).day() == 1;
        if whole_months {
            let months = (self.to.year() - self.from.year()) * 12 + self.to.month() as i32
                - self.from.month() as i32
                + 1;
            let from = self.from - Months::new(months as u32);
            return Period {
                from,
                to: self.from - Duration::days(1),
            };
        }
        Period {
            from: self.from - Duration::days(self.days()),
            to: self.from - Duration::days(1),
        }
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// The calendar months the period touches, in order (for the trends).
    pub fn months(&self) -> Vec<Period> {
        let mut out = Vec::new();
        let mut m = Period::month_of(self.from);
        while m.from <= self.to {
            out.push(m);
            m = Period::month_of(m.to + Duration::days(1));
        }
        out
    }
}

/// A share: how many of how many. `None` as a percentage when there is nothing to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Ratio {
    pub num: u32,
    pub den: u32,
}

impl Ratio {
    pub fn percent(&self) -> Option<f64> {
        (self.den > 0).then(|| 100.0 * self.num as f64 / self.den as f64)
    }
}

/// Follow-up completion: of the follow-up calls that fell due in the period, those made (done)
/// on the day they fell due. Rows: (the day it fell due, the day it was done, if it was).
pub fn follow_up_completion(calls: &[(NaiveDate, Option<NaiveDate>)], p: &Period) -> Ratio {
    let due: Vec<_> = calls.iter().filter(|(d, _)| p.contains(*d)).collect();
    Ratio {
        num: due.iter().filter(|(d, done)| on_time(*d, *done)).count() as u32,
        den: due.len() as u32,
    }
}

/// A follow-up call made on the day it fell due.
pub fn on_time(due: NaiveDate, done: Option<NaiveDate>) -> bool {
    done == Some(due)
}

/// Survey response rate: of the surveys sent (prepared) in the period, those answered.
/// Rows: (the day it was sent, answered or not).
pub fn response_rate(surveys: &[(NaiveDate, bool)], p: &Period) -> Ratio {
    let sent: Vec<_> = surveys.iter().filter(|(d, _)| p.contains(*d)).collect();
    Ratio {
        num: sent.iter().filter(|(_, a)| *a).count() as u32,
        den: sent.len() as u32,
    }
}

/// The Net Promoter Score of a set of "would you recommend us" answers (0–10): promoters 9–10,
/// passives 7–8, detractors 0–6; NPS = % promoters − % detractors.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Nps {
    pub promoters: u32,
    pub passives: u32,
    pub detractors: u32,
    /// −100 to 100; `None` without answers.
    pub score: Option<i32>,
}

pub fn nps(recommend: &[u8]) -> Nps {
    let mut n = Nps::default();
    for r in recommend {
        match r {
            9..=10 => n.promoters += 1,
            7..=8 => n.passives += 1,
            _ => n.detractors += 1,
        }
    }
    let total = recommend.len() as f64;
    if total > 0.0 {
        let pct = |x: u32| 100.0 * x as f64 / total;
        n.score = Some((pct(n.promoters) - pct(n.detractors)).round() as i32);
    }
    n
}

/// The mean score (1–5) of each survey question, and of each moment of the visit (before,
/// during, after), over the answers given; `None` where nobody answered.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Satisfaction {
    /// One per [`QUESTIONS`], in order.
    pub questions: Vec<Option<f64>>,
    pub before: Option<f64>,
    pub during: Option<f64>,
    pub after: Option<f64>,
    pub answers: u32,
}

impl Satisfaction {
    /// The mean of the questions' means: one figure for the trend and the report.
    pub fn overall(&self) -> Option<f64> {
        let v: Vec<f64> = self.questions.iter().flatten().copied().collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    }
}

pub fn satisfaction<'a>(answers: impl IntoIterator<Item = &'a Answers>) -> Satisfaction {
    let mean = |v: &[u8]| {
        (!v.is_empty()).then(|| v.iter().map(|x| *x as f64).sum::<f64>() / v.len() as f64)
    };
    let mut per_question: Vec<Vec<u8>> = vec![Vec::new(); QUESTIONS.len()];
    let mut per_moment: BTreeMap<u8, Vec<u8>> = BTreeMap::new();
    let mut count = 0;
    for a in answers {
        count += 1;
        for (i, s) in a.scores.iter().enumerate().take(QUESTIONS.len()) {
            if let Some(s) = s {
                per_question[i].push(*s);
                per_moment.entry(QUESTIONS[i].1 as u8).or_default().push(*s);
            }
        }
    }
    let moment = |m: Moment| per_moment.get(&(m as u8)).and_then(|v| mean(v));
    Satisfaction {
        questions: per_question.iter().map(|v| mean(v)).collect(),
        before: moment(Moment::Before),
        during: moment(Moment::During),
        after: moment(Moment::After),
        answers: count,
    }
}

/// Questions whose mean score was low (≤ `threshold`) in at least `months` of the months
/// given, each with its moment of the visit: a weakness, like a recurring reason for leaving.
pub fn low_questions(
    monthly: &[Satisfaction],
    threshold: f64,
    months: usize,
) -> Vec<(&'static str, Moment)> {
    QUESTIONS
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            monthly
                .iter()
                .filter(|m| {
                    m.questions
                        .get(*i)
                        .copied()
                        .flatten()
                        .is_some_and(|s| s <= threshold)
                })
                .count()
                >= months
        })
        .map(|(_, (q, m))| (*q, *m))
        .collect()
}

/// Retention at the end of the period: of the clients seen in the 12 months before the last
/// 12 (`earlier`), those seen again in the last 12 months (`later`).
pub fn retention<T: std::hash::Hash + Eq>(earlier: &HashSet<T>, later: &HashSet<T>) -> Ratio {
    Ratio {
        num: earlier.intersection(later).count() as u32,
        den: earlier.len() as u32,
    }
}

/// The two 12-month windows retention compares, for a period ending on `to`: the 12 months
/// before the last 12, and the last 12 (each `[from, to]`).
pub fn retention_windows(to: NaiveDate) -> (Period, Period) {
    let later_from = to - Months::new(12) + Duration::days(1);
    let earlier_from = later_from - Months::new(12);
    (
        Period::new(earlier_from, later_from - Duration::days(1)),
        Period::new(later_from, to),
    )
}

/// Reminder compliance: of the care reminders sent in the period, those followed by a visit
/// of the pet within 30 days. Rows: (the day it was sent, the pet's first visit from then).
pub fn reminder_compliance(sent: &[(NaiveDate, Option<NaiveDate>)], p: &Period) -> Ratio {
    let in_period: Vec<_> = sent.iter().filter(|(d, _)| p.contains(*d)).collect();
    Ratio {
        num: in_period.iter().filter(|(d, v)| complied(*d, *v)).count() as u32,
        den: in_period.len() as u32,
    }
}

/// A care reminder sent on `sent` followed by a visit of the pet within 30 days.
pub fn complied(sent: NaiveDate, visit: Option<NaiveDate>) -> bool {
    visit.is_some_and(|v| v >= sent && v <= sent + Duration::days(30))
}

/// Win-back in the period: cases called (their first call in the period) and clients recovered
/// (came back in the period). Rows: (the day of the first call, the day they came back).
pub fn winback_counts(cases: &[(Option<NaiveDate>, Option<NaiveDate>)], p: &Period) -> (u32, u32) {
    let called = cases
        .iter()
        .filter(|(c, _)| c.is_some_and(|c| p.contains(c)))
        .count();
    let recovered = cases
        .iter()
        .filter(|(_, r)| r.is_some_and(|r| p.contains(r)))
        .count();
    (called as u32, recovered as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_and_the_one_before() {
        let nov = Period::month_of(d(2026, 11, 24));
        assert_eq!((nov.from, nov.to), (d(2026, 11, 1), d(2026, 11, 30)));
        assert_eq!(nov.previous(), Period::new(d(2026, 10, 1), d(2026, 10, 31)));
        let year = Period::months_to(d(2026, 11, 24), 12);
        assert_eq!((year.from, year.to), (d(2025, 12, 1), d(2026, 11, 30)));
        assert_eq!(
            year.previous(),
            Period::new(d(2024, 12, 1), d(2025, 11, 30))
        );
        assert_eq!(year.months().len(), 12);
        let ten = Period::new(d(2026, 11, 11), d(2026, 11, 20));
        assert_eq!(ten.previous(), Period::new(d(2026, 11, 1), d(2026, 11, 10)));
    }

    #[test]
    fn five_promoters_three_passives_two_detractors_make_an_nps_of_30() {
        let n = nps(&[10, 9, 9, 10, 9, 8, 7, 7, 6, 0]);
        assert_eq!(
            (n.promoters, n.passives, n.detractors, n.score),
            (5, 3, 2, Some(30))
        );
        assert_eq!(nps(&[]).score, None);
        assert_eq!(nps(&[3, 4]).score, Some(-100));
    }

    #[test]
    fn ten_clients_seen_last_year_seven_came_back_is_70_percent() {
        let earlier: HashSet<u32> = (1..=10).collect();
        let later: HashSet<u32> = (4..=15).collect();
        let r = retention(&earlier, &later);
        assert_eq!((r.num, r.den, r.percent()), (7, 10, Some(70.0)));
        let (e, l) = retention_windows(d(2026, 11, 30));
        assert_eq!(e, Period::new(d(2024, 12, 1), d(2025, 11, 30)));
        assert_eq!(l, Period::new(d(2025, 12, 1), d(2026, 11, 30)));
    }

    #[test]
    fn a_follow_up_counts_when_made_on_the_day_it_fell_due() {
        let p = Period::month_of(d(2026, 11, 1));
        let calls = [
            (d(2026, 11, 3), Some(d(2026, 11, 3))),
            (d(2026, 11, 4), Some(d(2026, 11, 5))), // a day late
            (d(2026, 11, 5), None),                 // never made
            (d(2026, 11, 6), Some(d(2026, 11, 6))),
            (d(2026, 10, 31), Some(d(2026, 10, 31))), // another month
        ];
        assert_eq!(follow_up_completion(&calls, &p), Ratio { num: 2, den: 4 });
    }

    #[test]
    fn survey_rates_satisfaction_per_question_and_moment() {
        let p = Period::month_of(d(2026, 11, 1));
        let sent = [
            (d(2026, 11, 2), true),
            (d(2026, 11, 3), false),
            (d(2026, 11, 9), true),
            (d(2026, 12, 1), true),
        ];
        assert_eq!(response_rate(&sent, &p), Ratio { num: 2, den: 3 });
        let a = |s: [Option<u8>; 5], r| Answers {
            scores: s.to_vec(),
            recommend: r,
            comment: String::new(),
        };
        let s = satisfaction(&[
            a([Some(5), Some(4), Some(3), Some(2), Some(5)], Some(9)),
            a([Some(3), Some(4), None, Some(4), Some(3)], Some(6)),
        ]);
        assert_eq!(
            s.questions,
            [Some(4.0), Some(4.0), Some(3.0), Some(3.0), Some(4.0)]
        );
        assert_eq!(s.before, Some(3.0), "availability: before the visit");
        assert_eq!(s.after, Some(4.0), "overall: after");
        assert_eq!(
            s.during,
            Some(19.0 / 5.0),
            "care, facilities, cleanliness: during"
        );
        let low = low_questions(
            &[s.clone(), s.clone(), satisfaction(&[] as &[Answers])],
            3.0,
            2,
        );
        assert_eq!(
            low,
            [
                ("facilities", Moment::During),
                ("availability", Moment::Before)
            ]
        );
    }

    #[test]
    fn a_reminder_is_complied_with_when_a_visit_follows_within_30_days() {
        let p = Period::month_of(d(2026, 11, 1));
        let sent = [
            (d(2026, 11, 2), Some(d(2026, 11, 20))),
            (d(2026, 11, 2), Some(d(2026, 12, 2))), // day 30
            (d(2026, 11, 2), Some(d(2026, 12, 3))), // day 31
            (d(2026, 11, 10), None),
            (d(2026, 10, 10), Some(d(2026, 10, 11))), // sent in another month
        ];
        assert_eq!(reminder_compliance(&sent, &p), Ratio { num: 2, den: 4 });
        let cases = [
            (Some(d(2026, 11, 3)), Some(d(2026, 11, 20))),
            (Some(d(2026, 10, 3)), Some(d(2026, 11, 2))),
            (None, None),
        ];
        assert_eq!(winback_counts(&cases, &p), (1, 2));
    }
}
