//! `raudit autrace` on the real kernel (serial, under /tmp/raudit-kernel.lock): rules are
//! loaded for the child and none is left afterwards — after a normal run, when the
//! program is killed, and when autrace gets SIGINT or SIGTERM; the real `auditctl -l`
//! says "No rules" after each. Needs root (CAP_AUDIT_CONTROL) and no audit daemon
//! registered; otherwise the kernel cases are skipped with a message.

use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

mod common;
use common::tmp::TempDir;

fn raudit() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_raudit"));
    c.env("LC_ALL", "C");
    c
}

fn auditctl(args: &[&str]) -> String {
    let out = Command::new("auditctl").args(args).output();
    match out {
        Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned(),
        Err(_) => {
            let o = raudit().arg("ctl").args(args).output().expect("raudit ctl");
            String::from_utf8_lossy(&o.stdout).into_owned()
        }
    }
}

fn status_field(name: &str) -> Option<String> {
    auditctl(&["-s"])
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")).map(str::to_string))
}

fn can_run() -> Option<&'static str> {
    // SAFETY: geteuid never fails.
    if unsafe { libc::geteuid() } != 0 {
        return Some("not root");
    }
    if status_field("pid").as_deref() != Some("0") {
        return Some("an audit daemon is registered");
    }
    if auditctl(&["-l"]).trim() != "No rules" {
        return Some("rules are loaded");
    }
    if status_field("enabled").as_deref() == Some("2") {
        return Some("audit is immutable");
    }
    None
}

fn no_rules() {
    assert_eq!(
        auditctl(&["-l"]).trim(),
        "No rules",
        "autrace left rules loaded"
    );
}

fn wait_for_rules(n: usize) {
    for _ in 0..100 {
        if auditctl(&["-l"])
            .lines()
            .filter(|l| l.starts_with("-a "))
            .count()
            == n
        {
            return;
        }
        sleep(Duration::from_millis(50));
    }
    panic!("autrace did not load {n} rules");
}

#[test]
fn autrace_on_the_kernel() {
    let Some(_g) = common::kernel::guard("autrace_on_the_kernel") else {
        return;
    };
    if let Some(why) = can_run() {
        eprintln!("SKIPPED autrace kernel test: {why}");
        return;
    }
    let before = (
        status_field("enabled"),
        status_field("failure"),
        status_field("backlog_limit"),
    );

    // A normal run: same closing lines as autrace, no rule left.
    let out = raudit()
        .args(["autrace", "/bin/true"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(
            "Cleaning up...\nTrace complete. You can locate the records with 'ausearch -i -p "
        ),
        "{text}"
    );
    no_rules();

    // The rules while the program runs: pid and ppid, as autrace loads them.
    let mut child = raudit()
        .args(["autrace", "-r", "/bin/sleep", "30"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    wait_for_rules(2);
    let listed = auditctl(&["-l"]);
    assert!(
        listed.contains("-S open,") && listed.contains(" -F ppid="),
        "{listed}"
    );
    // Kill the traced program: autrace ends normally and removes its rules.
    let kids = Command::new("pkill")
        .args(["-KILL", "-P", &child.id().to_string(), "sleep"])
        .status();
    assert!(kids.is_ok());
    let st = child.wait().expect("wait");
    assert_eq!(st.code(), Some(0));
    no_rules();

    // SIGINT and SIGTERM to autrace while the program runs.
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let mut child = raudit()
            .args(["autrace", "/bin/sleep", "30"])
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn");
        wait_for_rules(2);
        sleep(Duration::from_millis(1200));
        // SAFETY: signalling our own child process.
        unsafe { libc::kill(child.id() as i32, sig) };
        let st = child.wait().expect("wait");
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(st.signal(), Some(sig));
        no_rules();
    }

    // SIGTERM during the second before the program starts.
    let mut child = raudit()
        .args(["autrace", "/bin/sleep", "30"])
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    wait_for_rules(2);
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    child.wait().expect("wait");
    no_rules();

    // Refuses when a rule is loaded, like autrace.
    let add = Command::new("auditctl")
        .args(["-a", "always,exit", "-S", "all", "-F", "pid=2147483600"])
        .output();
    if add.is_ok_and(|o| o.status.success()) {
        let out = raudit()
            .args(["autrace", "/bin/true"])
            .output()
            .expect("run");
        let real = Command::new("autrace").arg("/bin/true").output();
        let _ = Command::new("auditctl")
            .args(["-d", "always,exit", "-S", "all", "-F", "pid=2147483600"])
            .output();
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "autrace cannot be run with rules loaded.\nPlease delete all rules using 'auditctl -D' if you really wanted to\nrun this command.\n"
        );
        if let Ok(r) = real {
            assert_eq!(r.stderr, out.stderr);
            assert_eq!(r.status.code(), out.status.code());
        }
    }
    no_rules();
    let after = (
        status_field("enabled"),
        status_field("failure"),
        status_field("backlog_limit"),
    );
    assert_eq!(before, after);
    assert_eq!(status_field("pid").as_deref(), Some("0"));
}

#[test]
fn autrace_bad_input() {
    let _l = common::kernel::lock();
    // These fail before any kernel access (or after only reading the rule count).
    let run = |args: &[&str]| raudit().arg("autrace").args(args).output().expect("run");
    let o = run(&[]);
    assert_eq!(
        (o.status.code(), o.stderr.as_slice()),
        (Some(1), &b"usage: autrace [-r] program\n"[..])
    );
    let o = run(&["-h"]);
    assert_eq!(o.status.code(), Some(1));
    // SAFETY: geteuid never fails.
    if unsafe { libc::geteuid() } == 0 {
        let o = run(&["./no-such-program-here"]);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(o.stderr, b"Error - can't find: ./no-such-program-here\n");
        let dir = TempDir::new("autrace");
        let f = dir.join("not-executable");
        std::fs::write(&f, b"x").expect("file");
        let fs = f.to_str().expect("path");
        let o = run(&[fs]);
        assert_eq!(
            o.stderr,
            format!("Error checking {fs} (Permission denied)\n").as_bytes()
        );
        let o = run(&["-r"]);
        assert_eq!(o.stderr, b"Error checking (null) (Bad address)\n");
    } else {
        let o = run(&["/bin/true"]);
        assert_eq!(
            o.stderr,
            b"You must be root or have capabilities to run this program.\n"
        );
    }
}
