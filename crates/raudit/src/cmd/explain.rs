//! `raudit explain [RECORD…]`: one event's records (from the arguments, or
//! stdin when there are none) printed as `ausearch -i` prints them, then
//! notes in plain words: what the syscall does, what its exit value means
//! (an errno, or for `adjtimex`/`clock_adjtime` a clock state), what an
//! unset auid says about the process.
//!
//! Exit codes: 0, 1 when no audit record was found in the input.

use std::ffi::OsString;
use std::io::{Read, Write};

use raudit_logfmt::assemble::Assembler;
use raudit_logfmt::header::{parse_header, HeaderError};
use raudit_logfmt::lines::Splitter;
use raudit_logfmt::Event;
use raudit_search::criteria::Escape;
use raudit_tables::Machine;

const USAGE: &str =
    "usage: raudit explain [RECORD…]   (records are read from stdin when none is given)\n";

/// Return values of `adjtimex`/`clock_adjtime`: the clock state (uapi
/// `linux/timex.h`).
const TIME_STATES: &[(&str, &str)] = &[
    (
        "TIME_OK",
        "the clock is synchronised, no leap second pending",
    ),
    (
        "TIME_INS",
        "a leap second will be inserted at the end of the day",
    ),
    (
        "TIME_DEL",
        "a leap second will be deleted at the end of the day",
    ),
    ("TIME_OOP", "a leap second is being inserted now"),
    ("TIME_WAIT", "a leap second has just occurred"),
    ("TIME_ERROR", "the clock is not synchronised"),
];

const SYSCALLS: &[(&str, &str)] = &[
    ("adjtimex", "reads or tunes the kernel clock; NTP daemons (chronyd, ntpd, systemd-timesyncd) call it every few seconds, mostly to read the clock state"),
    ("clock_adjtime", "reads or tunes a clock, like adjtimex; NTP daemons call it every few seconds"),
    ("settimeofday", "sets the system time (an NTP daemon stepping the clock, or a person)"),
    ("clock_settime", "sets a clock; a0=0 is CLOCK_REALTIME, the wall clock"),
    ("stime", "sets the system time (32-bit only)"),
    ("open", "opens a file"),
    ("openat", "opens a file (relative to a directory descriptor); the PATH records name it"),
    ("openat2", "opens a file with extra resolution rules"),
    ("creat", "creates a file"),
    ("read", "reads from a file descriptor"),
    ("write", "writes to a file descriptor"),
    ("execve", "runs a program; the EXECVE record has its arguments"),
    ("execveat", "runs a program (relative to a directory descriptor)"),
    ("unlink", "deletes a name of a file"),
    ("unlinkat", "deletes a name of a file or a directory"),
    ("rmdir", "deletes a directory"),
    ("rename", "renames a file"),
    ("renameat", "renames a file"),
    ("renameat2", "renames a file"),
    ("chmod", "changes a file's permissions"),
    ("fchmod", "changes a file's permissions"),
    ("fchmodat", "changes a file's permissions"),
    ("chown", "changes a file's owner"),
    ("fchown", "changes a file's owner"),
    ("fchownat", "changes a file's owner"),
    ("lchown", "changes a symbolic link's owner"),
    ("setxattr", "sets an extended attribute"),
    ("lsetxattr", "sets an extended attribute"),
    ("fsetxattr", "sets an extended attribute"),
    ("removexattr", "removes an extended attribute"),
    ("truncate", "changes a file's size"),
    ("ftruncate", "changes a file's size"),
    ("mount", "mounts a file system"),
    ("umount2", "unmounts a file system"),
    ("init_module", "loads a kernel module"),
    ("finit_module", "loads a kernel module from a file"),
    ("delete_module", "unloads a kernel module"),
    ("kexec_load", "loads a new kernel to boot into"),
    ("ptrace", "traces or controls another process (debuggers, injection)"),
    ("kill", "sends a signal"),
    ("tkill", "sends a signal to a thread"),
    ("tgkill", "sends a signal to a thread"),
    ("connect", "connects a socket; the SOCKADDR record has the address"),
    ("accept", "accepts a connection"),
    ("accept4", "accepts a connection"),
    ("bind", "binds a socket to an address"),
    ("socket", "creates a socket"),
    ("setuid", "changes the user id"),
    ("setreuid", "changes the user ids"),
    ("setresuid", "changes the user ids"),
    ("setgid", "changes the group id"),
    ("setresgid", "changes the group ids"),
    ("setgroups", "changes the supplementary groups"),
    ("clone", "creates a process or thread; exit is the new id"),
    ("clone3", "creates a process or thread; exit is the new id"),
    ("fork", "creates a process; exit is the child's pid"),
    ("vfork", "creates a process; exit is the child's pid"),
    ("mknod", "creates a device or special file"),
    ("mknodat", "creates a device or special file"),
    ("link", "adds a name to a file"),
    ("linkat", "adds a name to a file"),
    ("symlink", "creates a symbolic link"),
    ("symlinkat", "creates a symbolic link"),
    ("sethostname", "changes the host name"),
    ("setdomainname", "changes the domain name"),
    ("personality", "changes the execution domain"),
    ("bpf", "loads or manages an eBPF program or map"),
    ("perf_event_open", "opens a performance monitoring event"),
    ("memfd_create", "creates an anonymous file in memory"),
    ("mmap", "maps memory"),
    ("mprotect", "changes memory protection"),
];

