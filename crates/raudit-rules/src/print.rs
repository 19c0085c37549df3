//! Printing kernel rules and status the way `auditctl -l` and `auditctl -s`
//! do, byte for byte.

use raudit_tables::Machine;
use raudit_wire::consts::*;
use raudit_wire::{field_is_string, AuditFeatures, AuditRuleData, AuditStatus};

use crate::cmd::elf_to_machine;
use crate::names;

fn op_sym(op: u32) -> &'static str {
    names::operator_symbol(op & AUDIT_OPERATORS).unwrap_or("(null)")
}

/// C's `%.*s`: the bytes up to the first NUL.
fn cstr(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(p) => &b[..p],
        None => b,
    }
}

/// The string of each field (empty if the rule's lengths are inconsistent),
/// following auditctl's buffer walk.
fn field_strings(r: &AuditRuleData) -> Vec<&[u8]> {
    let mut off = 0usize;
    r.fields
        .iter()
        .map(|f| {
            let id = f.field & !AUDIT_OPERATORS;
            if field_is_string(id) {
                let len = f.value as usize;
                let s = off
                    .checked_add(len)
                    .and_then(|e| r.buf.get(off..e))
                    .unwrap_or(&[]);
                off = off.saturating_add(len);
                s
            } else {
                &[][..]
            }
        })
        .collect()
}

/// Whether the rule's keys contain `key` (auditctl's `key_match`: a
/// substring of the whole key buffer, separators included).
pub fn key_matches(r: &AuditRuleData, key: &[u8]) -> bool {
    if key.is_empty() {
        return true;
    }
    let strs = field_strings(r);
    r.fields.iter().zip(strs).any(|(f, s)| {
        f.field & !AUDIT_OPERATORS == AUDIT_FILTERKEY
            && cstr(s).windows(key.len()).any(|w| w == key)
    })
}

/// auditctl's `is_watch`.
pub fn is_watch(r: &AuditRuleData) -> bool {
    let mut perm = false;
    for f in &r.fields {
        let id = f.field & !AUDIT_OPERATORS;
        if id == AUDIT_PERM {
            perm = true;
        }
        if !matches!(id, AUDIT_PERM | AUDIT_FILTERKEY | AUDIT_DIR | AUDIT_WATCH) {
            return false;
        }
    }
    let list = r.flags & AUDIT_FILTER_MASK;
    let all = if matches!(
        list,
        AUDIT_FILTER_USER | AUDIT_FILTER_TASK | AUDIT_FILTER_EXCLUDE | AUDIT_FILTER_FS
    ) {
        true
    } else {
        r.mask[..AUDIT_BITMASK_SIZE - 1]
            .iter()
            .all(|&w| w == u32::MAX)
    };
    perm && all
}

/// Prints a rule listing. Like auditctl, the arch of one rule stays in
/// effect for naming the syscalls of following rules that have no arch.
#[derive(Debug, Clone)]
pub struct Lister {
    host: Option<Machine>,
    interpret: bool,
    elf: u32,
}

impl Lister {
    /// A lister for a host machine (`uname -m`) and `-i`.
    pub fn new(host: Option<Machine>, interpret: bool) -> Self {
        Lister {
            host,
            interpret,
            elf: 0,
        }
    }

    /// Print every rule (or `No rules`) as one listing.
    pub fn list(&mut self, rules: &[AuditRuleData], key: Option<&[u8]>) -> Vec<u8> {
        self.elf = 0;
        if rules.is_empty() {
            return b"No rules\n".to_vec();
        }
        let mut out = Vec::new();
        for r in rules {
            if key.is_none_or(|k| key_matches(r, k)) {
                out.extend(self.rule(r));
            }
        }
        out
    }

    fn machine(&self) -> Option<Machine> {
        if self.elf != 0 {
            elf_to_machine(self.elf)
        } else {
            self.host
        }
    }

    fn print_arch(&mut self, out: &mut Vec<u8>, value: u32, op: u32) {
        self.elf = value;
        match elf_to_machine(value) {
            None => out.extend(format!(" -F arch{}0x{:X}", op_sym(op), value).bytes()),
            Some(m) => {
                let name = if self.interpret {
                    m.name()
                } else if value & AUDIT_ARCH_64BIT != 0 {
                    "b64"
                } else {
                    "b32"
                };
                out.extend(format!(" -F arch{}{}", op_sym(op), name).bytes());
            }
        }
    }

