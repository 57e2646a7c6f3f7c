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
    ranges.iter().map(|r| format!("{}-{}", r.start.format("%H:%M"), r.end.format("%H:%M"))).collect::<Vec<_>>().join(", ")
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

    pub fn to_strings(&self) -> [String; 7] {
        std::array::from_fn(|i| format_day(&self.days[i]))
    }

    /// A typical Spanish clinic: weekdays split shift, Saturday morning, Sunday closed.
    pub fn typical() -> Self {
        let week = parse_day("09:30-14:00, 17:00-20:30").expect("valid");
        let saturday = parse_day("10:00-14:00").expect("valid");
        OpeningHours { days: [week.clone(), week.clone(), week.clone(), week.clone(), week, saturday, Vec::new()] }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_shifts_closed_days_and_canonical_form() {
        let r = parse_day(" 17:00-20:30 ; 10:00 - 14:00").unwrap();
        assert_eq!(format_day(&r), "10:00-14:00, 17:00-20:30", "sorted and tidied");
        assert!(parse_day("").unwrap().is_empty());
        assert!(parse_day("Cerrado").unwrap().is_empty());
        assert_eq!(parse_day("9-14"), Err("err.hours_format"));
        assert_eq!(parse_day("14:00-10:00"), Err("err.hours_order"));
        assert_eq!(parse_day("10:00-14:00, 13:00-20:00"), Err("err.hours_order"), "ranges must not overlap");
        assert_eq!(parse_day("10:00-25:00"), Err("err.hours_format"));
    }

    #[test]
    fn the_week_reports_which_day_is_wrong() {
        let mut days: [String; 7] = Default::default();
        days[2] = "10:00-".into();
        assert_eq!(OpeningHours::parse(&days), Err((2, "err.hours_format")));
        assert_eq!(OpeningHours::parse(&OpeningHours::typical().to_strings()), Ok(OpeningHours::typical()));
    }
}
