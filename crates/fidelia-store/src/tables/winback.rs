//! The `winback_cases` table: clients handed to a staff member to win back, what each call
//! learned, and whether the client came back; and the lapsed list it starts from.

use chrono::{DateTime, NaiveDate, Utc};
use fidelia_core::winback::{CaseData, CaseStatus};
use fidelia_core::{ClientId, StaffId};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use crate::{day, found, parse_day, parse_opt_ts, parse_ts, select_rows, ts, word, Db, Result};

/// A win-back case as the lists and the case screen show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    pub id: i64,
    pub client_id: ClientId,
    pub client_name: String,
    pub phone: String,
    pub staff_id: Option<StaffId>,
    pub staff_name: Option<String>,
    pub status: CaseStatus,
    pub reason: String,
    pub apology: bool,
    pub notes: String,
    pub next_date: Option<NaiveDate>,
    pub called_on: Option<NaiveDate>,
    pub reason_on: Option<NaiveDate>,
    pub recovered_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    /// The case's call still to make, if any.
    pub call_id: Option<i64>,
}

const SELECT: &str = "SELECT w.id, w.client_id, c.first_name || ' ' || c.surnames,
                             CASE WHEN c.phone1 <> '' THEN c.phone1 ELSE c.phone2 END, w.staff_id, s.name,
                             w.status, w.reason, w.apology, w.notes, w.next_date, w.called_on, w.reason_on,
                             w.recovered_on, w.created_at,
                             (SELECT k.id FROM calls k WHERE k.item_key >= 'recuperacion:' || w.id || ':'
                                AND k.item_key < 'recuperacion:' || w.id || ';' AND k.status = 'pendiente')
                      FROM winback_cases w JOIN clients c ON c.id = w.client_id
                      LEFT JOIN staff s ON s.id = w.staff_id";

fn from_row(r: &Row) -> rusqlite::Result<Case> {
    Ok(Case {
        id: r.get(0)?,
        client_id: ClientId(r.get(1)?),
        client_name: r.get(2)?,
        phone: r.get(3)?,
        staff_id: r.get::<_, Option<i64>>(4)?.map(StaffId),
        staff_name: r.get(5)?,
        status: word(r.get(6)?, CaseStatus::parse)?,
        reason: r.get(7)?,
        apology: r.get(8)?,
        notes: r.get(9)?,
        next_date: parse_day(r.get(10)?)?,
        called_on: parse_day(r.get(11)?)?,
        reason_on: parse_day(r.get(12)?)?,
        recovered_on: parse_day(r.get(13)?)?,
        created_at: parse_ts(&r.get::<_, String>(14)?)?,
        call_id: r.get(15)?,
    })
}

fn query(db: &Db, where_order: &str, args: impl rusqlite::Params) -> Result<Vec<Case>> {
    select_rows(db, &format!("{SELECT} {where_order}"), args, from_row)
}

pub fn get(db: &Db, id: i64) -> Result<Case> {
    found(
        db.conn()
            .query_row(&format!("{SELECT} WHERE w.id = ?1"), [id], from_row),
    )
}

/// Every case, the ones still being worked on first, newest first.
pub fn all(db: &Db) -> Result<Vec<Case>> {
    query(
        db,
        "ORDER BY w.status IN ('por_llamar', 'no_contesta') DESC, w.created_at DESC, w.id DESC",
        [],
    )
}

/// The client's case still open (to call, no answer), if any.
pub fn open_of_client(db: &Db, client: ClientId) -> Result<Option<i64>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT id FROM winback_cases WHERE client_id = ?1 AND status IN ('por_llamar', 'no_contesta')",
        )?
        .query_row([client.0], |r| r.get(0))
        .optional()?)
}

pub fn insert(
    db: &Db,
    client: ClientId,
    staff: Option<StaffId>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let conn = db.conn();
    conn.prepare_cached(
        "INSERT INTO winback_cases (client_id, staff_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
    )?
    .execute(params![client.0, staff.map(|s| s.0), ts(now)])?;
    Ok(conn.last_insert_rowid())
}

