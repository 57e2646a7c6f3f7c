//! The demo clinic: realistic, seeded and deterministic records (Spanish names with accents;
//! dogs, cats, rabbits and birds; a few deceased pets; four staff; visits over the past years;
//! upcoming appointments). The same generator, larger, feeds the benchmark.
//!
//! Records are produced one client at a time through a callback, so a large clinic never sits
//! in memory whole.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::parse::local_to_utc;
use crate::records::*;

/// How big a clinic to generate.
#[derive(Debug, Clone, Copy)]
pub struct DemoSize {
    pub clients: usize,
    pub pets: usize,
    pub visits: usize,
    pub years: u32,
    pub upcoming_appointments: usize,
    /// Pets seen in the last day and a half for something that needs a follow-up call (so the
    /// agenda has work).
    pub recent_cases: usize,
}

impl DemoSize {
    /// The clinic the app opens on the first time.
    pub const DEMO: DemoSize = DemoSize {
        clients: 300,
        pets: 460,
        visits: 2600,
        years: 2,
        upcoming_appointments: 60,
        recent_cases: 8,
    };
    /// The benchmark's large clinic.
    pub const LARGE: DemoSize = DemoSize {
        clients: 20_000,
        pets: 40_000,
        visits: 500_000,
        years: 10,
        upcoming_appointments: 2_000,
        recent_cases: 50,
    };
}

pub struct DemoClient {
    pub client: ClientData,
    pub created_at: DateTime<Utc>,
    pub pets: Vec<DemoPet>,
}

pub struct DemoPet {
    /// `client_id` is a placeholder: the store sets the real one.
    pub pet: PetData,
    pub visits: Vec<DemoVisit>,
    pub appointments: Vec<DemoAppointment>,
    /// Vaccines and dewormings applied (the store sets their next due dates by the rules).
    pub treatments: Vec<(crate::import::TreatmentKind, NaiveDate)>,
}

/// A visit; `staff` indexes [`staff`].
pub struct DemoVisit {
    pub staff: usize,
    pub at: DateTime<Utc>,
    pub kind: VisitKind,
    pub severity: Severity,
    pub reason: String,
    pub amount_cents: Option<i64>,
}

pub struct DemoAppointment {
    pub staff: usize,
    pub starts_at: DateTime<Utc>,
    pub duration_min: i64,
    pub reason: String,
    pub status: AppointmentStatus,
}

/// The demo clinic's four staff.
pub fn staff() -> Vec<StaffData> {
    [
        ("Dra. Elena Ruiz Sanz", Role::Vet),
        ("Dr. Javier Ortega Peña", Role::Vet),
        ("Lucía Martín Gil", Role::Assistant),
        ("Carmen Díaz Soler", Role::Reception),
    ]
    .into_iter()
    .map(|(name, role)| StaffData {
        name: name.into(),
        role,
        active: true,
    })
    .collect()
}

