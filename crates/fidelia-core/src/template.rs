//! The one template engine: letters, call scripts and messages are plain text with `{name}`
//! placeholders (`{cliente}`, `{mascota}`, `{años}`…), edited by the clinic.
//!
//! [`fill`] replaces every placeholder it has a value for. A placeholder it cannot fill (a name
//! it does not know, or a value that is empty) is never left in the text as raw `{name}`: it is
//! dropped from the text and reported, so the caller can refuse ("the template uses {xyz}") or
//! go on knowingly. Braces that are not a placeholder (a lone `{`, `{ a b }`, `{}`) stay as
//! written.

/// A template with its placeholders filled.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filled {
    pub text: String,
    /// Placeholders with no value given, in order of appearance, each once.
    pub unknown: Vec<String>,
    /// Placeholders whose value was empty, in order of appearance, each once.
    pub empty: Vec<String>,
}

impl Filled {
    /// Every placeholder was filled with some text.
    pub fn complete(&self) -> bool {
        self.unknown.is_empty() && self.empty.is_empty()
    }

    /// The placeholders not filled, as the clinic wrote them: "{xyz}, {firma}".
    pub fn unfilled_list(&self) -> String {
        self.unknown
            .iter()
            .chain(&self.empty)
            .map(|k| format!("{{{k}}}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A placeholder's name: a word of letters, digits or `_` (accents allowed: `{años}`).
fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().count() <= 40 && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Fills `{name}` placeholders from `values` (name, value). See the module's documentation.
pub fn fill(template: &str, values: &[(&str, &str)]) -> Filled {
    let mut out = Filled {
        text: String::with_capacity(template.len() + 64),
        ..Default::default()
    };
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name = after.find('}').map(|close| &after[..close]);
        match name.filter(|n| is_name(n)) {
            Some(name) => {
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) if !v.is_empty() => out.text.push_str(v),
                    Some(_) => push_once(&mut out.empty, name),
                    None => push_once(&mut out.unknown, name),
                }
                rest = &after[name.len() + 1..];
            }
            None => {
                out.text.push('{');
                rest = after;
            }
        }
    }
    out.text.push_str(rest);
    out
}

fn push_once(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|n| n == name) {
        list.push(name.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(template: &str, want: &str, unknown: &[&str], empty: &[&str]) {
        let got = fill(
            template,
            &[
                ("cliente", "Begoña Ibáñez"),
                ("años", "ocho años"),
                ("firma", ""),
            ],
        );
        assert_eq!(got.text, want, "text of {template:?}");
        assert_eq!(got.unknown, unknown, "unknown placeholders of {template:?}");
        assert_eq!(got.empty, empty, "empty placeholders of {template:?}");
    }

    #[test]
    fn placeholders_are_filled_and_the_rest_is_kept() {
        check("Hola {cliente}", "Hola Begoña Ibáñez", &[], &[]);
        check(
            "{cliente}, desde hace {años}: {cliente}",
            "Begoña Ibáñez, desde hace ocho años: Begoña Ibáñez",
            &[],
            &[],
        );
        check("sin marcadores", "sin marcadores", &[], &[]);
        check("", "", &[], &[]);
    }

    #[test]
    fn what_cannot_be_filled_is_reported_and_never_left_raw() {
        check("Hola {xyz}.", "Hola .", &["xyz"], &[]);
        check("{xyz}{xyz}{abc}", "", &["xyz", "abc"], &[]);
        check("Firmado: {firma}", "Firmado: ", &[], &["firma"]);
        let f = fill("{a} {firma}", &[("firma", "")]);
        assert!(!f.complete());
        assert_eq!(f.unfilled_list(), "{a}, {firma}");
    }

    #[test]
    fn braces_that_are_not_placeholders_stay() {
        check("a { b", "a { b", &[], &[]);
        check("{}", "{}", &[], &[]);
        check("{ cliente }", "{ cliente }", &[], &[]);
        check("{{cliente}}", "{Begoña Ibáñez}", &[], &[]);
        check("fin {", "fin {", &[], &[]);
        check("x}{cliente", "x}{cliente", &[], &[]);
        check("{ {cliente} }", "{ Begoña Ibáñez }", &[], &[]);
        check("cierra } sin abrir", "cierra } sin abrir", &[], &[]);
        check("¿{años}? ¡€!", "¿ocho años? ¡€!", &[], &[]);
    }

    #[test]
    fn a_value_with_braces_is_not_filled_again() {
        let f = fill("{a}", &[("a", "{b}"), ("b", "no")]);
        assert_eq!(f.text, "{b}");
    }
}
