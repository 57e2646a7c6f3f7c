//! The `preventive_treatments` table: vaccines and dewormings applied, with their next due date
//! (written once for both engines: [`crate::sql`]).

use chrono::NaiveDate;
use fidelia_core::PetId;

use crate::sql::Row;
use crate::{day, vals, Db, Result};

/// A treatment's stored values: pet, kind, product, applied on, next due on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Treatment {
    pub pet: PetId,
    pub kind: String,
    pub product: String,
    pub applied_on: NaiveDate,
    pub next_due_on: Option<NaiveDate>,
}

/// The treatment imported with this source id: its id, whether it was entered by hand, and
/// its values.
pub fn by_source_id(db: &Db, sid: &str) -> Result<Option<(i64, bool, Treatment)>> {
    db.row(
        "SELECT id, origin = 'manual', pet_id, kind, product, applied_on, next_due_on
         FROM preventive_treatments WHERE source_id = ?1",
        &vals![sid],
    )?
    .map(|r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            Treatment {
                pet: PetId(r.get(2)?),
                kind: r.get(3)?,
                product: r.get(4)?,
                applied_on: crate::parse_day(r.get(5)?)?.unwrap_or_default(),
                next_due_on: crate::parse_day(r.get(6)?)?,
            },
        ))
    })
    .transpose()
}

/// Inserts a treatment read from an import; `check_on` as for [`insert`].
pub fn insert_imported(
    db: &Db,
    t: &Treatment,
    sid: &str,
    check_on: Option<NaiveDate>,
    now: &str,
) -> Result<()> {
    db.execute(
        "INSERT INTO preventive_treatments (pet_id, kind, product, applied_on, next_due_on, source_id, origin, imported_at, created_at, check_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'import', ?7, ?7, ?8)",
        &vals![t.pet.0, &t.kind, &t.product, day(t.applied_on), t.next_due_on.map(day), sid, now, check_on.map(day)],
    )?;
    supersede(db, t.pet, &t.kind)
}

/// Rewrites a treatment from an import; `check_on` as for [`insert`].
pub fn update_imported(
    db: &Db,
    id: i64,
    t: &Treatment,
    check_on: Option<NaiveDate>,
    now: &str,
) -> Result<()> {
    db.execute(
        "UPDATE preventive_treatments SET pet_id = ?2, kind = ?3, product = ?4, applied_on = ?5, next_due_on = ?6, imported_at = ?7, check_on = ?8 WHERE id = ?1",
        &vals![id, t.pet.0, &t.kind, &t.product, day(t.applied_on), t.next_due_on.map(day), now, check_on.map(day)],
    )?;
    supersede(db, t.pet, &t.kind)
}

/// Only the latest application of a pet's treatment is looked at for reminders: a newer one
/// replaces what the older one set.
fn supersede(db: &Db, pet: PetId, kind: &str) -> Result<()> {
    db.execute(
        "UPDATE preventive_treatments SET check_on = NULL
         WHERE pet_id = ?1 AND kind = ?2 AND check_on IS NOT NULL
           AND id <> (SELECT id FROM preventive_treatments WHERE pet_id = ?1 AND kind = ?2
                      ORDER BY applied_on DESC, id DESC LIMIT 1)",
        &vals![pet.0, kind],
    )?;
    Ok(())
}

/// Whether an application is the latest of its pet's treatment (the one that counts).
pub fn is_latest(db: &Db, id: i64, pet: PetId, kind: &str) -> Result<bool> {
    let latest: i64 = db.value(
        "SELECT id FROM preventive_treatments WHERE pet_id = ?1 AND kind = ?2
             ORDER BY applied_on DESC, id DESC LIMIT 1",
        &vals![pet.0, kind],
    )?;
    Ok(latest == id)
}

/// Sets (or clears) when an application is next looked at for reminders.
pub fn set_check(db: &Db, id: i64, check_on: Option<NaiveDate>) -> Result<()> {
    db.execute(
        "UPDATE preventive_treatments SET check_on = ?2 WHERE id = ?1",
        &vals![id, check_on.map(day)],
    )?;
    Ok(())
}

/// [`set_check`] for many applications in one statement (the last value given for an id is
/// the one kept).
pub fn set_checks(db: &Db, checks: &[(i64, Option<NaiveDate>)]) -> Result<()> {
    if checks.is_empty() {
        return Ok(());
    }
    let last: std::collections::BTreeMap<i64, Option<String>> =
        checks.iter().map(|(id, d)| (*id, d.map(day))).collect();
    let rows: Vec<(i64, Option<String>)> = last.into_iter().collect();
    db.execute(
        &format!(
            "UPDATE preventive_treatments SET check_on = j.check_on FROM ({}) AS j
             WHERE preventive_treatments.id = j.id",
            db.dialect()
                .json_rows("?1", &[("id", true), ("check_on", false)])
        ),
        &vals![serde_json::to_string(&rows)?],
    )?;
    Ok(())
}

