//! Text folding for search: accents, case and punctuation do not matter ("Núñez" == "nunez").

use unicode_normalization::UnicodeNormalization;

/// Folds text for accent- and case-insensitive matching: decomposes (NFD), drops combining
/// marks, lowercases, keeps letters and digits, and turns every other run into one space.
pub fn fold(s: &str) -> String {
    // A character of Latin-1 (Spanish's accented letters among them) decomposes on its own
    // into a letter and marks that move no other character: one at a time, without the whole
    // string's NFD (most of what an import folds: names, kinds, severities).
    if s.chars().all(|c| (c as u32) < 0x100) {
        let mut out = Folded::with_capacity(s.len());
        for c in s.chars() {
            if c.is_ascii() {
                out.push(c);
            } else {
                unicode_normalization::char::decompose_canonical(c, |d| out.push(d));
            }
        }
        out.out
    } else {
        fold_nfd(s)
    }
}

/// [`fold`] by its definition: the whole string's NFD, then the marks dropped.
fn fold_nfd(s: &str) -> String {
    let mut out = Folded::with_capacity(s.len());
    for c in s.nfd() {
        out.push(c);
    }
    out.out
}

/// [`fold`]'s output as the decomposed characters come.
struct Folded {
    out: String,
    pending_space: bool,
}

impl Folded {
    fn with_capacity(n: usize) -> Folded {
        Folded {
            out: String::with_capacity(n),
            pending_space: false,
        }
    }

    fn push(&mut self, c: char) {
        if is_combining_mark(c) {
            return;
        }
        if c.is_alphanumeric() {
            if self.pending_space && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.pending_space = false;
            if c.is_ascii() {
                self.out.push(c.to_ascii_lowercase());
            } else {
                self.out.extend(c.to_lowercase());
            }
        } else {
            self.pending_space = true;
        }
    }
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
    let mut key = SearchKey::new(first_name, surnames, phones);
    for p in pet_names {
        key.add_pet(p);
    }
    key.into()
}

/// A client's search key ([`client_search_key`]) built as their pets become known, in the
/// pets' order: an import knows a new client's names and phones first, and their pets a row
/// at a time. Folding keeps words apart, so the folded names followed by each pet's folded
/// name are the fold of them all.
#[derive(Debug, Clone)]
pub struct SearchKey {
    names: String,
    phones: String,
}

impl SearchKey {
    pub fn new(first_name: &str, surnames: &str, phones: &[&str]) -> SearchKey {
        let mut digits_of = String::new();
        for p in phones {
            let d = digits(p);
            if !d.is_empty() {
                digits_of.push(' ');
                digits_of.push_str(&d);
            }
        }
        SearchKey {
            names: fold(&format!("{first_name} {surnames}")),
            phones: digits_of,
        }
    }

    pub fn add_pet(&mut self, name: &str) {
        let name = fold(name);
        if !name.is_empty() {
            if !self.names.is_empty() {
                self.names.push(' ');
            }
            self.names.push_str(&name);
        }
    }
}

impl From<SearchKey> for String {
    fn from(k: SearchKey) -> String {
        let mut key = k.names;
        key.push_str(&k.phones);
        key
    }
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

    /// Latin-1 folded a character at a time is the definition: every character alone, and
    /// beside each other, a mark, a letter and a space.
    #[test]
    fn latin1_a_character_at_a_time_folds_as_the_whole_strings_nfd() {
        let latin1: Vec<char> = (0u32..0x100).filter_map(char::from_u32).collect();
        for &a in &latin1 {
            for b in ['a', 'Ñ', ' ', '\u{0301}', '\u{00B4}', '1', a] {
                for s in [
                    format!("{a}"),
                    format!("{a}{b}"),
                    format!("{b}{a}x"),
                    format!(" {a} {b} "),
                ] {
                    assert_eq!(fold(&s), fold_nfd(&s), "{s:?}");
                }
            }
        }
        assert_eq!(fold("Núñez Peña, MARÍA-José"), "nunez pena maria jose");
        assert_eq!(
            fold("Ærøskøbing Ǆ"),
            fold_nfd("Ærøskøbing Ǆ"),
            "beyond Latin-1"
        );
    }

    /// Built a pet at a time, the key is the fold of the names and pets written together (the
    /// key's definition), whatever the spaces, accents, marks or punctuation.
    #[test]
    fn a_key_built_pet_by_pet_is_the_fold_of_it_all() {
        use proptest::prelude::*;
        let text = "[ a-zA-Z0-9ñÑáéÍü.,'\\u{0301}\\u{0308}-]{0,12}";
        proptest!(|(first in text, surnames in text, pets in proptest::collection::vec(text, 0..4),
                    phones in proptest::collection::vec("[0-9 +a-z]{0,10}", 0..3))| {
            let mut whole = fold(&format!("{first} {surnames} {}", pets.join(" ")));
            for p in &phones {
                let d = digits(p);
                if !d.is_empty() {
                    whole.push(' ');
                    whole.push_str(&d);
                }
            }
            let pets: Vec<&str> = pets.iter().map(String::as_str).collect();
            let phones: Vec<&str> = phones.iter().map(String::as_str).collect();
            prop_assert_eq!(client_search_key(&first, &surnames, &pets, &phones), whole);
        });
    }

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
