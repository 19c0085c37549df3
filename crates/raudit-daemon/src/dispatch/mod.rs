//! The plugin dispatcher (auditd's built-in audispd), as a [`Sink`].
//!
//! At start and on SIGHUP it reads `plugin_dir` ([`pconfig`]: auditd's file
//! name rules, permission checks and messages). Each active plugin gets its
//! own bounded queue of `q_depth` records and its own thread ([`worker`]),
//! which starts the program with a socket on its stdin (as auditd does) and
//! writes the records in the plugin's format: `string` lines or `binary`
//! `audit_dispatcher_header` frames ([`raudit_wire::audisp`], the padded
//! layout auditd 3.0.9 writes). `builtin_af_unix` is served in-process.
//!
//! Differences from auditd, all deliberate:
//! - one queue per plugin instead of one shared queue, so one slow plugin
//!   never delays the daemon or the other plugins; a full queue applies
//!   `overflow_action` at once (auditd first sleeps up to ~8 ms in its
//!   handler thread) and is counted per plugin;
//! - `single`/`halt` switch the runlevel once per overflow episode (until
//!   the next SIGHUP), not once per dropped record;
//! - on SIGHUP a plugin whose `args`, `format`, `type` or `path` changed is
//!   restarted (auditd restarts only when the program's inode changed, and
//!   otherwise just forwards SIGHUP); a plugin that had failed or exceeded
//!   `max_restarts` is started again;
//! - plugin files are read in name order (auditd: `readdir` order);
//! - a plugin's thread writes what is queued in one `write` (auditd: one per
//!   record); when a write fails, the record in flight and those after it
//!   go to the restarted program;
//! - stopping a plugin closes its stdin and gives it 200 ms to finish on end
//!   of file before SIGTERM (auditd sends SIGTERM at once).

pub mod pconfig;
pub mod worker;

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use raudit_wire::audisp::{AUDISP_PROTOCOL_VER, AUDISP_PROTOCOL_VER2};

use crate::config::{Config, OverflowAction};
use crate::log::{msg, Level};
use crate::sink::{Record, Sink};
use crate::writer::{Actions, SystemActions};
use pconfig::PluginConf;
use worker::{Plugin, Rec};

/// Children of plugins the daemon's SIGCHLD reaper has collected.
fn registry() -> &'static Mutex<HashMap<i32, bool>> {
    static R: OnceLock<Mutex<HashMap<i32, bool>>> = OnceLock::new();
    R.get_or_init(|| Mutex::new(HashMap::new()))
}

pub(crate) fn watch(pid: i32) {
    if let Ok(mut r) = registry().lock() {
        r.insert(pid, false);
    }
}

pub(crate) fn forget(pid: i32) {
    if let Ok(mut r) = registry().lock() {
        r.remove(&pid);
    }
}

pub(crate) fn exited(pid: i32) -> bool {
    registry()
        .lock()
        .map(|r| r.get(&pid).copied().unwrap_or(false))
        .unwrap_or(false)
}

/// The daemon's SIGCHLD reaper collected `pid` (auditd's
/// `plugin_child_handler`).
pub fn child_reaped(pid: i32) {
    if let Ok(mut r) = registry().lock() {
        if let Some(v) = r.get_mut(&pid) {
            *v = true;
        }
    }
}

const QUEUE_FULL_LIMIT: u32 = 5;

/// The dispatcher sink.
pub struct Dispatcher {
    plugin_dir: String,
    q_depth: usize,
    overflow_action: OverflowAction,
    max_restarts: u32,
    plugins: Vec<Plugin>,
    suspended: bool,
    overflowed: bool,
    full_warnings: u32,
    runlevel_done: bool,
    actions: Box<dyn Actions>,
}

impl Dispatcher {
    /// Reads `plugin_dir` and starts the active plugins (auditd's
    /// `init_dispatcher`, before the DAEMON_START record).
    pub fn new(cfg: &Config) -> Dispatcher {
        Self::with_actions(cfg, Box::new(SystemActions::from_env()))
    }

