//! How auparse cuts a record into named fields, and how its feed interface splits an
//! `ausearch` event into the events it hands to the normalizer.
//!
//! auparse's field list differs from the text `ausearch -i` walks: the `msg=audit(…)`
//! token is dropped, trailing `:`/`,`/`'`/`)` are trimmed from values, keys are split
//! into one field per key, and the unlabelled words of AVC records become `seresult`
//! and `seperms` fields. Field numbers (positions in this list) are what the
//! normalizer remembers, so they must come out exactly the same.

use raudit_tables::Machine;

use crate::event::{Event, EventId};
use crate::header::msg_type_from_name;

/// AUDIT_AVC / AUDIT_USER_AVC / AUDIT_CWD / AUDIT_EOE / AUDIT_PROCTITLE / AUDIT_KERNEL.
const AVC: i32 = 1400;
const USER_AVC: i32 = 1107;
const CWD: i32 = 1307;
const EOE: i32 = 1320;
const PROCTITLE: i32 = 1327;
const KERNEL: i32 = 2000;

/// One `name=value` pair of a parsed record.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub name: Vec<u8>,
    /// None only for a malformed (undecodable) hex key, which auparse stores without value.
    pub val: Option<Vec<u8>>,
    /// The first interpretation made of this field; auparse reuses it afterwards.
    pub cache: Option<Vec<u8>>,
}

/// One record as auparse holds it.
#[derive(Debug, Clone)]
pub(crate) struct ParsedRecord {
    /// Type number from the record's own `type=` field (0 when it has none).
    pub rtype: i32,
    pub fields: Vec<Field>,
    /// The machine from `arch=` (None when absent, unknown or unreadable).
    pub machine: Option<Machine>,
    /// `syscall=` (-1 when absent or unreadable).
    pub syscall: i32,
    pub a0: u64,
    pub a1: u64,
    /// The ENRICHED tail as name → interpretation pairs (None when absent or unusable).
    pub interp: Option<Vec<(Vec<u8>, Vec<u8>)>>,
    /// `cwd=` of a CWD record.
    pub cwd: Option<Vec<u8>>,
}

/// Splits on single spaces, skipping empty pieces (libaudit's `audit_strsplit_r`).
fn words(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    s.split(|&b| b == b' ').filter(|w| !w.is_empty())
}

/// `strtoul`-like reading used for the record facts (errno → None).
fn c_ulong(s: &[u8], base: u32) -> Option<u64> {
    let r = crate::num::strtoul(s, base);
    (!r.overflow).then_some(r.value)
}

/// Encodes one key the way auparse re-encodes split keys: quoted when printable,
/// otherwise upper-case hex of the whole key.
fn encode_key(k: &[u8]) -> Vec<u8> {
    if k.iter().any(|&c| c == b'"' || !(0x21..=0x7e).contains(&c)) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut out = Vec::with_capacity(k.len() * 2);
        for &c in k {
            out.push(HEX[(c >> 4) as usize]);
            out.push(HEX[(c & 15) as usize]);
        }
        out
    } else {
        let mut out = Vec::with_capacity(k.len() + 2);
        out.push(b'"');
        out.extend_from_slice(k);
        out.push(b'"');
        out
    }
}

/// auparse's hex decoding of a value (`au_unescape`): a value in parentheses is kept
/// up to its `)`; otherwise the leading hex digits are decoded in pairs (an odd last
/// digit fills the high nibble). None when that leaves nothing sensible. The result
/// is a C string: it ends at the first NUL.
pub(crate) fn unhex(s: &[u8]) -> Option<Vec<u8>> {
    if s.first() == Some(&b'(') {
        let end = memchr::memchr(b')', s)?;
        return Some(s[..=end].to_vec());
    }
    let n = s.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if n < 2 {
        return None;
    }
    let nib = |b: u8| match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    };
    let mut out = Vec::with_capacity(n / 2 + 1);
    for pair in s[..n].chunks(2) {
        let hi = nib(pair[0]) << 4;
        let lo = pair.get(1).map_or(0, |&b| nib(b));
        out.push(hi | lo);
    }
    if let Some(z) = memchr::memchr(0, &out) {
        out.truncate(z);
    }
    Some(out)
}

