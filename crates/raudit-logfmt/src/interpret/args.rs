//! Syscall arguments `a0`…`a3` and the typed fields whose values name
//! kernel constants (auparse's `print_a0`…`print_a3` and their helpers).
//!
//! The dispatch on the syscall name follows auparse's exactly, including
//! the order its tests are made in (a name matched by an earlier test never
//! reaches a later one).

use super::cnum::{strtoll, strtoul};
use super::{
    access, capability, clone_flags, conv_err, dirfd, flags, gid, hex, machine_of, mode,
    mode_short, named, prot, signal, sys_name, uid, Ctx, NameDb,
};
use raudit_tables::{arg_name, arg_table, ArgTable, Machine};
use std::io::Write;

const O_CREAT: u64 = 0o100;
const PR_SET_PDEATHSIG: u64 = 1;
const PR_CAPBSET_READ: u64 = 23;
const PR_CAPBSET_DROP: u64 = 24;
const F_SETFD: u64 = 2;
const F_SETOWN: u64 = 8;
const FD_CLOEXEC: i64 = 1;
const SOL_SOCKET: u64 = 1;
const IPPROTO_IP: u64 = 0;
const IPPROTO_TCP: u64 = 6;
const IPPROTO_UDP: u64 = 17;
const IPPROTO_IPV6: u64 = 41;
const SOL_PACKET: u64 = 263;
/// personality(2): the persona is the low byte.
const PER_MASK: u32 = 0xff;
const ADDR_NO_RANDOMIZE: u32 = 0x0040000;
const SCHED_RESET_ON_FORK: u32 = 0x4000_0000;
const SECCOMP_RET_ACTION: u64 = 0x7fff_0000;
/// Ethernet protocol ids (uapi `linux/if_ether.h` `ETH_P_IP`, `ETH_P_ARP`).
const ETH_P_IP: i32 = 0x0800;
const ETH_P_ARP: i32 = 0x0806;
/// `AUDIT_NLGRP_READLOG` (uapi `linux/audit.h`).
const AUDIT_NLGRP_READLOG: u64 = 1;
/// fanotify responses (uapi `linux/fanotify.h`).
const FAN_ALLOW: u64 = 1;
const FAN_DENY: u64 = 2;

/// The text auparse prints for a value its table lacks: `prefix(val)` or `prefix(0xval)`.
fn unknown(prefix: &str, val: &[u8], zero_x: bool, out: &mut Vec<u8>) {
    out.extend_from_slice(prefix.as_bytes());
    out.push(b'(');
    if zero_x {
        out.extend_from_slice(b"0x");
    }
    out.extend_from_slice(val);
    out.push(b')');
}

/// strtoul(val, 16) truncated to C `int`, then an enum table lookup.
fn lookup16(val: &[u8], t: ArgTable) -> Result<Option<&'static str>, ()> {
    let v = strtoul(val, 16)? as u32;
    Ok(arg_name(t, v))
}

/// Enumerated value in hex; unknown values print `prefix(0x<val>)` (or
/// without `0x` when `zero_x` is false).
fn enum16(val: &[u8], t: ArgTable, prefix: &str, zero_x: bool, out: &mut Vec<u8>) {
    match lookup16(val, t) {
        Err(()) => conv_err(val, out),
        Ok(Some(n)) => out.extend_from_slice(n.as_bytes()),
        Ok(None) => unknown(prefix, val, zero_x, out),
    }
}

/// Flag bits in hex joined by `|` in table order; none matched: `0x<val>`.
fn flags16(val: &[u8], t: ArgTable, out: &mut Vec<u8>) {
    flags(val, arg_table(t), None, out);
}

/// socketcall(2)/ipc(2) sub-call in `a0` (C `strtol` into an `int`).
fn subcall(val: &[u8], t: ArgTable, prefix: &str, out: &mut Vec<u8>) {
    let Ok(v) = strtoll(val, 16) else {
        return conv_err(val, out);
    };
    match u32::try_from(v as i32).ok().and_then(|n| arg_name(t, n)) {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => unknown(prefix, val, false, out),
    }
}

