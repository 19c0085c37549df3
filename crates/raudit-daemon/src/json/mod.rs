//! The JSON output of the daemon and of `raudit json --plugin`.

/// `raudit json --plugin`.
pub fn plugin_main(_settings: raudit_json::Settings) -> i32 {
    eprintln!("raudit json --plugin: not yet");
    1
}
