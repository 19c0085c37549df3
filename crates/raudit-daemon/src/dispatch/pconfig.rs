//! Plugin configuration files (`plugin_dir/*`), read as auditd 3.0.9 reads
//! them: which directory entries are considered, the file's own permission
//! checks, the line reader (`fgets` into 160 bytes), the `name = value
//! [option]` splitter, the six keywords and the check of the plugin's
//! executable — with auditd's messages, which name the file and line.
//!
//! [`parse`] is pure (bytes in, configuration and messages out) so that it
//! can be fuzzed; [`load`] adds the file-system checks.

use std::path::Path;

use crate::config::{Level, Msg};

/// `fgets` buffer size of auditd's plugin config reader.
const LINE_BUF: usize = 160;
/// The shortest directory name auditd accepts in `path` (`/var`).
const MIN_DIR: usize = 4;

/// `type =`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `always`: a program started with the records on its stdin.
    Always,
    /// `builtin`: inside the daemon (`builtin_af_unix`).
    Builtin,
}

/// `format =`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One text line per record.
    String,
    /// `audit_dispatcher_header` frames.
    Binary,
}

/// One plugin's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginConf {
    /// The file's base name (plugins are identified by it across reloads).
    pub name: String,
    /// `active = yes`
    pub active: bool,
    /// `path =` (a program, or `builtin_…`)
    pub path: Option<String>,
    /// `type =`
    pub kind: Kind,
    /// `args =` (at most two)
    pub args: Vec<String>,
    /// `format =`
    pub format: Format,
    /// Inode of the program when the file was read (0 for builtins); a
    /// change restarts the plugin on SIGHUP.
    pub inode: u64,
}

impl PluginConf {
    fn new(name: &str) -> Self {
        PluginConf {
            name: name.to_string(),
            active: false,
            path: None,
            kind: Kind::Always,
            args: Vec::new(),
            format: Format::String,
            inode: 0,
        }
    }

    /// `path` starts with `builtin_` (any case): not a program.
    pub fn is_builtin_path(&self) -> bool {
        self.path.as_deref().is_some_and(is_builtin)
    }
}

fn is_builtin(p: &str) -> bool {
    p.len() >= 8 && p.as_bytes()[..8].eq_ignore_ascii_case(b"builtin_")
}

/// What [`parse`] found.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The configuration, or `None` when auditd would skip the plugin.
    pub conf: Option<PluginConf>,
    /// Whether any line was processed (auditd then runs its sanity check).
    pub any_line: bool,
    /// Messages in order.
    pub msgs: Vec<Msg>,
}

fn err(msgs: &mut Vec<Msg>, text: String) {
    msgs.push(Msg {
        level: Level::Err,
        text,
    });
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The `fgets` line reader: lines of 159 bytes or more, and a last line
/// without a newline, are skipped with one message each.
struct Lines<'a> {
    text: &'a [u8],
    pos: usize,
    too_long: bool,
}

impl<'a> Lines<'a> {
    fn next(&mut self, lineno: &mut u32, file: &str, msgs: &mut Vec<Msg>) -> Option<&'a [u8]> {
        loop {
            if self.pos >= self.text.len() {
                return None;
            }
            let end = (self.pos + LINE_BUF - 1).min(self.text.len());
            let chunk_end = match self.text[self.pos..end].iter().position(|&b| b == b'\n') {
                Some(i) => self.pos + i + 1,
                None => end,
            };
            let chunk = &self.text[self.pos..chunk_end];
            self.pos = chunk_end;
            // The buffer is a C string: it ends at the first NUL.
            let cstr = match chunk.iter().position(|&b| b == 0) {
                Some(i) => &chunk[..i],
                None => chunk,
            };
            match cstr.iter().position(|&b| b == b'\n') {
                Some(nl) => {
                    if !self.too_long {
                        return Some(&cstr[..nl]);
                    }
                    self.too_long = false;
                    *lineno += 1;
                }
                None => {
                    if !self.too_long {
                        err(msgs, format!("Skipping line {lineno} in {file}: too long"));
                    }
                    self.too_long = true;
                }
            }
        }
    }
}

