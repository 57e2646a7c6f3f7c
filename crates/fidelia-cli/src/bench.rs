//! The benchmark: a large clinic in a temporary file, then search and client-page latencies.
//! Figures are printed, never asserted.

use std::time::{Duration, Instant};

use fidelia_core::demo::DemoSize;
use fidelia_core::text::fold;
use fidelia_core::ClientId;
use fidelia_store::Store;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label:<34} median {:>7.3} ms   p95 {:>7.3} ms   max {:>7.3} ms   (n = {})",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(*times.last().unwrap()),
        times.len()
    );
}

pub fn run(size: DemoSize, samples: usize) -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("fidelia-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("bench.sqlite3");
    let store = Store::open(&path)?;
    println!(
        "Large clinic: {} clients, {} pets, {} visits over {} years",
        size.clients, size.pets, size.visits, size.years
    );
    let t = Instant::now();
    let counts = store.load_demo(1, size, &crate::now())?;
    println!(
        "generated and written in {:.1} s ({} appointments)",
        t.elapsed().as_secs_f64(),
        counts.appointments
    );
    println!(
        "database size: {:.1} MiB",
        store.size_bytes()? as f64 / 1_048_576.0
    );

    // Queries: 2 to 6 characters cut from real names, half as written (accents), half folded.
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let (total, _) = store.clients_list(0, 1)?;
    let mut accented = Vec::new();
    let mut plain = Vec::new();
    while accented.len() < samples / 2 || plain.len() < samples / 2 {
        let offset = rng.random_range(0..total);
        let hit = store.clients_list(offset, 1)?.1.remove(0);
        let words: Vec<&str> = hit
            .full_name
            .split(' ')
            .chain(hit.pets.iter().map(String::as_str))
            .collect();
        let word: Vec<char> = words[rng.random_range(0..words.len())].chars().collect();
        let len = rng.random_range(2..=6).min(word.len());
        let start = rng.random_range(0..=word.len() - len);
        let q: String = word[start..start + len].iter().collect();
        if q != fold(&q) && accented.len() < samples / 2 {
            accented.push(q);
        } else if plain.len() < samples / 2 {
            plain.push(fold(&q));
        }
    }
    let time_queries = |qs: &[String]| -> Result<Vec<Duration>, Box<dyn std::error::Error>> {
        qs.iter()
            .map(|q| {
                let t = Instant::now();
                store.search(q, 12)?;
                Ok(t.elapsed())
            })
            .collect()
    };
    // One warm-up pass so the figures are for a clinic in use, not a cold file.
    time_queries(&plain[..plain.len().min(50)])?;
    let with_accents = time_queries(&accented)?;
    let without = time_queries(&plain)?;
    let mut all = with_accents.clone();
    all.extend(&without);
    report("search, queries with accents", with_accents);
    report("search, queries without accents", without);
    report("search, all", all);

    let pages: Vec<Duration> = (0..samples)
        .map(|_| {
            let id = ClientId(rng.random_range(1..=total));
            let t = Instant::now();
            store.client_page(id)?;
            Ok(t.elapsed())
        })
        .collect::<Result<_, Box<dyn std::error::Error>>>()?;
    report("open a client page", pages);
    drop(store);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
