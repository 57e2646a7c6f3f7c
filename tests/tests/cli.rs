//! The CLI issues the same thank-you letters as the window: `fidelia letters --review current
//! --out DIR` on the demo clinic writes a real PDF (its text read back with `pdftotext`),
//! records who was thanked, and never thanks anyone twice in a period. No window needed.
//!
//! Run: `cargo test -p fidelia-e2e --test cli`.

use fidelia_e2e::{pdftotext, Sandbox};

#[test]
fn letters_are_issued_from_the_cli_once_per_period() {
    let sb = Sandbox::new();
    sb.cli_ok(&["demo"]);
    let out = sb.root().join("cartas");
    let out_arg = out.to_string_lossy().into_owned();

    let printed = sb.cli_ok(&[
        "letters", "--review", "current", "--out", &out_arg, "--tier", "oro",
    ]);
    let thanked: Vec<&str> = printed
        .lines()
        .filter_map(|l| l.strip_prefix("thanked: "))
        .collect();
    assert!(
        !thanked.is_empty(),
        "the demo clinic has gold clients: {printed}"
    );
    let pdf = printed
        .lines()
        .find(|l| l.ends_with(".pdf"))
        .unwrap_or_else(|| panic!("the PDF's path is printed: {printed}"));
    assert!(
        pdf.starts_with(&out_arg),
        "written under --out, in the period's folder: {pdf}"
    );
    let text = pdftotext(std::path::Path::new(pdf));
    for name in &thanked {
        assert!(text.contains(name), "{name} has a letter in {pdf}:\n{text}");
    }
    assert!(
        text.contains("Estimad"),
        "a letter greets its reader:\n{text}"
    );

    // The same clients again: nobody left to thank among them this period.
    let again = sb.cli_ok(&[
        "letters", "--review", "current", "--out", &out_arg, "--tier", "oro",
    ]);
    assert!(
        again.contains("Nobody to thank"),
        "gold clients were all thanked: {again}"
    );

    // Asking for one of them by name is refused, naming the client, and writes nothing more.
    let export = sb.cli_ok(&["export", "--format", "json", "--out", "-"]);
    let doc: serde_json::Value = serde_json::from_str(&export).unwrap();
    let first = thanked[0];
    let id = doc["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            format!(
                "{} {}",
                c["first_name"].as_str().unwrap(),
                c["surnames"].as_str().unwrap()
            ) == first
        })
        .map(|c| c["id"].as_i64().unwrap())
        .unwrap_or_else(|| panic!("{first} is in the export"));
    let files_before = std::fs::read_dir(std::path::Path::new(pdf).parent().unwrap())
        .unwrap()
        .count();
    let refused = sb.cli(&["letters", "--out", &out_arg, "--client", &id.to_string()]);
    assert!(
        !refused.status.success(),
        "a second thank-you in the period is refused"
    );
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains(first), "the refusal names the client: {err}");
    assert_eq!(
        std::fs::read_dir(std::path::Path::new(pdf).parent().unwrap())
            .unwrap()
            .count(),
        files_before,
        "nothing more was written"
    );
}