/// Parses one plugin file's bytes. `file` is the path used in messages; the
/// plugin's name is its base name.
pub fn parse(file: &str, text: &[u8]) -> Parsed {
    let base = file.rsplit('/').next().unwrap_or(file);
    let mut conf = PluginConf::new(base);
    let mut msgs = Vec::new();
    let mut lineno: u32 = 1;
    let mut lines = Lines {
        text,
        pos: 0,
        too_long: false,
    };
    let fail = |msgs: Vec<Msg>, lineno: u32| Parsed {
        conf: None,
        any_line: lineno > 1,
        msgs,
    };
    while let Some(line) = lines.next(&mut lineno, file, &mut msgs) {
        let mut toks = line.split(|&b| b == b' ').filter(|t| !t.is_empty());
        let Some(name) = toks.next() else {
            lineno += 1;
            continue;
        };
        if name[0] == b'#' {
            lineno += 1;
            continue;
        }
        let wrong = |msgs: &mut Vec<Msg>| {
            err(
                msgs,
                format!("Wrong number of arguments for line {lineno} in {file}"),
            )
        };
        match toks.next() {
            None => {
                wrong(&mut msgs);
                return fail(msgs, lineno);
            }
            Some(b"=") => {}
            Some(_) => {
                err(
                    &mut msgs,
                    format!("Missing equal sign for line {lineno} in {file}"),
                );
                return fail(msgs, lineno);
            }
        }
        let Some(value) = toks.next() else {
            wrong(&mut msgs);
            return fail(msgs, lineno);
        };
        let option = toks.next();
        if toks.next().is_some() {
            // auditd reports it and goes on with the first four tokens.
            wrong(&mut msgs);
        }
        let name_s = lossy(name);
        let kw = name_s.to_ascii_lowercase();
        let max_options = match kw.as_str() {
            "active" | "direction" | "path" | "type" | "format" => 0,
            "args" => 2,
            _ => {
                err(
                    &mut msgs,
                    format!("Unknown keyword \"{name_s}\" in line {lineno} of {file}"),
                );
                return fail(msgs, lineno);
            }
        };
        if max_options == 0 {
            if let Some(o) = option {
                err(
                    &mut msgs,
                    format!(
                        "Keyword \"{name_s}\" has invalid option \"{}\" in line {lineno} of {file}",
                        lossy(o)
                    ),
                );
                return fail(msgs, lineno);
            }
        }
        let v = lossy(value);
        let not_found = |msgs: &mut Vec<Msg>| {
            err(msgs, format!("Option {v} not found - line {lineno}"));
        };
        let pick = |choices: &[&str]| choices.iter().position(|c| c.eq_ignore_ascii_case(&v));
        match kw.as_str() {
            "active" => match pick(&["yes", "no"]) {
                Some(i) => conf.active = i == 0,
                None => {
                    not_found(&mut msgs);
                    return fail(msgs, lineno);
                }
            },
            "direction" => {
                // Only "out" is supported (auditd: "in" is not yet).
                if pick(&["out"]).is_none() {
                    not_found(&mut msgs);
                    return fail(msgs, lineno);
                }
            }
            "path" => {
                if !is_builtin(&v) {
                    let dir = dirname(&v);
                    if dir.len() < MIN_DIR {
                        err(
                            &mut msgs,
                            format!("The directory name: {dir} is too short - line {lineno}"),
                        );
                        return fail(msgs, lineno);
                    }
                }
                conf.path = Some(v.clone());
            }
            "type" => match pick(&["builtin", "always"]) {
                Some(0) => conf.kind = Kind::Builtin,
                Some(_) => conf.kind = Kind::Always,
                None => {
                    not_found(&mut msgs);
                    return fail(msgs, lineno);
                }
            },
            "args" => {
                conf.args = vec![v.clone()];
                if let Some(o) = option {
                    conf.args.push(lossy(o));
                }
            }
            _ => match pick(&["binary", "string"]) {
                Some(0) => conf.format = Format::Binary,
                Some(_) => conf.format = Format::String,
                None => {
                    not_found(&mut msgs);
                    return fail(msgs, lineno);
                }
            },
        }
        lineno += 1;
    }
    Parsed {
        conf: Some(conf),
        any_line: lineno > 1,
        msgs,
    }
}

