//! Reading events the way auparse 3.0.9 reads a file, a stream or the configured log
//! set (`AUSOURCE_FILE`, `AUSOURCE_FILE_POINTER`, `AUSOURCE_LOGS`).
//!
//! auparse groups records differently from ausearch, and the login tools depend on
//! its order of events:
//! - lines are read whole (`getline`) and used as C strings (they end at a NUL);
//! - the prefix is read by auparse's own reader (only the first 80 bytes, 340 when
//!   the line starts with `n`); unreadable lines are skipped;
//! - an event is complete when its *last* record is of a kind that ends an event
//!   (PROCTITLE, EOE, single-record kinds), or when a line `eoe_timeout` seconds
//!   newer than its start is read; a record that fails to parse is kept but skips
//!   that check;
//! - a complete event is handed out only when it is the oldest event held, and the
//!   reader looks for one only before reading and after starting a new event.

use std::fs::File;
use std::io::{self, BufRead, BufReader};

use raudit_logfmt::normalize::{pieces, Piece};
use raudit_logfmt::{Event, EventId};

const EOE: i32 = 1320;

/// Where the events come from.
pub enum Source {
    /// One file (`-f FILE`).
    File(Vec<u8>),
    /// Standard input (`--stdin`).
    Stdin,
    /// The log set named by auditd.conf, oldest first.
    Logs,
}

/// Why a source could not be opened (auparse_init returning NULL).
#[derive(Debug)]
pub struct InitError {
    /// errno as auparse leaves it.
    pub errno: i32,
    /// Text auparse printed to stderr itself (`No log file`), if any.
    pub note: Option<&'static str>,
}

/// One event as auparse delivers it.
pub struct AuEvent {
    /// Time and serial.
    pub id: EventId,
    /// Record texts as auparse keeps them (`auparse_get_record_text`): up to the first
    /// NUL or ENRICHED separator, without the newline.
    pub texts: Vec<Vec<u8>>,
    /// Type of each record as auparse parsed it.
    pub types: Vec<i32>,
    lines: Vec<Vec<u8>>,
    host: Option<Vec<u8>>,
}

impl AuEvent {
    /// auparse's type of the first record (`auparse_get_type` right after
    /// `auparse_next_event`).
    pub fn first_type(&self) -> i32 {
        self.types.first().copied().unwrap_or(0)
    }

    /// The parsed form of the event, for field access (None only for an event whose
    /// records auparse could not parse, which the reader never delivers).
    pub fn piece(&self) -> Option<Piece> {
        let mut it = self.lines.iter();
        let mut ev = Event::new(self.id, self.host.as_deref(), 0, it.next()?);
        for l in it {
            ev.push(0, l);
        }
        pieces(&ev).into_iter().next()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Empty,
    Building,
    Complete,
}

struct Slot {
    status: Status,
    ev: Option<AuEvent>,
    /// Type of the last record added (what auparse checks for completion).
    last_type: i32,
}

enum Input {
    Files {
        list: Vec<Vec<u8>>,
        idx: usize,
        cur: Option<BufReader<File>>,
        started: bool,
    },
    Stream(Box<dyn BufRead>),
    Done,
}

/// auparse's event reader.
pub struct AuParser {
    input: Input,
    eoe_timeout: i64,
    slots: Vec<Slot>,
    ready: usize,
    line: Vec<u8>,
}

/// How auparse's prefix reader sees a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuHeader {
    /// Time and serial.
    pub id: EventId,
    /// Host name (auparse takes what follows the first 5 bytes of a first token
    /// that starts with `n` and is longer than 5 bytes).
    pub host: Option<Vec<u8>>,
}

