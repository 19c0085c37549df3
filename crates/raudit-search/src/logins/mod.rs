//! The login tools: `aulast` and `aulastlog`, which read the logs through auparse
//! (not ausearch's reader), so they come with an auparse-style event source and field
//! cursor.
//!
//! - [`source`]: auparse's event grouping and order over a file, stdin or the log set;
//! - [`cursor`]: auparse's record/field cursor over a delivered event;
//! - [`last`]: `aulast`; [`lastlog`]: `aulastlog`.

pub mod cursor;
pub mod last;
pub mod lastlog;
pub mod source;
