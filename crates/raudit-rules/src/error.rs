//! Diagnostics of the rule language, worded as auditctl 3.0.9 words them.

/// Where auditctl sends a message: libaudit's `audit_msg` (stderr, or syslog
/// when loading a file with `-R`) or straight to stderr
/// (`audit_number_to_errmsg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// `audit_msg`: stderr, or syslog under `-R`.
    AuditMsg,
    /// Always stderr.
    Stderr,
}

/// A diagnostic. `Display` gives auditctl's exact text (without the
/// trailing newline it adds).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    // ---- libaudit's numbered field errors (audit_number_to_errmsg) ----
    /// `-F` without an operator.
    #[error("-F missing operation for {0}")]
    OpMissing(String),
    /// Unknown field name.
    #[error("-F unknown field: {0}")]
    FieldUnknown(String),
    /// `arch` after `-S`.
    #[error("{0} must be before -S")]
    ArchMisplaced(String),
    /// Unknown arch.
    #[error("{0} elf mapping not found")]
    ElfUnknown(String),
    /// Field only valid on the exit list.
    #[error("{0} can only be used with exit filter list")]
    ExitOnly(String),
    /// Unknown message type name.
    #[error("-F unknown message type - {0}")]
    MsgTypeUnknown(String),
    /// msgtype outside exclude/user.
    #[error("msgtype field can only be used with exclude or user filter list")]
    MsgTypeExcludeUser,
    /// Value too long.
    #[error("String value too long")]
    StrTooLong,
    /// Field not allowed on the exclude list.
    #[error("Only msgtype, *uid, *gid, pid, and subj* fields can be used with exclude filter")]
    MsgTypeCredExclude,
    /// Operator other than = or !=.
    #[error("{0} only takes = or != operators")]
    OpEqNotEq(String),
    /// Bad permission letter in `-F perm=`.
    #[error("Permission can only contain  'rwxa'")]
    PermRwxa,
    /// Unknown errno name.
    #[error("-F unknown errno - {0}")]
    ErrUnknown(String),
    /// Unknown file type.
    #[error("-F unknown file type -  {0}")]
    FileTypeUnknown(String),
    /// Key without a watch, syscall, exe or fstype before it.
    #[error("Key field needs a watch, syscall or exe path given prior to it")]
    KeyDep,
    /// `-F name=` with nothing after the operator.
    #[error("-F missing value after operation for {0}")]
    FieldValMissing(String),
    /// Non-numeric value for a numeric field.
    #[error("-F value should be number for {0}")]
    FieldValNum(String),
    /// `-F =value`.
    #[error("-F missing field name before operator for {0}")]
    FieldName(String),
    /// `-C =x`.
    #[error("-C missing field name before operator for {0}")]
    CompFieldName(String),
    /// `-C x=`.
    #[error("-C missing value after operation for  {0}")]
    CompVal(String),
    /// `-C` unknown left field.
    #[error("-C unknown field: {0}")]
    CompFieldUnknown(String),
    /// `-C` unknown right field.
    #[error("-C unknown right hand value for comparison with: {0}")]
    CompValUnknown(String),
    /// More than 63 fields.
    #[error("Too many fields in rule: {0}")]
    FieldTooMany(String),
    /// Operator other than =.
    #[error("{0} only takes = operator")]
    OpEq(String),
    /// Kernel lacks the feature this field needs.
    #[error("Field option not supported by kernel: {0}")]
    FieldNoSupport(String),
    /// sessionid on a list other than exclude/user/exit.
    #[error("{0} must be used with exclude, user, or exit filter")]
    FieldNoFilter(String),
    /// `-C` of incompatible fields.
    #[error("-C incompatible comparison {0}")]
    CompIncompat(String),
    /// Field not valid on this list.
    #[error("{0} field is not valid for the filter")]
    FieldUnavail(String),
    /// Kernel lacks the filesystem list.
    #[error("{0} filter is not supported by the kernel")]
    FilterNoSupport(String),
    /// Unknown fstype.
    #[error("file system type is unknown for field: {0}")]
    FsTypeUnknown(String),
    /// Value too large (saddr_fam).
    #[error("value is too large for field: {0}")]
    FieldValTooBig(String),
    /// Unknown user name.
    #[error("Unknown user: {0}")]
    UnknownUser(String),
    /// Unknown group name.
    #[error("Unknown group: {0}")]
    UnknownGroup(String),

    // ---- auditctl's own messages (audit_msg) ----
    /// `-a task,…` after `-S`.
    #[error("Syscall auditing requested for task list")]
    SyscallTaskAppend,
    /// `-A task,…` after `-S`.
    #[error("Error: syscall auditing requested for task list")]
    SyscallTaskPrepend,
    /// Two of -a/-A/-d in one rule (`-a` adds a stray newline).
    #[error("Multiple rule insert/delete operations are not allowed{nl}", nl = if *.0 { "\n" } else { "" })]
    MultipleRuleOps(bool),
    /// Bad `-a` list/action.
    #[error("Append rule - bad keyword {0}")]
    AppendBadKeyword(String),
    /// Bad `-A` list/action.
    #[error("Add rule - bad keyword {0}")]
    AddBadKeyword(String),
    /// Bad `-d` list/action.
    #[error("Delete rule - bad keyword {0}")]
    DeleteBadKeyword(String),
    /// `possible` action with -a/-A.
    #[error("Append rule - possible is deprecated")]
    AppendPossible,
    /// `possible` action with -d.
    #[error("Delete rule - possible is deprecated")]
    DeletePossible,
    /// `-S` on the task list.
    #[error("Error: syscall auditing being added to task list")]
    SyscallOnTask,
    /// `-S` on the user list.
    #[error("Error: syscall auditing being added to user list")]
    SyscallOnUser,
    /// `-S` on the filesystem list.
    #[error("Error: syscall auditing being added to filesystem list")]
    SyscallOnFs,
    /// `-S` on the exclude list.
    #[error("Error: syscall auditing cannot be put on exclude list")]
    SyscallOnExclude,
    /// Host machine unknown.
    #[error("Error detecting machine type")]
    MachineUnknown,
    /// Unknown syscall name.
    #[error("Syscall name unknown: {0}")]
    SyscallUnknown(String),
    /// No syscall table for the arch.
    #[error("Elf type unknown: 0x{0:x}")]
    ElfTypeUnknown(u32),
    /// 32/64-bit mismatch warning.
    #[error("WARNING - 32/64 bit syscall mismatch{line}, you should specify an arch", line = line_part(*.0))]
    SyscallMismatch(usize),
    /// `-F` before `-a`.
    #[error("List must be given before field")]
    ListBeforeField,
    /// `-m` with other options.
    #[error("The -m option must be only the only option and takes 1 parameter")]
    MessageAlone,
    /// Control character in `-m` text.
    #[error("Illegal character in audit event")]
    MessageIllegalChar,
    /// `-R` inside a rules file or with other options.
    #[error("Error - nested rule files not supported")]
    NestedRules,
    /// `-D` with extra options.
    #[error("Wrong number of options for Delete all request")]
    DeleteAllArgs,
    /// `-D` with something other than `-k`.
    #[error("Only the -k option is allowed")]
    DeleteAllOnlyK,
    /// `-l` with too many options.
    #[error("Wrong number of options for list request")]
    ListArgs,
    /// `-l` with something other than `-k`/`-i`.
    #[error("Only -k or -i options are allowed")]
    ListOnlyKI,
    /// `-s` with too many options.
    #[error("Too many options for status command")]
    StatusArgs,
    /// `-s` with something other than `-i`.
    #[error("Only -i option is allowed")]
    StatusOnlyI,
    /// `-w` after `-a`.
    #[error("watch option can't be given with a syscall")]
    WatchWithSyscall,
    /// `-k` too early.
    #[error("key option needs a watch or syscall given prior to it")]
    KeyNeedsRule,
    /// Keys longer than 256 bytes in total.
    #[error("key option exceeds size limit")]
    KeyTooLong,
    /// Key containing the separator byte (a warning: the key is kept).
    #[error("key {0} has illegal character")]
    KeyIllegalChar(String),
    /// `-p` before a watch.
    #[error("permission option needs a watch given prior to it")]
    PermNeedsWatch,
    /// `-p` longer than 4 letters.
    #[error("permission {0} is too long")]
    PermTooLong(String),
    /// Bad `-p` letter.
    #[error("Permission {0} isn't supported")]
    PermUnsupported(char),
    /// `-p` on an empty rule.
    #[error("Permissions should be preceeded by other fields")]
    PermNoFields,
    /// `-p` on a full rule.
    #[error("Too many fields when adding permissions")]
    PermTooManyFields,
    /// `-q` after `-S`.
    #[error("Syscall auditing requested for make equivalent")]
    EquivWithSyscall,
    /// Bad `-q` argument.
    #[error("Error parsing equivalent parts")]
    EquivParse,
    /// Watch path too long.
    #[error("The path passed for the watch is too big")]
    WatchPathTooBig,
    /// Watch path not absolute.
    #[error("The path must start with '/'")]
    WatchPathRelative,
    /// Watch base name too long.
    #[error("The base name of the path is too big")]
    WatchBaseTooBig,
    /// Warning: `..` in a watch path.
    #[error("Warning - relative path notation is not supported")]
    WatchDotDot,
    /// Warning: wildcard in a watch path.
    #[error("Warning - wildcard notation is not supported")]
    WatchWildcard,
    /// Watch added to a rule that has fields (libaudit adds a newline).
    #[error("Rule is not empty\n")]
    WatchRuleNotEmpty,
    /// Bad enable value.
    #[error("Enable must be 0, 1, or 2 was {0}")]
    EnableValue(String),
    /// Bad failure value.
    #[error("Failure must be 0, 1, or 2 was {0}")]
    FailureValue(String),
    /// Non-numeric rate.
    #[error("Rate must be a numeric value was {0}")]
    RateValue(String),
    /// Rate out of range.
    #[error("Error converting rate")]
    RateConvert,
    /// Non-numeric backlog.
    #[error("Backlog must be a numeric value was {0}")]
    BacklogValue(String),
    /// Backlog out of range.
    #[error("Error converting backlog")]
    BacklogConvert,
    /// Non-numeric backlog_wait_time.
    #[error("Backlog_wait_time must be a numeric value was {0}")]
    BacklogWaitValue(String),
    /// backlog_wait_time out of range.
    #[error("Error converting backlog_wait_time")]
    BacklogWaitConvert,
    /// Unsupported `--signal`.
    #[error("{0} is an unsupported signal")]
    SignalUnsupported(String),
    /// Unknown option.
    #[error("Option {opt}{line} is invalid", opt = .0, line = line_on(*.1))]
    OptionInvalid(String, usize),
    /// Stray non-option arguments.
    #[error("parameter passed without an option given")]
    ParamWithoutOption,
    /// A syscall rule without a list.
    #[error("Error - no list specified")]
    NoList,
}

