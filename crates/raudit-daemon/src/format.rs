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
use raudit_logfmt::normalize::{pieces, FieldType, Loc, Values};
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
    match payload.iter().position(|&b| b == 0) {
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
    for b in &mut out[start..] {
        if *b == b'\n' {
            *b = b' ';
        }
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

/// auditd's `format_enrich`: the RAW line plus the interpretation tail.
/// `names` resolves uids and gids (auditd's auparse lookups).
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
    let mut len = FORMAT_BUF_LEN.saturating_sub(mlen);
    if len <= MIN_SPACE_LEFT {
        return;
    }
    // auparse parses the line (plus a newline) as a one-record buffer.
    let line = out[start..].to_vec();
    let Ok(hdr) = parse_header(&line, 2) else {
        return;
    };
    let ev = Event::new(hdr.id, hdr.node, hdr.rtype, &line);
    let Some(mut piece) = pieces(&ev).into_iter().next() else {
        return;
    };
    let values = Values::new(names, Escape::Raw);
    let mut sep_done = 0u32;
    let mut field = 0usize;
    let mut tail: Vec<u8> = Vec::new();
    while len > MIN_SPACE_LEFT {
        let loc = Loc { rec: 0, field };
        if piece.seek(Some(loc)).is_none() {
            break;
        }
        field += 1;
        let encode = match piece.field_type(loc, &values) {
            FieldType::Uid | FieldType::Gid => true,
            FieldType::Syscall | FieldType::Arch | FieldType::Sockaddr => false,
            _ => continue,
        };
        // add_separator
        if sep_done == 0 {
            tail.push(INTERP_SEPARATOR);
            sep_done = 1;
            len -= 1;
        } else {
            sep_done += 1;
        }
        // add_simple_field
        let name: Vec<u8> = piece
            .field_name(loc)
            .unwrap_or(b"")
            .iter()
            .take(63)
            .map(u8::to_ascii_uppercase)
            .collect();
        let value = piece
            .interpret(loc, &values)
            .unwrap_or_else(|| b"?".to_vec());
        let value = message(&value);
        let mut text = Vec::with_capacity(name.len() + value.len() + 4);
        if encode {
            encode_nv(&name, value, &mut text);
        } else {
            text.extend_from_slice(&name);
            text.push(b'=');
            text.extend_from_slice(value);
        }
        let tlen = 1 + text.len() + 1;
        if tlen >= len {
            continue;
        }
        let mut used = text.len();
        if sep_done > 1 {
            tail.push(b' ');
            used += 1;
        }
        tail.extend_from_slice(&text);
        len -= used;
    }
    out.extend_from_slice(&tail);
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
