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
///
/// Lines of the usual shape (`type=NAME msg=audit(DIGITS.DIGITS:DIGITS)…` inside the
/// first 80 bytes) take [`parse_fast`]; anything else, and anything the fast path is
/// not sure about, goes through the general token walk ([`parse_general`]), which is
/// the reference: both give the same answer wherever the fast one answers.
#[inline]
pub fn parse_header(line: &[u8], eoe_timeout: i64) -> Result<Header<'_>, HeaderError> {
    match parse_fast(line, eoe_timeout) {
        Some(h) => Ok(h),
        None => parse_general(line, eoe_timeout),
    }
}

/// Reads a run of at most `max` ASCII digits at `*i` as a decimal number; None when
/// the run is empty or longer than `max` (then the general path decides). Eight bytes
/// are examined at a time while eight remain (see [`swar_digits`]).
#[inline(always)]
fn digits(s: &[u8], i: &mut usize, max: usize) -> Option<u64> {
    const POW10: [u64; 9] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
    ];
    let start = *i;
    let mut v = 0u64;
    while let Some(chunk) = s.get(*i..*i + 8) {
        let (n, d) = swar_digits(chunk);
        // Wraps only on runs longer than `max`, whose value is not used.
        v = v.wrapping_mul(POW10[n]).wrapping_add(d);
        *i += n;
        if n < 8 {
            let n = *i - start;
            return (n != 0 && n <= max).then_some(v);
        }
    }
    while let Some(&b) = s.get(*i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        v = v.wrapping_mul(10).wrapping_add(d as u64);
        *i += 1;
    }
    let n = *i - start;
    (n != 0 && n <= max).then_some(v)
}

/// The leading ASCII digits of 8 bytes, as (count, value), computed on one word.
#[inline(always)]
fn swar_digits(chunk: &[u8]) -> (usize, u64) {
    let mut w = [0u8; 8];
    w.copy_from_slice(chunk);
    let x = u64::from_le_bytes(w);
    const LO: u64 = 0x0F0F_0F0F_0F0F_0F0F;
    const HI: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const ZERO: u64 = 0x3030_3030_3030_3030;
    // A byte is a digit when its high nibble is 3 and adding 6 keeps it so. A carry
    // out of a byte ≥ 0xFA only disturbs later bytes, after a non-digit already.
    let bad = ((x & HI) ^ ZERO) | ((x.wrapping_add(0x0606_0606_0606_0606) & HI) ^ ZERO);
    let n = (bad.trailing_zeros() / 8) as usize;
    if n == 0 {
        return (0, 0);
    }
    // Keep the n digits, moved to the top so the missing ones read as leading zeros,
    // then combine pairs, quads and halves (first digit in the lowest byte).
    let d = (x & LO) << (8 * (8 - n));
    let d = (d.wrapping_mul(10) + (d >> 8)) & 0x00FF_00FF_00FF_00FF;
    let d = (d.wrapping_mul(100) + (d >> 16)) & 0x0000_FFFF_0000_FFFF;
    let d = d.wrapping_mul(10_000) + (d >> 32);
    (n, d & 0xFFFF_FFFF)
}

/// The common shape, read in one forward pass: `type=NAME` + one space +
/// `msg=audit(SEC.MSEC:SERIAL)` with plain digit runs (SEC up to 18 digits, MSEC up to
/// 3 and at most 999, SERIAL up to 19), all inside the first 80 bytes, and a `msg=`
/// token longer than 18 bytes. For such lines the token walk and `strtoul` would find
/// exactly these values; any other line gets None.
#[inline]
fn parse_fast(line: &[u8], eoe_timeout: i64) -> Option<Header<'_>> {
    let (sp, id) = fast_id(line, eoe_timeout)?;
    let type_name = &line[5..sp];
    Some(Header {
        node: None,
        type_name,
        rtype: msg_type_from_name(type_name),
        id,
    })
}

