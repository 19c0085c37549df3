//! `raudit daemon` on the real kernel, and byte compatibility with auditd 3.0.9.
//!
//! Every test takes the machine-wide lock `/tmp/raudit-kernel.lock` for its
//! whole run and restores the kernel as found (rules deleted, pid released,
//! enabled/backlog/backlog_wait_time as before) through a guard, even on
//! panic. Tests skip loudly without root or when another process holds the
//! audit pid. Rules are tight: a watch on a temp file with a key.
//!
//! Byte compatibility is checked live, side by side: the real auditd
//! registered as the audit daemon and `raudit daemon --multicast` reading
//! the same records from the read-only log group, logs compared byte for
//! byte (RAW and ENRICHED, DAEMON_* records aside).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use raudit_netlink::AuditSocket;

mod common;
use common::daemon::{auditctl, read, start_raudit, tmpdir, write_conf};
use common::kernel::{guard, nix_kill, wait_for, KernelGuard};

#[test]
fn daemon_logs_rotates_and_stops() {
    let Some(mut g) = guard("daemon_logs_rotates_and_stops") else {
        return;
    };
    let d = g.own(tmpdir("life"));
    write_conf(&d, "log_format = RAW\nnum_logs = 3\n");
    let watched = d.join("watched");
    std::fs::write(&watched, "").unwrap();
    let pid = start_raudit(&mut g, &d, &[]);
    let log = d.join("log/audit.log");
    assert!(
        wait_for(
            || AuditSocket::open()
                .and_then(|mut s| s.get_status())
                .map(|s| s.pid)
                .ok()
                == Some(pid as u32),
            Duration::from_secs(3)
        ),
        "raudit did not register"
    );
    assert!(read(&log).starts_with("type=DAEMON_START msg=audit("));
    auditctl(&[
        "-w",
        &watched.to_string_lossy(),
        "-p",
        "wa",
        "-k",
        "raudit_dk_life",
    ]);
    std::fs::write(&watched, "x").unwrap();
    assert!(
        wait_for(
            || {
                // The whole event: its PATH and PROCTITLE records too.
                let l = read(&log);
                l.contains("key=\"raudit_dk_life\"")
                    && l.contains("type=PATH")
                    && l.contains("type=PROCTITLE")
            },
            Duration::from_secs(2)
        ),
        "event not in the log within 2 s:\n{}",
        read(&log)
    );
    assert!(!read(&log).contains("type=EOE"));
    // The real ausearch reads it.
    let out = Command::new("ausearch")
        .args(["-if"])
        .arg(&log)
        .args(["-k", "raudit_dk_life"])
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .expect("ausearch");
    assert!(out.status.success(), "ausearch found nothing");
    assert!(String::from_utf8_lossy(&out.stdout).contains("type=PATH"));
    // SIGUSR1: rotate now; the record goes to the new log.
    assert_eq!(nix_kill(pid, libc::SIGUSR1), 0);
    assert!(wait_for(
        || read(&log).contains("type=DAEMON_ROTATE"),
        Duration::from_secs(2)
    ));
    assert!(read(&d.join("log/audit.log.1")).contains("raudit_dk_life"));
    // SIGTERM: DAEMON_END, pid released.
    auditctl(&["-D"]);
    assert_eq!(nix_kill(pid, libc::SIGTERM), 0);
    let child = g.children.last_mut().unwrap();
    assert!(wait_for(
        || matches!(child.try_wait(), Ok(Some(_))),
        Duration::from_secs(5)
    ));
    assert!(read(&log).contains("type=DAEMON_END msg=audit("));
    let st = AuditSocket::open().unwrap().get_status().unwrap();
    assert_eq!(st.pid, 0);
    assert_eq!(st.enabled, g.saved.enabled, "enabled not restored");
}

/// Strips `type=NAME msg=` from a RAW line: the kernel's payload.
fn payload(raw: &str) -> Option<(u16, &str)> {
    let rest = raw.strip_prefix("type=")?;
    let sp = rest.find(' ')?;
    let name = &rest[..sp];
    let t = raudit_tables::msg_type_number(name).or_else(|| {
        name.strip_prefix("UNKNOWN[")?
            .strip_suffix(']')?
            .parse()
            .ok()
    })?;
    Some((t as u16, rest[sp + 1..].strip_prefix("msg=")?))
}

