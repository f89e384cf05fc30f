/*
 * stream-bound.c - the bound of a tool that streams a file through a
 * per-element pass (tproject on points): read the input file, one
 * memcpy-speed pass over its bytes, write them to a new output file
 * (a temporary file renamed onto OUT, as tpipe's -o does), in pieces
 * of PIECE bytes that stay in the cache.  Prints the best of R runs
 * in seconds, wall and CPU (user + system).
 *
 *   cc -O2 bench/stream-bound.c -o /tmp/stream-bound &&
 *     /tmp/stream-bound IN OUT [R [PIECE]]
 *
 * bench/tproject.sh builds and runs it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* CPU seconds of this process so far, user + system. */
static double
cpu(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec * 1e-6 +
	    (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec * 1e-6;
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

/* One run: IN through a memcpy into OUT (via OUT.tmp). */
static void
run(const char *in, const char *out, char *a, char *b, size_t piece)
{
	char tmp[4096];
	int fi, fo;
	ssize_t k;

	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	if ((fi = open(in, O_RDONLY)) < 0)
		die(in);
	if ((fo = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		die(tmp);
	while ((k = read(fi, a, piece)) > 0) {
		memcpy(b, a, (size_t)k);
		if (write(fo, b, (size_t)k) != k)
			die(tmp);
	}
	if (k < 0)
		die(in);
	/* the old file goes first, as tpipe's -o moves it aside: ext4
	 * flushes a file renamed onto another one (auto_da_alloc) */
	if (close(fo) < 0 || (unlink(out) < 0 && errno != ENOENT) ||
	    rename(tmp, out) < 0)
		die(out);
	close(fi);
}

int
main(int argc, char **argv)
{
	size_t piece;
	int rounds;
	char *a, *b;
	double wall = 1e30, used = 1e30;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: stream-bound in out [rounds [piece]]\n");
		return 2;
	}
	rounds = argc > 3 ? atoi(argv[3]) : 3;
	piece = argc > 4 ? strtoull(argv[4], NULL, 10) : 1572864;
	if ((a = malloc(piece)) == NULL || (b = malloc(piece)) == NULL)
		die("malloc");
	memset(a, 1, piece);
	memset(b, 2, piece);
	for (int r = 0; r < rounds; r++) {
		double t = now(), c = cpu();

		run(argv[1], argv[2], a, b, piece);
		t = now() - t;
		c = cpu() - c;
		wall = t < wall ? t : wall;
		used = c < used ? c : used;
	}
	printf("%.3f %.3f\n", wall, used);
	return 0;
}
