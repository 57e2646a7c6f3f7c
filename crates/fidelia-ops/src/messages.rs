//! Messages to clients (Flow 3): each morning Fidelia prepares what reception should send today
//! — for now the care reminders (vaccines, dewormings) — and reception marks each one sent,
//! skipped or postponed. A sent message is the client's communication log.
//!
//! Preparing is idempotent and safe with the window and the CLI open at once: it runs in one
//! transaction that takes the write lock first, and each due item and step has a unique key
//! (`cuidado:<pet>:<kind>:<due day>:<step>`), so an item never gets two messages.
//!
//! The rules are the domain's ([`fidelia_core::care`]): the escalation (a first notice before
//! the due date, a second one after it), the hygiene (a deceased pet, a client who objected, an
//! appointment already booked, a message already prepared: nothing), one care message per
//! client per week with what falls due in the coming days joined to it. The third step is a
//! call in the agenda (the calls' own machinery, through [`crate::calls::add_call`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use fidelia_core::calls::CallKind;
use fidelia_core::care::{group_for_client, next_untaken, step_due, Hygiene, Step};
use fidelia_core::i18n::t;
use fidelia_core::import::phone;
use fidelia_core::messages::{mailto_link, whatsapp_link};
use fidelia_core::settings::Settings;
use fidelia_core::template::{fill, Filled};
use fidelia_core::*;
use fidelia_store::tables::messages;
pub use fidelia_store::tables::messages::Message;
use fidelia_store::tables::treatments::{self, Due};
use fidelia_store::tables::{appointments, calls, clients, pets, settings};
use fidelia_store::{Db, Result, StoreError};

use crate::calls::{add_call, CallRequest};
use crate::Clinic;

const CARE: &str = "cuidado";
const APPOINTMENT: &str = "cita";

/// The key of an appointment's reminder: a moved appointment is a new item.
fn appointment_key(a: &Appointment) -> String {
    format!(
        "{}{}",
        appointment_prefix(a.id),
        fidelia_store::ts(a.data.starts_at)
    )
}

pub(crate) fn appointment_prefix(id: AppointmentId) -> String {
    format!("{APPOINTMENT}:{}:", id.0)
}

/// A due item with the step to take for it, and the day that step falls on.
type Pending = (NaiveDate, (Due, Step));

/// How a message was sent.
pub const CHANNELS: &[&str] = &["whatsapp", "email", "telefono", "copiado"];

fn step_word(s: Step) -> &'static str {
    match s {
        Step::FirstNotice => "aviso1",
        Step::SecondNotice => "aviso2",
        Step::Call => "llamada",
    }
}

fn item_key(d: &Due, step: Step) -> String {
    format!(
        "{CARE}:{}:{}:{}:{}",
        d.pet_id.0,
        d.kind,
        d.due_on,
        step_word(step)
    )
}

/// The pet and treatment a care item's key is about (`cuidado:<pet>:<kind>:…`).
fn care_item_of(key: &str) -> Option<(PetId, &str)> {
    let mut parts = key.strip_prefix(CARE)?.strip_prefix(':')?.split(':');
    let pet = parts.next()?.parse().ok()?;
    Some((PetId(pet), parts.next()?))
}

