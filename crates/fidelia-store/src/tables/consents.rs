//! The `consent_changes` table: every change of a client's consents (care reminders,
//! commercial messages), with when, how the client said so, and who recorded it.

use chrono::{DateTime, Utc};
use fidelia_core::{ClientId, ConsentHow, StaffId};
use rusqlite::params;
use serde::Serialize;

use crate::{parse_ts, ts, word, Db, Result};

/// One change, as the client page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentChange {
    /// `cuidado` (care reminders) or `comercial` (birthday coupons, offers).
    pub consent: String,
    pub given: bool,
    pub how: ConsentHow,
    pub staff_name: Option<String>,
    pub at: DateTime<Utc>,
}

pub fn insert(
    db: &Db,
    client: ClientId,
    consent: &str,
    given: bool,
    how: ConsentHow,
    staff: Option<StaffId>,
    at: DateTime<Utc>,
) -> Result<()> {
    db.conn()
        .prepare_cached(
            "INSERT INTO consent_changes (client_id, consent, given, how, staff_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![client.0, consent, given, how.as_str(), staff.map(|s| s.0), ts(at)])?;
    Ok(())
}

/// A client's consent changes, newest first.
pub fn of_client(db: &Db, client: ClientId) -> Result<Vec<ConsentChange>> {
    let mut st = db.conn().prepare_cached(
        "SELECT k.consent, k.given, k.how, s.name, k.at FROM consent_changes k LEFT JOIN staff s ON s.id = k.staff_id
         WHERE k.client_id = ?1 ORDER BY k.at DESC, k.id DESC",
    )?;
    let rows = st
        .query_map([client.0], |r| {
            Ok(ConsentChange {
                consent: r.get(0)?,
                given: r.get(1)?,
                how: word(r.get(2)?, ConsentHow::parse)?,
                staff_name: r.get(3)?,
                at: parse_ts(&r.get::<_, String>(4)?)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
