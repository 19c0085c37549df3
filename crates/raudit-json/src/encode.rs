//! One assembled event → one JSON object on one line.

use std::collections::HashMap;

use raudit_logfmt::interpret::NameDb;
use raudit_logfmt::normalize::{adjust_type, FieldType};
use raudit_logfmt::{Event, EventId};
use raudit_tables::Machine;

use crate::fields::{self, Field, Kind};
use crate::{sockaddr, write};

const SYSCALL: i32 = 1300;
const PATH: i32 = 1302;
const SOCKADDR: i32 = 1306;
const CWD: i32 = 1307;
const EXECVE: i32 = 1309;
const SECCOMP: i32 = 1326;
const PROCTITLE: i32 = 1327;

/// Extra members written at the end of the event's `SYSCALL` object
/// (process ancestry and the like). `out` ends just after a member: write
/// `,"NAME":value` pairs.
pub trait SyscallExtra {
    /// Appends members.
    fn write(&self, out: &mut Vec<u8>);
}

/// What a SYSCALL record says about its process, for the process table.
#[derive(Debug, Clone, Default)]
pub struct SyscallFacts {
    /// `pid=`.
    pub pid: u32,
    /// `ppid=`.
    pub ppid: u32,
    /// Syscall name (from `arch=` and `syscall=`).
    pub syscall: Option<&'static str>,
    /// `success=yes`.
    pub success: bool,
    /// `exit=` (0 when absent or not decimal).
    pub exit: i64,
    /// `a0=` (hex).
    pub a0: u64,
    /// `key=` decoded (None for `(null)`).
    pub key: Option<Vec<u8>>,
    /// `exe=` decoded.
    pub exe: Vec<u8>,
    /// `comm=` decoded.
    pub comm: Vec<u8>,
    // (`exe` and `comm` are filled for execve/execveat/fork/vfork/clone only)
}

#[derive(Debug, Clone, Copy)]
struct Rec {
    rtype: i32,
    f0: u32,
    f1: u32,
}

/// Writes events as JSON lines; see the crate documentation for the format. Holds
/// reusable scratch space and caches of user and group names.
pub struct Encoder {
    names: Box<dyn NameDb + Send>,
    users: HashMap<u32, Box<[u8]>>,
    groups: HashMap<u32, Box<[u8]>>,
    fields: Vec<Field>,
    recs: Vec<Rec>,
    done: Vec<bool>,
    argv: Vec<Vec<u8>>,
    argc: Option<u64>,
    tmp: Vec<u8>,
    /// The current record's tail tokens, and whether they were cut yet.
    tail_toks: Vec<(u32, u32, u32)>,
    tail_cut: bool,
}

/// The `ID` text of an event: `SEC.MSEC:SERIAL`.
pub fn write_id(id: EventId, out: &mut Vec<u8>) {
    write::uint(out, id.sec as u64);
    out.push(b'.');
    let m = id.milli.min(999);
    out.push(b'0' + (m / 100) as u8);
    out.push(b'0' + (m / 10 % 10) as u8);
    out.push(b'0' + (m % 10) as u8);
    out.push(b':');
    write::uint(out, id.serial);
}

/// `str::parse::<i64>` on bytes (an optional sign, then digits; None on overflow).
fn parse_i64(v: &[u8]) -> Option<i64> {
    let (neg, d) = match v.split_first() {
        Some((b'-', r)) => (true, r),
        Some((b'+', r)) => (false, r),
        _ => (false, v),
    };
    if d.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for &c in d {
        let x = c.wrapping_sub(b'0');
        if x > 9 {
            return None;
        }
        n = n.checked_mul(10)?;
        n = if neg {
            n.checked_sub(i64::from(x))?
        } else {
            n.checked_add(i64::from(x))?
        };
    }
    Some(n)
}

/// Hex digit values; 0xFF for bytes that are not hex digits.
static NIB: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => 0xFF,
        };
        i += 1;
    }
    t
};

