#!/bin/bash
# gen-goldens-tools.sh — goldens for `raudit aulast` / `raudit aulastlog` from the real
# tools, and (with `record`) a log of real and synthetic logins recorded with the real
# auditd.
#
# Usage:
#   scripts/gen-goldens-tools.sh            write tests/golden/{aulast,aulastlog}/*.golden
#   sudo scripts/gen-goldens-tools.sh record  record tests/data/logs/logins/logins.log
#
# Goldens: for every log under ../shared/corpus/logs and tests/data/logs, the real aulast
# 3.0.9 (TZ=UTC LC_ALL=C, `-f LOG`) is run with each option set in AULAST_CASES and the
# real aulastlog with each set in AULASTLOG_CASES (`--stdin < LOG`). A golden file holds,
# per case, the arguments, the exit code and stdout/stderr, each either verbatim or (for
# logs from GPL/LGPL sources, see ../shared/corpus/SOURCES.md) as a SHA-256 digest. The
# current time, which aulast prints for sessions still open, is replaced by @NOW@. Cases
# whose outputs are all empty are left out. `--extract` cases store aulast.log too.
#
# Format (one file per log, text):
#   log: PATH            (relative to the repo root)
#   === ARGS             (JSON list)
#   exit: N
#   stdout|stderr|extract: text BYTES\n<BYTES bytes>\n   or   sha256 HEX BYTES\n
#
# Recording: takes /tmp/raudit-kernel.lock, saves the kernel audit state and restores it on
# exit (scripts/workload/kernel-state.sh), runs a private auditd with a temp config and
# log dir, and produces logins: `login -f` under a pty (PAM with pam_loginuid) for root
# and uid 1000, and synthetic sessions — a process sets its own loginuid from unset
# (a LOGIN record) and sends USER_LOGIN / USER_END / failed USER_LOGIN / SYSTEM_BOOT /
# SYSTEM_SHUTDOWN user messages over netlink, so the kernel stamps pid, auid and ses.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
export TZ=UTC LC_ALL=C

GPL_SOURCES="SELinuxProject__selinux ait-aecid__aecid-parsergenerator apparmor__apparmor hillu__linux-audit-parser-rs linux-audit__audit-userspace roddhjav__apparmor.d threathunters-io__laurel megacoder__generic-prettyprinter"

usermsg_py() { cat <<'PY'
import os, socket, struct, sys, time
# usage: usermsg.py AUID [TYPE:TEXT|sleep:N]...
auid = sys.argv[1]
if auid != "-":
    with open("/proc/self/loginuid", "w") as f:
        f.write(auid)
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
s.bind((0, 0))
seq = 0
for a in sys.argv[2:]:
    kind, text = a.split(":", 1)
    if kind == "sleep":
        time.sleep(float(text)); continue
    seq += 1
    body = text.encode() + b"\0"
    hdr = struct.pack("=IHHII", 16 + len(body), int(kind), 0x1 | 0x4, seq, 0)
    s.sendto(hdr + body, (0, 0))
    s.recv(8192)
PY
}

record() {
    local LOCK=/tmp/raudit-kernel.lock
    if [ "${RAUDIT_HOLDS_KERNEL_LOCK:-}" != "1" ]; then
        exec env RAUDIT_HOLDS_KERNEL_LOCK=1 flock "$LOCK" "$0" record
    fi
    [ "$(id -u)" = 0 ] || { echo "record: must run as root" >&2; exit 1; }
    # shellcheck source=scripts/workload/kernel-state.sh
    . "$REPO/scripts/workload/kernel-state.sh"
    kstate_save
    TMP=$(mktemp -d /tmp/raudit-logins.XXXXXX)
    trap 'kstate_cleanup; rm -rf "$TMP"' EXIT
    trap 'exit 130' INT TERM
    usermsg_py > "$TMP/usermsg.py"
    auditd_start "$TMP/d" RAW NONE ""
    local E=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C TERM=dumb)
    local U="$TMP/usermsg.py"
    local ok="exe=\"/usr/sbin/sshd\" hostname=client.example.org addr=192.0.2.10"
    sleep 1
    # Real logins through PAM (pam_loginuid): login -f under a pty.
    for who in root cloudsdk; do
        if getent passwd "$who" > /dev/null; then
            (sleep 2; echo "sleep 1; exit") | "${E[@]}" script -qec "login -f $who" /dev/null > /dev/null 2>&1 || true
        fi
    done
    sleep 1
    # Synthetic: boot, a completed ssh session, one left open, a failed login,
    # a session whose process logs in twice (gone), shutdown, boot again.
    "${E[@]}" python3 "$U" - "1127:op=boot comm=\"systemd-update-utmp\" exe=\"/lib/systemd/systemd-update-utmp\" hostname=? addr=? terminal=? res=success"
    "${E[@]}" python3 "$U" 1000 "1112:op=login id=1000 $ok terminal=/dev/pts/1 res=success" sleep:61 \
        "1106:op=PAM:session_close grantors=pam_permit acct=\"cloudsdk\" $ok terminal=ssh res=success" &
    local bg=$!
    "${E[@]}" python3 "$U" 0 "1112:op=login id=0 exe=\"/usr/sbin/sshd\" hostname=? addr=198.51.100.7 terminal=/dev/pts/2 res=success" sleep:1
    "${E[@]}" python3 "$U" - "1112:op=login acct=\"nosuchuser\" exe=\"/usr/sbin/sshd\" hostname=? addr=198.51.100.66 terminal=sshd res=failed"
    "${E[@]}" python3 "$U" 1000 "1112:op=login id=1000 exe=\"/usr/bin/login\" hostname=? addr=? terminal=/dev/tty3 res=success" sleep:1
    wait "$bg"
    "${E[@]}" python3 "$U" - "1128:op=shutdown comm=\"systemd-update-utmp\" exe=\"/lib/systemd/systemd-update-utmp\" hostname=? addr=? terminal=? res=success"
    sleep 1
    "${E[@]}" python3 "$U" - "1127:op=boot comm=\"systemd-update-utmp\" exe=\"/lib/systemd/systemd-update-utmp\" hostname=? addr=? terminal=? res=success"
    "${E[@]}" python3 "$U" 0 "1112:op=login id=0 $ok terminal=/dev/pts/0 res=success" sleep:2 \
        "1106:op=PAM:session_close grantors=pam_permit acct=\"root\" $ok terminal=ssh res=success"
    sleep 1
    auditd_stop
    mkdir -p "$REPO/tests/data/logs/logins"
    install -m 644 "$TMP/d/log/audit.log" "$REPO/tests/data/logs/logins/logins.log"
    grep -cE 'type=(LOGIN|USER_LOGIN|USER_END|SYSTEM_BOOT|SYSTEM_SHUTDOWN|DAEMON_START)' \
        "$REPO/tests/data/logs/logins/logins.log" >&2
}

