//! Output escaping (`ausearch --escape`) and the log's hex encoding.

/// How interpreted text is escaped for output (`ausearch --escape`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum Escape {
    /// No escaping.
    Raw,
    /// Control characters (< 0x20) as `\ooo` octal: ausearch's default.
    #[default]
    Tty,
    /// `Tty` plus a backslash before each of `` "'`$\!()| `` and space.
    Shell,
    /// `Shell` plus a backslash before each of ``;#&*?[]<>{}``.
    ShellQuote,
}

const SH_SET: &[u8] = b"\"'`$\\!()| ";
const QUOTE_SET: &[u8] = b"\"'`$\\!()| ;#&*?[]<>{}";

/// Bytes each mode escapes (control bytes are escaped as octal in every mode but raw).
const fn table(set: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 32 {
        t[i] = true;
        i += 1;
    }
    let mut j = 0;
    while j < set.len() {
        t[set[j] as usize] = true;
        j += 1;
    }
    t
}

static TTY_TABLE: [bool; 256] = table(b"");
static SH_TABLE: [bool; 256] = table(SH_SET);
static QUOTE_TABLE: [bool; 256] = table(QUOTE_SET);

/// Append `s` to `out`, escaped per `mode`.
pub fn escape_into(s: &[u8], mode: Escape, out: &mut Vec<u8>) {
    let t: &[bool; 256] = match mode {
        Escape::Raw => {
            out.extend_from_slice(s);
            return;
        }
        Escape::Tty => &TTY_TABLE,
        Escape::Shell => &SH_TABLE,
        Escape::ShellQuote => &QUOTE_TABLE,
    };
    // Most values need nothing escaped: one branch-free pass decides.
    if !any_in(s, t) {
        out.extend_from_slice(s);
        return;
    }
    // Copy runs of plain bytes at once.
    let mut start = 0;
    for (i, &c) in s.iter().enumerate() {
        if !t[c as usize] {
            continue;
        }
        out.extend_from_slice(&s[start..i]);
        if c < 32 {
            out.extend_from_slice(&[
                b'\\',
                b'0' + (c >> 6),
                b'0' + ((c >> 3) & 7),
                b'0' + (c & 7),
            ]);
        } else {
            out.extend_from_slice(&[b'\\', c]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&s[start..]);
}

/// True when some byte of `s` is marked in `t`. Works on 16-byte blocks without an
/// early exit per byte, so the compiler can vectorise it.
#[inline]
fn any_in(s: &[u8], t: &[bool; 256]) -> bool {
    let mut blocks = s.chunks_exact(16);
    for b in &mut blocks {
        let mut hit = false;
        for &c in b {
            hit |= t[c as usize];
        }
        if hit {
            return true;
        }
    }
    blocks.remainder().iter().any(|&c| t[c as usize])
}

/// True when [`escape_into`] would change `s` in `mode`.
pub(crate) fn needs_escape(s: &[u8], mode: Escape) -> bool {
    match mode {
        Escape::Raw => false,
        Escape::Tty => any_in(s, &TTY_TABLE),
        Escape::Shell => any_in(s, &SH_TABLE),
        Escape::ShellQuote => any_in(s, &QUOTE_TABLE),
    }
}

/// The hex digit value as auparse's `x2c` reads it (non-hex reads as 0).
fn nibble(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

/// auparse's `au_unescape`: decode the leading run of hex digits of `s`
/// (an odd last digit becomes a high nibble). A value starting with `(`
/// (the kernel's `(null)`) is returned up to its `)`. `None` when fewer than
/// two hex digits lead. The result is padded with NULs to at least
/// `s.len()/2 + 1` bytes, as the C buffer is.
pub(crate) fn unhex(s: &[u8]) -> Option<Vec<u8>> {
    if s.first() == Some(&b'(') {
        let end = memchr::memchr(b')', s)?;
        return Some(s[..=end].to_vec());
    }
    let hex_len = s.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if hex_len < 2 {
        return None;
    }
    let hex = &s[..hex_len];
    let mut out: Vec<u8> = hex
        .chunks(2)
        .map(|p| (nibble(p[0]) << 4) | p.get(1).map_or(0, |&b| nibble(b)))
        .collect();
    let want = s.len() / 2 + 1;
    if out.len() < want {
        out.resize(want, 0);
    }
    Some(out)
}

/// A C string view: bytes up to the first NUL.
pub(crate) fn cstr(b: &[u8]) -> &[u8] {
    match memchr::memchr(0, b) {
        Some(i) => &b[..i],
        None => b,
    }
}

/// auparse's `print_escaped`: a quoted value loses its quotes, `(null)`
/// stays, a hex value is decoded (a leading `00` — abstract unix socket
/// names — is skipped first); anything else is returned as is. The result
/// is a C string (stops at the first NUL). (The reference for [`unescape_into`].)
#[cfg(test)]
pub(crate) fn unescape_value(val: &[u8]) -> Vec<u8> {
    if let Some(rest) = val.strip_prefix(b"\"") {
        return match memchr::memchr(b'"', rest) {
            Some(i) => rest[..i].to_vec(),
            None => b" ".to_vec(),
        };
    }
    let src = if val.starts_with(b"00") {
        &val[2..]
    } else {
        val
    };
    match unhex(src) {
        Some(d) => cstr(&d).to_vec(),
        None => val.to_vec(),
    }
}

/// [`unescape_value`] appended to `out` without an intermediate buffer (the same
/// bytes: quotes stripped, `(…)` kept, hex decoded up to its first NUL).
pub(crate) fn unescape_into(val: &[u8], out: &mut Vec<u8>) {
    if let Some(rest) = val.strip_prefix(b"\"") {
        match memchr::memchr(b'"', rest) {
            Some(i) => out.extend_from_slice(&rest[..i]),
            None => out.push(b' '),
        }
        return;
    }
    let src = if val.starts_with(b"00") {
        &val[2..]
    } else {
        val
    };
    if src.first() == Some(&b'(') {
        match memchr::memchr(b')', src) {
            Some(end) => out.extend_from_slice(&src[..=end]),
            None => out.extend_from_slice(val),
        }
        return;
    }
    let hex_len = src.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if hex_len < 2 {
        out.extend_from_slice(val);
        return;
    }
    // unhex pads with NULs and the C string ends at the first one: stop there.
    out.reserve(hex_len.div_ceil(2));
    for p in src[..hex_len].chunks(2) {
        let b = (nibble(p[0]) << 4) | p.get(1).map_or(0, |&b| nibble(b));
        if b == 0 {
            break;
        }
        out.push(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        let mut o = Vec::new();
        escape_into(b"a b\n$", Escape::Tty, &mut o);
        assert_eq!(o, b"a b\\012$");
        o.clear();
        escape_into(b"a b\n$;", Escape::Shell, &mut o);
        assert_eq!(o, b"a\\ b\\012\\$;");
        o.clear();
        escape_into(b"a;", Escape::ShellQuote, &mut o);
        assert_eq!(o, b"a\\;");
    }

    #[test]
    fn unhexing() {
        assert_eq!(unescape_value(b"2F746D70"), b"/tmp");
        assert_eq!(unescape_value(b"\"/tmp\""), b"/tmp");
        assert_eq!(unescape_value(b"(null)"), b"(null)");
        assert_eq!(unescape_value(b"/x"), b"/x");
        assert_eq!(unescape_value(b"616263"), b"abc");
        assert_eq!(unescape_value(b"61626"), b"ab`");
        for v in [
            &b"2F746D70"[..],
            b"\"/tmp\"",
            b"\"unterminated",
            b"(null)",
            b"(open",
            b"00(x)",
            b"002F78",
            b"/x",
            b"616263",
            b"61626",
            b"6100626",
            b"0",
            b"00",
            b"",
            b"4",
            b"zz",
        ] {
            let mut o = b"pre".to_vec();
            unescape_into(v, &mut o);
            assert_eq!(&o[3..], &unescape_value(v)[..], "{v:?}");
        }
        for mode in [Escape::Raw, Escape::Tty, Escape::Shell, Escape::ShellQuote] {
            for s in [
                &b"plain text here and more of it"[..],
                b"a\x01b",
                b"x y",
                b"[;]",
                b"0123456789abcdef\n",
            ] {
                let mut o = Vec::new();
                escape_into(s, mode, &mut o);
                assert_eq!(needs_escape(s, mode), o != s, "{s:?} {mode:?}");
            }
        }
    }
}
