//! Processes a test starts: each in its own process group, ended as a whole, reaped, and listed
//! for the wrapper script in case the test binary itself is killed.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::POLL;

/// A process we started, in its own process group; stopping it ends the whole group.
pub(crate) struct Proc {
    pub(crate) name: &'static str,
    child: Child,
    pub(crate) log: PathBuf,
}

impl Proc {
    /// Starts `cmd` in a new process group (pgid = pid), output to `log`.
    pub(crate) fn spawn(
        name: &'static str,
        cmd: &mut Command,
        log: PathBuf,
    ) -> std::io::Result<Proc> {
        let file = File::create(&log)?;
        let file2 = file.try_clone()?;
        cmd.stdin(Stdio::null())
            .stdout(Stdio::from(file))
            .stderr(Stdio::from(file2))
            .process_group(0);
        // If the test binary is killed outright, take the direct child down with it.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM as libc::c_ulong);
                Ok(())
            });
        }
        let child = cmd.spawn()?;
        record_pgid(child.id());
        Ok(Proc { name, child, log })
    }

    pub(crate) fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub(crate) fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// SIGTERM to the group, up to 3 s of grace, then SIGKILL; reaps the direct child.
    pub(crate) fn stop(&mut self) {
        let pgid = self.pid();
        unsafe {
            libc::kill(-pgid, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            reap_group(pgid);
            let _ = self.child.try_wait();
            if !group_alive(pgid) || Instant::now() >= deadline {
                break;
            }
            std::thread::sleep(POLL);
        }
        if group_alive(pgid) {
            eprintln!(
                "[fidelia-e2e] {} (group {pgid}) ignored SIGTERM: SIGKILL",
                self.name
            );
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
            let deadline = Instant::now() + Duration::from_secs(2);
            while group_alive(pgid) && Instant::now() < deadline {
                reap_group(pgid);
                let _ = self.child.try_wait();
                std::thread::sleep(POLL);
            }
        }
        reap_group(pgid);
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Become a "child subreaper": the app and WebKit processes, orphaned when tauri-driver ends,
/// are re-parented to the test process (not to PID 1, which in containers often never reaps),
/// so [`reap_group`] can collect them instead of leaving zombies.
pub(crate) fn become_subreaper() {
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1 as libc::c_ulong);
    }
}

/// Collects the exited members of process group `pgid` that are our children.
pub(crate) fn reap_group(pgid: i32) {
    loop {
        let mut status = 0;
        let r = unsafe { libc::waitpid(-pgid, &mut status, libc::WNOHANG) };
        if r <= 0 {
            break;
        }
    }
}

/// Whether any live (non-zombie) process is still in process group `pgid`.
pub(crate) fn group_alive(pgid: i32) -> bool {
    let Ok(dir) = fs::read_dir("/proc") else {
        return unsafe { libc::kill(-pgid, 0) } == 0;
    };
    for entry in dir.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(stat) = fs::read_to_string(format!("/proc/{name}/stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp ...  -- comm may contain spaces: split after the last ')'.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let mut f = rest.split_whitespace();
        let state = f.next().unwrap_or("");
        let _ppid = f.next();
        let pgrp: i32 = f.next().and_then(|s| s.parse().ok()).unwrap_or(-1);
        if pgrp == pgid && state != "Z" && state != "X" {
            return true;
        }
    }
    false
}

pub(crate) fn record_pgid(pgid: u32) {
    if let Some(file) = std::env::var_os("FIDELIA_E2E_PIDFILE") {
        if let Ok(mut f) = OpenOptions::new().create(true).append(true).open(file) {
            let _ = writeln!(f, "{pgid}");
        }
    }
}

pub(crate) fn free_ports() -> (u16, u16) {
    let a = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let b = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    (
        a.local_addr().expect("local addr").port(),
        b.local_addr().expect("local addr").port(),
    )
}

/// Waits until something accepts TCP connections on 127.0.0.1:`port`, while `owner` runs.
pub(crate) fn wait_accepting(owner: &mut Proc, port: u16, limit: Duration) -> Result<(), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = owner.exited() {
            return Err(format!(
                "{} exited ({status}) before it listened",
                owner.name
            ));
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!("nothing accepted connections within {limit:?}"));
        }
        std::thread::sleep(POLL);
    }
}

/// Whether `pid` is a live process (not gone, not a zombie whose files are already closed).
pub(crate) fn process_running(pid: i32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .unwrap_or("");
            state != "Z" && state != "X"
        }
        Err(_) => false,
    }
}
