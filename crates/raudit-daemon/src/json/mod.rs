//! The JSON output of the daemon (a [`Sink`]) and of `raudit json --plugin`.
//!
//! Records are assembled into events (`EOE` ends an event at once; an idle second
//! ends the rest), passed through [`raudit_json::Pipeline`] (process table seeded
//! from /proc and kept from the events, filters) and written as JSON lines.
//!
//! The stream carries status objects (every `raudit_json_status_interval`
//! seconds and at the end) so a consumer can prove completeness:
//!
//! ```text
//! {"RAUDIT_STATUS":{"time":1700000000,"kernel_lost":0,"sequence_gaps":0,
//!   "enobufs":0,"filtered":0,"overflow":{"json":0}}}
//! ```
//!
//! `kernel_lost` is the kernel's lost counter since the daemon started,
//! `sequence_gaps` the serial numbers the kernel assigned that never arrived,
//! `enobufs` netlink socket overflows, `filtered` events dropped by the JSON
//! filters, `overflow` records each sink dropped because its queue was full.
//!
//! auditd.conf keys (raudit only; files without them parse as before):
//! `raudit_json_output` (`none` (default), `stdout` or a file path),
//! `raudit_json_max_file` (MiB before rotation, 0 = never), `raudit_json_num_files`
//! (rotated files kept, default 5), `raudit_json_status_interval` (seconds,
//! default 60, 0 = only at the end), `raudit_json_settings` (a file of
//! `name = value` lines: the settings of `raudit_json::filter`).

pub mod output;
pub mod procfs;

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use raudit_json::{Pipeline, Settings};
use raudit_logfmt::{parse_header, Assembler};

use crate::sink::{Record, Sink};
use output::Output;

/// Counters of loss the status objects report, shared by the daemon and its sinks.
#[derive(Debug, Default)]
pub struct LossCounters {
    /// Kernel `lost` since the daemon started.
    pub kernel_lost: AtomicU64,
    /// Sequence gaps.
    pub gaps: AtomicU64,
    /// Netlink ENOBUFS.
    pub enobufs: AtomicU64,
    overflows: Mutex<Vec<(String, Arc<AtomicU64>)>>,
    /// Other sinks' overflow counts, copied by the daemon once a second.
    pub others: Mutex<Vec<(String, u64)>>,
}

impl LossCounters {
    /// A counter of records a sink named `name` dropped on queue overflow.
    pub fn register(&self, name: &str) -> Arc<AtomicU64> {
        let c = Arc::new(AtomicU64::new(0));
        if let Ok(mut v) = self.overflows.lock() {
            v.push((name.to_string(), c.clone()));
        }
        c
    }

    /// Appends a status object line.
    pub fn write_status(&self, filtered: u64, out: &mut Vec<u8>) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed);
        out.extend_from_slice(
            format!(
                "{{\"RAUDIT_STATUS\":{{\"time\":{now},\"kernel_lost\":{},\"sequence_gaps\":{},\"enobufs\":{},\"filtered\":{filtered},\"overflow\":{{",
                l(&self.kernel_lost),
                l(&self.gaps),
                l(&self.enobufs)
            )
            .as_bytes(),
        );
        let mut first = true;
        if let Ok(v) = self.overflows.lock() {
            for (n, c) in v.iter() {
                if !first {
                    out.push(b',');
                }
                first = false;
                raudit_json::write::key(out, n.as_bytes());
                raudit_json::write::uint(out, l(c));
            }
        }
        if let Ok(v) = self.others.lock() {
            for (n, c) in v.iter() {
                if !first {
                    out.push(b',');
                }
                first = false;
                raudit_json::write::key(out, n.as_bytes());
                raudit_json::write::uint(out, *c);
            }
        }
        out.extend_from_slice(b"}}}\n");
    }
}

/// Records → events → JSON lines in `out` (see the module documentation).
pub struct LiveJson {
    asm: Assembler,
    pipe: Pipeline,
    procs: procfs::ProcFs,
    /// JSON lines not yet written.
    pub out: Vec<u8>,
    last_input: Instant,
    line: Vec<u8>,
    /// Serial gaps seen in the stream (plugin mode: the daemon counts its own).
    gaps: Option<crate::gaps::GapTracker>,
}

