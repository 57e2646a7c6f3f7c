//! Backups and restore (issue 13): a verified copy of the database on demand, at start-up and
//! daily; the rotation of the copies; a restore that first keeps a copy of the database it
//! replaces. Which copies to keep, and their names, are the domain's
//! ([`fidelia_core::backup`]); the copy itself is SQLite's online backup API
//! ([`fidelia_store::Store::backup_to`]).
//!
//! The backup folder belongs to the PC (a USB drive, a network share), not to the clinic's
//! records: it is kept in a file of the app's configuration folder, so that it is known even
//! when the database cannot be opened.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{NaiveDateTime, TimeZone};
use fidelia_core::backup::{self, BackupKind};
use fidelia_core::ClinicTime;
use fidelia_store::server;
use fidelia_store::{verify_backup, Location, Result, Store, StoreError};
use serde::Serialize;

use crate::Clinic;

/// `$FIDELIA_BACKUP_DIR` names the backup folder (tests), over the PC's choice.
pub const BACKUP_DIR_ENV: &str = "FIDELIA_BACKUP_DIR";

/// Where Fidelia keeps backups unless told otherwise: `<app data>/<app id>/backups`.
pub fn default_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(crate::APP_ID)
        .join("backups")
}

fn choice_file() -> PathBuf {
    dirs::config_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(crate::APP_ID)
        .join("backup-folder.txt")
}

/// The backup folder: `$FIDELIA_BACKUP_DIR`, else the folder chosen on this PC, else
/// [`default_dir`].
pub fn dir() -> PathBuf {
    if let Some(p) = std::env::var_os(BACKUP_DIR_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    std::fs::read_to_string(choice_file())
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(default_dir)
}

/// Chooses this PC's backup folder (`None`: back to the default). The folder must exist or be
/// creatable, and be writable: checked by writing a file there.
pub fn set_dir(folder: Option<&Path>) -> std::io::Result<PathBuf> {
    let file = choice_file();
    match folder {
        None => {
            let _ = std::fs::remove_file(&file);
        }
        Some(f) => {
            std::fs::create_dir_all(f)?;
            let probe = f.join(".fidelia-write-test");
            std::fs::write(&probe, b"ok")?;
            std::fs::remove_file(&probe)?;
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&file, f.to_string_lossy().as_bytes())?;
        }
    }
    Ok(dir())
}

/// A backup file in the folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupFile {
    pub path: PathBuf,
    pub name: String,
    pub kind: BackupKind,
    /// When it was made, on the clinic's wall clock.
    pub made_at: NaiveDateTime,
    pub size: u64,
}

/// The backups in `dir`, newest first (other files are ignored).
pub fn list(dir: &Path) -> Vec<BackupFile> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<BackupFile> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (kind, made_at) = backup::parse_name(&name)?;
            Some(BackupFile {
                path: e.path(),
                size: e.metadata().map(|m| m.len()).unwrap_or(0),
                name,
                kind,
                made_at,
            })
        })
        .collect();
    files.sort_by(|a, b| b.made_at.cmp(&a.made_at).then(b.name.cmp(&a.name)));
    files
}

/// Deletes the backups rotation does not keep (with any log file beside them); returns how
/// many. A file that cannot be deleted (open elsewhere) is left for the next time.
pub fn rotate(dir: &Path) -> std::io::Result<usize> {
    let files = list(dir);
    let stamps: Vec<_> = files.iter().map(|f| (f.kind, f.made_at)).collect();
    let mut removed = 0;
    for (f, keep) in files.iter().zip(backup::to_keep(&stamps)) {
        if keep {
            continue;
        }
        match std::fs::remove_file(&f.path) {
            Ok(()) => {
                removed += 1;
                for side in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{side}", f.path.display()));
                }
            }
            Err(e) => log::warn!("backup rotation: {} left: {e}", f.name),
        }
    }
    Ok(removed)
}

/// A backup made and verified.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupMade {
    pub file: BackupFile,
    /// Rows copied, every table together (read back from the copy: the same).
    pub rows: i64,
    pub millis: u64,
    /// Older backups deleted by rotation.
    pub removed: usize,
}

