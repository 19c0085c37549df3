//! `raudit search`.

use std::ffi::OsString;

/// Entry point: not built yet.
pub fn main(_args: Vec<OsString>) -> i32 {
    eprintln!("raudit search: not implemented yet");
    1
}
