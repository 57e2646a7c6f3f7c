//! Fidelia's window: a thin Tauri 2 shell. It opens the clinic's database, registers the
//! commands the window may call, and starts the window. Records, rules and SQL live in
//! `fidelia-core` and `fidelia-store`.

pub mod commands;
pub mod error;
pub mod state;

use std::path::PathBuf;

use fidelia_core::demo::DemoSize;
use fidelia_store::Store;
use tauri::{Builder, Runtime};

use crate::state::{clinic_time, AppState};

/// The database path: `--db PATH` on the command line, else `$FIDELIA_DB`, else the OS
/// app-data folder.
pub fn db_path_from_args(args: impl IntoIterator<Item = String>) -> PathBuf {
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        if a == "--db" {
            if let Some(p) = args.next() {
                return PathBuf::from(p);
            }
        } else if let Some(p) = a.strip_prefix("--db=") {
            return PathBuf::from(p);
        }
    }
    fidelia_store::default_db_path()
}

/// Opens the clinic's database; the very first time (no file yet), on the demo clinic.
pub fn open_store(path: &std::path::Path) -> Result<Store, fidelia_store::StoreError> {
    let first_time = !path.exists();
    let store = Store::open(path)?;
    if first_time {
        store.load_demo(commands::app::DEMO_SEED, DemoSize::DEMO, &clinic_time())?;
    }
    if !store.integrity_ok()? {
        log::error!("the database at {} failed its integrity check", path.display());
    }
    Ok(store)
}

/// The app's builder with its commands, shared by `run` and the IPC tests.
pub fn builder<R: Runtime>() -> Builder<R> {
    use commands::{app::*, records::*};
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
    ])
}

/// With `FIDELIA_MEASURE=1`, prints `first-paint-ms <n>` when the page has loaded (read by
/// `scripts/measure-window.sh`).
pub fn report_first_paint(started: std::time::Instant, payload: &tauri::webview::PageLoadPayload<'_>) {
    if payload.event() == tauri::webview::PageLoadEvent::Finished && std::env::var_os("FIDELIA_MEASURE").is_some() {
        println!("first-paint-ms {}", started.elapsed().as_millis());
    }
}

pub fn run() {
    let started = std::time::Instant::now();
    let path = db_path_from_args(std::env::args().skip(1));
    let store = match open_store(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("Fidelia: no se pudo abrir la base de datos {}: {e}", path.display());
            std::process::exit(2);
        }
    };
    builder::<tauri::Wry>()
        .manage(AppState { store })
        .on_page_load(move |_, payload| report_first_paint(started, payload))
        .run(tauri::generate_context!())
        .expect("error while running Fidelia");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_db_flag_wins() {
        assert_eq!(db_path_from_args(["--db".to_string(), "/x/y.sqlite3".into()]), PathBuf::from("/x/y.sqlite3"));
        assert_eq!(db_path_from_args(["--db=/x/z.sqlite3".to_string()]), PathBuf::from("/x/z.sqlite3"));
    }
}
