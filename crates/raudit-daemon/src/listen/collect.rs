//! The handler's side: remote records to the log (and the sinks), then the
//! replies, as auditd's `handle_event` / `write_to_log` / `send_ack` do.

use std::path::PathBuf;
use std::sync::Arc;

use raudit_remote_proto::{encode_frame, kind, HelloAck, MVER_RAUDIT};

use super::dedup::{Entry, SeqStore};
use super::{NetBatch, NetEvent, NetRecord, Replies, AUDIT_DAEMON_ACCEPT, AUDIT_DAEMON_CLOSE};
use crate::config::Config;
use crate::log::{msg, Level};
use crate::writer::LogWriter;

/// What the collector needs from the daemon.
pub trait Target {
    /// auditd's `send_audit_event` (DAEMON_ACCEPT / DAEMON_CLOSE).
    fn daemon_event(&mut self, rtype: u16, text: &str);
    /// The log writer.
    fn writer(&mut self) -> &mut LogWriter;
    /// Background mode (a log file) rather than `-f`.
    fn background(&self) -> bool;
    /// Hands a remote record to the sinks (`distribute_network = yes`):
    /// its type, the record, the record with a newline.
    fn dispatch(&mut self, rtype: u16, record: &[u8], line: &[u8]);
}

/// The record type named in `[node=X ]type=NAME …` (auditd's `extract_type`).
pub fn record_type(text: &[u8]) -> u16 {
    let mut s = text;
    if s.starts_with(b"node=") {
        match memchr::memchr(b' ', s) {
            Some(i) => s = &s[i + 1..],
            None => return 0,
        }
    }
    let Some(s) = s.strip_prefix(b"type=") else {
        return 0;
    };
    let end = memchr::memchr(b' ', s).unwrap_or(s.len());
    let name = std::str::from_utf8(&s[..end]).unwrap_or("");
    if let Some(n) = raudit_tables::msg_type_number(name) {
        return n as u16;
    }
    name.strip_prefix("UNKNOWN[")
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The handler's state for remote records.
pub struct Collector {
    replies: Arc<Replies>,
    store: Option<SeqStore>,
    state_path: PathBuf,
    log_file: PathBuf,
    distribute: bool,
    run: Vec<NetRecord>,
    /// Test hook (`RAUDIT_COLLECTOR_CRASH_AFTER=N`): SIGKILL itself once N
    /// remote records are in the log, before their state is saved — the
    /// worst moment for a crash. Only in builds with the `test-hooks`
    /// feature (the raudit crate's test builds); a normal build ignores
    /// the variable.
    #[cfg(feature = "test-hooks")]
    crash_after: Option<u64>,
    #[cfg(feature = "test-hooks")]
    written: u64,
    /// Connections that had a record refused: nothing more of theirs is
    /// written (they are being closed).
    refused: std::collections::HashSet<u64>,
}

/// `remote_state_file`, or `raudit-remote.state` beside the log.
fn state_path(cfg: &Config) -> PathBuf {
    cfg.remote_state_file.clone().unwrap_or_else(|| {
        cfg.log_file
            .parent()
            .unwrap_or(std::path::Path::new("/"))
            .join("raudit-remote.state")
    })
}

/// Opens the de-duplication state and settles an interrupted write against
/// the log. Must run before the daemon writes anything at start-up (the
/// settling looks at the end of the log).
pub fn open_store(cfg: &Config) -> SeqStore {
    let (s, msgs) = SeqStore::open(state_path(cfg), &cfg.log_file);
    for m in msgs {
        msg(Level::Warning, &m);
    }
    s
}

impl Collector {
    pub(super) fn new(cfg: &Config, replies: Arc<Replies>) -> Collector {
        let state_path = state_path(cfg);
        Collector {
            replies,
            store: None,
            state_path,
            log_file: cfg.log_file.clone(),
            distribute: cfg.distribute_network,
            run: Vec::new(),
            #[cfg(feature = "test-hooks")]
            crash_after: std::env::var("RAUDIT_COLLECTOR_CRASH_AFTER")
                .ok()
                .and_then(|v| v.parse().ok()),
            #[cfg(feature = "test-hooks")]
            written: 0,
            refused: std::collections::HashSet::new(),
        }
    }

    /// SIGHUP: `distribute_network` may change.
    pub fn reload(&mut self, cfg: &Config) {
        self.distribute = cfg.distribute_network;
    }

    fn store(&mut self) -> &mut SeqStore {
        let (path, log) = (&self.state_path, &self.log_file);
        self.store.get_or_insert_with(|| {
            let (s, msgs) = SeqStore::open(path.clone(), log);
            for m in msgs {
                msg(Level::Warning, &m);
            }
            s
        })
    }

    /// Uses the state [`open_store`] settled at start-up.
    pub fn set_store(&mut self, s: SeqStore) {
        self.store = Some(s);
    }

    /// Handles what the listener got.
    pub fn handle(&mut self, nb: NetBatch, t: &mut dyn Target) {
        for ev in nb.events {
            match ev {
                NetEvent::Record(r) => self.run.push(r),
                NetEvent::Accept(text) => {
                    self.flush_run(t);
                    t.daemon_event(AUDIT_DAEMON_ACCEPT, &text);
                }
                NetEvent::Close(text) => {
                    self.flush_run(t);
                    t.daemon_event(AUDIT_DAEMON_CLOSE, &text);
                }
                NetEvent::Heartbeat { conn, seq } => {
                    self.flush_run(t);
                    self.reply(conn, kind::ACK, 0, seq, "");
                }
                NetEvent::Hello { conn, seq, stream } => {
                    self.flush_run(t);
                    let last = self.store().last(stream);
                    let payload = HelloAck { last }.encode();
                    let mut out = Vec::with_capacity(16 + payload.len());
                    if encode_frame(&mut out, kind::ACK, MVER_RAUDIT, seq, &payload).is_ok() {
                        self.replies.send(conn, out);
                    }
                }
            }
        }
        self.flush_run(t);
        self.replies.wake();
    }

    fn reply(&self, conn: u64, k: u32, mver: u8, seq: u32, text: &str) {
        let mut out = Vec::with_capacity(16 + text.len());
        if encode_frame(&mut out, k, mver, seq, text.as_bytes()).is_ok() {
            self.replies.send(conn, out);
        }
    }

    /// Writes a run of records, then answers them.
    fn flush_run(&mut self, t: &mut dyn Target) {
        if self.run.is_empty() {
            return;
        }
        let mut run = std::mem::take(&mut self.run);
        run.retain(|r| !self.refused.contains(&r.conn));
        if run.is_empty() {
            return;
        }
        // Which are new (a stream's records not after its last are resends).
        let mut fresh = vec![true; run.len()];
        let mut seen: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
        for (i, r) in run.iter().enumerate() {
            if let Some(s) = r.stream {
                let dup = match seen.get(&s) {
                    Some(&l) => !raudit_remote_proto::seq_after(r.seq, l),
                    None => self.store().is_dup(s, r.seq),
                };
                if dup {
                    fresh[i] = false;
                } else {
                    seen.insert(s, r.seq);
                }
            }
        }
        let writing = t.writer().writing();
        if !writing {
            let background = t.background();
            let logs_off = !t.writer().cfg.write_logs && background;
            let mut entries = Vec::new();
            for (i, r) in run.iter().enumerate() {
                if self.refused.contains(&r.conn) {
                    continue;
                }
                if !fresh[i] {
                    self.answer(r, kind::ACK, "");
                } else if logs_off {
                    if let Some(s) = r.stream {
                        entries.push((s, r.seq, 0));
                    }
                    self.to_sinks(r, t);
                    self.answer(r, kind::ACK, "");
                } else {
                    self.answer(r, kind::DISKERROR, "remote logging suspended");
                    self.refuse(r.conn);
                }
            }
            if !entries.is_empty() {
                self.store().commit(&entries);
            }
            return;
        }
        let mut block = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        for (i, r) in run.iter().enumerate() {
            if !fresh[i] {
                continue;
            }
            if !r.eoe && !r.text.is_empty() {
                block.extend_from_slice(&r.text);
                block.push(b'\n');
            }
            if let Some(s) = r.stream {
                entries.push((s, r.seq, block.len()));
            }
        }
        if !entries.is_empty() {
            self.store().begin(&block, &entries);
        }
        let failures = t.writer().state().write_failures;
        for (i, r) in run.iter().enumerate() {
            if fresh[i] && !r.eoe && !r.text.is_empty() {
                t.writer().write_record(&r.text);
            }
        }
        t.writer().flush_pending();
        let st = t.writer().state();
        if st.write_failures != failures {
            let (k, why) = if st.last_write_errno == libc::ENOSPC {
                (kind::DISKFULL, "disk full")
            } else {
                (kind::DISKERROR, "disk write error")
            };
            for (i, r) in run.iter().enumerate() {
                if self.refused.contains(&r.conn) {
                    continue;
                }
                if fresh[i] {
                    self.answer(r, k, why);
                    self.refuse(r.conn);
                } else {
                    self.answer(r, kind::ACK, "");
                }
            }
            return;
        }
        #[cfg(feature = "test-hooks")]
        {
            self.written += fresh.iter().filter(|f| **f).count() as u64;
            if self.crash_after.is_some_and(|n| self.written >= n) {
                let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGKILL);
            }
        }
        if !entries.is_empty() {
            self.store().commit(&entries);
        }
        let k = if st.fs_space_warning {
            kind::DISKLOW
        } else {
            kind::ACK
        };
        for (i, r) in run.iter().enumerate() {
            if fresh[i] {
                self.to_sinks(r, t);
                self.answer(r, k, "");
            } else {
                self.answer(r, kind::ACK, "");
            }
        }
    }

    fn to_sinks(&self, r: &NetRecord, t: &mut dyn Target) {
        if !self.distribute || r.text.is_empty() {
            return;
        }
        let mut line = Vec::with_capacity(r.text.len() + 1);
        line.extend_from_slice(&r.text);
        line.push(b'\n');
        t.dispatch(record_type(&r.text), &r.text, &line);
    }

    fn refuse(&mut self, conn: u64) {
        if self.refused.insert(conn) {
            self.replies.close(conn);
        }
    }

    fn answer(&self, r: &NetRecord, k: u32, text: &str) {
        if r.managed {
            self.reply(r.conn, k, 0, r.seq, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_like_extract_type() {
        assert_eq!(record_type(b"type=SYSCALL msg=audit(1.0:1): x"), 1300);
        assert_eq!(record_type(b"node=a type=EOE msg=audit(1.0:1): "), 1320);
        assert_eq!(record_type(b"type=UNKNOWN[1999] msg=audit(1.0:1): "), 1999);
        assert_eq!(record_type(b"node=a"), 0);
    }
}
