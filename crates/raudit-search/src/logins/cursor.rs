//! auparse's record/field cursor over one delivered event, as the login tools move it.
//!
//! After `auparse_next_event` the first record is current and its first field too;
//! every other record's field position is its last field (where parsing left it).
//! `find_field` looks at the current field, then searches onward: it gives up at once
//! when the current field is its record's last, otherwise continues through later
//! records (each rewound), and leaves no current record when it runs off the end.

use raudit_logfmt::normalize::{FieldInterpreter, Loc, Piece};

use super::source::AuEvent;

/// A cursor over one event.
pub struct AuCursor<'a> {
    ev: &'a AuEvent,
    p: Option<Piece>,
    nfields: Vec<usize>,
    rec: Option<usize>,
    fpos: Vec<usize>,
}

impl<'a> AuCursor<'a> {
    /// The cursor as `auparse_next_event` leaves it.
    pub fn new(ev: &'a AuEvent) -> AuCursor<'a> {
        let p = ev.piece();
        let nrec = p.as_ref().map_or(0, Piece::len);
        let nfields: Vec<usize> = (0..nrec)
            .map(|r| {
                let p = p.as_ref().expect("records imply a piece");
                let mut n = 0;
                while p.seek(Some(Loc { rec: r, field: n })).is_some() {
                    n += 1;
                }
                n
            })
            .collect();
        let fpos = nfields
            .iter()
            .enumerate()
            .map(|(i, &n)| if i == 0 { 0 } else { n.saturating_sub(1) })
            .collect();
        AuCursor {
            ev,
            p,
            nfields,
            rec: (nrec > 0).then_some(0),
            fpos,
        }
    }

    fn loc(&self) -> Option<Loc> {
        let r = self.rec?;
        (self.nfields[r] > 0).then(|| Loc {
            rec: r,
            field: self.fpos[r],
        })
    }

    fn has_time(&self) -> bool {
        self.ev.id.sec != 0
    }

    /// `auparse_get_time`.
    pub fn time(&self) -> i64 {
        self.ev.id.sec
    }

    /// `auparse_get_serial`.
    pub fn serial(&self) -> u64 {
        self.ev.id.serial
    }

    /// `auparse_get_type` (0 without a current record).
    pub fn rtype(&self) -> i32 {
        self.rec
            .map_or(0, |r| self.ev.types.get(r).copied().unwrap_or(0))
    }

    /// `auparse_get_record_text` of the current record.
    pub fn record_text(&self) -> Option<&'a [u8]> {
        let ev = self.ev;
        self.rec.and_then(|r| ev.texts.get(r).map(Vec::as_slice))
    }

    /// `auparse_first_record`.
    pub fn first_record(&mut self) {
        if self.nfields.is_empty() {
            return;
        }
        self.rec = Some(0);
        self.fpos[0] = 0;
    }

    /// `auparse_next_field`.
    pub fn next_field(&mut self) -> bool {
        let Some(r) = self.rec else { return false };
        if self.nfields[r] > 0 && self.fpos[r] < self.nfields[r] - 1 {
            self.fpos[r] += 1;
            true
        } else {
            false
        }
    }

    fn name(&self) -> Option<&[u8]> {
        let l = self.loc()?;
        self.p.as_ref()?.field_name(l)
    }

    /// `auparse_get_field_str`.
    pub fn field_str(&self) -> Option<&[u8]> {
        if !self.has_time() {
            return None;
        }
        let l = self.loc()?;
        self.p.as_ref()?.field_str(l)
    }

    /// `auparse_get_field_int`.
    pub fn field_int(&self) -> i32 {
        match (self.loc(), &self.p) {
            (Some(l), Some(p)) if self.has_time() => p.field_int(l),
            _ => -1,
        }
    }

    /// `auparse_interpret_field`.
    pub fn interpret(&mut self, fi: &dyn FieldInterpreter) -> Option<Vec<u8>> {
        if !self.has_time() {
            return None;
        }
        let l = self.loc()?;
        self.p.as_mut()?.interpret(l, fi)
    }

    /// `auparse_find_field`: the value of the next field called `name` (None when
    /// not found, or found without a value).
    pub fn find_field(&mut self, name: &[u8]) -> Option<Vec<u8>> {
        if !self.has_time() {
            return None;
        }
        self.rec?;
        if self.name() == Some(name) {
            return self.field_str().map(<[u8]>::to_vec);
        }
        let mut r = self.rec?;
        if !self.next_field() {
            return None;
        }
        loop {
            let p = self.p.as_ref()?;
            let n = self.nfields[r];
            if n > 0 {
                for f in self.fpos[r]..n {
                    if p.field_name(Loc { rec: r, field: f }) == Some(name) {
                        self.fpos[r] = f;
                        return self.field_str().map(<[u8]>::to_vec);
                    }
                }
            }
            if r + 1 < self.nfields.len() {
                r += 1;
                self.rec = Some(r);
                self.fpos[r] = 0;
            } else {
                self.rec = None;
                return None;
            }
        }
    }

    /// Positions the cursor on the first field of record `r` (what a search that
    /// stops on a record does).
    pub fn goto_record_first_field(&mut self, r: usize) {
        if r < self.nfields.len() {
            self.rec = Some(r);
            self.fpos[r] = 0;
        }
    }

    /// Number of records.
    pub fn num_records(&self) -> usize {
        self.nfields.len()
    }

    /// The raw value of the first field called `name` in record `r` (a search
    /// expression's `nvlist_find_name` from the first field).
    pub fn record_value(&self, r: usize, name: &[u8]) -> Option<&[u8]> {
        let p = self.p.as_ref()?;
        let n = *self.nfields.get(r)?;
        (0..n)
            .map(|f| Loc { rec: r, field: f })
            .find(|&l| p.field_name(l) == Some(name))
            .and_then(|l| p.field_str(l))
    }
}
