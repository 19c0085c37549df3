//! One auditctl command line (from argv or one line of a rules file),
//! parsed the way auditctl 3.0.9 parses it, into the kernel operations it
//! asks for and the rule it builds. Pure: the host facts it needs (machine,
//! kernel features, user and group names, whether a path is a directory)
//! come from an [`Env`].

use raudit_tables::Machine;
use raudit_wire::consts::*;
use raudit_wire::AuditRuleData;

use crate::error::RuleError;
use crate::getopt::{Getopt, Got, LongOpt};
use crate::names;
use crate::num::{l32, strtol, strtoul, ul32};

/// Host facts the parser needs.
pub trait Env {
    /// The machine `uname -m` names (`None`: unknown to audit).
    fn host_machine(&self) -> Option<Machine>;
    /// The kernel's `feature_bitmap` (0 if it cannot be read).
    fn features(&self) -> u32;
    /// uid of a user name.
    fn uid_by_name(&self, name: &[u8]) -> Option<u32>;
    /// gid of a group name.
    fn gid_by_name(&self, name: &[u8]) -> Option<u32>;
    /// Whether `path` exists and is a directory.
    fn is_dir(&self, path: &[u8]) -> bool;
}

/// An [`Env`] with fixed answers, for tests, linting and fuzzing.
#[derive(Debug, Clone)]
pub struct FixedEnv {
    /// Host machine.
    pub machine: Option<Machine>,
    /// Feature bitmap.
    pub features: u32,
    /// Known users.
    pub users: Vec<(Vec<u8>, u32)>,
    /// Known groups.
    pub groups: Vec<(Vec<u8>, u32)>,
    /// Paths that are directories.
    pub dirs: Vec<Vec<u8>>,
}

impl Default for FixedEnv {
    fn default() -> Self {
        FixedEnv {
            machine: Some(Machine::X86_64),
            features: 0x7f,
            users: vec![(b"root".to_vec(), 0)],
            groups: vec![(b"root".to_vec(), 0)],
            dirs: vec![b"/".to_vec(), b"/etc".to_vec(), b"/tmp".to_vec()],
        }
    }
}

impl Env for FixedEnv {
    fn host_machine(&self) -> Option<Machine> {
        self.machine
    }
    fn features(&self) -> u32 {
        self.features
    }
    fn uid_by_name(&self, name: &[u8]) -> Option<u32> {
        self.users.iter().find(|(n, _)| n == name).map(|&(_, u)| u)
    }
    fn gid_by_name(&self, name: &[u8]) -> Option<u32> {
        self.groups.iter().find(|(n, _)| n == name).map(|&(_, g)| g)
    }
    fn is_dir(&self, path: &[u8]) -> bool {
        self.dirs.iter().any(|d| d == path)
    }
}

/// A kernel operation asked for by an option, executed in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `-h`: print usage.
    Help,
    /// `-i`: ignore errors in rules files.
    Ignore,
    /// `-c`: continue through errors in rules files.
    Continue,
    /// `-s`: report status (and features).
    Status {
        /// `-s -i`.
        interpret: bool,
    },
    /// `-e N`.
    SetEnabled(u32),
    /// `-f N`.
    SetFailure(u32),
    /// `-r N`.
    SetRateLimit(u32),
    /// `-b N`.
    SetBacklogLimit(u32),
    /// `--backlog_wait_time N`.
    SetBacklogWaitTime(u32),
    /// `-l [-k key] [-i]`.
    List {
        /// Only rules whose key contains this.
        key: Option<Vec<u8>>,
        /// `-i`.
        interpret: bool,
    },
    /// `-D [-k key]`: delete all rules (with the key), then list.
    DeleteAll {
        /// Only rules whose key contains this.
        key: Option<Vec<u8>>,
    },
    /// `-m text`: send an AUDIT_USER message.
    Message(Vec<u8>),
    /// `-q mount,subtree`.
    MakeEquiv {
        /// Mount point.
        mount: Vec<u8>,
        /// Subtree.
        subtree: Vec<u8>,
    },
    /// `-t`.
    Trim,
    /// `-v`.
    Version,
    /// `--loginuid-immutable`.
    LoginuidImmutable,
    /// `--reset-lost`.
    ResetLost,
    /// `--reset_backlog_wait_time_actual`.
    ResetBacklogWaitTimeActual,
    /// `--signal SIG`.
    Signal(Signal),
}

/// Signals `--signal` can send to auditd.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGTERM.
    Term,
    /// SIGHUP.
    Hup,
    /// SIGUSR1.
    Usr1,
    /// SIGUSR2.
    Usr2,
    /// SIGCONT.
    Cont,
}

/// Add or delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleOp {
    /// `-a`, `-A`, `-w`.
    Add,
    /// `-d`, `-W`.
    Delete,
}

/// What auditctl does after parsing the options (its `setopt` return).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// An error was reported (return -1).
    Error,
    /// A deprecated form was eaten silently (return -3: exit 0).
    Deprecated,
    /// Success, nothing to read (return -2).
    Done,
    /// Read and print the pending reply (return 0), e.g. after `-e`.
    Reply,
    /// Send this rule (return > 0).
    Rule {
        /// Add or delete.
        op: RuleOp,
        /// The rule, with `flags` (list, maybe `AUDIT_FILTER_PREPEND`) and
        /// `action` set.
        rule: Box<AuditRuleData>,
    },
}

/// The result of parsing one command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// Kernel operations in order. If one fails, auditctl stops and the
    /// line fails without reporting the outcome's messages.
    pub ops: Vec<Op>,
    /// Messages in order (errors and warnings).
    pub diags: Vec<RuleError>,
    /// For each message, how many of `ops` come before it.
    pub diag_ops: Vec<usize>,
    /// What to do at the end.
    pub outcome: Outcome,
    /// A syscall or watch was given (auditctl's `_audit_syscalladded`).
    pub syscall_added: bool,
}

const SHORTS: &[u8] = b"hicslDvtC:e:f:r:b:a:A:d:S:F:m:R:w:W:k:p:q:";
const LONGS: &[LongOpt] = &[
    LongOpt {
        name: "loginuid-immutable",
        has_arg: false,
        val: 1,
    },
    LongOpt {
        name: "backlog_wait_time",
        has_arg: true,
        val: 2,
    },
    LongOpt {
        name: "reset-lost",
        has_arg: false,
        val: 3,
    },
    LongOpt {
        name: "reset_backlog_wait_time_actual",
        has_arg: false,
        val: 4,
    },
    LongOpt {
        name: "signal",
        has_arg: true,
        val: 5,
    },
];

const FILTER_UNSET: u32 = 0x80;
const PATH_MAX: usize = 4096;
const NAME_MAX: usize = 255;

fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// libaudit's machine for an `AUDIT_ARCH_*` value (`audit_elf_to_machine`).
pub fn elf_to_machine(elf: u32) -> Option<Machine> {
    Machine::from_audit_arch(elf).filter(|m| m.known_to_audit())
}