/// auparse's `print_escaped`: quotes removed, a `00` prefix (abstract socket names)
/// skipped, hex decoded; anything undecodable is returned as is.
pub(crate) fn print_escaped(val: &[u8]) -> Vec<u8> {
    if let Some(rest) = val.strip_prefix(b"\"") {
        return match memchr::memchr(b'"', rest) {
            Some(i) => rest[..i].to_vec(),
            None => b" ".to_vec(),
        };
    }
    let src = val.strip_prefix(b"00").unwrap_or(val);
    unhex(src).unwrap_or_else(|| val.to_vec())
}

/// Parses the ENRICHED tail into name → interpretation pairs, names lower-cased.
fn parse_interp(tail: &[u8]) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    if let Some(rest) = tail.strip_prefix(b"SADDR=") {
        // A SOCKADDR record's tail is one braced value that may contain spaces.
        let open = memchr::memchr(b'{', rest)?;
        memchr::memchr(b'}', &rest[open..])?;
        return Some(vec![(b"saddr".to_vec(), rest[open..].to_vec())]);
    }
    let mut list = Vec::new();
    for w in words(tail) {
        let Some(eq) = memchr::memchr(b'=', w) else {
            continue;
        };
        list.push((w[..eq].to_ascii_lowercase(), w[eq + 1..].to_vec()));
    }
    (!list.is_empty()).then_some(list)
}

/// Removes one trailing `c` if present.
fn trim_one(v: &mut &[u8], c: u8) {
    if let Some((&last, rest)) = v.split_last() {
        if last == c {
            *v = rest;
        }
    }
}

/// Parses one record the way auparse does. Returns the record and whether the parse
/// "failed" (auparse then keeps what it got but skips its end-of-event checks).
pub(crate) fn parse_record(msg: &[u8], tail: Option<&[u8]>) -> (ParsedRecord, bool) {
    let mut r = ParsedRecord {
        rtype: 0,
        fields: Vec::new(),
        machine: None,
        syscall: -1,
        a0: 0,
        a1: 0,
        interp: tail.and_then(parse_interp),
        cwd: None,
    };
    let mut it = words(msg).peekable();
    if it.peek().is_none() {
        return (r, true);
    }
    let mut offset = 0usize;
    while let Some(word) = it.next() {
        let mut tok = word;
        let Some(mut eq) = memchr::memchr(b'=', tok) else {
            if r.rtype == AVC || r.rtype == USER_AVC {
                let n = r.fields.len();
                if n == 1 + offset {
                    if !tok.starts_with(b"avc") {
                        r.fields.push(Field {
                            name: b"seresult".to_vec(),
                            val: Some(tok.to_vec()),
                            cache: None,
                        });
                    }
                } else if n == 2 + offset && tok.starts_with(b"{") {
                    let mut perms: Vec<u8> = Vec::new();
                    let mut too_long = false;
                    for p in it.by_ref() {
                        if p.starts_with(b"}") {
                            break;
                        }
                        if p.len() + 1 >= 256 - perms.len() {
                            too_long = true;
                            break;
                        }
                        if !perms.is_empty() {
                            perms.push(b',');
                        }
                        perms.extend_from_slice(p);
                    }
                    if too_long {
                        return (r, true);
                    }
                    r.fields.push(Field {
                        name: b"seperms".to_vec(),
                        val: Some(perms),
                        cache: None,
                    });
                }
            }
            continue;
        };
        if tok.starts_with(b"msg=") {
            match tok.get(4) {
                Some(b'a') => continue,
                Some(b'\'') => {
                    tok = &tok[5..];
                    match memchr::memchr(b'=', tok) {
                        Some(e) => eq = e,
                        None => continue,
                    }
                }
                _ => {}
            }
        }
        let mut name = &tok[..eq];
        let mut val = &tok[eq + 1..];
        if name.first() == Some(&b'(') {
            name = &name[1..];
        }
        if val.is_empty() {
            continue;
        }
        trim_one(&mut val, b':');
        trim_one(&mut val, b',');
        trim_one(&mut val, b'\'');
        if val.last() == Some(&b')') && val != b"(none)" && val != b"(null)" {
            val = &val[..val.len() - 1];
        }
        if name == b"key" {
            if val.first() != Some(&b'(') && val.first() != Some(&b'"') {
                // Several keys hex-encoded and joined by 0x01: one field per key.
                match unhex(val) {
                    None => r.fields.push(Field {
                        name: b"key".to_vec(),
                        val: None,
                        cache: None,
                    }),
                    Some(keys) => {
                        for k in keys
                            .split(|&b| b == crate::KEY_SEPARATOR)
                            .filter(|k| !k.is_empty())
                        {
                            r.fields.push(Field {
                                name: b"key".to_vec(),
                                val: Some(encode_key(k)),
                                cache: None,
                            });
                        }
                    }
                }
                continue;
            }
            r.fields.push(Field {
                name: b"key".to_vec(),
                val: Some(val.to_vec()),
                cache: None,
            });
            if val.first() == Some(&b'"') {
                continue;
            }
        } else {
            r.fields.push(Field {
                name: name.to_vec(),
                val: Some(val.to_vec()),
                cache: None,
            });
        }
        // Facts auparse notes while parsing, by position (a node= shifts them).
        let n = r.fields.len();
        if n == 1 && name == b"node" {
            offset = 1;
        } else if n == 1 + offset && name == b"type" {
            r.rtype = msg_type_from_name(val);
        } else if (n == 2 + offset || n == 11 + offset) && name == b"arch" {
            r.machine = c_ulong(val, 16)
                .and_then(|a| u32::try_from(a).ok())
                .and_then(Machine::from_audit_arch)
                .filter(|m| m.known_to_audit());
        } else if (n == 3 + offset || n == 12 + offset) && name == b"syscall" {
            r.syscall = c_ulong(val, 10).map_or(-1, |v| v as i32);
        } else if n == 6 + offset && name == b"a0" {
            r.a0 = c_ulong(val, 16).unwrap_or(u64::MAX);
        } else if n == 7 + offset && name == b"a1" {
            r.a1 = c_ulong(val, 16).unwrap_or(u64::MAX);
        } else if r.rtype == CWD && name == b"cwd" {
            r.cwd = Some(val.to_vec());
        }
    }
    (r, false)
}

