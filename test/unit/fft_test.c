/*
 * fft_test.c - unit tests of lib/fft.c: fast lengths per kind; every
 * transform kind (DFTs, DCT and DST types I to IV) in float
 * and double, in place and out of place, along several axis subsets
 * (batch axes before, between and after the transformed ones, such as
 * the channel axis of an (H, W, 3) array) against the naive DFT/DCT;
 * inverse pairs; a hand-made problem with strides of no C layout; one
 * plan executed on new arrays from several threads;
 * a measuring planner leaving the caller's data alone.  Prints TAP.
 */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "tap.h"
#include "engine.h"
#include "fft.h"

/* n is 2^a 3^b 5^c 7^d, with a >= 1 when even. */
static int
smooth7(size_t n, int even)
{
	if (even && n % 2)
		return 0;
	for (size_t p = 2; p <= 7; p++)
		while (n % p == 0)
			n /= p;
	return n == 1;
}

/* Whether length L is right for kind at n: fast, and nothing smaller is. */
static int
fast_ok(enum tp_fft_kind kind, size_t n, size_t L)
{
	int even = kind == TP_FFT_R2C || kind == TP_FFT_C2R;
	size_t m;

	if (L < n)
		return 0;
	for (m = n; m <= L; m++) {
		int good = kind == TP_FFT_DCT1 ? m == 2 || smooth7(m - 1, 0) :
		    smooth7(m, even);

		if (good)
			return m == L;
	}
	return 0;
}

static void
test_fast_len(void)
{
	static const enum tp_fft_kind kinds[] = { TP_FFT_R2C, TP_FFT_FWD,
		TP_FFT_DCT1, TP_FFT_DCT2 };
	static const char *const names[] = { "r2c: even 7-smooth",
		"c2c: 7-smooth", "dct-i: n-1 7-smooth", "dct-ii: 7-smooth" };
	char what[128];

	for (int k = 0; k < 4; k++) {
		int good = 1;

		for (size_t n = 2; n <= 20000 && good; n++)
			good = fast_ok(kinds[k], n, tp_fft_fast_len(kinds[k], n));
		snprintf(what, sizeof what, "fast length %s, the least >= n, "
		    "n <= 20000", names[k]);
		ok(good, what);
	}
	ok(tp_fft_fast_len(TP_FFT_R2C, 4097) == 4116 &&
	    tp_fft_fast_len(TP_FFT_R2C, 4096) == 4096,
	    "fast length of 4097 is 4116 (2^2 3 7^3)");
	ok(tp_fft_fast_len(TP_FFT_FWD, 4097) == 4116 &&
	    tp_fft_fast_len(TP_FFT_FWD, 1001) == 1008 &&
	    tp_fft_fast_len(TP_FFT_DCT2, 1001) == 1008 &&
	    tp_fft_fast_len(TP_FFT_DCT1, 1001) == 1001 &&
	    tp_fft_fast_len(TP_FFT_DCT1, 1002) == 1009 &&
	    tp_fft_fast_len(TP_FFT_DCT2, 15) == 15 &&
	    tp_fft_fast_len(TP_FFT_R2C, 15) == 16,
	    "fast lengths of 1001, 1002, 15 by kind");
	ok(tp_fft_fast_len(TP_FFT_R2C, SIZE_MAX - 1) == 0 &&
	    tp_fft_fast_len(TP_FFT_DCT1, SIZE_MAX - 1) == 0,
	    "fast length overflow gives 0");
	ok(tp_fft_fast_len(TP_FFT_R2C, 1) == 1 &&
	    tp_fft_fast_len(TP_FFT_DCT1, 2) == 2, "fast length of 1 and 2");
}

/* --- the naive transforms ------------------------------------------------ */

/* One line of n samples, transformed by the definition of kind (FFTW's
 * unnormalised ones); R2C and C2R are plain forward and backward DFTs. */