/// libaudit's `audit_determine_machine`: `b32`, `b64`, a machine name or a
/// hex `AUDIT_ARCH` value, resolved against the host.
pub fn determine_machine(arch: &[u8], host: Option<Machine>) -> Option<Machine> {
    #[derive(PartialEq)]
    enum Bits {
        Any,
        B64,
        B32,
    }
    let (bits, machine) = if arch.eq_ignore_ascii_case(b"b64") {
        (Bits::B64, host)
    } else if arch.eq_ignore_ascii_case(b"b32") {
        (Bits::B32, host)
    } else {
        let by_name = std::str::from_utf8(arch).ok().and_then(Machine::from_name);
        match by_name {
            Some(m) => (Bits::Any, Some(m)),
            None => {
                let c = strtoul(arch, 16);
                if c.overflow {
                    return None;
                }
                (Bits::Any, elf_to_machine(c.value as u32))
            }
        }
    };
    let mut m = machine?;
    if bits == Bits::B32 {
        m = match m {
            Machine::X86_64 => Machine::I386,
            Machine::Ppc64 => Machine::Ppc,
            Machine::S390x => Machine::S390,
            Machine::Aarch64 => Machine::Arm,
            other => other,
        };
    }
    let ok = match m {
        Machine::I386 | Machine::Ppc | Machine::S390 | Machine::Arm => bits != Bits::B64,
        Machine::Aarch64 | Machine::Ppc64le => bits != Bits::B32,
        Machine::X86_64 | Machine::Ppc64 | Machine::S390x => true,
        Machine::Riscv64 | Machine::Riscv32 => false,
    };
    ok.then_some(m)
}

/// POSIX `basename` length (trailing slashes ignored).
fn basename_len(path: &[u8]) -> usize {
    let mut end = path.len();
    while end > 1 && path[end - 1] == b'/' {
        end -= 1;
    }
    let start = path[..end]
        .iter()
        .rposition(|&c| c == b'/')
        .map_or(0, |p| p + 1);
    if end == 1 && path.first() == Some(&b'/') {
        return 1;
    }
    end - start
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The state auditctl keeps while parsing one line (`reset_vars`).
struct State<'e> {
    env: &'e dyn Env,
    lineno: usize,
    add: u32,
    del: u32,
    action: Option<u32>,
    exclude: bool,
    multiple: u32,
    syscall_added: bool,
    perm_added: bool,
    exe_added: bool,
    filterfs_added: bool,
    elf: u32,
    key: Vec<u8>,
    list_requested: bool,
    rule: AuditRuleData,
    ops: Vec<Op>,
    diags: Vec<RuleError>,
    diag_ops: Vec<usize>,
}

/// Return codes of auditctl's `setopt`.
const RV_ERR: i32 = -1;
const RV_DONE: i32 = -2;
const RV_DEPRECATED: i32 = -3;

impl<'e> State<'e> {
    fn diag(&mut self, e: RuleError) {
        self.diag_ops.push(self.ops.len());
        self.diags.push(e);
    }

    fn flags_for_field(&self) -> u32 {
        if self.add != FILTER_UNSET {
            self.add & AUDIT_FILTER_MASK
        } else if self.del != FILTER_UNSET {
            self.del & AUDIT_FILTER_MASK
        } else {
            FILTER_UNSET
        }
    }

    fn machine(&self) -> Option<Machine> {
        if self.elf == 0 {
            self.env.host_machine()
        } else {
            elf_to_machine(self.elf)
        }
    }

    /// `audit_rule_setup`: 0 ok, 1 deprecated, 2 bad keyword, 3 multiple.
    fn rule_setup(&mut self, opt: &[u8], is_add: bool) -> u8 {
        self.multiple += 1;
        if self.multiple != 1 {
            return 3;
        }
        let Some(p) = opt.iter().position(|&c| c == b',') else {
            return 2;
        };
        let (a, b) = (&opt[..p], &opt[p + 1..]);
        if b.contains(&b',') {
            return 2;
        }
        let mut filter = if is_add { self.add } else { self.del };
        let mut act = self.action;
        let lookup_action = |x: &[u8], act: &mut Option<u32>| -> u8 {
            match x {
                b"always" => {
                    *act = Some(AUDIT_ALWAYS);
                    0
                }
                b"never" => {
                    *act = Some(AUDIT_NEVER);
                    0
                }
                b"possible" => 1,
                _ => 2,
            }
        };
        let mut exclude = false;
        let mut lookup_filter = |x: &[u8], f: &mut u32| -> bool {
            match names::list_number(x) {
                Some(l) => {
                    if l == AUDIT_FILTER_EXCLUDE {
                        exclude = true;
                    }
                    *f = l;
                    true
                }
                None => false,
            }
        };
        let mut rc = 0;
        if lookup_action(a, &mut act) == 2 && !lookup_filter(a, &mut filter) {
            rc = 2;
        }
        if rc == 0 {
            if filter == FILTER_UNSET {
                lookup_filter(b, &mut filter);
            } else {
                rc = lookup_action(b, &mut act);
            }
        }
        if exclude {
            self.exclude = true;
        }
        if is_add {
            self.add = filter;
        } else {
            self.del = filter;
        }
        self.action = act;
        if rc != 0 {
            return rc;
        }
        if filter == FILTER_UNSET || act.is_none() {
            return 2;
        }
        0
    }

    /// `audit_rule_syscallbyname_data`: 0 ok, -1 unknown, -2 no machine.
    fn syscall_by_name(&mut self, name: &[u8]) -> i32 {
        if name == b"all" {
            self.rule.set_all_syscalls();
            return 0;
        }
        let Some(m) = self.machine() else {
            return -2;
        };
        match syscall_nr(m, name) {
            Some(n) if self.rule.set_syscall(n) => 0,
            _ => -1,
        }
    }

    fn parse_syscall(&mut self, opt: &[u8]) -> i32 {
        if opt.contains(&b',') {
            for tok in opt.split(|&c| c == b',').filter(|t| !t.is_empty()) {
                let rc = self.syscall_by_name(tok);
                if rc != 0 {
                    if rc == -1 {
                        self.diag(RuleError::SyscallUnknown(s(tok)));
                        return -3;
                    }
                    return rc;
                }
            }
            return 0;
        }
        self.syscall_by_name(opt)
    }

    /// `check_rule_mismatch`: warn when the same names give other numbers on
    /// the 32-bit ABI of a 64-bit host.
    fn check_rule_mismatch(&mut self, opt: &[u8]) {
        let m32 = match self.machine() {
            Some(Machine::X86_64) => Machine::I386,
            Some(Machine::Ppc64) => Machine::Ppc,
            Some(Machine::S390x) => Machine::S390,
            Some(m) => m,
            None => return,
        };
        let mut tmp = AuditRuleData::default();
        for tok in opt.split(|&c| c == b',').filter(|t| !t.is_empty()) {
            if tok == b"all" {
                tmp.set_all_syscalls();
                continue;
            }
            if let Some(n) = syscall_nr(m32, tok) {
                tmp.set_syscall(n);
            }
        }
        if tmp.mask != self.rule.mask {
            self.diag(RuleError::SyscallMismatch(self.lineno));
        }
    }

