//! Preventive care (Flow 3): when each vaccine or deworming falls due again, and when and how a
//! client is reminded of it. Pure rules: "today" is always passed in.
//!
//! - [`CareRules::next_due`]: an application sets the next due date, by treatment and species
//!   (editable in Settings). Puppies and kittens get their first-year series: a vaccine given
//!   before 16 weeks of age is due again 3 weeks later (dogs) or 4 weeks later (cats, ferrets),
//!   then yearly — vets vaccinate young animals that way, and a reminder a year later would miss
//!   the series.
//! - [`step_due`]: the escalation of one due item: a first message `first_notice_days` before
//!   the due date, a second `second_notice_days` after it if nothing was done, then a call
//!   `call_after_days` after the second message.
//! - [`Hygiene`]: the reasons an item gets nothing (the pet died, an appointment was booked
//!   since it was prepared, the client objected to care reminders, it was already sent).
//! - [`group_for_client`]: at most one care message per client per week; what is due for the
//!   client's pets in the coming days goes into that one message.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::import::TreatmentKind;
use crate::records::{FieldError, Invalid, Species};

/// How often a treatment is repeated for a species, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Interval {
    pub kind: TreatmentKind,
    /// `None`: every species without an interval of its own.
    pub species: Option<Species>,
    pub days: u32,
}

/// The clinic's preventive-care rules (Settings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CareRules {
    pub intervals: Vec<Interval>,
    /// Vaccines given before 16 weeks of age are followed by the next dose of the series.
    pub puppy_series: bool,
    /// The first message, this many days before the due date.
    pub first_notice_days: u32,
    /// The second message, this many days after the due date if nothing was done.
    pub second_notice_days: u32,
    /// The call, this many days after the second message if still nothing was done.
    pub call_after_days: u32,
    /// What falls due within this many days of a message joins it (one message a week).
    pub group_days: u32,
}

impl Default for CareRules {
    fn default() -> Self {
        use Species::*;
        use TreatmentKind::*;
        let every = |kind, species, days| Interval {
            kind,
            species,
            days,
        };
        CareRules {
            intervals: vec![
                // Yearly boosters (rabies, polyvalent; myxomatosis / RHD for rabbits).
                every(Vaccine, None, 365),
                // Internal parasites every 3 months; external every month.
                every(InternalDeworming, None, 91),
                every(ExternalDeworming, None, 30),
                // Rabbits and birds are not given monthly pipettes: every 3 months.
                every(ExternalDeworming, Some(Rabbit), 91),
                every(ExternalDeworming, Some(Bird), 91),
                // Reptiles: a yearly check of parasites, no routine vaccines.
                every(InternalDeworming, Some(Reptile), 365),
            ],
            puppy_series: true,
            first_notice_days: 7,
            second_notice_days: 7,
            call_after_days: 7,
            group_days: 7,
        }
    }
}

/// Age until which a vaccine is part of the first-year series.
const SERIES_UNTIL_DAYS: i64 = 16 * 7;

impl CareRules {
    /// The interval for a treatment and species: the species' own, else the general one.
    pub fn interval(&self, kind: TreatmentKind, species: Species) -> Option<u32> {
        let own = self
            .intervals
            .iter()
            .find(|i| i.kind == kind && i.species == Some(species));
        own.or_else(|| {
            self.intervals
                .iter()
                .find(|i| i.kind == kind && i.species.is_none())
        })
        .map(|i| i.days)
        .filter(|d| *d > 0)
    }

    /// When a treatment applied on `applied_on` is due again; `None` when it is not repeated.
    pub fn next_due(
        &self,
        kind: TreatmentKind,
        species: Species,
        birth_date: Option<NaiveDate>,
        applied_on: NaiveDate,
    ) -> Option<NaiveDate> {
        if kind == TreatmentKind::Vaccine && self.puppy_series {
            if let Some(born) = birth_date {
                let age = (applied_on - born).num_days();
                let series_gap = match species {
                    Species::Dog => Some(21),
                    Species::Cat | Species::Ferret => Some(28),
                    _ => None,
                };
                if let Some(gap) = series_gap.filter(|_| (0..SERIES_UNTIL_DAYS).contains(&age)) {
                    return Some(applied_on + Duration::days(gap));
                }
            }
        }
        self.interval(kind, species)
            .map(|d| applied_on + Duration::days(d as i64))
    }