static void
naive_line(enum tp_fft_kind kind, const double complex *x, double complex *y,
    size_t n)
{
	for (size_t k = 0; k < n; k++) {
		double complex s = 0;

		for (size_t j = 0; j < n; j++) {
			double jj = (double)j, kk = (double)k, nn = (double)n;

			switch (kind) {
			case TP_FFT_R2C:
			case TP_FFT_FWD:
				s += x[j] * cexp(-2 * M_PI * I * jj * kk / nn);
				break;
			case TP_FFT_C2R:
			case TP_FFT_BWD:
				s += x[j] * cexp(2 * M_PI * I * jj * kk / nn);
				break;
			case TP_FFT_DCT1:
				s += (j == 0 || j == n - 1 ? 1 : 2) * x[j] *
				    (j == n - 1 ? (k % 2 ? -1 : 1) :
				    cos(M_PI * jj * kk / (nn - 1)));
				break;
			case TP_FFT_DCT2:
				s += 2 * x[j] * cos(M_PI * (jj + 0.5) * kk / nn);
				break;
			case TP_FFT_DCT3:
				s += (j == 0 ? 1 : 2) * x[j] *
				    cos(M_PI * jj * (kk + 0.5) / nn);
				break;
			case TP_FFT_DST1:
				s += 2 * x[j] *
				    sin(M_PI * (jj + 1) * (kk + 1) / (nn + 1));
				break;
			case TP_FFT_DST2:
				s += 2 * x[j] * sin(M_PI * (jj + 0.5) * (kk + 1) / nn);
				break;
			case TP_FFT_DST3:
				s += j == n - 1 ? (k % 2 ? -1 : 1) * x[j] :
				    2 * x[j] * sin(M_PI * (jj + 1) * (kk + 0.5) / nn);
				break;
			case TP_FFT_DCT4:
				s += 2 * x[j] *
				    cos(M_PI * (jj + 0.5) * (kk + 0.5) / nn);
				break;
			case TP_FFT_DST4:
				s += 2 * x[j] *
				    sin(M_PI * (jj + 0.5) * (kk + 0.5) / nn);
				break;
			}
		}
		y[k] = s;
	}
}

/* x (C order, shape s[0..nd)) transformed in place along each listed
 * axis by the definition. */
static void
naive(enum tp_fft_kind kind, double complex *x, int nd, const size_t *s,
    int naxes, const int *axes)
{
	size_t total = 1;

	for (int a = 0; a < nd; a++)
		total *= s[a];
	for (int i = 0; i < naxes; i++) {
		int a = axes[i];
		size_t inner = 1, n = s[a];
		double complex *l = malloc(n * sizeof *l), *y = malloc(n * sizeof *y);

		for (int b = a + 1; b < nd; b++)
			inner *= s[b];
		for (size_t o = 0; o < total / (n * inner); o++)
			for (size_t in = 0; in < inner; in++) {
				double complex *base = x + o * n * inner + in;

				for (size_t j = 0; j < n; j++)
					l[j] = base[j * inner];
				naive_line(kind, l, y, n);
				for (size_t j = 0; j < n; j++)
					base[j * inner] = y[j];
			}
		free(l);
		free(y);
	}
}

/* --- layouts ------------------------------------------------------------- */

/* Per logical axis, the strides of side (0 in, 1 out) in pb. */
static void
axis_strides(const struct tp_fft_problem *pb, int nd, const int *on, int side,
    ptrdiff_t *st)
{
	int d = 0, l = 0;

	for (int a = 0; a < nd; a++) {
		const struct tp_fft_dim *x = on[a] ? &pb->dims[d++] : &pb->loop[l++];

		st[a] = side ? x->os : x->is;
	}
}

/* The offset, in elements, of logical index i (C order over s) */
static size_t
offset(size_t i, int nd, const size_t *s, const ptrdiff_t *st)
{
	size_t off = 0;

	for (int a = nd - 1; a >= 0; a--) {
		off += i % s[a] * (size_t)st[a];
		i /= s[a];
	}
	return off;
}

/* Store value v (real part only when !cx) at element off of a float or
 * double array; and load. */
static void
put(void *p, int single, int cx, size_t off, double complex v)
{
	if (single) {
		float *f = p;
		if (cx) {
			f[2 * off] = (float)creal(v);
			f[2 * off + 1] = (float)cimag(v);
		} else {
			f[off] = (float)creal(v);
		}
	} else {
		double *f = p;
		if (cx) {
			f[2 * off] = creal(v);
			f[2 * off + 1] = cimag(v);
		} else {
			f[off] = creal(v);
		}
	}
}

