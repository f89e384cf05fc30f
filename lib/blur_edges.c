/*
 * blur_edges.c - nearest and zero made exact on the fft path: the
 * padding that keeps each kernel's tail off the reflected data (blur_pad_for),
 * or, where that would reach the axis length, the response of the
 * kernel cut there (blur_cut_response) from its exact taps: for the
 * band-limited kernels (analytic; discrete derivatives), whose taps fall
 * off only as a power, by quadrature and an asymptotic series here, for
 * the others by blur_taps.c; and a length-1 axis's factor
 * (blur_axis_gain).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blur_impl.h"

/* --- band-limited kernels under nearest and zero ------------------------ */

/*
 * The analytic kernel and the derivatives of the discrete one are
 * band-limited: with theta = 2 pi f, their order-n response over i^n is
 * F(theta) = theta^n exp(g(theta)) on |theta| <= pi, g = -(s theta)^2 / 2
 * (analytic) or -2 (s sin(theta / 2))^2 (discrete), and their taps are
 *   h_k = (i^n / 2 pi) int_{-pi}^{pi} F(theta) e^{i k theta} dtheta.
 * Where F or a derivative of F is not 0 at theta = +-pi, the taps fall
 * off only as a power of k, by parts:
 *   h_k = ((-1)^k / pi) sum_{j: n + j odd} (-1)^j i^(n - j - 1) F^(j)(pi)
 *         / k^(j + 1),
 * an asymptotic series that converges fast for k well beyond s^2 pi.
 * No padding makes nearest and zero exact then; the taps up to the axis
 * length are (bl_taps), and the fft path cuts the kernel there.
 */

#define BL_J 30		/* terms of the series, and of F's Taylor jet */
#define BL_K0 128	/* taps below this one by Gauss-Legendre quadrature */
#define BL_Q 256	/* its nodes on [0, pi]; both parts agree with
			 * mpmath to 1e-14 of the largest tap for sigma
			 * 0.05 to 5.5 and orders 0 to 8 */

/* Whether the order-n kernel k is band-limited (see above). */
static int
band_limited(enum tp_blur_kernel k, int n)
{
	return k == TP_BLUR_ANALYTIC || (k == TP_BLUR_DISCRETE && n > 0);
}

/* F(theta) of the band-limited kernel k at sigma s, order n. */
static double
bl_value(enum tp_blur_kernel k, double s, int n, double th)
{
	double x = k == TP_BLUR_ANALYTIC ? s * th : s * sin(th / 2);

	return pow(th, n) * exp(k == TP_BLUR_ANALYTIC ? -0.5 * x * x :
	    -2 * x * x);
}

/*
 * F's Taylor coefficients at theta = pi, f[j] = F^(j)(pi) / j!, j <
 * BL_J: theta^n = (pi + u)^n times exp(g(pi + u)), whose coefficients
 * follow from g's by (e^g)' = g' e^g.  g(pi + u) is -(s (pi + u))^2 / 2
 * (analytic) or -s^2 (1 + cos u) (discrete).  All 0 where exp(g(pi))
 * underflows.
 */
static void
bl_jet(enum tp_blur_kernel k, double s, int n, double *f)
{
	double g[BL_J] = { 0 }, e[BL_J] = { 0 }, p[BL_J] = { 0 }, c = 1;
	int i, j;

	if (k == TP_BLUR_ANALYTIC) {
		g[0] = -0.5 * (s * M_PI) * (s * M_PI);
		g[1] = -(s * M_PI) * s;
		g[2] = -0.5 * s * s;
	} else {
		g[0] = -2 * s * s;
		for (j = 2; j < BL_J; j += 2) {
			c *= (double)(j - 1) * j;	/* (2m)! */
			g[j] = (j / 2 % 2 ? 1 : -1) * s * s / c;
		}
	}
	for (j = 0; j < BL_J; j++)
		f[j] = 0;
	e[0] = exp(g[0]);
	if (e[0] == 0)
		return;
	for (j = 1; j < BL_J; j++) {
		for (i = 1; i <= j; i++)
			e[j] += i * g[i] * e[j - i];
		e[j] /= j;
	}
	for (i = 0, c = 1; i <= n && i < BL_J; i++) {	/* C(n, i) pi^(n-i) */
		p[i] = c * pow(M_PI, n - i);
		c = c * (n - i) / (i + 1);
	}
	for (j = 0; j < BL_J; j++)
		for (i = 0; i <= j && i <= n; i++)
			f[j] += p[i] * e[j - i];
}

