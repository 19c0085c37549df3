//! `aureport`: summaries and per-event reports over audit logs.
//!
//! The pipeline is ausearch's ([`crate::search`]): line pieces → record headers and
//! the time window → event assembly → extraction ([`crate::items`]) driven by a
//! [`crate::criteria::Criteria`] filled the way aureport sets ausearch's globals.
//! Then, instead of matching, each event is classified (node, `--failed`/`--success`,
//! `--add`/`--delete`/`-nc`) and either printed as one report line or counted
//! ([`tally`]) for the summary printed at the end ([`print`]).
//!
//! Everything is done in one pass; memory grows with the number of distinct values
//! counted, not with the log.

mod chunks;
mod html;
mod json;
pub mod options;
mod print;
pub mod tally;

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;

use raudit_logfmt::header::{parse_header, HeaderError};
use raudit_logfmt::lines::{Piece, Splitter};
use raudit_logfmt::{Assembler, Event, EventId};

use crate::items::{extract_search_items, Interpretations, UserNames, SUCCESS_FAILED};
use crate::timeparse::SystemClock;

use options::{ConfAct, Kind, Outcome, ReportOptions};
use tally::Counters;

/// Output buffer size before it is written out.
const FLUSH_AT: usize = 256 * 1024;
/// Read size.
const READ_CHUNK: usize = 1 << 20;

/// Record types the reports look for (libaudit numbers).
pub(crate) mod t {
    pub const USER_AUTH: i32 = 1100;
    pub const USER_MGMT: i32 = 1102;
    pub const USER_AVC: i32 = 1107;
    pub const USER_CHAUTHTOK: i32 = 1108;
    pub const USYS_CONFIG: i32 = 1111;
    pub const USER_LOGIN: i32 = 1112;
    pub const ADD_USER: i32 = 1114;
    pub const DEL_USER: i32 = 1115;
    pub const ADD_GROUP: i32 = 1116;
    pub const DEL_GROUP: i32 = 1117;
    pub const USER_TTY: i32 = 1124;
    pub const GRP_AUTH: i32 = 1126;
    pub const GRP_MGMT: i32 = 1132;
    pub const DAEMON_CONFIG: i32 = 1203;
    pub const SYSCALL: i32 = 1300;
    pub const CONFIG_CHANGE: i32 = 1305;
    pub const TTY: i32 = 1319;
    pub const NETFILTER_CFG: i32 = 1325;
    pub const SECCOMP: i32 = 1326;
    pub const FEATURE_CHANGE: i32 = 1328;
    pub const AVC: i32 = 1400;
    pub const MAC_POLICY_LOAD: i32 = 1403;
    pub const MAC_CIPSOV4_ADD: i32 = 1407;
    pub const MAC_CIPSOV4_DEL: i32 = 1408;
    pub const MAC_MAP_ADD: i32 = 1409;
    pub const MAC_MAP_DEL: i32 = 1410;
    pub const MAC_IPSEC_ADDSA: i32 = 1411;
    pub const MAC_IPSEC_DELSA: i32 = 1412;
    pub const MAC_IPSEC_ADDSPD: i32 = 1413;
    pub const MAC_IPSEC_DELSPD: i32 = 1414;
    pub const MAC_UNLBL_STCADD: i32 = 1416;
    pub const MAC_UNLBL_STCDEL: i32 = 1417;
    pub const FIRST_KERN_CRYPTO: i32 = 1600;
    pub const LAST_KERN_CRYPTO: i32 = 1699;
    pub const FIRST_KERN_ANOM: i32 = 1700;
    pub const LAST_KERN_ANOM: i32 = 1799;
    pub const INTEGRITY_FIRST: i32 = 1800;
    pub const INTEGRITY_LAST: i32 = 1899;
    pub const FIRST_ANOM: i32 = 2100;
    pub const LAST_ANOM: i32 = 2199;
    pub const FIRST_ANOM_RESP: i32 = 2200;
    pub const LAST_ANOM_RESP: i32 = 2299;
    pub const FIRST_USER_LSPP: i32 = 2300;
    pub const ROLE_ASSIGN: i32 = 2301;
    pub const ROLE_REMOVE: i32 = 2302;
    pub const USER_MAC_CONFIG_CHANGE: i32 = 2312;
    pub const LAST_USER_LSPP: i32 = 2399;
    pub const FIRST_CRYPTO: i32 = 2400;
    pub const LAST_CRYPTO: i32 = 2499;
    pub const FIRST_VIRT: i32 = 2500;
    pub const LAST_VIRT: i32 = 2599;
}

