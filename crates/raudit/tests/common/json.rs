//! Reading the JSON lines that `raudit json` and the daemon's JSON sink write.

use std::path::Path;

use super::daemon::read;

/// Every line of a finished JSON file; a line that is not JSON fails the test.
pub fn json_lines(p: &Path) -> Vec<serde_json::Value> {
    read(p)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The lines of a JSON file still being written that parse so far (the writer
/// may be in the middle of the last one).
pub fn json_lines_so_far(p: &Path) -> Vec<serde_json::Value> {
    read(p)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// A JSON list of strings (an `ARGV`, `LABELS`) as strings; empty if absent.
pub fn argv(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}
