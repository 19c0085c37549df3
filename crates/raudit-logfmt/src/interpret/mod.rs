//! Value interpretation as `ausearch -i` (audit 3.0.9) does it.
//!
//! [`interpret_field`] turns one field's raw value into the text ausearch
//! prints, chosen by the field name, the record type and context ([`Ctx`]).
//! Pure: user/group names come from a caller-supplied [`NameDb`].
//!
//! # How the caller drives it (ausearch's `-i` printing)
//! For each record, for each `name=value` field in order:
//! - `value` is the raw text after `=` as ausearch's splitter cuts it
//!   (quotes included when quoted);
//! - build [`Ctx`]: `rtype`; for `SYSCALL`/`SECCOMP` records `machine` from
//!   the record's `arch=` (`Machine::from_audit_arch`, `None` if absent or
//!   unknown) and `syscall` from its `syscall=`; `a0`/`a1` are the values of
//!   the **most recent SYSCALL record printed** (ausearch keeps them across
//!   records); `enriched` is the record's text after the `\x1d` separator;
//! - print `name=`, then `out`, then the separator the returned [`Kind`]
//!   says: [`Kind::Raw`] → the raw value was copied and ausearch follows it
//!   with `,` when its splitter cut the value at a comma, else a space;
//!   [`Kind::Interpreted`] → a space; [`Kind::TtyData`] → nothing.
//!
//! Escaping: the text written to `out` is already escaped per the
//! [`Escape`] mode (ausearch's `--escape`, default `tty`), exactly as
//! auparse does it after interpreting; raw (unclassified) values are copied
//! verbatim, as ausearch prints them, and so are values taken from an
//! enriched tail (auparse returns those before its escaping step). A `key` with several keys (`\x01`
//! separated) is written as `k1 key=k2`, as ausearch prints it.

mod args;
mod cnum;
mod escape;
mod sockaddr;

pub use args::write_tty_bytes;
pub use escape::{escape_into, Escape};

use cnum::{strtoll, strtoul};
use escape::{needs_escape, unescape_into};
use raudit_tables::Machine;
use std::io::Write;

/// User and group names (the caller's passwd/group lookups).
pub trait NameDb {
    /// The user name of `uid`, if any.
    fn user(&self, uid: u32) -> Option<String>;
    /// The group name of `gid`, if any.
    fn group(&self, gid: u32) -> Option<String>;
    /// The protocol name of IP protocol `n` (`getprotobynumber`, i.e.
    /// /etc/protocols: 6 → `tcp`), if any. Default: none.
    fn protocol(&self, _n: u32) -> Option<String> {
        None
    }
    /// The name of network interface `index` (`if_indextoname`: 1 → `lo`),
    /// for the scope of link-local IPv6 socket addresses. Default: none
    /// (the scope is then printed as a number).
    fn ifname(&self, _index: u32) -> Option<String> {
        None
    }
}

/// A [`NameDb`] that knows no names (ausearch then prints `unknown(N)`).
#[derive(Copy, Clone, Debug, Default)]
pub struct NoNames;

impl NameDb for NoNames {
    fn user(&self, _uid: u32) -> Option<String> {
        None
    }
    fn group(&self, _gid: u32) -> Option<String> {
        None
    }
}

/// The context one field is interpreted in.
#[derive(Copy, Clone, Debug, Default)]
pub struct Ctx<'a> {
    /// The record type number (1300 for SYSCALL…).
    pub rtype: u32,
    /// The machine of the record's `arch=` (SYSCALL/SECCOMP records only);
    /// `None`: absent or unknown to audit, which means the running machine.
    pub machine: Option<Machine>,
    /// The record's `syscall=` number (SYSCALL/SECCOMP records only).
    pub syscall: Option<u32>,
    /// `a0` of the most recent SYSCALL record (hex-decoded).
    pub a0: u64,
    /// `a1` of the most recent SYSCALL record (hex-decoded).
    pub a1: u64,
    /// The record's enriched tail: the bytes after `\x1d`
    /// (`AUID="alice" UID="root" …`), if any.
    pub enriched: Option<&'a [u8]>,
}

/// What [`interpret_field`] wrote, for the caller's separator choice.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Unclassified field: the raw value, verbatim.
    Raw,
    /// An interpreted value (followed by a space in ausearch's output).
    Interpreted,
    /// TTY data: ausearch prints no space after it.
    TtyData,
}

