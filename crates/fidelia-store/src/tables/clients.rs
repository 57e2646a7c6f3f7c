//! The `clients` table: records, the derived search and sort keys, the search, the list, and
//! every client's visit history (for the loyalty review). Written once for both engines
//! ([`crate::sql`]). Every update of a client's record adds one to its `version`, whoever
//! writes it (the client form, an import, an erasure); the search and sort keys do not: they
//! are derived from the record and its pets' names (a pet renamed must not make the owner's
//! open form out of date), and are recomputed from what is stored.

use chrono::{DateTime, Utc};
use fidelia_core::loyalty::ClientHistory;
use fidelia_core::text::{client_search_key, fold, query_tokens};
use fidelia_core::*;

use super::{find_source, stamp_source, Existing};
use crate::sql::{Row, Value};
use crate::{parse_ts, ts, vals, word, Db, Result, StoreError};

const COLUMNS: &str = "id, first_name, surnames, phone1, phone2, email, address, preferred_channel, consent_care, consent_commercial, notes, created_at, title, erased_at, version";

fn from_row(r: &Row) -> Result<Client> {
    Ok(Client {
        id: ClientId(r.get(0)?),
        data: ClientData {
            title: word(r.get(12)?, Title::parse)?,
            first_name: r.get(1)?,
            surnames: r.get(2)?,
            phone1: r.get(3)?,
            phone2: r.get(4)?,
            email: r.get(5)?,
            address: r.get(6)?,
            preferred_channel: word(r.get(7)?, Channel::parse)?,
            consent_care: r.get(8)?,
            consent_commercial: r.get(9)?,
            notes: r.get(10)?,
        },
        created_at: parse_ts(&r.get::<String>(11)?)?,
        erased_at: crate::parse_opt_ts(r.get(13)?)?,
        version: r.get(14)?,
    })
}

pub fn get(db: &Db, id: ClientId) -> Result<Client> {
    let row = db.row(
        &format!("SELECT {COLUMNS} FROM clients WHERE id = ?1"),
        &vals![id.0],
    )?;
    from_row(&row.ok_or(StoreError::NotFound)?)
}

/// The records of `ids` in one statement, by id (an id with no record is left out).
pub fn get_many(db: &Db, ids: &[ClientId]) -> Result<std::collections::HashMap<ClientId, Client>> {
    super::by_ids(
        db,
        "clients",
        COLUMNS,
        ids.iter().map(|i| i.0),
        from_row,
        |r| r.id,
    )
}

/// The client's version: one more at every change of the record ([`Client::version`]);
/// `NotFound` if there is no such client.
pub fn version(db: &Db, id: ClientId) -> Result<i64> {
    db.value("SELECT version FROM clients WHERE id = ?1", &vals![id.0])
}

/// A client's full name as staff read it ("first name surnames").
pub fn name(db: &Db, id: ClientId) -> Result<String> {
    db.value(
        "SELECT first_name || ' ' || surnames FROM clients WHERE id = ?1",
        &vals![id.0],
    )
}

fn sort_key(d: &ClientData) -> String {
    sort_key_of(&d.surnames, &d.first_name)
}

/// The key clients are listed by: surnames, then first name, folded.
fn sort_key_of(surnames: &str, first_name: &str) -> String {
    fold(&format!("{surnames} {first_name}"))
}

/// Inserts a client whose pets' names are already known (the demo and imports).
pub fn insert(
    db: &Db,
    d: &ClientData,
    pet_names: &[&str],
    created_at: DateTime<Utc>,
) -> Result<ClientId> {
    let key = client_search_key(
        &d.first_name,
        &d.surnames,
        pet_names,
        &[&d.phone1, &d.phone2],
    );
    let id = db.insert(
        "INSERT INTO clients (first_name, surnames, phone1, phone2, email, address, preferred_channel, consent_care,
                              consent_commercial, notes, search_key, sort_key, created_at, updated_at, title)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14)",
        &vals![
            &d.first_name, &d.surnames, &d.phone1, &d.phone2, &d.email, &d.address, d.preferred_channel.as_str(),
            d.consent_care, d.consent_commercial, &d.notes, key, sort_key(d), ts(created_at), d.title.as_str()
        ],
    )?;
    Ok(ClientId(id))
}

