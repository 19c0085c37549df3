#!/bin/sh
# Regenerates tests/golden/json: `raudit json` (default settings: ancestry depth 4,
# no user/group lookups: RAUDIT_JSON_NAMES=none) over every log of the shared corpus.
#
# tests/golden/json/index.tsv: LOG<TAB>LOG-SHA256<TAB>OUTPUT-SHA256<TAB>OUTPUT-BYTES<TAB>FILE
# FILE is the committed output under tests/golden/json/out/, or "-" for logs from
# GPL/LGPL sources (../shared/corpus/SOURCES.md): only their digest is committed.
# These are raudit's own outputs (no oracle): review the diff when regenerating.
set -eu
cd "$(dirname "$0")/.."
RAUDIT=${RAUDIT:-target/release/raudit}
[ -x "$RAUDIT" ] || cargo build --release -p raudit
GPL="SELinuxProject__selinux ait-aecid__aecid-parsergenerator apparmor__apparmor hillu__linux-audit-parser-rs linux-audit__audit-userspace roddhjav__apparmor.d threathunters-io__laurel megacoder__generic-prettyprinter"
DIR=tests/golden/json
rm -rf "$DIR"
mkdir -p "$DIR/out"
INDEX="$DIR/index.tsv"
: > "$INDEX"
find ../shared/corpus/logs -type f | LC_ALL=C sort | while read -r log; do
    rel=${log#../shared/corpus/logs/}
    src=${rel%%/*}
    tmp=$(mktemp)
    RAUDIT_JSON_NAMES=none "$RAUDIT" json "$log" > "$tmp" 2>/dev/null || true
    lsha=$(sha256sum < "$log" | cut -d' ' -f1)
    osha=$(sha256sum < "$tmp" | cut -d' ' -f1)
    bytes=$(wc -c < "$tmp" | tr -d ' ')
    file=-
    case " $GPL " in
        *" $src "*) ;;
        *) file=out/$(echo "$rel" | tr '/' '_').jsonl; cp "$tmp" "$DIR/$file" ;;
    esac
    printf '%s\t%s\t%s\t%s\t%s\n' "$rel" "$lsha" "$osha" "$bytes" "$file" >> "$INDEX"
    rm -f "$tmp"
done
echo "$(wc -l < "$INDEX") logs"
