//! Winning back lost clients (Flow 4): who counts as lapsed, the win-back case and its form,
//! when a case counts as recovered, and which reasons for leaving recur enough to be a weakness
//! to fix. Pure rules: "today" and the rows are passed in.

use chrono::{Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::records::{Check, ClientId, FieldError, Invalid, StaffId};

word_enum!(CaseStatus, "case_status", {
    ToCall => "por_llamar", NoAnswer => "no_contesta", Talked => "hablado",
    WillReturn => "volvera", WontReturn => "no_volvera", Closed => "cerrado",
});

impl CaseStatus {
    /// Still being worked on: it has a call in the agenda.
    pub fn open(self) -> bool {
        matches!(self, CaseStatus::ToCall | CaseStatus::NoAnswer)
    }
}

/// The reasons for leaving a clinic starts with (SPEC, Flow 4); the clinic edits the list.
pub const DEFAULT_REASONS: &[&str] = &[
    "Precio",
    "Indiferencia o trato rutinario",
    "Un incidente o una queja",
    "Se ha mudado",
    "Falleció la mascota",
    "Se fue a otra clínica",
    "Horarios o disponibilidad",
    "Otro",
];

/// The clinic's win-back rules (Settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WinbackRules {
    /// A client whose last visit is older than this is lapsed.
    pub lapsed_months: u32,
    /// A case whose client visits again within this many days of the call is recovered.
    pub recovered_days: u32,
    /// A reason given this many times…
    pub weakness_count: u32,
    /// …within this many days is a weakness to fix.
    pub weakness_days: u32,
    /// A survey question whose mean is at most this (of 5) in a month…
    pub low_score: u8,
    /// …in this many months of the dashboard's period is a weakness too.
    pub low_months: u32,
    /// The reasons for leaving, as the clinic words them.
    pub reasons: Vec<String>,
    /// The win-back call's script; "" = the dictionary's.
    pub script: String,
}

impl Default for WinbackRules {
    fn default() -> Self {
        WinbackRules {
            lapsed_months: 12,
            recovered_days: 180,
            weakness_count: 3,
            weakness_days: 90,
            low_score: 3,
            low_months: 2,
            reasons: DEFAULT_REASONS.iter().map(|r| r.to_string()).collect(),
            script: String::new(),
        }
    }
}

impl WinbackRules {
    /// The day before which a last visit makes a client lapsed.
    pub fn lapsed_before(&self, today: NaiveDate) -> NaiveDate {
        today
            .checked_sub_months(Months::new(self.lapsed_months))
            .unwrap_or(today)
    }

    /// Whether a client last seen on `last_visit` is lapsed on `today`.
    pub fn is_lapsed(&self, last_visit: NaiveDate, today: NaiveDate) -> bool {
        last_visit < self.lapsed_before(today)
    }

    /// Whether a client called on `called_on` and seen again on `visit_on` is recovered.
    pub fn recovered(&self, called_on: NaiveDate, visit_on: NaiveDate) -> bool {
        visit_on >= called_on && visit_on <= called_on + Duration::days(self.recovered_days as i64)
    }

    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Vec::new();
        if !(1..=60).contains(&self.lapsed_months) {
            errs.push(FieldError {
                field: "lapsedMonths",
                key: "err.lapsed_months",
            });
        }
        if !(1..=730).contains(&self.recovered_days) || !(1..=730).contains(&self.weakness_days) {
            errs.push(FieldError {
                field: "weaknessDays",
                key: "err.winback_days",
            });
        }
        if !(2..=100).contains(&self.weakness_count) {
            errs.push(FieldError {
                field: "weaknessCount",
                key: "err.weakness_count",
            });
        }
        if !(1..=4).contains(&self.low_score) {
            errs.push(FieldError {
                field: "lowScore",
                key: "err.low_score",
            });
        }
        if !(1..=12).contains(&self.low_months) {
            errs.push(FieldError {
                field: "lowMonths",
                key: "err.low_months",
            });
        }
        let blank = self
            .reasons
            .iter()
            .any(|r| r.trim().is_empty() || r.chars().count() > 80);
        if self.reasons.is_empty() || self.reasons.len() > 30 || blank {
            errs.push(FieldError {
                field: "reasons",
                key: "err.reasons",
            });
        }
        if self.script.chars().count() > 4000 {
            errs.push(FieldError {
                field: "winbackScript",
                key: "err.too_long",
            });
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(Invalid(errs))
        }
    }
}

/// A reason given often enough, lately, to be a weakness to fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Weakness {
    pub reason: String,
    /// How many times within the rule's window.
    pub count: u32,
}

/// The reasons given at least `weakness_count` times in the `weakness_days` up to `today`
/// (each `(reason, day given)`), most frequent first.
pub fn weaknesses(
    given: &[(String, NaiveDate)],
    today: NaiveDate,
    r: &WinbackRules,
) -> Vec<Weakness> {
    let since = today - Duration::days(r.weakness_days as i64);
    let mut counts: Vec<Weakness> = Vec::new();
    for (reason, day) in given {
        if *day <= since || *day > today || reason.trim().is_empty() {
            continue;
        }
        match counts.iter_mut().find(|w| w.reason == *reason) {
            Some(w) => w.count += 1,
            None => counts.push(Weakness {
                reason: reason.clone(),
                count: 1,
            }),
        }
    }
    counts.retain(|w| w.count >= r.weakness_count);
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
    counts
}

