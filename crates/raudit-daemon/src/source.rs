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

fn read_loop(sock: &mut AuditSocket, inbox: &Inbox, c: &SourceCounters, stop: &AtomicBool) {
    let mut buf = vec![0u8; raudit_netlink::consts::MAX_AUDIT_MESSAGE_LENGTH + 1024];
    let mut batch = Batch::default();
    // Records queued by the socket while it waited for the registration ACK.
    while let Ok(Some(m)) = sock.recv(Some(Duration::ZERO)) {
        batch.push(m.header.ty, &m.payload);
    }
    let mut seen_enobufs = sock.enobufs();
    while !stop.load(Ordering::Relaxed) {
        let wait = if batch.is_empty() {
            Some(Duration::from_millis(250))
        } else {
            Some(Duration::ZERO)
        };
        match sock.recv_datagram(&mut buf, wait) {
            Ok(Some(n)) if n >= 16 => {
                let ty = u16::from_ne_bytes([buf[4], buf[5]]);
                batch.push(ty, &buf[16..n]);
                c.records.fetch_add(1, Ordering::Relaxed);
                c.bytes.fetch_add((n - 16) as u64, Ordering::Relaxed);
                if batch.len() < BATCH_RECORDS && batch.buf.len() < BATCH_BYTES {
                    continue;
                }
            }
            Ok(Some(_)) => continue,
            Ok(None) => {}
            Err(NetlinkError::Spoofed(_)) => continue,
            Err(e) => {
                inbox.control(Control::ReaderFailed(e.to_string()));
                break;
            }
        }
        let e = sock.enobufs();
        if e != seen_enobufs {
            c.enobufs.fetch_add(e - seen_enobufs, Ordering::Relaxed);
            seen_enobufs = e;
        }
        if !batch.is_empty() {
            c.batches.fetch_add(1, Ordering::Relaxed);
            if !inbox.push(std::mem::take(&mut batch)) {
                break;
            }
        }
    }
}
