//! The plugin dispatcher of `raudit daemon` on the real kernel: string and
//! binary formats against the log, a slow plugin that overflows without
//! delaying anything else, a crashing plugin restarted, SIGHUP adding and
//! removing plugins, and the real Debian plugins (`audisp-syslog`, the
//! builtin `af_unix` in both formats, `audisp-remote` sending to a real
//! `auditd` collector) run from their stock config files; and the real
//! auditd beside `raudit daemon --multicast`, both with the stock `af_unix`
//! plugin: the same bytes on both sockets.
//!
//! Every test holds the kernel guard (lock, skip loudly, restore on drop)
//! and loads only a watch on a temp file.

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use raudit_wire::audisp::{BinaryDecoder, Layout};

mod common;
use common::kernel::{guard, nix_kill, wait_for, KernelGuard};
use common::tmp::TempDir;

fn tmpdir(tag: &str) -> TempDir {
    TempDir::with_subdirs(&format!("dp-{tag}"), &["log", "conf", "plugins", "out"])
}

fn write_conf(d: &Path, extra: &str) {
    std::fs::write(
        d.join("conf/auditd.conf"),
        format!(
            "log_file = {}/log/audit.log\nspace_left = 75\nadmin_space_left = 50\nplugin_dir = {}/plugins\n{extra}",
            d.display(),
            d.display()
        ),
    )
    .unwrap();
}

/// A root-owned 0750 shell script.
fn script(path: &Path, body: &str) {
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o750)).unwrap();
}

fn plugin(d: &Path, file: &str, body: &str) {
    let p = d.join("plugins").join(file);
    std::fs::write(&p, body).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
}

/// A plugin that appends its stdin to a file.
fn recorder(d: &Path, file: &str, out: &str, format: &str) {
    let rec = d.join("rec");
    if !rec.exists() {
        script(&rec, "exec cat >> \"$1\"");
    }
    plugin(
        d,
        file,
        &format!(
            "active = yes\ndirection = out\npath = {}\ntype = always\nargs = {}\nformat = {format}\n",
            rec.display(),
            d.join("out").join(out).display()
        ),
    );
}

fn read(p: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned()
}

/// Starts `raudit daemon -n` (optionally through a wrapper command); its pid.
fn start_raudit(g: &mut KernelGuard, d: &Path, wrapper: &[&str]) -> i32 {
    let pidf = d.join("pid");
    let exe = env!("CARGO_BIN_EXE_raudit");
    let mut cmd = if wrapper.is_empty() {
        Command::new(exe)
    } else {
        let mut c = Command::new(wrapper[0]);
        c.args(&wrapper[1..]).arg(exe);
        c
    };
    if wrapper.is_empty() && multicast_flag(d) {
        cmd.arg("daemon").arg("--multicast");
    } else {
        cmd.arg("daemon");
    }
    let child = cmd
        .args(["-n", "-c"])
        .arg(d.join("conf"))
        .arg("--pid-file")
        .arg(&pidf)
        .arg("--state-file")
        .arg(d.join("state"))
        .env("RAUDIT_DAEMON_STDERR", "1")
        .env("RAUDIT_DAEMON_INIT", "/bin/false")
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .stderr(std::fs::File::create(d.join("stderr")).unwrap())
        .spawn()
        .expect("spawn raudit daemon");
    g.children.push(child);
    assert!(
        wait_for(|| pidf.exists(), Duration::from_secs(5)),
        "no pid file; stderr:\n{}",
        read(&d.join("stderr"))
    );
    let pid = std::fs::read_to_string(&pidf)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    if wrapper.is_empty() && multicast_flag(d) {
        return pid;
    }
    // Registered (and so auditing enabled) before the test loads rules.
    assert!(
        wait_for(
            || raudit_netlink::AuditSocket::open()
                .and_then(|mut s| s.get_status())
                .map(|s| s.pid)
                .ok()
                == Some(pid as u32),
            Duration::from_secs(5)
        ),
        "raudit did not register; stderr:\n{}",
        read(&d.join("stderr"))
    );
    pid
}

fn stop_raudit(g: &mut KernelGuard, pid: i32) {
    assert_eq!(nix_kill(pid, libc::SIGTERM), 0);
    let c = g.children.last_mut().unwrap();
    assert!(wait_for(
        || matches!(c.try_wait(), Ok(Some(_))),
        Duration::from_secs(8)
    ));
}

/// A test directory whose daemon runs `--multicast` (marked by a file).
fn multicast_flag(d: &Path) -> bool {
    d.join("multicast").exists()
}

