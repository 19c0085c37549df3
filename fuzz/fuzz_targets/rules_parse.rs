//! Arbitrary bytes as a rules file through auditctl's line splitter, the
//! option parser and the rule builder; every rule built must encode, decode
//! back to itself, and print. No panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use raudit_rules::file::{lines, Line};
use raudit_rules::{parse, FixedEnv, Lister, Outcome};
use raudit_wire::AuditRuleData;

fuzz_target!(|data: &[u8]| {
    let env = FixedEnv::default();
    for (lineno, line) in lines(data) {
        let Line::Command(args) = line else { continue };
        let p = parse(args, lineno, &env);
        for d in &p.diags {
            let _ = d.to_string();
        }
        if let Outcome::Rule { rule, .. } = p.outcome {
            let bytes = rule.encode().expect("a built rule encodes");
            let back = AuditRuleData::decode(&bytes).expect("and decodes");
            assert_eq!(&back, rule.as_ref());
            let _ = Lister::new(env.machine, true).list(&[back], None);
        }
    }
});
