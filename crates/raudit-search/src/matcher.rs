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
    extract_search_items, SearchItems, UserNames, SUCCESS_FAILED, SUCCESS_UNSET, SUCCESS_YES,
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
