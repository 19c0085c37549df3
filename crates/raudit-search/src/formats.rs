//! `ausearch --format csv` and `--format text`: one line per normalized event.
//!
//! ausearch hands each matched event's records to auparse, which may deliver them as
//! more than one event ([`normalize::pieces`]); every delivered event is normalized
//! ([`normalize::normalize`]) and printed. [`Formatter`] does all of that for one
//! matched event; [`csv_event`] and [`text_event`] print one already-normalized piece.
//!
//! Values are printed as auparse interprets them (escaped for `--escape`); the CSV
//! has no quoting of its own, as in ausearch.

use std::ffi::CStr;
use std::io::Write;

use raudit_logfmt::interpret::{Escape as IEscape, NameDb};
use raudit_logfmt::normalize::{
    self, Accounts, FieldInterpreter, FieldType, Loc, NormOpt, Normalized, Piece, SockPart, Values,
};
use raudit_logfmt::Event;

use crate::criteria::Escape;
use crate::ctime::{localtime_opt, strftime, Tm};

const CONFIG_CHANGE: i32 = 1305;

/// The `--extra-*` columns of the CSV format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvExtras {
    /// `--extra-time`: YEAR, MONTH, DAY, WEEKDAY, HOUR, MILLI, GMT_OFFSET.
    pub time: bool,
    /// `--extra-labels`: SUBJ_LABEL and OBJ_LABEL (and attribute collection).
    pub labels: bool,
    /// `--extra-obj2`: OBJ2.
    pub obj2: bool,
    /// `--extra-keys`: KEY.
    pub keys: bool,
}

/// The interpretation escape mode for an `--escape` setting.
pub fn escape_mode(e: Escape) -> IEscape {
    match e {
        Escape::Raw => IEscape::Raw,
        Escape::Tty => IEscape::Tty,
        Escape::Shell => IEscape::Shell,
        Escape::ShellQuote => IEscape::ShellQuote,
    }
}

/// Writes the CSV header line.
pub fn csv_header(x: &CsvExtras, out: &mut Vec<u8>) {
    out.extend_from_slice(b"NODE,EVENT,DATE,TIME,");
    if x.time {
        out.extend_from_slice(b"YEAR,MONTH,DAY,WEEKDAY,HOUR,MILLI,GMT_OFFSET,");
    }
    out.extend_from_slice(b"SERIAL_NUM,EVENT_KIND,SESSION,SUBJ_PRIME,SUBJ_SEC,SUBJ_KIND,");
    if x.labels {
        out.extend_from_slice(b"SUBJ_LABEL,");
    }
    out.extend_from_slice(b"ACTION,RESULT,OBJ_PRIME,OBJ_SEC,");
    if x.obj2 {
        out.extend_from_slice(b"OBJ2,");
    }
    if x.labels {
        out.extend_from_slice(b"OBJ_LABEL,");
    }
    out.extend_from_slice(b"OBJ_KIND,HOW");
    if x.keys {
        out.extend_from_slice(b",KEY");
    }
    out.push(b'\n');
}

fn ftime(fmt: &CStr, tm: &Tm, out: &mut Vec<u8>) {
    out.extend_from_slice(strftime(fmt, tm).as_bytes());
}

/// C's `printf("%s", s)`, including glibc's `(null)`.
fn put(s: Option<&[u8]>, out: &mut Vec<u8>) {
    out.extend_from_slice(s.unwrap_or(b"(null)"));
}

/// True when a result text means success.
fn succeeded(p: &Piece, loc: Loc, item: &[u8], fi: &dyn FieldInterpreter) -> bool {
    item == b"yes"
        || item.starts_with(b"suc")
        || (item == b"allow" && p.field_type(loc, fi) == FieldType::Seccomp)
}

/// The value of the first attribute called `name` (auparse's attribute walk: a
/// location that does not resolve ends the walk, except the first, which is skipped).
fn attr_value(
    p: &mut Piece,
    attrs: &[Loc],
    name: &[u8],
    fi: &dyn FieldInterpreter,
) -> Option<Option<Vec<u8>>> {
    for (i, &a) in attrs.iter().enumerate() {
        let Some(l) = p.seek(Some(a)) else {
            if i == 0 {
                continue;
            }
            return None;
        };
        if p.field_name(l) == Some(name) {
            return Some(p.interpret(l, fi));
        }
    }
    None
}

/// Whether the action names a field rather than a value for CONFIG_CHANGE objects.
fn names_field(action: Option<&[u8]>) -> bool {
    matches!(action, Some(b"set") | Some(b"seccomp-logging"))
}

