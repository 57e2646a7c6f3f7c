//! The foundation's records, end to end, as a receptionist uses them: new client and pet, search
//! (accents, phone digits), a visit on the timeline, a form refused for an impossible date (and
//! nothing typed or saved lost), the language switch, client data never run as HTML, and the
//! client form's phone check.
//!
//! Each test gets its own app on a fresh demo clinic (see `fidelia_e2e::App`).
//! Run: `cargo test -p fidelia-e2e --test records -- --test-threads=1`.

use fidelia_e2e::ui::{
    choose, dialog, field_error, form_error, input, save_ok, submit, wait_value,
};
use fidelia_e2e::{App, Key};
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// Helpers: what a receptionist does, in a few words
// ---------------------------------------------------------------------------------------------

/// Fills the new-client form (the dialog must be open) with a name and a phone.
async fn fill_client(app: &App, first: &str, surnames: &str, phone: &str) {
    app.wait_for(&dialog("client")).await;
    app.type_into(&input("client", "firstName"), first).await;
    app.type_into(&input("client", "surnames"), surnames).await;
    app.type_into(&input("client", "phone1"), phone).await;
}

/// From any view with `#new-client`: creates a client; returns its id once its page is open.
async fn new_client(app: &App, first: &str, surnames: &str, phone: &str) -> String {
    app.click("#new-client").await;
    fill_client(app, first, surnames, phone).await;
    save_ok(app, "client").await;
    // A new client's page opens by itself.
    let full = format!("{first} {surnames}");
    let heading = app
        .wait_for_text("#client-page h1.client-name", &full)
        .await;
    assert_eq!(heading, full, "the page opened is the new client's");
    app.attr("#client-page", "data-client-id")
        .await
        .expect("#client-page has data-client-id")
}

/// On a client page: adds a pet and waits for it in `#pets`.
async fn add_pet(app: &App, name: &str, species: &str) {
    app.click("#add-pet").await;
    app.wait_for(&dialog("pet")).await;
    app.type_into(&input("pet", "name"), name).await;
    choose(app, &input("pet", "species"), species).await;
    save_ok(app, "pet").await;
    app.wait_for_text("#pets li.pet .pet-name", name).await;
}

/// Types `query` in the top search box and waits for client `id` among the results.
async fn search_finds(app: &App, query: &str, id: &str) {
    app.type_into("#search", query).await;
    app.wait_for(&format!(
        "#search-results li[role=option][data-client-id=\"{id}\"]"
    ))
    .await;
    assert_eq!(app.value("#search").await, query);
}

