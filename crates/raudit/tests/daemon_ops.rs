//! `raudit daemon` operations on the real kernel: the end-to-end canary and
//! its alarm, every signal with its sender, a kernel that refuses
//! registration, a malformed auditd.conf, and (in `daemon_disk.rs`) the
//! disk-space actions on a small tmpfs.
//!
//! Every kernel test holds the shared guard (`tests/common/kernel.rs`): the
//! machine-wide lock, a loud skip without root or when another process holds
//! the audit pid, and the kernel's audit state restored on drop (the daemon
//! stopped, rules deleted, pid released, enabled/backlog as found).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use raudit_netlink::AuditSocket;

mod common;
use common::daemon::{auditctl, read, registered, start_raudit, status, tmpdir, write_conf};
use common::kernel::{guard, nix_kill, wait_for, KernelGuard};

/// Sends SIGTERM to the last daemon started and waits for it to exit.
fn stop_last(g: &mut KernelGuard, pid: i32) -> std::process::ExitStatus {
    assert_eq!(nix_kill(pid, libc::SIGTERM), 0);
    let c = g.children.last_mut().expect("a daemon");
    let mut st = None;
    assert!(
        wait_for(
            || {
                st = c.try_wait().ok().flatten();
                st.is_some()
            },
            Duration::from_secs(5)
        ),
        "daemon did not stop"
    );
    g.children.pop();
    st.unwrap()
}

/// The canary: with `raudit_canary_interval = 1` markers go through the
/// kernel and come back into the log; a user-filter `never` rule for the
/// daemon's pid (tight, deleted after) makes them vanish — the alarm is
/// raised (log line, DAEMON_ERR record, state); deleting the rule clears
/// it; disabling audit raises it again.
#[test]
fn canary_comes_back_and_raises_the_alarm() {
    let Some(mut g) = guard("canary_comes_back_and_raises_the_alarm") else {
        return;
    };
    let d = g.own(tmpdir("canary"));
    write_conf(
        &d,
        "log_format = RAW\nraudit_canary_interval = 1\nraudit_canary_timeout = 1\n",
    );
    let pid = start_raudit(&mut g, &d, &[]);
    assert!(wait_for(|| registered(pid), Duration::from_secs(3)));
    let log = d.join("log/audit.log");
    let err = d.join("stderr");
    let marker = format!("raudit-canary daemon={pid} seq=");
    assert!(
        wait_for(|| read(&log).contains(&marker), Duration::from_secs(3)),
        "no canary marker in the log:\n{}",
        read(&log)
    );
    let st = status(&d);
    assert!(st.contains("canary = every 1 s, timeout 1 s"), "{st}");
    assert!(!st.contains("returned = 0,"), "{st}");
    // Make the markers vanish: a user-filter rule for the daemon's pid only.
    let p = pid.to_string();
    let rule = ["user,never", "-F", &format!("pid={p}")];
    auditctl(&["-a", rule[0], rule[1], rule[2]]);
    assert!(
        wait_for(
            || read(&log).contains("op=canary-alarm"),
            Duration::from_secs(5)
        ),
        "no alarm record; stderr:\n{}",
        read(&err)
    );
    assert!(read(&err).contains("did not come back within 1 s"));
    assert!(status(&d).contains("canary alarm = yes"));
    auditctl(&["-d", rule[0], rule[1], rule[2]]);
    assert!(
        wait_for(
            || read(&err).contains("came back: canary alarm cleared"),
            Duration::from_secs(5)
        ),
        "alarm not cleared; stderr:\n{}",
        read(&err)
    );
    assert!(status(&d).contains("canary alarm = no"));
    // Audit disabled: AUDIT_USER messages are not logged at all.
    auditctl(&["-e", "0"]);
    assert!(
        wait_for(
            || read(&log).matches("op=canary-alarm").count() >= 2,
            Duration::from_secs(5)
        ),
        "no second alarm with audit disabled"
    );
    auditctl(&["-e", "1"]);
    assert!(wait_for(
        || read(&err).matches("canary alarm cleared").count() >= 2,
        Duration::from_secs(5)
    ));
    assert!(stop_last(&mut g, pid).success());
}

