//! `raudit rules optimize`: the optimised set decides like the original on
//! every generated event (property test on the pure evaluator), prints as a
//! rules file that parses back to the same rules, and is smaller where it
//! can be.

use proptest::prelude::*;
use raudit_rules::lint::eval::{decide, Decision, Event};
use raudit_rules::lint::set::RuleSet;
use raudit_rules::optimize::{optimize, render, reparse};
use raudit_rules::FixedEnv;
use raudit_wire::consts::*;
use raudit_wire::AuditRuleData;

fn load(text: &str) -> RuleSet {
    RuleSet::load(
        &[("t".into(), text.as_bytes().to_vec())],
        &FixedEnv::default(),
    )
}

fn opt_rules(text: &str) -> (Vec<AuditRuleData>, Vec<AuditRuleData>, String) {
    let set = load(text);
    let orig: Vec<AuditRuleData> = set.rules.iter().map(|r| r.rule.clone()).collect();
    let o = optimize(&set);
    let out: Vec<AuditRuleData> = o.rules.iter().map(|r| r.rule.clone()).collect();
    let file = render(&o, &FixedEnv::default(), &["t".to_string()]);
    (orig, out, file)
}

const FIELDS: &[&str] = &[
    "-F uid=0",
    "-F uid!=0",
    "-F auid>=1000",
    "-F auid!=unset",
    "-F auid<1000",
    "-F auid=1001",
    "-F success=0",
    "-F success=1",
    "-F exit=-13",
    "-F exe=/bin/a",
    "-F exe!=/bin/a",
    "-F exe=/bin/b",
    "-F a0=1",
    "-F a0&1",
    "-F gid=5",
    "-F path=/etc/passwd",
];

fn rule_line() -> impl Strategy<Value = String> {
    (
        prop::bool::weighted(0.15),
        prop::bool::ANY,
        prop::bool::weighted(0.15),
        0usize..3,
        prop::collection::btree_set(0u32..7, 1..4),
        prop::collection::vec(0usize..FIELDS.len(), 0..3),
        0usize..3,
    )
        .prop_map(|(task, never, prepend, arch, sys, fields, key)| {
            let opt = if prepend { "-A" } else { "-a" };
            let act = if never { "never" } else { "always" };
            let mut s = if task {
                format!("{opt} {act},task")
            } else {
                let mut s = format!("{opt} {act},exit");
                s += ["", " -F arch=b64", " -F arch=b32"][arch];
                let nums: Vec<String> = sys.iter().map(u32::to_string).collect();
                s += &format!(" -S {}", nums.join(","));
                s
            };
            for f in fields {
                let f = FIELDS[f];
                if task
                    && (f.contains("success")
                        || f.contains("exit")
                        || f.contains("path")
                        || f.contains("exe"))
                {
                    continue;
                }
                s += " ";
                s += f;
            }
            if !task || s.contains("-F") {
                s += ["", " -k k1", " -k k2"][key];
            }
            s
        })
}

