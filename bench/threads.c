/*
 * threads.c - the cost of one tp_parallel call: many calls in a row of
 * a few small items each, as the engines make them (one call per axis,
 * per 65,536-point chunk, per block of rows), so that what is measured
 * is starting the threads, handing out the items and waiting for the
 * last, not the work.  Prints, per case, the best of 5 rounds of the
 * mean time of one call in microseconds.
 *
 *   make && cc -O2 -D_GNU_SOURCE -Ilib bench/threads.c build/libtpipe.a \
 *     -lpthread -o /tmp/threads && /tmp/threads [threads] [calls]
 *
 * bench/threads.sh builds and runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tpipe.h"
#include "engine.h"

struct job {
	size_t work;		/* loop iterations per item */
	volatile double sink[TP_MAXTHREADS];	/* keeps the work done */
};

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* parallel item: work iterations of a little arithmetic */
static void
item(void *v, size_t i, int tid)
{
	struct job *j = v;
	double x = (double)i;

	for (size_t k = 0; k < j->work; k++)
		x = x * 0.999 + 1.0;
	j->sink[tid] += x;
}

/* Microseconds per call of tp_parallel(threads, n, item) doing work
 * iterations per item, the best of 5 rounds of calls calls. */
static double
per_call(int threads, size_t n, size_t work, long calls)
{
	struct job j = { work, { 0 } };
	double best = 1e30;

	for (int round = 0; round < 5; round++) {
		double t0 = now(), t;

		for (long c = 0; c < calls; c++)
			tp_parallel(threads, n, item, &j);
		t = (now() - t0) / (double)calls * 1e6;
		if (t < best)
			best = t;
	}
	return best;
}

int
main(int argc, char **argv)
{
	int T = argc > 1 ? atoi(argv[1]) : 2;
	long calls = argc > 2 ? atol(argv[2]) : 20000;
	static const struct { size_t n, work; const char *what; } cases[] = {
		{ 1, 0, "1 item, no work (the serial path)" },
		{ 2, 0, "2 items, no work" },
		{ 64, 0, "64 items, no work" },
		{ 8, 1000, "8 items of 1000 iterations" },
		{ 64, 1000, "64 items of 1000 iterations" },
	};

	printf("| tp_parallel(%d, n, ...), %ld calls | us per call |\n",
	    T, calls);
	printf("|---|---:|\n");
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
		printf("| %s | %.2f |\n", cases[c].what,
		    per_call(T, cases[c].n, cases[c].work, calls));
	return 0;
}
