//! The audit dispatcher's plugin protocol: what a plugin reads on its stdin
//! (or from the `af_unix` socket).
//!
//! Two formats exist, chosen per plugin by `format =` in its config:
//!
//! * **string**: one text line per record, `\n`-terminated, EOE records
//!   included. For protocol [`AUDISP_PROTOCOL_VER`] the line is
//!   `type=NAME msg=PAYLOAD`, for [`AUDISP_PROTOCOL_VER2`] it is the record as
//!   the daemon formatted it (with `node=`, or ENRICHED). Newlines inside a
//!   record are turned into spaces ([`format_string_record`]).
//! * **binary**: an `audit_dispatcher_header` (four host-endian `u32`s: `ver`,
//!   `hlen`, `type`, `size`) followed by the record's bytes. auditd 3.0.9
//!   always writes a data area of [`MAX_AUDIT_MESSAGE_LENGTH`] bytes after the
//!   header, of which only the first `size` are meaningful
//!   ([`Layout::Padded`]); [`Layout::Compact`] writes exactly `size` bytes.
//!
//! Everything here is sans-IO: encoders append to a `Vec<u8>`, decoders are
//! fed bytes and hand out frames, never panicking on hostile input.

/// Protocol version 0: the data is the kernel's payload (`audit(…): …`).
pub const AUDISP_PROTOCOL_VER: u32 = 0;
/// Protocol version 1 ("VER2" in libaudit.h): the data is the record as the
/// daemon formatted it (`node=… type=… msg=…` or ENRICHED).
pub const AUDISP_PROTOCOL_VER2: u32 = 1;
/// `sizeof(struct audit_dispatcher_header)`.
pub const HEADER_LEN: usize = 16;
/// libaudit's `MAX_AUDIT_MESSAGE_LENGTH`: the largest record, and the size of
/// the data area auditd 3.0.9 writes after every binary header.
pub const MAX_AUDIT_MESSAGE_LENGTH: usize = 8970;
/// Default longest string-format line accepted by [`LineDecoder`] (a record
/// plus its `type=UNKNOWN[…] msg=` prefix).
pub const MAX_LINE: usize = MAX_AUDIT_MESSAGE_LENGTH + 64;

/// A malformed dispatcher stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AudispError {
    /// `ver` is neither 0 nor 1.
    #[error("unknown dispatcher protocol version {0} (expected 0 or 1)")]
    BadVersion(u32),
    /// `hlen` is not the header's size.
    #[error("bad dispatcher header length {0} (expected 16)")]
    BadHeaderLength(u32),
    /// `size` is larger than a record can be.
    #[error("dispatcher record size {size} exceeds the maximum of {max} bytes")]
    Oversize {
        /// The size the header claims.
        size: u32,
        /// The largest accepted.
        max: usize,
    },
    /// The stream ended inside a frame.
    #[error("stream ends inside a record: {have} of {need} bytes")]
    Truncated {
        /// Bytes of the frame received.
        have: usize,
        /// Bytes the frame needs.
        need: usize,
    },
    /// A string-format line longer than the limit (the decoder skips it).
    #[error("line longer than {max} bytes skipped")]
    LineTooLong {
        /// The limit.
        max: usize,
    },
}

/// `struct audit_dispatcher_header`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DispatcherHeader {
    /// Protocol version: [`AUDISP_PROTOCOL_VER`] or [`AUDISP_PROTOCOL_VER2`].
    pub ver: u32,
    /// Header length (16).
    pub hlen: u32,
    /// The record type.
    pub rtype: u32,
    /// Meaningful bytes of data after the header.
    pub size: u32,
}

impl DispatcherHeader {
    /// A header for `size` bytes of a record of type `rtype`.
    pub fn new(ver: u32, rtype: u32, size: u32) -> Self {
        DispatcherHeader {
            ver,
            hlen: HEADER_LEN as u32,
            rtype,
            size,
        }
    }

    /// The 16 bytes, host byte order (as auditd writes the struct).
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[0..4].copy_from_slice(&self.ver.to_ne_bytes());
        b[4..8].copy_from_slice(&self.hlen.to_ne_bytes());
        b[8..12].copy_from_slice(&self.rtype.to_ne_bytes());
        b[12..16].copy_from_slice(&self.size.to_ne_bytes());
        b
    }

    /// Reads a header from the first 16 bytes, without validating it.
    pub fn from_bytes(b: &[u8]) -> Result<Self, AudispError> {
        if b.len() < HEADER_LEN {
            return Err(AudispError::Truncated {
                have: b.len(),
                need: HEADER_LEN,
            });
        }
        let u = |i: usize| u32::from_ne_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        Ok(DispatcherHeader {
            ver: u(0),
            hlen: u(4),
            rtype: u(8),
            size: u(12),
        })
    }

    /// Checks version, header length and size against `max` data bytes.
    pub fn validate(&self, max: usize) -> Result<(), AudispError> {
        if self.ver != AUDISP_PROTOCOL_VER && self.ver != AUDISP_PROTOCOL_VER2 {
            return Err(AudispError::BadVersion(self.ver));
        }
        if self.hlen as usize != HEADER_LEN {
            return Err(AudispError::BadHeaderLength(self.hlen));
        }
        if self.size as usize > max {
            return Err(AudispError::Oversize {
                size: self.size,
                max,
            });
        }
        Ok(())
    }
}

