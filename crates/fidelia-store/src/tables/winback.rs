//! The `winback_cases` table: clients handed to a staff member to win back, what each call
//! learned, and whether the client came back; and the lapsed list it starts from. Written once for both
//! engines ([`crate::sql`]).

use chrono::{DateTime, NaiveDate, Utc};
use fidelia_core::winback::{CaseData, CaseStatus};
use fidelia_core::{ClientId, StaffId};
use serde::Serialize;

use crate::sql::{Row, Value};
use crate::{day, parse_day, parse_opt_ts, parse_ts, ts, vals, word, Db, Result, StoreError};

/// A win-back case as the lists and the case screen show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    pub id: i64,
    pub client_id: ClientId,
    pub client_name: String,
    pub phone: String,
    pub staff_id: Option<StaffId>,
    pub staff_name: Option<String>,
    pub status: CaseStatus,
    pub reason: String,
    pub apology: bool,
    pub notes: String,
    pub next_date: Option<NaiveDate>,
    pub called_on: Option<NaiveDate>,
    pub reason_on: Option<NaiveDate>,
    pub recovered_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    /// The case's call still to make, if any.
    pub call_id: Option<i64>,
    /// One more at every save of the case (whoever makes it): the case card sends back the
    /// version it showed (`CaseForm::version`). Not moved by a return noticed later.
    pub version: i64,
}

const SELECT: &str = "SELECT w.id, w.client_id, c.first_name || ' ' || c.surnames,
                             CASE WHEN c.phone1 <> '' THEN c.phone1 ELSE c.phone2 END, w.staff_id, s.name,
                             w.status, w.reason, w.apology, w.notes, w.next_date, w.called_on, w.reason_on,
                             w.recovered_on, w.created_at,
                             (SELECT k.id FROM calls k WHERE k.item_key >= 'recuperacion:' || w.id || ':'
                                AND k.item_key < 'recuperacion:' || w.id || ';' AND k.status = 'pendiente'),
                             w.version
                      FROM winback_cases w JOIN clients c ON c.id = w.client_id
                      LEFT JOIN staff s ON s.id = w.staff_id";

fn from_row(r: &Row) -> Result<Case> {
    Ok(Case {
        id: r.get(0)?,
        client_id: ClientId(r.get(1)?),
        client_name: r.get(2)?,
        phone: r.get(3)?,
        staff_id: r.get::<Option<i64>>(4)?.map(StaffId),
        staff_name: r.get(5)?,
        status: word(r.get(6)?, CaseStatus::parse)?,
        reason: r.get(7)?,
        apology: r.get(8)?,
        notes: r.get(9)?,
        next_date: parse_day(r.get(10)?)?,
        called_on: parse_day(r.get(11)?)?,
        reason_on: parse_day(r.get(12)?)?,
        recovered_on: parse_day(r.get(13)?)?,
        created_at: parse_ts(&r.get::<String>(14)?)?,
        call_id: r.get(15)?,
        version: r.get(16)?,
    })
}

fn query(db: &Db, where_order: &str, args: &[Value]) -> Result<Vec<Case>> {
    db.map_rows(&format!("{SELECT} {where_order}"), args, from_row)
}

/// The first column of a statement's one row, if any (a row with a NULL there reads `None`).
fn one<T: crate::sql::FromValue>(db: &Db, sql: &str, args: &[Value]) -> Result<Option<T>> {
    Ok(db
        .row(sql, args)?
        .map(|r| r.get::<Option<T>>(0))
        .transpose()?
        .flatten())
}

