/*
 * conv-engine.c - tconv's engine against the FFTW pair in one process,
 * wall and CPU time: a fresh engine (tp_conv_new, tp_conv_run, as tconv
 * runs one record: plans, kernel spectrum, buffers and all) and one
 * r2c + c2r of the padded size (MEASURE plans, 2 threads, in place), in
 * turns, REPS times; prints the least of each.  CPU time (the process's,
 * both threads) says more than wall time on a machine whose other jobs
 * take the cores.  Mode same, f32, random data.
 *
 *   make && cc -O2 -D_GNU_SOURCE -Ilib bench/conv-engine.c \
 *     build/libtpipe.a -lfftw3_threads -lfftw3f_threads -lfftw3 \
 *     -lfftw3f -lm -lpthread -o /tmp/conv-engine
 *   /tmp/conv-engine 4096 255 4320 5 [TILE]
 *
 * Arguments: the signal's side n, the kernel's side m, the padded side L
 * of the pair (tconv --verbose says it), REPS, and optionally a tile
 * length forced on both axes (0: the whole axes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <fftw3.h>

#include "tpipe.h"
#include "fft.h"
#include "conv.h"

/* Seconds on the clock c. */
static double
now(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Keep the lesser of *best and v. */
static void
least(double *best, double v)
{
	if (v < *best)
		*best = v;
}

int
main(int argc, char **argv)
{
	size_t n, m, L, xs[2], ks[2], reals, i;
	int reps, r, nn[2];
	struct tp_tensor x, k, y;
	struct tp_conv_opts o;
	struct tp_msg msg;
	double w[2] = { 1e30, 1e30 }, u[2] = { 1e30, 1e30 }, t0, c0;
	float *a;
	fftwf_plan f, b;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: conv-engine N M L REPS [TILE]\n");
		return 2;
	}
	n = strtoul(argv[1], NULL, 10);
	m = strtoul(argv[2], NULL, 10);
	L = strtoul(argv[3], NULL, 10);
	reps = atoi(argv[4]);
	xs[0] = xs[1] = n;
	ks[0] = ks[1] = m;
	x = tp_new(TP_F4, 2, xs);
	k = tp_new(TP_F4, 2, ks);
	for (i = 0; i < x.count; i++)
		((float *)x.data)[i] = (float)((double)rand() / RAND_MAX - 0.5);
	for (i = 0; i < k.count; i++)
		((float *)k.data)[i] = (float)((double)rand() / RAND_MAX - 0.5);
	tp_fft_init(2, TP_PLAN_ESTIMATE);
	tp_conv_opts_init(&o);
	o.mode = TP_CONV_SAME;
	o.threads = 2;
	if (argc == 6) {
		o.ntile = 2;
		o.tile[0] = o.tile[1] = strtoul(argv[5], NULL, 10);
	}
	nn[0] = nn[1] = (int)L;
	reals = L * 2 * (L / 2 + 1);
	a = fftwf_malloc(reals * sizeof *a);
	fftwf_plan_with_nthreads(2);
	f = fftwf_plan_dft_r2c(2, nn, a, (fftwf_complex *)a, FFTW_MEASURE);
	b = fftwf_plan_dft_c2r(2, nn, (fftwf_complex *)a, a, FFTW_MEASURE);
	for (i = 0; i < reals; i++)
		a[i] = (float)((double)rand() / RAND_MAX);
	for (r = 0; r < reps; r++) {
		struct tp_conv *c;

		if (tp_conv_new(&c, &k, &o, &msg) != NULL)
			return 1;
		c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		t0 = now(CLOCK_MONOTONIC);
		tp_conv_run(c, &x, &y);
		least(&w[0], now(CLOCK_MONOTONIC) - t0);
		least(&u[0], now(CLOCK_PROCESS_CPUTIME_ID) - c0);
		tp_free(&y);
		tp_conv_free(c);
		c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		t0 = now(CLOCK_MONOTONIC);
		fftwf_execute(f);
		fftwf_execute(b);
		least(&w[1], now(CLOCK_MONOTONIC) - t0);
		least(&u[1], now(CLOCK_PROCESS_CPUTIME_ID) - c0);
	}
	printf("%zu^2 * %zu^2: engine %.4f s (CPU %.4f s), pair %zu^2 %.4f s "
	    "(CPU %.4f s); engine / pair: wall %.2f, CPU %.2f\n", n, m,
	    w[0], u[0], L, w[1], u[1], w[0] / w[1], u[0] / u[1]);
	return 0;
}
