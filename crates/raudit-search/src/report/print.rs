//! What aureport prints: titles, one line per event for the detailed reports, and the
//! totals of the summaries; plus the per-event counting for the summaries.

use std::borrow::Cow;

use raudit_logfmt::Event;

use super::options::{Kind, Outcome, ReportOptions};
use super::t;
use super::tally::{Counters, IntTally, StrTally};
use super::{bit, Mask};
use crate::avc::AvcResult;
use crate::criteria::Escape;
use crate::items::{Interpretations, SearchItems, UserNames, SUCCESS_FAILED, SUCCESS_YES};
use crate::strings::c_str;

/// One event being reported: its records, extracted values and (with `-i`) the
/// interpretations of its first record.
pub(super) struct Cx<'e, 'i, 'u> {
    pub ev: &'e Event,
    pub s: &'i SearchItems<'e>,
    pub interp: Option<&'i Interpretations<'e>>,
    pub users: &'u mut UserNames,
    /// Which record types of interest the event has.
    pub types: Mask,
}

const NO_EVENTS: &[u8] = b"<no events of interest were found>\n\n";

fn opt<'x>(v: &'x Option<Cow<'_, [u8]>>) -> Option<&'x [u8]> {
    v.as_deref().map(c_str)
}

/// `printf("%s", s)` of a possibly NULL C string.
fn put_s(out: &mut Vec<u8>, s: Option<&[u8]>) {
    out.extend_from_slice(s.map_or(&b"(null)"[..], c_str));
}

/// `%u`
fn put_u(out: &mut Vec<u8>, n: u64) {
    let mut b = [0u8; 20];
    let mut i = b.len();
    let mut n = n;
    loop {
        i -= 1;
        b[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&b[i..]);
}

/// `%d`
fn put_d(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    put_u(out, n.unsigned_abs());
}

/// `safe_print_string(s, 0)`.
fn safe(out: &mut Vec<u8>, mode: Escape, s: Option<&[u8]>) {
    let Some(s) = s else {
        out.extend_from_slice(b"(null)");
        return;
    };
    let s = c_str(s);
    let l = &s[..s.len().min(raudit_logfmt::MAX_AUDIT_MESSAGE_LENGTH)];
    if crate::escape::needs(mode, l) {
        crate::escape::escape_into(mode, l, out);
    } else {
        out.extend_from_slice(s);
    }
}

/// `safe_print_string(s, 1)`.
fn safe_line(out: &mut Vec<u8>, mode: Escape, s: &[u8]) {
    safe(out, mode, Some(s));
    out.push(b'\n');
}

/// `snprintf` into a buffer of `cap` bytes: at most `cap - 1` bytes are kept.
fn capped(v: &mut Vec<u8>, start: usize, cap: usize) {
    if v.len() - start > cap - 1 {
        v.truncate(start + cap - 1);
    }
}

/// `aulookup_success`.
fn success_name(s: i32) -> &'static [u8] {
    match s {
        SUCCESS_FAILED => b"no",
        SUCCESS_YES => b"yes",
        _ => b"unset",
    }
}

/// `audit_msg_type_to_name`, `(null)` when it has no name.
fn type_name(ty: i32) -> &'static [u8] {
    u32::try_from(ty)
        .ok()
        .and_then(raudit_tables::msg_type_name)
        .map_or(&b"(null)"[..], str::as_bytes)
}

/// `aulookup_uid` into `out` (a buffer of `cap` bytes).
pub(super) fn uid_name(
    out: &mut Vec<u8>,
    interpret: bool,
    interp: Option<&Interpretations<'_>>,
    users: &mut UserNames,
    uid: u32,
    cap: usize,
) {
    let start = out.len();
    if !interpret {
        put_d(out, i64::from(uid as i32));
    } else if uid == u32::MAX {
        out.extend_from_slice(b"unset");
    } else if let Some(v) = interp.and_then(|i| i.lookup(b"auid")) {
        out.extend_from_slice(c_str(&v));
    } else if let Some(n) = users.name(uid) {
        out.extend_from_slice(n);
    } else {
        out.extend_from_slice(b"unknown(");
        put_d(out, i64::from(uid as i32));
        out.push(b')');
    }
    capped(out, start, cap);
}

/// `aulookup_syscall` into `out` (a buffer of `cap` bytes).
fn syscall_name(out: &mut Vec<u8>, interpret: bool, cx: &Cx<'_, '_, '_>, cap: usize) {
    let start = out.len();
    let s = cx.s;
    if !interpret {
        put_d(out, i64::from(s.syscall));
    } else if let Some(v) = cx.interp.and_then(|i| i.raw(b"syscall")) {
        out.extend_from_slice(c_str(v));
    } else {
        let m = crate::machine::from_elf(s.arch as u32);
        if m < 0 {
            out.push(b'?');
        } else {
            match crate::machine::table(m)
                .and_then(|m| raudit_tables::syscall_name(m, s.syscall as u32))
            {
                Some(n) => out.extend_from_slice(n.as_bytes()),
                None => put_d(out, i64::from(s.syscall)),
            }
        }
    }
    capped(out, start, cap);
}

