//! The clinic's records: clients (tutores), pets (pacientes), staff, visits and appointments.
//!
//! Each record has a *form* (what the window sends, every field as typed) whose `validate`
//! returns the checked *data*, or every field error at once so the window can show each message
//! next to its field. The store saves data and returns records with their ids.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::parse::{self, ErrKey};

macro_rules! id_type {
    ($($name:ident),*) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);
    )*};
}
id_type!(ClientId, PetId, StaffId, VisitId, AppointmentId, CallId);

/// A closed list of values stored and sent as lowercase Spanish words; the window shows them
/// through the dictionary key `<prefix>.<value>`.
#[macro_export]
macro_rules! word_enum {
    ($name:ident, $prefix:literal, { $($variant:ident => $word:literal),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $word)] $variant),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub const KEY_PREFIX: &'static str = $prefix;
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $word),* } }
            pub fn parse(s: &str) -> Option<Self> { match s { $($word => Some($name::$variant),)* _ => None } }
        }
    };
}
word_enum!(Title, "title", { None => "ninguno", Mrs => "sra", Mr => "sr" });
// "ninguno": the client wants no messages at all (calls about a visit still happen).
word_enum!(Channel, "channel", { Phone => "telefono", WhatsApp => "whatsapp", Email => "email", None => "ninguno" });
// How a client gave or withdrew a consent (kept with each change).
word_enum!(ConsentHow, "consent_how", {
    InPerson => "presencial", Phone => "telefono", WhatsApp => "whatsapp", Email => "email",
    Written => "escrito", Import => "importacion",
});
word_enum!(Species, "species", {
    Dog => "perro", Cat => "gato", Rabbit => "conejo", Bird => "ave",
    Ferret => "huron", Rodent => "roedor", Reptile => "reptil", Other => "otro",
});
word_enum!(Sex, "sex", { Male => "macho", Female => "hembra", Unknown => "desconocido" });
word_enum!(Role, "role", { Vet => "veterinario", Assistant => "auxiliar", Reception => "recepcion", Management => "direccion" });
word_enum!(VisitKind, "visit_kind", {
    Illness => "consulta", Checkup => "revision", Vaccination => "vacunacion", Surgery => "cirugia",
    Emergency => "urgencia", Discharge => "alta_hospitalaria", Other => "otro",
});
word_enum!(Severity, "severity", { Mild => "leve", Moderate => "moderada", Severe => "grave" });
word_enum!(AppointmentStatus, "appointment_status", { Scheduled => "programada", Cancelled => "cancelada", Done => "realizada" });

/// One field's problem: the form field's name and the i18n key of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub key: ErrKey,
}

/// Every problem found in a form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn single(field: &'static str, key: ErrKey) -> Self {
        Invalid(vec![FieldError { field, key }])
    }
    pub fn has(&self, field: &str, key: &str) -> bool {
        self.0.iter().any(|e| e.field == field && e.key == key)
    }
}

/// Collects field errors while a form is checked.
#[derive(Default)]
pub(crate) struct Check(pub(crate) Vec<FieldError>);

impl Check {
    pub(crate) fn field<T>(&mut self, field: &'static str, r: Result<T, ErrKey>) -> Option<T> {
        r.map_err(|key| self.0.push(FieldError { field, key })).ok()
    }
    fn required(&mut self, field: &'static str, s: &str, max: usize) -> String {
        let s = s.trim();
        if s.is_empty() {
            self.0.push(FieldError {
                field,
                key: "err.required",
            });
        } else {
            self.text(field, s, max);
        }
        s.to_owned()
    }
    pub(crate) fn optional(&mut self, field: &'static str, s: &str, max: usize) -> String {
        let s = s.trim();
        self.text(field, s, max);
        s.to_owned()
    }
    /// A text's length, and no control characters but line breaks and tabs (a NUL byte or an
    /// escape code is a damaged file or a paste gone wrong, never what was meant).
    fn text(&mut self, field: &'static str, s: &str, max: usize) {
        let key = if s.chars().count() > max {
            "err.too_long"
        } else if s
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            "err.control_chars"
        } else {
            return;
        };
        self.0.push(FieldError { field, key });
    }
    pub(crate) fn choice<E>(
        &mut self,
        field: &'static str,
        s: &str,
        parse: fn(&str) -> Option<E>,
    ) -> Option<E> {
        self.field(field, parse(s).ok_or("err.choice"))
    }
    pub(crate) fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Invalid> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(Invalid(self.0))
        }
    }
}

