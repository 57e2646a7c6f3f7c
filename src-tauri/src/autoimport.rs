//! The watched import folder (Settings → Importar), on a thread of its own: a file watcher
//! (the `notify` crate: inotify, ReadDirectoryChangesW, FSEvents) wakes a pass as soon as
//! something changes there, and a pass runs anyway every few seconds — at start-up for what
//! arrived while Fidelia was closed, after a changed setting, after an event the watcher missed
//! (network folders). A pass that finds nothing new opens no connection; one that does imports
//! on a connection of its own (`Clinic::worker`), so the window keeps answering. The rules are
//! `fidelia_ops::autoimport`'s. A desktop notification only when rows were rejected or a file
//! could not be read.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use fidelia_core::i18n::t;
use fidelia_core::import::ImportRun;
use fidelia_core::template::fill;
use fidelia_core::Lang;
use fidelia_ops::autoimport::FolderMemo;
use notify::{RecursiveMode, Watcher};
use tauri::{AppHandle, Manager, Runtime};

use crate::scheduler::{Bounded, DesktopNotifier, Notifier, Shown};
use crate::state::{clinic_time, AppState};

/// Seconds between passes without an event (`FIDELIA_FOLDER_SECS`, default 10).
fn period() -> Duration {
    let secs = std::env::var("FIDELIA_FOLDER_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|s: &u64| *s > 0)
        .unwrap_or(10);
    Duration::from_secs(secs)
}

/// The notification for a run that needs someone to look: rows rejected, or the file unread.
fn problem(run: &ImportRun, lang: Lang) -> Option<Shown> {
    // Filled once (a file named "{n}.csv" stays as it is): the template module's `fill`.
    let body = match &run.report {
        Some(r) if r.rows_rejected > 0 => fill(
            &t(lang, "autoimport.rejected"),
            &[
                ("file", &run.file_name),
                ("n", &r.rows_rejected.to_string()),
                ("imported", &r.rows_imported.to_string()),
            ],
        ),
        Some(_) => return None,
        None => fill(
            &t(lang, "autoimport.failed"),
            &[("file", &run.file_name), ("reason", &run.message)],
        ),
    }
    .text;
    Some(Shown {
        summary: t(lang, "autoimport.title"),
        body,
        open: "settings".into(),
        open_label: t(lang, "autoimport.open"),
    })
}

pub fn start<R: Runtime>(app: AppHandle<R>) {
    let started = std::thread::Builder::new()
        .name("import-folder".into())
        .spawn(move || watch(app));
    if let Err(e) = started {
        log::error!("import folder: cannot start ({e})");
    }
}

fn watch<R: Runtime>(app: AppHandle<R>) {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |_: notify::Result<notify::Event>| {
        let _ = tx.send(());
    })
    .map_err(|e| {
        log::warn!(
            "import folder: no file watcher ({e}); looking every {:?}",
            period()
        )
    })
    .ok();
    let opener = app.clone();
    let notifier = Bounded {
        inner: Arc::new(DesktopNotifier {
            on_open: Arc::new(move |view: &str| crate::tray::show_main(&opener, Some(view))),
        }),
        limit: Duration::from_secs(5),
    };
    let mut watching: Option<PathBuf> = None;
    let mut memo = FolderMemo::default();
    loop {
        let state = app.state::<AppState>();
        let folder = state
            .with(|c| c.settings().map(|s| s.import_folder))
            .and_then(|s| s.ok())
            .unwrap_or_default();
        let wanted = (!folder.is_empty()).then(|| PathBuf::from(folder));
        if wanted != watching {
            if let (Some(w), Some(old)) = (watcher.as_mut(), watching.as_ref()) {
                let _ = w.unwatch(old);
            }
            if let (Some(w), Some(new)) = (watcher.as_mut(), wanted.as_ref()) {
                if let Err(e) = w.watch(new, RecursiveMode::NonRecursive) {
                    log::warn!("import folder: cannot watch {} ({e})", new.display());
                }
            }
            watching = wanted;
            memo = FolderMemo::default();
        }
        let mut wait = period();
        if let Some(dir) = watching.as_ref().filter(|d| memo.has_news(d)) {
            let pass = state.with(|c| c.worker()).map(|w| {
                w.and_then(|w| {
                    let pass = w.import_from_folder(dir, &mut memo, &clinic_time())?;
                    Ok((pass, w.language()))
                })
            });
            match pass {
                Some(Ok((pass, lang))) => {
                    for run in &pass.runs {
                        log::info!(
                            "import folder: {} {}",
                            run.file_name,
                            run.report.as_ref().map_or_else(
                                || format!("not imported: {}", run.message),
                                |r| format!(
                                    "{} rows imported, {} rejected",
                                    r.rows_imported, r.rows_rejected
                                )
                            )
                        );
                        if let Some(n) = problem(run, lang) {
                            if let Err(e) = notifier.notify(&n) {
                                log::warn!("import folder: notification not shown ({e})");
                            }
                        }
                    }
                    if pass.waiting > 0 {
                        // A file still being written: look again in a moment.
                        wait = wait.min(Duration::from_secs(1));
                    }
                }
                Some(Err(e)) => log::error!("import folder: {e}"),
                None => {}
            }
        }
        // An event, or the period: events in a burst (a file written in pieces) go together.
        if rx.recv_timeout(wait).is_ok() {
            std::thread::sleep(Duration::from_millis(300));
            while rx.try_recv().is_ok() {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fidelia_core::import::{Report, RunOrigin};

    fn run(file: &str, report: Option<Report>, message: &str) -> ImportRun {
        ImportRun {
            id: 1,
            at: "2026-12-05T22:00:00Z".parse().unwrap(),
            origin: RunOrigin::Folder,
            file_name: file.into(),
            content_hash: String::new(),
            report,
            message: message.into(),
        }
    }

    #[test]
    fn only_rejected_rows_or_an_unread_file_notify_and_names_stay_as_written() {
        let clean = Report {
            rows_imported: 5,
            ..Default::default()
        };
        assert_eq!(problem(&run("lunes.csv", Some(clean), ""), Lang::Es), None);
        let bad = Report {
            rows_imported: 2,
            rows_rejected: 9,
            ..Default::default()
        };
        let n = problem(&run("{n} {reason}.csv", Some(bad), ""), Lang::Es).unwrap();
        assert_eq!(n.summary, "Importación automática");
        assert!(
            n.body
                .starts_with("{n} {reason}.csv: 2 filas importadas y 9 rechazadas"),
            "{}",
            n.body
        );
        assert_eq!(n.open, "settings");
        let n = problem(
            &run("martes.csv", None, "Falta la columna «Nombre»."),
            Lang::Es,
        )
        .unwrap();
        assert_eq!(
            n.body,
            "martes.csv no se pudo importar: Falta la columna «Nombre»."
        );
    }
}
