//! Fidelia's letters as PDF: the thank-you letter for loyal clients and the condolence letter,
//! on the clinic's letterhead, A4, with an embedded (subset) DejaVu Sans.
//!
//! `LetterData` → PDF bytes; no Tauri, no database, no clock (the date is passed in).
//!
//! - [`render_letter`]: one letter, one PDF (a long letter continues on page 2+).
//! - [`render_batch`]: many letters in one PDF, each on a new page, the font embedded once.
//! - [`join_names`], [`years_phrase`]: values for the editable [`templates`] (filled by
//!   `fidelia_core::template::fill`).
//! - [`render_document`]: a plain document (a client's data) on the letterhead.
//! - [`safe_file_name`]: "Begoña Ibáñez Muñoz" → "Begona_Ibanez_Munoz.pdf".

mod document;
mod layout;
mod render;
mod report;
pub mod templates;

use fidelia_core::Lang;
use unicode_normalization::UnicodeNormalization;

pub use document::{render_document, Section};
pub use render::{logo_size, render_batch, render_letter, LOGO_MAX_PIXELS};
pub use report::{render_report, ChartData, ReportData};

/// The clinic's letterhead, from Settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Letterhead {
    pub clinic_name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    /// `data:image/png;base64,...` or `data:image/jpeg;base64,...`; `""` = no logo.
    pub logo_data_url: String,
}

/// How the client is greeted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Greeting {
    /// "Estimada Sra." / "Dear Mrs"
    Female,
    /// "Estimado Sr." / "Dear Mr"
    Male,
    /// "Estimado/a" / "Dear"
    Neutral,
}

/// One letter, text already filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterData {
    pub lang: Lang,
    pub date: chrono::NaiveDate,
    pub greeting: Greeting,
    pub client_name: String,
    /// Already filled: paragraphs separated by blank lines; a single line break is kept.
    pub body: String,
    pub signature_name: String,
    pub signature_role: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("the embedded font could not be read: {0}")]
    Font(String),
    #[error("the clinic logo could not be read: {0}")]
    Logo(String),
    #[error("no letters to print")]
    NoLetters,
}

impl LetterData {
    /// "Estimada Sra. Begoña Ibáñez Muñoz:" / "Dear Mrs Begoña Ibáñez Muñoz,"
    pub fn greeting_line(&self) -> String {
        let name = self.client_name.trim();
        match (self.lang, self.greeting) {
            (Lang::Es, Greeting::Female) => format!("Estimada Sra. {name}:"),
            (Lang::Es, Greeting::Male) => format!("Estimado Sr. {name}:"),
            (Lang::Es, Greeting::Neutral) => format!("Estimado/a {name}:"),
            (Lang::En, Greeting::Female) => format!("Dear Mrs {name},"),
            (Lang::En, Greeting::Male) => format!("Dear Mr {name},"),
            (Lang::En, Greeting::Neutral) => format!("Dear {name},"),
        }
    }

    /// "Un cordial saludo," / "Kind regards,"
    pub fn closing_line(&self) -> &'static str {
        match self.lang {
            Lang::Es => "Un cordial saludo,",
            Lang::En => "Kind regards,",
        }
    }

    /// "24 de noviembre de 2026" / "24 November 2026"
    pub fn date_line(&self) -> String {
        fidelia_core::format::date_long(self.date, self.lang)
    }
}

/// "Ñoño", "Ñoño y Pío", "Luna, Ñoño y Pío" ("y" becomes "e" before an /i/ sound: "Pío e Isis");
/// English: "Ñoño and Pío", "Luna, Ñoño and Pío".
pub fn join_names(names: &[&str], lang: Lang) -> String {
    let names: Vec<&str> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    match names.len() {
        0 => String::new(),
        1 => names[0].to_string(),
        n => {
            let last = names[n - 1];
            let and = match lang {
                Lang::En => "and",
                Lang::Es if starts_with_i_sound(last) => "e",
                Lang::Es => "y",
            };
            format!("{} {and} {last}", names[..n - 1].join(", "))
        }
    }
}

