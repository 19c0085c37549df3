#!/usr/bin/env python3
"""Regenerate tests/golden/interpret/ from the real `ausearch -i` (audit 3.0.9).

Run from the repository root: python3 scripts/gen-tables-goldens-interpret.py

Writes
  tests/golden/interpret/input.log          synthetic one-record events (ours)
  tests/golden/interpret/expected-MODE.txt  `TZ=UTC LC_ALL=C ausearch -i --escape MODE -if input.log`
                                            for MODE in raw, tty, shell, shell_quote
  tests/golden/interpret/names.txt          uid/gid/protocol/interface names of this machine for the ids used
The test (crates/raudit-logfmt/src/interpret/golden_tests.rs) feeds each record's
fields to raudit_logfmt::interpret::interpret_field and compares.
Field values never contain spaces, so records split on spaces.
"""
import grp
import os
import pwd
import socket
import subprocess

OUT = os.path.join("tests", "golden", "interpret")

def h(s):
    return s.encode().hex().upper()

SYS_TAIL = ("items=0 ppid=1 pid=2 auid={auid} uid=0 gid=0 euid=1 suid=12345 fsuid=0 egid=1 "
            "sgid=54321 fsgid=0 tty=(none) ses={ses} comm=\"bash\" exe=\"/usr/bin/bash\" key={key}")

def syscall(arch, nr, a=("0", "0", "0", "0"), exit_="0", success="yes", auid="1000",
            ses="3", key="(null)"):
    return ("type=SYSCALL arch=%s syscall=%s success=%s exit=%s a0=%s a1=%s a2=%s a3=%s " %
            (arch, nr, success, exit_, a[0], a[1], a[2], a[3])) + SYS_TAIL.format(
                auid=auid, ses=ses, key=key)

