//! Writes sample letters (thank-you, condolence, a long one; Spanish) into a folder, for looking
//! at them: `cargo run -p fidelia-letters --example sample -- /tmp/letters`.

use base64::Engine as _;
use chrono::NaiveDate;
use fidelia_core::Lang;
use fidelia_letters::*;

/// `{name}` placeholders filled by Fidelia's template engine.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    fidelia_core::template::fill(template, values).text
}

fn main() {
    let out = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "/tmp/fidelia-letters".into()),
    );
    std::fs::create_dir_all(&out).unwrap();
    let logo = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../icons/128x128@2x.png"
    ))
    .unwrap();
    let head = Letterhead {
        clinic_name: "Clínica Veterinaria Peñalara".into(),
        address: "Calle de Núñez de Balboa 12, 28001 Madrid".into(),
        phone: "912 345 678".into(),
        email: "hola@penalara.example".into(),
        logo_data_url: format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(logo)
        ),
    };
    let date = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let clinic = head.clinic_name.as_str();
    let thanks = LetterData {
        lang: Lang::Es,
        date,
        greeting: Greeting::Female,
        client_name: "Begoña Ibáñez Muñoz".into(),
        body: fill(
            templates::THANKS_ES,
            &[
                ("cliente", "Begoña Ibáñez Muñoz"),
                ("mascotas", &join_names(&["Ñoño", "Pío"], Lang::Es)),
                ("años", &years_phrase(8, Lang::Es)),
                ("clinica", clinic),
            ],
        ),
        signature_name: "Dra. Lucía Ortega Güell".into(),
        signature_role: "Veterinaria y directora".into(),
    };
    let condolence = LetterData {
        greeting: Greeting::Male,
        client_name: "José Ángel Núñez Peña".into(),
        body: fill(
            templates::CONDOLENCE_ES,
            &[("mascota", "Canela"), ("clinica", clinic)],
        ),
        ..thanks.clone()
    };
    let thanks_en = LetterData {
        lang: Lang::En,
        body: fill(
            templates::THANKS_EN,
            &[
                ("mascotas", &join_names(&["Ñoño", "Pío"], Lang::En)),
                ("años", &years_phrase(8, Lang::En)),
                ("clinica", clinic),
            ],
        ),
        ..thanks.clone()
    };
    let long = LetterData {
        body: [thanks.body.as_str(); 5].join("\n\n"),
        ..thanks.clone()
    };
    for (name, letter) in [
        ("thank-you", &thanks),
        ("condolence", &condolence),
        ("thank-you-en", &thanks_en),
        ("long", &long),
    ] {
        let pdf = render_letter(&head, letter).unwrap();
        let path = out.join(format!("{name}.pdf"));
        std::fs::write(&path, &pdf).unwrap();
        println!("{} ({} bytes)", path.display(), pdf.len());
    }
}