    /// The rules as the window sends them, checked: every interval 1 to 3 years, the notice
    /// delays 0 to 60 days.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Vec::new();
        if self
            .intervals
            .iter()
            .any(|i| i.days == 0 || i.days > 3 * 366)
        {
            errs.push(FieldError {
                field: "careIntervals",
                key: "err.care_interval",
            });
        }
        for (field, v) in [
            ("firstNoticeDays", self.first_notice_days),
            ("secondNoticeDays", self.second_notice_days),
            ("callAfterDays", self.call_after_days),
            ("groupDays", self.group_days),
        ] {
            if v > 60 {
                errs.push(FieldError {
                    field,
                    key: "err.care_days",
                });
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(Invalid(errs))
        }
    }
}

/// One step of a due item's escalation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Step {
    /// "Ñoño's vaccine is due on 24/11": before the due date.
    FirstNotice,
    /// "Ñoño's vaccine was due on 24/11": after it, nothing done.
    SecondNotice,
    /// Still nothing: a call from the clinic.
    Call,
}

impl Step {
    /// The day this step falls on, for an item due on `due`.
    pub fn day(self, due: NaiveDate, r: &CareRules) -> NaiveDate {
        match self {
            Step::FirstNotice => due - Duration::days(r.first_notice_days as i64),
            Step::SecondNotice => due + Duration::days(r.second_notice_days as i64),
            Step::Call => {
                due + Duration::days(r.second_notice_days as i64 + r.call_after_days as i64)
            }
        }
    }
}

impl CareRules {
    /// When Fidelia first looks at an application due on `due`: the day of its first notice.
    pub fn first_check(&self, due: NaiveDate) -> NaiveDate {
        Step::FirstNotice.day(due, self)
    }

    /// When to look at an item again once `step` was taken (or skipped: the client objected, an
    /// appointment was booked): the next step's day; `None` after the call.
    pub fn check_after(&self, step: Step, due: NaiveDate) -> Option<NaiveDate> {
        match step {
            Step::FirstNotice => Some(Step::SecondNotice.day(due, self)),
            Step::SecondNotice => Some(Step::Call.day(due, self)),
            Step::Call => None,
        }
    }

    /// An item still untouched a month after its call's day is too old to remind of.
    pub fn too_old(&self, due: NaiveDate, today: NaiveDate) -> bool {
        today > Step::Call.day(due, self) + Duration::days(30)
    }
}

/// The day of the first step not taken yet after those `taken` (`None` when the call was).
pub fn next_untaken(due: NaiveDate, taken: &[Step], r: &CareRules) -> Option<NaiveDate> {
    [Step::FirstNotice, Step::SecondNotice, Step::Call]
        .into_iter()
        .find(|s| !taken.iter().any(|t| t >= s))
        .map(|s| s.day(due, r))
}

/// The step to take today for an item due on `due`, given the steps already taken: the latest
/// step whose day has come and that was not taken. A late first notice is not sent once the
/// second one is due (one message, not two in a row).
pub fn step_due(due: NaiveDate, today: NaiveDate, taken: &[Step], r: &CareRules) -> Option<Step> {
    [Step::Call, Step::SecondNotice, Step::FirstNotice]
        .into_iter()
        .find(|s| s.day(due, r) <= today)
        .filter(|s| !taken.iter().any(|t| t >= s))
}

/// What is known of a due item when its message is about to be prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hygiene {
    pub pet_deceased: bool,
    /// The client said no to care reminders.
    pub client_objected: bool,
    /// An appointment for this pet was booked since the item fell due (or its reminder was
    /// prepared): the clinic already knows.
    pub booked: bool,
    /// A message for this item and step already exists (sent, skipped or queued).
    pub already_prepared: bool,
}

/// Why a due item gets no message, if it gets none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Silence {
    Deceased,
    Objected,
    Booked,
    AlreadyPrepared,
}

impl Hygiene {
    /// `None`: the item gets its message.
    pub fn silence(self) -> Option<Silence> {
        if self.pet_deceased {
            Some(Silence::Deceased)
        } else if self.client_objected {
            Some(Silence::Objected)
        } else if self.booked {
            Some(Silence::Booked)
        } else if self.already_prepared {
            Some(Silence::AlreadyPrepared)
        } else {
            None
        }
    }
}

