//! `raudit remote` (≡ audisp-remote) end to end.
//!
//! - against the real auditd 3.0.9 listener (`local_events = no`, no kernel
//!   involved): string and binary stdin, every record exactly once, no EOE
//!   (a real auditd never sees raudit's extension);
//! - the kill -9 test: 100,000 numbered records through forward mode while
//!   the collector and the client are killed at random moments (fixed seed);
//!   every record ends up in the collector's log exactly once, EOE records
//!   included. The collector there is this test binary re-executed
//!   (`collector_process`), a minimal de-duplicating collector speaking
//!   raudit's extension; a second run kills only the client while
//!   `raudit daemon` collects;
//! - TLS: the client with its certificate reaches a `transport = tls`
//!   collector; a wrong CA, no certificate or a certificate outside the
//!   allow-list deliver nothing.

mod common;
use common::collector::{free_port, wait_port, Collector};
use common::pki::pki;
use common::tmp::TempDir;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use raudit_remote_proto::{
    encode_frame, kind, seq_after, Decoder, Hello, HelloAck, Item, Mode, MVER_RAUDIT,
};
use std::time::{Duration, Instant};

const RAUDIT: &str = env!("CARGO_BIN_EXE_raudit");

fn tmpdir(name: &str) -> TempDir {
    TempDir::new(&format!("rc-{name}"))
}

fn write_conf(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o640)).unwrap();
}

/// The real auditd as a collector, its log on stdout (foreground mode).
struct RealAuditd {
    child: Child,
    out: PathBuf,
}

impl RealAuditd {
    fn start(dir: &Path, port: u16) -> Option<RealAuditd> {
        if !Path::new("/sbin/auditd").exists() {
            eprintln!("SKIP remote_client: /sbin/auditd is not installed");
            return None;
        }
        write_conf(
            &dir.join("auditd.conf"),
            &format!(
                "local_events = no\nwrite_logs = yes\nlog_file = {}/unused.log\nlog_format = RAW\n\
                 flush = none\nspace_left = 2\nspace_left_action = ignore\nadmin_space_left = 1\n\
                 admin_space_left_action = ignore\ndisk_full_action = ignore\ndisk_error_action = ignore\n\
                 tcp_listen_port = {port}\ntcp_max_per_addr = 10\ntcp_client_max_idle = 0\n",
                dir.display()
            ),
        );
        let out = dir.join("collector.log");
        let child = Command::new("/sbin/auditd")
            .args(["-f", "-c"])
            .arg(dir)
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(std::fs::File::create(dir.join("auditd.err")).unwrap())
            .spawn()
            .unwrap();
        assert!(
            wait_port(port, Duration::from_secs(10)),
            "auditd did not listen"
        );
        Some(RealAuditd { child, out })
    }

    /// Stops auditd (SIGTERM: it flushes its buffered stdout) and returns
    /// what it logged.
    fn stop(mut self) -> String {
        // SAFETY: signalling our own child.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
        std::fs::read_to_string(&self.out).unwrap()
    }
}

impl Drop for RealAuditd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn records(n: usize) -> Vec<u8> {
    let mut v = Vec::new();
    for i in 1..=n {
        writeln!(
            v,
            "type=USER msg=audit(1700000000.{:03}:{i}): n={i}",
            i % 1000
        )
        .unwrap();
        writeln!(v, "type=EOE msg=audit(1700000000.{:03}:{i}): ", i % 1000).unwrap();
    }
    v
}

fn binary_records(n: usize) -> Vec<u8> {
    let mut v = Vec::new();
    for i in 1..=n {
        // version 1 (preformatted) USER record, version 0 (bare) EOE
        for (ver, typ, text) in [
            (
                1u32,
                1107u32,
                format!("type=USER msg=audit(1700000000.001:{i}): n={i}"),
            ),
            (0, 1320, format!("audit(1700000000.001:{i}): ")),
        ] {
            v.extend_from_slice(&ver.to_ne_bytes());
            v.extend_from_slice(&16u32.to_ne_bytes());
            v.extend_from_slice(&typ.to_ne_bytes());
            v.extend_from_slice(&(text.len() as u32).to_ne_bytes());
            let mut data = text.into_bytes();
            data.resize(8970, 0);
            v.extend_from_slice(&data);
        }
    }
    v
}

