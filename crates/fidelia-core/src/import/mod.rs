//! Importing the clinic's records from its practice-management system's CSV exports.
//!
//! The domain half of the import (no database): reading files the way Excel writes them
//! ([`read`]), what each column means ([`fields`]), one row to records ([`row`]), phones to
//! E.164 ([`phone`]), and the preview / report shapes with the report as CSV. The store
//! (`fidelia_store::import`) matches the rows on source ids and writes them in one transaction.

pub mod fields;
pub mod phone;
pub mod read;
pub mod row;

use std::io::{self, Read};

use serde::{Deserialize, Serialize};

pub use fields::{Field, Shape};
pub use read::Encoding;

use crate::i18n::{t, Lang};
use crate::text::{fold, spreadsheet_cell};

/// The kinds of the `preventive_treatments` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TreatmentKind {
    #[serde(rename = "vacuna")]
    Vaccine,
    #[serde(rename = "desparasitacion_interna")]
    InternalDeworming,
    #[serde(rename = "desparasitacion_externa")]
    ExternalDeworming,
    #[serde(rename = "otro")]
    Other,
}

impl TreatmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TreatmentKind::Vaccine => "vacuna",
            TreatmentKind::InternalDeworming => "desparasitacion_interna",
            TreatmentKind::ExternalDeworming => "desparasitacion_externa",
            TreatmentKind::Other => "otro",
        }
    }
    /// From the stored word (`"vacuna"`, …).
    pub fn parse(s: &str) -> Option<TreatmentKind> {
        [
            TreatmentKind::Vaccine,
            TreatmentKind::InternalDeworming,
            TreatmentKind::ExternalDeworming,
            TreatmentKind::Other,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// From the export's words; empty is a vaccine (the file is a vaccinations export).
    pub fn from_text(s: &str) -> TreatmentKind {
        let f = fold(s);
        let has = |set: &[&str]| f.split(' ').any(|w| set.contains(&w));
        if f.is_empty()
            || has(&[
                "vacuna",
                "vacunacion",
                "vaccine",
                "vaccination",
                "rabia",
                "polivalente",
            ])
        {
            TreatmentKind::Vaccine
        } else if has(&["interna", "internal", "interno", "antiparasitario"])
            && !has(&["externa", "external"])
        {
            TreatmentKind::InternalDeworming
        } else if has(&["externa", "external", "pipeta", "collar", "antipulgas"]) {
            TreatmentKind::ExternalDeworming
        } else {
            TreatmentKind::Other
        }
    }
}

/// Which column holds what, and the file's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mapping {
    pub headers: Vec<String>,
    pub fields: Vec<Field>,
    pub shape: Shape,
}

impl Mapping {
    /// The first column holding `f`.
    pub fn column(&self, f: Field) -> Option<usize> {
        self.fields.iter().position(|x| *x == f)
    }
    pub fn columns(&self, f: Field) -> impl Iterator<Item = usize> + '_ {
        self.fields
            .iter()
            .enumerate()
            .filter(move |(_, x)| **x == f)
            .map(|(i, _)| i)
    }
    pub fn has(&self, f: Field) -> bool {
        self.fields.contains(&f)
    }
    /// Required columns absent for this shape.
    pub fn missing(&self) -> Vec<Field> {
        self.shape.missing(|f| self.has(f))
    }
    /// The file carries visits: a visits file, or one row per visit with visit columns.
    pub fn has_visits(&self) -> bool {
        match self.shape {
            Shape::Visits => true,
            Shape::Combined => fields::VISIT_FIELDS.iter().any(|f| self.has(*f)),
            _ => false,
        }
    }
    /// Whether the visits' kinds are read from their reasons with this choice: `None` when
    /// there is nothing to decide (a visit-type column is mapped, or there are no visits or no
    /// reasons to read).
    pub fn kind_inferred(&self, infer_kind: bool) -> Option<bool> {
        (self.has_visits() && !self.has(Field::VisitKind) && self.has(Field::Reason))
            .then_some(infer_kind)
    }
    pub fn header(&self, column: Option<usize>) -> String {
        column
            .and_then(|i| self.headers.get(i))
            .cloned()
            .unwrap_or_default()
    }
}

/// Where the mapping in use came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MappingSource {
    Detected,
    Remembered,
    Given,
}

