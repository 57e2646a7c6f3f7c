//! Writers at the same time (issue 13): the window saving clients, the scheduler claiming
//! calls, and a CLI import of a large export, each on its own connection to one file. None
//! fails ("database is locked" included), and nothing is lost.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use fidelia_core::{ClientForm, ClinicTime};
use fidelia_ops::import::ImportSource;
use fidelia_ops::Clinic;

fn at() -> ClinicTime<FixedOffset> {
    let now: DateTime<Utc> = "2026-11-25T10:00:00Z".parse().unwrap();
    ClinicTime::new(now, FixedOffset::east_opt(3600).unwrap())
}

#[test]
fn the_window_the_scheduler_and_an_import_write_at_once() {
    let dir = std::env::temp_dir().join(format!("fidelia-writers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("clinic.sqlite3");
    let window = Arc::new(Clinic::open(&db).unwrap());
    let rows = 12_000;
    let mut csv = String::from(
        "Cód. Cliente;Nombre;Apellidos;Teléfono;Nº Mascota;Mascota;Especie;Sexo;Fecha visita;Tipo de visita;Gravedad;Motivo\n",
    );
    for i in 0..rows {
        let (c, p) = (i / 4, i / 2);
        csv.push_str(&format!(
            "C{c};Ana;Núñez {c};6{:08};M{p};Luna;Canino;Hembra;{:02}/{:02}/2025 10:30;Cirugía;Grave;Tos\n",
            10_000_000 + c,
            1 + i % 28,
            1 + i % 12
        ));
    }
    let importing = Arc::new(AtomicBool::new(true));

    let cli = Clinic::open(&db).unwrap();
    let flag = importing.clone();
    let import = std::thread::spawn(move || {
        let r = cli.import(
            ImportSource::Bytes(csv.as_bytes()),
            &Default::default(),
            &mut |_, _| {},
            &AtomicBool::new(false),
            &at(),
        );
        flag.store(false, Ordering::SeqCst);
        r
    });

    let scheduler = Clinic::open(&db).unwrap();
    let flag = importing.clone();
    let passes = std::thread::spawn(move || {
        let mut passes = 0;
        while flag.load(Ordering::SeqCst) {
            scheduler
                .claim_calls_to_notify(at().now)
                .expect("the scheduler's pass");
            scheduler
                .call_counts(at().now, at().now + chrono::Duration::days(1))
                .expect("the scheduler's counts");
            passes += 1;
            std::thread::sleep(Duration::from_millis(50));
        }
        passes
    });

    let mut saved = 0;
    while importing.load(Ordering::SeqCst) || saved < 3 {
        window
            .save_client(
                &ClientForm {
                    first_name: format!("Mostrador{saved}"),
                    surnames: "García".into(),
                    phone1: "612 345 678".into(),
                    preferred_channel: "telefono".into(),
                    ..Default::default()
                },
                at().now,
            )
            .expect("the window's save");
        saved += 1;
        std::thread::sleep(Duration::from_millis(30));
    }
    let report = import.join().unwrap().expect("the import");
    let passes = passes.join().unwrap();
    assert!(passes > 0 && saved > 0);
    let (clients, _) = window.clients_list(0, 1).unwrap();
    assert_eq!(
        clients,
        saved as i64 + report.clients.created as i64,
        "every save and every imported client"
    );
    let visits = window.record_counts().unwrap();
    assert_eq!(
        visits.iter().find(|(t, _)| *t == "visits").unwrap().1,
        rows as i64
    );
    println!("{saved} saves and {passes} scheduler passes during an import of {rows} rows");
    drop(window);
    let _ = std::fs::remove_dir_all(&dir);
}
