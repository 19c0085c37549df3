//! The interpreted format (`-i`): each record re-printed field by field with values
//! turned into text. This module does the record-level work exactly as ausearch 3.0.9
//! does it — the type name and local time stamp, how the text after the time stamp is
//! cut into `name=value` pieces (quotes, nested `msg='…'`, values with commas, MAC
//! labels), the spacing — and hands each value to a [`ValueInterpreter`].

use raudit_logfmt::{Event, Record};

use crate::criteria::Escape;

/// How a value is printed once interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Printed as it is, followed by a space (or a comma when it was cut at one).
    Unclassified,
    /// A MAC label: may contain commas that belong to it.
    MacLabel,
    /// TTY data: printed without a trailing space.
    TtyData,
    /// Anything else: the interpretation followed by a space.
    Other,
}

/// Per-record context for interpretation.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The record type.
    pub rtype: i32,
    /// libaudit machine number (-1 when unknown), for SYSCALL/SECCOMP records.
    pub machine: i32,
    /// Syscall number of the record (0 outside SYSCALL/SECCOMP; -1 before `syscall=`).
    pub syscall: i32,
    /// First syscall argument of the event's SYSCALL record.
    pub a0: u64,
    /// Second syscall argument.
    pub a1: u64,
    /// The record's ENRICHED tail, if any.
    pub enriched: Option<&'a [u8]>,
}

