/*
 * conv_test.c - unit tests of the convolution engine's interface (conv.h):
 * the messages of tp_conv_new and tp_conv_out_header (in the caller's
 * buffer, *cp NULL on failure), tp_convolve's fft and direct methods on
 * random 1-3-D shapes against the definition, and forced overlap-save tiles
 * (tp_conv_opts.tile) against the definition in f32, f64 and complex,
 * and against the direct sum for a non-zero boundary; tp_conv_run_many
 * against separate runs, byte for byte.  Prints TAP.
 */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "tap.h"
#include "fft.h"
#include "conv.h"

static void
test_messages(void)
{
	static const size_t k0[2] = { 3, 0 }, k2[2] = { 3, 3 }, s1[1] = { 10 };
	static const size_t big[2] = { 2, 2 };
	struct tp_tensor ke = tp_new(TP_F8, 2, k0), kk = tp_new(TP_F8, 2, k2);
	struct tp_tensor x = tp_new(TP_F8, 1, s1), xb = tp_new(TP_F8, 2, big);
	struct tp_tensor out;
	struct tp_conv_opts o;
	struct tp_conv *c = (struct tp_conv *)&o;
	struct tp_msg m1, m2;
	const char *w1, *w2;

	tp_conv_opts_init(&o);
	w1 = tp_conv_new(&c, &ke, &o, &m1);
	ok(w1 != NULL && c == NULL && strstr(w1, "empty") &&
	    strstr(w1, "(3, 0)"), "an empty kernel: a message naming its "
	    "shape, no engine");
	o.ncorr = 3;
	w2 = tp_conv_new(&c, &kk, &o, &m2);
	ok(w2 != NULL && c == NULL && strstr(w2, "3 ops") &&
	    strstr(w2, "2 axes") && strstr(w1, "empty") != NULL,
	    "three ops for a 2-D kernel: a message naming both counts; the "
	    "first message is intact (no shared buffer)");
	o.ncorr = 0;
	o.mode = TP_CONV_VALID;
	ok(tp_conv_new(&c, &kk, &o, &m1) == NULL && c != NULL,
	    "a good kernel: no message");
	w1 = tp_conv_out_header(c, &x, &out, &m1);
	w2 = tp_conv_out_header(c, &xb, &out, &m2);
	ok(w1 != NULL && strstr(w1, "2 axes") && strstr(w1, "(10,)") &&
	    w2 != NULL && strstr(w2, "axis 0") && strstr(w2, "has 2") &&
	    strstr(w1, "(10,)") != NULL, "tp_conv_out_header: a kernel with "
	    "more axes, a valid kernel larger than the signal, each in its "
	    "own buffer");
	tp_conv_free(c);
	tp_free(&ke);
	tp_free(&kk);
	tp_free(&x);
	tp_free(&xb);
}

/* Full-mode N-D convolution (nd <= 3) by its definition, complex
 * double. */
static void
naive_full(const double complex *x, const size_t *xs, const double complex *k,
    const size_t *ks, int nd, double complex *out)
{
	size_t os[3], on = 1, xn = 1, kn = 1;

	for (int a = 0; a < nd; a++) {
		os[a] = xs[a] + ks[a] - 1;
		on *= os[a];
		xn *= xs[a];
		kn *= ks[a];
	}
	memset(out, 0, on * sizeof *out);
	for (size_t i = 0; i < xn; i++)
		for (size_t j = 0; j < kn; j++) {
			size_t ii = i, jj = j, o = 0, stride = 1, oi[3];

			for (int a = nd - 1; a >= 0; a--) {
				oi[a] = ii % xs[a] + jj % ks[a];
				ii /= xs[a];
				jj /= ks[a];
			}
			for (int a = nd - 1; a >= 0; a--) {
				o += oi[a] * stride;
				stride *= os[a];
			}
			out[o] += x[i] * k[j];
		}
}

static double
rnd(void)
{
	return rand() / (double)RAND_MAX - 0.5;
}

