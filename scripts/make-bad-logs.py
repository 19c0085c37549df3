#!/usr/bin/env python3
"""make-bad-logs.py — write the hand-made malformed logs under tests/data/logs/bad/.

Usage: scripts/make-bad-logs.py [OUTDIR]   (default: tests/data/logs/bad)
Needs: python3 only. Deterministic: the same bytes on every run.

Each file mixes well-formed events with one kind of damage (truncated lines,
binary garbage, NUL bytes, invalid UTF-8, over-long lines, unknown types,
missing or broken msg= headers, CRLF line ends, interleaved events without an
end marker...) so tests see both how the damage is reported (`--debug`) and
that the rest of the log is still searched. The well-formed records are
written here by hand in the kernel's format (part of raudit, MIT/Apache-2.0).
"""
import os
import random
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "tests/data/logs/bad")


def exec_event(sec, ms, serial, pid, argv, key="exec", uid=0, node=None):
    """A complete execve event: SYSCALL EXECVE CWD PATH PROCTITLE."""
    hdr = f"msg=audit({sec}.{ms:03d}:{serial}):"
    pre = f"node={node} " if node else ""
    args = " ".join(f'a{i}="{a}"' for i, a in enumerate(argv))
    title = "00".join(a.encode().hex().upper() for a in argv)
    return [
        f'{pre}type=SYSCALL {hdr} arch=c000003e syscall=59 success=yes exit=0 a0=55d1c2a0 a1=55d1c2b0 a2=55d1c2c0 a3=0 items=1 ppid=4000 pid={pid} auid={uid} uid={uid} gid={uid} euid={uid} suid={uid} fsuid={uid} egid={uid} sgid={uid} fsgid={uid} tty=pts0 ses=7 comm="{os.path.basename(argv[0])[:15]}" exe="{argv[0]}" key="{key}"',
        f"{pre}type=EXECVE {hdr} argc={len(argv)} {args}",
        f'{pre}type=CWD {hdr} cwd="/home/user"',
        f'{pre}type=PATH {hdr} item=0 name="{argv[0]}" inode=1234 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0',
        f"{pre}type=PROCTITLE {hdr} proctitle={title}",
    ]


def open_fail(sec, ms, serial, pid, path, exit_=-2, key="noent"):
    hdr = f"msg=audit({sec}.{ms:03d}:{serial}):"
    return [
        f'type=SYSCALL {hdr} arch=c000003e syscall=257 success=no exit={exit_} a0=ffffff9c a1=7ffd1000 a2=0 a3=0 items=1 ppid=4000 pid={pid} auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=7 comm="cat" exe="/usr/bin/cat" key="{key}"',
        f'type=CWD {hdr} cwd="/home/user"',
        f'type=PATH {hdr} item=0 name="{path}" nametype=UNKNOWN cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0',
        f"type=PROCTITLE {hdr} proctitle=636174002F6E6F6E6578697374656E74",
    ]


def user_msg(sec, ms, serial, typ="USER_LOGIN", text='op=login id=1000 exe="/usr/sbin/sshd" hostname=host.example addr=192.0.2.5 terminal=ssh res=success'):
    return [f"type={typ} msg=audit({sec}.{ms:03d}:{serial}): pid=900 uid=0 auid=1000 ses=7 msg='{text}'"]


def good(base, n=3, start=1):
    lines = []
    for i in range(n):
        s = start + i * 3
        lines += exec_event(base + s, 100 + i, 100 + 3 * i + start, 5000 + i, ["/usr/bin/id", "-u"])
        lines += open_fail(base + s + 1, 200 + i, 101 + 3 * i + start, 5100 + i, f"/nonexistent/file{i}")
        lines += user_msg(base + s + 2, 300 + i, 102 + 3 * i + start)
    return lines


