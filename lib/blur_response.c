/*
 * blur_response.c - the three kernels' closed-form frequency responses
 * (and of their derivatives) and their FIR taps, cut where the tail falls
 * below the working precision (blur.h): the sampled Gaussian by Poisson's
 * sum, the analytic one, the discrete one from Bessel functions.  The
 * fft path multiplies by the responses, the FIR path filters with the
 * taps, and the taps' radius prices the FIR and pads nearest and zero.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blur_impl.h"

/* --- the responses and taps --------------------------------------------- */

/*
 * Every exponent below is written as a square of a product with sigma,
 * exp(-0.5 * (n / s)^2) rather than exp(-0.5 * n * n / (s * s)): then a
 * sigma so small or so large that s * s under- or overflows still gives
 * the limit (1 at the centre and 0 elsewhere, or the reverse in
 * frequency) and never 0 / 0 or inf * 0.
 */

/*
 * Sum over all integers m of exp(-2 pi^2 (s m)^2), for s >= 1 (1 to
 * double precision from s = 1.1 on): the Poisson dual of the sampled
 * Gaussian's normalisation, sum_n exp(-n^2 / (2 s^2)) = s sqrt(2 pi)
 * times it.
 */
static double
gauss_dual(double s)
{
	double z = 1, t, x;

	for (int m = 1; x = s * m, (t = exp(-2 * M_PI * M_PI * x * x)) > 1e-20;
	    m++)
		z += 2 * t;
	return z;
}

/*
 * Sum over all integers n of exp(-n^2 / (2 s^2)) (spatial form, for
 * small s) or its Poisson dual s sqrt(2 pi) gauss_dual(s).  Infinite
 * beyond s = 7e307; callers that can meet such sigmas use gauss_dual.
 */
double
blur_gauss_norm(double s)
{
	double z = 1, t, u;
	int n;

	if (s >= 1)
		return s * sqrt(2 * M_PI) * gauss_dual(s);
	for (n = 1; u = n / s, (t = exp(-0.5 * u * u)) > 1e-20; n++)
		z += 2 * t;
	return z;
}

/*
 * The sampled Gaussian's response: the DTFT of exp(-n^2 / (2 s^2)) / Z.
 * For s >= 1 the frequency-side sum of shifted Gaussians converges in a
 * few terms; below, the spatial cosine sum does.
 */
static double
sampled_response(double s, double f)
{
	double h = 0, t, u, x;
	int m, n;

	f -= floor(f);		/* periodic: f in [0, 1) */
	if (s >= 1) {
		/* f + m for m <= -1 and m >= 0: terms fall off both ways */
		for (m = -1;; m--) {
			x = s * (f + m);
			h += t = exp(-2 * M_PI * M_PI * x * x);
			if (t < 1e-20)
				break;
		}
		for (m = 0;; m++) {
			x = s * (f + m);
			h += t = exp(-2 * M_PI * M_PI * x * x);
			if (t < 1e-20)
				break;
		}
		return h / gauss_dual(s);
	}
	h = 1;
	for (n = 1; u = n / s, (t = exp(-0.5 * u * u)) > 1e-20; n++)
		h += 2 * t * cos(2 * M_PI * f * n);
	return h / blur_gauss_norm(s);
}

double
tp_blur_response(enum tp_blur_kernel k, double s, double f)
{
	double x;

	if (s == 0)
		return 1;
	switch (k) {
	case TP_BLUR_ANALYTIC:
		x = s * f;
		return exp(-2 * M_PI * M_PI * x * x);
	case TP_BLUR_DISCRETE:
		/* s^2 (cos 2 pi f - 1), without cancelling near f = 0 */
		x = s * sin(M_PI * f);
		return exp(-2 * x * x);
	default:
		return sampled_response(s, f);
	}
}

/*
 * Tap j of SciPy's order-n derivative of the sampled Gaussian normalised
 * by z, the sum of its samples: d^n/dx^n exp(-x^2 / (2 s^2)) at x = j
 * over z, which is (-1)^n s^-n He_n(j / s) exp(-(j / s)^2 / 2) / z with
 * He_n the probabilists' Hermite polynomial.  0 wherever the exponential
 * underflows; infinite only at j = 0 for an even order and a sigma so
 * small that s^-n overflows.
 */
double
blur_deriv_tap(double s, int n, double j, double z)
{
	double u = j / s, e = exp(-0.5 * u * u), h0 = 1, h1 = u, h, v;

	if (e == 0)
		return 0;
	if (n == 0)
		return e / z;
	for (int k = 1; k < n; k++) {	/* He_{k+1} = u He_k - k He_{k-1} */
		h = u * h1 - k * h0;
		h0 = h1;
		h1 = h;
	}
	v = h1 * e / z;
	for (int k = 0; k < n; k++)
		v /= s;
	return n % 2 ? -v : v;
}

