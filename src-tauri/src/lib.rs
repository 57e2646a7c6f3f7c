//! Fidelia's window: a thin Tauri 2 shell. It opens the clinic's database, registers the
//! commands the window may call, and starts the window. Records, rules and SQL live in
//! `fidelia-core` and `fidelia-store`.

pub mod autoimport;
pub mod commands;
pub mod error;
pub mod live;
pub mod scheduler;
#[cfg(target_os = "linux")]
pub mod single_instance;
pub mod state;
pub mod tray;

use fidelia_core::demo::DemoSize;
use fidelia_ops::{Clinic, Location};
use tauri::{Builder, Manager, Runtime};

use crate::state::{clinic_time, AppState, StartProblem};

/// Where the clinic's database is: `--db PATH` (or a `postgres://` URL) on the command line,
/// else `$FIDELIA_DB`, else the OS app-data folder.
pub fn db_location_from_args(args: impl IntoIterator<Item = String>) -> Location {
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        if a == "--db" {
            if let Some(p) = args.next() {
                return Location::parse(&p);
            }
        } else if let Some(p) = a.strip_prefix("--db=") {
            return Location::parse(p);
        }
    }
    fidelia_ops::default_location()
}

/// Opens the clinic's database; the very first time (no file yet), on the demo clinic (a
/// server database is never filled with the demo). A database that will not open, or fails
/// SQLite's quick check, is not run on: the window says so and offers the latest backup.
pub fn open_clinic(db: &Location) -> Result<Clinic, StartProblem> {
    let first_time = db.path().is_some_and(|p| !p.exists());
    if let Location::Server(url) = db {
        return Clinic::open_at(db).map_err(|e| server_problem(url, e));
    }
    let problem = |kind, e: &dyn std::fmt::Display| {
        log::error!("the database could not be used ({kind}): {e}");
        StartProblem {
            kind,
            detail: e.to_string(),
        }
    };
    let store = Clinic::open_at(db).map_err(|e| problem("open", &e))?;
    if first_time {
        store
            .load_demo(commands::app::DEMO_SEED, DemoSize::DEMO, &clinic_time())
            .map_err(|e| problem("open", &e))?;
    }
    match store.integrity_ok() {
        Ok(true) => Ok(store),
        Ok(false) => Err(problem("integrity", &"quick_check found damage")),
        Err(e) => Err(problem("integrity", &e)),
    }
}

/// Why the clinic's server database could not be opened, for the start-up screen (in Spanish:
/// the clinic's language is in the database that did not open).
pub fn server_problem(url: &str, e: fidelia_ops::StoreError) -> StartProblem {
    log::error!(
        "the server database {} could not be used: {e}",
        fidelia_ops::server::without_password(url)
    );
    StartProblem {
        kind: "server",
        detail: match e {
            fidelia_ops::StoreError::Server(p) => p.message(fidelia_core::Lang::default()),
            e => e.to_string(),
        },
    }
}

/// Where this PC opens the clinic at start-up: the database named (`--db`, `FIDELIA_DB`, the
/// default file), or the clinic's server this PC chose beside it; with this PC's own file.
pub fn start_location(
    args: Vec<String>,
) -> (Result<Clinic, StartProblem>, Location, std::path::PathBuf) {
    use fidelia_ops::server::{resolve, Resolved};
    let given = db_location_from_args(args);
    let local = match &given {
        Location::File(p) => p.clone(),
        Location::Server(_) => match fidelia_ops::default_location() {
            Location::File(p) => p,
            Location::Server(_) => fidelia_ops::app_data_folder().join("fidelia.sqlite3"),
        },
    };
    match resolve(given) {
        Resolved::At(db) => (open_clinic(&db), db, local),
        Resolved::NeedsPassword(choice) => (
            Err(StartProblem {
                kind: "server_password",
                detail: String::new(),
            }),
            Location::Server(choice.url("")),
            local,
        ),
    }
}

