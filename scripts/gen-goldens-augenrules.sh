#!/bin/sh
# Regenerate tests/golden/augenrules/*/expected.* with the real augenrules
# (audit 3.0.9, /usr/sbin/augenrules) run on a temporary copy whose paths
# point at each case's rules.d and a scratch destination. The script itself
# is only read from the system at generation time, never copied into the
# repository. In the outputs, the rules directory becomes @DIR@ and the
# program name becomes "augenrules".
set -eu
cd "$(dirname "$0")/../tests/golden/augenrules"
real=/usr/sbin/augenrules
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# case ARGS... : runs in $work/case with rules.d and an optional
# initial audit.rules (file "initial" in the case dir).
run_case() {
    name=$1; shift
    c="$work/$name"
    rm -rf "$c"; mkdir -p "$c"
    if [ -d "$name/rules.d" ]; then cp -a "$name/rules.d" "$c/rules.d"; fi
    if [ -f "$name/initial" ]; then sed "s|@DIR@|$c/rules.d|g" "$name/initial" > "$c/audit.rules"; fi
    sed -e "s|^DestinationFile=.*|DestinationFile=$c/audit.rules|" \
        -e "s|^SourceRulesDir=.*|SourceRulesDir=$c/rules.d|" \
        "$real" > "$work/augenrules"
    set +e
    (cd "$c" && sh "$work/augenrules" "$@" > "$c/stdout" 2>/dev/null)
    rc=$?
    set -e
    echo "$rc" > "$name/expected.rc"
    sed -e "s|$work/augenrules|augenrules|g" -e "s|$c/rules.d|@DIR@|g" "$c/stdout" > "$name/expected.stdout"
    if [ -f "$c/audit.rules" ]; then
        sed -e "s|$c/rules.d|@DIR@|g" "$c/audit.rules" > "$name/expected.rules"
    else
        rm -f "$name/expected.rules"
    fi
    if [ -f "$c/audit.rules.prev" ]; then
        sed -e "s|$c/rules.d|@DIR@|g" "$c/audit.rules.prev" > "$name/expected.prev"
    else
        rm -f "$name/expected.prev"
    fi
}

for d in */; do
    d=${d%/}
    args=""
    if [ -f "$d/args" ]; then args=$(cat "$d/args"); fi
    # shellcheck disable=SC2086
    run_case "$d" $args
done
