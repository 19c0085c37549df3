//! `raudit rules optimize`: an equivalent, smaller rule set.
//!
//! The kernel tries the rules of a list in order at each syscall exit and the
//! first that matches decides (`always` records, with its key; `never` does
//! not). Every exit rule costs a mask test on every syscall, so fewer rules
//! are cheaper. Rules are taken in kernel order, and:
//!
//! * a rule that never decides anything is dropped: duplicates, and rules
//!   whose every syscall is already taken by earlier rules of the same list
//!   whose conditions are a subset of its own;
//! * a rule that differs from an earlier one only in its syscalls (same
//!   list, action, fields and keys) is merged into it, when moving its
//!   syscalls up to the earlier rule's place (or the earlier rule's down to
//!   its place) cannot change which rule decides: every rule in between has
//!   the same effect, or cannot match the same events (other list, disjoint
//!   syscalls, or contradicting fields).
//!
//! [`crate::lint::eval`] is the model the property tests check this with.

use raudit_tables::Machine;
use raudit_wire::consts::*;
use raudit_wire::AuditRuleData;

use crate::cmd::{parse, Env, Op, Outcome};
use crate::file::{lines, Line};
use crate::lint::cond::{conds, disjoint, implies, key, Cond};
use crate::lint::set::{Control, Loc, RuleSet};
use crate::lint::{all_syscalls, compat32, rule_machine, rule_text};

/// A rule of the optimised set.
#[derive(Debug, Clone)]
pub struct OptRule {
    /// The kernel rule.
    pub rule: AuditRuleData,
    /// The source lines it stands for (first: the rule it started as).
    pub from: Vec<Loc>,
    /// Source text of the first rule.
    pub text: String,
    conds: Vec<Cond>,
}

/// Why a rule was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dropped {
    /// Identical to an earlier rule (the kernel refuses it).
    Duplicate(Loc),
    /// Earlier rules decide every event it matches.
    NeverDecides,
}

/// The optimised set.
#[derive(Debug, Clone, Default)]
pub struct Optimized {
    /// Rules in kernel order.
    pub rules: Vec<OptRule>,
    /// Control lines of the input, in order.
    pub controls: Vec<Control>,
    /// Dropped rules.
    pub dropped: Vec<(Loc, Dropped)>,
    /// Rules in the input set.
    pub input_rules: usize,
}

fn uses_mask(r: &AuditRuleData) -> bool {
    matches!(r.list(), AUDIT_FILTER_EXIT | AUDIT_FILTER_URING_EXIT)
}

fn effect(r: &AuditRuleData) -> (u32, Vec<u8>) {
    if r.action == AUDIT_NEVER {
        (AUDIT_NEVER, Vec::new())
    } else {
        (r.action, key(r))
    }
}

fn same_shape(a: &AuditRuleData, b: &AuditRuleData) -> bool {
    a.flags == b.flags && a.action == b.action && a.fields == b.fields && a.buf == b.buf
}

fn and_not(
    a: &[u32; AUDIT_BITMASK_SIZE],
    b: &[u32; AUDIT_BITMASK_SIZE],
) -> [u32; AUDIT_BITMASK_SIZE] {
    let mut m = *a;
    for (w, x) in m.iter_mut().zip(b.iter()) {
        *w &= !x;
    }
    m
}

fn empty(m: &[u32; AUDIT_BITMASK_SIZE]) -> bool {
    m.iter().all(|&w| w == 0)
}

/// Whether rule `k` may stay in front of rule `x` for the syscalls in
/// `mask`: it cannot match the same event there, or it decides the same.
fn compatible(
    k: &OptRule,
    x: &AuditRuleData,
    xc: &[Cond],
    mask: &[u32; AUDIT_BITMASK_SIZE],
) -> bool {
    if k.rule.list() != x.list() || effect(&k.rule) == effect(x) {
        return true;
    }
    if uses_mask(x) && k.rule.mask.iter().zip(mask.iter()).all(|(a, b)| a & b == 0) {
        return true;
    }
    disjoint(&k.conds, xc)
}

/// Whether `r` (with conditions `rc`) never decides after `out`.
fn never_decides(out: &[OptRule], r: &AuditRuleData, rc: &[Cond]) -> bool {
    let mut covered = [0u32; AUDIT_BITMASK_SIZE];
    for o in out {
        if o.rule.list() != r.list() || !implies(rc, &o.conds) {
            continue;
        }
        if !uses_mask(r) {
            return true;
        }
        for (w, x) in covered.iter_mut().zip(o.rule.mask.iter()) {
            *w |= x;
        }
    }
    uses_mask(r) && empty(&and_not(&r.mask, &covered))
}

