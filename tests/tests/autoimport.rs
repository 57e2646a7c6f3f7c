//! The folder a practice-management system exports to every night, watched by the window
//! (Settings → Importar datos): the receptionist types the folder once; a file dropped there
//! is imported (its clients appear in the window's search, the run in the history) with no
//! notification when all went well; the same file dropped again changes nothing; a file with
//! bad rows is imported too, and a desktop notification says how many were rejected.
//!
//! Run: `cargo test -p fidelia-e2e --test autoimport -- --test-threads=1`.
//! With `FIDELIA_SCREENSHOTS=1` the Settings card is also saved as
//! `docs/screenshots/autoimport.png`.

use std::time::{Duration, Instant};

use fidelia_e2e::seed::open_store_always_open;
use fidelia_e2e::{workspace_dir, App, Options, Sandbox};

const GOOD: &str = "tests/fixtures/import/visitas_cp1252_punto_y_coma.csv";
const BAD: &str = "tests/fixtures/import/filas_erroneas.csv";
/// How long the watched folder may take (the file settles for 2 s; a pass follows).
const LIMIT: Duration = Duration::from_secs(30);

async fn open_settings(app: &App) {
    app.click("nav button[data-view=clients]").await;
    app.click("nav button[data-view=settings]").await;
    app.wait_for("#import-folder-form").await;
}

/// The history's rows as the window shows them, the Settings page opened afresh until `done`.
async fn history_until(app: &App, done: impl Fn(&[String]) -> bool) -> Vec<String> {
    let deadline = Instant::now() + LIMIT;
    loop {
        open_settings(app).await;
        let rows = app.texts("#import-history tbody tr").await;
        if done(&rows) || Instant::now() >= deadline {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn folder_runs(rows: &[String]) -> usize {
    rows.iter().filter(|r| r.contains("Carpeta")).count()
}

#[tokio::test]
async fn a_file_dropped_in_the_watched_folder_is_imported_once() {
    let sb = Sandbox::new();
    drop(open_store_always_open(&sb));
    let folder = sb.root().join("exportaciones");
    std::fs::create_dir_all(&folder).unwrap();
    let app = App::launch(
        sb,
        Options::new()
            .env("FIDELIA_FOLDER_SECS", "1")
            .with_notify_server(),
    )
    .await;

    // A folder that does not exist is refused, in Spanish, next to the field.
    open_settings(&app).await;
    app.type_into("#importFolder", "/no/existe/esta/carpeta")
        .await;
    app.click("#import-folder-save").await;
    let error = app
        .wait_for_text("#import-folder-form .field-error", "no existe")
        .await;
    assert!(error.contains("Esa carpeta no existe"), "{error}");
    assert!(
        app.exists("#import-history-empty").await,
        "nothing imported yet"
    );

    // The real one.
    app.type_into("#importFolder", &folder.to_string_lossy())
        .await;
    app.click("#import-folder-save").await;
    app.wait_for_text("#import-folder-status", "Fidelia vigila esta carpeta")
        .await;

    // The night's export arrives: its records appear in the window.
    std::fs::copy(workspace_dir().join(GOOD), folder.join("export-lunes.csv")).unwrap();
    let rows = history_until(&app, |r| folder_runs(r) == 1).await;
    assert_eq!(
        folder_runs(&rows),
        1,
        "the folder's run is in the history: {rows:?}"
    );
    assert!(rows[0].contains("export-lunes.csv"), "{rows:?}");
    assert!(rows[0].contains("0 rechazadas"), "{rows:?}");
    app.type_into("#search", "Núñez Peña").await;
    let found = app.wait_for_text("#search-results", "María").await;
    assert!(found.contains("Núñez Peña"), "{found}");

    // The same export again (another name, the same content): nothing changes.
    let clients_line = |info: String| {
        info.lines()
            .find(|l| l.starts_with("clients:"))
            .map(str::to_owned)
            .expect("fidelia info counts the clients")
    };
    let clients = clients_line(app.cli_ok(&["info"]));
    std::fs::copy(workspace_dir().join(GOOD), folder.join("export-martes.csv")).unwrap();
    tokio::time::sleep(Duration::from_secs(6)).await;
    let rows = history_until(&app, |_| true).await;
    assert_eq!(folder_runs(&rows), 1, "not imported twice: {rows:?}");
    assert_eq!(
        clients_line(app.cli_ok(&["info"])),
        clients,
        "the clients are as they were"
    );
    assert!(
        !app.notifications()
            .notes()
            .iter()
            .any(|n| n.summary == "Importación automática"),
        "no notification when all went well"
    );

    // An export with bad rows: imported, and a notification says how many were rejected.
    std::fs::copy(
        workspace_dir().join(BAD),
        folder.join("export-miercoles.csv"),
    )
    .unwrap();
    let rows = history_until(&app, |r| folder_runs(r) == 2).await;
    assert_eq!(folder_runs(&rows), 2, "{rows:?}");
    assert!(
        rows[0].contains("export-miercoles.csv") && !rows[0].contains(" 0 rechazadas"),
        "{rows:?}"
    );
    let deadline = Instant::now() + LIMIT;
    let note = loop {
        let notes = app.notifications().notes();
        if let Some(n) = notes
            .into_iter()
            .find(|n| n.summary == "Importación automática")
        {
            break n;
        }
        assert!(
            Instant::now() < deadline,
            "no notification for the rejected rows"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        note.body.contains("export-miercoles.csv") && note.body.contains("rechazadas"),
        "{note:?}"
    );
    if std::env::var_os("FIDELIA_SCREENSHOTS").is_some() {
        app.js("document.querySelector('#import-title').scrollIntoView({ block: 'start' }); window.scrollBy(0, -90)")
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        app.window_screenshot(workspace_dir().join("docs/screenshots/autoimport.png"))
            .await;
    }
    app.close().await;
}
