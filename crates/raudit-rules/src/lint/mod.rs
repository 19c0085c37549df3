//! `raudit rules lint`: what is wrong with a rule set, and what it costs.
//!
//! The files are loaded as one set, in order, the way `auditctl -R` (or
//! `augenrules`) would load them ([`set::RuleSet`]); every finding names the
//! source line, a severity, what is wrong and how to fix it. Checks (the
//! `code` of a finding):
//!
//! | code | severity | what |
//! |---|---|---|
//! | `invalid` | error | auditctl rejects the line (and `-R` stops there) |
//! | `key-too-long` | error | the rule's keys exceed 256 bytes |
//! | `duplicate` | error | same rule as an earlier one: the kernel says EEXIST |
//! | `after-immutable` | error | a rule after `-e 2`: the kernel refuses it |
//! | `watch-missing` | error / info | watched path missing: error if its directory is missing too (the kernel refuses the rule), else info |
//! | `auditctl-warning` | warning | a warning auditctl prints for the line |
//! | `delete-missing` | warning | `-d`/`-W` of a rule that is not loaded |
//! | `no-arch` | warning | syscall rule without `-F arch` |
//! | `no-b32-twin` | warning | 64-bit syscall rule without its 32-bit twin |
//! | `b32-twin-incomplete` | info | the twin lacks some of the syscalls |
//! | `never-after-always` | warning | a `never` rule after an `always` rule that already matches its events |
//! | `never-matches` | warning | contradictory fields, or no syscall of the rule exists on its arch |
//! | `syscall-absent` | info | some syscall numbers do not exist on the rule's arch |
//! | `every-syscall` | warning | `always,exit -S all` with no narrowing field: records every syscall |
//! | `shadowed` / `redundant` | warning / info | earlier rules match every event this one matches |
//! | `ntp-time-change` | warning / info | time-change syscalls recorded for the NTP daemon's own adjustments |
//! | `exit-rules` | info | how many rules the exit list has and the field tests per syscall |

pub mod cond;
pub mod eval;
pub mod set;

use raudit_tables::Machine;
use raudit_wire::consts::*;
use raudit_wire::AuditRuleData;

use crate::cmd::{elf_to_machine, Env};
use crate::error::RuleError;
use crate::print::Lister;
use cond::{conds, contradiction, disjoint, implies, key, Cond, Contradiction};
pub use set::{Loc, RuleSet, SetRule};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Probably not what was meant, or costly.
    Warning,
    /// The load fails or the rule does not work.
    Error,
}

impl Severity {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Source line.
    pub loc: Loc,
    /// Severity.
    pub severity: Severity,
    /// Check name.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: Option<String>,
}

/// The cost of one exit-list rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCost {
    /// Source line.
    pub loc: Loc,
    /// Syscalls in its mask (`None`: all).
    pub syscalls: Option<usize>,
    /// Field tests it runs on a syscall in its mask (at most).
    pub tests: usize,
}

/// What the exit list costs per syscall.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cost {
    /// Rules on the exit list.
    pub exit_rules: usize,
    /// Of which `-S all`.
    pub all_syscalls: usize,
    /// Each exit rule, in kernel order.
    pub rules: Vec<RuleCost>,
    /// For a few common syscalls (host ABI): mask tests + field tests at
    /// each exit.
    pub per_syscall: Vec<(String, usize)>,
}

/// Lint results.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Findings, by file (in the order given) and line.
    pub findings: Vec<Finding>,
    /// The exit list's cost.
    pub cost: Cost,
}

impl Report {
    /// The highest severity found.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// Host facts for linting: the parser's [`Env`] and whether a path exists.
pub struct Host<'a> {
    /// Machine, users, groups, directories.
    pub env: &'a dyn Env,
    /// Whether a path exists.
    pub exists: &'a dyn Fn(&[u8]) -> bool,
}

/// The 32-bit ABI of a 64-bit machine, if it has one.
pub fn compat32(m: Machine) -> Option<Machine> {
    match m {
        Machine::X86_64 => Some(Machine::I386),
        Machine::Ppc64 => Some(Machine::Ppc),
        Machine::S390x => Some(Machine::S390),
        Machine::Aarch64 => Some(Machine::Arm),
        _ => None,
    }
}

