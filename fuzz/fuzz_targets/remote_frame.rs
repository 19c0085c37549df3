//! A hostile peer on the remote-logging port: arbitrary bytes, split at
//! arbitrary points (first byte of the input picks the split size and the
//! mode), through the managed/ascii frame decoder. No panic; bytes are never
//! lost or invented (decoded + buffered = fed until an error); once failed,
//! the decoder stays failed; every decoded frame re-encodes to its bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use raudit_remote_proto::{encode_frame, Decoder, Item, Mode, HEADER_SIZE};

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, data)) = data.split_first() else {
        return;
    };
    let mode = if ctl & 0x80 != 0 { Mode::Auto } else { Mode::Managed };
    let step = usize::from(ctl & 0x7f).max(1);
    let mut d = Decoder::new(mode);
    let mut consumed = 0usize;
    let mut failed = false;
    let mut rebuilt = Vec::new();
    for chunk in data.chunks(step) {
        d.feed(chunk);
        loop {
            match d.next() {
                Ok(Some(Item::Frame(f))) => {
                    consumed += HEADER_SIZE + f.payload.len();
                    let mut again = Vec::new();
                    encode_frame(
                        &mut again,
                        f.header.kind,
                        f.header.message_version,
                        f.header.sequence,
                        f.payload,
                    )
                    .expect("a decoded payload re-encodes");
                    again[4] = f.header.header_version;
                    rebuilt.extend_from_slice(&again);
                }
                Ok(Some(Item::Line(l))) => {
                    consumed += l.len() + 1;
                    rebuilt.extend_from_slice(l);
                    rebuilt.push(b'\n');
                }
                Ok(None) => break,
                Err(_) => {
                    failed = true;
                    break;
                }
            }
        }
        if failed {
            assert!(d.next().is_err());
            break;
        }
    }
    if !failed {
        assert_eq!(consumed + d.buffered(), data.len());
        assert_eq!(&rebuilt[..], &data[..consumed]);
        let _ = d.finish();
    }
});