    /// `audit_rule_fieldpair_data`.
    fn fieldpair(&mut self, pair: &[u8], flags: u32) -> Result<(), RuleError> {
        if self.rule.fields.len() >= AUDIT_MAX_FIELDS - 1 {
            return Err(RuleError::FieldTooMany(s(pair)));
        }
        const OPS: &[(&[u8], u32)] = &[
            (b"!=", AUDIT_NOT_EQUAL),
            (b">=", AUDIT_GREATER_THAN_OR_EQUAL),
            (b"<=", AUDIT_LESS_THAN_OR_EQUAL),
            (b"&=", AUDIT_BIT_TEST),
            (b"=", AUDIT_EQUAL),
            (b">", AUDIT_GREATER_THAN),
            (b"<", AUDIT_LESS_THAN),
            (b"&", AUDIT_BIT_MASK),
        ];
        let Some((pos, sym, op)) = OPS
            .iter()
            .find_map(|&(sym, op)| find(pair, sym).map(|p| (p, sym, op)))
        else {
            return Err(RuleError::OpMissing(s(pair)));
        };
        let f = &pair[..pos];
        let v = &pair[pos + sym.len()..];
        let fname = s(f);
        if f.is_empty() {
            return Err(RuleError::FieldName(fname));
        }
        if v.is_empty() {
            return Err(RuleError::FieldValMissing(fname));
        }
        let field = names::field_number(f).ok_or_else(|| RuleError::FieldUnknown(fname.clone()))?;

        if flags == AUDIT_FILTER_EXCLUDE {
            let features = self.env.features();
            if features & AUDIT_FEATURE_BITMAP_EXCLUDE_EXTEND == 0 {
                if field != AUDIT_MSGTYPE {
                    return Err(RuleError::FieldNoSupport(fname));
                }
            } else if !matches!(
                field,
                AUDIT_PID
                    | AUDIT_UID
                    | AUDIT_GID
                    | AUDIT_LOGINUID
                    | AUDIT_MSGTYPE
                    | AUDIT_SUBJ_USER
                    | AUDIT_SUBJ_ROLE
                    | AUDIT_SUBJ_TYPE
                    | AUDIT_SUBJ_SEN
                    | AUDIT_SUBJ_CLR
                    | AUDIT_EXE
            ) {
                return Err(RuleError::MsgTypeCredExclude);
            }
        }
        if flags == AUDIT_FILTER_FS && self.env.features() & AUDIT_FEATURE_BITMAP_FILTER_FS == 0 {
            return Err(RuleError::FilterNoSupport(fname));
        }

        let digit = |x: &[u8]| x.first().is_some_and(|c| c.is_ascii_digit());
        let neg_digit = |x: &[u8]| x.len() >= 2 && x[0] == b'-' && x[1].is_ascii_digit();
        let value: u32 = match field {
            AUDIT_UID | AUDIT_EUID | AUDIT_SUID | AUDIT_FSUID | AUDIT_LOGINUID | AUDIT_OBJ_UID => {
                if digit(v) {
                    ul32(v)
                } else if neg_digit(v) {
                    l32(v)
                } else if v == b"unset" {
                    u32::MAX
                } else {
                    match self.env.uid_by_name(v) {
                        Some(u) => u,
                        None => return Err(RuleError::UnknownUser(s(v))),
                    }
                }
            }
            AUDIT_GID | AUDIT_EGID | AUDIT_SGID | AUDIT_FSGID | AUDIT_OBJ_GID => {
                if digit(v) {
                    l32(v)
                } else {
                    match self.env.gid_by_name(v) {
                        Some(g) => g,
                        None => return Err(RuleError::UnknownGroup(s(v))),
                    }
                }
            }
            AUDIT_EXIT => {
                if flags != AUDIT_FILTER_EXIT {
                    return Err(RuleError::ExitOnly(fname));
                }
                if digit(v) || neg_digit(v) {
                    l32(v)
                } else {
                    let (minus, name) = match v.strip_prefix(b"-") {
                        Some(rest) => (true, rest),
                        None => (false, v),
                    };
                    let e = std::str::from_utf8(name)
                        .ok()
                        .and_then(raudit_tables::errno_number)
                        .unwrap_or(0);
                    if e == 0 {
                        return Err(RuleError::ErrUnknown(fname));
                    }
                    if minus {
                        (e as i32).wrapping_neg() as u32
                    } else {
                        e
                    }
                }
            }
            AUDIT_MSGTYPE => {
                if flags != AUDIT_FILTER_EXCLUDE && flags != AUDIT_FILTER_USER {
                    return Err(RuleError::MsgTypeExcludeUser);
                }
                if digit(v) {
                    l32(v)
                } else {
                    match msg_type_number(v) {
                        Some(t) if t > 0 => t,
                        _ => return Err(RuleError::MsgTypeUnknown(fname)),
                    }
                }
            }
            AUDIT_OBJ_USER | AUDIT_OBJ_ROLE | AUDIT_OBJ_TYPE | AUDIT_OBJ_LEV_LOW
            | AUDIT_OBJ_LEV_HIGH | AUDIT_WATCH | AUDIT_DIR | AUDIT_SUBJ_USER | AUDIT_SUBJ_ROLE
            | AUDIT_SUBJ_TYPE | AUDIT_SUBJ_SEN | AUDIT_SUBJ_CLR | AUDIT_FILTERKEY | AUDIT_EXE => {
                if matches!(
                    field,
                    AUDIT_OBJ_USER
                        | AUDIT_OBJ_ROLE
                        | AUDIT_OBJ_TYPE
                        | AUDIT_OBJ_LEV_LOW
                        | AUDIT_OBJ_LEV_HIGH
                        | AUDIT_WATCH
                        | AUDIT_DIR
                ) {
                    if flags != AUDIT_FILTER_EXIT {
                        return Err(RuleError::ExitOnly(fname));
                    }
                    if field == AUDIT_WATCH || field == AUDIT_DIR {
                        self.perm_added = true;
                    }
                }
                if field == AUDIT_EXE {
                    if self.env.features() & AUDIT_FEATURE_BITMAP_EXECUTABLE_PATH == 0 {
                        return Err(RuleError::FieldNoSupport(fname));
                    }
                    if op != AUDIT_EQUAL && op != AUDIT_NOT_EQUAL {
                        return Err(RuleError::OpEqNotEq(fname));
                    }
                    self.exe_added = true;
                }
                if field == AUDIT_FILTERKEY
                    && !(self.syscall_added
                        || self.perm_added
                        || self.exe_added
                        || self.filterfs_added)
                {
                    return Err(RuleError::KeyDep);
                }
                // strncpy stops at a NUL; command-line strings have none.
                let limit = if field == AUDIT_FILTERKEY {
                    AUDIT_MAX_KEY_LEN
                } else {
                    PATH_MAX
                };
                if v.len() > limit {
                    return Err(RuleError::StrTooLong);
                }
                self.rule
                    .push_string(field, op, v)
                    .map_err(|_| RuleError::StrTooLong)?;
                return Ok(());
            }
            AUDIT_ARCH => {
                if self.syscall_added {
                    return Err(RuleError::ArchMisplaced(fname));
                }
                if op != AUDIT_EQUAL && op != AUDIT_NOT_EQUAL {
                    return Err(RuleError::OpEqNotEq(fname));
                }
                if digit(v) {
                    let c = strtoul(v, 0);
                    if c.overflow {
                        return Err(RuleError::ElfUnknown(fname));
                    }
                    self.elf = c.value as u32;
                    if elf_to_machine(self.elf).is_none() {
                        return Err(RuleError::ElfUnknown(fname));
                    }
                } else {
                    match determine_machine(v, self.env.host_machine()) {
                        Some(m) => self.elf = m.audit_arch(),
                        None => return Err(RuleError::ElfUnknown(fname)),
                    }
                }
                self.elf
            }
            AUDIT_PERM => {
                if flags != AUDIT_FILTER_EXIT {
                    return Err(RuleError::ExitOnly(fname));
                }
                if op != AUDIT_EQUAL {
                    return Err(RuleError::OpEq(fname));
                }
                if v.len() > 4 {
                    return Err(RuleError::StrTooLong);
                }
                names::parse_perms(v).map_err(|_| RuleError::PermRwxa)?
            }
            AUDIT_FILETYPE => {
                if flags != AUDIT_FILTER_EXIT {
                    return Err(RuleError::ExitOnly(fname));
                }
                names::file_type_number(v).ok_or(RuleError::FileTypeUnknown(fname))?
            }
            AUDIT_FSTYPE => {
                if flags != AUDIT_FILTER_FS {
                    return Err(RuleError::FieldUnavail(fname));
                }
                if op != AUDIT_EQUAL && op != AUDIT_NOT_EQUAL {
                    return Err(RuleError::OpEqNotEq(fname));
                }
                let val = if digit(v) {
                    ul32(v)
                } else {
                    names::fs_type_number(v).unwrap_or(u32::MAX)
                };
                if val == u32::MAX {
                    return Err(RuleError::FsTypeUnknown(fname));
                }
                self.filterfs_added = true;
                val
            }
            AUDIT_ARG0..=AUDIT_ARG3 => {
                if digit(v) {
                    ul32(v)
                } else if neg_digit(v) {
                    l32(v)
                } else {
                    return Err(RuleError::FieldValNum(fname));
                }
            }
            AUDIT_SESSIONID => {
                if self.env.features() & AUDIT_FEATURE_BITMAP_SESSIONID_FILTER == 0 {
                    return Err(RuleError::FieldNoSupport(fname));
                }
                if flags != AUDIT_FILTER_EXCLUDE
                    && flags != AUDIT_FILTER_USER
                    && flags != AUDIT_FILTER_EXIT
                {
                    return Err(RuleError::FieldNoFilter(fname));
                }
                if digit(v) {
                    ul32(v)
                } else if neg_digit(v) {
                    l32(v)
                } else if v == b"unset" {
                    u32::MAX
                } else {
                    0
                }
            }
            AUDIT_SADDR_FAM => {
                let val = ul32(v);
                if val >= 46 {
                    return Err(RuleError::FieldValTooBig(fname));
                }
                val
            }
            _ => {
                if matches!(
                    field,
                    AUDIT_DEVMAJOR | AUDIT_DEVMINOR | AUDIT_INODE | AUDIT_SUCCESS
                ) && flags != AUDIT_FILTER_EXIT
                {
                    return Err(RuleError::ExitOnly(fname));
                }
                if field == AUDIT_INODE && op != AUDIT_EQUAL && op != AUDIT_NOT_EQUAL {
                    return Err(RuleError::OpEqNotEq(fname));
                }
                if field == AUDIT_PPID && flags != AUDIT_FILTER_EXIT {
                    return Err(RuleError::ExitOnly(fname));
                }
                if !digit(v) {
                    return Err(RuleError::FieldValNum(fname));
                }
                if field == AUDIT_INODE {
                    ul32(v)
                } else {
                    l32(v)
                }
            }
        };
        self.rule
            .fields
            .push(raudit_wire::RuleField { field, op, value });
        Ok(())
    }

