//! The auditctl rule language: parse, encode to the kernel rule, decode, print. Pure: no I/O.
#![forbid(unsafe_code)]
