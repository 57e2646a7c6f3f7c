//! The clinic's server database, for a clinic with several PCs: PostgreSQL on the clinic's
//! main PC, reached over the clinic's network (the `postgres` crate: a synchronous client,
//! like the rest of this crate's calls, so the callers need no runtime of their own).
//!
//! What is here so far: telling what a server database is ("test the connection": reachable,
//! the right password, an empty database, Fidelia's, a newer Fidelia's) and bringing its
//! schema up to date with the PostgreSQL migrations (`migrations/pg/`, numbered as the SQLite
//! ones: after migration N both engines hold the same tables, columns, constraints, indexes
//! and triggers). The tables' statements run on SQLite only for now.

use std::time::Duration;

use postgres::error::SqlState;
use postgres::{Client, Config};
use serde::Serialize;

/// The PostgreSQL migrations, in order; the version of an up-to-date server database is their
/// count, as for SQLite.
const PG_SQL: &[&str] = &[
    include_str!("../migrations/pg/0001_records.sql"),
    include_str!("../migrations/pg/0002_calls.sql"),
    include_str!("../migrations/pg/0003_import.sql"),
    include_str!("../migrations/pg/0004_call_indexes.sql"),
    include_str!("../migrations/pg/0005_letters.sql"),
    include_str!("../migrations/pg/0006_search_index.sql"),
    include_str!("../migrations/pg/0007_client_title.sql"),
    include_str!("../migrations/pg/0008_messages.sql"),
    include_str!("../migrations/pg/0009_surveys_consents.sql"),
    include_str!("../migrations/pg/0010_winback.sql"),
    include_str!("../migrations/pg/0011_dashboard_indexes.sql"),
    include_str!("../migrations/pg/0012_privacy_audit.sql"),
    include_str!("../migrations/pg/0013_import_runs.sql"),
    include_str!("../migrations/pg/0014_pet_deceased.sql"),
    include_str!("../migrations/pg/0015_versions.sql"),
    include_str!("../migrations/pg/0016_pcs.sql"),
    include_str!("../migrations/pg/0017_more_versions.sql"),
];

/// The table that says a database is Fidelia's, and at which schema version.
const VERSION_TABLE: &str = "fidelia_schema";

/// The schema version of a server database of Fidelia's.
pub(crate) const VERSION_QUERY: &str = "SELECT version FROM fidelia_schema";

/// The advisory lock every write transaction takes first: writers follow one another, as on
/// SQLite ("FIDELIA" + 1 in ASCII, beside the migrations' lock).
pub(crate) const WRITE_LOCK: i64 = 0x0046_4944_454c_4942;

/// How long reaching the server may take before it counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// What a reachable server database holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum ServerState {
    /// Fidelia's, at this schema version (this build's, or older: brought up to date when
    /// opened).
    #[serde(rename_all = "camelCase")]
    Fidelia { schema: i64 },
    /// No tables at all: ready to receive a clinic's data.
    Empty,
}

/// Why a server database cannot be used. Each has a dictionary key (`key`) for the window and
/// the CLI, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServerProblem {
    /// The address cannot be read as a PostgreSQL connection (`postgres://user@host:port/db`).
    #[error("not a server address: {0}")]
    BadAddress(String),
    /// Nothing answers at that host and port (the server PC off, PostgreSQL stopped, a
    /// firewall, a wrong address).
    #[error("the server does not answer: {0}")]
    Unreachable(String),
    /// The server refused the user or its password.
    #[error("wrong user or password")]
    WrongPassword,
    /// The server has no database of that name.
    #[error("no database of that name on the server")]
    NoDatabase,
    /// The database holds tables, but not Fidelia's.
    #[error("the database is not Fidelia's")]
    NotFidelia,
    /// The database sorts text by a language's rules (its collation), where Fidelia needs the
    /// byte order SQLite uses (`C`): key ranges such as a message's items would match
    /// nothing, and lists would sort otherwise.
    #[error("the database sorts text by {0:?}, not C")]
    Collation(String),
    /// Fidelia's, written by a newer Fidelia than this one.
    #[error("the database's schema {schema} is newer than this Fidelia's ({known})")]
    Newer { schema: i64, known: i64 },
    /// Anything else the server said.
    #[error("server error: {0}")]
    Other(String),
}

