//! The `letters` and `coupons` tables: the loyalty review, thank-you and condolence letters
//! issued, and birthday coupons.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use fidelia_core::i18n::t;
use fidelia_core::loyalty::*;
use fidelia_core::*;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

use crate::{day, parse_day, parse_ts, ts, Result, Store, StoreError};

/// The review: the period, when the next one is due, the ranked clients, and those whose pets
/// have all died (shown apart: a thank-you to them needs care).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    pub period: Period,
    /// Clients thanked in this period so far.
    pub thanked_this_period: i64,
    /// Ranked by score, tiers Bronce and up (with the reason when they cannot be thanked).
    pub ranked: Vec<Candidate>,
    pub apart: Vec<Candidate>,
}

/// A letter issued, with what the PDF needs.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuedLetter {
    pub letter_id: i64,
    pub client_id: ClientId,
    pub client_name: String,
    /// How the letter greets the client.
    pub title: Title,
    pub body: String,
}

/// A birthday coupon.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Coupon {
    pub code: String,
    pub pet_id: PetId,
    pub pet_name: String,
    pub client_name: String,
    pub percent: i64,
    pub expires_on: NaiveDate,
    pub message: String,
    pub status: String,
}

/// "Ñoño", "Ñoño y Pío", "Ñoño, Pío y Kira" ("and" in English).
pub fn join_names(names: &[String], lang: Lang) -> String {
    let and = if lang == Lang::En { " and " } else { " y " };
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}{and}{last}", rest.join(", ")),
    }
}

