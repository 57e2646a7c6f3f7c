//! One CSV record to the records it carries: a client, a pet, a visit, an appointment or a
//! preventive treatment, each with its source-system id. Values are checked with the same
//! forms the window uses (`ClientForm::validate`…); every problem names its column.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use csv::StringRecord;

use super::fields::{Field, Shape};
use super::{phone, Mapping, TreatmentKind};
use crate::parse::{self, ErrKey};
use crate::records::*;
use crate::text::fold;

/// A problem with one value of a row: the column (index in the header) and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub column: Option<usize>,
    pub key: ErrKey,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClientRow {
    pub source_id: String,
    pub data: ClientData,
    /// E.164 forms of phone1 / phone2 ("" when empty or unreadable).
    pub phone1_e164: String,
    pub phone2_e164: String,
    /// A phone was present but could not be read: kept as typed, flagged for a person to check.
    pub phone_flag: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PetRow {
    pub source_id: String,
    pub client_source_id: String,
    /// `client_id` is a placeholder: the store resolves `client_source_id`.
    pub data: PetData,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VisitRow {
    pub source_id: String,
    pub pet_source_id: String,
    /// `pet_id` and `staff_id` are placeholders: the store resolves them.
    pub data: VisitData,
    pub staff_name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppointmentRow {
    pub source_id: String,
    pub pet_source_id: String,
    pub data: AppointmentData,
    pub staff_name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TreatmentRow {
    pub source_id: String,
    pub pet_source_id: String,
    pub kind: TreatmentKind,
    pub product: String,
    pub applied_on: NaiveDate,
    pub next_due_on: Option<NaiveDate>,
}

/// What one row carries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportRow {
    pub client: Option<ClientRow>,
    pub pet: Option<PetRow>,
    pub visit: Option<VisitRow>,
    pub appointment: Option<AppointmentRow>,
    pub treatment: Option<TreatmentRow>,
}

/// The clinic's clock and country, for dates and phones.
pub struct RowContext<'a, Tz: TimeZone> {
    pub tz: &'a Tz,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub country: &'a str,
}

/// The user's choices that change how a row reads (from [`super::ImportOptions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowOptions {
    /// Without a visit-type column, a visit's kind is read from its reason
    /// ([`infer_visit_kind`]); off, it is a consultation.
    pub infer_kind: bool,
}

impl Default for RowOptions {
    fn default() -> Self {
        RowOptions { infer_kind: true }
    }
}

impl From<&super::ImportOptions> for RowOptions {
    fn from(o: &super::ImportOptions) -> Self {
        RowOptions {
            infer_kind: o.infer_kind,
        }
    }
}

/// The time given to a visit or appointment whose export has a date but no time.
pub const DEFAULT_TIME: &str = "12:00";

/// Converts one record with the default choices ([`RowOptions::default`]).
pub fn convert<Tz: TimeZone>(
    m: &Mapping,
    rec: &StringRecord,
    ctx: &RowContext<Tz>,
) -> Result<ImportRow, Vec<RowError>> {
    convert_with(m, rec, ctx, RowOptions::default())
}

/// Converts one record. `Err` lists every problem found (the row is rejected as a whole).
pub fn convert_with<Tz: TimeZone>(
    m: &Mapping,
    rec: &StringRecord,
    ctx: &RowContext<Tz>,
    opts: RowOptions,
) -> Result<ImportRow, Vec<RowError>> {
    convert_next(m, rec, ctx, opts, &mut Repeats::default())
}

/// The client and the pet of the previous row, with the values they were read from. A file
/// with one row per visit repeats its client's and its pet's columns on each of their visits:
/// the same values make the same record and the same problems, so [`convert_next`] reads
/// them once and copies them while they repeat.
#[derive(Default)]
pub struct Repeats {
    client: Memo<ClientRow>,
    pet: Memo<PetRow>,
}

struct Memo<T> {
    /// The values the remembered part was read from, each after its length.
    from: Vec<u8>,
    next: Vec<u8>,
    made: Option<(Option<T>, Vec<RowError>)>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            from: Vec::new(),
            next: Vec::new(),
            made: None,
        }
    }
}

impl<T: Clone> Memo<T> {
    /// The part read from `values` by `read`, or a copy of the previous one when `values` are
    /// those it was read from; its problems are added to `errs` either way.
    fn part<'v>(
        &mut self,
        values: impl Iterator<Item = &'v str>,
        errs: &mut Vec<RowError>,
        read: impl FnOnce(&mut Vec<RowError>) -> Option<T>,
    ) -> Option<T> {
        self.next.clear();
        for v in values {
            self.next.extend_from_slice(&v.len().to_le_bytes());
            self.next.extend_from_slice(v.as_bytes());
        }
        let same = self.made.is_some() && self.next == self.from;
        if !same {
            std::mem::swap(&mut self.from, &mut self.next);
            let mut own = Vec::new();
            let part = read(&mut own);
            self.made = Some((part, own));
        }
        let (part, own) = self.made.as_ref().expect("made above");
        errs.extend_from_slice(own);
        part.clone()
    }
}

impl Reader<'_> {
    /// Every value of the columns holding one of `fields`, as written (untrimmed).
    fn values<'f>(&'f self, fields: &'f [Field]) -> impl Iterator<Item = &'f str> + 'f {
        self.m
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| fields.contains(f))
            .map(|(i, _)| self.rec.get(i).unwrap_or(""))
    }
}

