//! Parsing what people type: dd/mm/aaaa dates, 24-hour times, euro amounts with a decimal comma,
//! phone numbers and e-mail addresses. Every error is an i18n key (see `i18n`), never a sentence.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// An i18n key naming what is wrong with a value, e.g. `"err.date_impossible"`.
pub type ErrKey = &'static str;

/// Parses a date written as dd/mm/aaaa (also d/m/aaaa, with `-` or `.` separators, and dd/mm/aa).
pub fn date(s: &str) -> Result<NaiveDate, ErrKey> {
    let s = s.trim();
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("err.date_format");
    }
    if parts[0].len() > 2 || parts[1].len() > 2 || !(parts[2].len() == 2 || parts[2].len() == 4) {
        return Err("err.date_format");
    }
    let day: u32 = parts[0].parse().map_err(|_| "err.date_format")?;
    let month: u32 = parts[1].parse().map_err(|_| "err.date_format")?;
    let mut year: i32 = parts[2].parse().map_err(|_| "err.date_format")?;
    if parts[2].len() == 2 {
        // Two-digit years as Excel writes them: 00-69 -> 2000s, 70-99 -> 1900s.
        year += if year < 70 { 2000 } else { 1900 };
    }
    if !(1900..=2100).contains(&year) {
        return Err("err.date_impossible");
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or("err.date_impossible")
}

/// Parses an optional date: empty text is `None`.
pub fn optional_date(s: &str) -> Result<Option<NaiveDate>, ErrKey> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        date(s).map(Some)
    }
}

/// Parses a 24-hour time "HH:MM" (also "H:MM" and "HH.MM").
pub fn time(s: &str) -> Result<NaiveTime, ErrKey> {
    let s = s.trim();
    let (h, m) = s.split_once([':', '.']).ok_or("err.time_format")?;
    let ok = |p: &str| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit());
    if !ok(h) || m.len() != 2 || !ok(m) {
        return Err("err.time_format");
    }
    let (h, m): (u32, u32) = (h.parse().unwrap_or(99), m.parse().unwrap_or(99));
    NaiveTime::from_hms_opt(h, m, 0).ok_or("err.time_impossible")
}

/// Turns a wall-clock date and time in the clinic's time zone into an instant. On the night the
/// clocks go back, the first of the two instants is taken; a time skipped when the clocks go
/// forward does not exist and is refused.
pub fn local_to_utc<Tz: TimeZone>(tz: &Tz, at: NaiveDateTime) -> Result<DateTime<Utc>, ErrKey> {
    match tz.from_local_datetime(&at) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, _) => Ok(a.with_timezone(&Utc)),
        LocalResult::None => Err("err.time_dst_gap"),
    }
}

/// Parses an amount in euros into cents: "45,50", "45.50", "1.250,75", "1,250.75", "45 €".
/// With a single separator, a comma is decimal; a dot followed by exactly three digits is a
/// thousands separator ("1.250" is 1250 €), otherwise decimal.
pub fn amount_cents(s: &str) -> Result<i64, ErrKey> {
    let s: String = s
        .trim()
        .trim_end_matches('€')
        .trim_start_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.is_empty() {
        return Err("err.amount_format");
    }
    if s.starts_with('-') {
        return Err("err.amount_negative");
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return Err("err.amount_format");
    }
    let last_comma = s.rfind(',');
    let last_dot = s.rfind('.');
    let decimal_at = match (last_comma, last_dot) {
        (Some(c), Some(d)) => Some(c.max(d)),
        (Some(c), None) => {
            if s.matches(',').count() > 1 {
                return Err("err.amount_format");
            }
            Some(c)
        }
        (None, Some(d)) => {
            let decimals = s.len() - d - 1;
            if s.matches('.').count() > 1 || decimals == 3 {
                None
            } else {
                Some(d)
            }
        }
        (None, None) => None,
    };
    let (int_part, frac_part) = match decimal_at {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (&s[..], ""),
    };
    let int_digits: String = int_part.chars().filter(char::is_ascii_digit).collect();
    if frac_part.len() > 2 || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return Err("err.amount_format");
    }
    if int_digits.is_empty() && frac_part.is_empty() {
        return Err("err.amount_format");
    }
    // Thousands groups must have three digits ("1.25.0" is a typo, not an amount).
    let groups: Vec<&str> = int_part.split(['.', ',']).collect();
    if groups.len() > 1 && groups[1..].iter().any(|g| g.len() != 3) {
        return Err("err.amount_format");
    }
    let euros: i64 = if int_digits.is_empty() {
        0
    } else {
        int_digits.parse().map_err(|_| "err.amount_format")?
    };
    let cents: i64 = match frac_part.len() {
        0 => 0,
        1 => frac_part.parse::<i64>().unwrap_or(0) * 10,
        _ => frac_part.parse().unwrap_or(0),
    };
    euros
        .checked_mul(100)
        .and_then(|e| e.checked_add(cents))
        .ok_or("err.amount_format")
}

