#!/usr/bin/env python3
"""Generate raudit-tables' Rust source from primary sources.

Usage (from the repository root):

    python3 scripts/gen-tables.py            # == generate
    python3 scripts/gen-tables.py generate   # headers + overlays -> crates/raudit-tables/src/generated.rs
    python3 scripts/gen-tables.py oracle     # ask the real audit 3.0.9 tools/libraries, write oracle dumps
    python3 scripts/gen-tables.py overlay    # diff header-derived tables against the oracle dumps,
                                             # rewrite crates/raudit-tables/data/overlay.tsv
    python3 scripts/gen-tables.py oracle-args  # only the syscall-argument/field tables' oracle dump
    python3 scripts/gen-tables.py oracle-tty   # probe ausearch for the TTY named keys,
                                               # rewrite crates/raudit-tables/data/tty-keys.tsv

`generate` is deterministic: it reads only kernel/glibc headers (values of
the argument tables are computed by compiling a small C program with gcc),
the committed overlay and the committed TTY key list, so rerunning it reproduces the committed generated.rs
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
The TTY key list (crates/raudit-tables/data/tty-keys.tsv) has no header
source: `oracle-tty` feeds ausearch every byte sequence of a broad grammar
(single control bytes, all 2-byte sequences, all 3-byte escape sequences,
CSI/SS3 forms with parameters) and keeps those printed as one `<name>`.
The `oracle` step additionally needs `auditd` (ausyscall, ausearch) and
`libaudit1` (libaudit.so.1, called through ctypes).

The overlay (crates/raudit-tables/data/overlay.tsv) records where audit
3.0.9's names differ from the headers'. Its lines are
    TABLE <TAB> OP <TAB> NUMBER <TAB> NAME
where OP is `-` (drop this number->name pair from the header list), `+`
(add it), `=` (select this header pair: tables with many header candidates,
such as ioctl requests, keep only those audit names), `a-` (name is not accepted for name->number lookups) or `a+` (name
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



# ------------------------------------------------- syscall-argument tables

HOST_INC = ["/usr/include/x86_64-linux-gnu", "/usr/include"]
# drm/ is only shipped by the cross packages; its structs are fixed-size
DRM_INC = "/usr/aarch64-linux-gnu/include"


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def header_path(h):
    for d in HOST_INC + [DRM_INC]:
        if os.path.exists(os.path.join(d, h)):
            return os.path.join(d, h)
    die("no header " + h)


def c_values(includes, files, name_re, enum=None):
    """(name, value) of the identifiers matching name_re in `files` (header
    paths under the include dirs), in order of first appearance outside
    comments, whose value a C compiler can compute after including
    `includes` (names that are not integer constants are dropped).
    `enum`: only identifiers inside `enum ENUM { ... }`."""
    import tempfile
    names = []
    for h in files:
        text = strip_comments(open(header_path(h)).read())
        if enum:
            m = re.search(r"enum\s+%s\s*\{(.*?)\}" % re.escape(enum), text, re.S)
            text = m.group(1) if m else ""
        for n in re.findall(r"\b(%s)\b(?!\()" % name_re, text):
            if re.fullmatch(name_re, n) and n not in names:
                names.append(n)
    if not names:
        return []
    head = "#define _GNU_SOURCE\n#include <stdio.h>\n" + "".join(
        "#include <%s>\n" % i for i in includes) + "int main(void) {\n"
    body = ["  printf(\"%%s\\t%%lld\\n\", \"%s\", (long long)(%s));\n" % (n, n) for n in names]
    with tempfile.TemporaryDirectory() as td:
        src, exe = os.path.join(td, "v.c"), os.path.join(td, "v")
        for _ in range(50):
            with open(src, "w") as f:
                f.write(head + "".join(body) + "  return 0;\n}\n")
            r = subprocess.run(["gcc", "-w", "-o", exe, src] + ["-idirafter", DRM_INC],
                               capture_output=True, text=True)
            if r.returncode == 0:
                break
            first = head.count("\n") + 1
            bad = {int(x) - first for x in re.findall(r"v\.c:(\d+):\d+: error", r.stderr)}
            bad = {b for b in bad if 0 <= b < len(body)}
            if not bad:
                die("cannot compile values of %s: %s" % (files, r.stderr[:500]))
            body = [b for i, b in enumerate(body) if i not in bad]
        out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    res = []
    for line in out.splitlines():
        n, v = line.split("\t")
        res.append((n, int(v)))
    return res


# Argument/field tables: id -> (kind, includes, files, name regex, name transform, extra)
#   kind "enum": value -> first name in header order; "flags": single-bit values
#   (print order = value order); "select": many header candidates, the overlay
#   selects which ones audit names (op `=`).
def _lower(prefix):
    return lambda n: n[len(prefix):].lower()


ARG_TABLES = [
    ("sockcall", "enum", ["linux/net.h"], ["linux/net.h"], r"SYS_[A-Z]+", _lower("SYS_"), {}),
    ("ipccall", "enum", ["linux/ipc.h"], ["linux/ipc.h"], r"(?:SEM|MSG|SHM)[A-Z]+",
     lambda n: n.lower(), {}),
    ("ioctl", "select",
     ["asm/ioctls.h", "linux/kd.h", "linux/cdrom.h", "linux/sockios.h", "linux/if_bridge.h",
      "drm/drm.h"],
     ["asm-generic/ioctls.h", "linux/kd.h", "linux/cdrom.h", "linux/sockios.h", "drm/drm.h"],
     r"(?:TC|TIOC|FIO|KD|CDROM|SIOC|DRM_IOCTL_)\w+", None, {}),
    ("prctl", "enum", ["linux/prctl.h"], ["linux/prctl.h"], r"PR_\w+", None, {}),
    ("clock", "enum", ["linux/time.h"], ["linux/time.h"], r"CLOCK_\w+", None, {}),
    ("person", "enum", ["linux/personality.h"], ["linux/personality.h"], r"PER_\w+", None,
     {"mask": 0xff}),
    ("ptrace", "enum", ["linux/ptrace.h"], ["linux/ptrace.h", "asm/ptrace-abi.h"],
     r"PTRACE_(?!O_|EVENT|SYSCALL_INFO)\w+", None, {}),
    ("rlimit", "enum", ["asm/resource.h"], ["asm-generic/resource.h"], r"RLIMIT_\w+", None, {}),
    ("sched", "enum", ["linux/sched.h"], ["linux/sched.h"], r"SCHED_[A-Z]+", None, {}),
    ("socklevel", "enum", ["sys/socket.h"], ["x86_64-linux-gnu/bits/socket.h"], r"SOL_\w+", None,
     {}),
    ("sockopt", "enum", ["asm/socket.h"], ["asm-generic/socket.h"],
     r"(?:SO|SCM)_(?!\w*_OLD$)\w+", None, {}),
    ("ipopt", "enum", ["linux/in.h", "linux/netfilter_ipv4/ip_tables.h"],
     ["linux/in.h", "linux/netfilter_ipv4/ip_tables.h"],
     r"IP_(?!PMTUDISC_)\w+|MCAST_(?!INCLUDE|EXCLUDE)\w+|IPT_SO_\w+", None, {}),
    ("ip6opt", "enum", ["linux/in.h", "linux/in6.h", "linux/netfilter_ipv6/ip6_tables.h"],
     ["linux/in6.h", "linux/in.h", "linux/netfilter_ipv6/ip6_tables.h"],
     r"IPV6_(?!FL_|TLV_|PRIORITY_|FLOWINFO_FLOWLABEL|FLOWINFO_PRIORITY|PMTUDISC_|PREFER_)\w+"
     r"|MCAST_(?!INCLUDE|EXCLUDE)\w+|IP6T_SO_\w+", None, {}),
    ("tcpopt", "enum", ["linux/tcp.h"], ["linux/tcp.h"],
     r"TCP_(?!FLAG_|MSS_|REPAIR_OFF|REPAIR_ON|RESERVED_|DATA_OFF|MD5SIG_MAX|CM_|NLA_|AO_|NO_QUEUE"
     r"|RECV_QUEUE|SEND_QUEUE|QUEUES_NR)\w+",
     None, {}),
    ("udpopt", "enum", ["linux/udp.h"], ["linux/udp.h"], r"UDP_(?!ENCAP_)\w+", None, {}),
    ("pktopt", "enum", ["linux/if_packet.h"], ["linux/if_packet.h"],
     r"PACKET_(?!HOST|BROADCAST|MULTICAST|OTHERHOST|OUTGOING|LOOPBACK|USER$|KERNEL$|FANOUT_)\w+",
     None, {}),
    ("epoll", "enum", ["linux/eventpoll.h"], ["linux/eventpoll.h"], r"EPOLL_CTL_\w+", None, {}),
    ("bpf", "enum", ["linux/bpf.h"], ["linux/bpf.h"], r"BPF_\w+", None, {"enum": "bpf_cmd"}),
    ("seccomp", "enum", ["linux/seccomp.h"], ["linux/seccomp.h"], r"SECCOMP_RET_\w+",
     lambda n: n[len("SECCOMP_RET_"):].lower().replace("_", "-"), {}),
    ("nfproto", "enum", ["linux/netfilter.h"], ["linux/netfilter.h"], r"NFPROTO_\w+",
     _lower("NFPROTO_"), {}),
    # names audit prints in its own spelling: all from the overlay
    ("icmptype", "enum", [], [], None, None, {}),
    ("hook", "enum", [], [], None, None, {}),
    ("netaction", "enum", [], [], None, None, {}),
    ("recv", "flags", ["sys/socket.h"], ["x86_64-linux-gnu/bits/socket.h"], r"MSG_\w+", None, {}),
    ("mount", "flags", ["linux/mount.h"], ["linux/mount.h"], r"MS_\w+", None, {}),
    ("umount", "flags", ["sys/mount.h"], ["x86_64-linux-gnu/sys/mount.h"],
     r"(?:MNT|UMOUNT)_\w+", None, {}),
    ("ipccmd", "flags", ["linux/ipc.h"], ["linux/ipc.h"], r"IPC_\w+", None, {"mask": 0o3000}),
    ("shmmode", "flags", ["linux/shm.h"], ["linux/shm.h"], r"SHM_\w+", None, {"mask": 0o14000}),
    ("resolve", "flags", ["linux/openat2.h"], ["linux/openat2.h"], r"RESOLVE_\w+", None, {}),
]


def arg_raw_tables():
    t = {}
    for tid, kind, incs, files, rx, tr, extra in ARG_TABLES:
        vals = c_values(incs, files, rx, extra.get("enum")) if rx else []
        mask = extra.get("mask")
        i2s = {}
        cands = {}
        for n, v in vals:
            if v < 0 or v > 0xffffffff:
                continue
            name = tr(n) if tr else n
            cands.setdefault(v, []).append(name)
            if kind == "flags" and (v == 0 or v & (v - 1)):
                continue
            if mask is not None and v & mask != v:
                continue
            i2s.setdefault(v, name)
        if kind == "select":
            i2s = {}
        t["arg:" + tid] = (sorted(i2s.items()), {}, cands)
    return t


def _sys(arch, nr, **a):
    args = {"a0": "0", "a1": "0", "a2": "0", "a3": "0"}
    args.update(a)
    return ("SYSCALL", "arch=%s syscall=%d success=yes exit=0 a0=%s a1=%s a2=%s a3=%s items=0 "
            "ppid=1 pid=2 auid=1 uid=1 gid=1 euid=1 suid=1 fsuid=1 egid=1 sgid=1 fsgid=1 "
            "tty=(none) ses=1 comm=\"x\" exe=\"/x\" key=(null)"
            % (arch, nr, args["a0"], args["a1"], args["a2"], args["a3"]))


X86, I386 = "c000003e", "40000003"


def arg_probes(raw):
    """table -> (values to probe, v -> (record type, body), field, unknown prefix)."""
    def cand(tid):
        return sorted(v for v in raw["arg:" + tid][2] if 0 <= v <= 0xffffffff)

    def rng(*parts):
        out = set()
        for p in parts:
            out |= set(p)
        return sorted(out)

    bits = [1 << b for b in range(32)]
    x = "%x"
    P = {
        "sockcall": (range(0, 40), lambda v: _sys(I386, 102, a0=x % v), "a0", "unknown-socketcall("),
        "ipccall": (range(0, 40), lambda v: _sys(I386, 117, a0=x % v), "syscall", None),
        "ioctl": (cand("ioctl"), lambda v: _sys(X86, 16, a1=x % v), "a1", "0x"),
        "prctl": (rng(range(0, 100), cand("prctl")), lambda v: _sys(X86, 157, a0=x % v), "a0",
                  "unknown-prctl-option("),
        "clock": (range(0, 16), lambda v: _sys(X86, 227, a0=x % v), "a0", "unknown-clk_id("),
        "person": (range(0, 256), lambda v: _sys(X86, 135, a0=x % v), "a0",
                   "unknown-personality("),
        "ptrace": (rng(range(0, 64), range(0x4200, 0x4240), cand("ptrace")),
                   lambda v: _sys(X86, 101, a0=x % v), "a0", "unknown-ptrace("),
        "rlimit": (range(0, 24), lambda v: _sys(X86, 160, a0=x % v), "a0", "unknown-rlimit("),
        "sched": (range(0, 16), lambda v: _sys(X86, 144, a1=x % v), "a1",
                  "unknown-scheduler-policy("),
        "socklevel": (range(0, 320), lambda v: _sys(X86, 54, a1=x % v), "a1",
                      "unknown-sockopt-level("),
        "sockopt": (range(0, 140), lambda v: _sys(X86, 54, a1="1", a2=x % v), "a2",
                    "unknown-sockopt-name("),
        "ipopt": (range(0, 120), lambda v: _sys(X86, 54, a1="0", a2=x % v), "a2",
                  "unknown-ipopt-name("),
        "ip6opt": (range(0, 120), lambda v: _sys(X86, 54, a1="29", a2=x % v), "a2",
                   "unknown-ip6opt-name("),
        "tcpopt": (range(0, 80), lambda v: _sys(X86, 54, a1="6", a2=x % v), "a2",
                   "unknown-tcpopt-name("),
        "udpopt": (range(0, 120), lambda v: _sys(X86, 54, a1="11", a2=x % v), "a2",
                   "unknown-udpopt-name("),
        "pktopt": (range(0, 60), lambda v: _sys(X86, 54, a1="107", a2=x % v), "a2",
                   "unknown-pktopt-name("),
        "epoll": (range(0, 10), lambda v: _sys(X86, 233, a1=x % v), "a1",
                  "unknown-epoll_ctl-operation("),
        "bpf": (range(0, 64), lambda v: _sys(X86, 321, a0=x % v), "a0", "unknown-bpf-cmd("),
        "seccomp": ([k << 16 for k in rng(range(0x100), range(0x7f00, 0x8000), range(0x7fc0, 0x7fc1))],
                    lambda v: ("SECCOMP", "auid=1 uid=1 gid=1 ses=1 pid=1 comm=\"x\" exe=\"/x\" "
                               "sig=0 arch=c000003e syscall=2 compat=0 ip=0x0 code=0x%x" % v),
                    "code", "unknown-seccomp-code("),
        "nfproto": (range(0, 32), lambda v: ("NETFILTER_CFG", "family=%d" % v), "family",
                    "unknown-netfilter-protocol("),
        "icmptype": (range(0, 256), lambda v: ("NETFILTER_CFG", "icmptype=%d" % v), "icmptype",
                     "unknown-icmp-type("),
        "hook": (range(0, 32), lambda v: ("NETFILTER_CFG", "hook=%x" % v), "hook",
                 "unknown-hook("),
        "netaction": (range(0, 32), lambda v: ("NETFILTER_CFG", "action=%x" % v), "action",
                      "unknown-action("),
        "recv": (bits, lambda v: _sys(X86, 46, a2=x % v), "a2", "0x"),
        "mount": (bits, lambda v: _sys(X86, 165, a3=x % v), "a3", "0x"),
        "umount": (bits, lambda v: _sys(X86, 166, a1=x % v), "a1", "0x"),
        "ipccmd": ([0o1000, 0o2000], lambda v: _sys(X86, 29, a2=x % v), "a2", None),
        "shmmode": ([0o4000, 0o10000], lambda v: _sys(X86, 29, a2=x % v), "a2", None),
        "resolve": (bits, lambda v: ("OPENAT2", "oflag=0x0 mode=0 resolve=0x%x" % v), "resolve",
                    "0x"),
    }
    return P


def arg_oracle(env):
    raw = arg_raw_tables()
    probes = arg_probes(raw)
    cases = []
    for tid, (vals, rec, field, _) in probes.items():
        for v in vals:
            cases.append((tid, v, rec(v), field))
        if tid in ("recv", "mount", "umount", "resolve"):
            cases.append((tid + ":order", 0xffffffff, rec(0xffffffff), field))
    lines = ["type=%s msg=audit(1700000000.000:%d): %s\n" % (r[0], k, r[1])
             for k, (_, _, r, _) in enumerate(cases, 1)]
    res = run_ausearch_raw("".join(lines), env)
    with open(os.path.join(ORACLE, "ausearch-args.txt"), "w") as f:
        for k, (tid, v, _, field) in enumerate(cases, 1):
            body = res.get(k)
            if body is None:
                die("ausearch printed nothing for %s %d" % (tid, v))
            m = re.search(r"(?:^| )%s=(\S*)" % re.escape(field), body)
            f.write("%s\t%d\t%s\n" % (tid, v, m.group(1) if m else ""))


def run_ausearch_raw(text, env):
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
        if m:
            res[int(m.group(1))] = m.group(2)
    return res


def protocols():
    res = {}
    with open("/etc/protocols") as pf:
        for line in pf:
            parts = line.split("#", 1)[0].split()
            if len(parts) >= 2 and parts[1].isdigit():
                res.setdefault(int(parts[1]), parts[0])
    return res


def arg_oracle_tables():
    """{"arg:TABLE": i2s list} as ausearch prints them (ausearch-args.txt)."""
    raw = arg_raw_tables()
    probes = arg_probes(raw)
    protos = protocols()
    rows = read_tsv(os.path.join(ORACLE, "ausearch-args.txt"))
    t = {tid: [] for tid in probes}
    for tid, v, out in rows:
        v = int(v)
        if tid.endswith(":order"):
            continue
        unknown = probes[tid][3]
        if unknown and out.startswith(unknown):
            continue
        name = out
        if tid == "ipccall":
            m = re.fullmatch(r"ipc\((.*)\)", out)
            if not m:
                continue
            name = m.group(1)
        elif tid == "socklevel":
            if v == 1 or v in protos:
                continue  # SOL_SOCKET and /etc/protocols names come first
        elif tid == "person":
            pass
        elif tid in ("ipccmd", "shmmode"):
            name = out.split("|")[0]
        elif tid == "seccomp":
            if v & 0x7fff0000 != v:
                continue
        t[tid].append((v, name))
    return {"arg:" + k: v for k, v in t.items()}


# ------------------------------------------------------- TTY named keys

TTY_KEYS = os.path.join(CRATE, "data", "tty-keys.tsv")


def tty_parse(out):
    """Parse ausearch's TTY data rendering into [("key", name) | ("byte", b)]."""
    items, i = [], 0
    while i < len(out):
        c = out[i]
        if c == ",":
            i += 1
        elif c == "<":
            j = out.index(">", i + 1)
            # a name never holds '>' or ','; '<' may be the name itself
            items.append(("key", out[i + 1:j]))
            i = j + 1
        elif c == '"':
            i += 1
            while out[i] != '"':
                if out[i] == "\\":
                    if out[i + 1] in "01234567":
                        items.append(("byte", int(out[i + 1:i + 4], 8)))
                        i += 4
                    else:
                        items.append(("byte", ord(out[i + 1])))
                        i += 2
                else:
                    items.append(("byte", ord(out[i])))
                    i += 1
            i += 1
        else:
            raise ValueError("unexpected %r at %d in %r" % (c, i, out[:200]))
    return items