X = "c000003e"
cases = []
# x86_64 syscalls and their argument decoding
for nr, args in [
    (2, ("7ffd1", "0", "0", "0")), (2, ("7ffd1", "241", "1b6", "0")), (2, ("7ffd1", "80042", "1a4", "0")),
    (2, ("7ffd1", "2", "0", "0")), (2, ("7ffd1", "3", "0", "0")), (2, ("7ffd1", "c0", "0", "0")),
    (257, ("ffffff9c", "7ffd1", "80000", "0")), (257, ("ffffff9c", "7ffd1", "941", "1b6")),
    (257, ("3", "7ffd1", "10000", "0")), (257, ("ffffff9c", "7ffd1", "20200000", "0")),
    (9, ("0", "1000", "3", "22")), (9, ("0", "1000", "5", "812")), (9, ("0", "1000", "0", "4022")),
    (9, ("0", "1000", "7", "10")), (9, ("0", "1000", "8", "100000")),
    (10, ("7f00", "1000", "1", "0")), (10, ("7f00", "1000", "0", "0")), (10, ("7f00", "1000", "f", "0")),
    (56, ("0", "0", "1200011", "0")), (56, ("0", "0", "3d0f00", "0")), (56, ("0", "0", "0", "0")),
    (56, ("0", "0", "11", "0")), (56, ("0", "0", "40", "0")),
    (41, ("2", "1", "6", "0")), (41, ("a", "80802", "11", "0")), (41, ("1", "5", "0", "0")),
    (41, ("10", "3", "9", "0")), (41, ("11", "3", "300", "0")), (41, ("63", "9", "0", "0")),
    (62, ("1a2b", "9", "0", "0")), (62, ("1a2b", "0", "0", "0")), (62, ("1a2b", "40", "0", "0")),
    (200, ("1a2b", "f", "0", "0")), (234, ("1", "2", "13", "0")),
    (105, ("3e8", "0", "0", "0")), (105, ("0", "0", "0", "0")), (105, ("ffffffff", "0", "0", "0")),
    (106, ("0", "0", "0", "0")), (113, ("3e8", "3e9", "0", "0")), (117, ("0", "1", "ffffffff", "0")),
    (119, ("1", "0", "2", "0")), (122, ("3e8", "0", "0", "0")), (123, ("0", "0", "0", "0")),
    (90, ("7ffd1", "1ed", "0", "0")), (90, ("7ffd1", "9ed", "0", "0")), (91, ("3", "e00", "0", "0")),
    (268, ("ffffff9c", "7ffd1", "1a4", "0")), (83, ("7ffd1", "1ff", "0", "0")),
    (258, ("ffffff9c", "7ffd1", "1ed", "0")), (133, ("7ffd1", "21b6", "0", "0")),
    (259, ("ffffff9c", "7ffd1", "11a4", "0")), (85, ("7ffd1", "1a4", "0", "0")),
    (21, ("7ffd1", "0", "0", "0")), (21, ("7ffd1", "4", "0", "0")), (21, ("7ffd1", "7", "0", "0")),
    (269, ("ffffff9c", "7ffd1", "2", "0")), (439, ("ffffff9c", "7ffd1", "1", "200")),
    (72, ("3", "2", "1", "0")), (72, ("3", "2", "0", "0")), (72, ("3", "8", "3e8", "0")),
    (72, ("3", "406", "0", "0")), (72, ("3", "4", "800", "0")), (72, ("3", "63", "0", "0")),
    (8, ("3", "0", "0", "0")), (8, ("3", "0", "2", "0")), (8, ("3", "0", "4", "0")), (8, ("3", "0", "9", "0")),
    (92, ("7ffd1", "3e8", "3e8", "0")), (94, ("7ffd1", "0", "ffffffff", "0")), (93, ("3", "0", "0", "0")),
    (260, ("ffffff9c", "7ffd1", "3e8", "0")),
    (263, ("ffffff9c", "7ffd1", "200", "0")), (87, ("7ffd1", "0", "0", "0")),
    (264, ("ffffff9c", "7ffd1", "ffffff9c", "7ffd2")), (265, ("ffffff9c", "1", "ffffff9c", "2")),
    (266, ("1", "ffffff9c", "2", "0")), (267, ("ffffff9c", "1", "2", "3")),
    (272, ("20000", "0", "0", "0")), (308, ("3", "40000000", "0", "0")),
    (157, ("1", "11", "0", "0")), (157, ("17", "15", "0", "0")), (157, ("18", "2a", "0", "0")),
    (157, ("4", "1", "0", "0")),
    (13, ("11", "7ffd", "0", "8")), (13, ("1f", "7ffd", "0", "8")),
    (59, ("55d1", "55d2", "55d3", "0")), (0, ("3", "7ffd", "1000", "0")), (1, ("1", "7ffd", "10", "0")),
    (60, ("0", "0", "0", "0")), (231, ("1", "0", "0", "0")),
    (448, ("0", "0", "0", "0")), (999, ("0", "0", "0", "0")),
]:
    cases.append(syscall(X, nr, args))
# exit codes, success, sessions, auid, keys
for ex, su in [("-2", "no"), ("-13", "no"), ("-1", "no"), ("-11", "no"), ("-95", "no"), ("-200", "no"),
               ("0", "yes"), ("3", "yes"), ("-115", "no"), ("-512", "no"), ("-0", "no"), ("123456", "yes")]:
    cases.append(syscall(X, 2, ("7ffd1", "0", "0", "0"), exit_=ex, success=su))
