//! The `messages` and `message_items` tables: messages prepared for reception to send, what
//! each is about, and — once sent — the client's communication log.

use chrono::{DateTime, NaiveDate, Utc};
use fidelia_core::{ClientId, PetId, StaffId};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use crate::{day, parse_day, parse_ts, ts, Db, Result, StoreError};

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

const SELECT: &str = "SELECT m.id, m.client_id, c.first_name || ' ' || c.surnames, m.kind, m.send_on, m.status,
                             m.channel, m.body, m.note, m.done_at, s.name,
                             (SELECT group_concat(p.name, char(31)) FROM message_items i JOIN pets p ON p.id = i.pet_id
                              WHERE i.message_id = m.id),
                             (SELECT sv.code FROM message_items i
                              JOIN surveys sv ON sv.visit_id = CAST(substr(i.item_key, 10) AS INTEGER)
                              WHERE m.kind = 'encuesta' AND i.message_id = m.id),
                             CASE WHEN c.phone1 <> '' THEN c.phone1 ELSE c.phone2 END, c.preferred_channel
                      FROM messages m JOIN clients c ON c.id = m.client_id LEFT JOIN staff s ON s.id = m.done_by";

fn from_row(r: &Row) -> rusqlite::Result<Message> {
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
            .get::<_, Option<String>>(9)?
            .map(|s| parse_ts(&s))
            .transpose()?,
        done_by_name: r.get(10)?,
        pet_names,
        survey_code: r.get(12)?,
        phone: r.get(13)?,
        preferred_channel: r.get(14)?,
    })
}

pub fn get(db: &Db, id: i64) -> Result<Message> {
    crate::found(
        db.conn()
            .query_row(&format!("{SELECT} WHERE m.id = ?1"), [id], from_row),
    )
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
    let conn = db.conn();
    conn.prepare_cached(
        "INSERT INTO messages (client_id, kind, send_on, body, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(params![client.0, kind, day(send_on), body, ts(now)])?;
    Ok(conn.last_insert_rowid())
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
    let n = db
        .conn()
        .prepare_cached(
            "INSERT OR IGNORE INTO message_items (item_key, message_id, pet_id, due_on) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![key, message, pet.map(|p| p.0), day(due_on)])?;
    Ok(n == 1)
}

/// Whether an item already has a message.
pub fn has_item(db: &Db, key: &str) -> Result<bool> {
    Ok(db
        .conn()
        .prepare_cached("SELECT 1 FROM message_items WHERE item_key = ?1")?
        .query_row([key], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The day of the client's latest message of `kind` that is sent or still to send.
pub fn last_of_kind(db: &Db, client: ClientId, kind: &str) -> Result<Option<NaiveDate>> {
    let d: Option<String> = db
        .conn()
        .prepare_cached(
            "SELECT max(send_on) FROM messages WHERE client_id = ?1 AND kind = ?2 AND status IN ('pendiente', 'enviado')",
        )?
        .query_row(params![client.0, kind], |r| r.get(0))?;
    Ok(parse_day(d)?)
}

/// Messages still to send on or before `day`, oldest first, by client.
pub fn to_send(db: &Db, day_: NaiveDate) -> Result<Vec<Message>> {
    let mut st = db.conn().prepare_cached(&format!(
        "{SELECT} WHERE m.status = 'pendiente' AND m.send_on <= ?1 ORDER BY m.send_on, c.sort_key, m.id"
    ))?;
    let rows = st
        .query_map([day(day_)], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A client's messages, newest first (the communication log shows the sent ones).
pub fn of_client(db: &Db, client: ClientId) -> Result<Vec<Message>> {
    let mut st = db.conn().prepare_cached(&format!(
        "{SELECT} WHERE m.client_id = ?1 ORDER BY coalesce(m.done_at, m.created_at) DESC, m.id DESC"
    ))?;
    let rows = st
        .query_map([client.0], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
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
    let n = db.conn().execute(
        "UPDATE messages SET status = ?2, channel = ?3, done_by = ?4, note = ?5, done_at = ?6, updated_at = ?6
         WHERE id = ?1 AND status = 'pendiente'",
        params![id, status, channel, by.map(|s| s.0), note, ts(now)],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Moves a pending message to another day.
pub fn postpone(db: &Db, id: i64, to: NaiveDate, note: &str, now: DateTime<Utc>) -> Result<()> {
    let n = db.conn().execute(
        "UPDATE messages SET send_on = ?2, note = ?3, updated_at = ?4 WHERE id = ?1 AND status = 'pendiente'",
        params![id, day(to), note, ts(now)],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Notes something about a message for whoever sends it.
pub fn set_note(db: &Db, id: i64, note: &str) -> Result<()> {
    db.conn().execute(
        "UPDATE messages SET note = ?2 WHERE id = ?1",
        params![id, note],
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
    let freed: Vec<String> = db
        .conn()
        .prepare(&format!(
            "DELETE FROM message_items WHERE NOT (item_key >= ?1 AND item_key < ?2)
               AND message_id IN ({OF_ITEMS}) RETURNING item_key"
        ))?
        .query_map(params![prefix, upper], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    db.conn().execute(
        &format!(
            "UPDATE messages SET status = 'cancelado', note = ?3, updated_at = ?4 WHERE id IN ({OF_ITEMS})"
        ),
        params![prefix, upper, note, ts(now)],
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
                          WHERE i.pet_id = ?1 AND m.status = 'pendiente' AND (?2 IS NULL OR m.kind = ?2)";
    let freed: Vec<String> = db
        .conn()
        .prepare(&format!(
            "DELETE FROM message_items WHERE pet_id <> ?1 AND message_id IN ({OF_PET}) RETURNING item_key"
        ))?
        .query_map(params![pet.0, kind], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    db.conn().execute(
        &format!(
            "UPDATE messages SET status = 'cancelado', note = ?3, updated_at = ?4 WHERE id IN ({OF_PET})"
        ),
        params![pet.0, kind, note, ts(now)],
    )?;
    Ok(freed)
}
