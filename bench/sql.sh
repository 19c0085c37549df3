#!/bin/bash
# sql.sh — speed of `raudit index` (build) and `raudit sql` (query on the index).
#
# Usage:  bench/sql.sh [LOG] [BYTES]     (default: the first 100 MB of
#                                         /var/tmp/raudit-bench/audit.log, made by
#                                         bench/gen-big-log.sh)
#         RAUDIT=/path/to/raudit RUNS=5 bench/sql.sh
#
# Reports: reading the slice from the page cache (`wc -l`), the index build
# (MB/s of log, events, size of the database), a no-op incremental rerun, and the
# query "top 10 executables by event count" on the index: the query alone (SQLite
# step time, `--timer`) and the whole `raudit sql` process, best of RUNS.
# It competes for the CPUs: run it rarely, under `nice`.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
LOG=${1:-/var/tmp/raudit-bench/audit.log}
BYTES=${2:-100000000}
RUNS=${RUNS:-5}
[ -r "$LOG" ] || { echo "sql.sh: no log at $LOG (run bench/gen-big-log.sh)" >&2; exit 1; }

if [ -z "${RAUDIT:-}" ]; then
    (cd "$REPO" && cargo build --release -p raudit --quiet)
    RAUDIT=${CARGO_TARGET_DIR:-$REPO/target}/release/raudit
fi
[ -x "$RAUDIT" ] || { echo "sql.sh: no raudit binary at $RAUDIT" >&2; exit 1; }

WORK=$(mktemp -d /tmp/raudit-sql-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
SLICE=$WORK/audit.log
head -c "$BYTES" "$LOG" > "$SLICE"
size=$(stat -c %s "$SLICE")
mb=$(python3 -c "print($size / 1e6)")
echo "log: first $BYTES bytes of $LOG ($(wc -l < "$SLICE") lines)"
echo "raudit: $RAUDIT"
echo

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.3f}')"; }

best=
for _ in $(seq "$RUNS"); do
    t0=$(now); wc -l "$SLICE" > /dev/null; t1=$(now)
    s=$(secs "$t0" "$t1")
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $s < $best else 1)"; then best=$s; fi
done
echo "wc -l:              ${best} s  ($(python3 -c "print(f'{$mb / $best:.0f}')") MB/s)"

DB=$WORK/index.db
t0=$(now)
/usr/bin/time -o "$WORK/time" -f "%U %S" "$RAUDIT" index --db "$DB" -if "$SLICE" -q
t1=$(now)
b=$(secs "$t0" "$t1")
read -r u s < "$WORK/time"
events=$("$RAUDIT" sql --db "$DB" --format csv "SELECT count(*) FROM events" | tail -1)
echo "index build:        ${b} s  ($(python3 -c "print(f'{$mb / $b:.0f}')") MB/s, $events events, db $(( $(stat -c %s "$DB") / 1000000 )) MB)"
echo "  CPU: user ${u} s + sys ${s} s over 2 threads (a busy machine stretches the wall time; load: $(cut -d' ' -f1 /proc/loadavg))"

t0=$(now)
"$RAUDIT" index --db "$DB" -if "$SLICE" -q
t1=$(now)
echo "index rerun (no-op): $(secs "$t0" "$t1") s"

Q="SELECT exe, count(*) AS events FROM events GROUP BY exe ORDER BY events DESC LIMIT 10"
qbest=; pbest=
for _ in $(seq "$RUNS"); do
    t0=$(now)
    q=$("$RAUDIT" sql --db "$DB" --format csv --timer "$Q" 2>&1 >/dev/null | sed -n 's/^query: \([0-9.]*\) ms$/\1/p')
    t1=$(now)
    p=$(secs "$t0" "$t1")
    if [ -z "$qbest" ] || python3 -c "import sys; sys.exit(0 if $q < $qbest else 1)"; then qbest=$q; fi
    if [ -z "$pbest" ] || python3 -c "import sys; sys.exit(0 if $p < $pbest else 1)"; then pbest=$p; fi
done
echo "query (top 10 exe): ${qbest} ms in SQLite, ${pbest} s for the whole raudit sql process"
echo
"$RAUDIT" sql --db "$DB" --format table "$Q"
