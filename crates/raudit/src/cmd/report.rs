//! `raudit report` ≡ `aureport`.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

/// Entry point: arguments after the tool name.
pub fn main(args: Vec<OsString>) -> i32 {
    let args: Vec<Vec<u8>> = args.into_iter().map(OsString::into_vec).collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // Not locked for the whole run: the progress bar is drawn on stderr from the
    // reading threads too (a held lock would make them wait forever).
    let mut err = std::io::stderr();
    raudit_search::report::main_cli(&args, &mut out, &mut err)
}