const RECORD_TYPES: &[(&str, &str)] = &[
    (
        "SYSCALL",
        "a system call that a rule selected, with who made it and its result",
    ),
    (
        "PATH",
        "one file name the syscall used (name, inode, owner, mode)",
    ),
    (
        "CWD",
        "the working directory relative names are resolved from",
    ),
    ("EXECVE", "the arguments of a program that was run"),
    (
        "PROCTITLE",
        "the command line of the process (hex when it has spaces)",
    ),
    ("SOCKADDR", "the socket address of the syscall"),
    (
        "CONFIG_CHANGE",
        "the audit configuration (rules, settings) changed",
    ),
    ("USER_LOGIN", "a login, from the login program"),
    ("USER_AUTH", "an authentication attempt, from PAM"),
    ("USER_ACCT", "an account check, from PAM"),
    ("USER_START", "a session opened, from PAM"),
    ("USER_END", "a session closed, from PAM"),
    ("CRED_ACQ", "credentials acquired, from PAM"),
    ("CRED_DISP", "credentials dropped, from PAM"),
    ("USER_CMD", "a command run through sudo"),
    ("SERVICE_START", "systemd started a service"),
    ("SERVICE_STOP", "systemd stopped a service"),
    ("AVC", "an SELinux or AppArmor decision"),
    ("ANOM_ABEND", "a process crashed"),
    (
        "ANOM_PROMISCUOUS",
        "a network device changed promiscuous mode",
    ),
    ("DAEMON_START", "auditd started"),
    ("DAEMON_END", "auditd stopped"),
    ("NETFILTER_CFG", "the firewall rules changed"),
    ("BPF", "an eBPF program was loaded or unloaded"),
    (
        "TIME_ADJNTPVAL",
        "the kernel clock's NTP values changed (adjtimex with modes)",
    ),
    ("TIME_INJOFFSET", "the clock was stepped"),
];

/// `name=value` pairs of a record's text after `): ` (quotes removed).
fn fields(msg: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(msg);
    let body = match text.find("): ") {
        Some(i) => &text[i + 3..],
        None => &text[..],
    };
    let body = body.split('\x1d').next().unwrap_or("");
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].rsplit(' ').next().unwrap_or("").to_string();
        let after = &rest[eq + 1..];
        let (val, next) = if let Some(q) = after.strip_prefix('"') {
            match q.find('"') {
                Some(e) => (&q[..e], &q[e + 1..]),
                None => (q, ""),
            }
        } else {
            match after.find(' ') {
                Some(e) => (&after[..e], &after[e..]),
                None => (after, ""),
            }
        };
        out.push((name, val.to_string()));
        rest = next;
    }
    out
}

