//! libaudit's machine numbers (`MACH_*`), which `--arch` and `-sc NAME` work with, and
//! their mapping to the kernel's `AUDIT_ARCH_*` values found in `arch=` fields.

use raudit_tables::Machine;

/// `MACH_X86`
pub const X86: i32 = 0;
/// `MACH_86_64`
pub const X86_64: i32 = 1;
/// `MACH_PPC64`
pub const PPC64: i32 = 3;
/// `MACH_PPC`
pub const PPC: i32 = 4;
/// `MACH_S390X`
pub const S390X: i32 = 5;
/// `MACH_S390`
pub const S390: i32 = 6;
/// `MACH_ARM`
pub const ARM: i32 = 8;
/// `MACH_AARCH64`
pub const AARCH64: i32 = 9;
/// `MACH_PPC64LE`
pub const PPC64LE: i32 = 10;

const ELF: &[(i32, u32)] = &[
    (X86, 0x4000_0003),
    (X86_64, 0xC000_003E),
    (PPC64, 0x8000_0015),
    (PPC64LE, 0xC000_0015),
    (PPC, 0x0000_0014),
    (S390X, 0x8000_0016),
    (S390, 0x0000_0016),
    (ARM, 0x4000_0028),
    (AARCH64, 0xC000_00B7),
];

/// `audit_elf_to_machine`: the machine number for an `arch=` value, -1 if unknown.
pub fn from_elf(elf: u32) -> i32 {
    ELF.iter().find(|&&(_, e)| e == elf).map_or(-1, |&(m, _)| m)
}

/// The syscall table a machine number uses.
pub fn table(m: i32) -> Option<Machine> {
    Some(match m {
        X86 => Machine::I386,
        X86_64 => Machine::X86_64,
        PPC64 => Machine::Ppc64,
        PPC64LE => Machine::Ppc64le,
        PPC => Machine::Ppc,
        S390X => Machine::S390x,
        S390 => Machine::S390,
        ARM => Machine::Arm,
        AARCH64 => Machine::Aarch64,
        _ => return None,
    })
}

/// `audit_name_to_machine`: uname-style names.
pub fn from_name(name: &str) -> i32 {
    match name {
        "i386" | "i486" | "i586" | "i686" => X86,
        "x86_64" => X86_64,
        "ppc64" => PPC64,
        "ppc64le" => PPC64LE,
        "ppc" => PPC,
        "s390x" => S390X,
        "s390" => S390,
        "armeb" | "arm" | "armv5tejl" | "armv5tel" | "armv6l" | "armv7l" => ARM,
        "aarch64" | "armv8l" => AARCH64,
        _ => -1,
    }
}

/// `audit_detect_machine`: the running kernel's machine.
pub fn detect() -> i32 {
    match rustix::system::uname().machine().to_str() {
        Ok(m) => from_name(m),
        Err(_) => -1,
    }
}

/// `audit_determine_machine` for `--arch`: `b32`, `b64`, a machine name, or a hex
/// `AUDIT_ARCH_*` value. Negative on error.
pub fn determine(arch: &str) -> i32 {
    const B64: u8 = 1;
    const B32: u8 = 2;
    let (bits, mut m) = if arch.eq_ignore_ascii_case("b64") {
        (B64, detect())
    } else if arch.eq_ignore_ascii_case("b32") {
        (B32, detect())
    } else {
        let m = from_name(arch);
        if m >= 0 {
            (0, m)
        } else {
            let v = raudit_logfmt::num::strtoul(arch.as_bytes(), 16);
            if v.overflow {
                return -4;
            }
            (0, from_elf(v.value as u32))
        }
    };
    if m < 0 {
        return -4;
    }
    if bits == B32 {
        m = match m {
            X86_64 => X86,
            PPC64 => PPC,
            S390X => S390,
            AARCH64 => ARM,
            other => other,
        };
    }
    match m {
        X86 | PPC | S390 | ARM if bits == B64 => -6,
        AARCH64 | PPC64LE if bits == B32 => -6,
        X86 | PPC | S390 | ARM | AARCH64 | PPC64LE | X86_64 | PPC64 | S390X => m,
        _ => -6,
    }
}
