//! `auditd.conf`: every option of audit 3.0.9, its compiled default, and the
//! messages auditd prints for bad values.
//!
//! The parser is pure: everything it needs from the system (does a directory
//! exist, what is in a log file's `stat`, a group's id, whether an action
//! program is acceptable) comes through [`Env`], so the rules can be tested
//! on plain text. [`SystemEnv`] is the real one.
//!
//! Messages are collected in order as [`Msg`]s with their syslog level, with
//! auditd's exact wording (debug lines included: auditd prints them on
//! stderr in foreground mode). [`load`] returns `Err` exactly where auditd
//! gives up on the file (and then exits 6).

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

/// The default configuration file.
pub const CONFIG_FILE: &str = "/etc/audit/auditd.conf";
/// The compiled default log file.
pub const DEFAULT_LOG_FILE: &str = "/var/log/audit/audit.log";
/// The mail program auditd uses for `email` actions.
pub const EMAIL_COMMAND: &str = "/usr/lib/sendmail";
/// Highest TCP port.
const TCP_PORT_MAX: u64 = 65535;
/// auditd reads the file with `fgets` into a buffer of this size.
const LINE_BUF: usize = 160;
/// `INT_MAX`.
const INT_MAX: u64 = i32::MAX as u64;

/// Syslog level of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// LOG_ALERT
    Alert,
    /// LOG_CRIT
    Crit,
    /// LOG_ERR
    Err,
    /// LOG_WARNING
    Warning,
    /// LOG_NOTICE
    Notice,
    /// LOG_INFO
    Info,
    /// LOG_DEBUG
    Debug,
}

impl Level {
    /// The syslog priority number.
    pub fn priority(self) -> i32 {
        match self {
            Level::Alert => 1,
            Level::Crit => 2,
            Level::Err => 3,
            Level::Warning => 4,
            Level::Notice => 5,
            Level::Info => 6,
            Level::Debug => 7,
        }
    }
}

/// One message, as auditd's `audit_msg` would emit it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    /// Level.
    pub level: Level,
    /// Text (without the newline `audit_msg` adds on stderr).
    pub text: String,
}

/// `log_format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// `RAW`: records as the kernel sent them.
    Raw,
    /// `NOLOG` (deprecated: sets `write_logs = no`).
    Nolog,
    /// `ENRICHED`: records plus interpreted ids, syscall, arch and socket address.
    Enriched,
}

impl LogFormat {
    /// The lower-case name auditd prints in DAEMON_START (`format=`).
    pub fn name(self) -> &'static str {
        match self {
            LogFormat::Raw => "raw",
            LogFormat::Nolog => "nolog",
            LogFormat::Enriched => "enriched",
        }
    }
}

/// `flush`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flush {
    /// No explicit flushing.
    None,
    /// fsync every `freq` records.
    Incremental,
    /// Ask a flusher thread to fsync every `freq` records.
    IncrementalAsync,
    /// Open with `O_DSYNC`.
    Data,
    /// Open with `O_SYNC`.
    Sync,
}

/// `*_action` for disk space and errors (`failure_actions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureAction {
    /// Do nothing.
    Ignore,
    /// Log a message.
    Syslog,
    /// Rotate the logs.
    Rotate,
    /// Send mail to `action_mail_acct`.
    Email,
    /// Run the program given as option.
    Exec,
    /// Stop writing to the log.
    Suspend,
    /// Switch the system to single user mode.
    Single,
    /// Halt the system.
    Halt,
}

/// `max_log_file_action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeAction {
    /// Do nothing.
    Ignore,
    /// Log a message.
    Syslog,
    /// Stop writing to the log.
    Suspend,
    /// Rotate, keeping `num_logs` files.
    Rotate,
    /// Rotate without a limit on the number of files.
    KeepLogs,
}

/// `name_format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameFormat {
    /// No `node=`.
    None,
    /// The host name.
    Hostname,
    /// The fully qualified domain name.
    Fqd,
    /// The host's address.
    Numeric,
    /// The `name` option.
    User,
}

/// `overflow_action` (dispatcher queue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverflowAction {
    /// Drop silently.
    Ignore,
    /// Log a message.
    Syslog,
    /// Stop dispatching.
    Suspend,
    /// Single user mode.
    Single,
    /// Halt.
    Halt,
}

/// `transport`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Plain TCP.
    Tcp,
    /// Kerberos 5 (raudit has no GSS-API: the listener refuses to start).
    Krb5,
    /// TLS with mutual authentication (raudit only: `transport = tls`).
    Tls,
}

