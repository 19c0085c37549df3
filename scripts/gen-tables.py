#!/usr/bin/env python3
"""Generate raudit-tables' Rust source from primary sources.

Usage (from the repository root):

    python3 scripts/gen-tables.py            # == generate
    python3 scripts/gen-tables.py generate   # headers + overlays -> crates/raudit-tables/src/generated.rs
    python3 scripts/gen-tables.py oracle     # ask the real audit 3.0.9 tools/libraries, write oracle dumps
    python3 scripts/gen-tables.py overlay    # diff header-derived tables against the oracle dumps,
                                             # rewrite crates/raudit-tables/data/overlay.tsv

`generate` is deterministic: it reads only kernel/glibc headers and the
committed overlay, so rerunning it reproduces the committed generated.rs
byte for byte (given the same header packages).

Primary sources (Debian bookworm packages):
  linux-libc-dev                 x86_64 syscalls, linux/audit.h, errno, signals,
                                 capabilities, open/clone/mmap/... flag constants
  linux-libc-dev-i386-cross      i386 syscalls       (/usr/i686-linux-gnu/include)
  linux-libc-dev-arm64-cross     aarch64 syscalls    (/usr/aarch64-linux-gnu/include)
  linux-libc-dev-armhf-cross     arm (EABI) syscalls (/usr/arm-linux-gnueabihf/include)
  linux-libc-dev-ppc64el-cross   ppc syscalls        (/usr/powerpc64le-linux-gnu/include)
  linux-libc-dev-s390x-cross     s390/s390x syscalls (/usr/s390x-linux-gnu/include)
  linux-libc-dev-riscv64-cross   riscv64/riscv32     (/usr/riscv64-linux-gnu/include)
  libc6-dev                      socket address families (bits/socket.h), strerror texts
  libaudit-dev                   user-space record types (/usr/include/libaudit.h)
  cpp                            to expand the asm-generic syscall headers
The `oracle` step additionally needs `auditd` (ausyscall, ausearch) and
`libaudit1` (libaudit.so.1, called through ctypes).

The overlay (crates/raudit-tables/data/overlay.tsv) records where audit
3.0.9's names differ from the headers'. Its lines are
    TABLE <TAB> OP <TAB> NUMBER <TAB> NAME
where OP is `-` (drop this number->name pair from the header list), `+`
(add it), `a-` (name is not accepted for name->number lookups) or `a+` (name
is accepted as an alias for NUMBER in name->number lookups only).
"""

import ast
import ctypes
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRATE = os.path.join(ROOT, "crates", "raudit-tables")
OVERLAY = os.path.join(CRATE, "data", "overlay.tsv")
ORACLE = os.path.join(CRATE, "tests", "oracle")
GOLDEN_SYS = os.path.join(ROOT, "tests", "golden", "ausyscall")
OUT = os.path.join(CRATE, "src", "generated.rs")

# Audit's machine tables: (table id, header include dir, header, extra cpp defines, has oracle)
SYSCALL_SOURCES = [
    ("x86_64", "/usr/include/x86_64-linux-gnu", "asm/unistd_64.h", [], True),
    ("i386", "/usr/i686-linux-gnu/include", "asm/unistd_32.h", [], True),
    ("aarch64", "/usr/aarch64-linux-gnu/include", "asm/unistd.h",
     ["__aarch64__", "__SIZEOF_POINTER__=8", "__LP64__"], True),
    ("arm", "/usr/arm-linux-gnueabihf/include", "asm/unistd.h", ["__ARM_EABI__", "__arm__"], True),
    ("ppc", "/usr/powerpc64le-linux-gnu/include", "asm/unistd_32.h", [], True),
    ("s390x", "/usr/s390x-linux-gnu/include", "asm/unistd_64.h", [], True),
    ("s390", "/usr/s390x-linux-gnu/include", "asm/unistd_32.h", [], True),
    ("riscv64", "/usr/riscv64-linux-gnu/include", "asm/unistd.h",
     ["__riscv", "__SIZEOF_POINTER__=8", "__LP64__"], False),
    ("riscv32", "/usr/riscv64-linux-gnu/include", "asm/unistd.h",
     ["__riscv", "__SIZEOF_POINTER__=4"], False),
]
# ausyscall arch argument whose dump is the oracle of each table
ORACLE_ARCH = {"x86_64": "x86_64", "i386": "i386", "aarch64": "aarch64", "arm": "arm",
               "ppc": "ppc", "s390x": "s390x", "s390": "s390"}
