//! `raudit ctl`: auditctl 3.0.9, speaking NETLINK_AUDIT natively.
//!
//! Parsing is `raudit_rules::parse` (pure); this module runs the kernel
//! operations it asks for, prints replies exactly as auditctl does and
//! reproduces its exit codes. One deliberate difference: under `-R`,
//! auditctl sends most messages only to syslog; raudit also prints them on
//! stderr, so a bad line is never silent.

use std::cell::{Cell, RefCell};
use std::ffi::{CString, OsString};
use std::io::Write;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;

use raudit_netlink::{has_capability, strerror, AuditSocket, NetlinkError, CAP_AUDIT_CONTROL};
use raudit_rules::file::{lines, Line};
use raudit_rules::{
    format_features, format_status, parse, Channel, Env, Lister, Op, Outcome, Parsed, RuleError,
    RuleOp, Signal,
};
use raudit_tables::Machine;
use raudit_wire::consts::*;
use raudit_wire::AuditRuleData;

const USAGE: &str = "usage: auditctl [options]
    -a <l,a>                          Append rule to end of <l>ist with <a>ction
    -A <l,a>                          Add rule at beginning of <l>ist with <a>ction
    -b <backlog>                      Set max number of outstanding audit buffers
                                      allowed Default=64
    -c                                Continue through errors in rules
    -C f=f                            Compare collected fields if available:
                                      Field name, operator(=,!=), field name
    -d <l,a>                          Delete rule from <l>ist with <a>ction
                                      l=task,exit,user,exclude,filesystem
                                      a=never,always
    -D                                Delete all rules and watches
    -e [0..2]                         Set enabled flag
    -f [0..2]                         Set failure flag
                                      0=silent 1=printk 2=panic
    -F f=v                            Build rule: field name, operator(=,!=,<,>,<=,
                                      >=,&,&=) value
    -h                                Help
    -i                                Ignore errors when reading rules from file
    -k <key>                          Set filter key on audit rule
    -l                                List rules
    -m text                           Send a user-space message
    -p [r|w|x|a]                      Set permissions filter on watch
                                      r=read, w=write, x=execute, a=attribute
    -q <mount,subtree>                make subtree part of mount point's dir watches
    -r <rate>                         Set limit in messages/sec (0=none)
    -R <file>                         read rules from file
    -s                                Report status
    -S syscall                        Build rule: syscall name or number
    --signal <signal>                 Send the specified signal to the daemon
    -t                                Trim directory watches
    -v                                Version
    -w <path>                         Insert watch at <path>
    -W <path>                         Remove watch at <path>
    --loginuid-immutable              Make loginuids unchangeable once set
    --backlog_wait_time               Set the kernel backlog_wait_time
    --reset-lost                      Reset the lost record counter
    --reset_backlog_wait_time_actual  Reset the actual backlog wait time counter
";

/// The host, as the rule parser sees it.
struct HostEnv {
    features: Cell<Option<u32>>,
}

fn host_machine() -> Option<Machine> {
    // SAFETY: utsname is plain data and uname fills it.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointer to a utsname.
    if unsafe { libc::uname(&mut u) } != 0 {
        return None;
    }
    let bytes: Vec<u8> = u
        .machine
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    std::str::from_utf8(&bytes)
        .ok()
        .and_then(Machine::from_name)
}

fn lookup_id(name: &[u8], user: bool) -> Option<u32> {
    let cname = CString::new(name).ok()?;
    let mut buf = vec![0u8; 16384];
    if user {
        // SAFETY: passwd is plain data; getpwnam_r writes into pw and buf
        // within the lengths passed and sets result.
        unsafe {
            let mut pw: libc::passwd = std::mem::zeroed();
            let mut result: *mut libc::passwd = std::ptr::null_mut();
            let rc = libc::getpwnam_r(
                cname.as_ptr(),
                &mut pw,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut result,
            );
            (rc == 0 && !result.is_null()).then_some(pw.pw_uid)
        }
    } else {
        // SAFETY: as above for group.
        unsafe {
            let mut gr: libc::group = std::mem::zeroed();
            let mut result: *mut libc::group = std::ptr::null_mut();
            let rc = libc::getgrnam_r(
                cname.as_ptr(),
                &mut gr,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut result,
            );
            (rc == 0 && !result.is_null()).then_some(gr.gr_gid)
        }
    }
}