/// The sub-call name `syscall=socketcall(bind)` / `ipc(semop)` shows, from
/// the record's `a0`.
pub(super) fn subcall_name(sys: &str, a0: u64) -> Option<&'static str> {
    let t = match sys {
        "socketcall" => ArgTable::SocketCall,
        "ipc" => ArgTable::IpcCall,
        _ => return None,
    };
    // auparse: `(int)a0 == a0`
    if (a0 as i32) as i64 as u64 != a0 {
        return None;
    }
    u32::try_from(a0 as i32).ok().and_then(|n| arg_name(t, n))
}

fn clock_id(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    let i = v as i32;
    match u32::try_from(i)
        .ok()
        .filter(|&i| i < 7)
        .and_then(|i| arg_name(ArgTable::Clock, i))
    {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => unknown("unknown-clk_id", val, true, out),
    }
}

/// personality(2) value (`per=` fields and `a0`).
pub(super) fn personality(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    let p = v as u32;
    match arg_name(ArgTable::Personality, p & PER_MASK) {
        Some(n) => {
            out.extend_from_slice(n.as_bytes());
            if p & ADDR_NO_RANDOMIZE != 0 {
                out.extend_from_slice(b"|~ADDR_NO_RANDOMIZE");
            }
        }
        None => unknown("unknown-personality", val, true, out),
    }
}

fn rlimit(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    match u32::try_from(v as i32)
        .ok()
        .filter(|&i| i < 17)
        .and_then(|i| arg_name(ArgTable::Rlimit, i))
    {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => unknown("unknown-rlimit", val, true, out),
    }
}

fn sched(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    let pol = v as u32;
    match arg_name(ArgTable::Sched, pol & 0x0f) {
        Some(n) => {
            out.extend_from_slice(n.as_bytes());
            if pol & SCHED_RESET_ON_FORK != 0 {
                out.extend_from_slice(b"|SCHED_RESET_ON_FORK");
            }
        }
        None => unknown("unknown-scheduler-policy", val, true, out),
    }
}

fn sock_opt_level(val: &[u8], db: &dyn NameDb, out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    let lvl = v as i32;
    if lvl as u64 == SOL_SOCKET {
        out.extend_from_slice(b"SOL_SOCKET");
        return;
    }
    let proto = u32::try_from(lvl).ok().and_then(|n| db.protocol(n));
    match proto {
        Some(p) => out.extend_from_slice(p.as_bytes()),
        None => match u32::try_from(lvl)
            .ok()
            .and_then(|n| arg_name(ArgTable::SockLevel, n))
        {
            Some(n) => out.extend_from_slice(n.as_bytes()),
            None => unknown("unknown-sockopt-level", val, true, out),
        },
    }
}

fn sock_opt_name(val: &[u8], machine: Option<Machine>, out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    let mut opt = v as i32;
    // PowerPC numbers SO_RCVLOWAT…SO_PEERCRED differently
    if matches!(machine, Some(Machine::Ppc64 | Machine::Ppc)) && (16..=21).contains(&opt) {
        opt += 100;
    }
    match u32::try_from(opt)
        .ok()
        .and_then(|n| arg_name(ArgTable::SockOpt, n))
    {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => unknown("unknown-sockopt-name", val, true, out),
    }
}

fn udp_opt_name(val: &[u8], out: &mut Vec<u8>) {
    enum16(val, ArgTable::UdpOpt, "unknown-udpopt-name", true, out);
}

fn shm_flags(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    let f = v as u32;
    let mut parts: Vec<&str> = Vec::new();
    for (t, mask) in [(ArgTable::IpcCmd, 0o3000), (ArgTable::ShmMode, 0o14000)] {
        for &(bit, n) in arg_table(t) {
            if bit & f & mask != 0 {
                parts.push(n);
            }
        }
    }
    for p in parts {
        out.extend_from_slice(p.as_bytes());
        out.push(b'|');
    }
    let _ = write!(out, "0{:03o}", f & 0o777);
}