/*
 * The response divided by i^n of taps w[0..r] of an even (n even: the
 * weight at -j is w[j]) or odd (n odd: -w[j]) kernel at frequency f:
 * (-1)^(n/2) (w[0] + 2 sum_j w[j] cos 2 pi f j), or
 * -2 (-1)^((n-1)/2) sum_j w[j] sin 2 pi f j.
 */
static double
taps_response(const double *w, int r, int n, double f)
{
	double h = n % 2 ? 0 : w[0];

	for (int j = 1; j <= r; j++)
		h += 2 * w[j] * (n % 2 ? sin(2 * M_PI * f * j) :
		    cos(2 * M_PI * f * j));
	if (n % 2)
		return (n / 2) % 2 ? h : -h;
	return (n / 2) % 2 ? -h : h;
}

/*
 * The order-N response divided by i^N (a real number): the sampled
 * kernel's is sum_m (2 pi (f + m))^N exp(-2 pi^2 s^2 (f + m)^2) /
 * sum_m exp(-2 pi^2 s^2 m^2), the DTFT of the sampled N-th derivative of
 * the Gaussian (SciPy's derivative taps) by Poisson's sum (below sigma 1,
 * the DTFT of those taps directly); the analytic and discrete kernels
 * multiply their response by (2 pi f)^N at the principal frequency
 * |f| <= 1/2, where an odd order is 0 at f = 1/2 (a real signal cannot
 * hold it there).
 */
double
tp_blur_response_order(enum tp_blur_kernel k, double s, int order, double f)
{
	double x, t, h = 0, big = 0, xpk;
	int m;

	if (order == 0 || s == 0)
		return tp_blur_response(k, s, f);
	if (k != TP_BLUR_SAMPLED) {
		f -= floor(f + 0.5);	/* principal: [-1/2, 1/2) */
		if (order % 2 == 1 && f == -0.5)
			return 0;
		return pow(2 * M_PI * f, order) * tp_blur_response(k, s, f);
	}
	if (s < 1) {	/* the taps, j <= (10 + order) s + 2 (< 21) */
		double w[TP_BLUR_MAXORDER + 13] = { 0 }, z = blur_gauss_norm(s);
		int r = (int)ceil((10 + order) * s) + 2;

		for (m = 0; m <= r; m++)
			w[m] = blur_deriv_tap(s, order, m, z);
		return taps_response(w, r, order, f);
	}
	f -= floor(f);
	xpk = sqrt(order) / (2 * M_PI * s);	/* where x^N exp(-2 pi^2 s^2
						 * x^2) peaks */
	for (m = -1;; m--) {
		x = f + m;
		t = pow(2 * M_PI * x, order) * exp(-2 * M_PI * M_PI * (s * x) *
		    (s * x));
		h += t;
		big = fmax(big, fabs(t));
		if (-x > xpk && fabs(t) <= 1e-22 * big)
			break;
	}
	for (m = 0;; m++) {
		x = f + m;
		t = pow(2 * M_PI * x, order) * exp(-2 * M_PI * M_PI * (s * x) *
		    (s * x));
		h += t;
		big = fmax(big, fabs(t));
		if (x > xpk && fabs(t) <= 1e-22 * big)
			break;
	}
	return h / gauss_dual(s);
}

/*
 * e^-t I_n(t) for n = 0..nmax into w (t = s^2), by Miller's backward
 * recurrence I_{n-1} = I_{n+1} + (2n / t) I_n, normalised by
 * sum over all n of e^-t I_n(t) = 1.
 */
static void
bessel_taps(double s, double *w, int nmax)
{
	double t = s * s, a = 0, b = 1e-280, c, z;
	int start = nmax + 30 + (int)(2 * s), n;

	for (n = 0; n <= nmax; n++)
		w[n] = 0;
	if (t < 1e-30) {	/* e^-t I_1(t) < t / 2: a delta, and 2n / t
				 * would overflow the recurrence */
		w[0] = 1;
		return;
	}
	for (n = start; n >= 1; n--) {
		c = a + 2 * n / t * b;	/* I_{n-1} */
		a = b;
		b = c;
		if (n - 1 <= nmax)
			w[n - 1] = b;
		if (b > 1e250) {	/* rescale what we have */
			a *= 1e-250;
			b *= 1e-250;
			for (int j = n - 1; j <= nmax; j++)
				w[j] *= 1e-250;
		}
	}
	/* the terms beyond nmax (below 1e-21 for the nmax callers pass)
	 * are left out of the sum */
	z = w[0];
	for (n = 1; n <= nmax; n++)
		z += 2 * w[n];
	for (n = 0; n <= nmax; n++)
		w[n] /= z;
}

