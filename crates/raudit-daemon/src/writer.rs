//! The log file, as auditd 3.0.9 manages it: opening and creating it with
//! its modes and group, size checks with `max_log_file_action`, rotation
//! (`num_logs`, `keep_logs`), free-space checks with `space_left`,
//! `admin_space_left`, `disk_full` and `disk_error` actions, flushing per
//! `flush`/`freq`, suspension and resumption.
//!
//! Records are appended to a buffer and written with one `write` per batch
//! (auditd writes one per record); the size rules are applied per record,
//! so rotation happens after the same record as in auditd.
//!
//! # Actions that run programs
//! `exec` runs the configured program; `email` runs `/usr/lib/sendmail -t`;
//! `single` and `halt` run `/sbin/init 1` and `/sbin/init 0`. [`SystemActions`]
//! takes two overrides from the environment, for tests: `RAUDIT_DAEMON_INIT`
//! replaces `/sbin/init` and `RAUDIT_DAEMON_SENDMAIL` replaces the mail
//! program. Tests must always set `RAUDIT_DAEMON_INIT` when they configure
//! `single` or `halt`.

use std::fs::File;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use crate::config::{strerror, Config, FailureAction, Flush, SizeAction};
use crate::log::{msg, Level};

const MEGABYTE: u64 = 1_048_576;

/// How the daemon reaches outside programs (overridable for tests).
pub trait Actions: Send {
    /// Runs `exe` without arguments (auditd's `safe_exec`).
    fn exec(&mut self, exe: &Path);
    /// Switches runlevel (`init LEVEL`).
    fn change_runlevel(&mut self, level: &str);
    /// Sends mail.
    fn sendmail(&mut self, subject: &str, body: &str, acct: &str);
}

/// The real programs, with the test overrides described in the module doc.
#[derive(Debug, Clone)]
pub struct SystemActions {
    /// `/sbin/init` or `$RAUDIT_DAEMON_INIT`.
    pub init: PathBuf,
    /// `/usr/lib/sendmail` or `$RAUDIT_DAEMON_SENDMAIL`.
    pub sendmail: PathBuf,
}

impl SystemActions {
    /// The programs, with the environment's overrides.
    pub fn from_env() -> SystemActions {
        SystemActions {
            init: std::env::var_os("RAUDIT_DAEMON_INIT")
                .map(PathBuf::from)
                .unwrap_or_else(|| "/sbin/init".into()),
            sendmail: std::env::var_os("RAUDIT_DAEMON_SENDMAIL")
                .map(PathBuf::from)
                .unwrap_or_else(|| crate::config::EMAIL_COMMAND.into()),
        }
    }
}

fn spawn(cmd: &mut std::process::Command, what: &Path) {
    if cmd.env_clear().spawn().is_err() {
        msg(
            Level::Alert,
            &format!("Audit daemon failed to exec {}", what.display()),
        );
    }
}

impl Actions for SystemActions {
    fn exec(&mut self, exe: &Path) {
        spawn(&mut std::process::Command::new(exe), exe);
    }
    fn change_runlevel(&mut self, level: &str) {
        let init = self.init.clone();
        spawn(std::process::Command::new(&init).arg(level), &init);
    }
    fn sendmail(&mut self, subject: &str, body: &str, acct: &str) {
        use std::process::{Command, Stdio};
        if nix::unistd::access(&self.sendmail, nix::unistd::AccessFlags::X_OK).is_err() {
            msg(
                Level::Err,
                &format!("Error - {} isn't executable", self.sendmail.display()),
            );
            return;
        }
        let child = Command::new(&self.sendmail)
            .arg("-t")
            .arg(format!("-f{acct}"))
            .env_clear()
            .stdin(Stdio::piped())
            .spawn();
        match child {
            Ok(mut c) => {
                if let Some(mut i) = c.stdin.take() {
                    let _ = write!(
                        i,
                        "To: {acct}\nFrom: root\nSubject: {subject}\n\n{body}\n.\n\n"
                    );
                }
            }
            Err(_) => msg(
                Level::Alert,
                "Audit daemon failed to fork while sending email alert",
            ),
        }
    }
}

/// Counters and flags of the writer (for the state report).
#[derive(Debug, Default, Clone, Copy)]
pub struct WriterState {
    /// Size of the current log.
    pub log_size: u64,
    /// Logs found by the last rotation.
    pub known_logs: u32,
    /// Free space above the last-5-blocks limit.
    pub fs_space_left: bool,
    /// Logging suspended.
    pub suspended: bool,
    /// space_left action done.
    pub fs_space_warning: bool,
    /// admin_space_left action done.
    pub fs_admin_space_warning: bool,
    /// Disk errors reported (up to 5 are logged).
    pub disk_err_warning: u32,
    /// Bytes written since start.
    pub bytes_written: u64,
    /// Records written since start.
    pub records_written: u64,
    /// Failed log writes since start (a remote record in a failed write is
    /// answered DISKFULL or DISKERROR instead of ACK).
    pub write_failures: u64,
    /// `errno` of the last failed write.
    pub last_write_errno: i32,
}

