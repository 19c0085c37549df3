//! `raudit rules lint FILE…` and `raudit rules optimize FILE…`.
//!
//! Both load the files as one rule set, in the order given, as
//! `auditctl -R` would load them one after the other (see
//! [`raudit_rules::lint`]).
//!
//! Exit codes — lint: 0 when no finding is a warning or an error, 1 when
//! one is, 2 on usage or read errors. optimize: 0, 1 when some lines were
//! rejected by the rule parser (they are left out and named on stderr),
//! 2 on usage, read or write errors.

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

use clap::{Arg, ArgAction, Command};
use raudit_rules::lint::{self, Host, Report, Severity};
use raudit_rules::Env;
use raudit_tables::Machine;
use raudit_wire::consts::*;

fn command() -> Command {
    let machine = Arg::new("machine")
        .long("machine")
        .value_name("MACHINE")
        .help("lint for this machine (x86_64, i386, aarch64, …) instead of the host's");
    let files = Arg::new("files")
        .value_name("FILE")
        .required(true)
        .num_args(1..)
        .value_parser(clap::value_parser!(OsString));
    Command::new("raudit rules")
        .about("check and shrink audit rule files")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("lint")
                .about("report problems and costs of a rule set (exit 1 on warnings or errors)")
                .arg(
                    Arg::new("format")
                        .long("format")
                        .value_parser(["human", "json"])
                        .default_value("human"),
                )
                .arg(
                    Arg::new("cost")
                        .long("cost")
                        .action(ArgAction::SetTrue)
                        .help("also print what each exit-list rule costs per syscall"),
                )
                .arg(machine.clone())
                .arg(files.clone()),
        )
        .subcommand(
            Command::new("optimize")
                .visible_alias("optimise")
                .about("print an equivalent, smaller rule set")
                .arg(
                    Arg::new("output")
                        .short('o')
                        .long("output")
                        .value_name("FILE")
                        .value_parser(clap::value_parser!(OsString))
                        .help("write the rules here instead of stdout"),
                )
                .arg(machine)
                .arg(files),
        )
}

/// Users and groups from /etc/passwd and /etc/group, directories from the
/// file system, the kernel's features if it tells them (else all).
struct LintEnv {
    machine: Option<Machine>,
    features: u32,
    users: Vec<(Vec<u8>, u32)>,
    groups: Vec<(Vec<u8>, u32)>,
}

fn id_file(path: &str) -> Vec<(Vec<u8>, u32)> {
    let text = std::fs::read(path).unwrap_or_default();
    text.split(|&c| c == b'\n')
        .filter_map(|l| {
            let mut it = l.split(|&c| c == b':');
            let name = it.next()?;
            let _ = it.next()?;
            let id = std::str::from_utf8(it.next()?).ok()?.parse().ok()?;
            Some((name.to_vec(), id))
        })
        .collect()
}

impl LintEnv {
    fn new(machine: Option<Machine>) -> LintEnv {
        let features = raudit_netlink::AuditSocket::open()
            .and_then(|mut s| s.get_status())
            .ok()
            .and_then(|s| s.feature_bitmap)
            .unwrap_or(0x7f);
        LintEnv {
            machine: machine.or(Some(Machine::host())),
            features,
            users: id_file("/etc/passwd"),
            groups: id_file("/etc/group"),
        }
    }
}

impl Env for LintEnv {
    fn host_machine(&self) -> Option<Machine> {
        self.machine
    }
    fn features(&self) -> u32 {
        self.features
    }
    fn uid_by_name(&self, name: &[u8]) -> Option<u32> {
        self.users.iter().find(|(n, _)| n == name).map(|&(_, u)| u)
    }
    fn gid_by_name(&self, name: &[u8]) -> Option<u32> {
        self.groups.iter().find(|(n, _)| n == name).map(|&(_, g)| g)
    }
    fn is_dir(&self, path: &[u8]) -> bool {
        std::fs::metadata(std::ffi::OsStr::from_bytes(path)).is_ok_and(|m| m.is_dir())
    }
}

fn exists(p: &[u8]) -> bool {
    std::fs::symlink_metadata(std::ffi::OsStr::from_bytes(p)).is_ok()
}

fn read_files(files: &[OsString]) -> Result<Vec<(String, Vec<u8>)>, String> {
    files
        .iter()
        .map(|f| {
            let name = f.to_string_lossy().into_owned();
            std::fs::read(f)
                .map(|c| (name.clone(), c))
                .map_err(|e| format!("raudit rules: cannot read {name}: {e}"))
        })
        .collect()
}