def tty_probe_sets():
    leads = list(range(1, 0x20)) + list(range(0x7f, 0xa0))
    yield [bytes([b]) for b in leads]
    yield [bytes([b, c]) for b in leads for c in range(1, 256)]
    yield [bytes([b, c, d]) for b in (0x1b, 0x8f, 0x9b) for c in range(1, 256)
           for d in range(1, 256)]
    # CSI/SS3-like: optional private marker, a number, an optional ;modifier, a final byte
    nums = [""] + [str(n) for n in range(10)] + ["%02d" % n for n in range(100)]
    params = {n + m for n in nums for m in [""] + [";%d" % m for m in range(1, 17)]}
    params |= {pm + n for pm in "<=>?" for n in nums[:11]}
    params3 = {"%03d" % n for n in range(1000)}
    finals = [chr(c) for c in range(0x40, 0x7f)] + ["$", "^", "@"]
    out = []
    for pre in (b"\x1b[", b"\x1bO", b"\x9b", b"\x8f", b"\x1b[[", b"\x1b\x1b[", b"\x1b\x1bO"):
        ps = params | params3 if pre in (b"\x1b[", b"\x9b") else params
        for pa in sorted(ps):
            for f in finals:
                seq = pre + pa.encode() + f.encode()
                if len(seq) > 3:
                    out.append(seq)
    yield out