/// [`convert_with`] for the next record of a file: the client and the pet are copied from the
/// previous row when their columns repeat it ([`Repeats`]); the result is the same.
pub fn convert_next<Tz: TimeZone>(
    m: &Mapping,
    rec: &StringRecord,
    ctx: &RowContext<Tz>,
    opts: RowOptions,
    repeats: &mut Repeats,
) -> Result<ImportRow, Vec<RowError>> {
    use super::fields::{CLIENT_FIELDS, PET_FIELDS};
    let mut errs: Vec<RowError> = Vec::new();
    let r = Reader { m, rec, opts };
    let mut row = ImportRow::default();
    let mut client_part = |errs: &mut Vec<RowError>| {
        repeats
            .client
            .part(r.values(&CLIENT_FIELDS), errs, |e| client(&r, ctx, e))
    };
    match m.shape {
        Shape::Clients => row.client = client_part(&mut errs),
        Shape::Combined => {
            row.client = client_part(&mut errs);
            let visit_cols = super::fields::VISIT_FIELDS.iter().any(|f| m.has(*f));
            let client_sid = r.get(Field::ClientId);
            if visit_cols || !r.get(Field::PetName).is_empty() || !r.get(Field::PetId).is_empty() {
                let pet_sid = match r.get(Field::PetId) {
                    "" => format!("{client_sid}/{}", fold(r.get(Field::PetName))),
                    s => s.to_owned(),
                };
                let ids = [pet_sid.as_str(), client_sid];
                row.pet = repeats.pet.part(
                    ids.into_iter().chain(r.values(&PET_FIELDS)),
                    &mut errs,
                    |e| pet(&r, ctx, e, pet_sid.clone(), client_sid.to_owned()),
                );
                if visit_cols {
                    row.visit = visit(&r, ctx, &mut errs, pet_sid);
                }
            }
        }
        Shape::Pets => {
            let client_sid = r.required(Field::ClientId, &mut errs);
            let pet_sid = r.required(Field::PetId, &mut errs);
            row.pet = pet(&r, ctx, &mut errs, pet_sid, client_sid);
        }
        Shape::Visits => {
            let pet_sid = r.required(Field::PetId, &mut errs);
            row.visit = visit(&r, ctx, &mut errs, pet_sid);
        }
        Shape::Appointments => {
            let pet_sid = r.required(Field::PetId, &mut errs);
            row.appointment = appointment(&r, ctx, &mut errs, pet_sid);
        }
        Shape::Vaccinations => {
            let pet_sid = r.required(Field::PetId, &mut errs);
            row.treatment = treatment(&r, &mut errs, pet_sid);
        }
    }
    if errs.is_empty() {
        Ok(row)
    } else {
        errs.sort_by_key(|e| e.column);
        errs.dedup();
        Err(errs)
    }
}

struct Reader<'a> {
    m: &'a Mapping,
    rec: &'a StringRecord,
    opts: RowOptions,
}

