//! Golden tests: `raudit search` against outputs of the real `ausearch` 3.0.9.
//!
//! The golden files under `tests/golden/search/` are produced by
//! `scripts/gen-goldens-search.py` (one file per log; each case holds argv,
//! exit code, stdout and stderr — full text, or a SHA-256 digest for logs
//! whose licence keeps them out of the repo and for very large outputs).
//! Logs from the shared corpus are read from `../shared/corpus` relative to
//! the repo root; when it is missing those files are skipped loudly.
//!
//! Tests:
//! - `golden_files_are_well_formed` (always): every golden file parses.
//! - `search_matches_ausearch_goldens`: runs `raudit search ARGS` for every
//!   case and compares stdout, stderr and exit code byte for byte.
//! - `goldens_agree_with_real_ausearch` (interop; skips if ausearch is
//!   absent): runs the real tool over a sample of cases through the same
//!   runner, which proves the harness and catches a drifted environment.
//!
//! Environment:
//! - `RAUDIT_GOLDEN_REPORT=1`: print the pass/fail table per option group
//!   (and per log) even when everything passes.
//! - `RAUDIT_GOLDEN_LOG=SUBSTR`: only logs whose path contains SUBSTR.
//! - `RAUDIT_GOLDEN_GROUP=G1,G2`: only these option groups (`key` also
//!   selects `key-none`).
//! - `RAUDIT_GOLDEN_CASE=N`: only case N of each selected log.
//! - `RAUDIT_GOLDEN_FAILS=N`: detail the first N failures (default 8).
//! - `RAUDIT_GOLDEN_THREADS=N`: parallel cases (default 2).
//! - `RAUDIT_GOLDEN_SAMPLE=N`: interop test runs every Nth case (default 10).
//!
//! Example: `RAUDIT_GOLDEN_REPORT=1 RAUDIT_GOLDEN_GROUP=key cargo test -p raudit
//! --test search_golden -- --nocapture`

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

mod common;
use common::digest::{hex, sha256};

const REAL_AUSEARCH: &str = "/usr/sbin/ausearch";
const CASE_TIMEOUT: Duration = Duration::from_secs(120);

// ------------------------------------------------------------------ files

/// What a stream must contain.
#[derive(Clone, Debug)]
enum Expect {
    Text(Vec<u8>),
    Digest {
        hex: String,
        len: usize,
        lines: usize,
    },
}

#[derive(Clone, Debug)]
struct Case {
    index: usize,
    group: String,
    argv: Vec<String>,
    stdin_pipe: bool,
    exit: i32,
    stdout: Expect,
    stderr: Expect,
}

#[derive(Debug)]
struct Golden {
    file: PathBuf,
    log: String,
    kind: String,
    /// `uids A=name B=? …; gids …` as the generator's machine resolved them.
    ids: Option<String>,
    cases: Vec<Case>,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn golden_dir() -> PathBuf {
    repo_root().join("tests/golden/search")
}

fn line_count(b: &[u8]) -> usize {
    let n = b.iter().filter(|&&c| c == b'\n').count();
    n + usize::from(!b.is_empty() && !b.ends_with(b"\n"))
}

/// Parse a JSON array of strings (as written by Python's json.dumps).
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
        let mut pending_high: Option<u32> = None;
        loop {
            let c = it.next().ok_or("unterminated JSON string")?;
            match c {
                '"' => break,
                '\\' => {
                    let e = it.next().ok_or("bad escape")?;
                    let ch = match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        '/' => '/',
                        '\\' => '\\',
                        '"' => '"',
                        'u' => {
                            let hex: String = (0..4).filter_map(|_| it.next()).collect();
                            let v = u32::from_str_radix(&hex, 16).map_err(|e| e.to_string())?;
                            if (0xD800..0xDC00).contains(&v) {
                                pending_high = Some(v);
                                continue;
                            }
                            let v = match pending_high.take() {
                                Some(h) if (0xDC00..0xE000).contains(&v) => {
                                    0x10000 + ((h - 0xD800) << 10) + (v - 0xDC00)
                                }
                                _ => v,
                            };
                            char::from_u32(v).unwrap_or('\u{fffd}')
                        }
                        other => return Err(format!("bad escape \\{other}")),
                    };
                    cur.push(ch);
                }
                c => cur.push(c),
            }
        }
        out.push(cur);
    }
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn line(&mut self) -> Option<&'a str> {
        if self.pos >= self.data.len() {
            return None;
        }
        let rest = &self.data[self.pos..];
        let end = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
        self.pos += end + 1;
        std::str::from_utf8(&rest[..end]).ok()
    }
    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let b = self.data.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(b)
    }
}

