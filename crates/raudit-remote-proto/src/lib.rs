//! The audit remote-logging wire protocol, as `audisp-remote` and the
//! `auditd` TCP listener of audit-userspace 3.0.9 speak it, plus raudit's
//! backwards-compatible extension. Pure and sans-IO: bytes in, frames out.
//!
//! # The managed protocol
//!
//! Every message is a 16-byte header followed by `length` payload bytes.
//! All integers are little-endian (the C code packs them byte by byte,
//! least significant first):
//!
//! | offset | size | field            | value                                   |
//! |-------:|-----:|------------------|-----------------------------------------|
//! | 0      | 4    | magic            | `0xff0000fe` (no byte is LF)            |
//! | 4      | 1    | header_version   | 0                                       |
//! | 5      | 1    | message_version  | 0 (raudit: see *Extension* below)       |
//! | 6      | 4    | type             | [`kind`] constants                      |
//! | 10     | 2    | length           | payload bytes, 0..=[`MAX_MESSAGE_LENGTH`] |
//! | 12     | 4    | sequence         | chosen by the sender, copied to a reply |
//!
//! A client sends `MESSAGE` (payload: one record followed by `\n`) and
//! `HEARTBEAT` (empty payload). The server answers each with exactly one reply,
//! in order, carrying the same sequence: `ACK` once the record is written,
//! `DISKLOW` (written, but space is low), `DISKFULL` / `DISKERROR` (not
//! written), with an optional text payload. `ENDING` may come at any time: the
//! server is going down. Replies have bit `0x40000000` set; `0x20000000` marks
//! a fatal error and `0x10000000` a warning.
//!
//! # The ascii protocol
//!
//! Records, each terminated by `\n`, no replies. A server tells the two apart
//! per message, as `auditd` does: a message starting with the magic is a
//! managed frame, anything else runs to the next LF ([`Mode::Auto`]).
//!
//! # raudit's extension (negotiated, invisible to the real tools)
//!
//! Bit [`MVER_RAUDIT`] (`0x80`) of `message_version` marks extension traffic.
//! A real `auditd` never looks at `message_version` nor at a heartbeat's
//! payload (`auditd-listen.c` answers every heartbeat with a plain
//! `ACK`, message version 0, empty payload), and a real `audisp-remote`
//! ignores both in replies. So:
//!
//! 1. Right after connecting, a raudit client sends a **hello**: a
//!    `HEARTBEAT` with message version [`MVER_RAUDIT`], sequence 0 and the
//!    payload of [`Hello::encode`] (`raudit-hello 1 stream=<16 hex> [node=<name>]`).
//!    The stream id is chosen once per queue file and names the sequence
//!    space of the records in it (it survives client restarts).
//! 2. A raudit server answers with an `ACK` whose message version has
//!    [`MVER_RAUDIT`] set and whose payload is a [`HelloAck`]
//!    (`raudit-hello 1 [last=<seq>]`): `last` is the highest sequence of
//!    that stream the server has already written, if it knows the stream.
//!    A real `auditd` answers a plain `ACK`: the client then speaks the plain
//!    protocol for the whole connection (message version 0, no EOE records).
//! 3. On a negotiated connection every client frame carries [`MVER_RAUDIT`];
//!    end-of-event records (`type=EOE`) are forwarded too, as `MESSAGE`s with
//!    [`MVER_EOE`] also set, so the collector closes events exactly instead
//!    of guessing with a timeout.
//!
//! A raudit server only sets [`MVER_RAUDIT`] in the reply to a hello, never
//! on its own; a raudit client only sends extension frames after that reply.
//!
//! ## Sequences and de-duplication
//!
//! Within one stream the client gives `MESSAGE`s strictly increasing
//! sequences in serial-number arithmetic ([`seq_after`], modulo 2^32, 0
//! skipped: 0 is reserved for heartbeats) and stores each sequence with the
//! record in its write-ahead queue, so a resend after a reconnect or a client
//! restart carries the same sequence, and resends go in order. A collector that
//! remembers, per stream, the last sequence it wrote (durably, with the log)
//! drops any `MESSAGE` whose sequence is not after it — it still ACKs it, so
//! the client can drop it from its queue — and every record lands exactly once.
//! Clients pipeline frames, so a collector that does *not* write a record
//! (`DISKFULL`, `DISKERROR`, a fatal reply) must not write any later record of
//! that connection either (it closes the connection after the reply):
//! otherwise the refused record would fall below the high-water mark and be
//! dropped as a duplicate when it is resent.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod decode;
mod hello;