/// Asks a thread to fsync (flush = incremental_async). The thread holds a
/// reference to the log file (shared, no `dup`): a request costs no system
/// call when the thread is still busy, and one futex wake otherwise; requests
/// made during an fsync are coalesced into the next one, as auditd's are.
struct Flusher {
    req: Arc<(Mutex<Option<Arc<File>>>, Condvar)>,
}

impl Flusher {
    fn start() -> Flusher {
        type Req = (Mutex<Option<Arc<File>>>, Condvar);
        let req: Arc<Req> = Arc::new((Mutex::new(None), Condvar::new()));
        let r = req.clone();
        let _ = std::thread::Builder::new()
            .name("flush".into())
            .spawn(move || loop {
                let f = {
                    let mut g = r.0.lock().unwrap_or_else(|e| e.into_inner());
                    while g.is_none() {
                        g = r.1.wait(g).unwrap_or_else(|e| e.into_inner());
                    }
                    g.take()
                };
                if let Some(f) = f {
                    let _ = f.sync_all();
                }
            });
        Flusher { req }
    }
    fn request(&self, f: &Arc<File>) {
        let mut g = self.req.0.lock().unwrap_or_else(|e| e.into_inner());
        let idle = g.is_none();
        *g = Some(f.clone());
        drop(g);
        if idle {
            self.req.1.notify_one();
        }
    }
}

/// The log writer.
pub struct LogWriter {
    /// The configuration in force.
    pub cfg: Config,
    /// Background (a log file) or foreground (stdout).
    background: bool,
    file: Option<Arc<File>>,
    pending: Vec<u8>,
    st: WriterState,
    last_log: u32,
    count: u64,
    actions: Box<dyn Actions>,
    flusher: Option<Flusher>,
    /// incremental_async: `freq` records were added since the last fsync
    /// request; asked once the buffer is written (end of the batch).
    sync_due: bool,
}

fn errno_of(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(libc::EIO)
}

impl LogWriter {
    /// A writer for `cfg`; `background` false writes to stdout as `auditd -f`.
    pub fn new(cfg: Config, background: bool, actions: Box<dyn Actions>) -> LogWriter {
        LogWriter {
            cfg,
            background,
            file: None,
            pending: Vec::with_capacity(1 << 20),
            st: WriterState {
                fs_space_left: true,
                ..WriterState::default()
            },
            last_log: 1,
            count: 0,
            actions,
            flusher: None,
            sync_due: false,
        }
    }

    /// The counters and flags.
    pub fn state(&self) -> WriterState {
        self.st
    }

    /// auditd's `init_event`: open the log and run the start-up checks.
    /// Returns false when the log cannot be opened.
    pub fn init(&mut self) -> bool {
        self.flusher = Some(Flusher::start());
        if !self.background {
            return true;
        }
        self.fix_disk_permissions();
        if !self.open_log() {
            return false;
        }
        self.setup_percentages();
        self.check_log_file_size();
        self.check_excess_logs();
        self.check_space_left();
        true
    }

    fn log_file(&self) -> PathBuf {
        self.cfg.log_file.clone()
    }

    fn numbered(&self, n: u32) -> PathBuf {
        let mut s = self.cfg.log_file.clone().into_os_string();
        s.push(format!(".{n}"));
        PathBuf::from(s)
    }

    /// `setup_percentages`: turn percentages into MiB of the log's partition.
    pub fn setup_percentages(&mut self) {
        if !self.cfg.write_logs || !self.background {
            return;
        }
        let Some(f) = &self.file else { return };
        let calc = |pct: u32| -> u64 {
            match nix::sys::statfs::fstatfs(f) {
                Ok(s) => {
                    let free_blocks = (s.blocks() as f64 * (pct as f32 / 100.0) as f64) as u64;
                    (s.block_size() as u64 * free_blocks) / MEGABYTE
                }
                Err(_) => 0,
            }
        };
        if self.cfg.space_left_percent != 0 {
            self.cfg.space_left = calc(self.cfg.space_left_percent);
        }
        if self.cfg.admin_space_left_percent != 0 {
            self.cfg.admin_space_left = calc(self.cfg.admin_space_left_percent);
        }
        if self.cfg.space_left <= self.cfg.admin_space_left {
            msg(
                Level::Err,
                &format!(
                    "Error - space_left({}) must be larger than admin_space_left({})",
                    self.cfg.space_left, self.cfg.admin_space_left
                ),
            );
        }
    }

