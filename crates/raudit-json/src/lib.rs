//! Audit events as JSON lines (one object per assembled event), the process
//! table that adds ancestry to them, and event filters. Pure: no I/O.
//!
//! # The format
//!
//! ```text
//! {"ID":"1700000000.123:4567","NODE":"web1",
//!  "SYSCALL":{"arch":"c000003e","ARCH":"x86_64","syscall":59,"SYSCALL":"execve",
//!             "success":"yes","exit":0,"a0":"55d0c0a0","items":2,"ppid":1,"pid":42,
//!             "auid":1000,"AUID":"alice","uid":0,"UID":"root",…,"comm":"ls",
//!             "exe":"/usr/bin/ls","key":"exec", "PARENT":{…},…},
//!  "EXECVE":{"argc":2,"ARGV":["ls","-l"]},
//!  "CWD":{"cwd":"/root"},
//!  "PATH":[{"item":0,"name":"/usr/bin/ls",…},…],
//!  "PROCTITLE":{"ARGV":["ls","-l"]}}
//! ```
//!
//! - `ID` is `SEC.MSEC:SERIAL` as in the log; `NODE` only when the records have one.
//! - One member per record type, named as in the log (`type=` text, so an unknown
//!   type is `UNKNOWN[1234]` or whatever name the log has), in order of first
//!   appearance. `PATH` and `SOCKADDR` are always lists; any other type is a list
//!   when it occurs more than once in the event.
//! - Each record is an object of its fields in log order. A quoted value loses its
//!   quotes; a hex-encoded value of a field audit hex-encodes (`exe`, `comm`,
//!   `name`, `cwd`, `key`, `proctitle`, …) is decoded; a plain decimal (`0` or
//!   `-`?`[1-9][0-9]*` that fits 64 bits) is a JSON number with the same digits;
//!   everything else is a string as it is in the log — in particular hex and octal
//!   numbers (`a0`…`a3`, `arch`, `mode`, capability sets) stay strings, so no value
//!   changes meaning. A `key` holding several keys (`\x01`-separated) is a list.
//! - Translations sit next to the raw value under the upper-cased name, as the
//!   ENRICHED log format adds them: user and group names (`AUID`, `UID`, `OGID`…;
//!   taken from the record's ENRICHED tail when it has one), `SYSCALL`, `ARCH`, and
//!   `SADDR` as an object `{"family":"inet","addr":"1.2.3.4","port":80}`
//!   (`local` with `path`, `netlink` with `pid`/`groups`, other families by name).
//! - `EXECVE` records (also long arguments split as `aN_len`/`aN[i]` across
//!   several records) become one object `{"argc":N,"ARGV":[…]}`; `PROCTITLE`
//!   becomes `{"ARGV":[…]}` (the title split at NULs).
//! - User-space records' `msg='…'` is a nested object `"msg":{…}` of the fields
//!   inside it. Words without `=` become `seresult`/`seperms` for SELinux AVC
//!   (`denied { read }`), `TEXT` otherwise.
//! - Strings: valid UTF-8 is kept (JSON escapes for `"`, `\`, controls); every
//!   byte that is not part of valid UTF-8, and `%` itself, is written `%XX`
//!   (upper-case hex), so [`write::unescape_pct`] restores the exact bytes.
//!
//! # Differences from Laurel (0.8)
//! Laurel's output is the model; the intended differences: raw numeric
//! values keep the log's text (Laurel prefixes hex arguments with `0x` and turns
//! some into numbers); translations use ENRICHED's upper-case names beside the
//! raw value; `PARENT`/`ANCESTORS` replace `PARENT_INFO`; user-space `msg='…'` is
//! a nested object; raudit keeps repeated non-PATH record types as lists.

#![forbid(unsafe_code)]

pub mod encode;
pub mod fields;
pub mod filter;
pub mod pipeline;
pub mod ptable;
pub mod sockaddr;
pub mod write;

pub use encode::{Encoder, SyscallExtra, SyscallFacts};
pub use filter::Settings;
pub use pipeline::Pipeline;