# libaudit machine_t values (libaudit.h enum) for ctypes calls
MACH_ID = {"i386": 0, "x86_64": 1, "ppc": 4, "s390x": 5, "s390": 6, "arm": 8, "aarch64": 9}

MSG_MIN, MSG_MAX = 1000, 2999


def die(msg):
    sys.exit("gen-tables: " + msg)


def safe_eval(expr):
    """Evaluate a preprocessed integer expression made of literals, + and -."""
    node = ast.parse(expr.strip(), mode="eval").body

    def ev(n):
        if isinstance(n, ast.Constant) and isinstance(n.value, int):
            return n.value
        if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Add, ast.Sub, ast.BitOr, ast.LShift)):
            a, b = ev(n.left), ev(n.right)
            if isinstance(n.op, ast.Add):
                return a + b
            if isinstance(n.op, ast.Sub):
                return a - b
            if isinstance(n.op, ast.BitOr):
                return a | b
            return a << b
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            return -ev(n.operand)
        raise ValueError(expr)

    return ev(node)


def cpp_values(incdir, header, prefix, defs=(), name_re=r"\w+"):
    """Expand every `#define PREFIXname` of a header with cpp; return {name: int}."""
    src = "#include <%s>\n" % header
    incs = [incdir] if isinstance(incdir, str) else list(incdir)
    base = ["cpp", "-P", "-nostdinc", "-undef"] + ["-I" + i for i in incs] + ["-D" + d for d in defs]
    macros = subprocess.run(base + ["-dM", "-"], input=src, capture_output=True,
                            text=True, check=True).stdout
    names = sorted(set(re.findall(r"^#define %s(%s)[\s(]" % (re.escape(prefix), name_re), macros, re.M)))
    probe = src + "".join("@@ZZ%s@@ %s%s\n" % (n, prefix, n) for n in names)
    out = subprocess.run(base + ["-"], input=probe, capture_output=True, text=True,
                         check=True).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r"@@ZZ(\w+)@@ (.*)$", line)
        if not m:
            continue
        n, e = m.groups()
        try:
            e = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b", r"\1", e)
            e = re.sub(r"\b0([0-7]+)\b", r"0o\1", e)  # C octal literals
            res[n] = safe_eval(e)
        except (ValueError, SyntaxError):
            pass
    return res


def header_syscalls(incdir, header, defs):
    vals = cpp_values(incdir, header, "__NR_", defs)
    out = {}
    for n, v in vals.items():
        if n.startswith("syscalls") or n.upper() == n or n in ("arch_specific_syscall",):
            continue  # counts, bases and masks, not syscalls
        out[n] = v
    return out


def simple_defines(path, prefix, numeric_only=True):
    """Ordered (name, value) of `#define PREFIXname number` lines in a header."""
    res = []
    with open(path) as f:
        for line in f:
            m = re.match(r"#define\s+%s(\w+)\s+(0x[0-9a-fA-F]+|\d+)\b" % re.escape(prefix), line)
            if m:
                res.append((m.group(1), int(m.group(2), 0)))
    return res


# ---------------------------------------------------------------- raw tables

