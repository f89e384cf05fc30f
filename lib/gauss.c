/*
 * gauss.c - the sampled, normalised Gaussian.
 */
#include <math.h>

#include "gauss.h"

/*
 * Each sample is computed relative to the largest (the centre sample, at
 * distance dmin = 0 or 1/2 from c):
 *   exp(-((i-c)^2 - dmin^2) / (2 sigma^2))
 *     = exp(-0.5 * ((|i-c| - dmin) / sigma) * ((|i-c| + dmin) / sigma)),
 * so the centre is exactly 1, the sum is at least 1, and nothing
 * underflows to 0/0 or overflows to inf/inf however small sigma is
 * (exp(-0.5 d^2 / sigma^2) alone is 0 everywhere for sigma = 0.01).
 */
void
tp_gauss_profile(double *g, size_t n, double sigma)
{
	double c = ((double)n - 1) / 2, dmin = n % 2 ? 0 : 0.5, sum = 0;

	for (size_t i = 0; i < n; i++) {
		double d = fabs((double)i - c);

		if (d == dmin)
			g[i] = 1;
		else
			g[i] = exp(-0.5 * ((d - dmin) / sigma) *
			    ((d + dmin) / sigma));
		sum += g[i];
	}
	for (size_t i = 0; i < n; i++)
		g[i] /= sum;
}