/// With the results open, moves the highlight with ArrowDown to client `id` and presses Enter.
async fn open_hit_with_keyboard(app: &App, id: &str) {
    for _attempt in 0..5 {
        // A late answer for an earlier keystroke may redraw the list (and reset the highlight):
        // find her place, walk down to it, and only press Enter once she is the highlighted one.
        let ids = app
            .js("return [...document.querySelectorAll('#search-results li[role=option]')].map(li => li.dataset.clientId)")
            .await;
        let ids: Vec<String> = ids
            .as_array()
            .expect("an array of ids")
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect();
        let pos = ids
            .iter()
            .position(|x| x == id)
            .unwrap_or_else(|| panic!("client {id} not among the results {ids:?}"));
        eprintln!(
            "[records] results {ids:?}: client {id} is number {}",
            pos + 1
        );
        let e = app.wait_for("#search").await;
        let mut selected = String::new();
        for _ in 0..=pos {
            e.send_keys(&Key::Down.to_string())
                .await
                .expect("ArrowDown");
        }
        if let Some(li) = app
            .find_all("#search-results li[role=option][aria-selected=true]")
            .await
            .first()
        {
            selected = li
                .attr("data-client-id")
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
        }
        if selected == id {
            app.press("#search", Key::Enter).await;
            return;
        }
        // Highlight elsewhere (the list was redrawn): start again from the top.
        app.press("#search", Key::Escape).await;
        app.click("#search").await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("could not highlight client {id} in the search results");
}

// ---------------------------------------------------------------------------------------------
// 1. New client with her dog, found by search (accents ignored, phone digits)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn new_client_and_pet_are_found_by_search() {
    let app = App::start().await;
    let id = new_client(&app, "María", "Núñez", "612 345 678").await;
    assert_eq!(app.text("#client-phones").await, "612 345 678");
    add_pet(&app, "Luna", "perro").await;
    let pet = app.wait_for_text("#pets li.pet", "Luna").await;
    assert!(pet.contains("Perro"), "Luna is a dog: {pet:?}");

    // Leave her page, then find her again without accents.
    app.click(".mainnav button[data-view=home]").await;
    app.wait_gone("#client-page").await;
    search_finds(&app, "nunez", &id).await;
    let hit = app
        .text(&format!(
            "#search-results li[role=option][data-client-id=\"{id}\"]"
        ))
        .await;
    assert!(hit.contains("María Núñez"), "hit shows her name: {hit:?}");
    assert!(hit.contains("612 345 678"), "hit shows her phone: {hit:?}");
    assert!(hit.contains("Luna"), "hit shows her pet: {hit:?}");

    open_hit_with_keyboard(&app, &id).await;
    app.wait_for(&format!("#client-page[data-client-id=\"{id}\"]"))
        .await;
    assert_eq!(app.text("h1.client-name").await, "María Núñez");
    app.wait_for_text("#pets li.pet .pet-name", "Luna").await;
    app.wait_gone("#search-results li[role=option]").await;
    assert_eq!(app.value("#search").await, "", "the search box is emptied");

    // Her phone, typed without spaces and only in part.
    search_finds(&app, "612345", &id).await;
    app.wait_for_text("#search-results li[role=option]", "María Núñez")
        .await;
    app.close().await;
}

// ---------------------------------------------------------------------------------------------
// 2. A visit on her page: in the visits table and on the timeline
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn visit_shows_in_visits_and_timeline() {
    let app = App::start().await;
    new_client(&app, "María", "Núñez", "612 345 678").await;
    add_pet(&app, "Luna", "perro").await;

    app.click("#add-visit").await;
    app.wait_for(&dialog("visit")).await;
    wait_value(
        &app,
        &input("visit", "petId"),
        &app.attr("#pets li.pet", "data-pet-id")
            .await
            .expect("pet id"),
    )
    .await;
    choose(&app, &input("visit", "kind"), "cirugia").await;
    choose(&app, &input("visit", "severity"), "grave").await;
    app.type_into(&input("visit", "reason"), "Castración").await;
    app.type_into(&input("visit", "amount"), "120,50").await;
    save_ok(&app, "visit").await;
    app.wait_for_text("#toast", "Guardado").await;

    let row = app.wait_for_text("#visits tbody tr", "Castración").await;
    for part in ["Luna", "Cirugía", "Grave", "120,50 €"] {
        assert!(row.contains(part), "the visit row shows {part:?}: {row:?}");
    }
    assert_eq!(app.count("#visits tbody tr").await, 1, "one visit");

    let entry = app
        .wait_for_text("#timeline li.timeline-entry[data-kind=visit]", "Castración")
        .await;
    for part in ["Visita", "Cirugía", "Luna"] {
        assert!(
            entry.contains(part),
            "the timeline entry shows {part:?}: {entry:?}"
        );
    }
    // Newest first: the visit (now) is above "Alta como cliente" (a moment earlier, or the same second).
    let kinds = app
        .js("return [...document.querySelectorAll('#timeline li.timeline-entry')].map(li => li.dataset.kind)")
        .await;
    let kinds: Vec<&str> = kinds
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        kinds.contains(&"client_created"),
        "the timeline keeps the client's start: {kinds:?}"
    );
    app.close().await;
}

// ---------------------------------------------------------------------------------------------
// 3. An impossible date: the dialog stays open, says why, keeps everything typed
// ---------------------------------------------------------------------------------------------

const DATE_IMPOSSIBLE: &str = "Esa fecha no existe (revise el día y el mes).";

