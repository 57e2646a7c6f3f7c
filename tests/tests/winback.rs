//! Winning back lost clients end to end, on the demo clinic: the lapsed list, two clients ticked
//! and handed to a staff member (two calls in the agenda), a reason recorded on the call screen;
//! the reasons report counts it; after three cases with the same reason it is flagged as a
//! weakness to fix; a client of a case visits again → recovered.
//!
//! Run: `cargo test -p fidelia-e2e --test winback -- --test-threads=1`.

use chrono::{Duration, Utc};
use fidelia_core::*;
use fidelia_e2e::seed::{form_date_time, now};
use fidelia_e2e::ui::choose;
use fidelia_e2e::{App, Options};
use fidelia_ops::Clinic;

/// Ticks the first `n` lost clients not in a case yet, hands them to the first staff member.
async fn assign(app: &App, n: usize) {
    app.click("nav button[data-view=winback]").await;
    app.wait_for("#lapsed tbody tr input.lapsed-pick").await;
    for i in 0..n {
        app.js(&format!(
            "const b = document.querySelectorAll('#lapsed input.lapsed-pick')[{i}]; b.click(); return true"
        ))
        .await;
    }
    app.wait_for_text("#winback-picked", &format!("{n} marcados"))
        .await;
    let first_staff = app
        .js("return document.querySelector('#winback-staff option:nth-child(2)').value")
        .await;
    choose(app, "#winback-staff", first_staff.as_str().unwrap()).await;
    app.click("#winback-assign").await;
    app.wait_for_text("#toast", &format!("{n} llamadas")).await;
    app.wait_for("#winback-cases li[data-status=por_llamar]")
        .await;
}

/// Opens the newest open case's call and records that the client talked and why they left.
async fn record_reason(app: &App, reason: &str) {
    app.click("#winback-cases li[data-status=por_llamar] button[data-action=open-call]")
        .await;
    app.wait_for("#case-form").await;
    let history = app.text("#client-history").await;
    assert!(
        app.count("#client-history #history-visits li").await > 0,
        "the client's last visits beside the case: {history}"
    );
    choose(app, "#f-case-status", "hablado").await;
    choose(app, "#f-case-reason", reason).await;
    app.click("#f-case-apology").await;
    app.type_into("#f-case-notes", "Le pareció caro el análisis")
        .await;
    app.click("#case-form button[type=submit]").await;
    app.wait_for_text("#toast", "Guardado").await;
}

