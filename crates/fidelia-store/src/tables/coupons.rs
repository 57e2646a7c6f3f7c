//! The `coupons` table: birthday greetings with a unique discount code (one per pet and
//! birthday, also enforced by a unique index). Written once for both engines ([`crate::sql`]).

use chrono::{DateTime, NaiveDate, Utc};
use fidelia_core::{ClientId, PetId};
use serde::Serialize;

use crate::{day, parse_day, ts, vals, Db, Result, StoreError};

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

/// A coupon to insert.
pub struct NewCoupon<'a> {
    pub code: &'a str,
    pub pet: PetId,
    pub client: ClientId,
    pub birthday: NaiveDate,
    pub percent: i64,
    pub expires_on: NaiveDate,
    pub message: &'a str,
}

/// The code, and whether it was redeemed, of the coupon given for a pet's birthday.
pub fn for_birthday(db: &Db, pet: PetId, birthday: NaiveDate) -> Result<Option<(String, bool)>> {
    db.row(
        "SELECT code, status = 'canjeado' FROM coupons WHERE pet_id = ?1 AND birthday = ?2",
        &vals![pet.0, day(birthday)],
    )?
    .map(|r| Ok((r.get(0)?, r.get(1)?)))
    .transpose()
}

/// A number never used by a coupon before (for making its code).
pub fn next_number(db: &Db) -> Result<i64> {
    db.value("SELECT COALESCE(max(id), 0) + 1 FROM coupons", &[])
}

pub fn insert(db: &Db, c: &NewCoupon, now: DateTime<Utc>) -> Result<()> {
    db.execute(
        "INSERT INTO coupons (code, pet_id, client_id, birthday, percent, expires_on, message, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &vals![c.code, c.pet.0, c.client.0, day(c.birthday), c.percent, day(c.expires_on), c.message, ts(now)],
    )?;
    Ok(())
}

/// The coupon with this code (any case, spaces around ignored).
pub fn get(db: &Db, code: &str) -> Result<Coupon> {
    let r = db
        .row(
            "SELECT k.code, k.pet_id, p.name, c.first_name || ' ' || c.surnames, k.percent, k.expires_on, k.message, k.status
             FROM coupons k JOIN pets p ON p.id = k.pet_id JOIN clients c ON c.id = k.client_id WHERE k.code = ?1",
            &vals![code.trim().to_uppercase()],
        )?
        .ok_or(StoreError::NotFound)?;
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
}

/// Marks an issued coupon as redeemed; `false` when it was not (any longer) issued: redeemed
/// meanwhile, or cancelled.
pub fn redeem(db: &Db, code: &str, now: DateTime<Utc>) -> Result<bool> {
    let n = db.execute(
        "UPDATE coupons SET status = 'canjeado', redeemed_at = ?2 WHERE code = ?1 AND status = 'emitido'",
        &vals![code, ts(now)],
    )?;
    Ok(n == 1)
}

