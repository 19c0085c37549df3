//! Rows of the tables (see [`crate::schema`]) from one assembled event. Pure; values
//! borrow the event's text wherever no decoding is needed. Whatever the event holds —
//! unknown record types, missing or malformed fields — extraction never fails: a
//! value it cannot read is NULL, an event that lacks what a table needs gives no row
//! in that table (it is still in `events`).
#![forbid(unsafe_code)]

use std::borrow::Cow;

use raudit_logfmt::{Event, Record};
use raudit_tables::Machine;

use crate::fields::{self, body, fields as fields_of, hex_int, int, text, unhex};
use crate::schema::col;

/// One value of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum V<'a> {
    /// SQL NULL.
    Null,
    /// An integer.
    Int(i64),
    /// Text (bytes as logged or decoded; not necessarily UTF-8).
    Text(Cow<'a, [u8]>),
    /// The event's `event_id`, filled in by the storage layer.
    EventId,
}

impl<'a> V<'a> {
    fn text(b: &'a [u8]) -> V<'a> {
        V::Text(Cow::Borrowed(b))
    }
    fn static_text(s: &'static str) -> V<'a> {
        V::Text(Cow::Borrowed(s.as_bytes()))
    }
    fn opt_text(b: Option<&'a [u8]>) -> V<'a> {
        b.map_or(V::Null, V::text)
    }
    /// A string field decoded (`"…"` or hex).
    fn decoded(b: Option<&'a [u8]>) -> V<'a> {
        b.map_or(V::Null, |v| V::Text(text(v)))
    }
    fn opt_int(b: Option<&[u8]>) -> V<'a> {
        b.and_then(int).map_or(V::Null, V::Int)
    }
}

/// The rows of one event.
#[derive(Debug, Default, Clone)]
pub struct Rows<'a> {
    /// The `events` row.
    pub events: Vec<V<'a>>,
    /// The `process_events` row, if the event is a process creation or execution.
    pub process: Option<Vec<V<'a>>>,
    /// The `socket_events` row, if the event is a bind/connect/accept.
    pub socket: Option<Vec<V<'a>>>,
    /// `user_events` rows, one per user-space message record.
    pub user: Vec<Vec<V<'a>>>,
    /// `process_file_events` rows, one per PATH record.
    pub files: Vec<Vec<V<'a>>>,
}

/// Record type numbers used here.
const SYSCALL: i32 = 1300;
const PATH: i32 = 1302;
const SOCKADDR: i32 = 1306;
const CWD: i32 = 1307;
const EXECVE: i32 = 1309;

const CLONE_THREAD: u64 = 0x10000;
const EINPROGRESS: i64 = 115;
const EAGAIN: i64 = 11;

/// The SYSCALL record's fields used by the tables.
#[derive(Debug, Default, Clone, Copy)]
struct Sys<'a> {
    arch: Option<&'a [u8]>,
    syscall: Option<&'a [u8]>,
    success: Option<&'a [u8]>,
    exit: Option<&'a [u8]>,
    a0: Option<&'a [u8]>,
    ppid: Option<&'a [u8]>,
    pid: Option<&'a [u8]>,
    auid: Option<&'a [u8]>,
    uid: Option<&'a [u8]>,
    gid: Option<&'a [u8]>,
    euid: Option<&'a [u8]>,
    suid: Option<&'a [u8]>,
    fsuid: Option<&'a [u8]>,
    egid: Option<&'a [u8]>,
    sgid: Option<&'a [u8]>,
    fsgid: Option<&'a [u8]>,
    tty: Option<&'a [u8]>,
    ses: Option<&'a [u8]>,
    comm: Option<&'a [u8]>,
    exe: Option<&'a [u8]>,
    key: Option<&'a [u8]>,
}

impl<'a> Sys<'a> {
    fn parse(msg: &'a [u8]) -> Sys<'a> {
        let mut s = Sys::default();
        for f in fields_of(body(msg)) {
            let slot = match f.name {
                b"arch" => &mut s.arch,
                b"syscall" => &mut s.syscall,
                b"success" => &mut s.success,
                b"exit" => &mut s.exit,
                b"a0" => &mut s.a0,
                b"ppid" => &mut s.ppid,
                b"pid" => &mut s.pid,
                b"auid" => &mut s.auid,
                b"uid" => &mut s.uid,
                b"gid" => &mut s.gid,
                b"euid" => &mut s.euid,
                b"suid" => &mut s.suid,
                b"fsuid" => &mut s.fsuid,
                b"egid" => &mut s.egid,
                b"sgid" => &mut s.sgid,
                b"fsgid" => &mut s.fsgid,
                b"tty" => &mut s.tty,
                b"ses" => &mut s.ses,
                b"comm" => &mut s.comm,
                b"exe" => &mut s.exe,
                b"key" => &mut s.key,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(f.value);
            }
        }
        s
    }

    /// The syscall's name for the record's arch (the host's table when the arch is
    /// absent or unknown); the number as text when it has no name.
    fn name(&self) -> Option<Cow<'a, [u8]>> {
        let nr = self.syscall.and_then(int)?;
        let machine = self
            .arch
            .and_then(hex_int)
            .and_then(|a| u32::try_from(a).ok())
            .and_then(Machine::from_audit_arch)
            .unwrap_or_else(Machine::host);
        match u32::try_from(nr)
            .ok()
            .and_then(|n| raudit_tables::syscall_name(machine, n))
        {
            Some(n) => Some(Cow::Borrowed(n.as_bytes())),
            None => Some(Cow::Borrowed(self.syscall.unwrap_or_default())),
        }
    }

