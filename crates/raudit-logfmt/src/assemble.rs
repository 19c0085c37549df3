//! Event assembly: grouping record lines into events, as `ausearch`/`aureport` 3.0.9 do.
//!
//! A sans-IO state machine driven by record time only (no clock), so it behaves the
//! same on a file, a pipe or a live feed, and is testable with plain data:
//!
//! - identity is `(sec, milli, serial, node)`;
//! - a record joins the event with its identity that is still being built, or starts a
//!   new one (a lone `EOE` whose event is already complete is dropped);
//! - an event whose first record is of a single-record kind (types below 1300,
//!   `PROCTITLE`, `KERNEL`, 2100 and above, the `MAC_UNLBL_ALLOW..MAC_CALIPSO_DEL`
//!   range) is complete as soon as it starts; any other event completes when a new event
//!   starts at least `eoe_timeout` seconds later, or at the end of input;
//! - events leave in time order: the oldest event still held goes first, and only
//!   once it is complete (a complete event waits behind an older incomplete one). Events
//!   with equal times leave in the order of the slots they were stored in, as the C
//!   array does (a freed slot is reused lowest first).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::event::{Event, EventId};
use crate::header::Header;

/// AUDIT_EOE.
const EOE: i32 = 1320;

/// True for record types that make a one-record event complete on arrival.
pub fn is_single_record_type(t: i32) -> bool {
    t == 1327 || !(1300..2100).contains(&t) || t == 2000 || (1406..=1419).contains(&t)
}

/// A sorted sequence tuned for keys that mostly arrive in order (records of a log):
/// insertion at the back is O(1), out-of-order keys are placed by binary search.
#[derive(Debug)]
struct Sorted<T>(VecDeque<T>);

impl<T> Default for Sorted<T> {
    fn default() -> Self {
        Sorted(VecDeque::new())
    }
}

impl<T: Ord + Copy> Sorted<T> {
    fn insert(&mut self, v: T) {
        match self.0.back() {
            Some(b) if *b > v => {
                let at = self.0.partition_point(|x| *x < v);
                self.0.insert(at, v);
            }
            _ => self.0.push_back(v),
        }
    }
    /// Inserts after every element whose `key` is not greater (elements with equal
    /// keys stay in insertion order, so keys that arrive in order are appended).
    fn insert_by<K: Ord>(&mut self, v: T, key: impl Fn(&T) -> K) {
        let k = key(&v);
        match self.0.back() {
            Some(b) if key(b) > k => {
                let at = self.0.partition_point(|x| key(x) <= k);
                self.0.insert(at, v);
            }
            _ => self.0.push_back(v),
        }
    }
    fn first(&self) -> Option<&T> {
        self.0.front()
    }
    fn pop_first(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    /// Removes `v` from a sequence kept by [`Sorted::insert_by`] with the same `key`
    /// (elements with equal keys are in insertion order, so they are searched).
    fn remove_by<K: Ord>(&mut self, v: &T, key: impl Fn(&T) -> K) {
        let k = key(v);
        let mut at = self.0.partition_point(|x| key(x) < k);
        while let Some(x) = self.0.get(at) {
            if key(x) != k {
                break;
            }
            if x == v {
                self.0.remove(at);
                return;
            }
            at += 1;
        }
    }
}

struct Slot {
    ev: Event,
    complete: bool,
}

/// Groups records into events; see the module documentation for the rules.
pub struct Assembler {
    eoe_timeout: i64,
    slots: Vec<Option<Slot>>,
    free: BinaryHeap<Reverse<usize>>,
    /// Building events by start second, for the timeout (kept sorted by second; the
    /// order among equal seconds does not matter, they always time out together).
    by_sec: Sorted<(i64, usize)>,
    /// All held events in release order (kept sorted).
    order: Sorted<(EventId, usize)>,
    ready: usize,
    /// The slot of the last event started while building: records mostly follow the
    /// record before them, and a building slot is the only one with its identity and
    /// node (a second is only started when there is none), so a match here is the
    /// slot `Assembler::building` would find.
    last: Option<usize>,
    /// Storage of released events, reused for new ones.
    spare: Vec<Event>,
}

impl Assembler {
    /// An empty assembler with the given end-of-event timeout in seconds.
    pub fn new(eoe_timeout: i64) -> Assembler {
        Assembler {
            eoe_timeout,
            slots: Vec::new(),
            free: BinaryHeap::new(),
            by_sec: Sorted::default(),
            order: Sorted::default(),
            ready: 0,
            last: None,
            spare: Vec::new(),
        }
    }

