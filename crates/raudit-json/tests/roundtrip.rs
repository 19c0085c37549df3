//! Property: JSON → fields gives back the raw values (numbers by their digits,
//! quoted values without quotes, hex-encoded values decoded, other tokens as they
//! are), whatever bytes they hold; and any byte string survives the string writer.

use proptest::prelude::*;
use raudit_json::write::unescape_pct;
use raudit_logfmt::{parse_header, Assembler};

#[derive(Debug, Clone)]
enum Val {
    Num(i64),
    Quoted(Vec<u8>),
    Hex(Vec<u8>),
    Bare(String),
}

fn val() -> impl Strategy<Value = Val> {
    prop_oneof![
        any::<i64>().prop_map(Val::Num),
        proptest::collection::vec(0x21u8..0x7f, 0..20)
            .prop_map(|v| Val::Quoted(v.into_iter().filter(|&b| b != b'"').collect())),
        proptest::collection::vec(any::<u8>(), 1..24).prop_map(Val::Hex),
        "[a-zA-Z:/._(),-]{1,12}".prop_map(Val::Bare),
    ]
}

const HEXED: [&str; 5] = ["comm", "exe", "cwd", "name", "path"];

fn hex(b: &[u8]) -> String {
    b.iter().map(|c| format!("{c:02X}")).collect()
}

proptest! {
    #[test]
    fn fields_round_trip(vals in proptest::collection::vec(val(), 1..12)) {
        let mut line = String::from("type=CWD msg=audit(1700000000.123:42):");
        let mut expect = Vec::new();
        let mut hexed = 0;
        for (i, v) in vals.iter().enumerate() {
            let name = match v {
                Val::Hex(_) if hexed < HEXED.len() => { hexed += 1; HEXED[hexed - 1].to_string() }
                Val::Hex(_) => continue,
                _ => format!("f{i}"),
            };
            let raw = match v {
                Val::Num(n) => n.to_string(),
                Val::Quoted(q) => format!("\"{}\"", String::from_utf8(q.clone()).unwrap()),
                Val::Hex(b) => hex(b),
                Val::Bare(s) => s.clone(),
            };
            line.push(' ');
            line.push_str(&name);
            line.push('=');
            line.push_str(&raw);
            expect.push((name, v.clone(), raw));
        }
        line.push('\n');
        let mut asm = Assembler::new(2);
        let h = parse_header(line.as_bytes(), 2).unwrap();
        asm.add(&h, line.as_bytes());
        asm.terminate_all();
        let ev = asm.next_ready().unwrap();
        let mut enc = raudit_json::Encoder::new(Box::new(raudit_logfmt::interpret::NoNames));
        let mut out = Vec::new();
        enc.encode(&ev, None, &mut out);
        let j: serde_json::Value = serde_json::from_slice(&out).unwrap();
        prop_assert_eq!(j["ID"].as_str(), Some("1700000000.123:42"));
        let rec = &j["CWD"];
        for (name, v, raw) in &expect {
            let got = &rec[name.as_str()];
            match v {
                Val::Num(_) => prop_assert_eq!(got.to_string(), raw.clone()),
                Val::Quoted(q) => prop_assert_eq!(unescape_pct(got.as_str().unwrap()), q.clone()),
                Val::Hex(b) => prop_assert_eq!(unescape_pct(got.as_str().unwrap()), b.clone()),
                Val::Bare(s) => prop_assert_eq!(unescape_pct(got.as_str().unwrap()), s.as_bytes().to_vec()),
            }
        }
    }

    #[test]
    fn any_bytes_survive_the_string_writer(b in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut out = Vec::new();
        raudit_json::write::string(&mut out, &b);
        let s: String = serde_json::from_slice(&out).unwrap();
        prop_assert_eq!(unescape_pct(&s), b);
    }
}