static double complex
get(const void *p, int single, int cx, size_t off)
{
	if (single) {
		const float *f = p;
		return cx ? f[2 * off] + I * f[2 * off + 1] : f[off];
	} else {
		const double *f = p;
		return cx ? f[2 * off] + I * f[2 * off + 1] : f[off];
	}
}

static double
rnd(void)
{
	return rand() / (double)RAND_MAX - 0.5;
}

struct tcase {
	int nd;
	size_t shape[4];
	int naxes;
	int axes[4];
};

static const struct tcase cases[] = {
	{ 1, { 8 }, 1, { 0 } },
	{ 1, { 9 }, 1, { 0 } },
	{ 2, { 6, 5 }, 2, { 0, 1 } },
	{ 2, { 6, 5 }, 1, { 1 } },
	{ 2, { 6, 5 }, 1, { 0 } },
	{ 3, { 4, 3, 5 }, 3, { 0, 1, 2 } },
	{ 3, { 5, 6, 3 }, 2, { 0, 1 } },	/* (H, W, 3): channels batch */
	{ 3, { 2, 7, 4 }, 1, { 1 } },
	{ 3, { 3, 4, 5 }, 2, { 0, 2 } },	/* batch axis in the middle */
	{ 4, { 2, 3, 4, 3 }, 2, { 1, 2 } },
};
#define NCASES (sizeof cases / sizeof cases[0])

static const char *const kind_names[] = { "r2c", "c2r", "fwd", "bwd",
	"dct-i", "dct-ii", "dct-iii", "dst-i", "dst-ii", "dst-iii", "dct-iv",
	"dst-iv" };

/*
 * One transform of kind on case c against the naive one: the input is
 * random (for C2R: the naive half spectrum of a random real x, so the
 * expected output is norm * x); returns the error relative to the
 * largest expected value, or INFINITY on a layout mismatch.
 */
