//! Generated lookup tables: syscalls per arch, record types, errno, signals, capabilities, socket families.
#![forbid(unsafe_code)]