/// Withdraws a pet's messages still to send (of `kind`, or all); the other pets' items they
/// spoke of are looked at again today, to get messages of their own.
pub(crate) fn withdraw_for_pet(
    db: &Db,
    pet: PetId,
    kind: Option<&str>,
    note: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<()> {
    let freed = messages::cancel_pending_of_pet(db, pet, kind, note, now)?;
    check_again(db, &freed, today)
}

/// Withdraws the messages still to send about the items whose key starts with `prefix`
/// (`cita:<id>:`, `cuidado:<pet>:<kind>:`); the other items they spoke of are looked at again.
pub(crate) fn withdraw_items(
    db: &Db,
    prefix: &str,
    note: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<()> {
    let freed = messages::cancel_pending_of_items(db, prefix, note, now)?;
    check_again(db, &freed, today)
}

fn check_again(db: &Db, freed: &[String], today: NaiveDate) -> Result<()> {
    for key in freed {
        if let Some((other, treatment)) = care_item_of(key) {
            treatments::check_again(db, other, treatment, today)?;
        }
    }
    Ok(())
}

/// The prefix of the keys of a pet's treatment's reminders (every due date and step).
pub(crate) fn care_prefix(pet: PetId, kind: &str) -> String {
    format!("{CARE}:{}:{kind}:", pet.0)
}

/// The steps already taken for each of `dues`, by the application's id (the call step is a
/// call, the others messages): two statements for a whole morning.
fn taken_of<'d>(
    db: &Db,
    dues: impl IntoIterator<Item = &'d Due>,
) -> Result<HashMap<i64, Vec<Step>>> {
    let dues: Vec<&Due> = dues.into_iter().collect();
    let notices = [Step::FirstNotice, Step::SecondNotice];
    let keys: Vec<String> = (dues.iter())
        .flat_map(|d| notices.map(|s| item_key(d, s)))
        .collect();
    let sent = messages::items_among(db, &keys)?;
    let call_keys: Vec<String> = dues.iter().map(|d| item_key(d, Step::Call)).collect();
    let called = calls::items_among(db, &call_keys)?;
    Ok(dues
        .iter()
        .map(|d| {
            let mut taken: Vec<Step> = (notices.into_iter())
                .filter(|s| sent.contains(&item_key(d, *s)))
                .collect();
            if called.contains(&item_key(d, Step::Call)) {
                taken.push(Step::Call);
            }
            (d.id, taken)
        })
        .collect())
}

/// The last step of a reminder: the item is still not done after two messages, so the client
/// goes onto the phone list (a call in the agenda, for reception), once.
fn add_care_call<Tz: TimeZone>(db: &Db, s: &Settings, d: &Due, at: &ClinicTime<Tz>) -> Result<()> {
    let client = clients::get(db, d.client_id)?;
    let hygiene = Hygiene {
        pet_deceased: false,
        client_objected: !client.data.consent_care,
        booked: appointments::booked_from(db, d.pet_id, at.now)?,
        already_prepared: false,
    };
    if hygiene.silence().is_some() {
        return Ok(());
    }
    let lang = s.language;
    let reason = fill(
        &t(lang, "call.reason_care"),
        &[
            (
                "tratamiento",
                &t(lang, &format!("treatment_kind.{}", d.kind)),
            ),
            ("fecha", &format::date_short(d.due_on)),
        ],
    );
    let request = CallRequest {
        kind: CallKind::Care,
        pet: d.pet_id,
        staff: None,
        wanted: at.now,
        reason: &reason.text,
        script: &t(lang, "call.script_care"),
        item_key: Some(&item_key(d, Step::Call)),
    };
    add_call(db, s, &request, at)?;
    Ok(())
}

/// What a message's template could not fill in, as a note for whoever sends it (empty when
/// everything was filled).
fn unfilled_note(s: &Settings, filled: &Filled) -> String {
    match filled.complete() {
        true => String::new(),
        false => t(s.language, "message.unfilled").replace("{marcadores}", &filled.unfilled_list()),
    }
}

/// Notes on a message what its template could not fill in, for whoever sends it.
pub(crate) fn note_unfilled(db: &Db, id: i64, s: &Settings, filled: &Filled) -> Result<()> {
    if filled.complete() {
        return Ok(());
    }
    messages::set_note(db, id, &unfilled_note(s, filled))
}

/// Records a first notice for `d` as sent at `at`, on the client's own channel, with the text
/// the morning pass would have written (the demo clinic's history of reminders, whose effect
/// the dashboard measures). Nothing for a client who wants no messages.
pub(crate) fn record_sent_notice(db: &Db, s: &Settings, d: &Due, at: DateTime<Utc>) -> Result<()> {
    let client = clients::get(db, d.client_id)?;
    if !wants_messages(&client) {
        return Ok(());
    }
    let body = care_body(s, &client, &[(d.clone(), Step::FirstNotice)]).text;
    let id = messages::insert(db, client.id, CARE, at.date_naive(), &body, at)?;
    messages::add_item(
        db,
        &item_key(d, Step::FirstNotice),
        id,
        Some(d.pet_id),
        d.due_on,
    )?;
    let channel = client.data.preferred_channel.as_str();
    messages::close(db, id, "enviado", Some(channel), None, "", at)
}

/// Whether a client gets reminders and surveys: unless they objected to care messages or
/// said they want no messages at all (a call about their pet still happens).
pub(crate) fn wants_messages(c: &Client) -> bool {
    c.data.consent_care && c.data.preferred_channel != Channel::None
}

/// A message of `kind` for a client: the clinic's text (or the dictionary's) with the
/// placeholders every kind knows ({nombre}, {titulo}, {clinica}, {telefono}) and `own`.
pub(crate) fn fill_message(
    s: &Settings,
    kind: &str,
    client: &Client,
    own: &[(&str, &str)],
) -> Filled {
    let title = match client.data.title {
        Title::None => String::new(),
        title => t(
            s.language,
            &format!("{}.{}", Title::KEY_PREFIX, title.as_str()),
        ),
    };
    let mut values: Vec<(&str, &str)> = vec![
        ("nombre", &client.data.first_name),
        ("titulo", &title),
        ("clinica", &s.clinic_name),
        ("telefono", &s.phone),
    ];
    values.extend_from_slice(own);
    fill(&s.template(kind), &values)
}

/// The text of a care message for these items.
fn care_body(s: &Settings, client: &Client, items: &[(Due, Step)]) -> Filled {
    let lang = s.language;
    let lines: Vec<String> = items
        .iter()
        .map(|(d, _)| {
            let kind = t(lang, &format!("treatment_kind.{}", d.kind));
            fill(
                &t(lang, "message.care_item"),
                &[
                    ("mascota", &d.pet_name),
                    ("tratamiento", &kind),
                    ("fecha", &format::date_short(d.due_on)),
                ],
            )
            .text
        })
        .collect();
    let kind = if items.iter().any(|(_, s)| *s == Step::SecondNotice) {
        "cuidado_segundo"
    } else {
        "cuidado_primero"
    };
    let mut pets: Vec<&str> = items.iter().map(|(d, _)| d.pet_name.as_str()).collect();
    pets.dedup();
    let pets = fidelia_letters::join_names(&pets, lang);
    let lines = lines.join("\n");
    fill_message(s, kind, client, &[("lista", &lines), ("mascotas", &pets)])
}

/// A message text as it would read for a real client (Settings' live preview).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub client_name: String,
    pub text: String,
    /// Placeholders this kind does not know, or that are empty for this client, as written.
    pub unfilled: Vec<String>,
}