static double
check_one(enum tp_fft_kind kind, int single, int inplace, const struct tcase *c)
{
	struct tp_fft_problem pb;
	struct tp_fft_plan *p;
	int on[4] = { 0 }, nd = c->nd;
	size_t total = 1, cs[4], ctotal = 1;
	ptrdiff_t ist[4], ost[4];
	double complex *x, *want;
	void *in, *out;
	double err = 0, scale = 0;
	int cin = kind != TP_FFT_R2C && kind < TP_FFT_DCT1;
	int cout = kind != TP_FFT_C2R && kind < TP_FFT_DCT1;
	int last = c->axes[c->naxes - 1];
	size_t rsz = single ? sizeof(float) : sizeof(double);

	for (int a = 0; a < nd; a++) {
		total *= c->shape[a];
		cs[a] = c->shape[a];
	}
	for (int i = 0; i < c->naxes; i++)
		on[c->axes[i]] = 1;
	if (kind == TP_FFT_R2C || kind == TP_FFT_C2R)
		cs[last] = c->shape[last] / 2 + 1;
	for (int a = 0; a < nd; a++)
		ctotal *= cs[a];
	tp_fft_problem_axes(&pb, kind, nd, c->shape, c->naxes, c->axes,
	    inplace);
	axis_strides(&pb, nd, on, 0, ist);
	axis_strides(&pb, nd, on, 1, ost);
	p = tp_fft_plan_new(kind, single, &pb, 1, inplace ? TP_FFT_INPLACE : 0,
	    NULL, NULL);
	in = tp_fft_alloc(tp_fft_plan_in_len(p) * rsz);
	out = inplace ? in : tp_fft_alloc(tp_fft_plan_out_len(p) * rsz);
	x = malloc(total * sizeof *x);
	want = malloc(total * sizeof *want);
	for (size_t i = 0; i < total; i++)
		x[i] = rnd() + (cin ? I * rnd() : 0);
	if (single)		/* the input as the transform sees it */
		for (size_t i = 0; i < total; i++)
			x[i] = (float)creal(x[i]) + I * (float)cimag(x[i]);
	memcpy(want, x, total * sizeof *x);
	if (kind == TP_FFT_C2R) {
		/* in: the half spectrum of real x; want: norm * x */
		double complex *spec = malloc(total * sizeof *spec);

		for (size_t i = 0; i < total; i++)
			x[i] = want[i] = creal(x[i]);
		memcpy(spec, x, total * sizeof *x);
		naive(TP_FFT_FWD, spec, nd, c->shape, c->naxes, c->axes);
		for (size_t i = 0; i < ctotal; i++) {
			/* element i of the complex side: its index tuple */
			size_t r = i, full = 0, str = 1;

			for (int a = nd - 1; a >= 0; a--) {
				full += r % cs[a] * str;
				str *= c->shape[a];
				r /= cs[a];
			}
			put(in, single, 1, offset(i, nd, cs, ist), spec[full]);
		}
		free(spec);
		for (size_t i = 0; i < total; i++)
			want[i] *= tp_fft_plan_norm(p);
	} else {
		for (size_t i = 0; i < total; i++)
			put(in, single, cin, offset(i, nd, c->shape, ist), x[i]);
		naive(kind, want, nd, c->shape, c->naxes, c->axes);
	}
	tp_fft_execute(p, in, out);
	for (size_t i = 0; i < total; i++) {
		size_t r = i, ci = 0, str = 1;
		int inside = 1;

		/* R2C: only the half spectrum is stored */
		for (int a = nd - 1; a >= 0; a--) {
			size_t j = r % c->shape[a];

			if (j >= cs[a] && kind == TP_FFT_R2C)
				inside = 0;
			ci += j * str;
			str *= cs[a];
			r /= c->shape[a];
		}
		if (!inside)
			continue;
		scale = fmax(scale, cabs(want[i]));
		err = fmax(err, cabs(get(out, single, cout,
		    kind == TP_FFT_R2C ? offset(ci, nd, cs, ost) :
		    offset(i, nd, c->shape, ost)) - want[i]));
	}
	tp_fft_plan_free(p);
	if (!inplace)
		tp_fft_free(out);
	tp_fft_free(in);
	free(x);
	free(want);
	return err / scale;
}

static void
test_kinds(void)
{
	char what[160];

	srand(3);
	for (int kind = TP_FFT_R2C; kind <= TP_FFT_DST4; kind++)
		for (int single = 0; single < 2; single++)
			for (int inplace = 0; inplace < 2; inplace++) {
				double worst = 0, tol = single ? 1e-5 : 1e-12;
				size_t bad = NCASES;

				for (size_t i = 0; i < NCASES; i++) {
					double e = check_one(kind, single,
					    inplace, &cases[i]);

					if (!(e <= worst))
						worst = e;
					if (!(e <= tol) && bad == NCASES)
						bad = i;
				}
				snprintf(what, sizeof what, "%s %s %s equals the "
				    "naive transform on %zu shapes and axis sets "
				    "(worst %.2g, tol %g%s)", kind_names[kind],
				    single ? "f32" : "f64", inplace ? "in place" :
				    "out of place", NCASES, worst, tol,
				    bad < NCASES ? ", first failing case below" : "");
				ok(bad == NCASES, what);
				if (bad < NCASES)
					printf("# failing case %zu\n", bad);
			}
}

/* A hand-made problem with strides of no C layout: the columns of a
 * row-major 6x5 real array (stride 5, batched with stride 1), r2c into a
 * 5x4 complex array that holds each column's spectrum as a row. */
