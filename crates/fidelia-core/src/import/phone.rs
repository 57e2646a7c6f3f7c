//! Phone numbers to E.164 with the clinic's default country, by Google's libphonenumber metadata
//! (the `phonenumber` crate): each country's calling code, trunk prefix, international prefix
//! and the number ranges of its landlines, mobiles and service numbers.
//!
//! - Only digits, spaces, dots, dashes, brackets and slashes, with one `+` first: anything else
//!   (letters, `#`, a `+` inside) cannot be read. The separators are dropped.
//! - `+<code>…` is international, and so is `00<code>…`; a number without them is read as the
//!   clinic's country writes it: its trunk prefix (`0`, `1` in the Americas' +1 countries),
//!   Argentina's `0 11 15…` for a mobile (→ `+54 9 11…`), its calling code without `+`
//!   (`34 612 345 678`) or its own international prefix (the United States' `011`).
//! - The number must be in a range its country gives to landlines, mobiles, personal or VoIP
//!   numbers. Service numbers (free-phone, premium, shared cost, Spain's 51x) are not a client's
//!   phone and cannot be read.
//! - Mexico's old dialling is still in exports and the metadata no longer reads it (dropped
//!   when Mexico went to ten digits for everything, 2019-2020): the `1` between `52` and a
//!   mobile, and the national `044` / `045` (mobiles) and `01` (long distance), are removed.
//! - An international number that is not valid as written is read once more as a national
//!   number of its country: `+54 11 15 2345-6789` and `+44 (0)20 …` are common.
//!
//! Speed and the crate's gaps: the import reads up to a million rows. The crate's own `parse`
//! takes 3 to 7 µs a number in a release build (its patterns sit behind a shared, locked cache
//! keyed by their text); given a default country it strips a `+` number's trunk prefix by that
//! country's rules, not the number's own (`+54 11 15…` fails in a Spanish clinic); it takes the
//! 53 a Cuban mobile written nationally may start with for the calling code; its `number_type`
//! drops an Italian landline's leading `0`. So the metadata's patterns are compiled here once
//! per calling code ([`Rules`]) and the common forms — national as the country writes it, `+`
//! or `00` and the code — are read with them directly; the crate's `parse` only sees what is
//! left (the calling code without `+`, a country's other international prefixes).
//!
//! What cannot be read is kept as typed and flagged by the caller.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use phonenumber::country;
use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use regex::{Regex, RegexBuilder};

/// What kind of line a number is, as far as the metadata tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Mobile,
    Landline,
    /// The country's mobiles and landlines share their ranges (Mexico, the United States,
    /// Puerto Rico, the Dominican Republic, most of Chile…), or a personal / VoIP number.
    Unknown,
}

/// A readable phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// `+34612345678`.
    pub e164: String,
    pub line: Line,
}

impl Phone {
    /// WhatsApp is offered for mobiles and for numbers that may be one; never for a landline.
    pub fn whatsapp(&self) -> bool {
        self.line != Line::Landline
    }
}

/// Loads the numbering metadata (tens of milliseconds, once per process) so that the first
/// number read does not wait for it: an import starts this on another thread while it opens
/// the file.
pub fn warm_up() {
    let _ = DATABASE.by_id("ES");
}

/// The number in E.164 (`+34612345678`), or `None` when it cannot be read.
pub fn to_e164(typed: &str, country: &str) -> Option<String> {
    read(typed, country).map(|p| p.e164)
}

/// The number in E.164 with its kind of line, or `None` when it cannot be read. `country` is
/// the clinic's default country (ISO code; "" = Spain) for numbers written without a prefix.
pub fn read(typed: &str, country: &str) -> Option<Phone> {
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
    if !(6..=20).contains(&digits.len()) {
        return None;
    }
    if t.starts_with('+') {
        return international(&digits);
    }
    let Some((code, region)) = region(country) else {
        return international(digits.strip_prefix("00")?);
    };
    let all = rules(code)?;
    let home = all.iter().find(|r| r.id == region)?;
    let digits = if region == "MX" {
        mexican_national(&digits)
    } else {
        digits.into()
    };
    let after_00 = digits
        .strip_prefix("00")
        .filter(|rest| !rest.starts_with('0'));
    // `00` first where the clinic's country dials abroad with it (Spain, Mexico, Argentina…);
    // elsewhere (Colombia's 009 and 007, the United States' 011) after the national reading.
    let idd_00 = home
        .idd
        .as_ref()
        .is_some_and(|re| re.find("00").is_some_and(|m| m.end() == 2));
    if let (true, Some(rest)) = (idd_00, after_00) {
        if let Some(p) = international(rest) {
            return Some(p);
        }
    }
    national(&digits, home, &all)
        .or_else(|| {
            // The calling code without `+`, or another of the country's international prefixes.
            let abroad = digits.starts_with(&home.code.to_string())
                || home.idd.as_ref().is_some_and(|re| re.is_match(&digits));
            abroad.then(|| parsed(&digits, region))?
        })
        .or_else(|| international(after_00.filter(|_| !idd_00)?))
}