cases.append(syscall(X, 2, auid="4294967295", ses="4294967295"))
cases.append(syscall(X, 2, auid="0", ses="0"))
cases.append(syscall(X, 2, key='"passwd_changes"'))
cases.append(syscall(X, 2, key=h("k1") + "01" + h("k2")))
cases.append(syscall(X, 2, key=h("a\nb")))
# other machines
for arch, nr, args in [
    ("40000003", 5, ("8051", "8241", "1b6", "0")), ("40000003", 102, ("1", "ffd0", "0", "0")),
    ("40000003", 117, ("2", "0", "0", "0")), ("40000003", 120, ("1200011", "0", "0", "0")),
    ("40000003", 192, ("0", "1000", "3", "22")), ("c00000b7", 56, ("ffffff9c", "1", "241", "1b6")),
    ("c00000b7", 222, ("0", "1000", "3", "22")), ("40000028", 5, ("1", "42", "1a4", "0")),
    ("80000015", 5, ("1", "42", "1a4", "0")), ("c0000015", 286, ("ffffff9c", "1", "0", "0")),
    ("14", 5, ("1", "2", "0", "0")), ("80000016", 5, ("1", "0", "0", "0")), ("16", 5, ("1", "0", "0", "0")),
    ("c00000f3", 56, ("ffffff9c", "1", "0", "0")), ("0", 2, ("1", "1", "0", "0")),
]:
    cases.append(syscall(arch, nr, args))
# PATH, CWD, EXECVE, PROCTITLE
for body in [
    'item=0 name="/etc/passwd" inode=131 dev=fd:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0',
    'item=1 name=%s inode=5 dev=08:01 mode=040755 ouid=1 ogid=12345 rdev=00:00 nametype=PARENT cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0' % h("/tmp/a b.txt"),
    'item=0 name=(null) inode=5 dev=08:01 mode=0120777 ouid=4294967295 ogid=4294967295 rdev=00:00 nametype=CREATE',
    'item=0 name="/dev/null" mode=020666 ouid=0 ogid=0 rdev=01:03 nametype=NORMAL',
    'item=0 name="/usr/bin/sudo" mode=0104755 ouid=0 ogid=0 nametype=NORMAL cap_fp=0000000000200000 cap_fi=0000000000000000',
    'item=0 name="/run/s" mode=0140777 nametype=NORMAL', 'item=0 name="/p" mode=010644 nametype=NORMAL',
    'item=0 name="/b" mode=060660 nametype=NORMAL', 'item=0 name="/x" mode=0173777 nametype=NORMAL',
    'item=0 name="/x" mode=0102755 nametype=NORMAL flags=0', 'item=0 name="/x" mode=07777 flags=101',
    'item=0 name=%s nametype=NORMAL' % h("/tmp/new\nline"), 'item=0 name=%s nametype=NORMAL' % h("/tmp/$x;(y)"),
    'item=0 name=2F746D70 nametype=NORMAL', 'item=0 name=2F746D7 nametype=NORMAL',
    'item=0 name=/tmp/unquoted nametype=NORMAL',
]:
    cases.append("type=PATH " + body)
cases.append('type=CWD cwd="/root"')
cases.append('type=CWD cwd=%s' % h("/home/a b"))
cases.append('type=EXECVE argc=4 a0="ls" a1="-l" a2=%s a3=%s' % (h("/tmp/x y"), h("$HOME")))
cases.append('type=EXECVE argc=2 a0="sh" a1_len=5000 a1[0]=6162')
cases.append('type=PROCTITLE proctitle=%s' % (h("ls") + "00" + h("-l") + "00" + h("/tmp")))
cases.append('type=PROCTITLE proctitle="bash"')
cases.append('type=PROCTITLE proctitle=%s' % (h("a") + "0000" + h("b")))
cases.append('type=PROCTITLE proctitle=%s' % (h("sleep") + "00" + h("1") + "00"))
# SOCKADDR
for sa in [
    "02000016C0A80001" + "00" * 8, "0A000016" + "00000000" + "00" * 15 + "01" + "00000000",
    "0A0001BB00000000" + "00" * 10 + "FFFF" + "7F000001" + "00000000",
    "0A000050" + "00000000" + "20010DB8" + "00" * 10 + "0001" + "00000000",
    "01002F72756E2F73797374656D642F6E6F74696679", "0100002F6F72672F6B65726E656C",
    "100000000000000000000000", "10000000D204000000000000", "0200", "0A00", "0100",
    "1100", "0000", "2D00", "0800050000", "09003132333400",
    "1E0000000000000000000000",
    # IPv6 scope ids: interface names for link-local addresses, numbers otherwise
    "0A00005000000000FE80000000000000000000000000000101000000",
    "0A00005000000000FE80000000000000000000000000000163000000",
    "0A00005000000000FF02000000000000000000000000000102000000",
    "0A000050000000002001DB8000000000000000000000000105000000",
    "0A00005000000000FE80000000000000000000000000000100000000",
]:
    cases.append("type=SOCKADDR saddr=%s" % sa)
