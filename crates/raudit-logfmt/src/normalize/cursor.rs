//! A record/field cursor over a [`Piece`] that moves exactly like auparse's.
//!
//! The normalizer's results depend on auparse's cursor rules, quirks included: each
//! record keeps its own field position, moving to the next record does not rewind
//! it, a field search continues into later records (rewinding each) but gives up at
//! once when the current field is the record's last, and a search that runs off the
//! end leaves no current record.

use super::parse::{print_escaped, Piece};
use super::{FieldCtx, FieldInterpreter, FieldType, Loc};

pub(crate) struct Cursor<'a> {
    pub p: &'a mut Piece,
    pub fi: &'a dyn FieldInterpreter,
    rec: Option<usize>,
    fpos: Vec<usize>,
}

impl<'a> Cursor<'a> {
    pub fn new(p: &'a mut Piece, fi: &'a dyn FieldInterpreter) -> Cursor<'a> {
        let n = p.recs.len();
        Cursor {
            rec: (n > 0).then_some(0),
            fpos: vec![0; n],
            p,
            fi,
        }
    }

    pub fn num_records(&self) -> usize {
        self.p.recs.len()
    }

    /// `auparse_first_record`.
    pub fn first_record(&mut self) -> bool {
        if self.p.recs.is_empty() {
            return false;
        }
        self.rec = Some(0);
        self.fpos[0] = 0;
        true
    }

    /// `auparse_next_record`: the next record keeps its field position.
    pub fn next_record(&mut self) -> bool {
        let Some(i) = self.rec else { return false };
        if i + 1 < self.p.recs.len() {
            self.rec = Some(i + 1);
            true
        } else {
            self.rec = None;
            false
        }
    }

    /// `auparse_goto_record_num`: out of range leaves the cursor alone.
    pub fn goto_record(&mut self, n: usize) -> bool {
        if n >= self.p.recs.len() {
            return false;
        }
        self.rec = Some(n);
        self.fpos[n] = 0;
        true
    }

    /// `auparse_get_record_num` (0 without a current record).
    pub fn record_num(&self) -> usize {
        self.rec.unwrap_or(0)
    }

    /// `auparse_get_type` (0 without a current record).
    pub fn rtype(&self) -> i32 {
        self.rec.map_or(0, |i| self.p.recs[i].rtype)
    }

    /// `auparse_first_field`.
    pub fn first_field(&mut self) -> bool {
        match self.rec {
            Some(i) => {
                self.fpos[i] = 0;
                true
            }
            None => false,
        }
    }

    /// `auparse_next_field`.
    pub fn next_field(&mut self) -> bool {
        let Some(i) = self.rec else { return false };
        let n = self.p.recs[i].fields.len();
        if n > 0 && self.fpos[i] < n - 1 {
            self.fpos[i] += 1;
            true
        } else {
            false
        }
    }

    /// `auparse_get_field_num`.
    pub fn field_num(&self) -> usize {
        self.rec.map_or(0, |i| self.fpos[i])
    }

    /// `auparse_goto_field_num`.
    pub fn goto_field(&mut self, n: usize) -> bool {
        let Some(i) = self.rec else { return false };
        if n >= self.p.recs[i].fields.len() {
            return false;
        }
        self.fpos[i] = n;
        true
    }

    /// The current location, if there is a current record.
    pub fn loc(&self) -> Option<Loc> {
        self.rec.map(|i| Loc {
            rec: i,
            field: self.fpos[i],
        })
    }

    fn cur_field(&self) -> Option<&super::parse::Field> {
        if self.p.id.sec == 0 {
            return None;
        }
        let i = self.rec?;
        self.p.recs[i].fields.get(self.fpos[i])
    }

    /// `auparse_get_field_name`.
    pub fn name(&self) -> Option<&[u8]> {
        self.cur_field().map(|f| f.name.as_slice())
    }

    /// `auparse_get_field_str`.
    pub fn val(&self) -> Option<Vec<u8>> {
        self.cur_field().and_then(|f| f.val.clone())
    }

    /// `auparse_get_field_int`: the value and whether the conversion succeeded (errno 0).
    pub fn int(&self) -> (i32, bool) {
        match self.cur_field().and_then(|f| f.val.as_deref()) {
            Some(v) => {
                let r = crate::num::strtol(v, 10);
                if r.overflow {
                    (-1, false)
                } else {
                    (r.value as i32, true)
                }
            }
            None => (-1, false),
        }
    }

    /// `auparse_get_field_type`.
    pub fn ftype(&self) -> FieldType {
        match (self.loc(), self.p.id.sec) {
            (Some(l), s) if s != 0 => self.p.field_type(l, self.fi),
            _ => FieldType::Unclassified,
        }
    }

    /// `auparse_interpret_field`.
    pub fn interpret(&mut self) -> Option<Vec<u8>> {
        let l = self.loc()?;
        interpret_at(self.p, l, self.fi, false)
    }

    /// Scans record `i` from its field position for `name`.
    fn scan(&mut self, i: usize, name: &[u8]) -> bool {
        let from = self.fpos[i];
        let hit = self.p.recs[i].fields[from.min(self.p.recs[i].fields.len())..]
            .iter()
            .position(|f| f.name == name);
        match hit {
            Some(k) => {
                self.fpos[i] = from + k;
                true
            }
            None => false,
        }
    }

    /// `auparse_find_field`: the value of the first field called `name` from the
    /// current field on, through the following records. None when not found (or when
    /// found without a value).
    pub fn find(&mut self, name: &[u8]) -> Option<Vec<u8>> {
        if self.p.id.sec == 0 {
            return None;
        }
        self.rec?;
        if self.name() == Some(name) {
            return self.val();
        }
        self.find_next(name)
    }

    fn find_next(&mut self, name: &[u8]) -> Option<Vec<u8>> {
        let mut i = self.rec?;
        if !self.next_field() {
            return None;
        }
        loop {
            if self.scan(i, name) {
                return self.val();
            }
            if i + 1 < self.p.recs.len() {
                i += 1;
                self.rec = Some(i);
                self.fpos[i] = 0;
            } else {
                self.rec = None;
                return None;
            }
        }
    }
}