    /// As [`Dispatcher::new`] with the programs for `single`/`halt`.
    pub fn with_actions(cfg: &Config, actions: Box<dyn Actions>) -> Dispatcher {
        let mut d = Dispatcher {
            plugin_dir: cfg.plugin_dir.clone(),
            q_depth: cfg.q_depth as usize,
            overflow_action: cfg.overflow_action,
            max_restarts: cfg.max_restarts,
            plugins: Vec::new(),
            suspended: false,
            overflowed: false,
            full_warnings: 0,
            runlevel_done: false,
            actions,
        };
        d.init();
        d
    }

    fn init(&mut self) {
        for c in load_dir(&self.plugin_dir) {
            self.plugins
                .push(Plugin::start(c, self.q_depth, self.max_restarts));
        }
        if self.plugins.is_empty() {
            msg(Level::Notice, "No plugins found, not dispatching events");
            return;
        }
        msg(
            Level::Info,
            &format!(
                "audit dispatcher initialized with q_depth={} and {} active plugins",
                self.q_depth,
                self.plugins.len()
            ),
        );
    }

    /// Number of plugins running or trying to.
    pub fn active(&self) -> usize {
        self.plugins.len()
    }

    fn overflow(&mut self, idx: usize) {
        self.overflowed = true;
        self.plugins[idx]
            .shared
            .overflowed
            .fetch_add(1, Ordering::Relaxed);
        let name = &self.plugins[idx].conf.name;
        match self.overflow_action {
            OverflowAction::Ignore => {}
            OverflowAction::Syslog => {
                if self.full_warnings < QUEUE_FULL_LIMIT {
                    msg(
                        Level::Err,
                        &format!("queue to plugins is full - dropping event (plugin {name})"),
                    );
                    self.full_warnings += 1;
                    if self.full_warnings == QUEUE_FULL_LIMIT {
                        msg(
                            Level::Err,
                            "auditd queue full reporting limit reached - ending dropped event notifications",
                        );
                    }
                }
            }
            OverflowAction::Suspend => {
                msg(
                    Level::Alert,
                    "Auditd is suspending event passing to plugins due to overflowing its queue.",
                );
                self.suspended = true;
            }
            OverflowAction::Single | OverflowAction::Halt => {
                if !self.runlevel_done {
                    self.runlevel_done = true;
                    if self.overflow_action == OverflowAction::Single {
                        msg(
                            Level::Alert,
                            "Auditd is now changing the system to single user mode due to overflowing its queue",
                        );
                        self.actions.change_runlevel("1");
                    } else {
                        msg(
                            Level::Alert,
                            "Auditd is now halting the system due to overflowing its queue",
                        );
                        self.actions.change_runlevel("0");
                    }
                }
            }
        }
    }

    fn stop_all(&mut self, drain: bool, wait: Duration) {
        for p in &self.plugins {
            p.request_stop(drain);
        }
        let deadline = Instant::now() + wait;
        for p in &mut self.plugins {
            p.join(deadline);
        }
        self.plugins.clear();
    }
}

/// Loads every considered file of the plugin directory; returns the active
/// plugins (auditd's `load_plugin_conf`), printing the messages.
pub fn load_dir(dir: &str) -> Vec<PluginConf> {
    let mut out = Vec::new();
    for name in pconfig::entries(std::path::Path::new(dir)) {
        let file = format!("{dir}/{name}");
        let mut msgs = Vec::new();
        let r = pconfig::load(&file, &mut msgs);
        for m in &msgs {
            msg(m.level, &m.text);
        }
        match r {
            Ok(Some(c)) if c.active => out.push(c),
            Ok(_) => {}
            Err(pconfig::Skipped) => {
                msg(Level::Err, &format!("Skipping {name} plugin due to errors"))
            }
        }
    }
    out
}

fn same_setup(a: &PluginConf, b: &PluginConf) -> bool {
    a.path == b.path && a.args == b.args && a.format == b.format && a.kind == b.kind
}