/// The `-F arch=` value of a rule (`=` only).
pub fn rule_arch(r: &AuditRuleData) -> Option<u32> {
    r.fields
        .iter()
        .find(|f| f.field == AUDIT_ARCH && cond::op_of(f) == AUDIT_EQUAL)
        .map(|f| f.value)
}

/// The machine whose syscall numbers the rule's mask uses.
pub fn rule_machine(r: &AuditRuleData, host: Option<Machine>) -> Option<Machine> {
    match rule_arch(r) {
        Some(a) => elf_to_machine(a),
        None => host,
    }
}

/// Whether the mask selects every syscall.
pub fn all_syscalls(r: &AuditRuleData) -> bool {
    r.mask[..AUDIT_BITMASK_SIZE - 1]
        .iter()
        .all(|&w| w == u32::MAX)
}

fn uses_mask(r: &AuditRuleData) -> bool {
    matches!(r.list(), AUDIT_FILTER_EXIT | AUDIT_FILTER_URING_EXIT)
}

fn mask_bits(r: &AuditRuleData) -> impl Iterator<Item = u32> + '_ {
    (0..(AUDIT_BITMASK_SIZE as u32 * 32)).filter(|&n| r.has_syscall(n))
}

fn masks_intersect(a: &AuditRuleData, b: &AuditRuleData) -> bool {
    a.mask.iter().zip(b.mask.iter()).any(|(x, y)| x & y != 0)
}

/// Print a rule as a rules-file line (`auditctl -l` syntax, host names).
pub fn rule_text(r: &AuditRuleData, host: Option<Machine>) -> String {
    let out = Lister::new(host, false).rule(r);
    String::from_utf8_lossy(&out).trim_end().to_string()
}

/// Whether two rules of the same list can match the same event.
pub fn overlap(a: &AuditRuleData, b: &AuditRuleData) -> bool {
    a.list() == b.list()
        && (!uses_mask(a) || masks_intersect(a, b))
        && !disjoint(&conds(a), &conds(b))
}

fn field_label(field: u32) -> String {
    match field {
        AUDIT_LOGINUID => "auid".into(),
        _ => crate::names::field_name(field)
            .map(str::to_string)
            .unwrap_or_else(|| format!("f{field}")),
    }
}

fn explain_contradiction(c: &Contradiction) -> String {
    match c {
        Contradiction::Scalar { field, conds } => {
            let name = field_label(*field);
            if cond::id_like(*field)
                && conds
                    .iter()
                    .any(|&(op, _)| op == AUDIT_BIT_MASK || op == AUDIT_BIT_TEST)
            {
                return format!(
                    "the kernel never matches & or &= on {name} (its uid/gid comparator has no bit tests)"
                );
            }
            let parts: Vec<String> = conds
                .iter()
                .map(|&(op, v)| {
                    let sym = crate::names::operator_symbol(op).unwrap_or("?");
                    let v = if *field == AUDIT_SUCCESS {
                        u32::from(v == 1)
                    } else {
                        v
                    };
                    format!("-F {name}{sym}{}", v as i32)
                })
                .collect();
            format!("no value of {name} satisfies {} together", parts.join(" "))
        }
        Contradiction::SuccessExit { exit, success } => format!(
            "exit={exit} is a {} but the rule asks for success={}",
            if *success { "success" } else { "failure" },
            u32::from(!*success)
        ),
        Contradiction::Complement { field } => {
            let name = field_label(*field);
            format!("-F {name}=X and -F {name}!=X exclude each other")
        }
    }
}

const TIME_SYSCALLS: &[&str] = &[
    "adjtimex",
    "clock_adjtime",
    "settimeofday",
    "clock_settime",
    "stime",
];

/// NTP daemons: (user, executable).
const TIME_DAEMONS: &[(&str, &str)] = &[
    ("_chrony", "/usr/sbin/chronyd"),
    ("chrony", "/usr/sbin/chronyd"),
    ("ntp", "/usr/sbin/ntpd"),
    ("ntpsec", "/usr/sbin/ntpd"),
    ("systemd-timesync", "/lib/systemd/systemd-timesyncd"),
];