/// Interprets the field at `loc` as auparse does: a cached earlier interpretation
/// wins; otherwise the record's ENRICHED text for that name (unless it says
/// `unknown-…`), otherwise the interpreter. `with_cwd` passes the event's CWD (for
/// `auparse_interpret_realpath`).
pub(crate) fn interpret_at(
    p: &mut Piece,
    loc: Loc,
    fi: &dyn FieldInterpreter,
    with_cwd: bool,
) -> Option<Vec<u8>> {
    if p.id.sec == 0 {
        return None;
    }
    let cwd = p.cwd.clone();
    let rec = p.recs.get_mut(loc.rec)?;
    let rtype = rec.rtype;
    let (machine, syscall, a0, a1) = (rec.machine, rec.syscall, rec.a0, rec.a1);
    let f = rec.fields.get(loc.field)?;
    if let Some(c) = &f.cache {
        return Some(c.clone());
    }
    let out = match &f.val {
        None => b" ".to_vec(),
        Some(val) => {
            let ftype = fi.field_type(rtype, &f.name, val);
            let enriched = rec
                .interp
                .as_ref()
                .and_then(|list| list.iter().find(|(n, _)| *n == f.name))
                .map(|(_, v)| v)
                .filter(|v| !v.starts_with(b"unknown-"));
            match enriched {
                Some(v) if matches!(ftype, FieldType::Uid | FieldType::Gid) => print_escaped(v),
                Some(v) => v.clone(),
                None => fi.interpret(
                    ftype,
                    &FieldCtx {
                        rtype,
                        name: &f.name,
                        val,
                        machine,
                        syscall,
                        a0,
                        a1,
                        cwd: if with_cwd { cwd.as_deref() } else { None },
                    },
                ),
            }
        }
    };
    if let Some(f) = rec.fields.get_mut(loc.field) {
        f.cache = Some(out.clone());
    }
    Some(out)
}
