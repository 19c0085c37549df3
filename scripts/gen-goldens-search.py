#!/usr/bin/env python3
"""gen-goldens-search.py — golden files for `raudit search` from the real ausearch.

Usage:
  scripts/gen-goldens-search.py [--only SUBSTR] [--jobs N] [--max-full BYTES] [--check]

Needs: the real `ausearch` 3.0.9 (Debian `auditd`), python3, the corpus at
../shared/corpus (relative to the repo root; logs from it are skipped with a
warning when it is missing) and the logs under tests/data/logs/. Run it from
anywhere; it works from the repo root. Output: tests/golden/search/*.golden,
one file per log (or log directory), read by crates/raudit/tests/search_golden.rs.

For every log it runs ausearch (TZ=UTC LC_ALL=C, stdin /dev/null or a pipe)
over a matrix of output formats, escapes and selections whose values are
taken from the log itself (the first candidate that matches something is
kept) plus values that match nothing, time ranges inside the log, stdin
input, --debug, and (once) argument errors. Each case stores argv, the exit
code, stdout and stderr.

Licence: logs from GPL/LGPL sources (GPL_SOURCES below, see
../shared/corpus/SOURCES.md) are stored as SHA-256 digests only (plus byte
and line counts); other logs get the full expected output, except outputs
larger than --max-full bytes, which are stored as digests too to keep the
tree small. `--check` regenerates into memory and reports files that differ.

File format (binary-safe, length-prefixed):
  # comment lines (log path, log sha256, mode, resolved uids/gids)
  log: PATH                       (relative to the repo root)
  === case N group=GROUP
  argv: ["-if", "PATH", "-k", "x"]   (JSON; argv after the tool name)
  stdin: none | pipe              (pipe: the log's bytes are written to stdin)
  exit: CODE
  stdout: text BYTES LINES\\n<BYTES raw bytes>\\n
       or stdout: sha256 HEX BYTES LINES\\n
       or stdout: same CASE STREAM BYTES LINES\\n  (identical to that earlier case's
                                                 stdout/stderr in this file)
  stderr: (same forms)
"""
import argparse
import collections
import grp
import hashlib
import json
import os
import pwd
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS_REL = "../shared/corpus/logs"
DATA_REL = "tests/data/logs"
OUT_REL = "tests/golden/search"
AUSEARCH = "/usr/sbin/ausearch"

# Corpus sources whose content must not be committed (GPL/LGPL, or dual
# licensed with a GPL file present).
GPL_SOURCES = {
    "SELinuxProject__selinux",
    "ait-aecid__aecid-parsergenerator",
    "apparmor__apparmor",
    "hillu__linux-audit-parser-rs",
    "linux-audit__audit-userspace",
    "roddhjav__apparmor.d",
    "threathunters-io__laurel",
    "megacoder__generic-prettyprinter",
}

ENV = {"TZ": "UTC", "LC_ALL": "C", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}

UNSET = {"4294967295", "-1", "unset", "(none)", "?", "(null)", ""}


# ---------------------------------------------------------------- log scan

FIELD_RE = re.compile(rb'([A-Za-z0-9_\-]+)=("[^"]*"|\'[^\']*\'|\S*)')
HDR_RE = re.compile(rb"msg=audit\((\d+)\.(\d+):(\d+)\)")


def unhex(v):
    """Decode an audit hex string, if the value is one."""
    if len(v) >= 2 and len(v) % 2 == 0 and re.fullmatch(rb"[0-9A-F]+", v):
        try:
            return bytes.fromhex(v.decode())
        except ValueError:
            return v
    return v


