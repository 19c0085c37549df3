//! Settings of the JSON output: ancestry depth, environment variables, label
//! rules, and filters that drop or keep events by key, label or socket address.
//!
//! Every setting is a `name = value` pair, the same for `raudit json` options
//! (`--name value`) and the daemon's auditd.conf (`json_name = value`, `-` as `_`).
//! Repeatable settings accumulate; list values are comma separated.
//!
//! | name | value | default |
//! |------|-------|---------|
//! | `depth` | ancestry depth: 0 off, 1 parent, N parent + N-1 ancestors | 4 |
//! | `env` | environment variables reported (live only) | `LD_PRELOAD,LD_LIBRARY_PATH` |
//! | `label-key` | `LABEL:KEY` — a process whose event has key KEY gets LABEL | |
//! | `label-exe` | `LABEL:REGEX` — a process exec'ing an exe matching REGEX | |
//! | `label-argv` | `LABEL:REGEX` — …whose argv (joined by spaces) matches | |
//! | `drop-key`, `keep-key` | keys | |
//! | `drop-label`, `keep-label` | labels | |
//! | `drop-saddr`, `keep-saddr` | address ranges (`10.0.0.0/8`, `::1`) | |
//!
//! Labels propagate from parent to child. An event is kept when it matches a
//! `keep-*` rule, else dropped when it matches a `drop-*` rule, else kept.

use std::net::IpAddr;

use regex::bytes::Regex;

use crate::sockaddr::Cidr;

#[derive(Debug, Clone)]
enum On {
    Key(Vec<u8>),
    Exe(Regex),
    Argv(Regex),
}

/// What events are matched on by the filters.
#[derive(Debug, Clone, Default)]
struct Rules {
    keys: Vec<Vec<u8>>,
    labels: u64,
    saddr: Vec<Cidr>,
}

impl Rules {
    fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.labels == 0 && self.saddr.is_empty()
    }
    fn matches(&self, keys: &[&[u8]], labels: u64, saddr: &[IpAddr]) -> bool {
        keys.iter().any(|k| self.keys.iter().any(|r| r == k))
            || labels & self.labels != 0
            || saddr
                .iter()
                .any(|a| self.saddr.iter().any(|c| c.contains(a)))
    }
}

/// The settings; see the module documentation.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Ancestry depth (0: no ancestry).
    pub depth: usize,
    /// Environment variables reported.
    pub env: Vec<String>,
    /// Label names; bit `i` of a process's labels is `label_names[i]`.
    pub label_names: Vec<String>,
    rules: Vec<(u64, On)>,
    drop: Rules,
    keep: Rules,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            depth: 4,
            env: vec!["LD_PRELOAD".into(), "LD_LIBRARY_PATH".into()],
            label_names: Vec::new(),
            rules: Vec::new(),
            drop: Rules::default(),
            keep: Rules::default(),
        }
    }
}

fn list(v: &str) -> impl Iterator<Item = &str> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty())
}