    fn success(&self) -> Option<bool> {
        match self.success? {
            b"yes" => Some(true),
            b"no" => Some(false),
            _ => None,
        }
    }
}

/// `key=` as text: `(null)` is NULL, several keys (`0x01`-separated) are joined by `,`.
fn key(v: Option<&[u8]>) -> V<'_> {
    match v {
        None | Some(b"(null)") => V::Null,
        Some(v) => {
            let t = text(v);
            if t.contains(&raudit_logfmt::KEY_SEPARATOR) {
                V::Text(Cow::Owned(
                    t.iter()
                        .map(|&b| {
                            if b == raudit_logfmt::KEY_SEPARATOR {
                                b','
                            } else {
                                b
                            }
                        })
                        .collect(),
                ))
            } else {
                V::Text(t)
            }
        }
    }
}

fn bool_int<'a>(b: Option<bool>) -> V<'a> {
    b.map_or(V::Null, |b| V::Int(b as i64))
}

/// `SEC.MILLI:SERIAL`, the event's identity as ausearch prints it.
pub fn eid(ev: &Event) -> String {
    format!("{}.{:03}:{}", ev.id.sec, ev.id.milli, ev.id.serial)
}

/// The record type's name: from the record's own `type=` text (so unknown types keep
/// the spelling the log gives them), else from the number.
fn type_name<'a>(r: &Record<'a>) -> V<'a> {
    match fields::type_name(r.msg) {
        Some(t) => V::text(t),
        None => match raudit_tables::msg_type_name(r.rtype as u32) {
            Some(n) => V::static_text(n),
            None => V::Text(Cow::Owned(format!("UNKNOWN[{}]", r.rtype).into_bytes())),
        },
    }
}