/// Decodes an even-length hex string into `out`; false (out unchanged) when it is not one.
pub fn unhex_into(s: &[u8], out: &mut Vec<u8>) -> bool {
    if s.len() < 2 || !s.len().is_multiple_of(2) {
        return false;
    }
    if s.iter().fold(0u8, |a, &c| a | NIB[c as usize]) & 0xF0 != 0 {
        return false;
    }
    out.extend(
        s.chunks_exact(2)
            .map(|p| NIB[p[0] as usize] << 4 | NIB[p[1] as usize]),
    );
    true
}

/// The value of a field as text: quotes removed, hex decoded where `hexed`.
fn decoded_into(raw: &[u8], hexed: bool, out: &mut Vec<u8>) {
    if let Some(q) = raw.strip_prefix(b"\"") {
        out.extend_from_slice(q.strip_suffix(b"\"").unwrap_or(q));
    } else if !(hexed && unhex_into(raw, out)) {
        out.extend_from_slice(raw);
    }
}

fn is_escaped(t: FieldType) -> bool {
    matches!(
        t,
        FieldType::Escaped | FieldType::EscapedFile | FieldType::EscapedKey | FieldType::Proctitle
    )
}

/// Field types whose values are hex or octal numbers: kept as strings.
fn is_numeric_text(t: FieldType) -> bool {
    matches!(
        t,
        FieldType::A0
            | FieldType::A1
            | FieldType::A2
            | FieldType::A3
            | FieldType::Arch
            | FieldType::CapBitmap
            | FieldType::Mode
            | FieldType::ModeShort
            | FieldType::Oflag
            | FieldType::Mmap
            | FieldType::Flags
            | FieldType::Personality
            | FieldType::IoctlReq
    )
}

fn type_text(msg: &[u8]) -> &[u8] {
    let t = if msg.starts_with(b"type=") {
        0
    } else {
        match memchr::memmem::find(msg, b"type=") {
            Some(t) => t,
            None => return b"UNKNOWN",
        }
    };
    let s = &msg[t + 5..];
    &s[..memchr::memchr(b' ', s).unwrap_or(s.len())]
}

fn upper_key(out: &mut Vec<u8>, name: &[u8]) {
    // the translated names of every SYSCALL record, written in one piece
    let k: &[u8] = match name {
        b"arch" => b",\"ARCH\":",
        b"syscall" => b",\"SYSCALL\":",
        b"auid" => b",\"AUID\":",
        b"uid" => b",\"UID\":",
        b"gid" => b",\"GID\":",
        b"euid" => b",\"EUID\":",
        b"suid" => b",\"SUID\":",
        b"fsuid" => b",\"FSUID\":",
        b"egid" => b",\"EGID\":",
        b"sgid" => b",\"SGID\":",
        b"fsgid" => b",\"FSGID\":",
        b"ouid" => b",\"OUID\":",
        b"ogid" => b",\"OGID\":",
        _ => b"",
    };
    if !k.is_empty() {
        out.extend_from_slice(k);
        return;
    }
    out.extend_from_slice(b",\"");
    let at = out.len();
    out.extend_from_slice(name);
    out[at..].make_ascii_uppercase();
    out.extend_from_slice(b"\":");
}

/// The `NAME=VALUE` tokens of an ENRICHED tail (split at every space), cut once
/// per record: (token start, its first `=`, token end). Tokens without `=` are
/// left out (no name can match them).
fn tail_tokens(tail: &[u8], out: &mut Vec<(u32, u32, u32)>) {
    out.clear();
    let mut i = 0;
    while i < tail.len() {
        let end = memchr::memchr(b' ', &tail[i..]).map_or(tail.len(), |e| i + e);
        if let Some(eq) = tail[i..end].iter().position(|&c| c == b'=') {
            out.push((i as u32, (i + eq) as u32, end as u32));
        }
        i = end + 1;
    }
}