/// The clinic's country: its calling code and its id in the metadata; "" is Spain.
fn region(country: &str) -> Option<(u16, &'static str)> {
    let c = country.trim().to_ascii_uppercase();
    let id: country::Id = if c.is_empty() { "ES" } else { &c }.parse().ok()?;
    let meta = DATABASE.by_id(id.as_ref())?;
    Some((meta.country_code(), meta.id()))
}

/// Digits after `+` (or `00`): the calling code (one to three digits, no code is the start of
/// another), then the number as written, or as its country writes it at home.
fn international(digits: &str) -> Option<Phone> {
    let digits = mexican_international(digits);
    let (code, all, rest) = (1..=3.min(digits.len())).find_map(|len| {
        let code: u16 = digits[..len].parse().ok()?;
        Some((code, rules(code)?, &digits[len..]))
    })?;
    if let Some(line) = classify(&all, rest) {
        return Some(phone(code, rest, line));
    }
    let main = all.iter().find(|r| r.main).unwrap_or(&all[0]);
    national(rest, main, &all)
}

/// Digits written as the country `home` writes them at home (`all`: the countries of its
/// calling code), with its trunk prefix or without.
fn national(digits: &str, home: &Rules, all: &[Rules]) -> Option<Phone> {
    let nsn = home.strip_trunk(digits);
    classify(all, &nsn).map(|line| phone(home.code, &nsn, line))
}

/// What the fast reading did not take, through the crate's full parser (the calling code
/// without `+`, the country's other international prefixes), checked by the same ranges.
fn parsed(digits: &str, region: &str) -> Option<Phone> {
    let n = phonenumber::parse(Some(region.parse().ok()?), digits).ok()?;
    let code = n.code().value();
    // With its leading zeros (an Italian landline's `0`).
    let nsn = n.national().to_string();
    let line = classify(&rules(code)?, &nsn)?;
    Some(phone(code, &nsn, line))
}

fn phone(code: u16, nsn: &str, line: Line) -> Phone {
    Phone {
        e164: format!("+{code}{nsn}"),
        line,
    }
}

/// `52 1 …` (13 digits): the `1` Mexican mobiles carried after the country code until 2020.
fn mexican_international(digits: &str) -> Cow<'_, str> {
    match digits.strip_prefix("521") {
        Some(rest) if rest.len() == 10 => format!("52{rest}").into(),
        _ => digits.into(),
    }
}

/// Mexico's national prefixes before 2019-2020: `044` / `045` + ten digits (mobiles), `01` +
/// ten digits (long distance); and `52 1` + ten digits, the code without `+`.
fn mexican_national(digits: &str) -> Cow<'_, str> {
    for prefix in ["044", "045", "01"] {
        match digits.strip_prefix(prefix) {
            Some(rest) if rest.len() == 10 => return rest.into(),
            _ => {}
        }
    }
    mexican_international(digits)
}

/// The line of a national number among the countries sharing a calling code: the country
/// whose leading digits it has, or else the first whose ranges hold it (the +1 countries).
fn classify(all: &[Rules], nsn: &str) -> Option<Line> {
    if let [one] = all {
        return one.line(nsn);
    }
    all.iter().find_map(|r| match &r.leading {
        Some(lead) if lead.is_match(nsn) => r.line(nsn),
        Some(_) => None,
        None => r.line(nsn),
    })
}

/// One kind of number of a country: its possible lengths and its pattern, matched whole.
struct Range {
    lengths: Vec<u16>,
    pattern: Regex,
}