/// A client's care items due for a message: `due` dates of the items whose step falls today
/// or earlier, and of those falling in the coming days. With at most one care message a week:
/// `None` when the client had one in the last `group_days` days (the items wait); else the
/// items of the message, every item falling within `group_days` from today joined to it.
pub fn group_for_client<T: Clone>(
    items: &[(NaiveDate, T)],
    today: NaiveDate,
    last_care_message: Option<NaiveDate>,
    r: &CareRules,
) -> Option<Vec<T>> {
    let week = Duration::days(r.group_days as i64);
    if last_care_message.is_some_and(|d| today - d < week) {
        return None;
    }
    if !items.iter().any(|(day, _)| *day <= today) {
        return None;
    }
    Some(
        items
            .iter()
            .filter(|(day, _)| *day <= today + week)
            .map(|(_, item)| item.clone())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn each_application_sets_the_next_due_date_by_treatment_and_species() {
        let r = CareRules::default();
        let on = d(2026, 11, 24);
        let adult = Some(d(2019, 3, 4));
        let check = |kind, species, want: Option<NaiveDate>| {
            assert_eq!(
                r.next_due(kind, species, adult, on),
                want,
                "{kind:?} {species:?}"
            );
        };
        check(TreatmentKind::Vaccine, Species::Dog, Some(d(2027, 11, 24)));
        check(TreatmentKind::Vaccine, Species::Cat, Some(d(2027, 11, 24)));
        check(
            TreatmentKind::InternalDeworming,
            Species::Dog,
            Some(d(2027, 2, 23)),
        );
        check(
            TreatmentKind::ExternalDeworming,
            Species::Dog,
            Some(d(2026, 12, 24)),
        );
        check(
            TreatmentKind::ExternalDeworming,
            Species::Rabbit,
            Some(d(2027, 2, 23)),
        );
        check(
            TreatmentKind::InternalDeworming,
            Species::Reptile,
            Some(d(2027, 11, 24)),
        );
        check(TreatmentKind::Other, Species::Dog, None);
    }

    #[test]
    fn a_puppy_or_kitten_gets_the_next_dose_of_its_series() {
        let r = CareRules::default();
        let birthday = d(2026, 9, 1);
        let born = Some(birthday);
        let at_8_weeks = d(2026, 10, 27);
        assert_eq!(
            r.next_due(TreatmentKind::Vaccine, Species::Dog, born, at_8_weeks),
            Some(d(2026, 11, 17)),
            "a puppy: 3 weeks"
        );
        assert_eq!(
            r.next_due(TreatmentKind::Vaccine, Species::Cat, born, at_8_weeks),
            Some(d(2026, 11, 24)),
            "a kitten: 4 weeks"
        );
        let at_17_weeks = birthday + Duration::weeks(17);
        assert_eq!(
            r.next_due(TreatmentKind::Vaccine, Species::Dog, born, at_17_weeks),
            Some(at_17_weeks + Duration::days(365)),
            "after 16 weeks, yearly"
        );
        assert_eq!(
            r.next_due(TreatmentKind::Vaccine, Species::Dog, None, at_8_weeks),
            Some(at_8_weeks + Duration::days(365)),
            "no birth date: yearly"
        );
        let off = CareRules {
            puppy_series: false,
            ..CareRules::default()
        };
        assert_eq!(
            off.next_due(TreatmentKind::Vaccine, Species::Dog, born, at_8_weeks),
            Some(at_8_weeks + Duration::days(365))
        );
    }

    #[test]
    fn a_clinic_can_set_an_interval_for_one_species() {
        let mut r = CareRules::default();
        r.intervals.push(Interval {
            kind: TreatmentKind::InternalDeworming,
            species: Some(Species::Cat),
            days: 182,
        });
        let on = d(2026, 1, 1);
        assert_eq!(
            r.next_due(TreatmentKind::InternalDeworming, Species::Cat, None, on),
            Some(d(2026, 7, 2))
        );
        assert_eq!(
            r.next_due(TreatmentKind::InternalDeworming, Species::Dog, None, on),
            Some(d(2026, 4, 2)),
            "other species keep the general interval"
        );
    }

    #[test]
    fn escalation_first_notice_then_second_then_a_call() {
        let r = CareRules::default();
        let due = d(2026, 12, 10);
        assert_eq!(step_due(due, d(2026, 12, 2), &[], &r), None, "too early");
        assert_eq!(
            step_due(due, d(2026, 12, 3), &[], &r),
            Some(Step::FirstNotice)
        );
        assert_eq!(
            step_due(due, d(2026, 12, 5), &[Step::FirstNotice], &r),
            None,
            "never twice"
        );
        assert_eq!(
            step_due(due, d(2026, 12, 17), &[Step::FirstNotice], &r),
            Some(Step::SecondNotice)
        );
        assert_eq!(
            step_due(
                due,
                d(2026, 12, 24),
                &[Step::FirstNotice, Step::SecondNotice],
                &r
            ),
            Some(Step::Call)
        );
        assert_eq!(
            step_due(
                due,
                d(2027, 1, 30),
                &[Step::FirstNotice, Step::SecondNotice, Step::Call],
                &r
            ),
            None,
            "after the call, nothing more"
        );
        assert_eq!(
            step_due(due, d(2026, 12, 18), &[], &r),
            Some(Step::SecondNotice),
            "a late start sends one message, not the first and then the second"
        );
    }

    #[test]
    fn hygiene_silences_in_order_and_never_a_deceased_pet() {
        let ok = Hygiene::default();
        assert_eq!(ok.silence(), None);
        let all = Hygiene {
            pet_deceased: true,
            client_objected: true,
            booked: true,
            already_prepared: true,
        };
        assert_eq!(all.silence(), Some(Silence::Deceased));
        assert_eq!(
            Hygiene { booked: true, ..ok }.silence(),
            Some(Silence::Booked),
            "an item with an appointment booked gets no reminder"
        );
        assert_eq!(
            Hygiene {
                client_objected: true,
                ..ok
            }
            .silence(),
            Some(Silence::Objected)
        );
        assert_eq!(
            Hygiene {
                already_prepared: true,
                ..ok
            }
            .silence(),
            Some(Silence::AlreadyPrepared)
        );
    }

    #[test]
    fn one_care_message_per_client_per_week_with_what_is_coming_joined() {
        let r = CareRules::default();
        let today = d(2026, 12, 1);
        let items = [
            (d(2026, 12, 1), "Ñoño: vacuna"),
            (d(2026, 12, 6), "Pío: desparasitación"),
            (d(2026, 12, 20), "Kira: pipeta"),
        ];
        assert_eq!(
            group_for_client(&items, today, None, &r),
            Some(vec!["Ñoño: vacuna", "Pío: desparasitación"]),
            "what falls within the week joins today's message"
        );
        assert_eq!(
            group_for_client(&items, today, Some(d(2026, 11, 27)), &r),
            None,
            "a care message 4 days ago: this one waits"
        );
        assert_eq!(
            group_for_client(&items, today, Some(d(2026, 11, 24)), &r),
            Some(vec!["Ñoño: vacuna", "Pío: desparasitación"]),
            "a week later, the next one"
        );
        assert_eq!(
            group_for_client(&items[1..], today, None, &r),
            None,
            "nothing due today: no message yet"
        );
    }

    #[test]
    fn rules_are_checked() {
        assert!(CareRules::default().validate().is_ok());
        let mut r = CareRules::default();
        r.intervals[0].days = 0;
        r.first_notice_days = 90;
        let e = r.validate().unwrap_err();
        assert!(e.has("careIntervals", "err.care_interval"));
        assert!(e.has("firstNoticeDays", "err.care_days"));
    }

    #[test]
    fn an_item_is_looked_at_on_the_day_of_each_step_and_never_after_it_is_too_old() {
        let r = CareRules::default();
        let due = d(2026, 11, 30);
        assert_eq!(r.first_check(due), d(2026, 11, 23));
        assert_eq!(r.check_after(Step::FirstNotice, due), Some(d(2026, 12, 7)));
        assert_eq!(
            r.check_after(Step::SecondNotice, due),
            Some(d(2026, 12, 14))
        );
        assert_eq!(r.check_after(Step::Call, due), None);
        assert_eq!(next_untaken(due, &[], &r), Some(d(2026, 11, 23)));
        assert_eq!(
            next_untaken(due, &[Step::FirstNotice], &r),
            Some(d(2026, 12, 7))
        );
        assert_eq!(
            next_untaken(due, &[Step::SecondNotice], &r),
            Some(d(2026, 12, 14))
        );
        assert_eq!(next_untaken(due, &[Step::Call], &r), None);
        assert!(!r.too_old(due, d(2027, 1, 13)));
        assert!(r.too_old(due, d(2027, 1, 14)));
    }
}
