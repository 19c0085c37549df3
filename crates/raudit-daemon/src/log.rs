//! Where the daemon's own messages go: stderr in foreground mode (debug
//! lines included, as auditd does), syslog (`auditd[PID]`, facility daemon)
//! otherwise.

use std::sync::atomic::{AtomicU8, Ordering};

pub use crate::config::Level;

/// 0: stderr with debug, 1: syslog without debug, 2: quiet.
static MODE: AtomicU8 = AtomicU8::new(0);

/// Messages to stderr, debug lines included.
pub fn to_stderr() {
    MODE.store(0, Ordering::Relaxed);
}

/// Messages to syslog, debug lines dropped.
pub fn to_syslog() {
    // SAFETY: the ident is a static C string; openlog keeps the pointer.
    unsafe { libc::openlog(c"auditd".as_ptr(), libc::LOG_PID, libc::LOG_DAEMON) };
    MODE.store(1, Ordering::Relaxed);
}

/// No messages at all.
pub fn quiet() {
    MODE.store(2, Ordering::Relaxed);
}

/// Emits one message (auditd's `audit_msg`).
pub fn msg(level: Level, text: &str) {
    match MODE.load(Ordering::Relaxed) {
        0 => eprintln!("{text}"),
        1 if level != Level::Debug => {
            let c = std::ffi::CString::new(text.replace('\0', " ")).unwrap_or_default();
            // SAFETY: "%s" with one valid C string argument.
            unsafe { libc::syslog(level.priority(), c"%s".as_ptr(), c.as_ptr()) };
        }
        _ => {}
    }
}
