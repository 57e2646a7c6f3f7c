//! Satisfaction surveys (Flow 2): when a visit's survey is due, whom it may go to, and what a
//! poor answer is. Pure rules; "now" is passed in.
//!
//! A survey is sent by reception while the clinic is open: it falls due at the first opening at
//! least `min_hours` after the visit (so a Friday evening visit is asked about on Monday morning,
//! not on Sunday), at most one per client every `per_client_days` days, and never after a death.

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::hours::OpeningHours;
use crate::import::{read, ImportError};
use crate::records::{FieldError, Invalid, StaffId};
use crate::text::fold;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SurveyRules {
    /// The survey waits at least this long after the visit (the pet is home, the owner has seen
    /// how it goes).
    pub min_hours: u32,
    /// Past this, a survey not sent is dropped (memories fade; the owner would not remember).
    pub max_hours: u32,
    /// At most one survey per client in this many days.
    pub per_client_days: u32,
}

impl Default for SurveyRules {
    fn default() -> Self {
        SurveyRules {
            min_hours: 24,
            max_hours: 96,
            per_client_days: 30,
        }
    }
}

/// The moment of the visit a question is about ("moments of truth").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Moment {
    Before,
    During,
    After,
}

/// The questions, each 1–5, with the moment it is about; then recommend 0–10 and a comment.
pub const QUESTIONS: &[(&str, Moment)] = &[
    ("overall", Moment::After),
    ("care", Moment::During),
    ("facilities", Moment::During),
    ("availability", Moment::Before),
    ("cleanliness", Moment::During),
];

/// A survey's answers as the form (or an imported row) gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Answers {
    /// One per [`QUESTIONS`], in order; `None` = not answered.
    pub scores: Vec<Option<u8>>,
    pub recommend: Option<u8>,
    pub comment: String,
}

impl SurveyRules {
    /// When a visit's survey falls due: the first opening slot at least `min_hours` after the
    /// visit (never before `now`); `None` once `max_hours` have passed since the visit.
    pub fn due_at<Tz: TimeZone>(
        &self,
        visit_at: DateTime<Utc>,
        now: DateTime<Utc>,
        hours: &OpeningHours,
        tz: &Tz,
    ) -> Option<DateTime<Utc>> {
        let earliest = visit_at + Duration::hours(self.min_hours as i64);
        let due = hours.next_slot(tz, earliest.max(now), Duration::minutes(5));
        (due <= visit_at + Duration::hours(self.max_hours as i64)).then_some(due)
    }

    /// Whether a client may get a survey at `now`, given when they last got one.
    pub fn allowed(&self, last_survey: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        last_survey.is_none_or(|t| now - t >= Duration::days(self.per_client_days as i64))
    }

    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Vec::new();
        if !(1..=168).contains(&self.min_hours) {
            errs.push(FieldError {
                field: "surveyMinHours",
                key: "err.survey_hours",
            });
        }
        if self.max_hours < self.min_hours || self.max_hours > 336 {
            errs.push(FieldError {
                field: "surveyMaxHours",
                key: "err.survey_hours",
            });
        }
        if self.per_client_days > 365 {
            errs.push(FieldError {
                field: "surveyPerClientDays",
                key: "err.care_days",
            });
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(Invalid(errs))
        }
    }
}

impl Answers {
    /// Every score in range (1–5, recommend 0–10), the comment not too long.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Vec::new();
        if self.scores.len() != QUESTIONS.len()
            || self.scores.iter().flatten().any(|s| !(1..=5).contains(s))
        {
            errs.push(FieldError {
                field: "scores",
                key: "err.survey_score",
            });
        }
        if self.recommend.is_some_and(|r| r > 10) {
            errs.push(FieldError {
                field: "recommend",
                key: "err.survey_recommend",
            });
        }
        if self.comment.chars().count() > 4000 {
            errs.push(FieldError {
                field: "comment",
                key: "err.too_long",
            });
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(Invalid(errs))
        }
    }

    /// Nothing answered at all.
    pub fn is_empty(&self) -> bool {
        self.scores.iter().all(Option::is_none)
            && self.recommend.is_none()
            && self.comment.trim().is_empty()
    }

    /// A poor answer reaches the owner: any score of 2 or less, or recommend 6 or less.
    pub fn is_poor(&self) -> bool {
        self.scores.iter().flatten().any(|s| *s <= 2) || self.recommend.is_some_and(|r| r <= 6)
    }
}