/// The whole configuration, as auditd's `struct daemon_conf` holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `local_events`
    pub local_events: bool,
    /// `write_logs`
    pub write_logs: bool,
    /// `log_file`
    pub log_file: PathBuf,
    /// `log_format`
    pub log_format: LogFormat,
    /// `log_group` (a gid)
    pub log_group: u32,
    /// `priority_boost`
    pub priority_boost: u32,
    /// `flush`
    pub flush: Flush,
    /// `freq`
    pub freq: u32,
    /// `num_logs`
    pub num_logs: u32,
    /// `name_format`
    pub name_format: NameFormat,
    /// `name`
    pub name: Option<String>,
    /// `max_log_file` in MiB
    pub max_log_file: u64,
    /// `max_log_file_action`
    pub max_log_file_action: SizeAction,
    /// `space_left` in MiB (computed from the percentage at start when one is given)
    pub space_left: u64,
    /// `space_left` as a percentage of the partition (0: not given as one)
    pub space_left_percent: u32,
    /// `space_left_action`
    pub space_left_action: FailureAction,
    /// program of `space_left_action = exec`
    pub space_left_exe: Option<PathBuf>,
    /// `action_mail_acct`
    pub action_mail_acct: String,
    /// `verify_email`
    pub verify_email: bool,
    /// `admin_space_left` in MiB
    pub admin_space_left: u64,
    /// `admin_space_left` as a percentage
    pub admin_space_left_percent: u32,
    /// `admin_space_left_action`
    pub admin_space_left_action: FailureAction,
    /// program of `admin_space_left_action = exec`
    pub admin_space_left_exe: Option<PathBuf>,
    /// `disk_full_action`
    pub disk_full_action: FailureAction,
    /// program of `disk_full_action = exec`
    pub disk_full_exe: Option<PathBuf>,
    /// `disk_error_action`
    pub disk_error_action: FailureAction,
    /// program of `disk_error_action = exec`
    pub disk_error_exe: Option<PathBuf>,
    /// `tcp_listen_port` (0: no listener)
    pub tcp_listen_port: u32,
    /// `tcp_listen_queue`
    pub tcp_listen_queue: u32,
    /// `tcp_max_per_addr`
    pub tcp_max_per_addr: u32,
    /// `use_libwrap`
    pub use_libwrap: bool,
    /// `tcp_client_ports` lower bound
    pub tcp_client_min_port: u32,
    /// `tcp_client_ports` upper bound
    pub tcp_client_max_port: u32,
    /// `tcp_client_max_idle`
    pub tcp_client_max_idle: u32,
    /// `transport` (`enable_krb5 = yes` also selects Kerberos)
    pub transport: Transport,
    /// `krb5_principal`
    pub krb5_principal: Option<String>,
    /// `krb5_key_file`
    pub krb5_key_file: Option<String>,
    /// `distribute_network`
    pub distribute_network: bool,
    /// `q_depth`
    pub q_depth: u32,
    /// `overflow_action`
    pub overflow_action: OverflowAction,
    /// `max_restarts`
    pub max_restarts: u32,
    /// `plugin_dir` (auditd appends a `/` when the file gives it without)
    pub plugin_dir: String,
    /// `end_of_event_timeout` in seconds
    pub end_of_event_timeout: u64,
    /// `raudit_canary_interval` (raudit only): seconds between end-to-end
    /// canary markers; 0 (the default) turns the canary off.
    pub canary_interval: u32,
    /// `raudit_canary_timeout` (raudit only): seconds a marker may take to
    /// come back before the alarm is raised (default 5, at least 1).
    pub canary_timeout: u32,
    /// raudit: `tls_cert`, the server's certificate chain (PEM) for `transport = tls`
    pub tls_cert: Option<PathBuf>,
    /// raudit: `tls_key`, the server's private key (PEM)
    pub tls_key: Option<PathBuf>,
    /// raudit: `tls_ca`, the CA certificates (PEM) client certificates must chain to
    pub tls_ca: Option<PathBuf>,
    /// raudit: `tls_allowed_clients`, names (certificate DNS names) allowed to
    /// connect, separated by commas or spaces; empty: any certificate from `tls_ca`
    pub tls_allowed_clients: Vec<String>,
    /// raudit: `tcp_client_timeout`, seconds a peer may take to finish a TLS
    /// handshake or a started message (slow peers are closed)
    pub tcp_client_timeout: u32,
    /// raudit: `remote_state_file`, where the last sequence written per
    /// raudit client stream is kept (default: `raudit-remote.state` beside the log)
    pub remote_state_file: Option<PathBuf>,
    /// `raudit_json_output` (raudit only): `stdout` or a file for the JSON
    /// event stream; None (`none`, the default): no JSON output.
    pub json_output: Option<String>,
    /// `raudit_json_max_file` (raudit only): MiB before the JSON file rotates (0: never).
    pub json_max_file: u64,
    /// `raudit_json_num_files` (raudit only): rotated JSON files kept (default 5).
    pub json_num_files: u32,
    /// `raudit_json_status_interval` (raudit only): seconds between status
    /// objects in the JSON stream (default 60; 0: only at the end).
    pub json_status_interval: u32,
    /// `raudit_json_settings` (raudit only): a file of JSON settings
    /// (`name = value`: ancestry depth, labels, filters).
    pub json_settings: Option<String>,
}

impl Default for Config {
    /// auditd's compiled defaults (`clear_config`), used when the file does not exist.
    fn default() -> Self {
        Config {
            local_events: true,
            write_logs: true,
            log_file: PathBuf::from(DEFAULT_LOG_FILE),
            log_format: LogFormat::Enriched,
            log_group: 0,
            priority_boost: 4,
            flush: Flush::None,
            freq: 0,
            num_logs: 0,
            name_format: NameFormat::None,
            name: None,
            max_log_file: 0,
            max_log_file_action: SizeAction::Ignore,
            space_left: 0,
            space_left_percent: 0,
            space_left_action: FailureAction::Ignore,
            space_left_exe: None,
            action_mail_acct: "root".into(),
            verify_email: true,
            admin_space_left: 0,
            admin_space_left_percent: 0,
            admin_space_left_action: FailureAction::Ignore,
            admin_space_left_exe: None,
            disk_full_action: FailureAction::Ignore,
            disk_full_exe: None,
            disk_error_action: FailureAction::Syslog,
            disk_error_exe: None,
            tcp_listen_port: 0,
            tcp_listen_queue: 5,
            tcp_max_per_addr: 1,
            use_libwrap: true,
            tcp_client_min_port: 0,
            tcp_client_max_port: TCP_PORT_MAX as u32,
            tcp_client_max_idle: 0,
            transport: Transport::Tcp,
            krb5_principal: None,
            krb5_key_file: None,
            distribute_network: false,
            q_depth: 2000,
            overflow_action: OverflowAction::Syslog,
            max_restarts: 10,
            plugin_dir: "/etc/audit/plugins.d".into(),
            end_of_event_timeout: 2,
            canary_interval: 0,
            canary_timeout: 5,
            tls_cert: None,
            tls_key: None,
            tls_ca: None,
            tls_allowed_clients: Vec::new(),
            tcp_client_timeout: 10,
            remote_state_file: None,
            json_output: None,
            json_max_file: 0,
            json_num_files: 5,
            json_status_interval: 60,
            json_settings: None,
        }
    }
}