/// Parses an optional amount: empty text is `None`.
pub fn optional_amount_cents(s: &str) -> Result<Option<i64>, ErrKey> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        amount_cents(s).map(Some)
    }
}

/// Checks a phone number as typed and returns it tidied (trimmed, single spaces). Digits,
/// spaces, `+` (only first), `-`, `.`, `(` and `)` are allowed; 6 to 15 digits.
pub fn phone(s: &str) -> Result<String, ErrKey> {
    let tidy = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if tidy.chars().any(|c| c.is_alphabetic()) {
        return Err("err.phone_letters");
    }
    let allowed = |(i, c): (usize, char)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')') || (c == '+' && i == 0)
    };
    if !tidy.char_indices().all(allowed) {
        return Err("err.phone_chars");
    }
    let n = tidy.chars().filter(char::is_ascii_digit).count();
    if !(6..=15).contains(&n) {
        return Err("err.phone_length");
    }
    Ok(tidy)
}

/// Checks an e-mail address: one `@`, something before it, and a dotted domain after it.
pub fn email(s: &str) -> Result<String, ErrKey> {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return Err("err.email");
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..");
    if local.is_empty() || domain.contains('@') || !domain_ok || s.chars().any(char::is_whitespace)
    {
        return Err("err.email");
    }
    Ok(s.to_owned())
}

