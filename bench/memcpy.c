/*
 * memcpy.c - the bound of a permutation: one read and one write of its
 * bytes.  Prints, best of R rounds, the seconds of
 *   warm   memcpy of N bytes into a buffer already written (no page
 *          faults: the copy alone, at the memory's speed);
 *   fresh  tp_big_alloc of N bytes and memcpy into it, as a tool makes
 *          its output (the kernel's page faults and zeroing included).
 *
 *   make && cc -O2 -D_GNU_SOURCE -Ilib bench/memcpy.c build/libtpipe.a \
 *     -lpthread -o /tmp/memcpy && /tmp/memcpy BYTES [R]
 *
 * bench/permute.sh builds and runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tpipe.h"

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
	size_t n;
	int rounds;
	unsigned char *a, *b;
	double warm = 1e30, fresh = 1e30;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: memcpy bytes [rounds]\n");
		return 2;
	}
	n = strtoull(argv[1], NULL, 10);
	rounds = argc > 2 ? atoi(argv[2]) : 5;
	a = tp_big_alloc(n);
	b = tp_big_alloc(n);
	memset(a, 1, n);
	memset(b, 2, n);
	for (int r = 0; r < rounds; r++) {
		double t = now();
		unsigned char *c;

		memcpy(b, a, n);
		t = now() - t;
		warm = t < warm ? t : warm;
		t = now();
		c = tp_big_alloc(n);
		memcpy(c, a, n);
		t = now() - t;
		fresh = t < fresh ? t : fresh;
		a[r] = c[n - 1 - r];	/* the copies are used */
		free(c);
	}
	printf("%.4f %.4f\n", warm, fresh);
	return b[n / 2] == 7;
}
