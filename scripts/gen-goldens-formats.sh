#!/bin/sh
# Regenerates the expected outputs of ausearch --format csv/text for the synthetic logs
# in crates/raudit-search/tests/data/formats with the real ausearch (audit 3.0.9).
# Usage: scripts/gen-goldens-formats.sh  (from the repository root)
set -eu
dir=crates/raudit-search/tests/data/formats
export TZ=UTC LC_ALL=C
run() { # log variant args...
	log=$1; variant=$2; shift 2
	out="$dir/$(basename "$log" .log).$variant"
	ausearch -if "$log" "$@" > "$out.out" 2> "$out.err" || true
}
for log in "$dir"/*.log; do
	run "$log" csv --format csv
	run "$log" csv-time --format csv --extra-time
	run "$log" csv-labels --format csv --extra-labels
	run "$log" csv-obj2 --format csv --extra-obj2
	run "$log" csv-keys --format csv --extra-keys
	run "$log" csv-all --format csv --extra-time --extra-labels --extra-obj2 --extra-keys
	run "$log" csv-raw --format csv --escape raw
	run "$log" csv-shell --format csv --escape shell_quote
	run "$log" text --format text
	run "$log" text-shell --format text --escape shell
done