fn parse_golden(file: &Path) -> Result<Golden, String> {
    let data = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut r = Reader {
        data: &data,
        pos: 0,
    };
    let mut g = Golden {
        file: file.to_path_buf(),
        log: String::new(),
        kind: String::new(),
        ids: None,
        cases: Vec::new(),
    };
    let err = |msg: String| format!("{}: {msg}", file.display());
    // Streams seen so far, by (case, stream), for `same` references.
    let mut streams: BTreeMap<(usize, String), Expect> = BTreeMap::new();
    while let Some(line) = r.line() {
        if let Some(v) =
            line.strip_prefix("# -i resolved these ids from this machine's user database: ")
        {
            g.ids = Some(v.to_string());
        }
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(v) = line.strip_prefix("log: ") {
            g.log = v.to_string();
        } else if let Some(v) = line.strip_prefix("kind: ") {
            g.kind = v.to_string();
        } else if let Some(v) = line.strip_prefix("=== case ") {
            let mut parts = v.split(' ');
            let index: usize = parts
                .next()
                .and_then(|x| x.parse().ok())
                .ok_or_else(|| err(format!("bad case line {line}")))?;
            let group = parts
                .next()
                .and_then(|x| x.strip_prefix("group="))
                .ok_or_else(|| err(format!("bad case line {line}")))?
                .to_string();
            let argv_line = r
                .line()
                .and_then(|l| l.strip_prefix("argv: "))
                .ok_or_else(|| err(format!("case {index}: no argv")))?;
            let argv = parse_json_strings(argv_line).map_err(&err)?;
            let stdin_pipe = match r.line().and_then(|l| l.strip_prefix("stdin: ")) {
                Some("pipe") => true,
                Some("none") => false,
                other => return Err(err(format!("case {index}: bad stdin {other:?}"))),
            };
            let exit: i32 = r
                .line()
                .and_then(|l| l.strip_prefix("exit: "))
                .and_then(|x| x.parse().ok())
                .ok_or_else(|| err(format!("case {index}: bad exit")))?;
            let mut exp = Vec::new();
            for name in ["stdout", "stderr"] {
                let l = r
                    .line()
                    .ok_or_else(|| err(format!("case {index}: missing {name}")))?;
                let spec = l
                    .strip_prefix(name)
                    .and_then(|x| x.strip_prefix(": "))
                    .ok_or_else(|| err(format!("case {index}: expected {name}, got {l}")))?;
                let f: Vec<&str> = spec.split(' ').collect();
                let num = |i: usize| -> Result<usize, String> {
                    f.get(i)
                        .and_then(|x| x.parse().ok())
                        .ok_or_else(|| err(format!("case {index}: bad {name} line {l}")))
                };
                let e = match f.first().copied() {
                    Some("text") => {
                        let n = num(1)?;
                        let b = r
                            .bytes(n)
                            .ok_or_else(|| err(format!("case {index}: {name} truncated")))?
                            .to_vec();
                        if r.bytes(1) != Some(b"\n") {
                            return Err(err(format!(
                                "case {index}: {name} not followed by newline"
                            )));
                        }
                        if line_count(&b) != num(2)? {
                            return Err(err(format!("case {index}: {name} line count mismatch")));
                        }
                        Expect::Text(b)
                    }
                    Some("sha256") => Expect::Digest {
                        hex: f.get(1).map(|s| s.to_string()).unwrap_or_default(),
                        len: num(2)?,
                        lines: num(3)?,
                    },
                    Some("same") => {
                        let c = num(1)?;
                        let s = f.get(2).map(|s| s.to_string()).unwrap_or_default();
                        streams
                            .get(&(c, s))
                            .cloned()
                            .ok_or_else(|| err(format!("case {index}: bad reference {l}")))?
                    }
                    _ => return Err(err(format!("case {index}: bad {name} line {l}"))),
                };
                streams.insert((index, name.to_string()), e.clone());
                exp.push(e);
            }
            let stderr = exp.pop().ok_or_else(|| err("internal".into()))?;
            let stdout = exp.pop().ok_or_else(|| err("internal".into()))?;
            g.cases.push(Case {
                index,
                group,
                argv,
                stdin_pipe,
                exit,
                stdout,
                stderr,
            });
        } else {
            return Err(err(format!("unexpected line: {line}")));
        }
    }
    if g.log.is_empty() {
        return Err(err("no log: line".into()));
    }
    Ok(g)
}

