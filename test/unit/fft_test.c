/*
 * fft_test.c - unit tests of lib/fft.c and the convolution engine's
 * one-call entry: fast lengths, and convolution against the definition
 * on small random shapes.  Prints TAP.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "tap.h"
#include "fft.h"
#include "conv.h"


static int
smooth7_even(size_t n)
{
	if (n % 2)
		return 0;
	for (size_t p = 2; p <= 7; p++)
		while (n % p == 0)
			n /= p;
	return n == 1;
}

static void
test_fast_len(void)
{
	int good = 1;

	for (size_t n = 2; n <= 20000 && good; n++) {
		size_t L = tp_fft_fast_len(n), m;
		if (L < n || !smooth7_even(L))
			good = 0;
		for (m = n; m < L && good; m++)	/* nothing smaller fits */
			if (smooth7_even(m))
				good = 0;
	}
	ok(good, "fast length: the least even 7-smooth length >= n, n <= 20000");
	ok(tp_fft_fast_len(4097) == 4116 && tp_fft_fast_len(4096) == 4096,
	    "fast length of 4097 is 4116 (2^2 3 7^3)");
	ok(tp_fft_fast_len(SIZE_MAX - 1) == 0, "fast length overflow gives 0");
}

/* Full-mode N-D convolution by its definition, zero boundary. */
static void
naive_full(const double *x, const size_t *xs, const double *k,
    const size_t *ks, int nd, double *out)
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
			size_t ii = i, jj = j, o = 0, stride = 1;
			size_t oi[3];
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

static void
test_convolve_random(void)
{
	int worst_ok = 1;

	srand(7);
	for (int t = 0; t < 40; t++) {
		int nd = 1 + rand() % 3;
		size_t xs[3], ks[3], os[3];
		struct tp_tensor x, k, y;
		struct tp_conv_opts o;
		double *want, scale = 0, err = 0;

		for (int a = 0; a < nd; a++) {
			xs[a] = 1 + (size_t)(rand() % 9);
			ks[a] = 1 + (size_t)(rand() % 6);
			os[a] = xs[a] + ks[a] - 1;
		}
		x = tp_new(TP_F8, nd, xs);
		k = tp_new(TP_F8, nd, ks);
		for (size_t i = 0; i < x.count; i++)
			((double *)x.data)[i] = rand() / (double)RAND_MAX - 0.5;
		for (size_t i = 0; i < k.count; i++)
			((double *)k.data)[i] = rand() / (double)RAND_MAX - 0.5;
		want = tp_emalloc(x.count * k.count * 8 + 8 * 64);
		naive_full(x.data, xs, k.data, ks, nd, want);
		for (int method = TP_METHOD_FFT; method <= TP_METHOD_DIRECT; method++) {
			tp_conv_opts_init(&o);
			o.method = method;
			tp_convolve(&x, &k, &o, &y);
			for (int a = 0; a < nd; a++)
				if (y.shape[a] != os[a])
					worst_ok = 0;
			for (size_t i = 0; i < y.count; i++) {
				double d = fabs(((double *)y.data)[i] - want[i]);
				scale = fmax(scale, fabs(want[i]));
				err = fmax(err, d);
			}
			tp_free(&y);
		}
		if (err > 1e-12 * fmax(scale, 1e-300))
			worst_ok = 0;
		free(want);
		tp_free(&x);
		tp_free(&k);
	}
	ok(worst_ok, "fft and direct equal the definition on 40 random 1-3-D shapes");
}

int
main(void)
{
	tp_fft_init(1, TP_PLAN_ESTIMATE);
	test_fast_len();
	test_convolve_random();
	return tap_end();
}