/// `raudit daemon --status`.
fn status(d: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_raudit"))
        .args(["daemon", "--status", "--pid-file"])
        .arg(d.join("pid"))
        .arg("--state-file")
        .arg(d.join("state"))
        .output()
        .expect("status");
    assert!(out.status.success(), "--status failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The value after `word ` in the status line of plugin `name`.
fn plugin_stat(st: &str, name: &str, word: &str) -> Option<u64> {
    let line = st
        .lines()
        .find(|l| l.starts_with(&format!("plugin {name} = ")))?;
    let i = line.find(&format!(" {word} "))?;
    line[i + word.len() + 2..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

fn auditctl(args: &[&str]) {
    let st = Command::new("auditctl")
        .args(args)
        .stdout(Stdio::null())
        .status()
        .expect("auditctl");
    assert!(st.success(), "auditctl {args:?}");
}

fn watch(file: &Path, key: &str) {
    auditctl(&["-w", &file.to_string_lossy(), "-p", "wa", "-k", key]);
}

/// `audit(…)` of a line.
fn event_id(line: &str) -> Option<&str> {
    let i = line.find("msg=audit(")?;
    let rest = &line[i + 4..];
    Some(&rest[..rest.find(')')? + 1])
}

/// The log's lines of the events that carry `key`, in log order.
fn keyed_events(log: &str, key: &str) -> (Vec<String>, std::collections::HashSet<String>) {
    let ids: std::collections::HashSet<String> = log
        .lines()
        .filter(|l| l.contains(&format!("key=\"{key}\"")))
        .filter_map(event_id)
        .map(str::to_string)
        .collect();
    let lines = log
        .lines()
        .filter(|l| event_id(l).is_some_and(|i| ids.contains(i)))
        .map(str::to_string)
        .collect();
    (lines, ids)
}

/// Lines of `text` belonging to `ids`, with auditd's log trimming (one
/// trailing space) applied; EOE lines are returned separately.
fn select(text: &str, ids: &std::collections::HashSet<String>) -> (Vec<String>, usize) {
    let mut recs = Vec::new();
    let mut eoe = 0;
    for l in text.lines() {
        let Some(id) = event_id(l) else { continue };
        if !ids.contains(id) {
            continue;
        }
        if l.contains("type=EOE ") {
            eoe += 1;
            continue;
        }
        recs.push(l.strip_suffix(' ').unwrap_or(l).to_string());
    }
    (recs, eoe)
}

/// Binary frames as (ver, type, data) text lines like the string format.
fn frames_as_lines(bytes: &[u8]) -> Vec<(u32, String)> {
    let mut dec = BinaryDecoder::new(Layout::Padded);
    dec.feed(bytes);
    let mut out = Vec::new();
    while let Some(f) = dec.next_frame().expect("valid dispatcher frames") {
        assert_eq!(f.header.hlen, 16);
        let name = raudit_tables::msg_type_name(f.header.rtype)
            .map(str::to_string)
            .unwrap_or_else(|| format!("UNKNOWN[{}]", f.header.rtype));
        let data = String::from_utf8_lossy(f.data);
        let line = if f.header.ver == 0 {
            format!("type={name} msg={data}")
        } else {
            data.into_owned()
        };
        out.push((f.header.ver, line));
    }
    out
}

#[test]
fn string_binary_and_a_slow_plugin() {
    let Some(mut g) = guard("string_binary_and_a_slow_plugin") else {
        return;
    };
    let d = g.own(tmpdir("fmt"));
    // q_depth 600: the events come in rounds of 40 (about 250 records, which
    // fit), each once the reading plugins have the previous ones; the stalled
    // one (binary frames of 8986 bytes fill its socket after ~20) overflows.
    write_conf(
        &d,
        "log_format = RAW\nq_depth = 600\noverflow_action = ignore\n",
    );
    recorder(&d, "str.conf", "str", "string");
    recorder(&d, "bin.conf", "bin", "binary");
    let stall = d.join("stall");
    script(&stall, "trap '' HUP\nexec sleep 60");
    plugin(
        &d,
        "slow.conf",
        &format!(
            "active = yes\npath = {}\ntype = always\nformat = binary\n",
            stall.display()
        ),
    );
    // Not loaded: an editor backup and a bad file (skipped with a message).
    plugin(&d, "str.conf.bak", "active = yes\npath = /bin/false\n");
    plugin(&d, "bad.conf", "active = perhaps\n");
    let pid = start_raudit(&mut g, &d, &[]);
    let watched = d.join("watched");
    std::fs::write(&watched, "").unwrap();
    watch(&watched, "raudit_dp_fmt");
    let (n, round) = (200, 40);
    let t0 = Instant::now();
    let count = |name: &str| {
        read(&d.join("out").join(name))
            .matches("raudit_dp_fmt")
            .count()
    };
    for r in 1..=n / round {
        for _ in 0..round {
            std::fs::write(&watched, "x").unwrap();
        }
        // a reading plugin sees each event's key once (SYSCALL)
        assert!(
            wait_for(
                || count("str") >= r * round && count("bin") >= r * round,
                Duration::from_secs(3)
            ),
            "round {r}: the reading plugins did not get the events"
        );
    }
    let log_p = d.join("log/audit.log");
    // Neither the log nor the other plugins wait for the stalled one.
    assert!(
        wait_for(
            || read(&log_p).matches("key=\"raudit_dp_fmt\"").count() >= n,
            Duration::from_secs(3)
        ),
        "log incomplete"
    );
    assert!(
        wait_for(
            || read(&d.join("out/str"))
                .matches("key=\"raudit_dp_fmt\"")
                .count()
                >= n,
            Duration::from_secs(3)
        ),
        "string plugin incomplete"
    );
    eprintln!(
        "{n} events in the log and the string plugin after {:?}",
        t0.elapsed()
    );
    let st = status(&d);
    assert!(st.contains("Number of active plugins = 3"), "{st}");
    assert!(
        plugin_stat(&st, "slow.conf", "overflowed").unwrap() > 0,
        "{st}"
    );
    assert_eq!(plugin_stat(&st, "str.conf", "overflowed"), Some(0), "{st}");
    assert_eq!(plugin_stat(&st, "bin.conf", "overflowed"), Some(0), "{st}");
    assert!(st.contains("plugin queue overflow detected = yes"), "{st}");
    let errs = read(&d.join("stderr"));
    assert!(errs.contains("Option perhaps not found - line 1"), "{errs}");
    assert!(
        errs.contains("Skipping bad.conf plugin due to errors"),
        "{errs}"
    );

    auditctl(&["-D"]);
    let log = read(&log_p);
    let (want, ids) = keyed_events(&log, "raudit_dp_fmt");
    assert!(ids.len() >= n);
    // String: the log's records (RAW), plus one EOE per multi-record event
    // (waiting for the last ones, the rule removal, to get through).
    wait_for(
        || select(&read(&d.join("out/str")), &ids).0.len() >= want.len(),
        Duration::from_secs(3),
    );
    let s = read(&d.join("out/str"));
    let (got, eoe) = select(&s, &ids);
    assert_eq!(got, want);
    assert_eq!(eoe, ids.len(), "one EOE per event");
    // Binary: ver 0 frames carrying the same records and EOEs.
    let slow_pid = plugin_stat(&st, "slow.conf", "pid").unwrap() as i32;
    assert!(slow_pid > 0);
    stop_raudit(&mut g, pid);
    // The stalled program got SIGTERM (its signal mask is not the daemon's).
    assert!(
        wait_for(|| nix_kill(slow_pid, 0) != 0, Duration::from_secs(3)),
        "plugin {slow_pid} still alive after the daemon stopped"
    );
    let frames = frames_as_lines(&std::fs::read(d.join("out/bin")).unwrap());
    assert!(frames.iter().all(|(v, _)| *v == 0));
    let text: String = frames.iter().map(|(_, l)| format!("{l}\n")).collect();
    let (got_b, eoe_b) = select(&text, &ids);
    assert_eq!(got_b, want);
    assert_eq!(eoe_b, ids.len());
    // The whole stream, daemon records included, reached the string plugin.
    let s = read(&d.join("out/str"));
    assert!(s.starts_with("type=DAEMON_START msg=audit("), "{s}");
    assert!(s.contains("type=DAEMON_END msg=audit("), "no DAEMON_END");
}

#[test]
fn enriched_is_protocol_1() {
    let Some(mut g) = guard("enriched_is_protocol_1") else {
        return;
    };
    let d = g.own(tmpdir("enr"));
    write_conf(
        &d,
        "log_format = ENRICHED\nname_format = user\nname = raudit-node\n",
    );
    recorder(&d, "str.conf", "str", "string");
    recorder(&d, "bin.conf", "bin", "binary");
    let pid = start_raudit(&mut g, &d, &[]);
    let watched = d.join("watched");
    std::fs::write(&watched, "").unwrap();
    watch(&watched, "raudit_dp_enr");
    for _ in 0..5 {
        std::fs::write(&watched, "x").unwrap();
    }
    let log_p = d.join("log/audit.log");
    assert!(wait_for(
        || read(&log_p).matches("raudit_dp_enr").count() >= 5,
        Duration::from_secs(3)
    ));
    auditctl(&["-D"]);
    stop_raudit(&mut g, pid);
    let log = read(&log_p);
    let (want, ids) = keyed_events(&log, "raudit_dp_enr");
    assert!(want[0].starts_with("node=raudit-node type="), "{}", want[0]);
    // Protocol 1: the formatted record as in the log (ENRICHED, node=).
    let (got, eoe) = select(&read(&d.join("out/str")), &ids);
    assert_eq!(got, want);
    assert_eq!(eoe, ids.len());
    let frames = frames_as_lines(&std::fs::read(d.join("out/bin")).unwrap());
    assert!(frames.iter().all(|(v, _)| *v == 1));
    let text: String = frames.iter().map(|(_, l)| format!("{l}\n")).collect();
    let (got_b, _) = select(&text, &ids);
    assert_eq!(got_b, want);
}

#[test]
fn crash_restart_and_sighup() {
    let Some(mut g) = guard("crash_restart_and_sighup") else {
        return;
    };
    let d = g.own(tmpdir("crash"));
    write_conf(&d, "log_format = RAW\nmax_restarts = 50\n");
    // Reads one record, writes it with its pid, exits.
    let once = d.join("once");
    script(&once, "read -r l\necho \"$$ $l\" >> \"$1\"");
    plugin(
        &d,
        "crash.conf",
        &format!(
            "active = yes\npath = {}\nargs = {}\n",
            once.display(),
            d.join("out/crash").display()
        ),
    );
    // Kept across SIGHUP: writes a line for each SIGHUP it gets.
    let hup = d.join("hup");
    script(
        &hup,
        "trap 'echo HUP $$ >> \"$1\"' HUP\nwhile :; do sleep 0.1 & wait $!; done",
    );
    plugin(
        &d,
        "hup.conf",
        &format!(
            "active = yes\npath = {}\nargs = {}\n",
            hup.display(),
            d.join("out/hup").display()
        ),
    );
    let pid = start_raudit(&mut g, &d, &[]);
    let watched = d.join("watched");
    std::fs::write(&watched, "").unwrap();
    watch(&watched, "raudit_dp_crash");
    // Paced so that each instance has read its record and exited before
    // the next event (records written to a live instance that has not
    // read them die with it, as under auditd).
    std::thread::sleep(Duration::from_millis(100));
    for _ in 0..6 {
        std::fs::write(&watched, "x").unwrap();
        std::thread::sleep(Duration::from_millis(150));
    }
    let out = d.join("out/crash");
    assert!(wait_for(
        || read(&out).lines().count() >= 4,
        Duration::from_secs(3)
    ));
    let st = status(&d);
    let restarts = plugin_stat(&st, "crash.conf", "restarts").unwrap();
    assert!(restarts >= 3, "{st}");
    let text = read(&out);
    let pids: std::collections::HashSet<&str> =
        text.lines().filter_map(|l| l.split(' ').next()).collect();
    assert!(pids.len() >= 4, "{text}");
    // Each instance got a whole record.
    assert!(text.lines().all(|l| l.contains(" type=")), "{text}");
    // Re-delivery: each event's first record was written to a dead
    // instance, so it went again to the new one — and only once.
    let log = read(&d.join("log/audit.log"));
    let syscalls: Vec<&str> = log
        .lines()
        .filter(|l| l.starts_with("type=SYSCALL ") && l.contains("key=\"raudit_dp_crash\""))
        .collect();
    assert_eq!(syscalls.len(), 6);
    for s in &syscalls {
        let n = text.lines().filter(|l| l.ends_with(s)).count();
        assert_eq!(n, 1, "{s} delivered {n} times:\n{text}");
    }
    let errs = read(&d.join("stderr"));
    assert!(errs.contains(&format!(
        "plugin {} terminated unexpectedly",
        once.display()
    )));
    assert!(errs.contains(&format!("plugin {} was restarted", once.display())));

    // SIGHUP: crash.conf removed, str.conf added.
    std::fs::remove_file(d.join("plugins/crash.conf")).unwrap();
    recorder(&d, "str.conf", "str", "string");
    assert_eq!(nix_kill(pid, libc::SIGHUP), 0);
    let s_out = d.join("out/str");
    assert!(
        wait_for(
            || read(&s_out).contains("type=DAEMON_CONFIG msg=audit("),
            Duration::from_secs(3)
        ),
        "new plugin did not get DAEMON_CONFIG"
    );
    std::fs::write(&watched, "y").unwrap();
    assert!(wait_for(
        || read(&s_out).contains("key=\"raudit_dp_crash\""),
        Duration::from_secs(3)
    ));
    let st = status(&d);
    assert!(st.contains("plugin str.conf = "), "{st}");
    assert!(!st.contains("plugin crash.conf = "), "{st}");
    assert!(st.contains("Number of active plugins = 2"), "{st}");
    // The unchanged plugin kept running and got the SIGHUP.
    let hup_out = d.join("out/hup");
    assert!(
        wait_for(
            || read(&hup_out).starts_with("HUP "),
            Duration::from_secs(3)
        ),
        "SIGHUP not forwarded"
    );
    let hup_pid: u64 = read(&hup_out).trim()[4..].parse().unwrap();
    assert!(
        st.contains(&format!(
            "plugin hup.conf = path {}, pid {hup_pid}, running",
            hup.display()
        )),
        "{st}"
    );
    let errs = read(&d.join("stderr"));
    assert!(
        errs.contains(&format!(
            "Terminating {} because its now inactive",
            once.display()
        )),
        "{errs}"
    );
    auditctl(&["-D"]);
    stop_raudit(&mut g, pid);
}

/// Reads a socket to the end in a thread.
fn drain(mut s: std::os::unix::net::UnixStream) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = s.read_to_end(&mut v);
        v
    })
}

/// The stock plugin file with `active = yes` and the given replacements.
fn stock(name: &str, changes: &[(&str, &str)]) -> Option<String> {
    let mut t = std::fs::read_to_string(format!("/etc/audit/plugins.d/{name}")).ok()?;
    t = t.replace("active = no", "active = yes");
    for (a, b) in changes {
        t = t.replace(a, b);
    }
    Some(t)
}

/// `/dev/log` bound by the test and read by a thread from the start (a full
/// datagram queue would block every syslog(3) caller, audisp-remote too);
/// removed on drop.
struct DevLog {
    msgs: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl DevLog {
    fn bind() -> Result<DevLog, String> {
        if Path::new("/dev/log").exists() {
            return Err("/dev/log exists (a syslog daemon or another test owns it)".into());
        }
        let s = std::os::unix::net::UnixDatagram::bind("/dev/log").map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let msgs = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (m, st) = (msgs.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 16384];
            while !st.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(n) = s.recv(&mut buf) {
                    m.lock()
                        .unwrap()
                        .push(String::from_utf8_lossy(&buf[..n]).into_owned());
                }
            }
        });
        Ok(DevLog { msgs, stop })
    }
    fn messages(&self) -> Vec<String> {
        self.msgs.lock().unwrap().clone()
    }
}