/// Extracts the rows of every table from one event.
pub fn extract(ev: &Event) -> Rows<'_> {
    let eid = V::Text(Cow::Owned(eid(ev).into_bytes()));
    let node = V::opt_text(ev.node.as_deref());
    let time = V::Int(ev.id.sec);

    let mut sys_rec = None;
    let mut cwd = None;
    let mut first_path = None;
    let mut sockaddr = None;
    let mut has_path = false;
    let mut has_user = false;
    let mut has_execve = false;
    for r in ev.records() {
        match r.rtype {
            SYSCALL if sys_rec.is_none() => sys_rec = Some(r),
            CWD if cwd.is_none() => cwd = fields::find(body(r.msg), b"cwd"),
            PATH => {
                has_path = true;
                if first_path.is_none() {
                    first_path = Some(r);
                }
            }
            SOCKADDR if sockaddr.is_none() => sockaddr = fields::find(body(r.msg), b"saddr"),
            EXECVE => has_execve = true,
            1100..=1199 => has_user = true,
            _ => {}
        }
    }
    let sys = sys_rec.map(|r| Sys::parse(r.msg));
    let name = sys.as_ref().and_then(Sys::name);
    let first = ev.record(0);

    let mut rows = Rows::default();
    let mut e = Vec::with_capacity(col::EV_W);
    e.push(V::EventId);
    e.push(time.clone());
    e.push(V::Int(ev.id.milli as i64));
    e.push(V::Int(ev.id.serial as i64));
    e.push(node.clone());
    e.push(eid.clone());
    e.push(first.as_ref().map_or(V::Null, type_name));
    e.push(V::Int(ev.len() as i64));
    match &sys {
        Some(s) => {
            e.push(name.clone().map_or(V::Null, V::Text));
            e.push(bool_int(s.success()));
            e.push(V::opt_int(s.exit));
            e.push(V::opt_int(s.pid));
            e.push(V::opt_int(s.ppid));
            e.push(V::opt_int(s.auid));
            e.push(V::opt_int(s.uid));
            e.push(V::decoded(s.comm));
            e.push(V::decoded(s.exe));
            e.push(key(s.key));
        }
        None => {
            // user-space messages carry pid/uid/auid and often exe
            let (mut pid, mut auid, mut uid, mut exe, mut comm) = (None, None, None, None, None);
            if let Some(r) = &first {
                for f in fields_of(body(r.msg)) {
                    let slot = match f.name {
                        b"pid" => &mut pid,
                        b"auid" => &mut auid,
                        b"uid" => &mut uid,
                        b"exe" => &mut exe,
                        b"comm" => &mut comm,
                        _ => continue,
                    };
                    if slot.is_none() {
                        *slot = Some(f.value);
                    }
                }
            }
            e.extend([V::Null, V::Null, V::Null]);
            e.push(V::opt_int(pid));
            e.push(V::Null);
            e.push(V::opt_int(auid));
            e.push(V::opt_int(uid));
            e.push(V::decoded(comm));
            e.push(V::decoded(exe));
            e.push(V::Null);
        }
    }
    debug_assert_eq!(e.len(), col::EV_W);
    rows.events = e;

    if let (Some(s), Some(n)) = (&sys, &name) {
        rows.process = process_row(ev, s, n, cwd, first_path, has_execve, &time, &eid, &node);
        if let Some(sa) = sockaddr {
            rows.socket = socket_row(s, n, sa, &time, &eid, &node);
        }
        if has_path {
            file_rows(ev, s, n, cwd, &time, &eid, &node, &mut rows.files);
        }
    }
    if has_user {
        for r in ev.records().filter(|r| (1100..=1199).contains(&r.rtype)) {
            rows.user
                .push(user_row(&r, type_name(&r), &time, &eid, &node));
        }
    }
    rows
}

