//! `ausearch` and `aureport` over log files and rotated log sets.
//!
//! A search is a pipeline read top to bottom: input files (or stdin) → line pieces
//! ([`raudit_logfmt::lines`]) → record headers and the time window → event assembly
//! ([`raudit_logfmt::Assembler`]) → [`matcher`] → [`output`].
//!
//! - [`options`]: the command line; [`criteria`]: what it asked for;
//! - [`items`]/[`matcher`]: the per-event values ausearch extracts, and matching;
//! - [`output`]: the formats; [`escape`]: output escaping;
//! - [`timeparse`]/[`ctime`]: dates and times as the C library reads and writes them.

pub mod avc;
pub mod checkpoint;
pub mod config;
pub mod criteria;
pub mod ctime;
pub mod escape;
pub mod formats;
pub mod interp_out;
pub mod items;
pub mod logins;
pub mod machine;
pub mod matcher;
pub mod names;
pub mod options;
pub mod output;
pub mod report;
pub mod search;
pub mod strings;
pub mod timeparse;

/// The name of member `n` of a log's rotated set: `log_file` itself for 0,
/// `log_file.N` otherwise (as auditd rotates and the C tools read them).
pub(crate) fn rotated_name(log_file: &[u8], n: usize) -> Vec<u8> {
    let mut v = log_file.to_vec();
    if n > 0 {
        v.extend_from_slice(format!(".{n}").as_bytes());
    }
    v
}

/// Says on stderr that `n` events of `path` were skipped because the file no
/// longer held their records when they were read back (it was truncated or
/// rewritten while being read); nothing when `n` is 0.
pub(crate) fn warn_unreadable(stderr: &mut dyn std::io::Write, path: &[u8], n: u64) {
    if n > 0 {
        let _ = writeln!(
            stderr,
            "{}: changed while being read: {n} event(s) could not be read back and were skipped",
            String::from_utf8_lossy(path)
        );
    }
}

/// `strerror` text for an I/O error (as the C tools print it).
pub fn strerror(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(n) => nix::errno::Errno::from_raw(n).desc().to_string(),
        None => e.to_string(),
    }
}

/// Where ausearch and aureport read, chosen as they choose it.
pub(crate) enum Source<'a> {
    /// `-if FILE`: one file (its metadata: a regular file can be read back by
    /// position, and its size drives a progress bar).
    File(&'a [u8], std::fs::Metadata),
    /// A log and its rotated set: `-if DIR` (`DIR/audit.log`) or the configured
    /// log file (with `--input-logs`, or when stdin is not a pipe).
    Logs(Vec<u8>),
    /// Standard input (a pipe).
    Stdin,
}

/// The input of a run with `-if input` (None: not given), `--input-logs`
/// (`force_logs`) and the configured `log_file`. Prints the tools' note for a
/// directory; on a path that cannot be examined prints `stat: …` and returns None
/// (the tools then exit 1).
pub(crate) fn source<'a>(
    input: Option<&'a [u8]>,
    force_logs: bool,
    log_file: &[u8],
    stderr: &mut dyn std::io::Write,
) -> Option<Source<'a>> {
    use std::os::unix::ffi::OsStrExt;
    let Some(input) = input else {
        return Some(if force_logs || !stdin_is_fifo() {
            Source::Logs(log_file.to_vec())
        } else {
            Source::Stdin
        });
    };
    match std::fs::metadata(std::ffi::OsStr::from_bytes(input)) {
        Err(e) => {
            let _ = writeln!(stderr, "stat: {}", strerror(&e));
            None
        }
        Ok(m) if m.is_dir() => {
            let mut dir = input.to_vec();
            if dir.last() != Some(&b'/') {
                dir.push(b'/');
            }
            dir.extend_from_slice(b"audit.log");
            let _ = writeln!(
                stderr,
                "NOTE - using logs in {}",
                String::from_utf8_lossy(&dir)
            );
            Some(Source::Logs(dir))
        }
        Ok(m) => Some(Source::File(input, m)),
    }
}

fn stdin_is_fifo() -> bool {
    rustix::fs::fstat(rustix::stdio::stdin()).is_ok_and(|st| {
        rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::Fifo
    })
}