/// What the parser needs to know about a file (`stat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileInfo {
    /// Owner.
    pub uid: u32,
    /// `st_mode` (type and permission bits).
    pub mode: u32,
}

impl FileInfo {
    /// `S_ISREG`.
    pub fn is_regular(&self) -> bool {
        self.mode & 0o170000 == 0o100000
    }
}

/// The system facts the parser consults. Errors are errno values.
pub trait Env {
    /// `opendir(dir)` succeeds.
    fn open_dir(&self, dir: &Path) -> Result<(), i32>;
    /// Opens an existing file as auditd checks the log file, then `fstat`s it.
    /// `Ok(None)` when it does not exist.
    fn stat_existing(&self, path: &Path) -> Result<Option<FileInfo>, i32>;
    /// `stat(path)`.
    fn stat(&self, path: &Path) -> Result<FileInfo, i32>;
    /// `getgrnam(name)->gr_gid`.
    fn group_id(&self, name: &str) -> Option<u32>;
    /// `access(path, X_OK) == 0`.
    fn executable(&self, path: &Path) -> bool;
    /// Resolves a mail domain; `Err(text)` with `gai_strerror` text when it fails
    /// permanently (auditd logs it and goes on).
    fn resolve_mail_host(&self, host: &str) -> Result<(), Option<String>>;
}

/// [`Env`] on the running system.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemEnv;

fn errno_of(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(libc::EIO)
}

impl Env for SystemEnv {
    fn open_dir(&self, dir: &Path) -> Result<(), i32> {
        std::fs::read_dir(dir).map(drop).map_err(|e| errno_of(&e))
    }
    fn stat_existing(&self, path: &Path) -> Result<Option<FileInfo>, i32> {
        use std::os::unix::fs::MetadataExt;
        match std::fs::OpenOptions::new().append(true).open(path) {
            Ok(f) => {
                let m = f.metadata().map_err(|e| errno_of(&e))?;
                Ok(Some(FileInfo {
                    uid: m.uid(),
                    mode: m.mode(),
                }))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(errno_of(&e)),
        }
    }
    fn stat(&self, path: &Path) -> Result<FileInfo, i32> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).map_err(|e| errno_of(&e))?;
        Ok(FileInfo {
            uid: m.uid(),
            mode: m.mode(),
        })
    }
    fn group_id(&self, name: &str) -> Option<u32> {
        nix::unistd::Group::from_name(name)
            .ok()
            .flatten()
            .map(|g| g.gid.as_raw())
    }
    fn executable(&self, path: &Path) -> bool {
        nix::unistd::access(path, nix::unistd::AccessFlags::X_OK).is_ok()
    }
    fn resolve_mail_host(&self, host: &str) -> Result<(), Option<String>> {
        use std::net::ToSocketAddrs;
        match (host, 25).to_socket_addrs() {
            Ok(_) => Ok(()),
            Err(_) => Err(Some("Name or service not known".into())),
        }
    }
}

/// Why the configuration was refused (auditd exits 6).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration refused")]
pub struct Refused;

/// The result of loading: the configuration and the messages printed on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The configuration (defaults when the file did not exist).
    pub config: Config,
    /// Messages in order.
    pub msgs: Vec<Msg>,
    /// False when the file did not exist.
    pub file_found: bool,
}

/// The failure of [`load`]: the messages up to and including the reason.
#[derive(Debug, Clone)]
pub struct LoadError {
    /// Messages in order.
    pub msgs: Vec<Msg>,
}

/// `strerror` text for an errno.
pub fn strerror(errno: i32) -> String {
    let s = std::io::Error::from_raw_os_error(errno).to_string();
    match s.rfind(" (os error ") {
        Some(p) => s[..p].to_string(),
        None => s,
    }
}

struct Parser<'a> {
    env: &'a dyn Env,
    file: String,
    msgs: Vec<Msg>,
    c: Config,
}

/// A parsed line: name, value, option (auditd's `nv_split`).
struct Nv<'a> {
    name: Option<&'a str>,
    value: Option<&'a str>,
    option: Option<&'a str>,
}

/// `nv_split`: tokens separated by spaces; returns the status code and the pieces.
fn nv_split(line: &str) -> (u8, Nv<'_>) {
    let mut toks = line.split(' ').filter(|t| !t.is_empty());
    let mut nv = Nv {
        name: None,
        value: None,
        option: None,
    };
    let Some(first) = toks.next() else {
        return (0, nv);
    };
    if first.starts_with('#') {
        return (0, nv);
    }
    nv.name = Some(first);
    match toks.next() {
        None => return (1, nv),
        Some("=") => {}
        Some(_) => return (2, nv),
    }
    let Some(v) = toks.next() else {
        return (1, nv);
    };
    nv.value = Some(v);
    if let Some(o) = toks.next() {
        nv.option = Some(o);
        if toks.next().is_some() {
            return (1, nv);
        }
    }
    (0, nv)
}

/// C `strtoul(s, NULL, 10)` on a string of digits (possibly with leading
/// whitespace): `Err(())` on overflow (ERANGE).
fn strtoul(s: &str) -> Result<u64, ()> {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let digits: &str = {
        let end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        &t[..end]
    };
    if digits.is_empty() {
        return Ok(0);
    }
    digits.parse::<u64>().map_err(|_| ())
}

/// C `dirname`.
pub fn c_dirname(path: &str) -> String {
    let t = path.trim_end_matches('/');
    if t.is_empty() {
        return if path.is_empty() {
            ".".into()
        } else {
            "/".into()
        };
    }
    match t.rfind('/') {
        None => ".".into(),
        Some(i) => {
            let d = t[..i].trim_end_matches('/');
            if d.is_empty() {
                "/".into()
            } else {
                d.into()
            }
        }
    }
}

const ERANGE_TEXT: &str = "Numerical result out of range";

