//! `fidelia`: the clinic's operations without a window — demo clinic, clean clinic, export,
//! and the benchmark. Built without Tauri.

mod bench;
mod import;
mod letters;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{Local, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use fidelia_core::demo::DemoSize;
use fidelia_core::i18n::t;
use fidelia_core::ClinicTime;
use fidelia_ops::{Clinic, Location};

/// The demo clinic's seed, the same as the window's.
const DEMO_SEED: u64 = 2026;

#[derive(Parser)]
#[command(
    name = "fidelia",
    version,
    about = "Fidelia sin ventana: clínica de demostración, clínica limpia, importación, exportación y benchmark"
)]
struct Cli {
    /// Database: a file, or the clinic's server database shared by its PCs
    /// (postgres://user:password@host:port/database); default: $FIDELIA_DB, else a file in the
    /// OS app-data folder.
    #[arg(long, global = true)]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Replace the clinic's records with the generated demo clinic.
    Demo {
        #[arg(long, default_value_t = DEMO_SEED)]
        seed: u64,
        /// Confirm replacing a clinic's own records (not needed for a new file or the demo).
        #[arg(long)]
        yes: bool,
    },
    /// Start a clean clinic: every record is deleted.
    NewClinic {
        /// Confirm that every record will be deleted.
        #[arg(long)]
        yes: bool,
    },
    /// Export every record as one JSON file or as one CSV file per table in a folder.
    Export {
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// JSON: a file ("-" for standard output). CSV: a folder.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Show where the database is and what it holds.
    Info,
    /// Test a server database for several PCs (PostgreSQL): reachable, the right password,
    /// empty or Fidelia's (writes nothing).
    ServerCheck {
        /// postgres://user:password@host:port/database
        url: String,
    },
    /// Copy the whole clinic (this PC's database, or --db) into the clinic's empty server
    /// database, then compare each table's rows and checksum on both sides. The database
    /// copied from is left as it was; start Fidelia with --db URL (or FIDELIA_DB) afterwards.
    MoveToServer {
        /// postgres://user:password@host:port/database (an empty database)
        url: String,
    },
    /// Copy the whole clinic (from --db, a server database) into a new SQLite file, then
    /// compare each table's rows and checksum on both sides.
    MoveToFile {
        /// The new file (it must not exist).
        path: PathBuf,
    },
    /// Make a verified backup of the database (then rotate the folder's backups).
    Backup {
        /// The backup folder (default: this PC's, as chosen in the window).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// List the backups, newest first.
    Backups {
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Put a backup in place of the database (a copy of the database as it is is kept first).
    /// Close Fidelia's window first.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Confirm that the database will be replaced.
        #[arg(long)]
        yes: bool,
        /// Where the copy of the replaced database goes (default: the backup folder).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Import a CSV export (clients, pets, visits, appointments, vaccinations); prints the
    /// report; exits 1 when rows were rejected, 2 when nothing was imported.
    Import(import::ImportArgs),
    /// Issue the thank-you letters of a loyalty review as PDF (the same letters as the window's
    /// Fidelización), recorded so that nobody is thanked twice in a period.
    Letters(letters::LettersArgs),
    /// Prepare and list today's messages to send (the window's Mensajes: reminders, surveys,
    /// birthday greetings). Safe with the window open: nothing is ever prepared twice.
    Messages,
    /// Import the answers of the online survey form (its CSV export: Google Forms, Microsoft
    /// Forms), matched by each visit's code; prints what was recorded and the rows rejected by
    /// line; exits 1 when rows were rejected.
    SurveyAnswers {
        /// The form's CSV export.
        file: PathBuf,
    },
    /// Write the owner's monthly report as PDF (the same as the window's Panel), for a month
    /// (YYYY-MM; default: last month), in a folder (default: Documents/Fidelia/Informes).
    Report {
        #[arg(long)]
        month: Option<String>,
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Build a large clinic in a temporary file and print search, client-page, scheduler,
    /// agenda and message-queue latencies. With --db postgres://… (an empty database), the
    /// clinic is also moved there and the same reads are timed on both engines.
    Bench {
        #[arg(long, default_value_t = DemoSize::LARGE.clients)]
        clients: usize,
        #[arg(long, default_value_t = DemoSize::LARGE.pets)]
        pets: usize,
        #[arg(long, default_value_t = DemoSize::LARGE.visits)]
        visits: usize,
        #[arg(long, default_value_t = DemoSize::LARGE.years)]
        years: u32,
        /// Queries and page opens to time (at least 2: half with accents, half without).
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(2..))]
        samples: u64,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Csv,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let logs = fidelia_ops::logging::log_dir();
    if let Err(e) = fidelia_ops::logging::init(&logs, "cli") {
        eprintln!("warning: no log in {}: {e}", logs.display());
    }
    if let Command::Import(args) = &cli.command {
        fidelia_ops::import::warm_up();
        return match location(&cli) {
            Ok(db) => import::main(&db, args),
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn now() -> ClinicTime<Local> {
    ClinicTime::new(Utc::now(), Local)
}

/// Where the clinic's database is: `--db`, else `$FIDELIA_DB`, else the app-data folder; and
/// when that is a file beside which this PC chose the clinic's server (Ajustes → Varios PCs),
/// the server, as the window opens it.
fn location(cli: &Cli) -> Result<Location, String> {
    use fidelia_ops::server::{resolve, Resolved};
    let given = cli
        .db
        .as_deref()
        .map_or_else(fidelia_ops::default_location, Location::parse);
    match resolve(given) {
        Resolved::At(db) => Ok(db),
        Resolved::NeedsPassword(c) => Err(format!(
            "this PC uses the clinic's server {}@{}:{}/{}, whose password is not in the \
             credential store: give it with --db postgres://{}:PASSWORD@{}:{}/{}",
            c.user, c.host, c.port, c.database, c.user, c.host, c.port, c.database
        )),
    }
}

/// What a move copied, table by table.
fn moved(m: &fidelia_ops::server::Moved) {
    println!(
        "Clinic copied to {} in {:.1} s; rows and checksums equal on both sides:",
        m.to,
        m.millis as f64 / 1000.0
    );
    for (table, sum) in &m.tables {
        println!(
            "  {table:<22} {:>9} rows  sha256 {}",
            sum.rows,
            &sum.sha256[..16]
        );
    }
}

/// Whether the clinic's database already exists (a server database does, once reachable).
fn exists(db: &Location) -> bool {
    db.path().is_none_or(Path::exists)
}

fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let db = location(&cli)?;
    match cli.command {
        Command::Demo { seed, yes } => {
            let existed = exists(&db);
            let store = Clinic::open_at(&db)?;
            let (clients, _) = store.clients_list(0, 1)?;
            if existed && !yes && clients > 0 && !store.settings()?.demo {
                return Err(format!(
                    "{} holds a clinic's own records ({clients} clients): the demo would replace \
                     them; run again with --yes to confirm (a backup first: fidelia backup)",
                    db
                )
                .into());
            }
            let c = store.load_demo(seed, DemoSize::DEMO, &now())?;
            println!(
                "Demo clinic in {}: {} clients, {} pets, {} visits, {} appointments",
                db, c.clients, c.pets, c.visits, c.appointments
            );
        }
        Command::NewClinic { yes } => {
            if !yes {
                return Err(
                    "this deletes every record of the clinic; run again with --yes to confirm"
                        .into(),
                );
            }
            Clinic::open_at(&db)?.reset()?;
            println!("Clean clinic in {}", db);
        }
        Command::Export { format, out } => {
            let store = Clinic::open_at(&db)?;
            match format {
                Format::Json if out.as_os_str() == "-" => {
                    store.export_json(&mut std::io::stdout().lock(), now().now)?
                }
                Format::Json => {
                    let mut f = std::io::BufWriter::new(std::fs::File::create(&out)?);
                    store.export_json(&mut f, now().now)?;
                    println!("Exported to {}", out.display());
                }
                Format::Csv => {
                    for f in store.export_csv(&out, now().now)? {
                        println!("{}", f.display());
                    }
                }
            }
        }
        Command::Backup { dir } => {
            let dir = dir.unwrap_or_else(fidelia_ops::backup::dir);
            let made = Clinic::open_at(&db)?.backup_now(&dir, &now())?;
            println!(
                "Backup {} ({:.1} MiB, {} rows, checked) in {:.1} s; {} old backup(s) removed",
                made.file.path.display(),
                made.file.size as f64 / 1_048_576.0,
                made.rows,
                made.millis as f64 / 1000.0,
                made.removed
            );
        }
        Command::Backups { dir } => {
            let dir = dir.unwrap_or_else(fidelia_ops::backup::dir);
            println!("{}", dir.display());
            for b in fidelia_ops::backup::list(&dir) {
                println!(
                    "  {}  {:>9.1} MiB  {}",
                    b.made_at.format("%d/%m/%Y %H:%M:%S"),
                    b.size as f64 / 1_048_576.0,
                    b.name
                );
            }
        }
        Command::Restore { file, yes, dir } => {
            if !yes {
                return Err(format!(
                    "this replaces the database {} with {}; run again with --yes to confirm",
                    db,
                    file.display()
                )
                .into());
            }
            let dir = dir.unwrap_or_else(fidelia_ops::backup::dir);
            let (clinic, done) = match db.path() {
                Some(path) => fidelia_ops::backup::restore(path, &file, &dir, &now())?,
                None => {
                    // The clinic's server: its own dump, restored while the PCs keep working.
                    let clinic = Clinic::open_at(&db)?;
                    let done = fidelia_ops::backup::restore_server(&clinic, &file, &dir, &now())?;
                    (clinic, done)
                }
            };
            println!(
                "Restored {} ({} rows) into {}",
                file.display(),
                done.rows,
                db
            );
            if let Some(copy) = done.safety_copy {
                println!("The database as it was: {}", copy.display());
            }
            drop(clinic);
        }
        Command::MoveToServer { url } => {
            moved(&Clinic::open_at(&db)?.move_to(&Location::Server(url))?)
        }
        Command::MoveToFile { path } => {
            moved(&Clinic::open_at(&db)?.move_to(&Location::File(path))?)
        }
        Command::ServerCheck { url } => {
            // In the clinic's language when this PC has a clinic (none is made for this).
            let lang = match exists(&db) {
                true => Clinic::open_at(&db).map(|c| c.language()).ok(),
                false => None,
            }
            .unwrap_or(fidelia_core::Lang::Es);
            let t = fidelia_ops::server::test_connection(&url, lang);
            println!("{}", t.message);
            if !t.ok {
                return Err("the server database cannot be used".into());
            }
        }
        Command::Info => {
            let store = Clinic::open_at(&db)?;
            let s = store.settings()?;
            println!("database: {}", db);
            println!(
                "version:  fidelia {}, database schema {}",
                env!("CARGO_PKG_VERSION"),
                store.schema_version()?
            );
            println!(
                "clinic:   {}{}",
                s.clinic_name,
                if s.demo { " (demo)" } else { "" }
            );
            println!("clients:  {}", store.clients_list(0, 1)?.0);
            println!("size:     {} KiB", store.size_bytes()? / 1024);
        }
        Command::Messages => {
            let store = Clinic::open_at(&db)?;
            let lang = store.language();
            let queue = store.messages_for_today(&now())?;
            println!("{} messages to send today", queue.len());
            for m in queue {
                println!(
                    "\n[{}] {} · {} · {}{}",
                    m.send_on.format("%d/%m/%Y"),
                    t(lang, &format!("message_kind.{}", m.kind)),
                    m.client_name,
                    m.pet_names.join(", "),
                    if m.note.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", m.note)
                    }
                );
                println!("{}", m.body);
            }
        }
        Command::SurveyAnswers { file } => {
            let store = Clinic::open_at(&db)?;
            let lang = store.language();
            let bytes = std::fs::read(&file)?;
            let r = store
                .import_survey_answers(&bytes, &now())
                .map_err(|e| match e {
                    fidelia_ops::surveys::SurveyImportError::File(e) => e.message(lang),
                    fidelia_ops::surveys::SurveyImportError::Store(e) => e.to_string(),
                })?;
            println!(
                "{}",
                t(lang, "survey.import_done")
                    .replace("{recorded}", &r.recorded.to_string())
                    .replace("{poor}", &r.poor.to_string())
                    .replace("{unchanged}", &r.unchanged.to_string())
            );
            for x in &r.rejected {
                println!(
                    "line {}: {} «{}» — {}",
                    x.line,
                    x.column,
                    x.value,
                    t(lang, &x.reason)
                );
            }
            if !r.rejected.is_empty() {
                return Err(format!("{} rows rejected", r.rejected.len()).into());
            }
        }
        Command::Report { month, out } => {
            let at = now();
            let first = match month {
                Some(m) => chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
                    .map_err(|_| {
                        format!("--month {m}: write the month as YYYY-MM, like 2026-11")
                    })?,
                None => {
                    fidelia_core::kpi::Period::month_of(at.today())
                        .previous()
                        .from
                }
            };
            let dir = out.unwrap_or_else(fidelia_ops::folders::reports);
            let store = Clinic::open_at(&db)?;
            let written = store.write_monthly_report(first, &dir, &at)?;
            println!("{}", written.display());
        }
        Command::Import(_) => unreachable!("handled in main"),
        Command::Letters(args) => letters::run(&Clinic::open_at(&db)?, &args, &now())?,
        Command::Bench {
            clients,
            pets,
            visits,
            years,
            samples,
        } => {
            bench::run(
                DemoSize {
                    clients,
                    pets,
                    visits,
                    years,
                    upcoming_appointments: pets / 20,
                    recent_cases: pets / 800,
                },
                samples as usize,
                // --db names the server to compare with; the large clinic itself is always a
                // temporary file.
                match &db {
                    Location::Server(url) => Some(url),
                    Location::File(_) => None,
                },
            )?;
        }
    }
    Ok(())
}