    /// `fix_disk_permissions`.
    pub fn fix_disk_permissions(&self) {
        let g = self.cfg.log_group;
        let file = self.log_file();
        let dir = PathBuf::from(crate::config::c_dirname(&file.to_string_lossy()));
        let _ = std::fs::set_permissions(
            &dir,
            std::fs::Permissions::from_mode(if g != 0 { 0o750 } else { 0o700 }),
        );
        let _ = nix::unistd::chown(&dir, Some(0.into()), Some(g.into()));
        for i in 1..self.cfg.num_logs {
            let r = std::fs::set_permissions(
                self.numbered(i),
                std::fs::Permissions::from_mode(if g != 0 { 0o440 } else { 0o400 }),
            );
            if matches!(&r, Err(e) if e.kind() == std::io::ErrorKind::NotFound) {
                break;
            }
        }
        let _ = std::fs::set_permissions(
            &file,
            std::fs::Permissions::from_mode(if g != 0 { 0o640 } else { 0o600 }),
        );
    }

    /// `open_audit_log`. Returns false on failure (messages given).
    fn open_log(&mut self) -> bool {
        if !self.cfg.write_logs {
            return true;
        }
        let path = self.log_file();
        let mut flags = libc::O_NOFOLLOW | libc::O_CLOEXEC;
        match self.cfg.flush {
            Flush::Data => flags |= libc::O_DSYNC,
            Flush::Sync => flags |= libc::O_SYNC,
            _ => {}
        }
        let open = || {
            std::fs::OpenOptions::new()
                .append(true)
                .custom_flags(flags)
                .open(&path)
        };
        let f = match open() {
            Ok(f) => match f.metadata() {
                Ok(m) => {
                    self.st.log_size = m.len();
                    f
                }
                Err(_) => return false,
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let old = nix::sys::stat::umask(nix::sys::stat::Mode::S_IRWXO);
                let created = std::fs::OpenOptions::new()
                    .append(true)
                    .create_new(true)
                    .mode(0o640)
                    .open(&path);
                nix::sys::stat::umask(old);
                if let Err(e) = created {
                    let t = strerror(errno_of(&e));
                    msg(
                        Level::Err,
                        &format!("Unable to create {} ({t})", path.display()),
                    );
                    msg(
                        Level::Crit,
                        &format!("Couldn't create log file {} ({t})", path.display()),
                    );
                    return false;
                }
                self.st.log_size = 0;
                match open() {
                    Ok(f) => f,
                    Err(e) => {
                        msg(
                            Level::Crit,
                            &format!(
                                "Couldn't open log file {} ({})",
                                path.display(),
                                strerror(errno_of(&e))
                            ),
                        );
                        return false;
                    }
                }
            }
            Err(e) => {
                msg(
                    Level::Crit,
                    &format!(
                        "Couldn't open log file {} ({})",
                        path.display(),
                        strerror(errno_of(&e))
                    ),
                );
                return false;
            }
        };
        let g = self.cfg.log_group;
        if let Err(e) = f.set_permissions(std::fs::Permissions::from_mode(if g != 0 {
            0o640
        } else {
            0o600
        })) {
            msg(
                Level::Err,
                &format!(
                    "Couldn't change permissions of log file ({})",
                    strerror(errno_of(&e))
                ),
            );
            return false;
        }
        if let Err(e) = nix::unistd::fchown(f.as_raw_fd(), Some(0.into()), Some(g.into())) {
            msg(
                Level::Err,
                &format!("Couldn't change ownership of log file ({})", e.desc()),
            );
            return false;
        }
        self.file = Some(Arc::new(f));
        true
    }

    fn close_log(&mut self) {
        self.flush_pending();
        self.file = None;
    }

    /// Whether records are currently written (not suspended, logging on).
    pub fn writing(&self) -> bool {
        !self.st.suspended && (self.cfg.write_logs || !self.background)
    }

    /// Appends one formatted line (without newline). auditd's `write_to_log`
    /// plus the per-record part of `handle_event`.
    pub fn write_record(&mut self, line: &[u8]) {
        if !self.writing() {
            return;
        }
        if self.background && self.file.is_none() {
            // Logging is on but the log could not be (re)opened: auditd's
            // fprintf on a NULL stream would fail; count it as a disk error.
            self.st.write_failures += 1;
            self.st.last_write_errno = libc::EBADF;
            self.do_disk_error_action("write", libc::EBADF);
            return;
        }
        self.pending.extend_from_slice(line);
        self.pending.push(b'\n');
        let n = line.len() as u64 + 1;
        self.st.records_written += 1;
        if self.background {
            self.st.log_size += n;
            self.check_log_file_size();
        }
        if matches!(self.cfg.flush, Flush::Incremental | Flush::IncrementalAsync)
            && self.cfg.freq > 0
        {
            self.count += 1;
            if self.count.is_multiple_of(self.cfg.freq as u64) {
                if self.cfg.flush == Flush::IncrementalAsync {
                    // The flusher thread fsyncs after the batch is written.
                    self.sync_due = true;
                } else {
                    self.flush_pending();
                    if self.background {
                        if let Some(f) = &self.file {
                            if let Err(e) = f.sync_all() {
                                self.do_disk_error_action("fsync", errno_of(&e));
                            }
                        }
                    }
                }
            }
        }
    }

