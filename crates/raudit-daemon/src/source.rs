//! The kernel source: a NETLINK_AUDIT socket registered as the audit daemon
//! (unicast), or joined to the read-only log group (multicast, which changes
//! nothing in the kernel), and a reader thread that does nothing but drain it
//! into the [`Inbox`] in batches.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use raudit_netlink::{AuditSocket, NetlinkError};

use crate::queue::{Batch, Control, Inbox};

/// Receive buffer asked for with `SO_RCVBUFFORCE`.
pub const RECV_BUFFER: usize = 32 << 20;
/// A batch is handed over at this many records (or when the socket is empty).
const BATCH_RECORDS: usize = 1024;
/// … or at this many bytes.
const BATCH_BYTES: usize = 1 << 20;
/// When the socket is found empty, the reader waits for the next record, then
/// sleeps this long before draining: records gather in the socket buffer
/// meanwhile (the kernel never waits on this: 32 MiB of buffer), so a batch
/// costs one wake-up of the reader, one hand-over and one `write`, whatever
/// the rate. This is also the most a record waits before it is written. Kept
/// short: what gathers arrives downstream at once, and a longer wait turns a
/// steady stream into bursts that overflow small plugin queues (`q_depth`).
/// `RAUDIT_BATCH_DELAY_MS` overrides it (0: hand over as soon as the socket
/// is empty).
pub const BATCH_DELAY: Duration = Duration::from_millis(5);

fn batch_delay() -> Duration {
    std::env::var("RAUDIT_BATCH_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(BATCH_DELAY, Duration::from_millis)
}

/// Counters of the reader (shared with the handler and the state report).
#[derive(Debug, Default)]
pub struct SourceCounters {
    /// Datagrams received.
    pub records: AtomicU64,
    /// Payload bytes received.
    pub bytes: AtomicU64,
    /// `ENOBUFS` errors: the socket buffer overflowed and records were lost.
    pub enobufs: AtomicU64,
    /// Batches handed over.
    pub batches: AtomicU64,
}

/// How the daemon reads the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Registered as the audit daemon (AUDIT_SET pid).
    Unicast,
    /// Member of AUDIT_NLGRP_READLOG: read-only, beside another daemon.
    Multicast,
}

/// Opens the record socket. Unicast registration is done separately
/// ([`register`]) so the caller can first write its start record.
pub fn open(mode: Mode) -> Result<AuditSocket, NetlinkError> {
    let s = AuditSocket::open()?;
    // Not fatal: without CAP_NET_ADMIN the default size is used.
    let _ = s.set_recv_buffer_force(RECV_BUFFER);
    if mode == Mode::Multicast {
        s.join_readlog()?;
    }
    Ok(s)
}

/// Registers this process as the audit daemon on `sock`.
pub fn register(sock: &mut AuditSocket) -> Result<(), NetlinkError> {
    sock.set_pid(std::process::id())
}

/// Who holds the audit pid, for messages: `pid N (comm)`.
pub fn describe_pid(pid: u32) -> String {
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim_end().to_string())
        .unwrap_or_else(|_| "?".into());
    format!("pid {pid} ({comm})")
}

/// The running reader thread.
pub struct Reader {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Reader {
    /// Starts draining `sock` into `inbox`.
    pub fn spawn(
        mut sock: AuditSocket,
        inbox: Arc<Inbox>,
        counters: Arc<SourceCounters>,
    ) -> std::io::Result<Reader> {
        let stop = Arc::new(AtomicBool::new(false));
        let st = stop.clone();
        let handle = std::thread::Builder::new()
            .name("kernel-reader".into())
            .spawn(move || read_loop(&mut sock, &inbox, &counters, &st))?;
        Ok(Reader {
            stop,
            handle: Some(handle),
        })
    }

    /// Stops the thread (it notices within a quarter of a second).
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Datagrams received per system call.
const RECV_MANY: usize = 64;
/// Room for one datagram (the kernel's largest record plus headers).
const DATAGRAM: usize = raudit_netlink::consts::MAX_AUDIT_MESSAGE_LENGTH + 1024;

/// `recvmmsg(2)` on the audit socket: up to [`RECV_MANY`] datagrams per
/// system call (one call per record costs more than the record itself).
struct Multi {
    bufs: Vec<u8>,
    iovs: Vec<libc::iovec>,
    addrs: Vec<libc::sockaddr_nl>,
    hdrs: Vec<libc::mmsghdr>,
}

/// What one [`Multi::recv`] got.
enum Got {
    /// This many datagrams.
    Many(usize),
    /// The socket is empty.
    Empty,
    /// The socket buffer overflowed (records lost).
    Enobufs,
}

impl Multi {
    fn new() -> Multi {
        let mut m = Multi {
            bufs: vec![0u8; RECV_MANY * DATAGRAM],
            iovs: Vec::with_capacity(RECV_MANY),
            // SAFETY: sockaddr_nl and mmsghdr are plain data; zeroes are valid.
            addrs: vec![unsafe { std::mem::zeroed() }; RECV_MANY],
            // SAFETY: as above.
            hdrs: vec![unsafe { std::mem::zeroed() }; RECV_MANY],
        };
        for i in 0..RECV_MANY {
            m.iovs.push(libc::iovec {
                // SAFETY: in bounds of `bufs`.
                iov_base: unsafe { m.bufs.as_mut_ptr().add(i * DATAGRAM) }.cast(),
                iov_len: DATAGRAM,
            });
        }
        m
    }

