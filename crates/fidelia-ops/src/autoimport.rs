//! The import history, and the folder Fidelia watches: most practice-management systems can
//! write their export to a folder every night; Fidelia imports each new or changed file there
//! with the mapping remembered for its headers (else the one detected, when no required column
//! is missing), and never the same content twice.
//!
//! # Public API
//!
//! ```ignore
//! clinic.set_import_folder("/path/or/empty") -> Result<Settings>   // checked: a folder, or "" (off)
//! clinic.import_and_record(src, "name.csv", RunOrigin::Window, &opts, progress, &cancel, &at) -> Outcome<Report>
//! clinic.import_from_folder(&dir, &mut memo, &at) -> Result<FolderPass>  // one pass over the folder
//! clinic.import_history(20) -> Result<Vec<ImportRun>>
//! ```
//!
//! # Rules
//!
//! - Every run from the window, the CLI or the folder is kept in the history with its report,
//!   or with why the file could not be imported (in the clinic's language). A cancelled import
//!   is not a run.
//! - A folder file is taken once it has not changed for [`SETTLE`] (the exporting program may
//!   still be writing it); files whose name starts with `.` or ends in `~`, and files that are
//!   not `.csv` or `.txt`, are left alone.
//! - A file whose content (SHA-256) is in the history is not imported again, whatever its name:
//!   re-exporting the same data changes nothing. A changed file is imported again (idempotent
//!   on the source ids: only what changed is written).
//! - A database error is not a run: the file is tried again at the next pass.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, SystemTime};

use chrono::TimeZone;
use fidelia_core::import::{ImportOptions, ImportRun, Report, RunOrigin};
use fidelia_core::settings::Settings;
use fidelia_core::{ClinicTime, Invalid};
use fidelia_store::tables::{import_runs, settings};
use fidelia_store::Result;
use sha2::{Digest, Sha256};

use crate::import::{ImportFailure, ImportSource};
use crate::Clinic;

/// How long a folder's file must stay unchanged before it is imported.
pub const SETTLE: Duration = Duration::from_secs(2);

/// What the watcher remembers between passes: the size and time of each file already looked
/// at, so an unchanged file is not read again.
#[derive(Debug, Default)]
pub struct FolderMemo {
    known: HashMap<PathBuf, (u64, SystemTime)>,
}

impl FolderMemo {
    /// Whether `dir` holds a file not looked at, or changed, since: a pass has work (no
    /// database needed to tell).
    pub fn has_news(&self, dir: &Path) -> bool {
        candidates(dir).is_ok_and(|files| {
            files
                .iter()
                .any(|(p, len, m)| self.known.get(p) != Some(&(*len, *m)))
        })
    }
}

/// What one pass over the folder did.
#[derive(Debug, Default)]
pub struct FolderPass {
    /// The runs made (imported, or the file could not be read).
    pub runs: Vec<ImportRun>,
    /// Files still being written: look again soon.
    pub waiting: usize,
}

/// SHA-256 of a file's bytes, in hex (streamed).
pub fn file_hash(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(hex::encode(h.finalize()));
        }
        h.update(&buf[..n]);
    }
}

/// The files of `dir` an export could be, oldest first.
fn candidates(dir: &Path) -> std::io::Result<Vec<(PathBuf, u64, SystemTime)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let ext = Path::new(&name)
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase());
        if name.starts_with('.')
            || name.ends_with('~')
            || !matches!(ext.as_deref(), Some("csv" | "txt"))
        {
            continue;
        }
        let meta = entry.metadata()?;
        if meta.is_file() {
            out.push((entry.path(), meta.len(), meta.modified()?));
        }
    }
    out.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
    Ok(out)
}