/// Clients handed to a staff member to call back (the lapsed list's selection).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AssignForm {
    pub client_ids: Vec<ClientId>,
    pub staff_id: Option<StaffId>,
}

impl AssignForm {
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut c = Check::default();
        if self.client_ids.is_empty() || self.client_ids.len() > 500 {
            c.0.push(FieldError {
                field: "clientIds",
                key: "err.choose_clients",
            });
        }
        if self.staff_id.is_none() {
            c.0.push(FieldError {
                field: "staffId",
                key: "err.required",
            });
        }
        c.finish(|| ())
    }
}

/// What the case screen records.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CaseForm {
    pub id: i64,
    pub status: String,
    /// One of the clinic's reasons, or "" (not known yet).
    pub reason: String,
    pub apology: bool,
    pub notes: String,
    /// dd/mm/aaaa: when to call again ("" = none).
    pub next_date: String,
    /// The case's version the card showed: the save is refused if someone saved the case
    /// since. `None`: no check.
    pub version: Option<i64>,
}

/// A case form, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseData {
    pub status: CaseStatus,
    pub reason: String,
    pub apology: bool,
    pub notes: String,
    pub next_date: Option<NaiveDate>,
}

impl CaseForm {
    /// The status a known one, the reason one of the clinic's (`reasons`), the next date a real
    /// day not in the past.
    pub fn validate(&self, reasons: &[String], today: NaiveDate) -> Result<CaseData, Invalid> {
        let mut c = Check::default();
        let status = c.choice("status", &self.status, CaseStatus::parse);
        let reason = self.reason.trim();
        if !reason.is_empty() && !reasons.iter().any(|r| r == reason) {
            c.0.push(FieldError {
                field: "reason",
                key: "err.choice",
            });
        }
        let notes = c.optional("notes", &self.notes, 2000);
        let next_date = if self.next_date.trim().is_empty() {
            None
        } else {
            c.field("nextDate", crate::parse::date(&self.next_date))
                .and_then(|d| {
                    if d < today {
                        c.0.push(FieldError {
                            field: "nextDate",
                            key: "err.date_past",
                        });
                        None
                    } else {
                        Some(d)
                    }
                })
        };
        c.finish(|| CaseData {
            status: status.unwrap_or(CaseStatus::ToCall),
            reason: reason.to_owned(),
            apology: self.apology,
            notes,
            next_date,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_client_is_lapsed_a_year_after_the_last_visit() {
        let r = WinbackRules::default();
        let today = d(2026, 12, 3);
        assert!(
            !r.is_lapsed(d(2025, 12, 3), today),
            "exactly a year: not yet"
        );
        assert!(r.is_lapsed(d(2025, 12, 2), today));
        let six = WinbackRules {
            lapsed_months: 6,
            ..r
        };
        assert!(six.is_lapsed(d(2026, 6, 2), today));
    }

    #[test]
    fn recovered_when_seen_again_within_180_days_of_the_call() {
        let r = WinbackRules::default();
        let called = d(2026, 6, 1);
        assert!(r.recovered(called, d(2026, 6, 1)));
        assert!(r.recovered(called, d(2026, 11, 28)), "day 180");
        assert!(!r.recovered(called, d(2026, 11, 29)), "day 181");
        assert!(
            !r.recovered(called, d(2026, 5, 30)),
            "a visit before the call"
        );
    }

    #[test]
    fn a_reason_given_three_times_in_90_days_is_a_weakness() {
        let r = WinbackRules::default();
        let today = d(2026, 12, 3);
        let given = |days_ago: &[i64], reason: &str| -> Vec<(String, NaiveDate)> {
            days_ago
                .iter()
                .map(|a| (reason.to_string(), today - Duration::days(*a)))
                .collect()
        };
        let mut all = given(&[1, 30, 89], "Precio");
        all.extend(given(&[2, 95, 120], "Horarios o disponibilidad"));
        all.extend(given(&[3, 4], "Se ha mudado"));
        assert_eq!(
            weaknesses(&all, today, &r),
            [Weakness {
                reason: "Precio".into(),
                count: 3
            }],
            "two of the three for opening hours are older than 90 days"
        );
        all.extend(given(&[5], "Se ha mudado"));
        assert_eq!(weaknesses(&all, today, &r).len(), 2);
    }

    #[test]
    fn a_case_form_takes_a_known_status_and_reason() {
        let r = WinbackRules::default();
        let today = d(2026, 12, 3);
        let f = CaseForm {
            id: 1,
            status: "hablado".into(),
            reason: "Precio".into(),
            apology: true,
            notes: "Le pareció caro el análisis".into(),
            next_date: "10/12/2026".into(),
            version: None,
        };
        let data = f.validate(&r.reasons, today).unwrap();
        assert_eq!(data.status, CaseStatus::Talked);
        assert_eq!(data.next_date, Some(d(2026, 12, 10)));
        let e = CaseForm {
            status: "quizá".into(),
            reason: "Porque sí".into(),
            next_date: "01/12/2026".into(),
            ..f
        }
        .validate(&r.reasons, today)
        .unwrap_err();
        assert!(
            e.has("status", "err.choice")
                && e.has("reason", "err.choice")
                && e.has("nextDate", "err.date_past")
        );
    }
}
