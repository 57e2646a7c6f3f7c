//! Screenshots for the docs: `scripts/screenshots.sh` runs this (ignored) test.
//!
//! Writes `docs/screenshots/main.png` (home with search), `docs/screenshots/client.png`
//! (a client page of the demo clinic) and `docs/screenshots/visit-form-error.png` (the visit form
//! refusing an impossible date, with what was typed kept).

use fidelia_e2e::{run_with_timeout, workspace_dir, App, Key, Options};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Pixels that may differ between the X picture and the page's own rendering: the blinking text
/// caret (~20 px) and anti-aliasing; a stale frame differs by thousands.
const SAME_PICTURE_PX: u64 = 300;

/// Pixels that differ (5 % fuzz) between two PNGs, ignoring the rightmost 16 px (the overlay
/// scrollbar is drawn on screen but not in the WebDriver picture).
fn differing_pixels(a: &Path, b: &Path, width: u32, height: u32) -> Option<u64> {
    let out = run_with_timeout(
        Command::new("compare")
            .args(["-metric", "AE", "-fuzz", "5%", "-extract"])
            .arg(format!("{}x{height}+0+0", width.saturating_sub(16)))
            .arg(a)
            .arg(b)
            .arg("null:"),
        Duration::from_secs(20),
    );
    String::from_utf8_lossy(&out.stderr)
        .trim()
        .parse::<f64>()
        .ok()
        .map(|n| n as u64)
}

