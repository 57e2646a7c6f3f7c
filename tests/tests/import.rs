//! Importing a practice-management export through the window, as a clinic does it: choose the
//! file, read the preview (Windows-1252, ";"), change what one column means, import, read the
//! report with the rejected rows and their line numbers; import the same file again next week
//! and see "0 creados" (the changed mapping was remembered).
//!
//! Run: `cargo test -p fidelia-e2e --test import -- --test-threads=1`.
//! With `FIDELIA_SCREENSHOTS=1` the report is also saved as `docs/screenshots/import.png`.

use std::time::Duration;

use fidelia_e2e::seed::open_store_always_open;
use fidelia_e2e::{workspace_dir, App, Key, Options, Sandbox};

/// The export with bad rows (Windows-1252, `;`, lines 3–10 and 13 wrong in some way).
const FILE: &str = "tests/fixtures/import/filas_erroneas.csv";
/// Its "Acepta publicidad" column: line 13 says "Quizá" there.
const CONSENT_COLUMN: usize = 7;

async fn choose_file(app: &App) {
    app.click("nav button[data-view=clients]").await;
    app.click("nav button[data-view=settings]").await;
    app.click("#open-import").await;
    app.wait_for("#import h1").await;
    let path = workspace_dir().join(FILE);
    assert!(path.is_absolute() && path.exists(), "{}", path.display());
    app.send_keys("#import-file", &path.to_string_lossy()).await;
    app.wait_for("#import-preview:not([hidden]) #import-columns")
        .await;
}

/// Clicks "Importar" (brought to the middle of the window first: at the window's bottom edge a
/// WebDriver click was seen to land outside the page).
async fn run_import(app: &App) {
    app.js("document.querySelector('#import-run').scrollIntoView({ block: 'center' })")
        .await;
    app.click("#import-run").await;
}

#[tokio::test]
async fn a_csv_export_is_previewed_remapped_imported_and_reimported_without_duplicates() {
    let sb = Sandbox::new();
    drop(open_store_always_open(&sb));
    let reports = sb.root().join("informes");
    let app = App::launch(
        sb,
        Options::new().env("FIDELIA_REPORTS_DIR", reports.to_string_lossy()),
    )
    .await;

    // The preview: what Fidelia understood.
    choose_file(&app).await;
    assert_eq!(app.value("#import-encoding").await, "windows-1252");
    assert_eq!(
        app.js("const s = document.querySelector('#import-encoding'); return s.options[s.selectedIndex].textContent;")
            .await,
        "Windows-1252"
    );
    assert_eq!(app.value("#import-separator").await, ";");
    assert_eq!(app.count("#import-columns tbody tr[data-column]").await, 20);
    let consent = format!("#import-columns tr[data-column='{CONSENT_COLUMN}']");
    assert!(app.text(&consent).await.contains("Acepta publicidad"));
    assert_eq!(
        app.value(&format!("{consent} select.import-field")).await,
        "consentCommercial"
    );
    // What an import would do: line 13's "Quizá" is not a yes or a no.
    app.wait_for("#import-preview-rejected li[data-line='13']")
        .await;
    assert!(app
        .text("#import-would")
        .await
        .contains("Clientes: 2 creados, 0 actualizados, 0 sin cambios"));

    // The clinic decides that column means nothing to Fidelia: the preview runs again.
    // (Not `ui::choose`: the preview re-renders the select at once, so its value is read from
    // the new row below.)
    app.wait_for(&format!("{consent} select.import-field"))
        .await
        .select_by_value("ignore")
        .await
        .expect("choosing «(no importar)»");
    app.wait_for("#import-mapping-source[data-source=given]")
        .await;
    app.wait_for(&format!("{consent}[data-field=ignore]")).await;
    app.wait_gone("#import-preview-rejected li[data-line='13']")
        .await;
    app.wait_for_text(
        "#import-would",
        "Clientes: 3 creados, 0 actualizados, 0 sin cambios",
    )
    .await;

    // Import, and read the report.
    run_import(&app).await;
    app.wait_for("#import-report:not([hidden]) #import-rejected li")
        .await;
    let report = app.text("#import-report").await;
    assert!(
        report.contains("Clientes: 3 creados, 0 actualizados, 0 sin cambios"),
        "{report}"
    );
    assert!(report.contains("Visitas: 3 creados"), "{report}");
    let lines: Vec<String> = {
        let mut v = Vec::new();
        for e in app.find_all("#import-rejected li[data-line]").await {
            v.push(e.attr("data-line").await.unwrap().unwrap_or_default());
        }
        v
    };
    assert_eq!(lines, ["3", "4", "5", "6", "7", "8", "9", "10"]);
    assert!(app
        .text("#import-rejected li[data-line='3']")
        .await
        .starts_with("línea 3, columna Fecha visita: Esa fecha no existe"));
    assert!(app
        .text("#import-rejected li[data-line='5']")
        .await
        .contains("El teléfono no puede llevar letras"));
    assert!(app
        .text("#import-rejected li[data-line='9']")
        .await
        .contains("más columnas"));
    assert!(app.exists("#import-report-csv").await);
    if std::env::var_os("FIDELIA_SCREENSHOTS").is_some() {
        tokio::time::sleep(Duration::from_millis(800)).await;
        app.window_screenshot(workspace_dir().join("docs/screenshots/import.png"))
            .await;
    }

    // The clients are in Fidelia.
    app.type_into("#search", "gomez").await;
    app.wait_for_text("#search-results", "Lucía Gómez Ruiz")
        .await;
    app.press("#search", Key::Escape).await;

    // Next week, the same file again: the remembered mapping, nothing created.
    choose_file(&app).await;
    app.wait_for("#import-mapping-source[data-source=remembered]")
        .await;
    app.wait_for(&format!("{consent}[data-field=ignore]")).await;
    run_import(&app).await;
    app.wait_for("#import-report:not([hidden]) #import-rejected li")
        .await;
    let again = app
        .wait_for_text("#import-report", "Clientes: 0 creados")
        .await;
    assert!(
        again.contains("Clientes: 0 creados, 0 actualizados, 3 sin cambios"),
        "{again}"
    );
    assert!(again.contains("Visitas: 0 creados"), "{again}");

    // The report saved as CSV, where the window says.
    app.click("#import-report-csv").await;
    let saved = app
        .wait_for_text("#import-status", "Informe guardado en")
        .await;
    let file = std::fs::read_dir(&reports)
        .expect("the reports folder")
        .flatten()
        .next()
        .expect("a report file")
        .path();
    assert!(saved.contains(&*file.to_string_lossy()), "{saved}");
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.starts_with('\u{feff}'), "UTF-8 with BOM, for Excel");
    app.close().await;
}

