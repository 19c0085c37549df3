//! The two `auditd.conf` settings the search and report tools read: where the log is
//! (`log_file`) and the end-of-event timeout. (The daemon has the full parser.)

/// Default `log_file`.
pub const DEFAULT_LOG_FILE: &str = "/var/log/audit/audit.log";
/// Default `end_of_event_timeout`.
pub const DEFAULT_EOE_TIMEOUT: i64 = 2;
/// Default configuration file.
pub const DEFAULT_CONFIG: &str = "/etc/audit/auditd.conf";

/// What the tools use from auditd.conf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchConfig {
    /// `log_file`
    pub log_file: Vec<u8>,
    /// `end_of_event_timeout`
    pub eoe_timeout: i64,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            log_file: DEFAULT_LOG_FILE.as_bytes().to_vec(),
            eoe_timeout: DEFAULT_EOE_TIMEOUT,
        }
    }
}

/// Reads `log_file` and `end_of_event_timeout` from auditd.conf text. Unknown keys
/// and malformed lines are ignored here (the daemon validates the file).
pub fn parse(text: &[u8]) -> SearchConfig {
    let mut c = SearchConfig::default();
    for line in text.split(|&b| b == b'\n') {
        let line = line.trim_ascii();
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        let Some(eq) = line.iter().position(|&b| b == b'=') else {
            continue;
        };
        let key = line[..eq].trim_ascii();
        let val = line[eq + 1..].trim_ascii();
        match key {
            b"log_file" if !val.is_empty() => c.log_file = val.to_vec(),
            b"end_of_event_timeout" => {
                let v = raudit_logfmt::num::strtoul(val, 10);
                if v.used == val.len() && !v.overflow && v.value > 0 {
                    c.eoe_timeout = v.value as i64;
                }
            }
            _ => {}
        }
    }
    c
}

/// Loads the configuration file, or the defaults when it cannot be read
/// (the bool is false then, and ausearch prints a note).
pub fn load(path: &str) -> (SearchConfig, bool) {
    match std::fs::read(path) {
        Ok(t) => (parse(&t), true),
        Err(_) => (SearchConfig::default(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_two_keys() {
        let c = parse(b"# x\nlog_file = /tmp/a.log\nend_of_event_timeout = 5\nfoo=bar\n");
        assert_eq!(c.log_file, b"/tmp/a.log");
        assert_eq!(c.eoe_timeout, 5);
        assert_eq!(parse(b"").eoe_timeout, 2);
    }
}
