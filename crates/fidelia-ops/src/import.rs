//! Importing the clinic's records from its practice-management system's CSV exports.
//!
//! # Public API
//!
//! ```ignore
//! // What Fidelia understood, and what an import would do (a dry run: nothing is written).
//! clinic.import_preview(ImportSource::Path(&path), &options, &clinic_time) -> Result<Preview, ImportFailure>
//! // The import itself: one transaction; `progress(rows_done, rows_total)`; `cancel` is checked
//! // between rows and leaves the database as it was. `options.dry_run`-style runs: `import_dry_run`.
//! clinic.import(ImportSource::Path(&path), &options, &mut |done, total| .., &cancel, &clinic_time) -> Result<Report, ImportFailure>
//! clinic.import_dry_run(source, &options, &clinic_time) -> Result<Report, ImportFailure>
//! // The mapping chosen for files with these headers (by `FileHead::signature`), and saving one.
//! clinic.remembered_mapping(&signature) -> Result<Option<Mapping>>
//! clinic.remember_mapping(&mapping, now) -> Result<()>
//! // Report as CSV for "save the report": fidelia_core::import::report_csv(&report, lang)
//! ```
//!
//! `ImportSource` is a path (read in several streamed passes: encoding, separator, a row count
//! for the progress bar, the rows; never held whole in memory) or bytes already in memory.
//! `ImportOptions` (fidelia_core::import) carries the user's choices: encoding, separator, the
//! field of each column (from the preview, possibly changed), shape, `overwrite_manual`,
//! `remember_mapping`, default country. The mapping used is the given one, else the one
//! remembered for the file's header signature, else the one detected from the headers.
//!
//! # Rules
//!
//! - Records are matched on `source_id`. A record unchanged by the row counts as unchanged; a
//!   changed one is updated; a record entered in Fidelia (`origin = 'manual'`) or edited by
//!   hand since its last import (`updated_at > imported_at`) is left alone and counted as
//!   `keptManual`, unless `overwrite_manual`.
//! - A client or pet appearing on many rows (one row per visit) is counted once.
//! - Files without visit / pet / appointment / treatment ids get stable ids made from the
//!   parent's id and the date (and the pet's folded name), so re-imports still match.
//! - Staff named in a visit are matched by name (accents and case ignored) or created as vets.
//! - Without a visit-type column, a visit's kind is read from its reason ("Cirugía" → surgery,
//!   [`fidelia_core::import::row::infer_visit_kind`]) unless `infer_kind` is off; the preview
//!   says which (`kindInferred`).
//! - A vaccine or deworming without its next date in the file gets it by the clinic's
//!   preventive-care rules (treatment and species; the puppy and kitten series).
//! - Follow-up calls are scheduled (by the clinic's rules) only for visits of the last 3 days:
//!   history does not flood the agenda.
//! - A pet the file marks as deceased has its calls, future appointments and coupons cancelled,
//!   as when the death is recorded in the window ([`crate::death`]).
//!   Marked deceased ("Sí", "Fallecido", "yes") without a date, it is deceased on an unknown
//!   day (`deceased_on` empty), never on the day of the import.
//! - Every write goes through the table functions of `fidelia-store` (no SQL here).
//! - A missing required column stops everything before any write (`ImportFailure::File(
//!   ImportError::MissingColumns)`, message naming the column); bad rows are rejected one by one
//!   with line, column, value and reason, the good rows are kept.

use std::collections::HashMap;

use foldhash::{HashMap as FastMap, HashSet as FastSet};
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};

use chrono::{DateTime, TimeZone, Utc};
use csv::StringRecord;
use fidelia_core::import::row::{self, ImportRow, RowContext, RowError, RowOptions};
use fidelia_core::import::{
    self as imp, fields, read, ColumnPreview, Counts, FileHead, ImportError, ImportOptions,
    Mapping, MappingSource, Preview, RejectedRow, Report,
};
use fidelia_core::text::{client_search_key, fold};
use fidelia_core::*;
use fidelia_store::tables::treatments::Treatment;
use fidelia_store::tables::{
    appointments, clients, consents, mappings, pets, settings, staff, treatments, visits, Existing,
};
use fidelia_store::{Db, Result, StoreError};

use crate::death::cancel_what_a_death_ends;
use crate::records::record_consents;
use crate::Clinic;

/// Where the file comes from.
#[derive(Debug, Clone, Copy)]
pub enum ImportSource<'a> {
    Path(&'a Path),
    Bytes(&'a [u8]),
}

impl<'a> ImportSource<'a> {
    fn open(&self) -> io::Result<Box<dyn Read + 'a>> {
        Ok(match *self {
            ImportSource::Path(p) => Box::new(io::BufReader::with_capacity(
                64 * 1024,
                std::fs::File::open(p)?,
            )),
            ImportSource::Bytes(b) => Box::new(b),
        })
    }

    /// The file's size in bytes.
    fn len(&self) -> io::Result<u64> {
        Ok(match *self {
            ImportSource::Path(p) => std::fs::metadata(p)?.len(),
            ImportSource::Bytes(b) => b.len() as u64,
        })
    }
}

/// Why an import did not happen at all (nothing was written).
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error(transparent)]
    File(#[from] ImportError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<csv::Error> for ImportFailure {
    fn from(e: csv::Error) -> Self {
        ImportFailure::File(e.into())
    }
}

impl ImportFailure {
    /// The i18n key of the message ("err.import_missing_column", "err.import_cancelled"…).
    pub fn key(&self) -> &'static str {
        match self {
            ImportFailure::File(e) => e.key(),
            ImportFailure::Store(_) => "err.database",
        }
    }
    /// The message in the clinic's language, naming missing columns.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ImportFailure::File(e) => e.message(lang),
            ImportFailure::Store(_) => i18n::t(lang, "err.database"),
        }
    }
}

type Outcome<T> = std::result::Result<T, ImportFailure>;

/// How many data rows the preview shows as samples per column.
const SAMPLES: usize = 3;
/// Visits older than this do not get a follow-up call when imported.
const CALLS_FOR_LAST_HOURS: i64 = 72;

/// From this many rows an import takes the bulk path ([`fidelia_store::bulk`]).
const BULK_ROWS: u64 = 5_000;
/// The preview rehearses the import of this many rows at most (a large file answers at once);
/// the rest of the file is judged from them.
const PREVIEW_ROWS: u64 = 2_000;

impl Clinic {
    /// The mapping remembered for files whose headers have this signature.
    pub fn remembered_mapping(&self, signature: &str) -> Result<Option<Mapping>> {
        self.store.read(|db| mappings::get(db, signature))
    }

    /// Remembers a mapping for the next file with the same headers.
    pub fn remember_mapping(&self, mapping: &Mapping, now: DateTime<Utc>) -> Result<()> {
        self.store.write(|db| mappings::put(db, mapping, now))
    }

    /// What Fidelia understood of the file and what importing it would do; writes nothing.
    /// Missing required columns are listed (`missing`), not an error.
    pub fn import_preview<Tz: TimeZone + Sync>(
        &self,
        src: ImportSource,
        opts: &ImportOptions,
        at: &ClinicTime<Tz>,
    ) -> Outcome<Preview> {
        warm_up();
        let (head, mapping, source) = self.store.read(|db| plan(db, src, opts))?;
        let missing = mapping.missing();
        let mut columns: Vec<ColumnPreview> = mapping
            .headers
            .iter()
            .zip(&mapping.fields)
            .enumerate()
            .map(|(index, (header, field))| ColumnPreview {
                index,
                header: header.clone(),
                field: *field,
                samples: Vec::new(),
            })
            .collect();
        let mut rdr = read::csv_reader(
            src.open().map_err(ImportError::from)?,
            head.encoding,
            head.separator as u8,
        );
        let mut rec = StringRecord::new();
        let mut n = 0;
        while n <= SAMPLES && rdr.read_record(&mut rec)? {
            if n > 0 && !read::is_blank(&rec) {
                for c in columns.iter_mut() {
                    c.samples
                        .push(rec.get(c.index).unwrap_or("").trim().to_owned());
                }
            }
            n += 1;
        }
        // The rows the file holds: estimated from its size when it has more than rehearsed.
        let mut rows_estimate = 0;
        let report = if missing.is_empty() {
            // Rehearsed, then rolled back: a preview writes nothing.
            let r = self.store.rehearse(|db| {
                run(
                    db,
                    src,
                    &head,
                    &mapping,
                    opts,
                    at,
                    Some(PREVIEW_ROWS),
                    &mut |_, estimate| rows_estimate = estimate,
                    &AtomicBool::new(false),
                )
            })?;
            Report { dry_run: true, ..r }
        } else {
            Report {
                dry_run: true,
                ..Default::default()
            }
        };
        Ok(Preview {
            encoding: head.encoding,
            odd_lines: head.odd_lines,
            separator: head.separator,
            shape: mapping.shape,
            signature: head.signature,
            mapping_source: source,
            columns,
            kind_inferred: mapping.kind_inferred(opts.infer_kind),
            missing,
            partial: rows_estimate > report.rows_total,
            report,
            rows_estimate,
        })
    }

    /// Imports the file in one transaction. `progress(rows_done, rows_total)` is called as rows
    /// go; setting `cancel` stops between rows and leaves the database as it was
    /// (`ImportError::Cancelled`).
    pub fn import<Tz: TimeZone + Sync>(
        &self,
        src: ImportSource,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(u64, u64),
        cancel: &AtomicBool,
        at: &ClinicTime<Tz>,
    ) -> Outcome<Report> {
        warm_up();
        let (head, mapping, source) = self.store.read(|db| plan(db, src, opts))?;
        self.store.write_large(|db| {
            let report = run(db, src, &head, &mapping, opts, at, None, progress, cancel)?;
            if opts.remember_mapping || source == MappingSource::Given {
                mappings::put(db, &mapping, at.now)?;
            }
            Ok(report)
        })
    }

    /// The report an import would give, without writing anything (the CLI's `--dry-run`).
    pub fn import_dry_run<Tz: TimeZone + Sync>(
        &self,
        src: ImportSource,
        opts: &ImportOptions,
        at: &ClinicTime<Tz>,
    ) -> Outcome<Report> {
        let (head, mapping, _) = self.store.read(|db| plan(db, src, opts))?;
        let r = self.store.rehearse(|db| {
            run(
                db,
                src,
                &head,
                &mapping,
                opts,
                at,
                None,
                &mut |_, _| {},
                &AtomicBool::new(false),
            )
        })?;
        Ok(Report { dry_run: true, ..r })
    }
}