#[tokio::test]
async fn impossible_date_keeps_what_was_typed_and_loses_nothing() {
    let app = App::start().await;
    new_client(&app, "María", "Núñez", "612 345 678").await;
    add_pet(&app, "Luna", "perro").await;

    // A first visit, saved: it must survive what follows.
    app.click("#add-visit").await;
    app.type_into(&input("visit", "reason"), "Revisión anual")
        .await;
    save_ok(&app, "visit").await;
    app.wait_for_text("#visits tbody tr", "Revisión anual")
        .await;

    // The visit form with 31/02/2026.
    app.click("#add-visit").await;
    app.wait_for(&dialog("visit")).await;
    let today = app.value(&input("visit", "date")).await;
    let now = app.value(&input("visit", "time")).await;
    choose(&app, &input("visit", "kind"), "cirugia").await;
    app.type_into(&input("visit", "reason"), "Castración").await;
    app.type_into(&input("visit", "amount"), "120,50").await;
    app.type_into(&input("visit", "date"), "31/02/2026").await;
    submit(&app, "visit").await;

    let msg = app
        .wait_for_text(&field_error("visit", "date"), "fecha")
        .await;
    assert_eq!(msg, DATE_IMPOSSIBLE);
    app.wait_for(&form_error("visit")).await;
    assert!(
        app.exists(&format!("{}[open]", dialog("visit"))).await,
        "the dialog stays open"
    );
    assert_eq!(
        app.attr(&input("visit", "date"), "aria-invalid")
            .await
            .as_deref(),
        Some("true")
    );
    assert_eq!(app.value(&input("visit", "date")).await, "31/02/2026");
    assert_eq!(app.value(&input("visit", "time")).await, now);
    assert_eq!(app.value(&input("visit", "reason")).await, "Castración");
    assert_eq!(app.value(&input("visit", "amount")).await, "120,50");
    assert_eq!(app.value(&input("visit", "kind")).await, "cirugia");
    assert_eq!(
        app.count(&format!("{} p.field-error", dialog("visit")))
            .await,
        1,
        "only the date is wrong"
    );

    // Fixed: saved, and the earlier visit is still there.
    app.type_into(&input("visit", "date"), &today).await;
    save_ok(&app, "visit").await;
    app.wait_for_text("#visits tbody tr", "Castración").await;
    let rows = app.texts("#visits tbody tr").await;
    assert_eq!(rows.len(), 2, "both visits: {rows:?}");
    assert!(
        rows.iter().any(|r| r.contains("Revisión anual")),
        "the first visit is kept: {rows:?}"
    );
    assert!(rows.iter().any(|r| r.contains("120,50 €")), "{rows:?}");
    assert_eq!(
        app.count("#timeline li.timeline-entry[data-kind=visit]")
            .await,
        2
    );

    // The pet form with a birth date 32/13/2020.
    app.click("#add-pet").await;
    app.wait_for(&dialog("pet")).await;
    app.type_into(&input("pet", "name"), "Michi").await;
    choose(&app, &input("pet", "species"), "gato").await;
    app.type_into(&input("pet", "breed"), "Común europeo").await;
    app.type_into(&input("pet", "birthDate"), "32/13/2020")
        .await;
    submit(&app, "pet").await;
    let msg = app
        .wait_for_text(&field_error("pet", "birthDate"), "fecha")
        .await;
    assert_eq!(msg, DATE_IMPOSSIBLE);
    assert_eq!(app.value(&input("pet", "name")).await, "Michi");
    assert_eq!(app.value(&input("pet", "species")).await, "gato");
    assert_eq!(app.value(&input("pet", "breed")).await, "Común europeo");
    assert_eq!(app.value(&input("pet", "birthDate")).await, "32/13/2020");
    app.type_into(&input("pet", "birthDate"), "15/03/2020")
        .await;
    save_ok(&app, "pet").await;
    app.wait_for_text("#pets li.pet .pet-name", "Michi").await;

    let pets = app.texts("#pets li.pet .pet-name").await;
    assert_eq!(pets.len(), 2, "Luna and Michi: {pets:?}");
    assert!(pets.iter().any(|p| p == "Luna"), "Luna is kept: {pets:?}");
    assert_eq!(
        app.count("#visits tbody tr").await,
        2,
        "the visits are kept"
    );
    app.close().await;
}

