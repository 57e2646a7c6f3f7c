//! The `coupons` table: birthday greetings with a unique discount code (one per pet and
//! birthday, also enforced by a unique index).

use chrono::{DateTime, NaiveDate, Utc};
use fidelia_core::{ClientId, PetId};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::{day, found, parse_day, ts, Db, Result};

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
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT code, status = 'canjeado' FROM coupons WHERE pet_id = ?1 AND birthday = ?2",
        )?
        .query_row(params![pet.0, day(birthday)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// A number never used by a coupon before (for making its code).
pub fn next_number(db: &Db) -> Result<i64> {
    Ok(db
        .conn()
        .query_row("SELECT coalesce(max(id), 0) + 1 FROM coupons", [], |r| {
            r.get(0)
        })?)
}

pub fn insert(db: &Db, c: &NewCoupon, now: DateTime<Utc>) -> Result<()> {
    db.conn().execute(
        "INSERT INTO coupons (code, pet_id, client_id, birthday, percent, expires_on, message, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![c.code, c.pet.0, c.client.0, day(c.birthday), c.percent, day(c.expires_on), c.message, ts(now)],
    )?;
    Ok(())
}

/// The coupon with this code (any case, spaces around ignored).
pub fn get(db: &Db, code: &str) -> Result<Coupon> {
    found(db.conn().query_row(
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

/// Marks an issued coupon as redeemed; `false` when it was not (any longer) issued: redeemed
/// meanwhile, or cancelled.
pub fn redeem(db: &Db, code: &str, now: DateTime<Utc>) -> Result<bool> {
    let n = db.conn().execute(
        "UPDATE coupons SET status = 'canjeado', redeemed_at = ?2 WHERE code = ?1 AND status = 'emitido'",
        params![code, ts(now)],
    )?;
    Ok(n == 1)
}

/// Cancels a pet's unused coupons.
pub fn cancel_unused_of_pet(db: &Db, pet: PetId) -> Result<()> {
    db.conn().execute(
        "UPDATE coupons SET status = 'cancelado' WHERE pet_id = ?1 AND status = 'emitido'",
        [pet.0],
    )?;
    Ok(())
}
