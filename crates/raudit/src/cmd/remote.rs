//! `raudit remote` ≡ `audisp-remote`: the remote-logging plugin.
//!
//! `raudit remote [-c FILE]` (default `/etc/audit/audisp-remote.conf`):
//! reads records on stdin, sends them to the collector named in the file.
//! Messages go to syslog (ident `audisp-remote`, as the original) and to
//! stderr. Exit status: 6 for a bad configuration, 1 if records are left
//! queued, else 0.

use std::ffi::OsString;
use std::os::fd::AsFd;
use std::path::PathBuf;

use raudit_remote::config::{self, Level};
use raudit_remote::Signals;

static SIGNALS: Signals = Signals::new();

extern "C" fn on_signal(sig: libc::c_int) {
    use std::sync::atomic::Ordering::Relaxed;
    match sig {
        libc::SIGTERM | libc::SIGINT => SIGNALS.stop.store(true, Relaxed),
        libc::SIGHUP => SIGNALS.hup.store(true, Relaxed),
        libc::SIGUSR1 => SIGNALS.dump.store(true, Relaxed),
        libc::SIGUSR2 => SIGNALS.resume.store(true, Relaxed),
        _ => {}
    }
}

fn install_signals() {
    for sig in [
        libc::SIGTERM,
        libc::SIGINT,
        libc::SIGHUP,
        libc::SIGUSR1,
        libc::SIGUSR2,
    ] {
        // SAFETY: the handler only stores to atomics (async-signal-safe);
        // sa_flags 0 (no SA_RESTART) so poll wakes up.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as *const () as usize;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
}

fn log(level: Level, text: &str) {
    let prio = match level {
        Level::Err => libc::LOG_ERR,
        Level::Warning => libc::LOG_WARNING,
        Level::Info => libc::LOG_NOTICE,
    };
    if let Ok(c) = std::ffi::CString::new(text.replace('\0', " ")) {
        // SAFETY: "%s" with one valid C string.
        unsafe { libc::syslog(prio, c"%s".as_ptr(), c.as_ptr()) };
    }
    eprintln!("{text}");
}

/// Entry point: arguments after the tool name.
pub fn main(args: Vec<OsString>) -> i32 {
    let mut file = PathBuf::from(config::CONFIG_FILE);
    let mut p = lexopt::Parser::from_args(args);
    loop {
        match p.next() {
            Ok(Some(lexopt::Arg::Short('c'))) | Ok(Some(lexopt::Arg::Long("config"))) => {
                match p.value() {
                    Ok(v) => file = PathBuf::from(v),
                    Err(e) => {
                        eprintln!("audisp-remote: {e}");
                        return 1;
                    }
                }
            }
            Ok(Some(lexopt::Arg::Short('h'))) | Ok(Some(lexopt::Arg::Long("help"))) => {
                println!(
                    "usage: raudit remote [-c FILE]   (default {})",
                    config::CONFIG_FILE
                );
                return 0;
            }
            Ok(None) => break,
            Ok(Some(a)) => {
                eprintln!("audisp-remote: {}", a.unexpected());
                return 1;
            }
            Err(e) => {
                eprintln!("audisp-remote: {e}");
                return 1;
            }
        }
    }
    // SAFETY: the ident is a static C string that openlog may keep.
    unsafe { libc::openlog(c"audisp-remote".as_ptr(), libc::LOG_PID, libc::LOG_DAEMON) };
    install_signals();
    let loaded = config::load(&file);
    for m in &loaded.messages {
        log(m.level, &m.text);
    }
    let Some(cfg) = loaded.config else {
        return 6;
    };
    // (void) umask( umask( 077 ) | 027 );
    // SAFETY: umask has no memory effects.
    unsafe {
        let old = libc::umask(0o077);
        libc::umask(old | 0o027);
    }
    let stdin = std::io::stdin();
    raudit_remote::run(cfg, stdin.as_fd(), &SIGNALS, &log)
}
