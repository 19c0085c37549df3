//! Generated lookup tables: syscalls per arch, record types, errno, signals,
//! capabilities, socket families — named exactly as audit-userspace 3.0.9
//! names them.
//!
//! The data lives in `generated.rs`, produced by `scripts/gen-tables.py` from
//! the kernel uapi headers (and glibc's for socket families), corrected by the
//! committed overlay `data/overlay.tsv` where audit's names differ. The
//! overlay is itself derived by diffing against the real tools' output
//! (`tests/oracle/`, `tests/golden/ausyscall/`), and the tests check every
//! table against those oracle dumps.
//!
//! Every lookup is a binary search over a static sorted slice: no allocation,
//! no runtime initialisation. Name lookups are ASCII case-insensitive, like
//! libaudit's.
#![forbid(unsafe_code)]

use std::cmp::Ordering;

#[rustfmt::skip]
mod generated;
use generated as g;

/// A machine (syscall ABI) as audit knows it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Machine {
    /// x86-64 (`AUDIT_ARCH_X86_64`).
    X86_64,
    /// 32-bit x86 (`AUDIT_ARCH_I386`).
    I386,
    /// 64-bit ARM (`AUDIT_ARCH_AARCH64`).
    Aarch64,
    /// 32-bit ARM EABI, little endian (`AUDIT_ARCH_ARM`); audit calls it `armeb`.
    Arm,
    /// 64-bit PowerPC, big endian (`AUDIT_ARCH_PPC64`).
    Ppc64,
    /// 64-bit PowerPC, little endian (`AUDIT_ARCH_PPC64LE`).
    Ppc64le,
    /// 32-bit PowerPC (`AUDIT_ARCH_PPC`).
    Ppc,
    /// 64-bit s390 (`AUDIT_ARCH_S390X`).
    S390x,
    /// 31-bit s390 (`AUDIT_ARCH_S390`).
    S390,
    /// 64-bit RISC-V (`AUDIT_ARCH_RISCV64`); not supported by audit 3.0.9.
    Riscv64,
    /// 32-bit RISC-V (`AUDIT_ARCH_RISCV32`); not supported by audit 3.0.9.
    Riscv32,
}

const EM_386: u32 = 3;
const EM_PPC: u32 = 20;
const EM_PPC64: u32 = 21;
const EM_S390: u32 = 22;
const EM_ARM: u32 = 40;
const EM_X86_64: u32 = 62;
const EM_AARCH64: u32 = 183;
const EM_RISCV: u32 = 243;
const ARCH_64BIT: u32 = 0x8000_0000;
const ARCH_LE: u32 = 0x4000_0000;

/// uname -m spellings libaudit 3.0.9 accepts, and the machine they mean.
const MACHINE_NAMES: &[(&str, Machine)] = &[
    ("i386", Machine::I386),
    ("i486", Machine::I386),
    ("i586", Machine::I386),
    ("i686", Machine::I386),
    ("x86_64", Machine::X86_64),
    ("ppc64", Machine::Ppc64),
    ("ppc64le", Machine::Ppc64le),
    ("ppc", Machine::Ppc),
    ("s390x", Machine::S390x),
    ("s390", Machine::S390),
    ("armeb", Machine::Arm),
    ("arm", Machine::Arm),
    ("armv5tejl", Machine::Arm),
    ("armv5tel", Machine::Arm),
    ("armv6l", Machine::Arm),
    ("armv7l", Machine::Arm),
    ("aarch64", Machine::Aarch64),
    ("armv8l", Machine::Aarch64),
];

