//! Incremental decoding of a byte stream into managed frames and ascii lines.

use crate::{Frame, Header, HEADER_SIZE, MAGIC_BYTES, MAX_MESSAGE_LENGTH};

/// What a stream may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Managed frames only (a client reading replies): anything else is
    /// [`DecodeError::BadMagic`].
    Managed,
    /// Per message, as `auditd` reads: a managed frame when the message
    /// starts with the magic, else an ascii line up to LF.
    Auto,
}

/// One decoded message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item<'a> {
    /// A managed frame.
    Frame(Frame<'a>),
    /// An ascii-protocol record, without its LF.
    Line(&'a [u8]),
}

/// The stream is out of sync or hostile. After an error the decoder stays
/// failed (it returns the same error): the connection should be closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A managed frame was expected but these four bytes are not the magic.
    #[error("bad magic number {0:02x?}")]
    BadMagic([u8; 4]),
    /// The header announces more than [`MAX_MESSAGE_LENGTH`] payload bytes.
    #[error("message too long: {length} bytes (at most {MAX_MESSAGE_LENGTH})")]
    TooLong {
        /// The announced length.
        length: usize,
    },
    /// An ascii record without LF within [`MAX_MESSAGE_LENGTH`] bytes.
    #[error("ascii record without a line feed within {MAX_MESSAGE_LENGTH} bytes")]
    LineTooLong,
    /// The stream ended inside a managed frame.
    #[error("stream ended inside a frame: {have} of {need} bytes")]
    Truncated {
        /// Bytes received.
        have: usize,
        /// Bytes the frame needs (16 while the header is incomplete).
        need: usize,
    },
}

/// Incremental decoder: feed it bytes as they arrive (in any split), take
/// complete messages out. Memory: what was fed and not yet taken, compacted
/// on each feed.
#[derive(Debug)]
pub struct Decoder {
    mode: Mode,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// LF search of an incomplete ascii line resumes here (relative to start).
    scanned: usize,
    failed: Option<DecodeError>,
}

impl Decoder {
    /// An empty decoder.
    pub fn new(mode: Mode) -> Decoder {
        Decoder {
            mode,
            buf: Vec::new(),
            start: 0,
            end: 0,
            scanned: 0,
            failed: None,
        }
    }

    /// Bytes fed and not yet decoded.
    pub fn buffered(&self) -> usize {
        self.end - self.start
    }

    /// The error the decoder stopped on, if any.
    pub fn error(&self) -> Option<&DecodeError> {
        self.failed.as_ref()
    }

    /// Appends received bytes.
    pub fn feed(&mut self, data: &[u8]) {
        let n = data.len();
        self.spare(n)[..n].copy_from_slice(data);
        self.filled(n);
    }

    /// At least `want` writable bytes after the buffered ones, to read into
    /// directly; then call [`Decoder::filled`] with the count read.
    pub fn spare(&mut self, want: usize) -> &mut [u8] {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() < self.end + want {
            self.buf.resize(self.end + want, 0);
        }
        &mut self.buf[self.end..]
    }

    /// Records that `n` bytes were written into the slice [`Decoder::spare`]
    /// returned.
    pub fn filled(&mut self, n: usize) {
        self.end = (self.end + n).min(self.buf.len());
    }

