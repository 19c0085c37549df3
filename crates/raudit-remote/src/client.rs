//! The client's event loop: stdin → queue → collector, replies → queue.

use std::collections::VecDeque;
use std::os::fd::BorrowedFd;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use raudit_remote_proto::{
    encode_ascii, encode_frame, kind, Hello, HelloAck, Item, StreamId, MVER_EOE, MVER_RAUDIT,
};
use rustix::event::{PollFd, PollFlags};

use crate::config::{Action, Config, Format, Level, Mode, OverflowAction, QueueSync};
use crate::conn::{self, Conn, ReadOutcome};
use crate::input::{is_eoe, Input};
use crate::queue::{raw_crc, Queue, QueueError};

/// Flags the signal handlers set (SIGTERM, SIGHUP, SIGUSR1, SIGUSR2).
#[derive(Default)]
pub struct Signals {
    /// SIGTERM: flush nothing more, exit.
    pub stop: AtomicBool,
    /// SIGHUP: drop the connection (reconnect with the next record).
    pub hup: AtomicBool,
    /// SIGUSR1: log the state.
    pub dump: AtomicBool,
    /// SIGUSR2: resume after `suspend`.
    pub resume: AtomicBool,
}

impl Signals {
    /// All clear (usable in a `static`).
    pub const fn new() -> Signals {
        Signals {
            stop: AtomicBool::new(false),
            hup: AtomicBool::new(false),
            dump: AtomicBool::new(false),
            resume: AtomicBool::new(false),
        }
    }
}

/// Where messages go (the binary sends them to syslog and stderr).
pub type Log<'a> = &'a dyn Fn(Level, &str);

/// The program `single`/`halt` actions run with "1"/"0" (`/sbin/init`);
/// tests point `RAUDIT_REMOTE_INIT` at a harmless script instead.
fn init_program() -> PathBuf {
    std::env::var_os("RAUDIT_REMOTE_INIT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/sbin/init"))
}

enum Flight {
    Hello,
    Heartbeat,
    Record(u32),
    /// An EOE record the peer must not see: completes in order, unsent.
    Skip,
}

struct Link {
    conn: Conn,
    flights: VecDeque<(Flight, Instant)>,
    /// Hello answered (or not sent).
    ready: bool,
    extended: bool,
    /// Ascii records written into `conn.out` and not yet completed.
    ascii_pending: usize,
    last_io: Instant,
}

#[derive(PartialEq, Eq)]
enum Verdict {
    Continue,
    Halt,
}

enum Loss {
    /// The server closed or said ENDING.
    Ended(String),
    /// Anything else.
    Failed(String),
    /// Handled already (disk full …): just reconnect later.
    Quiet,
}

/// The client.
pub struct Client<'a> {
    cfg: Config,
    q: Queue,
    input: Input,
    link: Option<Link>,
    sig: &'a Signals,
    log: Log<'a>,
    stop: bool,
    suspend: bool,
    warned: u8,
    /// May connect (false after the server ended and the action is not
    /// reconnect, until SIGHUP).
    may_connect: bool,
    connected_once: bool,
    tries: u32,
    failing_since: Option<Instant>,
    next_attempt: Instant,
    input_pause: Option<Instant>,
    node: Option<Vec<u8>>,
    tls: Option<(
        std::sync::Arc<rustls::ClientConfig>,
        rustls::pki_types::ServerName<'static>,
    )>,
}

/// A fresh random stream id.
pub fn random_stream() -> StreamId {
    let mut b = [0u8; 8];
    if rustix::rand::getrandom(&mut b, rustix::rand::GetRandomFlags::empty()).is_err() {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        b = (t ^ u64::from(std::process::id()) << 32).to_le_bytes();
    }
    StreamId(u64::from_le_bytes(b))
}