/// POSIX `dirname`.
fn dirname(p: &str) -> &str {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return if p.is_empty() { "." } else { "/" };
    }
    match t.rfind('/') {
        None => ".",
        Some(i) => {
            let d = t[..i].trim_end_matches('/');
            if d.is_empty() {
                "/"
            } else {
                d
            }
        }
    }
}

/// auditd skips the plugin for errors (the messages say which).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("plugin configuration refused")]
pub struct Skipped;

/// What auditd checks about the plugin's program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExeInfo {
    /// `st_mode`.
    pub mode: u32,
    /// Owner.
    pub uid: u32,
    /// Inode.
    pub ino: u64,
}

/// auditd's sanity check of an active plugin: a path is given, and unless it
/// is a builtin, the program is a regular file owned by root with at least
/// the 0750 permission bits. Records the inode.
pub fn sanity_check(
    conf: &mut PluginConf,
    file: &str,
    stat: &dyn Fn(&str) -> Result<ExeInfo, i32>,
) -> Result<(), Msg> {
    if !conf.active {
        return Ok(());
    }
    let e = |text: String| Msg {
        level: Level::Err,
        text,
    };
    let Some(path) = conf.path.as_deref() else {
        return Err(e(format!(
            "Error - plugin ({file}) is active but no path given"
        )));
    };
    if is_builtin(path) {
        return Ok(());
    }
    let st = stat(path).map_err(|errno| {
        e(format!(
            "Unable to stat {path} ({})",
            crate::config::strerror(errno)
        ))
    })?;
    if st.mode & 0o170000 != 0o100000 {
        return Err(e(format!("{path} is not a regular file")));
    }
    if st.uid != 0 {
        return Err(e(format!("{path} is not owned by root")));
    }
    if st.mode & 0o750 != 0o750 {
        return Err(e(format!("{path} permissions should be 0750")));
    }
    conf.inode = st.ino;
    Ok(())
}

/// Directory entries auditd considers: not hidden, at most one dot (so no
/// `x.conf.rpmsave`, `x.conf.bak`; note that auditd does not require a
/// `.conf` suffix). Sorted by name (auditd uses `readdir` order).
pub fn entries(dir: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<String> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| considered(n))
        .collect();
    v.sort();
    v
}

/// auditd's file-name rule.
pub fn considered(name: &str) -> bool {
    !name.starts_with('.') && name.bytes().filter(|&b| b == b'.').count() <= 1
}

fn real_stat(path: &str) -> Result<ExeInfo, i32> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))?;
    Ok(ExeInfo {
        mode: m.mode(),
        uid: m.uid(),
        ino: m.ino(),
    })
}