impl Parser<'_> {
    fn msg(&mut self, level: Level, text: impl Into<String>) {
        self.msgs.push(Msg {
            level,
            text: text.into(),
        });
    }
    fn err(&mut self, text: impl Into<String>) -> Result<(), ()> {
        self.msg(Level::Err, text);
        Err(())
    }
    fn debug(&mut self, func: &str, v: &str) {
        self.msg(Level::Debug, format!("{func} called with: {v}"));
    }

    fn lookup<T: Copy>(&mut self, table: &[(&str, T)], v: &str, line: usize) -> Result<T, ()> {
        for (n, t) in table {
            if n.eq_ignore_ascii_case(v) {
                return Ok(*t);
            }
        }
        self.err(format!("Option {v} not found - line {line}"))?;
        Err(())
    }

    fn yes_no(&mut self, v: &str, line: usize) -> Result<bool, ()> {
        self.lookup(&[("yes", true), ("no", false)], v, line)
    }

    /// All digits, then strtoul.
    fn number(&mut self, v: &str, line: usize) -> Result<u64, ()> {
        if !v.bytes().all(|b| b.is_ascii_digit()) {
            self.err(format!("Value {v} should only be numbers - line {line}"))?;
        }
        match strtoul(v) {
            Ok(n) => Ok(n),
            Err(()) => {
                self.err(format!(
                    "Error converting string to a number ({ERANGE_TEXT}) - line {line}"
                ))?;
                Err(())
            }
        }
    }

    fn number_max(&mut self, v: &str, line: usize, max: u64) -> Result<u64, ()> {
        let n = self.number(v, line)?;
        if n > max {
            self.err(format!(
                "Error - converted number ({v}) is too large - line {line}"
            ))?;
        }
        Ok(n)
    }

    fn number_range(&mut self, v: &str, line: usize, max: u64) -> Result<u64, ()> {
        let n = self.number_max(v, line, max)?;
        if n < 1 {
            self.err(format!(
                "Error - converted number ({v}) is too small - line {line}"
            ))?;
        }
        Ok(n)
    }

    /// `space_left`/`admin_space_left`: a number of MiB or a percentage.
    fn space(&mut self, v: &str, line: usize) -> Result<(u64, u32), ()> {
        if let Some(c) = v.chars().find(|c| !c.is_ascii_digit() && *c != '%') {
            self.err(format!(
                "Value {c} {v} should only be numbers or percent - line {line}"
            ))?;
        }
        let percent = v.contains('%');
        let conv = v.replacen('%', " ", 1);
        let n = match strtoul(&conv) {
            Ok(n) => n,
            Err(()) => {
                self.err(format!(
                    "Error converting string to a number ({ERANGE_TEXT}) - line {line}"
                ))?;
                return Err(());
            }
        };
        if percent {
            if n > 99 {
                self.err(format!("Percentages should be less than 100 - line {line}"))?;
            }
            Ok((0, n as u32))
        } else {
            Ok((n, 0))
        }
    }

    /// `check_exe_name`.
    fn check_exe(&mut self, exe: Option<&str>, line: usize) -> Result<PathBuf, ()> {
        let Some(exe) = exe else {
            self.err(format!("Executable path needed for line {line}"))?;
            return Err(());
        };
        if !exe.starts_with('/') {
            self.err(format!("Absolute path needed for {exe} - line {line}"))?;
        }
        let p = PathBuf::from(exe);
        let st = match self.env.stat(&p) {
            Ok(s) => s,
            Err(e) => {
                self.err(format!(
                    "Unable to stat {exe} ({}) - line {line}",
                    strerror(e)
                ))?;
                return Err(());
            }
        };
        if !st.is_regular() {
            self.err(format!("{exe} is not a regular file - line {line}"))?;
        }
        if st.uid != 0 {
            self.err(format!("{exe} is not owned by root - line {line}"))?;
        }
        let perm = st.mode & 0o777;
        if ![0o750, 0o755, 0o555].contains(&perm) {
            self.err(format!(
                "{exe} permissions should be 0750, 0755, 0555 or 0550 - line {line}"
            ))?;
        }
        Ok(p)
    }

    /// The `*_action` keywords (`which` selects the option's rules).
    fn action(
        &mut self,
        which: &str,
        nv: &Nv<'_>,
        line: usize,
    ) -> Result<(FailureAction, Option<PathBuf>), ()> {
        use FailureAction as F;
        let v = nv.value.unwrap_or("");
        let table = [
            ("ignore", F::Ignore),
            ("syslog", F::Syslog),
            ("rotate", F::Rotate),
            ("email", F::Email),
            ("exec", F::Exec),
            ("suspend", F::Suspend),
            ("single", F::Single),
            ("halt", F::Halt),
        ];
        let a = self.lookup(&table, v, line)?;
        let mut exe = None;
        match a {
            F::Email if which == "disk_full_action" || which == "disk_error_action" => {
                self.err(format!("Illegal option {v} for {which} - line {line}"))?;
            }
            F::Rotate if which == "disk_error_action" => {
                self.err(format!("Illegal option {v} for {which} - line {line}"))?;
            }
            F::Email if !self.env.executable(Path::new(EMAIL_COMMAND)) => {
                self.msg(
                    Level::Err,
                    format!(
                        "Email option is specified but {EMAIL_COMMAND} doesn't seem executable."
                    ),
                );
            }
            F::Exec => exe = Some(self.check_exe(nv.option, line)?),
            _ => {}
        }
        Ok((a, exe))
    }

    /// `validate_email`: 0 fine, 1 temporary problem, 2 refused.
    fn validate_email(&mut self, acct: &str) -> u8 {
        if acct.len() < 2 {
            self.msg(
                Level::Err,
                format!("email: {acct} is too short, expecting at least 2 characters"),
            );
            return 2;
        }
        if !acct
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"@.-_".contains(&b))
        {
            self.msg(Level::Err, format!("email: {acct} has illegal character"));
            return 2;
        }
        if let Some(at) = acct.find('@') {
            match acct.rfind('.') {
                Some(dot) if dot > at => {}
                _ => {
                    self.msg(Level::Err, format!("email: {acct} should have . after @"));
                    return 2;
                }
            }
            let host = &acct[at + 1..];
            if let Err(e) = self.env.resolve_mail_host(host) {
                if let Some(text) = e {
                    self.msg(
                        Level::Err,
                        format!("validate_email: failed looking up host for {host} ({text})"),
                    );
                }
                return 1;
            }
        }
        0
    }

    fn keyword(&mut self, nv: &Nv<'_>, line: usize) -> Result<(), ()> {
        use FailureAction as F;
        let name = nv.name.unwrap_or("");
        let v = nv.value.unwrap_or("");
        let kw = KEYWORDS
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .copied();
        let Some((kw, max_options)) = kw else {
            self.err(format!(
                "Unknown keyword \"{name}\" in line {line} of {}",
                self.file
            ))?;
            return Err(());
        };
        if max_options == 0 {
            if let Some(o) = nv.option {
                self.err(format!(
                    "Keyword \"{name}\" has invalid option \"{o}\" in line {line} of {}",
                    self.file
                ))?;
            }
        }
        match kw {
            "local_events" => {
                self.debug("local_events_parser", v);
                self.c.local_events = self.yes_no(v, line)?;
            }
            "write_logs" => {
                self.debug("write_logs_parser", v);
                self.c.write_logs = self.yes_no(v, line)?;
            }
            "log_file" => {
                self.debug("log_file_parser", v);
                self.log_file(v, line)?;
            }
            "log_format" => {
                self.debug("log_format_parser", v);
                let f = self.lookup(
                    &[
                        ("raw", LogFormat::Raw),
                        ("nolog", LogFormat::Nolog),
                        ("enriched", LogFormat::Enriched),
                    ],
                    v,
                    line,
                )?;
                self.c.log_format = f;
                if f == LogFormat::Nolog {
                    self.msg(Level::Warning, "The NOLOG option to log_format is deprecated. Please use the write_logs option.");
                    if self.c.write_logs {
                        self.msg(
                            Level::Warning,
                            "The NOLOG option is overriding the write_logs current setting.",
                        );
                    }
                    self.c.write_logs = false;
                }
            }
            "log_group" => {
                self.debug("log_group_parser", v);
                if v.as_bytes().first().is_some_and(u8::is_ascii_digit) {
                    match strtoul(v) {
                        Ok(g) => self.c.log_group = g as u32,
                        Err(()) => {
                            self.err(format!(
                                "Numeric group ID conversion error ({ERANGE_TEXT}) for {v} - line {line}\n"
                            ))?;
                        }
                    }
                } else {
                    match self.env.group_id(v) {
                        Some(g) => self.c.log_group = g,
                        None => {
                            self.err(format!(
                                "Group ID is non-numeric and unknown ({v}) - line {line}\n"
                            ))?;
                        }
                    }
                }
            }
            "flush" => {
                self.debug("flush_parser", v);
                self.c.flush = self.lookup(
                    &[
                        ("none", Flush::None),
                        ("incremental", Flush::Incremental),
                        ("incremental_async", Flush::IncrementalAsync),
                        ("data", Flush::Data),
                        ("sync", Flush::Sync),
                    ],
                    v,
                    line,
                )?;
            }
            "freq" => {
                self.debug("freq_parser", v);
                self.c.freq = self.number_max(v, line, INT_MAX)? as u32;
            }
            "num_logs" => {
                self.debug("num_logs_parser", v);
                let n = self.number(v, line)?;
                if n > 999 {
                    self.err("num_logs must be 999 or less")?;
                }
                self.c.num_logs = n as u32;
            }
            "dispatcher" => {
                self.debug("dispatch_parser", v);
                self.msg(
                    Level::Warning,
                    format!("The dispatcher option is deprecated - line {line}"),
                );
            }
            "name_format" => {
                self.debug("name_format_parser", v);
                self.c.name_format = self.lookup(
                    &[
                        ("none", NameFormat::None),
                        ("hostname", NameFormat::Hostname),
                        ("fqd", NameFormat::Fqd),
                        ("numeric", NameFormat::Numeric),
                        ("user", NameFormat::User),
                    ],
                    v,
                    line,
                )?;
            }
            "name" => {
                self.debug("name_parser", v);
                self.c.name = Some(v.to_string());
            }
            "disp_qos" => {
                self.msg(
                    Level::Warning,
                    format!("The disp_qos option is deprecated - line {line}"),
                );
            }
            "max_log_file" => {
                self.debug("max_log_size_parser", v);
                self.c.max_log_file = self.number(v, line)?;
            }
            "max_log_file_action" => {
                self.debug("max_log_size_action_parser", v);
                self.c.max_log_file_action = self.lookup(
                    &[
                        ("ignore", SizeAction::Ignore),
                        ("syslog", SizeAction::Syslog),
                        ("suspend", SizeAction::Suspend),
                        ("rotate", SizeAction::Rotate),
                        ("keep_logs", SizeAction::KeepLogs),
                    ],
                    v,
                    line,
                )?;
            }
            "space_left" => {
                self.debug("space_left_parser", v);
                self.c.space_left_percent = 0;
                let (n, p) = self.space(v, line)?;
                if v.contains('%') {
                    self.c.space_left_percent = p;
                    self.c.space_left = 0;
                } else {
                    self.c.space_left = n;
                }
            }
            "space_left_action" => {
                self.debug("space_action_parser", v);
                let (a, exe) = self.action(kw, nv, line)?;
                if a == F::Exec {
                    self.c.space_left_exe = exe;
                }
                self.c.space_left_action = a;
            }
            "action_mail_acct" => {
                self.debug("action_mail_acct_parser", v);
                if self.c.verify_email && self.validate_email(v) > 1 {
                    return Err(());
                }
                self.c.action_mail_acct = v.to_string();
            }
            "verify_email" => {
                self.debug("verify_email_parser", v);
                self.c.verify_email = self.yes_no(v, line)?;
            }
            "admin_space_left" => {
                self.debug("admin_space_left_parser", v);
                self.c.admin_space_left_percent = 0;
                let (n, p) = self.space(v, line)?;
                if v.contains('%') {
                    self.c.admin_space_left_percent = p;
                    self.c.admin_space_left = 0;
                } else {
                    self.c.admin_space_left = n;
                }
            }
            "admin_space_left_action" => {
                self.debug("admin_space_left_action_parser", v);
                let (a, exe) = self.action(kw, nv, line)?;
                if a == F::Exec {
                    self.c.admin_space_left_exe = exe;
                }
                self.c.admin_space_left_action = a;
            }
            "disk_full_action" => {
                self.debug("disk_full_action_parser", v);
                let (a, exe) = self.action(kw, nv, line)?;
                if a == F::Exec {
                    self.c.disk_full_exe = exe;
                }
                self.c.disk_full_action = a;
            }
            "disk_error_action" => {
                self.debug("disk_error_action_parser", v);
                let (a, exe) = self.action(kw, nv, line)?;
                if a == F::Exec {
                    self.c.disk_error_exe = exe;
                }
                self.c.disk_error_action = a;
            }
            "priority_boost" => {
                self.debug("priority_boost_parser", v);
                self.c.priority_boost = self.number_max(v, line, INT_MAX)? as u32;
            }
            "tcp_listen_port" => {
                self.debug("tcp_listen_port_parser", v);
                self.c.tcp_listen_port = self.number_range(v, line, TCP_PORT_MAX)? as u32;
            }
            "tcp_listen_queue" => {
                self.debug("tcp_listen_queue_parser", v);
                self.c.tcp_listen_queue = self.number_range(v, line, TCP_PORT_MAX)? as u32;
            }
            "tcp_max_per_addr" => {
                self.debug("tcp_max_per_addr_parser", v);
                self.c.tcp_max_per_addr = self.number_range(v, line, 1024)? as u32;
            }
            "use_libwrap" => {
                self.debug("use_libwrap_parser", v);
                self.c.use_libwrap = self.yes_no(v, line)?;
            }
            "tcp_client_ports" => {
                // auditd 3.0.9 prints the listen queue parser's name here.
                self.debug("tcp_listen_queue_parser", v);
                self.client_ports(v, line)?;
            }
            "tcp_client_max_idle" => {
                self.debug("tcp_client_max_idle_parser", v);
                self.c.tcp_client_max_idle = self.number_max(v, line, INT_MAX)? as u32;
            }
            "transport" => {
                self.debug("transport_parser", v);
                self.c.transport = self.lookup(
                    &[
                        ("tcp", Transport::Tcp),
                        ("krb5", Transport::Krb5),
                        ("tls", Transport::Tls),
                    ],
                    v,
                    line,
                )?;
            }
            "enable_krb5" => {
                self.debug("enable_krb5_parser", v);
                if self.yes_no(v, line)? {
                    self.c.transport = Transport::Krb5;
                }
            }
            "krb5_principal" => {
                self.debug("krb5_principal_parser", v);
                self.c.krb5_principal = Some(v.to_string());
            }
            "krb5_key_file" => {
                self.debug("krb5_key_file_parser", v);
                self.c.krb5_key_file = Some(v.to_string());
            }
            "distribute_network" => {
                self.debug("distribute_network_parser", v);
                self.c.distribute_network = self.yes_no(v, line)?;
            }
            "q_depth" => {
                self.debug("q_depth_parser", v);
                let n = self.number(v, line)?;
                if n > 99999 {
                    self.err("q_depth must be 99999 or less")?;
                } else if n < 512 {
                    self.msg(
                        Level::Warning,
                        "q_depth should be larger than 512 for safety margin",
                    );
                }
                self.c.q_depth = n as u32;
            }
            "overflow_action" => {
                self.debug("overflow_action_parser", v);
                self.c.overflow_action = self.lookup(
                    &[
                        ("ignore", OverflowAction::Ignore),
                        ("syslog", OverflowAction::Syslog),
                        ("suspend", OverflowAction::Suspend),
                        ("single", OverflowAction::Single),
                        ("halt", OverflowAction::Halt),
                    ],
                    v,
                    line,
                )?;
            }
            "max_restarts" => {
                self.debug("max_restarts_parser", v);
                self.c.max_restarts = self.number_max(v, line, INT_MAX)? as u32;
            }
            "plugin_dir" => {
                self.debug("plugin_dir_parser", v);
                let mut d = v.to_string();
                if !d.ends_with('/') {
                    d.push('/');
                }
                self.c.plugin_dir = d;
            }
            "end_of_event_timeout" => {
                self.debug("eoe_timeout_parser", v);
                self.c.end_of_event_timeout = self.number(v, line)?;
            }
            "raudit_canary_interval" => {
                self.debug("raudit_canary_interval_parser", v);
                self.c.canary_interval = self.number_max(v, line, INT_MAX)? as u32;
            }
            "raudit_canary_timeout" => {
                self.debug("raudit_canary_timeout_parser", v);
                self.c.canary_timeout = self.number_range(v, line, INT_MAX)? as u32;
            }
            "tls_cert" => self.c.tls_cert = Some(PathBuf::from(v)),
            "tls_key" => self.c.tls_key = Some(PathBuf::from(v)),
            "tls_ca" => self.c.tls_ca = Some(PathBuf::from(v)),
            "tls_allowed_clients" => {
                self.c.tls_allowed_clients = v
                    .split([',', ' '])
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect();
            }
            "tcp_client_timeout" => {
                let n = self.number_max(v, line, 3600)?;
                if n == 0 {
                    self.err(format!("Value {v} must be at least 1 - line {line}"))?;
                }
                self.c.tcp_client_timeout = n as u32;
            }
            "remote_state_file" => self.c.remote_state_file = Some(PathBuf::from(v)),
            "raudit_json_output" => {
                self.c.json_output = (v != "none").then(|| v.to_string());
            }
            "raudit_json_max_file" => {
                self.c.json_max_file = self.number_max(v, line, INT_MAX)?;
            }
            "raudit_json_num_files" => {
                self.c.json_num_files = self.number_max(v, line, 999)? as u32;
            }
            "raudit_json_status_interval" => {
                self.c.json_status_interval = self.number_max(v, line, INT_MAX)? as u32;
            }
            "raudit_json_settings" => {
                self.c.json_settings = Some(v.to_string());
            }
            _ => {}
        }
        Ok(())
    }

    fn log_file(&mut self, v: &str, line: usize) -> Result<(), ()> {
        let dir = c_dirname(v);
        if dir.len() < 4 {
            self.err(format!(
                "The directory name: {dir} is too short - line {line}"
            ))?;
        }
        if let Err(e) = self.env.open_dir(Path::new(&dir)) {
            self.err(format!("Could not open dir {dir} ({})", strerror(e)))?;
        }
        let path = PathBuf::from(v);
        match self.env.stat_existing(&path) {
            Ok(None) => {}
            Err(e) => {
                self.err(format!("Unable to open {v} ({})", strerror(e)))?;
            }
            Ok(Some(st)) => {
                if !st.is_regular() {
                    self.err(format!("{v} is not a regular file"))?;
                }
                if st.uid != 0 {
                    self.err(format!("{v} is not owned by root"))?;
                }
                // S_IXUSR|S_IWGRP|S_IXGRP|S_IRWXO
                if st.mode & (0o100 | 0o020 | 0o010 | 0o007) != 0 {
                    self.msg(
                        Level::Warning,
                        format!("{v} permissions should be 0600 or 0640"),
                    );
                }
                if st.mode & 0o200 == 0 {
                    self.msg(Level::Warning, "audit log is not writable by owner");
                }
            }
        }
        self.c.log_file = path;
        Ok(())
    }

    fn client_ports(&mut self, v: &str, line: usize) -> Result<(), ()> {
        let b = v.as_bytes();
        let bad = format!(
            "Value {v} should only be numbers, or two numbers separated by a dash - line {line}"
        );
        let mut dash = None;
        for i in 0..b.len() {
            if i > 0 && b[i] == b'-' && i + 1 < b.len() {
                dash = Some(i);
                continue;
            }
            if !b[i].is_ascii_digit() {
                self.err(bad)?;
                return Err(());
            }
        }
        let minv = match strtoul(v) {
            Ok(n) => n,
            Err(()) => {
                self.err(format!(
                    "Error converting string to a number ({ERANGE_TEXT}) - line {line}"
                ))?;
                return Err(());
            }
        };
        let mut maxv = minv;
        if let Some(d) = dash {
            // auditd does not reset errno here: an overflow of the second number
            // goes unnoticed (strtoul saturates).
            maxv = strtoul(&v[d + 1..]).unwrap_or(u64::MAX);
        }
        if minv > TCP_PORT_MAX {
            self.err(format!(
                "Error - converted number ({minv}) is too large - line {line}"
            ))?;
        }
        if maxv > TCP_PORT_MAX {
            self.err(format!(
                "Error - converted number ({}) is too large - line {line}",
                maxv as i64
            ))?;
        }
        if minv > maxv {
            self.err(format!(
                "Error - converted range ({minv}-{maxv}) is reversed - line {line}"
            ))?;
        }
        self.c.tcp_client_min_port = minv as u32;
        self.c.tcp_client_max_port = maxv as u32;
        Ok(())
    }

    /// `sanity_check`.
    fn sanity(&mut self) -> Result<(), ()> {
        let c = &self.c;
        if c.space_left_percent == 0
            && c.admin_space_left_percent == 0
            && c.space_left <= c.admin_space_left
        {
            let t = format!(
                "Error - space_left({}) must be larger than admin_space_left({})",
                c.space_left, c.admin_space_left
            );
            return self.err(t);
        }
        if matches!(c.flush, Flush::Incremental | Flush::IncrementalAsync) && c.freq == 0 {
            return self.err("Error - incremental flushing chosen, but 0 selected for freq");
        }
        if c.log_group != 0 {
            let dir = c_dirname(&c.log_file.to_string_lossy());
            if dir == "/var/log" {
                return self.err(format!("Error - log_file is directly in {dir} and chgrp will alter a system directory's permissions. Use another directory."));
            }
        }
        if c.flush > Flush::IncrementalAsync && c.freq != 0 {
            self.msg(
                Level::Warning,
                "Warning - freq is non-zero and incremental flushing not selected.",
            );
        }
        Ok(())
    }
}