/// What the caller may set; everything else is detected. A field left out of the JSON takes
/// its value from [`ImportOptions::default`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ImportOptions {
    pub encoding: Option<Encoding>,
    /// `;`, `,` or tab.
    pub separator: Option<char>,
    /// One field per column, in the header's order (from the preview, possibly changed).
    pub fields: Option<Vec<Field>>,
    pub shape: Option<Shape>,
    /// Overwrite records entered or edited by hand in Fidelia.
    pub overwrite_manual: bool,
    /// Remember this file's mapping for the next file with the same headers (on import).
    pub remember_mapping: bool,
    /// The country for phones without a prefix (Settings.default_country); "" = settings'.
    pub default_country: String,
    /// Without a visit-type column, the kind of each visit is read from its reason's words
    /// ([`row::infer_visit_kind`]); off, every such visit is a consultation. On by default.
    pub infer_kind: bool,
    /// The bulk path (indexes set aside and rebuilt) or the row path; `None`: the bulk path
    /// for large files. Both write the same records; tests and benchmarks choose.
    #[serde(skip)]
    pub bulk: Option<bool>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            encoding: None,
            separator: None,
            fields: None,
            shape: None,
            overwrite_manual: false,
            remember_mapping: false,
            default_country: String::new(),
            infer_kind: true,
            bulk: None,
        }
    }
}

/// The file-level facts: encoding, separator, headers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileHead {
    pub encoding: Encoding,
    /// With [`Encoding::Mixed`]: the lines read as Windows-1252 (their accents to check).
    pub odd_lines: OddLines,
    pub separator: char,
    pub headers: Vec<String>,
    pub signature: String,
}

/// Lines of a UTF-8 file that were not UTF-8, read as Windows-1252: how many, and the first
/// few (physical lines, the header is 1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OddLines {
    pub count: u64,
    pub first: Vec<u64>,
}

/// Reads a file's encoding, separator and header. `open` opens the file from its start (it is
/// called more than once: the file is streamed, never held).
pub fn read_head<R: Read>(
    open: &mut dyn FnMut() -> io::Result<R>,
    opts: &ImportOptions,
) -> Result<FileHead, ImportError> {
    // Scanned when detecting, and for a mixed file every time (its odd lines are shown).
    let scan = match opts.encoding {
        None | Some(Encoding::Mixed) => Some(read::scan_encoding(open()?)?),
        Some(_) => None,
    };
    let encoding = opts
        .encoding
        .or(scan.as_ref().map(|s| s.encoding()))
        .unwrap_or(Encoding::Utf8);
    let odd_lines = match (&scan, encoding) {
        (Some(s), Encoding::Mixed) => OddLines {
            count: s.invalid_lines,
            first: s.first_invalid.clone(),
        },
        _ => OddLines::default(),
    };
    let separator = match opts.separator {
        Some(c) if c.is_ascii() => c as u8,
        Some(_) => return Err(ImportError::BadMapping),
        None => read::detect_separator(&read::first_line(open()?, encoding)?),
    };
    let mut rdr = read::csv_reader(open()?, encoding, separator);
    let mut rec = csv::StringRecord::new();
    if !rdr.read_record(&mut rec)? || read::is_blank(&rec) {
        return Err(ImportError::Empty);
    }
    let headers: Vec<String> = rec.iter().map(|h| h.trim().to_owned()).collect();
    let signature = fields::signature(&headers);
    Ok(FileHead {
        encoding,
        odd_lines,
        separator: separator as char,
        headers,
        signature,
    })
}

/// A file-level problem: nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file could not be read: {0}")]
    Io(#[from] io::Error),
    #[error("CSV error: {0}")]
    Csv(#[from] csv::Error),
    #[error("the file is empty")]
    Empty,
    #[error("required columns missing: {0:?}")]
    MissingColumns(Vec<Field>),
    #[error("the mapping does not match the file's columns")]
    BadMapping,
    #[error("cancelled")]
    Cancelled,
    #[error("no column holds the survey code")]
    NoCodeColumn,
    #[error("the file is too large")]
    TooLarge,
}

impl ImportError {
    /// The i18n key of the message.
    pub fn key(&self) -> &'static str {
        match self {
            ImportError::Io(_) | ImportError::Csv(_) => "err.import_file",
            ImportError::Empty => "err.import_empty",
            ImportError::MissingColumns(_) => "err.import_missing_column",
            ImportError::BadMapping => "err.import_mapping",
            ImportError::Cancelled => "err.import_cancelled",
            ImportError::NoCodeColumn => "err.survey_no_code",
            ImportError::TooLarge => "err.import_too_large",
        }
    }
    /// The message in plain words; a missing column is named ("Falta la columna obligatoria
    /// «Código de cliente»…").
    pub fn message(&self, lang: Lang) -> String {
        let text = t(lang, self.key());
        match self {
            ImportError::MissingColumns(fields) => {
                let names: Vec<String> = fields
                    .iter()
                    .map(|f| format!("«{}»", field_label(*f, lang)))
                    .collect();
                text.replace("{column}", &names.join(", "))
            }
            _ => text,
        }
    }
}

