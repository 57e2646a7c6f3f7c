//! Fidelia's storage. Every SQL statement of the app lives in this crate, so that moving the
//! clinic to a shared server database one day touches this crate only.
//!
//! One SQLite file (WAL, foreign keys, busy timeout set on every connection), versioned
//! append-only migrations, and [`tables`]: one module per table, each with its SQL, its row
//! type and its get / insert / update, none calling another. Operations that span tables (a
//! visit and its call, a death and what it cancels, the import, letters) are not here: they
//! live in `fidelia-ops`, which runs them through [`Store::write`], one transaction each.

pub mod bulk;
pub mod copy;
pub mod export;
pub mod kpi;
mod migrations;
pub mod privacy;
pub mod server;
pub mod sql;
pub mod tables;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, NaiveDate, Utc};
use fidelia_core::Invalid;
use rusqlite::Connection;

/// The application identifier: the data folder's name under the OS app-data folder.
pub const APP_ID: &str = "es.fidelia.desktop";
/// Environment variable that overrides the database path.
pub const DB_ENV: &str = "FIDELIA_DB";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid input")]
    Invalid(Invalid),
    #[error("record not found")]
    NotFound,
    /// The action was refused; the message is already in the clinic's language.
    #[error("refused: {0}")]
    Refused(String),
    /// Someone else changed the record since the screen showed it (another PC): nothing was
    /// written; the message is already in the clinic's language.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("server database error: {0}")]
    Postgres(#[from] postgres::Error),
    /// The server database cannot be used (unreachable, refused, not Fidelia's…).
    #[error("{0}")]
    Server(server::ServerProblem),
    /// A column held what its reader did not expect.
    #[error("unexpected column value: {0}")]
    Column(String),
    #[error("migration error: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("CSV error: {0}")]
    Csv(#[from] csv::Error),
    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<Invalid> for StoreError {
    fn from(e: Invalid) -> Self {
        StoreError::Invalid(e)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The clinic's database: a SQLite file on this PC, or the clinic's server database shared
/// by its PCs (PostgreSQL). One connection behind a mutex; the callers do not know which
/// engine is under them.
pub struct Store {
    engine: Engine,
    location: Location,
}

enum Engine {
    Sqlite(Mutex<Connection>),
    Server(Box<Mutex<ServerConnection>>),
}

/// Where the clinic's database is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file on this PC.
    File(PathBuf),
    /// A PostgreSQL database (`postgres://user:password@host:port/database`).
    Server(String),
}

impl Location {
    /// A `postgres://` or `postgresql://` URL is a server database; anything else a file.
    pub fn parse(s: &str) -> Location {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Location::Server(s.to_owned())
        } else {
            Location::File(PathBuf::from(s))
        }
    }

    /// The SQLite file, if the database is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Location::File(p) => Some(p),
            Location::Server(_) => None,
        }
    }

    /// This PC's folder for Fidelia's own files (a file handed over for import): the
    /// database's folder, or the OS app-data folder when the database is on a server.
    pub fn local_folder(&self) -> PathBuf {
        match self {
            Location::File(p) => p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_owned),
            Location::Server(_) => app_data_folder(),
        }
    }
}

/// Shown to people and written in logs: a server's address without its password.
impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(p) => write!(f, "{}", p.display()),
            Location::Server(url) => f.write_str(&server::without_password(url)),
        }
    }
}

/// The OS app-data folder of Fidelia (`<data>/es.fidelia.desktop`).
pub fn app_data_folder() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_ID)
}

/// Where the database lives: `$FIDELIA_DB` if set (a file, or a `postgres://` URL), else
/// `<OS app-data>/es.fidelia.desktop/fidelia.sqlite3`.
pub fn default_location() -> Location {
    match std::env::var(DB_ENV).ok().filter(|p| !p.is_empty()) {
        Some(s) => Location::parse(&s),
        None => Location::File(app_data_folder().join("fidelia.sqlite3")),
    }
}

/// The server connection, made again when it was lost (the server restarted, the network
/// came back): the next call reconnects by itself. Its statements are prepared once each
/// ([`sql::Cached`]).
struct ServerConnection {
    url: String,
    client: Option<postgres::Client>,
    statements: sql::Statements,
}

impl ServerConnection {
    /// The connection, made first if there is none or it was lost.
    fn take(&mut self) -> Result<postgres::Client> {
        match self.client.take() {
            Some(c) if !c.is_closed() => Ok(c),
            _ => {
                self.statements.clear();
                server::connect(&self.url).map_err(StoreError::Server)
            }
        }
    }
}

