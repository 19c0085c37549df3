//! Record lines as the C tools see them.
//!
//! `ausearch` and `aureport` read with `fgets` into an 8970-byte buffer, so a longer
//! line arrives in pieces of at most 8969 bytes (each piece then treated as a line of
//! its own), and every piece is a C string: it ends at its first NUL byte. [`Splitter`]
//! reproduces that over any sequence of byte chunks, copying only the pieces that
//! straddle two chunks.

use crate::{INTERP_SEPARATOR, MAX_AUDIT_MESSAGE_LENGTH};

/// Longest piece `fgets` returns.
pub const PIECE: usize = MAX_AUDIT_MESSAGE_LENGTH - 1;

/// One piece as the C tools see it, with the position of its first ENRICHED separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece<'a> {
    /// The piece up to its first NUL (newline included when the piece ends a line).
    pub text: &'a [u8],
    /// Index of the first [`INTERP_SEPARATOR`] in `text`, if any.
    pub sep: Option<usize>,
}

impl<'a> Piece<'a> {
    /// A piece from NUL-free text, finding its separator.
    pub fn of(text: &'a [u8]) -> Piece<'a> {
        Piece {
            text,
            sep: memchr::memchr(INTERP_SEPARATOR, text),
        }
    }
}

/// Streaming line splitter; feed it chunks, get pieces.
#[derive(Debug, Default)]
pub struct Splitter {
    carry: Vec<u8>,
}

/// A piece as a C string: up to (not including) its first NUL.
fn cstr(p: &[u8]) -> &[u8] {
    match memchr::memchr(0, p) {
        Some(i) => &p[..i],
        None => p,
    }
}

impl Splitter {
    /// A splitter with nothing pending.
    pub fn new() -> Splitter {
        Splitter::default()
    }

    /// Feeds a chunk; calls `f` with every complete piece (newline included when the
    /// piece ends a line). `f` returns false to stop early (the rest is dropped).
    pub fn feed(&mut self, data: &[u8], f: &mut dyn FnMut(&[u8]) -> bool) -> bool {
        self.feed_impl::<false, _, _>(data, &mut |_| false, &mut |p, _| f(p.text))
    }

