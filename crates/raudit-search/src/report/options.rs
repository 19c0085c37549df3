//! `aureport` command line, parsed in order with the rules, messages and exit codes of
//! aureport 3.0.9.
//!
//! Like ausearch's, the grammar is positional: an option's argument is the next word
//! unless that word starts with `-`. Choosing a report also decides which values the
//! shared extraction ([`crate::items`]) must pull out of each event; that is expressed
//! by filling a [`Criteria`] the way aureport sets ausearch's globals.

use std::io::Write;

use crate::criteria::{Criteria, Escape, ReportFormat, Success};
use crate::timeparse::{self, Clock};

/// Which report (aureport's `report_type`, in its order: `Time < Summary < …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `-t`
    Time,
    /// no report option
    Summary,
    /// `-a`
    Avc,
    /// `-ma`
    Mac,
    /// `-c`
    Config,
    /// `-e`
    Event,
    /// `-f`
    File,
    /// `-h`
    Host,
    /// `-l`
    Login,
    /// `-m`
    AcctMod,
    /// `-p`
    Pid,
    /// `-s`
    Syscall,
    /// `-tm`
    Term,
    /// `-u`
    User,
    /// `-x`
    Exe,
    /// `-n`
    Anomaly,
    /// `-r`
    Response,
    /// `-cr`
    Crypto,
    /// `-au`
    Auth,
    /// `-k`
    Key,
    /// `--tty`
    Tty,
    /// `--comm`
    Comm,
    /// `--virt`
    Virt,
    /// `--integrity`
    Integ,
}

/// `--failed` / `--success`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Neither given.
    Both,
    /// `--failed`
    Failed,
    /// `--success`
    Success,
}

/// `--add` / `--delete`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfAct {
    /// Neither given.
    Neither,
    /// `--add`
    Add,
    /// `--delete`
    Del,
}

/// Everything the command line set.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The report.
    pub kind: Kind,
    /// `--summary` (or the main summary): totals instead of one line per event.
    pub summary: bool,
    /// `--failed` / `--success`
    pub outcome: Outcome,
    /// `--add` / `--delete`
    pub conf_act: ConfAct,
    /// `-nc`
    pub no_config: bool,
    /// `-i`
    pub interpret: bool,
    /// `--escape`
    pub escape: Escape,
    /// `-if`
    pub input: Option<Vec<u8>>,
    /// `--input-logs`
    pub force_logs: bool,
    /// `--eoe-timeout`, 0 when not given.
    pub eoe_timeout: i64,
    /// `--node` values.
    pub nodes: Option<Vec<Vec<u8>>>,
    /// What the extraction must pull out, plus `-ts`/`-te` and `--debug`.
    pub crit: Criteria,
    /// `--format json` (raudit's own): the rows as one JSON document.
    pub json: bool,
    /// `--html FILE` (raudit's own): also write a self-contained HTML dashboard.
    pub html: Option<Vec<u8>>,
}

/// Parsing stopped: exit with this code (messages already written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit(pub i32);

/// aureport's usage text (stdout, after an error or for `--help`).
pub const USAGE: &str = "usage: aureport [options]
\t-a,--avc\t\t\tAvc report
\t-au,--auth\t\t\tAuthentication report
\t--comm\t\t\t\tCommands run report
\t-c,--config\t\t\tConfig change report
\t-cr,--crypto\t\t\tCrypto report
\t--debug\t\t\t\tWrite malformed events that are skipped to stderr
\t--eoe-timeout secs\t\tEnd of Event Timeout
\t-e,--event\t\t\tEvent report
\t--escape option\t\t\tEscape output
\t-f,--file\t\t\tFile name report
\t--failed\t\t\tonly failed events in report
\t-h,--host\t\t\tRemote Host name report
\t--help\t\t\t\thelp
\t-i,--interpret\t\t\tInterpretive mode
\t-if,--input <Input File name>\tuse this file as input
\t--input-logs\t\t\tUse the logs even if stdin is a pipe
\t--integrity\t\t\tIntegrity event report
\t-k,--key\t\t\tKey report
\t-l,--login\t\t\tLogin report
\t-m,--mods\t\t\tModification to accounts report
\t-ma,--mac\t\t\tMandatory Access Control (MAC) report
\t-n,--anomaly\t\t\taNomaly report
\t-nc,--no-config\t\t\tDon't include config events
\t--node <node name>\t\tOnly events from a specific node
\t-p,--pid\t\t\tPid report
\t-r,--response\t\t\tResponse to anomaly report
\t-s,--syscall\t\t\tSyscall report
\t--success\t\t\tonly success events in report
\t--summary\t\t\tsorted totals for main object in report
\t-t,--log\t\t\tLog time range report
\t-te,--end [end date] [end time]\tending date & time for reports
\t-tm,--terminal\t\t\tTerMinal name report
\t-ts,--start [start date] [start time]\tstarting data & time for reports
\t--tty\t\t\t\tReport about tty keystrokes
\t-u,--user\t\t\tUser name report
\t-v,--version\t\t\tVersion
\t--virt\t\t\t\tVirtualization report
\t-x,--executable\t\t\teXecutable name report
\tIf no report is given, the summary report will be displayed
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opt {
    Report(Kind),
    Infile,
    TimeEnd,
    TimeStart,
    Version,
    SummaryDet,
    Interpret,
    Help,
    Failed,
    Success,
    Add,
    Del,
    Node,
    InLogs,
    NoConfig,
    Escape,
    Debug,
    EoeTmo,
    Format,
    Html,
}