fn get<'a>(f: &'a [(String, String)], name: &str) -> Option<&'a str> {
    f.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Plain-English notes for one event.
pub fn notes(ev: &Event) -> Vec<String> {
    let mut out = Vec::new();
    for r in ev.records() {
        let type_name = (r.rtype >= 0)
            .then(|| raudit_tables::msg_type_name(r.rtype as u32))
            .flatten()
            .unwrap_or("UNKNOWN");
        if let Some((_, d)) = RECORD_TYPES.iter().find(|(t, _)| *t == type_name) {
            out.push(format!("{type_name}: {d}"));
        }
        if r.rtype != 1300 {
            continue;
        }
        let f = fields(r.msg);
        let machine = get(&f, "arch")
            .and_then(|a| u32::from_str_radix(a, 16).ok())
            .and_then(Machine::from_audit_arch)
            .unwrap_or_else(Machine::host);
        let nr = get(&f, "syscall").and_then(|s| s.parse::<u32>().ok());
        let name = nr.and_then(|n| raudit_tables::syscall_name(machine, n));
        if let (Some(n), Some(name)) = (nr, name) {
            let what = SYSCALLS
                .iter()
                .find(|(s, _)| *s == name)
                .map(|(_, d)| format!(": {d}"))
                .unwrap_or_default();
            out.push(format!("syscall={n} is {name} on {}{what}", machine.name()));
        }
        let exit = get(&f, "exit").and_then(|e| e.parse::<i64>().ok());
        let clock = matches!(name, Some("adjtimex" | "clock_adjtime"));
        match exit {
            Some(e) if clock && (0..=5).contains(&e) => {
                let (state, means) = TIME_STATES[e as usize];
                out.push(format!(
                    "exit={e}: {state} ({e}): {means} — the return of {} is a clock state, not an errno; the call succeeded",
                    name.unwrap_or("adjtimex")
                ));
            }
            Some(e) if e < 0 => {
                let n = e.unsigned_abs() as u32;
                let ename = raudit_tables::errno_name(n).unwrap_or("unknown errno");
                let msg = raudit_tables::errno_message(n).unwrap_or("unknown error");
                out.push(format!("exit={e}: -{ename} ({msg}): the call failed"));
            }
            Some(e) => {
                let what = match name {
                    Some(
                        "open" | "openat" | "openat2" | "creat" | "socket" | "accept" | "accept4"
                        | "dup" | "dup2" | "dup3" | "memfd_create" | "perf_event_open" | "bpf",
                    ) => "the new file descriptor",
                    Some(
                        "read" | "write" | "pread64" | "pwrite64" | "readv" | "writev" | "sendto"
                        | "recvfrom" | "sendmsg" | "recvmsg",
                    ) => "the number of bytes",
                    Some("clone" | "clone3" | "fork" | "vfork") => "the new process or thread id",
                    _ => "the return value",
                };
                out.push(format!("exit={e}: success; {e} is {what}"));
            }
            None => {}
        }
        if get(&f, "success") == Some("no") && exit.is_none_or(|e| e >= 0) {
            out.push("success=no: the kernel counts this call as failed".into());
        }
        if get(&f, "auid") == Some("4294967295") {
            out.push("auid=4294967295 (unset): the process does not descend from a login — a daemon or a service started at boot".into());
            if clock {
                out.push("this is most likely the NTP daemon steering the clock; to stop recording it, add -F auid!=unset to the time-change rules (raudit rules lint points them out)".into());
            }
        }
        if let Some(k) = get(&f, "key") {
            if k == "(null)" {
                out.push("key=(null): the rule that recorded this has no key".into());
            } else {
                out.push(format!(
                    "key={k}: the key of the rule that recorded this (ausearch -k {k} finds these)"
                ));
            }
        }
    }
    out
}

