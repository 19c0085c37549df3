//! Interop with the real auditctl 3.0.9 on the real kernel.
//!
//! For every rules file of `../shared/corpus/rules` (and our own files under
//! `tests/golden/ctl/`): load it with the real `auditctl -R` and list it with
//! `auditctl -l`; then load it with `raudit ctl -R` and check that the real
//! `auditctl -l` and `raudit ctl -l` both print exactly the same, and that
//! the exit code and stdout of the load are the same.
//!
//! Safety: runs under the machine-wide lock `/tmp/raudit-kernel.lock`, only
//! when no rules are loaded beforehand, never enables auditing (`-e` lines
//! are dropped, so are `-f 2` lines), narrows `always … -S all` rules to a
//! pid that does not run, and restores the status fields it may change.
//! Skips loudly without root, without auditctl, or without the corpus.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use raudit_netlink::AuditSocket;

mod common;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(cmd: &str, args: &[&str]) -> Output {
    Command::new(cmd)
        .args(args)
        .env("LC_ALL", "C")
        .env("TZ", "UTC")
        .output()
        .expect("spawn")
}

fn raudit() -> &'static str {
    env!("CARGO_BIN_EXE_raudit")
}

/// Whether a rules line may run on the host: nothing that enables auditing,
/// sets panic mode, locks features (`--loginuid-immutable` cannot be undone
/// before reboot), signals a daemon, or sends messages. Paranoid about
/// option clusters and long-option abbreviations.
fn safe_line(words: &[&str]) -> bool {
    for (i, w) in words.iter().enumerate() {
        if let Some(long) = w.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or("");
            if name.len() < 3 || !"backlog_wait_time".starts_with(name) {
                return false;
            }
        } else if let Some(short) = w.strip_prefix('-') {
            // Option letters up to the first one taking an argument.
            for c in short.chars() {
                match c {
                    'e' | 'm' | 'q' | 't' | 'R' | 'h' => return false,
                    'f' => {
                        let v = if short.len() > 1 && short.starts_with('f') {
                            &short[1..]
                        } else {
                            words.get(i + 1).copied().unwrap_or("")
                        };
                        if v != "0" && v != "1" {
                            return false;
                        }
                        break;
                    }
                    'a' | 'A' | 'd' | 'S' | 'F' | 'C' | 'k' | 'p' | 'w' | 'W' | 'r' | 'b' => break,
                    _ => {}
                }
            }
        }
    }
    true
}

