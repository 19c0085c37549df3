//! The daemon's life, as `auditd` 3.0.9 lives it: options, start-up checks,
//! the start record, kernel registration, signals (HUP reload, TERM stop,
//! USR1 rotate, USR2 resume, CONT state report), the end record, and giving
//! back what it changed in the kernel.
//!
//! Extensions (not in auditd): `--multicast` reads the read-only log group
//! and changes nothing in the kernel; `--status` prints the running daemon's
//! state report with the kernel's counters; `--pid-file`/`--state-file` move
//! those files (defaults: auditd's, or `raudit-multicast.*` in multicast
//! mode so that both daemons can run side by side). `RAUDIT_DAEMON_STDERR=1`
//! keeps messages on stderr in background mode (for tests).

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use raudit_netlink::AuditSocket;

use crate::canary::{self, Canary};
use crate::config::{self, Config, LogFormat, NameFormat, SystemEnv};
use crate::format;
use crate::gaps::GapTracker;
use crate::log::{msg, Level};
use crate::names::SystemNames;
use crate::queue::{Control, Inbox, Item};
use crate::sink::{Record, Sink};
use crate::source::{self, Mode, Reader, SourceCounters};
use crate::writer::{LogWriter, SystemActions};

/// The audit version auditd reports.
pub const VERSION: &str = "3.0.9";
const DEFAULT_PID_FILE: &str = "/var/run/auditd.pid";
const DEFAULT_STATE_FILE: &str = "/var/run/auditd.state";
const MULTICAST_PID_FILE: &str = "/var/run/raudit-multicast.pid";
const MULTICAST_STATE_FILE: &str = "/var/run/raudit-multicast.state";
/// auditd's buffer for its own records (`DEFAULT_BUF_SZ + 48`).
const DMSG_SIZE: usize = 448 + 48;
/// Inbox bound: this much record text may wait for the writer.
const INBOX_BYTES: usize = 64 << 20;

const AUDIT_DAEMON_START: u16 = 1200;
const AUDIT_DAEMON_END: u16 = 1201;
const AUDIT_DAEMON_ABORT: u16 = 1202;
const AUDIT_DAEMON_CONFIG: u16 = 1203;
const AUDIT_DAEMON_ROTATE: u16 = 1205;
const AUDIT_DAEMON_RESUME: u16 = 1206;
const AUDIT_DAEMON_ERR: u16 = 1209;
const AUDIT_EOE: u16 = 1320;
const AUDIT_USER: u16 = 1005;

/// `-s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Startup {
    /// Set enabled 0.
    Disable,
    /// Set enabled 1.
    Enable,
    /// Leave it.
    NoChange,
}

const STARTUP_NAMES: [&str; 3] = ["disable", "enable", "nochange"];

/// The command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// `-f`
    pub foreground: bool,
    /// `-l`
    pub allow_links: bool,
    /// `-n`
    pub no_fork: bool,
    /// `-s`
    pub startup: Startup,
    /// `-c DIR`
    pub config_dir: Option<PathBuf>,
    /// `--multicast`
    pub multicast: bool,
    /// `--status`
    pub status: bool,
    /// `--pid-file`
    pub pid_file: Option<PathBuf>,
    /// `--state-file`
    pub state_file: Option<PathBuf>,
}

fn usage() -> i32 {
    eprintln!("Usage: auditd [-f] [-l] [-n] [-s disable|enable|nochange] [-c <config_file>]");
    2
}

/// Parses the command line like auditd's `getopt_long("flns:c:")`.
pub fn parse_args(args: &[OsString]) -> Result<Options, i32> {
    let mut o = Options {
        foreground: false,
        allow_links: false,
        no_fork: false,
        startup: Startup::Enable,
        config_dir: None,
        multicast: false,
        status: false,
        pid_file: None,
        state_file: None,
    };
    let mut i = 0;
    let set_state = |v: &[u8], o: &mut Options| -> Result<(), i32> {
        for (n, s) in
            STARTUP_NAMES
                .iter()
                .zip([Startup::Disable, Startup::Enable, Startup::NoChange])
        {
            if n.as_bytes().starts_with(v) {
                o.startup = s;
                return Ok(());
            }
        }
        eprintln!("unknown startup mode '{}'", String::from_utf8_lossy(v));
        Err(usage())
    };
    while i < args.len() {
        let a = args[i].as_bytes();
        i += 1;
        if let Some(long) = a.strip_prefix(b"--") {
            let (name, inline) = match long.iter().position(|&b| b == b'=') {
                Some(p) => (&long[..p], Some(&long[p + 1..])),
                None => (long, None),
            };
            let value = |i: &mut usize| -> Result<Vec<u8>, i32> {
                if let Some(v) = inline {
                    return Ok(v.to_vec());
                }
                let v = args.get(*i).ok_or_else(usage)?;
                *i += 1;
                Ok(v.as_bytes().to_vec())
            };
            match name {
                b"foreground" => o.foreground = true,
                b"allow_links" => o.allow_links = true,
                b"disable_fork" => o.no_fork = true,
                b"enable_state" => {
                    let v = value(&mut i)?;
                    set_state(&v, &mut o)?;
                }
                b"config_file" => {
                    o.config_dir = Some(PathBuf::from(OsString::from_vec(value(&mut i)?)))
                }
                b"multicast" => o.multicast = true,
                b"status" => o.status = true,
                b"pid-file" => o.pid_file = Some(PathBuf::from(OsString::from_vec(value(&mut i)?))),
                b"state-file" => {
                    o.state_file = Some(PathBuf::from(OsString::from_vec(value(&mut i)?)))
                }
                _ => return Err(usage()),
            }
            continue;
        }
        let Some(cluster) = a.strip_prefix(b"-").filter(|c| !c.is_empty()) else {
            // A trailing argument.
            return Err(usage());
        };
        let mut j = 0;
        while j < cluster.len() {
            let c = cluster[j];
            j += 1;
            match c {
                b'f' => o.foreground = true,
                b'l' => o.allow_links = true,
                b'n' => o.no_fork = true,
                b's' | b'c' => {
                    let v = if j < cluster.len() {
                        let v = cluster[j..].to_vec();
                        j = cluster.len();
                        v
                    } else {
                        let v = args.get(i).ok_or_else(usage)?;
                        i += 1;
                        v.as_bytes().to_vec()
                    };
                    if c == b's' {
                        set_state(&v, &mut o)?;
                    } else {
                        o.config_dir = Some(PathBuf::from(OsString::from_vec(v)));
                    }
                }
                _ => return Err(usage()),
            }
        }
    }
    Ok(o)
}

use std::os::unix::ffi::OsStringExt;

