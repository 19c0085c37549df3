//! Tests against this machine's real kernel. Each takes the machine-wide
//! lock `/tmp/raudit-kernel.lock` and restores what it changes. They skip
//! (loudly) without CAP_AUDIT_CONTROL or kernel audit support.

use std::fs::File;
use std::os::fd::AsRawFd;

use raudit_netlink::{has_capability, AuditSocket, NetlinkError, CAP_AUDIT_CONTROL};
use raudit_wire::consts::*;
use raudit_wire::{AuditRuleData, RuleField};

struct KernelLock {
    _file: File,
}

impl KernelLock {
    fn take() -> KernelLock {
        let f = File::options()
            .create(true)
            .append(true)
            .open("/tmp/raudit-kernel.lock")
            .expect("open /tmp/raudit-kernel.lock");
        // SAFETY: flock on a valid descriptor.
        let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) };
        assert_eq!(rc, 0, "flock");
        KernelLock { _file: f }
    }
}

fn socket_or_skip(test: &str) -> Option<(KernelLock, AuditSocket)> {
    if !has_capability(CAP_AUDIT_CONTROL) {
        eprintln!("SKIP {test}: no CAP_AUDIT_CONTROL");
        return None;
    }
    let lock = KernelLock::take();
    match AuditSocket::open() {
        Ok(mut s) => match s.get_status() {
            Ok(_) => Some((lock, s)),
            Err(e) => {
                eprintln!("SKIP {test}: AUDIT_GET failed: {e}");
                None
            }
        },
        Err(e) => {
            eprintln!("SKIP {test}: {e}");
            None
        }
    }
}

#[test]
fn status_and_features() {
    let Some((_l, mut s)) = socket_or_skip("status_and_features") else {
        return;
    };
    let st = s.get_status().unwrap();
    assert!(st.enabled <= 2);
    assert!(st.failure <= 2);
    assert!(st.feature_bitmap.is_some());
    assert!(st.backlog_wait_time.is_some());
    let f = s.get_features().unwrap();
    assert_eq!(f.vers, AUDIT_FEATURE_VERSION);
    // Several requests in a row on one socket stay in step.
    for _ in 0..5 {
        assert_eq!(s.get_status().unwrap().backlog_limit, st.backlog_limit);
    }
}

#[test]
fn set_backlog_limit_and_restore() {
    let Some((_l, mut s)) = socket_or_skip("set_backlog_limit_and_restore") else {
        return;
    };
    let before = s.get_status().unwrap();
    let new = if before.backlog_limit == 321 {
        322
    } else {
        321
    };
    let r = s.set_backlog_limit(new);
    let after = s.get_status();
    // Restore before asserting.
    s.set_backlog_limit(before.backlog_limit).unwrap();
    r.unwrap();
    assert_eq!(after.unwrap().backlog_limit, new);
    assert_eq!(s.get_status().unwrap().backlog_limit, before.backlog_limit);
}

fn test_rule(key: &[u8]) -> AuditRuleData {
    let mut r = AuditRuleData {
        flags: AUDIT_FILTER_EXIT,
        action: AUDIT_ALWAYS,
        ..Default::default()
    };
    r.fields.push(RuleField {
        field: AUDIT_ARCH,
        op: AUDIT_EQUAL,
        value: AUDIT_ARCH_X86_64,
    });
    // kexec_load on x86_64: never called by tests.
    r.set_syscall(246);
    r.fields.push(RuleField {
        field: AUDIT_PID,
        op: AUDIT_EQUAL,
        value: std::process::id(),
    });
    r.push_string(AUDIT_FILTERKEY, AUDIT_EQUAL, key).unwrap();
    r
}

#[test]
fn add_list_delete_rule() {
    let Some((_l, mut s)) = socket_or_skip("add_list_delete_rule") else {
        return;
    };
    if std::env::consts::ARCH != "x86_64" {
        eprintln!("SKIP add_list_delete_rule: rule is written for x86_64");
        return;
    }
    let rule = test_rule(b"raudit-netlink-test");
    let before = s.list_rules().unwrap();
    s.add_rule(&rule).unwrap();
    let listed = s.list_rules();
    let dup = s.add_rule(&rule);
    let del = s.delete_rule(&rule);
    let del2 = s.delete_rule(&rule);
    let after = s.list_rules().unwrap();
    del.unwrap();
    let listed = listed.unwrap();
    assert_eq!(listed.len(), before.len() + 1);
    let mine = listed
        .iter()
        .find(|r| r.buf == b"raudit-netlink-test")
        .expect("rule listed");
    assert_eq!(mine.fields, rule.fields);
    assert_eq!(mine.mask, rule.mask);
    assert!(matches!(dup, Err(NetlinkError::Kernel { errno, .. }) if errno == libc::EEXIST));
    assert!(matches!(del2, Err(NetlinkError::Kernel { errno, .. }) if errno == libc::ENOENT));
    assert_eq!(after, before);
}

#[test]
fn bad_rule_is_einval() {
    let Some((_l, mut s)) = socket_or_skip("bad_rule_is_einval") else {
        return;
    };
    let mut r = test_rule(b"raudit-bad");
    // An unknown field id.
    r.fields.push(RuleField {
        field: 4000,
        op: AUDIT_EQUAL,
        value: 1,
    });
    let e = s.add_rule(&r);
    if e.is_ok() {
        s.delete_rule(&r).unwrap();
    }
    assert!(matches!(e, Err(NetlinkError::Kernel { errno, .. }) if errno == libc::EINVAL));
}

#[test]
fn signal_info_and_user_message() {
    let Some((_l, mut s)) = socket_or_skip("signal_info_and_user_message") else {
        return;
    };
    let si = s.signal_info();
    assert!(si.is_ok(), "{si:?}");
    // With auditing disabled the kernel drops AUDIT_USER silently; enabled it
    // logs it. Either way it is acknowledged.
    s.send_user_message(AUDIT_USER, b"text=raudit-netlink test")
        .unwrap();
}

#[test]
fn reset_lost_when_zero() {
    let Some((_l, mut s)) = socket_or_skip("reset_lost_when_zero") else {
        return;
    };
    let st = s.get_status().unwrap();
    if st.lost != 0 {
        eprintln!(
            "SKIP reset_lost_when_zero: lost is {} (would change state)",
            st.lost
        );
        return;
    }
    assert_eq!(s.reset_lost().unwrap(), 0);
    if st.backlog_wait_time_actual == Some(0) {
        assert_eq!(s.reset_backlog_wait_time_actual().unwrap(), 0);
    }
}