/// The keywords and how many options (words after the value) each takes.
const KEYWORDS: &[(&str, u8)] = &[
    ("local_events", 0),
    ("write_logs", 0),
    ("log_file", 0),
    ("log_format", 0),
    ("log_group", 0),
    ("flush", 0),
    ("freq", 0),
    ("num_logs", 0),
    ("dispatcher", 0),
    ("name_format", 0),
    ("name", 0),
    ("disp_qos", 0),
    ("max_log_file", 0),
    ("max_log_file_action", 0),
    ("space_left", 0),
    ("space_left_action", 1),
    ("action_mail_acct", 0),
    ("verify_email", 0),
    ("admin_space_left", 0),
    ("admin_space_left_action", 1),
    ("disk_full_action", 1),
    ("disk_error_action", 1),
    ("priority_boost", 0),
    ("tcp_listen_port", 0),
    ("tcp_listen_queue", 0),
    ("tcp_max_per_addr", 0),
    ("use_libwrap", 0),
    ("tcp_client_ports", 0),
    ("tcp_client_max_idle", 0),
    ("transport", 0),
    ("enable_krb5", 0),
    ("krb5_principal", 0),
    ("krb5_key_file", 0),
    ("distribute_network", 0),
    ("q_depth", 0),
    ("overflow_action", 0),
    ("max_restarts", 0),
    ("plugin_dir", 0),
    ("end_of_event_timeout", 0),
    // raudit's own keywords (auditd 3.0.9 rejects them as unknown).
    ("raudit_canary_interval", 0),
    ("raudit_canary_timeout", 0),
    ("tls_cert", 0),
    ("tls_key", 0),
    ("tls_ca", 0),
    ("tls_allowed_clients", 0),
    ("tcp_client_timeout", 0),
    ("remote_state_file", 0),
    ("raudit_json_output", 0),
    ("raudit_json_max_file", 0),
    ("raudit_json_num_files", 0),
    ("raudit_json_status_interval", 0),
    ("raudit_json_settings", 0),
];

