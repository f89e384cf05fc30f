/*
 * conv-batch.c - how tconv's FFT path should run a batch: one
 * single-threaded plan per tile, tiles in parallel on tp_parallel (what
 * lib/conv.c does), or one batched plan (FFTW's howmany) on FFTW's own
 * threads.  Each item is what the FFT path does per tile: fill, r2c,
 * multiply by a spectrum, c2r, copy out.  Prints the best of 5 of each.
 *
 *   make && cc -O2 -D_GNU_SOURCE -Ilib bench/conv-batch.c build/libtpipe.a \
 *     -lfftw3_threads -lfftw3f_threads -lfftw3 -lfftw3f -lpng -lz -lm \
 *     -lpthread -o /tmp/conv-batch && /tmp/conv-batch B N [threads]
 *
 * B items of N x N float32 (N a fast length), e.g. 64 270 (bench case d:
 * 64 x 256^2 with a 15^2 kernel) or 4 2058.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tpipe.h"
#include "engine.h"
#include "fft.h"

struct job {
	struct tp_fft_plan *fwd, *inv;
	float **buf, *spec, *src, *dst;
	size_t n, rs, items;
};

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* buf (rows of rs reals) = item i of src, zero padding in each row */
static void
fill(float *buf, const float *src, size_t n, size_t rs)
{
	for (size_t r = 0; r < n; r++) {
		memcpy(buf + r * rs, src + r * n, n * sizeof *buf);
		memset(buf + r * rs + n, 0, (rs - n) * sizeof *buf);
	}
}

/* d *= k for m complex numbers */
static void
cmul(float *restrict d, const float *restrict k, size_t m)
{
	for (size_t i = 0; i < m; i++) {
		float a = d[2 * i], b = d[2 * i + 1];

		d[2 * i] = a * k[2 * i] - b * k[2 * i + 1];
		d[2 * i + 1] = a * k[2 * i + 1] + b * k[2 * i];
	}
}

/* dst item = rows of buf */
static void
extract(float *dst, const float *buf, size_t n, size_t rs)
{
	for (size_t r = 0; r < n; r++)
		memcpy(dst + r * n, buf + r * rs, n * sizeof *dst);
}

/* parallel item: one tile through its own single-threaded plans */
static void
item(void *v, size_t i, int tid)
{
	struct job *j = v;
	float *b = j->buf[tid];

	fill(b, j->src + i * j->n * j->n, j->n, j->rs);
	tp_fft_execute(j->fwd, b, b);
	cmul(b, j->spec, j->n * j->rs / 2);
	tp_fft_execute(j->inv, b, b);
	extract(j->dst + i * j->n * j->n, b, j->n, j->rs);
}

/* parallel items of the batched variant: fill, multiply, copy out item i */
static void
fill_item(void *v, size_t i, int tid)
{
	struct job *j = v;

	(void)tid;
	fill(j->buf[0] + i * j->n * j->rs, j->src + i * j->n * j->n, j->n,
	    j->rs);
}

static void
cmul_item(void *v, size_t i, int tid)
{
	struct job *j = v;

	(void)tid;
	cmul(j->buf[0] + i * j->n * j->rs, j->spec, j->n * j->rs / 2);
}

static void
extract_item(void *v, size_t i, int tid)
{
	struct job *j = v;

	(void)tid;
	extract(j->dst + i * j->n * j->n, j->buf[0] + i * j->n * j->rs, j->n,
	    j->rs);
}

int
main(int argc, char **argv)
{
	size_t B = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
	size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 270;
	int T = argc > 3 ? atoi(argv[3]) : 2;
	size_t shape[3] = { B, n, n }, rs = 2 * (n / 2 + 1);
	int axes2[2] = { 0, 1 }, axes3[2] = { 1, 2 };
	struct tp_fft_problem pb;
	struct job j = { 0 };
	double best[2] = { 1e9, 1e9 };
	float *all;

	tp_fft_init(T, TP_PLAN_ESTIMATE);
	j.n = n;
	j.rs = rs;
	j.items = B;
	j.src = tp_big_alloc(B * n * n * sizeof(float));
	j.dst = tp_big_alloc(B * n * n * sizeof(float));
	j.spec = tp_fft_alloc(n * rs * sizeof(float));
	for (size_t i = 0; i < B * n * n; i++)
		j.src[i] = (float)rand() / RAND_MAX;
	for (size_t i = 0; i < n * rs; i++)
		j.spec[i] = (float)rand() / RAND_MAX;
	j.buf = calloc((size_t)T, sizeof *j.buf);
	for (int t = 0; t < T; t++)
		j.buf[t] = tp_fft_alloc(n * rs * sizeof(float));
	tp_fft_problem_axes(&pb, TP_FFT_R2C, 2, shape + 1, 2, axes2, 1);
	j.fwd = tp_fft_plan_new(TP_FFT_R2C, 1, &pb, 1, TP_FFT_INPLACE |
	    TP_FFT_DESTROY, j.buf[0], j.buf[0]);
	tp_fft_problem_axes(&pb, TP_FFT_C2R, 2, shape + 1, 2, axes2, 1);
	j.inv = tp_fft_plan_new(TP_FFT_C2R, 1, &pb, 1, TP_FFT_INPLACE |
	    TP_FFT_DESTROY, j.buf[0], j.buf[0]);
	for (int rep = 0; rep < 5; rep++) {
		double t0 = now();

		tp_parallel(T, B, item, &j);
		if (now() - t0 < best[0])
			best[0] = now() - t0;
	}
	/* one batched plan over all B items, FFTW's threads */
	all = tp_fft_alloc(B * n * rs * sizeof(float));
	j.buf[0] = all;		/* the tile buffers are not used any more */
	tp_fft_plan_free(j.fwd);
	tp_fft_plan_free(j.inv);
	tp_fft_problem_axes(&pb, TP_FFT_R2C, 3, shape, 2, axes3, 1);
	j.fwd = tp_fft_plan_new(TP_FFT_R2C, 1, &pb, T, TP_FFT_INPLACE |
	    TP_FFT_DESTROY, all, all);
	tp_fft_problem_axes(&pb, TP_FFT_C2R, 3, shape, 2, axes3, 1);
	j.inv = tp_fft_plan_new(TP_FFT_C2R, 1, &pb, T, TP_FFT_INPLACE |
	    TP_FFT_DESTROY, all, all);
	for (int rep = 0; rep < 5; rep++) {
		double t0 = now();

		tp_parallel(T, B, fill_item, &j);
		tp_fft_execute(j.fwd, all, all);
		tp_parallel(T, B, cmul_item, &j);
		tp_fft_execute(j.inv, all, all);
		tp_parallel(T, B, extract_item, &j);
		if (now() - t0 < best[1])
			best[1] = now() - t0;
	}
	printf("%zu x %zu^2 f32, %d threads: tiles in parallel %.4f s, "
	    "batched plan %.4f s\n", B, n, T, best[0], best[1]);
	return 0;
}
