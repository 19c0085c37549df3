#!/usr/bin/env bash
# bench/daemon.sh — `raudit daemon` vs auditd 3.0.9 vs a floor consumer, on the real
# kernel, with the issue's seed workload (bench/daemon-workload.c: fork+exec /bin/true
# EXECS times, CONNECTS refused connect()s to 127.0.0.1) and rules:
#   -a always,exit -F arch=b64 -S execve -k exec
#   -a always,exit -F arch=b64 -S bind -S connect -k net
#   -a always,exit -F arch=b64 -S clone -S fork -S vfork -k proc
#
# Consumers, interleaved per round: none (audit disabled, no rules); floor
# (bench/daemon-floor.c: register, drain, append a line per record); auditd (RAW);
# raudit (RAW); raudit (ENRICHED). Two modes:
#   lossless  -b 64 --backlog_wait_time 60000  (the kernel waits for the consumer)
#   drop      -b 64 --backlog_wait_time 0      (the kernel drops when the backlog is full)
# Per run: the workload's wall time, records written, the daemon's CPU (utime+stime
# from /proc/PID/stat, all threads) per record and per syscall event, the kernel's
# `lost` delta; for raudit in drop mode also its own accounting (--status: kernel lost
# since start, sequence gaps; a DAEMON_ERR op=loss-detected record in the log).
#
# Holds /tmp/raudit-kernel.lock throughout; restores rules, enabled, backlog_limit,
# backlog_wait_time and the audit pid at the end, also on error or Ctrl-C.
#
# Usage (root): bench/daemon.sh            ROUNDS=3 EXECS=3000 CONNECTS=30000
#   RAUDIT=path/to/raudit (default: target/release/raudit, built if missing)
#   MODES="lossless drop"  CONSUMERS="none floor auditd raudit raudit-enriched"
set -euo pipefail

cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
EXECS=${EXECS:-3000}
CONNECTS=${CONNECTS:-30000}
MODES=${MODES:-"lossless drop"}
CONSUMERS=${CONSUMERS:-"none floor auditd raudit raudit-enriched"}
RAUDIT=${RAUDIT:-${CARGO_TARGET_DIR:-target}/release/raudit}
AUDITD=${AUDITD:-/sbin/auditd}
[ "$(id -u)" = 0 ] || { echo "bench/daemon.sh: needs root" >&2; exit 1; }
[ -x "$RAUDIT" ] || cargo build --release -q -p raudit
[ -x "$AUDITD" ] || { echo "no $AUDITD: auditd rows skipped" >&2; CONSUMERS=${CONSUMERS//auditd/}; }

W=$(mktemp -d /tmp/raudit-bench-daemon.XXXXXX)
gcc -O2 -o "$W/workload" bench/daemon-workload.c
gcc -O2 -o "$W/floor" bench/daemon-floor.c

exec 9>/tmp/raudit-kernel.lock
flock 9

st() { auditctl -s | awk -v k="$1" '$1 == k { print $2 }'; }
[ "$(st pid)" = 0 ] || { echo "the audit pid is held by $(st pid): not stealing it" >&2; exit 1; }
[ "$(auditctl -l)" = "No rules" ] || { echo "rules are loaded: refusing to run" >&2; exit 1; }
[ "$(st enabled)" != 2 ] || { echo "audit is immutable" >&2; exit 1; }
E0=$(st enabled) B0=$(st backlog_limit) T0=$(st backlog_wait_time) L0=$(st lost)

DPID=
stop_daemon() {
	[ -n "$DPID" ] || return 0
	kill -TERM "$DPID" 2>/dev/null || true
	for _ in $(seq 50); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$DPID" 2>/dev/null || true
	wait "$DPID" 2>/dev/null || true
	DPID=
}
restore() {
	set +e
	auditctl -D >/dev/null 2>&1
	stop_daemon
	auditctl -b "$B0" --backlog_wait_time "$T0" -e "$E0" >/dev/null 2>&1
	# The drop rounds raise the kernel's lost counter: back to 0 if it was.
	[ "$L0" != 0 ] || auditctl --reset-lost >/dev/null 2>&1
	[ "$(st pid)" = 0 ] || echo "WARNING: audit pid still $(st pid)" >&2
	rm -rf "$W"
}
trap restore EXIT
trap 'exit 130' INT TERM

rules() {
	auditctl -a always,exit -F arch=b64 -S execve -k exec >/dev/null
	auditctl -a always,exit -F arch=b64 -S bind -S connect -k net >/dev/null
	auditctl -a always,exit -F arch=b64 -S clone -S fork -S vfork -k proc >/dev/null
}

conf() { # DIR FORMAT
	mkdir -p "$1/log"
	cat >"$1/auditd.conf" <<EOF
log_file = $1/log/audit.log
log_format = $2
flush = incremental_async
freq = 50
max_log_file = 0
max_log_file_action = ignore
space_left = 75
admin_space_left = 50
EOF
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Waits until the log stops growing (kernel backlog drained).
settle() {
	local last=-1 now
	for _ in $(seq 100); do
		now=$(stat -c %s "$1" 2>/dev/null || echo 0)
		[ "$now" = "$last" ] && [ "$(st backlog)" = 0 ] && return
		last=$now
		sleep 0.3
	done
}

HZ=$(getconf CLK_TCK)
OUT="$W/results"
: >"$OUT"

run() { # MODE CONSUMER ROUND
	local mode=$1 c=$2 round=$3 d="$W/$1-$2-$3" log wall lost0 lost1 t0=0 t1=0 recs=0 events=0 extra=""
	mkdir -p "$d"
	log=$d/log/audit.log
	auditctl -D >/dev/null
	auditctl -b 64 --backlog_wait_time "$([ "$mode" = lossless ] && echo 60000 || echo 0)" >/dev/null
	case $c in
	none) auditctl -e 0 >/dev/null ;;
	floor)
		mkdir -p "$d/log"
		auditctl -e 1 >/dev/null
		"$W/floor" "$log" &
		DPID=$!
		;;
	auditd)
		conf "$d" RAW
		"$AUDITD" -n -c "$d" 2>/dev/null &
		DPID=$!
		;;
	raudit | raudit-enriched)
		conf "$d" "$([ "$c" = raudit ] && echo RAW || echo ENRICHED)"
		"$RAUDIT" daemon -n -c "$d" --pid-file "$d/pid" --state-file "$d/state" 2>/dev/null &
		DPID=$!
		;;
	esac
	if [ -n "$DPID" ]; then
		for _ in $(seq 100); do [ "$(st pid)" = "$DPID" ] && break; sleep 0.05; done
		[ "$(st pid)" = "$DPID" ] || { echo "$c did not register" >&2; exit 1; }
		t0=$(cpu_ticks "$DPID")
		rules
	fi
	lost0=$(st lost)
	wall=$("$W/workload" "$EXECS" "$CONNECTS" | awk '{ print $1 }')
	lost1=$(st lost)
	auditctl -D >/dev/null
	if [ -n "$DPID" ]; then
		settle "$log"
		t1=$(cpu_ticks "$DPID")
		local snap=0
		if [ "${c#raudit}" != "$c" ]; then
			"$RAUDIT" daemon --status --pid-file "$d/pid" --state-file "$d/state" >"$d/status" 2>/dev/null || true
			# Records in the log when the state report was taken (the
			# daemon's own unregistration records come after it).
			snap=$(grep -vc -e '^type=DAEMON_' "$log" || true)
		fi
		stop_daemon
		recs=$(grep -vc -e '^type=DAEMON_' -e '^type=1320 ' "$log" || true)
		events=$(grep -v '^type=DAEMON_' "$log" | sed -n 's/.*msg=audit([0-9.]*:\([0-9]*\)).*/\1/p' | sort -u | wc -l)
		if [ "$mode" = drop ] && [ "${c#raudit}" != "$c" ]; then
			extra="klost=$(awk -F' = ' '$1 == "kernel lost since start" { print $2 }' "$d/status")"
			extra="$extra gaps=$(awk -F' = ' '$1 == "sequence gaps" { print $2 }' "$d/status")"
			extra="$extra lossrec=$(grep -c 'op=loss-detected' "$log" || true)"
			# Delivered by the kernel but not in the log (EOE is never logged).
			local rcv eoe
			rcv=$(awk -F' = ' '$1 == "records received" { print $2 }' "$d/status")
			eoe=$(awk -F' = ' '$1 == "end of event records" { print $2 }' "$d/status")
			extra="$extra unwritten=$((rcv - eoe - snap))"
		fi
	fi
	echo "$mode $c $round $wall $recs $events $((t1 - t0)) $((lost1 - lost0)) $extra" >>"$OUT"
	printf '  %-8s %-16s round %s: wall %6.2fs  records %7s  events %6s  cpu %5.2fs  lost %s %s\n' \
		"$mode" "$c" "$round" "$wall" "$recs" "$events" "$(echo "$t1 $t0 $HZ" | awk '{ print ($1 - $2) / $3 }')" \
		"$((lost1 - lost0))" "$extra" >&2
	rm -rf "$d/log"
}