impl Reader<'_> {
    fn get(&self, f: Field) -> &str {
        self.m
            .column(f)
            .and_then(|i| self.rec.get(i))
            .map(str::trim)
            .unwrap_or("")
    }
    fn col(&self, f: Field) -> Option<usize> {
        self.m.column(f)
    }
    fn err(&self, errs: &mut Vec<RowError>, f: Field, key: ErrKey) {
        errs.push(RowError {
            column: self.col(f),
            key,
        });
    }
    fn required(&self, f: Field, errs: &mut Vec<RowError>) -> String {
        let v = self.get(f);
        if v.is_empty() {
            self.err(errs, f, "err.required");
        }
        v.to_owned()
    }
    /// Several surname columns ("Apellido 1", "Apellido 2") are joined.
    fn surnames(&self) -> String {
        self.m
            .columns(Field::Surnames)
            .filter_map(|i| self.rec.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
    /// Moves a form's field errors onto the columns they came from.
    fn form_errors(&self, errs: &mut Vec<RowError>, invalid: Invalid, to: impl Fn(&str) -> Field) {
        for e in invalid.0 {
            errs.push(RowError {
                column: self.col(to(e.field)),
                key: e.key,
            });
        }
    }
}

/// Splits one full-name column: "Núñez Peña, María" (surnames first, with a comma) or
/// "María José Núñez Peña" (the last two words, with their particles "de", "del", "la"…,
/// are the surnames; with two words the last one).
pub fn split_full_name(s: &str) -> (String, String) {
    let s = s.trim();
    if let Some((surnames, first)) = s.split_once(',') {
        return (first.trim().to_owned(), surnames.trim().to_owned());
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() < 2 {
        return (s.to_owned(), String::new());
    }
    let particle = |w: &str| {
        matches!(
            fold(w).as_str(),
            "de" | "del" | "la" | "las" | "los" | "y" | "san" | "da" | "van" | "von"
        )
    };
    if words.len() == 2 {
        return (words[0].to_owned(), words[1].to_owned());
    }
    // Two surnames from the end, each with the particles before it ("de la Fuente"), leaving
    // at least one word for the first name.
    let mut start = words.len();
    for _ in 0..2 {
        if start <= 1 {
            break;
        }
        start -= 1;
        while start > 1 && particle(words[start - 1]) {
            start -= 1;
        }
    }
    (words[..start].join(" "), words[start..].join(" "))
}

fn client<Tz: TimeZone>(
    r: &Reader,
    ctx: &RowContext<Tz>,
    errs: &mut Vec<RowError>,
) -> Option<ClientRow> {
    let source_id = r.required(Field::ClientId, errs);
    let name_field = if r.m.has(Field::FirstName) {
        Field::FirstName
    } else {
        Field::FullName
    };
    let (first_name, surnames) = if name_field == Field::FirstName {
        (r.get(Field::FirstName).to_owned(), r.surnames())
    } else {
        split_full_name(r.get(Field::FullName))
    };
    let mut flag = false;
    let mut phones: [(String, String, String); 2] = Default::default(); // (for the form, kept, e164)
    for (i, f) in [Field::Phone, Field::Phone2].into_iter().enumerate() {
        let raw = r.get(f);
        if raw.is_empty() {
            continue;
        }
        let kept = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        match parse::phone(raw) {
            Err("err.phone_letters") => {
                r.err(errs, f, "err.phone_letters");
                // A stand-in keeps the form from adding "no contact" to the same problem.
                phones[i] = ("600000000".into(), kept, String::new());
            }
            Ok(tidy) => {
                let e164 = phone::to_e164(&tidy, ctx.country);
                flag |= e164.is_none();
                phones[i] = (tidy.clone(), tidy, e164.unwrap_or_default());
            }
            Err(_) => {
                // Unreadable but not wrong: kept as typed and flagged; a valid stand-in lets the
                // form check the rest.
                flag = true;
                phones[i] = ("600000000".into(), kept, String::new());
            }
        }
    }
    let channel = match fold(r.get(Field::PreferredChannel)).as_str() {
        "" => {
            if !phones[0].0.is_empty() || !phones[1].0.is_empty() || r.get(Field::Email).is_empty()
            {
                "telefono"
            } else {
                "email"
            }
        }
        "telefono" | "phone" | "llamada" | "tel" | "sms" | "movil" | "call" => "telefono",
        "whatsapp" | "wa" | "whats app" => "whatsapp",
        "email" | "e mail" | "correo" | "mail" | "correo electronico" => "email",
        _ => {
            r.err(errs, Field::PreferredChannel, "err.import_value_unknown");
            "telefono"
        }
    };
    let yes_no = |f: Field, default: bool, errs: &mut Vec<RowError>| match r.get(f) {
        "" => default,
        v => parse::boolean(v).unwrap_or_else(|k| {
            r.err(errs, f, k);
            default
        }),
    };
    let consent_care = yes_no(Field::ConsentCare, true, errs);
    let consent_commercial = yes_no(Field::ConsentCommercial, false, errs);
    let form = ClientForm {
        title: String::new(),
        id: None,
        first_name,
        surnames,
        phone1: phones[0].0.clone(),
        phone2: phones[1].0.clone(),
        email: r.get(Field::Email).to_owned(),
        address: r.get(Field::Address).to_owned(),
        preferred_channel: channel.into(),
        consent_care,
        consent_commercial,
        consent_how: "importacion".into(),
        recorded_by: None,
        notes: r.get(Field::ClientNotes).to_owned(),
        version: None,
    };
    match form.validate() {
        Ok(mut data) => {
            data.phone1 = std::mem::take(&mut phones[0].1);
            data.phone2 = std::mem::take(&mut phones[1].1);
            Some(ClientRow {
                source_id,
                data,
                phone1_e164: std::mem::take(&mut phones[0].2),
                phone2_e164: std::mem::take(&mut phones[1].2),
                phone_flag: flag,
            })
        }
        Err(e) => {
            let surname_field = if name_field == Field::FirstName {
                Field::Surnames
            } else {
                Field::FullName
            };
            r.form_errors(errs, e, |f| match f {
                "firstName" => name_field,
                "surnames" => surname_field,
                "phone1" if !r.m.has(Field::Phone) && !r.m.has(Field::Phone2) => Field::Email,
                "phone1" => Field::Phone,
                "phone2" => Field::Phone2,
                "email" => Field::Email,
                "address" => Field::Address,
                "notes" => Field::ClientNotes,
                _ => Field::PreferredChannel,
            });
            None
        }
    }
}

/// "24/11/2026 19:30:00" → ("24/11/2026", Some("19:30")); "2026-11-24" → ("24/11/2026", None).
pub fn split_date_time(s: &str) -> (String, Option<String>) {
    let s = s.trim();
    let (d, t) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    };
    let d = match d.split('-').collect::<Vec<_>>()[..] {
        [y, m, day] if y.len() == 4 => format!("{day}/{m}/{y}"),
        _ => d.to_owned(),
    };
    (d, t.filter(|t| !t.is_empty()).map(tidy_time))
}

/// "19:30:00" → "19:30" (Excel adds seconds).
fn tidy_time(t: &str) -> String {
    let t = t.trim();
    match t.splitn(3, ':').collect::<Vec<_>>()[..] {
        [h, m, s] if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) => format!("{h}:{m}"),
        _ => t.to_owned(),
    }
}

fn species(s: &str) -> Species {
    let f = fold(s);
    let has = |set: &[&str]| f.split(' ').any(|w| set.contains(&w));
    if has(&[
        "perro", "perra", "canino", "canina", "can", "dog", "canine", "cachorro",
    ]) {
        Species::Dog
    } else if has(&[
        "gato", "gata", "felino", "felina", "cat", "feline", "gatito",
    ]) {
        Species::Cat
    } else if has(&["conejo", "coneja", "rabbit", "lagomorfo"]) {
        Species::Rabbit
    } else if has(&[
        "ave",
        "aves",
        "pajaro",
        "loro",
        "periquito",
        "canario",
        "agapornis",
        "cacatua",
        "bird",
        "parrot",
        "ninfa",
    ]) {
        Species::Bird
    } else if has(&["huron", "ferret"]) {
        Species::Ferret
    } else if has(&[
        "roedor",
        "hamster",
        "cobaya",
        "cobayo",
        "raton",
        "rata",
        "chinchilla",
        "jerbo",
        "rodent",
        "guinea",
        "degu",
    ]) {
        Species::Rodent
    } else if has(&[
        "reptil",
        "tortuga",
        "iguana",
        "serpiente",
        "gecko",
        "lagarto",
        "reptile",
        "turtle",
        "tortoise",
        "snake",
        "camaleon",
    ]) {
        Species::Reptile
    } else {
        Species::Other
    }
}

