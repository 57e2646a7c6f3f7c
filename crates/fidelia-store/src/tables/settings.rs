//! The `settings` table: the clinic's settings as one JSON document under the key `clinic`
//! (new settings are new fields with defaults, so old documents keep reading).

use fidelia_core::settings::Settings;
use rusqlite::OptionalExtension;

use crate::{Db, Result};

const KEY: &str = "clinic";

pub fn read(db: &Db) -> Result<Settings> {
    let json: Option<String> = db
        .conn()
        .query_row("SELECT value FROM settings WHERE key = ?1", [KEY], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(match json {
        Some(j) => serde_json::from_str(&j)?,
        None => Settings::default(),
    })
}

pub fn write(db: &Db, s: &Settings) -> Result<()> {
    db.conn().execute("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", (KEY, serde_json::to_string(s)?))?;
    Ok(())
}

/// Claims `day` for a once-a-day task named `task` (a marker row beside the settings):
/// `true` for the first claim of that day, `false` when it was already claimed, whichever
/// process or restart claimed it.
pub fn claim_day(db: &Db, task: &str, day: chrono::NaiveDate) -> Result<bool> {
    let n = db.conn().execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE value <> excluded.value",
        (format!("dia:{task}"), crate::day(day)),
    )?;
    Ok(n == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn settings_read_back_as_written_and_default_when_absent() {
        let s = store();
        let fresh = s.read(read).unwrap();
        assert_eq!(fresh, Settings::default(), "a new clinic has the defaults");
        let mine = Settings {
            clinic_name: "Clínica Peña".into(),
            ..Settings::default()
        };
        s.write(|db| write(db, &mine)).unwrap();
        assert_eq!(s.read(read).unwrap().clinic_name, "Clínica Peña");
    }
}
