//! Summaries of one big file on two threads, each reading half of it.
//!
//! The file is cut at a line boundary `B` near its middle. This thread reads
//! `[0, B)` as usual. A second thread starts a little earlier, at `W`, a few
//! seconds of log time before `B`: from `W` to `B` it only assembles (a warm-up:
//! what it releases there is dropped), so that at `B` its assembler should hold
//! exactly the events a single reader holds there. From `B` on it counts into
//! counters of its own. The two assemblers' states at `B` are compared by a keyed
//! digest of every held event (records, completeness, order): when they are
//! equal, the second thread released from `B` on exactly what one reader would
//! have, in the same order, so its counters are merged after this thread's
//! (first-seen orders included) and its assembler carries on (to the next file
//! of a rotated set). When they differ (records of an event held at `B` lie
//! before `W`: a very out-of-order log), its work is dropped and this thread
//! reads `[B, end)` itself: the output is the single-threaded output either way.
//!
//! Only summaries (`--summary`, and the main summary) are read this way: their
//! output is made from counters at the end. Detailed listings number their rows,
//! and `--html`/`--format json` keep more state; they use the reader thread of
//! [`Run::read_threaded`] instead.

use std::collections::hash_map::RandomState;
use std::fs::File;
use std::hash::{BuildHasher, Hasher};
use std::os::unix::fs::FileExt;

use raudit_logfmt::header::parse_header;
use raudit_logfmt::lines::{Piece, Splitter};

use super::{print, Front, Kind, Run, READ_CHUNK};

/// Files smaller than this are not cut: auditd rotates at 8 MiB by default.
/// `RAUDIT_REPORT_CHUNK_MIN` (bytes) overrides it, for tests, and then any
/// lookback is accepted (see [`LOOKBACK_MAX_DIV`]).
const CHUNK_MIN: u64 = 4 << 20;

/// How far back from `B` the second thread may start, as a fraction of the
/// file: when a few seconds of log take more (a small file of a very busy
/// system), the warm-up would eat the gain and the file is read the usual way.
const LOOKBACK_MAX_DIV: u64 = 4;

/// Lookback step while searching for `W`.
const STEP: u64 = 256 << 10;

/// Where the digest of the two assemblers is taken, and with which keys.
struct Keys(RandomState, RandomState);

impl Keys {
    fn digest(&self, front: &Front) -> (u64, u64) {
        let (mut a, mut b) = (self.0.build_hasher(), self.1.build_hasher());
        front.asm.digest(&mut a);
        front.asm.digest(&mut b);
        (a.finish(), b.finish())
    }
}

/// What the second thread hands back.
struct Half {
    /// Its assembler's digest at `B` (None if it never got there).
    digest: Option<(u64, u64)>,
    counters: super::tally::Counters,
    front: Option<Front>,
    file_first: Option<raudit_logfmt::EventId>,
    file_last: Option<raudit_logfmt::EventId>,
    stderr: Vec<u8>,
    unreadable: u64,
}

/// The most the warm-up may take for a file of `size` bytes.
fn lookback_max(size: u64) -> u64 {
    if std::env::var_os("RAUDIT_REPORT_CHUNK_MIN").is_some() {
        u64::MAX
    } else {
        size / LOOKBACK_MAX_DIV
    }
}

/// Whether chunk reading is wanted: `RAUDIT_REPORT_THREADS=1` or
/// `RAUDIT_REPORT_CHUNKS=0` turn it off; else two CPUs and a big file.
fn wanted(size: u64) -> bool {
    let env = |k: &str| std::env::var(k).ok();
    if env("RAUDIT_REPORT_THREADS").as_deref() == Some("1")
        || env("RAUDIT_REPORT_CHUNKS").as_deref() == Some("0")
    {
        return false;
    }
    let min = env("RAUDIT_REPORT_CHUNK_MIN")
        .and_then(|v| v.parse().ok())
        .unwrap_or(CHUNK_MIN);
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    cpus >= 2 && size >= min
}

/// The first line start at or after `at` (`at` itself when it follows a
/// newline), or None when there is none before `end`.
fn line_start(f: &File, at: u64, end: u64) -> Option<u64> {
    if at == 0 {
        return Some(0);
    }
    let mut buf = vec![0u8; 64 << 10];
    let mut p = at - 1;
    while p < end {
        let want = ((end - p) as usize).min(buf.len());
        let n = f.read_at(&mut buf[..want], p).ok()?;
        if n == 0 {
            return None;
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            let s = p + i as u64 + 1;
            return (s < end).then_some(s);
        }
        p += n as u64;
    }
    None
}

/// The second of the first record line at or after line start `at` (looking
/// at most 64 KiB ahead).
fn second_at(f: &File, at: u64, eoe: i64) -> Option<i64> {
    let mut buf = vec![0u8; 64 << 10];
    let n = f.read_at(&mut buf, at).ok()?;
    buf[..n]
        .split(|&c| c == b'\n')
        .find_map(|l| parse_header(l, eoe).ok().map(|h| h.id.sec))
}

