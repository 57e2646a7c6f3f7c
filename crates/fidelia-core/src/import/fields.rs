//! What Fidelia understands in a CSV export: the `Field` each column holds, guessed from its
//! header in Spanish or English (accents and case ignored; camel case, glued and abbreviated
//! id headers such as "CodCliente", "Cód. paciente", "Nº Mascota" or "PetID" read as words),
//! the file's `Shape`, and the header signature a chosen mapping is remembered by. A guess is
//! only a proposal: the preview shows it and the user may change it.

use serde::{Deserialize, Serialize};

use crate::text::fold;

macro_rules! fields {
    ($($variant:ident => $word:literal),* $(,)?) => {
        /// What a column holds. Serialised as camelCase words ("clientId", "visitDate"…); the
        /// window shows each through the dictionary key `import.field.<word>`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Field { $(#[serde(rename = $word)] $variant),* }
        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$variant),*];
            pub const KEY_PREFIX: &'static str = "import.field";
            pub fn as_str(self) -> &'static str { match self { $(Field::$variant => $word),* } }
            pub fn parse(s: &str) -> Option<Field> { match s { $($word => Some(Field::$variant),)* _ => None } }
        }
    };
}

fields! {
    Ignore => "ignore",
    ClientId => "clientId", FirstName => "firstName", Surnames => "surnames", FullName => "fullName",
    Phone => "phone", Phone2 => "phone2", Email => "email", Address => "address",
    PreferredChannel => "preferredChannel", ConsentCare => "consentCare", ConsentCommercial => "consentCommercial",
    ClientNotes => "clientNotes",
    PetId => "petId", PetName => "petName", Species => "species", Breed => "breed", Sex => "sex",
    BirthDate => "birthDate", Deceased => "deceased", DeceasedOn => "deceasedOn", PetNotes => "petNotes",
    VisitId => "visitId", VisitDate => "visitDate", VisitTime => "visitTime", VisitKind => "visitKind",
    Severity => "severity", Reason => "reason", Amount => "amount", Staff => "staff",
    AppointmentId => "appointmentId", AppointmentDate => "appointmentDate", AppointmentTime => "appointmentTime",
    Duration => "duration", AppointmentReason => "appointmentReason", AppointmentStatus => "appointmentStatus",
    TreatmentId => "treatmentId", TreatmentKind => "treatmentKind", Product => "product",
    AppliedOn => "appliedOn", NextDueOn => "nextDueOn",
}

/// How the export is laid out.
/// The columns a client is read from.
pub const CLIENT_FIELDS: [Field; 12] = [
    Field::ClientId,
    Field::FirstName,
    Field::Surnames,
    Field::FullName,
    Field::Phone,
    Field::Phone2,
    Field::Email,
    Field::Address,
    Field::PreferredChannel,
    Field::ConsentCare,
    Field::ConsentCommercial,
    Field::ClientNotes,
];

/// The columns a pet is read from (besides its own and its owner's ids).
pub const PET_FIELDS: [Field; 8] = [
    Field::PetName,
    Field::Species,
    Field::Breed,
    Field::Sex,
    Field::BirthDate,
    Field::Deceased,
    Field::DeceasedOn,
    Field::PetNotes,
];