impl Clinic {
    /// Writes an import's report as CSV (for Excel, in the clinic's language) into `dir`,
    /// usually [`crate::folders::reports`]; returns the file's path.
    pub fn save_import_report<Tz: TimeZone>(
        &self,
        report: &Report,
        dir: &Path,
        at: &ClinicTime<Tz>,
    ) -> Result<std::path::PathBuf> {
        let lang = self.language();
        let name = format!(
            "{}-{}.csv",
            i18n::t(lang, "import.report_file_stem"),
            at.now
                .with_timezone(&at.tz)
                .naive_local()
                .format("%Y-%m-%d_%H%M%S")
        );
        let path = dir.join(name);
        std::fs::create_dir_all(dir)?;
        std::fs::write(&path, imp::report_csv(report, lang))?;
        Ok(path)
    }
}

/// The file's head and the mapping to use: given, remembered, or detected.
fn plan(
    db: &Db,
    src: ImportSource,
    opts: &ImportOptions,
) -> Outcome<(FileHead, Mapping, MappingSource)> {
    let head = imp::read_head(&mut || src.open(), opts)?;
    let n = head.headers.len();
    let (fields, shape, source) = if let Some(f) = &opts.fields {
        if f.len() != n {
            return Err(ImportError::BadMapping.into());
        }
        (f.clone(), fields::detect_shape(f), MappingSource::Given)
    } else if let Some(m) = mappings::get(db, &head.signature)?.filter(|m| m.fields.len() == n) {
        (m.fields, m.shape, MappingSource::Remembered)
    } else {
        let (f, s) = fields::detect(&head.headers);
        (f, s, MappingSource::Detected)
    };
    let mapping = Mapping {
        headers: head.headers.clone(),
        fields,
        shape: opts.shape.unwrap_or(shape),
    };
    Ok((head, mapping, source))
}

/// Per-import memory: what this import already wrote (a client on many rows is counted once),
/// staff by folded name, clients whose search key needs refreshing. Bounded by the clinic's
/// size, not the file's.
struct State {
    /// `fidelia_store::ts` of the import's time, written on every record.
    now: String,
    clients: FastMap<String, ClientId>,
    pets: FastMap<String, PetId>,
    /// Whether clients (pets) carried source ids before this import. If not, one this import
    /// has not written yet is new: no need to look it up.
    clients_sourced: bool,
    pets_sourced: bool,
    staff: HashMap<String, StaffId>,
    staff_as_written: HashMap<String, Option<StaffId>>,
    /// Clients whose search key is refreshed from the database at the end.
    touched: FastSet<ClientId>,
    /// The clients created, whose consents are recorded at the end in one statement.
    created: Vec<ClientId>,
    /// What the rows of the client being read told before the writer met them (the reader's:
    /// handed back to it with the rows, like them).
    ahead: Option<Box<Ahead>>,
    overwrite: bool,
    /// The clinic's preventive-care rules: a treatment without its next date gets it by rule.
    care: fidelia_core::care::CareRules,
    last_visits: LastVisits,
}

/// The pets' last visits: a new pet is written with the latest of its visits on its client's
/// rows ([`Ahead`]); with the last-visit triggers set aside (a bulk load), what they would
/// have done for the other visits is done once at the end
/// ([`fidelia_store::bulk::VISIT_TRIGGERS`]).
#[derive(Default)]
struct LastVisits {
    /// The triggers are set aside.
    aside: bool,
    /// The last visit each new pet was written with.
    written: FastMap<PetId, DateTime<Utc>>,
    /// The latest visit the load added to each pet, where later than the one written.
    added: FastMap<PetId, DateTime<Utc>>,
    /// The pets a visit the load changed belongs or belonged to, and the new pets written
    /// with a visit that was then not added: their last visit comes from their visits.
    changed: FastSet<PetId>,
}

impl LastVisits {
    fn added(&mut self, pet: PetId, at: DateTime<Utc>) {
        if !self.aside || self.written.get(&pet).is_some_and(|w| *w >= at) {
            return;
        }
        let last = self.added.entry(pet).or_insert(at);
        *last = (*last).max(at);
    }

    /// A visit of `pet` the file names was found already written: a new pet's last visit
    /// may have counted it.
    fn not_added(&mut self, pet: PetId) {
        if self.written.contains_key(&pet) {
            self.changed.insert(pet);
        }
    }

    /// With the triggers set aside: before the indexes come back (the pets' index on their
    /// last visit is then built once with them), the visits added; after, through the
    /// visits' index, the pets whose visits changed.
    fn write(self, db: &Db, aside: Option<fidelia_store::bulk::SetAside>) -> Result<()> {
        if let Some(aside) = aside {
            // In the order of the pets' rows in the file.
            let mut added: Vec<(PetId, DateTime<Utc>)> = self.added.into_iter().collect();
            added.sort_unstable_by_key(|(pet, _)| pet.0);
            pets::raise_last_visits(db, &added)?;
            aside.put_back()?;
        }
        let changed: Vec<PetId> = self.changed.into_iter().collect();
        pets::refresh_last_visits_of(db, &changed)
    }
}

/// What the rows of one client tell before the writer meets them. A client's rows follow
/// one another in most exports: the reader holds them until the next client's, and the writer
/// then writes the client with its search key (its pets' names in it) and each new pet with
/// its last visit, once each, instead of correcting them as the rows come.
struct Ahead {
    /// The client's source id.
    client: String,
    search_key: String,
    /// The client created with this search key.
    keyed: Option<ClientId>,
    /// The client's pets the rows name (source ids, in the order they first appear), each
    /// with its latest visit on them.
    pets: Vec<(String, Option<DateTime<Utc>>)>,
}

impl Ahead {
    /// The rows of one client, from the one that names it first; `None` when that row is
    /// not one the writer can take.
    fn of(rows: &[Prepared]) -> Option<Ahead> {
        let Some(Ok(first)) = &rows.first()?.row else {
            return None;
        };
        let c = first.client.as_ref()?;
        let mut pets: Vec<(String, Option<DateTime<Utc>>)> = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for r in rows.iter().filter_map(|r| r.row.as_ref()?.as_ref().ok()) {
            if let Some(p) = r.pet.as_ref().filter(|p| p.client_source_id == c.source_id) {
                if !pets.iter().any(|(sid, _)| *sid == p.source_id) {
                    pets.push((p.source_id.clone(), None));
                    names.push(&p.data.name);
                }
            }
            if let Some(v) = &r.visit {
                if let Some((_, last)) = pets.iter_mut().find(|(sid, _)| *sid == v.pet_source_id) {
                    *last = Some(last.map_or(v.data.at, |l| l.max(v.data.at)));
                }
            }
        }
        let d = &c.data;
        Some(Ahead {
            client: c.source_id.clone(),
            keyed: None,
            search_key: client_search_key(
                &d.first_name,
                &d.surnames,
                &names,
                &[&d.phone1, &d.phone2],
            ),
            pets,
        })
    }

    /// The latest visit of the client's pet `sid` on its rows.
    fn last_visit(&self, client: &str, sid: &str) -> Option<DateTime<Utc>> {
        if self.client != client {
            return None;
        }
        self.pets.iter().find(|(s, _)| s == sid)?.1
    }

    /// Whether `client`'s search key was written with these rows and names its pet `sid`.
    fn keyed_with(&self, client: ClientId, sid: &str) -> bool {
        self.keyed == Some(client) && self.pets.iter().any(|(s, _)| s == sid)
    }
}

/// The client's source id on a row the writer can take.
fn client_of(p: &Prepared) -> Option<&str> {
    Some(&p.row.as_ref()?.as_ref().ok()?.client.as_ref()?.source_id)
}

/// Loads what reading phone numbers needs on a thread of its own, while the file is opened
/// and its head read (the reader thread would otherwise wait for it on the first row).
pub fn warm_up() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        std::thread::spawn(imp::phone::warm_up);
    });
}

impl State {
    /// `client` has a new pet, `sid`: its search key must say so (it does when it was written
    /// with the rows ahead that name the pet).
    fn pet_of(&mut self, client: ClientId, sid: &str) {
        if !self
            .ahead
            .as_ref()
            .is_some_and(|a| a.keyed_with(client, sid))
        {
            self.touched.insert(client);
        }
    }
}

/// Rows the reader thread converts before handing them to the writer.
const BATCH: usize = 512;
/// The rows of one client the reader holds at most, to tell what they say ([`Ahead`]).
const AHEAD_ROWS: usize = 4 * BATCH;
/// Batches waiting for the writer at most (memory stays flat whatever the file's size).
const BATCHES_AHEAD: usize = 4;

/// One data row as the reader thread hands it over: the record (for the rejected rows'
/// values) and what [`row::convert`] made of it; `None` when it has the wrong number of fields.
struct Prepared {
    rec: StringRecord,
    line: u64,
    row: Option<std::result::Result<ImportRow, Vec<RowError>>>,
    /// On the first row of a client's rows: what they tell.
    ahead: Option<Box<Ahead>>,
}

struct Batch {
    rows: Vec<Prepared>,
    /// Where the reader stands in the (decoded) file, for the progress estimate.
    at_byte: u64,
    /// The last batch: the file, or the rows asked for, ended.
    end: bool,
}