// ---------------------------------------------------------------- survey codes

/// The letters of a survey code: no 0/O, 1/I/L, nor U (Crockford's base 32), so a code read
/// over the phone or typed from a paper form is not misread.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The short code of a visit's survey (6 characters): the visit id scrambled by an invertible
/// multiplication modulo 2^30, so codes are unique, not sequential, and need no table to find.
pub fn code_for(visit_id: i64) -> String {
    let x = (visit_id as u64).wrapping_mul(0x2545_F491) & ((1 << 30) - 1);
    (0..6)
        .rev()
        .map(|i| CODE_ALPHABET[((x >> (5 * i)) & 31) as usize] as char)
        .collect()
}

/// A code as typed: capitals, spaces and dashes dropped, and the letters people confuse
/// (O, I, L) read as the digits they look like. `None` when it cannot be a code.
pub fn normalize_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    (code.len() == 6 && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

// ---------------------------------------------------------------- the form

/// How an answer reached the clinic.
pub const VIA: &[&str] = &["telefono", "formulario", "importado"];

/// A survey answered in the app (by phone, or typed from a form), by the survey's code.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SurveyForm {
    pub code: String,
    #[serde(flatten)]
    pub answers: Answers,
    /// `telefono` or `formulario`.
    pub via: String,
    pub staff_id: Option<StaffId>,
}

impl SurveyForm {
    /// The code normalized and the answers checked; at least one answer is required.
    pub fn validate(&self) -> Result<(String, &Answers), Invalid> {
        let mut errs = match self.answers.validate() {
            Ok(()) => Vec::new(),
            Err(Invalid(e)) => e,
        };
        let code = normalize_code(&self.code);
        if code.is_none() {
            errs.push(FieldError {
                field: "code",
                key: "err.survey_code",
            });
        }
        if self.answers.is_empty() {
            errs.push(FieldError {
                field: "scores",
                key: "err.survey_empty",
            });
        }
        if !VIA[..2].contains(&self.via.as_str()) {
            errs.push(FieldError {
                field: "via",
                key: "err.choice",
            });
        }
        match code {
            Some(code) if errs.is_empty() => Ok((code, &self.answers)),
            _ => Err(Invalid(errs)),
        }
    }
}

// ---------------------------------------------------------------- the online form's CSV

/// One row of an online form's export (Google Forms, Microsoft Forms): the code and the answers,
/// or why the row cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRow {
    /// The file's line (the header is line 1).
    pub line: u64,
    pub result: Result<(String, Answers), RowProblem>,
}

/// Why an imported answer was rejected: the column, the value, and the i18n key of the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub column: String,
    pub value: String,
    pub key: &'static str,
}

/// Which column holds what, found from the question titles (either language, any accents):
/// the forms export one column per question, titled with the question as written.
#[derive(Debug, Default)]
struct AnswerColumns {
    code: Option<usize>,
    scores: [Option<usize>; 5],
    recommend: Option<usize>,
    comment: Option<usize>,
}

/// Words that identify each column in a question's title (folded: lower case, no accents).
const CODE_WORDS: &[&str] = &["codigo", "code"];
const SCORE_WORDS: [&[&str]; 5] = [
    &["general", "overall", "global"],
    &["atencion", "trato", "tratamiento", "care", "treatment"],
    &["instalaciones", "facilities"],
    &["disponibilidad", "availability", "horario"],
    &["limpieza", "orden", "clean"],
];
const RECOMMEND_WORDS: &[&str] = &["recomend", "recommend"];
const COMMENT_WORDS: &[&str] = &["comentario", "comment", "sugerencia", "observaciones"];