/// A line (number, text) or the number of a line too long.
type LineItem = Result<(usize, String), usize>;

/// Splits the file's bytes into lines as auditd's `get_line` (fgets into a
/// 160-byte buffer) does. Each item is `Ok(line)` or `Err(lineno)` for a line
/// too long (reported once, then skipped). A last line without a newline is
/// also "too long", as in auditd.
fn lines(text: &[u8]) -> (Vec<LineItem>, usize) {
    let mut out = Vec::new();
    let mut lineno = 1usize;
    let mut pos = 0usize;
    let mut too_long = false;
    while pos < text.len() {
        // fgets: up to LINE_BUF-1 bytes or through the newline.
        let max = (LINE_BUF - 1).min(text.len() - pos);
        let chunk_end = match text[pos..pos + max].iter().position(|&b| b == b'\n') {
            Some(i) => pos + i + 1,
            None => pos + max,
        };
        let chunk = &text[pos..chunk_end];
        pos = chunk_end;
        // As a C string: up to the first NUL.
        let cstr = match chunk.iter().position(|&b| b == 0) {
            Some(z) => &chunk[..z],
            None => chunk,
        };
        match cstr.iter().position(|&b| b == b'\n') {
            Some(nl) => {
                if !too_long {
                    out.push(Ok((
                        lineno,
                        String::from_utf8_lossy(&cstr[..nl]).into_owned(),
                    )));
                    // The caller advances the line number.
                    lineno += 1;
                } else {
                    too_long = false;
                    lineno += 1;
                }
            }
            None => {
                if !too_long {
                    out.push(Err(lineno));
                }
                too_long = true;
            }
        }
    }
    (out, lineno)
}