fn excludes_daemons(cs: &[Cond]) -> bool {
    cs.iter().any(|c| match c {
        Cond::Scalar { field, op, value } => match *field {
            AUDIT_LOGINUID => match *op {
                AUDIT_NOT_EQUAL => *value == u32::MAX,
                AUDIT_EQUAL => *value != u32::MAX,
                AUDIT_LESS_THAN | AUDIT_LESS_THAN_OR_EQUAL => *value < u32::MAX,
                _ => false,
            },
            AUDIT_LOGINUID_SET => *op == AUDIT_EQUAL && *value == 1,
            AUDIT_UID | AUDIT_EUID | AUDIT_PID | AUDIT_PPID => true,
            _ => false,
        },
        Cond::Opaque { field, .. } => matches!(
            *field,
            AUDIT_EXE | AUDIT_SUBJ_USER | AUDIT_SUBJ_ROLE | AUDIT_SUBJ_TYPE
        ),
    })
}

struct Linter<'a, 'h> {
    set: &'a RuleSet,
    host: &'a Host<'h>,
    machine: Option<Machine>,
    conds: Vec<Vec<Cond>>,
    out: Vec<Finding>,
}

impl Linter<'_, '_> {
    fn push(
        &mut self,
        loc: &Loc,
        severity: Severity,
        code: &'static str,
        message: String,
        fix: Option<String>,
    ) {
        self.out.push(Finding {
            loc: loc.clone(),
            severity,
            code,
            message,
            fix,
        });
    }

    fn file_checks(&mut self) {
        let set = self.set;
        for d in &set.diags {
            let (sev, code) = match (&d.error, d.rejected) {
                (RuleError::KeyTooLong, _) => (Severity::Error, "key-too-long"),
                (_, true) => (Severity::Error, "invalid"),
                (_, false) => (Severity::Warning, "auditctl-warning"),
            };
            let (message, fix) = match code {
                "key-too-long" => (
                    "the keys of this rule are longer than the kernel's 256-byte limit (keys are joined by \\x01): auditctl rejects the line and -R stops there".to_string(),
                    Some("shorten or drop keys: all keys of one rule together must fit in 256 bytes".to_string()),
                ),
                "invalid" => (
                    format!("auditctl rejects this line ({}); auditctl -R stops at the first rejected line unless -c or -i is given", d.error),
                    Some("correct the line; the message names what auditctl could not accept".to_string()),
                ),
                _ => (format!("auditctl warns: {}", d.error), None),
            };
            self.push(&d.loc, sev, code, message, fix);
        }
        for (dup, first) in &set.duplicates {
            self.push(
                dup,
                Severity::Error,
                "duplicate",
                format!("same rule as {first}: the kernel refuses it (Rule exists) and auditctl -R stops there unless -c or -i is given"),
                Some("delete this line".into()),
            );
        }
        for loc in &set.after_immutable {
            self.push(
                loc,
                Severity::Error,
                "after-immutable",
                "rule after -e 2: the configuration is locked by then and the kernel refuses it"
                    .into(),
                Some("move -e 2 to the end of the rules".into()),
            );
        }
        for (loc, _) in &set.missing_deletes {
            self.push(
                loc,
                Severity::Warning,
                "delete-missing",
                "deletes a rule that is not loaded at this point: the kernel answers ENOENT and auditctl -R stops there".into(),
                Some("delete this line, or move it after the rule it deletes".into()),
            );
        }
    }