/// Records what a call learned; `reason_on` is kept from the first time the reason was given.
pub fn update(db: &Db, id: i64, d: &CaseData, today: NaiveDate, now: DateTime<Utc>) -> Result<()> {
    db.conn().prepare_cached(
        "UPDATE winback_cases SET status = ?2, reason = ?3, apology = ?4, notes = ?5, next_date = ?6,
                reason_on = CASE WHEN ?3 = '' THEN NULL WHEN reason = ?3 AND reason_on IS NOT NULL THEN reason_on ELSE ?7 END,
                updated_at = ?8
         WHERE id = ?1",
    )?
    .execute(params![id, d.status.as_str(), d.reason, d.apology, d.notes, d.next_date.map(day), day(today), ts(now)])?;
    Ok(())
}

/// The day of the case's first call, once.
pub fn mark_called(db: &Db, id: i64, on: NaiveDate) -> Result<()> {
    db.conn()
        .prepare_cached(
            "UPDATE winback_cases SET called_on = ?2 WHERE id = ?1 AND called_on IS NULL",
        )?
        .execute(params![id, day(on)])?;
    Ok(())
}

/// Cases called and not (yet) recovered: id, client, day of the call.
pub fn awaiting_return(db: &Db) -> Result<Vec<(i64, ClientId, NaiveDate)>> {
    let mut st = db.conn().prepare_cached(
        "SELECT id, client_id, called_on FROM winback_cases WHERE called_on IS NOT NULL AND recovered_on IS NULL",
    )?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                ClientId(r.get(1)?),
                parse_day(r.get(2)?)?.unwrap_or_default(),
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn set_recovered(db: &Db, id: i64, on: NaiveDate, now: DateTime<Utc>) -> Result<()> {
    db.conn()
        .prepare_cached(
            "UPDATE winback_cases SET recovered_on = ?2, updated_at = ?3 WHERE id = ?1",
        )?
        .execute(params![id, day(on), ts(now)])?;
    Ok(())
}

/// Reasons given between `from` and `to` (inclusive), with their cases.
pub fn with_reason_between(db: &Db, from: NaiveDate, to: NaiveDate) -> Result<Vec<Case>> {
    query(
        db,
        "WHERE w.reason <> '' AND w.reason_on BETWEEN ?1 AND ?2 ORDER BY w.reason_on DESC, w.id DESC",
        params![day(from), day(to)],
    )
}

/// A client whose last visit is older than the threshold, with what the lapsed list shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lapsed {
    pub client_id: ClientId,
    pub client_name: String,
    pub phone: String,
    /// Names of the living pets (all the pets when every one has died).
    pub pets: Vec<String>,
    /// Every pet has died: listed apart, never called as lost.
    pub all_deceased: bool,
    pub last_visit_at: DateTime<Utc>,
    pub last_visit_reason: String,
    pub visits: i64,
    pub spend_cents: i64,
    /// The last survey's recommendation and comment, if the client answered one.
    pub last_recommend: Option<i64>,
    pub last_comment: Option<String>,
    /// An open win-back case already.
    pub open_case: bool,
}

