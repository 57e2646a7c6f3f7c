//! The background scheduler: every few seconds it asks the store which calls have fallen due
//! and were never notified, shows a desktop notification for each, and records it — so a
//! restart or a PC that slept catches up once, never twice. The first pass after start-up
//! folds everything that fell due while Fidelia was closed into one summary.
//!
//! Notifications go through the [`Notifier`] trait; a missing notification service is logged
//! and reported to the window, never fatal, and every attempt is bounded by a timeout.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use fidelia_core::calls::Call;
use fidelia_core::i18n::t;
use fidelia_core::Lang;
use fidelia_ops::{CallCounts, Clinic, StoreError};
use serde::Serialize;
use tauri::{Manager, Runtime};

use crate::state::{clinic_time, AppState};

/// Something that can show a desktop notification.
pub trait Notifier: Send + Sync + 'static {
    fn notify(&self, n: &Shown) -> Result<(), String>;
}

/// What to do when a notification is clicked: open this view of the window.
pub type OnOpen = Arc<dyn Fn(&str) + Send + Sync>;

/// The real one: notify-rust (D-Bus on Linux, WinRT toasts on Windows). Where the notification
/// server supports actions (Linux desktops), clicking the notification opens the call.
pub struct DesktopNotifier {
    pub on_open: OnOpen,
}

impl Notifier for DesktopNotifier {
    fn notify(&self, n: &Shown) -> Result<(), String> {
        let mut note = notify_rust::Notification::new();
        note.appname("Fidelia")
            .summary(&n.summary)
            .body(&n.body)
            .icon("appointment-soon")
            .timeout(notify_rust::Timeout::Milliseconds(15_000));
        #[cfg(all(unix, not(target_os = "macos")))]
        note.action("default", &n.open_label);
        let handle = note.show().map_err(|e| e.to_string())?;
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            // Waits (on its own thread) until the notification is clicked or closes.
            let (on_open, view) = (self.on_open.clone(), n.open.clone());
            std::thread::spawn(move || {
                handle.wait_for_action(|action| {
                    if action == "default" {
                        on_open(&view);
                    }
                })
            });
        }
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        drop(handle);
        Ok(())
    }
}

/// Whether notifications work, for the window's warning.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct NotifyStatus {
    /// `false` once a notification failed (until one succeeds again).
    pub ok: bool,
    pub last_error: Option<String>,
    /// Notifications shown since start.
    pub shown: u32,
}

pub type SharedStatus = Arc<Mutex<NotifyStatus>>;

/// What one pass decided to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub summary: String,
    pub body: String,
    /// The view a click opens: "call:<id>" for one call, "agenda" for a summary.
    pub open: String,
    pub open_label: String,
}

fn call_line(c: &Call, lang: Lang) -> String {
    let who = c
        .staff_name
        .clone()
        .unwrap_or_else(|| t(lang, "call.unassigned"));
    format!(
        "{} · {} — {}: {}",
        c.client_name,
        c.pet_name,
        t(lang, "call.assigned_to"),
        who
    )
}

/// The notifications for calls due now. On the first pass after start-up, two or more calls
/// become one summary.
pub fn plan(due: &[Call], lang: Lang, first_pass: bool) -> Vec<Shown> {
    if first_pass && due.len() > 1 {
        let mut lines: Vec<String> = due.iter().take(5).map(|c| call_line(c, lang)).collect();
        if due.len() > 5 {
            lines.push(t(lang, "notify.and_more").replace("{n}", &(due.len() - 5).to_string()));
        }
        return vec![Shown {
            summary: t(lang, "notify.summary_title").replace("{n}", &due.len().to_string()),
            body: lines.join("\n"),
            open: "agenda".into(),
            open_label: t(lang, "notify.open"),
        }];
    }
    due.iter()
        .map(|c| Shown {
            summary: t(lang, "notify.call_due_title"),
            body: call_line(c, lang),
            open: format!("call:{}", c.id.0),
            open_label: t(lang, "notify.open"),
        })
        .collect()
}

/// Shows a notification and keeps the window's warning in step with how it went.
fn show(notifier: &dyn Notifier, status: &SharedStatus, n: &Shown) {
    let r = notifier.notify(n);
    let mut s = status.lock().unwrap_or_else(|e| e.into_inner());
    match r {
        Ok(()) => {
            s.ok = true;
            s.last_error = None;
            s.shown += 1;
        }
        Err(e) => {
            log::warn!("desktop notification failed: {e}");
            s.ok = false;
            s.last_error = Some(e);
        }
    }
}