echo "workload: $EXECS execs + $CONNECTS refused connects; $ROUNDS rounds; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for mode in $MODES; do
	for round in $(seq "$ROUNDS"); do
		for c in $CONSUMERS; do
			[ "$mode" = drop ] && [ "$c" = none ] && continue
			run "$mode" "$c" "$round"
		done
	done
done

# The table: medians over rounds.
awk -v hz="$HZ" '
function median(s,   n, a, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	k = $1 " " $2; if (!(k in seen)) { order[++n] = k; seen[k] = 1 }
	wall[k] = wall[k] " " $4; recs[k] = recs[k] " " $5; ev[k] = ev[k] " " $6
	cpu[k] = cpu[k] " " $7; lost[k] = lost[k] " " $8
	if ($5 > 0) { rc[k] = rc[k] " " ($7 / hz * 1e6 / $5); ec[k] = ec[k] " " ($7 / hz * 1e6 / $6) }
	x = ""; for (i = 9; i <= NF; i++) x = x " " $i; if (x != "") extra[k] = extra[k] " [" substr(x, 2) "]"
}
END {
	printf "\n%-8s %-16s %8s %9s %8s %9s %10s %10s %8s\n", "mode", "consumer", "wall s", "vs floor", "records", "events", "us/record", "us/event", "lost"
	for (i = 1; i <= n; i++) {
		k = order[i]; split(k, p, " ")
		w = median(wall[k]); f = (p[1] " floor") in wall ? median(wall[p[1] " floor"]) : 0
		printf "%-8s %-16s %8.2f %9s %8d %9d %10s %10s %8d\n", p[1], p[2], w,
			(f > 0 ? sprintf("%+.1f%%", (w / f - 1) * 100) : "-"), median(recs[k]), median(ev[k]),
			(rc[k] != "" ? sprintf("%.2f", median(rc[k])) : "-"), (ec[k] != "" ? sprintf("%.2f", median(ec[k])) : "-"),
			median(lost[k])
	}
	for (i = 1; i <= n; i++) if (order[i] in extra) printf "%s raudit accounting per round:%s\n", order[i], extra[order[i]]
}' "$OUT"
