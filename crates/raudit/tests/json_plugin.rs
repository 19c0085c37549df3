//! `raudit json --plugin`: the audisp protocol on stdin (binary frames with the
//! kernel's payload, or string lines as the daemon formats them), JSON lines and a
//! final status object on stdout; an event ends at its EOE.

use std::io::Write;
use std::process::{Command, Stdio};

use raudit_wire::audisp::{encode_frame, format_string_record, Layout};

const RECS: &[(u32, &str, &str)] = &[
    (1300, "SYSCALL", "audit(1700000000.100:10): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=4242 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"sh\" exe=\"/usr/bin/dash\" key=\"k\""),
    (1309, "EXECVE", "audit(1700000000.100:10): argc=2 a0=\"sh\" a1=\"/tmp/x y.sh\""),
    (1320, "EOE", "audit(1700000000.100:10): "),
    (1300, "SYSCALL", "audit(1700000000.200:12): arch=c000003e syscall=42 success=yes exit=0 a0=3 a1=4 a2=10 a3=0 items=0 ppid=1 pid=4243 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"nc\" exe=\"/usr/bin/nc\" key=(null)"),
    (1306, "SOCKADDR", "audit(1700000000.200:12): saddr=020000500A0000010000000000000000"),
    (1320, "EOE", "audit(1700000000.200:12): "),
];

fn run(input: &[u8]) -> Vec<serde_json::Value> {
    let mut c = Command::new(env!("CARGO_BIN_EXE_raudit"))
        .args(["json", "--plugin", "--depth", "0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(input).unwrap();
    let out = c.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn check(v: &[serde_json::Value]) {
    assert_eq!(v.len(), 3, "{v:?}");
    assert_eq!(v[0]["ID"], "1700000000.100:10");
    assert_eq!(
        v[0]["EXECVE"]["ARGV"],
        serde_json::json!(["sh", "/tmp/x y.sh"])
    );
    assert_eq!(v[0]["SYSCALL"]["SYSCALL"], "execve");
    assert_eq!(
        v[1]["SOCKADDR"][0]["SADDR"],
        serde_json::json!({"family":"inet","addr":"10.0.0.1","port":80})
    );
    // serial 11 never arrived
    assert_eq!(v[2]["RAUDIT_STATUS"]["sequence_gaps"], 1, "{:?}", v[2]);
}

#[test]
fn binary_frames_protocol_0() {
    let mut input = Vec::new();
    for (t, _, d) in RECS {
        encode_frame(0, *t, d.as_bytes(), Layout::Padded, &mut input).unwrap();
    }
    check(&run(&input));
}

#[test]
fn string_lines() {
    let mut input = Vec::new();
    for (_, n, d) in RECS {
        format_string_record(0, n.as_bytes(), d.as_bytes(), &mut input);
    }
    check(&run(&input));
}
