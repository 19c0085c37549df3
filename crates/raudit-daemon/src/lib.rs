//! The audit daemon: a drop-in `auditd` 3.0.9.
//!
//! The pipeline is source → handling → sinks, each stage with its own queue,
//! back-pressure policy and counters:
//!
//! - [`canary`]: the end-to-end canary (raudit only; pure).
//! - [`config`]: `auditd.conf` with every option, default and message (pure).
//! - [`format`]: RAW and ENRICHED record formatting, byte-identical to auditd (pure).
//! - [`gaps`]: kernel serial-number gap tracking (pure).
//! - [`queue`]: the bounded inbox between the kernel reader and the handler.
//! - [`source`]: the kernel source (unicast registration or the read-only
//!   multicast group), a reader thread that only drains the socket.
//! - [`writer`]: the log file: rotation, flushing, permissions, disk-space actions.
//! - [`sink`]: every other consumer of the record stream (plugins, remote, JSON),
//!   each with its own queue; EOE reaches them though it never reaches the log.
//! - [`listen`]: remote logging — the TCP/TLS listener (a second source)
//!   and the collector that writes peers' records and answers them.
//! - [`dispatch`]: the plugin dispatcher (a sink): `plugin_dir`, one queue and
//!   thread per plugin, string/binary formats, restarts, builtin `af_unix`.
//! - [`daemon`]: the daemon's life: options, signals, pid and state files.

pub mod canary;
pub mod config;
pub mod daemon;
pub mod dispatch;
pub mod format;
pub mod gaps;
pub mod json;
pub mod listen;
pub mod log;
pub mod names;
pub mod queue;
pub mod sink;
pub mod source;
pub mod writer;
