//! Hostile bytes through the JSON path: log lines → events → process table and
//! filters → JSON lines; and raw bytes through the string writer.
//! Checks: no panic; every output line is one JSON object; strings round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use raudit_logfmt::header::parse_header;
use raudit_logfmt::lines::Splitter;
use raudit_logfmt::Assembler;

fuzz_target!(|data: &[u8]| {
    let mut s = raudit_json::Settings::default();
    let _ = s.set("label-exe", "sh:sh$");
    let _ = s.set("drop-saddr", "10.0.0.0/8");
    let mut pipe = raudit_json::Pipeline::new(Box::new(raudit_logfmt::interpret::NoNames), s);
    let mut asm = Assembler::new(2);
    let mut out = Vec::new();
    let mut split = Splitter::new();
    let mut line = |p: &[u8], asm: &mut Assembler, out: &mut Vec<u8>| {
        if let Ok(h) = parse_header(p, 2) {
            asm.add(&h, p);
        }
        while let Some(e) = asm.next_ready() {
            pipe.event(&e, None, out);
        }
    };
    split.feed(data, &mut |p| {
        line(p, &mut asm, &mut out);
        true
    });
    split.finish(&mut |p| {
        line(p, &mut asm, &mut out);
        true
    });
    asm.terminate_all();
    while let Some(e) = asm.next_ready() {
        pipe.event(&e, None, &mut out);
    }
    for l in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let v: serde_json::Value = serde_json::from_slice(l).expect("valid JSON");
        assert!(v.is_object());
    }
    let mut js = Vec::new();
    raudit_json::write::string(&mut js, data);
    let back: String = serde_json::from_slice(&js).expect("valid JSON string");
    assert_eq!(raudit_json::write::unescape_pct(&back), data);
});