impl Range {
    fn new(d: &Descriptor) -> Option<Range> {
        Some(Range {
            lengths: d.possible_length().to_vec(),
            pattern: compile(d.national_number().as_str(), true)?,
        })
    }

    fn holds(&self, nsn: &str) -> bool {
        (self.lengths.is_empty() || self.lengths.contains(&(nsn.len() as u16)))
            && self.pattern.is_match(nsn)
    }
}

/// A country's metadata, compiled: what reading and classifying a number needs.
struct Rules {
    id: &'static str,
    code: u16,
    main: bool,
    /// Where several countries share a code: how this one's numbers start.
    leading: Option<Regex>,
    /// The trunk prefix (and carrier code) a national number may start with, and what it
    /// becomes (Argentina: `0 11 15` → `9 11`).
    trunk: Option<Regex>,
    transform: Option<String>,
    /// The prefixes for calling abroad (anchored at the start).
    idd: Option<Regex>,
    general: Range,
    fixed: Option<Range>,
    mobile: Option<Range>,
    /// Personal and VoIP numbers: a person's, but of no known line.
    other: Vec<Range>,
    /// Free-phone, premium, shared-cost, UAN, pager and voicemail numbers.
    service: Vec<Range>,
}

/// A pattern of the metadata (written with spaces and line breaks), anchored at the start and,
/// when `whole`, at the end.
fn compile(source: &str, whole: bool) -> Option<Regex> {
    let end = if whole { "$" } else { "" };
    RegexBuilder::new(&format!("^(?:{source}){end}"))
        .ignore_whitespace(true)
        .build()
        .ok()
}

impl Rules {
    fn new(meta: &'static Metadata) -> Option<Rules> {
        let d = meta.descriptors();
        let range = |x: Option<&Descriptor>| x.and_then(Range::new);
        let fixed = range(d.fixed_line());
        let mobile = range(d.mobile());
        let other: Vec<Range> = [d.personal_number(), d.voip()]
            .into_iter()
            .filter_map(range)
            .collect();
        let service: Vec<Range> = [
            d.premium_rate(),
            d.toll_free(),
            d.shared_cost(),
            d.uan(),
            d.pager(),
            d.voicemail(),
        ]
        .into_iter()
        .filter_map(range)
        .collect();
        // The general lengths are those of every kind (the metadata's build does the same).
        let mut lengths: Vec<u16> = fixed
            .iter()
            .chain(&mobile)
            .chain(&other)
            .chain(&service)
            .flat_map(|r| r.lengths.iter().copied())
            .collect();
        lengths.sort_unstable();
        lengths.dedup();
        let general = Range {
            lengths,
            pattern: compile(d.general().national_number().as_str(), true)?,
        };
        let trunk = match (meta.national_prefix_for_parsing(), meta.national_prefix()) {
            (Some(p), _) => compile(p.as_str(), false),
            (None, Some(p)) => compile(&regex::escape(p), false),
            (None, None) => None,
        };
        Some(Rules {
            id: meta.id(),
            code: meta.country_code(),
            main: meta.is_main_country_for_code(),
            leading: meta
                .leading_digits()
                .and_then(|l| compile(l.as_str(), false)),
            trunk,
            // The metadata writes groups as `$1`; `regex` reads `$1x` as a group named `1x`.
            transform: meta.national_prefix_transform_rule().map(|t| {
                Regex::new(r"\$(\d)").map_or(t.into(), |re| re.replace_all(t, "$${$1}").into())
            }),
            idd: meta
                .international_prefix()
                .and_then(|p| compile(p.as_str(), false)),
            general,
            fixed,
            mobile,
            other,
            service,
        })
    }