    /// `audit_rule_interfield_comp_data`.
    fn compare(&mut self, pair: &[u8], flags: u32) -> Result<(), RuleError> {
        if self.rule.fields.len() >= AUDIT_MAX_FIELDS - 1 {
            return Err(RuleError::FieldTooMany(s(pair)));
        }
        let (pos, len, op) = if let Some(p) = find(pair, b"!=") {
            (p, 2, AUDIT_NOT_EQUAL)
        } else if let Some(p) = find(pair, b"=") {
            (p, 1, AUDIT_EQUAL)
        } else {
            return Err(RuleError::OpEqNotEq(s(pair)));
        };
        let f = &pair[..pos];
        let v = &pair[pos + len..];
        let fname = s(f);
        if f.is_empty() {
            return Err(RuleError::CompFieldName(fname));
        }
        if v.is_empty() {
            return Err(RuleError::CompVal(fname));
        }
        let f1 =
            names::field_number(f).ok_or_else(|| RuleError::CompFieldUnknown(fname.clone()))?;
        let f2 = names::field_number(v).ok_or_else(|| RuleError::CompValUnknown(fname.clone()))?;
        if flags != AUDIT_FILTER_EXIT {
            return Err(RuleError::ExitOnly(fname));
        }
        let value = names::comparison(f1, f2).ok_or(RuleError::CompIncompat(fname))?;
        self.rule.fields.push(raudit_wire::RuleField {
            field: AUDIT_FIELD_COMPARE,
            op,
            value,
        });
        Ok(())
    }

    /// `-w`/`-W`: check the path, then make the rule a watch.
    fn setup_watch(&mut self, path: &[u8]) -> i32 {
        if path.len() >= PATH_MAX {
            self.diag(RuleError::WatchPathTooBig);
            return RV_ERR;
        }
        if path.first() != Some(&b'/') {
            self.diag(RuleError::WatchPathRelative);
            return RV_ERR;
        }
        if basename_len(path) > NAME_MAX {
            self.diag(RuleError::WatchBaseTooBig);
            return RV_ERR;
        }
        if find(path, b"..").is_some() {
            self.diag(RuleError::WatchDotDot);
        }
        if path.contains(&b'*') || path.contains(&b'?') {
            self.diag(RuleError::WatchWildcard);
        }
        let mut p = path.to_vec();
        if p.len() > 2 && p.last() == Some(&b'/') {
            while p.len() > 1 && p.last() == Some(&b'/') {
                p.pop();
            }
        }
        let ty = if self.env.is_dir(&p) {
            AUDIT_DIR
        } else {
            AUDIT_WATCH
        };
        if !self.rule.fields.is_empty() {
            self.diag(RuleError::WatchRuleNotEmpty);
            return RV_ERR;
        }
        let mut r = AuditRuleData {
            flags: AUDIT_FILTER_EXIT,
            action: AUDIT_ALWAYS,
            ..Default::default()
        };
        r.set_all_syscalls();
        if r.push_string(ty, AUDIT_EQUAL, &p).is_err() {
            self.diag(RuleError::WatchPathTooBig);
            return RV_ERR;
        }
        r.fields.push(raudit_wire::RuleField {
            field: AUDIT_PERM,
            op: AUDIT_EQUAL,
            value: AUDIT_PERM_READ | AUDIT_PERM_WRITE | AUDIT_PERM_EXEC | AUDIT_PERM_ATTR,
        });
        self.rule = r;
        self.perm_added = true;
        1
    }