/// `%x %T` of local time, or `?`.
fn date(out: &mut Vec<u8>, sec: i64) {
    match crate::ctime::localtime_opt(sec) {
        Some(tm) => out.extend_from_slice(crate::ctime::strftime(c"%x %T", &tm).as_bytes()),
        None => out.push(b'?'),
    }
}

/// `%x %T.%03u`
pub(super) fn date_milli(out: &mut Vec<u8>, sec: i64, milli: u32) {
    date(out, sec);
    out.push(b'.');
    let m = milli;
    if m < 100 {
        out.push(b'0');
    }
    if m < 10 {
        out.push(b'0');
    }
    put_u(out, u64::from(m));
}

/// Prints the title. Err when aureport would stop there ("Unimplemented option").
pub(super) fn title(o: &ReportOptions, out: &mut Vec<u8>) -> Result<(), ()> {
    out.push(b'\n');
    if o.summary {
        match o.outcome {
            Outcome::Failed => out.extend_from_slice(b"Failed "),
            Outcome::Success => out.extend_from_slice(b"Success "),
            Outcome::Both => {}
        }
        let (name, bar, col): (&str, usize, &str) = match o.kind {
            Kind::Summary => {
                out.extend_from_slice(b"Summary Report\n======================\n");
                return Ok(());
            }
            Kind::Time | Kind::Tty => return Err(()),
            Kind::Avc => ("Avc Object", 33, "obj"),
            Kind::Mac => ("MAC", 18, "type"),
            Kind::Integ => ("Integrity", 24, "type"),
            Kind::Virt => ("Virtualization", 29, "type"),
            Kind::Config => ("Config Change", 28, "type"),
            Kind::Auth => ("Authentication", 29, "acct"),
            Kind::Login => ("Login", 28, "auid"),
            Kind::AcctMod => ("Acct Modification", 32, "type"),
            Kind::Event => ("Event", 22, "type"),
            Kind::File => ("File", 27, "file"),
            Kind::Host => ("Host", 27, "host"),
            Kind::Pid => ("Pid", 26, "pid"),
            Kind::Syscall => ("Syscall", 26, "syscall"),
            Kind::Term => ("Terminal", 31, "terminal"),
            Kind::User => ("User", 27, "auid"),
            Kind::Exe => ("Executable", 33, "file"),
            Kind::Comm => ("Command", 33, "command"),
            Kind::Anomaly => ("Anomaly", 22, "type"),
            Kind::Response => ("Anomaly Response", 31, "type"),
            Kind::Crypto => ("Crypto", 21, "type"),
            Kind::Key => ("Key", 27, "key"),
        };
        let bar = "=".repeat(bar);
        out.extend_from_slice(
            format!("{name} Summary Report\n{bar}\ntotal  {col}\n{bar}\n").as_bytes(),
        );
        return Ok(());
    }
    let (name, head): (&str, &str) = match o.kind {
        Kind::Avc => (
            "AVC",
            "# date time comm subj syscall class permission obj result event",
        ),
        Kind::Config => ("Config Change", "# date time type auid success event"),
        Kind::Auth => (
            "Authentication",
            "# date time acct host term exe success event",
        ),
        Kind::Login => ("Login", "# date time auid host term exe success event"),
        Kind::AcctMod => (
            "Account Modifications",
            "# date time auid addr term exe acct success event",
        ),
        Kind::Time => {
            out.extend_from_slice(b"Log Time Range Report\n=====================\n");
            return Ok(());
        }
        Kind::Event => ("Event", "# date time event type auid success"),
        Kind::File => ("File", "# date time file syscall success exe auid event"),
        Kind::Host => ("Host", "# date time host syscall auid event"),
        Kind::Pid => ("Process ID", "# date time pid exe syscall auid event"),
        Kind::Syscall => ("Syscall", "# date time syscall pid comm auid event"),
        Kind::Term => ("Terminal", "# date time term host exe auid event"),
        Kind::User => ("User ID", "# date time auid term host exe event"),
        Kind::Exe => ("Executable", "# date time exe term host auid event"),
        Kind::Comm => {
            // aureport's underline of this one is one longer than the heading.
            out.extend_from_slice(
                b"Command Report\n====================================\n\
# date time comm term host auid event\n=====================================\n",
            );
            return Ok(());
        }
        Kind::Anomaly => ("Anomaly", "# date time type exe term host auid event"),
        Kind::Response => ("Response to Anomaly", "# date time type success event"),
        Kind::Mac => ("MAC", "# date time auid type success event"),
        Kind::Integ => ("Integrity", "# date time type success event"),
        Kind::Virt => ("Virtualization", "# date time type success event"),
        Kind::Crypto => ("Crypto", "# date time auid type success event"),
        Kind::Key => ("Key", "# date time key success exe auid event"),
        Kind::Tty => ("TTY", "# date time event auid term sess comm data"),
        Kind::Summary => return Ok(()),
    };
    // The underlines of the file, key and TTY reports are longer than their headings.
    let bar = match o.kind {
        Kind::File | Kind::Key | Kind::Tty => 47,
        _ => head.len(),
    };
    let bar = "=".repeat(bar);
    out.extend_from_slice(format!("{name} Report\n{bar}\n{head}\n{bar}\n").as_bytes());
    Ok(())
}

