//! Tests of the extraction, on records written for these tests.

use super::*;
use crate::matcher::{match_event, matches};
use raudit_logfmt::EventId;

const SYSCALL_BODY: &str = "arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c a1=55d0 a2=0 a3=0 items=1 ppid=10 pid=20 auid=1000 uid=1001 gid=1002 euid=1003 suid=0 fsuid=0 egid=1004 sgid=0 fsgid=0 tty=pts1 ses=7 comm=\"cat\" exe=\"/usr/bin/cat\" subj=u:r:t:s0 key=\"files\"";

/// An event from `(type, body)` pairs; each record gets the usual prefix.
fn event(recs: &[(i32, &str)]) -> Event {
    let id = EventId {
        sec: 1_700_000_000,
        milli: 5,
        serial: 42,
    };
    let line = |(t, b): &(i32, &str)| format!("type={t} msg=audit(1700000000.005:42): {b}\n");
    let mut ev = Event::new(id, None, recs[0].0, line(&recs[0]).as_bytes());
    for r in &recs[1..] {
        ev.push(r.0, line(r).as_bytes());
    }
    ev
}

fn users() -> UserNames {
    UserNames::with_resolver(|u| match u {
        1000 => Some(b"alice".to_vec()),
        1001 => Some(b"bob".to_vec()),
        _ => None,
    })
}

fn run<'a>(ev: &'a Event, c: &Criteria) -> (Result<SearchItems<'a>, i32>, String) {
    let mut diag = Vec::new();
    let r = extract_search_items(ev, c, &mut users(), &mut diag);
    (r, String::from_utf8_lossy(&diag).into_owned())
}

fn ok<'a>(ev: &'a Event, c: &Criteria) -> SearchItems<'a> {
    match run(ev, c).0 {
        Ok(s) => s,
        Err(rc) => panic!("extraction failed with rc {rc}"),
    }
}

fn rc(ev: &Event, c: &Criteria) -> i32 {
    match run(ev, c).0 {
        Ok(_) => 0,
        Err(rc) => rc,
    }
}

fn is_match(ev: &Event, c: &Criteria) -> bool {
    matches(ev, c, &mut users(), &mut Vec::new())
}

fn s(v: &str) -> Option<Vec<u8>> {
    Some(v.as_bytes().to_vec())
}

fn strs(v: &Option<Vec<Cow<'_, [u8]>>>) -> Vec<String> {
    v.iter()
        .flatten()
        .map(|x| String::from_utf8_lossy(x).into_owned())
        .collect()
}

fn text(v: &Option<Cow<'_, [u8]>>) -> Option<String> {
    v.as_ref().map(|x| String::from_utf8_lossy(x).into_owned())
}

#[test]
fn type_numbers_agree_with_the_tables() {
    let named = [
        ("USER", t::USER),
        ("LOGIN", t::LOGIN),
        ("USER_END", t::USER_END),
        ("USER_AVC", t::USER_AVC),
        ("USER_CHAUTHTOK", t::USER_CHAUTHTOK),
        ("ADD_GROUP", t::ADD_GROUP),
        ("DEL_GROUP", t::DEL_GROUP),
        ("GRP_MGMT", t::GRP_MGMT),
        ("DAEMON_START", t::DAEMON_START),
        ("DAEMON_END", t::DAEMON_END),
        ("DAEMON_ABORT", t::DAEMON_ABORT),
        ("DAEMON_CONFIG", t::DAEMON_CONFIG),
        ("DAEMON_ROTATE", t::DAEMON_ROTATE),
        ("DAEMON_RESUME", t::DAEMON_RESUME),
        ("DAEMON_ACCEPT", t::DAEMON_ACCEPT),
        ("DAEMON_CLOSE", t::DAEMON_CLOSE),
        ("SYSCALL", t::SYSCALL),
        ("PATH", t::PATH),
        ("IPC", t::IPC),
        ("CONFIG_CHANGE", t::CONFIG_CHANGE),
        ("SOCKADDR", t::SOCKADDR),
        ("CWD", t::CWD),
        ("EXECVE", t::EXECVE),
        ("IPC_SET_PERM", t::IPC_SET_PERM),
        ("MQ_OPEN", t::MQ_OPEN),
        ("MQ_GETSETATTR", t::MQ_GETSETATTR),
        ("FD_PAIR", t::FD_PAIR),
        ("OBJ_PID", t::OBJ_PID),
        ("TTY", t::TTY),
        ("BPRM_FCAPS", t::BPRM_FCAPS),
        ("CAPSET", t::CAPSET),
        ("MMAP", t::MMAP),
        ("NETFILTER_PKT", t::NETFILTER_PKT),
        ("NETFILTER_CFG", t::NETFILTER_CFG),
        ("SECCOMP", t::SECCOMP),
        ("PROCTITLE", t::PROCTITLE),
        ("FEATURE_CHANGE", t::FEATURE_CHANGE),
        ("BPF", t::BPF),
        ("EVENT_LISTENER", t::EVENT_LISTENER),
        ("OPENAT2", t::OPENAT2),
        ("AVC", t::AVC),
        ("SELINUX_ERR", t::SELINUX_ERR),
        ("AVC_PATH", t::AVC_PATH),
        ("MAC_POLICY_LOAD", t::MAC_POLICY_LOAD),
        ("MAC_UNLBL_STCDEL", t::MAC_UNLBL_STCDEL),
        ("ANOM_PROMISCUOUS", t::ANOM_PROMISCUOUS),
        ("ANOM_ABEND", t::ANOM_ABEND),
        ("ANOM_LINK", t::ANOM_LINK),
        ("INTEGRITY_DATA", t::INTEGRITY_DATA),
        ("INTEGRITY_RULE", t::INTEGRITY_RULE),
        ("KERNEL", t::KERNEL),
        ("VIRT_RESOURCE", t::VIRT_RESOURCE),
        ("VIRT_MACHINE_ID", t::VIRT_MACHINE_ID),
    ];
    for (name, num) in named {
        assert_eq!(
            raudit_tables::msg_type_number(name),
            Some(num as u32),
            "{name}"
        );
    }
}