/// How many bytes follow a binary header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// auditd 3.0.9: always [`MAX_AUDIT_MESSAGE_LENGTH`] bytes (zero padded
    /// here; auditd leaves whatever its buffer held).
    #[default]
    Padded,
    /// Exactly `size` bytes.
    Compact,
}

impl Layout {
    fn area(self, size: usize) -> usize {
        match self {
            Layout::Padded => MAX_AUDIT_MESSAGE_LENGTH,
            Layout::Compact => size,
        }
    }
}

/// Appends one binary frame. Data longer than [`MAX_AUDIT_MESSAGE_LENGTH`]
/// is refused (auditd truncates records before they get here).
pub fn encode_frame(
    ver: u32,
    rtype: u32,
    data: &[u8],
    layout: Layout,
    out: &mut Vec<u8>,
) -> Result<(), AudispError> {
    if data.len() > MAX_AUDIT_MESSAGE_LENGTH {
        return Err(AudispError::Oversize {
            size: u32::try_from(data.len()).unwrap_or(u32::MAX),
            max: MAX_AUDIT_MESSAGE_LENGTH,
        });
    }
    let h = DispatcherHeader::new(ver, rtype, data.len() as u32);
    out.extend_from_slice(&h.to_bytes());
    out.extend_from_slice(data);
    let pad = layout.area(data.len()) - data.len();
    out.resize(out.len() + pad, 0);
    Ok(())
}

/// Appends the string-format line the dispatcher sends for one record:
/// `type=NAME msg=DATA\n` for [`AUDISP_PROTOCOL_VER`], `DATA\n` otherwise;
/// DATA stops at its first NUL (auditd prints it with `%.*s`) and newlines
/// inside it become spaces (a trailing one included, so a formatted record
/// that already ends in `\n` gets `" \n"`, as auditd sends it).
pub fn format_string_record(ver: u32, type_name: &[u8], data: &[u8], out: &mut Vec<u8>) {
    let data = match memchr_nul(data) {
        Some(i) => &data[..i],
        None => data,
    };
    let start = out.len();
    if ver == AUDISP_PROTOCOL_VER {
        out.extend_from_slice(b"type=");
        out.extend_from_slice(type_name);
        out.extend_from_slice(b" msg=");
    }
    out.extend_from_slice(data);
    for b in &mut out[start..] {
        if *b == b'\n' {
            *b = b' ';
        }
    }
    out.push(b'\n');
}

fn memchr_nul(d: &[u8]) -> Option<usize> {
    d.iter().position(|&b| b == 0)
}

/// One decoded binary frame, borrowed from the decoder's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The header.
    pub header: DispatcherHeader,
    /// The `size` meaningful bytes.
    pub data: &'a [u8],
}

/// Incremental decoder for the binary format.
///
/// Feed bytes with [`BinaryDecoder::feed`], take frames with
/// [`BinaryDecoder::next_frame`] until it returns `Ok(None)`. A bad header is
/// an error that sticks (the stream has no way to resynchronise).
#[derive(Debug, Clone)]
pub struct BinaryDecoder {
    buf: Vec<u8>,
    pos: usize,
    layout: Layout,
    max: usize,
    err: Option<AudispError>,
}

impl Default for BinaryDecoder {
    fn default() -> Self {
        Self::new(Layout::Padded)
    }
}

impl BinaryDecoder {
    /// A decoder for frames laid out as `layout`, records up to
    /// [`MAX_AUDIT_MESSAGE_LENGTH`] bytes.
    pub fn new(layout: Layout) -> Self {
        BinaryDecoder {
            buf: Vec::new(),
            pos: 0,
            layout,
            max: MAX_AUDIT_MESSAGE_LENGTH,
            err: None,
        }
    }

    /// Adds bytes read from the stream.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes received but not yet returned as frames.
    pub fn pending(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// The next complete frame, `Ok(None)` when more bytes are needed.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, AudispError> {
        if let Some(e) = &self.err {
            return Err(e.clone());
        }
        let rest = &self.buf[self.pos..];
        if rest.len() < HEADER_LEN {
            return Ok(None);
        }
        let h = DispatcherHeader::from_bytes(rest)?;
        if let Err(e) = h.validate(self.max) {
            self.err = Some(e.clone());
            return Err(e);
        }
        let size = h.size as usize;
        let need = HEADER_LEN + self.layout.area(size);
        if rest.len() < need {
            return Ok(None);
        }
        let start = self.pos + HEADER_LEN;
        self.pos += need;
        Ok(Some(Frame {
            header: h,
            data: &self.buf[start..start + size],
        }))
    }