    fn rule_checks(&mut self, i: usize) {
        let set = self.set;
        let sr = &set.rules[i];
        let r = &sr.rule;
        let list = r.list();
        let cs = self.conds[i].clone();
        let m = rule_machine(r, self.machine);
        let all = all_syscalls(r);
        let has_arch = r.fields.iter().any(|f| f.field == AUDIT_ARCH);

        // Syscall rules without an arch.
        if list == AUDIT_FILTER_EXIT && !all && mask_bits(r).next().is_some() && !has_arch {
            let mut msg = "syscall rule without -F arch: the kernel compares syscall numbers, and the numbers of one ABI name other syscalls in the other".to_string();
            if let (Some(m64), Some(m32)) = (m, m.and_then(compat32)) {
                if let Some(n) = mask_bits(r).next() {
                    let here = raudit_tables::syscall_name(m64, n).unwrap_or("?");
                    let there = raudit_tables::syscall_name(m32, n).unwrap_or("nothing");
                    msg = format!(
                        "{msg} (number {n} is {here} for {} programs but {there} for {} ones)",
                        m64.name(),
                        m32.name()
                    );
                }
            }
            let mut fixed = r.clone();
            let fix = m.map(|mm| {
                fixed.fields.insert(
                    0,
                    raudit_wire::RuleField {
                        field: AUDIT_ARCH,
                        op: AUDIT_EQUAL,
                        value: mm.audit_arch(),
                    },
                );
                let mut s = format!("add -F arch before -S: {}", rule_text(&fixed, self.machine));
                if let Some(t) = self.twin_text(&fixed) {
                    s += &format!(" and its 32-bit twin: {t}");
                }
                s
            });
            self.push(&sr.loc, Severity::Warning, "no-arch", msg, fix);
        }

        // 64-bit rules without their 32-bit twin.
        if list == AUDIT_FILTER_EXIT && r.action == AUDIT_ALWAYS && !all {
            if let Some((m64, m32)) = m
                .filter(|mm| rule_arch(r).is_some() && mm.is_64bit())
                .and_then(|mm| compat32(mm).map(|c| (mm, c)))
            {
                self.twin_check(i, m64, m32);
            }
        }

        // never after always.
        if r.action == AUDIT_NEVER {
            let hit = (0..i).find(|&j| {
                let a = &set.rules[j].rule;
                a.action == AUDIT_ALWAYS && overlap(a, r)
            });
            if let Some(j) = hit {
                let first = set.rules[j].loc.clone();
                self.push(
                    &sr.loc,
                    Severity::Warning,
                    "never-after-always",
                    format!("this never rule comes after the always rule at {first}, which matches some of the same events first (the first matching rule decides): those events are still recorded"),
                    Some(format!("move this rule above {first} (or add it with -A)")),
                );
            }
        }

        // Rules that can never match.
        let mut never = false;
        if let Some(c) = contradiction(&cs) {
            never = true;
            self.push(
                &sr.loc,
                Severity::Warning,
                "never-matches",
                format!("this rule can never match: {}", explain_contradiction(&c)),
                Some("fix or remove the contradicting fields".into()),
            );
        }
        if list == AUDIT_FILTER_EXIT && !all && !never {
            if let Some(mm) = m {
                let absent: Vec<u32> = mask_bits(r)
                    .filter(|&n| raudit_tables::syscall_name(mm, n).is_none())
                    .collect();
                let total = mask_bits(r).count();
                if !absent.is_empty() {
                    let nums: Vec<String> = absent.iter().map(u32::to_string).collect();
                    if absent.len() == total {
                        never = true;
                        self.push(
                            &sr.loc,
                            Severity::Warning,
                            "never-matches",
                            format!(
                                "this rule can never match: no syscall {} exists on {}",
                                nums.join(","),
                                mm.name()
                            ),
                            Some("use syscall names, and the -F arch the syscalls exist on".into()),
                        );
                    } else {
                        self.push(
                            &sr.loc,
                            Severity::Info,
                            "syscall-absent",
                            format!("syscall {} does not exist on {}", nums.join(","), mm.name()),
                            Some("remove those numbers".into()),
                        );
                    }
                }
            }
        }

        // Every syscall recorded.
        if list == AUDIT_FILTER_EXIT && r.action == AUDIT_ALWAYS && all {
            let narrowing = cs.iter().any(|c| {
                !matches!(
                    c,
                    Cond::Scalar {
                        field: AUDIT_ARCH,
                        ..
                    }
                )
            });
            if !narrowing {
                self.push(
                    &sr.loc,
                    Severity::Warning,
                    "every-syscall",
                    "records every syscall of every audited process (-S all with no narrowing field): the log grows by thousands of events a second and every syscall pays for the record".into(),
                    Some("name the syscalls with -S, or narrow with fields (-F auid>=1000 -F auid!=unset, -F exe=…, -F key alone does not narrow)".into()),
                );
            }
        }

        // Watches on missing paths.
        if let Ok(strs) = r.strings() {
            for (f, s) in r.fields.iter().zip(strs) {
                let field = f.field & !AUDIT_OPERATORS;
                if field != AUDIT_WATCH && field != AUDIT_DIR {
                    continue;
                }
                let Some(p) = s else { continue };
                if (self.host.exists)(p) {
                    continue;
                }
                let parent = match p.iter().rposition(|&c| c == b'/') {
                    Some(0) => b"/".as_slice(),
                    Some(k) => &p[..k],
                    None => b"".as_slice(),
                };
                let ps = String::from_utf8_lossy(p);
                if field == AUDIT_DIR || !(self.host.exists)(parent) {
                    self.push(
                        &sr.loc,
                        Severity::Error,
                        "watch-missing",
                        format!("{ps} does not exist here{}: the kernel refuses the rule (No such file or directory) and auditctl -R stops there", if field == AUDIT_DIR { "" } else { ", nor its directory" }),
                        Some("remove the rule on hosts without this path, or create the directory first".into()),
                    );
                } else {
                    self.push(
                        &sr.loc,
                        Severity::Info,
                        "watch-missing",
                        format!("{ps} does not exist here: the kernel watches its directory and records it once it is created"),
                        None,
                    );
                }
            }
        }

        // Shadowed rules.
        if !never {
            self.shadow_check(i);
        }

        // NTP daemon adjustments.
        if list == AUDIT_FILTER_EXIT && r.action == AUDIT_ALWAYS && !all {
            self.ntp_check(i, m);
        }
    }

