//! The installed package (issue 15): `scripts/test-package.sh` installs the .deb and runs this
//! (ignored) test with `FIDELIA_APP_BIN=/usr/bin/fidelia-app FIDELIA_CLI_BIN=/usr/bin/fidelia`.
//! The installed app opens its window on a fresh data folder, on the demo clinic; the installed
//! CLI reads the same database; a picture of the window is kept for the report.

use fidelia_e2e::App;

#[tokio::test]
#[ignore = "needs the installed package; run with scripts/test-package.sh"]
async fn the_installed_app_opens_on_a_fresh_data_folder() {
    let app_bin = std::env::var("FIDELIA_APP_BIN").expect("FIDELIA_APP_BIN: the installed app");
    assert!(
        app_bin.starts_with("/usr/"),
        "the installed binary, not a build: {app_bin}"
    );
    let app = App::start().await;
    assert_eq!(app.title().await, "Fidelia");
    app.wait_for("#search").await;
    app.wait_for_text(".demo-banner", "Datos de demostración")
        .await;
    let info = app.cli_ok(&["info"]);
    assert!(
        info.contains("(demo)"),
        "the installed CLI reads the app's clinic: {info}"
    );
    assert!(
        info.contains(&app.db_path().display().to_string()),
        "{info}"
    );
    if let Ok(out) = std::env::var("FIDELIA_PACKAGE_SHOT") {
        // Home drawn (its heading), then a moment for the X picture to catch up with the page.
        app.wait_for("#view h1").await;
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        app.x_screenshot(&out);
    }
    app.close().await;
}