def tty_oracle():
    """Ask the real ausearch which byte sequences it names in TTY data; write
    data/tty-keys.tsv (hex sequence, name), longest match semantics."""
    env = dict(os.environ, TZ="UTC", LC_ALL="C")
    found = {}
    for probes in tty_probe_sets():
        recs, cur, size = [], [], 0
        for p in probes:
            cur.append(p)
            size += len(p) + 1
            if size > 2500:
                recs.append(cur)
                cur, size = [], 0
        if cur:
            recs.append(cur)
        lines = []
        for k, group in enumerate(recs, 1):
            data = b"".join(p + b"\x00" for p in group)
            lines.append("type=TTY msg=audit(1700000000.000:%d): tty pid=1 uid=0 auid=0 ses=1 "
                         "major=136 minor=0 comm=\"x\" data=%s\n" % (k, data.hex().upper()))
        res = run_ausearch_raw("".join(lines), env)
        for k, group in enumerate(recs, 1):
            body = res[k]
            items = tty_parse(body.split(" data=", 1)[1])
            segs, seg = [], []
            for it in items:
                if it == ("byte", 0):
                    segs.append(seg)
                    seg = []
                else:
                    seg.append(it)
            if len(segs) != len(group):
                die("tty: %d segments for %d probes" % (len(segs), len(group)))
            for p, sg in zip(group, segs):
                if len(sg) == 1 and sg[0][0] == "key":
                    old = found.get(p)
                    if old and old != sg[0][1]:
                        die("tty: %r named %s and %s" % (p, old, sg[0][1]))
                    found[p] = sg[0][1]
    with open(TTY_KEYS, "w") as f:
        f.write("# Byte sequences `ausearch -i` (audit 3.0.9) names in TTY data, found by\n"
                "# `python3 scripts/gen-tables.py oracle-tty`; do not edit by hand.\n"
                "# HEX\tNAME\n")
        for p in sorted(found):
            f.write("%s\t%s\n" % (p.hex(), found[p]))


