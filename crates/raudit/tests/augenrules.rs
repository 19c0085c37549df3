//! `raudit augenrules` against goldens produced by the real augenrules
//! (`scripts/gen-goldens-augenrules.sh`): for each case under
//! `tests/golden/augenrules/`, the same stdout, exit code, merged file and
//! `.prev` copy. Runs in temporary directories; never touches /etc/audit.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::tmp::TempDir;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let t = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &t);
        } else {
            std::fs::copy(&p, &t).unwrap();
        }
    }
}

#[test]
fn augenrules_goldens() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/augenrules");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 5);
    let base = TempDir::new("augenrules");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let work = base.join(&name);
        std::fs::create_dir_all(&work).unwrap();
        let dir = work.join("rules.d");
        let dir_s = dir.to_str().unwrap();
        if case.join("rules.d").is_dir() {
            copy_dir(&case.join("rules.d"), &dir);
        }
        let dest = work.join("audit.rules");
        if let Ok(init) = std::fs::read_to_string(case.join("initial")) {
            std::fs::write(&dest, init.replace("@DIR@", dir_s)).unwrap();
        }
        let args: Vec<String> = std::fs::read_to_string(case.join("args"))
            .map(|a| a.split_whitespace().map(String::from).collect())
            .unwrap_or_default();
        let out = Command::new(env!("CARGO_BIN_EXE_raudit"))
            .arg("augenrules")
            .args(&args)
            .env("RAUDIT_AUGENRULES_DIR", &dir)
            .env("RAUDIT_AUGENRULES_DEST", &dest)
            .env("RAUDIT_AUGENRULES_NAME", "augenrules")
            .output()
            .unwrap();
        let want_rc: i32 = std::fs::read_to_string(case.join("expected.rc"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        if out.status.code() != Some(want_rc) {
            failures.push(format!(
                "{name}: exit {:?}, want {want_rc}",
                out.status.code()
            ));
        }
        let want_out = std::fs::read_to_string(case.join("expected.stdout")).unwrap();
        let got_out = String::from_utf8_lossy(&out.stdout).replace(dir_s, "@DIR@");
        if got_out != want_out {
            failures.push(format!("{name}: stdout\n{got_out}\nwant\n{want_out}"));
        }
        for (file, golden) in [
            ("audit.rules", "expected.rules"),
            ("audit.rules.prev", "expected.prev"),
        ] {
            let want = std::fs::read(case.join(golden)).ok();
            let got = std::fs::read(work.join(file)).ok().map(|g| {
                String::from_utf8_lossy(&g)
                    .replace(dir_s, "@DIR@")
                    .into_bytes()
            });
            if want != got {
                failures.push(format!(
                    "{name}: {file} differs:\n{}\nwant\n{}",
                    String::from_utf8_lossy(&got.unwrap_or_default()),
                    String::from_utf8_lossy(&want.unwrap_or_default())
                ));
            }
        }
        if want_rc == 0 && args.is_empty() && want_out.is_empty() {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777;
            if mode != 0o640 {
                failures.push(format!("{name}: mode {mode:o}, want 640"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