/// The identity [`parse_header`] gives `line` when the line has the common shape
/// ([`parse_fast`]'s), without looking its type up; None for any other line (then
/// only [`parse_header`] knows). For skipping lines outside a time window cheaply.
///
/// `line` may hold a NUL (the C tools see a line only up to its first NUL): where
/// this answers, [`parse_header`] of the line cut at its first NUL gives the same
/// identity or [`HeaderError::NotARecord`] (a NUL in the type name, or in a short
/// `msg=` token), never a time stamp error, so skipping the line is silent either
/// way. Every byte of the stamp read here is checked to be a digit or its
/// punctuation, so a NUL cannot hide there.
#[inline]
pub fn peek_id(line: &[u8], eoe_timeout: i64) -> Option<EventId> {
    fast_id(line, eoe_timeout).map(|(_, id)| id)
}

/// [`parse_fast`]'s reading: the end of the type name and the identity.
#[inline(always)]
fn fast_id(line: &[u8], eoe_timeout: i64) -> Option<(usize, EventId)> {
    let head = &line[..line.len().min(80)];
    if !head.starts_with(b"type=") {
        return None;
    }
    // The type token: up to the first space (no space inside the first 80 bytes → no
    // msg token).
    let sp = 5 + space_at(&head[5..])?;
    let msg_at = sp + 1;
    if head.get(msg_at..msg_at + 10) != Some(&b"msg=audit("[..]) {
        return None;
    }
    let mut i = msg_at + 10;
    let (sec, milli) = match ten_digit_stamp(head, i) {
        // the common `SSSSSSSSSS.MMM:` (seconds from 2001 to 2286)
        Some(v) => {
            i += 15;
            v
        }
        None => {
            let sec = digits(head, &mut i, 18)?;
            if head.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
            let milli = digits(head, &mut i, 3)?;
            if milli > 999 || head.get(i) != Some(&b':') {
                return None;
            }
            i += 1;
            (sec, milli)
        }
    };
    let serial = digits(head, &mut i, 19)?;
    if head.get(i) != Some(&b')') {
        return None;
    }
    // The msg token runs to the next space or the end of the 80 bytes; it is longer
    // than 18 bytes anyway when the `)` is that far in.
    if i + 1 - msg_at <= 18 {
        let tok_end = head[i..]
            .iter()
            .position(|&b| b == b' ')
            .map_or(head.len(), |n| i + n);
        if tok_end - msg_at <= 18 {
            return None;
        }
    }
    let sec = sec as i64;
    if sec > i64::MAX - eoe_timeout - 1 {
        return None;
    }
    Some((
        sp,
        EventId {
            sec,
            milli: milli as u32,
            serial,
        },
    ))
}