/// The day's messages from the CLI: the demo clinic's queue (its vaccines, appointments,
/// surveys) listed, and listing again prepares nothing twice (the same count, the same ids in
/// the database). Survey answers imported from a form's export by code, bad rows by line.
#[test]
fn the_days_messages_and_survey_answers_from_the_cli() {
    let sb = Sandbox::new();
    sb.cli_ok(&["demo"]);
    let first = sb.cli_ok(&["messages"]);
    let count = |out: &str| -> usize {
        out.lines()
            .next()
            .and_then(|l| l.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a count first: {out}"))
    };
    let n = count(&first);
    assert!(n > 0, "the demo clinic has messages to send today: {first}");
    assert!(first.contains("Hola"), "{first}");
    assert_eq!(
        count(&sb.cli_ok(&["messages"])),
        n,
        "nothing prepared twice"
    );

    // A survey's code not answered yet: one in today's queue, or (after closing time the day's
    // surveys wait for the next opening) the survey of a demo visit whose survey is still
    // unanswered (the demo answered many: which visit that is depends on the day it was made).
    let clinic = fidelia_ops::Clinic::open(&sb.db_path()).expect("the clinic");
    let now = chrono::Utc::now();
    let queued = clinic
        .messages_to_send(chrono::Local::now().date_naive())
        .expect("the queue")
        .into_iter()
        .find_map(|m| m.survey_code);
    let code = queued.unwrap_or_else(|| {
        let (_, hits) = clinic.clients_list(0, 50).expect("clients");
        hits.iter()
            .flat_map(|h| clinic.client_page(h.client_id).expect("a client").visits)
            .map(|v| clinic.survey_for_visit(v.id, now).expect("its survey"))
            .find(|s| s.answered_at.is_none())
            .expect("a demo visit whose survey is unanswered")
            .code
    });
    drop(clinic);
    let csv = sb.root().join("respuestas.csv");
    std::fs::write(
        &csv,
        format!("Código,Valoración general,¿Nos recomendaría?,Comentario\n{code},5,10,Genial\nZZZ,5,10,\n"),
    )
    .unwrap();
    let out = sb.cli(&["survey-answers", &csv.to_string_lossy()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "a rejected row: exit 1");
    assert!(text.contains("1 respuestas nuevas"), "{text}");
    assert!(text.contains("line 3"), "the bad row by its line: {text}");
}

/// The owner's monthly report from the CLI on the demo clinic: a PDF whose text (read back
/// with `pdftotext`) has the month, the accents, euros and the dashboard's own figures.
#[test]
fn the_monthly_report_is_a_pdf_with_the_months_figures() {
    use chrono::Datelike;
    let sb = Sandbox::new();
    sb.cli_ok(&["demo"]);
    let today = chrono::Local::now().date_naive();
    let month = fidelia_core::kpi::Period::month_of(today).previous();
    let out = sb.root().join("informes");
    let printed = sb.cli_ok(&[
        "report",
        "--month",
        &format!("{}-{:02}", month.from.year(), month.from.month()),
        "--out",
        &out.to_string_lossy(),
    ]);
    let pdf = std::path::PathBuf::from(printed.trim());
    assert!(pdf.starts_with(&out) && pdf.exists(), "{printed}");
    let text = pdftotext(&pdf);
    let clinic = fidelia_ops::Clinic::open(&sb.db_path()).expect("the clinic");
    let at = fidelia_core::ClinicTime::new(chrono::Utc::now(), chrono::Local);
    let d = clinic.dashboard(month, &at).expect("the dashboard");
    for needle in [
        "Informe de ",
        "Facturación de las visitas",
        "Satisfacción",
        "€",
        "Retención",
    ] {
        assert!(text.contains(needle), "{needle:?} in:\n{text}");
    }
    let nps = d
        .current
        .nps
        .score
        .map(|n| n.to_string())
        .unwrap_or("—".into());
    let follow = d.current.follow_up;
    assert!(
        text.contains(&format!("({}/{})", follow.num, follow.den)),
        "the follow-ups of the month: {follow:?} in\n{text}"
    );
    assert!(
        text.lines().any(|l| l.contains("NPS") && l.contains(&nps)),
        "NPS {nps} in\n{text}"
    );
}

/// `fidelia demo` does not replace a clinic's own records unless told to (issue 13, defect 2),
/// and replaces the demo clinic (or starts a new file) without asking.
#[test]
fn the_demo_never_replaces_a_clinic_without_being_told() {
    let sb = Sandbox::new();
    sb.cli_ok(&["new-clinic", "--yes"]);
    let csv = sb.root().join("clientes.csv");
    std::fs::write(
        &csv,
        "codigo;nombre;apellidos;telefono\nC1;Remedios;Quintana Ortiz;612345678\n",
    )
    .unwrap();
    sb.cli_ok(&["import", csv.to_str().unwrap()]);
    let out = sb.cli(&["demo"]);
    assert!(!out.status.success(), "refused");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("--yes") && said.contains("1 clients"),
        "{said}"
    );
    let info = sb.cli_ok(&["info"]);
    assert!(
        !info.contains("(demo)"),
        "the clinic is still its own: {info}"
    );
    let export = sb.cli_ok(&["export", "--format", "json", "--out", "-"]);
    assert!(export.contains("Remedios"), "its client is still there");
    sb.cli_ok(&["demo", "--yes"]);
    assert!(sb.cli_ok(&["info"]).contains("(demo)"));
    sb.cli_ok(&["demo"]); // the demo over the demo: nothing of the clinic's own to lose
}

/// `fidelia bench --samples 0` is refused with a message (issue 13, defect 9: it panicked).
#[test]
fn the_bench_refuses_zero_samples() {
    let sb = Sandbox::new();
    let out = sb.cli(&["bench", "--samples", "0"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a usage error, not a panic (101)"
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("--samples") && !said.contains("panicked"),
        "{said}"
    );
}

/// Backups from the CLI (issue 13): `fidelia backup` makes a verified copy, `fidelia backups`
/// lists it, `fidelia restore FILE --yes` brings the clinic back (and not without `--yes`).
#[test]
fn backup_and_restore_from_the_cli() {
    let sb = Sandbox::new();
    sb.cli_ok(&["demo"]);
    let clients = |sb: &Sandbox| {
        sb.cli_ok(&["info"])
            .lines()
            .find(|l| l.starts_with("clients:"))
            .unwrap()
            .to_string()
    };
    let demo = clients(&sb);
    let dir = sb.root().join("copias");
    let made = sb.cli_ok(&["backup", "--dir", dir.to_str().unwrap()]);
    assert!(made.contains("checked"), "{made}");
    let listed = sb.cli_ok(&["backups", "--dir", dir.to_str().unwrap()]);
    let file = listed
        .split_whitespace()
        .find(|w| w.starts_with("fidelia-") && w.ends_with(".sqlite3"))
        .map(|name| dir.join(name))
        .unwrap_or_else(|| panic!("a backup listed: {listed}"));
    sb.cli_ok(&["new-clinic", "--yes"]);
    assert_eq!(clients(&sb), "clients:  0");
    let refused = sb.cli(&[
        "restore",
        file.to_str().unwrap(),
        "--dir",
        dir.to_str().unwrap(),
    ]);
    assert!(!refused.status.success(), "not without --yes");
    assert_eq!(clients(&sb), "clients:  0");
    let out = sb.cli_ok(&[
        "restore",
        file.to_str().unwrap(),
        "--yes",
        "--dir",
        dir.to_str().unwrap(),
    ]);
    assert!(out.contains("The database as it was"), "{out}");
    assert_eq!(clients(&sb), demo, "the clinic as backed up");
}

/// A power cut in the middle of a large import (issue 13): the importer is killed with
/// SIGKILL while it writes; the database then passes its integrity check and holds the import
/// either whole or not at all — here not at all, as it was killed before the end.
#[test]
fn an_import_killed_halfway_leaves_the_database_whole() {
    use std::io::{BufRead, Write};
    let sb = Sandbox::new();
    sb.cli_ok(&["new-clinic", "--yes"]);
    let csv = sb.root().join("visitas.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
    writeln!(
        f,
        "Cód. Cliente;Nombre;Apellidos;Teléfono;Nº Mascota;Mascota;Especie;Sexo;Fecha visita;Tipo de visita;Gravedad;Motivo;Importe"
    )
    .unwrap();
    let rows = 60_000;
    for i in 0..rows {
        let (c, p) = (i / 6, i / 3);
        writeln!(
            f,
            "C{c};María;Núñez {c};6{:08};M{p};Luna;Canino;Hembra;{:02}/{:02}/20{:02} 10:30;Consulta;Leve;Vómitos;45,50",
            10_000_000 + c,
            1 + i % 28,
            1 + i % 12,
            10 + i % 15
        )
        .unwrap();
    }
    drop(f);
    let mut child = sb
        .cli_command()
        .args(["import", csv.to_str().unwrap()])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed once its progress line says a third of the rows are written, well before the end.
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = Vec::new();
    loop {
        let mut buf = Vec::new();
        if err.read_until(b'\r', &mut buf).unwrap() == 0 {
            break;
        }
        seen.extend_from_slice(&buf);
        // "Importando: 12000 de 60000 filas": a third of the way is enough.
        let text = String::from_utf8_lossy(&buf);
        let done: u64 = text
            .split_whitespace()
            .find_map(|w| w.parse().ok())
            .unwrap_or(0);
        if done >= rows / 3 && done < rows {
            break;
        }
    }
    let killed_at = String::from_utf8_lossy(&seen).into_owned();
    // The total is estimated from the bytes read so far: near the file's rows.
    let last = killed_at
        .rsplit('\r')
        .find(|l| l.contains(" de "))
        .unwrap_or("");
    let total: u64 = last
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .nth(1)
        .unwrap_or(0);
    assert!(
        (rows * 9 / 10..=rows * 11 / 10).contains(&total),
        "no progress seen, or its total far from {rows}: {killed_at}"
    );
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed, not finished");

    let clinic = fidelia_ops::Clinic::open(&sb.db_path()).unwrap();
    assert_eq!(clinic.integrity_problems().unwrap(), Vec::<String>::new());
    let count = |t: &str| -> i64 {
        let counts = clinic.record_counts().unwrap();
        counts.iter().find(|(n, _)| *n == t).unwrap().1
    };
    assert_eq!(
        (count("clients"), count("pets"), count("visits")),
        (0, 0, 0),
        "nothing of a half import (killed at {killed_at:?})"
    );
    // And the same file imports whole afterwards.
    sb.cli_ok(&["import", csv.to_str().unwrap()]);
    assert_eq!(count("visits"), rows as i64);
}