fn lookup(name: &[u8]) -> Option<Opt> {
    use Kind::*;
    use Opt::*;
    Some(match name {
        b"-au" | b"--auth" => Report(Auth),
        b"-a" | b"--avc" => Report(Avc),
        b"--add" => Add,
        b"-c" | b"--config" => Report(Config),
        b"--comm" => Report(Comm),
        b"-cr" | b"--crypto" => Report(Crypto),
        b"--debug" => Debug,
        b"--delete" => Del,
        b"-e" | b"--event" => Report(Event),
        b"--escape" => Escape,
        b"--eoe-timeout" => EoeTmo,
        b"-f" | b"--file" => Report(File),
        b"--failed" => Failed,
        b"-h" | b"--host" => Report(Host),
        b"--help" => Help,
        b"-i" | b"--interpret" => Interpret,
        b"-if" | b"--input" => Infile,
        b"--input-logs" => InLogs,
        b"--integrity" => Report(Integ),
        b"-k" | b"--key" => Report(Key),
        b"-l" | b"--login" => Report(Login),
        b"-m" | b"--mods" => Report(AcctMod),
        b"-ma" | b"--mac" => Report(Mac),
        b"--node" => Node,
        b"-nc" | b"--no-config" => NoConfig,
        b"-n" | b"--anomaly" => Report(Anomaly),
        b"-p" | b"--pid" => Report(Pid),
        b"-r" | b"--response" => Report(Response),
        b"-s" | b"--syscall" => Report(Syscall),
        b"--success" => Success,
        b"--summary" => SummaryDet,
        b"-t" | b"--log" => Report(Time),
        b"-te" | b"--end" => TimeEnd,
        b"-tm" | b"--terminal" => Report(Term),
        b"-ts" | b"--start" => TimeStart,
        b"--tty" => Report(Tty),
        b"-u" | b"--user" => Report(User),
        b"-v" | b"--version" => Version,
        b"-x" | b"--executable" => Report(Exe),
        b"--format" => Format,
        b"--html" => Html,
        b"--virt" => Report(Virt),
        _ => return None,
    })
}

/// What extraction each report needs (aureport points these globals at a dummy
/// string, or sets them to 1, so that ausearch's parser fills them in).
#[derive(Default)]
struct Needs {
    comm: bool,
    subject: bool,
    object: bool,
    exe: bool,
    hostname: bool,
    terminal: bool,
    filename: bool,
    key: bool,
    uid: bool,
    auid: bool,
    session: bool,
}

fn needs(k: Kind) -> Needs {
    let mut n = Needs::default();
    match k {
        Kind::Avc => {
            n.comm = true;
            n.subject = true;
            n.object = true;
        }
        Kind::Auth => {
            n.exe = true;
            n.hostname = true;
            n.terminal = true;
            n.uid = true;
        }
        Kind::Mac | Kind::Integ | Kind::Config | Kind::Crypto | Kind::Event => n.auid = true,
        Kind::Login | Kind::AcctMod => {
            n.exe = true;
            n.hostname = true;
            n.terminal = true;
            n.auid = true;
        }
        Kind::File => {
            n.filename = true;
            n.exe = true;
            n.auid = true;
        }
        Kind::Host => {
            n.hostname = true;
            n.auid = true;
        }
        Kind::Pid => {
            n.exe = true;
            n.auid = true;
        }
        Kind::Syscall => {
            n.comm = true;
            n.auid = true;
        }
        Kind::Term | Kind::Exe => {
            n.terminal = true;
            n.hostname = true;
            n.exe = true;
            n.auid = true;
        }
        Kind::User => {
            n.terminal = true;
            n.hostname = true;
            n.exe = true;
            n.uid = true;
            n.auid = true;
        }
        Kind::Comm => {
            n.terminal = true;
            n.hostname = true;
            n.comm = true;
            n.auid = true;
        }
        Kind::Anomaly => {
            n.terminal = true;
            n.hostname = true;
            n.exe = true;
            n.comm = true;
            n.auid = true;
        }
        Kind::Key => {
            n.exe = true;
            n.key = true;
            n.auid = true;
        }
        Kind::Tty => {
            n.session = true;
            n.auid = true;
            n.terminal = true;
            n.comm = true;
        }
        Kind::Summary => {
            n.filename = true;
            n.hostname = true;
            n.terminal = true;
            n.exe = true;
            n.comm = true;
            n.key = true;
            n.auid = true;
        }
        Kind::Virt | Kind::Response | Kind::Time => {}
    }
    n
}

