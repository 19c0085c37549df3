#!/bin/bash
# json.sh — `raudit json` (ancestry on: the default depth 4) against Laurel 0.8.x on
# the same 100 MB slice of a real log, then a field-by-field comparison on a sample.
#
# Usage:  bench/json.sh [LOG]        (default /var/tmp/raudit-bench/audit.log, made by
#                                     bench/gen-big-log.sh; the first 100,000,000 bytes)
#         LAUREL=/path/to/laurel RAUDIT=/path/to/raudit SAMPLE=3000 bench/json.sh
#
# Laurel (GPL-3, a peer to measure against; `cargo install laurel --version '~0.8'`,
# needs libclang-dev libacl1-dev) reads the log on stdin as its auditd plugin input
# and writes its JSON log into a directory. Both are timed once with GNU time
# (wall and CPU); MB/s are log bytes per second. The comparison takes SAMPLE events
# present in both outputs and compares every field Laurel writes with raudit's
# value after normalising the intended differences (listed at the end; see the
# raudit-json crate documentation), and prints the fields that still differ.
# It competes for the CPUs: run it rarely, under `nice`.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
LOG=${1:-/var/tmp/raudit-bench/audit.log}
SAMPLE=${SAMPLE:-3000}
[ -r "$LOG" ] || { echo "json.sh: no log at $LOG (run bench/gen-big-log.sh)" >&2; exit 1; }
LAUREL=${LAUREL:-$(command -v laurel || true)}
if [ -z "${RAUDIT:-}" ]; then
    (cd "$REPO" && cargo build --release -p raudit --quiet)
    RAUDIT=${CARGO_TARGET_DIR:-$REPO/target}/release/raudit
