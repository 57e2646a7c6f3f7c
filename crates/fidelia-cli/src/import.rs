//! `fidelia import FILE`: the window's import without a window, for a scheduled job. Prints the
//! same report as the window (counts per kind, then each rejected row with its line and reason),
//! writes the report as CSV when asked, and exits 1 when rows were rejected, 2 when the import
//! did not happen at all.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use clap::Args;
use fidelia_core::i18n::t;
use fidelia_core::import::{
    self as imp, fields, report_csv, Counts, Encoding, Field, ImportOptions, Report,
};
use fidelia_core::text::fold;
use fidelia_core::Lang;
use fidelia_ops::import::{ImportFailure, ImportSource};
use fidelia_ops::{Clinic, Location};

/// Files with at least this many rows get a progress line on standard error.
const PROGRESS_FROM_ROWS: u64 = 20_000;

#[derive(Args)]
pub struct ImportArgs {
    /// The CSV file exported by the practice-management system.
    pub file: PathBuf,
    /// What columns hold, overriding detection: `column=field,...` where `column` is a header
    /// (accents and case ignored) or a column number from 1, and `field` a field word
    /// (`clientId`, `visitDate`, `ignore`…) or its label ("Fecha de la visita").
    #[arg(long)]
    pub mapping: Option<String>,
    /// `;`, `,` or `tab` (default: detected).
    #[arg(long)]
    pub separator: Option<String>,
    /// `utf-8`, `utf-8-bom`, `windows-1252` or `utf-8-mixed` (UTF-8, with lines that are not read
    /// as Windows-1252) (default: detected).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Overwrite records entered or edited by hand in Fidelia.
    #[arg(long)]
    pub overwrite_manual: bool,
    /// Without a visit-type column, make every visit a consultation instead of reading its
    /// kind from the reason ("Cirugía" → surgery, "Vacuna" → vaccination…).
    #[arg(long)]
    pub no_infer_kind: bool,
    /// Show what would happen; save nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Also write the rejected rows as CSV (`;`, UTF-8 with BOM) to this file.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Language of the report (default: the clinic's).
    #[arg(long)]
    pub lang: Option<String>,
    /// Keep the --mapping for the next file with the same headers (an import with --mapping
    /// always keeps it).
    #[arg(long, hide = true)]
    pub remember_mapping: bool,
}

/// A message of the dictionary with its `{name}` placeholders filled.
fn tr(lang: Lang, key: &str, vars: &[(&str, String)]) -> String {
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fidelia_core::template::fill(&t(lang, key), &vars).text
}

