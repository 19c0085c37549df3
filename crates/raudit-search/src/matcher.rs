//! Whether an event matches the criteria: ausearch's `match()`.
//!
//! The time range and event id are checked first; then the event's values are
//! extracted ([`extract_search_items`]) — for every event, criteria or not, so a
//! malformed event never matches — and every criterion is tested in ausearch's
//! order. All criteria must hold, except that `-ua` ORs uid, euid and auid, `-ga`
//! ORs gid and egid, and `-se` ORs subject and object contexts.

use std::io::Write;

use raudit_logfmt::Event;

use crate::avc::{any_object, any_subject};
use crate::criteria::{Criteria, Success};
use crate::items::{
    extract_search_items, record_may_give_key, record_may_give_pid, SearchItems, UserNames,
    SUCCESS_FAILED, SUCCESS_UNSET, SUCCESS_YES,
};
use crate::strings::strmatch;

/// ausearch's `match()`: time range (`start_time`/`end_time` seconds, 0 for no
/// bound), event id, then extraction and every criterion. Diagnostics as for
/// [`extract_search_items`].
pub fn matches(ev: &Event, crit: &Criteria, users: &mut UserNames, diag: &mut dyn Write) -> bool {
    match_event(ev, crit, users, diag).is_some()
}

/// Like [`matches()`], returning the extracted values of a matching event (the
/// caller applies their [`crate::items::Patch`]es before printing it).
pub fn match_event<'a>(
    ev: &'a Event,
    crit: &Criteria,
    users: &mut UserNames,
    diag: &mut dyn Write,
) -> Option<SearchItems<'a>> {
    if crit.start_time != 0 && ev.id.sec < crit.start_time {
        return None;
    }
    if crit.end_time != 0 && ev.id.sec > crit.end_time {
        return None;
    }
    if crit.event_id != u32::MAX && u64::from(crit.event_id) != ev.id.serial {
        return None;
    }
    let s = extract_search_items(ev, crit, users, diag).ok()?;
    criteria_hold(ev, crit, &s).then_some(s)
}

/// The tests after extraction, in ausearch's order.
fn criteria_hold(ev: &Event, crit: &Criteria, s: &SearchItems<'_>) -> bool {
    if let Some(nodes) = &crit.nodes {
        let Some(node) = ev.node.as_deref() else {
            return false;
        };
        if !nodes.iter().any(|n| n.as_slice() == node) {
            return false;
        }
    }
    if !user_match(crit, s) || !group_match(crit, s) {
        return false;
    }
    if crit.ppid != -1 && crit.ppid != s.ppid {
        return false;
    }
    if crit.pid != -1 && crit.pid != s.pid {
        return false;
    }
    if crit.machine != -1 && crit.machine != crate::machine::from_elf(s.arch as u32) {
        return false;
    }
    if crit.syscall != -1 && crit.syscall != s.syscall {
        return false;
    }
    if crit.session_id != (-2i32) as u32 && crit.session_id != s.session_id {
        return false;
    }
    if crit.exit_is_set && (!s.exit_is_set || crit.exit != s.exit) {
        return false;
    }
    let want_success = match crit.success {
        Success::Unset => SUCCESS_UNSET,
        Success::Failed => SUCCESS_FAILED,
        Success::Success => SUCCESS_YES,
    };
    if crit.success != Success::Unset && want_success != s.success {
        return false;
    }
    if let Some(types) = &crit.msg_types {
        if !ev.records().any(|r| types.contains(&r.rtype)) {
            return false;
        }
    }
    let exact = crit.exact_match;
    if let Some(f) = &crit.filename {
        if s.filenames.is_none() && s.cwd.is_none() {
            return false;
        }
        let in_names = s
            .filenames
            .as_ref()
            .is_some_and(|l| l.iter().any(|n| strmatch(exact, f, n)));
        if !in_names {
            // ausearch crashes on an empty name list; here it counts as no match
            // in the names, and the cwd is tried as usual.
            match &s.cwd {
                Some(cwd) if strmatch(exact, f, cwd) => {}
                _ => return false,
            }
        }
    }
    let string_tests = [
        (&crit.hostname, &s.hostname),
        (&crit.terminal, &s.terminal),
        (&crit.exe, &s.exe),
        (&crit.comm, &s.comm),
    ];
    for (want, have) in string_tests {
        if let Some(w) = want {
            match have {
                Some(h) if strmatch(exact, w, h) => {}
                _ => return false,
            }
        }
    }
    if let Some(k) = &crit.key {
        let found = s
            .keys
            .as_ref()
            .is_some_and(|l| l.iter().any(|x| strmatch(exact, k, x)));
        if !found {
            return false;
        }
    }
    for (want, have) in [(&crit.vmname, &s.vmname), (&crit.uuid, &s.uuid)] {
        if let Some(w) = want {
            match have {
                Some(h) if strmatch(exact, w, h) => {}
                _ => return false,
            }
        }
    }
    context_match(crit, s)
}

