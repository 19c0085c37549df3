//! A rule set as the kernel would hold it after loading rules files in
//! order with `auditctl -R`: each line parsed as auditctl parses it, `-A`
//! rules put in front, `-d`/`-W` and `-D [-k key]` applied. Unlike auditctl,
//! a bad line does not stop the load: it is kept as an error.

use raudit_wire::consts::*;
use raudit_wire::AuditRuleData;

use crate::cmd::{parse, Env, Op, Outcome, RuleOp};
use crate::error::RuleError;
use crate::file::{lines, Line};

/// Where a line comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Loc {
    /// File name as given.
    pub file: String,
    /// Line number (from 1).
    pub line: usize,
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A rule of the set.
#[derive(Debug, Clone)]
pub struct SetRule {
    /// Source line.
    pub loc: Loc,
    /// The line's text (the auditctl arguments, escaped again).
    pub text: String,
    /// The kernel rule, without `AUDIT_FILTER_PREPEND`.
    pub rule: AuditRuleData,
    /// Added with `-A`.
    pub prepend: bool,
}

/// A line that is not a rule (`-D`, `-b`, `-e`, …).
#[derive(Debug, Clone)]
pub struct Control {
    /// Source line.
    pub loc: Loc,
    /// The line's text.
    pub text: String,
    /// The operations it asks for.
    pub ops: Vec<Op>,
    /// How many rules were in the set when it came.
    pub rules_before: usize,
}

/// A line auditctl would reject (or warn about).
#[derive(Debug, Clone)]
pub struct Diag {
    /// Source line.
    pub loc: Loc,
    /// The line's text.
    pub text: String,
    /// auditctl's message.
    pub error: RuleError,
    /// The line was rejected (not only warned about).
    pub rejected: bool,
}

/// A loaded rule set.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// Rules in kernel order.
    pub rules: Vec<SetRule>,
    /// Control lines in file order.
    pub controls: Vec<Control>,
    /// Diagnostics in file order.
    pub diags: Vec<Diag>,
    /// Lines that delete a rule that is not in the set.
    pub missing_deletes: Vec<(Loc, String)>,
    /// Rules (by source line) added after `-e 2` (the kernel refuses them).
    pub after_immutable: Vec<Loc>,
    /// Rules identical to one already in the set (the kernel refuses them
    /// with EEXIST): the duplicate's line and the first one's.
    pub duplicates: Vec<(Loc, Loc)>,
}

/// The text of an auditctl argument list, re-escaped as a rules-file line.
pub fn args_text(args: &[Vec<u8>]) -> String {
    args.iter()
        .skip(1)
        .map(|a| {
            String::from_utf8_lossy(a)
                .replace('\\', "\\\\")
                .replace(' ', "\\ ")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn base(r: &AuditRuleData) -> AuditRuleData {
    let mut r = r.clone();
    r.flags &= !AUDIT_FILTER_PREPEND;
    r
}

impl RuleSet {
    /// Load files (name, content) in order.
    pub fn load(files: &[(String, Vec<u8>)], env: &dyn Env) -> RuleSet {
        let mut set = RuleSet::default();
        let mut immutable = false;
        for (name, content) in files {
            for (lineno, line) in lines(content) {
                let Line::Command(args) = line else {
                    continue;
                };
                let loc = Loc {
                    file: name.clone(),
                    line: lineno,
                };
                let text = args_text(&args);
                let p = parse(args, lineno, env);
                let rejected = p.outcome == Outcome::Error;
                for d in &p.diags {
                    if matches!(d, RuleError::SyscallMismatch(_)) {
                        continue; // reported as no-arch
                    }
                    set.diags.push(Diag {
                        loc: loc.clone(),
                        text: text.clone(),
                        error: d.clone(),
                        rejected: rejected && !d.is_warning(),
                    });
                }
                if rejected && p.diags.iter().all(|d| d.is_warning()) {
                    // Rejected without a message of its own (e.g. -h).
                    set.diags.push(Diag {
                        loc: loc.clone(),
                        text: text.clone(),
                        error: RuleError::ParamWithoutOption,
                        rejected: true,
                    });
                }
                if !p.ops.is_empty() {
                    for op in &p.ops {
                        match op {
                            Op::DeleteAll { key } => {
                                let key = key.clone();
                                set.rules.retain(|r| match &key {
                                    None => false,
                                    Some(k) => !crate::print::key_matches(&r.rule, k),
                                });
                            }
                            Op::SetEnabled(2) => immutable = true,
                            _ => {}
                        }
                    }
                    set.controls.push(Control {
                        loc: loc.clone(),
                        text: text.clone(),
                        ops: p.ops.clone(),
                        rules_before: set.rules.len(),
                    });
                }
                if let Outcome::Rule { op, rule } = p.outcome {
                    if immutable {
                        set.after_immutable.push(loc.clone());
                        continue;
                    }
                    let prepend = rule.flags & AUDIT_FILTER_PREPEND != 0;
                    let rule = base(&rule);
                    match op {
                        RuleOp::Add => {
                            if let Some(first) = set.rules.iter().find(|r| r.rule == rule) {
                                set.duplicates.push((loc, first.loc.clone()));
                                continue;
                            }
                            let r = SetRule {
                                loc,
                                text,
                                rule,
                                prepend,
                            };
                            if prepend {
                                set.rules.insert(0, r);
                            } else {
                                set.rules.push(r);
                            }
                        }
                        RuleOp::Delete => match set.rules.iter().position(|r| r.rule == rule) {
                            Some(i) => {
                                set.rules.remove(i);
                            }
                            None => set.missing_deletes.push((loc, text)),
                        },
                    }
                }
            }
        }
        set
    }
}
