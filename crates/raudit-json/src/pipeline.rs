//! Event → (process table, filters) → JSON line: the whole per-event path, shared by
//! `raudit json`/`raudit search --format json`, the daemon's JSON sink and the plugin.

use std::net::IpAddr;

use raudit_logfmt::interpret::NameDb;
use raudit_logfmt::Event;

use crate::encode::{Encoder, CWD_TYPE};
use crate::filter::Settings;
use crate::ptable::{ProcSource, ProcTable};
use crate::sockaddr::{self, SockAddr};

/// See the module documentation.
pub struct Pipeline {
    /// The encoder.
    pub enc: Encoder,
    /// The process table.
    pub table: ProcTable,
    /// The settings.
    pub settings: Settings,
    /// Events dropped by the filters so far.
    pub dropped: u64,
    track: bool,
}

impl Pipeline {
    /// A pipeline with user/group names from `names`.
    pub fn new(names: Box<dyn NameDb + Send>, settings: Settings) -> Pipeline {
        let track = settings.depth > 0 || !settings.label_names.is_empty();
        Pipeline {
            enc: Encoder::new(names),
            table: ProcTable::new(0),
            settings,
            dropped: 0,
            track,
        }
    }

    /// Writes `ev` as a JSON line to `out` unless a filter drops it (then false).
    /// `src` gives live process information for exec events (None offline).
    pub fn event(
        &mut self,
        ev: &Event,
        src: Option<&mut dyn ProcSource>,
        out: &mut Vec<u8>,
    ) -> bool {
        self.enc.load(ev);
        let facts = if self.track || self.settings.filters() {
            self.enc.syscall_facts(ev)
        } else {
            None
        };
        if let (Some(f), true) = (&facts, self.track) {
            let exec = f.success && matches!(f.syscall, Some("execve" | "execveat"));
            let (cwd, paths) = if exec {
                let mut c = Vec::new();
                let have = self.enc.value(ev, CWD_TYPE, b"cwd", true, &mut c);
                (have.then_some(c), self.enc.path_names(ev))
            } else {
                (None, Vec::new())
            };
            let argv = if exec { self.enc.argv() } else { &[] };
            self.table
                .observe(ev.id, f, argv, cwd.as_deref(), &paths, &self.settings, src);
        }
        if self.settings.filters() {
            let keys: Vec<&[u8]> = facts
                .as_ref()
                .and_then(|f| f.key.as_deref())
                .map(|k| k.split(|&b| b == 1).collect())
                .unwrap_or_default();
            let labels = facts
                .as_ref()
                .and_then(|f| self.table.get(f.pid))
                .map_or(0, |p| p.labels);
            let mut addrs: Vec<IpAddr> = Vec::new();
            let mut s = Vec::new();
            for (i, r) in ev.records().enumerate() {
                if r.rtype == 1306 {
                    s.clear();
                    if self.enc.value_at(ev, i, b"saddr", &mut s) {
                        if let Some(SockAddr::Ip { addr, .. }) = sockaddr::decode(&s) {
                            addrs.push(addr);
                        }
                    }
                }
            }
            if !self.settings.keep_event(&keys, labels, &addrs) {
                self.dropped += 1;
                return false;
            }
        }
        match (&facts, self.track) {
            (Some(f), true) => {
                let x = self.table.extra(f.pid, f.ppid, &self.settings);
                self.enc.write(ev, Some(&x), out);
            }
            _ => self.enc.write(ev, None, out),
        }
        true
    }
}