/// The columns that make a visit, in a file with one row per visit.
pub const VISIT_FIELDS: [Field; 8] = [
    Field::VisitId,
    Field::VisitDate,
    Field::VisitTime,
    Field::VisitKind,
    Field::Severity,
    Field::Reason,
    Field::Amount,
    Field::Staff,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Shape {
    /// One row per visit (or per pet): client, pet and visit columns on one line.
    Combined,
    Clients,
    Pets,
    Visits,
    Appointments,
    Vaccinations,
}

impl Shape {
    pub const ALL: &'static [Shape] = &[
        Shape::Combined,
        Shape::Clients,
        Shape::Pets,
        Shape::Visits,
        Shape::Appointments,
        Shape::Vaccinations,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Combined => "combined",
            Shape::Clients => "clients",
            Shape::Pets => "pets",
            Shape::Visits => "visits",
            Shape::Appointments => "appointments",
            Shape::Vaccinations => "vaccinations",
        }
    }

    /// The columns an import of this shape cannot do without, given the fields mapped (a
    /// name is either first name + surnames or one full-name column).
    pub fn missing(self, has: impl Fn(Field) -> bool) -> Vec<Field> {
        let mut need: Vec<Field> = Vec::new();
        let name = |need: &mut Vec<Field>| {
            if !has(Field::FullName) && !has(Field::FirstName) {
                need.push(Field::FirstName);
            }
        };
        match self {
            Shape::Clients => {
                need.push(Field::ClientId);
                name(&mut need);
            }
            Shape::Combined => {
                need.push(Field::ClientId);
                name(&mut need);
                let visit = VISIT_FIELDS;
                let pet = [
                    Field::PetId,
                    Field::Species,
                    Field::Breed,
                    Field::Sex,
                    Field::BirthDate,
                    Field::Deceased,
                    Field::DeceasedOn,
                ];
                if visit.iter().chain(&pet).any(|f| has(*f)) {
                    need.push(Field::PetName);
                }
                if visit.iter().any(|f| has(*f)) {
                    need.push(Field::VisitDate);
                }
            }
            Shape::Pets => need.extend([Field::PetId, Field::ClientId, Field::PetName]),
            Shape::Visits => need.extend([Field::PetId, Field::VisitDate]),
            Shape::Appointments => need.extend([Field::PetId, Field::AppointmentDate]),
            Shape::Vaccinations => need.extend([Field::PetId, Field::AppliedOn]),
        }
        need.retain(|f| !has(*f));
        need
    }
}

/// A header's guess before the shape is known: a field, or a word that depends on the shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Guess {
    Field(Field),
    Id,
    /// The clinical record's number ("Nº historia"): the pet's id, or the client's in a file
    /// of clients.
    Record,
    Date,
    Time,
    Name,
    Kind,
    Reason,
    Notes,
    Unknown,
}

/// Words that make a column an id: "Código", "Cód.", "Nº", "Núm.", "Id.", "Ref.", "No.",
/// "Number"… ("nhc" / "historia" are handled apart: see [`is_record_number`]).
const ID: &[&str] = &[
    "id",
    "codigo",
    "cod",
    "code",
    "n",
    "no",
    "nro",
    "num",
    "numero",
    "number",
    "ref",
    "referencia",
    "reference",
];
/// The id words that also count things: "Nº de visitas" is how many, not which.
const COUNT: &[&str] = &["n", "no", "nro", "num", "numero", "number"];
const CLIENT: &[&str] = &[
    "cliente",
    "client",
    "customer",
    "propietario",
    "propietaria",
    "tutor",
    "tutora",
    "owner",
    "dueno",
    "duena",
    "titular",
];
const PET: &[&str] = &["mascota", "paciente", "animal", "pet", "patient"];
const VISIT: &[&str] = &["visita", "visit", "consulta", "consultation", "atencion"];
const APPT: &[&str] = &["cita", "appointment", "reserva", "booking"];
const TREAT: &[&str] = &[
    "vacuna",
    "vacunacion",
    "vaccine",
    "vaccination",
    "tratamiento",
    "treatment",
    "desparasitacion",
    "preventivo",
];
const DATE: &[&str] = &["fecha", "date", "dia", "day"];
const TIME: &[&str] = &["hora", "time"];
const NAME: &[&str] = &["nombre", "name", "first", "firstname", "given"];
const PHONE: &[&str] = &[
    "telefono",
    "tel",
    "tlf",
    "tfno",
    "telf",
    "phone",
    "telephone",
    "movil",
    "mobile",
    "celular",
    "fijo",
    "cell",
];
const REASON: &[&str] = &[
    "motivo",
    "reason",
    "diagnostico",
    "diagnosis",
    "concepto",
    "descripcion",
    "description",
    "asunto",
];
const KIND: &[&str] = &["tipo", "type", "clase", "kind", "categoria"];

