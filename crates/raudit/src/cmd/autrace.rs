//! `raudit autrace` ≡ `autrace`: runs a program with per-pid audit rules for it.
//!
//! As autrace 3.0.9: refuses to run when any rule is loaded; forks; the child waits
//! on a pipe while the parent loads `-a always,exit -S all -F pid=CHILD` and the same
//! with `ppid=CHILD` (with `-r`, autrace's resource-access syscall list instead of
//! `all`, plus socketcall rules on i386/s390), sleeps a second, lets the child exec
//! the program, waits for it, removes the rules and names the ausearch command.
//!
//! Differences on purpose: the rules are removed also when autrace gets SIGINT,
//! SIGTERM, SIGHUP or SIGQUIT (the signal is passed on to the program, the rules are
//! removed at once, and autrace ends by the same signal after its closing lines), and
//! only the rules autrace loaded are removed (autrace deletes every rule).

use std::ffi::{CString, OsString};
use std::io::Write;
use std::os::unix::ffi::OsStringExt;
use std::sync::atomic::{AtomicI32, Ordering};

use raudit_netlink::{has_capability, strerror, AuditSocket, NetlinkError, CAP_AUDIT_CONTROL};
use raudit_rules::{FixedEnv, Outcome};
use raudit_tables::Machine;
use raudit_wire::AuditRuleData;

const USAGE: &str = "usage: autrace [-r] program\n";

/// The last terminating signal received by the parent (0: none).
static SIGNALLED: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(sig: libc::c_int) {
    SIGNALLED.store(sig, Ordering::SeqCst);
}

const FORWARDED: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

fn install_handlers() {
    for &s in &FORWARDED {
        // SAFETY: a plain sigaction with an async-signal-safe handler (one atomic
        // store); no SA_RESTART, so blocking calls return EINTR.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as *const () as usize;
            libc::sigemptyset(&mut sa.sa_mask);
            sa.sa_flags = 0;
            libc::sigaction(s, &sa, std::ptr::null_mut());
        }
    }
}

fn host_machine() -> Option<Machine> {
    // SAFETY: utsname is plain data and uname fills it.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointer to a utsname.
    if unsafe { libc::uname(&mut u) } != 0 {
        return None;
    }
    let m: Vec<u8> = u
        .machine
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    Machine::from_name(std::str::from_utf8(&m).ok()?)
}

/// The syscall list autrace's `-r` uses on `m`.
fn threat_syscalls(m: Option<Machine>) -> Vec<&'static str> {
    let mut v = Vec::new();
    if m != Some(Machine::Aarch64) {
        v.extend([
            "open", "creat", "rename", "unlink", "mknod", "mkdir", "rmdir", "chown", "lchown",
            "chmod", "link", "symlink", "readlink",
        ]);
    }
    v.extend([
        "openat",
        "truncate",
        "renameat",
        "unlinkat",
        "mknodat",
        "mkdirat",
        "chdir",
        "fchownat",
        "fchmodat",
        "linkat",
        "symlinkat",
        "readlinkat",
        "execve",
        "name_to_handle_at",
        "openat2",
    ]);
    if !socketcall_machine(m) {
        v.extend(["connect", "bind", "accept", "sendto", "recvfrom", "accept4"]);
    }
    v.push("sendfile");
    v
}

fn socketcall_machine(m: Option<Machine>) -> bool {
    matches!(m, Some(Machine::I386 | Machine::S390x | Machine::S390))
}

/// Builds one exit rule from auditctl-style arguments.
fn rule(args: &[String], env: &FixedEnv) -> Option<AuditRuleData> {
    let mut a = vec![
        b"auditctl".to_vec(),
        b"-a".to_vec(),
        b"always,exit".to_vec(),
    ];
    a.extend(args.iter().map(|s| s.as_bytes().to_vec()));
    match raudit_rules::parse(a, 0, env).outcome {
        Outcome::Rule { rule, .. } => Some(*rule),
        _ => None,
    }
}