def raw_tables():
    """Header-derived tables: {table: (i2s list [(num, name)], s2i dict {name: num})}."""
    t = {}
    for tid, inc, hdr, defs, _ in SYSCALL_SOURCES:
        sc = header_syscalls(inc, hdr, defs)
        i2s = {}
        for n, v in sorted(sc.items(), key=lambda x: (x[1], x[0])):
            i2s.setdefault(v, n)
        t["syscall:" + tid] = (sorted(i2s.items()), dict(sc))
    # record types: kernel uapi + libaudit.h
    cand = []
    for path in ("/usr/include/linux/audit.h", "/usr/include/libaudit.h"):
        for n, v in simple_defines(path, "AUDIT_"):
            if MSG_MIN <= v <= MSG_MAX and not re.match(r"(FIRST|LAST)_", n):
                cand.append((n, v))
    i2s, s2i = {}, {}
    for n, v in cand:
        i2s.setdefault(v, n)
        s2i.setdefault(n, v)
    t["msgtype"] = (sorted(i2s.items()), s2i)
    # errno: asm-generic numbering (x86 uses it)
    i2s, s2i = {}, {}
    for path in ("/usr/include/asm-generic/errno-base.h", "/usr/include/asm-generic/errno.h"):
        with open(path) as f:
            for line in f:
                m = re.match(r"#define\s+(E\w+)\s+(\d+|E\w+)\b", line)
                if not m:
                    continue
                n, v = m.groups()
                v = int(v) if v.isdigit() else s2i.get(v)
                if v is None:
                    continue
                i2s.setdefault(v, n)
                s2i[n] = v
    t["errno"] = (sorted(i2s.items()), s2i)
    # signals
    i2s = {}
    for n, v in simple_defines("/usr/include/x86_64-linux-gnu/asm/signal.h", "SIG"):
        if v < 32:
            i2s.setdefault(v, "SIG" + n)
    t["signal"] = (sorted(i2s.items()), {})
    # capabilities
    i2s = {}
    for n, v in simple_defines("/usr/include/linux/capability.h", "CAP_"):
        if n.isupper() and not n.startswith("LAST"):
            i2s.setdefault(v, n.lower())
    t["cap"] = (sorted(i2s.items()), {})
    # socket address families
    i2s = {}
    for n, v in simple_defines("/usr/include/x86_64-linux-gnu/bits/socket.h", "PF_"):
        if n != "MAX":
            i2s.setdefault(v, n.lower())
    t["family"] = (sorted(i2s.items()), {})
    host = ["/usr/include/x86_64-linux-gnu", "/usr/include"]
    xdefs = ["__x86_64__", "__SIZEOF_POINTER__=8", "__LP64__"]

    def bits(vals, keep=lambda n: True):
        i2s = {}
        for n, v in sorted(vals.items(), key=lambda x: (x[1], x[0])):
            if v > 0 and v & (v - 1) == 0 and keep(n):
                i2s.setdefault(v, n)
        return (sorted(i2s.items()), {})

    def plain(vals, keep=lambda n: True):
        i2s = {}
        for n, v in sorted(vals.items(), key=lambda x: (x[1], x[0])):
            if v >= 0 and keep(n):
                i2s.setdefault(v, n)
        return (sorted(i2s.items()), {})

    # open flags: first name per single-bit value, in header order
    of = {}
    for n, v in cpp_values(host, "linux/fcntl.h", "", xdefs, r"_*O_\w+").items():
        of[n] = v
    t["oflag"] = bits(of)
    t["clone"] = bits({"CLONE_" + n: v for n, v in
                       cpp_values(host, "linux/sched.h", "CLONE_", xdefs).items()})
    t["mmap"] = bits({"MAP_" + n: v for n, v in
                      cpp_values(host, "linux/mman.h", "MAP_", xdefs).items()},
                     lambda n: n not in ("MAP_TYPE",))
    t["prot"] = bits({"PROT_" + n: v for n, v in
                      cpp_values(host, "linux/mman.h", "PROT_", xdefs).items()})
    t["fcntl"] = plain({"F_" + n: v for n, v in
                        cpp_values(host, "linux/fcntl.h", "F_", xdefs).items()},
                       lambda n: not re.search(r"SEAL|OWNER_|LCK$|BASE|_OK$|HINT_", n)
                       or n == "F_CANCELLK")
    t["access"] = bits(dict(simple_defines("/usr/include/unistd.h", "")),
                       lambda n: n in ("R_OK", "W_OK", "X_OK"))
    t["seek"] = plain({"SEEK_" + n: v for n, v in simple_defines("/usr/include/linux/fs.h", "SEEK_")},
                      lambda n: n != "SEEK_MAX")
    st = {}
    with open("/usr/include/x86_64-linux-gnu/bits/socket_type.h") as f:
        for line in f:
            m = re.match(r"\s+(SOCK_\w+) = ([1-9]\d*),", line)
            if m:
                st[m.group(1)] = int(m.group(2))
    t["socktype"] = plain(st)
    return t