/// Prints the lines of the detailed reports.
pub(super) struct Printer {
    pub out: Vec<u8>,
    escape: Escape,
    interpret: bool,
    line_item: u32,
    /// Last formatted date (`%x %T`) and its second.
    date_sec: Option<i64>,
    date: Vec<u8>,
    scratch: Vec<u8>,
    /// `--format json`: positions in `out` of the spaces that separate fields.
    pub json: bool,
    pub bounds: Vec<usize>,
}

impl Printer {
    pub(super) fn new(escape: Escape, interpret: bool) -> Printer {
        Printer {
            out: Vec::with_capacity(super::FLUSH_AT + 64 * 1024),
            escape,
            interpret,
            line_item: 0,
            date_sec: None,
            date: Vec::new(),
            scratch: Vec::new(),
            json: false,
            bounds: Vec::new(),
        }
    }

    /// The space between two fields (recorded for `--format json`).
    #[inline]
    pub(super) fn sep(&mut self) {
        if self.json {
            self.bounds.push(self.out.len());
        }
        self.out.push(b' ');
    }

    fn set_date(&mut self, sec: i64) {
        if self.date_sec != Some(sec) {
            self.date.clear();
            date(&mut self.date, sec);
            self.date_sec = Some(sec);
        }
    }

    /// `N. DATE `
    fn item(&mut self) {
        self.line_item += 1;
        put_u(&mut self.out, u64::from(self.line_item));
        self.out.push(b'.');
        self.sep();
        if self.json {
            // `%x %T` is two fields: date and time.
            if let Some(sp) = memchr::memchr(b' ', &self.date) {
                self.bounds.push(self.out.len() + sp);
            }
        }
        self.out.extend_from_slice(&self.date);
        self.sep();
    }

    fn uid(&mut self, cx: &mut Cx<'_, '_, '_>, uid: u32, cap: usize) -> Vec<u8> {
        let mut v = std::mem::take(&mut self.scratch);
        v.clear();
        uid_name(&mut v, self.interpret, cx.interp, cx.users, uid, cap);
        v
    }

    fn safe_uid(&mut self, cx: &mut Cx<'_, '_, '_>, uid: u32) {
        let v = self.uid(cx, uid, 64);
        safe(&mut self.out, self.escape, Some(&v));
        self.scratch = v;
    }

    fn raw_uid(&mut self, cx: &mut Cx<'_, '_, '_>, uid: u32) {
        let v = self.uid(cx, uid, 64);
        self.out.extend_from_slice(&v);
        self.scratch = v;
    }

    fn syscall(&mut self, cx: &Cx<'_, '_, '_>) {
        syscall_name(&mut self.out, self.interpret, cx, 128);
    }

    fn serial_nl(&mut self, cx: &Cx<'_, '_, '_>) {
        self.sep();
        put_u(&mut self.out, cx.ev.id.serial);
        self.out.push(b'\n');
    }

    /// aureport's `per_event_detailed`: prints the event's line(s) if the report
    /// wants it. True when something was printed.
    pub(super) fn detailed_event(&mut self, o: &ReportOptions, cx: &mut Cx<'_, '_, '_>) -> bool {
        let ev = cx.ev;
        let s = cx.s;
        let m = cx.types;
        let want = match o.kind {
            Kind::Avc => m.has(bit::AVC) || m.has(bit::USER_AVC),
            Kind::Mac => {
                m.has(bit::MAC_POLICY_LOAD__MAC_UNLBL_STCDEL)
                    || m.has(bit::FIRST_USER_LSPP__LAST_USER_LSPP)
            }
            Kind::Integ => m.has(bit::INTEGRITY_FIRST__INTEGRITY_LAST),
            Kind::Virt => m.has(bit::FIRST_VIRT__LAST_VIRT),
            Kind::Config => config_event(m),
            Kind::Auth => {
                m.has(bit::USER_AUTH) || (m.has(bit::USER_MGMT) && s.success == SUCCESS_FAILED)
            }
            Kind::Login => m.has(bit::USER_LOGIN),
            Kind::AcctMod => acct_event(m),
            Kind::Event => true,
            Kind::File => s.filenames.is_some(),
            Kind::Host => s.hostname.is_some(),
            Kind::Pid => s.pid >= 0,
            Kind::Syscall => s.syscall != 0,
            Kind::Term => s.terminal.is_some(),
            Kind::User => s.uid != u32::MAX,
            Kind::Exe => s.exe.is_some(),
            Kind::Comm => s.comm.is_some(),
            Kind::Anomaly => anomaly_event(m),
            Kind::Response => m.has(bit::FIRST_ANOM_RESP__LAST_ANOM_RESP),
            Kind::Crypto => crypto_event(m),
            Kind::Key => s
                .keys
                .as_ref()
                .and_then(|k| k.first())
                .is_some_and(|k| c_str(k) != b"(null)"),
            Kind::Tty => ev.first_type == t::TTY || ev.first_type == t::USER_TTY,
            Kind::Time | Kind::Summary => false,
        };
        if !want {
            return false;
        }
        self.set_date(ev.id.sec);
        self.line(o, cx);
        true
    }

