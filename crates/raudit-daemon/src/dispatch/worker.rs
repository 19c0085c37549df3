//! One plugin: its bounded queue, its writer thread, its child process (or
//! the builtin `af_unix` socket).
//!
//! The handler thread only pushes shared records onto the queue
//! ([`Plugin::push`] never blocks); the plugin's own thread formats each
//! record for the plugin's format and writes it with blocking writes. A
//! failed write means the plugin died: it is restarted (up to
//! `max_restarts`) and the record being written is written again to the new
//! instance.

use std::collections::VecDeque;
use std::io::Write;
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use raudit_wire::audisp::{self, Layout};

use super::pconfig::{Format, Kind, PluginConf};
use crate::log::{msg, Level};

/// One record as the dispatcher hands it to every plugin (shared).
#[derive(Debug)]
pub struct Rec {
    /// Record type.
    pub rtype: u16,
    /// Protocol version (`AUDISP_PROTOCOL_VER` or `…VER2`).
    pub ver: u32,
    /// The payload (ver 0) or the formatted record without newline (ver 1).
    pub data: Box<[u8]>,
}

/// What a plugin is doing (for the state report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum State {
    /// Being started.
    Starting = 0,
    /// Running (or, for af_unix, listening).
    Running = 1,
    /// Could not be started; records are dropped until SIGHUP.
    Failed = 2,
    /// Died more than `max_restarts` times; records are dropped until SIGHUP.
    Dead = 3,
    /// Stopped.
    Stopped = 4,
}

impl State {
    fn from_u8(v: u8) -> State {
        match v {
            0 => State::Starting,
            1 => State::Running,
            2 => State::Failed,
            3 => State::Dead,
            _ => State::Stopped,
        }
    }
    /// The word in the state report.
    pub fn name(self) -> &'static str {
        match self {
            State::Starting => "starting",
            State::Running => "running",
            State::Failed => "failed",
            State::Dead => "dead (max_restarts exceeded)",
            State::Stopped => "stopped",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// Write what is queued, then stop.
    Drain,
    /// Stop now, dropping what is queued.
    Now,
}

#[derive(Default)]
struct Queue {
    items: VecDeque<Arc<Rec>>,
    stop: Option<Stop>,
}

/// Counters and the queue, shared by the handler and the plugin's thread.
pub struct Shared {
    q: Mutex<Queue>,
    cv: Condvar,
    cap: AtomicUsize,
    max_restarts: AtomicU32,
    /// The child's pid (0: none).
    pub pid: AtomicI32,
    state: std::sync::atomic::AtomicU8,
    /// Records written to the plugin.
    pub delivered: AtomicU64,
    /// Records refused because the queue was full.
    pub overflowed: AtomicU64,
    /// Records dropped otherwise (plugin failed, dead, no af_unix client).
    pub dropped: AtomicU64,
    /// Restarts so far.
    pub restarts: AtomicU32,
    /// Highest queue depth seen.
    pub max_used: AtomicUsize,
    /// A clone of the connection, to unblock a stuck write when stopping.
    conn: Mutex<Option<UnixStream>>,
    finished: AtomicBool,
}

impl Shared {
    /// The current state.
    pub fn state(&self) -> State {
        State::from_u8(self.state.load(Ordering::Relaxed))
    }
    fn set_state(&self, s: State) {
        self.state.store(s as u8, Ordering::Relaxed);
    }
    /// Records waiting.
    pub fn depth(&self) -> usize {
        self.q.lock().map(|q| q.items.len()).unwrap_or(0)
    }
    fn set_conn(&self, c: Option<&UnixStream>) {
        if let Ok(mut g) = self.conn.lock() {
            *g = c.and_then(|c| c.try_clone().ok());
        }
    }
    fn unblock(&self) {
        if let Ok(g) = self.conn.lock() {
            if let Some(c) = g.as_ref() {
                let _ = c.shutdown(std::net::Shutdown::Both);
            }
        }
    }
}

/// A running plugin as the dispatcher holds it.
pub struct Plugin {
    /// Its configuration.
    pub conf: PluginConf,
    /// Queue and counters.
    pub shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Plugin {
    /// Starts the plugin's thread (which starts the program).
    pub fn start(conf: PluginConf, q_depth: usize, max_restarts: u32) -> Plugin {
        let shared = Arc::new(Shared {
            q: Mutex::new(Queue::default()),
            cv: Condvar::new(),
            cap: AtomicUsize::new(q_depth.max(1)),
            max_restarts: AtomicU32::new(max_restarts),
            pid: AtomicI32::new(0),
            state: std::sync::atomic::AtomicU8::new(State::Starting as u8),
            delivered: AtomicU64::new(0),
            overflowed: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            restarts: AtomicU32::new(0),
            max_used: AtomicUsize::new(0),
            conn: Mutex::new(None),
            finished: AtomicBool::new(false),
        });
        let sh = shared.clone();
        let c = conf.clone();
        let thread = std::thread::Builder::new()
            .name(format!("plugin {}", conf.name))
            .spawn(move || {
                // As auditd: the type decides (a `builtin_…` path with
                // `type = always` fails to run).
                if c.kind == Kind::Builtin {
                    run_builtin(&c, &sh);
                } else {
                    run_program(&c, &sh);
                }
                sh.finished.store(true, Ordering::Release);
            })
            .ok();
        if thread.is_none() {
            shared.set_state(State::Failed);
        }
        Plugin {
            conf,
            shared,
            thread,
        }
    }

    /// Queues a record; `false` when the queue is full (the record is not taken).
    pub fn push(&self, r: &Arc<Rec>) -> bool {
        let Ok(mut q) = self.shared.q.lock() else {
            return false;
        };
        if q.items.len() >= self.shared.cap.load(Ordering::Relaxed) {
            return false;
        }
        q.items.push_back(r.clone());
        let n = q.items.len();
        drop(q);
        self.shared.max_used.fetch_max(n, Ordering::Relaxed);
        self.shared.cv.notify_one();
        true
    }

    /// New `q_depth` / `max_restarts` (SIGHUP).
    pub fn set_limits(&self, q_depth: usize, max_restarts: u32) {
        self.shared.cap.store(q_depth.max(1), Ordering::Relaxed);
        self.shared
            .max_restarts
            .store(max_restarts, Ordering::Relaxed);
    }

    /// Forwards a signal to the program (not to builtins).
    pub fn signal(&self, sig: nix::sys::signal::Signal) {
        let pid = self.shared.pid.load(Ordering::Relaxed);
        if pid > 0 && self.conf.kind == Kind::Always {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), sig);
        }
    }