if [ "${1:-}" = record ]; then
    record
    exit 0
fi

exec python3 - "$REPO" "$GPL_SOURCES" <<'PY'
import hashlib, json, os, re, subprocess, sys, tempfile, time
repo, gpl = sys.argv[1], sys.argv[2].split()
os.chdir(repo)
ENV = {"TZ": "UTC", "LC_ALL": "C", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
AULAST_CASES = [[], ["--bad"], ["--proof"], ["--bad", "--proof"], ["--debug"],
                ["--user", "root"], ["--user", "cloudsdk"], ["--tty", "pts"], ["--extract", "--proof"]]
AULASTLOG_CASES = [[], ["-u", "root"], ["--user", "cloudsdk"], ["-u", "nosuchuser"]]
logs = []
corpus = "../shared/corpus/logs"
if os.path.isdir(corpus):
    for d, _, fs in sorted(os.walk(corpus)):
        for f in sorted(fs):
            logs.append(os.path.join(d, f))
for d, _, fs in sorted(os.walk("tests/data/logs")):
    for f in sorted(fs):
        logs.append(os.path.join(d, f))

def now_mask(b, t0, t1):
    out = b
    for t in range(int(t0) - 1, int(t1) + 2):
        s = time.strftime("%m/%d/%y %H:%M:%S", time.gmtime(t)).encode()
        out = out.replace(b"--end " + s, b"--end @NOW@")
    return out

def blob(name, data, digest):
    if digest:
        return f"{name}: sha256 {hashlib.sha256(data).hexdigest()} {len(data)}\n".encode()
    return f"{name}: text {len(data)}\n".encode() + data + b"\n"

ACCOUNTS = hashlib.sha256(b"".join(
    (l.split(":")[0] + ":" + l.split(":")[2] + "\n").encode()
    for l in subprocess.run(["getent", "passwd"], capture_output=True, text=True).stdout.splitlines()
)).hexdigest()

def gen(tool, cases, argf, outdir, only=None):
    os.makedirs(outdir, exist_ok=True)
    for log in logs:
        if only and only not in open(log, "rb").read() and os.path.getsize(log):
            continue
        rel = os.path.relpath(log, repo) if not log.startswith("../") else log
        is_gpl = any(f"/{g}/" in log for g in gpl)
        body = b""
        for c in cases:
            with tempfile.TemporaryDirectory() as td:
                t0 = time.time()
                args, stdin = argf(c, os.path.abspath(log))
                with open(stdin or os.devnull, "rb") as si:
                    p = subprocess.run([tool] + args, stdin=si, capture_output=True, env=ENV, cwd=td)
                t1 = time.time()
                ext = None
                if "--extract" in c and os.path.exists(os.path.join(td, "aulast.log")):
                    ext = open(os.path.join(td, "aulast.log"), "rb").read()
            out, err = now_mask(p.stdout, t0, t1), now_mask(p.stderr, t0, t1)
            if not out and not err and not ext and p.returncode == 0 and c:
                continue
            body += f"=== {json.dumps(c)}\nexit: {p.returncode}\n".encode()
            body += blob("stdout", out, is_gpl) + blob("stderr", err, is_gpl)
            if ext is not None:
                body += blob("extract", ext, is_gpl)
        name = re.sub(r"[^A-Za-z0-9._-]", "_", log.replace(corpus + "/", "corpus__").replace("tests/data/logs/", "").replace("/", "__"))
        with open(os.path.join(outdir, name + ".golden"), "wb") as f:
            f.write(f"# {os.path.basename(tool)} 3.0.9 goldens (TZ=UTC LC_ALL=C) by scripts/gen-goldens-tools.sh; do not edit\n# accounts-sha256: {ACCOUNTS}\nlog: {log}\n".encode() + body)

gen("/usr/bin/aulast", AULAST_CASES, lambda c, l: (c + ["-f", l], None), "tests/golden/aulast")
gen("/usr/bin/aulastlog", AULASTLOG_CASES, lambda c, l: (c + ["--stdin"], l), "tests/golden/aulastlog", b"USER_LOGIN")
print(len(logs), "logs")
PY
