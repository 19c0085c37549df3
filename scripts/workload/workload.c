/*
 * raudit-workload: syscalls for scripts/record-logs.sh that a shell cannot
 * make on its own (sockets of every family, kill, 32-bit syscalls, user
 * messages sent over the audit netlink socket, euid changes, file ops).
 *
 * Part of raudit (MIT OR Apache-2.0). Build: cc -O1 -no-pie -o workload workload.c
 * (-no-pie keeps static data below 4 GiB so 32-bit `int $0x80` calls can
 * take pointers to it).
 *
 * Usage: workload SUBCOMMAND [ARGS]
 *   net DIR          inet/inet6/unix/abstract/netlink socket, bind, connect
 *   b32 PATH         i386 open(PATH) (fails ENOENT) and kill(getpid(), 0)
 *   usermsg TAG      user-space records (USER_LOGIN, USER_AUTH, USER_CMD, ...)
 *   euid DIR         open DIR/secret as euid/egid 65534 (EACCES)
 *   kill             SIGTERM / SIGKILL / signal 0 to children
 *   fileops DIR      mkdir, rename, chmod, chown, mknod, unlink, rmdir,
 *                    socketpair, shared mmap
 *   segv             die of SIGSEGV (ANOM_ABEND)
 *   busy N DIR       N rounds of cheap audited syscalls (benchmark load)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <stddef.h>
#include <unistd.h>

static void die(const char *what) {
    perror(what);
    exit(2);
}

static void cmd_net(const char *dir) {
    int s;
    struct sockaddr_in in4 = {0};
    in4.sin_family = AF_INET;
    in4.sin_port = htons(9);
    in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) die("socket inet");
    (void)connect(s, (struct sockaddr *)&in4, sizeof in4); /* ECONNREFUSED */
    close(s);

    /* A listening inet socket bound to a fixed port. */
    struct sockaddr_in l4 = {0};
    l4.sin_family = AF_INET;
    l4.sin_port = htons(47123);
    l4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s >= 0) {
        (void)bind(s, (struct sockaddr *)&l4, sizeof l4);
        close(s);
    }

    struct sockaddr_in6 in6 = {0};
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(9);
    in6.sin6_addr = in6addr_loopback;
    s = socket(AF_INET6, SOCK_STREAM, 0);
    if (s >= 0) {
        (void)connect(s, (struct sockaddr *)&in6, sizeof in6);
        close(s);
    }
    /* inet6 with a v4-mapped address */
    struct sockaddr_in6 m6 = {0};
    m6.sin6_family = AF_INET6;
    m6.sin6_port = htons(80);
    inet_pton(AF_INET6, "::ffff:192.0.2.7", &m6.sin6_addr);
    s = socket(AF_INET6, SOCK_DGRAM, 0);
    if (s >= 0) {
        (void)connect(s, (struct sockaddr *)&m6, sizeof m6);
        close(s);
    }

    /* unix socket with a path: bind a listener, connect to it */
    struct sockaddr_un un = {0};
    un.sun_family = AF_UNIX;
    snprintf(un.sun_path, sizeof un.sun_path, "%s/sock", dir);
    unlink(un.sun_path);
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    if (ls < 0) die("socket unix");
    if (bind(ls, (struct sockaddr *)&un, sizeof un) < 0) die("bind unix");
    (void)listen(ls, 1);
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s >= 0) {
        (void)connect(s, (struct sockaddr *)&un, sizeof un);
        close(s);
    }
    close(ls);
    unlink(un.sun_path);

    /* abstract unix socket */
    struct sockaddr_un ab = {0};
    ab.sun_family = AF_UNIX;
    memcpy(ab.sun_path, "\0raudit-abstract", 16);
    s = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (s >= 0) {
        (void)bind(s, (struct sockaddr *)&ab, offsetof(struct sockaddr_un, sun_path) + 16);
        close(s);
    }

    /* netlink */
    struct sockaddr_nl nl = {0};
    nl.nl_family = AF_NETLINK;
    s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    if (s >= 0) {
        (void)bind(s, (struct sockaddr *)&nl, sizeof nl);
        close(s);
    }
}

/* i386 system calls from a 64-bit process through int $0x80. */
static char b32_path[256];

static long sys32(long nr, long a, long b, long c) {
    long ret;
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(nr), "b"(a), "c"(b), "d"(c)
                     : "memory", "r8", "r9", "r10", "r11");
    return ret;
}

static void cmd_b32(const char *path) {
    snprintf(b32_path, sizeof b32_path, "%s", path);
    sys32(5 /* open */, (long)(unsigned long)b32_path, O_RDONLY, 0);
    sys32(37 /* kill */, getpid(), 0, 0);
}

