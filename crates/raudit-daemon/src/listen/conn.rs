//! One peer connection: its socket (plain or TLS), its decoder, its timers.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use raudit_remote_proto::{kind, DecodeError, Decoder, Hello, Item, Mode, MVER_RAUDIT};

use super::{addr_fields, peer_text, NetBatch, NetEvent, NetRecord, Settings};
use crate::log::{msg, Level};

/// A peer that does not read its replies is closed past this many bytes.
const MAX_OUT: usize = 4 << 20;
/// Messages about dropped lines per connection.
const MAX_BAD_LINE_MSGS: u32 = 3;

/// One connection.
pub(super) struct Conn {
    id: u64,
    sock: TcpStream,
    peer: SocketAddr,
    tls: Option<rustls::ServerConnection>,
    decoder: Decoder,
    out: Vec<u8>,
    accepted_at: Instant,
    last_activity: Instant,
    /// The client's heartbeat interval, as seen (gap before its last heartbeat).
    hb_window: Option<Duration>,
    /// When the decoder last started holding an incomplete message.
    partial_since: Option<Instant>,
    /// `DAEMON_ACCEPT res=success` was written (plain: at once; TLS: after
    /// the handshake and the allow-list).
    accepted: bool,
    /// The raudit stream named in a hello.
    stream: Option<u64>,
    closed: bool,
    bad_lines: u32,
    odd_kinds: bool,
    /// TLS: the names allowed (empty: any certificate the CA signed).
    allow: std::sync::Arc<Vec<String>>,
    /// TLS: the `op=tls … res=no` record was queued.
    refusal_logged: bool,
    /// Who the peer is, for raudit streams: its address, or its TLS identity.
    identity: Vec<u8>,
    /// Closed once its queued replies are sent; nothing more is read.
    closing: bool,
}

