//! The log (issue 13, defect 1: no logger was installed, and every `log::` line was lost).
//! Its own test binary: a logger is installed once per process.

use fidelia_ops::logging;

#[test]
fn log_lines_and_panics_reach_the_daily_file() {
    let dir = std::env::temp_dir().join(format!("fidelia-log-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    logging::init(&dir, "test").expect("the log folder is created");
    log::error!("the database at id 42 failed its integrity check");
    log::info!("scheduler: 3 call(s) notified");
    log::debug!("too detailed for the file");
    let worker = std::thread::spawn(|| panic!("a bug in a worker"));
    assert!(worker.join().is_err());

    let file = logging::newest_file(&dir).expect("a log file");
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with("fidelia") && name.ends_with("log"),
        "{name}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    for line in [
        &format!("test {} started", env!("CARGO_PKG_VERSION")),
        "ERROR",
        "failed its integrity check",
        "3 call(s) notified",
        "panic at crates/fidelia-ops/tests/logging.rs",
        "a bug in a worker",
    ] {
        assert!(text.contains(line), "{line:?} is not in the log:\n{text}");
    }
    assert!(!text.contains("too detailed"), "debug lines stay out");
    let last = logging::last_lines(&dir, 2);
    assert_eq!(last.len(), 2);
    assert!(last[1].contains("a bug in a worker"), "{last:?}");
    // A second start in the same process changes nothing (and does not fail).
    logging::init(&dir, "test").unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
