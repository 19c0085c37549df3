//! The `name=value` fields of one record's text, zero-copy.
//!
//! A record's body (after `msg=audit(…): `) is a run of space-separated tokens. A token
//! with an `=` is a field: its value runs to the next space, or is a `"…"` quoted string
//! (quotes kept in [`Field::value`]). A user-space message's `msg='…'` wrapper is
//! flattened the way auparse does: the fields inside it follow the outer ones. Tokens
//! without `=` (`avc:  denied  { read } for …`) are skipped. The ENRICHED tail
//! (after `0x1d`) is not part of the body. Never panics, whatever the bytes.
#![forbid(unsafe_code)]

use raudit_logfmt::INTERP_SEPARATOR;
use std::borrow::Cow;

/// One `name=value` field, borrowed from the record text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    /// The field name.
    pub name: &'a [u8],
    /// The raw value as written (a quoted value keeps its quotes).
    pub value: &'a [u8],
}

/// The text after the record prefix `…msg=audit(…): ` (or after the first `): ` if any),
/// up to the ENRICHED separator. A line without that prefix gives its whole text.
pub fn body(line: &[u8]) -> &[u8] {
    let line = match memchr::memchr(INTERP_SEPARATOR, line) {
        Some(i) => &line[..i],
        None => line,
    };
    // The prefix lives in the first few hundred bytes; `audit(` then `)`.
    let head = &line[..line.len().min(400)];
    if let Some(a) = memchr::memmem::find(head, b"audit(") {
        if let Some(c) = memchr::memchr(b')', &line[a..]) {
            let mut at = a + c + 1;
            if line.get(at) == Some(&b':') {
                at += 1;
            }
            while line.get(at) == Some(&b' ') {
                at += 1;
            }
            return &line[at..];
        }
    }
    line
}

/// The record type name from `type=NAME` in a line's prefix (`None` when absent).
pub fn type_name(line: &[u8]) -> Option<&[u8]> {
    let head = &line[..line.len().min(400)];
    let at = memchr::memmem::find(head, b"type=")? + 5;
    let rest = &head[at..];
    let end = memchr::memchr(b' ', rest).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Iterator over the fields of a record body (see the module docs).
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    rest: &'a [u8],
    in_msg: bool,
}

/// The fields of a record body.
pub fn fields(body: &[u8]) -> Fields<'_> {
    Fields {
        rest: body,
        in_msg: false,
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Field<'a>;

    fn next(&mut self) -> Option<Field<'a>> {
        loop {
            let s = self.rest;
            let start = s.iter().position(|&b| b != b' ')?;
            let s = &s[start..];
            if self.in_msg && s[0] == b'\'' {
                self.in_msg = false;
                self.rest = &s[1..];
                continue;
            }
            let tok_end = if self.in_msg {
                memchr::memchr2(b' ', b'\'', s).unwrap_or(s.len())
            } else {
                memchr::memchr(b' ', s).unwrap_or(s.len())
            };
            let Some(eq) = memchr::memchr(b'=', &s[..tok_end]) else {
                // not a field: skip the token
                self.rest = &s[tok_end..];
                if tok_end == 0 {
                    // a lone quote outside a message: step over it
                    self.rest = &s[1..];
                }
                continue;
            };
            let name = &s[..eq];
            let v = &s[eq + 1..];
            match v.first() {
                Some(b'"') => {
                    let end = match memchr::memchr(b'"', &v[1..]) {
                        Some(i) => i + 2,
                        None => v.len(),
                    };
                    self.rest = &v[end..];
                    return Some(Field {
                        name,
                        value: &v[..end],
                    });
                }
                Some(b'\'') if !self.in_msg && name == b"msg" => {
                    self.in_msg = true;
                    self.rest = &v[1..];
                    continue;
                }
                _ => {
                    let end = tok_end - eq - 1;
                    self.rest = &v[end..];
                    return Some(Field {
                        name,
                        value: &v[..end],
                    });
                }
            }
        }
    }
}

/// The first field called `name` in a body.
pub fn find<'a>(body: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    fields(body).find(|f| f.name == name).map(|f| f.value)
}

/// The text inside a user message's `msg='…'` (without the quotes).
pub fn user_msg(body: &[u8]) -> Option<&[u8]> {
    let at = memchr::memmem::find(body, b"msg='")? + 5;
    let rest = &body[at..];
    let end = memchr::memrchr(b'\'', rest).unwrap_or(rest.len());
    Some(&rest[..end])
}

