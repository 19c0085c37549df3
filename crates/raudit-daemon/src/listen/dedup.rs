//! De-duplication of raudit client streams, kept in step with the log.
//!
//! For each stream (named by a client's hello) the collector remembers the
//! last sequence it wrote; a resent record whose sequence is not after it
//! is answered `ACK` and not written again. The memory must survive a
//! collector killed at any moment (`kill -9`), so each write of remote
//! records goes:
//!
//! 1. the *pending* file gets the exact bytes about to be appended to the
//!    log and, per record, its stream, sequence and end offset;
//! 2. the records are written to the log;
//! 3. the *state* file (stream → last sequence) is replaced (write a temporary
//!    file, rename) — only then are the records acknowledged.
//!
//! At start-up, a pending file whose records the state does not cover is
//! settled against the log's tail ([`settle`]): the records found complete
//! at the end of the log count as written, a record cut in the middle is cut
//! off the log (it was never acknowledged, the client sends it again). The
//! log's previous file (`.1`) is consulted when a rotation came in between.

#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use raudit_remote_proto::seq_after;

const STATE_TAG: &str = "raudit-remote-state 1";
const PENDING_TAG: &str = "raudit-remote-pending 1";

/// One remote record of a pending write: stream, sequence, end offset of
/// its line in the block (records not written to the log, such as EOE,
/// end where the previous one did).
pub type Entry = (u64, u32, usize);

/// What [`settle`] found: the byte count of the block known written (a
/// record boundary) and how many bytes to cut off the end of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settled {
    /// Bytes of the block that reached the log.
    pub written: usize,
    /// Trailing bytes of the log to remove (a record cut by the crash).
    pub cut: usize,
}

/// Decides how much of `block` (ending at the record `ends`, ascending)
/// reached the end of the log whose last bytes are `tail`.
pub fn settle(tail: &[u8], block: &[u8], ends: &[usize]) -> Settled {
    let mut bounds: Vec<usize> = ends.iter().copied().filter(|&e| e <= block.len()).collect();
    bounds.push(0);
    bounds.sort_unstable();
    bounds.dedup();
    let complete = tail.is_empty() || tail.ends_with(b"\n");
    if complete {
        for &e in bounds.iter().rev() {
            if tail.ends_with(&block[..e]) {
                return Settled { written: e, cut: 0 };
            }
        }
        return Settled { written: 0, cut: 0 };
    }
    let q = memchr::memrchr(b'\n', tail).map(|i| i + 1).unwrap_or(0);
    let (head, partial) = tail.split_at(q);
    for &e in bounds.iter().rev() {
        if e < block.len() && head.ends_with(&block[..e]) && block[e..].starts_with(partial) {
            return Settled {
                written: e,
                cut: partial.len(),
            };
        }
    }
    // A cut line that is not ours (a local record): leave the log alone.
    Settled { written: 0, cut: 0 }
}

/// The last sequence written per stream, durable.
#[derive(Debug)]
pub struct SeqStore {
    path: PathBuf,
    pending: PathBuf,
    last: HashMap<u64, u32>,
    warned: bool,
}

/// Parses a state file (`raudit-remote-state 1`, then `<stream hex> <seq>`
/// lines); anything malformed is skipped (an empty map for a foreign file).
pub fn parse_state(text: &str) -> HashMap<u64, u32> {
    let mut m = HashMap::new();
    let mut lines = text.lines();
    if lines.next() != Some(STATE_TAG) {
        return m;
    }
    for l in lines {
        let mut w = l.split(' ');
        if let (Some(s), Some(q)) = (w.next(), w.next()) {
            if let (Ok(s), Ok(q)) = (u64::from_str_radix(s, 16), q.parse::<u32>()) {
                m.insert(s, q);
            }
        }
    }
    m
}