/// Cancels a pet's unused coupons.
pub fn cancel_unused_of_pet(db: &Db, pet: PetId) -> Result<()> {
    db.execute(
        "UPDATE coupons SET status = 'cancelado' WHERE pet_id = ?1 AND status = 'emitido'",
        &vals![pet.0],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    /// A client (Marta Gil) and her pet (Lur).
    fn client_and_pet(db: &Db) -> (ClientId, PetId) {
        let at = "2026-01-01T00:00:00Z";
        let client = db
            .insert(
                "INSERT INTO clients (first_name, surnames, preferred_channel, consent_care, consent_commercial, created_at, updated_at) VALUES ('Marta', 'Gil', 'telefono', 1, 1, ?1, ?1)",
                &vals![at],
            )
            .unwrap();
        let pet = db
            .insert(
                "INSERT INTO pets (client_id, name, species, sex, created_at, updated_at) VALUES (?1, 'Lur', 'gato', 'hembra', ?2, ?2)",
                &vals![client, at],
            )
            .unwrap();
        (ClientId(client), PetId(pet))
    }

    #[test]
    fn coupons_are_given_read_redeemed_and_cancelled() {
        on_each_engine(|db| {
            let now = "2026-12-06T10:30:00Z".parse::<DateTime<Utc>>().unwrap();
            let (client, pet) = client_and_pet(db);
            let bday = date("2027-01-15");
            assert_eq!(next_number(db).unwrap(), 1, "no coupon yet");
            assert_eq!(for_birthday(db, pet, bday).unwrap(), None);

            let new = |code, birthday| NewCoupon {
                code,
                pet,
                client,
                birthday,
                percent: 15,
                expires_on: date("2027-02-14"),
                message: "¡Feliz cumpleaños, Lur!",
            };
            insert(db, &new("CUMPLE-AB12", bday), now).unwrap();
            let id: i64 = db
                .row("SELECT id FROM coupons WHERE code = 'CUMPLE-AB12'", &[])
                .unwrap()
                .unwrap()
                .get(0)
                .unwrap();
            assert_eq!(next_number(db).unwrap(), id + 1);
            assert_eq!(
                for_birthday(db, pet, bday).unwrap(),
                Some(("CUMPLE-AB12".into(), false))
            );
            assert_eq!(for_birthday(db, pet, date("2028-01-15")).unwrap(), None);

            // Any case, spaces around ignored.
            let c = get(db, "  cumple-ab12 ").unwrap();
            assert_eq!(c.code, "CUMPLE-AB12");
            assert_eq!(c.pet_id, pet);
            assert_eq!(c.pet_name, "Lur");
            assert_eq!(c.client_name, "Marta Gil");
            assert_eq!(c.percent, 15);
            assert_eq!(c.expires_on, date("2027-02-14"));
            assert_eq!(c.message, "¡Feliz cumpleaños, Lur!");
            assert_eq!(c.status, "emitido");
            assert!(matches!(get(db, "NADA-0000"), Err(StoreError::NotFound)));

            // Redeemed once.
            assert!(redeem(db, "CUMPLE-AB12", now).unwrap());
            assert!(!redeem(db, "CUMPLE-AB12", now).unwrap(), "already redeemed");
            assert!(!redeem(db, "NADA-0000", now).unwrap());
            assert_eq!(get(db, "CUMPLE-AB12").unwrap().status, "canjeado");
            assert_eq!(
                for_birthday(db, pet, bday).unwrap(),
                Some(("CUMPLE-AB12".into(), true))
            );
            let redeemed_at: Option<String> = db
                .row("SELECT redeemed_at FROM coupons WHERE id = ?1", &vals![id])
                .unwrap()
                .unwrap()
                .get(0)
                .unwrap();
            assert_eq!(redeemed_at.as_deref(), Some("2026-12-06T10:30:00Z"));

            // The pet's unused coupons cancelled; the redeemed one stays so.
            insert(db, &new("CUMPLE-CD34", date("2028-01-15")), now).unwrap();
            cancel_unused_of_pet(db, pet).unwrap();
            assert_eq!(get(db, "CUMPLE-CD34").unwrap().status, "cancelado");
            assert_eq!(get(db, "CUMPLE-AB12").unwrap().status, "canjeado");
            assert!(!redeem(db, "CUMPLE-CD34", now).unwrap(), "cancelled");
            assert_eq!(
                for_birthday(db, pet, date("2028-01-15")).unwrap(),
                Some(("CUMPLE-CD34".into(), false))
            );

            // One coupon per pet and birthday (last: PostgreSQL ends the transaction here).
            assert!(insert(db, &new("CUMPLE-EF56", bday), now).is_err());
        });
    }

    #[test]
    fn a_code_is_unique() {
        on_each_engine(|db| {
            let now = "2026-12-06T10:30:00Z".parse::<DateTime<Utc>>().unwrap();
            let (client, pet) = client_and_pet(db);
            let new = |birthday| NewCoupon {
                code: "CUMPLE-AB12",
                pet,
                client,
                birthday,
                percent: 10,
                expires_on: date("2027-02-14"),
                message: "",
            };
            insert(db, &new(date("2027-01-15")), now).unwrap();
            assert!(insert(db, &new(date("2028-01-15")), now).is_err());
        });
    }
}
