#!/bin/bash
# gen-big-log.sh — record a big real audit log for bench/search.sh.
#
# Usage:  bench/gen-big-log.sh [SIZE_MB] [OUTDIR]     (defaults: 320, /var/tmp/raudit-bench)
#         FORMAT=RAW bench/gen-big-log.sh              (default log_format: ENRICHED)
#         RATE=4000 bench/gen-big-log.sh               (busy-loop syscalls a second; default 2000)
#
# Needs: root, the Debian `auditd` package, gcc. Writes OUTDIR/audit.log
# (never commit it) and OUTDIR/audit.log.info. Takes the machine-wide kernel
# lock (flock /tmp/raudit-kernel.lock) for the whole run, starts a private real
# auditd (-n -c TMPDIR, log in OUTDIR), loads rules scoped to its own login
# session (auid=0, sessionid=N) and runs a busy workload — failed opens and
# kill(0) at about RATE a second (scripts/workload/workload.c `busy`) alongside
# execs with arguments, sockets, file operations, kills and user messages —
# until the log reaches SIZE_MB or 12 minutes pass (about 5 minutes for 320 MB
# at the default rate). On exit, also on failure, it
# stops auditd, deletes the rules and restores enabled/backlog/... exactly
# (scripts/workload/kernel-state.sh), then checks `auditctl -s`/`-l`.
set -euo pipefail

LOCK=/tmp/raudit-kernel.lock
REPO=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = "--session" ]; then
    # Inside the workload's login session (loginuid 0, a fresh session id).
    W=$2 WL=$3 LOG=$4 TARGET=$5 DEADLINE=$6 RATE=$7
    SES=$(cat /proc/self/sessionid)
    F="-F auid=0 -F sessionid=$SES"
    mkdir -p "$W/wdir"
    echo watched > "$W/watched"
    cat > "$W.rules" <<EOF
-a always,exit -F arch=b64 -S execve $F -k exec
-a always,exit -F arch=b64 -S open,openat -F exit=-ENOENT $F -k noent
-a always,exit -F arch=b64 -S open,openat -F exit=-EACCES $F -k access
-a always,exit -F arch=b64 -S kill $F -k kill
-a always,exit -F arch=b64 -S socket,connect,bind $F -k net
-a always,exit -F arch=b64 -S unlink,rename,mkdir,rmdir,chmod,chown $F -k fileops
-w $W/watched -p wa -k watch
EOF
    auditctl -R "$W.rules" > /dev/null
    # ~RATE audited syscalls a second from the busy loop (bursts every 0.1 s):
    # a dense but not pathological log (ausearch slows down more than
    # linearly when tens of thousands of events share each second).
    (while :; do
        "$WL" busy $((RATE / 20)) "$W"
        sleep 0.1
    done) &
    busy=$!
    stop_busy() {
        kill "$busy" 2> /dev/null || true
        wait "$busy" 2> /dev/null || true
        auditctl -D > /dev/null || true
    }
    trap stop_busy EXIT
    n=0
    while :; do
        size=$(stat -c %s "$LOG")
        [ "$size" -ge "$TARGET" ] && break
        if [ "$(date +%s)" -ge "$DEADLINE" ]; then
            echo "gen-big-log: time limit reached at $((size / 1048576)) MB" >&2
            break
        fi
        for i in 1 2 3 4 5 6 7 8 9 10; do
            /bin/true "round $n" "arg $i" "with space" > /dev/null
        done
        /bin/echo $'caf\xc3\xa9' "$n" > /dev/null
        "$WL" net "$W"
        "$WL" fileops "$W"
        "$WL" kill
        "$WL" usermsg bench 2> /dev/null
        cat "/nonexistent/$n" 2> /dev/null || true
        echo "$n" >> "$W/watched"
        n=$((n + 1))
        sleep 0.05
        if [ $((n % 200)) = 0 ]; then
            echo "gen-big-log: $((size / 1048576)) MB" >&2
        fi
    done
    exit 0
fi

if [ "${RAUDIT_HOLDS_KERNEL_LOCK:-}" != "1" ]; then
    exec env RAUDIT_HOLDS_KERNEL_LOCK=1 flock "$LOCK" "$0" "$@"
fi

SIZE_MB=${1:-320}
OUT=${2:-/var/tmp/raudit-bench}
FORMAT=${FORMAT:-ENRICHED}
RATE=${RATE:-2000}
[ "$(id -u)" = 0 ] || { echo "gen-big-log: must run as root" >&2; exit 1; }

# shellcheck source=scripts/workload/kernel-state.sh
. "$REPO/scripts/workload/kernel-state.sh"
kstate_save
TMP=$(mktemp -d /tmp/raudit-bench.XXXXXX)
chmod 755 "$TMP"
trap 'kstate_cleanup; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

gcc -O2 -no-pie -o "$TMP/workload" "$REPO/scripts/workload/workload.c"
mkdir -p "$OUT"
rm -f "$OUT/audit.log" "$OUT/audit.log.info"

start=$(date +%s)
auditd_start "$TMP/auditd" "$FORMAT" NONE "" 4000
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
    bash -c 'echo 0 > /proc/self/loginuid && exec bash "$@"' session \
    "$REPO/bench/gen-big-log.sh" --session "$TMP/work" "$TMP/workload" "$TMP/auditd/log/audit.log" $((SIZE_MB * 1048576)) $((start + 720)) "$RATE" ||
    echo "gen-big-log: the workload session failed ($?)" >&2
auditd_stop
mv "$TMP/auditd/log/audit.log" "$OUT/audit.log"
end=$(date +%s)
{
    echo "recorded: $(date -u -d "@$start" +%FT%TZ) .. $(date -u -d "@$end" +%FT%TZ) ($((end - start)) s)"
    echo "format: $FORMAT"
    echo "size: $(stat -c %s "$OUT/audit.log")"
    echo "lines: $(wc -l < "$OUT/audit.log")"
    echo "kernel lost counter: $(auditctl -s | awk '$1 == "lost" { print $2 }')"
} > "$OUT/audit.log.info"
chmod 644 "$OUT/audit.log"
cat "$OUT/audit.log.info"
