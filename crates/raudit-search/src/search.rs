//! The `ausearch` driver: input selection, the read → assemble → match → print loop,
//! and exit codes.

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;

use raudit_logfmt::header::{parse_header, HeaderError};
use raudit_logfmt::lines::Splitter;
use raudit_logfmt::{Assembler, Event};

use crate::criteria::ReportFormat;
use crate::items::UserNames;
use crate::options::{self, Options};
use crate::timeparse::SystemClock;
use crate::{config, output};

/// Output buffer size before it is written out.
const FLUSH_AT: usize = 256 * 1024;
/// Read size.
const READ_CHUNK: usize = 1 << 20;

/// Where a search reads from, and how it ends.
struct Run<'a> {
    opts: &'a Options,
    asm: Assembler,
    users: UserNames,
    out: Vec<u8>,
    stdout: &'a mut dyn Write,
    stderr: &'a mut dyn Write,
    found: bool,
    stop: bool,
    /// Files still to read after the current one (events are completed at the end of
    /// the last one only, so events can span rotated files).
    files_left: usize,
}

impl Run<'_> {
    fn flush(&mut self) {
        if !self.out.is_empty() {
            let _ = self.stdout.write_all(&self.out);
            self.out.clear();
        }
    }

    fn line(&mut self, piece: &[u8]) {
        let crit = &self.opts.crit;
        let h = match parse_header(piece, self.asm.eoe_timeout()) {
            Ok(h) => h,
            Err(HeaderError::NotARecord) => return,
            Err(HeaderError::BadTimestamp(ts)) => {
                let _ = self.stderr.write_all(b"Error extracting time stamp (");
                let _ = self.stderr.write_all(&ts);
                let _ = self.stderr.write_all(b")\n");
                return;
            }
        };
        if (crit.start_time != 0 && h.id.sec < crit.start_time) || (crit.end_time != 0 && h.id.sec > crit.end_time) {
            return;
        }
        if self.asm.add(&h, piece) {
            self.drain();
        }
    }

    fn drain(&mut self) {
        while !self.stop {
            let Some(ev) = self.asm.next_ready() else { break };
            self.event(&ev);
        }
    }

    fn event(&mut self, ev: &Event) {
        let crit = &self.opts.crit;
        if !crate::matcher::matches(ev, crit, &mut self.users, self.stderr) {
            return;
        }
        self.found = true;
        match crit.format {
            ReportFormat::Raw => output::raw(ev, &mut self.out),
            ReportFormat::Default => output::default(ev, self.opts.escape, &mut self.out),
            ReportFormat::Interpret | ReportFormat::Csv | ReportFormat::Text => {
                output::default(ev, self.opts.escape, &mut self.out)
            }
        }
        if self.opts.just_one {
            self.stop = true;
        }
        if self.opts.line_buffered || self.out.len() >= FLUSH_AT {
            self.flush();
        }
    }

    /// Reads one input to its end. Returns false on a read error.
    fn read(&mut self, mut input: impl Read) -> bool {
        let mut split = Splitter::new();
        let mut buf = vec![0u8; READ_CHUNK];
        let mut ok = true;
        loop {
            if self.stop {
                break;
            }
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => {
                    ok = false;
                    break;
                }
            };
            split.feed(&buf[..n], &mut |p| {
                self.line(p);
                !self.stop
            });
        }
        if !self.stop {
            split.finish(&mut |p| {
                self.line(p);
                !self.stop
            });
        }
        if !self.stop && self.files_left == 0 {
            self.asm.terminate_all();
        }
        self.drain();
        ok
    }

    fn file(&mut self, path: &[u8]) -> i32 {
        let p = std::ffi::OsStr::from_bytes(path);
        match File::open(p) {
            Ok(f) => {
                self.read(f);
                0
            }
            Err(e) => {
                let _ = writeln!(
                    self.stderr,
                    "Error opening {} ({})",
                    String::from_utf8_lossy(path),
                    crate::strerror(&e)
                );
                1
            }
        }
    }

    /// The log and its rotated set, oldest first (`log.N` … `log.1`, `log`).
    fn logs(&mut self, log_file: &[u8]) -> i32 {
        let name = |n: usize| -> Vec<u8> {
            let mut v = log_file.to_vec();
            if n > 0 {
                v.extend_from_slice(format!(".{n}").as_bytes());
            }
            v
        };
        let mut num = 0usize;
        while rustix::fs::access(std::ffi::OsStr::from_bytes(&name(num)), rustix::fs::Access::READ_OK).is_ok() {
            num += 1;
        }
        // `num` files exist: 0 ..= num-1. ausearch counts one less and starts there.
        let mut n = num.saturating_sub(1);
        self.files_left = n;
        loop {
            let rc = self.file(&name(n));
            if rc != 0 {
                return rc;
            }
            if self.opts.just_one && self.found {
                break;
            }
            if n == 0 {
                break;
            }
            n -= 1;
            self.files_left = n;
        }
        0
    }
}

fn stdin_is_fifo() -> bool {
    let fd = unsafe_free_stdin_stat();
    fd.is_some_and(|ft| ft.is_fifo())
}

fn unsafe_free_stdin_stat() -> Option<std::fs::FileType> {
    std::fs::metadata("/proc/self/fd/0").ok().map(|m| m.file_type())
}

/// Runs ausearch with `args` (without the program name). Returns the exit code.
pub fn main(args: &[Vec<u8>], stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    crate::ctime::init_locale();
    let opts = match options::parse(args, &SystemClock, stdout, stderr) {
        Ok(o) => o,
        Err(options::Exit(code)) => return code,
    };
    let conf_path = std::env::var("RAUDIT_AUDITD_CONF").unwrap_or_else(|_| config::DEFAULT_CONFIG.to_string());
    let (conf, loaded) = config::load(&conf_path);
    if !loaded {
        let _ = writeln!(stderr, "NOTE - using built-in logs: {}", String::from_utf8_lossy(&conf.log_file));
    }
    let eoe = if opts.eoe_timeout != 0 { opts.eoe_timeout } else { conf.eoe_timeout };
    let mut run = Run {
        opts: &opts,
        asm: Assembler::new(eoe),
        users: UserNames::default(),
        out: Vec::with_capacity(FLUSH_AT + 64 * 1024),
        stdout,
        stderr,
        found: false,
        stop: false,
        files_left: 0,
    };
    let rc = if let Some(input) = &opts.input {
        match std::fs::metadata(std::ffi::OsStr::from_bytes(input)) {
            Err(e) => {
                let _ = writeln!(run.stderr, "stat: {}", crate::strerror(&e));
                return 1;
            }
            Ok(m) if m.is_dir() => {
                let mut dir = input.clone();
                if dir.last() != Some(&b'/') {
                    dir.push(b'/');
                }
                dir.extend_from_slice(b"audit.log");
                let _ = writeln!(run.stderr, "NOTE - using logs in {}", String::from_utf8_lossy(&dir));
                run.logs(&dir)
            }
            Ok(_) => run.file(input),
        }
    } else if opts.force_logs || !stdin_is_fifo() {
        run.logs(&conf.log_file)
    } else {
        run.read(std::io::stdin().lock());
        0
    };
    run.flush();
    if rc != 0 {
        return rc;
    }
    if !run.found {
        if opts.crit.format != ReportFormat::Raw {
            let _ = writeln!(run.stderr, "<no matches>");
        }
        return 1;
    }
    0
}