/// Makes a backup of `kind` in `dir` under the name `name_of` gives it: `make` writes and
/// verifies it under a temporary name (returning its rows), and only then is it given its
/// name: a copy that fails half-way is never taken for a backup (it is removed).
fn keep_verified<Tz: TimeZone>(
    dir: &Path,
    kind: BackupKind,
    at: &ClinicTime<Tz>,
    name_of: fn(BackupKind, NaiveDateTime) -> String,
    make: impl FnOnce(&Path) -> Result<i64>,
) -> Result<(BackupFile, i64)> {
    std::fs::create_dir_all(dir)?;
    let made_at = at.now.with_timezone(&at.tz).naive_local();
    let name = name_of(kind, made_at);
    let path = dir.join(&name);
    let partial = dir.join(format!("{name}.partial"));
    let _ = std::fs::remove_file(&partial);
    let rows = match make(&partial) {
        Ok(rows) => rows,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, &path)?;
    let file = BackupFile {
        size: std::fs::metadata(&path)?.len(),
        path,
        name,
        kind,
        made_at,
    };
    Ok((file, rows))
}

/// Copies `store` into `dir` as a backup of `kind`, verified (it opens, passes
/// `quick_check`, and holds the rows that were copied).
fn copy_verified<Tz: TimeZone>(
    store: &Store,
    dir: &Path,
    kind: BackupKind,
    at: &ClinicTime<Tz>,
) -> Result<(BackupFile, i64)> {
    keep_verified(dir, kind, at, backup::file_name, |partial| {
        let counts = store.backup_to(partial)?;
        if verify_backup(partial)? == counts {
            Ok(counts.values().sum::<i64>())
        } else {
            Err(StoreError::Refused(
                "the copy does not hold the rows copied".into(),
            ))
        }
    })
}

/// Backs the clinic's server database at `url` up into `dir` as a backup of `kind`
/// (PostgreSQL's `pg_dump`, custom format), verified (`pg_restore` reads it, and it holds
/// every table of the clinic). The rows are those the tables held as the copy began.
fn dump_verified<Tz: TimeZone>(
    store: &Store,
    url: &str,
    dir: &Path,
    kind: BackupKind,
    at: &ClinicTime<Tz>,
) -> Result<(BackupFile, i64)> {
    keep_verified(dir, kind, at, backup::dump_name, |partial| {
        let rows = store.read(fidelia_store::copy::rows)?;
        server::dump(url, partial)
            .and_then(|()| server::dump_tables(partial))
            .map_err(StoreError::Server)
            .and_then(|tables| whole_clinic(&tables))?;
        Ok(rows)
    })
}

/// Whether a dump's tables are the clinic's, every one.
fn whole_clinic(tables: &[String]) -> Result<()> {
    let missing: Vec<&str> = fidelia_store::copy::TABLES
        .iter()
        .map(|(t, _)| *t)
        .filter(|t| !tables.iter().any(|d| d == t))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Refused(format!(
            "the backup lacks the tables {}",
            missing.join(", ")
        )))
    }
}

/// Puts the server backup `backup_file` in place of the clinic's server database (the
/// clinic's other PCs keep working: they see the restored data at their next read). The
/// backup is checked first (a readable dump of every table of the clinic); the database as it
/// is now is backed up into `dir` first (kind "before a restore"); then the dump is restored in
/// one transaction (`pg_restore --clean --single-transaction`: all or nothing).
pub fn restore_server<Tz: TimeZone>(
    clinic: &Clinic,
    backup_file: &Path,
    dir: &Path,
    at: &ClinicTime<Tz>,
) -> Result<Restored> {
    let Location::Server(url) = clinic.store.location().clone() else {
        return Err(StoreError::Refused("not a server database".into()));
    };
    whole_clinic(&server::dump_tables(backup_file).map_err(StoreError::Server)?)?;
    let (safety, _) = dump_verified(&clinic.store, &url, dir, BackupKind::BeforeRestore, at)?;
    server::restore_dump(&url, backup_file).map_err(StoreError::Server)?;
    let rows = clinic.store.read(fidelia_store::copy::rows)?;
    clinic
        .store
        .write(|db| crate::privacy::log_action(db, "restore", None, &safety.name, at.now))?;
    log::info!("server restored from {}", backup_file.display());
    Ok(Restored {
        safety_copy: Some(safety.path),
        rows,
    })
}

