/* The daemon benchmark's seed workload: fork+exec /bin/true N times (default
 * 3000), then M refused connect()s to 127.0.0.1 (default 30000).
 * Usage: daemon-workload [EXECS [CONNECTS [PORT]]]. Prints the wall time. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long execs = argc > 1 ? atol(argv[1]) : 3000;
	long connects = argc > 2 ? atol(argv[2]) : 30000;
	int port = argc > 3 ? atoi(argv[3]) : 9; /* nothing listens on discard */
	struct timespec a, b;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	long refused = 0;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < execs; i++) {
		pid_t p = fork();
		if (p == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (p > 0)
			waitpid(p, NULL, 0);
	}
	for (long i = 0; i < connects; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			continue;
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			refused++;
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.3f %ld\n", (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9, refused);
	return 0;
}