const AUDIT_SYSCALL: u32 = 1300;
const AUDIT_SECCOMP: u32 = 1326;
const AUDIT_PATH: u32 = 1302;
const AUDIT_EXECVE: u32 = 1309;
const AUDIT_MQ_OPEN: u32 = 1312;
const AUDIT_AVC: u32 = 1400;
const AUDIT_USER_TTY: u32 = 1124;
const AUDIT_NETFILTER_PKT: u32 = 1324;
const AUDIT_CRYPTO_KEY_USER: u32 = 2404;
const AUDIT_ADD_GROUP: u32 = 1116;
const AUDIT_DEL_GROUP: u32 = 1117;
const AUDIT_GRP_MGMT: u32 = 1132;
const AUDIT_TRUSTED_APP: u32 = 1121;
const AUDIT_KERN_MODULE: u32 = 1330;

/// The interpretation a field gets (auparse's field types).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum T {
    Uid,
    Gid,
    Syscall,
    Arch,
    Exit,
    Escaped,
    EscapedKey,
    Perm,
    Mode,
    ModeShort,
    Sockaddr,
    Flags,
    Promisc,
    Capability,
    Success,
    A0,
    A1,
    A2,
    A3,
    Signal,
    List,
    TtyData,
    Session,
    CapBitmap,
    Addr,
    Oflag,
    Mmap,
    Proctitle,
    Protocol,
    MacLabel,
    NfProto,
    IcmpType,
    Personality,
    Seccomp,
    Hook,
    NetAction,
    MacProto,
    IoctlReq,
    Fanotify,
    NlMcgrp,
    Resolve,
    Unclassified,
}

/// The interpretation of a field name, regardless of record type.
fn type_of_name(name: &[u8]) -> T {
    match name {
        b"auid" | b"uid" | b"euid" | b"suid" | b"fsuid" | b"ouid" | b"oauid" | b"old-auid"
        | b"iuid" | b"id" | b"inode_uid" | b"sauid" | b"obj_uid" => T::Uid,
        b"obj_gid" | b"gid" | b"egid" | b"sgid" | b"fsgid" | b"ogid" | b"igid" | b"inode_gid"
        | b"new_gid" => T::Gid,
        b"syscall" => T::Syscall,
        b"arch" => T::Arch,
        b"exit" => T::Exit,
        b"path" | b"comm" | b"exe" | b"file" | b"name" | b"watch" | b"cwd" | b"cmd" | b"acct"
        | b"dir" | b"vm" | b"old-chardev" | b"new-chardev" | b"old-disk" | b"new-disk"
        | b"old-fs" | b"new-fs" | b"old-net" | b"new-net" | b"device" | b"cgroup" | b"apparmor"
        | b"operation" | b"denied_mask" | b"info" | b"profile" | b"requested_mask" | b"old-rng"
        | b"new-rng" | b"ocomm" | b"grp" | b"new_group" | b"invalid_context" | b"sw"
        | b"root_dir" => T::Escaped,
        b"key" => T::EscapedKey,
        b"perm" | b"perm_mask" => T::Perm,
        b"mode" => T::Mode,
        b"saddr" => T::Sockaddr,
        b"prom" | b"old_prom" => T::Promisc,
        b"capability" => T::Capability,
        b"res" | b"result" => T::Success,
        b"a0" => T::A0,
        b"a1" => T::A1,
        b"a2" => T::A2,
        b"a3" => T::A3,
        b"sig" | b"sigev_signo" => T::Signal,
        b"list" => T::List,
        b"data" => T::TtyData,
        b"ses" => T::Session,
        b"cap_pi" | b"cap_pe" | b"cap_pp" | b"cap_pa" | b"cap_fi" | b"cap_fp" | b"fp" | b"fi"
        | b"old_pp" | b"old_pi" | b"old_pe" | b"old_pa" | b"new_pp" | b"new_pi" | b"new_pe"
        | b"pp" | b"pi" | b"pe" | b"pa" => T::CapBitmap,
        b"addr" => T::Addr,
        b"oflag" => T::Oflag,
        b"flags" => T::Mmap,
        b"subj" | b"obj" | b"scontext" | b"tcontext" | b"vm-ctx" | b"img-ctx" => T::MacLabel,
        b"proctitle" => T::Proctitle,
        b"proto" => T::Protocol,
        b"family" => T::NfProto,
        b"icmptype" => T::IcmpType,
        b"per" => T::Personality,
        b"code" => T::Seccomp,
        b"hook" => T::Hook,
        b"action" => T::NetAction,
        b"macproto" => T::MacProto,
        b"ioctlcmd" => T::IoctlReq,
        b"resp" => T::Fanotify,
        b"nl-mcgrp" => T::NlMcgrp,
        b"resolve" => T::Resolve,
        _ => T::Unclassified,
    }
}