impl Env for HostEnv {
    fn host_machine(&self) -> Option<Machine> {
        host_machine()
    }
    fn features(&self) -> u32 {
        if let Some(f) = self.features.get() {
            return f;
        }
        let f = AuditSocket::open()
            .and_then(|mut s| s.get_status())
            .ok()
            .and_then(|s| s.feature_bitmap)
            .unwrap_or(0);
        self.features.set(Some(f));
        f
    }
    fn uid_by_name(&self, name: &[u8]) -> Option<u32> {
        lookup_id(name, true)
    }
    fn gid_by_name(&self, name: &[u8]) -> Option<u32> {
        lookup_id(name, false)
    }
    fn is_dir(&self, path: &[u8]) -> bool {
        std::fs::metadata(std::ffi::OsStr::from_bytes(path)).is_ok_and(|m| m.is_dir())
    }
}

/// Where messages go (`MSG_STDERR` or `MSG_SYSLOG`).
struct Ctx {
    syslog: bool,
    ignore: bool,
    continue_error: i32,
    sock: RefCell<Option<AuditSocket>>,
    /// A status reply is expected (after -e/-f/-r/-b/--backlog_wait_time).
    pending_status: bool,
    /// errno of the last failing kernel request.
    last_errno: i32,
}

fn out(bytes: &[u8]) {
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(bytes);
    let _ = o.flush();
}

fn syslog_msg(priority: libc::c_int, text: &str) {
    if let Ok(c) = CString::new(text) {
        // SAFETY: "%s" with one valid C string argument.
        unsafe { libc::syslog(priority, c"%s".as_ptr(), c.as_ptr()) };
    }
}

impl Ctx {
    /// libaudit's `audit_msg`.
    fn msg(&self, priority: libc::c_int, text: &str) {
        if self.syslog {
            syslog_msg(priority, text);
        }
        eprintln!("{text}");
    }

    fn diag(&self, d: &RuleError) {
        match d.channel() {
            Channel::Stderr => eprintln!("{d}"),
            Channel::AuditMsg => self.msg(
                if d.is_warning() {
                    libc::LOG_WARNING
                } else {
                    libc::LOG_ERR
                },
                &d.to_string(),
            ),
        }
    }

    fn with_sock<T>(
        &mut self,
        f: impl FnOnce(&mut AuditSocket) -> Result<T, NetlinkError>,
    ) -> Result<T, NetlinkError> {
        let mut guard = self.sock.borrow_mut();
        if guard.is_none() {
            match AuditSocket::open() {
                Ok(s) => *guard = Some(s),
                Err(e) => {
                    drop(guard);
                    match &e {
                        NetlinkError::NoAuditSupport => {
                            self.msg(libc::LOG_ERR, "Error - audit support not in kernel")
                        }
                        _ => self.msg(
                            libc::LOG_ERR,
                            &format!(
                                "Error opening audit netlink socket ({})",
                                strerror(e.errno().unwrap_or(libc::EIO))
                            ),
                        ),
                    }
                    return Err(e);
                }
            }
        }
        let Some(sock) = guard.as_mut() else {
            return Err(NetlinkError::NoAuditSupport);
        };
        let r = f(sock);
        if let Err(e) = &r {
            self.last_errno = e.errno().unwrap_or(libc::EIO);
        }
        r
    }

    /// Report a failed request the way libaudit does: `what (strerror)`,
    /// demoted when the audit system is unreachable.
    fn report(&self, what: &str, e: &NetlinkError) {
        let errno = e.errno().unwrap_or(libc::EIO);
        if errno == libc::ECONNREFUSED {
            return;
        }
        self.msg(libc::LOG_WARNING, &format!("{what} ({})", strerror(errno)));
    }

    /// libaudit's `audit_is_enabled` check before changing rules: 0 = not
    /// ready (auditctl then exits 0).
    fn is_ready(&mut self) -> bool {
        match self.with_sock(|s| s.get_status()) {
            Ok(st) if st.enabled == 2 => {
                self.msg(
                    libc::LOG_ERR,
                    "The audit system is in immutable mode, no rule changes allowed",
                );
                false
            }
            Err(e) if e.errno() == Some(libc::ECONNREFUSED) => {
                self.msg(libc::LOG_ERR, "The audit system is disabled");
                false
            }
            _ => true,
        }
    }