pub fn get(db: &Db, id: i64) -> Result<Case> {
    query(db, "WHERE w.id = ?1", &vals![id])?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Every case, the ones still being worked on first, newest first.
pub fn all(db: &Db) -> Result<Vec<Case>> {
    query(
        db,
        "ORDER BY w.status IN ('por_llamar', 'no_contesta') DESC, w.created_at DESC, w.id DESC",
        &[],
    )
}

/// The client's case still open (to call, no answer), if any.
pub fn open_of_client(db: &Db, client: ClientId) -> Result<Option<i64>> {
    one(
        db,
        "SELECT id FROM winback_cases WHERE client_id = ?1 AND status IN ('por_llamar', 'no_contesta')",
        &vals![client.0],
    )
}

pub fn insert(
    db: &Db,
    client: ClientId,
    staff: Option<StaffId>,
    now: DateTime<Utc>,
) -> Result<i64> {
    db.insert(
        "INSERT INTO winback_cases (client_id, staff_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
        &vals![client.0, staff.map(|s| s.0), ts(now)],
    )
}

/// Records what a call learned; `reason_on` is kept from the first time the reason was given.
pub fn update(db: &Db, id: i64, d: &CaseData, today: NaiveDate, now: DateTime<Utc>) -> Result<()> {
    db.execute(
        "UPDATE winback_cases SET status = ?2, reason = ?3, apology = ?4, notes = ?5, next_date = ?6,
                reason_on = CASE WHEN ?3 = '' THEN NULL WHEN reason = ?3 AND reason_on IS NOT NULL THEN reason_on ELSE ?7 END,
                updated_at = ?8, version = version + 1
         WHERE id = ?1",
        &vals![id, d.status.as_str(), &d.reason, d.apology, &d.notes, d.next_date.map(day), day(today), ts(now)],
    )?;
    Ok(())
}

/// The day of the case's first call, once.
pub fn mark_called(db: &Db, id: i64, on: NaiveDate) -> Result<()> {
    db.execute(
        "UPDATE winback_cases SET called_on = ?2 WHERE id = ?1 AND called_on IS NULL",
        &vals![id, day(on)],
    )?;
    Ok(())
}

/// Cases called and not (yet) recovered: id, client, day of the call.
pub fn awaiting_return(db: &Db) -> Result<Vec<(i64, ClientId, NaiveDate)>> {
    db.map_rows("SELECT id, client_id, called_on FROM winback_cases WHERE called_on IS NOT NULL AND recovered_on IS NULL",
        &[], |r| {
        Ok((
            r.get(0)?,
            ClientId(r.get(1)?),
            parse_day(r.get(2)?)?.unwrap_or_default(),
        ))
    })
}

pub fn set_recovered(db: &Db, id: i64, on: NaiveDate, now: DateTime<Utc>) -> Result<()> {
    db.execute(
        "UPDATE winback_cases SET recovered_on = ?2, updated_at = ?3 WHERE id = ?1",
        &vals![id, day(on), ts(now)],
    )?;
    Ok(())
}

/// Reasons given between `from` and `to` (inclusive), with their cases.
pub fn with_reason_between(db: &Db, from: NaiveDate, to: NaiveDate) -> Result<Vec<Case>> {
    query(
        db,
        "WHERE w.reason <> '' AND w.reason_on BETWEEN ?1 AND ?2 ORDER BY w.reason_on DESC, w.id DESC",
        &vals![day(from), day(to)],
    )
}

/// A client whose last visit is older than the threshold, with what the lapsed list shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lapsed {
    pub client_id: ClientId,
    pub client_name: String,
    pub phone: String,
    /// Names of the living pets (all the pets when every one has died).
    pub pets: Vec<String>,
    /// Every pet has died: listed apart, never called as lost.
    pub all_deceased: bool,
    pub last_visit_at: DateTime<Utc>,
    pub last_visit_reason: String,
    pub visits: i64,
    pub spend_cents: i64,
    /// The last survey's recommendation and comment, if the client answered one.
    pub last_recommend: Option<i64>,
    pub last_comment: Option<String>,
    /// An open win-back case already.
    pub open_case: bool,
}