/// The first names of `FIRST` that are women's (for "Estimada Sra.").
const FEMALE: &[&str] = &[
    "María",
    "Begoña",
    "Inés",
    "Lucía",
    "Sofía",
    "Nuria",
    "Carmen",
    "Laura",
    "Pilar",
    "Rocío",
    "Mónica",
    "Ainhoa",
    "Noelia",
    "Marta",
    "Cristina",
    "Elena",
    "Beatriz",
    "Encarnación",
    "Asunción",
    "Nerea",
    "Alba",
    "Paula",
    "Verónica",
    "Fátima",
    "Irene",
];
const FIRST: &[&str] = &[
    "María",
    "José",
    "Begoña",
    "Iñaki",
    "Ángel",
    "Inés",
    "Raúl",
    "Jesús",
    "Sofía",
    "Lucía",
    "Martín",
    "Álvaro",
    "Nuria",
    "Javier",
    "Carmen",
    "Antonio",
    "Manuel",
    "Laura",
    "Pilar",
    "Andrés",
    "Rocío",
    "Mónica",
    "Héctor",
    "Íñigo",
    "Ainhoa",
    "Noelia",
    "Óscar",
    "Adrián",
    "Marta",
    "Cristina",
    "Pablo",
    "Elena",
    "Ramón",
    "Sergio",
    "Beatriz",
    "Joaquín",
    "Encarnación",
    "Asunción",
    "Tomás",
    "Nerea",
    "Alba",
    "Darío",
    "Rubén",
    "Paula",
    "Julián",
    "Verónica",
    "Germán",
    "Fátima",
    "Iván",
    "Irene",
];
const SURNAMES: &[&str] = &[
    "García",
    "Fernández",
    "González",
    "Rodríguez",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Martín",
    "Jiménez",
    "Ruiz",
    "Hernández",
    "Díaz",
    "Moreno",
    "Muñoz",
    "Álvarez",
    "Romero",
    "Núñez",
    "Ibáñez",
    "Peña",
    "Calvo",
    "Castaño",
    "Gil",
    "Ortiz",
    "Rubio",
    "Marín",
    "Sanz",
    "Iglesias",
    "Medina",
    "Garrido",
    "Cortés",
    "Castillo",
    "Santos",
    "Lozano",
    "Guerrero",
    "Cano",
    "Prieto",
    "Méndez",
    "Cruz",
    "Gallego",
    "Vidal",
    "León",
    "Márquez",
    "Herrera",
    "Flores",
    "Cabrera",
    "Campos",
    "Vega",
    "Fuentes",
    "Carrasco",
    "Díez",
    "Caballero",
    "Reyes",
    "Nieto",
    "Aguilar",
    "Pascual",
    "Herrero",
    "Lorenzo",
    "Montero",
    "Hidalgo",
    "Giménez",
    "Ferrer",
    "Durán",
    "Benítez",
    "Mora",
    "Vicente",
    "Vargas",
    "Arias",
    "Carmona",
    "Crespo",
    "Román",
    "Pastor",
    "Soto",
    "Sáez",
    "Velasco",
    "Soler",
    "Parra",
    "Esteban",
    "Bravo",
    "Gallardo",
    "Pardo",
    "Merino",
    "Franco",
    "Lara",
    "Ríos",
    "Galán",
    "Montes",
    "Sierra",
    "Segura",
    "Muñiz",
    "Ordóñez",
    "Zúñiga",
    "Beltrán",
    "Peláez",
];
const PET_NAMES: &[&str] = &[
    "Luna", "Max", "Coco", "Toby", "Nala", "Rocky", "Lola", "Simba", "Kira", "Thor", "Bruno",
    "Mía", "Chispa", "Canela", "Pelusa", "Ñoño", "Pío", "Copito", "Tambor", "Lía", "Zeus", "Nube",
    "Manchas", "Golfo", "Trufa", "Churro", "Pipa", "Bimba", "Duna", "Frida", "Oreo", "Sol",
    "Tango", "Leo", "Kiwi", "Mango", "Güera", "Moka", "Rayo", "Perla", "Tizón", "Michi",
    "Garbanzo",
];
const STREETS: &[&str] = &[
    "Calle Mayor",
    "Avenida de la Constitución",
    "Calle del Olmo",
    "Plaza de España",
    "Calle San Fernando",
    "Paseo de la Alameda",
    "Calle Real",
    "Avenida de Andalucía",
    "Calle de la Peña",
    "Ronda de Triana",
    "Calle Cervantes",
    "Calle Núñez de Balboa",
];
const CITIES: &[&str] = &[
    "Madrid",
    "Sevilla",
    "Valencia",
    "Zaragoza",
    "Málaga",
    "Córdoba",
    "Alcalá de Henares",
    "Logroño",
];

fn breeds(s: Species) -> &'static [&'static str] {
    match s {
        Species::Dog => &[
            "Mestizo",
            "Labrador",
            "Pastor alemán",
            "Yorkshire",
            "Galgo español",
            "Bichón maltés",
            "Podenco",
            "Chihuahua",
            "Beagle",
            "Bulldog francés",
        ],
        Species::Cat => &[
            "Común europeo",
            "Siamés",
            "Persa",
            "Maine Coon",
            "British Shorthair",
        ],
        Species::Rabbit => &["Belier", "Cabeza de león", "Enano holandés"],
        Species::Bird => &["Periquito", "Agapornis", "Canario", "Ninfa"],
        _ => &["—"],
    }
}