/// The X display under Xvfb can lag the page by seconds (it was seen still showing the first,
/// empty frame after the client page and a dialog had opened). Takes the window picture only once
/// it matches what the page itself renders (WebDriver screenshot), so the docs never show a stale
/// frame.
async fn settled_window_screenshot(app: &App, path: &Path) {
    let tmp = app.sandbox().root().join("webdriver.png");
    let (w, h) = app
        .client()
        .get_window_rect()
        .await
        .map(|(_, _, w, h)| (w as u32, h as u32))
        .unwrap_or((1280, 800));
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last;
    loop {
        // Let the page paint, then compare what is on the screen with what the page renders.
        let _ = app
            .client()
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await;
        app.screenshot(&tmp).await;
        app.window_screenshot(path).await;
        last = differing_pixels(path, &tmp, w, h);
        if matches!(last, Some(n) if n <= SAME_PICTURE_PX) {
            return;
        }
        if Instant::now() >= deadline {
            panic!(
                "{}: the screen never matched the page ({last:?} pixels differ)",
                path.display()
            );
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test]
#[ignore = "writes docs/screenshots; run with scripts/screenshots.sh"]
async fn docs_screenshots() {
    let out = workspace_dir().join("docs").join("screenshots");
    std::fs::create_dir_all(&out).expect("create docs/screenshots");

    // A notification server on the bus, as on a clinic's desktop (no warning banner).
    let mut app = App::start_with(Options::new().with_notify_server()).await;
    app.wait_for("#search").await;
    // The home view with its data: the clinic's name and the week's appointments.
    app.wait_for("main#view .view-home h1").await;
    app.wait_for("main#view .view-home #upcoming, main#view .view-home .empty")
        .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while app
        .js("return document.getElementById('clinic-name').textContent.trim()")
        .await
        == ""
    {
        assert!(Instant::now() < deadline, "the clinic's name never showed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    settled_window_screenshot(&app, &out.join("main.png")).await;

    app.type_into("#search", "nu").await;
    app.wait_for("#search-results li[role=option][data-client-id]")
        .await;
    app.press("#search", Key::Down).await;
    app.press("#search", Key::Enter).await;
    app.wait_for("#client-page").await;
    app.wait_for("h1.client-name").await;
    app.wait_for("#client-page #timeline").await;
    settled_window_screenshot(&app, &out.join("client.png")).await;
    // The bottom of the client page: their data, to export or erase.
    app.js("const b = document.getElementById('client-privacy'); window.scrollTo(0, b.getBoundingClientRect().top + window.scrollY - 300); return true")
        .await;
    settled_window_screenshot(&app, &out.join("client-privacy.png")).await;
    app.js("window.scrollTo(0, 0); return true").await;

    // The visit form with 31/02/2026: the dialog stays open with the message under the date.
    app.click("#add-visit").await;
    let dialog = "dialog.form-dialog[data-dialog=visit]";
    app.wait_for(dialog).await;
    let field = |name: &str| format!("{dialog} form[data-form=visit] [name={name}]");
    for (name, value) in [("kind", "cirugia"), ("severity", "grave")] {
        app.wait_for(&field(name))
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choosing {value} in {name}: {e}"));
    }
    app.type_into(&field("reason"), "Castración").await;
    app.type_into(&field("amount"), "120,50").await;
    app.type_into(&field("date"), "31/02/2026").await;
    app.click(&format!("{dialog} button[type=submit]")).await;
    app.wait_for(&format!("{dialog} p.field-error[data-field=date]"))
        .await;
    settled_window_screenshot(&app, &out.join("visit-form-error.png")).await;
    app.click(&format!("{dialog} button[data-action=cancel]"))
        .await;
    app.wait_gone(dialog).await;

    // The agenda: the demo clinic's follow-up calls for yesterday's cases, then one call open.
    app.click("nav button[data-view=agenda]").await;
    app.wait_for("#agenda-calls li.call-item").await;
    settled_window_screenshot(&app, &out.join("agenda.png")).await;
    app.click("#agenda-calls li.call-item button[data-action=open-call]")
        .await;
    app.wait_for("#call-page #call-script").await;
    settled_window_screenshot(&app, &out.join("call.png")).await;

    // Fidelización: the ranked clients with the parts of their score.
    app.click("nav button[data-view=loyalty]").await;
    app.wait_for("#loyalty-list tbody tr").await;
    settled_window_screenshot(&app, &out.join("loyalty.png")).await;

    // Mensajes: today's reminders (the demo clinic's appointments of the next opening day).
    app.click("nav button[data-view=messages]").await;
    app.wait_for("#messages-list li.message-card, #messages-empty")
        .await;
    settled_window_screenshot(&app, &out.join("messages.png")).await;

    // A survey's answers typed in from its card: a poor one (recommend 4), so Home has an alert.
    let survey = "#messages-list li.message-card[data-kind=encuesta] button[data-action=survey]";
    app.wait_for(survey).await;
    app.click(survey).await;
    let dialog = "dialog.form-dialog[data-dialog=survey]";
    app.wait_for(dialog).await;
    for (name, value) in [
        ("q-overall", 3),
        ("q-care", 4),
        ("q-facilities", 4),
        ("q-availability", 2),
        ("q-cleanliness", 5),
        ("recommend", 4),
    ] {
        app.click(&format!("{dialog} label[for=f-survey-{name}-{value}]"))
            .await;
    }
    app.type_into(
        &format!("{dialog} [name=comment]"),
        "Tuvimos que esperar casi una hora, aunque la veterinaria fue muy amable.",
    )
    .await;
    app.js(&format!(
        "document.querySelector('{dialog}').scrollTop = 0; return true"
    ))
    .await;
    settled_window_screenshot(&app, &out.join("survey-form.png")).await;
    app.click(&format!("{dialog} button[type=submit]")).await;
    app.wait_gone(dialog).await;
    app.click("nav button[data-view=home]").await;
    app.wait_for("#survey-alerts li.alert-item").await;
    settled_window_screenshot(&app, &out.join("alert.png")).await;

    // Settings: a message text with its placeholders and how it reads for a real client.
    app.click("nav button[data-view=settings]").await;
    app.wait_for("#f-settings-template-encuesta-preview").await;
    app.wait_for_text("#f-settings-template-encuesta-preview", ":")
        .await;
    // The toast of the survey just saved has gone; the survey's text below the sticky header.
    app.wait_gone("#toast:not([hidden])").await;
    app.js("const f = document.querySelector('[data-kind=encuesta]'); window.scrollTo(0, f.getBoundingClientRect().top + window.scrollY - 90); return true")
        .await;
    settled_window_screenshot(&app, &out.join("templates.png")).await;

    // Clientes perdidos: the lapsed list, two clients handed to the team.
    app.click("nav button[data-view=winback]").await;
    app.wait_for("#lapsed tbody tr input.lapsed-pick").await;
    app.js("document.querySelectorAll('#lapsed input.lapsed-pick').forEach((b, i) => { if (i < 2) b.click(); }); return true")
        .await;
    settled_window_screenshot(&app, &out.join("lapsed.png")).await;

    // Panel: the clinic's figures over the last 12 months, against the 12 before.
    app.click("nav button[data-view=dashboard]").await;
    app.wait_for("#dash-figures #kpi-nps").await;
    app.wait_for("#trend-nps svg").await;
    settled_window_screenshot(&app, &out.join("dashboard.png")).await;
    app.js("document.getElementById('trend-nps').scrollIntoView({block: 'center'}); return true")
        .await;
    settled_window_screenshot(&app, &out.join("dashboard-trends.png")).await;

    // Ajustes → Copias de seguridad: a backup made now, in the list.
    app.click("nav button[data-view=settings]").await;
    app.wait_for("#backups").await;
    app.click("#backup-now").await;
    app.wait_for_text("#backup-result", "Copia hecha").await;
    app.wait_gone("#toast:not([hidden])").await;
    app.js("const b = document.getElementById('backups'); window.scrollTo(0, b.getBoundingClientRect().top + window.scrollY - 80); return true")
        .await;
    settled_window_screenshot(&app, &out.join("backups.png")).await;

    // A damaged database at start-up: what the window says, and the backup it offers.
    app.stop().await;
    app.cli_ok(&["info"]);
    let db = app.db_path();
    let len = std::fs::metadata(&db).unwrap().len();
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
        f.seek(SeekFrom::Start(len / 4)).unwrap();
        f.write_all(&vec![0x55u8; (len / 2) as usize]).unwrap();
    }
    app.start_again().await;
    app.wait_for("#recovery #restore-latest").await;
    settled_window_screenshot(&app, &out.join("recovery.png")).await;

    for name in [
        "backups.png",
        "recovery.png",
        "client-privacy.png",
        "dashboard.png",
        "dashboard-trends.png",
        "lapsed.png",
        "messages.png",
        "survey-form.png",
        "alert.png",
        "templates.png",
        "loyalty.png",
        "main.png",
        "client.png",
        "visit-form-error.png",
        "agenda.png",
        "call.png",
    ] {
        let p = out.join(name);
        let len = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
        assert!(len > 1000, "{} looks empty ({len} bytes)", p.display());
        println!("wrote {}", p.display());
    }
    app.close().await;
}