    /// The next complete message, `Ok(None)` if more bytes are needed.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Item<'_>>, DecodeError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let avail = &self.buf[self.start..self.end];
        if avail.is_empty() {
            return Ok(None);
        }
        let head = &avail[..avail.len().min(4)];
        let managed_start = MAGIC_BYTES.starts_with(head);
        if self.mode == Mode::Managed && !managed_start {
            let mut m = [0u8; 4];
            m[..head.len()].copy_from_slice(head);
            return self.fail(DecodeError::BadMagic(m));
        }
        if managed_start {
            if avail.len() < HEADER_SIZE {
                return Ok(None);
            }
            let mut h = [0u8; HEADER_SIZE];
            h.copy_from_slice(&avail[..HEADER_SIZE]);
            let header = match Header::decode(&h) {
                Ok(h) => h,
                Err(e) => return self.fail(e),
            };
            let need = HEADER_SIZE + usize::from(header.length);
            if avail.len() < need {
                return Ok(None);
            }
            let s = self.start;
            self.consume(need);
            return Ok(Some(Item::Frame(Frame {
                header,
                payload: &self.buf[s + HEADER_SIZE..s + need],
            })));
        }
        let limit = avail.len().min(MAX_MESSAGE_LENGTH);
        match memchr::memchr(b'\n', &avail[self.scanned.min(limit)..limit]) {
            Some(i) => {
                let i = self.scanned.min(limit) + i;
                let s = self.start;
                self.consume(i + 1);
                Ok(Some(Item::Line(&self.buf[s..s + i])))
            }
            None if avail.len() >= MAX_MESSAGE_LENGTH => self.fail(DecodeError::LineTooLong),
            None => {
                self.scanned = limit;
                Ok(None)
            }
        }
    }

    /// At end of stream: the last ascii record if it lacks its LF (as
    /// `auditd` logs it), an error if a managed frame is incomplete.
    pub fn finish(&mut self) -> Result<Option<Item<'_>>, DecodeError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let avail = &self.buf[self.start..self.end];
        if avail.is_empty() {
            return Ok(None);
        }
        let head = &avail[..avail.len().min(4)];
        if self.mode == Mode::Managed || MAGIC_BYTES.starts_with(head) {
            let need = if avail.len() >= HEADER_SIZE {
                HEADER_SIZE + usize::from(u16::from_le_bytes([avail[10], avail[11]]))
            } else {
                HEADER_SIZE
            };
            let have = avail.len();
            return self.fail(DecodeError::Truncated { have, need });
        }
        let (s, n) = (self.start, avail.len());
        self.consume(n);
        Ok(Some(Item::Line(&self.buf[s..s + n])))
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        self.scanned = 0;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    fn fail<T>(&mut self, e: DecodeError) -> Result<T, DecodeError> {
        self.failed = Some(e.clone());
        Err(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{encode_frame, kind, Header};
    use proptest::prelude::*;

    fn frames(d: &mut Decoder) -> Vec<(Header, Vec<u8>)> {
        let mut out = Vec::new();
        while let Ok(Some(item)) = d.next() {
            match item {
                Item::Frame(f) => out.push((f.header, f.payload.to_vec())),
                Item::Line(l) => out.push((Header::new(u32::MAX, 0, 0, 0), l.to_vec())),
            }
        }
        out
    }

    #[test]
    fn partial_header_waits() {
        let mut wire = Vec::new();
        encode_frame(&mut wire, kind::ACK, 0, 9, b"ok").unwrap();
        let mut d = Decoder::new(Mode::Managed);
        for (i, b) in wire.iter().enumerate() {
            assert_eq!(d.next(), Ok(None), "byte {i}");
            d.feed(&[*b]);
        }
        let f = frames(&mut d);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0.sequence, 9);
        assert_eq!(f[0].1, b"ok");
        assert_eq!(d.buffered(), 0);
    }

    #[test]
    fn garbage_fails_and_stays_failed() {
        let mut d = Decoder::new(Mode::Managed);
        d.feed(b"x");
        assert_eq!(d.next(), Err(DecodeError::BadMagic([b'x', 0, 0, 0])));
        d.feed(&Header::new(kind::ACK, 0, 0, 1).encode());
        assert!(d.next().is_err());
    }

    #[test]
    fn oversize_length_is_refused_before_the_payload() {
        let mut h = Header::new(kind::MESSAGE, 0, 0, 1).encode();
        h[10..12].copy_from_slice(&65535u16.to_le_bytes());
        let mut d = Decoder::new(Mode::Auto);
        d.feed(&h);
        assert_eq!(d.next(), Err(DecodeError::TooLong { length: 65535 }));
    }

    #[test]
    fn auto_mode_mixes_lines_and_frames_like_auditd() {
        let mut wire = b"type=A msg=1\n".to_vec();
        encode_frame(&mut wire, kind::MESSAGE, 0, 2, b"type=B msg=2\n").unwrap();
        wire.extend_from_slice(b"type=C");
        let mut d = Decoder::new(Mode::Auto);
        d.feed(&wire);
        let got = frames(&mut d);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1, b"type=A msg=1");
        assert_eq!(got[1].1, b"type=B msg=2\n");
        assert_eq!(d.finish(), Ok(Some(Item::Line(b"type=C"))));
        assert_eq!(d.finish(), Ok(None));
    }

    #[test]
    fn a_magic_prefix_waits_for_more_in_auto_mode() {
        let mut d = Decoder::new(Mode::Auto);
        d.feed(&MAGIC_BYTES[..2]);
        assert_eq!(d.next(), Ok(None));
        assert_eq!(
            d.finish(),
            Err(DecodeError::Truncated { have: 2, need: 16 })
        );
    }

    #[test]
    fn long_ascii_line_is_refused() {
        let mut d = Decoder::new(Mode::Auto);
        d.feed(&[b'a'; 5000]);
        assert_eq!(d.next(), Ok(None));
        d.feed(&[b'a'; 5000]);
        assert_eq!(d.next(), Err(DecodeError::LineTooLong));
        let mut d = Decoder::new(Mode::Auto);
        let mut l = vec![b'a'; MAX_MESSAGE_LENGTH - 1];
        l.push(b'\n');
        d.feed(&l);
        assert!(matches!(d.next(), Ok(Some(Item::Line(x))) if x.len() == MAX_MESSAGE_LENGTH - 1));
    }

    #[test]
    fn finish_reports_a_cut_frame() {
        let mut wire = Vec::new();
        encode_frame(&mut wire, kind::MESSAGE, 0, 2, b"abcdef").unwrap();
        let mut d = Decoder::new(Mode::Managed);
        d.feed(&wire[..20]);
        assert_eq!(d.next(), Ok(None));
        assert_eq!(
            d.finish(),
            Err(DecodeError::Truncated { have: 20, need: 22 })
        );
    }

    proptest! {
        #[test]
        fn frames_round_trip_in_any_split(
            msgs in proptest::collection::vec(
                (any::<u32>(), any::<u8>(), any::<u32>(),
                 proptest::collection::vec(any::<u8>(), 0..300)), 0..20),
            cuts in proptest::collection::vec(1usize..64, 0..40),
        ) {
            let mut wire = Vec::new();
            for (k, mv, seq, p) in &msgs {
                encode_frame(&mut wire, *k, *mv, *seq, p).unwrap();
            }
            let mut d = Decoder::new(Mode::Managed);
            let mut got = Vec::new();
            let mut rest = &wire[..];
            let mut cuts = cuts.into_iter();
            while !rest.is_empty() {
                let n = cuts.next().unwrap_or(rest.len()).min(rest.len());
                d.feed(&rest[..n]);
                rest = &rest[n..];
                got.extend(frames(&mut d));
            }
            prop_assert_eq!(d.finish(), Ok(None));
            prop_assert_eq!(got.len(), msgs.len());
            for ((h, p), (k, mv, seq, p0)) in got.iter().zip(&msgs) {
                prop_assert_eq!(h.kind, *k);
                prop_assert_eq!(h.message_version, *mv);
                prop_assert_eq!(h.sequence, *seq);
                prop_assert_eq!(p, p0);
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..2000),
                                       auto in any::<bool>()) {
            let mut d = Decoder::new(if auto { Mode::Auto } else { Mode::Managed });
            let mut consumed = 0usize;
            for chunk in data.chunks(7) {
                d.feed(chunk);
                loop {
                    match d.next() {
                        Ok(Some(Item::Frame(f))) => consumed += HEADER_SIZE + f.payload.len(),
                        Ok(Some(Item::Line(l))) => consumed += l.len() + 1,
                        Ok(None) | Err(_) => break,
                    }
                }
            }
            if d.error().is_none() {
                prop_assert_eq!(consumed + d.buffered(), data.len());
            }
            let _ = d.finish();
        }
    }
}
