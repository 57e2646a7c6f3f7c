//! The benchmark: a large clinic in a temporary file, then search and client-page latencies.
//! Figures are printed, never asserted.

use std::time::{Duration, Instant};

use fidelia_core::demo::DemoSize;
use fidelia_core::text::fold;
use fidelia_core::ClientId;
use fidelia_ops::Clinic;
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

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

/// A generated clinic of `size` in a temporary file, with `past_calls` closed calls of history.
fn build(size: DemoSize, past_calls: i64, tag: &str) -> BenchResult<(Clinic, std::path::PathBuf)> {
    let dir = std::env::temp_dir().join(format!("fidelia-bench-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let store = Clinic::open(&dir.join("bench.sqlite3"))?;
    let at = crate::now();
    store.load_demo(1, size, &at)?;
    store.seed_past_calls(past_calls, at.now)?;
    Ok((store, dir))
}

/// Times what the scheduler and the agenda ask every pass: today's due/overdue counts and the
/// calls to notify; and today's agenda.
fn time_calls(store: &Clinic, samples: usize) -> BenchResult<(Vec<Duration>, Vec<Duration>)> {
    let at = crate::now();
    let start = at.day_start(at.today());
    let end = at.day_start(at.today() + chrono::Duration::days(1));
    let mut counts = Vec::with_capacity(samples);
    let mut agenda = Vec::with_capacity(samples);
    for _ in 0..samples {
        let t = Instant::now();
        store.call_counts(at.now, end)?;
        store.calls_to_notify(at.now)?;
        counts.push(t.elapsed());
        let t = Instant::now();
        store.agenda(start, end, None, at.now)?;
        agenda.push(t.elapsed());
    }
    Ok((counts, agenda))
}

/// The parts of building the day's queue, timed one by one.
const QUEUE_PARTS: [&str; 5] = [
    "care reminders",
    "appointments",
    "surveys",
    "birthdays",
    "the list",
];

/// Builds the day's message queue each morning for `days` days in a row, as reception would
/// (then sends everything, untimed): the time to build it (preparing the day's messages), and
/// of each part; the time to open Mensajes again the same day (already prepared); and the
/// messages per day.
#[allow(clippy::type_complexity)]
fn time_queue(
    store: &Clinic,
    days: i64,
) -> BenchResult<(Vec<Duration>, Vec<Vec<Duration>>, Vec<Duration>, Vec<usize>)> {
    let base = crate::now();
    let (mut first, mut again, mut sizes) = (Vec::new(), Vec::new(), Vec::new());
    let mut parts = vec![Vec::new(); QUEUE_PARTS.len()];
    for d in 0..days {
        let at = fidelia_core::ClinicTime::new(base.now + chrono::Duration::days(d), base.tz);
        let mut lap = Instant::now();
        let mut split = |i: usize| {
            parts[i].push(lap.elapsed());
            lap = Instant::now();
        };
        let t = Instant::now();
        store.prepare_care_messages(&at)?;
        split(0);
        store.prepare_appointment_messages(&at)?;
        split(1);
        store.prepare_survey_messages(&at)?;
        split(2);
        store.prepare_birthday_messages(&at)?;
        split(3);
        let queue = store.messages_to_send(at.today())?;
        split(4);
        first.push(t.elapsed());
        let t = Instant::now();
        store.messages_for_today(&at)?;
        again.push(t.elapsed());
        sizes.push(queue.len());
        for m in &queue {
            store.mark_message_sent(m.id, "whatsapp", None, at.now)?;
        }
    }
    Ok((first, parts, again, sizes))
}

fn report_queue(label: &str, store: &Clinic, days: i64) -> BenchResult<()> {
    let (first, parts, again, mut sizes) = time_queue(store, days)?;
    sizes.sort();
    report(&format!("{label}, building the day's queue"), first);
    for (name, mut times) in QUEUE_PARTS.iter().zip(parts) {
        times.sort();
        println!(
            "{:<34}   {name}: median {:.3} ms, p95 {:.3} ms",
            "",
            percentile(&times, 0.5).as_secs_f64() * 1000.0,
            percentile(&times, 0.95).as_secs_f64() * 1000.0
        );
    }
    report(&format!("{label}, opening it again"), again);
    println!(
        "{:<34} messages a day: median {}, max {}",
        "",
        sizes[sizes.len() / 2],
        sizes.last().unwrap()
    );
    Ok(())
}

/// Search queries: 2 to 6 characters cut from real names and pets' names, half as written
/// (with accents), half folded.
fn queries(
    store: &Clinic,
    samples: usize,
    rng: &mut ChaCha8Rng,
) -> BenchResult<(Vec<String>, Vec<String>)> {
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
    Ok((accented, plain))
}

/// The same reads timed on the large clinic in SQLite and on its copy on the server
/// (`fidelia bench --db postgres://…`, an empty database): the copy's time, then each read's
/// median and p95 on both engines and the ratio of the p95s.
fn compare_engines(
    lite: &Clinic,
    url: &str,
    accented: &[String],
    plain: &[String],
    samples: usize,
) -> BenchResult<()> {
    let target = fidelia_ops::Location::Server(url.to_owned());
    let moved = lite.move_to(&target)?;
    let rows: i64 = moved.tables.values().map(|t| t.rows).sum();
    println!(
        "\nThe clinic moved to the server (fidelia move-to-server): {rows} rows in {} tables, \
         counts and checksums equal, in {:.1} s",
        moved.tables.len(),
        moved.millis as f64 / 1000.0
    );
    let server = Clinic::open_at(&target)?;
    let at = crate::now();
    let year = fidelia_core::kpi::Period::months_to(at.today(), 12);
    let (total, _) = lite.clients_list(0, 1)?;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let ids: Vec<ClientId> = (0..samples)
        .map(|_| ClientId(rng.random_range(1..=total)))
        .collect();
    let figures = |store: &Clinic| -> BenchResult<Vec<(&'static str, Vec<Duration>)>> {
        let timed = |f: &mut dyn FnMut() -> BenchResult<()>| -> BenchResult<Duration> {
            let t = Instant::now();
            f()?;
            Ok(t.elapsed())
        };
        for q in &plain[..plain.len().min(50)] {
            store.search(q, 12)?; // warm-up
        }
        let search = accented
            .iter()
            .chain(plain)
            .map(|q| timed(&mut || Ok(store.search(q, 12).map(|_| ())?)))
            .collect::<BenchResult<_>>()?;
        let pages = ids
            .iter()
            .map(|id| timed(&mut || Ok(store.client_page(*id).map(|_| ())?)))
            .collect::<BenchResult<_>>()?;
        let (counts, agenda) = time_calls(store, samples)?;
        let (queue, _, again, _) = time_queue(store, 10)?;
        let dashboard = (0..10)
            .map(|_| timed(&mut || Ok(store.dashboard(year, &at).map(|_| ())?)))
            .collect::<BenchResult<_>>()?;
        Ok(vec![
            ("search", search),
            ("open a client page", pages),
            ("calls due/overdue (scheduler)", counts),
            ("today's agenda", agenda),
            ("building the day's queue", queue),
            ("opening the queue again", again),
            ("dashboard, 12 months", dashboard),
        ])
    };
    let ours = figures(lite)?;
    let theirs = figures(&server)?;
    println!(
        "{:<32} {:>21} {:>21} {:>9}",
        "same reads on both engines", "SQLite median / p95", "server median / p95", "p95 ratio"
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for ((label, mut a), (_, mut b)) in ours.into_iter().zip(theirs) {
        a.sort();
        b.sort();
        let (a50, a95, b50, b95) = (
            percentile(&a, 0.5),
            percentile(&a, 0.95),
            percentile(&b, 0.5),
            percentile(&b, 0.95),
        );
        println!(
            "{label:<32} {:>9.3} / {:>7.3} ms {:>9.3} / {:>7.3} ms {:>8.2}×",
            ms(a50),
            ms(a95),
            ms(b50),
            ms(b95),
            b95.as_secs_f64() / a95.as_secs_f64()
        );
    }
    println!();
    Ok(())
}

pub fn run(size: DemoSize, samples: usize, server: Option<&str>) -> BenchResult<()> {
    println!(
        "Large clinic: {} clients, {} pets, {} visits over {} years, 300,000 past calls",
        size.clients, size.pets, size.visits, size.years
    );
    let t = Instant::now();
    let (store, dir) = build(size, 300_000, "large")?;
    println!(
        "generated and written in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    println!(
        "database size: {:.1} MiB",
        store.size_bytes()? as f64 / 1_048_576.0
    );

    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let (total, _) = store.clients_list(0, 1)?;
    let (accented, plain) = queries(&store, samples, &mut rng)?;
    if let Some(url) = server {
        compare_engines(&store, url, &accented, &plain, samples)?;
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

    let (counts, agenda) = time_calls(&store, samples)?;
    report("calls due/overdue today (scheduler)", counts);
    report("today's agenda (calls + appointments)", agenda);
    println!(
        "\nMessages: {} vaccines and dewormings applied; 30 mornings in a row",
        store.count_treatments()?
    );
    report_queue("30 days", &store, 30)?;

    println!("\nDashboard and win-back (the last year has its calls and surveys):");
    let at = crate::now();
    let year = fidelia_core::kpi::Period::months_to(at.today(), 12);
    let runs = 20;
    let dash: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            store.dashboard(year, &at)?;
            Ok(t.elapsed())
        })
        .collect::<BenchResult<_>>()?;
    report("dashboard, 12 months vs the 12 before", dash);
    let lapsed: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            store.lapsed_clients(&at)?;
            Ok(t.elapsed())
        })
        .collect::<BenchResult<_>>()?;
    let month = fidelia_core::kpi::Period::month_of(at.today())
        .previous()
        .from;
    let pdf: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            store.monthly_report(month, &at)?;
            Ok(t.elapsed())
        })
        .collect::<BenchResult<_>>()?;
    report("the monthly report (PDF)", pdf);
    let list = store.lapsed_clients(&at)?;
    report(
        &format!(
            "lapsed list ({} lost, {} apart)",
            list.lost.len(),
            list.apart.len()
        ),
        lapsed,
    );

    // Backups (issue 13): a verified backup of the large clinic, on a connection of its own,
    // and putting it back in place of a database.
    let backups = dir.join("copias");
    let made = store.worker()?.backup_now(&backups, &at)?;
    println!(
        "\nBackup: {:.1} MiB, {} rows, copied and verified in {:.2} s",
        made.file.size as f64 / 1_048_576.0,
        made.rows,
        made.millis as f64 / 1000.0
    );
    let t = Instant::now();
    let (restored, _) = fidelia_ops::backup::restore(
        &dir.join("restored.sqlite3"),
        &made.file.path,
        &backups,
        &at,
    )?;
    println!(
        "Restore: verified, put in place and opened in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    drop(restored);
    drop(store);
    std::fs::remove_dir_all(&dir)?;

    println!(
        "\nGrowth of the scheduler's query with the clinic's size (past calls = 60 % of visits):"
    );
    for visits in [10_000, 100_000, 500_000] {
        let scale = visits as f64 / size.visits as f64;
        let small = DemoSize {
            clients: ((size.clients as f64 * scale) as usize).max(100),
            pets: ((size.pets as f64 * scale) as usize).max(150),
            visits,
            ..size
        };
        let (store, dir) = build(small, visits as i64 * 6 / 10, &visits.to_string())?;
        let due = store.call_counts(
            crate::now().now,
            crate::now().now + chrono::Duration::days(1),
        )?;
        let (counts, _) = time_calls(&store, samples)?;
        report(
            &format!("{visits:>7} visits, {:>3} open calls", due.today),
            counts,
        );
        report_queue(
            &format!(
                "{visits:>7} visits, {:>6} treatments",
                store.count_treatments()?
            ),
            &store,
            10,
        )?;
        drop(store);
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(())
}