impl LiveJson {
    /// A live pipeline; the process table is seeded from /proc when ancestry is on.
    pub fn new(settings: Settings, eoe_timeout: i64) -> LiveJson {
        let mut pipe = Pipeline::new(Box::new(crate::names::SystemNames::default()), settings);
        if pipe.settings.depth > 0 || !pipe.settings.label_names.is_empty() {
            procfs::seed(&mut pipe.table, &pipe.settings);
        }
        LiveJson {
            asm: Assembler::new(eoe_timeout.max(1)),
            pipe,
            procs: procfs::ProcFs,
            out: Vec::with_capacity(1 << 20),
            last_input: Instant::now(),
            line: Vec::new(),
            gaps: None,
        }
    }

    /// Events dropped by the filters.
    pub fn filtered(&self) -> u64 {
        self.pipe.dropped
    }

    /// One record line as logged (`[node=… ]type=… msg=audit(…): …`, ENRICHED or not).
    pub fn line(&mut self, text: &[u8]) {
        self.last_input = Instant::now();
        let Ok(h) = parse_header(text, self.asm.eoe_timeout()) else {
            return;
        };
        if let Some(g) = &mut self.gaps {
            if !(1200..1300).contains(&h.rtype) {
                g.observe(h.id.serial);
            }
        }
        if h.rtype == 1320 {
            self.asm.end_of_event(&h);
        } else {
            self.asm.add(&h, text);
        }
        self.drain();
    }

    /// A record from the dispatcher's binary protocol: VER0 data is the kernel's
    /// payload (given a `type=NAME msg=` prefix here), VER2 the formatted record.
    pub fn frame(&mut self, ver: u32, rtype: u32, data: &[u8]) {
        if ver == 0 {
            let mut l = std::mem::take(&mut self.line);
            l.clear();
            l.extend_from_slice(b"type=");
            crate::format::type_name(rtype as u16, &mut l);
            l.extend_from_slice(b" msg=");
            l.extend_from_slice(data);
            self.line(&l);
            self.line = l;
        } else {
            self.line(data);
        }
    }

    /// Ends held events when no record came for a second (the kernel ends
    /// multi-record events with EOE; this catches the rest).
    pub fn idle_check(&mut self) {
        if self.asm.held() > 0 && self.last_input.elapsed() >= Duration::from_secs(1) {
            self.finish();
        }
    }

    /// Ends every held event.
    pub fn finish(&mut self) {
        self.asm.terminate_all();
        self.drain();
    }

    fn drain(&mut self) {
        while let Some(ev) = self.asm.next_ready() {
            self.pipe.event(&ev, Some(&mut self.procs), &mut self.out);
            self.asm.recycle(ev);
        }
    }
}

/// Reads a `raudit_json_settings` file: `name = value` lines, `#` comments.
pub fn load_settings(path: &str) -> Result<Settings, String> {
    let mut s = Settings::default();
    read_name_values(path, |k, v| s.set(k, v))?;
    Ok(s)
}

/// Reads `path` as `name = value` lines (blank lines and `#` comments skipped)
/// and hands each pair, trimmed, to `set`; errors name the file and line.
fn read_name_values(
    path: &str,
    mut set: impl FnMut(&str, &str) -> Result<(), String>,
) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    for (n, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let (k, v) = l
            .split_once('=')
            .ok_or_else(|| format!("{path}:{}: expected name = value", n + 1))?;
        set(k.trim(), v.trim()).map_err(|e| format!("{path}:{}: {e}", n + 1))?;
    }
    Ok(())
}

enum Msg {
    Batch(Vec<u8>),
    Stop,
}

/// Queue length in batches (each up to [`BATCH`] bytes).
const QUEUE: usize = 256;
const BATCH: usize = 256 << 10;

/// The daemon's JSON sink: records are batched, queued to a worker thread
/// (a full queue drops the batch and counts its records), assembled and written.
pub struct JsonSink {
    tx: SyncSender<Msg>,
    batch: Vec<u8>,
    batch_records: u64,
    overflow: Arc<AtomicU64>,
    worker: Option<std::thread::JoinHandle<()>>,
}

impl JsonSink {
    /// Starts the worker writing to `out`.
    pub fn start(
        settings: Settings,
        out: Output,
        eoe_timeout: i64,
        status_every: Duration,
        loss: Arc<LossCounters>,
    ) -> JsonSink {
        let (tx, rx) = std::sync::mpsc::sync_channel(QUEUE);
        let overflow = loss.register("json");
        let worker = std::thread::Builder::new()
            .name("json".into())
            .spawn(move || worker(rx, settings, out, eoe_timeout, status_every, loss))
            .ok();
        JsonSink {
            tx,
            batch: Vec::with_capacity(BATCH + (16 << 10)),
            batch_records: 0,
            overflow,
            worker,
        }
    }

