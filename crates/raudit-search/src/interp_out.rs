//! The interpreted format (`-i`): each record re-printed field by field with values
//! turned into text. This module does the record-level work exactly as ausearch 3.0.9
//! does it — the type name and local time stamp, how the text after the time stamp is
//! cut into `name=value` pieces (quotes, nested `msg='…'`, values with commas, MAC
//! labels), the spacing — and hands each value to [`raudit_logfmt::interpret`].

use raudit_logfmt::interpret::{self, Ctx, Kind, NameDb};
use raudit_logfmt::{Event, Record};

use crate::criteria::Escape;

fn esc(e: Escape) -> interpret::Escape {
    match e {
        Escape::Raw => interpret::Escape::Raw,
        Escape::Tty => interpret::Escape::Tty,
        Escape::Shell => interpret::Escape::Shell,
        Escape::ShellQuote => interpret::Escape::ShellQuote,
    }
}

/// Per-record interpretation state (ausearch keeps `machine`/`syscall` per record
/// and `a0`/`a1` across the records of an event).
struct State {
    machine: i32,
    syscall: i32,
    a0: u64,
    a1: u64,
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
    db: &dyn NameDb,
    escape: Escape,
    host_machine: i32,
    out: &mut Vec<u8>,
    err: &mut dyn std::io::Write,
) {
    out.extend_from_slice(b"----\n");
    let Some(last) = ev.records().next_back() else {
        return;
    };
    // The time stamp is the same for every record of the event: format it once.
    let mut stamp = match crate::ctime::localtime_opt(ev.id.sec) {
        Some(tm) => crate::ctime::strftime(c"%x %T", &tm).into_bytes(),
        None => b"?".to_vec(),
    };
    stamp.extend_from_slice(format!(".{:03}:{}) ", ev.id.milli, ev.id.serial).as_bytes());
    // a0/a1 are those of the last SYSCALL record printed so far, as in ausearch.
    let mut args = (0u64, 0u64);
    if (1200..1300).contains(&last.rtype) {
        record(
            ev,
            &last,
            &stamp,
            db,
            escape,
            host_machine,
            &mut args,
            out,
            err,
        );
    } else {
        for r in ev.records().rev() {
            record(
                ev,
                &r,
                &stamp,
                db,
                escape,
                host_machine,
                &mut args,
                out,
                err,
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    ev: &Event,
    r: &Record<'_>,
    stamp: &[u8],
    db: &dyn NameDb,
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
    out.extend_from_slice(stamp);
    if r.rtype == 1300 {
        *args = syscall_args(r.msg);
    }
    let tail = r.interp.map(interpret::Tail::new);
    let mut state = State {
        machine: -1,
        syscall: -1,
        a0: args.0,
        a1: args.1,
    };
    let mut found = false;
    let mut comma = false;
    // `rest` is None once a value ran to the end of the record.
    let mut cur: Option<&[u8]> = Some(rest);
    let mut no_eq = false;
    while let Some(st) = cur {
        if st.is_empty() {
            break;
        }
        let Some(eq) = find(st, b'=') else {
            no_eq = true;
            break;
        };
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
                // Only a comma before the first space matters: look for it there
                // (not through the rest of the record).
                let sp = find(v, b' ');
                let c = find(&v[..sp.unwrap_or(v.len())], b',');
                match (c, sp) {
                    (Some(c), Some(sp)) if c < sp => {
                        // ausearch classifies with the untrimmed name here (usually
                        // " name"), which rarely resolves: commas then cut the value.
                        if interpret::is_mac_label(r.rtype as u32, name, &v[sp..]) {
                            (&v[..sp], Some(&v[sp + 1..]))
                        } else {
                            comma = true;
                            (&v[..c], Some(&v[c + 1..]))
                        }
                    }
                    (Some(c), None) => {
                        if interpret::is_mac_label(r.rtype as u32, name, v) {
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
        report(
            db,
            r,
            tail.as_ref(),
            &mut state,
            host_machine,
            name,
            val,
            comma,
            escape,
            out,
        );
        cur = next;
    }
    rest = cur.unwrap_or(b"");
    if !found && no_eq {
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
    db: &dyn NameDb,
    r: &Record<'_>,
    tail: Option<&interpret::Tail<'_>>,
    st: &mut State,
    host_machine: i32,
    name: &[u8],
    val: &[u8],
    comma: bool,
    escape: Escape,
    out: &mut Vec<u8>,
) {
    let name = trim_name(name);
    let syscall_rec = r.rtype == 1300 || r.rtype == 1326;
    if syscall_rec {
        if st.machine == -1 {
            st.machine = host_machine;
        }
        if name == b"arch" {
            let v = raudit_logfmt::num::strtoul(val, 16);
            if v.overflow {
                out.extend_from_slice(b"arch conversion error(");
                out.extend_from_slice(val);
                out.extend_from_slice(b") ");
                return;
            }
            st.machine = crate::machine::from_elf(v.value as u32);
        }
        if st.syscall < 0 && name == b"syscall" {
            let v = raudit_logfmt::num::strtoul(val, 10);
            if v.overflow {
                out.extend_from_slice(b"syscall conversion error(");
                out.extend_from_slice(val);
                out.extend_from_slice(b") ");
                return;
            }
            st.syscall = v.value as i32;
        }
    }
    let ctx = Ctx {
        rtype: r.rtype as u32,
        machine: if syscall_rec {
            crate::machine::table(st.machine)
        } else {
            None
        },
        syscall: if syscall_rec && st.syscall >= 0 {
            Some(st.syscall as u32)
        } else {
            None
        },
        a0: st.a0,
        a1: st.a1,
        enriched: r.interp,
    };
    match interpret::interpret_field_with(&ctx, tail, name, val, db, esc(escape), out) {
        Kind::Raw => out.push(if comma { b',' } else { b' ' }),
        Kind::Interpreted => out.push(b' '),
        Kind::TtyData => {}
    }
}
