//! Loyalty end to end: the owner opens Fidelización on the demo clinic, ticks two loyal clients,
//! issues their thank-you letters (a PDF with one page each, real text), finds them recorded as
//! thanked, and a second issue in the same period is refused with a clear message. Marking a
//! pet deceased offers a condolence letter, written as a PDF.
//!
//! Run: `cargo test -p fidelia-e2e --test loyalty -- --test-threads=1`.

use std::process::Command;
use std::time::Duration;

use fidelia_e2e::ui::{dialog, input, save_ok};
use fidelia_e2e::{run_with_timeout, App, Options, Sandbox};

fn pdftotext(path: &str) -> String {
    fidelia_e2e::pdftotext(std::path::Path::new(path))
}

fn pages(path: &str) -> usize {
    let out = run_with_timeout(Command::new("pdfinfo").arg(path), Duration::from_secs(20));
    let info = String::from_utf8_lossy(&out.stdout).into_owned();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
        .expect("pdfinfo gives the pages")
}

fn options(sb: &Sandbox) -> Options {
    Options::new()
        .env(
            "FIDELIA_LETTERS_DIR",
            sb.root().join("cartas").to_string_lossy(),
        )
        .env("FIDELIA_NO_OPEN", "1")
        .with_notify_server()
}

#[tokio::test]
async fn two_loyal_clients_are_thanked_once_per_period() {
    let sb = Sandbox::new();
    let opts = options(&sb);
    let app = App::launch(sb, opts).await;
    app.click("nav button[data-view=loyalty]").await;
    app.wait_for("#loyalty-list tbody tr").await;

    // The two best-ranked clients who can be thanked.
    let picks: Vec<String> = app
        .js("return [...document.querySelectorAll('#loyalty-list input.loyalty-pick:not([disabled])')].slice(0, 2).map(x => x.value)")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(picks.len(), 2, "the demo clinic has loyal clients");
    let mut names = Vec::new();
    for id in &picks {
        let row = format!("#loyalty-list tr[data-client-id='{id}']");
        names.push(app.text(&format!("{row} .loyalty-name")).await);
        let tier = app.text(&format!("{row} .badge")).await;
        assert!(
            ["Oro", "Plata", "Bronce"].contains(&tier.as_str()),
            "a tier is shown: {tier}"
        );
        app.click(&format!("{row} input.loyalty-pick")).await;
    }
    app.click("#issue-letters").await;
    app.wait_for("#issued-files li").await;

    // One PDF, a page per client, each with the client's name, readable as text.
    let file = app
        .js("return document.querySelector('#issued-files li span').textContent")
        .await
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(pages(&file), 2);
    let text = pdftotext(&file);
    for n in &names {
        let greeted = ["Estimada Sra.", "Estimado Sr.", "Estimado/a"]
            .iter()
            .any(|g| text.contains(&format!("{g} {n}:")));
        assert!(
            greeted,
            "each letter greets its client by name ({n}):\n{text}"
        );
    }
    assert!(
        text.contains("Clínica Veterinaria San Antón"),
        "the letterhead"
    );

    // Recorded: the period counts them, their rows say so and cannot be ticked again.
    app.wait_for_text("#review-period", "agradecidos en este periodo: 2")
        .await;
    for id in &picks {
        let row = format!("#loyalty-list tr[data-client-id='{id}']");
        app.wait_for_text(
            &format!("{row} .exclusion"),
            "Ya agradecido en este periodo",
        )
        .await;
        assert!(app
            .attr(&format!("{row} input.loyalty-pick"), "disabled")
            .await
            .is_some());
    }

    // A second issue in the same period (forcing the box open) is refused, naming the client.
    app.js(&format!("const b = document.querySelector(\"#loyalty-list tr[data-client-id='{}'] input.loyalty-pick\"); b.disabled = false; b.checked = true;", picks[0])).await;
    app.click("#issue-letters").await;
    let refused = app
        .wait_for_text(
            "#issue-result .form-error",
            "No se ha emitido ninguna carta",
        )
        .await;
    assert!(
        refused.contains(&names[0]) && refused.contains("Ya agradecido"),
        "{refused}"
    );
    app.wait_for_text("#review-period", "agradecidos en este periodo: 2")
        .await;
}

#[tokio::test]
async fn a_death_offers_a_condolence_letter() {
    let sb = Sandbox::new();
    let letters = sb.root().join("cartas");
    let opts = options(&sb);
    let app = App::launch(sb, opts).await;
    // The first client of the list with a living pet.
    app.click("nav button[data-view=clients]").await;
    app.click("#clients-list li button.client-row").await;
    app.wait_for("#client-page").await;
    let pet = app.js("return document.querySelector('#pets li.pet:not(.pet--deceased) .pet-name').textContent").await.as_str().unwrap().to_owned();
    app.click("#pets li.pet:not(.pet--deceased) button[data-action=edit-pet]")
        .await;
    app.wait_for(&dialog("pet")).await;
    app.click(&input("pet", "deceased")).await;
    save_ok(&app, "pet").await;
    let title = app.wait_for_text("#condolence-dialog h2", &pet).await;
    assert!(title.contains("condolencia"), "{title}");
    assert!(
        app.value("#condolence-body").await.contains(&pet),
        "the letter names the pet"
    );
    app.click("#condolence-print").await;
    app.wait_gone("#condolence-dialog").await;
    let file = std::fs::read_dir(&letters)
        .expect("the letters folder")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "pdf"))
        .expect("a condolence PDF");
    let text = pdftotext(&file.to_string_lossy());
    assert!(text.contains(&pet), "{text}");
    assert!(!text.contains('€'), "no offer in a condolence letter");
}