/// The report as JSON.
pub fn json(report: &Report) -> serde_json::Value {
    let findings: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "file": f.loc.file,
                "line": f.loc.line,
                "severity": f.severity.name(),
                "code": f.code,
                "message": f.message,
                "fix": f.fix,
            })
        })
        .collect();
    let c = &report.cost;
    let rules: Vec<serde_json::Value> = c
        .rules
        .iter()
        .map(|r| {
            serde_json::json!({
                "file": r.loc.file,
                "line": r.loc.line,
                "syscalls": r.syscalls.map_or(serde_json::Value::from("all"), serde_json::Value::from),
                "field_tests": r.tests,
            })
        })
        .collect();
    let per: serde_json::Map<String, serde_json::Value> = c
        .per_syscall
        .iter()
        .map(|(n, t)| (n.clone(), serde_json::Value::from(*t)))
        .collect();
    serde_json::json!({
        "findings": findings,
        "cost": {
            "exit_rules": c.exit_rules,
            "all_syscalls": c.all_syscalls,
            "tests_per_syscall": per,
            "rules": rules,
        },
    })
}

fn machine_arg(m: Option<&String>) -> Result<Option<Machine>, String> {
    match m {
        None => Ok(None),
        Some(s) => Machine::from_name(s)
            .map(Some)
            .ok_or_else(|| format!("raudit rules: unknown machine {s}")),
    }
}

fn run_lint(m: &clap::ArgMatches) -> Result<i32, String> {
    let files: Vec<OsString> = m.get_many::<OsString>("files").unwrap().cloned().collect();
    let content = read_files(&files)?;
    let env = LintEnv::new(machine_arg(m.get_one::<String>("machine"))?);
    let host = Host {
        env: &env,
        exists: &exists,
    };
    let report = lint::lint(&content, &host);
    let text = if m.get_one::<String>("format").map(String::as_str) == Some("json") {
        let mut s = serde_json::to_string_pretty(&json(&report)).unwrap_or_default();
        s.push('\n');
        s
    } else {
        lint::human(&report, m.get_flag("cost"))
    };
    let _ = std::io::stdout().write_all(text.as_bytes());
    Ok(i32::from(report.worst() >= Some(Severity::Warning)))
}

fn run_optimize(m: &clap::ArgMatches) -> Result<i32, String> {
    let files: Vec<OsString> = m.get_many::<OsString>("files").unwrap().cloned().collect();
    let content = read_files(&files)?;
    let env = LintEnv::new(machine_arg(m.get_one::<String>("machine"))?);
    let set = lint::set::RuleSet::load(&content, &env);
    let mut rc = 0;
    for d in set.diags.iter().filter(|d| d.rejected) {
        eprintln!("{}: left out, auditctl rejects it: {}", d.loc, d.error);
        rc = 1;
    }
    let opt = raudit_rules::optimize::optimize(&set);
    let names: Vec<String> = content.iter().map(|(n, _)| n.clone()).collect();
    let text = raudit_rules::optimize::render(&opt, &env, &names);
    let exit_before = set
        .rules
        .iter()
        .filter(|r| r.rule.list() == AUDIT_FILTER_EXIT)
        .count();
    let exit_after = opt
        .rules
        .iter()
        .filter(|r| r.rule.list() == AUDIT_FILTER_EXIT)
        .count();
    eprintln!(
        "raudit rules optimize: {} rules -> {} ({} exit-list rules -> {})",
        opt.input_rules,
        opt.rules.len(),
        exit_before,
        exit_after
    );
    match m.get_one::<OsString>("output") {
        Some(out) => std::fs::write(out, text)
            .map_err(|e| format!("raudit rules: cannot write {}: {e}", out.to_string_lossy()))?,
        None => {
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
    }
    Ok(rc)
}

/// Entry point: arguments after the tool name.
pub fn main(args: Vec<OsString>) -> i32 {
    let argv = std::iter::once(OsString::from("raudit rules")).chain(args);
    let m = match command().try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let r = match m.subcommand() {
        Some(("lint", sm)) => run_lint(sm),
        Some(("optimize", sm)) => run_optimize(sm),
        _ => Ok(2),
    };
    match r {
        Ok(rc) => rc,
        Err(msg) => {
            eprintln!("{msg}");
            2
        }
    }
}