impl Clinic {
    /// Makes a verified backup in `dir`, then rotates the folder's backups. Run it on a
    /// [`Clinic::worker`] to keep the window's connection free. On the clinic's server, the
    /// backup is PostgreSQL's own dump.
    pub fn backup_now<Tz: TimeZone>(&self, dir: &Path, at: &ClinicTime<Tz>) -> Result<BackupMade> {
        let started = Instant::now();
        let (file, rows) = match self.store.location() {
            Location::Server(url) => dump_verified(&self.store, url, dir, BackupKind::Regular, at)?,
            Location::File(_) => copy_verified(&self.store, dir, BackupKind::Regular, at)?,
        };
        self.store
            .write(|db| crate::privacy::log_action(db, "backup", None, &file.name, at.now))?;
        let removed = rotate(dir).unwrap_or_else(|e| {
            log::warn!("backup rotation: {e}");
            0
        });
        log::info!(
            "backup: {} ({} bytes) in {} ms, {removed} old removed",
            file.name,
            file.size,
            started.elapsed().as_millis()
        );
        Ok(BackupMade {
            millis: started.elapsed().as_millis() as u64,
            file,
            rows,
            removed,
        })
    }
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Restored {
    /// The copy of the database as it was before (none when there was no database).
    pub safety_copy: Option<PathBuf>,
    pub rows: i64,
}

/// Puts `backup` in place of the database at `db`. Every connection to it must be closed: it
/// is checked (an exclusive lock taken without waiting), and a restore while Fidelia still
/// works on it (a batch of letters, a backup, the window while the CLI restores) is refused.
/// The backup is verified first (a damaged one, or one from a newer Fidelia, is refused and
/// nothing changes); the database being replaced is copied to `dir` as it is (readable or not,
/// with its write-ahead log); then the backup (with its own log, if a copy made before a
/// restore has one) is copied next to it, flushed to disk and renamed over it, opened (its
/// schema brought up to date) and checked. Returns the restored clinic.
pub fn restore<Tz: TimeZone>(
    db: &Path,
    backup_file: &Path,
    dir: &Path,
    at: &ClinicTime<Tz>,
) -> Result<(Clinic, Restored)> {
    let rows = verify_backup(backup_file)?.values().sum();
    if db.exists() && fidelia_store::in_use(db) {
        return Err(StoreError::Refused(fidelia_core::i18n::t(
            fidelia_core::Lang::default(),
            "err.restore_in_use",
        )));
    }
    std::fs::create_dir_all(dir)?;
    let wal = |p: &Path| PathBuf::from(format!("{}-wal", p.display()));
    let shm = |p: &Path| PathBuf::from(format!("{}-shm", p.display()));
    let safety_copy = if db.exists() {
        let name = backup::file_name(
            BackupKind::BeforeRestore,
            at.now.with_timezone(&at.tz).naive_local(),
        );
        let copy = dir.join(name);
        std::fs::copy(db, &copy)?;
        if wal(db).exists() {
            std::fs::copy(wal(db), wal(&copy))?;
        }
        Some(copy)
    } else {
        None
    };
    // The incoming file (and log), whole on disk before anything of the database is touched.
    let incoming = PathBuf::from(format!("{}.restoring", db.display()));
    let put_aside = |e: StoreError| {
        let _ = std::fs::remove_file(&incoming);
        let _ = std::fs::remove_file(wal(&incoming));
        e
    };
    let copy_synced = |from: &Path, to: &Path| -> std::io::Result<()> {
        std::fs::copy(from, to)?;
        std::fs::File::open(to)?.sync_all()
    };
    copy_synced(backup_file, &incoming).map_err(|e| put_aside(e.into()))?;
    if wal(backup_file).exists() {
        copy_synced(&wal(backup_file), &wal(&incoming)).map_err(|e| put_aside(e.into()))?;
    }
    // The database's own log is moved aside, not deleted, until the backup is in place.
    let aside: Vec<(PathBuf, PathBuf)> = [wal(db), shm(db)]
        .into_iter()
        .filter(|f| f.exists())
        .map(|f| {
            let to = PathBuf::from(format!("{}.replaced", f.display()));
            (f, to)
        })
        .collect();
    for (f, to) in &aside {
        std::fs::rename(f, to).map_err(|e| put_aside(e.into()))?;
    }
    let swapped = std::fs::rename(&incoming, db).and_then(|()| {
        if wal(&incoming).exists() {
            std::fs::rename(wal(&incoming), wal(db))
        } else {
            Ok(())
        }
    });
    if let Err(e) = swapped {
        for (f, to) in &aside {
            let _ = std::fs::rename(to, f);
        }
        return Err(put_aside(e.into()));
    }
    for (_, to) in &aside {
        let _ = std::fs::remove_file(to);
    }
    let clinic = Clinic::open(db)?;
    if !clinic.integrity_ok()? {
        return Err(StoreError::Refused(
            "the restored database fails its check".into(),
        ));
    }
    let name = backup_file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    clinic
        .store
        .write(|d| crate::privacy::log_action(d, "restore", None, &name, at.now))?;
    log::info!("restore: {} put in place", backup_file.display());
    if let Err(e) = rotate(dir) {
        log::warn!("backup rotation after a restore: {e}");
    }
    Ok((clinic, Restored { safety_copy, rows }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    /// A backup is a verified copy; a restore brings it back (and keeps the database it
    /// replaced); a damaged backup is refused and changes nothing.
    #[test]
    fn backup_then_restore_brings_the_clinic_back() {
        let root = temp_folder("backup-roundtrip");
        let (db, dir) = (root.join("clinic.sqlite3"), root.join("copias"));
        let s = Clinic::open(&db).unwrap();
        let maria = client(&s, "María", "Núñez", "612 345 678");
        let made = s.backup_now(&dir, &at()).unwrap();
        assert!(made.rows > 0 && made.file.size > 0);
        assert_eq!(
            list(&dir),
            std::slice::from_ref(&made.file),
            "only the finished file, named"
        );

        // After the backup: a client added, then lost with the database.
        client(&s, "Pedro", "Ruiz", "612 345 679");
        drop(s);
        std::fs::write(&db, b"not a database any more").unwrap();
        assert!(Clinic::open(&db).is_err());

        // A damaged backup is refused, and the database is left as it is.
        let bad = dir.join("fidelia-2026-11-01-100000.sqlite3");
        std::fs::write(&bad, b"garbage").unwrap();
        assert!(restore(&db, &bad, &dir, &at()).is_err());
        assert_eq!(std::fs::read(&db).unwrap(), b"not a database any more");
        std::fs::remove_file(&bad).unwrap();

        let (s, done) = restore(&db, &made.file.path, &dir, &at()).unwrap();
        let (n, hits) = s.clients_list(0, 10).unwrap();
        assert_eq!(
            (n, hits[0].client_id),
            (1, maria.id),
            "the clinic as it was backed up"
        );
        let safety = done.safety_copy.expect("the replaced database was kept");
        assert_eq!(std::fs::read(&safety).unwrap(), b"not a database any more");
        assert_eq!(
            list(&dir).len(),
            2,
            "the backup and the copy made before restoring"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// A restore never pulls the file from under a connection still open on it (a batch of
    /// letters, a backup, the window while the CLI restores): refused, nothing changed. An
    /// empty file named like a backup is no backup. A backup leaves no log files beside it.
    #[test]
    fn a_restore_waits_for_every_connection_and_an_empty_file_is_refused() {
        let root = temp_folder("backup-in-use");
        let (db, dir) = (root.join("clinic.sqlite3"), root.join("copias"));
        let s = Clinic::open(&db).unwrap();
        client(&s, "María", "Núñez", "612 345 678");
        let made = s.backup_now(&dir, &at()).unwrap();
        let siblings: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            siblings,
            std::slice::from_ref(&made.file.name),
            "one self-contained file"
        );
        let busy = restore(&db, &made.file.path, &dir, &at());
        assert!(
            matches!(busy, Err(StoreError::Refused(_))),
            "in use: refused"
        );
        assert_eq!(
            list(&dir).len(),
            1,
            "nothing done: no copy of the database either"
        );
        let empty = dir.join("fidelia-2026-11-30-100000.sqlite3");
        std::fs::write(&empty, b"").unwrap();
        drop(s);
        assert!(
            restore(&db, &empty, &dir, &at()).is_err(),
            "an empty file is no backup"
        );
        std::fs::remove_file(&empty).unwrap();
        let (back, _) = restore(&db, &made.file.path, &dir, &at()).unwrap();
        assert_eq!(back.clients_list(0, 1).unwrap().0, 1);
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// A backup taken while another connection writes is one snapshot: its rows are exactly
    /// those it says it copied.
    #[test]
    fn a_backup_is_one_snapshot_while_others_write() {
        let root = temp_folder("backup-snapshot");
        let db = root.join("clinic.sqlite3");
        let s = Clinic::open(&db).unwrap();
        s.load_demo(3, fidelia_core::demo::DemoSize::DEMO, &at())
            .unwrap();
        let writer = s.worker().unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop2 = stop.clone();
        let t = std::thread::spawn(move || {
            let mut i = 0;
            while !stop2.load(std::sync::atomic::Ordering::SeqCst) {
                client(&writer, &format!("Nuevo{i}"), "Cliente", "612 000 000");
                i += 1;
            }
            i
        });
        for _ in 0..3 {
            s.worker()
                .unwrap()
                .backup_now(&root.join("copias"), &at())
                .unwrap();
        }
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        assert!(
            t.join().unwrap() > 0,
            "the other connection wrote meanwhile"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