/// What the daemon must give back to the kernel at exit.
struct KernelRestore {
    pid_registered: bool,
    enabled_before: Option<u32>,
}

/// The record handler and the daemon's state.
struct Daemon {
    opts: Options,
    mode: Mode,
    writer: LogWriter,
    names: SystemNames,
    node: Option<Vec<u8>>,
    gaps: GapTracker,
    line: Vec<u8>,
    seq_num: u32,
    subj: Option<String>,
    session: u32,
    ctl: Option<AuditSocket>,
    counters: Arc<SourceCounters>,
    inbox: Arc<Inbox>,
    state_file: PathBuf,
    eoe_seen: u64,
    last_record: Option<(i64, u32)>,
    started: Instant,
    last_tick: Instant,
    last_tick_records: u64,
    rate: f64,
    reported_loss: (u64, u64, u32),
    kernel_lost_start: Option<u32>,
    /// Consumers after the log writer (plugins, remote, JSON).
    sinks: Vec<Box<dyn Sink>>,
    /// The remote-logging listener's counters, when listening.
    net: Option<Arc<crate::listen::NetCounters>>,
    /// Loss counters the JSON status objects report.
    loss: Arc<crate::json::LossCounters>,
    /// The end-to-end canary (`raudit_canary_interval`).
    canary: Option<Canary>,
    /// Events seen (changes of serial) and their rate.
    events: u64,
    last_serial: u64,
    last_tick_events: u64,
    event_rate: f64,
}

fn read_proc(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn loginuid(pid: &str) -> u32 {
    read_proc(&format!("/proc/{pid}/loginuid"))
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(u32::MAX)
}

/// The uid owning `/proc/PID` (u32::MAX when the process is gone).
fn proc_uid(pid: u32) -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(format!("/proc/{pid}"))
        .map(|m| m.uid())
        .unwrap_or(u32::MAX)
}

/// `audit_format_signal_info`.
fn signal_info_text(op: &str, auid: u32, pid: u32, ctx: &[u8], res: &str) -> String {
    let uid = proc_uid(pid);
    let ses = match std::fs::read(format!("/proc/{pid}/sessionid")) {
        Ok(b) if b.len() < 16 => String::from_utf8_lossy(&b).into_owned(),
        _ => "4294967295".into(),
    };
    if ctx.is_empty() {
        format!(
            "op={op} auid={auid} uid={uid} ses={ses} pid={} res={res}",
            pid as i32
        )
    } else {
        format!(
            "op={op} auid={auid} uid={uid} ses={ses} pid={} subj={} res={res}",
            pid as i32,
            String::from_utf8_lossy(ctx)
        )
    }
}

fn now_ms() -> (u64, u32) {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (d.as_secs(), d.subsec_millis())
}

/// The serial and time of a kernel record (`audit(SEC.MS:SERIAL)`).
fn stamp(payload: &[u8]) -> Option<(i64, u32, u64)> {
    let p = payload.strip_prefix(b"audit(")?;
    // Three runs of digits ended by '.', ':' and ')'.
    let mut v = [0u64; 3];
    let mut i = 0;
    for (k, end) in [b'.', b':', b')'].into_iter().enumerate() {
        let s = i;
        while let Some(&d) = p.get(i).filter(|d| d.is_ascii_digit()) {
            v[k] = v[k].checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
            i += 1;
        }
        if i == s || p.get(i) != Some(&end) {
            return None;
        }
        i += 1;
    }
    Some((i64::try_from(v[0]).ok()?, u32::try_from(v[1]).ok()?, v[2]))
}

/// Whether auditd gives this type's payload to the formatter (others print `lost`).
fn has_message(t: u16) -> bool {
    matches!(t, 1005 | 1006 | 2000 | 1100..=1199 | 2100..=2999 | 1300..=1899)
}

/// Types auditd's netlink handler does not log.
fn skipped(t: u16) -> bool {
    matches!(t, 1..=3 | 1000 | 1007..=1010 | 1011..=1019 | 1200..=1299 | 1329)
}

impl Daemon {
    /// Formats one record, writes it to the log (never EOE) and hands it to
    /// the sinks (auditd's `distribute_event` → `handle_event`, `dispatch_event`).
    fn emit(&mut self, rtype: u16, payload: Option<&[u8]>) {
        let write = self.writer.writing() && rtype != AUDIT_EOE;
        if !write && self.sinks.is_empty() {
            return;
        }
        let enriched = self.writer.cfg.log_format == LogFormat::Enriched;
        if enriched && format::FLUSH_BEFORE.contains(&rtype) {
            self.names.flush();
        }
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        let node = self.node.as_deref();
        if enriched {
            format::format_enriched(rtype, payload, node, &self.names, &mut line);
        } else {
            format::format_raw(rtype, payload, node, &mut line);
        }
        format::clamp_line(&mut line, 0);
        if write {
            self.writer.write_record(&line);
        }
        if !self.sinks.is_empty() {
            let rec = Record {
                rtype,
                raw: payload.unwrap_or_default(),
                text: &line,
                formatted: enriched || node.is_some(),
            };
            for s in &mut self.sinks {
                s.record(&rec);
            }
        }
        self.line = line;
        if enriched && format::FLUSH_AFTER.contains(&rtype) {
            self.names.flush();
        }
    }

    /// A kernel record.
    fn record(&mut self, rtype: u16, payload: &[u8]) {
        if skipped(rtype) {
            return;
        }
        if let Some((sec, ms, serial)) = stamp(payload) {
            self.gaps.observe(serial);
            self.last_record = Some((sec, ms));
            if serial != self.last_serial {
                self.last_serial = serial;
                self.events += 1;
            }
        }
        if rtype == AUDIT_EOE {
            // For the sinks only: never written to the log (as auditd).
            self.eoe_seen += 1;
        }
        let msg = has_message(rtype).then_some(payload);
        let written = self.writer.writing();
        self.emit(rtype, msg);
        if rtype == AUDIT_USER && self.canary.is_some() {
            self.canary_back(payload, written);
        }
    }

    /// auditd's `send_audit_event`: one of the daemon's own records.
    fn daemon_event(&mut self, rtype: u16, text: &str) {
        if self.seq_num == 0 {
            // SAFETY: plain libc calls (auditd's seeding; glibc's rand is random).
            unsafe { libc::srand(libc::time(std::ptr::null_mut()) as u32) };
            // SAFETY: as above.
            self.seq_num = (unsafe { libc::rand() } % 10000) as u32;
        } else {
            self.seq_num += 1;
        }
        let (s, ms) = now_ms();
        let mut m = format!("audit({s}.{ms:03}:{}): {text}", self.seq_num);
        if m.len() > DMSG_SIZE - 1 {
            let mut cut = DMSG_SIZE - 1;
            while !m.is_char_boundary(cut) {
                cut -= 1;
            }
            m.truncate(cut);
        }
        if rtype == AUDIT_DAEMON_ROTATE {
            self.writer.rotate_now();
        }
        self.emit(rtype, Some(m.as_bytes()));
        self.writer.flush_pending();
    }