fn all(val: &[u8], f: fn(&u8) -> bool) -> bool {
    val.iter().all(f)
}

/// auparse's `auparse_interp_adjust_type`: the record-type specific
/// overrides, then the name table.
fn field_type(rtype: u32, name: &[u8], val: &[u8]) -> T {
    if rtype == AUDIT_EXECVE
        && name.first() == Some(&b'a')
        && name != b"argc"
        && memchr::memmem::find(name, b"_len").is_none()
    {
        T::Escaped
    } else if rtype == AUDIT_AVC && name == b"saddr" {
        T::Unclassified
    } else if rtype == AUDIT_USER_TTY && name == b"msg" {
        T::Escaped
    } else if rtype == AUDIT_NETFILTER_PKT && name == b"saddr" {
        T::Addr
    } else if name == b"acct" {
        if val.first() == Some(&b'"') || all(val, u8::is_ascii_hexdigit) {
            T::Escaped
        } else {
            T::Unclassified
        }
    } else if rtype == AUDIT_PATH && name == b"flags" {
        T::Flags
    } else if rtype == AUDIT_MQ_OPEN && name == b"mode" {
        T::ModeShort
    } else if rtype == AUDIT_CRYPTO_KEY_USER && name == b"fp" {
        T::Unclassified
    } else if name == b"id" && matches!(rtype, AUDIT_ADD_GROUP | AUDIT_GRP_MGMT | AUDIT_DEL_GROUP) {
        T::Gid
    } else if rtype == AUDIT_TRUSTED_APP {
        if val.first() == Some(&b'"') {
            T::Escaped
        } else if all(val, u8::is_ascii_digit) {
            T::Unclassified
        } else if all(val, u8::is_ascii_hexdigit) {
            T::Escaped
        } else {
            T::Unclassified
        }
    } else if rtype == AUDIT_KERN_MODULE && name == b"name" {
        T::Escaped
    } else {
        type_of_name(name)
    }
}

/// The value an enriched tail gives field `name` (the tail's names are
/// lower-cased, then matched exactly; the first match wins).
fn enriched_value<'a>(tail: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    if let Some(rest) = tail.strip_prefix(b"SADDR=") {
        // A SOCKADDR record's tail holds only SADDR={ … }
        if name != b"saddr" {
            return None;
        }
        let open = memchr::memchr(b'{', rest)?;
        memchr::memchr(b'}', &rest[open..])?;
        return Some(&rest[open..]);
    }
    for tok in tail.split(|&b| b == b' ') {
        // Most tokens are rejected on length before anything else is looked at.
        if tok.len() <= name.len() || tok[name.len()] != b'=' {
            continue;
        }
        // auparse lower-cases the tail's names, then compares exactly; the name
        // is the text before the token's first '=' (checked by the position above
        // only when no earlier '=' exists).
        let tname = &tok[..name.len()];
        if memchr::memchr(b'=', tname).is_none()
            && tname
                .iter()
                .zip(name)
                .all(|(a, b)| a.to_ascii_lowercase() == *b)
        {
            return Some(&tok[name.len() + 1..]);
        }
    }
    None
}

/// A record's enriched tail split into its space-separated tokens once, so the
/// lookups of every field of the record ([`interpret_field_with`]) do not scan it
/// again. Answers exactly as a scan of the tail would (first matching token wins);
/// tails with more tokens than it holds are scanned.
#[derive(Clone, Debug)]
pub struct Tail<'a> {
    tail: &'a [u8],
    /// Per token: start, position of its first `=` relative to the start (or
    /// `u16::MAX`), end.
    toks: [(u16, u16, u16); 24],
    n: usize,
    /// Too many tokens or too long: look up by scanning.
    scan: bool,
}

