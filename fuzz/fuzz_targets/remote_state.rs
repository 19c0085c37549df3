//! The collector's de-duplication files and crash settling: arbitrary
//! bytes as a state file, a pending file, and a (log tail, pending block)
//! pair. No panic; `settle` only ever reports a record boundary that is
//! really at the end of the log, and never cuts more than the tail holds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use raudit_daemon::listen::dedup::{parse_pending, parse_state, settle};

fuzz_target!(|data: &[u8]| {
    let _ = parse_state(&String::from_utf8_lossy(data));
    let _ = parse_pending(data);
    let Some((&ctl, rest)) = data.split_first() else {
        return;
    };
    let split = (usize::from(ctl) * rest.len()) / 256;
    let (tail, block) = rest.split_at(split);
    // Record ends: after each LF of the block.
    let ends: Vec<usize> = block
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
        .collect();
    let s = settle(tail, block, &ends);
    assert!(s.written <= block.len());
    assert!(s.written == 0 || ends.contains(&s.written));
    assert!(s.cut <= tail.len());
    let kept = &tail[..tail.len() - s.cut];
    assert!(kept.ends_with(&block[..s.written]));
});