impl Machine {
    /// Every machine the tables know.
    pub const ALL: &'static [Machine] = &[
        Machine::X86_64,
        Machine::I386,
        Machine::Aarch64,
        Machine::Arm,
        Machine::Ppc64,
        Machine::Ppc64le,
        Machine::Ppc,
        Machine::S390x,
        Machine::S390,
        Machine::Riscv64,
        Machine::Riscv32,
    ];

    /// The machine of an `AUDIT_ARCH_*` value (as in `arch=c000003e`).
    pub fn from_audit_arch(arch: u32) -> Option<Machine> {
        Machine::ALL
            .iter()
            .copied()
            .find(|m| m.audit_arch() == arch)
    }

    /// The `AUDIT_ARCH_*` value of this machine.
    pub fn audit_arch(self) -> u32 {
        match self {
            Machine::X86_64 => EM_X86_64 | ARCH_64BIT | ARCH_LE,
            Machine::I386 => EM_386 | ARCH_LE,
            Machine::Aarch64 => EM_AARCH64 | ARCH_64BIT | ARCH_LE,
            Machine::Arm => EM_ARM | ARCH_LE,
            Machine::Ppc64 => EM_PPC64 | ARCH_64BIT,
            Machine::Ppc64le => EM_PPC64 | ARCH_64BIT | ARCH_LE,
            Machine::Ppc => EM_PPC,
            Machine::S390x => EM_S390 | ARCH_64BIT,
            Machine::S390 => EM_S390,
            Machine::Riscv64 => EM_RISCV | ARCH_64BIT | ARCH_LE,
            Machine::Riscv32 => EM_RISCV | ARCH_LE,
        }
    }

    /// The name audit prints for this machine (`ausearch -i` `arch=`,
    /// `ausyscall`'s "Using … syscall table"). 32-bit ARM is `armeb`.
    pub fn name(self) -> &'static str {
        match self {
            Machine::X86_64 => "x86_64",
            Machine::I386 => "i386",
            Machine::Aarch64 => "aarch64",
            Machine::Arm => "armeb",
            Machine::Ppc64 => "ppc64",
            Machine::Ppc64le => "ppc64le",
            Machine::Ppc => "ppc",
            Machine::S390x => "s390x",
            Machine::S390 => "s390",
            Machine::Riscv64 => "riscv64",
            Machine::Riscv32 => "riscv32",
        }
    }

    /// The machine named by a `uname -m` spelling, as libaudit 3.0.9's
    /// `audit_name_to_machine` accepts it (ASCII case-insensitive): `i386`…
    /// `i686`, `x86_64`, `ppc64`, `ppc64le`, `ppc`, `s390x`, `s390`, `armeb`,
    /// `arm`, `armv5tejl`, `armv5tel`, `armv6l`, `armv7l`, `aarch64`, `armv8l`.
    /// RISC-V names are not accepted (audit 3.0.9 does not know them).
    pub fn from_name(s: &str) -> Option<Machine> {
        MACHINE_NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|&(_, m)| m)
    }

    /// The machine this binary was built for. Targets audit has no machine
    /// for fall back to `X86_64`.
    pub fn host() -> Machine {
        if cfg!(target_arch = "x86_64") {
            Machine::X86_64
        } else if cfg!(target_arch = "x86") {
            Machine::I386
        } else if cfg!(target_arch = "aarch64") {
            Machine::Aarch64
        } else if cfg!(target_arch = "arm") {
            Machine::Arm
        } else if cfg!(all(target_arch = "powerpc64", target_endian = "little")) {
            Machine::Ppc64le
        } else if cfg!(target_arch = "powerpc64") {
            Machine::Ppc64
        } else if cfg!(target_arch = "powerpc") {
            Machine::Ppc
        } else if cfg!(target_arch = "s390x") {
            Machine::S390x
        } else if cfg!(target_arch = "riscv64") {
            Machine::Riscv64
        } else if cfg!(target_arch = "riscv32") {
            Machine::Riscv32
        } else {
            Machine::X86_64
        }
    }

    /// Whether audit-userspace 3.0.9 has a syscall table for this machine
    /// (false for RISC-V: 3.0.9 prints `unknown-elf-type(…)` for its arch
    /// and interprets its syscalls with the host's table).
    pub fn known_to_audit(self) -> bool {
        !matches!(self, Machine::Riscv64 | Machine::Riscv32)
    }

    /// 64-bit ABI?
    pub fn is_64bit(self) -> bool {
        self.audit_arch() & ARCH_64BIT != 0
    }
}

