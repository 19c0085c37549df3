# kernel-state.sh — sourced by scripts/record-logs.sh and bench/gen-big-log.sh.
#
# Saves the kernel audit state, starts/stops a private real auditd, and
# restores the state exactly on exit. The caller must already hold
# /tmp/raudit-kernel.lock and must call kstate_save before anything else and
# kstate_cleanup from its EXIT trap.
#
# Variables: AUDITD_PID (running private auditd, or empty), KSTATE_* (saved).

AUDITD_PID=""
KSTATE_RULES=""
KSTATE_STATUS=""

# The settable part of `auditctl -s` (lost/backlog counters are left out).
kstate_status() {
    auditctl -s | grep -E '^(enabled|failure|pid|rate_limit|backlog_limit|backlog_wait_time|loginuid_immutable) '
}

kstate_get() { # $1: key
    kstate_status | awk -v k="$1" '$1 == k { print $2 }'
}

kstate_save() {
    KSTATE_STATUS=$(kstate_status)
    KSTATE_RULES=$(auditctl -l)
    KSTATE_ENABLED=$(kstate_get enabled)
    KSTATE_FAILURE=$(kstate_get failure)
    KSTATE_RATE=$(kstate_get rate_limit)
    KSTATE_BACKLOG=$(kstate_get backlog_limit)
    KSTATE_WAIT=$(kstate_get backlog_wait_time)
    if [ "$(kstate_get pid)" != 0 ]; then
        echo "kernel-state: an audit daemon is already registered (pid $(kstate_get pid)); refusing" >&2
        exit 1
    fi
    if [ "$KSTATE_RULES" != "No rules" ]; then
        echo "kernel-state: audit rules are loaded; refusing to touch them" >&2
        exit 1
    fi
    if [ "$KSTATE_ENABLED" = 2 ]; then
        echo "kernel-state: audit is immutable (enabled 2); refusing" >&2
        exit 1
    fi
    echo "kernel-state: saved: $(echo "$KSTATE_STATUS" | tr '\n' ' ')" >&2
}

# auditd.conf text for a private auditd under DIR.
auditd_conf() { # $1: dir  $2: log_format  $3: name_format  $4: name  [$5: max_log_file MiB]
    cat <<EOF
local_events = yes
write_logs = yes
log_file = $1/log/audit.log
log_group = root
log_format = $2
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = ${5:-100}
num_logs = 5
priority_boost = 0
name_format = $3
${4:+name = $4}
max_log_file_action = IGNORE
space_left = 100
space_left_action = IGNORE
verify_email = no
action_mail_acct = root
admin_space_left = 50
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
use_libwrap = no
tcp_listen_queue = 5
tcp_max_per_addr = 1
tcp_client_max_idle = 0
transport = TCP
distribute_network = no
q_depth = 2000
overflow_action = IGNORE
max_restarts = 10
plugin_dir = $1/plugins.d
end_of_event_timeout = 2
EOF
}

auditd_start() { # $1: dir  $2: log_format  $3: name_format  $4: name  [$5: max_log_file MiB]
    local dir=$1 i
    mkdir -p "$dir/conf" "$dir/log" "$dir/plugins.d"
    chmod 700 "$dir/conf" "$dir/log"
    auditd_conf "$@" > "$dir/conf/auditd.conf"
    chmod 600 "$dir/conf/auditd.conf"
    auditd -n -c "$dir/conf" > "$dir/auditd.out" 2>&1 &
    AUDITD_PID=$!
    for i in $(seq 1 100); do
        if [ "$(kstate_get pid)" = "$AUDITD_PID" ]; then
            # a larger backlog so bursts are not lost while we record
            auditctl -b 8192 > /dev/null
            return 0
        fi
        if ! kill -0 "$AUDITD_PID" 2> /dev/null; then
            echo "kernel-state: auditd failed to start:" >&2
            cat "$dir/auditd.out" >&2
            AUDITD_PID=""
            return 1
        fi
        sleep 0.1
    done
    echo "kernel-state: auditd did not register within 10 s" >&2
    return 1
}

auditd_stop() {
    local i
    [ -n "$AUDITD_PID" ] || return 0
    kill -TERM "$AUDITD_PID" 2> /dev/null || true
    for i in $(seq 1 100); do
        kill -0 "$AUDITD_PID" 2> /dev/null || break
        sleep 0.1
    done
    if kill -0 "$AUDITD_PID" 2> /dev/null; then
        echo "kernel-state: auditd $AUDITD_PID ignored SIGTERM; killing it" >&2
        kill -KILL "$AUDITD_PID" 2> /dev/null || true
    fi
    wait "$AUDITD_PID" 2> /dev/null || true
    AUDITD_PID=""
}

# Restore everything kstate_save saw. Safe to call more than once.
kstate_cleanup() {
    set +e
    auditd_stop
    auditctl -D > /dev/null
    auditctl -b "$KSTATE_BACKLOG" > /dev/null
    auditctl -r "$KSTATE_RATE" > /dev/null
    auditctl --backlog_wait_time "$KSTATE_WAIT" > /dev/null
    auditctl -f "$KSTATE_FAILURE" > /dev/null
    auditctl -e "$KSTATE_ENABLED" > /dev/null
    # The kernel forgets a dead auditd when it next tries to send to it.
    local i
    for i in $(seq 1 50); do
        [ "$(kstate_get pid)" = 0 ] && break
        sleep 0.1
    done
    local now rules
    now=$(kstate_status)
    rules=$(auditctl -l)
    if [ "$now" != "$KSTATE_STATUS" ] || [ "$rules" != "$KSTATE_RULES" ]; then
        echo "kernel-state: WARNING: audit state differs from the start:" >&2
        echo "before: $KSTATE_STATUS / $KSTATE_RULES" >&2
        echo "after:  $now / $rules" >&2
        return 1
    fi
    echo "kernel-state: restored: $(echo "$now" | tr '\n' ' ')" >&2
}