impl Clinic {
    /// How `text` (a message of `kind`, as being edited in Settings; "" = the current one)
    /// reads for `client`, or for the first client in the list with a living pet. Sample
    /// values stand in for what only a real message has (a date a week from today, 10:30, a
    /// vaccine, a survey code, a coupon).
    pub fn preview_template<Tz: TimeZone>(
        &self,
        kind: &str,
        text: &str,
        client: Option<ClientId>,
        at: &ClinicTime<Tz>,
    ) -> Result<Preview> {
        if !fidelia_core::settings::TEMPLATES
            .iter()
            .any(|(k, _)| *k == kind)
        {
            return Err(Invalid::single("kind", "err.choice").into());
        }
        self.store.read(|db| {
            let mut s = settings::read(db)?;
            if !text.trim().is_empty() {
                s.templates
                    .insert(format!("{}.{kind}", s.language.as_str()), text.to_owned());
            }
            let id = match client {
                Some(id) => Some(id),
                None => clients::list(db, 0, 50)?
                    .1
                    .into_iter()
                    .map(|h| h.client_id)
                    .find(|id| {
                        pets::of_client(db, *id).is_ok_and(|p| p.iter().any(|p| !p.data.deceased))
                    }),
            };
            let Some(id) = id else {
                return Err(Invalid::single("client", "err.preview_no_client").into());
            };
            let c = clients::get(db, id)?;
            let pet = pets::of_client(db, id)?
                .into_iter()
                .find(|p| !p.data.deceased)
                .map(|p| p.data.name)
                .unwrap_or_default();
            let lang = s.language;
            // A survey is about a visit that happened; everything else about one to come.
            let day = if kind == "encuesta" {
                at.today() - Duration::days(1)
            } else {
                at.today() + Duration::days(7)
            };
            let day = format::date_short(day);
            let item = fill(
                &t(lang, "message.care_item"),
                &[
                    ("mascota", &pet),
                    ("tratamiento", &t(lang, "treatment_kind.vacuna")),
                    ("fecha", &day),
                ],
            )
            .text;
            let coupon = fidelia_core::loyalty::coupon_code(42);
            let (code, percent) = (
                fidelia_core::surveys::code_for(1),
                format!("{} %", s.loyalty.coupon_percent),
            );
            let samples = [
                ("lista", item.as_str()),
                ("mascotas", &pet),
                ("mascota", &pet),
                ("fecha", &day),
                ("hora", "10:30"),
                ("enlace", &s.survey_link),
                ("codigo", &code),
                ("edad", &t(lang, "birthday.years").replace("{n}", "3")),
                ("cupon", &coupon),
                ("descuento", &percent),
                ("caduca", &day),
            ];
            // Only what this kind of message knows: the preview reads as the message would.
            let own = fidelia_core::settings::TEMPLATES
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(&[][..], |(_, p)| *p);
            let values: Vec<(&str, &str)> = samples
                .into_iter()
                .filter(|(k, _)| own.contains(k))
                .collect();
            let filled = fill_message(&s, kind, &c, &values);
            let unfilled = (filled.unknown.iter().chain(&filled.empty))
                .map(|p| format!("{{{p}}}"))
                .collect();
            Ok(Preview {
                client_name: format!("{} {}", c.data.first_name, c.data.surnames),
                text: filled.text,
                unfilled,
            })
        })
    }

    /// Prepares today's care messages; returns how many were prepared. Running it again the
    /// same day prepares nothing more.
    ///
    /// Only the applications whose next step's day has come are read (`check_on`, kept by
    /// this pass): each is given its step today, or told when to be looked at again (its next
    /// step's day; never, once the call was made or it is too old).
    pub fn prepare_care_messages<Tz: TimeZone>(&self, at: &ClinicTime<Tz>) -> Result<usize> {
        let today = at.today();
        self.store.write(|db| {
            let s = settings::read(db)?;
            let r = &s.care;
            // What is read and written per application or client is read and written for the
            // whole morning at once (a statement is a round trip on a server): the
            // applications' steps taken, clients, bookings, what is coming, the last care
            // message; the messages' items and the days to look again.
            let due = treatments::to_check(db, today)?;
            let taken = taken_of(db, &due)?;
            let mut checks: Vec<(i64, Option<NaiveDate>)> = Vec::new();
            // Per client: each item with the step to take today and whether that step already
            // has a message.
            let mut per_client: BTreeMap<ClientId, Vec<(Pending, bool)>> = BTreeMap::new();
            for d in due {
                if r.too_old(d.due_on, today) {
                    checks.push((d.id, None));
                    continue;
                }
                let taken = &taken[&d.id];
                match step_due(d.due_on, today, taken, r) {
                    Some(Step::Call) => {
                        add_care_call(db, &s, &d, at)?;
                        checks.push((d.id, None));
                    }
                    Some(step) => {
                        let prepared = taken.contains(&step);
                        per_client
                            .entry(d.client_id)
                            .or_default()
                            .push(((today, (d, step)), prepared));
                    }
                    // Not its day yet (the rules changed, or it was looked at early).
                    None => checks.push((d.id, next_untaken(d.due_on, taken, r))),
                }
            }
            let ids: Vec<ClientId> = per_client.keys().copied().collect();
            let people = clients::get_many(db, &ids)?;
            let last_sent = messages::last_of_kind_for(db, &ids, CARE)?;
            // What falls due in the coming days joins today's message (one a week), unless it
            // is no longer looked at (just above).
            let stopped: HashSet<i64> = (checks.iter())
                .filter(|(_, on)| on.is_none())
                .map(|(id, _)| *id)
                .collect();
            let horizon = today + Duration::days((r.first_notice_days + r.group_days) as i64);
            let mut coming = treatments::coming_of_clients(db, &ids, today, horizon)?;
            coming
                .values_mut()
                .for_each(|ds| ds.retain(|d| !stopped.contains(&d.id)));
            let coming_taken = taken_of(db, coming.values().flatten())?;
            let pets: Vec<PetId> = (per_client
                .values()
                .flatten()
                .map(|((_, (d, _)), _)| d.pet_id))
            .chain(coming.values().flatten().map(|d| d.pet_id))
            .collect();
            let booked = appointments::booked_among(db, &pets, at.now)?;
            // Each client's message, and the items it speaks of (written once all are known).
            let mut written: Vec<messages::NewMessage> = Vec::new();
            let mut items = Vec::new();
            for (client_id, pending) in per_client {
                let client = people.get(&client_id).ok_or(StoreError::NotFound)?;
                // Every item looked at today, kept or silenced: none joins again below.
                let looked_at: Vec<i64> = pending.iter().map(|((_, (d, _)), _)| d.id).collect();
                let mut kept = Vec::new();
                for ((day, (d, step)), prepared) in pending {
                    let hygiene = Hygiene {
                        pet_deceased: false, // items are of living pets only
                        client_objected: !wants_messages(client),
                        booked: booked.contains(&d.pet_id),
                        already_prepared: prepared,
                    };
                    if hygiene.silence().is_none() {
                        kept.push((day, (d, step)));
                    } else {
                        // Nothing for this step (the clinic already knows, or must not write):
                        // the next step will look again.
                        checks.push((d.id, r.check_after(step, d.due_on)));
                    }
                }
                if kept.is_empty() {
                    continue;
                }
                for d in coming.remove(&client_id).unwrap_or_default() {
                    if !looked_at.contains(&d.id)
                        && coming_taken[&d.id].is_empty()
                        && !booked.contains(&d.pet_id)
                    {
                        kept.push((Step::FirstNotice.day(d.due_on, r), (d, Step::FirstNotice)));
                    }
                }
                let last = last_sent.get(&client_id).copied();
                let Some(group) = group_for_client(&kept, today, last, r) else {
                    // A care message went out this week: today's items wait until tomorrow.
                    for (day, (d, _)) in &kept {
                        if *day <= today {
                            checks.push((d.id, Some(today + Duration::days(1))));
                        }
                    }
                    continue;
                };
                let filled = care_body(&s, client, &group);
                written.push((client.id, filled.text.clone(), unfilled_note(&s, &filled)));
                for (d, step) in group {
                    checks.push((d.id, r.check_after(step, d.due_on)));
                    items.push((client.id, (item_key(&d, step), Some(d.pet_id), d.due_on)));
                }
            }
            let ids = messages::insert_for_clients(db, CARE, today, &written, at.now)?;
            let items: Vec<messages::NewItem> = (items.into_iter())
                .map(|(client, (key, pet, due_on))| (key, ids[&client], pet, due_on))
                .collect();
            messages::add_items(db, &items)?;
            treatments::set_checks(db, &checks)?;
            Ok(written.len())
        })
    }

