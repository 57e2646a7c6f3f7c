//! Ajustes → Varios PCs: the receptionist types the main PC's server database and tests the
//! connection; the window says in plain Spanish what it found, against a real PostgreSQL (the
//! throwaway cluster `scripts/test.sh` starts: `FIDELIA_TEST_PG`).

use fidelia_e2e::{ui, App};

/// (host, port, user, password) of the test server; `None` outside CI without one.
fn test_server() -> Option<(String, String, String, String)> {
    parts(&fidelia_store::server::test_server()?)
}

/// With `FIDELIA_SCREENSHOTS`: the window's page, `css` in the middle of it, as
/// docs/screenshots/`name`. WebKit's own picture of the page (dialogs included): a capture of
/// the X display showed a frame from before the page loaded for the windows of two PCs.
async fn shot(app: &App, css: &str, name: &str) {
    if std::env::var_os("FIDELIA_SCREENSHOTS").is_none() {
        return;
    }
    app.js(&format!(
        "document.querySelector('{css}').scrollIntoView({{block: 'center'}});"
    ))
    .await;
    // The second window of a desktop repaints late: its last changes take a moment to show.
    tokio::time::sleep(std::time::Duration::from_millis(2000)).await;
    app.screenshot(
        fidelia_e2e::workspace_dir()
            .join("docs/screenshots")
            .join(name),
    )
    .await;
}

/// (host, port, user, password) of a server URL.
fn parts(url: &str) -> Option<(String, String, String, String)> {
    // postgres://user:password@host:port/database
    let rest = url.strip_prefix("postgres://").expect("a postgres:// URL");
    let (credentials, place) = rest.rsplit_once('@').unwrap();
    let (user, password) = credentials.split_once(':').unwrap();
    let (host_port, _) = place.split_once('/').unwrap();
    let (host, port) = host_port.rsplit_once(':').unwrap();
    Some((host.into(), port.into(), user.into(), password.into()))
}

/// A new database `name` on the test server (made off the test's async runtime, as the
/// synchronous driver needs), open every hour, with what `seed` writes in it: its URL and
/// what `seed` returned; `None` outside CI without a server.
async fn seeded<T: Send + 'static>(
    name: &str,
    seed: impl FnOnce(&fidelia_ops::Clinic) -> T + Send + 'static,
) -> Option<(String, T)> {
    let name = format!("{name}_{}", std::process::id());
    tokio::task::spawn_blocking(move || {
        let url = fidelia_store::server::test_database(&name)?;
        let store = fidelia_ops::Clinic::open_at(&fidelia_ops::Location::Server(url.clone()))
            .expect("the server opens");
        fidelia_e2e::seed::always_open(&store);
        let seeded = seed(&store);
        Some((url, seeded))
    })
    .await
    .unwrap()
}

/// Two windows (two data folders, two desktops) on the server database at `url`.
async fn two_pcs(url: &str) -> (App, App) {
    let on_server = fidelia_e2e::Options::new().arg("--db").arg(url);
    tokio::join!(
        App::start_with(on_server.clone()),
        App::start_with(on_server)
    )
}