    /// The stream ended: an error if it stopped inside a frame.
    pub fn finish(&self) -> Result<(), AudispError> {
        if let Some(e) = &self.err {
            return Err(e.clone());
        }
        let rest = &self.buf[self.pos..];
        if rest.is_empty() {
            return Ok(());
        }
        let need = match DispatcherHeader::from_bytes(rest) {
            Ok(h) => HEADER_LEN + self.layout.area(h.size as usize),
            Err(_) => HEADER_LEN,
        };
        Err(AudispError::Truncated {
            have: rest.len(),
            need,
        })
    }
}

/// Incremental decoder for the string format: `\n`-terminated lines.
///
/// Lines longer than the limit are skipped up to their newline and reported
/// once as [`AudispError::LineTooLong`]; decoding continues after them.
#[derive(Debug, Clone)]
pub struct LineDecoder {
    buf: Vec<u8>,
    pos: usize,
    scanned: usize,
    max: usize,
    skipping: bool,
}

impl Default for LineDecoder {
    fn default() -> Self {
        Self::new(MAX_LINE)
    }
}

impl LineDecoder {
    /// A decoder accepting lines of up to `max` bytes (newline excluded).
    pub fn new(max: usize) -> Self {
        LineDecoder {
            buf: Vec::new(),
            pos: 0,
            scanned: 0,
            max,
            skipping: false,
        }
    }

    /// Adds bytes read from the stream.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.scanned -= self.pos;
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next line without its `\n`; `Ok(None)` when more bytes are needed.
    pub fn next_line(&mut self) -> Result<Option<&[u8]>, AudispError> {
        loop {
            let from = self.scanned.max(self.pos);
            match self.buf[from..].iter().position(|&b| b == b'\n') {
                Some(i) => {
                    let end = from + i;
                    let start = self.pos;
                    self.pos = end + 1;
                    self.scanned = self.pos;
                    if self.skipping {
                        self.skipping = false;
                        continue;
                    }
                    if end - start > self.max {
                        return Err(AudispError::LineTooLong { max: self.max });
                    }
                    return Ok(Some(&self.buf[start..end]));
                }
                None => {
                    self.scanned = self.buf.len();
                    if self.skipping {
                        // Drop what is being skipped.
                        self.pos = self.buf.len();
                        return Ok(None);
                    }
                    if self.buf.len() - self.pos > self.max {
                        self.skipping = true;
                        self.pos = self.buf.len();
                        self.scanned = self.pos;
                        return Err(AudispError::LineTooLong { max: self.max });
                    }
                    return Ok(None);
                }
            }
        }
    }