fn load_all() -> Vec<Golden> {
    let dir = golden_dir();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "golden"))
            .collect(),
        Err(e) => panic!("cannot read {}: {e}", dir.display()),
    };
    files.sort();
    files
        .iter()
        .map(|f| parse_golden(f).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// Names in an /etc/passwd or /etc/group style file, by id.
fn id_names(path: &str) -> BTreeMap<u32, String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut m = BTreeMap::new();
    for l in text.lines() {
        let f: Vec<&str> = l.split(':').collect();
        if f.len() > 2 {
            if let Ok(id) = f[2].parse() {
                m.entry(id).or_insert_with(|| f[0].to_string());
            }
        }
    }
    m
}

/// Compares a golden file's id note (`uids 0=root 102=?; gids 0=root`) with this
/// machine's databases; describes the first difference.
fn ids_differ(note: &str) -> Option<String> {
    let (uids, gids) = note.split_once("; gids ")?;
    let uids = uids.strip_prefix("uids ").unwrap_or(uids);
    for (part, db) in [
        (uids, id_names("/etc/passwd")),
        (gids, id_names("/etc/group")),
    ] {
        for item in part.split_whitespace().filter(|&i| i != "-") {
            let Some((id, name)) = item.split_once('=') else {
                continue;
            };
            let Ok(id) = id.parse::<u32>() else { continue };
            let now = db.get(&id).map_or("?", String::as_str);
            if now != name {
                return Some(format!("id {id} was {name}, is {now}"));
            }
        }
    }
    None
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Golden files and cases selected by the RAUDIT_GOLDEN_* variables, minus
/// logs that are not present (reported on stderr).
fn selected(goldens: Vec<Golden>) -> Vec<(String, Vec<u8>, Case)> {
    let log_filter = std::env::var("RAUDIT_GOLDEN_LOG").ok();
    let groups: Option<Vec<String>> = std::env::var("RAUDIT_GOLDEN_GROUP")
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    let case_filter: Option<usize> = std::env::var("RAUDIT_GOLDEN_CASE")
        .ok()
        .and_then(|v| v.parse().ok());
    let root = repo_root();
    let mut out = Vec::new();
    let mut skipped = 0;
    for g in goldens {
        if log_filter.as_deref().is_some_and(|f| !g.log.contains(f)) {
            continue;
        }
        let path = root.join(&g.log);
        let data = if g.kind == "dir" {
            if path.is_dir() {
                Some(Vec::new())
            } else {
                None
            }
        } else {
            std::fs::read(&path).ok()
        };
        let Some(data) = data else {
            skipped += 1;
            continue;
        };
        if let Some(diff) = g.ids.as_deref().and_then(ids_differ) {
            eprintln!(
                "SKIP {}: this machine's user/group database differs from the one the goldens were made with ({diff}); regenerate with scripts/gen-goldens-search.py",
                g.log
            );
            skipped += 1;
            continue;
        }
        for c in g.cases {
            if let Some(gs) = &groups {
                if !gs
                    .iter()
                    .any(|x| c.group == *x || c.group.strip_suffix("-none") == Some(x.as_str()))
                {
                    continue;
                }
            }
            if case_filter.is_some_and(|n| n != c.index) {
                continue;
            }
            out.push((g.log.clone(), data.clone(), c));
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

// ------------------------------------------------------------------ running

/// What ran: stdout, stderr, exit code (None when killed by a signal).
struct Run {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    exit: Option<i32>,
    note: Option<String>,
}

fn run_case(program: &[&str], case: &Case, log_bytes: &[u8]) -> Run {
    let mut cmd = Command::new(program[0]);
    cmd.args(&program[1..])
        .args(&case.argv)
        .current_dir(repo_root())
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .stdin(if case.stdin_pipe {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Run {
                stdout: vec![],
                stderr: vec![],
                exit: None,
                note: Some(format!("spawn failed: {e}")),
            }
        }
    };
    std::thread::scope(|s| {
        if let Some(mut stdin) = child.stdin.take() {
            s.spawn(move || {
                // The program may exit without reading all of it.
                let _ = stdin.write_all(log_bytes);
            });
        }
        let mut out_pipe = child.stdout.take();
        let mut err_pipe = child.stderr.take();
        let out_t = s.spawn(move || {
            let mut b = Vec::new();
            if let Some(p) = out_pipe.as_mut() {
                let _ = p.read_to_end(&mut b);
            }
            b
        });
        let err_t = s.spawn(move || {
            let mut b = Vec::new();
            if let Some(p) = err_pipe.as_mut() {
                let _ = p.read_to_end(&mut b);
            }
            b
        });
        // Wait with a safety limit (not an assertion on speed: a hang is a failure).
        let start = Instant::now();
        let mut nap = Duration::from_micros(200);
        let mut note = None;
        let status = loop {
            match child.try_wait() {
                Ok(Some(st)) => break Some(st),
                Ok(None) => {}
                Err(e) => {
                    note = Some(format!("wait failed: {e}"));
                    break None;
                }
            }
            if start.elapsed() > CASE_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                note = Some(format!("killed after {} s", CASE_TIMEOUT.as_secs()));
                break None;
            }
            std::thread::sleep(nap);
            nap = (nap * 2).min(Duration::from_millis(20));
        };
        let stdout = out_t.join().unwrap_or_default();
        let stderr = err_t.join().unwrap_or_default();
        let exit = status.and_then(|s| s.code());
        if status.is_some() && exit.is_none() {
            note = Some(format!("terminated by a signal ({status:?})"));
        }
        Run {
            stdout,
            stderr,
            exit,
            note,
        }
    })
}

// ------------------------------------------------------------------ sha256

// ------------------------------------------------------------------ compare

/// A mismatch on one stream: a one-line description.
fn compare(name: &str, exp: &Expect, got: &[u8]) -> Option<String> {
    match exp {
        Expect::Text(e) if e == got => None,
        Expect::Text(e) => Some(first_diff(name, e, got)),
        Expect::Digest { hex: h, len, lines } => {
            if got.len() == *len && hex(&sha256(got)) == *h {
                None
            } else {
                Some(format!(
                    "{name}: digest differs (expected {len} bytes/{lines} lines, got {} bytes/{} lines)",
                    got.len(),
                    line_count(got)
                ))
            }
        }
    }
}

fn show(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    let s: String = s.chars().take(300).collect();
    format!("{s:?}")
}

fn first_diff(name: &str, exp: &[u8], got: &[u8]) -> String {
    let el: Vec<&[u8]> = exp.split(|&c| c == b'\n').collect();
    let gl: Vec<&[u8]> = got.split(|&c| c == b'\n').collect();
    for i in 0..el.len().max(gl.len()) {
        let e = el.get(i).copied();
        let g = gl.get(i).copied();
        if e != g {
            return format!(
                "{name}: line {} differs ({} vs {} lines)\n      want {}\n      got  {}",
                i + 1,
                line_count(exp),
                line_count(got),
                e.map(show).unwrap_or_else(|| "<end>".into()),
                g.map(show).unwrap_or_else(|| "<end>".into()),
            );
        }
    }
    format!("{name}: differs")
}

struct Outcome {
    log: String,
    case: Case,
    problems: Vec<String>,
}

fn check(program: &[&str], log: &str, data: &[u8], case: &Case) -> Outcome {
    let run = run_case(program, case, data);
    let mut problems = Vec::new();
    if let Some(n) = run.note {
        problems.push(n);
    }
    if run.exit != Some(case.exit) {
        problems.push(format!("exit: want {}, got {:?}", case.exit, run.exit));
    }
    problems.extend(compare("stdout", &case.stdout, &run.stdout));
    problems.extend(compare("stderr", &case.stderr, &run.stderr));
    Outcome {
        log: log.to_string(),
        case: case.clone(),
        problems,
    }
}

fn run_all(program: &[&str], cases: &[(String, Vec<u8>, Case)]) -> Vec<Outcome> {
    let threads = env_usize("RAUDIT_GOLDEN_THREADS", 2).max(1);
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(cases.len()));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((log, data, case)) = cases.get(i) else {
                    break;
                };
                let o = check(program, log, data, case);
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((i, o));
            });
        }
    });
    let mut r = results.into_inner().unwrap_or_else(|e| e.into_inner());
    r.sort_by_key(|(i, _)| *i);
    r.into_iter().map(|(_, o)| o).collect()
}

