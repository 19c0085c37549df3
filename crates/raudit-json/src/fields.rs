//! Cutting a record's text into `name=value` fields, without copying.
//!
//! The body is what follows `msg=audit(SEC.MSEC:SERIAL): `. Fields are separated by
//! spaces; a value in double quotes runs to the closing quote (spaces included); a
//! `msg='…'` value (user-space records) runs to the last single quote and its inside
//! is cut into fields again, one level deep. Words without `=` (AVC's
//! `avc:  denied  { read } for`) are kept as words. Offsets are relative to the
//! record text, so the fields of all records of an event fit one reusable vector.

use raudit_logfmt::swar::{eq_bytes, word};

/// What a piece of the body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `name=value`.
    Pair,
    /// A word without `=`.
    Word,
    /// `msg='…'`: the next `n` pieces are its inner fields (the value is the inside).
    Nested(u32),
}

/// One piece of a record body, as offsets into the record text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// What it is.
    pub kind: Kind,
    /// Name start and end (empty for words).
    pub name: (u32, u32),
    /// Value start and end (the word itself for words; quotes included).
    pub val: (u32, u32),
}

impl Field {
    /// The name bytes in `text`.
    pub fn name<'a>(&self, text: &'a [u8]) -> &'a [u8] {
        &text[self.name.0 as usize..self.name.1 as usize]
    }
    /// The value bytes in `text`.
    pub fn val<'a>(&self, text: &'a [u8]) -> &'a [u8] {
        &text[self.val.0 as usize..self.val.1 as usize]
    }
}

/// Where the body of record text `msg` starts: after `msg=audit(…): ` (or after
/// the `)` of the stamp when no `: ` follows); `None` when there is no stamp.
pub fn body_start(msg: &[u8]) -> Option<usize> {
    // the first '(' preceded by "audit" (no substring searcher to build per record)
    let mut from = 0;
    let a = loop {
        let p = from + memchr::memchr(b'(', &msg[from..])?;
        if msg[..p].ends_with(b"audit") {
            break p;
        }
        from = p + 1;
    };
    let close = a + memchr::memchr(b')', &msg[a..])?;
    let mut i = close + 1;
    if msg.get(i) == Some(&b':') {
        i += 1;
    }
    while msg.get(i) == Some(&b' ') {
        i += 1;
    }
    Some(i)
}

/// The first space (or also `=` when `eq`) in `s[from..end]`, or `end`: eight
/// bytes at a time (fields are short; no per-call setup).
#[inline]
fn find_delim(s: &[u8], from: usize, end: usize, eq: bool) -> usize {
    let s = &s[..end];
    let mut i = from;
    while let Some(x) = word(s, i) {
        let mut m = eq_bytes(x, b' ');
        if eq {
            m |= eq_bytes(x, b'=');
        }
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
        if !eq && i >= from + 32 {
            // a long value (hex, path): memchr's setup pays off now
            return memchr::memchr(b' ', &s[i..]).map_or(end, |p| i + p);
        }
    }
    s[i..]
        .iter()
        .position(|&c| c == b' ' || (eq && c == b'='))
        .map_or(end, |p| i + p)
}

/// Appends the pieces of `text[start..end]` to `out`.
pub fn split(text: &[u8], start: usize, end: usize, nested: bool, out: &mut Vec<Field>) {
    split_with(text, start, end, nested, out, find_delim);
}

/// The first space (or also `=` when `eq`) in `s[from..end]`, or `end`, one
/// byte at a time: the reference [`find_delim`] is checked against (tests).
#[cfg(test)]
fn plain_delim(s: &[u8], from: usize, end: usize, eq: bool) -> usize {
    s[from..end]
        .iter()
        .position(|&c| c == b' ' || (eq && c == b'='))
        .map_or(end, |p| from + p)
}