    fn print_status(&mut self, interpret: bool) -> bool {
        match self.with_sock(|s| s.get_status()) {
            Ok(st) => out(format_status(&st, interpret).as_bytes()),
            Err(e) => {
                if e.errno() == Some(libc::ECONNREFUSED) {
                    eprintln!("The audit system is disabled");
                } else {
                    self.report("Error sending status request", &e);
                }
                return false;
            }
        }
        match self.with_sock(|s| s.get_features()) {
            Ok(f) => out(format_features(&f).as_bytes()),
            Err(e) if e.errno() == Some(libc::EINVAL) => {}
            Err(e) => {
                self.report("Error getting feature", &e);
                return false;
            }
        }
        true
    }

    fn list(&mut self, key: Option<&[u8]>, interpret: bool) -> bool {
        match self.with_sock(|s| s.list_rules()) {
            Ok(rules) => {
                out(&Lister::new(host_machine(), interpret).list(&rules, key));
                true
            }
            Err(e) => {
                if e.errno() != Some(libc::EINVAL) {
                    self.report("Error sending rule list data request", &e);
                }
                false
            }
        }
    }

    fn delete_all(&mut self, key: Option<&[u8]>) -> bool {
        let rules = match self.with_sock(|s| s.list_rules()) {
            Ok(r) => r,
            Err(e) => {
                self.report("Error sending rule list data request", &e);
                return false;
            }
        };
        for r in rules
            .iter()
            .filter(|r| key.is_none_or(|k| raudit_rules::print::key_matches(r, k)))
        {
            if let Err(e) = self.with_sock(|s| s.delete_rule(r)) {
                self.msg(
                    libc::LOG_ERR,
                    &format!(
                        "Error deleting rule ({})",
                        strerror(e.errno().unwrap_or(libc::EIO))
                    ),
                );
                return false;
            }
        }
        self.list(key, false);
        true
    }