    /// Asks the thread to stop: after writing what is queued (`drain`) or now.
    pub fn request_stop(&self, drain: bool) {
        if let Ok(mut q) = self.shared.q.lock() {
            q.stop = Some(if drain { Stop::Drain } else { Stop::Now });
            if !drain {
                let n = q.items.len() as u64;
                q.items.clear();
                self.shared.dropped.fetch_add(n, Ordering::Relaxed);
            }
        }
        self.shared.cv.notify_all();
        if !drain {
            self.shared.unblock();
        }
    }

    /// Waits for the thread until `deadline`; past it, breaks a stuck write
    /// and waits a little more.
    pub fn join(&mut self, deadline: Instant) {
        while !self.shared.finished.load(Ordering::Acquire) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        if !self.shared.finished.load(Ordering::Acquire) {
            self.request_stop(false);
            let more = Instant::now() + Duration::from_millis(500);
            while !self.shared.finished.load(Ordering::Acquire) && Instant::now() < more {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        if self.shared.finished.load(Ordering::Acquire) {
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }

    /// Stops now and waits briefly.
    pub fn stop_now(&mut self) {
        self.request_stop(false);
        self.join(Instant::now() + Duration::from_millis(500));
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.stop_now();
        }
    }
}

/// The next record, or `None` when the thread must stop.
fn pop(sh: &Shared, timeout: Option<Duration>) -> Option<Option<Arc<Rec>>> {
    let mut q = sh.q.lock().ok()?;
    loop {
        if q.stop == Some(Stop::Now) {
            return None;
        }
        if let Some(r) = q.items.pop_front() {
            return Some(Some(r));
        }
        if q.stop == Some(Stop::Drain) {
            return None;
        }
        match timeout {
            None => q = sh.cv.wait(q).ok()?,
            Some(t) => {
                let (g, res) = sh.cv.wait_timeout(q, t).ok()?;
                q = g;
                if res.timed_out() {
                    return Some(None);
                }
            }
        }
    }
}

/// Another queued record without waiting (none once a stop-now is asked).
fn try_pop(sh: &Shared) -> Option<Arc<Rec>> {
    let mut q = sh.q.lock().ok()?;
    if q.stop == Some(Stop::Now) {
        return None;
    }
    q.items.pop_front()
}

/// Records written to a program with one `write` at most (bytes).
const BATCH_BYTES: usize = 256 << 10;

fn stopping(sh: &Shared) -> bool {
    sh.q.lock().map(|q| q.stop.is_some()).unwrap_or(true)
}

/// Formats a record for a plugin (appended to `out`).
fn encode(r: &Rec, format: Format, out: &mut Vec<u8>) {
    let data = &r.data[..r.data.len().min(audisp::MAX_AUDIT_MESSAGE_LENGTH)];
    match format {
        Format::String => {
            let mut name = Vec::new();
            if r.ver == audisp::AUDISP_PROTOCOL_VER {
                crate::format::type_name(r.rtype, &mut name);
            }
            audisp::format_string_record(r.ver, &name, data, out);
        }
        Format::Binary => {
            // Cannot fail: data is within the limit.
            let _ = audisp::encode_frame(r.ver, r.rtype as u32, data, Layout::Padded, out);
        }
    }
}

struct Child {
    pid: i32,
    conn: UnixStream,
}

/// Starts the program as auditd's `safe_exec`: `argv` = path and up to two
/// arguments, an empty environment, one end of a socketpair as stdin. The
/// daemon blocks its handled signals in every thread; the program gets an
/// empty signal mask (ignored signals stay ignored, as under auditd).
/// `posix_spawn` reports a failed exec itself, so no waiting is needed here
/// (the daemon's SIGCHLD thread reaps every child).
fn spawn(conf: &PluginConf) -> std::io::Result<Child> {
    use std::ffi::CString;
    use std::os::fd::AsRawFd;
    let bad = || std::io::Error::from_raw_os_error(libc::EINVAL);
    let (ours, theirs) = UnixStream::pair()?;
    let path = CString::new(conf.path.as_deref().unwrap_or_default()).map_err(|_| bad())?;
    let mut args = vec![path.clone()];
    for a in &conf.args {
        args.push(CString::new(a.as_str()).map_err(|_| bad())?);
    }
    let mut argv: Vec<*mut libc::c_char> = args.iter().map(|a| a.as_ptr() as *mut _).collect();
    argv.push(std::ptr::null_mut());
    let envp: [*mut libc::c_char; 1] = [std::ptr::null_mut()];
    let mut pid: libc::pid_t = 0;
    // SAFETY: the attribute and file-action objects are initialised before
    // use and destroyed after; argv/envp are NULL-terminated arrays of valid
    // C strings that outlive the call; the descriptor is open.
    let rc = unsafe {
        let mut fa: libc::posix_spawn_file_actions_t = std::mem::zeroed();
        let mut at: libc::posix_spawnattr_t = std::mem::zeroed();
        libc::posix_spawn_file_actions_init(&mut fa);
        libc::posix_spawnattr_init(&mut at);
        libc::posix_spawn_file_actions_adddup2(&mut fa, theirs.as_raw_fd(), 0);
        let mut empty: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        libc::posix_spawnattr_setsigmask(&mut at, &empty);
        libc::posix_spawnattr_setflags(&mut at, libc::POSIX_SPAWN_SETSIGMASK as libc::c_short);
        let rc = libc::posix_spawn(
            &mut pid,
            path.as_ptr(),
            &fa,
            &at,
            argv.as_ptr(),
            envp.as_ptr(),
        );
        libc::posix_spawn_file_actions_destroy(&mut fa);
        libc::posix_spawnattr_destroy(&mut at);
        rc
    };
    drop(theirs);
    if rc != 0 {
        return Err(std::io::Error::from_raw_os_error(rc));
    }
    Ok(Child { pid, conn: ours })
}

/// Waits up to `wait` for the child to exit; whether it did.
fn wait_exit(pid: i32, wait: Duration) -> bool {
    let p = nix::unistd::Pid::from_raw(pid);
    let deadline = Instant::now() + wait;
    loop {
        if super::exited(pid) {
            return true;
        }
        match nix::sys::wait::waitpid(p, Some(nix::sys::wait::WaitPidFlag::WNOHANG)) {
            Ok(nix::sys::wait::WaitStatus::StillAlive) => {}
            _ => return true,
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Closes the program's stdin, gives it `grace` to finish on end of file,
/// then sends SIGTERM (as auditd does) and waits up to `wait` for the exit.
fn end_child(c: Child, sh: &Shared, grace: Duration, wait: Duration) {
    sh.set_conn(None);
    drop(c.conn);
    if !wait_exit(c.pid, grace) {
        let pid = nix::unistd::Pid::from_raw(c.pid);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        wait_exit(c.pid, wait);
    }
    super::forget(c.pid);
    sh.pid.store(0, Ordering::Relaxed);
}

fn start_child(conf: &PluginConf, sh: &Shared) -> Option<Child> {
    let path = conf.path.as_deref().unwrap_or_default();
    match spawn(conf) {
        Ok(c) => {
            super::watch(c.pid);
            sh.pid.store(c.pid, Ordering::Relaxed);
            sh.set_conn(Some(&c.conn));
            sh.set_state(State::Running);
            Some(c)
        }
        Err(e) => {
            let errno = e.raw_os_error().unwrap_or(libc::EIO);
            msg(
                Level::Err,
                &format!(
                    "Error running {path} ({}) continuing without it",
                    crate::config::strerror(errno)
                ),
            );
            sh.set_state(State::Failed);
            None
        }
    }
}

/// The thread of a `type = always` plugin.
fn run_program(conf: &PluginConf, sh: &Shared) {
    let path = conf.path.clone().unwrap_or_default();
    let mut child = start_child(conf, sh);
    let mut buf =
        Vec::with_capacity(BATCH_BYTES + audisp::HEADER_LEN + audisp::MAX_AUDIT_MESSAGE_LENGTH);
    // End offset of each record in `buf`.
    let mut ends: Vec<usize> = Vec::new();
    while let Some(item) = pop(sh, None) {
        let Some(r) = item else { continue };
        // What is queued goes out in one write (up to BATCH_BYTES).
        buf.clear();
        ends.clear();
        encode(&r, conf.format, &mut buf);
        ends.push(buf.len());
        while buf.len() < BATCH_BYTES {
            let Some(r) = try_pop(sh) else { break };
            encode(&r, conf.format, &mut buf);
            ends.push(buf.len());
        }
        // Records before `next` are written; the one at `next` is in flight.
        let mut next = 0;
        loop {
            let Some(c) = child.as_mut() else {
                sh.dropped
                    .fetch_add((ends.len() - next) as u64, Ordering::Relaxed);
                break;
            };
            let mut off = if next == 0 { 0 } else { ends[next - 1] };
            let failed = loop {
                if off == buf.len() {
                    break false;
                }
                match c.conn.write(&buf[off..]) {
                    Ok(0) => break true,
                    Ok(k) => off += k,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break true,
                }
            };
            let done = ends.partition_point(|&e| e <= off);
            sh.delivered
                .fetch_add((done - next) as u64, Ordering::Relaxed);
            next = done;
            if !failed {
                break;
            }
            if stopping(sh) {
                // Our own shutdown broke the write.
                sh.dropped
                    .fetch_add((ends.len() - next) as u64, Ordering::Relaxed);
                break;
            }
            msg(
                Level::Err,
                &format!("plugin {path} terminated unexpectedly"),
            );
            if let Some(c) = child.take() {
                end_child(c, sh, Duration::ZERO, Duration::from_millis(100));
            }
            let n = sh.restarts.fetch_add(1, Ordering::Relaxed) + 1;
            if n > sh.max_restarts.load(Ordering::Relaxed) {
                msg(
                    Level::Err,
                    &format!("plugin {path} has exceeded max_restarts"),
                );
                sh.set_state(State::Dead);
                sh.dropped
                    .fetch_add((ends.len() - next) as u64, Ordering::Relaxed);
                break;
            }
            child = start_child(conf, sh);
            if child.is_some() {
                msg(Level::Notice, &format!("plugin {path} was restarted"));
            }
            // Loop: the record in flight (whole) and those after it go to
            // the new instance.
        }
    }
    if let Some(c) = child.take() {
        end_child(
            c,
            sh,
            Duration::from_millis(200),
            Duration::from_millis(1000),
        );
    }
    sh.set_state(State::Stopped);
}

/// `builtin_af_unix`: the socket path and mode from the arguments, as
/// auditd reads them (digits: an octal mode; anything with a `/`: the path).
fn af_unix_setup(conf: &PluginConf) -> Option<(UnixListener, String)> {
    use std::os::unix::fs::PermissionsExt;
    let mut mode: Option<u32> = None;
    let mut made: Option<(UnixListener, String)> = None;
    for a in &conf.args {
        if !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()) {
            // strtoul(…, 8): stops at the first 8 or 9.
            let oct: String = a.chars().take_while(|c| ('0'..='7').contains(c)).collect();
            let m = u32::from_str_radix(if oct.is_empty() { "0" } else { &oct }, 8).ok()?;
            mode = Some(m);
            if let Some((_, p)) = &made {
                if let Err(e) = std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)) {
                    msg(
                        Level::Err,
                        &format!(
                            "Couldn't chmod {a} to {m:04o} ({})",
                            crate::config::strerror(e.raw_os_error().unwrap_or(libc::EIO))
                        ),
                    );
                    let _ = std::fs::remove_file(p);
                    return None;
                }
            }
        } else if a.contains('/') {
            let dir = std::path::Path::new(a)
                .parent()
                .unwrap_or(std::path::Path::new("/"));
            let dir = if dir.as_os_str().is_empty() {
                std::path::Path::new(".")
            } else {
                dir
            };
            if let Err(e) = std::fs::read_dir(dir) {
                msg(
                    Level::Err,
                    &format!(
                        "Couldn't open {} ({})",
                        dir.display(),
                        crate::config::strerror(e.raw_os_error().unwrap_or(libc::EIO))
                    ),
                );
                return None;
            }
            let _ = std::fs::remove_file(a);
            let l = match UnixListener::bind(a) {
                Ok(l) => l,
                Err(e) => {
                    msg(
                        Level::Err,
                        &format!(
                            "Couldn't bind af_unix socket ({})",
                            crate::config::strerror(e.raw_os_error().unwrap_or(libc::EIO))
                        ),
                    );
                    return None;
                }
            };
            if let Some(m) = mode {
                if let Err(e) = std::fs::set_permissions(a, std::fs::Permissions::from_mode(m)) {
                    msg(
                        Level::Err,
                        &format!(
                            "Couldn't chmod {a} to {m:04o} ({})",
                            crate::config::strerror(e.raw_os_error().unwrap_or(libc::EIO))
                        ),
                    );
                    let _ = std::fs::remove_file(a);
                    return None;
                }
            }
            let _ = l.set_nonblocking(true);
            made = Some((l, a.clone()));
        } else {
            msg(Level::Err, &format!("Malformed path {a}"));
            if let Some((_, p)) = &made {
                let _ = std::fs::remove_file(p);
            }
            return None;
        }
    }
    if made.is_some() {
        msg(Level::Info, "af_unix plugin initialized");
    }
    made
}

/// The thread of the builtin `af_unix` plugin: one client at a time; records
/// that arrive while no client is connected are dropped (as auditd does).
fn run_builtin(conf: &PluginConf, sh: &Shared) {
    let path = conf.path.as_deref().unwrap_or_default();
    if !path.eq_ignore_ascii_case("builtin_af_unix") {
        msg(Level::Err, &format!("Unknown builtin {path}"));
        sh.set_state(State::Failed);
        drain_dropping(sh);
        return;
    }
    let Some((listener, spath)) = af_unix_setup(conf) else {
        sh.set_state(State::Failed);
        drain_dropping(sh);
        return;
    };
    sh.set_state(State::Running);
    let mut conn: Option<UnixStream> = None;
    let mut buf = Vec::new();
    while let Some(item) = pop(sh, None) {
        let Some(r) = item else { continue };
        if conn.is_none() {
            if let Ok((c, _)) = listener.accept() {
                let _ = c.set_nonblocking(false);
                sh.set_conn(Some(&c));
                conn = Some(c);
            }
        }
        let Some(c) = conn.as_mut() else {
            sh.dropped.fetch_add(1, Ordering::Relaxed);
            continue;
        };
        buf.clear();
        encode(&r, conf.format, &mut buf);
        if c.write_all(&buf).is_ok() {
            sh.delivered.fetch_add(1, Ordering::Relaxed);
        } else {
            sh.dropped.fetch_add(1, Ordering::Relaxed);
            sh.set_conn(None);
            conn = None;
        }
    }
    sh.set_conn(None);
    drop(conn);
    drop(listener);
    let _ = std::fs::remove_file(&spath);
    msg(Level::Info, "af_unix plugin terminated");
    sh.set_state(State::Stopped);
}

fn drain_dropping(sh: &Shared) {
    while let Some(item) = pop(sh, None) {
        if item.is_some() {
            sh.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(n: u32) -> Arc<Rec> {
        Arc::new(Rec {
            rtype: 1300,
            ver: 0,
            data: format!("audit(1.000:{n}): x={n}").into_bytes().into(),
        })
    }

    #[test]
    fn string_and_binary_encoding() {
        let mut out = Vec::new();
        encode(&rec(1), Format::String, &mut out);
        assert_eq!(out, b"type=SYSCALL msg=audit(1.000:1): x=1\n");
        encode(&rec(2), Format::String, &mut out);
        assert_eq!(
            out,
            b"type=SYSCALL msg=audit(1.000:1): x=1\ntype=SYSCALL msg=audit(1.000:2): x=2\n"
        );
        out.clear();
        encode(&rec(1), Format::String, &mut out);
        assert_eq!(out, b"type=SYSCALL msg=audit(1.000:1): x=1\n");
        let r = Rec {
            rtype: 1320,
            ver: 1,
            data: b"node=h type=EOE msg=audit(1.000:1): ".to_vec().into(),
        };
        out.clear();
        encode(&r, Format::String, &mut out);
        assert_eq!(out, b"node=h type=EOE msg=audit(1.000:1): \n");
        out.clear();
        encode(&r, Format::Binary, &mut out);
        let mut d = audisp::BinaryDecoder::new(Layout::Padded);
        d.feed(&out);
        let f = d.next_frame().unwrap().unwrap();
        assert_eq!((f.header.ver, f.header.rtype), (1, 1320));
        assert_eq!(f.data, &r.data[..]);
        assert_eq!(d.pending(), 0);
    }

    fn script(dir: &std::path::Path, name: &str, body: &str) -> String {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o750)).unwrap();
        p.to_string_lossy().into_owned()
    }

    fn conf(path: &str, args: &[&str]) -> PluginConf {
        PluginConf {
            name: "t.conf".into(),
            active: true,
            path: Some(path.into()),
            kind: Kind::Always,
            args: args.iter().map(|s| s.to_string()).collect(),
            format: Format::String,
            inode: 0,
        }
    }

    fn wait_for(f: impl Fn() -> bool) -> bool {
        let end = Instant::now() + Duration::from_secs(10);
        while Instant::now() < end {
            if f() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    /// A scratch directory, removed on drop.
    fn tmp(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix(&format!("raudit-worker-{name}-"))
            .tempdir()
            .unwrap()
    }

    #[test]
    fn full_queue_refuses_without_blocking() {
        let tmpd = tmp("full");
        let d = tmpd.path();
        // A plugin that never reads.
        let s = script(d, "p", "exec sleep 30");
        let p = Plugin::start(conf(&s, &[]), 3, 0);
        // The socket buffer takes a lot before a write blocks; big records
        // fill it quickly, then the queue fills.
        let big = Arc::new(Rec {
            rtype: 1300,
            ver: 1,
            data: vec![b'x'; 8000].into(),
        });
        let t0 = Instant::now();
        let mut refused = 0;
        for _ in 0..500 {
            if !p.push(&big) {
                refused += 1;
            }
        }
        assert!(t0.elapsed() < Duration::from_secs(1));
        assert!(refused > 0);
        assert!(p.shared.depth() <= 3);
        let mut p = p;
        p.stop_now();
        assert_eq!(p.shared.state(), State::Stopped);
    }

    #[test]
    fn restarts_redeliver_and_give_up() {
        let tmpd = tmp("restart");
        let d = tmpd.path();
        let out = d.join("out");
        // Reads one line, appends it, exits.
        let s = script(d, "p", "read -r l; echo \"$$ $l\" >> \"$1\"");
        let p = Plugin::start(conf(&s, &[out.to_str().unwrap()]), 100, 2);
        for n in 1..=3 {
            assert!(p.push(&rec(n)));
            // Wait until that line arrived (so the next write finds it dead).
            let want = n as usize;
            assert!(wait_for(|| std::fs::read_to_string(&out)
                .map(|t| t.lines().count() >= want)
                .unwrap_or(false)));
            std::thread::sleep(Duration::from_millis(50));
        }
        let text = std::fs::read_to_string(&out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        for (i, l) in lines.iter().enumerate() {
            assert!(l.ends_with(&format!("x={}", i + 1)), "{text}");
        }
        // Three different instances.
        let pids: std::collections::HashSet<&str> =
            lines.iter().map(|l| l.split(' ').next().unwrap()).collect();
        assert_eq!(pids.len(), 3);
        assert_eq!(p.shared.restarts.load(Ordering::Relaxed), 2);
        // The next one exceeds max_restarts = 2: dropped, plugin dead.
        assert!(p.push(&rec(4)));
        assert!(wait_for(|| p.shared.state() == State::Dead));
        assert_eq!(p.shared.dropped.load(Ordering::Relaxed), 1);
        assert_eq!(p.shared.delivered.load(Ordering::Relaxed), 3);
        drop(p);
    }

    #[test]
    fn a_batch_written_to_a_dead_program_goes_whole_to_the_next() {
        let tmpd = tmp("batch");
        let d = tmpd.path();
        let out = d.join("out");
        let mark = d.join("mark");
        // First instance: exits at once without reading; then: cat.
        let s = script(
            d,
            "p",
            &format!(
                "if [ ! -e {m} ]; then : > {m}; exit 0; fi\nexec cat >> \"$1\"",
                m = mark.display()
            ),
        );
        let p = Plugin::start(conf(&s, &[out.to_str().unwrap()]), 100, 3);
        assert!(wait_for(|| mark.exists()));
        let first = p.shared.pid.load(Ordering::Relaxed);
        assert!(wait_for(|| {
            let _ = nix::sys::wait::waitpid(
                nix::unistd::Pid::from_raw(first),
                Some(nix::sys::wait::WaitPidFlag::WNOHANG),
            );
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(first), None).is_err()
        }));
        // Queued while the writer waits: they go out as one batch.
        {
            let mut q = p.shared.q.lock().unwrap();
            for n in 1..=5 {
                q.items.push_back(rec(n));
            }
        }
        p.shared.cv.notify_one();
        let want: String = (1..=5)
            .map(|n| format!("type=SYSCALL msg=audit(1.000:{n}): x={n}\n"))
            .collect();
        assert!(wait_for(|| std::fs::read_to_string(&out)
            .unwrap_or_default()
            == want));
        assert_eq!(p.shared.restarts.load(Ordering::Relaxed), 1);
        assert_eq!(p.shared.delivered.load(Ordering::Relaxed), 5);
        drop(p);
    }

    #[test]
    fn af_unix_builtin_one_client() {
        let tmpd = tmp("afunix");
        let d = tmpd.path();
        let sock = d.join("s");
        let mut c = conf("builtin_af_unix", &["0600", sock.to_str().unwrap()]);
        c.kind = Kind::Builtin;
        c.format = Format::Binary;
        let mut p = Plugin::start(c, 10, 0);
        assert!(wait_for(|| p.shared.state() == State::Running));
        use std::os::unix::fs::PermissionsExt;
        let m = std::fs::metadata(&sock).unwrap().permissions().mode();
        assert_eq!(m & 0o777, 0o600);
        // No client: dropped.
        assert!(p.push(&rec(1)));
        assert!(wait_for(|| p.shared.dropped.load(Ordering::Relaxed) == 1));
        let mut client = UnixStream::connect(&sock).unwrap();
        assert!(p.push(&rec(2)));
        let mut dec = audisp::BinaryDecoder::new(Layout::Padded);
        let mut buf = vec![0u8; 65536];
        let mut got = None;
        client
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        while got.is_none() {
            use std::io::Read;
            let n = client.read(&mut buf).unwrap();
            assert!(n > 0);
            dec.feed(&buf[..n]);
            if let Some(f) = dec.next_frame().unwrap() {
                got = Some(f.data.to_vec());
            }
        }
        assert_eq!(got.unwrap(), b"audit(1.000:2): x=2");
        p.stop_now();
        assert!(!sock.exists());
    }
}
