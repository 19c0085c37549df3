//! `saddr=` (a hex-encoded `struct sockaddr`) decoded into a JSON object, and
//! address ranges (CIDR) for filters.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::write;

/// A decoded socket address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SockAddr {
    /// AF_UNIX: a path (abstract names start with `@` in the output).
    Unix {
        /// Path bytes up to the first NUL.
        path: Vec<u8>,
        /// Abstract socket (name after a leading NUL).
        abstract_name: bool,
    },
    /// AF_INET / AF_INET6.
    Ip {
        /// The address.
        addr: IpAddr,
        /// The port (host order).
        port: u16,
    },
    /// AF_NETLINK.
    Netlink {
        /// Port id.
        pid: u32,
        /// Multicast groups.
        groups: u32,
    },
    /// Any other family (number), or a too short address.
    Other {
        /// The family number.
        family: u16,
    },
}

fn unhex(s: &[u8]) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || s.is_empty() {
        return None;
    }
    let nib = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    s.chunks(2)
        .map(|p| Some(nib(p[0])? << 4 | nib(p[1])?))
        .collect()
}

/// Decodes a hex `saddr=` value; `None` when it is not hex.
pub fn decode(hex: &[u8]) -> Option<SockAddr> {
    let b = unhex(hex)?;
    if b.len() < 2 {
        return None;
    }
    let fam = u16::from_le_bytes([b[0], b[1]]);
    Some(match fam {
        1 if b.len() > 2 => {
            let abstract_name = b[2] == 0;
            let p = &b[if abstract_name { 3 } else { 2 }..];
            let end = memchr::memchr(0, p).unwrap_or(p.len());
            SockAddr::Unix {
                path: p[..end].to_vec(),
                abstract_name,
            }
        }
        2 if b.len() >= 8 => SockAddr::Ip {
            addr: IpAddr::V4(Ipv4Addr::new(b[4], b[5], b[6], b[7])),
            port: u16::from_be_bytes([b[2], b[3]]),
        },
        10 if b.len() >= 24 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(&b[8..24]);
            SockAddr::Ip {
                addr: IpAddr::V6(Ipv6Addr::from(a)),
                port: u16::from_be_bytes([b[2], b[3]]),
            }
        }
        16 if b.len() >= 12 => SockAddr::Netlink {
            pid: u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
            groups: u32::from_le_bytes([b[8], b[9], b[10], b[11]]),
        },
        f => SockAddr::Other { family: f },
    })
}

/// Writes the address as a JSON object: `{"family":"inet","addr":"1.2.3.4","port":80}`,
/// `{"family":"local","path":"/run/x"}`, `{"family":"netlink","pid":0,"groups":0}`,
/// `{"family":"FAMILY-NAME-OR-NUMBER"}`.
pub fn write_json(sa: &SockAddr, out: &mut Vec<u8>) {
    match sa {
        SockAddr::Unix {
            path,
            abstract_name,
        } => {
            out.extend_from_slice(b"{\"family\":\"local\",\"path\":\"");
            if *abstract_name {
                out.push(b'@');
            }
            write::string_body(out, path);
            out.extend_from_slice(b"\"}");
        }
        SockAddr::Ip { addr, port } => {
            let fam: &[u8] = if addr.is_ipv4() { b"inet" } else { b"inet6" };
            out.extend_from_slice(b"{\"family\":\"");
            out.extend_from_slice(fam);
            out.extend_from_slice(b"\",\"addr\":\"");
            out.extend_from_slice(addr.to_string().as_bytes());
            out.extend_from_slice(b"\",\"port\":");
            write::uint(out, u64::from(*port));
            out.push(b'}');
        }
        SockAddr::Netlink { pid, groups } => {
            out.extend_from_slice(b"{\"family\":\"netlink\",\"pid\":");
            write::uint(out, u64::from(*pid));
            out.extend_from_slice(b",\"groups\":");
            write::uint(out, u64::from(*groups));
            out.push(b'}');
        }
        SockAddr::Other { family } => {
            out.extend_from_slice(b"{\"family\":");
            match raudit_tables::family_name(u32::from(*family)) {
                Some(n) => write::string(out, n.as_bytes()),
                None => write::uint(out, u64::from(*family)),
            }
            out.push(b'}');
        }
    }
}

/// An address range `ADDR/BITS` (a bare address is a single host).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl std::str::FromStr for Cidr {
    type Err = String;
    fn from_str(s: &str) -> Result<Cidr, String> {
        let (a, bits) = match s.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        let net: IpAddr = a.parse().map_err(|_| format!("bad address '{a}'"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            Some(b) => b
                .parse::<u8>()
                .ok()
                .filter(|&b| b <= max)
                .ok_or_else(|| format!("bad prefix length '{b}'"))?,
            None => max,
        };
        Ok(Cidr { net, bits })
    }
}

impl Cidr {
    /// True when `ip` is inside the range (IPv4-mapped IPv6 addresses match IPv4 ranges).
    pub fn contains(&self, ip: &IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(*ip, IpAddr::V4),
            v4 => *v4,
        };
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let m = if self.bits == 0 {
                    0
                } else {
                    u32::MAX << (32 - self.bits)
                };
                u32::from(n) & m == u32::from(a) & m
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let m = if self.bits == 0 {
                    0
                } else {
                    u128::MAX << (128 - self.bits)
                };
                u128::from(n) & m == u128::from(a) & m
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(h: &str) -> String {
        let mut o = Vec::new();
        write_json(&decode(h.as_bytes()).unwrap(), &mut o);
        String::from_utf8(o).unwrap()
    }

    #[test]
    fn families() {
        assert_eq!(
            js("020000357F0000350000000000000000"),
            r#"{"family":"inet","addr":"127.0.0.53","port":53}"#
        );
        assert_eq!(
            js("01002F72756E2F73797374656D642F6A6F75726E616C2F736F636B657400"),
            r#"{"family":"local","path":"/run/systemd/journal/socket"}"#
        );
        assert_eq!(
            js(concat!(
                "0A000050",
                "00000000",
                "00000000000000000000000000000001",
                "00000000"
            )),
            r#"{"family":"inet6","addr":"::1","port":80}"#
        );
        assert_eq!(
            js("100000000000000000000000"),
            r#"{"family":"netlink","pid":0,"groups":0}"#
        );
    }

    #[test]
    fn ranges() {
        let c: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(c.contains(&"10.1.2.3".parse().unwrap()));
        assert!(!c.contains(&"11.1.2.3".parse().unwrap()));
        assert!(c.contains(&"::ffff:10.0.0.1".parse().unwrap()));
        let c: Cidr = "fe80::/10".parse().unwrap();
        assert!(c.contains(&"fe80::1".parse().unwrap()));
        assert!("1.2.3.4/33".parse::<Cidr>().is_err());
    }
}
