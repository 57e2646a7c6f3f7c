//! The `messages` and `message_items` tables: messages prepared for reception to send, what
//! each is about, and — once sent — the client's communication log. Written once for both
//! engines ([`crate::sql`]).

use chrono::{DateTime, NaiveDate, Utc};
use fidelia_core::{ClientId, PetId, StaffId};
use serde::Serialize;

use crate::sql::{Row, Value};
use crate::{day, parse_day, parse_ts, ts, vals, Db, Result, StoreError};

/// A message, prepared or sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: i64,
    pub client_id: ClientId,
    pub client_name: String,
    /// `cuidado`, `cita`, `encuesta`, `cumpleanos`.
    pub kind: String,
    pub send_on: NaiveDate,
    /// `pendiente`, `enviado`, `omitido`, `cancelado`.
    pub status: String,
    pub channel: Option<String>,
    pub body: String,
    pub note: String,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by_name: Option<String>,
    /// The pets it is about.
    pub pet_names: Vec<String>,
    /// A survey's code (to record its answers from the queue).
    pub survey_code: Option<String>,
    /// The client's phone (to read the message on the phone) and preferred channel.
    pub phone: String,
    pub preferred_channel: String,
}

/// The columns `from_row` reads, the pets' names joined as the engine joins them.
fn select(db: &Db) -> String {
    let names = db.dialect().group_concat("p.name", '\u{1f}');
    // A survey message's one item is `encuesta:<visit>`; the kind is tested before the key is
    // read as a number (PostgreSQL refuses to cast the other kinds' keys).
    format!(
        "SELECT m.id, m.client_id, c.first_name || ' ' || c.surnames, m.kind, m.send_on, m.status,
                m.channel, m.body, m.note, m.done_at, s.name,
                (SELECT {names} FROM message_items i JOIN pets p ON p.id = i.pet_id
                 WHERE i.message_id = m.id),
                (SELECT sv.code FROM message_items i
                 JOIN surveys sv ON sv.visit_id = CAST(substr(i.item_key, 10) AS INTEGER)
                 WHERE m.kind = 'encuesta' AND i.message_id = m.id),
                CASE WHEN c.phone1 <> '' THEN c.phone1 ELSE c.phone2 END, c.preferred_channel
         FROM messages m JOIN clients c ON c.id = m.client_id LEFT JOIN staff s ON s.id = m.done_by"
    )
}

fn from_row(r: &Row) -> Result<Message> {
    let pets: Option<String> = r.get(11)?;
    let mut pet_names: Vec<String> = pets
        .map(|p| p.split('\u{1f}').map(str::to_owned).collect())
        .unwrap_or_default();
    pet_names.dedup();
    Ok(Message {
        id: r.get(0)?,
        client_id: ClientId(r.get(1)?),
        client_name: r.get(2)?,
        kind: r.get(3)?,
        send_on: parse_day(r.get(4)?)?.unwrap_or_default(),
        status: r.get(5)?,
        channel: r.get(6)?,
        body: r.get(7)?,
        note: r.get(8)?,
        done_at: r
            .get::<Option<String>>(9)?
            .map(|s| parse_ts(&s))
            .transpose()?,
        done_by_name: r.get(10)?,
        pet_names,
        survey_code: r.get(12)?,
        phone: r.get(13)?,
        preferred_channel: r.get(14)?,
    })
}

fn query(db: &Db, where_order: &str, args: &[Value]) -> Result<Vec<Message>> {
    db.map_rows(&format!("{} {where_order}", select(db)), args, from_row)
}

