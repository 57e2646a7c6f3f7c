//! The `staff` table.

use fidelia_core::{Role, Staff, StaffData, StaffForm, StaffId};
use rusqlite::{params, Connection, Row};

use crate::{found, word, Result, Store};

const COLUMNS: &str = "id, name, role, active";

fn from_row(r: &Row) -> rusqlite::Result<Staff> {
    Ok(Staff {
        id: StaffId(r.get(0)?),
        data: StaffData {
            name: r.get(1)?,
            role: word(r.get(2)?, Role::parse)?,
            active: r.get(3)?,
        },
    })
}

pub(crate) fn insert(conn: &Connection, d: &StaffData) -> Result<StaffId> {
    conn.prepare_cached("INSERT INTO staff (name, role, active) VALUES (?1, ?2, ?3)")?
        .execute(params![d.name, d.role.as_str(), d.active])?;
    Ok(StaffId(conn.last_insert_rowid()))
}

impl Store {
    /// Everyone, active first, then by name.
    pub fn staff_list(&self) -> Result<Vec<Staff>> {
        let conn = self.conn();
        let mut st = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM staff ORDER BY active DESC, name"
        ))?;
        let rows = st
            .query_map([], from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn save_staff(&self, form: &StaffForm) -> Result<Staff> {
        let d = form.validate()?;
        let conn = self.conn();
        let id = match form.id {
            None => insert(&conn, &d)?,
            Some(id) => {
                let n = conn.execute(
                    "UPDATE staff SET name = ?2, role = ?3, active = ?4 WHERE id = ?1",
                    params![id.0, d.name, d.role.as_str(), d.active],
                )?;
                if n == 0 {
                    return Err(crate::StoreError::NotFound);
                }
                id
            }
        };
        found(conn.query_row(
            &format!("SELECT {COLUMNS} FROM staff WHERE id = ?1"),
            [id.0],
            from_row,
        ))
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::*;
    use crate::StoreError;
    use fidelia_core::{Role, StaffForm, StaffId};

    #[test]
    fn staff_are_added_edited_and_listed_active_first() {
        let s = store();
        let a = s
            .save_staff(&StaffForm {
                name: "Dra. Elena Ruiz".into(),
                role: "veterinario".into(),
                active: true,
                ..Default::default()
            })
            .unwrap();
        s.save_staff(&StaffForm {
            name: "Ana Antigua".into(),
            role: "auxiliar".into(),
            active: false,
            ..Default::default()
        })
        .unwrap();
        let edited = s
            .save_staff(&StaffForm {
                id: Some(a.id),
                name: "Dra. Elena Ruiz Sanz".into(),
                role: "direccion".into(),
                active: true,
            })
            .unwrap();
        assert_eq!(edited.data.role, Role::Management);
        let names: Vec<_> = s
            .staff_list()
            .unwrap()
            .into_iter()
            .map(|s| s.data.name)
            .collect();
        assert_eq!(
            names,
            ["Dra. Elena Ruiz Sanz", "Ana Antigua"],
            "active staff first"
        );
        let missing = s.save_staff(&StaffForm {
            id: Some(StaffId(99)),
            name: "X".into(),
            role: "auxiliar".into(),
            active: true,
        });
        assert!(matches!(missing, Err(StoreError::NotFound)));
        assert!(matches!(
            s.save_staff(&StaffForm::default()),
            Err(StoreError::Invalid(_))
        ));
    }
}
