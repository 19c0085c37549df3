//! The `ausearch` driver: input selection, the read → assemble → match → print loop,
//! checkpoints, and exit codes.

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;

use raudit_logfmt::header::{parse_header, HeaderError};
use raudit_logfmt::lines::{Piece, Splitter};
use raudit_logfmt::{Assembler, Event};

use crate::checkpoint::{Checkpoint, Decision, LastEvent, CP_CORRUPTED};
use crate::criteria::ReportFormat;
use crate::items::UserNames;
use crate::options::{self, Options};
use crate::timeparse::SystemClock;
use crate::{config, output};

/// Output buffer size before it is written out.
const FLUSH_AT: usize = 256 * 1024;
/// Read size.
const READ_CHUNK: usize = 1 << 20;

/// Exit code for checkpoint problems found while reading.
const EXIT_CHECKPOINT: i32 = 10;

/// One search run: the stages and their state.
struct Run<'a> {
    opts: &'a Options,
    asm: Assembler,
    /// Rules out events that cannot match before their values are extracted.
    pre: crate::matcher::Prefilter,
    users: UserNames,
    names: &'a crate::names::SystemNames,
    formatter: crate::formats::Formatter<'a>,
    host_machine: i32,
    out: Vec<u8>,
    stdout: &'a mut dyn Write,
    stderr: &'a mut dyn Write,
    found: bool,
    stop: bool,
    /// Files still to read after the current one (events are completed at the end of
    /// the last one only, so events can span rotated files).
    files_left: usize,
    chk: Option<Checkpoint>,
    /// A checkpoint inconsistency stopped the run.
    chk_error: bool,
    /// The JSON pipeline (`--format json`).
    json: Option<raudit_json::Pipeline>,
    /// `raudit json` without selection options: every event is printed, even
    /// those ausearch's parser would skip as malformed.
    all: bool,
    /// The input is one regular file: records of events the prefilter has not
    /// marked are not stored, and read back from `src` if their event is marked
    /// later (see `Assembler::add_piece_lazy`).
    lazy_ok: bool,
    src: Option<File>,
    /// Events skipped because `src` no longer held their records.
    unreadable: u64,
}

