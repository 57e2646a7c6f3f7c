//! A client's rights over their data (issue 13): everything held about one client, and their
//! erasure. Reads and writes across tables, like `export.rs`: every table that holds something
//! of a client is listed once, in [`OF_CLIENT`], and both the dossier and the erasure go
//! through that list. Written once for both engines ([`crate::sql`]) but for [`compact`],
//! which rewrites SQLite's file.

use chrono::{DateTime, Utc};
use fidelia_core::ClientId;
use serde_json::{Map, Value};

use crate::export::json_of;
use crate::{ts, vals, Db, Result};

const PETS: &str = "SELECT id FROM pets WHERE client_id = ?1";

/// What [`compact`] is on a server: PostgreSQL's `VACUUM` of every table of a client
/// ([`OF_CLIENT`], run outside a transaction), so that the erased rows' old versions are
/// removed from the tables. PostgreSQL may still hold their bytes in free space and in its
/// write-ahead log until both are overwritten: unlike SQLite's file, the server's files are
/// not rewritten (a `VACUUM FULL` would lock the tables against every PC while it runs).
pub fn server_vacuum() -> String {
    let tables: Vec<&str> = OF_CLIENT.iter().map(|(t, _)| *t).collect();
    format!("VACUUM {}", tables.join(", "))
}

/// Every table holding something of a client, with the rows that are theirs (`?1`: the
/// client's id).
pub const OF_CLIENT: &[(&str, &str)] = &[
    ("clients", "id = ?1"),
    ("consent_changes", "client_id = ?1"),
    ("pets", "client_id = ?1"),
    ("visits", "pet_id IN (SELECT id FROM pets WHERE client_id = ?1)"),
    ("appointments", "pet_id IN (SELECT id FROM pets WHERE client_id = ?1)"),
    ("preventive_treatments", "pet_id IN (SELECT id FROM pets WHERE client_id = ?1)"),
    ("calls", "pet_id IN (SELECT id FROM pets WHERE client_id = ?1)"),
    (
        "call_attempts",
        "call_id IN (SELECT id FROM calls WHERE pet_id IN (SELECT id FROM pets WHERE client_id = ?1))",
    ),
    ("messages", "client_id = ?1"),
    ("message_items", "message_id IN (SELECT id FROM messages WHERE client_id = ?1)"),
    ("surveys", "client_id = ?1"),
    ("letters", "client_id = ?1"),
    ("coupons", "client_id = ?1"),
    ("winback_cases", "client_id = ?1"),
];

/// Columns that are derived (recomputed) or the records' own bookkeeping (a record's
/// version: how many times it changed), not held about anyone.
const DERIVED: &[&str] = &["search_key", "sort_key", "version"];

/// Everything held about one client, table by table: `{ "clients": [...], "pets": [...], … }`.
pub fn dossier(db: &Db, client: ClientId) -> Result<Map<String, Value>> {
    let mut doc = Map::new();
    for (table, rows_of) in OF_CLIENT {
        // By the table's key, its first column (the id, or a message item's key).
        let sql = format!("SELECT * FROM {table} WHERE {rows_of} ORDER BY 1");
        let names = db.columns(&sql)?;
        let mut items = Vec::new();
        db.each(&sql, &vals![client.0], |r| {
            let mut item = Map::new();
            for (n, v) in names.iter().zip(r.values()) {
                if !DERIVED.contains(&n.as_str()) {
                    item.insert(n.clone(), json_of(v));
                }
            }
            items.push(Value::Object(item));
            Ok(())
        })?;
        doc.insert((*table).into(), Value::Array(items));
    }
    Ok(doc)
}

