//! Loyalty (SPEC Flow 5): who the clinic's truly loyal clients are and why, the review period,
//! and pet birthdays with their coupon. Pure: "today" is passed in.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::records::{ClientId, FieldError, Invalid, PetId};

word_enum!(Tier, "tier", { Gold => "oro", Silver => "plata", Bronze => "bronce", None => "ninguno" });
word_enum!(Exclusion, "exclusion", {
    SingleVisit => "una_visita", TooNew => "reciente", AllPetsDeceased => "mascotas_fallecidas",
    NoCommercialConsent => "sin_consentimiento", AlreadyThanked => "ya_agradecido",
});

/// Settings of the loyalty review (editable).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LoyaltyRules {
    /// Minimum scores (0–100) for each tier.
    pub gold: u32,
    pub silver: u32,
    pub bronze: u32,
    /// Months between reviews: 3 = quarterly.
    pub period_months: u32,
    /// The thank-you letter includes an offer: then clients without commercial consent are left out.
    pub letter_includes_offer: bool,
    /// Thank-you template; "" = the built-in one.
    pub thanks_template: String,
    /// Condolence template; "" = the built-in one.
    pub condolence_template: String,
    /// Who signs the letters.
    pub signer_name: String,
    pub signer_role: String,
    /// Birthday coupon: discount in percent and days of validity.
    pub coupon_percent: u32,
    pub coupon_days: u32,
}

impl Default for LoyaltyRules {
    fn default() -> Self {
        LoyaltyRules {
            gold: 70,
            silver: 50,
            bronze: 30,
            period_months: 3,
            letter_includes_offer: false,
            thanks_template: String::new(),
            condolence_template: String::new(),
            signer_name: String::new(),
            signer_role: String::new(),
            coupon_percent: 10,
            coupon_days: 30,
        }
    }
}

impl LoyaltyRules {
    pub fn validate(&self) -> Result<LoyaltyRules, Invalid> {
        let mut e = Vec::new();
        if !(self.bronze < self.silver && self.silver < self.gold && self.gold <= 100) {
            e.push(FieldError {
                field: "tiers",
                key: "err.tiers",
            });
        }
        if ![1, 2, 3, 4, 6, 12].contains(&self.period_months) {
            e.push(FieldError {
                field: "periodMonths",
                key: "err.period",
            });
        }
        if !(1..=90).contains(&self.coupon_percent) {
            e.push(FieldError {
                field: "couponPercent",
                key: "err.coupon_percent",
            });
        }
        if !(1..=365).contains(&self.coupon_days) {
            e.push(FieldError {
                field: "couponDays",
                key: "err.coupon_days",
            });
        }
        for (field, t) in [
            ("thanksTemplate", &self.thanks_template),
            ("condolenceTemplate", &self.condolence_template),
        ] {
            if t.chars().count() > 6000 {
                e.push(FieldError {
                    field,
                    key: "err.too_long",
                });
            }
        }
        if e.is_empty() {
            Ok(LoyaltyRules {
                signer_name: self.signer_name.trim().to_owned(),
                signer_role: self.signer_role.trim().to_owned(),
                ..self.clone()
            })
        } else {
            Err(Invalid(e))
        }
    }
}

/// What the store knows of a client's history with the clinic.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientHistory {
    pub client_id: ClientId,
    pub name: String,
    pub first_visit: Option<DateTime<Utc>>,
    pub last_visit: Option<DateTime<Utc>>,
    pub visits_total: i64,
    /// Visits in the 24 months before today.
    pub visits_24m: i64,
    /// Spend in the 24 months before today, over the visits whose amount is known.
    pub spend_24m_cents: i64,
    /// Whether any amount is known at all.
    pub spend_known: bool,
    pub living_pets: Vec<String>,
    pub all_pets_deceased: bool,
    pub consent_commercial: bool,
}

/// The score and each of its parts, so the owner sees why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Score {
    pub tenure_years: f64,
    pub tenure_points: u32,
    pub visits_24m: i64,
    pub frequency_points: u32,
    pub months_since_last: i64,
    pub recency_points: u32,
    pub spend_24m_cents: Option<i64>,
    pub spend_points: Option<u32>,
    /// 0–100. Without known amounts, the other three parts are scaled up to 100.
    pub total: u32,
}