#[test]
fn syscall_needs_its_arguments_even_without_criteria() {
    let c = Criteria::default();
    let good = event(&[(t::SYSCALL, SYSCALL_BODY)]);
    assert_eq!(rc(&good, &c), 0);
    let no_a1 = event(&[(
        t::SYSCALL,
        "arch=c000003e syscall=2 success=yes exit=0 a0=1 a2=3",
    )]);
    assert_eq!(rc(&no_a1, &c), 11);
    let a1_last = event(&[(
        t::SYSCALL,
        "arch=c000003e syscall=2 success=yes exit=0 a0=1 a1=2",
    )]);
    assert_eq!(rc(&a1_last, &c), 12);
    let no_syscall = event(&[(t::SYSCALL, "arch=c000003e")]);
    assert_eq!(rc(&no_syscall, &c), 4);
    // One bad record hides the whole event.
    let two = event(&[(t::CWD, "cwd=\"/\""), (t::SYSCALL, "arch=c000003e a0=1")]);
    assert!(!is_match(&two, &c));
    assert!(is_match(&good, &c));
}

#[test]
fn arch_is_required_for_rich_formats_and_arch_criteria() {
    let ev = event(&[(t::SYSCALL, "syscall=2 a0=1 a1=2 ppid=1")]);
    let mut c = Criteria::default();
    assert_eq!(rc(&ev, &c), 0);
    c.format = ReportFormat::Interpret;
    assert_eq!(rc(&ev, &c), 1);
    c.format = ReportFormat::Raw;
    c.machine = 1;
    assert_eq!(rc(&ev, &c), 1);
    let good = event(&[(t::SYSCALL, SYSCALL_BODY)]);
    assert!(is_match(&good, &c));
    c.machine = 0;
    assert!(!is_match(&good, &c));
}

#[test]
fn syscall_task_fields() {
    let ev = event(&[(t::SYSCALL, SYSCALL_BODY)]);
    let c = Criteria {
        ppid: 1,
        pid: 1,
        uid: 1,
        euid: 1,
        loginuid: 1,
        gid: 1,
        egid: 1,
        session_id: 1,
        exit_is_set: true,
        success: Success::Success,
        terminal: s("x"),
        comm: s("x"),
        exe: s("x"),
        subject: s("x"),
        key: s("x"),
        ..Criteria::default()
    };
    let it = ok(&ev, &c);
    assert_eq!((it.ppid, it.pid), (10, 20));
    assert_eq!(
        (it.loginuid, it.uid, it.gid, it.euid, it.egid),
        (1000, 1001, 1002, 1003, 1004)
    );
    assert_eq!(it.session_id, 7);
    assert_eq!((it.exit, it.exit_is_set), (-13, true));
    assert_eq!(it.success, SUCCESS_FAILED);
    assert_eq!(it.syscall, 257);
    assert_eq!(text(&it.terminal).as_deref(), Some("pts1"));
    assert_eq!(text(&it.comm).as_deref(), Some("cat"));
    assert_eq!(text(&it.exe).as_deref(), Some("/usr/bin/cat"));
    assert_eq!(strs(&it.keys), ["files"]);
    assert_eq!(it.avc.len(), 1);
    assert_eq!(it.avc[0].scontext.as_deref(), Some(&b"u:r:t:s0"[..]));
    // Values borrow from the event.
    assert!(matches!(it.comm, Some(Cow::Borrowed(_))));
}