    fn ids_text(&self, op: &str, res: &str) -> String {
        let auid = loginuid("self");
        // SAFETY: getuid never fails.
        let uid = unsafe { libc::getuid() };
        let pid = std::process::id();
        match &self.subj {
            Some(s) => format!(
                "op={op} auid={auid} pid={pid} uid={uid} ses={} subj={s} res={res}",
                self.session
            ),
            None => format!(
                "op={op} auid={auid} pid={pid} uid={uid} ses={} res={res}",
                self.session
            ),
        }
    }

    /// Who sent the signal: the kernel's record of it (unicast) or the
    /// signal's own information (multicast: the kernel's is about the other daemon).
    fn sender(&mut self, pid: i32) -> Option<(u32, u32, Vec<u8>)> {
        // With local_events = no the kernel's signal information is about
        // some other audit daemon: use the signal's own.
        if self.mode == Mode::Unicast && self.writer.cfg.local_events {
            if let Some(ctl) = &mut self.ctl {
                if let Ok(si) = ctl.signal_info() {
                    return Some((si.uid, si.pid, si.ctx));
                }
            }
            return None;
        }
        // As the kernel records a signal to the audit daemon: the sender's
        // loginuid, or its uid when the loginuid is unset.
        let auid = match loginuid(&pid.to_string()) {
            u32::MAX => proc_uid(pid as u32),
            auid => auid,
        };
        Some((auid, pid as u32, Vec::new()))
    }

    fn signal(&mut self, sig: i32, pid: i32) -> bool {
        match sig {
            libc::SIGTERM => return false,
            libc::SIGHUP => self.reload(pid),
            libc::SIGUSR1 => match self.sender(pid) {
                Some((auid, p, ctx)) => {
                    let t = signal_info_text("rotate-logs", auid, p, &ctx, "success");
                    self.daemon_event(AUDIT_DAEMON_ROTATE, &t);
                }
                None => self.daemon_event(
                    AUDIT_DAEMON_ROTATE,
                    "op=rotate-logs auid=-1 pid=-1 subj=? res=failed",
                ),
            },
            libc::SIGUSR2 => match self.sender(pid) {
                Some((auid, p, ctx)) => {
                    let t = signal_info_text("resume-logging", auid, p, &ctx, "success");
                    self.writer.resume();
                    self.sinks.iter_mut().for_each(|s| s.resume());
                    self.daemon_event(AUDIT_DAEMON_RESUME, &t);
                }
                None => {
                    self.writer.resume();
                    self.sinks.iter_mut().for_each(|s| s.resume());
                    self.daemon_event(
                        AUDIT_DAEMON_RESUME,
                        "op=resume-logging auid=-1 pid=-1 subj=? res=success",
                    );
                }
            },
            libc::SIGCONT => self.write_state(),
            _ => {}
        }
        true
    }

    fn reload(&mut self, pid: i32) {
        let Some((auid, spid, ctx)) = self.sender(pid) else {
            self.daemon_event(
                AUDIT_DAEMON_CONFIG,
                "op=reconfigure state=no-change auid=-1 pid=-1 subj=? res=failed",
            );
            return;
        };
        msg(Level::Debug, "HUP detected, starting config manager");
        let file = config_file(&self.opts);
        let new = match config::load(&file, self.opts.allow_links, &SystemEnv) {
            Ok(l) => {
                for m in &l.msgs {
                    msg(m.level, &m.text);
                }
                l.config
            }
            Err(e) => {
                for m in &e.msgs {
                    msg(m.level, &m.text);
                }
                // auditd 3.0.9 writes no record for a refused reload.
                return;
            }
        };
        let ctx_s = if ctx.is_empty() {
            "?".to_string()
        } else {
            String::from_utf8_lossy(&ctx).into_owned()
        };
        msg(
            Level::Notice,
            &format!(
                "config change requested by pid={} auid={auid} subj={ctx_s}",
                spid as i32
            ),
        );
        let mut new = new;
        if !self.writer_background() {
            new.write_logs = false;
        }
        if self.writer.cfg.priority_boost != new.priority_boost {
            // SAFETY: plain nice(2).
            let rc = unsafe { libc::nice(-(new.priority_boost as i32)) };
            if rc == -1 {
                msg(
                    Level::Warning,
                    &format!(
                        "Cannot change priority in reconfigure ({})",
                        config::strerror(nix::errno::Errno::last_raw())
                    ),
                );
            }
        }
        let node_changed = self.writer.cfg.name_format != new.name_format
            || (self.writer.cfg.name.is_some()
                && new.name.is_some()
                && self.writer.cfg.name != new.name);
        self.writer.reconfigure(new);
        self.canary_reconfigure();
        for sink in &mut self.sinks {
            sink.reload(&self.writer.cfg);
        }
        if node_changed {
            self.node = resolve_node(&self.writer.cfg).ok().flatten();
        }
        // SAFETY: plain libc calls (auditd seeds rand with the time here).
        let seq = unsafe {
            libc::srand(libc::time(std::ptr::null_mut()) as u32);
            libc::rand() % 10000
        };
        let (s, ms) = now_ms();
        let text = format!(
            "audit({s}.{ms:03}:{seq}): op=reconfigure state=changed auid={auid} pid={} subj={ctx_s} res=success",
            spid as i32
        );
        self.emit(AUDIT_DAEMON_CONFIG, Some(text.as_bytes()));
        self.writer.flush_pending();
    }

    /// Starts, retimes or stops the canary after the configuration changed.
    fn canary_reconfigure(&mut self) {
        let (every, within) = (
            // A collector (local_events = no) reads no kernel records.
            if self.writer.cfg.local_events {
                self.writer.cfg.canary_interval
            } else {
                0
            },
            self.writer.cfg.canary_timeout.max(1),
        );
        let (every, within) = (
            Duration::from_secs(every.into()),
            Duration::from_secs(within.into()),
        );
        match (&mut self.canary, every.is_zero()) {
            (_, true) => self.canary = None,
            (Some(c), false) => c.retime(every, within, Instant::now()),
            (None, false) => {
                let tag = std::process::id().to_string();
                self.canary = Some(Canary::new(every, within, &tag, Instant::now()));
            }
        }
    }