/// Ajustes → Varios PCs on the demo clinic: the connection tested on an empty server
/// database, "Mover los datos de este PC al servidor", and the window works on the server (the
/// CLI finds the 300 clients there; a client saved in the window is there). The test's
/// desktop has no credential store: the window says the password will be asked, and after a
/// restart it asks for it, and opens the clinic from the server.
#[tokio::test]
async fn the_clinic_moves_to_the_server_from_the_window() {
    // The synchronous client outside the test's async runtime.
    let made = tokio::task::spawn_blocking(|| {
        fidelia_store::server::test_database(&format!("fidelia_window_{}", std::process::id()))
    });
    let Some(url) = made.await.unwrap() else {
        return;
    };
    let (host, port, user, password) = parts(&url).unwrap();
    let database = url.rsplit_once('/').unwrap().1.to_string();
    let mut app = App::start().await;
    app.click("nav button[data-view=settings]").await;
    app.wait_for("#server").await;
    app.js("document.querySelector('#server').scrollIntoView({ block: 'center' })")
        .await;
    app.type_into("#serverHost", &host).await;
    app.type_into("#serverPort", &port).await;
    app.type_into("#serverDatabase", &database).await;
    app.type_into("#serverUser", &user).await;
    app.type_into("#serverPassword", &password).await;
    app.click("#server-test").await;
    app.wait_for_text("#server-result", "está vacía").await;
    app.click("#server-move").await;
    app.click("#confirm-ok").await;
    app.wait_for_text(
        "#server-outcome",
        "Los datos de la clínica están ahora en el servidor",
    )
    .await;
    let outcome = app.text("#server-outcome").await;
    assert!(outcome.contains("comprobados"), "{outcome}");
    assert!(
        outcome.contains("pedirá la contraseña"),
        "no credential store here: {outcome}"
    );
    shot(&app, "#server", "server-moved.png").await;
    let current = app.text("#server-current").await;
    assert!(
        current.contains(&format!("{user}@{host}:{port}/{database}")),
        "{current}"
    );
    assert!(
        !current.contains(&password),
        "the password is never shown: {current}"
    );

    // The server holds the clinic; what the window saves now goes there.
    let info = app.cli_ok(&["--db", &url, "info"]);
    assert!(info.contains("clients:  300"), "{info}");
    app.click("nav button[data-view=clients]").await;
    app.click("#new-client").await;
    app.wait_for(&ui::dialog("client")).await;
    app.type_into(&ui::input("client", "firstName"), "Servidora")
        .await;
    app.type_into(&ui::input("client", "surnames"), "Prueba")
        .await;
    app.type_into(&ui::input("client", "phone1"), "612 345 678")
        .await;
    ui::save_ok(&app, "client").await;
    app.wait_for_text("#client-page h1.client-name", "Servidora Prueba")
        .await;
    let info = app.cli_ok(&["--db", &url, "info"]);
    assert!(info.contains("clients:  301"), "{info}");

    // Opened again: no credential store, so the window asks for the server's password.
    app.restart().await;
    app.wait_for("#serverStartPassword").await;
    shot(&app, "#server-start", "server-password.png").await;
    app.type_into("#serverStartPassword", "otra").await;
    app.click("#server-connect").await;
    app.wait_for_text(
        "#server-start-result",
        "no acepta ese usuario o esa contraseña",
    )
    .await;
    app.type_into("#serverStartPassword", &password).await;
    app.click("#server-connect").await;
    // The window reloaded on the server's clinic: its home, then a search.
    app.wait_for("#view .view-home").await;
    app.type_into("#search", "Servidora").await;
    app.wait_for_text("#search-results", "Servidora Prueba")
        .await;
    app.close().await;
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
    shot(&app, "#server", "server.png").await;

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

/// Two PCs of one clinic on one server database (two windows, two data folders, two desktops):
/// the vet in room 2 records a surgery, and the reception's agenda, open on the week, shows its
/// follow-up call within 2 seconds, without anyone touching it.
#[tokio::test]
async fn what_one_pc_saves_the_other_shows_within_two_seconds() {
    use fidelia_e2e::seed::{client_with_dog, form_date_time, vet};
    use fidelia_e2e::ui::{choose, dialog, input, save_ok};

    let made = seeded("fidelia_two_pcs", |store| {
        let elena = vet(store, "Dra. Elena Ruiz");
        let (client, _) = client_with_dog(store, "María", "Núñez", "Luna");
        (elena, client)
    });
    let Some((url, (elena, client))) = made.await else {
        return;
    };
    let (reception, room) = two_pcs(&url).await;

    // Reception keeps the week's agenda open: nothing to call yet.
    reception.click("nav button[data-view=agenda]").await;
    reception.click("#range-week").await;
    reception.wait_for("#range-week[aria-pressed=true]").await;
    assert_eq!(reception.count("#agenda-calls li.call-item").await, 0);

    // Room 2: this morning's surgery on María's dog.
    room.type_into("#search", "nunez").await;
    room.click(&format!(
        "#search-results li[data-client-id='{}']",
        client.id.0
    ))
    .await;
    room.wait_for_text("#client-page h1.client-name", "María Núñez")
        .await;
    room.click("#add-visit").await;
    room.wait_for(&dialog("visit")).await;
    let (date, time) = form_date_time(chrono::Utc::now() - chrono::Duration::hours(1));
    room.type_into(&input("visit", "date"), &date).await;
    room.type_into(&input("visit", "time"), &time).await;
    choose(&room, &input("visit", "kind"), "cirugia").await;
    choose(&room, &input("visit", "severity"), "grave").await;
    choose(&room, &input("visit", "staffId"), &elena.id.0.to_string()).await;
    room.type_into(&input("visit", "reason"), "Castración")
        .await;
    save_ok(&room, "visit").await;
    let saved = std::time::Instant::now();

    reception
        .wait_for_text("#agenda-calls li.call-item", "María Núñez")
        .await;
    let shown = saved.elapsed();
    assert!(
        shown < std::time::Duration::from_secs(2),
        "the other PC's call showed after {shown:?}"
    );
    assert!(reception
        .text("#agenda-calls li.call-item")
        .await
        .contains("Dra. Elena Ruiz"));
    reception.close().await;
    room.close().await;
}

/// Two PCs on one server, each with its own notification service: the vet Elena's PC and the
/// reception PC. A due call of Elena's is notified on her PC only; a call of Luis, who uses no
/// running PC, on the reception PC only; each once.
#[tokio::test]
async fn a_due_call_is_notified_on_its_persons_pc_or_at_reception() {
    use fidelia_e2e::seed::{client_with_dog, surgery, vet};
    use fidelia_e2e::Options;
    use fidelia_ops::pc::Seat;

    let made = seeded("fidelia_notices", |store| {
        let elena = vet(store, "Dra. Elena Ruiz");
        let luis = vet(store, "Dr. Luis Gil");
        // Both PCs said a moment ago that they run, as each pass does (so neither start-up
        // pass takes the other's call before the other PC has said so).
        for (id, staff, reception) in [
            ("consulta-1", Some(elena.id), false),
            ("recepcion", None, true),
        ] {
            let seat = Seat {
                id: id.into(),
                staff,
                reception,
            };
            store.claim_calls_for(&seat, chrono::Utc::now()).unwrap();
        }
        let (_, luna) = client_with_dog(store, "María", "Núñez", "Luna");
        let (_, kira) = client_with_dog(store, "Pedro", "Ruiz", "Kira");
        surgery(store, luna.id, Some(elena.id), 13);
        surgery(store, kira.id, Some(luis.id), 13);
        elena
    });
    let Some((url, elena)) = made.await else {
        return;
    };
    // Each PC's own configuration: its id, who uses it, whether it is the reception PC.
    let pc = |id: &str, files: &[(&str, String)]| {
        let dir = std::env::temp_dir().join(format!("fidelia-pc-{id}-{}", std::process::id()));
        let conf = dir.join("config").join(fidelia_ops::APP_ID);
        std::fs::create_dir_all(&conf).unwrap();
        std::fs::write(conf.join("pc-id.txt"), id).unwrap();
        for (name, text) in files {
            std::fs::write(conf.join(name), text).unwrap();
        }
        Options::new()
            .arg("--db")
            .arg(url.clone())
            .env("FIDELIA_SCHEDULER_SECS", "1")
            .with_notify_server()
            .data_from(dir)
    };
    let (room, desk) = tokio::join!(
        App::start_with(pc("consulta-1", &[("pc-user.txt", elena.id.0.to_string())])),
        App::start_with(pc("recepcion", &[("pc-reception.txt", "1".into())]))
    );
    let calls = |app: &App| {
        app.notifications()
            .notes()
            .into_iter()
            .filter(|n| n.summary == "Llamada de seguimiento pendiente")
            .map(|n| n.body)
            .collect::<Vec<_>>()
    };
    let wait = |app: &App| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while calls(app).is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    };
    wait(&room);
    wait(&desk);
    // A few more passes: nothing is shown twice, nor on the other PC.
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    assert_eq!(
        calls(&room),
        ["María Núñez · Luna — para: Dra. Elena Ruiz"],
        "Elena's PC shows her call, once"
    );
    assert_eq!(
        calls(&desk),
        ["Pedro Ruiz · Kira — para: Dr. Luis Gil"],
        "reception shows the call of Luis, who uses no PC, once"
    );
    // Ajustes → Este equipo says which PC is the reception one, and a tick makes one so.
    async fn ticked(app: &App) -> bool {
        app.click(".mainnav button[data-view=settings]").await;
        app.wait_for("#pc-reception").await;
        app.js("return document.querySelector('#pc-reception').checked")
            .await
            .as_bool()
            .unwrap()
    }
    assert!(ticked(&desk).await, "the reception PC says so");
    assert!(!ticked(&room).await);
    room.click("#pc-reception").await;
    room.wait_for_text("#toast", "Guardado").await;
    let file = room
        .config_dir()
        .join(fidelia_ops::APP_ID)
        .join("pc-reception.txt");
    assert_eq!(std::fs::read_to_string(&file).unwrap().trim(), "1");
    shot(&room, "#pc-reception", "pc-reception.png").await;
    room.close().await;
    desk.close().await;
}

