//! Output escaping (`--escape raw|tty|shell|shell_quote`), as ausearch applies it to
//! whole records in the default format.

use crate::criteria::Escape;

const SHELL: &[u8] = b"\"'`$\\!()| ";
const SHELL_QUOTE: &[u8] = b"\"'`$\\!()| ;#&*?[]<>{}";

/// Whether `s` needs escaping in this mode. (For the shell modes, ausearch counts bytes
/// >= 0x80 as needing it, but escapes them as themselves; the result is the same.)
pub fn needs(mode: Escape, s: &[u8]) -> bool {
    match mode {
        Escape::Raw => false,
        Escape::Tty => any_control(s),
        Escape::Shell => s
            .iter()
            .any(|&c| !(32..0x80).contains(&c) || SHELL.contains(&c)),
        Escape::ShellQuote => s
            .iter()
            .any(|&c| !(32..0x80).contains(&c) || SHELL_QUOTE.contains(&c)),
    }
}

/// True when `s` has a byte below 0x20. Whole 32-byte blocks are tested without an
/// exit per byte, so the compiler can vectorise it (records are a few hundred bytes).
fn any_control(s: &[u8]) -> bool {
    let mut blocks = s.chunks_exact(32);
    for b in &mut blocks {
        if b.iter().fold(0u8, |m, &c| m | u8::from(c < 32)) != 0 {
            return true;
        }
    }
    blocks.remainder().iter().any(|&c| c < 32)
}

fn octal(out: &mut Vec<u8>, c: u8) {
    out.extend_from_slice(&[
        b'\\',
        b'0' + (c >> 6),
        b'0' + ((c >> 3) & 7),
        b'0' + (c & 7),
    ]);
}

/// Appends `s` escaped for `mode`.
pub fn escape_into(mode: Escape, s: &[u8], out: &mut Vec<u8>) {
    let set: &[u8] = match mode {
        Escape::Raw => {
            out.extend_from_slice(s);
            return;
        }
        Escape::Tty => b"",
        Escape::Shell => SHELL,
        Escape::ShellQuote => SHELL_QUOTE,
    };
    for &c in s {
        if c < 32 {
            octal(out, c);
        } else if set.contains(&c) {
            out.push(b'\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
}

/// ausearch's `safe_print_string_n(s, len, 1)`: the string, escaped when needed, then a
/// newline. (In raw mode nothing needs escaping, so it is printed as is.)
pub fn safe_line(mode: Escape, s: &[u8], out: &mut Vec<u8>) {
    let s = &s[..s.len().min(raudit_logfmt::MAX_AUDIT_MESSAGE_LENGTH)];
    if needs(mode, s) {
        escape_into(mode, s, out);
    } else {
        out.extend_from_slice(s);
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bytes_found_at_every_position() {
        for len in 0..80 {
            let plain = vec![b'a'; len];
            assert!(!needs(Escape::Tty, &plain));
            for at in 0..len {
                for c in [0u8, 1, 0x1f] {
                    let mut s = plain.clone();
                    s[at] = c;
                    assert!(needs(Escape::Tty, &s), "{len} {at} {c}");
                }
            }
        }
    }

    #[test]
    fn modes() {
        let mut o = Vec::new();
        escape_into(Escape::Tty, b"a\tb c", &mut o);
        assert_eq!(o, b"a\\011b c");
        o.clear();
        escape_into(Escape::Shell, b"a b$", &mut o);
        assert_eq!(o, b"a\\ b\\$");
        o.clear();
        escape_into(Escape::ShellQuote, b"a;b", &mut o);
        assert_eq!(o, b"a\\;b");
    }
}