    fn twin_text(&self, r: &AuditRuleData) -> Option<String> {
        let m64 = rule_machine(r, self.machine)?;
        let m32 = compat32(m64)?;
        let mut t = r.clone();
        for f in &mut t.fields {
            if f.field == AUDIT_ARCH {
                f.value = m32.audit_arch();
            }
        }
        t.mask = [0; AUDIT_BITMASK_SIZE];
        for n in mask_bits(r) {
            if let Some(n32) = raudit_tables::syscall_name(m64, n)
                .and_then(|name| raudit_tables::syscall_number(m32, name))
            {
                t.set_syscall(n32);
            }
        }
        if t.mask.iter().all(|&w| w == 0) {
            return None;
        }
        Some(rule_text(&t, self.machine))
    }

    fn twin_check(&mut self, i: usize, m64: Machine, m32: Machine) {
        let set = self.set;
        let r = &set.rules[i].rule;
        let mut needed = AuditRuleData::default();
        let mut names = Vec::new();
        for n in mask_bits(r) {
            if let Some(name) = raudit_tables::syscall_name(m64, n) {
                if let Some(n32) = raudit_tables::syscall_number(m32, name) {
                    needed.set_syscall(n32);
                    names.push((name, n32));
                }
            }
        }
        if names.is_empty() {
            return;
        }
        let without_arch = |cs: &[Cond]| -> Vec<Cond> {
            cs.iter()
                .filter(|c| {
                    !matches!(
                        c,
                        Cond::Scalar {
                            field: AUDIT_ARCH,
                            ..
                        }
                    )
                })
                .cloned()
                .collect()
        };
        let mine = without_arch(&self.conds[i]);
        let k = key(r);
        let mut union = AuditRuleData::default();
        let mut twins = 0;
        for (j, o) in set.rules.iter().enumerate() {
            let t = &o.rule;
            if j == i
                || t.list() != AUDIT_FILTER_EXIT
                || t.action != r.action
                || rule_arch(t) != Some(m32.audit_arch())
                || without_arch(&self.conds[j]) != mine
                || key(t) != k
            {
                continue;
            }
            twins += 1;
            for (w, x) in union.mask.iter_mut().zip(t.mask.iter()) {
                *w |= x;
            }
        }
        let loc = set.rules[i].loc.clone();
        if twins == 0 {
            let fix = self
                .twin_text(r)
                .map(|t| format!("add the twin after it: {t}"));
            self.push(
                &loc,
                Severity::Warning,
                "no-b32-twin",
                format!(
                    "{} rule without a {} twin: {} programs (and {} syscalls from 64-bit code via int 0x80) make these syscalls unrecorded",
                    m64.name(),
                    m32.name(),
                    m32.name(),
                    m32.name()
                ),
                fix,
            );
        } else {
            let missing: Vec<&str> = names
                .iter()
                .filter(|&&(_, n)| !union.has_syscall(n))
                .map(|&(name, _)| name)
                .collect();
            if !missing.is_empty() {
                self.push(
                    &loc,
                    Severity::Info,
                    "b32-twin-incomplete",
                    format!(
                        "the {} twin of this rule lacks {}",
                        m32.name(),
                        missing.join(",")
                    ),
                    Some(format!("add -S {} to the b32 rule", missing.join(","))),
                );
            }
        }
    }