/// Parses a yes/no value as spreadsheets write it: Sí/No, S/N, 1/0, true/false, yes/no, x/"".
pub fn boolean(s: &str) -> Result<bool, ErrKey> {
    match crate::text::fold(s).as_str() {
        "si" | "s" | "1" | "true" | "verdadero" | "yes" | "y" | "x" => Ok(true),
        "no" | "n" | "0" | "false" | "falso" | "" => Ok(false),
        _ => Err("err.boolean"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_as_spanish_staff_write_them() {
        assert_eq!(date("24/11/2026"), Ok(d(2026, 11, 24)));
        assert_eq!(date("1/2/2024"), Ok(d(2024, 2, 1)));
        assert_eq!(date(" 05-03-2025 "), Ok(d(2025, 3, 5)));
        assert_eq!(
            date("05.03.25"),
            Ok(d(2025, 3, 5)),
            "two-digit years are 20xx below 70"
        );
        assert_eq!(date("05/03/85"), Ok(d(1985, 3, 5)), "and 19xx from 70");
        assert_eq!(
            date("29/02/2024"),
            Ok(d(2024, 2, 29)),
            "2024 is a leap year"
        );
    }

    #[test]
    fn impossible_and_malformed_dates_are_refused_with_the_right_reason() {
        for s in [
            "32/13/2020",
            "29/02/2023",
            "31/04/2026",
            "00/01/2026",
            "15/00/2026",
            "01/01/1800",
        ] {
            assert_eq!(date(s), Err("err.date_impossible"), "{s} does not exist");
        }
        for s in [
            "",
            "2026-11-24x",
            "24/11",
            "aa/bb/cccc",
            "24/11/026",
            "124/11/2026",
            "2026/11/24 10:00",
        ] {
            assert_eq!(date(s), Err("err.date_format"), "{s:?} is not dd/mm/aaaa");
        }
        assert_eq!(optional_date("  "), Ok(None));
    }

    #[test]
    fn times_are_24_hour() {
        assert_eq!(
            time("09:30"),
            Ok(NaiveTime::from_hms_opt(9, 30, 0).unwrap())
        );
        assert_eq!(time("9:05"), Ok(NaiveTime::from_hms_opt(9, 5, 0).unwrap()));
        assert_eq!(
            time("20.30"),
            Ok(NaiveTime::from_hms_opt(20, 30, 0).unwrap())
        );
        assert_eq!(time("25:00"), Err("err.time_impossible"));
        assert_eq!(time("10:61"), Err("err.time_impossible"));
        for s in ["", "1030", "10:3", "diez", "10:30pm"] {
            assert_eq!(time(s), Err("err.time_format"), "{s:?}");
        }
    }

    #[test]
    fn local_times_become_utc_and_dst_gaps_are_refused() {
        use chrono::FixedOffset;
        let madrid_winter = FixedOffset::east_opt(3600).unwrap();
        let at = d(2026, 11, 24).and_hms_opt(10, 0, 0).unwrap();
        assert_eq!(
            local_to_utc(&madrid_winter, at).unwrap().to_rfc3339(),
            "2026-11-24T09:00:00+00:00"
        );
    }

    #[test]
    fn amounts_with_decimal_comma_or_dot() {
        let cases = [
            ("45,50", 4550),
            ("45.50", 4550),
            ("45,5", 4550),
            ("45", 4500),
            ("1.250,75", 125075),
            ("1,250.75", 125075),
            ("1.250", 125000),
            ("12.345.678", 1234567800),
            ("45,50 €", 4550),
            ("0,99", 99),
            (",5", 50),
        ];
        for (s, cents) in cases {
            assert_eq!(amount_cents(s), Ok(cents), "{s}");
        }
        for s in ["abc", "", "45,505", "1,2,3", "12a", "1.25.0"] {
            assert_eq!(amount_cents(s), Err("err.amount_format"), "{s:?}");
        }
        assert_eq!(amount_cents("-5"), Err("err.amount_negative"));
        assert_eq!(optional_amount_cents(""), Ok(None));
    }

    #[test]
    fn phones_keep_what_was_typed_but_refuse_letters() {
        assert_eq!(phone(" 612  345 678 "), Ok("612 345 678".into()));
        assert_eq!(phone("+34 699 111 222"), Ok("+34 699 111 222".into()));
        assert_eq!(phone("93 456 78 90"), Ok("93 456 78 90".into()));
        assert_eq!(phone("(93) 456-78-90"), Ok("(93) 456-78-90".into()));
        assert_eq!(phone("612 ABC 678"), Err("err.phone_letters"));
        assert_eq!(phone("612#345678"), Err("err.phone_chars"));
        assert_eq!(
            phone("34+612345678"),
            Err("err.phone_chars"),
            "+ only at the start"
        );
        assert_eq!(phone("1234"), Err("err.phone_length"));
        assert_eq!(phone("1234567890123456"), Err("err.phone_length"));
    }

    #[test]
    fn emails_need_an_at_and_a_dotted_domain() {
        assert_eq!(email(" maria@ejemplo.es "), Ok("maria@ejemplo.es".into()));
        for s in [
            "maria",
            "maria@",
            "@ejemplo.es",
            "maria@ejemplo",
            "ma ria@ejemplo.es",
            "a@b@c.es",
            "a@.es",
            "a@b..es",
        ] {
            assert_eq!(email(s), Err("err.email"), "{s:?}");
        }
    }

    #[test]
    fn booleans_as_spreadsheets_write_them() {
        for s in ["Sí", "si", "S", "1", "true", "TRUE", "x"] {
            assert_eq!(boolean(s), Ok(true), "{s}");
        }
        for s in ["No", "N", "0", "false", ""] {
            assert_eq!(boolean(s), Ok(false), "{s}");
        }
        assert_eq!(boolean("quizá"), Err("err.boolean"));
    }
}