fn line_part(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(" in line {line}")
    }
}

fn line_on(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(" on line {line}")
    }
}

impl RuleError {
    /// Where auditctl prints this message.
    pub fn channel(&self) -> Channel {
        use RuleError::*;
        match self {
            OpMissing(_) | FieldUnknown(_) | ArchMisplaced(_) | ElfUnknown(_) | ExitOnly(_)
            | MsgTypeUnknown(_) | MsgTypeExcludeUser | StrTooLong | MsgTypeCredExclude
            | OpEqNotEq(_) | PermRwxa | ErrUnknown(_) | FileTypeUnknown(_) | KeyDep
            | FieldValMissing(_) | FieldValNum(_) | FieldName(_) | CompFieldName(_)
            | CompVal(_) | CompFieldUnknown(_) | CompValUnknown(_) | FieldTooMany(_) | OpEq(_)
            | FieldNoSupport(_) | FieldNoFilter(_) | CompIncompat(_) | FieldUnavail(_)
            | FilterNoSupport(_) | FsTypeUnknown(_) | FieldValTooBig(_) => Channel::Stderr,
            _ => Channel::AuditMsg,
        }
    }

    /// Whether this is only a warning (the rule is still accepted).
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            RuleError::SyscallMismatch(_)
                | RuleError::WatchDotDot
                | RuleError::WatchWildcard
                | RuleError::KeyIllegalChar(_)
        )
    }
}
