//! Backups' names and their rotation: which copies of the database to keep.
//!
//! A backup is `fidelia-AAAA-MM-DD-HHMMSS.sqlite3` (the local time it was made); the copy made
//! before a restore, `fidelia-antes-de-restaurar-AAAA-MM-DD-HHMMSS.sqlite3`. A backup of the
//! clinic's server database (PostgreSQL's `pg_dump`, custom format) ends in `.dump` instead. Rotation keeps the
//! newest backup of each of the last 7 days that have one, of the last 4 weeks and of the last
//! 12 months (and always the newest); the copies made before a restore, the last 3 and those
//! of the last 30 days.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDateTime};

const PREFIX: &str = "fidelia-";
const SAFETY: &str = "antes-de-restaurar-";
const EXT: &str = ".sqlite3";
/// A backup of the clinic's server database.
pub const DUMP_EXT: &str = ".dump";
const STAMP: &str = "%Y-%m-%d-%H%M%S";

/// What a backup file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum BackupKind {
    /// Made by hand or on schedule.
    Regular,
    /// The database as it was just before a restore.
    BeforeRestore,
}

/// The file name of a backup made at `at` (local time).
pub fn file_name(kind: BackupKind, at: NaiveDateTime) -> String {
    named(kind, at, EXT)
}

/// The file name of a backup of the clinic's server database made at `at` (local time).
pub fn dump_name(kind: BackupKind, at: NaiveDateTime) -> String {
    named(kind, at, DUMP_EXT)
}

fn named(kind: BackupKind, at: NaiveDateTime, ext: &str) -> String {
    let stamp = at.format(STAMP);
    match kind {
        BackupKind::Regular => format!("{PREFIX}{stamp}{ext}"),
        BackupKind::BeforeRestore => format!("{PREFIX}{SAFETY}{stamp}{ext}"),
    }
}

/// A backup's kind and time from its file name; `None` for any other file.
pub fn parse_name(name: &str) -> Option<(BackupKind, NaiveDateTime)> {
    let rest = name.strip_prefix(PREFIX)?;
    let rest = rest
        .strip_suffix(EXT)
        .or_else(|| rest.strip_suffix(DUMP_EXT))?;
    let (kind, stamp) = match rest.strip_prefix(SAFETY) {
        Some(s) => (BackupKind::BeforeRestore, s),
        None => (BackupKind::Regular, rest),
    };
    NaiveDateTime::parse_from_str(stamp, STAMP)
        .ok()
        .map(|t| (kind, t))
}

/// Days, weeks and months of regular backups kept; copies made before a restore kept.
pub const KEEP_DAYS: usize = 7;
pub const KEEP_WEEKS: usize = 4;
pub const KEEP_MONTHS: usize = 12;
pub const KEEP_BEFORE_RESTORE: usize = 3;
pub const KEEP_BEFORE_RESTORE_DAYS: i64 = 30;