    fn user_message(&mut self, text: &[u8]) -> bool {
        let exe = std::fs::read_link("/proc/self/exe")
            .map(|p| p.into_os_string().into_vec())
            .unwrap_or_else(|_| b"?".to_vec());
        let exe = encode_value(&exe);
        let tty = tty_name();
        let hostname = tty
            .as_deref()
            .filter(|t| {
                t.starts_with(b"pts") || t.starts_with(b"tty") || t.starts_with(b"/dev/tty")
            })
            .and_then(|_| {
                let mut buf = [0u8; 64];
                // SAFETY: buf is valid for its length.
                let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) };
                (rc == 0).then(|| {
                    buf.iter()
                        .take_while(|&&c| c != 0)
                        .copied()
                        .collect::<Vec<u8>>()
                })
            });
        let mut m = b"text=".to_vec();
        m.extend_from_slice(text);
        m.extend_from_slice(b" exe=");
        m.extend_from_slice(&exe);
        m.extend_from_slice(b" hostname=");
        m.extend_from_slice(hostname.as_deref().unwrap_or(b"?"));
        m.extend_from_slice(b" addr=? terminal=");
        m.extend_from_slice(tty.as_deref().unwrap_or(b"?"));
        m.extend_from_slice(b" res=success");
        m.truncate(MAX_AUDIT_MESSAGE_LENGTH - 1);
        match self.with_sock(|s| s.send_user_message(AUDIT_USER, &m)) {
            Ok(()) => true,
            Err(e) => {
                self.report("Error sending user message", &e);
                false
            }
        }
    }

    fn signal(&mut self, sig: Signal) -> bool {
        let st = match self.with_sock(|s| s.get_status()) {
            Ok(st) => st,
            Err(e) => {
                if e.errno() == Some(libc::ECONNREFUSED) {
                    self.msg(libc::LOG_INFO, "The audit system is disabled");
                }
                return false;
            }
        };
        if st.pid == 0 {
            self.msg(libc::LOG_INFO, "Auditd is not running");
            return true;
        }
        let signo = match sig {
            Signal::Term => libc::SIGTERM,
            Signal::Hup => libc::SIGHUP,
            Signal::Usr1 => libc::SIGUSR1,
            Signal::Usr2 => libc::SIGUSR2,
            Signal::Cont => libc::SIGCONT,
        };
        // SAFETY: kill with a pid from the kernel and a valid signal.
        if unsafe { libc::kill(st.pid as libc::pid_t, signo) } < 0 {
            let e = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
            self.msg(
                libc::LOG_WARNING,
                &format!("Failed sending signal to auditd ({})", strerror(e)),
            );
            return false;
        }
        true
    }

    /// Run one operation; false if it failed (the line then fails).
    fn run_op(&mut self, op: &Op) -> bool {
        match op {
            Op::Help => {
                out(USAGE.as_bytes());
                false
            }
            Op::Ignore => {
                self.ignore = true;
                true
            }
            Op::Continue => {
                self.ignore = true;
                self.continue_error = 1;
                true
            }
            Op::Status { interpret } => self.print_status(*interpret),
            Op::SetEnabled(v) => {
                self.set(*v, "Error sending enable request", |s, v| s.set_enabled(v))
            }
            Op::SetFailure(v) => self.set(*v, "Error sending failure mode request", |s, v| {
                s.set_failure(v)
            }),
            Op::SetRateLimit(v) => self.set(*v, "Error sending rate limit request", |s, v| {
                s.set_rate_limit(v)
            }),
            Op::SetBacklogLimit(v) => {
                self.set(*v, "Error sending backlog limit request", |s, v| {
                    s.set_backlog_limit(v)
                })
            }
            Op::SetBacklogWaitTime(v) => {
                self.set(*v, "Error sending backlog limit request", |s, v| {
                    s.set_backlog_wait_time(v)
                })
            }
            Op::List { key, interpret } => self.list(key.as_deref(), *interpret),
            Op::DeleteAll { key } => self.delete_all(key.as_deref()),
            Op::Message(text) => self.user_message(text),
            Op::MakeEquiv { mount, subtree } => {
                match self.with_sock(|s| s.make_equivalent(mount, subtree)) {
                    Ok(()) => true,
                    Err(e) => {
                        self.report("Error sending make_equivalent command", &e);
                        false
                    }
                }
            }
            Op::Trim => match self.with_sock(|s| s.trim_subtrees()) {
                Ok(()) => true,
                Err(e) => {
                    self.report("Error sending trim subtrees command", &e);
                    false
                }
            },
            Op::Version => {
                out(b"auditctl version 3.0.9\n");
                true
            }
            Op::LoginuidImmutable => {
                match self
                    .with_sock(|s| s.set_feature(AUDIT_FEATURE_LOGINUID_IMMUTABLE, true, true))
                {
                    Ok(()) => true,
                    Err(e) => {
                        self.report("Error setting feature", &e);
                        false
                    }
                }
            }
            Op::ResetLost => {
                let feat = self
                    .with_sock(|s| s.get_status())
                    .ok()
                    .and_then(|s| s.feature_bitmap)
                    .unwrap_or(0);
                if feat & AUDIT_FEATURE_BITMAP_LOST_RESET == 0 {
                    eprintln!("Field option not supported by kernel: reset-lost");
                    return false;
                }
                match self.with_sock(|s| s.reset_lost()) {
                    Ok(v) => {
                        self.msg(libc::LOG_INFO, &format!("lost: {v}"));
                        true
                    }
                    Err(e) => {
                        self.report("Error sending lost reset request", &e);
                        false
                    }
                }
            }
            Op::ResetBacklogWaitTimeActual => {
                match self.with_sock(|s| s.reset_backlog_wait_time_actual()) {
                    Ok(v) => {
                        self.msg(libc::LOG_INFO, &format!("backlog_wait_time_actual: {v}"));
                        true
                    }
                    Err(e) => {
                        self.report("Error sending backlog wait time actual reset request", &e);
                        false
                    }
                }
            }
            Op::Signal(sig) => self.signal(*sig),
        }
    }

    fn set(
        &mut self,
        v: u32,
        what: &str,
        f: impl FnOnce(&mut AuditSocket, u32) -> Result<(), NetlinkError>,
    ) -> bool {
        match self.with_sock(|s| f(s, v)) {
            Ok(()) => {
                self.pending_status = true;
                true
            }
            Err(e) => {
                self.report(what, &e);
                false
            }
        }
    }

    fn send_rule(&mut self, op: RuleOp, rule: &AuditRuleData) -> bool {
        let what = match op {
            RuleOp::Add => "Error sending add rule data request",
            RuleOp::Delete => "Error sending delete rule data request",
        };
        let send = |s: &mut AuditSocket, r: &AuditRuleData| match op {
            RuleOp::Add => s.add_rule(r),
            RuleOp::Delete => s.delete_rule(r),
        };
        match self.with_sock(|s| send(s, rule)) {
            Ok(()) => true,
            Err(e) => {
                let errno = e.errno().unwrap_or(libc::EIO);
                if errno == libc::EINVAL
                    && rule.fields.first().is_some_and(|f| f.field == AUDIT_DIR)
                {
                    // Legacy kernels: retry a directory watch as a file watch.
                    let mut r = rule.clone();
                    if let Some(f) = r.fields.first_mut() {
                        f.field = AUDIT_WATCH;
                    }
                    return self.with_sock(|s| send(s, &r)).is_ok();
                }
                let text = if errno == libc::EEXIST {
                    "Rule exists".to_string()
                } else {
                    strerror(errno)
                };
                self.msg(libc::LOG_ERR, &format!("{what} ({text})"));
                false
            }
        }
    }

    /// Run a parsed line: its operations, then its outcome (auditctl's
    /// `setopt` tail and `handle_request`). Returns 0 or -1; `None` for a
    /// deprecated form that is silently eaten.
    fn run(&mut self, p: &Parsed, cmdline: bool) -> Option<i32> {
        let mut d = 0;
        for (i, op) in p.ops.iter().enumerate() {
            while d < p.diags.len() && p.diag_ops.get(d).is_some_and(|&n| n <= i) {
                self.diag(&p.diags[d]);
                d += 1;
            }
            if !self.run_op(op) {
                if self.last_errno == libc::ECONNREFUSED {
                    self.msg(libc::LOG_ERR, "The audit system is disabled");
                }
                return Some(-1);
            }
        }
        for diag in &p.diags[d..] {
            self.diag(diag);
        }
        match &p.outcome {
            Outcome::Deprecated => None,
            Outcome::Error => Some(-1),
            Outcome::Done => Some(0),
            Outcome::Reply => {
                if p.syscall_added {
                    self.msg(libc::LOG_ERR, "Error - no list specified");
                    return Some(-1);
                }
                if self.pending_status {
                    self.pending_status = false;
                    if let Ok(st) = self.with_sock(|s| s.get_status()) {
                        out(format_status(&st, false).as_bytes());
                    }
                }
                Some(0)
            }
            Outcome::Rule { op, rule } => {
                if cmdline && !self.is_ready() {
                    return Some(i32::MIN);
                }
                if rule.flags == raudit_rules::cmd::RULE_FLAGS_UNSET {
                    out(USAGE.as_bytes());
                    std::process::exit(1);
                }
                Some(if self.send_rule(*op, rule) { 0 } else { -1 })
            }
        }
    }
}