// ---------------------------------------------------------------------------------------------
// 4. English and back, without a restart
// ---------------------------------------------------------------------------------------------

async fn set_language(app: &App, lang: &str) {
    app.click(".mainnav button[data-view=settings]").await;
    let select = "form[data-form=settings] select[name=language]";
    app.wait_for(select).await;
    choose(app, select, lang).await;
    app.click("form[data-form=settings] button[type=submit]")
        .await;
}

/// The nav's words (without the agenda's call counter).
async fn nav_texts(app: &App) -> Vec<String> {
    app.texts(".mainnav button[data-view] > [data-i18n], .mainnav button[data-view][data-i18n]")
        .await
}

#[tokio::test]
async fn language_switches_to_english_and_back() {
    let app = App::start().await;
    app.wait_for_text(".mainnav button[data-view=home]", "Inicio")
        .await;
    assert_eq!(app.attr("html", "lang").await.as_deref(), Some("es"));

    set_language(&app, "en").await;
    app.wait_for_text(".mainnav button[data-view=home]", "Home")
        .await;
    assert_eq!(
        nav_texts(&app).await,
        [
            "Home",
            "Dashboard",
            "Agenda",
            "Messages",
            "Clients",
            "Lost",
            "Loyalty",
            "Staff",
            "Settings"
        ]
    );
    assert_eq!(app.attr("html", "lang").await.as_deref(), Some("en"));
    assert!(app.exists("html[lang=en]").await);
    // The view re-rendered in English too, and the toast says so.
    app.wait_for_text("main#view h1", "Settings").await;
    app.wait_for_text("#toast", "Saved").await;
    assert_eq!(
        app.attr("#search", "placeholder").await.as_deref(),
        Some("Search client, pet or phone")
    );
    app.click(".mainnav button[data-view=clients]").await;
    app.wait_for_text("main#view h1", "Clients").await;
    app.wait_for_text("#new-client", "New client").await;

    set_language(&app, "es").await;
    app.wait_for_text(".mainnav button[data-view=home]", "Inicio")
        .await;
    assert_eq!(
        nav_texts(&app).await,
        [
            "Inicio",
            "Panel",
            "Agenda",
            "Mensajes",
            "Clientes",
            "Perdidos",
            "Fidelización",
            "Personal",
            "Ajustes"
        ]
    );
    assert!(app.exists("html[lang=es]").await);
    app.wait_for_text("main#view h1", "Ajustes").await;
    assert_eq!(
        app.attr("#search", "placeholder").await.as_deref(),
        Some("Buscar cliente, mascota o teléfono")
    );
    app.close().await;
}

// ---------------------------------------------------------------------------------------------
// 5. A name that looks like HTML is shown as text, never run
// ---------------------------------------------------------------------------------------------

const XSS_ALERT: &str = "<img src=x onerror=alert(1)>";
const XSS_FLAG: &str = "<img src=x onerror=\"window.__xss=1\">";

async fn assert_nothing_ran(app: &App, where_: &str) {
    // An onerror would fire once the image fails to load: give it that moment (there is no DOM
    // state to wait for when the point is that nothing happens).
    tokio::time::sleep(Duration::from_millis(500)).await;
    match app.client().get_alert_text().await {
        Err(e) if e.is_no_such_alert() => {}
        Err(e) => panic!("{where_}: asking for an alert failed otherwise: {e}"),
        Ok(text) => panic!("{where_}: a JavaScript alert is open: {text:?}"),
    }
    assert_eq!(
        app.count("img[src=\"x\"]").await,
        0,
        "{where_}: an <img src=x> was created"
    );
    assert_eq!(
        app.js("return document.querySelectorAll('img[src=\"x\"], img[onerror]').length")
            .await,
        0,
        "{where_}: no such image in the DOM"
    );
    assert_eq!(
        app.js("return typeof window.__xss").await,
        "undefined",
        "{where_}: window.__xss was set by an onerror"
    );
}

