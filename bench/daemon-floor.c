/* The floor consumer: registers as the audit daemon, drains the socket and
 * appends each record as a line — what the kernel costs with a consumer that
 * costs nothing. Usage: daemon-floor LOGFILE (SIGTERM: unregister, exit). */
#include <linux/audit.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_term(int s) { (void)s; stop = 1; }

static int set_pid(int fd, unsigned pid)
{
	struct { struct nlmsghdr h; struct audit_status s; } m;
	memset(&m, 0, sizeof(m));
	m.h.nlmsg_len = sizeof(m);
	m.h.nlmsg_type = AUDIT_SET;
	m.h.nlmsg_flags = NLM_F_REQUEST;
	m.s.mask = AUDIT_STATUS_PID;
	m.s.pid = pid;
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	return sendto(fd, &m, sizeof(m), 0, (struct sockaddr *)&k, sizeof(k)) < 0;
}

int main(int argc, char **argv)
{
	static char buf[9000], out[1 << 20];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), sz = 32 << 20;
	FILE *f = argc > 1 ? fopen(argv[1], "a") : NULL;
	struct sigaction sa = { .sa_handler = on_term }; /* no SA_RESTART: recv returns */
	if (fd < 0 || !f)
		return 1;
	setvbuf(f, out, _IOFBF, sizeof(out));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	sigaction(SIGTERM, &sa, NULL);
	if (set_pid(fd, getpid()))
		return 1;
	while (!stop) {
		int n = recv(fd, buf, sizeof(buf) - 1, 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		if (n < (int)NLMSG_HDRLEN || h->nlmsg_type < NLMSG_MIN_TYPE)
			continue; /* errors, ACKs */
		fprintf(f, "type=%u msg=%.*s\n", h->nlmsg_type, n - (int)NLMSG_HDRLEN, buf + NLMSG_HDRLEN);
	}
	set_pid(fd, 0);
	fclose(f);
	return 0;
}