/// Lines between the two markers (inclusive), DAEMON_* records left out.
fn between_markers<'a>(text: &'a str, begin: &str, end: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut on = false;
    for l in text.lines() {
        if l.contains(begin) {
            on = true;
        }
        if on && !l.starts_with("type=DAEMON_") {
            out.push(l);
        }
        if on && l.contains(end) {
            break;
        }
    }
    out
}

/// One side-by-side round: the real auditd registered as the audit daemon
/// (unicast) and `raudit daemon --multicast` (the read-only log group) at
/// the same time, same `log_format`, same workload (a watched file, refused
/// `connect`s, `execve` of `/bin/true` by this test's children), bracketed
/// by two AUDIT_USER markers. Returns (auditd's log, raudit's log).
fn side_by_side_round(g: &mut KernelGuard, format: &str) -> (String, String) {
    let tag = format.to_ascii_lowercase();
    let da = g.own(tmpdir(&format!("sbs-auditd-{tag}")));
    let dr = g.own(tmpdir(&format!("sbs-raudit-{tag}")));
    write_conf(&da, &format!("log_format = {format}\n"));
    write_conf(&dr, &format!("log_format = {format}\n"));
    let watched = da.join("watched");
    std::fs::write(&watched, "").unwrap();
    // raudit first: it must be listening before the first marker.
    let rpid = start_raudit(g, &dr, &["--multicast"]);
    assert_eq!(
        AuditSocket::open().unwrap().get_status().unwrap().pid,
        0,
        "multicast mode registered as the audit daemon"
    );
    let child = Command::new("/usr/sbin/auditd")
        .args(["-n", "-c"])
        .arg(da.join("conf"))
        .spawn()
        .expect("auditd");
    let apid = child.id();
    g.children.push(child);
    assert!(
        wait_for(
            || AuditSocket::open()
                .and_then(|mut s| s.get_status())
                .map(|s| s.pid)
                .ok()
                == Some(apid),
            Duration::from_secs(5)
        ),
        "auditd did not register"
    );
    let me = std::process::id().to_string();
    auditctl(&[
        "-w",
        &watched.to_string_lossy(),
        "-p",
        "wa",
        "-k",
        "raudit_dk_compat",
    ]);
    auditctl(&[
        "-a",
        "always,exit",
        "-F",
        "arch=b64",
        "-S",
        "connect",
        "-F",
        "success=0",
        "-F",
        "key=raudit_dk_net",
    ]);
    auditctl(&[
        "-a",
        "always,exit",
        "-F",
        "arch=b64",
        "-S",
        "execve",
        "-F",
        &format!("ppid={me}"),
        "-F",
        "key=raudit_dk_exec",
    ]);
    let begin = format!("raudit-sbs-begin-{tag}-{me}");
    let end = format!("raudit-sbs-end-{tag}-{me}");
    let mut ctl = AuditSocket::open().unwrap();
    ctl.send_user_message(1005, begin.as_bytes()).unwrap();
    for _ in 0..3 {
        std::fs::write(&watched, "x").unwrap();
        let _ = std::net::TcpStream::connect_timeout(
            &"127.0.0.1:1".parse().unwrap(),
            Duration::from_millis(50),
        );
        let _ = std::net::TcpStream::connect_timeout(
            &"[::1]:1".parse().unwrap(),
            Duration::from_millis(50),
        );
        let _ = Command::new("/bin/true").status();
    }
    ctl.send_user_message(1005, end.as_bytes()).unwrap();
    let la = da.join("log/audit.log");
    let lr = dr.join("log/audit.log");
    assert!(
        wait_for(
            || read(&la).contains(&end) && read(&lr).contains(&end),
            Duration::from_secs(3)
        ),
        "end marker missing: auditd {} raudit {}",
        read(&la).contains(&end),
        read(&lr).contains(&end)
    );
    auditctl(&["-D"]);
    for pid in [apid as i32, rpid] {
        let _ = nix_kill(pid, libc::SIGTERM);
    }
    for c in g.children.iter_mut() {
        assert!(wait_for(
            || matches!(c.try_wait(), Ok(Some(_))),
            Duration::from_secs(5)
        ));
    }
    g.children.clear();
    let (a, r) = (read(&la), read(&lr));
    let wa = between_markers(&a, &begin, &end);
    let wr = between_markers(&r, &begin, &end);
    assert!(
        wa.iter().filter(|l| l.contains("raudit_dk_")).count() >= 12,
        "workload records missing from auditd's log:\n{a}"
    );
    if wa != wr {
        let first = wa.iter().zip(&wr).position(|(x, y)| x != y);
        panic!(
            "{format}: auditd (unicast) and raudit --multicast differ ({} vs {} lines; first difference at {first:?}):\nauditd: {:?}\nraudit: {:?}",
            wa.len(),
            wr.len(),
            first.and_then(|i| wa.get(i)),
            first.and_then(|i| wr.get(i)),
        );
    }
    eprintln!(
        "{format}: {} records byte-identical between auditd and raudit --multicast",
        wa.len()
    );
    real_tools_read_alike(format, (&a, &da), (&r, &dr), (&begin, &end));
    (a, r)
}

