//! One module per table: its SQL, its row type, its get / insert / update and its queries.
//! A table module never calls another table module; what spans tables is an operation, in
//! `fidelia-ops`. (A query may still read a joined table for what it lists, such as a call's
//! client name, or a derived column, such as a client's search key, which holds pets' names.)

pub mod appointments;
pub mod audit;
pub mod calls;
pub mod clients;
pub mod consents;
pub mod coupons;
pub mod import_runs;
pub mod letters;
pub mod mappings;
pub mod messages;
pub mod pcs;
pub mod pets;
pub mod settings;
pub mod staff;
pub mod surveys;
pub mod treatments;
pub mod visits;
pub mod winback;

use crate::{vals, Db, Result};

/// A record looked up by the id it has in the practice-management system (`source_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing<I> {
    New,
    /// `protected`: entered in Fidelia, or edited by hand since it was last imported.
    Found {
        id: I,
        protected: bool,
    },
}

/// The keys among `keys` that `table`'s `item_key` column holds: a morning's items looked up
/// in one statement.
pub(crate) fn keys_among(
    db: &Db,
    table: &str,
    keys: &[String],
) -> Result<std::collections::HashSet<String>> {
    let mut out = std::collections::HashSet::new();
    if keys.is_empty() {
        return Ok(out);
    }
    db.each(
        &format!(
            "SELECT item_key FROM {table} WHERE item_key IN ({})",
            db.dialect().json_texts("?1")
        ),
        &vals![serde_json::to_string(keys)?],
        |r| {
            out.insert(r.get(0)?);
            Ok(())
        },
    )?;
    Ok(out)
}

/// The records of `table` (its `columns`, read by `read`) with the ids `ids`, in one
/// statement, by id (an id with no record is left out).
pub(crate) fn by_ids<I: Copy + Eq + std::hash::Hash, T>(
    db: &Db,
    table: &str,
    columns: &str,
    ids: impl IntoIterator<Item = i64>,
    read: impl FnMut(&crate::sql::Row) -> Result<T>,
    id_of: impl Fn(&T) -> I,
) -> Result<std::collections::HashMap<I, T>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows = db.map_rows(
        &format!(
            "SELECT {columns} FROM {table} WHERE id IN ({})",
            db.dialect().json_ints("?1")
        ),
        &vals![serde_json::to_string(&ids)?],
        read,
    )?;
    Ok(rows.into_iter().map(|r| (id_of(&r), r)).collect())
}

/// The latest `column` (a day or an instant, as text) of each of `clients` among `table`'s
/// rows that pass `filter` (whose parameters, from `?2` on, are `args`), in one statement:
/// only the clients that have such a row.
pub(crate) fn latest_by_client(
    db: &Db,
    table: &str,
    column: &str,
    filter: &str,
    clients: &[fidelia_core::ClientId],
    args: &[crate::sql::Value],
) -> Result<std::collections::HashMap<fidelia_core::ClientId, String>> {
    let mut out = std::collections::HashMap::new();
    if clients.is_empty() {
        return Ok(out);
    }
    let ids: Vec<i64> = clients.iter().map(|c| c.0).collect();
    let mut params = vec![crate::sql::Value::from(serde_json::to_string(&ids)?)];
    params.extend_from_slice(args);
    db.each(
        &format!(
            "SELECT client_id, max({column}) FROM {table}
             WHERE client_id IN ({}) AND {filter} GROUP BY client_id",
            db.dialect().json_ints("?1")
        ),
        &params,
        |r| {
            if let Some(latest) = r.get::<Option<String>>(1)? {
                out.insert(fidelia_core::ClientId(r.get(0)?), latest);
            }
            Ok(())
        },
    )?;
    Ok(out)
}

/// The tables whose records carry a `source_id`.
const IMPORTED: &[&str] = &["clients", "pets", "visits", "appointments"];

pub(crate) fn find_source<I>(
    db: &Db,
    table: &str,
    sid: &str,
    wrap: fn(i64) -> I,
) -> Result<Existing<I>> {
    debug_assert!(IMPORTED.contains(&table));
    let sql = format!("SELECT id, origin = 'manual' OR (imported_at IS NOT NULL AND updated_at > imported_at) FROM {table} WHERE source_id = ?1");
    Ok(match db.row(&sql, &vals![sid])? {
        None => Existing::New,
        Some(r) => Existing::Found {
            id: wrap(r.get(0)?),
            protected: r.get(1)?,
        },
    })
}

