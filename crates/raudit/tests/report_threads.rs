//! `raudit report` read with two threads (a reader thread splitting, parsing and
//! assembling; the main thread extracting, tallying and printing) prints exactly
//! what the single-threaded read prints: every report, as summary and detailed
//! listing, over the recorded logs (including a rotated set, whose events are only
//! completed at the end of the last file) and a log with malformed lines.

use std::path::Path;
use std::process::Command;

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
    let out = Command::new(env!("CARGO_BIN_EXE_raudit"))
        .arg("report")
        .args(args)
        .env("RAUDIT_REPORT_THREADS", threads)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .expect("run raudit");
    (out.stdout, out.stderr, out.status.code())
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
