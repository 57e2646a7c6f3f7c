//! Benchmark: 500 personalised letters as one PDF and as 500 files.
//!
//! `cargo run --release -p fidelia-letters --example bench -- OUTDIR [LOGO.png]`
//!
//! Writes `OUTDIR/letters.json` (the same letters, for scripts/bench_letters_reportlab.py),
//! `OUTDIR/rust/batch.pdf` and `OUTDIR/rust/files/*.pdf`, and prints one `key=value` line per
//! figure (read by scripts/bench-letters.sh).

use base64::Engine as _;
use chrono::NaiveDate;
use fidelia_core::Lang;
use fidelia_letters::*;
use std::time::Instant;

const N: usize = 500;
const RUNS: usize = 3;

const FIRST_F: &[&str] = &[
    "Begoña",
    "María José",
    "Lucía",
    "Inés",
    "Ángela",
    "Nuria",
    "Úrsula",
    "Maite",
    "Irene",
    "Sofía",
    "Montserrat",
    "Rocío",
    "Aránzazu",
    "Noemí",
];
const FIRST_M: &[&str] = &[
    "José Ángel",
    "Íñigo",
    "Raúl",
    "Joaquín",
    "Andrés",
    "Jesús",
    "Martín",
    "Óscar",
    "Adrián",
    "Álvaro",
    "Germán",
    "Rubén",
    "Tomás",
    "Julián",
];
const SURNAMES: &[&str] = &[
    "Ibáñez",
    "Muñoz",
    "Núñez",
    "Peña",
    "Güell",
    "Martínez",
    "Gómez",
    "Sánchez",
    "López",
    "Rodríguez",
    "Fernández",
    "Pérez",
    "García",
    "Jiménez",
    "Álvarez",
    "Castaño",
    "Beltrán",
    "Cañizares",
    "Ordóñez",
    "Echeverría",
    "Agüero",
    "Montaña",
    "Quiñones",
    "Zúñiga",
];
const PETS: &[&str] = &[
    "Ñoño", "Pío", "Luna", "Canela", "Thor", "Nala", "Simba", "Kira", "Toby", "Coco", "Lúa",
    "Chispa", "Bimba", "Golfo", "Pelusa", "Tristán", "Isis", "Rocco",
];

/// A small deterministic generator (no dependency): the same 500 letters every run.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.next() % xs.len()]
    }
}

/// `{name}` placeholders filled by Fidelia's template engine.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    fidelia_core::template::fill(template, values).text
}

fn letters(clinic: &str) -> Vec<LetterData> {
    let mut r = Lcg(2026);
    let date = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    (0..N)
        .map(|i| {
            let female = r.next() & 1 == 0;
            let first = if female {
                r.pick(FIRST_F)
            } else {
                r.pick(FIRST_M)
            };
            let name = format!("{first} {} {}", r.pick(SURNAMES), r.pick(SURNAMES));
            let mut pets: Vec<&str> = (0..1 + r.next() % 3).map(|_| r.pick(PETS)).collect();
            pets.dedup();
            let years = 2 + (r.next() % 14) as u32;
            let mut body = fill(
                templates::THANKS_ES,
                &[
                    ("cliente", &name),
                    ("mascotas", &join_names(&pets, Lang::Es)),
                    ("años", &years_phrase(years, Lang::Es)),
                    ("clinica", clinic),
                ],
            );
            if i % 3 == 0 {
                // 2 paragraphs for a third of the letters, 3 for the rest.
                body = body.split("\n\n").take(2).collect::<Vec<_>>().join("\n\n");
            }
            LetterData {
                lang: Lang::Es,
                date,
                greeting: if female {
                    Greeting::Female
                } else {
                    Greeting::Male
                },
                client_name: name,
                body,
                signature_name: "Dra. Lucía Ortega Güell".into(),
                signature_role: "Veterinaria y directora".into(),
            }
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().expect("usage: bench OUTDIR [LOGO.png]"));
    let logo_path = args.next();
    let rust_dir = out.join("rust");
    let files_dir = rust_dir.join("files");
    std::fs::create_dir_all(&files_dir).unwrap();

    let logo_url = match &logo_path {
        Some(p) => format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(std::fs::read(p).unwrap())
        ),
        None => String::new(),
    };
    let head = Letterhead {
        clinic_name: "Clínica Veterinaria Peñalara".into(),
        address: "Calle de Núñez de Balboa 12, 28001 Madrid".into(),
        phone: "912 345 678".into(),
        email: "hola@penalara.example".into(),
        logo_data_url: logo_url,
    };
    let letters = letters(&head.clinic_name);

    // The same letters for the ReportLab script.
    let json = serde_json::json!({
        "clinic_name": head.clinic_name, "address": head.address, "phone": head.phone, "email": head.email,
        "logo": logo_path,
        "letters": letters.iter().map(|l| serde_json::json!({
            "date": l.date_line(), "greeting": l.greeting_line(), "body": l.body,
            "closing": l.closing_line(), "signature_name": l.signature_name, "signature_role": l.signature_role,
            "file": safe_file_name(&l.client_name),
        })).collect::<Vec<_>>(),
    });
    std::fs::write(
        out.join("letters.json"),
        serde_json::to_vec_pretty(&json).unwrap(),
    )
    .unwrap();

    // Warm-up (parses the fonts once per process, as the app would at its first letter).
    render_letter(&head, &letters[0]).unwrap();

    let mut batch_times = Vec::new();
    let mut batch_size = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let pdf = render_batch(&head, &letters).unwrap();
        std::fs::write(rust_dir.join("batch.pdf"), &pdf).unwrap();
        batch_times.push(t.elapsed().as_secs_f64());
        batch_size = pdf.len();
    }

    let mut files_times = Vec::new();
    let mut files_total = 0;
    let mut seen = std::collections::HashSet::new();
    let names: Vec<String> = letters
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let n = safe_file_name(&l.client_name);
            if seen.insert(n.clone()) {
                n
            } else {
                format!("{}_{i}.pdf", n.trim_end_matches(".pdf"))
            }
        })
        .collect();
    for _ in 0..RUNS {
        files_total = 0;
        let t = Instant::now();
        for (l, name) in letters.iter().zip(&names) {
            let pdf = render_letter(&head, l).unwrap();
            files_total += pdf.len();
            std::fs::write(files_dir.join(name), &pdf).unwrap();
        }
        files_times.push(t.elapsed().as_secs_f64());
    }
    let single = std::fs::metadata(files_dir.join(&names[0])).unwrap().len();
    let largest = names
        .iter()
        .map(|n| std::fs::metadata(files_dir.join(n)).unwrap().len())
        .max()
        .unwrap();

    println!("letters={N}");
    println!("batch_seconds={:.4}", median(batch_times));
    println!("batch_bytes={batch_size}");
    println!("batch_bytes_per_letter={:.0}", batch_size as f64 / N as f64);
    println!("files_seconds={:.4}", median(files_times));
    println!("files_total_bytes={files_total}");
    println!("single_letter_bytes={single}");
    println!("largest_letter_bytes={largest}");
}
