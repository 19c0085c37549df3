//! Netlink message framing for the audit protocol.

use crate::consts::*;
use crate::WireError;

/// `struct nlmsghdr`, host byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NlMsgHdr {
    /// Length of the message including this header, as the sender claims it.
    pub len: u32,
    /// Message type.
    pub ty: u16,
    /// `NLM_F_*` flags.
    pub flags: u16,
    /// Sequence number.
    pub seq: u32,
    /// Port id of the sender (0 = kernel).
    pub pid: u32,
}

impl NlMsgHdr {
    /// Encoded size.
    pub const LEN: usize = NLMSG_HDRLEN;

    /// Append the 16 header bytes to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.len.to_ne_bytes());
        out.extend_from_slice(&self.ty.to_ne_bytes());
        out.extend_from_slice(&self.flags.to_ne_bytes());
        out.extend_from_slice(&self.seq.to_ne_bytes());
        out.extend_from_slice(&self.pid.to_ne_bytes());
    }

    /// Decode the first 16 bytes of `buf`.
    pub fn decode(buf: &[u8]) -> Result<Self, WireError> {
        if buf.len() < Self::LEN {
            return Err(WireError::Truncated {
                what: "nlmsghdr",
                need: Self::LEN,
                got: buf.len(),
            });
        }
        Ok(NlMsgHdr {
            len: rd_u32(buf, 0),
            ty: u16::from_ne_bytes([buf[4], buf[5]]),
            flags: u16::from_ne_bytes([buf[6], buf[7]]),
            seq: rd_u32(buf, 8),
            pid: rd_u32(buf, 12),
        })
    }
}

/// Round `len` up to the netlink alignment (4 bytes).
pub const fn nlmsg_align(len: usize) -> usize {
    (len + 3) & !3
}

/// Build a complete request datagram: header (with `NLMSG_SPACE(payload)`
/// length, as libaudit sends it) then the payload, zero-padded.
pub fn encode_request(ty: u16, flags: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    let total = nlmsg_align(NLMSG_HDRLEN + payload.len());
    let mut out = Vec::with_capacity(total);
    NlMsgHdr {
        len: u32::try_from(total).unwrap_or(u32::MAX),
        ty,
        flags,
        seq,
        pid: 0,
    }
    .encode(&mut out);
    out.extend_from_slice(payload);
    out.resize(total, 0);
    out
}

/// One decoded netlink message borrowing its payload from the receive buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    /// The header as received.
    pub header: NlMsgHdr,
    /// The payload bytes.
    pub payload: &'a [u8],
}

/// Whether a message type carries an audit record (text) rather than a
/// control reply. For those the kernel's unicast path reports an `nlmsg_len`
/// that excludes the header, so the datagram length is what counts.
pub fn is_record_type(ty: u16) -> bool {
    ty >= AUDIT_FIRST_USER_MSG || ty == AUDIT_USER || ty == AUDIT_LOGIN
}

/// Decode the messages of one received datagram.
///
/// Control replies (`NLMSG_*`, `AUDIT_GET`, `AUDIT_LIST_RULES`, …) are framed
/// by `nlmsg_len` and may be batched; a record (types ≥ 1100) always fills the
/// rest of the datagram, because the kernel's unicast path sets `nlmsg_len`
/// without the header. Never panics on malformed input.
pub fn decode_datagram(buf: &[u8]) -> Result<Vec<Message<'_>>, WireError> {
    let mut out = Vec::new();
    let mut off = 0usize;
    while off < buf.len() {
        let rest = &buf[off..];
        if rest.len() < NLMSG_HDRLEN {
            if out.is_empty() {
                return Err(WireError::Truncated {
                    what: "nlmsghdr",
                    need: NLMSG_HDRLEN,
                    got: rest.len(),
                });
            }
            // Trailing padding.
            break;
        }
        let header = NlMsgHdr::decode(rest)?;
        if is_record_type(header.ty) {
            out.push(Message {
                header,
                payload: &rest[NLMSG_HDRLEN..],
            });
            break;
        }
        let len = header.len as usize;
        if len < NLMSG_HDRLEN || len > rest.len() {
            return Err(WireError::BadLength {
                claimed: header.len,
                available: rest.len(),
            });
        }
        out.push(Message {
            header,
            payload: &rest[NLMSG_HDRLEN..len],
        });
        off += nlmsg_align(len);
    }
    Ok(out)
}

/// The payload of an `NLMSG_ERROR` message: an errno (negative, 0 = ACK) and
/// the header of the request it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NlMsgErr {
    /// `-errno`, or 0 for an acknowledgement.
    pub error: i32,
    /// Header of the request, when the kernel echoed it.
    pub request: Option<NlMsgHdr>,
}

