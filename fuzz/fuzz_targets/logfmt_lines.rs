//! Arbitrary bytes through the line splitter, the header parser and event assembly:
//! no panic, no hang, and every record that went in comes out in exactly one event.
#![no_main]

use libfuzzer_sys::fuzz_target;
use raudit_logfmt::header::parse_header;
use raudit_logfmt::lines::Splitter;
use raudit_logfmt::Assembler;

fuzz_target!(|data: &[u8]| {
    let mut asm = Assembler::new(2);
    let mut split = Splitter::new();
    let mut added = 0usize;
    let mut out = 0usize;
    let mut on_line = |p: &[u8], asm: &mut Assembler| {
        if let Ok(h) = parse_header(p, 2) {
            if asm.add(&h, p) {
                added += 1;
            }
        }
        while let Some(e) = asm.next_ready() {
            out += e.len();
        }
    };
    // Feed in two uneven chunks to exercise pieces that straddle reads.
    let cut = data.len() / 3;
    for chunk in [&data[..cut], &data[cut..]] {
        split.feed(chunk, &mut |p| {
            on_line(p, &mut asm);
            true
        });
    }
    split.finish(&mut |p| {
        on_line(p, &mut asm);
        true
    });
    asm.terminate_all();
    while let Some(e) = asm.next_ready() {
        out += e.len();
    }
    assert_eq!(added, out);
});