/// A number-sorted table and a name-sorted table.
type TablePair = (
    &'static [(u32, &'static str)],
    &'static [(&'static str, u32)],
);

fn syscall_tables(m: Machine) -> TablePair {
    match m {
        Machine::X86_64 => (g::SYSCALLS_X86_64, g::SYSCALLS_BY_NAME_X86_64),
        Machine::I386 => (g::SYSCALLS_I386, g::SYSCALLS_BY_NAME_I386),
        Machine::Aarch64 => (g::SYSCALLS_AARCH64, g::SYSCALLS_BY_NAME_AARCH64),
        Machine::Arm => (g::SYSCALLS_ARM, g::SYSCALLS_BY_NAME_ARM),
        Machine::Ppc64 | Machine::Ppc64le | Machine::Ppc => {
            (g::SYSCALLS_PPC, g::SYSCALLS_BY_NAME_PPC)
        }
        Machine::S390x => (g::SYSCALLS_S390X, g::SYSCALLS_BY_NAME_S390X),
        Machine::S390 => (g::SYSCALLS_S390, g::SYSCALLS_BY_NAME_S390),
        Machine::Riscv64 => (g::SYSCALLS_RISCV64, g::SYSCALLS_BY_NAME_RISCV64),
        Machine::Riscv32 => (g::SYSCALLS_RISCV32, g::SYSCALLS_BY_NAME_RISCV32),
    }
}

fn by_number(table: &'static [(u32, &'static str)], n: u32) -> Option<&'static str> {
    table
        .binary_search_by_key(&n, |&(k, _)| k)
        .ok()
        .map(|i| table[i].1)
}

/// Compare a stored (all one case) name with a query, folding the query to
/// the stored case.
fn cmp_folded(stored: &str, query: &str, upper: bool) -> Ordering {
    let q = query.bytes().map(|b| {
        if upper {
            b.to_ascii_uppercase()
        } else {
            b.to_ascii_lowercase()
        }
    });
    stored.bytes().cmp(q)
}

fn by_name(table: &'static [(&'static str, u32)], name: &str, upper: bool) -> Option<u32> {
    table
        .binary_search_by(|&(k, _)| cmp_folded(k, name, upper))
        .ok()
        .map(|i| table[i].1)
}

/// The name of syscall `nr` on machine `m` (audit 3.0.9's spelling, e.g.
/// x86_64 `pread` rather than the kernel's `pread64`).
pub fn syscall_name(m: Machine, nr: u32) -> Option<&'static str> {
    by_number(syscall_tables(m).0, nr)
}

/// The number of syscall `name` on machine `m` (ASCII case-insensitive;
/// accepts the few aliases audit accepts).
pub fn syscall_number(m: Machine, name: &str) -> Option<u32> {
    by_name(syscall_tables(m).1, name, false)
}

/// Every (number, name) syscall of machine `m`, sorted by number.
pub fn syscalls(m: Machine) -> &'static [(u32, &'static str)] {
    syscall_tables(m).0
}

/// The record type name of `t` (`SYSCALL`, `USER_LOGIN`…), as audit 3.0.9
/// names it; `None` for types it has no name for (ausearch prints those as
/// `UNKNOWN[t]`).
pub fn msg_type_name(t: u32) -> Option<&'static str> {
    by_number(g::MSG_TYPES, t)
}

/// The record type number of `name` (ASCII case-insensitive).
pub fn msg_type_number(name: &str) -> Option<u32> {
    by_name(g::MSG_TYPES_BY_NAME, name, true)
}

/// Every (number, name) record type, sorted by number.
pub fn msg_types() -> &'static [(u32, &'static str)] {
    g::MSG_TYPES
}

/// The errno name of `e` (positive, x86/generic numbering), e.g. 2 → `ENOENT`.
pub fn errno_name(e: u32) -> Option<&'static str> {
    by_number(g::ERRNOS, e)
}