/// A client on the ranked list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    pub client_id: ClientId,
    pub name: String,
    pub living_pets: Vec<String>,
    pub years_with_clinic: i64,
    pub score: Score,
    pub tier: Tier,
    /// Why this client cannot be thanked now; `None` = a candidate.
    pub exclusion: Option<Exclusion>,
}

fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let m = (to.year() - from.year()) as i64 * 12 + to.month() as i64 - from.month() as i64;
    if to.day() < from.day() {
        m - 1
    } else {
        m
    }
}

/// Tenure 0–25 (2.5 a year, 10 years max), frequency 0–35 (12 visits in 24 months max),
/// recency 0–20 (within 3 months: 20, then 5 less a quarter), spend 0–20 (1,000 € in 24 months max).
pub fn score(h: &ClientHistory, today: NaiveDate) -> Score {
    let first = h.first_visit.map(|t| t.date_naive());
    let last = h.last_visit.map(|t| t.date_naive());
    let tenure_years = first
        .map(|f| (today - f).num_days().max(0) as f64 / 365.25)
        .unwrap_or(0.0);
    let tenure_points = (tenure_years.min(10.0) * 2.5).round() as u32;
    let frequency_points = ((h.visits_24m.min(12) as f64) / 12.0 * 35.0).round() as u32;
    let months_since_last = last.map(|l| months_between(l, today).max(0)).unwrap_or(999);
    let recency_points = match months_since_last {
        0..=2 => 20,
        3..=5 => 15,
        6..=8 => 10,
        9..=11 => 5,
        _ => 0,
    };
    let (spend, spend_points) = if h.spend_known {
        (
            Some(h.spend_24m_cents),
            Some(((h.spend_24m_cents.clamp(0, 100_000) as f64) / 100_000.0 * 20.0).round() as u32),
        )
    } else {
        (None, None)
    };
    let base = tenure_points + frequency_points + recency_points;
    let total = match spend_points {
        Some(p) => base + p,
        None => ((base as f64) * 100.0 / 80.0).round() as u32,
    }
    .min(100);
    Score {
        tenure_years: (tenure_years * 10.0).round() / 10.0,
        tenure_points,
        visits_24m: h.visits_24m,
        frequency_points,
        months_since_last,
        recency_points,
        spend_24m_cents: spend,
        spend_points,
        total,
    }
}

pub fn tier(total: u32, rules: &LoyaltyRules) -> Tier {
    if total >= rules.gold {
        Tier::Gold
    } else if total >= rules.silver {
        Tier::Silver
    } else if total >= rules.bronze {
        Tier::Bronze
    } else {
        Tier::None
    }
}

/// Scores a client and says whether they can be thanked this period. Never a candidate: a
/// single visit, less than 12 months with the clinic, all pets deceased (shown apart: a thank-you
/// needs care), no commercial consent when the letter carries an offer, or already thanked.
pub fn assess(
    h: &ClientHistory,
    today: NaiveDate,
    rules: &LoyaltyRules,
    thanked_this_period: bool,
) -> Candidate {
    let s = score(h, today);
    let first = h.first_visit.map(|t| t.date_naive());
    let exclusion = if h.visits_total <= 1 {
        Some(Exclusion::SingleVisit)
    } else if first.is_none_or(|f| months_between(f, today) < 12) {
        Some(Exclusion::TooNew)
    } else if h.all_pets_deceased {
        Some(Exclusion::AllPetsDeceased)
    } else if rules.letter_includes_offer && !h.consent_commercial {
        Some(Exclusion::NoCommercialConsent)
    } else if thanked_this_period {
        Some(Exclusion::AlreadyThanked)
    } else {
        None
    };
    Candidate {
        client_id: h.client_id,
        name: h.name.clone(),
        living_pets: h.living_pets.clone(),
        years_with_clinic: first.map(|f| months_between(f, today) / 12).unwrap_or(0),
        tier: tier(s.total, rules),
        score: s,
        exclusion,
    }
}

/// A review period: `months` long, aligned on the calendar year (quarters: Jan, Apr, Jul, Oct).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    /// "2026-T4" for a quarter, "2026-S2" for a half, "2026-11" for a month, "2026" for a year.
    pub key: String,
    pub start: NaiveDate,
    /// First day of the next period: when the next review is due.
    pub next_start: NaiveDate,
}