/// Runs the client until stdin ends (and the queue is flushed) or a stop.
/// Returns the exit status: 0 if nothing is left queued, 1 otherwise (as the
/// original).
pub fn run(cfg: Config, stdin: BorrowedFd<'_>, sig: &Signals, log: Log<'_>) -> i32 {
    let forward = cfg.mode == Mode::Forward;
    let mut input = match Input::new(stdin, forward) {
        Ok(i) => i,
        Err(e) => {
            log(Level::Err, &format!("Error reading standard input: {e}"));
            return 1;
        }
    };
    let q = if forward {
        match open_queue(&cfg, &mut input) {
            Ok(q) => q,
            Err(e) => {
                log(
                    Level::Err,
                    &format!("Error initializing audit record queue: {e}"),
                );
                return 1;
            }
        }
    } else {
        Queue::memory(cfg.queue_depth, random_stream())
    };
    let tls = if cfg.transport == crate::config::Transport::Tls {
        match crate::tls::client_config(&cfg) {
            Ok(t) => Some(t),
            Err(e) => {
                log(Level::Err, &format!("TLS setup failed: {e}"));
                return 1;
            }
        }
    } else {
        None
    };
    let node = rustix::system::uname().nodename().to_bytes().to_vec();
    log(
        Level::Info,
        &format!("Audisp-remote started with queue_size: {}", q.len()),
    );
    let mut c = Client {
        cfg,
        q,
        input,
        link: None,
        sig,
        log,
        stop: false,
        suspend: false,
        warned: 0,
        may_connect: true,
        connected_once: false,
        tries: 0,
        failing_since: None,
        next_attempt: Instant::now(),
        input_pause: None,
        node: Some(node),
        tls,
    };
    c.main_loop();
    let n = c.q.len();
    if let Some(mut l) = c.link.take() {
        l.conn.shutdown();
    }
    let _ = c.q.flush_acks();
    if c.stop {
        (c.log)(
            Level::Info,
            &format!("audisp-remote is exiting on stop request, queue_size: {n}"),
        );
    }
    i32::from(n != 0)
}

/// Opens the queue file and settles its last batch against stdin.
fn open_queue(cfg: &Config, input: &mut Input) -> Result<Queue, QueueError> {
    let path = cfg.queue_path();
    let (mut q, rec) = Queue::open(&path, cfg.queue_depth, random_stream)?;
    let mut unconsumed = false;
    if let Some((len, crc)) = rec.last_batch {
        if input.peeking() && len > 0 {
            // The batch's bytes were in the pipe before we died: they are
            // there now, or were consumed.
            let deadline = Instant::now() + Duration::from_millis(200);
            while input.buffered().len() < len as usize && !input.eof() && Instant::now() < deadline
            {
                {
                    let fd = input.fd();
                    let mut fds = [PollFd::new(&fd, PollFlags::IN)];
                    let _ = rustix::event::poll(
                        &mut fds,
                        Some(&rustix::event::Timespec {
                            tv_sec: 0,
                            tv_nsec: 20_000_000,
                        }),
                    );
                }
                if input.fill().is_err() {
                    break;
                }
            }
            let b = input.buffered();
            unconsumed = b.len() >= len as usize && raw_crc(&b[..len as usize]) == crc;
        }
    }
    q.resolve_batch(unconsumed);
    q.commit_recovery()?;
    Ok(q)
}