#[tokio::test]
async fn html_in_a_name_is_shown_as_text() {
    let app = App::start().await;
    let first = new_client(&app, XSS_ALERT, "Prueba", "600 111 222").await;
    let heading = app.text("h1.client-name").await;
    assert!(
        heading.contains(XSS_ALERT),
        "literal name in the heading: {heading:?}"
    );
    assert_nothing_ran(&app, "first client's page").await;

    app.click(".mainnav button[data-view=home]").await;
    let second = new_client(&app, XSS_FLAG, "Prueba", "600 111 333").await;
    let heading = app.text("h1.client-name").await;
    assert!(
        heading.contains(XSS_FLAG),
        "literal name in the heading: {heading:?}"
    );
    assert_nothing_ran(&app, "second client's page").await;

    // Both in the search results, as text.
    app.type_into("#search", "prueba").await;
    for id in [&first, &second] {
        app.wait_for(&format!(
            "#search-results li[role=option][data-client-id=\"{id}\"]"
        ))
        .await;
    }
    app.wait_for_text("#search-results li[role=option] .hit-name", XSS_ALERT)
        .await;
    app.wait_for_text("#search-results li[role=option] .hit-name", XSS_FLAG)
        .await;
    assert_eq!(app.count("#search-results img").await, 0);
    assert_nothing_ran(&app, "search results").await;

    // And in the clients list.
    app.press("#search", Key::Escape).await;
    app.click(".mainnav button[data-view=clients]").await;
    app.wait_for("#clients-list").await;
    assert_nothing_ran(&app, "clients list").await;
    app.close().await;
}

// ---------------------------------------------------------------------------------------------
// 6. The client form refuses letters in a phone; cancelling saves nothing
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn client_phone_with_letters_is_refused_and_cancel_saves_nothing() {
    let app = App::start().await;
    app.click(".mainnav button[data-view=clients]").await;
    app.wait_for("#clients-list").await;
    let before_info = app.text("#clients-page-info").await;
    let before_rows = app.texts("#clients-list li").await;
    assert!(!before_rows.is_empty(), "the demo clinic has clients");

    app.click("#new-client").await;
    fill_client(&app, "Zenobia", "Quintanar Olmedo", "612 ABC 678").await;
    app.type_into(&input("client", "email"), "zenobia@example.com")
        .await;
    submit(&app, "client").await;

    let msg = app
        .wait_for_text(&field_error("client", "phone1"), "teléfono")
        .await;
    assert_eq!(msg, "El teléfono no puede llevar letras.");
    // The message sits under phone1, in that field's box.
    assert!(
        app.exists(&format!(
            "{} .field[data-field=phone1] p.field-error[data-field=phone1]",
            dialog("client")
        ))
        .await,
        "the phone error is under the phone field"
    );
    assert_eq!(
        app.attr(&input("client", "phone1"), "aria-invalid")
            .await
            .as_deref(),
        Some("true")
    );
    assert!(
        app.exists(&format!("{}[open]", dialog("client"))).await,
        "the dialog stays open"
    );
    assert_eq!(app.value(&input("client", "firstName")).await, "Zenobia");
    assert_eq!(
        app.value(&input("client", "surnames")).await,
        "Quintanar Olmedo"
    );
    assert_eq!(app.value(&input("client", "phone1")).await, "612 ABC 678");
    assert_eq!(
        app.value(&input("client", "email")).await,
        "zenobia@example.com"
    );

    // Cancel: nothing saved, the list as it was, still on the list.
    app.click(&format!("{} button[data-action=cancel]", dialog("client")))
        .await;
    app.wait_gone(&dialog("client")).await;
    assert!(
        !app.exists(&dialog("client")).await,
        "the dialog is removed"
    );
    assert!(!app.exists("#client-page").await, "no client page opened");
    app.wait_for("#clients-list").await;
    assert_eq!(app.text("#clients-page-info").await, before_info);
    assert_eq!(app.texts("#clients-list li").await, before_rows);

    app.type_into("#search", "quintanar").await;
    app.wait_for("#search-results li.search-empty").await;
    assert_eq!(
        app.count("#search-results li[role=option]").await,
        0,
        "Zenobia was not saved"
    );
    app.close().await;
}
