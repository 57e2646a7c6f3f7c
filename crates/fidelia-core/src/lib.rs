//! Fidelia's domain: the clinic's records, their validation, and the rules and calculations
//! built on them. This crate knows nothing of Tauri nor of the database, and never reads the
//! clock: every function that depends on "now" takes it as an argument.

#[macro_use]
pub mod records;
pub mod calls;
pub mod demo;
pub mod format;
pub mod hours;
pub mod i18n;
pub mod import;
pub mod loyalty;
pub mod parse;
pub mod settings;
pub mod text;

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