/// The real ausearch and aureport read raudit's log as they read auditd's. Each
/// log is cut to the marker window plus the daemon's own DAEMON_* records (the
/// two daemons started at different moments, so what precedes the window
/// differs): the real tools find the same daemon events in both, print the same
/// per-type, per-key and per-executable summaries, and nothing on stderr.
fn real_tools_read_alike(
    format: &str,
    auditd: (&str, &Path),
    raudit: (&str, &Path),
    (begin, end): (&str, &str),
) {
    if !Path::new("/usr/sbin/ausearch").exists() {
        eprintln!("SKIP real_tools_read_alike: no /usr/sbin/ausearch");
        return;
    }
    let cut = |(text, dir): (&str, &Path)| {
        let mut on = false;
        let mut kept = String::new();
        for l in text.lines() {
            on |= l.contains(begin);
            if on || l.starts_with("type=DAEMON_") || l.contains(" type=DAEMON_") {
                kept.push_str(l);
                kept.push('\n');
            }
            on &= !l.contains(end);
        }
        let path = dir.join("window.log");
        std::fs::write(&path, kept).unwrap();
        path
    };
    let (la, lr) = (cut(auditd), cut(raudit));
    let run = |prog: &str, args: &[&str], log: &Path| {
        let out = Command::new(prog)
            .args(args)
            .arg("-if")
            .arg(log)
            .env("TZ", "UTC")
            .env("LC_ALL", "C")
            .output()
            .expect(prog);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            err.is_empty(),
            "{format}: {prog} {args:?} on {log:?}: {err}"
        );
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let daemon_events = |log: &Path| {
        let (rc, out) = run(
            "/usr/sbin/ausearch",
            &["-m", "DAEMON_START,DAEMON_END", "-i"],
            log,
        );
        assert_eq!(rc, Some(0), "{format}: ausearch on {log:?}");
        (
            out.matches("type=DAEMON_START").count(),
            out.matches("type=DAEMON_END").count(),
        )
    };
    let theirs = daemon_events(&la);
    assert_eq!(
        theirs,
        (1, 1),
        "{format}: one start and one end in auditd's log"
    );
    assert_eq!(daemon_events(&lr), theirs, "{format}: daemon records");
    for args in [
        &["-e", "--summary"][..],
        &["-k", "--summary"],
        &["-x", "--summary"],
        &["-s", "--summary"],
    ] {
        let theirs = run("/usr/sbin/aureport", args, &la);
        assert_eq!(
            run("/usr/sbin/aureport", args, &lr),
            theirs,
            "{format}: aureport {args:?}"
        );
    }
    // the main summary: the same lines but the time range (the daemons' start and end)
    let main = |log: &Path| {
        let (rc, out) = run("/usr/sbin/aureport", &[], log);
        let rest: Vec<String> = out
            .lines()
            .filter(|l| !l.starts_with("Selected time") && !l.starts_with("Range of time"))
            .map(str::to_string)
            .collect();
        (rc, rest)
    };
    assert_eq!(main(&lr), main(&la), "{format}: aureport summary");
}

