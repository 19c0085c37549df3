//! `raudit daemon` ≡ `auditd`.

use std::ffi::OsString;

/// Entry point: arguments after the tool name.
pub fn main(args: Vec<OsString>) -> i32 {
    raudit_daemon::daemon::main(&args)
}
