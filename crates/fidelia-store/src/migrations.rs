//! Versioned, append-only migrations (rusqlite_migration, version kept in `user_version`).
//!
//! A shipped migration is never edited: add a new file and a new line. The test below pins
//! each shipped migration's hash so an edit fails the build's tests.

use rusqlite_migration::{Migrations, M};

const SQL: &[&str] = &[
    include_str!("../migrations/0001_records.sql"),
    include_str!("../migrations/0002_calls.sql"),
    include_str!("../migrations/0003_import.sql"),
    include_str!("../migrations/0004_call_indexes.sql"),
    include_str!("../migrations/0005_letters.sql"),
    include_str!("../migrations/0006_search_index.sql"),
    include_str!("../migrations/0007_client_title.sql"),
    include_str!("../migrations/0008_messages.sql"),
    include_str!("../migrations/0009_surveys_consents.sql"),
    include_str!("../migrations/0010_winback.sql"),
    include_str!("../migrations/0011_dashboard_indexes.sql"),
    include_str!("../migrations/0012_privacy_audit.sql"),
    include_str!("../migrations/0013_import_runs.sql"),
    include_str!("../migrations/0014_pet_deceased.sql"),
    include_str!("../migrations/0015_versions.sql"),
    include_str!("../migrations/0016_pcs.sql"),
    include_str!("../migrations/0017_more_versions.sql"),
];

/// How many migrations there are: the schema version of an up-to-date database.
pub fn count() -> usize {
    SQL.len()
}

