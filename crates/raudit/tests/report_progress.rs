//! The `raudit report` progress bar: drawn on stderr only when it is a terminal,
//! never in pipes, never on stdout.

use std::path::{Path, PathBuf};
use std::process::Command;

fn log() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/logs/recorded/raw.log")
        .canonicalize()
        .unwrap()
}

#[test]
fn no_progress_bar_in_pipes() {
    let out = Command::new(env!("CARGO_BIN_EXE_raudit"))
        .args(["report", "-x", "--summary", "-if"])
        .arg(log())
        .env("RAUDIT_PROGRESS_MIN", "0")
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.starts_with(b"\nExecutable Summary Report\n"));
}

#[test]
fn progress_bar_on_a_terminal() {
    // util-linux `script` gives the command a terminal.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED progress_bar_on_a_terminal: no `script` (util-linux)");
        return;
    }
    let cmd = format!(
        "{} report -x --summary -if {} >/dev/null",
        env!("CARGO_BIN_EXE_raudit"),
        log().display()
    );
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("RAUDIT_PROGRESS_MIN", "0")
        .output()
        .unwrap();
    let tty = String::from_utf8_lossy(&out.stdout);
    assert!(tty.contains("KiB"), "no progress bar drawn: {tty:?}");
}
