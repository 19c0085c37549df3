//! `raudit ausyscall`: map syscall names and numbers, like audit 3.0.9's
//! `ausyscall [arch] name | number | --dump | --exact`.
//!
//! Argument handling follows the original closely, quirks included:
//! - an argument starting with a digit is a syscall number (C `strtol`
//!   semantics: leading digits only, saturating, then truncated to `int`);
//! - otherwise it is tried as a machine: `b64`/`b32` (relative to the running
//!   machine), a `uname -m` spelling, or a hexadecimal `AUDIT_ARCH_*` value;
//! - otherwise `--dump`, `--exact`, `alpha`, `ia64`, or else a syscall name;
//! - without `--exact` a name is a case-insensitive substring match over
//!   syscall numbers below 1400.

use raudit_tables::{syscall_name, syscall_number, syscalls, Machine};
use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::OsStringExt;

const USAGE: &str = "usage: ausyscall [arch] name | number | --dump | --exact\n";
/// Upper bound of the substring search (the original's LAST_SYSCALL).
const LAST_SYSCALL: u32 = 1400;
/// Upper bound of `--dump`.
const DUMP_MAX: u32 = 8192;

fn usage() -> i32 {
    eprint!("{USAGE}");
    1
}

/// C `strtol(s, NULL, 10)` truncated to `int`, for strings starting with a digit.
fn strtol_int(s: &[u8]) -> i32 {
    let mut v: i64 = 0;
    for &b in s.iter().take_while(|b| b.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    v as i32
}

/// C `strtoul(s, NULL, 16)` (64-bit `unsigned long`): `None` on overflow (ERANGE).
fn strtoul_hex(s: &[u8]) -> Option<u64> {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    if s.get(i) == Some(&b'0')
        && matches!(s.get(i + 1), Some(b'x' | b'X'))
        && s.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
    {
        i += 2;
    }
    let mut v: u64 = 0;
    let mut overflow = false;
    for &b in s[i..].iter().take_while(|b| b.is_ascii_hexdigit()) {
        let d = u64::from((b as char).to_digit(16).unwrap_or(0));
        match v.checked_mul(16).and_then(|x| x.checked_add(d)) {
            Some(x) => v = x,
            None => overflow = true,
        }
    }
    if overflow {
        None
    } else if neg {
        Some(v.wrapping_neg())
    } else {
        Some(v)
    }
}

/// The running machine as libaudit's `audit_detect_machine` sees it (uname -m).
fn detect_machine() -> Option<Machine> {
    // SAFETY: `uname` fills a caller-provided, zero-initialised struct; the
    // field read afterwards is NUL-terminated by the kernel.
    let machine = unsafe {
        let mut u: libc::utsname = std::mem::zeroed();
        if libc::uname(&mut u) != 0 {
            return None;
        }
        std::ffi::CStr::from_ptr(u.machine.as_ptr())
            .to_string_lossy()
            .into_owned()
    };
    Machine::from_name(&machine)
}

/// libaudit's `audit_determine_machine`: `None` where it returns an error.
fn determine_machine(arg: &[u8]) -> Option<Machine> {
    let s = std::str::from_utf8(arg).ok();
    #[derive(PartialEq)]
    enum Bits {
        Any,
        B64,
        B32,
    }
    let (machine, bits) = if s.is_some_and(|s| s.eq_ignore_ascii_case("b64")) {
        (detect_machine()?, Bits::B64)
    } else if s.is_some_and(|s| s.eq_ignore_ascii_case("b32")) {
        (detect_machine()?, Bits::B32)
    } else {
        let m = match s.and_then(Machine::from_name) {
            Some(m) => m,
            None => {
                let v = strtoul_hex(arg)? as u32;
                Machine::from_audit_arch(v).filter(|m| m.known_to_audit())?
            }
        };
        (m, Bits::Any)
    };
    let machine = if bits == Bits::B32 {
        match machine {
            Machine::X86_64 => Machine::I386,
            Machine::Ppc64 => Machine::Ppc,
            Machine::S390x => Machine::S390,
            Machine::Aarch64 => Machine::Arm,
            m => m,
        }
    } else {
        machine
    };
    match machine {
        Machine::I386 | Machine::Ppc | Machine::S390 | Machine::Arm if bits == Bits::B64 => None,
        Machine::Aarch64 | Machine::Ppc64le if bits == Bits::B32 => None,
        Machine::Riscv64 | Machine::Riscv32 => None,
        m => Some(m),
    }
}

/// ASCII case-insensitive `strcasestr(hay, needle) != NULL`.
fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Entry point: `args` are the tool's arguments (without the program name).
pub fn main(args: Vec<OsString>) -> i32 {
    let args: Vec<Vec<u8>> = args.into_iter().map(OsStringExt::into_vec).collect();
    if args.len() > 3 {
        eprintln!("Too many arguments");
        return usage();
    } else if args.is_empty() {
        return usage();
    }
    let mut machine: Option<Machine> = None;
    let mut syscall_num: i32 = -1;
    let mut dump = false;
    let mut exact = false;
    let mut name: Option<&[u8]> = None;
    for arg in &args {
        if arg.first().is_some_and(u8::is_ascii_digit) {
            if syscall_num != -1 {
                eprintln!("Two syscall numbers not allowed");
                return usage();
            }
            syscall_num = strtol_int(arg);
        } else if let Some(m) = determine_machine(arg) {
            if machine.is_some() {
                eprintln!("Two machine types not allowed");
                return usage();
            }
            machine = Some(m);
        } else if arg == b"--dump" {
            dump = true;
        } else if arg == b"--exact" {
            exact = true;
        } else if arg == b"alpha" {
            eprintln!("Alpha processor support is deprecated");
            return 1;
        } else if arg == b"ia64" {
            eprintln!("IA64 processor support is deprecated");
        } else {
            if name.is_some() {
                eprintln!("Two syscall names not allowed");
                return usage();
            }
            name = Some(arg);
        }
    }
    let Some(machine) = machine.or_else(detect_machine) else {
        eprintln!("Unable to detect machine type");
        return 1;
    };
    let mname = machine.name();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let err_unknown = |what: &[u8]| {
        let mut e = Vec::new();
        e.extend_from_slice(b"Unknown syscall ");
        e.extend_from_slice(what);
        e.extend_from_slice(format!(" using {mname} lookup table\n").as_bytes());
        let _ = std::io::stderr().write_all(&e);
        1
    };

    let rc = if dump {
        let _ = writeln!(out, "Using {mname} syscall table:");
        for &(n, s) in syscalls(machine).iter().filter(|(n, _)| *n < DUMP_MAX) {
            let _ = writeln!(out, "{n}\t{s}");
        }
        0
    } else if let Some(name) = name {
        if exact {
            match std::str::from_utf8(name)
                .ok()
                .and_then(|s| syscall_number(machine, s))
            {
                Some(n) => {
                    let _ = writeln!(out, "{n}");
                    0
                }
                None => err_unknown(name),
            }
        } else {
            let mut found = false;
            for &(n, s) in syscalls(machine).iter().filter(|(n, _)| *n < LAST_SYSCALL) {
                if contains_ci(s.as_bytes(), name) {
                    found = true;
                    let _ = writeln!(out, "{s:<18} {n}");
                }
            }
            if found {
                0
            } else {
                err_unknown(name)
            }
        }
    } else if syscall_num != -1 {
        let found = u32::try_from(syscall_num)
            .ok()
            .and_then(|n| syscall_name(machine, n));
        match found {
            Some(s) => {
                let _ = writeln!(out, "{s}");
                0
            }
            None => err_unknown(syscall_num.to_string().as_bytes()),
        }
    } else {
        eprintln!("Error - either a syscall name or number must be given with an optional arch");
        1
    };
    if out.flush().is_err() {
        return 1;
    }
    rc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_number_parsing() {
        assert_eq!(strtol_int(b"12abc"), 12);
        assert_eq!(strtol_int(b"4294967298"), 2);
        assert_eq!(strtol_int(b"99999999999999999999999"), -1);
        assert_eq!(strtoul_hex(b"c000003e"), Some(0xc000_003e));
        assert_eq!(strtoul_hex(b"0xc000003e"), Some(0xc000_003e));
        assert_eq!(strtoul_hex(b"open"), Some(0));
        assert_eq!(strtoul_hex(b"-1"), Some(u64::MAX));
        assert_eq!(strtoul_hex(b"fffffffffffffffff"), None);
    }

    #[test]
    fn machines() {
        assert_eq!(determine_machine(b"ARMv7l"), Some(Machine::Arm));
        assert_eq!(determine_machine(b"c00000b7"), Some(Machine::Aarch64));
        assert_eq!(determine_machine(b"c00000f3"), None);
        assert_eq!(determine_machine(b"open"), None);
    }
}
