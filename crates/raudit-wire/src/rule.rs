//! `struct audit_rule_data`: the kernel's binary filter rule.

use crate::consts::*;
use crate::nlmsg::rd_u32;
use crate::WireError;

/// One field of a rule: field id, operator, value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuleField {
    /// Field id (`AUDIT_PID`, `AUDIT_WATCH`, …).
    pub field: u32,
    /// Operator (`AUDIT_EQUAL`, …), as carried in `fieldflags`.
    pub op: u32,
    /// Value; for string fields, the string's length in `buf`.
    pub value: u32,
}

/// `struct audit_rule_data`, with the string buffer owned.
///
/// The layout on the wire is `flags, action, field_count, mask[64],
/// fields[64], values[64], fieldflags[64], buflen, buf[buflen]`, all in host
/// byte order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AuditRuleData {
    /// Filter list (`AUDIT_FILTER_*`), possibly with `AUDIT_FILTER_PREPEND`.
    pub flags: u32,
    /// `AUDIT_NEVER` or `AUDIT_ALWAYS`.
    pub action: u32,
    /// Syscall bit mask.
    pub mask: [u32; AUDIT_BITMASK_SIZE],
    /// Fields, at most [`AUDIT_MAX_FIELDS`].
    pub fields: Vec<RuleField>,
    /// String values of string fields, concatenated in field order.
    pub buf: Vec<u8>,
}

impl Default for AuditRuleData {
    fn default() -> Self {
        AuditRuleData {
            flags: 0,
            action: 0,
            mask: [0; AUDIT_BITMASK_SIZE],
            fields: Vec::new(),
            buf: Vec::new(),
        }
    }
}

/// Whether values of this field id are strings stored in the rule buffer.
pub fn field_is_string(field: u32) -> bool {
    matches!(
        field,
        AUDIT_SUBJ_USER
            | AUDIT_SUBJ_ROLE
            | AUDIT_SUBJ_TYPE
            | AUDIT_SUBJ_SEN
            | AUDIT_SUBJ_CLR
            | AUDIT_OBJ_USER
            | AUDIT_OBJ_ROLE
            | AUDIT_OBJ_TYPE
            | AUDIT_OBJ_LEV_LOW
            | AUDIT_OBJ_LEV_HIGH
            | AUDIT_WATCH
            | AUDIT_DIR
            | AUDIT_FILTERKEY
            | AUDIT_EXE
    )
}

impl AuditRuleData {
    /// Size of the fixed part of the structure.
    pub const FIXED_LEN: usize = 4 * (3 + AUDIT_BITMASK_SIZE + 3 * AUDIT_MAX_FIELDS + 1);

    /// Encoded size.
    pub fn encoded_len(&self) -> usize {
        Self::FIXED_LEN + self.buf.len()
    }