pub fn get(db: &Db, id: i64) -> Result<Message> {
    query(db, "WHERE m.id = ?1", &vals![id])?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Prepares a message for `send_on`; returns its id.
pub fn insert(
    db: &Db,
    client: ClientId,
    kind: &str,
    send_on: NaiveDate,
    body: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    db.insert(
        "INSERT INTO messages (client_id, kind, send_on, body, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        &vals![client.0, kind, day(send_on), body, ts(now)],
    )
}

/// A message for one client: the client, its text and the note for whoever sends it.
pub type NewMessage = (ClientId, String, String);

/// Inserts one message of `kind` to send on `send_on` for each client of `messages`, in one
/// statement: each client's message id. Each client at most once (the ids are told apart by
/// client; a client given twice is a bug, and panics).
pub fn insert_for_clients(
    db: &Db,
    kind: &str,
    send_on: NaiveDate,
    messages: &[NewMessage],
    now: DateTime<Utc>,
) -> Result<std::collections::HashMap<ClientId, i64>> {
    let mut out = std::collections::HashMap::new();
    if messages.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(i64, &str, &str)> = (messages.iter())
        .map(|(c, body, note)| (c.0, body.as_str(), note.as_str()))
        .collect();
    let clients: std::collections::HashSet<i64> = rows.iter().map(|r| r.0).collect();
    assert_eq!(clients.len(), rows.len(), "a client given twice");
    db.each(
        &format!(
            "INSERT INTO messages (client_id, kind, send_on, body, note, created_at, updated_at)
             SELECT client_id, ?2, ?3, body, note, ?4, ?4 FROM ({}) AS j WHERE true
             RETURNING id, client_id",
            db.dialect().json_rows(
                "?1",
                &[("client_id", true), ("body", false), ("note", false)]
            )
        ),
        &vals![serde_json::to_string(&rows)?, kind, day(send_on), ts(now)],
        |r| {
            out.insert(ClientId(r.get(1)?), r.get(0)?);
            Ok(())
        },
    )?;
    Ok(out)
}

/// Ties a due item to a message. `Ok(false)` if the item already has a message (nothing
/// written): an item gets one message, ever.
pub fn add_item(
    db: &Db,
    key: &str,
    message: i64,
    pet: Option<PetId>,
    due_on: NaiveDate,
) -> Result<bool> {
    let n = db.execute(
        "INSERT INTO message_items (item_key, message_id, pet_id, due_on) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO NOTHING",
        &vals![key, message, pet.map(|p| p.0), day(due_on)],
    )?;
    Ok(n == 1)
}

/// Whether an item already has a message.
pub fn has_item(db: &Db, key: &str) -> Result<bool> {
    Ok(!items_among(db, &[key.to_owned()])?.is_empty())
}

/// The keys among `keys` whose items already have a message: a morning's items looked up in
/// one statement.
pub fn items_among(db: &Db, keys: &[String]) -> Result<std::collections::HashSet<String>> {
    super::keys_among(db, "message_items", keys)
}

/// An item tied to its message: its key, the message, the pet and the day it is due.
pub type NewItem = (String, i64, Option<PetId>, NaiveDate);

/// Ties many items to their messages in one statement ([`add_item`] for each); an item that
/// already has a message is left as it is.
pub fn add_items(db: &Db, items: &[NewItem]) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let rows: Vec<(&str, i64, Option<i64>, String)> = items
        .iter()
        .map(|(k, m, p, d)| (k.as_str(), *m, p.map(|p| p.0), day(*d)))
        .collect();
    db.execute(
        &format!(
            "INSERT INTO message_items (item_key, message_id, pet_id, due_on)
             SELECT item_key, message_id, pet_id, due_on FROM ({}) AS j WHERE true
             ON CONFLICT DO NOTHING",
            db.dialect().json_rows(
                "?1",
                &[
                    ("item_key", false),
                    ("message_id", true),
                    ("pet_id", true),
                    ("due_on", false)
                ]
            )
        ),
        &vals![serde_json::to_string(&rows)?],
    )?;
    Ok(())
}

/// The day of the client's latest message of `kind` that is sent or still to send.
pub fn last_of_kind(db: &Db, client: ClientId, kind: &str) -> Result<Option<NaiveDate>> {
    Ok(last_of_kind_for(db, &[client], kind)?.remove(&client))
}

/// [`last_of_kind`] for many clients in one statement: only those who have such a message.
pub fn last_of_kind_for(
    db: &Db,
    clients: &[ClientId],
    kind: &str,
) -> Result<std::collections::HashMap<ClientId, NaiveDate>> {
    let filter = "kind = ?2 AND status IN ('pendiente', 'enviado')";
    let latest = super::latest_by_client(db, "messages", "send_on", filter, clients, &vals![kind])?;
    let mut out = std::collections::HashMap::new();
    for (client, d) in latest {
        out.extend(parse_day(Some(d))?.map(|d| (client, d)));
    }
    Ok(out)
}

/// Messages still to send on or before `day`, oldest first, by client.
pub fn to_send(db: &Db, day_: NaiveDate) -> Result<Vec<Message>> {
    query(
        db,
        "WHERE m.status = 'pendiente' AND m.send_on <= ?1 ORDER BY m.send_on, c.sort_key, m.id",
        &vals![day(day_)],
    )
}

/// A client's messages, newest first (the communication log shows the sent ones).
pub fn of_client(db: &Db, client: ClientId) -> Result<Vec<Message>> {
    query(
        db,
        "WHERE m.client_id = ?1 ORDER BY coalesce(m.done_at, m.created_at) DESC, m.id DESC",
        &vals![client.0],
    )
}

