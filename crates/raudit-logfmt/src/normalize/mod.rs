//! Event normalization as auparse 3.0.9's `auparse_normalize` does it: for one event,
//! who did what to what, how, and with which result — the material of `ausearch
//! --format csv` and `--format text`.
//!
//! Use:
//! 1. [`pieces`] splits an assembled [`Event`](crate::Event) into the events auparse's
//!    feed interface would deliver (usually one; see its documentation).
//! 2. [`normalize`] fills a [`Normalized`] for a [`Piece`]: the event kind, action,
//!    object kind and "how" as text, and the subject/object/session/result/key as
//!    [`Loc`]ations of fields in the piece.
//! 3. The [`Piece`] methods ([`Piece::interpret`], [`Piece::realpath`],
//!    [`Piece::field_name`], …) render a location the way the matching auparse
//!    accessor does, including auparse's per-field caching of interpretations.
//!
//! Value interpretation is delegated to a [`FieldInterpreter`] and account lookups to
//! [`Accounts`], both implemented by the caller, so this module stays pure.

mod cursor;
mod maps;
mod parse;
mod rules;
mod values;

pub use maps::ObjKind;
pub use parse::{pieces, Piece};
pub use rules::normalize;
pub use values::{adjust_type, Values};

use raudit_tables::Machine;

/// auparse's field types (`AUPARSE_TYPE_*`): how a value is interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum FieldType {
    Unclassified,
    Uid,
    Gid,
    Syscall,
    Arch,
    Exit,
    Escaped,
    Perm,
    Mode,
    Sockaddr,
    Flags,
    Promisc,
    Capability,
    Success,
    A0,
    A1,
    A2,
    A3,
    Signal,
    List,
    TtyData,
    Session,
    CapBitmap,
    Nfproto,
    Icmptype,
    Protocol,
    Addr,
    Personality,
    Seccomp,
    Oflag,
    Mmap,
    ModeShort,
    MacLabel,
    Proctitle,
    Hook,
    Netaction,
    Macproto,
    IoctlReq,
    EscapedKey,
    EscapedFile,
    Fanotify,
    Nlmcgrp,
    Resolve,
}

/// Everything auparse hands its interpretation code for one field.
#[derive(Debug, Clone, Copy)]
pub struct FieldCtx<'a> {
    /// Type of the record holding the field.
    pub rtype: i32,
    /// Field name.
    pub name: &'a [u8],
    /// Raw value as stored by auparse (trailing punctuation already removed).
    pub val: &'a [u8],
    /// The record's machine from `arch=` (None: unknown, use the host's).
    pub machine: Option<Machine>,
    /// The record's syscall number (-1 when it has none).
    pub syscall: i32,
    /// The record's `a0`.
    pub a0: u64,
    /// The record's `a1`.
    pub a1: u64,
    /// Set only for [`Piece::realpath`]: the event's working directory, for making
    /// relative file names absolute.
    pub cwd: Option<&'a [u8]>,
}

/// Value interpretation (auparse's `auparse_interp_adjust_type` and
/// `auparse_do_interpretation` minus the ENRICHED lookup, which the normalizer does).
pub trait FieldInterpreter {
    /// The type of `name=val` in a record of type `rtype`.
    fn field_type(&self, rtype: i32, name: &[u8], val: &[u8]) -> FieldType;
    /// The interpreted text, already escaped for output the way auparse escapes it.
    fn interpret(&self, ftype: FieldType, field: &FieldCtx<'_>) -> Vec<u8>;
}

/// Lookups in the local account database.
pub trait Accounts {
    /// `getpwnam(name)->pw_uid`.
    fn uid_by_name(&self, name: &[u8]) -> Option<u32>;
}

/// Which extra information [`normalize`] collects (auparse's `normalize_option_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NormOpt {
    /// Everything, including subject and object attributes (and the AVC object).
    All,
    /// No attributes.
    NoAttrs,
}

/// A field of a piece: record number and field number within auparse's field list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    /// Record index in the piece.
    pub rec: usize,
    /// Field index in the record.
    pub field: usize,
}

/// The normalized view of one piece. Text items are `None` where auparse returns NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// False when auparse's normalizer returned an error (a multi-record event without
    /// a SYSCALL record, for instance); the other items are then partial.
    pub ok: bool,
    /// Event kind (`user-login`, `audit-rule`, …).
    pub event_kind: Option<&'static str>,
    /// Session field.
    pub session: Option<Loc>,
    /// Subject: the primary identity (usually auid).
    pub subj_primary: Option<Loc>,
    /// Subject: the secondary identity (usually uid).
    pub subj_secondary: Option<Loc>,
    /// Subject kind (`privileged-acct`, `user-acct`, …).
    pub subj_kind: Option<&'static str>,
    /// Subject attributes (only collected with [`NormOpt::All`]).
    pub subj_attrs: Vec<Loc>,
    /// Action (`opened-file`, `logged-in`, …).
    pub action: Option<Vec<u8>>,
    /// Result field (`success=`, `res=`, …).
    pub results: Option<Loc>,
    /// Object: primary.
    pub obj_primary: Option<Loc>,
    /// Object: secondary.
    pub obj_secondary: Option<Loc>,
    /// Object: second primary (rename target, new owner, …).
    pub obj_primary2: Option<Loc>,
    /// Object attributes (only collected with [`NormOpt::All`]).
    pub obj_attrs: Vec<Loc>,
    /// Object kind.
    pub obj_kind: ObjKind,
    /// How (program, terminal, …).
    pub how: Option<Vec<u8>>,
    /// The rule key field.
    pub key: Option<Loc>,
}

