#!/bin/bash
# record-logs.sh — record real audit logs from this kernel with the real auditd.
#
# Usage:  sudo scripts/record-logs.sh [OUTDIR]      (default OUTDIR: tests/data/logs/recorded)
#
# Needs: root, the Debian `auditd` package (auditd, auditctl), gcc, setpriv and
# script (util-linux). Takes the machine-wide kernel lock
# (flock /tmp/raudit-kernel.lock) for the whole run, refuses to start if
# another auditd is registered or rules are loaded, and on exit — also on
# failure or Ctrl-C — stops its auditd, deletes all rules and restores
# enabled/failure/rate_limit/backlog_limit/backlog_wait_time, then checks that
# `auditctl -s` and `auditctl -l` equal what they were at the start.
#
# It starts `auditd -n -c CONFDIR` with a temporary auditd.conf (log_file in a
# temp dir, empty plugin dir), loads rules scoped to the workload's login
# session (-F auid=0 -F ses=N, -F auid=1000, watches on temp files only) and
# runs scripts/workload/session.sh: execs with odd arguments (spaces, quotes,
# non-ASCII, empty, very long), failed opens (ENOENT, EACCES), watches, sockets
# (inet, inet6, unix, abstract, netlink), kills, 32-bit syscalls, file ops, a
# crash (ANOM_ABEND), user-space messages (auditctl -m and PAM/sshd-like
# records over netlink), a tty session and a second login as auid 1000.
# Produces in OUTDIR:
#   raw.log       log_format=RAW,      name_format=NONE
#   enriched.log  log_format=ENRICHED, name_format=NONE
#   node.log      log_format=ENRICHED, name_format=USER name=testnode
#   mixed.log     one auditd reconfigured by SIGHUP: RAW -> ENRICHED+node=mixnode
#                 -> RAW+node=hostname, and rotated with SIGUSR1 part way;
#   rotated/      the same run as mixed.log, as auditd left it (audit.log.1, audit.log)
set -euo pipefail

LOCK=/tmp/raudit-kernel.lock
if [ "${RAUDIT_HOLDS_KERNEL_LOCK:-}" != "1" ]; then
    exec env RAUDIT_HOLDS_KERNEL_LOCK=1 flock "$LOCK" "$0" "$@"
fi

REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$REPO/tests/data/logs/recorded}
[ "$(id -u)" = 0 ] || { echo "record-logs: must run as root" >&2; exit 1; }
command -v auditd >/dev/null || { echo "record-logs: auditd not installed" >&2; exit 1; }

# shellcheck source=scripts/workload/kernel-state.sh
. "$REPO/scripts/workload/kernel-state.sh"

kstate_save
TMP=$(mktemp -d /tmp/raudit-record.XXXXXX)
chmod 755 "$TMP"
trap 'kstate_cleanup; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

gcc -O1 -no-pie -o "$TMP/workload" "$REPO/scripts/workload/workload.c"
chmod 755 "$TMP/workload"

# The workload needs a session; rules get its number from the session itself.
# A second login (auid 1000) starts from this unset-loginuid shell when the
# root session asks for it.
run_session() { # $1: label  [$2: phases]
    local w="$TMP/work-$1" phases=${2:-full} pid i
    local envs=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C TERM=dumb RAUDIT_PHASES="$phases")
    "${envs[@]}" bash -c 'echo 0 > /proc/self/loginuid && exec bash "$@"' session \
        "$REPO/scripts/workload/session.sh" "$w" "$TMP/workload" "$1" &
    pid=$!
    if [ "$phases" != root-short ]; then
        for i in $(seq 1 600); do
            [ -e "$w/.user-go" ] && break
            kill -0 "$pid" 2> /dev/null || break
            sleep 0.1
        done
        if [ -e "$w/.user-go" ]; then
            "${envs[@]}" bash -c 'echo 1000 > /proc/self/loginuid && exec setpriv --reuid=1000 --regid=1000 --clear-groups bash "$@"' \
                user "$REPO/scripts/workload/session.sh" user-phase "$w" "$TMP/workload" ||
                echo "record-logs: the auid-1000 session failed" >&2
            touch "$w/.user-done"
        fi
    fi
    wait "$pid"
}

record() { # $1: name  $2: log_format  $3: name_format  $4: name
    local name=$1 dir="$TMP/$1"
    auditd_start "$dir" "$2" "$3" "$4"
    run_session "$name"
    auditd_stop
    cp "$dir/log/audit.log" "$TMP/$name.log"
}

record raw RAW NONE ""
record enriched ENRICHED NONE ""
record node ENRICHED USER testnode

# mixed: reconfigure and rotate one running auditd.
dir="$TMP/mixed"
auditd_start "$dir" RAW NONE ""
run_session mixed1 root-short
kill -USR1 "$AUDITD_PID"; sleep 1
auditd_conf "$dir" ENRICHED USER mixnode > "$dir/conf/auditd.conf"
kill -HUP "$AUDITD_PID"; sleep 1
run_session mixed2 user-short
auditd_conf "$dir" RAW HOSTNAME "" > "$dir/conf/auditd.conf"
kill -HUP "$AUDITD_PID"; sleep 1
run_session mixed3 root-short
auditd_stop
cat "$dir/log/audit.log.1" "$dir/log/audit.log" > "$TMP/mixed.log"

mkdir -p "$OUT/rotated"
for f in raw enriched node mixed; do
    install -m 644 "$TMP/$f.log" "$OUT/$f.log"
done
install -m 644 "$dir/log/audit.log.1" "$OUT/rotated/audit.log.1"
install -m 644 "$dir/log/audit.log" "$OUT/rotated/audit.log"
ls -l "$OUT" "$OUT/rotated"
