//! Mensajes end to end: a vaccine given a year ago falls due in three days, so its reminder is
//! in today's queue; reception opens it in WhatsApp (the link is built with the client's number
//! and the text) and marks it sent: it leaves the queue and is in the client's log. Booking an
//! appointment for the pet takes its reminder out of tomorrow's queue.
//!
//! Run: `cargo test -p fidelia-e2e --test messages -- --test-threads=1`.

use chrono::{Duration, Local, Utc};
use fidelia_core::{ClinicTime, TreatmentForm};
use fidelia_e2e::seed::{client_with_dog, open_store_always_open};
use fidelia_e2e::{App, Options, Sandbox};

#[tokio::test]
async fn a_due_vaccine_is_reminded_sent_from_the_queue_and_logged() {
    let sb = Sandbox::new();
    let clinic = open_store_always_open(&sb);
    let (client, luna) = client_with_dog(&clinic, "María", "Núñez", "Luna");
    let (_, max) = client_with_dog(&clinic, "Íñigo", "Martínez", "Max");
    let a_year_ago = (Local::now() - Duration::days(362))
        .format("%d/%m/%Y")
        .to_string();
    for pet in [luna.id, max.id] {
        clinic
            .record_treatment(
                &TreatmentForm {
                    pet_id: Some(pet),
                    kind: "vacuna".into(),
                    date: a_year_ago.clone(),
                    ..Default::default()
                },
                &ClinicTime::new(Utc::now(), Local),
            )
            .expect("a vaccine a year ago");
    }
    // Max has his appointment booked already: no reminder for him.
    let tomorrow = (Local::now() + Duration::days(1))
        .format("%d/%m/%Y")
        .to_string();
    clinic
        .save_appointment(
            &fidelia_core::AppointmentForm {
                pet_id: Some(max.id),
                date: tomorrow,
                time: "10:00".into(),
                duration_min: "20".into(),
                reason: "Vacuna".into(),
                ..Default::default()
            },
            &ClinicTime::new(Utc::now(), Local),
        )
        .expect("an appointment");

    let app = App::launch(sb, Options::new().env("FIDELIA_NO_OPEN", "1")).await;
    app.click("nav button[data-view=messages]").await;
    let card = "#messages-list li.message-card[data-kind=cuidado]";
    let text = app.wait_for_text(card, "Luna").await;
    assert!(text.contains("María Núñez"), "{text}");
    assert!(text.contains("Hola, María"), "the text is written: {text}");
    let care_cards = app.texts(card).await;
    assert!(
        care_cards.iter().all(|c| !c.contains("Max")),
        "a pet with an appointment booked gets no reminder: {care_cards:?}"
    );

    app.click(&format!("{card} button[data-action=whatsapp]"))
        .await;
    app.wait_for_text(&format!("{card} .message-status"), "Abierto")
        .await;
    app.click(&format!("{card} button[data-action=sent]")).await;
    app.wait_gone(card).await;

    // In the client's log, sent by WhatsApp: on the client page too.
    app.type_into("#search", "Núñez").await;
    app.wait_for("#search-results li[role=option][data-client-id]")
        .await;
    app.press("#search", fidelia_e2e::Key::Enter).await;
    let logged = app
        .wait_for_text("#client-messages li[data-status=enviado]", "WhatsApp")
        .await;
    assert!(logged.contains("Luna"), "the text that was sent: {logged}");
    let log = clinic.client_messages(client.id).expect("the log");
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].status.as_str(), log[0].channel.as_deref()),
        ("enviado", Some("whatsapp"))
    );
    app.close().await;
}

/// A reminder in the queue, then reception books the appointment for it on the client page:
/// the reminder leaves the queue (the clinic already knows), and stays in the log as withdrawn.
#[tokio::test]
async fn booking_an_appointment_takes_the_reminder_out_of_the_queue() {
    use fidelia_e2e::ui::{dialog, input, save_ok};
    let sb = Sandbox::new();
    let clinic = open_store_always_open(&sb);
    let (client, kira) = client_with_dog(&clinic, "Begoña", "Ibáñez", "Kira");
    let a_year_ago = (Local::now() - Duration::days(362))
        .format("%d/%m/%Y")
        .to_string();
    clinic
        .record_treatment(
            &TreatmentForm {
                pet_id: Some(kira.id),
                kind: "vacuna".into(),
                date: a_year_ago,
                ..Default::default()
            },
            &ClinicTime::new(Utc::now(), Local),
        )
        .expect("a vaccine a year ago");
    let app = App::launch(sb, Options::new().env("FIDELIA_NO_OPEN", "1")).await;
    app.click("nav button[data-view=messages]").await;
    let card = "#messages-list li.message-card[data-kind=cuidado]";
    app.wait_for_text(card, "Kira").await;

    app.click(&format!("{card} button.client-link")).await;
    app.wait_for("#client-page").await;
    app.click("#add-appointment").await;
    app.wait_for(&dialog("appointment")).await;
    app.type_into(&input("appointment", "reason"), "Vacuna anual")
        .await;
    save_ok(&app, "appointment").await;

    // Tomorrow's appointment has its own reminder now; the vaccine's is gone.
    app.click("nav button[data-view=messages]").await;
    app.wait_for_text("#messages-list li.message-card[data-kind=cita]", "Kira")
        .await;
    assert_eq!(
        app.count(card).await,
        0,
        "the vaccine's reminder is withdrawn"
    );
    let log = clinic.client_messages(client.id).expect("the log");
    let care = log
        .iter()
        .find(|m| m.kind == "cuidado")
        .expect("the reminder");
    assert_eq!(
        (care.status.as_str(), care.note.as_str()),
        ("cancelado", "cita reservada")
    );
    app.close().await;
}

/// Reception records a dog's vaccine on the client page: the toast says when it is due again
/// (a year later, by the clinic's rule), and the operation stored that date.
#[tokio::test]
async fn a_vaccine_recorded_in_the_window_is_due_again_in_a_year() {
    use fidelia_e2e::ui::{choose, dialog, input, save_ok};
    let sb = Sandbox::new();
    let clinic = open_store_always_open(&sb);
    let (_, luna) = client_with_dog(&clinic, "María", "Núñez", "Luna");
    let app = App::launch(sb, Options::new().env("FIDELIA_NO_OPEN", "1")).await;
    app.type_into("#search", "Núñez").await;
    app.wait_for("#search-results li[role=option][data-client-id]")
        .await;
    app.press("#search", fidelia_e2e::Key::Enter).await;
    app.click(&format!(
        "#pets li[data-pet-id='{}'] button[data-action=add-treatment]",
        luna.id.0
    ))
    .await;
    app.wait_for(&dialog("treatment")).await;
    choose(&app, &input("treatment", "kind"), "vacuna").await;
    app.type_into(&input("treatment", "product"), "Rabia").await;
    save_ok(&app, "treatment").await;
    let next = (Local::now() + Duration::days(365))
        .format("%d/%m/%Y")
        .to_string();
    app.wait_for_text("#toast", &next).await;

    let today = Local::now().date_naive();
    let due = clinic.care_due(today, 0, 366).expect("what falls due");
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!((due[0].pet_id, due[0].kind.as_str()), (luna.id, "vacuna"));
    assert_eq!(due[0].due_on, today + Duration::days(365));
    app.close().await;
}