impl<'a> Tail<'a> {
    /// Indexes `tail` (the bytes after the record's `\x1d`).
    pub fn new(tail: &'a [u8]) -> Tail<'a> {
        let mut t = Tail {
            tail,
            toks: [(0, 0, 0); 24],
            n: 0,
            scan: tail.len() >= u16::MAX as usize || tail.starts_with(b"SADDR="),
        };
        if t.scan {
            return t;
        }
        let mut start = 0usize;
        let mut eq = u16::MAX;
        for (i, &b) in tail.iter().enumerate() {
            if b == b' ' {
                if !t.push(start, eq, i) {
                    return t;
                }
                start = i + 1;
                eq = u16::MAX;
            } else if b == b'=' && eq == u16::MAX {
                eq = (i - start) as u16;
            }
        }
        t.push(start, eq, tail.len());
        t
    }

    fn push(&mut self, start: usize, eq: u16, end: usize) -> bool {
        if self.n == self.toks.len() {
            self.scan = true;
            return false;
        }
        self.toks[self.n] = (start as u16, eq, end as u16);
        self.n += 1;
        true
    }

    /// The value the tail gives field `name` (as [`enriched_value`]).
    fn get(&self, name: &[u8]) -> Option<&'a [u8]> {
        if self.scan || name.len() >= u16::MAX as usize {
            return enriched_value(self.tail, name);
        }
        for &(start, eq, end) in &self.toks[..self.n] {
            // the token's name is the text before its first '=', lower-cased
            if eq as usize != name.len() {
                continue;
            }
            let (start, end) = (start as usize, end as usize);
            let tname = &self.tail[start..start + name.len()];
            if tname
                .iter()
                .zip(name)
                .all(|(a, b)| a.to_ascii_lowercase() == *b)
            {
                return Some(&self.tail[start + name.len() + 1..end]);
            }
        }
        None
    }
}

/// True when ausearch classifies `name=value` in a record of type `rtype` as a MAC
/// label (its record splitter then keeps commas inside the value). `name` is taken
/// exactly as given: ausearch passes it with a leading space in most positions, which
/// never resolves.
pub fn is_mac_label(rtype: u32, name: &[u8], value: &[u8]) -> bool {
    field_type(rtype, name, value) == T::MacLabel
}

/// Interpret field `name` with raw value `value` (see the module docs for
/// the exact contract), appending the printable, escaped text to `out`.
pub fn interpret_field(
    ctx: &Ctx,
    name: &[u8],
    value: &[u8],
    db: &dyn NameDb,
    escape: Escape,
    out: &mut Vec<u8>,
) -> Kind {
    let tail = ctx.enriched.map(Tail::new);
    interpret_field_with(ctx, tail.as_ref(), name, value, db, escape, out)
}

/// [`interpret_field`] with the record's enriched tail already indexed (`tail`
/// stands for `ctx.enriched`, which is not read): callers printing a whole record
/// index it once.
pub fn interpret_field_with(
    ctx: &Ctx,
    tail: Option<&Tail<'_>>,
    name: &[u8],
    value: &[u8],
    db: &dyn NameDb,
    escape: Escape,
    out: &mut Vec<u8>,
) -> Kind {
    let mut value = value;
    if name == b"acct" {
        if let Some(v) = value.strip_suffix(b":") {
            value = v;
        }
    }
    let t = field_type(ctx.rtype, name, value);
    if t == T::Unclassified {
        out.extend_from_slice(value);
        return Kind::Raw;
    }
    let from_tail = tail
        .and_then(|tail| tail.get(name))
        .filter(|v| !v.starts_with(b"unknown-"));
    // auparse returns an enriched tail's value before its escaping step:
    // those are printed as they are
    let escape = if from_tail.is_some() {
        Escape::Raw
    } else {
        escape
    };
    // The text is written straight into `out`; in the rare case it needs escaping
    // (or holds several keys) it is moved out and written again.
    let start = out.len();
    match from_tail {
        Some(v) if matches!(t, T::Uid | T::Gid) => unescape_into(v, out),
        Some(v) => out.extend_from_slice(v),
        None => render(ctx, t, value, db, out),
    }
    if t == T::EscapedKey && memchr::memchr(0x01, &out[start..]).is_some() {
        // several keys: each escaped, printed as `k1 key=k2`
        let text = out.split_off(start);
        for (i, k) in text.split(|&b| b == 0x01).enumerate() {
            if i > 0 {
                out.extend_from_slice(b" key=");
            }
            escape_into(k, escape, out);
        }
    } else if needs_escape(&out[start..], escape) {
        let text = out.split_off(start);
        escape_into(&text, escape, out);
    }
    if t == T::TtyData {
        Kind::TtyData
    } else {
        Kind::Interpreted
    }
}

/// The machine ausearch uses for this record's syscall lookups.
fn machine_of(ctx: &Ctx) -> Option<Machine> {
    if matches!(ctx.rtype, AUDIT_SYSCALL | AUDIT_SECCOMP) {
        Some(
            ctx.machine
                .filter(|m| m.known_to_audit())
                .unwrap_or_else(Machine::host),
        )
    } else {
        None
    }
}

/// The syscall number ausearch uses (0 outside SYSCALL/SECCOMP records).
fn syscall_of(ctx: &Ctx) -> Option<u32> {
    if matches!(ctx.rtype, AUDIT_SYSCALL | AUDIT_SECCOMP) {
        ctx.syscall
    } else {
        Some(0)
    }
}

