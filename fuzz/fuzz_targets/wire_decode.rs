//! Arbitrary bytes as kernel replies: the datagram decoder and every payload
//! decoder (status, features, signal info, rule), and the `-l` printer on
//! any rule that decodes. No panic; decoded rules re-encode to a prefix of
//! the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use raudit_rules::Lister;
use raudit_wire::{
    decode_datagram, AuditFeatures, AuditRuleData, AuditSigInfo, AuditStatus, NlMsgErr,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(msgs) = decode_datagram(data) {
        for m in msgs {
            let _ = NlMsgErr::decode(m.payload);
            let _ = AuditStatus::decode(m.payload);
            let _ = AuditFeatures::decode(m.payload);
            let _ = AuditSigInfo::decode(m.payload);
        }
    }
    if let Ok(r) = AuditRuleData::decode(data) {
        let bytes = r.encode().expect("a decoded rule encodes");
        assert_eq!(&bytes[..], &data[..bytes.len()]);
        let _ = r.strings();
        let _ = Lister::new(None, false).list(&[r.clone()], Some(b"k"));
        let _ = Lister::new(Some(raudit_tables::Machine::X86_64), true).rule(&r);
    }
});