/// The value of `NAME=` in an ENRICHED tail cut by [`tail_tokens`] (the first
/// token naming it, case-insensitively), decoded.
fn tail_value(tail: &[u8], toks: &[(u32, u32, u32)], name: &[u8], out: &mut Vec<u8>) -> bool {
    for &(s, eq, e) in toks {
        let (s, eq, e) = (s as usize, eq as usize, e as usize);
        if eq - s == name.len() && e > eq && tail[s..eq].eq_ignore_ascii_case(name) {
            decoded_into(&tail[eq + 1..e], true, out);
            return true;
        }
    }
    false
}

impl Encoder {
    /// An encoder looking up user and group names in `names` (each looked up once).
    pub fn new(names: Box<dyn NameDb + Send>) -> Encoder {
        Encoder {
            names,
            users: HashMap::new(),
            groups: HashMap::new(),
            fields: Vec::with_capacity(64),
            recs: Vec::with_capacity(8),
            done: Vec::new(),
            argv: Vec::new(),
            argc: None,
            tmp: Vec::new(),
            tail_toks: Vec::new(),
            tail_cut: false,
        }
    }

    /// Forgets cached user and group names (after account changes).
    pub fn flush_names(&mut self) {
        self.users.clear();
        self.groups.clear();
    }

    /// Cuts the records of `ev` into fields; the accessors below and
    /// [`Encoder::write`] work on what was loaded last.
    pub fn load(&mut self, ev: &Event) {
        self.fields.clear();
        self.recs.clear();
        self.argc = None;
        let mut nargs = 0;
        for r in ev.records() {
            let f0 = self.fields.len() as u32;
            if let Some(b) = fields::body_start(r.msg) {
                fields::split(r.msg, b, r.msg.len(), false, &mut self.fields);
            }
            let f1 = self.fields.len() as u32;
            self.recs.push(Rec {
                rtype: r.rtype,
                f0,
                f1,
            });
            if r.rtype == EXECVE {
                // argv: aN, or aN_len + aN[i] chunks, in any number of records
                for f in &self.fields[f0 as usize..f1 as usize] {
                    if f.kind != Kind::Pair {
                        continue;
                    }
                    let name = f.name(r.msg);
                    let val = f.val(r.msg);
                    if name == b"argc" {
                        self.argc = std::str::from_utf8(val).ok().and_then(|s| s.parse().ok());
                        continue;
                    }
                    let Some(rest) = name.strip_prefix(b"a") else {
                        continue;
                    };
                    let d = rest.iter().take_while(|c| c.is_ascii_digit()).count();
                    if d == 0 || d > 7 {
                        continue;
                    }
                    let Ok(n) = std::str::from_utf8(&rest[..d])
                        .unwrap_or("x")
                        .parse::<usize>()
                    else {
                        continue;
                    };
                    let suffix = &rest[d..];
                    if !(suffix.is_empty() || suffix.first() == Some(&b'[')) {
                        continue;
                    }
                    if n >= nargs {
                        if n >= 1 << 20 {
                            continue;
                        }
                        if self.argv.len() <= n {
                            self.argv.resize_with(n + 1, Vec::new);
                        }
                        for a in &mut self.argv[nargs..=n] {
                            a.clear();
                        }
                        nargs = n + 1;
                    }
                    if suffix.is_empty() {
                        self.argv[n].clear();
                    }
                    decoded_into(val, true, &mut self.argv[n]);
                }
            }
        }
        self.argv.truncate(nargs);
    }

    /// The argv of the loaded event's EXECVE records (empty when none).
    pub fn argv(&self) -> &[Vec<u8>] {
        &self.argv
    }

