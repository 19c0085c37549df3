//! The record prefix: `[node=NAME ]type=NAME msg=audit(SEC.MSEC:SERIAL): …`.
//!
//! [`parse_header`] reads it exactly as `ausearch`/`aureport` 3.0.9 do: only the first
//! 80 bytes of a line (340 when it starts with `n`, for a node name) are looked at, the
//! first three space-separated tokens are taken as node (optional), type and `msg=`,
//! and the time stamp is converted with C's `strtoul` rules. Lines that do not have that
//! shape are not records ([`HeaderError::NotARecord`]); a bad time stamp is reported
//! with the text the C tools print ([`HeaderError::BadTimestamp`]).

use crate::event::EventId;
use crate::num::strtoul;

/// The parsed prefix of one record line. Borrows the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<'a> {
    /// `node=` value when the line starts with a node token.
    pub node: Option<&'a [u8]>,
    /// The type token after `type=` (e.g. `SYSCALL`, `UNKNOWN[1334]`).
    pub type_name: &'a [u8],
    /// The record type number, or -1 when the name is not known (as libaudit returns).
    pub rtype: i32,
    /// Event identity (time and serial) from `msg=audit(…)`.
    pub id: EventId,
}

/// Why a line is not usable as a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// The line does not have the `type=… msg=audit(…)` shape; the C tools skip it silently.
    #[error("not an audit record")]
    NotARecord,
    /// The time stamp could not be converted; the C tools print
    /// `Error extracting time stamp (TEXT)` on stderr for it.
    #[error("Error extracting time stamp ({})", String::from_utf8_lossy(.0))]
    BadTimestamp(Vec<u8>),
}

/// Splits like libaudit's `audit_strsplit`: tokens separated by one or more spaces.
struct Tokens<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        // Tokens live in the first 80 (or 340) bytes: a plain loop beats memchr calls.
        let s = self.rest?;
        let start = s.iter().position(|&b| b != b' ').unwrap_or(s.len());
        let s = &s[start..];
        match s.iter().position(|&b| b == b' ') {
            Some(i) => {
                self.rest = Some(&s[i + 1..]);
                Some(&s[..i])
            }
            None => {
                self.rest = None;
                (!s.is_empty()).then_some(s)
            }
        }
    }
}

fn after(tok: &[u8], n: usize) -> &[u8] {
    tok.get(n..).unwrap_or(&[])
}

/// Parses a record line's prefix. `eoe_timeout` is needed because the C tools refuse
/// seconds values so large that adding the timeout would overflow.
pub fn parse_header(line: &[u8], eoe_timeout: i64) -> Result<Header<'_>, HeaderError> {
    let lim = if line.first() == Some(&b'n') { 340 } else { 80 };
    let head = &line[..line.len().min(lim)];
    let mut toks = Tokens { rest: Some(head) };
    let mut tok = toks.next().ok_or(HeaderError::NotARecord)?;
    let mut node = None;
    if tok[0] == b'n' {
        node = Some(after(tok, 5));
        tok = toks.next().ok_or(HeaderError::NotARecord)?;
    }
    let type_name = after(tok, 5);
    let msg = toks.next().ok_or(HeaderError::NotARecord)?;
    if msg.len() <= 18 {
        return Err(HeaderError::NotARecord);
    }
    let open = if msg[9] == b'(' {
        9
    } else {
        memchr::memchr(b'(', msg).ok_or(HeaderError::NotARecord)?
    };
    let mut ts = &msg[open + 1..];
    if let Some(close) = memchr::memchr(b')', ts) {
        ts = &ts[..close];
    }
    let id = parse_stamp(ts, eoe_timeout).ok_or_else(|| HeaderError::BadTimestamp(ts.to_vec()))?;
    Ok(Header {
        node,
        type_name,
        rtype: msg_type_from_name(type_name),
        id,
    })
}

