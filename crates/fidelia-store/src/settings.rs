//! The `settings` table: the clinic's settings as one JSON document under the key `clinic`
//! (new settings are new fields with defaults, so old documents keep reading).

use fidelia_core::settings::Settings;
use rusqlite::{Connection, OptionalExtension};

use crate::{Result, Store};

const KEY: &str = "clinic";

pub(crate) fn read(conn: &Connection) -> Result<Settings> {
    let json: Option<String> = conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [KEY], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(match json {
        Some(j) => serde_json::from_str(&j)?,
        None => Settings::default(),
    })
}

pub(crate) fn write(conn: &Connection, s: &Settings) -> Result<()> {
    conn.execute("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", (KEY, serde_json::to_string(s)?))?;
    Ok(())
}

impl Store {
    pub fn settings(&self) -> Result<Settings> {
        read(&self.conn())
    }

    /// Validates and saves settings sent by the window; returns them as saved.
    pub fn save_settings(&self, form: &Settings) -> Result<Settings> {
        let conn = self.conn();
        let valid = form.validate(&read(&conn)?)?;
        write(&conn, &valid)?;
        Ok(valid)
    }

    /// Marks the clinic as holding demo data, or not.
    pub fn set_demo(&self, demo: bool) -> Result<()> {
        let conn = self.conn();
        let s = Settings {
            demo,
            ..read(&conn)?
        };
        write(&conn, &s)
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::*;
    use fidelia_core::{settings::Settings, Lang};

    #[test]
    fn settings_round_trip_and_bad_ones_change_nothing() {
        let s = store();
        assert_eq!(
            s.settings().unwrap(),
            Settings::default(),
            "a new clinic has the defaults"
        );
        let saved = s
            .save_settings(&Settings {
                clinic_name: "Clínica Peña".into(),
                language: Lang::En,
                ..Settings::default()
            })
            .unwrap();
        assert_eq!(s.settings().unwrap(), saved);
        let bad = Settings {
            clinic_name: "".into(),
            ..saved.clone()
        };
        assert!(s.save_settings(&bad).is_err());
        assert_eq!(
            s.settings().unwrap().clinic_name,
            "Clínica Peña",
            "a rejected form loses nothing already saved"
        );
    }
}
