//! `raudit`: one binary for the whole audit userspace.
//!
//! Invoked as `raudit TOOL ARGS…`, or through a symlink named after the tool
//! (`ausearch`, `auditctl`, …), it behaves as that tool. Each tool lives in
//! its own module under `cmd/` and takes its arguments after the tool name.

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

mod cmd;

/// A tool the binary can act as: the name it answers to (as a subcommand and
/// as a symlink), the compat name it replaces, and its entry point.
struct Tool {
    sub: &'static str,
    alias: Option<&'static str>,
    about: &'static str,
    run: fn(Vec<OsString>) -> i32,
}

const TOOLS: &[Tool] = &[
    Tool {
        sub: "search",
        alias: Some("ausearch"),
        about: "search audit logs (ausearch)",
        run: cmd::search::main,
    },
    Tool {
        sub: "report",
        alias: Some("aureport"),
        about: "summary reports of audit logs (aureport)",
        run: cmd::report::main,
    },
    Tool {
        sub: "ctl",
        alias: Some("auditctl"),
        about: "control the kernel audit system (auditctl)",
        run: cmd::ctl::main,
    },
    Tool {
        sub: "daemon",
        alias: Some("auditd"),
        about: "the audit daemon (auditd)",
        run: cmd::daemon::main,
    },
    Tool {
        sub: "augenrules",
        alias: Some("augenrules"),
        about: "merge rules.d into audit.rules (augenrules)",
        run: cmd::augenrules::main,
    },
    Tool {
        sub: "rules",
        alias: None,
        about: "lint and optimise rule files (rules lint|optimize FILE…)",
        run: cmd::rules::main,
    },
    Tool {
        sub: "json",
        alias: None,
        about: "audit events as JSON lines (files, stdin, or as an audisp plugin)",
        run: cmd::json::main,
    },
    Tool {
        sub: "explain",
        alias: None,
        about: "interpret an audit record and say what it means",
        run: cmd::explain::main,
    },
    Tool {
        sub: "ausyscall",
        alias: Some("ausyscall"),
        about: "map syscall names and numbers (ausyscall)",
        run: cmd::ausyscall::main,
    },
    Tool {
        sub: "aulast",
        alias: Some("aulast"),
        about: "list logins and logouts from the audit logs (aulast)",
        run: cmd::aulast::main,
    },
    Tool {
        sub: "aulastlog",
        alias: Some("aulastlog"),
        about: "last login of each account from the audit logs (aulastlog)",
        run: cmd::aulastlog::main,
    },
    Tool {
        sub: "sql",
        alias: None,
        about: "query audit logs with SQL (osquery's event tables)",
        run: cmd::sql::main,
    },
    Tool {
        sub: "index",
        alias: None,
        about: "build or update the SQL index of audit logs",
        run: cmd::sql::index_main,
    },
    Tool {
        sub: "remote",
        alias: Some("audisp-remote"),
        about: "send audit records to a remote collector (audisp-remote)",
        run: cmd::remote::main,
    },
    Tool {
        sub: "autrace",
        alias: Some("autrace"),
        about: "trace a program's system calls with audit rules (autrace)",
        run: cmd::autrace::main,
    },
];

fn usage() -> String {
    let mut s = String::from("usage: raudit TOOL [ARGS…]\n\ntools:\n");
    for t in TOOLS {
        s.push_str(&format!("  {:<12} {}\n", t.sub, t.about));
    }
    s.push_str(
        "\nEach tool also runs when raudit is invoked through a symlink of its compat name.\n",
    );
    s
}

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    let argv0 = args.first().map(|a| {
        Path::new(a)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let argv0 = argv0.unwrap_or_default();
    // Invoked through a compat symlink: the whole argument list is the tool's.
    if let Some(t) = TOOLS.iter().find(|t| t.alias == Some(argv0.as_str())) {
        args.remove(0);
        return ExitCode::from(clamp((t.run)(args)));
    }
    if args.len() < 2 {
        eprint!("{}", usage());
        return ExitCode::from(1);
    }
    let sub = args[1].to_string_lossy().into_owned();
    if sub == "-h" || sub == "--help" || sub == "help" {
        print!("{}", usage());
        return ExitCode::SUCCESS;
    }
    if sub == "-V" || sub == "--version" {
        println!("raudit {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    match TOOLS
        .iter()
        .find(|t| t.sub == sub || t.alias == Some(sub.as_str()))
    {
        Some(t) => {
            args.drain(..2);
            ExitCode::from(clamp((t.run)(args)))
        }
        None => {
            eprintln!("raudit: unknown tool '{sub}'");
            eprint!("{}", usage());
            ExitCode::from(1)
        }
    }
}

fn clamp(code: i32) -> u8 {
    u8::try_from(code).unwrap_or(1)
}