pub fn period_of(day: NaiveDate, months: u32) -> Period {
    let months = if [1, 2, 3, 4, 6, 12].contains(&months) {
        months
    } else {
        3
    };
    let index = (day.month0() / months) as i32;
    let start = NaiveDate::from_ymd_opt(day.year(), index as u32 * months + 1, 1).expect("valid");
    let next_month0 = (index as u32 + 1) * months;
    let next_start = if next_month0 >= 12 {
        NaiveDate::from_ymd_opt(day.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(day.year(), next_month0 + 1, 1)
    }
    .expect("valid");
    let key = match months {
        3 => format!("{}-T{}", day.year(), index + 1),
        6 => format!("{}-S{}", day.year(), index + 1),
        12 => format!("{}", day.year()),
        1 => format!("{}-{:02}", day.year(), day.month()),
        _ => format!("{}-P{}", day.year(), index + 1),
    };
    Period {
        key,
        start,
        next_start,
    }
}

// ---------------------------------------------------------------- birthdays

/// This year's (or next year's) birthday of someone born on `birth`, on or after `from`.
/// 29 February is celebrated on 28 February in other years.
pub fn next_birthday(birth: NaiveDate, from: NaiveDate) -> NaiveDate {
    let on = |y: i32| {
        NaiveDate::from_ymd_opt(y, birth.month(), birth.day())
            .or_else(|| NaiveDate::from_ymd_opt(y, 2, 28))
            .expect("valid")
    };
    let this_year = on(from.year());
    if this_year >= from {
        this_year
    } else {
        on(from.year() + 1)
    }
}

/// Whether a birthday falls in the next `days` days (today included).
pub fn birthday_within(birth: NaiveDate, today: NaiveDate, days: i64) -> bool {
    birth < today && next_birthday(birth, today) < today + Duration::days(days)
}

/// A coupon code nobody guesses by hand and staff can read aloud: "FID-" + 6 letters/digits
/// without 0/O/1/I, from a number the store makes unique (e.g. a row id mixed with a secret).
pub fn coupon_code(n: u64) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    // A bijective scramble of the number (multiply by an odd constant modulo 2^30).
    let mut x = (n.wrapping_mul(0x2545_F491) ^ 0x1B87_3593) & 0x3FFF_FFFF;
    let mut code = String::from("FID-");
    for _ in 0..6 {
        code.push(ALPHABET[(x % 32) as usize] as char);
        x /= 32;
    }
    code
}