fn explain(input: &[u8], out: &mut Vec<u8>, err: &mut dyn Write) -> usize {
    let mut asm = Assembler::new(2);
    let mut events = Vec::new();
    let mut take = |p: &[u8], asm: &mut Assembler, events: &mut Vec<Event>| {
        match parse_header(p, asm.eoe_timeout()) {
            Ok(h) => {
                if asm.add(&h, p) {
                    while let Some(ev) = asm.next_ready() {
                        events.push(ev);
                    }
                }
            }
            Err(HeaderError::NotARecord) => {
                let l = String::from_utf8_lossy(p);
                if !l.trim().is_empty() {
                    let _ = writeln!(err, "raudit explain: not an audit record: {}", l.trim_end());
                }
            }
            Err(e) => {
                let _ = writeln!(err, "raudit explain: {e}");
            }
        }
        true
    };
    let mut split = Splitter::new();
    split.feed(input, &mut |p| take(p, &mut asm, &mut events));
    split.finish(&mut |p| take(p, &mut asm, &mut events));
    asm.terminate_all();
    while let Some(ev) = asm.next_ready() {
        events.push(ev);
    }
    let names = raudit_search::names::SystemNames::default();
    let host = raudit_search::machine::detect();
    for ev in &events {
        raudit_search::interp_out::event(ev, &names, Escape::Tty, host, out, err);
        let n = notes(ev);
        if !n.is_empty() {
            out.extend_from_slice(b"notes:\n");
            for line in n {
                out.extend_from_slice(format!("  - {line}\n").as_bytes());
            }
        }
    }
    events.len()
}

/// Entry point: arguments after the tool name.
pub fn main(args: Vec<OsString>) -> i32 {
    use std::os::unix::ffi::OsStringExt;
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{USAGE}");
        return 0;
    }
    let mut input = Vec::new();
    if args.is_empty() {
        if std::io::stdin().read_to_end(&mut input).is_err() {
            eprint!("{USAGE}");
            return 2;
        }
    } else {
        for a in args {
            input.extend(a.into_vec());
            input.push(b'\n');
        }
    }
    let mut out = Vec::new();
    let stderr = std::io::stderr();
    let n = explain(&input, &mut out, &mut stderr.lock());
    let _ = std::io::stdout().write_all(&out);
    if n == 0 {
        eprintln!("raudit explain: no audit record in the input");
        return 1;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjtimex_time_error() {
        let rec = b"type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e syscall=159 success=yes exit=5 a0=7ffd a1=0 a2=0 a3=0 items=0 ppid=1 pid=612 auid=4294967295 uid=105 gid=111 euid=105 suid=105 fsuid=105 egid=111 sgid=111 fsgid=111 tty=(none) ses=4294967295 comm=\"chronyd\" exe=\"/usr/sbin/chronyd\" key=\"time-change\"\n";
        let mut out = Vec::new();
        let mut err = Vec::new();
        assert_eq!(explain(rec, &mut out, &mut err), 1);
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("syscall=adjtimex"), "{s}");
        assert!(s.contains("TIME_ERROR (5): the clock is not synchronised — the return of adjtimex is a clock state, not an errno"), "{s}");
        assert!(s.contains("auid!=unset"), "{s}");
        assert!(s.contains("syscall=159 is adjtimex on x86_64"), "{s}");
    }

    #[test]
    fn errno_exit() {
        let rec = b"type=SYSCALL msg=audit(1700000000.123:43): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c a1=1 a2=0 a3=0 items=1 ppid=1 pid=700 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm=\"cat\" exe=\"/usr/bin/cat\" key=(null)\n";
        let mut out = Vec::new();
        explain(rec, &mut out, &mut Vec::new());
        let s = String::from_utf8(out).unwrap();
        assert!(
            s.contains("exit=-13: -EACCES (Permission denied): the call failed"),
            "{s}"
        );
        assert!(s.contains("openat"), "{s}");
        assert!(
            s.contains("key=(null): the rule that recorded this has no key"),
            "{s}"
        );
    }
}
