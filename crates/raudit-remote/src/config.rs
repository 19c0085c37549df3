//! `audisp-remote.conf`: keys, defaults, checks and messages of audisp-remote
//! 3.0.9 (`remote-config.c`), plus raudit's own keys (see the crate docs).
//!
//! Parsing is pure ([`parse`] on bytes); [`load`] adds the file checks
//! (owner root, not world writable, regular file) the original makes.

use std::path::{Path, PathBuf};

/// `mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `immediate`: the queue lives in memory only.
    Immediate,
    /// `forward`: store and forward through the on-disk queue file.
    Forward,
}

/// `transport`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Plain TCP.
    Tcp,
    /// raudit: TLS over TCP (rustls), keys `tls_*`.
    Tls,
}

/// `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Records only, LF-terminated, no replies.
    Ascii,
    /// Framed records, each acknowledged.
    Managed,
}

/// A `*_action` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Do nothing.
    Ignore,
    /// Log the event.
    Syslog,
    /// Log once until a record is sent again, then carry on.
    WarnOnceContinue,
    /// Log once until a record is sent again; the record is not dropped.
    WarnOnce,
    /// Run the program with the message as argument.
    Exec(PathBuf),
    /// `remote_ending_action` only: reconnect when records come.
    Reconnect,
    /// Stop sending until SIGUSR2.
    Suspend,
    /// Switch to single-user mode (`init 1`).
    Single,
    /// Halt the machine (`init 0`).
    Halt,
    /// Exit.
    Stop,
}

/// `overflow_action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverflowAction {
    /// Drop the record silently.
    Ignore,
    /// Drop the record and log it.
    Syslog,
    /// Stop sending until SIGUSR2.
    Suspend,
    /// Single-user mode.
    Single,
    /// Halt.
    Halt,
}

/// raudit `queue_sync`: when the forward-mode queue file is flushed to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueSync {
    /// `fdatasync` after each batch of records read from stdin, before any of
    /// them is sent (group commit): a record the collector saw survives a
    /// power loss of the client. Default.
    Batch,
    /// Never sync: the file survives the client being killed (the data is in
    /// the kernel's page cache), not a power loss.
    None,
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `remote_server` (None: `getaddrinfo`'s default, the loopback address).
    pub remote_server: Option<String>,
    /// `port` (60).
    pub port: u16,
    /// `local_port` (0 = any).
    pub local_port: u16,
    /// `transport`.
    pub transport: Transport,
    /// `mode`.
    pub mode: Mode,
    /// `queue_file` (default `/var/spool/audit/remote.log`).
    pub queue_file: Option<PathBuf>,
    /// `queue_depth` (2048).
    pub queue_depth: u32,
    /// `format`.
    pub format: Format,
    /// `network_retry_time` seconds (1).
    pub network_retry_time: u32,
    /// `max_tries_per_record` (3).
    pub max_tries_per_record: u32,
    /// `max_time_per_record` seconds (5).
    pub max_time_per_record: u32,
    /// `heartbeat_timeout` seconds (0 = none).
    pub heartbeat_timeout: u32,
    /// `network_failure_action` (stop).
    pub network_failure_action: Action,
    /// `disk_low_action` (ignore).
    pub disk_low_action: Action,
    /// `disk_full_action` (warn_once).
    pub disk_full_action: Action,
    /// `disk_error_action` (warn_once).
    pub disk_error_action: Action,
    /// `remote_ending_action` (reconnect).
    pub remote_ending_action: Action,
    /// `generic_error_action` (syslog).
    pub generic_error_action: Action,
    /// `generic_warning_action` (syslog).
    pub generic_warning_action: Action,
    /// `queue_error_action` (stop).
    pub queue_error_action: Action,
    /// `overflow_action` (syslog).
    pub overflow_action: OverflowAction,
    /// `startup_failure_action` (warn_once_continue).
    pub startup_failure_action: Action,
    /// raudit `tls_ca`: CA certificates (PEM) the server's certificate must chain to.
    pub tls_ca: Option<PathBuf>,
    /// raudit `tls_cert`: this client's certificate chain (PEM), for mutual TLS.
    pub tls_cert: Option<PathBuf>,
    /// raudit `tls_key`: this client's private key (PEM).
    pub tls_key: Option<PathBuf>,
    /// raudit `tls_server_name`: the name the server's certificate must carry
    /// (default: `remote_server`).
    pub tls_server_name: Option<String>,
    /// raudit `raudit_extensions` (`auto`, default: probe with a hello; `no`:
    /// speak only the plain protocol).
    pub extensions: bool,
    /// raudit `queue_sync`.
    pub queue_sync: QueueSync,
    /// raudit `max_in_flight`: managed frames sent before their replies
    /// arrive (1 = the original's stop-and-wait; default 512).
    pub max_in_flight: u32,
}

