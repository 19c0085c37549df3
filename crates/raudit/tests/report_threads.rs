//! `raudit report` read with two threads (a reader thread splitting, parsing and
//! assembling; the main thread extracting, tallying and printing) prints exactly
//! what the single-threaded read prints: every report, as summary and detailed
//! listing, over the recorded logs (including a rotated set, whose events are only
//! completed at the end of the last file) and a log with malformed lines.

use std::path::Path;
use std::process::Command;

mod common;
use common::tmp::TempDir;

const REPORTS: &[&str] = &[
    "",
    "-au",
    "-a",
    "-c",
    "--comm",
    "-cr",
    "-e",
    "-f",
    "-h",
    "--integrity",
    "-k",
    "-l",
    "-m",
    "-ma",
    "-n",
    "-p",
    "-r",
    "-s",
    "-t",
    "-tm",
    "--tty",
    "-u",
    "-x",
    "--virt",
];

fn run(threads: &str, args: &[&str]) -> (Vec<u8>, Vec<u8>, Option<i32>) {
    run_env(&[("RAUDIT_REPORT_THREADS", threads)], args)
}

#[test]
fn two_threads_print_what_one_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/logs");
    let inputs = [
        root.join("recorded/enriched.log"),
        root.join("recorded/mixed.log"),
        root.join("recorded/rotated"),
        root.join("bad/interleaved.log"),
        root.join("bad/bad-fields.log"),
    ];
    let mut cases = 0;
    for input in &inputs {
        let input = input.to_str().expect("utf-8 path");
        for r in REPORTS {
            for extra in [&["--summary"][..], &[], &["--summary", "-i"]] {
                let mut args = vec!["-if", input];
                if !r.is_empty() {
                    args.push(r);
                }
                args.extend_from_slice(extra);
                let one = run("1", &args);
                let two = run("2", &args);
                assert!(one == two, "report {args:?} differs with two threads");
                cases += 1;
            }
        }
    }
    eprintln!("{cases} report runs identical with one and two threads");
}

fn run_env(env: &[(&str, &str)], args: &[&str]) -> (Vec<u8>, Vec<u8>, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_raudit"))
        .arg("report")
        .args(args)
        .envs(env.iter().copied())
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .expect("run raudit");
    (out.stdout, out.stderr, out.status.code())
}

/// Summaries read in two chunks (second thread from the middle, stitched by
/// comparing the assemblers) print what one thread prints.
#[test]
fn chunked_summaries_print_what_one_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/logs");
    let chunked = [
        ("RAUDIT_REPORT_CHUNK_MIN", "1"),
        ("RAUDIT_REPORT_THREADS", "2"),
    ];
    let mut cases = 0;
    for input in [
        root.join("recorded/enriched.log"),
        root.join("recorded/mixed.log"),
        root.join("recorded/rotated"),
        root.join("bad/interleaved.log"),
        root.join("bad/bad-fields.log"),
    ] {
        let input = input.to_str().expect("utf-8 path");
        for r in REPORTS {
            for extra in [&["--summary"][..], &["--summary", "-i"]] {
                let mut args = vec!["-if", input];
                if !r.is_empty() {
                    args.push(r);
                }
                args.extend_from_slice(extra);
                let one = run("1", &args);
                let two = run_env(&chunked, &args);
                assert!(one == two, "report {args:?} differs when read in chunks");
                cases += 1;
            }
        }
    }
    eprintln!("{cases} summaries identical with one thread and in chunks");
}

/// A synthetic log of `n` events (SYSCALL + PATH + EOE, ten per second), with
/// `straddle`, an event whose SYSCALL is the first line but whose time is later
/// than the middle's (so a single reader still holds it there), and whose PATH
/// comes 100 KiB before the middle.
fn synthetic(n: u64, straddle: bool) -> Vec<u8> {
    let line = |k: u64, ty: &str, rest: &str| {
        format!(
            "type={ty} msg=audit({}.{:03}:{}): {rest}\n",
            1000 + k / 10,
            (k % 10) * 100,
            k + 1
        )
    };
    let syscall = |k: u64| {
        line(
            k,
            "SYSCALL",
            &format!(
                "arch=c000003e syscall=59 success={} exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 \
                 pid={} auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 \
                 tty=pts{} ses=1 comm=\"c{}\" exe=\"/bin/x{}\" key=\"k{}\"",
                if k.is_multiple_of(7) { "no" } else { "yes" },
                100 + k % 50,
                k % 3,
                k % 11,
                k % 13,
                k % 5
            ),
        )
    };
    let x = n * 6 / 10; // the odd event
    let mut body = Vec::new();
    if straddle {
        body.extend_from_slice(syscall(x).as_bytes());
    }
    let mut lines = Vec::new();
    for k in 0..n {
        if k == x {
            continue;
        }
        lines.push(syscall(k));
        lines.push(line(
            k,
            "PATH",
            &format!("item=0 name=\"/tmp/f{}\" inode={k}", k % 17),
        ));
        lines.push(line(k, "EOE", ""));
    }
    let total: usize = lines.iter().map(String::len).sum();
    let mut at = 0;
    let mut placed = !straddle;
    for l in lines {
        if !placed && at + 100 * 1024 >= total / 2 {
            body.extend_from_slice(line(x, "PATH", "item=0 name=\"/tmp/odd\" inode=1").as_bytes());
            placed = true;
        }
        at += l.len();
        body.extend_from_slice(l.as_bytes());
    }
    body
}

/// When the second thread's assembler does not match at the cut (an event
/// held there has a record before where the second thread started), its work
/// is dropped and the first thread reads on: same output; when it matches,
/// the chunks are stitched.
#[test]
fn chunks_fall_back_when_the_states_differ() {
    let dir = TempDir::new("chunks");
    for (straddle, want) in [(false, "chunks stitched"), (true, "chunks differ")] {
        let log = dir.join(format!("audit-{straddle}.log"));
        std::fs::write(&log, synthetic(20_000, straddle)).unwrap();
        let log = log.to_str().unwrap();
        let chunked = [
            ("RAUDIT_REPORT_CHUNK_MIN", "1"),
            ("RAUDIT_REPORT_THREADS", "2"),
            ("RAUDIT_REPORT_CHUNK_DEBUG", "1"),
        ];
        for r in ["", "-x", "-k", "-f", "-tm", "-p", "-u", "--comm", "-s"] {
            let mut args = vec!["-if", log, "--summary"];
            if !r.is_empty() {
                args.push(r);
            }
            let one = run("1", &args);
            let two = run_env(&chunked, &args);
            let err = String::from_utf8_lossy(&two.1);
            assert!(err.contains(want), "{args:?}: {err}");
            assert!(
                (&one.0, one.2) == (&two.0, two.2),
                "report {args:?} differs when read in chunks ({want})"
            );
        }
    }
}
