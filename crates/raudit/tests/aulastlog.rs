//! `raudit aulastlog` against the real aulastlog 3.0.9: goldens in tests/golden/aulastlog
//! (scripts/gen-goldens-tools.sh). The output lists every local account, so the goldens
//! hold only on a machine with the same account database (they are checked only when
//! `getent passwd` gives the same names and uids as when they were made).

use std::process::{Command, Stdio};

mod common;
use common::digest::{hex, sha256};
use common::tools::*;

/// SHA-256 of `name:uid` lines from `getent passwd` (as the generator records it).
fn accounts_digest() -> String {
    let out = Command::new("getent")
        .arg("passwd")
        .output()
        .expect("getent");
    let mut b = Vec::new();
    for l in String::from_utf8_lossy(&out.stdout).lines() {
        let f: Vec<&str> = l.split(':').collect();
        if f.len() > 2 {
            b.extend_from_slice(format!("{}:{}\n", f[0], f[2]).as_bytes());
        }
    }
    hex(&sha256(&b))
}

#[test]
fn aulastlog_goldens() {
    let root = repo();
    let any = std::fs::read_dir(root.join("tests/golden/aulastlog"))
        .expect("goldens")
        .next()
        .expect("a golden")
        .expect("entry")
        .path();
    let text = String::from_utf8_lossy(&std::fs::read(any).expect("golden")).into_owned();
    let want = text
        .lines()
        .find_map(|l| l.strip_prefix("# accounts-sha256: "))
        .unwrap_or("")
        .to_string();
    if want != accounts_digest() {
        eprintln!("SKIPPED: aulastlog goldens were made with another account database");
        return;
    }
    let (n, fails) = run_goldens("tests/golden/aulastlog", "aulastlog", &|c, log| {
        let mut a = c.to_vec();
        a.push("--stdin".into());
        (a, Some(log.to_path_buf()))
    });
    assert!(
        fails.is_empty(),
        "{} of {n} cases differ:\n{}",
        fails.len(),
        fails.join("\n")
    );
    assert!(n > 100, "only {n} cases");
}

#[test]
fn aulastlog_bad_arguments() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_raudit"))
            .arg("aulastlog")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run")
    };
    let e = run(&["-u", "no-such-user-here", "--stdin"]);
    assert_eq!(e.status.code(), Some(1));
    assert_eq!(e.stdout, b"Unknown User: no-such-user-here\n");
    let e = run(&["-u"]);
    assert_eq!(
        (e.status.code(), e.stderr.as_slice()),
        (Some(1), &b"usage: aulastlog [--stdin] [--user name]\n"[..])
    );
    let e = run(&["-x"]);
    assert_eq!(e.status.code(), Some(1));
}