/// What an id column may be the id of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entity {
    Client,
    Pet,
    Visit,
    Appointment,
    Treatment,
    Phone,
}

/// Short forms of the entities seen next to an id word only ("CodCli", "Id. masc.").
const CLIENT_SHORT: &[&str] = &["cli", "clte", "prop"];
const PET_SHORT: &[&str] = &["masc", "pac"];

/// The entity a folded word names, singular or plural ("clientes", "owners", "animales"),
/// with whether it was plural.
fn entity(word: &str) -> Option<(Entity, bool)> {
    let lists: [(Entity, &[&str]); 8] = [
        (Entity::Client, CLIENT),
        (Entity::Client, CLIENT_SHORT),
        (Entity::Pet, PET),
        (Entity::Pet, PET_SHORT),
        (Entity::Appointment, APPT),
        (Entity::Treatment, TREAT),
        (Entity::Visit, VISIT),
        (Entity::Phone, PHONE),
    ];
    let find = |w: &str| lists.iter().find(|(_, l)| l.contains(&w)).map(|(e, _)| *e);
    if let Some(e) = find(word) {
        return Some((e, false));
    }
    ["es", "s"].iter().find_map(|end| {
        let singular = word.strip_suffix(end)?;
        find(singular)
            .filter(|_| !singular.is_empty())
            .map(|e| (e, true))
    })
}

/// "Nº historia", "NumHistoria", "NHC": the clinical record's number, which in a veterinary
/// clinic is the patient's (the pet's).
fn is_record_number(words: &[&str]) -> bool {
    let record = words.iter().any(|w| *w == "historia" || *w == "nhc");
    record && (words.len() == 1 || words.iter().any(|w| ID.contains(w)))
}

/// Splits camel case and glued words the way exports write them: "CodCliente" → "Cod Cliente",
/// "IDCliente" → "ID Cliente", "PetID" → "Pet ID", "Telefono2" → "Telefono 2".
fn split_camel(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = (prev.is_lowercase() && c.is_uppercase())
                || (prev.is_uppercase() && c.is_uppercase() && next_lower)
                || (prev.is_alphabetic() && c.is_ascii_digit());
            if boundary {
                out.push(' ');
            }
        }
        out.push(c);
    }
    out
}

/// Id words that may be glued to an entity in one word written in one case ("CODCLIENTE",
/// "idmascota", "clienteid"); "n" and "no" are too short to be told apart from other words.
const GLUED_ID: &[&str] = &[
    "id", "cod", "codigo", "code", "nro", "num", "numero", "number", "ref",
];

/// A word that is an id word glued to an entity, as two words; else the word.
fn unglue(word: &str) -> Vec<&str> {
    let known = |w: &str| entity(w).is_some() || w == "historia" || w == "nhc";
    if !known(word) {
        for id in GLUED_ID {
            if let Some(rest) = word.strip_prefix(id).filter(|r| known(r)) {
                return vec![&word[..id.len()], rest];
            }
            if let Some(rest) = word.strip_suffix(id).filter(|r| known(r)) {
                return vec![rest, &word[rest.len()..]];
            }
        }
    }
    vec![word]
}

/// The header's folded words: camel case split, "º" and "ª" dropped, id words glued to an
/// entity separated.
fn header_words(header: &str) -> String {
    let folded = fold(&split_camel(&header.replace(['º', 'ª', '°'], " ")));
    folded
        .split(' ')
        .filter(|w| !w.is_empty())
        .flat_map(unglue)
        .collect::<Vec<_>>()
        .join(" ")
}