/// A field's name in the clinic's language.
pub fn field_label(f: Field, lang: Lang) -> String {
    t(lang, &format!("{}.{}", Field::KEY_PREFIX, f.as_str()))
}

/// One column as the preview shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnPreview {
    pub index: usize,
    pub header: String,
    pub field: Field,
    /// The first data rows' values, to help the user decide.
    pub samples: Vec<String>,
}

/// Created / updated / unchanged / kept (edited by hand, not overwritten) for one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Records entered or edited by hand in Fidelia that the file would have changed.
    pub kept_manual: u64,
}

/// A rejected row's problem: line (the physical line the record starts on; header = 1),
/// column (header name, "" for the whole row), the value, and the reason's i18n key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectedRow {
    pub line: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

/// How many problems a report keeps in detail (all rejected rows are counted).
pub const REJECTED_KEPT: usize = 1000;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Report {
    /// Nothing was saved (preview or `--dry-run`).
    pub dry_run: bool,
    pub rows_total: u64,
    pub rows_imported: u64,
    pub rows_rejected: u64,
    pub clients: Counts,
    pub pets: Counts,
    pub visits: Counts,
    pub appointments: Counts,
    pub vaccinations: Counts,
    pub staff_created: u64,
    /// Phones kept as typed because they could not be read.
    pub phones_flagged: u64,
    /// The first `REJECTED_KEPT` problems, in file order.
    pub rejected: Vec<RejectedRow>,
    /// Problems beyond those kept.
    pub rejected_more: u64,
}

impl Report {
    pub fn push_rejected(&mut self, r: RejectedRow) {
        if self.rejected.len() < REJECTED_KEPT {
            self.rejected.push(r);
        } else {
            self.rejected_more += 1;
        }
    }
    pub fn created(&self) -> u64 {
        [
            self.clients,
            self.pets,
            self.visits,
            self.appointments,
            self.vaccinations,
        ]
        .iter()
        .map(|c| c.created)
        .sum()
    }
}

/// What the preview shows before anything is written.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub encoding: Encoding,
    pub odd_lines: OddLines,
    pub separator: char,
    pub shape: Shape,
    pub signature: String,
    pub mapping_source: MappingSource,
    pub columns: Vec<ColumnPreview>,
    /// Required columns not found: the import would stop before writing anything.
    pub missing: Vec<Field>,
    /// Without a visit-type column: whether the visits' kinds are read from their reasons
    /// (`true`) or all consultations (`false`); `null` when there is nothing to decide
    /// ([`Mapping::kind_inferred`]).
    pub kind_inferred: Option<bool>,
    /// The outcome of a dry run (nothing written); empty when columns are missing. For a large
    /// file, of its first rows only (`partial`).
    pub report: Report,
    /// The data rows the file holds: counted when the dry run read them all, else estimated
    /// from the file's size.
    pub rows_estimate: u64,
    /// The dry run stopped after the first rows (`report.rows_total` of about `rows_estimate`).
    pub partial: bool,
}

