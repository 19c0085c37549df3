//! Remote logging: the daemon as a collector (auditd's `auditd-listen.c`).
//!
//! A listener thread ([`Listener`]) accepts TCP (or TLS, raudit's
//! `transport = tls`) connections on `tcp_listen_port`, applies auditd's
//! admission rules (`tcp_client_ports`, `tcp_max_per_addr`), decodes each
//! peer's stream with [`raudit_remote_proto::Decoder`] (managed frames and
//! ascii lines, per message as auditd reads them) and hands what it got to
//! the record handler through the daemon's [`Inbox`] as a [`NetBatch`], so
//! remote records are written in order with local ones. The handler
//! ([`Collector`]) writes them verbatim (with the `node=` the peer sent),
//! and only then queues the replies — `ACK`, `DISKLOW`, `DISKFULL`,
//! `DISKERROR` as auditd's `write_to_log` chooses them — which the listener
//! thread sends. `DAEMON_ACCEPT` / `DAEMON_CLOSE` records carry auditd's text.
//!
//! Beyond auditd:
//! - ascii-protocol records are logged (auditd 3.0.9 reads and drops them);
//!   lines that do not look like audit records are dropped with a message;
//! - the raudit extension (see `raudit_remote_proto`): a client's hello
//!   names a stream (keyed with the peer's address or TLS identity); records
//!   of a stream are de-duplicated by sequence with a state file kept in step
//!   with the log ([`dedup`]), and end-of-event
//!   records reach the sinks (`distribute_network`) but never the log;
//! - a peer that takes longer than `tcp_client_timeout` to finish a TLS
//!   handshake or a started message is closed (slowloris), as is one whose
//!   stream cannot be decoded (garbage, oversize lengths);
//! - a connection that has sent heartbeats and then stays silent for three
//!   heartbeat intervals is closed as half-dead, so a client restarted
//!   elsewhere is not refused by `tcp_max_per_addr`.

mod collect;
mod conn;
pub mod dedup;
mod tls;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::config::{Config, Transport};
use crate::log::{msg, Level};
use crate::queue::Inbox;

pub use collect::{open_store, Collector, Target};
use conn::Conn;

/// `AUDIT_DAEMON_ACCEPT`.
pub const AUDIT_DAEMON_ACCEPT: u16 = 1207;
/// `AUDIT_DAEMON_CLOSE`.
pub const AUDIT_DAEMON_CLOSE: u16 = 1208;

/// One thing the listener got, in arrival order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetEvent {
    /// A `DAEMON_ACCEPT` record to write (its text after the stamp).
    Accept(String),
    /// A `DAEMON_CLOSE` record to write.
    Close(String),
    /// A record from a peer.
    Record(NetRecord),
    /// A heartbeat to answer (after the connection's earlier records).
    Heartbeat {
        /// Connection id.
        conn: u64,
        /// Sequence to echo.
        seq: u32,
    },
    /// A raudit client's hello naming its stream.
    Hello {
        /// Connection id.
        conn: u64,
        /// Sequence to echo.
        seq: u32,
        /// The stream.
        stream: u64,
    },
}

/// A record received from a peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetRecord {
    /// Connection id (replies go there).
    pub conn: u64,
    /// The managed frame's sequence (0 for ascii).
    pub seq: u32,
    /// Managed protocol (answered) or ascii (not answered).
    pub managed: bool,
    /// The raudit stream of a negotiated connection (de-duplicated).
    pub stream: Option<u64>,
    /// An end-of-event record (raudit extension): sinks only.
    pub eoe: bool,
    /// The record as it goes to the log (no newline).
    pub text: Vec<u8>,
}

/// What the listener hands the handler in one go.
#[derive(Debug, Default)]
pub struct NetBatch {
    /// The events, in order.
    pub events: Vec<NetEvent>,
    bytes: usize,
    records: usize,
}