impl NlMsgErr {
    /// Decode an `NLMSG_ERROR` payload.
    pub fn decode(payload: &[u8]) -> Result<Self, WireError> {
        if payload.len() < 4 {
            return Err(WireError::Truncated {
                what: "nlmsgerr",
                need: 4,
                got: payload.len(),
            });
        }
        let error = i32::from_ne_bytes([payload[0], payload[1], payload[2], payload[3]]);
        let request = NlMsgHdr::decode(&payload[4..]).ok();
        Ok(NlMsgErr { error, request })
    }

    /// Encode (used by tests and fakes).
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.error.to_ne_bytes());
        if let Some(h) = self.request {
            h.encode(out);
        }
    }

    /// Whether this is a plain acknowledgement.
    pub fn is_ack(&self) -> bool {
        self.error == 0
    }

    /// The positive errno, if this is an error.
    pub fn errno(&self) -> Option<i32> {
        if self.error < 0 {
            Some(self.error.checked_neg().unwrap_or(i32::MAX))
        } else {
            None
        }
    }
}

pub(crate) fn rd_u32(buf: &[u8], off: usize) -> u32 {
    u32::from_ne_bytes([buf[off], buf[off + 1], buf[off + 2], buf[off + 3]])
}

/// Read a native-endian u32 at `off` if the buffer is long enough.
pub(crate) fn get_u32(buf: &[u8], off: usize) -> Option<u32> {
    let b = buf.get(off..off + 4)?;
    Some(u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip() {
        let h = NlMsgHdr {
            len: 60,
            ty: AUDIT_GET,
            flags: NLM_F_REQUEST | NLM_F_ACK,
            seq: 7,
            pid: 0,
        };
        let mut v = Vec::new();
        h.encode(&mut v);
        assert_eq!(v.len(), 16);
        assert_eq!(NlMsgHdr::decode(&v).unwrap(), h);
    }

    #[test]
    fn request_is_padded() {
        let r = encode_request(AUDIT_USER, NLM_F_REQUEST, 1, b"text=a\0");
        assert_eq!(r.len(), 24);
        let h = NlMsgHdr::decode(&r).unwrap();
        assert_eq!(h.len, 24);
        assert_eq!(&r[16..23], b"text=a\0");
    }

    #[test]
    fn record_uses_datagram_length() {
        // Unicast quirk: nlmsg_len excludes the header.
        let text = b"audit(1.2:3): hello";
        let mut v = Vec::new();
        NlMsgHdr {
            len: text.len() as u32,
            ty: 1300,
            flags: 0,
            seq: 0,
            pid: 0,
        }
        .encode(&mut v);
        v.extend_from_slice(text);
        let m = decode_datagram(&v).unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].payload, text);
    }

    #[test]
    fn batched_control_messages() {
        let mut v = encode_request(NLMSG_NOOP, 0, 1, b"ab");
        v.extend(encode_request(NLMSG_DONE, 0, 1, &[0, 0, 0, 0]));
        let m = decode_datagram(&v).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].header.ty, NLMSG_NOOP);
        assert_eq!(m[0].payload, b"ab\0\0");
        assert_eq!(m[1].header.ty, NLMSG_DONE);
    }

    #[test]
    fn bad_lengths_are_errors() {
        assert!(decode_datagram(&[1, 2, 3]).is_err());
        let mut v = Vec::new();
        NlMsgHdr {
            len: 100,
            ty: AUDIT_GET,
            ..Default::default()
        }
        .encode(&mut v);
        assert!(decode_datagram(&v).is_err());
        let mut v = Vec::new();
        NlMsgHdr {
            len: 3,
            ty: NLMSG_ERROR,
            ..Default::default()
        }
        .encode(&mut v);
        assert!(decode_datagram(&v).is_err());
    }

    #[test]
    fn error_payload() {
        let e = NlMsgErr {
            error: -17,
            request: Some(NlMsgHdr {
                len: 1056,
                ty: AUDIT_ADD_RULE,
                flags: 5,
                seq: 3,
                pid: 0,
            }),
        };
        let mut v = Vec::new();
        e.encode(&mut v);
        let d = NlMsgErr::decode(&v).unwrap();
        assert_eq!(d, e);
        assert_eq!(d.errno(), Some(17));
        assert!(!d.is_ack());
        assert!(NlMsgErr::decode(&[0, 0]).is_err());
        assert_eq!(
            NlMsgErr::decode(&i32::MIN.to_ne_bytes()).unwrap().errno(),
            Some(i32::MAX)
        );
    }
}