impl Sink for Dispatcher {
    fn name(&self) -> &str {
        "dispatcher"
    }

    fn record(&mut self, rec: &Record<'_>) {
        if self.plugins.is_empty() || self.suspended {
            return;
        }
        let (ver, data) = if rec.formatted {
            let t = rec.text.strip_suffix(b"\n").unwrap_or(rec.text);
            (AUDISP_PROTOCOL_VER2, t)
        } else {
            (AUDISP_PROTOCOL_VER, rec.raw)
        };
        let r = Arc::new(Rec {
            rtype: rec.rtype,
            ver,
            data: data.into(),
        });
        for i in 0..self.plugins.len() {
            if !self.plugins[i].push(&r) {
                self.overflow(i);
                if self.suspended {
                    return;
                }
            }
        }
    }

    fn reload(&mut self, cfg: &Config) {
        self.q_depth = cfg.q_depth as usize;
        self.overflow_action = cfg.overflow_action;
        self.max_restarts = cfg.max_restarts;
        self.plugin_dir = cfg.plugin_dir.clone();
        self.suspended = false;
        self.full_warnings = 0;
        self.runlevel_done = false;
        let was_empty = self.plugins.is_empty();
        let new = load_dir(&self.plugin_dir);
        let mut old: Vec<Option<Plugin>> = std::mem::take(&mut self.plugins)
            .into_iter()
            .map(Some)
            .collect();
        let mut next = Vec::new();
        for c in new {
            let found = old
                .iter()
                .position(|p| p.as_ref().is_some_and(|p| p.conf.name == c.name));
            match found.and_then(|i| old[i].take()) {
                None => next.push(Plugin::start(c, self.q_depth, self.max_restarts)),
                Some(mut p) => {
                    let st = p.shared.state();
                    let healthy = matches!(st, worker::State::Running | worker::State::Starting);
                    if healthy && same_setup(&p.conf, &c) && p.conf.inode == c.inode {
                        p.set_limits(self.q_depth, self.max_restarts);
                        p.signal(nix::sys::signal::Signal::SIGHUP);
                        next.push(p);
                    } else {
                        let path = c.path.clone().unwrap_or_default();
                        if !healthy {
                            msg(Level::Info, &format!("Restarting {path}"));
                        } else if same_setup(&p.conf, &c) {
                            msg(
                                Level::Info,
                                &format!("Restarting {path} since binary changed"),
                            );
                        } else {
                            msg(
                                Level::Info,
                                &format!("Restarting {path} since its configuration changed"),
                            );
                        }
                        p.stop_now();
                        next.push(Plugin::start(c, self.q_depth, self.max_restarts));
                    }
                }
            }
        }
        for mut p in old.into_iter().flatten() {
            msg(
                Level::Info,
                &format!(
                    "Terminating {} because its now inactive",
                    p.conf.path.as_deref().unwrap_or_default()
                ),
            );
            p.stop_now();
        }
        self.plugins = next;
        if was_empty && !self.plugins.is_empty() {
            msg(
                Level::Info,
                &format!(
                    "audit dispatcher initialized with q_depth={} and {} active plugins",
                    self.q_depth,
                    self.plugins.len()
                ),
            );
        }
    }

    fn resume(&mut self) {
        // auditd's libdisp_resume on SIGUSR2.
        self.suspended = false;
    }

