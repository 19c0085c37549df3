//! C `strtol`/`strtoul` semantics (base 0 or 16), as auditctl relies on
//! them: leading whitespace and sign, `0x` hex and `0` octal prefixes,
//! parsing stops at the first invalid character, overflow saturates.

/// Result of a C-style conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conv {
    /// The value as C's `unsigned long` (two's complement for negatives).
    pub value: u64,
    /// Whether the conversion overflowed (`errno = ERANGE`).
    pub overflow: bool,
}

fn digits(s: &[u8], base: u32) -> (u64, bool) {
    let mut v: u64 = 0;
    let mut over = false;
    for &c in s {
        let d = match c {
            b'0'..=b'9' => (c - b'0') as u32,
            b'a'..=b'z' => (c - b'a') as u32 + 10,
            b'A'..=b'Z' => (c - b'A') as u32 + 10,
            _ => break,
        };
        if d >= base {
            break;
        }
        match v
            .checked_mul(base as u64)
            .and_then(|x| x.checked_add(d as u64))
        {
            Some(n) => v = n,
            None => {
                over = true;
                v = u64::MAX;
            }
        }
    }
    (v, over)
}

/// Split off whitespace, sign and base prefix. Returns (negative, base, rest).
fn prefix(s: &[u8], base: u32) -> (bool, u32, &[u8]) {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let rest = &s[i..];
    let hex_prefix = rest.len() >= 3
        && rest[0] == b'0'
        && (rest[1] | 0x20) == b'x'
        && rest[2].is_ascii_hexdigit();
    if (base == 0 || base == 16) && hex_prefix {
        return (neg, 16, &rest[2..]);
    }
    if base == 0 {
        if rest.first() == Some(&b'0') {
            return (neg, 8, rest);
        }
        return (neg, 10, rest);
    }
    (neg, base, rest)
}

/// `strtoul(s, NULL, base)`.
pub fn strtoul(s: &[u8], base: u32) -> Conv {
    let (neg, base, rest) = prefix(s, base);
    let (v, over) = digits(rest, base);
    if over {
        return Conv {
            value: u64::MAX,
            overflow: true,
        };
    }
    Conv {
        value: if neg { v.wrapping_neg() } else { v },
        overflow: false,
    }
}

/// `strtol(s, NULL, base)`, saturating at `LONG_MIN`/`LONG_MAX`.
pub fn strtol(s: &[u8], base: u32) -> Conv {
    let (neg, base, rest) = prefix(s, base);
    let (v, over) = digits(rest, base);
    let limit = if neg { 1u64 << 63 } else { i64::MAX as u64 };
    if over || v > limit {
        let value = if neg {
            i64::MIN as u64
        } else {
            i64::MAX as u64
        };
        return Conv {
            value,
            overflow: true,
        };
    }
    Conv {
        value: if neg { v.wrapping_neg() } else { v },
        overflow: false,
    }
}

/// `strtoul` truncated to 32 bits, as stored in `audit_rule_data.values`.
pub fn ul32(s: &[u8]) -> u32 {
    strtoul(s, 0).value as u32
}

/// `strtol` truncated to 32 bits.
pub fn l32(s: &[u8]) -> u32 {
    strtol(s, 0).value as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases() {
        assert_eq!(ul32(b"10"), 10);
        assert_eq!(ul32(b"0x10"), 16);
        assert_eq!(ul32(b"010"), 8);
        assert_eq!(ul32(b"09"), 0);
        assert_eq!(ul32(b"12abc"), 12);
        assert_eq!(ul32(b"0x"), 0);
        assert_eq!(strtoul(b"c000003e", 16).value, 0xc000003e);
        assert_eq!(strtoul(b"0xc000003e", 16).value, 0xc000003e);
        assert_eq!(strtoul(b"zz", 16).value, 0);
    }

    #[test]
    fn signs_and_overflow() {
        assert_eq!(l32(b"-1"), u32::MAX);
        assert_eq!(ul32(b"-5"), (-5i32) as u32);
        assert_eq!(ul32(b"4294967296"), 0);
        let c = strtoul(b"99999999999999999999999", 0);
        assert!(c.overflow);
        assert_eq!(c.value, u64::MAX);
        let c = strtol(b"9223372036854775808", 0);
        assert!(c.overflow);
        assert_eq!(c.value as i64, i64::MAX);
        let c = strtol(b"-9223372036854775808", 0);
        assert!(!c.overflow);
        assert_eq!(c.value as i64, i64::MIN);
        let c = strtol(b"-9223372036854775809", 0);
        assert!(c.overflow);
        assert_eq!(c.value as i64, i64::MIN);
    }
}