    /// Writes what is buffered (end of a batch). Errors run the disk
    /// actions as auditd's failed `fprintf` does.
    pub fn flush_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let buf = std::mem::take(&mut self.pending);
        let res = if self.background {
            match &mut self.file {
                Some(f) => (&**f).write_all(&buf),
                None => Ok(()),
            }
        } else {
            let mut o = std::io::stdout().lock();
            o.write_all(&buf).and_then(|()| o.flush())
        };
        match res {
            Ok(()) => {
                self.st.bytes_written += buf.len() as u64;
                self.st.disk_err_warning = 0;
                if self.sync_due && self.background {
                    if let (Some(f), Some(fl)) = (&self.file, &self.flusher) {
                        fl.request(f);
                    }
                }
                self.sync_due = false;
                if self.background {
                    self.check_space_left();
                }
            }
            Err(e) if errno_of(&e) == libc::ENOSPC => {
                self.st.write_failures += 1;
                self.st.last_write_errno = libc::ENOSPC;
                if self.st.fs_space_left {
                    self.st.fs_space_left = false;
                    self.do_disk_full_action();
                }
            }
            Err(e) => {
                self.st.write_failures += 1;
                self.st.last_write_errno = errno_of(&e);
                self.do_disk_error_action("write", errno_of(&e));
            }
        }
        let mut buf = buf;
        buf.clear();
        if self.pending.is_empty() {
            self.pending = buf;
        }
    }

    /// `check_log_file_size`.
    fn check_log_file_size(&mut self) {
        if !self.cfg.write_logs || !self.background {
            return;
        }
        if self.st.log_size / MEGABYTE < self.cfg.max_log_file {
            return;
        }
        match self.cfg.max_log_file_action {
            SizeAction::Ignore => {}
            SizeAction::Syslog => msg(Level::Err, "Audit daemon log file is larger than max size"),
            SizeAction::Suspend => {
                msg(
                    Level::Err,
                    "Audit daemon is suspending logging due to logfile size.",
                );
                self.close_log();
                self.st.suspended = true;
            }
            SizeAction::Rotate => {
                if self.cfg.num_logs > 1 {
                    msg(Level::Notice, "Audit daemon rotating log files");
                    self.rotate_logs(0, false);
                }
            }
            SizeAction::KeepLogs => {
                msg(
                    Level::Notice,
                    "Audit daemon rotating log files with keep option",
                );
                self.shift_logs();
            }
        }
    }

    /// `check_space_left`.
    pub fn check_space_left(&mut self) {
        let Some(f) = &self.file else { return };
        let Ok(s) = nix::sys::statfs::fstatfs(f) else {
            return;
        };
        let avail = s.blocks_available();
        let bsize = (s.block_size() as u64).max(1);
        if avail < 5 {
            self.st.fs_space_left = false;
            self.do_disk_full_action();
            return;
        }
        let blocks = self.cfg.space_left * (MEGABYTE / bsize);
        if avail < blocks {
            if !self.st.fs_space_warning {
                self.do_space_left_action(false);
                if self.cfg.space_left_action != FailureAction::Rotate {
                    self.st.fs_space_warning = true;
                }
            }
        } else if self.st.fs_space_warning && self.cfg.space_left_action == FailureAction::Syslog {
            self.st.fs_space_warning = false;
        }
        let blocks = self.cfg.admin_space_left * (MEGABYTE / bsize);
        if avail < blocks {
            if !self.st.fs_admin_space_warning {
                self.do_space_left_action(true);
                if self.cfg.admin_space_left_action != FailureAction::Rotate {
                    self.st.fs_admin_space_warning = true;
                }
            }
        } else if self.st.fs_admin_space_warning
            && self.cfg.admin_space_left_action == FailureAction::Syslog
        {
            self.st.fs_admin_space_warning = false;
        }
    }

    fn suspend_closing(&mut self) {
        self.close_log();
        self.st.suspended = true;
    }

    fn exec(&mut self, exe: Option<PathBuf>) {
        match exe {
            Some(e) => self.actions.exec(&e),
            None => msg(Level::Alert, "Safe_exec passed NULL for program to execute"),
        }
    }

    fn do_space_left_action(&mut self, admin: bool) {
        let action = if admin {
            self.cfg.admin_space_left_action
        } else {
            self.cfg.space_left_action
        };
        match action {
            FailureAction::Ignore => {}
            FailureAction::Syslog => msg(
                Level::Alert,
                "Audit daemon is low on disk space for logging",
            ),
            FailureAction::Rotate => {
                if self.cfg.num_logs > 1 {
                    msg(Level::Notice, "Audit daemon rotating log files");
                    self.rotate_logs(0, false);
                }
            }
            FailureAction::Email => {
                let acct = self.cfg.action_mail_acct.clone();
                if admin {
                    self.actions.sendmail("Audit Admin Space Alert", "The audit daemon is very low on disk space for logging! Immediate action\nis required to ensure no loss of service.", &acct);
                    msg(
                        Level::Alert,
                        "Audit daemon is very low on disk space for logging",
                    );
                } else {
                    self.actions.sendmail("Audit Disk Space Alert", "The audit daemon is low on disk space for logging! Please take action\nto ensure no loss of service.", &acct);
                    msg(
                        Level::Alert,
                        "Audit daemon is low on disk space for logging",
                    );
                }
            }
            FailureAction::Exec => {
                self.suspend_closing();
                let exe = if admin {
                    self.cfg.admin_space_left_exe.clone()
                } else {
                    self.cfg.space_left_exe.clone()
                };
                self.exec(exe);
            }
            FailureAction::Suspend => {
                msg(
                    Level::Alert,
                    "Audit daemon is suspending logging due to low disk space.",
                );
                self.suspend_closing();
            }
            FailureAction::Single => {
                msg(
                    Level::Alert,
                    "The audit daemon is now changing the system to single user mode",
                );
                self.actions.change_runlevel("1");
            }
            FailureAction::Halt => {
                msg(Level::Alert, "The audit daemon is now halting the system");
                self.actions.change_runlevel("0");
            }
        }
    }

    fn do_disk_full_action(&mut self) {
        msg(
            Level::Alert,
            "Audit daemon has no space left on logging partition",
        );
        match self.cfg.disk_full_action {
            FailureAction::Ignore | FailureAction::Syslog | FailureAction::Email => {}
            FailureAction::Rotate => {
                if self.cfg.num_logs > 1 {
                    msg(Level::Notice, "Audit daemon rotating log files");
                    self.rotate_logs(0, false);
                }
            }
            FailureAction::Exec => {
                self.suspend_closing();
                let exe = self.cfg.disk_full_exe.clone();
                self.exec(exe);
            }
            FailureAction::Suspend => {
                msg(
                    Level::Alert,
                    "Audit daemon is suspending logging due to no space left on logging partition.",
                );
                self.suspend_closing();
            }
            FailureAction::Single => {
                msg(Level::Alert, "The audit daemon is now changing the system to single user mode due to no space left on logging partition");
                self.actions.change_runlevel("1");
            }
            FailureAction::Halt => {
                msg(Level::Alert, "The audit daemon is now halting the system due to no space left on logging partition");
                self.actions.change_runlevel("0");
            }
        }
    }

    fn do_disk_error_action(&mut self, func: &str, err: i32) {
        match self.cfg.disk_error_action {
            FailureAction::Ignore | FailureAction::Rotate | FailureAction::Email => {}
            FailureAction::Syslog => {
                if self.st.disk_err_warning < 5 {
                    msg(
                        Level::Alert,
                        &format!(
                            "{func}: Audit daemon detected an error writing an event to disk ({})",
                            strerror(err)
                        ),
                    );
                    self.st.disk_err_warning += 1;
                }
            }
            FailureAction::Exec => {
                self.suspend_closing();
                let exe = self.cfg.disk_error_exe.clone();
                self.exec(exe);
            }
            FailureAction::Suspend => {
                msg(
                    Level::Alert,
                    "Audit daemon is suspending logging due to previously mentioned write error",
                );
                self.suspend_closing();
            }
            FailureAction::Single => {
                msg(Level::Alert, "The audit daemon is now changing the system to single user mode due to previously mentioned write error");
                self.actions.change_runlevel("1");
            }
            FailureAction::Halt => {
                msg(Level::Alert, "The audit daemon is now halting the system due to previously mentioned write error.");
                self.actions.change_runlevel("0");
            }
        }
    }

    /// SIGUSR1 (`rotate_logs_now`).
    pub fn rotate_now(&mut self) {
        self.flush_pending();
        if self.cfg.max_log_file_action == SizeAction::KeepLogs {
            self.shift_logs();
        } else {
            self.rotate_logs(0, false);
        }
    }

    /// `check_excess_logs`: remove logs beyond `num_logs`.
    pub fn check_excess_logs(&self) {
        if self.cfg.max_log_file_action != SizeAction::Rotate || self.cfg.num_logs < 2 {
            return;
        }
        let mut i = self.cfg.num_logs;
        loop {
            let name = self.numbered(i);
            i += 1;
            if std::fs::remove_file(&name).is_err() {
                break;
            }
            msg(
                Level::Notice,
                &format!(
                    "Log {} removed as it exceeds num_logs parameter",
                    name.display()
                ),
            );
        }
    }

    /// `rotate_logs`.
    fn rotate_logs(&mut self, num_logs: u32, keep_logs: bool) {
        if self.cfg.num_logs < 2 && !keep_logs {
            msg(
                Level::Notice,
                "Log rotation disabled (num_logs < 2), skipping",
            );
            return;
        }
        self.flush_pending();
        let g = self.cfg.log_group;
        if let Some(f) = &self.file {
            if let Err(e) = f.set_permissions(std::fs::Permissions::from_mode(if g != 0 {
                0o440
            } else {
                0o400
            })) {
                msg(
                    Level::Warning,
                    &format!(
                        "Couldn't change permissions while rotating log file ({})",
                        strerror(errno_of(&e))
                    ),
                );
            }
            if let Err(e) = nix::unistd::fchown(f.as_raw_fd(), Some(0.into()), Some(g.into())) {
                msg(
                    Level::Warning,
                    &format!(
                        "Couldn't change ownership while rotating log file ({})",
                        e.desc()
                    ),
                );
            }
        }
        self.file = None;
        let num = if num_logs == 0 {
            self.cfg.num_logs
        } else {
            num_logs
        };
        let mut oldname = self.numbered(1);
        self.st.known_logs = 0;
        let mut i = num as i64 - 1;
        while i > 1 {
            oldname = self.numbered((i - 1) as u32);
            let newname = self.numbered(i as u32);
            match std::fs::rename(&oldname, &newname) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    let errno = errno_of(&e);
                    msg(
                        Level::Err,
                        &format!(
                            "Error rotating logs from {} to {} ({})",
                            oldname.display(),
                            newname.display(),
                            strerror(errno)
                        ),
                    );
                    if errno == libc::ENOSPC && self.st.fs_space_left {
                        self.st.fs_space_left = false;
                        self.do_disk_full_action();
                    } else {
                        self.do_disk_error_action("rotate", errno);
                    }
                }
                Ok(()) if self.st.known_logs == 0 => self.st.known_logs = (i + 1) as u32,
                _ => {}
            }
            i -= 1;
        }
        let log = self.log_file();
        if let Err(e) = std::fs::rename(&log, &oldname) {
            if e.kind() != std::io::ErrorKind::NotFound {
                let errno = errno_of(&e);
                msg(
                    Level::Err,
                    &format!(
                        "Error rotating logs from {} to {} ({})",
                        log.display(),
                        oldname.display(),
                        strerror(errno)
                    ),
                );
                if errno == libc::ENOSPC && self.st.fs_space_left {
                    self.st.fs_space_left = false;
                    self.do_disk_full_action();
                } else {
                    self.do_disk_error_action("rotate2", errno);
                }
                let _ = std::fs::set_permissions(
                    &log,
                    std::fs::Permissions::from_mode(if g != 0 { 0o640 } else { 0o600 }),
                );
            }
        }
        if !self.open_log() {
            msg(Level::Crit, "Could not reopen a log after rotating.");
            self.st.suspended = true;
            self.do_disk_error_action("reopen", libc::EIO);
        }
    }

    /// `shift_logs` (keep_logs).
    fn shift_logs(&mut self) {
        let base = self.cfg.log_file.clone().into_os_string();
        let exists = |n: u32| {
            let mut s = base.clone();
            s.push(format!(".{n}"));
            nix::unistd::access(Path::new(&s), nix::unistd::AccessFlags::R_OK).is_ok()
        };
        let mut num = self.last_log;
        while num > 0 && exists(num) {
            num += 1;
        }
        self.st.known_logs = num;
        if num <= self.last_log && self.last_log > 1 {
            msg(
                Level::Warning,
                &format!(
                    "Last known log disappeared ({})",
                    self.numbered(num).display()
                ),
            );
            num = 1;
            self.last_log = 1;
            while exists(num) {
                num += 1;
            }
            msg(
                Level::Info,
                &format!("Next log to use will be {}", self.numbered(num).display()),
            );
        }
        self.last_log = num;
        self.rotate_logs(num + 1, true);
    }

    /// SIGUSR2 (`resume_logging`).
    pub fn resume(&mut self) {
        msg(
            Level::Notice,
            "Audit daemon is attempting to resume logging.",
        );
        self.st.suspended = false;
        self.st.fs_space_left = true;
        if self.file.is_none() && self.background {
            self.fix_disk_permissions();
            if !self.open_log() {
                msg(
                    Level::Warning,
                    "Could not reopen a log after resume logging",
                );
                self.st.suspended = true;
                self.do_disk_error_action("resume", libc::EIO);
            } else {
                self.check_log_file_size();
            }
            msg(Level::Notice, "Audit daemon resumed logging.");
        }
        self.st.disk_err_warning = 0;
        self.st.fs_space_warning = false;
        self.st.fs_admin_space_warning = false;
    }

    /// SIGHUP: applies a new configuration (auditd's `reconfigure`, log part).
    pub fn reconfigure(&mut self, n: Config) {
        self.flush_pending();
        let o = self.cfg.clone();
        let mut need_reopen = false;
        let mut need_space = false;
        self.cfg.disk_error_action = n.disk_error_action;
        self.cfg.disk_error_exe = n.disk_error_exe.clone();
        self.st.disk_err_warning = 0;
        self.cfg.num_logs = n.num_logs;
        self.cfg.freq = n.freq;
        self.cfg.priority_boost = n.priority_boost;
        self.cfg.log_format = n.log_format;
        if o.write_logs != n.write_logs && self.background {
            self.cfg.write_logs = n.write_logs;
            need_reopen = true;
        }
        if o.log_group != n.log_group {
            self.cfg.log_group = n.log_group;
            need_reopen = true;
        }
        self.cfg.action_mail_acct = n.action_mail_acct.clone();
        if o.name_format != n.name_format
            || (o.name.is_some() && n.name.is_some() && o.name != n.name)
        {
            self.cfg.name_format = n.name_format;
            self.cfg.name = n.name.clone();
        }
        self.cfg.distribute_network = n.distribute_network;
        // auditd_tcp_listen_reconfigure: what changes without a restart.
        self.cfg.tcp_client_min_port = n.tcp_client_min_port;
        self.cfg.tcp_client_max_port = n.tcp_client_max_port;
        self.cfg.tcp_max_per_addr = n.tcp_max_per_addr;
        self.cfg.tcp_client_max_idle = n.tcp_client_max_idle;
        self.cfg.use_libwrap = n.use_libwrap;
        self.cfg.tcp_client_timeout = n.tcp_client_timeout;
        self.cfg.q_depth = n.q_depth;
        self.cfg.overflow_action = n.overflow_action;
        self.cfg.max_restarts = n.max_restarts;
        self.cfg.plugin_dir = n.plugin_dir.clone();
        if o.max_log_file_action != n.max_log_file_action || o.max_log_file != n.max_log_file {
            self.cfg.max_log_file_action = n.max_log_file_action;
            self.cfg.max_log_file = n.max_log_file;
            self.st.suspended = false;
            self.check_log_file_size();
        }
        if o.flush != n.flush {
            self.cfg.flush = n.flush;
            need_reopen = true;
        }
        if o.log_file != n.log_file {
            self.cfg.log_file = n.log_file.clone();
            need_reopen = true;
            need_space = true;
        }
        if need_reopen {
            self.close_log();
            self.fix_disk_permissions();
            if !self.open_log() {
                msg(Level::Err, "Could not reopen a log after reconfigure");
                self.st.suspended = true;
                self.do_disk_error_action("reconfig", libc::EIO);
            } else {
                self.st.suspended = false;
                self.check_log_file_size();
            }
        }
        if o.space_left != n.space_left
            || o.space_left_percent != n.space_left_percent
            || o.space_left_action != n.space_left_action
            || (n.space_left_exe.is_some() && o.space_left_exe != n.space_left_exe)
            || o.admin_space_left != n.admin_space_left
            || o.admin_space_left_percent != n.admin_space_left_percent
            || o.admin_space_left_action != n.admin_space_left_action
            || (n.admin_space_left_exe.is_some()
                && o.admin_space_left_exe != n.admin_space_left_exe)
            || o.disk_full_action != n.disk_full_action
            || (n.disk_full_exe.is_some() && o.disk_full_exe != n.disk_full_exe)
        {
            need_space = true;
        }
        self.cfg.space_left = n.space_left;
        self.cfg.space_left_percent = n.space_left_percent;
        self.cfg.space_left_action = n.space_left_action;
        self.cfg.admin_space_left = n.admin_space_left;
        self.cfg.admin_space_left_percent = n.admin_space_left_percent;
        self.cfg.admin_space_left_action = n.admin_space_left_action;
        self.cfg.disk_full_action = n.disk_full_action;
        if n.space_left_exe.is_some() || o.space_left_exe.is_some() {
            self.cfg.space_left_exe = n.space_left_exe.clone();
        }
        if n.admin_space_left_exe.is_some() || o.admin_space_left_exe.is_some() {
            self.cfg.admin_space_left_exe = n.admin_space_left_exe.clone();
        }
        if n.disk_full_exe.is_some() || o.disk_full_exe.is_some() {
            self.cfg.disk_full_exe = n.disk_full_exe.clone();
        }
        if need_space {
            let saved = self.st.suspended;
            self.setup_percentages();
            self.st.fs_space_warning = false;
            self.st.fs_admin_space_warning = false;
            self.st.fs_space_left = true;
            self.st.suspended = false;
            self.check_excess_logs();
            self.check_space_left();
            if !self.st.suspended {
                self.st.suspended = saved;
            }
        }
    }

    /// The logging part of the state report (`write_logging_state`).
    pub fn write_state(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = writeln!(
            out,
            "writing to logs = {}",
            if self.cfg.write_logs { "yes" } else { "no" }
        );
        if !(self.background && self.cfg.write_logs) {
            return;
        }
        let yn = |b: bool| if b { "yes" } else { "no" };
        let _ = writeln!(out, "current log size = {} KB", self.st.log_size / 1024);
        let _ = writeln!(out, "max log size = {} KB", self.cfg.max_log_file * 1024);
        let _ = writeln!(
            out,
            "logs detected last rotate/shift = {}",
            self.st.known_logs
        );
        let _ = writeln!(
            out,
            "space left on partition = {}",
            yn(self.st.fs_space_left)
        );
        if let Some(Ok(s)) = self.file.as_ref().map(nix::sys::statfs::fstatfs) {
            let _ = writeln!(
                out,
                "Logging partition free space {} MB",
                s.blocks_available() * s.block_size() as u64 / MEGABYTE
            );
            let _ = writeln!(out, "space_left setting {} MB", self.cfg.space_left);
            let _ = writeln!(
                out,
                "admin_space_left setting {} MB",
                self.cfg.admin_space_left
            );
        }
        let _ = writeln!(out, "logging suspended = {}", yn(self.st.suspended));
        let _ = writeln!(
            out,
            "file system space action performed = {}",
            yn(self.st.fs_space_warning)
        );
        let _ = writeln!(
            out,
            "admin space action performed = {}",
            yn(self.st.fs_admin_space_warning)
        );
        let _ = writeln!(
            out,
            "disk error detected = {}",
            yn(self.st.disk_err_warning > 0)
        );
    }

    /// Writes out and syncs everything (shutdown).
    pub fn shutdown(&mut self) {
        self.flush_pending();
        if let Some(f) = &self.file {
            let _ = f.sync_all();
        }
        self.file = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<String>>>);
    impl Actions for Recorder {
        fn exec(&mut self, exe: &Path) {
            self.0
                .lock()
                .unwrap()
                .push(format!("exec {}", exe.display()));
        }
        fn change_runlevel(&mut self, level: &str) {
            self.0.lock().unwrap().push(format!("init {level}"));
        }
        fn sendmail(&mut self, s: &str, _b: &str, a: &str) {
            self.0.lock().unwrap().push(format!("mail {a} {s}"));
        }
    }

    fn tmpdir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("raudit-writer-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn rotates_by_size_and_on_request() {
        crate::log::quiet();
        let d = tmpdir("rot");
        let cfg = Config {
            log_file: d.join("audit.log"),
            max_log_file: 1,
            max_log_file_action: SizeAction::Rotate,
            num_logs: 3,
            space_left: 1,
            ..Config::default()
        };
        let mut w = LogWriter::new(cfg, true, Box::new(Recorder::default()));
        assert!(w.init());
        let line = vec![b'x'; 1023];
        for _ in 0..1500 {
            w.write_record(&line);
        }
        w.flush_pending();
        assert!(d.join("audit.log.1").exists());
        let m = std::fs::metadata(d.join("audit.log.1")).unwrap();
        assert_eq!(m.len(), 1024 * 1024);
        assert_eq!(m.permissions().mode() & 0o777, 0o400);
        let m = std::fs::metadata(d.join("audit.log")).unwrap();
        assert_eq!(m.len(), 476 * 1024);
        assert_eq!(m.permissions().mode() & 0o777, 0o600);
        w.rotate_now();
        w.rotate_now();
        assert!(d.join("audit.log.2").exists());
        assert!(!d.join("audit.log.3").exists());
        assert_eq!(std::fs::metadata(d.join("audit.log")).unwrap().len(), 0);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn keep_logs_shifts_without_limit() {
        crate::log::quiet();
        let d = tmpdir("keep");
        let cfg = Config {
            log_file: d.join("audit.log"),
            max_log_file_action: SizeAction::KeepLogs,
            max_log_file: 100,
            num_logs: 2,
            space_left: 1,
            ..Config::default()
        };
        let mut w = LogWriter::new(cfg, true, Box::new(Recorder::default()));
        assert!(w.init());
        for i in 0..4 {
            w.write_record(format!("r{i}").as_bytes());
            w.rotate_now();
        }
        for n in 1..=4 {
            assert!(d.join(format!("audit.log.{n}")).exists(), "{n}");
        }
        assert_eq!(std::fs::read(d.join("audit.log.1")).unwrap(), b"r3\n");
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn space_actions_run_through_the_override() {
        crate::log::quiet();
        let d = tmpdir("space");
        // Thresholds no disk can satisfy: every action fires at open.
        let rec = Recorder::default();
        let cfg = Config {
            log_file: d.join("audit.log"),
            space_left: u64::MAX / (2 * MEGABYTE),
            space_left_action: FailureAction::Single,
            admin_space_left: u64::MAX / (4 * MEGABYTE),
            admin_space_left_action: FailureAction::Halt,
            ..Config::default()
        };
        let mut w = LogWriter::new(cfg, true, Box::new(rec.clone()));
        assert!(w.init());
        assert_eq!(*rec.0.lock().unwrap(), ["init 1", "init 0"]);
        assert!(w.state().fs_space_warning && w.state().fs_admin_space_warning);
        // Suspend closes the log; SIGUSR2 reopens it.
        let cfg2 = Config {
            space_left_action: FailureAction::Suspend,
            ..w.cfg.clone()
        };
        w.reconfigure(cfg2);
        assert!(w.state().suspended);
        w.write_record(b"dropped");
        w.resume();
        assert!(!w.state().suspended);
        w.write_record(b"kept");
        w.flush_pending();
        assert_eq!(std::fs::read(d.join("audit.log")).unwrap(), b"kept\n");
        let _ = std::fs::remove_dir_all(&d);
    }
}
