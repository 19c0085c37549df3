//! `aulastlog` 3.0.9: the last successful login of every local account, from the
//! USER_LOGIN events of the audit logs.
//!
//! Quirk kept for compatibility: after each matching event the C tool advances one
//! event itself before asking for the next match, so the event right after a match
//! is never looked at.

use std::io::Write;

use super::cursor::AuCursor;
use super::source::{AuEvent, AuParser, Source};
use crate::ctime;

const USAGE: &str = "usage: aulastlog [--stdin] [--user name]\n";

struct Account {
    name: Vec<u8>,
    uid: u32,
    sec: i64,
    host: Option<Vec<u8>>,
    term: Option<Vec<u8>>,
}

/// The local account database in `getpwent` order.
pub fn accounts() -> Vec<(Vec<u8>, u32)> {
    let mut v = Vec::new();
    // SAFETY: setpwent/getpwent/endpwent are used from one thread; each returned
    // entry is copied before the next call.
    unsafe {
        libc::setpwent();
        loop {
            let p = libc::getpwent();
            if p.is_null() {
                break;
            }
            let name = std::ffi::CStr::from_ptr((*p).pw_name).to_bytes().to_vec();
            v.push((name, (*p).pw_uid));
        }
        libc::endpwent();
    }
    v
}

/// Whether record `r` matches `type=USER_LOGIN && res=success` (raw values).
fn matches(c: &AuCursor<'_>, r: usize) -> bool {
    c.record_value(r, b"type") == Some(b"USER_LOGIN")
        && c.record_value(r, b"res") == Some(b"success")
}

fn first_match(c: &AuCursor<'_>) -> Option<usize> {
    (0..c.num_records()).find(|&r| matches(c, r))
}

/// `aulastlog ARGS…` over the given account list.
pub fn run_with(
    args: &[Vec<u8>],
    users: Vec<(Vec<u8>, u32)>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let mut user: Option<&[u8]> = None;
    let mut stdin = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_slice() {
            b"--user" | b"-u" => {
                i += 1;
                match args.get(i) {
                    Some(u) => user = Some(u),
                    None => {
                        let _ = err.write_all(USAGE.as_bytes());
                        return 1;
                    }
                }
            }
            b"--stdin" => stdin = true,
            _ => {
                let _ = err.write_all(USAGE.as_bytes());
                return 1;
            }
        }
        i += 1;
    }
    ctime::init_locale();
    let mut list: Vec<Account> = users
        .into_iter()
        .filter(|(n, _)| user.is_none_or(|u| u == n.as_slice()))
        .map(|(name, uid)| Account {
            name,
            uid,
            sec: 0,
            host: None,
            term: None,
        })
        .collect();
    if let Some(u) = user {
        if list.is_empty() {
            let mut m = b"Unknown User: ".to_vec();
            m.extend_from_slice(u);
            m.push(b'\n');
            let _ = out.write_all(&m);
            return 1;
        }
    }
    let src = if stdin { Source::Stdin } else { Source::Logs };
    let mut p = match AuParser::open(src) {
        Ok(p) => p,
        Err(e) => {
            if let Some(n) = e.note {
                let _ = err.write_all(n.as_bytes());
            }
            let msg = nix::errno::Errno::from_raw(e.errno).desc();
            let _ = out.write_all(format!("Error - {msg}\n").as_bytes());
            return 1;
        }
    };
    let next = |p: &mut AuParser| -> Option<AuEvent> { p.next_event().ok().flatten() };
    let mut ev = next(&mut p);
    'outer: while let Some(e) = ev.take() {
        let mut c = AuCursor::new(&e);
        let Some(r) = first_match(&c) else {
            ev = next(&mut p);
            continue 'outer;
        };
        c.goto_record_first_field(r);
        if c.find_field(b"auid").is_some() {
            let u = c.field_int() as u32;
            if let Some(a) = list.iter_mut().find(|a| a.uid == u) {
                a.sec = e.id.sec;
                if let Some(h) = c.find_field(b"hostname") {
                    a.host = Some(h);
                }
                if let Some(t) = c.find_field(b"terminal") {
                    a.term = Some(t);
                }
            }
        }
        // The tool's own auparse_next_event, then the search's.
        if next(&mut p).is_none() {
            break;
        }
        ev = next(&mut p);
    }
    let mut b = b"Username         Port         From                       Latest\n".to_vec();
    for a in &list {
        let when = if a.sec == 0 {
            "**Never logged in**".to_string()
        } else {
            ctime::strftime(c"%x %T", &ctime::localtime(a.sec))
        };
        let t = a.term.as_deref().unwrap_or(b"");
        let h = a.host.as_deref().unwrap_or(b"");
        b.extend_from_slice(&a.name);
        b.resize(b.len() + 16usize.saturating_sub(a.name.len()), b' ');
        b.push(b' ');
        let t = &t[..t.len().min(12)];
        b.extend_from_slice(t);
        b.resize(b.len() + 12 - t.len(), b' ');
        b.push(b' ');
        let h = &h[..h.len().min(26)];
        b.extend_from_slice(h);
        b.resize(b.len() + 26 - h.len(), b' ');
        b.push(b' ');
        b.extend_from_slice(when.as_bytes());
        b.push(b'\n');
    }
    let _ = out.write_all(&b);
    let _ = out.flush();
    0
}

/// `aulastlog ARGS…` with the local account database.
pub fn main(args: &[Vec<u8>], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    run_with(args, accounts(), out, err)
}