static void
test_guru_strides(void)
{
	struct tp_fft_problem pb = { 0 };
	struct tp_fft_plan *p;
	double x[30], y[2 * 20];
	double complex col[6], want[6];
	int good = 1;

	pb.rank = 1;
	pb.dims[0] = (struct tp_fft_dim){ 6, 5, 1 };
	pb.nloop = 1;
	pb.loop[0] = (struct tp_fft_dim){ 5, 1, 4 };
	for (int i = 0; i < 30; i++)
		x[i] = rnd();
	p = tp_fft_plan_new(TP_FFT_R2C, 0, &pb, 1, 0, x, y);
	ok(tp_fft_plan_in_len(p) == 30 && tp_fft_plan_out_len(p) == 40,
	    "guru strides: array lengths from the strides (30 reals in, 40 out)");
	tp_fft_execute(p, x, y);
	for (int c = 0; c < 5; c++) {
		for (int j = 0; j < 6; j++)
			col[j] = x[j * 5 + c];
		naive_line(TP_FFT_FWD, col, want, 6);
		for (int k = 0; k < 4; k++)
			if (cabs(y[2 * (c * 4 + k)] + I * y[2 * (c * 4 + k) + 1] -
			    want[k]) > 1e-12)
				good = 0;
	}
	ok(good, "guru strides: columns of a row-major array, r2c into rows");
	tp_fft_plan_free(p);
}

/* A transform followed by its inverse gives norm times the input. */
static void
test_inverse_pairs(void)
{
	static const enum tp_fft_kind pair[][2] = {
		{ TP_FFT_R2C, TP_FFT_C2R }, { TP_FFT_FWD, TP_FFT_BWD },
		{ TP_FFT_DCT2, TP_FFT_DCT3 }, { TP_FFT_DCT1, TP_FFT_DCT1 },
		{ TP_FFT_DCT4, TP_FFT_DCT4 }, { TP_FFT_DST4, TP_FFT_DST4 }
	};
	static const size_t shape[3] = { 6, 10, 3 };
	static const int axes[2] = { 0, 1 };
	int good = 1;

	for (int k = 0; k < 6; k++) {
		struct tp_fft_problem pf, pi;
		struct tp_fft_plan *f, *b;
		int cx = pair[k][0] == TP_FFT_FWD;
		size_t n = 180 * (cx ? 2 : 1);
		double *x, *y;

		tp_fft_problem_axes(&pf, pair[k][0], 3, shape, 2, axes, 1);
		tp_fft_problem_axes(&pi, pair[k][1], 3, shape, 2, axes, 1);
		f = tp_fft_plan_new(pair[k][0], 0, &pf, 0, TP_FFT_INPLACE, NULL,
		    NULL);
		b = tp_fft_plan_new(pair[k][1], 0, &pi, 0, TP_FFT_INPLACE, NULL,
		    NULL);
		x = tp_fft_alloc(tp_fft_plan_in_len(f) * sizeof *x);
		y = malloc(tp_fft_plan_in_len(f) * sizeof *y);
		for (size_t i = 0; i < tp_fft_plan_in_len(f); i++)
			x[i] = y[i] = rnd();
		tp_fft_execute(f, x, x);
		tp_fft_execute(b, x, x);
		if (pair[k][0] == TP_FFT_R2C) {
			/* padded rows: 10 reals of 12, 3 channels each */
			for (size_t i = 0; i < 6; i++)
				for (size_t j = 0; j < 10 * 3; j++) {
					size_t o = i * 36 + j;
					if (fabs(x[o] / tp_fft_plan_norm(f) - y[o]) > 1e-13)
						good = 0;
				}
		} else {
			for (size_t i = 0; i < n; i++)
				if (fabs(x[i] / tp_fft_plan_norm(f) - y[i]) > 1e-13)
					good = 0;
		}
		if (tp_fft_plan_norm(f) != (k == 2 || k >= 4 ? 240 : k == 3 ?
		    180 : 60))
			good = 0;
		tp_fft_plan_free(f);
		tp_fft_plan_free(b);
		tp_fft_free(x);
		free(y);
	}
	ok(good, "r2c/c2r, fwd/bwd, dct-ii/iii, dct-i/i, dct-iv/iv, "
	    "dst-iv/iv give norm * x (norm 60, 60, 240, 180, 240, 240 on 6x10)");
}

struct conc {
	const struct tp_fft_plan *p;
	float *in[8], *out[8];
};

/* parallel item: execute the shared plan on item i's arrays */
static void
conc_item(void *v, size_t i, int tid)
{
	struct conc *c = v;

	(void)tid;
	tp_fft_execute(c->p, c->in[i], c->out[i]);
}