    fn send(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let b = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH + (16 << 10)));
        match self.tx.try_send(Msg::Batch(b)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                self.overflow
                    .fetch_add(self.batch_records, Ordering::Relaxed);
            }
        }
        self.batch_records = 0;
    }
}

fn worker(
    rx: Receiver<Msg>,
    settings: Settings,
    mut out: Output,
    eoe_timeout: i64,
    status_every: Duration,
    loss: Arc<LossCounters>,
) {
    let mut live = LiveJson::new(settings, eoe_timeout);
    let mut last_status = Instant::now();
    loop {
        match rx.recv_timeout(Duration::from_millis(500)) {
            Ok(Msg::Batch(b)) => {
                for l in b.split(|&c| c == b'\n') {
                    if !l.is_empty() {
                        live.line(l);
                    }
                }
            }
            Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => live.idle_check(),
        }
        if !status_every.is_zero() && last_status.elapsed() >= status_every {
            loss.write_status(live.filtered(), &mut live.out);
            last_status = Instant::now();
        }
        out.write(&live.out);
        live.out.clear();
    }
    live.finish();
    loss.write_status(live.filtered(), &mut live.out);
    out.write(&live.out);
}

impl Sink for JsonSink {
    fn name(&self) -> &str {
        "json"
    }

    fn record(&mut self, rec: &Record<'_>) {
        self.batch.extend_from_slice(rec.text);
        if !rec.text.ends_with(b"\n") {
            self.batch.push(b'\n');
        }
        self.batch_records += 1;
        if self.batch.len() >= BATCH {
            self.send();
        }
    }

    fn tick(&mut self) {
        self.send();
    }

    fn state(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = writeln!(
            out,
            "json overflow records = {}",
            self.overflow.load(Ordering::Relaxed)
        );
    }

    fn shutdown(&mut self) {
        self.send();
        let _ = self.tx.send(Msg::Stop);
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

/// How `raudit json --plugin` runs: the JSON settings and where lines go.
///
/// A plugin configuration file (`--plugin=FILE` or `--config FILE`; auditd 3.0.9
/// passes a plugin at most two arguments, so `args = json --plugin=FILE` is the
/// form for its plugins.d) holds `name = value` lines: every setting of
/// [`raudit_json::Settings`] and `output` (`stdout` or a file path), `max_file`
/// (MiB before the file rotates, 0 = never), `num_files` (rotated files kept)
/// and `status_interval` (seconds between status objects, 0 = only at the end).
#[derive(Debug, Clone)]
pub struct PluginOptions {
    /// JSON settings.
    pub settings: Settings,
    /// Output file (None: stdout).
    pub output: Option<String>,
    /// MiB before the output file rotates (0: never).
    pub max_file: u64,
    /// Rotated files kept.
    pub num_files: u32,
    /// Seconds between status objects (0: only at the end).
    pub status_interval: u64,
}

impl Default for PluginOptions {
    fn default() -> PluginOptions {
        PluginOptions {
            settings: Settings::default(),
            output: None,
            max_file: 0,
            num_files: 5,
            status_interval: 60,
        }
    }
}

impl PluginOptions {
    /// The names [`PluginOptions::set`] takes besides the JSON settings.
    pub const NAMES: &'static [&'static str] =
        &["output", "max_file", "num_files", "status_interval"];

    /// Applies one `name = value` (a plugin key or a JSON setting).
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let value = value.trim();
        let num = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("{name}: expected a number, got \"{v}\""))
        };
        match name.replace('-', "_").as_str() {
            "output" => {
                self.output = match value {
                    "" => return Err("output: expected stdout or a file path".into()),
                    "stdout" | "-" => None,
                    p => Some(p.to_string()),
                }
            }
            "max_file" => self.max_file = num(value)?,
            "num_files" => {
                self.num_files = u32::try_from(num(value)?)
                    .map_err(|_| format!("num_files: \"{value}\" is too large"))?
            }
            "status_interval" => self.status_interval = num(value)?,
            _ => self.settings.set(name, value)?,
        }
        Ok(())
    }

    /// Reads a plugin configuration file (`name = value` lines, `#` comments);
    /// errors name the file and line.
    pub fn load(&mut self, path: &str) -> Result<(), String> {
        read_name_values(path, |k, v| self.set(k, v))
    }
}