/// Parses `auditd.conf` text; `file` is the name used in messages.
pub fn parse(text: &[u8], file: &str, env: &dyn Env) -> Result<Loaded, LoadError> {
    let mut p = Parser {
        env,
        file: file.to_string(),
        msgs: Vec::new(),
        c: Config::default(),
    };
    let (items, last_lineno) = lines(text);
    for item in items {
        let (lineno, line) = match item {
            Ok(l) => l,
            Err(n) => {
                p.msg(Level::Err, format!("Skipping line {n} in {file}: too long"));
                continue;
            }
        };
        let (rc, nv) = nv_split(&line);
        match rc {
            0 => {}
            1 => p.msg(
                Level::Err,
                format!("Wrong number of arguments for line {lineno} in {file}"),
            ),
            _ => p.msg(
                Level::Err,
                format!("Missing equal sign for line {lineno} in {file}"),
            ),
        }
        if nv.name.is_none() {
            continue;
        }
        if nv.value.is_none() {
            p.msg(
                Level::Err,
                format!("Not processing any more lines in {file}"),
            );
            return Err(LoadError { msgs: p.msgs });
        }
        if p.keyword(&nv, lineno).is_err() {
            return Err(LoadError { msgs: p.msgs });
        }
    }
    if last_lineno > 1 && p.sanity().is_err() {
        return Err(LoadError { msgs: p.msgs });
    }
    Ok(Loaded {
        config: p.c,
        msgs: p.msgs,
        file_found: true,
    })
}