cases.append("type=AVC saddr=1.2.3.4 apparmor=\"DENIED\"")
cases.append("type=NETFILTER_PKT mark=0x0 saddr=10.0.0.1 daddr=10.0.0.2 proto=6")
# config, anomalies, caps, misc
for body in [
    "type=CONFIG_CHANGE auid=0 ses=1 op=add_rule key=\"x\" list=4 res=1",
    "type=CONFIG_CHANGE auid=4294967295 ses=4294967295 op=remove_rule key=(null) list=1 res=0",
    "type=CONFIG_CHANGE auid=0 ses=1 op=set audit_enabled=1 old=0 list=5 res=2",
    "type=CONFIG_CHANGE auid=0 ses=1 list=0 res=1", "type=CONFIG_CHANGE auid=0 ses=1 list=6 res=1",
    "type=CONFIG_CHANGE auid=0 ses=1 list=2 res=1", "type=CONFIG_CHANGE auid=0 list=99 res=yes",
    "type=ANOM_ABEND auid=1000 uid=1000 gid=1000 ses=2 pid=5 comm=\"crash\" exe=\"/usr/bin/crash\" sig=11 res=1",
    "type=ANOM_ABEND sig=30", "type=ANOM_ABEND sig=0", "type=ANOM_ABEND sig=31",
    "type=ANOM_PROMISCUOUS dev=eth0 prom=256 old_prom=0 auid=0 uid=0 gid=0 ses=1",
    "type=CAPSET pid=1 cap_pi=0000003fffffffff cap_pp=0000000000000000 cap_pe=000001ffffffffff cap_pa=0",
    "type=BPRM_FCAPS fver=2 fp=0000000000000400 fi=0000000000000000 fe=1 old_pp=0000000000003000 old_pi=0 old_pe=0 old_pa=0 pp=0000000000000400 pi=0 pe=0000000000000400 pa=0",
    "type=MMAP fd=3 flags=0x2", "type=MMAP fd=3 flags=0x22", "type=MMAP fd=3 flags=0x0",
    "type=MQ_OPEN oflag=0x42 mode=0600 mq_flags=0x0 mq_maxmsg=10", "type=MQ_OPEN oflag=0x0 mode=04755",
    "type=KERN_MODULE name=%s" % h("nf_tables"), "type=KERN_MODULE name=\"ext4\"",
    "type=OBJ_PID opid=1 oauid=4294967295 ouid=0 oses=4294967295 ocomm=%s" % h("sys temd"),
    "type=USER_LOGIN pid=1 uid=0 auid=1000 ses=4 msg='op=login id=1000 exe=\"/usr/sbin/sshd\" hostname=? addr=1.2.3.4 terminal=ssh res=success'",
    "type=USER_AUTH pid=1 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=pam_unix acct=\"root\" exe=\"/usr/bin/su\" hostname=? addr=? terminal=pts/0 res=failed'",
    "type=USER_ACCT pid=1 uid=0 auid=0 ses=1 msg='op=PAM:accounting acct=%s exe=\"/usr/bin/sudo\" res=success'" % h("bob smith"),
    "type=USER_CMD pid=1 uid=1000 auid=1000 ses=1 msg='cwd=\"/home/u\" cmd=%s exe=\"/usr/bin/sudo\" terminal=pts/0 res=success'" % h("ls -la"),
    "type=ADD_GROUP pid=1 uid=0 auid=0 ses=1 msg='op=add-group id=12345 exe=\"/usr/sbin/groupadd\" res=1'",
    "type=ADD_USER pid=1 uid=0 auid=0 ses=1 msg='op=add-user id=12345 exe=\"/usr/sbin/useradd\" res=0'",
    "type=USER_START pid=1 uid=0 auid=1000 ses=1 msg='op=PAM:session_open acct=root: exe=\"/bin/su\" res=success'",
    "type=DAEMON_START op=start ver=3.0.9 format=enriched kernel=6.1.0 auid=4294967295 pid=1 uid=0 ses=4294967295 subj=unconfined res=success",
    "type=LOGIN pid=1 uid=0 subj=unconfined old-auid=4294967295 auid=1000 tty=(none) old-ses=4294967295 ses=2 res=1",
    "type=SERVICE_START pid=1 uid=0 auid=4294967295 ses=4294967295 msg='unit=cron comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\" hostname=? addr=? terminal=? res=success'",
    "type=CRED_ACQ pid=1 uid=0 auid=1 ses=2 msg='op=PAM:setcred acct=\"daemon\" exe=\"/usr/sbin/cron\" res=success'",
    "type=FEATURE_CHANGE feature=loginuid_immutable old=0 new=1 old_lock=0 new_lock=0 res=1",
    "type=SYSTEM_BOOT pid=1 uid=0 auid=4294967295 ses=4294967295 msg=' comm=\"systemd-update-utmp\" exe=\"/lib/systemd/systemd-update-utmp\" hostname=? addr=? terminal=? res=success'",
    "type=INTEGRITY_RULE file=\"/usr/bin/ls\" hash=\"sha256:00\" ppid=1 pid=2 auid=0 uid=0 gid=0 ses=1 comm=\"ls\" exe=\"/usr/bin/ls\"",
    "type=UNKNOWN[1399] perm=0 perm_mask=6", "type=UNKNOWN[1399] perm=1 perm_mask=8",
    "type=UNKNOWN[1399] capability=12 capability=99", "type=UNKNOWN[1399] sigev_signo=14",
    "type=UNKNOWN[1399] watch=\"/etc\" dir=%s cgroup=\"/\" device=\"/dev/sda\"" % h("/var/x"),
    "type=UNKNOWN[1399] iuid=1 inode_uid=0 inode_gid=0 obj_uid=3 obj_gid=5 new_gid=1 sauid=0 oauid=1",
    "type=UNKNOWN[1399] id=1 ogid=12345 igid=1 new_gid=4294967295",
    "type=UNKNOWN[1399] vm=\"guest\" old-disk=%s new-fs=\"/\"" % h("/dev/a b"),
    "type=UNKNOWN[1399] uid=abc gid=-1 exit=abc arch=zz ses=1",
    "type=UNKNOWN[1399] syscall=2 arch=c000003e a0=ffffff9c a1=42 a2=1ed a3=0",
]:
    cases.append(body)