/// Writes one CSV line for a piece (auparse callback `csv_event`); `type_name` errors
/// go to `err` as ausearch prints them.
pub fn csv_event(
    p: &mut Piece,
    x: &CsvExtras,
    fi: &dyn FieldInterpreter,
    acct: &dyn Accounts,
    out: &mut Vec<u8>,
    err: &mut dyn Write,
) {
    let tm = localtime_opt(p.id.sec);
    // NODE: the first field of the first record, interpreted.
    if p.node.is_some() {
        let v = p.interpret(Loc { rec: 0, field: 0 }, fi);
        put(v.as_deref(), out);
    }
    out.push(b',');
    let type_name = u32::try_from(p.first_type())
        .ok()
        .and_then(raudit_tables::msg_type_name);
    if let Some(t) = type_name {
        out.extend_from_slice(t.as_bytes());
    }
    out.push(b',');
    let opt = if x.labels {
        NormOpt::All
    } else {
        NormOpt::NoAttrs
    };
    let n = normalize::normalize(p, opt, fi, acct);
    if let Some(tm) = &tm {
        ftime(c"%x", tm, out);
    }
    out.push(b',');
    if let Some(tm) = &tm {
        ftime(c"%T", tm, out);
    }
    out.push(b',');
    if x.time {
        for f in [c"%Y", c"%m", c"%d", c"%u", c"%k"] {
            if let Some(tm) = &tm {
                ftime(f, tm, out);
            }
            out.push(b',');
        }
        out.extend_from_slice(p.id.milli.to_string().as_bytes());
        out.push(b',');
        if let Some(tm) = &tm {
            let sign = if tm.gmtoff >= 0 { '+' } else { '-' };
            let total = tm.gmtoff.unsigned_abs();
            let hour = total / 3600;
            // ausearch prints the seconds left over, modulo 60, as the minutes.
            let min = (total - hour * 3600) % 60;
            out.extend_from_slice(format!("{sign}{hour:02}:{min:02}").as_bytes());
        }
        out.push(b',');
    }
    out.extend_from_slice(format!("{},", p.id.serial).as_bytes());
    if !n.ok {
        let _ = writeln!(err, "error normalizing {}", type_name.unwrap_or("(null)"));
        out.extend_from_slice(b",,,,,,,,,");
        if x.labels {
            out.extend_from_slice(b",,");
        }
        if x.keys {
            out.push(b',');
        }
        out.push(b'\n');
        return;
    }
    csv_fields(p, &n, x, fi, out);
}

fn csv_fields(
    p: &mut Piece,
    n: &Normalized,
    x: &CsvExtras,
    fi: &dyn FieldInterpreter,
    out: &mut Vec<u8>,
) {
    out.extend_from_slice(n.event_kind.unwrap_or("unknown").as_bytes());
    out.push(b',');
    if let Some(l) = p.seek(n.session) {
        put(p.interpret(l, fi).as_deref(), out);
    }
    out.push(b',');
    if let Some(l) = p.seek(n.subj_primary) {
        let s = p.interpret(l, fi);
        match s.as_deref() {
            Some(b"unset") => out.extend_from_slice(b"system"),
            s => put(s, out),
        }
    }
    out.push(b',');
    if let Some(l) = p.seek(n.subj_secondary) {
        put(p.interpret(l, fi).as_deref(), out);
    }
    out.push(b',');
    if let Some(k) = n.subj_kind {
        out.extend_from_slice(k.as_bytes());
    }
    out.push(b',');
    if x.labels {
        if let Some(v) = attr_value(p, &n.subj_attrs, b"subj", fi) {
            put(v.as_deref(), out);
        }
        out.push(b',');
    }
    let action = n.action.as_deref();
    out.extend_from_slice(action.unwrap_or(b"did-unknown"));
    out.push(b',');
    if let Some(l) = p.seek(n.results) {
        let item = p.interpret(l, fi).unwrap_or_default();
        out.extend_from_slice(if succeeded(p, l, &item, fi) {
            b"success"
        } else {
            b"failed"
        });
    }
    out.push(b',');
    if let Some(l) = p.seek(n.obj_primary) {
        let v = if p.field_type(l, fi) == FieldType::EscapedFile {
            p.realpath(l, fi)
        } else if p.record_type(l) == CONFIG_CHANGE && names_field(action) {
            p.field_name(l).map(<[u8]>::to_vec)
        } else {
            p.interpret(l, fi)
        };
        put(v.as_deref(), out);
    }
    out.push(b',');
    if let Some(l) = p.seek(n.obj_secondary) {
        put(p.interpret(l, fi).as_deref(), out);
    }
    out.push(b',');
    if x.obj2 {
        if let Some(l) = p.seek(n.obj_primary2) {
            let v = if p.field_type(l, fi) == FieldType::EscapedFile {
                p.realpath(l, fi)
            } else {
                p.interpret(l, fi)
            };
            put(v.as_deref(), out);
        }
        out.push(b',');
    }
    if x.labels {
        if let Some(v) = attr_value(p, &n.obj_attrs, b"obj", fi) {
            put(v.as_deref(), out);
        }
        out.push(b',');
    }
    out.extend_from_slice(n.obj_kind.name().as_bytes());
    out.push(b',');
    if let Some(h) = &n.how {
        out.extend_from_slice(h);
    }
    if x.keys {
        out.push(b',');
        if let Some(l) = p.seek(n.key) {
            put(p.interpret(l, fi).as_deref(), out);
        }
    }
    out.push(b'\n');
}

