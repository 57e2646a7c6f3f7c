//! The `import_mappings` table: the column mapping chosen for files with the same headers.

use chrono::{DateTime, Utc};
use fidelia_core::import::{fields, Mapping};
use rusqlite::{params, OptionalExtension};

use crate::{ts, Db, Result};

/// The mapping remembered for files whose headers have this signature. A mapping that no
/// longer reads (an older version's) is as good as none.
pub fn get(db: &Db, signature: &str) -> Result<Option<Mapping>> {
    let json: Option<String> = db
        .conn()
        .query_row(
            "SELECT mapping FROM import_mappings WHERE signature = ?1",
            [signature],
            |r| r.get(0),
        )
        .optional()?;
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

pub fn put(db: &Db, m: &Mapping, now: DateTime<Utc>) -> Result<()> {
    db.conn().execute(
        "INSERT INTO import_mappings (signature, mapping, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (signature) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
        params![fields::signature(&m.headers), serde_json::to_string(m)?, ts(now)],
    )?;
    Ok(())
}