    /// Like [`Splitter::feed`], also telling where each piece's first ENRICHED
    /// separator is (found in the same pass as the line end).
    pub fn feed_pieces(&mut self, data: &[u8], f: &mut dyn FnMut(Piece<'_>) -> bool) -> bool {
        self.feed_impl::<false, _, _>(data, &mut |_| false, &mut |p, _| f(p))
    }

    /// [`Splitter::feed_pieces`] with each piece's length in the input (as
    /// [`Splitter::feed_with_len`]).
    pub fn feed_pieces_with_len(
        &mut self,
        data: &[u8],
        f: &mut dyn FnMut(Piece<'_>, usize) -> bool,
    ) -> bool {
        self.feed_impl::<false, _, _>(data, &mut |_| false, f)
    }

    /// [`Splitter::finish_pieces`] with the piece's length in the input.
    pub fn finish_pieces_with_len(&mut self, f: &mut dyn FnMut(Piece<'_>, usize) -> bool) -> bool {
        self.finish_with_len(&mut |p, n| f(Piece::of(p), n))
    }

    /// Like [`Splitter::feed`], and also gives each piece's length in the input: the
    /// bytes it consumed, including what follows a NUL and the newline. Summing them
    /// gives the offset of the next piece (for callers that remember positions).
    pub fn feed_with_len(&mut self, data: &[u8], f: &mut dyn FnMut(&[u8], usize) -> bool) -> bool {
        self.feed_impl::<false, _, _>(data, &mut |_| false, &mut |p, n| f(p.text, n))
    }

    /// Like [`Splitter::finish`], with the piece's length in the input.
    pub fn finish_with_len(&mut self, f: &mut dyn FnMut(&[u8], usize) -> bool) -> bool {
        if self.carry.is_empty() {
            return true;
        }
        let piece = std::mem::take(&mut self.carry);
        f(cstr(&piece), piece.len())
    }

    /// [`Splitter::feed_pieces_with_len`] that first offers `skip` each whole line
    /// that starts a piece and fits in one (newline included; not a line
    /// continued from the previous chunk): a line it takes (true) is consumed
    /// without being split and `f` never sees it; everything else goes to `f`
    /// exactly as with [`Splitter::feed_pieces_with_len`]. For dropping lines
    /// outside a time window at the cost of one newline search.
    pub fn feed_pieces_with_len_skipping(
        &mut self,
        data: &[u8],
        skip: &mut dyn FnMut(&[u8]) -> bool,
        f: &mut dyn FnMut(Piece<'_>, usize) -> bool,
    ) -> bool {
        self.feed_impl::<true, _, _>(data, skip, f)
    }

    #[inline(always)]
    fn feed_impl<
        const SKIP: bool,
        S: FnMut(&[u8]) -> bool + ?Sized,
        F: FnMut(Piece<'_>, usize) -> bool + ?Sized,
    >(
        &mut self,
        mut data: &[u8],
        skip: &mut S,
        f: &mut F,
    ) -> bool {
        if !self.carry.is_empty() {
            let room = PIECE - self.carry.len();
            let window = &data[..data.len().min(room)];
            match memchr::memchr(b'\n', window) {
                Some(i) => {
                    self.carry.extend_from_slice(&data[..=i]);
                    data = &data[i + 1..];
                }
                None if window.len() == room => {
                    self.carry.extend_from_slice(window);
                    data = &data[room..];
                }
                None => {
                    self.carry.extend_from_slice(data);
                    return true;
                }
            }
            let piece = std::mem::take(&mut self.carry);
            let go = f(Piece::of(cstr(&piece)), piece.len());
            self.carry = piece;
            self.carry.clear();
            if !go {
                return false;
            }
        }
        loop {
            let window = &data[..data.len().min(PIECE)];
            if SKIP {
                if let Some(nl) = memchr::memchr(b'\n', window) {
                    if skip(&data[..=nl]) {
                        data = &data[nl + 1..];
                        continue;
                    }
                }
            }
            // One pass finds the newline, or a NUL first (then the string ends there and
            // the piece still runs to the newline), noting the first separator on the way.
            let mut sep = None;
            let first = match memchr::memchr3(b'\n', 0, INTERP_SEPARATOR, window) {
                Some(s) if window[s] == INTERP_SEPARATOR => {
                    sep = Some(s);
                    memchr::memchr2(b'\n', 0, &window[s + 1..]).map(|i| s + 1 + i)
                }
                other => other,
            };
            let (end, strlen) = match first {
                Some(i) if window[i] == b'\n' => (i + 1, i + 1),
                Some(z) => match memchr::memchr(b'\n', &window[z..]) {
                    Some(n) => (z + n + 1, z),
                    None if window.len() == PIECE => (PIECE, z),
                    None => {
                        self.carry.extend_from_slice(data);
                        return true;
                    }
                },
                None if window.len() == PIECE => (PIECE, PIECE),
                None => {
                    self.carry.extend_from_slice(data);
                    return true;
                }
            };
            if !f(
                Piece {
                    text: &data[..strlen],
                    sep,
                },
                end,
            ) {
                return false;
            }
            data = &data[end..];
        }
    }

    /// Ends the input: a last piece without newline is delivered.
    pub fn finish(&mut self, f: &mut dyn FnMut(&[u8]) -> bool) -> bool {
        if self.carry.is_empty() {
            return true;
        }
        let piece = std::mem::take(&mut self.carry);
        f(cstr(&piece))
    }

    /// [`Splitter::finish`] with the separator position, as [`Splitter::feed_pieces`].
    pub fn finish_pieces(&mut self, f: &mut dyn FnMut(Piece<'_>) -> bool) -> bool {
        self.finish(&mut |p| f(Piece::of(p)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut s = Splitter::new();
        let mut out = Vec::new();
        for c in chunks {
            s.feed(c, &mut |p| {
                out.push(p.to_vec());
                true
            });
        }
        s.finish(&mut |p| {
            out.push(p.to_vec());
            true
        });
        out
    }

    #[test]
    fn lengths_count_every_byte() {
        let text: &[u8] = b"ab\0cd\nx\n\nlong";
        let mut s = Splitter::new();
        let mut total = 0;
        for c in text.chunks(3) {
            s.feed_with_len(c, &mut |_, n| {
                total += n;
                true
            });
        }
        s.finish_with_len(&mut |_, n| {
            total += n;
            true
        });
        assert_eq!(total, text.len());
    }

    #[test]
    fn lines_across_chunks() {
        assert_eq!(
            split(&[b"ab\ncd", b"e\nf"]),
            vec![b"ab\n".to_vec(), b"cde\n".to_vec(), b"f".to_vec()]
        );
    }

    #[test]
    fn nul_ends_the_string() {
        assert_eq!(
            split(&[b"ab\0cd\nx\n"]),
            vec![b"ab".to_vec(), b"x\n".to_vec()]
        );
    }

    #[test]
    fn long_lines_split_like_fgets() {
        let mut line = vec![b'a'; PIECE + 10];
        line.push(b'\n');
        let got = split(&[&line[..100], &line[100..]]);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].len(), PIECE);
        assert_eq!(got[1].len(), 11);
        let got = split(&[&line]);
        assert_eq!(got[0].len(), PIECE);
    }
}

#[cfg(test)]
mod piece_tests {
    use super::*;

    #[test]
    fn separator_found_in_the_same_pass() {
        let data: &[u8] = b"a\x1db\x1dc\nno sep\nz\0\x1d after nul\n\x1d\nlast\x1d";
        for cut in 0..data.len() {
            let mut s = Splitter::new();
            let mut got = Vec::new();
            for c in [&data[..cut], &data[cut..]] {
                s.feed_pieces(c, &mut |p| {
                    got.push((p.text.to_vec(), p.sep));
                    true
                });
            }
            s.finish_pieces(&mut |p| {
                got.push((p.text.to_vec(), p.sep));
                true
            });
            let seps: Vec<_> = got.iter().map(|p| p.1).collect();
            assert_eq!(
                seps,
                vec![Some(1), None, None, Some(0), Some(4)],
                "cut {cut}"
            );
            for (text, sep) in got {
                assert_eq!(sep, memchr::memchr(INTERP_SEPARATOR, &text));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn skipping_drops_only_the_lines_it_takes(
            text in proptest::collection::vec(
                proptest::sample::select(&b"ab\n\n\x00\x1dxyz"[..]), 0..400),
            cuts in proptest::collection::vec(0usize..400, 0..6),
        ) {
            // long lines too: one in three runs repeats the text past PIECE
            let mut text = text;
            if cuts.len() % 3 == 2 {
                let t = text.clone();
                while text.len() < PIECE + 300 && !t.is_empty() {
                    text.extend_from_slice(&t);
                }
            }
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (text.len() + 1)).collect();
            cuts.sort_unstable();
            let chunks = |t: &[u8]| {
                let mut v = Vec::new();
                let mut at = 0;
                for &c in &cuts {
                    v.push(t[at..c.max(at)].to_vec());
                    at = c.max(at);
                }
                v.push(t[at..].to_vec());
                v
            };
            let mut want = Vec::new();
            let mut s = Splitter::new();
            for c in chunks(&text) {
                s.feed_pieces_with_len(&c, &mut |p, n| {
                    want.push((p.text.to_vec(), p.sep, n));
                    true
                });
            }
            let mut got = Vec::new();
            let mut s = Splitter::new();
            for c in chunks(&text) {
                let got = std::cell::RefCell::new(&mut got);
                s.feed_pieces_with_len_skipping(
                    &c,
                    &mut |line| {
                        if line.first() != Some(&b'a') {
                            return false;
                        }
                        let p = Piece::of(cstr(line));
                        got.borrow_mut().push((p.text.to_vec(), p.sep, line.len()));
                        true
                    },
                    &mut |p, n| {
                        got.borrow_mut().push((p.text.to_vec(), p.sep, n));
                        true
                    },
                );
            }
            proptest::prop_assert_eq!(got, want);
        }
    }
}