pub use decode::{DecodeError, Decoder, Item, Mode};
pub use hello::{Hello, HelloAck, StreamId};

/// Size of the managed header.
pub const HEADER_SIZE: usize = 16;
/// The magic number at the start of every managed frame.
pub const MAGIC: u32 = 0xff00_00fe;
/// The magic as it appears on the wire.
pub const MAGIC_BYTES: [u8; 4] = MAGIC.to_le_bytes();
/// The only header layout version there is.
pub const HEADER_VERSION: u8 = 0;
/// Largest payload (and largest ascii line) a peer accepts: libaudit's
/// `MAX_AUDIT_MESSAGE_LENGTH`.
pub const MAX_MESSAGE_LENGTH: usize = 8970;

/// raudit extension bit in `message_version` (see the crate docs).
pub const MVER_RAUDIT: u8 = 0x80;
/// With [`MVER_RAUDIT`]: this `MESSAGE` carries an end-of-event record.
pub const MVER_EOE: u8 = 0x01;

/// Message types (`AUDIT_RMW_TYPE_*`) and the masks that classify them.
pub mod kind {
    /// A record.
    pub const MESSAGE: u32 = 0x0000_0000;
    /// Keep-alive; answered with an `ACK`.
    pub const HEARTBEAT: u32 = 0x0000_0001;
    /// Written.
    pub const ACK: u32 = 0x4000_0000;
    /// The server is going down.
    pub const ENDING: u32 = 0x4000_0001;
    /// Written, but the server's disk is low on space.
    pub const DISKLOW: u32 = 0x5000_0001;
    /// Not written: disk full.
    pub const DISKFULL: u32 = 0x6000_0001;
    /// Not written: disk error.
    pub const DISKERROR: u32 = 0x6000_0002;
    /// Set on every reply.
    pub const REPLY_MASK: u32 = 0x4000_0000;
    /// Set on replies reporting a fatal error.
    pub const FATAL_MASK: u32 = 0x2000_0000;
    /// Set on replies reporting success with a warning.
    pub const WARN_MASK: u32 = 0x1000_0000;
    /// The detail part of a type.
    pub const DETAIL_MASK: u32 = 0x000F_FFFF;
}

/// A managed-protocol header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Layout version (0; not checked on decode, as `auditd` does not).
    pub header_version: u8,
    /// Message version: 0 for the real tools; see [`MVER_RAUDIT`].
    pub message_version: u8,
    /// Message type, see [`kind`].
    pub kind: u32,
    /// Payload length.
    pub length: u16,
    /// Sequence number, copied into the reply.
    pub sequence: u32,
}

impl Header {
    /// A version-0 header.
    pub fn new(kind: u32, message_version: u8, length: u16, sequence: u32) -> Header {
        Header {
            header_version: HEADER_VERSION,
            message_version,
            kind,
            length,
            sequence,
        }
    }

    /// The 16 wire bytes.
    pub fn encode(&self) -> [u8; HEADER_SIZE] {
        let mut h = [0u8; HEADER_SIZE];
        h[0..4].copy_from_slice(&MAGIC_BYTES);
        h[4] = self.header_version;
        h[5] = self.message_version;
        h[6..10].copy_from_slice(&self.kind.to_le_bytes());
        h[10..12].copy_from_slice(&self.length.to_le_bytes());
        h[12..16].copy_from_slice(&self.sequence.to_le_bytes());
        h
    }

    /// Parses 16 wire bytes: checks the magic and the length bound.
    pub fn decode(h: &[u8; HEADER_SIZE]) -> Result<Header, DecodeError> {
        if h[0..4] != MAGIC_BYTES {
            return Err(DecodeError::BadMagic([h[0], h[1], h[2], h[3]]));
        }
        let header = Header {
            header_version: h[4],
            message_version: h[5],
            kind: u32::from_le_bytes([h[6], h[7], h[8], h[9]]),
            length: u16::from_le_bytes([h[10], h[11]]),
            sequence: u32::from_le_bytes([h[12], h[13], h[14], h[15]]),
        };
        if usize::from(header.length) > MAX_MESSAGE_LENGTH {
            return Err(DecodeError::TooLong {
                length: usize::from(header.length),
            });
        }
        Ok(header)
    }

    /// True for replies (`ACK`, `ENDING`, disk errors, …).
    pub fn is_reply(&self) -> bool {
        self.kind & kind::REPLY_MASK != 0
    }

