//! What a rule asks of an event, as the kernel's `audit_filter_rules`
//! evaluates it, reduced to what can be reasoned about without running it.
//!
//! A rule's fields (all but its keys) are conditions that must all hold.
//! Fields that name one value per event (pid, the uids, arch, exit, the
//! syscall arguments, …) are *scalars*: the kernel compares a single `u32`
//! with the rule's value, so several conditions on one scalar can be checked
//! for contradiction exactly. The others (paths, inodes, permissions, object
//! owners — one value per *name* of the syscall —, groups, which also match
//! supplementary groups, LSM labels, `exe`, comparisons) are *opaque*: the
//! analysis only assumes that a condition and its `!=` twin exclude each other
//! where the kernel defines `!=` as the negation (`exe`, `gid`, `egid`).

use raudit_wire::consts::*;
use raudit_wire::AuditRuleData;

/// One condition of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cond {
    /// A comparison of a scalar field with a value (already mapped: for
    /// `success`, 1 means success and 2 failure, as the kernel compares).
    Scalar {
        /// Field id.
        field: u32,
        /// Operator (`AUDIT_EQUAL`, …).
        op: u32,
        /// Value.
        value: u32,
    },
    /// Anything else: field, operator and the value's bytes (the string, or
    /// the number in little-endian bytes).
    Opaque {
        /// Field id.
        field: u32,
        /// Operator.
        op: u32,
        /// Value.
        value: Vec<u8>,
    },
}

/// The values a scalar field can take in an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// Any `u32`.
    Any,
    /// Only these values.
    Set(&'static [u32]),
}

/// Whether the kernel compares this field with its uid/gid comparator, which
/// is false for `&` and `&=`.
pub fn id_like(field: u32) -> bool {
    matches!(
        field,
        AUDIT_UID
            | AUDIT_EUID
            | AUDIT_SUID
            | AUDIT_FSUID
            | AUDIT_LOGINUID
            | AUDIT_SGID
            | AUDIT_FSGID
            | AUDIT_OBJ_UID
            | AUDIT_OBJ_GID
            | AUDIT_GID
            | AUDIT_EGID
    )
}

/// The domain of a scalar field, `None` for opaque fields.
pub fn scalar_domain(field: u32) -> Option<Domain> {
    match field {
        AUDIT_PID
        | AUDIT_UID
        | AUDIT_EUID
        | AUDIT_SUID
        | AUDIT_FSUID
        | AUDIT_SGID
        | AUDIT_FSGID
        | AUDIT_LOGINUID
        | AUDIT_PERS
        | AUDIT_ARCH
        | AUDIT_MSGTYPE
        | AUDIT_PPID
        | AUDIT_SESSIONID
        | AUDIT_FSTYPE
        | AUDIT_EXIT
        | AUDIT_ARG0..=AUDIT_ARG3 => Some(Domain::Any),
        AUDIT_SUCCESS => Some(Domain::Set(&[1, 2])),
        AUDIT_LOGINUID_SET => Some(Domain::Set(&[0, 1])),
        _ => None,
    }
}

/// Whether `field!=v` is exactly the negation of `field=v` in the kernel.
pub fn opaque_complements(field: u32) -> bool {
    matches!(field, AUDIT_EXE | AUDIT_GID | AUDIT_EGID)
}

/// The operator as the kernel sees it (`fieldflags` without extra bits).
pub fn op_of(f: &raudit_wire::RuleField) -> u32 {
    f.op & AUDIT_OPERATORS
}

/// The kernel's `audit_comparator` (and, for id fields, the uid/gid
/// comparator, which never matches `&` or `&=`).
pub fn compare(op: u32, left: u32, right: u32, id: bool) -> bool {
    match op {
        AUDIT_EQUAL => left == right,
        AUDIT_NOT_EQUAL => left != right,
        AUDIT_LESS_THAN => left < right,
        AUDIT_LESS_THAN_OR_EQUAL => left <= right,
        AUDIT_GREATER_THAN => left > right,
        AUDIT_GREATER_THAN_OR_EQUAL => left >= right,
        AUDIT_BIT_MASK => !id && left & right != 0,
        AUDIT_BIT_TEST => !id && left & right == right,
        _ => false,
    }
}