/// Loads `file` as auditd does: a missing file gives the defaults (with a
/// warning); a file not owned by root, world writable, not regular or (without
/// `allow_links`) a symlink is refused.
pub fn load(file: &str, allow_links: bool, env: &dyn Env) -> Result<Loaded, LoadError> {
    use std::io::Read;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let mut msgs = Vec::new();
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    if !allow_links {
        opts.custom_flags(libc::O_NOFOLLOW);
    }
    let mut f = match opts.open(file) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            msgs.push(Msg {
                level: Level::Warning,
                text: format!("Config file {file} doesn't exist, skipping"),
            });
            return Ok(Loaded {
                config: Config::default(),
                msgs,
                file_found: false,
            });
        }
        Err(e) => {
            msgs.push(Msg {
                level: Level::Err,
                text: format!("Error opening config file ({})", strerror(errno_of(&e))),
            });
            return Err(LoadError { msgs });
        }
    };
    msgs.push(Msg {
        level: Level::Debug,
        text: format!("Config file {file} opened for parsing"),
    });
    let meta = match f.metadata() {
        Ok(m) => m,
        Err(e) => {
            msgs.push(Msg {
                level: Level::Err,
                text: format!("Error fstat'ing config file ({})", strerror(errno_of(&e))),
            });
            return Err(LoadError { msgs });
        }
    };
    let refuse = if meta.uid() != 0 {
        Some(format!("Error - {file} isn't owned by root"))
    } else if meta.mode() & 0o002 != 0 {
        Some(format!("Error - {file} is world writable"))
    } else if !meta.is_file() {
        Some(format!("Error - {file} is not a regular file"))
    } else {
        None
    };
    if let Some(text) = refuse {
        msgs.push(Msg {
            level: Level::Err,
            text,
        });
        return Err(LoadError { msgs });
    }
    let mut text = Vec::new();
    if let Err(e) = f.read_to_end(&mut text) {
        msgs.push(Msg {
            level: Level::Err,
            text: format!("Error - fdopen failed ({})", strerror(errno_of(&e))),
        });
        return Err(LoadError { msgs });
    }
    match parse(&text, file, env) {
        Ok(mut l) => {
            msgs.append(&mut l.msgs);
            l.msgs = msgs;
            Ok(l)
        }
        Err(mut e) => {
            msgs.append(&mut e.msgs);
            Err(LoadError { msgs })
        }
    }
}

#[cfg(test)]
mod tests;