/// Reads, decodes and converts the rows on the calling thread (the reader), `limit` rows at
/// most, and sends them in batches; stops when the writer hangs up or `cancel` is set.
#[allow(clippy::too_many_arguments)]
fn read_rows<Tz: TimeZone>(
    src: ImportSource,
    head: &FileHead,
    m: &Mapping,
    ctx: &RowContext<Tz>,
    row_opts: RowOptions,
    limit: Option<u64>,
    cancel: &AtomicBool,
    tx: &SyncSender<Outcome<Batch>>,
    spent: &Receiver<Vec<Prepared>>,
) -> Outcome<()> {
    let mut rdr = read::csv_reader(
        src.open().map_err(ImportError::from)?,
        head.encoding,
        head.separator as u8,
    );
    let width = m.headers.len();
    let mut rows = Vec::with_capacity(BATCH);
    // Rows the writer is done with: their records are read into again, the rest freed here.
    let mut spare: Vec<Prepared> = Vec::new();
    let mut repeats = row::Repeats::default();
    let (mut header, mut n) = (true, 0u64);
    // The rows of the client being read start here in `rows`: held until a row of another
    // client tells they have ended, then told what they say ([`Ahead`]).
    let mut open: Option<usize> = None;
    let close = |rows: &mut Vec<Prepared>, open: Option<usize>| {
        if let Some(o) = open {
            rows[o].ahead = Ahead::of(&rows[o..]).map(Box::new);
        }
    };
    loop {
        if spare.is_empty() {
            if let Ok(back) = spent.try_recv() {
                spare = back;
            }
        }
        let mut rec = match spare.pop() {
            Some(old) => old.rec,
            None => StringRecord::with_capacity(256, width),
        };
        let got = rdr.read_record(&mut rec)?;
        let more = got && limit.is_none_or(|l| n < l);
        if more {
            if std::mem::take(&mut header) || read::is_blank(&rec) {
                continue;
            }
            let row = (rec.len() == width)
                .then(|| row::convert_next(m, &rec, ctx, row_opts, &mut repeats));
            let line = read::record_line(&rec);
            let p = Prepared {
                rec,
                line,
                row,
                ahead: None,
            };
            // A row of another client ends the open client's rows (a row the writer will
            // reject stays with them).
            let next =
                client_of(&p).is_some_and(|c| open.and_then(|o| client_of(&rows[o])) != Some(c));
            if next {
                close(&mut rows, open);
                open = Some(rows.len());
            }
            rows.push(p);
            n += 1;
            if rows.len() < BATCH {
                continue;
            }
            match open {
                // The rows are all the open client's: held, up to a point (beyond it they
                // go as they are, and the writer corrects the client as they come).
                Some(0) if rows.len() < AHEAD_ROWS => continue,
                Some(0) => open = None,
                _ => {}
            }
        } else {
            close(&mut rows, open.take());
        }
        // The open client's rows stay for the next batch.
        let held = match open.as_mut() {
            Some(o) => rows.split_off(std::mem::take(o)),
            None => Vec::with_capacity(BATCH),
        };
        let batch = Batch {
            rows: std::mem::replace(&mut rows, held),
            at_byte: rdr.position().byte(),
            end: !got,
        };
        if tx.send(Ok(batch)).is_err() || !more || cancel.load(Ordering::Relaxed) {
            return Ok(());
        }
    }
}

/// The rows a file of `size` bytes holds, judged from the first `done` rows ending at
/// `at_byte`; exact once the file has been read.
fn estimate(done: u64, at_byte: u64, size: u64, end: bool) -> u64 {
    if end || at_byte == 0 {
        done
    } else {
        done.max((done as u128 * size as u128 / at_byte as u128) as u64)
    }
}

