//! `fidelia move-to-server` and `fidelia move-to-file` as the clinic runs them (issue 16): the
//! demo clinic from a file to an empty server database, and from there to a new file. The new
//! file holds exactly what the first one holds (the same dump), the first file is unchanged,
//! the server answers `fidelia info`, and a second move into the same database is refused.
//!
//! Needs the test server (`FIDELIA_TEST_PG`, started by scripts/test.sh).

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use fidelia_ops::Clinic;

fn fidelia(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_fidelia"))
        .args(args)
        .env(
            "FIDELIA_LOG_DIR",
            std::env::temp_dir().join("fidelia-move-logs"),
        )
        .output()
        .expect("the CLI runs");
    eprintln!(
        "fidelia {args:?}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn dump(path: &Path) -> String {
    Clinic::open(path).unwrap().content_dump().unwrap()
}

/// Two dumps are equal; otherwise the first line that differs.
fn same(a: &str, b: &str, what: &str) {
    if let Some((x, y)) = a.lines().zip(b.lines()).find(|(x, y)| x != y) {
        panic!("{what}:\n  {x}\n  {y}");
    }
    assert_eq!(a.len(), b.len(), "{what}");
}

#[test]
fn the_demo_clinic_moves_to_the_server_and_back_unchanged() {
    let Some(url) =
        fidelia_store::server::test_database(&format!("fidelia_move_{}", std::process::id()))
    else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("fidelia-move-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (first, back) = (dir.join("clinic.sqlite3"), dir.join("back.sqlite3"));
    let first_s = first.to_str().unwrap();
    assert!(fidelia(&["--db", first_s, "demo"]).status.success());
    let before = dump(&first);

    let out = fidelia(&["--db", first_s, "move-to-server", &url]);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("visits") && said.contains("rows and checksums equal"),
        "{said}"
    );
    assert!(
        !said.contains(url.split('@').next().unwrap().rsplit(':').next().unwrap()),
        "the password is not shown: {said}"
    );

    let info = fidelia(&["--db", &url, "info"]);
    assert!(info.status.success());
    assert!(String::from_utf8_lossy(&info.stdout).contains("clients:  300"));

    assert!(
        fidelia(&["--db", &url, "move-to-file", back.to_str().unwrap()])
            .status
            .success()
    );
    assert_eq!(dump(&back), before, "the round trip changed the clinic");
    assert_eq!(
        dump(&first),
        before,
        "the file moved from is left as it was"
    );

    // The server now holds a clinic: a second move is refused, and writes nothing.
    let again = fidelia(&["--db", first_s, "move-to-server", &url]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("vacía"));
    // A file that exists is not overwritten.
    let over = fidelia(&["--db", &url, "move-to-file", back.to_str().unwrap()]);
    assert!(!over.status.success());
    same(&dump(&back), &before, "a file that exists was overwritten");

    // Live: a write of another process on the server is heard; this process's own are not.
    let mut changes = fidelia_ops::Changes::listen(&url).unwrap();
    let here = Clinic::open_at(&fidelia_ops::Location::Server(url.clone())).unwrap();
    here.set_demo(true).unwrap();
    assert!(
        !changes.wait(Duration::from_millis(300)).unwrap(),
        "its own write"
    );
    assert!(fidelia(&["--db", &url, "messages"]).status.success());
    let heard = Instant::now();
    assert!(
        changes.wait(Duration::from_secs(5)).unwrap(),
        "the CLI's write was not heard"
    );
    assert!(heard.elapsed() < Duration::from_secs(2));
    assert!(
        !changes.wait(Duration::from_millis(300)).unwrap(),
        "heard once"
    );
    // The same again: nothing new to prepare, nothing written, nothing announced.
    assert!(fidelia(&["--db", &url, "messages"]).status.success());
    assert!(
        !changes.wait(Duration::from_millis(500)).unwrap(),
        "a write that changed nothing is not announced"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
