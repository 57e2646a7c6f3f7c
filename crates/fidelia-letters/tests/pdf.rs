//! The PDFs as a reader sees them: text given back by pdftotext, fonts by pdffonts, structure by
//! qpdf, pages by pdfinfo. These tools come from Debian's poppler-utils and qpdf; when one is
//! missing the test fails if `CI` is set, and says it did not run otherwise.

use chrono::NaiveDate;
use fidelia_core::Lang;
use fidelia_letters::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `{name}` placeholders filled by Fidelia's template engine.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    fidelia_core::template::fill(template, values).text
}

fn have(tool: &str) -> bool {
    let found = Command::new(tool).arg("-v").output().is_ok();
    if !found {
        let msg = format!("`{tool}` is not installed (apt-get install poppler-utils qpdf)");
        if std::env::var_os("CI").is_some() {
            panic!("{msg}: the PDF tests cannot run");
        }
        eprintln!("NOT RUN: {msg}; set CI=1 to make this a failure");
    }
    found
}

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn tmp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fidelia-letters-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn normalise(t: &str) -> String {
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn head() -> Letterhead {
    Letterhead {
        clinic_name: "Clínica Veterinaria Peñalara".into(),
        address: "Calle de Núñez de Balboa 12, 28001 Madrid".into(),
        phone: "912 345 678".into(),
        email: "hola@penalara.example".into(),
        logo_data_url: String::new(),
    }
}

const TEMPLATE: &str = "¿Sabía que {mascotas} llevan {años} con nosotros? ¡Gracias, {cliente}, por confiar en {clinica}!

Como detalle, le regalamos un vale de 15 € para la próxima revisión de «Ñoño» y de «Pío» — sin letra pequeña.

Un abrazo para los dos.";

fn begona(body: String) -> LetterData {
    LetterData {
        lang: Lang::Es,
        date: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        greeting: Greeting::Female,
        client_name: "Begoña Ibáñez Muñoz".into(),
        body,
        signature_name: "Dra. Lucía Ortega Güell".into(),
        signature_role: "Veterinaria y directora".into(),
    }
}

fn begona_body() -> String {
    let pets = join_names(&["Ñoño", "Pío"], Lang::Es);
    let years = years_phrase(8, Lang::Es);
    fill(
        TEMPLATE,
        &[
            ("mascotas", &pets),
            ("años", &years),
            ("cliente", "Begoña Ibáñez Muñoz"),
            ("clinica", "Clínica Veterinaria Peñalara"),
        ],
    )
}

/// Everything on the page, in reading order.
fn expected_text(h: &Letterhead, l: &LetterData) -> String {
    let parts = [
        h.clinic_name.clone(),
        h.address.clone(),
        format!("Tel. {} · {}", h.phone, h.email),
        l.date_line(),
        l.greeting_line(),
        l.body.clone(),
        l.closing_line().to_string(),
        l.signature_name.clone(),
        l.signature_role.clone(),
    ];
    normalise(&parts.join("\n"))
}

#[test]
fn pdftotext_gives_back_the_letter_exactly() {
    if !have("pdftotext") {
        return;
    }
    let l = begona(begona_body());
    assert!(
        l.body.contains("Ñoño y Pío")
            && l.body.contains('¿')
            && l.body.contains('€')
            && l.body.contains('—')
    );
    let pdf = render_letter(&head(), &l).unwrap();
    let p = tmp("begona.pdf", &pdf);
    let text = run("pdftotext", &["-enc", "UTF-8", s(&p), "-"]);
    assert_eq!(normalise(&text), expected_text(&head(), &l));
    assert!(text.contains("Estimada Sra. Begoña Ibáñez Muñoz:"));
    assert!(text.contains("24 de noviembre de 2026"));
}

#[test]
fn english_letter_reads_back_too() {
    if !have("pdftotext") {
        return;
    }
    let mut l = begona(fill(
        templates::THANKS_EN,
        &[
            ("mascotas", &join_names(&["Ñoño", "Pío"], Lang::En)),
            ("años", &years_phrase(8, Lang::En)),
            ("clinica", "Clínica Veterinaria Peñalara"),
        ],
    ));
    l.lang = Lang::En;
    l.greeting = Greeting::Neutral;
    let pdf = render_letter(&head(), &l).unwrap();
    let p = tmp("english.pdf", &pdf);
    let text = run("pdftotext", &["-enc", "UTF-8", s(&p), "-"]);
    assert_eq!(normalise(&text), expected_text(&head(), &l));
    assert!(text.contains("Dear Begoña Ibáñez Muñoz,") && text.contains("24 November 2026"));
}

#[test]
fn pdffonts_shows_the_font_embedded_and_subset() {
    if !have("pdffonts") {
        return;
    }
    let pdf = render_letter(&head(), &begona(begona_body())).unwrap();
    let p = tmp("fonts.pdf", &pdf);
    let out = run("pdffonts", &[s(&p)]);
    // name  type  encoding  emb sub uni  object ID
    let rows: Vec<&str> = out
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(rows.len(), 2, "regular and bold:\n{out}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        let (emb, sub, uni) = (cols[n - 5], cols[n - 4], cols[n - 3]);
        assert!(cols[0].contains("DejaVu"), "{row}");
        assert_eq!(emb, "yes", "not embedded: {row}");
        assert_eq!(uni, "yes", "no ToUnicode map: {row}");
        let prefixed = cols[0].len() > 7
            && cols[0].as_bytes()[6] == b'+'
            && cols[0][..6].bytes().all(|b| b.is_ascii_uppercase());
        if !(sub == "yes" || prefixed) {
            // printpdf may not name the subset; the size says whether it is one (the full font is 760 KB).
            assert!(
                pdf.len() < 60_000,
                "font not subset? {} bytes\n{out}",
                pdf.len()
            );
        }
    }
    assert!(pdf.len() < 45_000, "a single letter is {} bytes", pdf.len());
}

#[test]
fn qpdf_check_passes() {
    if !have("qpdf") {
        return;
    }
    let long = begona(format!("{}\n\n{}", begona_body(), long_body(3)));
    let logo = Letterhead {
        logo_data_url: sample_logo(),
        ..head()
    };
    for (name, pdf) in [
        (
            "check-one.pdf",
            render_letter(&head(), &begona(begona_body())).unwrap(),
        ),
        ("check-long.pdf", render_letter(&logo, &long).unwrap()),
        (
            "check-batch.pdf",
            render_batch(&logo, &[begona(begona_body()), long.clone()]).unwrap(),
        ),
    ] {
        let p = tmp(name, &pdf);
        let out = Command::new("qpdf")
            .args(["--check", s(&p)])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "qpdf --check {name}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("No syntax or stream encoding errors"),
            "{name}: {stdout}"
        );
    }
}