/// `SEC[.MSEC][:SERIAL]` with the C tools' checks.
fn parse_stamp(ts: &[u8], eoe_timeout: i64) -> Option<EventId> {
    let sec = strtoul(ts, 10);
    if sec.overflow {
        return None;
    }
    let sec_v = sec.value as i64;
    if sec_v > i64::MAX - eoe_timeout - 1 {
        return None;
    }
    let mut s = ts;
    let mut milli = 0u32;
    if let Some(dot) = memchr::memchr(b'.', s) {
        let m = strtoul(&s[dot + 1..], 10);
        milli = m.value as u32;
        if m.overflow || milli > 999 {
            return None;
        }
        s = &s[dot + 1..];
    }
    let mut serial = 0u64;
    if let Some(colon) = memchr::memchr(b':', s) {
        let n = strtoul(&s[colon + 1..], 10);
        if n.overflow {
            return None;
        }
        serial = n.value;
    }
    Some(EventId {
        sec: sec_v,
        milli,
        serial,
    })
}

/// Record type number for a type name as libaudit's `audit_name_to_msg_type` resolves it:
/// the name table (case-insensitive), then `UNKNOWN[n]`, then a bare number; else -1.
pub fn msg_type_from_name(name: &[u8]) -> i32 {
    // Logs repeat a handful of type names: remember the last few lookups.
    thread_local! {
        static CACHE: std::cell::RefCell<[(u8, [u8; 23], i32); 8]> =
            const { std::cell::RefCell::new([(0, [0; 23], 0); 8]) };
        static NEXT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }
    if name.is_empty() || name.len() > 23 {
        return lookup_type(name);
    }
    let hit = CACHE.with(|c| {
        c.borrow()
            .iter()
            .find(|e| e.0 as usize == name.len() && &e.1[..name.len()] == name)
            .map(|e| e.2)
    });
    if let Some(t) = hit {
        return t;
    }
    let t = lookup_type(name);
    CACHE.with(|c| {
        let i = NEXT.with(|n| {
            let i = n.get();
            n.set((i + 1) % 8);
            i
        });
        let mut e = (name.len() as u8, [0u8; 23], t);
        e.1[..name.len()].copy_from_slice(name);
        c.borrow_mut()[i] = e;
    });
    t
}

fn lookup_type(name: &[u8]) -> i32 {
    if let Some(n) = std::str::from_utf8(name)
        .ok()
        .and_then(raudit_tables::msg_type_number)
    {
        return n as i32;
    }
    if let Some(rest) = name.strip_prefix(b"UNKNOWN[") {
        let Some(end) = memchr::memchr(b']', rest) else {
            return -1;
        };
        let digits = &rest[..end.min(7)];
        return crate::num::strtol(digits, 10).value as i32;
    }
    if name.first().is_some_and(u8::is_ascii_digit) {
        return crate::num::strtol(name, 10).value as i32;
    }
    -1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_record() {
        let h = parse_header(
            b"type=SYSCALL msg=audit(1604994496.155:92733): arch=c000003e",
            2,
        )
        .unwrap();
        assert_eq!(h.node, None);
        assert_eq!(h.type_name, b"SYSCALL");
        assert_eq!(h.rtype, 1300);
        assert_eq!(
            h.id,
            EventId {
                sec: 1604994496,
                milli: 155,
                serial: 92733
            }
        );
    }

    #[test]
    fn node_and_unknown() {
        let h = parse_header(b"node=web1 type=UNKNOWN[1999] msg=audit(1.002:3): x=1", 2).unwrap();
        assert_eq!(h.node, Some(&b"web1"[..]));
        assert_eq!(h.rtype, 1999);
        assert_eq!(
            h.id,
            EventId {
                sec: 1,
                milli: 2,
                serial: 3
            }
        );
    }

    #[test]
    fn not_records() {
        assert_eq!(parse_header(b"", 2), Err(HeaderError::NotARecord));
        assert_eq!(parse_header(b"garbage", 2), Err(HeaderError::NotARecord));
        assert_eq!(
            parse_header(b"type=X msg=short", 2),
            Err(HeaderError::NotARecord)
        );
        assert_eq!(parse_header(b"n", 2), Err(HeaderError::NotARecord));
    }

    #[test]
    fn bad_stamp() {
        assert_eq!(
            parse_header(b"type=X msg=audit(12.9999:1): a", 2),
            Err(HeaderError::BadTimestamp(b"12.9999:1".to_vec()))
        );
    }
}