/// The syscall's name for a0..a3 decoding (`None` outside SYSCALL/SECCOMP).
fn sys_name(ctx: &Ctx) -> Option<&'static str> {
    raudit_tables::syscall_name(machine_of(ctx)?, syscall_of(ctx)?)
}

fn conv_err(val: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(b"conversion error(");
    out.extend_from_slice(val);
    out.push(b')');
}

fn render(ctx: &Ctx, t: T, val: &[u8], db: &dyn NameDb, out: &mut Vec<u8>) {
    match t {
        T::Uid => uid(val, 10, db, out),
        T::Gid => gid(val, 10, db, out),
        T::Syscall => syscall(ctx, val, out),
        T::Arch => arch(ctx, val, out),
        T::Exit => exit(val, out),
        T::Escaped | T::EscapedKey => unescape_into(val, out),
        T::Proctitle => proctitle(val, out),
        T::Perm => perm(val, out),
        T::Mode => mode(val, 8, out),
        T::ModeShort => mode_short(val, 8, out),
        T::Sockaddr => sockaddr::sockaddr(val, db, out),
        T::Flags => path_flags(val, out),
        T::Promisc => match strtoll(val, 10) {
            Ok(0) => out.extend_from_slice(b"no"),
            Ok(_) => out.extend_from_slice(b"yes"),
            Err(()) => conv_err(val, out),
        },
        T::Capability => capability(val, 10, out),
        T::Success => success(val, out),
        T::A0 => args::a0(ctx, val, db, out),
        T::A1 => args::a1(ctx, val, db, out),
        T::A2 => args::a2(ctx, val, db, out),
        T::A3 => args::a3(ctx, val, out),
        T::Signal => signal(val, 10, out),
        T::List => list(val, out),
        T::Session => {
            if val == b"4294967295" {
                out.extend_from_slice(b"unset");
            } else {
                out.extend_from_slice(val);
            }
        }
        T::CapBitmap => cap_bitmap(val, out),
        T::Oflag => flags(val, raudit_tables::open_flags(), Some((3, "O_RDONLY")), out),
        T::Mmap => flags(
            val,
            raudit_tables::mmap_flags(),
            Some((0xf, "MAP_FILE")),
            out,
        ),
        T::TtyData => args::tty_data(val, out),
        T::NfProto => args::nfproto(val, out),
        T::IcmpType => args::icmptype(val, out),
        T::Personality => args::personality(val, out),
        T::Seccomp => args::seccomp_code(val, out),
        T::Hook => args::hook(val, out),
        T::NetAction => args::netaction(val, out),
        T::MacProto => args::macproto(val, out),
        T::IoctlReq => args::ioctlcmd(val, out),
        T::Fanotify => args::fanotify(val, out),
        T::NlMcgrp => args::nlmcgrp(val, out),
        T::Resolve => args::resolve(val, out),
        T::Protocol => match strtoul(val, 10) {
            Err(()) => conv_err(val, out),
            Ok(v) => match u32::try_from(v as i32).ok().and_then(|n| db.protocol(n)) {
                Some(n) => out.extend_from_slice(n.as_bytes()),
                None => out.extend_from_slice(b"undefined protocol"),
            },
        },
        T::Addr | T::MacLabel | T::Unclassified => out.extend_from_slice(val),
    }
}

fn uid(val: &[u8], base: u32, db: &dyn NameDb, out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, base) else {
        return conv_err(val, out);
    };
    let id = v as u32;
    if id == u32::MAX {
        out.extend_from_slice(b"unset");
    } else if id == 0 {
        out.extend_from_slice(b"root");
    } else if let Some(n) = db.user(id) {
        out.extend_from_slice(n.as_bytes());
    } else {
        let _ = write!(out, "unknown({})", id as i32);
    }
}

fn gid(val: &[u8], base: u32, db: &dyn NameDb, out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, base) else {
        return conv_err(val, out);
    };
    let id = v as u32;
    if id == u32::MAX {
        out.extend_from_slice(b"unset");
    } else if id == 0 {
        out.extend_from_slice(b"root");
    } else if let Some(n) = db.group(id) {
        out.extend_from_slice(n.as_bytes());
    } else {
        let _ = write!(out, "unknown({})", id as i32);
    }
}