fn starts_with_i_sound(word: &str) -> bool {
    let folded: String = word
        .nfd()
        .filter(|c| !is_combining(*c))
        .flat_map(char::to_lowercase)
        .collect();
    // "i…", "hi…" but not "hie…"/"hia…" (a diphthong: "y hielo", "y hiato").
    (folded.starts_with('i')
        && !folded.starts_with("ia")
        && !folded.starts_with("ie")
        && !folded.starts_with("io"))
        || (folded.starts_with("hi")
            && !folded.starts_with("hie")
            && !folded.starts_with("hia")
            && !folded.starts_with("hio"))
}

/// The time with the clinic, worded for `{años}`: "un año", "8 años" / "one year", "8 years".
pub fn years_phrase(years: u32, lang: Lang) -> String {
    match (lang, years) {
        (Lang::Es, 1) => "un año".to_string(),
        (Lang::Es, n) => format!("{n} años"),
        (Lang::En, 1) => "one year".to_string(),
        (Lang::En, n) => format!("{n} years"),
    }
}

const MAX_STEM: usize = 80;

/// A file name for the client's letter, safe on Windows, macOS and Linux:
/// "Begoña Ibáñez Muñoz" → "Begona_Ibanez_Munoz.pdf".
///
/// Accents are dropped (ñ → n, ü → u, ß → ss…), anything but letters, digits, `-` and `_` becomes
/// `_` (so never `<>:"/\|?*`, control characters, dots or spaces at the end), runs of `_` are
/// collapsed, the name is cut to 80 characters, Windows' reserved device names (CON, PRN, AUX, NUL,
/// COM0–9, LPT0–9) get a trailing `_`, and an empty result becomes "carta.pdf".
pub fn safe_file_name(client_name: &str) -> String {
    let mut stem = String::with_capacity(client_name.len());
    for c in client_name.nfd() {
        if is_combining(c) {
            continue;
        }
        let mapped: Option<&str> = match c {
            'ß' => Some("ss"),
            'æ' => Some("ae"),
            'Æ' => Some("AE"),
            'œ' => Some("oe"),
            'Œ' => Some("OE"),
            'ø' => Some("o"),
            'Ø' => Some("O"),
            'ł' => Some("l"),
            'Ł' => Some("L"),
            'đ' => Some("d"),
            'Đ' => Some("D"),
            'ı' => Some("i"),
            'ª' => Some("a"),
            'º' => Some("o"),
            _ => None,
        };
        if let Some(m) = mapped {
            stem.push_str(m);
        } else if c.is_ascii_alphanumeric() || c == '-' {
            stem.push(c);
        } else if c.is_alphanumeric() {
            // Letters of other scripts are fine in file names on every system.
            stem.push(c);
        } else if !stem.ends_with('_') {
            stem.push('_');
        }
    }
    let mut stem: String = stem.trim_matches(['_', '-']).to_string();
    if stem.chars().count() > MAX_STEM {
        stem = stem.chars().take(MAX_STEM).collect();
        stem = stem.trim_end_matches(['_', '-']).to_string();
    }
    if stem.is_empty() {
        stem = "carta".to_string();
    }
    if is_reserved_windows_name(&stem) {
        stem.push('_');
    }
    format!("{stem}.pdf")
}