def read_tty_keys():
    keys = []
    with open(TTY_KEYS) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            h, name = line.rstrip("\n").split("\t")
            keys.append((bytes.fromhex(h), name))
    return keys


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
    for table, (i2s, s2i, *rest) in raw.items():
        cands = rest[0] if rest else {}
        i2s = dict(i2s)
        s2i = dict(s2i)
        for tb, op, num, name in ov:
            if tb != table:
                continue
            if op == "=":
                if name not in cands.get(num, []):
                    die("overlay: headers have no %s = %d for %s" % (name, num, table))
                i2s[num] = name
            elif op == "-":
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
    arg_oracle(env)
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
    raw.update(arg_raw_tables())
    orc = oracle_tables()
    orc.update({k: (v, {}) for k, v in arg_oracle_tables().items()})
    kinds = {"arg:" + a[0]: a[1] for a in ARG_TABLES}
    lines = ["# Where audit 3.0.9 differs from the headers. Derived by"
             " `python3 scripts/gen-tables.py overlay`; do not edit by hand.",
             "# TABLE\tOP\tNUMBER\tNAME"]
    for table in sorted(orc):
        ri2s, rs2i, *rest = raw[table]
        oi2s, os2i = orc[table]
        rset, oset = set(ri2s), set(oi2s)
        if kinds.get(table) == "select":
            for num, name in sorted(oset):
                op = "=" if name in rest[0].get(num, []) else "+"
                lines.append("%s\t%s\t%d\t%s" % (table, op, num, name))
            continue
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
    raw = raw_tables()
    raw.update(arg_raw_tables())
    t = apply_overlay(raw, read_overlay())
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
    for tid, kind, *_ in ARG_TABLES:
        emit_i2s(out, "ARG_" + tid.upper(), t["arg:" + tid][0],
                 "`%s` %s as auparse names them" % (tid, "flag bits" if kind == "flags"
                                                     else "values"))
    keys = sorted(read_tty_keys())
    out.append("/// Byte sequences auparse names in TTY data (sorted by bytes).")
    out.append("pub(crate) static TTY_KEYS: &[(&[u8], &str)] = &[")
    for seq, name in keys:
        out.append("    (b\"%s\", %s)," % ("".join("\\x%02x" % c for c in seq), rs_str(name)))
    out.append("];")
    out.append("")
    with open(OUT, "w") as f:
        f.write("\n".join(out).rstrip("\n") + "\n")


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else "generate"
    if cmd == "generate":
        generate()
    elif cmd == "oracle":
        oracle()
    elif cmd == "oracle-tty":
        tty_oracle()
    elif cmd == "oracle-args":
        arg_oracle(dict(os.environ, TZ="UTC", LC_ALL="C"))
    elif cmd == "overlay":
        derive_overlay()
    else:
        die("unknown command " + cmd)


if __name__ == "__main__":
    main()
