//! Arbitrary bytes as a plugin configuration file (`plugin_dir/*.conf`):
//! auditd's line reader, splitter and keyword parsers. No panic; a refused
//! file always comes with a message, and every message names the file or a
//! line number.
#![no_main]

use libfuzzer_sys::fuzz_target;
use raudit_daemon::dispatch::pconfig::parse;

const FILE: &str = "/etc/audit/plugins.d//fuzz.conf";

fuzz_target!(|data: &[u8]| {
    let p = parse(FILE, data);
    if p.conf.is_none() {
        assert!(!p.msgs.is_empty(), "refused without a message");
    }
    for m in &p.msgs {
        assert!(
            m.text.contains(FILE) || m.text.contains("line "),
            "message without file or line: {}",
            m.text
        );
    }
    if let Some(c) = p.conf {
        assert!(c.args.len() <= 2);
        assert_eq!(c.name, "fuzz.conf");
    }
});