/* Element i of t as a complex double. */
static double complex
elem(const struct tp_tensor *t, size_t i)
{
	switch (t->dtype) {
	case TP_F4:
		return ((float *)t->data)[i];
	case TP_F8:
		return ((double *)t->data)[i];
	case TP_C8:
		return ((float *)t->data)[2 * i] +
		    I * ((float *)t->data)[2 * i + 1];
	default:
		return ((double *)t->data)[2 * i] +
		    I * ((double *)t->data)[2 * i + 1];
	}
}

/* A tensor of dtype dt and shape s with random values; v gets them. */
static struct tp_tensor
random_tensor(enum tp_dtype dt, int nd, const size_t *s, double complex *v)
{
	struct tp_tensor t = tp_new(dt, nd, s);

	for (size_t i = 0; i < t.count; i++) {
		double re = rnd(), im = tp_dtype_is_complex(dt) ? rnd() : 0;

		switch (dt) {
		case TP_F4:
			((float *)t.data)[i] = (float)re;
			break;
		case TP_F8:
			((double *)t.data)[i] = re;
			break;
		case TP_C8:
			((float *)t.data)[2 * i] = (float)re;
			((float *)t.data)[2 * i + 1] = (float)im;
			break;
		default:
			((double *)t.data)[2 * i] = re;
			((double *)t.data)[2 * i + 1] = im;
			break;
		}
		v[i] = elem(&t, i);
	}
	return t;
}

/* tp_convolve with --method fft and direct equals the definition on 40
 * random 1-3-D shapes, f64. */
static void
test_convolve_random(void)
{
	int good = 1;

	srand(7);
	for (int t = 0; t < 40; t++) {
		int nd = 1 + rand() % 3;
		size_t xs[3], ks[3], on = 1;
		double complex xv[9 * 9 * 9], kv[6 * 6 * 6], *want;
		struct tp_tensor x, k, y;
		struct tp_conv_opts o;

		for (int a = 0; a < nd; a++) {
			xs[a] = 1 + (size_t)(rand() % 9);
			ks[a] = 1 + (size_t)(rand() % 6);
			on *= xs[a] + ks[a] - 1;
		}
		x = random_tensor(TP_F8, nd, xs, xv);
		k = random_tensor(TP_F8, nd, ks, kv);
		want = malloc(on * sizeof *want);
		naive_full(xv, xs, kv, ks, nd, want);
		for (int method = TP_METHOD_FFT; method <= TP_METHOD_DIRECT;
		    method++) {
			double scale = 0, err = 0;

			tp_conv_opts_init(&o);
			o.method = method;
			tp_convolve(&x, &k, &o, &y);
			for (int a = 0; a < nd; a++)
				if (y.shape[a] != xs[a] + ks[a] - 1)
					good = 0;
			for (size_t i = 0; i < on && y.count == on; i++) {
				scale = fmax(scale, cabs(want[i]));
				err = fmax(err, cabs(elem(&y, i) - want[i]));
			}
			if (y.count != on || !(err <= 1e-12 * scale))
				good = 0;
			tp_free(&y);
		}
		free(want);
		tp_free(&x);
		tp_free(&k);
	}
	ok(good, "fft and direct equal the definition on 40 random 1-3-D "
	    "shapes");
}

/*
 * Forced tiles of 32 and 64 (and 0: whole) on random 1-D and 2-D shapes
 * in each dtype: the full-mode result equals the definition, and
 * tp_conv_describe says overlap-save whenever an axis is cut.
 */
