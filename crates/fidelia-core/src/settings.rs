//! The clinic's settings: who it is, when it opens, which country and language.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::calls::CallRules;
use crate::care::CareRules;
use crate::hours::OpeningHours;
use crate::i18n::Lang;
use crate::loyalty::LoyaltyRules;
use crate::parse;
use crate::records::{FieldError, Invalid};
use crate::surveys::SurveyRules;
use crate::winback::WinbackRules;

/// Countries whose phone numbers the clinic reads without a prefix (import/phone.rs): Spain,
/// the Spanish-speaking countries of Latin America, then a few others. The settings' list shows
/// them in this order (ui/views/settings.js keeps the same list; a test compares them).
pub const COUNTRIES: &[&str] = &[
    "ES", "MX", "AR", "CO", "CL", "PE", "VE", "EC", "BO", "PY", "UY", "CU", "DO", "PR", "GT", "HN",
    "SV", "NI", "CR", "PA", "US", "GB", "FR", "PT", "DE", "IT",
];

/// Largest logo accepted, as a data URL (about 1 MB of image).
const LOGO_MAX: usize = 1_400_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub clinic_name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    /// "" or a `data:image/png;base64,...` / `data:image/jpeg;base64,...` URL.
    pub logo_data_url: String,
    /// Monday first; "" is closed.
    pub opening_hours: [String; 7],
    pub default_country: String,
    /// A folder the practice-management system exports to: a new or changed CSV file there
    /// is imported with the remembered mapping. "" = none.
    pub import_folder: String,
    pub language: Lang,
    /// The clinic holds generated demo data (read-only: set by the demo generator).
    pub demo: bool,
    /// Follow-up call rules (Flow 1).
    pub call_rules: CallRules,
    /// The loyalty review, letters and birthday coupons (Flow 5).
    pub loyalty: LoyaltyRules,
    /// Preventive care: intervals per treatment and species, reminder escalation (Flow 3).
    pub care: CareRules,
    /// Satisfaction surveys: when they fall due, how often a client gets one (Flow 2).
    pub surveys: SurveyRules,
    /// The call screen's script; "" = the dictionary's default. Placeholders: {cliente},
    /// {mascota}, {clinica}, {persona}, {motivo}.
    pub call_script: String,
    /// The clinic's online survey form, sent with each survey with the visit's code; "" = none
    /// (surveys are then asked by phone, and a message that needs the link says so).
    pub survey_link: String,
    /// Winning back lost clients: the lapsed threshold, the recovery window, the reasons for
    /// leaving and when one is a weakness, the call's script (Flow 4).
    pub winback: WinbackRules,
    /// The clinic's own message texts, by `<language>.<kind>` (`es.cuidado_primero`); a kind
    /// without one uses the dictionary's. See [`TEMPLATES`].
    pub templates: BTreeMap<String, String>,
}

/// The message kinds whose text the clinic can write, with the placeholders each may use (in
/// Spanish, as the texts are written; every kind also knows {nombre}, {titulo}, {clinica} and
/// {telefono}).
pub const TEMPLATES: &[(&str, &[&str])] = &[
    ("cuidado_primero", &["lista", "mascotas"]),
    ("cuidado_segundo", &["lista", "mascotas"]),
    ("cita", &["mascota", "fecha", "hora"]),
    ("encuesta", &["mascota", "fecha", "enlace", "codigo"]),
    (
        "cumpleanos",
        &["mascota", "edad", "cupon", "descuento", "caduca"],
    ),
];

/// The placeholders every message kind knows.
pub const COMMON_PLACEHOLDERS: &[&str] = &["nombre", "titulo", "clinica", "telefono"];

