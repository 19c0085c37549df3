//! Property tests: arbitrary input never panics; records round-trip through events.

use proptest::prelude::*;
use raudit_logfmt::header::parse_header;
use raudit_logfmt::lines::Splitter;
use raudit_logfmt::{Assembler, Event, EventId};

fn record_line() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::option::of("[a-z]{1,8}"),
        prop::sample::select(vec![
            "SYSCALL",
            "PATH",
            "PROCTITLE",
            "USER_LOGIN",
            "EOE",
            "UNKNOWN[1999]",
            "syscall",
        ]),
        0i64..50,
        0u32..1000,
        0u64..20,
        prop::collection::vec(any::<u8>(), 0..60),
    )
        .prop_map(|(node, ty, sec, ms, serial, body)| {
            let mut l = Vec::new();
            if let Some(n) = node {
                l.extend_from_slice(format!("node={n} ").as_bytes());
            }
            l.extend_from_slice(
                format!("type={ty} msg=audit({sec}.{ms:03}:{serial}): ").as_bytes(),
            );
            l.extend(body.into_iter().filter(|&b| b != b'\n' && b != 0));
            l.push(b'\n');
            l
        })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..4000)) {
        let mut asm = Assembler::new(2);
        let mut split = Splitter::new();
        split.feed(&data, &mut |p| {
            if let Ok(h) = parse_header(p, 2) {
                asm.add(&h, p);
            }
            while asm.next_ready().is_some() {}
            true
        });
        asm.terminate_all();
        while asm.next_ready().is_some() {}
    }

    #[test]
    fn every_record_comes_out_once_in_time_order(lines in prop::collection::vec(record_line(), 0..80)) {
        let mut asm = Assembler::new(2);
        let mut added = 0usize;
        let mut got: Vec<Event> = Vec::new();
        for l in &lines {
            let h = parse_header(l, 2).expect("generated lines are records");
            if asm.add(&h, l) {
                added += 1;
            }
            while let Some(e) = asm.next_ready() {
                got.push(e);
            }
        }
        asm.terminate_all();
        while let Some(e) = asm.next_ready() {
            got.push(e);
        }
        prop_assert_eq!(got.iter().map(Event::len).sum::<usize>(), added);
        prop_assert_eq!(asm.held(), 0);
    }

    #[test]
    fn record_text_round_trips(body in prop::collection::vec(any::<u8>(), 0..200)) {
        // Record text is a C string: it ends at a NUL (tested below), so none here.
        let body: Vec<u8> = body.into_iter().filter(|&b| b != b'\n' && b != 0).collect();
        let mut line = b"type=SYSCALL msg=audit(1.000:1): ".to_vec();
        line.extend_from_slice(&body);
        let ev = Event::new(EventId { sec: 1, milli: 0, serial: 1 }, None, 1300, &[line.as_slice(), b"\n"].concat());
        let r = ev.record(0).expect("one record");
        let mut back = r.msg.to_vec();
        if let Some(i) = r.interp {
            back.push(raudit_logfmt::INTERP_SEPARATOR);
            back.extend_from_slice(i);
        }
        prop_assert_eq!(back, line);
    }
}

#[test]
fn record_text_ends_at_nul_like_a_c_string() {
    let ev = Event::new(
        EventId::default(),
        None,
        1300,
        b"type=SYSCALL msg=audit(1.000:1): a=1\0b=2\x1dX\n",
    );
    let r = ev.record(0).expect("one record");
    assert_eq!(r.msg, b"type=SYSCALL msg=audit(1.000:1): a=1");
    assert!(r.interp.is_none());
    let ev = Event::new(
        EventId::default(),
        None,
        1300,
        b"type=SYSCALL msg=audit(1.000:1): a=1\x1dUID=\"x\0y\"\n",
    );
    let r = ev.record(0).expect("one record");
    assert_eq!(r.interp, Some(&b"UID=\"x"[..]));
}
