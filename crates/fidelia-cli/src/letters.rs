//! `fidelia letters --review current --out DIR`: the thank-you letters of the current loyalty
//! review, written as PDF and recorded, as the window's Fidelización issues them.

use std::path::PathBuf;

use chrono::TimeZone;
use clap::{Args, ValueEnum};
use fidelia_core::loyalty::Tier;
use fidelia_core::{ClientId, ClinicTime};
use fidelia_ops::letters::Output;
use fidelia_ops::Clinic;

#[derive(Args)]
pub struct LettersArgs {
    /// Which review: the current period's (the only one letters can be issued for).
    #[arg(long, value_enum, default_value_t = Review::Current)]
    review: Review,
    /// The folder the letters are written to (a folder per review period inside it).
    #[arg(long, short)]
    out: PathBuf,
    /// Only these clients (by id, as in the export); default: every client who can be thanked.
    #[arg(long = "client", value_name = "ID")]
    clients: Vec<i64>,
    /// Only clients of these tiers (oro, plata, bronce); default: all.
    #[arg(long = "tier", value_name = "TIER", value_parser = parse_tier)]
    tiers: Vec<Tier>,
    /// One PDF per client instead of one PDF with a letter a page.
    #[arg(long)]
    files: bool,
    /// A text file with the letter's template ({cliente}, {mascotas}, {años}, {clinica}...);
    /// default: the clinic's.
    #[arg(long)]
    template: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Review {
    Current,
}

fn parse_tier(s: &str) -> Result<Tier, String> {
    Tier::parse(&s.to_lowercase())
        .filter(|t| *t != Tier::None)
        .ok_or_else(|| format!("unknown tier {s:?}: oro, plata or bronce"))
}

pub fn run<Tz: TimeZone>(
    clinic: &Clinic,
    args: &LettersArgs,
    at: &ClinicTime<Tz>,
) -> Result<(), Box<dyn std::error::Error>> {
    let Review::Current = args.review;
    let clients: Vec<ClientId> = if args.clients.is_empty() {
        clinic
            .to_thank(at.today(), &args.tiers)?
            .into_iter()
            .map(|c| c.client_id)
            .collect()
    } else {
        args.clients.iter().map(|id| ClientId(*id)).collect()
    };
    if clients.is_empty() {
        println!("Nobody to thank in this review period: no letter written.");
        return Ok(());
    }
    let template = match &args.template {
        Some(p) => std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?,
        None => String::new(),
    };
    let output = if args.files {
        Output::Files
    } else {
        Output::Batch
    };
    let issued = clinic.issue_thanks(&clients, &template, output, &args.out, at)?;
    for l in &issued.letters {
        println!("thanked: {}", l.client_name);
    }
    for f in &issued.files {
        println!("{}", f.display());
    }
    Ok(())
}
