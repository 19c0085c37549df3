//! `raudit remote` ≡ `audisp-remote` (audit-userspace 3.0.9): the remote
//! logging plugin. It reads records on stdin in the audisp plugin protocol
//! (string lines or binary frames, detected), queues them and sends them to a
//! collector (`auditd` with `tcp_listen_port`, or `raudit daemon`) in the
//! managed protocol (each record acknowledged) or the ascii protocol.
//!
//! # Configuration
//!
//! `/etc/audit/audisp-remote.conf` (or `-c FILE`), every key of the original
//! with its defaults, checks and messages ([`config`]), plus raudit's own:
//!
//! | key | values | meaning |
//! |---|---|---|
//! | `transport` | `tcp`, `tls` | `tls`: rustls, managed format only |
//! | `tls_ca` | absolute path | CA certificates (PEM) the collector's certificate must chain to (required for `tls`) |
//! | `tls_cert`, `tls_key` | absolute paths | this client's certificate chain and key (PEM) for mutual TLS; the collector's `tls_allowed_clients` matches the certificate's DNS names |
//! | `tls_server_name` | name | the name the collector's certificate must carry (default `remote_server`) |
//! | `raudit_extensions` | `auto` (default), `no` | probe for a raudit collector with a hello (see `raudit-remote-proto`); `no` speaks exactly the original protocol |
//! | `queue_sync` | `batch` (default), `none` | forward mode: `fdatasync` the queue file once per batch of records read, before any is sent; `none`: never (survives a kill, not a power loss) |
//! | `max_in_flight` | 1..65536 (512) | managed frames sent ahead of their replies; 1 is the original's stop-and-wait |
//!
//! # Modes
//!
//! `mode = immediate` keeps the queue in memory. `mode = forward` keeps it in
//! `queue_file`, a write-ahead log ([`queue`] documents the format and the
//! recovery): records are on disk before they are sent, leave it when the
//! collector acknowledges them, and are resent after a reconnect or a restart
//! with their original sequence numbers (a raudit collector drops the copies
//! it already wrote). When stdin is a pipe, forward mode reads it with
//! `tee(2)` and consumes a batch only after it is written, so killing the
//! client loses nothing either ([`input`]).
//!
//! # Differences from the original
//!
//! - Frames are pipelined (`max_in_flight`); replies are matched in order.
//!   A real `auditd` handles this unchanged (it reads and acknowledges message
//!   by message).
//! - After `network_failure_action` with a non-fatal action (`ignore`,
//!   `syslog`, `exec`, `warn_once*`) raudit keeps the records queued and
//!   keeps reconnecting every `network_retry_time` seconds; the original
//!   stalls until the next record arrives.
//! - The queue file has raudit's format; an existing file in the original's
//!   format is left untouched and reported.
//! - `single`/`halt` run `/sbin/init 1|0`; the environment variable
//!   `RAUDIT_REMOTE_INIT` names another program (tests use it).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod client;
pub mod config;
pub mod conn;
pub mod input;
pub mod queue;
pub mod tls;

pub use client::{run, Signals};
