//! `ausearch` command line, parsed in order with the same rules, messages and
//! exit behaviour as ausearch 3.0.9.
//!
//! The grammar is positional: an option's argument is the next word unless that word
//! starts with `-` (a few options take it anyway), so a table-driven loop over the
//! words is used rather than a generic parser.

use std::io::Write;

use crate::criteria::{Criteria, Escape, ReportFormat, Success};
use crate::machine;
use crate::timeparse::{self, Clock};

/// Everything the command line set.
#[derive(Debug, Clone)]
pub struct Options {
    /// Search criteria and output format.
    pub crit: Criteria,
    /// `--escape`
    pub escape: Escape,
    /// `-if`
    pub input: Option<Vec<u8>>,
    /// `--input-logs`
    pub force_logs: bool,
    /// `--just-one`
    pub just_one: bool,
    /// `-l`
    pub line_buffered: bool,
    /// `--checkpoint FILE`
    pub checkpoint: Option<Vec<u8>>,
    /// `-ts checkpoint`
    pub checkpoint_time_only: bool,
    /// `--eoe-timeout`, 0 when not given.
    pub eoe_timeout: i64,
    /// `--extra-keys`
    pub extra_keys: bool,
    /// `--extra-labels`
    pub extra_labels: bool,
    /// `--extra-obj2`
    pub extra_obj2: bool,
    /// `--extra-time`
    pub extra_time: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            crit: Criteria::default(),
            escape: Escape::Tty,
            input: None,
            force_logs: false,
            just_one: false,
            line_buffered: false,
            checkpoint: None,
            checkpoint_time_only: false,
            eoe_timeout: 0,
            extra_keys: false,
            extra_labels: false,
            extra_obj2: false,
            extra_time: false,
        }
    }
}

/// Parsing stopped: exit with this code (messages already written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit(pub i32);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Opt {
    Event,
    Arch,
    Comm,
    Checkpoint,
    Debug,
    Exit,
    EoeTmo,
    Escape,
    ExtraKeys,
    ExtraLabels,
    ExtraObj2,
    ExtraTime,
    Filename,
    Format,
    AllGid,
    EffGid,
    Gid,
    Help,
    Hostname,
    Interp,
    Infile,
    InLogs,
    JustOne,
    Key,
    LineBuffered,
    MessageType,
    Node,
    Object,
    Pid,
    Ppid,
    Raw,
    Syscall,
    Context,
    Session,
    Subject,
    OSuccess,
    TimeEnd,
    TimeStart,
    Terminal,
    AllUid,
    EffUid,
    Uid,
    Uuid,
    LoginId,
    Version,
    VmName,
    ExactMatch,
    Executable,
}

