//! Fidelia's domain: the clinic's records, their validation, and the rules and calculations
//! built on them. This crate knows nothing of Tauri nor of the database, and never reads the
//! clock: every function that depends on "now" takes it as an argument.

#[macro_use]
pub mod records;
pub mod backup;
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

/// Wall-clock readings of many instants (a dashboard reads hundreds of thousands): the zone's
/// offset is looked up once per hour of UTC time, and exactly when a clock change falls inside
/// that hour.
pub struct WallClock<'a, Tz: TimeZone> {
    tz: &'a Tz,
    offsets: std::collections::HashMap<i64, Option<chrono::FixedOffset>>,
    /// The hour read last (rows often come in time order).
    last: Option<(i64, Option<chrono::FixedOffset>)>,
}

impl<'a, Tz: TimeZone> WallClock<'a, Tz> {
    pub fn new(tz: &'a Tz) -> Self {
        WallClock {
            tz,
            offsets: Default::default(),
            last: None,
        }
    }

    /// The zone's offset through the UTC hour `hour` (hours since 1970), if no clock change
    /// falls inside it.
    fn offset(&mut self, hour: i64) -> Option<chrono::FixedOffset> {
        use chrono::Offset;
        if let Some((h, o)) = self.last {
            if h == hour {
                return o;
            }
        }
        let tz = self.tz;
        let o = *self.offsets.entry(hour).or_insert_with(|| {
            let at = |s: i64| {
                DateTime::from_timestamp(s, 0)
                    .map(|u| tz.offset_from_utc_datetime(&u.naive_utc()).fix())
            };
            let (first, last) = (at(hour * 3600)?, at(hour * 3600 + 3599)?);
            (first == last).then_some(first)
        });
        self.last = Some((hour, o));
        o
    }

    /// The wall-clock date and time of `t`.
    pub fn local(&mut self, t: DateTime<Utc>) -> chrono::NaiveDateTime {
        match self.offset(t.timestamp().div_euclid(3600)) {
            Some(o) => t.naive_utc() + o,
            None => t.with_timezone(self.tz).naive_local(),
        }
    }

    /// Whether the clock keeps one offset from 24 hours before `t` to 24 hours after (no change
    /// on its wall-clock day): then wall-clock arithmetic that day is real time.
    pub fn steady_day(&mut self, t: DateTime<Utc>) -> bool {
        let hour = t.timestamp().div_euclid(3600);
        // `hour` last: the next reading is likely in the same hour.
        let offsets = [
            self.offset(hour - 24),
            self.offset(hour + 24),
            self.offset(hour),
        ];
        matches!(offsets, [Some(a), Some(b), Some(c)] if a == b && b == c)
    }

    /// The time zone read.
    pub fn tz(&self) -> &'a Tz {
        self.tz
    }

    /// The wall-clock date of `t`.
    pub fn day(&mut self, t: DateTime<Utc>) -> NaiveDate {
        self.local(t).date()
    }
}

/// Madrid wall-clock times for the domain's tests (Spain's clock changes are real there).
#[cfg(test)]
pub(crate) mod test_clock {
    use chrono::{DateTime, NaiveDate, TimeZone, Utc};
    use chrono_tz::Europe::Madrid;

    /// The wall clock agrees with the time zone, through both clock changes of a year.
    #[test]
    fn the_wall_clock_agrees_with_the_zone() {
        let mut clock = crate::WallClock::new(&Madrid);
        let mut t = local(2026, 1, 1, 0, 0);
        while t < local(2027, 1, 1, 0, 0) {
            assert_eq!(
                clock.local(t),
                t.with_timezone(&Madrid).naive_local(),
                "{t}"
            );
            t += chrono::Duration::minutes(7);
        }
    }

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