/// Parses a pending file: (block, entries), or None when it is torn or not one.
pub fn parse_pending(data: &[u8]) -> Option<(Vec<u8>, Vec<Entry>)> {
    let nl = memchr::memchr(b'\n', data)?;
    let head = std::str::from_utf8(&data[..nl]).ok()?;
    let rest = head.strip_prefix(PENDING_TAG)?.trim();
    let mut w = rest.split(' ');
    let blen: usize = w.next()?.parse().ok()?;
    let n: usize = w.next()?.parse().ok()?;
    let mut pos = nl + 1;
    let mut entries = Vec::with_capacity(n.min(1 << 20));
    for _ in 0..n {
        let e = memchr::memchr(b'\n', &data[pos..])? + pos;
        let line = std::str::from_utf8(&data[pos..e]).ok()?;
        let mut f = line.split(' ');
        let s = u64::from_str_radix(f.next()?, 16).ok()?;
        let q: u32 = f.next()?.parse().ok()?;
        let end: usize = f.next()?.parse().ok()?;
        entries.push((s, q, end));
        pos = e + 1;
    }
    if pos.checked_add(blen) != Some(data.len()) {
        return None;
    }
    Some((data[pos..].to_vec(), entries))
}

fn read_tail(path: &Path, n: usize) -> std::io::Result<Vec<u8>> {
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let start = len.saturating_sub(n as u64);
    f.seek(SeekFrom::Start(start))?;
    let mut v = Vec::with_capacity((len - start) as usize);
    f.read_to_end(&mut v)?;
    Ok(v)
}

impl SeqStore {
    /// Opens the state at `path` and settles a pending write against the
    /// log `log_file`. Messages for the log come back with the store.
    pub fn open(path: PathBuf, log_file: &Path) -> (SeqStore, Vec<String>) {
        let mut msgs = Vec::new();
        let pending = {
            let mut p = path.clone().into_os_string();
            p.push(".pending");
            PathBuf::from(p)
        };
        let last = std::fs::read_to_string(&path)
            .map(|t| parse_state(&t))
            .unwrap_or_default();
        let mut st = SeqStore {
            path,
            pending,
            last,
            warned: false,
        };
        if let Ok(data) = std::fs::read(&st.pending) {
            if let Some((block, entries)) = parse_pending(&data) {
                let uncovered = entries.iter().any(|&(s, q, _)| match st.last.get(&s) {
                    Some(&l) => seq_after(q, l),
                    None => true,
                });
                if uncovered {
                    st.recover(&block, &entries, log_file, &mut msgs);
                }
            }
            let _ = std::fs::remove_file(&st.pending);
        }
        (st, msgs)
    }

    fn recover(&mut self, block: &[u8], entries: &[Entry], log: &Path, msgs: &mut Vec<String>) {
        let want = 2 * block.len() + 2;
        let mut tail = read_tail(log, want).unwrap_or_default();
        let cur_len = tail.len();
        if cur_len < want {
            let mut prev = log.as_os_str().to_owned();
            prev.push(".1");
            if let Ok(p) = read_tail(Path::new(&prev), want - cur_len) {
                let mut t = p;
                t.extend_from_slice(&tail);
                tail = t;
            }
        }
        let ends: Vec<usize> = entries.iter().map(|e| e.2).collect();
        let s = settle(&tail, block, &ends);
        if s.cut > 0 && s.cut <= cur_len {
            if let Ok(f) = std::fs::OpenOptions::new().write(true).open(log) {
                if let Ok(m) = f.metadata() {
                    let _ = f.set_len(m.len() - s.cut as u64);
                    msgs.push(format!(
                        "removed a remote record cut by a crash ({} bytes) from the end of {}",
                        s.cut,
                        log.display()
                    ));
                }
            }
        }
        let done: Vec<(u64, u32)> = entries
            .iter()
            .filter(|e| s.written > 0 && e.2 <= s.written)
            .map(|e| (e.0, e.1))
            .collect();
        msgs.push(format!(
            "settled an interrupted write of remote records: {} of {} were in {}",
            done.len(),
            entries.len(),
            log.display()
        ));
        for (st, q) in done {
            self.note(st, q);
        }
        if let Err(e) = self.save() {
            msgs.push(format!("Cannot write {} ({e})", self.path.display()));
        }
    }

    fn note(&mut self, stream: u64, seq: u32) {
        let e = self.last.entry(stream).or_insert(seq);
        if seq_after(seq, *e) {
            *e = seq;
        }
    }

    /// The last sequence written for `stream`.
    pub fn last(&self, stream: u64) -> Option<u32> {
        self.last.get(&stream).copied()
    }

    /// True if `seq` of `stream` was already written.
    pub fn is_dup(&self, stream: u64, seq: u32) -> bool {
        match self.last.get(&stream) {
            Some(&l) => !seq_after(seq, l),
            None => false,
        }
    }

