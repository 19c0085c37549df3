//! `struct audit_status`, `struct audit_features`, `struct audit_sig_info`,
//! `struct audit_tty_status`.

use crate::nlmsg::get_u32;
use crate::WireError;

/// `struct audit_status`. Its size depends on the kernel: 32 bytes on old
/// kernels, 40 with `feature_bitmap`/`backlog_wait_time`, 44 with
/// `backlog_wait_time_actual`. Decoding keeps what is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AuditStatus {
    /// Bit mask of valid entries (`AUDIT_STATUS_*`).
    pub mask: u32,
    /// 0 = disabled, 1 = enabled, 2 = immutable.
    pub enabled: u32,
    /// Failure-to-log action.
    pub failure: u32,
    /// Pid of the registered audit daemon.
    pub pid: u32,
    /// Message rate limit (per second).
    pub rate_limit: u32,
    /// Waiting messages limit.
    pub backlog_limit: u32,
    /// Messages lost.
    pub lost: u32,
    /// Messages waiting in queue.
    pub backlog: u32,
    /// `feature_bitmap` (formerly `version`), if the kernel sent it.
    pub feature_bitmap: Option<u32>,
    /// Wait time when the backlog is full, if the kernel sent it.
    pub backlog_wait_time: Option<u32>,
    /// Time spent waiting while the backlog was full, if the kernel sent it.
    pub backlog_wait_time_actual: Option<u32>,
}

impl AuditStatus {
    /// Smallest `audit_status` any kernel sends.
    pub const MIN_LEN: usize = 32;
    /// Full size of the structure this crate encodes.
    pub const LEN: usize = 44;

    /// Decode from a reply payload of any supported length.
    pub fn decode(buf: &[u8]) -> Result<Self, WireError> {
        if buf.len() < Self::MIN_LEN {
            return Err(WireError::Truncated {
                what: "audit_status",
                need: Self::MIN_LEN,
                got: buf.len(),
            });
        }
        let g = |i: usize| get_u32(buf, i * 4).unwrap_or(0);
        Ok(AuditStatus {
            mask: g(0),
            enabled: g(1),
            failure: g(2),
            pid: g(3),
            rate_limit: g(4),
            backlog_limit: g(5),
            lost: g(6),
            backlog: g(7),
            feature_bitmap: get_u32(buf, 32),
            backlog_wait_time: get_u32(buf, 36),
            backlog_wait_time_actual: get_u32(buf, 40),
        })
    }

    /// Encode the full 44-byte structure (absent optional fields as 0).
    pub fn encode(&self) -> Vec<u8> {
        let vals = [
            self.mask,
            self.enabled,
            self.failure,
            self.pid,
            self.rate_limit,
            self.backlog_limit,
            self.lost,
            self.backlog,
            self.feature_bitmap.unwrap_or(0),
            self.backlog_wait_time.unwrap_or(0),
            self.backlog_wait_time_actual.unwrap_or(0),
        ];
        let mut out = Vec::with_capacity(Self::LEN);
        for v in vals {
            out.extend_from_slice(&v.to_ne_bytes());
        }
        out
    }
}

/// `struct audit_features`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AuditFeatures {
    /// Structure version (`AUDIT_FEATURE_VERSION`).
    pub vers: u32,
    /// Which bits of `features`/`lock` are meaningful.
    pub mask: u32,
    /// Feature values.
    pub features: u32,
    /// Feature locks.
    pub lock: u32,
}

impl AuditFeatures {
    /// Encoded size.
    pub const LEN: usize = 16;

    /// Decode from a reply payload.
    pub fn decode(buf: &[u8]) -> Result<Self, WireError> {
        if buf.len() < Self::LEN {
            return Err(WireError::Truncated {
                what: "audit_features",
                need: Self::LEN,
                got: buf.len(),
            });
        }
        let g = |i: usize| get_u32(buf, i * 4).unwrap_or(0);
        Ok(AuditFeatures {
            vers: g(0),
            mask: g(1),
            features: g(2),
            lock: g(3),
        })
    }

    /// Encode.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::LEN);
        for v in [self.vers, self.mask, self.features, self.lock] {
            out.extend_from_slice(&v.to_ne_bytes());
        }
        out
    }
}