/// Erases a client's personal data, inside the caller's transaction: their name (replaced by
/// `placeholder_name`), phones, e-mail, address, notes and id in the practice-management
/// system; their pets' names (`placeholder_pet`), breeds, birth dates, notes and ids; every
/// free text about them (visits' and appointments' reasons, treatments' notes, messages,
/// calls' reasons, scripts and notes, survey comments, letters, coupons' messages, win-back
/// notes). Kept: ids, dates, kinds, amounts, scores and statuses — what the clinic's totals
/// and figures count. What was still to do for them (messages, calls, win-back cases) is
/// cancelled, and they get no message again.
pub fn erase_client(
    db: &Db,
    client: ClientId,
    placeholder_name: &str,
    placeholder_pet: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = ts(now);
    let id = client.0;
    db.execute(
        "UPDATE clients SET first_name = ?2, surnames = '', phone1 = '', phone2 = '', email = '',
                address = '', notes = '', source_id = NULL, phone1_e164 = '', phone2_e164 = '',
                phone_flag = 0, title = 'ninguno', consent_care = 0, consent_commercial = 0,
                preferred_channel = 'ninguno', erased_at = ?3, updated_at = ?3, version = version + 1
         WHERE id = ?1",
        &vals![id, placeholder_name, &at],
    )?;
    db.execute(
        &format!(
            "UPDATE pets SET name = ?2, breed = '', birth_date = NULL, notes = '', source_id = NULL,
                    updated_at = ?3, version = version + 1
             WHERE id IN ({PETS})"
        ),
        &vals![id, placeholder_pet, &at],
    )?;
    let blank = [
        ("visits", "reason = '', source_id = NULL"),
        ("appointments", "reason = '', source_id = NULL, status = CASE WHEN status = 'programada' THEN 'cancelada' ELSE status END"),
        ("preventive_treatments", "notes = '', product = '', source_id = NULL, check_on = NULL"),
        ("calls", "reason = '', script = '', status = CASE WHEN status = 'pendiente' THEN 'cancelada' ELSE status END, version = version + 1"),
        ("call_attempts", "notes = ''"),
        ("messages", "body = '', note = '', status = CASE WHEN status = 'pendiente' THEN 'cancelado' ELSE status END"),
        ("surveys", "comment = ''"),
        ("letters", "body = ''"),
        ("coupons", "message = '', status = CASE WHEN status = 'emitido' THEN 'cancelado' ELSE status END"),
        ("winback_cases", "notes = '', status = CASE WHEN status IN ('por_llamar', 'no_contesta') THEN 'cerrado' ELSE status END, version = version + 1"),
    ];
    for (table, set) in blank {
        let rows_of = OF_CLIENT
            .iter()
            .find(|(t, _)| *t == table)
            .map(|(_, w)| *w)
            .expect("every blanked table is a table of the client");
        db.execute(
            &format!("UPDATE {table} SET {set} WHERE {rows_of}"),
            &vals![id],
        )?;
    }
    crate::tables::clients::refresh_search_key(db, client)?;
    Ok(())
}

/// Rewrites the database file so that nothing erased survives in it (freed pages, the
/// write-ahead log): `VACUUM`, then a checkpoint that empties the log.
/// The checkpoint waits (a few seconds at most) for another connection's read to end (a
/// backup, the dashboard): until it has run, erased pages may still be in the log.
/// SQLite's; a server database runs [`server_vacuum`] instead ([`crate::Store::compact`]).
pub fn compact(db: &Db) -> Result<()> {
    db.conn().execute_batch("VACUUM")?;
    for _ in 0..50 {
        let busy: i64 = db
            .conn()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy == 0 {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err(crate::StoreError::Refused(
        "the database file could not be rewritten yet: another connection is reading it".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn a_clients_dossier_and_erasure_on_each_engine() {
        on_each_engine(|db| {
            let (client, pet) = client_and_pet(db, "Marta");
            db.execute(
                "INSERT INTO visits (pet_id, at, kind, severity, reason, created_at, updated_at)
                 VALUES (?1, '2026-11-02T10:00:00Z', 'consulta', 'leve', 'Otitis', '2026-11-02T10:00:00Z', '2026-11-02T10:00:00Z')",
                &vals![pet.0],
            )
            .unwrap();
            let call = db
                .insert(
                    "INSERT INTO calls (kind, pet_id, due_at, scheduled_at, duration_min, status, reason, created_at, updated_at)
                     VALUES ('cortesia', ?1, ?2, ?2, 5, 'pendiente', 'Revisar', ?2, ?2)",
                    &vals![pet.0, "2026-12-02T10:00:00Z"],
                )
                .unwrap();
            let doc = dossier(db, client).unwrap();
            assert_eq!(doc["clients"][0]["first_name"], "Marta");
            assert!(doc["clients"][0].get("search_key").is_none());
            assert!(doc["clients"][0].get("version").is_none());
            assert_eq!(doc["pets"][0]["name"], "Luna");
            assert_eq!(doc["visits"][0]["reason"], "Otitis");
            assert_eq!(doc["letters"], Value::Array(vec![]));
            assert_eq!(doc.len(), OF_CLIENT.len());

            erase_client(
                db,
                client,
                "Cliente borrado",
                "Mascota",
                "2026-12-01T10:00:00Z".parse().unwrap(),
            )
            .unwrap();
            let doc = dossier(db, client).unwrap();
            let c = &doc["clients"][0];
            assert_eq!(
                (
                    c["first_name"].as_str(),
                    c["phone1"].as_str(),
                    c["erased_at"].as_str()
                ),
                (
                    Some("Cliente borrado"),
                    Some(""),
                    Some("2026-12-01T10:00:00Z")
                )
            );
            assert_eq!(doc["pets"][0]["name"], "Mascota");
            assert_eq!(doc["visits"][0]["reason"], "");
            assert_eq!(
                doc["visits"][0]["kind"], "consulta",
                "what the figures count is kept"
            );
            // Changed records: a screen still showing them is told so.
            let version = |table: &str, id: i64| -> i64 {
                db.value(
                    &format!("SELECT version FROM {table} WHERE id = ?1"),
                    &vals![id],
                )
                .unwrap()
            };
            assert_eq!(
                (version("clients", client.0), version("calls", call)),
                (1, 1)
            );
            assert_eq!(doc["calls"][0]["status"], "cancelada");
        });
    }
}
