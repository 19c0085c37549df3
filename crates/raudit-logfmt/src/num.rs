//! Number parsing with the semantics of C's `strtoul`/`strtol`/`strtoull` (leading
//! white space, optional sign, base prefixes, stopping at the first non-digit, and
//! reporting `ERANGE` overflow), which the compat tools rely on byte for byte.

/// Result of a C-style integer conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conv<T> {
    /// The converted value (saturated on overflow, as C does).
    pub value: T,
    /// Bytes consumed (0 when no digits were found).
    pub used: usize,
    /// `errno == ERANGE` would have been set.
    pub overflow: bool,
}

fn skip_space(s: &[u8]) -> usize {
    s.iter()
        .position(|&c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
        .unwrap_or(s.len())
}

fn digit(c: u8, base: u32) -> Option<u32> {
    let d = match c {
        b'0'..=b'9' => (c - b'0') as u32,
        b'a'..=b'z' => (c - b'a') as u32 + 10,
        b'A'..=b'Z' => (c - b'A') as u32 + 10,
        _ => return None,
    };
    (d < base).then_some(d)
}

/// Magnitude parse shared by the conversions: returns (negative, magnitude, used, overflow).
fn parse_mag(s: &[u8], base: u32) -> (bool, u64, usize, bool) {
    let mut i = skip_space(s);
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let mut base = base;
    if (base == 0 || base == 16)
        && i + 1 < s.len()
        && s[i] == b'0'
        && (s[i + 1] == b'x' || s[i + 1] == b'X')
        && i + 2 < s.len()
        && digit(s[i + 2], 16).is_some()
    {
        i += 2;
        base = 16;
    } else if base == 0 {
        base = if i < s.len() && s[i] == b'0' { 8 } else { 10 };
    }
    let start = i;
    let mut v: u64 = 0;
    let mut over = false;
    while i < s.len() {
        let Some(d) = digit(s[i], base) else { break };
        match v
            .checked_mul(base as u64)
            .and_then(|x| x.checked_add(d as u64))
        {
            Some(n) => v = n,
            None => over = true,
        }
        i += 1;
    }
    if i == start {
        return (false, 0, 0, false);
    }
    (neg, if over { u64::MAX } else { v }, i, over)
}

/// Fast path for the common case: plain decimal digits (at most 19, so no overflow).
#[inline]
fn plain_decimal(s: &[u8]) -> Option<Conv<u64>> {
    let mut v: u64 = 0;
    let mut i = 0;
    while i < s.len() && i < 19 {
        let d = s[i].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        v = v * 10 + d as u64;
        i += 1;
    }
    if i == 0 || (i == 19 && s.get(19).is_some_and(u8::is_ascii_digit)) {
        return None;
    }
    Some(Conv {
        value: v,
        used: i,
        overflow: false,
    })
}

/// Fast path for base 16: plain hex digits (at most 16, so no overflow), not a
/// `0x` prefix (which C skips).
#[inline]
fn plain_hex(s: &[u8]) -> Option<Conv<u64>> {
    if s.first() == Some(&b'0') && matches!(s.get(1), Some(b'x' | b'X')) {
        return None;
    }
    let mut v: u64 = 0;
    let mut i = 0;
    while i < s.len() && i < 16 {
        let c = s[i];
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => break,
        };
        v = v << 4 | d as u64;
        i += 1;
    }
    if i == 0 || (i == 16 && s.get(16).is_some_and(u8::is_ascii_hexdigit)) {
        return None;
    }
    Some(Conv {
        value: v,
        used: i,
        overflow: false,
    })
}

/// C `strtoul` on a 64-bit target (also `strtoull`).
#[inline]
pub fn strtoul(s: &[u8], base: u32) -> Conv<u64> {
    let fast = match base {
        10 => plain_decimal(s),
        16 => plain_hex(s),
        _ => None,
    };
    if let Some(c) = fast {
        return c;
    }
    strtoul_general(s, base)
}