    /// Sends a due marker through the kernel; reports overdue ones.
    fn canary_tick(&mut self) {
        let Some(c) = self.canary.as_mut() else {
            return;
        };
        let now = Instant::now();
        if let Some(text) = c.due(now) {
            let sent = self
                .ctl
                .as_mut()
                .map(|s| s.send_user_message(AUDIT_USER, text.as_bytes()));
            if !matches!(sent, Some(Ok(()))) {
                c.send_failed();
                let why = match sent {
                    Some(Err(e)) => e.to_string(),
                    _ => "no control socket".into(),
                };
                msg(
                    Level::Warning,
                    &format!("Audit canary marker could not be sent ({why})"),
                );
            }
        }
        let timeout = c.timeout().as_secs();
        for ev in c.check(now) {
            if let canary::Event::Missing { seq, raised } = ev {
                msg(
                    Level::Alert,
                    &format!(
                        "Audit canary marker {seq} did not come back within {timeout} s: audit records may not be reaching the log"
                    ),
                );
                if raised {
                    self.daemon_event(
                        AUDIT_DAEMON_ERR,
                        &format!("op=canary-alarm seq={seq} timeout={timeout} res=failed"),
                    );
                }
            }
        }
    }

    /// An AUDIT_USER record went through the pipeline: maybe our marker.
    fn canary_back(&mut self, payload: &[u8], written: bool) {
        let Some(c) = self.canary.as_mut() else {
            return;
        };
        if let Some(canary::Event::Recovered { seq }) = c.observe(payload, written, Instant::now())
        {
            msg(
                Level::Notice,
                &format!("Audit canary marker {seq} came back: canary alarm cleared"),
            );
        }
    }

    fn writer_background(&self) -> bool {
        !self.opts.foreground
    }

    /// SIGCONT: the state report.
    fn write_state(&mut self) {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(s, "audit version = {VERSION}");
        let mut buf = [0u8; 64];
        let n = strftime_now(&mut buf);
        let _ = writeln!(s, "current time = {}", String::from_utf8_lossy(&buf[..n]));
        // SAFETY: plain getpriority(2).
        let prio = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        let _ = writeln!(s, "process priority = {prio}");
        self.writer.write_state(&mut s);
        if let Some(n) = &self.net {
            crate::listen::write_state(n, &mut s);
        }
        for sink in &self.sinks {
            sink.state(&mut s);
        }
        if let Some(c) = &self.canary {
            c.state(&mut s);
        }
        // raudit's own counters.
        let st = self.kernel_status();
        let q = self.inbox.stats();
        let w = self.writer.state();
        let c = &self.counters;
        let _ = writeln!(
            s,
            "mode = {}",
            if self.mode == Mode::Unicast {
                "unicast"
            } else {
                "multicast"
            }
        );
        if let Some(st) = st {
            let _ = writeln!(s, "kernel lost = {}", st.lost);
            let _ = writeln!(
                s,
                "kernel lost since start = {}",
                st.lost
                    .wrapping_sub(self.kernel_lost_start.unwrap_or(st.lost))
            );
            let _ = writeln!(s, "kernel backlog = {}", st.backlog);
            let _ = writeln!(s, "kernel backlog limit = {}", st.backlog_limit);
        }
        let _ = writeln!(s, "sequence gaps = {}", self.gaps.gaps());
        let _ = writeln!(s, "enobufs = {}", c.enobufs.load(Ordering::Relaxed));
        let _ = writeln!(
            s,
            "records received = {}",
            c.records.load(Ordering::Relaxed)
        );
        let _ = writeln!(s, "records written = {}", w.records_written);
        let _ = writeln!(s, "end of event records = {}", self.eoe_seen);
        let _ = writeln!(s, "records per second = {:.1}", self.rate);
        let _ = writeln!(s, "events received = {}", self.events);
        let _ = writeln!(s, "events per second = {:.1}", self.event_rate);
        let _ = writeln!(
            s,
            "queue depth = {} batches, {} records, {} bytes",
            q.depth, q.records, q.bytes
        );
        let _ = writeln!(
            s,
            "queue high water = {} bytes, reader waits = {}",
            q.max_bytes, q.waits
        );
        let _ = writeln!(s, "bytes written = {}", w.bytes_written);
        match self.last_record {
            Some((sec, ms)) => {
                let _ = writeln!(s, "last record time = {sec}.{ms:03}");
            }
            None => {
                let _ = writeln!(s, "last record time = none");
            }
        }
        let _ = writeln!(s, "uptime = {} s", self.started.elapsed().as_secs());
        let old = nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o137));
        let _ = std::fs::write(&self.state_file, s);
        nix::sys::stat::umask(old);
    }

    fn kernel_status(&mut self) -> Option<raudit_wire::AuditStatus> {
        self.ctl.as_mut()?.get_status().ok()
    }

    /// Each loop turn: the sinks' ticks, the canary; once a second: rates,
    /// loss detection.
    fn tick(&mut self) {
        for sink in &mut self.sinks {
            sink.tick();
        }
        if self.canary.is_some() {
            self.canary_tick();
        }
        let el = self.last_tick.elapsed();
        if el < Duration::from_secs(1) {
            return;
        }
        let recs = self.counters.records.load(Ordering::Relaxed);
        self.rate = (recs - self.last_tick_records) as f64 / el.as_secs_f64();
        self.event_rate = (self.events - self.last_tick_events) as f64 / el.as_secs_f64();
        self.last_tick_events = self.events;
        if recs == self.last_tick_records {
            // Quiet: everything older is settled.
            self.gaps.settle_all();
        }
        self.last_tick_records = recs;
        self.last_tick = Instant::now();
        let lost = self.kernel_status().map(|s| s.lost);
        if self.kernel_lost_start.is_none() {
            self.kernel_lost_start = lost;
        }
        let now = (
            self.gaps.gaps(),
            self.counters.enobufs.load(Ordering::Relaxed),
            lost.unwrap_or(self.reported_loss.2),
        );
        if now != self.reported_loss
            && (now.0 > self.reported_loss.0
                || now.1 > self.reported_loss.1
                || now.2 > self.reported_loss.2)
        {
            let text = format!(
                "op=loss-detected kernel_lost={} sequence_gaps={} enobufs={} res=failed",
                now.2.wrapping_sub(self.kernel_lost_start.unwrap_or(0)),
                now.0,
                now.1
            );
            msg(Level::Warning, &format!("Audit records were lost: {text}"));
            self.daemon_event(AUDIT_DAEMON_ERR, &text);
        }
        self.reported_loss = now;
        self.loss.gaps.store(now.0, Ordering::Relaxed);
        self.loss.enobufs.store(now.1, Ordering::Relaxed);
        self.loss.kernel_lost.store(
            u64::from(now.2.wrapping_sub(self.kernel_lost_start.unwrap_or(now.2))),
            Ordering::Relaxed,
        );
        let mut o = Vec::new();
        for sink in &self.sinks {
            sink.overflows(&mut o);
        }
        if let Ok(mut v) = self.loss.others.lock() {
            *v = o;
        }
    }
}