/// The rules autrace loads for `field` (`pid=N` or `ppid=N`); None when one cannot
/// be built (autrace: "Error inserting audit rule").
fn rules_for(field: &str, threat: bool, env: &FixedEnv) -> Option<Vec<AuditRuleData>> {
    let m = env.machine;
    let mut args = Vec::new();
    if threat {
        for s in threat_syscalls(m) {
            args.push("-S".to_string());
            args.push(s.to_string());
        }
    } else {
        args.extend(["-S".to_string(), "all".to_string()]);
    }
    args.extend(["-F".to_string(), field.to_string()]);
    let mut out = vec![rule(&args, env)?];
    if socketcall_machine(m) {
        // SYS_CONNECT, SYS_BIND, SYS_ACCEPT, SYS_SENDTO, SYS_RECVFROM, SYS_ACCEPT4
        for a0 in [3, 2, 5, 11, 12, 18] {
            let a: Vec<String> = ["-S", "socketcall", "-F", &format!("a0={a0}"), "-F", field]
                .iter()
                .map(|s| s.to_string())
                .collect();
            out.push(rule(&a, env)?);
        }
    }
    Some(out)
}

fn audit_open_error(e: &NetlinkError) -> String {
    match e {
        NetlinkError::NoAuditSupport => "Error - audit support not in kernel\n".into(),
        _ => format!(
            "Error opening audit netlink socket ({})\n",
            strerror(e.errno().unwrap_or(libc::EIO))
        ),
    }
}

/// `count_rules`: the number of loaded rules, or the message to print.
fn count_rules() -> Result<usize, String> {
    let mut s = AuditSocket::open()
        .map_err(|e| audit_open_error(&e) + "Error - can't get rule count.\n")?;
    match s.list_rules() {
        Ok(r) => Ok(r.len()),
        Err(e) if e.errno() == Some(libc::ECONNREFUSED) => {
            Err("The audit system is disabled\n".into())
        }
        Err(_) => Err("Error - can't get rule count.\n".into()),
    }
}

fn isatty(fd: i32) -> bool {
    // SAFETY: isatty only inspects the descriptor.
    unsafe { libc::isatty(fd) == 1 }
}

fn write_fd(fd: i32, b: &[u8]) {
    // SAFETY: writing a valid buffer to a descriptor; errors are ignored as C does.
    unsafe {
        libc::write(fd, b.as_ptr().cast(), b.len());
    }
}

/// The child: wait for the go-ahead, then exec the program (never returns).
fn child(rd: i32, wr: i32, argv: &[CString]) -> ! {
    // SAFETY: only async-signal-safe calls (close, read, write, execvp, _exit) on
    // buffers prepared before the fork.
    unsafe {
        libc::close(wr);
        let mut wait = b"Waiting to execute: ".to_vec();
        wait.extend_from_slice(argv[0].as_bytes());
        wait.push(b'\n');
        // stdio buffering as in C: the line shows at once on a terminal; otherwise
        // it sits in the buffer that exec discards, and shows only if exec fails.
        let tty = isatty(1);
        if tty {
            write_fd(1, &wait);
        }
        let mut buf = [0u8; 1];
        while libc::read(rd, buf.as_mut_ptr().cast(), 1) == -1
            && *libc::__errno_location() == libc::EINTR
        {}
        libc::close(rd);
        let mut ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
        ptrs.push(std::ptr::null());
        libc::execvp(ptrs[0], ptrs.as_ptr());
        let mut msg = b"Failed to exec ".to_vec();
        msg.extend_from_slice(argv[0].as_bytes());
        msg.push(b'\n');
        write_fd(2, &msg);
        if !tty {
            write_fd(1, &wait);
        }
        libc::_exit(1);
    }
}

fn delete_rules(s: &mut AuditSocket, rules: &[AuditRuleData]) {
    for r in rules.iter().rev() {
        let _ = s.delete_rule(r);
    }
}

