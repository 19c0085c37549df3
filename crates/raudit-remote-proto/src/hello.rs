//! The extension handshake's payloads (see the crate docs).

/// Identifies one client's sequence space (fixed for the life of its queue
/// file; a collector de-duplicates per stream).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamId(pub u64);

impl std::fmt::Display for StreamId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

const TAG: &[u8] = b"raudit-hello 1";

/// The client's hello (payload of a `HEARTBEAT` with [`crate::MVER_RAUDIT`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hello {
    /// The stream the following sequences belong to.
    pub stream: StreamId,
    /// The client's node name (informational), if it has one. Never
    /// contains spaces or control bytes (they are dropped by `encode`).
    pub node: Option<Vec<u8>>,
}

impl Hello {
    /// `raudit-hello 1 stream=<16 hex>[ node=<name>]`.
    pub fn encode(&self) -> Vec<u8> {
        let mut v = TAG.to_vec();
        v.extend_from_slice(format!(" stream={}", self.stream).as_bytes());
        if let Some(n) = &self.node {
            v.extend_from_slice(b" node=");
            v.extend(n.iter().copied().filter(|b| b.is_ascii_graphic()).take(255));
        }
        v
    }

    /// Parses a hello payload; `None` if it is not one (unknown words are
    /// ignored, so later versions can add some).
    pub fn parse(payload: &[u8]) -> Option<Hello> {
        let rest = payload.strip_prefix(TAG)?;
        let mut stream = None;
        let mut node = None;
        for w in words(rest) {
            if let Some(h) = w.strip_prefix(b"stream=") {
                stream = Some(StreamId(parse_hex_u64(h)?));
            } else if let Some(n) = w.strip_prefix(b"node=") {
                node = Some(n.to_vec());
            }
        }
        Some(Hello {
            stream: stream?,
            node,
        })
    }
}

/// A raudit server's answer to a hello (payload of its `ACK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HelloAck {
    /// Highest sequence of the stream the server has written, if known.
    pub last: Option<u32>,
}

impl HelloAck {
    /// `raudit-hello 1[ last=<seq>]`.
    pub fn encode(&self) -> Vec<u8> {
        let mut v = TAG.to_vec();
        if let Some(l) = self.last {
            v.extend_from_slice(format!(" last={l}").as_bytes());
        }
        v
    }

    /// Parses the payload of a hello's `ACK`; `None` if it is not one.
    pub fn parse(payload: &[u8]) -> Option<HelloAck> {
        let rest = payload.strip_prefix(TAG)?;
        let mut last = None;
        for w in words(rest) {
            if let Some(n) = w.strip_prefix(b"last=") {
                last = Some(std::str::from_utf8(n).ok()?.parse().ok()?);
            }
        }
        Some(HelloAck { last })
    }
}

fn words(b: &[u8]) -> impl Iterator<Item = &[u8]> {
    b.split(|c| *c == b' ').filter(|w| !w.is_empty())
}

fn parse_hex_u64(h: &[u8]) -> Option<u64> {
    if h.is_empty() || h.len() > 16 {
        return None;
    }
    u64::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_round_trip() {
        let h = Hello {
            stream: StreamId(0x0123_4567_89ab_cdef),
            node: Some(b"web 1\n".to_vec()),
        };
        let e = h.encode();
        assert_eq!(e, b"raudit-hello 1 stream=0123456789abcdef node=web1");
        let p = Hello::parse(&e).unwrap();
        assert_eq!(p.stream, h.stream);
        assert_eq!(p.node.as_deref(), Some(&b"web1"[..]));
        assert_eq!(Hello::parse(b"raudit-hello 1 node=x"), None);
        assert_eq!(Hello::parse(b""), None);
        let a = HelloAck { last: Some(77) };
        assert_eq!(HelloAck::parse(&a.encode()), Some(a));
        assert_eq!(
            HelloAck::parse(b"raudit-hello 1"),
            Some(HelloAck::default())
        );
        assert_eq!(HelloAck::parse(b""), None);
    }
}
