#!/bin/bash
# report.sh — time `raudit report` against the real `aureport` on a big log.
#
# Usage:  bench/report.sh [LOG]          (default: /var/tmp/raudit-bench/audit.log,
#                                         made by bench/gen-big-log.sh)
#         RUNS=5 RAUDIT=/path/to/raudit REPORTS="--summary|-x --summary" bench/report.sh LOG
#
# Needs: the real aureport (Debian `auditd`), GNU time (/usr/bin/time) for peak
# RSS, hyperfine (without it each command is timed once with /usr/bin/time),
# python3, and cargo to build the release binary (skipped when RAUDIT is set).
# Runs the main summary and every report with --summary (REPORTS overrides the
# list), with TZ=UTC LC_ALL=C;
# checks that both tools print identical stdout, stderr and exit codes; reports
# times, the speed-up, the ratio to reading the file from the page cache
# (`wc -l`) and the peak RSS of each tool. aureport is timed by one run (it needs
# minutes on a 300 MB log; its user+system CPU time is shown too, as the fairer
# figure on a loaded machine), raudit and wc -l by the best of RUNS hyperfine runs
# after a warmup. raudit is timed single-threaded (RAUDIT_REPORT_THREADS=1) and,
# unless THREADS=1, also with THREADS threads (default 2: summaries of a file of
# 4 MiB or more are read in two chunks, one per thread, stitched at the middle;
# other reads get a reader thread that splits, parses and assembles while the
# main thread extracts and tallies; ARCHITECTURE.md "Reports"); both outputs
# must be identical to aureport's. AUREPORT_CACHE=DIR reuses aureport's output and
# times from an earlier run (DIR/out.NAME, err.NAME, rc.NAME, time.NAME holding
# "wall-s cpu-s maxrss-KB"; written by a run that finds them missing), since
# aureport needs minutes per report.
# It competes for the CPUs: run it rarely, under `nice`.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
LOG=${1:-/var/tmp/raudit-bench/audit.log}
RUNS=${RUNS:-3}
export TZ=UTC LC_ALL=C
[ -r "$LOG" ] || { echo "report.sh: no log at $LOG (run bench/gen-big-log.sh)" >&2; exit 1; }
command -v aureport > /dev/null || { echo "report.sh: aureport not installed" >&2; exit 1; }

if [ -z "${RAUDIT:-}" ]; then
    (cd "$REPO" && cargo build --release -p raudit --quiet)
    RAUDIT=${CARGO_TARGET_DIR:-$REPO/target}/release/raudit
fi
[ -x "$RAUDIT" ] || { echo "report.sh: no raudit binary at $RAUDIT" >&2; exit 1; }