/// The command line from the EXECVE records: arguments decoded and joined by spaces;
/// long arguments logged in pieces (`aN_len=`, `aN[i]=`) are put back together.
fn cmdline(ev: &Event) -> Vec<u8> {
    let mut out = Vec::new();
    let mut first = true;
    for r in ev.records().filter(|r| r.rtype == EXECVE) {
        for f in fields_of(body(r.msg)) {
            let n = f.name;
            if n.first() != Some(&b'a') || n == b"argc" {
                continue;
            }
            if memchr::memchr(b'[', n).is_some() {
                match unhex(f.value) {
                    Some(d) => out.extend_from_slice(&d),
                    None => out.extend_from_slice(f.value),
                }
                continue;
            }
            if !first {
                out.push(b' ');
            }
            first = false;
            if !n.ends_with(b"_len") {
                out.extend_from_slice(&text(f.value));
            }
        }
    }
    // pieces of a hex-encoded argument may end in NULs: cut like a C string
    if let Some(z) = memchr::memchr(0, &out) {
        out.truncate(z);
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn process_row<'a>(
    ev: &'a Event,
    s: &Sys<'a>,
    name: &Cow<'a, [u8]>,
    cwd: Option<&'a [u8]>,
    first_path: Option<Record<'a>>,
    has_execve: bool,
    time: &V<'a>,
    eid: &V<'a>,
    node: &V<'a>,
) -> Option<Vec<V<'a>>> {
    let exec = matches!(&**name, b"execve" | b"execveat");
    let fork = matches!(&**name, b"fork" | b"vfork" | b"clone" | b"clone3");
    if !(exec || fork) || s.success() != Some(true) {
        return None;
    }
    if &**name == b"clone" && s.a0.and_then(hex_int).unwrap_or(0) & CLONE_THREAD != 0 {
        return None;
    }
    let (pid, parent) = if exec {
        (V::opt_int(s.pid), V::opt_int(s.ppid))
    } else {
        (V::opt_int(s.exit), V::opt_int(s.pid))
    };
    let (mut mode, mut ouid, mut ogid) = (None, None, None);
    if let (true, Some(p)) = (exec, first_path) {
        for f in fields_of(body(p.msg)) {
            match f.name {
                b"mode" => mode = Some(f.value),
                b"ouid" => ouid = Some(f.value),
                b"ogid" => ogid = Some(f.value),
                _ => {}
            }
        }
    }
    let (cmd, cwd) = if exec {
        let c = if has_execve { cmdline(ev) } else { Vec::new() };
        (Some(c), V::decoded(cwd))
    } else {
        (None, V::Null)
    };
    let mut r = Vec::with_capacity(col::PE_W);
    r.push(pid);
    r.push(V::decoded(s.exe));
    r.push(V::opt_text(mode));
    match cmd {
        Some(c) => {
            let len = c.len() as i64;
            r.push(V::Text(Cow::Owned(c)));
            r.push(V::Int(len));
        }
        None => r.extend([V::Null, V::Null]),
    }
    r.push(V::static_text(""));
    r.push(V::Int(0));
    r.push(V::Int(0));
    r.push(cwd);
    r.push(V::opt_int(s.auid));
    r.push(V::opt_int(s.uid));
    r.push(V::opt_int(s.euid));
    r.push(V::opt_int(s.gid));
    r.push(V::opt_int(s.egid));
    if exec {
        r.push(V::opt_int(ouid));
        r.push(V::opt_int(ogid));
    } else {
        r.extend([V::Int(0), V::Int(0)]);
    }
    r.extend([V::Null, V::Null, V::Null, V::Null]); // atime mtime ctime btime
    r.push(V::static_text(""));
    r.push(parent);
    r.push(time.clone());
    r.push(V::Null); // uptime
    r.push(eid.clone());
    r.push(V::opt_int(s.fsuid));
    r.push(V::opt_int(s.suid));
    r.push(V::opt_int(s.fsgid));
    r.push(V::opt_int(s.sgid));
    r.push(V::Text(name.clone()));
    r.push(V::EventId);
    r.push(node.clone());
    r.push(V::decoded(s.comm));
    r.push(V::opt_text(s.tty));
    r.push(V::opt_int(s.ses));
    r.push(key(s.key));
    r.push(V::opt_int(s.exit));
    debug_assert_eq!(r.len(), col::PE_W);
    Some(r)
}

/// A decoded socket address: family, address, port, unix socket path.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SockAddr {
    /// Address family number.
    pub family: u16,
    /// IPv4/IPv6 address text.
    pub address: Option<String>,
    /// Port (IP families).
    pub port: Option<u16>,
    /// Unix socket path (`@name` for the abstract namespace).
    pub socket: Option<Vec<u8>>,
}

/// Decodes a hex `saddr=` value; `None` when it is not hex or too short for a family.
pub fn sockaddr(hex: &[u8]) -> Option<SockAddr> {
    let b = unhex(hex)?;
    if b.len() < 2 {
        return None;
    }
    let family = u16::from_le_bytes([b[0], b[1]]);
    let mut sa = SockAddr {
        family,
        ..SockAddr::default()
    };
    match family {
        2 if b.len() >= 8 => {
            sa.port = Some(u16::from_be_bytes([b[2], b[3]]));
            sa.address = Some(std::net::Ipv4Addr::new(b[4], b[5], b[6], b[7]).to_string());
        }
        10 if b.len() >= 24 => {
            sa.port = Some(u16::from_be_bytes([b[2], b[3]]));
            let mut a = [0u8; 16];
            a.copy_from_slice(&b[8..24]);
            sa.address = Some(std::net::Ipv6Addr::from(a).to_string());
        }
        1 => {
            let p = &b[2..];
            let (abstract_, p) = match p.split_first() {
                Some((0, rest)) => (true, rest),
                _ => (false, p),
            };
            let end = memchr::memchr(0, p).unwrap_or(p.len());
            let mut s = Vec::with_capacity(end + 1);
            if abstract_ {
                s.push(b'@');
            }
            s.extend_from_slice(&p[..end]);
            sa.socket = Some(s);
        }
        _ => {}
    }
    Some(sa)
}