/// Recomputes a client's search key from their names, phones and pets' names, and their sort
/// key from their names.
/// (The key holds the pets' names too: it reads them from `pets`.)
pub fn refresh_search_key(db: &Db, id: ClientId) -> Result<()> {
    let c = get(db, id)?;
    let pets: Vec<String> = db.map_rows(
        "SELECT name FROM pets WHERE client_id = ?1 ORDER BY id",
        &vals![id.0],
        |r| r.get(0),
    )?;
    let pet_refs: Vec<&str> = pets.iter().map(String::as_str).collect();
    let key = client_search_key(
        &c.data.first_name,
        &c.data.surnames,
        &pet_refs,
        &[&c.data.phone1, &c.data.phone2],
    );
    db.execute(
        "UPDATE clients SET search_key = ?2, sort_key = ?3 WHERE id = ?1",
        &vals![id.0, key, sort_key(&c.data)],
    )?;
    Ok(())
}

/// [`refresh_search_key`] for every client `touched` says, reading clients and their pets in
/// one pass by id (a bulk import touches most of the clinic: one read per client and a write
/// only where the key changed, instead of three statements each).
pub fn refresh_search_keys(db: &Db, touched: impl Fn(ClientId) -> bool) -> Result<()> {
    /// Clients read per pass: the changes of a pass are held until it is written.
    const WINDOW: i64 = 4096;
    let max: i64 = db.value("SELECT coalesce(max(id), 0) FROM clients", &[])?;
    type Current = (i64, [String; 6], Vec<String>);
    let mut from = 0;
    while from < max {
        let mut changed: Vec<(i64, String, String)> = Vec::new();
        let mut cur: Option<Current> = None;
        let finish = |c: Current, changed: &mut Vec<(i64, String, String)>| {
            let [first, surnames, phone1, phone2, old_key, old_sort] = c.1;
            let pets: Vec<&str> = c.2.iter().map(String::as_str).collect();
            let key = client_search_key(&first, &surnames, &pets, &[&phone1, &phone2]);
            let sort = sort_key_of(&surnames, &first);
            if key != old_key || sort != old_sort {
                changed.push((c.0, key, sort));
            }
        };
        let rows = db.rows(
            "SELECT c.id, c.first_name, c.surnames, c.phone1, c.phone2, c.search_key, c.sort_key, p.name
             FROM clients c LEFT JOIN pets p ON p.client_id = c.id
             WHERE c.id > ?1 AND c.id <= ?1 + ?2 ORDER BY c.id, p.id",
            &vals![from, WINDOW],
        )?;
        for r in &rows {
            let id: i64 = r.get(0)?;
            if !touched(ClientId(id)) {
                continue;
            }
            if cur.as_ref().is_some_and(|c| c.0 != id) {
                finish(cur.take().expect("checked"), &mut changed);
            }
            let c = match &mut cur {
                Some(c) => c,
                None => cur.insert((
                    id,
                    [
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ],
                    Vec::new(),
                )),
            };
            if let Some(pet) = r.get::<Option<String>>(7)? {
                c.2.push(pet);
            }
        }
        drop(rows);
        if let Some(c) = cur.take() {
            finish(c, &mut changed);
        }
        for (id, key, sort) in changed {
            db.execute(
                "UPDATE clients SET search_key = ?2, sort_key = ?3 WHERE id = ?1",
                &vals![id, key, sort],
            )?;
        }
        from += WINDOW;
    }
    Ok(())
}

/// Turns client rows (id, first_name, surnames, phone1, phone2) into search hits with pet names.
fn hits(db: &Db, rows: Vec<(i64, String, String, String, String)>) -> Result<Vec<SearchHit>> {
    // Every client's pets in one statement (a round trip each would count on a server).
    let ids = serde_json::to_string(&rows.iter().map(|r| r.0).collect::<Vec<_>>())?;
    let mut pets: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    db.each(
        &format!(
            "SELECT client_id, name FROM pets WHERE client_id IN ({}) ORDER BY client_id, deceased, id",
            db.dialect().json_ints("?1")
        ),
        &vals![ids],
        |r| {
            pets.entry(r.get(0)?).or_default().push(r.get(1)?);
            Ok(())
        },
    )?;
    Ok(rows
        .into_iter()
        .map(|(id, first, surnames, p1, p2)| SearchHit {
            client_id: ClientId(id),
            full_name: format!("{first} {surnames}"),
            phone: if p1.is_empty() { p2 } else { p1 },
            pets: pets.remove(&id).unwrap_or_default(),
        })
        .collect())
}