/// The app's builder with its commands, shared by `run` and the IPC tests.
pub fn builder<R: Runtime>() -> Builder<R> {
    use commands::{app::*, calls::*, loyalty::*, records::*};
    Builder::<R>::new().invoke_handler(tauri::generate_handler![
        app_info,
        i18n_dictionary,
        settings_get,
        settings_save,
        clinic_reset,
        search_clients,
        clients_list,
        client_get,
        client_save,
        pet_save,
        staff_list,
        staff_save,
        visit_save,
        visit_delete,
        appointment_save,
        appointment_cancel,
        appointments_upcoming,
        calls_agenda,
        calls_counts,
        call_get,
        call_attempt,
        call_add_courtesy,
        call_assign,
        client_calls,
        notifications_status,
        autostart_get,
        autostart_set,
        commands::import::import_stage,
        commands::import::import_preview,
        commands::import::import_run,
        commands::import::import_progress,
        commands::import::import_cancel,
        commands::import::import_history,
        commands::import::import_folder_set,
        commands::import::import_report_save,
        loyalty_review,
        loyalty_issue,
        condolence_draft,
        condolence_issue,
        birthdays_list,
        coupon_issue,
        coupon_redeem,
        letter_open,
        commands::messages::treatment_save,
        commands::messages::messages_today,
        commands::messages::message_open,
        commands::messages::message_sent,
        commands::messages::message_skip,
        commands::messages::client_messages,
        commands::messages::message_postpone,
        commands::surveys::survey_record,
        commands::surveys::survey_for_visit,
        commands::surveys::survey_import,
        commands::surveys::survey_alerts,
        commands::surveys::survey_alert_seen,
        commands::surveys::client_surveys,
        commands::surveys::consent_history,
        commands::surveys::template_preview,
        commands::winback::lapsed_list,
        commands::winback::winback_assign,
        commands::winback::winback_cases,
        commands::winback::winback_case_of_call,
        commands::winback::winback_case_save,
        commands::winback::reasons_report,
        commands::winback::dashboard,
        commands::loyalty::report_month,
        commands::diagnostics::diagnostics,
        commands::diagnostics::integrity_check,
        commands::server::server_check,
        commands::server::server_use,
        commands::server::server_connect,
        commands::server::server_leave,
        commands::backup::backups_list,
        commands::backup::backup_now,
        commands::backup::backup_restore,
        commands::backup::backup_folder_set,
        commands::privacy::client_export,
        commands::privacy::client_erase,
        commands::privacy::audit_log,
        commands::privacy::pc_user_get,
        commands::privacy::pc_user_set,
        commands::privacy::pc_reception_get,
        commands::privacy::pc_reception_set,
    ])
}

/// With `FIDELIA_MEASURE=1`, prints `first-paint-ms <n>` when the page has loaded (read by
/// `scripts/measure-window.sh`).
pub fn report_first_paint(
    started: std::time::Instant,
    payload: &tauri::webview::PageLoadPayload<'_>,
) {
    if payload.event() == tauri::webview::PageLoadEvent::Finished
        && std::env::var_os("FIDELIA_MEASURE").is_some()
    {
        println!("first-paint-ms {}", started.elapsed().as_millis());
    }
}

/// One instance per desktop session: a second launch brings the first one forward and exits.
/// On Linux, our own D-Bus lock (see `single_instance`), set up before anything else.
#[cfg(target_os = "linux")]
mod one_instance {
    use super::*;
    use crate::single_instance::{acquire, bus_name, InstanceLock, Start};

    /// `None` when this launch was handed to the running instance and should exit.
    pub fn claim(identifier: &str) -> Option<Option<InstanceLock>> {
        match acquire(&bus_name(identifier), std::env::args().collect()) {
            Start::Forwarded => None,
            Start::First(lock) => Some(Some(lock)),
            Start::Alone(why) => {
                eprintln!("Fidelia: starting without the one-instance lock: {why}");
                Some(None)
            }
        }
    }

    pub fn plugin<R: Runtime>(builder: Builder<R>) -> Builder<R> {
        builder
    }

