#!/bin/sh
# Regenerate the ausyscall CLI golden files from the real tool
# (audit-userspace 3.0.9, Debian bookworm package `auditd`), on an x86_64
# host. Run from the repository root:
#     sh scripts/gen-tables-goldens-ausyscall.sh
# For case N (line N of tests/golden/ausyscall/cases.txt, comments and
# blank lines skipped) it writes case-N.out, case-N.err and case-N.rc.
# The --dump goldens (dump-*.txt) come from `python3 scripts/gen-tables.py oracle`.
# The tests only read these files; they never need the real tool.
set -eu
command -v ausyscall >/dev/null || { echo "ausyscall not installed" >&2; exit 1; }
out=tests/golden/ausyscall
export TZ=UTC LC_ALL=C
rm -f "$out"/case-*
n=0
while IFS= read -r line; do
    case "$line" in ''|'#'*) continue;; esac
    n=$((n+1))
    set +e
    # shellcheck disable=SC2086
    ausyscall $line > "$out/case-$n.out" 2> "$out/case-$n.err"
    echo $? > "$out/case-$n.rc"
    set -e
done < "$out/cases.txt"
