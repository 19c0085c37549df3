//! NETLINK_AUDIT client: a thin, blocking layer over the socket.
//!
//! [`AuditSocket`] sends requests with `NLM_F_REQUEST|NLM_F_ACK`, matches
//! replies by sequence number, turns the kernel's errno into a
//! [`NetlinkError::Kernel`], and trusts the `recv()` length rather than
//! `nlmsg_len` for audit records (the kernel's unicast path gets it wrong).
//!
//! It serves `auditctl`-style control (status, rules, features, user
//! messages, signal info) and the daemon: registering as the audit pid
//! ([`AuditSocket::set_pid`]), a large forced receive buffer
//! ([`AuditSocket::set_recv_buffer_force`]), ENOBUFS accounting
//! ([`AuditSocket::enobufs`]) and the read-only multicast group
//! ([`AuditSocket::join_readlog`]). Records that arrive while a control
//! request is in flight are queued and handed out by [`AuditSocket::recv`].

use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

pub use raudit_wire::consts;
use raudit_wire::consts::*;
use raudit_wire::{
    decode_datagram, encode_request, AuditFeatures, AuditRuleData, AuditSigInfo, AuditStatus,
    NlMsgErr, NlMsgHdr, WireError,
};

/// Default time to wait for a kernel reply (auditctl waits 4 seconds).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(4);

/// Receive buffer size: larger than any audit message.
const RECV_BUF: usize = 64 * 1024;

/// Errors of the netlink client.
#[derive(Debug, thiserror::Error)]
pub enum NetlinkError {
    /// The kernel has no audit support (socket creation refused).
    #[error("audit support not in kernel")]
    NoAuditSupport,
    /// A system call failed.
    #[error("{op} failed ({})", strerror(*.errno))]
    Io {
        /// What was being done.
        op: &'static str,
        /// The errno.
        errno: i32,
    },
    /// The kernel answered the request with an error.
    #[error("kernel refused {op} ({})", kernel_errno_message(*.errno))]
    Kernel {
        /// The request.
        op: &'static str,
        /// The positive errno from the NLMSG_ERROR reply.
        errno: i32,
    },
    /// No reply within the timeout.
    #[error("no reply from the kernel to {op} (timeout)")]
    Timeout {
        /// The request.
        op: &'static str,
    },
    /// A reply could not be decoded.
    #[error("malformed reply to {op}: {source}")]
    Wire {
        /// The request.
        op: &'static str,
        /// The decoding error.
        #[source]
        source: WireError,
    },
    /// A message claimed to come from a userspace process (spoofing).
    #[error("spoofed packet received on audit netlink socket (port {0})")]
    Spoofed(u32),
}

impl NetlinkError {
    /// The errno behind this error, if any.
    pub fn errno(&self) -> Option<i32> {
        match self {
            NetlinkError::Io { errno, .. } | NetlinkError::Kernel { errno, .. } => Some(*errno),
            NetlinkError::Timeout { .. } => Some(libc::ETIMEDOUT),
            NetlinkError::NoAuditSupport => Some(libc::EPROTONOSUPPORT),
            NetlinkError::Wire { .. } => Some(libc::EBADE),
            NetlinkError::Spoofed(_) => Some(libc::EINVAL),
        }
    }
}

/// Result alias.
pub type Result<T> = std::result::Result<T, NetlinkError>;

/// `strerror(errno)`: the C library's message for an errno.
pub fn strerror(errno: i32) -> String {
    let s = io::Error::from_raw_os_error(errno).to_string();
    match s.rfind(" (os error ") {
        Some(p) => s[..p].to_string(),
        None => s,
    }
}

/// The C library's message, followed by what it usually means for audit.
fn kernel_errno_message(errno: i32) -> String {
    let base = strerror(errno);
    let hint = match errno {
        libc::EPERM => " - CAP_AUDIT_CONTROL is needed, or the audit system is immutable",
        libc::ECONNREFUSED => {
            " - the audit system is disabled or not reachable from this namespace"
        }
        libc::EEXIST => " - rule exists",
        libc::ENOENT => " - no rule matches",
        _ => "",
    };
    format!("{base}{hint}")
}

/// One message received from the kernel, owning its payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedMessage {
    /// The header as received.
    pub header: NlMsgHdr,
    /// The payload (for records: the whole rest of the datagram).
    pub payload: Vec<u8>,
}

impl OwnedMessage {
    /// Message type.
    pub fn ty(&self) -> u16 {
        self.header.ty
    }
}