fn ioctl_req(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    let req = v as i32;
    match arg_name(ArgTable::Ioctl, req as u32) {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => {
            let _ = write!(out, "0x{:x}", req as u32);
        }
    }
}

fn socket_domain(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    match u32::try_from(v as i32)
        .ok()
        .and_then(raudit_tables::family_name)
    {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => unknown("unknown-family", val, true, out),
    }
}

fn socket_type(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    match raudit_tables::sock_type_name(v as u32 & 0xff) {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => unknown("unknown-type", val, false, out),
    }
}

fn socket_proto(val: &[u8], db: &dyn NameDb, out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    match db.protocol(v as u32) {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => unknown("unknown-proto", val, false, out),
    }
}

fn exit_syscall(val: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(match val {
        b"0" => b"EXIT_SUCCESS".as_slice(),
        b"1" => b"EXIT_FAILURE",
        _ => b"UNKNOWN",
    });
}

fn seek(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    match raudit_tables::seek_name(v as u32 & 0xff) {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => unknown("unknown-whence", val, false, out),
    }
}

fn open_flags(val: &[u8], out: &mut Vec<u8>) {
    flags(val, raudit_tables::open_flags(), Some((3, "O_RDONLY")), out);
}

fn fcntl_cmd(val: &[u8], out: &mut Vec<u8>) {
    named(
        val,
        raudit_tables::fcntl_cmd_name,
        "unknown-fcntl-command",
        false,
        out,
    );
}

/// `a0` of a SYSCALL/SECCOMP record.
pub(super) fn a0(ctx: &Ctx, val: &[u8], db: &dyn NameDb, out: &mut Vec<u8>) {
    let Some(sys) = sys_name(ctx) else {
        return hex(val, out);
    };
    let b = sys.as_bytes();
    match b[0] {
        b'r' => match sys {
            "rt_sigaction" => signal(val, 16, out),
            s if s.starts_with("renameat") => dirfd(val, out),
            "readlinkat" => dirfd(val, out),
            _ => hex(val, out),
        },
        b'c' => match sys {
            "clock_settime" => clock_id(val, out),
            _ => hex(val, out),
        },
        b'p' => match sys {
            "personality" => personality(val, out),
            "ptrace" => enum16(val, ArgTable::Ptrace, "unknown-ptrace", true, out),
            "prctl" => enum16(val, ArgTable::Prctl, "unknown-prctl-option", true, out),
            _ => hex(val, out),
        },
        b'm' => match sys {
            "mkdirat" | "mknodat" => dirfd(val, out),
            _ => hex(val, out),
        },
        b'f' => match sys {
            "fchownat" | "futimesat" | "fchmodat" | "futimensat" => dirfd(val, out),
            s if s.starts_with("faccessat") => dirfd(val, out),
            _ => hex(val, out),
        },
        b'u' => match sys {
            "unshare" => clone_flags(val, out),
            "unlinkat" | "utimensat" => dirfd(val, out),
            _ => hex(val, out),
        },
        _ if &b[1..] == b"etrlimit" => rlimit(val, out),
        b's' => match sys {
            "setuid" | "setreuid" | "setresuid" | "setfsuid" => uid(val, 16, db, out),
            "setgid" | "setregid" | "setresgid" | "setfsgid" => gid(val, 16, db, out),
            "socket" => socket_domain(val, out),
            "socketcall" => subcall(val, ArgTable::SocketCall, "unknown-socketcall", out),
            _ => hex(val, out),
        },
        _ => match sys {
            "linkat" | "newfstatat" | "name_to_handle_at" => dirfd(val, out),
            s if s.starts_with("openat") => dirfd(val, out),
            // auparse tests for "ipccall", a name no syscall has
            "ipccall" => subcall(val, ArgTable::IpcCall, "unknown-ipccall", out),
            s if s.starts_with("exit") => exit_syscall(val, out),
            "bpf" => match lookup16(val, ArgTable::Bpf) {
                Err(()) => conv_err(val, out),
                Ok(Some(n)) => out.extend_from_slice(n.as_bytes()),
                Ok(None) => unknown("unknown-bpf-cmd", val, false, out),
            },
            _ => hex(val, out),
        },
    }
}