/// Make a corpus file safe to load on the host (see module doc).
fn sanitize(content: &str) -> String {
    let mut out = String::new();
    for line in content.lines() {
        let words: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
        if !safe_line(&words) {
            out.push_str("# (dropped by test)\n");
            continue;
        }
        if words.contains(&"all")
            && words.windows(2).any(|w| w[0] == "-S" && w[1] == "all")
            && line.contains("always")
        {
            out.push_str(line.trim_end());
            out.push_str(" -F pid=2147483646\n");
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Deletes every rule and puts the kernel's settings back as the guard found them.
fn restore(saved: &raudit_wire::AuditStatus) {
    let _ = run("auditctl", &["-D"]);
    common::kernel::restore_status(saved).unwrap();
}

fn preconditions(test: &str) -> bool {
    if !raudit_netlink::has_capability(raudit_netlink::CAP_AUDIT_CONTROL) {
        eprintln!("SKIP {test}: needs CAP_AUDIT_CONTROL");
        return false;
    }
    if Command::new("auditctl").arg("-v").output().is_err() {
        eprintln!("SKIP {test}: real auditctl not installed");
        return false;
    }
    true
}

fn files_under(dir: &Path, ext: &[&str]) -> Vec<PathBuf> {
    let mut v = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return v;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(files_under(&p, ext));
        } else if ext.iter().any(|x| p.extension().is_some_and(|e| e == *x)) {
            v.push(p);
        }
    }
    v.sort();
    v
}

/// Load `file` with each tool and compare. Returns a description of the
/// differences (empty when identical).
fn compare_file(file: &Path, tmp: &Path, saved: &raudit_wire::AuditStatus) -> String {
    let content = std::fs::read_to_string(file).unwrap_or_default();
    std::fs::write(tmp, sanitize(&content)).unwrap();
    std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(0o600)).unwrap();
    let t = tmp.to_str().unwrap();

    let _ = run("auditctl", &["-D"]);
    let real_load = run("auditctl", &["-R", t]);
    let real_list = run("auditctl", &["-l"]);
    restore(saved);
    let ours_load = run(raudit(), &["ctl", "-R", t]);
    let real_list_ours = run("auditctl", &["-l"]);
    let ours_list = run(raudit(), &["ctl", "-l"]);
    let real_list_i = run("auditctl", &["-l", "-i"]);
    let ours_list_i = run(raudit(), &["ctl", "-l", "-i"]);
    let _ = run("auditctl", &["-D"]);

    let mut diff = String::new();
    let name = file.display();
    if real_load.status.code() != ours_load.status.code() {
        diff += &format!(
            "{name}: load exit {:?} vs ours {:?}; ours stderr:\n{}\n",
            real_load.status.code(),
            ours_load.status.code(),
            String::from_utf8_lossy(&ours_load.stderr)
        );
    }
    if real_load.stdout != ours_load.stdout {
        diff += &format!(
            "{name}: load stdout differs:\n--- real\n{}--- ours\n{}",
            String::from_utf8_lossy(&real_load.stdout),
            String::from_utf8_lossy(&ours_load.stdout)
        );
    }
    // What auditctl prints on stderr (not syslog) raudit prints too.
    let ours_err = String::from_utf8_lossy(&ours_load.stderr);
    for l in String::from_utf8_lossy(&real_load.stderr).lines() {
        if !ours_err.contains(l) {
            diff += &format!("{name}: stderr line missing: {l}\n");
        }
    }
    if real_list_i.stdout != ours_list_i.stdout {
        diff += &format!(
            "{name}: -l -i differs:\n--- auditctl\n{}--- raudit\n{}",
            String::from_utf8_lossy(&real_list_i.stdout),
            String::from_utf8_lossy(&ours_list_i.stdout)
        );
    }
    if real_list.stdout != real_list_ours.stdout {
        diff += &format!(
            "{name}: rules loaded differ:\n--- loaded by auditctl\n{}--- loaded by raudit\n{}",
            String::from_utf8_lossy(&real_list.stdout),
            String::from_utf8_lossy(&real_list_ours.stdout)
        );
    }
    if ours_list.stdout != real_list_ours.stdout {
        diff += &format!(
            "{name}: -l differs:\n--- auditctl -l\n{}--- raudit ctl -l\n{}",
            String::from_utf8_lossy(&real_list_ours.stdout),
            String::from_utf8_lossy(&ours_list.stdout)
        );
    }
    diff
}

fn run_suite(test: &str, files: Vec<PathBuf>) {
    if !preconditions(test) {
        return;
    }
    let Some(g) = common::kernel::guard(test) else {
        return;
    };
    let mut s = AuditSocket::open().unwrap();
    if !s.list_rules().unwrap().is_empty() {
        eprintln!("SKIP {test}: rules are loaded on this machine; not touching them");
        return;
    }
    let saved = g.saved;
    let tmp = std::env::temp_dir().join(format!("raudit-ctl-interop-{}.rules", std::process::id()));
    let mut report = String::new();
    let result = std::panic::catch_unwind(|| {
        let mut r = String::new();
        for f in &files {
            r += &compare_file(f, &tmp, &saved);
            restore(&saved);
        }
        r
    });
    restore(&saved);
    let _ = std::fs::remove_file(&tmp);
    match result {
        Ok(r) => report += &r,
        Err(e) => std::panic::resume_unwind(e),
    }
    assert!(report.is_empty(), "{report}");
}

#[test]
fn corpus_rules_interop() {
    let dir = repo_root().join("../shared/corpus/rules");
    if !dir.is_dir() {
        eprintln!("SKIP corpus_rules_interop: {} is missing", dir.display());
        return;
    }
    let files = files_under(&dir, &["rules", "conf"]);
    assert!(!files.is_empty());
    run_suite("corpus_rules_interop", files);
}

#[test]
fn own_rules_interop() {
    let dir = repo_root().join("tests/golden/ctl");
    let files = files_under(&dir, &["rules"]);
    if files.is_empty() {
        eprintln!("SKIP own_rules_interop: no files in {}", dir.display());
        return;
    }
    run_suite("own_rules_interop", files);
}
