//! `raudit augenrules [--check] [--load]`: merge `rules.d/*.rules` into
//! `audit.rules` exactly as audit 3.0.9's augenrules does on Debian
//! (where `awk` is mawk, so `\s` in its patterns means a literal `s`).
//!
//! Test hooks (environment): `RAUDIT_AUGENRULES_DIR` (source directory,
//! default `/etc/audit/rules.d`), `RAUDIT_AUGENRULES_DEST` (destination,
//! default `/etc/audit/audit.rules`), `RAUDIT_AUGENRULES_NAME` (the program
//! name printed in messages, augenrules' `$0`).

use std::cmp::Ordering;
use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// GNU `filevercmp` order (what `ls -v` uses), ties broken by byte order.
pub fn version_cmp(a: &[u8], b: &[u8]) -> Ordering {
    match filevercmp(a, b) {
        Ordering::Equal => a.cmp(b),
        o => o,
    }
}

fn filevercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a.is_empty() || b.is_empty() {
        return a.is_empty().cmp(&b.is_empty()).reverse();
    }
    match (a[0] == b'.', b[0] == b'.') {
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        (true, true) => {
            for special in [&b"."[..], &b".."[..]] {
                match (a == special, b == special) {
                    (true, true) => return Ordering::Equal,
                    (true, false) => return Ordering::Less,
                    (false, true) => return Ordering::Greater,
                    _ => {}
                }
            }
        }
        _ => {}
    }
    let ap = prefix_len(a);
    let bp = prefix_len(b);
    let r = verrevcmp(&a[..ap], &b[..bp]);
    if r != Ordering::Equal || (ap == a.len() && bp == b.len()) {
        return r;
    }
    verrevcmp(a, b)
}

/// Length of `s` without its file suffix, the longest match of
/// `(\.[A-Za-z~][A-Za-z0-9~]*)*$` that does not start the name.
fn prefix_len(s: &[u8]) -> usize {
    let n = s.len();
    let mut prefix = 0;
    let mut i = 0;
    while i < n {
        i += 1;
        prefix = i;
        while i + 1 < n && s[i] == b'.' && (s[i + 1].is_ascii_alphabetic() || s[i + 1] == b'~') {
            i += 2;
            while i < n && (s[i].is_ascii_alphanumeric() || s[i] == b'~') {
                i += 1;
            }
        }
    }
    prefix
}

fn order(s: &[u8], pos: usize) -> i32 {
    match s.get(pos) {
        None => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => *c as i32,
        Some(b'~') => -2,
        Some(c) => *c as i32 + 256,
    }
}

fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    let digit = |s: &[u8], p: usize| s.get(p).is_some_and(|c| c.is_ascii_digit());
    while i < a.len() || j < b.len() {
        while (i < a.len() && !digit(a, i)) || (j < b.len() && !digit(b, j)) {
            let (x, y) = (order(a, i), order(b, j));
            if x != y {
                return x.cmp(&y);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_diff = 0i32;
        while digit(a, i) && digit(b, j) {
            if first_diff == 0 {
                first_diff = a[i] as i32 - b[j] as i32;
            }
            i += 1;
            j += 1;
        }
        if digit(a, i) {
            return Ordering::Greater;
        }
        if digit(b, j) {
            return Ordering::Less;
        }
        if first_diff != 0 {
            return first_diff.cmp(&0);
        }
    }
    Ordering::Equal
}

/// mawk's `match($0, "^\\s*X")`: `\s` is a literal `s` there.
fn starts_s_star(line: &[u8], what: &[u8]) -> bool {
    let rest = match line.iter().position(|&c| c != b's') {
        Some(p) => &line[p..],
        None => &[][..],
    };
    rest.starts_with(what)
}

/// The merged file for the concatenation of the rules files.
pub fn merge(concatenated: &[u8], source_dir: &[u8]) -> Vec<u8> {
    let mut minus_e: &[u8] = b"";
    let mut minus_d: &[u8] = b"";
    let mut minus_f: &[u8] = b"";
    let mut minus_b: &[u8] = b"";
    let mut rules: Vec<&[u8]> = Vec::new();
    let mut recs: Vec<&[u8]> = concatenated.split(|&c| c == b'\n').collect();
    if concatenated.ends_with(b"\n") || concatenated.is_empty() {
        recs.pop();
    }
    for line in recs {
        if line.is_empty() || starts_s_star(line, b"#") {
            continue;
        }
        if starts_s_star(line, b"-e") {
            minus_e = line;
        } else if starts_s_star(line, b"-D")
            && line[line.iter().position(|&c| c != b's').unwrap_or(0) + 2..]
                .iter()
                .all(|&c| c == b's')
        {
            minus_d = line;
        } else if starts_s_star(line, b"-f") {
            minus_f = line;
        } else if starts_s_star(line, b"-b") {
            minus_b = line;
        } else {
            rules.push(line);
        }
    }
    let mut out = b"## This file is automatically generated from ".to_vec();
    out.extend_from_slice(source_dir);
    out.push(b'\n');
    for l in [minus_d, minus_b, minus_f] {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    for l in rules {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out.extend_from_slice(minus_e);
    out.push(b'\n');
    out
}

fn program_name() -> String {
    if let Ok(n) = std::env::var("RAUDIT_AUGENRULES_NAME") {
        return n;
    }
    let argv0 = std::env::args_os().next().unwrap_or_default();
    let p = PathBuf::from(&argv0);
    if p.file_name().is_some_and(|f| f == "augenrules") {
        if argv0.as_bytes().contains(&b'/') {
            return p.display().to_string();
        }
        if let Some(path) = std::env::var_os("PATH") {
            for d in std::env::split_paths(&path) {
                let c = d.join("augenrules");
                if c.is_file() {
                    return c.display().to_string();
                }
            }
        }
    }
    "augenrules".to_string()
}

fn say(s: &str) {
    let mut o = std::io::stdout().lock();
    let _ = writeln!(o, "{s}");
    let _ = o.flush();
}

fn try_load(load: bool, dest: &Path) -> i32 {
    if !load {
        return 0;
    }
    super::ctl::main(vec![OsString::from("-R"), dest.as_os_str().to_owned()])
}

/// Write `content` to `path` like `cp`: an existing file keeps its mode, a
/// new one gets `mode`.
fn cp_content(path: &Path, content: &[u8], mode: u32) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)?;
    f.write_all(content)
}

/// Entry point.
pub fn main(args: Vec<OsString>) -> i32 {
    let name = program_name();
    let src = std::env::var_os("RAUDIT_AUGENRULES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/etc/audit/rules.d"));
    let dest = std::env::var_os("RAUDIT_AUGENRULES_DEST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/etc/audit/audit.rules"));
    let (mut check, mut load) = (false, false);
    for a in &args {
        match a.as_bytes() {
            b"--check" => check = true,
            b"--load" => load = true,
            _ => {
                say(&format!("Usage: {name} [--check|--load]"));
                return 1;
            }
        }
    }
    if !src.is_dir() {
        say(&format!("{name}: No rules directory - {}", src.display()));
        try_load(load, &dest);
        return 1;
    }
    // ls -1v DIR | grep '\.rules$', then cat each.
    let mut names: Vec<Vec<u8>> = match std::fs::read_dir(&src) {
        Ok(rd) => rd
            .flatten()
            .map(|e| e.file_name().into_vec())
            .filter(|n| n.first() != Some(&b'.'))
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort_by(|a, b| version_cmp(a, b));
    let mut cat = Vec::new();
    for n in names.iter().filter(|n| n.ends_with(b".rules")) {
        // The shell splits the names on white space.
        for word in n
            .split(|c| c.is_ascii_whitespace())
            .filter(|w| !w.is_empty())
        {
            let p = src.join(std::ffi::OsStr::from_bytes(word));
            match std::fs::read(&p) {
                Ok(c) => cat.extend_from_slice(&c),
                Err(e) => {
                    let why = if p.is_dir() {
                        "Is a directory".to_string()
                    } else {
                        raudit_netlink::strerror(e.raw_os_error().unwrap_or(libc::EIO))
                    };
                    eprintln!("cat: {}: {why}", p.display());
                }
            }
        }
    }
    let merged = merge(&cat, src.as_os_str().as_bytes());
    if std::fs::read(&dest).is_ok_and(|d| d == merged) {
        say(&format!("{name}: No change"));
        return try_load(load, &dest);
    } else if check {
        say(&format!("{name}: Rules have changed and should be updated"));
        return 0;
    }
    if dest.is_file() {
        let mut prev = dest.as_os_str().to_owned();
        prev.push(".prev");
        let mode = std::fs::metadata(&dest)
            .map(|m| m.permissions().mode() & 0o7777 & !0o137)
            .unwrap_or(0o640);
        if let Ok(old) = std::fs::read(&dest) {
            if let Err(e) = cp_content(Path::new(&prev), &old, mode) {
                eprintln!(
                    "cp: cannot create regular file '{}': {e}",
                    Path::new(&prev).display()
                );
            }
        }
    }
    if let Err(e) = cp_content(&dest, &merged, 0o600) {
        eprintln!("cp: cannot create regular file '{}': {e}", dest.display());
        return 1;
    }
    let _ = std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o640));
    try_load(load, &dest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_sort() {
        let mut v: Vec<&[u8]> = vec![
            b"99-finalize.rules",
            b"10-base.rules",
            b"2-x.rules",
            b"10-base2.rules",
            b"010-a.rules",
            b"a.rules",
            b"audit.rules",
            b"30-stig.rules",
            b"30-ospp-v42.rules",
            b"30-ospp-v42-1-create-failed.rules",
        ];
        v.sort_by(|a, b| version_cmp(a, b));
        let s: Vec<String> = v
            .iter()
            .map(|x| String::from_utf8_lossy(x).into())
            .collect();
        assert_eq!(
            s,
            [
                "2-x.rules",
                "010-a.rules",
                "10-base.rules",
                "10-base2.rules",
                "30-ospp-v42.rules",
                "30-ospp-v42-1-create-failed.rules",
                "30-stig.rules",
                "99-finalize.rules",
                "a.rules",
                "audit.rules",
            ]
        );
    }

    #[test]
    fn merge_order() {
        let m = merge(
            b"-b 1\n-D\n# c\n\n  # kept (mawk)\n-a always,exit -S open\n-e 2\n-f 1\n-D -k x\n-e 1",
            b"/d",
        );
        assert_eq!(
            String::from_utf8(m).unwrap(),
            "## This file is automatically generated from /d\n-D\n-b 1\n-f 1\n  # kept (mawk)\n-a always,exit -S open\n-D -k x\n-e 1\n"
        );
        let m = merge(b"", b"/d");
        assert_eq!(
            m,
            b"## This file is automatically generated from /d\n\n\n\n\n"
        );
    }
}

#[cfg(test)]
mod ls_order {
    use super::*;

    /// `ls -1v` on coreutils 9.1 (Debian bookworm) printed this order.
    #[test]
    fn matches_ls_v() {
        let want = [
            "1~.rules",
            "1.rules",
            "1a.rules",
            "1 .rules",
            "1-b.rules",
            "1.0.rules",
            "1.5.2.rules",
            "1_b.rules",
            "2-x.rules",
            "010-a.rules",
            "10-base.rules",
            "10-base2.rules",
            "30-ospp-v42.rules",
            "30-ospp-v42-1-create-failed.rules",
            "30-stig.rules",
            "A.rules",
            "a.rules",
            "audit.rules",
            "_x.rules",
        ];
        let mut v: Vec<&str> = want.iter().rev().copied().collect();
        v.sort_by(|a, b| version_cmp(a.as_bytes(), b.as_bytes()));
        assert_eq!(v, want);
    }
}