/// The errno number of `name` (ASCII case-insensitive; accepts aliases such
/// as `EWOULDBLOCK` and `EDEADLOCK`).
pub fn errno_number(name: &str) -> Option<u32> {
    by_name(g::ERRNOS_BY_NAME, name, true)
}

/// glibc's `strerror(e)` text in the C locale, for the errnos that have a
/// name (e.g. 2 → `No such file or directory`). Other numbers: glibc says
/// `Unknown error N`, which callers format themselves.
pub fn errno_message(e: u32) -> Option<&'static str> {
    by_number(g::ERRNO_MESSAGES, e)
}

/// The signal name of `n` as auparse prints it (0 → `SIG0`, 1 → `SIGHUP`…
/// 31 → `SIGSYS`; note audit 3.0.9 prints 30 as `IGPWR`). `None` for others.
pub fn signal_name(n: u32) -> Option<&'static str> {
    by_number(g::SIGNALS, n)
}

/// The capability name of `n` as auparse prints it (`chown`, `sys_admin`…).
pub fn cap_name(n: u32) -> Option<&'static str> {
    by_number(g::CAPS, n)
}

/// The capability number of `name` (`sys_admin` → 21; case-insensitive).
pub fn cap_number(name: &str) -> Option<u32> {
    g::CAPS
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(name))
        .map(|&(k, _)| k)
}

/// The socket address family name of `n` as auparse prints it (`local`,
/// `inet`, `inet6`, `netlink`, `packet`…).
pub fn family_name(n: u32) -> Option<&'static str> {
    by_number(g::FAMILIES, n)
}

/// open(2) flag bits and their names, in auparse's print order (O_RDONLY,
/// value 0, is not listed: auparse prints it when the access mode is 0).
pub fn open_flags() -> &'static [(u32, &'static str)] {
    g::OPEN_FLAGS
}

/// clone(2) flag bits and names, in print order (the low byte is a signal).
pub fn clone_flags() -> &'static [(u32, &'static str)] {
    g::CLONE_FLAGS
}

/// mmap(2) flag bits and names, in print order (MAP_FILE, 0, not listed).
pub fn mmap_flags() -> &'static [(u32, &'static str)] {
    g::MMAP_FLAGS
}

/// Memory protection bits and names, in print order (PROT_NONE not listed).
pub fn prot_flags() -> &'static [(u32, &'static str)] {
    g::PROT_FLAGS
}

/// access(2) mode bits and names, in print order (F_OK not listed).
pub fn access_flags() -> &'static [(u32, &'static str)] {
    g::ACCESS_FLAGS
}

/// The fcntl(2) command name of `n` (`F_SETFD`…).
pub fn fcntl_cmd_name(n: u32) -> Option<&'static str> {
    by_number(g::FCNTL_CMDS, n)
}

/// The lseek(2) whence name of `n` (`SEEK_SET`…).
pub fn seek_name(n: u32) -> Option<&'static str> {
    by_number(g::SEEK_WHENCE, n)
}

/// The socket type name of `n` (`SOCK_STREAM`…).
pub fn sock_type_name(n: u32) -> Option<&'static str> {
    by_number(g::SOCK_TYPES, n)
}

