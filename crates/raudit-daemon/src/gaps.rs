//! Kernel serial-number gap tracking: serials the kernel assigned but whose
//! records never reached us (dropped on the way: backlog overflow after the
//! serial was taken, a full socket buffer, a lost multicast copy).
//!
//! Events arrive nearly in serial order but not exactly (records of
//! concurrent events interleave), so a serial is only declared missing once
//! serials `window` higher have been seen. Pure and clock-free.

#![forbid(unsafe_code)]

use std::collections::VecDeque;

/// Tracks which serials were seen and counts the holes.
#[derive(Debug, Clone)]
pub struct GapTracker {
    window: u64,
    /// Lowest serial not yet settled.
    base: u64,
    /// `seen[i]` is serial `base + i`.
    seen: VecDeque<bool>,
    started: bool,
    gaps: u64,
    late: u64,
    resets: u64,
    last_gap: Option<(u64, u64)>,
}

/// A jump this large (forwards) or a serial this far back means the kernel's
/// counter restarted or wrapped: tracking starts again.
const RESET_DISTANCE: u64 = 1 << 24;

impl GapTracker {
    /// A tracker settling serials `window` below the highest seen.
    pub fn new(window: u64) -> GapTracker {
        GapTracker {
            window: window.max(1),
            base: 0,
            seen: VecDeque::new(),
            started: false,
            gaps: 0,
            late: 0,
            resets: 0,
            last_gap: None,
        }
    }

    /// Serials declared missing so far.
    pub fn gaps(&self) -> u64 {
        self.gaps
    }

    /// Serials that arrived after being declared missing (counted in [`Self::gaps`] too).
    pub fn late(&self) -> u64 {
        self.late
    }

    /// Times tracking restarted (counter reset or wrap).
    pub fn resets(&self) -> u64 {
        self.resets
    }

    /// The first and last serial declared missing by the most recent settling
    /// that found any.
    pub fn last_gap(&self) -> Option<(u64, u64)> {
        self.last_gap
    }

    fn restart(&mut self, serial: u64) {
        self.base = serial;
        self.seen.clear();
        self.seen.push_back(true);
        self.started = true;
    }

    /// Notes a serial seen in a record. Returns the number of serials newly
    /// declared missing.
    pub fn observe(&mut self, serial: u64) -> u64 {
        if serial == 0 {
            return 0;
        }
        if !self.started {
            self.restart(serial);
            return 0;
        }
        let hi = self.base + self.seen.len() as u64 - 1;
        if serial < self.base {
            if self.base - serial > RESET_DISTANCE {
                let n = self.settle_all();
                self.resets += 1;
                self.restart(serial);
                return n;
            }
            self.late += 1;
            return 0;
        }
        if serial > hi + RESET_DISTANCE {
            let n = self.settle_all();
            self.resets += 1;
            self.restart(serial);
            return n;
        }
        let idx = (serial - self.base) as usize;
        while self.seen.len() <= idx {
            self.seen.push_back(false);
        }
        self.seen[idx] = true;
        self.settle(serial.saturating_sub(self.window))
    }

    /// Settles every serial below `upto`.
    fn settle(&mut self, upto: u64) -> u64 {
        let mut n = 0;
        let mut run: Option<(u64, u64)> = None;
        while self.base < upto && self.seen.len() > 1 {
            let s = self.base;
            if self.seen.pop_front() == Some(false) {
                n += 1;
                run = Some(match run {
                    Some((a, _)) => (a, s),
                    None => (s, s),
                });
            }
            self.base += 1;
        }
        if run.is_some() {
            self.last_gap = run;
        }
        self.gaps += n;
        n
    }

    /// Settles everything up to the highest serial seen (at shutdown or when
    /// the feed is known to be quiet). Returns the serials newly declared missing.
    pub fn settle_all(&mut self) -> u64 {
        if !self.started {
            return 0;
        }
        let hi = self.base + self.seen.len() as u64 - 1;
        self.settle(hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_and_interleaved_have_no_gaps() {
        let mut g = GapTracker::new(4);
        for s in [10, 11, 13, 12, 14, 15, 16, 17, 18, 19, 20] {
            g.observe(s);
        }
        assert_eq!(g.settle_all(), 0);
        assert_eq!(g.gaps(), 0);
    }

    #[test]
    fn holes_are_counted_once_settled() {
        let mut g = GapTracker::new(4);
        g.observe(100);
        g.observe(103);
        assert_eq!(g.gaps(), 0, "not settled yet");
        // 101, 102, 104, 105 are now more than 4 below the highest.
        assert_eq!(g.observe(110), 4);
        assert_eq!(g.last_gap(), Some((101, 105)));
        g.observe(101);
        assert_eq!(g.late(), 1);
        assert_eq!(g.settle_all(), 4);
        assert_eq!(g.gaps(), 8);
    }

    #[test]
    fn restart_on_counter_reset() {
        let mut g = GapTracker::new(4);
        g.observe(50_000_000);
        g.observe(5);
        g.observe(6);
        assert_eq!((g.gaps(), g.resets()), (0, 1));
        g.observe(0);
        assert_eq!(g.settle_all(), 0);
    }
}