impl NetBatch {
    /// Appends an event.
    pub fn push(&mut self, e: NetEvent) {
        if let NetEvent::Record(r) = &e {
            self.bytes += r.text.len();
            self.records += 1;
        } else {
            self.bytes += 64;
        }
        self.events.push(e);
    }
    /// Record bytes (for the inbox bound).
    pub fn bytes(&self) -> usize {
        self.bytes
    }
    /// Records.
    pub fn records(&self) -> usize {
        self.records
    }
    /// True when nothing is in it.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

/// Replies from the handler to the listener thread: (connection, bytes).
pub struct Replies {
    q: Mutex<Vec<(u64, Vec<u8>, bool)>>,
    wake: OwnedFd,
}

impl Replies {
    /// Queues bytes for a connection and wakes the listener.
    pub fn send(&self, conn: u64, bytes: Vec<u8>) {
        self.q
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((conn, bytes, false));
    }
    /// Closes a connection once what was queued for it is sent (after a
    /// record was refused: later ones of that connection must not be
    /// written, or the refused one would be taken for a resend).
    pub fn close(&self, conn: u64) {
        self.q
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((conn, Vec::new(), true));
    }
    /// Wakes the listener thread.
    pub fn wake(&self) {
        let _ = nix::unistd::write(&self.wake, &[1u8]);
    }
    fn take(&self) -> Vec<(u64, Vec<u8>, bool)> {
        std::mem::take(&mut *self.q.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Settings the listener thread works with.
#[derive(Debug, Clone)]
struct Settings {
    min_port: u32,
    max_port: u32,
    max_per_addr: u32,
    max_idle: Duration,
    client_timeout: Duration,
}

impl Settings {
    fn from(c: &Config) -> Settings {
        Settings {
            min_port: c.tcp_client_min_port,
            max_port: c.tcp_client_max_port,
            max_per_addr: c.tcp_max_per_addr.max(1),
            max_idle: Duration::from_secs(c.tcp_client_max_idle as u64),
            client_timeout: Duration::from_secs(c.tcp_client_timeout.max(1) as u64),
        }
    }
}

/// Counters for the state report.
#[derive(Debug, Default)]
pub struct NetCounters {
    /// Connections open now.
    pub open: AtomicUsize,
    /// Of those, the ones that sent something within `tcp_client_max_idle`
    /// (or the last minute).
    pub active: AtomicUsize,
    /// Times the inbox was full and reading from peers paused.
    pub pauses: AtomicUsize,
}

/// The running listener thread.
pub struct Listener {
    stop: Arc<AtomicBool>,
    settings: Arc<Mutex<Settings>>,
    replies: Arc<Replies>,
    handle: Option<JoinHandle<()>>,
    counters: Arc<NetCounters>,
    port: u16,
}

/// Lines for the state report (auditd's `write_connection_state`).
pub fn write_state(c: &NetCounters, out: &mut String) {
    use std::fmt::Write as _;
    let n = c.open.load(Ordering::Relaxed);
    let a = c.active.load(Ordering::Relaxed);
    let _ = writeln!(out, "listening for network connections = yes");
    let _ = writeln!(out, "active connections = {a}");
    let _ = writeln!(out, "total connections = {n}");
    let _ = writeln!(
        out,
        "network reads paused (queue full) = {}",
        c.pauses.load(Ordering::Relaxed)
    );
}

/// `%52s:%u` as auditd's `sockaddr_to_addr` prints a peer in messages.
fn peer_text(a: &SocketAddr) -> String {
    format!("{:>52}:{}", a.ip(), a.port())
}

/// The peer as `DAEMON_ACCEPT`/`DAEMON_CLOSE` print it.
fn addr_fields(a: &SocketAddr) -> String {
    format!("addr={} port={}", a.ip(), a.port())
}

fn bind(port: u16, queue: u32) -> std::io::Result<TcpListener> {
    // One dual-stack socket when IPv6 is there (auditd's prefer_ipv6), else IPv4.
    let l = match TcpListener::bind(("::", port)) {
        Ok(l) => l,
        Err(e) if e.raw_os_error() == Some(libc::EAFNOSUPPORT) => {
            TcpListener::bind(("0.0.0.0", port))?
        }
        Err(e) => return Err(e),
    };
    // SAFETY: listen(2) on our own socket changes only its backlog.
    unsafe { libc::listen(l.as_raw_fd(), queue as libc::c_int) };
    l.set_nonblocking(true)?;
    Ok(l)
}

impl Listener {
    /// Starts listening as `cfg` says (`tcp_listen_port` must be non-zero).
    /// Errors are the message to log before the daemon gives up
    /// (`op=network-init`).
    pub fn start(cfg: &Config, inbox: Arc<Inbox>) -> Result<(Listener, Collector), String> {
        let port = cfg.tcp_listen_port as u16;
        if cfg.use_libwrap {
            msg(
                Level::Notice,
                "use_libwrap is ignored: raudit has no TCP wrappers (use tcp_client_ports, a firewall, or transport = tls)",
            );
        }
        let tls =
            match cfg.transport {
                Transport::Tcp => None,
                Transport::Krb5 => return Err(
                    "transport = KRB5 is not supported by raudit (no GSS-API); use transport = tls"
                        .into(),
                ),
                Transport::Tls => Some(tls::server_config(cfg)?),
            };
        let l = bind(port, cfg.tcp_listen_queue).map_err(|e| {
            format!(
                "Cannot bind listener socket to port {} ({})",
                cfg.tcp_listen_port,
                crate::config::strerror(e.raw_os_error().unwrap_or(libc::EIO))
            )
        })?;
        let port = l.local_addr().map(|a| a.port()).unwrap_or(port);
        msg(
            Level::Debug,
            &format!("Listening on TCP port {port}, protocol tcp"),
        );
        let (r, w) =
            nix::unistd::pipe2(nix::fcntl::OFlag::O_NONBLOCK | nix::fcntl::OFlag::O_CLOEXEC)
                .map_err(|e| format!("Cannot create the listener's wake pipe ({e})"))?;
        let replies = Arc::new(Replies {
            q: Mutex::new(Vec::new()),
            wake: w,
        });
        let collector = Collector::new(cfg, replies.clone());
        let stop = Arc::new(AtomicBool::new(false));
        let counters = Arc::new(NetCounters::default());
        let settings = Arc::new(Mutex::new(Settings::from(cfg)));
        let mut net = Net {
            listener: l,
            wake: r,
            inbox,
            replies: replies.clone(),
            settings: Settings::from(cfg),
            shared: settings.clone(),
            tls,
            allow: Arc::new(cfg.tls_allowed_clients.clone()),
            conns: HashMap::new(),
            next_id: 1,
            batch: NetBatch::default(),
            stop: stop.clone(),
            counters: counters.clone(),
        };
        let handle = std::thread::Builder::new()
            .name("net-listener".into())
            .spawn(move || net.run())
            .map_err(|e| format!("Cannot start the listener thread ({e})"))?;
        Ok((
            Listener {
                stop,
                settings,
                replies,
                handle: Some(handle),
                counters,
                port,
            },
            collector,
        ))
    }

    /// The port listened on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The counters (for the state report).
    pub fn counters(&self) -> Arc<NetCounters> {
        self.counters.clone()
    }

    /// SIGHUP: what auditd changes without a restart (`tcp_client_ports`,
    /// `tcp_max_per_addr`, `tcp_client_max_idle`; raudit's `tcp_client_timeout`).
    /// The port, queue, transport and certificates stay as they were.
    pub fn reconfigure(&self, cfg: &Config) {
        *self.settings.lock().unwrap_or_else(|e| e.into_inner()) = Settings::from(cfg);
    }

    /// Stops: every peer gets `ENDING` and is closed (its `DAEMON_CLOSE`
    /// is queued for the handler), then the thread ends.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.replies.wake();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The listener thread's state.
struct Net {
    listener: TcpListener,
    wake: OwnedFd,
    inbox: Arc<Inbox>,
    replies: Arc<Replies>,
    settings: Settings,
    shared: Arc<Mutex<Settings>>,
    tls: Option<Arc<rustls::ServerConfig>>,
    allow: Arc<Vec<String>>,
    conns: HashMap<u64, Conn>,
    next_id: u64,
    /// Events not yet handed over (kept while the inbox is full).
    batch: NetBatch,
    stop: Arc<AtomicBool>,
    counters: Arc<NetCounters>,
}

/// Bytes read from one peer per poll round (fairness under floods).
const READ_PER_ROUND: usize = 256 << 10;

impl Net {
    fn run(&mut self) {
        let mut fds: Vec<libc::pollfd> = Vec::new();
        let mut ids: Vec<u64> = Vec::new();
        loop {
            if self.stop.load(Ordering::Relaxed) {
                self.shutdown();
                return;
            }
            self.settings = self
                .shared
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            let paused = !self.batch.is_empty();
            fds.clear();
            ids.clear();
            fds.push(libc::pollfd {
                fd: self.wake.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            });
            fds.push(libc::pollfd {
                fd: self.listener.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            });
            // While the inbox is full the peers are not polled at all (a
            // hung-up peer would make poll return at once, a busy loop);
            // replies are still written below each turn.
            for (id, c) in self.conns.iter().filter(|_| !paused) {
                let mut ev = libc::POLLIN;
                if c.wants_write() {
                    ev |= libc::POLLOUT;
                }
                fds.push(libc::pollfd {
                    fd: c.fd(),
                    events: ev,
                    revents: 0,
                });
                ids.push(*id);
            }
            let timeout = if paused { 20 } else { 250 };
            // SAFETY: fds is a valid array of pollfd for its length.
            unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout) };
            let now = Instant::now();
            if fds[0].revents != 0 {
                let mut b = [0u8; 256];
                while matches!(nix::unistd::read(self.wake.as_raw_fd(), &mut b), Ok(n) if n > 0) {}
            }
            for (conn, bytes, close) in self.replies.take() {
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.queue_out(&bytes);
                    if close {
                        c.close_when_sent();
                    }
                }
            }
            if fds[1].revents != 0 {
                self.accept_all(now);
            }
            for (i, id) in ids.iter().enumerate() {
                let re = fds[i + 2].revents;
                let Some(c) = self.conns.get_mut(id) else {
                    continue;
                };
                if re & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 && !paused {
                    c.read(now, READ_PER_ROUND, &mut self.batch);
                }
            }
            for c in self.conns.values_mut() {
                c.write_out();
                c.check_timers(now, &self.settings);
            }
            self.reap_closed();
            if !self.batch.is_empty() {
                let b = std::mem::take(&mut self.batch);
                if let Err(b) = self.inbox.push_net(b, false) {
                    self.batch = b;
                    self.counters.pauses.fetch_add(1, Ordering::Relaxed);
                }
            }
            self.counters
                .open
                .store(self.conns.len(), Ordering::Relaxed);
            let window = if self.settings.max_idle.is_zero() {
                Duration::from_secs(60)
            } else {
                self.settings.max_idle
            };
            let active = self
                .conns
                .values()
                .filter(|c| c.silent_for(now) < window)
                .count();
            self.counters.active.store(active, Ordering::Relaxed);
        }
    }

    fn reap_closed(&mut self) {
        let dead: Vec<u64> = self
            .conns
            .iter()
            .filter(|(_, c)| c.is_closed())
            .map(|(id, _)| *id)
            .collect();
        for id in dead {
            if let Some(c) = self.conns.remove(&id) {
                c.finish(&mut self.batch);
            }
        }
    }

    fn accept_all(&mut self, now: Instant) {
        loop {
            let (sock, peer) = match self.listener.accept() {
                Ok(x) => x,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => {
                    msg(Level::Err, "Unable to accept TCP connection");
                    return;
                }
            };
            self.admit(sock, peer, now);
        }
    }

    fn refuse(&mut self, sock: TcpStream, peer: &SocketAddr, op: &str, text: &str) {
        msg(Level::Err, &format!("{text} {} rejected", peer_text(peer)));
        self.batch.push(NetEvent::Accept(format!(
            "op={op} {} res=no",
            addr_fields(peer)
        )));
        let _ = sock.shutdown(std::net::Shutdown::Both);
    }

    fn admit(&mut self, sock: TcpStream, peer: SocketAddr, now: Instant) {
        let port = peer.port() as u32;
        if port < self.settings.min_port || port > self.settings.max_port {
            self.refuse(sock, &peer, "port", "TCP connection from");
            return;
        }
        if self.count_from(peer.ip()) >= self.settings.max_per_addr as usize {
            // A half-dead connection from the same address (its client
            // restarted) gives way to the new one.
            let ip = peer.ip();
            for c in self.conns.values_mut() {
                if c.peer().ip() == ip {
                    c.reap_if_half_dead(now);
                }
            }
            self.reap_closed();
        }
        if self.count_from(peer.ip()) >= self.settings.max_per_addr as usize {
            msg(
                Level::Err,
                &format!("Too many connections from {} - rejected", peer_text(&peer)),
            );
            self.batch.push(NetEvent::Accept(format!(
                "op=dup {} res=no",
                addr_fields(&peer)
            )));
            let _ = sock.shutdown(std::net::Shutdown::Both);
            return;
        }
        let _ = sock.set_nodelay(true);
        let _ = nix::sys::socket::setsockopt(&sock, nix::sys::socket::sockopt::KeepAlive, &true);
        if sock.set_nonblocking(true).is_err() {
            let _ = sock.shutdown(std::net::Shutdown::Both);
            return;
        }
        let id = self.next_id;
        self.next_id += 1;
        let tls = match &self.tls {
            Some(cfg) => match rustls::ServerConnection::new(cfg.clone()) {
                Ok(t) => Some(t),
                Err(e) => {
                    msg(
                        Level::Err,
                        &format!("TLS setup for {} failed ({e})", peer_text(&peer)),
                    );
                    return;
                }
            },
            None => None,
        };
        let plain = tls.is_none();
        let c = Conn::new(id, sock, peer, tls, self.allow.clone(), now);
        if plain {
            self.batch.push(NetEvent::Accept(format!(
                "{} res=success",
                addr_fields(&peer)
            )));
        }
        self.conns.insert(id, c);
    }

    fn count_from(&self, ip: IpAddr) -> usize {
        self.conns.values().filter(|c| c.peer().ip() == ip).count()
    }

    fn shutdown(&mut self) {
        // Replies the handler queued before the stop.
        for (conn, bytes, _) in self.replies.take() {
            if let Some(c) = self.conns.get_mut(&conn) {
                c.queue_out(&bytes);
            }
        }
        let ids: Vec<u64> = self.conns.keys().copied().collect();
        for id in ids {
            if let Some(mut c) = self.conns.remove(&id) {
                c.send_ending();
                c.finish(&mut self.batch);
            }
        }
        let b = std::mem::take(&mut self.batch);
        if !b.is_empty() {
            let _ = self.inbox.push_net(b, true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::writer::{LogWriter, SystemActions};
    use raudit_remote_proto::{encode_frame, kind, Decoder, Item, Mode};
    use std::io::{Read, Write};

    struct T(LogWriter);
    impl Target for T {
        fn daemon_event(&mut self, _rtype: u16, text: &str) {
            self.0
                .write_record(format!("type=DAEMON {text}").as_bytes());
        }
        fn writer(&mut self) -> &mut LogWriter {
            &mut self.0
        }
        fn background(&self) -> bool {
            true
        }
        fn dispatch(&mut self, _rtype: u16, _record: &[u8], _line: &[u8]) {}
    }

    /// A tiny inbox and a slow handler: the listener stops reading (TCP
    /// pushes back on the peer), nothing is lost, replies stay in order.
    #[test]
    fn a_full_inbox_pauses_the_peers_without_loss() {
        let tmp = tempfile::Builder::new()
            .prefix("raudit-listen-bp-")
            .tempdir()
            .unwrap();
        let dir = tmp.path();
        let port = std::net::TcpListener::bind("[::]:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(0);
        let cfg = Config {
            log_file: dir.join("audit.log"),
            tcp_listen_port: port as u32,
            use_libwrap: false,
            space_left: 75,
            admin_space_left: 50,
            ..Config::default()
        };
        let mut w = LogWriter::new(cfg.clone(), true, Box::new(SystemActions::from_env()));
        assert!(w.init());
        let mut t = T(w);
        let inbox = Arc::new(Inbox::new(4096));
        let (mut l, mut coll) = match Listener::start(&cfg, inbox.clone()) {
            Ok(x) => x,
            Err(e) => panic!("{e}"),
        };
        const N: u32 = 20_000;
        let client = std::thread::spawn(move || {
            let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
            let mut out = Vec::new();
            for i in 1..=N {
                let rec = format!(
                    "type=USER msg=audit(1.000:{i}): n={i} {}\n",
                    "p".repeat(100)
                );
                encode_frame(&mut out, kind::MESSAGE, 0, i, rec.as_bytes()).unwrap_or_default();
            }
            let mut w = s.try_clone().expect("clone");
            let writer = std::thread::spawn(move || w.write_all(&out).is_ok());
            let mut d = Decoder::new(Mode::Managed);
            let mut next = 1;
            let mut b = [0u8; 4096];
            while next <= N {
                while let Ok(Some(Item::Frame(f))) = d.next() {
                    assert_eq!((f.header.kind, f.header.sequence), (kind::ACK, next));
                    next += 1;
                }
                if next > N {
                    break;
                }
                match s.read(&mut b) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => d.feed(&b[..n]),
                }
            }
            assert!(writer.join().unwrap_or(false));
            next - 1
        });
        let t0 = Instant::now();
        while !client.is_finished() && t0.elapsed() < Duration::from_secs(30) {
            if let Some(crate::queue::Item::Net(nb)) = inbox.pop(Duration::from_millis(50)) {
                coll.handle(nb, &mut t);
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let acked = client.join().unwrap_or(0);
        assert_eq!(acked, N);
        assert!(
            l.counters().pauses.load(Ordering::Relaxed) > 0,
            "never paused"
        );
        l.stop();
        while let Some(crate::queue::Item::Net(nb)) = inbox.pop(Duration::ZERO) {
            coll.handle(nb, &mut t);
        }
        t.0.flush_pending();
        let log = std::fs::read_to_string(dir.join("audit.log")).unwrap_or_default();
        let ns: Vec<u32> = log
            .lines()
            .filter_map(|l| l.split(" n=").nth(1))
            .filter_map(|r| r.split(' ').next()?.parse().ok())
            .collect();
        assert_eq!(ns, (1..=N).collect::<Vec<_>>());
    }
}
