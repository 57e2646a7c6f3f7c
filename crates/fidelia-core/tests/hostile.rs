//! Hostile input (issue 13): generated files, rows and templates thrown at the CSV reader, the
//! row mapping and the template engine. Nothing may panic, and every problem reported is a
//! message the clinic can read (a key of both dictionaries).
//!
//! Bounded: `FIDELIA_FUZZ_CASES` cases per target (default 1,000); each target prints how
//! many it ran and how fast (`cargo test -p fidelia-core --test hostile -- --nocapture`).

use std::time::Instant;

use chrono::{TimeZone, Utc};
use fidelia_core::i18n::{dictionary, Lang};
use fidelia_core::import::row::{convert, RowContext};
use fidelia_core::import::{fields, read, read_head, ImportOptions, Mapping};
use fidelia_core::template::fill;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn cases() -> u32 {
    std::env::var("FIDELIA_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000)
}

fn known(key: &str) -> bool {
    dictionary(Lang::Es).contains_key(key) && dictionary(Lang::En).contains_key(key)
}

/// Runs `strategy` × `test` for the configured number of cases and reports the rate.
fn run<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let n = cases();
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    });
    let started = Instant::now();
    runner.run(&strategy, test).unwrap();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "hostile input, {name}: {n} cases in {secs:.2} s ({:.0} per second)",
        n as f64 / secs
    );
}

/// The headers a practice-management export may have, and a few that are not headers at all.
const HEADERS: &[&str] = &[
    "Cód. Cliente",
    "Nombre",
    "Apellidos",
    "Teléfono",
    "Móvil",
    "E-mail",
    "Dirección",
    "Acepta publicidad",
    "Nº Mascota",
    "Mascota",
    "Especie",
    "Raza",
    "Sexo",
    "Fecha nacimiento",
    "Fecha visita",
    "Tipo de visita",
    "Gravedad",
    "Motivo",
    "Importe",
    "Veterinario",
    "Fecha cita",
    "Vacuna",
    "Fallecido",
    "Client ID",
    "Phone",
    "",
    "\u{0}",
    "<b>x</b>",
];

/// Cell contents meant to hurt: separators, quotes, line breaks, NUL, formulas, HTML, huge
/// numbers, impossible dates, letters in phones, long texts.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        "[0-9/:. -]{0,20}",
        Just("=HYPERLINK(\"http://x.example\";\"clic\")".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("31/02/2025".to_string()),
        Just("99/99/9999 99:99".to_string()),
        Just("+34 6OO 123 456".to_string()),
        Just("99999999999999999999,99".to_string()),
        Just("\"a;b\"\"c\nd\"".to_string()),
        Just("\u{0}\u{1}\u{7f}".to_string()),
        "[a-zA-Z]{2000,3000}",
    ]
}

/// A file: headers, rows of hostile cells, a separator, UTF-8 or Windows-1252, and stray
/// bytes spliced in somewhere (invalid UTF-8, NULs, lone CRs).
fn csv_file() -> impl Strategy<Value = Vec<u8>> {
    let sep = prop_oneof![Just(';'), Just(','), Just('\t')];
    (
        prop::collection::vec(prop::sample::select(HEADERS), 1..12),
        prop::collection::vec(prop::collection::vec(cell(), 0..14), 0..8),
        sep,
        any::<bool>(),
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(headers, rows, sep, latin, noise)| {
            let s = sep.to_string();
            let mut text = headers.join(&s);
            for r in rows {
                text.push('\n');
                text.push_str(&r.join(&s));
            }
            let mut bytes = if latin {
                encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
            } else {
                text.into_bytes()
            };
            if !noise.is_empty() {
                let at = noise[0] as usize * bytes.len() / 256;
                bytes.splice(at..at, noise);
            }
            bytes
        })
}

/// Any file: its head is read or refused with a message, and every record is mapped or
/// rejected with messages the clinic can read, whatever the bytes.
#[test]
fn csv_files_never_panic_and_every_problem_has_a_message() {
    let tz = chrono::FixedOffset::east_opt(3600).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap();
    let ctx = RowContext {
        tz: &tz,
        now,
        today: now.date_naive(),
        country: "ES",
    };
    run("CSV reader and row mapping", csv_file(), |bytes| {
        let head = match read_head(&mut || Ok(&bytes[..]), &ImportOptions::default()) {
            Ok(h) => h,
            Err(e) => {
                prop_assert!(known(e.key()), "{e:?}");
                return Ok(());
            }
        };
        let (fields, shape) = fields::detect(&head.headers);
        let mapping = Mapping {
            headers: head.headers.clone(),
            fields,
            shape,
        };
        let mut rdr = read::csv_reader(&bytes[..], head.encoding, head.separator as u8);
        let mut rec = csv::StringRecord::new();
        let mut first = true;
        while rdr.read_record(&mut rec).unwrap_or(false) {
            if std::mem::take(&mut first) {
                continue; // the header
            }
            if let Err(errs) = convert(&mapping, &rec, &ctx) {
                for e in errs {
                    prop_assert!(known(e.key), "{:?}", e.key);
                }
            }
        }
        Ok(())
    });
}

/// Any template and any values: filled without panicking; a placeholder given a value is
/// never reported missing, and one reported missing is in the template.
#[test]
fn templates_never_panic_and_fill_what_they_can() {
    let values = prop::collection::vec(("[a-zñ_]{1,8}", ".{0,20}"), 0..5);
    let template = prop::collection::vec(
        prop_oneof![
            ".{0,10}",
            "\\{[a-zñ_]{0,8}\\}",
            Just("{".to_string()),
            Just("}".to_string())
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat());
    run(
        "template engine",
        (template, values),
        |(template, values)| {
            let refs: Vec<(&str, &str)> = values
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let f = fill(&template, &refs);
            for name in &f.unknown {
                prop_assert!(!refs.iter().any(|(k, _)| k == name), "{name} was given");
                prop_assert!(
                    template.contains(&format!("{{{name}}}")),
                    "{name} is not in it"
                );
            }
            Ok(())
        },
    );
}