static void
test_forced_tiles(void)
{
	static const enum tp_dtype dts[] = { TP_F4, TP_F8, TP_C8, TP_C16 };
	static const char *const names[] = { "f32", "f64", "c64", "c128" };
	char what[160];

	srand(11);
	for (int d = 0; d < 4; d++) {
		int good = 1, said = 1, tiled = 0;
		double tol = dts[d] == TP_F4 || dts[d] == TP_C8 ? 1e-5 : 1e-12;

		for (int t = 0; t < 12; t++) {
			int nd = 1 + t % 2;
			size_t xs[2], ks[2], on = 1;
			double complex *xv, *kv, *want;
			struct tp_tensor x, k, y;
			struct tp_conv_opts o;
			struct tp_conv *c;
			struct tp_msg m;
			double err = 0, scale = 0;
			char desc[256];

			for (int a = 0; a < nd; a++) {
				xs[a] = 20 + (size_t)(rand() % (nd == 1 ? 200 : 60));
				ks[a] = 1 + (size_t)(rand() % 17);
				on *= xs[a] + ks[a] - 1;
			}
			xv = malloc(xs[0] * (nd > 1 ? xs[1] : 1) * sizeof *xv);
			kv = malloc(ks[0] * (nd > 1 ? ks[1] : 1) * sizeof *kv);
			want = malloc(on * sizeof *want);
			x = random_tensor(dts[d], nd, xs, xv);
			k = random_tensor(dts[d], nd, ks, kv);
			naive_full(xv, xs, kv, ks, nd, want);
			tp_conv_opts_init(&o);
			o.method = TP_METHOD_FFT;
			o.threads = 1 + t % 2;
			o.ntile = nd;
			o.tile[0] = t % 3 == 0 ? 32 : 64;
			o.tile[1] = t % 4 == 1 ? 0 : 32;
			if (tp_conv_new(&c, &k, &o, &m) != NULL)
				good = 0;
			tp_conv_run(c, &x, &y);
			for (size_t i = 0; i < on; i++) {
				scale = fmax(scale, cabs(want[i]));
				err = fmax(err, cabs(elem(&y, i) - want[i]));
			}
			if (y.count != on || !(err <= tol * scale))
				good = 0;
			tp_conv_describe(c, desc, sizeof desc);
			if (tp_conv_last_method(c) == TP_METHOD_OVERLAP) {
				tiled++;
				if (strstr(desc, "overlap-save") == NULL ||
				    strstr(desc, "(tiled)") == NULL)
					said = 0;
			}
			tp_conv_free(c);
			tp_free(&x);
			tp_free(&k);
			tp_free(&y);
			free(xv);
			free(kv);
			free(want);
		}
		snprintf(what, sizeof what, "forced tiles, %s: 12 random 1-D "
		    "and 2-D full convolutions equal the definition (%d tiled)",
		    names[d], tiled);
		ok(good && tiled >= 6, what);
		snprintf(what, sizeof what, "forced tiles, %s: --verbose's "
		    "description says overlap-save and (tiled)", names[d]);
		ok(said && tiled > 0, what);
	}
}

/* With a reflect boundary in same mode, forced tiles and the direct sum
 * give the same result. */
static void
test_tiles_boundary(void)
{
	static const size_t xs[2] = { 70, 90 }, ks[2] = { 7, 4 };
	double complex *xv = malloc(70 * 90 * sizeof *xv), kv[28];
	struct tp_tensor x = random_tensor(TP_F8, 2, xs, xv);
	struct tp_tensor k = random_tensor(TP_F8, 2, ks, kv);
	struct tp_tensor yf, yd;
	struct tp_conv_opts o;
	double err = 0, scale = 0;

	tp_conv_opts_init(&o);
	o.mode = TP_CONV_SAME;
	o.boundary = TP_BND_REFLECT;
	o.method = TP_METHOD_FFT;
	o.ntile = 2;
	o.tile[0] = 32;
	o.tile[1] = 32;
	tp_convolve(&x, &k, &o, &yf);
	o.method = TP_METHOD_DIRECT;
	tp_convolve(&x, &k, &o, &yd);
	for (size_t i = 0; i < yd.count; i++) {
		scale = fmax(scale, fabs(((double *)yd.data)[i]));
		err = fmax(err, fabs(((double *)yf.data)[i] -
		    ((double *)yd.data)[i]));
	}
	ok(yf.count == 70 * 90 && err <= 1e-12 * scale, "reflect, same mode: "
	    "32x32 tiles equal the direct sum");
	tp_free(&x);
	tp_free(&k);
	tp_free(&yf);
	tp_free(&yd);
	free(xv);
}