    /// The value of field `name` in the first record of type `rtype` of the loaded
    /// event, decoded (quotes removed, hex decoded when `hexed`).
    pub fn value(
        &self,
        ev: &Event,
        rtype: i32,
        name: &[u8],
        hexed: bool,
        out: &mut Vec<u8>,
    ) -> bool {
        for (i, rec) in self.recs.iter().enumerate() {
            if rec.rtype != rtype {
                continue;
            }
            let Some(r) = ev.record(i) else {
                return false;
            };
            for f in &self.fields[rec.f0 as usize..rec.f1 as usize] {
                if f.kind == Kind::Pair && f.name(r.msg) == name {
                    decoded_into(f.val(r.msg), hexed, out);
                    return true;
                }
            }
            return false;
        }
        false
    }

    /// The raw value of field `name` in record `i` of the loaded event.
    pub fn value_at(&self, ev: &Event, i: usize, name: &[u8], out: &mut Vec<u8>) -> bool {
        let (Some(rec), Some(r)) = (self.recs.get(i), ev.record(i)) else {
            return false;
        };
        for f in &self.fields[rec.f0 as usize..rec.f1 as usize] {
            if f.kind == Kind::Pair && f.name(r.msg) == name {
                out.extend_from_slice(f.val(r.msg));
                return true;
            }
        }
        false
    }

    /// The decoded `name=` of each PATH record of the loaded event, by `item`
    /// order of arrival.
    pub fn path_names(&self, ev: &Event) -> Vec<Vec<u8>> {
        let mut v = Vec::new();
        for (i, rec) in self.recs.iter().enumerate() {
            if rec.rtype != PATH {
                continue;
            }
            let Some(r) = ev.record(i) else { continue };
            for f in &self.fields[rec.f0 as usize..rec.f1 as usize] {
                if f.kind == Kind::Pair && f.name(r.msg) == b"name" {
                    let mut o = Vec::new();
                    decoded_into(f.val(r.msg), true, &mut o);
                    v.push(o);
                }
            }
        }
        v
    }

    /// The facts of the loaded event's SYSCALL record, if it has one.
    pub fn syscall_facts(&self, ev: &Event) -> Option<SyscallFacts> {
        let i = self.recs.iter().position(|r| r.rtype == SYSCALL)?;
        let rec = self.recs[i];
        let r = ev.record(i)?;
        let mut f = SyscallFacts::default();
        let mut machine = None;
        let mut nr = None;
        let dec = parse_i64;
        let mut sc_once: Option<Option<&'static str>> = None;
        for fl in &self.fields[rec.f0 as usize..rec.f1 as usize] {
            if fl.kind != Kind::Pair {
                continue;
            }
            let v = fl.val(r.msg);
            match fl.name(r.msg) {
                b"arch" => {
                    machine = std::str::from_utf8(v)
                        .ok()
                        .and_then(|s| u32::from_str_radix(s, 16).ok())
                        .and_then(Machine::from_audit_arch)
                }
                b"syscall" => nr = dec(v).and_then(|n| u32::try_from(n).ok()),
                b"success" => f.success = v == b"yes",
                b"exit" => f.exit = dec(v).unwrap_or(0),
                b"a0" => {
                    f.a0 = std::str::from_utf8(v)
                        .ok()
                        .and_then(|s| u64::from_str_radix(s, 16).ok())
                        .unwrap_or(0)
                }
                b"ppid" => f.ppid = dec(v).and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
                b"pid" => f.pid = dec(v).and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
                // names are only needed by process-creating calls (no copies otherwise)
                b"exe" | b"comm" => {
                    let sc = *sc_once.get_or_insert_with(|| {
                        let m = machine.unwrap_or_else(Machine::host);
                        nr.and_then(|n| raudit_tables::syscall_name(m, n))
                    });
                    if matches!(sc, Some("execve" | "execveat" | "fork" | "vfork" | "clone")) {
                        let to = if fl.name(r.msg) == b"exe" {
                            &mut f.exe
                        } else {
                            &mut f.comm
                        };
                        decoded_into(v, true, to);
                    }
                }
                b"key" if v != b"(null)" => {
                    let mut k = Vec::new();
                    decoded_into(v, true, &mut k);
                    f.key = Some(k);
                }
                _ => {}
            }
        }
        f.syscall =
            nr.and_then(|n| raudit_tables::syscall_name(machine.unwrap_or_else(Machine::host), n));
        Some(f)
    }

