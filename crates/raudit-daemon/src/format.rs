//! Record formatting: the RAW and ENRICHED log lines, byte-identical to
//! auditd 3.0.9 for the same kernel record.
//!
//! RAW is `[node=NAME ]type=NAME msg=TEXT` where TEXT is the kernel's payload
//! (up to its length or first NUL), newlines turned into spaces and one
//! trailing space removed, within auditd's buffer limits.
//!
//! ENRICHED appends, after a `0x1d` separator, the interpretation of every
//! uid/gid field (`AUID="alice"`, hex-encoded when the name needs it), and of
//! the syscall, arch and socket-address fields (`SYSCALL=openat`), in field
//! order, as far as auditd's fixed buffer leaves room — the parsing and the
//! interpretation are those of auparse (here [`raudit_logfmt::normalize`]).
//! Escaping is auparse's RAW mode (none).

#![forbid(unsafe_code)]

use raudit_logfmt::interpret::{Escape, NameDb};
use raudit_logfmt::normalize::{adjust_type, pieces, FieldType, Loc, Values};
use raudit_logfmt::{parse_header, Event};

/// `MAX_AUDIT_MESSAGE_LENGTH`.
pub const MAX_AUDIT_MESSAGE_LENGTH: usize = 8970;
/// auditd's format buffer: `MAX_AUDIT_MESSAGE_LENGTH + _POSIX_HOST_NAME_MAX`.
const FORMAT_BUF_LEN: usize = MAX_AUDIT_MESSAGE_LENGTH + 255;
/// auditd stops enriching when this little room is left.
const MIN_SPACE_LEFT: usize = 24;
/// The ENRICHED separator.
pub const INTERP_SEPARATOR: u8 = 0x1d;

/// Record types after which auditd's auparse flushes its user/group caches
/// (before formatting: ADD_USER, ADD_GROUP; after: USER_MGMT, DEL_USER,
/// DEL_GROUP, GRP_MGMT).
pub const FLUSH_BEFORE: [u16; 2] = [1114, 1116];
/// See [`FLUSH_BEFORE`].
pub const FLUSH_AFTER: [u16; 4] = [1102, 1115, 1117, 1132];

/// The record type's name as auditd writes it (`UNKNOWN[N]` when unknown).
pub fn type_name(rtype: u16, out: &mut Vec<u8>) {
    match raudit_tables::msg_type_name(rtype as u32) {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => {
            out.extend_from_slice(b"UNKNOWN[");
            out.extend_from_slice(rtype.to_string().as_bytes());
            out.push(b']');
        }
    }
}

/// The message text as auditd uses it: the payload up to its first NUL.
fn message(payload: &[u8]) -> &[u8] {
    match memchr::memchr(0, payload) {
        Some(z) => &payload[..z],
        None => payload,
    }
}

/// auditd's `format_raw`: appends the RAW line (without newline) to `out`.
/// `payload` is the kernel's message (`None`: auditd writes `lost`).
pub fn format_raw(rtype: u16, payload: Option<&[u8]>, node: Option<&[u8]>, out: &mut Vec<u8>) {
    let start = out.len();
    let msg: &[u8] = match payload {
        Some(p) => message(p),
        None => b"lost",
    };
    // snprintf's size limit: the text is cut at size - 1 bytes.
    let limit = match node {
        Some(n) => {
            out.extend_from_slice(b"node=");
            out.extend_from_slice(n);
            out.push(b' ');
            FORMAT_BUF_LEN - 32 - 1
        }
        None => MAX_AUDIT_MESSAGE_LENGTH - 32 - 1,
    };
    out.extend_from_slice(b"type=");
    type_name(rtype, out);
    out.extend_from_slice(b" msg=");
    out.extend_from_slice(msg);
    if node.is_some() {
        out.push(b'\n');
    }
    let full = out.len() - start;
    if full > limit {
        out.truncate(start + limit);
    }
    let mut at = start;
    while let Some(i) = memchr::memchr(b'\n', &out[at..]) {
        out[at + i] = b' ';
        at += i + 1;
    }
    // The trailing-space trim looks at the untruncated length's last byte.
    if full <= limit && out.last() == Some(&b' ') {
        out.pop();
    }
}