/// The conditions of a rule (keys excluded), in field order.
pub fn conds(r: &AuditRuleData) -> Vec<Cond> {
    let strs = r.strings().unwrap_or_else(|_| vec![None; r.fields.len()]);
    let mut out = Vec::with_capacity(r.fields.len());
    for (f, s) in r.fields.iter().zip(strs) {
        let field = f.field & !AUDIT_OPERATORS;
        if field == AUDIT_FILTERKEY {
            continue;
        }
        let op = op_of(f);
        if let (Some(_), None) = (scalar_domain(field), s) {
            let value = if field == AUDIT_SUCCESS {
                if f.value != 0 {
                    1
                } else {
                    2
                }
            } else {
                f.value
            };
            out.push(Cond::Scalar { field, op, value });
        } else {
            let value = match s {
                Some(s) => s.to_vec(),
                None => f.value.to_le_bytes().to_vec(),
            };
            out.push(Cond::Opaque { field, op, value });
        }
    }
    out
}

/// The key bytes of a rule (keys joined by `\x01`), empty if none.
pub fn key(r: &AuditRuleData) -> Vec<u8> {
    let strs = r.strings().unwrap_or_default();
    let mut k = Vec::new();
    for (f, s) in r.fields.iter().zip(strs) {
        if f.field & !AUDIT_OPERATORS == AUDIT_FILTERKEY {
            k.extend_from_slice(s.unwrap_or_default());
        }
    }
    k
}

/// The result of a satisfiability check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sat {
    /// Some value satisfies every condition.
    Yes,
    /// No value does.
    No,
    /// Not decided (bit tests involved and no candidate value worked).
    Unknown,
}

/// Whether one value of a scalar field can satisfy all `(op, value)`
/// conditions. Exact without bit operators: the set of solutions is an
/// interval minus points, and if it is not empty one of the candidate values
/// (the domain's ends, each constant and its neighbours) is in it.
pub fn satisfiable(field: u32, conds: &[(u32, u32)]) -> Sat {
    let id = id_like(field);
    let test = |v: u32| conds.iter().all(|&(op, c)| compare(op, v, c, id));
    let domain = scalar_domain(field).unwrap_or(Domain::Any);
    if let Domain::Set(vals) = domain {
        return if vals.iter().any(|&v| test(v)) {
            Sat::Yes
        } else {
            Sat::No
        };
    }
    let mut bits = false;
    let mut ored = 0u32;
    let mut cands = vec![0u32, u32::MAX];
    for &(op, c) in conds {
        if op == AUDIT_BIT_MASK || op == AUDIT_BIT_TEST {
            if id {
                return Sat::No;
            }
            bits = true;
            ored |= c;
        }
        cands.extend([c, c.wrapping_sub(1), c.wrapping_add(1)]);
    }
    if bits {
        let extra: Vec<u32> = cands.iter().map(|&c| c | ored).collect();
        cands.extend(extra);
        cands.push(ored);
    }
    if cands.into_iter().any(test) {
        Sat::Yes
    } else if bits {
        Sat::Unknown
    } else {
        Sat::No
    }
}

