//! Screenshots for the docs: `scripts/screenshots.sh` runs this (ignored) test.
//!
//! Writes `docs/screenshots/main.png` (home with search) and `docs/screenshots/client.png`
//! (a client page of the demo clinic).

use fidelia_e2e::{workspace_dir, App, Key};
use std::time::Duration;

#[tokio::test]
#[ignore = "writes docs/screenshots; run with scripts/screenshots.sh"]
async fn docs_screenshots() {
    let out = workspace_dir().join("docs").join("screenshots");
    std::fs::create_dir_all(&out).expect("create docs/screenshots");

    let app = App::start().await;
    app.wait_for("#search").await;
    // Let fonts and the demo data settle before the first picture.
    tokio::time::sleep(Duration::from_millis(800)).await;
    app.window_screenshot(out.join("main.png")).await;

    app.type_into("#search", "nu").await;
    app.wait_for("#search-results li[role=option][data-client-id]")
        .await;
    app.press("#search", Key::Down).await;
    app.press("#search", Key::Enter).await;
    app.wait_for("#client-page").await;
    app.wait_for("h1.client-name").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    app.window_screenshot(out.join("client.png")).await;

    for name in ["main.png", "client.png"] {
        let p = out.join(name);
        let len = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
        assert!(len > 1000, "{} looks empty ({len} bytes)", p.display());
        println!("wrote {}", p.display());
    }
    app.close().await;
}