impl Normalized {
    fn empty() -> Normalized {
        Normalized {
            ok: true,
            event_kind: None,
            session: None,
            subj_primary: None,
            subj_secondary: None,
            subj_kind: None,
            subj_attrs: Vec::new(),
            action: None,
            results: None,
            obj_primary: None,
            obj_secondary: None,
            obj_primary2: None,
            obj_attrs: Vec::new(),
            obj_kind: ObjKind::Unknown,
            how: None,
            key: None,
        }
    }
}

/// The part of a SOCKADDR interpretation to extract with [`Piece::sock_part`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SockPart {
    /// `fam=` (auparse_interpret_sock_family).
    Family,
    /// `lport=` (auparse_interpret_sock_port).
    Port,
    /// `laddr=` (auparse_interpret_sock_address).
    Address,
}

impl Piece {
    fn field_at(&self, loc: Loc) -> Option<&parse::Field> {
        if self.id.sec == 0 {
            return None;
        }
        self.recs.get(loc.rec)?.fields.get(loc.field)
    }

    /// `loc` if it names an existing field (auparse's `seek_field` succeeding).
    pub fn seek(&self, loc: Option<Loc>) -> Option<Loc> {
        let l = loc?;
        (l.field < self.recs.get(l.rec)?.fields.len()).then_some(l)
    }

    /// Type of the record holding `loc` (0 when out of range).
    pub fn record_type(&self, loc: Loc) -> i32 {
        self.recs.get(loc.rec).map_or(0, |r| r.rtype)
    }

    /// The field's name (`auparse_get_field_name`).
    pub fn field_name(&self, loc: Loc) -> Option<&[u8]> {
        self.field_at(loc).map(|f| f.name.as_slice())
    }

    /// The field's raw value (`auparse_get_field_str`).
    pub fn field_str(&self, loc: Loc) -> Option<&[u8]> {
        self.field_at(loc).and_then(|f| f.val.as_deref())
    }

    /// The raw value as C's `(int)strtol(v, NULL, 10)` (`auparse_get_field_int`);
    /// -1 when there is no value or it overflows a `long`.
    pub fn field_int(&self, loc: Loc) -> i32 {
        match self.field_str(loc) {
            Some(v) => {
                let r = crate::num::strtol(v, 10);
                if r.overflow {
                    -1
                } else {
                    r.value as i32
                }
            }
            None => -1,
        }
    }

    /// The field's type (`auparse_get_field_type`).
    pub fn field_type(&self, loc: Loc, fi: &dyn FieldInterpreter) -> FieldType {
        match self.field_at(loc) {
            Some(f) => fi.field_type(
                self.record_type(loc),
                &f.name,
                f.val.as_deref().unwrap_or(b""),
            ),
            None => FieldType::Unclassified,
        }
    }

    /// The interpreted value (`auparse_interpret_field`).
    pub fn interpret(&mut self, loc: Loc, fi: &dyn FieldInterpreter) -> Option<Vec<u8>> {
        cursor::interpret_at(self, loc, fi, false)
    }

    /// The interpreted file name made absolute with the event's CWD
    /// (`auparse_interpret_realpath`); None unless the field is a file name.
    pub fn realpath(&mut self, loc: Loc, fi: &dyn FieldInterpreter) -> Option<Vec<u8>> {
        if self.field_type(loc, fi) != FieldType::EscapedFile {
            return None;
        }
        cursor::interpret_at(self, loc, fi, true)
    }

    /// One part of a socket address interpretation (`auparse_interpret_sock_*`);
    /// None unless the field is a socket address with that part.
    pub fn sock_part(
        &mut self,
        loc: Loc,
        part: SockPart,
        fi: &dyn FieldInterpreter,
    ) -> Option<Vec<u8>> {
        if self.field_type(loc, fi) != FieldType::Sockaddr {
            return None;
        }
        let text = self.interpret(loc, fi)?;
        let key: &[u8] = match part {
            SockPart::Family => b"fam=",
            SockPart::Port => b"lport=",
            SockPart::Address => b"laddr=",
        };
        let at = memchr::memmem::find(&text, key)? + key.len();
        let rest = &text[at..];
        let end = memchr::memchr(b' ', rest)?;
        Some(rest[..end].to_vec())
    }
}