impl ServerProblem {
    /// The dictionary key of the message for the clinic.
    pub fn key(&self) -> &'static str {
        match self {
            ServerProblem::BadAddress(_) => "server.bad_address",
            ServerProblem::Unreachable(_) => "server.unreachable",
            ServerProblem::WrongPassword => "server.wrong_password",
            ServerProblem::NoDatabase => "server.no_database",
            ServerProblem::NotFidelia => "server.not_fidelia",
            ServerProblem::Collation(_) => "server.collation",
            ServerProblem::Newer { .. } => "server.newer",
            ServerProblem::Other(_) => "server.other",
        }
    }
}

impl ServerProblem {
    /// The message for the clinic, in plain words.
    pub fn message(&self, lang: fidelia_core::Lang) -> String {
        let text = fidelia_core::i18n::t(lang, self.key());
        match self {
            ServerProblem::Newer { schema, known } => text
                .replace("{schema}", &schema.to_string())
                .replace("{known}", &known.to_string()),
            ServerProblem::Other(detail) => text.replace("{detail}", detail),
            ServerProblem::Collation(collation) => text.replace("{collation}", collation),
            _ => text,
        }
    }
}

impl ServerState {
    /// "Connected: …", for the clinic.
    pub fn message(&self, lang: fidelia_core::Lang) -> String {
        let key = match self {
            ServerState::Fidelia { .. } => "server.ok_fidelia",
            ServerState::Empty => "server.ok_empty",
        };
        fidelia_core::i18n::t(lang, key)
    }
}

impl From<postgres::Error> for ServerProblem {
    fn from(e: postgres::Error) -> Self {
        match e.code() {
            Some(c) if *c == SqlState::INVALID_PASSWORD => ServerProblem::WrongPassword,
            // No such role, or no pg_hba.conf line lets it in from this PC.
            Some(c) if *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
                ServerProblem::WrongPassword
            }
            Some(c) if *c == SqlState::INVALID_CATALOG_NAME => ServerProblem::NoDatabase,
            Some(_) => ServerProblem::Other(e.to_string()),
            // No answer from a server (nothing listening, a timeout, the connection lost).
            None => ServerProblem::Unreachable(e.to_string()),
        }
    }
}

/// For tests: the URL of the test server (`FIDELIA_TEST_PG`, a database its user may create
/// others from; scripts/test.sh starts one). Without it: a failure in CI (`CI` set), where
/// the server tests must run; elsewhere `None`, and the test says it was skipped.
#[doc(hidden)]
pub fn test_server() -> Option<String> {
    if let Some(url) = std::env::var("FIDELIA_TEST_PG")
        .ok()
        .filter(|u| !u.is_empty())
    {
        return Some(url);
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !ci,
        "FIDELIA_TEST_PG is not set: in CI the server tests must run (scripts/test.sh starts the cluster)"
    );
    eprintln!("SKIPPED: no PostgreSQL server (FIDELIA_TEST_PG unset; scripts/test.sh starts one)");
    None
}

/// For tests: a new, empty database named `name` on the test server (dropped first if a
/// previous run left it), its URL; `None` as [`test_server`] says.
#[doc(hidden)]
pub fn test_database(name: &str) -> Option<String> {
    let admin = test_server()?;
    let mut client = connect(&admin).expect("the test server answers");
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        client.batch_execute(&sql).expect("a test database is made");
    }
    let base = admin.rsplit_once('/').expect("a URL with a database").0;
    Some(format!("{base}/{name}"))
}

/// The schema version an up-to-date server database has.
pub fn pg_schema_version() -> i64 {
    PG_SQL.len() as i64
}