static int send_user(int fd, int type, const char *text) {
    char buf[8192];
    struct nlmsghdr *nh = (struct nlmsghdr *)buf;
    size_t len = strlen(text) + 1;
    if (NLMSG_SPACE(len) > sizeof buf) return -1;
    memset(buf, 0, sizeof buf);
    nh->nlmsg_len = NLMSG_LENGTH(len);
    nh->nlmsg_type = type;
    nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    nh->nlmsg_seq = 1;
    memcpy(NLMSG_DATA(nh), text, len);
    struct sockaddr_nl k = {0};
    k.nl_family = AF_NETLINK;
    if (sendto(fd, buf, nh->nlmsg_len, 0, (struct sockaddr *)&k, sizeof k) < 0) return -1;
    char ack[1024];
    ssize_t n = recv(fd, ack, sizeof ack, 0);
    if (n < (ssize_t)sizeof(struct nlmsghdr)) return -1;
    struct nlmsghdr *ah = (struct nlmsghdr *)ack;
    if (ah->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(ah);
        if (e->error) {
            errno = -e->error;
            return -1;
        }
    }
    return 0;
}

struct umsg {
    int type;
    const char *text;
};

/* Texts shaped like the ones PAM, sshd, sudo, systemd and shadow send. */
static const struct umsg umsgs[] = {
    {1100 /* USER_AUTH */, "op=PAM:authentication grantors=pam_permit acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=192.0.2.10 addr=192.0.2.10 terminal=ssh res=success"},
    {1101 /* USER_ACCT */, "op=PAM:accounting grantors=pam_permit acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=192.0.2.10 addr=192.0.2.10 terminal=ssh res=success"},
    {2404 /* CRYPTO_KEY_USER */, "op=destroy kind=session fp=? direction=both spid=4242 suid=0 rport=50022 laddr=192.0.2.1 lport=22  exe=\"/usr/sbin/sshd\" hostname=? addr=192.0.2.10 terminal=? res=success"},
    {2405 /* CRYPTO_SESSION */, "op=start direction=from-server cipher=chacha20-poly1305@openssh.com ksize=512 mac=<implicit> pfs=curve25519-sha256 spid=4243 suid=105 rport=50022 laddr=192.0.2.1 lport=22  exe=\"/usr/sbin/sshd\" hostname=? addr=192.0.2.10 terminal=? res=success"},
    {1103 /* CRED_ACQ */, "op=PAM:setcred grantors=pam_permit acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=192.0.2.10 addr=192.0.2.10 terminal=ssh res=success"},
    {1112 /* USER_LOGIN */, "op=login id=0 exe=\"/usr/sbin/sshd\" hostname=client.example.org addr=192.0.2.10 terminal=/dev/pts/3 res=success"},
    {1105 /* USER_START */, "op=PAM:session_open grantors=pam_permit acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=192.0.2.10 addr=192.0.2.10 terminal=ssh res=success"},
    {1112 /* USER_LOGIN */, "op=login acct=\"nosuchuser\" exe=\"/usr/sbin/sshd\" hostname=? addr=198.51.100.66 terminal=sshd res=failed"},
    {1100 /* USER_AUTH */, "op=PAM:authentication grantors=? acct=\"alice smith\" exe=\"/usr/sbin/sshd\" hostname=198.51.100.66 addr=198.51.100.66 terminal=ssh res=failed"},
    {2100 /* ANOM_LOGIN_FAILURES */, "pam_faillock uid=1000  exe=\"/usr/sbin/sshd\" hostname=? addr=198.51.100.66 terminal=ssh res=success"},
    {1123 /* USER_CMD */, "cwd=\"/root\" cmd=6C73202D6C61202F726F6F74 exe=\"/usr/bin/sudo\" terminal=pts/0 res=success"},
    {1110 /* CRED_REFR */, "op=PAM:setcred grantors=pam_permit acct=\"root\" exe=\"/usr/bin/sudo\" hostname=? addr=? terminal=/dev/pts/0 res=success"},
    {1114 /* ADD_USER */, "op=adding user id=1001 exe=\"/usr/sbin/useradd\" hostname=? addr=? terminal=pts/0 res=success"},
    {1116 /* ADD_GROUP */, "op=adding group acct=\"grp1\" exe=\"/usr/sbin/groupadd\" hostname=? addr=? terminal=pts/0 res=success"},
    {1108 /* USER_CHAUTHTOK */, "op=PAM:chauthtok grantors=pam_unix acct=\"bob\" exe=\"/usr/bin/passwd\" hostname=? addr=? terminal=pts/0 res=success"},
    {1130 /* SERVICE_START */, "unit=nginx comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\" hostname=? addr=? terminal=? res=success"},
    {1131 /* SERVICE_STOP */, "unit=nginx comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\" hostname=? addr=? terminal=? res=failed"},
    {1107 /* USER_AVC */, "avc:  denied  { start } for auid=1000 uid=0 gid=0 path=\"/lib/systemd/system/foo.service\" cmd=\"systemctl start foo\" scontext=system_u:system_r:init_t:s0 tcontext=system_u:object_r:systemd_unit_file_t:s0 tclass=service permissive=0  exe=\"/usr/lib/systemd/systemd\" sauid=0 hostname=? addr=? terminal=?"},
    {1109 /* USER_ERR */, "op=PAM:bad_ident grantors=? acct=\"?\" exe=\"/usr/sbin/sshd\" hostname=203.0.113.5 addr=203.0.113.5 terminal=ssh res=failed"},
    {1106 /* USER_END */, "op=PAM:session_close grantors=pam_permit acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=192.0.2.10 addr=192.0.2.10 terminal=ssh res=success"},
    {1104 /* CRED_DISP */, "op=PAM:setcred grantors=pam_permit acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=192.0.2.10 addr=192.0.2.10 terminal=ssh res=success"},
    {1113 /* USER_LOGOUT */, "op=logout id=0 exe=\"/usr/sbin/sshd\" hostname=client.example.org addr=192.0.2.10 terminal=/dev/pts/3 res=success"},
    /* raw UTF-8 in a user message: the kernel logs it as it is */
    {1005 /* USER */, "text=caf\xc3\xa9 \xe2\x98\x83 exe=\"/usr/bin/raudit-workload\" hostname=? addr=? terminal=? res=success"},
    {2300 /* ROLE_ASSIGN */, "op=login-sexuser acct=\"root\" old-seuser=? old-role=? old-range=? new-seuser=unconfined_u new-role=system_r,unconfined_r new-range=s0-s0:c0.c1023 exe=\"/usr/sbin/sshd\" hostname=192.0.2.10 addr=192.0.2.10 terminal=ssh res=success"},
};