fn sex(s: &str) -> Sex {
    let f = fold(s);
    let first = f.split(' ').next().unwrap_or("");
    match first {
        "macho" | "m" | "male" | "masculino" | "entero" | "castrado" => Sex::Male,
        "hembra" | "h" | "f" | "female" | "femenino" | "esterilizada" | "castrada" => Sex::Female,
        _ => Sex::Unknown,
    }
}

/// A "deceased" column's value: yes / no ("Sí", "1", "x"…), or the words exports write
/// ("Fallecido", "Fallecida", "Muerto", "Deceased", "Eutanasia"; "Vivo", "Alive").
fn deceased_flag(s: &str) -> Result<bool, ErrKey> {
    let f = fold(s);
    let words: Vec<&str> = f.split(' ').collect();
    let has = |set: &[&str]| words.iter().any(|w| set.contains(w));
    if words.first() == Some(&"no") {
        return Ok(false);
    }
    if has(&[
        "fallecido",
        "fallecida",
        "fallecio",
        "fallecimiento",
        "muerto",
        "muerta",
        "difunto",
        "difunta",
        "deceased",
        "dead",
        "died",
        "eutanasia",
        "eutanasiado",
        "eutanasiada",
        "euthanasia",
        "euthanised",
        "euthanized",
    ]) {
        return Ok(true);
    }
    if has(&[
        "vivo", "viva", "alive", "living", "activo", "activa", "active",
    ]) {
        return Ok(false);
    }
    parse::boolean(s)
}

fn pet<Tz: TimeZone>(
    r: &Reader,
    ctx: &RowContext<Tz>,
    errs: &mut Vec<RowError>,
    source_id: String,
    client_source_id: String,
) -> Option<PetRow> {
    let deceased_text = r.get(Field::Deceased);
    let deceased_on = split_date_time(r.get(Field::DeceasedOn)).0;
    let deceased = match deceased_text {
        "" => false,
        v => deceased_flag(v).unwrap_or_else(|k| {
            r.err(errs, Field::Deceased, k);
            false
        }),
    } || !deceased_on.is_empty();
    let form = PetForm {
        id: None,
        client_id: Some(ClientId(0)),
        name: r.get(Field::PetName).to_owned(),
        species: species(r.get(Field::Species)).as_str().into(),
        breed: r.get(Field::Breed).to_owned(),
        sex: sex(r.get(Field::Sex)).as_str().into(),
        birth_date: split_date_time(r.get(Field::BirthDate)).0,
        deceased,
        // "Sí" without a day: deceased on a day the file does not know (never today).
        deceased_date_unknown: true,
        deceased_on,
        notes: r.get(Field::PetNotes).to_owned(),
        version: None,
    };
    match form.validate(ctx.today) {
        Ok(data) => Some(PetRow {
            source_id,
            client_source_id,
            data,
        }),
        Err(e) => {
            r.form_errors(errs, e, |f| match f {
                "name" => Field::PetName,
                "birthDate" => Field::BirthDate,
                "deceasedOn" => Field::DeceasedOn,
                "breed" => Field::Breed,
                "notes" => Field::PetNotes,
                _ => Field::Species,
            });
            None
        }
    }
}

/// The date and time of a visit or appointment: a date column that may carry the time, and
/// an optional time column.
fn when(r: &Reader, date: Field, time: Field) -> (String, String) {
    let (d, t) = split_date_time(r.get(date));
    let t = match r.get(time) {
        "" => t.unwrap_or_else(|| DEFAULT_TIME.into()),
        t => tidy_time(t),
    };
    (d, t)
}

fn visit_kind(s: &str) -> VisitKind {
    let f = fold(s);
    let has = |set: &[&str]| f.split(' ').any(|w| set.contains(&w));
    if f.is_empty() {
        VisitKind::Illness
    } else if has(&[
        "urgencia",
        "urgencias",
        "emergencia",
        "emergency",
        "urgente",
    ]) {
        VisitKind::Emergency
    } else if has(&[
        "cirugia",
        "operacion",
        "quirurgica",
        "quirurgico",
        "intervencion",
        "surgery",
        "castracion",
        "esterilizacion",
        "quirofano",
    ]) {
        VisitKind::Surgery
    } else if has(&["alta", "discharge", "hospitalizacion", "hospitalization"]) {
        VisitKind::Discharge
    } else if has(&["vacuna", "vacunacion", "vaccination", "vaccine", "vacunas"]) {
        VisitKind::Vaccination
    } else if has(&[
        "revision",
        "control",
        "chequeo",
        "checkup",
        "check",
        "seguimiento",
        "recheck",
    ]) {
        VisitKind::Checkup
    } else if has(&[
        "consulta",
        "enfermedad",
        "illness",
        "consultation",
        "visita",
        "visit",
        "general",
    ]) {
        VisitKind::Illness
    } else {
        VisitKind::Other
    }
}

/// The order in which a reason's kinds are chosen when it names several: the one whose
/// follow-up matters most first ("Revisión tras cirugía" is a surgery's visit, "Vacuna y
/// control" a vaccination).
pub const INFERRED_KIND_PRIORITY: [VisitKind; 5] = [
    VisitKind::Surgery,
    VisitKind::Emergency,
    VisitKind::Discharge,
    VisitKind::Vaccination,
    VisitKind::Checkup,
];