fn strftime_now(buf: &mut [u8; 64]) -> usize {
    // SAFETY: time/localtime_r/strftime with valid buffers.
    unsafe {
        let t = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&t, &mut tm);
        libc::strftime(buf.as_mut_ptr().cast(), buf.len(), c"%x %X".as_ptr(), &tm)
    }
}

fn config_file(o: &Options) -> String {
    match &o.config_dir {
        Some(d) => format!("{}/auditd.conf", d.display()),
        None => config::CONFIG_FILE.to_string(),
    }
}

/// The node name could not be worked out (the message was given).
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("cannot resolve the node name")]
pub struct NodeError;

/// `resolve_node`: the `node=` name, if any.
pub fn resolve_node(c: &Config) -> Result<Option<Vec<u8>>, NodeError> {
    let host = || -> Result<String, NodeError> {
        nix::unistd::gethostname()
            .map(|h| h.to_string_lossy().into_owned())
            .map_err(|_| {
                msg(Level::Err, "Unable to get machine name");
                NodeError
            })
    };
    match c.name_format {
        NameFormat::None => Ok(None),
        NameFormat::Hostname => Ok(Some(host()?.replace(' ', "_").into_bytes())),
        NameFormat::User => match &c.name {
            Some(n) => Ok(Some(n.clone().into_bytes())),
            None => {
                msg(Level::Err, "User defined name missing");
                Err(NodeError)
            }
        },
        NameFormat::Fqd => {
            let h = host()?;
            match canonical_name(&h) {
                Some(n) => Ok(Some(n.into_bytes())),
                None => {
                    msg(
                        Level::Err,
                        &format!("Cannot resolve hostname {h} (Name or service not known)"),
                    );
                    Err(NodeError)
                }
            }
        }
        NameFormat::Numeric => {
            use std::net::ToSocketAddrs;
            let h = host()?;
            match (h.as_str(), 0)
                .to_socket_addrs()
                .ok()
                .and_then(|mut a| a.next())
            {
                Some(a) => Ok(Some(a.ip().to_string().into_bytes())),
                None => {
                    msg(
                        Level::Err,
                        &format!("Cannot resolve hostname {h} (Name or service not known)"),
                    );
                    Err(NodeError)
                }
            }
        }
    }
}

/// `getaddrinfo(AI_CANONNAME)`.
fn canonical_name(host: &str) -> Option<String> {
    let c = std::ffi::CString::new(host).ok()?;
    // SAFETY: hints zeroed then filled; result freed with freeaddrinfo.
    unsafe {
        let mut hints: libc::addrinfo = std::mem::zeroed();
        hints.ai_flags = libc::AI_ADDRCONFIG | libc::AI_CANONNAME;
        hints.ai_socktype = libc::SOCK_STREAM;
        let mut res: *mut libc::addrinfo = std::ptr::null_mut();
        if libc::getaddrinfo(c.as_ptr(), std::ptr::null(), &hints, &mut res) != 0 || res.is_null() {
            return None;
        }
        let name = if (*res).ai_canonname.is_null() {
            None
        } else {
            Some(
                std::ffi::CStr::from_ptr((*res).ai_canonname)
                    .to_string_lossy()
                    .into_owned(),
            )
        };
        libc::freeaddrinfo(res);
        name
    }
}

/// The signals the daemon handles (blocked everywhere, taken by sigwaitinfo).
fn handled_signals() -> nix::sys::signal::SigSet {
    use nix::sys::signal::{SigSet, Signal};
    let mut s = SigSet::empty();
    for sig in [
        Signal::SIGTERM,
        Signal::SIGHUP,
        Signal::SIGUSR1,
        Signal::SIGUSR2,
        Signal::SIGCONT,
        Signal::SIGCHLD,
    ] {
        s.add(sig);
    }
    s
}

fn spawn_signal_thread(inbox: Arc<Inbox>) {
    let set = handled_signals();
    let _ = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || loop {
            // SAFETY: siginfo is plain data; sigwaitinfo fills it.
            let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
            // SAFETY: a valid set and info pointer.
            let sig = unsafe { libc::sigwaitinfo(set.as_ref(), &mut info) };
            if sig < 0 {
                continue;
            }
            if sig == libc::SIGCHLD {
                while let Ok(s) =
                    nix::sys::wait::waitpid(None, Some(nix::sys::wait::WaitPidFlag::WNOHANG))
                {
                    if s == nix::sys::wait::WaitStatus::StillAlive {
                        break;
                    }
                    if let Some(pid) = s.pid() {
                        crate::dispatch::child_reaped(pid.as_raw());
                    }
                }
                continue;
            }
            // SAFETY: si_pid/si_uid are valid for signals sent by kill().
            let (pid, uid) = unsafe { (info.si_pid(), info.si_uid()) };
            inbox.control(Control::Signal { sig, pid, uid });
        });
}

/// Ignores every signal except the handled ones (auditd ignores all others).
fn setup_signals() {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
    let handled = handled_signals();
    let ign = SigAction::new(SigHandler::SigIgn, SaFlags::empty(), SigSet::empty());
    for sig in Signal::iterator() {
        if handled.contains(sig)
            || matches!(
                sig,
                Signal::SIGKILL
                    | Signal::SIGSTOP
                    | Signal::SIGSEGV
                    | Signal::SIGBUS
                    | Signal::SIGILL
                    | Signal::SIGFPE
                    | Signal::SIGABRT
            )
        {
            continue;
        }
        // SAFETY: installing SIG_IGN is always sound.
        let _ = unsafe { sigaction(sig, &ign) };
    }
    let _ = handled.thread_block();
}

fn write_pid_file(path: &Path) -> bool {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let r = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o644)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .and_then(|mut f| f.write_all(format!("{}\n", std::process::id()).as_bytes()));
    match r {
        Ok(()) => true,
        Err(e) => {
            msg(
                Level::Err,
                &format!(
                    "Unable to set pidfile ({})",
                    config::strerror(e.raw_os_error().unwrap_or(libc::EIO))
                ),
            );
            false
        }
    }
}

fn avoid_oom_killer() {
    if std::fs::write("/proc/self/oom_score_adj", "-1000").is_err() {
        msg(Level::Notice, "Cannot open out of memory adjuster");
    }
}

fn get_subj() -> Option<String> {
    let s = std::fs::read(format!("/proc/{}/attr/current", std::process::id())).ok()?;
    if s.is_empty() {
        return None;
    }
    Some(String::from_utf8_lossy(&s).into_owned())
}