# syscall-argument tables: socketcall/ipc sub-calls (i386), ioctl, prctl, clocks,
# personality, ptrace, rlimit, sched, sockopt levels/names, flags of send/recv,
# mount, umount2, shmget, epoll_ctl, bpf
I = "40000003"
for a0 in ("1", "2", "3", "5", "9", "b", "e", "12", "14", "0", "15", "63", "ffffffff", "100000001"):
    cases.append(syscall(I, 102, (a0, "bf00", "0", "0")))
for a0 in ("1", "2", "3", "4", "b", "c", "d", "e", "15", "16", "17", "18", "5", "0", "100000001"):
    cases.append(syscall(I, 117, (a0, "1", "0", "0")))
for nr, args in [
    (16, ("3", "5401", "7ffd", "0")), (16, ("3", "541b", "7ffd", "0")), (16, ("3", "5402", "0", "0")),
    (16, ("3", "8933", "0", "0")), (16, ("3", "40045431", "0", "0")), (16, ("3", "80045430", "0", "0")),
    (16, ("3", "4b3a", "0", "0")), (16, ("3", "1234", "0", "0")), (16, ("3", "c01864b0", "0", "0")),
    (157, ("f", "7ffd", "0", "0")), (157, ("16", "2", "0", "0")), (157, ("26", "1", "0", "0")),
    (157, ("0", "0", "0", "0")), (157, ("35", "0", "0", "0")), (157, ("39", "0", "0", "0")),
    (157, ("59616d61", "0", "0", "0")), (157, ("18", "15", "0", "0")),
    (227, ("0", "7ffd", "0", "0")), (227, ("6", "0", "0", "0")), (227, ("7", "0", "0", "0")),
    (227, ("b", "0", "0", "0")),
    (135, ("0", "0", "0", "0")), (135, ("8", "0", "0", "0")), (135, ("40000", "0", "0", "0")),
    (135, ("400000", "0", "0", "0")), (135, ("ff", "0", "0", "0")), (135, ("ffffffff", "0", "0", "0")),
    (135, ("4000008", "0", "0", "0")),
    (101, ("0", "1", "0", "0")), (101, ("10", "1", "0", "0")), (101, ("4206", "1", "0", "0")),
    (101, ("420e", "1", "0", "0")), (101, ("420f", "1", "0", "0")), (101, ("c", "1", "0", "0")),
    (160, ("7", "7ffd", "0", "0")), (160, ("f", "0", "0", "0")), (160, ("10", "0", "0", "0")),
    (160, ("11", "0", "0", "0")), (97, ("3", "0", "0", "0")), (302, ("0", "7", "0", "0")),
    (144, ("1", "0", "0", "0")), (144, ("1", "1", "0", "0")), (144, ("1", "40000002", "0", "0")),
    (144, ("1", "4", "0", "0")), (144, ("1", "6", "0", "0")), (144, ("1", "7", "0", "0")),
    (54, ("3", "1", "2", "7ffd")), (54, ("3", "1", "14", "0")), (54, ("3", "1", "50", "0")),
    (54, ("3", "1", "99", "0")), (54, ("3", "0", "1", "0")), (54, ("3", "0", "30", "0")),
    (54, ("3", "6", "1", "0")), (54, ("3", "6", "f", "0")), (54, ("3", "11", "1", "0")),
    (54, ("3", "11", "64", "0")), (54, ("3", "11", "2", "0")), (54, ("3", "29", "1a", "0")),
    (54, ("3", "29", "99", "0")), (54, ("3", "107", "1", "0")), (54, ("3", "107", "50", "0")),
    (54, ("3", "10e", "1", "0")), (54, ("3", "100", "1", "0")), (54, ("3", "200", "1", "0")),
    (54, ("3", "ff", "1", "0")), (54, ("3", "84", "1", "0")), (55, ("3", "1", "11", "0")),
    (55, ("3", "6", "2", "0")),
    (233, ("3", "1", "4", "0")), (233, ("3", "3", "4", "0")), (233, ("3", "9", "4", "0")),
    (321, ("0", "0", "0", "0")), (321, ("5", "0", "0", "0")), (321, ("17", "0", "0", "0")),
    (321, ("40", "0", "0", "0")),
    (166, ("7ffd", "1", "0", "0")), (166, ("7ffd", "3", "0", "0")), (166, ("7ffd", "8", "0", "0")),
    (166, ("7ffd", "0", "0", "0")), (166, ("7ffd", "10", "0", "0")),
    (165, ("1", "2", "3", "0")), (165, ("1", "2", "3", "1000")), (165, ("1", "2", "3", "c0ed0000")),
    (165, ("1", "2", "3", "5001")), (165, ("1", "2", "3", "100")),
    (29, ("0", "1000", "3a4", "0")), (29, ("0", "1000", "1b6", "0")), (29, ("0", "1000", "0", "0")),
    (29, ("0", "1000", "1e00", "0")), (29, ("0", "1000", "4000", "0")),
    (44, ("3", "7ffd", "10", "4000")), (45, ("3", "7ffd", "10", "40")), (46, ("3", "7ffd", "0", "0")),
    (47, ("3", "7ffd", "40000000", "0")), (307, ("3", "7ffd", "2", "8000")),
    (299, ("3", "7ffd", "2", "10000")), (45, ("3", "7ffd", "10", "0")), (46, ("3", "7ffd", "4", "0")),
]:
    cases.append(syscall(X, nr, args))