    /// The end-of-event timeout in seconds.
    pub fn eoe_timeout(&self) -> i64 {
        self.eoe_timeout
    }

    /// Number of events held (building or complete).
    pub fn held(&self) -> usize {
        self.order.len()
    }

    /// Gives a released event's storage back for reuse (optional; saves allocations).
    pub fn recycle(&mut self, ev: Event) {
        if self.spare.len() < 4096 {
            self.spare.push(ev);
        }
    }

    /// Adds one record line (`line` as read, possibly ending in a newline). Returns
    /// false when the record was dropped (a lone `EOE`).
    pub fn add(&mut self, hdr: &Header<'_>, line: &[u8]) -> bool {
        let line = match memchr::memchr(0, line) {
            Some(z) => &line[..z],
            None => line,
        };
        self.add_piece(hdr, line, memchr::memchr(crate::INTERP_SEPARATOR, line))
    }

    /// [`Assembler::add`] for a line already cut at its first NUL whose first ENRICHED
    /// separator is known (see [`crate::lines::Piece`]); the line is not scanned again.
    pub fn add_piece(&mut self, hdr: &Header<'_>, line: &[u8], sep: Option<usize>) -> bool {
        self.add_piece_marked(hdr, line, sep, 0)
    }

    /// [`Assembler::add_piece`] that also ORs `marks` into the event's
    /// [`Event::marks`] (for caller-defined facts about the record).
    pub fn add_piece_marked(
        &mut self,
        hdr: &Header<'_>,
        line: &[u8],
        sep: Option<usize>,
        marks: u8,
    ) -> bool {
        self.add_piece_lazy(hdr, line, sep, marks, None)
    }

    /// [`Assembler::add_piece_marked`] that does not store the text of a record
    /// while its event has no marks (nor the record): with `pos` = the piece's
    /// position in the input, the record is added with [`Event::push_absent`] and
    /// the caller fills the event ([`Event::fill`]) before reading it. Grouping,
    /// completion and release order are the same as with the text stored.
    pub fn add_piece_lazy(
        &mut self,
        hdr: &Header<'_>,
        line: &[u8],
        sep: Option<usize>,
        marks: u8,
        pos: Option<u64>,
    ) -> bool {
        fn put(
            ev: &mut Event,
            rtype: i32,
            line: &[u8],
            sep: Option<usize>,
            m: u8,
            pos: Option<u64>,
        ) {
            ev.mark(m);
            match pos {
                Some(p) if ev.marks() == 0 => ev.push_absent(rtype, p, line.len(), sep),
                _ => ev.push_piece(rtype, line, sep),
            }
        }
        if let Some(Some(slot)) = self.last.map(|i| &mut self.slots[i]) {
            if !slot.complete && slot.ev.id == hdr.id && slot.ev.node.as_deref() == hdr.node {
                put(&mut slot.ev, hdr.rtype, line, sep, marks, pos);
                return true;
            }
        }
        if let Some(i) = self.building(&hdr.id, hdr.node) {
            if let Some(slot) = &mut self.slots[i] {
                put(&mut slot.ev, hdr.rtype, line, sep, marks, pos);
                self.last = Some(i);
                return true;
            }
        }
        if hdr.rtype == EOE {
            return false;
        }
        let mut ev = match self.spare.pop() {
            Some(mut e) => {
                e.clear_for(hdr.id, hdr.node, hdr.rtype);
                e
            }
            None => Event::empty(hdr.id, hdr.node, hdr.rtype, line.len() * 4),
        };
        put(&mut ev, hdr.rtype, line, sep, marks, pos);
        let i = match self.free.pop() {
            Some(Reverse(i)) => i,
            None => {
                self.slots.push(None);
                self.slots.len() - 1
            }
        };
        let single = is_single_record_type(hdr.rtype);
        if single {
            self.ready += 1;
        } else {
            self.by_sec.insert_by((hdr.id.sec, i), |x| x.0);
            self.last = Some(i);
        }
        self.slots[i] = Some(Slot {
            ev,
            complete: single,
        });
        self.order.insert((hdr.id, i));
        // Time out events that started eoe_timeout or more seconds before this one.
        let limit = hdr.id.sec.saturating_sub(self.eoe_timeout);
        while let Some(&(sec, j)) = self.by_sec.first() {
            if sec > limit {
                break;
            }
            self.by_sec.pop_first();
            self.complete(j);
        }
        true
    }