/// `a1` of a SYSCALL/SECCOMP record.
pub(super) fn a1(ctx: &Ctx, val: &[u8], db: &dyn NameDb, out: &mut Vec<u8>) {
    let Some(sys) = sys_name(ctx) else {
        return hex(val, out);
    };
    let b = sys.as_bytes();
    match b[0] {
        b'f' => match sys {
            "fchmod" => return mode_short(val, 16, out),
            s if s.starts_with("fcntl") => return fcntl_cmd(val, out),
            _ => {}
        },
        b'c' => match sys {
            "chmod" | "creat" => return mode_short(val, 16, out),
            s if s.contains("chown") => return uid(val, 16, db, out),
            _ => {}
        },
        _ => {}
    }
    if &b[1..] == b"etsockopt" {
        return sock_opt_level(val, db, out);
    }
    match b[0] {
        b's' => match sys {
            "setreuid" | "setresuid" => uid(val, 16, db, out),
            "setregid" | "setresgid" => gid(val, 16, db, out),
            "socket" => socket_type(val, out),
            "setns" => clone_flags(val, out),
            "sched_setscheduler" => sched(val, out),
            _ => hex(val, out),
        },
        b'm' => match sys {
            "mkdir" => mode_short(val, 16, out),
            "mknod" => mode(val, 16, out),
            "mq_open" => open_flags(val, out),
            _ => hex(val, out),
        },
        _ => match sys {
            "open" => open_flags(val, out),
            "access" => access(val, out),
            "epoll_ctl" => match lookup16(val, ArgTable::EpollCtl) {
                Err(()) => conv_err(val, out),
                Ok(Some(n)) => out.extend_from_slice(n.as_bytes()),
                Ok(None) => {
                    let v = strtoul(val, 16).unwrap_or(0) as i32;
                    let _ = write!(out, "unknown-epoll_ctl-operation({v})");
                }
            },
            "kill" | "tkill" => signal(val, 16, out),
            "prctl" => match ctx.a0 {
                PR_CAPBSET_READ | PR_CAPBSET_DROP => capability(val, 16, out),
                PR_SET_PDEATHSIG => signal(val, 16, out),
                _ => hex(val, out),
            },
            "umount2" => flags16(val, ArgTable::Umount, out),
            "ioctl" => ioctl_req(val, out),
            _ => hex(val, out),
        },
    }
}

