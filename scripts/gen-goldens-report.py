#!/usr/bin/env python3
"""gen-goldens-report.py — golden files for `raudit report` from the real aureport.

Usage:
  scripts/gen-goldens-report.py [--only SUBSTR] [--jobs N] [--max-full BYTES] [--check]

Needs: the real `aureport` 3.0.9 (Debian `auditd`), python3, the corpus at
../shared/corpus (relative to the repo root; logs from it are skipped with a
warning when it is missing) and the logs under tests/data/logs/. Output:
tests/golden/report/*.golden, one file per log (or log directory), read by
crates/raudit/tests/report_golden.rs.

For every log it runs aureport (TZ=UTC LC_ALL=C, stdin /dev/null or a pipe)
over every report, detailed and --summary, plain and -i; then modifiers
(--failed, --success, --add, --delete, -nc, --node, --escape, -ts/-te with
times inside the log, --eoe-timeout, --debug, stdin input); the recorded logs
get the whole report × modifier matrix; once, argument errors, usage and
missing inputs. Each case stores argv, the exit code, stdout and stderr.

Licence: logs from GPL/LGPL sources (see ../shared/corpus/SOURCES.md) are
stored as SHA-256 digests only (plus byte and line counts); other logs get
the full expected output, except outputs over --max-full bytes (128 for the
corpus), stored as hashes, to keep the tree small. `--check` regenerates into memory and
reports files that differ.

File format (compact, binary-safe; one line per case, argv without the
input option, which mode `file` appends as `-if LOG`):
  # comment lines
  log: PATH            (relative to the repo root)
  kind: file | dir
  N<TAB>GROUP<TAB>MODE<TAB>EXIT<TAB>ARGV-JSON<TAB>STDOUT<TAB>STDERR
    MODE: file (argv + -if LOG) | stdin (argv; the log's bytes piped in) | raw (argv as is)
    STDOUT/STDERR: -             empty
                   tLEN          LEN raw bytes follow the line (stdout first), then a newline
                   hHEX.LEN      first 16 hex digits of the SHA-256, and the length
                   =No / =Ne     same as case N's stdout / stderr
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS_REL = "../shared/corpus/logs"
DATA_REL = "tests/data/logs"
OUT_REL = "tests/golden/report"
AUREPORT = "/usr/sbin/aureport"

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

# Every report option (the main summary is []).
REPORTS = [[], ["-au"], ["-a"], ["--comm"], ["-c"], ["-cr"], ["-e"], ["-f"], ["-h"],
           ["--integrity"], ["-k"], ["-l"], ["-m"], ["-ma"], ["-n"], ["-p"], ["-r"], ["-s"],
           ["-t"], ["--tty"], ["-tm"], ["-u"], ["--virt"], ["-x"]]
# Long spellings, once.
LONG = [["--auth"], ["--avc"], ["--config"], ["--crypto"], ["--event"], ["--file"], ["--host"],
        ["--key"], ["--login"], ["--mods"], ["--mac"], ["--anomaly"], ["--pid"], ["--response"],
        ["--syscall"], ["--log"], ["--terminal"], ["--user"], ["--executable"]]

HDR_RE = re.compile(rb"msg=audit\((\d+)\.(\d+):(\d+)\)")
NODE_RE = re.compile(rb"^node=(\S+) ")


def fmt_time(t):
    return time.strftime("%m/%d/%y %H:%M:%S", time.gmtime(t)).split(" ")


def run(argv, stdin_bytes=None):
    try:
        r = subprocess.run(
            [AUREPORT] + argv,
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
        self.rel = rel
        self.kind = kind
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
            names = sorted(os.listdir(self.abs), reverse=True)
            self.data = b"".join(open(os.path.join(self.abs, n), "rb").read() for n in names)

    @property
    def ident(self):
        if self.rel.startswith(CORPUS_REL):
            return "corpus__" + self.rel[len(CORPUS_REL) + 1:].replace("/", "__")
        return self.rel[len(DATA_REL) + 1:].replace("/", "__")

    @property
    def own(self):
        return not self.rel.startswith(CORPUS_REL)


def build_cases(log, is_first):
    """(group, argv-after-input, mode) tuples; mode: file (argv gets -if LOG), stdin, raw."""
    cases = []

    def add(group, argv, mode="file"):
        cases.append((group, argv, mode))

    for r in REPORTS:
        g = (r[0].lstrip("-") if r else "summary")
        add(g, r)
        if r and r[0] not in ("-t", "--tty"):
            add(g, r + ["--summary"])
        if r != ["-t"]:
            add(g, r + ["-i"])
        if r and r[0] not in ("-t", "--tty"):
            add(g, r + ["--summary", "-i"])

    # Modifiers.
    add("outcome", ["--failed"])
    add("outcome", ["--success"])
    add("outcome", ["-s", "--failed", "--summary"])
    add("outcome", ["-x", "--success", "--summary"])
    add("outcome", ["-f", "--failed"])
    add("outcome", ["-au", "--failed"])
    add("conf", ["-c", "-nc"])
    add("conf", ["-nc"])
    add("conf", ["-m", "--add"])
    add("conf", ["-m", "--delete", "--summary"])
    add("conf", ["-c", "--add", "--summary"])
    add("escape", ["-x", "--escape", "raw"])
    add("escape", ["-f", "--escape", "shell", "--summary"])
    add("escape", ["--comm", "--escape", "shell_quote"])
    add("debug", ["--debug"])
    add("debug", ["-e", "--debug"])
    add("eoe", ["--eoe-timeout", "1"])
    add("eoe", ["-e", "--summary", "--eoe-timeout", "60"])

    nodes = []
    for line in log.data.split(b"\n"):
        m = NODE_RE.match(line)
        if m and m.group(1) not in nodes:
            nodes.append(m.group(1))
    if nodes:
        n0 = nodes[0].decode("utf-8", "replace")
        if not n0.startswith("-"):
            add("node", ["--node", n0])
            add("node", ["-e", "--node", n0, "--summary"])
    add("node", ["--node", "no-such-node"])

    times = sorted(set(int(m.group(1)) for m in HDR_RE.finditer(log.data)
                       if 100000000 < int(m.group(1)) < 4000000000))
    if times:
        lo, hi = times[len(times) // 3], times[(2 * len(times)) // 3]
        add("time", ["-ts"] + fmt_time(lo))
        add("time", ["-te"] + fmt_time(hi))
        add("time", ["-ts"] + fmt_time(lo) + ["-te"] + fmt_time(hi))
        add("time", ["-e", "-ts"] + fmt_time(lo) + ["-te"] + fmt_time(hi))
        add("time", ["-t", "-ts", fmt_time(hi)[0]])
        add("time", ["-ts", fmt_time(times[-1] + 86400 * 400)[0]])

    if log.kind == "file":
        add("stdin", [], mode="stdin")
        add("stdin", ["-t"], mode="stdin")
        if log.own:
            add("stdin", ["-x", "--summary"], mode="stdin")
            add("stdin", ["-e", "-i"], mode="stdin")

    if "/recorded/" in log.rel:
        # The whole report × modifier matrix on the logs recorded from this kernel.
        for r in REPORTS[1:]:
            if r[0] in ("-t",):
                continue
            for m in (["--failed"], ["--success"], ["--failed", "--summary"], ["--success", "-i"],
                      ["--escape", "shell"], ["--escape", "raw", "--summary"]):
                add("matrix", r + m)
        for r in LONG:
            add("long", r)

    if is_first:
        for a in (["-f", "x"], ["-e", "x"], ["-t", "--summary"], ["--tty", "--summary"],
                  ["--tty", "--summary", "--failed"], ["-u", "-x"], ["-i", "x"], ["-ts"],
                  ["-te"], ["-ts", "99/99/99"], ["-ts", "13:61:00"], ["-ts", "checkpoint"],
                  ["-ts", "bogus-keyword"], ["-te", "01/01/2000", "-ts", "01/01/2030"],
                  ["--eoe-timeout", "0"], ["--eoe-timeout", "abc"], ["--eoe-timeout"],
                  ["--escape", "bogus"], ["--escape"], ["--node"], ["-if"], ["--bogus"],
                  ["-v"], ["--version"], ["--help"], ["-x", "-p"], ["--summary", "--summary"],
                  ["-te", "now", "-x"]):
            add("errors", a)
        add("errors", ["-if", "no/such/file.log"], mode="raw")
        add("errors", ["-if", "tests/data/logs/bad", "-e"], mode="raw")
        add("errors", ["-if", "tests/data/logs/bad/", "--summary", "-x"], mode="raw")
    return cases


def input_args(log, argv, mode):
    if mode == "file":
        return argv + ["-if", log.rel], None
    if mode == "stdin":
        return list(argv), log.data
    return list(argv), None


def gen_log(log, is_first, max_full):
    results = []
    for group, argv, mode in build_cases(log, is_first):
        full, stdin = input_args(log, argv, mode)
        results.append((group, argv, mode, run(full, stdin)))
    return render(log, results, max_full)


def render(log, results, max_full):
    out = bytearray()
    out += b"# Golden outputs of the real aureport 3.0.9 (TZ=UTC LC_ALL=C), by scripts/gen-goldens-report.py.\n"
    out += b"# Do not edit; regenerate. Format: see the script's docstring.\n"
    out += f"# log-sha256: {hashlib.sha256(log.data).hexdigest()}\n".encode()
    if log.digest:
        out += b"# mode: digest (the log's licence keeps its content out of this repo; outputs are hashes only)\n"
    else:
        out += f"# mode: full (outputs over {max_full} bytes are stored as hashes)\n".encode()
    out += f"log: {log.rel}\n".encode()
    out += f"kind: {log.kind}\n".encode()
    seen = {}
    for i, (group, argv, mode, (rc, so, se)) in enumerate(results):
        specs, texts = [], []
        for tag, data in (("o", so), ("e", se)):
            if not data:
                specs.append("-")
                continue
            ref = seen.get(data)
            if ref is not None and len(data) > 8:
                specs.append(f"={ref}")
                continue
            seen.setdefault(data, f"{i}{tag}")
            limit = max_full if log.own else min(max_full, 128)
            if log.digest or len(data) > limit:
                specs.append(f"h{hashlib.sha256(data).hexdigest()[:16]}.{len(data)}")
            else:
                specs.append(f"t{len(data)}")
                texts.append(data)
        argv_json = json.dumps(argv, ensure_ascii=True)
        out += f"{i}\t{group}\t{mode}\t{rc}\t{argv_json}\t{specs[0]}\t{specs[1]}\n".encode()
        for t in texts:
            out += t + b"\n"
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
    ap.add_argument("--max-full", type=int, default=2048)
    ap.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    a = ap.parse_args()
    if not os.access(AUREPORT, os.X_OK):
        sys.exit(f"{AUREPORT} not found: apt-get install -y auditd")
    v = subprocess.run([AUREPORT, "-v"], capture_output=True).stdout.decode()
    if "3.0.9" not in v:
        sys.exit(f"need aureport 3.0.9, found: {v.strip()}")
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
            if f.endswith(".golden") and f not in idents and (
                    os.path.isdir(os.path.join(REPO, CORPUS_REL)) or not f.startswith("corpus__")):
                os.unlink(os.path.join(outdir, f))
                print(f"removed stale {f}", file=sys.stderr)
    print(f"{total} cases over {len(logs)} logs in {time.time() - t0:.0f} s", file=sys.stderr)
    if a.check:
        for d in differ:
            print(f"DIFFERS: {d}")
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