fn kill(pid: i32, sig: i32) {
    // SAFETY: sending a signal to our own child.
    unsafe {
        libc::kill(pid, sig);
    }
}

/// Entry point: arguments after the tool name.
pub fn main(args: Vec<OsString>) -> i32 {
    let args: Vec<Vec<u8>> = args.into_iter().map(OsString::into_vec).collect();
    let mut err = std::io::stderr();
    if args.is_empty() || args[0] == b"-h" {
        let _ = err.write_all(USAGE.as_bytes());
        return 1;
    }
    let mut cmd = 0;
    let threat = args[0] == b"-r";
    if threat {
        cmd = 1;
    }
    if !has_capability(CAP_AUDIT_CONTROL) {
        let _ = err.write_all(b"You must be root or have capabilities to run this program.\n");
        return 1;
    }
    let Some(prog) = args.get(cmd) else {
        let _ = err.write_all(b"Error checking (null) (Bad address)\n");
        return 1;
    };
    let access = match CString::new(prog.clone()) {
        // SAFETY: a valid NUL-terminated path.
        Ok(p) => match unsafe { libc::access(p.as_ptr(), libc::X_OK) } {
            0 => Ok(()),
            _ => Err(std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EINVAL)),
        },
        Err(_) => Err(libc::ENOENT),
    };
    if let Err(e) = access {
        let mut m = Vec::new();
        if e == libc::ENOENT {
            m.extend_from_slice(b"Error - can't find: ");
            m.extend_from_slice(prog);
            m.push(b'\n');
        } else {
            m.extend_from_slice(b"Error checking ");
            m.extend_from_slice(prog);
            m.extend_from_slice(format!(" ({})\n", strerror(e)).as_bytes());
        }
        let _ = err.write_all(&m);
        return 1;
    }
    match count_rules() {
        Err(m) => {
            let _ = err.write_all(m.as_bytes());
            return 1;
        }
        Ok(0) => {}
        Ok(_) => {
            let _ = err.write_all(
                b"autrace cannot be run with rules loaded.\n\
Please delete all rules using 'auditctl -D' if you really wanted to\n\
run this command.\n",
            );
            return 1;
        }
    }
    // Everything the child needs is prepared before the fork.
    let argv: Vec<CString> = match args[cmd..]
        .iter()
        .map(|a| CString::new(a.clone()))
        .collect::<Result<_, _>>()
    {
        Ok(v) => v,
        Err(_) => {
            let _ = err.write_all(b"Error - can't find: ");
            let _ = err.write_all(prog);
            let _ = err.write_all(b"\n");
            return 1;
        }
    };
    let env = FixedEnv {
        machine: host_machine(),
        features: 0,
        users: Vec::new(),
        groups: Vec::new(),
        dirs: Vec::new(),
    };
    let mut fds = [0i32; 2];
    // SAFETY: fds has room for the two descriptors.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        let _ = err.write_all(b"Error creating pipe.\n");
        return 1;
    }
    let (rd, wr) = (fds[0], fds[1]);
    let _ = std::io::stdout().flush();
    // SAFETY: the process is single-threaded here; the child only runs `child`.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        let _ = err.write_all(b"Error forking.\n");
        return 1;
    }
    if pid == 0 {
        child(rd, wr, &argv);
    }
    install_handlers();
    // SAFETY: closing our copy of the read end; marking the write end close-on-exec.
    unsafe {
        libc::close(rd);
        libc::fcntl(wr, libc::F_SETFD, libc::FD_CLOEXEC);
    }
    let fail = |s: Option<&mut AuditSocket>, loaded: &[AuditRuleData]| -> i32 {
        kill(pid, libc::SIGTERM);
        if let Some(s) = s {
            delete_rules(s, loaded);
        }
        let mut st = 0;
        // SAFETY: reaping our own child.
        unsafe { libc::waitpid(pid, &mut st, 0) };
        1
    };
    let mut sock = match AuditSocket::open() {
        Ok(s) => s,
        Err(e) => {
            let _ = err.write_all(audit_open_error(&e).as_bytes());
            return fail(None, &[]);
        }
    };
    let mut loaded: Vec<AuditRuleData> = Vec::new();
    for field in [format!("pid={pid}"), format!("ppid={pid}")] {
        let Some(rules) = rules_for(&field, threat, &env) else {
            let _ = err.write_all(format!("Error inserting audit rule for {field}\n").as_bytes());
            return fail(Some(&mut sock), &loaded);
        };
        for r in rules {
            if let Err(e) = sock.add_rule(&r) {
                let why = match e.errno() {
                    Some(libc::EEXIST) => "Rule exists".to_string(),
                    Some(n) => strerror(n),
                    None => e.to_string(),
                };
                let _ = err.write_all(
                    format!(
                        "Error sending add rule data request ({why})\nError inserting audit rule for {field}\n"
                    )
                    .as_bytes(),
                );
                return fail(Some(&mut sock), &loaded);
            }
            loaded.push(r);
        }
    }
    // autrace gives the rules a second before the program starts.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while SIGNALLED.load(Ordering::SeqCst) == 0 {
        let now = std::time::Instant::now();
        if now >= deadline {
            break;
        }
        std::thread::sleep((deadline - now).min(std::time::Duration::from_millis(50)));
    }
    let sig = SIGNALLED.load(Ordering::SeqCst);
    if sig != 0 {
        // Interrupted before the program started: it never runs.
        kill(pid, libc::SIGKILL);
    } else if {
        // SAFETY: writing one byte to our open write end of the pipe.
        unsafe { libc::write(wr, b"1".as_ptr().cast(), 1) }
    } != 1
    {
        return fail(Some(&mut sock), &loaded);
    }
    let mut forwarded = sig;
    let mut cleaned = false;
    loop {
        let mut status = 0;
        // SAFETY: waiting for our own child.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid
            || (r < 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR))
        {
            break;
        }
        let s = SIGNALLED.load(Ordering::SeqCst);
        if s != 0 && s != forwarded {
            // Stop tracing now, and pass the signal on to the program.
            delete_rules(&mut sock, &loaded);
            cleaned = true;
            kill(pid, s);
            forwarded = s;
        }
    }
    // SAFETY: closing our write end.
    unsafe {
        libc::close(wr);
    }
    let mut out = std::io::stdout();
    let _ = out.write_all(b"Cleaning up...\n");
    let _ = out.flush();
    if !cleaned || SIGNALLED.load(Ordering::SeqCst) != 0 {
        delete_rules(&mut sock, &loaded);
    }
    drop(sock);
    let _ = out.write_all(
        format!("Trace complete. You can locate the records with 'ausearch -i -p {pid}'\n")
            .as_bytes(),
    );
    let _ = out.flush();
    let s = SIGNALLED.load(Ordering::SeqCst);
    if s != 0 {
        // End by the signal, as autrace would have.
        // SAFETY: restoring the default action and raising the signal on ourselves.
        unsafe {
            libc::signal(s, libc::SIG_DFL);
            libc::raise(s);
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(m: Machine) -> FixedEnv {
        FixedEnv {
            machine: Some(m),
            features: 0,
            users: Vec::new(),
            groups: Vec::new(),
            dirs: Vec::new(),
        }
    }

    #[test]
    fn builds_the_rules() {
        let e = env(Machine::X86_64);
        assert_eq!(rules_for("pid=5", false, &e).map(|r| r.len()), Some(1));
        assert_eq!(rules_for("ppid=5", true, &e).map(|r| r.len()), Some(1));
        assert_eq!(
            rules_for("pid=5", true, &env(Machine::I386)).map(|r| r.len()),
            Some(7)
        );
        assert_eq!(
            rules_for("pid=5", true, &env(Machine::Aarch64)).map(|r| r.len()),
            Some(1)
        );
    }
}
