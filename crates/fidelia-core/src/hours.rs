//! Opening hours per weekday, with closed days and split shifts ("10:00-14:00, 17:00-20:30").

use chrono::NaiveTime;

use crate::parse::{self, ErrKey};

/// One open range of a day, start inclusive, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// The week's opening hours, Monday first. An empty day is closed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpeningHours {
    pub days: [Vec<Range>; 7],
}

/// Parses one day: ranges separated by commas or semicolons; empty or "cerrado"/"closed" is closed.
pub fn parse_day(s: &str) -> Result<Vec<Range>, ErrKey> {
    let s = s.trim();
    if s.is_empty() || matches!(crate::text::fold(s).as_str(), "cerrado" | "closed") {
        return Ok(Vec::new());
    }
    let mut ranges = Vec::new();
    for part in s.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once(['-', '–']).ok_or("err.hours_format")?;
        let start = parse::time(a).map_err(|_| "err.hours_format")?;
        let end = parse::time(b).map_err(|_| "err.hours_format")?;
        if end <= start {
            return Err("err.hours_order");
        }
        ranges.push(Range { start, end });
    }
    ranges.sort_by_key(|r| r.start);
    if ranges.windows(2).any(|w| w[1].start < w[0].end) {
        return Err("err.hours_order");
    }
    Ok(ranges)
}

/// Writes a day back in its canonical form, "10:00-14:00, 17:00-20:30"; "" when closed.
pub fn format_day(ranges: &[Range]) -> String {
    ranges
        .iter()
        .map(|r| format!("{}-{}", r.start.format("%H:%M"), r.end.format("%H:%M")))
        .collect::<Vec<_>>()
        .join(", ")
}

impl OpeningHours {
    /// Parses the seven days (Monday first); the error names the day's index.
    pub fn parse(days: &[String; 7]) -> Result<Self, (usize, ErrKey)> {
        let mut out = OpeningHours::default();
        for (i, d) in days.iter().enumerate() {
            out.days[i] = parse_day(d).map_err(|e| (i, e))?;
        }
        Ok(out)
    }

    /// Whether the clinic opens at all on `day`.
    pub fn opens_on(&self, day: chrono::NaiveDate) -> bool {
        use chrono::Datelike;
        !self.days[day.weekday().num_days_from_monday() as usize].is_empty()
    }

    /// The last day before `day` on which the clinic opens (the day an appointment's reminder
    /// is sent: Saturday for a Monday appointment). `None` if it never opens.
    pub fn previous_opening_day(&self, day: chrono::NaiveDate) -> Option<chrono::NaiveDate> {
        (1..=7)
            .map(|n| day - chrono::Duration::days(n))
            .find(|d| self.opens_on(*d))
    }

    /// The first day after `day` on which the clinic opens (`None` if it never opens). What
    /// is reminded on `day` is what happens from tomorrow up to that day.
    pub fn next_opening_day(&self, day: chrono::NaiveDate) -> Option<chrono::NaiveDate> {
        (1..=7)
            .map(|n| day + chrono::Duration::days(n))
            .find(|d| self.opens_on(*d))
    }

    pub fn to_strings(&self) -> [String; 7] {
        std::array::from_fn(|i| format_day(&self.days[i]))
    }