    /// Receives what is there without waiting.
    fn recv(&mut self, fd: std::os::fd::RawFd) -> Result<Got, i32> {
        for i in 0..RECV_MANY {
            let h = &mut self.hdrs[i].msg_hdr;
            h.msg_name = (&mut self.addrs[i] as *mut libc::sockaddr_nl).cast();
            h.msg_namelen = std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
            h.msg_iov = &mut self.iovs[i];
            h.msg_iovlen = 1;
            h.msg_control = std::ptr::null_mut();
            h.msg_controllen = 0;
            h.msg_flags = 0;
            self.hdrs[i].msg_len = 0;
        }
        loop {
            // SAFETY: every header points at valid buffers of the stated sizes.
            let n = unsafe {
                libc::recvmmsg(
                    fd,
                    self.hdrs.as_mut_ptr(),
                    RECV_MANY as libc::c_uint,
                    libc::MSG_DONTWAIT,
                    std::ptr::null_mut(),
                )
            };
            if n >= 0 {
                return Ok(if n == 0 {
                    Got::Empty
                } else {
                    Got::Many(n as usize)
                });
            }
            match std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO)
            {
                libc::EINTR => continue,
                libc::EAGAIN => return Ok(Got::Empty),
                libc::ENOBUFS => return Ok(Got::Enobufs),
                e => return Err(e),
            }
        }
    }

    /// Datagram `i` of the last receive: its bytes, or None when it was
    /// not sent by the kernel (a spoofed sender).
    fn datagram(&self, i: usize) -> Option<&[u8]> {
        if self.addrs[i].nl_pid != 0 {
            return None;
        }
        let len = (self.hdrs[i].msg_len as usize).min(DATAGRAM);
        Some(&self.bufs[i * DATAGRAM..i * DATAGRAM + len])
    }
}

/// Waits until `fd` is readable (true) or `ms` pass (false).
fn poll_in(fd: std::os::fd::RawFd, ms: i32) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut p, 1, ms) > 0 }
}

fn read_loop(sock: &mut AuditSocket, inbox: &Inbox, c: &SourceCounters, stop: &AtomicBool) {
    use std::os::fd::AsRawFd;
    let mut batch = Batch::default();
    // Records queued by the socket while it waited for the registration ACK.
    while let Ok(Some(m)) = sock.recv(Some(Duration::ZERO)) {
        batch.push(m.header.ty, &m.payload);
        c.records.fetch_add(1, Ordering::Relaxed);
        c.bytes.fetch_add(m.payload.len() as u64, Ordering::Relaxed);
    }
    let fd = sock.as_raw_fd();
    let mut multi = Multi::new();
    let delay = batch_delay();
    // Records and bytes in `batch` not yet added to the counters.
    let (mut recs, mut bytes) = (0u64, 0u64);
    while !stop.load(Ordering::Relaxed) {
        match multi.recv(fd) {
            Ok(Got::Many(n)) => {
                for i in 0..n {
                    let Some(d) = multi.datagram(i).filter(|d| d.len() >= 16) else {
                        continue;
                    };
                    let ty = u16::from_ne_bytes([d[4], d[5]]);
                    batch.push(ty, &d[16..]);
                    recs += 1;
                    bytes += (d.len() - 16) as u64;
                }
                if batch.len() < BATCH_RECORDS && batch.buf.len() < BATCH_BYTES {
                    continue;
                }
            }
            Ok(Got::Enobufs) => {
                c.enobufs.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            Ok(Got::Empty) => {
                if batch.is_empty() {
                    // Nothing in hand: wait for the next record, then let
                    // more gather behind it (one wake-up per batch).
                    if poll_in(fd, 250) && !delay.is_zero() {
                        std::thread::sleep(delay);
                    }
                    continue;
                }
            }
            Err(e) => {
                c.records.fetch_add(recs, Ordering::Relaxed);
                c.bytes.fetch_add(bytes, Ordering::Relaxed);
                inbox.push_last(std::mem::take(&mut batch));
                inbox.control(Control::ReaderFailed(
                    NetlinkError::Io {
                        op: "receiving audit netlink packet",
                        errno: e,
                    }
                    .to_string(),
                ));
                break;
            }
        }
        if !batch.is_empty() {
            c.records.fetch_add(recs, Ordering::Relaxed);
            c.bytes.fetch_add(bytes, Ordering::Relaxed);
            (recs, bytes) = (0, 0);
            c.batches.fetch_add(1, Ordering::Relaxed);
            if !inbox.push(std::mem::take(&mut batch)) {
                return;
            }
        }
    }
    // Stopped with records in hand: queue them past the bound (the handler
    // is waiting for this thread to end, then drains the queue).
    c.records.fetch_add(recs, Ordering::Relaxed);
    c.bytes.fetch_add(bytes, Ordering::Relaxed);
    inbox.push_last(batch);
}
