//! Golden outputs of `rules lint` and `rules optimize` for corpus rule files
//! under permissive licences (Apache-2.0: Neo23x0/auditd, elastic/go-libaudit),
//! with fixed host answers. Regenerate with `UPDATE_GOLDEN=1 cargo test
//! -p raudit-rules --test lint_golden`.

use std::path::{Path, PathBuf};

use raudit_rules::lint::{human, lint, set::RuleSet, Host};
use raudit_rules::optimize::{optimize, render};
use raudit_rules::FixedEnv;

const FILES: &[(&str, &str)] = &[
    ("Neo23x0__auditd/audit.rules", "neo23x0"),
    (
        "elastic__go-libaudit/rule__testdata__30-pci-dss-v31.rules",
        "go-libaudit-pci-dss",
    ),
    (
        "elastic__go-libaudit/rule__testdata__30-stig.rules",
        "go-libaudit-stig",
    ),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn env() -> FixedEnv {
    let mut e = FixedEnv::default();
    e.users.push((b"_chrony".to_vec(), 105));
    e.dirs
        .extend([b"/var/log/audit".to_vec(), b"/etc/audit".to_vec()]);
    e
}

fn exists(p: &[u8]) -> bool {
    let p = p.strip_suffix(b"/").filter(|s| !s.is_empty()).unwrap_or(p);
    matches!(
        p,
        b"/" | b"/etc"
            | b"/etc/audit"
            | b"/etc/passwd"
            | b"/etc/group"
            | b"/etc/shadow"
            | b"/etc/localtime"
            | b"/etc/sudoers"
            | b"/sbin"
            | b"/usr/bin"
            | b"/usr/sbin"
            | b"/usr/sbin/auditctl"
            | b"/usr/sbin/auditd"
            | b"/var/log/audit"
            | b"/tmp"
    )
}

fn check(name: &str, got: &str) -> Option<String> {
    let path = root().join("tests/golden/lint").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, got).unwrap();
        return None;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    (want != got).then(|| {
        format!(
            "{} differs (UPDATE_GOLDEN=1 to regenerate)\n",
            path.display()
        )
    })
}

#[test]
fn corpus_goldens() {
    let corpus = root().join("../shared/corpus/rules");
    if !corpus.is_dir() {
        eprintln!("SKIP corpus_goldens: {} is missing", corpus.display());
        return;
    }
    let env = env();
    let host = Host {
        env: &env,
        exists: &exists,
    };
    let mut bad = String::new();
    for (file, name) in FILES {
        let content = std::fs::read(corpus.join(file)).unwrap();
        let files = vec![(file.to_string(), content)];
        let report = lint(&files, &host);
        bad += &check(&format!("{name}.lint.txt"), &human(&report, true)).unwrap_or_default();
        let set = RuleSet::load(&files, &env);
        let opt = optimize(&set);
        let text = render(&opt, &env, &[file.to_string()]);
        bad += &check(&format!("{name}.optimized.rules"), &text).unwrap_or_default();
    }
    assert!(bad.is_empty(), "{bad}");
}
