//! Satisfaction surveys (Flow 2): when a visit's survey is due, whom it may go to, and what a
//! poor answer is. Pure rules; "now" is passed in.
//!
//! A survey is sent by reception while the clinic is open: it falls due at the first opening at
//! least `min_hours` after the visit (so a Friday evening visit is asked about on Monday morning,
//! not on Sunday), at most one per client every `per_client_days` days, and never after a death.

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::hours::OpeningHours;
use crate::records::{FieldError, Invalid};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SurveyRules {
    /// The survey waits at least this long after the visit (the pet is home, the owner has seen
    /// how it goes).
    pub min_hours: u32,
    /// Past this, a survey not sent is dropped (memories fade; the owner would not remember).
    pub max_hours: u32,
    /// At most one survey per client in this many days.
    pub per_client_days: u32,
}

impl Default for SurveyRules {
    fn default() -> Self {
        SurveyRules {
            min_hours: 24,
            max_hours: 96,
            per_client_days: 30,
        }
    }
}

/// The moment of the visit a question is about ("moments of truth").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Moment {
    Before,
    During,
    After,
}

/// The questions, each 1–5, with the moment it is about; then recommend 0–10 and a comment.
pub const QUESTIONS: &[(&str, Moment)] = &[
    ("overall", Moment::After),
    ("care", Moment::During),
    ("facilities", Moment::During),
    ("availability", Moment::Before),
    ("cleanliness", Moment::During),
];

/// A survey's answers as the form (or an imported row) gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Answers {
    /// One per [`QUESTIONS`], in order; `None` = not answered.
    pub scores: Vec<Option<u8>>,
    pub recommend: Option<u8>,
    pub comment: String,
}

impl SurveyRules {
    /// When a visit's survey falls due: the first opening slot at least `min_hours` after the
    /// visit (never before `now`); `None` once `max_hours` have passed since the visit.
    pub fn due_at<Tz: TimeZone>(
        &self,
        visit_at: DateTime<Utc>,
        now: DateTime<Utc>,
        hours: &OpeningHours,
        tz: &Tz,
    ) -> Option<DateTime<Utc>> {
        let earliest = visit_at + Duration::hours(self.min_hours as i64);
        let due = hours.next_slot(tz, earliest.max(now), Duration::minutes(5));
        (due <= visit_at + Duration::hours(self.max_hours as i64)).then_some(due)
    }

    /// Whether a client may get a survey at `now`, given when they last got one.
    pub fn allowed(&self, last_survey: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        last_survey.is_none_or(|t| now - t >= Duration::days(self.per_client_days as i64))
    }

    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Vec::new();
        if !(1..=168).contains(&self.min_hours) {
            errs.push(FieldError {
                field: "surveyMinHours",
                key: "err.survey_hours",
            });
        }
        if self.max_hours < self.min_hours || self.max_hours > 336 {
            errs.push(FieldError {
                field: "surveyMaxHours",
                key: "err.survey_hours",
            });
        }
        if self.per_client_days > 365 {
            errs.push(FieldError {
                field: "surveyPerClientDays",
                key: "err.care_days",
            });
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(Invalid(errs))
        }
    }
}

