//! Follow-up calls end to end, as the clinic lives them: a vet saves a surgery visit → its call
//! is in the agenda at the expected time; "no answer" schedules a retry two hours later;
//! "reached, better" closes it and the counter drops; a pet marked deceased loses its open calls.
//!
//! Run: `cargo test -p fidelia-e2e --test calls -- --test-threads=1`.

use chrono::{DateTime, Duration, Local, Timelike, Utc};
use fidelia_e2e::seed::{client_with_dog, form_date_time, open_store_always_open, vet};
use fidelia_e2e::ui::{choose, dialog, input, save_ok};
use fidelia_e2e::{App, Options, Sandbox};

/// How the window writes an instant: "dd/mm/aaaa hh:mm" in local time.
fn shown(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%d/%m/%Y %H:%M").to_string()
}

/// The agenda's time column: "hh:mm" today, "dd/mm/aaaa hh:mm" on another day.
fn agenda_time(t: DateTime<Utc>) -> String {
    let l = t.with_timezone(&Local);
    if l.date_naive() == Local::now().date_naive() {
        l.format("%H:%M").to_string()
    } else {
        shown(t)
    }
}

/// Where a call lands in a clinic open 00:00–23:59 every day with 5-minute slots: the time
/// itself (seconds dropped), or the next midnight when the slot would not fit before 23:59.
fn placed(t: DateTime<Utc>) -> DateTime<Utc> {
    let t = t.with_second(0).unwrap().with_nanosecond(0).unwrap();
    let l = t.with_timezone(&Local);
    if l.hour() == 23 && l.minute() > 54 {
        (l.date_naive() + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_local_timezone(Local)
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    } else {
        t
    }
}

#[tokio::test]
async fn a_surgery_leads_to_a_call_that_is_retried_done_and_cancelled_by_a_death() {
    let sb = Sandbox::new();
    let store = open_store_always_open(&sb);
    let elena = vet(&store, "Dra. Elena Ruiz");
    let (client, pet) = client_with_dog(&store, "María", "Núñez", "Luna");
    drop(store);
    let app = App::launch(
        sb,
        Options::new()
            .env("FIDELIA_SCHEDULER_SECS", "1")
            .with_notify_server(),
    )
    .await;

    // The vet records this morning's surgery (an hour ago) on María's page.
    app.type_into("#search", "nunez").await;
    app.click(&format!(
        "#search-results li[data-client-id='{}']",
        client.id.0
    ))
    .await;
    app.wait_for_text("#client-page h1.client-name", "María Núñez")
        .await;
    app.click("#add-visit").await;
    app.wait_for(&dialog("visit")).await;
    let visit_at = Utc::now() - Duration::hours(1);
    let (date, time) = form_date_time(visit_at);
    app.type_into(&input("visit", "date"), &date).await;
    app.type_into(&input("visit", "time"), &time).await;
    choose(&app, &input("visit", "kind"), "cirugia").await;
    choose(&app, &input("visit", "severity"), "grave").await;
    choose(&app, &input("visit", "staffId"), &elena.id.0.to_string()).await;
    app.type_into(&input("visit", "reason"), "Castración").await;
    save_ok(&app, "visit").await;

    // Nobody did anything else: the call is on her page and in the week's agenda, 12 h later.
    let visit_minute = visit_at.with_second(0).unwrap().with_nanosecond(0).unwrap();
    let expected = placed(visit_minute + Duration::hours(12));
    app.wait_for_text("#client-calls li.call-item", "Luna")
        .await;
    app.click("nav button[data-view=agenda]").await;
    app.click("#range-week").await;
    app.wait_for("#range-week[aria-pressed=true]").await;
    let item = "#agenda-calls li.call-item";
    app.wait_for_text(item, "María Núñez").await;
    assert_eq!(
        app.text(&format!("{item} .agenda-time")).await,
        agenda_time(expected),
        "12 hours after the surgery"
    );
    assert!(
        app.text(item).await.contains("Dra. Elena Ruiz"),
        "assigned to the vet who saw the case"
    );

    // Open it: who, why, the script.
    app.click(&format!("{item} button[data-action=open-call]"))
        .await;
    app.wait_for("#call-page").await;
    assert_eq!(app.text("#call-scheduled").await, shown(expected));
    assert!(app.text("#call-visit-summary").await.contains("Castración"));
    assert!(
        app.value("#call-script").await.contains("Luna"),
        "the script names the pet"
    );
    assert!(app.text("#call-phones").await.contains("612 345 678"));

    // No answer: a retry two hours from now.
    let before = Utc::now();
    app.type_into("#call-notes", "No contesta, dejo para luego")
        .await;
    app.click("#call-page button[data-outcome=no_contesta]")
        .await;
    app.wait_for("#call-attempts li").await;
    let after = Utc::now();
    let retry = app.text("#call-scheduled").await;
    let candidates = [
        placed(before + Duration::hours(2)),
        placed(after + Duration::hours(2)),
    ]
    .map(shown);
    assert!(
        candidates.contains(&retry),
        "retry at {retry}, expected one of {candidates:?}"
    );
    assert_eq!(app.text("#call-status").await, "Pendiente");

    // Reached, better: done, and the counter drops.
    let badge_before = app.attr("#calls-badge", "hidden").await;
    app.click("#call-page button[data-outcome=mejor]").await;
    app.wait_for_text("#call-status", "Realizada").await;
    assert_eq!(
        app.count("#call-attempts li").await,
        2,
        "every attempt is kept"
    );
    assert!(
        app.attr("#call-page button[data-outcome=mejor]", "disabled")
            .await
            .is_some(),
        "a closed call takes no more outcomes"
    );
    app.click("nav button[data-view=agenda]").await;
    app.wait_for_text("#calls-summary", "Pendientes hoy: 0")
        .await;
    assert!(
        app.attr("#calls-badge", "hidden").await.is_some(),
        "no open calls left today (before: hidden={badge_before:?})"
    );

    // A second case for Luna needs a call; then Luna dies: her open call disappears.
    app.click("#agenda-calls li.call-item button[data-action=open-call]")
        .await;
    app.wait_for("#call-page").await;
    app.click("#call-client").await;
    app.wait_for("#client-page").await;
    app.click("#add-visit").await;
    app.wait_for(&dialog("visit")).await;
    choose(&app, &input("visit", "kind"), "urgencia").await;
    choose(&app, &input("visit", "severity"), "grave").await;
    save_ok(&app, "visit").await;
    app.wait_for_text("#client-calls li.call-item[data-status=pendiente]", "Luna")
        .await;
    app.click(&format!(
        "#pets li.pet[data-pet-id='{}'] button[data-action=edit-pet]",
        pet.id.0
    ))
    .await;
    app.wait_for(&dialog("pet")).await;
    app.click(&input("pet", "deceased")).await;
    save_ok(&app, "pet").await;
    // A condolence letter is offered; this time, no.
    app.click("#condolence-dialog #condolence-skip").await;
    app.wait_gone("#condolence-dialog").await;
    app.wait_for("#pets li.pet .badge--deceased").await;
    assert_eq!(
        app.count("#client-calls li.call-item[data-status=pendiente]")
            .await,
        0,
        "no call for a deceased pet"
    );
    app.click("nav button[data-view=agenda]").await;
    app.click("#range-week").await;
    app.wait_for("#range-week[aria-pressed=true]").await;
    assert_eq!(
        app.count("#agenda-calls li.call-item[data-status=pendiente]")
            .await,
        0,
        "the agenda has no open call for Luna"
    );
}