/// Counts `n=K` per K in a log; asserts 1..=n each exactly once.
fn assert_exactly_once(log: &str, n: usize) {
    let mut seen = vec![0u32; n + 1];
    for line in log.lines() {
        if let Some(i) = line.find(" n=") {
            let k: usize = line[i + 3..]
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
                .parse()
                .unwrap();
            seen[k] += 1;
        }
    }
    let missing: Vec<usize> = (1..=n).filter(|&k| seen[k] == 0).collect();
    let dups: Vec<usize> = (1..=n).filter(|&k| seen[k] > 1).collect();
    assert!(
        missing.is_empty() && dups.is_empty(),
        "{} missing (first {:?}), {} duplicated (first {:?})",
        missing.len(),
        &missing[..missing.len().min(10)],
        dups.len(),
        &dups[..dups.len().min(10)]
    );
}

fn run_client(conf: &Path, input: &[u8]) -> (i32, String) {
    let mut child = Command::new(RAUDIT)
        .args(["remote", "-c"])
        .arg(conf)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let w = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    w.join().unwrap();
    let st = child.wait().unwrap();
    (st.code().unwrap_or(-1), err)
}

fn interop(name: &str, input: Vec<u8>, n: usize, extra: &str) {
    let dir = tmpdir(name);
    let port = free_port();
    let Some(auditd) = RealAuditd::start(&dir, port) else {
        return;
    };
    let conf = dir.join("remote.conf");
    write_conf(
        &conf,
        &format!("remote_server = 127.0.0.1\nport = {port}\n{extra}"),
    );
    let (rc, err) = run_client(&conf, &input);
    assert_eq!(rc, 0, "client failed: {err}");
    assert!(err.contains("Connected to 127.0.0.1"), "{err}");
    let log = auditd.stop();
    assert_exactly_once(&log, n);
    assert!(
        !log.contains("type=EOE"),
        "a real auditd must not get EOE records"
    );
}

#[test]
fn string_stdin_to_real_auditd() {
    interop("string", records(3000), 3000, "");
}

#[test]
fn binary_stdin_to_real_auditd() {
    interop("binary", binary_records(500), 500, "");
}

#[test]
fn forward_mode_stop_and_wait_to_real_auditd() {
    let dir = tmpdir("fwd-q");
    interop(
        "forward",
        records(1000),
        1000,
        &format!(
            "mode = forward\nqueue_file = {}/q\nmax_in_flight = 1\n",
            dir.display()
        ),
    );
}

#[test]
fn bad_config_exits_6_with_the_original_message() {
    let dir = tmpdir("badconf");
    let conf = dir.join("remote.conf");
    write_conf(&conf, "remote_server = \nport = 60\n");
    let (rc, err) = run_client(&conf, b"");
    assert_eq!(rc, 6);
    assert!(
        err.contains(&format!(
            "Wrong number of arguments for line 1 in {}",
            conf.display()
        )),
        "{err}"
    );
    write_conf(&conf, "port = 60\nfrobnicate = yes\n");
    let (rc, err) = run_client(&conf, b"");
    assert_eq!(rc, 6);
    assert!(err.contains(&format!(
        "Unknown keyword \"frobnicate\" in line 2 of {}",
        conf.display()
    )));
}

#[test]
fn network_failure_stop_exits_with_records_queued() {
    let dir = tmpdir("nofail");
    let port = free_port();
    let conf = dir.join("remote.conf");
    write_conf(
        &conf,
        &format!("remote_server = 127.0.0.1\nport = {port}\nmax_tries_per_record = 1\n"),
    );
    let t = Instant::now();
    let (rc, err) = run_client(&conf, &records(5));
    assert_eq!(rc, 1, "{err}");
    assert!(
        err.contains("startup network failure, First attempt at connecting to server unsuccessful"),
        "{err}"
    );
    assert!(
        err.contains("remote logging stopping due to network failure, max retries exhausted"),
        "{err}"
    );
    assert!(t.elapsed() < Duration::from_secs(10));
}