/// One event as auparse's feed interface delivers it to its callback.
#[derive(Debug, Clone)]
pub struct Piece {
    /// Time and serial.
    pub id: EventId,
    /// The node name, when the records carry a non-empty one.
    pub node: Option<Vec<u8>>,
    pub(crate) recs: Vec<ParsedRecord>,
    /// `cwd=` of the last CWD record.
    pub(crate) cwd: Option<Vec<u8>>,
}

impl Piece {
    /// Number of records.
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// The type of the first record (what auparse reports as the event's type).
    pub fn first_type(&self) -> i32 {
        self.recs.first().map_or(0, |r| r.rtype)
    }

    fn push(&mut self, r: ParsedRecord) {
        if r.cwd.is_some() {
            self.cwd.clone_from(&r.cwd);
        }
        self.recs.push(r);
    }
}

/// True when auparse considers an event complete once a record of this type was
/// added to it.
fn ends_event(t: i32) -> bool {
    t == PROCTITLE
        || t == EOE
        || !(1300..2100).contains(&t)
        || t == KERNEL
        || (1406..=1419).contains(&t)
}

/// Whether auparse's own prefix reader accepts a line. It differs from ausearch's in
/// one way that matters: a first token starting with `n` counts as a node only when it
/// is longer than 5 bytes (`node=` alone is taken as the type token, so the `msg=`
/// token is missed and the line is dropped).
fn auparse_reads_header(line: &[u8]) -> bool {
    let lim = if line.first() == Some(&b'n') { 340 } else { 80 };
    let head = &line[..line.len().min(lim)];
    let mut toks = head.split(|&b| b == b' ').filter(|t| !t.is_empty());
    let Some(first) = toks.next() else {
        return false;
    };
    if first[0] == b'n' && first.len() > 5 {
        toks.next();
    }
    let Some(msg) = toks.next() else { return false };
    if msg.len() <= 18 {
        return false;
    }
    let open = if msg[9] == b'(' {
        Some(9)
    } else {
        memchr::memchr(b'(', msg)
    };
    open.is_some()
}

