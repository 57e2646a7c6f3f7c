//! Text folding for search: accents, case and punctuation do not matter ("Núñez" == "nunez").

use unicode_normalization::UnicodeNormalization;

/// Folds text for accent- and case-insensitive matching: decomposes (NFD), drops combining
/// marks, lowercases, keeps letters and digits, and turns every other run into one space.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// The digits of a phone number as typed ("612 345 678" -> "612345678").
pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The text a client is found by: their names, their pets' names and their phones' digits.
pub fn client_search_key(
    first_name: &str,
    surnames: &str,
    pet_names: &[&str],
    phones: &[&str],
) -> String {
    let mut key = fold(&format!("{first_name} {surnames} {}", pet_names.join(" ")));
    for p in phones {
        let d = digits(p);
        if !d.is_empty() {
            key.push(' ');
            key.push_str(&d);
        }
    }
    key
}

/// Splits a search query into folded tokens; each must appear in a client's search key.
pub fn query_tokens(q: &str) -> Vec<String> {
    fold(q)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A text cell made safe for a spreadsheet: one beginning with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be read by Excel or LibreOffice as a formula (`=HYPERLINK(…)` sends
/// whoever clicks it anywhere), so it gets a leading apostrophe, which they read as "text" and
/// do not show. Everything else is kept as it is.
pub fn spreadsheet_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_made_text() {
        for f in [
            "=HYPERLINK(\"http://x\";\"clic\")",
            "+34612345678",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
        ] {
            assert_eq!(spreadsheet_cell(f), format!("'{f}"));
        }
        for plain in ["María", "", "612 345 678", "a=b", "'ya"] {
            assert_eq!(spreadsheet_cell(plain), plain);
        }
    }

    #[test]
    fn fold_removes_accents_case_and_punctuation() {
        // Staff type without accents and in any case; "ñ" is an "n" with a tilde in NFD.
        assert_eq!(fold("Núñez"), "nunez");
        assert_eq!(fold("MARÍA  José-Güell"), "maria jose guell");
        assert_eq!(fold("Begoña Ibáñez"), "begona ibanez");
        assert_eq!(fold("  ¿Ñoño?  "), "nono");
        assert_eq!(
            fold("<img src=x onerror=alert(1)>"),
            "img src x onerror alert 1"
        );
    }

    #[test]
    fn search_key_holds_names_pets_and_phone_digits() {
        let key = client_search_key("María", "Núñez Peña", &["Luna"], &["612 345 678", ""]);
        assert_eq!(key, "maria nunez pena luna 612345678");
        // A partial phone, typed without spaces, is a substring of the key.
        assert!(key.contains(&query_tokens("612345")[0]));
    }

    #[test]
    fn query_tokens_split_and_fold() {
        assert_eq!(query_tokens("  NUÑEZ maría "), vec!["nunez", "maria"]);
        assert!(query_tokens(" ,; ").is_empty());
    }
}