/// FNV-1a, 64 bits.
fn fnv64(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in b {
        h ^= u64::from(x);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The de-duplication key of a client's stream: the stream id mixed with
/// the peer's identity.
pub(super) fn stream_key(identity: &[u8], stream: u64) -> u64 {
    let mut b = identity.to_vec();
    b.extend_from_slice(&stream.to_le_bytes());
    fnv64(&b)
}

/// Does an ascii line look like an audit record (`[node=X ]type=T msg=audit(`)?
pub(super) fn looks_like_record(line: &[u8]) -> bool {
    let mut s = line;
    if s.starts_with(b"node=") {
        match memchr::memchr(b' ', s) {
            Some(i) => s = &s[i + 1..],
            None => return false,
        }
    }
    s.starts_with(b"type=") && memchr::memmem::find(s, b" msg=audit(").is_some()
}

/// The record as auditd logs it: up to a NUL (auditd uses C strings),
/// without one trailing LF, inner LFs made spaces (one record per line).
pub(super) fn clean_record(payload: &[u8]) -> Vec<u8> {
    let p = match memchr::memchr(0, payload) {
        Some(z) => &payload[..z],
        None => payload,
    };
    let p = p.strip_suffix(b"\n").unwrap_or(p);
    let mut v = p.to_vec();
    for b in &mut v {
        if *b == b'\n' {
            *b = b' ';
        }
    }
    v
}

impl Conn {
    pub(super) fn new(
        id: u64,
        sock: TcpStream,
        peer: SocketAddr,
        tls: Option<rustls::ServerConnection>,
        allow: std::sync::Arc<Vec<String>>,
        now: Instant,
    ) -> Conn {
        let accepted = tls.is_none();
        Conn {
            id,
            sock,
            peer,
            tls,
            decoder: Decoder::new(Mode::Auto),
            out: Vec::new(),
            accepted_at: now,
            last_activity: now,
            hb_window: None,
            partial_since: None,
            accepted,
            stream: None,
            closed: false,
            bad_lines: 0,
            odd_kinds: false,
            allow,
            refusal_logged: false,
            identity: format!("addr:{}", peer.ip().to_canonical()).into_bytes(),
            closing: false,
        }
    }

    pub(super) fn fd(&self) -> i32 {
        self.sock.as_raw_fd()
    }

    pub(super) fn peer(&self) -> SocketAddr {
        self.peer
    }

    pub(super) fn silent_for(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.last_activity)
    }

    pub(super) fn is_closed(&self) -> bool {
        self.closed || (self.closing && !self.wants_write())
    }

    /// A record of this connection was refused: send the replies queued so
    /// far, then close.
    pub(super) fn close_when_sent(&mut self) {
        if !self.closing && !self.closed {
            self.closing = true;
            msg(
                Level::Warning,
                &format!(
                    "client {} had a record refused - closing connection",
                    peer_text(&self.peer)
                ),
            );
            if let Some(t) = &mut self.tls {
                t.send_close_notify();
            }
        }
    }

    pub(super) fn wants_write(&self) -> bool {
        !self.out.is_empty() || self.tls.as_ref().is_some_and(|t| t.wants_write())
    }

    fn close(&mut self, level: Level, why: &str) {
        if !self.closed {
            if !why.is_empty() {
                msg(level, &format!("client {} {why}", peer_text(&self.peer)));
            }
            self.closed = true;
        }
    }

    /// Queues reply bytes.
    pub(super) fn queue_out(&mut self, bytes: &[u8]) {
        if self.closed {
            return;
        }
        match &mut self.tls {
            Some(t) => {
                let _ = t.writer().write_all(bytes);
            }
            None => self.out.extend_from_slice(bytes),
        }
        if self.out.len() > MAX_OUT {
            self.close(
                Level::Warning,
                "does not read its replies - closing connection",
            );
        }
    }

    /// Sends what is queued, as far as the socket takes it.
    pub(super) fn write_out(&mut self) {
        if self.closed {
            return;
        }
        if let Some(t) = &mut self.tls {
            while t.wants_write() {
                match t.write_tls(&mut self.sock) {
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
                    Err(_) => {
                        self.closed = true;
                        return;
                    }
                }
            }
            return;
        }
        while !self.out.is_empty() {
            match self.sock.write(&self.out) {
                Ok(0) => break,
                Ok(n) => {
                    self.out.drain(..n);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => {
                    self.out.clear();
                    return;
                }
            }
        }
    }

    /// Reads what the peer sent (at most about `budget` bytes) and turns
    /// complete messages into events.
    pub(super) fn read(&mut self, now: Instant, budget: usize, batch: &mut NetBatch) {
        if self.closed || self.closing {
            return;
        }
        let mut total = 0usize;
        let mut eof = false;
        if self.tls.is_some() {
            eof = self.read_tls(now, budget, &mut total, batch);
        } else {
            loop {
                let spare = self.decoder.spare(16 << 10);
                match self.sock.read(spare) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(n) => {
                        self.decoder.filled(n);
                        total += n;
                        self.decode(now, batch);
                        if self.closed || total >= budget {
                            break;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => {
                        msg(
                            Level::Warning,
                            &format!(
                                "client {} socket closed unexpectedly",
                                peer_text(&self.peer)
                            ),
                        );
                        eof = true;
                        break;
                    }
                }
            }
        }
        if total > 0 {
            self.last_activity = now;
        }
        if self.closed {
            return;
        }
        if eof {
            self.end_of_stream(batch);
            self.closed = true;
            return;
        }
        if self.decoder.buffered() == 0 {
            self.partial_since = None;
        } else if self.partial_since.is_none() {
            self.partial_since = Some(now);
        }
    }

    /// TLS: ciphertext in, handshake, plaintext to the decoder. True at end of stream.
    fn read_tls(
        &mut self,
        now: Instant,
        budget: usize,
        total: &mut usize,
        batch: &mut NetBatch,
    ) -> bool {
        let mut eof = false;
        loop {
            let Some(t) = self.tls.as_mut() else {
                return true;
            };
            match t.read_tls(&mut self.sock) {
                Ok(0) => eof = true,
                Ok(n) => *total += n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => eof = true,
            }
            if let Err(e) = t.process_new_packets() {
                // Send the alert, then refuse.
                let _ = t.write_tls(&mut self.sock);
                self.refuse_tls(&format!("failed the TLS handshake ({e})"), batch);
                return false;
            }
            if !self.accepted && !t.is_handshaking() {
                if let Err(why) = self.authorize() {
                    self.refuse_tls(&why, batch);
                    return false;
                }
                self.accepted = true;
                batch.push(NetEvent::Accept(format!(
                    "{} res=success",
                    addr_fields(&self.peer)
                )));
            }
            // Plaintext.
            loop {
                let Some(t) = self.tls.as_mut() else {
                    return true;
                };
                let spare = self.decoder.spare(16 << 10);
                match t.reader().read(spare) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(n) => {
                        self.decoder.filled(n);
                        self.decode(now, batch);
                        if self.closed {
                            return false;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    Err(_) => {
                        eof = true;
                        break;
                    }
                }
            }
            if eof || *total >= budget {
                return eof;
            }
            // More ciphertext waiting?
            let mut probe = [0u8; 1];
            match self.sock.peek(&mut probe) {
                Ok(n) if n > 0 => continue,
                _ => return false,
            }
        }
    }

    fn authorize(&mut self) -> Result<(), String> {
        let t = self.tls.as_ref().ok_or("no TLS")?;
        let certs = t
            .peer_certificates()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| "sent no client certificate".to_string())?;
        let name = super::tls::allowed(&certs[0], &self.allow)?;
        msg(
            Level::Debug,
            &format!(
                "TLS client {} authenticated as {name}",
                peer_text(&self.peer)
            ),
        );
        // The certificate is the identity (its name when an allow-list matched).
        self.identity = if name == "*" {
            let mut v = b"cert:".to_vec();
            v.extend_from_slice(&fnv64(certs[0].as_ref()).to_le_bytes());
            v
        } else {
            format!("name:{name}").into_bytes()
        };
        Ok(())
    }

    fn refuse_tls(&mut self, why: &str, batch: &mut NetBatch) {
        self.log_refusal(batch);
        self.close(Level::Err, &format!("{why} - rejected"));
    }

    fn log_refusal(&mut self, batch: &mut NetBatch) {
        if !self.accepted && !self.refusal_logged {
            self.refusal_logged = true;
            batch.push(NetEvent::Accept(format!(
                "op=tls {} res=no",
                addr_fields(&self.peer)
            )));
        }
    }

    fn decode(&mut self, now: Instant, batch: &mut NetBatch) {
        loop {
            let item = match self.decoder.next() {
                Ok(Some(i)) => i,
                Ok(None) => return,
                Err(e) => {
                    let why = format!("sent an invalid message ({e}) - closing connection");
                    self.close(Level::Err, &why);
                    return;
                }
            };
            match item {
                Item::Frame(f) => {
                    let h = f.header;
                    if h.kind == kind::HEARTBEAT {
                        let gap = now.saturating_duration_since(self.last_activity);
                        if h.is_raudit() {
                            if let Some(hello) = Hello::parse(f.payload) {
                                // The stream is the client's only within its
                                // identity: another peer naming the same stream
                                // cannot make this one's records look resent.
                                let key = stream_key(&self.identity, hello.stream.0);
                                self.stream = Some(key);
                                batch.push(NetEvent::Hello {
                                    conn: self.id,
                                    seq: h.sequence,
                                    stream: key,
                                });
                                continue;
                            }
                        }
                        if gap > Duration::from_millis(100) {
                            self.hb_window = Some(gap);
                        }
                        batch.push(NetEvent::Heartbeat {
                            conn: self.id,
                            seq: h.sequence,
                        });
                    } else if h.kind == kind::MESSAGE {
                        let eoe = f.is_eoe();
                        let mut text = clean_record(f.payload);
                        if !looks_like_record(&text) {
                            self.bad_line(&text);
                            text.clear();
                        }
                        let negotiated = h.message_version & MVER_RAUDIT != 0;
                        batch.push(NetEvent::Record(NetRecord {
                            conn: self.id,
                            seq: h.sequence,
                            managed: true,
                            stream: if negotiated { self.stream } else { None },
                            eoe,
                            text,
                        }));
                    } else if !self.odd_kinds {
                        self.odd_kinds = true;
                        msg(
                            Level::Warning,
                            &format!(
                                "client {} sent a message of type {:#x}; ignored",
                                peer_text(&self.peer),
                                h.kind
                            ),
                        );
                    }
                }
                Item::Line(l) => {
                    let text = clean_record(l);
                    if looks_like_record(&text) {
                        batch.push(NetEvent::Record(NetRecord {
                            conn: self.id,
                            seq: 0,
                            managed: false,
                            stream: None,
                            eoe: false,
                            text,
                        }));
                    } else {
                        self.bad_line(&text);
                    }
                }
            }
        }
    }

    fn bad_line(&mut self, text: &[u8]) {
        self.bad_lines += 1;
        if self.bad_lines <= MAX_BAD_LINE_MSGS {
            let shown: String = String::from_utf8_lossy(&text[..text.len().min(60)])
                .chars()
                .map(|c| if c.is_control() { '?' } else { c })
                .collect();
            msg(
                Level::Warning,
                &format!(
                    "client {} sent something that is not an audit record (\"{shown}\"); dropped",
                    peer_text(&self.peer)
                ),
            );
        }
    }

    /// The peer closed: a last ascii record without LF is logged (as auditd
    /// does); a cut managed frame is reported.
    fn end_of_stream(&mut self, batch: &mut NetBatch) {
        match self.decoder.finish() {
            Ok(Some(Item::Line(l))) => {
                let text = clean_record(l);
                if looks_like_record(&text) {
                    batch.push(NetEvent::Record(NetRecord {
                        conn: self.id,
                        seq: 0,
                        managed: false,
                        stream: None,
                        eoe: false,
                        text,
                    }));
                }
            }
            Ok(_) => {}
            Err(DecodeError::Truncated { have, need }) => msg(
                Level::Warning,
                &format!(
                    "client {} closed the connection inside a message ({have} of {need} bytes)",
                    peer_text(&self.peer)
                ),
            ),
            Err(_) => {}
        }
    }

    /// Timeouts: TLS handshake and started messages (`tcp_client_timeout`),
    /// `tcp_client_max_idle`, half-dead connections.
    pub(super) fn check_timers(&mut self, now: Instant, s: &Settings) {
        if self.closed {
            return;
        }
        if !self.accepted && now.saturating_duration_since(self.accepted_at) > s.client_timeout {
            let why = format!(
                "did not finish the TLS handshake within {} s",
                s.client_timeout.as_secs()
            );
            // The refusal record is written by finish().
            self.close(Level::Err, &format!("{why} - rejected"));
            return;
        }
        if let Some(t) = self.partial_since {
            if now.saturating_duration_since(t) > s.client_timeout {
                let why = format!(
                    "did not finish a message within {} s - closing connection",
                    s.client_timeout.as_secs()
                );
                self.close(Level::Err, &why);
                return;
            }
        }
        if !s.max_idle.is_zero() && now.saturating_duration_since(self.last_activity) > s.max_idle {
            self.close(Level::Notice, "idle too long - closing connection");
            return;
        }
        self.reap_if_half_dead(now);
    }

    /// Closes the connection if its client has sent heartbeats before and
    /// has now been silent for three of their intervals (at least 1 s).
    pub(super) fn reap_if_half_dead(&mut self, now: Instant) {
        if self.closed {
            return;
        }
        if let Some(w) = self.hb_window {
            let limit = (w * 3).max(Duration::from_secs(1));
            let silent = now.saturating_duration_since(self.last_activity);
            if silent > limit {
                let why = format!(
                    "sent no heartbeat for {} ms (interval {} ms) - closing connection",
                    silent.as_millis(),
                    w.as_millis()
                );
                self.close(Level::Notice, &why);
            }
        }
    }

    /// The server is going down: `ENDING`, then close.
    pub(super) fn send_ending(&mut self) {
        let h = raudit_remote_proto::Header::new(kind::ENDING, 0, 0, 0).encode();
        self.queue_out(&h);
        if let Some(t) = &mut self.tls {
            t.send_close_notify();
        }
        self.write_out();
    }

    /// Closes the socket; the `DAEMON_CLOSE` record (or the TLS refusal).
    pub(super) fn finish(mut self, batch: &mut NetBatch) {
        self.write_out();
        let _ = self.sock.shutdown(std::net::Shutdown::Both);
        if self.accepted {
            batch.push(NetEvent::Close(format!(
                "{} res=success",
                addr_fields(&self.peer)
            )));
        } else if self.tls.is_some() {
            self.log_refusal(batch);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_shapes() {
        assert!(looks_like_record(b"type=SYSCALL msg=audit(1.000:1): x"));
        assert!(looks_like_record(
            b"node=h type=SYSCALL msg=audit(1.000:1): x"
        ));
        assert!(!looks_like_record(b"GET / HTTP/1.1"));
        assert!(!looks_like_record(b"node=h"));
        assert!(!looks_like_record(b"type=X"));
        assert_eq!(
            clean_record(b"type=A msg=audit(1.0:1): a\nb\n"),
            b"type=A msg=audit(1.0:1): a b"
        );
        assert_eq!(clean_record(b"type=A\0junk\n"), b"type=A");
        assert_ne!(
            stream_key(b"addr:10.0.0.1", 7),
            stream_key(b"addr:10.0.0.2", 7)
        );
        assert_eq!(
            stream_key(b"addr:10.0.0.1", 7),
            stream_key(b"addr:10.0.0.1", 7)
        );
    }
}