/// For a failing digest case, the real tool (when installed) shows what was
/// expected, so the first differing line can still be printed.
fn real_diff(o: &Outcome, data: &[u8], got_program: &[&str]) -> Option<String> {
    if !Path::new(REAL_AUSEARCH).exists() {
        return None;
    }
    let want = run_case(&[REAL_AUSEARCH], &o.case, data);
    let got = run_case(got_program, &o.case, data);
    let mut s = String::new();
    if want.stdout != got.stdout {
        s.push_str(&first_diff(
            "stdout (expected from the real ausearch)",
            &want.stdout,
            &got.stdout,
        ));
    }
    if want.stderr != got.stderr {
        if !s.is_empty() {
            s.push_str("\n    ");
        }
        s.push_str(&first_diff(
            "stderr (expected from the real ausearch)",
            &want.stderr,
            &got.stderr,
        ));
    }
    (!s.is_empty()).then_some(s)
}

/// Print the summary; returns the number of failing cases.
fn report(
    title: &str,
    outcomes: &[Outcome],
    cases: &[(String, Vec<u8>, Case)],
    program: &[&str],
) -> usize {
    let mut by_group: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut by_log: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for o in outcomes {
        let ok = o.problems.is_empty();
        let g = by_group.entry(o.case.group.as_str()).or_default();
        let l = by_log.entry(o.log.as_str()).or_default();
        if ok {
            g.0 += 1;
            l.0 += 1;
        } else {
            g.1 += 1;
            l.1 += 1;
        }
    }
    let failed: usize = by_group.values().map(|x| x.1).sum();
    let verbose = std::env::var("RAUDIT_GOLDEN_REPORT").is_ok_and(|v| v != "0" && !v.is_empty());
    if failed == 0 && !verbose {
        eprintln!("{title}: all {} cases pass", outcomes.len());
        return 0;
    }
    eprintln!(
        "\n{title}: {} of {} cases pass",
        outcomes.len() - failed,
        outcomes.len()
    );
    eprintln!("{:<16} {:>6} {:>6} {:>7}", "group", "pass", "fail", "pass%");
    for (g, (p, f)) in &by_group {
        eprintln!(
            "{g:<16} {p:>6} {f:>6} {:>6.1}%",
            100.0 * *p as f64 / (*p + *f).max(1) as f64
        );
    }
    if verbose {
        eprintln!("\n{:>6} {:>6}  log", "pass", "fail");
        for (l, (p, f)) in &by_log {
            eprintln!("{p:>6} {f:>6}  {l}");
        }
    }
    let shown = env_usize("RAUDIT_GOLDEN_FAILS", 8);
    let mut n = 0;
    for (o, (_, data, _)) in outcomes.iter().zip(cases) {
        if o.problems.is_empty() {
            continue;
        }
        n += 1;
        if n > shown {
            break;
        }
        eprintln!(
            "\nFAIL {} case {} [{}] {}: {}{}",
            o.log,
            o.case.index,
            o.case.group,
            if o.case.stdin_pipe {
                "(log on stdin)"
            } else {
                ""
            },
            program.join(" "),
            o.case
                .argv
                .iter()
                .map(|a| format!(" {a:?}"))
                .collect::<String>()
        );
        for p in &o.problems {
            eprintln!("    {p}");
        }
        if o.problems.iter().any(|p| p.contains("digest differs")) {
            if let Some(d) = real_diff(o, data, program) {
                eprintln!("    {d}");
            }
        }
    }
    if failed > shown {
        eprintln!(
            "\n... and {} more failures (RAUDIT_GOLDEN_FAILS=N to see more)",
            failed - shown
        );
    }
    eprintln!(
        "\nfilter with RAUDIT_GOLDEN_LOG=substr RAUDIT_GOLDEN_GROUP=group RAUDIT_GOLDEN_CASE=n; table always: RAUDIT_GOLDEN_REPORT=1"
    );
    failed
}