/// Whether any record of `table` carries a source id (through the unique index on it). None:
/// an import's lookups by source id could only find the records it writes itself.
pub(crate) fn any_source(db: &Db, table: &str) -> Result<bool> {
    debug_assert!(IMPORTED.contains(&table));
    let sql = format!("SELECT 1 FROM {table} WHERE source_id IS NOT NULL LIMIT 1");
    Ok(db.row(&sql, &[])?.is_some())
}

pub(crate) fn stamp_source(db: &Db, table: &str, id: i64, sid: &str, now: &str) -> Result<()> {
    debug_assert!(IMPORTED.contains(&table));
    // A client's and a pet's records carry a version (one more at every change).
    let bump = if table == "clients" || table == "pets" {
        ", version = version + 1"
    } else {
        ""
    };
    let sql = format!("UPDATE {table} SET source_id = ?2, origin = 'import', imported_at = ?3, updated_at = ?3{bump} WHERE id = ?1");
    db.execute(&sql, &vals![id, sid, now])?;
    Ok(())
}

/// The clinic's records, in an order where every reference points backwards (what an
/// export holds).
pub const RECORDS: &[&str] = &[
    "staff",
    "clients",
    "pets",
    "visits",
    "appointments",
    "preventive_treatments",
];

/// What Fidelia did with the records: calls and their attempts, letters, coupons (children
/// first).
const ACTIVITY: &[&str] = &[
    "import_runs",
    "winback_cases",
    "surveys",
    "consent_changes",
    "message_items",
    "messages",
    "coupons",
    "letters",
    "call_attempts",
    "calls",
];

/// How many records `table` holds.
pub fn count(db: &Db, table: &str) -> Result<i64> {
    assert!(
        RECORDS.contains(&table) || ACTIVITY.contains(&table) || table == "settings",
        "unknown table {table}"
    );
    db.value(&format!("SELECT count(*) FROM {table}"), &[])
}