impl Clinic {
    /// Sets the folder to import from ("" turns it off); a folder that does not exist is
    /// refused with a message (field `importFolder`).
    pub fn set_import_folder(&self, folder: &str) -> Result<Settings> {
        let folder = folder.trim();
        if !folder.is_empty() && !Path::new(folder).is_dir() {
            return Err(Invalid::single("importFolder", "err.import_folder_missing").into());
        }
        self.store.write(|db| {
            let s = Settings {
                import_folder: folder.to_owned(),
                ..settings::read(db)?
            };
            settings::write(db, &s)?;
            Ok(s)
        })
    }

    /// The latest `limit` import runs, newest first.
    pub fn import_history(&self, limit: u32) -> Result<Vec<ImportRun>> {
        self.store.read(|db| import_runs::recent(db, limit))
    }

    /// Imports (as [`Clinic::import`]) and keeps the run in the history: its report, or why the
    /// file could not be imported.
    #[allow(clippy::too_many_arguments)]
    pub fn import_and_record<Tz: TimeZone + Sync>(
        &self,
        src: ImportSource,
        file_name: &str,
        origin: RunOrigin,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(u64, u64),
        cancel: &AtomicBool,
        at: &ClinicTime<Tz>,
    ) -> std::result::Result<Report, ImportFailure> {
        // Only the watched folder's runs carry their content's hash (a file is taken once): the
        // window's and the CLI's files are not read a second time for it.
        let (result, _) = self.import_recorded(
            src,
            file_name,
            origin,
            String::new(),
            opts,
            progress,
            cancel,
            at,
        )?;
        result
    }

    /// The import and the run it made, as kept in the history; no run for a cancelled import
    /// or a database error.
    #[allow(clippy::too_many_arguments)]
    fn import_recorded<Tz: TimeZone + Sync>(
        &self,
        src: ImportSource,
        file_name: &str,
        origin: RunOrigin,
        content_hash: String,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(u64, u64),
        cancel: &AtomicBool,
        at: &ClinicTime<Tz>,
    ) -> Result<(
        std::result::Result<Report, ImportFailure>,
        Option<ImportRun>,
    )> {
        let result = self.import(src, opts, progress, cancel, at);
        let (report, message) = match &result {
            Ok(r) => (Some(r.clone()), String::new()),
            Err(ImportFailure::File(fidelia_core::import::ImportError::Cancelled))
            | Err(ImportFailure::Store(_)) => return Ok((result, None)),
            Err(ImportFailure::File(e)) => (None, e.message(self.language())),
        };
        let mut run = ImportRun {
            id: 0,
            at: at.now,
            origin,
            file_name: file_name.to_owned(),
            content_hash,
            report,
            message,
        };
        run.id = self.store.write(|db| import_runs::insert(db, &run))?;
        Ok((result, Some(run)))
    }

