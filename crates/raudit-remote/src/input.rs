//! Records from stdin: the audisp plugin protocol in string form (one record
//! per line) or binary form (`audit_dispatcher_header` + a fixed
//! 8970-byte data area per record), detected from the first byte.
//!
//! Two ways to read: plain reads, or — when stdin is a pipe and the queue
//! is on disk — *peek then consume*: bytes are copied out of the pipe with
//! `tee(2)` (the pipe keeps them), the caller persists the complete records
//! and only then consumes their bytes, so a client killed in between loses
//! nothing (see [`crate::queue`]).

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use raudit_remote_proto::MAX_MESSAGE_LENGTH;
use rustix::pipe::SpliceFlags;

/// Binary frame: header then a fixed data area (auditd writes it whole).
const BIN_HDR: usize = 16;
const BIN_FRAME: usize = BIN_HDR + MAX_MESSAGE_LENGTH;
const READ_CHUNK: usize = 256 * 1024;
const PEEK_PIPE: usize = 1024 * 1024;

/// Which stdin protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Text lines.
    String,
    /// `audit_dispatcher_header` frames.
    Binary,
}

/// Reader of stdin.
pub struct Input {
    fd: OwnedFd,
    /// (read end, write end) of the private pipe `tee` copies into.
    peek: Option<(OwnedFd, OwnedFd)>,
    buf: Vec<u8>,
    format: Option<Format>,
    eof: bool,
}

/// Complete records found at the head of the buffered input.
pub struct Records {
    /// Each record, with its trailing LF, as the original queues it.
    pub records: Vec<Vec<u8>>,
    /// Input bytes they came from (to consume).
    pub raw_len: usize,
    /// Input offset just past each record (malformed lines dropped between
    /// records count with the next one).
    pub ends: Vec<usize>,
}

impl Records {
    /// Keeps the first `n` records (and the input bytes up to them).
    pub fn truncate(&mut self, n: usize) {
        if n < self.records.len() {
            self.records.truncate(n);
            self.ends.truncate(n);
            self.raw_len = self.ends.last().copied().unwrap_or(0);
        }
    }
}

impl Input {
    /// Wraps stdin (a dup of it). `peek`: use tee/consume when it is a pipe.
    pub fn new(stdin: BorrowedFd<'_>, peek: bool) -> io::Result<Input> {
        let fd = stdin.try_clone_to_owned()?;
        let is_pipe = rustix::fs::fstat(&fd)
            .map(|st| rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::Fifo)
            .unwrap_or(false);
        let peek = if peek && is_pipe {
            let (r, w) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
            let _ = rustix::pipe::fcntl_setpipe_size(&w, PEEK_PIPE);
            Some((r, w))
        } else {
            None
        };
        Ok(Input {
            fd,
            peek,
            buf: Vec::new(),
            format: None,
            eof: false,
        })
    }

    /// The descriptor to poll.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// True once stdin reached end of file.
    pub fn eof(&self) -> bool {
        self.eof
    }

    /// Whether reads peek (tee) rather than consume.
    pub fn peeking(&self) -> bool {
        self.peek.is_some()
    }

    /// Bytes buffered (in peek mode: copied from the head of the pipe).
    pub fn buffered(&self) -> &[u8] {
        &self.buf
    }

