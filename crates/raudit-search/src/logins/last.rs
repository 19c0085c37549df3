//! `aulast` 3.0.9: login sessions rebuilt from LOGIN, USER_LOGIN, USER_END, boot and
//! shutdown events, printed like `last`.
//!
//! The session list behaves exactly like the C tool's singly linked list with its
//! "current" pointer, because the output depends on it: a list walk leaves no
//! current node, searches that fail leave it where it was, and a node appended while
//! there is no current node is not linked into the list (it becomes current only).

use std::io::Write;

use raudit_logfmt::interpret::Escape;
use raudit_logfmt::normalize::{FieldInterpreter, Values};

use super::cursor::AuCursor;
use super::source::{AuParser, Source};
use crate::ctime;
use crate::names::SystemNames;

const LOGIN: i32 = 1006;
const USER_END: i32 = 1106;
const USER_LOGIN: i32 = 1112;
const SYSTEM_BOOT: i32 = 1127;
const SYSTEM_SHUTDOWN: i32 = 1128;
const DAEMON_START: i32 = 1200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    LogIn,
    SessionStart,
    LogOut,
    Down,
    Crash,
    Gone,
}

#[derive(Debug, Clone)]
struct Node {
    session: u32,
    start: i64,
    end: i64,
    auid: u32,
    pid: i32,
    name: Option<Vec<u8>>,
    term: Option<Vec<u8>>,
    host: Option<Vec<u8>>,
    result: i32,
    status: Status,
    loginuid_proof: u64,
    user_login_proof: u64,
    user_end_proof: u64,
    next: Option<usize>,
}

/// The C list: nodes in an arena, `head` and `cur` as indices.
#[derive(Default)]
struct List {
    nodes: Vec<Node>,
    head: Option<usize>,
    cur: Option<usize>,
}

impl List {
    fn first(&mut self) {
        self.cur = self.head;
    }

    fn next(&mut self) -> Option<usize> {
        let c = self.cur?;
        self.cur = self.nodes[c].next;
        self.cur
    }

    fn append(&mut self, mut n: Node) {
        n.next = None;
        let i = self.nodes.len();
        self.nodes.push(n);
        if self.head.is_none() {
            self.head = Some(i);
        } else if let Some(mut c) = self.cur {
            while let Some(nx) = self.nodes[c].next {
                c = nx;
            }
            self.nodes[c].next = Some(i);
        }
        self.cur = Some(i);
    }

    fn clear(&mut self) {
        self.nodes.clear();
        self.head = None;
        self.cur = None;
    }

    fn delete_cur(&mut self) {
        let mut prev = self.head;
        let mut cur = self.head;
        while let Some(c) = cur {
            if Some(c) == self.cur {
                if Some(c) == prev && Some(c) == self.head {
                    self.head = self.nodes[c].next;
                    self.cur = self.nodes[c].next;
                } else if let Some(p) = prev {
                    self.nodes[p].next = self.nodes[c].next;
                    self.cur = Some(p);
                }
                return;
            }
            prev = cur;
            cur = self.nodes[c].next;
        }
    }

    fn find(&mut self, f: impl Fn(&Node) -> bool) -> Option<usize> {
        let mut cur = self.head;
        while let Some(c) = cur {
            if f(&self.nodes[c]) {
                self.cur = Some(c);
                return Some(c);
            }
            cur = self.nodes[c].next;
        }
        None
    }
}

/// The command line.
#[derive(Debug, Default)]
pub struct Options {
    /// `--bad`: report failed logins instead.
    pub bad: bool,
    /// `--proof`: print the serial numbers and an ausearch command per session.
    pub proof: bool,
    /// `--debug`.
    pub debug: bool,
    /// `--tty`.
    pub tty: Option<Vec<u8>>,
    /// `--user`.
    pub user: Option<Vec<u8>>,
    /// `-f FILE`.
    pub file: Option<Vec<u8>>,
    /// `--stdin`.
    pub stdin: bool,
    /// `--extract`: `aulast.log`, opened (truncated) while the arguments are read,
    /// as the C tool does; None when not asked for or when it could not be opened.
    pub extract: Option<std::fs::File>,
}