/// Why a set of conditions can never hold all at once, if it cannot.
pub fn contradiction(cs: &[Cond]) -> Option<Contradiction> {
    use std::collections::BTreeMap;
    let mut by_field: BTreeMap<u32, Vec<(u32, u32)>> = BTreeMap::new();
    for c in cs {
        if let Cond::Scalar { field, op, value } = c {
            by_field.entry(*field).or_default().push((*op, *value));
        }
    }
    for (field, list) in &by_field {
        if satisfiable(*field, list) == Sat::No {
            return Some(Contradiction::Scalar {
                field: *field,
                conds: list.clone(),
            });
        }
    }
    // success and exit: the kernel's success is "exit is not in -4095..-1".
    if let (Some(succ), Some(exit)) = (by_field.get(&AUDIT_SUCCESS), by_field.get(&AUDIT_EXIT)) {
        let exits: Vec<u32> = exit
            .iter()
            .filter(|&&(op, _)| op == AUDIT_EQUAL)
            .map(|&(_, v)| v)
            .collect();
        for &v in &exits {
            let failed = (-4095..=-1).contains(&(v as i32));
            let want = if failed { 2 } else { 1 };
            if !succ.iter().all(|&(op, c)| compare(op, want, c, false)) {
                return Some(Contradiction::SuccessExit {
                    exit: v as i32,
                    success: !failed,
                });
            }
        }
    }
    for (i, a) in cs.iter().enumerate() {
        if let Cond::Opaque { field, op, value } = a {
            if !opaque_complements(*field) {
                continue;
            }
            let want = match *op {
                AUDIT_EQUAL => AUDIT_NOT_EQUAL,
                AUDIT_NOT_EQUAL => AUDIT_EQUAL,
                _ => continue,
            };
            if cs[i + 1..].iter().any(|b| {
                matches!(b, Cond::Opaque { field: f2, op: o2, value: v2 }
                    if f2 == field && *o2 == want && v2 == value)
            }) {
                return Some(Contradiction::Complement { field: *field });
            }
        }
    }
    None
}

/// A reason why conditions exclude each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contradiction {
    /// No value of `field` satisfies these `(op, value)` pairs.
    Scalar {
        /// Field id.
        field: u32,
        /// The conditions on it.
        conds: Vec<(u32, u32)>,
    },
    /// `success=` disagrees with an `exit=` value.
    SuccessExit {
        /// The exit value.
        exit: i32,
        /// Whether that exit value is a success.
        success: bool,
    },
    /// `field=v` and `field!=v`.
    Complement {
        /// Field id.
        field: u32,
    },
}

/// Whether no event can satisfy both condition sets.
pub fn disjoint(a: &[Cond], b: &[Cond]) -> bool {
    let mut all = a.to_vec();
    all.extend_from_slice(b);
    contradiction(&all).is_some()
}

/// Whether every event satisfying `b` satisfies `a` (syntactically: each
/// condition of `a` is one of `b`'s).
pub fn implies(b: &[Cond], a: &[Cond]) -> bool {
    a.iter().all(|c| b.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_sat() {
        use Sat::*;
        let f = AUDIT_LOGINUID;
        assert_eq!(
            satisfiable(
                f,
                &[(AUDIT_GREATER_THAN_OR_EQUAL, 1000), (AUDIT_LESS_THAN, 500)]
            ),
            No
        );
        assert_eq!(
            satisfiable(
                f,
                &[
                    (AUDIT_GREATER_THAN_OR_EQUAL, 1000),
                    (AUDIT_NOT_EQUAL, u32::MAX)
                ]
            ),
            Yes
        );
        assert_eq!(satisfiable(f, &[(AUDIT_EQUAL, 0), (AUDIT_EQUAL, 1)]), No);
        assert_eq!(satisfiable(f, &[(AUDIT_BIT_MASK, 1)]), No);
        assert_eq!(
            satisfiable(
                AUDIT_ARG0,
                &[
                    (AUDIT_BIT_TEST, 3),
                    (AUDIT_LESS_THAN, 8),
                    (AUDIT_NOT_EQUAL, 3)
                ]
            ),
            Yes
        );
        assert_eq!(
            satisfiable(
                AUDIT_ARG0,
                &[
                    (AUDIT_GREATER_THAN_OR_EQUAL, 5),
                    (AUDIT_LESS_THAN_OR_EQUAL, 7),
                    (AUDIT_NOT_EQUAL, 5),
                    (AUDIT_NOT_EQUAL, 6),
                    (AUDIT_NOT_EQUAL, 7)
                ]
            ),
            No
        );
        assert_eq!(satisfiable(AUDIT_SUCCESS, &[(AUDIT_EQUAL, 3)]), No);
    }
}