    /// aureport's `print_per_event_item`.
    fn line(&mut self, o: &ReportOptions, cx: &mut Cx<'_, '_, '_>) {
        let s = cx.s;
        let ev = cx.ev;
        let esc = self.escape;
        if o.kind != Kind::Avc {
            self.item();
        }
        match o.kind {
            Kind::Avc => {
                let avc = &s.avc;
                let first = avc.iter().position(|a| a.result != AvcResult::Unset);
                // Without a decided entry aureport prints the list's current
                // (last added) entry once.
                let picked: Vec<usize> = match first {
                    Some(i) => (i..avc.len())
                        .filter(|&j| j == i || avc[j].result != AvcResult::Unset)
                        .collect(),
                    None => avc.len().checked_sub(1).into_iter().collect(),
                };
                for j in picked {
                    let an = &avc[j];
                    self.item();
                    safe(&mut self.out, esc, Some(opt(&s.comm).unwrap_or(b"?")));
                    self.sep();
                    put_s(&mut self.out, an.scontext.as_deref());
                    self.sep();
                    self.syscall(cx);
                    self.sep();
                    put_s(&mut self.out, an.class.as_deref());
                    self.sep();
                    put_s(&mut self.out, an.perm.as_deref());
                    self.sep();
                    put_s(&mut self.out, an.tcontext.as_deref());
                    self.sep();
                    self.out.extend_from_slice(match an.result {
                        AvcResult::Unset => b"unset",
                        AvcResult::Denied => b"denied",
                        AvcResult::Granted => b"granted",
                    });
                    self.serial_nl(cx);
                }
            }
            Kind::Config => {
                self.out.extend_from_slice(type_name(ev.first_type));
                self.sep();
                self.raw_uid(cx, s.loginuid);
                self.sep();
                self.out.extend_from_slice(success_name(s.success));
                self.serial_nl(cx);
            }
            Kind::Auth | Kind::Login => {
                let acct = opt(&s.acct);
                let use_acct = if o.kind == Kind::Auth {
                    acct
                } else {
                    acct.filter(|_| s.success == SUCCESS_FAILED)
                };
                match use_acct {
                    Some(a) => safe(&mut self.out, esc, Some(a)),
                    None => {
                        let uid = if o.kind == Kind::Auth {
                            s.uid
                        } else {
                            s.loginuid
                        };
                        self.safe_uid(cx, uid);
                    }
                }
                self.sep();
                put_s(&mut self.out, opt(&s.hostname));
                self.sep();
                put_s(&mut self.out, opt(&s.terminal));
                self.sep();
                put_s(&mut self.out, opt(&s.exe));
                self.sep();
                self.out.extend_from_slice(success_name(s.success));
                self.serial_nl(cx);
            }
            Kind::AcctMod => {
                self.safe_uid(cx, s.loginuid);
                for v in [&s.hostname, &s.terminal, &s.exe, &s.acct] {
                    self.sep();
                    self.out.extend_from_slice(opt(v).unwrap_or(b"?"));
                }
                self.sep();
                self.out.extend_from_slice(success_name(s.success));
                self.serial_nl(cx);
            }
            Kind::Event => {
                put_u(&mut self.out, ev.id.serial);
                self.sep();
                self.out.extend_from_slice(type_name(ev.first_type));
                self.sep();
                self.safe_uid(cx, s.loginuid);
                self.sep();
                self.out.extend_from_slice(success_name(s.success));
                self.out.push(b'\n');
            }
            Kind::File => {
                // With several names, leading names keyed PARENT are skipped.
                let names = s.filenames.as_deref().unwrap_or(&[]);
                let mut i = 0;
                if names.len() > 1 {
                    while i < names.len() && s.parent_names.contains(&i) {
                        i += 1;
                    }
                }
                let f = names.get(i).map_or(&b""[..], |f| c_str(f));
                safe(&mut self.out, esc, Some(f));
                self.sep();
                self.syscall(cx);
                self.sep();
                self.out.extend_from_slice(success_name(s.success));
                self.sep();
                safe(&mut self.out, esc, Some(opt(&s.exe).unwrap_or(b"?")));
                self.sep();
                self.safe_uid(cx, s.loginuid);
                self.serial_nl(cx);
            }
            Kind::Host => {
                put_s(&mut self.out, opt(&s.hostname));
                self.sep();
                self.syscall(cx);
                self.sep();
                self.safe_uid(cx, s.loginuid);
                self.serial_nl(cx);
            }
            Kind::Pid => {
                put_u(&mut self.out, u64::from(s.pid as u32));
                self.sep();
                safe(&mut self.out, esc, Some(opt(&s.exe).unwrap_or(b"?")));
                self.sep();
                self.syscall(cx);
                self.sep();
                self.safe_uid(cx, s.loginuid);
                self.serial_nl(cx);
            }
            Kind::Syscall => {
                self.syscall(cx);
                self.sep();
                put_u(&mut self.out, u64::from(s.pid as u32));
                self.sep();
                safe(&mut self.out, esc, Some(opt(&s.comm).unwrap_or(b"?")));
                self.sep();
                self.safe_uid(cx, s.loginuid);
                self.serial_nl(cx);
            }
            Kind::Term => {
                put_s(&mut self.out, opt(&s.terminal));
                self.sep();
                put_s(&mut self.out, opt(&s.hostname));
                self.sep();
                safe(&mut self.out, esc, opt(&s.exe));
                self.sep();
                self.safe_uid(cx, s.loginuid);
                self.serial_nl(cx);
            }
            Kind::User => {
                self.safe_uid(cx, s.loginuid);
                self.sep();
                self.out.extend_from_slice(opt(&s.terminal).unwrap_or(b"?"));
                self.sep();
                self.out.extend_from_slice(opt(&s.hostname).unwrap_or(b"?"));
                self.sep();
                safe(&mut self.out, esc, Some(opt(&s.exe).unwrap_or(b"?")));
                self.serial_nl(cx);
            }
            Kind::Exe | Kind::Comm => {
                let v = if o.kind == Kind::Exe { &s.exe } else { &s.comm };
                safe(&mut self.out, esc, Some(opt(v).unwrap_or(b"?")));
                self.sep();
                self.out.extend_from_slice(opt(&s.terminal).unwrap_or(b"?"));
                self.sep();
                self.out.extend_from_slice(opt(&s.hostname).unwrap_or(b"?"));
                self.sep();
                self.safe_uid(cx, s.loginuid);
                self.serial_nl(cx);
            }
            Kind::Anomaly => {
                self.out.extend_from_slice(type_name(ev.first_type));
                self.sep();
                let who = opt(&s.exe).or(opt(&s.comm)).unwrap_or(b"?");
                safe(&mut self.out, esc, Some(who));
                self.sep();
                self.out.extend_from_slice(opt(&s.terminal).unwrap_or(b"?"));
                self.sep();
                self.out.extend_from_slice(opt(&s.hostname).unwrap_or(b"?"));
                self.sep();
                self.safe_uid(cx, s.loginuid);
                self.serial_nl(cx);
            }
            Kind::Response | Kind::Integ | Kind::Virt => {
                self.out.extend_from_slice(type_name(ev.first_type));
                self.sep();
                self.out.extend_from_slice(success_name(s.success));
                self.serial_nl(cx);
            }
            Kind::Mac => {
                self.raw_uid(cx, s.loginuid);
                self.sep();
                self.out.extend_from_slice(type_name(ev.first_type));
                self.sep();
                self.out.extend_from_slice(success_name(s.success));
                self.serial_nl(cx);
            }
            Kind::Crypto => {
                self.safe_uid(cx, s.loginuid);
                self.sep();
                self.out.extend_from_slice(type_name(ev.first_type));
                self.sep();
                self.out.extend_from_slice(success_name(s.success));
                self.serial_nl(cx);
            }
            Kind::Key => {
                let k = s
                    .keys
                    .as_ref()
                    .and_then(|k| k.first())
                    .map_or(&b""[..], |k| c_str(k));
                self.out.extend_from_slice(k);
                self.sep();
                self.out.extend_from_slice(success_name(s.success));
                self.sep();
                safe(&mut self.out, esc, Some(opt(&s.exe).unwrap_or(b"?")));
                self.sep();
                self.safe_uid(cx, s.loginuid);
                self.serial_nl(cx);
            }
            Kind::Tty => self.tty(cx),
            Kind::Time | Kind::Summary => {}
        }
    }