impl Drop for ServerConnection {
    fn drop(&mut self) {
        // Closing the connection blocks on the driver's own runtime.
        if let Some(client) = self.client.take() {
            off_runtime(|| drop(client));
        }
    }
}

/// Runs `f`, which blocks on the server driver's own runtime (the `postgres` client), where
/// that is allowed: a thread of an async runtime (the window's async commands run on one)
/// first hands its other tasks to the runtime's other threads.
fn off_runtime<R>(f: impl FnOnce() -> R) -> R {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// The channel every write on the server is announced on when it commits (PostgreSQL's
/// `NOTIFY`), with the writing process's [`process_tag`]: the other PCs' windows refresh.
const CHANGES: &str = "fidelia_changes";

/// This process, among the clinic's PCs (its id and start time).
fn process_tag() -> &'static str {
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(|| {
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        format!("{}-{started}", std::process::id())
    })
}

/// A connection of its own to the clinic's server that hears what the other PCs (other
/// processes) commit: see [`Changes::wait`].
pub struct Changes {
    client: postgres::Client,
}

impl Changes {
    /// Listens on the server database at `url`.
    pub fn listen(url: &str) -> Result<Changes> {
        off_runtime(|| {
            let mut client = server::connect(url).map_err(StoreError::Server)?;
            client.batch_execute(&format!("LISTEN {CHANGES}"))?;
            Ok(Changes { client })
        })
    }

    /// Waits at most `timeout` for a write of another process to be committed; `true` when
    /// one (or several) was. An error when the connection is lost (listen again).
    pub fn wait(&mut self, timeout: std::time::Duration) -> Result<bool> {
        off_runtime(|| {
            let mine = process_tag();
            let mut changed = false;
            use fallible_iterator::FallibleIterator;
            let first = self.client.notifications().timeout_iter(timeout).next()?;
            if let Some(n) = first {
                changed |= n.payload() != mine;
                // And whatever else came meanwhile, without waiting.
                let mut heard = self.client.notifications();
                let mut more = heard.iter();
                while let Some(n) = more.next()? {
                    changed |= n.payload() != mine;
                }
            }
            if self.client.is_closed() {
                return Err(StoreError::Server(server::ServerProblem::Unreachable(
                    "the listening connection was closed".into(),
                )));
            }
            Ok(changed)
        })
    }
}

/// How long a write waits for another PC's write before it gives up (as SQLite's busy
/// timeout on one PC).
const WRITE_WAIT: &str = "30s";

/// What [`Store::on_server`] runs `f` in.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// No transaction: each statement on its own, as [`Store::read`] on SQLite.
    Read,
    /// A transaction holding the write lock, committed when `f` succeeds (and announced).
    Write,
    /// As `Write`, not announced to the other PCs (housekeeping: a PC saying it runs).
    WriteQuiet,
    /// A transaction holding the write lock, always rolled back.
    Rehearse,
}

/// Brings the schema up to date with foreign keys off (a migration may rebuild a table; each
/// is checked with `foreign_key_check`), then turns them on for good.
fn migrate(conn: &mut Connection) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    migrations::migrations().to_latest(conn)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // Another connection writing (an import, the CLI, another PC's window) is waited for: an
    // import of a large export holds the write lock for its one transaction.
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.pragma_update(None, "mmap_size", 268_435_456)?;
    // Statement journals and sorts in memory, not in temporary files.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

impl Store {
    /// Opens the clinic's database wherever it is: a SQLite file (created if needed) or a
    /// server database (which must be empty or Fidelia's); its schema brought up to date.
    pub fn open_at(location: &Location) -> Result<Store> {
        match location {
            Location::File(p) => Store::open(p),
            Location::Server(url) => Store::open_server(url),
        }
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        migrate(&mut conn)?;
        Ok(Store {
            engine: Engine::Sqlite(Mutex::new(conn)),
            location: Location::File(path.to_owned()),
        })
    }

    /// Opens the server database at `url` (empty, or Fidelia's of this version or older) and
    /// brings its schema up to date.
    pub fn open_server(url: &str) -> Result<Store> {
        let client = off_runtime(|| {
            let mut client = server::connect(url)?;
            server::migrate(&mut client)?;
            Ok(client)
        })
        .map_err(StoreError::Server)?;
        Ok(Store {
            engine: Engine::Server(Box::new(Mutex::new(ServerConnection {
                url: url.to_owned(),
                client: Some(client),
                statements: sql::Statements::default(),
            }))),
            location: Location::Server(url.to_owned()),
        })
    }

