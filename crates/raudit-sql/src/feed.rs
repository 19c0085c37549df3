//! Bytes of a log → assembled events: the fgets-compatible `Splitter`, the record
//! header parser and the libauparse-compatible `Assembler` of `raudit-logfmt`,
//! driven over chunks. Pure (the caller reads the files).
//!
//! For incremental indexing the feeder also knows where each line starts in its file,
//! can skip lines below an offset unless they belong to a *pending* event (one that
//! was still open when the previous run stopped, and is read again), and remembers
//! where each new highest second starts so the caller can find the first line a
//! still-open event may have ([`Feeder::first_line_from`]).
#![forbid(unsafe_code)]

use std::collections::HashSet;

use raudit_logfmt::assemble::Assembler;
use raudit_logfmt::header::parse_header;
use raudit_logfmt::lines::Splitter;
use raudit_logfmt::Event;

/// Identity of an event across runs: seconds, milliseconds, serial, node.
pub type EventKey = (i64, u32, u64, Vec<u8>);

/// The key of an event.
pub fn key_of(ev: &Event) -> EventKey {
    (
        ev.id.sec,
        ev.id.milli,
        ev.id.serial,
        ev.node.clone().unwrap_or_default(),
    )
}

/// Streaming event assembly over log chunks.
pub struct Feeder {
    split: Splitter,
    asm: Assembler,
    eoe_timeout: i64,
    /// Offset of the next piece in the current file.
    pos: u64,
    /// Lines starting below this offset are taken only when their event is pending.
    filter_below: u64,
    pending: HashSet<EventKey>,
    /// (second, offset) of each line that raised the file's highest second so far.
    maxes: Vec<(i64, u64)>,
    /// Lines that were not records (skipped, as ausearch does).
    pub skipped: u64,
}

impl Feeder {
    /// A feeder with the given end-of-event timeout (seconds).
    pub fn new(eoe_timeout: i64) -> Feeder {
        Feeder {
            split: Splitter::new(),
            asm: Assembler::new(eoe_timeout),
            eoe_timeout,
            pos: 0,
            filter_below: 0,
            pending: HashSet::new(),
            maxes: Vec::new(),
            skipped: 0,
        }
    }

    /// Events to take again from the lines below a file's `filter_below` offset.
    pub fn set_pending(&mut self, pending: HashSet<EventKey>) {
        self.pending = pending;
    }

    /// Starts a file read from byte `start`; lines before `filter_below` are taken only
    /// when they belong to a pending event.
    pub fn start_file(&mut self, start: u64, filter_below: u64) {
        self.split = Splitter::new();
        self.pos = start;
        self.filter_below = filter_below;
        self.maxes.clear();
    }

    fn line(&mut self, piece: &[u8], len: usize, out: &mut dyn FnMut(&Event)) {
        let at = self.pos;
        self.pos += len as u64;
        match parse_header(piece, self.eoe_timeout) {
            Ok(h) => {
                let higher = match self.maxes.last() {
                    Some(&(s, _)) => h.id.sec > s,
                    None => true,
                };
                if higher {
                    self.maxes.push((h.id.sec, at));
                }
                if at < self.filter_below {
                    let k = (
                        h.id.sec,
                        h.id.milli,
                        h.id.serial,
                        h.node.unwrap_or_default().to_vec(),
                    );
                    if !self.pending.contains(&k) {
                        return;
                    }
                }
                if self.asm.add(&h, piece) {
                    self.drain(out);
                }
            }
            Err(_) => self.skipped += 1,
        }
    }

    fn drain(&mut self, out: &mut dyn FnMut(&Event)) {
        while let Some(ev) = self.asm.next_ready() {
            out(&ev);
            self.asm.recycle(ev);
        }
    }

    /// Feeds a chunk; `out` is called with every event that completes.
    pub fn feed(&mut self, chunk: &[u8], out: &mut dyn FnMut(&Event)) {
        let mut split = std::mem::take(&mut self.split);
        split.feed_with_len(chunk, &mut |p, n| {
            self.line(p, n, out);
            true
        });
        self.split = split;
    }

    /// Ends one file: a last line without newline is taken as a record.
    pub fn end_file(&mut self, out: &mut dyn FnMut(&Event)) {
        let mut split = std::mem::take(&mut self.split);
        split.finish_with_len(&mut |p, n| {
            self.line(p, n, out);
            true
        });
        self.split = Splitter::new();
    }

    /// Drops a partial last line (not yet terminated by a newline) instead of taking it.
    pub fn drop_partial(&mut self) {
        self.split = Splitter::new();
    }

    /// The offset of the current file's first line whose second is `sec` or later
    /// (every line of an event of second `sec` or later is at or after it).
    pub fn first_line_from(&self, sec: i64) -> Option<u64> {
        let i = self.maxes.partition_point(|&(s, _)| s < sec);
        self.maxes.get(i).map(|&(_, o)| o)
    }

    /// The current file's (second, offset) marks of lines that raised its highest
    /// second, oldest first (taken: the feeder forgets them).
    pub fn take_marks(&mut self) -> Vec<(i64, u64)> {
        std::mem::take(&mut self.maxes)
    }

    /// Ends the input: every event still held is completed and delivered.
    pub fn finish(&mut self, out: &mut dyn FnMut(&Event)) {
        self.asm.terminate_all();
        self.drain(out);
    }
}

/// All events of a whole log text (tests, small inputs).
pub fn events(text: &[u8], eoe_timeout: i64) -> Vec<Event> {
    let mut f = Feeder::new(eoe_timeout);
    let mut v = Vec::new();
    f.feed(text, &mut |e| v.push(e.clone()));
    f.end_file(&mut |e| v.push(e.clone()));
    f.finish(&mut |e| v.push(e.clone()));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_pending_filter() {
        let text = b"type=SYSCALL msg=audit(10.000:1): a=1\n\
type=USER_LOGIN msg=audit(11.000:2): b=2\n\
type=PATH msg=audit(10.000:1): c=3\n\
type=USER_LOGIN msg=audit(12.000:3): d=4\n";
        let second = text.iter().position(|&b| b == b'\n').unwrap() as u64 + 1;
        let mut f = Feeder::new(2);
        let mut n = 0;
        f.feed(text, &mut |_| n += 1);
        assert_eq!(f.first_line_from(11), Some(second));
        assert_eq!(f.first_line_from(13), None);
        // re-read with only event 1 pending below the end: events 2 and 3 are skipped
        let mut f = Feeder::new(2);
        f.set_pending([(10, 0, 1, Vec::new())].into_iter().collect());
        f.start_file(0, text.len() as u64);
        let mut got = Vec::new();
        f.feed(text, &mut |e| got.push((e.id.serial, e.len())));
        f.finish(&mut |e| got.push((e.id.serial, e.len())));
        assert_eq!(got, vec![(1, 2)]);
    }
}
