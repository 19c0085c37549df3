//! One test per lint check, on small rule texts, with fixed host answers.

use raudit_rules::lint::{lint, Finding, Host, Severity};
use raudit_rules::FixedEnv;

fn env() -> FixedEnv {
    let mut e = FixedEnv::default();
    e.users.push((b"_chrony".to_vec(), 105));
    e
}

fn exists(p: &[u8]) -> bool {
    matches!(
        p,
        b"/" | b"/etc" | b"/etc/passwd" | b"/etc/localtime" | b"/tmp" | b"/usr/sbin/chronyd"
    )
}

fn run(text: &str) -> Vec<Finding> {
    let env = env();
    let host = Host {
        env: &env,
        exists: &exists,
    };
    lint(&[("t.rules".to_string(), text.as_bytes().to_vec())], &host).findings
}

fn codes(text: &str) -> Vec<(usize, &'static str, Severity)> {
    run(text)
        .into_iter()
        .filter(|f| f.code != "exit-rules")
        .map(|f| (f.loc.line, f.code, f.severity))
        .collect()
}

fn has(text: &str, line: usize, code: &str) -> bool {
    codes(text).iter().any(|&(l, c, _)| l == line && c == code)
}

use Severity::*;

#[test]
fn clean_pair_has_no_findings() {
    let t = "-a always,exit -F arch=b64 -S unlink,rename -F auid>=1000 -F auid!=unset -k del\n\
             -a always,exit -F arch=b32 -S unlink,rename -F auid>=1000 -F auid!=unset -k del\n";
    assert_eq!(codes(t), vec![]);
}

#[test]
fn no_arch() {
    let f = run("-a always,exit -S open -k o\n");
    let n = f.iter().find(|f| f.code == "no-arch").unwrap();
    assert_eq!(n.severity, Warning);
    assert!(
        n.message
            .contains("number 2 is open for x86_64 programs but fork for i386"),
        "{}",
        n.message
    );
    let fix = n.fix.as_ref().unwrap();
    assert!(
        fix.contains("-a always,exit -F arch=b64 -S open -F key=o"),
        "{fix}"
    );
    assert!(
        fix.contains("-a always,exit -F arch=b32 -S open -F key=o"),
        "{fix}"
    );
    // -S all needs no arch.
    assert!(!has("-a never,exit -S all -F pid=1\n", 1, "no-arch"));
}

#[test]
fn b32_twin() {
    assert_eq!(
        codes("-a always,exit -F arch=b64 -S unlink -F auid>=1000 -F auid!=unset\n"),
        vec![(1, "no-b32-twin", Warning)]
    );
    let t = "-a always,exit -F arch=b64 -S unlink,rename -F auid>=1000 -F auid!=unset\n\
             -a always,exit -F arch=b32 -S unlink -F auid>=1000 -F auid!=unset\n";
    assert_eq!(codes(t), vec![(1, "b32-twin-incomplete", Info)]);
    // Syscalls that the 32-bit ABI lacks need no twin.
    assert!(!has(
        "-a always,exit -F arch=b64 -S kexec_file_load -F auid>=1000 -F auid!=unset\n",
        1,
        "no-b32-twin"
    ));
}

#[test]
fn never_after_always() {
    let t = "-a always,exit -F arch=b64 -S openat -F auid>=1000 -F auid!=unset -k o\n\
             -a never,exit -F arch=b64 -S openat -F auid=1001\n";
    assert!(has(t, 2, "never-after-always"));
    // Before: fine.
    let t = "-a never,exit -F arch=b64 -S openat -F auid=1001\n\
             -a always,exit -F arch=b64 -S openat -F auid>=1000 -F auid!=unset -k o\n";
    assert!(!has(t, 1, "never-after-always"));
    // Disjoint fields: fine.
    let t = "-a always,exit -F arch=b64 -S openat -F auid>=1000 -F auid!=unset -k o\n\
             -a never,exit -F arch=b64 -S openat -F auid=5\n";
    assert!(!has(t, 2, "never-after-always"));
    // -A puts the never rule first.
    let t = "-a always,exit -F arch=b64 -S openat -F auid>=1000 -F auid!=unset -k o\n\
             -A never,exit -F arch=b64 -S openat -F auid=1001\n";
    assert!(!has(t, 2, "never-after-always"));
}

#[test]
fn never_matches() {
    assert!(has(
        "-a always,exit -F arch=b64 -S openat -F auid>=1000 -F auid<500\n",
        1,
        "never-matches"
    ));
    assert!(has(
        "-a always,exit -F arch=b64 -S openat -F uid=0 -F uid=1\n",
        1,
        "never-matches"
    ));
    assert!(has(
        "-a always,exit -F arch=b64 -S openat -F uid&1\n",
        1,
        "never-matches"
    ));
    assert!(has(
        "-a always,exit -F arch=b64 -S openat -F success=1 -F exit=-EACCES\n",
        1,
        "never-matches"
    ));
    assert!(has(
        "-a always,exit -F arch=b64 -S openat -F exe=/bin/a -F exe!=/bin/a\n",
        1,
        "never-matches"
    ));
    let f = run("-a always,exit -F arch=b64 -S 999 -F auid>=1000\n");
    assert!(f.iter().any(
        |f| f.code == "never-matches" && f.message.contains("no syscall 999 exists on x86_64")
    ));
    assert!(has(
        "-a always,exit -F arch=b64 -S openat,999 -F auid>=1000\n",
        1,
        "syscall-absent"
    ));
    assert!(!has(
        "-a always,exit -F arch=b64 -S openat -F a1&0x40 -F a1&=0x200\n",
        1,
        "never-matches"
    ));
}