// ---------------------------------------------------------------------------
// raudit daemon as the collector (`local_events = no`: no kernel involved).

/// A `raudit daemon` collector's own lines (after `common::collector::BASE_CONF`).
const COLLECTOR_CONF: &str =
    "max_log_file = 1000\nmax_log_file_action = ignore\ntcp_max_per_addr = 64\n";

fn start_collector(dir: &Path, port: u16, extra: &str) -> Collector {
    Collector::start_on(dir, port, &format!("{COLLECTOR_CONF}{extra}"))
}

// ---------------------------------------------------------------------------
// The de-duplicating test collector (this binary re-executed).

const COLLECTOR_ENV: &str = "RAUDIT_TEST_COLLECTOR";

struct CState {
    log: std::fs::File,
    last: HashMap<u64, u32>,
}

/// Not a test of its own: runs the collector when re-executed with
/// `RAUDIT_TEST_COLLECTOR=DIR:PORT`, returns at once otherwise.
#[test]
fn collector_process() {
    let Ok(spec) = std::env::var(COLLECTOR_ENV) else {
        return;
    };
    let (dir, port) = spec.rsplit_once(':').unwrap();
    let path = Path::new(dir).join("audit.log");
    // Recover: drop a torn last line, rebuild the last sequence per stream.
    let mut data = std::fs::read(&path).unwrap_or_default();
    let keep = data.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    data.truncate(keep);
    std::fs::write(&path, &data).unwrap();
    let mut last = HashMap::new();
    for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let s = String::from_utf8_lossy(line);
        let mut w = s.splitn(3, ' ');
        let stream = u64::from_str_radix(w.next().unwrap(), 16).unwrap();
        let seq: u32 = w.next().unwrap().parse().unwrap();
        last.insert(stream, seq);
    }
    let log = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    let state = Arc::new(Mutex::new(CState { log, last }));
    let l = TcpListener::bind(("127.0.0.1", port.parse::<u16>().unwrap())).unwrap();
    for s in l.incoming() {
        let Ok(s) = s else { continue };
        let state = state.clone();
        std::thread::spawn(move || serve(s, state));
    }
}

