//! C number parsing (`strtoul`/`strtol`/`strtoll`) with the exact semantics
//! auparse relies on: leading blanks, optional sign, optional `0x` for base
//! 16, as many digits as there are (none gives 0), `Err` only on overflow
//! (glibc's ERANGE).

/// `strtoul(s, NULL, base)` on a 64-bit `unsigned long`.
pub(crate) fn strtoul(s: &[u8], base: u32) -> Result<u64, ()> {
    let (neg, digits) = prefix(s, base);
    let mut v: u64 = 0;
    let mut overflow = false;
    for &b in digits {
        let Some(d) = digit(b, base) else { break };
        match v
            .checked_mul(u64::from(base))
            .and_then(|x| x.checked_add(u64::from(d)))
        {
            Some(x) => v = x,
            None => overflow = true,
        }
    }
    if overflow {
        Err(())
    } else if neg {
        Ok(v.wrapping_neg())
    } else {
        Ok(v)
    }
}

/// `strtoll(s, NULL, base)` / `strtol` on 64-bit `long`.
pub(crate) fn strtoll(s: &[u8], base: u32) -> Result<i64, ()> {
    let (neg, digits) = prefix(s, base);
    let mut v: i128 = 0;
    for &b in digits {
        let Some(d) = digit(b, base) else { break };
        v = v * i128::from(base) + i128::from(d);
        if v > i128::from(i64::MAX) + 1 {
            return Err(());
        }
    }
    let v = if neg { -v } else { v };
    i64::try_from(v).map_err(|_| ())
}

fn digit(b: u8, base: u32) -> Option<u32> {
    (b as char).to_digit(base)
}

fn prefix(s: &[u8], base: u32) -> (bool, &[u8]) {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    if base == 16
        && s.get(i) == Some(&b'0')
        && matches!(s.get(i + 1), Some(b'x' | b'X'))
        && s.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
    {
        i += 2;
    }
    (neg, &s[i..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing() {
        assert_eq!(strtoul(b"ffffffff", 16), Ok(0xffff_ffff));
        assert_eq!(strtoul(b"12z", 10), Ok(12));
        assert_eq!(strtoul(b"", 10), Ok(0));
        assert_eq!(strtoul(b"-1", 10), Ok(u64::MAX));
        assert_eq!(strtoul(b"99999999999999999999", 10), Err(()));
        assert_eq!(strtoll(b"-2", 10), Ok(-2));
        assert_eq!(strtoll(b"-9223372036854775808", 10), Ok(i64::MIN));
        assert_eq!(strtoll(b"9223372036854775808", 10), Err(()));
    }
}
