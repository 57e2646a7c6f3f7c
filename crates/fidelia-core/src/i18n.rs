//! The two dictionaries, Spanish (default) and English. They are the only source of the
//! window's words and of the messages errors carry: the window asks for a whole dictionary at
//! start-up and when the language changes; Rust code looks keys up with [`t`].

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "es")]
    Es,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "es" => Some(Lang::Es),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
        }
    }
}

pub type Dictionary = BTreeMap<String, String>;

static ES: LazyLock<Dictionary> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../i18n/es.json")).expect("es.json is valid JSON")
});
static EN: LazyLock<Dictionary> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../i18n/en.json")).expect("en.json is valid JSON")
});

pub fn dictionary(lang: Lang) -> &'static Dictionary {
    match lang {
        Lang::Es => &ES,
        Lang::En => &EN,
    }
}

/// The text for `key` in `lang`; the key itself when missing (a test keeps that from shipping).
pub fn t(lang: Lang, key: &str) -> String {
    dictionary(lang)
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::*;
    use std::path::Path;

    #[test]
    fn both_dictionaries_have_the_same_keys() {
        let es: Vec<_> = ES.keys().collect();
        let en: Vec<_> = EN.keys().collect();
        let only_es: Vec<_> = es.iter().filter(|k| !EN.contains_key(k.as_str())).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !ES.contains_key(k.as_str())).collect();
        assert!(
            only_es.is_empty() && only_en.is_empty(),
            "missing in en: {only_es:?}; missing in es: {only_en:?}"
        );
        assert!(
            ES.values().chain(EN.values()).all(|v| !v.trim().is_empty()),
            "no empty translation"
        );
    }

    /// Every key the code uses must be in the dictionaries: the error keys in this crate's
    /// sources, the words of the closed lists, and the keys the window's files name with
    /// `data-i18n*="key"` or `t("key")`.
    #[test]
    fn every_key_used_is_in_the_dictionaries() {
        let mut used: Vec<String> = Vec::new();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        collect(&root.join("src"), &mut files);
        collect(&root.join("../../ui"), &mut files);
        collect(&root.join("../../src-tauri/src"), &mut files);
        collect(&root.join("../fidelia-store/src"), &mut files);
        assert!(
            files.iter().any(|f| f.ends_with("index.html")),
            "the window's files were scanned"
        );
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            let is_rust = f.extension().is_some_and(|x| x == "rs");
            used.extend(keys_in(&text, is_rust));
        }
        macro_rules! words {
            ($($e:ty),*) => {$( for v in <$e>::ALL { used.push(format!("{}.{}", <$e>::KEY_PREFIX, v.as_str())); } )*};
        }
        words!(
            Channel,
            ConsentHow,
            Species,
            Sex,
            Role,
            VisitKind,
            Severity,
            AppointmentStatus,
            crate::calls::CallKind,
            crate::calls::CallStatus,
            crate::calls::CallOutcome,
            crate::winback::CaseStatus
        );
        // The settings' country list names each country by `country.<ISO code>`.
        used.extend(
            crate::settings::COUNTRIES
                .iter()
                .map(|c| format!("country.{c}")),
        );
        used.sort();
        used.dedup();
        let missing: Vec<_> = used
            .iter()
            .filter(|k| !ES.contains_key(k.as_str()) || !EN.contains_key(k.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "keys used but missing from a dictionary: {missing:?}"
        );
    }

    /// The dictionary keys a source file names: in Rust, `"err.*"` literals; in the window's
    /// files, `data-i18n*="key"` attributes and `t("key")` / `t('key')` calls.
    fn keys_in(text: &str, is_rust: bool) -> Vec<String> {
        let key_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        let mut keys = Vec::new();
        let mut take = |rest: &str, quote: char| {
            let key: String = rest.chars().take_while(|c| key_char(*c)).collect();
            if !key.is_empty() && !key.ends_with('.') && rest[key.len()..].starts_with(quote) {
                keys.push(key);
            }
        };
        if is_rust {
            for (i, _) in text.match_indices("\"err.") {
                take(&text[i + 1..], '"');
            }
            return keys;
        }
        for pat in [
            "data-i18n=\"",
            "data-i18n-placeholder=\"",
            "data-i18n-title=\"",
            "data-i18n-aria-label=\"",
        ] {
            for (i, _) in text.match_indices(pat) {
                take(&text[i + pat.len()..], '"');
            }
        }
        for (i, _) in text.match_indices("t(") {
            let before = text[..i].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.')) {
                continue;
            }
            let rest = &text[i + 2..];
            if let Some(q) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) {
                take(&rest[1..], q);
            }
        }
        keys
    }

    #[test]
    fn the_key_scanner_finds_keys_and_nothing_else() {
        let js = r#"h("p", {}, t("nav.home")); el.dataset; x.split("-"); format(t('a.b')); <b data-i18n="c.d"></b> t(`x.${y}`)"#;
        assert_eq!(keys_in(js, false), ["c.d", "nav.home", "a.b"]);
        let rs = r#"Err("err.email") ; "err." ; expect("valid")"#;
        assert_eq!(keys_in(rs, true), ["err.email"]);
    }

    fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                collect(&p, out);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("rs" | "js" | "html")
            ) {
                out.push(p);
            }
        }
    }

    #[test]
    fn lookup_falls_back_to_the_key() {
        assert_eq!(t(Lang::Es, "err.required"), ES["err.required"]);
        assert_eq!(t(Lang::En, "no.such.key"), "no.such.key");
    }
}