/// `url` with its password left out (`postgres://fidelia@host:5432/clinica`), to show, to
/// log and to hand to PostgreSQL's programs: written after the user (`user:password@`) or as
/// a parameter (`?password=…`).
pub fn without_password(url: &str) -> String {
    let (address, params) = url.split_once('?').unwrap_or((url, ""));
    let address = match address.split_once("://").and_then(|(scheme, rest)| {
        let (auth, host) = rest.rsplit_once('@')?;
        let user = auth.split_once(':').map_or(auth, |(u, _)| u);
        Some(format!("{scheme}://{user}@{host}"))
    }) {
        Some(shown) => shown,
        None => address.to_owned(),
    };
    let kept: Vec<&str> = params
        .split('&')
        .filter(|p| !p.is_empty() && !p.to_ascii_lowercase().starts_with("password="))
        .collect();
    if kept.is_empty() {
        address
    } else {
        format!("{address}?{}", kept.join("&"))
    }
}

/// Connects to the server database at `url` (`postgres://user:password@host:port/database`).
pub fn connect(url: &str) -> Result<Client, ServerProblem> {
    let mut config: Config = url
        .parse()
        .map_err(|e: postgres::Error| ServerProblem::BadAddress(e.to_string()))?;
    config.connect_timeout(CONNECT_TIMEOUT);
    config.application_name("fidelia");
    // A main PC that loses power or its network is noticed in about 25 s (the window says
    // so), and a statement waiting on it gives up after 30 s, rather than the system's
    // defaults (a first probe after two hours; a quarter of an hour of retries).
    config
        .keepalives(true)
        .keepalives_idle(Duration::from_secs(10))
        .keepalives_interval(Duration::from_secs(5))
        .keepalives_retries(3)
        .tcp_user_timeout(Duration::from_secs(30));
    Ok(config.connect(tls()?)?)
}

/// TLS as PostgreSQL's own clients do by default (`sslmode=prefer`): the connection is
/// encrypted when the server offers it (Debian's `postgresql` package turns it on, with a
/// certificate of its own making), plain otherwise; `sslmode=require` in the address refuses a
/// plain one, `sslmode=disable` never tries. As with `prefer` and `require` there, the
/// server's certificate is not checked against an authority: a clinic's server has none but
/// its own.
pub(crate) fn tls() -> Result<postgres_native_tls::MakeTlsConnector, ServerProblem> {
    let connector = native_tls::TlsConnector::builder()
        .danger_accept_invalid_certs(true)
        .danger_accept_invalid_hostnames(true)
        .build()
        .map_err(|e| ServerProblem::Other(format!("TLS: {e}")))?;
    Ok(postgres_native_tls::MakeTlsConnector::new(connector))
}

/// What the database at `url` is: "test the connection". Writes nothing.
pub fn check(url: &str) -> Result<ServerState, ServerProblem> {
    let mut client = connect(url)?;
    state(&mut client)
}

/// What the connected database is.
pub fn state(client: &mut Client) -> Result<ServerState, ServerProblem> {
    let found = state_of_tables(client)?;
    // Text compared and sorted byte by byte, as in SQLite (`C`, by the C library).
    let row = client.query_one(
        "SELECT datlocprovider::text, datcollate::text, coalesce(daticulocale, '')::text
         FROM pg_database WHERE datname = current_database()",
        &[],
    )?;
    let (provider, collate, icu): (String, String, String) = (row.get(0), row.get(1), row.get(2));
    let bytewise = ["C", "POSIX", "C.UTF-8", "C.utf8"].contains(&collate.as_str());
    if provider != "c" || !bytewise {
        let named = if provider == "i" { icu } else { collate };
        return Err(ServerProblem::Collation(named));
    }
    Ok(found)
}

fn state_of_tables(client: &mut Client) -> Result<ServerState, ServerProblem> {
    let ours: bool = client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&VERSION_TABLE])?
        .get(0);
    if ours {
        let schema: i64 = client
            .query_one(&format!("SELECT version FROM {VERSION_TABLE}"), &[])?
            .get(0);
        let known = pg_schema_version();
        return if schema > known {
            Err(ServerProblem::Newer { schema, known })
        } else {
            Ok(ServerState::Fidelia { schema })
        };
    }
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
            &[],
        )?
        .get(0);
    if tables == 0 {
        Ok(ServerState::Empty)
    } else {
        Err(ServerProblem::NotFidelia)
    }
}

