/*
 * fftw-pair.c - the bound of an FFT convolution: one FFTW r2c and one c2r
 * of a real array, in place (FFTW's padded layout, as tconv transforms
 * its buffers), planned with the given mode and threads, executed on one
 * array filled with random numbers.  Prints the best of REPS (default 5)
 * executes of the pair, in seconds, then the planning time.  FFTW alone:
 * nothing of tpipe is linked, so the yardstick does not move with tpipe.
 *
 *   cc -O2 bench/fftw-pair.c -lfftw3f_threads -lfftw3_threads -lfftw3f \
 *     -lfftw3 -lm -lpthread -o /tmp/fftw-pair
 *   /tmp/fftw-pair f32 2100,2100 2 measure
 *
 * Arguments: f32 or f64, the real shape (1 to 3 axes, comma separated),
 * threads, estimate|measure|patient, and optionally a wisdom file: read
 * before planning if it exists, written after, so that a script can run
 * the pair again and again (between the runs of what it is compared
 * with) and plan with MEASURE once.  Without it no wisdom is read or
 * written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fftw3.h>

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/*
 * Plan (importing and exporting wisdom when a file is named), fill and
 * time the pair in real type T with FFTW's functions prefixed P: the
 * body of main for one precision.
 */
#define PAIR(T, P, C) do {						\
	T *a = P##malloc(reals * sizeof *a);				\
	P##plan f, b;							\
									\
	P##init_threads();						\
	P##plan_with_nthreads(threads);					\
	if (argc == 6)							\
		P##import_wisdom_from_filename(argv[5]);		\
	t0 = now();							\
	f = P##plan_dft_r2c(rank, n, a, (C *)a, flags);			\
	b = P##plan_dft_c2r(rank, n, (C *)a, a, flags);			\
	plan_s = now() - t0;						\
	if (argc == 6)							\
		P##export_wisdom_to_filename(argv[5]);			\
	for (size_t k = 0; k < reals; k++)				\
		a[k] = (T)((double)rand() / RAND_MAX - 0.5);		\
	for (i = 0; i < reps; i++) {					\
		t0 = now();						\
		P##execute(f);						\
		P##execute(b);						\
		if ((t = now() - t0) < best)				\
			best = t;					\
	}								\
} while (0)

int
main(int argc, char **argv)
{
	int n[3], rank = 0, threads, single, reps = 5, i;
	unsigned flags;
	size_t reals = 1;
	char *s, *end;
	double t0, plan_s, best = 1e30, t;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: fftw-pair f32|f64 SHAPE THREADS "
		    "estimate|measure|patient [WISDOM]\n");
		return 2;
	}
	single = strcmp(argv[1], "f32") == 0;
	for (s = argv[2]; rank < 3; s = end + 1) {
		n[rank++] = (int)strtol(s, &end, 10);
		if (*end != ',')
			break;
	}
	threads = atoi(argv[3]);
	flags = strcmp(argv[4], "patient") == 0 ? FFTW_PATIENT :
	    strcmp(argv[4], "measure") == 0 ? FFTW_MEASURE : FFTW_ESTIMATE;
	if (getenv("REPS") != NULL)
		reps = atoi(getenv("REPS"));
	for (i = 0; i < rank - 1; i++)
		reals *= (size_t)n[i];
	reals *= 2 * ((size_t)n[rank - 1] / 2 + 1);	/* padded rows */
	if (single)
		PAIR(float, fftwf_, fftwf_complex);
	else
		PAIR(double, fftw_, fftw_complex);
	printf("%.4f %.2f\n", best, plan_s);
	return 0;
}