    fn setup_perms(&mut self, opt: &[u8]) -> i32 {
        if opt.len() > 4 {
            self.diag(RuleError::PermTooLong(s(opt)));
            return RV_ERR;
        }
        let val = match names::parse_perms(opt) {
            Ok(v) => v,
            Err(c) => {
                self.diag(RuleError::PermUnsupported(c as char));
                return RV_ERR;
            }
        };
        if self.rule.fields.is_empty() {
            self.diag(RuleError::PermNoFields);
            return RV_ERR;
        }
        let mut done = false;
        for f in self.rule.fields.iter_mut() {
            if f.field == AUDIT_PERM {
                f.value = val;
                done = true;
            }
        }
        if !done {
            if self.rule.fields.len() >= AUDIT_MAX_FIELDS - 1 {
                self.diag(RuleError::PermTooManyFields);
                return RV_ERR;
            }
            self.rule.fields.push(raudit_wire::RuleField {
                field: AUDIT_PERM,
                op: AUDIT_EQUAL,
                value: val,
            });
        }
        self.perm_added = true;
        1
    }

    fn process_key(&mut self, k: &[u8]) -> bool {
        let sep = usize::from(!self.key.is_empty());
        if k.len() + self.key.len() + sep > AUDIT_MAX_KEY_LEN {
            self.diag(RuleError::KeyTooLong);
            return false;
        }
        if k.contains(&AUDIT_KEY_SEPARATOR) {
            self.diag(RuleError::KeyIllegalChar(s(k)));
        }
        if !self.key.is_empty() {
            self.key.push(AUDIT_KEY_SEPARATOR);
        }
        self.key.extend_from_slice(k);
        true
    }
}

/// A syscall name (case-insensitive) or number on machine `m`, as libaudit
/// resolves it (numbers go through C `int`). `None` if unknown or negative.
pub fn syscall_nr(m: Machine, name: &[u8]) -> Option<u32> {
    if let Some(n) = std::str::from_utf8(name)
        .ok()
        .and_then(|n| raudit_tables::syscall_number(m, n))
    {
        return Some(n);
    }
    if name.first().is_some_and(|c| c.is_ascii_digit()) {
        let n = strtol(name, 0).value as i64 as i32;
        return u32::try_from(n).ok();
    }
    None
}

/// libaudit's `audit_name_to_msg_type`: a name (case-insensitive),
/// `UNKNOWN[n]`, or digits.
fn msg_type_number(v: &[u8]) -> Option<u32> {
    if let Some(t) = std::str::from_utf8(v)
        .ok()
        .and_then(raudit_tables::msg_type_number)
    {
        return Some(t);
    }
    if let Some(rest) = v.strip_prefix(b"UNKNOWN[") {
        let end = rest.iter().position(|&c| c == b']')?;
        let digits = &rest[..end.min(7)];
        return Some(strtol(digits, 10).value as u32);
    }
    if v.first().is_some_and(|c| c.is_ascii_digit()) {
        return Some(strtol(v, 10).value as u32);
    }
    None
}