pub fn main(db: &Location, args: &ImportArgs) -> ExitCode {
    let store = match Clinic::open_at(db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let lang = args
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_else(|| store.language());
    match run(&store, args, lang) {
        Ok(report) => {
            if report.rows_rejected > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
    }
}

fn run(store: &Clinic, args: &ImportArgs, lang: Lang) -> Result<Report, String> {
    let mut opts = ImportOptions {
        overwrite_manual: args.overwrite_manual,
        remember_mapping: args.remember_mapping,
        infer_kind: !args.no_infer_kind,
        ..Default::default()
    };
    if let Some(e) = &args.encoding {
        opts.encoding = Some(Encoding::parse(e).ok_or_else(|| {
            format!("--encoding: utf-8, utf-8-bom, windows-1252, utf-8-mixed ({e:?})")
        })?);
    }
    if let Some(s) = &args.separator {
        opts.separator = Some(match s.as_str() {
            "tab" | "\\t" | "\t" => '\t',
            ";" | "," => s.chars().next().unwrap_or(';'),
            _ => return Err(format!("--separator: ';', ',' or tab ({s:?})")),
        });
    }
    let failure = |e: ImportFailure| e.message(lang);
    let path = args.file.as_path();
    let head = imp::read_head(
        &mut || std::fs::File::open(path).map(|f| std::io::BufReader::with_capacity(64 * 1024, f)),
        &opts,
    )
    .map_err(|e| failure(e.into()))?;
    println!(
        "{}",
        tr(
            lang,
            "import.cli.file",
            &[
                ("file", path.display().to_string()),
                (
                    "encoding",
                    t(lang, &format!("import.encoding.{}", head.encoding.as_str()))
                ),
                (
                    "separator",
                    if head.separator == '\t' {
                        t(lang, "import.separator.tab")
                    } else {
                        head.separator.to_string()
                    }
                ),
            ]
        )
    );
    if head.odd_lines.count > 0 {
        let mut lines: Vec<String> = head.odd_lines.first.iter().map(u64::to_string).collect();
        if head.odd_lines.count > lines.len() as u64 {
            lines.push("…".into());
        }
        println!(
            "{}",
            tr(
                lang,
                "import.odd_lines",
                &[
                    ("n", head.odd_lines.count.to_string()),
                    ("lines", lines.join(", "))
                ]
            )
        );
    }
    // The encoding and separator found are used as they are (read once).
    opts.encoding = Some(head.encoding);
    opts.separator = Some(head.separator);
    if let Some(m) = &args.mapping {
        let base = match store
            .remembered_mapping(&head.signature)
            .map_err(|e| failure(e.into()))?
        {
            Some(r) if r.fields.len() == head.headers.len() => r.fields,
            _ => fields::detect(&head.headers).0,
        };
        opts.fields = Some(apply_mapping(base, &head.headers, m, lang)?);
    }
    let src = ImportSource::Path(path);
    let at = crate::now();
    let report = if args.dry_run {
        store.import_dry_run(src, &opts, &at).map_err(failure)?
    } else {
        let started = Instant::now();
        let mut last = Instant::now();
        let mut shown = false;
        let mut progress = |done: u64, total: u64| {
            if total >= PROGRESS_FROM_ROWS
                && (done == total || last.elapsed() >= Duration::from_millis(500))
            {
                last = Instant::now();
                shown = true;
                eprint!(
                    "\r{}",
                    tr(
                        lang,
                        "import.cli.progress",
                        &[("done", done.to_string()), ("total", total.to_string())]
                    )
                );
                let _ = std::io::stderr().flush();
            }
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let r = store.import_and_record(
            src,
            &name,
            fidelia_core::import::RunOrigin::Cli,
            &opts,
            &mut progress,
            &AtomicBool::new(false),
            &at,
        );
        if shown {
            eprintln!(" ({:.1} s)", started.elapsed().as_secs_f64());
        }
        r.map_err(failure)?
    };
    print!("{}", report_text(&report, lang));
    if let Some(out) = &args.report {
        std::fs::write(out, report_csv(&report, lang))
            .map_err(|e| format!("{}: {e}", out.display()))?;
        println!(
            "{}",
            tr(
                lang,
                "import.cli.report_saved",
                &[("path", out.display().to_string())]
            )
        );
    }
    Ok(report)
}

/// `col=field,...` applied over `fields`.
fn apply_mapping(
    mut fields: Vec<Field>,
    headers: &[String],
    spec: &str,
    lang: Lang,
) -> Result<Vec<Field>, String> {
    for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (col, field) = pair
            .rsplit_once('=')
            .ok_or_else(|| format!("--mapping: column=field ({pair:?})"))?;
        let (col, field) = (col.trim(), field.trim());
        let index = match col.parse::<usize>() {
            Ok(n) if n >= 1 && n <= headers.len() => n - 1,
            _ => headers
                .iter()
                .position(|h| fold(h) == fold(col))
                .ok_or_else(|| tr(lang, "err.import_mapping_column", &[("column", col.into())]))?,
        };
        fields[index] = parse_field(field, lang).ok_or_else(|| {
            let all: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
            tr(
                lang,
                "err.import_mapping_field",
                &[("field", field.into()), ("fields", all.join(", "))],
            )
        })?;
    }
    Ok(fields)
}

/// A field by its word (`visitDate`) or its label in either language.
fn parse_field(s: &str, lang: Lang) -> Option<Field> {
    Field::parse(s).or_else(|| {
        let f = fold(s);
        Field::ALL.iter().copied().find(|x| {
            fold(x.as_str()) == f
                || [lang, Lang::Es, Lang::En]
                    .iter()
                    .any(|l| fold(&imp::field_label(*x, *l)) == f)
        })
    })
}

/// The report as the window shows it, one line each.
pub fn report_text(r: &Report, lang: Lang) -> String {
    let mut out = String::new();
    if r.dry_run {
        out += &t(lang, "import.dry_run");
        out.push('\n');
    }
    out += &tr(
        lang,
        "import.rows_line",
        &[
            ("total", r.rows_total.to_string()),
            ("imported", r.rows_imported.to_string()),
            ("rejected", r.rows_rejected.to_string()),
        ],
    );
    out.push('\n');
    let kinds: [(&str, Counts); 5] = [
        ("clients", r.clients),
        ("pets", r.pets),
        ("visits", r.visits),
        ("appointments", r.appointments),
        ("vaccinations", r.vaccinations),
    ];
    let any = |c: &Counts| c.created + c.updated + c.unchanged + c.kept_manual > 0;
    let shown: Vec<_> = kinds.iter().filter(|(_, c)| any(c)).collect();
    let shown = if shown.is_empty() {
        vec![&kinds[0]]
    } else {
        shown
    };
    for (kind, c) in shown {
        out += &count_line(kind, c, lang);
        out.push('\n');
    }
    if r.staff_created > 0 {
        out += &tr(
            lang,
            "import.staff_created",
            &[("n", r.staff_created.to_string())],
        );
        out.push('\n');
    }
    if r.phones_flagged > 0 {
        out += &tr(
            lang,
            "import.phones_flagged",
            &[("n", r.phones_flagged.to_string())],
        );
        out.push('\n');
    }
    if !r.rejected.is_empty() {
        out += &t(lang, "import.rejected_title");
        out += ":\n";
        for row in &r.rejected {
            out += "  ";
            out += &rejected_line(row, lang);
            out.push('\n');
        }
        if r.rejected_more > 0 {
            out += "  ";
            out += &tr(
                lang,
                "import.rejected_more",
                &[("n", r.rejected_more.to_string())],
            );
            out.push('\n');
        }
    }
    out
}

fn count_line(kind: &str, c: &Counts, lang: Lang) -> String {
    tr(
        lang,
        "import.count_line",
        &[
            ("kind", t(lang, &format!("import.shape.{kind}"))),
            ("created", c.created.to_string()),
            ("updated", c.updated.to_string()),
            ("unchanged", c.unchanged.to_string()),
            ("kept", c.kept_manual.to_string()),
        ],
    )
}

fn rejected_line(row: &imp::RejectedRow, lang: Lang) -> String {
    let reason = t(lang, &row.reason);
    let line = row.line.to_string();
    if row.column.is_empty() {
        tr(
            lang,
            "import.rejected_row_whole",
            &[("line", line), ("reason", reason)],
        )
    } else {
        let mut s = tr(
            lang,
            "import.rejected_row",
            &[
                ("line", line),
                ("column", row.column.clone()),
                ("reason", reason),
            ],
        );
        if !row.value.is_empty() {
            s += &format!(" («{}»)", row.value.replace('\n', " "));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_names_columns_by_header_or_number_and_fields_by_word_or_label() {
        let headers: Vec<String> = ["Cód. Cliente", "Nombre", "Teléfono"]
            .map(String::from)
            .to_vec();
        let base = vec![Field::ClientId, Field::FirstName, Field::Phone];
        let got = apply_mapping(
            base.clone(),
            &headers,
            "telefono=ignore, 2=Nombre completo",
            Lang::Es,
        )
        .unwrap();
        assert_eq!(got, vec![Field::ClientId, Field::FullName, Field::Ignore]);
        let err = apply_mapping(base.clone(), &headers, "Móvil=phone2", Lang::Es).unwrap_err();
        assert!(err.contains("«Móvil»"), "{err}");
        assert!(apply_mapping(base, &headers, "1=nada", Lang::Es).is_err());
    }

    #[test]
    fn the_report_reads_zero_created_and_names_rejected_lines() {
        let mut r = Report {
            rows_total: 12,
            rows_imported: 11,
            rows_rejected: 1,
            ..Default::default()
        };
        r.clients.unchanged = 12;
        r.push_rejected(imp::RejectedRow {
            line: 3,
            column: "Fecha visita".into(),
            value: "32/13/2020".into(),
            reason: "err.date_impossible".into(),
        });
        let text = report_text(&r, Lang::Es);
        assert!(
            text.contains("Clientes: 0 creados, 0 actualizados, 12 sin cambios"),
            "{text}"
        );
        assert!(text.contains("línea 3, columna Fecha visita: "), "{text}");
    }
}