/// A pet whose birthday is near, for the greeting.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Birthday {
    pub pet_id: PetId,
    pub pet_name: String,
    pub client_id: ClientId,
    pub client_name: String,
    pub birthday: NaiveDate,
    /// Age reached on that day.
    pub age: i32,
    /// The coupon already given for this birthday, if any.
    pub coupon: Option<String>,
    pub coupon_redeemed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn today() -> NaiveDate {
        d(2026, 11, 25)
    }

    fn at(y: i32, m: u32, day: u32) -> Option<DateTime<Utc>> {
        Some(d(y, m, day).and_hms_opt(10, 0, 0).unwrap().and_utc())
    }

    fn loyal() -> ClientHistory {
        ClientHistory {
            client_id: ClientId(1),
            name: "Begoña Ibáñez Muñoz".into(),
            first_visit: at(2018, 3, 1),
            last_visit: at(2026, 10, 20),
            visits_total: 30,
            visits_24m: 9,
            spend_24m_cents: 80_000,
            spend_known: true,
            living_pets: vec!["Ñoño".into(), "Pío".into()],
            all_pets_deceased: false,
            consent_commercial: true,
        }
    }

    #[test]
    fn each_part_of_the_score_is_visible() {
        let s = score(&loyal(), today());
        assert_eq!(s.tenure_years, 8.7);
        assert_eq!(s.tenure_points, 22, "8.7 years × 2.5");
        assert_eq!(s.frequency_points, 26, "9 of 12 visits × 35");
        assert_eq!((s.months_since_last, s.recency_points), (1, 20));
        assert_eq!(s.spend_points, Some(16), "800 € of 1,000 € × 20");
        assert_eq!(s.total, 84);
        assert_eq!(tier(s.total, &LoyaltyRules::default()), Tier::Gold);
    }

    #[test]
    fn without_amounts_the_score_still_reaches_100() {
        let mut h = loyal();
        h.spend_known = false;
        h.visits_24m = 12;
        h.first_visit = at(2010, 1, 1);
        let s = score(&h, today());
        assert_eq!((s.spend_points, s.total), (None, 100));
    }

    #[test]
    fn tiers_follow_the_thresholds() {
        let r = LoyaltyRules::default();
        assert_eq!(
            [
                tier(70, &r),
                tier(69, &r),
                tier(50, &r),
                tier(30, &r),
                tier(29, &r)
            ],
            [
                Tier::Gold,
                Tier::Silver,
                Tier::Silver,
                Tier::Bronze,
                Tier::None
            ]
        );
    }

    #[test]
    fn never_a_candidate() {
        let r = LoyaltyRules::default();
        let check = |h: ClientHistory, rules: &LoyaltyRules, thanked: bool| {
            assess(&h, today(), rules, thanked).exclusion
        };
        assert_eq!(
            check(loyal(), &r, false),
            None,
            "a loyal client is a candidate"
        );

        let mut once = loyal();
        once.visits_total = 1;
        assert_eq!(
            check(once, &r, false),
            Some(Exclusion::SingleVisit),
            "a first-timer is never thanked as loyal"
        );

        let mut new = loyal();
        new.first_visit = at(2026, 1, 10);
        assert_eq!(
            check(new, &r, false),
            Some(Exclusion::TooNew),
            "less than 12 months with the clinic"
        );

        let mut bereaved = loyal();
        bereaved.all_pets_deceased = true;
        bereaved.living_pets.clear();
        assert_eq!(check(bereaved, &r, false), Some(Exclusion::AllPetsDeceased));

        let mut no_consent = loyal();
        no_consent.consent_commercial = false;
        assert_eq!(
            check(no_consent.clone(), &r, false),
            None,
            "a plain thank-you needs no commercial consent"
        );
        let offer = LoyaltyRules {
            letter_includes_offer: true,
            ..r.clone()
        };
        assert_eq!(
            check(no_consent, &offer, false),
            Some(Exclusion::NoCommercialConsent),
            "an offer does"
        );

        assert_eq!(
            check(loyal(), &r, true),
            Some(Exclusion::AlreadyThanked),
            "never twice in one period"
        );
    }

    #[test]
    fn review_periods() {
        let q = period_of(today(), 3);
        assert_eq!(
            (q.key.as_str(), q.start, q.next_start),
            ("2026-T4", d(2026, 10, 1), d(2027, 1, 1))
        );
        assert_eq!(period_of(d(2026, 2, 28), 3).key, "2026-T1");
        assert_eq!(period_of(d(2026, 7, 1), 6).key, "2026-S2");
        assert_eq!(period_of(d(2026, 11, 3), 1).next_start, d(2026, 12, 1));
        assert_eq!(period_of(d(2026, 11, 3), 12).key, "2026");
    }

    #[test]
    fn birthdays_in_the_next_seven_days() {
        assert!(birthday_within(d(2019, 11, 30), today(), 7));
        assert!(birthday_within(d(2019, 11, 25), today(), 7), "today counts");
        assert!(
            !birthday_within(d(2019, 12, 2), today(), 7),
            "in 7 days is outside"
        );
        assert!(
            !birthday_within(d(2019, 11, 24), today(), 7),
            "yesterday is past"
        );
        assert!(
            birthday_within(d(2020, 1, 1), d(2026, 12, 28), 7),
            "across the new year"
        );
        assert_eq!(
            next_birthday(d(2020, 2, 29), d(2026, 2, 1)),
            d(2026, 2, 28),
            "leap-day pets celebrate on the 28th"
        );
        assert!(
            !birthday_within(d(2026, 11, 26), today(), 7),
            "not born yet is no birthday"
        );
    }

    #[test]
    fn coupon_codes_are_unique_and_readable() {
        let codes: std::collections::HashSet<String> = (1..5000).map(coupon_code).collect();
        assert_eq!(codes.len(), 4999, "no two alike");
        let c = coupon_code(42);
        assert!(
            c.starts_with("FID-") && c.len() == 10 && !c[4..].contains(['0', 'O', '1', 'I']),
            "{c}"
        );
    }

    #[test]
    fn rules_are_validated() {
        let bad = LoyaltyRules {
            gold: 40,
            silver: 50,
            period_months: 5,
            coupon_percent: 0,
            ..Default::default()
        };
        let e = bad.validate().unwrap_err();
        assert!(
            e.has("tiers", "err.tiers")
                && e.has("periodMonths", "err.period")
                && e.has("couponPercent", "err.coupon_percent")
        );
    }
}