/* The q-point Gauss-Legendre rule on [0, pi]: nodes x, weights w. */
static void
gauss_legendre(int q, double *x, double *w)
{
	for (int i = 0; i < (q + 1) / 2; i++) {
		double z = cos(M_PI * (i + 0.75) / (q + 0.5)), z1, pp = 1;

		for (int it = 0; it < 100; it++) {	/* Newton on P_q */
			double p1 = 1, p2 = 0, p3;

			for (int j = 1; j <= q; j++) {
				p3 = p2;
				p2 = p1;
				p1 = ((2.0 * j - 1) * z * p2 -
				    (j - 1.0) * p3) / j;
			}
			pp = q * (z * p1 - p2) / (z * z - 1);
			z1 = z;
			z = z1 - p1 / pp;
			if (fabs(z - z1) <= 4e-16)
				break;
		}
		x[i] = (1 - z) * M_PI / 2;
		x[q - 1 - i] = (1 + z) * M_PI / 2;
		w[i] = w[q - 1 - i] = M_PI / ((1 - z * z) * pp * pp);
	}
}

/*
 * The taps h[0..m] of the band-limited kernel k at sigma s, order n (the
 * weight at -j is (-1)^n h[j]); *sum1, unless NULL, gets sum_{j>=1} h_j:
 * for even n (H(0) - h_0) / 2, for odd n (i^(n+1) / 2 pi) int_0^pi
 * F(theta) cot(theta / 2) dtheta (sum_j sin j theta = cot(theta / 2) / 2).
 */
static void
bl_taps(enum tp_blur_kernel k, double s, int n, double *h, size_t m,
    double *sum1)
{
	double x[BL_Q], w[BL_Q], fw[BL_Q], f[BL_J];
	double sg = n % 2 ? ((n + 1) / 2 % 2 ? -1 : 1) :
	    (n / 2 % 2 ? -1 : 1);
	size_t j;
	int q, i;

	gauss_legendre(BL_Q, x, w);
	for (q = 0; q < BL_Q; q++)
		fw[q] = w[q] * bl_value(k, s, n, x[q]);
	for (j = 0; j <= m && j < BL_K0; j++) {
		double t = 0;

		for (q = 0; q < BL_Q; q++)
			t += fw[q] * (n % 2 ? sin((double)j * x[q]) :
			    cos((double)j * x[q]));
		h[j] = sg * t / M_PI;
	}
	bl_jet(k, s, n, f);
	for (; j <= m; j++) {
		double t = 0, c = 1 / (double)j;	/* c = i! / j^(i+1) */

		for (i = 0; i < BL_J; c *= (i + 1) / (double)j, i++)
			if ((n + i) % 2)
				t += ((i + (n - i - 1) / 2) % 2 ? -1 : 1) *
				    c * f[i];
		h[j] = (j % 2 ? -t : t) / M_PI;
	}
	if (sum1 == NULL)
		return;
	if (n % 2 == 0) {
		*sum1 = ((n == 0) - h[0]) / 2;
		return;
	}
	*sum1 = 0;
	for (q = 0; q < BL_Q; q++)
		*sum1 += fw[q] / tan(x[q] / 2);
	*sum1 *= ((n + 1) / 2 % 2 ? -1 : 1) / (2 * M_PI);
}

/* The largest |F(theta)|, 0 <= theta <= pi (at most the sum of the
 * taps' magnitudes), sampled finely and near its peak. */
