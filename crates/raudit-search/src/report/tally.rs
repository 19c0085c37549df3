//! Counting tables for the summaries, with the orders aureport prints them in.
//!
//! aureport keeps two kinds of lists: strings in first-seen order and numbers in
//! ascending order, each with a hit count, and prints them sorted by hits, most
//! first, with a stable sort (ties keep the list order). Here a hash map finds the
//! entry and a vector keeps the order, so counting is O(1) and a key is copied only
//! the first time it is seen.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A small, fast hasher for short byte strings and integers (FxHash's mixing).
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, mut bytes: &[u8]) {
        while bytes.len() >= 8 {
            let (w, rest) = bytes.split_at(8);
            self.add(u64::from_le_bytes(w.try_into().unwrap_or([0; 8])));
            bytes = rest;
        }
        if bytes.len() >= 4 {
            let (w, rest) = bytes.split_at(4);
            self.add(u64::from(u32::from_le_bytes(
                w.try_into().unwrap_or([0; 4]),
            )));
            bytes = rest;
        }
        for &b in bytes {
            self.add(u64::from(b));
        }
    }
    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    #[inline]
    fn write_i32(&mut self, n: i32) {
        self.add(n as u32 as u64);
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

/// Hash map with [`FxHasher`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Strings with hit counts, in first-seen order (aureport's `slist`).
#[derive(Debug, Default, Clone)]
pub struct StrTally {
    index: FxMap<Box<[u8]>, u32>,
    entries: Vec<(Box<[u8]>, u32)>,
}

impl StrTally {
    /// Counts one occurrence of `s`.
    #[inline]
    pub fn add(&mut self, s: &[u8]) {
        if let Some(&i) = self.index.get(s) {
            self.entries[i as usize].1 += 1;
        } else {
            let k: Box<[u8]> = s.into();
            self.index.insert(k.clone(), self.entries.len() as u32);
            self.entries.push((k, 1));
        }
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The first-seen position of `s`, if counted.
    pub fn index_of(&self, s: &[u8]) -> Option<u32> {
        self.index.get(s).copied()
    }

    /// True when nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds `later`'s counts, as if its strings had been counted after these
    /// (strings new here keep `later`'s first-seen order, after the present ones).
    pub fn merge(&mut self, later: StrTally) {
        for (k, h) in later.entries {
            if let Some(&i) = self.index.get(&k) {
                self.entries[i as usize].1 += h;
            } else {
                self.index.insert(k.clone(), self.entries.len() as u32);
                self.entries.push((k, h));
            }
        }
    }

    /// The entries by hits, most first; ties in first-seen order.
    pub fn sorted(&self) -> Vec<(&[u8], u32)> {
        let mut v: Vec<(&[u8], u32)> = self.entries.iter().map(|(k, h)| (&k[..], *h)).collect();
        v.sort_by_key(|e| std::cmp::Reverse(e.1));
        v
    }
}

/// Numbers with hit counts (aureport's `ilist`, kept in ascending order).
#[derive(Debug, Default, Clone)]
pub struct IntTally {
    hits: FxMap<i32, u32>,
}

impl IntTally {
    /// Counts one occurrence of `n`.
    #[inline]
    pub fn add(&mut self, n: i32) {
        *self.hits.entry(n).or_insert(0) += 1;
    }

    /// Number of distinct numbers.
    pub fn len(&self) -> usize {
        self.hits.len()
    }

    /// True when nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }

    /// Adds `other`'s counts.
    pub fn merge(&mut self, other: IntTally) {
        for (k, h) in other.hits {
            *self.hits.entry(k).or_insert(0) += h;
        }
    }

    /// The entries by hits, most first; ties in ascending number order.
    pub fn sorted(&self) -> Vec<(i32, u32)> {
        let mut v: Vec<(i32, u32)> = self.hits.iter().map(|(&k, &h)| (k, h)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }
}

/// aureport's `summary_data`: every counter of every report.
#[derive(Debug, Default, Clone)]
pub struct Counters {
    /// Configuration changes.
    pub changes: u64,
    /// Crypto events.
    pub crypto: u64,
    /// Account, group or role changes.
    pub acct_changes: u64,
    /// Successful logins.
    pub good_logins: u64,
    /// Failed logins.
    pub bad_logins: u64,
    /// Successful authentications.
    pub good_auth: u64,
    /// Failed authentications.
    pub bad_auth: u64,
    /// Events.
    pub events: u64,
    /// AVC events.
    pub avcs: u64,
    /// MAC events.
    pub mac: u64,
    /// Failed syscalls.
    pub failed_syscalls: u64,
    /// Anomaly events.
    pub anomalies: u64,
    /// Responses to anomalies.
    pub responses: u64,
    /// Virtualization events.
    pub virt: u64,
    /// Integrity events.
    pub integ: u64,
    /// Users (names or numbers as text).
    pub users: StrTally,
    /// Login uids of the main summary.
    pub auids: IntTally,
    /// Terminals.
    pub terms: StrTally,
    /// Files.
    pub files: StrTally,
    /// Host names.
    pub hosts: StrTally,
    /// Executables.
    pub exes: StrTally,
    /// Commands.
    pub comms: StrTally,
    /// AVC target contexts.
    pub avc_objs: StrTally,
    /// Keys.
    pub keys: StrTally,
    /// Syscalls (names or numbers as text).
    pub syscalls: StrTally,
    /// Pids, or record types for the type reports.
    pub ints: IntTally,
}

impl Counters {
    /// Adds the counts of `later`, made from the events that come after these
    /// (a second thread's part of a file), as if one run had counted both.
    pub fn merge(&mut self, later: Counters) {
        let Counters {
            changes,
            crypto,
            acct_changes,
            good_logins,
            bad_logins,
            good_auth,
            bad_auth,
            events,
            avcs,
            mac,
            failed_syscalls,
            anomalies,
            responses,
            virt,
            integ,
            users,
            auids,
            terms,
            files,
            hosts,
            exes,
            comms,
            avc_objs,
            keys,
            syscalls,
            ints,
        } = later;
        self.changes += changes;
        self.crypto += crypto;
        self.acct_changes += acct_changes;
        self.good_logins += good_logins;
        self.bad_logins += bad_logins;
        self.good_auth += good_auth;
        self.bad_auth += bad_auth;
        self.events += events;
        self.avcs += avcs;
        self.mac += mac;
        self.failed_syscalls += failed_syscalls;
        self.anomalies += anomalies;
        self.responses += responses;
        self.virt += virt;
        self.integ += integ;
        self.users.merge(users);
        self.auids.merge(auids);
        self.terms.merge(terms);
        self.files.merge(files);
        self.hosts.merge(hosts);
        self.exes.merge(exes);
        self.comms.merge(comms);
        self.avc_objs.merge(avc_objs);
        self.keys.merge(keys);
        self.syscalls.merge(syscalls);
        self.ints.merge(ints);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_match_aureport() {
        let mut s = StrTally::default();
        for w in ["b", "a", "c", "a", "c"] {
            s.add(w.as_bytes());
        }
        let v: Vec<_> = s
            .sorted()
            .into_iter()
            .map(|(k, h)| (k.to_vec(), h))
            .collect();
        assert_eq!(
            v,
            vec![(b"a".to_vec(), 2), (b"c".to_vec(), 2), (b"b".to_vec(), 1)]
        );
        let mut i = IntTally::default();
        for n in [5, -1, 3, 5, 3, 7] {
            i.add(n);
        }
        assert_eq!(i.sorted(), vec![(3, 2), (5, 2), (-1, 1), (7, 1)]);
    }

    proptest::proptest! {
        #[test]
        fn merged_halves_count_as_the_whole(
            words in proptest::collection::vec(0u8..6, 0..40),
            cut in 0usize..40,
        ) {
            let cut = cut.min(words.len());
            let count = |ws: &[u8]| {
                let mut c = Counters::default();
                for &w in ws {
                    c.keys.add(&[b'k', w]);
                    c.ints.add(i32::from(w) - 2);
                    c.events += 1;
                }
                c
            };
            let whole = count(&words);
            let mut first = count(&words[..cut]);
            first.merge(count(&words[cut..]));
            proptest::prop_assert_eq!(first.keys.sorted(), whole.keys.sorted());
            proptest::prop_assert_eq!(first.ints.sorted(), whole.ints.sorted());
            proptest::prop_assert_eq!(first.events, whole.events);
        }
    }
}