/// Brings the server database's schema up to date: an empty database gets Fidelia's whole
/// schema, Fidelia's an older one the migrations it lacks, each in a transaction of its own
/// (several PCs starting at once wait for each other: an advisory lock). Refuses a database
/// that is not Fidelia's or is newer. Returns the version reached.
pub fn migrate(client: &mut Client) -> Result<i64, ServerProblem> {
    /// The advisory lock held while migrating ("FIDELIA" in ASCII).
    const LOCK: i64 = 0x0046_4944_454c_4941;
    let mut version = match state(client)? {
        ServerState::Fidelia { schema } => schema,
        ServerState::Empty => 0,
    };
    for (i, sql) in PG_SQL.iter().enumerate().skip(version as usize) {
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])?;
        tx.batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version BIGINT NOT NULL);
             INSERT INTO {VERSION_TABLE} (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {VERSION_TABLE});"
        ))?;
        // Another PC may have migrated while this one waited for the lock.
        let now: i64 = tx
            .query_one(&format!("SELECT version FROM {VERSION_TABLE}"), &[])?
            .get(0);
        if now > i as i64 {
            version = now;
            tx.commit()?;
            continue;
        }
        tx.batch_execute(sql)?;
        tx.execute(
            &format!("UPDATE {VERSION_TABLE} SET version = $1"),
            &[&(i as i64 + 1)],
        )?;
        tx.commit()?;
        version = i as i64 + 1;
    }
    Ok(version)
}

// ---- backups of the server database: PostgreSQL's own tools

/// A PostgreSQL client program (`pg_dump`, `pg_restore`): on the PATH, else in the newest
/// installed version's folder (Debian's `/usr/lib/postgresql/N/bin`, the Windows installer's
/// `C:\Program Files\PostgreSQL\N\bin`).
fn tool(name: &str) -> Result<std::path::PathBuf, ServerProblem> {
    let exe = if cfg!(windows) {
        format!("{name}.exe")
    } else {
        name.to_owned()
    };
    let on_path = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(&exe))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let mut installed: Vec<std::path::PathBuf> =
        ["/usr/lib/postgresql", "C:\\Program Files\\PostgreSQL"]
            .iter()
            .filter_map(|root| std::fs::read_dir(root).ok())
            .flat_map(|d| d.flatten().map(|e| e.path().join("bin").join(&exe)))
            .collect();
    // The newest version first (a dump needs a pg_dump at least as new as the server).
    installed.sort_by_key(|p| {
        std::cmp::Reverse(
            p.parent()
                .and_then(|b| b.parent())
                .and_then(|v| v.file_name())
                .and_then(|v| v.to_str())
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(0),
        )
    });
    installed
        .into_iter()
        .chain(on_path)
        .find(|p| p.is_file())
        .ok_or_else(|| {
            ServerProblem::Other(format!(
                "{name} was not found: install PostgreSQL's client programs (postgresql-client)"
            ))
        })
}

