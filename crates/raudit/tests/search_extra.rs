//! `raudit search` behaviours the golden files cannot pin down: checkpoints (device
//! and inode dependent), `--input-logs` with a configured log set, and time keywords
//! relative to now. Each test checks raudit's own behaviour, and where the real
//! ausearch is installed also compares with it on the same input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::tmp::TempDir;

const REAL: &str = "/usr/sbin/ausearch";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn recorded(name: &str) -> PathBuf {
    root().join("tests/data/logs/recorded").join(name)
}

fn run(bin: &str, args: &[&str], conf: Option<&Path>) -> Output {
    let mut c = if bin == "raudit" {
        let mut c = Command::new(env!("CARGO_BIN_EXE_raudit"));
        c.arg("search");
        c
    } else {
        Command::new(bin)
    };
    c.args(args)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    if let Some(conf) = conf {
        c.env("RAUDIT_AUDITD_CONF", conf);
    }
    c.output().expect("run")
}

fn tmpdir(tag: &str) -> TempDir {
    TempDir::new(&format!("search-extra-{tag}"))
}

fn real_available() -> bool {
    if Path::new(REAL).exists() {
        true
    } else {
        eprintln!("SKIP oracle comparison: {REAL} not installed");
        false
    }
}

/// Lines of a log split at an event boundary near the middle (a record whose serial
/// differs from the previous one).
fn halves(log: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let lines: Vec<&[u8]> = log.split_inclusive(|&b| b == b'\n').collect();
    let serial = |l: &[u8]| {
        l.windows(1)
            .position(|w| w == b":")
            .map(|i| l[i..].iter().take(20).copied().collect::<Vec<u8>>())
    };
    let mut cut = lines.len() / 2;
    while cut + 1 < lines.len() && serial(lines[cut]) == serial(lines[cut - 1]) {
        cut += 1;
    }
    (lines[..cut].concat(), lines[cut..].concat())
}

#[test]
fn checkpoint_resumes_after_the_last_complete_event() {
    let log = std::fs::read(recorded("raw.log")).expect("recorded log");
    let (first, second) = halves(&log);
    for bin in ["raudit", REAL] {
        if bin == REAL && !real_available() {
            continue;
        }
        let d = tmpdir(if bin == "raudit" { "chk-r" } else { "chk-a" });
        let f = d.join("audit.log");
        let chk = d.join("chk");
        std::fs::write(&f, &first).unwrap();
        let (fs, cs) = (f.to_str().unwrap(), chk.to_str().unwrap());
        let a = run(bin, &["-if", fs, "--checkpoint", cs, "--raw"], None);
        assert_eq!(
            a.status.code(),
            Some(0),
            "{bin} first run: {}",
            String::from_utf8_lossy(&a.stderr)
        );
        let saved = std::fs::read_to_string(&chk).expect("checkpoint written");
        assert!(
            saved.starts_with("dev=0x")
                && saved.contains("\ninode=")
                && saved.contains("\noutput="),
            "{saved}"
        );
        // Append the rest: the second run prints only events after the checkpoint.
        let mut all = first.clone();
        all.extend_from_slice(&second);
        std::fs::write(&f, &all).unwrap();
        let b = run(bin, &["-if", fs, "--checkpoint", cs, "--raw"], None);
        assert_eq!(b.status.code(), Some(0), "{bin} second run");
        let both = [a.stdout.clone(), b.stdout.clone()].concat();
        assert!(!b.stdout.is_empty());
        assert!(
            both.len() <= all.len() + 1024,
            "{bin}: events printed twice"
        );
        // A corrupt checkpoint file: exit 10 with a message.
        std::fs::write(&chk, "garbage\n").unwrap();
        let c = run(bin, &["-if", fs, "--checkpoint", cs], None);
        assert_eq!(c.status.code(), Some(10), "{bin} corrupt checkpoint");
        assert!(String::from_utf8_lossy(&c.stderr).contains("Unknown checkpoint line - [garbage]"));
    }
}

#[test]
fn checkpoint_matches_real_ausearch() {
    if !real_available() {
        return;
    }
    let log = std::fs::read(recorded("enriched.log")).expect("recorded log");
    let (first, second) = halves(&log);
    let d = tmpdir("chk-cmp");
    let f = d.join("audit.log");
    std::fs::write(&f, &first).unwrap();
    let fs = f.to_str().unwrap();
    let (c1, c2) = (d.join("c1"), d.join("c2"));
    let (c1s, c2s) = (c1.to_str().unwrap(), c2.to_str().unwrap());
    for step in 0..2 {
        if step == 1 {
            std::fs::write(&f, [first.as_slice(), second.as_slice()].concat()).unwrap();
        }
        let a = run(REAL, &["-if", fs, "--checkpoint", c1s, "-i"], None);
        let r = run("raudit", &["-if", fs, "--checkpoint", c2s, "-i"], None);
        assert_eq!(r.status.code(), a.status.code(), "step {step} exit");
        assert!(r.stdout == a.stdout, "step {step}: output differs");
        assert_eq!(
            std::fs::read(&c1).unwrap(),
            std::fs::read(&c2).unwrap(),
            "step {step}: checkpoint files differ"
        );
    }
}

#[test]
fn input_logs_reads_the_configured_rotated_set_oldest_first() {
    let src = root().join("tests/data/logs/recorded/rotated");
    let d = tmpdir("logs");
    for e in std::fs::read_dir(&src).expect("rotated set") {
        let e = e.unwrap();
        std::fs::copy(e.path(), d.join(e.file_name())).unwrap();
    }
    let conf = d.join("auditd.conf");
    std::fs::write(
        &conf,
        format!(
            "log_file = {}/audit.log\nend_of_event_timeout = 2\n",
            d.display()
        ),
    )
    .unwrap();
    let via_conf = run("raudit", &["--input-logs", "--raw"], Some(&conf));
    let via_dir = run("raudit", &["-if", d.to_str().unwrap(), "--raw"], None);
    assert_eq!(
        via_conf.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&via_conf.stderr)
    );
    assert_eq!(via_conf.stdout, via_dir.stdout);
    // Oldest first: the first event printed is no newer than the last one.
    let stamp = |l: &[u8]| {
        l.split(|&b| b == b'(').nth(1).map(|s| {
            s.iter()
                .take_while(|&&c| c != b'.')
                .copied()
                .collect::<Vec<u8>>()
        })
    };
    let lines: Vec<&[u8]> = via_conf
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    assert!(stamp(lines[0]) <= stamp(lines[lines.len() - 1]));
}

#[test]
fn day_keywords_match_real_ausearch() {
    if !real_available() {
        return;
    }
    let f = recorded("raw.log");
    let fs = f.to_str().unwrap();
    for kw in [
        "today",
        "yesterday",
        "this-week",
        "week-ago",
        "this-month",
        "this-year",
    ] {
        for opt in ["-ts", "-te"] {
            let a = run(REAL, &["-if", fs, opt, kw, "--raw"], None);
            let r = run("raudit", &["-if", fs, opt, kw, "--raw"], None);
            assert_eq!(r.status.code(), a.status.code(), "{opt} {kw}");
            assert!(r.stdout == a.stdout, "{opt} {kw}: output differs");
            assert_eq!(
                String::from_utf8_lossy(&r.stderr),
                String::from_utf8_lossy(&a.stderr),
                "{opt} {kw}"
            );
        }
    }
}