/// [`strtoul`] without the fast paths.
fn strtoul_general(s: &[u8], base: u32) -> Conv<u64> {
    let (neg, v, used, overflow) = parse_mag(s, base);
    let value = if overflow {
        u64::MAX
    } else if neg {
        v.wrapping_neg()
    } else {
        v
    };
    Conv {
        value,
        used,
        overflow,
    }
}

/// Fast path for bases 10 and 0: an optional `-` and plain decimal digits (at most
/// 18: no overflow), not an octal or `0x` number (base 0 reads those so).
#[inline]
fn plain_signed_decimal(s: &[u8], base: u32) -> Option<Conv<i64>> {
    let neg = s.first() == Some(&b'-');
    let body = &s[usize::from(neg)..];
    let c = plain_decimal(body)?;
    if c.used > 18
        || (base == 0 && body[0] == b'0' && body.len() > 1 && {
            let b = body[1];
            b.is_ascii_digit() || b == b'x' || b == b'X'
        })
    {
        return None;
    }
    let v = c.value as i64;
    Some(Conv {
        value: if neg { -v } else { v },
        used: c.used + usize::from(neg),
        overflow: false,
    })
}

/// C `strtol`/`strtoll` on a 64-bit target.
#[inline]
pub fn strtol(s: &[u8], base: u32) -> Conv<i64> {
    if base == 0 || base == 10 {
        if let Some(c) = plain_signed_decimal(s, base) {
            return c;
        }
    }
    strtol_general(s, base)
}

/// [`strtol`] without the fast path.
fn strtol_general(s: &[u8], base: u32) -> Conv<i64> {
    let (neg, v, used, mut overflow) = parse_mag(s, base);
    let value = if neg {
        if v > (i64::MAX as u64) + 1 {
            overflow = true;
            i64::MIN
        } else {
            (v as i128).wrapping_neg() as i64
        }
    } else if v > i64::MAX as u64 {
        overflow = true;
        i64::MAX
    } else {
        v as i64
    };
    Conv {
        value,
        used,
        overflow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_c() {
        assert_eq!(strtoul(b"123abc", 10).value, 123);
        assert_eq!(strtoul(b"  -1", 10).value, u64::MAX);
        assert!(!strtoul(b"-1", 10).overflow);
        assert!(strtoul(b"99999999999999999999", 10).overflow);
        assert_eq!(strtoul(b"c000003e", 16).value, 0xc000003e);
        assert_eq!(strtoul(b"0x10", 0).value, 16);
        assert_eq!(strtoul(b"010", 0).value, 8);
        assert_eq!(strtoul(b"x", 10).used, 0);
        assert_eq!(strtol(b"-13", 0).value, -13);
        assert_eq!(strtol(b"9223372036854775808", 10).value, i64::MAX);
        assert!(strtol(b"9223372036854775808", 10).overflow);
        assert_eq!(strtoul(b"0x1A", 16).value, 26);
        assert_eq!(strtoul(b"ffffffffffffffff", 16).value, u64::MAX);
        assert!(strtoul(b"1ffffffffffffffff", 16).overflow);
    }

    proptest::proptest! {
        /// The fast paths answer exactly as the general conversion.
        #[test]
        fn fast_paths_are_the_general_conversion(
            s in proptest::collection::vec(
                proptest::sample::select(b"0123456789abcdefABCDEFxXg +-".to_vec()), 0..24),
            base in proptest::sample::select(vec![10u32, 16]),
        ) {
            proptest::prop_assert_eq!(strtoul(&s, base), strtoul_general(&s, base));
        }

        #[test]
        fn signed_fast_path_is_the_general_conversion(
            s in proptest::collection::vec(
                proptest::sample::select(b"0123456789000xXa -+".to_vec()), 0..24),
            base in proptest::sample::select(vec![0u32, 10]),
        ) {
            proptest::prop_assert_eq!(strtol(&s, base), strtol_general(&s, base));
        }
    }
}