    fn tty(&mut self, cx: &mut Cx<'_, '_, '_>) {
        let s = cx.s;
        let Some(head) = cx.ev.record(0) else {
            return;
        };
        // The record text as ausearch's parser left it.
        let mut msg: Cow<'_, [u8]> = Cow::Borrowed(c_str(head.msg));
        for p in s.patches.iter().filter(|p| p.record == 0) {
            if p.offset < msg.len() {
                msg.to_mut()[p.offset] = p.byte;
            }
        }
        let msg = c_str(&msg);
        let Some(at) = memchr::memmem::find(msg, b"data=") else {
            return;
        };
        let mut data = &msg[at + 5..];
        if let Some(sp) = memchr::memrchr(b' ', data) {
            data = &data[..sp];
        }
        put_u(&mut self.out, cx.ev.id.serial);
        self.sep();
        self.safe_uid(cx, s.loginuid);
        self.sep();
        self.out.extend_from_slice(opt(&s.terminal).unwrap_or(b"?"));
        self.sep();
        put_u(&mut self.out, u64::from(s.session_id));
        self.sep();
        safe(
            &mut self.out,
            self.escape,
            Some(opt(&s.comm).unwrap_or(b"?")),
        );
        self.sep();
        tty_data(&mut self.out, data);
        self.out.push(b'\n');
    }
}

/// aureport's `print_tty_data`.
fn tty_data(out: &mut Vec<u8>, val: &[u8]) {
    if !val.iter().all(u8::is_ascii_hexdigit) {
        out.extend_from_slice(val);
        return;
    }
    if val.len() < 2 {
        out.extend_from_slice(b"conversion error(");
        out.extend_from_slice(val);
        out.push(b')');
        return;
    }
    let nib = |c: u8| -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => 0,
        }
    };
    let data: Vec<u8> = val
        .chunks_exact(2)
        .map(|p| (nib(p[0]) << 4) | nib(p[1]))
        .collect();
    raudit_logfmt::interpret::write_tty_bytes(&data, out);
}