/// The migrations; each is followed by a foreign-key check (they run with foreign keys off, so
/// that a table can be rebuilt the way SQLite documents).
pub fn migrations() -> Migrations<'static> {
    Migrations::new(SQL.iter().map(|s| M::up(s).foreign_key_check()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FNV-1a, enough to notice an edit.
    fn hash(s: &str) -> u64 {
        s.bytes().fold(0xcbf29ce484222325, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100000001b3)
        })
    }

    #[test]
    fn migrations_are_valid() {
        migrations()
            .validate()
            .expect("every migration applies on an empty database");
    }

    /// Every shipped migration, pinned by its hash. A new migration is pinned when it ships:
    /// the test says which hash to add.
    const SHIPPED: &[u64] = &[
        0xaedbf271788a10fa, // 0001_records.sql
        0xcfc9995d5cb44e14, // 0002_calls.sql
        0xd62b588ee38aeeca, // 0003_import.sql
        0x4be05693be2b8904, // 0004_call_indexes.sql
        0x9b8e70cdfe6b37f2, // 0005_letters.sql
        0x448a034752e74d5e, // 0006_search_index.sql
        0x33012a4ac8be7e22, // 0007_client_title.sql
        0x2f8e080c91a523af, // 0008_messages.sql
        0x071903559462e7e6, // 0009_surveys_consents.sql
        0x4c0f7e14a2971585, // 0010_winback.sql
        0xb67083ac5bd704d4, // 0011_dashboard_indexes.sql
        0xf9dca0c267f053b6, // 0012_privacy_audit.sql
        0x6a3faf9eacf81385, // 0013_import_runs.sql
        0xa5b7481392163086, // 0014_pet_deceased.sql
        0x6dae6b6ae55a19f4, // 0015_versions.sql
        0xca65f2c9a253440c, // 0016_pcs.sql
        0x02d00bb0ca70b8a8, // 0017_more_versions.sql
    ];

    /// 0011 fills each pet's last visit from the visits already there, and its triggers keep
    /// it equal to the latest visit whatever writes one: a new visit, an edit of its time or
    /// its pet, a deletion.
    #[test]
    fn each_pet_keeps_its_last_visit() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        migrations().to_version(&mut conn, 10).unwrap();
        let visit = |id: i64, pet: i64, at: &str| {
            format!(
                "INSERT INTO visits (id, pet_id, at, kind, severity, created_at, updated_at)
                 VALUES ({id}, {pet}, '{at}', 'revision', 'leve', 't', 't');"
            )
        };
        conn.execute_batch(&format!(
            "INSERT INTO clients (id, first_name, surnames, preferred_channel, consent_care, consent_commercial, created_at, updated_at)
                 VALUES (7, 'María', 'Núñez', 'whatsapp', 1, 0, 't', 't');
             INSERT INTO pets (id, client_id, name, species, sex, created_at, updated_at) VALUES
                 (1, 7, 'Luna', 'perro', 'hembra', 't', 't'), (2, 7, 'Max', 'gato', 'macho', 't', 't');
             {}{}",
            visit(1, 1, "2025-03-01T10:00:00Z"),
            visit(2, 1, "2025-06-01T10:00:00Z")
        ))
        .unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let check = |step: &str| {
            let wrong: i64 = conn
                .query_row(
                    "SELECT count(*) FROM pets
                     WHERE last_visit_at IS NOT (SELECT max(at) FROM visits WHERE pet_id = pets.id)",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(wrong, 0, "{step}");
            conn.query_row("SELECT last_visit_at FROM pets WHERE id = 1", [], |r| {
                r.get::<_, Option<String>>(0)
            })
            .unwrap()
        };
        assert_eq!(check("filled").as_deref(), Some("2025-06-01T10:00:00Z"));
        let run = |sql: &str| conn.execute_batch(sql).unwrap();
        run(&visit(3, 1, "2025-04-01T10:00:00Z"));
        run(&visit(4, 2, "2026-01-01T10:00:00Z"));
        run("UPDATE visits SET at = '2024-01-01T10:00:00Z' WHERE id = 2");
        run("UPDATE visits SET pet_id = 2 WHERE id = 3");
        run("DELETE FROM visits WHERE id = 4");
        assert_eq!(
            check("after the edits").as_deref(),
            Some("2025-03-01T10:00:00Z")
        );
        conn.execute_batch("DELETE FROM visits").unwrap();
        assert_eq!(check("no visits left"), None);
    }

    /// 0014: a pet with a day of death becomes deceased, the others stay alive; the indexes
    /// that told the living by the day tell them by the flag, which takes 0 or 1 only.
    #[test]
    fn pets_with_a_day_of_death_become_deceased() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        migrations().to_version(&mut conn, 13).unwrap();
        conn.execute_batch(
            "INSERT INTO clients (id, first_name, surnames, preferred_channel, consent_care, consent_commercial, created_at, updated_at)
                 VALUES (7, 'María', 'Núñez', 'whatsapp', 1, 0, 't', 't');
             INSERT INTO pets (id, client_id, name, species, sex, birth_date, deceased_on, created_at, updated_at) VALUES
                 (1, 7, 'Luna', 'perro', 'hembra', '2019-04-03', NULL, 't', 't'),
                 (2, 7, 'Rocco', 'perro', 'macho', '2008-05-05', '2024-02-14', 't', 't');",
        )
        .unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let flags: Vec<(i64, i64)> = conn
            .prepare("SELECT id, deceased FROM pets ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(flags, [(1, 0), (2, 1)]);
        let index = |name: &str| -> String {
            conn.query_row(
                "SELECT sql FROM sqlite_master WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert!(index("pets_birthday").ends_with("WHERE birth_date IS NOT NULL AND deceased = 0"));
        assert!(index("pets_client_last").ends_with("(client_id, last_visit_at, deceased)"));
        assert!(conn
            .execute("UPDATE pets SET deceased = 2 WHERE id = 1", [])
            .is_err());
    }

    /// 0009 rebuilds `calls` and `clients`: a clinic's calls, their attempts and its clients
    /// come through whole, and the references still hold.
    #[test]
    fn rebuilding_calls_and_clients_keeps_every_row() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
        migrations().to_version(&mut conn, 8).unwrap();
        conn.execute_batch(
            "INSERT INTO staff (id, name, role) VALUES (1, 'Elena', 'veterinario');
             INSERT INTO clients (id, first_name, surnames, preferred_channel, consent_care, consent_commercial, source_id, created_at, updated_at, origin, phone1_e164, title)
                 VALUES (7, 'María', 'Núñez', 'whatsapp', 1, 0, 'C-7', 't', 't', 'import', '+34612345678', 'sra');
             INSERT INTO pets (id, client_id, name, species, sex, created_at, updated_at) VALUES (3, 7, 'Luna', 'perro', 'hembra', 't', 't');
             INSERT INTO visits (id, pet_id, at, kind, severity, created_at, updated_at) VALUES (5, 3, '2026-11-24T10:00:00Z', 'cirugia', 'grave', 't', 't');
             INSERT INTO calls (id, kind, visit_id, pet_id, staff_id, due_at, scheduled_at, duration_min, status, script, created_at, updated_at)
                 VALUES (9, 'seguimiento', 5, 3, 1, 'd', 's', 10, 'pendiente', 'Hola', 't', 't');
             INSERT INTO call_attempts (call_id, at, outcome) VALUES (9, 'a', 'no_contesta');
             INSERT INTO preventive_treatments (id, pet_id, kind, applied_on, next_due_on, created_at) VALUES
                 (1, 3, 'vacuna', '2025-01-10', '2026-01-10', 't'),
                 (2, 3, 'vacuna', '2026-01-12', '2027-01-12', 't');",
        )
        .unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let client: (String, String, String, String) = conn
            .query_row(
                "SELECT source_id, origin, phone1_e164, title FROM clients WHERE id = 7",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(
            client,
            (
                "C-7".into(),
                "import".into(),
                "+34612345678".into(),
                "sra".into()
            )
        );
        let call: (i64, String, i64) = conn
            .query_row(
                "SELECT visit_id, script, (SELECT count(*) FROM call_attempts WHERE call_id = calls.id) FROM calls WHERE id = 9",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(call, (5, "Hola".into(), 1));
        let checks: Vec<Option<String>> = conn
            .prepare("SELECT check_on FROM preventive_treatments ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            checks,
            [None, Some("2026-11-13".to_string())],
            "only the latest application is looked at, early"
        );
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        let broken: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(broken, 0);
        conn.execute(
            "UPDATE clients SET preferred_channel = 'ninguno' WHERE id = 7",
            [],
        )
        .unwrap();
    }

    #[test]
    fn shipped_migrations_are_never_edited() {
        for (i, (sql, want)) in SQL.iter().zip(SHIPPED).enumerate() {
            assert_eq!(
                hash(sql),
                *want,
                "migration {} was edited after it shipped: put the file back as it was and add a \
                 new migration instead",
                i + 1
            );
        }
        if let Some((i, sql)) = SQL.iter().enumerate().nth(SHIPPED.len()) {
            panic!(
                "migration {} is not pinned: add 0x{:016x} to SHIPPED when it ships",
                i + 1,
                hash(sql)
            );
        }
        assert!(
            SHIPPED.len() <= SQL.len(),
            "a shipped migration was removed"
        );
    }
}