/// Splits an assembled event into the events auparse's feed interface makes of its
/// records: a piece ends after a record of a type that auparse treats as closing an
/// event (PROCTITLE, EOE, single-record kinds, anomalies…); the remaining records
/// start a new piece, where a leading EOE is dropped.
pub fn pieces(ev: &Event) -> Vec<Piece> {
    let node = ev.node.as_ref().filter(|n| !n.is_empty()).cloned();
    let fresh = || Piece {
        id: ev.id,
        node: node.clone(),
        recs: Vec::new(),
        cwd: None,
    };
    let mut out = Vec::new();
    let mut cur = fresh();
    for rec in ev.records() {
        if !auparse_reads_header(rec.msg) {
            // auparse drops lines whose prefix it cannot read, before grouping.
            continue;
        }
        let (r, failed) = parse_record(rec.msg, rec.interp);
        let t = r.rtype;
        if cur.recs.is_empty() {
            if failed || t == EOE {
                continue;
            }
            cur.push(r);
        } else {
            cur.push(r);
            if failed {
                continue;
            }
        }
        if ends_event(t) {
            out.push(std::mem::replace(&mut cur, fresh()));
        }
    }
    if !cur.recs.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(r: &ParsedRecord) -> Vec<String> {
        r.fields
            .iter()
            .map(|f| {
                format!(
                    "{}={}",
                    String::from_utf8_lossy(&f.name),
                    String::from_utf8_lossy(f.val.as_deref().unwrap_or(b"<null>"))
                )
            })
            .collect()
    }

    #[test]
    fn syscall_record() {
        let (r, bad) = parse_record(
            b"node=h type=SYSCALL msg=audit(1.2:3): arch=c000003e syscall=2 success=yes exit=3 a0=7f a1=0 key=(null)",
            None,
        );
        assert!(!bad);
        assert_eq!(r.rtype, 1300);
        assert_eq!(r.machine, Some(Machine::X86_64));
        assert_eq!(r.syscall, 2);
        assert_eq!(r.a0, 0x7f);
        assert_eq!(
            names(&r),
            [
                "node=h",
                "type=SYSCALL",
                "arch=c000003e",
                "syscall=2",
                "success=yes",
                "exit=3",
                "a0=7f",
                "a1=0",
                "key=(null)"
            ]
        );
    }

    #[test]
    fn user_msg_and_keys() {
        let (r, _) = parse_record(
            b"type=USER_LOGIN msg=audit(1.2:3): pid=1 msg='op=login acct=\"bob\" res=success' key=610162",
            None,
        );
        assert_eq!(
            names(&r),
            [
                "type=USER_LOGIN",
                "pid=1",
                "op=login",
                "acct=\"bob\"",
                "res=success",
                "key=\"a\"",
                "key=\"b\""
            ]
        );
    }

    #[test]
    fn avc_words() {
        let (r, _) = parse_record(
            b"type=AVC msg=audit(1.2:3): avc:  denied  { read write } for  pid=1 comm=\"x\"",
            None,
        );
        assert_eq!(
            names(&r),
            [
                "type=AVC",
                "seresult=denied",
                "seperms=read,write",
                "pid=1",
                "comm=\"x\""
            ]
        );
    }

    #[test]
    fn enriched_tail() {
        let (r, _) = parse_record(
            b"type=SOCKADDR msg=audit(1.2:3): saddr=0200",
            Some(b"SADDR={ a b }"),
        );
        assert_eq!(r.interp.unwrap()[0].1, b"{ a b }");
        let (r, _) = parse_record(
            b"type=SYSCALL msg=audit(1.2:3): a=1",
            Some(b"ARCH=x86_64 AUID=\"root\""),
        );
        assert_eq!(
            r.interp.unwrap()[1],
            (b"auid".to_vec(), b"\"root\"".to_vec())
        );
    }
}
