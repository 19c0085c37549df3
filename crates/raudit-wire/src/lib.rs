//! Kernel audit wire structures: netlink header, `audit_status`,
//! `audit_rule_data`, `audit_features`, message type constants. Pure: no I/O.
//!
//! Everything is encoded and decoded in host byte order from byte slices,
//! without `unsafe`, and decoding never panics on malformed input.
#![forbid(unsafe_code)]

pub mod audisp;
pub mod consts;
pub mod nlmsg;
pub mod rule;
pub mod status;

pub use consts::*;
pub use nlmsg::{decode_datagram, encode_request, nlmsg_align, Message, NlMsgErr, NlMsgHdr};
pub use rule::{field_is_string, AuditRuleData, RuleField};
pub use status::{AuditFeatures, AuditSigInfo, AuditStatus, AuditTtyStatus};

/// A malformed or oversized wire structure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// Fewer bytes than the structure needs.
    #[error("truncated {what}: need {need} bytes, got {got}")]
    Truncated {
        /// Which structure.
        what: &'static str,
        /// Bytes needed.
        need: usize,
        /// Bytes available.
        got: usize,
    },
    /// `nlmsg_len` inconsistent with the datagram.
    #[error("bad netlink length {claimed} (datagram has {available} bytes)")]
    BadLength {
        /// Length the header claims.
        claimed: u32,
        /// Bytes available.
        available: usize,
    },
    /// More than `AUDIT_MAX_FIELDS` fields.
    #[error("too many rule fields: {0} (max 64)")]
    TooManyFields(usize),
    /// A string field's length runs past the rule buffer.
    #[error("string of field {field} (length {len}) overruns the rule buffer of {buflen} bytes")]
    StringOverrun {
        /// Field id.
        field: u32,
        /// Claimed length.
        len: u32,
        /// Buffer length.
        buflen: usize,
    },
    /// Buffer larger than a u32 length.
    #[error("rule buffer too large")]
    BufferTooLarge,
}
