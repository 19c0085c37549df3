//! `raudit rules lint|optimize` and `raudit explain` from the command line:
//! exit codes and output shapes. No kernel access.

use std::io::Write;
use std::process::{Command, Output, Stdio};

mod common;
use common::tmp::TempDir;

fn raudit(args: &[&str], stdin: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_raudit"));
    c.args(args)
        .env("LC_ALL", "C")
        .env("TZ", "UTC")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    {
        let mut i = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            i.write_all(s.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

/// Writes `name` in the test's directory; its path.
fn file(d: &TempDir, name: &str, text: &str) -> String {
    let p = d.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

const CLEAN: &str = "-a always,exit -F arch=b64 -S unlink,rename -F auid>=1000 -F auid!=unset -k del\n\
                     -a always,exit -F arch=b32 -S unlink,rename -F auid>=1000 -F auid!=unset -k del\n\
                     -w /etc/passwd -p wa -k passwd\n";

#[test]
fn lint_exit_codes() {
    let d = TempDir::new("rules-cli-lint");
    // Only info findings: exit 0.
    let f = file(&d, "clean.rules", CLEAN);
    let o = raudit(&["rules", "lint", "--machine", "x86_64", &f], None);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("[exit-rules]"), "{out}");
    assert!(
        out.ends_with("1 findings: 0 errors, 0 warnings, 1 infos\n"),
        "{out}"
    );
    // A warning: exit 1.
    let f = file(&d, "warn.rules", "-a always,exit -S open -k o\n");
    let o = raudit(&["rules", "lint", "--machine", "x86_64", &f], None);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains(&format!("{f}:1: warning [no-arch]")), "{out}");
    assert!(out.contains("    fix: add -F arch before -S"), "{out}");
    // An error: exit 1.
    let f = file(
        &d,
        "err.rules",
        "-a always,exit -F arch=b64 -S nosuchcall\n",
    );
    assert_eq!(raudit(&["rules", "lint", &f], None).status.code(), Some(1));
    // Unreadable file, bad usage: exit 2.
    assert_eq!(
        raudit(&["rules", "lint", "/nonexistent/x.rules"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(raudit(&["rules", "lint"], None).status.code(), Some(2));
    assert_eq!(
        raudit(&["rules", "frobnicate", "x"], None).status.code(),
        Some(2)
    );
    assert_eq!(
        raudit(&["rules", "lint", "--machine", "vax", &f], None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn lint_json() {
    let d = TempDir::new("rules-cli-json");
    let f = file(
        &d,
        "json.rules",
        "-a always,exit -F arch=b64 -S adjtimex -k time\n",
    );
    let o = raudit(
        &[
            "rules",
            "lint",
            "--format",
            "json",
            "--machine",
            "x86_64",
            &f,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let ntp = findings
        .iter()
        .find(|x| x["code"] == "ntp-time-change")
        .expect("ntp finding");
    assert_eq!(ntp["line"], 1);
    assert_eq!(ntp["severity"], "warning");
    assert!(ntp["fix"].as_str().unwrap().contains("-F auid!=unset"));
    assert_eq!(v["cost"]["exit_rules"], 1);
    assert_eq!(v["cost"]["rules"][0]["syscalls"], 1);
}

#[test]
fn optimize_output() {
    let d = TempDir::new("rules-cli-optimize");
    let f = file(
        &d,
        "opt.rules",
        "-D\n-b 8192\n\
         -a always,exit -F arch=b64 -S unlink -F auid>=1000 -F auid!=unset -k del\n\
         -a always,exit -F arch=b64 -S rename -F auid>=1000 -F auid!=unset -k del\n\
         -a always,exit -F arch=b64 -S rename -F auid>=1000 -F auid!=unset -k del\n\
         -e 1\n",
    );
    let o = raudit(&["rules", "optimize", "--machine", "x86_64", &f], None);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    let rules: Vec<&str> = out.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        rules,
        [
            "-D",
            "-b 8192",
            "-a always,exit -F arch=b64 -S rename,unlink -F auid>=1000 -F auid!=-1 -F key=del",
            "-e 1"
        ],
        "{out}"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("3 rules -> 1"));
    // -o FILE; a rejected line: exit 1.
    let bad = file(
        &d,
        "opt-bad.rules",
        "-a always,exit -F arch=b64 -S nosuchcall\n-w /etc/passwd -p wa\n",
    );
    let dest = file(&d, "opt-out.rules", "");
    let o = raudit(&["rules", "optimize", "-o", &dest, &bad], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(std::fs::read_to_string(&dest)
        .unwrap()
        .contains("-w /etc/passwd -p wa"));
}

const ADJTIMEX: &str = "type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e syscall=159 success=yes exit=5 a0=7ffd a1=0 a2=0 a3=0 items=0 ppid=1 pid=612 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"chronyd\" exe=\"/usr/sbin/chronyd\" key=\"time-change\"";

#[test]
fn explain_record() {
    let o = raudit(&["explain", ADJTIMEX], None);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with(
            "----\ntype=SYSCALL msg=audit(11/14/23 22:13:20.123:42) : arch=x86_64 syscall=adjtimex"
        ),
        "{out}"
    );
    assert!(out.contains("auid=unset"), "{out}");
    assert!(out.contains("notes:\n"), "{out}");
    assert!(
        out.contains("TIME_ERROR (5): the clock is not synchronised"),
        "{out}"
    );
    // From stdin.
    let o = raudit(&["explain"], Some(&format!("{ADJTIMEX}\n")));
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("TIME_ERROR"));
    // Not a record: exit 1.
    let o = raudit(&["explain", "hello world"], None);
    assert_eq!(o.status.code(), Some(1));
}