/// The spool file used when `queue_file` is not set.
pub const SPOOL_FILE: &str = "/var/spool/audit/remote.log";
/// The original's configuration file.
pub const CONFIG_FILE: &str = "/etc/audit/audisp-remote.conf";

impl Default for Config {
    fn default() -> Config {
        Config {
            remote_server: None,
            port: 60,
            local_port: 0,
            transport: Transport::Tcp,
            mode: Mode::Immediate,
            queue_file: None,
            queue_depth: 2048,
            format: Format::Managed,
            network_retry_time: 1,
            max_tries_per_record: 3,
            max_time_per_record: 5,
            heartbeat_timeout: 0,
            network_failure_action: Action::Stop,
            disk_low_action: Action::Ignore,
            disk_full_action: Action::WarnOnce,
            disk_error_action: Action::WarnOnce,
            remote_ending_action: Action::Reconnect,
            generic_error_action: Action::Syslog,
            generic_warning_action: Action::Syslog,
            queue_error_action: Action::Stop,
            overflow_action: OverflowAction::Syslog,
            startup_failure_action: Action::WarnOnceContinue,
            tls_ca: None,
            tls_cert: None,
            tls_key: None,
            tls_server_name: None,
            extensions: true,
            queue_sync: QueueSync::Batch,
            max_in_flight: 512,
        }
    }
}

impl Config {
    /// The queue file path (`queue_file` or the spool default).
    pub fn queue_path(&self) -> PathBuf {
        self.queue_file
            .clone()
            .unwrap_or_else(|| PathBuf::from(SPOOL_FILE))
    }
}

/// Syslog priority of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// LOG_ERR.
    Err,
    /// LOG_WARNING.
    Warning,
    /// LOG_INFO.
    Info,
}

/// One message the loader emits (the original sends them to syslog).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Priority.
    pub level: Level,
    /// Text, as audisp-remote writes it.
    pub text: String,
}

/// The outcome of loading: the configuration, or failure (the original exits
/// with status 6), and the messages either way.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// `Some` on success.
    pub config: Option<Config>,
    /// Messages in order.
    pub messages: Vec<Message>,
}

/// Checks an `exec` program as the original does (absolute, regular, owned
/// by root, mode 0750 for user/group and not world-writable).
pub type ExeCheck<'a> = &'a dyn Fn(&str, u32) -> Result<(), String>;

/// Loads `file` as audisp-remote does: a missing file means defaults (with a
/// warning); a file not owned by root, world-writable or not regular fails.
pub fn load(file: &Path) -> Loaded {
    use std::os::unix::fs::MetadataExt;
    let name = file.display().to_string();
    let err = |text: String| Loaded {
        config: None,
        messages: vec![Message {
            level: Level::Err,
            text,
        }],
    };
    let f = match std::fs::File::open(file) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Loaded {
                config: Some(Config::default()),
                messages: vec![Message {
                    level: Level::Warning,
                    text: format!("Config file {name} doesn't exist, skipping"),
                }],
            }
        }
        Err(e) => return err(format!("Error opening {name} ({})", strerror(&e))),
    };
    let md = match f.metadata() {
        Ok(m) => m,
        Err(e) => return err(format!("Error fstat'ing config file ({})", strerror(&e))),
    };
    if md.uid() != 0 {
        return err(format!("Error - {name} isn't owned by root"));
    }
    if md.mode() & 0o002 != 0 {
        return err(format!("Error - {name} is world writable"));
    }
    if !md.is_file() {
        return err(format!("Error - {name} is not a regular file"));
    }
    let data = match std::fs::read(file) {
        Ok(d) => d,
        Err(e) => return err(format!("Error - fdopen failed ({})", strerror(&e))),
    };
    parse(&data, &name, &check_exe)
}

/// `strerror` text of an I/O error, without Rust's " (os error N)".
pub fn strerror(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn check_exe(val: &str, line: u32) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    if !val.starts_with('/') {
        return Err(format!("Absolute path needed for {val} - line {line}"));
    }
    let md = std::fs::metadata(val)
        .map_err(|e| format!("Unable to stat {val} ({}) - line {line}", strerror(&e)))?;
    if !md.is_file() {
        return Err(format!("{val} is not a regular file - line {line}"));
    }
    if md.uid() != 0 {
        return Err(format!("{val} is not owned by root - line {line}"));
    }
    if md.mode() & 0o0772 != 0o0750 {
        return Err(format!("{val} permissions should be 0750 - line {line}"));
    }
    Ok(())
}