fn syscall(ctx: &Ctx, val: &[u8], out: &mut Vec<u8>) {
    let m = machine_of(ctx).unwrap_or_else(Machine::host);
    let nr = syscall_of(ctx);
    match nr.and_then(|n| raudit_tables::syscall_name(m, n)) {
        Some(s) => {
            out.extend_from_slice(s.as_bytes());
            if let Some(f) = args::subcall_name(s, ctx.a0) {
                let _ = write!(out, "({f})");
            }
        }
        None => match nr {
            Some(n) => {
                let _ = write!(out, "unknown-syscall({})", n as i32);
            }
            None => {
                let _ = val;
                out.extend_from_slice(b"unknown-syscall(-1)");
            }
        },
    }
}

fn arch(ctx: &Ctx, val: &[u8], out: &mut Vec<u8>) {
    // In SYSCALL/SECCOMP records the machine comes from this very value;
    // elsewhere auparse re-reads it too.
    let _ = ctx;
    let Ok(v) = strtoul(val, 16) else {
        out.extend_from_slice(b"conversion error(");
        out.extend_from_slice(val);
        out.extend_from_slice(b") ");
        return;
    };
    match Machine::from_audit_arch(v as u32).filter(|m| m.known_to_audit()) {
        Some(m) => out.extend_from_slice(m.name().as_bytes()),
        None => {
            out.extend_from_slice(b"unknown-elf-type(");
            out.extend_from_slice(val);
            out.push(b')');
        }
    }
}

fn exit(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoll(val, 10) else {
        return conv_err(val, out);
    };
    if v >= 0 {
        out.extend_from_slice(val);
        return;
    }
    let e = v.wrapping_neg() as i32;
    let name = u32::try_from(e).ok().and_then(raudit_tables::errno_name);
    let msg = u32::try_from(e).ok().and_then(raudit_tables::errno_message);
    let _ = write!(out, "{}(", name.unwrap_or("(null)"));
    match msg {
        Some(m) => out.extend_from_slice(m.as_bytes()),
        None => {
            let _ = write!(out, "Unknown error {e}");
        }
    }
    out.push(b')');
}

fn proctitle(val: &[u8], out: &mut Vec<u8>) {
    if val.first() == Some(&b'"') {
        unescape_into(val, out);
        return;
    }
    let src = if val.starts_with(b"00") {
        &val[2..]
    } else {
        val
    };
    let Some(mut d) = escape::unhex(src) else {
        out.extend_from_slice(val);
        return;
    };
    let end = val.len() / 2;
    if d.len() < end + 1 {
        d.resize(end + 1, 0);
    }
    for b in d.iter_mut().take(end) {
        if *b == 0 {
            *b = b' ';
        }
    }
    out.extend_from_slice(escape::cstr(&d));
}

fn perm(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoll(val, 10) else {
        return conv_err(val, out);
    };
    let mut v = v as i32;
    if v == 0 {
        v = 0x0f;
    }
    let mut first = true;
    for (bit, n) in [(4, "read"), (2, "write"), (1, "exec"), (8, "attr")] {
        if v & bit != 0 {
            if !first {
                out.push(b',');
            }
            out.extend_from_slice(n.as_bytes());
            first = false;
        }
    }
}

/// File type names as audit prints them (S_IFMT values from the uapi
/// `linux/stat.h`).
fn ftype_name(t: u32) -> Option<&'static str> {
    match t {
        0o140000 => Some("socket"),
        0o120000 => Some("link"),
        0o100000 => Some("file"),
        0o060000 => Some("block"),
        0o040000 => Some("dir"),
        0o020000 => Some("character"),
        0o010000 => Some("fifo"),
        _ => None,
    }
}

fn mode(val: &[u8], base: u32, out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, base) else {
        return conv_err(val, out);
    };
    let v = v as u32;
    match ftype_name(v & 0o170000) {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => {
            let _ = write!(out, "{:03o}", (v & 0o170000) / 0o10000);
        }
    }
    if v & 0o4000 != 0 {
        out.extend_from_slice(b",suid");
    }
    if v & 0o2000 != 0 {
        out.extend_from_slice(b",sgid");
    }
    if v & 0o1000 != 0 {
        out.extend_from_slice(b",sticky");
    }
    let _ = write!(out, ",{:03o}", v & 0o777);
}

fn mode_short(val: &[u8], base: u32, out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, base) else {
        return conv_err(val, out);
    };
    let v = v as u32;
    let mut parts: Vec<&str> = Vec::new();
    if v & 0o4000 != 0 {
        parts.push("suid");
    }
    if v & 0o2000 != 0 {
        parts.push("sgid");
    }
    if v & 0o1000 != 0 {
        parts.push("sticky");
    }
    if !parts.is_empty() {
        out.extend_from_slice(parts.join(",").as_bytes());
        out.push(b',');
    }
    let _ = write!(out, "0{:03o}", v & 0o777);
}