static double
bl_peak(enum tp_blur_kernel k, double s, int n)
{
	double mx = 0, th0 = n == 0 ? 0 : k == TP_BLUR_ANALYTIC ?
	    sqrt(n) / s : 2 * asin(fmin(1, sqrt(n / 4.0) / s));

	for (int i = 0; i <= 1024; i++)
		mx = fmax(mx, bl_value(k, s, n, M_PI * i / 1024));
	for (int i = -8; i <= 8; i++)
		mx = fmax(mx, bl_value(k, s, n, fmin(M_PI, th0 * (1 + i /
		    32.0))));
	return mx;
}

/*
 * What the power-law tail of the band-limited kernel k (sigma s, order
 * n) beyond radius r >= 1 adds up to over an axis of len samples, by the
 * series above:
 *   (1 / 2 pi) (|dF| ln(1 + len / r) + sum_{j>=1} |dF^(j)| / (j r^j)),
 * dF^(j) = F^(j)(pi) - F^(j)(-pi).
 */
static double
bl_tail(enum tp_blur_kernel k, double s, int n, double r, size_t len)
{
	double f[BL_J], e, c = 1 / r;	/* c = (j-1)! / r^j */
	int j;

	bl_jet(k, s, n, f);
	e = n % 2 ? 2 * fabs(f[0]) * log1p((double)len / r) : 0;
	for (j = 1; j < BL_J; c *= j / r, j++)
		if ((n + j) % 2)
			e += 2 * fabs(f[j]) * c;
	return e / (2 * M_PI);
}

/* The log of discrete_order_radius's bound on the discrete kernel's
 * order-n tap k, t = s^2. */
static double
order_bound(double t, int n, long k)
{
	double y = asinh((double)k / t);

	return n / 2.0 * log(M_PI * M_PI + y * y) + (double)k * (double)k /
	    (sqrt(t * t + (double)k * k) + t) - (double)k * y;
}

/*
 * The radius beyond which the taps of the discrete kernel's order-n
 * derivative hold less than eps * peak, both tails together, apart from
 * the band-limited tail bl_tail measures: moving the integral to
 * Im theta = y = asinh(k / t), t = s^2, bounds the rest of h_k by
 * (pi^2 + y^2)^(n/2) exp(sqrt(t^2 + k^2) - t - k y).  -1 above
 * MAXSIGMA_FIR.
 */
static int
discrete_order_radius(double s, int n, double eps, double peak)
{
	double t = s * s, tail = 0, lim = log(eps * peak);
	long k, kmax, lo;

	if (s > MAXSIGMA_FIR)
		return -1;
	if (t < 1e-30 || !(lim > -HUGE_VAL))	/* nothing but the tail */
		return 0;
	/* the first k where the bound is below lim - 30 (the bound falls
	 * as k grows): doubling, then bisection */
	for (lo = 0, kmax = 1; order_bound(t, n, kmax) >= lim - 30; kmax *= 2)
		lo = kmax;
	while (kmax - lo > 1) {
		long mid = lo + (kmax - lo) / 2;

		if (order_bound(t, n, mid) < lim - 30)
			kmax = mid;
		else
			lo = mid;
	}
	for (k = kmax; k > 0; k--) {
		double b = exp(order_bound(t, n, k));

		if (tail + 2 * b >= eps * peak)
			break;
		tail += 2 * b;
	}
	return (int)k;
}

/*
 * The radius of kernel k's order-n taps beyond which both tails hold
 * less than eps (apart from a band-limited kernel's power-law tail,
 * bl_tail): the discrete kernel's derivatives by the bound above, every
 * other kernel by its own or the sampled kernel's taps.  Dies above
 * MAXSIGMA_FIR.
 */
static int
edge_radius(enum tp_blur_kernel k, double s, int order, double eps)
{
	int r;

	if (k == TP_BLUR_DISCRETE && order > 0)
		r = discrete_order_radius(s, order, eps, bl_peak(k, s, order));
	else
		r = blur_fir_radius(k == TP_BLUR_DISCRETE ? k : TP_BLUR_SAMPLED,
		    s, order, eps);
	if (r < 0)
		tp_die("sigma %g is too large for the nearest and zero "
		    "boundaries (its tail sums would run past 10^6 terms)", s);
	return r;
}

