#!/bin/sh
# Regenerate tests/golden/ctl/lines.expected with the real auditctl 3.0.9:
# for every rule line of tests/golden/ctl/lines.txt, load it alone on the
# real kernel and record what `auditctl -l` prints (or ERROR if refused).
# Needs root; takes the machine-wide kernel lock; deletes the rules after.
# Only run it with no rules loaded and auditing disabled.
set -eu
cd "$(dirname "$0")/.."
in=tests/golden/ctl/lines.txt
out=tests/golden/ctl/lines.expected
exec 9>/tmp/raudit-kernel.lock
flock 9
if [ "$(auditctl -l)" != "No rules" ]; then
    echo "rules are loaded; refusing to touch them" >&2
    exit 1
fi
trap 'auditctl -D >/dev/null 2>&1 || true' EXIT
: > "$out"
while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    auditctl -D >/dev/null
    # shellcheck disable=SC2086
    if LC_ALL=C auditctl $line >/dev/null 2>&1; then
        printf '%s\n' "$(LC_ALL=C auditctl -l)" >> "$out"
    else
        echo ERROR >> "$out"
    fi
done < "$in"
auditctl -D >/dev/null
