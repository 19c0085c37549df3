//! The client's record queue: in memory (`mode = immediate`), or backed by a
//! write-ahead file (`mode = forward`) that survives crashes.
//!
//! # File format (raudit's own; not the original's slot file)
//!
//! ```text
//! header  2 × 32 bytes, identical copies:
//!         "RAUDITQ1" | stream u64 | base_seq u32 | reserved 8 | crc32 u32
//!         (little-endian; crc over the first 28 bytes of the copy)
//! entries appended one after another:
//!   record  "RQR1" | seq u32 | len u32 | crc32 u32 | len payload bytes
//!           (crc over seq, len and payload)
//!   ack     "RQA1" | seq u32 | crc32 u32       every record up to seq is
//!                                             acknowledged
//!   batch   "RQB1" | raw_len u32 | raw_crc u32 | count u32 | crc32 u32
//!           written in the same write as the `count` records after it:
//!           they came from the next `raw_len` bytes of stdin (crc of those
//!           bytes), which are consumed from the pipe only after the write
//! ```
//!
//! The batch mark closes the window between reading stdin and persisting:
//! stdin is peeked with `tee(2)`, the batch is written, then the bytes are
//! consumed. If the client dies between the two, a restart finds the same
//! bytes still at the head of stdin (checked by length and CRC) and drops the
//! batch's records from the file instead of keeping a second copy
//! ([`Queue::resolve_batch`]). Records are sent only after their bytes are
//! consumed, so a dropped batch was never on the wire.
//!
//! A record is appended (and, under `queue_sync = batch`, `fdatasync`ed with
//! its batch) before it is sent; an ack entry is appended as replies arrive
//! (never synced: losing one only means a resend, which the collector drops
//! by sequence). On open the file is scanned: bad or torn entries are skipped
//! by searching for the next entry magic with a valid CRC, so one damaged
//! entry costs only itself, never its successors; a damaged header copy is
//! replaced by the other. The survivors are then written to a fresh file,
//! synced and renamed over the old one (also whenever dead, acknowledged
//! entries outweigh live ones), so the file never grows without bound.
//! Sequences continue from the highest one seen (`base_seq` keeps it across
//! compactions), so they are never reused within a stream.

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use raudit_remote_proto::{next_seq, seq_after, StreamId};

const HDR_MAGIC: &[u8; 8] = b"RAUDITQ1";
const HDR_COPY: usize = 32;
const HDR_LEN: usize = 2 * HDR_COPY;
const REC_MAGIC: &[u8; 4] = b"RQR1";
const ACK_MAGIC: &[u8; 4] = b"RQA1";
const BATCH_MAGIC: &[u8; 4] = b"RQB1";
const BATCH_LEN: usize = 20;
const REC_HDR: usize = 16;
const ACK_LEN: usize = 12;
/// Largest record the queue stores (the protocol's bound).
pub const MAX_RECORD: usize = raudit_remote_proto::MAX_MESSAGE_LENGTH;

/// A queue failure.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// `queue_depth` records are waiting already.
    #[error("queue is full")]
    Full,
    /// The file could not be read, written or synced.
    #[error("{path}: {source}")]
    Io {
        /// The queue file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The file exists but is not a raudit queue file (e.g. the original's
    /// slot file); raudit does not overwrite it.
    #[error("{0}: not a raudit queue file (move it away to start a new queue)")]
    Foreign(PathBuf),
}

/// One queued record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its sequence in the stream.
    pub seq: u32,
    /// The record, with its trailing LF.
    pub data: Vec<u8>,
}

/// What recovery found in an existing file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovery {
    /// Unacknowledged records brought back.
    pub records: usize,
    /// Bytes skipped as damaged or torn.
    pub skipped_bytes: usize,
    /// The last batch mark: (raw_len, raw_crc) of the stdin bytes it covered.
    pub last_batch: Option<(u32, u32)>,
}

struct QFile {
    path: PathBuf,
    file: File,
    len: u64,
    dirty: bool,
}

/// The queue.
pub struct Queue {
    entries: VecDeque<Entry>,
    /// Entries [0, sent) are on the wire awaiting replies.
    sent: usize,
    depth: usize,
    stream: StreamId,
    last_seq: u32,
    file: Option<QFile>,
    pending_ack: Option<u32>,
    path: Option<PathBuf>,
    batch_tail: usize,
    buf: Vec<u8>,
}

