//! The `settings` table: the clinic's settings as one JSON document under the key `clinic`
//! (new settings are new fields with defaults, so old documents keep reading). Written once for
//! both engines ([`crate::sql`]).

use fidelia_core::settings::Settings;

use crate::{vals, Db, Result};

const KEY: &str = "clinic";

pub fn read(db: &Db) -> Result<Settings> {
    Ok(
        match db.row("SELECT value FROM settings WHERE key = ?1", &vals![KEY])? {
            Some(row) => serde_json::from_str(&row.get::<String>(0)?)?,
            None => Settings::default(),
        },
    )
}

pub fn write(db: &Db, s: &Settings) -> Result<()> {
    db.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &vals![KEY, serde_json::to_string(s)?],
    )?;
    Ok(())
}

/// Claims `day` for a once-a-day task named `task` (a marker row beside the settings):
/// `true` for the first claim of that day, `false` when it was already claimed, whichever
/// process or restart claimed it.
pub fn claim_day(db: &Db, task: &str, day: chrono::NaiveDate) -> Result<bool> {
    let n = db.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE settings.value <> excluded.value",
        &vals![format!("dia:{task}"), crate::day(day)],
    )?;
    Ok(n == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn settings_read_back_as_written_and_default_when_absent() {
        on_each_engine(|db| {
            let fresh = read(db).unwrap();
            assert_eq!(fresh, Settings::default(), "a new clinic has the defaults");
            let mine = Settings {
                clinic_name: "Clínica Peña".into(),
                ..Settings::default()
            };
            write(db, &mine).unwrap();
            assert_eq!(read(db).unwrap().clinic_name, "Clínica Peña");
        });
    }

    #[test]
    fn a_day_is_claimed_once() {
        on_each_engine(|db| {
            let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
            assert!(claim_day(db, "mensajes", day).unwrap());
            assert!(!claim_day(db, "mensajes", day).unwrap(), "claimed already");
            assert!(claim_day(db, "mensajes", day.succ_opt().unwrap()).unwrap());
            assert!(claim_day(db, "encuestas", day).unwrap(), "another task");
        });
    }
}