const NAME_MAX: usize = 80;
const TEXT_MAX: usize = 2000;

// ---------------------------------------------------------------- preventive care

/// A vaccine or deworming applied, as the window sends it (from a visit or on its own).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TreatmentForm {
    pub pet_id: Option<PetId>,
    /// `vacuna`, `desparasitacion_interna`, `desparasitacion_externa`, `otro`.
    pub kind: String,
    pub product: String,
    /// dd/mm/aaaa; "" = today.
    pub date: String,
    pub notes: String,
}

/// A checked application.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TreatmentData {
    pub pet_id: PetId,
    pub kind: crate::import::TreatmentKind,
    pub product: String,
    pub applied_on: NaiveDate,
    pub notes: String,
}

impl TreatmentForm {
    /// Every field's problem at once; the date may not be after `today`.
    pub fn validate(&self, today: NaiveDate) -> Result<TreatmentData, Invalid> {
        let mut c = Check::default();
        let pet_id = c.field("petId", self.pet_id.ok_or("err.required"));
        let kind = c.choice("kind", &self.kind, crate::import::TreatmentKind::parse);
        let product = c.optional("product", &self.product, NAME_MAX);
        let notes = c.optional("notes", &self.notes, TEXT_MAX);
        let applied_on = c
            .field("date", parse::optional_date(&self.date))
            .map(|d| d.unwrap_or(today));
        if applied_on.is_some_and(|d| d > today) {
            c.0.push(FieldError {
                field: "date",
                key: "err.date_future",
            });
        }
        c.finish(|| TreatmentData {
            pet_id: pet_id.unwrap_or(PetId(0)),
            kind: kind.unwrap_or(crate::import::TreatmentKind::Other),
            product,
            applied_on: applied_on.unwrap_or(today),
            notes,
        })
    }
}