fn event() -> impl Strategy<Value = Event> {
    (
        prop::bool::weighted(0.2),
        0u32..8,
        0usize..3,
        prop::sample::select(vec![0u32, 5]),
        prop::sample::select(vec![0u32, 999, 1000, 1001, u32::MAX]),
        1u32..3,
        prop::sample::select(vec![0u32, (-13i32) as u32, 5]),
        0u32..4,
        any::<u64>(),
    )
        .prop_map(
            |(task, syscall, arch, uid, auid, success, exit, a0, seed)| {
                let mut e = Event {
                    list: if task {
                        AUDIT_FILTER_TASK
                    } else {
                        AUDIT_FILTER_EXIT
                    },
                    syscall,
                    seed,
                    ..Default::default()
                };
                e.scalars
                    .insert(AUDIT_ARCH, [0xc000_003e, 0x4000_0003, 0][arch]);
                e.scalars.insert(AUDIT_UID, uid);
                e.scalars.insert(AUDIT_LOGINUID, auid);
                e.scalars.insert(AUDIT_SUCCESS, success);
                e.scalars.insert(AUDIT_EXIT, exit);
                e.scalars.insert(AUDIT_ARG0, a0);
                e
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn optimised_set_decides_the_same(
        lines in prop::collection::vec(rule_line(), 1..12),
        events in prop::collection::vec(event(), 600),
    ) {
        let text = lines.join("\n") + "\n";
        let (orig, out, file) = opt_rules(&text);
        prop_assert!(out.len() <= orig.len());
        for e in &events {
            let a = decide(&orig, e);
            let b = decide(&out, e);
            prop_assert_eq!(&a, &b, "event {:?}\ninput:\n{}\noutput:\n{}", e, text, file);
        }
        // The file reads back as the optimised rules.
        let back = load(&file);
        let back: Vec<AuditRuleData> = back.rules.iter().map(|r| r.rule.clone()).collect();
        prop_assert_eq!(back, out, "{}", file);
    }
}

#[test]
fn merges_rules_differing_only_in_syscalls() {
    let t = "-a always,exit -F arch=b64 -S unlink -F auid>=1000 -F auid!=unset -k delete\n\
             -a always,exit -F arch=b64 -S rename -F auid>=1000 -F auid!=unset -k delete\n\
             -a always,exit -F arch=b64 -S openat -F exit=-EACCES -k access\n\
             -a always,exit -F arch=b64 -S rmdir -F auid>=1000 -F auid!=unset -k delete\n\
             -a always,exit -F arch=b64 -S rmdir -F auid>=1000 -F auid!=unset -k delete\n";
    let (_, out, file) = opt_rules(t);
    assert_eq!(out.len(), 2, "{file}");
    assert!(file.contains("-a always,exit -F arch=b64 -S rename,rmdir,unlink -F auid>=1000 -F auid!=-1 -F key=delete"), "{file}");
    assert!(file.contains("## 5 rules -> 2"), "{file}");
}

#[test]
fn keeps_order_where_first_match_matters() {
    // The never rule between takes openat for auid 1001 first: unlink may
    // move up (disjoint syscalls), openat may not move above the never rule.
    let t = "-a always,exit -F arch=b64 -S unlink -F auid>=1000 -k k\n\
             -a never,exit -F arch=b64 -S openat -F auid=1001\n\
             -a always,exit -F arch=b64 -S openat -F auid>=1000 -k k\n";
    let (orig, out, file) = opt_rules(t);
    // Merged downwards: the unlink rule joins the last one.
    assert_eq!(out.len(), 2, "{file}");
    let e = |sys: u32, auid: u32| {
        let mut e = Event {
            list: AUDIT_FILTER_EXIT,
            syscall: sys,
            ..Default::default()
        };
        e.scalars.insert(AUDIT_ARCH, 0xc000_003e);
        e.scalars.insert(AUDIT_LOGINUID, auid);
        e
    };
    for ev in [e(257, 1001), e(257, 1002), e(87, 1001)] {
        assert_eq!(decide(&orig, &ev), decide(&out, &ev));
    }
    assert_eq!(decide(&out, &e(257, 1001)), Decision::Never);
    // Blocked both ways: nothing merges.
    let t = "-a always,exit -F arch=b64 -S unlink,openat -F auid>=1000 -k k\n\
             -a never,exit -F arch=b64 -S openat,rename -F auid=1001\n\
             -a always,exit -F arch=b64 -S rename -F auid>=1000 -k k\n";
    let (_, out, _) = opt_rules(t);
    assert_eq!(out.len(), 3);
}

#[test]
fn reparse_round_trip() {
    let env = FixedEnv::default();
    let r = reparse(
        "-a always,exit -F arch=b32 -S open -F auid!=unset -k x",
        &env,
    )
    .unwrap();
    assert_eq!(r.list(), AUDIT_FILTER_EXIT);
}