/// `a2` of a SYSCALL/SECCOMP record.
pub(super) fn a2(ctx: &Ctx, val: &[u8], db: &dyn NameDb, out: &mut Vec<u8>) {
    let Some(sys) = sys_name(ctx) else {
        return hex(val, out);
    };
    let b = sys.as_bytes();
    if sys.starts_with("fcntl") {
        let Ok(v) = strtoul(val, 16) else {
            return conv_err(val, out);
        };
        return match ctx.a1 {
            F_SETOWN => uid(val, 16, db, out),
            F_SETFD if v as i32 as i64 == FD_CLOEXEC => out.extend_from_slice(b"FD_CLOEXEC"),
            _ => hex(val, out),
        };
    }
    if &b[1..] == b"etsockopt" {
        return match ctx.a1 {
            IPPROTO_IP => enum16(val, ArgTable::IpOpt, "unknown-ipopt-name", true, out),
            SOL_SOCKET => sock_opt_name(val, machine_of(ctx), out),
            IPPROTO_TCP => enum16(val, ArgTable::TcpOpt, "unknown-tcpopt-name", true, out),
            IPPROTO_UDP => udp_opt_name(val, out),
            IPPROTO_IPV6 => enum16(val, ArgTable::Ip6Opt, "unknown-ip6opt-name", true, out),
            SOL_PACKET => enum16(val, ArgTable::PktOpt, "unknown-pktopt-name", true, out),
            _ => hex(val, out),
        };
    }
    match b[0] {
        b'o' => match sys {
            "openat" | "open_by_handle_at" => open_flags(val, out),
            "open" if ctx.a1 & O_CREAT != 0 => mode_short(val, 16, out),
            _ => hex(val, out),
        },
        b'f' => match sys {
            "fchmodat" => mode_short(val, 16, out),
            s if s.starts_with("faccessat") => access(val, out),
            _ => hex(val, out),
        },
        b's' => match sys {
            "setresuid" => uid(val, 16, db, out),
            "setresgid" => gid(val, 16, db, out),
            "socket" => socket_proto(val, db, out),
            "sendmsg" => flags16(val, ArgTable::Recv, out),
            "shmget" => shm_flags(val, out),
            _ => hex(val, out),
        },
        b'm' => match sys {
            "mmap" => prot(val, true, out),
            "mkdirat" | "mknodat" => mode_short(val, 16, out),
            "mprotect" => prot(val, false, out),
            "mq_open" if ctx.a1 & O_CREAT != 0 => mode_short(val, 16, out),
            _ => hex(val, out),
        },
        b'r' => match sys {
            "recvmsg" => flags16(val, ArgTable::Recv, out),
            "readlinkat" => dirfd(val, out),
            s if s.starts_with("renameat") => dirfd(val, out),
            _ => hex(val, out),
        },
        b'l' => match sys {
            "linkat" => dirfd(val, out),
            "lseek" => seek(val, out),
            _ => hex(val, out),
        },
        b'c' => match sys {
            "clone" | "clone2" => clone_flags(val, out),
            _ => hex(val, out),
        },
        _ => match sys {
            s if s.contains("chown") => gid(val, 16, db, out),
            "tgkill" => signal(val, 16, out),
            _ => hex(val, out),
        },
    }
}

/// `a3` of a SYSCALL/SECCOMP record.
pub(super) fn a3(ctx: &Ctx, val: &[u8], out: &mut Vec<u8>) {
    match sys_name(ctx) {
        Some("mmap") => flags(
            val,
            raudit_tables::mmap_flags(),
            Some((0xf, "MAP_FILE")),
            out,
        ),
        Some("mount") => flags16(val, ArgTable::Mount, out),
        Some("recv" | "recvfrom" | "recvmmsg" | "send" | "sendto" | "sendmmsg") => {
            flags16(val, ArgTable::Recv, out)
        }
        _ => hex(val, out),
    }
}

/// `family=` (netfilter protocol, decimal).
pub(super) fn nfproto(val: &[u8], out: &mut Vec<u8>) {
    dec_enum(val, ArgTable::NfProto, "unknown-netfilter-protocol", out);
}

/// `icmptype=` (decimal).
pub(super) fn icmptype(val: &[u8], out: &mut Vec<u8>) {
    dec_enum(val, ArgTable::IcmpType, "unknown-icmp-type", out);
}

fn dec_enum(val: &[u8], t: ArgTable, prefix: &str, out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 10) else {
        return conv_err(val, out);
    };
    match u32::try_from(v as i32).ok().and_then(|n| arg_name(t, n)) {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => unknown(prefix, val, false, out),
    }
}

/// `hook=` (netfilter hook, hex).
pub(super) fn hook(val: &[u8], out: &mut Vec<u8>) {
    enum16(val, ArgTable::Hook, "unknown-hook", false, out);
}

/// `action=` (netfilter verdict, hex).
pub(super) fn netaction(val: &[u8], out: &mut Vec<u8>) {
    enum16(val, ArgTable::NetAction, "unknown-action", false, out);
}