fn reasons(k: VisitKind) -> &'static [&'static str] {
    match k {
        VisitKind::Illness => &[
            "Vómitos y diarrea",
            "Otitis",
            "Cojera",
            "Picor y rascado",
            "Tos",
            "Pérdida de apetito",
            "Conjuntivitis",
            "Dermatitis",
        ],
        VisitKind::Checkup => &[
            "Revisión anual",
            "Control de peso",
            "Revisión geriátrica",
            "Revisión postoperatoria",
        ],
        VisitKind::Vaccination => &[
            "Vacuna polivalente",
            "Vacuna antirrábica",
            "Vacuna trivalente felina",
            "Vacuna mixomatosis",
        ],
        VisitKind::Surgery => &[
            "Castración",
            "Esterilización",
            "Extirpación de nódulo",
            "Limpieza dental con anestesia",
            "Extracción de cuerpo extraño",
        ],
        VisitKind::Emergency => &[
            "Atropello",
            "Intoxicación",
            "Golpe de calor",
            "Dificultad respiratoria",
            "Herida por mordedura",
        ],
        VisitKind::Discharge => &[
            "Alta tras gastroenteritis",
            "Alta tras cirugía",
            "Alta tras fluidoterapia",
        ],
        VisitKind::Other => &[
            "Microchip y pasaporte",
            "Corte de uñas",
            "Certificado de viaje",
        ],
    }
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, weighted: &[(T, u32)]) -> T {
    let total: u32 = weighted.iter().map(|w| w.1).sum();
    let mut n = rng.random_range(0..total);
    for (v, w) in weighted {
        if n < *w {
            return *v;
        }
        n -= w;
    }
    weighted[0].0
}

/// Splits `total` items among `n` owners, each getting at least `min`.
fn spread(rng: &mut ChaCha8Rng, n: usize, total: usize, min: usize) -> Vec<usize> {
    let mut counts = vec![min; n];
    for _ in 0..total.saturating_sub(n * min) {
        counts[rng.random_range(0..n)] += 1;
    }
    counts
}

fn phone(rng: &mut ChaCha8Rng) -> String {
    if rng.random_bool(0.85) {
        let first = if rng.random_bool(0.8) { 6 } else { 7 };
        format!(
            "{first}{:02} {:03} {:03}",
            rng.random_range(0..100),
            rng.random_range(0..1000),
            rng.random_range(0..1000)
        )
    } else {
        format!(
            "9{} {:03} {:02} {:02}",
            rng.random_range(1..10),
            rng.random_range(0..1000),
            rng.random_range(0..100),
            rng.random_range(0..100)
        )
    }
}

/// A local time inside typical opening hours on `day` (skipping Sundays), as UTC.
fn clinic_time<Tz: TimeZone>(rng: &mut ChaCha8Rng, tz: &Tz, mut day: NaiveDate) -> DateTime<Utc> {
    if day.weekday() == Weekday::Sun {
        day = day.pred_opt().unwrap_or(day);
    }
    let morning = day.weekday() == Weekday::Sat || rng.random_bool(0.6);
    let (h0, h1) = if morning { (10, 14) } else { (17, 20) };
    let t = NaiveTime::from_hms_opt(
        rng.random_range(h0..h1),
        [0, 15, 30, 45][rng.random_range(0..4)],
        0,
    )
    .expect("valid time");
    let local = day.and_time(t);
    local_to_utc(tz, local)
        .or_else(|_| local_to_utc(tz, local + Duration::hours(1)))
        .expect("an hour later exists")
}