impl Queue {
    /// A memory-only queue (`mode = immediate`).
    pub fn memory(depth: u32, stream: StreamId) -> Queue {
        Queue {
            entries: VecDeque::new(),
            sent: 0,
            depth: depth.max(1) as usize,
            stream,
            last_seq: 0,
            file: None,
            pending_ack: None,
            path: None,
            batch_tail: 0,
            buf: Vec::new(),
        }
    }

    /// Opens (recovering) or creates the queue file; `new_stream` supplies a
    /// stream id for a new file. The file is rewritten by
    /// [`Queue::commit_recovery`], after the caller has checked the last
    /// batch against stdin ([`Queue::resolve_batch`]); nothing is appended
    /// before that.
    pub fn open(
        path: &Path,
        depth: u32,
        new_stream: impl FnOnce() -> StreamId,
    ) -> Result<(Queue, Recovery), QueueError> {
        let io = |source| QueueError::Io {
            path: path.to_path_buf(),
            source,
        };
        let data = match std::fs::read(path) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(io(e)),
        };
        let mut q = Queue::memory(depth, StreamId(0));
        q.path = Some(path.to_path_buf());
        let mut rec = Recovery::default();
        if data.is_empty() {
            q.stream = new_stream();
            return Ok((q, rec));
        }
        let s = scan(&data);
        if s.stream.is_none()
            && !data.starts_with(&HDR_MAGIC[..data.len().min(8)])
            && s.entries.is_empty()
        {
            return Err(QueueError::Foreign(path.to_path_buf()));
        }
        q.stream = s.stream.unwrap_or_else(new_stream);
        q.last_seq = s.last_seq;
        if s.skipped > 0 {
            // A damaged region may have held records with higher sequences
            // (already sent, maybe written): never reuse one. Every entry is
            // at least REC_HDR bytes, so this bounds their count.
            let bump = (s.skipped / REC_HDR + 1) as u32;
            q.last_seq = match q.last_seq.wrapping_add(bump) {
                0 => 1,
                n => n,
            };
        }
        let mut batch_tail = 0;
        for (i, e) in s.entries.into_iter().enumerate() {
            if s.acked.is_some_and(|a| !seq_after(e.seq, a)) {
                continue;
            }
            if let Some((_, _, at)) = s.last_batch {
                if i >= at {
                    batch_tail += 1;
                }
            }
            q.entries.push_back(e);
        }
        q.batch_tail = batch_tail;
        rec.records = q.entries.len();
        rec.skipped_bytes = s.skipped;
        rec.last_batch = s.last_batch.map(|(l, c, _)| (l, c));
        Ok((q, rec))
    }

    /// After [`Queue::open`]: `unconsumed` tells that the last batch's bytes
    /// are still at the head of stdin, so its records (never sent) are
    /// dropped here and will be read again.
    pub fn resolve_batch(&mut self, unconsumed: bool) {
        if unconsumed {
            for _ in 0..self.batch_tail.min(self.entries.len()) {
                self.entries.pop_back();
            }
        }
        self.batch_tail = 0;
    }

    /// After [`Queue::open`]: writes the recovered records to a fresh file
    /// (synced, renamed over the old one) and keeps it open for appending.
    pub fn commit_recovery(&mut self) -> Result<(), QueueError> {
        let Some(path) = self.path.clone() else {
            return Ok(());
        };
        let io = |source| QueueError::Io {
            path: path.clone(),
            source,
        };
        let file = write_fresh(&path, self.stream, self.last_seq, &self.entries).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        self.file = Some(QFile {
            path: path.clone(),
            file,
            len,
            dirty: false,
        });
        Ok(())
    }

    /// The stream id.
    pub fn stream(&self) -> StreamId {
        self.stream
    }

    /// Records waiting (sent or not).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No record waiting.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Records not yet sent on the current connection.
    pub fn unsent(&self) -> usize {
        self.entries.len() - self.sent
    }

    /// Records sent and awaiting replies.
    pub fn in_flight(&self) -> usize {
        self.sent
    }

    /// Appends one batch of records read from `raw` stdin bytes (`raw_len`
    /// bytes with CRC `raw_crc`, see [`raw_crc`]) in one write, write-ahead:
    /// before the caller consumes the bytes or sends the records. Records
    /// past `queue_depth` are not queued: their count is returned second.
    pub fn append_batch<'r>(
        &mut self,
        raw_len: usize,
        raw_crc: u32,
        records: impl IntoIterator<Item = &'r [u8]>,
    ) -> Result<(usize, usize), QueueError> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        if self.file.is_some() {
            buf.extend_from_slice(&[0u8; BATCH_LEN]);
        }
        let first = self.entries.len();
        let (mut added, mut dropped) = (0usize, 0usize);
        for r in records {
            if self.entries.len() >= self.depth {
                dropped += 1;
                continue;
            }
            let data = &r[..r.len().min(MAX_RECORD)];
            let seq = next_seq(self.last_seq);
            if self.file.is_some() {
                encode_record(&mut buf, seq, data);
            }
            self.last_seq = seq;
            self.entries.push_back(Entry {
                seq,
                data: data.to_vec(),
            });
            added += 1;
        }
        if let Some(f) = &mut self.file {
            let mut mark = Vec::with_capacity(BATCH_LEN);
            encode_batch(&mut mark, raw_len as u32, raw_crc, added as u32);
            buf[..BATCH_LEN].copy_from_slice(&mark);
            if let Err(source) = f.file.write_all_at(&buf, f.len) {
                // Not persisted: not queued either.
                self.entries.truncate(first);
                self.buf = buf;
                return Err(QueueError::Io {
                    path: f.path.clone(),
                    source,
                });
            }
            f.len += buf.len() as u64;
            f.dirty = true;
        }
        self.buf = buf;
        Ok((added, dropped))
    }

    /// Appends one record (a batch of one, raw bytes = the record).
    pub fn append(&mut self, data: &[u8]) -> Result<u32, QueueError> {
        match self.append_batch(data.len(), raw_crc(data), [data])? {
            (1, _) => Ok(self.last_seq),
            _ => Err(QueueError::Full),
        }
    }

    /// Syncs appended records to disk (`queue_sync = batch`).
    pub fn sync(&mut self) -> Result<(), QueueError> {
        if let Some(f) = &mut self.file {
            if f.dirty {
                f.file.sync_data().map_err(|source| QueueError::Io {
                    path: f.path.clone(),
                    source,
                })?;
                f.dirty = false;
            }
        }
        Ok(())
    }

    /// The next record to send, marked as sent.
    pub fn take_unsent(&mut self) -> Option<&Entry> {
        let e = self.entries.get(self.sent)?;
        self.sent += 1;
        Some(e)
    }

    /// The oldest in-flight record.
    pub fn oldest_in_flight(&self) -> Option<&Entry> {
        if self.sent == 0 {
            None
        } else {
            self.entries.front()
        }
    }

    /// The oldest record (sent or not).
    pub fn front(&self) -> Option<&Entry> {
        self.entries.front()
    }

    /// The connection is gone: everything in flight will be sent again.
    pub fn rewind(&mut self) {
        self.sent = 0;
    }

    /// The oldest in-flight record was acknowledged (or given up on): drop it.
    pub fn complete_oldest(&mut self) -> Option<Entry> {
        if self.sent == 0 {
            return None;
        }
        let e = self.entries.pop_front()?;
        self.sent -= 1;
        self.pending_ack = Some(e.seq);
        Some(e)
    }

    /// Drops the oldest record whether sent or not (overflow of a stuck
    /// queue never happens: new records are refused instead).
    pub fn drop_front(&mut self) -> Option<Entry> {
        let e = self.entries.pop_front()?;
        self.sent = self.sent.saturating_sub(1);
        self.pending_ack = Some(e.seq);
        Some(e)
    }

    /// A collector reported it already has every record up to `last` of this
    /// stream: drop those (only unsent ones can be affected after a rewind).
    pub fn drop_through(&mut self, last: u32) -> usize {
        let mut n = 0;
        while let Some(e) = self.entries.front() {
            if seq_after(e.seq, last) {
                break;
            }
            self.pending_ack = Some(e.seq);
            self.entries.pop_front();
            self.sent = self.sent.saturating_sub(1);
            n += 1;
        }
        n
    }

    /// Writes the acknowledgement of everything completed so far to the file,
    /// compacting it when dead entries dominate.
    pub fn flush_acks(&mut self) -> Result<(), QueueError> {
        let Some(seq) = self.pending_ack.take() else {
            return Ok(());
        };
        let Some(f) = &mut self.file else {
            return Ok(());
        };
        let io = |path: &Path, source| QueueError::Io {
            path: path.to_path_buf(),
            source,
        };
        let live: u64 = self
            .entries
            .iter()
            .map(|e| (REC_HDR + e.data.len()) as u64)
            .sum();
        let dead = f.len.saturating_sub(HDR_LEN as u64 + live);
        if dead > (1 << 20) && dead > 4 * live {
            // Compact: survivors into a fresh file, renamed over.
            let file = write_fresh(&f.path, self.stream, self.last_seq, &self.entries)
                .map_err(|e| io(&f.path, e))?;
            f.len = file.metadata().map_err(|e| io(&f.path, e))?.len();
            f.file = file;
            f.dirty = false;
            return Ok(());
        }
        let mut buf = Vec::with_capacity(ACK_LEN);
        encode_ack(&mut buf, seq);
        f.file
            .write_all_at(&buf, f.len)
            .map_err(|e| io(&f.path, e))?;
        f.len += ACK_LEN as u64;
        Ok(())
    }
}