/// An id column's field from its words: an id word ("Código", "Cód.", "Nº", "Núm.", "Id.",
/// "Ref.", "No.", "Number") and the entity it names after it ("Nº Mascota", "Id. visita"), or
/// before it ("PetID", "Client No."). A counting word before a plural ("Nº de visitas",
/// "Number of pets") is a count, not an id. `None`: not an id (or a phone number: the phone
/// rules decide).
fn id_guess(words: &[&str]) -> Option<Guess> {
    let at = words.iter().position(|w| ID.contains(w))?;
    let named = words[at + 1..]
        .iter()
        .find_map(|w| entity(w))
        .or_else(|| words[..at].iter().rev().find_map(|w| entity(w)));
    use Field::*;
    match named {
        Some((_, true)) if words.iter().any(|w| COUNT.contains(w)) => Some(Guess::Unknown),
        Some((e, _)) => match e {
            Entity::Client => Some(Guess::Field(ClientId)),
            Entity::Pet => Some(Guess::Field(PetId)),
            Entity::Appointment => Some(Guess::Field(AppointmentId)),
            Entity::Treatment => Some(Guess::Field(TreatmentId)),
            Entity::Visit => Some(Guess::Field(VisitId)),
            Entity::Phone => None,
        },
        None if is_record_number(words) => Some(Guess::Record),
        None if words.len() == 1
            || (words.len() == 2 && words.iter().any(|w| ["registro", "record"].contains(w))) =>
        {
            Some(Guess::Id)
        }
        None => None,
    }
}