/// A throwaway cluster of its own (this test stops and starts it), removed when dropped.
struct Cluster {
    dir: String,
    url: String,
}

impl Cluster {
    fn start() -> Option<Cluster> {
        fidelia_store::server::test_server()?;
        let out = std::process::Command::new("bash")
            .arg(fidelia_e2e::workspace_dir().join("scripts/pg-cluster.sh"))
            .arg("start")
            .output()
            .expect("scripts/pg-cluster.sh runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let value = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{key}=")))
                .unwrap()
                .to_string()
        };
        Some(Cluster {
            dir: value("FIDELIA_TEST_PG_DIR"),
            url: value("FIDELIA_TEST_PG"),
        })
    }

    fn run(&self, verb: &str) {
        let out = std::process::Command::new("bash")
            .arg(fidelia_e2e::workspace_dir().join("scripts/pg-cluster.sh"))
            .args([verb, &self.dir])
            .output()
            .expect("scripts/pg-cluster.sh runs");
        assert!(
            out.status.success(),
            "{verb}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.run("stop");
    }
}

/// The clinic's server stops while two PCs work: both windows say so within seconds, a new
/// client being typed stays in its form and its save says the server does not answer, nothing
/// is half-saved; the server back, both windows drop the warning by themselves and the same
/// save goes through.
#[tokio::test]
async fn when_the_server_stops_both_windows_say_so_and_come_back() {
    use fidelia_e2e::seed::always_open;
    use fidelia_ops::{Clinic, Location};

    let made = tokio::task::spawn_blocking(|| {
        let cluster = Cluster::start()?;
        let store = Clinic::open_at(&Location::Server(cluster.url.clone())).expect("it opens");
        always_open(&store);
        Some(cluster)
    });
    let Some(cluster) = made.await.unwrap() else {
        return;
    };
    let (a, b) = two_pcs(&cluster.url).await;
    a.click("nav button[data-view=clients]").await;
    a.click("#new-client").await;
    a.wait_for(&ui::dialog("client")).await;
    a.type_into(&ui::input("client", "firstName"), "Caída")
        .await;
    a.type_into(&ui::input("client", "surnames"), "Del Servidor")
        .await;
    a.type_into(&ui::input("client", "phone1"), "612 345 678")
        .await;

    let cluster = tokio::task::spawn_blocking(move || {
        cluster.run("pause");
        cluster
    })
    .await
    .unwrap();
    for app in [&a, &b] {
        app.wait_for_text("#server-down:not([hidden])", "Sin conexión con el servidor")
            .await;
    }
    ui::submit(&a, "client").await;
    a.wait_for_text(&ui::form_error("client"), "No se puede llegar al servidor")
        .await;
    assert_eq!(
        a.value(&ui::input("client", "firstName")).await,
        "Caída",
        "what was typed stays"
    );
    shot(&a, "#server-down", "server-down.png").await;

    let cluster = tokio::task::spawn_blocking(move || {
        cluster.run("resume");
        cluster
    })
    .await
    .unwrap();
    for app in [&a, &b] {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        while app.attr("#server-down", "hidden").await.is_none() {
            assert!(
                std::time::Instant::now() < deadline,
                "the warning stayed after the server came back"
            );
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }
    ui::save_ok(&a, "client").await;
    a.wait_for_text("#client-page h1.client-name", "Caída Del Servidor")
        .await;
    b.type_into("#search", "caida").await;
    b.wait_for_text("#search-results", "Caída Del Servidor")
        .await;
    a.close().await;
    b.close().await;
    drop(cluster);
}

/// Two people, one call: the reception and the vet open the same due call on two PCs; the vet
/// records "better" first; the reception's "no answer", made on what it showed before, is
/// refused with "Otra persona acaba de cambiar esta llamada", its screen shows the call as it
/// is now (done) and keeps the notes typed; the call holds the vet's outcome only.
#[tokio::test]
async fn two_pcs_record_the_same_call_and_the_second_is_told() {
    use fidelia_e2e::seed::{client_with_dog, surgery, vet};

    let made = seeded("fidelia_one_call", |store| {
        let elena = vet(store, "Dra. Elena Ruiz");
        let (_, luna) = client_with_dog(store, "María", "Núñez", "Luna");
        surgery(store, luna.id, Some(elena.id), 13);
    });
    let Some((url, ())) = made.await else {
        return;
    };
    let (vet_pc, desk) = two_pcs(&url).await;
    for app in [&vet_pc, &desk] {
        app.click("nav button[data-view=agenda]").await;
        app.click("#range-week").await;
        app.wait_for_text("#agenda-calls li.call-item", "María Núñez")
            .await;
        app.click("#agenda-calls li.call-item button[data-action=open-call]")
            .await;
        app.wait_for("#call-page").await;
    }
    vet_pc
        .type_into("#call-notes", "Come bien, sin fiebre")
        .await;
    vet_pc.click("#call-page button[data-outcome=mejor]").await;
    vet_pc.wait_for_text("#call-status", "Realizada").await;

    desk.type_into("#call-notes", "Sin respuesta al primer intento")
        .await;
    desk.click("#call-page button[data-outcome=no_contesta]")
        .await;
    desk.wait_for_text(
        "#call-conflict",
        "Otra persona acaba de cambiar esta llamada",
    )
    .await;
    assert_eq!(
        desk.text("#call-status").await,
        "Realizada",
        "the call as it is now"
    );
    assert_eq!(
        desk.value("#call-notes").await,
        "Sin respuesta al primer intento",
        "what was typed is kept"
    );
    // The call holds the vet's outcome alone: one attempt.
    assert_eq!(desk.count("#call-attempts li").await, 1);
    assert!(desk.text("#call-attempts").await.contains("Come bien"));
    shot(&desk, "#call-conflict", "call-conflict.png").await;
    vet_pc.close().await;
    desk.close().await;
}

/// Two people, one pet: reception and the vet open Luna's form on two PCs; the vet saves a
/// note first; reception's change of breed, made on what its form showed before, is refused
/// with "Otra persona acaba de cambiar los datos de esta mascota", its form takes the vet's
/// note and shows under the breed what was typed there; saved again, both changes stay.
#[tokio::test]
async fn two_pcs_edit_the_same_pet_and_the_second_is_told() {
    use fidelia_e2e::seed::client_with_dog;

    let made = seeded("fidelia_one_pet", |store| {
        client_with_dog(store, "María", "Núñez", "Luna").1
    });
    let Some((url, luna)) = made.await else {
        return;
    };
    let (vet_pc, desk) = two_pcs(&url).await;
    let edit = format!(
        "#pets li.pet[data-pet-id='{}'] button[data-action=edit-pet]",
        luna.id.0
    );
    for app in [&vet_pc, &desk] {
        app.type_into("#search", "luna").await;
        app.wait_for_text("#search-results", "María Núñez").await;
        app.click("#search-results li[role=option][data-client-id]")
            .await;
        app.wait_for("#client-page").await;
        app.click(&edit).await;
        app.wait_for(&ui::dialog("pet")).await;
    }
    vet_pc
        .type_into(&ui::input("pet", "notes"), "Alérgica al pollo")
        .await;
    ui::save_ok(&vet_pc, "pet").await;

    desk.type_into(&ui::input("pet", "breed"), "Mestizo").await;
    ui::submit(&desk, "pet").await;
    desk.wait_for_text(
        &ui::form_error("pet"),
        "Otra persona acaba de cambiar los datos de esta mascota",
    )
    .await;
    assert_eq!(
        desk.value(&ui::input("pet", "notes")).await,
        "Alérgica al pollo",
        "the form shows the pet as it is now"
    );
    assert!(
        desk.text(&format!(
            "{} p.field-conflict[data-field=breed]",
            ui::dialog("pet")
        ))
        .await
        .contains("Mestizo"),
        "what was typed is shown"
    );
    shot(&desk, &ui::dialog("pet"), "pet-conflict.png").await;
    desk.type_into(&ui::input("pet", "breed"), "Mestizo").await;
    ui::save_ok(&desk, "pet").await;
    let now = tokio::task::spawn_blocking(move || {
        fidelia_ops::Clinic::open_at(&fidelia_ops::Location::Server(url))
            .unwrap()
            .pet(luna.id)
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        (now.data.notes.as_str(), now.data.breed.as_str()),
        ("Alérgica al pollo", "Mestizo"),
        "nothing lost"
    );
    vet_pc.close().await;
    desk.close().await;
}
