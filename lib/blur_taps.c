/*
 * blur_taps.c - the exact taps of the kernels whose taps fall off faster
 * than any power (the sampled Gaussian and its derivatives, the analytic
 * kernel where it equals them, the discrete kernel and its derivatives
 * at the sigmas where no power-law tail is left), at offsets 0..m, and
 * the sum of those beyond m: what zero and nearest need when the kernel
 * is cut at the axis length (blur_edges.c).  Every sum runs out to where
 * its terms underflow or fall below double precision, never through an
 * erfc (the sampled sum is not the integral).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blur_impl.h"

/*
 * The sampled kernel's order-n taps (SciPy's gaussian_filter1d weights,
 * untruncated: blur_deriv_tap over the sum of all samples) h[0..m], and
 * *tail = sum_{j>m} h_j, summed from its far end down, the small terms
 * first: from (12 + n) s on, the terms, below exp(-72) |q_n(j)| h_0,
 * add less than 2^-64 of h_0 together.
 */
void
blur_sampled_taps(double s, int n, double *h, size_t m, double *tail)
{
	double z = blur_gauss_norm(s), t = 0;
	size_t j, end = (size_t)ceil((12 + n) * s) + 2;

	for (j = 0; j <= m; j++)
		h[j] = j <= end ? blur_deriv_tap(s, n, (double)j, z) : 0;
	for (j = end; j > m; j--)
		t += blur_deriv_tap(s, n, (double)j, z);
	*tail = t;
}

/*
 * The discrete kernel's order-n taps, h_j = (i^n / 2 pi) int F(theta)
 * e^{i j theta} over |theta| <= pi with F = theta^n exp(-2 (s sin(theta /
 * 2))^2) (for n = 0 e^-t I_j(t), t = s^2), by the trapezoid rule on K + 1
 * points of [0, pi]: a DCT-I (n even) or DST-I (n odd).  The rule sums
 * the taps' images 2K apart; with K > 2r, r the radius beyond which the
 * taps hold less than double precision (and F and its derivatives
 * negligible at pi: no power-law tail), the images are below it.
 * h[0..m], and *tail = sum_{j>m} h_j, taps up to K - 1 summed from the
 * far end.
 */
void
blur_discrete_taps(double s, int n, size_t r, double *h, size_t m,
    double *tail)
{
	size_t K = tp_fft_fast_len(TP_FFT_DCT1, 2 * r + 34) - 1, j, len;
	double *x = tp_emalloc((K + 1) * sizeof *x);
	double *y = tp_ecalloc(K + 1, sizeof *y), sg, t = 0;
	enum tp_fft_kind kind = n % 2 ? TP_FFT_DST1 : TP_FFT_DCT1;
	struct tp_fft_problem pb;
	struct tp_fft_plan *pl;
	int ax = 0;

	sg = n % 2 ? ((n + 1) / 2 % 2 ? -1 : 1) : (n / 2 % 2 ? -1 : 1);
	for (j = 0; j <= K; j++) {
		double th = M_PI * (double)j / (double)K, u = s * sin(th / 2);

		x[j] = exp(-2 * u * u);
		for (int i = 0; i < n; i++)
			x[j] *= th;
	}
	/* DCT-I: y_j = x_0 + (-1)^j x_K + 2 sum x_k cos(pi j k / K);
	 * DST-I on x_1..x_{K-1}: y_{j-1} = 2 sum x_k sin(pi j k / K) */
	len = n % 2 ? K - 1 : K + 1;
	tp_fft_problem_axes(&pb, kind, 1, &len, 1, &ax, 0);
	pl = tp_fft_plan_new(kind, 0, &pb, 1, 0, x + n % 2, y + n % 2);
	tp_fft_execute(pl, x + n % 2, y + n % 2);
	tp_fft_plan_free(pl);
	/* y[0] = 0 for the DST-I (h_0 of an odd kernel) */
	for (j = 0; j <= m; j++)
		h[j] = j < K ? sg * y[j] / (2 * (double)K) : 0;
	for (j = K - 1; j > m; j--)
		t += sg * y[j] / (2 * (double)K);
	*tail = t;
	free(x);
	free(y);
}
