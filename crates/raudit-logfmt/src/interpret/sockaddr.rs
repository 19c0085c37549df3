//! `saddr=` decoding as auparse prints it.

use super::escape::{cstr, unhex};
use std::io::Write;

const AF_LOCAL: u16 = 1;
const AF_INET: u16 = 2;
const AF_AX25: u16 = 3;
const AF_ATMPVC: u16 = 8;
const AF_X25: u16 = 9;
const AF_INET6: u16 = 10;
const AF_NETLINK: u16 = 16;

/// Interpret a hex-encoded `struct sockaddr`.
pub(crate) fn sockaddr(val: &[u8], db: &dyn super::NameDb, out: &mut Vec<u8>) {
    let slen = val.len() / 2;
    let Some(b) = unhex(val) else {
        out.extend_from_slice(b"malformed-host(");
        out.extend_from_slice(val);
        out.push(b')');
        return;
    };
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let u16le = |i: usize| u16::from_le_bytes([at(i), at(i + 1)]);
    let fam = u16le(0);
    let Some(name) = raudit_tables::family_name(u32::from(fam)) else {
        let _ = write!(out, "unknown-family({fam})");
        return;
    };
    let _ = write!(out, "{{ saddr_fam={name} ");
    match fam {
        AF_LOCAL => {
            if slen < 4 {
                out.extend_from_slice(b"sockaddr len too short }");
                return;
            }
            let start = if at(2) != 0 { 2 } else { 3 };
            let path = cstr(b.get(start..).unwrap_or(&[]));
            out.extend_from_slice(b"path=");
            out.extend_from_slice(&path[..path.len().min(108)]);
            out.extend_from_slice(b" }");
        }
        AF_INET => {
            if slen < 16 {
                out.extend_from_slice(b"sockaddr len too short }");
                return;
            }
            let port = u16::from_be_bytes([at(2), at(3)]);
            let _ = write!(
                out,
                "laddr={}.{}.{}.{} lport={port} }}",
                at(4),
                at(5),
                at(6),
                at(7)
            );
        }
        AF_INET6 => {
            if slen < 28 {
                out.extend_from_slice(b"sockaddr6 len too short }");
                return;
            }
            let port = u16::from_be_bytes([at(2), at(3)]);
            let mut words = [0u16; 8];
            for (k, w) in words.iter_mut().enumerate() {
                *w = u16::from_be_bytes([at(8 + 2 * k), at(9 + 2 * k)]);
            }
            out.extend_from_slice(b"laddr=");
            inet6_ntop(&words, out);
            let scope = u32::from_le_bytes([at(24), at(25), at(26), at(27)]);
            if scope != 0 {
                // getnameinfo appends the scope: the interface's name for
                // link-local (unicast or multicast) addresses when it has
                // one, else the number
                let link_local = words[0] & 0xffc0 == 0xfe80 || words[0] & 0xff0f == 0xff02;
                match db.ifname(scope).filter(|_| link_local) {
                    Some(n) => {
                        out.push(b'%');
                        out.extend_from_slice(n.as_bytes());
                    }
                    None => {
                        let _ = write!(out, "%{scope}");
                    }
                }
            }
            let _ = write!(out, " lport={port} }}");
        }
        AF_NETLINK => {
            if slen < 12 {
                out.extend_from_slice(b"len too short }");
                return;
            }
            let pid = u32::from_le_bytes([at(4), at(5), at(6), at(7)]);
            let _ = write!(out, "nlnk-fam={fam} nlnk-pid={pid} }}");
        }
        AF_AX25 => {
            out.extend_from_slice(b"call=");
            // printed with %c: a NUL ends the C string there
            for i in 2..9 {
                if at(i) == 0 {
                    return;
                }
                out.push(at(i));
            }
            out.extend_from_slice(b" }");
        }
        AF_ATMPVC => {
            // struct sockaddr_atmpvc: sap_addr (holding an int) is 4-aligned
            let itf = i16::from_le_bytes([at(4), at(5)]);
            let _ = write!(out, "int={itf} }}");
        }
        AF_X25 => {
            let a = cstr(b.get(2..).unwrap_or(&[]));
            out.extend_from_slice(b"laddr=");
            out.extend_from_slice(&a[..a.len().min(15)]);
            out.extend_from_slice(b" }");
        }
        _ => out.extend_from_slice(b"(unsupported) }"),
    }
}

/// IPv6 text as glibc's `inet_ntop` writes it.
pub(crate) fn inet6_ntop(w: &[u16; 8], out: &mut Vec<u8>) {
    // longest run (>= 2) of zero words, first one on ties
    let (mut best, mut best_len) = (usize::MAX, 0);
    let mut i = 0;
    while i < 8 {
        if w[i] == 0 {
            let s = i;
            while i < 8 && w[i] == 0 {
                i += 1;
            }
            if i - s > best_len {
                best = s;
                best_len = i - s;
            }
        } else {
            i += 1;
        }
    }
    if best_len < 2 {
        best = usize::MAX;
    }
    let mut k = 0;
    while k < 8 {
        if k == best {
            out.push(b':');
            k += best_len;
            if k == 8 {
                out.push(b':');
            }
            continue;
        }
        if k != 0 {
            out.push(b':');
        }
        if k == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff)) {
            let _ = write!(
                out,
                "{}.{}.{}.{}",
                w[6] >> 8,
                w[6] & 0xff,
                w[7] >> 8,
                w[7] & 0xff
            );
            return;
        }
        let _ = write!(out, "{:x}", w[k]);
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn six(w: [u16; 8]) -> String {
        let mut o = Vec::new();
        inet6_ntop(&w, &mut o);
        String::from_utf8(o).unwrap_or_default()
    }

    #[test]
    fn ipv6_text() {
        assert_eq!(six([0; 8]), "::");
        assert_eq!(six([0, 0, 0, 0, 0, 0, 0, 1]), "::1");
        assert_eq!(
            six([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]),
            "::ffff:1.2.3.4"
        );
        assert_eq!(six([0, 0, 0, 0, 0, 0, 0x0102, 0x0304]), "::1.2.3.4");
        assert_eq!(six([0xfe80, 0, 0, 0, 1, 0, 0, 1]), "fe80::1:0:0:1");
        assert_eq!(six([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]), "2001:db8::1:0:0:1");
        assert_eq!(six([1, 0, 0, 0, 0, 0, 0, 0]), "1::");
    }
}