/// libaudit's encoding of an untrusted value: quoted, or hex when it holds
/// quotes, spaces or control bytes.
fn encode_value(v: &[u8]) -> Vec<u8> {
    if v.iter().any(|&c| c == b'"' || !(0x21..0x7f).contains(&c)) {
        v.iter()
            .flat_map(|c| format!("{c:02X}").into_bytes())
            .collect()
    } else {
        let mut o = b"\"".to_vec();
        o.extend_from_slice(v);
        o.push(b'"');
        o
    }
}

fn tty_name() -> Option<Vec<u8>> {
    for fd in 0..3 {
        let mut buf = [0u8; 256];
        // SAFETY: buf is valid for its length.
        let rc = unsafe { libc::ttyname_r(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if rc == 0 && buf[0] != 0 {
            let name: Vec<u8> = buf.iter().take_while(|&&c| c != 0).copied().collect();
            return Some(match name.strip_prefix(b"/dev/") {
                Some(rest) => rest.to_vec(),
                None => name,
            });
        }
    }
    None
}

/// `auditctl -R file`: 0 ok, 1 problem before reading, 2 missing file,
/// -1 error after executing some lines.
fn file_opt(ctx: &mut Ctx, env: &HostEnv, path: &[u8]) -> i32 {
    let p = std::ffi::OsStr::from_bytes(path);
    let shown = String::from_utf8_lossy(path);
    let f = match std::fs::File::open(p) {
        Ok(f) => f,
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
            ctx.msg(
                libc::LOG_ERR,
                &format!("audit rules file {shown} doesn't exist"),
            );
            return 2;
        }
        Err(e) => {
            ctx.msg(
                libc::LOG_ERR,
                &format!(
                    "Error opening {shown} ({})",
                    strerror(e.raw_os_error().unwrap_or(0))
                ),
            );
            return 1;
        }
    };
    let md = match f.metadata() {
        Ok(m) => m,
        Err(e) => {
            ctx.msg(
                libc::LOG_ERR,
                &format!(
                    "Error fstat'ing {shown} ({})",
                    strerror(e.raw_os_error().unwrap_or(0))
                ),
            );
            return 1;
        }
    };
    if md.uid() != 0 {
        ctx.msg(
            libc::LOG_ERR,
            &format!("Error - {shown} isn't owned by root"),
        );
        return 1;
    }
    if md.mode() & 0o002 != 0 {
        ctx.msg(libc::LOG_ERR, &format!("Error - {shown} is world writable"));
        return 1;
    }
    if !md.is_file() {
        ctx.msg(
            libc::LOG_ERR,
            &format!("Error - {shown} is not a regular file"),
        );
        return 1;
    }
    let content = match std::fs::read(p) {
        Ok(c) => c,
        Err(e) => {
            ctx.msg(
                libc::LOG_ERR,
                &format!(
                    "Error - fdopen failed ({})",
                    strerror(e.raw_os_error().unwrap_or(0))
                ),
            );
            return 1;
        }
    };
    for (lineno, line) in lines(&content) {
        let Line::Command(args) = line else {
            continue;
        };
        let parsed = parse(args, lineno, env);
        ctx.last_errno = 0;
        let Some(rc) = ctx.run(&parsed, false) else {
            continue;
        };
        if rc == -1 {
            if ctx.last_errno != libc::ECONNREFUSED {
                ctx.msg(
                    libc::LOG_ERR,
                    &format!("There was an error in line {lineno} of {shown}"),
                );
            } else {
                ctx.msg(libc::LOG_ERR, "The audit system is disabled");
                return 0;
            }
            if !ctx.ignore {
                return -1;
            }
            if ctx.continue_error != 0 {
                ctx.continue_error = -1;
            }
        }
    }
    0
}

/// Entry point.
pub fn main(args: Vec<OsString>) -> i32 {
    let args: Vec<Vec<u8>> = args.into_iter().map(|a| a.into_vec()).collect();
    if args.is_empty() {
        out(USAGE.as_bytes());
        return 1;
    }
    // SAFETY: geteuid never fails.
    let euid = unsafe { libc::geteuid() };
    let help_only = args.len() == 1
        && (args[0] == b"--help" || args[0] == b"-h" || (args[0] == b"-l" && euid == 0));
    if !help_only && !has_capability(CAP_AUDIT_CONTROL) {
        eprintln!("You must be root to run this program.");
        return 4;
    }
    let env = HostEnv {
        features: Cell::new(None),
    };
    let mut ctx = Ctx {
        syslog: false,
        ignore: false,
        continue_error: 0,
        sock: RefCell::new(None),
        pending_status: false,
        last_errno: 0,
    };
    if args.len() == 2 && args[0] == b"-R" {
        ctx.syslog = true;
        if !ctx.is_ready() {
            return 0;
        }
        let rc = file_opt(&mut ctx, &env, &args[1]);
        if rc != 0 {
            return 1;
        }
        return if ctx.continue_error < 0 { 1 } else { 0 };
    }
    let mut argv = vec![b"auditctl".to_vec()];
    argv.extend(args);
    let parsed = parse(argv, 0, &env);
    match ctx.run(&parsed, true) {
        None => 0,
        Some(i32::MIN) => 0,
        Some(0) => 0,
        Some(_) => 255,
    }
}
