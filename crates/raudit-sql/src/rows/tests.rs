use super::*;
use crate::feed::events;
use crate::schema::{Table, PROCESS_EVENTS, PROCESS_FILE_EVENTS, SOCKET_EVENTS, USER_EVENTS};

/// A row as (column, value text) pairs for assertions.
fn named<'a>(t: &Table, row: &[V<'a>]) -> Vec<(&'static str, String)> {
    t.columns()
        .zip(row)
        .map(|((n, _), v)| {
            let s = match v {
                V::Null => "NULL".to_string(),
                V::Int(i) => i.to_string(),
                V::Text(t) => String::from_utf8_lossy(t).into_owned(),
                V::EventId => "ID".to_string(),
            };
            (n, s)
        })
        .collect()
}

fn get(row: &[(&'static str, String)], col: &str) -> String {
    row.iter()
        .find(|(n, _)| *n == col)
        .unwrap_or_else(|| panic!("no column {col}"))
        .1
        .clone()
}

const EXEC: &str = r#"type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e syscall=59 success=yes exit=0 a0=55 a1=56 a2=57 a3=0 items=2 ppid=100 pid=200 auid=1000 uid=1000 gid=1000 euid=0 suid=0 fsuid=0 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm="ls" exe="/usr/bin/ls" subj=unconfined key="exec"
type=EXECVE msg=audit(1700000000.123:42): argc=3 a0="ls" a1="-l" a2=2F746D702F6120622063
type=CWD msg=audit(1700000000.123:42): cwd="/home/u"
type=PATH msg=audit(1700000000.123:42): item=0 name="/usr/bin/ls" inode=123 dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0
type=PATH msg=audit(1700000000.123:42): item=1 name="/lib64/ld-linux-x86-64.so.2" inode=456 dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL
type=PROCTITLE msg=audit(1700000000.123:42): proctitle=6C73002D6C
type=EOE msg=audit(1700000000.123:42): 
"#;

#[test]
fn execve_row() {
    let evs = events(EXEC.as_bytes(), 2);
    assert_eq!(evs.len(), 1);
    let rows = extract(&evs[0]);
    let p = named(&PROCESS_EVENTS, rows.process.as_ref().expect("process row"));
    assert_eq!(get(&p, "pid"), "200");
    assert_eq!(get(&p, "parent"), "100");
    assert_eq!(get(&p, "path"), "/usr/bin/ls");
    assert_eq!(get(&p, "cmdline"), "ls -l /tmp/a b c");
    assert_eq!(get(&p, "cmdline_size"), "16");
    assert_eq!(get(&p, "cwd"), "/home/u");
    assert_eq!(get(&p, "auid"), "1000");
    assert_eq!(get(&p, "euid"), "0");
    assert_eq!(get(&p, "mode"), "0100755");
    assert_eq!(get(&p, "owner_uid"), "0");
    assert_eq!(get(&p, "time"), "1700000000");
    assert_eq!(get(&p, "eid"), "1700000000.123:42");
    assert_eq!(get(&p, "syscall"), "execve");
    assert_eq!(get(&p, "key"), "exec");
    assert_eq!(get(&p, "uptime"), "NULL");
    // two PATH records → two file rows
    assert_eq!(rows.files.len(), 2);
    let f = named(&PROCESS_FILE_EVENTS, &rows.files[1]);
    assert_eq!(get(&f, "operation"), "exec");
    assert_eq!(get(&f, "path"), "/lib64/ld-linux-x86-64.so.2");
    assert_eq!(get(&f, "uid"), "1000");
    assert_eq!(get(&f, "item"), "1");
    assert!(rows.socket.is_none());
    assert!(rows.user.is_empty());
    assert_eq!(rows.events.len(), 18);
}

#[test]
fn fork_vfork_clone_rows_and_thread_clones_skipped() {
    let log = "\
type=SYSCALL msg=audit(10.000:1): arch=c000003e syscall=57 success=yes exit=301 a0=0 items=0 ppid=1 pid=300 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"sh\" exe=\"/bin/sh\" key=(null)
type=SYSCALL msg=audit(10.000:2): arch=c000003e syscall=58 success=yes exit=302 a0=0 items=0 ppid=1 pid=300 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"sh\" exe=\"/bin/sh\" key=(null)
type=SYSCALL msg=audit(10.000:3): arch=c000003e syscall=56 success=yes exit=303 a0=1200011 items=0 ppid=1 pid=300 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"sh\" exe=\"/bin/sh\" key=(null)
type=SYSCALL msg=audit(10.000:4): arch=c000003e syscall=56 success=yes exit=304 a0=3d0f00 items=0 ppid=1 pid=300 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"sh\" exe=\"/bin/sh\" key=(null)
type=SYSCALL msg=audit(10.000:5): arch=c000003e syscall=56 success=no exit=-11 a0=1200011 items=0 ppid=1 pid=300 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"sh\" exe=\"/bin/sh\" key=(null)
";
    let evs = events(log.as_bytes(), 2);
    assert_eq!(evs.len(), 5);
    let got: Vec<Option<(String, String, String)>> = evs
        .iter()
        .map(|e| {
            extract(e).process.map(|r| {
                let r = named(&PROCESS_EVENTS, &r);
                (get(&r, "syscall"), get(&r, "pid"), get(&r, "parent"))
            })
        })
        .collect();
    let s = |a: &str, b: &str, c: &str| Some((a.to_string(), b.to_string(), c.to_string()));
    assert_eq!(
        got,
        vec![
            s("fork", "301", "300"),
            s("vfork", "302", "300"),
            s("clone", "303", "300"),
            None, // CLONE_THREAD
            None, // failed
        ]
    );
}

#[test]
fn nonblocking_connect_is_in_progress() {
    let log = "\
type=SYSCALL msg=audit(20.000:7): arch=c000003e syscall=42 success=no exit=-115 a0=3 a1=7ffd a2=10 a3=0 items=0 ppid=1 pid=55 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts1 ses=2 comm=\"curl\" exe=\"/usr/bin/curl\" key=(null)
type=SOCKADDR msg=audit(20.000:7): saddr=020001BB5DB8D8220000000000000000
type=SYSCALL msg=audit(20.000:8): arch=c000003e syscall=49 success=yes exit=0 a0=4 a1=7ffd a2=1c a3=0 items=0 ppid=1 pid=56 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts1 ses=2 comm=\"nc\" exe=\"/usr/bin/nc\" key=(null)
type=SOCKADDR msg=audit(20.000:8): saddr=0A001F90000000000000000000000000000000000000000100000000
type=SYSCALL msg=audit(20.000:9): arch=c000003e syscall=42 success=no exit=-111 a0=3 a1=7ffd a2=6e a3=0 items=1 ppid=1 pid=57 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts1 ses=2 comm=\"x\" exe=\"/usr/bin/x\" key=(null)
type=SOCKADDR msg=audit(20.000:9): saddr=01002F72756E2F782E736F636B00
type=SYSCALL msg=audit(20.000:10): arch=c000003e syscall=49 success=yes exit=0 a0=3 a1=7ffd a2=c a3=0 items=0 ppid=1 pid=58 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"systemd\" exe=\"/lib/systemd/systemd\" key=(null)
type=SOCKADDR msg=audit(20.000:10): saddr=100000000000000000000000
";
    let evs = events(log.as_bytes(), 2);
    let rows: Vec<_> = evs
        .iter()
        .map(|e| extract(e).socket.map(|r| named(&SOCKET_EVENTS, &r)))
        .collect();
    let c = rows[0].as_ref().unwrap();
    assert_eq!(get(c, "action"), "connect");
    assert_eq!(get(c, "status"), "in_progress");
    assert_eq!(get(c, "success"), "1");
    assert_eq!(get(c, "remote_address"), "93.184.216.34");
    assert_eq!(get(c, "remote_port"), "443");
    assert_eq!(get(c, "family"), "2");
    assert_eq!(get(c, "fd"), "3");
    assert_eq!(get(c, "path"), "/usr/bin/curl");
    let b = rows[1].as_ref().unwrap();
    assert_eq!(get(b, "action"), "bind");
    assert_eq!(get(b, "local_address"), "::1");
    assert_eq!(get(b, "local_port"), "8080");
    assert_eq!(get(b, "status"), "succeeded");
    let u = rows[2].as_ref().unwrap();
    assert_eq!(get(u, "status"), "failed");
    assert_eq!(get(u, "success"), "0");
    assert_eq!(get(u, "socket"), "/run/x.sock");
    assert_eq!(get(u, "family"), "1");
    assert!(rows[3].is_none(), "netlink left out");
}

#[test]
fn user_message_row() {
    let log = "type=USER_LOGIN msg=audit(30.500:11): pid=900 uid=0 auid=4294967295 ses=4294967295 subj=unconfined msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=? addr=10.1.2.3 terminal=sshd res=failed'\n";
    let evs = events(log.as_bytes(), 2);
    let rows = extract(&evs[0]);
    assert_eq!(rows.user.len(), 1);
    let u = named(&USER_EVENTS, &rows.user[0]);
    assert_eq!(get(&u, "uid"), "0");
    assert_eq!(get(&u, "pid"), "900");
    assert_eq!(get(&u, "type"), "1112");
    assert_eq!(get(&u, "type_name"), "USER_LOGIN");
    assert_eq!(get(&u, "path"), "/usr/sbin/sshd");
    assert_eq!(get(&u, "address"), "10.1.2.3");
    assert_eq!(get(&u, "terminal"), "sshd");
    assert_eq!(get(&u, "res"), "failed");
    assert_eq!(get(&u, "acct"), "root");
    assert!(get(&u, "message").starts_with("op=login acct="));
    assert_eq!(get(&u, "time"), "30");
}

#[test]
fn unknown_types_and_garbage_become_plain_events() {
    let log = "type=UNKNOWN[1399] msg=audit(40.000:1): foo=bar baz\nnot a record\ntype=SYSCALL msg=audit(41.000:2): syscall=zz exit=?? pid=\n";
    let evs = events(log.as_bytes(), 2);
    assert_eq!(evs.len(), 2);
    let r0 = extract(&evs[0]);
    assert_eq!(r0.events[6], V::Text(Cow::Borrowed(b"UNKNOWN[1399]")));
    let r1 = extract(&evs[1]);
    assert!(r1.process.is_none());
    assert_eq!(r1.events[10], V::Null);
}

#[test]
fn rename_has_dest_path() {
    let log = "\
type=SYSCALL msg=audit(50.000:3): arch=c000003e syscall=82 success=yes exit=0 a0=1 a1=2 items=4 ppid=1 pid=9 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"mv\" exe=\"/bin/mv\" key=\"fim\"
type=CWD msg=audit(50.000:3): cwd=\"/tmp\"
type=PATH msg=audit(50.000:3): item=0 name=\"/tmp/\" inode=1 dev=00:01 mode=041777 ouid=0 ogid=0 rdev=00:00 nametype=PARENT
type=PATH msg=audit(50.000:3): item=1 name=\"/tmp/\" inode=1 dev=00:01 mode=041777 ouid=0 ogid=0 rdev=00:00 nametype=PARENT
type=PATH msg=audit(50.000:3): item=2 name=\"a\" inode=5 dev=00:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=DELETE
type=PATH msg=audit(50.000:3): item=3 name=\"b\" inode=5 dev=00:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=CREATE
";
    let evs = events(log.as_bytes(), 2);
    let rows = extract(&evs[0]);
    assert_eq!(rows.files.len(), 1);
    let f = named(&PROCESS_FILE_EVENTS, &rows.files[0]);
    assert_eq!(get(&f, "operation"), "rename");
    assert_eq!(get(&f, "path"), "a");
    assert_eq!(get(&f, "dest_path"), "b");
    assert_eq!(get(&f, "cwd"), "/tmp");
    assert_eq!(get(&f, "key"), "fim");
}

#[test]
fn long_arguments_in_pieces() {
    let log = "\
type=SYSCALL msg=audit(60.000:4): arch=c000003e syscall=59 success=yes exit=0 items=0 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 comm=\"echo\" exe=\"/bin/echo\" key=(null)
type=EXECVE msg=audit(60.000:4): argc=2 a0=\"echo\" a1_len=6 a1[0]=616263 a1[1]=646566
";
    let evs = events(log.as_bytes(), 2);
    let p = named(&PROCESS_EVENTS, &extract(&evs[0]).process.unwrap());
    assert_eq!(get(&p, "cmdline"), "echo abcdef");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    /// Hostile bytes never panic extraction.
    #[test]
    fn never_panics(lines in proptest::collection::vec(
        proptest::string::string_regex(
            "(type=(SYSCALL|PATH|SOCKADDR|EXECVE|CWD|USER_LOGIN|UNKNOWN\\[9\\]) msg=audit\\(1\\.0:1\\): )?([a-z0-9_\\[\\]]{0,4}=?(\"[^\"\n]{0,5}\"?|'|[0-9A-Fa-f]{0,40}|-?[0-9]{0,3}) ?){0,12}"
        ).unwrap(), 0..8)) {
        let text = lines.join("\n");
        for e in events(text.as_bytes(), 2) {
            let _ = extract(&e);
        }
    }

    #[test]
    fn sockaddr_never_panics(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40)) {
        let hex: String = b.iter().map(|x| format!("{x:02X}")).collect();
        let _ = sockaddr(hex.as_bytes());
    }
}
