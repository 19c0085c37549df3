//! Property: a rule built from generated auditctl options, encoded to the
//! kernel format, decoded and printed as `auditctl -l` does, parses back to
//! the very same kernel rule (encode → decode → print → parse is stable).
//! The `-i` listing is used: without it auditctl prints any 64-bit arch as
//! `b64`, which means the host arch when read back.

use proptest::prelude::*;
use raudit_rules::file::{split_line, Line};
use raudit_rules::{parse, FixedEnv, Lister, Outcome};
use raudit_tables::Machine;
use raudit_wire::AuditRuleData;

fn rule_of(line: &str) -> Option<AuditRuleData> {
    let Line::Command(args) = split_line(line.as_bytes()) else {
        return None;
    };
    match parse(args, 0, &FixedEnv::default()).outcome {
        Outcome::Rule { rule, .. } => Some(*rule),
        _ => None,
    }
}

fn op() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["=", "!=", "<", ">", "<=", ">=", "&", "&="])
}

fn exit_field() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            prop::sample::select(vec![
                "uid", "euid", "auid", "gid", "egid", "obj_uid", "pid", "ppid", "pers", "success"
            ]),
            op(),
            0u32..70000
        )
            .prop_map(|(f, o, v)| format!("-F {f}{o}{v}")),
        (
            prop::sample::select(vec!["a0", "a1", "a2", "a3"]),
            op(),
            any::<u32>()
        )
            .prop_map(|(f, o, v)| format!("-F {f}{o}{v:#x}")),
        (
            op(),
            prop::sample::select(vec!["-EPERM", "-ENOENT", "-EACCES", "5", "-9999", "0"])
        )
            .prop_map(|(o, v)| format!("-F exit{o}{v}")),
        (prop::sample::select(vec!["=", "!="]), 0u32..100000)
            .prop_map(|(o, v)| format!("-F inode{o}{v}")),
        prop::sample::select(vec!["/usr/bin/ls", "/etc/passwd", "/var/log/x y"])
            .prop_map(|p| format!("-F exe={}", p.replace(' ', "\\ "))),
        prop::sample::select(vec!["wa", "r", "x", "rwxa"]).prop_map(|p| format!("-F perm={p}")),
        (
            prop::sample::select(vec!["uid", "euid", "suid", "fsuid", "auid", "obj_uid"]),
            prop::sample::select(vec!["=", "!="]),
            prop::sample::select(vec!["uid", "euid", "suid", "fsuid", "auid", "obj_uid"])
        )
            .prop_filter("same field", |(a, _, b)| a != b)
            .prop_map(|(a, o, b)| format!("-C {a}{o}{b}")),
        (prop::sample::select(vec!["=", "!="]), 0u32..46)
            .prop_map(|(o, v)| format!("-F saddr_fam{o}{v}")),
        prop::sample::select(vec!["unset", "5"]).prop_map(|v| format!("-F sessionid={v}")),
    ]
}

fn syscalls() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("all".to_string()),
        prop::collection::vec(0u32..460, 1..6).prop_map(|v| {
            v.iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(",")
        }),
    ]
}

fn exit_rule() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["always,exit", "exit,never", "never,exit"]),
        prop::sample::select(vec![
            "",
            "-F arch=b64 ",
            "-F arch=b32 ",
            "-F arch!=b64 ",
            "-F arch=aarch64 ",
        ]),
        syscalls(),
        prop::collection::vec(exit_field(), 0..6),
        prop::collection::vec("[a-z0-9_-]{1,20}", 0..3),
    )
        .prop_map(|(la, arch, sc, fields, keys)| {
            let mut s = format!("-a {la} {arch}-S {sc}");
            for f in fields {
                s.push(' ');
                s.push_str(&f);
            }
            for k in keys {
                s.push_str(" -k ");
                s.push_str(&k);
            }
            s
        })
}

