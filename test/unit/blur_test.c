/*
 * blur_test.c - the blur engine's taps and responses against their
 * definitions (lib/blur.h); the end-to-end results against SciPy are in
 * test/tblur.bats.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tpipe.h"
#include "blur.h"
#include "fft.h"
#include "tap.h"

#define MAXR 4000

/* The DTFT of taps w[0..r] (symmetric) at frequency f. */
static double
dtft(const double *w, int r, double f)
{
	double h = w[0];

	for (int j = 1; j <= r; j++)
		h += 2 * w[j] * cos(2 * M_PI * f * j);
	return h;
}

/*
 * tp_blur_record as another tool calls it on an image: RGBA premultiplied
 * (transparent colors do not bleed; opaque RGBA blurs like RGB), and
 * --linear's sRGB round trip keeps a constant image constant.
 */
static void
test_record(void)
{
	enum { H = 6, W = 9 };
	size_t sh4[] = { H, W, 4 }, sh3[] = { H, W, 3 };
	struct tp_tensor a = tp_new(TP_F4, 3, sh4), c = tp_new(TP_F4, 3, sh3);
	struct tp_blur_opts o;
	struct tp_blur *b;
	double sigma[3] = { 1.5, 1.5, 0 };
	int order[3] = { 0, 0, 0 }, bleed = 0, same = 1, flat = 1;
	float *p = a.data, *q = c.data;
	size_t i;

	tp_blur_opts_init(&o);
	b = tp_blur_new(&o);
	for (i = 0; i < H * W; i++) {	/* opaque orange | clear green */
		int left = i % W < 4;

		p[4 * i] = left ? 200 : 0;
		p[4 * i + 1] = left ? 40 : 255;
		p[4 * i + 2] = left ? 10 : 0;
		p[4 * i + 3] = left ? 255 : 0;
	}
	tp_blur_record(b, &a, sigma, order, 255, 0);
	for (i = 0; i < H * W; i++)
		if (p[4 * i + 3] >= 0.5 && (fabs(p[4 * i + 1] - 40) > 1e-3 ||
		    fabs(p[4 * i] - 200) > 1e-3))
			bleed = 1;
	ok(!bleed && p[4 * 4 + 3] > 0 && p[4 * 3 + 3] < 255,
	    "tp_blur_record: RGBA blurred premultiplied, no color bleeds");
	for (i = 0; i < H * W; i++) {	/* opaque noise, RGBA and RGB */
		for (int k = 0; k < 3; k++)
			p[4 * i + k] = q[3 * i + k] =
			    (float)((i * 37 + (size_t)k * 101) % 256);
		p[4 * i + 3] = 255;
	}
	tp_blur_record(b, &a, sigma, order, 255, 0);
	tp_blur_record(b, &c, sigma, order, 255, 0);
	for (i = 0; i < H * W; i++)
		for (int k = 0; k < 3; k++)
			if (fabs(p[4 * i + k] - q[3 * i + k]) > 1e-3)
				same = 0;
	ok(same, "tp_blur_record: opaque RGBA blurs as RGB");
	for (i = 0; i < 3 * H * W; i++)
		q[i] = 100;
	tp_blur_record(b, &c, sigma, order, 255, 1);
	for (i = 0; i < 3 * H * W; i++)
		if (fabs(q[i] - 100) > 1e-3)
			flat = 0;
	ok(flat, "tp_blur_record --linear: a constant stays constant");
	tp_blur_free(b);
	tp_free(&a);
	tp_free(&c);
}

