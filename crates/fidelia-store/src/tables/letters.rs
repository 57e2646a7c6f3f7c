//! The `letters` table: thank-you letters (at most one per client and review period, also
//! enforced by a unique index) and condolence letters, as issued. Written once for both
//! engines ([`crate::sql`]).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use fidelia_core::loyalty::Tier;
use fidelia_core::{ClientId, PetId};

use crate::{ts, vals, Db, Result};

/// The clients thanked in a review period (`"2026-T4"`).
pub fn thanked_in(db: &Db, period: &str) -> Result<HashSet<ClientId>> {
    db.map_rows(
        "SELECT client_id FROM letters WHERE kind = 'agradecimiento' AND period = ?1",
        &vals![period],
        |r| Ok(ClientId(r.get(0)?)),
    )
    .map(|ids| ids.into_iter().collect())
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
    db.insert(
        "INSERT INTO letters (kind, client_id, period, tier, score, body, printed, created_at) VALUES ('agradecimiento', ?1, ?2, ?3, ?4, ?5, 1, ?6)",
        &vals![client.0, period, tier.as_str(), score, body, ts(now)],
    )
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
    db.insert(
        "INSERT INTO letters (kind, client_id, pet_id, body, printed, created_at) VALUES ('condolencia', ?1, ?2, ?3, ?4, ?5)",
        &vals![client.0, pet.0, body, printed, ts(now)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    /// A client and one of its pets.
    fn client_and_pet(db: &Db, name: &str) -> (ClientId, PetId) {
        let at = "2026-01-01T00:00:00Z";
        let client = db
            .insert(
                "INSERT INTO clients (first_name, surnames, preferred_channel, consent_care, consent_commercial, created_at, updated_at) VALUES (?1, 'Ruiz', 'telefono', 1, 1, ?2, ?2)",
                &vals![name, at],
            )
            .unwrap();
        let pet = db
            .insert(
                "INSERT INTO pets (client_id, name, species, sex, created_at, updated_at) VALUES (?1, 'Lur', 'perro', 'macho', ?2, ?2)",
                &vals![client, at],
            )
            .unwrap();
        (ClientId(client), PetId(pet))
    }

    /// kind, client, pet, period, tier, score, body, printed, created_at of a letter.
    type Stored = (
        String,
        i64,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<i64>,
        String,
        bool,
        String,
    );

    fn stored(db: &Db, id: i64) -> Stored {
        let r = db
            .row(
                "SELECT kind, client_id, pet_id, period, tier, score, body, printed, created_at FROM letters WHERE id = ?1",
                &vals![id],
            )
            .unwrap()
            .expect("the letter is there");
        (
            r.get(0).unwrap(),
            r.get(1).unwrap(),
            r.get(2).unwrap(),
            r.get(3).unwrap(),
            r.get(4).unwrap(),
            r.get(5).unwrap(),
            r.get(6).unwrap(),
            r.get(7).unwrap(),
            r.get(8).unwrap(),
        )
    }

    #[test]
    fn letters_are_recorded_and_a_client_is_thanked_once_a_period() {
        on_each_engine(|db| {
            let now = "2026-12-06T10:30:00Z".parse::<DateTime<Utc>>().unwrap();
            let (ana, ana_pet) = client_and_pet(db, "Ana");
            let (luis, _) = client_and_pet(db, "Luis");
            assert!(thanked_in(db, "2026-T4").unwrap().is_empty());

            let a = insert_thanks(db, ana, "2026-T4", Tier::Gold, 87, "Gracias, Ana", now).unwrap();
            let b = insert_thanks(db, luis, "2026-T4", Tier::Bronze, 12, "Gracias", now).unwrap();
            let c = insert_thanks(db, luis, "2026-T3", Tier::Silver, 40, "Gracias", now).unwrap();
            assert_ne!(a, b);
            assert_eq!(
                stored(db, a),
                (
                    "agradecimiento".into(),
                    ana.0,
                    None,
                    Some("2026-T4".into()),
                    Some("oro".into()),
                    Some(87),
                    "Gracias, Ana".into(),
                    true,
                    "2026-12-06T10:30:00Z".into()
                )
            );
            assert_eq!(stored(db, c).4.as_deref(), Some("plata"));
            assert_eq!(
                thanked_in(db, "2026-T4").unwrap(),
                HashSet::from([ana, luis])
            );
            assert_eq!(thanked_in(db, "2026-T3").unwrap(), HashSet::from([luis]));

            // Condolences: not thanks, printed or not, many for one client.
            let d = insert_condolence(db, ana, ana_pet, "Lo sentimos", false, now).unwrap();
            let e = insert_condolence(db, ana, ana_pet, "Lo sentimos", true, now).unwrap();
            assert_ne!(d, e);
            assert_eq!(
                stored(db, d),
                (
                    "condolencia".into(),
                    ana.0,
                    Some(ana_pet.0),
                    None,
                    None,
                    None,
                    "Lo sentimos".into(),
                    false,
                    "2026-12-06T10:30:00Z".into()
                )
            );
            assert!(stored(db, e).7, "printed");
            assert_eq!(
                thanked_in(db, "2026-T4").unwrap(),
                HashSet::from([ana, luis])
            );

            // Never thanked twice in one period (last: PostgreSQL ends the transaction here).
            assert!(insert_thanks(db, ana, "2026-T4", Tier::Gold, 90, "Otra vez", now).is_err());
        });
    }
}