/// Looks at the latest application of a pet's treatment again on `day` (its message was
/// withdrawn for another pet's sake: it needs one of its own).
pub fn check_again(db: &Db, pet: PetId, kind: &str, day_: NaiveDate) -> Result<()> {
    db.execute(
        "UPDATE preventive_treatments SET check_on = ?3
         WHERE id = (SELECT id FROM preventive_treatments WHERE pet_id = ?1 AND kind = ?2
                     ORDER BY applied_on DESC, id DESC LIMIT 1)
           AND next_due_on IS NOT NULL",
        &vals![pet.0, kind, day(day_)],
    )?;
    Ok(())
}

/// A deceased pet's applications are never looked at again.
pub fn stop_checks_of_pet(db: &Db, pet: PetId) -> Result<()> {
    db.execute(
        "UPDATE preventive_treatments SET check_on = NULL WHERE pet_id = ?1 AND check_on IS NOT NULL",
        &vals![pet.0],
    )?;
    Ok(())
}

/// Records an application entered in Fidelia; returns its id. `check_on` is the day its
/// reminders are first looked at (its first notice's day; `None` when it is not repeated); an
/// older application of the same treatment is no longer looked at.
pub fn insert(
    db: &Db,
    t: &Treatment,
    notes: &str,
    check_on: Option<NaiveDate>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64> {
    let id = db.insert(
        "INSERT INTO preventive_treatments (pet_id, kind, product, applied_on, next_due_on, notes, origin, created_at, check_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'manual', ?7, ?8)",
        &vals![t.pet.0, &t.kind, &t.product, day(t.applied_on), t.next_due_on.map(day), notes, crate::ts(now), check_on.map(day)],
    )?;
    supersede(db, t.pet, &t.kind)?;
    Ok(id)
}

/// A treatment falling due: the latest application of its kind for a living pet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Due {
    /// The application's id.
    pub id: i64,
    pub pet_id: PetId,
    pub pet_name: String,
    pub client_id: fidelia_core::ClientId,
    pub kind: String,
    pub product: String,
    pub applied_on: NaiveDate,
    pub due_on: NaiveDate,
}

/// Treatments due between `from` and `to` (inclusive), soonest first: for each living pet and
/// kind, only the latest application counts (a newer one replaces what the older one set).
pub fn due_between(db: &Db, from: NaiveDate, to: NaiveDate) -> Result<Vec<Due>> {
    db.map_rows("SELECT t.id, t.pet_id, p.name, p.client_id, t.kind, t.product, t.applied_on, t.next_due_on
         FROM preventive_treatments t JOIN pets p ON p.id = t.pet_id
         WHERE p.deceased = 0 AND t.next_due_on BETWEEN ?1 AND ?2
           AND NOT EXISTS (SELECT 1 FROM preventive_treatments n
                           WHERE n.pet_id = t.pet_id AND n.kind = t.kind
                             AND (n.applied_on > t.applied_on OR (n.applied_on = t.applied_on AND n.id > t.id)))
         ORDER BY t.next_due_on, p.name, t.id",
        &vals![day(from), day(to)], due_row)
}

/// Every application whose next dose fell due between `from` and `to`, those a newer one
/// replaced too, of living pets (the demo clinic's reminder history).
pub fn all_due_between(db: &Db, from: NaiveDate, to: NaiveDate) -> Result<Vec<Due>> {
    db.map_rows(
        &format!(
            "{DUE_SELECT} WHERE p.deceased = 0 AND t.next_due_on BETWEEN ?1 AND ?2
         ORDER BY t.next_due_on, t.id"
        ),
        &vals![day(from), day(to)],
        due_row,
    )
}

fn due_row(r: &Row) -> Result<Due> {
    Ok(Due {
        id: r.get(0)?,
        pet_id: PetId(r.get(1)?),
        pet_name: r.get(2)?,
        client_id: fidelia_core::ClientId(r.get(3)?),
        kind: r.get(4)?,
        product: r.get(5)?,
        applied_on: crate::parse_day(r.get(6)?)?.unwrap_or_default(),
        due_on: crate::parse_day(r.get(7)?)?.unwrap_or_default(),
    })
}

const DUE_SELECT: &str =
    "SELECT t.id, t.pet_id, p.name, p.client_id, t.kind, t.product, t.applied_on, t.next_due_on
                          FROM preventive_treatments t JOIN pets p ON p.id = t.pet_id";