/// Splits the file as `fgets(buf, 128, f)` does: pieces of at most 127
/// bytes, each ending at (and including) a LF when there is one.
fn pieces(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = data;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let cap = rest.len().min(127);
        let n = match memchr::memchr(b'\n', &rest[..cap]) {
            Some(i) => i + 1,
            None => cap,
        };
        let (p, r) = rest.split_at(n);
        rest = r;
        Some(p)
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Server,
    Port,
    LocalPort,
    Transport,
    Mode,
    QueueFile,
    Depth,
    Format,
    RetryTime,
    MaxTries,
    MaxTime,
    Heartbeat,
    EnableKrb5,
    Krb5,
    Action(ActionKey),
    Overflow,
    RemoteEnding,
    TlsCa,
    TlsCert,
    TlsPrivate,
    TlsServerName,
    Extensions,
    QueueSync,
    MaxInFlight,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ActionKey {
    NetworkFailure,
    DiskLow,
    DiskFull,
    DiskError,
    GenericError,
    GenericWarning,
    QueueError,
    StartupFailure,
}

/// (name, key, takes an option)
const KEYWORDS: &[(&str, Key, bool)] = &[
    ("remote_server", Key::Server, false),
    ("port", Key::Port, false),
    ("local_port", Key::LocalPort, false),
    ("transport", Key::Transport, false),
    ("mode", Key::Mode, false),
    ("queue_file", Key::QueueFile, false),
    ("queue_depth", Key::Depth, false),
    ("format", Key::Format, false),
    ("network_retry_time", Key::RetryTime, false),
    ("max_tries_per_record", Key::MaxTries, false),
    ("max_time_per_record", Key::MaxTime, false),
    ("heartbeat_timeout", Key::Heartbeat, false),
    ("enable_krb5", Key::EnableKrb5, false),
    ("krb5_principal", Key::Krb5, false),
    ("krb5_client_name", Key::Krb5, false),
    ("krb5_key_file", Key::Krb5, false),
    (
        "network_failure_action",
        Key::Action(ActionKey::NetworkFailure),
        true,
    ),
    ("disk_low_action", Key::Action(ActionKey::DiskLow), true),
    ("disk_full_action", Key::Action(ActionKey::DiskFull), true),
    ("disk_error_action", Key::Action(ActionKey::DiskError), true),
    ("remote_ending_action", Key::RemoteEnding, true),
    (
        "generic_error_action",
        Key::Action(ActionKey::GenericError),
        true,
    ),
    (
        "generic_warning_action",
        Key::Action(ActionKey::GenericWarning),
        true,
    ),
    (
        "queue_error_action",
        Key::Action(ActionKey::QueueError),
        true,
    ),
    ("overflow_action", Key::Overflow, true),
    (
        "startup_failure_action",
        Key::Action(ActionKey::StartupFailure),
        true,
    ),
    ("tls_ca", Key::TlsCa, false),
    ("tls_cert", Key::TlsCert, false),
    ("tls_key", Key::TlsPrivate, false),
    ("tls_server_name", Key::TlsServerName, false),
    ("raudit_extensions", Key::Extensions, false),
    ("queue_sync", Key::QueueSync, false),
    ("max_in_flight", Key::MaxInFlight, false),
];

/// Parses a configuration file's bytes (`file` names it in messages);
/// `exe_check` validates `exec` programs.
pub fn parse(data: &[u8], file: &str, exe_check: ExeCheck<'_>) -> Loaded {
    let mut c = Config::default();
    let mut messages = Vec::new();
    let mut lineno: u32 = 1;
    let fail = |mut messages: Vec<Message>, text: String| {
        messages.push(Message {
            level: Level::Err,
            text,
        });
        Loaded {
            config: None,
            messages,
        }
    };
    for piece in pieces(data) {
        let line = match memchr::memchr(b'\n', piece) {
            Some(i) => &piece[..i],
            None => piece,
        };
        // fgets stops at NUL for the C string functions after it.
        let line = match memchr::memchr(0, line) {
            Some(i) => &line[..i],
            None => line,
        };
        let line = String::from_utf8_lossy(line);
        let toks: Vec<&str> = line.split(' ').filter(|t| !t.is_empty()).collect();
        // nv_split
        let (name, value, option, rc) = match toks.as_slice() {
            [] => (None, None, None, 0),
            [n, ..] if n.starts_with('#') => (None, None, None, 0),
            [n] => (Some(*n), None, None, 1),
            [n, eq, ..] if *eq != "=" => (Some(*n), None, None, 2),
            [n, _] => (Some(*n), None, None, 1),
            [n, _, v] => (Some(*n), Some(*v), None, 0),
            [n, _, v, o] => (Some(*n), Some(*v), Some(*o), 0),
            [n, _, v, o, ..] => (Some(*n), Some(*v), Some(*o), 1),
        };
        match rc {
            1 => messages.push(Message {
                level: Level::Err,
                text: format!("Wrong number of arguments for line {lineno} in {file}"),
            }),
            2 => messages.push(Message {
                level: Level::Err,
                text: format!("Missing equal sign for line {lineno} in {file}"),
            }),
            _ => {}
        }
        let Some(name) = name else {
            lineno += 1;
            continue;
        };
        let Some(value) = value else {
            return Loaded {
                config: None,
                messages,
            };
        };
        let Some(&(kname, key, takes_option)) = KEYWORDS
            .iter()
            .find(|(k, _, _)| k.eq_ignore_ascii_case(name))
        else {
            return fail(
                messages,
                format!("Unknown keyword \"{name}\" in line {lineno} of {file}"),
            );
        };
        if !takes_option {
            if let Some(o) = option {
                return fail(
                    messages,
                    format!(
                        "Keyword \"{name}\" has invalid option \"{o}\" in line {lineno} of {file}"
                    ),
                );
            }
        }
        let _ = kname;
        if let Err(text) = apply(&mut c, key, value, option, lineno, exe_check, &mut messages) {
            return fail(messages, text);
        }
        lineno += 1;
    }
    if lineno > 1 {
        if c.mode == Mode::Forward && c.format != Format::Managed {
            return fail(
                messages,
                "\"mode=forward\" is valid only with \"format=managed\"".into(),
            );
        }
        if !matches!(
            c.startup_failure_action,
            Action::Ignore
                | Action::Syslog
                | Action::WarnOnceContinue
                | Action::WarnOnce
                | Action::Exec(_)
        ) {
            return fail(messages, "startup_failure_action has invalid option".into());
        }
        if c.transport == Transport::Tls && c.format != Format::Managed {
            return fail(
                messages,
                "\"transport=tls\" is valid only with \"format=managed\"".into(),
            );
        }
        if c.tls_cert.is_some() != c.tls_key.is_some() {
            return fail(
                messages,
                "tls_cert and tls_key must be given together".into(),
            );
        }
    }
    Loaded {
        config: Some(c),
        messages,
    }
}

fn parse_uint(value: &str, line: u32, min: u32, max: u32) -> Result<u32, String> {
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "Value {value} should only be numbers - line {line}"
        ));
    }
    // strtoul: ERANGE past ULONG_MAX; then stored in an unsigned int.
    let v: u64 = match value.parse::<u64>() {
        Ok(v) => v,
        Err(_) if value.is_empty() => 0,
        Err(_) => {
            return Err(format!(
                "Error converting string to a number (Numerical result out of range) - line {line}"
            ))
        }
    };
    let v = v as u32; // the C code truncates to unsigned int before comparing
    if min != 0 && v < min {
        return Err(format!(
            "Error - converted number ({value}) is too small - line {line}"
        ));
    }
    if max != 0 && v > max {
        return Err(format!(
            "Error - converted number ({value}) is too large - line {line}"
        ));
    }
    Ok(v)
}