    /// A fresh database in memory, for tests.
    pub fn open_in_memory() -> Result<Store> {
        let mut conn = Connection::open_in_memory()?;
        configure(&conn)?;
        migrate(&mut conn)?;
        Ok(Store {
            engine: Engine::Sqlite(Mutex::new(conn)),
            location: Location::File(PathBuf::new()),
        })
    }

    /// The SQLite file, when the database is one (not in memory, not on a server).
    pub fn path(&self) -> Option<&Path> {
        self.location.path().filter(|p| !p.as_os_str().is_empty())
    }

    /// Where the database is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Whether the database is the clinic's server database.
    pub fn is_server(&self) -> bool {
        matches!(self.engine, Engine::Server(_))
    }

    /// The SQLite connection (Store-level work that exists for SQLite only: the file's
    /// backups, its integrity check), or `None` on a server.
    fn sqlite(&self) -> Option<MutexGuard<'_, Connection>> {
        match &self.engine {
            // A panic while holding the lock leaves a usable connection: SQLite rolled back.
            Engine::Sqlite(c) => Some(c.lock().unwrap_or_else(|e| e.into_inner())),
            Engine::Server(_) => None,
        }
    }

    /// Runs `f` on the server as `mode` says. A write begins by taking the database's write
    /// lock, so writers follow one another as on SQLite (waiting at most [`WRITE_WAIT`]); it
    /// is committed when `f` succeeds, rolled back otherwise. The connection is handed to `f`
    /// and back: if `f` panics it is dropped, and the server rolls back what was begun.
    fn on_server<T, E: From<StoreError>>(
        server: &Mutex<ServerConnection>,
        mode: Mode,
        f: impl FnOnce(&Db) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        off_runtime(|| Store::on_server_here(server, mode, f))
    }

    fn on_server_here<T, E: From<StoreError>>(
        server: &Mutex<ServerConnection>,
        mode: Mode,
        f: impl FnOnce(&Db) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let mut guard = server.lock().unwrap_or_else(|e| e.into_inner());
        let mut client = guard.take()?;
        if mode != Mode::Read {
            // One round trip: the transaction, its wait limit and the write lock.
            if let Err(e) = client.batch_execute(&format!(
                "BEGIN; SET LOCAL lock_timeout = '{WRITE_WAIT}'; SELECT pg_advisory_xact_lock({});",
                server::WRITE_LOCK
            )) {
                if !client.is_closed() {
                    let _ = client.batch_execute("ROLLBACK");
                    guard.client = Some(client);
                }
                return Err(StoreError::from(e).into());
            }
        }
        let cancel = client.cancel_token();
        let session = std::cell::RefCell::new(sql::Cached::new(client, &mut guard.statements));
        let out = f(&Db::pg(&session, Some(cancel)));
        let (mut client, changed) = session.into_inner().into_client();
        let ended = match (mode, &out) {
            (Mode::Read, _) => Ok(()),
            // The other PCs hear of it when it commits (and not if it rolls back, nor if it
            // changed nothing: a morning pass with nothing new).
            (Mode::Write, Ok(_)) if changed => {
                client.batch_execute(&format!("NOTIFY {CHANGES}, '{}'; COMMIT", process_tag()))
            }
            (Mode::Write | Mode::WriteQuiet, Ok(_)) => client.batch_execute("COMMIT"),
            _ => client.batch_execute("ROLLBACK"),
        };
        guard.client = Some(client);
        ended.map_err(StoreError::from)?;
        out
    }

    /// Runs `f` on the database without a transaction (reads): each statement on its own.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Db) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        match &self.engine {
            Engine::Sqlite(_) => f(&Db::sqlite(&self.sqlite().expect("a SQLite store"))),
            Engine::Server(s) => Store::on_server(s, Mode::Read, f),
        }
    }

    /// Runs `f` in one transaction: committed if `f` succeeds, rolled back otherwise. The
    /// transaction takes the write lock at once (`BEGIN IMMEDIATE`; on a server, the
    /// database's write lock), so an operation that reads then writes waits for another
    /// writer instead of failing halfway.
    pub fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Db) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.transaction(Mode::Write, f)
    }

    /// [`Store::write`] for housekeeping the other PCs' windows need not hear of (on a server
    /// each write is announced to them: they refresh what they show).
    pub fn write_unannounced<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Db) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.transaction(Mode::WriteQuiet, f)
    }

    /// A write transaction on either engine (`mode`: announced or not, on a server).
    fn transaction<T, E: From<StoreError>>(
        &self,
        mode: Mode,
        f: impl FnOnce(&Db) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        match &self.engine {
            Engine::Sqlite(c) => transact(&mut c.lock().unwrap_or_else(|e| e.into_inner()), f),
            Engine::Server(s) => Store::on_server(s, mode, f),
        }
    }

    /// [`Store::write`] for a transaction that writes a lot (an import): on SQLite a bigger
    /// page cache while it grows (bounded: 16 MiB), so SQLite does not spill half-written
    /// pages to the WAL and read them back.
    pub fn write_large<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Db) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let Some(mut conn) = self.sqlite() else {
            return self.write(f);
        };
        large(&conn, true).map_err(StoreError::from)?;
        let journal = Journal::rollback_if_alone(&conn);
        let result = transact(&mut conn, f);
        journal.restore(&conn);
        large(&conn, false).map_err(StoreError::from)?;
        result
    }

    /// Runs `f` in a transaction that is always rolled back: what a write would do, and nothing
    /// written (previews, dry runs).
    pub fn rehearse<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Db) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let mut conn = match &self.engine {
            Engine::Sqlite(c) => c.lock().unwrap_or_else(|e| e.into_inner()),
            Engine::Server(s) => return Store::on_server(s, Mode::Rehearse, f),
        };
        // Immediate, like a write: a deferred transaction that starts writing after another
        // connection committed fails at once instead of waiting.
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let out = f(&Db::sqlite(&tx));
        drop(tx);
        out
    }

    /// Runs `PRAGMA quick_check`; `Ok(true)` when the file is sound. A server database keeps
    /// itself sound (its own write-ahead log and checksums): `Ok(true)` once it answers.
    pub fn integrity_ok(&self) -> Result<bool> {
        let Some(conn) = self.sqlite() else {
            return self.read(|db| db.value::<i64>("SELECT 1", &[]).map(|one| one == 1));
        };
        let r: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        Ok(r == "ok")
    }

    /// SQLite's full `integrity_check`, on a connection of its own when the database is a file
    /// (the window's connection stays free): the problems it reports, none when sound. A
    /// server database: none once it answers (see [`Store::integrity_ok`]).
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let check = |c: &Connection| -> Result<Vec<String>> {
            let mut st = c.prepare("PRAGMA integrity_check")?;
            let rows: Vec<String> = st
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(if rows == ["ok"] { Vec::new() } else { rows })
        };
        match (self.path(), self.sqlite()) {
            (Some(p), Some(_)) => check(&Connection::open_with_flags(
                p,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )?),
            (None, Some(conn)) => check(&conn),
            (_, None) => self.integrity_ok().map(|_| Vec::new()),
        }
    }

    /// Copies the database to `dest` (a new file) with SQLite's online backup API, inside a
    /// read transaction, so that the copy and the row counts returned are the same snapshot
    /// whatever other connections write meanwhile. A server database is backed up by
    /// `pg_dump`, not by this.
    pub fn backup_to(&self, dest: &Path) -> Result<RowCounts> {
        let Some(mut conn) = self.sqlite() else {
            return Err(StoreError::Refused(
                "a server database is backed up on the server (pg_dump)".into(),
            ));
        };
        let tx = conn.transaction()?;
        let counts = row_counts(&tx)?;
        let mut out = Connection::open(dest)?;
        rusqlite::backup::Backup::new(&tx, &mut out)?.step(-1)?;
        drop(tx); // read only: nothing to commit
                  // One self-contained file: no write-ahead log beside it when it is read back.
        out.pragma_update(None, "journal_mode", "DELETE")?;
        Ok(counts)
    }

    /// Removes what an erasure left behind ([`privacy::compact`] on SQLite, a `VACUUM` of the
    /// client's tables on a server: [`privacy::server_vacuum`]).
    pub fn compact(&self) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(_) => self.read(privacy::compact),
            Engine::Server(s) => off_runtime(|| {
                let mut guard = s.lock().unwrap_or_else(|e| e.into_inner());
                let mut client = guard.take()?;
                let done = client.batch_execute(&privacy::server_vacuum());
                guard.client = Some(client);
                Ok(done?)
            }),
        }
    }

    /// The schema's version: the number of migrations applied (numbered alike on both
    /// engines).
    pub fn schema_version(&self) -> Result<i64> {
        match self.sqlite() {
            Some(conn) => Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?),
            None => self.read(|db| db.value(server::VERSION_QUERY, &[])),
        }
    }

    /// Database size in bytes (pages × page size; on a server, the database's size on disk).
    pub fn size_bytes(&self) -> Result<i64> {
        match self.sqlite() {
            Some(conn) => Ok(conn.query_row(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                [],
                |r| r.get(0),
            )?),
            None => self.read(|db| db.value("SELECT pg_database_size(current_database())", &[])),
        }
    }
}