    /// Prepares today's appointment reminders: each appointment is reminded on the last day
    /// before it on which the clinic opens (Saturday for a Monday), once; a moved appointment
    /// gets a new reminder, a cancelled one none. Returns how many were prepared.
    pub fn prepare_appointment_messages<Tz: TimeZone>(&self, at: &ClinicTime<Tz>) -> Result<usize> {
        let today = at.today();
        self.store.write(|db| {
            let s = settings::read(db)?;
            let hours = s.hours();
            // Reminded today: what happens from tomorrow up to the next opening day (Saturday
            // reminds Monday's appointments, and Sunday's if there were any).
            let Some(last) = hours.next_opening_day(today) else {
                return Ok(0);
            };
            let ahead = at.day_start(last + Duration::days(1));
            // Today's to remind, with their clients, pets and items read at once.
            let mut due = Vec::new();
            for a in appointments::scheduled_between(db, at.now, ahead, None)? {
                let local = a.data.starts_at.with_timezone(&at.tz).naive_local();
                let day = local.date();
                let send_on = hours.previous_opening_day(day);
                if day <= today || send_on.is_none_or(|d| d > today) {
                    continue; // today's own appointments are not reminded; others wait their day
                }
                due.push((appointment_key(&a), a, local));
            }
            let people = clients::get_many(
                db,
                &due.iter().map(|(_, a, _)| a.client_id).collect::<Vec<_>>(),
            )?;
            let animals = pets::get_many(
                db,
                &due.iter()
                    .map(|(_, a, _)| a.data.pet_id)
                    .collect::<Vec<_>>(),
            )?;
            let reminded = messages::items_among(
                db,
                &due.iter().map(|(k, _, _)| k.clone()).collect::<Vec<_>>(),
            )?;
            let mut prepared = 0;
            for (key, a, local) in due {
                let day = local.date();
                let client = people.get(&a.client_id).ok_or(StoreError::NotFound)?;
                let pet = animals.get(&a.data.pet_id).ok_or(StoreError::NotFound)?;
                let hygiene = Hygiene {
                    pet_deceased: pet.data.deceased,
                    client_objected: !wants_messages(client),
                    booked: false,
                    already_prepared: reminded.contains(&key),
                };
                if hygiene.silence().is_some() {
                    continue;
                }
                let filled = fill_message(
                    &s,
                    "cita",
                    client,
                    &[
                        ("mascota", &pet.data.name),
                        ("fecha", &format::date_short(day)),
                        ("hora", &local.format("%H:%M").to_string()),
                    ],
                );
                let id = messages::insert(db, client.id, APPOINTMENT, today, &filled.text, at.now)?;
                note_unfilled(db, id, &s, &filled)?;
                messages::add_item(db, &key, id, Some(pet.id), day)?;
                prepared += 1;
            }
            Ok(prepared)
        })
    }

    /// Today's messages: what is due is prepared first (care reminders, appointment
    /// reminders, surveys, birthday greetings), then everything to send today or before, by
    /// client.
    pub fn messages_for_today<Tz: TimeZone>(&self, at: &ClinicTime<Tz>) -> Result<Vec<Message>> {
        self.prepare_care_messages(at)?;
        self.prepare_appointment_messages(at)?;
        self.prepare_survey_messages(at)?;
        self.prepare_birthday_messages(at)?;
        self.messages_to_send(at.today())
    }

    /// The morning notice: once a day, from when the clinic opens, the number of messages to
    /// send today (the queue prepared first). The day is claimed before anything is shown, so
    /// there is one notice a day whichever process or restart gets there first. `None` while
    /// the clinic is closed, once the day was claimed, or when there is nothing to send.
    pub fn morning_notice<Tz: TimeZone>(&self, at: &ClinicTime<Tz>) -> Result<Option<usize>> {
        let hours = self.settings()?.hours();
        let open_now = hours.next_slot(&at.tz, at.now, Duration::minutes(1)) <= at.now;
        if !open_now {
            return Ok(None);
        }
        let queue = self.messages_for_today(at)?;
        let claimed = self
            .store
            .write(|db| settings::claim_day(db, "aviso_mensajes", at.today()))?;
        Ok((claimed && !queue.is_empty()).then_some(queue.len()))
    }

    /// The link that opens WhatsApp (the client's first phone that may be a mobile, as E.164;
    /// never a landline) or the mail client with the message written; `None` when the client
    /// has no number or address for that channel.
    pub fn message_link(&self, id: i64, channel: &str) -> Result<Option<String>> {
        self.store.read(|db| {
            let m = messages::get(db, id)?;
            let c = clients::get(db, m.client_id)?;
            let s = settings::read(db)?;
            Ok(match channel {
                "whatsapp" => [&c.data.phone1, &c.data.phone2]
                    .iter()
                    .filter_map(|p| phone::read(p, &s.default_country))
                    .find(phone::Phone::whatsapp)
                    .and_then(|p| whatsapp_link(&p.e164, &m.body)),
                "email" => mailto_link(&c.data.email, &t(s.language, "message.subject"), &m.body),
                _ => None,
            })
        })
    }