/*
 * The padding on each side of an axis of len samples for nearest and
 * zero, for kernel k at sigma s and this derivative order: the fft path
 * reflects the padded array, so the interior's first reflection lies
 * 2p + 1 samples away and the kernel's tail beyond 2p must be below eps
 * (relative to the sum of its magnitudes).  Where that would need more
 * than the axis itself, the kernel is cut at len instead, which is exact
 * (an output meets no sample farther than len - 1 away, and under
 * nearest the taps beyond meet the edge value alone): *cut is set to 1
 * for a band-limited kernel with a power-law tail (no padding would do;
 * bl_taps), 2 for any other kernel whose radius is len or more
 * (blur_taps.c), and p = ceil(len / 2).  Memory and time then depend on
 * len, not on sigma.
 */
size_t
blur_pad_for(enum tp_blur_kernel k, double s, int order, size_t len, double eps,
    int *cut)
{
	int r = edge_radius(k, s, order, eps);

	*cut = 0;
	if (band_limited(k, order) && bl_tail(k, s, order, r > 1 ? r : 1,
	    len) > eps * bl_peak(k, s, order) / 16) {
		*cut = 1;
		return (len + 1) / 2;
	}
	if ((size_t)r >= len) {
		*cut = 2;
		return (len + 1) / 2;
	}
	return (size_t)(r + 1) / 2;
}

/* The taps h[0..m] of kernel k at sigma s, order ord, and *tail, the
 * sum beyond m, for a kernel with no power-law tail left: the discrete
 * one's, or the sampled one's (the analytic kernel's where it equals
 * them). */
static void
exact_taps(enum tp_blur_kernel k, double s, int ord, double *h, size_t m,
    double *tail)
{
	if (k == TP_BLUR_DISCRETE)
		blur_discrete_taps(s, ord, (size_t)edge_radius(k, s, ord,
		    EPS_F64 / 64), h, m, tail);
	else
		blur_sampled_taps(s, ord, h, m, tail);
}

/*
 * The taps h[0..n] of axis a's kernel (as blur_pad_for cut it: cut 1 or
 * 2) and, under nearest, sum_{j>n} h_j folded into h[n]: every output
 * sample meets the edge value there (n >= each output's distance to the
 * edge).
 */
static void
cut_taps(const struct tp_blur *b, int a, int cut, double *h, size_t n)
{
	enum tp_blur_kernel k = b->o.kernel;
	double s = b->sigma[a], tail, s1, sum = 0, c = 0;
	int ord = b->order[a];
	size_t j;

	if (cut == 1) {
		bl_taps(k, s, ord, h, n, &s1);
		for (j = 1; j <= n; j++) {	/* Neumaier's sum of h_1..h_n */
			double t = sum + h[j];

			c += fabs(sum) >= fabs(h[j]) ? (sum - t) + h[j] :
			    (h[j] - t) + sum;
			sum = t;
		}
		tail = s1 - (sum + c);
	} else {
		exact_taps(k, s, ord, h, n, &tail);
	}
	if (b->o.boundary == TP_BLUR_NEAREST)
		h[n] += tail;
}

/*
 * The factor a length-1 axis a multiplies by under zero (h_0) or nearest
 * (the sum of all taps, h_0 + (1 + (-1)^n) sum_{j>=1} h_j): its one
 * sample, extended by 0 or by itself.
 */
double
blur_axis_gain(const struct tp_blur *b, int a)
{
	double h[2];
	int cut;

	blur_pad_for(b->o.kernel, b->sigma[a], b->order[a], 1, EPS_F64, &cut);
	cut_taps(b, a, cut == 1 ? 1 : 2, h, 1);	/* h[1] += tail */
	if (b->o.boundary == TP_BLUR_ZERO)
		return h[0];
	return h[0] + (b->order[a] % 2 ? 0 : 2 * h[1]);
}