    /// The stream ended: the unterminated last line, if any.
    pub fn finish(&mut self) -> Option<&[u8]> {
        if self.skipping || self.pos >= self.buf.len() {
            return None;
        }
        let start = self.pos;
        self.pos = self.buf.len();
        self.scanned = self.pos;
        Some(&self.buf[start..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_bytes_are_host_endian_u32s() {
        let h = DispatcherHeader::new(AUDISP_PROTOCOL_VER2, 1300, 5);
        let b = h.to_bytes();
        assert_eq!(&b[0..4], &1u32.to_ne_bytes());
        assert_eq!(&b[4..8], &16u32.to_ne_bytes());
        assert_eq!(&b[8..12], &1300u32.to_ne_bytes());
        assert_eq!(&b[12..16], &5u32.to_ne_bytes());
        assert_eq!(DispatcherHeader::from_bytes(&b), Ok(h));
    }

    #[test]
    fn padded_frames_have_the_full_data_area() {
        let mut out = Vec::new();
        encode_frame(0, 1320, b"audit(1.000:1): ", Layout::Padded, &mut out).unwrap();
        assert_eq!(out.len(), HEADER_LEN + MAX_AUDIT_MESSAGE_LENGTH);
        let mut d = BinaryDecoder::new(Layout::Padded);
        // Byte by byte: partial headers and data wait for more.
        for (i, b) in out.iter().enumerate() {
            d.feed(std::slice::from_ref(b));
            let f = d.next_frame().unwrap();
            if i + 1 < out.len() {
                assert!(f.is_none(), "frame early at {i}");
            } else {
                let f = f.unwrap();
                assert_eq!(f.header.rtype, 1320);
                assert_eq!(f.data, b"audit(1.000:1): ");
            }
        }
        assert_eq!(d.finish(), Ok(()));
    }

    #[test]
    fn compact_frames_back_to_back() {
        let mut out = Vec::new();
        encode_frame(1, 1300, b"a", Layout::Compact, &mut out).unwrap();
        encode_frame(0, 1307, b"", Layout::Compact, &mut out).unwrap();
        encode_frame(1, 1320, b"ccc", Layout::Compact, &mut out).unwrap();
        let mut d = BinaryDecoder::new(Layout::Compact);
        d.feed(&out);
        let mut got = Vec::new();
        while let Some(f) = d.next_frame().unwrap() {
            got.push((f.header.ver, f.header.rtype, f.data.to_vec()));
        }
        assert_eq!(
            got,
            vec![
                (1, 1300, b"a".to_vec()),
                (0, 1307, vec![]),
                (1, 1320, b"ccc".to_vec())
            ]
        );
    }

    #[test]
    fn bad_headers_are_typed_errors_that_stick() {
        let mut d = BinaryDecoder::new(Layout::Compact);
        d.feed(&DispatcherHeader::new(7, 1, 0).to_bytes());
        assert_eq!(d.next_frame(), Err(AudispError::BadVersion(7)));
        assert_eq!(d.next_frame(), Err(AudispError::BadVersion(7)));
        assert!(d.finish().is_err());

        let mut d = BinaryDecoder::new(Layout::Compact);
        let mut h = DispatcherHeader::new(0, 1, 0);
        h.hlen = 20;
        d.feed(&h.to_bytes());
        assert_eq!(d.next_frame(), Err(AudispError::BadHeaderLength(20)));

        let mut d = BinaryDecoder::new(Layout::Padded);
        d.feed(&DispatcherHeader::new(0, 1, u32::MAX).to_bytes());
        assert!(matches!(
            d.next_frame(),
            Err(AudispError::Oversize { size: u32::MAX, .. })
        ));
    }

    #[test]
    fn truncated_stream() {
        let mut out = Vec::new();
        encode_frame(0, 1300, b"hello", Layout::Compact, &mut out).unwrap();
        let mut d = BinaryDecoder::new(Layout::Compact);
        d.feed(&out[..18]);
        assert_eq!(d.next_frame(), Ok(None));
        assert_eq!(
            d.finish(),
            Err(AudispError::Truncated { have: 18, need: 21 })
        );
        let mut d = BinaryDecoder::new(Layout::Compact);
        d.feed(&out[..3]);
        assert_eq!(
            d.finish(),
            Err(AudispError::Truncated { have: 3, need: 16 })
        );
    }

    #[test]
    fn oversize_data_is_refused_by_the_encoder() {
        let mut out = Vec::new();
        let big = vec![b'x'; MAX_AUDIT_MESSAGE_LENGTH + 1];
        assert!(encode_frame(0, 1, &big, Layout::Compact, &mut out).is_err());
        assert!(out.is_empty());
    }

    #[test]
    fn string_lines_as_the_dispatcher_sends_them() {
        let mut out = Vec::new();
        format_string_record(0, b"SYSCALL", b"audit(1.0:2): a=1\nb=2", &mut out);
        assert_eq!(out, b"type=SYSCALL msg=audit(1.0:2): a=1 b=2\n");
        out.clear();
        format_string_record(1, b"", b"node=h type=EOE msg=audit(1.0:2): \n", &mut out);
        assert_eq!(out, b"node=h type=EOE msg=audit(1.0:2):  \n");
        out.clear();
        format_string_record(0, b"USER", b"audit(1.0:3): x\0junk", &mut out);
        assert_eq!(out, b"type=USER msg=audit(1.0:3): x\n");
    }

    #[test]
    fn lines_incremental_and_too_long() {
        let mut d = LineDecoder::new(8);
        d.feed(b"abc\nde");
        assert_eq!(d.next_line(), Ok(Some(&b"abc"[..])));
        assert_eq!(d.next_line(), Ok(None));
        d.feed(b"f\n0123456789");
        assert_eq!(d.next_line(), Ok(Some(&b"def"[..])));
        assert_eq!(d.next_line(), Err(AudispError::LineTooLong { max: 8 }));
        assert_eq!(d.next_line(), Ok(None));
        d.feed(b"more\nok\ntail");
        assert_eq!(d.next_line(), Ok(Some(&b"ok"[..])));
        assert_eq!(d.next_line(), Ok(None));
        assert_eq!(d.finish(), Some(&b"tail"[..]));
        assert_eq!(d.finish(), None);
        // A long line that arrives whole is reported and skipped too.
        let mut d = LineDecoder::new(3);
        d.feed(b"toolong\nx\n");
        assert_eq!(d.next_line(), Err(AudispError::LineTooLong { max: 3 }));
        assert_eq!(d.next_line(), Ok(Some(&b"x"[..])));
    }
}