fn socket_row<'a>(
    s: &Sys<'a>,
    name: &Cow<'a, [u8]>,
    saddr: &'a [u8],
    time: &V<'a>,
    eid: &V<'a>,
    node: &V<'a>,
) -> Option<Vec<V<'a>>> {
    let action: &'static str = match &**name {
        b"bind" => "bind",
        b"connect" => "connect",
        b"accept" | b"accept4" => "accept",
        _ => return None,
    };
    let sa = sockaddr(saddr)?;
    if sa.family == 16 {
        return None; // netlink, as osquery
    }
    let exit = s.exit.and_then(int);
    let (status, success) = match (s.success(), action, exit) {
        (Some(true), _, _) => ("succeeded", 1),
        (_, "connect", Some(e)) if e == -EINPROGRESS => ("in_progress", 1),
        (_, "accept", Some(e)) if e == -EAGAIN => ("no_client", 1),
        (Some(false), _, _) => ("failed", 0),
        (None, _, _) => ("unknown", 0),
    };
    let addr = sa
        .address
        .map_or(V::Null, |a| V::Text(Cow::Owned(a.into_bytes())));
    let port = sa.port.map_or(V::Null, |p| V::Int(p as i64));
    let (la, ra, lp, rp) = if action == "bind" {
        (addr, V::Null, port, V::Int(0))
    } else {
        (V::Null, addr, V::Int(0), port)
    };
    let mut r = Vec::with_capacity(col::SE_W);
    r.push(V::static_text(action));
    r.push(V::opt_int(s.pid));
    r.push(V::decoded(s.exe));
    r.push(V::opt_text(s.a0));
    r.push(V::opt_int(s.auid));
    r.push(V::Int(sa.family as i64));
    r.push(V::Int(0));
    r.push(la);
    r.push(ra);
    r.push(lp);
    r.push(rp);
    r.push(sa.socket.map_or(V::Null, |p| V::Text(Cow::Owned(p))));
    r.push(time.clone());
    r.push(V::Null);
    r.push(eid.clone());
    r.push(V::Int(success));
    r.push(V::static_text(status));
    r.push(V::EventId);
    r.push(node.clone());
    r.push(V::Text(name.clone()));
    r.push(exit.map_or(V::Null, V::Int));
    r.push(V::opt_int(s.uid));
    r.push(V::decoded(s.comm));
    r.push(key(s.key));
    debug_assert_eq!(r.len(), col::SE_W);
    Some(r)
}

fn user_row<'a>(
    rec: &Record<'a>,
    tname: V<'a>,
    time: &V<'a>,
    eid: &V<'a>,
    node: &V<'a>,
) -> Vec<V<'a>> {
    let b = body(rec.msg);
    let (mut uid, mut auid, mut pid, mut exe, mut addr, mut term) =
        (None, None, None, None, None, None);
    let (mut op, mut acct, mut host, mut res, mut ses) = (None, None, None, None, None);
    for f in fields_of(b) {
        let slot = match f.name {
            b"uid" => &mut uid,
            b"auid" => &mut auid,
            b"pid" => &mut pid,
            b"exe" => &mut exe,
            b"addr" => &mut addr,
            b"terminal" => &mut term,
            b"op" => &mut op,
            b"acct" => &mut acct,
            b"hostname" => &mut host,
            b"res" => &mut res,
            b"ses" => &mut ses,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(f.value);
        }
    }
    let mut r = Vec::with_capacity(col::UE_W);
    r.push(V::opt_int(uid));
    r.push(V::opt_int(auid));
    r.push(V::opt_int(pid));
    r.push(V::opt_text(fields::user_msg(b)));
    r.push(V::Int(rec.rtype as i64));
    r.push(V::decoded(exe));
    r.push(V::opt_text(addr));
    r.push(V::opt_text(term));
    r.push(time.clone());
    r.push(V::Null);
    r.push(eid.clone());
    r.push(V::EventId);
    r.push(node.clone());
    r.push(tname);
    r.push(V::decoded(op));
    r.push(V::decoded(acct));
    r.push(V::decoded(host));
    r.push(V::opt_text(res));
    r.push(V::opt_int(ses));
    debug_assert_eq!(r.len(), col::UE_W);
    r
}

