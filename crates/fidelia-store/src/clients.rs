//! The `clients` table, the client search and the client page.

use chrono::{DateTime, Utc};
use fidelia_core::text::{client_search_key, fold, query_tokens};
use fidelia_core::*;
use rusqlite::{params, params_from_iter, Connection, Row};

use crate::{found, parse_ts, ts, word, Result, Store, StoreError};

const COLUMNS: &str = "id, first_name, surnames, phone1, phone2, email, address, preferred_channel, consent_care, consent_commercial, notes, created_at, title";

fn from_row(r: &Row) -> rusqlite::Result<Client> {
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
        created_at: parse_ts(&r.get::<_, String>(11)?)?,
    })
}

pub(crate) fn get(conn: &Connection, id: ClientId) -> Result<Client> {
    found(
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM clients WHERE id = ?1"))?
            .query_row([id.0], from_row),
    )
}

fn sort_key(d: &ClientData) -> String {
    fold(&format!("{} {}", d.surnames, d.first_name))
}

/// Inserts a client whose pets' names are already known (the demo and imports).
pub(crate) fn insert(
    conn: &Connection,
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
    conn.prepare_cached(
        "INSERT INTO clients (first_name, surnames, phone1, phone2, email, address, preferred_channel, consent_care,
                              consent_commercial, notes, search_key, sort_key, created_at, updated_at, title)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14)",
    )?
    .execute(params![
        d.first_name, d.surnames, d.phone1, d.phone2, d.email, d.address, d.preferred_channel.as_str(),
        d.consent_care, d.consent_commercial, d.notes, key, sort_key(d), ts(created_at), d.title.as_str()
    ])?;
    Ok(ClientId(conn.last_insert_rowid()))
}

