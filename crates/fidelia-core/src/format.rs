//! Showing numbers and dates the way each language writes them.

use chrono::{Datelike, NaiveDate};

use crate::i18n::Lang;

/// "1.250,75 €" in Spanish, "€1,250.75" in English.
pub fn money(cents: i64, lang: Lang) -> String {
    let neg = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    let (euros, rest) = (c / 100, c % 100);
    let digits = euros.to_string();
    let (thousands, decimal) = match lang {
        Lang::Es => ('.', ','),
        Lang::En => (',', '.'),
    };
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(thousands);
        }
        grouped.push(ch);
    }
    match lang {
        Lang::Es => format!("{neg}{grouped}{decimal}{rest:02} €"),
        Lang::En => format!("{neg}€{grouped}{decimal}{rest:02}"),
    }
}

/// "24/11/2026" (both languages use day first in this app).
pub fn date_short(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// "24 de noviembre de 2026" / "24 November 2026".
pub fn date_long(d: NaiveDate, lang: Lang) -> String {
    const ES: [&str; 12] = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let m = d.month0() as usize;
    match lang {
        Lang::Es => format!("{} de {} de {}", d.day(), ES[m], d.year()),
        Lang::En => format!("{} {} {}", d.day(), EN[m], d.year()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_both_languages() {
        assert_eq!(money(4550, Lang::Es), "45,50 €");
        assert_eq!(money(125075, Lang::Es), "1.250,75 €");
        assert_eq!(money(123456789, Lang::Es), "1.234.567,89 €");
        assert_eq!(money(5, Lang::Es), "0,05 €");
        assert_eq!(money(4550, Lang::En), "€45.50");
        assert_eq!(money(125075, Lang::En), "€1,250.75");
        assert_eq!(money(-4550, Lang::Es), "-45,50 €");
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(date_short(d), "24/11/2026");
        assert_eq!(date_long(d, Lang::Es), "24 de noviembre de 2026");
        assert_eq!(date_long(d, Lang::En), "24 November 2026");
    }
}