/*
 * The response over i^n of axis a's kernel cut at the axis length n (a
 * kernel no padding shorter than the axis makes exact: blur_pad_for), at
 * the frequencies k / (2 L) of the padded DCT-II, k = 0..L-1, into out:
 * the taps h_0..h_n (cut_taps, the tail folded in under nearest); then
 *   even n: (-1)^(n/2) (h_0 + 2 sum_j h_j cos(pi j k / L)), DCT-I of L + 1,
 *   odd n: -(-1)^((n-1)/2) 2 sum_j h_j sin(pi j k / L), DST-I of L - 1.
 * The padding, n / 2 or more, keeps the taps off the reflected data, and
 * 2n + 1 <= 2L off their own periodic images: the result is the cut
 * kernel's exactly.
 */
void
blur_cut_response(const struct tp_blur *b, int a, double *out)
{
	size_t n = b->shape[a], L = b->wshape[a], len, j;
	int ord = b->order[a], ax = 0;
	double *h = tp_ecalloc(L + 1, sizeof *h), *y;
	struct tp_fft_problem pb;
	struct tp_fft_plan *pl;
	enum tp_fft_kind kind = ord % 2 ? TP_FFT_DST1 : TP_FFT_DCT1;

	cut_taps(b, a, b->cut[a], h, n);
	if (ord % 2) {	/* the DST-I's input starts at h_1 */
		memmove(h, h + 1, n * sizeof *h);
		h[n] = 0;
	}
	len = ord % 2 ? L - 1 : L + 1;
	y = tp_ecalloc(L + 1, sizeof *y);
	tp_fft_problem_axes(&pb, kind, 1, &len, 1, &ax, 0);
	pl = tp_fft_plan_new(kind, 0, &pb, 1, 0, h, y + ord % 2);
	tp_fft_execute(pl, h, y + ord % 2);
	tp_fft_plan_free(pl);
	for (j = 0; j < L; j++)	/* y[0] = 0 for the DST-I */
		out[j] = y[j] * (ord % 2 ? ((ord - 1) / 2 % 2 ? 1 : -1) :
		    (ord / 2 % 2 ? -1 : 1));
	free(h);
	free(y);
}

/* --- zero and nearest as reflect with its corners corrected ------------- */

/*
 * Under reflect, output i of an axis of n meets sample m also through
 * its first image, at offset i + 1 + m (left edge) or across the right
 * edge likewise; zero and nearest differ from reflect only there.  With
 * the kernel below eps beyond radius r <= n / 2, the difference is an
 * r x r corner at each end:
 *   M[i][m] = h_{i+1+m} - [m = 0] T_i,  T_i = sum_{j>i} h_j (nearest),
 * h_j the weight of the sample j before the output (the left corner; the
 * right one is (-1)^order times it, mirrored).  M is a smooth Hankel
 * matrix of low numerical rank (8 to 16 for a Gaussian at any sigma), so
 *   zero or nearest = reflect - U (V^T x)  at each end,
 * with U V^T from a column-pivoted Gram-Schmidt of M: a few products of
 * r samples per line on top of reflect's transforms, which stay the
 * axis's own length however large sigma is.
 */

/* The most samples a corner may hold: beyond this its factors would take
 * longer to make than the padding they save. */
#define EDGE_MAXR 4096

/* Whether an axis (sigma s, order, length n) of a record of count
 * samples can take the corners: not a band-limited kernel's power-law
 * tail (blur_pad_for's cut 1), a radius of at most half the axis, and
 * the factors' cost, about 4 r^2 per rank, no more than the record's
 * transforms, some 60 per sample. */
static int
edge_axis_fits(enum tp_blur_kernel k, double s, int order, size_t n,
    double count, double eps)
{
	int cut, r;

	if (n < 2 || s > MAXSIGMA_FIR)
		return 0;
	blur_pad_for(k, s, order, n, eps, &cut);
	if (cut)
		return 0;
	r = edge_radius(k, s, order, eps);
	return r <= EDGE_MAXR && 2 * (size_t)r <= n &&
	    4.0 * r * r <= count;
}