/// Optimise a loaded rule set.
pub fn optimize(set: &RuleSet) -> Optimized {
    let mut opt = Optimized {
        controls: set.controls.clone(),
        input_rules: set.rules.len() + set.duplicates.len(),
        ..Default::default()
    };
    for (dup, first) in &set.duplicates {
        opt.dropped
            .push((dup.clone(), Dropped::Duplicate(first.clone())));
    }
    let mut out: Vec<OptRule> = Vec::new();
    for sr in &set.rules {
        let b = &sr.rule;
        let bc = conds(b);
        if never_decides(&out, b, &bc) {
            opt.dropped.push((sr.loc.clone(), Dropped::NeverDecides));
            continue;
        }
        let mut merged = false;
        if uses_mask(b) && !all_syscalls(b) {
            for ai in (0..out.len()).rev() {
                if !same_shape(&out[ai].rule, b) {
                    continue;
                }
                let between = &out[ai + 1..];
                let up = and_not(&b.mask, &out[ai].rule.mask);
                if between.iter().all(|k| compatible(k, b, &bc, &up)) {
                    let a = &mut out[ai];
                    for (w, x) in a.rule.mask.iter_mut().zip(b.mask.iter()) {
                        *w |= x;
                    }
                    a.from.push(sr.loc.clone());
                    merged = true;
                    break;
                }
                let amask = out[ai].rule.mask;
                if between.iter().all(|k| compatible(k, b, &bc, &amask)) {
                    let mut a = out.remove(ai);
                    for (w, x) in a.rule.mask.iter_mut().zip(b.mask.iter()) {
                        *w |= x;
                    }
                    a.from.push(sr.loc.clone());
                    out.push(a);
                    merged = true;
                    break;
                }
            }
        }
        if !merged {
            out.push(OptRule {
                rule: b.clone(),
                from: vec![sr.loc.clone()],
                text: sr.text.clone(),
                conds: bc,
            });
        }
    }
    // Merging can make later rules dead: one more pass.
    let mut fin: Vec<OptRule> = Vec::with_capacity(out.len());
    for r in out {
        if never_decides(&fin, &r.rule, &r.conds) {
            for l in &r.from {
                opt.dropped.push((l.clone(), Dropped::NeverDecides));
            }
            continue;
        }
        fin.push(r);
    }
    opt.rules = fin;
    opt
}

/// Print one rule so that auditctl reads it back as the same rule: the
/// `auditctl -l` form (with the arch by name when it is not one of the
/// host's two ABIs), checked by parsing it again; else the source line.
fn line_for(r: &OptRule, env: &dyn Env) -> String {
    let host = env.host_machine();
    let foreign = rule_machine(&r.rule, host)
        .is_some_and(|m: Machine| Some(m) != host && host.and_then(compat32) != Some(m));
    let text = if foreign {
        let out = crate::print::Lister::new(host, true).rule(&r.rule);
        String::from_utf8_lossy(&out).trim_end().to_string()
    } else {
        rule_text(&r.rule, host)
    };
    let text = exe_ops(text, &r.rule);
    if reparse(&text, env).as_ref() == Some(&r.rule) {
        return text;
    }
    if r.from.len() == 1 {
        let src = match r.text.strip_prefix("-A ") {
            Some(rest) => format!("-a {rest}"),
            None => r.text.clone(),
        };
        if reparse(&src, env).as_ref() == Some(&r.rule) {
            return src;
        }
    }
    format!("# raudit: could not print this rule in a form auditctl reads back\n# {text}")
}

/// `auditctl -l` prints every `exe` field as `-F exe=`: put `!=` back.
fn exe_ops(mut text: String, r: &AuditRuleData) -> String {
    let mut from = 0;
    for f in &r.fields {
        if f.field & !AUDIT_OPERATORS != AUDIT_EXE {
            continue;
        }
        let Some(p) = text[from..].find(" -F exe=").map(|p| p + from) else {
            break;
        };
        if f.op & AUDIT_OPERATORS == AUDIT_NOT_EQUAL {
            text.replace_range(p..p + 8, " -F exe!=");
        }
        from = p + 8;
    }
    text
}

/// Parse one rules-file line back into its rule.
pub fn reparse(text: &str, env: &dyn Env) -> Option<AuditRuleData> {
    let l = lines(text.as_bytes());
    let (_, Line::Command(args)) = l.into_iter().next()? else {
        return None;
    };
    match parse(args, 1, env).outcome {
        Outcome::Rule { rule, .. } => Some(*rule),
        _ => None,
    }
}

/// The optimised set as a rules file: control lines first (`-D`, `-b`,
/// `-f`, …), then the rules in kernel order, then `-e` lines.
pub fn render(opt: &Optimized, env: &dyn Env, sources: &[String]) -> String {
    let mut s = String::new();
    s += &format!(
        "## Optimised by raudit rules optimize from {}\n## {} rules -> {}\n",
        sources.join(" "),
        opt.input_rules,
        opt.rules.len()
    );
    let is_enable = |c: &Control| c.ops.iter().any(|o| matches!(o, Op::SetEnabled(_)));
    for c in opt.controls.iter().filter(|c| !is_enable(c)) {
        s += &c.text;
        s.push('\n');
    }
    for r in &opt.rules {
        if r.from.len() > 1 {
            let mut parts: Vec<String> = Vec::new();
            let mut file: Option<&str> = None;
            for l in &r.from {
                if file == Some(l.file.as_str()) {
                    parts.push(l.line.to_string());
                } else {
                    parts.push(l.to_string());
                    file = Some(l.file.as_str());
                }
            }
            s += &format!("# merged: {}\n", parts.join(" "));
        }
        s += &line_for(r, env);
        s.push('\n');
    }
    for c in opt.controls.iter().filter(|c| is_enable(c)) {
        s += &c.text;
        s.push('\n');
    }
    s
}