    fn complete(&mut self, j: usize) {
        let Some(slot) = &mut self.slots[j] else {
            return;
        };
        if slot.complete {
            return;
        }
        slot.complete = true;
        self.ready += 1;
    }

    /// The slot of the event being built with identity `id` and `node` (there is
    /// at most one: a second is only started when there is none). Held events are
    /// in `order`, sorted by identity; a new record's identity is most often newer
    /// than all of them, which one comparison tells.
    #[inline]
    fn building(&self, id: &EventId, node: Option<&[u8]>) -> Option<usize> {
        let order = &self.order.0;
        match order.back() {
            Some(b) if b.0 >= *id => {}
            _ => return None,
        }
        let from = order.partition_point(|x| x.0 < *id);
        order
            .range(from..)
            .take_while(|x| x.0 == *id)
            .map(|x| x.1)
            .find(|&i| {
                self.slots[i]
                    .as_ref()
                    .is_some_and(|s| !s.complete && s.ev.node.as_deref() == node)
            })
    }

    /// An `EOE` record for `hdr`'s identity arrived (a live kernel stream): the
    /// event being built with that identity and node is complete.
    pub fn end_of_event(&mut self, hdr: &Header<'_>) {
        if let Some(i) = self.building(&hdr.id, hdr.node) {
            self.by_sec.remove_by(&(hdr.id.sec, i), |x| x.0);
            self.complete(i);
        }
    }

    /// Marks every held event complete (end of input).
    pub fn terminate_all(&mut self) {
        while let Some((_, j)) = self.by_sec.pop_first() {
            self.complete(j);
        }
    }

    /// Feeds the state that decides what this assembler does next to `h`: every
    /// held event in release order, with whether it is complete. Two assemblers
    /// with the same digest (under a keyed hasher) release the same events in
    /// the same order from the same input on: what a reader that starts in the
    /// middle of a file checks before its events are used.
    pub fn digest<H: std::hash::Hasher>(&self, h: &mut H) {
        use std::hash::Hash;
        self.order.len().hash(h);
        for &(_, i) in &self.order.0 {
            if let Some(slot) = &self.slots[i] {
                slot.complete.hash(h);
                slot.ev.digest(h);
            }
        }
    }