static void cmd_usermsg(const char *tag) {
    int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
    if (fd < 0) die("socket audit");
    for (size_t i = 0; i < sizeof umsgs / sizeof umsgs[0]; i++) {
        if (send_user(fd, umsgs[i].type, umsgs[i].text) < 0)
            fprintf(stderr, "workload: user message %d (%s): %s\n", umsgs[i].type, tag, strerror(errno));
    }
    close(fd);
}

static void cmd_euid(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/secret", dir);
    if (setresgid(0, 65534, 0) < 0) die("setresgid");
    if (setresuid(0, 65534, 0) < 0) die("setresuid");
    int fd = open(path, O_RDONLY); /* EACCES */
    if (fd >= 0) close(fd);
    if (setresuid(0, 0, 0) < 0) die("setresuid back");
    if (setresgid(0, 0, 0) < 0) die("setresgid back");
}

static pid_t spawn_sleeper(void) {
    pid_t p = fork();
    if (p < 0) die("fork");
    if (p == 0) {
        pause();
        _exit(0);
    }
    return p;
}

static void cmd_kill(void) {
    pid_t a = spawn_sleeper();
    (void)kill(a, 0);
    (void)kill(a, SIGTERM);
    waitpid(a, NULL, 0);
    pid_t b = spawn_sleeper();
    (void)kill(b, SIGKILL);
    waitpid(b, NULL, 0);
    (void)kill(b, SIGHUP); /* ESRCH: already reaped */
}

static void cmd_fileops(const char *dir) {
    char a[4096], b[4096], d[4096], f[4096];
    snprintf(a, sizeof a, "%s/ops-a", dir);
    snprintf(b, sizeof b, "%s/ops b (renamed)", dir);
    snprintf(d, sizeof d, "%s/ops-dir", dir);
    snprintf(f, sizeof f, "%s/ops-fifo", dir);
    int fd = open(a, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) die("create");
    if (write(fd, "data\n", 5) != 5) die("write");
    close(fd);
    (void)chmod(a, 04755);
    (void)chmod(a, 0600);
    (void)chown(a, 65534, 65534);
    (void)rename(a, b);
    (void)mkdir(d, 0750);
    (void)rmdir(d);
    (void)mknod(f, S_IFIFO | 0640, 0);
    (void)unlink(f);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
        close(sv[0]);
        close(sv[1]);
    }
    fd = open(b, O_RDWR);
    if (fd >= 0) {
        void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (m != MAP_FAILED) munmap(m, 4096);
        close(fd);
    }
    (void)unlink(b);
    (void)unlink(b); /* ENOENT */
}

static void cmd_busy(long n, const char *dir) {
    char p[4096];
    snprintf(p, sizeof p, "%s/busy-nonexistent", dir);
    for (long i = 0; i < n; i++) {
        int fd = open(p, O_RDONLY); /* ENOENT */
        if (fd >= 0) close(fd);
        (void)kill(getpid(), 0);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: workload net|b32|usermsg|euid|kill|fileops|segv|busy ...\n");
        return 2;
    }
    const char *c = argv[1];
    const char *arg = argc > 2 ? argv[2] : ".";
    if (!strcmp(c, "net")) cmd_net(arg);
    else if (!strcmp(c, "b32")) cmd_b32(arg);
    else if (!strcmp(c, "usermsg")) cmd_usermsg(arg);
    else if (!strcmp(c, "euid")) cmd_euid(arg);
    else if (!strcmp(c, "kill")) cmd_kill();
    else if (!strcmp(c, "fileops")) cmd_fileops(arg);
    else if (!strcmp(c, "segv")) {
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
    } else if (!strcmp(c, "busy")) cmd_busy(argc > 2 ? atol(argv[2]) : 1000, argc > 3 ? argv[3] : ".");
    else {
        fprintf(stderr, "workload: unknown subcommand %s\n", c);
        return 2;
    }
    return 0;
}