/// The applications to look at on `today` (their next step's day has come), of living pets,
/// by client: what the morning's care reminders read, instead of every application.
pub fn to_check(db: &Db, today: NaiveDate) -> Result<Vec<Due>> {
    db.map_rows(
        &format!(
            "{DUE_SELECT} WHERE t.check_on <= ?1 AND t.next_due_on IS NOT NULL AND p.deceased = 0
         ORDER BY p.client_id, t.next_due_on, t.id"
        ),
        &vals![day(today)],
        due_row,
    )
}

/// A client's applications still looked at and falling due between `from` and `to`: what may
/// join a message the client gets today.
pub fn coming_of_client(
    db: &Db,
    client: fidelia_core::ClientId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Due>> {
    Ok(coming_of_clients(db, &[client], from, to)?
        .remove(&client)
        .unwrap_or_default())
}

/// [`coming_of_client`] for many clients in one statement, by client.
pub fn coming_of_clients(
    db: &Db,
    clients: &[fidelia_core::ClientId],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<std::collections::HashMap<fidelia_core::ClientId, Vec<Due>>> {
    if clients.is_empty() {
        return Ok(Default::default());
    }
    let ids: Vec<i64> = clients.iter().map(|c| c.0).collect();
    let mut out: std::collections::HashMap<_, Vec<Due>> = Default::default();
    for d in db.map_rows(
        &format!(
            "{DUE_SELECT} WHERE p.client_id IN ({}) AND p.deceased = 0 AND t.check_on IS NOT NULL
           AND t.next_due_on BETWEEN ?2 AND ?3
         ORDER BY p.client_id, t.next_due_on, t.id",
            db.dialect().json_ints("?1")
        ),
        &vals![serde_json::to_string(&ids)?, day(from), day(to)],
        due_row,
    )? {
        out.entry(d.client_id).or_default().push(d);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn applications_supersede_and_fall_due_on_each_engine() {
        on_each_engine(|db| {
            let (client, pet) = client_and_pet(db, "Ana");
            let now = "2026-12-01T10:00:00Z".parse().unwrap();
            let rabies = |applied: &str, next: &str| Treatment {
                pet,
                kind: "vacuna".into(),
                product: "Rabisin".into(),
                applied_on: date(applied),
                next_due_on: Some(date(next)),
            };
            let old = insert(
                db,
                &rabies("2025-01-10", "2026-01-10"),
                "",
                Some(date("2025-12-10")),
                now,
            )
            .unwrap();
            assert!(is_latest(db, old, pet, "vacuna").unwrap());
            let new = insert(
                db,
                &rabies("2026-01-12", "2027-01-12"),
                "lote 7",
                Some(date("2026-12-12")),
                now,
            )
            .unwrap();
            assert!(
                !is_latest(db, old, pet, "vacuna").unwrap()
                    && is_latest(db, new, pet, "vacuna").unwrap()
            );
            // Only the latest is looked at; both are in the history of what fell due.
            let ids = |v: Vec<Due>| v.into_iter().map(|x| x.id).collect::<Vec<_>>();
            assert_eq!(ids(to_check(db, date("2026-12-31")).unwrap()), [new]);
            assert_eq!(
                ids(due_between(db, date("2025-01-01"), date("2027-12-31")).unwrap()),
                [new]
            );
            assert_eq!(
                ids(all_due_between(db, date("2025-01-01"), date("2027-12-31")).unwrap()),
                [old, new]
            );
            let due = &due_between(db, date("2027-01-01"), date("2027-01-31")).unwrap()[0];
            assert_eq!(
                (due.pet_name.as_str(), due.client_id, due.due_on),
                ("Luna", client, date("2027-01-12"))
            );
            assert_eq!(
                ids(coming_of_client(db, client, date("2027-01-01"), date("2027-02-01")).unwrap()),
                [new]
            );

            set_check(db, new, None).unwrap();
            assert!(to_check(db, date("2026-12-31")).unwrap().is_empty());
            check_again(db, pet, "vacuna", date("2026-12-20")).unwrap();
            assert_eq!(ids(to_check(db, date("2026-12-20")).unwrap()), [new]);
            stop_checks_of_pet(db, pet).unwrap();
            assert!(to_check(db, date("2027-12-31")).unwrap().is_empty());

            // From an import: found by its source id, rewritten.
            assert_eq!(by_source_id(db, "T-1").unwrap(), None);
            let imported = rabies("2026-06-01", "2027-06-01");
            insert_imported(
                db,
                &imported,
                "T-1",
                Some(date("2027-05-01")),
                "2026-12-01T10:00:00Z",
            )
            .unwrap();
            let (id, manual, back) = by_source_id(db, "T-1").unwrap().unwrap();
            assert!(!manual);
            assert_eq!(back, imported);
            let moved = Treatment {
                next_due_on: None,
                ..imported
            };
            update_imported(db, id, &moved, None, "2026-12-02T10:00:00Z").unwrap();
            assert_eq!(by_source_id(db, "T-1").unwrap().unwrap().2, moved);
        });
    }
}