/// Every client's history in one pass over the visits.
fn histories(conn: &Connection, today: NaiveDate) -> Result<Vec<ClientHistory>> {
    let since = ts((today - Duration::days(730))
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc());
    let mut pets: HashMap<i64, (Vec<String>, bool)> = HashMap::new();
    let mut st =
        conn.prepare("SELECT client_id, name, deceased_on IS NOT NULL FROM pets ORDER BY id")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let e = pets.entry(r.get(0)?).or_insert((Vec::new(), true));
        if !r.get::<_, bool>(2)? {
            e.0.push(r.get(1)?);
            e.1 = false;
        }
    }
    let mut st = conn.prepare(
        "SELECT c.id, c.first_name || ' ' || c.surnames, c.consent_commercial, min(v.at), max(v.at), count(v.id),
                count(v.id) FILTER (WHERE v.at >= ?1),
                coalesce(sum(v.amount_cents) FILTER (WHERE v.at >= ?1), 0),
                count(v.amount_cents) > 0
         FROM clients c JOIN pets p ON p.client_id = c.id JOIN visits v ON v.pet_id = p.id
         GROUP BY c.id",
    )?;
    let out = st
        .query_map([since], |r| {
            let id: i64 = r.get(0)?;
            let (living, all_dead) = pets.get(&id).cloned().unwrap_or((Vec::new(), true));
            Ok(ClientHistory {
                client_id: ClientId(id),
                name: r.get(1)?,
                consent_commercial: r.get(2)?,
                first_visit: r
                    .get::<_, Option<String>>(3)?
                    .map(|s| parse_ts(&s))
                    .transpose()?,
                last_visit: r
                    .get::<_, Option<String>>(4)?
                    .map(|s| parse_ts(&s))
                    .transpose()?,
                visits_total: r.get(5)?,
                visits_24m: r.get(6)?,
                spend_24m_cents: r.get(7)?,
                spend_known: r.get(8)?,
                living_pets: living,
                all_pets_deceased: all_dead,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

fn thanked_in(conn: &Connection, period: &str) -> Result<HashSet<i64>> {
    let mut st = conn.prepare_cached(
        "SELECT client_id FROM letters WHERE kind = 'agradecimiento' AND period = ?1",
    )?;
    let ids = st
        .query_map([period], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

impl Store {
    pub fn loyalty_review(&self, today: NaiveDate) -> Result<Review> {
        let conn = self.conn();
        let rules = crate::settings::read(&conn)?.loyalty;
        let period = period_of(today, rules.period_months);
        let thanked = thanked_in(&conn, &period.key)?;
        let mut ranked = Vec::new();
        let mut apart = Vec::new();
        for h in histories(&conn, today)? {
            let c = assess(&h, today, &rules, thanked.contains(&h.client_id.0));
            if c.tier == Tier::None {
                continue;
            }
            if c.exclusion == Some(Exclusion::AllPetsDeceased) {
                apart.push(c);
            } else if !matches!(
                c.exclusion,
                Some(Exclusion::SingleVisit | Exclusion::TooNew)
            ) {
                ranked.push(c);
            }
        }
        let by_score = |a: &Candidate, b: &Candidate| {
            b.score.total.cmp(&a.score.total).then(a.name.cmp(&b.name))
        };
        ranked.sort_by(by_score);
        apart.sort_by(by_score);
        Ok(Review {
            period,
            thanked_this_period: thanked.len() as i64,
            ranked,
            apart,
        })
    }

    /// Issues thank-you letters to `clients` for the current period, all or none: a client who
    /// cannot be thanked (already thanked this period, or not a candidate) refuses the whole
    /// batch with a message naming them. `template` "" = the clinic's (or the built-in) one.
    /// `deliver` gets the letters before anything is recorded (to write the PDFs): if it fails,
    /// nothing is recorded.
    pub fn issue_thanks(
        &self,
        clients: &[ClientId],
        template: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
        deliver: &mut dyn FnMut(&[IssuedLetter]) -> std::result::Result<(), String>,
    ) -> Result<Vec<IssuedLetter>> {
        if clients.is_empty() {
            return Err(Invalid::single("clients", "err.none_selected").into());
        }
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let settings = crate::settings::read(&tx)?;
        let (rules, lang) = (&settings.loyalty, settings.language);
        let period = period_of(today, rules.period_months);
        let thanked = thanked_in(&tx, &period.key)?;
        let wanted: HashSet<i64> = clients.iter().map(|c| c.0).collect();
        let found: HashMap<i64, ClientHistory> = histories(&tx, today)?
            .into_iter()
            .filter(|h| wanted.contains(&h.client_id.0))
            .map(|h| (h.client_id.0, h))
            .collect();
        let template = match (template.trim(), rules.thanks_template.trim()) {
            ("", "") => t(lang, "letter.thanks_default"),
            ("", own) => own.to_owned(),
            (given, _) => given.to_owned(),
        };
        let mut refused = Vec::new();
        let mut issued = Vec::new();
        for id in clients {
            let Some(h) = found.get(&id.0) else {
                refused.push(format!(
                    "{} ({})",
                    crate::clients::get(&tx, *id)?.full_name(),
                    t(lang, "exclusion.una_visita")
                ));
                continue;
            };
            let c = assess(h, today, rules, thanked.contains(&id.0));
            if let Some(why) = c.exclusion {
                refused.push(format!(
                    "{} ({})",
                    c.name,
                    t(lang, &format!("exclusion.{}", why.as_str()))
                ));
                continue;
            }
            let client = crate::clients::get(&tx, *id)?;
            let years = c.years_with_clinic.to_string();
            let pets = join_names(&c.living_pets, lang);
            let body = fill(
                &template,
                &[
                    ("cliente", &c.name),
                    ("nombre", &client.data.first_name),
                    ("mascotas", &pets),
                    ("años", &years),
                    ("anos", &years),
                    ("clinica", &settings.clinic_name),
                    ("firma", &rules.signer_name),
                ],
            );
            tx.execute(
                "INSERT INTO letters (kind, client_id, period, tier, score, body, printed, created_at) VALUES ('agradecimiento', ?1, ?2, ?3, ?4, ?5, 1, ?6)",
                params![id.0, period.key, c.tier.as_str(), c.score.total, body, ts(now)],
            )?;
            issued.push(IssuedLetter {
                letter_id: tx.last_insert_rowid(),
                client_id: *id,
                client_name: c.name,
                title: client.data.title,
                body,
            });
        }
        if !refused.is_empty() {
            return Err(StoreError::Refused(
                t(lang, "err.cannot_thank").replace("{clientes}", &refused.join(", ")),
            ));
        }
        deliver(&issued).map_err(StoreError::Refused)?;
        tx.commit()?;
        Ok(issued)
    }

    /// The condolence letter's text for a deceased pet (not recorded until issued).
    pub fn condolence_draft(&self, pet: PetId) -> Result<IssuedLetter> {
        let conn = self.conn();
        let p = crate::pets::get(&conn, pet)?;
        let c = crate::clients::get(&conn, p.data.client_id)?;
        let s = crate::settings::read(&conn)?;
        let template = if s.loyalty.condolence_template.trim().is_empty() {
            t(s.language, "letter.condolence_default")
        } else {
            s.loyalty.condolence_template.clone()
        };
        let body = fill(
            &template,
            &[
                ("cliente", &c.full_name()),
                ("nombre", &c.data.first_name),
                ("mascota", &p.data.name),
                ("clinica", &s.clinic_name),
                ("firma", &s.loyalty.signer_name),
            ],
        );
        Ok(IssuedLetter {
            letter_id: 0,
            client_id: c.id,
            client_name: c.full_name(),
            title: c.data.title,
            body,
        })
    }

    /// Records a condolence letter (printed or not).
    pub fn record_condolence(
        &self,
        pet: PetId,
        body: &str,
        printed: bool,
        now: DateTime<Utc>,
    ) -> Result<IssuedLetter> {
        let conn = self.conn();
        let p = crate::pets::get(&conn, pet)?;
        if p.data.deceased_on.is_none() {
            return Err(Invalid::single("petId", "err.pet_alive").into());
        }
        let c = crate::clients::get(&conn, p.data.client_id)?;
        if body.trim().is_empty() || body.chars().count() > 6000 {
            return Err(Invalid::single(
                "body",
                if body.trim().is_empty() {
                    "err.required"
                } else {
                    "err.too_long"
                },
            )
            .into());
        }
        conn.execute(
            "INSERT INTO letters (kind, client_id, pet_id, body, printed, created_at) VALUES ('condolencia', ?1, ?2, ?3, ?4, ?5)",
            params![c.id.0, pet.0, body.trim(), printed, ts(now)],
        )?;
        Ok(IssuedLetter {
            letter_id: conn.last_insert_rowid(),
            client_id: c.id,
            client_name: c.full_name(),
            title: c.data.title,
            body: body.trim().to_owned(),
        })
    }

    /// Living pets whose birthday falls in the next `days` days, of clients who accepted
    /// commercial messages, with the coupon already given for that birthday if any.
    pub fn birthdays(&self, today: NaiveDate, days: i64) -> Result<Vec<Birthday>> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT p.id, p.name, c.id, c.first_name || ' ' || c.surnames, p.birth_date
             FROM pets p JOIN clients c ON c.id = p.client_id
             WHERE p.deceased_on IS NULL AND p.birth_date IS NOT NULL AND c.consent_commercial = 1",
        )?;
        let rows: Vec<(i64, String, i64, String, Option<String>)> = st
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut coupon = conn.prepare_cached(
            "SELECT code, status FROM coupons WHERE pet_id = ?1 AND birthday = ?2",
        )?;
        let mut out = Vec::new();
        for (pet, pet_name, client, client_name, birth) in rows {
            let Some(birth) = parse_day(birth)? else {
                continue;
            };
            if !birthday_within(birth, today, days) {
                continue;
            }
            let bday = next_birthday(birth, today);
            let c: Option<(String, String)> = coupon
                .query_row(params![pet, day(bday)], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            out.push(Birthday {
                pet_id: PetId(pet),
                pet_name,
                client_id: ClientId(client),
                client_name,
                birthday: bday,
                age: bday.years_since(birth).map(|y| y as i32).unwrap_or(0),
                coupon_redeemed: c.as_ref().is_some_and(|c| c.1 == "canjeado"),
                coupon: c.map(|c| c.0),
            });
        }
        out.sort_by_key(|b| (b.birthday, b.pet_name.clone()));
        Ok(out)
    }

    /// Gives a pet its birthday greeting with a unique coupon (once per birthday). Only for a
    /// living pet whose owner accepted commercial messages.
    pub fn issue_coupon(&self, pet: PetId, today: NaiveDate, now: DateTime<Utc>) -> Result<Coupon> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let p = crate::pets::get(&tx, pet)?;
        let c = crate::clients::get(&tx, p.data.client_id)?;
        if p.data.deceased_on.is_some() {
            return Err(Invalid::single("petId", "err.pet_deceased").into());
        }
        if !c.data.consent_commercial {
            return Err(Invalid::single("petId", "err.no_commercial_consent").into());
        }
        let birth = p
            .data
            .birth_date
            .ok_or_else(|| StoreError::from(Invalid::single("petId", "err.no_birth_date")))?;
        let bday = next_birthday(birth, today);
        if let Some(existing) = tx
            .query_row(
                "SELECT code FROM coupons WHERE pet_id = ?1 AND birthday = ?2",
                params![pet.0, day(bday)],
                |r| r.get::<_, String>(0),
            )
            .optional()?
        {
            drop(tx);
            drop(conn);
            return self.coupon(&existing);
        }
        let s = crate::settings::read(&tx)?;
        let expires = today + Duration::days(s.loyalty.coupon_days as i64);
        let next_id: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM coupons", [], |r| {
                r.get(0)
            })?;
        let code = coupon_code(next_id as u64 + 7919 * pet.0 as u64);
        let message = fill(
            &t(s.language, "coupon.message_default"),
            &[
                ("mascota", &p.data.name),
                ("nombre", &c.data.first_name),
                ("clinica", &s.clinic_name),
                ("descuento", &s.loyalty.coupon_percent.to_string()),
                ("codigo", &code),
                ("caduca", &fidelia_core::format::date_short(expires)),
            ],
        );
        tx.execute(
            "INSERT INTO coupons (code, pet_id, client_id, birthday, percent, expires_on, message, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![code, pet.0, c.id.0, day(bday), s.loyalty.coupon_percent, day(expires), message, ts(now)],
        )?;
        tx.commit()?;
        drop(conn);
        self.coupon(&code)
    }

    pub fn coupon(&self, code: &str) -> Result<Coupon> {
        let conn = self.conn();
        crate::found(conn.query_row(
            "SELECT k.code, k.pet_id, p.name, c.first_name || ' ' || c.surnames, k.percent, k.expires_on, k.message, k.status
             FROM coupons k JOIN pets p ON p.id = k.pet_id JOIN clients c ON c.id = k.client_id WHERE k.code = ?1",
            [code.trim().to_uppercase()],
            |r| {
                Ok(Coupon {
                    code: r.get(0)?,
                    pet_id: PetId(r.get(1)?),
                    pet_name: r.get(2)?,
                    client_name: r.get(3)?,
                    percent: r.get(4)?,
                    expires_on: parse_day(r.get(5)?)?.unwrap_or_default(),
                    message: r.get(6)?,
                    status: r.get(7)?,
                })
            },
        ))
    }

    /// Marks a coupon as redeemed (once; not after it expired or was cancelled).
    pub fn redeem_coupon(
        &self,
        code: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Coupon> {
        let c = self.coupon(code)?;
        if c.status != "emitido" || c.expires_on < today {
            return Err(Invalid::single("code", "err.coupon_not_valid").into());
        }
        self.conn().execute(
            "UPDATE coupons SET status = 'canjeado', redeemed_at = ?2 WHERE code = ?1",
            params![c.code, ts(now)],
        )?;
        self.coupon(&c.code)
    }
}

/// Cancels a deceased pet's unused coupons (inside the pet's transaction).
pub(crate) fn cancel_coupons_for_pet(conn: &Connection, pet: PetId) -> Result<()> {
    conn.execute(
        "UPDATE coupons SET status = 'cancelado' WHERE pet_id = ?1 AND status = 'emitido'",
        [pet.0],
    )?;
    Ok(())
}

/// Fills `{name}` placeholders.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |s, (k, v)| {
        s.replace(&format!("{{{k}}}"), v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    /// A client with visits since `first` (dd/mm/aaaa), `n` of them, and a dog.
    fn loyal(s: &Store, first: &str, surnames: &str, n: usize, pets: &[&str]) -> ClientId {
        let c = client(s, first, surnames, "612 345 678");
        let mut pet_ids = Vec::new();
        for p in pets {
            pet_ids.push(pet(s, c.id, p).id);
        }
        for i in 0..n {
            let year = 2018 + (i % 8) as i32;
            let date = format!("{:02}/{:02}/{year}", 1 + i % 27, 1 + (i % 10));
            let f = VisitForm {
                pet_id: Some(pet_ids[i % pet_ids.len()]),
                date,
                time: "10:00".into(),
                kind: "revision".into(),
                severity: "leve".into(),
                amount: "60,00".into(),
                ..Default::default()
            };
            s.save_visit(&f, &at()).unwrap();
        }
        c.id
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn the_review_ranks_loyal_clients_and_keeps_first_timers_out() {
        let s = store();
        let begona = loyal(&s, "Begoña", "Ibáñez Muñoz", 20, &["Ñoño", "Pío"]);
        let once = loyal(&s, "Ana", "Una Vez", 1, &["Max"]);
        let r = s.loyalty_review(today()).unwrap();
        assert_eq!(r.period.key, "2026-T4");
        assert!(r
            .ranked
            .iter()
            .any(|c| c.client_id == begona && c.exclusion.is_none()));
        assert!(
            r.ranked.iter().all(|c| c.client_id != once),
            "a first-timer is never on the list"
        );
    }

    #[test]
    fn thank_you_letters_are_recorded_and_never_twice_in_a_period() {
        let s = store();
        let begona = loyal(&s, "Begoña", "Ibáñez Muñoz", 20, &["Ñoño", "Pío"]);
        let issued = s
            .issue_thanks(
                &[begona],
                "Gracias, {cliente}, por {años} años con {mascotas}.",
                today(),
                now(),
                &mut |_| Ok(()),
            )
            .unwrap();
        assert_eq!(
            issued[0].body,
            "Gracias, Begoña Ibáñez Muñoz, por 8 años con Ñoño y Pío."
        );
        match s.issue_thanks(&[begona], "", today(), now(), &mut |_| Ok(())) {
            Err(StoreError::Refused(m)) => assert!(
                m.contains("Begoña Ibáñez Muñoz") && m.contains("Ya agradecido"),
                "{m}"
            ),
            other => panic!("a second thank-you in the period must be refused: {other:?}"),
        }
        let r = s.loyalty_review(today()).unwrap();
        assert_eq!(r.thanked_this_period, 1);
        assert_eq!(
            r.ranked
                .iter()
                .find(|c| c.client_id == begona)
                .unwrap()
                .exclusion,
            Some(Exclusion::AlreadyThanked)
        );
        // The next quarter, she can be thanked again.
        let next = NaiveDate::from_ymd_opt(2027, 1, 10).unwrap();
        assert_eq!(
            s.issue_thanks(&[begona], "", next, now(), &mut |_| Ok(()))
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn a_batch_with_one_refused_client_issues_nothing() {
        let s = store();
        let a = loyal(&s, "Begoña", "Ibáñez Muñoz", 20, &["Ñoño"]);
        let once = loyal(&s, "Ana", "Una Vez", 1, &["Max"]);
        assert!(matches!(
            s.issue_thanks(&[a, once], "", today(), now(), &mut |_| Ok(())),
            Err(StoreError::Refused(_))
        ));
        assert_eq!(
            s.loyalty_review(today()).unwrap().thanked_this_period,
            0,
            "all or none"
        );
    }

    #[test]
    fn nothing_is_recorded_when_the_letters_cannot_be_written() {
        let s = store();
        let a = loyal(&s, "Begoña", "Ibáñez Muñoz", 20, &["Ñoño"]);
        let r = s.issue_thanks(&[a], "", today(), now(), &mut |_| Err("disco lleno".into()));
        assert!(matches!(r, Err(StoreError::Refused(m)) if m == "disco lleno"));
        assert_eq!(s.loyalty_review(today()).unwrap().thanked_this_period, 0);
    }

    #[test]
    fn condolences_and_birthdays() {
        let s = store();
        let c = client(&s, "Begoña", "Ibáñez", "612 345 678");
        let consent = ClientForm {
            id: Some(c.id),
            first_name: "Begoña".into(),
            surnames: "Ibáñez".into(),
            phone1: "612 345 678".into(),
            preferred_channel: "telefono".into(),
            consent_commercial: true,
            ..Default::default()
        };
        s.save_client(&consent, now()).unwrap();
        let f = PetForm {
            client_id: Some(c.id),
            name: "Ñoño".into(),
            species: "perro".into(),
            birth_date: "28/11/2019".into(),
            ..Default::default()
        };
        let nono = s.save_pet(&f, &at()).unwrap();
        let b = s.birthdays(today(), 7).unwrap();
        assert_eq!((b.len(), b[0].age), (1, 7), "Ñoño turns 7 on 28/11");
        let coupon = s.issue_coupon(nono.id, today(), now()).unwrap();
        assert!(
            coupon.message.contains("Ñoño") && coupon.message.contains(&coupon.code),
            "{}",
            coupon.message
        );
        assert_eq!(
            s.issue_coupon(nono.id, today(), now()).unwrap().code,
            coupon.code,
            "one coupon per birthday"
        );
        assert_eq!(
            s.birthdays(today(), 7).unwrap()[0].coupon.as_deref(),
            Some(coupon.code.as_str())
        );

        // Ñoño dies: no birthday greeting, the coupon is cancelled, a condolence is offered.
        let mut dead = f.clone();
        dead.id = Some(nono.id);
        dead.deceased = true;
        s.save_pet(&dead, &at()).unwrap();
        assert!(
            s.birthdays(today(), 7).unwrap().is_empty(),
            "never for a deceased pet"
        );
        assert_eq!(s.coupon(&coupon.code).unwrap().status, "cancelado");
        assert!(matches!(
            s.redeem_coupon(&coupon.code, today(), now()),
            Err(StoreError::Invalid(_))
        ));
        let draft = s.condolence_draft(nono.id).unwrap();
        assert!(draft.body.contains("Ñoño"), "{}", draft.body);
        s.record_condolence(nono.id, &draft.body, true, now())
            .unwrap();
    }

    #[test]
    fn no_coupon_without_commercial_consent() {
        let s = store();
        let c = client(&s, "Luis", "Sin Permiso", "612 345 678");
        let f = PetForm {
            client_id: Some(c.id),
            name: "Rayo".into(),
            species: "perro".into(),
            birth_date: "27/11/2020".into(),
            ..Default::default()
        };
        let p = s.save_pet(&f, &at()).unwrap();
        assert!(s.birthdays(today(), 7).unwrap().is_empty());
        assert!(matches!(
            s.issue_coupon(p.id, today(), now()),
            Err(StoreError::Invalid(_))
        ));
    }

    #[test]
    fn names_are_joined_in_each_language() {
        let n = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            join_names(&n(&["Ñoño", "Pío", "Kira"]), Lang::Es),
            "Ñoño, Pío y Kira"
        );
        assert_eq!(join_names(&n(&["Ñoño", "Pío"]), Lang::En), "Ñoño and Pío");
    }
}