/// Generates a clinic of `size`, as of `now`, calling `sink` once per client.
/// The survey of the demo's `n`th visit of the last year, as a clinic would have them: about
/// half the visits surveyed, six in ten of those answered — mostly happy, but the wait for an
/// appointment ("availability") scores low, and a few detractors say why. `None`: no survey;
/// `Some(None)`: sent, never answered.
pub fn demo_survey(seed: u64, n: u64) -> Option<Option<crate::surveys::Answers>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (0x5a77_e900_0000 + n));
    if !rng.random_bool(0.45) {
        return None;
    }
    if !rng.random_bool(0.6) {
        return Some(None);
    }
    let mut draw = |weights: &[(u8, u32)]| pick(&mut rng, weights);
    let high = [(5, 50), (4, 35), (3, 10), (2, 5)];
    let scores = vec![
        Some(draw(&high)),
        Some(draw(&[(5, 60), (4, 30), (3, 8), (2, 2)])),
        Some(draw(&[(5, 40), (4, 45), (3, 12), (2, 3)])),
        Some(draw(&[(5, 10), (4, 15), (3, 35), (2, 35), (1, 5)])),
        Some(draw(&high)),
    ];
    let recommend = draw(&[
        (10, 35),
        (9, 25),
        (8, 15),
        (7, 10),
        (6, 7),
        (5, 4),
        (3, 2),
        (0, 2),
    ]);
    const SAID: &[&str] = &[
        "Tuvimos que esperar casi una hora.",
        "Muy difícil conseguir cita por teléfono.",
        "El trato bien, pero la espera fue larga.",
        "Nos pareció caro.",
    ];
    let comment = if recommend <= 6 {
        SAID[(n % SAID.len() as u64) as usize].to_string()
    } else {
        String::new()
    };
    Some(Some(crate::surveys::Answers {
        scores,
        recommend: Some(recommend),
        comment,
    }))
}

/// A living pet's vaccines and dewormings, as a clinic that keeps them up to date has them: the
/// yearly vaccine (and the one before it) of dogs, cats, ferrets and rabbits; internal
/// deworming for two pets in three; a monthly pipette for one dog or cat in three. About three
/// applications a pet, their due dates spread over the coming year. Drawn from a generator of
/// their own, so the rest of the demo stays as it was.
fn demo_treatments(
    seed: u64,
    pet_index: usize,
    species: Species,
    today: NaiveDate,
) -> Vec<(crate::import::TreatmentKind, NaiveDate)> {
    use crate::import::TreatmentKind::*;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (0x7eea_7000_0000 + pet_index as u64));
    let ago = |rng: &mut ChaCha8Rng, days: i64| today - Duration::days(rng.random_range(0..days));
    let mut out = Vec::new();
    if matches!(
        species,
        Species::Dog | Species::Cat | Species::Ferret | Species::Rabbit
    ) {
        let last = ago(&mut rng, 365);
        out.push((Vaccine, last - Duration::days(365)));
        out.push((Vaccine, last));
    }
    if rng.random_bool(2.0 / 3.0) {
        out.push((InternalDeworming, ago(&mut rng, 91)));
    }
    if matches!(species, Species::Dog | Species::Cat) && rng.random_bool(1.0 / 3.0) {
        out.push((ExternalDeworming, ago(&mut rng, 30)));
    }
    out
}