/// Updates a client's record; `NotFound` if there is none.
pub fn update(db: &Db, id: ClientId, d: &ClientData, now: DateTime<Utc>) -> Result<()> {
    let n = db.execute(
        "UPDATE clients SET first_name = ?2, surnames = ?3, phone1 = ?4, phone2 = ?5, email = ?6, address = ?7,
                preferred_channel = ?8, consent_care = ?9, consent_commercial = ?10, notes = ?11, sort_key = ?12, updated_at = ?13,
                title = ?14, version = version + 1
         WHERE id = ?1",
        &vals![
            id.0, &d.first_name, &d.surnames, &d.phone1, &d.phone2, &d.email, &d.address, d.preferred_channel.as_str(),
            d.consent_care, d.consent_commercial, &d.notes, sort_key(d), ts(now), d.title.as_str()
        ],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The phones as the import normalised them: (phone1 E.164, phone2 E.164, flagged unreadable).
pub type ImportedPhones = (String, String, bool);

pub fn imported_phones(db: &Db, id: ClientId) -> Result<ImportedPhones> {
    let r = db
        .row(
            "SELECT phone1_e164, phone2_e164, phone_flag FROM clients WHERE id = ?1",
            &vals![id.0],
        )?
        .ok_or(StoreError::NotFound)?;
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

pub fn set_imported_phones(db: &Db, id: ClientId, p: &ImportedPhones) -> Result<()> {
    db.execute(
        "UPDATE clients SET phone1_e164 = ?2, phone2_e164 = ?3, phone_flag = ?4, version = version + 1 WHERE id = ?1",
        &vals![id.0, &p.0, &p.1, p.2],
    )?;
    Ok(())
}

/// Inserts a client from an import in one statement: its data, source id, phones in E.164
/// and search key (the import's, with the pets it is about to add: [`refresh_search_key`]
/// otherwise, once they are in).
pub fn insert_imported(
    db: &Db,
    d: &ClientData,
    source_id: &str,
    phones: &ImportedPhones,
    search_key: &str,
    now: &str,
) -> Result<ClientId> {
    let id = db.insert(
        "INSERT INTO clients (first_name, surnames, phone1, phone2, email, address, preferred_channel, consent_care,
                              consent_commercial, notes, search_key, sort_key, created_at, updated_at, title,
                              source_id, origin, imported_at, phone1_e164, phone2_e164, phone_flag)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?18, ?11, ?12, ?12, ?13, ?14, 'import', ?12, ?15, ?16, ?17)",
        &vals![
            &d.first_name, &d.surnames, &d.phone1, &d.phone2, &d.email, &d.address, d.preferred_channel.as_str(),
            d.consent_care, d.consent_commercial, &d.notes, sort_key(d), now, d.title.as_str(), source_id,
            &phones.0, &phones.1, phones.2, search_key
        ],
    )?;
    Ok(ClientId(id))
}

/// The client imported with this source id, and whether it is protected (entered or edited by
/// hand since its import).
pub fn by_source_id(db: &Db, sid: &str) -> Result<Existing<ClientId>> {
    find_source(db, "clients", sid, ClientId)
}

/// Whether any client carries a source id ([`super::any_source`]).
pub fn any_source_id(db: &Db) -> Result<bool> {
    super::any_source(db, "clients")
}

/// Links a client entered in Fidelia to its id in the practice-management system. It stays a
/// client entered by hand: an import finds it, and leaves it as it is.
pub fn link_source_id(db: &Db, id: ClientId, sid: &str) -> Result<()> {
    db.execute(
        "UPDATE clients SET source_id = ?2, version = version + 1 WHERE id = ?1",
        &vals![id.0, sid],
    )?;
    Ok(())
}

/// Marks a client as rewritten by an import now (where it came from is kept: a client entered
/// by hand stays one).
pub fn mark_imported(db: &Db, id: ClientId, now: &str) -> Result<()> {
    db.execute(
        "UPDATE clients SET imported_at = ?2, updated_at = ?2, version = version + 1 WHERE id = ?1",
        &vals![id.0, now],
    )?;
    Ok(())
}

/// Marks a client as written by an import now, with its source id.
pub fn stamp_imported(db: &Db, id: ClientId, sid: &str, now: &str) -> Result<()> {
    stamp_source(db, "clients", id.0, sid, now)
}

/// Clients alphabetically by surnames: the page `offset..offset+limit` and the total.
pub fn list(db: &Db, offset: i64, limit: i64) -> Result<(i64, Vec<SearchHit>)> {
    let total = super::count(db, "clients")?;
    let rows = db.map_rows("SELECT id, first_name, surnames, phone1, phone2 FROM clients ORDER BY sort_key, id LIMIT ?1 OFFSET ?2",
            &vals![limit.clamp(1, 500), offset.max(0)], five)?;
    Ok((total, hits(db, rows)?))
}

/// Finds clients by any part of their names, their pets' names or their phones' digits,
/// ignoring accents and case. Every word typed must match; clients where a word starts a
/// name come first, then alphabetical order.
pub fn search(db: &Db, query: &str, limit: i64) -> Result<Vec<SearchHit>> {
    let tokens = query_tokens(query);
    if tokens.is_empty() {
        return Ok(Vec::new());
    }
    let d = db.dialect();
    // Substring tests with instr() on the folded key (no LIKE pattern matching), over the
    // small covering index clients_search; only the page of hits is read from the table.
    let mut sql = format!(
        "SELECT id FROM {} WHERE 1 = 1",
        d.indexed_by("clients", "clients_search")
    );
    let mut args: Vec<String> = Vec::new();
    for t in &tokens {
        args.push(t.clone());
        let n = format!("?{}", args.len());
        sql.push_str(&format!(" AND {} > 0", d.instr("search_key", &n)));
    }
    // Rank: the first surname starts with the first token ("nunez" -> Núñez before
    // Álvarez Núñez), then any word starts with it, then the rest; then alphabetical.
    args.push(tokens[0].clone());
    args.push(format!(" {}", tokens[0]));
    let (a, b) = (args.len() - 1, args.len());
    sql.push_str(&format!(
        " ORDER BY (substr(sort_key, 1, length(?{a})) = ?{a}) DESC,
                   (substr(search_key, 1, length(?{a})) = ?{a} OR {} > 0) DESC,
                   sort_key, id LIMIT {}",
        d.instr("search_key", &format!("?{b}")),
        limit.clamp(1, 100)
    ));
    let values: Vec<Value> = args.iter().map(Value::from).collect();
    let ids: Vec<i64> = db.map_rows(&sql, &values, |r| r.get(0))?;
    // The page of hits read in one statement, then put in the ranking's order.
    let mut found: std::collections::HashMap<i64, _> = db
        .map_rows(
            &format!(
                "SELECT id, first_name, surnames, phone1, phone2 FROM clients WHERE id IN ({})",
                d.json_ints("?1")
            ),
            &vals![serde_json::to_string(&ids)?],
            five,
        )?
        .into_iter()
        .map(|row| (row.0, row))
        .collect();
    let rows = ids
        .iter()
        .map(|id| found.remove(id).ok_or(StoreError::NotFound))
        .collect::<Result<Vec<_>>>()?;
    hits(db, rows)
}

/// (id, first name, surnames, phone1, phone2) of a client row.
fn five(r: &Row) -> Result<(i64, String, String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

/// Every client's history in one pass over the visits (living pets, visits in all and since
/// `since`, spend since `since`). Clients without a visit are not listed.
pub fn histories(db: &Db, since: DateTime<Utc>) -> Result<Vec<ClientHistory>> {
    let since = ts(since);
    let mut pets: std::collections::HashMap<i64, (Vec<String>, bool)> =
        std::collections::HashMap::new();
    db.each(
        "SELECT client_id, name, deceased FROM pets ORDER BY id",
        &[],
        |r| {
            let e = pets.entry(r.get(0)?).or_insert((Vec::new(), true));
            if !r.get::<bool>(2)? {
                e.0.push(r.get(1)?);
                e.1 = false;
            }
            Ok(())
        },
    )?;
    let mut out = Vec::new();
    db.each(
        "SELECT c.id, c.first_name || ' ' || c.surnames, c.consent_commercial, min(v.at), max(v.at), count(v.id),
                count(v.id) FILTER (WHERE v.at >= ?1),
                CAST(coalesce(sum(v.amount_cents) FILTER (WHERE v.at >= ?1), 0) AS BIGINT),
                count(v.amount_cents) > 0
         FROM clients c JOIN pets p ON p.client_id = c.id JOIN visits v ON v.pet_id = p.id
         GROUP BY c.id",
        &vals![since],
        |r| {
            let id: i64 = r.get(0)?;
            let (living, all_dead) = pets.get(&id).cloned().unwrap_or((Vec::new(), true));
            out.push(ClientHistory {
                client_id: ClientId(id),
                name: r.get(1)?,
                consent_commercial: r.get(2)?,
                first_visit: r
                    .get::<Option<String>>(3)?
                    .map(|s| parse_ts(&s))
                    .transpose()?,
                last_visit: r
                    .get::<Option<String>>(4)?
                    .map(|s| parse_ts(&s))
                    .transpose()?,
                visits_total: r.get(5)?,
                visits_24m: r.get(6)?,
                spend_24m_cents: r.get(7)?,
                spend_known: r.get(8)?,
                living_pets: living,
                all_pets_deceased: all_dead,
            });
            Ok(())
        },
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    fn data(first: &str, surnames: &str, phone: &str) -> ClientData {
        ClientData {
            title: Title::None,
            first_name: first.into(),
            surnames: surnames.into(),
            phone1: phone.into(),
            phone2: String::new(),
            email: String::new(),
            address: String::new(),
            preferred_channel: Channel::Phone,
            consent_care: true,
            consent_commercial: false,
            notes: String::new(),
        }
    }

    /// Every update of a client's record adds one to its version, whoever writes it (the
    /// client form, an import's rewrite, phones, marks and source ids); the search and sort
    /// keys, derived from the record and its pets' names, leave it alone.
    #[test]
    fn every_change_of_a_client_adds_one_to_its_version_on_each_engine() {
        on_each_engine(|db| {
            let now: DateTime<Utc> = "2026-12-01T10:00:00Z".parse().unwrap();
            let maria = insert(db, &data("María", "Núñez", "612 345 678"), &[], now).unwrap();
            let juan = insert(db, &data("Juan", "Álvarez", ""), &[], now).unwrap();
            let mut expected = 0;
            let mut after = |what: &str, added: i64| {
                expected += added;
                assert_eq!(version(db, maria).unwrap(), expected, "{what}");
                assert_eq!(get(db, maria).unwrap().version, expected, "{what}");
            };
            after("a new client", 0);
            update(db, maria, &data("María", "Núñez Peña", "612 345 678"), now).unwrap();
            after("saved", 1);
            another_pet(db, maria, "Michi");
            refresh_search_key(db, maria).unwrap();
            db.execute(
                "UPDATE clients SET search_key = ?2 WHERE id = ?1",
                &vals![maria.0, "otra"],
            )
            .unwrap();
            refresh_search_keys(db, |_| true).unwrap();
            after("the derived keys", 0);
            let phones: ImportedPhones = ("+34612345678".into(), String::new(), false);
            set_imported_phones(db, maria, &phones).unwrap();
            after("an import's phones", 1);
            mark_imported(db, maria, "2026-12-02T10:00:00Z").unwrap();
            after("marked imported", 1);
            link_source_id(db, maria, "C-1").unwrap();
            after("linked to the other system", 1);
            stamp_imported(db, maria, "C-2", "2026-12-02T10:00:00Z").unwrap();
            after("stamped by an import", 1);
            assert_eq!(
                version(db, juan).unwrap(),
                0,
                "another client is left alone"
            );
            assert!(matches!(
                version(db, ClientId(999_999)),
                Err(StoreError::NotFound)
            ));
        });
    }

    #[test]
    fn clients_are_saved_searched_listed_and_imported_on_each_engine() {
        on_each_engine(|db| {
            let now: DateTime<Utc> = "2026-12-01T10:00:00Z".parse().unwrap();
            let maria = insert(
                db,
                &data("María", "Núñez Peña", "612 345 678"),
                &["Luna"],
                now,
            )
            .unwrap();
            let juan = insert(db, &data("Juan", "Álvarez Núñez", ""), &[], now).unwrap();
            assert_eq!(
                get(db, maria).unwrap().data,
                data("María", "Núñez Peña", "612 345 678")
            );
            assert_eq!(get(db, maria).unwrap().created_at, now);
            assert_eq!(name(db, maria).unwrap(), "María Núñez Peña");
            another_pet(db, maria, "Luna");
            another_pet(db, juan, "Michi");
            refresh_search_key(db, juan).unwrap();

            // Accents and case do not matter; a surname that starts with the word comes first.
            let found = |q: &str| {
                search(db, q, 10)
                    .unwrap()
                    .into_iter()
                    .map(|h| h.client_id)
                    .collect::<Vec<_>>()
            };
            assert_eq!(found("NUÑEZ"), [maria, juan]);
            assert_eq!(found("michi"), [juan]);
            assert_eq!(found("345 678"), [maria]);
            assert_eq!(found("luna maria"), [maria]);
            assert!(found("zzz").is_empty());
            let hit = &search(db, "maria", 10).unwrap()[0];
            assert_eq!(
                (hit.full_name.as_str(), hit.phone.as_str(), hit.pets.clone()),
                ("María Núñez Peña", "612 345 678", vec!["Luna".to_string()])
            );
            let (total, page) = list(db, 0, 10).unwrap();
            assert_eq!(total, 2);
            assert_eq!(
                page.iter().map(|h| h.client_id).collect::<Vec<_>>(),
                [juan, maria],
                "by surnames"
            );

            let changed = ClientData {
                email: "maria@example.es".into(),
                title: Title::Mrs,
                ..data("María", "Núñez Peña", "612 345 678")
            };
            update(db, maria, &changed, now).unwrap();
            assert_eq!(get(db, maria).unwrap().data, changed);
            db.execute(
                "UPDATE clients SET search_key = ?2 WHERE id = ?1",
                &vals![maria.0, "otra"],
            )
            .unwrap();
            assert_eq!(found("otra"), [maria]);
            refresh_search_keys(db, |_| true).unwrap();
            assert!(
                found("otra").is_empty(),
                "the key read back from the names and pets"
            );
            assert_eq!(found("luna"), [maria]);

            // From an import.
            let phones: ImportedPhones = ("+34612345678".into(), String::new(), false);
            let key = client_search_key("Eva", "Sanz", &["Toby"], &["612345678"]);
            let eva = insert_imported(
                db,
                &data("Eva", "Sanz", "612345678"),
                "C-9",
                &phones,
                &key,
                "2026-12-01T10:00:00Z",
            )
            .unwrap();
            assert_eq!(found("toby"), [eva], "the search key it was given");
            assert_eq!(imported_phones(db, eva).unwrap(), phones);
            set_imported_phones(
                db,
                eva,
                &("+34600000000".into(), "+34911111111".into(), true),
            )
            .unwrap();
            assert!(imported_phones(db, eva).unwrap().2);
            assert_eq!(
                by_source_id(db, "C-9").unwrap(),
                Existing::Found {
                    id: eva,
                    protected: false
                }
            );
            mark_imported(db, eva, "2026-12-02T10:00:00Z").unwrap();
            link_source_id(db, juan, "C-10").unwrap();
            assert_eq!(
                by_source_id(db, "C-10").unwrap(),
                Existing::Found {
                    id: juan,
                    protected: true
                }
            );
            stamp_imported(db, juan, "C-11", "2026-12-02T10:00:00Z").unwrap();
            assert_eq!(
                by_source_id(db, "C-11").unwrap(),
                Existing::Found {
                    id: juan,
                    protected: false
                }
            );

            // Histories: visits in all, since a day, and the spend since then.
            let (_, luna) = client_and_pet(db, "Ana");
            let ana = ClientId(
                db.row("SELECT client_id FROM pets WHERE id = ?1", &vals![luna.0])
                    .unwrap()
                    .unwrap()
                    .get(0)
                    .unwrap(),
            );
            for (at, amount) in [
                ("2024-01-10T10:00:00Z", Some(1_000)),
                ("2026-06-01T10:00:00Z", Some(2_500)),
                ("2026-07-01T10:00:00Z", None),
            ] {
                visit(db, luna, at, amount);
            }
            let h = histories(db, "2025-01-01T00:00:00Z".parse().unwrap()).unwrap();
            let h = h
                .iter()
                .find(|h| h.client_id == ana)
                .expect("Ana's history");
            assert_eq!(
                (
                    h.visits_total,
                    h.visits_24m,
                    h.spend_24m_cents,
                    h.spend_known
                ),
                (3, 2, 2_500, true)
            );
            assert_eq!(h.living_pets, ["Luna"]);
            assert_eq!(h.last_visit, Some("2026-07-01T10:00:00Z".parse().unwrap()));
            assert!(matches!(
                get(db, ClientId(999_999)),
                Err(StoreError::NotFound)
            ));
        });
    }
}