/// Rows per table of a database, by table name (every table of the schema).
pub type RowCounts = std::collections::BTreeMap<String, i64>;

fn row_counts(conn: &Connection) -> Result<RowCounts> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    tables
        .into_iter()
        .map(|t| {
            let n = conn.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))?;
            Ok((t, n))
        })
        .collect()
}

/// Checks a backup file: it opens read-only, SQLite's `quick_check` passes, and its rows per
/// table are read back (to compare with what was copied). Refused when it is not sound.
pub fn verify_backup(path: &Path) -> Result<RowCounts> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(StoreError::Refused(format!("quick_check: {check}")));
    }
    // A clinic's database of this Fidelia or an older one (an empty file, or a newer
    // Fidelia's, is not something to restore).
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let counts = row_counts(&conn)?;
    let clinic = ["clients", "pets", "visits"]
        .iter()
        .all(|t| counts.contains_key(*t));
    if version < 1 || version > migrations::count() as i64 || !clinic {
        return Err(StoreError::Refused(format!(
            "not a Fidelia database this version can open (schema {version})"
        )));
    }
    Ok(counts)
}

/// Whether another connection has the database at `path` open (an exclusive lock cannot be
/// taken at once). A file that is not a database is not "in use".
pub fn in_use(path: &Path) -> bool {
    let Ok(conn) = Connection::open(path) else {
        return false;
    };
    let _ = conn.busy_timeout(std::time::Duration::ZERO);
    let taken = conn
        .pragma_update(None, "locking_mode", "EXCLUSIVE")
        .and_then(|()| conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;"));
    matches!(
        taken,
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::DatabaseBusy
            || e.code == rusqlite::ErrorCode::DatabaseLocked
    )
}

/// A connection set for one large transaction (an import of a decade of records) and back:
/// an 8 MiB page cache (a sort may take as much again: a million-row import peaks under
/// 50 MiB; 16 MiB was no faster and peaked at 64); the file not mapped into memory (the
/// pages an import touches would count in its memory) and sorts (an index rebuilt over a
/// million visits) spilled to a temporary file rather than held in memory.
fn large(conn: &Connection, on: bool) -> rusqlite::Result<()> {
    let (cache, mmap, temp) = if on {
        (-8_192, 0, "FILE")
    } else {
        (-2_000, 268_435_456, "MEMORY")
    };
    conn.pragma_update(None, "cache_size", cache)?;
    conn.pragma_update(None, "mmap_size", mmap)?;
    conn.pragma_update(None, "temp_store", temp)
}

/// The journal a large transaction writes. With the write-ahead log every page is written
/// twice (to the log, then into the file at the checkpoint); with a rollback journal only the
/// pages that held data before are copied aside, and the pages a load adds to the file (most
/// of an import into a new clinic) are written once. Switched only when this connection has the
/// file to itself (SQLite refuses the switch otherwise: the log stays, and nothing else
/// changes), and back to the log right after.
struct Journal {
    switched: bool,
}

impl Journal {
    fn rollback_if_alone(conn: &Connection) -> Journal {
        let mode = |m: &str| -> rusqlite::Result<String> {
            conn.pragma_update_and_check(None, "journal_mode", m, |r| r.get(0))
        };
        let was_wal = conn
            .pragma_query_value(None, "journal_mode", |r| r.get::<_, String>(0))
            .is_ok_and(|m| m.eq_ignore_ascii_case("wal"));
        let switched =
            was_wal && mode("TRUNCATE").is_ok_and(|m| m.eq_ignore_ascii_case("truncate"));
        // A rollback journal is durable across a power cut only when synced at each commit.
        if switched {
            let _ = conn.pragma_update(None, "synchronous", "FULL");
        }
        Journal { switched }
    }

    fn restore(self, conn: &Connection) {
        if !self.switched {
            return;
        }
        let back = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
            .and_then(|_| conn.pragma_update(None, "synchronous", "NORMAL"));
        if let Err(e) = back {
            log::warn!("the database keeps a rollback journal until it is opened again: {e}");
        }
    }
}

fn transact<T, E: From<StoreError>>(
    conn: &mut Connection,
    f: impl FnOnce(&Db) -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(StoreError::from)?;
    let out = f(&Db::sqlite(&tx))?;
    tx.commit().map_err(StoreError::from)?;
    Ok(out)
}

/// The database as the table functions see it: inside [`Store::read`], [`Store::write`] or
/// [`Store::rehearse`]. Only this crate can reach the connection, so only this crate has SQL.
pub struct Db<'c> {
    engine: sql::Engine<'c>,
    /// What stops the statement running on the server ([`Db::interrupter`]).
    cancel: Option<postgres::CancelToken>,
}