def write(name, data):
    if isinstance(data, list):
        data = "".join(line + "\n" for line in data)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    base = 1700000000
    rnd = random.Random(20261122)

    # Lines cut off part way: in the header, in a field, in a quoted value.
    lines = good(base, 2)
    lines.insert(3, "type=SYSCALL msg=audit(1700000002.555:90): arch=c000003e sysc")
    lines.insert(6, "type=PATH msg=audit(1700000002.555:90): item=0 name=\"/etc/pass")
    lines.insert(9, "type=EXECVE msg=audit(17000000")
    lines.insert(12, "type=SYSC")
    lines.insert(13, "type=SYSCALL msg=audit(1700000003.100:91")
    write("truncated.log", lines)

    # Random binary garbage between good events, and a last line without a newline.
    out = b""
    for i, line in enumerate(good(base, 3)):
        out += line.encode() + b"\n"
        if i % 5 == 2:
            out += bytes(rnd.randrange(256) for _ in range(rnd.randrange(20, 200))) + b"\n"
    out += b"\x00\x01\x02garbage without newline \xff\xfe"
    write("garbage.log", out)

    # NUL bytes inside records.
    lines = [line.encode() for line in good(base, 2)]
    lines[1] = lines[1].replace(b'a1="-u"', b'a1="-\x00u"')
    lines[6] = b"type=PATH msg=audit(1700000002.200:102):\x00 item=0 name=\"/x\""
    lines.insert(8, b"\x00\x00\x00\x00")
    lines.insert(9, b"type=USER_LOGIN msg=audit(1700000003.300:103): pid=1\x00 uid=0")
    write("nul.log", b"".join(line + b"\n" for line in lines))

    # Invalid UTF-8 in plain and quoted values, in the type name, in a user message.
    lines = [line.encode() for line in good(base, 2)]
    lines[0] = lines[0].replace(b'comm="id"', b'comm="i\xffd"')
    lines[3] = lines[3].replace(b'name="/usr/bin/id"', b'name="/usr/bin/\xc3\x28id"')
    lines.append(b"type=USER_CMD msg=audit(1700000010.001:200): pid=900 uid=0 auid=1000 ses=7 msg='cwd=\"/\xe2\x82\" cmd=\xfe\xfe exe=\"/usr/bin/sudo\" terminal=pts/0 res=success'")
    lines.append(b"type=SYS\xc0CALL msg=audit(1700000010.002:201): arch=c000003e syscall=2 success=no exit=-13")
    write("invalid-utf8.log", b"".join(line + b"\n" for line in lines))

    # Lines longer than 8 KiB (and one longer than ausearch's line buffer).
    lines = good(base, 1)
    big = "A" * 9000
    lines += exec_event(base + 20, 1, 300, 6000, ["/bin/echo", big])
    lines += exec_event(base + 21, 1, 301, 6001, ["/bin/echo", "B" * 20000, "tail"])
    lines.append("type=PROCTITLE msg=audit(1700000022.001:302): proctitle=" + "41" * 6000)
    lines += good(base + 100, 1)
    write("long-line.log", lines)

    # Unknown record types, numeric types, and a type name that is too long.
    lines = good(base, 1)
    lines.append("type=UNKNOWN[1399] msg=audit(1700000010.100:400): some=field other=\"value\"")
    lines.append("type=FOOBAR msg=audit(1700000010.200:401): pid=1 uid=0 key=\"foo\"")
    lines.append("type=UNKNOWN[9999] msg=audit(1700000010.300:402): ")
    lines.append("type=" + "X" * 300 + " msg=audit(1700000010.400:403): pid=1")
    lines.append("type=1300 msg=audit(1700000010.500:404): arch=c000003e syscall=1")
    lines += good(base + 20, 1)
    write("unknown-type.log", lines)

    # Missing or malformed msg= headers and timestamps.
    lines = good(base, 1)
    lines.append("type=SYSCALL arch=c000003e syscall=2 success=no exit=-2 pid=77")
    lines.append("type=SYSCALL msg=audit(): arch=c000003e syscall=2")
    lines.append("type=SYSCALL msg=audit(1700000011:405): arch=c000003e syscall=2")
    lines.append("type=SYSCALL msg=audit(abc.def:ghi): arch=c000003e syscall=2")
    lines.append("type=SYSCALL msg=audit(1700000011.100): arch=c000003e syscall=2")
    lines.append("type=SYSCALL msg=audit(1700000011.100:406) arch=c000003e syscall=2 pid=78")
    lines.append("type=SYSCALL msg=audit(-5.100:407): arch=c000003e syscall=2 pid=79")
    lines.append("type=SYSCALL msg=audit(99999999999999999999.100:408): arch=c000003e syscall=2")
    lines.append("msg=audit(1700000011.200:409): arch=c000003e syscall=2 pid=80")
    lines.append("node= type=USER msg=audit(1700000011.300:410): pid=1 uid=0 auid=0 ses=1 msg='text'")
    lines.append("")
    lines.append("   ")
    lines.append("this is not an audit record at all")
    lines += good(base + 20, 1)
    write("missing-msg.log", lines)

    # Fields without values, duplicate fields, unbalanced quotes.
    lines = good(base, 1)
    lines.append('type=SYSCALL msg=audit(1700000012.000:500): arch=c000003e syscall=2 success=no exit=-2 pid= uid=0 uid=1000 comm="unterminated exe=/bin/x key=')
    lines.append("type=USER_LOGIN msg=audit(1700000012.100:501): pid=1 uid=0 auid=1000 ses=7 msg='op=login acct=\"bob exe=/usr/sbin/sshd res=success")
    lines.append("type=SYSCALL msg=audit(1700000012.200:502): = == === a==b  key=\"k\"")
    lines += good(base + 20, 1)
    write("bad-fields.log", lines)

    # Windows line ends.
    write("crlf.log", "".join(line + "\r\n" for line in good(base, 2)))

    # Empty file, and a file of blank lines only.
    write("empty.log", b"")
    write("blank-lines.log", b"\n\n\n  \n\t\n")

    # Interleaved events without an end marker, out-of-order timestamps and a
    # record that arrives long after its siblings (tests --eoe-timeout).
    a = exec_event(base + 1, 1, 600, 7000, ["/usr/bin/ls"], key="a")
    b = exec_event(base + 1, 2, 601, 7001, ["/usr/bin/ps"], key="b")
    c = open_fail(base + 2, 3, 602, 7002, "/nonexistent/c", key="c")
    lines = []
    for x, y in zip(a[:-1], b[:-1]):  # no PROCTITLE: the events stay open
        lines += [x, y]
    lines += c[:2]
    lines.append(exec_event(base + 5, 4, 603, 7003, ["/usr/bin/w"], key="d")[0])
    lines += c[2:]  # late records of event 602, 3 s after its start
    lines += user_msg(base + 30, 5, 604)
    lines += exec_event(base, 999, 599, 7004, ["/usr/bin/older"], key="e")  # time goes back
    lines.append(a[-1])  # PROCTITLE of 600, 30 s late
    write("interleaved.log", lines)

    # node= prefixes mixed with plain records, and two nodes with the same serial.
    lines = exec_event(base + 1, 1, 700, 8000, ["/usr/bin/id"], node="alpha")
    lines += exec_event(base + 1, 1, 700, 8001, ["/usr/bin/id"], node="beta")
    lines += exec_event(base + 1, 1, 700, 8002, ["/usr/bin/id"])
    write("nodes.log", lines)


if __name__ == "__main__":
    main()