/// auparse's `extract_timestamp` (with `str2event`); None for a line it skips.
pub fn extract_timestamp(line: &[u8], eoe_timeout: i64) -> Option<AuHeader> {
    use raudit_logfmt::num::strtoul;
    let lim = if line.first() == Some(&b'n') { 340 } else { 80 };
    let head = &line[..line.len().min(lim)];
    let mut toks = head.split(|&b| b == b' ').filter(|t| !t.is_empty());
    let first = toks.next()?;
    let mut host = None;
    if first[0] == b'n' && first.len() > 5 {
        host = Some(first[5..].to_vec());
        toks.next();
    }
    let tok = toks.next()?;
    if tok.len() <= 18 {
        return None;
    }
    let open = if tok[9] == b'(' {
        9
    } else {
        memchr::memchr(b'(', tok)?
    };
    let mut s = &tok[open + 1..];
    if let Some(close) = memchr::memchr(b')', s) {
        s = &s[..close];
    }
    let r = strtoul(s, 10);
    if r.overflow {
        return None;
    }
    let sec = r.value as i64;
    if sec > i64::MAX - eoe_timeout - 1 {
        return None;
    }
    let mut rest = s;
    let mut milli = 0u32;
    if let Some(dot) = memchr::memchr(b'.', s) {
        let m = strtoul(&s[dot + 1..], 10);
        let v = m.value as u32;
        if m.overflow || v > 999 {
            return None;
        }
        milli = v;
        rest = &s[dot + 1..];
    }
    let mut serial = 0u64;
    if let Some(colon) = memchr::memchr(b':', rest) {
        let m = strtoul(&rest[colon + 1..], 10);
        if m.overflow {
            return None;
        }
        serial = m.value;
    }
    Some(AuHeader {
        id: EventId { sec, milli, serial },
        host,
    })
}

/// What auparse's record parser makes of a line: its type, or None when the parse
/// fails (a record auparse keeps in a building event but does not check). An EOE
/// record reports `Some(EOE)`.
fn classify(id: EventId, host: Option<&[u8]>, line: &[u8]) -> Option<i32> {
    let ev = Event::new(id, host, 0, line);
    match pieces(&ev).first() {
        Some(p) => Some(p.first_type()),
        None => {
            // Empty: the record failed to parse (only AVC permission lists can make
            // it fail once the prefix was readable) or it is an EOE.
            let msg = match memchr::memchr(raudit_logfmt::INTERP_SEPARATOR, line) {
                Some(i) => &line[..i],
                None => line,
            };
            let avc = memchr::memmem::find(msg, b"type=AVC ").is_some()
                || memchr::memmem::find(msg, b"type=USER_AVC ").is_some();
            if avc {
                None
            } else {
                Some(EOE)
            }
        }
    }
}

fn ends_event(t: i32) -> bool {
    raudit_logfmt::assemble::is_single_record_type(t) || t == EOE
}

/// The log set auparse reads for `AUSOURCE_LOGS`: `log_file.N` … `log_file`, as long
/// as each is readable.
fn log_set(log_file: &[u8]) -> Result<Vec<Vec<u8>>, InitError> {
    use std::os::unix::ffi::OsStrExt;
    let readable = |p: &[u8]| {
        nix::unistd::access(
            std::ffi::OsStr::from_bytes(p),
            nix::unistd::AccessFlags::R_OK,
        )
    };
    let name = |n: usize| crate::rotated_name(log_file, n);
    let mut num = 0;
    let errno = loop {
        match readable(&name(num)) {
            Ok(()) => num += 1,
            Err(e) => break e as i32,
        }
    };
    if num == 0 {
        return Err(InitError {
            errno,
            note: Some("No log file\n"),
        });
    }
    Ok((0..num).rev().map(name).collect())
}

impl AuParser {
    /// `auparse_init` for one of the sources; the end-of-event timeout and the log
    /// file come from auditd.conf as auparse reads them.
    pub fn open(src: Source) -> Result<AuParser, InitError> {
        let (conf, _) = crate::config::load(crate::config::DEFAULT_CONFIG);
        let input = match src {
            Source::Stdin => {
                Input::Stream(Box::new(BufReader::with_capacity(1 << 16, io::stdin())))
            }
            Source::File(path) => {
                use std::os::unix::ffi::OsStrExt;
                let p = std::ffi::OsStr::from_bytes(&path);
                if let Err(e) = nix::unistd::access(p, nix::unistd::AccessFlags::R_OK) {
                    return Err(InitError {
                        errno: e as i32,
                        note: None,
                    });
                }
                Input::Files {
                    list: vec![path],
                    idx: 0,
                    cur: None,
                    started: false,
                }
            }
            Source::Logs => Input::Files {
                list: log_set(&conf.log_file)?,
                idx: 0,
                cur: None,
                started: false,
            },
        };
        Ok(Self::with_input(input, conf.eoe_timeout))
    }