fn long_body(paragraphs: usize) -> String {
    (1..=paragraphs)
        .map(|i| {
            format!(
                "Párrafo {i}. Queremos contarle con calma todo lo que hemos vivido juntos en estos años: \
                 las vacunas de cada primavera, aquella noche de urgencias en la que Ñoño se comió un calcetín, \
                 las revisiones dentales de Pío y las tardes en la sala de espera hablando de paseos, de piensos \
                 y de la vida. Cada visita ha sido para nosotros una ocasión de aprender algo nuevo sobre cómo \
                 cuidar mejor a quienes más queremos, y por eso le escribimos esta carta tan larga, palabra{i}final."
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn pages(p: &Path) -> usize {
    let info = run("pdfinfo", &[s(p)]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no Pages in {info}"))
}

#[test]
fn a_long_letter_continues_on_a_second_page_losing_no_word() {
    if !have("pdftotext") || !have("pdfinfo") {
        return;
    }
    let l = begona(long_body(6));
    let pdf = render_letter(&head(), &l).unwrap();
    let p = tmp("long.pdf", &pdf);
    assert_eq!(pages(&p), 2);
    let page1 = run(
        "pdftotext",
        &["-enc", "UTF-8", "-f", "1", "-l", "1", s(&p), "-"],
    );
    let page2 = run(
        "pdftotext",
        &["-enc", "UTF-8", "-f", "2", "-l", "2", s(&p), "-"],
    );
    assert!(page1.contains("Estimada Sra. Begoña Ibáñez Muñoz:"));
    assert!(
        page2.contains("Clínica Veterinaria Peñalara"),
        "running header on page 2: {page2}"
    );
    // pdftotext may drop the thin spaces around the dashes: compare without spaces.
    assert!(
        page2.replace(' ', "").contains("—2—") && page1.replace(' ', "").contains("—1—"),
        "page numbers"
    );
    assert!(page2.contains("Un cordial saludo,") && page2.contains("Dra. Lucía Ortega Güell"));
    // Every word of the body, in order, across the break (header and page numbers taken out).
    let strip = |t: &str, extra: &[&str]| {
        let mut t = normalise(t).replace("—1—", " ").replace("—2—", " ");
        for e in extra {
            t = t.replace(&normalise(e), " ");
        }
        normalise(&t)
    };
    let h = head();
    let body1 = strip(
        &page1,
        &[
            &h.clinic_name,
            &h.address,
            &format!("Tel. {} · {}", h.phone, h.email),
            &l.date_line(),
            &l.greeting_line(),
            "— 1 —",
        ],
    );
    let body2 = strip(
        &page2,
        &[
            &h.clinic_name,
            "— 2 —",
            l.closing_line(),
            &l.signature_name,
            &l.signature_role,
        ],
    );
    assert_eq!(format!("{body1} {body2}"), normalise(&l.body));
}

#[test]
fn a_batch_of_three_has_one_page_per_client() {
    if !have("pdftotext") || !have("pdfinfo") || !have("pdffonts") {
        return;
    }
    let names = [
        "Begoña Ibáñez Muñoz",
        "José Ángel Núñez Peña",
        "María Güell Ortiz",
    ];
    let letters: Vec<LetterData> = names
        .iter()
        .map(|n| {
            let mut l = begona(fill(
                templates::THANKS_ES,
                &[
                    ("cliente", n),
                    ("mascotas", "Ñoño y Pío"),
                    ("años", "8 años"),
                    ("clinica", "Clínica Veterinaria Peñalara"),
                ],
            ));
            l.client_name = n.to_string();
            l
        })
        .collect();
    let pdf = render_batch(&head(), &letters).unwrap();
    let p = tmp("batch.pdf", &pdf);
    assert_eq!(pages(&p), 3);
    for (i, name) in names.iter().enumerate() {
        let n = (i + 1).to_string();
        let text = run(
            "pdftotext",
            &["-enc", "UTF-8", "-f", &n, "-l", &n, s(&p), "-"],
        );
        assert!(text.contains(name), "page {n} lacks {name}: {text}");
        for other in names.iter().filter(|o| *o != name) {
            assert!(!text.contains(other), "page {n} has {other}");
        }
    }
    // The fonts are embedded once for the whole batch.
    let fonts = run("pdffonts", &[s(&p)]);
    assert_eq!(
        fonts
            .lines()
            .skip(2)
            .filter(|l| !l.trim().is_empty())
            .count(),
        2,
        "{fonts}"
    );
}

#[test]
fn an_empty_batch_and_a_bad_logo_are_errors() {
    assert!(matches!(
        render_batch(&head(), &[]),
        Err(LetterError::NoLetters)
    ));
    for bad in [
        "https://example.com/logo.png",
        "data:image/gif;base64,R0lGOD",
        "data:image/png;base64,@@@",
        "data:image/png;base64,aGVsbG8=",
    ] {
        let h = Letterhead {
            logo_data_url: bad.into(),
            ..head()
        };
        assert!(
            matches!(
                render_letter(&h, &begona(begona_body())),
                Err(LetterError::Logo(_))
            ),
            "{bad}"
        );
    }
}

#[test]
fn a_letter_with_a_logo_renders_to_png() {
    if !have("pdftoppm") {
        return;
    }
    let h = Letterhead {
        logo_data_url: sample_logo(),
        ..head()
    };
    let pdf = render_letter(&h, &begona(begona_body())).unwrap();
    let p = tmp("logo.pdf", &pdf);
    let prefix = p.with_extension("");
    run(
        "pdftoppm",
        &["-png", "-r", "40", "-singlefile", s(&p), s(&prefix)],
    );
    let png = std::fs::read(prefix.with_extension("png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
}

/// The app's icon as a PNG data URL, standing in for a clinic's logo.
fn sample_logo() -> String {
    use base64::Engine as _;
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../icons/128x128.png"
    ))
    .unwrap();
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}