/*
 * tp_conv_run_many gives each engine's output byte for byte as its own
 * tp_conv_run does, on each path: the direct one with many batch
 * elements (whole ones per thread) and with one (rows shared out), f32
 * with rows of 36 outputs (a short last block), complex, a reflect
 * boundary; the FFT paths (whole, two axes in passes, forced tiles); a
 * NaN in the signal and an infinity in one kernel; engines whose ops
 * differ; and a second signal of another shape after the first.
 */
static void
test_run_many(void)
{
	static const struct {
		const char *what;
		enum tp_dtype dt;
		int xnd, knd;
		size_t xs[4], ks[3];
		int mode, bnd, method, threads, ntile, bad;
	} cs[] = {
		{ "direct, f32, a batch of 6, rows of 36", TP_F4, 4, 3,
		  { 6, 3, 9, 40 }, { 3, 4, 5 }, TP_CONV_VALID, TP_BND_ZERO,
		  TP_METHOD_DIRECT, 2, 0, 0 },
		{ "direct, f32, a batch of 5, 100 taps (folded into double "
		  "inside a pair of kernels)", TP_F4, 4, 3, { 5, 4, 8, 30 },
		  { 4, 5, 5 }, TP_CONV_VALID, TP_BND_ZERO, TP_METHOD_DIRECT,
		  2, 0, 0 },
		{ "direct, f32, one batch element, 2 threads", TP_F4, 3, 3,
		  { 3, 17, 70 }, { 3, 5, 5 }, TP_CONV_VALID, TP_BND_ZERO,
		  TP_METHOD_DIRECT, 2, 0, 0 },
		{ "direct, f64, same mode, reflect", TP_F8, 3, 2,
		  { 2, 15, 21 }, { 4, 3 }, TP_CONV_SAME, TP_BND_REFLECT,
		  TP_METHOD_DIRECT, 1, 0, 0 },
		{ "direct, complex64, full mode", TP_C8, 2, 2,
		  { 11, 13 }, { 3, 4 }, TP_CONV_FULL, TP_BND_ZERO,
		  TP_METHOD_DIRECT, 2, 0, 0 },
		{ "direct, f32, a NaN in the signal, an infinity in one "
		  "kernel", TP_F4, 3, 2, { 4, 12, 33 }, { 3, 3 },
		  TP_CONV_FULL, TP_BND_ZERO, TP_METHOD_DIRECT, 2, 0, 1 },
		{ "FFT, f64, 1-D", TP_F8, 2, 1, { 3, 300 }, { 40 },
		  TP_CONV_SAME, TP_BND_ZERO, TP_METHOD_FFT, 1, 0, 0 },
		{ "FFT, f32, two axes in passes", TP_F4, 2, 2, { 60, 50 },
		  { 9, 7 }, TP_CONV_FULL, TP_BND_ZERO, TP_METHOD_FFT, 2, 0, 0 },
		{ "FFT, f64, forced tiles, a NaN", TP_F8, 2, 2, { 70, 90 },
		  { 7, 4 }, TP_CONV_SAME, TP_BND_ZERO, TP_METHOD_FFT, 2, 1, 1 },
		{ "auto, complex128, 3-D", TP_C16, 3, 3, { 8, 9, 10 },
		  { 2, 3, 4 }, TP_CONV_FULL, TP_BND_WRAP, TP_METHOD_AUTO, 1,
		  0, 0 },
	};
	enum { NK = 5 };

	srand(11);
	for (size_t t = 0; t < sizeof cs / sizeof cs[0]; t++) {
		struct tp_tensor x, k[NK], many[NK], one, x2, many2[NK];
		struct tp_conv *e[NK], *f;
		struct tp_conv_opts o;
		struct tp_msg m;
		size_t xn = 1, kn = 1, xs2[4];
		double complex *xv, *kv, *v2;
		int same = 1, methods = 1;
		char what[200];

		for (int a = 0; a < cs[t].xnd; a++)
			xn *= cs[t].xs[a];
		for (int a = 0; a < cs[t].knd; a++)
			kn *= cs[t].ks[a];
		xv = malloc(xn * sizeof *xv);
		kv = malloc(kn * sizeof *kv);
		x = random_tensor(cs[t].dt, cs[t].xnd, cs[t].xs, xv);
		tp_conv_opts_init(&o);
		o.mode = cs[t].mode;
		o.boundary = cs[t].bnd;
		o.method = cs[t].method;
		o.threads = cs[t].threads;
		if (cs[t].ntile) {
			o.ntile = 2;
			o.tile[0] = o.tile[1] = 32;
		}
		for (int i = 0; i < NK; i++) {
			k[i] = random_tensor(cs[t].dt, cs[t].knd, cs[t].ks, kv);
			o.ncorr = 1;
			o.corr[0] = (unsigned char)(i % 2);	/* ops differ */
			if (tp_conv_new(&e[i], &k[i], &o, &m) != NULL)
				abort();
		}
		if (cs[t].bad) {
			tp_free(&k[2]);		/* one kernel with infinity */
			k[2] = random_tensor(cs[t].dt, cs[t].knd, cs[t].ks,
			    kv);
			if (cs[t].dt == TP_F4)
				((float *)k[2].data)[1] = INFINITY;
			else
				((double *)k[2].data)[1] = INFINITY;
			tp_conv_free(e[2]);
			o.corr[0] = 0;
			if (tp_conv_new(&e[2], &k[2], &o, &m) != NULL)
				abort();
			if (cs[t].dt == TP_F4)
				((float *)x.data)[xn / 2] = NAN;
			else
				((double *)x.data)[xn / 2] = NAN;
		}
		tp_conv_run_many(e, NK, &x, many);
		for (int i = 0; i < NK; i++) {
			o.ncorr = 1;
			o.corr[0] = (unsigned char)(i % 2 && !(cs[t].bad &&
			    i == 2));
			if (tp_conv_new(&f, &k[i], &o, &m) != NULL)
				abort();
			tp_conv_run(f, &x, &one);
			if (one.nbytes != many[i].nbytes ||
			    memcmp(one.data, many[i].data, one.nbytes) != 0)
				same = 0;
			if (tp_conv_last_method(f) !=
			    tp_conv_last_method(e[i]))
				methods = 0;
			tp_free(&one);
			tp_conv_free(f);
		}
		/* a second signal of another shape: the state is made again */
		memcpy(xs2, cs[t].xs, sizeof xs2);
		xs2[cs[t].xnd - 1] += 3;
		v2 = malloc(xn / cs[t].xs[cs[t].xnd - 1] * xs2[cs[t].xnd - 1] *
		    sizeof *v2);
		x2 = random_tensor(cs[t].dt, cs[t].xnd, xs2, v2);
		free(v2);
		tp_conv_run_many(e, NK, &x2, many2);
		for (int i = 0; i < NK; i++) {
			tp_conv_run(e[i], &x2, &one);
			if (one.nbytes != many2[i].nbytes ||
			    memcmp(one.data, many2[i].data, one.nbytes) != 0)
				same = 0;
			tp_free(&one);
			tp_free(&many2[i]);
		}
		snprintf(what, sizeof what, "tp_conv_run_many, %s: %d "
		    "outputs byte for byte those of separate runs, the same "
		    "methods", cs[t].what, NK);
		ok(same && methods, what);
		for (int i = 0; i < NK; i++) {
			tp_free(&many[i]);
			tp_free(&k[i]);
			tp_conv_free(e[i]);
		}
		tp_free(&x);
		tp_free(&x2);
		free(xv);
		free(kv);
	}
}

int
main(void)
{
	tp_fft_init(1, TP_PLAN_ESTIMATE);
	test_messages();
	test_convolve_random();
	test_forced_tiles();
	test_tiles_boundary();
	test_run_many();
	return tap_end();
}