/// Imports the rows (the first `limit` of them for a preview). The rows are read, decoded and
/// converted on a second thread while this one writes them; `cancel` also interrupts a
/// statement running on the connection (the index rebuild of a large file).
#[allow(clippy::too_many_arguments)]
fn run<Tz: TimeZone + Sync>(
    db: &Db,
    src: ImportSource,
    head: &FileHead,
    m: &Mapping,
    opts: &ImportOptions,
    at: &ClinicTime<Tz>,
    limit: Option<u64>,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &AtomicBool,
) -> Outcome<Report> {
    let missing = m.missing();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns(missing).into());
    }
    let size = src.len().map_err(ImportError::from)?;
    let settings = settings::read(db)?;
    let country = if opts.default_country.trim().is_empty() {
        settings.default_country.clone()
    } else {
        opts.default_country.clone()
    };
    let ctx = RowContext {
        tz: &at.tz,
        now: at.now,
        today: at.today(),
        country: &country,
    };
    let finished = AtomicBool::new(false);
    let interrupter = db.interrupter();
    let result = std::thread::scope(|s| {
        let (tx, rx) = mpsc::sync_channel::<Outcome<Batch>>(BATCHES_AHEAD);
        let (spent_tx, spent_rx) = mpsc::channel::<Vec<Prepared>>();
        let ctx = &ctx;
        s.spawn(move || {
            if let Err(e) = read_rows(
                src,
                head,
                m,
                ctx,
                RowOptions::from(opts),
                limit,
                cancel,
                &tx,
                &spent_rx,
            ) {
                let _ = tx.send(Err(e));
            }
        });
        s.spawn(|| {
            while !finished.load(Ordering::Relaxed) {
                if cancel.load(Ordering::Relaxed) {
                    interrupter.interrupt();
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        });
        let r = write_rows(
            db, rx, spent_tx, m, opts, &settings, at, size, limit, progress, cancel,
        );
        finished.store(true, Ordering::Relaxed);
        r
    });
    match result {
        Err(_) if cancel.load(Ordering::Relaxed) => Err(ImportError::Cancelled.into()),
        r => r,
    }
}

/// The writer's side of [`run`]: applies the batches in file order.
#[allow(clippy::too_many_arguments)]
fn write_rows<Tz: TimeZone>(
    db: &Db,
    rx: Receiver<Outcome<Batch>>,
    spent: Sender<Vec<Prepared>>,
    m: &Mapping,
    opts: &ImportOptions,
    settings: &fidelia_core::settings::Settings,
    at: &ClinicTime<Tz>,
    size: u64,
    limit: Option<u64>,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &AtomicBool,
) -> Outcome<Report> {
    let mut batches = rx.iter().peekable();
    // The first batch tells how many rows the file holds, roughly: the bulk path (indexes and
    // the last-visit trigger set aside while the rows go in) is for large files.
    let first = match batches.peek() {
        Some(Ok(b)) => estimate(b.rows.len() as u64, b.at_byte, size, b.end),
        _ => 0,
    };
    progress(0, first);
    // (A preview's first rows never take it: rebuilding a large clinic's indexes for a
    // rehearsal of 2,000 rows would take seconds.)
    let aside = if opts
        .bulk
        .unwrap_or(first.min(limit.unwrap_or(u64::MAX)) >= BULK_ROWS)
    {
        Some(fidelia_store::bulk::for_import(db, first)?).filter(|a| !a.is_empty())
    } else {
        None
    };
    let mut state = State {
        now: fidelia_store::ts(at.now),
        clients: FastMap::default(),
        pets: FastMap::default(),
        clients_sourced: clients::any_source_id(db)?,
        pets_sourced: pets::any_source_id(db)?,
        staff: staff_by_name(db)?,
        staff_as_written: HashMap::new(),
        touched: FastSet::default(),
        created: Vec::new(),
        ahead: None,
        overwrite: opts.overwrite_manual,
        care: settings.care.clone(),
        last_visits: LastVisits {
            aside: aside.is_some(),
            ..Default::default()
        },
    };
    let mut report = Report::default();
    let width = m.headers.len();
    let (mut done, mut total) = (0u64, first);
    for batch in batches {
        let mut batch = batch?;
        for Prepared {
            rec,
            line,
            row,
            ahead,
        } in batch.rows.iter_mut()
        {
            let line = *line;
            if ahead.is_some() {
                // The previous client's goes back to the reader in this row's place.
                std::mem::swap(ahead, &mut state.ahead);
            }
            if cancel.load(Ordering::Relaxed) {
                return Err(ImportError::Cancelled.into());
            }
            let reject = |report: &mut Report, errs: Vec<RowError>| {
                report.rows_rejected += 1;
                for e in errs {
                    let value = e
                        .column
                        .and_then(|i| rec.get(i))
                        .unwrap_or("")
                        .trim()
                        .to_owned();
                    report.push_rejected(RejectedRow {
                        line,
                        column: m.header(e.column),
                        value,
                        reason: e.key.to_owned(),
                    });
                }
            };
            match row {
                None => {
                    let key = if rec.len() > width {
                        "err.import_too_many_fields"
                    } else {
                        "err.import_too_few_fields"
                    };
                    report.rows_rejected += 1;
                    report.push_rejected(RejectedRow {
                        line,
                        column: String::new(),
                        value: format!("{}/{}", rec.len(), width),
                        reason: key.into(),
                    });
                }
                Some(Err(errs)) => reject(&mut report, std::mem::take(errs)),
                Some(Ok(r)) => match apply(db, &mut state, &mut report, m, r, at)? {
                    Ok(()) => report.rows_imported += 1,
                    Err(e) => reject(&mut report, vec![e]),
                },
            }
            done += 1;
        }
        // A client's rows are all in one batch: what they told goes back with it (the first
        // row's place is free: it held nothing, or gave what it held to `state`).
        if let Some(first) = batch.rows.first_mut() {
            debug_assert!(first.ahead.is_none());
            first.ahead = state.ahead.take();
        }
        total = estimate(done, batch.at_byte, size, batch.end);
        progress(done, total);
        // Back to the reader, which made them: it frees them (or reuses their records) where
        // they were allocated, instead of this thread freeing into its heap under a lock.
        let _ = spent.send(batch.rows);
    }
    let cancelled = || -> Outcome<()> {
        match cancel.load(Ordering::Relaxed) {
            true => Err(ImportError::Cancelled.into()),
            false => Ok(()),
        }
    };
    cancelled()?;
    consents::insert_as_held(db, &state.created, ConsentHow::Import, at.now)?;
    let bulk = aside.is_some();
    std::mem::take(&mut state.last_visits).write(db, aside)?;
    cancelled()?;
    if bulk {
        if !state.touched.is_empty() {
            clients::refresh_search_keys(db, |id| state.touched.contains(&id))?;
        }
    } else {
        for id in state.touched {
            clients::refresh_search_key(db, id)?;
        }
    }
    report.rows_total = done;
    progress(done, total);
    Ok(report)
}

fn staff_by_name(db: &Db) -> Result<HashMap<String, StaffId>> {
    let mut map = HashMap::new();
    for s in staff::all_by_age(db)? {
        map.entry(fold(&s.data.name)).or_insert(s.id);
    }
    Ok(map)
}

/// Decides unchanged / kept / update and counts it; `true` when the record must be written.
fn must_write(counts: &mut Counts, same: bool, protected: bool, overwrite: bool) -> bool {
    if same {
        counts.unchanged += 1;
        false
    } else if protected && !overwrite {
        counts.kept_manual += 1;
        false
    } else {
        counts.updated += 1;
        true
    }
}

/// Writes one converted row. `Ok(Err(_))` rejects the row (a reference to an unknown client
/// or pet); such a row has written nothing.
fn apply<Tz: TimeZone>(
    db: &Db,
    st: &mut State,
    report: &mut Report,
    m: &Mapping,
    r: &mut ImportRow,
    at: &ClinicTime<Tz>,
) -> Result<Result<(), RowError>> {
    let now = st.now.clone();
    let unknown = |f: fields::Field, key| RowError {
        column: m.column(f),
        key,
    };
    if let Some(c) = &mut r.client {
        if c.phone_flag && !st.clients.contains_key(&c.source_id) {
            report.phones_flagged += 1;
        }
        client(db, st, report, c, at.now)?;
    }
    if let Some(p) = &mut r.pet {
        let Some(client_id) = client_id(db, st, &p.client_source_id)? else {
            return Ok(Err(unknown(
                fields::Field::ClientId,
                "err.import_unknown_client",
            )));
        };
        pet(db, st, report, p, client_id, at)?;
    }
    if let Some(v) = &mut r.visit {
        let Some(pet_id) = pet_id(db, st, &v.pet_source_id)? else {
            return Ok(Err(unknown(fields::Field::PetId, "err.import_unknown_pet")));
        };
        v.data.pet_id = pet_id;
        v.data.staff_id = staff(db, st, report, &v.staff_name)?;
        let write = match visits::insert_imported_new(db, &v.data, &now, &v.source_id)? {
            Some(id) => {
                report.visits.created += 1;
                st.last_visits.added(pet_id, v.data.at);
                Some(id)
            }
            None => {
                // The source id is taken: by a visit of this transaction, so it is found.
                let Existing::Found { id, protected } = visits::by_source_id(db, &v.source_id)?
                else {
                    return Err(StoreError::NotFound);
                };
                st.last_visits.not_added(pet_id);
                let old = visits::get(db, id)?.data;
                if must_write(&mut report.visits, old == v.data, protected, st.overwrite) {
                    visits::update_imported(db, id, &v.data, &now)?;
                    if st.last_visits.aside {
                        st.last_visits.changed.extend([old.pet_id, pet_id]);
                    }
                    Some(id)
                } else {
                    None
                }
            }
        };
        if let Some(id) = write {
            if v.data.at >= at.now - chrono::Duration::hours(CALLS_FOR_LAST_HOURS) {
                crate::calls::sync_for_visit(db, id, &v.data, at)?;
            }
        }
    }
    if let Some(a) = &mut r.appointment {
        let Some(pet_id) = pet_id(db, st, &a.pet_source_id)? else {
            return Ok(Err(unknown(fields::Field::PetId, "err.import_unknown_pet")));
        };
        a.data.pet_id = pet_id;
        a.data.staff_id = staff(db, st, report, &a.staff_name)?;
        match appointments::by_source_id(db, &a.source_id)? {
            Existing::New => {
                let id = appointments::insert(db, &a.data, at.now)?;
                appointments::stamp_imported(db, id, &a.source_id, &now)?;
                report.appointments.created += 1;
            }
            Existing::Found { id, protected } => {
                let same = appointments::get(db, id)?.data == a.data;
                if must_write(&mut report.appointments, same, protected, st.overwrite) {
                    appointments::update_imported(db, id, &a.data, &now)?;
                }
            }
        }
    }
    if let Some(t) = &r.treatment {
        let Some(pet_id) = pet_id(db, st, &t.pet_source_id)? else {
            return Ok(Err(unknown(fields::Field::PetId, "err.import_unknown_pet")));
        };
        // The file's next date, else the clinic's rule for the treatment and species.
        let next_due_on = match t.next_due_on {
            Some(d) => Some(d),
            None => {
                let p = pets::get(db, pet_id)?.data;
                st.care
                    .next_due(t.kind, p.species, p.birth_date, t.applied_on)
            }
        };
        let values = Treatment {
            pet: pet_id,
            kind: t.kind.as_str().to_owned(),
            product: t.product.clone(),
            applied_on: t.applied_on,
            next_due_on,
        };
        let check_on = next_due_on.map(|d| st.care.first_check(d));
        match treatments::by_source_id(db, &t.source_id)? {
            None => {
                treatments::insert_imported(db, &values, &t.source_id, check_on, &now)?;
                report.vaccinations.created += 1;
            }
            Some((id, protected, old)) => {
                if must_write(
                    &mut report.vaccinations,
                    old == values,
                    protected,
                    st.overwrite,
                ) {
                    treatments::update_imported(db, id, &values, check_on, &now)?;
                }
            }
        }
    }
    Ok(Ok(()))
}

fn client_id(db: &Db, st: &State, sid: &str) -> Result<Option<ClientId>> {
    if let Some(id) = st.clients.get(sid) {
        return Ok(Some(*id));
    }
    if !st.clients_sourced {
        return Ok(None);
    }
    Ok(match clients::by_source_id(db, sid)? {
        Existing::Found { id, .. } => Some(id),
        Existing::New => None,
    })
}

fn pet_id(db: &Db, st: &State, sid: &str) -> Result<Option<PetId>> {
    if let Some(id) = st.pets.get(sid) {
        return Ok(Some(*id));
    }
    if !st.pets_sourced {
        return Ok(None);
    }
    pets::id_by_source_id(db, sid)
}

fn staff(db: &Db, st: &mut State, report: &mut Report, name: &str) -> Result<Option<StaffId>> {
    // A name as the file spells it is looked up before it is folded: a visit file names the
    // same few vets on every row.
    if let Some(id) = st.staff_as_written.get(name) {
        return Ok(*id);
    }
    let id = staff_by_key(db, st, report, name)?;
    st.staff_as_written.insert(name.to_owned(), id);
    Ok(id)
}

fn staff_by_key(
    db: &Db,
    st: &mut State,
    report: &mut Report,
    name: &str,
) -> Result<Option<StaffId>> {
    let key = fold(name);
    if key.is_empty() {
        return Ok(None);
    }
    if let Some(id) = st.staff.get(&key) {
        return Ok(Some(*id));
    }
    let id = staff::insert(
        db,
        &StaffData {
            name: name.trim().to_owned(),
            role: Role::Vet,
            active: true,
        },
    )?;
    report.staff_created += 1;
    st.staff.insert(key, id);
    Ok(Some(id))
}

fn client(
    db: &Db,
    st: &mut State,
    report: &mut Report,
    c: &mut row::ClientRow,
    now: DateTime<Utc>,
) -> Result<ClientId> {
    if let Some(id) = st.clients.get(&c.source_id).copied() {
        return Ok(id);
    }
    let d = &c.data;
    let phones = (c.phone1_e164.clone(), c.phone2_e164.clone(), c.phone_flag);
    let existing = match st.clients_sourced {
        true => clients::by_source_id(db, &c.source_id)?,
        false => Existing::New,
    };
    let id = match existing {
        Existing::New => {
            // With its pets' names when its rows were read ahead.
            let ahead = st.ahead.as_mut().filter(|a| a.client == c.source_id);
            let key = match &ahead {
                Some(a) => std::borrow::Cow::Borrowed(a.search_key.as_str()),
                None => client_search_key(&d.first_name, &d.surnames, &[], &[&d.phone1, &d.phone2])
                    .into(),
            };
            let id = clients::insert_imported(db, d, &c.source_id, &phones, &key, &st.now)?;
            if let Some(a) = ahead {
                a.keyed = Some(id);
            }
            st.created.push(id);
            report.clients.created += 1;
            id
        }
        Existing::Found { id, protected } => {
            let old = clients::get(db, id)?;
            let same = old.data == *d && clients::imported_phones(db, id)? == phones;
            if must_write(&mut report.clients, same, protected, st.overwrite) {
                // The title is Fidelia's own (letters): an import does not know it.
                let d = ClientData {
                    title: old.data.title,
                    ..d.clone()
                };
                clients::update(db, id, &d, now)?;
                record_consents(db, id, Some(&old.data), &d, ConsentHow::Import, None, now)?;
                clients::set_imported_phones(db, id, &phones)?;
                clients::mark_imported(db, id, &st.now)?;
                st.touched.insert(id);
            }
            id
        }
    };
    st.clients.insert(std::mem::take(&mut c.source_id), id);
    Ok(id)
}

fn pet<Tz: TimeZone>(
    db: &Db,
    st: &mut State,
    report: &mut Report,
    p: &mut row::PetRow,
    client_id: ClientId,
    at: &ClinicTime<Tz>,
) -> Result<PetId> {
    if let Some(id) = st.pets.get(&p.source_id) {
        return Ok(*id);
    }
    p.data.client_id = client_id;
    let now = &st.now;
    let existing = match st.pets_sourced {
        true => pets::by_source_id(db, &p.source_id)?,
        false => Existing::New,
    };
    let id = match existing {
        Existing::New => {
            let last = st
                .ahead
                .as_ref()
                .and_then(|a| a.last_visit(&p.client_source_id, &p.source_id));
            let id = pets::insert_imported(db, &p.data, &p.source_id, last, now)?;
            if let Some(last) = last {
                st.last_visits.written.insert(id, last);
            }
            report.pets.created += 1;
            st.pet_of(client_id, &p.source_id);
            id
        }
        Existing::Found { id, protected } => {
            let old = pets::get(db, id)?;
            let d = &p.data;
            if must_write(&mut report.pets, old.data == *d, protected, st.overwrite) {
                pets::update_imported(db, id, d, now)?;
                if d.deceased && !old.data.deceased {
                    cancel_what_a_death_ends(db, id, at)?;
                }
                st.touched.insert(client_id);
                st.touched.insert(old.data.client_id);
            }
            id
        }
    };
    st.pets.insert(std::mem::take(&mut p.source_id), id);
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use fidelia_core::import::{Encoding, Field, Shape};
    use std::path::PathBuf;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/import")
            .join(name)
    }

    fn import(s: &Clinic, name: &str, opts: &ImportOptions) -> Report {
        s.import(
            ImportSource::Path(&fixture(name)),
            opts,
            &mut |_, _| {},
            &AtomicBool::new(false),
            &at(),
        )
        .expect("the import runs")
    }

    fn count(s: &Clinic, table: &str) -> i64 {
        s.store
            .read(|db| fidelia_store::tables::count(db, table))
            .unwrap()
    }

    fn client_by_sid(s: &Clinic, sid: &str) -> (Client, String, String, bool) {
        s.store
            .read(|db| {
                let Existing::Found { id, .. } = clients::by_source_id(db, sid)? else {
                    panic!("no client imported as {sid}");
                };
                let (e1, e2, flag) = clients::imported_phones(db, id)?;
                Ok::<_, StoreError>((clients::get(db, id)?, e1, e2, flag))
            })
            .unwrap()
    }

    fn visit_by_sid(s: &Clinic, sid: &str) -> Visit {
        s.store
            .read(|db| {
                let Existing::Found { id, .. } = visits::by_source_id(db, sid)? else {
                    panic!("no visit imported as {sid}");
                };
                visits::get(db, id)
            })
            .unwrap()
    }

    fn rejected(r: &Report) -> Vec<(u64, &str, &str, &str)> {
        r.rejected
            .iter()
            .map(|x| {
                (
                    x.line,
                    x.column.as_str(),
                    x.value.as_str(),
                    x.reason.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn one_row_per_visit_in_windows_1252_with_semicolons() {
        let s = store();
        let p = s
            .import_preview(
                ImportSource::Path(&fixture("visitas_cp1252_punto_y_coma.csv")),
                &ImportOptions::default(),
                &at(),
            )
            .unwrap();
        assert_eq!(
            (p.encoding, p.separator, p.shape, p.mapping_source),
            (
                Encoding::Windows1252,
                ';',
                Shape::Combined,
                MappingSource::Detected
            )
        );
        assert_eq!(p.columns[0].header, "Cód. Cliente");
        assert_eq!(p.columns[0].field, Field::ClientId);
        assert_eq!(p.columns[14].field, Field::VisitDate);
        assert_eq!(p.columns[9].samples, ["Luna", "Luna", "Michi"]);
        assert_eq!(
            (
                p.report.clients.created,
                p.report.visits.created,
                p.report.rows_rejected
            ),
            (3, 5, 0)
        );
        assert_eq!(count(&s, "clients"), 0, "a preview writes nothing");

        let r = import(
            &s,
            "visitas_cp1252_punto_y_coma.csv",
            &ImportOptions::default(),
        );
        assert!(!r.dry_run);
        assert_eq!(
            (r.rows_total, r.rows_imported, r.rows_rejected),
            (5, 5, 0),
            "{:?}",
            r.rejected
        );
        assert_eq!(
            (
                r.clients.created,
                r.pets.created,
                r.visits.created,
                r.staff_created,
                r.phones_flagged
            ),
            (3, 4, 5, 2, 1)
        );
        assert_eq!(
            (count(&s, "clients"), count(&s, "pets"), count(&s, "visits")),
            (3, 4, 5)
        );

        let (maria, e1, e2, flag) = client_by_sid(&s, "C001");
        assert_eq!(maria.full_name(), "María Núñez Peña");
        assert_eq!(
            maria.data.address, "C/ Mayor, 5; 2º B",
            "a quoted field keeps its separators"
        );
        assert_eq!(
            (maria.data.phone1.as_str(), e1.as_str(), e2.as_str(), flag),
            ("+34 699 111 222", "+34699111222", "+34612345678", false)
        );
        assert!(maria.data.consent_commercial, "Sí is yes");
        let history: Vec<(String, bool, ConsentHow)> = s
            .consent_history(maria.id)
            .unwrap()
            .into_iter()
            .map(|c| (c.consent, c.given, c.how))
            .collect();
        assert_eq!(
            history,
            [
                ("comercial".to_owned(), true, ConsentHow::Import),
                (
                    "cuidado".to_owned(),
                    maria.data.consent_care,
                    ConsentHow::Import
                ),
            ],
            "both consents recorded as the import found them"
        );
        let (jose, e1, _, _) = client_by_sid(&s, "C002");
        assert_eq!(
            (jose.data.first_name.as_str(), e1.as_str()),
            ("José Luis", "+34934567890")
        );
        let (begona, e1, _, flag) = client_by_sid(&s, "C003");
        assert_eq!(
            (begona.data.phone1.as_str(), e1.as_str(), flag),
            ("12 34", "", true),
            "an unreadable phone is kept as typed and flagged"
        );

        let surgery = visit_by_sid(&s, "M001@2025-05-20T11:00");
        assert_eq!(
            surgery.data.reason,
            "Castración; \"todo bien\"\nRevisar puntos en 10 días".replace('\n', "\r\n")
        );
        assert_eq!(
            (
                surgery.data.kind,
                surgery.data.severity,
                surgery.data.amount_cents
            ),
            (VisitKind::Surgery, Severity::Severe, Some(125075))
        );
        assert_eq!(surgery.staff_name.as_deref(), Some("Dra. Elena Ruiz"));
        let first = visit_by_sid(&s, "M001@2025-03-12T09:30");
        assert_eq!(
            (first.data.amount_cents, first.pet_name.as_str()),
            (Some(4550), "Luna")
        );
        let vaccine = visit_by_sid(&s, "M002@2025-06-02T16:45");
        assert_eq!(
            (vaccine.data.kind, vaccine.data.amount_cents),
            (VisitKind::Vaccination, Some(3800)),
            "17:45:00 at UTC+1, 38.00 €"
        );
        assert_eq!(
            s.search("nunez luna", 5).unwrap().len(),
            1,
            "imported clients are found by pet name"
        );
        assert_eq!(
            s.search("934567890", 5).unwrap()[0].full_name,
            "José Luis García Muñoz"
        );
    }

    #[test]
    fn reimporting_the_same_file_creates_nothing_and_reports_unchanged() {
        let s = store();
        import(
            &s,
            "visitas_cp1252_punto_y_coma.csv",
            &ImportOptions::default(),
        );
        let r = import(
            &s,
            "visitas_cp1252_punto_y_coma.csv",
            &ImportOptions::default(),
        );
        assert_eq!(r.created(), 0);
        assert_eq!(
            (
                r.clients.unchanged,
                r.pets.unchanged,
                r.visits.unchanged,
                r.staff_created
            ),
            (3, 4, 5, 0)
        );
        assert_eq!(
            (r.clients.updated, r.pets.updated, r.visits.updated),
            (0, 0, 0)
        );
        assert_eq!(
            (
                count(&s, "clients"),
                count(&s, "pets"),
                count(&s, "visits"),
                count(&s, "staff")
            ),
            (3, 4, 5, 2)
        );
    }

    #[test]
    fn a_changed_row_updates_its_record() {
        let s = store();
        import(
            &s,
            "visitas_cp1252_punto_y_coma.csv",
            &ImportOptions::default(),
        );
        let r = import(&s, "visitas_cambiadas.csv", &ImportOptions::default());
        assert_eq!(r.created(), 0);
        assert_eq!(
            (
                r.visits.updated,
                r.visits.unchanged,
                r.clients.updated,
                r.clients.unchanged
            ),
            (1, 4, 1, 2)
        );
        assert_eq!(
            visit_by_sid(&s, "M003@2025-09-15T08:00").data.amount_cents,
            Some(3000)
        );
        assert_eq!(client_by_sid(&s, "C003").0.data.email, "begona@ejemplo.es");
    }

    #[test]
    fn a_record_edited_by_hand_is_not_overwritten_unless_asked() {
        let s = store();
        import(
            &s,
            "visitas_cp1252_punto_y_coma.csv",
            &ImportOptions::default(),
        );
        let (jose, ..) = client_by_sid(&s, "C002");
        let mut f = ClientForm {
            id: Some(jose.id),
            ..Default::default()
        };
        let d = &jose.data;
        (f.first_name, f.surnames, f.phone1, f.email, f.address) = (
            d.first_name.clone(),
            d.surnames.clone(),
            "600 111 222".into(),
            d.email.clone(),
            d.address.clone(),
        );
        f.preferred_channel = "telefono".into();
        let mine = s
            .save_client(&f, now() + chrono::Duration::hours(1))
            .unwrap();
        // And a client entered in Fidelia that happens to carry the source id of the next file's.
        let later = ClinicTime::new(now() + chrono::Duration::hours(2), at().tz);
        let run = |opts: &ImportOptions| {
            s.import(
                ImportSource::Path(&fixture("visitas_cambiadas.csv")),
                opts,
                &mut |_, _| {},
                &AtomicBool::new(false),
                &later,
            )
            .unwrap()
        };
        let r = run(&ImportOptions::default());
        assert_eq!(r.clients.kept_manual, 1, "José's phone was changed by hand");
        assert_eq!(client_by_sid(&s, "C002").0.data.phone1, "600 111 222");
        assert_eq!(
            client_by_sid(&s, "C002").0.version,
            mine.version,
            "kept as he was: unchanged"
        );
        let r = run(&ImportOptions {
            overwrite_manual: true,
            ..Default::default()
        });
        assert_eq!((r.clients.kept_manual, r.clients.updated), (0, 1));
        assert_eq!(
            client_by_sid(&s, "C002").0.data.phone1,
            "93 456 78 90",
            "overwritten when the user says so"
        );
        // A form still showing José as he was before that import is out of date: its save is
        // refused rather than silently undoing the import.
        assert!(client_by_sid(&s, "C002").0.version > mine.version);
        f.version = Some(mine.version);
        f.notes = "Llamar por la tarde".into();
        assert!(matches!(
            s.save_client(&f, now() + chrono::Duration::hours(3)),
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(client_by_sid(&s, "C002").0.data.phone1, "93 456 78 90");

        let manual = crate::test_util::client(&s, "Ana", "Zapata", "600 000 000");
        s.store
            .write(|db| clients::link_source_id(db, manual.id, "C005"))
            .unwrap();
        let r = import(&s, "clientes_utf8_bom_coma.csv", &ImportOptions::default());
        assert_eq!(r.clients.kept_manual, 1);
        assert_eq!(
            s.client(manual.id).unwrap().data.phone1,
            "600 000 000",
            "a client entered in Fidelia stays as entered"
        );

        // Overwritten once because the user asked, she is still a client entered in Fidelia:
        // the next import, without "overwrite", leaves her alone.
        let r = import(
            &s,
            "clientes_utf8_bom_coma.csv",
            &ImportOptions {
                overwrite_manual: true,
                ..Default::default()
            },
        );
        assert_eq!(r.clients.kept_manual, 0);
        let changed = std::fs::read_to_string(fixture("clientes_utf8_bom_coma.csv"))
            .unwrap()
            .replace("ana.zapata@ejemplo.com", "ana@otra.example");
        let r = s
            .import(
                ImportSource::Bytes(changed.as_bytes()),
                &ImportOptions::default(),
                &mut |_, _| {},
                &AtomicBool::new(false),
                &at(),
            )
            .unwrap();
        assert_eq!(r.clients.kept_manual, 1, "still protected");
        assert_eq!(
            s.client(manual.id).unwrap().data.email,
            "ana.zapata@ejemplo.com"
        );
    }

    #[test]
    fn clients_file_in_utf8_with_bom_commas_and_english_headers() {
        let s = store();
        let p = s
            .import_preview(
                ImportSource::Path(&fixture("clientes_utf8_bom_coma.csv")),
                &ImportOptions::default(),
                &at(),
            )
            .unwrap();
        assert_eq!(
            (p.encoding, p.separator, p.shape),
            (Encoding::Utf8Bom, ',', Shape::Clients)
        );
        assert_eq!(
            p.columns.iter().map(|c| c.field).collect::<Vec<_>>(),
            [
                Field::ClientId,
                Field::FullName,
                Field::Phone,
                Field::Phone2,
                Field::Email,
                Field::Address,
                Field::ConsentCare,
                Field::ConsentCommercial
            ]
        );
        let r = import(&s, "clientes_utf8_bom_coma.csv", &ImportOptions::default());
        assert_eq!(
            (r.clients.created, r.rows_rejected),
            (3, 0),
            "{:?}",
            r.rejected
        );
        let (maria, ..) = client_by_sid(&s, "C001");
        assert_eq!(
            (maria.data.first_name.as_str(), maria.data.surnames.as_str()),
            ("María", "Núñez Peña")
        );
        let (inigo, e1, ..) = client_by_sid(&s, "C004");
        assert_eq!(
            (
                inigo.data.first_name.as_str(),
                inigo.data.surnames.as_str(),
                e1.as_str()
            ),
            ("Íñigo", "Martínez de la Fuente", "+34655443322")
        );
        assert_eq!(inigo.data.address, "Calle \"El Pilar\" 3");
        assert!(inigo.data.consent_commercial && inigo.data.consent_care);
        let (ana, ..) = client_by_sid(&s, "C005");
        assert_eq!(
            ana.data.preferred_channel,
            Channel::Email,
            "no phone: e-mail is the channel"
        );
    }

    /// The table of bad inputs (issue 13): each file, what the clinic is told, and that
    /// nothing already saved is lost. Rows: what is wrong, the file, and the message the user
    /// gets (a rejected row's reason, or the whole file's), or "" when it is imported as the
    /// text it is.
    #[test]
    fn bad_inputs_get_a_clear_message_and_lose_nothing() {
        let s = store();
        crate::test_util::client(&s, "Remedios", "Quintana", "612 345 678");
        let head = "Cód. Cliente;Nombre;Apellidos;Teléfono;Nº Mascota;Mascota;Especie;Sexo;Fecha visita;Tipo de visita;Gravedad;Motivo";
        let row = |name: &str, phone: &str, date: &str, reason: &str| {
            format!("{head}\nB1;{name};Pérez;{phone};BM1;Luna;Canino;Hembra;{date};Consulta;Leve;{reason}\n")
        };
        let ok = |name: &str| row(name, "612345678", "20/11/2026 10:30", "Tos");
        let long = "x".repeat(10_000);
        let html = "<img src=x onerror=alert(1)>";
        let table: Vec<(&str, Vec<u8>, &str)> = vec![
            ("an oversized field", ok(&long).into_bytes(), "err.too_long"),
            (
                "a NUL byte",
                ok("Ana\u{0}Mar").into_bytes(),
                "err.control_chars",
            ),
            (
                "an impossible date",
                row("Ana", "612345678", "31/02/2025 10:30", "Tos").into_bytes(),
                "err.date_impossible",
            ),
            (
                "a date that is no date",
                row("Ana", "612345678", "mañana", "Tos").into_bytes(),
                "err.date_format",
            ),
            (
                "a phone with letters",
                row("Ana", "6I2 345 678", "20/11/2026 10:30", "Tos").into_bytes(),
                "err.phone_letters",
            ),
            (
                "a formula cell",
                ok("=HYPERLINK(\"http://x.example\")").into_bytes(),
                "",
            ),
            (
                "HTML and script in every text field",
                row(html, "612345678", "20/11/2026 10:30", html).into_bytes(),
                "",
            ),
            ("an empty file", Vec::new(), "err.import_empty"),
            (
                "no client column",
                b"Nombre;Apellidos\nAna;P\xc3\xa9rez\n".to_vec(),
                "err.import_missing_column",
            ),
            (
                "a header and nothing else",
                format!("{head}\n").into_bytes(),
                "",
            ),
        ];
        for (what, file, expected) in table {
            let outcome = s.import(
                ImportSource::Bytes(&file),
                &ImportOptions::default(),
                &mut |_, _| {},
                &AtomicBool::new(false),
                &at(),
            );
            let said = match outcome {
                Ok(r) => r
                    .rejected
                    .first()
                    .map(|x| x.reason.clone())
                    .unwrap_or_default(),
                Err(ImportFailure::File(e)) => e.key().to_string(),
                Err(e) => panic!("{what}: {e:?}"),
            };
            assert_eq!(said, expected, "{what}");
            if !expected.is_empty() {
                let text = fidelia_core::i18n::t(Lang::Es, expected);
                assert_ne!(text, expected, "{what}: a message in Spanish");
            }
            let (n, _) = s.clients_list(0, 1).unwrap();
            assert!(n >= 1, "{what}: the clinic's own client is still there");
        }
    }

    /// An import runs on a connection of its own (issue 13, defect 3: it held the window's
    /// one connection, and searches and counters froze until it ended): in the middle of it,
    /// the clinic's own connection answers a search at once, and sees none of the rows being
    /// imported until the import commits.
    #[test]
    fn the_clinic_answers_while_an_import_runs() {
        let dir = crate::test_util::temp_folder("worker");
        let s = std::sync::Arc::new(Clinic::open(&dir.join("clinic.sqlite3")).unwrap());
        crate::test_util::client(&s, "Remedios", "Quintana", "612 345 678");
        let worker = s.worker().unwrap();
        let mut answers = Vec::new();
        let r = worker
            .import(
                ImportSource::Path(&fixture("clientes_utf8_bom_coma.csv")),
                &ImportOptions::default(),
                &mut |done, _| {
                    if done == 0 || !answers.is_empty() {
                        return;
                    }
                    let main = s.clone();
                    let (tx, rx) = std::sync::mpsc::channel();
                    std::thread::spawn(move || {
                        let _ = tx.send(main.clients_list(0, 100).map(|(n, _)| n));
                    });
                    answers.push(rx.recv_timeout(std::time::Duration::from_secs(2)));
                },
                &AtomicBool::new(false),
                &at(),
            )
            .unwrap();
        assert!(r.clients.created > 0);
        assert_eq!(answers.len(), 1, "asked once, mid-import");
        let during = answers
            .remove(0)
            .expect("the clinic answered within 2 s")
            .unwrap();
        assert_eq!(during, 1, "only what was committed before the import");
        assert!(
            s.clients_list(0, 100).unwrap().0 > 1,
            "the import's clients, once committed"
        );
        drop(worker);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// One row in Windows-1252 inside a UTF-8 file (issue 13, defect 7): the UTF-8 rows keep
    /// their accents, that row is read as Windows-1252, and the preview names its line.
    #[test]
    fn a_utf8_file_with_one_windows_1252_row_keeps_every_accent() {
        let s = store();
        let mut file = std::fs::read(fixture("clientes_utf8_bom_coma.csv")).unwrap();
        file.extend_from_slice(
            b"C099,\"Ib\xE1\xF1ez Mu\xF1oz, Jos\xE9\",612 000 111,,,,true,false\n",
        );
        let p = s
            .import_preview(ImportSource::Bytes(&file), &ImportOptions::default(), &at())
            .unwrap();
        assert_eq!(p.encoding, Encoding::Mixed);
        let last = file.iter().filter(|b| **b == b'\n').count() as u64;
        assert_eq!(
            (p.odd_lines.count, p.odd_lines.first.clone()),
            (1, vec![last])
        );
        let r = s
            .import(
                ImportSource::Bytes(&file),
                &ImportOptions::default(),
                &mut |_, _| {},
                &AtomicBool::new(false),
                &at(),
            )
            .unwrap();
        assert_eq!(r.rows_rejected, 0, "{:?}", rejected(&r));
        let (maria, ..) = client_by_sid(&s, "C001");
        assert_eq!(
            (maria.data.first_name.as_str(), maria.data.surnames.as_str()),
            ("María", "Núñez Peña")
        );
        let (jose, ..) = client_by_sid(&s, "C099");
        assert_eq!(
            (jose.data.first_name.as_str(), jose.data.surnames.as_str()),
            ("José", "Ibáñez Muñoz")
        );
    }

    #[test]
    fn pets_file_tab_separated_linked_by_client_ids() {
        let s = store();
        import(&s, "clientes_utf8_bom_coma.csv", &ImportOptions::default());
        let p = s
            .import_preview(
                ImportSource::Path(&fixture("mascotas_utf8_tabulador.csv")),
                &ImportOptions::default(),
                &at(),
            )
            .unwrap();
        assert_eq!(
            (p.encoding, p.separator, p.shape),
            (Encoding::Utf8, '\t', Shape::Pets)
        );
        let r = import(&s, "mascotas_utf8_tabulador.csv", &ImportOptions::default());
        assert_eq!(r.pets.created, 3);
        assert_eq!(
            rejected(&r),
            [(5, "ID Cliente", "C999", "err.import_unknown_client")]
        );
        let (maria, ..) = client_by_sid(&s, "C001");
        let pets = s.client_page(maria.id).unwrap().pets;
        let rocco = pets.iter().find(|p| p.data.name == "Rocco").unwrap();
        assert_eq!(
            (rocco.data.species, rocco.data.sex),
            (Species::Dog, Sex::Male)
        );
        assert_eq!(
            (
                rocco.data.birth_date.unwrap().to_string(),
                rocco.data.deceased_on.unwrap().to_string()
            ),
            ("2008-05-05".into(), "2024-02-14".into())
        );
        let nube = pets.iter().find(|p| p.data.name == "Nube").unwrap();
        assert_eq!(
            (nube.data.species, nube.data.sex, nube.data.deceased_on),
            (Species::Cat, Sex::Female, None)
        );
    }

    #[test]
    fn a_pet_marked_deceased_without_a_date_keeps_the_date_unknown() {
        let file = "ID\tID Cliente\tNombre\tEspecie\tFallecido\tFecha fallecimiento\n\
                    P010\tC001\tTobi\tPerro\tSí\t\n\
                    P011\tC001\tKira\tGato\tfallecida\t\n\
                    P012\tC001\tNala\tGato\tSí\t03/03/2024\n\
                    P013\tC001\tMax\tPerro\tNo\t\n";
        // Both paths write pets with the same one-statement insert; each is checked.
        for bulk in [false, true] {
            let s = store();
            import(&s, "clientes_utf8_bom_coma.csv", &ImportOptions::default());
            let opts = ImportOptions {
                bulk: Some(bulk),
                ..Default::default()
            };
            let run = |at: &ClinicTime<chrono::FixedOffset>| {
                s.import(
                    ImportSource::Bytes(file.as_bytes()),
                    &opts,
                    &mut |_, _| {},
                    &AtomicBool::new(false),
                    at,
                )
                .unwrap()
            };
            let r = run(&at());
            assert_eq!(
                (r.pets.created, r.rows_rejected),
                (4, 0),
                "{:?}",
                r.rejected
            );
            let stored = |sid: &str| {
                s.store
                    .read(|db| {
                        let Existing::Found { id, .. } = pets::by_source_id(db, sid)? else {
                            panic!("no pet imported as {sid}");
                        };
                        pets::get(db, id)
                    })
                    .unwrap()
                    .data
            };
            let state = |sid: &str| {
                let p = stored(sid);
                (p.deceased, p.deceased_on.map(|d| d.to_string()))
            };
            assert_eq!(
                state("P010"),
                (true, None),
                "deceased, the day unknown (bulk: {bulk})"
            );
            assert_eq!(state("P011"), (true, None));
            assert_eq!(state("P012"), (true, Some("2024-03-03".into())));
            assert_eq!(state("P013"), (false, None));
            // The next day the same file changes nothing: the unknown day did not become a date.
            let tomorrow = ClinicTime::new(now() + chrono::Duration::days(1), at().tz);
            let r = run(&tomorrow);
            assert_eq!((r.pets.unchanged, r.pets.updated), (4, 0));
            assert_eq!(state("P010"), (true, None));
        }
    }

    #[test]
    fn separate_visit_appointment_and_vaccination_files() {
        let s = store();
        import(&s, "clientes_utf8_bom_coma.csv", &ImportOptions::default());
        import(&s, "mascotas_utf8_tabulador.csv", &ImportOptions::default());
        let r = import(&s, "visitas_separadas.csv", &ImportOptions::default());
        assert_eq!(r.visits.created, 2);
        assert_eq!(
            rejected(&r),
            [(4, "ID Mascota", "P404", "err.import_unknown_pet")]
        );
        let v = visit_by_sid(&s, "V101");
        assert_eq!(
            (v.data.amount_cents, v.data.severity, v.data.at.to_rfc3339()),
            (
                Some(125075),
                Severity::Mild,
                "2025-07-08T11:00:00+00:00".into()
            ),
            "no time: 12:00 local"
        );
        assert_eq!(visit_by_sid(&s, "V100").data.amount_cents, Some(4550));

        let r = import(&s, "citas.csv", &ImportOptions::default());
        assert_eq!(
            (r.appointments.created, r.rows_rejected),
            (2, 0),
            "{:?}",
            r.rejected
        );
        let (maria, ..) = client_by_sid(&s, "C001");
        let appts = s.client_page(maria.id).unwrap().appointments;
        assert_eq!(
            (
                appts[0].data.duration_min,
                appts[0].data.status,
                appts[0].data.reason.as_str()
            ),
            (20, AppointmentStatus::Scheduled, "Revisión de la tos")
        );
        let r = import(&s, "citas.csv", &ImportOptions::default());
        assert_eq!((r.appointments.created, r.appointments.unchanged), (0, 2));

        let r = import(&s, "vacunas.csv", &ImportOptions::default());
        assert_eq!(
            (r.vaccinations.created, r.rows_rejected),
            (2, 0),
            "{:?}",
            r.rejected
        );
        let next = s
            .store
            .read(|db| treatments::by_source_id(db, "T01"))
            .unwrap()
            .expect("T01 was imported")
            .2
            .next_due_on;
        assert_eq!(
            next.map(|d| d.to_string()).as_deref(),
            Some("2026-03-10"),
            "the file's next date wins"
        );
        let by_rule = s
            .store
            .read(|db| treatments::by_source_id(db, "T02"))
            .unwrap()
            .expect("T02 was imported")
            .2
            .next_due_on;
        assert_eq!(
            by_rule.map(|d| d.to_string()).as_deref(),
            Some("2026-01-15"),
            "no date in the file: a yearly rabies vaccine, by the clinic's rule"
        );
        let r = import(&s, "vacunas.csv", &ImportOptions::default());
        assert_eq!((r.vaccinations.created, r.vaccinations.unchanged), (0, 2));
    }

    #[test]
    fn bad_rows_are_rejected_with_line_column_and_reason_and_good_rows_kept() {
        let s = store();
        let r = import(&s, "filas_erroneas.csv", &ImportOptions::default());
        assert_eq!((r.rows_total, r.rows_imported, r.rows_rejected), (11, 2, 9));
        assert_eq!(
            rejected(&r),
            [
                (3, "Fecha visita", "32/13/2020", "err.date_impossible"),
                (4, "Fecha visita", "29/02/2023", "err.date_impossible"),
                (5, "Teléfono", "61A 345 678", "err.phone_letters"),
                (6, "Importe", "abc", "err.amount_format"),
                (7, "E-mail", "antonio.ejemplo.es", "err.email"),
                (8, "Apellidos", "", "err.required"),
                (9, "", "21/20", "err.import_too_many_fields"),
                (10, "", "16/20", "err.import_too_few_fields"),
                (13, "Acepta publicidad", "Quizá", "err.boolean"),
            ]
        );
        assert_eq!(
            (count(&s, "clients"), count(&s, "visits")),
            (2, 2),
            "the good rows are kept"
        );
        assert_eq!(
            visit_by_sid(&s, "M019@2025-03-03T17:00").data.reason,
            "Herida\r\nen la pata"
        );

        let csv = fidelia_core::import::report_csv(&r, Lang::Es);
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "Línea;Columna;Valor;Motivo");
        assert_eq!(
            lines[1],
            "3;Fecha visita;32/13/2020;Esa fecha no existe (revise el día y el mes)."
        );
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["rejected"][2]["reason"], "err.phone_letters");
        assert_eq!(json["rowsRejected"], 9);
    }

    #[test]
    fn a_missing_required_column_stops_before_anything_is_written() {
        let s = store();
        let p = s
            .import_preview(
                ImportSource::Path(&fixture("falta_columna.csv")),
                &ImportOptions::default(),
                &at(),
            )
            .unwrap();
        assert_eq!(p.missing, [Field::ClientId]);
        let e = s
            .import(
                ImportSource::Path(&fixture("falta_columna.csv")),
                &ImportOptions::default(),
                &mut |_, _| {},
                &AtomicBool::new(false),
                &at(),
            )
            .unwrap_err();
        assert!(
            matches!(&e, ImportFailure::File(ImportError::MissingColumns(f)) if f == &[Field::ClientId]),
            "{e:?}"
        );
        assert_eq!(
            e.message(Lang::Es),
            "Falta la columna obligatoria «Código de cliente». No se ha importado nada."
        );
        assert!(e.message(Lang::En).contains("«Client ID»"));
        assert_eq!(
            (
                count(&s, "clients"),
                count(&s, "pets"),
                count(&s, "visits"),
                count(&s, "staff")
            ),
            (0, 0, 0, 0)
        );
    }

    #[test]
    fn a_cancelled_import_leaves_the_database_as_it_was() {
        let s = store();
        import(&s, "clientes_utf8_bom_coma.csv", &ImportOptions::default());
        let cancel = AtomicBool::new(false);
        let mut calls = 0;
        let e = s
            .import(
                ImportSource::Bytes(&big_file(2000)),
                &ImportOptions::default(),
                &mut |done, _| {
                    calls += 1;
                    if done >= 1000 {
                        cancel.store(true, Ordering::Relaxed);
                    }
                },
                &cancel,
                &at(),
            )
            .unwrap_err();
        assert!(matches!(e, ImportFailure::File(ImportError::Cancelled)));
        assert!(calls >= 2);
        assert_eq!(
            (
                count(&s, "clients"),
                count(&s, "pets"),
                count(&s, "visits"),
                count(&s, "staff")
            ),
            (3, 0, 0, 0),
            "nothing of the cancelled import stays"
        );
    }

    #[test]
    fn a_chosen_mapping_is_remembered_for_files_with_the_same_headers() {
        let s = store();
        let path = fixture("visitas_separadas.csv");
        let p = s
            .import_preview(ImportSource::Path(&path), &ImportOptions::default(), &at())
            .unwrap();
        assert_eq!(p.mapping_source, MappingSource::Detected);
        assert!(s.remembered_mapping(&p.signature).unwrap().is_none());
        // The user says the "Motivo" column is not to be imported.
        let mut fields: Vec<Field> = p.columns.iter().map(|c| c.field).collect();
        fields[6] = Field::Ignore;
        let opts = ImportOptions {
            fields: Some(fields.clone()),
            ..Default::default()
        };
        import(&s, "visitas_separadas.csv", &opts);
        assert_eq!(
            s.remembered_mapping(&p.signature).unwrap().unwrap().fields,
            fields
        );
        let again = s
            .import_preview(ImportSource::Path(&path), &ImportOptions::default(), &at())
            .unwrap();
        assert_eq!(again.mapping_source, MappingSource::Remembered);
        assert_eq!(again.columns[6].field, Field::Ignore);
        let wrong = ImportOptions {
            fields: Some(vec![Field::Ignore; 3]),
            ..Default::default()
        };
        assert!(matches!(
            s.import_preview(ImportSource::Path(&path), &wrong, &at()),
            Err(ImportFailure::File(ImportError::BadMapping))
        ));
    }

    /// An export without a visit-type column, with the id headers of a real one (camel case,
    /// abbreviated): the kinds are read from the reasons unless the user says not to.
    /// A client's rows read together give its search key and its pets' last visits as the
    /// rows are written. Rows of a client apart from one another, more of them than are read
    /// ahead, and a visit named again under another pet end the same: the keys and last
    /// visits are those the database gives once everything is in.
    #[test]
    fn a_clients_rows_together_apart_or_very_many_give_the_keys_and_last_visits_of_the_database() {
        let mut text = String::from(
            "CodCliente;Nombre;Apellidos;Teléfono;IdPaciente;Nombre mascota;Especie;Id. visita;Fecha visita;Motivo\n",
        );
        let mut row = |c: &str, m: &str, name: &str, visit: &str, day: usize| {
            text.push_str(&format!(
                "{c};Ana {c};Ruiz;612345678;{m};{name};Gato;{visit};{:02}/{:02}/2024 10:00;Control\n",
                1 + day % 28,
                1 + day / 28 % 12
            ));
        };
        // C1's rows apart: a pet, then C2, then C1 again with another pet and a later visit
        // of the first.
        row("C1", "M1", "Luna", "V1", 40);
        row("C1", "M1", "Luna", "V2", 10);
        row("C2", "M2", "Kira", "V3", 5);
        row("C1", "M3", "Nube", "V4", 7);
        row("C1", "M1", "Luna", "V5", 90);
        // V3 again, now C1's Nube's and later: moved from Kira, who is left without visits.
        row("C1", "M3", "Nube", "V3", 200);
        // C9: more rows than are read ahead, its second pet's first visit after most of them.
        for i in 0..AHEAD_ROWS + 600 {
            let (m, name) = match i {
                i if i > AHEAD_ROWS + 100 && i % 3 == 0 => ("M92", "Simba"),
                i if i % 2 == 0 => ("M90", "Coco"),
                _ => ("M91", "Bimba"),
            };
            row("C9", m, name, &format!("V9-{i}"), (i * 37) % 300);
        }
        for bulk in [false, true] {
            let s = store();
            let import = |text: &str| {
                s.import(
                    ImportSource::Bytes(text.as_bytes()),
                    &ImportOptions {
                        bulk: Some(bulk),
                        ..Default::default()
                    },
                    &mut |_, _| {},
                    &AtomicBool::new(false),
                    &at(),
                )
                .unwrap()
            };
            let r = import(&text);
            assert_eq!(
                (r.rows_rejected, r.clients.created, r.pets.created),
                (0, 3, 6)
            );
            assert_eq!(r.visits.updated, 1, "V3 moved");
            // What the import wrote is what the database gives for it.
            let as_the_database_says = |pets: i64, what: &str| {
                let before = s.content_dump().unwrap();
                s.store
                    .write(|db| {
                        clients::refresh_search_keys(db, |_| true)?;
                        let all: Vec<PetId> = (1..=pets).map(PetId).collect();
                        pets::refresh_last_visits_of(db, &all)
                    })
                    .unwrap();
                assert!(
                    s.content_dump().unwrap() == before,
                    "keys and last visits as the database gives them, {what} (bulk: {bulk})"
                );
            };
            as_the_database_says(6, "after the first file");

            // V1 edited by hand, then named by another file under a new pet, later: it stays
            // Luna's, and the new pet, written with it as its last visit, has none.
            s.store
                .write(|db| {
                    let Existing::Found { id, .. } = visits::by_source_id(db, "V1")? else {
                        panic!("V1 imported");
                    };
                    let mut v = visits::get(db, id)?.data;
                    v.reason = "Control, anotado en la consulta".into();
                    visits::update(db, id, &v, at().now + chrono::Duration::hours(1))
                })
                .unwrap();
            // Then a client already in the clinic (C2), and C5 again with another pet: its key,
            // written with its first row, must name the new pet too.
            let other = "CodCliente;Nombre;Apellidos;Teléfono;IdPaciente;Nombre mascota;Especie;Id. visita;Fecha visita;Motivo\n\
                C5;Eva;Sanz;612345678;M50;Rex;Perro;V1;01/06/2025 10:00;Control\n\
                C2;Ana C2;Ruiz;612345678;M2;Kira;Gato;V7;02/02/2024 10:00;Control\n\
                C5;Eva;Sanz;612345678;M51;Tor;Perro;V8;03/03/2025 10:00;Control\n";
            let r = import(other);
            assert_eq!((r.pets.created, r.visits.kept_manual), (2, 1));
            as_the_database_says(8, "after the second");
            assert_eq!(s.search("tor", 10).unwrap().len(), 1);
            let key = s.search("simba", 10).unwrap();
            assert_eq!(key.len(), 1, "C9's pet seen after its rows read ahead");
            assert_eq!(s.search("nube", 10).unwrap().len(), 1);
            assert!(s.search("kira", 10).unwrap().len() == 1);
        }
    }

    const UNTYPED: &str = "CodCliente;Nombre;Apellidos;Teléfono;IdPaciente;Nombre mascota;Especie;Id. visita;Fecha visita;Motivo\n\
        C1;María;Núñez;612345678;M1;Luna;Perro;V1;24/11/2026 10:00;Cirugía: extirpación de nódulo\n\
        C1;María;Núñez;612345678;M1;Luna;Perro;V2;20/11/2026 10:00;VACUNACIÓN anual\n\
        C1;María;Núñez;612345678;M1;Luna;Perro;V3;24/11/2026 12:00;Revisión de la herida\n\
        C1;María;Núñez;612345678;M1;Luna;Perro;V4;10/11/2026 10:00;Vómitos, fiebre alta\n";

    #[test]
    fn without_a_type_column_the_kind_comes_from_the_reason() {
        let s = store();
        let src = ImportSource::Bytes(UNTYPED.as_bytes());
        let p = s
            .import_preview(src, &ImportOptions::default(), &at())
            .unwrap();
        assert!(
            p.missing.is_empty(),
            "every id column detected: {:?}",
            p.missing
        );
        assert_eq!(p.kind_inferred, Some(true));
        assert_eq!(serde_json::to_value(&p).unwrap()["kindInferred"], true);
        let r = s
            .import(
                src,
                &ImportOptions::default(),
                &mut |_, _| {},
                &AtomicBool::new(false),
                &at(),
            )
            .unwrap();
        assert_eq!(
            (r.rows_imported, r.visits.created),
            (4, 4),
            "{:?}",
            r.rejected
        );
        let kinds: Vec<VisitKind> = ["V1", "V2", "V3", "V4"]
            .iter()
            .map(|sid| visit_by_sid(&s, sid).data.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                VisitKind::Surgery,
                VisitKind::Vaccination,
                VisitKind::Checkup,
                VisitKind::Illness
            ]
        );
        // The surgery gets the surgery's follow-up call; the check-up none.
        let call = |sid: &str| {
            let id = visit_by_sid(&s, sid).id;
            s.store
                .read(|db| fidelia_store::tables::calls::follow_up_of_visit(db, id))
                .unwrap()
        };
        assert!(call("V1").is_some(), "a recent surgery is called back");
        assert!(call("V3").is_none(), "a check-up is not");
    }

    #[test]
    fn inference_turned_off_or_a_type_column_leaves_the_reason_alone() {
        let s = store();
        let src = ImportSource::Bytes(UNTYPED.as_bytes());
        let off = ImportOptions {
            infer_kind: false,
            ..Default::default()
        };
        let p = s.import_preview(src, &off, &at()).unwrap();
        assert_eq!(p.kind_inferred, Some(false));
        s.import(src, &off, &mut |_, _| {}, &AtomicBool::new(false), &at())
            .unwrap();
        for sid in ["V1", "V2", "V3", "V4"] {
            assert_eq!(visit_by_sid(&s, sid).data.kind, VisitKind::Illness, "{sid}");
        }
        // The visits file with a type column: nothing to infer, the column decides.
        let p = s
            .import_preview(
                ImportSource::Path(&fixture("visitas_separadas.csv")),
                &ImportOptions::default(),
                &at(),
            )
            .unwrap();
        assert_eq!(p.kind_inferred, None);
        assert!(serde_json::to_value(&p).unwrap()["kindInferred"].is_null());
    }

    /// A one-row-per-visit export as a clinic's would be: Windows-1252, `;`, CRLF, a client
    /// every ten visits, a pet every five.
    fn big_file(rows: usize) -> Vec<u8> {
        let mut text = String::from("Cód. Cliente;Nombre;Apellidos;Teléfono;E-mail;Nº Mascota;Mascota;Especie;Fecha visita;Tipo de visita;Gravedad;Motivo;Importe;Veterinario\r\n");
        for i in 0..rows {
            let (c, p) = (i / 10, i / 5);
            let day = 1 + i % 28;
            let month = 1 + (i / 28) % 12;
            text.push_str(&format!(
                "C{c:05};María José;Núñez Peña {c};6{:08};cliente{c}@ejemplo.es;M{p:06};Luna {p};Perro;{day:02}/{month:02}/2025 {:02}:{:02};Consulta;Leve;\"Revisión; nota {i}\";{},{:02};Dra. Elena Ruiz\r\n",
                c % 100_000_000,
                9 + i % 10,
                (i * 7) % 60,
                20 + i % 80,
                i % 100
            ));
        }
        // Every character here is in Latin-1, where Windows-1252 has the same bytes.
        text.chars()
            .map(|c| u8::try_from(c as u32).expect("Latin-1"))
            .collect()
    }

    #[test]
    fn the_preview_of_a_large_file_rehearses_its_first_rows_and_estimates_the_rest() {
        let s = store();
        let file = big_file(20_000);
        let p = s
            .import_preview(ImportSource::Bytes(&file), &ImportOptions::default(), &at())
            .unwrap();
        assert!(p.partial);
        assert_eq!(p.report.rows_total, PREVIEW_ROWS);
        assert_eq!(p.report.visits.created, PREVIEW_ROWS);
        assert!(
            (18_000..=22_000).contains(&p.rows_estimate),
            "about 20,000 rows: {}",
            p.rows_estimate
        );
        assert_eq!(count(&s, "visits"), 0, "a preview writes nothing");
        // A small file is rehearsed whole and counted exactly.
        let small = big_file(300);
        let p = s
            .import_preview(
                ImportSource::Bytes(&small),
                &ImportOptions::default(),
                &at(),
            )
            .unwrap();
        assert!(!p.partial);
        assert_eq!((p.report.rows_total, p.rows_estimate), (300, 300));
    }

    #[test]
    fn twenty_thousand_rows_stream_in_one_transaction() {
        let s = store();
        let path = std::env::temp_dir().join(format!("fidelia-import-{}.csv", std::process::id()));
        std::fs::write(&path, big_file(20_000)).unwrap();
        let mut last = (0, 0);
        let t0 = std::time::Instant::now();
        let r = s
            .import(
                ImportSource::Path(&path),
                &ImportOptions::default(),
                &mut |d, t| last = (d, t),
                &AtomicBool::new(false),
                &at(),
            )
            .unwrap();
        let took = t0.elapsed();
        std::fs::remove_file(&path).ok();
        eprintln!("20,000 rows imported in {took:?}");
        assert_eq!(last, (20_000, 20_000), "progress reaches the end");
        assert_eq!(
            (r.rows_imported, r.rows_rejected),
            (20_000, 0),
            "{:?}",
            r.rejected.first()
        );
        assert_eq!(
            (r.clients.created, r.pets.created, r.visits.created),
            (2_000, 4_000, 20_000)
        );
        assert_eq!(count(&s, "visits"), 20_000);
    }
}
