//! The real-kernel test guard: one machine-wide lock, skip loudly when the
//! kernel cannot be used, restore its audit state on drop (even on panic).
//!
//! Every test that changes kernel audit state (rules, pid, enabled, backlog)
//! holds a [`KernelGuard`] for its whole run; scripts take the same lock with
//! `flock /tmp/raudit-kernel.lock`.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use raudit_netlink::AuditSocket;

use super::tmp::TempDir;

/// Holds the machine-wide kernel lock; on drop stops the children it was
/// given (SIGTERM, then SIGKILL after 3 s), deletes every audit rule,
/// releases the audit pid if this process holds it and puts `enabled`,
/// `backlog_limit` and `backlog_wait_time` back as found; last, the
/// directories it owns ([`KernelGuard::own`]) are removed, once nothing
/// writes into them any more.
pub struct KernelGuard {
    _lock: File,
    /// The kernel's status when the guard was taken.
    pub saved: raudit_wire::AuditStatus,
    /// Processes stopped when the guard drops (daemons under test).
    pub children: Vec<Child>,
    /// Removed when the guard drops, after the children are stopped.
    pub dirs: Vec<TempDir>,
}

impl KernelGuard {
    /// Keeps `dir` until the guard drops (so it outlives the daemons that
    /// write into it, also when the test panics); its path.
    pub fn own(&mut self, dir: TempDir) -> PathBuf {
        let p = dir.to_path_buf();
        self.dirs.push(dir);
        p
    }
}

impl Drop for KernelGuard {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = nix_kill(c.id() as i32, libc::SIGTERM);
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = c.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = Command::new("auditctl")
            .arg("-D")
            .stdout(Stdio::null())
            .status();
        if let Ok(mut s) = AuditSocket::open() {
            if let Ok(now) = s.get_status() {
                if now.pid != 0 && now.pid == std::process::id() {
                    let _ = s.set_pid(0);
                }
            }
        }
        let _ = restore_status(&self.saved);
    }
}

/// Puts the kernel's settings back as in `saved`: `backlog_limit`,
/// `rate_limit`, `failure` (never to 2), `backlog_wait_time`, `enabled`
/// (never to 2), and resets the `lost` and `backlog_wait_time_actual`
/// counters if they were 0 (loading many rules can overflow the backlog with
/// CONFIG_CHANGE records). The first failure is returned; the rest is still tried.
pub fn restore_status(saved: &raudit_wire::AuditStatus) -> Result<(), String> {
    let mut s = AuditSocket::open().map_err(|e| e.to_string())?;
    let st = saved;
    let now = s.get_status().map_err(|e| e.to_string())?;
    let mut res = Ok(());
    let mut note = |r: Result<(), raudit_netlink::NetlinkError>, what: &str| {
        if let Err(e) = r {
            if res.is_ok() {
                res = Err(format!("restoring {what}: {e}"));
            }
        }
    };
    if now.backlog_limit != st.backlog_limit {
        note(s.set_backlog_limit(st.backlog_limit), "backlog_limit");
    }
    if now.rate_limit != st.rate_limit {
        note(s.set_rate_limit(st.rate_limit), "rate_limit");
    }
    if now.failure != st.failure && st.failure < 2 {
        note(s.set_failure(st.failure), "failure");
    }
    if let Some(b) = st.backlog_wait_time {
        if now.backlog_wait_time != Some(b) {
            note(s.set_backlog_wait_time(b), "backlog_wait_time");
        }
    }
    if now.enabled != st.enabled && st.enabled < 2 {
        note(s.set_enabled(st.enabled), "enabled");
    }
    if let Ok(now) = s.get_status() {
        if st.lost == 0 && now.lost != 0 {
            let _ = s.reset_lost();
        }
        if st.backlog_wait_time_actual == Some(0) && now.backlog_wait_time_actual != Some(0) {
            let _ = s.reset_backlog_wait_time_actual();
        }
    }
    res
}

/// kill(2).
pub fn nix_kill(pid: i32, sig: i32) -> i32 {
    // SAFETY: plain kill(2).
    unsafe { libc::kill(pid, sig) }
}

/// Waits for and takes the machine-wide kernel lock (held while the file lives).
pub fn lock() -> File {
    let f = File::options()
        .create(true)
        .append(true)
        .open("/tmp/raudit-kernel.lock")
        .expect("lock file");
    // SAFETY: flock on a valid descriptor.
    assert_eq!(unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) }, 0);
    f
}

/// Takes the lock and checks the kernel can be used; None (with a loud
/// message) when the test must skip.
pub fn guard(test: &str) -> Option<KernelGuard> {
    // SAFETY: geteuid never fails.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("SKIP {test}: needs root");
        return None;
    }
    let f = lock();
    let mut s = AuditSocket::open().expect("audit socket");
    let saved = s.get_status().expect("status");
    if saved.pid != 0 {
        let comm = std::fs::read_to_string(format!("/proc/{}/comm", saved.pid)).unwrap_or_default();
        eprintln!(
            "SKIP {test}: the audit pid is held by pid {} ({})",
            saved.pid,
            comm.trim()
        );
        return None;
    }
    if saved.enabled == 2 {
        eprintln!("SKIP {test}: audit configuration is immutable");
        return None;
    }
    Some(KernelGuard {
        _lock: f,
        saved,
        children: Vec::new(),
        dirs: Vec::new(),
    })
}

/// Polls `f` every 10 ms until it holds or `limit` passes; the last answer.
pub fn wait_for(mut f: impl FnMut() -> bool, limit: Duration) -> bool {
    let t = Instant::now();
    while t.elapsed() < limit {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    f()
}
