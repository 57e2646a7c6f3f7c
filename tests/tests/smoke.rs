//! The window opens, shows its title and the search field.

use fidelia_e2e::App;

#[tokio::test]
async fn window_opens_with_title_and_search() {
    let app = App::start().await;
    assert_eq!(app.title().await, "Fidelia", "document.title");
    app.wait_for("#search").await;
    app.close().await;
}