impl Client<'_> {
    fn log(&self, level: Level, text: &str) {
        (self.log)(level, text)
    }

    fn server(&self) -> String {
        self.cfg
            .remote_server
            .clone()
            .unwrap_or_else(|| "(null)".into())
    }

    fn main_loop(&mut self) {
        loop {
            self.check_signals();
            if self.stop {
                return;
            }
            let now = Instant::now();
            if self.input_pending()
                && !(self.link.is_some() && self.q.len() >= self.cfg.queue_depth as usize)
            {
                self.process_buffered();
            }
            if self.input.eof()
                && self.q.is_empty()
                && !self.input_pending()
                && self
                    .link
                    .as_ref()
                    .is_none_or(|l| l.conn.pending() == 0 && !l.conn.wants_write())
            {
                return;
            }
            if self.link.is_none()
                && !self.q.is_empty()
                && self.may_connect
                && !self.suspend
                && now >= self.next_attempt
            {
                self.connect();
                if self.stop {
                    return;
                }
            }
            self.pump();
            // Poll.
            let full = self.link.is_some() && self.q.len() >= self.cfg.queue_depth as usize;
            let want_input =
                !self.input.eof() && !full && self.input_pause.is_none_or(|t| now >= t);
            let mut timeout = Duration::from_millis(200);
            if let Some(t) = self.input_pause {
                timeout = timeout.min(t.saturating_duration_since(now));
            }
            if self.link.is_none() && !self.q.is_empty() && self.may_connect {
                timeout = timeout.min(self.next_attempt.saturating_duration_since(now));
            }
            if let Some(d) = self.next_deadline() {
                timeout = timeout.min(d.saturating_duration_since(now));
            }
            let (in_ev, sock_ev) = {
                let input_fd = self.input.fd();
                let mut fds: Vec<PollFd<'_>> = Vec::with_capacity(2);
                if want_input {
                    fds.push(PollFd::new(&input_fd, PollFlags::IN));
                }
                let sock_fd = self.link.as_ref().map(|l| l.conn.fd());
                if let (Some(fd), Some(l)) = (&sock_fd, &self.link) {
                    let mut f = PollFlags::IN;
                    if l.conn.wants_write() {
                        f |= PollFlags::OUT;
                    }
                    fds.push(PollFd::new(fd, f));
                }
                let ts = rustix::event::Timespec {
                    tv_sec: timeout.as_secs() as i64,
                    tv_nsec: i64::from(timeout.subsec_nanos()),
                };
                match rustix::event::poll(&mut fds, Some(&ts)) {
                    Ok(_) => {}
                    Err(_) => continue,
                }
                let mut it = fds.iter();
                let in_ev = if want_input {
                    it.next().map(|f| f.revents())
                } else {
                    None
                };
                let sock_ev = it.next().map(|f| f.revents());
                (in_ev, sock_ev)
            };
            if let Some(ev) = sock_ev {
                if !ev.is_empty() {
                    self.on_socket(ev);
                }
            }
            if let Some(ev) = in_ev {
                if !ev.is_empty() {
                    self.on_input(ev);
                }
            }
            self.check_timers();
        }
    }

    fn check_signals(&mut self) {
        if self.sig.stop.swap(false, Ordering::Relaxed) {
            self.stop = true;
        }
        if self.sig.hup.swap(false, Ordering::Relaxed) {
            // reload_config: the original only stops the transport.
            self.drop_link(Loss::Quiet);
            self.may_connect = true;
        }
        if self.sig.dump.swap(false, Ordering::Relaxed) {
            self.log(
                Level::Info,
                &format!(
                    "suspend={}, remote_ended={}, transport_ok={}, queued_items={}, queue_depth={}",
                    yn(self.suspend),
                    yn(!self.may_connect),
                    yn(self.link.is_some()),
                    self.q.len(),
                    self.cfg.queue_depth
                ),
            );
        }
        if self.sig.resume.swap(false, Ordering::Relaxed) {
            self.suspend = false;
        }
    }

    // ---- input -------------------------------------------------------

    fn on_input(&mut self, ev: PollFlags) {
        let before = self.input.buffered().len();
        if let Err(e) = self.input.fill() {
            self.log(Level::Err, &format!("Error reading standard input: {e}"));
            self.input.set_eof();
            return;
        }
        if !self.process_buffered() {
            if ev.contains(PollFlags::HUP) && self.input.peeking() {
                // Writer gone, only a partial record left: end (as the
                // original, which drops it).
                self.input.set_eof();
            } else if self.input.peeking() && self.input.buffered().len() == before {
                // A partial record sits in the pipe: wait for the rest.
                self.input_pause = Some(Instant::now() + Duration::from_millis(2));
            }
        }
    }

    /// Queues the complete records buffered from stdin (as many as fit while
    /// connected). Returns false if there was no complete record.
    fn process_buffered(&mut self) -> bool {
        let mut recs = self.input.records();
        if recs.raw_len == 0 {
            return false;
        }
        if self.link.is_some() {
            // Connected: apply back-pressure instead of overflowing (the
            // original reads 16 KiB at a time between sends); records stay
            // in the pipe or the buffer until there is room.
            let room = (self.cfg.queue_depth as usize).saturating_sub(self.q.len());
            if recs.records.len() > room {
                recs.truncate(room);
                if recs.raw_len == 0 {
                    return true;
                }
            }
        }
        self.input_pause = None;
        let crc = if self.input.peeking() {
            raw_crc(&self.input.buffered()[..recs.raw_len])
        } else {
            0
        };
        match self
            .q
            .append_batch(recs.raw_len, crc, recs.records.iter().map(|r| &r[..]))
        {
            Ok((_, dropped)) => {
                for _ in 0..dropped {
                    self.overflow();
                }
            }
            Err(e) => self.queue_error(&e),
        }
        if self.cfg.queue_sync == QueueSync::Batch {
            if let Err(e) = self.q.sync() {
                self.queue_error(&e);
            }
        }
        if let Err(e) = self.input.consume(recs.raw_len) {
            self.log(Level::Err, &format!("Error reading standard input: {e}"));
            self.input.set_eof();
        }
        if self.link.is_none()
            && !self.may_connect
            && self.cfg.remote_ending_action == Action::Reconnect
        {
            self.may_connect = true;
        }
        true
    }

    /// Complete records still buffered (the pipe may be at EOF already).
    fn input_pending(&mut self) -> bool {
        self.input.has_complete()
    }

    fn overflow(&mut self) {
        match self.cfg.overflow_action {
            OverflowAction::Ignore => {}
            OverflowAction::Syslog => self.log(Level::Err, "queue is full - dropping event"),
            OverflowAction::Suspend => {
                self.log(
                    Level::Err,
                    "Audisp-remote is suspending event processing due to overflowing its queue.",
                );
                self.suspend = true;
            }
            OverflowAction::Single => {
                self.log(Level::Err, "Audisp-remote is now changing the system to single user mode due to overflowing its queue");
                change_runlevel("1");
            }
            OverflowAction::Halt => {
                self.log(
                    Level::Err,
                    "Audisp-remote is now halting the system due to overflowing its queue",
                );
                change_runlevel("0");
            }
        }
    }

    fn queue_error(&mut self, e: &QueueError) {
        let msg = match e {
            QueueError::Io { source, .. } => crate::config::strerror(source),
            other => other.to_string(),
        };
        let a = self.cfg.queue_error_action.clone();
        self.do_action("queue error", &msg, Level::Err, &a);
    }

    // ---- actions -----------------------------------------------------

    fn do_action(&mut self, desc: &str, message: &str, level: Level, action: &Action) -> Verdict {
        match action {
            Action::Ignore => Verdict::Continue,
            Action::Syslog => {
                self.log(level, &format!("{desc}, {message}"));
                Verdict::Continue
            }
            Action::Exec(p) => {
                safe_exec(p, message, self.log);
                Verdict::Continue
            }
            Action::WarnOnceContinue => {
                if self.warned & 1 != 0 {
                    return Verdict::Halt;
                }
                self.warned |= 1;
                self.log(level, &format!("{desc}, {message}"));
                Verdict::Continue
            }
            Action::WarnOnce => {
                if self.warned & 2 == 0 {
                    self.warned |= 2;
                    self.log(level, &format!("{desc}, {message}"));
                }
                Verdict::Halt
            }
            Action::Suspend => {
                self.log(level, &format!("suspending remote logging due to {desc}"));
                self.suspend = true;
                Verdict::Halt
            }
            Action::Reconnect => {
                self.log(
                    level,
                    &format!(
                        "remote logging disconnected due to {desc}, will attempt reconnection"
                    ),
                );
                Verdict::Halt
            }
            Action::Single => {
                self.log(
                    level,
                    &format!(
                        "remote logging is switching system to single user mode due to {desc}"
                    ),
                );
                change_runlevel("1");
                Verdict::Halt
            }
            Action::Halt => {
                self.log(
                    level,
                    &format!("remote logging halting system due to {desc}"),
                );
                change_runlevel("0");
                Verdict::Halt
            }
            Action::Stop => {
                self.log(
                    level,
                    &format!("remote logging stopping due to {desc}, {message}"),
                );
                self.stop = true;
                Verdict::Halt
            }
        }
    }

    // ---- connection --------------------------------------------------

    fn connect(&mut self) {
        let timeout = Duration::from_secs(u64::from(self.cfg.max_time_per_record));
        match conn::connect(
            self.cfg.remote_server.as_deref(),
            self.cfg.port,
            self.cfg.local_port,
            timeout,
        ) {
            Ok(sock) => {
                let tls = match &self.tls {
                    Some((cfg, name)) => {
                        match crate::tls::TlsClient::new(cfg.clone(), name.clone()) {
                            Ok(t) => Some(t),
                            Err(e) => {
                                self.fail(Loss::Failed(format!("TLS: {e}")));
                                return;
                            }
                        }
                    }
                    None => None,
                };
                let managed = self.cfg.format == Format::Managed;
                let conn = match Conn::new(sock, managed, tls) {
                    Ok(c) => c,
                    Err(e) => {
                        self.fail(Loss::Failed(format!("socket setup: {e}")));
                        return;
                    }
                };
                self.log(Level::Info, &format!("Connected to {}", self.server()));
                self.connected_once = true;
                self.q.rewind();
                let mut link = Link {
                    conn,
                    flights: VecDeque::new(),
                    ready: true,
                    extended: false,
                    ascii_pending: 0,
                    last_io: Instant::now(),
                };
                if managed && self.cfg.extensions {
                    let hello = Hello {
                        stream: self.q.stream(),
                        node: self.node.clone(),
                    };
                    let _ = encode_frame(
                        &mut link.conn.out,
                        kind::HEARTBEAT,
                        MVER_RAUDIT,
                        0,
                        &hello.encode(),
                    );
                    link.flights.push_back((Flight::Hello, Instant::now()));
                    link.ready = false;
                }
                self.link = Some(link);
            }
            Err(e) => {
                if !self.connected_once {
                    let a = self.cfg.startup_failure_action.clone();
                    self.do_action(
                        "startup network failure",
                        "First attempt at connecting to server unsuccessful",
                        Level::Warning,
                        &a,
                    );
                }
                self.fail(Loss::Failed(e.message));
            }
        }
    }

    /// Drops the connection; records in flight will be resent.
    fn drop_link(&mut self, loss: Loss) {
        if let Some(mut l) = self.link.take() {
            l.conn.shutdown();
        }
        self.q.rewind();
        self.fail(loss);
    }

    /// Accounts a failure: the original's per-record retry budget, then
    /// `network_failure_action`; or `remote_ending_action` when the server
    /// ended.
    fn fail(&mut self, loss: Loss) {
        let now = Instant::now();
        match loss {
            Loss::Quiet => {
                self.next_attempt =
                    now + Duration::from_secs(u64::from(self.cfg.network_retry_time));
            }
            Loss::Ended(msg) => {
                let a = self.cfg.remote_ending_action.clone();
                self.do_action("remote server is going down", &msg, Level::Warning, &a);
                if a != Action::Reconnect {
                    self.may_connect = false;
                }
                // The first retry is quick, as the original's.
                self.next_attempt = now;
            }
            Loss::Failed(msg) => {
                if self.tries == 0 {
                    self.log(Level::Err, &msg);
                }
                self.tries += 1;
                let since = *self.failing_since.get_or_insert(now);
                let exhausted = if self.tries > self.cfg.max_tries_per_record {
                    Some("max retries exhausted")
                } else if now.duration_since(since)
                    > Duration::from_secs(u64::from(self.cfg.max_time_per_record))
                {
                    Some("max retry time exhausted")
                } else {
                    None
                };
                if let Some(why) = exhausted {
                    let a = self.cfg.network_failure_action.clone();
                    self.do_action("network failure", why, Level::Warning, &a);
                    self.tries = 0;
                    self.failing_since = None;
                    if self.input.eof() {
                        // Flushing at exit: give up as the original does.
                        self.stop = true;
                    }
                }
                self.next_attempt = if self.tries <= 1 {
                    now
                } else {
                    now + Duration::from_secs(u64::from(self.cfg.network_retry_time))
                };
            }
        }
    }

    fn success(&mut self) {
        self.tries = 0;
        self.failing_since = None;
        self.warned = 0;
    }

    /// Fills the connection's output from the queue and writes.
    fn pump(&mut self) {
        let window = self.cfg.max_in_flight as usize;
        let managed = self.cfg.format == Format::Managed;
        let Some(link) = self.link.as_mut() else {
            return;
        };
        let mut sent_any = false;
        if link.ready && !self.suspend && !link.conn.handshaking() {
            while link.conn.pending() < (1 << 20) {
                if managed && link.flights.len() >= window {
                    break;
                }
                let Some(e) = self.q.take_unsent() else {
                    break;
                };
                sent_any = true;
                let eoe = is_eoe(&e.data);
                if managed {
                    if eoe && !link.extended {
                        if link.flights.is_empty() {
                            // the oldest in flight: done at once
                            self.q.complete_oldest();
                        } else {
                            link.flights.push_back((Flight::Skip, Instant::now()));
                        }
                        continue;
                    }
                    let mver = if link.extended {
                        MVER_RAUDIT | if eoe { MVER_EOE } else { 0 }
                    } else {
                        0
                    };
                    let _ = encode_frame(&mut link.conn.out, kind::MESSAGE, mver, e.seq, &e.data);
                    link.flights
                        .push_back((Flight::Record(e.seq), Instant::now()));
                } else {
                    if !eoe {
                        encode_ascii(&mut link.conn.out, &e.data);
                    }
                    link.ascii_pending += 1;
                }
            }
        }
        // EOE skips at the front complete at once.
        while matches!(link.flights.front(), Some((Flight::Skip, _))) {
            link.flights.pop_front();
            self.q.complete_oldest();
        }
        if let Err(e) = link.conn.flush() {
            let msg = format!("send to {} failed: {e}", self.server());
            self.drop_link(Loss::Failed(msg));
            return;
        }
        if link.conn.pending() == 0 && link.ascii_pending > 0 {
            for _ in 0..link.ascii_pending {
                self.q.complete_oldest();
            }
            link.ascii_pending = 0;
            self.success();
        }
        if sent_any {
            if let Some(l) = &mut self.link {
                l.last_io = Instant::now();
            }
        }
        let _ = self.q.flush_acks();
    }

    fn on_socket(&mut self, ev: PollFlags) {
        let Some(link) = self.link.as_mut() else {
            return;
        };
        if ev.intersects(PollFlags::IN | PollFlags::HUP | PollFlags::ERR) {
            let closed = match link.conn.read() {
                Ok(ReadOutcome::Closed) => true,
                Ok(_) => false,
                Err(e) => {
                    let msg = format!("read from {} failed: {e}", self.server());
                    self.drop_link(Loss::Failed(msg));
                    return;
                }
            };
            self.on_replies();
            if closed {
                if let Some(l) = &self.link {
                    // A close with frames awaiting replies is a failed send
                    // (it counts against the record's retry budget, as in
                    // the original's relay loop); an idle close is the
                    // server ending.
                    let loss = if l.flights.is_empty() {
                        Loss::Ended(String::new())
                    } else {
                        Loss::Failed(format!(
                            "Connection to {} closed unexpectedly",
                            self.server()
                        ))
                    };
                    self.drop_link(loss);
                }
                return;
            }
        }
        if ev.contains(PollFlags::OUT) {
            if let Some(l) = self.link.as_mut() {
                if let Err(e) = l.conn.flush() {
                    let msg = format!("send to {} failed: {e}", self.server());
                    self.drop_link(Loss::Failed(msg));
                }
            }
        }
    }

    fn on_replies(&mut self) {
        loop {
            let Some(link) = self.link.as_mut() else {
                return;
            };
            let frame = match link.conn.dec.next() {
                Ok(Some(Item::Frame(f))) => (
                    f.header,
                    String::from_utf8_lossy(f.payload).into_owned(),
                    f.payload.to_vec(),
                ),
                Ok(Some(Item::Line(_))) | Ok(None) => return,
                Err(e) => {
                    self.log(Level::Err, &format!("lost/losing sync, {e}"));
                    self.drop_link(Loss::Failed(format!("read from {} failed", self.server())));
                    return;
                }
            };
            let (h, msg, payload) = frame;
            link.last_io = Instant::now();
            if h.kind == kind::ENDING {
                self.drop_link(Loss::Ended(msg));
                return;
            }
            let Some((front, _)) = link.flights.front() else {
                // Unsolicited (check_message_managed).
                self.unsolicited(h.kind, &msg);
                continue;
            };
            match front {
                Flight::Hello => {
                    link.flights.pop_front();
                    link.ready = true;
                    if h.kind == kind::ACK && h.is_raudit() {
                        link.extended = true;
                        if let Some(HelloAck { last: Some(last) }) = HelloAck::parse(&payload) {
                            self.q.drop_through(last);
                        }
                    } else if h.kind != kind::ACK {
                        self.unsolicited(h.kind, &msg);
                    }
                }
                Flight::Heartbeat => {
                    link.flights.pop_front();
                    if h.kind != kind::ACK {
                        self.unsolicited(h.kind, &msg);
                    }
                }
                Flight::Skip => {
                    // cannot be at the front when a reply comes: drained
                    link.flights.pop_front();
                    self.q.complete_oldest();
                }
                Flight::Record(seq) => {
                    if h.sequence != *seq {
                        self.log(Level::Err, "lost/losing sync, mismatched response");
                        self.drop_link(Loss::Failed(format!(
                            "mismatched response from {}",
                            self.server()
                        )));
                        return;
                    }
                    self.record_reply(h.kind, &msg);
                }
            }
            if let Some(link) = self.link.as_mut() {
                while matches!(link.flights.front(), Some((Flight::Skip, _))) {
                    link.flights.pop_front();
                    self.q.complete_oldest();
                }
            }
        }
    }

    /// The reply to the oldest record in flight.
    fn record_reply(&mut self, k: u32, msg: &str) {
        let complete = |c: &mut Client<'_>| {
            if let Some(l) = c.link.as_mut() {
                l.flights.pop_front();
            }
            c.q.complete_oldest();
        };
        match k {
            kind::ACK => {
                complete(self);
                self.success();
            }
            kind::DISKLOW => {
                complete(self);
                self.success();
                let a = self.cfg.disk_low_action.clone();
                self.do_action(
                    "remote server is low on disk space",
                    msg,
                    Level::Warning,
                    &a,
                );
            }
            kind::DISKFULL => {
                self.drop_link(Loss::Quiet);
                let a = self.cfg.disk_full_action.clone();
                self.do_action("remote server's disk is full", msg, Level::Err, &a);
            }
            kind::DISKERROR => {
                self.drop_link(Loss::Quiet);
                let a = self.cfg.disk_error_action.clone();
                self.do_action("remote server has a disk error", msg, Level::Err, &a);
            }
            k if k & kind::FATAL_MASK != 0 => {
                let a = self.cfg.generic_error_action.clone();
                if self.do_action("unrecognized remote error", msg, Level::Err, &a)
                    == Verdict::Continue
                {
                    complete(self);
                } else {
                    self.drop_link(Loss::Quiet);
                }
            }
            k if k & kind::WARN_MASK != 0 => {
                let a = self.cfg.generic_warning_action.clone();
                if self.do_action("unrecognized remote warning", msg, Level::Warning, &a)
                    == Verdict::Continue
                {
                    complete(self);
                } else {
                    self.drop_link(Loss::Quiet);
                }
            }
            _ => {
                complete(self);
                self.success();
            }
        }
    }

    fn unsolicited(&mut self, k: u32, msg: &str) {
        match k {
            kind::DISKLOW => {
                let a = self.cfg.disk_low_action.clone();
                self.do_action(
                    "remote server is low on disk space",
                    msg,
                    Level::Warning,
                    &a,
                );
            }
            kind::DISKFULL => {
                self.drop_link(Loss::Quiet);
                let a = self.cfg.disk_full_action.clone();
                self.do_action("remote server's disk is full", msg, Level::Err, &a);
            }
            kind::DISKERROR => {
                self.drop_link(Loss::Quiet);
                let a = self.cfg.disk_error_action.clone();
                self.do_action("remote server has a disk error", msg, Level::Err, &a);
            }
            _ => {}
        }
    }

    // ---- timers ------------------------------------------------------

    fn next_deadline(&self) -> Option<Instant> {
        let l = self.link.as_ref()?;
        let mut d: Option<Instant> = None;
        if let Some((_, t)) = l.flights.front() {
            d = Some(*t + Duration::from_secs(u64::from(self.cfg.max_time_per_record)));
        }
        if self.cfg.format == Format::Managed
            && self.cfg.heartbeat_timeout > 0
            && l.flights.is_empty()
        {
            let h = l.last_io + Duration::from_secs(u64::from(self.cfg.heartbeat_timeout));
            d = Some(d.map_or(h, |x| x.min(h)));
        }
        d
    }

    fn check_timers(&mut self) {
        let now = Instant::now();
        let max = Duration::from_secs(u64::from(self.cfg.max_time_per_record));
        let hb = self.cfg.heartbeat_timeout;
        let managed = self.cfg.format == Format::Managed;
        let Some(l) = self.link.as_mut() else {
            return;
        };
        if let Some((_, t)) = l.flights.front() {
            if now.duration_since(*t) > max {
                let msg = format!("ack from {} timed out", self.server());
                self.drop_link(Loss::Failed(msg));
                return;
            }
        }
        if managed
            && hb > 0
            && l.ready
            && l.flights.is_empty()
            && now.duration_since(l.last_io) >= Duration::from_secs(u64::from(hb))
        {
            let mver = if l.extended { MVER_RAUDIT } else { 0 };
            let _ = encode_frame(&mut l.conn.out, kind::HEARTBEAT, mver, 0, &[]);
            l.flights.push_back((Flight::Heartbeat, now));
            l.last_io = now;
        }
    }
}

fn yn(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn change_runlevel(level: &str) {
    if let Ok(mut child) = std::process::Command::new(init_program())
        .arg(level)
        .spawn()
    {
        std::thread::spawn(move || child.wait());
    }
}

fn safe_exec(exe: &std::path::Path, message: &str, log: Log<'_>) {
    match std::process::Command::new(exe).arg(message).spawn() {
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => log(
            Level::Err,
            &format!("audisp-remote failed to exec {}: {e}", exe.display()),
        ),
    }
}
