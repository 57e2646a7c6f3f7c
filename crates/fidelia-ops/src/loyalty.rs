//! Loyalty: the review of the most loyal clients, and pets' birthdays with their coupons.
//! (The letters themselves: [`crate::letters`].)

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use fidelia_core::i18n::t;
use fidelia_core::loyalty::*;
use fidelia_core::template::fill;
use fidelia_core::*;
use fidelia_store::tables::coupons::{self, Coupon, NewCoupon};
use fidelia_store::tables::{clients, letters, messages, pets, settings};
use fidelia_store::{Db, Result, StoreError};
use serde::Serialize;

use crate::messages::{fill_message, note_unfilled};
use crate::Clinic;

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

/// The loyalty score looks at the last 24 months.
pub(crate) fn history_since(today: NaiveDate) -> DateTime<Utc> {
    (today - Duration::days(730))
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
}

impl Clinic {
    pub fn loyalty_review(&self, today: NaiveDate) -> Result<Review> {
        let (rules, thanked, histories) = self.store.read(|db| {
            let rules = settings::read(db)?.loyalty;
            let period = period_of(today, rules.period_months);
            Ok::<_, StoreError>((
                rules,
                letters::thanked_in(db, &period.key)?,
                clients::histories(db, history_since(today))?,
            ))
        })?;
        let period = period_of(today, rules.period_months);
        let mut ranked = Vec::new();
        let mut apart = Vec::new();
        for h in histories {
            let c = assess(&h, today, &rules, thanked.contains(&h.client_id));
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

    /// The clients of the current review who can be thanked now, best first; with `only`, the
    /// clients of those tiers only.
    pub fn to_thank(&self, today: NaiveDate, only: &[Tier]) -> Result<Vec<Candidate>> {
        Ok(self
            .loyalty_review(today)?
            .ranked
            .into_iter()
            .filter(|c| c.exclusion.is_none() && (only.is_empty() || only.contains(&c.tier)))
            .collect())
    }

    /// Living pets whose birthday falls in the next `days` days, of clients who accepted
    /// commercial messages, with the coupon already given for that birthday if any.
    pub fn birthdays(&self, today: NaiveDate, days: i64) -> Result<Vec<Birthday>> {
        self.store.read(|db| {
            let mut out = Vec::new();
            let coming: Vec<NaiveDate> = (0..days).map(|d| today + Duration::days(d)).collect();
            for p in pets::birthday_candidates(db, &coming)? {
                if !birthday_within(p.birth_date, today, days) {
                    continue;
                }
                let bday = next_birthday(p.birth_date, today);
                let coupon = coupons::for_birthday(db, p.pet_id, bday)?;
                out.push(Birthday {
                    pet_id: p.pet_id,
                    pet_name: p.pet_name,
                    client_id: p.client_id,
                    client_name: p.client_name,
                    birthday: bday,
                    age: bday
                        .years_since(p.birth_date)
                        .map(|y| y as i32)
                        .unwrap_or(0),
                    coupon_redeemed: coupon.as_ref().is_some_and(|c| c.1),
                    coupon: coupon.map(|c| c.0),
                });
            }
            out.sort_by_key(|b| (b.birthday, b.pet_name.clone()));
            Ok(out)
        })
    }

    /// Gives a pet its birthday greeting with a unique coupon (once per birthday). Only for a
    /// living pet whose owner accepted commercial messages.
    pub fn issue_coupon(&self, pet: PetId, today: NaiveDate, now: DateTime<Utc>) -> Result<Coupon> {
        self.store.write(|db| give_coupon(db, pet, today, now))
    }

    /// Prepares today's birthday greetings, each with its coupon: for living pets whose owner
    /// accepted commercial messages (never without: the consent is checked here and in
    /// [`give_coupon`]) and wants messages, on the birthday or, when the clinic is closed that
    /// day, on the opening day before. Once per birthday. Returns how many were prepared.
    pub fn prepare_birthday_messages<Tz: TimeZone>(&self, at: &ClinicTime<Tz>) -> Result<usize> {
        let today = at.today();
        self.store.write(|db| {
            let s = settings::read(db)?;
            let hours = s.hours();
            let mut prepared = 0;
            // Greeted today: today's birthdays, and those of the closed days up to the next
            // opening (Saturday greets Sunday's).
            let until = hours.next_opening_day(today).unwrap_or(today);
            let days: Vec<NaiveDate> = (0..(until - today).num_days().max(1))
                .map(|d| today + Duration::days(d))
                .collect();
            // Today's to greet, with their clients and items read at once.
            let mut due = Vec::new();
            for p in pets::birthday_candidates(db, &days)? {
                // Today's birthday, or one in the coming days whose day the clinic is closed.
                if !birthday_within(p.birth_date, today, 7) {
                    continue;
                }
                let bday = next_birthday(p.birth_date, today);
                let send_on = if hours.opens_on(bday) {
                    Some(bday)
                } else {
                    hours.previous_opening_day(bday)
                };
                if send_on == Some(today) {
                    due.push((format!("{BIRTHDAY}:{}:{bday}", p.pet_id.0), bday, p));
                }
            }
            let people = clients::get_many(
                db,
                &due.iter().map(|(_, _, p)| p.client_id).collect::<Vec<_>>(),
            )?;
            let greeted = messages::items_among(
                db,
                &due.iter().map(|(k, _, _)| k.clone()).collect::<Vec<_>>(),
            )?;
            for (key, bday, p) in due {
                let client = people.get(&p.client_id).ok_or(StoreError::NotFound)?;
                if greeted.contains(&key)
                    || !client.data.consent_commercial
                    || client.data.preferred_channel == Channel::None
                {
                    continue;
                }
                let coupon = give_coupon(db, p.pet_id, today, at.now)?;
                let age = bday.years_since(p.birth_date).unwrap_or(0);
                let filled = fill_message(
                    &s,
                    BIRTHDAY,
                    client,
                    &[
                        ("mascota", &p.pet_name),
                        ("edad", &age_words(age, s.language)),
                        ("cupon", &coupon.code),
                        ("descuento", &format!("{} %", coupon.percent)),
                        ("caduca", &format::date_short(coupon.expires_on)),
                    ],
                );
                let id = messages::insert(db, client.id, BIRTHDAY, today, &filled.text, at.now)?;
                note_unfilled(db, id, &s, &filled)?;
                messages::add_item(db, &key, id, Some(p.pet_id), bday)?;
                prepared += 1;
            }
            Ok(prepared)
        })
    }

    pub fn coupon(&self, code: &str) -> Result<Coupon> {
        self.store.read(|db| coupons::get(db, code))
    }

    /// Marks a coupon as redeemed (once; not after it expired or was cancelled).
    pub fn redeem_coupon(
        &self,
        code: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Coupon> {
        self.store.write(|db| {
            let c = coupons::get(db, code)?;
            // Checked and marked in one transaction, and marked only if still issued: two
            // desks redeeming the same coupon at once cannot both succeed.
            if c.expires_on < today || !coupons::redeem(db, &c.code, now)? {
                return Err(Invalid::single("code", "err.coupon_not_valid").into());
            }
            coupons::get(db, &c.code)
        })
    }
}

const BIRTHDAY: &str = "cumpleanos";

/// The coupon for a pet's next birthday, given once (the same one when asked again).
fn give_coupon(db: &Db, pet: PetId, today: NaiveDate, now: DateTime<Utc>) -> Result<Coupon> {
    let p = pets::get(db, pet)?;
    let c = clients::get(db, p.data.client_id)?;
    if p.data.deceased {
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
    if let Some((existing, _)) = coupons::for_birthday(db, pet, bday)? {
        return coupons::get(db, &existing);
    }
    let s = settings::read(db)?;
    let expires = today + Duration::days(s.loyalty.coupon_days as i64);
    let code = coupon_code(coupons::next_number(db)? as u64 + 7919 * pet.0 as u64);
    let message = fill(
        &t(s.language, "coupon.message_default"),
        &[
            ("mascota", &p.data.name),
            ("nombre", &c.data.first_name),
            ("clinica", &s.clinic_name),
            ("descuento", &s.loyalty.coupon_percent.to_string()),
            ("codigo", &code),
            ("caduca", &format::date_short(expires)),
        ],
    )
    .text;
    coupons::insert(
        db,
        &NewCoupon {
            code: &code,
            pet,
            client: c.id,
            birthday: bday,
            percent: s.loyalty.coupon_percent as i64,
            expires_on: expires,
            message: &message,
        },
        now,
    )?;
    coupons::get(db, &code)
}

/// "1 año", "3 años" (the {edad} of a birthday greeting).
fn age_words(age: u32, lang: Lang) -> String {
    let key = if age == 1 {
        "birthday.year_one"
    } else {
        "birthday.years"
    };
    t(lang, key).replace("{n}", &age.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    /// Two desks redeem the same coupon at the same moment, each on its own connection (issue
    /// 13, defect 9): exactly one succeeds, the other is told the coupon is not valid.
    #[test]
    fn a_coupon_is_redeemed_once_even_by_two_desks_at_once() {
        let dir = crate::test_util::temp_folder("coupon");
        let s = Clinic::open(&dir.join("clinic.sqlite3")).unwrap();
        let c = client(&s, "Begoña", "Ibáñez", "612 345 678");
        s.save_client(
            &ClientForm {
                id: Some(c.id),
                first_name: "Begoña".into(),
                surnames: "Ibáñez".into(),
                phone1: "612 345 678".into(),
                preferred_channel: "telefono".into(),
                consent_commercial: true,
                ..Default::default()
            },
            now(),
        )
        .unwrap();
        let nono = s
            .save_pet(
                &PetForm {
                    client_id: Some(c.id),
                    name: "Ñoño".into(),
                    species: "perro".into(),
                    birth_date: "28/11/2019".into(),
                    ..Default::default()
                },
                &at(),
            )
            .unwrap();
        let code = s.issue_coupon(nono.id, at().today(), now()).unwrap().code;
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let desks: Vec<_> = (0..2)
            .map(|_| {
                let (desk, barrier, code) = (s.worker().unwrap(), barrier.clone(), code.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    desk.redeem_coupon(&code, at().today(), now()).is_ok()
                })
            })
            .collect();
        let ok: Vec<bool> = desks.into_iter().map(|d| d.join().unwrap()).collect();
        assert_eq!(ok.iter().filter(|x| **x).count(), 1, "{ok:?}");
        assert_eq!(s.coupon(&code).unwrap().status, "canjeado");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
