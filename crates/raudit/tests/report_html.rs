//! `raudit report --html FILE`: the page is self-contained and renders in a real
//! headless Chromium (skipped loudly when chromium is not installed): the DOM
//! Chromium built has every chart's SVG with bars and the expected labels, and
//! the screenshot is not blank.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::tmp::TempDir;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

fn tmpdir(tag: &str) -> TempDir {
    TempDir::new(&format!("html-{tag}"))
}

fn make_page(dir: &Path) -> (PathBuf, String, Vec<u8>) {
    let log = root().join("tests/data/logs/recorded/raw.log");
    let page = dir.join("report.html");
    let out = Command::new(env!("CARGO_BIN_EXE_raudit"))
        .args(["report", "-if"])
        .arg(&log)
        .arg("--html")
        .arg(&page)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // stdout is still the text summary, unchanged.
    let plain = Command::new(env!("CARGO_BIN_EXE_raudit"))
        .args(["report", "-if"])
        .arg(&log)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    assert_eq!(out.stdout, plain.stdout);
    let html = std::fs::read_to_string(&page).unwrap();
    (page, html, out.stdout)
}

#[test]
fn html_page_is_self_contained_with_rules() {
    let dir = tmpdir("static");
    let (_, html, _) = make_page(&dir);
    for bad in ["<script", "<link", "src=", "href=", "url(", "@import"] {
        assert!(!html.contains(bad), "page fetches something: {bad}");
    }
    for id in [
        "summary",
        "chart-keys",
        "chart-syscalls",
        "chart-exes",
        "chart-users",
        "chart-failed-logins",
        "chart-noisy",
        "exclusions",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "missing {id}");
    }
    assert!(html.contains("Number of events</th><td class=\"n\">314<"));
    assert!(html
        .contains("-a never,exit -F arch=b64 -S sendto,socket,execve -F exe=/usr/sbin/auditctl"));
    assert!(html.contains("nosuchuser from 198.51.100.66"));
}

#[test]
fn html_renders_in_headless_chromium() {
    let Some(chrome) = chromium() else {
        eprintln!(
            "SKIPPED html_renders_in_headless_chromium: chromium is not installed \
             (apt-get install -y chromium)"
        );
        return;
    };
    let dir = tmpdir("chromium");
    let (page, _, _) = make_page(&dir);
    let url = format!("file://{}", page.display());
    let common = |profile: &str| -> Vec<String> {
        vec![
            "--headless".into(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            format!("--user-data-dir={}", dir.join(profile).display()),
            "--window-size=1200,3000".into(),
        ]
    };
    // The DOM as Chromium parsed and laid it out.
    let dom = Command::new(chrome)
        .args(common("p1"))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    assert!(dom.status.success(), "chromium --dump-dom failed");
    let dom = String::from_utf8_lossy(&dom.stdout);
    for id in [
        "chart-keys",
        "chart-syscalls",
        "chart-exes",
        "chart-users",
        "chart-failed-logins",
        "chart-noisy",
    ] {
        let at = dom
            .find(&format!("<svg id=\"{id}\""))
            .unwrap_or_else(|| panic!("no svg {id} in the DOM"));
        let end = at + dom[at..].find("</svg>").unwrap();
        let bars = dom[at..end].matches("<rect class=\"bar\"").count();
        assert!(bars > 0, "{id} has no bars");
    }
    for label in [
        "/usr/sbin/auditctl",
        "root",
        "nosuchuser",
        "successful",
        "failed",
        "fileops",
    ] {
        assert!(dom.contains(label), "label {label} missing from the DOM");
    }
    // A screenshot: a blank 1200x3000 page compresses to a few KB.
    let png = dir.join("shot.png");
    let shot = Command::new(chrome)
        .args(common("p2"))
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(shot.status.success(), "chromium --screenshot failed");
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    assert!(
        bytes.len() > 50_000,
        "screenshot looks blank ({} bytes)",
        bytes.len()
    );
}