/// Hex encoding of untrusted values (`audit_encode_value`).
fn needs_encoding(v: &[u8]) -> bool {
    // auditd tests a signed char: bytes >= 0x80 are "< 0x21" too.
    v.iter().any(|&c| c == b'"' || !(0x21..0x7f).contains(&c))
}

fn encode_nv(name: &[u8], value: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.extend_from_slice(name);
    out.push(b'=');
    if needs_encoding(value) {
        for &c in value {
            out.push(HEX[(c >> 4) as usize]);
            out.push(HEX[(c & 15) as usize]);
        }
    } else {
        out.push(b'"');
        out.extend_from_slice(value);
        out.push(b'"');
    }
}

/// The interpretation tail under construction (auditd's `add_separator`
/// and `add_simple_field` with their room accounting).
struct Tail {
    len: usize,
    sep_done: u32,
    out: Vec<u8>,
    text: Vec<u8>,
}

impl Tail {
    /// Whether there is room to look at another field.
    fn room(&self) -> bool {
        self.len > MIN_SPACE_LEFT
    }

    /// One interpreted field (`value` cut at its first NUL here).
    fn add(&mut self, name: &[u8], value: &[u8], encode: bool) {
        if self.sep_done == 0 {
            self.out.push(INTERP_SEPARATOR);
            self.sep_done = 1;
            self.len -= 1;
        } else {
            self.sep_done += 1;
        }
        let value = message(value);
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        let name = &name[..name.len().min(63)];
        if encode {
            encode_nv(name, value, &mut text);
        } else {
            text.extend_from_slice(name);
            text.push(b'=');
            text.extend_from_slice(value);
        }
        // The name is upper-cased (ASCII), as auditd does.
        text[..name.len()].make_ascii_uppercase();
        let tlen = 1 + text.len() + 1;
        if tlen < self.len {
            let mut used = text.len();
            if self.sep_done > 1 {
                self.out.push(b' ');
                used += 1;
            }
            self.out.extend_from_slice(&text);
            self.len -= used;
        }
        self.text = text;
    }
}

/// Whether auditd enriches a field of this type, and whether it hex-encodes it.
fn enriched_kind(t: FieldType) -> Option<bool> {
    match t {
        FieldType::Uid | FieldType::Gid => Some(true),
        FieldType::Syscall | FieldType::Arch | FieldType::Sockaddr => Some(false),
        _ => None,
    }
}

/// auditd's `format_enrich`: the RAW line plus the interpretation tail.
/// `names` resolves uids and gids (auditd's auparse lookups).
///
/// Plain kernel records (space-separated `name=value` fields, no quotes
/// or nested `msg='…'`) are read in place ([`fast_tail`]); anything else
/// goes through the normalizer's full auparse-compatible parse.
pub fn format_enriched(
    rtype: u16,
    payload: Option<&[u8]>,
    node: Option<&[u8]>,
    names: &dyn NameDb,
    out: &mut Vec<u8>,
) {
    let start = out.len();
    format_raw(rtype, payload, node, out);
    let mlen = out.len() - start;
    let len = FORMAT_BUF_LEN.saturating_sub(mlen);
    if len <= MIN_SPACE_LEFT {
        return;
    }
    let mut tail = Tail {
        len,
        sep_done: 0,
        out: Vec::new(),
        text: Vec::new(),
    };
    if node.is_some() || !fast_tail(rtype, &out[start..], names, &mut tail) {
        tail.len = len;
        tail.sep_done = 0;
        tail.out.clear();
        slow_tail(&out[start..], names, &mut tail);
    }
    out.extend_from_slice(&tail.out);
}