fn hexval(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes a hex string (even length, hex digits only); `None` otherwise.
pub fn unhex(s: &[u8]) -> Option<Vec<u8>> {
    if s.is_empty() || s.len() & 1 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 2);
    for p in s.chunks_exact(2) {
        out.push((hexval(p[0])? << 4) | hexval(p[1])?);
    }
    Some(out)
}

/// A string value as the kernel logs it: `"text"` loses its quotes, a hex-encoded value
/// (the kernel's form for text with spaces, quotes or control bytes) is decoded up to its
/// first NUL, anything else (`(null)`, `?`, numbers) is returned as is.
pub fn text(v: &[u8]) -> Cow<'_, [u8]> {
    if let Some(rest) = v.strip_prefix(b"\"") {
        return Cow::Borrowed(rest.strip_suffix(b"\"").unwrap_or(rest));
    }
    match unhex(v) {
        Some(mut d) => {
            if let Some(z) = memchr::memchr(0, &d) {
                d.truncate(z);
            }
            Cow::Owned(d)
        }
        None => Cow::Borrowed(v),
    }
}

/// A decimal integer value (optionally negative); `None` when it is not one.
pub fn int(v: &[u8]) -> Option<i64> {
    let (neg, d) = match v.first() {
        Some(b'-') => (true, &v[1..]),
        _ => (false, v),
    };
    if d.is_empty() || d.len() > 19 {
        return None;
    }
    let mut n: i64 = 0;
    for &b in d {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add((b - b'0') as i64)?;
    }
    Some(if neg { -n } else { n })
}

/// A hexadecimal integer value (no prefix), as `arch=` and `a0=` are written.
pub fn hex_int(v: &[u8]) -> Option<u64> {
    if v.is_empty() || v.len() > 16 {
        return None;
    }
    let mut n: u64 = 0;
    for &b in v {
        n = (n << 4) | hexval(b)? as u64;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(line: &str) -> Vec<(String, String)> {
        fields(body(line.as_bytes()))
            .map(|f| {
                (
                    String::from_utf8_lossy(f.name).into_owned(),
                    String::from_utf8_lossy(f.value).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn syscall_fields() {
        let p = pairs(
            r#"type=SYSCALL msg=audit(1.000:2): arch=c000003e syscall=59 comm="a b" exe=2F62696E key=(null)"#,
        );
        assert_eq!(p[0], ("arch".into(), "c000003e".into()));
        assert_eq!(p[2], ("comm".into(), "\"a b\"".into()));
        assert_eq!(p[3], ("exe".into(), "2F62696E".into()));
        assert_eq!(p.len(), 5);
    }

    #[test]
    fn user_message_is_flattened() {
        let l = "type=USER_LOGIN msg=audit(1.000:2): pid=5 uid=0 msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" addr=1.2.3.4 terminal=ssh res=failed'";
        let p = pairs(l);
        let names: Vec<&str> = p.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["pid", "uid", "op", "acct", "exe", "addr", "terminal", "res"]
        );
        assert_eq!(p[7].1, "failed");
        assert_eq!(
            user_msg(body(l.as_bytes())).unwrap(),
            b"op=login acct=\"root\" exe=\"/usr/sbin/sshd\" addr=1.2.3.4 terminal=ssh res=failed"
        );
    }

    #[test]
    fn odd_tokens_and_enriched_tail() {
        let p = pairs(
            "type=AVC msg=audit(1.0:2): avc:  denied  { read } for pid=3 ' x\x1dUID=\"root\"",
        );
        assert_eq!(p, vec![("pid".into(), "3".into())]);
        assert_eq!(
            type_name(b"node=a type=UNKNOWN[1334] msg=audit(1.0:2): x=1"),
            Some(&b"UNKNOWN[1334]"[..])
        );
    }

    #[test]
    fn values() {
        assert_eq!(&*text(b"\"/bin/ls\""), b"/bin/ls");
        assert_eq!(&*text(b"2F62696E00FF"), b"/bin");
        assert_eq!(&*text(b"(null)"), b"(null)");
        assert_eq!(int(b"-115"), Some(-115));
        assert_eq!(int(b"4294967295"), Some(4294967295));
        assert_eq!(int(b"x"), None);
        assert_eq!(hex_int(b"c000003e"), Some(0xc000003e));
    }
}