fi
WORK=$(mktemp -d /tmp/raudit-json-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
head -c 100000000 "$LOG" > "$WORK/slice.log"
size=$(stat -c %s "$WORK/slice.log")

timed() { # label cmd… ; records "label wall user sys rss" in $WORK/t.label
    local label=$1; shift
    /usr/bin/time -f "$label %e %U %S %M" -o "$WORK/t.$label" "$@"
}

echo "log slice: $size bytes of $LOG"
timed raudit "$RAUDIT" json "$WORK/slice.log" > "$WORK/raudit.json"
if [ -n "$LAUREL" ] && [ -x "$LAUREL" ]; then
    mkdir -p "$WORK/laurel"
    cat > "$WORK/laurel.toml" <<CONF
directory = "$WORK/laurel"
[auditlog]
file = "audit.log"
size = 4000000000
generations = 1
CONF
    timed laurel sh -c "'$LAUREL' -c '$WORK/laurel.toml' < '$WORK/slice.log' > '$WORK/laurel.err' 2>&1"
    "$LAUREL" --version 2>&1 | head -1 || true
else
    echo "SKIP laurel: not installed (cargo install laurel --version '~0.8'; set LAUREL=)"
fi

python3 - "$WORK" "$size" "$SAMPLE" <<'PY'
import json, os, sys
work, size, sample = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def t(label):
    p = os.path.join(work, "t." + label)
    if not os.path.exists(p):
        return None
    _, wall, user, sys_, rss = open(p).read().split()
    return float(wall), float(user) + float(sys_), int(rss)
r, l = t("raudit"), t("laurel")
mb = size / 1e6
print(f"{'tool':8} {'wall s':>8} {'cpu s':>8} {'MB/s wall':>10} {'MB/s cpu':>10} {'RSS MB':>8}")
for name, v in (("raudit", r), ("laurel", l)):
    if v:
        print(f"{name:8} {v[0]:8.2f} {v[1]:8.2f} {mb / max(v[0], 1e-9):10.1f} {mb / max(v[1], 1e-9):10.1f} {v[2] / 1024:8.1f}")
if r and l:
    print(f"raudit/laurel throughput: {l[0] / max(r[0], 1e-9):.1f}x wall, {l[1] / max(r[1], 1e-9):.1f}x cpu")
    lp = os.path.join(work, "laurel", "audit.log")
    laurel = {}
    for line in open(lp, encoding="utf-8", errors="surrogateescape"):
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if "ID" in e:
            laurel[e["ID"]] = e
    ours = {}
    for line in open(os.path.join(work, "raudit.json"), encoding="utf-8", errors="surrogateescape"):
        e = json.loads(line)
        if "ID" in e and e["ID"] in laurel and len(ours) < sample:
            ours[e["ID"]] = e
    def norm(v):
        if isinstance(v, str):
            if v.startswith("0x"):
                try: return ("int", int(v, 16))
                except ValueError: pass
            if v.startswith("0o"):
                try: return ("int", int(v[2:], 8))
                except ValueError: pass
        return v
    def ours_norm(field, v, lv):
        if isinstance(lv, str) and isinstance(v, str) and (lv.startswith("0x") or lv.startswith("0o")):
            try: return ("int", int(v, 16 if lv.startswith("0x") else 8))
            except ValueError: pass
        return v
    same = diff = 0
    diffs = {}
    skip = {"PID", "PPID", "PARENT_INFO", "UID_GROUPS", "ARGV", "SADDR", "saddr"}
    for eid, e in ours.items():
        le = laurel[eid]
        for rt, lrec in le.items():
            if rt in ("ID", "NODE") or rt not in e:
                continue
            ours_recs = e[rt] if isinstance(e[rt], list) else [e[rt]]
            l_recs = lrec if isinstance(lrec, list) else [lrec]
            for a, b in zip(ours_recs, l_recs):
                if not isinstance(b, dict) or not isinstance(a, dict):
                    continue
                for k, lv in b.items():
                    if k in skip or k not in a:
                        continue
                    if isinstance(lv, dict) and isinstance(a[k], dict):
                        pairs = [(k + "." + kk, a[k].get(kk), vv) for kk, vv in lv.items()]
                    else:
                        pairs = [(k, a[k], lv)]
                    for name, av, bv in pairs:
                        if norm(bv) == ours_norm(name, av, bv) or (bv is None and av in ("?", "(null)", "(none)")):
                            same += 1
                        else:
                            diff += 1
                            d = diffs.setdefault((rt, name), [0, (av, bv)])
                            d[0] += 1
        # EXECVE/PROCTITLE argv
        for rt in ("EXECVE", "PROCTITLE"):
            if rt in e and rt in le:
                if e[rt].get("ARGV") == le[rt].get("ARGV"):
                    same += 1
                else:
                    diff += 1
                    d = diffs.setdefault((rt, "ARGV"), [0, (e[rt].get("ARGV"), le[rt].get("ARGV"))])
                    d[0] += 1
    print(f"\nsample: {len(ours)} events in both outputs; {same} fields equal, {diff} differ")
    for (rt, k), (n, ex) in sorted(diffs.items(), key=lambda x: -x[1][0])[:25]:
        print(f"  {n:6} {rt}.{k}: raudit {str(ex[0])[:60]!s} | laurel {str(ex[1])[:60]!s}")
    print("""
intended differences (not counted above, or normalised):
  hex/octal numbers keep the log's text (a0..a3, arch, cap sets, mode: "c000003e", "0100644");
    Laurel writes "0x…"/"0o…" (compared as numbers here)
  SYSCALL a0..a3 stay fields; Laurel moves them into SYSCALL.ARGV (skipped)
  ancestry: raudit PARENT/ANCESTORS/LABELS/SCRIPT/CONTAINER; Laurel PID/PPID/PARENT_INFO (skipped)
  saddr stays the log's hex and SADDR is an object {family,addr,port|path}; Laurel %-escapes
    saddr bytes and SADDR is auparse's text (skipped)
  '?'/'(null)' stay strings; Laurel writes null (compared as equal)""")
PY