/// Guesses what a header means from its folded words. Order matters: the specific before the
/// general ("Fecha nacimiento" is a birth date, not a visit date).
fn guess(header: &str) -> Guess {
    let folded = header_words(header);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let has = |set: &[&str]| words.iter().any(|w| set.contains(w));
    let is = |s: &str| folded == s;
    use Field::*;
    let f = |x: Field| Guess::Field(x);
    if words.is_empty() {
        return Guess::Unknown;
    }
    if let Some(g) = id_guess(&words) {
        return g;
    }
    if is_record_number(&words) {
        return Guess::Record;
    }
    if has(&[
        "nacimiento",
        "birth",
        "birthdate",
        "birthday",
        "dob",
        "nac",
        "nacido",
    ]) {
        return f(BirthDate);
    }
    if has(&["fallecimiento", "defuncion", "death", "muerte", "obito"]) {
        return f(DeceasedOn);
    }
    if has(&["fallecido", "fallecida", "deceased", "muerto", "dead"]) {
        return if has(DATE) {
            f(DeceasedOn)
        } else {
            f(Deceased)
        };
    }
    if has(&[
        "proxima",
        "proximo",
        "next",
        "siguiente",
        "revacunacion",
        "due",
        "vencimiento",
    ]) {
        return f(NextDueOn);
    }
    if has(&[
        "aplicacion",
        "applied",
        "administracion",
        "administered",
        "aplicada",
        "aplicado",
    ]) {
        return f(AppliedOn);
    }
    if has(&["duracion", "duration", "minutos", "minutes", "min"]) {
        return f(Duration);
    }
    if has(&["estado", "status"]) {
        return f(AppointmentStatus);
    }
    if has(APPT) {
        if has(DATE) {
            return f(AppointmentDate);
        }
        if has(TIME) {
            return f(AppointmentTime);
        }
        if has(REASON) {
            return f(AppointmentReason);
        }
    }
    if has(TREAT) {
        if has(DATE) {
            return f(AppliedOn);
        }
        if has(KIND) {
            return f(TreatmentKind);
        }
        if !has(VISIT) {
            return f(Product);
        }
    }
    if has(&["producto", "product", "marca", "lote"]) {
        return f(Product);
    }
    if has(VISIT) {
        if has(DATE) {
            return f(VisitDate);
        }
        if has(TIME) {
            return f(VisitTime);
        }
        if has(KIND) {
            return f(VisitKind);
        }
        if has(REASON) {
            return f(Reason);
        }
    }
    if has(&["email", "mail", "correo", "emails"]) {
        return f(Email);
    }
    if has(PHONE) {
        let second = has(&[
            "2",
            "segundo",
            "second",
            "secundario",
            "alternativo",
            "otro",
            "other",
            "alt",
        ]);
        return if second { f(Phone2) } else { f(Phone) };
    }
    if has(&["direccion", "domicilio", "address", "calle", "street"]) {
        return f(Address);
    }
    if has(&[
        "comercial",
        "commercial",
        "publicidad",
        "marketing",
        "promociones",
        "ofertas",
        "newsletter",
    ]) {
        return f(ConsentCommercial);
    }
    if has(&[
        "consentimiento",
        "consent",
        "recordatorios",
        "reminders",
        "rgpd",
        "lopd",
        "avisos",
    ]) {
        return f(ConsentCare);
    }
    if has(&["canal", "channel", "preferencia"]) {
        return f(PreferredChannel);
    }
    if has(&[
        "apellidos",
        "apellido",
        "surname",
        "surnames",
        "last",
        "lastname",
        "apellido1",
        "apellido2",
    ]) {
        return f(Surnames);
    }
    if has(&["especie", "species"]) || is("tipo animal") || is("tipo de animal") {
        return f(Species);
    }
    if has(&["raza", "breed"]) {
        return f(Breed);
    }
    if has(&["sexo", "sex", "genero", "gender"]) {
        return f(Sex);
    }
    if has(&["gravedad", "severity", "prioridad", "priority"]) {
        return f(Severity);
    }
    if has(&[
        "importe", "amount", "precio", "price", "total", "euros", "coste", "cost", "pvp", "eur",
        "cobrado",
    ]) {
        return f(Amount);
    }
    if has(&[
        "veterinario",
        "veterinaria",
        "vet",
        "doctor",
        "doctora",
        "profesional",
        "staff",
        "atendido",
        "atendida",
        "responsable",
        "empleado",
        "clinico",
    ]) {
        return f(Staff);
    }
    if has(PET) {
        return f(PetName);
    }
    if has(CLIENT) || (has(NAME) && has(&["completo", "full", "apellidos"])) {
        return if has(NAME) && !has(&["completo", "full"]) {
            f(FirstName)
        } else {
            f(FullName)
        };
    }
    if has(DATE) {
        return Guess::Date;
    }
    if has(TIME) {
        return Guess::Time;
    }
    if has(NAME) {
        return Guess::Name;
    }
    if has(REASON) {
        return Guess::Reason;
    }
    if has(&[
        "notas",
        "notes",
        "observaciones",
        "comentarios",
        "comments",
        "nota",
        "observacion",
    ]) {
        return Guess::Notes;
    }
    if has(KIND) {
        return Guess::Kind;
    }
    Guess::Unknown
}

/// Picks the shape from the fields the headers name.
pub fn detect_shape(fields: &[Field]) -> Shape {
    use Field::*;
    let has = |set: &[Field]| fields.iter().any(|f| set.contains(f));
    let client = has(&[FirstName, Surnames, FullName, Phone, Phone2, Email, Address]);
    let visit = has(&[
        VisitId, VisitDate, VisitTime, VisitKind, Severity, Amount, Staff, Reason,
    ]);
    let pet = has(&[
        PetName, Species, Breed, Sex, BirthDate, Deceased, DeceasedOn,
    ]);
    if has(&[
        AppointmentId,
        AppointmentDate,
        AppointmentTime,
        Duration,
        AppointmentReason,
    ]) {
        Shape::Appointments
    } else if has(&[TreatmentId, AppliedOn, NextDueOn, Product, TreatmentKind]) {
        Shape::Vaccinations
    } else if client && (visit || pet) {
        Shape::Combined
    } else if visit {
        Shape::Visits
    } else if pet {
        Shape::Pets
    } else {
        Shape::Clients
    }
}