#[tokio::test]
async fn a_win_back_campaign_from_the_lapsed_list_to_a_recovered_client() {
    let reports = std::env::temp_dir().join(format!("fidelia-informes-{}", std::process::id()));
    let app = App::start_with(
        Options::new()
            .env("FIDELIA_NO_OPEN", "1")
            .env("FIDELIA_REPORTS_DIR", reports.to_string_lossy()),
    )
    .await;
    let clinic = Clinic::open(&app.db_path()).expect("the clinic");
    app.wait_for("#search").await;

    assign(&app, 2).await;
    app.wait_for("#winback-cases li[data-status=por_llamar]")
        .await;
    assert_eq!(
        app.count("#winback-cases li[data-status=por_llamar]").await,
        2
    );
    let cases = clinic.winback_cases().expect("cases");
    assert!(
        cases.iter().all(|c| c.call_id.is_some()),
        "each has its call"
    );
    // In the agenda, as calls to make: this week's (after closing time they are placed at the
    // next opening, tomorrow).
    app.click("nav button[data-view=agenda]").await;
    app.click("#range-week").await;
    app.wait_for_text("#agenda", "Recuperar cliente").await;

    app.click("nav button[data-view=winback]").await;
    record_reason(&app, "Precio").await;
    app.click("nav button[data-view=winback]").await;
    let line = app
        .wait_for_text("#reasons li[data-reason=Precio]", "Precio")
        .await;
    assert!(line.starts_with('1'), "counted once: {line}");
    assert!(!app.exists("#weaknesses").await, "once is not a weakness");

    // Two more clients leave for the same reason: a weakness to fix.
    record_reason(&app, "Precio").await;
    assign(&app, 1).await;
    record_reason(&app, "Precio").await;
    app.click("nav button[data-view=winback]").await;
    let weak = app.wait_for_text("#weaknesses", "Precio").await;
    assert!(weak.contains("3 veces"), "{weak}");
    // The dashboard says so too.
    app.click("nav button[data-view=dashboard]").await;
    app.wait_for_text("#dash-weaknesses li[data-reason=Precio]", "3 veces")
        .await;
    // Last month's report, from the dashboard: a PDF in the reports folder.
    app.click("#report-month").await;
    let toast = app.wait_for_text("#toast", "informe-").await;
    let pdf = std::fs::read_dir(&reports)
        .expect("the reports folder")
        .filter_map(|e| e.ok())
        .find(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .expect("a PDF")
        .path();
    assert!(toast.contains(&*pdf.to_string_lossy()), "{toast}");
    assert!(fidelia_e2e::pdftotext(&pdf).contains("Informe de "));
    let _ = std::fs::remove_dir_all(&reports);

    // The first client comes back: recovered.
    let case = clinic
        .winback_cases()
        .expect("cases")
        .into_iter()
        .find(|c| c.reason == "Precio")
        .expect("a case with its reason");
    let pet = clinic
        .client_page(case.client_id)
        .expect("the client")
        .pets
        .into_iter()
        .find(|p| p.data.deceased_on.is_none())
        .expect("a living pet");
    let (date, time) = form_date_time(Utc::now() - Duration::minutes(5));
    clinic
        .save_visit(
            &VisitForm {
                pet_id: Some(pet.id),
                date,
                time,
                kind: "revision".into(),
                severity: "leve".into(),
                reason: "Vuelve".into(),
                ..Default::default()
            },
            &now(),
        )
        .expect("the visit");
    app.click("nav button[data-view=home]").await;
    app.click("nav button[data-view=winback]").await;
    app.wait_for_text(
        &format!("#winback-cases li[data-case-id='{}']", case.id),
        "Recuperado",
    )
    .await;
    // On the dashboard, the recovered client is behind the win-back figure.
    app.click("nav button[data-view=dashboard]").await;
    app.click("#kpi-winback details.kpi-behind summary").await;
    app.wait_for_text("#kpi-winback details.kpi-behind", &case.client_name)
        .await;
    app.close().await;
}

/// Two people, one case: the case's call is open on this PC while another PC records that the
/// client will come back; the reason saved here on what the card showed before is refused
/// with "Otra persona acaba de cambiar este caso", the card takes the other PC's status,
/// keeps the notes typed and shows the reason chosen under its field; chosen again and saved,
/// it goes through.
#[tokio::test]
async fn a_case_saved_over_another_persons_save_is_refused_and_the_notes_kept() {
    use fidelia_core::winback::{CaseForm, CaseStatus};

    let app = App::start().await;
    let clinic = Clinic::open(&app.db_path()).expect("the clinic");
    app.wait_for("#search").await;
    assign(&app, 1).await;
    app.click("#winback-cases li[data-status=por_llamar] button[data-action=open-call]")
        .await;
    app.wait_for("#case-form").await;
    choose(&app, "#f-case-reason", "Precio").await;
    app.type_into("#f-case-notes", "Dice que el análisis fue caro")
        .await;

    // Meanwhile, on another PC.
    let case = clinic.winback_cases().expect("cases").remove(0);
    clinic
        .save_case(
            &CaseForm {
                id: case.id,
                status: "volvera".into(),
                notes: "Volverá en enero".into(),
                ..Default::default()
            },
            None,
            &now(),
        )
        .expect("the other PC's save");

    app.click("#case-form button[type=submit]").await;
    app.wait_for_text(
        "#case-form .form-error",
        "Otra persona acaba de cambiar este caso",
    )
    .await;
    assert_eq!(
        app.value("#f-case-status").await,
        "volvera",
        "the card shows the case as it is now"
    );
    assert_eq!(app.text("#case-title .badge").await, "Volverá");
    assert_eq!(
        app.value("#f-case-notes").await,
        "Dice que el análisis fue caro",
        "the notes typed stay"
    );
    assert!(app
        .text("#case-form p.field-conflict[data-field=notes]")
        .await
        .contains("Volverá en enero"));
    assert!(
        app.text("#case-form p.field-conflict[data-field=reason]")
            .await
            .contains("Precio"),
        "the reason chosen here is shown under the field, which shows the case's"
    );
    if std::env::var_os("FIDELIA_SCREENSHOTS").is_some() {
        app.js("document.querySelector('#case-card').scrollIntoView({block: 'center'});")
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
        app.screenshot(fidelia_e2e::workspace_dir().join("docs/screenshots/case-conflict.png"))
            .await;
    }
    choose(&app, "#f-case-reason", "Precio").await;
    app.click("#case-form button[type=submit]").await;
    app.wait_for_text("#toast", "Guardado").await;
    let saved = clinic.winback_case(case.id).expect("the case");
    assert_eq!(
        (saved.status, saved.reason.as_str(), saved.notes.as_str()),
        (
            CaseStatus::WillReturn,
            "Precio",
            "Dice que el análisis fue caro"
        )
    );
}
