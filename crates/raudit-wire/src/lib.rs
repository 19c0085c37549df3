//! Kernel audit wire structures: netlink header, `audit_status`, `audit_rule_data`, message type constants. Pure: no I/O.
#![forbid(unsafe_code)]