fn apply_needs(c: &mut Criteria, n: &Needs) {
    let dummy = || Some(b"dummy".to_vec());
    if n.comm {
        c.comm = dummy();
    }
    if n.subject {
        c.subject = dummy();
    }
    if n.object {
        c.object = dummy();
    }
    if n.exe {
        c.exe = dummy();
    }
    if n.hostname {
        c.hostname = dummy();
    }
    if n.terminal {
        c.terminal = dummy();
    }
    if n.filename {
        c.filename = dummy();
    }
    if n.key {
        c.key = dummy();
    }
    if n.uid {
        c.uid = 1;
    }
    if n.auid {
        // aureport also names the login uid (`event_tauid`), but the name is never
        // used and, with no interpretations loaded while parsing, looking it up has
        // the same effect on extraction as not asking for a name.
        c.loginuid = 1;
    }
    if n.session {
        c.session_id = 1;
    }
}

fn lossy(s: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(s)
}

/// Parses aureport's arguments (without the program name).
///
/// On error, the message is on `err`, the usage on `out`, and the exit code is 1;
/// `-v`/`--help` exit 0; an option aureport leaves unimplemented exits 1.
pub fn parse(
    args: &[Vec<u8>],
    clock: &dyn Clock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ReportOptions, Exit> {
    let mut kind: Option<Kind> = None;
    let mut detail_sum: Option<bool> = None; // Some(true) = summary, Some(false) = detailed
    let mut o = ReportOptions {
        kind: Kind::Summary,
        summary: true,
        outcome: Outcome::Both,
        conf_act: ConfAct::Neither,
        no_config: false,
        interpret: false,
        escape: Escape::Tty,
        input: None,
        force_logs: false,
        eoe_timeout: 0,
        nodes: None,
        crit: Criteria {
            // aureport's defaults differ from ausearch's here: the pid and the
            // success state are always extracted.
            pid: 0,
            success: Success::Success,
            ..Criteria::default()
        },
        json: false,
        html: None,
    };
    let mut ok = true;
    let mut c = 0usize;
    let count = args.len();
    while c < count && ok {
        let word = &args[c];
        let optarg: Option<&[u8]> = args
            .get(c + 1)
            .filter(|a| a.first() != Some(&b'-'))
            .map(|a| a.as_slice());
        match lookup(word) {
            Some(Opt::Infile) => match optarg {
                None => {
                    let _ = writeln!(err, "Argument is required for {}", lossy(word));
                    ok = false;
                }
                Some(a) if a.len() >= 4096 - 32 => {
                    let _ = writeln!(err, "File name is too long {}", lossy(a));
                    ok = false;
                }
                Some(a) => {
                    o.input = Some(a.to_vec());
                    c += 1;
                }
            },
            Some(Opt::Report(k)) => {
                if kind.is_some() {
                    let _ = write!(err, "Error - only one report can be specified");
                    ok = false;
                } else {
                    kind = Some(k);
                    if detail_sum.is_none() {
                        detail_sum = Some(false);
                    }
                    // These reports take no object: a following word is an
                    // unimplemented "specific" report.
                    let specific = !matches!(
                        k,
                        Kind::Time
                            | Kind::Avc
                            | Kind::Auth
                            | Kind::Mac
                            | Kind::Integ
                            | Kind::Virt
                            | Kind::Config
                            | Kind::Crypto
                            | Kind::Login
                            | Kind::AcctMod
                            | Kind::Event
                            | Kind::Tty
                    );
                    if specific && optarg.is_some() {
                        let _ = writeln!(err, "Unimplemented option");
                        return Err(Exit(1));
                    }
                    apply_needs(&mut o.crit, &needs(k));
                }
            }
            Some(Opt::Interpret) => {
                o.interpret = true;
                if optarg.is_some() {
                    let _ = writeln!(err, "Argument is NOT required for {}", lossy(word));
                    ok = false;
                }
            }
            Some(Opt::TimeEnd) | Some(Opt::TimeStart) => {
                let start = lookup(word) == Some(Opt::TimeStart);
                let Some(a) = optarg else {
                    let _ = writeln!(err, "{} requires either date and/or time", lossy(word));
                    ok = false;
                    c += 1;
                    continue;
                };
                let a = lossy(a).into_owned();
                let mut set =
                    |d: Option<&str>, t: Option<&str>, err: &mut dyn Write| match timeparse::parse(
                        start, d, t, clock, err,
                    ) {
                        Ok(v) => {
                            if start {
                                o.crit.start_time = v;
                            } else {
                                o.crit.end_time = v;
                            }
                            true
                        }
                        Err(_) => false,
                    };
                let third = args.get(c + 2).filter(|w| w.first() != Some(&b'-'));
                if let Some(third) = third {
                    let third = lossy(third).into_owned();
                    ok = if a.contains(':') {
                        set(Some(&third), Some(&a), err)
                    } else {
                        set(Some(&a), Some(&third), err)
                    };
                    c += 1;
                } else if timeparse::is_keyword(&a) {
                    ok = set(Some(&a), Some("00:00:00"), err);
                } else if !a.contains(':') {
                    ok = if start {
                        set(Some(&a), Some("00:00:00"), err)
                    } else {
                        set(Some(&a), None, err)
                    };
                } else {
                    ok = set(None, Some(&a), err);
                }
                c += 1;
            }
            Some(Opt::Node) => match optarg {
                None => {
                    let _ = writeln!(err, "Argument is required for {}", lossy(word));
                    ok = false;
                }
                Some(a) => {
                    c += 1;
                    o.nodes.get_or_insert_with(Vec::new).push(a.to_vec());
                }
            },
            Some(Opt::Escape) => match optarg {
                None => {
                    let _ = writeln!(err, "Argument is required for {}", lossy(word));
                    ok = false;
                }
                Some(a) => {
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
            },
            Some(Opt::Format) => match optarg {
                Some(b"json") => {
                    o.json = true;
                    c += 1;
                }
                Some(b"text") => {
                    o.json = false;
                    c += 1;
                }
                Some(a) => {
                    let _ = writeln!(err, "Unknown format ({}): json or text", lossy(a));
                    ok = false;
                }
                None => {
                    let _ = writeln!(err, "Argument is required for {}", lossy(word));
                    ok = false;
                }
            },
            Some(Opt::Html) => match optarg {
                Some(a) => {
                    o.html = Some(a.to_vec());
                    c += 1;
                }
                None => {
                    let _ = writeln!(err, "Argument is required for {}", lossy(word));
                    ok = false;
                }
            },
            Some(Opt::SummaryDet) => detail_sum = Some(true),
            Some(Opt::Failed) => o.outcome = Outcome::Failed,
            Some(Opt::Success) => o.outcome = Outcome::Success,
            Some(Opt::Add) => o.conf_act = ConfAct::Add,
            Some(Opt::Del) => o.conf_act = ConfAct::Del,
            Some(Opt::Debug) => o.crit.debug = true,
            Some(Opt::InLogs) => o.force_logs = true,
            Some(Opt::NoConfig) => o.no_config = true,
            Some(Opt::Version) => {
                let _ = writeln!(out, "aureport version 3.0.9");
                return Err(Exit(0));
            }
            Some(Opt::Help) => {
                let _ = out.write_all(USAGE.as_bytes());
                return Err(Exit(0));
            }
            Some(Opt::EoeTmo) => match optarg {
                None => {
                    let _ = writeln!(err, "Argument is required for {}", lossy(word));
                    ok = false;
                }
                Some(a) if a.first().is_some_and(u8::is_ascii_digit) => {
                    let v = raudit_logfmt::num::strtoul(a, 10);
                    if v.overflow || v.value == 0 {
                        let _ = writeln!(
                            err,
                            "Illegal value for End of Event Timeout, was {}",
                            lossy(a)
                        );
                        ok = false;
                    } else {
                        o.eoe_timeout = v.value as i64;
                    }
                    c += 1;
                }
                Some(a) => {
                    let _ = writeln!(
                        err,
                        "End of Event Timeout must be a numeric value, was {}",
                        lossy(a)
                    );
                    ok = false;
                }
            },
            None => {
                let _ = writeln!(err, "{} is an unsupported option", lossy(word));
                ok = false;
            }
        }
        c += 1;
    }
    if !ok {
        let _ = out.write_all(USAGE.as_bytes());
        return Err(Exit(1));
    }
    match kind {
        None => {
            o.kind = Kind::Summary;
            o.summary = true;
            apply_needs(&mut o.crit, &needs(Kind::Summary));
        }
        Some(k) => {
            o.kind = k;
            o.summary = detail_sum == Some(true);
        }
    }
    if o.html.is_some() {
        // The dashboard counts the main summary's values whatever the report.
        apply_needs(&mut o.crit, &needs(Kind::Summary));
        // The exclusion rules need the arch (extracted when a machine is set; the
        // report never matches on it).
        if o.crit.machine == -1 {
            o.crit.machine = 0;
        }
    }
    if o.interpret {
        o.crit.format = ReportFormat::Interpret;
    }
    Ok(o)
}