fn word<T: Copy>(words: &[(&str, T)], value: &str, line: u32) -> Result<T, String> {
    words
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(value))
        .map(|(_, t)| *t)
        .ok_or_else(|| format!("Option {value} not found - line {line}"))
}

fn action(
    value: &str,
    option: Option<&str>,
    line: u32,
    exe_check: ExeCheck<'_>,
) -> Result<Action, String> {
    const W: &[(&str, u8)] = &[
        ("ignore", 0),
        ("syslog", 1),
        ("exec", 2),
        ("warn_once_continue", 3),
        ("warn_once", 4),
        ("suspend", 5),
        ("single", 6),
        ("halt", 7),
        ("stop", 8),
    ];
    Ok(match word(W, value, line)? {
        0 => Action::Ignore,
        1 => Action::Syslog,
        2 => {
            let Some(exe) = option else {
                return Err(format!("Executable path needed for line {line}"));
            };
            exe_check(exe, line)?;
            Action::Exec(PathBuf::from(exe))
        }
        3 => Action::WarnOnceContinue,
        4 => Action::WarnOnce,
        5 => Action::Suspend,
        6 => Action::Single,
        7 => Action::Halt,
        _ => Action::Stop,
    })
}

fn apply(
    c: &mut Config,
    key: Key,
    value: &str,
    option: Option<&str>,
    line: u32,
    exe_check: ExeCheck<'_>,
    messages: &mut Vec<Message>,
) -> Result<(), String> {
    match key {
        Key::Server => c.remote_server = Some(value.to_string()),
        Key::Port => c.port = parse_uint(value, line, 0, 65535)? as u16,
        Key::LocalPort => {
            if !value.eq_ignore_ascii_case("any") {
                c.local_port = parse_uint(value, line, 0, 65535)? as u16;
            }
        }
        Key::Transport => {
            c.transport = word(
                &[("tcp", Transport::Tcp), ("tls", Transport::Tls)],
                value,
                line,
            )?
        }
        Key::Mode => {
            c.mode = word(
                &[("immediate", Mode::Immediate), ("forward", Mode::Forward)],
                value,
                line,
            )?
        }
        Key::QueueFile => {
            if !value.starts_with('/') {
                return Err(format!("Absolute path needed for {value} - line {line}"));
            }
            c.queue_file = Some(PathBuf::from(value));
        }
        Key::Depth => c.queue_depth = parse_uint(value, line, 1, i32::MAX as u32)?,
        Key::Format => {
            c.format = word(
                &[("ascii", Format::Ascii), ("managed", Format::Managed)],
                value,
                line,
            )?
        }
        Key::RetryTime => c.network_retry_time = parse_uint(value, line, 1, i32::MAX as u32)?,
        Key::MaxTries => c.max_tries_per_record = parse_uint(value, line, 1, i32::MAX as u32)?,
        Key::MaxTime => c.max_time_per_record = parse_uint(value, line, 1, i32::MAX as u32)?,
        Key::Heartbeat => c.heartbeat_timeout = parse_uint(value, line, 0, i32::MAX as u32)?,
        Key::EnableKrb5 | Key::Krb5 => messages.push(Message {
            level: Level::Info,
            text: format!("GSSAPI support is not enabled, ignoring value at line {line}"),
        }),
        Key::Action(k) => {
            let a = action(value, option, line, exe_check)?;
            let slot = match k {
                ActionKey::NetworkFailure => &mut c.network_failure_action,
                ActionKey::DiskLow => &mut c.disk_low_action,
                ActionKey::DiskFull => &mut c.disk_full_action,
                ActionKey::DiskError => &mut c.disk_error_action,
                ActionKey::GenericError => &mut c.generic_error_action,
                ActionKey::GenericWarning => &mut c.generic_warning_action,
                ActionKey::QueueError => &mut c.queue_error_action,
                ActionKey::StartupFailure => &mut c.startup_failure_action,
            };
            *slot = a;
        }
        Key::RemoteEnding => {
            c.remote_ending_action = if value.eq_ignore_ascii_case("reconnect") {
                Action::Reconnect
            } else {
                action(value, option, line, exe_check)?
            }
        }
        Key::Overflow => {
            c.overflow_action = word(
                &[
                    ("ignore", OverflowAction::Ignore),
                    ("syslog", OverflowAction::Syslog),
                    ("suspend", OverflowAction::Suspend),
                    ("single", OverflowAction::Single),
                    ("halt", OverflowAction::Halt),
                ],
                value,
                line,
            )?
        }
        Key::TlsCa => c.tls_ca = Some(abs_path(value, line)?),
        Key::TlsCert => c.tls_cert = Some(abs_path(value, line)?),
        Key::TlsPrivate => c.tls_key = Some(abs_path(value, line)?),
        Key::TlsServerName => c.tls_server_name = Some(value.to_string()),
        Key::Extensions => {
            c.extensions = word(&[("auto", true), ("yes", true), ("no", false)], value, line)?
        }
        Key::QueueSync => {
            c.queue_sync = word(
                &[("batch", QueueSync::Batch), ("none", QueueSync::None)],
                value,
                line,
            )?
        }
        Key::MaxInFlight => c.max_in_flight = parse_uint(value, line, 1, 65536)?,
    }
    Ok(())
}

fn abs_path(value: &str, line: u32) -> Result<PathBuf, String> {
    if !value.starts_with('/') {
        return Err(format!("Absolute path needed for {value} - line {line}"));
    }
    Ok(PathBuf::from(value))
}

#[cfg(test)]
mod tests;