for arch, nr, args in [("80000015", 339, ("3", "1", "10", "0")), ("80000015", 339, ("3", "1", "15", "0")),
                       ("c0000015", 339, ("3", "1", "10", "0")), ("14", 340, ("3", "1", "12", "0"))]:
    cases.append(syscall(arch, nr, args))
# seccomp actions, netfilter fields, other typed fields
for code in ("0x0", "0x7fff0000", "0x50001", "0x80000000", "0x7ffc0000", "0x7fc00000", "0x30000",
             "0x12345678", "0x7ff00005"):
    cases.append("type=SECCOMP auid=1000 uid=1000 gid=1000 ses=1 pid=5 comm=\"x\" exe=\"/x\" sig=31 "
                 "arch=c000003e syscall=2 compat=0 ip=0x7f code=%s" % code)
cases.append("type=SECCOMP auid=1 uid=1 gid=1 ses=1 pid=5 comm=\"x\" exe=\"/x\" sig=0 arch=40000003 "
             "syscall=102 compat=1 ip=0x7f code=0x7fff0000")
for body in [
    "family=2 table=filter entries=10 op=xt_register",
    "family=10 table=nat entries=1 op=xt_replace", "family=0", "family=4", "family=7", "family=12",
    "family=x", "hook=2 action=0", "hook=a action=3", "hook=5 action=1", "hook=0 action=2",
]:
    cases.append("type=NETFILTER_CFG " + body)