int
blur_edge_fits(enum tp_blur_kernel k, enum tp_blur_boundary bnd, int nd,
    const size_t *shape, const double *sigma, const int *order, double eps)
{
	double count = 1;
	int a, nax = 0, last = -1;

	if (bnd != TP_BLUR_ZERO && bnd != TP_BLUR_NEAREST)
		return 0;
	for (a = 0; a < nd; a++)
		count *= (double)shape[a];
	for (a = 0; a < nd; a++) {
		int ord = order != NULL ? order[a] : 0;

		if (!blur_fft_axis(bnd, sigma[a], shape[a], ord) ||
		    shape[a] == 1)	/* untransformed, or a scalar */
			continue;
		if (!edge_axis_fits(k, sigma[a], ord, shape[a], count, eps))
			return 0;
		nax++;
		last = a;
	}
	return nax >= 1 && nax <= 2 && last == nd - 1;
}

/*
 * M = U V^T for the corner M (r x r, column-major, overwritten) by
 * Gram-Schmidt on its columns, the largest residual first, until every
 * residual column's norm is at most tol: u and v get r x k (column t of
 * each at t r), k returned (at most kmax).
 */
static int
pivoted_factors(double *M, int r, double tol, double *u, double *v, int kmax)
{
	double *nrm = tp_emalloc((size_t)r * sizeof *nrm);
	int k, c, i;

	for (c = 0; c < r; c++) {
		double t = 0;

		for (i = 0; i < r; i++)
			t += M[(size_t)c * r + i] * M[(size_t)c * r + i];
		nrm[c] = t;
	}
	for (k = 0; k < kmax; k++) {
		double *q = u + (size_t)k * r, best = -1, len;
		int cb = 0;

		for (c = 0; c < r; c++)
			if (nrm[c] > best) {
				best = nrm[c];
				cb = c;
			}
		if (!(best > tol * tol))
			break;
		len = 0;
		for (i = 0; i < r; i++)
			len += M[(size_t)cb * r + i] * M[(size_t)cb * r + i];
		len = sqrt(len);
		for (i = 0; i < r; i++)
			q[i] = M[(size_t)cb * r + i] / len;
		for (c = 0; c < r; c++) {
			double *col = M + (size_t)c * r, dot = 0, t = 0;

			for (i = 0; i < r; i++)
				dot += q[i] * col[i];
			for (i = 0; i < r; i++) {
				col[i] -= dot * q[i];
				t += col[i] * col[i];
			}
			v[(size_t)k * r + c] = dot;
			nrm[c] = t;
		}
	}
	free(nrm);
	return k;
}

void
blur_edge_basis(enum tp_blur_kernel kern, enum tp_blur_boundary bnd,
    double s, int order, double eps, struct blur_edge_basis *eb)
{
	int r = edge_radius(kern, s, order, eps);
	size_t m = 2 * (size_t)r + 1;
	double *h, *T, *M, tail, sum = 0, mx = 0, tol;
	int i, j;

	memset(eb, 0, sizeof *eb);
	eb->s = s;
	eb->order = order;
	eb->eps = eps;
	eb->r = r;
	if (r == 0)
		return;
	h = tp_emalloc((m + 1) * sizeof *h);
	T = tp_emalloc((m + 1) * sizeof *T);
	exact_taps(kern, s, order, h, m, &tail);
	T[m] = tail;	/* T[i] = sum_{j>i} h_j, from the far end */
	for (j = (int)m - 1; j >= 0; j--)
		T[j] = T[j + 1] + h[j + 1];
	for (j = 0; j <= (int)m; j++)
		sum += (j ? 2 : 1) * fabs(h[j]);
	M = tp_emalloc((size_t)r * r * sizeof *M);
	for (j = 0; j < r; j++)		/* column j: sample j from the edge */
		for (i = 0; i < r; i++)
			M[(size_t)j * r + i] = (h[i + 1 + j] -
			    (j == 0 && bnd == TP_BLUR_NEAREST ? T[i] : 0));
	for (j = 0; j < r; j++) {
		double c = 0;

		for (i = 0; i < r; i++)
			c += M[(size_t)j * r + i] * M[(size_t)j * r + i];
		mx = fmax(mx, sqrt(c));
	}
	/* an output's error is at most r tol max|x|: eps of the kernel's
	 * weight, or the rounding of M's own entries where that is larger */
	tol = fmax(eps * sum / r, 64 * EPS_F64 * mx);
	eb->u = tp_emalloc((size_t)r * r * sizeof *eb->u);
	eb->v = tp_emalloc((size_t)r * r * sizeof *eb->v);
	eb->k = pivoted_factors(M, r, tol, eb->u, eb->v, r);
	free(h);
	free(T);
	free(M);
}

