use super::*;

/// A scratch directory, removed on drop.
fn tmpdir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("raudit-q-{name}-"))
        .tempdir()
        .unwrap()
}

fn open(path: &Path) -> (Queue, Recovery) {
    let (mut q, r) = Queue::open(path, 100_000, || StreamId(0xabc)).unwrap();
    q.resolve_batch(false);
    q.commit_recovery().unwrap();
    (q, r)
}

fn rec(i: usize) -> Vec<u8> {
    format!("type=USER msg=audit(1.000:{i}): n={i}\n").into_bytes()
}

fn seqs(q: &Queue) -> Vec<u32> {
    q.entries.iter().map(|e| e.seq).collect()
}

#[test]
fn records_survive_reopen_and_acks_drop_them() {
    let d = tmpdir("basic");
    let p = d.path().join("q");
    let (mut q, r) = open(&p);
    assert_eq!(r.records, 0);
    for i in 0..10 {
        assert_eq!(q.append(&rec(i)).unwrap(), i as u32 + 1);
    }
    for _ in 0..4 {
        q.take_unsent();
    }
    q.complete_oldest();
    q.complete_oldest();
    q.complete_oldest();
    q.flush_acks().unwrap();
    drop(q);
    let (mut q, r) = open(&p);
    assert_eq!(r.records, 7);
    assert_eq!(seqs(&q), (4..=10).collect::<Vec<_>>());
    assert_eq!(q.stream(), StreamId(0xabc));
    assert_eq!(q.front().unwrap().data, rec(3));
    // sequences continue after the highest ever used
    assert_eq!(q.append(b"x\n").unwrap(), 11);
    // all acked: sequences still continue after a compaction
    while q.take_unsent().is_some() {}
    while q.complete_oldest().is_some() {}
    q.flush_acks().unwrap();
    drop(q);
    let (mut q, _) = open(&p);
    assert!(q.is_empty());
    assert_eq!(q.append(b"y\n").unwrap(), 12);
}

#[test]
fn depth_bounds_the_queue() {
    let (mut q, _) = (Queue::memory(3, StreamId(1)), ());
    let (a, dropped) = q
        .append_batch(0, 0, [&b"a\n"[..], b"b\n", b"c\n", b"d\n", b"e\n"])
        .unwrap();
    assert_eq!((a, dropped), (3, 2));
    assert!(matches!(q.append(b"f\n"), Err(QueueError::Full)));
}

#[test]
fn foreign_file_is_left_alone() {
    let d = tmpdir("foreign");
    let p = d.path().join("q");
    let mut orig = b"\0audisp-remote\0\0".to_vec();
    orig.extend_from_slice(&[0u8; 64]);
    std::fs::write(&p, &orig).unwrap();
    assert!(matches!(
        Queue::open(&p, 10, || StreamId(1)),
        Err(QueueError::Foreign(_))
    ));
    assert_eq!(std::fs::read(&p).unwrap(), orig);
}

#[test]
fn unconsumed_batch_is_dropped_consumed_batch_kept() {
    let d = tmpdir("batch");
    let p = d.path().join("q");
    let (mut q, _) = open(&p);
    let raw1 = [rec(1), rec(2)].concat();
    q.append_batch(raw1.len(), raw_crc(&raw1), [&rec(1)[..], &rec(2)[..]])
        .unwrap();
    let raw2 = [rec(3), rec(4)].concat();
    q.append_batch(raw2.len(), raw_crc(&raw2), [&rec(3)[..], &rec(4)[..]])
        .unwrap();
    drop(q);
    let (mut q, r) = Queue::open(&p, 100, || StreamId(9)).unwrap();
    assert_eq!(r.last_batch, Some((raw2.len() as u32, raw_crc(&raw2))));
    q.resolve_batch(true);
    q.commit_recovery().unwrap();
    assert_eq!(seqs(&q), vec![1, 2]);
    // the re-read batch gets fresh sequences
    q.append_batch(raw2.len(), raw_crc(&raw2), [&rec(3)[..], &rec(4)[..]])
        .unwrap();
    assert_eq!(seqs(&q), vec![1, 2, 5, 6]);
    drop(q);
    let (mut q, _) = Queue::open(&p, 100, || StreamId(9)).unwrap();
    q.resolve_batch(false);
    assert_eq!(seqs(&q), vec![1, 2, 5, 6]);
}