    /// One pass over the watched folder: each settled file not looked at before, or changed
    /// since, whose content is not in the history, is imported and kept in the history.
    pub fn import_from_folder<Tz: TimeZone + Sync>(
        &self,
        dir: &Path,
        memo: &mut FolderMemo,
        at: &ClinicTime<Tz>,
    ) -> Result<FolderPass> {
        let mut pass = FolderPass::default();
        let now = SystemTime::now();
        for (path, len, modified) in candidates(dir)? {
            if memo.known.get(&path) == Some(&(len, modified)) {
                continue;
            }
            if now.duration_since(modified).unwrap_or_default() < SETTLE {
                pass.waiting += 1;
                continue;
            }
            let hash = file_hash(&path)?;
            if self.store.read(|db| import_runs::seen_hash(db, &hash))? {
                memo.known.insert(path, (len, modified));
                continue;
            }
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let (result, run) = self.import_recorded(
                ImportSource::Path(&path),
                &name,
                RunOrigin::Folder,
                hash,
                &ImportOptions::default(),
                &mut |_, _| {},
                &AtomicBool::new(false),
                at,
            )?;
            // A database error: the file is tried again at the next pass.
            if let Err(ImportFailure::Store(e)) = result {
                return Err(e);
            }
            memo.known.insert(path, (len, modified));
            pass.runs.extend(run);
        }
        Ok(pass)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    const FILE: &str = "Cód. Cliente;Nombre;Apellidos;Teléfono;Nº Mascota;Mascota;Especie;Fecha visita;Tipo de visita;Motivo\n\
        C1;Ana;Núñez;612345678;M1;Luna;Perro;02/11/2026 10:30;Consulta;Tos\n\
        C2;Luis;Peña;612345679;M2;Toby;Gato;03/11/2026 11:00;Cirugía;Castración\n";

    fn settled(path: &Path, text: &str) {
        std::fs::write(path, text).unwrap();
        let old = SystemTime::now() - Duration::from_secs(10);
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }

    #[test]
    fn a_file_is_imported_once_a_changed_one_again_and_bad_ones_are_in_the_history() {
        let dir = temp_folder("autoimport");
        let s = store();
        let mut memo = FolderMemo::default();
        // Nothing there yet; a file still being written waits.
        assert!(s
            .import_from_folder(&dir, &mut memo, &at())
            .unwrap()
            .runs
            .is_empty());
        std::fs::write(dir.join("fresh.csv"), FILE).unwrap();
        let pass = s.import_from_folder(&dir, &mut memo, &at()).unwrap();
        assert_eq!((pass.runs.len(), pass.waiting), (0, 1), "not settled yet");

        settled(&dir.join("fresh.csv"), FILE);
        let pass = s.import_from_folder(&dir, &mut memo, &at()).unwrap();
        assert_eq!(pass.runs.len(), 1);
        let report = pass.runs[0].report.as_ref().expect("imported");
        assert_eq!((report.clients.created, report.visits.created), (2, 2));
        assert_eq!(pass.runs[0].origin, RunOrigin::Folder);
        assert_eq!(pass.runs[0].file_name, "fresh.csv");

        // The same content again, under another name and with a new memory (a restart):
        // nothing is imported.
        settled(&dir.join("copia.csv"), FILE);
        let mut after_restart = FolderMemo::default();
        assert!(s
            .import_from_folder(&dir, &mut after_restart, &at())
            .unwrap()
            .runs
            .is_empty());
        assert_eq!(s.import_history(10).unwrap().len(), 1);

        // A changed file is imported again: only the change is written.
        let changed = FILE.replace("Tos", "Tos seca");
        settled(&dir.join("fresh.csv"), &changed);
        let pass = s.import_from_folder(&dir, &mut memo, &at()).unwrap();
        let report = pass.runs[0].report.as_ref().expect("imported");
        assert_eq!(
            (
                report.visits.created,
                report.visits.updated,
                report.visits.unchanged
            ),
            (0, 1, 1)
        );

        // A file that cannot be imported is a run with a message, and is not tried again.
        settled(&dir.join("otra.txt"), "Nombre;Apellidos\nAna;Núñez\n");
        settled(&dir.join("notas.odt"), "no es un CSV");
        let pass = s.import_from_folder(&dir, &mut memo, &at()).unwrap();
        assert_eq!(pass.runs.len(), 1);
        assert!(pass.runs[0].report.is_none());
        assert!(pass.runs[0].message.contains("Cód") || !pass.runs[0].message.is_empty());
        assert!(s
            .import_from_folder(&dir, &mut FolderMemo::default(), &at())
            .unwrap()
            .runs
            .is_empty());
        let history = s.import_history(10).unwrap();
        assert_eq!(history.len(), 3);
        assert_eq!(history[0].file_name, "otra.txt", "newest first");
    }

    #[test]
    fn the_folder_must_exist() {
        let s = store();
        let e = s.set_import_folder("/no/such/folder/here").unwrap_err();
        assert!(format!("{e:?}").contains("err.import_folder_missing"));
        let dir = temp_folder("autoimport-set");
        let saved = s
            .set_import_folder(&format!("  {}  ", dir.display()))
            .unwrap();
        assert_eq!(saved.import_folder, dir.display().to_string());
        assert_eq!(s.settings().unwrap().import_folder, saved.import_folder);
        assert_eq!(s.set_import_folder("").unwrap().import_folder, "");
    }
}
