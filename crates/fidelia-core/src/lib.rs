//! Fidelia's domain: the clinic's records, their validation, and the rules and calculations
//! built on them. This crate knows nothing of Tauri nor of the database, and never reads the
//! clock: every function that depends on "now" takes it as an argument.

#[macro_use]
pub mod records;
pub mod calls;
pub mod care;
pub mod demo;
pub mod format;
pub mod hours;
pub mod i18n;
pub mod import;
pub mod kpi;
pub mod loyalty;
pub mod messages;
pub mod parse;
pub mod settings;
pub mod surveys;
pub mod template;
pub mod text;
pub mod winback;

pub use i18n::Lang;
pub use records::*;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

/// "Now" as the clinic sees it: the instant, and the clinic's time zone for wall-clock dates
/// and times. Passed in by the caller: the domain never reads the clock.
#[derive(Debug, Clone)]
pub struct ClinicTime<Tz: TimeZone> {
    pub now: DateTime<Utc>,
    pub tz: Tz,
}

impl<Tz: TimeZone> ClinicTime<Tz> {
    pub fn new(now: DateTime<Utc>, tz: Tz) -> Self {
        ClinicTime { now, tz }
    }
    /// Today's date on the clinic's wall calendar.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.tz).date_naive()
    }
}

impl<Tz: TimeZone> ClinicTime<Tz> {
    /// The instant a calendar day starts on the clinic's wall clock (midnight, or the first
    /// minute that exists).
    pub fn day_start(&self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
        (0..180)
            .find_map(|m| {
                self.tz
                    .from_local_datetime(&(midnight + chrono::Duration::minutes(m)))
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| midnight.and_utc())
    }
}

/// Madrid wall-clock times for the domain's tests (Spain's clock changes are real there).
#[cfg(test)]
pub(crate) mod test_clock {
    use chrono::{DateTime, NaiveDate, TimeZone, Utc};
    use chrono_tz::Europe::Madrid;

    /// The instant of a wall-clock time in Madrid (the first one on the night the clocks go back).
    pub fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        let t = NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap();
        Madrid
            .from_local_datetime(&t)
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    }
}