const USAGE: &str = "usage: aulast [--bad] [--debug] [--stdin] [--proof] [--extract] [-f file] [--user name] [--tty tty]\n";

/// Parses aulast's arguments; Err(code) after printing the message.
pub fn parse_args(args: &[Vec<u8>], err: &mut dyn Write) -> Result<Options, i32> {
    let mut o = Options::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_slice();
        match a {
            b"-f" => {
                if o.stdin {
                    let _ = err.write_all(b"stdin already given\n");
                    return Err(1);
                }
                i += 1;
                o.file = args.get(i).cloned();
            }
            b"--bad" => o.bad = true,
            b"--proof" => o.proof = true,
            b"--extract" => o.extract = std::fs::File::create("aulast.log").ok(),
            b"--stdin" => {
                if o.file.is_some() {
                    let _ = err.write_all(b"file already given\n");
                    return Err(1);
                }
                o.stdin = true;
            }
            b"--user" | b"--tty" => {
                let slot = if a == b"--user" {
                    &mut o.user
                } else {
                    &mut o.tty
                };
                if slot.is_some() {
                    let _ = err.write_all(USAGE.as_bytes());
                    return Err(1);
                }
                i += 1;
                *slot = args.get(i).cloned();
            }
            b"--debug" => o.debug = true,
            _ => {
                let _ = err.write_all(USAGE.as_bytes());
                return Err(1);
            }
        }
        i += 1;
    }
    Ok(o)
}

struct Last<'a> {
    o: &'a Options,
    l: List,
    kernel: Option<Vec<u8>>,
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    extract: Option<std::io::BufWriter<std::fs::File>>,
    fi: &'a dyn FieldInterpreter,
    now: i64,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// C's `%-W.Ps`: at most `prec` bytes, left-aligned in `width`.
fn pad(out: &mut Vec<u8>, s: &[u8], width: usize, prec: usize) {
    let s = &s[..s.len().min(prec)];
    out.extend_from_slice(s);
    for _ in s.len()..width {
        out.push(b' ');
    }
}

fn x_t(t: i64) -> String {
    ctime::strftime(c"%x %T", &ctime::localtime(t))
}