/// A NETLINK_AUDIT socket.
#[derive(Debug)]
pub struct AuditSocket {
    fd: OwnedFd,
    seq: u32,
    buf: Vec<u8>,
    pending: VecDeque<OwnedMessage>,
    enobufs: u64,
}

impl AsRawFd for AuditSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

fn last_errno() -> i32 {
    io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

impl AuditSocket {
    /// Open a NETLINK_AUDIT socket (close-on-exec).
    pub fn open() -> Result<Self> {
        // SAFETY: plain socket(2) call with constant arguments.
        let fd = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                NETLINK_AUDIT,
            )
        };
        if fd < 0 {
            let e = last_errno();
            return Err(match e {
                libc::EINVAL | libc::EPROTONOSUPPORT | libc::EAFNOSUPPORT => {
                    NetlinkError::NoAuditSupport
                }
                _ => NetlinkError::Io {
                    op: "opening audit netlink socket",
                    errno: e,
                },
            });
        }
        // SAFETY: fd is a freshly created descriptor we own.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(AuditSocket {
            fd,
            seq: 0,
            buf: vec![0u8; RECV_BUF],
            pending: VecDeque::new(),
            enobufs: 0,
        })
    }

    /// Number of `ENOBUFS` errors seen while receiving (records lost because
    /// the socket buffer overflowed).
    pub fn enobufs(&self) -> u64 {
        self.enobufs
    }

    fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        if self.seq == 0 || self.seq > i32::MAX as u32 {
            self.seq = 1;
        }
        self.seq
    }

    /// Send one request with `NLM_F_REQUEST|NLM_F_ACK`; returns its sequence
    /// number. Does not wait for anything.
    pub fn send(&mut self, ty: u16, payload: &[u8]) -> Result<u32> {
        let seq = self.next_seq();
        let msg = encode_request(ty, NLM_F_REQUEST | NLM_F_ACK, seq, payload);
        if msg.len() > MAX_AUDIT_MESSAGE_LENGTH + NLMSG_HDRLEN {
            return Err(NetlinkError::Io {
                op: "sending audit request",
                errno: libc::EINVAL,
            });
        }
        // SAFETY: sockaddr_nl is plain data; zeroed is a valid value.
        let mut addr: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        addr.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        loop {
            // SAFETY: msg and addr are valid for the lengths passed.
            let rc = unsafe {
                libc::sendto(
                    self.fd.as_raw_fd(),
                    msg.as_ptr().cast(),
                    msg.len(),
                    0,
                    (&addr as *const libc::sockaddr_nl).cast(),
                    std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
                )
            };
            if rc < 0 {
                let e = last_errno();
                if e == libc::EINTR {
                    continue;
                }
                return Err(NetlinkError::Io {
                    op: "sending audit request",
                    errno: e,
                });
            }
            if rc as usize != msg.len() {
                return Err(NetlinkError::Io {
                    op: "sending audit request",
                    errno: libc::EINVAL,
                });
            }
            return Ok(seq);
        }
    }

    /// Wait until the socket is readable or the timeout passes.
    fn wait_readable(&self, timeout: Option<Duration>) -> Result<bool> {
        let ms: libc::c_int = match timeout {
            None => -1,
            Some(d) => d.as_millis().min(i32::MAX as u128) as libc::c_int,
        };
        let mut pfd = libc::pollfd {
            fd: self.fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        loop {
            // SAFETY: one valid pollfd.
            let rc = unsafe { libc::poll(&mut pfd, 1, ms) };
            if rc < 0 {
                let e = last_errno();
                if e == libc::EINTR {
                    continue;
                }
                return Err(NetlinkError::Io {
                    op: "polling audit socket",
                    errno: e,
                });
            }
            return Ok(rc > 0);
        }
    }

    /// Receive one datagram into `buf`, waiting at most `timeout` (`None`:
    /// forever). Returns its length, or `None` on timeout. `ENOBUFS` is
    /// counted and skipped. Datagrams not sent by the kernel are rejected.
    pub fn recv_datagram(
        &mut self,
        buf: &mut [u8],
        timeout: Option<Duration>,
    ) -> Result<Option<usize>> {
        let deadline = timeout.map(|t| Instant::now() + t);
        // Try the socket first and poll only when it is empty: under load
        // that is one system call per record instead of two.
        let mut ready = true;
        loop {
            if !ready {
                let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
                if !self.wait_readable(left)? {
                    return Ok(None);
                }
            }
            ready = false;
            // SAFETY: sockaddr_nl is plain data.
            let mut addr: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
            let mut alen = std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
            // SAFETY: buf and addr are valid for the lengths passed.
            let rc = unsafe {
                libc::recvfrom(
                    self.fd.as_raw_fd(),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    libc::MSG_DONTWAIT,
                    (&mut addr as *mut libc::sockaddr_nl).cast(),
                    &mut alen,
                )
            };
            if rc < 0 {
                match last_errno() {
                    libc::EAGAIN => continue,
                    libc::EINTR => {
                        ready = true;
                        continue;
                    }
                    libc::ENOBUFS => {
                        self.enobufs += 1;
                        ready = true;
                        continue;
                    }
                    e => {
                        return Err(NetlinkError::Io {
                            op: "receiving audit netlink packet",
                            errno: e,
                        })
                    }
                }
            }
            if addr.nl_pid != 0 {
                return Err(NetlinkError::Spoofed(addr.nl_pid));
            }
            return Ok(Some(rc as usize));
        }
    }

    /// Receive the next message: queued ones first, then from the socket.
    pub fn recv(&mut self, timeout: Option<Duration>) -> Result<Option<OwnedMessage>> {
        if let Some(m) = self.pending.pop_front() {
            return Ok(Some(m));
        }
        let mut buf = std::mem::take(&mut self.buf);
        let r = self.recv_datagram(&mut buf, timeout);
        let out = match r {
            Ok(Some(n)) => match decode_datagram(&buf[..n]) {
                Ok(msgs) => {
                    for m in msgs {
                        self.pending.push_back(OwnedMessage {
                            header: m.header,
                            payload: m.payload.to_vec(),
                        });
                    }
                    Ok(self.pending.pop_front())
                }
                Err(e) => Err(NetlinkError::Wire {
                    op: "receive",
                    source: e,
                }),
            },
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        };
        self.buf = buf;
        out
    }

    /// Receive from the socket only (not the queue), queueing what does not
    /// satisfy `want`. Returns the first message for which `want` is true.
    fn recv_matching(
        &mut self,
        op: &'static str,
        deadline: Instant,
        mut want: impl FnMut(&OwnedMessage) -> bool,
    ) -> Result<OwnedMessage> {
        // Look in the queue first.
        if let Some(pos) = self.pending.iter().position(&mut want) {
            if let Some(m) = self.pending.remove(pos) {
                return Ok(m);
            }
        }
        let mut buf = std::mem::take(&mut self.buf);
        let res = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let n = match self.recv_datagram(&mut buf, Some(left)) {
                Ok(Some(n)) => n,
                Ok(None) => break Err(NetlinkError::Timeout { op }),
                Err(e) => break Err(e),
            };
            let msgs = match decode_datagram(&buf[..n]) {
                Ok(m) => m,
                Err(e) => break Err(NetlinkError::Wire { op, source: e }),
            };
            let mut found = None;
            for m in msgs {
                let om = OwnedMessage {
                    header: m.header,
                    payload: m.payload.to_vec(),
                };
                if found.is_none() && want(&om) {
                    found = Some(om);
                } else if raudit_wire::nlmsg::is_record_type(om.header.ty) {
                    // Keep records for recv(); drop stale control replies.
                    self.pending.push_back(om);
                }
            }
            if let Some(m) = found {
                break Ok(m);
            }
        };
        self.buf = buf;
        res
    }

    /// Send a request and wait for its acknowledgement. Returns the ACK's
    /// value (≥ 0; some requests, like resetting `lost`, report a count in
    /// it). A negative value from the kernel is returned as
    /// [`NetlinkError::Kernel`].
    pub fn request_ack(&mut self, op: &'static str, ty: u16, payload: &[u8]) -> Result<u32> {
        let seq = self.send(ty, payload)?;
        let deadline = Instant::now() + DEFAULT_TIMEOUT;
        let m = self.recv_matching(op, deadline, |m| {
            m.header.ty == NLMSG_ERROR && m.header.seq == seq
        })?;
        let e = NlMsgErr::decode(&m.payload).map_err(|source| NetlinkError::Wire { op, source })?;
        match e.errno() {
            Some(errno) => Err(NetlinkError::Kernel { op, errno }),
            None => Ok(e.error as u32),
        }
    }

    /// Send a request and collect its replies of type `reply` until one
    /// arrives (`multi == false`) or until `NLMSG_DONE` (`multi == true`).
    /// Kernel errors are returned as [`NetlinkError::Kernel`].
    fn request_replies(
        &mut self,
        op: &'static str,
        ty: u16,
        payload: &[u8],
        reply: u16,
        multi: bool,
    ) -> Result<Vec<OwnedMessage>> {
        let seq = self.send(ty, payload)?;
        let deadline = Instant::now() + DEFAULT_TIMEOUT;
        let mut out = Vec::new();
        loop {
            let m = self.recv_matching(op, deadline, |m| {
                m.header.seq == seq
                    && (m.header.ty == NLMSG_ERROR
                        || m.header.ty == NLMSG_DONE
                        || m.header.ty == reply)
            })?;
            match m.header.ty {
                NLMSG_ERROR => {
                    let e = NlMsgErr::decode(&m.payload)
                        .map_err(|source| NetlinkError::Wire { op, source })?;
                    if let Some(errno) = e.errno() {
                        return Err(NetlinkError::Kernel { op, errno });
                    }
                    // A plain ACK: replies may come before or after it.
                }
                NLMSG_DONE => {
                    if multi {
                        return Ok(out);
                    }
                }
                _ => {
                    out.push(m);
                    if !multi {
                        return Ok(out);
                    }
                }
            }
        }
    }

    // ---- status -------------------------------------------------------------

    /// `AUDIT_GET`: the kernel's audit status, together with the reply's
    /// payload length (so callers can tell which optional fields exist).
    pub fn get_status(&mut self) -> Result<AuditStatus> {
        let op = "status request";
        let mut r = self.request_replies(op, AUDIT_GET, &[], AUDIT_GET, false)?;
        let m = r.pop().ok_or(NetlinkError::Timeout { op })?;
        AuditStatus::decode(&m.payload).map_err(|source| NetlinkError::Wire { op, source })
    }

    /// `AUDIT_SET` with the given mask and values; waits for the ACK and
    /// returns its value.
    pub fn set_status(&mut self, op: &'static str, status: &AuditStatus) -> Result<u32> {
        self.request_ack(op, AUDIT_SET, &status.encode())
    }

    fn set_one(
        &mut self,
        op: &'static str,
        mask: u32,
        f: impl FnOnce(&mut AuditStatus),
    ) -> Result<u32> {
        let mut s = AuditStatus {
            mask,
            ..Default::default()
        };
        f(&mut s);
        self.set_status(op, &s)
    }

    /// Set `enabled` (0, 1; 2 makes the configuration immutable until reboot).
    pub fn set_enabled(&mut self, enabled: u32) -> Result<()> {
        self.set_one("enable request", AUDIT_STATUS_ENABLED, |s| {
            s.enabled = enabled
        })
        .map(drop)
    }

    /// Set the failure mode (0 silent, 1 printk, 2 panic).
    pub fn set_failure(&mut self, failure: u32) -> Result<()> {
        self.set_one("failure mode request", AUDIT_STATUS_FAILURE, |s| {
            s.failure = failure
        })
        .map(drop)
    }

    /// Register `pid` as the audit daemon (0 unregisters).
    pub fn set_pid(&mut self, pid: u32) -> Result<()> {
        self.set_one("audit daemon pid request", AUDIT_STATUS_PID, |s| {
            s.pid = pid
        })
        .map(drop)
    }

    /// Set the rate limit (messages per second, 0 = none).
    pub fn set_rate_limit(&mut self, limit: u32) -> Result<()> {
        self.set_one("rate limit request", AUDIT_STATUS_RATE_LIMIT, |s| {
            s.rate_limit = limit
        })
        .map(drop)
    }

    /// Set the backlog limit.
    pub fn set_backlog_limit(&mut self, limit: u32) -> Result<()> {
        self.set_one("backlog limit request", AUDIT_STATUS_BACKLOG_LIMIT, |s| {
            s.backlog_limit = limit
        })
        .map(drop)
    }

    /// Set the backlog wait time.
    pub fn set_backlog_wait_time(&mut self, t: u32) -> Result<()> {
        self.set_one(
            "backlog wait time request",
            AUDIT_STATUS_BACKLOG_WAIT_TIME,
            |s| s.backlog_wait_time = Some(t),
        )
        .map(drop)
    }

    /// Reset the `lost` counter; returns its value before the reset.
    pub fn reset_lost(&mut self) -> Result<u32> {
        self.set_one("lost reset request", AUDIT_STATUS_LOST, |_| {})
    }

    /// Reset `backlog_wait_time_actual`; returns its value before the reset.
    pub fn reset_backlog_wait_time_actual(&mut self) -> Result<u32> {
        self.set_one(
            "backlog wait time actual reset request",
            AUDIT_STATUS_BACKLOG_WAIT_TIME_ACTUAL,
            |_| {},
        )
    }

    // ---- features -----------------------------------------------------------

    /// `AUDIT_GET_FEATURE`.
    pub fn get_features(&mut self) -> Result<AuditFeatures> {
        let op = "feature request";
        let mut r = self.request_replies(
            op,
            AUDIT_GET_FEATURE,
            &AuditFeatures::default().encode(),
            AUDIT_GET_FEATURE,
            false,
        )?;
        let m = r.pop().ok_or(NetlinkError::Timeout { op })?;
        AuditFeatures::decode(&m.payload).map_err(|source| NetlinkError::Wire { op, source })
    }

    /// `AUDIT_SET_FEATURE` for one feature.
    pub fn set_feature(&mut self, feature: u32, value: bool, lock: bool) -> Result<()> {
        let bit = audit_feature_to_mask(feature);
        let f = AuditFeatures {
            vers: 0,
            mask: bit,
            features: if value { bit } else { 0 },
            lock: if lock { bit } else { 0 },
        };
        self.request_ack("set feature request", AUDIT_SET_FEATURE, &f.encode())
            .map(drop)
    }

    // ---- rules --------------------------------------------------------------

    /// `AUDIT_LIST_RULES`: every rule, in kernel order.
    pub fn list_rules(&mut self) -> Result<Vec<AuditRuleData>> {
        let op = "rule list request";
        let msgs = self.request_replies(op, AUDIT_LIST_RULES, &[], AUDIT_LIST_RULES, true)?;
        msgs.iter()
            .map(|m| {
                AuditRuleData::decode(&m.payload)
                    .map_err(|source| NetlinkError::Wire { op, source })
            })
            .collect()
    }

    /// `AUDIT_ADD_RULE`.
    pub fn add_rule(&mut self, rule: &AuditRuleData) -> Result<()> {
        let op = "add rule request";
        let bytes = rule
            .encode()
            .map_err(|source| NetlinkError::Wire { op, source })?;
        self.request_ack(op, AUDIT_ADD_RULE, &bytes).map(drop)
    }

    /// `AUDIT_DEL_RULE`.
    pub fn delete_rule(&mut self, rule: &AuditRuleData) -> Result<()> {
        let op = "delete rule request";
        let bytes = rule
            .encode()
            .map_err(|source| NetlinkError::Wire { op, source })?;
        self.request_ack(op, AUDIT_DEL_RULE, &bytes).map(drop)
    }

    /// `AUDIT_TRIM`: trim directory watches.
    pub fn trim_subtrees(&mut self) -> Result<()> {
        self.request_ack("trim subtrees command", AUDIT_TRIM, &[])
            .map(drop)
    }

    /// `AUDIT_MAKE_EQUIV`: make `subtree` part of `mount_point`'s watches.
    pub fn make_equivalent(&mut self, mount_point: &[u8], subtree: &[u8]) -> Result<()> {
        let mut p = Vec::with_capacity(8 + mount_point.len() + subtree.len());
        p.extend_from_slice(&(mount_point.len() as u32).to_ne_bytes());
        p.extend_from_slice(&(subtree.len() as u32).to_ne_bytes());
        p.extend_from_slice(mount_point);
        p.extend_from_slice(subtree);
        self.request_ack("make_equivalent command", AUDIT_MAKE_EQUIV, &p)
            .map(drop)
    }

    // ---- messages -----------------------------------------------------------

    /// Send a userspace record of type `ty` (e.g. `AUDIT_USER`) with `text`
    /// (a NUL is appended). Needs `CAP_AUDIT_WRITE`.
    pub fn send_user_message(&mut self, ty: u16, text: &[u8]) -> Result<()> {
        let mut p = text.to_vec();
        p.push(0);
        self.request_ack("user message", ty, &p).map(drop)
    }

    /// `AUDIT_SIGNAL_INFO`: who last signalled the audit daemon.
    pub fn signal_info(&mut self) -> Result<AuditSigInfo> {
        let op = "signal_info request";
        let mut r = self.request_replies(op, AUDIT_SIGNAL_INFO, &[], AUDIT_SIGNAL_INFO, false)?;
        let m = r.pop().ok_or(NetlinkError::Timeout { op })?;
        AuditSigInfo::decode(&m.payload).map_err(|source| NetlinkError::Wire { op, source })
    }

    // ---- daemon side --------------------------------------------------------

    /// Force the receive buffer size (`SO_RCVBUFFORCE`, needs
    /// `CAP_NET_ADMIN`), falling back to `SO_RCVBUF`.
    pub fn set_recv_buffer_force(&self, bytes: usize) -> Result<()> {
        let v: libc::c_int = bytes.min(i32::MAX as usize) as libc::c_int;
        if self
            .setsockopt_int(libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, v)
            .is_ok()
        {
            return Ok(());
        }
        self.setsockopt_int(libc::SOL_SOCKET, libc::SO_RCVBUF, v)
            .map_err(|errno| NetlinkError::Io {
                op: "setting receive buffer",
                errno,
            })
    }

    /// Ask the kernel not to report `ENOBUFS` (`NETLINK_NO_ENOBUFS`).
    pub fn set_no_enobufs(&self, on: bool) -> Result<()> {
        self.setsockopt_int(
            libc::SOL_NETLINK,
            libc::NETLINK_NO_ENOBUFS,
            on as libc::c_int,
        )
        .map_err(|errno| NetlinkError::Io {
            op: "setting NETLINK_NO_ENOBUFS",
            errno,
        })
    }

    /// Join the read-only log multicast group (`AUDIT_NLGRP_READLOG`; needs
    /// `CAP_AUDIT_READ`).
    ///
    /// The socket is bound first (the kernel picks its port id): an unbound
    /// netlink socket has port id 0, and the kernel's broadcast skips every
    /// member whose port id equals the sender's — the kernel's own, 0 — so
    /// an unbound member never receives a record.
    pub fn join_readlog(&self) -> Result<()> {
        // SAFETY: sockaddr_nl is plain data; zeroed is a valid value.
        let mut addr: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        addr.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        // SAFETY: addr is valid for the length passed.
        let rc = unsafe {
            libc::bind(
                self.fd.as_raw_fd(),
                (&addr as *const libc::sockaddr_nl).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        // EINVAL: already bound (fine, it has a port id).
        if rc < 0 && last_errno() != libc::EINVAL {
            return Err(NetlinkError::Io {
                op: "binding the audit socket",
                errno: last_errno(),
            });
        }
        self.setsockopt_int(
            libc::SOL_NETLINK,
            libc::NETLINK_ADD_MEMBERSHIP,
            AUDIT_NLGRP_READLOG as libc::c_int,
        )
        .map_err(|errno| NetlinkError::Io {
            op: "joining the audit readlog group",
            errno,
        })
    }

    fn setsockopt_int(
        &self,
        level: libc::c_int,
        name: libc::c_int,
        v: libc::c_int,
    ) -> std::result::Result<(), i32> {
        // SAFETY: v is a valid c_int for the length passed.
        let rc = unsafe {
            libc::setsockopt(
                self.fd.as_raw_fd(),
                level,
                name,
                (&v as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if rc < 0 {
            Err(last_errno())
        } else {
            Ok(())
        }
    }
}

/// Whether the process has the given capability in its effective set
/// (from `/proc/self/status`); `geteuid() == 0` if that cannot be read.
pub fn has_capability(cap: u32) -> bool {
    if let Ok(s) = std::fs::read_to_string("/proc/self/status") {
        for line in s.lines() {
            if let Some(hex) = line.strip_prefix("CapEff:") {
                if let Ok(v) = u64::from_str_radix(hex.trim(), 16) {
                    return cap < 64 && v & (1u64 << cap) != 0;
                }
            }
        }
    }
    // SAFETY: geteuid never fails.
    unsafe { libc::geteuid() == 0 }
}

/// `CAP_AUDIT_WRITE` capability number.
pub const CAP_AUDIT_WRITE: u32 = 29;
/// `CAP_AUDIT_CONTROL` capability number.
pub const CAP_AUDIT_CONTROL: u32 = 30;
/// `CAP_AUDIT_READ` capability number.
pub const CAP_AUDIT_READ: u32 = 37;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strerror_strips_suffix() {
        assert_eq!(strerror(libc::ENOENT), "No such file or directory");
        assert_eq!(strerror(libc::EEXIST), "File exists");
    }

    #[test]
    fn error_messages() {
        let e = NetlinkError::Kernel {
            op: "add rule request",
            errno: libc::EEXIST,
        };
        assert_eq!(
            e.to_string(),
            "kernel refused add rule request (File exists - rule exists)"
        );
        assert_eq!(e.errno(), Some(libc::EEXIST));
    }
}