/*
 * Contract: the FIR taps w[0..r] of kernel k at sigma s, cut at the
 * smallest r whose two tails sum_{|n| > r} hold less than eps.  Sampled:
 * the normalised, sampled Gaussian w[j] = exp(-j^2 / (2 s^2)) /
 * sum_n exp(-n^2 / (2 s^2)), normalised by the sum over every integer n
 * (the untruncated kernel whose response DESIGN.md defines), where
 * tp_gauss_profile (gauss.h) normalises over its n samples; discrete:
 * e^-t I_j(t), t = s^2; analytic:
 * the sampled taps, where they equal it to eps (else -1).  -1 also when
 * r > maxr or s > MAXSIGMA_FIR; s <= 0 gives the single tap 1.
 */
int
tp_blur_taps(enum tp_blur_kernel k, double s, double eps, double *w,
    int maxr)
{
	double tail, *g;
	int m, r, n;

	if (s <= 0) {
		w[0] = 1;
		return 0;
	}
	if (s > MAXSIGMA_FIR)
		return -1;
	if (k == TP_BLUR_ANALYTIC && exp(-M_PI * M_PI * s * s / 2) >= eps)
		return -1;
	/* beyond 10 s + 2 the Gaussian tail is below 1e-21 */
	m = (int)ceil(10 * s) + 2;
	if (k == TP_BLUR_DISCRETE)
		m += 10;
	g = tp_emalloc(((size_t)m + 1) * sizeof *g);
	if (k == TP_BLUR_DISCRETE) {
		bessel_taps(s, g, m);
	} else {
		double z = blur_gauss_norm(s);

		for (n = 0; n <= m; n++)
			g[n] = blur_deriv_tap(s, 0, n, z);
	}
	tail = 0;
	for (r = m; r > 0 && tail + 2 * g[r] < eps; r--)
		tail += 2 * g[r];
	if (r > maxr) {
		free(g);
		return -1;
	}
	memcpy(w, g, ((size_t)r + 1) * sizeof *w);
	free(g);
	return r;
}

/*
 * SciPy's derivative taps: w[j] = q_N(j) g[j], j = 0..r, with g the
 * normalised sampled Gaussian and q_N the polynomial of the N-th
 * derivative of exp(-x^2 / (2 s^2)) (blur_deriv_tap); the weight at -j is
 * (-1)^N w[j].  Cut at the smallest r whose tails hold less than eps
 * times the taps' sum of magnitudes.  Returns r, or -1 (s > MAXSIGMA_FIR,
 * r > maxr).
 */
int
tp_blur_taps_order(double s, int order, double eps, double *w, int maxr)
{
	double *g, z, l1, tail;
	int m, r, n;

	if (order == 0 || s <= 0)
		return tp_blur_taps(TP_BLUR_SAMPLED, s, eps, w, maxr);
	if (s > MAXSIGMA_FIR || order > TP_BLUR_MAXORDER)
		return -1;
	m = (int)ceil((10 + order) * s) + 2;
	g = tp_emalloc(((size_t)m + 1) * sizeof *g);
	z = blur_gauss_norm(s);
	l1 = 0;
	for (n = 0; n <= m; n++) {
		g[n] = blur_deriv_tap(s, order, n, z);
		l1 += (n ? 2 : 1) * fabs(g[n]);
	}
	tail = 0;
	for (r = m; r > 0 && tail + 2 * fabs(g[r]) < eps * l1; r--)
		tail += 2 * fabs(g[r]);
	if (r > maxr) {
		free(g);
		return -1;
	}
	memcpy(w, g, ((size_t)r + 1) * sizeof *w);
	free(g);
	return r;
}

/* The FIR radius of kernel k at sigma s and this derivative order for
 * precision eps (0 for s = 0, -1 when there is none). */
int
blur_fir_radius(enum tp_blur_kernel k, double s, int order, double eps)
{
	double *w;
	int r, m;

	if (s <= 0)
		return 0;
	if (s > MAXSIGMA_FIR || (order > 0 && k != TP_BLUR_SAMPLED))
		return -1;
	m = (int)ceil((10 + order) * s) + 13;
	w = tp_emalloc(((size_t)m + 1) * sizeof *w);
	r = order > 0 ? tp_blur_taps_order(s, order, eps, w, m) :
	    tp_blur_taps(k, s, eps, w, m);
	free(w);
	return r;
}
