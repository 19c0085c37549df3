//! `raudit daemon` disk handling on the real kernel: the log on a tmpfs of a
//! few MiB filled with large AUDIT_USER records until `space_left`,
//! `admin_space_left` and `disk_full` fire, each configured action checked
//! (syslog line, `exec` of a script with no arguments, `suspend`, `rotate`,
//! `single`/`halt` through `RAUDIT_DAEMON_INIT` — never the real init),
//! SIGUSR2 resuming, size rotation (`rotate`, `keep_logs`), a read-only
//! file system and a log directory that vanishes.
//!
//! Each test holds the kernel guard (lock, loud skip, restore; the daemon
//! is stopped by the guard, then the test's directory removed) and unmounts
//! its tmpfs in a drop guard, even on panic (lazily: the daemon may still
//! hold the log open then; the tmpfs is declared after the guard so it is
//! unmounted before the directory is removed).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use raudit_netlink::AuditSocket;

mod common;
use common::daemon::{read, registered, start_raudit, status, tmpdir, write_conf_log};
use common::kernel::{guard, nix_kill, wait_for, KernelGuard};
use common::tmp::Tmpfs;

/// One daemon run: its directory, tmpfs, pid and a control socket.
struct Run {
    d: PathBuf,
    pid: i32,
    log: PathBuf,
    ctl: AuditSocket,
    sent: usize,
}

impl Run {
    fn err(&self) -> String {
        read(&self.d.join("stderr"))
    }

    /// Sends one ~8 KiB AUDIT_USER record.
    fn send(&mut self) {
        self.sent += 1;
        let text = format!("raudit-fill n={} {}", self.sent, "x".repeat(8000));
        self.ctl.send_user_message(1005, text.as_bytes()).unwrap();
    }

    /// Sends records until `cond` holds (checked every 4 records and at the
    /// end for up to 2 s); at most `max` records.
    fn fill_until(&mut self, max: usize, cond: impl Fn(&Run) -> bool) -> bool {
        for i in 0..max {
            if i % 4 == 0 && cond(self) {
                return true;
            }
            self.send();
        }
        wait_for(|| cond(self), Duration::from_secs(2))
    }

    fn signal(&self, sig: i32) {
        assert_eq!(nix_kill(self.pid, sig), 0);
    }
}