    /// Returns (count of syscalls printed, last syscall).
    fn print_syscalls(&self, out: &mut Vec<u8>, r: &AuditRuleData) -> (usize, u32) {
        let list = r.flags & AUDIT_FILTER_MASK;
        if matches!(
            list,
            AUDIT_FILTER_USER | AUDIT_FILTER_TASK | AUDIT_FILTER_EXCLUDE | AUDIT_FILTER_FS
        ) {
            return (0, 0);
        }
        if r.mask[..AUDIT_BITMASK_SIZE - 1]
            .iter()
            .all(|&w| w == u32::MAX)
        {
            out.extend_from_slice(b" -S all");
            return (AUDIT_BITMASK_SIZE - 1, 0);
        }
        let machine = self.machine();
        let mut count = 0;
        let mut last = 0;
        for i in 0..(AUDIT_BITMASK_SIZE as u32 * 32) {
            if !r.has_syscall(i) {
                continue;
            }
            out.extend_from_slice(if count == 0 { b" -S " } else { b"," });
            match machine.and_then(|m| raudit_tables::syscall_name(m, i)) {
                Some(n) => out.extend_from_slice(n.as_bytes()),
                None => out.extend(i.to_string().bytes()),
            }
            count += 1;
            last = i;
        }
        (count, last)
    }

    /// Print one rule, newline-terminated.
    pub fn rule(&mut self, r: &AuditRuleData) -> Vec<u8> {
        let mut out = Vec::new();
        let watch = is_watch(r);
        let mut count = 0;
        let mut last_syscall = 0;
        let (mut a0, mut a1) = (0u64, 0u64);
        if !watch {
            out.extend(
                format!(
                    "-a {},{}",
                    names::action_name(r.action).unwrap_or("(null)"),
                    names::list_name(r.flags).unwrap_or("(null)")
                )
                .bytes(),
            );
            for f in &r.fields {
                if f.field & !AUDIT_OPERATORS == AUDIT_ARCH {
                    self.print_arch(&mut out, f.value, f.op);
                }
            }
            (count, last_syscall) = self.print_syscalls(&mut out, r);
        }
        let strs = field_strings(r);
        for (f, sv) in r.fields.iter().zip(strs) {
            let field = f.field & !AUDIT_OPERATORS;
            let op = op_sym(f.op);
            let v = f.value;
            if field == AUDIT_ARCH {
                continue;
            }
            let Some(name) = names::field_name(field) else {
                out.extend(format!(" f{}{}{}", f.field as i32, op, v as i32).bytes());
                continue;
            };
            let sv = cstr(sv);
            match field {
                AUDIT_MSGTYPE => match raudit_tables::msg_type_name(v) {
                    Some(t) => out.extend(format!(" -F {name}{op}{t}").bytes()),
                    None => out.extend(format!(" -F {name}{op}{}", v as i32).bytes()),
                },
                AUDIT_SUBJ_USER..=AUDIT_OBJ_LEV_HIGH if field != AUDIT_PPID => {
                    out.extend(format!(" -F {name}{op}").bytes());
                    out.extend_from_slice(sv);
                }
                AUDIT_WATCH | AUDIT_DIR => {
                    if watch {
                        out.extend_from_slice(b"-w ");
                    } else if field == AUDIT_WATCH {
                        out.extend_from_slice(b" -F path=");
                    } else {
                        out.extend_from_slice(b" -F dir=");
                    }
                    out.extend_from_slice(sv);
                }
                AUDIT_EXE => {
                    out.extend_from_slice(b" -F exe=");
                    out.extend_from_slice(sv);
                }
                AUDIT_FILTERKEY => {
                    for k in sv
                        .split(|&c| c == AUDIT_KEY_SEPARATOR)
                        .filter(|k| !k.is_empty())
                    {
                        out.extend_from_slice(if watch { b" -k " } else { b" -F key=" });
                        out.extend_from_slice(k);
                    }
                }
                AUDIT_PERM => {
                    let p = names::perm_string(v);
                    if watch {
                        out.extend(format!(" -p {p}").bytes());
                    } else {
                        out.extend(format!(" -F perm={p}").bytes());
                    }
                }
                AUDIT_INODE => out.extend(format!(" -F {name}{op}{v}").bytes()),
                AUDIT_FIELD_COMPARE => {
                    if let Some(&(l, rr, _)) = names::COMPARISONS.iter().find(|&&(_, _, c)| c == v)
                    {
                        out.extend(format!(" -C {l}{op}{rr}").bytes());
                    }
                }
                AUDIT_ARG0..=AUDIT_ARG3 => {
                    if field == AUDIT_ARG0 {
                        a0 = v as u64;
                    } else if field == AUDIT_ARG1 {
                        a1 = v as u64;
                    }
                    // auditctl interprets a0-a3 with -i unless the rule names
                    // several syscalls; the hex form is shown otherwise.
                    if count > 1 || !self.interpret {
                        out.extend(format!(" -F {name}{op}0x{v:X}").bytes());
                    } else {
                        use raudit_logfmt::interpret::{interpret_field, Ctx, Escape, NoNames};
                        let ctx = Ctx {
                            rtype: 1300,
                            machine: self.machine(),
                            syscall: Some(last_syscall),
                            a0,
                            a1,
                            enriched: None,
                        };
                        out.extend(format!(" -F {name}{op}").bytes());
                        let hex = format!("{v:x}");
                        interpret_field(
                            &ctx,
                            name.as_bytes(),
                            hex.as_bytes(),
                            &NoNames,
                            Escape::Tty,
                            &mut out,
                        );
                    }
                }
                AUDIT_EXIT => {
                    let sv = v as i32;
                    let e = sv.unsigned_abs();
                    match raudit_tables::errno_name(e).filter(|_| sv < 0) {
                        Some(n) => out.extend(format!(" -F {name}{op}-{n}").bytes()),
                        None => out.extend(format!(" -F {name}{op}{sv}").bytes()),
                    }
                }
                AUDIT_FSTYPE => match names::fs_type_name(v) {
                    Some(n) => out.extend(format!(" -F {name}{op}{n}").bytes()),
                    None => out.extend(format!(" -F {name}{op}{}", v as i32).bytes()),
                },
                AUDIT_LOGINUID | AUDIT_SESSIONID if v == u32::MAX && self.interpret => {
                    out.extend(format!(" -F {name}{op}unset").bytes());
                }
                _ => out.extend(format!(" -F {name}{op}{}", v as i32).bytes()),
            }
        }
        out.push(b'\n');
        out
    }
}

