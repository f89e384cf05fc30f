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
	return tap_end();
}