/// The tail through the normalizer (auparse's parse, every quirk).
fn slow_tail(line: &[u8], names: &dyn NameDb, tail: &mut Tail) {
    // auparse parses the line (plus a newline) as a one-record buffer.
    let line = line.to_vec();
    let Ok(hdr) = parse_header(&line, 2) else {
        return;
    };
    let ev = Event::new(hdr.id, hdr.node, hdr.rtype, &line);
    let Some(mut piece) = pieces(&ev).into_iter().next() else {
        return;
    };
    let values = Values::new(names, Escape::Raw);
    let mut field = 0usize;
    while tail.room() {
        let loc = Loc { rec: 0, field };
        if piece.seek(Some(loc)).is_none() {
            break;
        }
        field += 1;
        let Some(encode) = enriched_kind(piece.field_type(loc, &values)) else {
            continue;
        };
        let name = piece.field_name(loc).unwrap_or(b"").to_vec();
        let value = piece
            .interpret(loc, &values)
            .unwrap_or_else(|| b"?".to_vec());
        tail.add(&name, &value, encode);
    }
}

/// The tail of a plain kernel record read in place: `type=NAME
/// msg=audit(SEC.MS:SERIAL): ` then space-separated `name=value` fields.
/// Returns false (nothing added) when the record has anything the full
/// parse treats specially — a nested `msg=`, quotes, a value auparse trims,
/// a hex-encoded key, an unknown type, a zero time — so the result is the
/// full parse's, byte for byte (checked in the tests and against auditd).
fn fast_tail(rtype: u16, line: &[u8], names: &dyn NameDb, tail: &mut Tail) -> bool {
    const EOE: u16 = 1320;
    if rtype == EOE {
        // auparse drops a leading EOE: no event, no tail.
        return true;
    }
    let Some(tname) = raudit_tables::msg_type_name(rtype as u32) else {
        return false;
    };
    if memchr::memchr2(b'\'', INTERP_SEPARATOR, line).is_some() {
        return false;
    }
    let Some(rest) = line
        .strip_prefix(b"type=")
        .and_then(|r| r.strip_prefix(tname.as_bytes()))
        .and_then(|r| r.strip_prefix(b" msg=audit("))
    else {
        return false;
    };
    // SEC.MS:SERIAL):
    let digits = |s: &[u8]| s.iter().take_while(|b| b.is_ascii_digit()).count();
    let ns = digits(rest);
    if ns == 0 || rest[..ns].iter().all(|&b| b == b'0') || rest.get(ns) != Some(&b'.') {
        return false;
    }
    let r2 = &rest[ns + 1..];
    let nm = digits(r2);
    if nm == 0 || r2.get(nm) != Some(&b':') {
        return false;
    }
    let r3 = &r2[nm + 1..];
    let nn = digits(r3);
    if nn == 0 || !r3[nn..].starts_with(b"):") {
        return false;
    }
    // auparse's prefix check: the msg token is longer than 18 bytes.
    if "msg=audit(".len() + ns + 1 + nm + 1 + nn + 2 <= 18 {
        return false;
    }
    let body = &r3[nn + 2..];
    if !body.is_empty() && body[0] != b' ' {
        return false;
    }
    // Pass 1: check every field, note arch/syscall/a0/a1 where auparse
    // notes them (by field position; the type is field 0).
    let mut machine = None;
    let mut syscall: i32 = -1;
    let (mut a0, mut a1) = (0u64, 0u64);
    let words = || body.split(|&b| b == b' ').filter(|w| !w.is_empty());
    for (i, tok) in words().enumerate() {
        let idx = i + 1;
        let Some(eq) = memchr::memchr(b'=', tok) else {
            return false;
        };
        let (name, val) = (&tok[..eq], &tok[eq + 1..]);
        if name.is_empty() || name[0] == b'(' || val.is_empty() || name == b"msg" {
            return false;
        }
        match val[val.len() - 1] {
            b':' | b',' | b'\'' => return false,
            b')' if val != b"(none)" && val != b"(null)" => return false,
            _ => {}
        }
        if name == b"key" && val[0] != b'(' && val[0] != b'"' {
            return false;
        }
        let ulong = |base| {
            let r = raudit_logfmt::num::strtoul(val, base);
            (!r.overflow).then_some(r.value)
        };
        match (idx, name) {
            (1 | 10, b"arch") => {
                machine = ulong(16)
                    .and_then(|a| u32::try_from(a).ok())
                    .and_then(raudit_tables::Machine::from_audit_arch)
                    .filter(|m| m.known_to_audit());
            }
            (2 | 11, b"syscall") => syscall = ulong(10).map_or(-1, |v| v as i32),
            (5, b"a0") => a0 = ulong(16).unwrap_or(u64::MAX),
            (6, b"a1") => a1 = ulong(16).unwrap_or(u64::MAX),
            _ => {}
        }
    }
    // Pass 2: the tail, field 0 (`type=`) first.
    let rt = rtype as i32;
    let ctx = raudit_logfmt::interpret::Ctx {
        rtype: rtype as u32,
        machine,
        syscall: u32::try_from(syscall).ok(),
        a0,
        a1,
        enriched: None,
    };
    let mut value = Vec::new();
    let fields = std::iter::once((&b"type"[..], tname.as_bytes())).chain(words().map(|t| {
        let eq = memchr::memchr(b'=', t).unwrap_or(0);
        (&t[..eq], &t[eq + 1..])
    }));
    for (name, val) in fields {
        if !tail.room() {
            break;
        }
        let Some(encode) = enriched_kind(adjust_type(rt, name, val)) else {
            continue;
        };
        value.clear();
        raudit_logfmt::interpret::interpret_field(&ctx, name, val, names, Escape::Raw, &mut value);
        tail.add(name, &value, encode);
    }
    true
}