/// The morning notice, once a day when the clinic opens: "12 mensajes por enviar hoy".
/// Returns whether one was shown.
pub fn morning<Tz: chrono::TimeZone>(
    clinic: &Clinic,
    notifier: &dyn Notifier,
    status: &SharedStatus,
    at: &fidelia_core::ClinicTime<Tz>,
) -> Result<bool, StoreError> {
    let Some(n) = clinic.morning_notice(at)? else {
        return Ok(false);
    };
    show(
        notifier,
        status,
        &morning_shown(n, clinic.settings()?.language),
    );
    Ok(true)
}

/// The morning notice for `n` messages to send.
fn morning_shown(n: usize, lang: Lang) -> Shown {
    Shown {
        summary: if n == 1 {
            t(lang, "notify.messages_title_one")
        } else {
            t(lang, "notify.messages_title").replace("{n}", &n.to_string())
        },
        body: t(lang, "notify.messages_body"),
        open: "messages".into(),
        open_label: t(lang, "notify.open"),
    }
}

/// One pass: record what is due at `now` as notified, then notify it. Recorded first: when
/// recording fails nothing is shown (and the next pass tries again), rather than the same call
/// shown every pass; a notification the service could not show is not shown late and out of
/// place (the window shows the calls, and the warning).
pub fn tick(
    store: &Clinic,
    notifier: &dyn Notifier,
    status: &SharedStatus,
    now: DateTime<Utc>,
    first_pass: bool,
) -> Result<usize, StoreError> {
    let due = store.claim_calls_to_notify(now)?;
    if due.is_empty() {
        return Ok(0);
    }
    let lang = store.settings()?.language;
    for n in plan(&due, lang, first_pass) {
        show(notifier, status, &n);
    }
    Ok(due.len())
}

/// A notifier that gives up after `limit`: a broken notification service must not hang the
/// scheduler (D-Bus activation can wait tens of seconds).
pub struct Bounded<N: Notifier> {
    pub inner: Arc<N>,
    pub limit: Duration,
}

impl<N: Notifier> Notifier for Bounded<N> {
    fn notify(&self, n: &Shown) -> Result<(), String> {
        let (tx, rx) = std::sync::mpsc::channel();
        let inner = self.inner.clone();
        let n = n.clone();
        std::thread::spawn(move || {
            let _ = tx.send(inner.notify(&n));
        });
        rx.recv_timeout(self.limit).unwrap_or_else(|_| {
            Err(format!(
                "no answer from the notification service within {:?}",
                self.limit
            ))
        })
    }
}

// ---- the loop, on Tauri's async runtime

/// Open calls now, with "today" ending at the clinic's next midnight.
pub fn counts_now(clinic: &Clinic) -> Result<CallCounts, StoreError> {
    let at = clinic_time();
    clinic.call_counts(at.now, at.day_start(at.today() + chrono::Duration::days(1)))
}

/// Seconds between scheduler passes (`FIDELIA_SCHEDULER_SECS`, default 30: calls are placed
/// to the minute, and an idle app should cost next to nothing).
fn scheduler_period() -> std::time::Duration {
    let secs = std::env::var("FIDELIA_SCHEDULER_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|s: &u64| *s > 0)
        .unwrap_or(30);
    std::time::Duration::from_secs(secs)
}

/// Hours between automatic backups (`FIDELIA_BACKUP_HOURS`, default 24).
fn backup_period() -> std::time::Duration {
    let hours = std::env::var("FIDELIA_BACKUP_HOURS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|h: &u64| *h > 0)
        .unwrap_or(24);
    std::time::Duration::from_secs(hours * 3600)
}

/// Automatic backups: one at start-up, then one a day while Fidelia runs, each on a connection
/// of its own (verified, the folder rotated: `fidelia_ops::backup`). A failure is logged and
/// tried again at the next turn. On the clinic's server, only the PC the server runs on (the
/// main PC) makes them: one set of dumps, not one per PC.
fn start_backups<R: Runtime>(app: tauri::AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        loop {
            let app2 = app.clone();
            let made = tauri::async_runtime::spawn_blocking(move || {
                let state = app2.state::<AppState>();
                if let fidelia_ops::Location::Server(url) = state.db() {
                    if !fidelia_ops::server::runs_here(&url) {
                        log::info!("automatic backups: made on the main PC, where the server runs");
                        return None;
                    }
                }
                let worker = state.with(|c| c.worker())?;
                Some(worker.and_then(|w| w.backup_now(&fidelia_ops::backup::dir(), &clinic_time())))
            })
            .await;
            match made {
                Ok(Some(Err(e))) => log::error!("automatic backup failed: {e}"),
                Err(e) => log::error!("backup task: {e}"),
                _ => {}
            }
            tokio::time::sleep(backup_period()).await;
        }
    });
}

