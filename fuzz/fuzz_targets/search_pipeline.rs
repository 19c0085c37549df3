//! Arbitrary bytes through the whole `ausearch` pipeline: line pieces → headers →
//! assembly → extraction and matching with several criteria → every output format
//! (raw, default, interpreted in each escape mode, csv, text). Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use raudit_logfmt::header::parse_header;
use raudit_logfmt::interpret::NoNames;
use raudit_logfmt::lines::Splitter;
use raudit_logfmt::normalize::Accounts;
use raudit_logfmt::{Assembler, Event};
use raudit_search::criteria::{Criteria, Escape, ReportFormat, Success};
use raudit_search::formats::{CsvExtras, Formatter};
use raudit_search::items::UserNames;

struct NoAccounts;
impl Accounts for NoAccounts {
    fn uid_by_name(&self, _: &[u8]) -> Option<u32> {
        None
    }
}

fn criteria() -> Vec<Criteria> {
    let mut all = Criteria::default();
    all.format = ReportFormat::Interpret;
    all.key = Some(b"k".to_vec());
    all.pid = 1;
    all.ppid = 1;
    all.uid = 0;
    all.tuid = Some(b"root".to_vec());
    all.filename = Some(b"/".to_vec());
    all.hostname = Some(b"h".to_vec());
    all.terminal = Some(b"t".to_vec());
    all.exe = Some(b"e".to_vec());
    all.comm = Some(b"c".to_vec());
    all.subject = Some(b"s".to_vec());
    all.object = Some(b"o".to_vec());
    all.session_id = 1;
    all.exit = -2;
    all.exit_is_set = true;
    all.success = Success::Failed;
    all.machine = 1;
    all.syscall = 2;
    all.debug = true;
    vec![Criteria::default(), all]
}

fn outputs(ev: &Event, fmt: &mut Formatter<'_>, sink: &mut Vec<u8>) {
    raudit_search::output::raw(ev, sink);
    for esc in [Escape::Raw, Escape::Tty, Escape::Shell, Escape::ShellQuote] {
        raudit_search::output::default(ev, esc, sink);
        raudit_search::interp_out::event(ev, &NoNames, esc, 1, sink, &mut std::io::sink());
    }
    fmt.csv(ev, sink, &mut std::io::sink());
    fmt.text(ev, sink);
    sink.clear();
}

fuzz_target!(|data: &[u8]| {
    let crits = criteria();
    let mut users = UserNames::with_resolver(|_| None);
    let mut fmt = Formatter::new(&NoNames, &NoAccounts, Escape::Tty, CsvExtras { time: true, labels: true, obj2: true, keys: true });
    let mut asm = Assembler::new(2);
    let mut sink = Vec::new();
    let mut handle = |ev: Event, users: &mut UserNames, fmt: &mut Formatter<'_>, sink: &mut Vec<u8>| {
        for c in &crits {
            let _ = raudit_search::matcher::matches(&ev, c, users, &mut std::io::sink());
        }
        outputs(&ev, fmt, sink);
    };
    let mut split = Splitter::new();
    split.feed(data, &mut |p| {
        if let Ok(h) = parse_header(p, 2) {
            asm.add(&h, p);
        }
        while let Some(ev) = asm.next_ready() {
            handle(ev, &mut users, &mut fmt, &mut sink);
        }
        true
    });
    split.finish(&mut |p| {
        if let Ok(h) = parse_header(p, 2) {
            asm.add(&h, p);
        }
        true
    });
    asm.terminate_all();
    while let Some(ev) = asm.next_ready() {
        handle(ev, &mut users, &mut fmt, &mut sink);
    }
});
