//! Ajustes → Varios PCs: the receptionist types the main PC's server database and tests the
//! connection; the window says in plain Spanish what it found, against a real PostgreSQL (the
//! throwaway cluster `scripts/test.sh` starts: `FIDELIA_TEST_PG`).

use fidelia_e2e::App;

/// (host, port, user, password) of the test server; `None` outside CI without one.
fn test_server() -> Option<(String, String, String, String)> {
    let url = fidelia_store::server::test_server()?;
    // postgres://user:password@host:port/database
    let rest = url.strip_prefix("postgres://").expect("a postgres:// URL");
    let (credentials, place) = rest.rsplit_once('@').unwrap();
    let (user, password) = credentials.split_once(':').unwrap();
    let (host_port, _) = place.split_once('/').unwrap();
    let (host, port) = host_port.rsplit_once(':').unwrap();
    Some((host.into(), port.into(), user.into(), password.into()))
}

#[tokio::test]
async fn testing_the_server_connection_says_what_was_found() {
    let Some((host, port, user, password)) = test_server() else {
        return;
    };
    let app = App::start().await;
    app.click("nav button[data-view=settings]").await;
    app.wait_for("#server").await;
    app.js("document.querySelector('#server').scrollIntoView({ block: 'center' })")
        .await;
    app.type_into("#serverHost", &host).await;
    app.type_into("#serverPort", &port).await;
    // The cluster's own database: no tables, ready to receive a clinic.
    app.type_into("#serverDatabase", "postgres").await;
    app.type_into("#serverUser", &user).await;
    app.type_into("#serverPassword", &password).await;
    app.click("#server-test").await;
    app.wait_for_text(
        "#server-result",
        "Conexión correcta: la base de datos está vacía",
    )
    .await;
    if std::env::var_os("FIDELIA_SCREENSHOTS").is_some() {
        // The card's title just below the window's header.
        app.js("const c = document.querySelector('#server'); window.scrollBy(0, c.getBoundingClientRect().top - 90);")
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        app.window_screenshot(fidelia_e2e::workspace_dir().join("docs/screenshots/server.png"))
            .await;
    }

    app.type_into("#serverPassword", "otra").await;
    app.click("#server-test").await;
    app.wait_for_text("#server-result", "no acepta ese usuario o esa contraseña")
        .await;

    app.type_into("#serverPassword", &password).await;
    app.type_into("#serverDatabase", "no_existe").await;
    app.click("#server-test").await;
    app.wait_for_text("#server-result", "ninguna base de datos con ese nombre")
        .await;

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    app.type_into("#serverPort", &closed.to_string()).await;
    app.click("#server-test").await;
    app.wait_for_text("#server-result", "No se puede llegar al servidor")
        .await;
    // The window kept what was typed.
    assert_eq!(app.value("#serverHost").await, host);
    app.close().await;
}
