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

/// On a terminal, a file big enough for two threads (4 MiB and more) is read
/// with the progress bar drawn from the reading threads: the run must end
/// (the bar once waited forever for a stderr lock the main thread held), with
/// the single-threaded output.
#[test]
fn progress_bar_with_two_threads_does_not_hang() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED progress_bar_with_two_threads_does_not_hang: no `script` (util-linux)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("raudit-progress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let one = std::fs::read(log()).unwrap();
    let big = dir.join("big.log");
    let mut text = Vec::new();
    while text.len() < 5 << 20 {
        text.extend_from_slice(&one);
    }
    std::fs::write(&big, &text).unwrap();
    let want = Command::new(env!("CARGO_BIN_EXE_raudit"))
        .args(["report", "-x", "--summary", "-if"])
        .arg(&big)
        .env("RAUDIT_REPORT_THREADS", "1")
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    for (mode, chunks) in [("reader thread", "0"), ("two chunks", "1")] {
        let out = dir.join(format!("out-{chunks}"));
        let cmd = format!(
            "{} report -x --summary -if {} >{}",
            env!("CARGO_BIN_EXE_raudit"),
            big.display(),
            out.display()
        );
        let mut child = Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .env("RAUDIT_PROGRESS_MIN", "0")
            .env("RAUDIT_REPORT_THREADS", "2")
            .env("RAUDIT_REPORT_CHUNKS", chunks)
            .env("RAUDIT_REPORT_CHUNK_MIN", "1")
            .env("TZ", "UTC")
            .env("LC_ALL", "C")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let t = std::time::Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break Some(s);
            }
            if t.elapsed() > std::time::Duration::from_secs(60) {
                let _ = child.kill();
                let _ = child.wait();
                let _ = Command::new("pkill")
                    .args(["-f", &big.display().to_string()])
                    .status();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        assert!(
            status.is_some_and(|s| s.success()),
            "{mode}: hung or failed on a terminal"
        );
        assert_eq!(std::fs::read(&out).unwrap(), want.stdout, "{mode}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
