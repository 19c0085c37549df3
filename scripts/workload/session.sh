#!/bin/bash
# session.sh — the workload that scripts/record-logs.sh records.
#
# Usage: session.sh WORKDIR WORKLOAD_BIN LABEL
#   (run by record-logs.sh as root inside a fresh login session: loginuid 0)
#   session.sh user-phase WORKDIR WORKLOAD_BIN
#   (run by record-logs.sh in a second login session: loginuid 1000, uid 1000)
# RAUDIT_PHASES selects what runs: full (default), root-short, user-short.
#
# It loads rules scoped to this session (auid=0 + ses=N) and to auid 1000,
# runs the workload and deletes all rules again. Part way it creates
# WORKDIR/.user-go and waits for WORKDIR/.user-done: record-logs.sh runs the
# auid-1000 session in between (a second login has to start from a process
# whose loginuid is unset, as the kernel may have loginuid_immutable set).
# Never run this outside record-logs.sh: it loads rules and expects the
# kernel lock to be held.
set -u

if [ "$1" = user-phase ]; then
    W=$2 WL=$3
    cd "$W/u" || exit 1
    /bin/echo "user exec" "as uid $(id -u)" > /dev/null
    /usr/bin/id > /dev/null
    cat "$W/secret" 2> /dev/null
    cat /nonexistent/user-file 2> /dev/null
    echo "from uid 1000" >> "$W/watched"
    "$WL" net "$W/u"
    "$WL" kill
    if [ "${RAUDIT_PHASES:-full}" = full ]; then
        "$WL" fileops "$W/u"
        /bin/ls -l "$W/secret" > /dev/null
        /bin/sh -c '/bin/true'
    fi
    exit 0
fi

W=$1 WL=$2 LABEL=$3
PHASES=${RAUDIT_PHASES:-full}
SES=$(cat /proc/self/sessionid)
echo "session.sh[$LABEL]: auid $(cat /proc/self/loginuid) ses $SES phases $PHASES" >&2

rm -rf "$W"
mkdir -p "$W/wdir" "$W/dir with space" "$W/u"
chmod 755 "$W" "$W/wdir" "$W/dir with space"
chown 1000:1000 "$W/u"
echo "top secret" > "$W/secret"
chmod 600 "$W/secret"
echo "watched file" > "$W/watched"
chmod 666 "$W/watched"
cp /bin/true "$W/my prog"
cp /bin/true "$W/tëst-bin"
cp /bin/true "$W/watched-exe"
echo "#!/bin/sh" > "$W/noexec"
chmod 644 "$W/noexec"

F0="-F auid=0 -F sessionid=$SES"
F1="-F auid=1000"
# All rules in one auditctl -R, so its own netlink socket is not audited.
rules() { # $1: filter
    local F=$1
    cat <<EOF
-a always,exit -F arch=b64 -S execve,execveat $F -k exec
-a always,exit -F arch=b64 -S open,openat,creat,truncate -F exit=-EACCES $F -k access
-a always,exit -F arch=b64 -S open,openat,creat -F exit=-ENOENT $F -k noent
-a always,exit -F arch=b64 -S socket,connect,bind,listen $F -k net
-a always,exit -F arch=b64 -S kill,tkill,tgkill $F -k kill
-a always,exit -F arch=b64 -S unlink,unlinkat,rename,renameat,renameat2,mkdir,mkdirat,rmdir $F -k fileops
-a always,exit -F arch=b64 -S chmod,fchmod,fchmodat,chown,fchown,fchownat,lchown $F -k perm
-a always,exit -F arch=b64 -S setuid,setgid,setresuid,setresgid,setreuid,setregid,setgroups $F -k ids
-a always,exit -F arch=b64 -S socketpair $F -k fdpair
-a always,exit -F arch=b64 -S mmap -F a2=0x3 -F a3=0x1 $F -k mmap
-a always,exit -F arch=b64 -S mknod,mknodat $F -k multi1 -k multi2
-a always,exit -F arch=b32 -S open,kill $F -k b32
EOF
}
{
    rules "$F0"
    rules "$F1"
    echo "-w $W/watched -p rwxa -k watch"
    echo "-w $W/wdir/ -p wa -k dirwatch"
    echo "-w $W/watched-exe -p x -k watchx"
} > "$W.rules"
auditctl -R "$W.rules" > /dev/null
rm -f "$W.rules"

root_execs() {
    cd "$W" || exit 1
    /bin/echo "hello world" > /dev/null
    /bin/echo 'it'"'"'s "quoted"' 'back\slash' > /dev/null
    /bin/echo $'caf\xc3\xa9 \xe2\x98\x83 snowman' > /dev/null
    /bin/echo $'line1\nline2\ttab' $'\x01ctl' '' > /dev/null
    /usr/bin/env -i FOO=bar /bin/true --flag=1 ''
    "$W/my prog" arg
    "$W/tëst-bin"
    (cd "$W/dir with space" && /bin/true)
    "$W/nope" 2> /dev/null
    "$W/noexec" 2> /dev/null
    "$W/watched-exe"
}

root_full() {
    root_execs
    /bin/true "$(head -c 9000 /dev/zero | tr '\0' a)"
    # shellcheck disable=SC2046
    /bin/echo $(seq 1 400) > /dev/null
    sleep 1
    cat /nonexistent/file 2> /dev/null
    cat "$W/no such file" 2> /dev/null
    cat "$W/watched" > /dev/null
    echo data >> "$W/watched"
    chmod 600 "$W/watched"
    chmod 666 "$W/watched"
    touch "$W/wdir/new file"
    mv "$W/wdir/new file" "$W/wdir/renamed"
    rm "$W/wdir/renamed"
    sleep 1
    "$WL" net "$W"
    "$WL" fileops "$W"
    "$WL" kill
    "$WL" b32 /nonexistent/b32-open
    "$WL" euid "$W"
    sleep 1
    auditctl -m "hello from the raudit recorder"
    auditctl -m "user message with \"quotes\" and 'apostrophes'"
    "$WL" usermsg root
    {
        (
            ulimit -c 0
            exec "$WL" segv
        )
    } 2> /dev/null
    script -qec "/bin/echo on a tty; cat /nonexistent/on-tty" /dev/null > /dev/null 2>&1
    sleep 1
}

root_short() {
    /bin/echo "short phase" "$LABEL" > /dev/null
    cat "/nonexistent/$LABEL" 2> /dev/null
    echo "$LABEL" >> "$W/watched"
    "$WL" net "$W"
    "$WL" kill
    auditctl -m "mixed phase $LABEL"
    "$WL" usermsg "$LABEL"
}

user_phase() {
    touch "$W/.user-go"
    local i
    for i in $(seq 1 600); do
        [ -e "$W/.user-done" ] && return 0
        sleep 0.1
    done
    echo "session.sh[$LABEL]: the auid-1000 session did not finish" >&2
}

case $PHASES in
full)
    root_full
    user_phase
    sleep 1
    root_execs
    ;;
root-short) root_short ;;
user-short)
    user_phase
    root_execs
    ;;
esac
sleep 0.5
auditctl -D > /dev/null
rm -rf "$W"
exit 0