fn enabled_word(e: u32) -> &'static str {
    match e {
        0 => "disable",
        1 => "enabled",
        2 => "enabled+immutable",
        _ => "unknown",
    }
}

fn failure_word(f: u32) -> &'static str {
    match f {
        0 => "silent",
        1 => "printk",
        2 => "panic",
        _ => "unknown",
    }
}

/// The `AUDIT_GET` part of `auditctl -s` (`-i` interprets enabled/failure).
/// `backlog_wait_time_actual` is printed only if the kernel sent it.
pub fn format_status(s: &AuditStatus, interpret: bool) -> String {
    let mut out = if interpret {
        format!(
            "enabled {}\nfailure {}\n",
            enabled_word(s.enabled),
            failure_word(s.failure)
        )
    } else {
        format!("enabled {}\nfailure {}\n", s.enabled, s.failure)
    };
    out.push_str(&format!(
        "pid {}\nrate_limit {}\nbacklog_limit {}\nlost {}\nbacklog {}\n",
        s.pid, s.rate_limit, s.backlog_limit, s.lost, s.backlog
    ));
    out.push_str(&format!(
        "backlog_wait_time {}\n",
        s.backlog_wait_time.unwrap_or(0)
    ));
    if let Some(a) = s.backlog_wait_time_actual {
        out.push_str(&format!("backlog_wait_time_actual {a}\n"));
    }
    out
}

/// The `AUDIT_GET_FEATURE` part of `auditctl -s`.
pub fn format_features(f: &AuditFeatures) -> String {
    let bit = audit_feature_to_mask(AUDIT_FEATURE_LOGINUID_IMMUTABLE);
    if f.mask & bit == 0 {
        return String::new();
    }
    format!(
        "loginuid_immutable {} {}\n",
        u32::from(f.features & bit != 0),
        if f.lock & bit != 0 {
            "locked"
        } else {
            "unlocked"
        }
    )
}