/// `tool` run for the database at `url`: the address as an argument, the password in the
/// environment (never on a command line another user could read).
fn run_tool(name: &str, url: &str, args: &[&std::ffi::OsStr]) -> Result<String, ServerProblem> {
    let config: Config = url
        .parse()
        .map_err(|e: postgres::Error| ServerProblem::BadAddress(e.to_string()))?;
    let mut cmd = std::process::Command::new(tool(name)?);
    cmd.args(args).arg("--dbname").arg(without_password(url));
    if let Some(p) = config.get_password() {
        cmd.env("PGPASSWORD", String::from_utf8_lossy(p).as_ref());
    }
    let out = cmd
        .output()
        .map_err(|e| ServerProblem::Other(format!("{name}: {e}")))?;
    if !out.status.success() {
        return Err(ServerProblem::Other(format!(
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Backs the server database at `url` up into `file` (`pg_dump`, custom format: compressed,
/// one consistent snapshot while the PCs keep working).
pub fn dump(url: &str, file: &std::path::Path) -> Result<(), ServerProblem> {
    run_tool(
        "pg_dump",
        url,
        &[
            "--format=custom".as_ref(),
            "--no-owner".as_ref(),
            "--file".as_ref(),
            file.as_os_str(),
        ],
    )
    .map(|_| ())
}

/// The tables whose rows a dump holds (`pg_restore --list`): a file that is not a readable
/// dump is an error.
pub fn dump_tables(file: &std::path::Path) -> Result<Vec<String>, ServerProblem> {
    let out = std::process::Command::new(tool("pg_restore")?)
        .arg("--list")
        .arg(file)
        .output()
        .map_err(|e| ServerProblem::Other(format!("pg_restore: {e}")))?;
    if !out.status.success() {
        return Err(ServerProblem::Other(format!(
            "not a readable backup: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    // "3456; 0 16390 TABLE DATA public clients fidelia"
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with(';'))
        .filter_map(|l| l.split_once(" TABLE DATA ").map(|(_, rest)| rest))
        .filter_map(|rest| rest.split_whitespace().nth(1).map(str::to_owned))
        .collect())
}

/// Puts the dump `file` in place of the server database at `url`, in one transaction: every
/// table emptied and filled from the dump, or nothing changed.
pub fn restore_dump(url: &str, file: &std::path::Path) -> Result<(), ServerProblem> {
    run_tool(
        "pg_restore",
        url,
        &[
            "--clean".as_ref(),
            "--if-exists".as_ref(),
            "--no-owner".as_ref(),
            "--single-transaction".as_ref(),
            file.as_os_str(),
        ],
    )?;
    // The planner's statistics of the tables just filled.
    connect(url)?.batch_execute("ANALYZE")?;
    Ok(())
}

/// Whether the server at `url` runs on this PC (the clinic's main PC): its address is this
/// PC's (`localhost`, a loopback address, or this PC's name). The scheduled backups of the
/// server database are made there only.
pub fn runs_here(url: &str) -> bool {
    let Ok(config) = url.parse::<Config>() else {
        return false;
    };
    let name = std::env::var("COMPUTERNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|n| n.trim().to_lowercase())
        .unwrap_or_default();
    config.get_hosts().iter().all(|h| match h {
        postgres::config::Host::Tcp(host) => {
            let host = host.to_lowercase();
            let host = host.trim_end_matches(".local");
            host == "localhost"
                || host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
                || (!name.is_empty() && host == name)
        }
        #[cfg(unix)]
        postgres::config::Host::Unix(_) => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_left_out_wherever_it_is_written() {
        assert_eq!(
            without_password("postgres://fidelia:s3cr%40t@pc1:5432/clinica"),
            "postgres://fidelia@pc1:5432/clinica"
        );
        assert_eq!(
            without_password("postgres://fidelia@pc1/clinica?sslmode=require&password=s3cret"),
            "postgres://fidelia@pc1/clinica?sslmode=require"
        );
        assert_eq!(
            without_password("postgresql://pc1/clinica?Password=x&user=fidelia"),
            "postgresql://pc1/clinica?user=fidelia"
        );
    }

    #[test]
    fn the_server_runs_here_when_its_address_is_this_pc() {
        assert!(runs_here("postgres://fidelia:x@localhost:5432/clinica"));
        assert!(runs_here("postgres://fidelia:x@127.0.0.1:5432/clinica"));
        assert!(runs_here("postgres://fidelia:x@[::1]:5432/clinica"));
        assert!(!runs_here(
            "postgres://fidelia:x@recepcion.local:5432/clinica"
        ));
        assert!(!runs_here("postgres://fidelia:x@192.168.1.20:5432/clinica"));
        assert!(!runs_here("not a url"));
    }
}