/// Whether a plugin stream starts with an audisp binary header: the version
/// (0 or 1) then the header length (16), host-endian `u32`s.
fn is_binary_header(head: &[u8]) -> bool {
    let word = |i: usize| {
        head.get(i..i + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_ne_bytes)
    };
    matches!(word(0), Some(0 | 1)) && word(4) == Some(raudit_wire::audisp::HEADER_LEN as u32)
}

/// How long a SIGTERM'd plugin keeps reading stdin for records already sent
/// before it ends (auditd closes the socket right after its SIGTERM, so EOF
/// normally comes first).
const TERM_DRAIN: Duration = Duration::from_secs(2);

/// `raudit json --plugin`: the audisp protocol on stdin (binary frames or string
/// lines, detected from the first bytes), JSON lines on stdout or the
/// configured file, a status object (sequence gaps seen in the stream, filtered
/// events) every `status_interval` seconds and at the end.
///
/// Under auditd: SIGHUP (sent on auditd's reconfigure) reopens the output file
/// (for log rotation); SIGTERM reads what is still on stdin (until EOF, at most
/// [`TERM_DRAIN`]), ends the held events, writes the final status and exits 0,
/// as does EOF. An event without EOE is written after a second without input.
pub fn plugin_main(opts: PluginOptions) -> i32 {
    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
    use nix::sys::signal::{SigSet, Signal};
    use nix::sys::signalfd::{SfdFlags, SignalFd};
    use raudit_wire::audisp::{BinaryDecoder, Layout, LineDecoder, MAX_LINE};
    use std::os::fd::AsFd;

    let mut sigs = SigSet::empty();
    sigs.add(Signal::SIGTERM);
    sigs.add(Signal::SIGHUP);
    sigs.add(Signal::SIGINT);
    let sfd = match sigs
        .thread_block()
        .map_err(|e| e.to_string())
        .and_then(|()| {
            SignalFd::with_flags(&sigs, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC)
                .map_err(|e| e.to_string())
        }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("raudit json --plugin: signals: {e}");
            return 1;
        }
    };
    let mut out = match &opts.output {
        None => Output::Stdout,
        Some(p) => {
            let o = Output::file(p.into(), opts.max_file << 20, opts.num_files);
            if !o.is_open() {
                eprintln!(
                    "raudit json --plugin: cannot open {p}: {}",
                    std::io::Error::last_os_error()
                );
                return 1;
            }
            o
        }
    };
    let status_every = Duration::from_secs(opts.status_interval);
    let mut live = LiveJson::new(opts.settings, 2);
    live.gaps = Some(crate::gaps::GapTracker::new(4096));
    let loss = LossCounters::default();
    let stdin = std::io::stdin();
    let mut stdin_l = stdin.lock();
    let mut buf = vec![0u8; 1 << 18];
    let mut first = true;
    let mut head = Vec::new();
    let mut binary = false;
    let mut bin = BinaryDecoder::new(Layout::Padded);
    let mut lines = LineDecoder::new(MAX_LINE);
    let mut last_status = Instant::now();
    let mut term: Option<Instant> = None;
    let mut status = 0;
    'run: loop {
        let wait = match term {
            Some(t) => match TERM_DRAIN.checked_sub(t.elapsed()) {
                Some(left) => left.min(Duration::from_millis(500)),
                None => break,
            },
            None => Duration::from_millis(500),
        };
        let (ready_in, ready_sig) = {
            let mut fds = [
                PollFd::new(stdin.as_fd(), PollFlags::POLLIN),
                PollFd::new(sfd.as_fd(), PollFlags::POLLIN),
            ];
            let ms = PollTimeout::try_from(wait).unwrap_or(PollTimeout::MAX);
            match poll(&mut fds, ms) {
                Ok(_) => {}
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => {
                    eprintln!("raudit json --plugin: poll: {e}");
                    status = 1;
                    break;
                }
            }
            let r = |f: &PollFd| f.revents().is_some_and(|r| !r.is_empty());
            (r(&fds[0]), r(&fds[1]))
        };
        if ready_sig {
            while let Ok(Some(si)) = sfd.read_signal() {
                if si.ssi_signo == libc::SIGHUP as u32 {
                    out.reopen();
                } else if term.is_none() {
                    term = Some(Instant::now());
                }
            }
        }
        if ready_in {
            let n = loop {
                match stdin_l.read(&mut buf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        eprintln!("raudit json --plugin: reading stdin: {e}");
                        status = 1;
                        break 'run;
                    }
                }
            };
            if n == 0 {
                break;
            }
            let mut data = &buf[..n];
            if first {
                // the format is decided on the first 8 bytes, however they arrive
                head.extend_from_slice(data);
                if head.len() < 8 {
                    continue;
                }
                first = false;
                binary = is_binary_header(&head);
                data = &head;
            }
            if binary {
                bin.feed(data);
                loop {
                    match bin.next_frame() {
                        Ok(Some(f)) => live.frame(f.header.ver, f.header.rtype, f.data),
                        Ok(None) => break,
                        Err(e) => {
                            eprintln!("raudit json --plugin: {e}");
                            status = 1;
                            break 'run;
                        }
                    }
                }
            } else {
                lines.feed(data);
                loop {
                    match lines.next_line() {
                        Ok(Some(l)) => live.line(l),
                        Ok(None) => break,
                        Err(e) => eprintln!("raudit json --plugin: {e}"),
                    }
                }
            }
            if !head.is_empty() {
                head = Vec::new();
            }
        }
        live.idle_check();
        if !status_every.is_zero() && last_status.elapsed() >= status_every {
            let g = live.gaps.as_ref().map_or(0, |g| g.gaps());
            loss.gaps.store(g, Ordering::Relaxed);
            loss.write_status(live.filtered(), &mut live.out);
            last_status = Instant::now();
        }
        if !out.write(&live.out) {
            eprintln!(
                "raudit json --plugin: write: {}",
                std::io::Error::last_os_error()
            );
            return 1;
        }
        live.out.clear();
    }
    if first && !head.is_empty() {
        // fewer than 8 bytes in all: a (short) string-format stream
        lines.feed(&head);
    }
    if !binary {
        if let Some(l) = lines.finish() {
            live.line(l);
        }
    }
    live.finish();
    if let Some(g) = &mut live.gaps {
        g.settle_all();
        loss.gaps.store(g.gaps(), Ordering::Relaxed);
    }
    loss.write_status(live.filtered(), &mut live.out);
    if !out.write(&live.out) {
        return 1;
    }
    status
}

