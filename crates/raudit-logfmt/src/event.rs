//! An assembled event: the records that share one `(time, serial, node)` identity.

/// Identity of an event within one node: seconds, milliseconds and serial number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct EventId {
    /// Seconds since the epoch.
    pub sec: i64,
    /// Milliseconds (0–999).
    pub milli: u32,
    /// The kernel's serial number.
    pub serial: u64,
}

/// Cuts at the last newline (C's `strrchr(s, '\n')`); a line read from a file has
/// it as its last byte, which is checked first.
fn strip_last_newline(s: &[u8]) -> &[u8] {
    match s.split_last() {
        Some((b'\n', rest)) => rest,
        _ => match memchr::memrchr(b'\n', s) {
            Some(nl) => &s[..nl],
            None => s,
        },
    }
}

/// Whether any record of an event carries an ENRICHED tail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogFormat {
    /// Plain records.
    Raw,
    /// At least one record has the `0x1d`-separated interpretation tail.
    Enriched,
}

#[derive(Debug, Clone)]
struct Span {
    rtype: i32,
    start: u32,
    msg_len: u32,
    interp_len: Option<u32>,
}

/// One record of an event, borrowed from the event's storage.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// Record type number (-1 when the type name is unknown).
    pub rtype: i32,
    /// The record text up to the ENRICHED separator (or the end of line), without newline.
    pub msg: &'a [u8],
    /// The ENRICHED tail after the separator, without newline, if the record has one.
    pub interp: Option<&'a [u8]>,
}

/// A group of records with one identity, in arrival order. The record texts live in one
/// buffer per event, so an event costs two allocations however many records it has.
#[derive(Debug, Clone)]
pub struct Event {
    /// Time and serial.
    pub id: EventId,
    /// `node=` of the records, if any.
    pub node: Option<Vec<u8>>,
    /// Type of the first record seen (what the C tools call the event's type).
    pub first_type: i32,
    /// RAW unless some record carries an ENRICHED tail.
    pub format: LogFormat,
    buf: Vec<u8>,
    spans: Vec<Span>,
    /// The OR of the marks given with its records ([`crate::Assembler::add_piece_marked`]).
    marks: u8,
    /// Records whose text is not stored (see [`Event::push_absent`]), by span index.
    absent: Vec<Absent>,
}

/// Where the caller can find the text of a record that was not stored.
#[derive(Debug, Clone)]
struct Absent {
    index: u32,
    pos: u64,
    len: u32,
    sep: Option<u32>,
}

impl Event {
    /// A new event holding one record.
    pub fn new(id: EventId, node: Option<&[u8]>, rtype: i32, line: &[u8]) -> Event {
        let mut e = Event {
            id,
            node: node.map(<[u8]>::to_vec),
            first_type: rtype,
            format: LogFormat::Raw,
            buf: Vec::with_capacity(line.len() * 4),
            spans: Vec::with_capacity(6),
            marks: 0,
            absent: Vec::new(),
        };
        e.push(rtype, line);
        e
    }

    /// Reuses this event's storage for a new event holding one record.
    pub fn reset(&mut self, id: EventId, node: Option<&[u8]>, rtype: i32, line: &[u8]) {
        self.clear_for(id, node, rtype);
        self.push(rtype, line);
    }

    /// Empties this event for a new identity (its storage is kept).
    pub(crate) fn clear_for(&mut self, id: EventId, node: Option<&[u8]>, rtype: i32) {
        self.id = id;
        match (node, &mut self.node) {
            (Some(n), Some(mine)) => {
                mine.clear();
                mine.extend_from_slice(n);
            }
            (n, mine) => *mine = n.map(<[u8]>::to_vec),
        }
        self.first_type = rtype;
        self.format = LogFormat::Raw;
        self.buf.clear();
        self.spans.clear();
        self.marks = 0;
        self.absent.clear();
    }

    /// Feeds everything this event holds to `h` (identity, node, types, record
    /// texts and the positions of records not stored): two events that hash the
    /// same under a keyed hasher hold the same records.
    pub fn digest<H: std::hash::Hasher>(&self, h: &mut H) {
        use std::hash::Hash;
        self.id.hash(h);
        self.node.hash(h);
        self.first_type.hash(h);
        (self.format == LogFormat::Enriched).hash(h);
        self.buf.hash(h);
        self.spans.len().hash(h);
        for s in &self.spans {
            (s.rtype, s.start, s.msg_len, s.interp_len).hash(h);
        }
        self.marks.hash(h);
        self.absent.len().hash(h);
        for a in &self.absent {
            (a.index, a.pos, a.len, a.sep).hash(h);
        }
    }

    /// Appends a record without storing its text: only its type and where the
    /// caller can read its piece again (`len` bytes at input position `pos`, the
    /// piece as [`Event::push_piece`] takes it, first separator at `sep`). Until
    /// [`Event::fill`] brings the text in, the record reads as empty.
    pub fn push_absent(&mut self, rtype: i32, pos: u64, len: usize, sep: Option<usize>) {
        self.absent.push(Absent {
            index: self.spans.len() as u32,
            pos,
            len: len as u32,
            sep: sep.map(|s| s as u32),
        });
        self.spans.push(Span {
            rtype,
            start: self.buf.len() as u32,
            msg_len: 0,
            interp_len: None,
        });
    }

    /// True when some record's text was not stored ([`Event::push_absent`]).
    pub fn has_absent(&self) -> bool {
        !self.absent.is_empty()
    }