    /// A typical Spanish clinic: weekdays split shift, Saturday morning, Sunday closed.
    pub fn typical() -> Self {
        let week = parse_day("09:30-14:00, 17:00-20:30").expect("valid");
        let saturday = parse_day("10:00-14:00").expect("valid");
        OpeningHours {
            days: [
                week.clone(),
                week.clone(),
                week.clone(),
                week.clone(),
                week,
                saturday,
                Vec::new(),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_shifts_closed_days_and_canonical_form() {
        let r = parse_day(" 17:00-20:30 ; 10:00 - 14:00").unwrap();
        assert_eq!(
            format_day(&r),
            "10:00-14:00, 17:00-20:30",
            "sorted and tidied"
        );
        assert!(parse_day("").unwrap().is_empty());
        assert!(parse_day("Cerrado").unwrap().is_empty());
        assert_eq!(parse_day("9-14"), Err("err.hours_format"));
        assert_eq!(parse_day("14:00-10:00"), Err("err.hours_order"));
        assert_eq!(
            parse_day("10:00-14:00, 13:00-20:00"),
            Err("err.hours_order"),
            "ranges must not overlap"
        );
        assert_eq!(parse_day("10:00-25:00"), Err("err.hours_format"));
    }

    #[test]
    fn the_week_reports_which_day_is_wrong() {
        let mut days: [String; 7] = Default::default();
        days[2] = "10:00-".into();
        assert_eq!(OpeningHours::parse(&days), Err((2, "err.hours_format")));
        assert_eq!(
            OpeningHours::parse(&OpeningHours::typical().to_strings()),
            Ok(OpeningHours::typical())
        );
    }
}

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};

/// The instant a wall-clock time happens; inside a spring-forward gap, the first minute after it.
fn instant<Tz: TimeZone>(tz: &Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut t = local;
    for _ in 0..=120 {
        match tz.from_local_datetime(&t) {
            LocalResult::Single(x) => return x.with_timezone(&Utc),
            LocalResult::Ambiguous(a, _) => return a.with_timezone(&Utc),
            LocalResult::None => t += Duration::minutes(1),
        }
    }
    Utc.from_utc_datetime(&local)
}

impl OpeningHours {
    /// The first minute from `at` on when a slot of `slot` fits inside opening hours (on the
    /// clinic's wall clock `tz`). Seconds are dropped, so "due now" is never pushed to the next
    /// minute. A clinic with no opening hours at all keeps `at`.
    pub fn next_slot<Tz: TimeZone>(
        &self,
        tz: &Tz,
        at: DateTime<Utc>,
        slot: Duration,
    ) -> DateTime<Utc> {
        let at = DateTime::from_timestamp(at.timestamp().div_euclid(60) * 60, 0).unwrap_or(at);
        let first_day = at.with_timezone(tz).date_naive();
        for offset in 0..15 {
            let date = first_day + Duration::days(offset);
            for r in &self.days[date.weekday().num_days_from_monday() as usize] {
                let start = instant(tz, date.and_time(r.start));
                let end = instant(tz, date.and_time(r.end));
                let candidate = start.max(at);
                if candidate + slot <= end {
                    return candidate;
                }
            }
        }
        at
    }

    /// The wall-clock day of [`OpeningHours::next_slot`] (the day a call due at `at` is first
    /// in the agenda). The same answer, without its time-zone lookups when `at` is inside
    /// opening hours on a day with no clock change (almost always).
    pub fn slot_day<Tz: TimeZone>(
        &self,
        clock: &mut crate::WallClock<'_, Tz>,
        at: DateTime<Utc>,
        slot: Duration,
    ) -> chrono::NaiveDate {
        let at = DateTime::from_timestamp(at.timestamp().div_euclid(60) * 60, 0).unwrap_or(at);
        let local = clock.local(at);
        let time = local.time();
        let open = clock.steady_day(at)
            && self.days[local.weekday().num_days_from_monday() as usize]
                .iter()
                .any(|r| {
                    let (end, wrapped) = time.overflowing_add_signed(slot);
                    r.start <= time && wrapped == 0 && end <= r.end
                });
        if open {
            local.date()
        } else {
            clock.day(self.next_slot(clock.tz(), at, slot))
        }
    }
}

#[cfg(test)]
mod slot_tests {
    use super::*;
    use chrono_tz::Europe::Madrid;

    use crate::test_clock::local;

    fn show(t: DateTime<Utc>) -> String {
        t.with_timezone(&Madrid)
            .format("%a %d/%m %H:%M %Z")
            .to_string()
    }

    const FIVE: Duration = Duration::minutes(5);

    #[test]
    fn inside_opening_hours_the_time_is_kept() {
        let h = OpeningHours::typical();
        assert_eq!(
            show(h.next_slot(&Madrid, local(2026, 11, 25, 11, 0), FIVE)),
            "Wed 25/11 11:00 CET"
        );
        assert_eq!(
            show(h.next_slot(
                &Madrid,
                local(2026, 11, 25, 11, 0) + Duration::seconds(20),
                FIVE
            )),
            "Wed 25/11 11:00 CET",
            "seconds dropped"
        );
    }

    #[test]
    fn the_lunch_break_and_the_night_move_to_the_next_opening() {
        let h = OpeningHours::typical(); // weekdays 09:30-14:00, 17:00-20:30; Sat 10:00-14:00; Sun closed
        assert_eq!(
            show(h.next_slot(&Madrid, local(2026, 11, 25, 15, 0), FIVE)),
            "Wed 25/11 17:00 CET"
        );
        assert_eq!(
            show(h.next_slot(&Madrid, local(2026, 11, 25, 13, 57), FIVE)),
            "Wed 25/11 17:00 CET",
            "a slot that does not fit before closing moves on"
        );
        assert_eq!(
            show(h.next_slot(&Madrid, local(2026, 11, 25, 23, 0), FIVE)),
            "Thu 26/11 09:30 CET"
        );
    }

    #[test]
    fn closed_days_are_skipped() {
        let h = OpeningHours::typical();
        // Saturday after closing -> Sunday closed -> Monday morning.
        assert_eq!(
            show(h.next_slot(&Madrid, local(2026, 11, 28, 14, 30), FIVE)),
            "Mon 30/11 09:30 CET"
        );
        let none = OpeningHours::default();
        let t = local(2026, 11, 28, 14, 30);
        assert_eq!(
            none.next_slot(&Madrid, t, FIVE),
            t,
            "a clinic with no hours keeps the time"
        );
    }

    #[test]
    fn spring_forward_night() {
        // Sunday 29 March 2026, 02:00 CET -> 03:00 CEST. A clinic open on Sundays from 02:30
        // (an emergency clinic, say) opens at the first real minute, 03:00 CEST.
        let mut h = OpeningHours::typical();
        h.days[6] = parse_day("02:30-04:00, 10:00-14:00").unwrap();
        let at = local(2026, 3, 29, 0, 0) + Duration::hours(1); // 01:00 CET
        assert_eq!(show(h.next_slot(&Madrid, at, FIVE)), "Sun 29/03 03:00 CEST");
        // 12 hours after Saturday 21:00 CET is Sunday 10:00 CEST (only 11 wall-clock hours later).
        let due = local(2026, 3, 28, 21, 0) + Duration::hours(12);
        assert_eq!(
            show(h.next_slot(&Madrid, due, FIVE)),
            "Sun 29/03 10:00 CEST"
        );
    }

    #[test]
    fn fall_back_night() {
        // Sunday 25 October 2026, 03:00 CEST -> 02:00 CET: 02:30 happens twice; the first counts.
        let mut h = OpeningHours::typical();
        h.days[6] = parse_day("02:30-04:00").unwrap();
        let at = local(2026, 10, 25, 0, 0);
        let slot = h.next_slot(&Madrid, at, FIVE);
        assert_eq!(show(slot), "Sun 25/10 02:30 CEST");
        assert_eq!(slot.to_rfc3339(), "2026-10-25T00:30:00+00:00");
    }

    #[test]
    fn an_appointment_reminder_goes_out_the_opening_day_before() {
        let d = |day| chrono::NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        let h = OpeningHours::typical();
        assert_eq!(
            h.previous_opening_day(d(24)),
            Some(d(23)),
            "Tuesday: Monday"
        );
        assert_eq!(
            h.previous_opening_day(d(30)),
            Some(d(28)),
            "Monday: Saturday (Sunday closed)"
        );
        let mut days = h.to_strings();
        days[5] = String::new(); // closed on Saturdays too
        let h = OpeningHours::parse(&days).unwrap();
        assert_eq!(h.previous_opening_day(d(30)), Some(d(27)), "Monday: Friday");
        let never = OpeningHours::parse(&Default::default()).unwrap();
        assert_eq!(never.previous_opening_day(d(30)), None);
    }

    /// `slot_day` is `next_slot`'s day, every 13 minutes of a year with both clock changes,
    /// for a clinic open at night too.
    #[test]
    fn the_slot_day_is_the_next_slot_day() {
        let mut night = OpeningHours::typical();
        night.days[5] = parse_day("00:00-03:30, 10:00-14:00").unwrap();
        night.days[6] = parse_day("01:45-02:40").unwrap();
        for hours in [OpeningHours::typical(), night] {
            let mut clock = crate::WallClock::new(&Madrid);
            let slot = Duration::minutes(15);
            let mut t = local(2026, 1, 1, 0, 0);
            while t < local(2027, 1, 1, 0, 0) {
                let expected = hours
                    .next_slot(&Madrid, t, slot)
                    .with_timezone(&Madrid)
                    .date_naive();
                assert_eq!(hours.slot_day(&mut clock, t, slot), expected, "{t}");
                t += Duration::minutes(13);
            }
        }
    }
}