/// Guesses every column's field and the file's shape from the headers. A field named twice
/// keeps its first column (a second phone becomes `Phone2`; several surname columns are
/// joined), the others are ignored.
pub fn detect(headers: &[String]) -> (Vec<Field>, Shape) {
    let guesses: Vec<Guess> = headers.iter().map(|h| guess(h)).collect();
    let known: Vec<Field> = guesses
        .iter()
        .filter_map(|g| {
            if let Guess::Field(f) = g {
                Some(*f)
            } else {
                None
            }
        })
        .collect();
    let mut shape = detect_shape(&known);
    // A generic "Fecha" with client columns is a one-row-per-visit file.
    if guesses.contains(&Guess::Date)
        && shape == Shape::Clients
        && known
            .iter()
            .any(|f| matches!(f, Field::FirstName | Field::FullName | Field::Surnames))
        && known.contains(&Field::PetId)
    {
        shape = Shape::Combined;
    } else if guesses.contains(&Guess::Date)
        && shape == Shape::Pets
        && !known.contains(&Field::ClientId)
    {
        shape = Shape::Visits;
    }
    let resolved = resolve(&guesses, shape);
    (resolved, shape)
}

fn resolve(guesses: &[Guess], shape: Shape) -> Vec<Field> {
    use Field::*;
    let has_surnames = guesses.contains(&Guess::Field(Surnames));
    let has_pet_id = guesses.contains(&Guess::Field(PetId));
    let mut out: Vec<Field> = guesses
        .iter()
        .map(|g| match (*g, shape) {
            (Guess::Field(FirstName), _) if !has_surnames => FullName,
            (Guess::Field(f), _) => f,
            (Guess::Record, Shape::Clients) => ClientId,
            (Guess::Record, _) if !has_pet_id => PetId,
            (Guess::Id, Shape::Clients) => ClientId,
            (Guess::Id, Shape::Pets) => PetId,
            (Guess::Id, Shape::Visits | Shape::Combined) => VisitId,
            (Guess::Id, Shape::Appointments) => AppointmentId,
            (Guess::Id, Shape::Vaccinations) => TreatmentId,
            (Guess::Date, Shape::Visits | Shape::Combined) => VisitDate,
            (Guess::Date, Shape::Appointments) => AppointmentDate,
            (Guess::Date, Shape::Vaccinations) => AppliedOn,
            (Guess::Time, Shape::Visits | Shape::Combined) => VisitTime,
            (Guess::Time, Shape::Appointments) => AppointmentTime,
            (Guess::Name, Shape::Clients | Shape::Combined) => {
                if has_surnames {
                    FirstName
                } else {
                    FullName
                }
            }
            (Guess::Name, Shape::Pets) => PetName,
            (Guess::Kind, Shape::Visits | Shape::Combined) => VisitKind,
            (Guess::Kind, Shape::Vaccinations) => TreatmentKind,
            (Guess::Reason, Shape::Appointments) => AppointmentReason,
            (Guess::Reason, Shape::Visits | Shape::Combined) => Reason,
            (Guess::Notes, Shape::Clients | Shape::Combined) => ClientNotes,
            (Guess::Notes, Shape::Pets) => PetNotes,
            _ => Ignore,
        })
        .collect();
    // Fields that only make sense in other shapes are ignored (a status column in a visits file).
    for f in out.iter_mut() {
        if *f == AppointmentStatus && shape != Shape::Appointments {
            *f = Ignore;
        }
    }
    // A field named twice keeps its first column; a second phone is the second phone.
    let mut seen: Vec<Field> = Vec::new();
    for f in out.iter_mut() {
        if *f == Ignore || *f == Surnames {
            continue;
        }
        if seen.contains(f) {
            *f = if *f == Phone && !seen.contains(&Phone2) {
                Phone2
            } else {
                Ignore
            };
        }
        seen.push(*f);
    }
    out
}