class Scan:
    """Field values found in a log, by field name, with counts."""

    def __init__(self, data):
        self.values = collections.defaultdict(collections.Counter)
        self.types = collections.Counter()
        self.times = []
        self.serials = []
        self.arches = collections.Counter()
        self.syscalls = collections.Counter()  # (arch, number)
        for raw in data.split(b"\n"):
            line = raw.split(b"\x1d", 1)[0]
            m = re.search(rb"type=(\S+)", line)
            if m:
                self.types[m.group(1)] += 1
            h = HDR_RE.search(line)
            if h:
                self.times.append(int(h.group(1)))
                self.serials.append(h.group(3))
            if line.startswith(b"node="):
                self.values["node"][line[5:].split(b" ", 1)[0]] += 1
            body = line[h.end():] if h else line
            fields = []
            for k, v in FIELD_RE.findall(body):
                if v.startswith(b"'") and v.endswith(b"'") and len(v) >= 2:
                    fields += FIELD_RE.findall(v[1:-1])
                    continue
                fields.append((k, v))
            d = {}
            for k, v in fields:
                if v.startswith(b'"') and v.endswith(b'"') and len(v) >= 2:
                    v = v[1:-1]
                elif k in (b"key", b"exe", b"comm", b"name", b"cwd", b"acct", b"cmd"):
                    v = unhex(v)
                d.setdefault(k, v)
                self.values[k.decode("ascii", "replace")][v] += 1
            if m and m.group(1) == b"SYSCALL" and b"arch" in d and b"syscall" in d:
                self.arches[d[b"arch"]] += 1
                self.syscalls[(d[b"arch"], d[b"syscall"])] += 1

    def candidates(self, *names, n=3, skip=UNSET, ascii_only=True):
        """Most common values of the given fields, usable as an argument."""
        c = collections.Counter()
        for name in names:
            c.update(self.values.get(name, {}))
        out = []
        for v, _ in c.most_common():
            try:
                s = v.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if s in skip or (ascii_only and not s.isprintable()) or len(s) > 200:
                continue
            if s.startswith("-"):  # would read as an option
                continue
            out.append(s)
            if len(out) >= n:
                break
        return out