/// Recomputes a client's search key from their names, phones and pets' names.
pub(crate) fn refresh_search_key(conn: &Connection, id: ClientId) -> Result<()> {
    let c = get(conn, id)?;
    let mut st = conn.prepare_cached("SELECT name FROM pets WHERE client_id = ?1 ORDER BY id")?;
    let pets: Vec<String> = st
        .query_map([id.0], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let pet_refs: Vec<&str> = pets.iter().map(String::as_str).collect();
    let key = client_search_key(
        &c.data.first_name,
        &c.data.surnames,
        &pet_refs,
        &[&c.data.phone1, &c.data.phone2],
    );
    conn.prepare_cached("UPDATE clients SET search_key = ?2 WHERE id = ?1")?
        .execute(params![id.0, key])?;
    Ok(())
}

/// Turns client rows (id, first_name, surnames, phone1, phone2) into search hits with pet names.
fn hits(
    conn: &Connection,
    rows: Vec<(i64, String, String, String, String)>,
) -> Result<Vec<SearchHit>> {
    let mut st = conn.prepare_cached(
        "SELECT name FROM pets WHERE client_id = ?1 ORDER BY deceased_on IS NOT NULL, id",
    )?;
    rows.into_iter()
        .map(|(id, first, surnames, p1, p2)| {
            let pets = st
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(SearchHit {
                client_id: ClientId(id),
                full_name: format!("{first} {surnames}"),
                phone: if p1.is_empty() { p2 } else { p1 },
                pets,
            })
        })
        .collect()
}

impl Store {
    /// Creates (no id) or updates (id) a client.
    pub fn save_client(&self, form: &ClientForm, now: DateTime<Utc>) -> Result<Client> {
        let d = form.validate()?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let id = match form.id {
            None => insert(&tx, &d, &[], now)?,
            Some(id) => {
                let n = tx.execute(
                    "UPDATE clients SET first_name = ?2, surnames = ?3, phone1 = ?4, phone2 = ?5, email = ?6, address = ?7,
                            preferred_channel = ?8, consent_care = ?9, consent_commercial = ?10, notes = ?11, sort_key = ?12, updated_at = ?13,
                            title = ?14
                     WHERE id = ?1",
                    params![
                        id.0, d.first_name, d.surnames, d.phone1, d.phone2, d.email, d.address, d.preferred_channel.as_str(),
                        d.consent_care, d.consent_commercial, d.notes, sort_key(&d), ts(now), d.title.as_str()
                    ],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
                id
            }
        };
        refresh_search_key(&tx, id)?;
        let c = get(&tx, id)?;
        tx.commit()?;
        Ok(c)
    }

    pub fn client(&self, id: ClientId) -> Result<Client> {
        get(&self.conn(), id)
    }

    /// Clients alphabetically by surnames: the page `offset..offset+limit` and the total.
    pub fn clients_list(&self, offset: i64, limit: i64) -> Result<(i64, Vec<SearchHit>)> {
        let conn = self.conn();
        let total = conn.query_row("SELECT count(*) FROM clients", [], |r| r.get(0))?;
        let mut st = conn.prepare_cached("SELECT id, first_name, surnames, phone1, phone2 FROM clients ORDER BY sort_key, id LIMIT ?1 OFFSET ?2")?;
        let rows = st
            .query_map([limit.clamp(1, 500), offset.max(0)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok((total, hits(&conn, rows)?))
    }

    /// Finds clients by any part of their names, their pets' names or their phones' digits,
    /// ignoring accents and case. Every word typed must match; clients where a word starts a
    /// name come first, then alphabetical order.
    pub fn search(&self, query: &str, limit: i64) -> Result<Vec<SearchHit>> {
        let tokens = query_tokens(query);
        if tokens.is_empty() {
            return Ok(Vec::new());
        }
        let conn = self.conn();
        // Substring tests with instr() on the folded key (no LIKE pattern matching), over the
        // small covering index clients_search; only the page of hits is read from the table.
        let mut sql = String::from("SELECT id FROM clients INDEXED BY clients_search WHERE 1");
        let mut args: Vec<String> = Vec::new();
        for t in &tokens {
            args.push(t.clone());
            sql.push_str(&format!(" AND instr(search_key, ?{}) > 0", args.len()));
        }
        // Rank: the first surname starts with the first token ("nunez" -> Núñez before
        // Álvarez Núñez), then any word starts with it, then the rest; then alphabetical.
        args.push(tokens[0].clone());
        args.push(format!(" {}", tokens[0]));
        let (a, b) = (args.len() - 1, args.len());
        sql.push_str(&format!(
            " ORDER BY (substr(sort_key, 1, length(?{a})) = ?{a}) DESC,
                       (substr(search_key, 1, length(?{a})) = ?{a} OR instr(search_key, ?{b}) > 0) DESC,
                       sort_key, id LIMIT {}",
            limit.clamp(1, 100)
        ));
        let ids: Vec<i64> = conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(&args), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut one = conn.prepare_cached(
            "SELECT id, first_name, surnames, phone1, phone2 FROM clients WHERE id = ?1",
        )?;
        let rows = ids
            .into_iter()
            .map(|id| {
                one.query_row([id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
            })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(one);
        hits(&conn, rows)
    }

    /// Everything the client page shows: the client, pets, visits, appointments and a timeline.
    pub fn client_page(&self, id: ClientId) -> Result<ClientPage> {
        let conn = self.conn();
        let client = get(&conn, id)?;
        let pets = crate::pets::of_client(&conn, id)?;
        let visits = crate::visits::of_client(&conn, id)?;
        let appointments = crate::appointments::of_client(&conn, id)?;
        let mut timeline: Vec<TimelineEntry> =
            Vec::with_capacity(visits.len() + appointments.len() + 2);
        timeline.extend(visits.iter().map(|v| TimelineEntry {
            at: v.data.at,
            kind: "visit".into(),
            pet_name: Some(v.pet_name.clone()),
            label: v.data.kind.as_str().into(),
            detail: v.data.reason.clone(),
            staff_name: v.staff_name.clone(),
        }));
        timeline.extend(appointments.iter().map(|a| TimelineEntry {
            at: a.data.starts_at,
            kind: "appointment".into(),
            pet_name: Some(a.pet_name.clone()),
            label: a.data.status.as_str().into(),
            detail: a.data.reason.clone(),
            staff_name: a.staff_name.clone(),
        }));
        timeline.extend(pets.iter().filter_map(|p| {
            let day = p.data.deceased_on?;
            Some(TimelineEntry {
                at: day.and_hms_opt(12, 0, 0)?.and_utc(),
                kind: "pet_deceased".into(),
                pet_name: Some(p.data.name.clone()),
                label: String::new(),
                detail: String::new(),
                staff_name: None,
            })
        }));
        timeline.push(TimelineEntry {
            at: client.created_at,
            kind: "client_created".into(),
            pet_name: None,
            label: String::new(),
            detail: String::new(),
            staff_name: None,
        });
        timeline.sort_by(|a, b| b.at.cmp(&a.at));
        Ok(ClientPage {
            client,
            pets,
            visits,
            appointments,
            timeline,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::*;
    use crate::StoreError;
    use fidelia_core::*;

    #[test]
    fn a_client_is_created_and_edited_and_a_bad_edit_loses_nothing() {
        let s = store();
        let c = client(&s, "María", "Núñez Peña", "612 345 678");
        assert_eq!(s.client(c.id).unwrap().full_name(), "María Núñez Peña");
        let mut form = ClientForm {
            id: Some(c.id),
            title: "sra".into(),
            first_name: "María José".into(),
            surnames: "Núñez Peña".into(),
            phone1: "612 345 678".into(),
            preferred_channel: "telefono".into(),
            ..Default::default()
        };
        s.save_client(&form, now()).unwrap();
        assert_eq!(s.client(c.id).unwrap().data.first_name, "María José");
        assert_eq!(
            s.client(c.id).unwrap().data.title,
            Title::Mrs,
            "letters will greet her as Sra."
        );
        form.phone1 = "61234567A".into();
        assert!(matches!(
            s.save_client(&form, now()),
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            s.client(c.id).unwrap().data.phone1,
            "612 345 678",
            "the rejected edit changed nothing"
        );
        form.id = Some(ClientId(999));
        form.phone1 = "612 345 678".into();
        assert!(matches!(
            s.save_client(&form, now()),
            Err(StoreError::NotFound)
        ));
    }

    #[test]
    fn search_ignores_accents_case_and_spaces_in_phones() {
        let s = store();
        let maria = client(&s, "María", "Núñez Peña", "612 345 678");
        let jose = client(&s, "José", "García", "93 456 78 90");
        pet(&s, jose.id, "Ñoño");
        let ids = |q: &str| {
            s.search(q, 10)
                .unwrap()
                .into_iter()
                .map(|h| h.client_id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("nunez"), [maria.id], "'nunez' finds 'Núñez'");
        assert_eq!(ids("NÚÑEZ"), [maria.id]);
        assert_eq!(ids("612345"), [maria.id], "phone digits without spaces");
        assert_eq!(ids("934567890"), [jose.id]);
        assert_eq!(ids("nono"), [jose.id], "pet names are searched too");
        assert_eq!(ids("maria pena"), [maria.id], "every word must match");
        assert!(ids("maria garcia").is_empty());
        assert!(ids("   ").is_empty());
        assert!(
            ids("%").is_empty(),
            "LIKE wildcards typed by the user are not wildcards"
        );
        let hit = &s.search("jose", 10).unwrap()[0];
        assert_eq!(
            (hit.full_name.as_str(), hit.phone.as_str(), hit.pets.clone()),
            ("José García", "93 456 78 90", vec!["Ñoño".to_string()])
        );
    }

    #[test]
    fn search_ranks_word_starts_first() {
        let s = store();
        let a = client(&s, "Ana", "Ramos", "600000001"); // "ana" inside a word: "susANA"
        let b = client(&s, "Susana", "Abad", "600000002");
        let ids: Vec<_> = s
            .search("ana", 10)
            .unwrap()
            .into_iter()
            .map(|h| h.client_id)
            .collect();
        assert_eq!(
            ids,
            [a.id, b.id],
            "'Ana' starts a name, 'Susana' only contains it"
        );
    }

    #[test]
    fn a_surname_that_starts_with_the_query_comes_first() {
        let s = store();
        let a = client(&s, "Luis", "Álvarez Núñez", "600000001");
        let b = client(&s, "María", "Núñez", "600000002");
        let ids: Vec<_> = s
            .search("nunez", 10)
            .unwrap()
            .into_iter()
            .map(|h| h.client_id)
            .collect();
        assert_eq!(
            ids,
            [b.id, a.id],
            "Núñez as first surname before Núñez as second"
        );
    }

    #[test]
    fn the_list_is_alphabetical_by_surname() {
        let s = store();
        client(&s, "Zoe", "Álvarez", "600000001");
        client(&s, "Ana", "Zapata", "600000002");
        client(&s, "Luis", "Ibáñez", "600000003");
        let (total, page) = s.clients_list(0, 2).unwrap();
        assert_eq!(total, 3);
        let names: Vec<_> = page.into_iter().map(|h| h.full_name).collect();
        assert_eq!(
            names,
            ["Zoe Álvarez", "Luis Ibáñez"],
            "accents do not push Álvarez to the end"
        );
        assert_eq!(s.clients_list(2, 2).unwrap().1[0].full_name, "Ana Zapata");
    }
}