fn find(headers: &[String], words: &[&str], taken: &[usize]) -> Option<usize> {
    headers
        .iter()
        .enumerate()
        .find(|(i, h)| !taken.contains(i) && words.iter().any(|w| h.contains(w)))
        .map(|(i, _)| i)
}

impl AnswerColumns {
    fn detect(headers: &[String]) -> AnswerColumns {
        let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
        let mut taken = Vec::new();
        let pick = |words: &[&str], taken: &mut Vec<usize>| {
            let i = find(&folded, words, taken);
            taken.extend(i);
            i
        };
        // The most specific first: "recomendaría" and "código" before the scores, whose words
        // ("general") a longer question might also contain.
        let code = pick(CODE_WORDS, &mut taken);
        let recommend = pick(RECOMMEND_WORDS, &mut taken);
        let comment = pick(COMMENT_WORDS, &mut taken);
        let mut scores = [None; 5];
        for (i, words) in SCORE_WORDS.iter().enumerate() {
            scores[i] = pick(words, &mut taken);
        }
        AnswerColumns {
            code,
            scores,
            recommend,
            comment,
        }
    }
}

/// A score as a form writes it: "4", "4 - Bien", "4/5", "★★★★" (Microsoft Forms' rating), or
/// empty (not answered).
fn score(cell: &str, max: u8) -> Result<Option<u8>, ()> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    let stars = cell.chars().filter(|c| *c == '★').count();
    let n: u32 = if stars > 0 {
        stars as u32
    } else {
        let digits: String = cell.chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().map_err(|_| ())?
    };
    u8::try_from(n)
        .ok()
        .filter(|n| *n <= max)
        .map(Some)
        .ok_or(())
}