def syscall_name(arch, num):
    archname = {b"c000003e": "x86_64", b"40000003": "i386", b"c00000b7": "aarch64"}.get(arch)
    if not archname:
        return None
    try:
        r = subprocess.run(["ausyscall", archname, num.decode()], capture_output=True, env=ENV, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    s = r.stdout.decode().strip()
    return s if r.returncode == 0 and s and archname == "x86_64" else None


def fmt_time(t):
    return time.strftime("%m/%d/%y %H:%M:%S", time.gmtime(t)).split(" ")


# ---------------------------------------------------------------- running


def run(argv, stdin_bytes=None):
    try:
        r = subprocess.run(
            [AUSEARCH] + argv,
            cwd=REPO,
            env=ENV,
            input=stdin_bytes,
            stdin=None if stdin_bytes is not None else subprocess.DEVNULL,
            capture_output=True,
            timeout=600,
        )
    except subprocess.TimeoutExpired:
        return (124, b"", b"timeout\n")
    return (r.returncode, r.stdout, r.stderr)


class Log:
    def __init__(self, rel, kind):
        self.rel = rel  # path relative to the repo root, as passed to -if
        self.kind = kind  # "file" or "dir"
        self.abs = os.path.normpath(os.path.join(REPO, rel))
        if rel.startswith(CORPUS_REL):
            source = rel[len(CORPUS_REL) + 1:].split("/", 1)[0]
            self.digest = source in GPL_SOURCES
        else:
            self.digest = False
        if kind == "file":
            with open(self.abs, "rb") as f:
                self.data = f.read()
        else:
            names = sorted(os.listdir(self.abs), reverse=True)  # audit.log.N ... audit.log
            self.data = b"".join(open(os.path.join(self.abs, n), "rb").read() for n in names)

    @property
    def ident(self):
        if self.rel.startswith(CORPUS_REL):
            return "corpus__" + self.rel[len(CORPUS_REL) + 1:].replace("/", "__")
        return self.rel[len(DATA_REL) + 1:].replace("/", "__")


def build_cases(log, scan, is_first):
    """(group, argv-without-input, mode, alternatives) tuples.

    alternatives: a list of argv candidates, the first that matches is kept
    (exit 0); when none match, the first is kept.
    """
    cases = []

    def add(group, *alts, mode="file"):
        alts = [a for a in alts if a is not None]
        if alts:
            cases.append((group, alts, mode))

    def sel(group, opt, values, nomatch=None):
        if values:
            add(group, *[[opt, v] for v in values])
        if nomatch is not None:
            add(group + "-none", [opt, nomatch])

    # Output formats over everything.
    for f in ([], ["--raw"], ["-i"], ["-i", "-l"], ["--format", "raw"], ["--format", "default"],
              ["--format", "interpret"], ["--format", "csv"], ["--format", "text"],
              ["--format", "csv", "--extra-keys", "--extra-labels", "--extra-obj2", "--extra-time"],
              ["--format", "csv", "--extra-time"], ["--format", "csv", "--extra-obj2"],
              ["--format", "csv", "--extra-keys"], ["--format", "csv", "--extra-labels", "-i"],
              ["--format", "text", "-i"], ["-r"]):
        add("format", f)
    for e in ("raw", "tty", "shell", "shell_quote"):
        add("escape", ["-i", "--escape", e])
    add("escape", ["--escape", "shell", "--format", "csv"])
    add("debug", ["--debug"])
    add("debug", ["--debug", "-i"])
    add("eoe", ["--eoe-timeout", "1"])
    add("eoe", ["--eoe-timeout", "60", "-i"])

    keys = []
    for k in scan.candidates("key", n=8):
        keys += [x for x in k.split("\x01") if x and x not in keys]
    sel("key", "-k", keys[:3], nomatch="no-such-key")
    if keys:
        add("key", ["-k", keys[0], "-i"])
        add("key", ["-k", keys[0], "--format", "csv"])
        add("key", ["-k", keys[0], "--format", "text"])
        add("key", ["-k", keys[0], "--just-one"])
        add("key", ["-k", keys[0], "-sv", "no", "-i"])
        add("key", ["-w", "-k", keys[0]])

    types = [t.decode("ascii", "replace") for t, _ in scan.types.most_common()]
    types = [t for t in types if re.fullmatch(r"[A-Z_0-9]+", t)]
    add("msgtype", ["-m", "ALL"])
    add("msgtype", ["-m", "ALL", "--just-one"])
    for t in types[:3]:
        add("msgtype", ["-m", t])
    if types:
        add("msgtype", ["-m", types[-1], "-i"])
        add("msgtype", ["-m", ",".join(types[:2] + types[-1:])])
    add("msgtype-none", ["-m", "VIRT_CONTROL"])

    sel("pid", "-p", scan.candidates("pid"), nomatch="999999999")
    sel("pid", "-pp", scan.candidates("ppid"))
    sel("uid", "-ui", scan.candidates("uid", skip=UNSET - {"4294967295"}), nomatch="424242")
    sel("uid", "-ue", scan.candidates("euid"))
    sel("uid", "-ua", scan.candidates("auid", "uid"))
    sel("uid", "-ul", scan.candidates("auid"))
    sel("gid", "-gi", scan.candidates("gid"), nomatch="424242")
    sel("gid", "-ge", scan.candidates("egid"))
    sel("gid", "-ga", scan.candidates("gid", "egid"))
    exes = scan.candidates("exe")
    sel("exe", "-x", exes, nomatch="/no/such/exe")
    if exes:
        add("exe", ["-w", "-x", exes[0]])
        add("exe", ["-x", os.path.basename(exes[0])], ["-x", exes[0][:3]])
        add("exe", ["-w", "-x", os.path.basename(exes[0])])
    sel("comm", "-c", scan.candidates("comm"), nomatch="no-such-comm")
    # Values that were hex-encoded in the log (spaces, quotes, non-ASCII).
    for opt, names_ in (("-x", ("exe",)), ("-c", ("comm",)), ("-f", ("name", "cwd"))):
        odd = [v for v in scan.candidates(*names_, n=50) if not re.fullmatch(r"[\x21-\x7e]+", v)]
        if odd:
            add("encoded", [opt, odd[0]])
            add("encoded", [opt, odd[0], "-i"])

    scs = []
    for (arch, num), _ in scan.syscalls.most_common(3):
        scs.append(num.decode())
        name = syscall_name(arch, num)
        if name:
            add("syscall", ["-sc", name])
            add("syscall", ["-sc", name, "-i"])
    sel("syscall", "-sc", scs)
    add("syscall-none", ["-sc", "reboot"])
    add("success", ["-sv", "yes"])
    add("success", ["-sv", "no"])
    exits = scan.candidates("exit", skip=UNSET)
    sel("exit", "-e", exits, nomatch="-95")
    errnames = {"-2": "ENOENT", "-13": "EACCES", "-1": "EPERM", "-111": "ECONNREFUSED", "-3": "ESRCH"}
    for e in exits:
        if e in errnames:
            add("exit", ["-e", errnames[e]])
            break
    names = scan.candidates("name", "path", skip=UNSET | {"(null)"})
    sel("file", "-f", names, nomatch="/no/such/file")
    if names:
        add("file", ["-w", "-f", names[0]])
        add("file", ["-f", os.path.basename(names[0]) or names[0]])
        add("file", ["-w", "-f", os.path.basename(names[0]) or names[0]])
    hosts = scan.candidates("hostname", "addr", "laddr")
    sel("host", "-hn", hosts, nomatch="no.such.host")
    if hosts:
        add("host", ["-w", "-hn", hosts[0]])
    sel("node", "-n", scan.candidates("node", skip=set()), nomatch="no-such-node")
    sel("terminal", "-tm", scan.candidates("terminal", "tty"), nomatch="no-such-tty")
    sel("session", "--session", scan.candidates("ses"), nomatch="999999")
    if scan.serials:
        mid = scan.serials[len(scan.serials) // 2].decode()
        add("event", ["-a", mid])
        add("event", ["-a", scan.serials[0].decode(), "-i"])
    add("event-none", ["-a", "999999999"])
    subj = scan.candidates("subj", "scontext")
    obj = scan.candidates("obj", "tcontext")
    sel("label", "-se", subj + obj)
    sel("label", "-su", subj, nomatch="no_u:no_r:no_t:s0")
    sel("label", "-o", obj)
    sel("virt", "-uu", scan.candidates("uuid", "vm-uuid"), nomatch="00000000-0000-0000-0000-000000000000")
    sel("virt", "-vm", scan.candidates("vm", "vm-name"), nomatch="no-such-vm")
    add("arch", ["--arch", "b64"])
    add("arch", ["--arch", "b32"])
    if scan.syscalls:
        add("arch", ["--arch", "b64", "-sc", "execve"])
        add("arch", ["--arch", "b32", "-sc", "open", "-i"])

    # Time ranges inside the log.
    ts = sorted(set(t for t in scan.times if 100000000 < t < 4000000000))
    if ts:
        lo, hi = ts[len(ts) // 3], ts[(2 * len(ts)) // 3]
        add("time", ["-ts"] + fmt_time(lo))
        add("time", ["-te"] + fmt_time(hi))
        add("time", ["-ts"] + fmt_time(lo) + ["-te"] + fmt_time(hi))
        add("time", ["-ts"] + fmt_time(lo) + ["-te"] + fmt_time(hi) + ["-i"])
        add("time", ["-ts", fmt_time(ts[0])[0]])
        add("time", ["-ts", fmt_time(ts[-1])[0], "23:59:59"])
        # A bare date as -te means "that day at the current time of day": not
        # reproducible, so the time is always given.
        add("time", ["-te", fmt_time(ts[0])[0], "23:59:59"])
        add("time-none", ["-ts"] + fmt_time(ts[-1] + 86400 * 400))

    # Combinations.
    uids = scan.candidates("auid", "uid")
    if keys and uids:
        add("combo", ["-k", keys[0], "-ua", uids[0], "--format", "csv", "--extra-labels"])
    if types and scan.candidates("pid"):
        add("combo", ["-m", types[0], "-p", scan.candidates("pid")[0], "-i"])
    if ts and keys:
        add("combo", ["-k", keys[-1], "-ts"] + fmt_time(lo) + ["--just-one", "--raw"])

    # stdin (a pipe; not for directories).
    if log.kind == "file":
        add("stdin", [], mode="stdin")
    if log.kind == "file" and not log.rel.startswith(CORPUS_REL):
        add("stdin", ["-i"], mode="stdin")
        add("stdin", ["--format", "csv"], mode="stdin")
        if keys:
            add("stdin", ["-k", keys[0]], mode="stdin")

    if is_first:
        # Argument errors and usage: independent of the log.
        for a in (["-m", "BOGUS"], ["-sc", "nosuchcall"], ["-ts", "99/99/99"], ["-ts", "13:61:00"],
                  ["-ts", "01/01/2020"], ["-ts", "bogus-keyword"], ["-p", "abc"], ["-p", "-5"],
                  ["-k"], ["-x"], ["--format", "bogus"], ["--escape", "bogus"], ["--bogus-option"],
                  ["-ui", "notanumber"], ["-ui", "root"], ["-ue", "root"], ["-gi", "root"], ["-sv", "maybe"],
                  ["-e", "1.5"], ["-e", "ENOSUCH"], ["--eoe-timeout", "0"], ["--eoe-timeout", "abc"],
                  ["-i", "-r"], ["-te", "01/01/2000", "-ts", "01/01/2030"], ["--arch", "b99"],
                  ["--session", "x"], ["-a", "x"], ["-n"], ["-v"], ["--help"], ["-h"], ["-i", "--format", "raw"],
                  ["--extra-keys"], ["--format", "csv", "--format", "text"], ["--just-one", "-i", "--raw"],
                  ["-ul", "-1"], ["-ua", "4294967295"], ["--checkpoint"], ["-w"], ["-c"], ["-m", "syscall,path"]):
            add("errors", a)
        add("errors", ["-if", "no/such/file.log", "-m", "ALL"], mode="raw")
        add("errors", ["-if", "tests/data/logs/bad", "-m", "ALL"], mode="raw")
    return cases


def input_args(log, alt, mode):
    if mode == "file":
        return ["-if", log.rel] + alt, None
    if mode == "stdin":
        return list(alt), log.data
    return list(alt), None  # raw / devnull: argv as given


def gen_log(log, is_first, max_full):
    scan = Scan(log.data)
    cases = build_cases(log, scan, is_first)
    seen = set()
    results = []
    for group, alts, mode in cases:
        chosen = None
        for alt in alts[:3]:
            argv, stdin = input_args(log, alt, mode)
            key = (json.dumps(argv), mode)
            if key in seen:
                continue
            res = run(argv, stdin)
            if chosen is None or (chosen[3][0] != 0 and res[0] == 0):
                chosen = (group, argv, mode, res)
            if res[0] == 0:
                break
        if chosen is None:
            continue
        seen.add((json.dumps(chosen[1]), chosen[2]))
        results.append(chosen)
    return render(log, scan, results, max_full)


def lines_of(b):
    return b.count(b"\n") + (1 if b and not b.endswith(b"\n") else 0)


def passwd_note(scan):
    uids, gids = set(), set()
    for n in ("uid", "auid", "euid", "suid", "fsuid", "ouid", "oauid", "sauid", "old-auid", "id", "inode_uid"):
        for v in scan.values.get(n, {}):
            if v.isdigit():
                uids.add(int(v))
    for n in ("gid", "egid", "sgid", "fsgid", "ogid", "inode_gid"):
        for v in scan.values.get(n, {}):
            if v.isdigit():
                gids.add(int(v))
    u, g = [], []
    # Unresolved ids are recorded too (as N=?): the harness skips a log's cases when
    # this machine's databases now answer differently for any of them.
    for x in sorted(uids):
        try:
            u.append(f"{x}={pwd.getpwuid(x).pw_name}")
        except KeyError:
            u.append(f"{x}=?")
        except OverflowError:
            pass
    for x in sorted(gids):
        try:
            g.append(f"{x}={grp.getgrgid(x).gr_name}")
        except KeyError:
            g.append(f"{x}=?")
        except OverflowError:
            pass
    return " ".join(u) or "-", " ".join(g) or "-"


def render(log, scan, results, max_full):
    users, groups = passwd_note(scan)
    out = bytearray()
    out += b"# Golden outputs of the real ausearch 3.0.9 (TZ=UTC LC_ALL=C), by scripts/gen-goldens-search.py.\n"
    out += b"# Do not edit; regenerate. Format: see the script's docstring.\n"
    out += f"# log-sha256: {hashlib.sha256(log.data).hexdigest()}\n".encode()
    if log.digest:
        out += b"# mode: digest (the log's licence keeps its content out of this repo; outputs are SHA-256 only)\n"
    else:
        out += f"# mode: full (outputs over {max_full} bytes are stored as SHA-256)\n".encode()
    out += f"# -i resolved these ids from this machine's user database: uids {users}; gids {groups}\n".encode()
    out += f"log: {log.rel}\n".encode()
    out += f"kind: {log.kind}\n".encode()
    seen = {}  # output bytes -> first case that produced them
    for i, (group, argv, mode, (rc, so, se)) in enumerate(results):
        out += f"=== case {i} group={group}\n".encode()
        out += b"argv: " + json.dumps(argv, ensure_ascii=True).encode() + b"\n"
        out += f"stdin: {'pipe' if mode == 'stdin' else 'none'}\n".encode()
        out += f"exit: {rc}\n".encode()
        for name, data in (("stdout", so), ("stderr", se)):
            ref = seen.get(data)
            if ref is not None and len(data) > 64:
                out += f"{name}: same {ref[0]} {ref[1]} {len(data)} {lines_of(data)}\n".encode()
                continue
            seen.setdefault(data, (i, name))
            if log.digest or len(data) > max_full:
                out += f"{name}: sha256 {hashlib.sha256(data).hexdigest()} {len(data)} {lines_of(data)}\n".encode()
            else:
                out += f"{name}: text {len(data)} {lines_of(data)}\n".encode() + data + b"\n"
    return log.ident, bytes(out), len(results)


def find_logs(only):
    logs = []
    corpus_abs = os.path.normpath(os.path.join(REPO, CORPUS_REL))
    if os.path.isdir(corpus_abs):
        for root, dirs, files in os.walk(corpus_abs):
            dirs.sort()
            for f in sorted(files):
                rel = os.path.relpath(os.path.join(root, f), REPO)
                logs.append(Log(rel, "file"))
    else:
        print(f"WARNING: {corpus_abs} missing: corpus goldens not regenerated", file=sys.stderr)
    data_abs = os.path.join(REPO, DATA_REL)
    for root, dirs, files in os.walk(data_abs):
        dirs.sort()
        relroot = os.path.relpath(root, REPO)
        if os.path.basename(root) == "rotated":
            logs.append(Log(relroot, "dir"))
            continue
        for f in sorted(files):
            logs.append(Log(os.path.join(relroot, f), "file"))
    first = next((lg for lg in logs if lg.rel.endswith("recorded/raw.log")), logs[0] if logs else None)
    if only:
        logs = [lg for lg in logs if only in lg.rel]
    return logs, first


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", help="only logs whose path contains this")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-full", type=int, default=48 * 1024)
    ap.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    a = ap.parse_args()
    if not os.access(AUSEARCH, os.X_OK):
        sys.exit(f"{AUSEARCH} not found: apt-get install -y auditd")
    v = subprocess.run([AUSEARCH, "-v"], capture_output=True).stdout.decode()
    if "3.0.9" not in v:
        sys.exit(f"need ausearch 3.0.9, found: {v.strip()}")
    logs, first = find_logs(a.only)
    outdir = os.path.join(REPO, OUT_REL)
    os.makedirs(outdir, exist_ok=True)
    t0 = time.time()
    total = 0
    differ = []
    with ThreadPoolExecutor(a.jobs) as ex:
        futs = [ex.submit(gen_log, lg, lg is first, a.max_full) for lg in logs]
        for lg, fut in zip(logs, futs):
            ident, text, n = fut.result()
            total += n
            path = os.path.join(outdir, ident + ".golden")
            if a.check:
                old = open(path, "rb").read() if os.path.exists(path) else None
                if old != text:
                    differ.append(ident)
            else:
                with open(path, "wb") as f:
                    f.write(text)
            print(f"{n:4d} cases  {len(text):9d} bytes  {lg.rel}", file=sys.stderr)
    if not a.only and not a.check:
        idents = {lg.ident + ".golden" for lg in logs}
        for f in os.listdir(outdir):
            if f.endswith(".golden") and f not in idents and (os.path.isdir(os.path.join(REPO, CORPUS_REL)) or not f.startswith("corpus__")):
                os.unlink(os.path.join(outdir, f))
                print(f"removed stale {f}", file=sys.stderr)
    print(f"{total} cases over {len(logs)} logs in {time.time() - t0:.0f} s", file=sys.stderr)
    if a.check:
        for d in differ:
            print(f"DIFFERS: {d}")
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