def read_overlay():
    ov = []
    if not os.path.exists(OVERLAY):
        return ov
    with open(OVERLAY) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            table, op, num, name = line.split("\t")
            ov.append((table, op, int(num), name))
    return ov


def apply_overlay(raw, ov):
    t = {}
    for table, (i2s, s2i) in raw.items():
        i2s = dict(i2s)
        s2i = dict(s2i)
        for tb, op, num, name in ov:
            if tb != table:
                continue
            if op == "-":
                if i2s.get(num) == name:
                    del i2s[num]
                    if s2i.get(name) == num:
                        del s2i[name]
                else:
                    die("overlay: %s has no %d %s" % (table, num, name))
            elif op == "+":
                i2s[num] = name
                if table.startswith("syscall:") or table in ("msgtype", "errno"):
                    s2i[name] = num
            elif op == "a-":
                s2i.pop(name, None)
            elif op == "a+":
                s2i[name] = num
        t[table] = (sorted(i2s.items()), s2i)
    return t


# ------------------------------------------------------------------ oracle

def oracle():
    env = dict(os.environ, TZ="UTC", LC_ALL="C")
    os.makedirs(ORACLE, exist_ok=True)
    os.makedirs(GOLDEN_SYS, exist_ok=True)
    for a in ["x86_64", "i386", "aarch64", "arm", "ppc", "ppc64", "ppc64le", "s390", "s390x"]:
        out = subprocess.run(["ausyscall", a, "--dump"], capture_output=True, env=env,
                             check=True).stdout
        with open(os.path.join(GOLDEN_SYS, "dump-%s.txt" % a), "wb") as f:
            f.write(out)
    lib = ctypes.CDLL("libaudit.so.1")
    lib.audit_msg_type_to_name.restype = ctypes.c_char_p
    lib.audit_errno_to_name.restype = ctypes.c_char_p
    lib.audit_name_to_msg_type.argtypes = [ctypes.c_char_p]
    lib.audit_name_to_errno.argtypes = [ctypes.c_char_p]
    lib.audit_name_to_syscall.argtypes = [ctypes.c_char_p, ctypes.c_int]
    raw = raw_tables()
    # name->number for every candidate name (header names and audit's own)
    with open(os.path.join(ORACLE, "syscall-s2i.txt"), "w") as f:
        for tid, arch in ORACLE_ARCH.items():
            dump = read_dump(arch)
            names = sorted(set(raw["syscall:" + tid][1]) | {n for _, n in dump})
            for n in names:
                r = lib.audit_name_to_syscall(n.encode(), MACH_ID[tid])
                f.write("%s\t%s\t%d\n" % (tid, n, r))
    msgs = []
    for i in range(0, 70000):
        n = lib.audit_msg_type_to_name(i)
        if n:
            msgs.append((i, n.decode()))
    with open(os.path.join(ORACLE, "msgtype-i2s.txt"), "w") as f:
        f.writelines("%d\t%s\n" % x for x in msgs)
    with open(os.path.join(ORACLE, "msgtype-s2i.txt"), "w") as f:
        for n in sorted(set(raw["msgtype"][1]) | {n for _, n in msgs}):
            f.write("%s\t%d\n" % (n, lib.audit_name_to_msg_type(n.encode())))
    errs = []
    for i in range(0, 300):
        n = lib.audit_errno_to_name(i)
        if n:
            errs.append((i, n.decode()))
    with open(os.path.join(ORACLE, "errno-i2s.txt"), "w") as f:
        f.writelines("%d\t%s\n" % x for x in errs)
    with open(os.path.join(ORACLE, "errno-s2i.txt"), "w") as f:
        for n in sorted(set(raw["errno"][1]) | {n for _, n in errs}):
            f.write("%s\t%d\n" % (n, lib.audit_name_to_errno(n.encode())))
    # signals, capabilities, families, errno texts: as `ausearch -i` interprets them
    cases = []
    for i in range(0, 70):
        cases.append(("signal", i, "sig=%d" % i))
    for i in range(0, 70):
        cases.append(("cap", i, "capability=%d" % i))
    for i in range(0, 300):
        cases.append(("exit", i, "exit=-%d" % i))
    for i in range(0, 64):
        cases.append(("family", i, "saddr=%02X00" % i))
    # syscall argument tables, through x86_64 syscalls whose arguments auparse decodes
    for b in range(0, 32):
        cases.append(("oflag", 1 << b, "2 a1=%x" % (1 << b)))
        cases.append(("clone", 1 << b, "56 a2=%x" % (1 << b)))
        cases.append(("mmap", 1 << b, "9 a3=%x" % (1 << b)))
    for b in range(0, 4):
        cases.append(("prot", 1 << b, "9 a2=%x" % (1 | (1 << b))))
        cases.append(("access", 1 << b, "21 a1=%x" % (1 << b)))
    for v in list(range(0, 64)) + list(range(1024, 1088)):
        cases.append(("fcntl", v, "72 a1=%x" % v))
    for v in range(0, 16):
        cases.append(("seek", v, "8 a2=%x" % v))
        cases.append(("socktype", v, "41 a1=%x" % v))
    lines = []
    for k, (_, _, field) in enumerate(cases, 1):
        if field[0].isdigit():
            sc, arg = field.split(" ")
            args = {"a0": "3", "a1": "0", "a2": "0", "a3": "0"}
            args[arg[:2]] = arg[3:]
            lines.append("type=SYSCALL msg=audit(1700000000.000:%d): arch=c000003e syscall=%s "
                         "success=yes exit=0 a0=%s a1=%s a2=%s a3=%s items=0 ppid=1 pid=2 "
                         "auid=1 uid=1 gid=1 euid=1 suid=1 fsuid=1 egid=1 sgid=1 fsgid=1 "
                         "tty=(none) ses=1 comm=\"x\" exe=\"/x\" key=(null)\n"
                         % (k, sc, args["a0"], args["a1"], args["a2"], args["a3"]))
            continue
        lines.append("type=UNKNOWN[1399] msg=audit(1700000000.000:%d): %s\n" % (k, field))
    res = run_ausearch("".join(lines), env)
    missing = [k for k in range(1, len(lines) + 1) if k not in res]
    if missing:
        die("ausearch printed no record for cases %s: %s" % (missing[:5], lines[missing[0] - 1]))
    with open(os.path.join(ORACLE, "ausearch-values.txt"), "w") as f:
        for k, (table, num, field) in enumerate(cases, 1):
            key = field.split("=", 1)[0]
            if key[0].isdigit():
                key = key.split(" ")[1]
            f.write("%s\t%d\t%s\n" % (table, num, res[k][key]))