pub fn generate<Tz: TimeZone>(
    seed: u64,
    size: DemoSize,
    now: DateTime<Utc>,
    tz: &Tz,
    mut sink: impl FnMut(DemoClient),
) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let today = now.with_timezone(tz).date_naive();
    let start = today - Duration::days(365 * size.years as i64);
    let span_days = (today - start).num_days().max(1);
    let pets_per_client = spread(&mut rng, size.clients, size.pets, 1);
    let visits_per_pet = spread(&mut rng, size.pets, size.visits, 0);
    let appointment_chance = size.upcoming_appointments as f64 / size.pets.max(1) as f64;
    let staff_count = staff().len();
    let mut pet_index = 0;

    for &n_pets in &pets_per_client {
        let first = *FIRST.choose(&mut rng).expect("names");
        let s1 = *SURNAMES.choose(&mut rng).expect("surnames");
        let s2 = *SURNAMES.choose(&mut rng).expect("surnames");
        let has_email = rng.random_bool(0.6);
        let email = if has_email {
            let user = crate::text::fold(&format!("{first}.{s1}")).replace(' ', ".");
            format!("{user}{}@ejemplo.es", rng.random_range(1..100))
        } else {
            String::new()
        };
        let channel = match pick(
            &mut rng,
            &[
                (Channel::WhatsApp, 50),
                (Channel::Phone, 30),
                (Channel::Email, 20),
            ],
        ) {
            Channel::Email if !has_email => Channel::Phone,
            c => c,
        };
        // Most clinics record how to address a client; some leave it blank.
        let title = match () {
            _ if rng.random_bool(0.15) => Title::None,
            _ if FEMALE.contains(&first) => Title::Mrs,
            _ => Title::Mr,
        };
        let client = ClientData {
            title,
            first_name: first.into(),
            surnames: format!("{s1} {s2}"),
            phone1: phone(&mut rng),
            phone2: if rng.random_bool(0.2) {
                phone(&mut rng)
            } else {
                String::new()
            },
            email,
            address: format!(
                "{}, {}, {}",
                STREETS.choose(&mut rng).expect("streets"),
                rng.random_range(1..120),
                CITIES.choose(&mut rng).expect("cities")
            ),
            preferred_channel: channel,
            consent_care: rng.random_bool(0.95),
            consent_commercial: rng.random_bool(0.6),
            notes: String::new(),
        };
        let mut pets = Vec::with_capacity(n_pets);
        let mut earliest = now;
        for _ in 0..n_pets {
            let n_visits = visits_per_pet[pet_index];
            pet_index += 1;
            let species = pick(
                &mut rng,
                &[
                    (Species::Dog, 55),
                    (Species::Cat, 32),
                    (Species::Rabbit, 7),
                    (Species::Bird, 6),
                ],
            );
            let birth = today - Duration::days(rng.random_range(120..365 * 15));
            let age_days = (today - birth).num_days();
            // Died after at least a month of life (never before being born).
            let deceased_on = rng.random_bool(0.03).then(|| {
                today - Duration::days(rng.random_range(1..300.min(age_days - 30).max(2)))
            });
            let last_day = deceased_on.unwrap_or(today);
            let first_day = start.max(birth);
            let mut visits = Vec::with_capacity(n_visits);
            for _ in 0..n_visits {
                let span = (last_day - first_day).num_days().clamp(1, span_days);
                let day = first_day + Duration::days(rng.random_range(0..span));
                let kind = pick(
                    &mut rng,
                    &[
                        (VisitKind::Illness, 35),
                        (VisitKind::Checkup, 20),
                        (VisitKind::Vaccination, 25),
                        (VisitKind::Surgery, 5),
                        (VisitKind::Emergency, 7),
                        (VisitKind::Discharge, 3),
                        (VisitKind::Other, 5),
                    ],
                );
                let severity = match kind {
                    VisitKind::Surgery | VisitKind::Emergency => pick(
                        &mut rng,
                        &[
                            (Severity::Severe, 40),
                            (Severity::Moderate, 40),
                            (Severity::Mild, 20),
                        ],
                    ),
                    VisitKind::Illness | VisitKind::Discharge => pick(
                        &mut rng,
                        &[
                            (Severity::Mild, 60),
                            (Severity::Moderate, 35),
                            (Severity::Severe, 5),
                        ],
                    ),
                    _ => Severity::Mild,
                };
                let (lo, hi) = match kind {
                    VisitKind::Surgery => (15_000, 60_000),
                    VisitKind::Emergency => (8_000, 30_000),
                    VisitKind::Discharge => (10_000, 45_000),
                    _ => (2_500, 6_500),
                };
                let at = clinic_time(&mut rng, tz, day);
                earliest = earliest.min(at);
                visits.push(DemoVisit {
                    staff: if rng.random_bool(0.5) { 0 } else { 1 },
                    at,
                    kind,
                    severity,
                    reason: reasons(kind).choose(&mut rng).expect("reasons").to_string(),
                    amount_cents: rng
                        .random_bool(0.9)
                        .then(|| rng.random_range(lo / 50..hi / 50) * 50),
                });
            }
            let recent_every = (size.pets / size.recent_cases.max(1)).max(1);
            if size.recent_cases > 0 && deceased_on.is_none() && pet_index % recent_every == 0 {
                // Seen in the last day and a half for something that needs a call: some calls are
                // overdue, some due later today, some tomorrow.
                let kind = [
                    VisitKind::Surgery,
                    VisitKind::Emergency,
                    VisitKind::Illness,
                    VisitKind::Discharge,
                ][rng.random_range(0..4)];
                let at = now - Duration::minutes(rng.random_range(60..36 * 60) / 15 * 15);
                visits.push(DemoVisit {
                    staff: rng.random_range(0..2),
                    at,
                    kind,
                    severity: if kind == VisitKind::Illness {
                        Severity::Moderate
                    } else {
                        Severity::Severe
                    },
                    reason: reasons(kind).choose(&mut rng).expect("reasons").to_string(),
                    amount_cents: Some(rng.random_range(60..400) * 100),
                });
            }
            visits.sort_by_key(|v| v.at);
            let mut appointments = Vec::new();
            if deceased_on.is_none() && rng.random_bool(appointment_chance.min(1.0)) {
                let day = today + Duration::days(rng.random_range(1..15));
                appointments.push(DemoAppointment {
                    staff: rng.random_range(0..staff_count.min(2)),
                    starts_at: clinic_time(
                        &mut rng,
                        tz,
                        if day.weekday() == Weekday::Sun {
                            day + Duration::days(1)
                        } else {
                            day
                        },
                    ),
                    duration_min: [15, 20, 30][rng.random_range(0..3)],
                    reason: [
                        "Revisión",
                        "Vacuna anual",
                        "Control postoperatorio",
                        "Consulta de seguimiento",
                    ]
                    .choose(&mut rng)
                    .expect("r")
                    .to_string(),
                    status: AppointmentStatus::Scheduled,
                });
            }
            let treatments = if deceased_on.is_none() {
                demo_treatments(seed, pet_index, species, today)
            } else {
                Vec::new()
            };
            pets.push(DemoPet {
                treatments,
                pet: PetData {
                    client_id: ClientId(0),
                    name: PET_NAMES.choose(&mut rng).expect("pets").to_string(),
                    species,
                    breed: breeds(species)
                        .choose(&mut rng)
                        .expect("breeds")
                        .to_string(),
                    sex: if rng.random_bool(0.5) {
                        Sex::Male
                    } else {
                        Sex::Female
                    },
                    birth_date: Some(birth),
                    deceased: deceased_on.is_some(),
                    deceased_on,
                    notes: String::new(),
                },
                visits,
                appointments,
            });
        }
        let created_at = earliest - Duration::days(rng.random_range(0..30));
        sink(DemoClient {
            client,
            created_at,
            pets,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn run(seed: u64) -> Vec<DemoClient> {
        let now = NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap()
            .and_utc();
        let mut out = Vec::new();
        generate(
            seed,
            DemoSize::DEMO,
            now,
            &FixedOffset::east_opt(3600).unwrap(),
            |c| out.push(c),
        );
        out
    }

    #[test]
    fn the_demo_clinic_has_the_promised_shape() {
        let clinic = run(7);
        assert_eq!(clinic.len(), DemoSize::DEMO.clients);
        let pets: Vec<&DemoPet> = clinic.iter().flat_map(|c| &c.pets).collect();
        assert_eq!(pets.len(), DemoSize::DEMO.pets);
        let visits = pets.iter().map(|p| p.visits.len()).sum::<usize>();
        assert!(
            (DemoSize::DEMO.visits..=DemoSize::DEMO.visits + DemoSize::DEMO.recent_cases)
                .contains(&visits),
            "{visits} visits"
        );
        assert!(
            pets.iter().any(|p| p.pet.deceased_on.is_some()),
            "a few deceased pets"
        );
        assert!(pets.iter().filter(|p| p.pet.deceased_on.is_some()).count() < pets.len() / 10);
        for s in [Species::Dog, Species::Cat, Species::Rabbit, Species::Bird] {
            assert!(pets.iter().any(|p| p.pet.species == s), "{s:?} present");
        }
        assert!(
            clinic
                .iter()
                .any(|c| c.client.surnames.contains('ñ') || c.client.first_name.contains('á')),
            "accents"
        );
        assert!(
            pets.iter().any(|p| !p.appointments.is_empty()),
            "upcoming appointments"
        );
        for c in &clinic {
            assert!(c.client.email.is_empty() || crate::parse::email(&c.client.email).is_ok());
            assert!(
                crate::parse::phone(&c.client.phone1).is_ok(),
                "{}",
                c.client.phone1
            );
        }
        for p in &pets {
            for v in &p.visits {
                if let Some(d) = p.pet.deceased_on {
                    assert!(v.at.date_naive() <= d, "no visit after death");
                }
            }
        }
    }

    #[test]
    fn the_generator_is_deterministic() {
        let (a, b) = (run(42), run(42));
        let names = |c: &Vec<DemoClient>| {
            c.iter()
                .map(|c| {
                    format!(
                        "{} {} {}",
                        c.client.first_name, c.client.surnames, c.client.phone1
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&a), names(&b));
        assert_ne!(names(&a), names(&run(43)));
    }
}