/// Value-level interpretation (auparse's `auparse_interp_adjust_type` and
/// `auparse_do_interpretation`).
pub trait ValueInterpreter {
    /// How `name=val` in a record of type `rtype` is classified.
    fn kind(&self, rtype: i32, name: &[u8], val: &[u8]) -> Kind;
    /// The interpreted text of the value.
    fn interpret(&self, ctx: &Ctx<'_>, name: &[u8], val: &[u8], escape: Escape, out: &mut Vec<u8>);
}

fn find(h: &[u8], c: u8) -> Option<usize> {
    memchr::memchr(c, h)
}

/// `a0`/`a1` of a SYSCALL record as ausearch's parser stored them (hex).
pub fn syscall_args(msg: &[u8]) -> (u64, u64) {
    let arg = |key: &[u8]| -> u64 {
        memchr::memmem::find(msg, key)
            .map(|i| raudit_logfmt::num::strtoul(&msg[i + key.len()..], 16).value)
            .unwrap_or(0)
    };
    (arg(b"a0="), arg(b"a1="))
}

/// Writes the event in the interpreted format.
pub fn event(
    ev: &Event,
    vi: &dyn ValueInterpreter,
    escape: Escape,
    host_machine: i32,
    out: &mut Vec<u8>,
    err: &mut dyn std::io::Write,
) {
    out.extend_from_slice(b"----\n");
    let Some(last) = ev.records().next_back() else {
        return;
    };
    // a0/a1 are those of the last SYSCALL record printed so far, as in ausearch.
    let mut args = (0u64, 0u64);
    if (1200..1300).contains(&last.rtype) {
        record(ev, &last, vi, escape, host_machine, &mut args, out, err);
    } else {
        for r in ev.records().rev() {
            record(ev, &r, vi, escape, host_machine, &mut args, out, err);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    ev: &Event,
    r: &Record<'_>,
    vi: &dyn ValueInterpreter,
    escape: Escape,
    host_machine: i32,
    args: &mut (u64, u64),
    out: &mut Vec<u8>,
    err: &mut dyn std::io::Write,
) {
    let mut s: &[u8] = r.msg;
    if ev.node.is_some() {
        if let Some(sp) = find(s, b' ') {
            s = &s[sp + 1..];
        }
    }
    let Some(open) = find(s, b'(') else {
        let _ = err.write_all(b"can't find time stamp\n");
        return;
    };
    let type_name = (r.rtype >= 0)
        .then(|| raudit_tables::msg_type_name(r.rtype as u32))
        .flatten();
    if let Some(node) = &ev.node {
        out.extend_from_slice(b"node=");
        out.extend_from_slice(node);
        out.push(b' ');
    }
    match type_name {
        Some(n) => {
            out.extend_from_slice(b"type=");
            out.extend_from_slice(n.as_bytes());
            out.extend_from_slice(b" msg=audit(");
        }
        None => {
            out.extend_from_slice(&s[..open]);
            out.push(b'(');
        }
    }
    let after = &s[open + 1..];
    let Some(close) = find(after, b')') else {
        return;
    };
    let mut rest: &[u8] = &after[close + 1..];
    match crate::ctime::localtime_opt(ev.id.sec) {
        Some(tm) => out.extend_from_slice(crate::ctime::strftime(c"%x %T", &tm).as_bytes()),
        None => out.push(b'?'),
    }
    out.extend_from_slice(format!(".{:03}:{}) ", ev.id.milli, ev.id.serial).as_bytes());
    if r.rtype == 1300 {
        *args = syscall_args(r.msg);
    }
    let mut ctx = Ctx {
        rtype: r.rtype,
        machine: -1,
        syscall: -1,
        a0: args.0,
        a1: args.1,
        enriched: r.interp,
    };
    let mut found = false;
    let mut comma = false;
    // `rest` is None once a value ran to the end of the record.
    let mut cur: Option<&[u8]> = Some(rest);
    while let Some(st) = cur {
        if st.is_empty() {
            break;
        }
        let Some(eq) = find(st, b'=') else { break };
        comma = false;
        found = true;
        // The name is what follows the last space before '='.
        let name_start = st[..eq].iter().rposition(|&c| c == b' ').unwrap_or(0);
        out.extend_from_slice(&st[..=eq]);
        let mut name = &st[name_start..eq];
        let v = &st[eq + 1..];
        if name == b"msg" {
            cur = Some(v);
            continue;
        }
        if name.first() == Some(&b'\'') {
            name = &name[1..];
        }
        let (val, next): (&[u8], Option<&[u8]>) =
            if v.first() == Some(&b'\'') || v.first() == Some(&b'"') {
                match find(&v[1..], v[0]) {
                    Some(q) => {
                        let end = q + 2; // one past the closing quote
                        if end < v.len() {
                            (&v[..end], Some(&v[end + 1..]))
                        } else {
                            (&v[..end], Some(&v[end..]))
                        }
                    }
                    None => (v, None),
                }
            } else {
                let c = find(v, b',');
                let sp = find(v, b' ');
                match (c, sp) {
                    (Some(c), Some(sp)) if c < sp => {
                        // ausearch classifies with the untrimmed name here (usually
                        // " name"), which rarely resolves: commas then cut the value.
                        if vi.kind(r.rtype, name, &v[sp..]) == Kind::MacLabel {
                            (&v[..sp], Some(&v[sp + 1..]))
                        } else {
                            comma = true;
                            (&v[..c], Some(&v[c + 1..]))
                        }
                    }
                    (Some(c), None) => {
                        if vi.kind(r.rtype, name, v) == Kind::MacLabel {
                            (v, None)
                        } else {
                            comma = true;
                            (&v[..c], Some(&v[c + 1..]))
                        }
                    }
                    (_, Some(sp)) => (&v[..sp], Some(&v[sp + 1..])),
                    (None, None) => (v, None),
                }
            };
        report(vi, &mut ctx, host_machine, name, val, comma, escape, out);
        cur = next;
    }
    rest = cur.unwrap_or(b"");
    if !found && cur.is_some() {
        // Nothing to interpret: the rest as it is.
        crate::escape::safe_line(escape, rest, out);
    } else if comma {
        crate::escape::safe_line(escape, rest, out);
    }
    out.push(b'\n');
}

fn trim_name(mut name: &[u8]) -> &[u8] {
    while let Some((&c, tail)) = name.split_first() {
        if c == b' ' || c == b'(' {
            name = tail;
        } else {
            break;
        }
    }
    name
}

#[allow(clippy::too_many_arguments)]
fn report(
    vi: &dyn ValueInterpreter,
    ctx: &mut Ctx<'_>,
    host_machine: i32,
    name: &[u8],
    val: &[u8],
    comma: bool,
    escape: Escape,
    out: &mut Vec<u8>,
) {
    let name = trim_name(name);
    let mut val = val;
    if name == b"acct" && val.last() == Some(&b':') {
        val = &val[..val.len() - 1];
    }
    let kind = vi.kind(ctx.rtype, name, val);
    if ctx.rtype == 1300 || ctx.rtype == 1326 {
        if ctx.machine == -1 {
            ctx.machine = host_machine;
        }
        if name == b"arch" {
            let v = raudit_logfmt::num::strtoul(val, 16);
            if v.overflow {
                out.extend_from_slice(b"arch conversion error(");
                out.extend_from_slice(val);
                out.extend_from_slice(b") ");
                return;
            }
            ctx.machine = crate::machine::from_elf(v.value as u32);
        }
        if ctx.syscall < 0 && name == b"syscall" {
            let v = raudit_logfmt::num::strtoul(val, 10);
            if v.overflow {
                out.extend_from_slice(b"syscall conversion error(");
                out.extend_from_slice(val);
                out.extend_from_slice(b") ");
                return;
            }
            ctx.syscall = v.value as i32;
        }
    } else {
        ctx.syscall = 0;
    }
    match kind {
        Kind::Unclassified => {
            out.extend_from_slice(val);
            out.push(if comma { b',' } else { b' ' });
        }
        _ => {
            let start = out.len();
            vi.interpret(ctx, name, val, escape, out);
            if name == b"key" {
                // Several keys are separated by 0x01: print them as separate key= fields.
                let text = out.split_off(start);
                let mut parts = text.split(|&b| b == raudit_logfmt::KEY_SEPARATOR);
                if let Some(first) = parts.next() {
                    out.extend_from_slice(first);
                }
                for p in parts {
                    out.extend_from_slice(b" key=");
                    out.extend_from_slice(p);
                }
                out.push(b' ');
            } else if kind != Kind::TtyData {
                out.push(b' ');
            }
        }
    }
}