def run_ausearch(text, env):
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as tf:
        tf.write(text)
        path = tf.name
    try:
        out = subprocess.run(["ausearch", "-i", "-if", path], capture_output=True, env=env,
                             text=True).stdout
    finally:
        os.unlink(path)
    res = {}
    for line in out.splitlines():
        m = re.match(r"type=\S+ msg=audit\([^)]*:(\d+)\) : (.*)$", line)
        if not m:
            continue
        fields = {}
        # values produced here never contain " x=" sequences except saddr
        body = m.group(2).rstrip(" ")
        if body.startswith("saddr="):
            res[int(m.group(1))] = {"saddr": body[len("saddr="):]}
            continue
        for part in re.split(r" (?=[a-z_0-9-]+=)", body):
            k, _, v = part.partition("=")
            fields[k] = v
        res[int(m.group(1))] = fields
    return res


def read_dump(arch):
    res = []
    with open(os.path.join(GOLDEN_SYS, "dump-%s.txt" % arch)) as f:
        for line in f.readlines()[1:]:
            n, name = line.rstrip("\n").split("\t")
            res.append((int(n), name))
    return res


def read_tsv(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def oracle_tables():
    """Oracle's view: {table: (i2s list, s2i dict or None)}."""
    t = {}
    s2i_all = {}
    for tid, name, num in read_tsv(os.path.join(ORACLE, "syscall-s2i.txt")):
        s2i_all.setdefault(tid, {})
        if int(num) >= 0:
            s2i_all[tid][name] = int(num)
    for tid, arch in ORACLE_ARCH.items():
        t["syscall:" + tid] = (read_dump(arch), s2i_all.get(tid, {}))
    t["msgtype"] = ([(int(a), b) for a, b in read_tsv(os.path.join(ORACLE, "msgtype-i2s.txt"))],
                    {a: int(b) for a, b in read_tsv(os.path.join(ORACLE, "msgtype-s2i.txt"))
                     if int(b) >= 0})
    t["errno"] = ([(int(a), b) for a, b in read_tsv(os.path.join(ORACLE, "errno-i2s.txt"))],
                  {a: int(b) for a, b in read_tsv(os.path.join(ORACLE, "errno-s2i.txt"))
                   if int(b) != 0})
    vals = read_tsv(os.path.join(ORACLE, "ausearch-values.txt"))
    unknown = {"signal": "unknown-signal(", "cap": "unknown-capability(",
               "family": "unknown-family("}
    for table in ("signal", "cap", "family"):
        i2s = []
        for tb, num, v in vals:
            if tb != table or v.startswith(unknown[table]):
                continue
            if table == "family":
                m = re.match(r"\{ saddr_fam=(\S+) ", v)
                if not m:
                    continue
                v = m.group(1)
            i2s.append((int(num), v))
        t[table] = (i2s, {})
    # flag/enum tables: one bit or value per case
    drop = {"oflag": "O_RDONLY", "mmap": "MAP_FILE", "prot": "PROT_READ"}
    for table in ("oflag", "clone", "mmap", "prot", "access", "fcntl", "seek", "socktype"):
        i2s = []
        for tb, num, v in vals:
            if tb != table or v.startswith("0x") or v.startswith("unknown"):
                continue
            names = [x for x in v.split("|")
                     if x != drop.get(table) or (table == "prot" and int(num) == 1)]
            if table == "clone" and int(num) < 256:
                continue  # the low byte is the exit signal
            if len(names) == 1:
                i2s.append((int(num), names[0]))
        t[table] = (i2s, {})
    return t


def derive_overlay():
    raw = raw_tables()
    orc = oracle_tables()
    lines = ["# Where audit 3.0.9 differs from the headers. Derived by"
             " `python3 scripts/gen-tables.py overlay`; do not edit by hand.",
             "# TABLE\tOP\tNUMBER\tNAME"]
    for table in sorted(orc):
        ri2s, rs2i = raw[table]
        oi2s, os2i = orc[table]
        rset, oset = set(ri2s), set(oi2s)
        for num, name in sorted(rset - oset):
            lines.append("%s\t-\t%d\t%s" % (table, num, name))
        for num, name in sorted(oset - rset):
            lines.append("%s\t+\t%d\t%s" % (table, num, name))
        if table.startswith("syscall:") or table in ("msgtype", "errno"):
            # name->number: what remains after the i2s fixes, compared to the oracle
            fixed = dict(rs2i)
            for num, name in rset - oset:
                if fixed.get(name) == num:
                    del fixed[name]
            for num, name in oset - rset:
                fixed[name] = num
            for name in sorted(set(fixed) | set(os2i)):
                a, b = fixed.get(name), os2i.get(name)
                if a == b:
                    continue
                if b is None:
                    lines.append("%s\ta-\t%d\t%s" % (table, a, name))
                else:
                    lines.append("%s\ta+\t%d\t%s" % (table, b, name))
    os.makedirs(os.path.dirname(OVERLAY), exist_ok=True)
    with open(OVERLAY, "w") as f:
        f.write("\n".join(lines) + "\n")


# ---------------------------------------------------------------- generate

def rs_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def emit_i2s(out, ident, pairs, doc):
    out.append("/// %s (sorted by number)." % doc)
    out.append("pub(crate) static %s: &[(u32, &str)] = &[" % ident)
    for num, name in pairs:
        out.append("    (%d, %s)," % (num, rs_str(name)))
    out.append("];")
    out.append("")


def emit_s2i(out, ident, s2i, doc):
    out.append("/// %s (sorted by name bytes)." % doc)
    out.append("pub(crate) static %s: &[(&str, u32)] = &[" % ident)
    for name in sorted(s2i, key=lambda s: s.encode()):
        out.append("    (%s, %d)," % (rs_str(name), s2i[name]))
    out.append("];")
    out.append("")


def generate():
    t = apply_overlay(raw_tables(), read_overlay())
    out = ["// @generated by scripts/gen-tables.py from kernel/glibc headers and",
           "// crates/raudit-tables/data/overlay.tsv. Do not edit by hand.",
           ""]
    for tid, *_ in SYSCALL_SOURCES:
        i2s, s2i = t["syscall:" + tid]
        up = tid.upper()
        emit_i2s(out, "SYSCALLS_" + up, i2s, "%s syscalls" % tid)
        emit_s2i(out, "SYSCALLS_BY_NAME_" + up, {k.lower(): v for k, v in s2i.items()},
                 "%s syscall names, audit's aliases included" % tid)
    i2s, s2i = t["msgtype"]
    emit_i2s(out, "MSG_TYPES", i2s, "Record type names")
    emit_s2i(out, "MSG_TYPES_BY_NAME", s2i, "Record type names, aliases included")
    i2s, s2i = t["errno"]
    emit_i2s(out, "ERRNOS", i2s, "errno names")
    emit_s2i(out, "ERRNOS_BY_NAME", s2i, "errno names, aliases included")
    msgs = []
    for num, _ in i2s:
        msgs.append((num, os.strerror(num)))
    emit_i2s(out, "ERRNO_MESSAGES", msgs, "strerror() texts in the C locale")
    emit_i2s(out, "SIGNALS", t["signal"][0], "Signal names as auparse prints them")
    emit_i2s(out, "CAPS", t["cap"][0], "Capability names as auparse prints them")
    emit_i2s(out, "FAMILIES", t["family"][0], "Socket address family names as auparse prints them")
    for table, ident, doc in [
        ("oflag", "OPEN_FLAGS", "open(2) flag bits as auparse names them"),
        ("clone", "CLONE_FLAGS", "clone(2) flag bits as auparse names them"),
        ("mmap", "MMAP_FLAGS", "mmap(2) flag bits as auparse names them"),
        ("prot", "PROT_FLAGS", "mmap/mprotect protection bits as auparse names them"),
        ("access", "ACCESS_FLAGS", "access(2) mode bits as auparse names them"),
        ("fcntl", "FCNTL_CMDS", "fcntl(2) commands as auparse names them"),
        ("seek", "SEEK_WHENCE", "lseek(2) whence values as auparse names them"),
        ("socktype", "SOCK_TYPES", "Socket types as auparse names them"),
    ]:
        emit_i2s(out, ident, t[table][0], doc)
    with open(OUT, "w") as f:
        f.write("\n".join(out).rstrip("\n") + "\n")


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else "generate"
    if cmd == "generate":
        generate()
    elif cmd == "oracle":
        oracle()
    elif cmd == "overlay":
        derive_overlay()
    else:
        die("unknown command " + cmd)


if __name__ == "__main__":
    main()