/// osquery-style operation names for file syscalls; other syscalls keep their name.
fn operation(name: &[u8]) -> &[u8] {
    match name {
        b"open" | b"openat" | b"openat2" | b"creat" | b"open_by_handle_at" => b"open",
        b"rename" | b"renameat" | b"renameat2" => b"rename",
        b"unlink" | b"unlinkat" | b"rmdir" => b"unlink",
        b"link" | b"linkat" => b"link",
        b"symlink" | b"symlinkat" => b"symlink",
        b"truncate" | b"ftruncate" => b"truncate",
        b"execve" | b"execveat" => b"exec",
        b"chmod" | b"fchmod" | b"fchmodat" | b"fchmodat2" => b"chmod",
        b"chown" | b"fchown" | b"lchown" | b"fchownat" => b"chown",
        b"mkdir" | b"mkdirat" => b"mkdir",
        b"mknod" | b"mknodat" => b"mknod",
        _ => name,
    }
}

// `name` is cloned into rows as a Cow (borrowed when the syscall table named it)
#[allow(clippy::too_many_arguments, clippy::ptr_arg)]
fn file_rows<'a>(
    ev: &'a Event,
    s: &Sys<'a>,
    name: &Cow<'a, [u8]>,
    cwd: Option<&'a [u8]>,
    time: &V<'a>,
    eid: &V<'a>,
    node: &V<'a>,
    out: &mut Vec<Vec<V<'a>>>,
) {
    let op = operation(name);
    let op = match name {
        Cow::Borrowed(b) => Cow::Borrowed(operation(b)),
        Cow::Owned(_) => Cow::Owned(op.to_vec()),
    };
    let moves = matches!(&*op, b"rename" | b"link" | b"symlink");
    // the CREATE name of a rename/link is the destination of its DELETE/NORMAL name
    let mut dest = None;
    if moves {
        for r in ev.records().filter(|r| r.rtype == PATH) {
            let b = body(r.msg);
            if fields::find(b, b"nametype") == Some(b"CREATE") {
                dest = fields::find(b, b"name");
            }
        }
    }
    for r in ev.records().filter(|r| r.rtype == PATH) {
        let (mut item, mut pname, mut inode, mut mode, mut nametype) =
            (None, None, None, None, None);
        for f in fields_of(body(r.msg)) {
            let slot = match f.name {
                b"item" => &mut item,
                b"name" => &mut pname,
                b"inode" => &mut inode,
                b"mode" => &mut mode,
                b"nametype" => &mut nametype,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(f.value);
            }
        }
        if nametype == Some(b"PARENT") || (moves && nametype == Some(b"CREATE")) {
            continue;
        }
        let mut row = Vec::with_capacity(col::PF_W);
        row.push(V::Text(op.clone()));
        row.push(V::opt_int(s.pid));
        row.push(V::opt_int(s.ppid));
        row.push(time.clone());
        row.push(V::decoded(s.exe));
        row.push(V::Null); // partial: unknowable from a log
        row.push(V::decoded(cwd));
        row.push(V::decoded(pname));
        row.push(if moves { V::decoded(dest) } else { V::Null });
        for v in [
            s.uid, s.gid, s.auid, s.euid, s.egid, s.fsuid, s.fsgid, s.suid, s.sgid,
        ] {
            row.push(V::opt_text(v));
        }
        row.push(V::Null);
        row.push(eid.clone());
        row.push(V::EventId);
        row.push(node.clone());
        row.push(V::Text(name.clone()));
        row.push(bool_int(s.success()));
        row.push(V::opt_int(s.exit));
        row.push(V::opt_int(item));
        row.push(V::opt_text(nametype));
        row.push(V::opt_int(inode));
        row.push(V::opt_text(mode));
        row.push(key(s.key));
        debug_assert_eq!(row.len(), col::PF_W);
        out.push(row);
    }
}

#[cfg(test)]
mod tests;