/// auditd's `replace_event_msg`: a line of `MAX_AUDIT_MESSAGE_LENGTH - 1`
/// bytes or more is cut to that length.
pub fn clamp_line(out: &mut Vec<u8>, start: usize) {
    if out.len() - start >= MAX_AUDIT_MESSAGE_LENGTH - 1 {
        out.truncate(start + MAX_AUDIT_MESSAGE_LENGTH - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raudit_logfmt::interpret::NoNames;

    struct Names;
    impl NameDb for Names {
        fn user(&self, uid: u32) -> Option<String> {
            match uid {
                0 => Some("root".into()),
                1000 => Some("al ice".into()),
                _ => None,
            }
        }
        fn group(&self, gid: u32) -> Option<String> {
            (gid == 0).then(|| "root".into())
        }
    }

    fn raw(t: u16, p: &[u8], node: Option<&[u8]>) -> Vec<u8> {
        let mut v = Vec::new();
        format_raw(t, Some(p), node, &mut v);
        v
    }

    #[test]
    fn raw_lines() {
        assert_eq!(
            raw(1300, b"audit(1.002:3): arch=c000003e syscall=2", None),
            b"type=SYSCALL msg=audit(1.002:3): arch=c000003e syscall=2"
        );
        // Newlines become spaces, one trailing space goes, the text stops at NUL.
        assert_eq!(
            raw(1305, b"audit(1.002:3): a\nb \0junk", None),
            b"type=CONFIG_CHANGE msg=audit(1.002:3): a b"
        );
        assert_eq!(raw(1305, b"x  ", None), b"type=CONFIG_CHANGE msg=x ");
        assert_eq!(raw(9999, b"x", None), b"type=UNKNOWN[9999] msg=x");
        assert_eq!(
            raw(1300, b"x ", Some(b"h1")),
            b"node=h1 type=SYSCALL msg=x "
        );
        let mut v = Vec::new();
        format_raw(1300, None, None, &mut v);
        assert_eq!(v, b"type=SYSCALL msg=lost");
    }

    #[test]
    fn raw_truncation() {
        let long = vec![b'a'; 9000];
        let v = raw(1300, &long, None);
        assert_eq!(v.len(), MAX_AUDIT_MESSAGE_LENGTH - 33);
        let v = raw(1300, &long, Some(b"n"));
        assert_eq!(v.len(), "node=n type=SYSCALL msg=".len() + 9000);
        let mut v2 = v.clone();
        clamp_line(&mut v2, 0);
        assert_eq!(v2.len(), MAX_AUDIT_MESSAGE_LENGTH - 1);
    }

    fn enriched(t: u16, p: &str) -> String {
        let mut v = Vec::new();
        format_enriched(t, Some(p.as_bytes()), None, &Names, &mut v);
        String::from_utf8_lossy(&v).replace('\x1d', "|")
    }

    #[test]
    fn enriched_tail() {
        assert_eq!(
            enriched(1300, "audit(1700000000.123:42): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffd a2=0 a3=0 items=1 ppid=1 pid=2 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=5 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"cat\" exe=\"/usr/bin/cat\" key=(null)"),
            "type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffd a2=0 a3=0 items=1 ppid=1 pid=2 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=5 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"cat\" exe=\"/usr/bin/cat\" key=(null)|ARCH=x86_64 SYSCALL=openat AUID=616C20696365 UID=\"root\" GID=\"root\" EUID=\"root\" SUID=\"root\" FSUID=\"root\" EGID=\"unknown(5)\" SGID=\"root\" FSGID=\"root\""
        );
        // No interpreted field: no separator.
        assert_eq!(
            enriched(1327, "audit(1700000000.123:42): proctitle=636174"),
            "type=PROCTITLE msg=audit(1700000000.123:42): proctitle=636174"
        );
        assert_eq!(
            enriched(1306, "audit(1700000000.123:42): saddr=020000507F0000010000000000000000"),
            "type=SOCKADDR msg=audit(1700000000.123:42): saddr=020000507F0000010000000000000000|SADDR={ saddr_fam=inet laddr=127.0.0.1 lport=80 }"
        );
    }

    #[test]
    fn enriched_without_names_and_unset() {
        let mut v = Vec::new();
        format_enriched(
            1100,
            Some(b"audit(1700000000.123:42): pid=1 uid=0 auid=4294967295 ses=1 msg='op=x acct=\"a\" res=success'"),
            None,
            &NoNames,
            &mut v,
        );
        let s = String::from_utf8_lossy(&v).replace('\x1d', "|");
        assert!(s.ends_with("|UID=\"root\" AUID=\"unset\""), "{s}");
    }
}

#[cfg(test)]
mod fast_tests {
    use super::*;

    /// The fast path's tail, or None when it declines.
    fn fast(t: u16, p: &[u8], names: &dyn NameDb) -> Option<Vec<u8>> {
        let mut line = Vec::new();
        format_raw(t, Some(p), None, &mut line);
        let mut tail = Tail {
            len: FORMAT_BUF_LEN - line.len(),
            sep_done: 0,
            out: Vec::new(),
            text: Vec::new(),
        };
        fast_tail(t, &line, names, &mut tail).then_some(tail.out)
    }

    fn slow(t: u16, p: &[u8], names: &dyn NameDb) -> Vec<u8> {
        let mut line = Vec::new();
        format_raw(t, Some(p), None, &mut line);
        let mut tail = Tail {
            len: FORMAT_BUF_LEN - line.len(),
            sep_done: 0,
            out: Vec::new(),
            text: Vec::new(),
        };
        slow_tail(&line, names, &mut tail);
        tail.out
    }

    /// Asserts the fast path, when it accepts a record, equals the full
    /// parse; returns whether it accepted.
    pub(crate) fn same(t: u16, p: &[u8], names: &dyn NameDb) -> bool {
        match fast(t, p, names) {
            Some(f) => {
                assert_eq!(
                    String::from_utf8_lossy(&f),
                    String::from_utf8_lossy(&slow(t, p, names)),
                    "type {t}: {}",
                    String::from_utf8_lossy(p)
                );
                true
            }
            None => false,
        }
    }

    #[test]
    fn fast_path_equals_the_full_parse() {
        let names = raudit_logfmt::interpret::NoNames;
        let accepted = [
            (1300, "audit(1700000000.123:42): arch=c000003e syscall=59 success=yes exit=0 a0=55d1 a1=55d2 a2=55d3 a3=0 items=2 ppid=1 pid=2 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=3 comm=\"true\" exe=\"/usr/bin/true\" key=\"exec\""),
            (1300, "audit(1700000000.123:42): arch=c000003e syscall=42 success=no exit=-111 a0=3 a1=7ffd a2=10 a3=0 items=0 ppid=1 pid=2 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=4294967295 comm=\"w\" exe=\"/w\" key=(null)"),
            (1300, "audit(1700000000.123:42): arch=40000003 syscall=105 success=yes exit=0 a0=3e8 a1=0 a2=0 a3=0 items=0 ppid=1 pid=2 auid=1 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"x\" exe=\"/x\" key=(null)"),
            (1302, "audit(1700000000.123:42): item=0 name=\"/usr/bin/true\" inode=1 dev=fd:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0"),
            (1306, "audit(1700000000.123:42): saddr=020000097F0000010000000000000000"),
            (1306, "audit(1700000000.123:42): saddr=0A000050000000000000000000000000000000000000000100000000"),
            (1307, "audit(1700000000.123:42): cwd=\"/root\""),
            (1309, "audit(1700000000.123:42): argc=1 a0=\"true\""),
            (1327, "audit(1700000000.123:42): proctitle=2F62696E2F74727565"),
            (1305, "audit(1700000000.123:42): auid=4294967295 ses=4294967295 op=add_rule key=\"net\" list=4 res=1"),
            (1305, "audit(1700000000.123:42): op=set audit_enabled=1 old=0 auid=4294967295 ses=4294967295 res=1"),
            (1320, "audit(1700000000.123:42): "),
            (1300, "audit(1700000000.123:42): arch=ffffffff syscall=99999999999 success=yes exit=0 a0=zz a1=0 items=0 id=5 new_gid=7"),
        ];
        for (t, p) in accepted {
            assert!(same(t, p.as_bytes(), &names), "declined: {p}");
        }
        let declined = [
            (1100, "audit(1700000000.123:42): pid=1 uid=0 auid=0 ses=1 msg='op=PAM:x acct=\"root\" res=success'"),
            (1305, "audit(1700000000.123:42): op=add_rule key=6E6574016E6574 list=4 res=1"),
            (1300, "audit(0.000:42): arch=c000003e syscall=59"),
            (1300, "audit(1700000000.123:42): arch=c000003e syscall=59 exit=3,"),
            (1300, "audit(1700000000.123:42): arch=c000003e syscall=59 avc"),
            (9999, "audit(1700000000.123:42): uid=0"),
        ];
        for (t, p) in declined {
            assert!(!same(t, p.as_bytes(), &names), "accepted: {p}");
        }
    }
}

#[cfg(test)]
mod corpus_check {
    /// Every record of every log under `$RAUDIT_CORPUS_DIR` (RAW or
    /// ENRICHED lines; the raw part is used): the fast ENRICHED path equals
    /// the full parse wherever it accepts a record. Run by hand:
    /// `RAUDIT_CORPUS_DIR=../shared/corpus cargo test -p raudit-daemon -- --ignored`.
    #[test]
    #[ignore]
    fn fast_path_over_a_corpus() {
        let Some(dir) = std::env::var_os("RAUDIT_CORPUS_DIR") else {
            eprintln!("SKIP fast_path_over_a_corpus: RAUDIT_CORPUS_DIR not set");
            return;
        };
        let names = crate::names::SystemNames::default();
        let (mut seen, mut fast) = (0u64, 0u64);
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p).into_iter().flatten().flatten() {
                    stack.push(e.path());
                }
                continue;
            }
            let Ok(text) = std::fs::read(&p) else {
                continue;
            };
            for line in text.split(|&b| b == b'\n') {
                let line = match memchr::memchr(super::INTERP_SEPARATOR, line) {
                    Some(z) => &line[..z],
                    None => line,
                };
                let Some(rest) = line.strip_prefix(b"type=") else {
                    continue;
                };
                let Some(sp) = memchr::memchr(b' ', rest) else {
                    continue;
                };
                let Some(t) = std::str::from_utf8(&rest[..sp])
                    .ok()
                    .and_then(raudit_tables::msg_type_number)
                else {
                    continue;
                };
                let Some(payload) = rest[sp + 1..].strip_prefix(b"msg=") else {
                    continue;
                };
                seen += 1;
                if super::fast_tests::same(t as u16, payload, &names) {
                    fast += 1;
                }
            }
        }
        eprintln!("{seen} records, {fast} through the fast path, all equal");
        assert!(seen > 0);
    }
}