impl Run<'_> {
    fn flush(&mut self) {
        if !self.out.is_empty() {
            let _ = self.stdout.write_all(&self.out);
            self.out.clear();
        }
    }

    fn line(&mut self, p: Piece<'_>, pos: u64) {
        let piece = p.text;
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
        if (crit.start_time != 0 && h.id.sec < crit.start_time)
            || (crit.end_time != 0 && h.id.sec > crit.end_time)
        {
            return;
        }
        // The prefilter's per-record tests run now, while the line is in cache.
        let marks = if self.pre.active() {
            let msg = match p.sep {
                Some(s) => &piece[..s],
                None => piece.strip_suffix(b"\n").unwrap_or(piece),
            };
            self.pre.line_marks(h.rtype, msg)
        } else {
            0
        };
        let lazy = if self.src.is_some() { Some(pos) } else { None };
        if self.asm.add_piece_lazy(&h, piece, p.sep, marks, lazy) {
            self.drain();
        }
    }

    fn drain(&mut self) {
        while !self.stop {
            let Some(mut ev) = self.asm.next_ready() else {
                break;
            };
            self.event(&mut ev);
            self.asm.recycle(ev);
        }
    }

    fn event(&mut self, ev: &mut Event) {
        let crit = &self.opts.crit;
        let patches = if self.all {
            Some(Vec::new())
        } else if self.pre.may_match_marks(ev.marks()) && self.fill(ev) {
            crate::matcher::match_event(ev, crit, &mut self.users, self.stderr).map(|it| it.patches)
        } else {
            None
        };
        if let Some(patches) = patches {
            // ausearch's parser edits a few bytes of the record text in place.
            for p in patches {
                ev.patch_msg(p.record, p.offset, p.byte);
            }
            let ev = &*ev;
            let mut decision = Decision::Output;
            if let Some(chk) = &mut self.chk {
                decision = chk.decide(ev.id, ev.node.as_deref(), ev.first_type);
            }
            match decision {
                Decision::Output => self.print(ev),
                Decision::Corrupted => {
                    let last = self.chk.as_ref().map(|c| c.in_last.id).unwrap_or_default();
                    let _ = writeln!(
                        self.stderr,
                        "Corrupted checkpoint file. Inode match, but newer complete event ({}.{:03}:{}) found before loaded checkpoint {}.{:03}:{}",
                        ev.id.sec, ev.id.milli, ev.id.serial, last.sec, last.milli, last.serial
                    );
                    if let Some(chk) = &mut self.chk {
                        chk.failure |= CP_CORRUPTED;
                    }
                    self.chk_error = true;
                    self.stop = true;
                    return;
                }
                Decision::Skip | Decision::After => {}
            }
            if self.opts.just_one {
                self.stop = true;
            }
            if self.opts.line_buffered || self.out.len() >= FLUSH_AT {
                self.flush();
            }
        }
        if let Some(chk) = &mut self.chk {
            chk.last = LastEvent {
                id: ev.id,
                node: ev.node.clone(),
                rtype: ev.first_type,
            };
        }
    }

    /// Reads back the records of `ev` that were not stored; false if the file no
    /// longer has them (changed while being searched): the event is skipped.
    fn fill(&mut self, ev: &mut Event) -> bool {
        if !ev.has_absent() {
            return true;
        }
        let Some(f) = &self.src else {
            return false;
        };
        use std::os::unix::fs::FileExt;
        let ok = ev.fill(&mut |pos, len, buf| {
            buf.resize(len, 0);
            f.read_exact_at(buf, pos).is_ok()
        });
        self.unreadable += u64::from(!ok);
        ok
    }

    fn print(&mut self, ev: &Event) {
        self.found = true;
        match self.opts.crit.format {
            ReportFormat::Raw => output::raw(ev, &mut self.out),
            ReportFormat::Default => output::default(ev, self.opts.escape, &mut self.out),
            ReportFormat::Interpret => crate::interp_out::event(
                ev,
                self.names,
                self.opts.escape,
                self.host_machine,
                &mut self.out,
                self.stderr,
            ),
            ReportFormat::Csv => self.formatter.csv(ev, &mut self.out, self.stderr),
            ReportFormat::Text => self.formatter.text(ev, &mut self.out),
            ReportFormat::Json => {
                if let Some(j) = &mut self.json {
                    j.event(ev, None, &mut self.out);
                }
            }
        }
    }

    /// Reads one input to its end.
    fn read(&mut self, mut input: impl Read) {
        let mut split = Splitter::new();
        let mut buf = vec![0u8; READ_CHUNK];
        // input position of the next piece
        let pos = std::cell::Cell::new(0u64);
        // With a time window, a line whose time is outside it costs a newline
        // search and a look at its header: ausearch drops such lines before
        // anything else (they only had to read as records of that time).
        let (start, end) = (self.opts.crit.start_time, self.opts.crit.end_time);
        let eoe = self.asm.eoe_timeout();
        // (A NUL in the line does not matter: see `peek_id`.)
        let mut outside = |line: &[u8]| {
            let out = raudit_logfmt::header::peek_id(line, eoe)
                .is_some_and(|id| (start != 0 && id.sec < start) || (end != 0 && id.sec > end));
            if out {
                pos.set(pos.get() + line.len() as u64);
            }
            out
        };
        let window = start != 0 || end != 0;
        while !self.stop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            let mut piece = |p: Piece<'_>, len: usize| {
                self.line(p, pos.get());
                pos.set(pos.get() + len as u64);
                !self.stop
            };
            if window {
                split.feed_pieces_with_len_skipping(&buf[..n], &mut outside, &mut piece);
            } else {
                split.feed_pieces_with_len(&buf[..n], &mut piece);
            }
        }
        if !self.stop {
            split.finish_pieces_with_len(&mut |p, _| {
                self.line(p, pos.get());
                !self.stop
            });
        }
        // Incomplete events are completed at the end of the last file, except when
        // checkpointing: the next run completes them.
        if !self.stop && self.files_left == 0 && self.chk.is_none() {
            self.asm.terminate_all();
        }
        self.drain();
    }

    fn file(&mut self, path: &[u8]) -> i32 {
        match File::open(std::ffi::OsStr::from_bytes(path)) {
            Ok(f) => {
                if self.lazy_ok && self.pre.active() && !self.all {
                    self.src = f.try_clone().ok();
                }
                self.read(f);
                crate::warn_unreadable(self.stderr, path, std::mem::take(&mut self.unreadable));
                if self.chk_error {
                    EXIT_CHECKPOINT
                } else {
                    0
                }
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
        let name = |n: usize| crate::rotated_name(log_file, n);
        let mut num = 0usize;
        let mut found_chk = false;
        loop {
            let f = name(num);
            if rustix::fs::access(std::ffi::OsStr::from_bytes(&f), rustix::fs::Access::READ_OK)
                .is_err()
            {
                break;
            }
            // With a loaded checkpoint, older files than the one it names are skipped.
            if let Some(chk) = &self.chk {
                if chk.have_data {
                    let m = match std::fs::metadata(std::ffi::OsStr::from_bytes(&f)) {
                        Ok(m) => m,
                        Err(e) => {
                            let _ = writeln!(
                                self.stderr,
                                "Error stat'ing {} ({})",
                                String::from_utf8_lossy(&f),
                                crate::strerror(&e)
                            );
                            return 1;
                        }
                    };
                    if m.dev() == chk.in_dev && m.ino() == chk.in_ino && !chk.time_only {
                        found_chk = true;
                        num += 1;
                        break;
                    }
                }
            }
            num += 1;
        }
        if let Some(chk) = &self.chk {
            if chk.have_data && !found_chk && !chk.time_only {
                return EXIT_CHECKPOINT;
            }
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
        if let Some(chk) = &mut self.chk {
            if chk.set_file(&name(n), self.stderr).is_err() {
                return 1;
            }
        }
        0
    }
}

/// Runs ausearch with `args` (without the program name). Returns the exit code.
pub fn main(args: &[Vec<u8>], stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    run(args, None, stdout, stderr)
}

/// What `raudit json` adds to a search.
pub struct JsonRun {
    /// Input files in order (`-`: stdin); empty: as ausearch chooses.
    pub files: Vec<Vec<u8>>,
    /// JSON settings (ancestry, labels, filters).
    pub settings: raudit_json::Settings,
    /// User and group names (None: the system's).
    pub names: Option<Box<dyn raudit_logfmt::interpret::NameDb + Send>>,
}

/// `raudit json`: a search with `args` (search options) in JSON format over `j.files`.
/// No match is not an error here.
pub fn json_main(
    args: &[Vec<u8>],
    j: JsonRun,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    let all = args.is_empty();
    let mut a = args.to_vec();
    a.push(b"--format".to_vec());
    a.push(b"json".to_vec());
    run(&a, Some((j, all)), stdout, stderr)
}

/// `json`: the `raudit json` additions, and whether it selects every event.
fn run(
    args: &[Vec<u8>],
    json: Option<(JsonRun, bool)>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    crate::ctime::init_locale();
    let opts = match options::parse(args, &SystemClock, stdout, stderr) {
        Ok(o) => o,
        Err(options::Exit(code)) => return code,
    };
    let json_cmd = json.is_some();
    let all = json.as_ref().is_some_and(|j| j.1);
    let (files, pipeline) = match (json.map(|j| j.0), opts.crit.format) {
        (Some(j), _) => {
            let names = j
                .names
                .unwrap_or_else(|| Box::new(crate::names::SystemNames::default()));
            (j.files, Some(raudit_json::Pipeline::new(names, j.settings)))
        }
        (None, ReportFormat::Json) => (
            Vec::new(),
            Some(raudit_json::Pipeline::new(
                Box::new(crate::names::SystemNames::default()),
                raudit_json::Settings::default(),
            )),
        ),
        _ => (Vec::new(), None),
    };
    let conf_path =
        std::env::var("RAUDIT_AUDITD_CONF").unwrap_or_else(|_| config::DEFAULT_CONFIG.to_string());
    let (conf, loaded) = config::load(&conf_path);
    if !loaded {
        let _ = writeln!(
            stderr,
            "NOTE - using built-in logs: {}",
            String::from_utf8_lossy(&conf.log_file)
        );
    }
    let eoe = if opts.eoe_timeout != 0 {
        opts.eoe_timeout
    } else {
        conf.eoe_timeout
    };
    let mut chk = None;
    if let Some(path) = &opts.checkpoint {
        let mut c = Checkpoint::default();
        c.time_only = opts.checkpoint_time_only;
        if c.load(path, stderr).is_err() {
            return EXIT_CHECKPOINT;
        }
        chk = Some(c);
    }
    let names = crate::names::SystemNames::default();
    let extras = crate::formats::CsvExtras {
        time: opts.extra_time,
        labels: opts.extra_labels,
        obj2: opts.extra_obj2,
        keys: opts.extra_keys,
    };
    let mut run = Run {
        formatter: crate::formats::Formatter::new(&names, &names, opts.escape, extras),
        opts: &opts,
        asm: Assembler::new(eoe),
        pre: crate::matcher::Prefilter::new(&opts.crit),
        users: UserNames::default(),
        names: &names,
        host_machine: crate::machine::detect(),
        out: Vec::with_capacity(FLUSH_AT + 64 * 1024),
        stdout,
        stderr,
        found: false,
        stop: false,
        files_left: 0,
        chk,
        chk_error: false,
        json: pipeline,
        all,
        lazy_ok: false,
        src: None,
        unreadable: 0,
    };
    let mut from_stdin = false;
    let mut rc = if !files.is_empty() {
        let mut rc = 0;
        for (i, f) in files.iter().enumerate() {
            run.files_left = files.len() - 1 - i;
            if f == b"-" {
                run.read(std::io::stdin().lock());
            } else {
                rc = rc.max(run.file(f));
            }
        }
        if !run.stop {
            run.asm.terminate_all();
            run.drain();
        }
        rc
    } else {
        match crate::source(
            opts.input.as_deref(),
            opts.force_logs,
            &conf.log_file,
            run.stderr,
        ) {
            None => return 1,
            Some(crate::Source::Logs(path)) => run.logs(&path),
            Some(crate::Source::File(input, m)) => {
                // a single regular file: records can be read back by position
                run.lazy_ok = m.is_file();
                let rc = run.file(input);
                if let Some(c) = &mut run.chk {
                    let _ = c.set_file(input, run.stderr);
                }
                rc
            }
            Some(crate::Source::Stdin) => {
                from_stdin = true;
                run.read(std::io::stdin().lock());
                if run.chk.is_some() {
                    let _ = write!(run.stderr, "Warning - checkpointing stdin is not supported");
                }
                0
            }
        }
    };
    run.flush();
    if let (Some(mut c), false) = (run.chk.take(), from_stdin) {
        if let Some(path) = &opts.checkpoint {
            if c.failure == 0 && rc == 0 {
                c.save(path, run.stderr);
            }
        }
        if c.failure != 0 {
            rc = if c.failure & CP_CORRUPTED != 0 {
                12
            } else {
                11
            };
        }
    }
    if rc != 0 {
        return rc;
    }
    if json_cmd {
        return 0;
    }
    if !run.found {
        if opts.crit.format != ReportFormat::Raw {
            let _ = writeln!(run.stderr, "<no matches>");
        }
        return 1;
    }
    0
}