/// Waits up to `secs` for an element matching `css` to contain `needle` (a large file takes
/// longer than the usual wait).
async fn wait_long(app: &App, css: &str, needle: &str, secs: u64) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(t) = app
            .texts(css)
            .await
            .into_iter()
            .find(|t| t.contains(needle))
        {
            return t;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "waited {secs} s for {css:?} to contain {needle:?}: {:?}",
            app.texts(css).await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A file far over what a window once took (50 MB) is handed over in parts and imported: its
/// clients are found, and the copy handed over is deleted once the import is done.
#[tokio::test]
async fn a_file_of_sixty_megabytes_is_imported_through_the_window() {
    let sb = Sandbox::new();
    drop(open_store_always_open(&sb));
    // 22,000 visits of 2,750 clients, each row with a long attachment column Fidelia ignores.
    let rows = 22_000;
    let attachment = "x".repeat(2_700);
    let mut csv = String::from(
        "Cód. Cliente;Nombre;Apellidos;Teléfono;Nº Mascota;Mascota;Especie;Nº Visita;Fecha visita;Motivo;Adjunto\r\n",
    );
    for i in 0..rows {
        let (c, p) = (i / 8, i / 4);
        csv.push_str(&format!(
            "G{c:05};Grande;Archivo{c};6{c:08};GM{p:06};Bolita {p};Perro;GV{i:07};{:02}/{:02}/2024 10:00;Revisión;{attachment}\r\n",
            1 + i % 28,
            1 + i % 12
        ));
    }
    let path = sb.root().join("exportacion-grande.csv");
    std::fs::write(&path, csv).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size > 60_000_000, "{size} bytes");
    let app = App::launch(sb, Options::new()).await;

    app.click("nav button[data-view=settings]").await;
    app.click("#open-import").await;
    app.wait_for("#import h1").await;
    app.send_keys("#import-file", &path.to_string_lossy()).await;
    wait_long(&app, "#import-would", "Clientes:", 60).await;
    run_import(&app).await;
    let report = wait_long(&app, "#import-report", "Visitas: 22.000 creados", 120).await;
    // (Spanish groups thousands from five digits on: 2750, 22.000.)
    assert!(report.contains("Clientes: 2750 creados"), "{report}");
    let staged = app.db_path().with_file_name("importacion-en-curso.csv");
    assert!(!staged.exists(), "the copy handed over is deleted");

    app.type_into("#search", "archivo2749").await;
    app.wait_for_text("#search-results", "Grande Archivo2749")
        .await;
    app.close().await;
}