impl Answers {
    /// Every score in range (1–5, recommend 0–10), the comment not too long.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Vec::new();
        if self.scores.len() != QUESTIONS.len()
            || self.scores.iter().flatten().any(|s| !(1..=5).contains(s))
        {
            errs.push(FieldError {
                field: "scores",
                key: "err.survey_score",
            });
        }
        if self.recommend.is_some_and(|r| r > 10) {
            errs.push(FieldError {
                field: "recommend",
                key: "err.survey_recommend",
            });
        }
        if self.comment.chars().count() > 4000 {
            errs.push(FieldError {
                field: "comment",
                key: "err.too_long",
            });
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(Invalid(errs))
        }
    }

    /// A poor answer reaches the owner: any score of 2 or less, or recommend 6 or less.
    pub fn is_poor(&self) -> bool {
        self.scores.iter().flatten().any(|s| *s <= 2) || self.recommend.is_some_and(|r| r <= 6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_clock::local;
    use chrono_tz::Europe::Madrid;

    /// Mon–Fri 09:30–14:00 and 17:00–20:30, Saturday 10:00–14:00, closed Sunday.
    fn typical() -> OpeningHours {
        OpeningHours::typical()
    }

    #[test]
    fn a_survey_falls_due_a_day_later_at_an_opening() {
        let r = SurveyRules::default();
        // Tuesday 11:00 → Wednesday 11:00, open.
        let visit = local(2026, 11, 24, 11, 0);
        assert_eq!(
            r.due_at(visit, visit, &typical(), &Madrid),
            Some(local(2026, 11, 25, 11, 0))
        );
        // Tuesday 15:00 → Wednesday 15:00 is the lunch break: 17:00.
        let visit = local(2026, 11, 24, 15, 0);
        assert_eq!(
            r.due_at(visit, visit, &typical(), &Madrid),
            Some(local(2026, 11, 25, 17, 0))
        );
    }

    #[test]
    fn across_a_weekend_the_survey_waits_for_monday() {
        let r = SurveyRules::default();
        // Friday 19:00 → Saturday 19:00 (closed at 14:00) → Sunday closed → Monday 09:30.
        let visit = local(2026, 11, 27, 19, 0);
        assert_eq!(
            r.due_at(visit, visit, &typical(), &Madrid),
            Some(local(2026, 11, 30, 9, 30))
        );
    }

    #[test]
    fn a_closed_monday_moves_it_to_tuesday_and_past_the_window_it_is_dropped() {
        let r = SurveyRules::default();
        let mut days = typical().to_strings();
        days[0] = String::new(); // closed on Mondays
        let hours = OpeningHours::parse(&days).unwrap();
        // Saturday 13:00 → Sunday 13:00 closed → Monday closed → Tuesday 09:30 (68.5 h).
        let visit = local(2026, 11, 28, 13, 0);
        assert_eq!(
            r.due_at(visit, visit, &hours, &Madrid),
            Some(local(2026, 12, 1, 9, 30))
        );
        let tight = SurveyRules { max_hours: 48, ..r };
        assert_eq!(
            tight.due_at(visit, visit, &hours, &Madrid),
            None,
            "beyond the window: no survey rather than a late one"
        );
    }

    #[test]
    fn one_survey_per_client_per_30_days() {
        let r = SurveyRules::default();
        let now = local(2026, 11, 24, 11, 0);
        assert!(r.allowed(None, now));
        assert!(!r.allowed(Some(now - Duration::days(29)), now));
        assert!(r.allowed(Some(now - Duration::days(30)), now));
    }

    #[test]
    fn a_poor_answer_is_any_score_of_two_or_recommend_six() {
        let a = |scores: [u8; 5], recommend| Answers {
            scores: scores.iter().map(|s| Some(*s)).collect(),
            recommend: Some(recommend),
            comment: String::new(),
        };
        assert!(!a([5, 5, 4, 4, 3], 9).is_poor());
        assert!(a([5, 5, 2, 4, 3], 9).is_poor(), "facilities 2");
        assert!(a([5, 5, 5, 5, 5], 6).is_poor(), "recommend 6");
        assert!(!a([5, 5, 5, 5, 5], 7).is_poor());
        assert!(a([5, 5, 5, 5, 5], 4).validate().is_ok());
        assert!(
            a([5, 5, 6, 5, 5], 4).validate().is_err(),
            "scores are 1 to 5"
        );
        assert!(
            a([5, 5, 5, 5, 5], 11).validate().is_err(),
            "recommend is 0 to 10"
        );
        let unanswered = Answers {
            scores: vec![None; 5],
            ..Default::default()
        };
        assert!(unanswered.validate().is_ok() && !unanswered.is_poor());
    }
}