/// Longest message text a clinic may write.
const TEMPLATE_MAX: usize = 2000;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clinic_name: "Clínica Veterinaria".into(),
            address: String::new(),
            phone: String::new(),
            email: String::new(),
            logo_data_url: String::new(),
            opening_hours: OpeningHours::typical().to_strings(),
            default_country: "ES".into(),
            import_folder: String::new(),
            language: Lang::Es,
            demo: false,
            call_rules: CallRules::default(),
            call_script: String::new(),
            loyalty: LoyaltyRules::default(),
            care: CareRules::default(),
            surveys: SurveyRules::default(),
            survey_link: String::new(),
            templates: BTreeMap::new(),
            winback: WinbackRules::default(),
        }
    }
}

const DAY_FIELDS: [&str; 7] = [
    "hours0", "hours1", "hours2", "hours3", "hours4", "hours5", "hours6",
];

impl Settings {
    /// Checks settings sent by the window and returns them tidied (hours in canonical form).
    /// `demo` is kept from `current`: the window cannot change it.
    pub fn validate(&self, current: &Settings) -> Result<Settings, Invalid> {
        let mut errors = Vec::new();
        let mut push = |field, key| errors.push(FieldError { field, key });
        let clinic_name = self.clinic_name.trim().to_owned();
        if clinic_name.is_empty() {
            push("clinicName", "err.required");
        }
        let phone = match self.phone.trim() {
            "" => String::new(),
            p => parse::phone(p).unwrap_or_else(|e| {
                push("phone", e);
                String::new()
            }),
        };
        let email = match self.email.trim() {
            "" => String::new(),
            e => parse::email(e).unwrap_or_else(|k| {
                push("email", k);
                String::new()
            }),
        };
        let logo = self.logo_data_url.trim();
        let logo_ok = logo.is_empty()
            || ((logo.starts_with("data:image/png;base64,")
                || logo.starts_with("data:image/jpeg;base64,"))
                && logo.len() <= LOGO_MAX);
        if !logo_ok {
            push("logo", "err.logo");
        }
        let mut hours: [String; 7] = Default::default();
        for (i, d) in self.opening_hours.iter().enumerate() {
            match crate::hours::parse_day(d) {
                Ok(r) => hours[i] = crate::hours::format_day(&r),
                Err(k) => push(DAY_FIELDS[i], k),
            }
        }
        let country = self.default_country.trim().to_uppercase();
        if !COUNTRIES.contains(&country.as_str()) {
            push("defaultCountry", "err.country");
        }
        let call_rules = match self.call_rules.validate() {
            Ok(r) => r,
            Err(Invalid(e)) => {
                errors.extend(e);
                CallRules::default()
            }
        };
        let loyalty = match self.loyalty.validate() {
            Ok(r) => r,
            Err(Invalid(e)) => {
                errors.extend(e);
                LoyaltyRules::default()
            }
        };
        if let Err(Invalid(e)) = self.care.validate() {
            errors.extend(e);
        }
        if let Err(Invalid(e)) = self.surveys.validate() {
            errors.extend(e);
        }
        if let Err(Invalid(e)) = self.winback.validate() {
            errors.extend(e);
        }
        if self.call_script.chars().count() > 4000 {
            errors.push(FieldError {
                field: "callScript",
                key: "err.too_long",
            });
        }
        let survey_link = self.survey_link.trim().to_owned();
        if !(survey_link.is_empty()
            || (survey_link.starts_with("https://") && !survey_link.contains(char::is_whitespace)))
        {
            errors.push(FieldError {
                field: "surveyLink",
                key: "err.survey_link",
            });
        }
        let mut templates = BTreeMap::new();
        for (key, text) in &self.templates {
            let text = text.trim();
            if text.is_empty() {
                continue; // back to the dictionary's text
            }
            let kind = key.split_once('.').map(|(_, k)| k).unwrap_or("");
            let Some((_, own)) = TEMPLATES.iter().find(|(k, _)| *k == kind) else {
                errors.push(FieldError {
                    field: "templates",
                    key: "err.choice",
                });
                continue;
            };
            let unknown = crate::template::fill(text, &[])
                .unknown
                .iter()
                .any(|p| !own.contains(&p.as_str()) && !COMMON_PLACEHOLDERS.contains(&p.as_str()));
            if unknown || text.chars().count() > TEMPLATE_MAX {
                errors.push(FieldError {
                    field: "templates",
                    key: if unknown {
                        "err.template_unknown"
                    } else {
                        "err.too_long"
                    },
                });
            }
            templates.insert(key.clone(), text.to_owned());
        }
        if !errors.is_empty() {
            return Err(Invalid(errors));
        }
        Ok(Settings {
            clinic_name,
            address: self.address.trim().to_owned(),
            phone,
            email,
            logo_data_url: logo.to_owned(),
            opening_hours: hours,
            default_country: country,
            // Set with its own action (Settings → Importar), which checks the folder.
            import_folder: current.import_folder.clone(),
            language: self.language,
            demo: current.demo,
            call_rules,
            call_script: self.call_script.trim().to_owned(),
            loyalty,
            care: self.care.clone(),
            surveys: self.surveys.clone(),
            survey_link,
            templates,
            winback: WinbackRules {
                reasons: self
                    .winback
                    .reasons
                    .iter()
                    .map(|r| r.trim().to_owned())
                    .collect(),
                script: self.winback.script.trim().to_owned(),
                ..self.winback.clone()
            },
        })
    }

