//! The server database (PostgreSQL) of a clinic with several PCs: what "test the connection"
//! says of each kind of server, and the PostgreSQL schema beside SQLite's.
//!
//! These tests need a PostgreSQL server: `scripts/test.sh` starts a throwaway cluster and sets
//! `FIDELIA_TEST_PG` (the URL of its `postgres` database, as a user who may create databases).
//! Without it they fail in CI and say they were skipped elsewhere.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use fidelia_store::server::{self, ServerProblem, ServerState};
use fidelia_store::Store;

/// A new empty database on the test server, and its URL; `None` outside CI without a server.
fn fresh_database() -> Option<String> {
    static N: AtomicUsize = AtomicUsize::new(0);
    server::test_database(&format!(
        "fidelia_t{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ))
}

fn with_database(url: &str, db: &str) -> String {
    format!("{}/{db}", url.rsplit_once('/').unwrap().0)
}

#[test]
fn test_the_connection_tells_each_kind_of_server_apart() {
    let Some(url) = fresh_database() else { return };
    // An empty database: ready to receive a clinic.
    assert_eq!(server::check(&url), Ok(ServerState::Empty));

    // Brought up to date: Fidelia's, at this build's version; again, nothing to do.
    let mut client = server::connect(&url).unwrap();
    let latest = server::pg_schema_version();
    assert_eq!(server::migrate(&mut client), Ok(latest));
    assert_eq!(server::migrate(&mut client), Ok(latest));
    assert_eq!(
        server::check(&url),
        Ok(ServerState::Fidelia { schema: latest })
    );

    // A newer Fidelia wrote it.
    client
        .execute("UPDATE fidelia_schema SET version = version + 1", &[])
        .unwrap();
    assert_eq!(
        server::check(&url),
        Err(ServerProblem::Newer {
            schema: latest + 1,
            known: latest
        })
    );
    assert!(matches!(
        server::migrate(&mut client),
        Err(ServerProblem::Newer { .. })
    ));

    // Another program's database.
    let other = fresh_database().unwrap();
    server::connect(&other)
        .unwrap()
        .batch_execute("CREATE TABLE facturas (id BIGINT PRIMARY KEY)")
        .unwrap();
    assert_eq!(server::check(&other), Err(ServerProblem::NotFidelia));
    assert_eq!(
        server::migrate(&mut server::connect(&other).unwrap()),
        Err(ServerProblem::NotFidelia)
    );

    // A database that sorts text by a language's rules (Spanish, by ICU).
    let base = url.rsplit_once('/').unwrap().0;
    let name = format!("fidelia_es_{}", std::process::id());
    server::connect(&format!("{base}/postgres"))
        .unwrap()
        .batch_execute(&format!(
            "CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'es-ES' LOCALE 'C.UTF-8'"
        ))
        .unwrap();
    let spanish = format!("{base}/{name}");
    assert_eq!(
        server::check(&spanish),
        Err(ServerProblem::Collation("es-ES".into()))
    );
    assert!(ServerProblem::Collation("es-ES".into())
        .message(fidelia_core::Lang::Es)
        .contains("es-ES"));
    assert!(matches!(
        server::migrate(&mut server::connect(&spanish).unwrap()),
        Err(ServerProblem::Collation(_))
    ));

    // No such database, a wrong password, nothing listening, not an address.
    assert_eq!(
        server::check(&with_database(&url, "no_existe")),
        Err(ServerProblem::NoDatabase)
    );
    let (credentials, host) = url.rsplit_once('@').unwrap();
    let user = credentials.rsplit_once(':').unwrap().0;
    let wrong = format!("{user}:mal@{host}");
    assert_eq!(server::check(&wrong), Err(ServerProblem::WrongPassword));
    let closed_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    assert!(matches!(
        server::check(&format!(
            "postgres://fidelia:x@127.0.0.1:{closed_port}/fidelia"
        )),
        Err(ServerProblem::Unreachable(_))
    ));
    assert!(matches!(
        server::check("esto no es una dirección"),
        Err(ServerProblem::BadAddress(_))
    ));
    for p in [
        ServerProblem::WrongPassword,
        ServerProblem::NoDatabase,
        ServerProblem::NotFidelia,
    ] {
        assert!(p.key().starts_with("server."));
    }
}

/// Table → its columns in order, each with whether it may be empty (NULL).
type Columns = BTreeMap<String, Vec<(String, bool)>>;

fn sqlite_schema() -> (Columns, Vec<String>, Vec<String>) {
    let dir = std::env::temp_dir().join(format!("fidelia-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("clinic.sqlite3");
    let _ = std::fs::remove_file(&path);
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let names = |kind: &str| -> Vec<String> {
        let mut st = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = ?1 AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap();
        st.query_map([kind], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let mut columns = Columns::new();
    for table in names("table") {
        let mut st = conn
            .prepare(
                "SELECT name, \"notnull\" = 0 AND pk = 0 FROM pragma_table_info(?1) ORDER BY cid",
            )
            .unwrap();
        let cols = st
            .query_map([&table], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        columns.insert(table, cols);
    }
    let (indexes, triggers) = (names("index"), names("trigger"));
    let _ = std::fs::remove_dir_all(&dir);
    (columns, indexes, triggers)
}

fn pg_schema(url: &str) -> (Columns, Vec<String>, Vec<String>) {
    let mut client = server::connect(url).unwrap();
    let mut columns = Columns::new();
    for row in client
        .query(
            "SELECT table_name::text, column_name::text, is_nullable = 'YES'
             FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name <> 'fidelia_schema'
             ORDER BY table_name, ordinal_position",
            &[],
        )
        .unwrap()
    {
        columns
            .entry(row.get(0))
            .or_default()
            .push((row.get(1), row.get(2)));
    }
    // Indexes made by CREATE INDEX (not those of primary keys and UNIQUE constraints, which
    // SQLite names sqlite_autoindex_*).
    let indexes = client
        .query(
            "SELECT i.indexname::text FROM pg_indexes i
             WHERE i.schemaname = current_schema()
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
             ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let triggers = client
        .query(
            "SELECT DISTINCT trigger_name::text FROM information_schema.triggers
             WHERE trigger_schema = current_schema() ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    (columns, indexes, triggers)
}

/// After the last migration both engines hold the same tables with the same columns in the
/// same order (and the same ones may be empty), the same indexes and the same triggers.
#[test]
fn both_engines_hold_the_same_schema() {
    let Some(url) = fresh_database() else { return };
    server::migrate(&mut server::connect(&url).unwrap()).unwrap();
    let (sqlite, pg) = (sqlite_schema(), pg_schema(&url));
    assert_eq!(
        sqlite.0.keys().collect::<Vec<_>>(),
        pg.0.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (table, cols) in &sqlite.0 {
        assert_eq!(Some(cols), pg.0.get(table), "the columns of {table}");
    }
    assert_eq!(sqlite.1, pg.1, "the same indexes");
    assert_eq!(sqlite.2, pg.2, "the same triggers");
}

/// On a server, each kind of write commits: announced or not (a PC saying it runs), and a
/// rehearsal does not.
#[test]
fn every_kind_of_write_commits_on_the_server() {
    use fidelia_store::tables::settings::claim_day;
    let Some(url) = fresh_database() else { return };
    let store = Store::open_server(&url).unwrap();
    let day: chrono::NaiveDate = "2026-12-01".parse().unwrap();
    let claim = |key: &'static str| move |db: &fidelia_store::Db| claim_day(db, key, day);
    assert!(store.rehearse(claim("ensayo")).unwrap());
    assert!(
        store.rehearse(claim("ensayo")).unwrap(),
        "a rehearsal keeps nothing"
    );
    assert!(store.write(claim("escrito")).unwrap());
    assert!(!store.write(claim("escrito")).unwrap(), "a write is kept");
    assert!(store.write_unannounced(claim("callado")).unwrap());
    assert!(
        !store.write_unannounced(claim("callado")).unwrap(),
        "an unannounced write is kept too"
    );
}

/// TLS when the server offers it (the test cluster does, as Debian's package does): the
/// connection is encrypted; `sslmode=disable` in the address keeps it plain.
#[test]
fn the_connection_is_encrypted_when_the_server_offers_it() {
    let Some(url) = fresh_database() else { return };
    let encrypted = |url: &str| -> bool {
        server::connect(url)
            .unwrap()
            .query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .unwrap()
            .get(0)
    };
    assert!(encrypted(&url), "TLS offered, TLS used");
    assert!(!encrypted(&format!("{url}?sslmode=disable")));
    // The stores' connections too.
    let store = Store::open_server(&format!("{url}?sslmode=require")).unwrap();
    assert!(store.integrity_ok().unwrap());
}
