//! Writing matched events in ausearch's formats.

use raudit_logfmt::{Event, LogFormat};

use crate::criteria::{Escape, ReportFormat};
use crate::escape::safe_line;

/// Record types from `DAEMON_START` up to (not including) `SYSCALL`: for events whose
/// last record is one of these, only that record is printed.
fn daemon_range(t: i32) -> bool {
    (1200..1300).contains(&t)
}

/// Raw format: the records as read, in arrival order. In an event with ENRICHED
/// records every record is printed with its separator.
pub fn raw(ev: &Event, out: &mut Vec<u8>) {
    for r in ev.records() {
        out.extend_from_slice(r.msg);
        if ev.format == LogFormat::Enriched {
            out.push(raudit_logfmt::INTERP_SEPARATOR);
            if let Some(i) = r.interp {
                out.extend_from_slice(i);
            }
        }
        out.push(b'\n');
    }
}

/// Default format: `----`, `time->` and the records newest first, escaped.
pub fn default(ev: &Event, escape: Escape, out: &mut Vec<u8>) {
    out.extend_from_slice(b"----\ntime->");
    if !crate::ctime::ctime_into(ev.id.sec, out) {
        out.extend_from_slice(b"(null)");
    }
    let Some(last) = ev.records().next_back() else {
        return;
    };
    if daemon_range(last.rtype) {
        out.extend_from_slice(last.msg);
        out.push(b'\n');
        return;
    }
    for r in ev.records().rev() {
        safe_line(escape, r.msg, out);
    }
}

/// True when `format` prints events through the record-by-record writers here.
pub fn is_simple(format: ReportFormat) -> bool {
    matches!(format, ReportFormat::Raw | ReportFormat::Default)
}