/// `struct audit_sig_info`: who last signalled the audit daemon.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditSigInfo {
    /// Login uid of the sender.
    pub uid: u32,
    /// Pid of the sender.
    pub pid: u32,
    /// Security context of the sender (may be empty), without trailing NULs.
    pub ctx: Vec<u8>,
}

impl AuditSigInfo {
    /// Decode from a reply payload.
    pub fn decode(buf: &[u8]) -> Result<Self, WireError> {
        if buf.len() < 8 {
            return Err(WireError::Truncated {
                what: "audit_sig_info",
                need: 8,
                got: buf.len(),
            });
        }
        let mut ctx = buf[8..].to_vec();
        if let Some(p) = ctx.iter().position(|&b| b == 0) {
            ctx.truncate(p);
        }
        Ok(AuditSigInfo {
            uid: get_u32(buf, 0).unwrap_or(0),
            pid: get_u32(buf, 4).unwrap_or(0),
            ctx,
        })
    }

    /// Encode (for tests and fakes).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + self.ctx.len());
        out.extend_from_slice(&self.uid.to_ne_bytes());
        out.extend_from_slice(&self.pid.to_ne_bytes());
        out.extend_from_slice(&self.ctx);
        out
    }
}

/// `struct audit_tty_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AuditTtyStatus {
    /// 1 = enabled, 0 = disabled.
    pub enabled: u32,
    /// 1 = log passwords too (absent on old kernels).
    pub log_passwd: Option<u32>,
}

impl AuditTtyStatus {
    /// Decode from a reply payload.
    pub fn decode(buf: &[u8]) -> Result<Self, WireError> {
        let enabled = get_u32(buf, 0).ok_or(WireError::Truncated {
            what: "audit_tty_status",
            need: 4,
            got: buf.len(),
        })?;
        Ok(AuditTtyStatus {
            enabled,
            log_passwd: get_u32(buf, 4),
        })
    }

    /// Encode.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.enabled.to_ne_bytes().to_vec();
        out.extend_from_slice(&self.log_passwd.unwrap_or(0).to_ne_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lengths() {
        let s = AuditStatus {
            mask: 1,
            enabled: 1,
            failure: 1,
            pid: 42,
            rate_limit: 0,
            backlog_limit: 64,
            lost: 3,
            backlog: 0,
            feature_bitmap: Some(0x7f),
            backlog_wait_time: Some(15000),
            backlog_wait_time_actual: Some(9),
        };
        let e = s.encode();
        assert_eq!(e.len(), 44);
        assert_eq!(AuditStatus::decode(&e).unwrap(), s);
        let d40 = AuditStatus::decode(&e[..40]).unwrap();
        assert_eq!(d40.backlog_wait_time, Some(15000));
        assert_eq!(d40.backlog_wait_time_actual, None);
        let d32 = AuditStatus::decode(&e[..32]).unwrap();
        assert_eq!(d32.feature_bitmap, None);
        assert_eq!(d32.backlog_limit, 64);
        assert!(AuditStatus::decode(&e[..31]).is_err());
        // Odd lengths keep whole words only.
        let d38 = AuditStatus::decode(&e[..38]).unwrap();
        assert_eq!(d38.feature_bitmap, Some(0x7f));
        assert_eq!(d38.backlog_wait_time, None);
    }

    #[test]
    fn features_round_trip() {
        let f = AuditFeatures {
            vers: 1,
            mask: 2,
            features: 2,
            lock: 0,
        };
        assert_eq!(AuditFeatures::decode(&f.encode()).unwrap(), f);
        assert!(AuditFeatures::decode(&[0; 15]).is_err());
    }

    #[test]
    fn sig_info() {
        let s = AuditSigInfo {
            uid: 1000,
            pid: 77,
            ctx: b"unconfined".to_vec(),
        };
        let mut e = s.encode();
        e.push(0);
        e.push(0);
        assert_eq!(AuditSigInfo::decode(&e).unwrap(), s);
        assert!(AuditSigInfo::decode(&[1, 2, 3]).is_err());
    }

    #[test]
    fn tty_status() {
        let t = AuditTtyStatus {
            enabled: 1,
            log_passwd: Some(0),
        };
        assert_eq!(AuditTtyStatus::decode(&t.encode()).unwrap(), t);
        assert_eq!(
            AuditTtyStatus::decode(&[1, 0, 0, 0]).unwrap().log_passwd,
            None
        );
    }
}