    /// A reader over any byte stream (as `AUSOURCE_FILE_POINTER`).
    pub fn from_reader(r: Box<dyn BufRead>, eoe_timeout: i64) -> AuParser {
        Self::with_input(Input::Stream(r), eoe_timeout)
    }

    fn with_input(input: Input, eoe_timeout: i64) -> AuParser {
        AuParser {
            input,
            eoe_timeout,
            slots: Vec::new(),
            ready: 0,
            line: Vec::new(),
        }
    }

    /// Reads the next line into `self.line` (`getline`, newline removed, cut at the
    /// first NUL). Ok(false) at the end of all input.
    fn read_line(&mut self) -> io::Result<bool> {
        self.line.clear();
        loop {
            let n = match &mut self.input {
                Input::Done => return Ok(false),
                Input::Stream(r) => r.read_until(b'\n', &mut self.line)?,
                Input::Files {
                    list,
                    idx,
                    cur,
                    started,
                } => {
                    if !*started {
                        *started = true;
                        use std::os::unix::ffi::OsStrExt;
                        let f = File::open(std::ffi::OsStr::from_bytes(&list[0]))?;
                        *cur = Some(BufReader::with_capacity(1 << 16, f));
                    }
                    let Some(r) = cur else { return Ok(false) };
                    let n = r.read_until(b'\n', &mut self.line)?;
                    if n == 0 {
                        *cur = None;
                        *idx += 1;
                        if let Some(p) = list.get(*idx) {
                            use std::os::unix::ffi::OsStrExt;
                            let f = File::open(std::ffi::OsStr::from_bytes(p))?;
                            *cur = Some(BufReader::with_capacity(1 << 16, f));
                        }
                        continue;
                    }
                    n
                }
            };
            if n == 0 {
                return Ok(false);
            }
            if self.line.last() == Some(&b'\n') {
                self.line.pop();
            }
            if let Some(z) = memchr::memchr(0, &self.line) {
                self.line.truncate(z);
            }
            return Ok(true);
        }
    }

    /// `au_get_ready_event`: the oldest held event, if it is complete.
    fn take_ready(&mut self) -> Option<AuEvent> {
        if self.ready == 0 {
            return None;
        }
        let mut lowest: Option<usize> = None;
        for (i, s) in self.slots.iter().enumerate() {
            if s.status == Status::Empty {
                continue;
            }
            match lowest {
                None => lowest = Some(i),
                Some(l) => {
                    let a = self.slots[l].ev.as_ref().map(|e| e.id);
                    let b = s.ev.as_ref().map(|e| e.id);
                    if a > b {
                        lowest = Some(i);
                    }
                }
            }
        }
        let l = lowest?;
        if self.slots[l].status != Status::Complete {
            return None;
        }
        self.slots[l].status = Status::Empty;
        self.ready -= 1;
        self.slots[l].ev.take()
    }

    /// `au_check_events`.
    fn check(&mut self, sec: i64) {
        for s in &mut self.slots {
            if s.status != Status::Building {
                continue;
            }
            let Some(ev) = &s.ev else { continue };
            if ev.id.sec + self.eoe_timeout <= sec || ends_event(s.last_type) {
                s.status = Status::Complete;
                self.ready += 1;
            }
        }
    }