/// The syscall-argument and field value tables auparse interprets with
/// (`ausearch -i`): enumerations looked up with [`arg_name`], flag sets
/// listed in print order by [`arg_table`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ArgTable {
    /// socketcall(2) sub-calls (`SYS_BIND` → `bind`).
    SocketCall,
    /// ipc(2) sub-calls (`SEMOP` → `semop`).
    IpcCall,
    /// ioctl(2) requests audit names (`TCGETS`…).
    Ioctl,
    /// prctl(2) options (`PR_SET_NAME`…).
    Prctl,
    /// Clock ids (`CLOCK_MONOTONIC`…).
    Clock,
    /// personality(2) values (`PER_LINUX`…), low byte only.
    Personality,
    /// ptrace(2) requests.
    Ptrace,
    /// Resource limits (`RLIMIT_NOFILE`…).
    Rlimit,
    /// Scheduler policies (`SCHED_OTHER`…), low nibble only.
    Sched,
    /// Socket option levels not in /etc/protocols (`SOL_PACKET`…).
    SockLevel,
    /// `SOL_SOCKET` option names (`SO_REUSEADDR`…).
    SockOpt,
    /// `IPPROTO_IP` option names.
    IpOpt,
    /// `IPPROTO_IPV6` option names.
    Ip6Opt,
    /// `IPPROTO_TCP` option names.
    TcpOpt,
    /// `IPPROTO_UDP` option names.
    UdpOpt,
    /// `SOL_PACKET` option names.
    PktOpt,
    /// epoll_ctl(2) operations.
    EpollCtl,
    /// bpf(2) commands.
    Bpf,
    /// seccomp actions (`code=` & `SECCOMP_RET_ACTION`): `kill`, `allow`…
    Seccomp,
    /// Netfilter protocol families (`family=` of NETFILTER_CFG): `ipv4`…
    NfProto,
    /// ICMP types (`icmptype=`): `echo-reply`…
    IcmpType,
    /// Netfilter hooks (`hook=`): `PREROUTING`…
    Hook,
    /// Netfilter verdicts (`action=`): `ACCEPT`…
    NetAction,
    /// send/recv flag bits (`MSG_*`).
    Recv,
    /// mount(2) flag bits (`MS_*`).
    Mount,
    /// umount2(2) flag bits.
    Umount,
    /// shmget(2) IPC command bits (`IPC_CREAT`, `IPC_EXCL`).
    IpcCmd,
    /// shmget(2) mode bits (`SHM_HUGETLB`, `SHM_NORESERVE`).
    ShmMode,
    /// openat2(2) resolve flag bits (`RESOLVE_*`).
    Resolve,
}

/// The (value, name) pairs of table `t`, sorted by value (for the flag
/// tables this is also auparse's print order).
pub fn arg_table(t: ArgTable) -> &'static [(u32, &'static str)] {
    match t {
        ArgTable::SocketCall => g::ARG_SOCKCALL,
        ArgTable::IpcCall => g::ARG_IPCCALL,
        ArgTable::Ioctl => g::ARG_IOCTL,
        ArgTable::Prctl => g::ARG_PRCTL,
        ArgTable::Clock => g::ARG_CLOCK,
        ArgTable::Personality => g::ARG_PERSON,
        ArgTable::Ptrace => g::ARG_PTRACE,
        ArgTable::Rlimit => g::ARG_RLIMIT,
        ArgTable::Sched => g::ARG_SCHED,
        ArgTable::SockLevel => g::ARG_SOCKLEVEL,
        ArgTable::SockOpt => g::ARG_SOCKOPT,
        ArgTable::IpOpt => g::ARG_IPOPT,
        ArgTable::Ip6Opt => g::ARG_IP6OPT,
        ArgTable::TcpOpt => g::ARG_TCPOPT,
        ArgTable::UdpOpt => g::ARG_UDPOPT,
        ArgTable::PktOpt => g::ARG_PKTOPT,
        ArgTable::EpollCtl => g::ARG_EPOLL,
        ArgTable::Bpf => g::ARG_BPF,
        ArgTable::Seccomp => g::ARG_SECCOMP,
        ArgTable::NfProto => g::ARG_NFPROTO,
        ArgTable::IcmpType => g::ARG_ICMPTYPE,
        ArgTable::Hook => g::ARG_HOOK,
        ArgTable::NetAction => g::ARG_NETACTION,
        ArgTable::Recv => g::ARG_RECV,
        ArgTable::Mount => g::ARG_MOUNT,
        ArgTable::Umount => g::ARG_UMOUNT,
        ArgTable::IpcCmd => g::ARG_IPCCMD,
        ArgTable::ShmMode => g::ARG_SHMMODE,
        ArgTable::Resolve => g::ARG_RESOLVE,
    }
}

/// The name table `t` gives value `n`, if any.
pub fn arg_name(t: ArgTable, n: u32) -> Option<&'static str> {
    by_number(arg_table(t), n)
}

