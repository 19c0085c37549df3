//! The auditctl rule language: parse, encode to the kernel rule, decode,
//! print. Pure: no I/O (host facts come through [`cmd::Env`]).
//!
//! * [`file::lines`] splits a rules file the way `auditctl -R` reads it;
//! * [`cmd::parse`] turns one auditctl command line into the kernel
//!   operations it requests and the `audit_rule_data` it builds, with
//!   auditctl 3.0.9's exact diagnostics ([`RuleError`]);
//! * [`lint`] checks a rule set and [`optimize`] shrinks it;
//! * [`print::Lister`] prints kernel rules as `auditctl -l` does, and
//!   [`print::format_status`] the status as `auditctl -s`.
#![forbid(unsafe_code)]

pub mod cmd;
pub mod error;
pub mod file;
pub mod getopt;
pub mod lint;
pub mod names;
pub mod num;
pub mod optimize;
pub mod print;

pub use cmd::{parse, Env, FixedEnv, Op, Outcome, Parsed, RuleOp, Signal};
pub use error::{Channel, RuleError};
pub use print::{format_features, format_status, Lister};