    fn shadow_check(&mut self, i: usize) {
        let set = self.set;
        let r = &set.rules[i].rule;
        let mut covered = AuditRuleData::default();
        let mut by = Vec::new();
        for j in 0..i {
            let a = &set.rules[j].rule;
            if a.list() != r.list() || !implies(&self.conds[i], &self.conds[j]) {
                continue;
            }
            if uses_mask(r) && !masks_intersect(a, r) {
                continue;
            }
            by.push(j);
            for (w, x) in covered.mask.iter_mut().zip(a.mask.iter()) {
                *w |= x;
            }
        }
        if by.is_empty() {
            return;
        }
        let full = !uses_mask(r)
            || r.mask
                .iter()
                .zip(covered.mask.iter())
                .all(|(x, c)| x & !c == 0);
        if !full {
            return;
        }
        let effect = |a: &AuditRuleData| {
            (
                a.action,
                if a.action == AUDIT_NEVER {
                    vec![]
                } else {
                    key(a)
                },
            )
        };
        let same = by.iter().all(|&j| effect(&set.rules[j].rule) == effect(r));
        let locs: Vec<String> = by.iter().map(|&j| set.rules[j].loc.to_string()).collect();
        let loc = set.rules[i].loc.clone();
        if same {
            self.push(
                &loc,
                Severity::Info,
                "redundant",
                format!("never decides anything: {} already match(es) every event this rule matches, with the same effect", locs.join(", ")),
                Some("delete this line".into()),
            );
        } else {
            self.push(
                &loc,
                Severity::Warning,
                "shadowed",
                format!("never decides anything: {} match(es) every event this rule matches first (the first matching rule decides), with another action or key", locs.join(", ")),
                Some(format!("move this rule above {}", locs[0])),
            );
        }
    }

    fn ntp_check(&mut self, i: usize, m: Option<Machine>) {
        let Some(mm) = m else { return };
        let set = self.set;
        let r = &set.rules[i].rule;
        let hit: Vec<(&str, u32)> = TIME_SYSCALLS
            .iter()
            .filter_map(|&n| raudit_tables::syscall_number(mm, n).map(|nr| (n, nr)))
            .filter(|&(_, nr)| r.has_syscall(nr))
            .collect();
        if hit.is_empty() || excludes_daemons(&self.conds[i]) {
            return;
        }
        // An earlier never rule for these syscalls counts as the exclusion.
        let excluded_before = (0..i).any(|j| {
            let a = &set.rules[j].rule;
            a.action == AUDIT_NEVER
                && a.list() == AUDIT_FILTER_EXIT
                && hit.iter().any(|&(_, nr)| a.has_syscall(nr))
                && overlap(a, r)
        });
        if excluded_before {
            return;
        }
        let steering = hit
            .iter()
            .any(|&(n, _)| n == "adjtimex" || n == "clock_adjtime");
        let names: Vec<&str> = hit.iter().map(|&(n, _)| n).collect();
        let sr = &set.rules[i];
        let message = if steering {
            let (steer, step): (Vec<&str>, Vec<&str>) = names
                .iter()
                .partition(|&&n| n == "adjtimex" || n == "clock_adjtime");
            let also = if step.is_empty() {
                String::new()
            } else {
                format!(", and {} when they step the clock", step.join("/"))
            };
            format!("records the NTP daemon's own clock adjustments: chronyd, ntpd and systemd-timesyncd call {} every few seconds{also} (the record's exit=5 is TIME_ERROR, a clock state, not an error), so the log fills with time-change events no person made", steer.join("/"))
        } else {
            format!(
                "also records the NTP daemon when it steps the clock ({})",
                names.join("/")
            )
        };
        let daemon = TIME_DAEMONS
            .iter()
            .find(|(u, _)| self.host.env.uid_by_name(u.as_bytes()).is_some());
        let mut fix = format!(
            "exclude daemons with -F auid!=unset (processes started at boot have no login uid; changes by logged-in users are still recorded): {} -F auid!=unset",
            sr.text
        );
        match daemon {
            Some((u, _)) => fix += &format!("; or exclude only the daemon's user: -F uid!={u}"),
            None => {
                let exe = TIME_DAEMONS
                    .iter()
                    .map(|&(_, e)| e)
                    .find(|e| (self.host.exists)(e.as_bytes()))
                    .unwrap_or("/usr/sbin/chronyd");
                fix += &format!("; or exclude only the daemon: -F exe!={exe}");
            }
        }
        let sev = if steering {
            Severity::Warning
        } else {
            Severity::Info
        };
        let loc = sr.loc.clone();
        self.push(&loc, sev, "ntp-time-change", message, Some(fix));
    }

