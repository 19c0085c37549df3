//! `raudit aulast` against the real aulast 3.0.9: goldens in tests/golden/aulast made by
//! scripts/gen-goldens-tools.sh over the corpus, the recorded and synthetic login logs.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One stored stream: verbatim, or a digest and a length.
enum Expect {
    Text(Vec<u8>),
    Digest(String, usize),
}

struct Case {
    args: Vec<String>,
    exit: i32,
    streams: Vec<(String, Expect)>,
}

fn take_line<'a>(b: &'a [u8], pos: &mut usize) -> &'a [u8] {
    let end = b[*pos..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |i| *pos + i);
    let l = &b[*pos..end];
    *pos = (end + 1).min(b.len());
    l
}

/// Parses a golden file: the log path and the cases.
fn parse_golden(b: &[u8]) -> (String, Vec<Case>) {
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
fn x_t(t: i64) -> String {
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

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Replaces the current time (which aulast prints for open sessions) by @NOW@.
fn mask_now(b: &[u8], t0: i64, t1: i64) -> Vec<u8> {
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

fn matches(exp: &Expect, got: &[u8]) -> bool {
    match exp {
        Expect::Text(t) => t == got,
        Expect::Digest(h, n) => got.len() == *n && hex(&sha256(got)) == *h,
    }
}

/// Builds a case's arguments and stdin file from its stored arguments and the log.
type ArgvFn = dyn Fn(&[String], &Path) -> (Vec<String>, Option<PathBuf>);

/// Runs every case of every golden file in `dir`; `argv` builds the arguments and
/// the stdin file for a case. Returns (cases run, failures).
fn run_goldens(dir: &str, tool: &str, argv: &ArgvFn) -> (usize, Vec<String>) {
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
            let tmp =
                std::env::temp_dir().join(format!("raudit-{tool}-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&tmp).expect("tmp");
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
            let _ = std::fs::remove_dir_all(&tmp);
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

#[test]
fn aulast_goldens() {
    let (n, fails) = run_goldens("tests/golden/aulast", "aulast", &|c, log| {
        let mut a = c.to_vec();
        a.push("-f".into());
        a.push(log.to_string_lossy().into_owned());
        (a, None)
    });
    assert!(
        fails.is_empty(),
        "{} of {n} cases differ:\n{}",
        fails.len(),
        fails.join("\n")
    );
    assert!(n > 300, "only {n} cases");
}

#[test]
fn aulast_stdin_and_bad_arguments() {
    let root = repo();
    let log = root.join("tests/data/logs/logins/logins.log");
    let run = |args: &[&str], stdin: Option<&Path>| {
        Command::new(env!("CARGO_BIN_EXE_raudit"))
            .arg("aulast")
            .args(args)
            .env("TZ", "UTC")
            .env("LC_ALL", "C")
            .stdin(match stdin {
                Some(p) => Stdio::from(std::fs::File::open(p).expect("log")),
                None => Stdio::null(),
            })
            .output()
            .expect("run")
    };
    let a = run(&["-f", log.to_str().expect("path")], None);
    let b = run(&["--stdin"], Some(&log));
    assert_eq!(a.stdout, b.stdout);
    assert!(!a.stdout.is_empty());
    let e = run(&["-f", "/nonexistent/log"], None);
    assert_eq!(e.status.code(), Some(1));
    assert_eq!(e.stderr, b"Error - No such file or directory\n");
    let e = run(&["--stdin", "-f", "x"], None);
    assert_eq!(
        (e.status.code(), e.stderr.as_slice()),
        (Some(1), &b"stdin already given\n"[..])
    );
    let e = run(&["-f", "x", "--stdin"], None);
    assert_eq!(
        (e.status.code(), e.stderr.as_slice()),
        (Some(1), &b"file already given\n"[..])
    );
    let e = run(&["--nope"], None);
    assert_eq!(e.status.code(), Some(1));
    assert!(e.stderr.starts_with(b"usage: aulast [--bad]"));
}

fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bits.to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (i, x) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