#[test]
fn uid_search_skips_auid() {
    let ev = event(&[(t::SYSCALL, SYSCALL_BODY)]);
    let c = Criteria {
        uid: 1001,
        ..Criteria::default()
    };
    assert_eq!(ok(&ev, &c).uid, 1001);
    assert!(is_match(&ev, &c));
}

#[test]
fn out_of_range_numbers_fail_and_the_diagnostic_is_cut() {
    let body =
        "arch=c000003e syscall=2 a0=1 a1=2 ppid=1 pid=2 auid=0 uid=99999999999999999999999 gid=0";
    let ev = event(&[(t::SYSCALL, body)]);
    let c = Criteria {
        uid: 0,
        debug: true,
        ..Criteria::default()
    };
    let (r, diag) = run(&ev, &c);
    assert_eq!(r.err(), Some(24));
    assert_eq!(
        diag,
        "Malformed event skipped, rc=24. type=1300 msg=audit(1700000000.005:42): arch=c000003e syscall=2 a0=1 a1=2 ppid=1 pid=2 auid=0 uid=99999999999999999999999\n"
    );
    // Too large for 32 bits is no error: the value is truncated.
    let ev = event(&[(
        t::SYSCALL,
        "syscall=2 a0=1 a1=2 auid=1 uid=4294967296 gid=0",
    )]);
    let c = Criteria {
        uid: 0,
        ..Criteria::default()
    };
    assert!(is_match(&ev, &c));
}

#[test]
fn debug_names_unparsed_types() {
    let ev = event(&[(t::SYSCALL, SYSCALL_BODY), (1320, "")]);
    let c = Criteria {
        debug: true,
        ..Criteria::default()
    };
    let (r, diag) = run(&ev, &c);
    assert!(r.is_ok());
    assert_eq!(diag, "Unparsed type:1320\n - skipped");
    let quiet = Criteria::default();
    assert_eq!(run(&ev, &quiet).1, "");
}

#[test]
fn keys_split_on_the_separator() {
    let body =
        "arch=c000003e syscall=2 a0=1 a1=2 ppid=1 pid=2 auid=0 uid=0 comm=\"x\" key=6B31016B32";
    let ev = event(&[(t::SYSCALL, body)]);
    let c = Criteria {
        key: s("k2"),
        ..Criteria::default()
    };
    assert_eq!(strs(&ok(&ev, &c).keys), ["k1", "k2"]);
    assert!(is_match(&ev, &c));
    let exact = Criteria {
        key: s("k"),
        exact_match: true,
        ..Criteria::default()
    };
    assert!(!is_match(&ev, &exact));
    let null = event(&[(t::SYSCALL, "syscall=2 a0=1 a1=2 key=(null)")]);
    assert_eq!(strs(&ok(&null, &c).keys), ["(null)"]);
    let bad = event(&[(t::SYSCALL, "syscall=2 a0=1 a1=2 key=zz")]);
    assert_eq!(rc(&bad, &c), 45);
}

#[test]
fn file_names_and_cwd() {
    let ev = event(&[
        (t::SYSCALL, SYSCALL_BODY),
        (t::CWD, "cwd=\"/home/al\""),
        (t::PATH, "item=0 name=\"./notes\" inode=1 nametype=NORMAL"),
        (t::PATH, "item=1 name=2F746D702F6120622E747874 inode=2"),
        (t::PATH, "item=2 name=(null) inode=3"),
    ]);
    let c = Criteria {
        filename: s("/tmp/a b"),
        ..Criteria::default()
    };
    let it = ok(&ev, &c);
    assert_eq!(text(&it.cwd).as_deref(), Some("/home/al"));
    assert_eq!(
        strs(&it.filenames),
        ["/home/al/./notes", "/tmp/a b.txt", "(null)"]
    );
    assert!(is_match(&ev, &c));
    // The cwd alone can match.
    let cwd_only = Criteria {
        filename: s("/home/al"),
        exact_match: true,
        ..Criteria::default()
    };
    assert!(is_match(&ev, &cwd_only));
    let bad = event(&[(t::PATH, "item=0 name=zz inode=1")]);
    assert_eq!(rc(&bad, &c), 4);
    let unclosed = event(&[(t::PATH, "item=0 name=\"/x inode=1")]);
    assert_eq!(rc(&unclosed, &c), 2);
    // Without -f nothing is looked at.
    assert_eq!(rc(&bad, &Criteria::default()), 0);
}

