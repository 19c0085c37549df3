//! Golden-file plumbing shared by the aulast and aulastlog tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::digest::{hex, sha256};
use super::tmp::TempDir;

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One stored stream: verbatim, or a digest and a length.
pub enum Expect {
    Text(Vec<u8>),
    Digest(String, usize),
}

pub struct Case {
    pub args: Vec<String>,
    pub exit: i32,
    pub streams: Vec<(String, Expect)>,
}

pub fn take_line<'a>(b: &'a [u8], pos: &mut usize) -> &'a [u8] {
    let end = b[*pos..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |i| *pos + i);
    let l = &b[*pos..end];
    *pos = (end + 1).min(b.len());
    l
}

/// Parses a golden file: the log path and the cases.
pub fn parse_golden(b: &[u8]) -> (String, Vec<Case>) {
    let mut pos = 0;
    let mut log = String::new();
    let mut cases: Vec<Case> = Vec::new();
    while pos < b.len() {
        let line = String::from_utf8_lossy(take_line(b, &mut pos)).into_owned();
        if line.starts_with('#') {
            continue;
        } else if let Some(l) = line.strip_prefix("log: ") {
            log = l.to_string();
        } else if let Some(a) = line.strip_prefix("=== ") {
            let inner = a.trim_start_matches('[').trim_end_matches(']');
            let args = inner
                .split(", ")
                .filter(|s| !s.is_empty())
                .map(|s| s.trim_matches('"').to_string())
                .collect();
            cases.push(Case {
                args,
                exit: 0,
                streams: Vec::new(),
            });
        } else if let Some(e) = line.strip_prefix("exit: ") {
            cases.last_mut().expect("case").exit = e.parse().expect("exit code");
        } else if let Some((name, rest)) = line.split_once(": ") {
            let mut it = rest.split(' ');
            let kind = it.next().unwrap_or("");
            let exp = if kind == "text" {
                let n: usize = it.next().and_then(|n| n.parse().ok()).expect("length");
                let t = b[pos..pos + n].to_vec();
                pos += n + 1;
                Expect::Text(t)
            } else {
                let h = it.next().expect("digest").to_string();
                let n: usize = it.next().and_then(|n| n.parse().ok()).expect("length");
                Expect::Digest(h, n)
            };
            cases
                .last_mut()
                .expect("case")
                .streams
                .push((name.to_string(), exp));
        }
    }
    (log, cases)
}

/// C's `%m/%d/%y %H:%M:%S` in UTC.
pub fn x_t(t: i64) -> String {
    let days = t.div_euclid(86400);
    let s = t.rem_euclid(86400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{m:02}/{d:02}/{:02} {:02}:{:02}:{:02}",
        y.rem_euclid(100),
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Replaces the current time (which aulast prints for open sessions) by @NOW@.
pub fn mask_now(b: &[u8], t0: i64, t1: i64) -> Vec<u8> {
    let mut out = b.to_vec();
    for t in t0 - 1..=t1 + 1 {
        let pat = format!("--end {}", x_t(t)).into_bytes();
        let mut res = Vec::with_capacity(out.len());
        let mut i = 0;
        while i < out.len() {
            if out[i..].starts_with(&pat) {
                res.extend_from_slice(b"--end @NOW@");
                i += pat.len();
            } else {
                res.push(out[i]);
                i += 1;
            }
        }
        out = res;
    }
    out
}

pub fn matches(exp: &Expect, got: &[u8]) -> bool {
    match exp {
        Expect::Text(t) => t == got,
        Expect::Digest(h, n) => got.len() == *n && hex(&sha256(got)) == *h,
    }
}

/// Builds a case's arguments and stdin file from its stored arguments and the log.
pub type ArgvFn = dyn Fn(&[String], &Path) -> (Vec<String>, Option<PathBuf>);

/// Runs every case of every golden file in `dir`; `argv` builds the arguments and
/// the stdin file for a case. Returns (cases run, failures).
pub fn run_goldens(dir: &str, tool: &str, argv: &ArgvFn) -> (usize, Vec<String>) {
    let root = repo();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
        .expect("golden dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let (mut n, mut fails, mut skipped) = (0, Vec::new(), 0);
    for f in files {
        let (log, cases) = parse_golden(&std::fs::read(&f).expect("golden"));
        let log_path = root.join(&log);
        if !log_path.exists() {
            skipped += 1;
            continue;
        }
        for c in cases {
            let tmp = TempDir::new(&format!("{tool}-{n}"));
            let (args, stdin) = argv(&c.args, &log_path);
            let t0 = now();
            let out = Command::new(env!("CARGO_BIN_EXE_raudit"))
                .arg(tool)
                .args(&args)
                .current_dir(&tmp)
                .env_clear()
                .env("TZ", "UTC")
                .env("LC_ALL", "C")
                .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
                .stdin(match &stdin {
                    Some(p) => Stdio::from(std::fs::File::open(p).expect("stdin")),
                    None => Stdio::null(),
                })
                .output()
                .expect("run raudit");
            let t1 = now();
            let extract = std::fs::read(tmp.join("aulast.log")).ok();
            drop(tmp);
            n += 1;
            let mut bad = Vec::new();
            if out.status.code() != Some(c.exit) {
                bad.push(format!("exit {:?} != {}", out.status.code(), c.exit));
            }
            for (name, exp) in &c.streams {
                let got = match name.as_str() {
                    "stdout" => mask_now(&out.stdout, t0, t1),
                    "stderr" => mask_now(&out.stderr, t0, t1),
                    _ => extract.clone().unwrap_or_default(),
                };
                if !matches(exp, &got) {
                    bad.push(format!(
                        "{name} differs: got {:?}",
                        String::from_utf8_lossy(&got)
                    ));
                }
            }
            if !bad.is_empty() {
                fails.push(format!("{log} {:?}: {}", c.args, bad.join("; ")));
            }
        }
    }
    if skipped > 0 {
        eprintln!("{dir}: {skipped} logs missing (corpus not present?), skipped");
    }
    (n, fails)
}