/// Deletes every record of every table, settings included (not the import mappings: they are
/// about the files, not the clinic).
pub fn wipe(db: &Db) -> Result<()> {
    for table in ACTIVITY
        .iter()
        .chain(RECORDS.iter().rev())
        .chain(&["settings"])
    {
        db.execute(&format!("DELETE FROM {table}"), &[])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use fidelia_core::{AppointmentData, AppointmentStatus, ClientId, PetId};

    use super::*;
    use crate::test_util::*;

    /// What a morning reads and writes for many records at once, on each engine: records by
    /// id (an unknown one left out), messages for several clients and their items (one
    /// already there left alone), the last message and survey by client, bookings from an
    /// instant on, the days to look again (the last one given wins) and what is coming by
    /// client — each as the record-by-record reading of the same thing.
    #[test]
    fn many_at_once_on_each_engine() {
        on_each_engine(|db| {
            let now = at("2026-12-01T08:00:00Z");
            let (ana, luna) = client_and_pet(db, "Ana");
            let (luis, rex) = client_and_pet(db, "Luis");
            let toby = another_pet(db, ana, "Toby");
            let nobody = ClientId(999_999);

            // Records by id; an unknown id is left out.
            let people = clients::get_many(db, &[ana, luis, nobody]).unwrap();
            assert_eq!(people.len(), 2);
            assert_eq!(people[&luis], clients::get(db, luis).unwrap());
            let animals = pets::get_many(db, &[toby, rex]).unwrap();
            assert_eq!(animals[&toby], pets::get(db, toby).unwrap());
            assert!(clients::get_many(db, &[]).unwrap().is_empty());

            // Messages for several clients, and their items.
            let written = messages::insert_for_clients(
                db,
                "cuidado",
                date("2026-12-02"),
                &[
                    (ana, "Hola Ana".into(), String::new()),
                    (luis, "Hola Luis".into(), "sin {mascota}".into()),
                ],
                now,
            )
            .unwrap();
            let m = messages::get(db, written[&luis]).unwrap();
            assert_eq!(
                (m.client_id, m.body.as_str(), m.note.as_str()),
                (luis, "Hola Luis", "sin {mascota}")
            );
            assert_eq!(messages::get(db, written[&ana]).unwrap().body, "Hola Ana");
            let key = |pet: PetId| format!("cuidado:{}:vacuna:2026-12-20:aviso1", pet.0);
            messages::add_items(
                db,
                &[
                    (key(luna), written[&ana], Some(luna), date("2026-12-20")),
                    (key(rex), written[&luis], None, date("2026-12-21")),
                    // Already there: left as it is, as add_item does.
                    (key(luna), written[&luis], None, date("2026-12-22")),
                ],
            )
            .unwrap();
            assert!(messages::has_item(db, &key(luna)).unwrap());
            assert_eq!(
                messages::items_among(db, &[key(luna), key(toby), key(rex)]).unwrap(),
                HashSet::from([key(luna), key(rex)])
            );
            let pets_of = |id: i64| messages::get(db, id).unwrap().pet_names;
            assert_eq!(pets_of(written[&ana]), ["Luna"]);
            assert!(calls::items_among(db, &[key(luna)]).unwrap().is_empty());
            let older =
                messages::insert(db, ana, "cuidado", date("2026-11-02"), "Antes", now).unwrap();
            assert_ne!(older, written[&ana]);
            let last = messages::last_of_kind_for(db, &[ana, luis, nobody], "cuidado").unwrap();
            assert_eq!(
                last,
                HashMap::from([(ana, date("2026-12-02")), (luis, date("2026-12-02"))])
            );
            assert_eq!(
                last.get(&ana).copied(),
                messages::last_of_kind(db, ana, "cuidado").unwrap()
            );

            // The last survey by client.
            visit(db, luna, "2026-11-30T10:00:00Z", None);
            let seen: i64 = db.value("SELECT max(id) FROM visits", &[]).unwrap();
            surveys::insert(db, fidelia_core::VisitId(seen), ana, "ABC123", now).unwrap();
            assert_eq!(
                surveys::last_of_clients(db, &[ana, luis]).unwrap(),
                HashMap::from([(ana, now)])
            );

            // Bookings from an instant on.
            let book = |pet: PetId, when: &str| {
                appointments::insert(
                    db,
                    &AppointmentData {
                        pet_id: pet,
                        staff_id: None,
                        starts_at: at(when),
                        duration_min: 20,
                        reason: String::new(),
                        status: AppointmentStatus::Scheduled,
                    },
                    now,
                )
                .unwrap()
            };
            book(luna, "2026-12-05T10:00:00Z");
            book(rex, "2026-11-05T10:00:00Z"); // before `now`: not booked from now on
            let booked = appointments::booked_among(db, &[luna, rex, toby], now).unwrap();
            assert_eq!(booked, HashSet::from([luna]));
            for pet in [luna, rex, toby] {
                assert_eq!(
                    booked.contains(&pet),
                    appointments::booked_from(db, pet, now).unwrap()
                );
            }

            // The days applications are looked at, and what is coming by client.
            let apply = |pet: PetId, next: &str| {
                treatments::insert(
                    db,
                    &treatments::Treatment {
                        pet,
                        kind: "vacuna".into(),
                        product: "Rabisin".into(),
                        applied_on: date("2026-01-10"),
                        next_due_on: Some(date(next)),
                    },
                    "",
                    Some(date("2026-12-01")),
                    now,
                )
                .unwrap()
            };
            let (a, b, c) = (
                apply(luna, "2026-12-10"),
                apply(toby, "2026-12-12"),
                apply(rex, "2026-12-11"),
            );
            treatments::set_checks(
                db,
                &[
                    (a, Some(date("2026-12-03"))),
                    (b, Some(date("2026-12-04"))),
                    (b, None),
                ],
            )
            .unwrap();
            let ids = |v: &[treatments::Due]| v.iter().map(|d| d.id).collect::<Vec<_>>();
            assert_eq!(
                ids(&treatments::to_check(db, date("2026-12-03")).unwrap()),
                [a, c]
            );
            let coming = treatments::coming_of_clients(
                db,
                &[ana, luis],
                date("2026-12-01"),
                date("2026-12-31"),
            )
            .unwrap();
            for client in [ana, luis] {
                assert_eq!(
                    ids(&coming[&client]),
                    ids(&treatments::coming_of_client(
                        db,
                        client,
                        date("2026-12-01"),
                        date("2026-12-31")
                    )
                    .unwrap())
                );
            }
            assert_eq!(
                ids(&coming[&ana]),
                [a],
                "the one no longer looked at is not coming"
            );
        });
    }
}