    /// Step 1: records the write about to happen.
    pub fn begin(&mut self, block: &[u8], entries: &[Entry]) {
        let mut data = format!("{PENDING_TAG} {} {}\n", block.len(), entries.len()).into_bytes();
        for (s, q, e) in entries {
            data.extend_from_slice(format!("{s:016x} {q} {e}\n").as_bytes());
        }
        data.extend_from_slice(block);
        if let Err(e) = std::fs::write(&self.pending, &data) {
            self.warn(&self.pending.clone(), &e);
        }
    }

    /// Step 3: the records are in the log.
    pub fn commit(&mut self, entries: &[Entry]) {
        for &(s, q, _) in entries {
            self.note(s, q);
        }
        if let Err(e) = self.save() {
            self.warn(&self.path.clone(), &e);
        }
    }

    fn warn(&mut self, p: &Path, e: &std::io::Error) {
        if !self.warned {
            self.warned = true;
            crate::log::msg(
                crate::log::Level::Err,
                &format!(
                    "Cannot write {} ({e}): resent remote records may be logged twice",
                    p.display()
                ),
            );
        }
    }

    fn save(&self) -> std::io::Result<()> {
        let mut text = format!("{STATE_TAG}\n");
        let mut v: Vec<_> = self.last.iter().collect();
        v.sort();
        for (s, q) in v {
            text.push_str(&format!("{s:016x} {q}\n"));
        }
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(text.as_bytes())?;
        }
        std::fs::rename(&tmp, &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &[u8] = b"type=A msg=audit(1.0:1): a\ntype=B msg=audit(1.0:2): b\n";

    #[test]
    fn settle_whole_none_and_partial() {
        let ends = [27, 54];
        let mut log = b"old line\n".to_vec();
        assert_eq!(settle(&log, B, &ends), Settled { written: 0, cut: 0 });
        log.extend_from_slice(&B[..27]);
        assert_eq!(
            settle(&log, B, &ends),
            Settled {
                written: 27,
                cut: 0
            }
        );
        log.extend_from_slice(&B[27..40]);
        assert_eq!(
            settle(&log, B, &ends),
            Settled {
                written: 27,
                cut: 13
            }
        );
        let mut all = b"old line\n".to_vec();
        all.extend_from_slice(B);
        assert_eq!(
            settle(&all, B, &ends),
            Settled {
                written: 54,
                cut: 0
            }
        );
        // A cut local record is not ours.
        assert_eq!(
            settle(b"x\ntype=SYS", B, &ends),
            Settled { written: 0, cut: 0 }
        );
        // Cut inside the first record.
        assert_eq!(
            settle(b"x\ntype=A msg", B, &ends),
            Settled {
                written: 0,
                cut: 10
            }
        );
    }

    #[test]
    fn store_survives_a_crash_between_log_and_state() {
        let tmp = tempfile::Builder::new()
            .prefix("raudit-dedup-")
            .tempdir()
            .unwrap();
        let dir = tmp.path();
        let log = dir.join("audit.log");
        let state = dir.join("remote.state");
        std::fs::write(&log, b"old\n").unwrap_or_default();
        let (mut s, _) = SeqStore::open(state.clone(), &log);
        s.begin(B, &[(7, 10, 27), (7, 11, 54)]);
        // The log got the first record and half the second, then kill -9.
        let mut l = b"old\n".to_vec();
        l.extend_from_slice(&B[..40]);
        std::fs::write(&log, &l).unwrap_or_default();
        drop(s);
        let (s, msgs) = SeqStore::open(state.clone(), &log);
        assert_eq!(s.last(7), Some(10));
        assert!(s.is_dup(7, 10) && !s.is_dup(7, 11));
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        let mut want = b"old\n".to_vec();
        want.extend_from_slice(&B[..27]);
        assert_eq!(std::fs::read(&log).unwrap_or_default(), want);
        // A committed write is remembered without the pending file.
        let (mut s, _) = SeqStore::open(state.clone(), &log);
        s.begin(&B[27..], &[(7, 11, 27)]);
        s.commit(&[(7, 11, 27)]);
        let (s, msgs) = SeqStore::open(state, &log);
        assert_eq!(s.last(7), Some(11));
        assert!(msgs.is_empty());
        // A pending file announcing an absurd length is ignored, not trusted.
        assert!(parse_pending(b"raudit-remote-pending 1 18446744073709551615 0\n").is_none());
    }
}
