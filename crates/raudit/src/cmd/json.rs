//! `raudit json [OPTIONS] [FILES…|-]`: audit events as JSON lines.
//!
//! Offline it is `raudit search --format json` over FILES (in order, `-` for stdin;
//! none: as ausearch picks its input), with search's selection options and the
//! JSON settings of `raudit_json::filter` as `--NAME VALUE`. With `--plugin` it
//! reads the audisp plugin protocol on stdin (as a plugin of auditd or raudit
//! daemon) and writes JSON lines to stdout, with ancestry from /proc.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

/// Search options that take no value (every other option takes one).
const FLAGS: &[&str] = &[
    "--debug",
    "--extra-keys",
    "--extra-labels",
    "--extra-obj2",
    "--extra-time",
    "-h",
    "--help",
    "-i",
    "--interpret",
    "--input-logs",
    "--just-one",
    "-l",
    "--line-buffered",
    "-r",
    "--raw",
    "-v",
    "--version",
    "-w",
    "--word",
];

const USAGE: &str =
    "usage: raudit json [--plugin[=FILE]] [search options] [--SETTING VALUE]… [FILE…|-]
  search options: as `raudit search` (selection only; the format is JSON)
  settings: --depth N, --env VAR,VAR, --label-key L:KEY, --label-exe L:REGEX,
            --label-argv L:REGEX, --drop-key K, --keep-key K, --drop-label L,
            --keep-label L, --drop-saddr CIDR, --keep-saddr CIDR
  --plugin[=FILE]: read the audisp plugin protocol on stdin (a plugin of auditd
            or raudit daemon); FILE (or --config FILE) holds `name = value` lines:
            the settings and output (stdout or a path), max_file (MiB), num_files,
            status_interval (s); --output PATH also sets the output
";

/// Entry point: arguments after the tool name.
pub fn main(args: Vec<OsString>) -> i32 {
    let args: Vec<Vec<u8>> = args.into_iter().map(OsString::into_vec).collect();
    let mut settings = raudit_json::Settings::default();
    let mut search = Vec::new();
    let mut files = Vec::new();
    let mut plugin = false;
    let mut popts = raudit_daemon::json::PluginOptions::default();
    let mut pconf: Vec<String> = Vec::new();
    let mut output: Option<String> = None;
    let mut given: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        let s = String::from_utf8_lossy(a).into_owned();
        if s == "--plugin" {
            plugin = true;
            continue;
        }
        if let Some(f) = s.strip_prefix("--plugin=") {
            plugin = true;
            pconf.push(f.to_string());
            continue;
        }
        if s == "--config" || s == "--output" {
            let Some(v) = args.get(i) else {
                eprintln!("raudit json: {s} needs a value");
                return 1;
            };
            i += 1;
            let v = String::from_utf8_lossy(v).into_owned();
            if s == "--config" {
                pconf.push(v);
            } else {
                output = Some(v);
            }
            continue;
        }
        if s == "--help-json" {
            print!("{USAGE}");
            return 0;
        }
        if s == "-" || !s.starts_with('-') {
            files.push(a.clone());
            continue;
        }
        let (name, inline) = match s.strip_prefix("--").and_then(|n| n.split_once('=')) {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (s.trim_start_matches("--").to_string(), None),
        };
        if s.starts_with("--") && raudit_json::Settings::NAMES.contains(&name.as_str()) {
            let v = match inline {
                Some(v) => v,
                None => match args.get(i) {
                    Some(v) => {
                        i += 1;
                        String::from_utf8_lossy(v).into_owned()
                    }
                    None => {
                        eprintln!("raudit json: --{name} needs a value");
                        return 1;
                    }
                },
            };
            if let Err(e) = settings.set(&name, &v) {
                eprintln!("raudit json: {e}");
                return 1;
            }
            given.push((name, v));
            continue;
        }
        search.push(a.clone());
        if !FLAGS.contains(&s.as_str()) && !s.contains('=') {
            if let Some(v) = args.get(i) {
                search.push(v.clone());
                i += 1;
            }
        }
    }
    if !plugin && (!pconf.is_empty() || output.is_some()) {
        eprintln!("raudit json: --config and --output go with --plugin");
        return 1;
    }
    if plugin {
        // the file first, then the command line's settings on top
        for f in &pconf {
            if let Err(e) = popts.load(f) {
                eprintln!("raudit json --plugin: {e}");
                return 1;
            }
        }
        if pconf.is_empty() {
            popts.settings = settings;
        } else {
            for (n, v) in &given {
                if let Err(e) = popts.settings.set(n, v) {
                    eprintln!("raudit json --plugin: {e}");
                    return 1;
                }
            }
        }
        if let Some(o) = output {
            if let Err(e) = popts.set("output", &o) {
                eprintln!("raudit json --plugin: {e}");
                return 1;
            }
        }
        return raudit_daemon::json::plugin_main(popts);
    }
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let mut out = stdout.lock();
    let mut err = stderr.lock();
    // RAUDIT_JSON_NAMES=none: no user/group lookups (reproducible goldens)
    let names: Option<Box<dyn raudit_logfmt::interpret::NameDb + Send>> =
        match std::env::var("RAUDIT_JSON_NAMES").as_deref() {
            Ok("none") => Some(Box::new(raudit_logfmt::interpret::NoNames)),
            _ => None,
        };
    let j = raudit_search::search::JsonRun {
        files,
        settings,
        names,
    };
    raudit_search::search::json_main(&search, j, &mut out, &mut err)
}