for body in [
    "icmptype=0 icmptype=3 icmptype=8 icmptype=9 icmptype=18 icmptype=300",
    "macproto=0x0800 macproto=0x0806 macproto=0x86dd", "per=0 per=400000 per=40008 per=ff",
    "resp=1 resp=2 resp=0 resp=allow", "nl-mcgrp=1 nl-mcgrp=0 nl-mcgrp=2",
    "resolve=0x1 resolve=0x28 resolve=0x0 resolve=0x40", "ioctlcmd=0x5401 ioctlcmd=0x1234",
]:
    cases.append("type=UNKNOWN[1399] " + body)
cases.append("type=OPENAT2 oflag=0x42 mode=0644 resolve=0x1c")
# TTY data: named keys and quoted runs
for d in [b"ls -l\r", b"eh\x7f\x7fecho test\r", b"\x1b[A\x1b[B\x1bOP\x1b[15~\x1b[1;5C", b"\x01\x05\x03\x04",
          b'say "hi" \\ there\t', b"\xc3\xa9t\xe9\x80\x9b", b"\x1b", b"\x1bx\x1b[200~", b"a\x00b",
          b"\x8fA\x9b2~\x1b\x1b[A", b"\x1b[[A\x1b[224z\x1b[>M"]:
    cases.append("type=TTY tty pid=1 uid=0 auid=1000 ses=1 major=136 minor=0 comm=\"bash\" data=%s"
                 % d.hex().upper())