static DISKFULL_SENT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn serve(mut s: TcpStream, state: Arc<Mutex<CState>>) {
    let mut dec = Decoder::new(Mode::Auto);
    let mut stream: Option<u64> = None;
    let mut out = Vec::new();
    loop {
        let buf = dec.spare(65536);
        let n = match s.read(buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        dec.filled(n);
        out.clear();
        let mut st = state.lock().unwrap();
        loop {
            let f = match dec.next() {
                Ok(Some(Item::Frame(f))) => f,
                Ok(Some(Item::Line(_))) => continue,
                Ok(None) => break,
                Err(_) => return,
            };
            if f.header.kind == kind::HEARTBEAT && f.payload.is_empty() {
                if let Ok(dir) = std::env::var(COLLECTOR_ENV) {
                    let dir = dir.rsplit_once(':').map(|d| d.0.to_string()).unwrap_or(dir);
                    let mut h = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(Path::new(&dir).join("heartbeats"))
                        .unwrap();
                    writeln!(h, "{}", f.header.sequence).unwrap();
                }
            }
            if f.header.kind == kind::HEARTBEAT && f.header.is_raudit() && !f.payload.is_empty() {
                let hello = Hello::parse(f.payload).unwrap();
                stream = Some(hello.stream.0);
                let ack = HelloAck {
                    last: st.last.get(&hello.stream.0).copied(),
                };
                encode_frame(&mut out, kind::ACK, MVER_RAUDIT, 0, &ack.encode()).unwrap();
                continue;
            }
            let mode = std::env::var("RAUDIT_TEST_COLLECTOR_MODE").unwrap_or_default();
            if f.header.kind == kind::MESSAGE
                && mode == "diskfull-once"
                && !DISKFULL_SENT.swap(true, std::sync::atomic::Ordering::SeqCst)
            {
                // not written: the client must send it again; nothing after
                // it on this connection may be written (the crate docs of
                // raudit-remote-proto), so the connection ends here
                encode_frame(&mut out, kind::DISKFULL, 0, f.header.sequence, b"disk full").unwrap();
                drop(st);
                let _ = s.write_all(&out);
                return;
            }
            if f.header.kind == kind::MESSAGE {
                let sid = stream.unwrap_or(0);
                let dup = st
                    .last
                    .get(&sid)
                    .is_some_and(|&l| !seq_after(f.header.sequence, l));
                if !dup {
                    let line = format!(
                        "{sid:016x} {} {}\n",
                        f.header.sequence,
                        String::from_utf8_lossy(f.record())
                    );
                    st.log.write_all(line.as_bytes()).unwrap();
                    st.last.insert(sid, f.header.sequence);
                }
            }
            let (k, text): (u32, &[u8]) = if mode == "disklow" && f.header.kind == kind::MESSAGE {
                (kind::DISKLOW, b"low on space")
            } else {
                (kind::ACK, b"")
            };
            encode_frame(
                &mut out,
                k,
                f.header.message_version & MVER_RAUDIT,
                f.header.sequence,
                text,
            )
            .unwrap();
        }
        drop(st);
        if s.write_all(&out).is_err() {
            return;
        }
    }
}

fn start_test_collector(dir: &Path, port: u16) -> Collector {
    start_test_collector_mode(dir, port, "")
}

fn start_test_collector_mode(dir: &Path, port: u16, mode: &str) -> Collector {
    let c = Command::new(std::env::current_exe().unwrap())
        .env("RAUDIT_TEST_COLLECTOR_MODE", mode)
        .args([
            "--exact",
            "collector_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(COLLECTOR_ENV, format!("{}:{port}", dir.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Collector::adopt(c, dir, port)
}

/// xorshift64*: the test's fixed-seed randomness.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
}

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills two descriptors we then own.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: fresh descriptors from pipe2.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

fn start_client(conf: &Path, stdin: &OwnedFd, dir: &Path, n: u32) -> Child {
    Command::new(RAUDIT)
        .args(["remote", "-c"])
        .arg(conf)
        .stdin(Stdio::from(stdin.try_clone().unwrap()))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join(format!("client{n}.err"))).unwrap())
        .spawn()
        .unwrap()
}

/// The kill -9 run: `n` numbered records (each followed by its EOE) through
/// forward mode; the client (and, with `kill_collector`, the collector) is
/// killed at random moments drawn from a fixed seed.
fn kill_9_run(name: &str, n: usize, kill_collector: bool, daemon: bool) -> String {
    let dir = tmpdir(name);
    let port = free_port();
    let conf = dir.join("remote.conf");
    write_conf(
        &conf,
        &format!(
            "remote_server = 127.0.0.1\nport = {port}\nmode = forward\nqueue_file = {}/queue\n\
             queue_depth = 200000\nnetwork_retry_time = 1\nnetwork_failure_action = syslog\n\
             remote_ending_action = reconnect\nstartup_failure_action = ignore\n",
            dir.display()
        ),
    );
    let start = |dir: &Path| {
        if daemon {
            start_collector(dir, port, "")
        } else {
            start_test_collector(dir, port)
        }
    };
    let mut collector = start(&dir);
    let (r, w) = pipe();
    let mut clients = 0u32;
    let mut client = start_client(&conf, &r, &dir, clients);
    // The feeder: numbered records in small writes, as auditd would.
    let chunks = (n * 2 * 50 / 4096).max(1);
    let pause = Duration::from_micros((8_000_000 / chunks as u64).min(3000));
    let feeder = std::thread::spawn(move || {
        let mut w = std::fs::File::from(w);
        let data = records(n);
        for chunk in data.chunks(4096) {
            w.write_all(chunk).unwrap();
            std::thread::sleep(pause);
        }
        // dropping `w` closes the only write end: EOF for the client
    });
    let mut rng = Rng(0x5eed_2026_1122);
    let (mut kills_c, mut kills_s) = (0, 0);
    let t0 = Instant::now();
    while !feeder.is_finished() && t0.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(rng.range(100, 900)));
        if !kill_collector || rng.next() & 1 == 0 {
            let _ = client.kill(); // SIGKILL
            let _ = client.wait();
            clients += 1;
            kills_c += 1;
            client = start_client(&conf, &r, &dir, clients);
        } else {
            collector.kill();
            kills_s += 1;
            std::thread::sleep(Duration::from_millis(rng.range(10, 300)));
            collector = start(&dir);
        }
    }
    feeder.join().unwrap();
    // Stdin is at EOF now: the client flushes and exits; a client that gave
    // up with records queued is restarted until the queue is empty.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let st = client.wait().unwrap();
        if st.code() == Some(0) || Instant::now() > deadline {
            break;
        }
        clients += 1;
        client = start_client(&conf, &r, &dir, clients);
    }
    collector.stop();
    eprintln!(
        "kill -9 ({name}): {kills_c} client kills, {kills_s} collector kills, {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    assert!(kills_c > 0 && (kills_s > 0 || !kill_collector));
    let log = std::fs::read_to_string(dir.join("audit.log")).unwrap();
    drop(r);
    log
}