    /// The next event to release, if the oldest held event is complete.
    pub fn next_ready(&mut self) -> Option<Event> {
        if self.ready == 0 {
            return None;
        }
        let &(_, i) = self.order.first()?;
        if !self.slots[i].as_ref().is_some_and(|s| s.complete) {
            return None;
        }
        self.order.pop_first();
        self.ready -= 1;
        self.free.push(Reverse(i));
        self.slots[i].take().map(|s| s.ev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::parse_header;

    fn digest_after(lines: &[String]) -> (u64, Assembler) {
        use std::hash::{BuildHasher, Hasher};
        let mut a = Assembler::new(2);
        for l in lines {
            let h = parse_header(l.as_bytes(), 2).unwrap();
            a.add(&h, l.as_bytes());
            while a.next_ready().is_some() {}
        }
        // a fixed key: the test compares within one run
        let mut h =
            std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
                .build_hasher();
        a.digest(&mut h);
        (h.finish(), a)
    }

    #[test]
    fn digest_tells_whether_a_late_start_caught_up() {
        // events 1..=40, one per 0.5 s, each SYSCALL + PATH, the PATH of event n
        // written after the SYSCALL of event n+1 (interleaved)
        let mut lines = Vec::new();
        for n in 1..=40u64 {
            let t = 1000 + n / 2;
            lines.push(format!(
                "type=SYSCALL msg=audit({t}.{:03}:{n}): a=1",
                (n % 2) * 500
            ));
            if n > 1 {
                let p = n - 1;
                let tp = 1000 + p / 2;
                lines.push(format!(
                    "type=PATH msg=audit({tp}.{:03}:{p}): b=2",
                    (p % 2) * 500
                ));
            }
        }
        let cut = 60; // a line boundary in the middle
        let (full, mut a) = digest_after(&lines[..cut]);
        // started 10 lines (2.5 s of log) before the cut: same state
        let (late, mut b) = digest_after(&lines[cut - 10..cut]);
        assert_eq!(full, late);
        // started 2 lines before: it misses records of held events
        let (short, _) = digest_after(&lines[cut - 2..cut]);
        assert_ne!(full, short);
        // and from the cut on, the caught-up one releases exactly the same
        let rest = |a: &mut Assembler| {
            let mut out = Vec::new();
            for l in &lines[cut..] {
                let h = parse_header(l.as_bytes(), 2).unwrap();
                a.add(&h, l.as_bytes());
                while let Some(e) = a.next_ready() {
                    out.push((e.id.serial, e.len()));
                }
            }
            a.terminate_all();
            while let Some(e) = a.next_ready() {
                out.push((e.id.serial, e.len()));
            }
            out
        };
        let (x, y) = (rest(&mut a), rest(&mut b));
        assert_eq!(x, y);
        assert!(!x.is_empty());
    }

    fn run(lines: &[&str]) -> Vec<(u64, usize)> {
        let mut a = Assembler::new(2);
        let mut out = Vec::new();
        for l in lines {
            let h = parse_header(l.as_bytes(), 2).unwrap();
            if a.add(&h, l.as_bytes()) {
                if let Some(e) = a.next_ready() {
                    out.push((e.id.serial, e.len()));
                }
            }
        }
        a.terminate_all();
        while let Some(e) = a.next_ready() {
            out.push((e.id.serial, e.len()));
        }
        out
    }

    #[test]
    fn syscall_events_wait_for_timeout_or_end() {
        let got = run(&[
            "type=SYSCALL msg=audit(10.000:1): a",
            "type=PROCTITLE msg=audit(10.000:1): b",
            "type=SYSCALL msg=audit(11.000:2): a",
            "type=SYSCALL msg=audit(12.000:3): a",
            "type=SYSCALL msg=audit(13.000:4): a",
        ]);
        assert_eq!(got, vec![(1, 2), (2, 1), (3, 1), (4, 1)]);
    }

    #[test]
    fn single_record_events_wait_behind_older_ones() {
        let got = run(&[
            "type=SYSCALL msg=audit(10.000:1): a",
            "type=USER_LOGIN msg=audit(10.500:2): a",
            "type=USER_LOGIN msg=audit(9.000:3): a",
        ]);
        // 3 is older than everything and complete: it leaves at once; 2 waits for 1.
        assert_eq!(got, vec![(3, 1), (1, 1), (2, 1)]);
    }

    #[test]
    fn eoe_finds_its_event_among_equal_seconds() {
        let mut a = Assembler::new(2);
        let lines = [
            "type=SYSCALL msg=audit(10.000:1): a",
            "type=SYSCALL msg=audit(10.001:2): a",
            "type=SYSCALL msg=audit(10.002:3): a",
        ];
        for l in lines {
            let h = parse_header(l.as_bytes(), 2).unwrap();
            a.add(&h, l.as_bytes());
        }
        // Free slot 0, so the next event takes it after slots 1 and 2 (same second).
        let h = parse_header(b"type=EOE msg=audit(10.000:1): ", 2).unwrap();
        a.end_of_event(&h);
        assert_eq!(a.next_ready().map(|e| e.id.serial), Some(1));
        let l = "type=SYSCALL msg=audit(10.003:4): a";
        let h = parse_header(l.as_bytes(), 2).unwrap();
        a.add(&h, l.as_bytes());
        for serial in [4u64, 2] {
            let l = format!("type=EOE msg=audit(10.00{}:{serial}): ", serial - 1);
            let h = parse_header(l.as_bytes(), 2).unwrap();
            a.end_of_event(&h);
        }
        assert_eq!(a.next_ready().map(|e| e.id.serial), Some(2));
        // Event 3 still builds; a record 2 s later times it out, not 4 again.
        let l = "type=SYSCALL msg=audit(12.000:5): a";
        let h = parse_header(l.as_bytes(), 2).unwrap();
        a.add(&h, l.as_bytes());
        assert_eq!(a.next_ready().map(|e| e.id.serial), Some(3));
        assert_eq!(a.next_ready().map(|e| e.id.serial), Some(4));
        assert!(a.next_ready().is_none());
        assert_eq!(a.held(), 1);
    }

    #[test]
    fn eoe_completes_its_event_at_once() {
        let mut a = Assembler::new(2);
        for l in [
            "type=SYSCALL msg=audit(10.000:1): a",
            "type=PATH msg=audit(10.000:1): b",
        ] {
            let h = parse_header(l.as_bytes(), 2).unwrap();
            a.add(&h, l.as_bytes());
        }
        assert!(a.next_ready().is_none());
        let h = parse_header(b"type=EOE msg=audit(10.000:1): ", 2).unwrap();
        a.end_of_event(&h);
        assert_eq!(a.next_ready().map(|e| e.len()), Some(2));
        assert_eq!(a.held(), 0);
    }

    #[test]
    fn lazy_records_fill_back_to_the_stored_event() {
        let text: &[u8] = b"type=SYSCALL msg=audit(10.000:1): a key=1\x1dAUID=x\n\
type=PATH msg=audit(10.000:1): b\n\
type=SYSCALL msg=audit(10.000:2): c\n\
type=CWD msg=audit(10.000:3): d\n\
type=PATH msg=audit(10.000:3): e\x1dOUID=y\n\
type=SYSCALL msg=audit(10.000:3): f\n\
type=USER_LOGIN msg=audit(11.000:4): g\n\
type=SYSCALL msg=audit(13.000:5): h\n";
        // every mark pattern over the 8 records
        for pattern in 0u32..256 {
            let mut plain = Assembler::new(2);
            let mut lazy = Assembler::new(2);
            let (mut a, mut b) = (Vec::new(), Vec::new());
            let mut pos = 0u64;
            let mut split = crate::lines::Splitter::new();
            let mut n = 0;
            split.feed_pieces_with_len(text, &mut |p, len| {
                let h = parse_header(p.text, 2).unwrap();
                let m = ((pattern >> n) & 1) as u8;
                n += 1;
                plain.add_piece_marked(&h, p.text, p.sep, m);
                lazy.add_piece_lazy(&h, p.text, p.sep, m, Some(pos));
                pos += len as u64;
                while let Some(e) = plain.next_ready() {
                    a.push(e);
                }
                while let Some(e) = lazy.next_ready() {
                    b.push(e);
                }
                true
            });
            plain.terminate_all();
            lazy.terminate_all();
            a.extend(std::iter::from_fn(|| plain.next_ready()));
            b.extend(std::iter::from_fn(|| lazy.next_ready()));
            assert_eq!(a.len(), b.len());
            for (x, mut y) in a.into_iter().zip(b) {
                assert_eq!(x.marks(), y.marks());
                if x.marks() == 0 {
                    assert!(y.records().all(|r| r.msg.is_empty()));
                }
                assert!(y.fill(&mut |p, l, buf| {
                    buf.extend_from_slice(&text[p as usize..p as usize + l]);
                    true
                }));
                assert!(!y.has_absent());
                let rx: Vec<_> = x.records().map(|r| (r.rtype, r.msg, r.interp)).collect();
                let ry: Vec<_> = y.records().map(|r| (r.rtype, r.msg, r.interp)).collect();
                assert_eq!(rx, ry, "pattern {pattern:b}");
                assert_eq!(x.format, y.format);
            }
        }
    }

    #[test]
    fn lone_eoe_is_dropped_and_nodes_separate() {
        let got = run(&[
            "type=USER_LOGIN msg=audit(10.000:1): a",
            "type=EOE msg=audit(10.000:1): ",
            "node=a type=SYSCALL msg=audit(10.000:2): a",
            "node=b type=SYSCALL msg=audit(10.000:2): a",
            "node=a type=PATH msg=audit(10.000:2): a",
        ]);
        assert_eq!(got, vec![(1, 1), (2, 2), (2, 1)]);
    }

    /// A held event of the model: (identity, node, slot, complete, record texts).
    type Held = (EventId, Option<Vec<u8>>, usize, bool, Vec<Vec<u8>>);

    /// The rules of the module documentation, written as plainly as possible.
    #[derive(Default)]
    struct Model {
        held: Vec<Held>,
    }

    type Released = (EventId, Option<Vec<u8>>, Vec<Vec<u8>>);

    impl Model {
        fn add(&mut self, h: &Header<'_>, line: &[u8], eoe: i64, out: &mut Vec<Released>) {
            let node = h.node.map(<[u8]>::to_vec);
            if let Some(e) = self
                .held
                .iter_mut()
                .find(|e| !e.3 && e.0 == h.id && e.1 == node)
            {
                e.4.push(line.to_vec());
                return;
            }
            if h.rtype == EOE {
                return;
            }
            let slot = (0..)
                .find(|s| self.held.iter().all(|e| e.2 != *s))
                .unwrap_or(0);
            let single = is_single_record_type(h.rtype);
            self.held
                .push((h.id, node, slot, single, vec![line.to_vec()]));
            for e in &mut self.held {
                if e.0.sec <= h.id.sec.saturating_sub(eoe) {
                    e.3 = true;
                }
            }
            self.release(out);
        }

        fn release(&mut self, out: &mut Vec<Released>) {
            loop {
                let Some(first) =
                    (0..self.held.len()).min_by_key(|&i| (self.held[i].0, self.held[i].2))
                else {
                    return;
                };
                if !self.held[first].3 {
                    return;
                }
                let e = self.held.remove(first);
                out.push((e.0, e.1, e.4));
            }
        }
    }

    proptest::proptest! {
        /// The assembler releases the same events, with the same records, in the
        /// same order as the plain model, for any interleaving of identities,
        /// nodes, single-record types and EOEs.
        #[test]
        fn assembler_is_the_model(
            recs in proptest::collection::vec(
                (0i64..8, 0u32..2, 0u64..4, 0usize..3, 0usize..6), 0..80),
            eoe in 0i64..4,
        ) {
            let types = [1300, 1302, 1320, 1327, 1112, 1305];
            let nodes: [Option<&[u8]>; 3] = [None, Some(b"a"), Some(b"b")];
            let (mut got, mut want) = (Vec::new(), Vec::new());
            let mut a = Assembler::new(eoe);
            let mut m = Model::default();
            let mut sec = 100;
            for (n, (step, milli, serial, node, ty)) in recs.into_iter().enumerate() {
                sec += step / 3;
                let h = Header {
                    node: nodes[node],
                    type_name: b"T",
                    rtype: types[ty],
                    id: EventId { sec: sec - step % 3, milli, serial },
                };
                let line = format!("r{n}");
                a.add_piece(&h, line.as_bytes(), None);
                while let Some(e) = a.next_ready() {
                    got.push((e.id, e.node.clone(), e.records().map(|r| r.msg.to_vec()).collect()));
                }
                m.add(&h, line.as_bytes(), eoe, &mut want);
            }
            a.terminate_all();
            while let Some(e) = a.next_ready() {
                got.push((e.id, e.node.clone(), e.records().map(|r| r.msg.to_vec()).collect()));
            }
            for e in &mut m.held {
                e.3 = true;
            }
            m.release(&mut want);
            proptest::prop_assert_eq!(got, want);
        }
    }
}
