//! Surveys end to end: yesterday's visit has its survey in today's Mensajes, with the clinic's
//! link and the visit's code; reception types in the answers the client gave on the phone
//! (recommend 4 of 10): Home shows the owner's alert and a call assigned to the owner, whose
//! script apologises; once seen, the alert leaves Home and the call stays. Then the answers of
//! an online form (a Google Forms export) are imported: recorded by code, a bad row reported by
//! its line, and importing it again changes nothing.
//!
//! Run: `cargo test -p fidelia-e2e --test surveys -- --test-threads=1`.

use chrono::{Duration, Utc};
use fidelia_core::calls::CallKind;
use fidelia_core::*;
use fidelia_e2e::seed::{client_with_dog, form_date_time, now, open_store_always_open};
use fidelia_e2e::ui::{dialog, input, save_ok};
use fidelia_e2e::{App, Options, Sandbox};
use fidelia_ops::Clinic;

/// The owner, the survey link, and Luna's check-up 30 hours ago.
fn clinic_with_yesterdays_visit(sb: &Sandbox) -> (Clinic, Client, Visit, Staff) {
    let clinic = open_store_always_open(sb);
    let mut s = clinic.settings().expect("settings");
    s.survey_link = "https://forms.gle/clinica".into();
    clinic.save_settings(&s).expect("valid settings");
    let owner = clinic
        .save_staff(&StaffForm {
            name: "Carmen Ruiz".into(),
            role: "direccion".into(),
            active: true,
            ..Default::default()
        })
        .expect("the owner");
    let (client, luna) = client_with_dog(&clinic, "María", "Núñez", "Luna");
    let (date, time) = form_date_time(Utc::now() - Duration::hours(30));
    let visit = clinic
        .save_visit(
            &VisitForm {
                pet_id: Some(luna.id),
                date,
                time,
                kind: "revision".into(),
                severity: "leve".into(),
                reason: "Revisión anual".into(),
                ..Default::default()
            },
            &now(),
        )
        .expect("a visit");
    (clinic, client, visit, owner)
}

/// Picks `value` on a scale of the survey form (its label: the radio itself is drawn by it).
async fn pick(app: &App, name: &str, value: u8) {
    app.click(&format!(
        "{} label[for=f-survey-{name}-{value}]",
        dialog("survey")
    ))
    .await;
}

#[tokio::test]
async fn a_poor_answer_reaches_the_owner_as_an_alert_and_a_call() {
    let sb = Sandbox::new();
    let (clinic, client, visit, owner) = clinic_with_yesterdays_visit(&sb);
    let code = surveys::code_for(visit.id.0);
    let app = App::launch(sb, Options::new().env("FIDELIA_NO_OPEN", "1")).await;

    app.click("nav button[data-view=messages]").await;
    let card = "#messages-list li.message-card[data-kind=encuesta]";
    let text = app.wait_for_text(card, "Luna").await;
    assert!(
        text.contains("https://forms.gle/clinica") && text.contains(&code),
        "the link and the visit's code: {text}"
    );
    app.click(&format!("{card} button[data-action=survey]"))
        .await;
    app.wait_for(&dialog("survey")).await;
    assert_eq!(app.value(&input("survey", "code")).await, code);
    for (q, v) in [
        ("q-overall", 5),
        ("q-care", 5),
        ("q-facilities", 4),
        ("q-availability", 3),
        ("q-cleanliness", 5),
        ("recommend", 4),
    ] {
        pick(&app, q, v).await;
    }
    app.type_into(&input("survey", "comment"), "Esperamos una hora")
        .await;
    save_ok(&app, "survey").await;
    app.wait_for_text("#toast", "dirección").await;

    app.click("nav button[data-view=home]").await;
    let alert = app
        .wait_for_text("#survey-alerts li.alert-item", "María Núñez")
        .await;
    assert!(
        alert.contains("Recomendaría 4/10") && alert.contains("Esperamos una hora"),
        "{alert}"
    );
    app.click("#survey-alerts button[data-action=call]").await;
    app.wait_for("#call-page").await;
    let script = app.value("#call-script").await;
    assert!(
        script.contains("lo sentimos"),
        "an apologising script: {script}"
    );
    let calls = clinic
        .calls_of_client(client.id, Utc::now())
        .expect("calls");
    let call = calls
        .iter()
        .find(|c| c.kind == CallKind::Survey)
        .expect("a call for the poor answer");
    assert_eq!(call.staff_id, Some(owner.id), "assigned to the owner");

    // In the agenda, and once seen, the alert leaves Home (the call stays).
    app.click("nav button[data-view=agenda]").await;
    app.wait_for_text("#agenda", "Encuesta: recomendaría 4/10")
        .await;
    app.click("nav button[data-view=home]").await;
    app.click("#survey-alerts button[data-action=seen]").await;
    app.wait_gone("#survey-alerts").await;
    assert!(clinic.survey_alerts().expect("alerts").is_empty());
    app.close().await;
}

#[tokio::test]
async fn a_google_forms_export_of_answers_is_imported_by_code() {
    let sb = Sandbox::new();
    let (clinic, client, visit, _) = clinic_with_yesterdays_visit(&sb);
    let code = clinic
        .survey_for_visit(visit.id, Utc::now())
        .expect("the visit's survey")
        .code;
    let csv = sb.root().join("respuestas.csv");
    std::fs::write(
        &csv,
        format!(
            "Marca temporal,Código de la visita,Valoración general,Atención y tratamiento,Instalaciones,Disponibilidad de citas,Limpieza y orden,¿Con qué probabilidad nos recomendaría? (0-10),Comentario\n\
             2026/11/26 10:02:11 p. m. CET,{code},5,5,4,4,5,9,Muy amables\n\
             2026/11/26 10:05:00 p. m. CET,{code}X,5,5,5,5,5,10,\n"
        ),
    )
    .unwrap();
    let app = App::launch(sb, Options::new().env("FIDELIA_NO_OPEN", "1")).await;
    app.click("nav button[data-view=messages]").await;
    app.wait_for("#survey-import").await;
    app.send_keys("#survey-import-file", &csv.to_string_lossy())
        .await;
    let report = app
        .wait_for_text("#survey-import-report", "1 respuestas nuevas")
        .await;
    assert!(
        report.contains("línea 3") && report.contains("Código de la visita"),
        "the bad row by its line and column: {report}"
    );
    let answered = clinic.client_surveys(client.id).expect("surveys");
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0].answers.recommend, Some(9));
    assert_eq!(answered[0].answered_via.as_deref(), Some("importado"));
    app.click("#survey-import-report button").await;
    app.wait_gone("#survey-import-report").await;

    // The same file again: nothing new.
    app.send_keys("#survey-import-file", &csv.to_string_lossy())
        .await;
    app.wait_for_text(
        "#survey-import-report",
        "0 respuestas nuevas (0 con nota baja), 1 ya estaban",
    )
    .await;
    app.close().await;
}