const OPTIONS: &[(&str, Opt)] = &[
    ("-a", Opt::Event),
    ("--arch", Opt::Arch),
    ("--event", Opt::Event),
    ("-c", Opt::Comm),
    ("--comm", Opt::Comm),
    ("--checkpoint", Opt::Checkpoint),
    ("--debug", Opt::Debug),
    ("-e", Opt::Exit),
    ("--eoe-timeout", Opt::EoeTmo),
    ("--escape", Opt::Escape),
    ("--exit", Opt::Exit),
    ("--extra-keys", Opt::ExtraKeys),
    ("--extra-labels", Opt::ExtraLabels),
    ("--extra-obj2", Opt::ExtraObj2),
    ("--extra-time", Opt::ExtraTime),
    ("-f", Opt::Filename),
    ("--file", Opt::Filename),
    ("--format", Opt::Format),
    ("-ga", Opt::AllGid),
    ("--gid-all", Opt::AllGid),
    ("-ge", Opt::EffGid),
    ("--gid-effective", Opt::EffGid),
    ("-gi", Opt::Gid),
    ("--gid", Opt::Gid),
    ("-h", Opt::Help),
    ("--help", Opt::Help),
    ("-hn", Opt::Hostname),
    ("--host", Opt::Hostname),
    ("-i", Opt::Interp),
    ("--interpret", Opt::Interp),
    ("-if", Opt::Infile),
    ("--input", Opt::Infile),
    ("--input-logs", Opt::InLogs),
    ("--just-one", Opt::JustOne),
    ("-k", Opt::Key),
    ("--key", Opt::Key),
    ("-l", Opt::LineBuffered),
    ("--line-buffered", Opt::LineBuffered),
    ("-m", Opt::MessageType),
    ("--message", Opt::MessageType),
    ("-n", Opt::Node),
    ("--node", Opt::Node),
    ("-o", Opt::Object),
    ("--object", Opt::Object),
    ("-p", Opt::Pid),
    ("--pid", Opt::Pid),
    ("-pp", Opt::Ppid),
    ("--ppid", Opt::Ppid),
    ("-r", Opt::Raw),
    ("--raw", Opt::Raw),
    ("-sc", Opt::Syscall),
    ("--syscall", Opt::Syscall),
    ("-se", Opt::Context),
    ("--context", Opt::Context),
    ("--session", Opt::Session),
    ("-su", Opt::Subject),
    ("--subject", Opt::Subject),
    ("-sv", Opt::OSuccess),
    ("--success", Opt::OSuccess),
    ("-te", Opt::TimeEnd),
    ("--end", Opt::TimeEnd),
    ("-ts", Opt::TimeStart),
    ("--start", Opt::TimeStart),
    ("-tm", Opt::Terminal),
    ("--terminal", Opt::Terminal),
    ("-ua", Opt::AllUid),
    ("--uid-all", Opt::AllUid),
    ("-ue", Opt::EffUid),
    ("--uid-effective", Opt::EffUid),
    ("-ui", Opt::Uid),
    ("--uid", Opt::Uid),
    ("-uu", Opt::Uuid),
    ("--uuid", Opt::Uuid),
    ("-ul", Opt::LoginId),
    ("--loginuid", Opt::LoginId),
    ("-v", Opt::Version),
    ("--version", Opt::Version),
    ("-vm", Opt::VmName),
    ("--vm-name", Opt::VmName),
    ("-w", Opt::ExactMatch),
    ("--word", Opt::ExactMatch),
    ("-x", Opt::Executable),
    ("--executable", Opt::Executable),
];

/// ausearch's usage text (printed on stdout by `-h` and with no arguments), byte for
/// byte: raudit's extensions (`--format json`) are documented in the README, not here.
pub const USAGE: &str = "usage: ausearch [options]
\t-a,--event <Audit event id>\tsearch based on audit event id
\t--arch <CPU>\t\t\tsearch based on the CPU architecture
\t-c,--comm  <Comm name>\t\tsearch based on command line name
\t--checkpoint <checkpoint file>\tsearch from last complete event
\t--debug\t\t\tWrite malformed events that are skipped to stderr
\t-e,--exit  <Exit code or errno>\tsearch based on syscall exit code
\t-escape <option>\t\tescape output
\t--eoe-timeout secs\t\tEnd of Event timeout
\t--extra-keys\t\t\tadd a final column with key information
\t--extra-labels\t\t\tadd columns of information about subject and object labels
\t--extra-obj2\t\t\tadd columns of information about a second object
\t--extra-time\t\t\tadd columns of information about broken down time
\t-f,--file  <File name>\t\tsearch based on file name
\t--format [raw|default|interpret|csv|text] results format options
\t-ga,--gid-all <all Group id>\tsearch based on All group ids
\t-ge,--gid-effective <effective Group id>  search based on Effective
\t\t\t\t\tgroup id
\t-gi,--gid <Group Id>\t\tsearch based on group id
\t-h,--help\t\t\thelp
\t-hn,--host <Host Name>\t\tsearch based on remote host name
\t-i,--interpret\t\t\tInterpret results to be human readable
\t-if,--input <Input File name>\tuse this file instead of current logs
\t--input-logs\t\t\tUse the logs even if stdin is a pipe
\t--just-one\t\t\tEmit just one event
\t-k,--key  <key string>\t\tsearch based on key field
\t-l, --line-buffered\t\tFlush output on every line
\t-m,--message  <Message type>\tsearch based on message type
\t-n,--node  <Node name>\t\tsearch based on machine's name
\t-o,--object  <SE Linux Object context> search based on context of object
\t-p,--pid  <Process id>\t\tsearch based on process id
\t-pp,--ppid <Parent Process id>\tsearch based on parent process id
\t-r,--raw\t\t\toutput is completely unformatted
\t-sc,--syscall <SysCall name>\tsearch based on syscall name or number
\t-se,--context <SE Linux context> search based on either subject or
\t\t\t\t\t object
\t--session <login session id>\tsearch based on login session id
\t-su,--subject <SE Linux context> search based on context of the Subject
\t-sv,--success <Success Value>\tsearch based on syscall or event
\t\t\t\t\tsuccess value
\t-te,--end [end date] [end time]\tending date & time for search
\t-ts,--start [start date] [start time]\tstarting date & time for search
\t-tm,--terminal <TerMinal>\tsearch based on terminal
\t-ua,--uid-all <all User id>\tsearch based on All user id's
\t-ue,--uid-effective <effective User id>  search based on Effective
\t\t\t\t\tuser id
\t-ui,--uid <User Id>\t\tsearch based on user id
\t-ul,--loginuid <login id>\tsearch based on the User's Login id
\t-uu,--uuid <guest UUID>\t\tsearch for events related to the virtual
\t\t\t\t\tmachine with the given UUID.
\t-v,--version\t\t\tversion
\t-vm,--vm-name <guest name>\tsearch for events related to the virtual
\t\t\t\t\tmachine with the name.
\t-w,--word\t\t\tstring matches are whole word
\t-x,--executable <executable name>  search based on executable name
";