    /// What reception should send on `today` (overdue ones included), by client.
    pub fn messages_to_send(&self, today: NaiveDate) -> Result<Vec<Message>> {
        self.store.read(|db| messages::to_send(db, today))
    }

    /// Marks a message sent through `channel` by `staff`: it goes into the client's log.
    pub fn mark_message_sent(
        &self,
        id: i64,
        channel: &str,
        staff: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> Result<Message> {
        if !CHANNELS.contains(&channel) {
            return Err(Invalid::single("channel", "err.choice").into());
        }
        self.store.write(|db| {
            messages::close(db, id, "enviado", Some(channel), staff, "", now)?;
            messages::get(db, id)
        })
    }

    /// Skips a message, with the reason (required).
    pub fn skip_message(
        &self,
        id: i64,
        reason: &str,
        staff: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> Result<Message> {
        if reason.trim().is_empty() {
            return Err(Invalid::single("reason", "err.required").into());
        }
        self.store.write(|db| {
            messages::close(db, id, "omitido", None, staff, reason.trim(), now)?;
            messages::get(db, id)
        })
    }

    /// Moves a message to another day (not in the past).
    pub fn postpone_message(
        &self,
        id: i64,
        to: NaiveDate,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Message> {
        if to <= today {
            return Err(Invalid::single("date", "err.date_past").into());
        }
        self.store.write(|db| {
            messages::postpone(db, id, to, "", now)?;
            messages::get(db, id)
        })
    }

    /// Moves a message to the clinic's next opening day ("tomorrow", skipping closed days).
    pub fn postpone_to_next_opening<Tz: TimeZone>(
        &self,
        id: i64,
        at: &ClinicTime<Tz>,
    ) -> Result<Message> {
        let hours = self.settings()?.hours();
        let today = at.today();
        let next = (1..=7)
            .map(|d| today + Duration::days(d))
            .find(|d| hours.opens_on(*d))
            .unwrap_or(today + Duration::days(1));
        self.postpone_message(id, next, today, at.now)
    }

    /// A client's messages, newest first: the communication log (sent ones) and those to send.
    pub fn client_messages(&self, client: ClientId) -> Result<Vec<Message>> {
        self.store.read(|db| messages::of_client(db, client))
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use fidelia_core::calls::CallKind;
    use fidelia_core::*;

    use crate::test_util::*;
    use crate::Clinic;

    fn vaccinate(s: &Clinic, pet: PetId, date: &str) {
        s.record_treatment(
            &TreatmentForm {
                pet_id: Some(pet),
                kind: "vacuna".into(),
                date: date.into(),
                ..Default::default()
            },
            &at(),
        )
        .unwrap();
    }

    fn on(days: i64) -> ClinicTime<chrono::FixedOffset> {
        ClinicTime::new(now() + Duration::days(days), at().tz)
    }

    /// Today is 25/11/2026: a vaccine of 30/11/2025 falls due on 30/11/2026.
    fn clinic_with_a_vaccine_due() -> (Clinic, Client, Pet) {
        let s = store();
        let mut settings = s.settings().unwrap();
        settings.phone = "910 000 000".into();
        s.save_settings(&settings).unwrap();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        vaccinate(&s, luna.id, "30/11/2025");
        (s, c, luna)
    }

    #[test]
    fn a_vaccine_due_gets_its_first_notice_a_week_before_and_never_twice() {
        let (s, c, _) = clinic_with_a_vaccine_due();
        assert_eq!(
            s.prepare_care_messages(&at()).unwrap(),
            1,
            "5 days before the due date"
        );
        let queue = s.messages_to_send(at().today()).unwrap();
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].client_id, c.id);
        assert_eq!(queue[0].pet_names, ["Luna"]);
        assert!(
            queue[0].body.contains("Hola, María")
                && queue[0].body.contains("Luna: vacuna, el 30/11/2026"),
            "{}",
            queue[0].body
        );
        assert!(queue[0].body.contains("910 000 000"));
        assert_eq!(s.prepare_care_messages(&at()).unwrap(), 0, "never twice");
        assert_eq!(
            s.prepare_care_messages(&on(2)).unwrap(),
            0,
            "nor on a later day"
        );
    }

    #[test]
    fn a_sent_message_is_logged_and_leaves_the_queue_then_the_second_notice_comes() {
        let (s, c, _) = clinic_with_a_vaccine_due();
        s.prepare_care_messages(&at()).unwrap();
        let id = s.messages_to_send(at().today()).unwrap()[0].id;
        let sent = s.mark_message_sent(id, "whatsapp", None, now()).unwrap();
        assert_eq!(
            (sent.status.as_str(), sent.channel.as_deref()),
            ("enviado", Some("whatsapp"))
        );
        assert!(s.messages_to_send(at().today()).unwrap().is_empty());
        assert_eq!(
            s.client_messages(c.id).unwrap()[0].status,
            "enviado",
            "in the client's log"
        );
        // Nothing done a week after the due date: the second notice.
        assert_eq!(s.prepare_care_messages(&on(12)).unwrap(), 1);
        let second = &s.messages_to_send(on(12).today()).unwrap()[0];
        assert!(second.body.contains("sigue pendiente"), "{}", second.body);
        assert!(
            s.mark_message_sent(second.id, "paloma", None, now())
                .is_err(),
            "known channels only"
        );
        // Postponed on a Saturday: it comes back on Monday.
        let saturday = ClinicTime::new("2026-11-28T10:00:00Z".parse().unwrap(), at().tz);
        let moved = s.postpone_to_next_opening(second.id, &saturday).unwrap();
        assert_eq!(moved.send_on.to_string(), "2026-11-30");
    }

    #[test]
    fn no_reminder_when_an_appointment_is_booked_the_client_objected_or_the_pet_died() {
        let (s, _, luna) = clinic_with_a_vaccine_due();
        s.save_appointment(
            &AppointmentForm {
                pet_id: Some(luna.id),
                date: "29/11/2026".into(),
                time: "10:00".into(),
                duration_min: "20".into(),
                reason: "Vacuna".into(),
                ..Default::default()
            },
            &at(),
        )
        .unwrap();
        assert_eq!(
            s.prepare_care_messages(&at()).unwrap(),
            0,
            "booked: no reminder"
        );

        let (s, c2, _) = clinic_with_a_vaccine_due();
        let objected = ClientForm {
            id: Some(c2.id),
            first_name: "María".into(),
            surnames: "Núñez".into(),
            phone1: "612 345 678".into(),
            preferred_channel: "telefono".into(),
            consent_care: false,
            ..Default::default()
        };
        s.save_client(&objected, now()).unwrap();
        assert_eq!(
            s.prepare_care_messages(&at()).unwrap(),
            0,
            "an objector: nothing"
        );

        // Prepared, then the pet dies: the message is cancelled, and nothing more comes.
        let (s, c3, luna3) = clinic_with_a_vaccine_due();
        s.prepare_care_messages(&at()).unwrap();
        mark_deceased(&s, &luna3);
        assert!(
            s.messages_to_send(at().today()).unwrap().is_empty(),
            "cancelled by the death"
        );
        assert_eq!(s.client_messages(c3.id).unwrap()[0].status, "cancelado");
        assert_eq!(
            s.prepare_care_messages(&on(12)).unwrap(),
            0,
            "nothing after a death"
        );
    }

    #[test]
    fn still_not_done_a_week_after_the_second_notice_the_client_is_called_once() {
        let (s, c, luna) = clinic_with_a_vaccine_due();
        s.prepare_care_messages(&at()).unwrap();
        s.prepare_care_messages(&on(12)).unwrap();
        let calls = |s: &Clinic| s.calls_of_client(c.id, now()).unwrap();
        assert!(
            calls(&s).is_empty(),
            "no call while the messages do their work"
        );
        assert_eq!(
            s.prepare_care_messages(&on(19)).unwrap(),
            0,
            "no third message"
        );
        let list = calls(&s);
        assert_eq!(list.len(), 1);
        assert_eq!((list[0].kind, list[0].pet_id), (CallKind::Care, luna.id));
        assert_eq!(list[0].reason, "vacuna del 30/11/2026");
        let detail = s.call_detail(list[0].id, Lang::Es, on(19).now).unwrap();
        assert!(
            detail.script.contains("le tocaba la vacuna del 30/11/2026"),
            "{}",
            detail.script
        );
        s.prepare_care_messages(&on(20)).unwrap();
        s.messages_for_today(&on(25)).unwrap();
        assert_eq!(calls(&s).len(), 1, "one call, ever");
    }

    fn born(s: &Clinic, client: ClientId, name: &str, birth: &str) -> Pet {
        s.save_pet(
            &PetForm {
                client_id: Some(client),
                name: name.into(),
                species: "gato".into(),
                sex: "macho".into(),
                birth_date: birth.into(),
                ..Default::default()
            },
            &at(),
        )
        .unwrap()
    }

    fn with_commercial_consent(s: &Clinic, c: &Client, yes: bool, channel: &str) {
        let f = ClientForm {
            id: Some(c.id),
            first_name: c.data.first_name.clone(),
            surnames: c.data.surnames.clone(),
            phone1: c.data.phone1.clone(),
            preferred_channel: channel.into(),
            consent_care: true,
            consent_commercial: yes,
            ..Default::default()
        };
        s.save_client(&f, now()).unwrap();
    }

    #[test]
    fn birthday_greetings_come_with_their_coupon_only_with_commercial_consent() {
        let (s, c, _) = clinic_with_a_vaccine_due();
        let nono = born(&s, c.id, "Ñoño", "25/11/2023");
        assert_eq!(
            s.prepare_birthday_messages(&at()).unwrap(),
            0,
            "no commercial consent: no greeting, no coupon, ever"
        );
        assert!(s.birthdays(at().today(), 7).unwrap().is_empty());
        with_commercial_consent(&s, &c, true, "ninguno");
        assert_eq!(
            s.prepare_birthday_messages(&at()).unwrap(),
            0,
            "a client who wants no messages"
        );
        with_commercial_consent(&s, &c, true, "whatsapp");
        assert_eq!(s.prepare_birthday_messages(&at()).unwrap(), 1);
        let m = s
            .messages_to_send(at().today())
            .unwrap()
            .into_iter()
            .find(|m| m.kind == "cumpleanos")
            .unwrap();
        let coupon = s.birthdays(at().today(), 7).unwrap()[0]
            .coupon
            .clone()
            .unwrap();
        assert!(
            m.body.contains("Ñoño cumple 3 años")
                && m.body.contains(&coupon)
                && m.body.contains("10 %"),
            "{}",
            m.body
        );
        assert_eq!(s.prepare_birthday_messages(&at()).unwrap(), 0, "once");
        mark_deceased(&s, &nono);
        assert!(
            s.messages_to_send(at().today())
                .unwrap()
                .iter()
                .all(|m| m.kind != "cumpleanos"),
            "a death cancels the greeting"
        );
    }

    #[test]
    fn a_sunday_birthday_is_greeted_on_saturday() {
        let (s, c, _) = clinic_with_a_vaccine_due();
        with_commercial_consent(&s, &c, true, "whatsapp");
        born(&s, c.id, "Mío", "29/11/2020");
        assert_eq!(
            s.prepare_birthday_messages(&on_day(27)).unwrap(),
            0,
            "Friday"
        );
        assert_eq!(
            s.prepare_birthday_messages(&on_day(28)).unwrap(),
            1,
            "Saturday"
        );
        assert_eq!(
            s.prepare_birthday_messages(&on_day(29)).unwrap(),
            0,
            "not again"
        );
    }

    #[test]
    fn the_morning_notice_comes_once_a_day_when_the_clinic_opens() {
        let (s, _, _) = clinic_with_a_vaccine_due();
        let early: chrono::DateTime<chrono::Utc> = "2026-11-25T07:00:00Z".parse().unwrap();
        let early = ClinicTime::new(early, at().tz);
        assert_eq!(
            s.morning_notice(&early).unwrap(),
            None,
            "08:00: still closed"
        );
        assert_eq!(
            s.morning_notice(&at()).unwrap(),
            Some(1),
            "open: one message"
        );
        assert_eq!(s.morning_notice(&at()).unwrap(), None, "once a day");
        let sunday: chrono::DateTime<chrono::Utc> = "2026-11-29T10:00:00Z".parse().unwrap();
        assert_eq!(
            s.morning_notice(&ClinicTime::new(sunday, at().tz)).unwrap(),
            None,
            "closed"
        );
        assert_eq!(
            s.morning_notice(&on(1)).unwrap(),
            Some(1),
            "the next day: still to send"
        );
    }

    #[test]
    fn a_template_is_previewed_on_a_real_client_and_what_cannot_be_filled_is_named() {
        let (s, _, _) = clinic_with_a_vaccine_due();
        let p = s
            .preview_template(
                "cita",
                "Hola {nombre}, {mascota} el {fecha} a las {hora}. {cupon}",
                None,
                &at(),
            )
            .unwrap();
        assert_eq!(p.client_name, "María Núñez");
        assert_eq!(p.text, "Hola María, Luna el 02/12/2026 a las 10:30. ");
        assert_eq!(
            p.unfilled,
            ["{cupon}"],
            "an appointment reminder has no coupon"
        );
        let p = s.preview_template("encuesta", "", None, &at()).unwrap();
        assert_eq!(p.unfilled, ["{enlace}"], "no survey link in Settings yet");
        let evil = client(&s, "<img src=x onerror=alert(1)>", "Ñúñez", "600 000 000");
        pet(&s, evil.id, "Ñoño");
        let p = s
            .preview_template(
                "cita",
                "¡Hola, {nombre}! ¿Qué tal {mascota}?",
                Some(evil.id),
                &at(),
            )
            .unwrap();
        assert_eq!(
            p.text, "¡Hola, <img src=x onerror=alert(1)>! ¿Qué tal Ñoño?",
            "text, never markup: the window shows it as text"
        );
        assert!(s.preview_template("paloma", "", None, &at()).is_err());
    }

    #[test]
    fn booking_an_appointment_withdraws_the_reminder_already_in_the_queue() {
        let (s, c, luna) = clinic_with_a_vaccine_due();
        let pio = pet(&s, c.id, "Pío");
        vaccinate(&s, pio.id, "04/12/2025");
        assert_eq!(
            s.prepare_care_messages(&at()).unwrap(),
            1,
            "Luna and Pío in one"
        );
        book(&s, luna.id, "27/11/2026", None);
        let queue = s.messages_to_send(at().today()).unwrap();
        assert!(
            queue.iter().all(|m| m.kind != "cuidado"),
            "withdrawn: {queue:?}"
        );
        // Pío still needs his: alone now, it comes on its own day, a week before his date (the
        // week's limit counts messages sent or to send, not withdrawn ones).
        assert_eq!(s.prepare_care_messages(&at()).unwrap(), 0);
        assert_eq!(s.prepare_care_messages(&on(2)).unwrap(), 1);
        let m = s.messages_to_send(on(2).today()).unwrap().remove(0);
        assert_eq!(m.pet_names, ["Pío"]);
    }

    /// The window and the CLI open at once: two connections to one file preparing the same
    /// day's queue over and over, at the same time. Each item still gets one message.
    #[test]
    fn two_processes_preparing_at_once_never_make_two_messages() {
        let dir = crate::test_util::temp_folder("twice");
        let path = dir.join("clinic.sqlite3");
        let window = Clinic::open(&path).unwrap();
        let c = client(&window, "María", "Núñez", "612 345 678");
        for name in ["Luna", "Pío", "Kira"] {
            let p = pet(&window, c.id, name);
            vaccinate(&window, p.id, "30/11/2025");
        }
        let d = client(&window, "Íñigo", "Martínez", "622 345 678");
        let max = pet(&window, d.id, "Max");
        vaccinate(&window, max.id, "29/11/2025");
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let cli = Clinic::open(&path).unwrap();
                    for _ in 0..20 {
                        cli.messages_for_today(&at()).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let queue = window.messages_to_send(at().today()).unwrap();
        assert_eq!(queue.len(), 2, "one message per client: {queue:?}");
        assert_eq!(queue[1].pet_names, ["Luna", "Pío", "Kira"]);
        drop(window);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_vaccine_given_withdraws_its_reminder_still_to_send_and_not_the_others() {
        let (s, c, luna) = clinic_with_a_vaccine_due();
        let pio = pet(&s, c.id, "Pío");
        vaccinate(&s, pio.id, "04/12/2025");
        s.prepare_care_messages(&at()).unwrap();
        // Luna comes in today and gets her vaccine: the reminder is withdrawn.
        vaccinate(&s, luna.id, "25/11/2026");
        let queue = s.messages_to_send(at().today()).unwrap();
        assert!(queue.iter().all(|m| m.kind != "cuidado"), "{queue:?}");
        assert_eq!(s.prepare_care_messages(&on(2)).unwrap(), 1);
        let m = s.messages_to_send(on(2).today()).unwrap().remove(0);
        assert_eq!(m.pet_names, ["Pío"], "Pío's still comes");
    }

    #[test]
    fn what_is_coming_joins_a_message_unless_its_pet_is_booked() {
        let (s, c, _) = clinic_with_a_vaccine_due();
        let pio = pet(&s, c.id, "Pío");
        vaccinate(&s, pio.id, "04/12/2025");
        book(&s, pio.id, "03/12/2026", None);
        assert_eq!(s.prepare_care_messages(&at()).unwrap(), 1);
        let m = s.messages_to_send(at().today()).unwrap().remove(0);
        assert_eq!(m.pet_names, ["Luna"], "Pío has his appointment: {}", m.body);
    }

    #[test]
    fn one_message_a_week_per_client_with_what_is_coming_joined() {
        let (s, c, _) = clinic_with_a_vaccine_due();
        let pio = pet(&s, c.id, "Pío");
        // Pío's vaccine falls due on 04/12: within the week of Luna's first notice.
        vaccinate(&s, pio.id, "04/12/2025");
        assert_eq!(
            s.prepare_care_messages(&at()).unwrap(),
            1,
            "one message for both"
        );
        let m = &s.messages_to_send(at().today()).unwrap()[0];
        assert_eq!(m.pet_names, ["Luna", "Pío"]);
        // Mío, due in ten days, has its first notice in 3 days: within the week, so it waits.
        let mio = pet(&s, c.id, "Mío");
        vaccinate(&s, mio.id, "05/12/2025");
        assert_eq!(
            s.prepare_care_messages(&on(3)).unwrap(),
            0,
            "a care message 3 days ago"
        );
    }

    /// A day of November 2026 at 10:00 in Madrid (UTC+1).
    fn on_day(day: u32) -> ClinicTime<chrono::FixedOffset> {
        let t: chrono::DateTime<chrono::Utc> =
            format!("2026-11-{day:02}T09:00:00Z").parse().unwrap();
        ClinicTime::new(t, at().tz)
    }

    fn book(s: &Clinic, pet: PetId, date: &str, id: Option<AppointmentId>) -> Appointment {
        s.save_appointment(
            &AppointmentForm {
                id,
                pet_id: Some(pet),
                date: date.into(),
                time: "10:30".into(),
                duration_min: "20".into(),
                reason: "Revisión".into(),
                ..Default::default()
            },
            &at(),
        )
        .unwrap()
    }

    #[test]
    fn a_monday_appointment_is_reminded_on_saturday_once() {
        let (s, _, luna) = clinic_with_a_vaccine_due();
        book(&s, luna.id, "30/11/2026", None);
        assert_eq!(
            s.prepare_appointment_messages(&on_day(27)).unwrap(),
            0,
            "Friday: not yet"
        );
        assert_eq!(
            s.prepare_appointment_messages(&on_day(28)).unwrap(),
            1,
            "Saturday"
        );
        let m = s
            .messages_to_send(on_day(28).today())
            .unwrap()
            .into_iter()
            .find(|m| m.kind == "cita")
            .unwrap();
        assert!(
            m.body.contains("Luna") && m.body.contains("30/11/2026") && m.body.contains("10:30"),
            "{}",
            m.body
        );
        assert_eq!(
            s.prepare_appointment_messages(&on_day(28)).unwrap(),
            0,
            "never twice"
        );
    }

    #[test]
    fn moving_an_appointment_replaces_its_reminder_and_cancelling_it_cancels_it() {
        let (s, c, luna) = clinic_with_a_vaccine_due();
        let a = book(&s, luna.id, "27/11/2026", None);
        assert_eq!(s.prepare_appointment_messages(&on_day(26)).unwrap(), 1);
        // Moved to Tuesday: the reminder prepared for Friday goes; Monday brings the new one.
        book(&s, luna.id, "01/12/2026", Some(a.id));
        let reminders = |s: &Clinic| -> Vec<(String, String)> {
            s.client_messages(c.id)
                .unwrap()
                .into_iter()
                .filter(|m| m.kind == "cita")
                .map(|m| (m.status, m.body))
                .collect()
        };
        assert_eq!(reminders(&s)[0].0, "cancelado");
        let monday: chrono::DateTime<chrono::Utc> = "2026-11-30T09:00:00Z".parse().unwrap();
        let monday = ClinicTime::new(monday, at().tz);
        assert_eq!(s.prepare_appointment_messages(&monday).unwrap(), 1);
        assert!(reminders(&s)
            .iter()
            .any(|(st, b)| st == "pendiente" && b.contains("01/12/2026")));
        s.cancel_appointment(a.id, monday.now).unwrap();
        assert!(
            reminders(&s).iter().all(|(st, _)| st != "pendiente"),
            "a cancelled appointment has no reminder to send"
        );
    }

    #[test]
    fn a_message_opens_whatsapp_or_mail_with_its_text() {
        let (s, _, _) = clinic_with_a_vaccine_due();
        s.prepare_care_messages(&at()).unwrap();
        let m = &s.messages_to_send(at().today()).unwrap()[0];
        let wa = s.message_link(m.id, "whatsapp").unwrap().unwrap();
        assert!(
            wa.starts_with("https://wa.me/34612345678?text=Hola%2C%20Mar%C3%ADa"),
            "{wa}"
        );
        assert_eq!(
            s.message_link(m.id, "email").unwrap(),
            None,
            "no e-mail address"
        );
        assert_eq!(s.message_link(m.id, "paloma").unwrap(), None);
    }

    #[test]
    fn whatsapp_goes_to_a_mobile_never_to_a_landline() {
        let (s, c, _) = clinic_with_a_vaccine_due();
        s.prepare_care_messages(&at()).unwrap();
        let m = &s.messages_to_send(at().today()).unwrap()[0];
        let with_phones = |phone1: &str, phone2: &str| {
            let f = ClientForm {
                id: Some(c.id),
                first_name: c.data.first_name.clone(),
                surnames: c.data.surnames.clone(),
                phone1: phone1.into(),
                phone2: phone2.into(),
                preferred_channel: "telefono".into(),
                consent_care: true,
                ..Default::default()
            };
            s.save_client(&f, now()).unwrap();
            s.message_link(m.id, "whatsapp").unwrap()
        };
        assert_eq!(with_phones("93 456 78 90", ""), None, "a landline only");
        let wa = with_phones("93 456 78 90", "699 111 222").unwrap();
        assert!(wa.starts_with("https://wa.me/34699111222?"), "{wa}");
        // A number whose line the metadata cannot tell (Mexico's) may be a mobile.
        let wa = with_phones("+52 1 55 1234 5678", "").unwrap();
        assert!(wa.starts_with("https://wa.me/525512345678?"), "{wa}");
    }
}