/// One bit per record type (or type range) the reports ask about.
#[allow(non_upper_case_globals)]
pub(crate) mod bit {
    pub const AVC: u32 = 1 << 0;
    pub const CONFIG_CHANGE: u32 = 1 << 1;
    pub const DAEMON_CONFIG: u32 = 1 << 2;
    pub const FEATURE_CHANGE: u32 = 1 << 3;
    pub const GRP_AUTH: u32 = 1 << 4;
    pub const GRP_MGMT: u32 = 1 << 5;
    pub const NETFILTER_CFG: u32 = 1 << 6;
    pub const SECCOMP: u32 = 1 << 7;
    pub const USER_AUTH: u32 = 1 << 8;
    pub const USER_AVC: u32 = 1 << 9;
    pub const USER_CHAUTHTOK: u32 = 1 << 10;
    pub const USER_LOGIN: u32 = 1 << 11;
    pub const USER_MAC_CONFIG_CHANGE: u32 = 1 << 12;
    pub const USER_MGMT: u32 = 1 << 13;
    pub const USYS_CONFIG: u32 = 1 << 14;
    pub const ADD_USER__DEL_GROUP: u32 = 1 << 15;
    pub const FIRST_ANOM_RESP__LAST_ANOM_RESP: u32 = 1 << 16;
    pub const FIRST_ANOM__LAST_ANOM: u32 = 1 << 17;
    pub const FIRST_CRYPTO__LAST_CRYPTO: u32 = 1 << 18;
    pub const FIRST_KERN_ANOM__LAST_KERN_ANOM: u32 = 1 << 19;
    pub const FIRST_KERN_CRYPTO__LAST_KERN_CRYPTO: u32 = 1 << 20;
    pub const FIRST_USER_LSPP__LAST_USER_LSPP: u32 = 1 << 21;
    pub const FIRST_VIRT__LAST_VIRT: u32 = 1 << 22;
    pub const INTEGRITY_FIRST__INTEGRITY_LAST: u32 = 1 << 23;
    pub const MAC_POLICY_LOAD__MAC_MAP_DEL: u32 = 1 << 24;
    pub const MAC_POLICY_LOAD__MAC_UNLBL_STCDEL: u32 = 1 << 25;
    pub const ROLE_ASSIGN__ROLE_REMOVE: u32 = 1 << 26;
    /// A SOCKADDR record (its parser may complain on stderr).
    pub const SOCKADDR: u32 = 1 << 27;
    /// A record whose parser can set the host name (user messages, USER_AVC/AVC,
    /// DAEMON_ACCEPT/CLOSE, SOCKADDR, NETFILTER_PKT).
    pub const HOST_CAPABLE: u32 = 1 << 28;
    /// A record whose parser can add a file name (PATH, AVC_PATH, CONFIG_CHANGE,
    /// user messages, USER_AVC/AVC, INTEGRITY_*, SOCKADDR).
    pub const FILE_CAPABLE: u32 = 1 << 29;
}

/// Lowest record type in [`MASK_TABLE`].
const MASK_FIRST: i32 = 1000;
/// [`Mask::bits`] of every type from [`MASK_FIRST`] on (no type outside has a bit).
static MASK_TABLE: [u32; 2000] = {
    let mut tab = [0u32; 2000];
    let mut i = 0;
    while i < tab.len() {
        tab[i] = Mask::bits(MASK_FIRST + i as i32);
        i += 1;
    }
    tab
};

/// The record types of interest an event has (aureport's `list_find_msg` and
/// `list_find_msg_range` answers), found in one pass over its records.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Mask(u32);

impl Mask {
    pub(crate) fn of(ev: &Event) -> Mask {
        let mut m = 0u32;
        for r in ev.records() {
            if let Some(&b) = usize::try_from(r.rtype.wrapping_sub(MASK_FIRST))
                .ok()
                .and_then(|i| MASK_TABLE.get(i))
            {
                m |= b;
            }
        }
        Mask(m)
    }