impl<'c> Db<'c> {
    pub(crate) fn sqlite(conn: &'c Connection) -> Db<'c> {
        Db {
            engine: sql::Engine::Sqlite(conn),
            cancel: None,
        }
    }

    /// A database on a PostgreSQL session (a transaction of [`Store`], or of a test).
    pub(crate) fn pg(
        session: &'c std::cell::RefCell<dyn sql::PgSession + 'c>,
        cancel: Option<postgres::CancelToken>,
    ) -> Db<'c> {
        Db {
            engine: sql::Engine::Pg(session),
            cancel,
        }
    }

    /// The SQLite connection, for what exists for SQLite only (its schema objects, VACUUM).
    pub(crate) fn conn(&self) -> &'c Connection {
        match self.engine {
            sql::Engine::Sqlite(c) => c,
            sql::Engine::Pg(_) => panic!("this statement is not yet written for PostgreSQL"),
        }
    }

    /// The SQLite connection, or `None` on a server.
    pub(crate) fn sqlite_conn(&self) -> Option<&'c Connection> {
        match self.engine {
            sql::Engine::Sqlite(c) => Some(c),
            sql::Engine::Pg(_) => None,
        }
    }

    /// A handle another thread can use to stop the statement running on this connection (a
    /// cancelled import's index rebuild); the statement fails and the transaction rolls back.
    pub fn interrupter(&self) -> Interrupter {
        match (&self.engine, &self.cancel) {
            (sql::Engine::Sqlite(c), _) => Interrupter::Sqlite(c.get_interrupt_handle()),
            (sql::Engine::Pg(_), cancel) => Interrupter::Server(cancel.clone()),
        }
    }
}