/// Same bytes, for a name criterion against an extracted name.
fn same(want: &Option<Vec<u8>>, have: &Option<Vec<u8>>) -> bool {
    matches!((want, have), (Some(w), Some(h)) if w == h)
}

/// ausearch's `user_match`.
fn user_match(c: &Criteria, s: &SearchItems<'_>) -> bool {
    if c.ua {
        if c.tuid.is_some() {
            return same(&c.tuid, &s.tuid) || same(&c.teuid, &s.teuid) || same(&c.tauid, &s.tauid);
        }
        return c.uid == s.uid || c.euid == s.euid || c.loginuid == s.loginuid;
    }
    if c.tuid.is_some() || c.teuid.is_some() || c.tauid.is_some() {
        return (c.tuid.is_none() || same(&c.tuid, &s.tuid))
            && (c.teuid.is_none() || same(&c.teuid, &s.teuid))
            && (c.tauid.is_none() || same(&c.tauid, &s.tauid));
    }
    (c.uid == u32::MAX || c.uid == s.uid)
        && (c.euid == u32::MAX || c.euid == s.euid)
        && (c.loginuid == (-2i32) as u32 || c.loginuid == s.loginuid)
}

/// ausearch's `group_match`.
fn group_match(c: &Criteria, s: &SearchItems<'_>) -> bool {
    if c.ga {
        return c.gid == s.gid || c.egid == s.egid;
    }
    (c.gid == u32::MAX || c.gid == s.gid) && (c.egid == u32::MAX || c.egid == s.egid)
}

/// ausearch's `context_match`. Without `-se` a subject criterion decides alone
/// (an object criterion given as well is not looked at).
fn context_match(c: &Criteria, s: &SearchItems<'_>) -> bool {
    let exact = c.exact_match;
    let subj = |w: &[u8]| any_subject(&s.avc, |ctx| strmatch(exact, w, ctx));
    let obj = |w: &[u8]| any_object(&s.avc, |ctx| strmatch(exact, w, ctx));
    if c.se {
        return c.subject.as_deref().is_some_and(subj) || c.object.as_deref().is_some_and(obj);
    }
    if let Some(w) = c.subject.as_deref() {
        return subj(w);
    }
    if let Some(w) = c.object.as_deref() {
        return obj(w);
    }
    true
}

/// A cheap test, on an event's raw record texts, that rules out events which
/// cannot satisfy the `-k` or `-p` criterion, so their values need not be
/// extracted. It answers "maybe" ([`Prefilter::may_match`] true) whenever it is
/// not sure, and "no" only when [`match_event`] would return `None` without
/// writing anything:
///
/// - it stands aside with `--debug` (extraction then prints diagnostics), and for
///   events with a SOCKADDR record when a host or file criterion is set (the
///   SOCKADDR parser prints its length complaints);
/// - `-k K`: every extracted key comes from the text after a `key=` of some
///   record of a type that reads keys ([`record_may_give_key`]): a quoted value
///   (up to the next quote: K, which must occur in it, is looked for there), a
///   `(…)` value (kept up to its first `)`, which must exist, then split into
///   keys: K is looked for there), or a hex-decoded value (then: maybe).
///   ausearch's in-place edits only ever write spaces, so a K without spaces is
///   unaffected; a K with a space is not prefiltered;
/// - `-p P` (P ≥ 0): every extracted pid is `strtoul` of the text after a `pid=`
///   of some record of a type that reads pids ([`record_may_give_pid`]), up to
///   the next space. When that text starts with a run of 1 to 9 digits, the pid
///   is the run's value (below 2^31); anything else (a sign, a space, 10 or more
///   digits that may wrap) means maybe.
///
/// The same tests run per record as the records arrive ([`Prefilter::line_marks`],
/// kept by the assembler in [`Event::marks`]); [`Prefilter::may_match_marks`] then
/// decides an event from its marks alone, exactly as [`Prefilter::may_match`] would
/// from its records (the marks are the per-record answers ORed).
#[derive(Debug, Clone)]
pub struct Prefilter {
    active: bool,
    /// A host or file criterion: SOCKADDR records may print diagnostics.
    sockaddr_talks: bool,
    key: Option<Vec<u8>>,
    pid: Option<u64>,
    key_eq: memchr::memmem::Finder<'static>,
    pid_eq: memchr::memmem::Finder<'static>,
}