/// PATH record `flags=` (auparse's lookup flags table; only RHEL4 kernels
/// emit it). The flag names are LOOKUP_* bits.
fn path_flags(val: &[u8], out: &mut Vec<u8>) {
    const NAMES: [(u32, &str); 9] = [
        (0x0001, "follow"),
        (0x0002, "directory"),
        (0x0004, "continue"),
        (0x0010, "parent"),
        (0x0020, "noalt"),
        (0x0040, "atomic"),
        (0x0100, "open"),
        (0x0200, "create"),
        (0x0400, "access"),
    ];
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    let v = v as i32 as u32;
    if v == 0 {
        out.extend_from_slice(b"none");
        return;
    }
    let names: Vec<&str> = NAMES
        .iter()
        .filter(|(b, _)| v & b != 0)
        .map(|&(_, n)| n)
        .collect();
    if names.is_empty() {
        out.extend_from_slice(b"0x");
        out.extend_from_slice(val);
    } else {
        out.extend_from_slice(names.join(",").as_bytes());
    }
}

fn capability(val: &[u8], base: u32, out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, base) else {
        return conv_err(val, out);
    };
    match u32::try_from(v as i32)
        .ok()
        .and_then(raudit_tables::cap_name)
    {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => {
            out.extend_from_slice(b"unknown-capability(");
            if base == 16 {
                out.extend_from_slice(b"0x");
            }
            out.extend_from_slice(val);
            out.push(b')');
        }
    }
}

fn cap_bitmap(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    let mut found = false;
    // CAP_LAST_CAP of audit 3.0.9's build: the last capability it names
    let last = raudit_tables::cap_name(40).map_or(39, |_| 40);
    for i in 0..=last {
        if v & (1u64 << i) != 0 {
            if found {
                out.push(b',');
            }
            if let Some(n) = raudit_tables::cap_name(i) {
                out.extend_from_slice(n.as_bytes());
            }
            found = true;
        }
    }
    if !found {
        out.extend_from_slice(b"none");
    }
}

fn success(val: &[u8], out: &mut Vec<u8>) {
    if !val.first().is_some_and(u8::is_ascii_digit) {
        out.extend_from_slice(val);
        return;
    }
    let Ok(v) = strtoul(val, 10) else {
        return conv_err(val, out);
    };
    out.extend_from_slice(match v as i32 {
        0 => b"no".as_slice(),
        1 => b"yes",
        _ => b"unset",
    });
}

fn signal(val: &[u8], base: u32, out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, base) else {
        return conv_err(val, out);
    };
    let i = v as i32;
    match u32::try_from(i)
        .ok()
        .filter(|&i| i < 32)
        .and_then(raudit_tables::signal_name)
    {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => {
            out.extend_from_slice(b"unknown-signal(");
            if base == 16 {
                out.extend_from_slice(b"0x");
            }
            out.extend_from_slice(val);
            out.push(b')');
        }
    }
}

fn list(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 10) else {
        return conv_err(val, out);
    };
    // AUDIT_FILTER_* values (linux/audit.h) and audit's names for them
    let name = match v as i32 {
        0 => Some("user"),
        1 => Some("task"),
        4 => Some("exit"),
        5 => Some("exclude"),
        6 => Some("filesystem"),
        _ => None,
    };
    match name {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => {
            out.extend_from_slice(b"unknown-list(");
            out.extend_from_slice(val);
            out.push(b')');
        }
    }
}

/// Bit flags joined by `|` in table order; `zero` names the value printed
/// first when `v & mask == 0`; nothing matched prints `0x<val>`.
fn flags(val: &[u8], table: &[(u32, &str)], zero: Option<(u32, &str)>, out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    let v = v as u32;
    let start = out.len();
    if let Some((mask, n)) = zero {
        if v & mask == 0 {
            out.extend_from_slice(n.as_bytes());
        }
    }
    for &(bit, n) in table {
        if v & bit != 0 {
            if out.len() > start {
                out.push(b'|');
            }
            out.extend_from_slice(n.as_bytes());
        }
    }
    if out.len() == start {
        out.extend_from_slice(b"0x");
        out.extend_from_slice(val);
    }
}

fn clone_flags(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    let v = v as u32;
    let start = out.len();
    for &(bit, n) in raudit_tables::clone_flags() {
        if v & bit != 0 {
            if out.len() > start {
                out.push(b'|');
            }
            out.extend_from_slice(n.as_bytes());
        }
    }
    let sig = v & 0xff;
    if sig != 0 && sig < 32 {
        if let Some(s) = raudit_tables::signal_name(sig) {
            if out.len() > start {
                out.push(b'|');
            }
            out.extend_from_slice(s.as_bytes());
        }
    }
    if out.len() == start {
        let _ = write!(out, "0x{v:x}");
    }
}