// ------------------------------------------------------------------ tests

#[test]
fn sha256_known_vectors() {
    assert_eq!(
        hex(&sha256(b"")),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        hex(&sha256(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let long = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_eq!(
        hex(&sha256(long)),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
}

#[test]
fn json_argv_parsing() {
    let v = parse_json_strings(r#"["-k", "a \"b\"", "caf\u00e9", "\ud83d\ude00", ""]"#).unwrap();
    assert_eq!(v, vec!["-k", "a \"b\"", "café", "😀", ""]);
}

#[test]
fn golden_files_are_well_formed() {
    let goldens = load_all();
    assert!(
        !goldens.is_empty(),
        "no golden files in {}",
        golden_dir().display()
    );
    let mut cases = 0;
    let mut missing = Vec::new();
    for g in &goldens {
        assert!(!g.cases.is_empty(), "{}: no cases", g.file.display());
        cases += g.cases.len();
        for (i, c) in g.cases.iter().enumerate() {
            assert_eq!(c.index, i, "{}: cases out of order", g.file.display());
        }
        let p = repo_root().join(&g.log);
        if !p.exists() {
            assert!(
                g.log.starts_with("../shared/corpus/"),
                "{}: log {} is missing from the repo",
                g.file.display(),
                g.log
            );
            missing.push(g.log.clone());
        }
    }
    if !missing.is_empty() {
        eprintln!(
            "SKIPPED: {} corpus logs not present (../shared/corpus missing?)",
            missing.len()
        );
    }
    eprintln!("{} golden files, {cases} cases", goldens.len());
}

#[test]
fn search_matches_ausearch_goldens() {
    let cases = selected(load_all());
    assert!(!cases.is_empty(), "no cases selected");
    let program = [env!("CARGO_BIN_EXE_raudit"), "search"];
    let outcomes = run_all(&program, &cases);
    let failed = report(
        "raudit search vs ausearch goldens",
        &outcomes,
        &cases,
        &program,
    );
    assert_eq!(failed, 0, "{failed} golden cases fail");
}

/// Interop: the real ausearch, run by the same harness, reproduces the
/// goldens (a sample of them). Skips when ausearch is not installed.
#[test]
fn goldens_agree_with_real_ausearch() {
    if !Path::new(REAL_AUSEARCH).exists() {
        eprintln!("SKIPPED: {REAL_AUSEARCH} not installed (apt-get install -y auditd)");
        return;
    }
    let v = Command::new(REAL_AUSEARCH)
        .arg("-v")
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    if !String::from_utf8_lossy(&v).contains("3.0.9") {
        eprintln!("SKIPPED: {REAL_AUSEARCH} is not version 3.0.9");
        return;
    }
    let step = env_usize("RAUDIT_GOLDEN_SAMPLE", 10).max(1);
    let cases: Vec<_> = selected(load_all())
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % step == 0)
        .map(|(_, c)| c)
        .collect();
    let program = [REAL_AUSEARCH];
    let outcomes = run_all(&program, &cases);
    let failed = report(
        "real ausearch vs goldens (sample)",
        &outcomes,
        &cases,
        &program,
    );
    assert_eq!(failed, 0, "the real ausearch disagrees with {failed} goldens: regenerate them or check the environment");
}