    /// `auparse_next_event`: Ok(None) when the input is exhausted; an error ends the
    /// reading (events still held are not delivered, as in auparse).
    pub fn next_event(&mut self) -> io::Result<Option<AuEvent>> {
        if let Some(e) = self.take_ready() {
            return Ok(Some(e));
        }
        loop {
            if !self.read_line()? {
                self.input = Input::Done;
                for s in &mut self.slots {
                    if s.status == Status::Building {
                        s.status = Status::Complete;
                        self.ready += 1;
                    }
                }
                return Ok(self.take_ready());
            }
            let Some(hdr) = extract_timestamp(&self.line, self.eoe_timeout) else {
                continue;
            };
            let line = std::mem::take(&mut self.line);
            let text = match memchr::memchr(raudit_logfmt::INTERP_SEPARATOR, &line) {
                Some(i) => line[..i].to_vec(),
                None => line.clone(),
            };
            let kind = classify(hdr.id, hdr.host.as_deref(), &line);
            // Is this an event being built?
            if let Some(s) = self.slots.iter_mut().find(|s| {
                s.status == Status::Building
                    && s.ev
                        .as_ref()
                        .is_some_and(|e| e.id == hdr.id && e.host == hdr.host)
            }) {
                let ev = s.ev.as_mut().expect("building slot has an event");
                ev.texts.push(text);
                ev.lines.push(line);
                match kind {
                    Some(t) => {
                        ev.types.push(t);
                        s.last_type = t;
                        self.check(hdr.id.sec);
                    }
                    None => {
                        ev.types.push(avc_type(&ev.texts[ev.texts.len() - 1]));
                        s.last_type = *ev.types.last().unwrap_or(&0);
                    }
                }
                continue;
            }
            let Some(t) = kind else { continue };
            if t == EOE {
                continue;
            }
            let ev = AuEvent {
                id: hdr.id,
                texts: vec![text],
                types: vec![t],
                lines: vec![line],
                host: hdr.host,
            };
            let slot = Slot {
                status: Status::Building,
                ev: Some(ev),
                last_type: t,
            };
            match self.slots.iter().position(|s| s.status == Status::Empty) {
                Some(i) => self.slots[i] = slot,
                None => self.slots.push(slot),
            }
            let sec = hdr.id.sec;
            self.check(sec);
            if let Some(e) = self.take_ready() {
                return Ok(Some(e));
            }
        }
    }
}

/// The type of a record that failed to parse (only AVC kinds can).
fn avc_type(text: &[u8]) -> i32 {
    if memchr::memmem::find(text, b"type=USER_AVC ").is_some() {
        1107
    } else {
        1400
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(text: &str) -> Vec<(u64, Vec<i32>)> {
        let mut p = AuParser::from_reader(Box::new(io::Cursor::new(text.as_bytes().to_vec())), 2);
        let mut out = Vec::new();
        while let Some(e) = p.next_event().unwrap() {
            out.push((e.id.serial, e.types.clone()));
        }
        out
    }

    #[test]
    fn groups_until_proctitle() {
        let log = "type=SYSCALL msg=audit(10.000:1): a=1\n\
                   type=CWD msg=audit(10.000:1): cwd=\"/\"\n\
                   type=PROCTITLE msg=audit(10.000:1): proctitle=6C73\n\
                   type=USER_LOGIN msg=audit(11.000:2): pid=1\n";
        assert_eq!(
            events(log),
            vec![(1, vec![1300, 1307, 1327]), (2, vec![1112])]
        );
    }

    #[test]
    fn oldest_first_and_standalone_eoe() {
        let log = "type=SYSCALL msg=audit(10.000:5): a=1\n\
                   type=USER_LOGIN msg=audit(9.000:4): pid=1\n\
                   type=EOE msg=audit(10.000:5): \n\
                   type=EOE msg=audit(10.000:5): \n\
                   type=USER_END msg=audit(12.000:6): pid=1\n";
        assert_eq!(
            events(log),
            vec![(4, vec![1112]), (5, vec![1300, 1320]), (6, vec![1106])]
        );
    }

    #[test]
    fn prefix_reader() {
        let h = extract_timestamp(b"node=abc type=LOGIN msg=audit(1700000000.5:7): x", 2).unwrap();
        assert_eq!(
            h.id,
            EventId {
                sec: 1_700_000_000,
                milli: 5,
                serial: 7
            }
        );
        assert_eq!(h.host.as_deref(), Some(&b"abc"[..]));
        assert!(extract_timestamp(b"type=LOGIN msg=x", 2).is_none());
        assert!(extract_timestamp(b"", 2).is_none());
        assert!(extract_timestamp(b"type=LOGIN msg=audit(1700000000.1000:7): x", 2).is_none());
        // The time token must be longer than 18 bytes.
        assert!(extract_timestamp(b"type=LOGIN msg=audit(1.5:7): x", 2).is_none());
    }
}
