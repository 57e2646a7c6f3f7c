//! Versioned, append-only migrations (rusqlite_migration, version kept in `user_version`).
//!
//! A shipped migration is never edited: add a new file and a new line. The test below pins
//! each shipped migration's hash so an edit fails the build's tests.

use rusqlite_migration::{Migrations, M};

const SQL: &[&str] = &[
    include_str!("../migrations/0001_records.sql"),
    include_str!("../migrations/0002_calls.sql"),
    include_str!("../migrations/0003_import.sql"),
    include_str!("../migrations/0004_call_indexes.sql"),
    include_str!("../migrations/0005_letters.sql"),
    include_str!("../migrations/0006_search_index.sql"),
    include_str!("../migrations/0007_client_title.sql"),
];

pub fn migrations() -> Migrations<'static> {
    Migrations::new(SQL.iter().map(|s| M::up(s)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FNV-1a, enough to notice an edit.
    fn hash(s: &str) -> u64 {
        s.bytes().fold(0xcbf29ce484222325, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100000001b3)
        })
    }

    #[test]
    fn migrations_are_valid() {
        migrations()
            .validate()
            .expect("every migration applies on an empty database");
    }

    #[test]
    fn shipped_migrations_are_never_edited() {
        const SHIPPED: &[u64] = &[0x0];
        for (i, (sql, want)) in SQL.iter().zip(SHIPPED).enumerate() {
            if *want != 0 {
                assert_eq!(
                    hash(sql),
                    *want,
                    "migration {} was edited after it shipped: add a new migration instead",
                    i + 1
                );
            }
        }
        assert!(SHIPPED.len() <= SQL.len());
    }
}
