//! The `letters` table: thank-you letters (at most one per client and review period, also
//! enforced by a unique index) and condolence letters, as issued.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use fidelia_core::loyalty::Tier;
use fidelia_core::{ClientId, PetId};
use rusqlite::params;

use crate::{ts, Db, Result};

/// The clients thanked in a review period (`"2026-T4"`).
pub fn thanked_in(db: &Db, period: &str) -> Result<HashSet<ClientId>> {
    let mut st = db.conn().prepare_cached(
        "SELECT client_id FROM letters WHERE kind = 'agradecimiento' AND period = ?1",
    )?;
    let ids = st
        .query_map([period], |r| r.get(0).map(ClientId))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Records a printed thank-you letter; returns its id.
pub fn insert_thanks(
    db: &Db,
    client: ClientId,
    period: &str,
    tier: Tier,
    score: i64,
    body: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let conn = db.conn();
    conn.execute(
        "INSERT INTO letters (kind, client_id, period, tier, score, body, printed, created_at) VALUES ('agradecimiento', ?1, ?2, ?3, ?4, ?5, 1, ?6)",
        params![client.0, period, tier.as_str(), score, body, ts(now)],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Records a condolence letter (printed or not); returns its id.
pub fn insert_condolence(
    db: &Db,
    client: ClientId,
    pet: PetId,
    body: &str,
    printed: bool,
    now: DateTime<Utc>,
) -> Result<i64> {
    let conn = db.conn();
    conn.execute(
        "INSERT INTO letters (kind, client_id, pet_id, body, printed, created_at) VALUES ('condolencia', ?1, ?2, ?3, ?4, ?5)",
        params![client.0, pet.0, body, printed, ts(now)],
    )?;
    Ok(conn.last_insert_rowid())
}