impl Last<'_> {
    fn report(&mut self, n: &mut Node) {
        if n.result != self.o.bad as i32 {
            return;
        }
        let mut notime = false;
        let mut b = Vec::with_capacity(128);
        if let Some(name) = &n.name {
            pad(&mut b, name, 8, 8);
            b.push(b' ');
            if n.end == 0 {
                n.end = self.now;
                notime = true;
            }
        } else {
            // "%-8.u": precision 0 prints nothing for 0.
            let v = if n.auid == 0 {
                String::new()
            } else {
                n.auid.to_string()
            };
            pad(&mut b, v.as_bytes(), 8, usize::MAX);
            b.push(b' ');
        }
        let term = n.term.as_deref().unwrap_or(b"");
        let term = term.strip_prefix(b"/dev/").unwrap_or(term);
        pad(&mut b, term, 12, 12);
        b.push(b' ');
        pad(&mut b, n.host.as_deref().unwrap_or(b"?"), 16, 16);
        b.push(b' ');
        let start = ctime::ctime(n.start).unwrap_or_else(|| "(null)".into());
        pad(&mut b, start.as_bytes(), 16, 16);
        b.push(b' ');
        match n.status {
            Status::SessionStart => b.extend_from_slice(b"  still logged in\n"),
            Status::Down => b.extend_from_slice(b"- down\n"),
            Status::Crash => b.extend_from_slice(b"- crash\n"),
            Status::Gone => b.extend_from_slice(b"  gone - no logout\n"),
            Status::LogOut => {
                if notime {
                    b.extend_from_slice(b"- ");
                    pad(&mut b, b" ", 7, 5);
                } else {
                    let t = ctime::ctime(n.end);
                    let t = t.as_deref().map_or("bad value", |t| &t[11..]);
                    b.extend_from_slice(b"- ");
                    pad(&mut b, t.as_bytes(), 7, 5);
                }
                let secs = n.end.wrapping_sub(n.start);
                let mins = ((secs / 60) % 60) as i32;
                let hours = ((secs / 3600) % 24) as i32;
                let days = (secs / 86400) as i32;
                let s = if days != 0 {
                    format!("({days}+{hours:02}:{mins:02})\n")
                } else {
                    format!("({hours:02}:{mins:02})\n")
                };
                b.extend_from_slice(s.as_bytes());
            }
            Status::LogIn => b.push(b'\n'),
        }
        if self.o.proof {
            let bad_login = n.loginuid_proof == 0 && n.result == 1;
            if bad_login {
                b.extend_from_slice(
                    format!(
                        "    audit event proof serial number: {}\n",
                        n.user_login_proof
                    )
                    .as_bytes(),
                );
            } else {
                b.extend_from_slice(
                    format!(
                        "    audit event proof serial numbers: {}, {}, {}\n",
                        n.loginuid_proof, n.user_login_proof, n.user_end_proof
                    )
                    .as_bytes(),
                );
            }
            b.extend_from_slice(b"    Session data can be found with this search:\n");
            let start = x_t(n.start);
            match (n.end != 0).then(|| ctime::localtime_opt(n.end)).flatten() {
                Some(tm) => {
                    let end = ctime::strftime(c"%x %T", &tm);
                    b.extend_from_slice(
                        format!("    ausearch --start {start} --end {end}").as_bytes(),
                    );
                }
                None => b.extend_from_slice(format!("    ausearch --start {start}").as_bytes()),
            }
            if n.name.is_none() {
                b.extend_from_slice(format!(" --session {}", n.session).as_bytes());
            }
            if bad_login {
                b.extend_from_slice(format!(" -a {}", n.user_login_proof).as_bytes());
            }
            b.extend_from_slice(b"\n\n");
        }
        let _ = self.out.write_all(&b);
    }

    fn report_idx(&mut self, i: usize) {
        let mut n = self.l.nodes[i].clone();
        self.report(&mut n);
        let next = self.l.nodes[i].next;
        n.next = next;
        self.l.nodes[i] = n;
    }

    fn debug(&mut self, msg: String) {
        if self.o.debug {
            let _ = self.err.write_all(msg.as_bytes());
        }
    }

    fn extract(&mut self, c: &AuCursor<'_>) {
        if let Some(f) = &mut self.extract {
            let t = c.record_text().unwrap_or(b"(null)");
            let _ = f.write_all(t);
            let _ = f.write_all(b"\n");
        }
    }

    fn create_new_session(&mut self, c: &mut AuCursor<'_>) {
        let mut pid = -1;
        let mut auid = -1;
        let mut ses = -1;
        let mut tacct = None;
        if c.find_field(b"pid").is_some() {
            pid = c.field_int();
        }
        let tauid = if c.find_field(b"old-auid").is_some() {
            c.find_field(b"auid")
        } else {
            c.first_record();
            c.find_field(b"auid");
            c.next_field();
            c.find_field(b"auid")
        };
        if tauid.is_some() {
            auid = c.field_int();
            tacct = c.interpret(self.fi);
        }
        let tses = if c.find_field(b"old-ses").is_some() {
            c.find_field(b"ses")
        } else {
            c.first_record();
            c.find_field(b"ses");
            c.next_field();
            c.find_field(b"ses")
        };
        if tses.is_some() {
            ses = c.field_int();
        }
        if pid == -1 || auid == -1 || ses == -1 {
            self.debug(format!("Bad login for event: {}\n", c.serial()));
            return;
        }
        if let Some(i) = self.l.find(|n| n.session == ses as u32) {
            self.l.nodes[i].status = Status::Gone;
            self.l.nodes[i].end = c.time();
            self.report_idx(i);
            self.l.delete_cur();
        }
        if let Some(user) = &self.o.user {
            if tacct.as_deref() != Some(user.as_slice()) {
                self.debug(format!(
                    "login reporting limited to {} for event: {}\n",
                    String::from_utf8_lossy(user),
                    c.serial()
                ));
                return;
            }
        }
        self.l.append(Node {
            session: ses as u32,
            start: c.time(),
            end: 0,
            auid: auid as u32,
            pid,
            name: tacct,
            term: None,
            host: None,
            result: -1,
            status: Status::LogIn,
            loginuid_proof: c.serial(),
            user_login_proof: 0,
            user_end_proof: 0,
            next: None,
        });
    }

    fn update_session_login(&mut self, c: &mut AuCursor<'_>) {
        let mut pid = -1;
        let mut uid = -1;
        let mut ses = -1;
        let mut result = -1;
        let mut tacct = None;
        if c.find_field(b"pid").is_some() {
            pid = c.field_int();
        }
        if c.find_field(b"ses").is_some() {
            ses = c.field_int();
        }
        if c.find_field(b"uid").is_some() {
            uid = c.field_int();
        } else {
            c.first_record();
            if c.find_field(b"id").is_some() {
                uid = c.field_int();
            }
            c.first_record();
        }
        let start = c.time();
        let mut host = c.find_field(b"hostname");
        if host.as_deref() == Some(b"?") {
            host = c.find_field(b"addr");
        }
        let term = c.find_field(b"terminal").unwrap_or_else(|| b"?".to_vec());
        let tres = match c.find_field(b"res") {
            Some(_) => c.interpret(self.fi),
            None => None,
        };
        if let Some(r) = &tres {
            result = if r == b"success" { 0 } else { 1 };
        }
        if result == 1 {
            c.first_record();
            if c.find_field(b"acct").is_some() {
                tacct = c.interpret(self.fi);
            }
        } else if pid == -1 || uid == -1 || ses == -1 {
            self.debug(format!("Bad user login for event: {}\n", c.serial()));
            return;
        }
        let cur = if result == 0 {
            self.l
                .find(|n| n.pid == pid && n.auid == uid as u32 && n.session == ses as u32)
        } else {
            None
        };
        if let Some(i) = cur {
            if let Some(ct) = &self.o.tty {
                if memchr::memmem::find(&term, ct).is_none() {
                    self.l.delete_cur();
                    self.debug(format!(
                        "User login limited to {} for event: {}\n",
                        String::from_utf8_lossy(ct),
                        c.serial()
                    ));
                    return;
                }
            }
            let n = &mut self.l.nodes[i];
            n.status = Status::SessionStart;
            n.term = Some(term);
            if host.is_some() {
                n.host = host;
            }
            n.result = result;
            n.user_login_proof = c.serial();
        } else if self.o.bad && result == 1 {
            let mut n = Node {
                session: 0,
                start,
                end: start,
                auid: uid as u32,
                pid: 0,
                name: tacct,
                term: Some(term),
                host,
                result,
                status: Status::LogOut,
                loginuid_proof: 0,
                user_login_proof: c.serial(),
                user_end_proof: 0,
                next: None,
            };
            self.report(&mut n);
        } else if self.o.debug {
            let _ = self.out.write_all(b"Session not found or updated\n");
        }
    }

    fn update_session_logout(&mut self, c: &mut AuCursor<'_>) {
        let mut pid = -1;
        let mut auid = -1;
        let mut ses = -1;
        if c.find_field(b"pid").is_some() {
            pid = c.field_int();
        }
        if c.find_field(b"auid").is_some() {
            auid = c.field_int();
        }
        if c.find_field(b"ses").is_some() {
            ses = c.field_int();
        }
        if pid == -1 || auid == -1 || ses == -1 {
            self.debug(format!("Bad user logout for event: {}\n", c.serial()));
            return;
        }
        if let Some(i) = self
            .l
            .find(|n| n.pid == pid && n.auid == auid as u32 && n.session == ses as u32)
        {
            if self.l.nodes[i].start != 0 {
                let n = &mut self.l.nodes[i];
                n.end = c.time();
                n.status = Status::LogOut;
                n.user_end_proof = c.serial();
                self.report_idx(i);
            } else {
                self.debug(format!("start time error for event: {}\n", c.serial()));
            }
            self.l.delete_cur();
        }
    }

    fn process_bootup(&mut self, c: &mut AuCursor<'_>) {
        self.l.first();
        while let Some(i) = self.l.cur {
            if self.l.nodes[i].name.is_some() {
                let n = &mut self.l.nodes[i];
                n.user_end_proof = c.serial();
                n.status = Status::Crash;
                n.end = c.time();
                self.report_idx(i);
            }
            self.l.next();
        }
        self.l.first();
        while let Some(i) = self.l.cur {
            if self.l.nodes[i].status != Status::Crash {
                let n = &mut self.l.nodes[i];
                n.user_end_proof = c.serial();
                n.status = Status::Down;
                n.end = c.time();
                self.report_idx(i);
            }
            self.l.next();
        }
        self.l.clear();
        self.l.append(Node {
            session: 0,
            start: c.time(),
            end: 0,
            auid: 0,
            pid: 0,
            name: Some(b"reboot".to_vec()),
            term: Some(b"system boot".to_vec()),
            host: self.kernel.clone(),
            result: 0,
            status: Status::LogIn,
            loginuid_proof: c.serial(),
            user_login_proof: 0,
            user_end_proof: 0,
            next: None,
        });
    }

    fn process_kernel(&mut self, c: &mut AuCursor<'_>) {
        if let Some(k) = c.find_field(b"kernel") {
            self.kernel = Some(k);
        }
    }

    fn process_shutdown(&mut self, c: &mut AuCursor<'_>) {
        self.l.first();
        while let Some(i) = self.l.cur {
            if self.l.nodes[i].name.is_some() {
                let n = &mut self.l.nodes[i];
                n.end = c.time();
                n.status = Status::LogOut;
                n.user_end_proof = c.serial();
                self.report_idx(i);
                self.l.delete_cur();
                return;
            }
            self.l.next();
        }
    }
}