    fn state(&self, out: &mut String) {
        use std::fmt::Write as _;
        let depth: usize = self.plugins.iter().map(|p| p.shared.depth()).sum();
        let max: usize = self
            .plugins
            .iter()
            .map(|p| p.shared.max_used.load(Ordering::Relaxed))
            .max()
            .unwrap_or(0);
        let yn = |b: bool| if b { "yes" } else { "no" };
        let _ = writeln!(out, "Number of active plugins = {}", self.plugins.len());
        let _ = writeln!(out, "current plugin queue depth = {depth}");
        let _ = writeln!(out, "max plugin queue depth used = {max}");
        let _ = writeln!(out, "plugin queue size = {}", self.q_depth);
        let _ = writeln!(
            out,
            "plugin queue overflow detected = {}",
            yn(self.overflowed)
        );
        let _ = writeln!(out, "plugin queueing suspended = {}", yn(self.suspended));
        for p in &self.plugins {
            let s = &p.shared;
            let _ = writeln!(
                out,
                "plugin {} = path {}, pid {}, {}, queue depth {}, max queue depth {}, delivered {}, overflowed {}, dropped {}, restarts {}",
                p.conf.name,
                p.conf.path.as_deref().unwrap_or("-"),
                s.pid.load(Ordering::Relaxed),
                s.state().name(),
                s.depth(),
                s.max_used.load(Ordering::Relaxed),
                s.delivered.load(Ordering::Relaxed),
                s.overflowed.load(Ordering::Relaxed),
                s.dropped.load(Ordering::Relaxed),
                s.restarts.load(Ordering::Relaxed),
            );
        }
    }

    fn overflows(&self, out: &mut Vec<(String, u64)>) {
        for p in &self.plugins {
            out.push((
                format!("plugin {}", p.conf.name),
                p.shared.overflowed.load(Ordering::Relaxed),
            ));
        }
    }

    fn shutdown(&mut self) {
        // Queued records (DAEMON_END included) get up to two seconds.
        self.stop_all(true, Duration::from_secs(2));
        msg(Level::Debug, "Finished cleaning up dispatcher");
    }
}

impl Drop for Dispatcher {
    fn drop(&mut self) {
        if !self.plugins.is_empty() {
            self.stop_all(false, Duration::from_millis(500));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[derive(Clone, Default)]
    struct Recorded(Arc<Mutex<Vec<String>>>);
    impl Actions for Recorded {
        fn exec(&mut self, _: &std::path::Path) {}
        fn change_runlevel(&mut self, level: &str) {
            self.0.lock().unwrap().push(level.to_string());
        }
        fn sendmail(&mut self, _: &str, _: &str, _: &str) {}
    }

    /// A scratch directory (removed on drop) with the plugins; their config.
    fn setup(name: &str, plugins: &[(&str, &str)]) -> (tempfile::TempDir, Config) {
        let tmp = tempfile::Builder::new()
            .prefix(&format!("raudit-disp-{name}-"))
            .tempdir()
            .unwrap();
        let d = tmp.path();
        std::fs::create_dir_all(d.join("plugins")).unwrap();
        let exe = d.join("stall");
        std::fs::write(&exe, "#!/bin/sh\ntrap '' HUP\nexec sleep 30\n").unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o750)).unwrap();
        for (f, body) in plugins {
            let body = body.replace("EXE", exe.to_str().unwrap());
            std::fs::write(d.join("plugins").join(f), body).unwrap();
            std::fs::set_permissions(
                d.join("plugins").join(f),
                std::fs::Permissions::from_mode(0o640),
            )
            .unwrap();
        }
        let cfg = Config {
            plugin_dir: d.join("plugins").to_string_lossy().into_owned(),
            q_depth: 2,
            ..Config::default()
        };
        (tmp, cfg)
    }

    fn big(n: u32) -> Vec<u8> {
        let mut v = format!("audit(1.000:{n}): ").into_bytes();
        v.resize(8000, b'x');
        v
    }

    fn flood(d: &mut Dispatcher, n: u32) {
        for i in 0..n {
            let raw = big(i);
            d.record(&Record {
                rtype: 1300,
                raw: &raw,
                text: b"",
                formatted: false,
            });
        }
    }