/// Parse one auditctl command line. `args[0]` is the program name;
/// `lineno` is the rules-file line (0 for the command line).
pub fn parse(args: Vec<Vec<u8>>, lineno: usize, env: &dyn Env) -> Parsed {
    let mut st = State {
        env,
        lineno,
        add: FILTER_UNSET,
        del: FILTER_UNSET,
        action: None,
        exclude: false,
        multiple: 0,
        syscall_added: false,
        perm_added: false,
        exe_added: false,
        filterfs_added: false,
        elf: 0,
        key: Vec::new(),
        list_requested: false,
        rule: AuditRuleData::default(),
        ops: Vec::new(),
        diags: Vec::new(),
        diag_ops: Vec::new(),
    };
    let mut count = args.len();
    let mut go = Getopt::new(args, SHORTS, LONGS);
    let mut retval: i32 = 0;

    while retval >= 0 {
        let got = go.next_opt();
        let (c, optarg) = match got {
            Got::End => break,
            Got::Bad => (b'?' as i32, None),
            Got::Opt(c, a) => (c, a),
        };
        let arg = optarg.clone().unwrap_or_default();
        match c {
            0x68 /* h */ => {
                st.ops.push(Op::Help);
                retval = RV_ERR;
            }
            0x69 /* i */ => {
                st.ops.push(Op::Ignore);
                retval = RV_DONE;
            }
            0x63 /* c */ => {
                st.ops.push(Op::Continue);
                retval = RV_DONE;
            }
            0x73 /* s */ => {
                let mut interpret = false;
                if count > 3 {
                    st.diag(RuleError::StatusArgs);
                    retval = RV_ERR;
                    continue;
                } else if go.optind == 2 && count == 3 {
                    if go.args.get(go.optind).map(|a| a.as_slice()) == Some(b"-i") {
                        interpret = true;
                        count -= 1;
                    } else {
                        st.diag(RuleError::StatusOnlyI);
                        retval = RV_ERR;
                        continue;
                    }
                }
                st.ops.push(Op::Status { interpret });
                retval = RV_DONE;
            }
            0x65 /* e */ => match arg.as_slice() {
                b"0" | b"1" | b"2" => st.ops.push(Op::SetEnabled((arg[0] - b'0') as u32)),
                _ => {
                    st.diag(RuleError::EnableValue(s(&arg)));
                    retval = RV_ERR;
                }
            },
            0x66 /* f */ => match arg.as_slice() {
                b"0" | b"1" | b"2" => st.ops.push(Op::SetFailure((arg[0] - b'0') as u32)),
                _ => {
                    st.diag(RuleError::FailureValue(s(&arg)));
                    retval = RV_ERR;
                }
            },
            0x72 | 0x62 | 2 /* r b backlog_wait_time */ => {
                if arg.first().is_some_and(|c| c.is_ascii_digit()) {
                    let conv = strtoul(&arg, 0);
                    if conv.overflow {
                        st.diag(match c {
                            0x72 => RuleError::RateConvert,
                            0x62 => RuleError::BacklogConvert,
                            _ => RuleError::BacklogWaitConvert,
                        });
                        return finish(st, go, count, RV_ERR, true);
                    }
                    let v = conv.value as u32;
                    st.ops.push(match c {
                        0x72 => Op::SetRateLimit(v),
                        0x62 => Op::SetBacklogLimit(v),
                        _ => Op::SetBacklogWaitTime(v),
                    });
                } else {
                    st.diag(match c {
                        0x72 => RuleError::RateValue(s(&arg)),
                        0x62 => RuleError::BacklogValue(s(&arg)),
                        _ => RuleError::BacklogWaitValue(s(&arg)),
                    });
                    retval = RV_ERR;
                }
            }
            0x6c /* l */ => {
                let mut interpret = false;
                let mut key = None;
                if count > 4 {
                    st.diag(RuleError::ListArgs);
                    retval = RV_ERR;
                    continue;
                }
                if count == 3 {
                    if go.args.get(go.optind).map(|a| a.as_slice()) == Some(b"-i") {
                        interpret = true;
                        count -= 1;
                    } else {
                        st.diag(RuleError::ListOnlyKI);
                        retval = RV_ERR;
                        continue;
                    }
                } else if count == 4 {
                    if go.args.get(go.optind).map(|a| a.as_slice()) == Some(b"-k") {
                        let k = go.args.get(3).cloned().unwrap_or_default();
                        let k = k[..k.len().min(AUDIT_MAX_KEY_LEN)].to_vec();
                        st.key = k.clone();
                        key = Some(k);
                        count -= 2;
                    } else {
                        st.diag(RuleError::ListOnlyKI);
                        retval = RV_ERR;
                        continue;
                    }
                }
                st.ops.push(Op::List { key, interpret });
                st.list_requested = true;
                retval = RV_DONE;
            }
            0x61 | 0x41 /* a A */ => {
                let prepend = c == 0x41;
                if find(&arg, b"task").is_some() && st.syscall_added {
                    st.diag(if prepend {
                        RuleError::SyscallTaskPrepend
                    } else {
                        RuleError::SyscallTaskAppend
                    });
                    retval = RV_ERR;
                } else {
                    match st.rule_setup(&arg, true) {
                        3 => {
                            st.diag(RuleError::MultipleRuleOps(!prepend));
                            retval = RV_ERR;
                        }
                        2 => {
                            st.diag(if prepend {
                                RuleError::AddBadKeyword(s(&arg))
                            } else {
                                RuleError::AppendBadKeyword(s(&arg))
                            });
                            retval = RV_ERR;
                        }
                        1 => {
                            st.diag(RuleError::AppendPossible);
                            return finish(st, go, count, RV_DEPRECATED, true);
                        }
                        _ => {
                            if prepend {
                                st.add |= AUDIT_FILTER_PREPEND;
                            }
                            retval = 1;
                        }
                    }
                }
            }
            0x64 /* d */ => match st.rule_setup(&arg, false) {
                3 => {
                    st.diag(RuleError::MultipleRuleOps(false));
                    retval = RV_ERR;
                }
                2 => {
                    st.diag(RuleError::DeleteBadKeyword(s(&arg)));
                    retval = RV_ERR;
                }
                1 => {
                    st.diag(RuleError::DeletePossible);
                    return finish(st, go, count, RV_DEPRECATED, true);
                }
                _ => retval = 1,
            },
            0x53 /* S */ => {
                let unknown_arch = st.elf == 0;
                let lst = |x: u32| x & (AUDIT_FILTER_MASK | FILTER_UNSET);
                let err = if lst(st.add) == AUDIT_FILTER_TASK || lst(st.del) == AUDIT_FILTER_TASK {
                    Some(RuleError::SyscallOnTask)
                } else if lst(st.add) == AUDIT_FILTER_USER || lst(st.del) == AUDIT_FILTER_USER {
                    Some(RuleError::SyscallOnUser)
                } else if lst(st.add) == AUDIT_FILTER_FS || lst(st.del) == AUDIT_FILTER_FS {
                    Some(RuleError::SyscallOnFs)
                } else if st.exclude {
                    Some(RuleError::SyscallOnExclude)
                } else {
                    None
                };
                if let Some(e) = err {
                    st.diag(e);
                    return finish(st, go, count, RV_ERR, true);
                }
                if unknown_arch {
                    match env.host_machine() {
                        Some(m) => st.elf = m.audit_arch(),
                        None => {
                            st.diag(RuleError::MachineUnknown);
                            return finish(st, go, count, RV_ERR, true);
                        }
                    }
                }
                match st.parse_syscall(&arg) {
                    0 => {
                        st.syscall_added = true;
                        if unknown_arch && st.add != FILTER_UNSET {
                            st.check_rule_mismatch(&arg);
                        }
                    }
                    -1 => {
                        st.diag(RuleError::SyscallUnknown(s(&arg)));
                        retval = RV_ERR;
                    }
                    -2 => {
                        st.diag(RuleError::ElfTypeUnknown(st.elf));
                        retval = RV_ERR;
                    }
                    _ => retval = RV_ERR,
                }
            }
            0x46 /* F */ => {
                let flags = if st.add != FILTER_UNSET {
                    st.add & AUDIT_FILTER_MASK
                } else if st.del != FILTER_UNSET {
                    st.del & AUDIT_FILTER_MASK
                } else if go.optind >= count
                    || find(&arg, b"arch=").is_none()
                    || go.args.get(go.optind).map(|a| a.as_slice()) != Some(b"-t")
                {
                    st.diag(RuleError::ListBeforeField);
                    retval = RV_ERR;
                    continue;
                } else {
                    FILTER_UNSET
                };
                if let Some(k) = arg.strip_prefix(b"key=") {
                    if !st.process_key(k) {
                        retval = RV_ERR;
                    }
                    continue;
                }
                if let Err(e) = st.fieldpair(&arg, flags) {
                    st.diag(e);
                    retval = RV_ERR;
                }
            }
            0x43 /* C */ => {
                let flags = st.flags_for_field();
                if let Err(e) = st.compare(&arg, flags) {
                    st.diag(e);
                    retval = RV_ERR;
                }
            }
            0x6d /* m */ => {
                if count > 3 {
                    st.diag(RuleError::MessageAlone);
                    retval = RV_ERR;
                } else {
                    // C's `*s < 32` with signed chars also rejects bytes >= 0x80.
                    if arg.iter().any(|&b| !(32..0x80).contains(&b)) {
                        st.diag(RuleError::MessageIllegalChar);
                        return finish(st, go, count, RV_ERR, true);
                    }
                    st.ops.push(Op::Message(arg.clone()));
                    return finish(st, go, count, RV_DONE, true);
                }
            }
            0x52 /* R */ => {
                st.diag(RuleError::NestedRules);
                retval = RV_ERR;
            }
            0x44 /* D */ => {
                if count > 4 || count == 3 {
                    st.diag(RuleError::DeleteAllArgs);
                    retval = RV_ERR;
                    continue;
                }
                let mut key = None;
                if count == 4 {
                    if go.args.get(go.optind).map(|a| a.as_slice()) == Some(b"-k") {
                        let k = go.args.get(3).cloned().unwrap_or_default();
                        key = Some(k[..k.len().min(AUDIT_MAX_KEY_LEN)].to_vec());
                        count -= 2;
                    } else {
                        st.diag(RuleError::DeleteAllOnlyK);
                        retval = RV_ERR;
                        continue;
                    }
                }
                st.ops.push(Op::DeleteAll { key });
                st.list_requested = true;
                st.key.clear();
                retval = RV_DONE;
            }
            0x77 /* w */ => {
                if st.add != FILTER_UNSET || st.del != FILTER_UNSET {
                    st.diag(RuleError::WatchWithSyscall);
                    retval = RV_ERR;
                } else {
                    st.add = AUDIT_FILTER_EXIT;
                    st.action = Some(AUDIT_ALWAYS);
                    st.syscall_added = true;
                    retval = st.setup_watch(&arg);
                }
            }
            0x57 /* W */ => {
                st.del = AUDIT_FILTER_EXIT;
                st.action = Some(AUDIT_ALWAYS);
                st.syscall_added = true;
                retval = st.setup_watch(&arg);
            }
            0x6b /* k */ => {
                if !(st.syscall_added || st.perm_added || st.exe_added || st.filterfs_added)
                    || (st.add == FILTER_UNSET && st.del == FILTER_UNSET)
                {
                    st.diag(RuleError::KeyNeedsRule);
                    retval = RV_ERR;
                } else if !st.process_key(&arg) {
                    retval = RV_ERR;
                }
            }
            0x70 /* p */ => {
                if st.add == FILTER_UNSET && st.del == FILTER_UNSET {
                    st.diag(RuleError::PermNeedsWatch);
                    retval = RV_ERR;
                } else {
                    retval = st.setup_perms(&arg);
                }
            }
            0x71 /* q */ => {
                if st.syscall_added {
                    st.diag(RuleError::EquivWithSyscall);
                    retval = RV_ERR;
                } else {
                    let parts = arg
                        .iter()
                        .position(|&c| c == b',')
                        .map(|p| (&arg[..p], &arg[p + 1..]))
                        .filter(|(_, sub)| !sub.is_empty() && !sub.contains(&b','));
                    match parts {
                        Some((m, sub)) => {
                            st.ops.push(Op::MakeEquiv {
                                mount: m.to_vec(),
                                subtree: sub.to_vec(),
                            });
                            return finish(st, go, count, RV_DONE, true);
                        }
                        None => {
                            st.diag(RuleError::EquivParse);
                            retval = RV_ERR;
                        }
                    }
                }
            }
            0x74 /* t */ => {
                st.ops.push(Op::Trim);
                return finish(st, go, count, RV_DONE, true);
            }
            0x76 /* v */ => {
                st.ops.push(Op::Version);
                retval = RV_DONE;
            }
            1 => {
                st.ops.push(Op::LoginuidImmutable);
                return finish(st, go, count, RV_DONE, true);
            }
            3 => {
                st.ops.push(Op::ResetLost);
                return finish(st, go, count, RV_DONE, true);
            }
            4 => {
                st.ops.push(Op::ResetBacklogWaitTimeActual);
                return finish(st, go, count, RV_DONE, true);
            }
            5 => {
                let sig = match arg.to_ascii_uppercase().as_slice() {
                    b"TERM" => Some(Signal::Term),
                    b"HUP" => Some(Signal::Hup),
                    b"USR1" => Some(Signal::Usr1),
                    b"USR2" => Some(Signal::Usr2),
                    b"CONT" => Some(Signal::Cont),
                    _ => None,
                };
                match sig {
                    Some(sig) => {
                        st.ops.push(Op::Signal(sig));
                        retval = RV_DONE;
                    }
                    None => {
                        st.diag(RuleError::SignalUnsupported(s(&arg)));
                        retval = RV_ERR;
                    }
                }
            }
            _ => {
                let bad = if go.optind >= 2 {
                    go.args
                        .get(go.optind - 1)
                        .map(|a| s(a))
                        .unwrap_or_default()
                } else {
                    " ".to_string()
                };
                st.diag(RuleError::OptionInvalid(bad, lineno));
                retval = RV_ERR;
            }
        }
    }
    finish(st, go, count, retval, false)
}

