//! Golden tests: `raudit report` against outputs of the real `aureport` 3.0.9.
//!
//! The golden files under `tests/golden/report/` are produced by
//! `scripts/gen-goldens-report.py` (one file per log, compact format described
//! there: one line per case, outputs as text, a truncated SHA-256, or a reference
//! to an earlier identical output). Logs from the shared corpus are read from
//! `../shared/corpus` relative to the repo root; when it is missing those files
//! are skipped loudly.
//!
//! Tests:
//! - `report_golden_files_are_well_formed` (always): every golden file parses.
//! - `report_matches_aureport_goldens`: runs every case and compares stdout,
//!   stderr and exit code byte for byte. Cases reading a file run in-process
//!   (`raudit_search::report::main`, fast); stdin and argument cases run the
//!   binary.
//! - `report_goldens_agree_with_real_aureport` (interop; skips if aureport is
//!   absent): the real tool over a sample of cases through the same checker.
//!
//! Environment: `RAUDIT_GOLDEN_LOG=SUBSTR`, `RAUDIT_GOLDEN_GROUP=G1,G2`,
//! `RAUDIT_GOLDEN_FAILS=N` (failures detailed, default 8), `RAUDIT_GOLDEN_REPORT=1`
//! (print the per-group table even when all pass), `RAUDIT_GOLDEN_SAMPLE=N`
//! (interop: every Nth case, default 25).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

mod common;
use common::digest::{hex, sha256};

const REAL_AUREPORT: &str = "/usr/sbin/aureport";

#[derive(Clone, Debug, PartialEq)]
enum Expect {
    Text(Vec<u8>),
    Hash { hex: String, len: usize },
}

#[derive(Clone, Debug)]
struct Case {
    index: usize,
    group: String,
    mode: String,
    exit: i32,
    argv: Vec<String>,
    stdout: Expect,
    stderr: Expect,
}

#[derive(Debug)]
struct Golden {
    log: String,
    kind: String,
    cases: Vec<Case>,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

fn golden_dir() -> PathBuf {
    repo_root().join("tests/golden/report")
}

/// A JSON array of strings (as Python's json.dumps with ensure_ascii writes it).
fn parse_json_strings(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut it = s.trim().chars().peekable();
    if it.next() != Some('[') {
        return Err(format!("argv is not a JSON array: {s}"));
    }
    loop {
        while it.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            it.next();
        }
        match it.next() {
            Some(']') => return Ok(out),
            Some('"') => {}
            other => return Err(format!("bad JSON near {other:?} in {s}")),
        }
        let mut cur = String::new();
        loop {
            let c = it.next().ok_or("unterminated JSON string")?;
            match c {
                '"' => break,
                '\\' => {
                    let e = it.next().ok_or("bad escape")?;
                    cur.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '/' => '/',
                        '\\' => '\\',
                        '"' => '"',
                        'u' => {
                            let hex: String = (0..4).filter_map(|_| it.next()).collect();
                            let v = u32::from_str_radix(&hex, 16).map_err(|e| e.to_string())?;
                            char::from_u32(v).unwrap_or('\u{fffd}')
                        }
                        other => return Err(format!("bad escape \\{other}")),
                    });
                }
                c => cur.push(c),
            }
        }
        out.push(cur);
    }
}

