//! Backups of the clinic's server database (issue 16): PostgreSQL's own dump, verified, named
//! and rotated like the SQLite backups; and a restore that keeps a dump of what it replaces,
//! brings back exactly what was backed up, and refuses a damaged file without touching
//! anything.
//!
//! Needs the test server (`FIDELIA_TEST_PG`, started by scripts/test.sh) and PostgreSQL's
//! client programs (pg_dump, pg_restore: the `postgresql` package).

use chrono::{DateTime, FixedOffset, Utc};
use fidelia_core::demo::DemoSize;
use fidelia_core::ClinicTime;
use fidelia_ops::backup::{list, restore_server};
use fidelia_ops::{Clinic, Location};

fn at(s: &str) -> ClinicTime<FixedOffset> {
    let now: DateTime<Utc> = s.parse().unwrap();
    ClinicTime::new(now, FixedOffset::east_opt(3600).unwrap())
}

fn export(c: &Clinic) -> serde_json::Value {
    let mut out = Vec::new();
    c.export_json(&mut out, at("2026-12-01T10:00:00Z").now)
        .unwrap();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn a_server_backup_is_a_verified_dump_and_restores_exactly() {
    let Some(url) =
        fidelia_store::server::test_database(&format!("fidelia_backup_{}", std::process::id()))
    else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("fidelia-server-backups-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let clinic = Clinic::open_at(&Location::Server(url)).unwrap();
    clinic
        .load_demo(3, DemoSize::DEMO, &at("2026-12-01T09:00:00Z"))
        .unwrap();
    let before = export(&clinic);

    let made = clinic
        .backup_now(&dir, &at("2026-12-01T10:00:00Z"))
        .unwrap();
    assert!(made.file.name.ends_with(".dump"), "{}", made.file.name);
    assert!(made.rows > 5_000 && made.file.size > 10_000, "{made:?}");
    assert_eq!(list(&dir).len(), 1);

    // The clinic changes (everything wiped), then the backup is put back.
    clinic.reset().unwrap();
    assert_eq!(clinic.clients_list(0, 1).unwrap().0, 0);
    let done = restore_server(&clinic, &made.file.path, &dir, &at("2026-12-01T11:00:00Z")).unwrap();
    assert_eq!(
        export(&clinic),
        before,
        "the restore brought back exactly what was backed up"
    );
    assert_eq!(done.rows, made.rows);
    let safety = done.safety_copy.expect("the database as it was, kept");
    assert!(safety
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .contains("antes-de-restaurar"));
    // New records get new ids after the restored ones (the dump kept the id sequences).
    let (clients, _) = clinic.clients_list(0, 1).unwrap();
    let new = clinic
        .save_client(
            &fidelia_core::ClientForm {
                first_name: "Nueva".into(),
                surnames: "Tras Restaurar".into(),
                phone1: "612 345 678".into(),
                preferred_channel: "telefono".into(),
                ..Default::default()
            },
            at("2026-12-01T11:30:00Z").now,
        )
        .unwrap();
    assert!(
        new.id.0 > clients,
        "id {} after {clients} clients",
        new.id.0
    );

    // A damaged backup is refused and nothing changes.
    let damaged = dir.join("fidelia-2026-12-01-120000.dump");
    let bytes = std::fs::read(&made.file.path).unwrap();
    std::fs::write(&damaged, &bytes[..bytes.len() / 3]).unwrap();
    let kept = export(&clinic);
    assert!(restore_server(&clinic, &damaged, &dir, &at("2026-12-01T12:00:00Z")).is_err());
    assert_eq!(export(&clinic), kept, "a failed restore changes nothing");
    let _ = std::fs::remove_dir_all(&dir);
}