/* One single-threaded plan, executed on 8 pairs of arrays from 2 threads
 * at once, gives the bytes of executing it on each pair alone. */
static void
test_concurrent(void)
{
	static const size_t shape[3] = { 32, 48, 3 };
	static const int axes[2] = { 0, 1 };
	struct tp_fft_problem pb;
	struct conc c;
	float *ref;
	size_t il, ol;
	int same = 1;

	tp_fft_problem_axes(&pb, TP_FFT_R2C, 3, shape, 2, axes, 0);
	c.p = tp_fft_plan_new(TP_FFT_R2C, 1, &pb, 1, 0, NULL, NULL);
	il = tp_fft_plan_in_len(c.p);
	ol = tp_fft_plan_out_len(c.p);
	ref = tp_fft_alloc(ol * sizeof *ref);
	for (int i = 0; i < 8; i++) {
		c.in[i] = tp_fft_alloc(il * sizeof(float));
		c.out[i] = tp_fft_alloc(ol * sizeof(float));
		for (size_t j = 0; j < il; j++)
			c.in[i][j] = (float)rnd();
	}
	tp_parallel(2, 8, conc_item, &c);
	for (int i = 0; i < 8; i++) {
		float *save = tp_fft_alloc(il * sizeof(float));

		memcpy(save, c.in[i], il * sizeof(float));
		tp_fft_execute(c.p, save, ref);
		if (memcmp(ref, c.out[i], ol * sizeof *ref) != 0)
			same = 0;
		tp_fft_free(save);
		tp_fft_free(c.in[i]);
		tp_fft_free(c.out[i]);
	}
	tp_fft_free(ref);
	tp_fft_plan_free((struct tp_fft_plan *)c.p);
	ok(same, "one plan executed from 2 threads on 8 new arrays equals "
	    "executing it on each alone");
}

/* Under --plan measure the planner runs on its own arrays: the caller's
 * filled arrays, given for their alignment, are not touched, and the
 * plan then transforms them right. */
static void
test_measure_keeps_data(void)
{
	static const size_t shape[2] = { 24, 20 };
	static const int axes[2] = { 0, 1 };
	struct tp_fft_problem pb;
	struct tp_fft_plan *p;
	double *x = tp_fft_alloc(2 * 24 * 20 * sizeof *x);
	double *y = tp_fft_alloc(2 * 24 * 20 * sizeof *y);
	double *copy = malloc(2 * 24 * 20 * sizeof *copy);
	int kept, right = 1;

	for (size_t i = 0; i < 2 * 24 * 20; i++)
		x[i] = copy[i] = rnd();
	tp_fft_init(1, TP_PLAN_MEASURE);
	tp_fft_problem_axes(&pb, TP_FFT_FWD, 2, shape, 2, axes, 0);
	p = tp_fft_plan_new(TP_FFT_FWD, 0, &pb, 1, TP_FFT_DESTROY, x, y);
	kept = memcmp(x, copy, 2 * 24 * 20 * sizeof *x) == 0;
	tp_fft_execute(p, x, y);
	tp_fft_plan_free(p);
	tp_fft_init(1, TP_PLAN_ESTIMATE);
	{
		double complex *w = malloc(24 * 20 * sizeof *w);

		for (size_t i = 0; i < 24 * 20; i++)
			w[i] = copy[2 * i] + I * copy[2 * i + 1];
		naive(TP_FFT_FWD, w, 2, shape, 2, axes);
		for (size_t i = 0; i < 24 * 20; i++)
			if (cabs(y[2 * i] + I * y[2 * i + 1] - w[i]) > 1e-11)
				right = 0;
		free(w);
	}
	ok(kept && right, "a measuring planner leaves the caller's arrays "
	    "alone, and the plan is right");
	tp_fft_free(x);
	tp_fft_free(y);
	free(copy);
}

int
main(void)
{
	tp_fft_init(1, TP_PLAN_ESTIMATE);
	test_fast_len();
	test_kinds();
	test_inverse_pairs();
	test_guru_strides();
	test_concurrent();
	test_measure_keeps_data();
	return tap_end();
}