impl Settings {
    /// The names [`Settings::set`] accepts.
    pub const NAMES: &'static [&'static str] = &[
        "depth",
        "env",
        "label-key",
        "label-exe",
        "label-argv",
        "drop-key",
        "keep-key",
        "drop-label",
        "keep-label",
        "drop-saddr",
        "keep-saddr",
    ];

    fn label_bit(&mut self, name: &str) -> Result<u64, String> {
        if let Some(i) = self.label_names.iter().position(|l| l == name) {
            return Ok(1 << i);
        }
        if self.label_names.len() >= 64 {
            return Err("more than 64 labels".into());
        }
        self.label_names.push(name.to_string());
        Ok(1 << (self.label_names.len() - 1))
    }

    /// Applies one setting; the error says what is wrong with the value.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let value = value.trim();
        match name {
            "depth" => {
                self.depth = value
                    .parse()
                    .ok()
                    .filter(|&d| d <= 64)
                    .ok_or_else(|| format!("depth: '{value}' is not a number from 0 to 64"))?
            }
            "env" => self.env = list(value).map(String::from).collect(),
            "label-key" | "label-exe" | "label-argv" => {
                let (label, what) = value
                    .split_once(':')
                    .filter(|(l, w)| !l.is_empty() && !w.is_empty())
                    .ok_or_else(|| format!("{name}: '{value}' is not LABEL:VALUE"))?;
                let bit = self.label_bit(label)?;
                let on = match name {
                    "label-key" => On::Key(what.as_bytes().to_vec()),
                    _ => {
                        let re = Regex::new(what).map_err(|e| format!("{name}: {e}"))?;
                        if name == "label-exe" {
                            On::Exe(re)
                        } else {
                            On::Argv(re)
                        }
                    }
                };
                self.rules.push((bit, on));
            }
            "drop-key" | "keep-key" | "drop-label" | "keep-label" | "drop-saddr" | "keep-saddr" => {
                for item in list(value) {
                    let bit = if name.ends_with("label") {
                        self.label_bit(item)?
                    } else {
                        0
                    };
                    let cidr = if name.ends_with("saddr") {
                        Some(item.parse::<Cidr>().map_err(|e| format!("{name}: {e}"))?)
                    } else {
                        None
                    };
                    let r = if name.starts_with("drop") {
                        &mut self.drop
                    } else {
                        &mut self.keep
                    };
                    if name.ends_with("key") {
                        r.keys.push(item.as_bytes().to_vec());
                    }
                    r.labels |= bit;
                    r.saddr.extend(cidr);
                }
            }
            _ => return Err(format!("unknown setting '{name}'")),
        }
        Ok(())
    }

    /// Label bits for a process exec'ing `exe` with `argv`.
    pub fn labels_for(&self, exe: &[u8], argv: &[&[u8]]) -> u64 {
        let mut bits = 0;
        let mut joined: Option<Vec<u8>> = None;
        for (bit, on) in &self.rules {
            let hit = match on {
                On::Exe(re) => re.is_match(exe),
                On::Argv(re) => re.is_match(joined.get_or_insert_with(|| argv.join(&b' '))),
                On::Key(_) => false,
            };
            if hit {
                bits |= bit;
            }
        }
        bits
    }

    /// Label bits for an event with key `key`.
    pub fn labels_for_key(&self, key: &[u8]) -> u64 {
        self.rules
            .iter()
            .filter(|(_, on)| matches!(on, On::Key(k) if k.as_slice() == key))
            .fold(0, |b, (bit, _)| b | bit)
    }

    /// True when some filter rule exists (events need their keys/addresses looked at).
    pub fn filters(&self) -> bool {
        !self.drop.is_empty() || !self.keep.is_empty()
    }

    /// Whether to keep an event with these keys, process labels and socket addresses.
    pub fn keep_event(&self, keys: &[&[u8]], labels: u64, saddr: &[IpAddr]) -> bool {
        if self.keep.matches(keys, labels, saddr) {
            return true;
        }
        !self.drop.matches(keys, labels, saddr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_wins_over_drop() {
        let mut s = Settings::default();
        s.set("drop-saddr", "10.0.0.0/8, 127.0.0.1").unwrap();
        s.set("keep-key", "important").unwrap();
        s.set("drop-label", "noise").unwrap();
        let a: IpAddr = "10.2.3.4".parse().unwrap();
        assert!(!s.keep_event(&[], 0, &[a]));
        assert!(s.keep_event(&[b"important"], 0, &[a]));
        assert!(!s.keep_event(&[], 1, &[]));
        assert!(s.keep_event(&[b"x"], 2, &["8.8.8.8".parse().unwrap()]));
        assert!(s.set("depth", "x").is_err());
        assert!(s.set("label-exe", "a:(").is_err());
        assert!(s.set("nope", "1").is_err());
    }
}