pub(super) fn config_event(m: Mask) -> bool {
    m.has(bit::CONFIG_CHANGE)
        || m.has(bit::DAEMON_CONFIG)
        || m.has(bit::USYS_CONFIG)
        || m.has(bit::NETFILTER_CFG)
        || m.has(bit::FEATURE_CHANGE)
        || m.has(bit::USER_MAC_CONFIG_CHANGE)
        || m.has(bit::MAC_POLICY_LOAD__MAC_UNLBL_STCDEL)
}

pub(super) fn acct_event(m: Mask) -> bool {
    m.has(bit::USER_CHAUTHTOK)
        || m.has(bit::ADD_USER__DEL_GROUP)
        || m.has(bit::USER_MGMT)
        || m.has(bit::GRP_MGMT)
        || m.has(bit::ROLE_ASSIGN__ROLE_REMOVE)
}

pub(super) fn anomaly_event(m: Mask) -> bool {
    m.has(bit::FIRST_ANOM__LAST_ANOM)
        || m.has(bit::FIRST_KERN_ANOM__LAST_KERN_ANOM)
        || m.has(bit::SECCOMP)
}

pub(super) fn crypto_event(m: Mask) -> bool {
    m.has(bit::FIRST_KERN_CRYPTO__LAST_KERN_CRYPTO) || m.has(bit::FIRST_CRYPTO__LAST_CRYPTO)
}

/// aureport's `per_event_summary`: counts the event for the report's totals.
pub(super) fn summary_event(o: &ReportOptions, c: &mut Counters, cx: &mut Cx<'_, '_, '_>) {
    let ev = cx.ev;
    let s = cx.s;
    let m = cx.types;
    let head = ev.first_type;
    let mut tmp = Vec::new();
    match o.kind {
        Kind::Summary => summary_total(c, m, s),
        Kind::Avc => {
            if m.has(bit::AVC) || m.has(bit::USER_AVC) {
                if let Some(i) = s.avc.iter().position(|a| a.result != AvcResult::Unset) {
                    for a in s.avc[i..]
                        .iter()
                        .enumerate()
                        .filter(|(j, a)| *j == 0 || a.result != AvcResult::Unset)
                        .map(|(_, a)| a)
                    {
                        if let Some(tc) = a.tcontext.as_deref() {
                            c.avc_objs.add(c_str(tc));
                        }
                    }
                }
            }
        }
        Kind::Mac => {
            if m.has(bit::MAC_POLICY_LOAD__MAC_MAP_DEL)
                || m.has(bit::FIRST_USER_LSPP__LAST_USER_LSPP)
            {
                c.ints.add(head);
            }
        }
        Kind::Integ => {
            if m.has(bit::INTEGRITY_FIRST__INTEGRITY_LAST) {
                c.ints.add(head);
            }
        }
        Kind::Virt => {
            if m.has(bit::FIRST_VIRT__LAST_VIRT) {
                c.ints.add(head);
            }
        }
        Kind::Config => {
            if config_event(m) {
                c.ints.add(head);
            }
        }
        Kind::Auth => {
            let count = if m.has(bit::USER_AUTH) {
                true
            } else {
                m.has(bit::USER_MGMT) && s.success == SUCCESS_FAILED
            };
            if count {
                match opt(&s.acct).filter(|_| s.loginuid == (-2i32) as u32) {
                    Some(a) => c.users.add(a),
                    None => {
                        uid_name(&mut tmp, o.interpret, cx.interp, cx.users, s.loginuid, 64);
                        c.users.add(&tmp);
                    }
                }
            }
        }
        Kind::Login => {
            if m.has(bit::USER_LOGIN) {
                match opt(&s.acct).filter(|_| (s.loginuid as i32) < 0) {
                    Some(a) => c.users.add(a),
                    None => {
                        uid_name(&mut tmp, o.interpret, cx.interp, cx.users, s.loginuid, 64);
                        c.users.add(&tmp);
                    }
                }
            }
        }
        Kind::AcctMod => {
            if acct_event(m) {
                c.ints.add(head);
            }
        }
        Kind::Event => {
            if head != -1 {
                c.ints.add(head);
            }
        }
        Kind::File => {
            for f in s.filenames.iter().flatten() {
                c.files.add(c_str(f));
            }
        }
        Kind::Host => {
            if let Some(h) = opt(&s.hostname) {
                c.hosts.add(h);
            }
        }
        Kind::Pid => {
            if s.pid != -1 {
                c.ints.add(s.pid);
            }
        }
        Kind::Syscall => {
            if s.syscall > 0 {
                syscall_name(&mut tmp, o.interpret, cx, 32);
                c.syscalls.add(&tmp);
            }
        }
        Kind::Term => {
            if let Some(v) = opt(&s.terminal) {
                c.terms.add(v);
            }
        }
        Kind::User => {
            if s.loginuid != (-2i32) as u32 {
                uid_name(&mut tmp, o.interpret, cx.interp, cx.users, s.loginuid, 32);
                c.users.add(&tmp);
            }
        }
        Kind::Exe => {
            if let Some(v) = opt(&s.exe) {
                c.exes.add(v);
            }
        }
        Kind::Comm => {
            if let Some(v) = opt(&s.comm) {
                c.comms.add(v);
            }
        }
        Kind::Anomaly => {
            if anomaly_event(m) {
                c.ints.add(head);
            }
        }
        Kind::Response => {
            if m.has(bit::FIRST_ANOM_RESP__LAST_ANOM_RESP) {
                c.ints.add(head);
            }
        }
        Kind::Crypto => {
            if crypto_event(m) {
                c.ints.add(head);
            }
        }
        Kind::Key => {
            for k in s.keys.iter().flatten() {
                let k = c_str(k);
                if k != b"(null)" {
                    c.keys.add(k);
                }
            }
        }
        Kind::Tty | Kind::Time => {}
    }
}