/// Closes a pending message: sent (with its channel), skipped or cancelled (with a note).
/// `NotFound` if there is no such pending message.
pub fn close(
    db: &Db,
    id: i64,
    status: &str,
    channel: Option<&str>,
    by: Option<StaffId>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = db.execute(
        "UPDATE messages SET status = ?2, channel = ?3, done_by = ?4, note = ?5, done_at = ?6, updated_at = ?6
         WHERE id = ?1 AND status = 'pendiente'",
        &vals![id, status, channel, by.map(|s| s.0), note, ts(now)],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Moves a pending message to another day.
pub fn postpone(db: &Db, id: i64, to: NaiveDate, note: &str, now: DateTime<Utc>) -> Result<()> {
    let n = db.execute(
        "UPDATE messages SET send_on = ?2, note = ?3, updated_at = ?4 WHERE id = ?1 AND status = 'pendiente'",
        &vals![id, day(to), note, ts(now)],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Notes something about a message for whoever sends it.
pub fn set_note(db: &Db, id: i64, note: &str) -> Result<()> {
    db.execute(
        "UPDATE messages SET note = ?2 WHERE id = ?1",
        &vals![id, note],
    )?;
    Ok(())
}

/// Cancels the pending messages about items whose key starts with `prefix` (ending in `:`:
/// an appointment moved or cancelled, `cita:<id>:`; a vaccine given, `cuidado:<pet>:<kind>:`).
/// A message that also spoke of other items is cancelled too, and those items are freed
/// (returned), so each can get a message of its own.
pub fn cancel_pending_of_items(
    db: &Db,
    prefix: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    // The keys starting with `prefix`, as a range of the primary key: `prefix` up to the same
    // text with its final ':' replaced by the next character, ';'.
    let upper = format!("{};", prefix.strip_suffix(':').unwrap_or(prefix));
    const OF_ITEMS: &str =
        "SELECT i.message_id FROM message_items i JOIN messages m ON m.id = i.message_id
                            WHERE i.item_key >= ?1 AND i.item_key < ?2 AND m.status = 'pendiente'";
    let freed = db.map_rows(
        &format!(
            "DELETE FROM message_items WHERE NOT (item_key >= ?1 AND item_key < ?2)
                   AND message_id IN ({OF_ITEMS}) RETURNING item_key"
        ),
        &vals![prefix, &upper],
        |r| r.get(0),
    )?;
    db.execute(
        &format!(
            "UPDATE messages SET status = 'cancelado', note = ?3, updated_at = ?4 WHERE id IN ({OF_ITEMS})"
        ),
        &vals![prefix, &upper, note, ts(now)],
    )?;
    Ok(freed)
}

/// Cancels the pending messages about a pet (of `kind` only, or every kind): the pet has died,
/// or an appointment was booked for it. A message that also spoke of other pets is cancelled
/// too, and their items are freed (returned), so each can get a message of its own.
pub fn cancel_pending_of_pet(
    db: &Db,
    pet: PetId,
    kind: Option<&str>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    const OF_PET: &str = "SELECT i.message_id FROM message_items i JOIN messages m ON m.id = i.message_id
                          WHERE i.pet_id = ?1 AND m.status = 'pendiente' AND (CAST(?2 AS TEXT) IS NULL OR m.kind = ?2)";
    let freed = db.map_rows(&format!(
                "DELETE FROM message_items WHERE pet_id <> ?1 AND message_id IN ({OF_PET}) RETURNING item_key"
            ),
            &vals![pet.0, kind], |r| r.get(0))?;
    db.execute(
        &format!(
            "UPDATE messages SET status = 'cancelado', note = ?3, updated_at = ?4 WHERE id IN ({OF_PET})"
        ),
        &vals![pet.0, kind, note, ts(now)],
    )?;
    Ok(freed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    fn ids(ms: Vec<Message>) -> Vec<i64> {
        ms.iter().map(|m| m.id).collect()
    }

    #[test]
    fn messages_are_prepared_sent_and_logged_on_each_engine() {
        on_each_engine(|db| {
            let (ana, luna) = client_and_pet(db, "Ana");
            let toby = another_pet(db, ana, "Toby");
            let staff = StaffId(
                db.insert(
                    "INSERT INTO staff (name, role, active) VALUES ('Eva Sanz', 'recepcion', 1)",
                    &[],
                )
                .unwrap(),
            );
            let now = at("2026-12-01T08:00:00Z");
            assert_eq!(last_of_kind(db, ana, "cuidado").unwrap(), None);

            // A care reminder about both pets.
            let care = insert(db, ana, "cuidado", date("2026-12-10"), "Hola Ana", now).unwrap();
            let luna_key = format!("cuidado:{}:vacuna:2026-12-20:1", luna.0);
            let toby_key = format!("cuidado:{}:desparasitacion:2026-12-22:1", toby.0);
            assert!(!has_item(db, &luna_key).unwrap());
            assert!(add_item(db, &luna_key, care, Some(luna), date("2026-12-20")).unwrap());
            assert!(
                !add_item(db, &luna_key, care, None, date("2026-12-21")).unwrap(),
                "one message per item"
            );
            assert!(add_item(db, &toby_key, care, Some(toby), date("2026-12-22")).unwrap());
            assert!(has_item(db, &luna_key).unwrap());
            let due: String = db
                .row(
                    "SELECT due_on FROM message_items WHERE item_key = ?1",
                    &vals![&luna_key],
                )
                .unwrap()
                .unwrap()
                .get(0)
                .unwrap();
            assert_eq!(due, "2026-12-20");

            let mut m = get(db, care).unwrap();
            m.pet_names.sort();
            assert_eq!(
                m,
                Message {
                    id: care,
                    client_id: ana,
                    client_name: "Ana Núñez".into(),
                    kind: "cuidado".into(),
                    send_on: date("2026-12-10"),
                    status: "pendiente".into(),
                    channel: None,
                    body: "Hola Ana".into(),
                    note: String::new(),
                    done_at: None,
                    done_by_name: None,
                    pet_names: vec!["Luna".into(), "Toby".into()],
                    survey_code: None,
                    phone: "612345678".into(),
                    preferred_channel: "telefono".into(),
                }
            );
            assert_eq!(
                last_of_kind(db, ana, "cuidado").unwrap(),
                Some(date("2026-12-10"))
            );
            assert_eq!(last_of_kind(db, ana, "cita").unwrap(), None);

            // A survey message: its code, read through its item.
            let visit = db
                .insert(
                    "INSERT INTO visits (pet_id, at, kind, severity, created_at, updated_at) VALUES (?1, ?2, 'consulta', 'leve', ?2, ?2)",
                    &vals![luna.0, "2026-11-30T10:00:00Z"],
                )
                .unwrap();
            db.execute(
                "INSERT INTO surveys (visit_id, client_id, code, created_at) VALUES (?1, ?2, 'K7X2', ?3)",
                &vals![visit, ana.0, "2026-12-01T08:00:00Z"],
            )
            .unwrap();
            let survey = insert(db, ana, "encuesta", date("2026-12-08"), "¿Qué tal?", now).unwrap();
            assert!(add_item(
                db,
                &format!("encuesta:{visit}"),
                survey,
                Some(luna),
                date("2026-12-08")
            )
            .unwrap());
            let s = get(db, survey).unwrap();
            assert_eq!(s.survey_code.as_deref(), Some("K7X2"));
            assert_eq!(s.pet_names, ["Luna"]);

            // The queue: due on or before the day, oldest first.
            assert_eq!(
                ids(to_send(db, date("2026-12-10")).unwrap()),
                [survey, care]
            );
            assert_eq!(ids(to_send(db, date("2026-12-09")).unwrap()), [survey]);
            assert!(to_send(db, date("2026-12-07")).unwrap().is_empty());
            postpone(db, care, date("2026-12-12"), "Mejor el lunes", now).unwrap();
            let m = get(db, care).unwrap();
            assert_eq!(
                (m.send_on, m.note.as_str()),
                (date("2026-12-12"), "Mejor el lunes")
            );
            assert_eq!(ids(to_send(db, date("2026-12-10")).unwrap()), [survey]);
            set_note(db, survey, "Prefiere WhatsApp").unwrap();
            assert_eq!(get(db, survey).unwrap().note, "Prefiere WhatsApp");

            // Sent once; then no longer pending.
            let sent_at = at("2026-12-08T09:15:00Z");
            close(
                db,
                survey,
                "enviado",
                Some("whatsapp"),
                Some(staff),
                "",
                sent_at,
            )
            .unwrap();
            let s = get(db, survey).unwrap();
            assert_eq!(s.status, "enviado");
            assert_eq!(s.channel.as_deref(), Some("whatsapp"));
            assert_eq!(s.done_at, Some(sent_at));
            assert_eq!(s.done_by_name.as_deref(), Some("Eva Sanz"));
            assert_eq!(s.note, "");
            assert!(matches!(
                close(db, survey, "omitido", None, None, "x", now),
                Err(StoreError::NotFound)
            ));
            assert!(matches!(
                postpone(db, survey, date("2026-12-20"), "", now),
                Err(StoreError::NotFound)
            ));
            assert!(matches!(get(db, survey + 100), Err(StoreError::NotFound)));
            assert_eq!(ids(to_send(db, date("2026-12-31")).unwrap()), [care]);
            // The log: newest first (sent by when it was sent).
            let later = insert(
                db,
                ana,
                "cumpleanos",
                date("2026-12-05"),
                "¡Feliz cumpleaños!",
                at("2026-12-02T08:00:00Z"),
            )
            .unwrap();
            close(
                db,
                later,
                "omitido",
                None,
                None,
                "Sin teléfono",
                at("2026-12-05T08:00:00Z"),
            )
            .unwrap();
            assert_eq!(ids(of_client(db, ana).unwrap()), [survey, later, care]);
            assert_eq!(get(db, later).unwrap().status, "omitido");
        });
    }

    #[test]
    fn pending_messages_are_cancelled_by_item_and_by_pet_on_each_engine() {
        on_each_engine(|db| {
            let (ana, luna) = client_and_pet(db, "Ana");
            let toby = another_pet(db, ana, "Toby");
            let now = at("2026-12-01T08:00:00Z");
            let day = date("2026-12-10");
            let message = |kind: &str, items: &[(&str, PetId)]| {
                let id = insert(db, ana, kind, day, "Hola", now).unwrap();
                for (key, pet) in items {
                    assert!(add_item(db, key, id, Some(*pet), day).unwrap());
                }
                id
            };
            let toby_care = format!("cuidado:{}:desparasitacion:2026-12-22:1", toby.0);
            let luna_care = format!("cuidado:{}:vacuna:2026-12-20:1", luna.0);
            let appt = message("cita", &[("cita:5:1", luna), (toby_care.as_str(), toby)]);
            let other_appt = message("cita", &[("cita:50:1", luna)]);
            let care = message(
                "cuidado",
                &[(luna_care.as_str(), luna), ("cuidado:x:1", toby)],
            );

            // Appointment 5 moved: its message cancelled, Toby's item freed; appointment 50 kept.
            let cancelled_at = at("2026-12-02T10:00:00Z");
            let freed =
                cancel_pending_of_items(db, "cita:5:", "Cita movida", cancelled_at).unwrap();
            assert_eq!(freed, [toby_care.as_str()]);
            let m = get(db, appt).unwrap();
            assert_eq!(
                (m.status.as_str(), m.note.as_str()),
                ("cancelado", "Cita movida")
            );
            assert_eq!(m.pet_names, ["Luna"]);
            assert!(has_item(db, "cita:5:1").unwrap());
            assert!(!has_item(db, &toby_care).unwrap());
            assert_eq!(get(db, other_appt).unwrap().status, "pendiente");
            assert_eq!(get(db, care).unwrap().status, "pendiente");
            let updated: String = db
                .row(
                    "SELECT updated_at FROM messages WHERE id = ?1",
                    &vals![appt],
                )
                .unwrap()
                .unwrap()
                .get(0)
                .unwrap();
            assert_eq!(updated, "2026-12-02T10:00:00Z");
            // Nothing pending about it any more.
            assert!(cancel_pending_of_items(db, "cita:5:", "Otra vez", now)
                .unwrap()
                .is_empty());
            assert_eq!(get(db, appt).unwrap().note, "Cita movida");

            // Luna's care messages only: the appointment for her stays.
            let freed =
                cancel_pending_of_pet(db, luna, Some("cuidado"), "Cita reservada", now).unwrap();
            assert_eq!(freed, ["cuidado:x:1"]);
            assert_eq!(get(db, care).unwrap().status, "cancelado");
            assert_eq!(get(db, care).unwrap().note, "Cita reservada");
            assert_eq!(get(db, other_appt).unwrap().status, "pendiente");
            assert_eq!(last_of_kind(db, ana, "cuidado").unwrap(), None);
            // Every kind: Luna has died.
            let freed = cancel_pending_of_pet(db, luna, None, "Falleció", now).unwrap();
            assert!(freed.is_empty());
            let m = get(db, other_appt).unwrap();
            assert_eq!(
                (m.status.as_str(), m.note.as_str()),
                ("cancelado", "Falleció")
            );
            assert_eq!(last_of_kind(db, ana, "cita").unwrap(), None);
        });
    }
}