    /// Loads `ev` and writes it as one JSON line (ending in `\n`).
    pub fn encode(&mut self, ev: &Event, extra: Option<&dyn SyscallExtra>, out: &mut Vec<u8>) {
        self.load(ev);
        self.write(ev, extra, out);
    }

    /// Writes the loaded event `ev` as one JSON line (ending in `\n`).
    pub fn write(&mut self, ev: &Event, extra: Option<&dyn SyscallExtra>, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"ID\":\"");
        write_id(ev.id, out);
        out.push(b'"');
        if let Some(n) = &ev.node {
            out.extend_from_slice(b",\"NODE\":");
            write::string(out, n);
        }
        let n = self.recs.len();
        self.done.clear();
        self.done.resize(n, false);
        let _ = &self.done;
        let mut extra = extra;
        let fields = std::mem::take(&mut self.fields);
        let recs = std::mem::take(&mut self.recs);
        let mut done = std::mem::take(&mut self.done);
        for i in 0..n {
            if done[i] {
                continue;
            }
            let Some(r) = ev.record(i) else { break };
            let rt = recs[i].rtype;
            let tname = type_text(r.msg);
            let same = |j: usize| -> bool {
                let o = recs[j].rtype;
                o == rt && (rt >= 0 || ev.record(j).is_some_and(|x| type_text(x.msg) == tname))
            };
            let mut count = 0;
            for j in i..n {
                if same(j) {
                    count += 1;
                }
            }
            out.push(b',');
            write::key(out, tname);
            if rt == EXECVE {
                for j in i..n {
                    if recs[j].rtype == EXECVE {
                        done[j] = true;
                    }
                }
                self.write_execve(out);
                continue;
            }
            let list = count > 1 || rt == PATH || rt == SOCKADDR;
            if list {
                out.push(b'[');
            }
            let mut first = true;
            for j in i..n {
                if done[j] || !same(j) {
                    continue;
                }
                done[j] = true;
                if !first {
                    out.push(b',');
                }
                first = false;
                let Some(rj) = ev.record(j) else { continue };
                let x = if rt == SYSCALL { extra.take() } else { None };
                let rec = recs[j];
                let fl = &fields[rec.f0 as usize..rec.f1 as usize];
                self.write_record(rj.msg, rj.interp, rec.rtype, fl, x, out);
            }
            if list {
                out.push(b']');
            }
        }
        self.recs = recs;
        self.done = done;
        self.fields = fields;
        out.extend_from_slice(b"}\n");
    }

    fn write_execve(&self, out: &mut Vec<u8>) {
        out.push(b'{');
        if let Some(a) = self.argc {
            out.extend_from_slice(b"\"argc\":");
            write::uint(out, a);
            out.push(b',');
        }
        out.extend_from_slice(b"\"ARGV\":[");
        for (k, a) in self.argv.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            write::string(out, a);
        }
        out.extend_from_slice(b"]}");
    }

    fn write_record(
        &mut self,
        msg: &[u8],
        tail: Option<&[u8]>,
        rtype: i32,
        fl: &[Field],
        extra: Option<&dyn SyscallExtra>,
        out: &mut Vec<u8>,
    ) {
        out.push(b'{');
        self.tail_cut = false;
        if rtype == PROCTITLE {
            if let Some(f) = fl
                .iter()
                .find(|f| f.kind == Kind::Pair && f.name(msg) == b"proctitle")
            {
                self.tmp.clear();
                decoded_into(f.val(msg), true, &mut self.tmp);
                out.extend_from_slice(b"\"ARGV\":[");
                let t = self.tmp.strip_suffix(b"\0").unwrap_or(&self.tmp);
                for (k, a) in t.split(|&b| b == 0).enumerate() {
                    if k > 0 {
                        out.push(b',');
                    }
                    write::string(out, a);
                }
                out.extend_from_slice(b"]}");
                return;
            }
        }
        let mut machine = None;
        let mut first = true;
        let mut words: Option<(usize, usize)> = None;
        let mut nested_left: u32 = 0;
        let mut k = 0;
        while k < fl.len() {
            let f = fl[k];
            k += 1;
            let closes = nested_left > 0 && {
                nested_left -= 1;
                nested_left == 0
            };
            match f.kind {
                Kind::Word => {
                    if words.is_none() {
                        words = Some((k - 1, k));
                    } else if let Some(w) = &mut words {
                        w.1 = k;
                    }
                }
                Kind::Nested(0) => {
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    write::key(out, f.name(msg));
                    write::string(out, f.val(msg));
                }
                Kind::Nested(m) => {
                    if !first {
                        out.push(b',');
                    }
                    write::key(out, f.name(msg));
                    out.push(b'{');
                    first = true;
                    nested_left = m;
                    continue;
                }
                Kind::Pair => {
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    // an ENRICHED tail names the record's outer fields: not those inside msg='…'
                    let tl = if nested_left > 0 || closes {
                        None
                    } else {
                        tail
                    };
                    self.write_pair(msg, tl, rtype, f, &mut machine, out);
                }
            }
            if closes {
                if let Some(w) = words.take() {
                    self.write_words(msg, w, &fl[w.0..w.1], &mut first, out);
                }
                out.push(b'}');
                first = false;
            }
        }
        if let Some(w) = words.take() {
            self.write_words(msg, w, &fl[w.0..w.1], &mut first, out);
        }
        if let Some(x) = extra {
            if first {
                // members start with ','; keep the object valid
                out.extend_from_slice(b"\"_\":null");
            }
            x.write(out);
        }
        out.push(b'}');
    }

    /// Words without `=`: SELinux AVC's `denied { perms }` become `seresult` and
    /// `seperms`; anything else is kept as `TEXT`.
    fn write_words(
        &self,
        msg: &[u8],
        _w: (usize, usize),
        ws: &[Field],
        first: &mut bool,
        out: &mut Vec<u8>,
    ) {
        let words: Vec<&[u8]> = ws
            .iter()
            .filter(|f| f.kind == Kind::Word)
            .map(|f| f.val(msg))
            .collect();
        if words.is_empty() {
            return;
        }
        if !*first {
            out.push(b',');
        }
        *first = false;
        let open = words.iter().position(|w| *w == b"{");
        let close = words.iter().position(|w| *w == b"}");
        if let (Some(o), Some(c)) = (open, close) {
            if o < c {
                let res = words[..o].iter().find(|w| **w != b"avc:" && !w.is_empty());
                if let Some(r) = res {
                    out.extend_from_slice(b"\"seresult\":");
                    write::string(out, r);
                    out.push(b',');
                }
                out.extend_from_slice(b"\"seperms\":[");
                for (i, p) in words[o + 1..c].iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write::string(out, p);
                }
                out.push(b']');
                return;
            }
        }
        out.extend_from_slice(b"\"TEXT\":\"");
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            write::string_body(out, w);
        }
        out.push(b'"');
    }

    fn write_pair(
        &mut self,
        msg: &[u8],
        tail: Option<&[u8]>,
        rtype: i32,
        f: Field,
        machine: &mut Option<Machine>,
        out: &mut Vec<u8>,
    ) {
        let name = f.name(msg);
        let raw = f.val(msg);
        let t = adjust_type(rtype, name, raw);
        write::key(out, name);
        if raw.first() == Some(&b'"') {
            let q = &raw[1..];
            write::string(out, q.strip_suffix(b"\"").unwrap_or(q));
        } else if is_escaped(t) {
            self.tmp.clear();
            if unhex_into(raw, &mut self.tmp) {
                if t == FieldType::EscapedKey && self.tmp.contains(&1) {
                    out.push(b'[');
                    for (i, k) in self.tmp.split(|&b| b == 1).enumerate() {
                        if i > 0 {
                            out.push(b',');
                        }
                        write::string(out, k);
                    }
                    out.push(b']');
                } else {
                    write::string(out, &self.tmp);
                }
            } else {
                write::string(out, raw);
            }
        } else if !is_numeric_text(t) && write::is_plain_decimal(raw) {
            out.extend_from_slice(raw);
        } else {
            write::string(out, raw);
        }
        // translations next to the raw value, as ENRICHED adds them
        match t {
            FieldType::Uid | FieldType::Gid => {
                self.tmp.clear();
                if let Some(tl) = tail {
                    if !self.tail_cut {
                        tail_tokens(tl, &mut self.tail_toks);
                        self.tail_cut = true;
                    }
                }
                if tail.is_some_and(|tl| tail_value(tl, &self.tail_toks, name, &mut self.tmp)) {
                    upper_key(out, name);
                    write::string(out, &self.tmp);
                    return;
                }
                let Some(id) = std::str::from_utf8(raw)
                    .ok()
                    .and_then(|s| s.parse::<u32>().ok())
                else {
                    return;
                };
                upper_key(out, name);
                let uid = t == FieldType::Uid;
                let cached = if uid {
                    self.users.get(&id)
                } else {
                    self.groups.get(&id)
                };
                if let Some(n) = cached {
                    write::string(out, n);
                    return;
                }
                let text: Box<[u8]> = if id == u32::MAX {
                    (*b"unset").into()
                } else if id == 0 {
                    (*b"root").into()
                } else {
                    let n = if uid {
                        self.names.user(id)
                    } else {
                        self.names.group(id)
                    };
                    match n {
                        Some(n) => n.into_bytes().into(),
                        None => format!("unknown({id})").into_bytes().into(),
                    }
                };
                write::string(out, &text);
                if uid {
                    self.users.insert(id, text);
                } else {
                    self.groups.insert(id, text);
                }
            }
            FieldType::Arch if matches!(rtype, SYSCALL | SECCOMP) || name == b"arch" => {
                let m = std::str::from_utf8(raw)
                    .ok()
                    .and_then(|s| u32::from_str_radix(s, 16).ok())
                    .and_then(Machine::from_audit_arch);
                *machine = m;
                if let Some(m) = m {
                    upper_key(out, name);
                    write::string(out, m.name().as_bytes());
                }
            }
            FieldType::Syscall => {
                let nr = std::str::from_utf8(raw)
                    .ok()
                    .and_then(|s| s.parse::<u32>().ok());
                let m = machine.unwrap_or_else(Machine::host);
                if let Some(s) = nr.and_then(|n| raudit_tables::syscall_name(m, n)) {
                    upper_key(out, name);
                    write::string(out, s.as_bytes());
                }
            }
            FieldType::Sockaddr => {
                if let Some(sa) = sockaddr::decode(raw) {
                    upper_key(out, name);
                    sockaddr::write_json(&sa, out);
                }
            }
            _ => {}
        }
    }
}

/// The type of a CWD record (exported for the process table).
pub const CWD_TYPE: i32 = CWD;

#[cfg(test)]
mod tests {
    #[test]
    fn parse_i64_is_str_parse() {
        for t in [
            "0",
            "-0",
            "+7",
            "-",
            "+",
            "",
            "12a",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "007",
        ] {
            assert_eq!(super::parse_i64(t.as_bytes()), t.parse::<i64>().ok(), "{t}");
        }
    }
}