/// A file's header signature: its folded header names in order, hashed (FNV-1a, hex). Two
/// exports from the same screen of the practice-management system share it.
pub fn signature(headers: &[String]) -> String {
    let joined = headers
        .iter()
        .map(|h| fold(h))
        .collect::<Vec<_>>()
        .join("\u{1f}");
    let h = joined.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    });
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn spanish_and_english_headers_with_or_without_accents() {
        let (f, shape) = detect(&h(&[
            "Cód. Cliente",
            "Nombre",
            "Apellidos",
            "Teléfono",
            "telefono 2",
            "E-mail",
            "Nº Mascota",
            "Mascota",
            "Especie",
            "Fecha nacimiento",
            "Fecha visita",
            "Tipo de visita",
            "Gravedad",
            "Motivo",
            "Importe (€)",
            "Veterinario",
        ]));
        use Field::*;
        assert_eq!(
            f,
            [
                ClientId, FirstName, Surnames, Phone, Phone2, Email, PetId, PetName, Species,
                BirthDate, VisitDate, VisitKind, Severity, Reason, Amount, Staff
            ]
        );
        assert_eq!(shape, Shape::Combined);
        let (f, shape) = detect(&h(&["Client ID", "Full name", "Phone", "Mobile", "Email"]));
        assert_eq!(f, [ClientId, FullName, Phone, Phone2, Email]);
        assert_eq!(shape, Shape::Clients);
    }

    #[test]
    fn generic_headers_depend_on_the_shape() {
        use Field::*;
        let (f, s) = detect(&h(&[
            "ID",
            "ID Cliente",
            "Nombre",
            "Especie",
            "Raza",
            "Sexo",
        ]));
        assert_eq!(
            (f, s),
            (
                vec![PetId, ClientId, PetName, Species, Breed, Sex],
                Shape::Pets
            )
        );
        let (f, s) = detect(&h(&[
            "ID",
            "ID Mascota",
            "Fecha",
            "Hora",
            "Duración",
            "Motivo",
            "Estado",
        ]));
        assert_eq!(
            (f, s),
            (
                vec![
                    AppointmentId,
                    PetId,
                    AppointmentDate,
                    AppointmentTime,
                    Duration,
                    AppointmentReason,
                    AppointmentStatus
                ],
                Shape::Appointments
            )
        );
        let (f, s) = detect(&h(&[
            "Id",
            "Id paciente",
            "Vacuna",
            "Fecha aplicación",
            "Próxima dosis",
        ]));
        assert_eq!(
            (f, s),
            (
                vec![TreatmentId, PetId, Product, AppliedOn, NextDueOn],
                Shape::Vaccinations
            )
        );
        let (f, s) = detect(&h(&[
            "ID",
            "ID Mascota",
            "Fecha",
            "Tipo",
            "Motivo",
            "Importe",
        ]));
        assert_eq!(
            (f, s),
            (
                vec![VisitId, PetId, VisitDate, VisitKind, Reason, Amount],
                Shape::Visits
            )
        );
    }

    fn field(header: &str) -> Guess {
        guess(header)
    }

    #[test]
    fn id_columns_in_camel_case_abbreviated_or_numbered() {
        use Field::*;
        let cases: &[(&str, Field)] = &[
            ("CodCliente", ClientId),
            ("CODCLIENTE", ClientId),
            ("codcliente", ClientId),
            ("IDCliente", ClientId),
            ("ClienteID", ClientId),
            ("Ref cliente", ClientId),
            ("Ref. clientes", ClientId),
            ("cod_propietario", ClientId),
            ("Nº de propietario", ClientId),
            ("Código dueño", ClientId),
            ("Client No.", ClientId),
            ("Customer number", ClientId),
            ("OwnerID", ClientId),
            ("CodCli", ClientId),
            ("Cód. paciente", PetId),
            ("Nº Mascota", PetId),
            ("NºMascota", PetId),
            ("Nro. mascota", PetId),
            ("IdPaciente", PetId),
            ("idmascota", PetId),
            ("PetID", PetId),
            ("Patient No", PetId),
            ("Núm. animal", PetId),
            ("Id. visita", VisitId),
            ("Nº consulta", VisitId),
            ("VisitID", VisitId),
            ("Id visitas", VisitId),
            ("CodCita", AppointmentId),
            ("IdVacuna", TreatmentId),
        ];
        for (header, want) in cases {
            assert_eq!(field(header), Guess::Field(*want), "{header}");
        }
        // The clinical record's number is the patient's.
        assert_eq!(field("NumHistoria"), Guess::Record);
        assert_eq!(field("Nº historia"), Guess::Record);
        assert_eq!(field("NHC"), Guess::Record);
    }

    #[test]
    fn words_near_an_entity_that_are_not_its_id() {
        use Field::*;
        let cases: &[(&str, Guess)] = &[
            ("Nombre mascota", Guess::Field(PetName)),
            ("NombreMascota", Guess::Field(PetName)),
            ("Teléfono cliente", Guess::Field(Phone)),
            ("Nº teléfono cliente", Guess::Field(Phone)),
            ("TelefonoCliente2", Guess::Field(Phone2)),
            ("Email propietario", Guess::Field(Email)),
            ("Nombre del propietario", Guess::Field(FirstName)),
            ("Fecha visita", Guess::Field(VisitDate)),
            ("FechaNacimiento", Guess::Field(BirthDate)),
            ("Dirección nº", Guess::Field(Address)),
            // Counts, not ids.
            ("Nº de visitas", Guess::Unknown),
            ("Nº mascotas", Guess::Unknown),
            ("Number of pets", Guess::Unknown),
            ("NumConsultas", Guess::Unknown),
            // An id word with nothing it identifies.
            ("Código postal", Guess::Unknown),
            ("Nº chip", Guess::Unknown),
            ("Historia clínica", Guess::Unknown),
        ];
        for (header, want) in cases {
            assert_eq!(field(header), *want, "{header}");
        }
    }

    #[test]
    fn a_real_export_needs_no_column_mapped_by_hand() {
        use Field::*;
        let (f, shape) = detect(&h(&[
            "CodCliente",
            "NombreCliente",
            "Teléfono cliente",
            "IdPaciente",
            "Nombre mascota",
            "Especie",
            "FechaVisita",
            "Motivo",
        ]));
        assert_eq!(
            (f, shape),
            (
                vec![ClientId, FullName, Phone, PetId, PetName, Species, VisitDate, Reason],
                Shape::Combined
            )
        );
        // The record number: the pet's id when nothing else is, the client's in a clients file.
        let (f, _) = detect(&h(&["NumHistoria", "FechaVisita", "Motivo"]));
        assert_eq!(f, [PetId, VisitDate, Reason]);
        let (f, _) = detect(&h(&["NumHistoria", "PetID", "FechaVisita", "Motivo"]));
        assert_eq!(f, [Ignore, PetId, VisitDate, Reason]);
        let (f, shape) = detect(&h(&["NHC", "Nombre", "Teléfono"]));
        assert_eq!(
            (f, shape),
            (vec![ClientId, FullName, Phone], Shape::Clients)
        );
    }

    #[test]
    fn signatures_ignore_accents_and_case_but_not_order() {
        assert_eq!(
            signature(&h(&["Teléfono", "Nombre"])),
            signature(&h(&["telefono", "NOMBRE"]))
        );
        assert_ne!(
            signature(&h(&["Teléfono", "Nombre"])),
            signature(&h(&["Nombre", "Teléfono"]))
        );
    }

    #[test]
    fn missing_columns_are_named() {
        let has = |set: &'static [Field]| move |f| set.contains(&f);
        assert_eq!(
            Shape::Combined.missing(has(&[Field::FirstName, Field::PetName, Field::VisitDate])),
            [Field::ClientId]
        );
        assert_eq!(
            Shape::Pets.missing(has(&[Field::PetId, Field::PetName])),
            [Field::ClientId]
        );
        assert!(Shape::Clients
            .missing(has(&[Field::ClientId, Field::FullName]))
            .is_empty());
    }
}