/// aureport's `do_summary_total`.
fn summary_total(c: &mut Counters, m: Mask, s: &SearchItems<'_>) {
    c.events += 1;
    for b in [
        bit::CONFIG_CHANGE,
        bit::DAEMON_CONFIG,
        bit::USYS_CONFIG,
        bit::NETFILTER_CFG,
        bit::FEATURE_CHANGE,
        bit::USER_MAC_CONFIG_CHANGE,
    ] {
        if m.has(b) {
            c.changes += 1;
        }
    }
    if m.has(bit::MAC_POLICY_LOAD__MAC_UNLBL_STCDEL) {
        c.changes += 1;
    }
    if m.has(bit::USER_CHAUTHTOK) {
        c.acct_changes += 1;
    }
    if m.has(bit::ADD_USER__DEL_GROUP) {
        c.acct_changes += 1;
    }
    if m.has(bit::USER_MGMT) {
        c.acct_changes += 1;
    }
    if m.has(bit::GRP_MGMT) {
        c.acct_changes += 1;
    }
    if m.has(bit::ROLE_ASSIGN__ROLE_REMOVE) {
        c.acct_changes += 1;
    }
    if m.has(bit::FIRST_KERN_CRYPTO__LAST_KERN_CRYPTO) {
        c.crypto += 1;
    }
    if m.has(bit::FIRST_CRYPTO__LAST_CRYPTO) {
        c.crypto += 1;
    }
    if m.has(bit::USER_LOGIN) {
        if s.success == SUCCESS_YES {
            c.good_logins += 1;
        } else if s.success == SUCCESS_FAILED {
            c.bad_logins += 1;
        }
    }
    if m.has(bit::USER_AUTH) || (!m.has(bit::USER_MGMT) && m.has(bit::GRP_AUTH)) {
        if s.success == SUCCESS_YES {
            c.good_auth += 1;
        } else if s.success == SUCCESS_FAILED {
            c.bad_auth += 1;
        }
    } else if m.has(bit::USER_MGMT) && s.success == SUCCESS_FAILED {
        c.bad_auth += 1;
    }
    if s.loginuid != (-2i32) as u32 {
        c.auids.add(s.loginuid as i32);
    }
    if let Some(v) = opt(&s.terminal) {
        c.terms.add(v);
    }
    if let Some(v) = opt(&s.hostname) {
        c.hosts.add(v);
    }
    if let Some(v) = opt(&s.exe) {
        c.exes.add(v);
    }
    if let Some(v) = opt(&s.comm) {
        c.comms.add(v);
    }
    for f in s.filenames.iter().flatten() {
        c.files.add(c_str(f));
    }
    if m.has(bit::AVC) || m.has(bit::USER_AVC) {
        c.avcs += 1;
    }
    if m.has(bit::MAC_POLICY_LOAD__MAC_UNLBL_STCDEL) {
        c.mac += 1;
    }
    if m.has(bit::FIRST_USER_LSPP__LAST_USER_LSPP) {
        c.mac += 1;
    }
    if m.has(bit::FIRST_VIRT__LAST_VIRT) {
        c.virt += 1;
    }
    if m.has(bit::INTEGRITY_FIRST__INTEGRITY_LAST) {
        c.integ += 1;
    }
    if s.success == SUCCESS_FAILED && s.syscall > 0 {
        c.failed_syscalls += 1;
    }
    if s.pid != -1 {
        c.ints.add(s.pid);
    }
    if m.has(bit::FIRST_ANOM__LAST_ANOM) {
        c.anomalies += 1;
    }
    if m.has(bit::FIRST_KERN_ANOM__LAST_KERN_ANOM) {
        c.anomalies += 1;
    }
    if m.has(bit::FIRST_ANOM_RESP__LAST_ANOM_RESP) {
        c.responses += 1;
    }
    for k in s.keys.iter().flatten() {
        let k = c_str(k);
        if k != b"(null)" {
            c.keys.add(k);
        }
    }
}

fn file_summary(out: &mut Vec<u8>, esc: Escape, l: &StrTally) {
    if l.is_empty() {
        out.extend_from_slice(NO_EVENTS);
        return;
    }
    for (k, h) in l.sorted() {
        put_u(out, u64::from(h));
        out.extend_from_slice(b"  ");
        safe_line(out, esc, k);
    }
}

fn string_summary(out: &mut Vec<u8>, l: &StrTally) {
    if l.is_empty() {
        out.extend_from_slice(NO_EVENTS);
        return;
    }
    for (k, h) in l.sorted() {
        put_u(out, u64::from(h));
        out.extend_from_slice(b"  ");
        out.extend_from_slice(k);
        out.push(b'\n');
    }
}