// ---------------------------------------------------------------- clients

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClientForm {
    pub id: Option<ClientId>,
    /// "sra", "sr" or "" (letters then greet neutrally).
    pub title: String,
    pub first_name: String,
    pub surnames: String,
    pub phone1: String,
    pub phone2: String,
    pub email: String,
    pub address: String,
    pub preferred_channel: String,
    pub consent_care: bool,
    pub consent_commercial: bool,
    /// How a consent change was given ("presencial" when empty); kept with the change.
    pub consent_how: String,
    /// Who is recording the change (the staff member using this PC).
    pub recorded_by: Option<StaffId>,
    pub notes: String,
    /// The record's version the form showed ([`Client::version`]): the save is refused if
    /// someone changed the client since. `None`: no check (the command line, older callers).
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientData {
    /// How letters greet the client: "Estimada Sra.", "Estimado Sr." or neutral.
    pub title: Title,
    pub first_name: String,
    pub surnames: String,
    pub phone1: String,
    pub phone2: String,
    pub email: String,
    pub address: String,
    pub preferred_channel: Channel,
    /// Care reminders are allowed unless the client objects.
    pub consent_care: bool,
    /// Commercial messages (birthday coupons, offers) only with explicit opt-in.
    pub consent_commercial: bool,
    pub notes: String,
}

impl ClientForm {
    pub fn validate(&self) -> Result<ClientData, Invalid> {
        let mut c = Check::default();
        let first_name = c.required("firstName", &self.first_name, NAME_MAX);
        let surnames = c.required("surnames", &self.surnames, NAME_MAX);
        let phone1 = if self.phone1.trim().is_empty() {
            Some(String::new())
        } else {
            c.field("phone1", parse::phone(&self.phone1))
        };
        let phone2 = if self.phone2.trim().is_empty() {
            Some(String::new())
        } else {
            c.field("phone2", parse::phone(&self.phone2))
        };
        let email = if self.email.trim().is_empty() {
            Some(String::new())
        } else {
            c.field("email", parse::email(&self.email))
        };
        let address = c.optional("address", &self.address, 200);
        let notes = c.optional("notes", &self.notes, TEXT_MAX);
        let channel = c.choice("preferredChannel", &self.preferred_channel, Channel::parse);
        if self.phone1.trim().is_empty()
            && self.phone2.trim().is_empty()
            && self.email.trim().is_empty()
        {
            c.0.push(FieldError {
                field: "phone1",
                key: "err.contact_required",
            });
        }
        match channel {
            Some(Channel::Email) if self.email.trim().is_empty() => c.0.push(FieldError {
                field: "preferredChannel",
                key: "err.channel_needs_email",
            }),
            Some(Channel::Phone | Channel::WhatsApp)
                if self.phone1.trim().is_empty() && self.phone2.trim().is_empty() =>
            {
                c.0.push(FieldError {
                    field: "preferredChannel",
                    key: "err.channel_needs_phone",
                })
            }
            _ => {}
        }
        let title = if self.title.trim().is_empty() {
            Some(Title::None)
        } else {
            c.choice("title", self.title.trim(), Title::parse)
        };
        if !self.consent_how.trim().is_empty() {
            c.choice("consentHow", self.consent_how.trim(), ConsentHow::parse);
        }
        c.finish(|| ClientData {
            title: title.unwrap_or(Title::None),
            first_name,
            surnames,
            phone1: phone1.unwrap_or_default(),
            phone2: phone2.unwrap_or_default(),
            email: email.unwrap_or_default(),
            address,
            preferred_channel: channel.unwrap_or(Channel::Phone),
            consent_care: self.consent_care,
            consent_commercial: self.consent_commercial,
            notes,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Client {
    pub id: ClientId,
    #[serde(flatten)]
    pub data: ClientData,
    pub created_at: DateTime<Utc>,
    /// Erased at their request: the record stays for the clinic's totals, with nothing of theirs.
    pub erased_at: Option<DateTime<Utc>>,
    /// One more at every change of the record, whoever makes it (another PC, an import): a
    /// form sends back the version it showed ([`ClientForm::version`]).
    pub version: i64,
}

impl Client {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.data.first_name, self.data.surnames)
    }
}

// ---------------------------------------------------------------- pets

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PetForm {
    pub id: Option<PetId>,
    pub client_id: Option<ClientId>,
    pub name: String,
    pub species: String,
    pub breed: String,
    pub sex: String,
    /// dd/mm/aaaa or empty.
    pub birth_date: String,
    pub deceased: bool,
    /// dd/mm/aaaa or empty (then today is taken, unless `deceased_date_unknown`).
    pub deceased_on: String,
    /// Deceased on a day nobody knows: an empty `deceased_on` stays empty.
    pub deceased_date_unknown: bool,
    pub notes: String,
    /// The record's version the form showed ([`Pet::version`]): the save is refused if someone
    /// changed the pet since. `None`: no check (the command line, older callers).
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PetData {
    pub client_id: ClientId,
    pub name: String,
    pub species: Species,
    pub breed: String,
    pub sex: Sex,
    pub birth_date: Option<NaiveDate>,
    /// The pet has died, whether or not the day is known. Everything that leaves deceased
    /// pets out reads this, never `deceased_on`.
    #[serde(default)]
    pub deceased: bool,
    /// The day the pet died, when known; always `None` while it lives.
    pub deceased_on: Option<NaiveDate>,
    pub notes: String,
}

impl PetForm {
    pub fn validate(&self, today: NaiveDate) -> Result<PetData, Invalid> {
        let mut c = Check::default();
        let client_id = c.field("clientId", self.client_id.ok_or("err.required"));
        let name = c.required("name", &self.name, NAME_MAX);
        let species = c.choice("species", &self.species, Species::parse);
        let sex = if self.sex.is_empty() {
            Some(Sex::Unknown)
        } else {
            c.choice("sex", &self.sex, Sex::parse)
        };
        let breed = c.optional("breed", &self.breed, NAME_MAX);
        let notes = c.optional("notes", &self.notes, TEXT_MAX);
        let birth = c
            .field("birthDate", parse::optional_date(&self.birth_date))
            .flatten();
        if birth.is_some_and(|b| b > today) {
            c.0.push(FieldError {
                field: "birthDate",
                key: "err.date_future",
            });
        }
        let deceased_on = if self.deceased {
            let typed = c
                .field("deceasedOn", parse::optional_date(&self.deceased_on))
                .flatten();
            let on = match typed {
                Some(d) => Some(d),
                None if self.deceased_date_unknown => None,
                None => Some(today),
            };
            if on.is_some_and(|on| on > today) {
                c.0.push(FieldError {
                    field: "deceasedOn",
                    key: "err.date_future",
                });
            }
            if on.is_some_and(|on| birth.is_some_and(|b| on < b)) {
                c.0.push(FieldError {
                    field: "deceasedOn",
                    key: "err.deceased_before_birth",
                });
            }
            on
        } else {
            None
        };
        c.finish(|| PetData {
            client_id: client_id.unwrap_or(ClientId(0)),
            name,
            species: species.unwrap_or(Species::Other),
            breed,
            sex: sex.unwrap_or(Sex::Unknown),
            birth_date: birth,
            deceased: self.deceased,
            deceased_on,
            notes,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pet {
    pub id: PetId,
    #[serde(flatten)]
    pub data: PetData,
    /// One more at every change of the record, whoever makes it (another PC, an import): the
    /// pet form sends back the version it showed ([`PetForm::version`]).
    pub version: i64,
}

// ---------------------------------------------------------------- staff

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StaffForm {
    pub id: Option<StaffId>,
    pub name: String,
    pub role: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffData {
    pub name: String,
    pub role: Role,
    pub active: bool,
}

impl StaffForm {
    pub fn validate(&self) -> Result<StaffData, Invalid> {
        let mut c = Check::default();
        let name = c.required("name", &self.name, NAME_MAX);
        let role = c.choice("role", &self.role, Role::parse);
        c.finish(|| StaffData {
            name,
            role: role.unwrap_or(Role::Vet),
            active: self.active,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Staff {
    pub id: StaffId,
    #[serde(flatten)]
    pub data: StaffData,
}

// ---------------------------------------------------------------- visits

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VisitForm {
    pub id: Option<VisitId>,
    pub pet_id: Option<PetId>,
    pub staff_id: Option<StaffId>,
    /// dd/mm/aaaa
    pub date: String,
    /// HH:MM
    pub time: String,
    pub kind: String,
    pub severity: String,
    pub reason: String,
    /// "45,50" or empty when unknown.
    pub amount: String,
    /// Vaccines and dewormings applied in this visit (`vacuna`, `desparasitacion_interna`…):
    /// recorded with the visit's date when a new visit is saved.
    pub treatments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitData {
    pub pet_id: PetId,
    pub staff_id: Option<StaffId>,
    pub at: DateTime<Utc>,
    pub kind: VisitKind,
    pub severity: Severity,
    pub reason: String,
    pub amount_cents: Option<i64>,
}

/// Parses a form's date and time fields into an instant in the clinic's time zone.
fn date_time<Tz: TimeZone>(
    c: &mut Check,
    tz: &Tz,
    date: &str,
    time: &str,
) -> Option<DateTime<Utc>> {
    let d = c.field("date", parse::date(date));
    let t = c.field("time", parse::time(time));
    let (d, t) = (d?, t?);
    c.field("time", parse::local_to_utc(tz, d.and_time(t)))
}

impl VisitForm {
    /// The treatments applied in the visit, each a known kind, once.
    pub fn treatment_kinds(&self) -> Result<Vec<crate::import::TreatmentKind>, Invalid> {
        let mut kinds = Vec::new();
        for k in &self.treatments {
            match crate::import::TreatmentKind::parse(k.trim()) {
                Some(kind) if !kinds.contains(&kind) => kinds.push(kind),
                Some(_) => {}
                None => return Err(Invalid::single("treatments", "err.choice")),
            }
        }
        Ok(kinds)
    }

    /// A visit cannot be later than `now` plus a day (a slip of the date, not a plan: plans are
    /// appointments).
    pub fn validate<Tz: TimeZone>(
        &self,
        tz: &Tz,
        now: DateTime<Utc>,
    ) -> Result<VisitData, Invalid> {
        let mut c = Check::default();
        let pet_id = c.field("petId", self.pet_id.ok_or("err.required"));
        let at = date_time(&mut c, tz, &self.date, &self.time);
        if at.is_some_and(|at| at > now + chrono::Duration::days(1)) {
            c.0.push(FieldError {
                field: "date",
                key: "err.visit_future",
            });
        }
        let kind = c.choice("kind", &self.kind, VisitKind::parse);
        let severity = c.choice("severity", &self.severity, Severity::parse);
        let reason = c.optional("reason", &self.reason, TEXT_MAX);
        let amount = c.field("amount", parse::optional_amount_cents(&self.amount));
        c.finish(|| VisitData {
            pet_id: pet_id.unwrap_or(PetId(0)),
            staff_id: self.staff_id,
            at: at.unwrap_or(now),
            kind: kind.unwrap_or(VisitKind::Other),
            severity: severity.unwrap_or(Severity::Mild),
            reason,
            amount_cents: amount.flatten(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Visit {
    pub id: VisitId,
    #[serde(flatten)]
    pub data: VisitData,
    pub pet_name: String,
    pub staff_name: Option<String>,
}

// ---------------------------------------------------------------- appointments

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppointmentForm {
    pub id: Option<AppointmentId>,
    pub pet_id: Option<PetId>,
    pub staff_id: Option<StaffId>,
    pub date: String,
    pub time: String,
    /// Minutes, as typed.
    pub duration_min: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentData {
    pub pet_id: PetId,
    pub staff_id: Option<StaffId>,
    pub starts_at: DateTime<Utc>,
    pub duration_min: i64,
    pub reason: String,
    pub status: AppointmentStatus,
}

impl AppointmentForm {
    /// A new appointment cannot start in the past; an existing one may keep its past date.
    pub fn validate<Tz: TimeZone>(
        &self,
        tz: &Tz,
        now: DateTime<Utc>,
    ) -> Result<AppointmentData, Invalid> {
        let mut c = Check::default();
        let pet_id = c.field("petId", self.pet_id.ok_or("err.required"));
        let starts_at = date_time(&mut c, tz, &self.date, &self.time);
        if self.id.is_none() && starts_at.is_some_and(|s| s < now - chrono::Duration::minutes(5)) {
            c.0.push(FieldError {
                field: "date",
                key: "err.appointment_past",
            });
        }
        let duration = if self.duration_min.trim().is_empty() {
            Some(15)
        } else {
            c.field(
                "durationMin",
                self.duration_min
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|m| (5..=480).contains(m))
                    .ok_or("err.duration"),
            )
        };
        let reason = c.optional("reason", &self.reason, TEXT_MAX);
        c.finish(|| AppointmentData {
            pet_id: pet_id.unwrap_or(PetId(0)),
            staff_id: self.staff_id,
            starts_at: starts_at.unwrap_or(now),
            duration_min: duration.unwrap_or(15),
            reason,
            status: AppointmentStatus::Scheduled,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    pub id: AppointmentId,
    #[serde(flatten)]
    pub data: AppointmentData,
    pub pet_name: String,
    pub client_id: ClientId,
    pub client_name: String,
    pub staff_name: Option<String>,
}

// ---------------------------------------------------------------- views

/// One line of a search's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub client_id: ClientId,
    pub full_name: String,
    pub phone: String,
    pub pets: Vec<String>,
}

/// Something that happened to a client or their pets, newest first on the client page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// "visit", "appointment", "pet_deceased", "client_created"
    pub kind: String,
    pub pet_name: Option<String>,
    /// The visit's or appointment's kind/status word, for the dictionary.
    pub label: String,
    pub detail: String,
    pub staff_name: Option<String>,
}

/// Everything the client page shows, read in one go.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientPage {
    pub client: Client,
    pub pets: Vec<Pet>,
    pub visits: Vec<Visit>,
    pub appointments: Vec<Appointment>,
    pub timeline: Vec<TimelineEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn client_form() -> ClientForm {
        ClientForm {
            first_name: "María".into(),
            surnames: "Núñez Peña".into(),
            phone1: "612 345 678".into(),
            preferred_channel: "whatsapp".into(),
            consent_care: true,
            ..Default::default()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn now() -> DateTime<Utc> {
        today().and_hms_opt(10, 0, 0).unwrap().and_utc()
    }

    fn madrid() -> FixedOffset {
        FixedOffset::east_opt(3600).unwrap()
    }

    #[test]
    fn a_complete_client_is_valid_and_trimmed() {
        let mut f = client_form();
        f.first_name = "  María ".into();
        let data = f
            .validate()
            .expect("a client with name, surnames and phone is valid");
        assert_eq!(data.first_name, "María");
        assert_eq!(data.preferred_channel, Channel::WhatsApp);
    }

    #[test]
    fn client_errors_are_all_reported_at_once() {
        let f = ClientForm {
            phone1: "612 abc".into(),
            email: "maria.es".into(),
            preferred_channel: "fax".into(),
            ..Default::default()
        };
        let err = f.validate().unwrap_err();
        assert!(err.has("firstName", "err.required"));
        assert!(err.has("surnames", "err.required"));
        assert!(err.has("phone1", "err.phone_letters"));
        assert!(err.has("email", "err.email"));
        assert!(err.has("preferredChannel", "err.choice"));
    }

    #[test]
    fn a_client_needs_a_way_to_be_contacted_on_their_channel() {
        let mut f = client_form();
        f.phone1.clear();
        assert!(f
            .validate()
            .unwrap_err()
            .has("phone1", "err.contact_required"));
        f.email = "maria@ejemplo.es".into();
        assert!(
            f.validate()
                .unwrap_err()
                .has("preferredChannel", "err.channel_needs_phone"),
            "WhatsApp needs a phone"
        );
        f.preferred_channel = "email".into();
        assert!(f.validate().is_ok());
        let mut f = client_form();
        f.preferred_channel = "email".into();
        assert!(f
            .validate()
            .unwrap_err()
            .has("preferredChannel", "err.channel_needs_email"));
    }

    #[test]
    fn overly_long_names_are_refused() {
        let mut f = client_form();
        f.first_name = "a".repeat(81);
        assert!(f.validate().unwrap_err().has("firstName", "err.too_long"));
    }

    #[test]
    fn client_names_with_markup_are_kept_as_typed() {
        // Markup is data like any other text: the window renders it as text.
        let mut f = client_form();
        f.first_name = "<img src=x onerror=alert(1)>".into();
        assert_eq!(
            f.validate().unwrap().first_name,
            "<img src=x onerror=alert(1)>"
        );
    }

    fn pet_form() -> PetForm {
        PetForm {
            client_id: Some(ClientId(1)),
            name: "Luna".into(),
            species: "perro".into(),
            sex: "hembra".into(),
            birth_date: "03/04/2020".into(),
            ..Default::default()
        }
    }

    #[test]
    fn pet_validation() {
        let p = pet_form().validate(today()).unwrap();
        assert_eq!(p.birth_date, NaiveDate::from_ymd_opt(2020, 4, 3));
        assert_eq!(p.deceased_on, None);

        let mut f = pet_form();
        f.birth_date = "31/02/2020".into();
        assert!(f
            .validate(today())
            .unwrap_err()
            .has("birthDate", "err.date_impossible"));
        f.birth_date = "01/01/2027".into();
        assert!(f
            .validate(today())
            .unwrap_err()
            .has("birthDate", "err.date_future"));

        let f = PetForm {
            species: "dinosaurio".into(),
            client_id: None,
            ..Default::default()
        };
        let err = f.validate(today()).unwrap_err();
        assert!(err.has("species", "err.choice"));
        assert!(err.has("name", "err.required"));
        assert!(err.has("clientId", "err.required"));
    }

    #[test]
    fn a_deceased_pet_has_a_plausible_date_of_death() {
        let mut f = pet_form();
        f.deceased = true;
        assert_eq!(
            f.validate(today()).unwrap().deceased_on,
            Some(today()),
            "no date given means today"
        );
        f.deceased_on = "01/01/2019".into();
        assert!(f
            .validate(today())
            .unwrap_err()
            .has("deceasedOn", "err.deceased_before_birth"));
        f.deceased_on = "26/11/2026".into();
        assert!(f
            .validate(today())
            .unwrap_err()
            .has("deceasedOn", "err.date_future"));
    }

    #[test]
    fn a_pet_may_be_deceased_on_an_unknown_day() {
        let mut f = pet_form();
        f.deceased = true;
        f.deceased_date_unknown = true;
        let p = f.validate(today()).unwrap();
        assert_eq!((p.deceased, p.deceased_on), (true, None));
        // A day typed is kept, and checked.
        f.deceased_on = "20/11/2026".into();
        let p = f.validate(today()).unwrap();
        assert_eq!(
            (p.deceased, p.deceased_on),
            (true, NaiveDate::from_ymd_opt(2026, 11, 20))
        );
        f.deceased_on = "26/11/2026".into();
        assert!(f
            .validate(today())
            .unwrap_err()
            .has("deceasedOn", "err.date_future"));
        // Alive: no day, whatever the box says.
        let mut f = pet_form();
        f.deceased_date_unknown = true;
        f.deceased_on = "20/11/2026".into();
        let p = f.validate(today()).unwrap();
        assert_eq!((p.deceased, p.deceased_on), (false, None));
        let json: PetForm = serde_json::from_str(
            r#"{"clientId": 1, "name": "Luna", "species": "perro", "deceased": true, "deceasedDateUnknown": true}"#,
        )
        .unwrap();
        assert_eq!(json.validate(today()).unwrap().deceased_on, None);
    }

    #[test]
    fn staff_validation() {
        let s = StaffForm {
            name: "Dra. Elena Ruiz".into(),
            role: "veterinario".into(),
            active: true,
            ..Default::default()
        };
        assert_eq!(s.validate().unwrap().role, Role::Vet);
        let err = StaffForm {
            role: "jefe".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert!(err.has("name", "err.required") && err.has("role", "err.choice"));
    }

    fn visit_form() -> VisitForm {
        VisitForm {
            pet_id: Some(PetId(1)),
            date: "24/11/2026".into(),
            time: "19:30".into(),
            kind: "cirugia".into(),
            severity: "grave".into(),
            amount: "1.250,75".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_visit_is_placed_in_the_clinics_time_zone() {
        let v = visit_form().validate(&madrid(), now()).unwrap();
        assert_eq!(v.at.to_rfc3339(), "2026-11-24T18:30:00+00:00");
        assert_eq!(v.amount_cents, Some(125075));
        assert_eq!(v.kind, VisitKind::Surgery);
    }

    #[test]
    fn visit_errors() {
        let mut f = visit_form();
        f.date = "31/02/2026".into();
        f.time = "25:00".into();
        f.amount = "abc".into();
        f.severity = "".into();
        let err = f.validate(&madrid(), now()).unwrap_err();
        assert!(err.has("date", "err.date_impossible"));
        assert!(err.has("time", "err.time_impossible"));
        assert!(err.has("amount", "err.amount_format"));
        assert!(err.has("severity", "err.choice"));
        let mut f = visit_form();
        f.date = "30/11/2026".into();
        assert!(f
            .validate(&madrid(), now())
            .unwrap_err()
            .has("date", "err.visit_future"));
    }

    #[test]
    fn appointment_validation() {
        let f = AppointmentForm {
            pet_id: Some(PetId(1)),
            date: "26/11/2026".into(),
            time: "10:00".into(),
            duration_min: "20".into(),
            ..Default::default()
        };
        let a = f.validate(&madrid(), now()).unwrap();
        assert_eq!(a.duration_min, 20);
        assert_eq!(a.status, AppointmentStatus::Scheduled);

        let mut past = f.clone();
        past.date = "20/11/2026".into();
        assert!(past
            .validate(&madrid(), now())
            .unwrap_err()
            .has("date", "err.appointment_past"));
        past.id = Some(AppointmentId(3));
        assert!(
            past.validate(&madrid(), now()).is_ok(),
            "an existing appointment may keep a past date"
        );

        let mut bad = f.clone();
        bad.duration_min = "0".into();
        assert!(bad
            .validate(&madrid(), now())
            .unwrap_err()
            .has("durationMin", "err.duration"));
        bad.duration_min = "veinte".into();
        assert!(bad
            .validate(&madrid(), now())
            .unwrap_err()
            .has("durationMin", "err.duration"));
    }

    #[test]
    fn word_enums_round_trip() {
        for s in Species::ALL {
            assert_eq!(Species::parse(s.as_str()), Some(*s));
        }
        assert_eq!(
            serde_json::to_string(&VisitKind::Discharge).unwrap(),
            "\"alta_hospitalaria\""
        );
    }
}
