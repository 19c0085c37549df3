//! The audit log text format: records, event assembly and interpretation. Pure: no I/O.
//!
//! - [`header`]: the `node=… type=… msg=audit(SEC.MSEC:SERIAL):` prefix of a record line,
//!   parsed the way `ausearch` reads it.
//! - [`lines`]: splitting a byte stream into record lines the way the C tools read them
//!   (`fgets` with a fixed buffer, strings ending at the first NUL).
//! - [`assemble`]: grouping records into events (a sans-IO state machine on record time).
//! - [`event`]: an assembled event and its records.
//! - [`swar`]: byte searches a word at a time (short distances).
#![forbid(unsafe_code)]

pub mod assemble;
pub mod event;
pub mod header;
pub mod interpret;
pub mod lines;
pub mod normalize;
pub mod num;
pub mod swar;

pub use assemble::Assembler;
pub use event::{Event, EventId, LogFormat, Record};
pub use header::{parse_header, Header, HeaderError};

/// Byte that separates a record's raw text from its ENRICHED tail.
pub const INTERP_SEPARATOR: u8 = 0x1d;
/// Byte that separates several keys inside one `key=` value.
pub const KEY_SEPARATOR: u8 = 0x01;
/// The C tools' line buffer size: a line is read in pieces of at most this length minus one.
pub const MAX_AUDIT_MESSAGE_LENGTH: usize = 8970;