fn is_reserved_windows_name(stem: &str) -> bool {
    let upper = stem.to_ascii_uppercase();
    matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || (upper.len() == 4
        && (upper.starts_with("COM") || upper.starts_with("LPT"))
        && upper.as_bytes()[3].is_ascii_digit())
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_templates_use_only_known_placeholders() {
        for t in [
            templates::THANKS_ES,
            templates::THANKS_EN,
            templates::CONDOLENCE_ES,
            templates::CONDOLENCE_EN,
        ] {
            let values: Vec<(&str, &str)> =
                templates::PLACEHOLDERS.iter().map(|k| (*k, "X")).collect();
            let filled = fidelia_core::template::fill(t, &values);
            assert!(filled.complete(), "{t}: {}", filled.unfilled_list());
            assert!(
                !filled.text.contains('{') && !filled.text.contains('}'),
                "{}",
                filled.text
            );
        }
        // A condolence letter never sells anything nor sounds cheerful.
        for t in [templates::CONDOLENCE_ES, templates::CONDOLENCE_EN] {
            let lower = t.to_lowercase();
            for word in [
                "descuento",
                "oferta",
                "cupón",
                "€",
                "!",
                "discount",
                "offer",
                "coupon",
            ] {
                assert!(
                    !lower.contains(word),
                    "condolence template contains {word:?}"
                );
            }
        }
    }

    #[test]
    fn join_names_in_both_languages() {
        assert_eq!(join_names(&[], Lang::Es), "");
        assert_eq!(join_names(&["Ñoño"], Lang::Es), "Ñoño");
        assert_eq!(join_names(&["Ñoño", "Pío"], Lang::Es), "Ñoño y Pío");
        assert_eq!(
            join_names(&["Luna", "Ñoño", "Pío"], Lang::Es),
            "Luna, Ñoño y Pío"
        );
        assert_eq!(join_names(&["Pío", "Isis"], Lang::Es), "Pío e Isis");
        assert_eq!(join_names(&["Pío", "Híspalis"], Lang::Es), "Pío e Híspalis");
        assert_eq!(join_names(&["Pío", "Hierro"], Lang::Es), "Pío y Hierro");
        assert_eq!(join_names(&["Ñoño", " ", "Pío"], Lang::En), "Ñoño and Pío");
        assert_eq!(years_phrase(1, Lang::Es), "un año");
        assert_eq!(years_phrase(8, Lang::Es), "8 años");
        assert_eq!(years_phrase(1, Lang::En), "one year");
    }

    #[test]
    fn safe_file_name_cases() {
        assert_eq!(
            safe_file_name("Begoña Ibáñez Muñoz"),
            "Begona_Ibanez_Munoz.pdf"
        );
        assert_eq!(
            safe_file_name("  José Luis  Pérez-Güell  "),
            "Jose_Luis_Perez-Guell.pdf"
        );
        assert_eq!(
            safe_file_name("a<b>c:d\"e/f\\g|h?i*j"),
            "a_b_c_d_e_f_g_h_i_j.pdf"
        );
        assert_eq!(
            safe_file_name("Mª Ángeles O'Neill"),
            "Ma_Angeles_O_Neill.pdf"
        );
        assert_eq!(
            safe_file_name("Strauß Łukasz Ærø"),
            "Strauss_Lukasz_AEro.pdf"
        );
        assert_eq!(safe_file_name("CON"), "CON_.pdf");
        assert_eq!(safe_file_name("nul"), "nul_.pdf");
        assert_eq!(safe_file_name("Com1"), "Com1_.pdf");
        assert_eq!(safe_file_name("LPT9."), "LPT9_.pdf");
        assert_eq!(safe_file_name("Console"), "Console.pdf");
        assert_eq!(safe_file_name("Ana."), "Ana.pdf");
        assert_eq!(safe_file_name("..."), "carta.pdf");
        assert_eq!(safe_file_name(""), "carta.pdf");
        assert_eq!(safe_file_name("\u{0}\t\n"), "carta.pdf");
        assert_eq!(safe_file_name("王小明"), "王小明.pdf");
        let long = "Aaaaaaaaaa ".repeat(20);
        let name = safe_file_name(&long);
        assert!(name.chars().count() <= MAX_STEM + 4, "{name}");
        assert!(!name.contains("_.pdf"), "{name}");
        for bad in ['<', '>', ':', '"', '/', '\\', '|', '?', '*', ' '] {
            assert!(!safe_file_name("x<>:\"/\\|?* y").contains(bad));
        }
    }

    #[test]
    fn greeting_lines() {
        let mut l = LetterData {
            lang: Lang::Es,
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            greeting: Greeting::Female,
            client_name: "Begoña Ibáñez Muñoz".into(),
            body: String::new(),
            signature_name: String::new(),
            signature_role: String::new(),
        };
        assert_eq!(l.greeting_line(), "Estimada Sra. Begoña Ibáñez Muñoz:");
        assert_eq!(l.date_line(), "24 de noviembre de 2026");
        l.greeting = Greeting::Neutral;
        assert_eq!(l.greeting_line(), "Estimado/a Begoña Ibáñez Muñoz:");
        l.lang = Lang::En;
        l.greeting = Greeting::Male;
        assert_eq!(l.greeting_line(), "Dear Mr Begoña Ibáñez Muñoz,");
        assert_eq!(l.date_line(), "24 November 2026");
        assert_eq!(l.closing_line(), "Kind regards,");
    }
}