/// The tail of auditctl's `setopt` (extra arguments, the key field) and
/// the classification of its return value. `early` is set for the options
/// that `return` straight out of `setopt`.
fn finish(mut st: State<'_>, go: Getopt, count: usize, mut retval: i32, early: bool) -> Parsed {
    if !early {
        if go.optind == 1 {
            retval = RV_ERR;
        } else if go.optind < count && retval != RV_ERR {
            st.diag(RuleError::ParamWithoutOption);
            retval = RV_ERR;
        }
        if !st.key.is_empty() && !st.list_requested {
            let flags = st.flags_for_field();
            let mut pair = b"key=".to_vec();
            pair.extend_from_slice(&st.key);
            if let Err(e) = st.fieldpair(&pair, flags) {
                st.diag(e);
                retval = RV_ERR;
            }
        }
    }
    let outcome = match retval {
        RV_DEPRECATED => Outcome::Deprecated,
        RV_DONE => Outcome::Done,
        0 => Outcome::Reply,
        r if r > 0 => {
            let (op, flags) = if st.add != FILTER_UNSET {
                (RuleOp::Add, st.add)
            } else if st.del != FILTER_UNSET {
                (RuleOp::Delete, st.del)
            } else {
                // auditctl prints its usage and exits 1 here.
                (RuleOp::Add, FILTER_UNSET)
            };
            let mut rule = st.rule;
            if flags != FILTER_UNSET {
                if flags & AUDIT_FILTER_MASK != AUDIT_FILTER_TASK && !st.syscall_added {
                    rule.set_all_syscalls();
                }
                rule.flags = flags;
                rule.action = st.action.unwrap_or(AUDIT_NEVER);
            } else {
                rule.flags = FILTER_UNSET;
            }
            return Parsed {
                ops: st.ops,
                diags: st.diags,
                diag_ops: st.diag_ops,
                outcome: Outcome::Rule {
                    op,
                    rule: Box::new(rule),
                },
                syscall_added: st.syscall_added,
            };
        }
        _ => Outcome::Error,
    };
    Parsed {
        ops: st.ops,
        diags: st.diags,
        diag_ops: st.diag_ops,
        outcome,
        syscall_added: st.syscall_added,
    }
}