/// The report's rejected rows as CSV (`;`, UTF-8 with BOM so Excel opens it with accents):
/// line, column, value, reason in the clinic's language.
pub fn report_csv(report: &Report, lang: Lang) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let head = [
        "import.csv.line",
        "import.csv.column",
        "import.csv.value",
        "import.csv.reason",
    ]
    .map(|k| t(lang, k));
    w.write_record(&head).expect("writing to memory");
    for r in &report.rejected {
        w.write_record([
            r.line.to_string(),
            spreadsheet_cell(&r.column).into_owned(),
            spreadsheet_cell(&r.value).into_owned(),
            t(lang, &r.reason),
        ])
        .expect("writing to memory");
    }
    let bytes = w.into_inner().expect("writing to memory");
    format!(
        "\u{feff}{}",
        String::from_utf8(bytes).expect("UTF-8 in, UTF-8 out")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_serialises_in_camel_case_and_as_csv() {
        let mut r = Report {
            rows_total: 3,
            rows_rejected: 1,
            ..Default::default()
        };
        r.clients.created = 2;
        r.push_rejected(RejectedRow {
            line: 4,
            column: "Fecha visita".into(),
            value: "32/13/2020".into(),
            reason: "err.date_impossible".into(),
        });
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["rowsRejected"], 1);
        assert_eq!(json["clients"]["keptManual"], 0);
        assert_eq!(json["rejected"][0]["line"], 4);
        let csv = report_csv(&r, Lang::Es);
        assert!(csv.starts_with('\u{feff}'));
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "Línea;Columna;Valor;Motivo");
        assert_eq!(
            lines[1],
            format!(
                "4;Fecha visita;32/13/2020;{}",
                t(Lang::Es, "err.date_impossible")
            )
        );
        // A cell that a spreadsheet would run as a formula is written as text (issue 13,
        // defect 5).
        r.push_rejected(RejectedRow {
            line: 5,
            column: "Nombre".into(),
            value: "=HYPERLINK(\"http://x.example\";\"Ver\")".into(),
            reason: "err.required".into(),
        });
        let csv = report_csv(&r, Lang::Es);
        let last = csv.lines().last().unwrap();
        assert!(
            last.starts_with("5;Nombre;\"'=HYPERLINK("),
            "the formula is text: {last}"
        );
    }

    #[test]
    fn options_infer_kinds_unless_told_not_to() {
        assert!(ImportOptions::default().infer_kind);
        let o: ImportOptions = serde_json::from_str("{}").unwrap();
        assert!(o.infer_kind && o.bulk.is_none() && !o.overwrite_manual);
        let o: ImportOptions = serde_json::from_str(r#"{"inferKind": false}"#).unwrap();
        assert!(!o.infer_kind);
        assert_eq!(serde_json::to_value(&o).unwrap()["inferKind"], false);
    }

    #[test]
    fn kinds_are_inferred_only_for_visits_without_a_type_column() {
        use Field::*;
        let m = |fields: &[Field], shape| Mapping {
            headers: fields.iter().map(|f| f.as_str().to_owned()).collect(),
            fields: fields.to_vec(),
            shape,
        };
        let visits = m(&[PetId, VisitDate, Reason], Shape::Visits);
        assert_eq!(visits.kind_inferred(true), Some(true));
        assert_eq!(visits.kind_inferred(false), Some(false));
        let typed = m(&[PetId, VisitDate, VisitKind, Reason], Shape::Visits);
        assert_eq!(typed.kind_inferred(true), None);
        let no_reason = m(&[PetId, VisitDate], Shape::Visits);
        assert_eq!(no_reason.kind_inferred(true), None);
        let combined = m(
            &[ClientId, FullName, PetName, VisitDate, Reason],
            Shape::Combined,
        );
        assert_eq!(combined.kind_inferred(true), Some(true));
        let clients = m(&[ClientId, FullName, ClientNotes], Shape::Clients);
        assert_eq!(clients.kind_inferred(true), None);
    }

    #[test]
    fn a_missing_column_is_named_in_the_message() {
        let e = ImportError::MissingColumns(vec![Field::ClientId]);
        assert!(
            e.message(Lang::Es).contains("«Código de cliente»"),
            "{}",
            e.message(Lang::Es)
        );
        assert!(e.message(Lang::En).contains("«Client ID»"));
    }

    #[test]
    fn every_field_has_a_label_in_both_languages() {
        for f in Field::ALL {
            for lang in [Lang::Es, Lang::En] {
                let key = format!("import.field.{}", f.as_str());
                assert_ne!(t(lang, &key), key, "{key} missing in {lang:?}");
            }
        }
        for k in [
            "import.csv.line",
            "import.csv.column",
            "import.csv.value",
            "import.csv.reason",
        ] {
            assert_ne!(t(Lang::En, k), k);
        }
    }
}

/// Where an import run came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunOrigin {
    Window,
    Cli,
    /// The folder Fidelia watches (Settings → Importar).
    Folder,
}

impl RunOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            RunOrigin::Window => "window",
            RunOrigin::Cli => "cli",
            RunOrigin::Folder => "folder",
        }
    }
    pub fn parse(s: &str) -> Option<RunOrigin> {
        [RunOrigin::Window, RunOrigin::Cli, RunOrigin::Folder]
            .into_iter()
            .find(|o| o.as_str() == s)
    }
}

/// One import in the history: its report, or why the file could not be imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportRun {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub origin: RunOrigin,
    pub file_name: String,
    /// SHA-256 of the file's bytes (hex); a watched folder's file with a known hash is not
    /// imported again.
    pub content_hash: String,
    /// `None`: the file could not be imported (`message` says why, in the clinic's language).
    pub report: Option<Report>,
    pub message: String,
}