cases.append("type=TTY tty pid=1 uid=0 auid=1000 ses=1 major=136 minor=0 comm=\"bash\" data=6C730D7")
cases.append("type=TTY tty pid=1 uid=0 auid=1000 ses=1 major=136 minor=0 comm=\"bash\" data=notHex")
cases.append("type=USER_TTY pid=1 uid=0 auid=1000 ses=1 data=%s" % h("su - bob"))
# MAC labels are escaped like any interpreted value
cases.append("type=UNKNOWN[1399] subj=a(b)$c obj=x;y tcontext=u:r:t:s0 uid=0")
# enriched records: interpretations after a 0x1d byte win over our own (names
# are matched lower-cased, values starting with unknown- are recomputed, ids
# lose their quotes); a SOCKADDR tail holds only SADDR={ ... }
GS = "\x1d"
for body in [
    syscall(X, 2, ("7ffd1", "0", "0", "0"))[len("type=SYSCALL "):] + GS +
    'ARCH=x86_64 SYSCALL=open AUID="alice" UID="root" GID="root" EUID="bin" SUID="x y" '
    'FSUID="unknown(7)" EGID="wheel" SGID="sys" FSGID="adm"',
    syscall(X, 2, ("7ffd1", "0", "0", "0"))[len("type=SYSCALL "):] + GS +
    "ARCH=unknown-elf-type(99) SYSCALL=unknown-syscall(2) AUID=unknown(1000) A0=zz",
    syscall(X, 41, ("2", "1", "6", "0"))[len("type=SYSCALL "):] + GS +
    "arch=armeb  SYSCALL=socket   a1=SOCK_RAW",
]:
    cases.append("type=SYSCALL " + body)
cases.append("type=SOCKADDR saddr=02000016C0A800010000000000000000" + GS +
             "SADDR={ saddr_fam=inet laddr=10.9.8.7 lport=22 }")
cases.append("type=SOCKADDR saddr=02000016C0A800010000000000000000" + GS + "SADDR=no braces")
cases.append("type=USER_LOGIN pid=1 uid=0 auid=1000 ses=4 msg='op=login id=1000 exe=\"/usr/sbin/sshd\" "
             "hostname=? addr=1.2.3.4 terminal=ssh res=success'" + GS + 'UID="root" AUID="bob" ID="bob"')
cases.append("type=PATH item=0 name=\"/etc/x\" inode=1 dev=fd:00 mode=0100644 ouid=0 ogid=0 "
             "rdev=00:00 nametype=NORMAL" + GS + 'OUID="r\tt" OGID="g(1)" MODE=custom')

lines = []
for k, c in enumerate(cases, 1):
    t, rest = c.split(" ", 1)
    lines.append("%s msg=audit(1700000000.%03d:%d): %s\n" % (t, k % 1000, k, rest))
os.makedirs(OUT, exist_ok=True)
inp = os.path.join(OUT, "input.log")
with open(inp, "w") as f:
    f.writelines(lines)
env = dict(os.environ, TZ="UTC", LC_ALL="C")
for mode in ("raw", "tty", "shell", "shell_quote"):
    out = subprocess.run(["ausearch", "-i", "--escape", mode, "-if", inp], env=env,
                         capture_output=True, check=True).stdout
    with open(os.path.join(OUT, "expected-%s.txt" % mode), "wb") as f:
        f.write(out)
with open(os.path.join(OUT, "names.txt"), "w") as f:
    protos = {}
    with open("/etc/protocols") as pf:
        for line in pf:
            parts = line.split("#", 1)[0].split()
            if len(parts) >= 2 and parts[1].isdigit():
                protos.setdefault(int(parts[1]), parts[0])
    for i in (0, 6, 9, 17, 41, 132, 255, 256, 263, 270, 512, 768):
        if i in protos:
            f.write("proto\t%d\t%s\n" % (i, protos[i]))
    for i, name in socket.if_nameindex():
        f.write("ifname\t%d\t%s\n" % (i, name))
    for i in list(range(0, 11)) + [1000, 1001, 12345, 54321]:
        try:
            f.write("user\t%d\t%s\n" % (i, pwd.getpwuid(i).pw_name))
        except KeyError:
            pass
        try:
            f.write("group\t%d\t%s\n" % (i, grp.getgrgid(i).gr_name))
        except KeyError:
            pass