    const fn bits(ty: i32) -> u32 {
        const fn within(ty: i32, lo: i32, hi: i32) -> bool {
            lo <= ty && ty <= hi
        }
        let user = ty == 1005
            || within(ty, 1100, 1106)
            || within(ty, 1108, 1199)
            || within(ty, 2100, 2999);
        let avc = ty == t::AVC || ty == t::USER_AVC;
        let mut m = 0u32;
        if ty == 1306 {
            m |= bit::SOCKADDR | bit::HOST_CAPABLE | bit::FILE_CAPABLE;
        }
        if user || avc || ty == 1207 || ty == 1208 || ty == 1324 {
            m |= bit::HOST_CAPABLE;
        }
        if user
            || avc
            || ty == 1302
            || ty == 1402
            || ty == t::CONFIG_CHANGE
            || within(ty, 1800, 1805)
        {
            m |= bit::FILE_CAPABLE;
        }
        if ty == t::AVC {
            m |= bit::AVC;
        }
        if ty == t::CONFIG_CHANGE {
            m |= bit::CONFIG_CHANGE;
        }
        if ty == t::DAEMON_CONFIG {
            m |= bit::DAEMON_CONFIG;
        }
        if ty == t::FEATURE_CHANGE {
            m |= bit::FEATURE_CHANGE;
        }
        if ty == t::GRP_AUTH {
            m |= bit::GRP_AUTH;
        }
        if ty == t::GRP_MGMT {
            m |= bit::GRP_MGMT;
        }
        if ty == t::NETFILTER_CFG {
            m |= bit::NETFILTER_CFG;
        }
        if ty == t::SECCOMP {
            m |= bit::SECCOMP;
        }
        if ty == t::USER_AUTH {
            m |= bit::USER_AUTH;
        }
        if ty == t::USER_AVC {
            m |= bit::USER_AVC;
        }
        if ty == t::USER_CHAUTHTOK {
            m |= bit::USER_CHAUTHTOK;
        }
        if ty == t::USER_LOGIN {
            m |= bit::USER_LOGIN;
        }
        if ty == t::USER_MAC_CONFIG_CHANGE {
            m |= bit::USER_MAC_CONFIG_CHANGE;
        }
        if ty == t::USER_MGMT {
            m |= bit::USER_MGMT;
        }
        if ty == t::USYS_CONFIG {
            m |= bit::USYS_CONFIG;
        }
        if within(ty, t::ADD_USER, t::DEL_GROUP) {
            m |= bit::ADD_USER__DEL_GROUP;
        }
        if within(ty, t::FIRST_ANOM_RESP, t::LAST_ANOM_RESP) {
            m |= bit::FIRST_ANOM_RESP__LAST_ANOM_RESP;
        }
        if within(ty, t::FIRST_ANOM, t::LAST_ANOM) {
            m |= bit::FIRST_ANOM__LAST_ANOM;
        }
        if within(ty, t::FIRST_CRYPTO, t::LAST_CRYPTO) {
            m |= bit::FIRST_CRYPTO__LAST_CRYPTO;
        }
        if within(ty, t::FIRST_KERN_ANOM, t::LAST_KERN_ANOM) {
            m |= bit::FIRST_KERN_ANOM__LAST_KERN_ANOM;
        }
        if within(ty, t::FIRST_KERN_CRYPTO, t::LAST_KERN_CRYPTO) {
            m |= bit::FIRST_KERN_CRYPTO__LAST_KERN_CRYPTO;
        }
        if within(ty, t::FIRST_USER_LSPP, t::LAST_USER_LSPP) {
            m |= bit::FIRST_USER_LSPP__LAST_USER_LSPP;
        }
        if within(ty, t::FIRST_VIRT, t::LAST_VIRT) {
            m |= bit::FIRST_VIRT__LAST_VIRT;
        }
        if within(ty, t::INTEGRITY_FIRST, t::INTEGRITY_LAST) {
            m |= bit::INTEGRITY_FIRST__INTEGRITY_LAST;
        }
        if within(ty, t::MAC_POLICY_LOAD, t::MAC_MAP_DEL) {
            m |= bit::MAC_POLICY_LOAD__MAC_MAP_DEL;
        }
        if within(ty, t::MAC_POLICY_LOAD, t::MAC_UNLBL_STCDEL) {
            m |= bit::MAC_POLICY_LOAD__MAC_UNLBL_STCDEL;
        }
        if within(ty, t::ROLE_ASSIGN, t::ROLE_REMOVE) {
            m |= bit::ROLE_ASSIGN__ROLE_REMOVE;
        }
        m
    }

    /// Some record has a type (or a type in the range) of `b`.
    #[inline]
    pub(crate) fn has(self, b: u32) -> bool {
        self.0 & b != 0
    }
}

/// One report run.
struct Run<'a> {
    opts: &'a ReportOptions,
    /// Pieces → headers → events; moved to a reader thread while a file is read
    /// with two threads.
    front: Option<Front>,
    /// Items of one line (single-threaded reads), reused.
    items: Vec<Item>,
    users: UserNames,
    counters: Counters,
    printer: print::Printer,
    stdout: &'a mut dyn Write,
    stderr: &'a mut dyn Write,
    /// Some event was printed (detailed reports).
    found: bool,
    /// Files still to read after the current one.
    files_left: usize,
    /// Last event of the last file read (aureport's `very_last_event`).
    very_last: (i64, u32),
    /// First and last events of the file being read.
    file_first: Option<EventId>,
    file_last: Option<EventId>,
    /// `--format json`: the document being written.
    json: Option<json::JsonDoc>,
    /// `--format json`: the rows converted from the printer's text.
    json_out: Vec<u8>,
    /// `--html FILE`: what the dashboard counts.
    html: Option<Box<HtmlRun>>,
    /// Progress bar on a terminal's stderr for long reads (never in pipes).
    progress: Option<indicatif::ProgressBar>,
    /// The file being read, for lazy reads (see [`Front::lazy`]).
    src: Option<File>,
    /// Events skipped because `src` no longer held their records.
    unreadable: u64,
    /// A progress bar may be shown (the command-line entry point, not tests).
    want_progress: bool,
}

/// Reads shorter than this (total bytes) get no progress bar.
const PROGRESS_MIN: u64 = 32 << 20;

