//! One module per tool. Each exposes `main(args) -> exit code`, where `args`
//! are the tool's own arguments (without the program or subcommand name).

pub mod augenrules;
pub mod aulast;
pub mod aulastlog;
pub mod ausyscall;
pub mod autrace;
pub mod ctl;
pub mod daemon;
pub mod explain;
pub mod json;
pub mod remote;
pub mod report;
pub mod rules;
pub mod search;
pub mod sql;