WORK=$(mktemp -d /tmp/raudit-report-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

ALL="--summary"
for r in -au -a -c --comm -cr -e -f -h --integrity -k -l -m -ma -n -p -r -s -t -tm --tty -u -x --virt; do
    ALL="$ALL|$r --summary"
done
IFS='|' read -r -a REPORTS <<< "${REPORTS:-$ALL}"
THREADS=${THREADS:-2}

cat "$LOG" > /dev/null
size=$(stat -c %s "$LOG")
echo "log: $LOG ($((size / 1048576)) MB, $(wc -l < "$LOG") lines)"
echo "raudit: $RAUDIT"
echo

have_hyperfine=0
command -v hyperfine > /dev/null && have_hyperfine=1

# best seconds of a command (words in "$@"), stdout discarded
mean() {
    if [ $have_hyperfine = 1 ]; then
        hyperfine -N -i --style none --warmup 1 --runs "$RUNS" --export-json "$WORK/h.json" \
            "$*" > /dev/null 2>&1
        python3 -c 'import json,sys; print("%.4f" % min(json.load(open(sys.argv[1]))["results"][0]["times"]))' "$WORK/h.json"
    else
        /usr/bin/time -f %e -o "$WORK/t" "$@" > /dev/null 2>&1 || true
        cat "$WORK/t"
    fi
}

wc_mean=$(mean wc -l "$LOG")
echo "page-cache read (wc -l): ${wc_mean} s ($(python3 -c "print('%.0f' % ($size / 1048576 / max($wc_mean, 1e-9)))") MB/s)"
echo
printf '%-22s %10s %9s %9s %8s %8s %9s %8s %9s %9s  %s\n' report aureport-s au-cpu-s raudit-s speed-up vs-wc-l ${THREADS}thr-s thr-gain rss-au-MB rss-ra-MB output
status=0
for args_s in "${REPORTS[@]}"; do
    # shellcheck disable=SC2206
    args=($args_s)
    key=$(echo "x$args_s" | sed 's/--summary//; s/-//g; s/ //g')
    set +e
    if [ -n "${AUREPORT_CACHE:-}" ] && [ -r "$AUREPORT_CACHE/time.$key" ]; then
        cp "$AUREPORT_CACHE/out.$key" "$WORK/a.out"
        cp "$AUREPORT_CACHE/err.$key" "$WORK/a.err"
        arc=$(cat "$AUREPORT_CACHE/rc.$key")
        read -r a au ra < "$AUREPORT_CACHE/time.$key"
    else
        /usr/bin/time -f '%e %U %S %M' -o "$WORK/at" aureport -if "$LOG" "${args[@]}" > "$WORK/a.out" 2> "$WORK/a.err"
        arc=$?
        read -r a au as ra <<< "$(tail -n 1 "$WORK/at")"
        au=$(python3 -c "print('%.2f' % ($au + $as))")
        if [ -n "${AUREPORT_CACHE:-}" ]; then
            mkdir -p "$AUREPORT_CACHE"
            cp "$WORK/a.out" "$AUREPORT_CACHE/out.$key"
            cp "$WORK/a.err" "$AUREPORT_CACHE/err.$key"
            echo $arc > "$AUREPORT_CACHE/rc.$key"
            echo "$a $au $ra" > "$AUREPORT_CACHE/time.$key"
        fi
    fi
    /usr/bin/time -f '%e %M' -o "$WORK/rt" env RAUDIT_REPORT_THREADS=1 "$RAUDIT" report -if "$LOG" "${args[@]}" > "$WORK/r.out" 2> "$WORK/r.err"
    rrc=$?
    set -e
    if [ "$arc" = $rrc ] && cmp -s "$WORK/a.out" "$WORK/r.out" && cmp -s "$WORK/a.err" "$WORK/r.err"; then
        same="identical ($(wc -l < "$WORK/a.out") lines, exit $arc)"
    else
        same="DIFFERENT (exit $arc vs $rrc; $(wc -l < "$WORK/a.out") vs $(wc -l < "$WORK/r.out") lines)"
        status=1
    fi
    read -r _ rr <<< "$(tail -n 1 "$WORK/rt")"
    ra=$((${ra:-0} / 1024))
    rr=$((rr / 1024))
    r=$(RAUDIT_REPORT_THREADS=1 mean "$RAUDIT" report -if "$LOG" "${args[@]}")
    read -r speed vswc <<< "$(python3 -c "import sys; a,r,w=map(float,sys.argv[1:]); print('%s %.2fx' % ('n/a' if a < 0.05 else '%.1fx' % (a/max(r,1e-9)), r/max(w,1e-9)))" "$au" "$r" "$wc_mean")"
    m=- gain=-
    if [ "$THREADS" != 1 ]; then
        RAUDIT_REPORT_THREADS=$THREADS "$RAUDIT" report -if "$LOG" "${args[@]}" > "$WORK/m.out" 2> "$WORK/m.err" || true
        if ! cmp -s "$WORK/r.out" "$WORK/m.out" || ! cmp -s "$WORK/r.err" "$WORK/m.err"; then
            same="$same; ${THREADS} threads DIFFERENT"
            status=1
        fi
        m=$(RAUDIT_REPORT_THREADS=$THREADS mean "$RAUDIT" report -if "$LOG" "${args[@]}")
        gain=$(python3 -c "import sys; r,m=map(float,sys.argv[1:]); print('%.2fx' % (r/max(m,1e-9)))" "$r" "$m")
    fi
    printf '%-22s %10s %9s %9s %8s %8s %9s %8s %9s %9s  %s\n' "$args_s" "$a" "$au" "$r" "$speed" "$vswc" "$m" "$gain" "$ra" "$rr" "$same"
done
echo
echo "speed-up = aureport CPU time (user+system; its wall time is longer on a busy machine) / raudit single-thread wall time; vs-wc-l = raudit time / wc -l time"
echo "(goal: speed-up >= 100x, or vs-wc-l <= 2x; n/a: aureport refuses the option at once, e.g. --tty --summary: \"Unimplemented option\"); thr-gain = single-thread time / ${THREADS}-thread time"
exit $status