fn encode_record(out: &mut Vec<u8>, seq: u32, data: &[u8]) {
    out.extend_from_slice(REC_MAGIC);
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    let mut c = Crc::new();
    c.update(&seq.to_le_bytes());
    c.update(&(data.len() as u32).to_le_bytes());
    c.update(data);
    out.extend_from_slice(&c.finish().to_le_bytes());
    out.extend_from_slice(data);
}

fn encode_ack(out: &mut Vec<u8>, seq: u32) {
    out.extend_from_slice(ACK_MAGIC);
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&crc32(&seq.to_le_bytes()).to_le_bytes());
}

fn encode_batch(out: &mut Vec<u8>, raw_len: u32, raw_crc: u32, count: u32) {
    let start = out.len();
    out.extend_from_slice(BATCH_MAGIC);
    out.extend_from_slice(&raw_len.to_le_bytes());
    out.extend_from_slice(&raw_crc.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    let crc = crc32(&out[start + 4..start + 16]);
    out.extend_from_slice(&crc.to_le_bytes());
}

/// The CRC a batch mark keeps of its stdin bytes.
pub fn raw_crc(raw: &[u8]) -> u32 {
    crc32(raw)
}

fn encode_header(stream: StreamId, base_seq: u32) -> [u8; HDR_LEN] {
    let mut copy = [0u8; HDR_COPY];
    copy[0..8].copy_from_slice(HDR_MAGIC);
    copy[8..16].copy_from_slice(&stream.0.to_le_bytes());
    copy[16..20].copy_from_slice(&base_seq.to_le_bytes());
    let crc = crc32(&copy[..28]);
    copy[28..32].copy_from_slice(&crc.to_le_bytes());
    let mut h = [0u8; HDR_LEN];
    h[..HDR_COPY].copy_from_slice(&copy);
    h[HDR_COPY..].copy_from_slice(&copy);
    h
}

fn decode_header_copy(c: &[u8]) -> Option<(StreamId, u32)> {
    if c.len() < HDR_COPY || &c[0..8] != HDR_MAGIC {
        return None;
    }
    let crc = u32::from_le_bytes([c[28], c[29], c[30], c[31]]);
    if crc32(&c[..28]) != crc {
        return None;
    }
    let stream = u64::from_le_bytes(c[8..16].try_into().ok()?);
    let base = u32::from_le_bytes(c[16..20].try_into().ok()?);
    Some((StreamId(stream), base))
}

/// Writes `path.tmp` with the header and the entries, syncs it, renames it
/// over `path`, syncs the directory; returns the new file open for appending.
fn write_fresh(
    path: &Path,
    stream: StreamId,
    last_seq: u32,
    entries: &VecDeque<Entry>,
) -> std::io::Result<File> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut buf = Vec::new();
    buf.extend_from_slice(&encode_header(stream, last_seq));
    for e in entries {
        encode_record(&mut buf, e.seq, &e.data);
    }
    {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        f.write_all(&buf)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    OpenOptions::new().read(true).write(true).open(path)
}

struct Scan {
    stream: Option<StreamId>,
    last_seq: u32,
    acked: Option<u32>,
    entries: Vec<Entry>,
    skipped: usize,
    /// (raw_len, raw_crc, index in `entries` of its first record)
    last_batch: Option<(u32, u32, usize)>,
}

/// Recovers what a (possibly damaged) file holds. Never panics.
fn scan(d: &[u8]) -> Scan {
    let c1 = decode_header_copy(&d[..d.len().min(HDR_COPY)]);
    let c2 = if d.len() >= HDR_LEN {
        decode_header_copy(&d[HDR_COPY..HDR_LEN])
    } else {
        None
    };
    let header = c1.or(c2);
    let mut s = Scan {
        stream: header.map(|h| h.0),
        last_seq: header.map(|h| h.1).unwrap_or(0),
        acked: None,
        entries: Vec::new(),
        skipped: 0,
        last_batch: None,
    };
    let mut pos = HDR_LEN.min(d.len());
    if header.is_none() {
        pos = 0;
    }
    while pos < d.len() {
        match entry_at(d, pos) {
            Some((EntryKind::Record(seq, data), n)) => {
                s.entries.push(Entry {
                    seq,
                    data: data.to_vec(),
                });
                if seq_after(seq, s.last_seq) || s.last_seq == 0 {
                    s.last_seq = seq;
                }
                pos += n;
            }
            Some((EntryKind::Batch(len, crc), n)) => {
                s.last_batch = Some((len, crc, s.entries.len()));
                pos += n;
            }
            Some((EntryKind::Ack(seq), n)) => {
                if s.acked.is_none_or(|a| seq_after(seq, a)) {
                    s.acked = Some(seq);
                }
                if s.last_seq == 0 || seq_after(seq, s.last_seq) {
                    s.last_seq = seq;
                }
                pos += n;
            }
            None => {
                // Resynchronise on the next entry magic.
                let next = (pos + 1..d.len())
                    .find(|&p| {
                        (d[p] == b'R')
                            && (d[p..].starts_with(REC_MAGIC)
                                || d[p..].starts_with(ACK_MAGIC)
                                || d[p..].starts_with(BATCH_MAGIC))
                            && entry_at(d, p).is_some()
                    })
                    .unwrap_or(d.len());
                s.skipped += next - pos;
                pos = next;
            }
        }
    }
    s
}

enum EntryKind<'a> {
    Record(u32, &'a [u8]),
    Ack(u32),
    Batch(u32, u32),
}

fn entry_at(d: &[u8], pos: usize) -> Option<(EntryKind<'_>, usize)> {
    let r = &d[pos..];
    let u32_at =
        |o: usize| -> Option<u32> { Some(u32::from_le_bytes(r.get(o..o + 4)?.try_into().ok()?)) };
    if r.starts_with(REC_MAGIC) {
        let seq = u32_at(4)?;
        let len = u32_at(8)? as usize;
        let crc = u32_at(12)?;
        if len > MAX_RECORD {
            return None;
        }
        let data = r.get(REC_HDR..REC_HDR + len)?;
        let mut c = Crc::new();
        c.update(&seq.to_le_bytes());
        c.update(&(len as u32).to_le_bytes());
        c.update(data);
        if c.finish() != crc || seq == 0 {
            return None;
        }
        Some((EntryKind::Record(seq, data), REC_HDR + len))
    } else if r.starts_with(ACK_MAGIC) {
        let seq = u32_at(4)?;
        let crc = u32_at(8)?;
        if crc32(&seq.to_le_bytes()) != crc {
            return None;
        }
        Some((EntryKind::Ack(seq), ACK_LEN))
    } else if r.starts_with(BATCH_MAGIC) {
        let body = r.get(4..16)?;
        if crc32(body) != u32_at(16)? {
            return None;
        }
        Some((EntryKind::Batch(u32_at(4)?, u32_at(8)?), BATCH_LEN))
    } else {
        None
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zlib).
struct Crc(u32);

const CRC_TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

impl Crc {
    fn new() -> Crc {
        Crc(0xFFFF_FFFF)
    }
    fn update(&mut self, data: &[u8]) {
        let mut c = self.0;
        for &b in data {
            c = CRC_TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
        }
        self.0 = c;
    }
    fn finish(&self) -> u32 {
        self.0 ^ 0xFFFF_FFFF
    }
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = Crc::new();
    c.update(data);
    c.finish()
}

#[cfg(test)]
mod tests;