/// See [`Db::interrupter`].
pub enum Interrupter {
    Sqlite(rusqlite::InterruptHandle),
    /// The server's cancel request (none for a session made without one: a test's).
    Server(Option<postgres::CancelToken>),
}

impl Interrupter {
    pub fn interrupt(&self) {
        match self {
            Interrupter::Sqlite(h) => h.interrupt(),
            Interrupter::Server(Some(token)) => {
                let sent = server::tls()
                    .map_err(|e| e.to_string())
                    .and_then(|tls| token.cancel_query(tls).map_err(|e| e.to_string()));
                if let Err(e) = sent {
                    log::warn!("the server did not take the cancel request: {e}");
                }
            }
            Interrupter::Server(None) => {}
        }
    }
}

// ---- column conversions shared by the table modules

/// An instant as stored: UTC text `YYYY-MM-DDTHH:MM:SSZ`.
pub fn ts(t: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    let (d, h) = (t.date_naive(), t.time());
    if (0..=9999).contains(&d.year()) {
        // Digit by digit, without the formatting machinery: an import writes a million.
        let mut b = *b"0000-00-00T00:00:00Z";
        digits(&mut b[0..4], d.year() as u32);
        digits(&mut b[5..7], d.month());
        digits(&mut b[8..10], d.day());
        digits(&mut b[11..13], h.hour());
        digits(&mut b[14..16], h.minute());
        digits(&mut b[17..19], h.second());
        b.iter().map(|&c| c as char).collect()
    } else {
        t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

/// Writes `n` in decimal into `out`, zero-padded to its length.
fn digits(out: &mut [u8], mut n: u32) {
    for c in out.iter_mut().rev() {
        *c = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

pub(crate) fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    // What `ts` writes, read by position (the dashboard reads hundreds of thousands); anything
    // else (an older row, a hand edit) through the full RFC 3339 parser.
    if let Some(t) = parse_own_ts(s.as_bytes()) {
        return Ok(t);
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the one form [`ts`] writes.
fn parse_own_ts(b: &[u8]) -> Option<DateTime<Utc>> {
    let form = b"dddd-dd-ddTdd:dd:ddZ";
    if b.len() != form.len()
        || !b.iter().zip(form).all(|(c, f)| match f {
            b'd' => c.is_ascii_digit(),
            f => c == f,
        })
    {
        return None;
    }
    let n = |r: std::ops::Range<usize>| {
        b[r].iter()
            .fold(0u32, |acc, c| acc * 10 + u32::from(c - b'0'))
    };
    let day = chrono::NaiveDate::from_ymd_opt(n(0..4) as i32, n(5..7), n(8..10))?;
    let time = chrono::NaiveTime::from_hms_opt(n(11..13), n(14..16), n(17..19))?;
    Some(day.and_time(time).and_utc())
}

/// An instant that may be absent (a nullable timestamp column).
pub(crate) fn parse_opt_ts(s: Option<String>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    s.map(|s| parse_ts(&s)).transpose()
}

pub(crate) fn day(d: NaiveDate) -> String {
    use chrono::Datelike;
    if (0..=9999).contains(&d.year()) {
        let mut b = *b"0000-00-00";
        digits(&mut b[0..4], d.year() as u32);
        digits(&mut b[5..7], d.month());
        digits(&mut b[8..10], d.day());
        b.iter().map(|&c| c as char).collect()
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

pub(crate) fn parse_day(s: Option<String>) -> rusqlite::Result<Option<NaiveDate>> {
    s.map(|s| {
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

/// Reads a closed-list word from a column.
pub(crate) fn word<T>(s: String, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(&s).ok_or_else(|| StoreError::Column(format!("unknown value {s:?}")))
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::*;

    pub fn store() -> Store {
        Store::open_in_memory().expect("an in-memory database opens and migrates")
    }

    /// A database on the test server (`FIDELIA_TEST_PG`, started by scripts/test.sh) with
    /// Fidelia's schema, made once per test process; `None` outside CI without a server.
    fn pg_url() -> Option<&'static str> {
        static URL: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        URL.get_or_init(|| {
            let url = server::test_database(&format!("fidelia_unit_{}", std::process::id()))?;
            server::migrate(&mut server::connect(&url).unwrap()).expect("the schema applies");
            Some(url)
        })
        .as_deref()
    }

    /// An instant as the database writes them (`2026-12-01T10:00:00Z`).
    pub fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("an instant")
    }

    /// A day (`2026-12-01`).
    pub fn date(s: &str) -> NaiveDate {
        s.parse().expect("a day")
    }

    /// Another pet of `client` (a cat), written with a plain statement.
    pub fn another_pet(db: &Db, client: fidelia_core::ClientId, name: &str) -> fidelia_core::PetId {
        let id = db
            .insert(
                "INSERT INTO pets (client_id, name, species, sex, created_at, updated_at)
                 VALUES (?1, ?2, 'gato', 'macho', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                &crate::vals![client.0, name],
            )
            .unwrap();
        fidelia_core::PetId(id)
    }

    /// A consultation of `pet` at `at` (an instant as the database writes them), billed
    /// `amount` cents if known.
    pub fn visit(db: &Db, pet: fidelia_core::PetId, at: &str, amount: Option<i64>) {
        db.execute(
            "INSERT INTO visits (pet_id, at, kind, severity, amount_cents, created_at, updated_at)
             VALUES (?1, ?2, 'consulta', 'leve', ?3, ?2, ?2)",
            &crate::vals![pet.0, at, amount],
        )
        .unwrap();
    }

    /// A client with one pet (a dog), written with plain statements, for the tables that
    /// point at them.
    pub fn client_and_pet(db: &Db, name: &str) -> (fidelia_core::ClientId, fidelia_core::PetId) {
        let now = "2026-12-01T10:00:00Z";
        let client = db
            .insert(
                "INSERT INTO clients (first_name, surnames, phone1, preferred_channel, consent_care, consent_commercial, created_at, updated_at)
                 VALUES (?1, 'Núñez', '612345678', 'telefono', 1, 0, ?2, ?2)",
                &crate::vals![name, now],
            )
            .unwrap();
        let pet = db
            .insert(
                "INSERT INTO pets (client_id, name, species, sex, created_at, updated_at)
                 VALUES (?1, 'Luna', 'perro', 'hembra', ?2, ?2)",
                &crate::vals![client, now],
            )
            .unwrap();
        (fidelia_core::ClientId(client), fidelia_core::PetId(pet))
    }

    /// Runs `f` on a new SQLite database, then on the test server's database (each in a
    /// transaction rolled back at the end): the same statements, the same answers.
    pub fn on_each_engine(f: impl Fn(&Db)) {
        store()
            .rehearse(|db| {
                f(db);
                Ok::<_, StoreError>(())
            })
            .unwrap();
        if let Some(url) = pg_url() {
            let mut client = server::connect(url).unwrap();
            let tx = client.transaction().unwrap();
            let session = std::cell::RefCell::new(tx);
            f(&Db::pg(&session, None));
            session.into_inner().rollback().unwrap();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast reading of what `ts` writes agrees with the full parser, and what it cannot
    /// read goes to that parser.
    #[test]
    fn timestamps_read_back() {
        for s in [
            "2026-12-03T18:41:14Z",
            "2000-02-29T00:00:00Z",
            "1999-12-31T23:59:59Z",
        ] {
            let t = parse_ts(s).unwrap();
            assert_eq!(t, DateTime::parse_from_rfc3339(s).unwrap());
            assert_eq!(ts(t), s);
            assert_eq!(day(t.date_naive()), &s[..10]);
        }
        // Beside chrono's formatting, over years of every width.
        for y in [0, 7, 42, 999, 1000, 2026, 9999] {
            let d = NaiveDate::from_ymd_opt(y, 3, 9).unwrap();
            let t = d.and_hms_opt(4, 5, 6).unwrap().and_utc();
            assert_eq!(day(d), d.format("%Y-%m-%d").to_string());
            assert_eq!(ts(t), t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
        assert_eq!(
            parse_ts("2026-12-03T19:41:14+01:00").unwrap(),
            parse_ts("2026-12-03T18:41:14Z").unwrap()
        );
        for bad in [
            "2026-02-30T10:00:00Z",
            "2026-12-03T24:00:00Z",
            "2026-1-03T10:00:00Z",
            "",
        ] {
            assert!(parse_ts(bad).is_err(), "{bad}");
        }
    }

    /// A large write on a file it has to itself goes through a rollback journal (pages
    /// written once) and leaves the file in write-ahead-log mode; beside another connection it
    /// keeps the log; either way a failed one leaves nothing.
    #[test]
    fn a_large_write_journals_once_when_alone_and_leaves_the_log_mode() {
        let dir = std::env::temp_dir().join(format!("fidelia-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("clinic.sqlite3");
        let store = Store::open(&path).unwrap();
        let mode = |db: &Db| -> String {
            db.conn()
                .pragma_query_value(None, "journal_mode", |r| r.get(0))
                .unwrap()
        };
        let count = |s: &Store| -> i64 {
            s.read(|db| db.value("SELECT count(*) FROM staff", &[]))
                .unwrap()
        };
        let add = |db: &Db| {
            db.execute(
                "INSERT INTO staff (name, role, active) VALUES ('Eva', 'recepcion', 1)",
                &[],
            )
        };
        // The journal mode inside a large write that adds a row.
        let mode_while_adding = || {
            store
                .write_large(|db| -> Result<String> {
                    add(db)?;
                    Ok(mode(db))
                })
                .unwrap()
        };
        let inside = mode_while_adding();
        assert_eq!(inside, "truncate");
        assert_eq!(
            store.read(|db| Ok::<_, StoreError>(mode(db))).unwrap(),
            "wal"
        );
        assert_eq!(count(&store), 1);

        // Another connection on the file (the window beside the CLI): the log stays.
        let other = Connection::open(&path).unwrap();
        let _: i64 = other
            .query_row("SELECT count(*) FROM staff", [], |r| r.get(0))
            .unwrap();
        let inside = mode_while_adding();
        assert_eq!(inside, "wal");
        assert_eq!(count(&store), 2);
        drop(other);

        // A load that fails half-way leaves the file as it was, in log mode.
        let failed = store.write_large(|db| -> Result<()> {
            add(db)?;
            Err(StoreError::NotFound)
        });
        assert!(failed.is_err());
        assert_eq!(count(&store), 2);
        assert_eq!(
            store.read(|db| Ok::<_, StoreError>(mode(db))).unwrap(),
            "wal"
        );
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