    /// Reads what is available without blocking long (call when poll says
    /// readable). Returns the number of new bytes; 0 with [`Input::eof`] at
    /// the end.
    pub fn fill(&mut self) -> io::Result<usize> {
        match &self.peek {
            None => {
                let old = self.buf.len();
                self.buf.resize(old + READ_CHUNK, 0);
                let r = loop {
                    match rustix::io::read(&self.fd, &mut self.buf[old..]) {
                        Err(rustix::io::Errno::INTR) => continue,
                        r => break r,
                    }
                };
                match r {
                    Ok(0) => {
                        self.buf.truncate(old);
                        self.eof = true;
                        Ok(0)
                    }
                    Ok(n) => {
                        self.buf.truncate(old + n);
                        Ok(n)
                    }
                    Err(rustix::io::Errno::AGAIN) => {
                        self.buf.truncate(old);
                        Ok(0)
                    }
                    Err(e) => {
                        self.buf.truncate(old);
                        Err(e.into())
                    }
                }
            }
            Some((r, w)) => {
                // The pipe's head is copied afresh each time (nothing of it
                // was consumed since the last copy except via `consume`).
                let old = self.buf.len();
                let n = loop {
                    match rustix::pipe::tee(&self.fd, w, PEEK_PIPE, SpliceFlags::NONBLOCK) {
                        Err(rustix::io::Errno::INTR) => continue,
                        Err(rustix::io::Errno::AGAIN) => break 0,
                        Ok(0) => {
                            self.eof = true;
                            break 0;
                        }
                        Ok(n) => break n,
                        Err(e) => return Err(e.into()),
                    }
                };
                self.buf.clear();
                self.buf.resize(n, 0);
                let mut got = 0;
                while got < n {
                    match rustix::io::read(r, &mut self.buf[got..]) {
                        Ok(0) => break,
                        Ok(k) => got += k,
                        Err(rustix::io::Errno::INTR) => continue,
                        Err(e) => return Err(e.into()),
                    }
                }
                self.buf.truncate(got);
                Ok(got.saturating_sub(old))
            }
        }
    }

    /// Marks end of input (e.g. the writer hung up leaving only a partial
    /// record, which the original drops too).
    pub fn set_eof(&mut self) {
        self.eof = true;
    }

    /// The complete records at the head of the buffer.
    pub fn records(&mut self) -> Records {
        if self.format.is_none() {
            if let Some(&b) = self.buf.first() {
                self.format = Some(if b < 0x20 {
                    Format::Binary
                } else {
                    Format::String
                });
            }
        }
        match self.format {
            Some(Format::Binary) => split_binary(&self.buf),
            Some(Format::String) => split_string(&self.buf),
            None => Records {
                records: Vec::new(),
                raw_len: 0,
                ends: Vec::new(),
            },
        }
    }

    /// Cheap check: does the buffer hold at least one complete record?
    pub fn has_complete(&self) -> bool {
        match self.format {
            None => false,
            Some(Format::Binary) => self.buf.len() >= BIN_FRAME,
            Some(Format::String) => {
                self.buf.len() >= MAX_MESSAGE_LENGTH - 1
                    || memchr::memchr(b'\n', &self.buf).is_some()
            }
        }
    }

    /// Consumes `n` bytes from the head (in peek mode: from the pipe).
    pub fn consume(&mut self, n: usize) -> io::Result<()> {
        let n = n.min(self.buf.len());
        if self.peek.is_some() {
            // One read of the whole batch: the bytes are all in the pipe, so
            // the kernel copies them in one go and a kill cannot leave the
            // batch half consumed (the restart check needs all or nothing).
            let mut left = n;
            let mut scratch = vec![0u8; left];
            while left > 0 {
                let k = left.min(scratch.len());
                match rustix::io::read(&self.fd, &mut scratch[..k]) {
                    Ok(0) => break,
                    Ok(k) => left -= k,
                    Err(rustix::io::Errno::INTR) => continue,
                    Err(e) => return Err(e.into()),
                }
            }
        }
        self.buf.drain(..n);
        Ok(())
    }
}

/// Lines as `audit_fgets` returns them: up to LF, cut at 8969 bytes; a
/// final piece without LF waits for more (the original drops it at EOF).
pub fn split_string(buf: &[u8]) -> Records {
    let mut records = Vec::new();
    let mut ends = Vec::new();
    let mut pos = 0;
    loop {
        let rest = &buf[pos..];
        let lim = rest.len().min(MAX_MESSAGE_LENGTH - 1);
        let n = match memchr::memchr(b'\n', &rest[..lim]) {
            Some(i) => i + 1,
            None if rest.len() >= MAX_MESSAGE_LENGTH - 1 => MAX_MESSAGE_LENGTH - 1,
            None => break,
        };
        let line = &rest[..n];
        pos += n;
        if !well_formed(line) {
            continue;
        }
        let mut r = line.to_vec();
        if r.last() != Some(&b'\n') {
            r.push(b'\n');
        }
        records.push(r);
        ends.push(pos);
    }
    Records {
        records,
        raw_len: pos,
        ends,
    }
}