/// [`split`] with `find(text, from, end, eq)` as the delimiter search.
/// Generic, so each finder gets its own copy with the search inlined.
fn split_with<F: Fn(&[u8], usize, usize, bool) -> usize + Copy>(
    text: &[u8],
    start: usize,
    end: usize,
    nested: bool,
    out: &mut Vec<Field>,
    find: F,
) {
    let end = end.min(text.len());
    if start >= end {
        return;
    }
    let mut i = start;
    while i < end {
        if text[i] == b' ' {
            i += 1;
            continue;
        }
        // the first space or '=' of the token
        let j = find(text, i, end, true);
        if j == end || text[j] == b' ' || j == i {
            let tok_end = if j == i { find(text, j, end, false) } else { j };
            out.push(Field {
                kind: Kind::Word,
                name: (i as u32, i as u32),
                val: (i as u32, tok_end as u32),
            });
            i = tok_end;
            continue;
        }
        let eq = j;
        let v = eq + 1;
        let name = (i as u32, eq as u32);
        match text.get(v) {
            Some(b'"') if v < end => {
                let close = memchr::memchr(b'"', &text[v + 1..end]).map(|c| v + 1 + c + 1);
                let vend = match close {
                    Some(c) => c,
                    None => find(text, v, end, false),
                };
                out.push(Field {
                    kind: Kind::Pair,
                    name,
                    val: (v as u32, vend as u32),
                });
                i = vend;
            }
            Some(b'\'') if v < end && !nested => {
                let close = memchr::memrchr(b'\'', &text[v + 1..end]).map(|c| v + 1 + c);
                match close {
                    Some(c) => {
                        let at = out.len();
                        out.push(Field {
                            kind: Kind::Nested(0),
                            name,
                            val: ((v + 1) as u32, c as u32),
                        });
                        split_with(text, v + 1, c, true, out, find);
                        let n = (out.len() - at - 1) as u32;
                        out[at].kind = Kind::Nested(n);
                        i = c + 1;
                    }
                    None => {
                        let tok_end = find(text, v, end, false);
                        out.push(Field {
                            kind: Kind::Pair,
                            name,
                            val: (v as u32, tok_end as u32),
                        });
                        i = tok_end;
                    }
                }
            }
            _ => {
                let tok_end = find(text, v, end, false);
                out.push(Field {
                    kind: Kind::Pair,
                    name,
                    val: (v as u32, tok_end as u32),
                });
                i = tok_end;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(s: &str) -> Vec<(Kind, String, String)> {
        let t = s.as_bytes();
        let mut v = Vec::new();
        let b = body_start(t).unwrap();
        split(t, b, t.len(), false, &mut v);
        v.iter()
            .map(|f| {
                (
                    f.kind,
                    String::from_utf8_lossy(f.name(t)).into_owned(),
                    String::from_utf8_lossy(f.val(t)).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn pairs_quotes_nested_words() {
        let v = cut(
            r#"type=X msg=audit(1.002:3): a=1 comm="x y" msg='op=PAM:x acct="r" res=success' avc:  denied  { read }"#,
        );
        let names: Vec<_> = v.iter().map(|f| (f.1.as_str(), f.2.as_str())).collect();
        assert_eq!(
            names,
            vec![
                ("a", "1"),
                ("comm", "\"x y\""),
                ("msg", "op=PAM:x acct=\"r\" res=success"),
                ("op", "PAM:x"),
                ("acct", "\"r\""),
                ("res", "success"),
                ("", "avc:"),
                ("", "denied"),
                ("", "{"),
                ("", "read"),
                ("", "}"),
            ]
        );
        assert_eq!(v[2].0, Kind::Nested(3));
    }

    proptest::proptest! {
        #[test]
        fn same_pieces_as_the_plain_loop(
            body in proptest::collection::vec(
                proptest::sample::select(&b"ab=\"' {}x0"[..]), 0..60)
        ) {
            let mut t = b"type=X msg=audit(1.2:3): ".to_vec();
            let b = t.len();
            t.extend_from_slice(&body);
            let (mut x, mut y) = (Vec::new(), Vec::new());
            split(&t, b, t.len(), false, &mut x);
            split_with(&t, b, t.len(), false, &mut y, plain_delim);
            proptest::prop_assert_eq!(x, y);
        }
    }

    #[test]
    fn odd_input_never_panics() {
        for s in [
            "type=X msg=audit(1.2:3):",
            "type=X msg=audit(1.2:3): a= =b ' \"",
            "audit()",
        ] {
            cut(s);
        }
    }
}