    /// True when the message version carries raudit's extension bit.
    pub fn is_raudit(&self) -> bool {
        self.message_version & MVER_RAUDIT != 0
    }
}

/// A decoded managed frame, borrowing its payload from the decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The header.
    pub header: Header,
    /// `header.length` bytes.
    pub payload: &'a [u8],
}

impl<'a> Frame<'a> {
    /// The payload without one trailing LF (what `auditd` writes to its log).
    pub fn record(&self) -> &'a [u8] {
        self.payload.strip_suffix(b"\n").unwrap_or(self.payload)
    }

    /// On a negotiated connection: this `MESSAGE` is an end-of-event record.
    pub fn is_eoe(&self) -> bool {
        self.header.kind == kind::MESSAGE
            && self.header.message_version & (MVER_RAUDIT | MVER_EOE) == (MVER_RAUDIT | MVER_EOE)
    }
}

/// A payload too long for the protocol.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("payload of {length} bytes exceeds the protocol's {MAX_MESSAGE_LENGTH}")]
pub struct TooLong {
    /// The offending length.
    pub length: usize,
}

/// Appends one managed frame (header + payload) to `out`.
pub fn encode_frame(
    out: &mut Vec<u8>,
    kind: u32,
    message_version: u8,
    sequence: u32,
    payload: &[u8],
) -> Result<(), TooLong> {
    let length = match u16::try_from(payload.len()) {
        Ok(l) if payload.len() <= MAX_MESSAGE_LENGTH => l,
        _ => {
            return Err(TooLong {
                length: payload.len(),
            })
        }
    };
    out.extend_from_slice(&Header::new(kind, message_version, length, sequence).encode());
    out.extend_from_slice(payload);
    Ok(())
}

/// Appends one ascii-protocol record: `record` up to its first LF, then LF.
/// A record longer than [`MAX_MESSAGE_LENGTH`] - 1 bytes is cut there, as the
/// real client's line reader does.
pub fn encode_ascii(out: &mut Vec<u8>, record: &[u8]) {
    let end = memchr::memchr(b'\n', record).unwrap_or(record.len());
    let end = end.min(MAX_MESSAGE_LENGTH - 1);
    out.extend_from_slice(&record[..end]);
    out.push(b'\n');
}

/// Serial-number comparison (RFC 1982 style, modulo 2^32): is `a` after `b`?
pub fn seq_after(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

/// The sequence after `s` for a `MESSAGE` (0 is skipped: it is the
/// heartbeat's).
pub fn next_seq(s: u32) -> u32 {
    match s.wrapping_add(1) {
        0 => 1,
        n => n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_layout_matches_the_c_macros() {
        // AUDIT_RMW_PACK_HEADER(h, 0, AUDIT_RMW_TYPE_DISKLOW, 0x1234, 0xa1b2c3d4)
        let h = Header::new(kind::DISKLOW, 0, 0x1234, 0xa1b2_c3d4).encode();
        assert_eq!(
            h,
            [
                0xfe, 0x00, 0x00, 0xff, 0, 0, 0x01, 0x00, 0x00, 0x50, 0x34, 0x12, 0xd4, 0xc3, 0xb2,
                0xa1
            ]
        );
        assert!(!MAGIC_BYTES.contains(&b'\n'));
        assert_eq!(Header::decode(&h).unwrap().kind, kind::DISKLOW);
    }

    #[test]
    fn oversize_and_bad_magic_are_typed() {
        let mut h = Header::new(kind::MESSAGE, 0, 8971, 1).encode();
        assert_eq!(
            Header::decode(&h),
            Err(DecodeError::TooLong { length: 8971 })
        );
        h[0] = b't';
        assert!(matches!(Header::decode(&h), Err(DecodeError::BadMagic(_))));
    }

    #[test]
    fn sequences_wrap_and_skip_zero() {
        assert_eq!(next_seq(u32::MAX), 1);
        assert!(seq_after(1, u32::MAX));
        assert!(!seq_after(5, 5));
        assert!(seq_after(6, 5));
        assert!(!seq_after(4, 5));
    }

    #[test]
    fn ascii_encoding_cuts_at_lf_and_bound() {
        let mut out = Vec::new();
        encode_ascii(&mut out, b"type=X msg=1\n");
        encode_ascii(&mut out, b"type=Y");
        assert_eq!(out, b"type=X msg=1\ntype=Y\n");
        out.clear();
        encode_ascii(&mut out, &[b'a'; 10_000]);
        assert_eq!(out.len(), MAX_MESSAGE_LENGTH);
    }
}