/// A progress bar for reading `total` bytes (None: size unknown), if stderr is a
/// terminal and the read is long (`RAUDIT_PROGRESS_MIN` bytes, default 32 MiB).
/// Off with `RAUDIT_NO_PROGRESS`.
fn progress_bar(total: Option<u64>) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if std::env::var_os("RAUDIT_NO_PROGRESS").is_some() || !std::io::stderr().is_terminal() {
        return None;
    }
    let target = indicatif::ProgressDrawTarget::stderr_with_hz(4);
    let min = std::env::var("RAUDIT_PROGRESS_MIN")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(PROGRESS_MIN);
    let pb = match total {
        Some(t) if t < min => return None,
        Some(t) => {
            let pb = indicatif::ProgressBar::with_draw_target(Some(t), target);
            pb.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            pb
        }
        None => {
            let pb = indicatif::ProgressBar::with_draw_target(None, target);
            pb.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            pb
        }
    };
    Some(pb)
}

/// `--html FILE`: the main summary's counters and the charts' data.
struct HtmlRun {
    /// The options with the main summary as the report.
    opts: ReportOptions,
    counters: Counters,
    stats: html::HtmlStats,
    name: Vec<u8>,
}

impl<'a> Run<'a> {
    fn flush(&mut self) {
        if let Some(doc) = &mut self.json {
            self.json_out.clear();
            doc.convert(&self.printer.out, &self.printer.bounds, &mut self.json_out);
            self.printer.out.clear();
            self.printer.bounds.clear();
            if !self.json_out.is_empty() {
                let (out, buf) = (&mut self.stdout, &self.json_out);
                Self::write_out(&self.progress, out, buf);
            }
            return;
        }
        if !self.printer.out.is_empty() {
            Self::write_out(&self.progress, &mut self.stdout, &self.printer.out);
            self.printer.out.clear();
        }
    }

    /// Writes to stdout, with the progress bar (if any) off the terminal meanwhile.
    fn write_out(pb: &Option<indicatif::ProgressBar>, out: &mut &mut dyn Write, buf: &[u8]) {
        match pb {
            Some(pb) => pb.suspend(|| {
                let _ = out.write_all(buf);
                let _ = out.flush();
            }),
            None => {
                let _ = out.write_all(buf);
            }
        }
    }