/// The kind of visit a reason's words name, for exports without a visit-type column; `None`
/// when they name none (the visit is then a consultation). Accents and case are ignored; whole
/// words or a word's start count, never letters inside another word ("control" is not found in
/// "autocontrol"). Words that describe the animal rather than the visit are not taken
/// ("castrado", "esterilizada", "vacunado", "spayed": a castración, an esterilización, a
/// vacuna, a spay are). "Alta" is a discharge only as the reason's first word, after "de"
/// ("dado de alta") or before "hospitalaria" / "médica" / "veterinaria", never "fiebre alta";
/// an English "discharge" alone is a symptom ("nasal discharge") and is not taken.
/// Several kinds named: the first in [`INFERRED_KIND_PRIORITY`].
pub fn infer_visit_kind(reason: &str) -> Option<VisitKind> {
    let folded = fold(reason);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    INFERRED_KIND_PRIORITY
        .into_iter()
        .find(|k| (0..words.len()).any(|i| names_kind(*k, &words, i)))
}

/// Whether the `i`-th of a reason's folded words names a visit of kind `kind`.
fn names_kind(kind: VisitKind, words: &[&str], i: usize) -> bool {
    let w = words[i];
    let prev = i.checked_sub(1).map(|j| words[j]);
    let next = words.get(i + 1).copied();
    let exact = |set: &[&str]| set.contains(&w);
    let starts = |stems: &[&str]| stems.iter().any(|s| w.starts_with(s));
    // "vacunado", "vaccinated": what the animal is, not what the visit was.
    let participle = ["ado", "ada", "ados", "adas", "ated"]
        .iter()
        .any(|e| w.ends_with(e));
    match kind {
        VisitKind::Surgery => {
            starts(&["cirug", "quirurg", "ovariohisterectom"])
                || w.ends_with("ectomia")
                || w.ends_with("ectomy")
                || exact(&[
                    "operacion",
                    "operaciones",
                    "castracion",
                    "castraciones",
                    "esterilizacion",
                    "esterilizaciones",
                    "extirpacion",
                    "extirpaciones",
                    "quirofano",
                    "surgery",
                    "surgeries",
                    "surgical",
                    "spay",
                    "spaying",
                    "neuter",
                    "neutering",
                ])
        }
        VisitKind::Emergency => starts(&["urgen", "emergenc"]),
        VisitKind::Discharge => {
            starts(&["hospital"])
                || w == "discharged"
                || (w == "alta"
                    && (i == 0
                        || prev == Some("de")
                        || matches!(next, Some("hospitalaria" | "medica" | "veterinaria"))))
        }
        VisitKind::Vaccination => {
            (starts(&["vacun", "revacun", "vaccin", "antirrab"]) && !participle)
                || exact(&["rabia", "rabies"])
        }
        VisitKind::Checkup => {
            exact(&[
                "revision",
                "revisiones",
                "control",
                "controles",
                "chequeo",
                "chequeos",
                "seguimiento",
                "reconsulta",
                "checkup",
                "checkups",
                "recheck",
                "followup",
            ]) || (matches!(w, "check" | "follow") && next == Some("up"))
        }
        _ => false,
    }
}

fn severity(s: &str) -> Option<Severity> {
    match fold(s).as_str() {
        "" | "leve" | "mild" | "low" | "baja" | "bajo" | "leves" | "1" => Some(Severity::Mild),
        "moderada" | "moderado" | "moderate" | "media" | "medio" | "medium" | "2" => {
            Some(Severity::Moderate)
        }
        "grave" | "severe" | "alta" | "alto" | "high" | "critica" | "critico" | "serious" | "3" => {
            Some(Severity::Severe)
        }
        _ => None,
    }
}

/// A visit's kind: from its type column, else from its reason when asked
/// ([`RowOptions::infer_kind`]), else a consultation.
fn visit_kind_of(r: &Reader) -> VisitKind {
    if r.m.has(Field::VisitKind) {
        visit_kind(r.get(Field::VisitKind))
    } else if r.opts.infer_kind {
        infer_visit_kind(r.get(Field::Reason)).unwrap_or(VisitKind::Illness)
    } else {
        VisitKind::Illness
    }
}

fn visit<Tz: TimeZone>(
    r: &Reader,
    ctx: &RowContext<Tz>,
    errs: &mut Vec<RowError>,
    pet_sid: String,
) -> Option<VisitRow> {
    let (date, time) = when(r, Field::VisitDate, Field::VisitTime);
    let sev = severity(r.get(Field::Severity));
    if sev.is_none() {
        r.err(errs, Field::Severity, "err.import_value_unknown");
    }
    let form = VisitForm {
        id: None,
        pet_id: Some(PetId(0)),
        staff_id: None,
        date,
        time,
        kind: visit_kind_of(r).as_str().into(),
        severity: sev.unwrap_or(Severity::Mild).as_str().into(),
        reason: r.get(Field::Reason).to_owned(),
        amount: r.get(Field::Amount).to_owned(),
        treatments: Vec::new(),
    };
    let time_col = if r.m.has(Field::VisitTime) {
        Field::VisitTime
    } else {
        Field::VisitDate
    };
    match form.validate(ctx.tz, ctx.now) {
        Ok(data) => {
            let source_id = match r.get(Field::VisitId) {
                "" => format!("{pet_sid}@{}", data.at.format("%Y-%m-%dT%H:%M")),
                s => s.to_owned(),
            };
            Some(VisitRow {
                source_id,
                pet_source_id: pet_sid,
                data,
                staff_name: r.get(Field::Staff).to_owned(),
            })
        }
        Err(e) => {
            r.form_errors(errs, e, |f| match f {
                "date" => Field::VisitDate,
                "time" => time_col,
                "amount" => Field::Amount,
                "reason" => Field::Reason,
                "kind" => Field::VisitKind,
                _ => Field::Severity,
            });
            None
        }
    }
}