    /// Encode to wire bytes. Fails if there are more than 64 fields or the
    /// buffer does not fit a u32 length.
    pub fn encode(&self) -> Result<Vec<u8>, WireError> {
        if self.fields.len() > AUDIT_MAX_FIELDS {
            return Err(WireError::TooManyFields(self.fields.len()));
        }
        let buflen = u32::try_from(self.buf.len()).map_err(|_| WireError::BufferTooLarge)?;
        let mut out = Vec::with_capacity(self.encoded_len());
        let put = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_ne_bytes());
        put(&mut out, self.flags);
        put(&mut out, self.action);
        put(&mut out, self.fields.len() as u32);
        for w in self.mask {
            put(&mut out, w);
        }
        for i in 0..AUDIT_MAX_FIELDS {
            put(&mut out, self.fields.get(i).map_or(0, |f| f.field));
        }
        for i in 0..AUDIT_MAX_FIELDS {
            put(&mut out, self.fields.get(i).map_or(0, |f| f.value));
        }
        for i in 0..AUDIT_MAX_FIELDS {
            put(&mut out, self.fields.get(i).map_or(0, |f| f.op));
        }
        put(&mut out, buflen);
        out.extend_from_slice(&self.buf);
        Ok(out)
    }

    /// Decode from a kernel reply payload. Checks the field count and the
    /// buffer length against the bytes present; trailing padding is ignored.
    pub fn decode(payload: &[u8]) -> Result<Self, WireError> {
        if payload.len() < Self::FIXED_LEN {
            return Err(WireError::Truncated {
                what: "audit_rule_data",
                need: Self::FIXED_LEN,
                got: payload.len(),
            });
        }
        let w = |i: usize| rd_u32(payload, i * 4);
        let count = w(2) as usize;
        if count > AUDIT_MAX_FIELDS {
            return Err(WireError::TooManyFields(count));
        }
        let mut mask = [0u32; AUDIT_BITMASK_SIZE];
        for (i, m) in mask.iter_mut().enumerate() {
            *m = w(3 + i);
        }
        let fbase = 3 + AUDIT_BITMASK_SIZE;
        let vbase = fbase + AUDIT_MAX_FIELDS;
        let obase = vbase + AUDIT_MAX_FIELDS;
        let fields = (0..count)
            .map(|i| RuleField {
                field: w(fbase + i),
                value: w(vbase + i),
                op: w(obase + i),
            })
            .collect();
        let buflen = w(obase + AUDIT_MAX_FIELDS) as usize;
        let avail = payload.len() - Self::FIXED_LEN;
        if buflen > avail {
            return Err(WireError::Truncated {
                what: "audit_rule_data buffer",
                need: buflen,
                got: avail,
            });
        }
        Ok(AuditRuleData {
            flags: w(0),
            action: w(1),
            mask,
            fields,
            buf: payload[Self::FIXED_LEN..Self::FIXED_LEN + buflen].to_vec(),
        })
    }

    /// The string value of each field, in field order (`None` for numeric
    /// fields). Errors if the string lengths overrun the buffer.
    pub fn strings(&self) -> Result<Vec<Option<&[u8]>>, WireError> {
        let mut off = 0usize;
        let mut out = Vec::with_capacity(self.fields.len());
        for f in &self.fields {
            let id = f.field & !AUDIT_OPERATORS;
            if field_is_string(id) {
                let len = f.value as usize;
                let s = off
                    .checked_add(len)
                    .and_then(|end| self.buf.get(off..end))
                    .ok_or(WireError::StringOverrun {
                        field: id,
                        len: f.value,
                        buflen: self.buf.len(),
                    })?;
                off += len;
                out.push(Some(s));
            } else {
                out.push(None);
            }
        }
        Ok(out)
    }

    /// The filter list (`flags & AUDIT_FILTER_MASK`).
    pub fn list(&self) -> u32 {
        self.flags & AUDIT_FILTER_MASK
    }

    /// Set the bit of syscall `nr`. Returns false if it is outside the mask.
    pub fn set_syscall(&mut self, nr: u32) -> bool {
        let word = (nr / 32) as usize;
        match self.mask.get_mut(word) {
            Some(w) => {
                *w |= 1u32 << (nr % 32);
                true
            }
            None => false,
        }
    }

    /// Whether syscall `nr` is selected.
    pub fn has_syscall(&self, nr: u32) -> bool {
        self.mask
            .get((nr / 32) as usize)
            .is_some_and(|w| w & (1u32 << (nr % 32)) != 0)
    }

    /// Select every syscall.
    pub fn set_all_syscalls(&mut self) {
        self.mask = [u32::MAX; AUDIT_BITMASK_SIZE];
    }

    /// Append a string field.
    pub fn push_string(&mut self, field: u32, op: u32, s: &[u8]) -> Result<(), WireError> {
        let len = u32::try_from(s.len()).map_err(|_| WireError::BufferTooLarge)?;
        self.fields.push(RuleField {
            field,
            op,
            value: len,
        });
        self.buf.extend_from_slice(s);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> AuditRuleData {
        let mut r = AuditRuleData {
            flags: AUDIT_FILTER_EXIT,
            action: AUDIT_ALWAYS,
            ..Default::default()
        };
        r.fields.push(RuleField {
            field: AUDIT_ARCH,
            op: AUDIT_EQUAL,
            value: AUDIT_ARCH_X86_64,
        });
        assert!(r.set_syscall(2));
        assert!(r.set_syscall(257));
        r.push_string(AUDIT_WATCH, AUDIT_EQUAL, b"/etc/passwd")
            .unwrap();
        r.fields.push(RuleField {
            field: AUDIT_PERM,
            op: AUDIT_EQUAL,
            value: AUDIT_PERM_WRITE,
        });
        r.push_string(AUDIT_FILTERKEY, AUDIT_EQUAL, b"k1\x01k2")
            .unwrap();
        r
    }

    #[test]
    fn round_trip() {
        let r = sample();
        let e = r.encode().unwrap();
        assert_eq!(e.len(), 1040 + 11 + 5);
        assert_eq!(AuditRuleData::FIXED_LEN, 1040);
        let d = AuditRuleData::decode(&e).unwrap();
        assert_eq!(d, r);
        let s = d.strings().unwrap();
        assert_eq!(s[0], None);
        assert_eq!(s[1], Some(&b"/etc/passwd"[..]));
        assert_eq!(s[3], Some(&b"k1\x01k2"[..]));
        assert!(d.has_syscall(257));
        assert!(!d.has_syscall(3));
        // Padding after the buffer is ignored.
        let mut p = e.clone();
        p.extend_from_slice(&[0, 0]);
        assert_eq!(AuditRuleData::decode(&p).unwrap(), r);
    }

    #[test]
    fn layout_offsets() {
        let e = sample().encode().unwrap();
        // field_count at 8, mask[0] at 12, fields[0] at 268, values at 524,
        // fieldflags at 780, buflen at 1036.
        assert_eq!(rd_u32(&e, 8), 4);
        assert_eq!(rd_u32(&e, 12), 1 << 2);
        assert_eq!(rd_u32(&e, 268), AUDIT_ARCH);
        assert_eq!(rd_u32(&e, 524), AUDIT_ARCH_X86_64);
        assert_eq!(rd_u32(&e, 780), AUDIT_EQUAL);
        assert_eq!(rd_u32(&e, 1036), 16);
    }

    #[test]
    fn malformed() {
        let e = sample().encode().unwrap();
        assert!(AuditRuleData::decode(&e[..1000]).is_err());
        assert!(AuditRuleData::decode(&e[..1045]).is_err());
        let mut bad = e.clone();
        bad[8..12].copy_from_slice(&65u32.to_ne_bytes());
        assert!(AuditRuleData::decode(&bad).is_err());
        let mut r = sample();
        r.fields[1].value = 1000;
        assert!(r.strings().is_err());
        let mut r = sample();
        r.fields[1].value = u32::MAX;
        assert!(r.strings().is_err());
        let mut r = sample();
        r.fields = vec![
            RuleField {
                field: 0,
                op: 0,
                value: 0
            };
            65
        ];
        assert!(r.encode().is_err());
        let mut r = AuditRuleData::default();
        assert!(!r.set_syscall(2048));
        assert!(r.set_syscall(2047));
        assert!(!r.has_syscall(4000));
    }
}