/// Mark: some record may yield the `-k` key.
pub const MARK_KEY: u8 = 1;
/// Mark: some record may yield the `-p` pid.
pub const MARK_PID: u8 = 2;
/// Mark: the event has a SOCKADDR record.
pub const MARK_SOCKADDR: u8 = 4;

/// Byte ranks for the `key=`/`pid=` searchers: `=` and digits are everywhere in
/// records, letters less so.
struct RecordRank;

impl memchr::arch::all::packedpair::HeuristicFrequencyRank for RecordRank {
    fn rank(&self, b: u8) -> u8 {
        match b {
            b' ' | b'=' => 255,
            b'0'..=b'9' => 240,
            b'a'..=b'f' | b'"' => 220,
            b'i' | b'p' | b'u' | b's' => 200,
            _ => 100,
        }
    }
}

fn finder(needle: &'static [u8]) -> memchr::memmem::Finder<'static> {
    memchr::memmem::FinderBuilder::new().build_forward_with_ranker(RecordRank, needle)
}

/// Calls `test` with the text after each occurrence of `needle` in `hay` until it
/// says true.
fn any_after(
    hay: &[u8],
    needle: &memchr::memmem::Finder<'_>,
    mut test: impl FnMut(&[u8]) -> bool,
) -> bool {
    let n = needle.needle().len();
    let mut from = 0;
    while let Some(s) = hay.get(from..).and_then(|h| needle.find(h)) {
        let s = from + s;
        if test(&hay[s + n..]) {
            return true;
        }
        from = s + 1;
    }
    false
}

impl Prefilter {
    /// The prefilter for `crit` (inactive when it has nothing to rule out).
    pub fn new(crit: &Criteria) -> Prefilter {
        let key = crit
            .key
            .as_deref()
            .filter(|k| !k.contains(&b' '))
            .map(<[u8]>::to_vec);
        let pid = u64::try_from(crit.pid).ok();
        Prefilter {
            active: !crit.debug && (key.is_some() || pid.is_some()),
            sockaddr_talks: crit.hostname.is_some() || crit.filename.is_some(),
            key,
            pid,
            key_eq: finder(b"key="),
            pid_eq: finder(b"pid="),
        }
    }

    /// Whether the prefilter rules anything out (else marks need not be computed).
    pub fn active(&self) -> bool {
        self.active
    }

    /// The marks of one record of type `rtype` with text `msg` (as the event will
    /// hold it: up to the ENRICHED separator, without newline).
    pub fn line_marks(&self, rtype: i32, msg: &[u8]) -> u8 {
        let mut m = 0;
        if rtype == 1306 {
            m |= MARK_SOCKADDR;
        }
        if let Some(k) = &self.key {
            if record_may_give_key(rtype) && self.key_maybe(k, msg) {
                m |= MARK_KEY;
            }
        }
        if let Some(pid) = self.pid {
            if record_may_give_pid(rtype) && self.pid_maybe(pid, msg) {
                m |= MARK_PID;
            }
        }
        m
    }

    /// [`Prefilter::may_match`] from an event's [`Event::marks`].
    pub fn may_match_marks(&self, marks: u8) -> bool {
        if !self.active {
            return true;
        }
        if self.sockaddr_talks && marks & MARK_SOCKADDR != 0 {
            return true;
        }
        (self.key.is_none() || marks & MARK_KEY != 0)
            && (self.pid.is_none() || marks & MARK_PID != 0)
    }

    /// False only when `ev` certainly does not match (see the type's notes).
    pub fn may_match(&self, ev: &Event) -> bool {
        if !self.active {
            return true;
        }
        if self.sockaddr_talks && ev.records().any(|r| r.rtype == 1306) {
            return true;
        }
        if let Some(k) = &self.key {
            if !ev
                .records()
                .any(|r| record_may_give_key(r.rtype) && self.key_maybe(k, r.msg))
            {
                return false;
            }
        }
        if let Some(pid) = self.pid {
            if !ev
                .records()
                .any(|r| record_may_give_pid(r.rtype) && self.pid_maybe(pid, r.msg))
            {
                return false;
            }
        }
        true
    }

    /// Whether a key extracted from `msg` may contain `k`.
    fn key_maybe(&self, k: &[u8], msg: &[u8]) -> bool {
        any_after(msg, &self.key_eq, |v| match v.first() {
            Some(b'"') => {
                let v = &v[1..];
                let q = memchr::memchr(b'"', v).unwrap_or(v.len());
                crate::strings::find_from(&v[..q], 0, k).is_some()
            }
            // ausearch's unescape keeps `(…)` up to the first `)` (none: the
            // event fails), then splits it into keys: K must occur in it.
            Some(b'(') => memchr::memchr(b')', v)
                .is_some_and(|c| crate::strings::find_from(&v[..=c], 0, k).is_some()),
            Some(c) => c.is_ascii_hexdigit(),
            None => false,
        })
    }

    /// Whether a pid extracted from `msg` may be `pid`.
    fn pid_maybe(&self, pid: u64, msg: &[u8]) -> bool {
        any_after(msg, &self.pid_eq, |v| {
            let run = v.iter().take(10).take_while(|c| c.is_ascii_digit()).count();
            if run == 0 || run >= 10 {
                return true;
            }
            let n = v[..run]
                .iter()
                .fold(0u64, |n, &c| n * 10 + u64::from(c - b'0'));
            n == pid
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raudit_logfmt::{parse_header, Assembler};

    fn event(lines: &[&str]) -> Event {
        let mut a = Assembler::new(2);
        for l in lines {
            let h = parse_header(l.as_bytes(), 2).unwrap();
            a.add(&h, l.as_bytes());
        }
        a.terminate_all();
        a.next_ready().unwrap()
    }

    /// The prefilter never says "no" for an event that matches.
    fn check(crit: &Criteria, lines: &[&str], want: bool) {
        let ev = event(lines);
        let mut users = UserNames::with_resolver(|_| None);
        let m = matches(&ev, crit, &mut users, &mut Vec::new());
        assert_eq!(m, want, "{lines:?}");
        let pre = Prefilter::new(crit);
        if m {
            assert!(pre.may_match(&ev), "{lines:?}");
        }
        let marks = ev
            .records()
            .fold(0, |m, r| m | pre.line_marks(r.rtype, r.msg));
        assert_eq!(pre.may_match_marks(marks), pre.may_match(&ev), "{lines:?}");
    }

    const SYS: &str = "type=SYSCALL msg=audit(10.000:1): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=0 ppid=1 pid=PID auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"x\" exe=\"/x\" key=KEY";

    fn sys(pid: &str, key: &str) -> String {
        SYS.replace("PID", pid).replace("KEY", key)
    }

    #[test]
    fn key_prefilter_is_sound() {
        let crit = Criteria {
            key: Some(b"exec".to_vec()),
            ..Criteria::default()
        };
        check(&crit, &[&sys("5", "\"exec\"")], true);
        check(&crit, &[&sys("5", "\"myexecs\"")], true);
        // hex-encoded keys, upper and lower case, several keys
        check(&crit, &[&sys("5", "65786563")], true);
        check(&crit, &[&sys("5", "61016578656373")], true);
        check(&crit, &[&sys("5", "6578656C")], false);
        check(&crit, &[&sys("5", "\"other\"")], false);
        check(&crit, &[&sys("5", "(null)")], false);
        check(&crit, &[&sys("5", "(exec)")], true);
        check(&crit, &[&sys("5", "(exec")], false);
        let ev = event(&[&sys("5", "(null) exec")]);
        assert!(!Prefilter::new(&crit).may_match(&ev));
        let ev = event(&[&sys("5", "\"other\"")]);
        assert!(!Prefilter::new(&crit).may_match(&ev));
        let ev = event(&[&sys("5", "\"other\" exec")]);
        assert!(!Prefilter::new(&crit).may_match(&ev));
    }

    #[test]
    fn pid_prefilter_is_sound() {
        let crit = Criteria {
            pid: 8808,
            ..Criteria::default()
        };
        check(&crit, &[&sys("8808", "\"k\"")], true);
        check(&crit, &[&sys("0008808", "\"k\"")], true);
        // 2^32 + 8808 wraps to 8808 in the C int
        check(&crit, &[&sys("4294976104", "\"k\"")], true);
        check(&crit, &[&sys("88080", "\"k\"")], false);
        let ev = event(&[&sys("88080", "\"k\"")]);
        assert!(!Prefilter::new(&crit).may_match(&ev));
        let ev = event(&[&sys("1", "\"8808\"")]);
        assert!(!Prefilter::new(&crit).may_match(&ev));
    }
}