fn other_rule() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            prop::sample::select(vec!["/etc/passwd", "/etc", "/tmp/x", "/var/log/"]),
            prop::sample::select(vec!["", " -p r", " -p wa", " -p rwxa"]),
            prop::collection::vec("[a-z]{1,10}", 0..3)
        )
            .prop_map(|(p, perm, keys)| {
                let mut s = format!("-w {p}{perm}");
                for k in keys {
                    s.push_str(" -k ");
                    s.push_str(&k);
                }
                s
            }),
        (
            prop::sample::select(vec!["never,exclude", "always,exclude"]),
            prop::sample::select(vec![
                "msgtype=CWD",
                "msgtype!=1300",
                "uid=0",
                "auid>=1000",
                "exe=/bin/x",
                "pid=5"
            ])
        )
            .prop_map(|(l, f)| format!("-a {l} -F {f}")),
        (
            prop::sample::select(vec!["never,user", "always,user"]),
            prop::sample::select(vec![
                "msgtype=USER_LOGIN",
                "msgtype>=1100",
                "uid=0",
                "gid!=5",
                "subj_type=x_t"
            ])
        )
            .prop_map(|(l, f)| format!("-a {l} -F {f}")),
        (
            prop::sample::select(vec!["always,task", "never,task"]),
            0u32..100
        )
            .prop_map(|(l, v)| format!("-a {l} -F uid={v}")),
        prop::sample::select(vec!["tracefs", "debugfs", "12345"])
            .prop_map(|f| format!("-a never,filesystem -F fstype={f} -k fs")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn encode_decode_print_parse(line in prop_oneof![exit_rule(), other_rule()]) {
        let Some(rule) = rule_of(&line) else {
            // Generated combinations auditctl rejects are fine; they must
            // just not panic.
            return Ok(());
        };
        // auditctl prints a perm-only, all-syscall exit rule as a watch with
        // no path (" -p wa"), which cannot be read back; skip that shape.
        let has_path = rule.fields.iter().any(|f| {
            f.field == raudit_wire::consts::AUDIT_WATCH || f.field == raudit_wire::consts::AUDIT_DIR
        });
        prop_assume!(has_path || !raudit_rules::print::is_watch(&rule));
        let bytes = rule.encode().unwrap();
        let back = AuditRuleData::decode(&bytes).unwrap();
        prop_assert_eq!(&back, &rule);
        let printed = Lister::new(Some(Machine::X86_64), true).list(std::slice::from_ref(&back), None);
        let printed = String::from_utf8(printed).unwrap();
        let printed = printed.trim_end().replace("/var/log/x y", "/var/log/x\\ y");
        // With -i, auditctl interprets a0-a3 of a single-syscall rule (personality
        // a0=0 prints PER_LINUX); neither auditctl nor raudit reads that back.
        let interpreted_arg = printed.split(" -F ").any(|w| {
            let b = w.as_bytes();
            b.len() > 3 && b[0] == b'a' && (b'0'..=b'3').contains(&b[1]) && {
                let v = w[2..].trim_start_matches(['=', '!', '<', '>', '&']);
                !v.starts_with("0x") && !v.starts_with(|c: char| c.is_ascii_digit())
            }
        });
        prop_assume!(!interpreted_arg);
        let again = rule_of(&printed);
        prop_assert!(again.is_some(), "printed form does not parse: {}", printed);
        prop_assert_eq!(again.unwrap(), rule, "{} -> {}", line, printed);
    }

    #[test]
    fn parser_never_panics(words in prop::collection::vec("[-a-zA-Z0-9=!<>&,/_.]{0,12}", 0..12)) {
        let mut args = vec![b"auditctl".to_vec()];
        args.extend(words.iter().map(|w| w.as_bytes().to_vec()));
        let _ = parse(args, 3, &FixedEnv::default());
    }

    #[test]
    fn decoder_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..1200)) {
        if let Ok(r) = AuditRuleData::decode(&bytes) {
            let _ = Lister::new(Some(Machine::X86_64), true).list(&[r], Some(b"k"));
        }
        let _ = raudit_wire::decode_datagram(&bytes);
        let _ = raudit_wire::AuditStatus::decode(&bytes);
    }
}