fn parse_golden(file: &Path) -> Result<Golden, String> {
    let data = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let err = |m: String| format!("{}: {m}", file.display());
    let mut g = Golden {
        log: String::new(),
        kind: String::new(),
        cases: Vec::new(),
    };
    let mut pos = 0usize;
    let mut refs: BTreeMap<String, Expect> = BTreeMap::new();
    while pos < data.len() {
        let end = data[pos..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(data.len(), |i| pos + i);
        let line = std::str::from_utf8(&data[pos..end]).map_err(|e| err(e.to_string()))?;
        pos = end + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(v) = line.strip_prefix("log: ") {
            g.log = v.to_string();
            continue;
        }
        if let Some(v) = line.strip_prefix("kind: ") {
            g.kind = v.to_string();
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 7 {
            return Err(err(format!("bad case line: {line}")));
        }
        let index: usize = f[0]
            .parse()
            .map_err(|_| err(format!("bad index: {line}")))?;
        let exit: i32 = f[3].parse().map_err(|_| err(format!("bad exit: {line}")))?;
        let argv = parse_json_strings(f[4]).map_err(&err)?;
        let mut exp = Vec::new();
        for (spec, tag) in [(f[5], 'o'), (f[6], 'e')] {
            let e = if spec == "-" {
                Expect::Text(Vec::new())
            } else if let Some(n) = spec.strip_prefix('t') {
                let n: usize = n.parse().map_err(|_| err(format!("bad length: {line}")))?;
                let b = data
                    .get(pos..pos + n)
                    .ok_or_else(|| err(format!("case {index}: text truncated")))?
                    .to_vec();
                if data.get(pos + n) != Some(&b'\n') {
                    return Err(err(format!("case {index}: text not followed by newline")));
                }
                pos += n + 1;
                Expect::Text(b)
            } else if let Some(h) = spec.strip_prefix('h') {
                let (hex, len) = h
                    .split_once('.')
                    .ok_or_else(|| err(format!("bad hash: {line}")))?;
                Expect::Hash {
                    hex: hex.to_string(),
                    len: len.parse().map_err(|_| err(format!("bad hash: {line}")))?,
                }
            } else if let Some(r) = spec.strip_prefix('=') {
                refs.get(r)
                    .cloned()
                    .ok_or_else(|| err(format!("case {index}: bad reference {spec}")))?
            } else {
                return Err(err(format!("bad spec {spec}: {line}")));
            };
            refs.insert(format!("{index}{tag}"), e.clone());
            exp.push(e);
        }
        let stderr = exp.pop().ok_or("internal")?;
        let stdout = exp.pop().ok_or("internal")?;
        g.cases.push(Case {
            index,
            group: f[1].to_string(),
            mode: f[2].to_string(),
            exit,
            argv,
            stdout,
            stderr,
        });
    }
    if g.log.is_empty() {
        return Err(err("no log: line".into()));
    }
    Ok(g)
}

fn load_all() -> Vec<Golden> {
    let dir = golden_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "golden"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| parse_golden(f).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// The selected cases with their full argv and (for stdin cases) the log bytes.
struct Job {
    log: String,
    case: Case,
    argv: Vec<String>,
    stdin: Option<Vec<u8>>,
}

fn selected(goldens: Vec<Golden>) -> Vec<Job> {
    let log_filter = std::env::var("RAUDIT_GOLDEN_LOG").ok();
    let groups: Option<Vec<String>> = std::env::var("RAUDIT_GOLDEN_GROUP")
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    let root = repo_root();
    let mut out = Vec::new();
    let mut skipped = 0;
    for g in goldens {
        if log_filter.as_deref().is_some_and(|f| !g.log.contains(f)) {
            continue;
        }
        let path = root.join(&g.log);
        if !path.exists() {
            skipped += 1;
            continue;
        }
        let mut data: Option<Vec<u8>> = None;
        for c in g.cases {
            if groups.as_ref().is_some_and(|gs| !gs.contains(&c.group)) {
                continue;
            }
            let mut argv = c.argv.clone();
            let mut stdin = None;
            match c.mode.as_str() {
                "file" => {
                    argv.push("-if".into());
                    argv.push(g.log.clone());
                }
                "stdin" => {
                    if data.is_none() && g.kind == "file" {
                        data = std::fs::read(&path).ok();
                    }
                    stdin = Some(data.clone().unwrap_or_default());
                }
                _ => {}
            }
            out.push(Job {
                log: g.log.clone(),
                case: c,
                argv,
                stdin,
            });
        }
    }
    if skipped > 0 {
        eprintln!(
            "SKIPPED: {skipped} golden files whose log is missing (is ../shared/corpus present? expected at {})",
            root.join("../shared/corpus").display()
        );
    }
    out
}

struct Ran {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    exit: Option<i32>,
}

fn run_process(program: &[&str], job: &Job) -> Ran {
    let mut cmd = Command::new(program[0]);
    cmd.args(&program[1..])
        .args(&job.argv)
        .current_dir(repo_root())
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .stdin(if job.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    std::thread::scope(|s| {
        if let (Some(mut w), Some(data)) = (child.stdin.take(), job.stdin.as_deref()) {
            s.spawn(move || {
                let _ = w.write_all(data);
            });
        }
        let mut o = child.stdout.take();
        let mut e = child.stderr.take();
        let ot = s.spawn(move || {
            let mut b = Vec::new();
            if let Some(p) = o.as_mut() {
                let _ = p.read_to_end(&mut b);
            }
            b
        });
        let et = s.spawn(move || {
            let mut b = Vec::new();
            if let Some(p) = e.as_mut() {
                let _ = p.read_to_end(&mut b);
            }
            b
        });
        let st = child.wait().ok();
        Ran {
            stdout: ot.join().unwrap_or_default(),
            stderr: et.join().unwrap_or_default(),
            exit: st.and_then(|s| s.code()),
        }
    })
}

/// Runs a case reading a file inside this process (the cwd and environment were
/// set up once by the caller).
fn run_in_process(job: &Job) -> Ran {
    let args: Vec<Vec<u8>> = job.argv.iter().map(|a| a.as_bytes().to_vec()).collect();
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let rc = raudit_search::report::main(&args, &mut stdout, &mut stderr);
    Ran {
        stdout,
        stderr,
        exit: Some(rc),
    }
}

fn in_process_ok(job: &Job) -> bool {
    job.stdin.is_none() && job.argv.iter().any(|a| a == "-if" || a == "--input")
}

// ------------------------------------------------------------------ sha256

fn show(b: &[u8]) -> String {
    let s: String = String::from_utf8_lossy(b).chars().take(300).collect();
    format!("{s:?}")
}

fn compare(name: &str, exp: &Expect, got: &[u8]) -> Option<String> {
    match exp {
        Expect::Text(e) if e == got => None,
        Expect::Text(e) => {
            let el: Vec<&[u8]> = e.split(|&c| c == b'\n').collect();
            let gl: Vec<&[u8]> = got.split(|&c| c == b'\n').collect();
            let i = (0..el.len().max(gl.len()))
                .find(|&i| el.get(i) != gl.get(i))
                .unwrap_or(0);
            Some(format!(
                "{name}: line {} differs\n      want {}\n      got  {}",
                i + 1,
                el.get(i).map_or("<end>".into(), |l| show(l)),
                gl.get(i).map_or("<end>".into(), |l| show(l)),
            ))
        }
        Expect::Hash { hex: h, len } => {
            if got.len() == *len && hex(&sha256(got)).starts_with(h.as_str()) {
                None
            } else {
                Some(format!(
                    "{name}: hash differs (want {len} bytes, got {}): starts {}",
                    got.len(),
                    show(&got[..got.len().min(200)])
                ))
            }
        }
    }
}

fn problems(job: &Job, ran: &Ran) -> Vec<String> {
    let mut p = Vec::new();
    if ran.exit != Some(job.case.exit) {
        p.push(format!("exit: want {}, got {:?}", job.case.exit, ran.exit));
    }
    if let Some(d) = compare("stdout", &job.case.stdout, &ran.stdout) {
        p.push(d);
    }
    if let Some(d) = compare("stderr", &job.case.stderr, &ran.stderr) {
        p.push(d);
    }
    p
}

fn summarize(results: &[(String, &Job, Vec<String>)], what: &str) {
    let mut table: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (_, job, p) in results {
        let e = table.entry(job.case.group.as_str()).or_default();
        e.1 += 1;
        if p.is_empty() {
            e.0 += 1;
        }
    }
    let failed: Vec<_> = results.iter().filter(|r| !r.2.is_empty()).collect();
    if !failed.is_empty() || std::env::var("RAUDIT_GOLDEN_REPORT").is_ok() {
        eprintln!("{what}: pass/total per group");
        for (g, (ok, n)) in &table {
            eprintln!("  {g:<12} {ok:>6}/{n}");
        }
    }
    let show_n: usize = std::env::var("RAUDIT_GOLDEN_FAILS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    for (log, job, p) in failed.iter().take(show_n) {
        eprintln!(
            "FAIL {log} case {} [{}] argv {:?}",
            job.case.index, job.case.group, job.argv
        );
        for x in p.iter() {
            eprintln!("    {x}");
        }
    }
    let total = results.len();
    eprintln!("{what}: {} of {total} cases pass", total - failed.len());
    assert!(
        failed.is_empty(),
        "{} of {total} cases differ",
        failed.len()
    );
}

#[test]
fn report_golden_files_are_well_formed() {
    let goldens = load_all();
    assert!(!goldens.is_empty(), "no golden files");
    let n: usize = goldens.iter().map(|g| g.cases.len()).sum();
    assert!(n > 1000, "only {n} cases");
}

/// The in-process runs change the process's cwd and environment: one test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

#[test]
fn report_matches_aureport_goldens() {
    let _guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let jobs = selected(load_all());
    std::env::set_current_dir(repo_root()).expect("chdir");
    std::env::set_var("TZ", "UTC");
    std::env::set_var("LC_ALL", "C");
    std::env::remove_var("RAUDIT_AUDITD_CONF");
    let bin = env!("CARGO_BIN_EXE_raudit");
    let mut results = Vec::new();
    for job in &jobs {
        let ran = if in_process_ok(job) {
            run_in_process(job)
        } else {
            run_process(&[bin, "report"], job)
        };
        results.push((job.log.clone(), job, problems(job, &ran)));
    }
    summarize(&results, "raudit report");
}

#[test]
fn report_goldens_agree_with_real_aureport() {
    if !Path::new(REAL_AUREPORT).exists() {
        eprintln!("SKIPPED: {REAL_AUREPORT} not installed");
        return;
    }
    let sample: usize = std::env::var("RAUDIT_GOLDEN_SAMPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25)
        .max(1);
    let jobs = selected(load_all());
    let mut results = Vec::new();
    for job in jobs.iter().step_by(sample) {
        let ran = run_process(&[REAL_AUREPORT], job);
        results.push((job.log.clone(), job, problems(job, &ran)));
    }
    summarize(&results, "real aureport");
}