/// The position of the first space in `s`, eight bytes at a time.
#[inline(always)]
fn space_at(s: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(x) = crate::swar::word(s, at) {
        let m = crate::swar::eq_bytes(x, b' ');
        if m != 0 {
            return Some(at + (m.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    s[at..].iter().position(|&b| b == b' ').map(|n| at + n)
}

/// Seconds and milliseconds of a stamp of the usual shape at `i`: ten digits, `.`,
/// three digits, `:`; None for any other shape (then [`digits`] decides).
#[inline(always)]
fn ten_digit_stamp(s: &[u8], i: usize) -> Option<(u64, u64)> {
    const HI: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const ZERO: u64 = 0x3030_3030_3030_3030;
    // bytes 0, 1, 3, 4, 5 of the second word are digits, byte 2 is `.`, byte 6 `:`
    const DIGITS: u64 = 0x0000_FFFF_FF00_FFFF;
    const FIXED: u64 = 0x00FF_0000_00FF_0000;
    const PUNCT: u64 = (b':' as u64) << 48 | (b'.' as u64) << 16;
    let (n, high) = swar_digits(s.get(i..i + 8)?);
    let x = crate::swar::word(s, i + 8)?;
    // as in swar_digits; `.` and `:` carry nothing when they are there
    let bad = ((x & HI) ^ ZERO) | ((x.wrapping_add(0x0606_0606_0606_0606) & HI) ^ ZERO);
    if n != 8 || bad & DIGITS != 0 || x & FIXED != PUNCT {
        return None;
    }
    let d = |k: u32| (x >> (8 * k)) & 0xF;
    Some((high * 100 + d(0) * 10 + d(1), d(3) * 100 + d(4) * 10 + d(5)))
}

/// The general reading: libaudit's token split of the first 80 (or 340) bytes and the
/// C conversions, for every line shape.
fn parse_general(line: &[u8], eoe_timeout: i64) -> Result<Header<'_>, HeaderError> {
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
    // The kernel's most frequent record types, exactly as it spells them.
    match name {
        b"SYSCALL" => return 1300,
        b"PROCTITLE" => return 1327,
        b"PATH" => return 1302,
        b"CWD" => return 1307,
        b"EXECVE" => return 1309,
        b"OBJ_PID" => return 1318,
        b"SOCKADDR" => return 1306,
        b"BPRM_FCAPS" => return 1321,
        b"EOE" => return 1320,
        _ => {}
    }
    // Logs repeat a handful of type names: remember lookups in a small direct-mapped
    // table keyed by the name packed into three words (23 bytes and the length).
    thread_local! {
        static CACHE: std::cell::RefCell<[([u64; 3], i32); 64]> =
            const { std::cell::RefCell::new([([0; 3], 0); 64]) };
    }
    if name.is_empty() || name.len() > 23 {
        return lookup_type(name);
    }
    let mut packed = [0u8; 24];
    packed[..name.len()].copy_from_slice(name);
    packed[23] = name.len() as u8;
    let word = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&packed[i * 8..i * 8 + 8]);
        u64::from_le_bytes(w)
    };
    // The length byte is never 0 here, so an empty entry never matches.
    let key = [word(0), word(1), word(2)];
    let slot = ((key[0] ^ key[1].rotate_left(21) ^ key[2].rotate_left(42))
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        >> 58) as usize;
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let e = &mut c[slot];
        if e.0 == key {
            return e.1;
        }
        let t = lookup_type(name);
        *e = (key, t);
        t
    })
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

    fn header_like() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let piece = prop::sample::select(vec![
            "type=",
            "node=",
            "msg=audit(",
            "SYSCALL",
            "UNKNOWN[1300]",
            " ",
            "  ",
            "(",
            ")",
            ".",
            ":",
            "): ",
            "0",
            "9",
            "12",
            "999",
            "1000",
            "-",
            "+",
            "x",
            "n",
            "1795319127",
            "18446744073709551615",
            "99999999999999999999",
            "123456789012345678",
        ]);
        prop::collection::vec(piece, 0..16).prop_map(|v| v.concat().into_bytes())
    }

    proptest::proptest! {
        /// The fast path answers only where it agrees with the general reading.
        #[test]
        fn fast_path_agrees_with_general(
            body in header_like(),
            sec in 0u64..u64::MAX,
            ms in 0u32..1200,
            serial in proptest::prelude::any::<u64>(),
            pad in 0usize..70,
            eoe in proptest::prop_oneof![0i64..10, proptest::prelude::Just(i64::MAX - 5)],
        ) {
            let mut shaped = format!("type=SYSCALL{} msg=audit({sec}.{ms:03}:{serial}): a", "X".repeat(pad)).into_bytes();
            // the usual ten-digit seconds, with the body's bytes over a part of it
            let mut usual = format!("type=SYSCALL{} msg=audit({}.{ms:03}:{}): a", "X".repeat(pad), 1_000_000_000 + sec % 9_000_000_000, serial % 100_000).into_bytes();
            let at = (sec as usize) % usual.len();
            let n = body.len().min(usual.len() - at);
            usual[at..at + n].copy_from_slice(&body[..n]);
            for line in [&body[..], &shaped[..], &usual[..]] {
                proptest::prop_assert_eq!(parse_header(line, eoe), parse_general(line, eoe));
            }
            shaped.extend_from_slice(&body);
            let mut prefixed = b"type=A msg=audit(".to_vec();
            prefixed.extend_from_slice(&body);
            for line in [&shaped[..], &prefixed[..]] {
                proptest::prop_assert_eq!(parse_header(line, eoe), parse_general(line, eoe));
            }
            // peek_id answers only with the identity the full reading gives
            for line in [&body[..], &shaped[..], &prefixed[..], &usual[..]] {
                if let Some(id) = peek_id(line, eoe) {
                    proptest::prop_assert_eq!(parse_general(line, eoe).map(|h| h.id), Ok(id));
                }
                // with a NUL anywhere: the line cut there reads as the same identity
                // or as no record
                let mut nul = line.to_vec();
                if !nul.is_empty() {
                    let at = pad % nul.len();
                    nul[at] = 0;
                    if let Some(id) = peek_id(&nul, eoe) {
                        match parse_header(&nul[..at], eoe) {
                            Ok(h) => proptest::prop_assert_eq!(h.id, id),
                            Err(e) => proptest::prop_assert_eq!(e, HeaderError::NotARecord),
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn ten_digit_stamps() {
        let at = |s: &str| ten_digit_stamp(s.as_bytes(), 0);
        assert_eq!(at("1700000000.005:42)"), Some((1_700_000_000, 5)));
        assert_eq!(at("9999999999.999:1"), Some((9_999_999_999, 999)));
        for other in [
            "1700000000.05:42)",
            "170000000.005:42)",
            "17000000000.005:4",
            "1700000000:005:42",
            "1700000000.005.42",
            "1700000000.0x5:42",
            "17000000/0.005:42",
            "1700000000.005:",
        ] {
            assert_eq!(at(other), None, "{other}");
        }
        let line = b"type=SYSCALL msg=audit(1700000000.005:42): arch=c000003e";
        let id = parse_fast(line, 2).map(|h| h.id);
        assert_eq!(id, parse_general(line, 2).ok().map(|h| h.id));
        assert_eq!(
            id.map(|i| (i.sec, i.milli, i.serial)),
            Some((1_700_000_000, 5, 42))
        );
    }

    #[test]
    fn swar_digits_like_a_loop() {
        for s in [
            &b"12345678"[..],
            b"1234567x",
            b"0",
            b"x1234567",
            b"00000001",
            b"99999999",
            b"12:45678",
            b"1\xff2345",
            b"\xfa\xfa\xfa\xfa\xfa\xfa\xfa\xfa",
        ] {
            let mut w = [b'z'; 8];
            w[..s.len()].copy_from_slice(s);
            let n = w.iter().take_while(|b| b.is_ascii_digit()).count();
            let v = w[..n].iter().fold(0u64, |v, &b| v * 10 + (b - b'0') as u64);
            assert_eq!(swar_digits(&w), (n, v), "{s:?}");
        }
    }

    #[test]
    fn bad_stamp() {
        assert_eq!(
            parse_header(b"type=X msg=audit(12.9999:1): a", 2),
            Err(HeaderError::BadTimestamp(b"12.9999:1".to_vec()))
        );
    }
}

#[cfg(test)]
mod fast_names {
    use super::*;

    #[test]
    fn frequent_names_agree_with_the_table() {
        for n in [
            "SYSCALL",
            "PROCTITLE",
            "PATH",
            "CWD",
            "EXECVE",
            "OBJ_PID",
            "SOCKADDR",
            "BPRM_FCAPS",
            "EOE",
        ] {
            assert_eq!(
                msg_type_from_name(n.as_bytes()),
                lookup_type(n.as_bytes()),
                "{n}"
            );
        }
    }
}
