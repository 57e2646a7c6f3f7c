//! The `staff` table (written once for both engines: [`crate::sql`]).

use fidelia_core::{Role, Staff, StaffData, StaffId};

use crate::sql::Row;
use crate::{vals, word, Db, Result, StoreError};

const COLUMNS: &str = "id, name, role, active";

fn from_row(r: &Row) -> Result<Staff> {
    Ok(Staff {
        id: StaffId(r.get(0)?),
        data: StaffData {
            name: r.get(1)?,
            role: word(r.get(2)?, Role::parse)?,
            active: r.get(3)?,
        },
    })
}

pub fn get(db: &Db, id: StaffId) -> Result<Staff> {
    let row = db.row(
        &format!("SELECT {COLUMNS} FROM staff WHERE id = ?1"),
        &vals![id.0],
    )?;
    from_row(&row.ok_or(StoreError::NotFound)?)
}

/// Everyone, active first, then by name.
pub fn all(db: &Db) -> Result<Vec<Staff>> {
    listed(db, "active DESC, name")
}

/// Everyone, active first, then oldest first (the import matches names in this order).
pub fn all_by_age(db: &Db) -> Result<Vec<Staff>> {
    listed(db, "active DESC, id")
}

fn listed(db: &Db, order: &str) -> Result<Vec<Staff>> {
    db.map_rows(
        &format!("SELECT {COLUMNS} FROM staff ORDER BY {order}"),
        &[],
        from_row,
    )
}

pub fn insert(db: &Db, d: &StaffData) -> Result<StaffId> {
    let id = db.insert(
        "INSERT INTO staff (name, role, active) VALUES (?1, ?2, ?3)",
        &vals![&d.name, d.role.as_str(), d.active],
    )?;
    Ok(StaffId(id))
}

/// `NotFound` if there is no such staff member.
pub fn update(db: &Db, id: StaffId, d: &StaffData) -> Result<()> {
    let n = db.execute(
        "UPDATE staff SET name = ?2, role = ?3, active = ?4 WHERE id = ?1",
        &vals![id.0, &d.name, d.role.as_str(), d.active],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn staff_are_saved_listed_and_changed_on_each_engine() {
        on_each_engine(|db| {
            let ana = insert(
                db,
                &StaffData {
                    name: "Dra. Ana Núñez".into(),
                    role: Role::Vet,
                    active: true,
                },
            )
            .unwrap();
            let luis = StaffData {
                name: "Luis Gil".into(),
                role: Role::Reception,
                active: false,
            };
            let luis_id = insert(db, &luis).unwrap();
            assert_ne!(ana, luis_id);
            assert_eq!(get(db, luis_id).unwrap().data, luis);
            let names = |list: Vec<Staff>| -> Vec<String> {
                list.into_iter().map(|s| s.data.name).collect()
            };
            // Active first: Ana, then Luis.
            assert_eq!(names(all(db).unwrap()), ["Dra. Ana Núñez", "Luis Gil"]);
            let back = StaffData {
                active: true,
                ..luis.clone()
            };
            update(db, luis_id, &back).unwrap();
            assert_eq!(names(all(db).unwrap()), ["Dra. Ana Núñez", "Luis Gil"]);
            assert_eq!(
                names(all_by_age(db).unwrap()),
                ["Dra. Ana Núñez", "Luis Gil"]
            );
            assert!(get(db, luis_id).unwrap().data.active);
            assert!(matches!(
                update(db, StaffId(999_999), &back),
                Err(StoreError::NotFound)
            ));
            assert!(matches!(
                get(db, StaffId(999_999)),
                Err(StoreError::NotFound)
            ));
        });
    }
}
