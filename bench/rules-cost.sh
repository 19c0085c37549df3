#!/bin/bash
# What a large real-world rule set costs per syscall on this kernel, before and
# after `raudit rules optimize`: the Neo23x0 rules (../shared/corpus/rules),
# safety-filtered, then their optimised form, then no rules; a syscall
# microbenchmark (bench/syscall-bench.c: getpid, openat+close) under each.
#
# Usage: bench/rules-cost.sh [RULES_FILE] [ITERATIONS]
#
# Safety (the kernel is real and shared): runs under the machine-wide lock
# /tmp/raudit-kernel.lock; only when no rules are loaded; loads only rule lines
# (-a/-A/-w: no -e/-f/-b/-D/--options lines), narrows every `always … -S all`
# rule to a pid that does not run, enables auditing (-e 1) only while the
# benchmark runs — rule evaluation is skipped while auditing is off — and
# restores rules, enabled, failure, backlog limit, backlog wait time and the
# lost and backlog_wait_time_actual counters on exit, whatever happens.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
rules=${1:-$here/../shared/corpus/rules/Neo23x0__auditd/audit.rules}
iters=${2:-2000000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$here/target}
raudit=$CARGO_TARGET_DIR/release/raudit

if [ "$(id -u)" != 0 ]; then echo "SKIP rules-cost: needs root" >&2; exit 0; fi
command -v auditctl >/dev/null || { echo "SKIP rules-cost: auditctl missing" >&2; exit 0; }
[ -f "$rules" ] || { echo "SKIP rules-cost: $rules missing" >&2; exit 0; }

(cd "$here" && cargo build --release -q -p raudit) || exit 1
tmp=$(mktemp -d /tmp/raudit-rules-cost.XXXXXX)
cc -O2 -o "$tmp/syscall-bench" "$here/bench/syscall-bench.c" || exit 1

exec 9>>/tmp/raudit-kernel.lock
flock 9

if [ "$(auditctl -l)" != "No rules" ]; then
	echo "SKIP rules-cost: rules are loaded on this machine; not touching them" >&2
	exit 0
fi
st() { auditctl -s | awk -v k="$1" '$1 == k { print $2 }'; }
s_enabled=$(st enabled) s_failure=$(st failure) s_backlog=$(st backlog_limit)
s_wait=$(st backlog_wait_time) s_lost=$(st lost) s_actual=$(st backlog_wait_time_actual)
if [ "$s_enabled" = 2 ]; then echo "SKIP rules-cost: audit is immutable" >&2; exit 0; fi

restore() {
	auditctl -e 0 >/dev/null
	auditctl -D >/dev/null
	auditctl -b "$s_backlog" >/dev/null
	auditctl --backlog_wait_time "$s_wait" >/dev/null
	[ "$s_failure" = 0 ] || [ "$s_failure" = 1 ] && auditctl -f "$s_failure" >/dev/null
	auditctl -e "$s_enabled" >/dev/null
	[ "$s_lost" = 0 ] && auditctl --reset-lost >/dev/null
	[ "$s_actual" = 0 ] && auditctl --reset_backlog_wait_time_actual >/dev/null
	rm -rf "$tmp"
}
trap restore EXIT
trap 'exit 1' INT TERM

# Keep rule lines only (after a -c line: go on past rejected lines); narrow
# always,exit -S all rules to a pid that never runs.
safe() {
	echo -c
	awk '
	/^[ ]*-[aAw] / && $0 !~ / -e / && $0 !~ /--/ {
		line = $0
		if (line ~ /-S all/ && line ~ /always/) line = line " -F pid=2147483646"
		print line
	}' "$1"
}

safe "$rules" >"$tmp/full.rules"
"$raudit" rules optimize "$tmp/full.rules" -o "$tmp/opt-raw.rules" 2>"$tmp/opt.log"
safe "$tmp/opt-raw.rules" >"$tmp/opt.rules"
: >"$tmp/none.rules"

run() { # NAME FILE
	auditctl -D >/dev/null
	if [ -s "$2" ]; then "$raudit" ctl -R "$2" >/dev/null 2>"$tmp/load.err"; fi
	local n out
	n=$(auditctl -l | grep -c '^-')
	auditctl -e 1 >/dev/null
	out=$("$tmp/syscall-bench" "$iters")
	auditctl -e 0 >/dev/null
	printf '%s %s %s %s\n' "$1" "$n" \
		"$(echo "$out" | awk '/^getpid/ { print $2 }')" \
		"$(echo "$out" | awk '/^openat/ { print $2 }')" | tee -a "$tmp/results"
}

echo "rules: $rules ($(uname -r), $iters iterations, ${ROUNDS:-3} rounds; ns/syscall)"
grep optimize "$tmp/opt.log" | sed 's/^/  /'
echo "run: set rules getpid openat+close"
for _ in $(seq "${ROUNDS:-3}"); do
	run none "$tmp/none.rules"
	run full "$tmp/full.rules"
	run optimised "$tmp/opt.rules"
done
echo "best of each (ns/syscall):"
awk '{ n[$1] = $2; if (!($1 in g) || $3 < g[$1]) g[$1] = $3; if (!($1 in o) || $4 < o[$1]) o[$1] = $4 }
	END { for (k in g) printf "  %-10s %4d rules  getpid %7.1f  openat+close %7.1f\n", k, n[k], g[k], o[k] }' "$tmp/results" | sort