/// Forks into the background (unless `-n`); the parent waits for the child's
/// word on a pipe and exits 0 on success. Returns the pipe to report on.
fn become_daemon(fork: bool) -> Result<Option<std::fs::File>, ()> {
    use std::io::Read;
    let mut report = None;
    if fork {
        let (r, w) = nix::unistd::pipe().map_err(|_| ())?;
        // SAFETY: no other threads exist yet.
        match unsafe { nix::unistd::fork() }.map_err(|_| ())? {
            nix::unistd::ForkResult::Parent { .. } => {
                drop(w);
                let mut f = std::fs::File::from(r);
                let mut b = [0u8; 4];
                let ok = f.read_exact(&mut b).is_ok() && i32::from_ne_bytes(b) == 0;
                std::process::exit(if ok { 0 } else { 1 });
            }
            nix::unistd::ForkResult::Child => {
                drop(r);
                report = Some(std::fs::File::from(w));
            }
        }
    }
    let keep_stderr = std::env::var_os("RAUDIT_DAEMON_STDERR").is_some();
    if let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    {
        use std::os::fd::AsRawFd;
        let fd = null.as_raw_fd();
        // SAFETY: dup2 onto the standard descriptors.
        unsafe {
            libc::dup2(fd, 0);
            libc::dup2(fd, 1);
            if !keep_stderr {
                libc::dup2(fd, 2);
            }
        }
    } else {
        msg(Level::Err, "Cannot open /dev/null");
        return Err(());
    }
    if std::env::set_current_dir("/").is_err() {
        msg(Level::Err, "Cannot change working directory to /");
        return Err(());
    }
    let _ = nix::unistd::setsid();
    Ok(report)
}

fn tell_parent(p: &mut Option<std::fs::File>, ok: bool) {
    use std::io::Write;
    if let Some(f) = p.as_mut() {
        let _ = f.write_all(&(if ok { 0i32 } else { 1i32 }).to_ne_bytes());
    }
    *p = None;
}

fn exiting() {
    msg(Level::Info, "The audit daemon is exiting.");
}

/// `raudit daemon --status`.
fn status(o: &Options) -> i32 {
    let pid_file = o.pid_file.clone().unwrap_or_else(|| {
        PathBuf::from(if o.multicast {
            MULTICAST_PID_FILE
        } else {
            DEFAULT_PID_FILE
        })
    });
    let state_file = o.state_file.clone().unwrap_or_else(|| {
        PathBuf::from(if o.multicast {
            MULTICAST_STATE_FILE
        } else {
            DEFAULT_STATE_FILE
        })
    });
    let pid: Option<i32> = std::fs::read_to_string(&pid_file)
        .ok()
        .and_then(|s| s.trim().parse().ok());
    let Some(pid) =
        pid.filter(|p| nix::sys::signal::kill(nix::unistd::Pid::from_raw(*p), None).is_ok())
    else {
        eprintln!(
            "raudit daemon is not running (no live pid in {})",
            pid_file.display()
        );
        return 1;
    };
    let before = std::fs::metadata(&state_file)
        .and_then(|m| m.modified())
        .ok();
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGCONT,
    );
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let now = std::fs::metadata(&state_file)
            .and_then(|m| m.modified())
            .ok();
        if now.is_some() && now != before {
            break;
        }
        if Instant::now() > deadline {
            eprintln!(
                "raudit daemon (pid {pid}) did not write {}",
                state_file.display()
            );
            return 1;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(20));
    match std::fs::read_to_string(&state_file) {
        Ok(s) => {
            print!("pid = {pid}\n{s}");
            0
        }
        Err(e) => {
            eprintln!("cannot read {}: {e}", state_file.display());
            1
        }
    }
}