/// Collector and client killed at random: the de-duplicating test collector
/// (this binary re-executed, see `collector_process`), so that the test is
/// about the client's guarantees: persisted sequences, resends in order,
/// nothing lost between stdin and the queue file.
#[test]
fn kill_9_collector_and_client_every_record_exactly_once() {
    const N: usize = 100_000;
    let log = kill_9_run("kill9", N, true, false);
    assert_exactly_once(&log, N);
    // EOE travelled too (the collector speaks raudit's extension), once each.
    assert_eq!(log.matches("type=EOE").count(), N, "EOE records");
}

/// The test as written: 100,000 numbered records, client AND
/// `raudit daemon` (the collector, de-duplicating by stream and sequence)
/// killed with SIGKILL at random moments (fixed seed); every record is in the
/// collector's log exactly once at the end.
#[test]
fn kill_9_client_and_raudit_daemon_collector_every_record_exactly_once() {
    const N: usize = 100_000;
    let log = kill_9_run("kill9d", N, true, true);
    assert_exactly_once(&log, N);
}

// ---------------------------------------------------------------------------
// TLS

#[test]
fn tls_client_reaches_a_tls_collector_and_is_refused_without_the_right_credentials() {
    let dir = tmpdir("tls");
    let p = pki();
    for (name, text) in [
        ("ca.pem", &p.ca_pem),
        ("other-ca.pem", &p.other_ca_pem),
        ("server.pem", &p.server.0),
        ("server.key", &p.server.1),
        ("client.pem", &p.client.0),
        ("client.key", &p.client.1),
        ("intruder.pem", &p.intruder.0),
        ("intruder.key", &p.intruder.1),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let port = free_port();
    let d = dir.display();
    let mut collector = start_collector(
        &dir,
        port,
        &format!(
            "transport = tls\ntls_cert = {d}/server.pem\ntls_key = {d}/server.key\n\
             tls_ca = {d}/ca.pem\ntls_allowed_clients = client1\ntcp_client_timeout = 2\n"
        ),
    );
    let base = format!(
        "remote_server = 127.0.0.1\nport = {port}\ntransport = tls\ntls_server_name = localhost\n\
         max_tries_per_record = 1\nmax_time_per_record = 2\n"
    );
    let conf = dir.join("remote.conf");
    // The right credentials: every record once, EOE too (raudit extension
    // over TLS).
    write_conf(
        &conf,
        &format!(
            "{base}tls_ca = {d}/ca.pem\ntls_cert = {d}/client.pem\ntls_key = {d}/client.key\n"
        ),
    );
    let (rc, err) = run_client(&conf, &records(2000));
    assert_eq!(rc, 0, "{err}");
    // Refusals: the collector's certificate from an unknown CA, no client
    // certificate, a certificate outside the allow-list.
    let bad = [
        (
            "wrong CA",
            format!(
                "tls_ca = {d}/other-ca.pem\ntls_cert = {d}/client.pem\ntls_key = {d}/client.key\n"
            ),
        ),
        ("no certificate", format!("tls_ca = {d}/ca.pem\n")),
        (
            "not allowed",
            format!(
                "tls_ca = {d}/ca.pem\ntls_cert = {d}/intruder.pem\ntls_key = {d}/intruder.key\n"
            ),
        ),
    ];
    for (what, keys) in bad {
        write_conf(&conf, &format!("{base}{keys}"));
        let input: Vec<u8> = b"type=USER msg=audit(1700000000.000:999999): n=999999\n".to_vec();
        let (rc, err) = run_client(&conf, &input);
        assert_eq!(rc, 1, "{what}: {err}");
        assert!(err.contains("network failure"), "{what}: {err}");
    }
    collector.stop();
    let log = std::fs::read_to_string(dir.join("audit.log")).unwrap();
    assert_exactly_once(&log, 2000);
    assert!(
        !log.contains("n=999999"),
        "a refused client got a record through"
    );
}

// ---------------------------------------------------------------------------
// Disk replies and actions

fn script(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let out = dir.join(format!("{name}.out"));
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\necho \"$1\" >> {}\n", out.display())).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o750)).unwrap();
    (p, out)
}