/// The named key TTY data starting with `input` begins with, as auparse
/// prints it in `ausearch -i` (`<ret>`, `<up>`, `<^A>`…): the longest
/// known byte sequence that is a prefix of `input`, with its length.
pub fn tty_key(input: &[u8]) -> Option<(usize, &'static str)> {
    const MAX: usize = 8;
    let keys = g::TTY_KEYS;
    for len in (1..=input.len().min(MAX)).rev() {
        let want = &input[..len];
        if let Ok(i) = keys.binary_search_by(|&(k, _)| k.cmp(want)) {
            return Some((len, keys[i].1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_tables() {
        fn i2s(t: &[(u32, &str)]) {
            assert!(t.windows(2).all(|w| w[0].0 < w[1].0));
        }
        fn s2i(t: &[(&str, u32)]) {
            assert!(t.windows(2).all(|w| w[0].0.as_bytes() < w[1].0.as_bytes()));
        }
        for &m in Machine::ALL {
            let (a, b) = syscall_tables(m);
            i2s(a);
            s2i(b);
            assert!(b
                .iter()
                .all(|(n, _)| !n.bytes().any(|c| c.is_ascii_uppercase())));
        }
        for t in [
            g::MSG_TYPES,
            g::ERRNOS,
            g::ERRNO_MESSAGES,
            g::SIGNALS,
            g::CAPS,
            g::FAMILIES,
        ] {
            i2s(t);
        }
        for t in [
            ArgTable::SocketCall,
            ArgTable::Ioctl,
            ArgTable::Prctl,
            ArgTable::Recv,
            ArgTable::Mount,
            ArgTable::Seccomp,
        ] {
            i2s(arg_table(t));
        }
        assert!(g::TTY_KEYS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(g::TTY_KEYS.iter().all(|(k, _)| k.len() <= 8));
        for t in [g::MSG_TYPES_BY_NAME, g::ERRNOS_BY_NAME] {
            s2i(t);
            assert!(t
                .iter()
                .all(|(n, _)| !n.bytes().any(|c| c.is_ascii_lowercase())));
        }
    }

    #[test]
    fn machines() {
        for &m in Machine::ALL {
            assert_eq!(Machine::from_audit_arch(m.audit_arch()), Some(m));
        }
        assert_eq!(Machine::from_audit_arch(0xc000_003e), Some(Machine::X86_64));
        assert_eq!(Machine::from_name("I686"), Some(Machine::I386));
        assert_eq!(
            Machine::from_name("armv7l").map(Machine::name),
            Some("armeb")
        );
        assert_eq!(Machine::from_name("riscv64"), None);
    }

    #[test]
    fn lookups() {
        assert_eq!(syscall_name(Machine::X86_64, 17), Some("pread"));
        assert_eq!(syscall_number(Machine::X86_64, "OPENAT"), Some(257));
        assert_eq!(syscall_number(Machine::Ppc64le, "read"), Some(3));
        assert_eq!(msg_type_name(1300), Some("SYSCALL"));
        assert_eq!(msg_type_number("syscall"), Some(1300));
        assert_eq!(errno_name(2), Some("ENOENT"));
        assert_eq!(errno_number("EWOULDBLOCK"), Some(11));
        assert_eq!(errno_message(2), Some("No such file or directory"));
        assert_eq!(signal_name(9), Some("SIGKILL"));
        assert_eq!(cap_name(21), Some("sys_admin"));
        assert_eq!(cap_number("CHOWN"), Some(0));
        assert_eq!(family_name(1), Some("local"));
        assert_eq!(family_name(27), None);
        assert_eq!(arg_name(ArgTable::SocketCall, 3), Some("connect"));
        assert_eq!(arg_name(ArgTable::Ioctl, 0x5401), Some("TCGETS"));
        assert_eq!(tty_key(b"\r"), Some((1, "ret")));
        assert_eq!(tty_key(b"\x1b[Ax"), Some((3, "up")));
        assert_eq!(tty_key(b"ab"), None);
    }
}
