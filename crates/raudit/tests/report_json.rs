//! `raudit report --format json`: for many reports over committed recorded logs,
//! the JSON rows are the text rows parsed back (same values, same order, numbers
//! typed as numbers), and the document has the report's columns.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn run(args: &[&str]) -> (Vec<u8>, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_raudit"))
        .arg("report")
        .args(args)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .expect("run raudit");
    (out.stdout, out.status.code().unwrap_or(-1))
}

/// The data lines of a text report: after the title block, without blank lines
/// and the "no events" line.
fn text_rows(text: &str, main_summary: bool, log_time: bool) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let skip = if main_summary || log_time {
        3 // "", title, bar
    } else {
        5 // "", title, bar, heading, bar
    };
    lines
        .iter()
        .skip(skip)
        .filter(|l| !l.is_empty() && !l.starts_with("<no events of interest"))
        .map(|l| l.to_string())
        .collect()
}

fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Null => String::new(),
        other => panic!("unexpected cell {other}"),
    }
}

/// A JSON row written back as the text line.
fn json_line(kind: &str, summary: bool, row: &[Value]) -> String {
    let cells: Vec<String> = row.iter().map(cell).collect();
    if kind == "summary" {
        return format!("{}: {}", cells[0], cells[1]);
    }
    if kind == "log" {
        return if row[1].is_null() {
            format!("{}: no records", cells[0])
        } else {
            format!("{}: {} - {}", cells[0], cells[1], cells[2])
        };
    }
    if summary {
        return format!("{}  {}", cells[0], cells[1]);
    }
    let mut s = format!("{}.", cells[0]);
    for c in &cells[1..] {
        s.push(' ');
        s.push_str(c);
    }
    s
}

fn check(log: &Path, args: &[&str]) {
    let log = log.to_str().unwrap();
    let mut targs = vec!["-if", log];
    targs.extend_from_slice(args);
    let (text, trc) = run(&targs);
    let mut jargs = targs.clone();
    jargs.extend_from_slice(&["--format", "json"]);
    let (json, jrc) = run(&jargs);
    assert_eq!(trc, jrc, "exit codes differ for {args:?}");
    let doc: Value = serde_json::from_slice(&json).unwrap_or_else(|e| {
        panic!(
            "{args:?}: bad JSON ({e}): {}",
            String::from_utf8_lossy(&json)
        )
    });
    let kind = doc["report"].as_str().unwrap().to_string();
    let summary = doc["summary"].as_bool().unwrap();
    let columns: Vec<String> = doc["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    let rows = doc["rows"].as_array().unwrap();
    let text = String::from_utf8_lossy(&text);
    let want = text_rows(&text, kind == "summary", kind == "log");
    assert_eq!(rows.len(), want.len(), "{args:?}: row count\n{text}");
    let mut numbers = 0;
    for (row, line) in rows.iter().zip(&want) {
        let row = row.as_array().unwrap();
        assert_eq!(row.len(), columns.len(), "{args:?}: row width {row:?}");
        assert_eq!(&json_line(&kind, summary, row), line, "{args:?}");
        // Field by field where the text splits unambiguously on spaces.
        if !summary && kind != "log" {
            let parts: Vec<&str> = line.split(' ').collect();
            if parts.len() == columns.len() {
                for (i, (v, p)) in row.iter().zip(&parts).enumerate() {
                    let p = if i == 0 { p.trim_end_matches('.') } else { p };
                    assert_eq!(&cell(v), p, "{args:?}: column {}", columns[i]);
                }
            }
        }
        for (i, v) in row.iter().enumerate() {
            let c = columns[i].as_str();
            if v.is_number() {
                numbers += 1;
            }
            if matches!(c, "#" | "event" | "total" | "pid") {
                assert!(v.is_number(), "{args:?}: {c} is not a number: {v}");
            }
        }
    }
    if !rows.is_empty() && kind != "log" {
        assert!(numbers > 0, "{args:?}: no numbers");
    }
}

#[test]
fn json_rows_equal_text_rows() {
    let dir = root().join("tests/data/logs/recorded");
    let reports: &[&[&str]] = &[
        &[],
        &["--failed"],
        &["-t"],
        &["-x", "--summary"],
        &["-x"],
        &["-f"],
        &["-f", "--summary", "-i"],
        &["-k", "--summary"],
        &["-k"],
        &["-e", "-i"],
        &["-e", "--summary"],
        &["-s", "--summary", "-i"],
        &["-s"],
        &["-u", "-i"],
        &["-u", "--summary"],
        &["-p", "--summary"],
        &["-p"],
        &["-l"],
        &["-au", "--summary"],
        &["-c"],
        &["-m"],
        &["-a"],
        &["-tm"],
        &["-h", "--summary"],
        &["--comm"],
        &["--tty"],
        &["-n"],
        &["-cr", "--summary"],
    ];
    for log in ["raw.log", "enriched.log"] {
        for args in reports {
            check(&dir.join(log), args);
        }
    }
}

#[test]
fn json_document_shape() {
    let log = root().join("tests/data/logs/recorded/raw.log");
    let (json, rc) = run(&[
        "-if",
        log.to_str().unwrap(),
        "-x",
        "--summary",
        "--format",
        "json",
    ]);
    assert_eq!(rc, 0);
    let doc: Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(doc["report"], "executable");
    assert_eq!(doc["title"], "Executable Summary Report");
    assert_eq!(doc["columns"], serde_json::json!(["total", "file"]));
    let rows = doc["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    let totals: Vec<u64> = rows.iter().map(|r| r[0].as_u64().unwrap()).collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "sorted by hits");
    // A bad format is refused like any bad option.
    let (_, rc) = run(&["-if", log.to_str().unwrap(), "--format", "xml"]);
    assert_eq!(rc, 1);
}