fn sockaddr_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[test]
fn socket_addresses() {
    let c = Criteria {
        hostname: s("10.1.2.3"),
        filename: s("sock"),
        ..Criteria::default()
    };
    let mut v4 = vec![2u8, 0, 0, 22, 10, 1, 2, 3];
    v4.extend([0u8; 8]);
    let body = format!("saddr={}", sockaddr_hex(&v4));
    let ev = event(&[(t::SOCKADDR, &body)]);
    assert_eq!(text(&ok(&ev, &c).hostname).as_deref(), Some("10.1.2.3"));
    assert!(is_match(
        &ev,
        &Criteria {
            filename: None,
            ..c.clone()
        }
    ));

    let body = format!("saddr={}", sockaddr_hex(&v4[..10]));
    let short = event(&[(t::SOCKADDR, &body)]);
    let (r, diag) = run(&short, &c);
    assert_eq!(r.err(), Some(1));
    assert_eq!(diag, "sockaddr len too short\n");

    let mut unix = vec![1u8, 0];
    unix.extend_from_slice(b"/run/sock\0");
    let body = format!("saddr={}", sockaddr_hex(&unix));
    let ev = event(&[(t::SOCKADDR, &body)]);
    let it = ok(&ev, &c);
    assert_eq!(strs(&it.filenames), ["/run/sock"]);
    assert_eq!(it.hostname, None);

    let mut v6 = vec![10u8, 0, 0, 22, 0, 0, 0, 0];
    v6.extend([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    v6.extend([0u8; 4]);
    let body = format!("saddr={}", sockaddr_hex(&v6));
    let ev = event(&[(t::SOCKADDR, &body)]);
    assert_eq!(text(&ok(&ev, &c).hostname).as_deref(), Some("fe80::1"));
}

#[test]
fn ipv6_text_like_glibc() {
    let f = |a: [u8; 16]| String::from_utf8(inet_ntop6(&a)).unwrap_or_default();
    assert_eq!(f([0; 16]), "::");
    let mut a = [0u8; 16];
    a[15] = 1;
    assert_eq!(f(a), "::1");
    a[10] = 0xff;
    a[11] = 0xff;
    a[12] = 1;
    assert_eq!(f(a), "::ffff:1.0.0.1");
    let compat = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4];
    assert_eq!(f(compat), "::1.2.3.4");
    let doc = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1];
    // Two runs of equal length: the first one is compressed.
    assert_eq!(f(doc), "2001:db8::1:0:0:1");
    let tail = [0x20, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(f(tail), "2001::");
    assert_eq!(numeric_host6(&tail, 7), b"2001::%7");
}

const LOGIN_BODY: &str = "pid=300 uid=0 auid=1000 ses=5 subj=s:r:sshd_t:s0 msg='op=login acct=\"alice\" exe=\"/usr/sbin/sshd\" hostname=? addr=10.0.0.9 terminal=ssh res=failed'";

#[test]
fn user_records() {
    let ev = event(&[(1112, LOGIN_BODY)]);
    let c = Criteria {
        hostname: s("10.0.0.9"),
        terminal: s("ssh"),
        exe: s("sshd"),
        success: Success::Failed,
        pid: 300,
        loginuid: 1000,
        session_id: 5,
        ..Criteria::default()
    };
    let it = ok(&ev, &c);
    assert_eq!(text(&it.hostname).as_deref(), Some("10.0.0.9"));
    assert_eq!(text(&it.acct).as_deref(), Some("alice"));
    assert_eq!(text(&it.terminal).as_deref(), Some("ssh"));
    assert_eq!(it.success, SUCCESS_FAILED);
    assert!(is_match(&ev, &c));
    // The second uid search takes the uid inside the message.
    let ev = event(&[(
        1112,
        "pid=1 uid=0 auid=0 ses=1 msg='op=login uid=1002 exe=\"/bin/login\" res=success'",
    )]);
    let c = Criteria {
        uid: 1002,
        ..Criteria::default()
    };
    assert!(is_match(&ev, &c));
    // ... and gives up on an unexpected prefix.
    let ev = event(&[(
        1112,
        "pid=1 uid=0 auid=0 ses=1 msg='op=x xuid=1 res=success'",
    )]);
    assert_eq!(rc(&ev, &c), 25);
    // Hex-encoded account names are decoded, others taken as they are.
    let ev = event(&[(
        1100,
        "pid=1 uid=0 auid=0 msg='op=x acct=616C696365 res=success'",
    )]);
    assert_eq!(
        text(&ok(&ev, &Criteria::default()).acct).as_deref(),
        Some("alice")
    );
    let ev = event(&[(
        1100,
        "pid=1 uid=0 auid=0 msg='op=x acct=al-ice res=success'",
    )]);
    assert_eq!(
        text(&ok(&ev, &Criteria::default()).acct).as_deref(),
        Some("al-ice")
    );
}

#[test]
fn old_style_terminal_is_rewritten() {
    let ev = event(&[(1105, "user pid=1 uid=0 auid=0 msg='PAM: session open acct=root : exe=\"/bin/su\" (hostname=?, addr=?, terminal=pts/0)'")]);
    let c = Criteria {
        terminal: s("pts/0"),
        ..Criteria::default()
    };
    let it = ok(&ev, &c);
    assert_eq!(text(&it.terminal).as_deref(), Some("pts/0"));
    assert_eq!(it.patches.len(), 1);
    let p = it.patches[0];
    let rec = ev.record(0).map(|r| r.msg).unwrap_or_default();
    assert_eq!((p.record, rec[p.offset], p.byte), (0, b')', b' '));
    let with_result = event(&[(1105, "user pid=1 uid=0 auid=0 msg='x acct=root (hostname=?, addr=?, terminal=pts/0 result=Success)'")]);
    let c = Criteria {
        success: Success::Success,
        ..Criteria::default()
    };
    assert_eq!(ok(&with_result, &c).success, SUCCESS_YES);
}

#[test]
fn avcs() {
    let ev = event(&[(t::AVC, "avc:  denied  {read} for  pid=1 comm=\"x\" path=\"/etc/shadow\" scontext=a:b:c tcontext=d:e:f tclass=file")]);
    let c = Criteria {
        success: Success::Failed,
        subject: s("a:b"),
        object: s("e:f"),
        filename: s("shadow"),
        comm: s("x"),
        ..Criteria::default()
    };
    let it = ok(&ev, &c);
    assert_eq!(it.success, SUCCESS_FAILED);
    assert_eq!(it.avc.len(), 1);
    let a = &it.avc[0];
    assert_eq!(a.perm.as_deref(), Some(&b"read"[..]));
    assert_eq!(a.class.as_deref(), Some(&b"file"[..]));
    assert_eq!(a.result, AvcResult::Denied);
    assert_eq!(strs(&it.filenames), ["/etc/shadow"]);
    // "{read}" becomes "{read " for good.
    assert_eq!(it.patches.len(), 1);
    assert!(is_match(&ev, &c));
    // The class is required.
    let no_class = event(&[(
        t::AVC,
        "avc:  denied  { read } for  pid=1 comm=\"x\" scontext=a tcontext=b",
    )]);
    assert_eq!(rc(&no_class, &Criteria::default()), 9);
    // An empty permission list runs to the end of the record.
    let empty = event(&[(t::AVC, "avc:  granted  { } for tclass=x")]);
    let it = ok(&empty, &Criteria::default());
    assert_eq!(it.avc[0].perm.as_deref(), Some(&b"} for tclass=x"[..]));
    assert!(it.patches.is_empty());
}

#[test]
fn user_avc_ignores_late_errors() {
    let body = "pid=1 uid=0 auid=4294967295 ses=4294967295 subj=s:init msg='avc:  denied  { start } for auid=0 uid=0 gid=0 scontext=a:b tcontext=c:d tclass=service exe=\"/x\" sauid=0 hostname=? addr=? terminal=?'";
    let ev = event(&[(t::USER_AVC, body)]);
    let c = Criteria {
        uid: 0,
        object: s("c:d"),
        ..Criteria::default()
    };
    // The second uid search meets "sauid=" after the object context: rc 25 is > 20.
    let it = ok(&ev, &c);
    assert_eq!(it.avc.len(), 1);
    assert_eq!(it.avc[0].tcontext.as_deref(), Some(&b"c:d"[..]));
    assert!(is_match(&ev, &c));
}

#[test]
fn login_records() {
    let ev = event(&[(t::LOGIN, "pid=10 uid=0 subj=s:local_login_t old-auid=4294967295 auid=1000 tty=tty1 old-ses=4294967295 ses=2 res=1")]);
    let c = Criteria {
        subject: s("x"),
        loginuid: 1,
        session_id: 1,
        success: Success::Success,
        ..Criteria::default()
    };
    let it = ok(&ev, &c);
    assert_eq!(
        it.avc[0].scontext.as_deref(),
        Some(&b"subj=s:local_login_t"[..])
    );
    assert_eq!((it.loginuid, it.session_id, it.success), (1000, 2, 1));
    let old = event(&[(
        t::LOGIN,
        "login pid=10 uid=0 old auid=4294967295 new auid=1000",
    )]);
    // A session criterion needs a session field.
    assert_eq!(rc(&old, &c), 14);
    let c = Criteria {
        session_id: u32::MAX - 1,
        ..c
    };
    let it = ok(&old, &c);
    assert_eq!((it.loginuid, it.success), (1000, SUCCESS_YES));
}

#[test]
fn odd_uid_quirks() {
    let c = Criteria {
        uid: 0,
        ..Criteria::default()
    };
    let tty = event(&[(
        t::TTY,
        "tty pid=1 uid=1000 auid=1000 ses=2 major=136 comm=\"bash\" data=6C73",
    )]);
    assert_eq!(ok(&tty, &c).uid, 0);
    let integ = event(&[(1800, "pid=1 uid=1000 auid=0 ses=1 op=x comm=\"cat\" res=0")]);
    assert_eq!(ok(&integ, &c).uid, 0);
}

#[test]
fn config_change_is_successful_unless_said_otherwise() {
    let ev = event(&[(t::CONFIG_CHANGE, "op=set audit_pid=0 old=1")]);
    let c = Criteria {
        success: Success::Success,
        loginuid: 0,
        ..Criteria::default()
    };
    let it = ok(&ev, &c);
    assert_eq!(it.success, SUCCESS_YES);
    let with_res = event(&[(
        t::CONFIG_CHANGE,
        "auid=0 ses=1 op=add_rule key=\"w\" list=4 res=0",
    )]);
    assert_eq!(ok(&with_res, &c).success, SUCCESS_FAILED);
    // Other simple messages need the auid.
    let mac = event(&[(t::MAC_POLICY_LOAD, "lsm=selinux res=1")]);
    assert_eq!(rc(&mac, &c), 1);
}

#[test]
fn kernel_records_fill_gaps() {
    let ev = event(&[(t::NETFILTER_CFG, "table=filter family=2 entries=4")]);
    let c = Criteria {
        terminal: s("none"),
        exe: s("null"),
        session_id: u32::MAX,
        ..Criteria::default()
    };
    let it = ok(&ev, &c);
    assert_eq!(text(&it.terminal).as_deref(), Some("(none)"));
    assert_eq!(text(&it.exe).as_deref(), Some("(null)"));
    assert!(is_match(&ev, &c));
    let pid = Criteria {
        pid: 1,
        ..Criteria::default()
    };
    assert_eq!(rc(&ev, &pid), 54);
}

#[test]
fn interpretations() {
    let tail = b"ARCH=x86_64 SYSCALL=openat  AUID=\"zed\" UID=7A6564 EUID=0079616B GID=\"open junk";
    let i = Interpretations::load(tail).expect("loaded");
    assert_eq!(i.lookup(b"auid"), s("zed"));
    assert_eq!(i.lookup(b"uid"), s("zed"));
    assert_eq!(i.lookup(b"euid"), s("yak"));
    assert_eq!(i.lookup(b"gid"), s(" "));
    assert_eq!(i.lookup(b"syscall"), s("openat"));
    assert_eq!(i.lookup(b"UID"), None);
    assert_eq!(
        lookup_interpretation(b"SADDR={ fam=inet } X=1", b"saddr"),
        s("{ fam=inet } X=1")
    );
    assert!(Interpretations::load(b"no pairs here").is_none());
}

#[test]
fn user_names() {
    let mut ev = event(&[(t::SYSCALL, SYSCALL_BODY)]);
    let c = Criteria {
        tuid: s("bob"),
        ..Criteria::default()
    };
    assert!(is_match(&ev, &c));
    let c = Criteria {
        tauid: s("alice"),
        ..Criteria::default()
    };
    assert!(is_match(&ev, &c));
    // An ENRICHED first record wins over the password database.
    ev = Event::new(
        ev.id,
        None,
        t::SYSCALL,
        format!("type=SYSCALL msg=audit(1.2:3): {SYSCALL_BODY}\x1dAUID=\"zed\" UID=\"yak\"\n")
            .as_bytes(),
    );
    let c = Criteria {
        tuid: s("yak"),
        tauid: s("zed"),
        ..Criteria::default()
    };
    assert!(is_match(&ev, &c));
    // -ua with a name ORs the three.
    let ua = Criteria {
        ua: true,
        tuid: s("zed"),
        teuid: s("zed"),
        tauid: s("zed"),
        ..Criteria::default()
    };
    assert!(is_match(&ev, &ua));
    let root = event(&[(
        t::SYSCALL,
        "syscall=1 a0=0 a1=0 pid=1 auid=4294967295 uid=0 gid=0",
    )]);
    let c = Criteria {
        tuid: s("root"),
        tauid: s("unset"),
        ..Criteria::default()
    };
    assert!(is_match(&root, &c));
}

#[test]
fn or_criteria() {
    let ev = event(&[(t::SYSCALL, SYSCALL_BODY)]);
    let ua = Criteria {
        ua: true,
        uid: 1003,
        euid: 1003,
        loginuid: 1003,
        ..Criteria::default()
    };
    assert!(is_match(&ev, &ua));
    let and = Criteria {
        uid: 1003,
        euid: 1003,
        ..Criteria::default()
    };
    assert!(!is_match(&ev, &and));
    let ga = Criteria {
        ga: true,
        gid: 1004,
        egid: 1004,
        ..Criteria::default()
    };
    assert!(is_match(&ev, &ga));
    let se = Criteria {
        se: true,
        subject: s("nope"),
        object: s("t:s0"),
        ..Criteria::default()
    };
    // Only subject contexts in a SYSCALL record: the object side finds none.
    assert!(!is_match(&ev, &se));
    let se = Criteria {
        se: true,
        subject: s("t:s0"),
        object: s("t:s0"),
        ..Criteria::default()
    };
    assert!(is_match(&ev, &se));
    // Without -se the subject decides alone.
    let both = Criteria {
        subject: s("t:s0"),
        object: s("nope"),
        ..Criteria::default()
    };
    assert!(is_match(&ev, &both));
}

#[test]
fn event_level_tests() {
    let mut ev = event(&[(t::SYSCALL, SYSCALL_BODY), (t::CWD, "cwd=\"/\"")]);
    let mut c = Criteria::default();
    assert!(is_match(&ev, &c));
    c.event_id = 41;
    assert!(!is_match(&ev, &c));
    c.event_id = 42;
    assert!(is_match(&ev, &c));
    c.start_time = ev.id.sec + 1;
    assert!(!is_match(&ev, &c));
    c.start_time = 0;
    c.end_time = ev.id.sec - 1;
    assert!(!is_match(&ev, &c));
    c.end_time = 0;
    c.msg_types = Some(vec![t::PATH, t::CWD]);
    assert!(is_match(&ev, &c));
    c.msg_types = Some(vec![t::PATH]);
    assert!(!is_match(&ev, &c));
    c.msg_types = None;
    c.nodes = Some(vec![b"alpha".to_vec()]);
    assert!(!is_match(&ev, &c));
    ev.node = Some(b"alpha".to_vec());
    assert!(is_match(&ev, &c));
    c.exit_is_set = true;
    c.exit = -13;
    assert!(is_match(&ev, &c));
    c.exit = 0;
    assert!(!is_match(&ev, &c));
    let mut out = Vec::new();
    c.exit = -13;
    assert!(match_event(&ev, &c, &mut users(), &mut out).is_some());
}

/// Every criterion on, so every parser walks every branch.
fn all_criteria(debug: bool) -> Criteria {
    Criteria {
        event_id: u32::MAX,
        comm: s("c"),
        filename: s("f"),
        key: s("k"),
        hostname: s("h"),
        terminal: s("t"),
        exe: s("e"),
        vmname: s("v"),
        uuid: s("u"),
        subject: s("s"),
        object: s("o"),
        se: true,
        uid: 0,
        euid: 0,
        loginuid: 0,
        gid: 0,
        egid: 0,
        tuid: s("root"),
        teuid: s("root"),
        tauid: s("root"),
        ua: false,
        ga: false,
        ppid: 1,
        pid: 1,
        machine: 1,
        syscall: 1,
        session_id: 1,
        exit: 0,
        exit_is_set: true,
        success: Success::Success,
        msg_types: Some(vec![t::SYSCALL]),
        nodes: None,
        exact_match: false,
        debug,
        format: ReportFormat::Interpret,
        start_time: 0,
        end_time: 0,
    }
}

/// Types with a parser, plus an unknown one.
const TYPES: &[i32] = &[
    1005, 1006, 1100, 1107, 1112, 1116, 1132, 1200, 1203, 1207, 1208, 1300, 1302, 1303, 1305, 1306,
    1307, 1318, 1319, 1324, 1325, 1326, 1328, 1335, 1400, 1402, 1403, 1700, 1701, 1702, 1800, 2000,
    2501, 2502, 2100, 1320, -1,
];

mod props {
    use super::*;
    use proptest::prelude::*;

    /// Record text built from pieces that steer the parsers into their branches.
    fn body() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b"uid=".to_vec()),
            Just(b"auid=".to_vec()),
            Just(b" pid=".to_vec()),
            Just(b"ppid=".to_vec()),
            Just(b"ses=".to_vec()),
            Just(b"res=".to_vec()),
            Just(b"key=".to_vec()),
            Just(b"name=".to_vec()),
            Just(b" path=".to_vec()),
            Just(b"saddr=".to_vec()),
            Just(b"avc: ".to_vec()),
            Just(b"{".to_vec()),
            Just(b"}".to_vec()),
            Just(b"\"".to_vec()),
            Just(b"'".to_vec()),
            Just(b")".to_vec()),
            Just(b"(".to_vec()),
            Just(b"tclass=".to_vec()),
            Just(b"terminal=".to_vec()),
            Just(b"hostname=?".to_vec()),
            Just(b"comm=".to_vec()),
            Just(b"exe=".to_vec()),
            Just(b"acct=".to_vec()),
            Just(b"cwd=".to_vec()),
            Just(b"subj=".to_vec()),
            Just(b"obj=".to_vec()),
            Just(b"uuid=".to_vec()),
            Just(b"vm=".to_vec()),
            Just(b"0200".to_vec()),
            Just(b"0A00".to_vec()),
            Just(b"0100".to_vec()),
            Just(b"00".to_vec()),
            Just(b"9999999999999999999999".to_vec()),
            Just(b" ".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..12),
        ];
        proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    fn record() -> impl Strategy<Value = (i32, Vec<u8>, Option<Vec<u8>>)> {
        (
            proptest::sample::select(TYPES),
            body(),
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40)),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]
        #[test]
        fn never_panics(recs in proptest::collection::vec(record(), 1..5), debug in any::<bool>()) {
            let id = EventId { sec: 1, milli: 0, serial: 1 };
            let line = |b: &[u8], i: &Option<Vec<u8>>| {
                let mut l = b.to_vec();
                if let Some(i) = i {
                    l.push(0x1d);
                    l.extend_from_slice(i);
                }
                l
            };
            let mut ev = Event::new(id, Some(b"n"), recs[0].0, &line(&recs[0].1, &recs[0].2));
            for (t, b, i) in &recs[1..] {
                ev.push(*t, &line(b, i));
            }
            for c in [all_criteria(debug), Criteria { debug, ..Criteria::default() }] {
                let mut diag = Vec::new();
                let mut users = UserNames::with_resolver(|_| None);
                if let Ok(items) = extract_search_items(&ev, &c, &mut users, &mut diag) {
                    for p in &items.patches {
                        let msg = ev.record(p.record).map(|r| r.msg.len()).unwrap_or(0);
                        prop_assert!(p.offset < msg);
                    }
                }
                let _ = matches(&ev, &c, &mut users, &mut diag);
            }
        }
    }
}

