//! The bounded inbox between the kernel reader and the record handler.
//!
//! Records travel in [`Batch`]es (one buffer, many records: a batch costs
//! two allocations however many records it holds). Back-pressure: when the
//! queued bytes reach the bound, the reader waits — the kernel socket buffer
//! then absorbs the burst, then the kernel backlog (where `backlog_wait_time`
//! decides whether audited tasks wait or records are dropped and counted in
//! `lost`). Control items (signals, reader errors) bypass the bound and are
//! handed out first.

#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// Records received together: their bytes back to back.
#[derive(Debug, Default, Clone)]
pub struct Batch {
    /// The payloads.
    pub buf: Vec<u8>,
    /// (type, start, length) of each record's payload in `buf`.
    pub recs: Vec<(u16, u32, u32)>,
}

impl Batch {
    /// Appends a record.
    pub fn push(&mut self, rtype: u16, payload: &[u8]) {
        let start = self.buf.len() as u32;
        self.buf.extend_from_slice(payload);
        self.recs.push((rtype, start, payload.len() as u32));
    }

    /// The records.
    pub fn iter(&self) -> impl Iterator<Item = (u16, &[u8])> + '_ {
        self.recs.iter().map(move |&(t, s, l)| {
            let s = s as usize;
            (t, &self.buf[s..s + l as usize])
        })
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }
}

/// Out-of-band items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// A signal arrived: number, sender pid, sender uid.
    Signal {
        /// Signal number.
        sig: i32,
        /// `si_pid`.
        pid: i32,
        /// `si_uid`.
        uid: u32,
    },
    /// The reader stopped with this error.
    ReaderFailed(String),
}

/// What [`Inbox::pop`] hands out.
#[derive(Debug)]
pub enum Item {
    /// Records.
    Batch(Batch),
    /// A control item.
    Control(Control),
    /// What the remote-logging listener received (records, connections).
    Net(crate::listen::NetBatch),
}

/// A queued data item.
#[derive(Debug)]
enum Queued {
    Kernel(Batch),
    Net(crate::listen::NetBatch),
}

impl Queued {
    fn bytes(&self) -> usize {
        match self {
            Queued::Kernel(b) => b.buf.len(),
            Queued::Net(n) => n.bytes(),
        }
    }
    fn records(&self) -> usize {
        match self {
            Queued::Kernel(b) => b.len(),
            Queued::Net(n) => n.records(),
        }
    }
}

/// Counters of the queue.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct QueueStats {
    /// Batches queued now.
    pub depth: usize,
    /// Records queued now.
    pub records: usize,
    /// Bytes queued now.
    pub bytes: usize,
    /// Highest byte count seen.
    pub max_bytes: usize,
    /// Times the reader had to wait for room.
    pub waits: u64,
}

#[derive(Default)]
struct State {
    batches: VecDeque<Queued>,
    control: VecDeque<Control>,
    stats: QueueStats,
    closed: bool,
}

/// A bounded multi-producer queue of batches plus unbounded control items.
pub struct Inbox {
    st: Mutex<State>,
    data: Condvar,
    room: Condvar,
    limit: usize,
}

impl Inbox {
    /// A queue holding at most `limit_bytes` of record payload.
    pub fn new(limit_bytes: usize) -> Inbox {
        Inbox {
            st: Mutex::new(State::default()),
            data: Condvar::new(),
            room: Condvar::new(),
            limit: limit_bytes.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.st.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues a batch, waiting while the queue is full. Returns false when
    /// the queue was closed.
    pub fn push(&self, b: Batch) -> bool {
        let mut st = self.lock();
        let mut waited = false;
        while st.stats.bytes >= self.limit && !st.closed {
            if !waited {
                st.stats.waits += 1;
                waited = true;
            }
            st = self.room.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        if st.closed {
            return false;
        }
        Self::enqueue(&mut st, Queued::Kernel(b));
        drop(st);
        self.data.notify_one();
        true
    }

    /// Queues the reader's last batch without waiting (the bound is
    /// ignored; an empty batch or a closed queue is a no-op).
    pub fn push_last(&self, b: Batch) {
        if b.is_empty() {
            return;
        }
        let mut st = self.lock();
        if st.closed {
            return;
        }
        Self::enqueue(&mut st, Queued::Kernel(b));
        drop(st);
        self.data.notify_one();
    }

    fn enqueue(st: &mut State, q: Queued) {
        st.stats.bytes += q.bytes();
        st.stats.records += q.records();
        st.stats.depth += 1;
        st.stats.max_bytes = st.stats.max_bytes.max(st.stats.bytes);
        st.batches.push_back(q);
    }

    /// Queues what the network listener received without waiting: gives it
    /// back when the queue is full (the listener then stops reading its
    /// peers until there is room) or closed. With `force` the bound is
    /// ignored (the listener's last batch at shutdown).
    pub fn push_net(
        &self,
        n: crate::listen::NetBatch,
        force: bool,
    ) -> Result<(), crate::listen::NetBatch> {
        let mut st = self.lock();
        if !force && (st.stats.bytes >= self.limit || st.closed) {
            return Err(n);
        }
        Self::enqueue(&mut st, Queued::Net(n));
        drop(st);
        self.data.notify_one();
        Ok(())
    }

    /// Queues a control item (never waits).
    pub fn control(&self, c: Control) {
        self.lock().control.push_back(c);
        self.data.notify_one();
    }

    /// The next item, control items first; waits at most `timeout`.
    pub fn pop(&self, timeout: Duration) -> Option<Item> {
        let mut st = self.lock();
        if st.control.is_empty() && st.batches.is_empty() {
            st = self
                .data
                .wait_timeout(st, timeout)
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
        }
        if let Some(c) = st.control.pop_front() {
            return Some(Item::Control(c));
        }
        let b = st.batches.pop_front()?;
        st.stats.bytes -= b.bytes();
        st.stats.records -= b.records();
        st.stats.depth -= 1;
        drop(st);
        self.room.notify_all();
        Some(match b {
            Queued::Kernel(b) => Item::Batch(b),
            Queued::Net(n) => Item::Net(n),
        })
    }

    /// Closes the queue: waiting and later pushes fail.
    pub fn close(&self) {
        self.lock().closed = true;
        self.room.notify_all();
        self.data.notify_all();
    }

    /// Current counters.
    pub fn stats(&self) -> QueueStats {
        self.lock().stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn control_first_and_bound_blocks() {
        let q = Arc::new(Inbox::new(4));
        let mut b = Batch::default();
        b.push(1300, b"abcd");
        assert!(q.push(b));
        q.control(Control::ReaderFailed("x".into()));
        let q2 = q.clone();
        let t = std::thread::spawn(move || {
            let mut b = Batch::default();
            b.push(1301, b"ef");
            q2.push(b)
        });
        assert!(matches!(q.pop(Duration::ZERO), Some(Item::Control(_))));
        match q.pop(Duration::ZERO) {
            Some(Item::Batch(b)) => assert_eq!(b.iter().next(), Some((1300, &b"abcd"[..]))),
            other => panic!("{other:?}"),
        }
        assert!(t.join().unwrap_or(false));
        assert!(matches!(
            q.pop(Duration::from_secs(1)),
            Some(Item::Batch(_))
        ));
        assert!(q.stats().waits <= 1);
        assert!(q.pop(Duration::from_millis(1)).is_none());
        q.close();
        assert!(!q.push(Batch::default()));
    }
}