    fn cost(&mut self) -> Cost {
        let set = self.set;
        let mut cost = Cost::default();
        let exit: Vec<usize> = (0..set.rules.len())
            .filter(|&i| set.rules[i].rule.list() == AUDIT_FILTER_EXIT)
            .collect();
        cost.exit_rules = exit.len();
        for &i in &exit {
            let r = &set.rules[i].rule;
            let all = all_syscalls(r);
            if all {
                cost.all_syscalls += 1;
            }
            cost.rules.push(RuleCost {
                loc: set.rules[i].loc.clone(),
                syscalls: (!all).then(|| mask_bits(r).count()),
                tests: self.conds[i].len(),
            });
        }
        if let Some(m) = self.machine {
            for name in ["read", "openat", "execve", "adjtimex"] {
                let Some(nr) = raudit_tables::syscall_number(m, name) else {
                    continue;
                };
                let tests: usize = exit
                    .iter()
                    .map(|&i| {
                        1 + if set.rules[i].rule.has_syscall(nr) {
                            self.conds[i].len()
                        } else {
                            0
                        }
                    })
                    .sum();
                cost.per_syscall.push((name.to_string(), tests));
            }
        }
        if let Some(&first) = exit.first() {
            let per: Vec<String> = cost
                .per_syscall
                .iter()
                .map(|(n, t)| format!("{n} {t}"))
                .collect();
            let loc = set.rules[first].loc.clone();
            self.push(
                &loc,
                Severity::Info,
                "exit-rules",
                format!(
                    "{} rules on the exit list ({} with -S all): each syscall exit of an audited task walks them all, testing each rule's mask and, where the syscall is in it, its fields; tests per syscall: {}",
                    cost.exit_rules,
                    cost.all_syscalls,
                    per.join(", ")
                ),
                Some("raudit rules optimize merges rules that differ only in their syscalls".into()),
            );
        }
        cost
    }
}

/// Lint rules files (name, content), loaded as one set in order.
pub fn lint(files: &[(String, Vec<u8>)], host: &Host<'_>) -> Report {
    let set = RuleSet::load(files, host.env);
    lint_set(&set, files, host)
}

/// Lint a loaded set (`files` gives the order of file names for sorting).
pub fn lint_set(set: &RuleSet, files: &[(String, Vec<u8>)], host: &Host<'_>) -> Report {
    let mut l = Linter {
        set,
        host,
        machine: host.env.host_machine(),
        conds: set.rules.iter().map(|r| conds(&r.rule)).collect(),
        out: Vec::new(),
    };
    l.file_checks();
    for i in 0..set.rules.len() {
        l.rule_checks(i);
    }
    let cost = l.cost();
    let mut findings = l.out;
    let order = |f: &Finding| {
        files
            .iter()
            .position(|(n, _)| *n == f.loc.file)
            .unwrap_or(0)
    };
    findings.sort_by(|a, b| {
        (order(a), a.loc.line, std::cmp::Reverse(a.severity)).cmp(&(
            order(b),
            b.loc.line,
            std::cmp::Reverse(b.severity),
        ))
    });
    Report { findings, cost }
}

/// The report as text: one finding per line (`FILE:LINE: severity [code]
/// message`), its fix indented below, a summary line, and with `cost` the
/// exit list's cost per rule.
pub fn human(report: &Report, cost: bool) -> String {
    let mut s = String::new();
    for f in &report.findings {
        s += &format!(
            "{}: {} [{}] {}\n",
            f.loc,
            f.severity.name(),
            f.code,
            f.message
        );
        if let Some(fix) = &f.fix {
            s += &format!("    fix: {fix}\n");
        }
    }
    let count = |sev| report.findings.iter().filter(|f| f.severity == sev).count();
    s += &format!(
        "{} findings: {} errors, {} warnings, {} infos\n",
        report.findings.len(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    if cost {
        let c = &report.cost;
        s += &format!(
            "exit list: {} rules, {} with -S all\n",
            c.exit_rules, c.all_syscalls
        );
        for (n, t) in &c.per_syscall {
            s += &format!("  {n}: {t} tests at each exit\n");
        }
        for r in &c.rules {
            let sys = match r.syscalls {
                None => "all syscalls".to_string(),
                Some(1) => "1 syscall".to_string(),
                Some(n) => format!("{n} syscalls"),
            };
            s += &format!(
                "  {}: 1 mask test on every syscall; {} field tests on {}\n",
                r.loc, r.tests, sys
            );
        }
    }
    s
}
