/*
 * fft-exec.c - FFTW's own execute time for the transform tfft runs: one
 * FFTW plan of the same problem (lib/fft.c's tp_fft_problem_axes), kind,
 * precision, planner mode and threads, in place as tfft runs it (out of
 * place for r2c), executed on one array; prints the best of 5 executes
 * in seconds.  The yardstick for tfft's compute time (tfft --verbose),
 * bench/tfft.sh.  Then, on the same line, the best of 5 runs of what
 * tfft runs instead (tp_fft_axes: the axes one at a time, lines
 * gathered), the transform alone; then the least CPU time of each, in
 * the same order; then, for r2cfull, the least time one thread takes
 * to memset the output's second half (0 otherwise); then the same two
 * wall and two CPU times cold: before each run the caches flushed by
 * writing twice the last level cache's size elsewhere (tfft transforms
 * a record just read, not the arrays of its previous run; this
 * machine's 300 MiB L3 holds FFTW's 256 MiB of r2c in and out, not the
 * 384 MiB of the full output and its input).
 *
 *   make && cc -O2 -D_GNU_SOURCE -Ilib bench/fft-exec.c build/libtpipe.a \
 *     -lfftw3_threads -lfftw3f_threads -lfftw3 -lfftw3f -lopenblas -lpng \
 *     -lz -lm -lpthread -o /tmp/fft-exec && /tmp/fft-exec KIND F SHAPE K T
 *
 * KIND fwd (complex) or r2c (real), F f32 or f64, SHAPE as 4096,4096,
 * K the last K axes transformed, T threads: e.g. r2c f64 4096,4096 2 2.
 * KIND r2cfull: FFTW's r2c plan as for r2c, then what tfft runs for
 * fftn of a real record (tp_fft_axes_new_r2c_first: the first axis
 * halved, the whole full complex output written, the other half by
 * the last pass; else tp_fft_axes_new_r2c_full: the half written
 * straight into the full output, without the fill tfft runs after).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tpipe.h"
#include "engine.h"
#include "fft.h"

/* Seconds on clock c. */
static double
now(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The best of 5 runs of FFTW's plan p, or if p is NULL of ax, on in
 * and out, in seconds of wall clock; in *cpu the best of their CPU
 * times (every thread's: what a loaded machine disturbs less). */
static double
best_of5(const struct tp_fft_plan *p, const struct tp_fft_axes *ax,
    void *in, void *out, double *cpu, int cold)
{
	static char *junk;
	static size_t njunk;
	double best = 1e30;

	if (cold && junk == NULL) {
		long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);

		njunk = 2 * (size_t)(l3 > 0 ? l3 : 64 << 20);
		junk = tp_big_alloc(njunk);
	}
	*cpu = 1e30;
	for (int r = 0; r < 5; r++) {
		double t0, c0;

		if (cold)
			memset(junk, r + 1, njunk);
		t0 = now(CLOCK_MONOTONIC);
		c0 = now(CLOCK_PROCESS_CPUTIME_ID);

		if (p != NULL)
			tp_fft_execute(p, in, out);
		else
			tp_fft_axes_run(ax, in, out);
		t0 = now(CLOCK_MONOTONIC) - t0;
		c0 = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (t0 < best)
			best = t0;
		if (c0 < *cpu)
			*cpu = c0;
	}
	return best;
}

int
main(int argc, char **argv)
{
	struct tp_fft_problem pb;
	struct tp_fft_plan *p;
	struct tp_fft_axes *ax;
	size_t shape[TP_MAXDIM], count = 1, rsz, ilen, olen;
	double cpu[4], wall[4], wr;
	int nd = 0, k, threads, axes[TP_MAXDIM], single, r2c, full;
	char *s, *tok;
	void *in, *out;

	if (argc != 6) {
		fprintf(stderr, "usage: fft-exec fwd|r2c f32|f64 shape k "
		    "threads\n");
		return 2;
	}
	full = strcmp(argv[1], "r2cfull") == 0;
	r2c = full || strcmp(argv[1], "r2c") == 0;
	single = strcmp(argv[2], "f32") == 0;
	for (s = argv[3]; (tok = strsep(&s, ",")) != NULL; nd++) {
		shape[nd] = strtoul(tok, NULL, 10);
		count *= shape[nd];
	}
	k = atoi(argv[4]);
	threads = atoi(argv[5]);
	for (int i = 0; i < k; i++)
		axes[i] = nd - k + i;
	tp_fft_init(threads, TP_PLAN_ESTIMATE);
	rsz = single ? sizeof(float) : sizeof(double);
	tp_fft_problem_axes(&pb, r2c ? TP_FFT_R2C : TP_FFT_FWD, nd, shape, k,
	    axes, !r2c);
	ilen = count * (r2c ? 1 : 2);
	olen = r2c ? count / shape[nd - 1] * (shape[nd - 1] / 2 + 1) * 2 :
	    ilen;
	in = tp_big_alloc(ilen * rsz);
	out = r2c ? tp_big_alloc(olen * rsz) : in;
	memset(in, 0, ilen * rsz);
	for (size_t i = 0; i < ilen; i += 7)
		if (single)
			((float *)in)[i] = 1;
		else
			((double *)in)[i] = 1;
	p = tp_fft_plan_new(r2c ? TP_FFT_R2C : TP_FFT_FWD, single, &pb,
	    threads, (r2c ? 0 : TP_FFT_INPLACE) | TP_FFT_DESTROY, in, out);
	wall[0] = best_of5(p, NULL, in, out, &cpu[0], 0);
	wall[2] = best_of5(p, NULL, in, out, &cpu[2], 1);
	printf("%.4f", wall[0]);
	tp_fft_plan_free(p);
	if (full) {		/* the full complex output */
		free(out);
		out = tp_big_alloc(count * 2 * rsz);
		memset(out, 0, count * 2 * rsz);
		ax = tp_fft_axes_new_r2c_first(single, nd, shape, k, axes,
		    threads, in, out);
		if (ax == NULL)
			ax = tp_fft_axes_new_r2c_full(single, nd, shape, k,
			    axes, threads, in, out);
	}
	if (!full || !ax)
		ax = tp_fft_axes_new(r2c ? TP_FFT_R2C : TP_FFT_FWD, single, nd,
		    shape, k, axes, threads, -1, in, out);
	wall[1] = best_of5(NULL, ax, in, out, &cpu[1], 0);
	wall[3] = best_of5(NULL, ax, in, out, &cpu[3], 1);
	printf(" %.4f", wall[1]);
	printf(" %.4f %.4f", cpu[0], cpu[1]);
	/* r2cfull: the least time to write the bytes the full output has
	 * beyond r2c's (its second half, memset by one thread): what the
	 * full spectrum must cost more at this machine's bandwidth */
	wr = 1e30;
	for (int r = 0; full && r < 5; r++) {
		double t0 = now(CLOCK_MONOTONIC);

		memset((char *)out + count * rsz, r, count * rsz);
		t0 = now(CLOCK_MONOTONIC) - t0;
		if (t0 < wr)
			wr = t0;
	}
	printf(" %.4f %.4f %.4f %.4f %.4f\n", full ? wr : 0.0, wall[2],
	    wall[3], cpu[2], cpu[3]);
	tp_fft_axes_free(ax);
	free(in);
	if (out != in)
		free(out);
	return 0;
}