/// Builds a file: 30 records in 10 batches, the first 12 acked.
fn sample(p: &Path) -> Vec<u8> {
    let _ = std::fs::remove_file(p);
    let (mut q, _) = open(p);
    for b in 0..10 {
        let rs: Vec<Vec<u8>> = (0..3).map(|k| rec(b * 3 + k)).collect();
        let raw = rs.concat();
        q.append_batch(raw.len(), raw_crc(&raw), rs.iter().map(|r| &r[..]))
            .unwrap();
    }
    for _ in 0..12 {
        q.take_unsent();
        q.complete_oldest();
        if q.in_flight() == 0 {
            q.flush_acks().unwrap();
        }
    }
    drop(q);
    std::fs::read(p).unwrap()
}

/// Recovered records are exactly some of the originals, in order, with their
/// own sequences (nothing invented, nothing reordered).
fn check_subset(q: &Queue) -> Vec<u32> {
    let s = seqs(q);
    for e in &q.entries {
        assert_eq!(e.data, rec(e.seq as usize - 1), "seq {}", e.seq);
    }
    assert!(s.windows(2).all(|w| w[0] < w[1]));
    s
}

#[test]
fn truncation_at_every_byte() {
    let d = tmpdir("trunc");
    let p = d.path().join("q");
    let full = sample(&p);
    let entry_ends = {
        // offsets where each record entry ends, to know what must survive
        let mut ends = Vec::new();
        let mut pos = HDR_LEN;
        while pos < full.len() {
            let (k, n) = entry_at(&full, pos).expect("clean file");
            if let EntryKind::Record(seq, _) = k {
                ends.push((pos + n, seq));
            }
            pos += n;
        }
        ends
    };
    for cut in 0..=full.len() {
        std::fs::write(&p, &full[..cut]).unwrap();
        let (mut q, _) = Queue::open(&p, 1000, || StreamId(7)).unwrap();
        q.resolve_batch(false);
        let got = check_subset(&q);
        if cut >= HDR_LEN {
            // every complete record entry after the last complete ack is back
            let acked = if cut >= full.len() { 12 } else { 0 };
            for &(end, seq) in &entry_ends {
                if end <= cut && seq > 12 {
                    assert!(got.contains(&seq), "cut {cut}: seq {seq} lost");
                }
                if seq <= acked {
                    assert!(!got.contains(&seq));
                }
            }
        }
    }
}

#[test]
fn corruption_of_any_byte_costs_at_most_that_entry() {
    let d = tmpdir("flip");
    let p = d.path().join("q");
    let full = sample(&p);
    for i in 0..full.len() {
        let mut bad = full.clone();
        bad[i] ^= 0x5a;
        std::fs::write(&p, &bad).unwrap();
        let (mut q, _) = Queue::open(&p, 1000, || StreamId(7)).unwrap();
        q.resolve_batch(false);
        let got = check_subset(&q);
        // the header has two copies: the stream survives any single flip
        assert_eq!(q.stream(), StreamId(0xabc), "flip {i}");
        // at most one unacked record lost; acked records may come back
        // (a damaged ack means a resend, which the collector drops)
        let missing = (13..=30).filter(|s| !got.contains(s)).count();
        assert!(missing <= 1, "flip at {i}: {missing} records lost");
        assert!(q.last_seq >= 30, "flip {i}: a sequence could be reused");
    }
}

#[test]
fn crc_matches_zlib() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
}