fn is_digit(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_digit)
}

fn lossy(s: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(s)
}

/// Record type number for `-m`: a name (any case) or a decimal number.
fn msg_type(arg: &[u8], err: &mut dyn Write) -> Option<i32> {
    if is_digit(arg) {
        let v = raudit_logfmt::num::strtoul(arg, 10);
        if v.overflow {
            let _ = writeln!(
                err,
                "Numeric message type conversion error (Numerical result out of range) for {}",
                lossy(arg)
            );
            return None;
        }
        return Some(v.value as i32);
    }
    let t = raudit_logfmt::header::msg_type_from_name(arg);
    (t >= 0).then_some(t)
}

pub use raudit_sysdb::{group_by_name, user_by_name};

/// Parses ausearch's arguments (without the program name).
pub fn parse(
    args: &[Vec<u8>],
    clock: &dyn Clock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Options, Exit> {
    let mut o = Options::default();
    if args.is_empty() {
        let _ = out.write_all(USAGE.as_bytes());
        return Err(Exit(1));
    }
    let mut ok = true;
    let mut c = 0usize;
    let count = args.len();
    while c < count && ok {
        let word = &args[c];
        let optarg: Option<&[u8]> = args
            .get(c + 1)
            .filter(|a| a.first() != Some(&b'-'))
            .map(|a| a.as_slice());
        let name = lossy(word);
        let opt = OPTIONS
            .iter()
            .find(|(n, _)| n.as_bytes() == word.as_slice())
            .map(|&(_, o)| o);
        macro_rules! need {
            () => {
                match optarg {
                    Some(a) => a,
                    None => {
                        let _ = writeln!(err, "Argument is required for {name}");
                        ok = false;
                        c += 1;
                        continue;
                    }
                }
            };
        }
        macro_rules! no_arg {
            () => {
                if optarg.is_some() {
                    let _ = writeln!(err, "Argument is NOT required for {name}");
                    ok = false;
                }
            };
        }
        let crit = &mut o.crit;
        match opt {
            Some(Opt::Event) => {
                let a = need!();
                if is_digit(a) {
                    let v = raudit_logfmt::num::strtoul(a, 10);
                    crit.event_id = v.value as u32;
                    if v.overflow {
                        let _ = write!(err, "Illegal value for audit event ID");
                        ok = false;
                    }
                    c += 1;
                } else {
                    let _ = writeln!(
                        err,
                        "Audit event id must be a numeric value, was {}",
                        lossy(a)
                    );
                    ok = false;
                }
            }
            Some(Opt::EoeTmo) => {
                let a = need!();
                if is_digit(a) {
                    let v = raudit_logfmt::num::strtoul(a, 10);
                    o.eoe_timeout = v.value as i64;
                    if v.overflow || o.eoe_timeout == 0 {
                        let _ = writeln!(
                            err,
                            "Illegal value for End of Event Timeout, was {}",
                            lossy(a)
                        );
                        ok = false;
                    }
                    c += 1;
                } else {
                    let _ = writeln!(
                        err,
                        "End of Event Timeout must be a numeric value, was {}",
                        lossy(a)
                    );
                    ok = false;
                }
            }
            Some(Opt::ExtraKeys) => {
                o.extra_keys = true;
                no_arg!();
            }
            Some(Opt::ExtraLabels) => {
                o.extra_labels = true;
                no_arg!();
            }
            Some(Opt::ExtraObj2) => {
                o.extra_obj2 = true;
                no_arg!();
            }
            Some(Opt::ExtraTime) => {
                o.extra_time = true;
                no_arg!();
            }
            Some(Opt::Comm) => {
                crit.comm = Some(need!().to_vec());
                c += 1;
            }
            Some(Opt::Filename) => {
                let a = need!();
                if a.len() >= 4096 {
                    let _ = writeln!(err, "File name is too long {}", lossy(a));
                    ok = false;
                } else {
                    crit.filename = Some(a.to_vec());
                    c += 1;
                }
            }
            Some(Opt::Key) => {
                crit.key = Some(need!().to_vec());
                c += 1;
            }
            Some(Opt::AllGid) | Some(Opt::EffGid) | Some(Opt::Gid) => {
                let a = need!();
                let which = opt;
                let v = if is_digit(a) {
                    let v = raudit_logfmt::num::strtoul(a, 10);
                    if v.overflow {
                        let _ = writeln!(
                            err,
                            "Numeric group ID conversion error (Numerical result out of range) for {}",
                            lossy(a)
                        );
                        ok = false;
                    }
                    v.value as u32
                } else {
                    match group_by_name(a) {
                        Some(g) => g,
                        None => {
                            let what = if which == Some(Opt::EffGid) {
                                "Effective group ID"
                            } else {
                                "Group ID"
                            };
                            let _ =
                                writeln!(err, "{what} is non-numeric and unknown ({})", lossy(a));
                            ok = false;
                            c += 1;
                            continue;
                        }
                    }
                };
                match which {
                    Some(Opt::AllGid) => {
                        crit.gid = v;
                        crit.egid = v;
                        crit.ga = true;
                    }
                    Some(Opt::EffGid) => crit.egid = v,
                    _ => crit.gid = v,
                }
                c += 1;
            }
            Some(Opt::Help) => {
                let _ = out.write_all(USAGE.as_bytes());
                return Err(Exit(0));
            }
            Some(Opt::Hostname) => {
                crit.hostname = Some(need!().to_vec());
                c += 1;
            }
            Some(Opt::Interp) => {
                if crit.format == ReportFormat::Default {
                    crit.format = ReportFormat::Interpret;
                } else {
                    let _ = writeln!(err, "Conflicting output format {name}");
                    ok = false;
                }
                no_arg!();
            }
            Some(Opt::Infile) => {
                let a = need!();
                if a.len() >= 4096 - 32 {
                    let _ = writeln!(err, "File name is too longs {}", lossy(a));
                    ok = false;
                } else {
                    o.input = Some(a.to_vec());
                    c += 1;
                }
            }
            Some(Opt::MessageType) => {
                let a = need!();
                if !a.eq_ignore_ascii_case(b"ALL") {
                    for part in a.split(|&b| b == b',').filter(|p| !p.is_empty()) {
                        match msg_type(part, err) {
                            Some(t) => crit.msg_types.get_or_insert_with(Vec::new).push(t),
                            None => {
                                ok = false;
                                break;
                            }
                        }
                    }
                }
                c += 1;
                if !ok {
                    let mut s = String::from("Valid message types are: ALL ");
                    let mut i = 1005u32; // AUDIT_USER
                    while i <= 2999 {
                        // AUDIT_LAST_VIRT_MSG
                        if i == 1007 {
                            // AUDIT_WATCH_INS: skip to AUDIT_FIRST_USER_MSG
                            i = 1100;
                        }
                        if let Some(n) = raudit_tables::msg_type_name(i) {
                            s.push_str(n);
                            s.push(' ');
                        }
                        i += 1;
                    }
                    let _ = writeln!(err, "{s}");
                }
            }
            Some(Opt::Object) => {
                crit.object = Some(need!().to_vec());
                c += 1;
            }
            Some(Opt::Ppid) | Some(Opt::Pid) => {
                let a = need!();
                if is_digit(a) {
                    let v = raudit_logfmt::num::strtol(a, 10);
                    if v.overflow {
                        ok = false;
                    }
                    if opt == Some(Opt::Pid) {
                        crit.pid = v.value as i32;
                    } else {
                        crit.ppid = v.value as i32;
                    }
                    c += 1;
                } else {
                    let what = if opt == Some(Opt::Pid) {
                        "Process id"
                    } else {
                        "Parent process id"
                    };
                    let _ = writeln!(err, "{what} must be a numeric value, was {}", lossy(a));
                    ok = false;
                }
            }
            Some(Opt::Raw) => {
                if crit.format == ReportFormat::Default {
                    crit.format = ReportFormat::Raw;
                } else {
                    let _ = writeln!(err, "Conflicting output format --raw");
                    ok = false;
                }
                if optarg.is_some() {
                    let _ = writeln!(err, "Argument is NOT required for --raw");
                    ok = false;
                }
            }
            Some(Opt::Escape) => {
                let a = need!();
                o.escape = match a {
                    b"raw" => Escape::Raw,
                    b"tty" => Escape::Tty,
                    b"shell" => Escape::Shell,
                    b"shell_quote" => Escape::ShellQuote,
                    _ => {
                        let _ = writeln!(err, "Unknown option ({})", lossy(a));
                        ok = false;
                        c += 1;
                        continue;
                    }
                };
                c += 1;
            }
            Some(Opt::Format) => {
                if crit.format != ReportFormat::Default {
                    let _ = writeln!(err, "Multiple output formats, use only 1");
                    ok = false;
                    c += 1;
                    continue;
                }
                let a = need!();
                crit.format = match a {
                    b"raw" => ReportFormat::Raw,
                    b"default" => ReportFormat::Default,
                    b"csv" => ReportFormat::Csv,
                    b"text" => ReportFormat::Text,
                    b"json" => ReportFormat::Json,
                    _ if a.starts_with(b"interp") => ReportFormat::Interpret,
                    _ => {
                        let _ = writeln!(err, "Unknown option ({})", lossy(a));
                        ok = false;
                        c += 1;
                        continue;
                    }
                };
                c += 1;
            }
            Some(Opt::Node) => {
                let a = need!();
                c += 1;
                crit.nodes.get_or_insert_with(Vec::new).push(a.to_vec());
            }
            Some(Opt::Syscall) => {
                let a = need!();
                if is_digit(a) {
                    let v = raudit_logfmt::num::strtoul(a, 10);
                    crit.syscall = v.value as i32;
                    if v.overflow {
                        let _ = writeln!(
                            err,
                            "Syscall numeric conversion error (Numerical result out of range) for {}",
                            lossy(a)
                        );
                        ok = false;
                    }
                } else {
                    if crit.machine == -1 {
                        let m = machine::detect();
                        if m < 0 {
                            let _ = write!(err, "Error detecting machine type");
                            ok = false;
                            c += 1;
                            continue;
                        }
                        crit.machine = m;
                    }
                    crit.syscall = machine::table(crit.machine)
                        .zip(std::str::from_utf8(a).ok())
                        .and_then(|(m, n)| raudit_tables::syscall_number(m, n))
                        .map_or(-1, |n| n as i32);
                    if crit.syscall == -1 {
                        let _ = writeln!(err, "Syscall {} not found", lossy(a));
                        ok = false;
                    }
                }
                c += 1;
            }
            Some(Opt::Context) => {
                let a = need!();
                crit.subject = Some(a.to_vec());
                crit.object = Some(a.to_vec());
                crit.se = true;
                c += 1;
            }
            Some(Opt::Subject) => {
                crit.subject = Some(need!().to_vec());
                c += 1;
            }
            Some(Opt::OSuccess) => {
                let a = need!();
                let has = |n: &[u8]| a.windows(n.len()).any(|w| w == n);
                if has(b"yes") || has(b"no") {
                    crit.success = if a == b"yes" {
                        Success::Success
                    } else {
                        Success::Failed
                    };
                } else {
                    let _ = writeln!(err, "Success must be 'yes' or 'no'.");
                    ok = false;
                }
                c += 1;
            }
            Some(Opt::Session) | Some(Opt::Exit) | Some(Opt::LoginId) => {
                // These take the next word even when it starts with '-'.
                let Some(a) = optarg.or_else(|| args.get(c + 1).map(|a| a.as_slice())) else {
                    let _ = writeln!(err, "Argument is required for {name}");
                    ok = false;
                    c += 1;
                    continue;
                };
                let negnum = a.len() >= 2 && a[0] == b'-' && a[1].is_ascii_digit();
                match opt {
                    Some(Opt::Session) => {
                        if is_digit(a) || negnum {
                            let base = if negnum { 0 } else { 10 };
                            let v = raudit_logfmt::num::strtoul(a, base);
                            crit.session_id = v.value as u32;
                            if v.overflow {
                                ok = false;
                                if negnum {
                                    let _ = writeln!(err, "Error converting {}", lossy(a));
                                }
                            }
                            c += 1;
                        } else {
                            let _ = writeln!(
                                err,
                                "Session id must be a numeric value, was {}",
                                lossy(a)
                            );
                            ok = false;
                        }
                    }
                    Some(Opt::Exit) => {
                        if is_digit(a) || negnum {
                            let v = raudit_logfmt::num::strtol(a, 0);
                            crit.exit = v.value;
                            if v.overflow {
                                ok = false;
                                let _ = writeln!(err, "Error converting {}", lossy(a));
                            }
                        } else {
                            crit.exit = errno_from_name(a);
                            if crit.exit == 0 {
                                ok = false;
                                let _ = writeln!(err, "Unknown errno, was {}", lossy(a));
                            }
                        }
                        c += 1;
                        if ok {
                            crit.exit_is_set = true;
                        }
                    }
                    _ => {
                        if is_digit(a) {
                            let v = raudit_logfmt::num::strtoul(a, 10);
                            crit.loginuid = v.value as u32;
                            if v.overflow {
                                let _ = writeln!(
                                    err,
                                    "Numeric user ID conversion error (Numerical result out of range) for {}",
                                    lossy(a)
                                );
                                ok = false;
                            }
                        } else if negnum {
                            let v = raudit_logfmt::num::strtol(a, 0);
                            crit.loginuid = v.value as u32;
                            if v.overflow {
                                ok = false;
                                let _ = writeln!(err, "Error converting {}", lossy(a));
                            }
                        } else {
                            match user_by_name(a) {
                                Some(u) => {
                                    crit.loginuid = u;
                                    crit.tauid = Some(a.to_vec());
                                }
                                None => {
                                    let _ = writeln!(
                                        err,
                                        "Login user ID is non-numeric and unknown ({})",
                                        lossy(a)
                                    );
                                    ok = false;
                                    c += 1;
                                    continue;
                                }
                            }
                        }
                        c += 1;
                    }
                }
            }
            Some(Opt::TimeEnd) | Some(Opt::TimeStart) => {
                let start = opt == Some(Opt::TimeStart);
                let Some(a) = optarg else {
                    let _ = writeln!(err, "{name} requires either date and/or time");
                    ok = false;
                    c += 1;
                    continue;
                };
                let a = lossy(a).into_owned();
                let set =
                    |d: Option<&str>, t: Option<&str>, crit: &mut Criteria, err: &mut dyn Write| {
                        let r = timeparse::parse(start, d, t, clock, err);
                        match r {
                            Ok(v) => {
                                if start {
                                    crit.start_time = v;
                                } else {
                                    crit.end_time = v;
                                }
                                true
                            }
                            Err(_) => false,
                        }
                    };
                let third = args.get(c + 2).filter(|w| w.first() != Some(&b'-'));
                if let Some(third) = third {
                    let third = lossy(third).into_owned();
                    ok = if a.contains(':') {
                        set(Some(&third), Some(&a), crit, err)
                    } else {
                        set(Some(&a), Some(&third), crit, err)
                    };
                    c += 1;
                } else if timeparse::is_keyword(&a) {
                    ok = set(Some(&a), Some("00:00:00"), crit, err);
                } else if start && a == "checkpoint" {
                    o.checkpoint_time_only = true;
                } else if !a.contains(':') {
                    ok = if start {
                        set(Some(&a), Some("00:00:00"), crit, err)
                    } else {
                        set(Some(&a), None, crit, err)
                    };
                } else {
                    ok = set(None, Some(&a), crit, err);
                }
                c += 1;
            }
            Some(Opt::Terminal) => {
                crit.terminal = Some(need!().to_vec());
                c += 1;
            }
            Some(Opt::Uid) | Some(Opt::EffUid) | Some(Opt::AllUid) => {
                let a = need!();
                let (v, name_given) = if is_digit(a) {
                    let v = raudit_logfmt::num::strtoul(a, 10);
                    if v.overflow {
                        let _ = writeln!(
                            err,
                            "Numeric user ID conversion error (Numerical result out of range) for {}",
                            lossy(a)
                        );
                        ok = false;
                    }
                    (v.value as u32, false)
                } else {
                    match user_by_name(a) {
                        Some(u) => (u, true),
                        None => {
                            let what = if opt == Some(Opt::Uid) {
                                "Effective user ID"
                            } else {
                                "User ID"
                            };
                            let _ =
                                writeln!(err, "{what} is non-numeric and unknown ({})", lossy(a));
                            ok = false;
                            c += 1;
                            continue;
                        }
                    }
                };
                match opt {
                    Some(Opt::Uid) => {
                        crit.uid = v;
                        if name_given {
                            crit.tuid = Some(a.to_vec());
                        }
                    }
                    Some(Opt::EffUid) => {
                        crit.euid = v;
                        if name_given {
                            crit.teuid = Some(a.to_vec());
                        }
                    }
                    _ => {
                        crit.uid = v;
                        if name_given {
                            crit.tuid = Some(a.to_vec());
                            crit.teuid = Some(a.to_vec());
                            crit.tauid = Some(a.to_vec());
                        }
                        crit.ua = true;
                        crit.euid = v;
                        crit.loginuid = v;
                    }
                }
                c += 1;
            }
            Some(Opt::Uuid) => {
                crit.uuid = Some(need!().to_vec());
                c += 1;
            }
            Some(Opt::VmName) => {
                crit.vmname = Some(need!().to_vec());
                c += 1;
            }
            Some(Opt::Version) => {
                let _ = writeln!(out, "ausearch version 3.0.9");
                return Err(Exit(0));
            }
            Some(Opt::ExactMatch) => crit.exact_match = true,
            Some(Opt::InLogs) => o.force_logs = true,
            Some(Opt::JustOne) => o.just_one = true,
            Some(Opt::Executable) => {
                crit.exe = Some(need!().to_vec());
                c += 1;
            }
            Some(Opt::LineBuffered) => o.line_buffered = true,
            Some(Opt::Debug) => crit.debug = true,
            Some(Opt::Checkpoint) => {
                o.checkpoint = Some(need!().to_vec());
                c += 1;
            }
            Some(Opt::Arch) => {
                let a = need!();
                if crit.machine != -1 {
                    if crit.syscall != -1 {
                        let _ = writeln!(err, "Arch needs to be defined before the syscall");
                    } else {
                        let _ = writeln!(err, "Arch is already defined");
                    }
                    ok = false;
                    c += 1;
                    continue;
                }
                let m = machine::determine(&lossy(a));
                if m < 0 {
                    let _ = writeln!(err, "Unknown arch {}", lossy(a));
                    ok = false;
                }
                crit.machine = m;
                c += 1;
            }
            None => {
                let _ = writeln!(err, "{name} is an unsupported option");
                ok = false;
            }
        }
        c += 1;
    }
    if (o.extra_time || o.extra_labels || o.extra_keys) && o.crit.format != ReportFormat::Csv {
        let _ = writeln!(err, "--extra options requires format to be csv");
        ok = false;
    }
    if ok {
        Ok(o)
    } else {
        Err(Exit(1))
    }
}

/// `audit_name_to_errno`: `EPERM` or `-EPERM`; 0 when unknown.
fn errno_from_name(a: &[u8]) -> i64 {
    let (neg, name) = match a.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, a),
    };
    let v = std::str::from_utf8(name)
        .ok()
        .and_then(raudit_tables::errno_number)
        .map_or(0, |n| n as i64);
    if neg {
        -v
    } else {
        v
    }
}