impl Run<'_> {
    /// Whether this file is read in two chunks (see the module documentation).
    pub(super) fn chunkable(&self, size: u64) -> bool {
        self.opts.summary
            && self.opts.kind != Kind::Time
            && self.html.is_none()
            && self.json.is_none()
            && wanted(size)
    }

    /// Reads `f` (`size` bytes) in two chunks; false (nothing read) when no
    /// place to cut was found, and the caller reads it the usual way.
    pub(super) fn read_chunked(&mut self, f: &File, size: u64, name: &[u8]) -> bool {
        let Some(front) = &self.front else {
            return false;
        };
        let eoe = front.asm.eoe_timeout();
        let lazy = front.lazy;
        let Some(b) = line_start(f, size / 2, size) else {
            return false;
        };
        let Some(sec_b) = second_at(f, b, eoe) else {
            return false;
        };
        // W: a line start whose record is more than eoe seconds older than B's,
        // plus one more step of margin.
        let mut w = b;
        let mut found = false;
        let max = lookback_max(size);
        while b - w < max && w > 0 {
            let Some(s) = line_start(f, w.saturating_sub(STEP), b) else {
                return false;
            };
            w = s;
            if found {
                break;
            }
            found = second_at(f, w, eoe).is_some_and(|s| s < sec_b - eoe);
        }
        if !found && w > 0 {
            return false;
        }
        let debug = std::env::var_os("RAUDIT_REPORT_CHUNK_DEBUG").is_some();
        self.file_first = None;
        self.file_last = None;
        let keys = Keys(RandomState::new(), RandomState::new());
        let opts = self.opts;
        let last_file = self.files_left == 0;
        let pb = self.progress.clone();
        let pb_start = pb.as_ref().map_or(0, |p| p.position());
        let src = self.src.as_ref().and_then(|s| s.try_clone().ok());
        let (mine, half) = std::thread::scope(|s| {
            let keys = &keys;
            let second = s.spawn(move || {
                let mut out = std::io::sink();
                let mut err = Vec::new();
                let printer = print::Printer::new(opts.escape, opts.interpret);
                let mut run = Run::new(opts, eoe, printer, &mut out, &mut err, false);
                run.files_left = usize::from(!last_file);
                run.progress = pb;
                run.src = src;
                if let Some(fr) = &mut run.front {
                    fr.lazy = lazy;
                }
                let digest = run.feed(f, w, size, Some(b), keys);
                run.end_of_file();
                let Run {
                    counters,
                    front,
                    file_first,
                    file_last,
                    unreadable,
                    ..
                } = run;
                Half {
                    digest,
                    counters,
                    front,
                    file_first,
                    file_last,
                    stderr: err,
                    unreadable,
                }
            });
            self.feed(f, 0, b, None, keys);
            let mine = self.front.as_ref().map(|fr| keys.digest(fr));
            let half = second
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (mine, half)
        });
        if mine.is_some() && mine == half.digest {
            if debug {
                let _ = writeln!(
                    self.stderr,
                    "raudit report: chunks stitched at {b} (from {w})"
                );
            }
            self.counters.merge(half.counters);
            self.file_first = self.file_first.or(half.file_first);
            self.file_last = half.file_last.or(self.file_last);
            let first = self.front.as_ref().map_or((0, 0), |f| f.very_first);
            self.front = half.front.map(|mut fr| {
                if first.0 != 0 {
                    fr.very_first = first;
                }
                fr
            });
            let _ = self.stderr.write_all(&half.stderr);
            self.unreadable += half.unreadable;
            if let Some(pb) = &self.progress {
                // the warm-up was counted twice
                pb.set_position(pb_start + size);
            }
        } else {
            if debug {
                let _ = writeln!(
                    self.stderr,
                    "raudit report: chunks differ at {b}: one thread reads on"
                );
            }
            if let Some(pb) = &self.progress {
                // the second thread's bytes are read again
                pb.set_position(pb_start + b);
            }
            self.feed(f, b, size, None, &keys);
            self.end_of_file();
        }
        self.file_done(name);
        true
    }

    /// Reads the lines of `f[from..to)` (from and to at line starts). Lines
    /// before `warm_to` only build up the assembler (what they release is
    /// dropped, their time stamp errors too); the assembler's digest at
    /// `warm_to` is returned (None when `warm_to` is None).
    fn feed(
        &mut self,
        f: &File,
        from: u64,
        to: u64,
        warm_to: Option<u64>,
        keys: &Keys,
    ) -> Option<(u64, u64)> {
        let mut split = Splitter::new();
        let mut buf = vec![0u8; READ_CHUNK];
        let (mut at, mut pos) = (from, from);
        let mut warm = warm_to;
        let mut digest = None;
        let mut piece = |run: &mut Self, p: Piece<'_>, pos: u64| {
            if let Some(w) = warm {
                if pos >= w {
                    warm = None;
                    if let Some(fr) = &mut run.front {
                        digest = Some(keys.digest(fr));
                        fr.very_first = (0, 0);
                    }
                }
            }
            match (warm, &mut run.front) {
                (Some(_), Some(fr)) => {
                    fr.line(p, pos, &mut run.items);
                    fr.recycle(&mut run.items);
                }
                _ => run.line(p, pos),
            }
        };
        while at < to {
            let want = ((to - at) as usize).min(buf.len());
            let n = match f.read_at(&mut buf[..want], at) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            at += n as u64;
            if let Some(pb) = &self.progress {
                pb.inc(n as u64);
            }
            split.feed_pieces_with_len(&buf[..n], &mut |p, len| {
                piece(self, p, pos);
                pos += len as u64;
                true
            });
        }
        split.finish_pieces_with_len(&mut |p, _| {
            piece(self, p, pos);
            true
        });
        if warm.is_some() {
            // nothing at or after warm_to
            if let Some(fr) = &mut self.front {
                digest = Some(keys.digest(fr));
                fr.very_first = (0, 0);
            }
        }
        digest
    }
}
