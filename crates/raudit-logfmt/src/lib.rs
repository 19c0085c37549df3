//! The audit log text format: records, event assembly and interpretation. Pure: no I/O.
#![forbid(unsafe_code)]
