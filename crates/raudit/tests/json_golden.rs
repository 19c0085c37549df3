//! `raudit json` over every log of the shared corpus equals the goldens made by
//! `scripts/gen-goldens-json.sh` (full outputs, or digests for GPL-licensed logs),
//! and every line is one valid JSON object. Runs in process (no user/group lookups,
//! as the generator's RAUDIT_JSON_NAMES=none). Logs missing or changed are skipped
//! loudly.

mod common;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn run(log: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let j = raudit_search::search::JsonRun {
        files: vec![log.as_os_str().as_encoded_bytes().to_vec()],
        settings: raudit_json::Settings::default(),
        names: Some(Box::new(raudit_logfmt::interpret::NoNames)),
    };
    raudit_search::search::json_main(&[], j, &mut out, &mut err);
    out
}

#[test]
fn corpus_goldens() {
    let root = root();
    let gdir = root.join("tests/golden/json");
    let index =
        std::fs::read_to_string(gdir.join("index.tsv")).expect("tests/golden/json/index.tsv");
    let corpus = root.join("../shared/corpus/logs");
    let (mut checked, mut skipped, mut failed) = (0, 0, Vec::new());
    for line in index.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 5, "bad index line {line}");
        let log = corpus.join(f[0]);
        let Ok(data) = std::fs::read(&log) else {
            skipped += 1;
            continue;
        };
        if hex(&common::digest::sha256(&data)) != f[1] {
            eprintln!("SKIP {}: the log changed since the goldens were made", f[0]);
            skipped += 1;
            continue;
        }
        let out = run(&log);
        for (n, l) in out.split(|&b| b == b'\n').enumerate() {
            if l.is_empty() {
                continue;
            }
            let v: serde_json::Value = serde_json::from_slice(l)
                .unwrap_or_else(|e| panic!("{} line {}: not JSON ({e})", f[0], n + 1));
            assert!(
                v.is_object() && v.get("ID").is_some(),
                "{} line {}",
                f[0],
                n + 1
            );
        }
        if hex(&common::digest::sha256(&out)) != f[2] || out.len().to_string() != f[3] {
            if f[4] != "-" {
                let want = std::fs::read(gdir.join(f[4])).unwrap_or_default();
                let first = want
                    .split(|&b| b == b'\n')
                    .zip(out.split(|&b| b == b'\n'))
                    .position(|(a, b)| a != b);
                eprintln!("DIFF {} at line {:?}", f[0], first.map(|i| i + 1));
            }
            failed.push(f[0].to_string());
        }
        checked += 1;
    }
    if skipped > 0 {
        eprintln!(
            "SKIPPED: {skipped} corpus logs missing or changed (../shared/corpus at {})",
            corpus.display()
        );
    }
    assert!(
        failed.is_empty(),
        "{} of {checked} logs differ: {failed:?}",
        failed.len()
    );
}