/// Byte compatibility side by side, live: the real auditd as the unicast
/// daemon and `raudit daemon --multicast` at the same time on the same
/// workload, in ENRICHED and in RAW; the logs must be byte-identical apart
/// from DAEMON_* records. Also, offline: every record auditd wrote
/// (ENRICHED) is re-formatted by raudit's formatter from its raw part.
///
/// (Session 1 found no multicast records here: raudit's multicast socket
/// was never bound, so its netlink port id stayed 0 — the kernel's own —
/// and the kernel's broadcast skips members with the sender's port id.
/// `AuditSocket::join_readlog` now binds first.)
#[test]
fn enriched_and_raw_match_auditd() {
    let Some(mut g) = guard("enriched_and_raw_match_auditd") else {
        return;
    };
    if !Path::new("/usr/sbin/auditd").exists() {
        eprintln!("SKIP enriched_and_raw_match_auditd: no /usr/sbin/auditd");
        return;
    }
    let (enriched, _) = side_by_side_round(&mut g, "ENRICHED");
    side_by_side_round(&mut g, "RAW");
    let names = raudit_daemon::names::SystemNames::default();
    let mut compared = 0;
    for line in enriched
        .as_bytes()
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
    {
        let raw_part = match line.iter().position(|&b| b == 0x1d) {
            Some(p) => &line[..p],
            None => line,
        };
        let raw_s = String::from_utf8_lossy(raw_part);
        let Some((t, p)) = payload(&raw_s) else {
            continue;
        };
        let mut raw = Vec::new();
        raudit_daemon::format::format_raw(t, Some(p.as_bytes()), None, &mut raw);
        assert_eq!(String::from_utf8_lossy(&raw), raw_s, "RAW differs");
        let mut enr = Vec::new();
        raudit_daemon::format::format_enriched(t, Some(p.as_bytes()), None, &names, &mut enr);
        raudit_daemon::format::clamp_line(&mut enr, 0);
        assert_eq!(
            String::from_utf8_lossy(&enr).replace('\x1d', "|"),
            String::from_utf8_lossy(line).replace('\x1d', "|"),
            "ENRICHED differs"
        );
        compared += 1;
    }
    assert!(compared >= 20, "only {compared} records compared");
    eprintln!("re-formatted {compared} auditd records byte for byte (RAW and ENRICHED)");
}

/// `raudit autrace` under a running `raudit daemon`: the trace reaches the daemon's
/// log, the closing line names the search, and `raudit search -i -p PID` (and the real
/// ausearch, when installed) find the traced process; no rule is left loaded.
#[test]
fn autrace_trace_is_logged_and_searchable() {
    let Some(mut g) = guard("autrace_trace_is_logged_and_searchable") else {
        return;
    };
    let d = g.own(tmpdir("autrace"));
    write_conf(&d, "");
    start_raudit(&mut g, &d, &[]);
    let log = d.join("log/audit.log");
    assert!(wait_for(
        || read(&log).contains("DAEMON_START"),
        Duration::from_secs(5)
    ));
    let out = Command::new(env!("CARGO_BIN_EXE_raudit"))
        .args(["autrace", "/bin/true"])
        .output()
        .expect("autrace");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "autrace: {text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pid: u32 = text
        .split("ausearch -i -p ")
        .nth(1)
        .and_then(|s| {
            s.trim_matches(|c: char| !c.is_ascii_digit())
                .split(|c: char| !c.is_ascii_digit())
                .next()
        })
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no search hint in: {text}"));
    let needle = format!(" pid={pid} ");
    assert!(
        wait_for(|| read(&log).contains(&needle), Duration::from_secs(2)),
        "trace of {pid} not in the log"
    );
    // The daemon may still be draining the trace: compare a settled log
    // (no growth for half a second), or both tools read different files.
    let mut last = (0, Instant::now());
    assert!(
        wait_for(
            || {
                let n = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
                if n != last.0 {
                    last = (n, Instant::now());
                }
                last.1.elapsed() >= Duration::from_millis(500)
            },
            Duration::from_secs(10)
        ),
        "the log kept growing"
    );
    let rules = Command::new("auditctl")
        .arg("-l")
        .output()
        .expect("auditctl -l");
    assert_eq!(String::from_utf8_lossy(&rules.stdout).trim(), "No rules");
    let lp = log.to_str().unwrap();
    let ps = pid.to_string();
    let ours = Command::new(env!("CARGO_BIN_EXE_raudit"))
        .args(["search", "-if", lp, "-i", "-p", &ps])
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .expect("search");
    assert_eq!(ours.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&ours.stdout).contains("syscall=execve"));
    if Path::new("/usr/sbin/ausearch").exists() {
        let real = Command::new("/usr/sbin/ausearch")
            .args(["-if", lp, "-i", "-p", &ps])
            .env("TZ", "UTC")
            .env("LC_ALL", "C")
            .output()
            .expect("ausearch");
        assert_eq!(
            ours.stdout, real.stdout,
            "raudit search and ausearch differ on the trace"
        );
    }
    drop(g);
}