/// Loads one plugin file as auditd's `load_pconfig`: `Ok(Some)` for a
/// configuration (active or not), `Ok(None)` for a file that vanished
/// (warning), `Err(Skipped)` when auditd skips the plugin for errors. Messages
/// are appended to `msgs` (the caller adds "Skipping … due to errors").
pub fn load(file: &str, msgs: &mut Vec<Msg>) -> Result<Option<PluginConf>, Skipped> {
    use std::io::Read;
    use std::os::unix::fs::MetadataExt;
    let mut f = match std::fs::File::open(file) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            msgs.push(Msg {
                level: Level::Warning,
                text: format!("Config file {file} doesn't exist, skipping"),
            });
            return Ok(None);
        }
        Err(e) => {
            err(
                msgs,
                format!(
                    "Error opening {file} ({})",
                    crate::config::strerror(e.raw_os_error().unwrap_or(libc::EIO))
                ),
            );
            return Err(Skipped);
        }
    };
    let m = match f.metadata() {
        Ok(m) => m,
        Err(e) => {
            err(
                msgs,
                format!(
                    "Error fstat'ing config file ({})",
                    crate::config::strerror(e.raw_os_error().unwrap_or(libc::EIO))
                ),
            );
            return Err(Skipped);
        }
    };
    if m.uid() != 0 {
        err(msgs, format!("Error - {file} isn't owned by root"));
        return Err(Skipped);
    }
    if m.mode() & 0o002 != 0 {
        err(msgs, format!("Error - {file} is world writable"));
        return Err(Skipped);
    }
    if !m.is_file() {
        err(msgs, format!("Error - {file} is not a regular file"));
        return Err(Skipped);
    }
    let mut text = Vec::new();
    // A config file is small; read at most 1 MiB of it.
    if (&mut f).take(1 << 20).read_to_end(&mut text).is_err() {
        err(msgs, format!("Error reading {file}"));
        return Err(Skipped);
    }
    let p = parse(file, &text);
    msgs.extend(p.msgs);
    let Some(mut conf) = p.conf else {
        return Err(Skipped);
    };
    if p.any_line {
        if let Err(m) = sanity_check(&mut conf, file, &real_stat) {
            msgs.push(m);
            return Err(Skipped);
        }
    }
    Ok(Some(conf))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(p: &Parsed) -> Vec<&str> {
        p.msgs.iter().map(|m| m.text.as_str()).collect()
    }

    const F: &str = "/etc/audit/plugins.d//t.conf";

    #[test]
    fn stock_files() {
        let p = parse(
            F,
            b"# c\n\nactive = yes\ndirection = out\npath = /sbin/audisp-syslog\ntype = always \nargs = LOG_INFO LOG_LOCAL1\nformat = string\n",
        );
        let c = p.conf.unwrap();
        assert!(p.msgs.is_empty());
        assert!(c.active);
        assert_eq!(c.name, "t.conf");
        assert_eq!(c.path.as_deref(), Some("/sbin/audisp-syslog"));
        assert_eq!(c.kind, Kind::Always);
        assert_eq!(c.args, vec!["LOG_INFO", "LOG_LOCAL1"]);
        assert_eq!(c.format, Format::String);
        let p = parse(
            F,
            b"active = YES\npath = builtin_af_unix\ntype = BuiltIn\nargs = 0640 /run/x\nformat = Binary\n",
        );
        let c = p.conf.unwrap();
        assert_eq!(c.kind, Kind::Builtin);
        assert_eq!(c.format, Format::Binary);
        assert!(c.is_builtin_path());
        // Defaults.
        let c = parse(F, b"").conf.unwrap();
        assert!(!c.active);
        assert_eq!((c.kind, c.format), (Kind::Always, Format::String));
    }

    #[test]
    fn bad_lines_with_file_and_line() {
        let cases: &[(&[u8], &str)] = &[
            (b"active\n", "Wrong number of arguments for line 1 in /etc/audit/plugins.d//t.conf"),
            (b"#x\nactive yes\n", "Missing equal sign for line 2 in /etc/audit/plugins.d//t.conf"),
            (b"active =\n", "Wrong number of arguments for line 1 in /etc/audit/plugins.d//t.conf"),
            (b"colour = red\n", "Unknown keyword \"colour\" in line 1 of /etc/audit/plugins.d//t.conf"),
            (b"active = yes no\n", "Keyword \"active\" has invalid option \"no\" in line 1 of /etc/audit/plugins.d//t.conf"),
            (b"active = maybe\n", "Option maybe not found - line 1"),
            (b"direction = in\n", "Option in not found - line 1"),
            (b"type = sometimes\n", "Option sometimes not found - line 1"),
            (b"format = json\n", "Option json not found - line 1"),
            (b"path = /x\n", "The directory name: / is too short - line 1"),
            (b"path = prog\n", "The directory name: . is too short - line 1"),
            (b"active = yes\r\n", "Option yes\r not found - line 1"),
            (b"active\t= yes\n", "Missing equal sign for line 1 in /etc/audit/plugins.d//t.conf"),
        ];
        for (text, want) in cases {
            let p = parse(F, text);
            assert!(p.conf.is_none(), "{text:?}");
            assert_eq!(texts(&p), vec![*want], "{text:?}");
        }
    }

    #[test]
    fn fgets_quirks() {
        // Five tokens: reported, then the fourth is an invalid option.
        let p = parse(F, b"active = yes # comment\n");
        assert_eq!(texts(&p).len(), 2);
        assert!(p.conf.is_none());
        // args takes two, a third token is reported but not fatal.
        let p = parse(F, b"args = a b c\n");
        assert_eq!(p.conf.unwrap().args, vec!["a", "b"]);
        // A line of 159+ bytes is skipped with one message, counted once.
        let mut t = b"args = ".to_vec();
        t.extend(std::iter::repeat_n(b'x', 400));
        t.extend_from_slice(b"\nactive = bogus\n");
        let p = parse(F, &t);
        assert_eq!(
            texts(&p),
            vec![
                "Skipping line 1 in /etc/audit/plugins.d//t.conf: too long",
                "Option bogus not found - line 2"
            ]
        );
        // A last line without a newline is skipped as too long.
        let p = parse(F, b"active = yes\nformat = binary");
        assert_eq!(
            texts(&p),
            vec!["Skipping line 2 in /etc/audit/plugins.d//t.conf: too long"]
        );
        let c = p.conf.unwrap();
        assert!(c.active);
        assert_eq!(c.format, Format::String);
        // A NUL hides the newline: the next line is eaten as the long line's tail.
        let p = parse(F, b"active = y\0es\nactive = bogus\nformat = binary\n");
        assert_eq!(p.conf.unwrap().format, Format::Binary);
    }

    #[test]
    fn sanity() {
        let stat_ok = |_: &str| {
            Ok(ExeInfo {
                mode: 0o100750,
                uid: 0,
                ino: 42,
            })
        };
        let mut c = parse(F, b"active = yes\n").conf.unwrap();
        assert_eq!(
            sanity_check(&mut c, F, &stat_ok).unwrap_err().text,
            "Error - plugin (/etc/audit/plugins.d//t.conf) is active but no path given"
        );
        let mut c = parse(F, b"active = yes\npath = /sbin/x\n").conf.unwrap();
        assert!(sanity_check(&mut c, F, &stat_ok).is_ok());
        assert_eq!(c.inode, 42);
        let cases: &[(ExeInfo, &str)] = &[
            (
                ExeInfo {
                    mode: 0o040755,
                    uid: 0,
                    ino: 1,
                },
                "/sbin/x is not a regular file",
            ),
            (
                ExeInfo {
                    mode: 0o100755,
                    uid: 1,
                    ino: 1,
                },
                "/sbin/x is not owned by root",
            ),
            (
                ExeInfo {
                    mode: 0o100700,
                    uid: 0,
                    ino: 1,
                },
                "/sbin/x permissions should be 0750",
            ),
        ];
        for (st, want) in cases {
            let st = *st;
            let r = sanity_check(&mut c, F, &move |_| Ok(st));
            assert_eq!(r.unwrap_err().text, *want);
        }
        let r = sanity_check(&mut c, F, &|_| Err(libc::ENOENT));
        assert_eq!(
            r.unwrap_err().text,
            "Unable to stat /sbin/x (No such file or directory)"
        );
        // Builtins and inactive plugins are not checked.
        let mut c = parse(F, b"active = yes\npath = builtin_af_unix\n")
            .conf
            .unwrap();
        assert!(sanity_check(&mut c, F, &|_| Err(libc::ENOENT)).is_ok());
        let mut c = parse(F, b"active = no\n").conf.unwrap();
        assert!(sanity_check(&mut c, F, &|_| Err(libc::ENOENT)).is_ok());
    }

    #[test]
    fn file_names() {
        assert!(considered("syslog.conf"));
        assert!(considered("README"));
        assert!(!considered(".hidden.conf"));
        assert!(!considered("syslog.conf.rpmsave"));
        assert!(!considered("syslog.conf.bak"));
        assert!(!considered("."));
        assert!(!considered(".."));
        assert_eq!(dirname("/sbin/x"), "/sbin");
        assert_eq!(dirname("/usr//bin/x"), "/usr//bin");
        assert_eq!(dirname("x"), ".");
        assert_eq!(dirname("/x/"), "/");
    }

    #[test]
    fn files_on_disk() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::Builder::new()
            .prefix("raudit-pconf-")
            .tempdir()
            .unwrap();
        let d = tmp.path();
        let exe = d.join("plug");
        std::fs::write(&exe, b"#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o750)).unwrap();
        let good = d.join("a.conf");
        std::fs::write(
            &good,
            format!("active = yes\npath = {}\n", exe.display()).as_bytes(),
        )
        .unwrap();
        let mut msgs = Vec::new();
        let am_root = nix::unistd::geteuid().is_root();
        let r = load(good.to_str().unwrap(), &mut msgs);
        if am_root {
            let c = r.unwrap().unwrap();
            assert!(c.active && c.inode != 0, "{msgs:?}");
        }
        // World writable.
        std::fs::set_permissions(&good, std::fs::Permissions::from_mode(0o646)).unwrap();
        let mut msgs = Vec::new();
        assert!(load(good.to_str().unwrap(), &mut msgs).is_err());
        if am_root {
            assert_eq!(
                msgs[0].text,
                format!("Error - {} is world writable", good.display())
            );
            // Not owned by root.
            std::fs::set_permissions(&good, std::fs::Permissions::from_mode(0o640)).unwrap();
            std::os::unix::fs::chown(&good, Some(1), None).unwrap();
            let mut msgs = Vec::new();
            assert!(load(good.to_str().unwrap(), &mut msgs).is_err());
            assert_eq!(
                msgs[0].text,
                format!("Error - {} isn't owned by root", good.display())
            );
            std::os::unix::fs::chown(&good, Some(0), None).unwrap();
            // A program with too few permission bits.
            std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o700)).unwrap();
            let mut msgs = Vec::new();
            assert!(load(good.to_str().unwrap(), &mut msgs).is_err());
            assert_eq!(
                msgs[0].text,
                format!("{} permissions should be 0750", exe.display())
            );
            // A directory.
            let sub = d.join("sub");
            std::fs::create_dir(&sub).unwrap();
            let mut msgs = Vec::new();
            assert!(load(sub.to_str().unwrap(), &mut msgs).is_err());
            assert_eq!(
                msgs[0].text,
                format!("Error - {} is not a regular file", sub.display())
            );
        }
        // Missing: a warning, not an error.
        let mut msgs = Vec::new();
        assert_eq!(load(d.join("gone").to_str().unwrap(), &mut msgs), Ok(None));
        assert_eq!(msgs[0].level, Level::Warning);
        std::fs::write(d.join("x.conf.bak"), b"").unwrap();
        std::fs::write(d.join(".y.conf"), b"").unwrap();
        let names = entries(d);
        assert!(names.contains(&"a.conf".to_string()));
        assert!(!names
            .iter()
            .any(|n| n.contains("bak") || n.starts_with('.')));
    }
}
