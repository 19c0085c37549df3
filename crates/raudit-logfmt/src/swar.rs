//! Byte searches a word (eight bytes) at a time, for the short distances of record
//! parsing, where a `memchr` call's setup costs more than the search.

/// Every byte 0x01.
pub const LO: u64 = 0x0101_0101_0101_0101;
/// Every byte 0x80.
pub const HI: u64 = 0x8080_8080_8080_8080;

/// How far [`byte_pos`] looks a word at a time before handing over to `memchr`.
const SHORT_SPAN: usize = 32;

/// The eight bytes of `s` at `i` as a little-endian word; None when fewer remain.
#[inline(always)]
pub fn word(s: &[u8], i: usize) -> Option<u64> {
    let mut w = [0u8; 8];
    w.copy_from_slice(s.get(i..i + 8)?);
    Some(u64::from_le_bytes(w))
}

/// Bit 7 of each byte of `x` equal to `c`: the lowest flagged byte is always a true
/// match (the borrow only flags bytes above a match), so `trailing_zeros() / 8` is
/// the first match and "none flagged" means "no match".
#[inline(always)]
pub fn eq_bytes(x: u64, c: u8) -> u64 {
    let v = x ^ LO.wrapping_mul(u64::from(c));
    v.wrapping_sub(LO) & !v & HI
}

/// `memchr` for short distances (the end of a field's value): the first 32 bytes
/// are examined a word at a time in place (no call, no dispatch), the rest by
/// `memchr`.
#[inline(always)]
pub fn byte_pos(c: u8, hay: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < SHORT_SPAN {
        let Some(x) = word(hay, i) else {
            break;
        };
        let z = eq_bytes(x, c);
        if z != 0 {
            return Some(i + (z.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    memchr::memchr(c, &hay[i..]).map(|p| p + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn byte_pos_is_memchr(hay in proptest::collection::vec(
            proptest::sample::select(b"ab =\"\x80\xff\x00\x01".to_vec()), 0..200),
            c in proptest::sample::select(b"ab =\"\x80\xff\x00\x01".to_vec())) {
            for from in 0..hay.len().min(20) {
                proptest::prop_assert_eq!(byte_pos(c, &hay[from..]), memchr::memchr(c, &hay[from..]));
            }
        }

        #[test]
        fn eq_bytes_first_is_exact(x in proptest::prelude::any::<u64>(), c in proptest::prelude::any::<u8>()) {
            let bytes = x.to_le_bytes();
            let first = bytes.iter().position(|&b| b == c);
            let m = eq_bytes(x, c);
            proptest::prop_assert_eq!((m != 0).then(|| (m.trailing_zeros() / 8) as usize), first);
        }
    }
}