/// Writes the English sentence for a piece (auparse callback `text_event`).
pub fn text_event(
    p: &mut Piece,
    fi: &dyn FieldInterpreter,
    acct: &dyn Accounts,
    out: &mut Vec<u8>,
) {
    let when = match localtime_opt(p.id.sec) {
        Some(tm) => strftime(c"%T %x", &tm),
        None => "?".to_string(),
    };
    let first_type = p.first_type();
    let n = normalize::normalize(p, NormOpt::NoAttrs, fi, acct);
    if p.node.is_some() {
        out.extend_from_slice(b"On ");
        let v = p.interpret(Loc { rec: 0, field: 0 }, fi);
        put(v.as_deref(), out);
        out.extend_from_slice(format!(" at {when} ").as_bytes());
    } else {
        out.extend_from_slice(format!("At {when} ").as_bytes());
    }
    let mut id = -2;
    if let Some(l) = p.seek(n.subj_primary) {
        let s = p.interpret(l, fi);
        id = p.field_int(l);
        match s.as_deref() {
            Some(b"unset") => out.extend_from_slice(b"system"),
            s => put(s, out),
        }
    }
    if let Some(l) = p.seek(n.subj_secondary) {
        let uid = p.field_int(l);
        if uid != id && id != -2 && uid != -1 {
            out.extend_from_slice(b", acting as ");
            put(p.interpret(l, fi).as_deref(), out);
            out.push(b',');
        }
    }
    if let Some(l) = p.seek(n.results) {
        let item = p.interpret(l, fi).unwrap_or_default();
        out.extend_from_slice(if succeeded(p, l, &item, fi) {
            b" successfully "
        } else {
            b" unsuccessfully "
        });
    } else {
        out.push(b' ');
    }
    let action = n.action.as_deref();
    out.extend_from_slice(action.unwrap_or(b"did-unknown"));
    out.push(b' ');
    if let Some(l) = p.seek(n.obj_primary) {
        let mut val: Option<Vec<u8>> = None;
        if action.is_some_and(|a| memchr::memmem::find(a, b"violated").is_some()) {
            val = Some(b"accessing ".to_vec());
        }
        match p.field_type(l, fi) {
            FieldType::EscapedFile => val = p.realpath(l, fi),
            FieldType::Sockaddr => {
                val = p
                    .sock_part(l, SockPart::Address, fi)
                    .or_else(|| p.sock_part(l, SockPart::Family, fi));
            }
            _ if first_type == CONFIG_CHANGE => {
                val = if names_field(action) {
                    p.field_name(l).map(<[u8]>::to_vec)
                } else {
                    p.interpret(l, fi)
                };
            }
            _ => {}
        }
        if val.is_none() {
            val = p.interpret(l, fi);
        }
        put(val.as_deref(), out);
        out.push(b' ');
    }
    if let Some(l) = p.seek(n.obj_primary2) {
        let v = if p.field_type(l, fi) == FieldType::EscapedFile {
            p.realpath(l, fi)
        } else {
            p.interpret(l, fi)
        };
        out.extend_from_slice(b"to ");
        put(v.as_deref(), out);
        out.push(b' ');
    }
    if let (Some(how), Some(a)) = (&n.how, action) {
        if a.first() != Some(&b'e') {
            out.extend_from_slice(b"using ");
            out.extend_from_slice(how);
        }
    }
    out.push(b'\n');
}

/// Prints matched events in the CSV or text format, keeping the state ausearch keeps
/// between events (the CSV header is printed once, before the first line).
pub struct Formatter<'a> {
    values: Values<'a>,
    accounts: &'a dyn Accounts,
    extras: CsvExtras,
    header_done: bool,
}

impl<'a> Formatter<'a> {
    /// A formatter using `names`/`accounts` for the local account database.
    pub fn new(
        names: &'a dyn NameDb,
        accounts: &'a dyn Accounts,
        escape: Escape,
        extras: CsvExtras,
    ) -> Formatter<'a> {
        Formatter {
            values: Values::new(names, escape_mode(escape)),
            accounts,
            extras,
            header_done: false,
        }
    }

    /// Writes the CSV lines of one matched event.
    pub fn csv(&mut self, ev: &Event, out: &mut Vec<u8>, err: &mut dyn Write) {
        for mut p in normalize::pieces(ev) {
            if !self.header_done {
                self.header_done = true;
                csv_header(&self.extras, out);
            }
            csv_event(&mut p, &self.extras, &self.values, self.accounts, out, err);
        }
    }

    /// Writes the text lines of one matched event.
    pub fn text(&mut self, ev: &Event, out: &mut Vec<u8>) {
        for mut p in normalize::pieces(ev) {
            text_event(&mut p, &self.values, self.accounts, out);
        }
    }
}