/// Which of `backups` to keep (the rest are deleted): for regular backups, the newest of each
/// of the last [`KEEP_DAYS`] days that have one, of the last [`KEEP_WEEKS`] ISO weeks and of
/// the last [`KEEP_MONTHS`] months; for copies made before a restore, the newest
/// [`KEEP_BEFORE_RESTORE`], and every one of the last [`KEEP_BEFORE_RESTORE_DAYS`] days
/// (counted back from the newest backup). Returns one flag per backup, in the order given.
pub fn to_keep(backups: &[(BackupKind, NaiveDateTime)]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..backups.len()).collect();
    order.sort_by(|a, b| backups[*b].1.cmp(&backups[*a].1)); // newest first
    let mut keep = vec![false; backups.len()];
    let (mut days, mut weeks, mut months) = (HashSet::new(), HashSet::new(), HashSet::new());
    let mut before_restore = 0;
    // A copy made before a restore may hold work newer than any backup: kept a month.
    let newest = backups.iter().map(|(_, t)| *t).max();
    let recent = newest.map_or(NaiveDateTime::MIN, |t| {
        t - chrono::Duration::days(KEEP_BEFORE_RESTORE_DAYS)
    });
    for i in order {
        let (kind, at) = backups[i];
        match kind {
            BackupKind::BeforeRestore => {
                before_restore += 1;
                keep[i] = before_restore <= KEEP_BEFORE_RESTORE || at >= recent;
            }
            BackupKind::Regular => {
                let d = at.date();
                let w = (d.iso_week().year(), d.iso_week().week());
                let m = (d.year(), d.month());
                let mut k = false;
                if !days.contains(&d) && days.len() < KEEP_DAYS {
                    days.insert(d);
                    k = true;
                }
                if !weeks.contains(&w) && weeks.len() < KEEP_WEEKS {
                    weeks.insert(w);
                    k = true;
                }
                if !months.contains(&m) && months.len() < KEEP_MONTHS {
                    months.insert(m);
                    k = true;
                }
                keep[i] = k;
            }
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate};

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn names_round_trip_and_other_files_are_ignored() {
        let t = at(2026, 12, 3, 9);
        assert_eq!(
            file_name(BackupKind::Regular, t),
            "fidelia-2026-12-03-090000.sqlite3"
        );
        assert_eq!(
            dump_name(BackupKind::Regular, t),
            "fidelia-2026-12-03-090000.dump"
        );
        for kind in [BackupKind::Regular, BackupKind::BeforeRestore] {
            assert_eq!(parse_name(&file_name(kind, t)), Some((kind, t)));
            assert_eq!(parse_name(&dump_name(kind, t)), Some((kind, t)));
        }
        for other in [
            "fidelia.sqlite3",
            "fidelia-2026-12-03-090000.dump.partial",
            "fidelia-2026-13-03-090000.sqlite3",
            "notas.txt",
            "",
        ] {
            assert_eq!(parse_name(other), None, "{other}");
        }
    }

    /// Two backups a day (start-up and the daily one) for two years: 7 days + 4 weeks + 12
    /// months are kept, each the newest of its day, week or month; the newest is always kept.
    #[test]
    fn a_backup_a_day_for_two_years_keeps_days_weeks_and_months() {
        let end = at(2026, 12, 3, 18);
        let backups: Vec<_> = (0..730)
            .flat_map(|d| {
                [
                    end - Duration::days(d),
                    end - Duration::days(d) - Duration::hours(9),
                ]
            })
            .map(|t| (BackupKind::Regular, t))
            .collect();
        let keep = to_keep(&backups);
        let kept: Vec<NaiveDateTime> = backups
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|((_, t), _)| *t)
            .collect();
        assert!(kept.contains(&end), "the newest");
        // The last 7 days: their evening backups.
        for d in 0..7 {
            assert!(kept.contains(&(end - Duration::days(d))), "day -{d}");
        }
        assert!(
            !kept.contains(&(end - Duration::hours(9))),
            "the morning's is not kept"
        );
        // Months: the newest of each, from December 2026 back to January 2026 (the 12th).
        assert!(kept.contains(&at(2026, 6, 30, 18)));
        assert!(kept.contains(&at(2026, 1, 31, 18)), "the 12th month");
        assert!(
            !kept.contains(&at(2025, 12, 31, 18)),
            "the 13th month is not"
        );
        // At most 7 + 4 + 12 files, fewer where they overlap.
        assert!(kept.len() <= 23 && kept.len() >= 12, "{}", kept.len());
    }

    #[test]
    fn copies_made_before_a_restore_keep_a_month_and_at_least_three() {
        let t = at(2026, 12, 3, 9);
        // Five copies 20 days apart, and today's backup: the last month's, and three at least.
        let backups: Vec<_> = (0..5)
            .map(|n| (BackupKind::BeforeRestore, t - Duration::days(80 - 20 * n)))
            .chain([(BackupKind::Regular, t)])
            .collect();
        assert_eq!(to_keep(&backups), [false, false, true, true, true, true]);
        // Four trial restores in an hour keep every copy: the first holds the newest work.
        let trials: Vec<_> = (0..4)
            .map(|h| (BackupKind::BeforeRestore, t + Duration::hours(h)))
            .collect();
        assert_eq!(to_keep(&trials), [true; 4]);
    }
}