#[test]
fn every_syscall() {
    assert!(has(
        "-a always,exit -F arch=b64 -S all -k everything\n",
        1,
        "every-syscall"
    ));
    assert!(!has(
        "-a always,exit -F arch=b64 -S all -F pid=1234\n",
        1,
        "every-syscall"
    ));
    assert!(!has(
        "-a never,exit -F arch=b64 -S all\n",
        1,
        "every-syscall"
    ));
}

#[test]
fn watch_missing() {
    assert_eq!(codes("-w /etc/passwd -p wa -k p\n"), vec![]);
    assert_eq!(
        codes("-w /etc/nope -p wa -k p\n"),
        vec![(1, "watch-missing", Info)]
    );
    assert_eq!(
        codes("-w /opt/nope/x -p wa -k p\n"),
        vec![(1, "watch-missing", Error)]
    );
}

#[test]
fn key_too_long() {
    let k = "k".repeat(257);
    assert_eq!(
        codes(&format!("-w /etc/passwd -p wa -k {k}\n")),
        vec![(1, "key-too-long", Error)]
    );
    let k = "k".repeat(200);
    assert_eq!(
        codes(&format!("-w /etc/passwd -p wa -k {k} -k {k}\n")),
        vec![(1, "key-too-long", Error)]
    );
}

#[test]
fn duplicate_and_redundant() {
    let t = "-w /etc/passwd -p wa -k p\n-w /etc/passwd -p wa -k p\n";
    assert_eq!(codes(t), vec![(2, "duplicate", Error)]);
    let t = "-a always,exit -F arch=b64 -S unlink,rename -F auid>=1000 -k d\n\
             -a always,exit -F arch=b32 -S unlink,rename -F auid>=1000 -k d\n\
             -a always,exit -F arch=b64 -S unlink -F auid>=1000 -F auid!=unset -k d\n";
    assert!(has(t, 3, "redundant"));
    let t = "-a always,exit -F arch=b64 -S unlink,rename -F auid>=1000 -k d\n\
             -a always,exit -F arch=b32 -S unlink,rename -F auid>=1000 -k d\n\
             -a never,exit -F arch=b64 -S unlink -F auid>=1000 -F auid!=unset\n";
    assert!(has(t, 3, "shadowed"));
}

#[test]
fn invalid_and_immutable() {
    assert_eq!(
        codes("-a always,exit -F arch=b64 -S nosuch\n"),
        vec![(1, "invalid", Error)]
    );
    let t = "-e 2\n-w /etc/passwd -p wa\n";
    assert_eq!(codes(t), vec![(2, "after-immutable", Error)]);
    assert_eq!(
        codes("-W /etc/passwd -p wa\n"),
        vec![(1, "delete-missing", Warning)]
    );
}

#[test]
fn ntp_time_change() {
    let t = "-a always,exit -F arch=b64 -S adjtimex,settimeofday -k time-change\n\
             -a always,exit -F arch=b32 -S adjtimex,settimeofday,stime -k time-change\n";
    let f = run(t);
    let n: Vec<&Finding> = f.iter().filter(|f| f.code == "ntp-time-change").collect();
    assert_eq!(n.len(), 2);
    assert_eq!(n[0].severity, Warning);
    assert!(n[0].message.contains("TIME_ERROR"));
    let fix = n[0].fix.as_ref().unwrap();
    assert!(
        fix.contains("-S adjtimex,settimeofday -k time-change -F auid!=unset"),
        "{fix}"
    );
    assert!(fix.contains("-F uid!=_chrony"), "{fix}");
    // Excluded by fields, or by a never rule before.
    assert!(!has("-a always,exit -F arch=b64 -S adjtimex -F auid!=unset -k t\n-a always,exit -F arch=b32 -S adjtimex -F auid!=unset -k t\n", 1, "ntp-time-change"));
    let t = "-a never,exit -F arch=b64 -S adjtimex -F uid=_chrony\n\
             -a always,exit -F arch=b64 -S adjtimex -k t\n";
    assert!(!has(t, 2, "ntp-time-change"));
    // Only clock steps: info.
    let c = codes("-a always,exit -F arch=b64 -S clock_settime -F a0=0x0 -k t\n-a always,exit -F arch=b32 -S clock_settime -F a0=0x0 -k t\n");
    assert!(c.contains(&(1, "ntp-time-change", Info)), "{c:?}");
}

#[test]
fn exit_rule_cost_summary() {
    let env = env();
    let host = Host {
        env: &env,
        exists: &exists,
    };
    let t = "-a always,exit -F arch=b64 -S openat -F auid>=1000 -F auid!=unset -k o\n\
             -a always,exit -F arch=b64 -S read -k r\n\
             -w /etc/passwd -p wa\n";
    let r = lint(&[("t".into(), t.as_bytes().to_vec())], &host);
    assert_eq!(r.cost.exit_rules, 3);
    assert_eq!(r.cost.all_syscalls, 1);
    // openat: 3 mask tests + 3 fields of rule 1 + 2 fields of the watch.
    assert!(
        r.cost.per_syscall.contains(&("openat".to_string(), 8)),
        "{:?}",
        r.cost.per_syscall
    );
    assert!(r
        .findings
        .iter()
        .any(|f| f.code == "exit-rules" && f.loc.line == 1));
}