    /// Brings in the text of the records added with [`Event::push_absent`]:
    /// `fetch(pos, len, buf)` appends the `len` bytes at `pos` to `buf` and says
    /// whether it could. The event is then as if every record had been pushed with
    /// [`Event::push_piece`]. False (and the absent records left empty) when a
    /// fetch failed.
    pub fn fill(&mut self, fetch: &mut dyn FnMut(u64, usize, &mut Vec<u8>) -> bool) -> bool {
        if self.absent.is_empty() {
            return true;
        }
        let old = std::mem::take(&mut self.buf);
        let spans = std::mem::take(&mut self.spans);
        let absent = std::mem::take(&mut self.absent);
        self.buf
            .reserve(old.len() + absent.iter().map(|a| a.len as usize).sum::<usize>());
        let mut tmp = Vec::new();
        let mut next = absent.iter().peekable();
        let mut ok = true;
        for (i, s) in spans.iter().enumerate() {
            if let Some(a) = next.next_if(|a| a.index as usize == i) {
                tmp.clear();
                if ok && fetch(a.pos, a.len as usize, &mut tmp) && tmp.len() == a.len as usize {
                    // the bytes read back are those the piece had: cut at a NUL, if any
                    let sep = a.sep.map(|s| s as usize);
                    if memchr::memchr(0, &tmp).is_none()
                        && sep == memchr::memchr(crate::INTERP_SEPARATOR, &tmp)
                    {
                        self.push_piece(s.rtype, &tmp, sep);
                        continue;
                    }
                }
                ok = false;
                self.spans.push(Span {
                    rtype: s.rtype,
                    start: self.buf.len() as u32,
                    msg_len: 0,
                    interp_len: None,
                });
            } else {
                let a = s.start as usize;
                let end = a + s.msg_len as usize + s.interp_len.unwrap_or(0) as usize;
                let start = self.buf.len() as u32;
                self.buf.extend_from_slice(&old[a..end]);
                self.spans.push(Span { start, ..s.clone() });
            }
        }
        ok
    }

    /// The OR of the caller's marks for its records (0 when none were given): lets
    /// a caller note facts about records while they are hot in cache, and read them
    /// per event without touching the text again.
    pub fn marks(&self) -> u8 {
        self.marks
    }

    /// Adds `m` to the event's marks.
    pub(crate) fn mark(&mut self, m: u8) {
        self.marks |= m;
    }

    /// An event with no records yet and room for about `bytes` bytes of text.
    pub(crate) fn empty(id: EventId, node: Option<&[u8]>, rtype: i32, bytes: usize) -> Event {
        Event {
            id,
            node: node.map(<[u8]>::to_vec),
            first_type: rtype,
            format: LogFormat::Raw,
            buf: Vec::with_capacity(bytes),
            spans: Vec::with_capacity(6),
            marks: 0,
            absent: Vec::new(),
        }
    }

    /// Appends a record line (as read: it may still end in a newline). As in the C
    /// tools the line is a C string — it ends at its first NUL, so record text never
    /// contains one — and it is split at the first ENRICHED separator; a trailing
    /// newline is removed.
    pub fn push(&mut self, rtype: i32, line: &[u8]) {
        let line = match memchr::memchr(0, line) {
            Some(z) => &line[..z],
            None => line,
        };
        self.push_piece(rtype, line, memchr::memchr(crate::INTERP_SEPARATOR, line));
    }

    /// [`Event::push`] for a line already cut at its first NUL whose first ENRICHED
    /// separator is known (`sep`, as [`crate::lines::Piece`] gives it): the line is
    /// not scanned again.
    pub fn push_piece(&mut self, rtype: i32, line: &[u8], sep: Option<usize>) {
        debug_assert!(memchr::memchr(0, line).is_none());
        debug_assert_eq!(sep, memchr::memchr(crate::INTERP_SEPARATOR, line));
        let start = self.buf.len() as u32;
        let (msg_len, interp_len) = match sep {
            Some(sep) => {
                self.format = LogFormat::Enriched;
                let tail = &line[sep + 1..];
                let tail = strip_last_newline(tail);
                self.buf.extend_from_slice(&line[..sep]);
                self.buf.extend_from_slice(tail);
                (sep as u32, Some(tail.len() as u32))
            }
            None => {
                let msg = strip_last_newline(line);
                self.buf.extend_from_slice(msg);
                (msg.len() as u32, None)
            }
        };
        self.spans.push(Span {
            rtype,
            start,
            msg_len,
            interp_len,
        });
    }

    /// Overwrites one byte of record `i`'s text (ausearch's parser edits record text in
    /// place in a few cases, and the edit shows in its output). Out-of-range is ignored.
    pub fn patch_msg(&mut self, i: usize, offset: usize, byte: u8) {
        if let Some(s) = self.spans.get(i) {
            if offset < s.msg_len as usize {
                self.buf[s.start as usize + offset] = byte;
            }
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when the event has no records (never for events from the assembler).
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The i-th record in arrival order.
    pub fn record(&self, i: usize) -> Option<Record<'_>> {
        self.spans.get(i).map(|s| self.span(s))
    }

    /// The records in arrival order.
    pub fn records(&self) -> impl DoubleEndedIterator<Item = Record<'_>> + ExactSizeIterator + '_ {
        self.spans.iter().map(move |s| self.span(s))
    }

    fn span(&self, s: &Span) -> Record<'_> {
        let a = s.start as usize;
        let m = a + s.msg_len as usize;
        Record {
            rtype: s.rtype,
            msg: &self.buf[a..m],
            interp: s.interp_len.map(|l| &self.buf[m..m + l as usize]),
        }
    }
}