fn prot(val: &[u8], is_mmap: bool, out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    let v = v as u32;
    if v & 7 == 0 {
        out.extend_from_slice(b"PROT_NONE");
        return;
    }
    let limit = if is_mmap { 4 } else { 3 };
    let table = raudit_tables::prot_flags();
    let table = &table[..limit.min(table.len())];
    flags(val, table, None, out);
}

fn dirfd(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    if v as u32 == 0xffff_ff9c {
        out.extend_from_slice(b"AT_FDCWD");
    } else {
        hex(val, out);
    }
}

fn hex(val: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(b"0x");
    out.extend_from_slice(val);
}

fn named(
    val: &[u8],
    lookup: fn(u32) -> Option<&'static str>,
    unknown: &str,
    hex_val: bool,
    out: &mut Vec<u8>,
) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    match u32::try_from(v as i32).ok().and_then(lookup) {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => {
            out.extend_from_slice(unknown.as_bytes());
            out.push(b'(');
            if hex_val {
                out.extend_from_slice(b"0x");
                out.extend_from_slice(val);
            } else {
                let _ = write!(out, "{}", v as i32);
            }
            out.push(b')');
        }
    }
}

fn access(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    if v & 0xf == 0 {
        out.extend_from_slice(b"F_OK");
        return;
    }
    flags(val, raudit_tables::access_flags(), None, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(rtype: u32, name: &str, val: &str) -> String {
        let ctx = Ctx {
            rtype,
            machine: Some(Machine::X86_64),
            syscall: Some(2),
            ..Ctx::default()
        };
        let mut o = Vec::new();
        interpret_field(
            &ctx,
            name.as_bytes(),
            val.as_bytes(),
            &NoNames,
            Escape::Tty,
            &mut o,
        );
        String::from_utf8_lossy(&o).into_owned()
    }

    #[test]
    fn basics() {
        assert_eq!(run(1300, "syscall", "2"), "open");
        assert_eq!(run(1300, "exit", "-2"), "ENOENT(No such file or directory)");
        assert_eq!(run(1300, "a1", "241"), "O_WRONLY|O_CREAT|O_TRUNC");
        assert_eq!(run(1300, "auid", "4294967295"), "unset");
        assert_eq!(run(1300, "uid", "1000"), "unknown(1000)");
        assert_eq!(run(1300, "foo", "bar"), "bar");
        assert_eq!(run(1327, "proctitle", "6C73002D6C"), "ls -l");
        assert_eq!(run(1302, "mode", "0100644"), "file,644");
        assert_eq!(
            run(1306, "saddr", "020000507F0000010000000000000000"),
            "{ saddr_fam=inet laddr=127.0.0.1 lport=80 }"
        );
    }

    #[test]
    fn tail_index_answers_as_the_scan() {
        let tails: [&[u8]; 7] = [
            b"ARCH=x86_64 SYSCALL=open AUID=\"alice\" UID=\"root\"",
            b"a=1  b==2 =3 Auid=x auid=y AUID=z c",
            b"",
            b" ",
            b"SADDR={ saddr_fam=inet laddr=1.2.3.4 lport=80 }",
            b"x=1 x=2 x=3 x=4 x=5 x=6 x=7 x=8 x=9 x=10 x=11 x=12 x=13 x=14 x=15 x=16 x=17 x=18 x=19 x=20 x=21 x=22 x=23 x=24 x=25 y=26",
            b"noeq another UID=",
        ];
        let names: [&[u8]; 11] = [
            b"auid", b"uid", b"arch", b"a", b"b", b"", b"c", b"saddr", b"y", b"x", b"AUID",
        ];
        for t in tails {
            let idx = Tail::new(t);
            for n in names {
                assert_eq!(idx.get(n), enriched_value(t, n), "{t:?} {n:?}");
            }
        }
    }

    #[test]
    fn enriched_tail() {
        let ctx = Ctx {
            rtype: 1300,
            enriched: Some(b"ARCH=x86_64 SYSCALL=open AUID=\"alice\" UID=\"root\""),
            ..Ctx::default()
        };
        let mut o = Vec::new();
        interpret_field(&ctx, b"auid", b"1000", &NoNames, Escape::Tty, &mut o);
        assert_eq!(o, b"alice");
    }
}

#[cfg(test)]
mod golden_tests;
