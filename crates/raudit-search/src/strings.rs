//! Byte-string helpers with the semantics of the C string functions ausearch's
//! extraction relies on: searching inside a NUL-free record text, decoding the
//! hex-encoded values the kernel writes for untrusted strings, and comparing an
//! option value with an extracted value.

/// Position of the first `needle` in `hay[from..]`, as an index into `hay`
/// (C `strstr` on the tail starting at `from`).
#[inline(always)]
pub fn find_from(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let tail = hay.get(from..)?;
    find(tail, needle).map(|i| i + from)
}

/// How common a byte is in audit records (higher = more common); used to pick the
/// needle byte to scan for.
const fn rank(b: u8) -> u8 {
    match b {
        b' ' | b'=' => 255,
        b'0'..=b'9' => 240,
        b'a'..=b'f' => 230,
        b'"' => 200,
        b'i' | b'n' | b'o' | b'r' | b's' | b't' | b'u' | b'l' => 180,
        b'/' | b'_' | b'-' => 170,
        b'g'..=b'z' => 120,
        b':' | b'.' | b',' => 100,
        b'A'..=b'Z' => 60,
        _ => 40,
    }
}

/// [`rank`] of every byte.
static RANK: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = rank(i as u8);
        i += 1;
    }
    t
};

/// Substring search for the short needles of record parsing: `memchr` for the
/// needle's rarest byte, then compare. On records (short haystacks) this beats
/// building a `memmem` searcher per call. Always inlined: with the constant needles
/// of record parsing the choice of the byte to scan for is made at compile time.
#[inline(always)]
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    if hay.len() > 4096 || needle.len() > 16 {
        return memchr::memmem::find(hay, needle);
    }
    // Record parsers mostly search for the field that comes next: right at `from`
    // (needles that start with the space) or one byte on.
    if hay.first() == needle.first() && hay.starts_with(needle) {
        return Some(0);
    }
    if hay.get(1) == needle.first() && hay[1..].starts_with(needle) {
        return Some(1);
    }
    let mut k = 0;
    for (i, &b) in needle.iter().enumerate() {
        if RANK[b as usize] < RANK[needle[k] as usize] {
            k = i;
        }
    }
    let rare = needle[k];
    let mut at = k;
    while at < hay.len() {
        let p = memchr::memchr(rare, &hay[at..])?;
        let i = at + p - k;
        if hay[i..].starts_with(needle) {
            return Some(i);
        }
        at += p + 1;
    }
    None
}

/// Position of the first byte `c` in `hay[from..]`, as an index into `hay`
/// (C `strchr` on the tail starting at `from`, for a non-NUL `c`).
#[inline]
pub fn chr_from(hay: &[u8], from: usize, c: u8) -> Option<usize> {
    let tail = hay.get(from..)?;
    byte_pos(c, tail).map(|i| i + from)
}

pub use raudit_logfmt::swar::byte_pos;

/// The part of `s` a C function would see as a string: up to the first NUL.
#[inline]
pub fn c_str(s: &[u8]) -> &[u8] {
    match memchr::memchr(0, s) {
        Some(i) => &s[..i],
        None => s,
    }
}

/// Value of one hex digit, 0 for anything else (the decoder the C tools use adds
/// nothing for a byte that is not a hex digit).
#[inline]
fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// Length of the value the hex decoder takes from the start of `s`: a
/// parenthesised word up to and including `)`, or the run of hex digits.
/// `None` when a `(` is never closed.
fn encoded_len(s: &[u8]) -> Option<usize> {
    if s.first() == Some(&b'(') {
        memchr::memchr(b')', s).map(|i| i + 1)
    } else {
        Some(s.iter().take_while(|c| c.is_ascii_hexdigit()).count())
    }
}

/// Decodes a value the way ausearch's `unescape` does and returns every decoded
/// byte (embedded NULs included): a leading `(…)` word (such as `(null)`) is
/// returned as is; otherwise the leading run of hex digits is decoded two digits
/// a byte (an odd last digit gives its high nibble). `None` when there is nothing
/// to decode, a `(` is not closed, or fewer than two hex digits are present.
pub fn unhex_raw(s: &[u8]) -> Option<Vec<u8>> {
    let n = encoded_len(s)?;
    if n == 0 {
        return None;
    }
    let word = &s[..n];
    if word[0] == b'(' {
        return Some(word.to_vec());
    }
    if n < 2 {
        return None;
    }
    Some(
        word.chunks(2)
            .map(|p| (nibble(p[0]) << 4) | p.get(1).map_or(0, |&c| nibble(c)))
            .collect(),
    )
}

/// [`unhex_raw`] seen as a C string: the decoded value ends at its first NUL.
pub fn unescape(s: &[u8]) -> Option<Vec<u8>> {
    let mut v = unhex_raw(s)?;
    if let Some(i) = memchr::memchr(0, &v) {
        v.truncate(i);
    }
    Some(v)
}

/// ausearch's `strmatch`: with `-w` the whole value must equal the option value,
/// otherwise the option value must occur somewhere in it.
#[inline]
pub fn strmatch(exact: bool, needle: &[u8], hay: &[u8]) -> bool {
    if exact {
        hay == needle
    } else {
        find(hay, needle).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search() {
        let s = b"a=1 b=2 a=3";
        assert_eq!(find_from(s, 0, b"a="), Some(0));
        assert_eq!(find_from(s, 1, b"a="), Some(8));
        assert_eq!(find_from(s, 99, b"a="), None);
        assert_eq!(chr_from(s, 2, b' '), Some(3));
        assert_eq!(chr_from(s, 11, b' '), None);
    }

    proptest::proptest! {
        #[test]
        fn find_from_is_memmem(hay in proptest::collection::vec(
            proptest::sample::select(b"pid= ua\"\x00".to_vec()), 0..120),
            needle in proptest::sample::select(vec![
                &b" pid="[..], b"pid=", b"ppid=", b"uid=", b"auid=", b"p", b"  ", b"a\"u",
            ])) {
            for from in 0..hay.len().min(40) {
                proptest::prop_assert_eq!(
                    find_from(&hay, from, needle),
                    memchr::memmem::find(&hay[from..], needle).map(|i| i + from)
                );
            }
        }
    }

    #[test]
    fn decoding() {
        assert_eq!(unescape(b"2F746D70 rest"), Some(b"/tmp".to_vec()));
        assert_eq!(unescape(b"(null) x"), Some(b"(null)".to_vec()));
        assert_eq!(unescape(b"(null"), None);
        assert_eq!(unescape(b"4"), None);
        assert_eq!(unescape(b"zz"), None);
        assert_eq!(unescape(b""), None);
        assert_eq!(unescape(b"616"), Some(b"a`".to_vec()));
        assert_eq!(unescape(b"6100 62"), Some(b"a".to_vec()));
        assert_eq!(unhex_raw(b"610062"), Some(b"a\0b".to_vec()));
        assert_eq!(unescape(b"6a6B"), Some(b"jk".to_vec()));
    }

    #[test]
    fn matching() {
        assert!(strmatch(false, b"tmp", b"/tmp/x"));
        assert!(!strmatch(true, b"tmp", b"/tmp/x"));
        assert!(strmatch(true, b"/tmp/x", b"/tmp/x"));
        assert!(strmatch(false, b"", b"x"));
    }
}
