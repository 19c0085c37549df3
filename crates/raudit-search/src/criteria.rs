//! What `ausearch` was asked to look for: the values its options set.
//!
//! Field types and "unset" sentinels follow ausearch 3.0.9 exactly (for example an
//! unset login uid is `-2` and an unset pid `-1`), because matching compares them
//! with C integer semantics: an option's value is stored with the same width and
//! signedness as the value parsed from the log, and they are compared as such.

/// Output format (`--format`, `-r`, `-i`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReportFormat {
    /// Records as they are in the log.
    Raw,
    /// `----` / `time->…` then the records, newest record first.
    Default,
    /// Like default with each value interpreted.
    Interpret,
    /// One normalized CSV line per event.
    Csv,
    /// One English sentence per event.
    Text,
    /// One JSON object per event (raudit's own; see `raudit-json`).
    Json,
}

/// `-sv` / the success state extracted from an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Success {
    /// Not asked / not found.
    Unset,
    /// `no`
    Failed,
    /// `yes`
    Success,
}

/// How values are escaped on output (`--escape`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// No escaping.
    Raw,
    /// Control characters as octal escapes (the default).
    Tty,
    /// Control characters and shell metacharacters.
    Shell,
    /// Like shell, with a larger set of characters quoted.
    ShellQuote,
}

/// Everything the options selected. Defaults are ausearch's "unset" values.
#[derive(Debug, Clone)]
pub struct Criteria {
    /// `-a`: serial number; `u32::MAX` (C's `unsigned int` -1) when unset.
    pub event_id: u32,
    /// `-c`
    pub comm: Option<Vec<u8>>,
    /// `-f`
    pub filename: Option<Vec<u8>>,
    /// `-k`
    pub key: Option<Vec<u8>>,
    /// `-hn`
    pub hostname: Option<Vec<u8>>,
    /// `-tm`
    pub terminal: Option<Vec<u8>>,
    /// `-x`
    pub exe: Option<Vec<u8>>,
    /// `-vm`
    pub vmname: Option<Vec<u8>>,
    /// `-uu`
    pub uuid: Option<Vec<u8>>,
    /// `-su` (and `-se`)
    pub subject: Option<Vec<u8>>,
    /// `-o` (and `-se`)
    pub object: Option<Vec<u8>>,
    /// `-se` was given: subject OR object.
    pub se: bool,
    /// `-ui`/`-ua`: uid, `u32::MAX` when unset.
    pub uid: u32,
    /// `-ue`/`-ua`: euid, `u32::MAX` when unset.
    pub euid: u32,
    /// `-ul`/`-ua`: login uid, `(-2i32) as u32` when unset.
    pub loginuid: u32,
    /// `-gi`/`-ga`: gid, `u32::MAX` when unset.
    pub gid: u32,
    /// `-ge`/`-ga`: egid, `u32::MAX` when unset.
    pub egid: u32,
    /// Name given to `-ui`/`-ua` (matched against interpreted uids).
    pub tuid: Option<Vec<u8>>,
    /// Name given to `-ue`/`-ua`.
    pub teuid: Option<Vec<u8>>,
    /// Name given to `-ul`/`-ua`.
    pub tauid: Option<Vec<u8>>,
    /// `-ua`: any of uid, euid, auid.
    pub ua: bool,
    /// `-ga`: either of gid, egid.
    pub ga: bool,
    /// `-pp`, -1 when unset.
    pub ppid: i32,
    /// `-p`, -1 when unset.
    pub pid: i32,
    /// `--arch` (or the host machine once `-sc NAME` was resolved): a libaudit machine
    /// number, -1 when unset.
    pub machine: i32,
    /// `-sc`, -1 when unset.
    pub syscall: i32,
    /// `--session`, `(-2i32) as u32` when unset.
    pub session_id: u32,
    /// `-e`
    pub exit: i64,
    /// `-e` was given.
    pub exit_is_set: bool,
    /// `-sv`
    pub success: Success,
    /// `-m`: record types (OR); None for all.
    pub msg_types: Option<Vec<i32>>,
    /// `-n`: node names (OR).
    pub nodes: Option<Vec<Vec<u8>>>,
    /// `-w`: string matches are whole-string instead of substring.
    pub exact_match: bool,
    /// `--debug`
    pub debug: bool,
    /// Output format.
    pub format: ReportFormat,
    /// `-ts`: seconds, 0 when unset.
    pub start_time: i64,
    /// `-te`: seconds, 0 when unset.
    pub end_time: i64,
}

impl Default for Criteria {
    fn default() -> Self {
        Criteria {
            event_id: u32::MAX,
            comm: None,
            filename: None,
            key: None,
            hostname: None,
            terminal: None,
            exe: None,
            vmname: None,
            uuid: None,
            subject: None,
            object: None,
            se: false,
            uid: u32::MAX,
            euid: u32::MAX,
            loginuid: (-2i32) as u32,
            gid: u32::MAX,
            egid: u32::MAX,
            tuid: None,
            teuid: None,
            tauid: None,
            ua: false,
            ga: false,
            ppid: -1,
            pid: -1,
            machine: -1,
            syscall: -1,
            session_id: (-2i32) as u32,
            exit: 0,
            exit_is_set: false,
            success: Success::Unset,
            msg_types: None,
            nodes: None,
            exact_match: false,
            debug: false,
            format: ReportFormat::Default,
            start_time: 0,
            end_time: 0,
        }
    }
}
