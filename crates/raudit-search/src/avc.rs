//! Security contexts collected from an event for `-su`, `-o` and `-se`.
//!
//! ausearch keeps one list per event: every AVC (kernel or user space) adds one
//! entry, and records that carry a subject (`subj=`) or object (`obj=`) label add an
//! entry holding just that label. Matching looks for any entry with a subject (or
//! object) context that matches.

use std::borrow::Cow;

/// What an AVC decided, when the record said so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AvcResult {
    /// Not an AVC, or its decision was not looked at.
    Unset,
    /// `avc: denied`
    Denied,
    /// Any other AVC decision (`granted`).
    Granted,
}

/// One entry of an event's context list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvcEntry<'a> {
    /// Subject context (`scontext=`, `subj=`, `vm-ctx=`).
    pub scontext: Option<Cow<'a, [u8]>>,
    /// Object context (`tcontext=`, `obj=`, `img-ctx=`).
    pub tcontext: Option<Cow<'a, [u8]>>,
    /// The decision; only looked at when `-sv` was given.
    pub result: AvcResult,
    /// Permissions between the braces of an AVC.
    pub perm: Option<Cow<'a, [u8]>>,
    /// `tclass=` of an AVC.
    pub class: Option<Cow<'a, [u8]>>,
}

impl Default for AvcEntry<'_> {
    fn default() -> Self {
        AvcEntry {
            scontext: None,
            tcontext: None,
            result: AvcResult::Unset,
            perm: None,
            class: None,
        }
    }
}

impl<'a> AvcEntry<'a> {
    /// An entry holding only a subject context.
    pub fn subject(ctx: Cow<'a, [u8]>) -> Self {
        AvcEntry {
            scontext: Some(ctx),
            ..AvcEntry::default()
        }
    }

    /// An entry holding only an object context.
    pub fn object(ctx: Cow<'a, [u8]>) -> Self {
        AvcEntry {
            tcontext: Some(ctx),
            ..AvcEntry::default()
        }
    }
}

/// True when some entry's subject context satisfies `pred`.
pub fn any_subject(list: &[AvcEntry<'_>], mut pred: impl FnMut(&[u8]) -> bool) -> bool {
    list.iter()
        .filter_map(|e| e.scontext.as_deref())
        .any(&mut pred)
}

/// True when some entry's object context satisfies `pred`.
pub fn any_object(list: &[AvcEntry<'_>], mut pred: impl FnMut(&[u8]) -> bool) -> bool {
    list.iter()
        .filter_map(|e| e.tcontext.as_deref())
        .any(&mut pred)
}