impl Drop for DevLog {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = std::fs::remove_file("/dev/log");
    }
}

#[test]
fn real_plugins_syslog_af_unix_remote() {
    let Some(mut g) = guard("real_plugins_syslog_af_unix_remote") else {
        return;
    };
    for p in [
        "/sbin/audisp-syslog",
        "/sbin/audisp-remote",
        "/usr/sbin/auditd",
    ] {
        if !Path::new(p).exists() {
            eprintln!("SKIP real_plugins_syslog_af_unix_remote: {p} is not installed");
            return;
        }
    }
    // audisp-remote reads a fixed config path: it is replaced in a private
    // mount namespace.
    let ns_ok = Command::new("unshare")
        .args(["-m", "--", "sh", "-c", "mount --bind /dev/null /dev/null"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ns_ok {
        eprintln!(
            "SKIP real_plugins_syslog_af_unix_remote: no private mount namespace (unshare -m)"
        );
        return;
    }
    let (Some(syslog_conf), Some(remote_conf)) = (
        stock(
            "syslog.conf",
            &[("args = LOG_INFO", "args = LOG_NOTICE LOG_LOCAL3")],
        ),
        stock("au-remote.conf", &[]),
    ) else {
        eprintln!("SKIP real_plugins_syslog_af_unix_remote: no stock plugin files");
        return;
    };
    let d = g.own(tmpdir("interop"));
    // 1. The real auditd as a remote collector (no kernel use), with its own
    //    builtin af_unix plugin distributing what it receives.
    let col = d.join("col");
    std::fs::create_dir_all(col.join("plugins")).unwrap();
    let port = 20000 + (std::process::id() % 20000) as u16;
    std::fs::write(
        col.join("auditd.conf"),
        format!(
            "log_file = {}/remote.log\nlocal_events = no\ntcp_listen_port = {port}\ndistribute_network = yes\nplugin_dir = {}/plugins\nspace_left = 75\nadmin_space_left = 50\n",
            col.display(),
            col.display()
        ),
    )
    .unwrap();
    let col_sock = col.join("af.sock");
    let col_af = stock(
        "af_unix.conf",
        &[("/var/run/audispd_events", &col_sock.to_string_lossy())],
    )
    .unwrap();
    std::fs::write(col.join("plugins/af_unix.conf"), col_af).unwrap();
    std::fs::set_permissions(
        col.join("plugins/af_unix.conf"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    let auditd = Command::new("/usr/sbin/auditd")
        .args(["-n", "-c"])
        .arg(&col)
        .stderr(std::fs::File::create(col.join("stderr")).unwrap())
        .spawn()
        .expect("auditd");
    let auditd_pid = auditd.id() as i32;
    g.children.push(auditd);
    assert!(
        wait_for(
            || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(),
            Duration::from_secs(5)
        ),
        "auditd collector not listening"
    );
    let col_conn = std::os::unix::net::UnixStream::connect(&col_sock).expect("auditd af_unix");
    let col_reader = drain(col_conn);

    // 2. /dev/log for audisp-syslog (only if nothing else owns it).
    let devlog = match DevLog::bind() {
        Ok(d) => Some(d),
        Err(e) => {
            eprintln!("SKIP (part) audisp-syslog check: {e}");
            None
        }
    };

    // 3. raudit daemon with the stock plugin files; audisp-remote's fixed
    //    config file is replaced in a private mount namespace.
    write_conf(&d, "log_format = RAW\n");
    let sock_s = d.join("af-string.sock");
    let sock_b = d.join("af-binary.sock");
    plugin(
        &d,
        "af_unix.conf",
        &stock(
            "af_unix.conf",
            &[("/var/run/audispd_events", &sock_s.to_string_lossy())],
        )
        .unwrap(),
    );
    plugin(
        &d,
        "af_binary.conf",
        &stock(
            "af_unix.conf",
            &[
                ("/var/run/audispd_events", &sock_b.to_string_lossy()),
                ("format = string", "format = binary"),
            ],
        )
        .unwrap(),
    );
    if devlog.is_some() {
        plugin(&d, "syslog.conf", &syslog_conf);
    }
    plugin(&d, "au-remote.conf", &remote_conf);
    let rconf = d.join("audisp-remote.conf");
    std::fs::write(
        &rconf,
        format!(
            "remote_server = 127.0.0.1\nport = {port}\ntransport = tcp\nqueue_file = {}/remote.queue\nmode = immediate\nformat = managed\nnetwork_failure_action = syslog\n",
            d.display()
        ),
    )
    .unwrap();
    let wrap = format!(
        "mount --bind {} /etc/audit/audisp-remote.conf && exec \"$@\"",
        rconf.display()
    );
    let pid = start_raudit(
        &mut g,
        &d,
        &["unshare", "-m", "--", "sh", "-c", &wrap, "sh"],
    );
    assert!(wait_for(
        || sock_s.exists() && sock_b.exists(),
        Duration::from_secs(3)
    ));
    let mode = std::fs::metadata(&sock_s).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "stock args give the socket mode 0640");
    let r_s = drain(std::os::unix::net::UnixStream::connect(&sock_s).unwrap());
    let r_b = drain(std::os::unix::net::UnixStream::connect(&sock_b).unwrap());

    // 4. Events.
    let watched = d.join("watched");
    std::fs::write(&watched, "").unwrap();
    watch(&watched, "raudit_dp_interop");
    for _ in 0..10 {
        std::fs::write(&watched, "x").unwrap();
    }
    let log_p = d.join("log/audit.log");
    let remote_log = col.join("remote.log");
    assert!(wait_for(
        || read(&log_p).matches("key=\"raudit_dp_interop\"").count() >= 10,
        Duration::from_secs(3)
    ));
    assert!(
        wait_for(
            || read(&remote_log)
                .matches("key=\"raudit_dp_interop\"")
                .count()
                >= 10,
            Duration::from_secs(5)
        ),
        "audisp-remote did not deliver to auditd: {}",
        read(&remote_log)
    );
    if let Some(dl) = &devlog {
        wait_for(
            || {
                dl.messages()
                    .iter()
                    .filter(|m| m.contains("key=\"raudit_dp_interop\""))
                    .count()
                    >= 10
            },
            Duration::from_secs(3),
        );
    }
    auditctl(&["-D"]);
    std::thread::sleep(Duration::from_millis(300));
    let st = status(&d);
    stop_raudit(&mut g, pid);
    let _ = nix_kill(auditd_pid, libc::SIGTERM);
    let log = read(&log_p);
    let (want, ids) = keyed_events(&log, "raudit_dp_interop");

    // af_unix string and binary (builtin, stock file).
    let (got, eoe) = select(&String::from_utf8_lossy(&r_s.join().unwrap()), &ids);
    assert_eq!(got, want, "af_unix string");
    assert_eq!(eoe, ids.len());
    let frames = frames_as_lines(&r_b.join().unwrap());
    let text: String = frames.iter().map(|(_, l)| format!("{l}\n")).collect();
    let (got, eoe) = select(&text, &ids);
    assert_eq!(got, want, "af_unix binary");
    assert_eq!(eoe, ids.len());

    // audisp-remote → auditd: every record exactly once in its log, and the
    // same records from the real auditd's own af_unix socket.
    let (got, _) = select(&read(&remote_log), &ids);
    assert_eq!(got, want, "records at the auditd collector");
    assert!(wait_for(
        || col_reader.is_finished(),
        Duration::from_secs(5)
    ));
    let col_text = String::from_utf8_lossy(&col_reader.join().unwrap()).into_owned();
    let (got, _) = select(&col_text, &ids);
    assert_eq!(got, want, "records from auditd's af_unix");

    // audisp-syslog: each record once, facility local3, priority notice.
    if let Some(dl) = &devlog {
        let syslog_msgs = dl.messages();
        // audisp-syslog logs under the ident "audispd", one message per
        // record as received (newline included).
        let pri = format!("<{}>", (19 << 3) | 5);
        let mine: Vec<&String> = syslog_msgs
            .iter()
            .filter(|m| m.contains(" audispd: type="))
            .collect();
        assert!(mine.iter().all(|m| m.starts_with(&pri)), "{mine:?}");
        let bodies: String = mine
            .iter()
            .filter_map(|m| {
                m.find(" audispd: type=")
                    .map(|i| m[i + 10..].trim_end_matches('\n').to_string() + "\n")
            })
            .collect();
        let (got, _) = select(&bodies, &ids);
        assert_eq!(
            got, want,
            "audisp-syslog messages; all /dev/log: {syslog_msgs:?}"
        );
        assert!(
            st.contains("plugin syslog.conf = path /sbin/audisp-syslog"),
            "{st}"
        );
    }
    assert!(
        st.contains("plugin au-remote.conf = path /sbin/audisp-remote"),
        "{st}"
    );
    drop(devlog);
}

/// One record from a binary stream: the header fields and the data.
type Frame = (u32, u32, u32, Vec<u8>);

fn frames(bytes: &[u8]) -> Vec<Frame> {
    let mut dec = BinaryDecoder::new(Layout::Padded);
    dec.feed(bytes);
    let mut out = Vec::new();
    while let Ok(Some(f)) = dec.next_frame() {
        out.push((f.header.ver, f.header.hlen, f.header.rtype, f.data.to_vec()));
    }
    out
}

/// The records from the begin marker to the end marker (inclusive).
fn window<T: Clone>(items: &[T], is: impl Fn(&T, &str) -> bool, begin: &str, end: &str) -> Vec<T> {
    let Some(b) = items.iter().position(|x| is(x, begin)) else {
        return Vec::new();
    };
    let Some(e) = items[b..].iter().position(|x| is(x, end)) else {
        return Vec::new();
    };
    items[b..=b + e].to_vec()
}

/// The real auditd (unicast) and `raudit daemon --multicast` side by side,
/// each with the stock `af_unix` plugin file: the bytes their sockets give
/// a client are the same, in both formats (binary: headers and data; the
/// padding after the data is not compared, auditd leaves its buffer's
/// leftovers there).
#[test]
fn af_unix_same_bytes_as_auditd() {
    let Some(mut g) = guard("af_unix_same_bytes_as_auditd") else {
        return;
    };
    if !Path::new("/usr/sbin/auditd").exists() || stock("af_unix.conf", &[]).is_none() {
        eprintln!("SKIP af_unix_same_bytes_as_auditd: auditd or its af_unix.conf is not installed");
        return;
    }
    for format in ["string", "binary"] {
        let da = g.own(tmpdir(&format!("sbs-auditd-{format}")));
        let dr = g.own(tmpdir(&format!("sbs-raudit-{format}")));
        std::fs::write(dr.join("multicast"), "").unwrap();
        let mut socks = Vec::new();
        for d in [&da, &dr] {
            write_conf(d, "log_format = RAW\n");
            let sock = d.join("af.sock");
            plugin(
                d,
                "af_unix.conf",
                &stock(
                    "af_unix.conf",
                    &[
                        ("/var/run/audispd_events", &sock.to_string_lossy()),
                        ("format = string", &format!("format = {format}")),
                    ],
                )
                .unwrap(),
            );
            socks.push(sock);
        }
        let rpid = start_raudit(&mut g, &dr, &[]);
        let child = Command::new("/usr/sbin/auditd")
            .args(["-n", "-c"])
            .arg(da.join("conf"))
            .stderr(Stdio::null())
            .spawn()
            .expect("auditd");
        let apid = child.id();
        g.children.push(child);
        assert!(
            wait_for(
                || raudit_netlink::AuditSocket::open()
                    .and_then(|mut s| s.get_status())
                    .map(|s| s.pid)
                    .ok()
                    == Some(apid),
                Duration::from_secs(5)
            ),
            "auditd did not register"
        );
        assert!(wait_for(
            || socks.iter().all(|s| s.exists()),
            Duration::from_secs(3)
        ));
        let readers: Vec<_> = socks
            .iter()
            .map(|s| drain(std::os::unix::net::UnixStream::connect(s).unwrap()))
            .collect();
        let watched = dr.join("watched");
        std::fs::write(&watched, "").unwrap();
        watch(&watched, "raudit_dp_sbs");
        let me = std::process::id();
        let begin = format!("raudit-dp-sbs-begin-{format}-{me}");
        let end = format!("raudit-dp-sbs-end-{format}-{me}");
        let mut ctl = raudit_netlink::AuditSocket::open().unwrap();
        ctl.send_user_message(1005, begin.as_bytes()).unwrap();
        for _ in 0..3 {
            std::fs::write(&watched, "x").unwrap();
        }
        ctl.send_user_message(1005, end.as_bytes()).unwrap();
        let (la, lr) = (da.join("log/audit.log"), dr.join("log/audit.log"));
        assert!(
            wait_for(
                || read(&la).contains(&end) && read(&lr).contains(&end),
                Duration::from_secs(3)
            ),
            "end marker missing"
        );
        auditctl(&["-D"]);
        // Let both dispatchers pass the marker on, then stop both (EOF).
        std::thread::sleep(Duration::from_millis(200));
        for pid in [apid as i32, rpid] {
            let _ = nix_kill(pid, libc::SIGTERM);
        }
        for c in g.children.iter_mut() {
            assert!(wait_for(
                || matches!(c.try_wait(), Ok(Some(_))),
                Duration::from_secs(8)
            ));
        }
        g.children.clear();
        let mut got: Vec<Vec<u8>> = readers.into_iter().map(|r| r.join().unwrap()).collect();
        let (r_bytes, a_bytes) = (got.pop().unwrap(), got.pop().unwrap());
        if format == "string" {
            let lines = |b: &[u8]| -> Vec<String> {
                String::from_utf8_lossy(b)
                    .split_inclusive('\n')
                    .map(str::to_string)
                    .collect()
            };
            let is = |l: &String, m: &str| l.contains(m);
            let wa = window(&lines(&a_bytes), is, &begin, &end);
            let wr = window(&lines(&r_bytes), is, &begin, &end);
            assert!(
                wa.iter().filter(|l| l.contains("raudit_dp_sbs")).count() >= 3,
                "{wa:?}"
            );
            assert!(wa.iter().any(|l| l.starts_with("type=EOE ")), "{wa:?}");
            assert_eq!(wr, wa, "string: raudit vs auditd");
            eprintln!(
                "af_unix string: {} lines byte-identical to auditd's",
                wa.len()
            );
        } else {
            let is = |f: &Frame, m: &str| f.3.windows(m.len()).any(|w| w == m.as_bytes());
            let wa = window(&frames(&a_bytes), is, &begin, &end);
            let wr = window(&frames(&r_bytes), is, &begin, &end);
            assert!(wa.len() >= 10, "{} frames", wa.len());
            assert_eq!(wr, wa, "binary: raudit vs auditd");
            eprintln!("af_unix binary: {} frames identical to auditd's", wa.len());
        }
    }
}