/// An executable script that appends `$0|$#|$*` to `OUT`.
fn script(path: &Path, out: &Path) {
    std::fs::write(
        path,
        format!("#!/bin/sh\necho \"$0|$#|$*\" >> {}\n", out.display()),
    )
    .unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A private directory (scripts in it), the log at `log_dir/audit.log`.
fn start(g: &mut KernelGuard, d: &Path, log_dir: &Path, conf: &str) -> Run {
    let log = log_dir.join("audit.log");
    let space = if conf.contains("space_left =") {
        ""
    } else {
        "space_left = 2\nadmin_space_left = 1\n"
    };
    write_conf_log(d, &log, space, &format!("log_format = RAW\n{conf}"));
    let pid = start_raudit(g, d, &[]);
    assert!(
        wait_for(|| registered(pid), Duration::from_secs(3)),
        "not registered; stderr:\n{}",
        read(&d.join("stderr"))
    );
    Run {
        d: d.to_path_buf(),
        pid,
        log,
        ctl: AuditSocket::open().unwrap(),
        sent: 0,
    }
}

fn stop(g: &mut KernelGuard, r: &Run) {
    r.signal(libc::SIGTERM);
    let c = g.children.last_mut().unwrap();
    assert!(wait_for(
        || matches!(c.try_wait(), Ok(Some(_))),
        Duration::from_secs(5)
    ));
    g.children.pop();
}

fn size(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// space_left → syslog, admin_space_left → single (init run with "1"),
/// disk_full → suspend (nothing more written); a read-only remount makes
/// SIGUSR2's reopen fail (disk_error_action syslog); back read-write with
/// the old log removed, SIGUSR2 resumes into a new log.
#[test]
fn syslog_single_suspend_readonly_resume() {
    let Some(mut g) = guard("syslog_single_suspend_readonly_resume") else {
        return;
    };
    let d = g.own(tmpdir("disk-a"));
    let fs = Tmpfs::mount(&d.join("mnt"), "4m").unwrap();
    script(&d.join("init"), &d.join("init.out"));
    let mut r = start(
        &mut g,
        &d,
        &d.join("mnt"),
        "space_left = 3\nspace_left_action = syslog\nadmin_space_left = 2\n\
         admin_space_left_action = single\ndisk_full_action = suspend\n",
    );
    let full = "Audit daemon is suspending logging due to no space left on logging partition.";
    assert!(
        r.fill_until(800, |r| r.err().contains(full)),
        "disk_full suspend not reached after {} records:\n{}",
        r.sent,
        r.err()
    );
    let err = r.err();
    let low = err
        .find("Audit daemon is low on disk space for logging")
        .expect("space_left syslog line");
    let single = err
        .find("The audit daemon is now changing the system to single user mode")
        .expect("admin_space_left single line");
    let nospace = err
        .find("Audit daemon has no space left on logging partition")
        .expect("disk_full line");
    assert!(low < single && single < nospace, "{err}");
    assert!(wait_for(
        || read(&d.join("init.out")).contains("|1|1"),
        Duration::from_secs(2)
    ));
    // Suspended: more records, no growth.
    std::thread::sleep(Duration::from_millis(200));
    let before = size(&r.log);
    for _ in 0..5 {
        r.send();
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(size(&r.log), before, "written while suspended");
    assert!(status(&d).contains("logging suspended = yes"));
    // Read-only: resuming cannot reopen the log.
    fs.remount("ro");
    let mark = r.err().len();
    r.signal(libc::SIGUSR2);
    assert!(
        wait_for(
            || r.err()[mark..].contains("Could not reopen a log after resume logging"),
            Duration::from_secs(3)
        ),
        "{}",
        r.err()
    );
    assert!(r.err()[mark..].contains(
        "resume: Audit daemon detected an error writing an event to disk (Input/output error)"
    ));
    // Read-write, old log moved away: SIGUSR2 resumes into a new log.
    fs.remount("rw");
    std::fs::remove_file(&r.log).unwrap();
    r.signal(libc::SIGUSR2);
    assert!(
        wait_for(
            || read(&r.log).contains("type=DAEMON_RESUME"),
            Duration::from_secs(3)
        ),
        "{}",
        r.err()
    );
    let me = format!(" pid={} res=success", std::process::id());
    assert!(read(&r.log).contains(&me));
    r.send();
    let n = format!("raudit-fill n={} ", r.sent);
    assert!(wait_for(
        || read(&r.log).contains(&n),
        Duration::from_secs(2)
    ));
    stop(&mut g, &r);
    drop(fs);
    drop(g);
}

/// space_left → exec (the script runs with no arguments; logging is
/// suspended, as auditd does); SIGUSR2 resumes, the space is still low so
/// it runs again; admin_space_left → halt (init run with "0") and
/// disk_full → exec in a second run.
#[test]
fn exec_and_halt_actions() {
    let Some(mut g) = guard("exec_and_halt_actions") else {
        return;
    };
    let d = g.own(tmpdir("disk-b"));
    let fs = Tmpfs::mount(&d.join("mnt"), "4m").unwrap();
    script(&d.join("sl.sh"), &d.join("sl.out"));
    script(&d.join("df.sh"), &d.join("df.out"));
    script(&d.join("init"), &d.join("init.out"));
    let sl = d.join("sl.sh");
    let mut r = start(
        &mut g,
        &d,
        &d.join("mnt"),
        &format!(
            "space_left = 3\nspace_left_action = exec {}\nadmin_space_left = 1\n",
            sl.display()
        ),
    );
    assert!(
        r.fill_until(400, |_| read(&d.join("sl.out")).lines().count() == 1),
        "space_left exec not run:\n{}",
        r.err()
    );
    assert_eq!(read(&d.join("sl.out")), format!("{}|0|\n", sl.display()));
    assert!(status(&d).contains("logging suspended = yes"));
    r.signal(libc::SIGUSR2);
    assert!(wait_for(
        || read(&r.log).contains("type=DAEMON_RESUME"),
        Duration::from_secs(3)
    ));
    assert!(
        r.fill_until(20, |_| read(&d.join("sl.out")).lines().count() == 2),
        "space_left exec not run again after resume:\n{}",
        r.err()
    );
    stop(&mut g, &r);
    std::fs::remove_file(&r.log).unwrap();

    // Second run: admin_space_left → halt, disk_full → exec.
    let df = d.join("df.sh");
    let mut r = start(
        &mut g,
        &d,
        &d.join("mnt"),
        &format!(
            "space_left = 3\nspace_left_action = ignore\nadmin_space_left = 2\n\
             admin_space_left_action = halt\ndisk_full_action = exec {}\n",
            df.display()
        ),
    );
    assert!(
        r.fill_until(800, |_| read(&d.join("df.out")).contains("|0|")),
        "disk_full exec not run:\n{}",
        r.err()
    );
    assert_eq!(
        read(&d.join("init.out")).trim_end(),
        format!("{}|1|0", d.join("init").display())
    );
    assert!(r
        .err()
        .contains("The audit daemon is now halting the system"));
    assert!(r
        .err()
        .contains("Audit daemon has no space left on logging partition"));
    assert!(status(&d).contains("logging suspended = yes"));
    stop(&mut g, &r);
    drop(fs);
    drop(g);
}

/// Rotation: space_left → rotate (num_logs 2), then by size with
/// max_log_file_action rotate (num_logs 3: never a `.3`) and keep_logs
/// (num_logs 2, yet `.1`, `.2`, `.3` are kept).
#[test]
fn rotate_on_space_and_size_and_keep_logs() {
    let Some(mut g) = guard("rotate_on_space_and_size_and_keep_logs") else {
        return;
    };
    let d = g.own(tmpdir("disk-c"));
    let fs = Tmpfs::mount(&d.join("mnt"), "4m").unwrap();
    let mnt = d.join("mnt");
    let mut r = start(
        &mut g,
        &d,
        &mnt,
        "num_logs = 2\nspace_left = 3\nspace_left_action = rotate\nadmin_space_left = 1\n",
    );
    assert!(
        r.fill_until(400, |r| r.err().contains("Audit daemon rotating log files")),
        "{}",
        r.err()
    );
    // The message comes just before the rename.
    assert!(wait_for(
        || mnt.join("audit.log.1").exists(),
        Duration::from_secs(2)
    ));
    stop(&mut g, &r);
    drop(fs);

    // Size rotation in a plain directory: 1 MiB logs.
    for (action, num, want, not) in [
        (
            "rotate",
            3,
            &["audit.log.1", "audit.log.2"][..],
            "audit.log.3",
        ),
        (
            "keep_logs",
            2,
            &["audit.log.1", "audit.log.2", "audit.log.3"][..],
            "audit.log.4",
        ),
    ] {
        let ld = d.join(format!("size-{action}"));
        std::fs::create_dir_all(&ld).unwrap();
        let mut r = start(
            &mut g,
            &d,
            &ld,
            &format!("num_logs = {num}\nmax_log_file = 1\nmax_log_file_action = {action}\n"),
        );
        // 1 MiB is about 128 records of 8 KiB: four logs' worth.
        assert!(r.fill_until(600, |_| ld.join(want[want.len() - 1]).exists()));
        for _ in 0..140 {
            r.send();
        }
        std::thread::sleep(Duration::from_millis(300));
        for w in want {
            assert!(ld.join(w).exists(), "{action}: no {w}");
            assert!(
                size(&ld.join(w)) >= 1 << 20,
                "{action}: {w} smaller than 1 MiB"
            );
        }
        if action == "rotate" {
            assert!(!ld.join(not).exists(), "{action}: {not} exists");
        }
        stop(&mut g, &r);
    }
    drop(g);
}

/// The log directory vanishes under a running daemon: rotating (SIGUSR1)
/// cannot reopen the log (auditd's messages, logging suspended, the daemon
/// keeps running); once the directory is back SIGUSR2 resumes into it.
#[test]
fn log_directory_vanishes() {
    let Some(mut g) = guard("log_directory_vanishes") else {
        return;
    };
    let d = g.own(tmpdir("vanish"));
    let ld = d.join("vlog");
    std::fs::create_dir_all(&ld).unwrap();
    let mut r = start(&mut g, &d, &ld, "num_logs = 3\n");
    r.send();
    assert!(wait_for(
        || read(&r.log).contains("raudit-fill n=1 "),
        Duration::from_secs(2)
    ));
    std::fs::remove_dir_all(&ld).unwrap();
    r.signal(libc::SIGUSR1);
    assert!(
        wait_for(
            || r.err().contains("Could not reopen a log after rotating."),
            Duration::from_secs(3)
        ),
        "{}",
        r.err()
    );
    assert!(r.err().contains(&format!(
        "Couldn't create log file {} (No such file or directory)",
        r.log.display()
    )));
    r.send();
    assert!(status(&d).contains("logging suspended = yes"));
    std::fs::create_dir_all(&ld).unwrap();
    r.signal(libc::SIGUSR2);
    assert!(
        wait_for(
            || read(&r.log).contains("type=DAEMON_RESUME"),
            Duration::from_secs(3)
        ),
        "{}",
        r.err()
    );
    r.send();
    let n = format!("raudit-fill n={} ", r.sent);
    assert!(wait_for(
        || read(&r.log).contains(&n),
        Duration::from_secs(2)
    ));
    stop(&mut g, &r);
    drop(g);
}

/// The log on a read-only file system at start: auditd's messages, exit 1,
/// the kernel left as found.
#[test]
fn read_only_log_at_start() {
    let Some(mut g) = guard("read_only_log_at_start") else {
        return;
    };
    let d = g.own(tmpdir("ro"));
    let fs = Tmpfs::mount(&d.join("mnt"), "1m").unwrap();
    fs.remount("ro");
    write_conf_log(
        &d,
        &d.join("mnt/audit.log"),
        "space_left = 2\nadmin_space_left = 1\n",
        "log_format = RAW\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_raudit"))
        .args(["daemon", "-n", "-c"])
        .arg(d.join("conf"))
        .arg("--pid-file")
        .arg(d.join("pid"))
        .arg("--state-file")
        .arg(d.join("state"))
        .env("RAUDIT_DAEMON_STDERR", "1")
        .output()
        .expect("raudit daemon");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "Couldn't create log file {}/mnt/audit.log (Read-only file system)",
            d.display()
        )),
        "{err}"
    );
    let st = AuditSocket::open().unwrap().get_status().unwrap();
    assert_eq!((st.pid, st.enabled), (0, g.saved.enabled));
    drop(fs);
    drop(g);
}