    /// The text of a message kind in the clinic's language: the clinic's own, else the
    /// dictionary's (`message.<kind>`).
    pub fn template(&self, kind: &str) -> String {
        self.templates
            .get(&format!("{}.{kind}", self.language.as_str()))
            .filter(|t| !t.trim().is_empty())
            .cloned()
            .unwrap_or_else(|| crate::i18n::t(self.language, &format!("message.{kind}")))
    }

    pub fn hours(&self) -> OpeningHours {
        OpeningHours::parse(&self.opening_hours).unwrap_or_else(|_| OpeningHours::typical())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_tidied_and_demo_cannot_be_changed_from_the_window() {
        let current = Settings {
            demo: true,
            ..Settings::default()
        };
        let mut s = Settings {
            clinic_name: " Clínica Peña ".into(),
            default_country: "es".into(),
            ..Settings::default()
        };
        s.opening_hours[6] = "cerrado".into();
        s.opening_hours[0] = "17:00-20:30,10:00-14:00".into();
        let v = s.validate(&current).unwrap();
        assert_eq!(v.clinic_name, "Clínica Peña");
        assert_eq!(v.default_country, "ES");
        assert_eq!(v.opening_hours[0], "10:00-14:00, 17:00-20:30");
        assert_eq!(v.opening_hours[6], "");
        assert!(v.demo, "demo is read-only");
    }

    #[test]
    fn every_bad_setting_is_reported() {
        let mut s = Settings {
            clinic_name: "".into(),
            phone: "9x".into(),
            email: "a@".into(),
            default_country: "XX".into(),
            ..Settings::default()
        };
        s.opening_hours[4] = "20:00-10:00".into();
        s.logo_data_url = "data:text/html;base64,PHA+".into();
        let e = s.validate(&Settings::default()).unwrap_err();
        for (f, k) in [
            ("clinicName", "err.required"),
            ("phone", "err.phone_letters"),
            ("email", "err.email"),
            ("defaultCountry", "err.country"),
            ("hours4", "err.hours_order"),
            ("logo", "err.logo"),
        ] {
            assert!(e.has(f, k), "{f} {k}: {e:?}");
        }
    }

    /// The window offers the same countries, in the same order.
    #[test]
    fn the_windows_country_list_is_this_one() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/views/settings.js");
        let js = std::fs::read_to_string(path).unwrap();
        let start = js
            .find("export const COUNTRIES = [")
            .expect("the list in settings.js");
        let list = &js[start..];
        let list = &list[list.find('[').unwrap() + 1..list.find(']').unwrap()];
        let codes: Vec<&str> = list
            .split(',')
            .map(|c| c.trim().trim_matches('"'))
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(codes, COUNTRIES);
    }
}