    /// The national number without its trunk prefix, as libphonenumber strips it: only when
    /// what is left is still a number of the country's lengths and, if the whole was one of
    /// its numbers, what is left is one too.
    fn strip_trunk<'a>(&self, digits: &'a str) -> Cow<'a, str> {
        let Some(trunk) = &self.trunk else {
            return digits.into();
        };
        // An empty match (Argentina's pattern is all optional) strips nothing: no groups needed.
        if trunk.find(digits).is_none_or(|m| m.is_empty()) {
            return digits.into();
        }
        let Some(caps) = trunk.captures(digits) else {
            return digits.into();
        };
        let end = caps.get(0).map_or(0, |m| m.end());
        let last = caps.len() - 1;
        let stripped: Cow<'a, str> = match &self.transform {
            Some(rule) if last > 0 && caps.get(last).is_some() => {
                let mut s = String::new();
                caps.expand(rule, &mut s);
                s.push_str(&digits[end..]);
                s.into()
            }
            _ => digits[end..].into(),
        };
        let viable = self.general.holds(digits);
        if viable && !self.general.holds(&stripped) {
            return digits.into();
        }
        let lengths = &self.general.lengths;
        if lengths.is_empty() || lengths.contains(&(stripped.len() as u16)) {
            stripped
        } else {
            digits.into()
        }
    }

    /// The line of a national number of this country; `None` when it is in no range of a
    /// person's number.
    fn line(&self, nsn: &str) -> Option<Line> {
        if !self.general.holds(nsn) || self.service.iter().any(|r| r.holds(nsn)) {
            return None;
        }
        let is = |r: &Option<Range>| r.as_ref().is_some_and(|r| r.holds(nsn));
        Some(match (is(&self.fixed), is(&self.mobile)) {
            (true, false) => Line::Landline,
            (false, true) => Line::Mobile,
            (true, true) => Line::Unknown,
            (false, false) if self.other.iter().any(|r| r.holds(nsn)) => Line::Unknown,
            (false, false) => return None,
        })
    }
}

