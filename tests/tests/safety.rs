//! Nothing lost, nobody let in (issue 13), through the window: the log and Ajustes →
//! Diagnóstico.
//!
//! Run: `cargo test -p fidelia-e2e --test safety`.

use fidelia_e2e::App;

/// The app writes its log to the app's log folder from the first second (issue 13, defect 1:
/// no logger was installed), and Ajustes → Diagnóstico says where it is, shows its last lines
/// and runs the database's full check.
#[tokio::test]
async fn the_log_is_written_and_shown_in_diagnostics() {
    let app = App::start().await;
    app.wait_for("#search").await;
    let dir = app.sandbox().app_log_dir();
    let file = fidelia_ops::logging::newest_file(&dir)
        .unwrap_or_else(|| panic!("no log file in {}", dir.display()));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("app ") && text.contains("started"), "{text}");

    app.click(".mainnav button[data-view=settings]").await;
    app.wait_for("#diagnostics").await;
    assert_eq!(app.text("#log-dir").await, dir.display().to_string());
    app.click("#diagnostics details.log-lines summary").await;
    app.wait_for_text("#log-lines", "started").await;
    app.click("#integrity-check").await;
    app.wait_for_text("#integrity-result", "no encontró ningún problema")
        .await;
    app.close().await;
}
