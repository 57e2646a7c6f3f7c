//! The `import_mappings` table: the column mapping chosen for files with the same headers.
//! Written once for both engines ([`crate::sql`]).

use chrono::{DateTime, Utc};
use fidelia_core::import::{fields, Mapping};

use crate::{ts, vals, Db, Result};

/// The mapping remembered for files whose headers have this signature. A mapping that no
/// longer reads (an older version's) is as good as none.
pub fn get(db: &Db, signature: &str) -> Result<Option<Mapping>> {
    let json: Option<String> = db
        .row(
            "SELECT mapping FROM import_mappings WHERE signature = ?1",
            &vals![signature],
        )?
        .map(|r| r.get(0))
        .transpose()?;
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

pub fn put(db: &Db, m: &Mapping, now: DateTime<Utc>) -> Result<()> {
    db.execute(
        "INSERT INTO import_mappings (signature, mapping, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (signature) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
        &vals![fields::signature(&m.headers), serde_json::to_string(m)?, ts(now)],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use fidelia_core::import::fields::{Field, Shape};

    #[test]
    fn a_mapping_is_remembered_by_its_headers_and_replaced() {
        on_each_engine(|db| {
            let headers: Vec<String> = vec!["Nombre".into(), "Apellidos".into(), "Móvil".into()];
            let sig = fields::signature(&headers);
            assert_eq!(get(db, &sig).unwrap(), None);
            let first = Mapping {
                headers: headers.clone(),
                fields: vec![Field::FirstName, Field::Surnames, Field::Phone],
                shape: Shape::Clients,
            };
            put(db, &first, "2026-12-01T09:00:00Z".parse().unwrap()).unwrap();
            assert_eq!(get(db, &sig).unwrap(), Some(first.clone()));
            assert_eq!(get(db, "0000000000000000").unwrap(), None);

            // The same headers again: the new choice replaces the old.
            let second = Mapping {
                fields: vec![Field::FirstName, Field::Surnames, Field::Ignore],
                ..first
            };
            put(db, &second, "2026-12-06T10:30:00Z".parse().unwrap()).unwrap();
            assert_eq!(get(db, &sig).unwrap(), Some(second));
            let r = db
                .row(
                    "SELECT count(*), max(updated_at) FROM import_mappings WHERE signature = ?1",
                    &vals![&sig],
                )
                .unwrap()
                .unwrap();
            assert_eq!(r.get::<i64>(0).unwrap(), 1);
            assert_eq!(r.get::<String>(1).unwrap(), "2026-12-06T10:30:00Z");

            // A mapping that no longer reads is as good as none.
            db.execute(
                "UPDATE import_mappings SET mapping = ?2 WHERE signature = ?1",
                &vals![&sig, r#"{"headers": 3}"#],
            )
            .unwrap();
            assert_eq!(get(db, &sig).unwrap(), None);
        });
    }
}