    #[test]
    fn overflow_policies() {
        if !nix::unistd::geteuid().is_root() {
            eprintln!("SKIP overflow_policies: plugin files must be owned by root");
            return;
        }
        let body = "active = yes\npath = EXE\n";
        for (action, want_levels, want_suspended) in [
            (OverflowAction::Ignore, 0, false),
            (OverflowAction::Syslog, 0, false),
            (OverflowAction::Suspend, 0, true),
            (OverflowAction::Single, 1, false),
            (OverflowAction::Halt, 1, false),
        ] {
            let (_dir, mut cfg) = setup("ovf", &[("a.conf", body), ("b.conf", body)]);
            cfg.overflow_action = action;
            let rec = Recorded::default();
            let mut d = Dispatcher::with_actions(&cfg, Box::new(rec.clone()));
            assert_eq!(d.active(), 2);
            flood(&mut d, 400);
            let mut s = String::new();
            d.state(&mut s);
            assert!(s.contains("plugin queue overflow detected = yes"), "{s}");
            assert_eq!(d.suspended, want_suspended, "{action:?}");
            let levels = rec.0.lock().unwrap().clone();
            assert_eq!(levels.len(), want_levels, "{action:?}");
            if action == OverflowAction::Halt {
                assert_eq!(levels, vec!["0"]);
            }
            if !want_suspended {
                // Both plugins overflowed, each counted.
                for p in &d.plugins {
                    assert!(p.shared.overflowed.load(Ordering::Relaxed) > 0, "{s}");
                }
            }
            // SIGUSR2 and SIGHUP clear suspension.
            if want_suspended {
                d.resume();
                assert!(!d.suspended);
                flood(&mut d, 400);
                assert!(d.suspended);
            }
            d.reload(&cfg);
            assert!(!d.suspended);
            assert_eq!(d.active(), 2);
            d.stop_all(false, Duration::from_millis(500));
        }
    }

    #[test]
    fn reload_adds_removes_and_keeps() {
        if !nix::unistd::geteuid().is_root() {
            eprintln!("SKIP reload_adds_removes_and_keeps: plugin files must be owned by root");
            return;
        }
        let body = "active = yes\npath = EXE\n";
        let (dir, cfg) = setup(
            "reload",
            &[
                ("a.conf", body),
                ("b.conf", body),
                ("bad.conf", "active = perhaps\n"),
            ],
        );
        let mut d = Dispatcher::new(&cfg);
        assert_eq!(d.active(), 2);
        let wait_pid = |d: &Dispatcher, i: usize| {
            let end = Instant::now() + Duration::from_secs(5);
            loop {
                let p = d.plugins[i].shared.pid.load(Ordering::Relaxed);
                if p > 0 || Instant::now() > end {
                    return p;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        };
        let pid_a = wait_pid(&d, 0);
        let pid_b = wait_pid(&d, 1);
        assert!(pid_a > 0 && pid_b > 0);
        // Remove b, change a's args, add c.
        let pd = dir.path().join("plugins");
        std::fs::remove_file(pd.join("b.conf")).unwrap();
        let exe = dir.path().join("stall");
        std::fs::write(
            pd.join("a.conf"),
            format!("active = yes\npath = {}\nargs = x\n", exe.display()),
        )
        .unwrap();
        std::fs::write(
            pd.join("c.conf"),
            format!("active = yes\npath = {}\n", exe.display()),
        )
        .unwrap();
        d.reload(&cfg);
        let names: Vec<&str> = d.plugins.iter().map(|p| p.conf.name.as_str()).collect();
        assert_eq!(names, vec!["a.conf", "c.conf"]);
        assert_ne!(wait_pid(&d, 0), pid_a);
        // b's program got SIGTERM.
        let end = Instant::now() + Duration::from_secs(5);
        while nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid_b), None).is_ok()
            && Instant::now() < end
        {
            let _ = nix::sys::wait::waitpid(
                nix::unistd::Pid::from_raw(pid_b),
                Some(nix::sys::wait::WaitPidFlag::WNOHANG),
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid_b), None).is_err());
        // Unchanged: same pid after another reload.
        let pid_c = wait_pid(&d, 1);
        d.reload(&cfg);
        assert_eq!(wait_pid(&d, 1), pid_c);
        d.shutdown();
        assert_eq!(d.active(), 0);
    }
}