/// Starts the scheduler on Tauri's async runtime: a tokio interval that skips missed ticks.
pub fn start<R: Runtime>(app: tauri::AppHandle<R>) {
    start_backups(app.clone());
    // Clicking a notification brings the window forward on the call (or the agenda).
    let opener = app.clone();
    tauri::async_runtime::spawn(async move {
        let notifier = Arc::new(Bounded {
            inner: Arc::new(DesktopNotifier {
                on_open: Arc::new(move |view: &str| crate::tray::show_main(&opener, Some(view))),
            }),
            limit: std::time::Duration::from_secs(5),
        });
        let mut interval = tokio::time::interval(scheduler_period());
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut first_pass = true;
        loop {
            interval.tick().await;
            let (app2, notifier) = (app.clone(), notifier.clone());
            let pass = tauri::async_runtime::spawn_blocking(move || {
                let state = app2.state::<AppState>();
                let at = clinic_time();
                // What to show is decided (and recorded) with the clinic; it is shown after,
                // with the clinic let go: a notification or the tray can wait for the main
                // thread, which may itself be waiting for the clinic (a restore).
                // No clinic (the database waits to be restored): nothing to notify.
                let planned = state.with(|clinic| {
                    let due = clinic.claim_calls_to_notify(at.now)?;
                    let lang = clinic.language();
                    let mut shows = plan(&due, lang, first_pass);
                    if let Some(n) = clinic.morning_notice(&at)? {
                        shows.push(morning_shown(n, lang));
                    }
                    Ok::<_, StoreError>((due.len(), shows, counts_now(clinic)?.today, lang))
                });
                match planned {
                    Some(Ok((n, shows, today, lang))) => {
                        for s in &shows {
                            show(notifier.as_ref(), &state.notify_status, s);
                        }
                        crate::tray::show_count(&app2, today, lang);
                        Ok(n)
                    }
                    Some(Err(e)) => Err(e),
                    None => Ok(0),
                }
            })
            .await;
            match pass {
                Ok(Ok(n)) if n > 0 => log::info!("scheduler: {n} call(s) notified"),
                Ok(Err(e)) => log::error!("scheduler: {e}"),
                Err(e) => log::error!("scheduler task: {e}"),
                _ => {}
            }
            first_pass = false;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use fidelia_core::*;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<(String, String)>>);
    impl Notifier for Recorder {
        fn notify(&self, n: &Shown) -> Result<(), String> {
            self.0
                .lock()
                .unwrap()
                .push((n.summary.clone(), n.body.clone()));
            Ok(())
        }
    }
    struct Broken;
    impl Notifier for Broken {
        fn notify(&self, _: &Shown) -> Result<(), String> {
            Err("org.freedesktop.DBus.Error.ServiceUnknown".into())
        }
    }
    struct Hangs;
    impl Notifier for Hangs {
        fn notify(&self, _: &Shown) -> Result<(), String> {
            std::thread::sleep(Duration::from_secs(30));
            Ok(())
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-11-25T10:00:00Z".parse().unwrap()
    }

    /// A store with `n` surgeries recorded yesterday evening: their calls are due now.
    fn store_with_due_calls(n: usize) -> Clinic {
        with_due_calls(Clinic::open_in_memory().unwrap(), n)
    }

    fn with_due_calls(s: Clinic, n: usize) -> Clinic {
        let at = ClinicTime::new(now(), chrono::FixedOffset::east_opt(3600).unwrap());
        for i in 0..n {
            let c = s
                .save_client(
                    &ClientForm {
                        first_name: format!("Cliente{i}"),
                        surnames: "Núñez".into(),
                        phone1: "612345678".into(),
                        preferred_channel: "telefono".into(),
                        ..Default::default()
                    },
                    now(),
                )
                .unwrap();
            let p = s
                .save_pet(
                    &PetForm {
                        client_id: Some(c.id),
                        name: format!("Luna{i}"),
                        species: "perro".into(),
                        ..Default::default()
                    },
                    &at,
                )
                .unwrap();
            s.save_visit(
                &VisitForm {
                    pet_id: Some(p.id),
                    date: "24/11/2026".into(),
                    time: "19:30".into(),
                    kind: "cirugia".into(),
                    severity: "grave".into(),
                    ..Default::default()
                },
                &at,
            )
            .unwrap();
        }
        s
    }

    #[test]
    fn each_due_call_is_notified_exactly_once() {
        let s = store_with_due_calls(1);
        let rec = Recorder::default();
        let status = SharedStatus::default();
        assert_eq!(tick(&s, &rec, &status, now(), false).unwrap(), 1);
        assert_eq!(
            tick(
                &s,
                &rec,
                &status,
                now() + chrono::Duration::minutes(1),
                false
            )
            .unwrap(),
            0,
            "never twice"
        );
        let shown = rec.0.lock().unwrap();
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].0, "Llamada de seguimiento pendiente");
        assert!(
            shown[0].1.contains("Cliente0 Núñez · Luna0"),
            "{}",
            shown[0].1
        );
        assert_eq!(status.lock().unwrap().shown, 1);
    }

    /// Recorded before shown (issue 13, defect 4): while the notification is on screen the
    /// call is already recorded; when recording fails (here a full disk, simulated) nothing is
    /// shown, and the next pass that can record it shows it, once.
    #[test]
    fn a_call_is_shown_only_once_it_is_recorded() {
        struct Checks(Arc<Clinic>, Mutex<Vec<usize>>);
        impl Notifier for Checks {
            fn notify(&self, _: &Shown) -> Result<(), String> {
                let left = self.0.calls_to_notify(now()).unwrap().len();
                self.1.lock().unwrap().push(left);
                Ok(())
            }
        }
        let dir = std::env::temp_dir().join(format!("fidelia-sched-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("clinic.sqlite3");
        let s = Arc::new(with_due_calls(Clinic::open(&path).unwrap(), 1));
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute_batch(
            "CREATE TRIGGER full_disk BEFORE UPDATE OF notified_at ON calls
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
        )
        .unwrap();
        let checks = Checks(s.clone(), Mutex::default());
        let status = SharedStatus::default();
        for pass in 0..3 {
            let r = tick(
                &s,
                &checks,
                &status,
                now() + chrono::Duration::seconds(pass * 30),
                false,
            );
            assert!(
                r.is_err(),
                "the failure is reported (and logged by the loop)"
            );
        }
        assert!(
            checks.1.lock().unwrap().is_empty(),
            "nothing shown, not three times the same"
        );
        raw.execute_batch("DROP TRIGGER full_disk").unwrap();
        assert_eq!(tick(&s, &checks, &status, now(), false).unwrap(), 1);
        assert_eq!(tick(&s, &checks, &status, now(), false).unwrap(), 0);
        assert_eq!(
            *checks.1.lock().unwrap(),
            [0],
            "shown once, and already recorded while on screen"
        );
        drop(raw);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn calls_due_while_closed_make_one_summary_at_start_up() {
        let s = store_with_due_calls(3);
        let rec = Recorder::default();
        assert_eq!(
            tick(&s, &rec, &SharedStatus::default(), now(), true).unwrap(),
            3
        );
        let shown = rec.0.lock().unwrap();
        assert_eq!(shown.len(), 1, "one summary, not three");
        assert_eq!(shown[0].0, "3 llamadas pendientes");
        assert_eq!(shown[0].1.lines().count(), 3);
    }

    #[test]
    fn the_morning_notice_says_how_many_messages_to_send_once() {
        let s = store_with_due_calls(0);
        let c = s
            .save_client(
                &ClientForm {
                    first_name: "María".into(),
                    surnames: "Núñez".into(),
                    phone1: "612345678".into(),
                    preferred_channel: "whatsapp".into(),
                    consent_care: true,
                    ..Default::default()
                },
                now(),
            )
            .unwrap();
        let at = ClinicTime::new(now(), chrono::FixedOffset::east_opt(3600).unwrap());
        let p = s
            .save_pet(
                &PetForm {
                    client_id: Some(c.id),
                    name: "Luna".into(),
                    species: "perro".into(),
                    sex: "hembra".into(),
                    ..Default::default()
                },
                &at,
            )
            .unwrap();
        s.record_treatment(
            &TreatmentForm {
                pet_id: Some(p.id),
                kind: "vacuna".into(),
                date: "30/11/2025".into(),
                ..Default::default()
            },
            &at,
        )
        .unwrap();
        let rec = Recorder::default();
        let status = SharedStatus::default();
        assert!(morning(&s, &rec, &status, &at).unwrap());
        assert!(!morning(&s, &rec, &status, &at).unwrap(), "once a day");
        let shown = rec.0.lock().unwrap();
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].0, "1 mensaje por enviar hoy");
    }

    #[test]
    fn a_missing_notification_service_is_reported_not_fatal() {
        let s = store_with_due_calls(1);
        let status = SharedStatus::default();
        assert_eq!(tick(&s, &Broken, &status, now(), false).unwrap(), 1);
        let st = status.lock().unwrap().clone();
        assert!(!st.ok && st.last_error.unwrap().contains("ServiceUnknown"));
    }

    #[test]
    fn a_hanging_notification_service_is_cut_short() {
        let bounded = Bounded {
            inner: Arc::new(Hangs),
            limit: Duration::from_millis(200),
        };
        let t = std::time::Instant::now();
        assert!(bounded
            .notify(&Shown {
                summary: "a".into(),
                body: "b".into(),
                open: "agenda".into(),
                open_label: "Abrir".into()
            })
            .is_err());
        assert!(t.elapsed() < Duration::from_secs(2));
    }
}