void
blur_edge_basis_free(struct blur_edge_basis *eb)
{
	free(eb->u);
	free(eb->v);
	memset(eb, 0, sizeof *eb);
}

void
blur_edge_factors(struct tp_blur *b, int a, double eps, double scale)
{
	struct blur_edge *e = &b->edge[a];
	struct blur_edge_basis own, *eb = NULL;
	size_t esz = b->single ? sizeof(float) : sizeof(double);
	int i, t, k, r;

	if (b->ahead_job) {	/* tp_blur_ahead's */
		tp_background_wait();
		b->ahead_job = 0;
	}
	for (i = 0; i < b->nahead; i++)
		if (b->ahead[i].s == b->sigma[a] &&
		    b->ahead[i].order == b->order[a] && b->ahead[i].eps == eps)
			eb = &b->ahead[i];
	if (eb == NULL) {
		blur_edge_basis(b->o.kernel, b->o.boundary, b->sigma[a],
		    b->order[a], eps, &own);
		eb = &own;
	}
	memset(e, 0, sizeof *e);
	e->r = r = eb->r;
	e->sgn = b->order[a] % 2 ? -1 : 1;
	e->k = k = eb->k;
	if (r > 0) {
		e->ut = tp_emalloc((size_t)k * r * esz);
		e->ur = tp_emalloc((size_t)k * r * esz);
		e->vt = tp_emalloc((size_t)k * r * esz);
		e->vr = tp_emalloc((size_t)k * r * esz);
	}
	for (t = 0; t < k; t++)
		for (i = 0; i < r; i++) {
			size_t at = (size_t)t * r + (size_t)i;
			size_t rev = (size_t)t * r + (size_t)(r - 1 - i);
			double uu = scale * eb->u[at], vv = eb->v[at];

			if (b->single) {
				((float *)e->ut)[at] = (float)uu;
				((float *)e->ur)[rev] = (float)(e->sgn * uu);
				((float *)e->vt)[at] = (float)vv;
				((float *)e->vr)[rev] = (float)vv;
			} else {
				((double *)e->ut)[at] = uu;
				((double *)e->ur)[rev] = e->sgn * uu;
				((double *)e->vt)[at] = vv;
				((double *)e->vr)[rev] = vv;
			}
		}
	if (eb == &own)
		blur_edge_basis_free(&own);
}

void
blur_edge_copy(struct blur_edge *d, const struct blur_edge *e, double scale,
    int single)
{
	size_t n = (size_t)e->k * (size_t)e->r, esz = single ? sizeof(float) :
	    sizeof(double);

	*d = *e;
	d->ut = d->ur = d->vt = d->vr = NULL;
	if (e->k == 0)
		return;
	d->ut = tp_emalloc(n * esz);
	d->ur = tp_emalloc(n * esz);
	d->vt = tp_emalloc(n * esz);
	d->vr = tp_emalloc(n * esz);
	memcpy(d->vt, e->vt, n * esz);
	memcpy(d->vr, e->vr, n * esz);
	for (size_t i = 0; i < n; i++)
		if (single) {
			((float *)d->ut)[i] = (float)(scale *
			    ((const float *)e->ut)[i]);
			((float *)d->ur)[i] = (float)(scale *
			    ((const float *)e->ur)[i]);
		} else {
			((double *)d->ut)[i] = scale *
			    ((const double *)e->ut)[i];
			((double *)d->ur)[i] = scale *
			    ((const double *)e->ur)[i];
		}
}

void
blur_edge_free(struct blur_edge *e)
{
	free(e->ut);
	free(e->ur);
	free(e->vt);
	free(e->vr);
	memset(e, 0, sizeof *e);
}
