/*
 * blur.c - Gaussian blur with a closed-form frequency response, through
 * the DCT or DFT that matches the boundary, or a separable FIR filter
 * for small sigma (blur.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "fft.h"
#include "blur.h"

/* The tail the FIR cut and the nearest/zero padding may leave out: the
 * working precision's unit roundoff. */
#define EPS_F64 0x1p-53
#define EPS_F32 0x1p-24

/* Beyond this sigma there are no FIR taps (there would be more than
 * 10^6) and no padding for nearest and zero. */
#define MAXSIGMA_FIR 1e5


static const char *const boundary_names[] = {
	"reflect", "mirror", "nearest", "wrap", "zero"
};
static const char *const kernel_names[] = { "sampled", "analytic", "discrete" };
static const char *const method_names[] = { "auto", "fft", "fir" };

/* The index of s in names[0..n), or -1. */
static int
lookup(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int
tp_blur_boundary_parse(const char *s)
{
	return lookup(s, boundary_names, 5);
}

int
tp_blur_kernel_parse(const char *s)
{
	return lookup(s, kernel_names, 3);
}

int
tp_blur_method_parse(const char *s)
{
	return lookup(s, method_names, 3);
}

void
tp_blur_opts_init(struct tp_blur_opts *o)
{
	memset(o, 0, sizeof *o);
	o->nsigma = 1;
	o->sigma[0] = 1;
	o->norder = 0;
	o->boundary = TP_BLUR_REFLECT;
	o->kernel = TP_BLUR_SAMPLED;
	o->method = TP_BLUR_AUTO;
	o->threads = 1;
}

/* The smallest sigma > 0 at which the analytic kernel equals the sampled
 * one to float64 precision (its response at f = 1/2, exp(-pi^2 s^2 / 2),
 * is below 2^-53): only from there on has it a short FIR form. */
#define ANALYTIC_FIR_SIGMA 2.75

const char *
tp_blur_opts_check(const struct tp_blur_opts *o, struct tp_msg *m)
{
	int i, j;

	for (i = 0; i < o->nsigma; i++)
		if (!(o->sigma[i] >= 0) || isinf(o->sigma[i]))
			return tp_msgf(m, "sigma must be finite and >= 0, "
			    "not %g", o->sigma[i]);
	if (o->naxes > 0 && o->nsigma > 1 && o->nsigma != o->naxes)
		return tp_msgf(m, "%d sigmas for %d axes in --axes: give one "
		    "sigma or one per axis", o->nsigma, o->naxes);
	for (i = 0; i < o->naxes; i++)
		for (j = 0; j < i; j++)
			if (o->axes[i] == o->axes[j])
				return tp_msgf(m, "axis %d is listed twice in "
				    "--axes", o->axes[i]);
	for (i = 0; i < o->norder; i++)
		if (o->order[i] < 0 || o->order[i] > TP_BLUR_MAXORDER)
			return tp_msgf(m, "order must be in 0..%d, not %d",
			    TP_BLUR_MAXORDER, o->order[i]);
	if (o->naxes > 0 && o->norder > 1 && o->norder != o->naxes)
		return tp_msgf(m, "%d orders for %d axes in --axes: give one "
		    "order or one per axis", o->norder, o->naxes);
	if (o->nsigma > 1 && o->norder > 1 && o->nsigma != o->norder)
		return tp_msgf(m, "%d sigmas but %d orders: give one of "
		    "either or the same number", o->nsigma, o->norder);
	if (o->method == TP_BLUR_FIR && o->kernel != TP_BLUR_SAMPLED)
		for (i = 0; i < o->norder; i++)
			if (o->order[i] > 0)
				return tp_msgf(m, "--method fir computes "
				    "derivatives (order %d) of the sampled "
				    "kernel only: use --method fft",
				    o->order[i]);
	if (o->method == TP_BLUR_FIR && o->kernel == TP_BLUR_ANALYTIC)
		for (i = 0; i < o->nsigma; i++)
			if (o->sigma[i] > 0 &&
			    o->sigma[i] < ANALYTIC_FIR_SIGMA)
				return tp_msgf(m, "--method fir cannot give the "
				    "analytic kernel at sigma %g exactly (below "
				    "%g it has no short taps): use --method fft",
				    o->sigma[i], ANALYTIC_FIR_SIGMA);
	return NULL;
}

int
tp_blur_channel_axis(int ndim, const size_t *shape)
{
	if (ndim >= 3 && shape[ndim - 1] >= 1 && shape[ndim - 1] <= 4)
		return ndim - 1;
	return -1;
}

const char *
tp_blur_sigmas(const struct tp_blur_opts *o, int ndim, const size_t *shape,
    double *sigma, int *order, struct tp_msg *m)
{
	int blur[TP_MAXDIM] = { 0 }, nb = 0, a, i, ch;

	if (o->naxes > 0) {
		for (i = 0; i < o->naxes; i++) {
			a = o->axes[i] < 0 ? o->axes[i] + ndim : o->axes[i];
			if (a < 0 || a >= ndim)
				return tp_msgf(m, "axis %d in --axes does not "
				    "exist: the record has %d ax%s", o->axes[i],
				    ndim, ndim == 1 ? "is" : "es");
			if (blur[a])
				return tp_msgf(m, "axis %d in --axes names "
				    "axis %d again", o->axes[i], a);
			blur[a] = 1;
		}
	} else {
		ch = tp_blur_channel_axis(ndim, shape);
		for (a = 0; a < ndim; a++)
			blur[a] = a != ch;
	}
	for (a = 0; a < ndim; a++)
		nb += blur[a];
	if (o->nsigma > 1 && o->nsigma != nb)
		return tp_msgf(m, "%d sigmas but the record has %d ax%s to "
		    "blur", o->nsigma, nb, nb == 1 ? "is" : "es");
	if (o->norder > 1 && o->norder != nb)
		return tp_msgf(m, "%d orders but the record has %d ax%s to "
		    "blur", o->norder, nb, nb == 1 ? "is" : "es");
	/* listed axes take their sigmas and orders in the order listed */
	for (a = 0; a < ndim; a++) {
		sigma[a] = 0;
		if (order != NULL)
			order[a] = 0;
	}
	for (a = 0, i = 0; a < ndim; a++) {
		int ax = a, j = i;

		if (o->naxes > 0) {
			if (i == o->naxes)
				break;
			ax = o->axes[i] < 0 ? o->axes[i] + ndim : o->axes[i];
			i++;
		} else if (blur[a]) {
			i++;
		} else {
			continue;
		}
		sigma[ax] = o->sigma[o->nsigma > 1 ? j : 0];
		if (order != NULL && o->norder > 0)
			order[ax] = o->order[o->norder > 1 ? j : 0];
	}
	return NULL;
}

/* --- the responses and taps --------------------------------------------- */

/*
 * Sum over all integers m of exp(-n^2 / (2 s^2)) (spatial form, for
 * small s) or its Poisson dual s sqrt(2 pi) sum exp(-2 pi^2 s^2 m^2).
 */
static double
gauss_norm(double s)
{
	double z = 1, t;
	int n;

	if (s >= 1) {
		for (n = 1; (t = exp(-2 * M_PI * M_PI * s * s * n * n)) >
		    1e-20; n++)
			z += 2 * t;
		return s * sqrt(2 * M_PI) * z;
	}
	for (n = 1; (t = exp(-0.5 * n * n / (s * s))) > 1e-20; n++)
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
	double h = 0, t, g;
	int m, n;

	f -= floor(f);		/* periodic: f in [0, 1) */
	if (s >= 1) {
		g = 2 * M_PI * M_PI * s * s;
		/* f + m for m <= -1 and m >= 0: terms fall off both ways */
		for (m = -1;; m--) {
			h += t = exp(-g * (f + m) * (f + m));
			if (t < 1e-20)
				break;
		}
		for (m = 0;; m++) {
			h += t = exp(-g * (f + m) * (f + m));
			if (t < 1e-20)
				break;
		}
		return h * s * sqrt(2 * M_PI) / gauss_norm(s);
	}
	h = 1;
	for (n = 1; (t = exp(-0.5 * n * n / (s * s))) > 1e-20; n++)
		h += 2 * t * cos(2 * M_PI * f * n);
	return h / gauss_norm(s);
}

double
tp_blur_response(enum tp_blur_kernel k, double s, double f)
{
	if (s == 0)
		return 1;
	switch (k) {
	case TP_BLUR_ANALYTIC:
		return exp(-2 * M_PI * M_PI * s * s * f * f);
	case TP_BLUR_DISCRETE:
		return exp(s * s * (cos(2 * M_PI * f) - 1));
	default:
		return sampled_response(s, f);
	}
}

/*
 * The order-N response divided by i^N (a real number): the sampled
 * kernel's is sum_m (2 pi (f + m))^N exp(-2 pi^2 s^2 (f + m)^2) /
 * sum_m exp(-2 pi^2 s^2 m^2), the DTFT of the sampled N-th derivative of
 * the Gaussian (SciPy's derivative taps) by Poisson's sum; the analytic
 * and discrete kernels multiply their response by (2 pi f)^N at the
 * principal frequency |f| <= 1/2, where an odd order is 0 at f = 1/2
 * (a real signal cannot hold it there).
 */
double
tp_blur_response_order(enum tp_blur_kernel k, double s, int order, double f)
{
	double g, x, t, h = 0, big = 0, xpk;
	int m;

	if (order == 0 || s == 0)
		return tp_blur_response(k, s, f);
	if (k != TP_BLUR_SAMPLED) {
		f -= floor(f + 0.5);	/* principal: [-1/2, 1/2) */
		if (order % 2 == 1 && f == -0.5)
			return 0;
		return pow(2 * M_PI * f, order) * tp_blur_response(k, s, f);
	}
	f -= floor(f);
	g = 2 * M_PI * M_PI * s * s;
	xpk = sqrt(order / (2 * g));	/* where x^N exp(-g x^2) peaks */
	for (m = -1;; m--) {
		x = f + m;
		t = pow(2 * M_PI * x, order) * exp(-g * x * x);
		h += t;
		big = fmax(big, fabs(t));
		if (-x > xpk && fabs(t) <= 1e-22 * big)
			break;
	}
	for (m = 0;; m++) {
		x = f + m;
		t = pow(2 * M_PI * x, order) * exp(-g * x * x);
		h += t;
		big = fmax(big, fabs(t));
		if (x > xpk && fabs(t) <= 1e-22 * big)
			break;
	}
	return h * s * sqrt(2 * M_PI) / gauss_norm(s);
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
 * tp_gauss_profile (gauss.h) normalises over its n samples; discrete: e^-t I_j(t), t = s^2; analytic:
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
		double z = gauss_norm(s);

		for (n = 0; n <= m; n++)
			g[n] = exp(-0.5 * n * n / (s * s)) / z;
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
 * derivative of exp(-x^2 / (2 s^2)) (q_0 = 1, q_{k+1} = q_k' -
 * x q_k / s^2); the weight at -j is (-1)^N w[j].  Cut at the smallest r
 * whose tails hold less than eps times the taps' sum of magnitudes.
 * Returns r, or -1 (s > MAXSIGMA_FIR, r > maxr).
 */
int
tp_blur_taps_order(double s, int order, double eps, double *w, int maxr)
{
	double q[TP_BLUR_MAXORDER + 2] = { 1 }, nq[TP_BLUR_MAXORDER + 2] = { 0 };
	double *g, z, l1, tail;
	int m, r, n, k, i;

	if (order == 0 || s <= 0)
		return tp_blur_taps(TP_BLUR_SAMPLED, s, eps, w, maxr);
	if (s > MAXSIGMA_FIR || order > TP_BLUR_MAXORDER)
		return -1;
	for (k = 0; k < order; k++) {	/* q <- q' - x q / s^2 */
		for (i = 0; i <= k + 1; i++)
			nq[i] = (i + 1 <= k ? (i + 1) * q[i + 1] : 0) -
			    (i >= 1 ? q[i - 1] / (s * s) : 0);
		memcpy(q, nq, sizeof q);
	}
	m = (int)ceil((10 + order) * s) + 2;
	g = tp_emalloc(((size_t)m + 1) * sizeof *g);
	z = gauss_norm(s);
	l1 = 0;
	for (n = 0; n <= m; n++) {
		double p = 0;

		for (i = order; i >= 0; i--)
			p = p * n + q[i];
		g[n] = p * exp(-0.5 * n * n / (s * s)) / z;
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
static int
fir_radius(enum tp_blur_kernel k, double s, int order, double eps)
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

/* --- the engine's state ------------------------------------------------- */

/* Axis i of array index j under the boundary, for an axis of n: the
 * sample the extended signal holds there, or -1 for zero. */
static ptrdiff_t
map_index(ptrdiff_t j, ptrdiff_t n, enum tp_blur_boundary b)
{
	ptrdiff_t p;

	if (j >= 0 && j < n)
		return j;
	switch (b) {
	case TP_BLUR_ZERO:
		return -1;
	case TP_BLUR_NEAREST:
		return j < 0 ? 0 : n - 1;
	case TP_BLUR_WRAP:
		return ((j % n) + n) % n;
	case TP_BLUR_MIRROR:
		if (n == 1)
			return 0;
		p = ((j % (2 * n - 2)) + 2 * n - 2) % (2 * n - 2);
		return p < n ? p : 2 * n - 2 - p;
	default:	/* reflect */
		p = ((j % (2 * n)) + 2 * n) % (2 * n);
		return p < n ? p : 2 * n - 1 - p;
	}
}

struct tp_blur {
	struct tp_blur_opts o;

	/* the problem the state below was made for */
	int valid, single, ndim;
	size_t shape[TP_MAXDIM];
	double sigma[TP_MAXDIM];
	int order[TP_MAXDIM];		/* derivative order per axis */
	int method;			/* TP_BLUR_FFT or TP_BLUR_FIR */

	/* fft: transform along the axes ax[0..nax) of the work array */
	int nax, ax[TP_MAXDIM];
	size_t wshape[TP_MAXDIM];	/* work array (padded) */
	size_t pad[TP_MAXDIM];		/* left padding per axis */
	size_t sshape[TP_MAXDIM];	/* spectrum (complex for wrap) */
	int padded;
	double *resp[TP_MAXDIM];	/* per array axis, or NULL */
	struct tp_fft_plan *fwd, *inv;	/* wrap: all axes at once */
	/* the DCTs: one axis at a time, each either along the array
	 * (direct: the last axis) or on blocks of blk lines gathered apart
	 * (gathered: every other axis, whose strided transforms FFTW does
	 * several times slower) */
	struct tp_fft_plan *afwd[TP_MAXDIM], *ainv[TP_MAXDIM];
	int gathered[TP_MAXDIM];
	/* per axis: the kinds; an odd order goes back through DST-III
	 * (coefficients shifted down by one first) or, for mirror, DST-I on
	 * samples 1..n-2 (ends 0; none at all when n = 2) */
	enum tp_fft_kind fkind[TP_MAXDIM], ikind[TP_MAXDIM];
	int shift[TP_MAXDIM], ioff[TP_MAXDIM], noinv[TP_MAXDIM];
	int rot;			/* wrap: the spectrum times i^rot */
	double wthr;	/* the fused pass skips lines whose other responses
			 * multiply to less than this */
	size_t blk, gstride[TP_MAXDIM];	/* reals between gathered lines */
	void *gbuf[TP_MAXTHREADS];	/* blk x axis length, per thread */
	void *work;			/* padded array, or NULL */
	void *firbuf;			/* the FIR's second buffer */
	void *spec;			/* complex spectrum (wrap), or NULL */
	size_t wcount, scount;

	/* fir: taps per array axis */
	int radius[TP_MAXDIM];
	double *taps[TP_MAXDIM];
};

struct tp_blur *
tp_blur_new(const struct tp_blur_opts *o)
{
	struct tp_blur *b = tp_ecalloc(1, sizeof *b);

	b->o = *o;
	if (b->o.threads < 1)
		b->o.threads = 1;
	if (b->o.threads > TP_MAXTHREADS)
		b->o.threads = TP_MAXTHREADS;
	return b;
}

/* Drop the state made for the last problem. */
static void
reset(struct tp_blur *b)
{
	for (int a = 0; a < TP_MAXDIM; a++) {
		free(b->resp[a]);
		free(b->taps[a]);
		b->resp[a] = NULL;
		b->taps[a] = NULL;
	}
	for (int a = 0; a < TP_MAXDIM; a++) {
		if (b->afwd[a] != NULL)
			tp_fft_plan_free(b->afwd[a]);
		if (b->ainv[a] != NULL)
			tp_fft_plan_free(b->ainv[a]);
		b->afwd[a] = b->ainv[a] = NULL;
	}
	for (int t = 0; t < TP_MAXTHREADS; t++) {
		tp_fft_free(b->gbuf[t]);
		b->gbuf[t] = NULL;
	}
	if (b->fwd != NULL)
		tp_fft_plan_free(b->fwd);
	if (b->inv != NULL)
		tp_fft_plan_free(b->inv);
	tp_fft_free(b->work);
	tp_fft_free(b->spec);
	free(b->firbuf);
	b->firbuf = NULL;
	b->fwd = b->inv = NULL;
	b->work = b->spec = NULL;
	b->valid = 0;
}

void
tp_blur_free(struct tp_blur *b)
{
	if (b == NULL)
		return;
	reset(b);
	free(b);
}

int
tp_blur_last_method(const struct tp_blur *b)
{
	return b->method;
}

/*
 * Whether the fft path transforms axis a (sigma s, length n, derivative
 * order): not when s is 0, nor a length-1 axis that the boundary extends
 * with its own value (blurring it changes nothing, unless a derivative
 * is taken).
 */
static int
fft_axis(enum tp_blur_boundary bnd, double s, size_t n, int order)
{
	return s > 0 && (n > 1 || bnd == TP_BLUR_ZERO || order > 0);
}

/* The padding on each side for nearest and zero: the fft path reflects
 * the padded array, so the interior's first reflection lies 2p + 1
 * samples away and the kernel's tail beyond 2p must be below eps. */
static size_t
pad_for(double s, int order, double eps)
{
	int r = fir_radius(TP_BLUR_SAMPLED, s, order, eps);

	if (r < 0)
		tp_die("sigma %g is too large for the nearest and zero "
		    "boundaries (the padding would exceed 10^6 samples)", s);
	return (size_t)(r + 1) / 2;
}

/* The products of shape[0..a) (outer) and shape[a+1..ndim) (inner): an
 * array of ndim axes seen as outer x shape[a] x inner. */
static void
extent(const size_t *shape, int ndim, int a, size_t *outer, size_t *inner)
{
	*outer = *inner = 1;
	for (int j = 0; j < a; j++)
		*outer *= shape[j];
	for (int j = a + 1; j < ndim; j++)
		*inner *= shape[j];
}

/* The most lines an axis pass gathers at once. */
#define MAXBLK 128

/* --- typed parts -------------------------------------------------------- */

/* For a body written over element size esz, called with a constant
 * esz, so that each element moved is one load and one store. */
#define BY_SIZE static inline __attribute__((always_inline)) void

/*
 * The arithmetic per element type, from blur_typed.h; everything else
 * below works on reals of esz bytes (sizeof(float) or sizeof(double)).
 */
struct blur_ops {
	size_t esz;		/* bytes per real */
	/* o[j] = w[0] lo[0][j] + sum_{k=1..r} w[k] (lo[k][j] + hi[k][j])
	 * for j < cnt, with odd the antisymmetric sum_k w[k] (lo[k][j] -
	 * hi[k][j]); w as made by set_taps; o may not alias the rows */
	void (*fir_line)(void *o, size_t cnt, const void *const *lo,
	    const void *const *hi, const void *w, int r, int odd);
	/* w[k] = taps[k] in the element type, k = 0..r */
	void (*set_taps)(void *w, const double *taps, int r);
	/* a row of len elements of es reals (1 or 2) times wgt h[j] (wgt
	 * alone if h is NULL), then with es = 2 times i^rot */
	void (*scale_row)(void *v, size_t len, size_t es, double wgt,
	    const double *h, int rot);
};

/* Unravel row number row of an array of shape sh (nd axes, rows along
 * the last) into idx[0..nd-1). */
static void
unravel_row(size_t row, int nd, const size_t *sh, size_t *idx)
{
	for (int a = nd - 2; a >= 0; a--) {
		idx[a] = row % sh[a];
		row /= sh[a];
	}
}

/* The per-precision part: BT_REAL is the element type, BT_FN(x) names
 * its functions x_f or x_d. */
#define BT_REAL float
#define BT_FN(x) x##_f
#include "blur_typed.h"
#undef BT_REAL
#undef BT_FN

#define BT_REAL double
#define BT_FN(x) x##_d
#include "blur_typed.h"
#undef BT_REAL
#undef BT_FN

/* --- fir path ----------------------------------------------------------- */

/* One FIR pass along one axis: the array is outer x n x inner, of reals
 * of esz bytes. */
struct fir_ctx {
	const struct blur_ops *ops;
	size_t esz;
	const char *src;
	char *dst;			/* may equal src for a gathering pass */
	size_t outer, n, inner;
	size_t per;		/* samples (rows pass) or lines (gather) per item */
	const void *w;			/* taps, by ops->set_taps */
	int r, odd;		/* radius; antisymmetric taps */
	enum tp_blur_boundary bnd;
	const char *zero;		/* inner zeros */
	const void **ptrs;		/* 2 (r + 1) per thread */
	char *ext;			/* n + 2 r per thread (gather) */
	char *line;			/* n per thread (gather, inner > 1) */
	char *saved;		/* rows pass in place: 2 (r + 1) per lines of
				 * per samples, per thread */
};

/*
 * Rows pass (inner large): item i is one outer index and one block of
 * per samples of the inner extent; each output line of the block is the
 * tap sum over the same block of whole input lines, picked by the
 * boundary.  Going down the lines of a narrow block keeps the 2r + 1
 * input lines it reads in the first-level cache.
 */
static void
fir_rows_item(void *arg, size_t i, int tid)
{
	struct fir_ctx *c = arg;
	size_t es = c->esz, nblk = (c->inner + c->per - 1) / c->per;
	size_t o = i / nblk, c0 = i % nblk * c->per, l, w;
	size_t ls = c->inner * es;
	const void **lo = c->ptrs + (size_t)tid * 2 * ((size_t)c->r + 1);
	const void **hi = lo + c->r + 1;
	const char *base = c->src + (o * c->n * c->inner + c0) * es;
	ptrdiff_t n = (ptrdiff_t)c->n, j, m;
	int k;

	w = c->inner - c0 < c->per ? c->inner - c0 : c->per;
	for (l = 0; l < c->n; l++) {
		for (k = 0; k <= c->r; k++) {
			j = (ptrdiff_t)l - k;
			m = j >= 0 ? j : map_index(j, n, c->bnd);
			lo[k] = m < 0 ? c->zero : base + (size_t)m * ls;
			j = (ptrdiff_t)l + k;
			m = j < n ? j : map_index(j, n, c->bnd);
			hi[k] = m < 0 ? c->zero : base + (size_t)m * ls;
		}
		c->ops->fir_line(c->dst + ((o * c->n + l) * c->inner + c0) *
		    es, w, lo, hi, c->w, c->r, c->odd);
	}
}

/* Whether a rows pass along an axis of n samples at radius r can run in
 * place: then every input line an output line needs and that was
 * overwritten already is one of the r before it or one of lines 0..r
 * (for every boundary; checked for all n >= 2r + 2 up to r = 13). */
static int
rows_in_place(size_t n, int r)
{
	return n >= 2 * (size_t)r + 2;
}

/*
 * Rows pass in place (rows_in_place): as fir_rows_item, but the output
 * overwrites the input, line by line down the block.  Before line l is
 * overwritten, its input is saved in a ring of the last r + 1 lines and,
 * for l <= r, among the first r + 1 lines, where the boundary reaches
 * back to.
 */
static void
fir_rows_inplace_item(void *arg, size_t i, int tid)
{
	struct fir_ctx *c = arg;
	size_t es = c->esz, nblk = (c->inner + c->per - 1) / c->per;
	size_t r1 = (size_t)c->r + 1, ls = c->inner * es, ps = c->per * es;
	size_t o = i / nblk, c0 = i % nblk * c->per, l, w;
	const void **lo = c->ptrs + (size_t)tid * 2 * r1, **hi = lo + r1;
	char *ring = c->saved + (size_t)tid * 2 * r1 * ps;
	char *head = ring + r1 * ps;
	char *base = c->dst + (o * c->n * c->inner + c0) * es;
	ptrdiff_t n = (ptrdiff_t)c->n, j, m;
	int k;

	w = c->inner - c0 < c->per ? c->inner - c0 : c->per;
	for (l = 0; l < c->n; l++) {
		char *in = base + l * ls;

		memcpy(ring + l % r1 * ps, in, w * es);
		if (l < r1)
			memcpy(head + l * ps, in, w * es);
		for (k = 0; k <= c->r; k++) {
			for (int side = 0; side < 2; side++) {
				const char *at;

				j = side ? (ptrdiff_t)l + k : (ptrdiff_t)l - k;
				m = j >= 0 && j < n ? j : map_index(j, n, c->bnd);
				if (m < 0)
					at = c->zero;
				else if ((size_t)m > l)
					at = base + (size_t)m * ls;
				else if ((size_t)m + r1 > l)
					at = ring + (size_t)m % r1 * ps;
				else
					at = head + (size_t)m * ps;
				if (side)
					hi[k] = at;
				else
					lo[k] = at;
			}
		}
		c->ops->fir_line(in, w, lo, hi, c->w, c->r, c->odd);
	}
}

/*
 * Gathering pass (inner small, or 1): item i is a block of lines, each
 * (outer index, inner index) picked apart with stride inner into an
 * extended line of n + 2r samples, filtered, and put back.  Reals of es
 * bytes (a constant: fir_gather_item).
 */
BY_SIZE
fir_gather_lines(struct fir_ctx *c, size_t i, int tid, size_t es)
{
	size_t nl = c->outer * c->inner, l, l1, o, q, p;
	size_t r = (size_t)c->r, n = c->n, in = c->inner;
	const void **lo = c->ptrs + (size_t)tid * 2 * (r + 1);
	const void **hi = lo + r + 1;
	char *ext = c->ext + (size_t)tid * (n + 2 * r) * es;
	char *line = c->line + (size_t)tid * n * es;
	ptrdiff_t m;
	size_t k;

	l1 = (i + 1) * c->per < nl ? (i + 1) * c->per : nl;
	for (k = 0; k <= r; k++) {
		lo[k] = ext + (r - k) * es;
		hi[k] = ext + (r + k) * es;
	}
	for (l = i * c->per; l < l1; l++) {
		const char *s;
		char *d;

		o = l / in;
		q = l % in;
		s = c->src + (o * n * in + q) * es;
		d = c->dst + (o * n * in + q) * es;
		/* the line itself, then its extension at either end */
		if (in == 1)
			memcpy(ext + r * es, s, n * es);
		else
			for (p = 0; p < n; p++)
				memcpy(ext + (r + p) * es, s + p * in * es, es);
		for (p = 0; p < r; p++) {
			char *e = ext + p * es;

			m = map_index((ptrdiff_t)p - (ptrdiff_t)r,
			    (ptrdiff_t)n, c->bnd);
			if (m < 0)
				memset(e, 0, es);
			else
				memcpy(e, ext + (r + (size_t)m) * es, es);
			e = ext + (r + n + p) * es;
			m = map_index((ptrdiff_t)(n + p), (ptrdiff_t)n, c->bnd);
			if (m < 0)
				memset(e, 0, es);
			else
				memcpy(e, ext + (r + (size_t)m) * es, es);
		}
		if (in == 1) {
			c->ops->fir_line(d, n, lo, hi, c->w, c->r, c->odd);
		} else {
			c->ops->fir_line(line, n, lo, hi, c->w, c->r, c->odd);
			for (p = 0; p < n; p++)
				memcpy(d + p * in * es, line + p * es, es);
		}
	}
}

/* The tp_parallel item of fir_gather_lines. */
static void
fir_gather_item(void *arg, size_t i, int tid)
{
	struct fir_ctx *c = arg;

	if (c->esz == sizeof(float))
		fir_gather_lines(c, i, tid, sizeof(float));
	else
		fir_gather_lines(c, i, tid, sizeof(double));
}

/* Bytes of a line per item of a rows pass (a multiple of 4 vectors). */
#define ROWS_BYTES 1024

/* Below this many samples per line, a pass gathers lines apart. */
#define GATHER_INNER 16

/* Whether the FIR pass of axis a changes anything: sigma > 0, and not a
 * length-1 axis extended by its own value. */
static int
fir_needed(const struct tp_blur *b, int a)
{
	return b->sigma[a] > 0 && (b->shape[a] > 1 ||
	    b->o.boundary == TP_BLUR_ZERO || b->order[a] > 0);
}

/* Blur data (b's problem, reals of ops's type) by the FIR passes, one
 * per blurred axis; the result ends in data. */
static void
run_fir(struct tp_blur *b, const struct blur_ops *ops, void *data)
{
	size_t count = 1, inner, outer, es = ops->esz;
	char *bufs[2], *cur = data;
	int a, nrows = 0, ngather = 0, gather_out = 0, th = b->o.threads;

	for (a = 0; a < b->ndim; a++)
		count *= b->shape[a];
	for (a = 0; a < b->ndim; a++) {
		if (!fir_needed(b, a))
			continue;
		extent(b->shape, b->ndim, a, &outer, &inner);
		if (inner < GATHER_INNER)
			ngather++;
		else if (!rows_in_place(b->shape[a], b->radius[a]))
			nrows++;
	}
	/* rows passes on short axes swap buffers; an odd number of them is
	 * evened out by one gathering pass out of place, else by a copy at
	 * the end (the others, and gathering passes, run in place) */
	gather_out = nrows % 2 == 1 && ngather > 0;
	bufs[0] = data;
	bufs[1] = NULL;
	if (nrows > 0 || gather_out) {
		if (b->firbuf == NULL)
			b->firbuf = tp_big_alloc(count * es);
		bufs[1] = b->firbuf;
	}
	for (a = 0; a < b->ndim; a++) {
		struct fir_ctx c;
		size_t nitems;
		int r = b->radius[a];
		void *wt;

		if (!fir_needed(b, a))
			continue;
		memset(&c, 0, sizeof c);
		extent(b->shape, b->ndim, a, &outer, &inner);
		c.ops = ops;
		c.esz = es;
		c.src = cur;
		c.outer = outer;
		c.n = b->shape[a];
		c.inner = inner;
		c.r = r;
		c.odd = b->order[a] % 2;
		c.bnd = b->o.boundary;
		wt = tp_emalloc(((size_t)r + 1) * es);
		ops->set_taps(wt, b->taps[a], r);
		c.w = wt;
		c.ptrs = tp_emalloc((size_t)th * 2 * ((size_t)r + 1) *
		    sizeof *c.ptrs);
		if (inner < GATHER_INNER) {
			int out_of_place = gather_out;

			gather_out = 0;
			c.dst = out_of_place ? (cur == bufs[0] ? bufs[1] :
			    bufs[0]) : cur;
			c.ext = tp_emalloc((size_t)th * (c.n + 2 * (size_t)r) *
			    es);
			c.line = tp_emalloc((size_t)th * c.n * es);
			c.per = 1 + 16384 / (c.n + 2 * (size_t)r);
			nitems = (outer * inner + c.per - 1) / c.per;
			tp_parallel(th, nitems, fir_gather_item, &c);
			tp_timing_stamp("fir gathering pass");
			free(c.ext);
			free(c.line);
			cur = c.dst;
		} else if (rows_in_place(c.n, r)) {
			char *z = tp_ecalloc(ROWS_BYTES / es, es);

			c.zero = z;
			c.dst = cur;
			c.per = ROWS_BYTES / es;
			c.saved = tp_emalloc((size_t)th * 2 * ((size_t)r + 1) *
			    c.per * es);
			nitems = outer * ((inner + c.per - 1) / c.per);
			tp_parallel(th, nitems, fir_rows_inplace_item, &c);
			tp_timing_stamp("fir rows pass in place");
			free(c.saved);
			free(z);
		} else {
			char *z = tp_ecalloc(inner, es);

			c.zero = z;
			c.dst = cur == bufs[0] ? bufs[1] : bufs[0];
			c.per = ROWS_BYTES / es;
			nitems = outer * ((inner + c.per - 1) / c.per);
			tp_parallel(th, nitems, fir_rows_item, &c);
			tp_timing_stamp("fir rows pass");
			free(z);
			cur = c.dst;
		}
		free(wt);
		free(c.ptrs);
	}
	if (cur != data)
		memcpy(data, cur, count * es);
}

/* --- fft path ----------------------------------------------------------- */

struct fft_ctx {
	const struct tp_blur *b;
	const struct blur_ops *ops;
	size_t esz;		/* bytes per real */
	char *src, *dst;	/* pad: data -> work; unpad: work -> data */
	char *spec;		/* multiply: the spectrum */
	size_t es;		/* reals per spectrum element */
	size_t per;		/* rows per item */
	size_t nrows;
};

/* Multiply rows of the spectrum by the product of the axis responses. */
static void
mul_item(void *arg, size_t i, int tid)
{
	struct fft_ctx *c = arg;
	const struct tp_blur *b = c->b;
	int nd = b->ndim, a;
	size_t idx[TP_MAXDIM], row, len = b->sshape[nd - 1];
	size_t r1 = (i + 1) * c->per < c->nrows ? (i + 1) * c->per : c->nrows;

	(void)tid;
	for (row = i * c->per; row < r1; row++) {
		double wgt = 1;

		unravel_row(row, nd, b->sshape, idx);
		for (a = 0; a < nd - 1; a++)
			if (b->resp[a] != NULL)
				wgt *= b->resp[a][idx[a]];
		c->ops->scale_row(c->spec + row * len * c->es * c->esz, len,
		    c->es, wgt, b->resp[nd - 1], b->rot);
	}
}

/*
 * Shift the work array w (reals of es bytes) down by one along axis a
 * (sample k + 1 to k, the last 0): DCT-II coefficients 1..n-1 become the
 * DST-III input of an odd derivative.
 */
static void
shift_axis(const struct tp_blur *b, char *w, int a, size_t es)
{
	size_t outer, inner, n = b->wshape[a], o;

	extent(b->wshape, b->ndim, a, &outer, &inner);
	for (o = 0; o < outer; o++) {
		char *p = w + o * n * inner * es;

		memmove(p, p + inner * es, (n - 1) * inner * es);
		memset(p + (n - 1) * inner * es, 0, inner * es);
	}
}

/* Samples 0 and n-1 of every line of axis a of w (reals of es bytes) set
 * to 0 (after a DST-I on samples 1..n-2), or the whole line when the
 * axis has no inverse. */
static void
zero_ends(const struct tp_blur *b, char *w, int a, size_t es)
{
	size_t outer, inner, n = b->wshape[a], o;

	extent(b->wshape, b->ndim, a, &outer, &inner);
	for (o = 0; o < outer; o++) {
		char *p = w + o * n * inner * es;

		if (b->noinv[a]) {
			memset(p, 0, n * inner * es);
			continue;
		}
		memset(p, 0, inner * es);
		memset(p + (n - 1) * inner * es, 0, inner * es);
	}
}

/*
 * Pad: fill rows of the work array from data, extended by the boundary
 * (nearest: the edge value; zero: 0), the data at offset pad on each
 * axis.  Unpad (c->dst == data): copy the interior back.  Reals of es
 * bytes (a constant: pad_item).
 */
BY_SIZE
pad_rows(struct fft_ctx *c, size_t i, size_t es)
{
	const struct tp_blur *b = c->b;
	int nd = b->ndim, a, unpad = c->src == b->work;
	int zb = b->o.boundary == TP_BLUR_ZERO;
	size_t idx[TP_MAXDIM], row, off, p;
	size_t r1 = (i + 1) * c->per < c->nrows ? (i + 1) * c->per : c->nrows;
	size_t wn = b->wshape[nd - 1], n = b->shape[nd - 1], pl = b->pad[nd - 1];

	for (row = i * c->per; row < r1; row++) {
		int zero = 0, outside = 0;

		unravel_row(row, nd, b->wshape, idx);
		off = 0;
		for (a = 0; a < nd - 1; a++) {
			ptrdiff_t m, j = (ptrdiff_t)idx[a] -
			    (ptrdiff_t)b->pad[a];

			if (j < 0 || j >= (ptrdiff_t)b->shape[a])
				outside = 1;
			m = map_index(j, (ptrdiff_t)b->shape[a], b->o.boundary);
			if (m < 0)
				zero = 1;
			else
				off = off * b->shape[a] + (size_t)m;
		}
		if (unpad) {
			if (!outside)
				memcpy(c->dst + off * n * es,
				    c->src + (row * wn + pl) * es, n * es);
			continue;
		}
		char *d = c->dst + row * wn * es;
		const char *s = c->src + off * n * es;

		if (zero) {
			memset(d, 0, wn * es);
			continue;
		}
		if (zb) {
			memset(d, 0, pl * es);
			memset(d + (pl + n) * es, 0, (wn - pl - n) * es);
		} else {
			for (p = 0; p < pl; p++)
				memcpy(d + p * es, s, es);
			for (p = pl + n; p < wn; p++)
				memcpy(d + p * es, s + (n - 1) * es, es);
		}
		memcpy(d + pl * es, s, n * es);
	}
}

/* The tp_parallel item of pad_rows. */
static void
pad_item(void *arg, size_t i, int tid)
{
	struct fft_ctx *c = arg;

	(void)tid;
	if (c->esz == sizeof(float))
		pad_rows(c, i, sizeof(float));
	else
		pad_rows(c, i, sizeof(double));
}

/* One DCT pass along axis a: gather blocks of blk lines apart. */
struct axis_ctx {
	struct tp_blur *b;
	const struct blur_ops *ops;
	char *w;
	int a, inverse;
	int fuse;		/* forward, multiply by the response, inverse */
	size_t n, inner, nlines;
};

/* The product of the responses of every axis but a at line l of axis a
 * (outer index l / inner, inner index l % inner). */
static double
line_weight(const struct tp_blur *b, int a, size_t l, size_t inner)
{
	size_t o = l / inner, q = l % inner;
	double w = 1;
	int x;

	for (x = b->ndim - 1; x > a; x--) {
		if (b->resp[x] != NULL)
			w *= b->resp[x][q % b->wshape[x]];
		q /= b->wshape[x];
	}
	for (x = a - 1; x >= 0; x--) {
		if (b->resp[x] != NULL)
			w *= b->resp[x][o % b->wshape[x]];
		o /= b->wshape[x];
	}
	return w;
}

/*
 * Lines i blk .. i blk + blk - 1 of axis a (line l: outer index
 * l / inner, inner index l % inner; the lines of one outer index lie side
 * by side): gather into this thread's buffer, transform (or transform,
 * multiply and transform back), scatter back.  Reals of es bytes (a
 * constant: axis_item).
 */
BY_SIZE
axis_lines(struct axis_ctx *c, size_t i, int tid, size_t es)
{
	struct tp_blur *b = c->b;
	size_t blk = b->blk, n = c->n, in = c->inner, ns = b->gstride[c->a];
	size_t l0 = i * blk, cnt, k, j, ls = ns * es, ks = in * es;
	size_t io = (size_t)b->ioff[c->a] * es;
	char *buf = b->gbuf[tid];
	char *at[MAXBLK];
	double wts[MAXBLK];
	int oneblock;

	cnt = c->nlines - l0 < blk ? c->nlines - l0 : blk;
	if (cnt < blk)
		memset(buf + cnt * ls, 0, (blk - cnt) * ls);
	/* where each line starts; one outer index: side by side */
	for (j = 0; j < cnt; j++)
		at[j] = c->w + ((l0 + j) / in * n * in + (l0 + j) % in) * es;
	oneblock = l0 % in + cnt <= in;
	if (c->fuse) {
		/* the other axes' responses; lines where they are below
		 * the working precision come out 0 without transforms (most
		 * of them at a large sigma) */
		int live = 0;

		for (j = 0; j < cnt; j++) {
			wts[j] = line_weight(b, c->a, l0 + j, in);
			live += fabs(wts[j]) >= b->wthr;
		}
		if (live == 0) {
			for (k = 0; k < n; k++)
				for (j = 0; j < cnt; j++)
					memset(at[j] + k * ks, 0, es);
			return;
		}
	}
	if (oneblock) {
		for (k = 0; k < n; k++) {
			const char *s = at[0] + k * ks;

			for (j = 0; j < cnt; j++)
				memcpy(buf + j * ls + k * es, s + j * es, es);
		}
	} else {
		for (j = 0; j < cnt; j++)
			for (k = 0; k < n; k++)
				memcpy(buf + j * ls + k * es, at[j] + k * ks,
				    es);
	}
	if (c->fuse) {
		const double *h = b->resp[c->a];

		tp_fft_execute(b->afwd[c->a], buf, buf);
		for (j = 0; j < cnt; j++) {
			double wj = fabs(wts[j]) >= b->wthr ? wts[j] : 0;
			char *v = buf + j * ls;

			c->ops->scale_row(v, n, 1, wj, h, 0);
			if (b->shift[c->a]) {
				memmove(v, v + es, (n - 1) * es);
				memset(v + (n - 1) * es, 0, es);
			}
		}
	} else if (!c->inverse) {
		tp_fft_execute(b->afwd[c->a], buf, buf);
	}
	if (c->fuse || c->inverse) {
		if (b->ainv[c->a] != NULL)
			tp_fft_execute(b->ainv[c->a], buf + io, buf + io);
		if (b->ioff[c->a])
			for (j = 0; j < cnt; j++) {
				char *v = buf + j * ls;

				if (b->noinv[c->a])
					memset(v, 0, n * es);
				memset(v, 0, es);
				memset(v + (n - 1) * es, 0, es);
			}
	}
	if (oneblock) {
		for (k = 0; k < n; k++) {
			char *d = at[0] + k * ks;

			for (j = 0; j < cnt; j++)
				memcpy(d + j * es, buf + j * ls + k * es, es);
		}
	} else {
		for (j = 0; j < cnt; j++)
			for (k = 0; k < n; k++)
				memcpy(at[j] + k * ks, buf + j * ls + k * es,
				    es);
	}
}

/* The tp_parallel item of axis_lines. */
static void
axis_item(void *arg, size_t i, int tid)
{
	struct axis_ctx *c = arg;

	if (c->ops->esz == sizeof(float))
		axis_lines(c, i, tid, sizeof(float));
	else
		axis_lines(c, i, tid, sizeof(double));
}

/* The DCT (or its inverse) of w along axis a; with inverse = 2 (a
 * gathered axis only) the DCT, the multiply by the whole response and
 * the inverse DCT in one pass. */
static void
axis_pass(struct tp_blur *b, const struct blur_ops *ops, char *w, int a,
    int inverse)
{
	struct axis_ctx c;
	size_t outer;

	if (!b->gathered[a]) {
		if (!inverse) {
			tp_fft_execute(b->afwd[a], w, w);
		} else {
			size_t io = (size_t)b->ioff[a] * ops->esz;

			if (b->ainv[a] != NULL)
				tp_fft_execute(b->ainv[a], w + io, w + io);
			if (b->ioff[a])
				zero_ends(b, w, a, ops->esz);
		}
		tp_timing_stamp(inverse ? "inverse axis" : "forward axis");
		return;
	}
	c.b = b;
	c.ops = ops;
	c.w = w;
	c.a = a;
	c.inverse = inverse == 1;
	c.fuse = inverse == 2;
	c.n = b->wshape[a];
	extent(b->wshape, b->ndim, a, &outer, &c.inner);
	c.nlines = outer * c.inner;
	tp_parallel(b->o.threads, (c.nlines + b->blk - 1) / b->blk,
	    axis_item, &c);
	tp_timing_stamp(inverse == 2 ? "fused gathered axis" : inverse ?
	    "inverse gathered axis" : "forward gathered axis");
}

/* Blur data (b's problem, reals of ops's type) through the transforms. */
static void
run_fft(struct tp_blur *b, const struct blur_ops *ops, void *data)
{
	struct fft_ctx c;
	int nd = b->ndim, th = b->o.threads;
	size_t es = ops->esz;
	char *w = b->padded ? b->work : data;

	memset(&c, 0, sizeof c);
	c.b = b;
	c.ops = ops;
	c.esz = es;
	if (b->padded) {
		c.src = data;
		c.dst = b->work;
		c.nrows = b->wcount / b->wshape[nd - 1];
		c.per = 1 + 16384 / b->wshape[nd - 1];
		tp_parallel(th, (c.nrows + c.per - 1) / c.per, pad_item, &c);
	}
	if (b->o.boundary == TP_BLUR_WRAP) {
		tp_fft_execute(b->fwd, data, b->spec);
		c.spec = b->spec;
		c.es = 2;
		c.nrows = b->scount / b->sshape[nd - 1];
		c.per = 1 + 16384 / (b->sshape[nd - 1] * c.es);
		tp_parallel(th, (c.nrows + c.per - 1) / c.per, mul_item, &c);
		tp_timing_stamp("multiply");
		tp_fft_execute(b->inv, b->spec, data);
	} else {
		for (int i = b->nax - 1; i >= 1; i--)
			axis_pass(b, ops, w, b->ax[i], 0);
		if (b->gathered[b->ax[0]]) {
			/* forward, multiply, shift, inverse of ax[0] */
			axis_pass(b, ops, w, b->ax[0], 2);
			for (int i = 1; i < b->nax; i++)
				if (b->shift[b->ax[i]])
					shift_axis(b, w, b->ax[i], es);
		} else {
			axis_pass(b, ops, w, b->ax[0], 0);
			c.spec = w;
			c.es = 1;
			c.nrows = b->scount / b->sshape[nd - 1];
			c.per = 1 + 16384 / b->sshape[nd - 1];
			tp_parallel(th, (c.nrows + c.per - 1) / c.per,
			    mul_item, &c);
			tp_timing_stamp("multiply");
			for (int i = 0; i < b->nax; i++)
				if (b->shift[b->ax[i]])
					shift_axis(b, w, b->ax[i], es);
			axis_pass(b, ops, w, b->ax[0], 1);
		}
		for (int i = 1; i < b->nax; i++)
			axis_pass(b, ops, w, b->ax[i], 1);
	}
	if (b->padded) {
		c.src = b->work;
		c.dst = data;
		c.nrows = b->wcount / b->wshape[nd - 1];
		c.per = 1 + 16384 / b->wshape[nd - 1];
		tp_parallel(th, (c.nrows + c.per - 1) / c.per, pad_item, &c);
	}
}

/* --- cost model (bench/tblur-cost-model.md) ----------------------------- */

/*
 * Wall seconds on two threads (bench/tblur-cost-model.md): per output
 * and tap pair of the FIR and per output of each FIR pass, [double,
 * float]; per sample and log2 of the transform lengths for the DCT path
 * (the wrap path's r2c does half the work).  Other thread counts scale
 * by 2 / threads.
 */
static const double c_tap[2] = { 0.30e-9, 0.11e-9 };
static const double c_out = 0.1e-9;
static const double c_fft[2] = { 0.9e-9, 0.75e-9 };

double
tp_blur_cost(const struct tp_blur *b, int method, int single, int ndim,
    const size_t *shape, const double *sigma, const int *order)
{
	double eps = single ? EPS_F32 : EPS_F64, t = 0, count = 1, w = 1,
	    lg = 0, lg0 = 0, live = 1;
	int a, r, first = -1;

	for (a = 0; a < ndim; a++)
		count *= (double)shape[a];
	if (method == TP_BLUR_FIR) {
		for (a = 0; a < ndim; a++) {
			if (sigma[a] <= 0)
				continue;
			r = fir_radius(b->o.kernel, sigma[a],
			    order ? order[a] : 0, eps);
			if (r < 0)
				return HUGE_VAL;
			t += count * ((r + 1) * c_tap[single] + c_out);
		}
		return t * 2 / b->o.threads;
	}
	for (a = 0; a < ndim; a++) {
		double n = (double)shape[a], l;

		if (!fft_axis(b->o.boundary, sigma[a], shape[a],
		    order ? order[a] : 0))
			continue;
		if (b->o.boundary == TP_BLUR_NEAREST ||
		    b->o.boundary == TP_BLUR_ZERO)
			n = (double)tp_fft_fast_len(TP_FFT_DCT2, shape[a] + 2 *
			    pad_for(sigma[a], order ? order[a] : 0, eps));
		w *= n / (double)shape[a];
		l = log2(n > 2 ? n : 2);
		if (first < 0) {
			first = a;
			lg0 = l;
		} else {
			lg += l;
			/* the share of frequencies where the response is
			 * above the skipping threshold (2^-17 eps) */
			live *= fmin(1, 2 * sqrt((single ? 41 : 70) * M_LN2 /
			    2) / (M_PI * sigma[a]));
		}
	}
	/* the first transformed axis, fused with the multiply, skips the
	 * lines whose other responses are negligible (not under wrap, nor
	 * when it is the last axis) */
	if (b->o.boundary == TP_BLUR_WRAP || first == ndim - 1)
		live = 1;
	t = count * w * (lg + lg0 * live) * c_fft[single] *
	    (b->o.boundary == TP_BLUR_WRAP ? 0.5 : 1);
	return t * 2 / b->o.threads;
}

/* --- set-up per problem ------------------------------------------------- */

/* Make the FIR taps for the problem in b. */
static void
setup_fir(struct tp_blur *b, double eps)
{
	for (int a = 0; a < b->ndim; a++) {
		double s = b->sigma[a];
		int m;

		if (s <= 0)
			continue;
		if (s > MAXSIGMA_FIR)
			tp_die("no FIR taps for the %s kernel at sigma %g",
			    kernel_names[b->o.kernel], s);
		m = (int)ceil((10 + b->order[a]) * s) + 13;
		b->taps[a] = tp_emalloc((size_t)m * sizeof(double));
		b->radius[a] = b->order[a] > 0 ? tp_blur_taps_order(s,
		    b->order[a], eps, b->taps[a], m - 1) :
		    tp_blur_taps(b->o.kernel, s, eps, b->taps[a], m - 1);
		if (b->radius[a] < 0)
			tp_die("no FIR taps for the %s kernel at sigma %g",
			    kernel_names[b->o.kernel], s);
	}
}

/* Plan a DCT/DST of this kind along axis a of the work array w: along
 * the array (the last axis), or on blk gathered lines of stride
 * gstride[a]; n points from offset off of each line. */
static struct tp_fft_plan *
axis_plan(struct tp_blur *b, enum tp_fft_kind kind, int a, size_t n,
    int off, void *w)
{
	struct tp_fft_problem pb;
	size_t es = b->single ? sizeof(float) : sizeof(double), rows = 1;
	char *base;

	memset(&pb, 0, sizeof pb);
	pb.rank = 1;
	pb.dims[0].n = n;
	pb.dims[0].is = pb.dims[0].os = 1;
	pb.nloop = 1;
	if (b->gathered[a]) {
		pb.loop[0].n = b->blk;
		pb.loop[0].is = pb.loop[0].os = (ptrdiff_t)b->gstride[a];
		base = (char *)b->gbuf[0] + (size_t)off * es;
		return tp_fft_plan_new(kind, b->single, &pb, 1,
		    TP_FFT_INPLACE, base, base);
	}
	for (int j = 0; j < a; j++)
		rows *= b->wshape[j];
	pb.loop[0].n = rows;
	pb.loop[0].is = pb.loop[0].os = (ptrdiff_t)b->wshape[a];
	base = (char *)w + (size_t)off * es;
	return tp_fft_plan_new(kind, b->single, &pb, 0, TP_FFT_INPLACE, base,
	    base);
}

/* Make the work shape, responses and plans of the fft path for the
 * problem in b, whose data is at data (for alignment). */
static void
setup_fft(struct tp_blur *b, void *data, double eps)
{
	enum tp_blur_boundary bnd = b->o.boundary;
	struct tp_fft_problem pb;
	size_t es = b->single ? sizeof(float) : sizeof(double), k, n, len;
	int a, i, last, nd = b->ndim;
	double norm;

	b->nax = 0;
	b->rot = 0;
	b->padded = bnd == TP_BLUR_NEAREST || bnd == TP_BLUR_ZERO;
	for (a = 0; a < nd; a++) {
		b->wshape[a] = b->shape[a];
		b->pad[a] = 0;
		if (!fft_axis(bnd, b->sigma[a], b->shape[a], b->order[a]))
			continue;
		b->ax[b->nax++] = a;
		b->rot += b->order[a];
		if (b->padded) {
			b->pad[a] = pad_for(b->sigma[a], b->order[a], eps);
			b->wshape[a] = tp_fft_fast_len(TP_FFT_DCT2,
			    b->shape[a] + 2 * b->pad[a]);
			if (b->wshape[a] == 0)
				tp_die("axis %d of %zu with sigma %g needs a "
				    "transform too long to make", a,
				    b->shape[a], b->sigma[a]);
		}
	}
	if (b->nax == 0)
		return;
	last = b->ax[b->nax - 1];
	b->wcount = 1;
	for (a = 0; a < nd; a++) {
		b->sshape[a] = b->wshape[a];
		if (bnd == TP_BLUR_WRAP && a == last)
			b->sshape[a] = b->wshape[a] / 2 + 1;
		if (b->wcount > SIZE_MAX / 2 / b->wshape[a])
			tp_die("the padded array is too large");
		b->wcount *= b->wshape[a];
	}
	b->scount = 1;
	for (a = 0; a < nd; a++)
		b->scount *= b->sshape[a];
	if (b->padded)
		b->work = tp_fft_alloc(b->wcount * es);
	if (bnd == TP_BLUR_WRAP)
		b->spec = tp_fft_alloc(b->scount * 2 * es);

	/* plans: wrap r2c into spec, all axes at once; else one axis at a
	 * time in place on the work array */
	if (bnd == TP_BLUR_WRAP) {
		tp_fft_problem_axes(&pb, TP_FFT_R2C, nd, b->wshape, b->nax,
		    b->ax, 0);
		b->fwd = tp_fft_plan_new(TP_FFT_R2C, b->single, &pb, 0, 0,
		    data, b->spec);
		tp_fft_problem_axes(&pb, TP_FFT_C2R, nd, b->wshape, b->nax,
		    b->ax, 0);
		b->inv = tp_fft_plan_new(TP_FFT_C2R, b->single, &pb, 0,
		    TP_FFT_DESTROY, b->spec, data);
	} else {
		void *w = b->padded ? b->work : data;
		size_t inner, maxn = 0;

		b->blk = MAXBLK * sizeof(float) / es;	/* 512 bytes */
		for (i = 0; i < b->nax; i++) {
			int odd;

			a = b->ax[i];
			n = b->wshape[a];
			odd = b->order[a] % 2;
			inner = 1;
			for (int j = a + 1; j < nd; j++)
				inner *= b->wshape[j];
			b->gathered[a] = inner > 1;
			b->shift[a] = b->ioff[a] = b->noinv[a] = 0;
			if (bnd == TP_BLUR_MIRROR && n >= 2) {
				b->fkind[a] = TP_FFT_DCT1;
				b->ikind[a] = odd ? TP_FFT_DST1 : TP_FFT_DCT1;
				b->ioff[a] = odd;
				b->noinv[a] = odd && n == 2;
			} else {
				b->fkind[a] = TP_FFT_DCT2;
				b->ikind[a] = odd ? TP_FFT_DST3 : TP_FFT_DCT3;
				b->shift[a] = odd;
			}
			if (b->gathered[a]) {
				/* lines 64 bytes longer than the axis, so that
				 * a power-of-two length does not put every
				 * line in one cache set */
				b->gstride[a] = n + 64 / es;
				if (b->gstride[a] > maxn) {
					maxn = b->gstride[a];
					for (int t = 0; t < b->o.threads; t++) {
						tp_fft_free(b->gbuf[t]);
						b->gbuf[t] = tp_fft_alloc(
						    b->blk * maxn * es);
					}
				}
			}
			b->afwd[a] = axis_plan(b, b->fkind[a], a, n, 0, w);
			if (!b->noinv[a])
				b->ainv[a] = axis_plan(b, b->ikind[a], a,
				    n - 2 * (size_t)b->ioff[a], b->ioff[a], w);
		}
	}

	/* responses (real: divided by i^order for wrap, whose spectrum is
	 * turned by i^rot instead; times the DCT/DST sign otherwise), with
	 * 1 / norm folded into the first axis's */
	if (bnd == TP_BLUR_WRAP) {
		norm = tp_fft_plan_norm(b->fwd);
	} else {
		norm = 1;
		for (i = 0; i < b->nax; i++)
			norm *= tp_fft_plan_norm(b->afwd[b->ax[i]]);
	}
	for (i = 0; i < b->nax; i++) {
		int ord, sign = 1;

		a = b->ax[i];
		ord = b->order[a];
		n = b->wshape[a];
		len = b->sshape[a];
		if (bnd != TP_BLUR_WRAP)
			sign = ord % 2 == 0 ? (ord / 2 % 2 ? -1 : 1) :
			    ((ord + 1) / 2 % 2 ? -1 : 1);
		b->resp[a] = tp_emalloc(len * sizeof(double));
		for (k = 0; k < len; k++) {
			double f;

			if (bnd == TP_BLUR_WRAP)
				f = k <= n / 2 ? (double)k / (double)n :
				    ((double)k - (double)n) / (double)n;
			else if (b->fkind[a] == TP_FFT_DCT1)
				f = (double)k / (2.0 * (double)(n - 1));
			else
				f = (double)k / (2.0 * (double)n);
			b->resp[a][k] = sign * tp_blur_response_order(
			    b->o.kernel, b->sigma[a], ord, f) /
			    (i == 0 ? norm : 1);
		}
	}
	/* a product of the other axes' responses below the working
	 * precision's 2^-17 part of its largest value changes nothing */
	b->wthr = b->single ? 0x1p-41 : 0x1p-70;
	for (i = 1; i < b->nax; i++) {
		double mx = 0;

		a = b->ax[i];
		for (k = 0; k < b->sshape[a]; k++)
			mx = fmax(mx, fabs(b->resp[a][k]));
		b->wthr *= mx;
	}
}

/* Whether b's state was made for this problem. */
static int
same_problem(const struct tp_blur *b, int single, int ndim,
    const size_t *shape, const double *sigma, const int *order)
{
	if (!b->valid || b->single != single || b->ndim != ndim)
		return 0;
	for (int a = 0; a < ndim; a++)
		if (b->shape[a] != shape[a] || b->sigma[a] != sigma[a] ||
		    b->order[a] != (order ? order[a] : 0))
			return 0;
	return 1;
}

void
tp_blur_run(struct tp_blur *b, void *data, int single, int ndim,
    const size_t *shape, const double *sigma, const int *order)
{
	double eps = single ? EPS_F32 : EPS_F64;
	const struct blur_ops *ops = single ? &blur_ops_f : &blur_ops_d;
	size_t count = 1;
	int a;

	for (a = 0; a < ndim; a++)
		count *= shape[a];
	if (!same_problem(b, single, ndim, shape, sigma, order)) {
		reset(b);
		b->single = single;
		b->ndim = ndim;
		memcpy(b->shape, shape, (size_t)ndim * sizeof *shape);
		memcpy(b->sigma, sigma, (size_t)ndim * sizeof *sigma);
		for (a = 0; a < ndim; a++)
			b->order[a] = order ? order[a] : 0;
		b->method = b->o.method;
		if (b->method == TP_BLUR_AUTO)
			b->method = tp_blur_cost(b, TP_BLUR_FIR, single, ndim,
			    shape, sigma, order) <= tp_blur_cost(b,
			    TP_BLUR_FFT, single, ndim, shape, sigma, order) ?
			    TP_BLUR_FIR : TP_BLUR_FFT;
		if (b->method == TP_BLUR_FIR)
			setup_fir(b, eps);
		else if (count > 0)
			setup_fft(b, data, eps);
		b->valid = 1;
	}
	if (count == 0)
		return;
	tp_timing_stamp("run");
	if (b->method == TP_BLUR_FIR)
		run_fir(b, ops, data);
	else if (b->nax > 0)
		run_fft(b, ops, data);
	tp_timing_stamp("done");
}

/* The sRGB transfer functions on [0, 1], extended oddly to negatives:
 * encoded to linear light, and back. */
static double
srgb_to_linear(double c)
{
	double a = fabs(c), l;

	l = a <= 0.04045 ? a / 12.92 : pow((a + 0.055) / 1.055, 2.4);
	return c < 0 ? -l : l;
}

static double
linear_to_srgb(double l)
{
	double a = fabs(l), c;

	c = a <= 0.0031308 ? 12.92 * a : 1.055 * pow(a, 1 / 2.4) - 0.055;
	return l < 0 ? -c : c;
}

/*
 * Prepare the n pixels of nc channels at x (float when single) for the
 * blur, or (undo) finish them: with linear, colors go from sRGB (full
 * scale full) to linear light and back; with alpha (the last channel,
 * full scale full), colors are premultiplied by it, and afterwards
 * divided by the blurred alpha (color 0 where that is below 0.5).
 */
static void
image_pass(void *x, int single, size_t n, size_t nc, int alpha, double full,
    int linear, int undo)
{
	float *f = x;
	double *d = x;
	size_t p, c, ncol = alpha ? nc - 1 : nc;

	for (p = 0; p < n; p++) {
		size_t i = p * nc;
		double a = alpha ? (single ? f[i + nc - 1] : d[i + nc - 1]) :
		    full;

		for (c = 0; c < ncol; c++) {
			double v = single ? f[i + c] : d[i + c];

			if (!undo) {
				if (linear)
					v = full * srgb_to_linear(v / full);
				v = v * a / full;
			} else {
				v = a < 0.5 ? 0 : v * full / a;
				if (linear)
					v = full * linear_to_srgb(v / full);
			}
			if (single)
				f[i + c] = (float)v;
			else
				d[i + c] = v;
		}
	}
}

void
tp_blur_record(struct tp_blur *b, struct tp_tensor *t, const double *sigma,
    const int *order, double full, int linear)
{
	int single = t->dtype == TP_F4, ch, alpha = 0, a;
	size_t nc = 1;

	ch = tp_blur_channel_axis(t->ndim, t->shape);
	if (ch >= 0 && sigma[ch] == 0)
		nc = t->shape[ch];
	if (full > 0 && (nc == 2 || nc == 4)) {
		alpha = 1;
		for (a = 0; a < t->ndim; a++)
			if (order != NULL && sigma[a] > 0 && order[a] > 0)
				alpha = 0;
	}
	if (full <= 0)
		full = 1;
	if (alpha || linear)
		image_pass(t->data, single, t->count / nc, nc, alpha, full,
		    linear, 0);
	tp_blur_run(b, t->data, single, t->ndim, t->shape, sigma, order);
	if (alpha || linear)
		image_pass(t->data, single, t->count / nc, nc, alpha, full,
		    linear, 1);
}

char *
tp_blur_describe(const struct tp_blur *b, char *buf, size_t len)
{
	static const char *const kinds[] = {
		[TP_FFT_R2C] = "r2c", [TP_FFT_DCT1] = "dct-i",
		[TP_FFT_DCT2] = "dct-ii", [TP_FFT_C2R] = "", [TP_FFT_FWD] = "",
		[TP_FFT_BWD] = "", [TP_FFT_DCT3] = "", [TP_FFT_DST1] = "",
		[TP_FFT_DST2] = "", [TP_FFT_DST3] = ""
	};
	enum tp_fft_kind k;
	size_t used;
	int a, i, first = 1;

	if (!b->valid) {
		snprintf(buf, len, "nothing run");
		return buf;
	}
	if (b->method == TP_BLUR_FIR) {
		used = (size_t)snprintf(buf, len, "fir");
		for (a = 0; a < b->ndim && used < len; a++)
			if (b->sigma[a] > 0) {
				used += (size_t)snprintf(buf + used, len - used,
				    "%s%d", first ? " " : "x",
				    2 * b->radius[a] + 1);
				first = 0;
			}
		if (used < len)
			snprintf(buf + used, len - used, first ? " (no axis)" :
			    " taps");
		return buf;
	}
	if (b->nax == 0) {
		snprintf(buf, len, "fft (no axis)");
		return buf;
	}
	k = b->o.boundary == TP_BLUR_WRAP ? TP_FFT_R2C : b->fkind[b->ax[0]];
	used = (size_t)snprintf(buf, len, "%s", kinds[k]);
	for (i = 0; i < b->nax && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%zu",
		    i == 0 ? " " : "x", b->wshape[b->ax[i]]);
	if (b->padded && used < len)
		snprintf(buf + used, len - used, " (padded)");
	return buf;
}
