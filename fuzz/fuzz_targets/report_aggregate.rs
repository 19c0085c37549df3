//! Arbitrary log bytes through every `aureport` report: the input is written to a
//! file and `raudit report -if FILE` runs each report as a summary (`--summary`), as
//! its detailed listing, interpreted (`-i`), restricted to failed events, and as
//! JSON — the aggregations (tallies, orders, counters) must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

const REPORTS: &[&str] = &[
    "", "-au", "-a", "-c", "--comm", "-cr", "-e", "-f", "-h", "--integrity", "-k", "-l",
    "-m", "-ma", "-n", "-p", "-r", "-s", "-t", "-tm", "--tty", "-u", "-x", "--virt",
];

const MODIFIERS: &[&[&str]] = &[
    &["--summary"],
    &[],
    &["--summary", "-i"],
    &["--failed"],
    &["--summary", "--format", "json"],
];

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("raudit-fuzz-report-{}.log", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let file = path.as_os_str().as_encoded_bytes().to_vec();
    for r in REPORTS {
        for m in MODIFIERS {
            let mut args: Vec<Vec<u8>> = vec![b"-if".to_vec(), file.clone()];
            if !r.is_empty() {
                args.push(r.as_bytes().to_vec());
            }
            args.extend(m.iter().map(|a| a.as_bytes().to_vec()));
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let _ = raudit_search::report::main(&args, &mut out, &mut err);
        }
    }
    let _ = std::fs::remove_file(&path);
});