/// `macproto=` (Ethernet protocol, hex).
pub(super) fn macproto(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    out.extend_from_slice(match v as i32 {
        ETH_P_IP => b"IP".as_slice(),
        ETH_P_ARP => b"ARP",
        _ => b"UNKNOWN",
    });
}

/// `code=` of SECCOMP records.
pub(super) fn seccomp_code(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    match arg_name(ArgTable::Seccomp, (v & SECCOMP_RET_ACTION) as u32) {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => unknown("unknown-seccomp-code", val, false, out),
    }
}

/// `ioctlcmd=` fields.
pub(super) fn ioctlcmd(val: &[u8], out: &mut Vec<u8>) {
    ioctl_req(val, out);
}

/// `resp=` of FANOTIFY records.
pub(super) fn fanotify(val: &[u8], out: &mut Vec<u8>) {
    if !val.first().is_some_and(u8::is_ascii_digit) {
        out.extend_from_slice(val);
        return;
    }
    let Ok(v) = strtoul(val, 10) else {
        return conv_err(val, out);
    };
    out.extend_from_slice(match v as u32 as u64 {
        FAN_ALLOW => b"allow".as_slice(),
        FAN_DENY => b"deny",
        _ => b"unknown",
    });
}

/// `nl-mcgrp=` fields.
pub(super) fn nlmcgrp(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    out.extend_from_slice(if v == AUDIT_NLGRP_READLOG {
        b"audit-netlink-multicast".as_slice()
    } else {
        b"audit-none"
    });
}

/// `resolve=` of OPENAT2 records.
pub(super) fn resolve(val: &[u8], out: &mut Vec<u8>) {
    let Ok(v) = strtoul(val, 16) else {
        return conv_err(val, out);
    };
    let start = out.len();
    for &(bit, n) in arg_table(ArgTable::Resolve) {
        if u64::from(bit) & v != 0 {
            if out.len() > start {
                out.push(b'|');
            }
            out.extend_from_slice(n.as_bytes());
        }
    }
    if out.len() == start {
        hex(val, out);
    }
}

/// TTY `data=`: hex decoded, named keys as `<name>`, other bytes in quoted
/// runs (`"ls",<ret>`).
pub(super) fn tty_data(val: &[u8], out: &mut Vec<u8>) {
    if !val.iter().all(u8::is_ascii_hexdigit) {
        out.extend_from_slice(val);
        return;
    }
    let Some(data) = super::escape::unhex(val) else {
        // auparse returns NULL, which printf shows as (null)
        out.extend_from_slice(b"(null)");
        return;
    };
    let data = &data[..(val.len() / 2).min(data.len())];
    write_tty_bytes(data, out);
}

/// Decoded TTY bytes as auparse and aureport print them: named keys as `<name>`,
/// other bytes in quoted runs with octal escapes, comma-separated.
pub fn write_tty_bytes(data: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    let mut in_run = false;
    let mut i = 0;
    while i < data.len() {
        let c = data[i];
        let key = if c >= b' ' && !(0x7f..0xa0).contains(&c) {
            None
        } else {
            raudit_tables::tty_key(&data[i..])
        };
        if let Some((len, name)) = key {
            if in_run {
                out.push(b'"');
                in_run = false;
            }
            if out.len() > start {
                out.push(b',');
            }
            out.push(b'<');
            out.extend_from_slice(name.as_bytes());
            out.push(b'>');
            i += len;
        } else {
            if !in_run {
                if out.len() > start {
                    out.push(b',');
                }
                out.push(b'"');
                in_run = true;
            }
            if !(0x20..=0x7e).contains(&c) {
                out.extend_from_slice(&[
                    b'\\',
                    b'0' + (c >> 6),
                    b'0' + ((c >> 3) & 7),
                    b'0' + (c & 7),
                ]);
            } else {
                if c == b'\\' || c == b'"' {
                    out.push(b'\\');
                }
                out.push(c);
            }
            i += 1;
        }
    }
    if in_run {
        out.push(b'"');
    }
}