/// `raudit daemon ARGS` ≡ `auditd ARGS`.
pub fn main(args: &[OsString]) -> i32 {
    let opts = match parse_args(args) {
        Ok(o) => o,
        Err(code) => return code,
    };
    if opts.status {
        return status(&opts);
    }
    let mode = if opts.multicast {
        Mode::Multicast
    } else {
        Mode::Unicast
    };
    if opts.foreground {
        crate::log::to_stderr();
    } else {
        if std::env::var_os("RAUDIT_DAEMON_STDERR").is_some() {
            crate::log::to_stderr();
        } else {
            crate::log::to_syslog();
        }
        let old = nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
        nix::sys::stat::umask(old | nix::sys::stat::Mode::from_bits_truncate(0o022));
    }
    let cap = if mode == Mode::Multicast {
        raudit_netlink::CAP_AUDIT_READ
    } else {
        raudit_netlink::CAP_AUDIT_CONTROL
    };
    if !raudit_netlink::has_capability(cap) {
        eprintln!("You must be root or have capabilities to run this program.");
        return 4;
    }
    setup_signals();
    let _ = nix::sys::resource::setrlimit(
        nix::sys::resource::Resource::RLIMIT_FSIZE,
        libc::RLIM_INFINITY,
        libc::RLIM_INFINITY,
    );
    let _ = nix::sys::resource::setrlimit(
        nix::sys::resource::Resource::RLIMIT_CPU,
        libc::RLIM_INFINITY,
        libc::RLIM_INFINITY,
    );

    let file = config_file(&opts);
    let mut cfg = match config::load(&file, opts.allow_links, &SystemEnv) {
        Ok(l) => {
            for m in &l.msgs {
                msg(m.level, &m.text);
            }
            l.config
        }
        Err(e) => {
            for m in &e.msgs {
                msg(m.level, &m.text);
            }
            exiting();
            return 6;
        }
    };
    if opts.foreground {
        cfg.write_logs = false;
    }
    if cfg.priority_boost != 0 {
        nix::errno::Errno::clear();
        // SAFETY: plain nice(2).
        let rc = unsafe { libc::nice(-(cfg.priority_boost as i32)) };
        if rc == -1 && nix::errno::Errno::last_raw() != 0 {
            msg(
                Level::Err,
                &format!(
                    "Cannot change priority ({})",
                    config::strerror(nix::errno::Errno::last_raw())
                ),
            );
            exiting();
            return 1;
        }
    }
    let mut parent = None;
    if !opts.foreground {
        match become_daemon(!opts.no_fork) {
            Ok(p) => parent = p,
            Err(()) => {
                msg(Level::Err, "Cannot daemonize");
                exiting();
                return 1;
            }
        }
    }
    let pid_file = opts.pid_file.clone().unwrap_or_else(|| {
        PathBuf::from(if opts.multicast {
            MULTICAST_PID_FILE
        } else {
            DEFAULT_PID_FILE
        })
    });
    let state_file = opts.state_file.clone().unwrap_or_else(|| {
        PathBuf::from(if opts.multicast {
            MULTICAST_STATE_FILE
        } else {
            DEFAULT_STATE_FILE
        })
    });

    // local_events = no: a collector only; the kernel is not asked for records.
    let rec_sock = if !cfg.local_events {
        None
    } else {
        match source::open(mode) {
            Ok(s) => Some(s),
            Err(e) => {
                msg(
                    Level::Err,
                    &format!("Cannot open netlink audit socket ({e})"),
                );
                tell_parent(&mut parent, false);
                exiting();
                return 1;
            }
        }
    };
    let ctl = AuditSocket::open().ok();
    let have_pid_file = write_pid_file(&pid_file);
    let cleanup_files = |have: bool| {
        if have {
            let _ = std::fs::remove_file(&pid_file);
        }
        let _ = std::fs::remove_file(&state_file);
    };

    let background = !opts.foreground;
    let mut writer = LogWriter::new(cfg.clone(), background, Box::new(SystemActions::from_env()));
    if !writer.init() {
        cleanup_files(have_pid_file);
        tell_parent(&mut parent, false);
        exiting();
        return 1;
    }
    let node = match resolve_node(&cfg) {
        Ok(n) => n,
        Err(NodeError) => {
            cleanup_files(have_pid_file);
            tell_parent(&mut parent, false);
            exiting();
            return 1;
        }
    };
    let session = read_proc("/proc/self/sessionid")
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(u32::MAX);
    let inbox = Arc::new(Inbox::new(INBOX_BYTES));
    let counters = Arc::new(SourceCounters::default());
    let mut d = Daemon {
        opts: opts.clone(),
        mode,
        writer,
        names: SystemNames::default(),
        node,
        gaps: GapTracker::new(4096),
        line: Vec::with_capacity(16 << 10),
        seq_num: 0,
        subj: get_subj(),
        session,
        ctl,
        counters: counters.clone(),
        inbox: inbox.clone(),
        state_file: state_file.clone(),
        eoe_seen: 0,
        last_record: None,
        started: Instant::now(),
        last_tick: Instant::now(),
        last_tick_records: 0,
        rate: 0.0,
        reported_loss: (0, 0, 0),
        kernel_lost_start: None,
        sinks: Vec::new(),
        net: None,
        loss: Arc::default(),
        canary: None,
        events: 0,
        last_serial: 0,
        last_tick_events: 0,
        event_rate: 0.0,
    };

    // The plugin dispatcher starts before DAEMON_START (auditd's init_dispatcher).
    d.sinks
        .push(Box::new(crate::dispatch::Dispatcher::new(&d.writer.cfg)));

    // A collector settles an interrupted write of remote records against
    // the end of the log before anything else is written to it.
    let mut remote_store = (cfg.tcp_listen_port != 0).then(|| crate::listen::open_store(&cfg));
    // DAEMON_START.
    let release = nix::sys::utsname::uname()
        .map(|u| {
            u.release()
                .to_string_lossy()
                .chars()
                .take(56)
                .collect::<String>()
        })
        .unwrap_or_default();
    let auid = loginuid("self");
    // SAFETY: getuid never fails.
    let uid = unsafe { libc::getuid() };
    let start = match &d.subj {
        Some(s) => format!(
            "op=start ver={VERSION} format={} kernel={release} auid={auid} pid={} uid={uid} ses={session} subj={s} res=success",
            cfg.log_format.name(),
            std::process::id()
        ),
        None => format!(
            "op=start ver={VERSION} format={} kernel={release} auid={auid} pid={} uid={uid} ses={session} res=success",
            cfg.log_format.name(),
            std::process::id()
        ),
    };
    match crate::json::sink_from_config(&cfg, d.loss.clone()) {
        Ok(Some(s)) => d.sinks.push(s),
        Ok(None) => {}
        Err(e) => msg(Level::Err, &format!("JSON output not started: {e}")),
    }
    d.daemon_event(AUDIT_DAEMON_START, &start);
    avoid_oom_killer();
    msg(Level::Debug, "config_manager init complete");

    let mut restore = KernelRestore {
        pid_registered: false,
        enabled_before: None,
    };
    let status_now = d.kernel_status();
    if let Some(st) = &status_now {
        d.kernel_lost_start = Some(st.lost);
        d.reported_loss.2 = st.lost;
    }
    let mut rec_sock = rec_sock;
    if mode == Mode::Unicast && cfg.local_events {
        if opts.startup != Startup::NoChange {
            let want = if opts.startup == Startup::Enable {
                1
            } else {
                0
            };
            let enabled = status_now.as_ref().map(|s| s.enabled).unwrap_or(0);
            if enabled < 2 {
                let r = d.ctl.as_mut().map(|c| c.set_enabled(want));
                match r {
                    Some(Ok(())) => {
                        if enabled != want {
                            restore.enabled_before = Some(enabled);
                        }
                    }
                    _ => {
                        let t = d.ids_text("set-enable", "failed");
                        d.daemon_event(AUDIT_DAEMON_ABORT, &t);
                        msg(
                            Level::Err,
                            &format!(
                                "Unable to set initial audit startup state to '{}', exiting",
                                STARTUP_NAMES[opts.startup as usize]
                            ),
                        );
                        d.writer.shutdown();
                        cleanup_files(have_pid_file);
                        tell_parent(&mut parent, false);
                        exiting();
                        return 1;
                    }
                }
            }
        }
        let registered = match rec_sock.as_mut() {
            Some(s) => source::register(s),
            None => Ok(()),
        };
        if let Err(e) = registered {
            let holder = d.kernel_status().map(|s| s.pid).filter(|p| *p != 0);
            let t = d.ids_text("set-pid", "failed");
            d.daemon_event(AUDIT_DAEMON_ABORT, &t);
            match holder {
                Some(p) => msg(
                    Level::Err,
                    &format!(
                        "Unable to set audit pid, exiting: the audit pid is held by {} ({e})",
                        source::describe_pid(p)
                    ),
                ),
                None => msg(
                    Level::Err,
                    &format!("Unable to set audit pid, exiting ({e})"),
                ),
            }
            restore_kernel(&mut d, &restore);
            d.writer.shutdown();
            cleanup_files(have_pid_file);
            tell_parent(&mut parent, false);
            exiting();
            return 1;
        }
        restore.pid_registered = true;
    }

    let reader = match rec_sock.map(|s| Reader::spawn(s, inbox.clone(), counters)) {
        None => None,
        Some(Ok(r)) => Some(r),
        Some(Err(e)) => {
            msg(Level::Err, &format!("Cannot start the kernel reader ({e})"));
            restore_kernel(&mut d, &restore);
            d.writer.shutdown();
            cleanup_files(have_pid_file);
            tell_parent(&mut parent, false);
            exiting();
            return 1;
        }
    };
    let mut reader = reader;
    spawn_signal_thread(inbox.clone());
    d.canary_reconfigure();
    let (mut listener, mut collector) = if cfg.tcp_listen_port != 0 {
        match crate::listen::Listener::start(&cfg, inbox.clone()) {
            Ok((l, mut c)) => {
                if let Some(s) = remote_store.take() {
                    c.set_store(s);
                }
                d.net = Some(l.counters());
                (Some(l), Some(c))
            }
            Err(e) => {
                msg(Level::Err, &e);
                let t = d.ids_text("network-init", "failed");
                d.daemon_event(AUDIT_DAEMON_ABORT, &t);
                if let Some(r) = reader.as_mut() {
                    r.stop();
                }
                restore_kernel(&mut d, &restore);
                d.writer.shutdown();
                cleanup_files(have_pid_file);
                tell_parent(&mut parent, false);
                exiting();
                return 1;
            }
        }
    } else {
        (None, None)
    };
    tell_parent(&mut parent, true);
    msg(
        Level::Notice,
        &format!(
            "Init complete, auditd {VERSION} listening for events (startup state {})",
            STARTUP_NAMES[opts.startup as usize]
        ),
    );

    // The event loop.
    let mut term_from: Option<i32> = None;
    loop {
        match inbox.pop(Duration::from_millis(500)) {
            Some(Item::Batch(b)) => {
                for (t, p) in b.iter() {
                    d.record(t, p);
                }
                d.writer.flush_pending();
            }
            Some(Item::Net(nb)) => {
                if let Some(c) = collector.as_mut() {
                    c.handle(nb, &mut d);
                }
            }
            Some(Item::Control(Control::Signal { sig, pid, .. })) if !d.signal(sig, pid) => {
                term_from = Some(pid);
                break;
            }
            Some(Item::Control(Control::Signal { sig, .. })) if sig == libc::SIGHUP => {
                if let Some(c) = collector.as_mut() {
                    c.reload(&d.writer.cfg);
                }
                if let Some(l) = listener.as_ref() {
                    l.reconfigure(&d.writer.cfg);
                }
            }
            Some(Item::Control(Control::Signal { .. })) => {}
            Some(Item::Control(Control::ReaderFailed(e))) => {
                msg(
                    Level::Err,
                    &format!("Error receiving audit netlink packet ({e})"),
                );
                break;
            }
            None => {}
        }
        d.tick();
    }

    // Stop reading, write what was already received.
    if let Some(r) = reader.as_mut() {
        r.stop();
    }
    if let Some(l) = listener.as_mut() {
        // Peers get ENDING; their DAEMON_CLOSE records come through the inbox.
        l.stop();
    }
    inbox.close();
    while let Some(item) = inbox.pop(Duration::ZERO) {
        match item {
            Item::Batch(b) => {
                for (t, p) in b.iter() {
                    d.record(t, p);
                }
            }
            Item::Net(nb) => {
                if let Some(c) = collector.as_mut() {
                    c.handle(nb, &mut d);
                }
            }
            Item::Control(_) => {}
        }
    }
    d.writer.flush_pending();
    d.gaps.settle_all();
    let end = match term_from.and_then(|p| d.sender(p)) {
        Some((auid, p, ctx)) => signal_info_text("terminate", auid, p, &ctx, "success"),
        None => "op=terminate auid=-1 uid=-1 ses=-1 pid=-1 subj=? res=success".into(),
    };
    d.daemon_event(AUDIT_DAEMON_END, &end);
    restore_kernel(&mut d, &restore);
    for sink in &mut d.sinks {
        sink.shutdown();
    }
    d.writer.shutdown();
    cleanup_files(have_pid_file);
    exiting();
    0
}