/// Clients last seen before `before` (newest lapses first), except those who objected to
/// being contacted (no care messages, or no messages at all).
pub fn lapsed(db: &Db, before: DateTime<Utc>) -> Result<Vec<Lapsed>> {
    // Each pet's last visit is kept on the pet (migration 0011's triggers); the totals are read
    // for the lapsed clients only.
    let d = db.dialect();
    let names = d.group_concat("pl.name", '\u{1f}');
    let split = |s: Option<String>| -> Vec<String> {
        s.map(|s| s.split('\u{1f}').map(str::to_owned).collect())
            .unwrap_or_default()
    };
    db.map_rows(&format!(
            "WITH client_last AS (
                 SELECT client_id, max(last_visit_at) AS last_at FROM pets
                 GROUP BY client_id HAVING max(last_visit_at) < ?1)
             SELECT c.id, c.first_name || ' ' || c.surnames, CASE WHEN c.phone1 <> '' THEN c.phone1 ELSE c.phone2 END,
                    (SELECT {names} FROM pets pl WHERE pl.client_id = c.id AND pl.deceased = 0),
                    (SELECT {names} FROM pets pl WHERE pl.client_id = c.id),
                    cl.last_at,
                    (SELECT v.reason FROM visits v JOIN pets p ON p.id = v.pet_id WHERE p.client_id = c.id AND v.at = cl.last_at LIMIT 1),
                    (SELECT count(*) FROM visits v JOIN pets p ON p.id = v.pet_id WHERE p.client_id = c.id),
                    (SELECT CAST(coalesce(sum(v.amount_cents), 0) AS BIGINT) FROM visits v JOIN pets p ON p.id = v.pet_id WHERE p.client_id = c.id),
                    (SELECT s.recommend FROM surveys s WHERE s.client_id = c.id AND s.answered_at IS NOT NULL ORDER BY s.answered_at DESC LIMIT 1),
                    (SELECT s.comment FROM surveys s WHERE s.client_id = c.id AND s.answered_at IS NOT NULL ORDER BY s.answered_at DESC LIMIT 1),
                    EXISTS (SELECT 1 FROM winback_cases w WHERE w.client_id = c.id AND w.status IN ('por_llamar', 'no_contesta'))
             FROM client_last cl JOIN clients c ON c.id = cl.client_id
             WHERE c.consent_care = 1 AND c.preferred_channel <> 'ninguno'
             ORDER BY cl.last_at DESC, c.id"
        ),
        &vals![ts(before)], |r| {
        let living = split(r.get(3)?);
        let all_deceased = living.is_empty();
        Ok(Lapsed {
            client_id: ClientId(r.get(0)?),
            client_name: r.get(1)?,
            phone: r.get(2)?,
            pets: if all_deceased {
                split(r.get(4)?)
            } else {
                living
            },
            all_deceased,
            last_visit_at: parse_ts(&r.get::<String>(5)?)?,
            last_visit_reason: r.get::<Option<String>>(6)?.unwrap_or_default(),
            visits: r.get(7)?,
            spend_cents: r.get(8)?,
            last_recommend: r.get(9)?,
            last_comment: r.get::<Option<String>>(10)?.filter(|c| !c.is_empty()),
            open_case: r.get(11)?,
        })
    })
}

/// The first visit of a client's pets on or after `from` (for the recovered rule).
pub fn first_visit_from(
    db: &Db,
    client: ClientId,
    from: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let t = one(
        db,
        "SELECT min(v.at) FROM visits v JOIN pets p ON p.id = v.pet_id WHERE p.client_id = ?1 AND v.at >= ?2",
        &vals![client.0, ts(from)],
    )?;
    Ok(parse_opt_ts(t)?)
}

/// The client's last visit, if any.
pub fn lapsed_since(db: &Db, client: ClientId) -> Result<Option<DateTime<Utc>>> {
    let t = one(
        db,
        "SELECT max(v.at) FROM visits v JOIN pets p ON p.id = v.pet_id WHERE p.client_id = ?1",
        &vals![client.0],
    )?;
    Ok(parse_opt_ts(t)?)
}

