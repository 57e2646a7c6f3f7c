//! Desktop notifications on a real D-Bus session bus, with a stand-in notification server that
//! records every `Notify` call: a due call notifies exactly once (a restart does not repeat it),
//! calls that fell due while Fidelia was closed make one summary, and with no notification
//! service at all Fidelia keeps working and says so.
//!
//! Run: `cargo test -p fidelia-e2e --test notifications -- --test-threads=1`.

use std::time::Duration;

use fidelia_e2e::seed::{client_with_dog, open_store_always_open, surgery, vet};
use fidelia_e2e::{App, Options, Sandbox};

/// The calls' notifications only: the day's "N mensajes por enviar hoy" (once a day when the
/// clinic opens; these clinics are always open) appears or not with the time of day the test
/// runs — a surgery's survey falls due the day after — and is not what these tests are about.
fn calls_only(
    notes: Vec<fidelia_e2e::notify_server::Note>,
) -> Vec<fidelia_e2e::notify_server::Note> {
    notes
        .into_iter()
        .filter(|n| !n.summary.contains("por enviar hoy"))
        .collect()
}

/// Scheduler passes every second, so the tests wait seconds, not minutes.
fn fast() -> Options {
    Options::new().env("FIDELIA_SCHEDULER_SECS", "1")
}

/// `n` surgeries 13 hours ago: `n` calls fell due an hour ago, never notified.
fn clinic_with_due_calls(n: usize) -> Sandbox {
    let sb = Sandbox::new();
    let store = open_store_always_open(&sb);
    let staff = vet(&store, "Dra. Elena Ruiz");
    for i in 0..n {
        let (_, pet) =
            client_with_dog(&store, &format!("Cliente{i}"), "Núñez", &format!("Luna{i}"));
        surgery(&store, pet.id, Some(staff.id), 13);
    }
    sb
}

#[tokio::test]
async fn a_due_call_is_notified_once_even_after_a_restart() {
    let mut app = App::launch(clinic_with_due_calls(1), fast().with_notify_server()).await;
    let notes = calls_only(app.notifications().wait_for(1, Duration::from_secs(20)));
    assert_eq!(notes.len(), 1, "the due call was notified: {notes:?}");
    assert_eq!(notes[0].app_name, "Fidelia");
    assert_eq!(notes[0].summary, "Llamada de seguimiento pendiente");
    assert_eq!(
        notes[0].body, "Cliente0 Núñez · Luna0 — para: Dra. Elena Ruiz",
        "client, pet and who the call is for"
    );

    // Several more scheduler passes: nothing new.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        calls_only(app.notifications().notes()).len(),
        1,
        "exactly once per call"
    );
    // The window counts it too.
    app.wait_for_text("#calls-badge", "1").await;

    // Clicking the notification opens the call.
    app.click("nav button[data-view=clients]").await;
    app.notifications().click(1);
    app.wait_for_text("#call-page h1", "Luna0").await;

    app.restart().await;
    app.wait_for("#search").await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        calls_only(app.notifications().notes()).len(),
        1,
        "a restart does not notify the same call again"
    );
}

#[tokio::test]
async fn calls_due_while_closed_make_one_summary_at_start_up() {
    let app = App::launch(clinic_with_due_calls(3), fast().with_notify_server()).await;
    app.notifications().wait_for(1, Duration::from_secs(20));
    tokio::time::sleep(Duration::from_secs(4)).await;
    let notes = calls_only(app.notifications().notes());
    assert_eq!(
        notes.len(),
        1,
        "one summary, not three notifications: {notes:?}"
    );
    assert_eq!(notes[0].summary, "3 llamadas pendientes");
    let lines: Vec<&str> = notes[0].body.lines().collect();
    assert_eq!(lines.len(), 3, "one line per call: {:?}", notes[0].body);
    for i in 0..3 {
        assert!(
            notes[0]
                .body
                .contains(&format!("Cliente{i} Núñez · Luna{i}")),
            "{}",
            notes[0].body
        );
    }
}

#[tokio::test]
async fn without_a_notification_service_fidelia_keeps_working() {
    // No notification server on the bus (the D-Bus call fails with ServiceUnknown).
    let app = App::launch(clinic_with_due_calls(1), fast()).await;
    let warning = app
        .wait_for_text(
            "#notify-warning",
            "No se pueden mostrar avisos de escritorio",
        )
        .await;
    assert!(
        warning.contains("ServiceUnknown"),
        "the reason is shown for whoever fixes the PC: {warning}"
    );
    // The call is still there, and can be done.
    app.click("nav button[data-view=agenda]").await;
    app.wait_for_text("#agenda-calls li.call-item", "Luna0")
        .await;
    app.click("#agenda-calls li.call-item button[data-action=open-call]")
        .await;
    app.wait_for("#call-page").await;
    app.click("#call-page button[data-outcome=mejor]").await;
    app.wait_for_text("#call-status", "Realizada").await;
}

#[tokio::test]
async fn without_any_session_bus_fidelia_keeps_working() {
    let opts = fast().env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/fidelia-no-bus",
    );
    let app = App::launch(clinic_with_due_calls(1), opts).await;
    app.wait_for_text(
        "#notify-warning",
        "No se pueden mostrar avisos de escritorio",
    )
    .await;
    app.click("nav button[data-view=agenda]").await;
    app.wait_for_text("#agenda-calls li.call-item", "Luna0")
        .await;
}