/// Every signal, each record naming the sender (this test: its pid and
/// loginuid): HUP reloads (DAEMON_CONFIG), USR1 rotates (DAEMON_ROTATE),
/// USR2 resumes (DAEMON_RESUME), CONT writes the state report, TERM stops
/// (DAEMON_END); signals auditd ignores leave it running.
#[test]
fn signals_name_their_sender() {
    let Some(mut g) = guard("signals_name_their_sender") else {
        return;
    };
    let d = g.own(tmpdir("signals"));
    write_conf(&d, "log_format = RAW\nnum_logs = 3\n");
    let pid = start_raudit(&mut g, &d, &[]);
    assert!(wait_for(|| registered(pid), Duration::from_secs(3)));
    let log = d.join("log/audit.log");
    let me = std::process::id();
    // The kernel reports the sender's loginuid, or its uid when unset.
    let auid = match std::fs::read_to_string("/proc/self/loginuid")
        .unwrap()
        .trim()
    {
        "4294967295" => "0".to_string(),
        l => l.to_string(),
    };
    // HUP: reload; the config record names the sender.
    assert_eq!(nix_kill(pid, libc::SIGHUP), 0);
    let want = format!("op=reconfigure state=changed auid={auid} pid={me} ");
    assert!(
        wait_for(|| read(&log).contains(&want), Duration::from_secs(3)),
        "no DAEMON_CONFIG with {want}:\n{}",
        read(&log)
    );
    assert!(read(&log).contains("type=DAEMON_CONFIG msg=audit("));
    // USR1: rotate; the record opens the new log.
    assert_eq!(nix_kill(pid, libc::SIGUSR1), 0);
    let want = format!("op=rotate-logs auid={auid} uid=0 ");
    assert!(wait_for(
        || read(&log).contains(&want) && read(&log).contains(&format!(" pid={me} res=success")),
        Duration::from_secs(3)
    ));
    assert!(read(&d.join("log/audit.log.1")).contains("DAEMON_CONFIG"));
    assert!(read(&log).starts_with("type=DAEMON_ROTATE msg=audit("));
    // USR2: resume (nothing was suspended: still a record).
    assert_eq!(nix_kill(pid, libc::SIGUSR2), 0);
    let want = format!("op=resume-logging auid={auid} uid=0 ");
    assert!(wait_for(
        || read(&log).contains(&want),
        Duration::from_secs(3)
    ));
    // Ignored signals.
    for sig in [libc::SIGINT, libc::SIGQUIT, libc::SIGPIPE, libc::SIGALRM] {
        assert_eq!(nix_kill(pid, sig), 0);
    }
    // CONT: the state report (also what --status prints), every counter.
    let st = status(&d);
    for k in [
        "kernel lost = ",
        "kernel lost since start = ",
        "kernel backlog = ",
        "sequence gaps = ",
        "enobufs = ",
        "records per second = ",
        "events per second = ",
        "queue depth = ",
        "bytes written = ",
        "last record time = ",
        "logging suspended = no",
    ] {
        assert!(st.contains(k), "state report lacks {k:?}:\n{st}");
    }
    assert!(read(&d.join("state")).contains("audit version = 3.0.9"));
    // TERM: the end record names the sender; the daemon exits 0.
    assert!(stop_last(&mut g, pid).success());
    let want = format!("op=terminate auid={auid} uid=0 ");
    let text = read(&log);
    let end = text
        .lines()
        .find(|l| l.starts_with("type=DAEMON_END"))
        .unwrap_or_else(|| panic!("no DAEMON_END:\n{text}"));
    assert!(
        end.contains(&want) && end.contains(&format!(" pid={me} res=success")),
        "{end}"
    );
}

/// Another process holds the audit pid: raudit says who and exits non-zero
/// without touching it (this test registers itself as the holder; the
/// guard releases it).
#[test]
fn registration_refused_names_the_holder() {
    let Some(g) = guard("registration_refused_names_the_holder") else {
        return;
    };
    let d = tmpdir("holder");
    write_conf(&d, "log_format = RAW\n");
    let mut holder = AuditSocket::open().unwrap();
    holder.set_pid(std::process::id()).unwrap();
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
    assert_ne!(out.status.code(), Some(0), "{err}");
    let me = std::process::id();
    assert!(
        err.contains(&format!(
            "Unable to set audit pid, exiting: the audit pid is held by pid {me} ("
        )),
        "{err}"
    );
    assert_eq!(
        AuditSocket::open().unwrap().get_status().unwrap().pid,
        me,
        "raudit took the pid"
    );
    assert!(read(&d.join("log/audit.log")).contains("op=set-pid"));
    assert!(!d.join("pid").exists());
    holder.set_pid(0).unwrap();
    drop(g);
}

/// A malformed auditd.conf: auditd's messages (with the line) and exit 6,
/// compared with the real auditd when it is installed. Nothing reaches the
/// kernel (both stop before opening the audit socket).
#[test]
fn malformed_config_exits_6_like_auditd() {
    // SAFETY: geteuid never fails.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("SKIP malformed_config_exits_6_like_auditd: needs root");
        return;
    }
    let d = tmpdir("badconf");
    for (i, bad) in [
        "num_logs = many\n",
        "log_format = JSONISH\n",
        "bogus_keyword = 1\n",
        "space_left_action = exec\n",
        "raudit_canary_interval = soon\n",
    ]
    .iter()
    .enumerate()
    {
        write_conf(&d, &format!("log_format = RAW\n{bad}"));
        let ours = Command::new(env!("CARGO_BIN_EXE_raudit"))
            .args(["daemon", "-f", "-c"])
            .arg(d.join("conf"))
            .output()
            .expect("raudit daemon");
        let oe = String::from_utf8_lossy(&ours.stderr).into_owned();
        assert_eq!(ours.status.code(), Some(6), "{bad}: {oe}");
        assert!(
            oe.contains("- line 5") || oe.contains("line 5 of") || oe.contains("for line 5"),
            "{bad}: {oe}"
        );
        // raudit's own keyword: auditd does not know it.
        if i == 4 || !Path::new("/usr/sbin/auditd").exists() {
            continue;
        }
        let real = Command::new("/usr/sbin/auditd")
            .args(["-f", "-c"])
            .arg(d.join("conf"))
            .output()
            .expect("auditd");
        assert_eq!(real.status.code(), Some(6), "auditd accepted {bad}");
        assert_eq!(
            oe,
            String::from_utf8_lossy(&real.stderr),
            "messages differ for {bad}"
        );
    }
}