/// `record_may_give_key` / `record_may_give_pid` name every record type whose
/// parser can yield a key or a pid: each type, with bodies shaped for each parser
/// (syscall, user, login, AVC, config change, daemon, anomaly, TTY, integrity,
/// netfilter), never yields one outside them.
#[test]
fn key_and_pid_types_are_the_ones_whose_parsers_read_them() {
    let bodies = [
        SYSCALL_BODY,
        "pid=20 uid=0 auid=0 ses=1 subj=x msg='op=login acct=\"root\" exe=\"/bin/login\" hostname=? addr=? terminal=tty1 res=success' key=\"files\"",
        "pid=20 uid=0 subj=s:local_login_t old-auid=4294967295 auid=1000 tty=tty1 old-ses=4294967295 ses=2 res=1 key=\"files\"",
        "avc:  denied  {read} for  pid=20 comm=\"x\" path=\"/etc/shadow\" scontext=a:b:c tcontext=d:e:f tclass=file key=\"files\"",
        "auid=0 ses=1 op=add_rule key=\"files\" list=4 res=1 pid=20",
        "op=start ver=3.0.9 format=raw kernel=6.1 auid=0 pid=20 uid=0 ses=1 subj=x res=success key=\"files\"",
        "auid=0 uid=0 gid=0 ses=1 subj=x pid=20 comm=\"x\" exe=\"/x\" sig=11 res=1 key=\"files\"",
        "tty pid=20 uid=0 auid=0 ses=1 major=4 minor=1 comm=\"x\" data=6869 key=\"files\"",
        "pid=20 uid=0 auid=0 ses=1 op=x cause=y comm=\"x\" name=\"/x\" res=1 key=\"files\"",
        "table=x family=2 entries=1 op=register pid=20 subj=x comm=\"x\" key=\"files\"",
        "pid=20 key=\"files\"",
        "key=\"files\" pid=20",
    ];
    let c = Criteria {
        key: s("files"),
        pid: 20,
        ..Criteria::default()
    };
    let (mut keys, mut pids) = (0, 0);
    for rtype in 0..=3100 {
        for body in bodies {
            let ev = event(&[(rtype, body)]);
            let Ok(it) = run(&ev, &c).0 else { continue };
            if strs(&it.keys).iter().any(|k| k == "files") {
                assert!(
                    record_may_give_key(rtype),
                    "type {rtype} gave a key: {body}"
                );
                keys += 1;
            }
            if it.pid == 20 {
                assert!(
                    record_may_give_pid(rtype),
                    "type {rtype} gave a pid: {body}"
                );
                pids += 1;
            }
        }
    }
    // the bodies reach the parsers that read them
    assert!(record_may_give_key(t::SYSCALL) && keys >= 3, "{keys}");
    assert!(pids > 900, "{pids}");
}
