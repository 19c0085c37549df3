//! The kernel source: a NETLINK_AUDIT socket registered as the audit daemon
//! (unicast), or joined to the read-only log group (multicast, which changes
//! nothing in the kernel), and a reader thread that does nothing but drain it
//! into the [`Inbox`] in batches.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use raudit_netlink::{AuditSocket, NetlinkError};

use crate::queue::{Batch, Control, Inbox};

/// Receive buffer asked for with `SO_RCVBUFFORCE`.
pub const RECV_BUFFER: usize = 32 << 20;
/// A batch is handed over at this many records (or when the socket is empty).
const BATCH_RECORDS: usize = 1024;
/// … or at this many bytes.
const BATCH_BYTES: usize = 1 << 20;
/// … or, when the socket runs empty, once its first record is this old: the
/// reader sleeps that long (once per batch) and records gather in the socket
/// buffer meanwhile — the kernel never waits on this (32 MiB of buffer); a
/// trickle of records then costs one wake-up, one hand-over and one `write`
/// per batch instead of per record.
const BATCH_DELAY: Duration = Duration::from_millis(5);

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

/// Waits until `fd` is readable or `ms` pass.
fn poll_in(fd: std::os::fd::RawFd, ms: i32) {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut p, 1, ms) };
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
    // When the batch's first record arrived, and whether the reader already
    // slept once to let more records gather in the socket.
    let mut first: Option<Instant> = None;
    let mut slept = false;
    while !stop.load(Ordering::Relaxed) {
        match multi.recv(fd) {
            Ok(Got::Many(n)) => {
                for i in 0..n {
                    let Some(d) = multi.datagram(i).filter(|d| d.len() >= 16) else {
                        continue;
                    };
                    let ty = u16::from_ne_bytes([d[4], d[5]]);
                    batch.push(ty, &d[16..]);
                    c.records.fetch_add(1, Ordering::Relaxed);
                    c.bytes.fetch_add((d.len() - 16) as u64, Ordering::Relaxed);
                }
                if first.is_none() && !batch.is_empty() {
                    first = Some(Instant::now());
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
                    poll_in(fd, 250);
                    continue;
                }
                // A young batch waits (once) for more: records gather in
                // the socket buffer meanwhile, so a trickle costs one
                // wake-up per BATCH_DELAY, not one per record.
                if let Some(t) = first.filter(|_| !slept) {
                    let left = (t + BATCH_DELAY).saturating_duration_since(Instant::now());
                    if !left.is_zero() {
                        std::thread::sleep(left);
                        slept = true;
                        continue;
                    }
                }
            }
            Err(e) => {
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
            c.batches.fetch_add(1, Ordering::Relaxed);
            first = None;
            slept = false;
            if !inbox.push(std::mem::take(&mut batch)) {
                break;
            }
        }
    }
}