/// Binary frames: `ver, hlen, type, size` (host order) then the 8970-byte
/// data area; version 0 carries the bare message (formatted here as audispd
/// does: `type=NAME msg=…`), version 1 the preformatted record.
pub fn split_binary(buf: &[u8]) -> Records {
    let mut records = Vec::new();
    let mut ends = Vec::new();
    let mut pos = 0;
    while buf.len() - pos >= BIN_FRAME {
        let f = &buf[pos..pos + BIN_FRAME];
        pos += BIN_FRAME;
        let u = |o: usize| u32::from_ne_bytes([f[o], f[o + 1], f[o + 2], f[o + 3]]);
        let (ver, typ, size) = (u(0), u(8), u(12) as usize);
        let data = &f[BIN_HDR..BIN_HDR + size.min(MAX_MESSAGE_LENGTH)];
        let mut r = match ver {
            0 => {
                let mut r = match raudit_tables::msg_type_name(typ) {
                    Some(n) => format!("type={n} msg=").into_bytes(),
                    None => format!("type=UNKNOWN[{typ}] msg=").into_bytes(),
                };
                r.extend_from_slice(data);
                r
            }
            1 => data.to_vec(),
            _ => continue,
        };
        // audispd's string form: inner newlines become spaces, one LF ends it.
        while r.last() == Some(&b'\n') {
            r.pop();
        }
        for b in r.iter_mut() {
            if *b == b'\n' {
                *b = b' ';
            }
        }
        r.push(b'\n');
        if well_formed(&r) {
            records.push(r);
            ends.push(pos);
        }
    }
    Records {
        records,
        raw_len: pos,
        ends,
    }
}

/// The original drops lines that neither start with `t` nor contain a space.
fn well_formed(line: &[u8]) -> bool {
    line.first() == Some(&b't') || memchr::memchr(b' ', line).is_some()
}

/// Is this record an end-of-event record (`type=EOE`, maybe after `node=`)?
pub fn is_eoe(record: &[u8]) -> bool {
    if record.first() == Some(&b't') {
        return record.starts_with(b"type=EOE");
    }
    match memchr::memchr(b' ', record) {
        Some(i) => record[i + 1..].starts_with(b"type=EOE"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_lines() {
        let r = split_string(b"type=A msg=1\nnode=x type=EOE msg=2\nbad\ntype=C");
        assert_eq!(r.records.len(), 2);
        assert_eq!(r.raw_len, 13 + 22 + 4);
        assert!(is_eoe(&r.records[1]));
        assert!(!is_eoe(&r.records[0]));
        let long = vec![b'a'; 9000];
        let r = split_string(&[&long[..], b" x\n"].concat());
        assert_eq!(r.records.len(), 1); // the 8969-byte piece has no space and no 't'
        assert_eq!(r.raw_len, 9003);
    }

    #[test]
    fn binary_frames() {
        let mut f = Vec::new();
        for (ver, typ, text) in [
            (1u32, 1300u32, &b"type=SYSCALL msg=audit(1.2:3): a\nb"[..]),
            (0, 1320, b"audit(1.2:3): "),
        ] {
            f.extend_from_slice(&ver.to_ne_bytes());
            f.extend_from_slice(&16u32.to_ne_bytes());
            f.extend_from_slice(&typ.to_ne_bytes());
            f.extend_from_slice(&(text.len() as u32).to_ne_bytes());
            let mut data = text.to_vec();
            data.resize(MAX_MESSAGE_LENGTH, 0);
            f.extend_from_slice(&data);
        }
        let r = split_binary(&f[..f.len() - 1]);
        assert_eq!(r.records.len(), 1);
        let r = split_binary(&f);
        assert_eq!(r.raw_len, f.len());
        assert_eq!(r.records[0], b"type=SYSCALL msg=audit(1.2:3): a b\n");
        assert_eq!(r.records[1], b"type=EOE msg=audit(1.2:3): \n");
        assert!(is_eoe(&r.records[1]));
    }
}
