//! `raudit aulast` against the real aulast 3.0.9: goldens in tests/golden/aulast made by
//! scripts/gen-goldens-tools.sh over the corpus, the recorded and synthetic login logs.

use std::path::Path;
use std::process::{Command, Stdio};

mod common;
use common::tools::*;

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