fn user_summary(out: &mut Vec<u8>, o: &ReportOptions, users: &mut UserNames, l: &StrTally) {
    if l.is_empty() {
        out.extend_from_slice(NO_EVENTS);
        return;
    }
    let mut name = Vec::new();
    for (k, h) in l.sorted() {
        put_u(out, u64::from(h));
        out.extend_from_slice(b"  ");
        if k.first().is_some_and(|&c| c == b'-' || c.is_ascii_digit()) {
            let uid = raudit_logfmt::num::strtol(k, 10).value;
            name.clear();
            uid_name(&mut name, o.interpret, None, users, uid as u32, 64);
            safe_line(out, o.escape, &name);
        } else {
            safe_line(out, o.escape, k);
        }
    }
}

fn int_summary(out: &mut Vec<u8>, l: &IntTally) {
    if l.is_empty() {
        out.extend_from_slice(NO_EVENTS);
        return;
    }
    for (n, h) in l.sorted() {
        put_u(out, u64::from(h));
        out.extend_from_slice(b"  ");
        put_d(out, i64::from(n));
        out.push(b'\n');
    }
}

fn type_summary(out: &mut Vec<u8>, interpret: bool, l: &IntTally) {
    if l.is_empty() {
        out.extend_from_slice(NO_EVENTS);
        return;
    }
    for (n, h) in l.sorted() {
        put_u(out, u64::from(h));
        out.extend_from_slice(b"  ");
        if interpret {
            out.extend_from_slice(type_name(n));
        } else {
            put_d(out, i64::from(n));
        }
        out.push(b'\n');
    }
}

fn fmt_date(out: &mut Vec<u8>, sec: i64) {
    date(out, sec);
}

/// aureport's `print_wrap_up`: the totals of a summary.
pub(super) fn wrap_up(
    o: &ReportOptions,
    c: &Counters,
    first: (i64, u32),
    last: (i64, u32),
    users: &mut UserNames,
    out: &mut Vec<u8>,
) {
    let esc = o.escape;
    match o.kind {
        Kind::Summary => {
            out.extend_from_slice(b"Range of time in logs: ");
            date_milli(out, first.0, first.1);
            out.extend_from_slice(b" - ");
            date_milli(out, last.0, last.1);
            out.extend_from_slice(b"\nSelected time for report: ");
            let st = o.crit.start_time;
            let et = o.crit.end_time;
            fmt_date(out, if st != 0 { st } else { first.0 });
            out.extend_from_slice(b" - ");
            if et != 0 {
                fmt_date(out, et);
            } else {
                date_milli(out, last.0, last.1);
            }
            out.push(b'\n');
            let lines: [(&str, u64); 23] = [
                ("Number of changes in configuration", c.changes),
                (
                    "Number of changes to accounts, groups, or roles",
                    c.acct_changes,
                ),
                ("Number of logins", c.good_logins),
                ("Number of failed logins", c.bad_logins),
                ("Number of authentications", c.good_auth),
                ("Number of failed authentications", c.bad_auth),
                ("Number of users", c.auids.len() as u64),
                ("Number of terminals", c.terms.len() as u64),
                ("Number of host names", c.hosts.len() as u64),
                ("Number of executables", c.exes.len() as u64),
                ("Number of commands", c.comms.len() as u64),
                ("Number of files", c.files.len() as u64),
                ("Number of AVC's", c.avcs),
                ("Number of MAC events", c.mac),
                ("Number of failed syscalls", c.failed_syscalls),
                ("Number of anomaly events", c.anomalies),
                ("Number of responses to anomaly events", c.responses),
                ("Number of crypto events", c.crypto),
                ("Number of integrity events", c.integ),
                ("Number of virt events", c.virt),
                ("Number of keys", c.keys.len() as u64),
                ("Number of process IDs", c.ints.len() as u64),
                ("Number of events", c.events),
            ];
            for (label, n) in lines {
                out.extend_from_slice(label.as_bytes());
                out.extend_from_slice(b": ");
                put_u(out, n);
                out.push(b'\n');
            }
            out.push(b'\n');
        }
        Kind::Avc => string_summary(out, &c.avc_objs),
        Kind::Config
        | Kind::AcctMod
        | Kind::Event
        | Kind::Anomaly
        | Kind::Response
        | Kind::Mac
        | Kind::Integ
        | Kind::Virt
        | Kind::Crypto => type_summary(out, o.interpret, &c.ints),
        Kind::Auth | Kind::Login | Kind::User => user_summary(out, o, users, &c.users),
        Kind::File => file_summary(out, esc, &c.files),
        Kind::Host => string_summary(out, &c.hosts),
        Kind::Pid => int_summary(out, &c.ints),
        Kind::Syscall => file_summary(out, esc, &c.syscalls),
        Kind::Term => string_summary(out, &c.terms),
        Kind::Exe => file_summary(out, esc, &c.exes),
        Kind::Comm => file_summary(out, esc, &c.comms),
        Kind::Key => file_summary(out, esc, &c.keys),
        Kind::Tty | Kind::Time => {}
    }
}