#[test]
fn disk_replies_run_their_actions_and_unwritten_records_are_resent() {
    let dir = tmpdir("disk");
    // DISKLOW on every record: written, disk_low_action = exec runs once per reply.
    let port = free_port();
    let mut c = start_test_collector_mode(&dir, port, "disklow");
    let (alert, alert_out) = script(&dir, "alert");
    let conf = dir.join("remote.conf");
    write_conf(
        &conf,
        &format!(
            "remote_server = 127.0.0.1\nport = {port}\ndisk_low_action = exec {}\n",
            alert.display()
        ),
    );
    let (rc, err) = run_client(&conf, &records(20));
    assert_eq!(rc, 0, "{err}");
    c.stop();
    let log = std::fs::read_to_string(dir.join("audit.log")).unwrap();
    assert_exactly_once(&log, 20);
    assert!(common::kernel::wait_for(
        || std::fs::read_to_string(&alert_out)
            .unwrap_or_default()
            .lines()
            .count()
            >= 20,
        Duration::from_secs(5)
    ));
    assert!(std::fs::read_to_string(&alert_out)
        .unwrap()
        .starts_with("low on space\n"));

    // DISKFULL once: not written; disk_full_action = single runs the init
    // program (RAUDIT_REMOTE_INIT in tests) with "1"; the record is sent again.
    let dir2 = tmpdir("disk2");
    let port = free_port();
    let mut c = start_test_collector_mode(&dir2, port, "diskfull-once");
    let (init, init_out) = script(&dir2, "init");
    write_conf(
        &conf,
        &format!(
            "remote_server = 127.0.0.1\nport = {port}\ndisk_full_action = single\nnetwork_retry_time = 1\n"
        ),
    );
    let mut child = Command::new(RAUDIT)
        .args(["remote", "-c"])
        .arg(&conf)
        .env("RAUDIT_REMOTE_INIT", &init)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&records(10)).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("remote logging is switching system to single user mode due to remote server's disk is full"),
        "{err}"
    );
    c.stop();
    let log = std::fs::read_to_string(dir2.join("audit.log")).unwrap();
    assert_exactly_once(&log, 10);
    assert!(common::kernel::wait_for(
        || std::fs::read_to_string(&init_out).unwrap_or_default() == "1\n",
        Duration::from_secs(5)
    ));
}

#[test]
fn idle_client_sends_heartbeats() {
    let dir = tmpdir("hb");
    let port = free_port();
    let mut c = start_test_collector(&dir, port);
    let conf = dir.join("remote.conf");
    write_conf(
        &conf,
        &format!("remote_server = 127.0.0.1\nport = {port}\nheartbeat_timeout = 1\n"),
    );
    let mut child = Command::new(RAUDIT)
        .args(["remote", "-c"])
        .arg(&conf)
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&records(1)).unwrap();
    let hb = dir.join("heartbeats");
    let ok = common::kernel::wait_for(
        || {
            std::fs::read_to_string(&hb)
                .unwrap_or_default()
                .lines()
                .count()
                >= 2
        },
        Duration::from_secs(10),
    );
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
    c.stop();
    assert!(ok, "no heartbeats while idle");
    assert_exactly_once(&std::fs::read_to_string(dir.join("audit.log")).unwrap(), 1);
}