/// Reads an online form's export (UTF-8 or Windows-1252; `,` `;` or tab): one row per answer,
/// each with its survey code. A file without a code column cannot be used at all.
pub fn read_answers(bytes: &[u8]) -> Result<Vec<AnswerRow>, ImportError> {
    let encoding = read::detect_encoding(bytes)?;
    let separator = read::detect_separator(&read::first_line(bytes, encoding)?);
    let mut rdr = read::csv_reader(bytes, encoding, separator);
    let mut records = rdr.records();
    let headers: Vec<String> = match records.next() {
        Some(rec) => rec?.iter().map(|h| h.trim().to_owned()).collect(),
        None => return Err(ImportError::Empty),
    };
    let cols = AnswerColumns::detect(&headers);
    let Some(code_col) = cols.code else {
        return Err(ImportError::NoCodeColumn);
    };
    let mut out = Vec::new();
    for rec in records {
        let rec = rec?;
        if read::is_blank(&rec) {
            continue;
        }
        let line = read::record_line(&rec);
        let cell = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("").trim();
        let problem = |i: Option<usize>, key| RowProblem {
            column: i.map(|i| headers[i].clone()).unwrap_or_default(),
            value: cell(i).to_owned(),
            key,
        };
        let result = (|| {
            let code = normalize_code(cell(Some(code_col)))
                .ok_or(problem(Some(code_col), "err.survey_code"))?;
            let mut scores = Vec::with_capacity(5);
            for col in cols.scores {
                scores.push(score(cell(col), 5).map_err(|_| problem(col, "err.survey_score"))?);
            }
            if scores.iter().flatten().any(|s| *s == 0) {
                let col = cols.scores[scores.iter().position(|s| *s == Some(0)).unwrap_or(0)];
                return Err(problem(col, "err.survey_score"));
            }
            let recommend = score(cell(cols.recommend), 10)
                .map_err(|_| problem(cols.recommend, "err.survey_recommend"))?;
            let answers = Answers {
                scores,
                recommend,
                comment: cell(cols.comment).to_owned(),
            };
            if answers.is_empty() {
                return Err(problem(Some(code_col), "err.survey_empty"));
            }
            answers
                .validate()
                .map_err(|_| problem(cols.comment, "err.too_long"))?;
            Ok((code, answers))
        })();
        out.push(AnswerRow { line, result });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_clock::local;
    use chrono_tz::Europe::Madrid;

    /// Mon–Fri 09:30–14:00 and 17:00–20:30, Saturday 10:00–14:00, closed Sunday.
    fn typical() -> OpeningHours {
        OpeningHours::typical()
    }

    #[test]
    fn a_survey_falls_due_a_day_later_at_an_opening() {
        let r = SurveyRules::default();
        // Tuesday 11:00 → Wednesday 11:00, open.
        let visit = local(2026, 11, 24, 11, 0);
        assert_eq!(
            r.due_at(visit, visit, &typical(), &Madrid),
            Some(local(2026, 11, 25, 11, 0))
        );
        // Tuesday 15:00 → Wednesday 15:00 is the lunch break: 17:00.
        let visit = local(2026, 11, 24, 15, 0);
        assert_eq!(
            r.due_at(visit, visit, &typical(), &Madrid),
            Some(local(2026, 11, 25, 17, 0))
        );
    }

    #[test]
    fn across_a_weekend_the_survey_waits_for_monday() {
        let r = SurveyRules::default();
        // Friday 19:00 → Saturday 19:00 (closed at 14:00) → Sunday closed → Monday 09:30.
        let visit = local(2026, 11, 27, 19, 0);
        assert_eq!(
            r.due_at(visit, visit, &typical(), &Madrid),
            Some(local(2026, 11, 30, 9, 30))
        );
    }

    #[test]
    fn a_closed_monday_moves_it_to_tuesday_and_past_the_window_it_is_dropped() {
        let r = SurveyRules::default();
        let mut days = typical().to_strings();
        days[0] = String::new(); // closed on Mondays
        let hours = OpeningHours::parse(&days).unwrap();
        // Saturday 13:00 → Sunday 13:00 closed → Monday closed → Tuesday 09:30 (68.5 h).
        let visit = local(2026, 11, 28, 13, 0);
        assert_eq!(
            r.due_at(visit, visit, &hours, &Madrid),
            Some(local(2026, 12, 1, 9, 30))
        );
        let tight = SurveyRules { max_hours: 48, ..r };
        assert_eq!(
            tight.due_at(visit, visit, &hours, &Madrid),
            None,
            "beyond the window: no survey rather than a late one"
        );
    }

    #[test]
    fn one_survey_per_client_per_30_days() {
        let r = SurveyRules::default();
        let now = local(2026, 11, 24, 11, 0);
        assert!(r.allowed(None, now));
        assert!(!r.allowed(Some(now - Duration::days(29)), now));
        assert!(r.allowed(Some(now - Duration::days(30)), now));
    }

    #[test]
    fn a_poor_answer_is_any_score_of_two_or_recommend_six() {
        let a = |scores: [u8; 5], recommend| Answers {
            scores: scores.iter().map(|s| Some(*s)).collect(),
            recommend: Some(recommend),
            comment: String::new(),
        };
        assert!(!a([5, 5, 4, 4, 3], 9).is_poor());
        assert!(a([5, 5, 2, 4, 3], 9).is_poor(), "facilities 2");
        assert!(a([5, 5, 5, 5, 5], 6).is_poor(), "recommend 6");
        assert!(!a([5, 5, 5, 5, 5], 7).is_poor());
        assert!(a([5, 5, 5, 5, 5], 4).validate().is_ok());
        assert!(
            a([5, 5, 6, 5, 5], 4).validate().is_err(),
            "scores are 1 to 5"
        );
        assert!(
            a([5, 5, 5, 5, 5], 11).validate().is_err(),
            "recommend is 0 to 10"
        );
        let unanswered = Answers {
            scores: vec![None; 5],
            ..Default::default()
        };
        assert!(unanswered.validate().is_ok() && !unanswered.is_poor());
    }

    #[test]
    fn survey_codes_are_unique_short_and_forgiving() {
        let codes: std::collections::HashSet<String> = (1..=200_000).map(code_for).collect();
        assert_eq!(codes.len(), 200_000, "unique");
        let c = code_for(42);
        assert_eq!(c.len(), 6);
        assert_ne!(code_for(43)[..4], c[..4], "not sequential-looking");
        assert_eq!(normalize_code(&c.to_lowercase()), Some(c.clone()));
        assert_eq!(
            normalize_code(" ab-c d1o "),
            Some("ABCD10".into()),
            "spaces, dashes, O read as 0"
        );
        assert_eq!(normalize_code("ABCDEU"), None, "U is not in a code");
        assert_eq!(normalize_code("ABC"), None);
    }

    #[test]
    fn a_google_forms_export_is_read_by_its_question_titles() {
        let csv = "Marca temporal,Código de la visita,Valoración general,Atención y tratamiento,Instalaciones,Disponibilidad de citas,Limpieza y orden,¿Con qué probabilidad nos recomendaría? (0-10),Comentario\n\
                   2026/11/26 10:02:11 p. m. CET,abc-d10,5,5,4,4,5,9,Muy bien\n\
                   2026/11/26 11:00:00 p. m. CET,ABCD11,2,3,,4,5,4,\"Esperamos mucho, \"\"una hora\"\"\"\n\
                   2026/11/27 9:00:00 a. m. CET,ZZ,5,5,5,5,5,10,\n\
                   2026/11/27 9:10:00 a. m. CET,ABCD12,7,5,5,5,5,10,\n";
        let rows = read_answers(csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 4);
        let (code, a) = rows[0].result.clone().unwrap();
        assert_eq!(code, "ABCD10");
        assert_eq!(a.scores, [Some(5), Some(5), Some(4), Some(4), Some(5)]);
        assert_eq!((a.recommend, a.comment.as_str()), (Some(9), "Muy bien"));
        let (_, poor) = rows[1].result.clone().unwrap();
        assert_eq!(poor.scores[2], None, "an unanswered question");
        assert_eq!(poor.comment, "Esperamos mucho, \"una hora\"");
        assert!(poor.is_poor());
        let bad = rows[2].result.clone().unwrap_err();
        assert_eq!((bad.key, bad.value.as_str()), ("err.survey_code", "ZZ"));
        assert_eq!(rows[2].line, 4);
        let bad = rows[3].result.clone().unwrap_err();
        assert_eq!(
            (bad.key, bad.column.as_str()),
            ("err.survey_score", "Valoración general")
        );
    }

    #[test]
    fn a_microsoft_forms_export_with_semicolons_and_stars() {
        let csv = "ID;Hora de inicio;Hora de finalización;Correo electrónico;Nombre;Code of the visit;Overall;Care and treatment;Facilities;Availability;Cleanliness;How likely are you to recommend us?;Comments\r\n\
                   1;26/11/2026 9:00;26/11/2026 9:01;anonymous;;ABCD10;★★★★★;★★★★;★★★;★★★★;★★★★★;8;\r\n";
        let rows = read_answers(csv.as_bytes()).unwrap();
        let (code, a) = rows[0].result.clone().unwrap();
        assert_eq!(code, "ABCD10");
        assert_eq!(a.scores, [Some(5), Some(4), Some(3), Some(4), Some(5)]);
        assert_eq!(a.recommend, Some(8));
        assert!(matches!(
            read_answers("Nombre,Valoración\nAna,5\n".as_bytes()),
            Err(ImportError::NoCodeColumn)
        ));
    }
}