/// How many calls a case has had (to number the next one's key).
pub fn calls_made(db: &Db, case: i64) -> Result<usize> {
    let n: i64 = one(
        db,
        "SELECT count(*) FROM calls WHERE item_key >= 'recuperacion:' || CAST(?1 AS BIGINT) || ':'
           AND item_key < 'recuperacion:' || CAST(?1 AS BIGINT) || ';'",
        &vals![case],
    )?
    .unwrap_or(0);
    Ok(n as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use fidelia_core::PetId;

    fn visit(db: &Db, pet: PetId, at: &str, reason: &str, amount: Option<i64>) {
        db.execute(
            "INSERT INTO visits (pet_id, at, kind, severity, reason, amount_cents, created_at, updated_at) VALUES (?1, ?2, 'consulta', 'leve', ?3, ?4, ?2, ?2)",
            &vals![pet.0, at, reason, amount],
        )
        .unwrap();
    }

    fn pet(db: &Db, client: ClientId, name: &str, deceased: bool) -> PetId {
        PetId(
            db.insert(
                "INSERT INTO pets (client_id, name, species, sex, deceased, created_at, updated_at) VALUES (?1, ?2, 'gato', 'macho', ?3, ?4, ?4)",
                &vals![client.0, name, deceased, "2024-01-01T00:00:00Z"],
            )
            .unwrap(),
        )
    }

    #[test]
    fn lapsed_clients_are_listed_on_each_engine() {
        on_each_engine(|db| {
            // Ana: Luna alive, Toby dead; last seen in March 2025.
            let (ana, luna) = client_and_pet(db, "Ana");
            let toby = pet(db, ana, "Toby", true);
            visit(db, luna, "2025-01-10T10:00:00Z", "Vacuna", Some(5_000));
            visit(db, toby, "2024-12-01T10:00:00Z", "Cojera", Some(2_550));
            visit(db, luna, "2025-03-01T10:00:00Z", "Revisión", None);
            let v: i64 = db
                .row("SELECT max(id) FROM visits", &[])
                .unwrap()
                .unwrap()
                .get(0)
                .unwrap();
            db.execute(
                "INSERT INTO surveys (visit_id, client_id, code, created_at, answered_at, recommend, comment) VALUES (?1, ?2, 'S1', ?3, ?3, 3, '')",
                &vals![v, ana.0, "2025-03-02T10:00:00Z"],
            )
            .unwrap();
            // Bea: her only pet died; last seen in June 2024.
            let (bea, bea_pet) = client_and_pet(db, "Bea");
            db.execute(
                "UPDATE pets SET deceased = 1 WHERE id = ?1",
                &vals![bea_pet.0],
            )
            .unwrap();
            visit(
                db,
                bea_pet,
                "2024-06-01T10:00:00Z",
                "Eutanasia",
                Some(9_000),
            );
            // Carmen wants no messages; Dora came recently; Elena never came.
            let (carmen, carmen_pet) = client_and_pet(db, "Carmen");
            db.execute(
                "UPDATE clients SET preferred_channel = 'ninguno' WHERE id = ?1",
                &vals![carmen.0],
            )
            .unwrap();
            visit(db, carmen_pet, "2024-05-01T10:00:00Z", "Vacuna", None);
            let (_, dora_pet) = client_and_pet(db, "Dora");
            visit(db, dora_pet, "2026-06-01T10:00:00Z", "Vacuna", None);
            let (elena, _) = client_and_pet(db, "Elena");

            let l = lapsed(db, at("2026-01-01T00:00:00Z")).unwrap();
            assert_eq!(
                l,
                [
                    Lapsed {
                        client_id: ana,
                        client_name: "Ana Núñez".into(),
                        phone: "612345678".into(),
                        pets: vec!["Luna".into()],
                        all_deceased: false,
                        last_visit_at: at("2025-03-01T10:00:00Z"),
                        last_visit_reason: "Revisión".into(),
                        visits: 3,
                        spend_cents: 7_550,
                        last_recommend: Some(3),
                        last_comment: None,
                        open_case: false,
                    },
                    Lapsed {
                        client_id: bea,
                        client_name: "Bea Núñez".into(),
                        phone: "612345678".into(),
                        pets: vec!["Luna".into()],
                        all_deceased: true,
                        last_visit_at: at("2024-06-01T10:00:00Z"),
                        last_visit_reason: "Eutanasia".into(),
                        visits: 1,
                        spend_cents: 9_000,
                        last_recommend: None,
                        last_comment: None,
                        open_case: false,
                    },
                ]
            );
            // Both living pets are listed.
            pet(db, ana, "Kira", false);
            let mut pets = lapsed(db, at("2026-01-01T00:00:00Z")).unwrap()[0]
                .pets
                .clone();
            pets.sort();
            assert_eq!(pets, ["Kira", "Luna"]);

            assert_eq!(
                lapsed_since(db, ana).unwrap(),
                Some(at("2025-03-01T10:00:00Z"))
            );
            assert_eq!(lapsed_since(db, elena).unwrap(), None);
            assert_eq!(
                first_visit_from(db, ana, at("2024-12-15T00:00:00Z")).unwrap(),
                Some(at("2025-01-10T10:00:00Z"))
            );
            assert_eq!(
                first_visit_from(db, ana, at("2025-03-01T10:00:01Z")).unwrap(),
                None
            );

            // An open case shows on the list.
            insert(db, ana, None, at("2026-01-02T00:00:00Z")).unwrap();
            assert!(lapsed(db, at("2026-01-01T00:00:00Z")).unwrap()[0].open_case);
        });
    }

    #[test]
    fn cases_are_opened_worked_and_recovered_on_each_engine() {
        on_each_engine(|db| {
            let staff = StaffId(
                db.insert(
                    "INSERT INTO staff (name, role, active) VALUES ('Eva Sanz', 'recepcion', 1)",
                    &[],
                )
                .unwrap(),
            );
            let (ana, luna) = client_and_pet(db, "Ana");
            let (bea, _) = client_and_pet(db, "Bea");
            let now = at("2026-12-01T09:00:00Z");
            assert_eq!(open_of_client(db, ana).unwrap(), None);
            let case = insert(db, ana, Some(staff), now).unwrap();
            assert_eq!(open_of_client(db, ana).unwrap(), Some(case));
            assert_eq!(
                get(db, case).unwrap(),
                Case {
                    id: case,
                    client_id: ana,
                    client_name: "Ana Núñez".into(),
                    phone: "612345678".into(),
                    staff_id: Some(staff),
                    staff_name: Some("Eva Sanz".into()),
                    status: CaseStatus::ToCall,
                    reason: String::new(),
                    apology: false,
                    notes: String::new(),
                    next_date: None,
                    called_on: None,
                    reason_on: None,
                    recovered_on: None,
                    created_at: now,
                    call_id: None,
                    version: 0,
                }
            );

            // Its calls: the pending one is the case's; all are counted.
            assert_eq!(calls_made(db, case).unwrap(), 0);
            let call = |n: i64, status: &str| {
                db.insert(
                    "INSERT INTO calls (kind, pet_id, due_at, scheduled_at, duration_min, status, created_at, updated_at, item_key)
                     VALUES ('recuperacion', ?1, ?2, ?2, 10, ?3, ?2, ?2, ?4)",
                    &vals![luna.0, "2026-12-01T09:00:00Z", status, format!("recuperacion:{case}:{n}")],
                )
                .unwrap()
            };
            call(1, "realizada");
            let pending = call(2, "pendiente");
            db.execute(
                "INSERT INTO calls (kind, pet_id, due_at, scheduled_at, duration_min, status, created_at, updated_at, item_key)
                 VALUES ('recuperacion', ?1, ?2, ?2, 10, 'pendiente', ?2, ?2, ?3)",
                &vals![luna.0, "2026-12-01T09:00:00Z", format!("recuperacion:{case}0:1")],
            )
            .unwrap();
            assert_eq!(calls_made(db, case).unwrap(), 2);
            assert_eq!(get(db, case).unwrap().call_id, Some(pending));

            // What the calls learned; the reason's day is kept while the reason stays.
            let data = |status, reason: &str| CaseData {
                status,
                reason: reason.into(),
                apology: true,
                notes: "Volverá en enero".into(),
                next_date: Some(date("2027-01-10")),
            };
            update(
                db,
                case,
                &data(CaseStatus::Talked, "Precio"),
                date("2026-12-02"),
                now,
            )
            .unwrap();
            let c = get(db, case).unwrap();
            assert_eq!(
                (c.status, c.reason.as_str(), c.apology),
                (CaseStatus::Talked, "Precio", true)
            );
            assert_eq!(c.notes, "Volverá en enero");
            assert_eq!(c.next_date, Some(date("2027-01-10")));
            assert_eq!(c.reason_on, Some(date("2026-12-02")));
            update(
                db,
                case,
                &data(CaseStatus::WillReturn, "Precio"),
                date("2026-12-04"),
                now,
            )
            .unwrap();
            assert_eq!(get(db, case).unwrap().reason_on, Some(date("2026-12-02")));
            update(
                db,
                case,
                &data(CaseStatus::Talked, ""),
                date("2026-12-05"),
                now,
            )
            .unwrap();
            assert_eq!(get(db, case).unwrap().reason_on, None);
            update(
                db,
                case,
                &data(CaseStatus::Talked, "Se ha mudado"),
                date("2026-12-06"),
                now,
            )
            .unwrap();
            assert_eq!(get(db, case).unwrap().reason_on, Some(date("2026-12-06")));
            assert_eq!(get(db, case).unwrap().version, 4, "one more at every save");
            assert_eq!(open_of_client(db, ana).unwrap(), None);
            let ids = |cs: Vec<Case>| cs.iter().map(|c| c.id).collect::<Vec<_>>();
            assert_eq!(
                ids(with_reason_between(db, date("2026-12-06"), date("2026-12-31")).unwrap()),
                [case]
            );
            assert!(
                with_reason_between(db, date("2026-12-01"), date("2026-12-05"))
                    .unwrap()
                    .is_empty()
            );

            // Still-open cases first, then newest first.
            let other = insert(db, bea, None, at("2026-11-01T09:00:00Z")).unwrap();
            let later = insert(db, ana, None, at("2026-12-03T09:00:00Z")).unwrap();
            update(
                db,
                later,
                &data(CaseStatus::Closed, ""),
                date("2026-12-03"),
                now,
            )
            .unwrap();
            assert_eq!(ids(all(db).unwrap()), [other, later, case]);
            let o = get(db, other).unwrap();
            assert_eq!(
                (o.staff_id, o.staff_name, o.client_name.as_str()),
                (None, None, "Bea Núñez")
            );

            // Called once; recovered.
            mark_called(db, case, date("2026-12-02")).unwrap();
            mark_called(db, case, date("2026-12-09")).unwrap();
            assert_eq!(
                awaiting_return(db).unwrap(),
                [(case, ana, date("2026-12-02"))]
            );
            set_recovered(db, case, date("2026-12-20"), at("2026-12-20T10:00:00Z")).unwrap();
            assert!(awaiting_return(db).unwrap().is_empty());
            let c = get(db, case).unwrap();
            assert_eq!(
                (c.called_on, c.recovered_on),
                (Some(date("2026-12-02")), Some(date("2026-12-20")))
            );
            assert_eq!(
                c.version, 4,
                "the first call's day and a return noticed later leave an open card as it is"
            );
            assert!(matches!(get(db, case + 100), Err(StoreError::NotFound)));
        });
    }
}
