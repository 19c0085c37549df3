//! A small pure model of how the kernel decides with a filter list: the
//! rules are tried in order and the first whose syscall mask (on the exit
//! and io_uring lists) and fields all match decides (`always`: record, with
//! its key; `never`: do not). Used to prove that an optimised rule set
//! decides like the original.
//!
//! Scalar fields take the event's value (0 when the event does not say).
//! Opaque conditions (paths, permissions, labels, …) get a truth value drawn
//! from a hash of the event's seed, the syscall and the condition, with
//! `field!=v` the negation of `field=v`: every real event is one of these
//! assignments, so deciding alike on all of them implies deciding alike on
//! real events.

use std::collections::BTreeMap;

use raudit_wire::consts::*;
use raudit_wire::AuditRuleData;

use super::cond::{compare, conds, id_like, key, Cond};

/// One event as the filter sees it.
#[derive(Debug, Clone, Default)]
pub struct Event {
    /// The filter list consulted (`AUDIT_FILTER_EXIT`, …).
    pub list: u32,
    /// Syscall number (exit list) or io_uring op.
    pub syscall: u32,
    /// Values of scalar fields (`success`: 1 or 2, as the kernel keeps it).
    pub scalars: BTreeMap<u32, u32>,
    /// Seed for the opaque conditions.
    pub seed: u64,
}

/// What the first matching rule decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// No rule matched.
    NoMatch,
    /// A `never` rule matched.
    Never,
    /// An `always` rule matched: record, with this key.
    Always(Vec<u8>),
}

fn mix(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

fn opaque_truth(ev: &Event, field: u32, op: u32, value: &[u8]) -> bool {
    let (base_op, negate) = if op == AUDIT_NOT_EQUAL {
        (AUDIT_EQUAL, true)
    } else {
        (op, false)
    };
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ ev.seed;
    h = mix(h, &ev.syscall.to_le_bytes());
    h = mix(h, &field.to_le_bytes());
    h = mix(h, &base_op.to_le_bytes());
    h = mix(h, value);
    h ^= h >> 29;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 32;
    (h & 1 == 1) != negate
}

/// Whether one condition holds for the event.
pub fn cond_holds(c: &Cond, ev: &Event) -> bool {
    match c {
        Cond::Scalar { field, op, value } => {
            let left = ev.scalars.get(field).copied().unwrap_or(0);
            compare(*op, left, *value, id_like(*field))
        }
        Cond::Opaque { field, op, value } => opaque_truth(ev, *field, *op, value),
    }
}

/// Whether the rule matches the event (list, mask and all conditions).
pub fn matches(r: &AuditRuleData, ev: &Event) -> bool {
    let list = r.flags & AUDIT_FILTER_MASK;
    if list != ev.list {
        return false;
    }
    if (list == AUDIT_FILTER_EXIT || list == AUDIT_FILTER_URING_EXIT) && !r.has_syscall(ev.syscall)
    {
        return false;
    }
    conds(r).iter().all(|c| cond_holds(c, ev))
}

/// The decision of a rule list (in kernel order) for the event.
pub fn decide(rules: &[AuditRuleData], ev: &Event) -> Decision {
    for r in rules {
        if matches(r, ev) {
            return if r.action == AUDIT_NEVER {
                Decision::Never
            } else {
                Decision::Always(key(r))
            };
        }
    }
    Decision::NoMatch
}
