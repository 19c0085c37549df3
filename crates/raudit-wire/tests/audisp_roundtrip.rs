//! Property tests: dispatcher frames and lines survive encode → decode,
//! whatever the chunking of the stream.
use proptest::prelude::*;
use raudit_wire::audisp::{
    encode_frame, format_string_record, BinaryDecoder, Layout, LineDecoder,
    MAX_AUDIT_MESSAGE_LENGTH,
};

fn records() -> impl Strategy<Value = Vec<(u32, u32, Vec<u8>)>> {
    prop::collection::vec(
        (
            0u32..2,
            any::<u32>(),
            prop::collection::vec(any::<u8>(), 0..300),
        ),
        0..12,
    )
}

fn chunked(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 0;
    for &c in cuts {
        let end = (at + c).min(bytes.len());
        out.push(bytes[at..end].to_vec());
        at = end;
    }
    out.push(bytes[at..].to_vec());
    out
}

proptest! {
    #[test]
    fn binary_round_trip(recs in records(), padded in any::<bool>(),
                         cuts in prop::collection::vec(0usize..20000, 0..8)) {
        let layout = if padded { Layout::Padded } else { Layout::Compact };
        let mut stream = Vec::new();
        for (ver, t, d) in &recs {
            encode_frame(*ver, *t, d, layout, &mut stream).unwrap();
        }
        let mut dec = BinaryDecoder::new(layout);
        let mut got = Vec::new();
        for chunk in chunked(&stream, &cuts) {
            dec.feed(&chunk);
            while let Some(f) = dec.next_frame().unwrap() {
                got.push((f.header.ver, f.header.rtype, f.data.to_vec()));
            }
        }
        prop_assert_eq!(dec.finish(), Ok(()));
        prop_assert_eq!(got, recs);
    }

    #[test]
    fn string_round_trip(recs in prop::collection::vec(
                            prop::collection::vec(any::<u8>(), 0..200), 0..12),
                         cuts in prop::collection::vec(0usize..400, 0..8)) {
        let mut stream = Vec::new();
        let mut want = Vec::new();
        for d in &recs {
            let start = stream.len();
            format_string_record(1, b"", d, &mut stream);
            // One line per record, no NUL, no inner newline.
            let line = &stream[start..stream.len() - 1];
            prop_assert!(!line.contains(&b'\n'));
            want.push(line.to_vec());
        }
        let mut dec = LineDecoder::new(MAX_AUDIT_MESSAGE_LENGTH);
        let mut got = Vec::new();
        for chunk in chunked(&stream, &cuts) {
            dec.feed(&chunk);
            while let Some(l) = dec.next_line().unwrap() {
                got.push(l.to_vec());
            }
        }
        prop_assert_eq!(dec.finish(), None);
        prop_assert_eq!(got, want);
    }

    #[test]
    fn garbage_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..100), compact in any::<bool>()) {
        let mut d = BinaryDecoder::new(if compact { Layout::Compact } else { Layout::Padded });
        d.feed(&bytes);
        for _ in 0..20 {
            match d.next_frame() { Ok(Some(_)) => {}, _ => break }
        }
        let _ = d.finish();
        let mut l = LineDecoder::new(10);
        l.feed(&bytes);
        for _ in 0..200 {
            if let Ok(None) = l.next_line() {
                break;
            }
        }
    }
}
