//! The JSON string writer: bytes in, a JSON string literal out, reversibly.
//!
//! Valid UTF-8 is copied as it is (JSON's own escapes for `"`, `\` and control
//! characters). Bytes that are not part of a valid UTF-8 sequence are written as
//! `%XX` (upper-case hex), and so is `%` itself (`%25`), so [`unescape_pct`] gives
//! the original bytes back from the decoded JSON string.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// 0: copy; 1: needs attention (`"`, `\`, `%`, controls, non-ASCII).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        if i < 0x20 || i >= 0x80 || i == b'"' as usize || i == b'\\' as usize || i == b'%' as usize
        {
            t[i] = 1;
        }
        i += 1;
    }
    t
};

/// Writes `s` as a JSON string literal (with the quotes).
#[inline]
pub fn string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    string_body(out, s);
    out.push(b'"');
}

/// The index of the first byte of `s[i..]` that needs attention (or `s.len()`).
#[inline]
fn plain_until(s: &[u8], mut i: usize) -> usize {
    // eight plain bytes at a time
    while let Some(c) = s.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        if needs_attention(u64::from_le_bytes(w)) {
            break;
        }
        i += 8;
    }
    match s[i..].iter().position(|&b| CLASS[b as usize] != 0) {
        Some(p) => i + p,
        None => s.len(),
    }
}

/// Writes the inside of a JSON string literal for `s` (no quotes).
#[inline]
pub fn string_body(out: &mut Vec<u8>, s: &[u8]) {
    let i = plain_until(s, 0);
    if i == s.len() {
        out.extend_from_slice(s);
    } else {
        escaped_from(out, s, i);
    }
}

/// [`string_body`] for a string whose byte `i` is the first needing attention
/// (out of line: most strings are plain).
#[inline(never)]
fn escaped_from(out: &mut Vec<u8>, s: &[u8], mut i: usize) {
    let mut run = 0;
    while i < s.len() {
        let b = s[i];
        out.extend_from_slice(&s[run..i]);
        if b >= 0x80 {
            let w = utf8_len(&s[i..]);
            if w > 0 {
                out.extend_from_slice(&s[i..i + w]);
                i += w;
            } else {
                pct(out, b);
                i += 1;
            }
        } else {
            match b {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'%' => out.extend_from_slice(b"%25"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\r' => out.extend_from_slice(b"\\r"),
                _ => {
                    out.extend_from_slice(b"\\u00");
                    out.push(HEX[(b >> 4) as usize]);
                    out.push(HEX[(b & 15) as usize]);
                }
            }
            i += 1;
        }
        run = i;
        i = plain_until(s, i);
    }
    out.extend_from_slice(&s[run..]);
}

/// True when some byte of `x` is a control, non-ASCII, `"`, `\\` or `%`.
fn needs_attention(x: u64) -> bool {
    use raudit_logfmt::swar::{eq_bytes, HI, LO};
    let ctl = x.wrapping_sub(LO * 0x20) & !x & HI;
    (x & HI) != 0
        || ctl != 0
        || eq_bytes(x, b'"') != 0
        || eq_bytes(x, b'\\') != 0
        || eq_bytes(x, b'%') != 0
}

fn pct(out: &mut Vec<u8>, b: u8) {
    out.push(b'%');
    out.push(HEX[(b >> 4) as usize]);
    out.push(HEX[(b & 15) as usize]);
}

/// Length of the valid UTF-8 sequence starting `s` (whose first byte is ≥ 0x80),
/// or 0 when it is not one.
fn utf8_len(s: &[u8]) -> usize {
    let w = match s[0] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return 0,
    };
    match s.get(..w) {
        Some(seq) if std::str::from_utf8(seq).is_ok() => w,
        _ => 0,
    }
}

/// The bytes a string written by [`string`] stood for: `%XX` turned back into
/// the byte (JSON escapes are the JSON parser's business).
pub fn unescape_pct(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let h = |c: u8| (c as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (h(b[i + 1]), h(b[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// Writes a JSON key (`"name":`); keys are field names, escaped like strings.
#[inline]
pub fn key(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'"');
    string_body(out, name);
    out.extend_from_slice(b"\":");
}

/// Appends the decimal text of `n`.
pub fn uint(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// True when `v` is a plain decimal (`0`, or `-`? and digits without a leading
/// zero) that fits a 64-bit integer: such values are written as JSON numbers.
pub fn is_plain_decimal(v: &[u8]) -> bool {
    let (neg, d) = match v.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, v),
    };
    match d.first() {
        None => return false,
        Some(b'0') => return d.len() == 1 && !neg,
        Some(_) => {}
    }
    if d.len() > 20 {
        return false;
    }
    let mut n: u64 = 0;
    if d.len() < 20 {
        // at most 19 digits: no overflow
        for &c in d {
            let x = c.wrapping_sub(b'0');
            if x > 9 {
                return false;
            }
            n = n * 10 + u64::from(x);
        }
    } else {
        for &c in d {
            let x = c.wrapping_sub(b'0');
            if x > 9 {
                return false;
            }
            match n.checked_mul(10).and_then(|n| n.checked_add(u64::from(x))) {
                Some(m) => n = m,
                None => return false,
            }
        }
    }
    !neg || n <= 1u64 << 63
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(s: &[u8]) -> String {
        let mut o = Vec::new();
        string(&mut o, s);
        String::from_utf8(o).unwrap()
    }

    #[test]
    fn escapes() {
        assert_eq!(js(b"a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(js(b"100%"), r#""100%25""#);
        assert_eq!(js(b"\x01\n"), r#""\u0001\n""#);
        assert_eq!(js("é".as_bytes()), "\"é\"");
        assert_eq!(js(b"\xff\xc3"), r#""%FF%C3""#);
    }

    #[test]
    fn round_trip_examples() {
        for s in [&b"x%41\xff\xe2\x82\xac\x00"[..], b"", b"%", b"%%2"] {
            let j = js(s);
            let d: String = serde_json::from_str(&j).unwrap();
            assert_eq!(unescape_pct(&d), s);
        }
    }

    #[test]
    fn word_test_agrees_with_the_table() {
        for b in 0..=255u8 {
            for pos in 0..8 {
                let mut w = *b"abcdefgh";
                w[pos] = b;
                assert_eq!(
                    needs_attention(u64::from_le_bytes(w)),
                    CLASS[b as usize] != 0,
                    "{b:#x} at {pos}"
                );
            }
        }
    }

    #[test]
    fn decimals() {
        for ok in [
            "0",
            "1",
            "-1",
            "18446744073709551615",
            "-9223372036854775808",
        ] {
            assert!(is_plain_decimal(ok.as_bytes()), "{ok}");
        }
        for no in [
            "",
            "-",
            "01",
            "-0",
            "1a",
            "0x1",
            "18446744073709551616",
            "-9223372036854775809",
        ] {
            assert!(!is_plain_decimal(no.as_bytes()), "{no}");
        }
    }
}
