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
    include_str!("../migrations/0008_messages.sql"),
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

    /// Every shipped migration, pinned by its hash. A new migration is pinned when it ships:
    /// the test says which hash to add.
    const SHIPPED: &[u64] = &[
        0xaedbf271788a10fa, // 0001_records.sql
        0xcfc9995d5cb44e14, // 0002_calls.sql
        0xd62b588ee38aeeca, // 0003_import.sql
        0x4be05693be2b8904, // 0004_call_indexes.sql
        0x9b8e70cdfe6b37f2, // 0005_letters.sql
        0x448a034752e74d5e, // 0006_search_index.sql
        0x33012a4ac8be7e22, // 0007_client_title.sql
        0x2f8e080c91a523af, // 0008_messages.sql
    ];

    #[test]
    fn shipped_migrations_are_never_edited() {
        for (i, (sql, want)) in SQL.iter().zip(SHIPPED).enumerate() {
            assert_eq!(
                hash(sql),
                *want,
                "migration {} was edited after it shipped: put the file back as it was and add a \
                 new migration instead",
                i + 1
            );
        }
        if let Some((i, sql)) = SQL.iter().enumerate().nth(SHIPPED.len()) {
            panic!(
                "migration {} is not pinned: add 0x{:016x} to SHIPPED when it ships",
                i + 1,
                hash(sql)
            );
        }
        assert!(
            SHIPPED.len() <= SQL.len(),
            "a shipped migration was removed"
        );
    }
}
