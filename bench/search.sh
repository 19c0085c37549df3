#!/bin/bash
# search.sh — time `raudit search` against the real `ausearch` on a big log.
#
# Usage:  bench/search.sh [LOG]          (default: /var/tmp/raudit-bench/audit.log,
#                                         made by bench/gen-big-log.sh)
#         RUNS=5 RAUDIT=/path/to/raudit KEY=fileops PID=1234 bench/search.sh LOG
#
# Needs: the real ausearch (Debian `auditd`), GNU time (/usr/bin/time) for
# peak RSS, hyperfine (`apt-get install -y hyperfine`; without it each
# command is timed once with /usr/bin/time), python3, and cargo to build the
# release binary (skipped when RAUDIT is set). Runs four queries — key
# lookup (-k), pid lookup (-p), interpretation (-i -k exec) and a time range
# (-ts/-te over about a tenth of the log) — with TZ=UTC LC_ALL=C, checks that
# both tools print identical output and exit codes, and reports times, the
# speed-up, the ratio to reading the file from the page cache (`wc -l`) and
# the peak RSS of each tool. ausearch is timed by one run (with its RSS; it
# needs minutes on a 300 MB log; its user+system CPU time is shown too and is
# what the speed-up uses, as its wall time grows on a busy machine), raudit and
# wc -l by the best of RUNS hyperfine runs after a warmup. AUSEARCH_CACHE=DIR keeps
# ausearch's output and times per query (filled on the first run, reused after;
# the values picked from the log are stable, so the cache stays valid for one log). It competes for the CPUs: run it rarely
# (about 15 minutes on a 340 MB log here, almost all of it ausearch).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
LOG=${1:-/var/tmp/raudit-bench/audit.log}
RUNS=${RUNS:-3}
KEY=${KEY:-fileops}
export TZ=UTC LC_ALL=C
[ -r "$LOG" ] || { echo "search.sh: no log at $LOG (run bench/gen-big-log.sh)" >&2; exit 1; }
command -v ausearch > /dev/null || { echo "search.sh: ausearch not installed" >&2; exit 1; }

if [ -z "${RAUDIT:-}" ]; then
    (cd "$REPO" && cargo build --release -p raudit --quiet)
    RAUDIT=${CARGO_TARGET_DIR:-$REPO/target}/release/raudit
fi
[ -x "$RAUDIT" ] || { echo "search.sh: no raudit binary at $RAUDIT" >&2; exit 1; }

WORK=$(mktemp -d /tmp/raudit-search-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# Warm the page cache, then pick query values from the log itself.
cat "$LOG" > /dev/null
size=$(stat -c %s "$LOG")
first=$(head -n 1 "$LOG" | grep -o 'audit([0-9]*' | head -n 1 | tr -dc 0-9)
last=$(tail -n 1 "$LOG" | grep -o 'audit([0-9]*' | head -n 1 | tr -dc 0-9)
span=$((last - first))
ts=$((first + span * 4 / 10))
te=$((ts + (span / 10 > 1 ? span / 10 : 1)))
# the pid of an exec'd process from the middle of the log
PID=${PID:-$(set +o pipefail; tail -c +$((size / 2)) "$LOG" | grep -m 1 'key="exec"' | grep -o ' pid=[0-9]*' | cut -d= -f2)}
fmt() { date -u -d "@$1" '+%m/%d/%y %H:%M:%S'; }
read -r tsd tst <<< "$(fmt "$ts")"
read -r ted tet <<< "$(fmt "$te")"

NAMES=(key pid interpret timerange)
ARGS=(
    "-k $KEY"
    "-p $PID"
    "-i -k exec"
    "-ts $tsd $tst -te $ted $tet"
)

echo "log: $LOG ($((size / 1048576)) MB, $(wc -l < "$LOG") lines, ${span} s of events)"
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
printf '%-10s %10s %9s %10s %9s %9s %9s %9s  %s\n' query ausearch-s au-cpu-s raudit-s speed-up vs-wc-l rss-au-MB rss-ra-MB output
status=0
for i in "${!NAMES[@]}"; do
    name=${NAMES[$i]}
    # shellcheck disable=SC2206
    args=(${ARGS[$i]})
    set +e
    # AUSEARCH_CACHE=DIR: reuse ausearch's output and times for this log and query
    # (written on the first run; delete DIR when the log changes)
    ckey=$(echo "$name ${ARGS[$i]}" | tr -c 'A-Za-z0-9\n' _)
    if [ -n "${AUSEARCH_CACHE:-}" ] && [ -r "$AUSEARCH_CACHE/time.$ckey" ]; then
        cp "$AUSEARCH_CACHE/out.$ckey" "$WORK/a.out"
        cp "$AUSEARCH_CACHE/err.$ckey" "$WORK/a.err"
        cp "$AUSEARCH_CACHE/time.$ckey" "$WORK/at"
        arc=$(cat "$AUSEARCH_CACHE/rc.$ckey")
    else
        /usr/bin/time -f '%e %M %U %S' -o "$WORK/at" ausearch -if "$LOG" "${args[@]}" > "$WORK/a.out" 2> "$WORK/a.err"
        arc=$?
        if [ -n "${AUSEARCH_CACHE:-}" ]; then
            mkdir -p "$AUSEARCH_CACHE"
            cp "$WORK/a.out" "$AUSEARCH_CACHE/out.$ckey"
            cp "$WORK/a.err" "$AUSEARCH_CACHE/err.$ckey"
            echo $arc > "$AUSEARCH_CACHE/rc.$ckey"
            cp "$WORK/at" "$AUSEARCH_CACHE/time.$ckey"
        fi
    fi
    /usr/bin/time -f '%e %M' -o "$WORK/rt" "$RAUDIT" search -if "$LOG" "${args[@]}" > "$WORK/r.out" 2> "$WORK/r.err"
    rrc=$?
    set -e
    if [ $arc = $rrc ] && cmp -s "$WORK/a.out" "$WORK/r.out" && cmp -s "$WORK/a.err" "$WORK/r.err"; then
        same="identical ($(wc -l < "$WORK/a.out") lines, exit $arc)"
    else
        same="DIFFERENT (exit $arc vs $rrc; $(wc -l < "$WORK/a.out") vs $(wc -l < "$WORK/r.out") lines)"
        status=1
    fi
    read -r a ra au as <<< "$(tail -n 1 "$WORK/at")"
    au=$(python3 -c "print('%.2f' % ($au + $as))")
    read -r _ rr <<< "$(tail -n 1 "$WORK/rt")"
    ra=$((ra / 1024))
    rr=$((rr / 1024))
    r=$(mean "$RAUDIT" search -if "$LOG" "${args[@]}")
    read -r speed vswc <<< "$(python3 -c "import sys; a,r,w=map(float,sys.argv[1:]); print('%.1fx %.2fx' % (a/max(r,1e-9), r/max(w,1e-9)))" "$au" "$r" "$wc_mean")"
    printf '%-10s %10s %9s %10s %9s %9s %9s %9s  %s\n' "$name" "$a" "$au" "$r" "$speed" "$vswc" "$ra" "$rr" "$same"
    echo "           args: ${ARGS[$i]}"
done
echo
echo "speed-up = ausearch CPU time / raudit best wall time; vs-wc-l = raudit time / wc -l time (goal: speed-up >= 100x, or vs-wc-l <= 2x)"
exit $status