fn appointment<Tz: TimeZone>(
    r: &Reader,
    ctx: &RowContext<Tz>,
    errs: &mut Vec<RowError>,
    pet_sid: String,
) -> Option<AppointmentRow> {
    let (date, time) = when(r, Field::AppointmentDate, Field::AppointmentTime);
    let status = match fold(r.get(Field::AppointmentStatus)).as_str() {
        "" | "programada" | "pendiente" | "scheduled" | "confirmada" | "reservada" | "booked"
        | "pending" => AppointmentStatus::Scheduled,
        "cancelada" | "anulada" | "cancelled" | "canceled" | "no asistio" | "no show" => {
            AppointmentStatus::Cancelled
        }
        "realizada" | "hecha" | "done" | "completada" | "atendida" | "completed" | "finalizada" => {
            AppointmentStatus::Done
        }
        _ => {
            r.err(errs, Field::AppointmentStatus, "err.import_value_unknown");
            AppointmentStatus::Scheduled
        }
    };
    // An existing id lets a past appointment through: the export holds the clinic's history.
    let form = AppointmentForm {
        id: Some(AppointmentId(0)),
        pet_id: Some(PetId(0)),
        staff_id: None,
        date,
        time,
        duration_min: r.get(Field::Duration).to_owned(),
        reason: r.get(Field::AppointmentReason).to_owned(),
    };
    let time_col = if r.m.has(Field::AppointmentTime) {
        Field::AppointmentTime
    } else {
        Field::AppointmentDate
    };
    match form.validate(ctx.tz, ctx.now) {
        Ok(mut data) => {
            data.status = status;
            let source_id = match r.get(Field::AppointmentId) {
                "" => format!("{pet_sid}@cita@{}", data.starts_at.format("%Y-%m-%dT%H:%M")),
                s => s.to_owned(),
            };
            Some(AppointmentRow {
                source_id,
                pet_source_id: pet_sid,
                data,
                staff_name: r.get(Field::Staff).to_owned(),
            })
        }
        Err(e) => {
            r.form_errors(errs, e, |f| match f {
                "date" => Field::AppointmentDate,
                "time" => time_col,
                "durationMin" => Field::Duration,
                _ => Field::AppointmentReason,
            });
            None
        }
    }
}