impl crate::listen::Target for Daemon {
    fn daemon_event(&mut self, rtype: u16, text: &str) {
        Daemon::daemon_event(self, rtype, text);
    }
    fn writer(&mut self) -> &mut LogWriter {
        &mut self.writer
    }
    fn background(&self) -> bool {
        !self.opts.foreground
    }
    fn dispatch(&mut self, rtype: u16, record: &[u8], line: &[u8]) {
        let rec = Record {
            rtype,
            raw: record,
            text: line,
            formatted: true,
        };
        for s in &mut self.sinks {
            s.record(&rec);
        }
    }
}

/// Releases the pid and puts `enabled` back as found.
fn restore_kernel(d: &mut Daemon, r: &KernelRestore) {
    let Some(ctl) = d.ctl.as_mut() else { return };
    if r.pid_registered {
        let _ = ctl.set_pid(0);
    }
    if let Some(e) = r.enabled_before {
        let _ = ctl.set_enabled(e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn options_like_getopt() {
        let o =
            parse_args(&os(&["-fn", "-s", "nochange", "-c/etc/x"])).unwrap_or_else(|_| panic!());
        assert!(o.foreground && o.no_fork && !o.allow_links);
        assert_eq!(o.startup, Startup::NoChange);
        assert_eq!(o.config_dir, Some(PathBuf::from("/etc/x")));
        // A prefix selects the state, the first match wins ("" is "disable").
        assert_eq!(
            parse_args(&os(&["-s", "en"])).map(|o| o.startup).ok(),
            Some(Startup::Enable)
        );
        assert_eq!(
            parse_args(&os(&["-s", ""])).map(|o| o.startup).ok(),
            Some(Startup::Disable)
        );
        assert_eq!(parse_args(&os(&["-s", "bogus"])).err(), Some(2));
        assert_eq!(parse_args(&os(&["extra"])).err(), Some(2));
        assert_eq!(parse_args(&os(&["-x"])).err(), Some(2));
        let o = parse_args(&os(&[
            "--multicast",
            "--enable_state=disable",
            "--pid-file",
            "/tmp/p",
        ]))
        .unwrap_or_else(|_| panic!());
        assert!(o.multicast);
        assert_eq!(o.startup, Startup::Disable);
        assert_eq!(o.pid_file, Some(PathBuf::from("/tmp/p")));
    }

    #[test]
    fn stamps_and_types() {
        assert_eq!(
            stamp(b"audit(1700000000.123:42): x"),
            Some((1700000000, 123, 42))
        );
        assert_eq!(stamp(b"garbage"), None);
        assert!(skipped(1203) && skipped(1011) && !skipped(1300) && !skipped(1320));
        assert!(has_message(1300) && has_message(1112) && !has_message(1001) && !has_message(3000));
    }
}