/// The JSON sink the configuration asks for (`raudit_json_output`), if any.
pub fn sink_from_config(
    cfg: &crate::config::Config,
    loss: Arc<LossCounters>,
) -> Result<Option<Box<dyn Sink>>, String> {
    let Some(o) = &cfg.json_output else {
        return Ok(None);
    };
    let settings = match &cfg.json_settings {
        Some(p) => load_settings(p)?,
        None => Settings::default(),
    };
    let out = if o == "stdout" {
        Output::Stdout
    } else {
        Output::file(o.into(), cfg.json_max_file << 20, cfg.json_num_files)
    };
    Ok(Some(Box::new(JsonSink::start(
        settings,
        out,
        cfg.end_of_event_timeout.min(3600) as i64,
        Duration::from_secs(u64::from(cfg.json_status_interval)),
        loss,
    ))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_header_detected_in_host_order() {
        let hdr = |ver: u32, hlen: u32| {
            let mut h = ver.to_ne_bytes().to_vec();
            h.extend_from_slice(&hlen.to_ne_bytes());
            h.extend_from_slice(&[0; 8]);
            h
        };
        assert!(is_binary_header(&hdr(0, 16)));
        assert!(is_binary_header(&hdr(1, 16)));
        assert!(!is_binary_header(&hdr(2, 16)));
        assert!(!is_binary_header(&hdr(1, 17)));
        assert!(!is_binary_header(&hdr(1, 16)[..7]));
        assert!(!is_binary_header(b"type=SYSCALL msg=audit(1.2:3): x=1\n"));
    }

    #[test]
    fn name_value_files_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("json.conf");
        std::fs::write(&p, "# c\n\noutput = stdout\nnonsense\n").unwrap();
        let p = p.to_str().unwrap();
        let mut seen = Vec::new();
        let e = read_name_values(p, |k, v| {
            seen.push((k.to_string(), v.to_string()));
            Ok(())
        })
        .unwrap_err();
        assert_eq!(seen, [("output".to_string(), "stdout".to_string())]);
        assert_eq!(e, format!("{p}:4: expected name = value"));
        std::fs::write(dir.path().join("json.conf"), "x = 1\n").unwrap();
        let e = read_name_values(p, |_, _| Err("bad".into())).unwrap_err();
        assert_eq!(e, format!("{p}:1: bad"));
    }
}