/// Clients last seen before `before` (newest lapses first), except those who objected to
/// being contacted (no care messages, or no messages at all).
pub fn lapsed(db: &Db, before: DateTime<Utc>) -> Result<Vec<Lapsed>> {
    // Each pet's last visit is kept on the pet (migration 0011's triggers); the totals are read
    // for the lapsed clients only.
    let mut st = db.conn().prepare_cached(
        "WITH client_last AS (
             SELECT client_id, max(last_visit_at) AS last_at FROM pets
             GROUP BY client_id HAVING max(last_visit_at) < ?1)
         SELECT c.id, c.first_name || ' ' || c.surnames, CASE WHEN c.phone1 <> '' THEN c.phone1 ELSE c.phone2 END,
                (SELECT group_concat(pl.name, char(31)) FROM pets pl WHERE pl.client_id = c.id AND pl.deceased = 0),
                (SELECT group_concat(pl.name, char(31)) FROM pets pl WHERE pl.client_id = c.id),
                cl.last_at,
                (SELECT v.reason FROM visits v JOIN pets p ON p.id = v.pet_id WHERE p.client_id = c.id AND v.at = cl.last_at LIMIT 1),
                (SELECT count(*) FROM visits v JOIN pets p ON p.id = v.pet_id WHERE p.client_id = c.id),
                (SELECT coalesce(sum(v.amount_cents), 0) FROM visits v JOIN pets p ON p.id = v.pet_id WHERE p.client_id = c.id),
                (SELECT s.recommend FROM surveys s WHERE s.client_id = c.id AND s.answered_at IS NOT NULL ORDER BY s.answered_at DESC LIMIT 1),
                (SELECT s.comment FROM surveys s WHERE s.client_id = c.id AND s.answered_at IS NOT NULL ORDER BY s.answered_at DESC LIMIT 1),
                EXISTS (SELECT 1 FROM winback_cases w WHERE w.client_id = c.id AND w.status IN ('por_llamar', 'no_contesta'))
         FROM client_last cl JOIN clients c ON c.id = cl.client_id
         WHERE c.consent_care = 1 AND c.preferred_channel <> 'ninguno'
         ORDER BY cl.last_at DESC, c.id",
    )?;
    let split = |s: Option<String>| -> Vec<String> {
        s.map(|s| s.split('\u{1f}').map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let rows = st
        .query_map([ts(before)], |r| {
            let living = split(r.get(3)?);
            let all_deceased = living.is_empty();
            Ok(Lapsed {
                client_id: ClientId(r.get(0)?),
                client_name: r.get(1)?,
                phone: r.get(2)?,
                pets: if all_deceased {
                    split(r.get(4)?)
                } else {
                    living
                },
                all_deceased,
                last_visit_at: parse_ts(&r.get::<_, String>(5)?)?,
                last_visit_reason: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                visits: r.get(7)?,
                spend_cents: r.get(8)?,
                last_recommend: r.get(9)?,
                last_comment: r.get::<_, Option<String>>(10)?.filter(|c| !c.is_empty()),
                open_case: r.get(11)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The first visit of a client's pets on or after `from` (for the recovered rule).
pub fn first_visit_from(
    db: &Db,
    client: ClientId,
    from: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let t: Option<String> = db
        .conn()
        .prepare_cached(
            "SELECT min(v.at) FROM visits v JOIN pets p ON p.id = v.pet_id WHERE p.client_id = ?1 AND v.at >= ?2",
        )?
        .query_row(params![client.0, ts(from)], |r| r.get(0))?;
    Ok(parse_opt_ts(t)?)
}

/// The client's last visit, if any.
pub fn lapsed_since(db: &Db, client: ClientId) -> Result<Option<DateTime<Utc>>> {
    let t: Option<String> = db
        .conn()
        .prepare_cached(
            "SELECT max(v.at) FROM visits v JOIN pets p ON p.id = v.pet_id WHERE p.client_id = ?1",
        )?
        .query_row([client.0], |r| r.get(0))?;
    Ok(parse_opt_ts(t)?)
}

/// How many calls a case has had (to number the next one's key).
pub fn calls_made(db: &Db, case: i64) -> Result<usize> {
    let n: i64 = db
        .conn()
        .prepare_cached(
            "SELECT count(*) FROM calls WHERE item_key >= 'recuperacion:' || ?1 || ':'
               AND item_key < 'recuperacion:' || ?1 || ';'",
        )?
        .query_row([case], |r| r.get(0))?;
    Ok(n as usize)
}
