//! Development aid: runs only the extraction and matching stage over `-if FILE` with
//! ausearch's options, printing each matching event's records as `--raw` would
//! (patched text, then the ENRICHED tail), and the diagnostics on stderr. Compare
//! with `ausearch … --raw`.

use std::io::{Read, Write};

use raudit_logfmt::header::parse_header;
use raudit_logfmt::lines::Splitter;
use raudit_logfmt::{Assembler, Event, INTERP_SEPARATOR};
use raudit_search::items::UserNames;
use raudit_search::matcher::match_event;
use raudit_search::options;
use raudit_search::timeparse::SystemClock;

fn print(ev: &Event, patches: &[raudit_search::items::Patch], out: &mut Vec<u8>) {
    for (i, r) in ev.records().enumerate() {
        let mut msg = r.msg.to_vec();
        for p in patches.iter().filter(|p| p.record == i) {
            msg[p.offset] = p.byte;
        }
        out.extend_from_slice(&msg);
        if let Some(t) = r.interp {
            out.push(INTERP_SEPARATOR);
            out.extend_from_slice(t);
        }
        out.push(b'\n');
    }
}

fn main() {
    let args: Vec<Vec<u8>> = std::env::args_os()
        .skip(1)
        .map(|a| std::os::unix::ffi::OsStrExt::as_bytes(a.as_os_str()).to_vec())
        .collect();
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let opts = match options::parse(&args, &SystemClock, &mut stdout, &mut stderr) {
        Ok(o) => o,
        Err(options::Exit(c)) => std::process::exit(c),
    };
    let Some(input) = &opts.input else {
        eprintln!("need -if");
        std::process::exit(2);
    };
    let mut data = Vec::new();
    let path = std::ffi::OsStr::new(std::str::from_utf8(input).unwrap_or("-"));
    if std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut data))
        .is_err()
    {
        eprintln!("cannot read input");
        std::process::exit(2);
    }
    let crit = &opts.crit;
    let mut asm = Assembler::new(if opts.eoe_timeout != 0 {
        opts.eoe_timeout
    } else {
        2
    });
    let mut users = UserNames::new();
    let mut out = Vec::new();
    let mut found = false;
    let mut handle = |asm: &mut Assembler, out: &mut Vec<u8>, err: &mut dyn Write| {
        while let Some(ev) = asm.next_ready() {
            if let Some(items) = match_event(&ev, crit, &mut users, err) {
                found = true;
                print(&ev, &items.patches, out);
            }
            asm.recycle(ev);
        }
    };
    let mut split = Splitter::new();
    let mut lines: Vec<Vec<u8>> = Vec::new();
    split.feed(&data, &mut |p| {
        lines.push(p.to_vec());
        true
    });
    split.finish(&mut |p| {
        lines.push(p.to_vec());
        true
    });
    for l in &lines {
        let Ok(h) = parse_header(l, asm.eoe_timeout()) else {
            continue;
        };
        if (crit.start_time != 0 && h.id.sec < crit.start_time)
            || (crit.end_time != 0 && h.id.sec > crit.end_time)
        {
            continue;
        }
        if asm.add(&h, l) {
            handle(&mut asm, &mut out, &mut stderr);
        }
    }
    asm.terminate_all();
    handle(&mut asm, &mut out, &mut stderr);
    let _ = stdout.write_all(&out);
    std::process::exit(if found { 0 } else { 1 });
}
