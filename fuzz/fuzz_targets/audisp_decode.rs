//! Arbitrary bytes as a plugin's stdin: the binary (both layouts) and string
//! decoders, fed in two chunks split at the first byte's value. No panic;
//! every decoded frame re-encodes to the bytes it came from (compact layout).
#![no_main]

use libfuzzer_sys::fuzz_target;
use raudit_wire::audisp::{encode_frame, BinaryDecoder, Layout, LineDecoder, HEADER_LEN};

fuzz_target!(|data: &[u8]| {
    let cut = data.first().map_or(0, |&b| (b as usize).min(data.len()));
    for layout in [Layout::Compact, Layout::Padded] {
        let mut d = BinaryDecoder::new(layout);
        let mut at = 0usize;
        for chunk in [&data[..cut], &data[cut..]] {
            d.feed(chunk);
            while let Ok(Some(f)) = d.next_frame() {
                if layout == Layout::Compact {
                    let mut again = Vec::new();
                    encode_frame(f.header.ver, f.header.rtype, f.data, layout, &mut again)
                        .expect("a decoded frame encodes");
                    assert_eq!(&again[..], &data[at..at + HEADER_LEN + f.data.len()]);
                    at += again.len();
                }
            }
        }
        let _ = d.finish();
    }
    let mut l = LineDecoder::new(64);
    for chunk in [&data[..cut], &data[cut..]] {
        l.feed(chunk);
        loop {
            match l.next_line() {
                Ok(None) => break,
                Ok(Some(line)) => assert!(line.len() <= 64 && !line.contains(&b'\n')),
                Err(_) => {}
            }
        }
    }
    let _ = l.finish();
});