    /// Quitting gives the name back at once, so a launch during the quit starts a new Fidelia.
    pub fn release<R: Runtime>(app: &tauri::AppHandle<R>) {
        if let Some(lock) = app.try_state::<InstanceLock>() {
            lock.release();
        }
    }

    /// Later launches show the window.
    pub fn keep<R: Runtime>(app: &tauri::App<R>, lock: Option<InstanceLock>) {
        if let Some(lock) = lock {
            let handle = app.handle().clone();
            lock.on_second_launch(move |_argv| tray::show_main(&handle, None));
            app.manage(lock);
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod one_instance {
    use super::*;

    pub fn claim(_identifier: &str) -> Option<Option<()>> {
        Some(None)
    }

    /// First plugin: a second launch focuses this window and exits.
    pub fn plugin<R: Runtime>(builder: Builder<R>) -> Builder<R> {
        builder.plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            tray::show_main(app, None)
        }))
    }

    pub fn keep<R: Runtime>(_app: &tauri::App<R>, _lock: Option<()>) {}

    pub fn release<R: Runtime>(_app: &tauri::AppHandle<R>) {}
}

pub fn run() {
    let started = std::time::Instant::now();
    let context = tauri::generate_context!();
    let Some(instance) = one_instance::claim(&context.config().identifier) else {
        return; // the running Fidelia came to the front
    };
    let logs = fidelia_ops::logging::log_dir();
    if let Err(e) = fidelia_ops::logging::init(&logs, "app") {
        eprintln!("Fidelia: no log in {}: {e}", logs.display());
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let hidden = args.iter().any(|a| a == "--hidden");
    let (opened, db, local) = start_location(args);
    let staged = commands::import::staging_path(&db);
    let state = AppState::new(opened, db, local);
    let lang = state.lang();
    let result = one_instance::plugin(builder::<tauri::Wry>())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec!["--hidden"]),
        ))
        .manage(state)
        .manage(commands::import::ImportJob::default())
        .on_page_load(move |_, payload| report_first_paint(started, payload))
        .setup(move |app| {
            one_instance::keep(app, instance);
            // A file handed over to an import before Fidelia last stopped.
            let _ = std::fs::remove_file(&staged);
            // A tray that cannot be created (no tray library) must not stop the clinic's work.
            let handle = app.handle().clone();
            let tray_ok = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                tray::create(&handle, lang)
            })) {
                Ok(Ok(())) => true,
                Ok(Err(e)) => {
                    log::warn!("no tray icon: {e}");
                    false
                }
                Err(_) => {
                    log::warn!("no tray icon: the tray library is missing");
                    false
                }
            };
            if let Some(w) = app.get_webview_window("main") {
                if hidden && tray_ok {
                    let _ = w.hide();
                }
                if tray_ok {
                    // Closing the window keeps Fidelia in the tray, so reminders still fire.
                    let w2 = w.clone();
                    w.on_window_event(move |e| {
                        if let tauri::WindowEvent::CloseRequested { api, .. } = e {
                            api.prevent_close();
                            let _ = w2.hide();
                        }
                    });
                }
            }
            scheduler::start(app.handle().clone());
            autoimport::start(app.handle().clone());
            live::start(app.handle().clone());
            Ok(())
        })
        .build(context);
    match result {
        Ok(app) => app.run(|handle, event| {
            if let tauri::RunEvent::ExitRequested { .. } | tauri::RunEvent::Exit = event {
                one_instance::release(handle);
            }
        }),
        Err(e) => {
            log::error!("the window could not start: {e}");
            eprintln!("Fidelia: the window could not start: {e}");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_db_flag_wins() {
        assert_eq!(
            db_location_from_args(["--db".to_string(), "/x/y.sqlite3".into()]),
            Location::File("/x/y.sqlite3".into())
        );
        assert_eq!(
            db_location_from_args(["--db=/x/z.sqlite3".to_string()]),
            Location::File("/x/z.sqlite3".into())
        );
        assert_eq!(
            db_location_from_args(["--db=postgres://fidelia:x@pc1:5432/clinica".to_string()]),
            Location::Server("postgres://fidelia:x@pc1:5432/clinica".into())
        );
    }
}