int
main(void)
{
	static const double sigmas[] = { 0.05, 0.3, 0.5, 0.99, 1, 1.7, 3,
	    10, 47.5 };
	static double w[MAXR + 1];
	char what[200];
	int i, r;

	for (i = 0; i < (int)(sizeof sigmas / sizeof *sigmas); i++) {
		double s = sigmas[i], sum, worst = 0, tail, z = 0;

		/* sampled taps: exp(-j^2 / 2 s^2) / sum, cut at 2^-53 */
		r = tp_blur_taps(TP_BLUR_SAMPLED, s, 0x1p-53, w, MAXR);
		for (int j = -(int)(40 * s) - 40; j <= (int)(40 * s) + 40; j++)
			z += exp(-0.5 * j * j / (s * s));
		sum = w[0];
		for (int j = 1; j <= r; j++)
			sum += 2 * w[j];
		for (int j = 0; j <= r; j++)
			worst = fmax(worst, fabs(w[j] - exp(-0.5 * j * j /
			    (s * s)) / z));
		/* the tails beyond r and beyond r - 1 */
		tail = 0;
		for (int j = (int)(40 * s) + 40; j > r; j--)
			tail += 2 * exp(-0.5 * j * j / (s * s)) / z;
		snprintf(what, sizeof what, "sampled taps at sigma %g: r %d, "
		    "sum 1 - %.2g, |w - g/Z| %.2g, tail beyond r %.2g", s, r,
		    1 - sum, worst, tail);
		ok(r >= 0 && fabs(sum - 1) < 1e-15 && worst < 8e-16 * w[0] &&
		    tail < 0x1p-53 && (r == 0 || tail + 2 * w[r] >= 0x1p-53),
		    what);

		/* the closed-form response equals the taps' DTFT */
		worst = 0;
		for (int k = 0; k <= 64; k++) {
			double f = k / 128.0;

			worst = fmax(worst, fabs(tp_blur_response(
			    TP_BLUR_SAMPLED, s, f) - dtft(w, r, f)));
		}
		snprintf(what, sizeof what, "sampled response at sigma %g is "
		    "the DTFT of its taps (%.2g)", s, worst);
		ok(worst < 1e-14, what);

		/* discrete taps: their DTFT is exp(s^2 (cos 2 pi f - 1)) */
		r = tp_blur_taps(TP_BLUR_DISCRETE, s, 0x1p-53, w, MAXR);
		worst = 0;
		for (int k = 0; k <= 64; k++) {
			double f = k / 128.0;

			worst = fmax(worst, fabs(dtft(w, r, f) -
			    exp(s * s * (cos(2 * M_PI * f) - 1))));
		}
		snprintf(what, sizeof what, "discrete taps at sigma %g: r %d, "
		    "DTFT = exp(s^2 (cos 2 pi f - 1)) to %.2g", s, r, worst);
		ok(r >= 0 && worst < 1e-14, what);

		/* analytic: taps only where they equal the sampled ones */
		r = tp_blur_taps(TP_BLUR_ANALYTIC, s, 0x1p-53, w, MAXR);
		snprintf(what, sizeof what, "analytic taps at sigma %g: %s", s,
		    r < 0 ? "none" : "the sampled ones");
		ok(s < 2.7 ? r < 0 : r >= 0 && fabs(tp_blur_response(
		    TP_BLUR_ANALYTIC, s, 0.5) - dtft(w, r, 0.5)) < 1e-15,
		    what);
	}
	/* the derivative responses are the DTFT of SciPy's derivative
	 * taps divided by i^n, on either side of sigma 1 (the spatial sum
	 * and Poisson's) */
	for (i = 0; i < 4; i++) {
		static const double ss[] = { 0.3, 0.99, 1, 1.7 };
		double worst = 0;

		for (int n = 1; n <= 4; n++) {
			r = tp_blur_taps_order(ss[i], n, 0x1p-60, w, MAXR);
			for (int k = 0; k <= 64; k++) {
				double f = k / 128.0, re = w[0], im = 0;

				for (int j = 1; j <= r; j++) {	/* w[-j] = (-1)^n w[j] */
					double c = cos(2 * M_PI * f * j),
					    sn = sin(2 * M_PI * f * j);

					re += w[j] * c * (n % 2 ? 0 : 2);
					im += -w[j] * sn * (n % 2 ? 2 : 0);
				}
				/* (re + i im) / i^n */
				worst = fmax(worst, fabs(tp_blur_response_order(
				    TP_BLUR_SAMPLED, ss[i], n, f) - (n % 2 ?
				    (n % 4 == 1 ? im : -im) : (n % 4 == 0 ? re :
				    -re))));
			}
		}
		snprintf(what, sizeof what, "sampled derivative responses at "
		    "sigma %g are the DTFT of the taps over i^n (%.2g)", ss[i],
		    worst);
		ok(worst < 1e-12, what);
	}
	/* extreme sigmas: the limits, never NaN */
	ok(tp_blur_response(TP_BLUR_SAMPLED, 5e-324, 0.3) == 1 &&
	    tp_blur_response(TP_BLUR_ANALYTIC, 1e-200, 0.5) == 1 &&
	    tp_blur_response(TP_BLUR_DISCRETE, 1e-300, 0.5) == 1 &&
	    tp_blur_response(TP_BLUR_SAMPLED, 1.7e308, 0) == 1 &&
	    tp_blur_response(TP_BLUR_ANALYTIC, 1e155, 0) == 1 &&
	    tp_blur_response(TP_BLUR_DISCRETE, 1e300, 0) == 1 &&
	    tp_blur_response(TP_BLUR_SAMPLED, 1.7e308, 0.01) == 0 &&
	    tp_blur_response(TP_BLUR_DISCRETE, 1.7e308, 0.01) == 0 &&
	    tp_blur_response_order(TP_BLUR_SAMPLED, 1e300, 2, 0) == 0 &&
	    tp_blur_response_order(TP_BLUR_SAMPLED, 1e-300, 1, 0.2) == 0,
	    "responses at sigma 5e-324 to 1.7e308 are their limits");
	r = tp_blur_taps(TP_BLUR_DISCRETE, 1e-200, 0x1p-53, w, MAXR);
	ok(r == 0 && w[0] == 1, "discrete taps at sigma 1e-200: a delta");
	r = tp_blur_taps(TP_BLUR_SAMPLED, 5e-324, 0x1p-53, w, MAXR);
	ok(r == 0 && w[0] == 1, "sampled taps at sigma 5e-324: a delta");
	ok(fabs(tp_blur_response(TP_BLUR_SAMPLED, 0.7, 0.3) -
	    tp_blur_response(TP_BLUR_SAMPLED, 0.7, 1.3)) < 1e-15 &&
	    fabs(tp_blur_response(TP_BLUR_SAMPLED, 2, -0.3) -
	    tp_blur_response(TP_BLUR_SAMPLED, 2, 0.7)) < 1e-15,
	    "the sampled response has period 1");
	ok(tp_blur_response(TP_BLUR_ANALYTIC, 3, 0) == 1 &&
	    tp_blur_response(TP_BLUR_DISCRETE, 3, 0) == 1 &&
	    fabs(tp_blur_response(TP_BLUR_SAMPLED, 3, 0) - 1) < 1e-15,
	    "every response is 1 at f = 0");
	ok(tp_blur_taps(TP_BLUR_SAMPLED, 10, 0x1p-53, w, 20) == -1,
	    "taps longer than maxr are refused");

	/* the sine transforms fft.h gained for odd derivatives: RODFT10
	 * then RODFT01 and RODFT00 twice give norm * x, and RODFT01 is
	 * the sum 2 sum_j x_j sin(pi (j + 1)(k + 1/2) / n) + (-1)^k x_n-1 */
	{
		enum { N = 12 };
		static double x[N], y[N], z[N];
		struct tp_fft_problem pb;
		struct tp_fft_plan *p2, *p3, *p1;
		size_t n = N;
		int ax = 0;
		double e2 = 0, e1 = 0, e3 = 0;

		for (i = 0; i < N; i++)
			x[i] = sin(1.7 * i) + 0.3 * i;
		tp_fft_problem_axes(&pb, TP_FFT_DST2, 1, &n, 1, &ax, 0);
		p2 = tp_fft_plan_new(TP_FFT_DST2, 0, &pb, 1, 0, x, y);
		tp_fft_problem_axes(&pb, TP_FFT_DST3, 1, &n, 1, &ax, 0);
		p3 = tp_fft_plan_new(TP_FFT_DST3, 0, &pb, 1, 0, y, z);
		tp_fft_problem_axes(&pb, TP_FFT_DST1, 1, &n, 1, &ax, 0);
		p1 = tp_fft_plan_new(TP_FFT_DST1, 0, &pb, 1, 0, x, y);
		tp_fft_execute(p2, x, y);
		tp_fft_execute(p3, y, z);
		for (i = 0; i < N; i++)
			e2 = fmax(e2, fabs(z[i] / tp_fft_plan_norm(p2) - x[i]));
		tp_fft_execute(p3, x, y);
		for (i = 0; i < N; i++) {
			double t = (i % 2 ? -1 : 1) * x[N - 1];

			for (int j = 0; j < N - 1; j++)
				t += 2 * x[j] * sin(M_PI * (j + 1) * (i + 0.5) / N);
			e3 = fmax(e3, fabs(y[i] - t));
		}
		tp_fft_execute(p1, x, y);
		tp_fft_execute(p1, y, z);
		for (i = 0; i < N; i++)
			e1 = fmax(e1, fabs(z[i] / tp_fft_plan_norm(p1) - x[i]));
		ok(e2 < 1e-14 && e3 < 1e-13 && e1 < 1e-14 &&
		    tp_fft_plan_norm(p2) == 2 * N &&
		    tp_fft_plan_norm(p1) == 2 * (N + 1),
		    "DST-II/III and DST-I round trips and norms; DST-III is "
		    "its definition");
		ok(tp_fft_fast_len(TP_FFT_DST1, 12) == 13 &&
		    tp_fft_fast_len(TP_FFT_DST1, 14) == 14 &&
		    tp_fft_fast_len(TP_FFT_DST3, 11) == 12,
		    "fast DST lengths: n + 1 7-smooth for DST-I");
		tp_fft_plan_free(p1);
		tp_fft_plan_free(p2);
		tp_fft_plan_free(p3);
	}
	test_record();
	return tap_end();
}