fn treatment(r: &Reader, errs: &mut Vec<RowError>, pet_sid: String) -> Option<TreatmentRow> {
    let date = |f: Field, errs: &mut Vec<RowError>| -> Option<NaiveDate> {
        parse::optional_date(&split_date_time(r.get(f)).0).unwrap_or_else(|k| {
            r.err(errs, f, k);
            None
        })
    };
    let applied_on = date(Field::AppliedOn, errs);
    if applied_on.is_none() && r.get(Field::AppliedOn).is_empty() {
        r.err(errs, Field::AppliedOn, "err.required");
    }
    let next_due_on = date(Field::NextDueOn, errs);
    if let (Some(a), Some(n)) = (applied_on, next_due_on) {
        if n < a {
            r.err(errs, Field::NextDueOn, "err.import_next_before_applied");
        }
    }
    let kind = TreatmentKind::from_text(r.get(Field::TreatmentKind));
    let product = r.get(Field::Product).to_owned();
    let applied_on = applied_on?;
    if !errs.is_empty() {
        return None;
    }
    let source_id = match r.get(Field::TreatmentId) {
        "" => format!(
            "{pet_sid}@{}@{}@{}",
            kind.as_str(),
            applied_on,
            fold(&product)
        ),
        s => s.to_owned(),
    };
    Some(TreatmentRow {
        source_id,
        pet_source_id: pet_sid,
        kind,
        product,
        applied_on,
        next_due_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    /// A clinic in Spain on 3 December 2026, 10:00 UTC.
    fn spain_on_dec_3() -> RowContext<'static, Utc> {
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap();
        RowContext {
            tz: &Utc,
            now,
            today: now.date_naive(),
            country: "ES",
        }
    }

    #[test]
    fn full_names_are_split_sensibly() {
        let s = |x: &str| split_full_name(x);
        assert_eq!(
            s("Núñez Peña, María"),
            ("María".into(), "Núñez Peña".into())
        );
        assert_eq!(
            s("María José Núñez Peña"),
            ("María José".into(), "Núñez Peña".into())
        );
        assert_eq!(
            s("Juan de la Fuente García"),
            ("Juan".into(), "de la Fuente García".into())
        );
        assert_eq!(s("Ana García"), ("Ana".into(), "García".into()));
        assert_eq!(
            s("Íñigo Martínez de la Fuente"),
            ("Íñigo".into(), "Martínez de la Fuente".into())
        );
        assert_eq!(s("Cher"), ("Cher".into(), "".into()));
    }

    #[test]
    fn dates_with_times_and_iso_dates() {
        assert_eq!(
            split_date_time("24/11/2026 19:30:00"),
            ("24/11/2026".into(), Some("19:30".into()))
        );
        assert_eq!(split_date_time("2026-11-24"), ("24/11/2026".into(), None));
        assert_eq!(
            split_date_time("24/11/26 9:05"),
            ("24/11/26".into(), Some("9:05".into()))
        );
    }

    #[test]
    fn words_map_to_our_lists() {
        assert_eq!(species("Canino"), Species::Dog);
        assert_eq!(species("FELINO"), Species::Cat);
        assert_eq!(species("Pájaro"), Species::Bird);
        assert_eq!(species("Cobaya"), Species::Rodent);
        assert_eq!(species("Caballo"), Species::Other);
        assert_eq!(sex("Hembra esterilizada"), Sex::Female);
        assert_eq!(sex("M"), Sex::Male);
        assert_eq!(visit_kind("Cirugía"), VisitKind::Surgery);
        assert_eq!(visit_kind("Vacunación anual"), VisitKind::Vaccination);
        assert_eq!(visit_kind("Revisión"), VisitKind::Checkup);
        assert_eq!(visit_kind("Urgencias"), VisitKind::Emergency);
        assert_eq!(visit_kind("Peluquería"), VisitKind::Other);
        assert_eq!(severity("Moderada"), Some(Severity::Moderate));
        assert_eq!(severity("regular"), None);
    }

    #[test]
    fn a_deceased_column_in_words() {
        for yes in [
            "Sí",
            "si",
            "S",
            "1",
            "x",
            "yes",
            "Fallecido",
            "FALLECIDA",
            "Fallecido/a",
            "Deceased",
            "Eutanasia",
        ] {
            assert_eq!(deceased_flag(yes), Ok(true), "{yes}");
        }
        for no in ["No", "n", "0", "Vivo", "viva", "Alive", "No fallecido", ""] {
            assert_eq!(deceased_flag(no), Ok(false), "{no}");
        }
        assert_eq!(deceased_flag("quizá"), Err("err.boolean"));
    }

    /// One pets-file row with these "deceased" and "date of death" values.
    fn pet_row(deceased: &str, on: &str) -> Result<PetData, Vec<RowError>> {
        use Field::*;
        let m = Mapping {
            headers: [
                "ID",
                "ID Cliente",
                "Nombre",
                "Especie",
                "Fallecido",
                "Fecha fallecimiento",
            ]
            .map(String::from)
            .to_vec(),
            fields: vec![PetId, ClientId, PetName, Species, Deceased, DeceasedOn],
            shape: Shape::Pets,
        };
        let ctx = spain_on_dec_3();
        let rec = StringRecord::from(vec!["P1", "C1", "Rocco", "Perro", deceased, on]);
        convert(&m, &rec, &ctx).map(|r| r.pet.expect("a pet").data)
    }

    #[test]
    fn deceased_without_a_date_keeps_the_date_unknown() {
        let d = |deceased, on| {
            let p = pet_row(deceased, on).expect("the row converts");
            (p.deceased, p.deceased_on.map(|d| d.to_string()))
        };
        assert_eq!(d("Sí", ""), (true, None), "not today");
        assert_eq!(d("fallecido", ""), (true, None));
        assert_eq!(d("yes", ""), (true, None));
        assert_eq!(d("Sí", "14/02/2024"), (true, Some("2024-02-14".into())));
        assert_eq!(d("", "14/02/2024"), (true, Some("2024-02-14".into())));
        assert_eq!(d("No", ""), (false, None));
        assert_eq!(d("", ""), (false, None));
    }

    #[test]
    fn a_reason_names_the_kind_of_visit() {
        use VisitKind::*;
        let cases: &[(&str, VisitKind)] = &[
            ("Cirugía", Surgery),
            ("cirugia menor", Surgery),
            ("Operación de rodilla", Surgery),
            ("Castración", Surgery),
            ("Esterilización gata", Surgery),
            ("Extirpación de nódulo", Surgery),
            ("Intervención quirúrgica", Surgery),
            ("Mastectomía", Surgery),
            ("Surgery follow", Surgery),
            ("Spay", Surgery),
            ("Neuter", Surgery),
            ("Vacuna", Vaccination),
            ("Vacunación anual", Vaccination),
            ("vacunas", Vaccination),
            ("Revacunación", Vaccination),
            ("Rabia", Vaccination),
            ("Antirrábica", Vaccination),
            ("Vaccine booster", Vaccination),
            ("Vaccination", Vaccination),
            ("Revisión", Checkup),
            ("Control de peso", Checkup),
            ("Seguimiento dermatitis", Checkup),
            ("Check-up", Checkup),
            ("Annual checkup", Checkup),
            ("Urgencia", Emergency),
            ("Urgencias nocturnas", Emergency),
            ("Vómitos, urgente", Emergency),
            ("Emergencia", Emergency),
            ("Emergency", Emergency),
            ("Alta", Discharge),
            ("Dado de alta", Discharge),
            ("Alta hospitalaria", Discharge),
            ("Hospitalización", Discharge),
            ("Hospitalized overnight", Discharge),
        ];
        for (reason, want) in cases {
            assert_eq!(infer_visit_kind(reason), Some(*want), "{reason}");
        }
    }

    #[test]
    fn accents_and_case_do_not_matter() {
        for reason in ["CIRUGÍA", "cirugía", "Cirugia", "CiRuGiA"] {
            assert_eq!(
                infer_visit_kind(reason),
                Some(VisitKind::Surgery),
                "{reason}"
            );
        }
        for reason in ["VACUNACIÓN", "vacunacion", "REVISION", "revisión"] {
            assert!(infer_visit_kind(reason).is_some(), "{reason}");
        }
    }

    #[test]
    fn words_inside_other_words_or_describing_the_animal_are_not_kinds() {
        for reason in [
            "Vómitos desde ayer",
            "Autocontrol de glucosa",
            "Fiebre alta",
            "Tensión alta, saltar le duele",
            "Nasal discharge",
            "Macho castrado, cojera",
            "Gata esterilizada con tos",
            "Perro vacunado, diarrea",
            "Spayed female, itching",
            "Descontrolado",
            "",
        ] {
            assert_eq!(infer_visit_kind(reason), None, "{reason}");
        }
    }

    #[test]
    fn a_reason_with_two_kinds_gets_the_one_whose_follow_up_matters_most() {
        use VisitKind::*;
        let cases: &[(&str, VisitKind)] = &[
            ("Revisión tras cirugía", Surgery),
            ("Alta tras castración", Surgery),
            ("Urgencia: cirugía de urgencia", Surgery),
            ("Urgencia, hospitalización", Emergency),
            ("Vacuna de urgencia", Emergency),
            ("Hospitalización y vacuna", Discharge),
            ("Vacuna y control", Vaccination),
            ("Control y vacuna", Vaccination),
        ];
        for (reason, want) in cases {
            assert_eq!(infer_visit_kind(reason), Some(*want), "{reason}");
        }
        assert_eq!(
            INFERRED_KIND_PRIORITY,
            [Surgery, Emergency, Discharge, Vaccination, Checkup]
        );
    }

    /// A file's rows read one after another (the client and pet of the previous row copied
    /// while they repeat) give what each row read on its own gives: records and problems
    /// alike, whatever repeats, changes by a space, or is wrong.
    #[test]
    fn repeated_clients_and_pets_read_as_when_read_alone() {
        use proptest::prelude::*;
        use Field::*;
        let m = Mapping {
            headers: [
                "Cód. Cliente",
                "Nombre",
                "Apellido 1",
                "Apellido 2",
                "Teléfono",
                "Email",
                "Nº Mascota",
                "Mascota",
                "Especie",
                "Nacimiento",
                "Fecha",
                "Motivo",
            ]
            .map(String::from)
            .to_vec(),
            fields: vec![
                ClientId, FirstName, Surnames, Surnames, Phone, Email, PetId, PetName, Species,
                BirthDate, VisitDate, Reason,
            ],
            shape: Shape::Combined,
        };
        // Clients and pets as a file may write them: equal, nearly equal, wrong.
        let clients: &[[&str; 6]] = &[
            [
                "C1",
                "Ana",
                "Núñez",
                "Peña",
                "612 345 678",
                "ana@example.es",
            ],
            [
                "C1",
                "Ana",
                "Núñez",
                "Peña",
                "612 345 678",
                "ana@example.es ",
            ],
            [
                "C1",
                "Ana",
                "Núñez Peña",
                "",
                "612 345 678",
                "ana@example.es",
            ],
            ["C1", "Ana", "Núñez", "Peña", "61234567X", "ana@"],
            ["C2", "", "Gil", "", "", ""],
            ["C2", "Luis", "Gil", "", "+52 55 1234 5678", ""],
            ["", "Eva", "Sanz", "", "600000000", ""],
        ];
        let pets: &[[&str; 4]] = &[
            ["P1", "Luna", "Perro", "01/02/2019"],
            ["P1", "Luna", "Perro", "31/02/2019"],
            ["", "Luna", "Gato", ""],
            ["", "Michi", "Gato", "01/02/2030"],
            ["P2", "", "Perro", ""],
        ];
        let visits: &[[&str; 2]] = &[["01/12/2026", "Vacuna"], ["32/12/2026", ""]];
        let ctx = spain_on_dec_3();
        let opts = RowOptions::default();
        proptest!(|(rows in proptest::collection::vec(
            (0..clients.len(), 0..pets.len(), 0..visits.len()), 1..24))| {
            let mut repeats = Repeats::default();
            for (c, p, v) in rows {
                let cells: Vec<&str> = clients[c].iter().chain(&pets[p]).chain(&visits[v]).copied().collect();
                let rec = StringRecord::from(cells);
                prop_assert_eq!(
                    convert_next(&m, &rec, &ctx, opts, &mut repeats),
                    convert_with(&m, &rec, &ctx, opts)
                );
            }
        });
    }

    /// One visit of a visits file with these columns, read with these choices.
    fn kind_of(headers: &[&str], fields: &[Field], values: &[&str], opts: RowOptions) -> VisitKind {
        let m = Mapping {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            fields: fields.to_vec(),
            shape: Shape::Visits,
        };
        let ctx = spain_on_dec_3();
        let rec = StringRecord::from(values.to_vec());
        convert_with(&m, &rec, &ctx, opts)
            .expect("the row converts")
            .visit
            .expect("a visit")
            .data
            .kind
    }

    #[test]
    fn the_kind_is_inferred_only_without_a_type_column_and_when_asked() {
        use Field::{PetId, Reason, VisitDate};
        let on = RowOptions { infer_kind: true };
        let off = RowOptions { infer_kind: false };
        let no_type = (
            ["ID Mascota", "Fecha", "Motivo"],
            [PetId, VisitDate, Reason],
        );
        let row = ["P1", "01/12/2026", "Cirugía: extirpación de nódulo"];
        assert_eq!(
            kind_of(&no_type.0, &no_type.1, &row, on),
            VisitKind::Surgery
        );
        assert_eq!(RowOptions::default(), on, "on unless turned off");
        assert_eq!(
            kind_of(&no_type.0, &no_type.1, &row, off),
            VisitKind::Illness,
            "off: a consultation, as before"
        );
        let quiet = ["P1", "01/12/2026", "Vómitos"];
        assert_eq!(
            kind_of(&no_type.0, &no_type.1, &quiet, on),
            VisitKind::Illness
        );
        // A type column decides, even empty: the reason is not read.
        let typed = (
            ["ID Mascota", "Fecha", "Tipo", "Motivo"],
            [PetId, VisitDate, Field::VisitKind, Reason],
        );
        let row = ["P1", "01/12/2026", "Consulta", "Cirugía"];
        assert_eq!(kind_of(&typed.0, &typed.1, &row, on), VisitKind::Illness);
        let row = ["P1", "01/12/2026", "", "Cirugía"];
        assert_eq!(kind_of(&typed.0, &typed.1, &row, on), VisitKind::Illness);
    }
}