    /// A run with nothing read yet, writing to `stdout` and `stderr`.
    fn new(
        opts: &'a ReportOptions,
        eoe_timeout: i64,
        printer: print::Printer,
        stdout: &'a mut dyn Write,
        stderr: &'a mut dyn Write,
        want_progress: bool,
    ) -> Run<'a> {
        Run {
            opts,
            front: Some(Front {
                asm: Assembler::new(eoe_timeout),
                very_first: (0, 0),
                start_time: opts.crit.start_time,
                end_time: opts.crit.end_time,
                lazy: None,
            }),
            items: Vec::new(),
            users: UserNames::default(),
            counters: Counters::default(),
            printer,
            stdout,
            stderr,
            found: false,
            files_left: 0,
            very_last: (0, 0),
            file_first: None,
            file_last: None,
            json: None,
            json_out: Vec::new(),
            html: None,
            progress: None,
            src: None,
            unreadable: 0,
            want_progress,
        }
    }

    /// Flushes, and closes the JSON document.
    fn finish(&mut self) {
        if let Some(pb) = self.progress.take() {
            pb.finish_and_clear();
        }
        self.flush();
        if let Some(doc) = &self.json {
            let mut end = Vec::new();
            doc.finish(&mut end);
            let _ = self.stdout.write_all(&end);
        }
    }

    /// aureport's `very_first_event`.
    fn very_first(&self) -> (i64, u32) {
        self.front.as_ref().map_or((0, 0), |f| f.very_first)
    }

    /// Handles what the front made of some lines, in order.
    fn items(&mut self, items: &mut [Item]) {
        for item in items {
            match item {
                Item::Event(ev) => self.event(ev),
                Item::BadTime(ts) => {
                    let _ = self.stderr.write_all(b"Error extracting time stamp (");
                    let _ = self.stderr.write_all(ts);
                    let _ = self.stderr.write_all(b")\n");
                }
            }
        }
    }

    /// Handles the items the front made (single-threaded), giving their events'
    /// storage back to it.
    fn handle_items(&mut self) {
        let mut items = std::mem::take(&mut self.items);
        self.items(&mut items);
        if let Some(f) = &mut self.front {
            f.recycle(&mut items);
        }
        items.clear();
        self.items = items;
    }

    #[inline]
    fn line(&mut self, p: Piece<'_>, pos: u64) {
        if let Some(f) = &mut self.front {
            f.line(p, pos, &mut self.items);
            if !self.items.is_empty() {
                self.handle_items();
            }
        }
    }

    /// End of a file: the last file completes every event.
    fn end_of_file(&mut self) {
        if let Some(f) = &mut self.front {
            f.end(self.files_left == 0, &mut self.items);
            self.handle_items();
        }
    }

    fn event(&mut self, ev: &mut Event) {
        if self.opts.kind <= Kind::Summary {
            if self.file_first.is_none() {
                self.file_first = Some(ev.id);
            }
            self.file_last = Some(ev.id);
        }
        let crit = &self.opts.crit;
        if (crit.start_time == 0 || ev.id.sec >= crit.start_time)
            && (crit.end_time == 0 || ev.id.sec <= crit.end_time)
        {
            self.process(ev);
        }
        if self.printer.out.len() >= FLUSH_AT {
            self.flush();
        }
    }

    /// aureport's `scan` then `per_event_processing`.
    fn process(&mut self, ev: &mut Event) {
        let opts = self.opts;
        let types = Mask::of(ev);
        // Extraction has no effect on events the report can neither count nor print,
        // unless it could write to stderr (--debug, or a SOCKADDR complaint).
        if self.html.is_none()
            && !opts.crit.debug
            && !types.has(bit::SOCKADDR)
            && !could_matter(opts.kind, types, ev.first_type)
        {
            return;
        }
        if ev.has_absent() && !self.fill(ev) {
            return;
        }
        let ev: &Event = ev;
        let Ok(items) = extract_search_items(ev, &opts.crit, &mut self.users, self.stderr) else {
            return;
        };
        if let Some(nodes) = &opts.nodes {
            let Some(node) = ev.node.as_deref() else {
                return;
            };
            if !nodes.iter().any(|n| n.as_slice() == node) {
                return;
            }
        }
        let ok_success = match opts.outcome {
            Outcome::Failed => items.success == SUCCESS_FAILED,
            Outcome::Success => items.success == crate::items::SUCCESS_YES,
            Outcome::Both => true,
        };
        if !ok_success || !classify_conf(ev.first_type, opts) {
            return;
        }
        let interp = if opts.interpret && (ev.len() == 1 || ev.first_type == t::SYSCALL) {
            ev.record(0)
                .and_then(|r| r.interp)
                .and_then(Interpretations::load)
        } else {
            None
        };
        if let Some(h) = &mut self.html {
            let mut cx = print::Cx {
                ev,
                s: &items,
                interp: interp.as_ref(),
                users: &mut self.users,
                types,
            };
            print::summary_event(&h.opts, &mut h.counters, &mut cx);
            h.name.clear();
            print::uid_name(
                &mut h.name,
                true,
                interp.as_ref(),
                &mut self.users,
                items.loginuid,
                64,
            );
            h.stats.event(ev.id.sec, &items, types, &h.name);
        }
        let mut cx = print::Cx {
            ev,
            s: &items,
            interp: interp.as_ref(),
            users: &mut self.users,
            types,
        };
        if opts.summary {
            print::summary_event(opts, &mut self.counters, &mut cx);
        } else if self.printer.detailed_event(opts, &mut cx) {
            self.found = true;
        }
    }

    /// Reads back the records of `ev` the front did not store (lazy reads); false
    /// when the file no longer has them (it changed while being read).
    fn fill(&mut self, ev: &mut Event) -> bool {
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

    /// Reads one input to its end; `name` is what the log time report prints.
    fn read(&mut self, mut input: impl Read, name: &[u8]) {
        self.file_first = None;
        self.file_last = None;
        let mut split = Splitter::new();
        let mut buf = vec![0u8; READ_CHUNK];
        // input position of the next piece (for lazy reads)
        let mut pos = 0u64;
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            if let Some(pb) = &self.progress {
                pb.inc(n as u64);
            }
            split.feed_pieces_with_len(&buf[..n], &mut |p, len| {
                self.line(p, pos);
                pos += len as u64;
                true
            });
        }
        split.finish_pieces_with_len(&mut |p, _| {
            self.line(p, pos);
            true
        });
        self.end_of_file();
        self.file_done(name);
    }

    /// [`Run::read`] on two threads: a reader thread splits, parses headers and
    /// assembles events (the [`Front`]), this thread extracts, tallies and prints.
    /// Items pass in read-chunk batches in their original order, so the output is
    /// the single-threaded output byte for byte.
    fn read_threaded(&mut self, mut input: File, name: &[u8]) {
        use std::sync::mpsc;
        self.file_first = None;
        self.file_last = None;
        let Some(mut front) = self.front.take() else {
            return;
        };
        let last_file = self.files_left == 0;
        let pb = self.progress.clone();
        let front = std::thread::scope(|s| {
            // A few batches in flight bound the memory; processed batches come back
            // with their events for reuse.
            let (tx, rx) = mpsc::sync_channel::<Vec<Item>>(4);
            let (back_tx, back_rx) = mpsc::channel::<Vec<Item>>();
            let reader = s.spawn(move || {
                let mut split = Splitter::new();
                let mut buf = vec![0u8; READ_CHUNK];
                let mut batch = Vec::new();
                let mut pos = 0u64;
                let send = |batch: &mut Vec<Item>, front: &mut Front| {
                    let mut next = Vec::new();
                    while let Ok(mut used) = back_rx.try_recv() {
                        front.recycle(&mut used);
                        next = used;
                    }
                    if !batch.is_empty() {
                        // Fails only when this thread's consumer is gone (it panicked).
                        let _ = tx.send(std::mem::replace(batch, next));
                    }
                };
                loop {
                    let n = match input.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(_) => break,
                    };
                    if let Some(pb) = &pb {
                        pb.inc(n as u64);
                    }
                    split.feed_pieces_with_len(&buf[..n], &mut |p, len| {
                        front.line(p, pos, &mut batch);
                        pos += len as u64;
                        true
                    });
                    send(&mut batch, &mut front);
                }
                split.finish_pieces_with_len(&mut |p, _| {
                    front.line(p, pos, &mut batch);
                    true
                });
                front.end(last_file, &mut batch);
                send(&mut batch, &mut front);
                front
            });
            for mut batch in rx {
                self.items(&mut batch);
                let _ = back_tx.send(batch);
            }
            match reader.join() {
                Ok(front) => front,
                Err(e) => std::panic::resume_unwind(e),
            }
        });
        self.front = Some(front);
        self.file_done(name);
    }

    /// After a file's last event: the log time report's line.
    fn file_done(&mut self, name: &[u8]) {
        let last = self.file_last.map_or((0, 0), |e| (e.sec, e.milli));
        self.very_last = last;
        if self.opts.kind == Kind::Time {
            self.printer.out.extend_from_slice(name);
            if self.printer.json {
                self.printer.bounds.push(self.printer.out.len());
            }
            match (self.file_first, self.file_last) {
                (Some(f), Some(l)) => {
                    self.printer.out.extend_from_slice(b": ");
                    print::date_milli(&mut self.printer.out, f.sec, f.milli);
                    self.printer.out.extend_from_slice(b" - ");
                    print::date_milli(&mut self.printer.out, l.sec, l.milli);
                    self.printer.out.push(b'\n');
                }
                _ => self.printer.out.extend_from_slice(b": no records\n"),
            }
        }
    }

    fn file(&mut self, path: &[u8]) -> i32 {
        match File::open(std::ffi::OsStr::from_bytes(path)) {
            Ok(f) => {
                let meta = f.metadata().ok();
                let size = meta.as_ref().map_or(0, |m| m.len());
                // Lazy reads need the file again when an event is handled, and only
                // the last file's events are all handled before the next file. Not
                // for the file report: most events have a PATH record, so most
                // would be read twice.
                let lazy = match relevant_bits(self.opts.kind) {
                    Some(bits)
                        if self.files_left == 0
                            && self.opts.kind != Kind::File
                            && self.html.is_none()
                            && !self.opts.crit.debug
                            && meta.as_ref().is_some_and(|m| m.is_file()) =>
                    {
                        self.src = f.try_clone().ok();
                        self.src.as_ref().map(|_| Lazy {
                            bits,
                            tty: self.opts.kind == Kind::Tty,
                        })
                    }
                    _ => None,
                };
                let light = lazy.is_some();
                if let Some(front) = &mut self.front {
                    front.lazy = lazy;
                }
                if meta.as_ref().is_some_and(|m| m.is_file())
                    && self.chunkable(size)
                    && self.read_chunked(&f, size, path)
                {
                    // read in two chunks
                } else if threads(size, light) > 1 {
                    self.read_threaded(f, path);
                } else {
                    self.read(f, path);
                }
                crate::warn_unreadable(self.stderr, path, std::mem::take(&mut self.unreadable));
                0
            }
            Err(e) => {
                if let Some(pb) = self.progress.take() {
                    pb.finish_and_clear();
                }
                self.flush();
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
        while rustix::fs::access(
            std::ffi::OsStr::from_bytes(&name(num)),
            rustix::fs::Access::READ_OK,
        )
        .is_ok()
        {
            num += 1;
        }
        let mut n = num.saturating_sub(1);
        if self.progress.is_none() && self.want_progress {
            let total = (0..num)
                .filter_map(|i| std::fs::metadata(std::ffi::OsStr::from_bytes(&name(i))).ok())
                .map(|m| m.len())
                .sum();
            self.progress = progress_bar(Some(total));
        }
        self.files_left = n;
        loop {
            let rc = self.file(&name(n));
            if rc != 0 {
                return rc;
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

/// What the front hands on: events in release order, and the time stamp errors
/// met between them (printed in that same order).
enum Item {
    Event(Event),
    BadTime(Vec<u8>),
}

/// The part of a run before events exist: record headers, the time window, the
/// first record time, and event assembly.
struct Front {
    asm: Assembler,
    /// First record time seen (aureport's `very_first_event`).
    very_first: (i64, u32),
    start_time: i64,
    end_time: i64,
    /// Lazy reads (one regular file, a report that looks at some record types
    /// only): records of events no such record has reached yet are not stored.
    lazy: Option<Lazy>,
}

/// Which records make an event worth storing (see [`could_matter`]).
#[derive(Debug, Clone, Copy)]
struct Lazy {
    bits: u32,
    tty: bool,
}

impl Lazy {
    #[inline]
    fn mark(self, rtype: i32) -> u8 {
        let b = usize::try_from(rtype.wrapping_sub(MASK_FIRST))
            .ok()
            .and_then(|i| MASK_TABLE.get(i))
            .copied()
            .unwrap_or(0);
        u8::from(
            b & (self.bits | bit::SOCKADDR) != 0
                || (self.tty && (rtype == t::TTY || rtype == t::USER_TTY)),
        )
    }
}

impl Front {
    fn line(&mut self, p: Piece<'_>, pos: u64, out: &mut Vec<Item>) {
        let piece = p.text;
        let h = match parse_header(piece, self.asm.eoe_timeout()) {
            Ok(h) => h,
            Err(HeaderError::NotARecord) => return,
            Err(HeaderError::BadTimestamp(ts)) => {
                out.push(Item::BadTime(ts));
                return;
            }
        };
        if (self.start_time != 0 && h.id.sec < self.start_time)
            || (self.end_time != 0 && h.id.sec > self.end_time)
        {
            if self.very_first.0 == 0 {
                self.very_first = (h.id.sec, h.id.milli);
            }
            return;
        }
        if self.very_first.0 == 0 && self.start_time == 0 {
            self.very_first = (h.id.sec, h.id.milli);
        }
        let added = match self.lazy {
            Some(l) => self
                .asm
                .add_piece_lazy(&h, piece, p.sep, l.mark(h.rtype), Some(pos)),
            None => self.asm.add_piece(&h, piece, p.sep),
        };
        if added {
            self.drain(out);
        }
    }

    /// Takes back the storage of handled events (and empties `items`).
    fn recycle(&mut self, items: &mut Vec<Item>) {
        for item in items.drain(..) {
            if let Item::Event(ev) = item {
                self.asm.recycle(ev);
            }
        }
    }

    fn drain(&mut self, out: &mut Vec<Item>) {
        while let Some(ev) = self.asm.next_ready() {
            out.push(Item::Event(ev));
        }
    }

    /// End of a file; events are completed at the end of the last one only (they
    /// can span rotated files).
    fn end(&mut self, last_file: bool, out: &mut Vec<Item>) {
        if last_file {
            self.asm.terminate_all();
        }
        self.drain(out);
    }
}

/// Threads for reading a file of `size` bytes: `RAUDIT_REPORT_THREADS` (1 or 2),
/// else two when the machine has two CPUs and the file is big enough to pay for
/// the reader thread (4 MiB), unless the read is `light` (lazy records: the few
/// events extracted leave the second thread idle).
fn threads(size: u64, light: bool) -> usize {
    if let Some(n) = std::env::var("RAUDIT_REPORT_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        return n.clamp(1, 2);
    }
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cpus >= 2 && size >= 4 << 20 && !light {
        2
    } else {
        1
    }
}

/// Whether an event with these record types can be counted or printed by report
/// `kind` (summary or detailed), whatever its extracted values: false only for
/// reports that look at events of some record types alone (the type reports, and
/// the host and file reports, whose values only some record parsers set).
fn could_matter(kind: Kind, m: Mask, first_type: i32) -> bool {
    match relevant_bits(kind) {
        Some(b) => {
            m.0 & b != 0
                || (kind == Kind::Tty && (first_type == t::TTY || first_type == t::USER_TTY))
        }
        None => true,
    }
}

/// The record types (as [`Mask`] bits) of which an event needs one to matter to
/// report `kind` (the TTY report looks at the first record's type instead); None
/// for the reports that count something in every event.
fn relevant_bits(kind: Kind) -> Option<u32> {
    use bit::*;
    Some(match kind {
        Kind::Time | Kind::Tty => 0,
        Kind::Avc => AVC | USER_AVC,
        Kind::Mac => MAC_POLICY_LOAD__MAC_UNLBL_STCDEL | FIRST_USER_LSPP__LAST_USER_LSPP,
        Kind::Integ => INTEGRITY_FIRST__INTEGRITY_LAST,
        Kind::Virt => FIRST_VIRT__LAST_VIRT,
        Kind::Config => {
            CONFIG_CHANGE
                | DAEMON_CONFIG
                | USYS_CONFIG
                | NETFILTER_CFG
                | FEATURE_CHANGE
                | USER_MAC_CONFIG_CHANGE
                | MAC_POLICY_LOAD__MAC_UNLBL_STCDEL
        }
        Kind::AcctMod => {
            USER_CHAUTHTOK | ADD_USER__DEL_GROUP | USER_MGMT | GRP_MGMT | ROLE_ASSIGN__ROLE_REMOVE
        }
        Kind::Anomaly => FIRST_ANOM__LAST_ANOM | FIRST_KERN_ANOM__LAST_KERN_ANOM | SECCOMP,
        Kind::Response => FIRST_ANOM_RESP__LAST_ANOM_RESP,
        Kind::Crypto => FIRST_KERN_CRYPTO__LAST_KERN_CRYPTO | FIRST_CRYPTO__LAST_CRYPTO,
        Kind::Auth => USER_AUTH | USER_MGMT,
        Kind::Login => USER_LOGIN,
        Kind::Host => HOST_CAPABLE,
        Kind::File => FILE_CAPABLE,
        Kind::Summary
        | Kind::Event
        | Kind::Pid
        | Kind::Syscall
        | Kind::Term
        | Kind::User
        | Kind::Exe
        | Kind::Comm
        | Kind::Key => return None,
    })
}

/// aureport's `classify_conf`: `-nc` drops config changes; `--add`/`--delete` drop
/// the opposite kind of account and label changes.
fn classify_conf(head: i32, o: &ReportOptions) -> bool {
    match head {
        t::CONFIG_CHANGE => !o.no_config,
        t::ADD_USER
        | t::ADD_GROUP
        | t::MAC_CIPSOV4_ADD
        | t::MAC_MAP_ADD
        | t::MAC_IPSEC_ADDSA
        | t::MAC_IPSEC_ADDSPD
        | t::MAC_UNLBL_STCADD => o.conf_act != ConfAct::Del,
        t::DEL_USER
        | t::DEL_GROUP
        | t::MAC_CIPSOV4_DEL
        | t::MAC_MAP_DEL
        | t::MAC_IPSEC_DELSA
        | t::MAC_IPSEC_DELSPD
        | t::MAC_UNLBL_STCDEL => o.conf_act != ConfAct::Add,
        _ => true,
    }
}

/// Runs aureport with `args` (without the program name). Returns the exit code.
pub fn main(args: &[Vec<u8>], stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    run_main(args, stdout, stderr, false)
}

/// [`main`] for the command line: `stdout`/`stderr` are the process's, and a
/// progress bar is drawn on stderr for long reads when it is a terminal.
pub fn main_cli(args: &[Vec<u8>], stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    run_main(args, stdout, stderr, true)
}

fn run_main(
    args: &[Vec<u8>],
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    want_progress: bool,
) -> i32 {
    crate::ctime::init_locale();
    let opts = match options::parse(args, &SystemClock, stdout, stderr) {
        Ok(o) => o,
        Err(options::Exit(code)) => return code,
    };
    let conf_path = std::env::var("RAUDIT_AUDITD_CONF")
        .unwrap_or_else(|_| crate::config::DEFAULT_CONFIG.to_string());
    let (conf, loaded) = crate::config::load(&conf_path);
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
    let mut printer = print::Printer::new(opts.escape, opts.interpret);
    if print::title(&opts, &mut printer.out).is_err() {
        if !opts.json {
            let _ = stdout.write_all(&printer.out);
        }
        let _ = writeln!(stderr, "Unimplemented option");
        return 1;
    }
    let json = if opts.json {
        let mut head = Vec::new();
        let doc = json::JsonDoc::start(&opts, &printer.out, &mut head);
        let _ = stdout.write_all(&head);
        printer.out.clear();
        printer.json = true;
        Some(doc)
    } else {
        None
    };
    let mut run = Run::new(&opts, eoe, printer, stdout, stderr, want_progress);
    run.json = json;
    run.html = opts.html.as_ref().map(|_| {
        let mut o = opts.clone();
        o.kind = Kind::Summary;
        o.summary = true;
        Box::new(HtmlRun {
            opts: o,
            counters: Counters::default(),
            stats: html::HtmlStats::default(),
            name: Vec::new(),
        })
    });
    let rc = match crate::source(
        opts.input.as_deref(),
        opts.force_logs,
        &conf.log_file,
        run.stderr,
    ) {
        None => {
            run.finish();
            return 1;
        }
        Some(crate::Source::Logs(path)) => run.logs(&path),
        Some(crate::Source::File(input, m)) => {
            if want_progress {
                run.progress = progress_bar(Some(m.len()));
            }
            run.file(input)
        }
        Some(crate::Source::Stdin) => {
            if want_progress {
                run.progress = progress_bar(None);
            }
            run.read(std::io::stdin().lock(), b"stdin");
            0
        }
    };
    if let Some(pb) = run.progress.take() {
        pb.finish_and_clear();
    }
    if rc != 0 {
        run.finish();
        return rc;
    }
    if let (Some(path), Some(h)) = (&opts.html, run.html.take()) {
        let mut summary = Vec::new();
        let mut users = std::mem::take(&mut run.users);
        print::wrap_up(
            &h.opts,
            &h.counters,
            run.very_first(),
            run.very_last,
            &mut users,
            &mut summary,
        );
        run.users = users;
        let source = opts.input.as_deref().map_or_else(
            || "the configured logs".to_string(),
            |i| String::from_utf8_lossy(i).into_owned(),
        );
        let page = html::page(&h.stats, &summary, &source);
        if let Err(e) = std::fs::write(std::ffi::OsStr::from_bytes(path), page) {
            run.finish();
            let _ = writeln!(
                run.stderr,
                "Error writing {} ({})",
                String::from_utf8_lossy(path),
                crate::strerror(&e)
            );
            return 1;
        }
    }
    if !run.found && !opts.summary && opts.kind != Kind::Time {
        run.printer
            .out
            .extend_from_slice(b"<no events of interest were found>\n\n");
        run.finish();
        return 1;
    }
    if opts.summary {
        let (first, last) = (run.very_first(), run.very_last);
        let mut users = std::mem::take(&mut run.users);
        print::wrap_up(
            &opts,
            &run.counters,
            first,
            last,
            &mut users,
            &mut run.printer.out,
        );
    }
    run.finish();
    0
}