/// Runs aulast with parsed options; returns the exit code.
pub fn run(o: &Options, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    ctime::init_locale();
    let extract = o
        .extract
        .as_ref()
        .and_then(|f| f.try_clone().ok())
        .map(std::io::BufWriter::new);
    let src = if let Some(f) = &o.file {
        Source::File(f.clone())
    } else if o.stdin {
        Source::Stdin
    } else {
        if !nix::unistd::getuid().is_root() {
            let _ = err.write_all(b"You probably need to be root for this to work\n");
        }
        Source::Logs
    };
    let mut p = match AuParser::open(src) {
        Ok(p) => p,
        Err(e) => {
            if let Some(n) = e.note {
                let _ = err.write_all(n.as_bytes());
            }
            let msg = nix::errno::Errno::from_raw(e.errno).desc();
            let _ = err.write_all(format!("Error - {msg}\n").as_bytes());
            return 1;
        }
    };
    let names = SystemNames::default();
    let values = Values::new(&names, Escape::Tty);
    let mut st = Last {
        o,
        l: List::default(),
        kernel: None,
        out,
        err,
        extract,
        fi: &values,
        now: now(),
    };
    while let Ok(Some(ev)) = p.next_event() {
        let t = ev.first_type();
        if !matches!(
            t,
            LOGIN | USER_LOGIN | USER_END | SYSTEM_BOOT | SYSTEM_SHUTDOWN | DAEMON_START
        ) {
            continue;
        }
        let mut c = AuCursor::new(&ev);
        st.now = now();
        match t {
            LOGIN => st.create_new_session(&mut c),
            USER_LOGIN => st.update_session_login(&mut c),
            USER_END => st.update_session_logout(&mut c),
            SYSTEM_BOOT => st.process_bootup(&mut c),
            SYSTEM_SHUTDOWN => st.process_shutdown(&mut c),
            _ => st.process_kernel(&mut c),
        }
        st.extract(&c);
    }
    st.now = now();
    st.l.first();
    while let Some(i) = st.l.cur {
        st.report_idx(i);
        st.l.next();
    }
    if let Some(mut f) = st.extract.take() {
        let _ = f.flush();
    }
    let _ = st.out.flush();
    0
}

/// `aulast ARGS…`.
pub fn main(args: &[Vec<u8>], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match parse_args(args, err) {
        Ok(o) => run(&o, out, err),
        Err(code) => code,
    }
}
