//! Phone numbers to E.164 with the clinic's default country: a small, documented, Spain-first
//! rule set (no metadata database).
//!
//! - Separators (spaces, dots, dashes, parentheses) are ignored; a leading `00` means `+`.
//! - `+<digits>`: kept as an international number when it has 8 to 15 digits; for `+34` the
//!   nine national digits must start with 6, 7, 8 or 9.
//! - Spain (ES): nine digits starting with 6 or 7 (mobiles) or 8 or 9 (landlines) become
//!   `+34…`; "34" followed by such nine digits too.
//! - Other countries of the settings: the national number, without its trunk `0` (kept for
//!   Italy), gets the country's calling code when it has 6 to 12 digits.
//!
//! Anything else cannot be read: the number is kept as typed and flagged.

/// Calling codes of the countries the settings offer.
const CODES: &[(&str, &str)] = &[
    ("ES", "34"),
    ("MX", "52"),
    ("AR", "54"),
    ("CO", "57"),
    ("CL", "56"),
    ("PE", "51"),
    ("US", "1"),
    ("GB", "44"),
    ("FR", "33"),
    ("PT", "351"),
    ("DE", "49"),
    ("IT", "39"),
];

fn spanish_national(d: &str) -> bool {
    d.len() == 9 && matches!(d.as_bytes()[0], b'6' | b'7' | b'8' | b'9')
}

/// The number in E.164 (`+34612345678`), or `None` when it cannot be read.
pub fn to_e164(typed: &str, country: &str) -> Option<String> {
    let t = typed.trim();
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')' | '+' | '/'))
    {
        return None;
    }
    if t.rfind('+').is_some_and(|i| i != 0) {
        return None;
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let international = if t.starts_with('+') {
        Some(digits.as_str())
    } else {
        digits.strip_prefix("00")
    };
    if let Some(d) = international {
        if let Some(es) = d.strip_prefix("34") {
            return spanish_national(es).then(|| format!("+{d}"));
        }
        return (8..=15).contains(&d.len()).then(|| format!("+{d}"));
    }
    let country = country.trim().to_ascii_uppercase();
    if country == "ES" || country.is_empty() {
        if spanish_national(&digits) {
            return Some(format!("+34{digits}"));
        }
        if let Some(es) = digits.strip_prefix("34").filter(|es| spanish_national(es)) {
            return Some(format!("+34{es}"));
        }
        return None;
    }
    let code = CODES.iter().find(|(c, _)| *c == country)?.1;
    let national = if country == "IT" {
        digits.as_str()
    } else {
        digits.trim_start_matches('0')
    };
    (6..=12)
        .contains(&national.len())
        .then(|| format!("+{code}{national}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_mobiles_and_landlines() {
        assert_eq!(
            to_e164("+34 699 111 222", "ES").as_deref(),
            Some("+34699111222")
        );
        assert_eq!(
            to_e164("612 345 678", "ES").as_deref(),
            Some("+34612345678")
        );
        assert_eq!(
            to_e164("93 456 78 90", "ES").as_deref(),
            Some("+34934567890")
        );
        assert_eq!(
            to_e164("(91) 123-45-67", "ES").as_deref(),
            Some("+34911234567")
        );
        assert_eq!(
            to_e164("0034 612.345.678", "ES").as_deref(),
            Some("+34612345678")
        );
        assert_eq!(
            to_e164("34612345678", "ES").as_deref(),
            Some("+34612345678")
        );
        assert_eq!(
            to_e164("+33 6 12 34 56 78", "ES").as_deref(),
            Some("+33612345678"),
            "a foreign number keeps its prefix"
        );
    }

    #[test]
    fn unreadable_numbers_give_none() {
        for s in [
            "",
            "12 34 56",
            "512 345 678",
            "+34 512 345 678",
            "6123456789",
            "612 ABC 678",
            "612#345678",
            "34+612",
        ] {
            assert_eq!(to_e164(s, "ES"), None, "{s:?}");
        }
    }

    #[test]
    fn other_countries_use_their_code() {
        assert_eq!(
            to_e164("020 7946 0958", "GB").as_deref(),
            Some("+442079460958")
        );
        assert_eq!(
            to_e164("06 12 34 56 78", "IT").as_deref(),
            Some("+390612345678")
        );
    }
}