/// auditctl's `FILTER_UNSET` marker in a rule's `flags` (an `Outcome::Rule`
/// with neither add nor delete: auditctl prints usage and exits 1).
pub const RULE_FLAGS_UNSET: u32 = FILTER_UNSET;

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Parsed {
        let mut args = vec![b"auditctl".to_vec()];
        args.extend(
            line.split(' ')
                .filter(|t| !t.is_empty())
                .map(|t| t.as_bytes().to_vec()),
        );
        parse(args, 0, &FixedEnv::default())
    }

    fn rule(line: &str) -> AuditRuleData {
        match p(line).outcome {
            Outcome::Rule { rule, .. } => *rule,
            o => panic!("{line}: {o:?} {:?}", p(line).diags),
        }
    }

    fn err(line: &str) -> String {
        let r = p(line);
        assert_eq!(r.outcome, Outcome::Error, "{line}");
        r.diags
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("|")
    }

    #[test]
    fn syscall_rule() {
        let r =
            rule("-a always,exit -F arch=b64 -S open,openat -F auid>=1000 -F auid!=unset -k k1");
        assert_eq!(r.flags, AUDIT_FILTER_EXIT);
        assert_eq!(r.action, AUDIT_ALWAYS);
        assert!(r.has_syscall(2) && r.has_syscall(257));
        assert_eq!(r.fields.len(), 4);
        assert_eq!(r.fields[0].value, AUDIT_ARCH_X86_64);
        assert_eq!(r.fields[1].op, AUDIT_GREATER_THAN_OR_EQUAL);
        assert_eq!(r.fields[2].value, u32::MAX);
        assert_eq!(r.fields[3].field, AUDIT_FILTERKEY);
        assert_eq!(r.buf, b"k1");
    }

    #[test]
    fn either_order_and_prepend() {
        let r = rule("-A exit,never -F arch=b32 -S open");
        assert_eq!(r.flags, AUDIT_FILTER_EXIT | AUDIT_FILTER_PREPEND);
        assert_eq!(r.action, AUDIT_NEVER);
        assert!(r.has_syscall(5));
    }

    #[test]
    fn watch() {
        let r = rule("-w /etc/passwd -p wa -k identity");
        assert_eq!(r.fields[0].field, AUDIT_WATCH);
        assert_eq!(r.fields[1].value, AUDIT_PERM_WRITE | AUDIT_PERM_ATTR);
        assert_eq!(r.buf, b"/etc/passwdidentity");
        let r = rule("-w /etc/ -p x");
        assert_eq!(r.fields[0].field, AUDIT_DIR);
        assert_eq!(r.buf, b"/etc");
        assert!(r.mask.iter().all(|&w| w == u32::MAX));
    }

    #[test]
    fn errors() {
        assert_eq!(err("-a always,exit -F foo=bar"), "-F unknown field: foo");
        assert_eq!(err("-F uid=0"), "List must be given before field");
        assert_eq!(
            err("-a always,exit -S nosuch"),
            "Syscall name unknown: nosuch"
        );
        assert_eq!(
            err("-a always,exit -S open,nosuch"),
            "Syscall name unknown: nosuch"
        );
        assert_eq!(err("-a bogus,exit"), "Append rule - bad keyword bogus,exit");
        assert_eq!(
            err("-d exit,always -F key=x -F a0=-1"),
            "Key field needs a watch, syscall or exe path given prior to it"
        );
        assert_eq!(
            err("-a always,exit -S open -F arch=b64"),
            "WARNING - 32/64 bit syscall mismatch, you should specify an arch|arch must be before -S"
        );
        assert_eq!(
            err("-a always,task -F msgtype=USER"),
            "msgtype field can only be used with exclude or user filter list"
        );
        assert_eq!(
            err("-a always,exit -F filetype=bogus"),
            "-F unknown file type -  filetype"
        );
        assert_eq!(err("-w etc"), "The path must start with '/'");
        assert_eq!(err("-l -x"), "Only -k or -i options are allowed");
        assert_eq!(err("-e 3"), "Enable must be 0, 1, or 2 was 3");
        assert_eq!(err("-z"), "Option -z is invalid");
        assert_eq!(
            err("-a always,exit -a always,exit"),
            "Multiple rule insert/delete operations are not allowed\n"
        );
        assert_eq!(
            err("-a always,user -S open"),
            "Error: syscall auditing being added to user list"
        );
        assert_eq!(
            err("-a always,exit -C uid=gid"),
            "-C incompatible comparison uid"
        );
        assert_eq!(
            err("-a always,exit -F exit=EBOGUS"),
            "-F unknown errno - exit"
        );
        assert_eq!(
            err("-a always,exit -F pid=x"),
            "-F value should be number for pid"
        );
        assert_eq!(
            err("-a always,exit -F uid=nosuchuser"),
            "Unknown user: nosuchuser"
        );
    }

    #[test]
    fn possible_is_deprecated() {
        let r = p("-a exit,possible");
        assert_eq!(r.outcome, Outcome::Deprecated);
        let r = p("-a possible,exit");
        assert_eq!(r.outcome, Outcome::Error);
    }

    #[test]
    fn control_ops() {
        let r = p("-e 1 -f 1");
        assert_eq!(r.ops, vec![Op::SetEnabled(1), Op::SetFailure(1)]);
        assert_eq!(r.outcome, Outcome::Reply);
        let r = p("-b 8192");
        assert_eq!(r.ops, vec![Op::SetBacklogLimit(8192)]);
        let r = p("-D");
        assert_eq!(r.ops, vec![Op::DeleteAll { key: None }]);
        assert_eq!(r.outcome, Outcome::Done);
        let r = p("-D -k foo");
        assert_eq!(
            r.ops,
            vec![Op::DeleteAll {
                key: Some(b"foo".to_vec())
            }]
        );
        let r = p("-l -k foo");
        assert_eq!(
            r.ops,
            vec![Op::List {
                key: Some(b"foo".to_vec()),
                interpret: false
            }]
        );
        let r = p("-s -i");
        assert_eq!(r.ops, vec![Op::Status { interpret: true }]);
        let r = p("-v extra");
        assert_eq!(r.ops, vec![Op::Version]);
        assert_eq!(r.outcome, Outcome::Error);
        assert_eq!(r.diags, vec![RuleError::ParamWithoutOption]);
        let r = p("--sig=hup");
        assert_eq!(r.ops, vec![Op::Signal(Signal::Hup)]);
    }

    #[test]
    fn keys() {
        let r = rule("-w /x -k a -k b -F key=c");
        assert_eq!(r.buf, b"/xa\x01b\x01c");
        let long = "k".repeat(256);
        assert!(matches!(
            p(&format!("-w /x -k {long}")).outcome,
            Outcome::Rule { .. }
        ));
        assert_eq!(
            err(&format!("-w /x -k {long} -k z")),
            "key option exceeds size limit"
        );
    }

    #[test]
    fn arch_forms() {
        let h = Some(Machine::X86_64);
        assert_eq!(determine_machine(b"b32", h), Some(Machine::I386));
        assert_eq!(determine_machine(b"B64", h), Some(Machine::X86_64));
        assert_eq!(determine_machine(b"aarch64", h), Some(Machine::Aarch64));
        assert_eq!(determine_machine(b"c000003e", h), Some(Machine::X86_64));
        assert_eq!(determine_machine(b"i686", h), Some(Machine::I386));
        assert_eq!(determine_machine(b"b64", Some(Machine::I386)), None);
        assert_eq!(determine_machine(b"nope", h), None);
        let r = rule("-a always,exit -F arch=0xc000003e -S open");
        assert!(r.has_syscall(2));
    }
}
