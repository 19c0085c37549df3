/* Syscall microbenchmark for bench/rules-cost.sh: the time of getpid and of
 * openat+close on a temporary file, in ns per syscall, in a tight loop.
 * Usage: syscall-bench [ITERATIONS]   (default 2000000)
 * SPDX-License-Identifier: MIT OR Apache-2.0 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	char path[] = "/tmp/raudit-bench-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	close(fd);
	/* warm up */
	for (long i = 0; i < n / 10; i++)
		syscall(SYS_getpid);
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
	double t1 = now_ns();
	long m = n / 4;
	for (long i = 0; i < m; i++) {
		int f = openat(AT_FDCWD, path, O_RDONLY);
		if (f < 0) {
			perror("openat");
			unlink(path);
			return 1;
		}
		close(f);
	}
	double t2 = now_ns();
	unlink(path);
	printf("getpid %.1f\nopenat+close %.1f\n", (t1 - t0) / n, (t2 - t1) / (2.0 * m));
	return 0;
}
