//! Golden tests of `--format csv` / `--format text` against the real ausearch 3.0.9
//! (expected outputs made by scripts/gen-goldens-formats.sh).

use std::path::Path;

use raudit_logfmt::header::{parse_header, HeaderError};
use raudit_logfmt::interpret::NameDb;
use raudit_logfmt::lines::Splitter;
use raudit_logfmt::normalize::Accounts;
use raudit_logfmt::{Assembler, Event};
use raudit_search::criteria::Escape;
use raudit_search::formats::{CsvExtras, Formatter};

struct Sys;

impl NameDb for Sys {
    fn user(&self, uid: u32) -> Option<String> {
        nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
            .ok()
            .flatten()
            .map(|u| u.name)
    }
    fn group(&self, gid: u32) -> Option<String> {
        nix::unistd::Group::from_gid(nix::unistd::Gid::from_raw(gid))
            .ok()
            .flatten()
            .map(|g| g.name)
    }
}

impl Accounts for Sys {
    fn uid_by_name(&self, name: &[u8]) -> Option<u32> {
        let name = std::str::from_utf8(name).ok()?;
        nix::unistd::User::from_name(name)
            .ok()
            .flatten()
            .map(|u| u.uid.as_raw())
    }
}

/// The events of a log, assembled as ausearch does.
fn events(data: &[u8]) -> Vec<Event> {
    let mut asm = Assembler::new(2);
    let mut out = Vec::new();
    let mut split = Splitter::new();
    let line = |p: &[u8], asm: &mut Assembler, out: &mut Vec<Event>| match parse_header(p, 2) {
        Ok(h) => {
            if asm.add(&h, p) {
                while let Some(e) = asm.next_ready() {
                    out.push(e);
                }
            }
        }
        Err(HeaderError::NotARecord) | Err(HeaderError::BadTimestamp(_)) => {}
    };
    split.feed(data, &mut |p| {
        line(p, &mut asm, &mut out);
        true
    });
    split.finish(&mut |p| {
        line(p, &mut asm, &mut out);
        true
    });
    asm.terminate_all();
    while let Some(e) = asm.next_ready() {
        out.push(e);
    }
    out
}

/// Runs one variant; returns (stdout, stderr).
fn render(evs: &[Event], variant: &str) -> (Vec<u8>, Vec<u8>) {
    let mut x = CsvExtras::default();
    let mut esc = Escape::Tty;
    match variant {
        "csv-time" => x.time = true,
        "csv-labels" => x.labels = true,
        "csv-obj2" => x.obj2 = true,
        "csv-keys" => x.keys = true,
        "csv-all" => {
            x = CsvExtras {
                time: true,
                labels: true,
                obj2: true,
                keys: true,
            }
        }
        "csv-raw" => esc = Escape::Raw,
        "csv-shell" => esc = Escape::ShellQuote,
        "text-shell" => esc = Escape::Shell,
        _ => {}
    }
    let mut f = Formatter::new(&Sys, &Sys, esc, x);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    for e in evs {
        if variant.starts_with("csv") {
            f.csv(e, &mut out, &mut err);
        } else {
            f.text(e, &mut out);
        }
    }
    if evs.is_empty() {
        err.extend_from_slice(b"<no matches>\n");
    }
    (out, err)
}

#[test]
fn formats_match_ausearch() {
    std::env::set_var("TZ", "UTC");
    std::env::set_var("LC_ALL", "C");
    raudit_search::ctime::init_locale();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/formats");
    let mut logs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    logs.sort();
    assert!(!logs.is_empty());
    let mut failures = Vec::new();
    for log in logs {
        let evs = events(&std::fs::read(&log).unwrap());
        let stem = log.file_stem().unwrap().to_string_lossy().to_string();
        for variant in [
            "csv",
            "csv-time",
            "csv-labels",
            "csv-obj2",
            "csv-keys",
            "csv-all",
            "csv-raw",
            "csv-shell",
            "text",
            "text-shell",
        ] {
            let base = dir.join(format!("{stem}.{variant}"));
            let want = std::fs::read(base.with_extension(format!("{variant}.out"))).unwrap();
            let want_err = std::fs::read(base.with_extension(format!("{variant}.err"))).unwrap();
            let (got, got_err) = render(&evs, variant);
            let wl: Vec<&[u8]> = want.split(|&b| b == b'\n').collect();
            let gl: Vec<&[u8]> = got.split(|&b| b == b'\n').collect();
            for i in 0..wl.len().max(gl.len()) {
                let (w, g) = (wl.get(i), gl.get(i));
                if w != g {
                    failures.push(format!(
                        "{stem}.{variant} line {}:\n  want {}\n  got  {}",
                        i + 1,
                        String::from_utf8_lossy(w.copied().unwrap_or(b"<none>")),
                        String::from_utf8_lossy(g.copied().unwrap_or(b"<none>"))
                    ));
                }
            }
            if want_err != got_err {
                failures.push(format!(
                    "{stem}.{variant} stderr:\n  want {:?}\n  got  {:?}",
                    String::from_utf8_lossy(&want_err),
                    String::from_utf8_lossy(&got_err)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Development aid: compares against `ausearch` on every log under
/// `$RAUDIT_FORMATS_CORPUS` and prints per-file line match rates (nothing is stored).
/// Run with `cargo test --test formats_golden -- --ignored --nocapture`.
#[test]
#[ignore]
fn corpus_match_rates() {
    let Ok(root) = std::env::var("RAUDIT_FORMATS_CORPUS") else {
        return;
    };
    std::env::set_var("TZ", "UTC");
    std::env::set_var("LC_ALL", "C");
    raudit_search::ctime::init_locale();
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    for f in files {
        let evs = events(&std::fs::read(&f).unwrap());
        for (variant, args) in [
            ("csv", &["--format", "csv"][..]),
            ("text", &["--format", "text"][..]),
        ] {
            let real = std::process::Command::new("ausearch")
                .arg("-if")
                .arg(&f)
                .args(args)
                .env("TZ", "UTC")
                .env("LC_ALL", "C")
                .output()
                .unwrap();
            let (got, _) = render(&evs, variant);
            let wl: Vec<&[u8]> = real.stdout.split(|&b| b == b'\n').collect();
            let gl: Vec<&[u8]> = got.split(|&b| b == b'\n').collect();
            let total = wl.len().max(gl.len());
            let same = (0..total).filter(|&i| wl.get(i) == gl.get(i)).count();
            println!("{same}/{total} {variant} {}", f.display());
            if let Some(i) = (0..total).find(|&i| wl.get(i) != gl.get(i)) {
                println!(
                    "  first diff line {}:\n    want {}\n    got  {}",
                    i + 1,
                    String::from_utf8_lossy(wl.get(i).copied().unwrap_or(b"<none>")),
                    String::from_utf8_lossy(gl.get(i).copied().unwrap_or(b"<none>"))
                );
            }
        }
    }
}