/// The compiled rules of the countries of a calling code, built on first use.
fn rules(code: u16) -> Option<Arc<[Rules]>> {
    type Table = RwLock<HashMap<u16, Option<Arc<[Rules]>>>>;
    static TABLE: OnceLock<Table> = OnceLock::new();
    let table = TABLE.get_or_init(Default::default);
    if let Some(found) = table.read().unwrap_or_else(|e| e.into_inner()).get(&code) {
        return found.clone();
    }
    let built: Option<Arc<[Rules]>> = DATABASE
        .by_code(&code)
        .and_then(|metas| {
            metas
                .into_iter()
                .map(Rules::new)
                .collect::<Option<Vec<_>>>()
        })
        .filter(|all| !all.is_empty())
        .map(Into::into);
    table
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .entry(code)
        .or_insert(built)
        .clone()
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

    use Line::{Landline, Mobile, Unknown};

    /// A landline and a mobile of each country, as written there (the metadata's example
    /// numbers): the clinic's country, E.164 and the line the metadata tells.
    const EXAMPLES: &[(&str, &str, &str, Line)] = &[
        ("ES", "810 12 34 56", "+34810123456", Landline),
        ("ES", "612-345-678", "+34612345678", Mobile),
        ("MX", "(200) 123-4567", "+522001234567", Landline),
        // Mexico's mobiles and landlines share their ranges.
        ("MX", "222.123.4567", "+522221234567", Unknown),
        ("AR", "(011) 2345-6789", "+541123456789", Landline),
        ("AR", "011 15-2345-6789", "+5491123456789", Mobile),
        ("CO", "(601) 234 5678", "+576012345678", Landline),
        ("CO", "321 123 4567", "+573211234567", Mobile),
        // Chile: numbers move between landlines and mobiles; most ranges are both.
        ("CL", "600 123 456", "+56600123456", Landline),
        ("CL", "9 6123 4567", "+56961234567", Unknown),
        ("PE", "(01) 123-4567", "+5111234567", Landline),
        ("PE", "912 345 678", "+51912345678", Mobile),
        ("VE", "(0212) 123-4567", "+582121234567", Landline),
        ("VE", "0412-123-4567", "+584121234567", Mobile),
        ("EC", "(02) 212-3456", "+59322123456", Landline),
        ("EC", "099 123 4567", "+593991234567", Mobile),
        ("BO", "2 212 3456", "+59122123456", Landline),
        ("BO", "7123 4567", "+59171234567", Mobile),
        ("PY", "(021) 234-5678", "+595212345678", Landline),
        ("PY", "0961 456 789", "+595961456789", Mobile),
        ("UY", "2123 1234", "+59821231234", Landline),
        ("UY", "094 231 234", "+59894231234", Mobile),
        ("CU", "(07) 123 4567", "+5371234567", Landline),
        ("CU", "5 123 4567", "+5351234567", Mobile),
        // The +1 countries do not tell mobiles from landlines.
        ("DO", "(809) 234-5678", "+18092345678", Unknown),
        ("DO", "1 829 234 5678", "+18292345678", Unknown),
        ("PR", "(787) 234-5678", "+17872345678", Unknown),
        ("PR", "939.234.5678", "+19392345678", Unknown),
        ("GT", "2245-6789", "+50222456789", Landline),
        ("GT", "5123-4567", "+50251234567", Mobile),
        ("HN", "2212-3456", "+50422123456", Landline),
        ("HN", "9123-4567", "+50491234567", Mobile),
        ("SV", "2123-4567", "+50321234567", Landline),
        ("SV", "7012-3456", "+50370123456", Mobile),
        ("NI", "2123 4567", "+50521234567", Landline),
        ("NI", "8123 4567", "+50581234567", Mobile),
        ("CR", "2212-3456", "+50622123456", Landline),
        ("CR", "8312-3456", "+50683123456", Mobile),
        ("PA", "200-1234", "+5072001234", Landline),
        ("PA", "6123-4567", "+50761234567", Mobile),
    ];

    fn phone(e164: &str, line: Line) -> Option<Phone> {
        Some(Phone {
            e164: e164.into(),
            line,
        })
    }

    #[test]
    fn each_country_reads_its_landlines_and_mobiles() {
        for c in crate::settings::COUNTRIES {
            assert!(region(c).is_some(), "the metadata knows {c}");
        }
        for &(country, typed, e164, line) in EXAMPLES {
            assert_eq!(
                read(typed, country),
                phone(e164, line),
                "{typed} in {country}"
            );
        }
    }

    #[test]
    fn international_forms_read_the_same_whatever_the_clinics_country() {
        for &(country, typed, e164, line) in EXAMPLES {
            let code = DATABASE.by_id(country).unwrap().country_code().to_string();
            let nsn = &e164[1 + code.len()..];
            let (a, b) = nsn.split_at(nsn.len() / 2);
            for clinic in ["ES", "MX", country] {
                for written in [
                    format!("+{code} {a} {b}"),
                    format!("+{code}-{a}-{b}"),
                    format!("+{code} ({a}) {b}"),
                    format!("00{code}.{a}.{b}"),
                    format!("00 {code} {a} {b}"),
                ] {
                    assert_eq!(
                        read(&written, clinic),
                        phone(e164, line),
                        "{written} ({typed}) read in {clinic}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_national_number_belongs_to_the_clinics_country() {
        // A Mexican number written the Mexican way is not Spanish in a Spanish clinic…
        assert_eq!(read("55 1234 5678", "ES"), None);
        assert_eq!(read("(55) 1234-5678", "ES"), None);
        // …and is Mexican in a Mexican one.
        assert_eq!(read("55 1234 5678", "MX"), phone("+525512345678", Unknown));
        assert_eq!(
            read("(55) 1234-5678", "MX"),
            phone("+525512345678", Unknown)
        );
        // A Spanish mobile is not Mexican in a Mexican clinic, unless written with its code.
        assert_eq!(read("612 345 678", "MX"), None);
        assert_eq!(read("+34 612 345 678", "MX"), phone("+34612345678", Mobile));
        assert_eq!(
            read("0034 612 345 678", "MX"),
            phone("+34612345678", Mobile)
        );
        // Numbers of other lengths than Spain's nine digits never become Spanish. (Nine-digit
        // ones may: Peru's 912 345 678 is also a Spanish landline.)
        for &(country, typed, _, _) in EXAMPLES {
            let digits = typed.chars().filter(char::is_ascii_digit).count();
            if country != "ES" && digits != 9 {
                assert_eq!(read(typed, "ES"), None, "{typed} ({country}) read in ES");
            }
        }
    }

    #[test]
    fn mexicos_old_prefixes_are_removed() {
        let mobile = phone("+525512345678", Unknown);
        for (typed, clinic) in [
            ("+52 1 55 1234 5678", "ES"),
            ("+52 1 (55) 1234-5678", "MX"),
            ("00 52 1 55 1234 5678", "ES"),
            ("00 52 1 55 1234 5678", "MX"),
            ("52 1 55 1234 5678", "MX"),
            ("044 55 1234 5678", "MX"),
            ("045 (55) 1234-5678", "MX"),
            ("01 55 1234 5678", "MX"),
            ("+52 55 1234 5678", "ES"),
        ] {
            assert_eq!(read(typed, clinic), mobile, "{typed} in {clinic}");
        }
        // The national prefixes mean nothing in a Spanish clinic.
        assert_eq!(read("044 55 1234 5678", "ES"), None);
        // Free-phone numbers are not a client's phone.
        assert_eq!(read("800 123 4567", "MX"), None);
    }

    #[test]
    fn argentinas_mobiles_get_their_nine() {
        let buenos_aires = phone("+5491123456789", Mobile);
        for (typed, clinic) in [
            ("011 15-2345-6789", "AR"),
            ("(011) 15 2345 6789", "AR"),
            ("11 15 2345-6789", "AR"),
            ("+54 9 11 2345-6789", "ES"),
            ("0054 9 11 2345 6789", "MX"),
            ("+54 11 15 2345 6789", "ES"),
            ("+54 (011) 15-2345-6789", "MX"),
            ("54 9 11 2345 6789", "AR"),
        ] {
            assert_eq!(read(typed, clinic), buenos_aires, "{typed} in {clinic}");
        }
        assert_eq!(
            read("(0351) 15-423-4567", "AR"),
            phone("+5493514234567", Mobile),
            "Córdoba"
        );
        assert_eq!(
            read("0351 423-4567", "AR"),
            phone("+543514234567", Landline)
        );
        // Without the area code a mobile cannot be dialled from elsewhere.
        assert_eq!(read("15 2345-6789", "AR"), None);
    }

    #[test]
    fn one_number_in_every_writing() {
        for typed in [
            "612345678",
            "612 345 678",
            "612.345.678",
            "612-345-678",
            "(612) 345 678",
            "612/34.56.78",
            " +34 612 345 678 ",
            "+34 (612) 345-678",
            "+34.612.345.678",
            "0034 612 345 678",
            "00 34 612-345-678",
            "34 612 345 678",
        ] {
            assert_eq!(
                read(typed, "ES"),
                phone("+34612345678", Mobile),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn letters_and_symbols_make_a_number_unreadable() {
        for (typed, clinic) in [
            ("55 1234 ABCD", "MX"),
            ("+52 55 1234 567B", "ES"),
            ("612 345 678 ext 2", "ES"),
            ("tel:+34612345678", "ES"),
            ("612 345 678 o 912 345 678", "ES"),
            ("612 345 678*", "ES"),
            ("+34 612 345 678 +", "ES"),
            ("++34 612 345 678", "ES"),
            ("６１２３４５６７８", "ES"),
        ] {
            assert_eq!(read(typed, clinic), None, "{typed:?} in {clinic}");
        }
    }

    #[test]
    fn service_numbers_and_unknown_countries() {
        // Free-phone, shared-cost and premium numbers are not a client's phone.
        for typed in [
            "900 123 456",
            "902 123 456",
            "803 123 456",
            "+34 901 123 456",
        ] {
            assert_eq!(read(typed, "ES"), None, "{typed}");
        }
        // Italy's landlines keep their leading 0 after the code.
        assert_eq!(
            read("+39 06 1234 5678", "ES"),
            phone("+390612345678", Landline)
        );
        assert_eq!(
            read("+44 (0)20 7946 0958", "ES"),
            phone("+442079460958", Landline),
            "a trunk 0 kept after the code"
        );
        // Where the clinic dials abroad with another prefix.
        assert_eq!(
            read("011 34 612 345 678", "US"),
            phone("+34612345678", Mobile)
        );
        // An unknown country reads international numbers only; "" is Spain.
        assert_eq!(read("612 345 678", "XX"), None);
        assert_eq!(read("+34 612 345 678", "XX"), phone("+34612345678", Mobile));
        assert_eq!(read("612 345 678", " es "), phone("+34612345678", Mobile));
        assert_eq!(read("612 345 678", ""), phone("+34612345678", Mobile));
    }

    #[test]
    fn whatsapp_is_for_mobiles_and_the_unknown() {
        assert!(read("612 345 678", "ES").unwrap().whatsapp());
        assert!(!read("93 456 78 90", "ES").unwrap().whatsapp());
        assert!(read("55 1234 5678", "MX").unwrap().whatsapp());
        assert!(read("(787) 234-5678", "PR").unwrap().whatsapp());
    }

    /// Where the crate's own parser finds a valid number of a person's kind, the fast reading
    /// finds the same one (variations on each country's example numbers, in national and
    /// international writing, read in the country itself, in Spain and in Mexico).
    #[test]
    fn the_fast_reading_agrees_with_the_crates_parser() {
        use phonenumber::{Mode, Type};
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(14);
        let mut compared = 0;
        for &country in crate::settings::COUNTRIES {
            let meta = DATABASE.by_id(country).unwrap();
            let trunk = meta.national_prefix().unwrap_or("");
            let d = meta.descriptors();
            for example in [d.fixed_line(), d.mobile()].into_iter().flatten() {
                let example = example.example().unwrap().as_bytes().to_vec();
                for _ in 0..40 {
                    let mut n = example.clone();
                    let len = n.len();
                    for b in &mut n[len - rng.random_range(1..=6)..] {
                        *b = b'0' + rng.random_range(0..10u8);
                    }
                    let nsn = String::from_utf8(n).unwrap();
                    let code = meta.country_code();
                    for typed in [
                        format!("{trunk}{nsn}"),
                        nsn.clone(),
                        format!("+{code} {nsn}"),
                    ] {
                        for clinic in [country, "ES", "MX"] {
                            let theirs = phonenumber::parse(Some(clinic.parse().unwrap()), &typed)
                                .ok()
                                .filter(|p| p.is_valid())
                                .filter(|p| {
                                    !matches!(
                                        p.number_type(&DATABASE),
                                        Type::TollFree
                                            | Type::PremiumRate
                                            | Type::SharedCost
                                            | Type::Uan
                                            | Type::Pager
                                            | Type::Voicemail
                                    )
                                });
                            if let Some(theirs) = theirs {
                                compared += 1;
                                assert_eq!(
                                    to_e164(&typed, clinic),
                                    Some(theirs.format().mode(Mode::E164).to_string()),
                                    "{typed} in {clinic}"
                                );
                            }
                        }
                    }
                }
            }
        }
        assert!(compared > 2000, "{compared} numbers compared");
    }

    #[test]
    fn nothing_typed_makes_it_panic() {
        use proptest::prelude::*;
        proptest!(|(typed in "[+0-9 ().-]{0,24}", i in 0..crate::settings::COUNTRIES.len())| {
            if let Some(p) = read(&typed, crate::settings::COUNTRIES[i]) {
                prop_assert!(p.e164.starts_with('+'));
                prop_assert!((8..=16).contains(&p.e164.len()), "{:?}", p);
            }
        });
    }

    /// The import reads up to a million rows: the time per number, printed (run with
    /// `cargo test --release -p fidelia-core phone::tests::speed -- --ignored --nocapture`).
    #[test]
    #[ignore = "a measurement: run it in release"]
    fn speed() {
        let forms: &[(&str, &str)] = &[
            ("ES", "6## ### ###"),
            ("ES", "+34 6## ### ###"),
            ("ES", "9#.###.##.##"),
            ("ES", "0034 (91) ###-##-##"),
            ("MX", "+52 1 55 #### ####"),
            ("MX", "(33) ####-####"),
            ("AR", "011 15-####-####"),
            ("AR", "(0351) 4##-####"),
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut digit = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b'0' + (x % 10) as u8)
        };
        // The first number loads the metadata and compiles its country's rules, once.
        let start = std::time::Instant::now();
        for (country, _) in forms {
            read("612 345 678", country);
        }
        println!("first use: {:.1} ms", start.elapsed().as_secs_f64() * 1e3);
        let n = 100_000;
        let mut all = 0.0;
        for (country, form) in forms {
            let typed: Vec<String> = (0..n / forms.len())
                .map(|_| {
                    form.chars()
                        .map(|c| if c == '#' { digit() } else { c })
                        .collect()
                })
                .collect();
            let start = std::time::Instant::now();
            let read_ok = typed.iter().filter(|t| read(t, country).is_some()).count();
            let took = start.elapsed().as_secs_f64();
            all += took;
            println!(
                "{country} {form:22} {:.2} µs/number ({read_ok} of {} readable)",
                took * 1e6 / typed.len() as f64,
                typed.len()
            );
        }
        println!("all: {:.2} µs/number", all * 1e6 / n as f64);
    }
}
