/*
 * blur.c - Gaussian blur with a closed-form frequency response, through
 * the DCT or DFT that matches the boundary, or a separable FIR filter
 * for small sigma (blur.h): the engine's state, the per-precision
 * arithmetic (blur_typed.h), and the entry points that make the state
 * for a problem and run it.  The other parts are in blur_*.c
 * (blur_impl.h lists them).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blur_impl.h"

/* --- the engine's state ------------------------------------------------- */

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
		free(b->taps[a]);
		b->taps[a] = NULL;
	}
	blur_resp_free(&b->rs);
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
		free(b->pbuf[t]);
		b->pbuf[t] = NULL;
	}
	for (int a = 0; a < TP_MAXDIM; a++)
		blur_edge_free(&b->edge[a]);
	b->corr = 0;
	b->kextra = 0;
	for (int a = 0; a < TP_MAXDIM; a++) {
		if (b->rfwd[a] != NULL)
			tp_fft_plan_free(b->rfwd[a]);
		if (b->rinv[a] != NULL)
			tp_fft_plan_free(b->rinv[a]);
		b->rfwd[a] = b->rinv[a] = NULL;
		free(b->dtw[a]);
		b->dtw[a] = NULL;
	}
	if (b->fwd != NULL)
		tp_fft_plan_free(b->fwd);
	if (b->inv != NULL)
		tp_fft_plan_free(b->inv);
	if (b->compact)		/* compact arrays: tp_big_alloc */
		free(b->work);
	else
		tp_fft_free(b->work);
	free(b->mwork);
	b->mwork = NULL;
	tp_fft_free(b->spec);
	free(b->firbuf);
	b->firbuf = NULL;
	b->fwd = b->inv = NULL;
	b->work = b->spec = NULL;
	b->valid = 0;
}

/* The factors made ahead dropped, after their job has ended. */
static void
ahead_free(struct tp_blur *b)
{
	if (b->ahead_job)
		tp_background_wait();
	b->ahead_job = 0;
	for (int i = 0; i < b->nahead; i++)
		blur_edge_basis_free(&b->ahead[i]);
	b->nahead = 0;
}

void
tp_blur_free(struct tp_blur *b)
{
	if (b == NULL)
		return;
	ahead_free(b);
	reset(b);
	free(b);
}

int
tp_blur_last_method(const struct tp_blur *b)
{
	return b->method;
}

/* --- typed parts -------------------------------------------------------- */

/* The per-precision part: BT_REAL is the element type, BT_FN(x) names
 * its functions x_f or x_d. */
#define BT_REAL float
#define BT_FN(x) x##_f
#define BT_EVEN(a, b) __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14)
#define BT_ODD(a, b) __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15)
#define BT_REV(a) __builtin_shufflevector(a, a, 7, 6, 5, 4, 3, 2, 1, 0)
#define BT_ILO(a, b) __builtin_shufflevector(a, b, 0, 8, 1, 9, 2, 10, 3, 11)
#define BT_IHI(a, b) __builtin_shufflevector(a, b, 4, 12, 5, 13, 6, 14, 7, 15)
#include "blur_typed.h"
#undef BT_REAL
#undef BT_FN
#undef BT_EVEN
#undef BT_ODD
#undef BT_REV
#undef BT_ILO
#undef BT_IHI

#define BT_REAL double
#define BT_FN(x) x##_d
#define BT_EVEN(a, b) __builtin_shufflevector(a, b, 0, 2, 4, 6)
#define BT_ODD(a, b) __builtin_shufflevector(a, b, 1, 3, 5, 7)
#define BT_REV(a) __builtin_shufflevector(a, a, 3, 2, 1, 0)
#define BT_ILO(a, b) __builtin_shufflevector(a, b, 0, 4, 1, 5)
#define BT_IHI(a, b) __builtin_shufflevector(a, b, 2, 6, 3, 7)
#include "blur_typed.h"
#undef BT_REAL
#undef BT_FN
#undef BT_EVEN
#undef BT_ODD
#undef BT_REV
#undef BT_ILO
#undef BT_IHI

const struct blur_ops *
blur_ops_for(int single)
{
	return single ? &blur_ops_f : &blur_ops_d;
}

/*
 * Die when the kernel's centre weight overflows: an even derivative of
 * the sampled kernel has (n-1)!! / sigma^n there, which a small enough
 * sigma (or the product over several axes) takes beyond the largest
 * double, and infinite weights would turn the transforms' sums into NaN.
 */
void
blur_check_weights(const struct tp_blur_opts *o, int ndim,
    const size_t *shape, const double *sigma, const int *order)
{
	double w = 1;

	if (o->kernel != TP_BLUR_SAMPLED)
		return;
	for (int a = 0; a < ndim; a++) {
		double s = sigma[a];
		int n = order ? order[a] : 0;

		if (n == 0 || n % 2 ||
		    !blur_fft_axis(o->boundary, s, shape[a], n))
			continue;
		w *= fabs(blur_deriv_tap(s, n, 0, blur_gauss_norm(s)));
		if (!isfinite(w))
			tp_die("derivative order %d at sigma %g: the kernel's "
			    "centre weight overflows (it grows as sigma^-%d)",
			    n, s, n);
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
tp_blur_prepare(struct tp_blur *b, void *data, int single, int ndim,
    const size_t *shape, const double *sigma, const int *order)
{
	double eps = single ? EPS_F32 : EPS_F64;
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
		blur_check_weights(&b->o, ndim, shape, sigma, order);
		b->method = b->o.method;
		if (b->method == TP_BLUR_AUTO)
			b->method = tp_blur_cost(b, TP_BLUR_FIR, single, ndim,
			    shape, sigma, order) <= tp_blur_cost(b,
			    TP_BLUR_FFT, single, ndim, shape, sigma, order) ?
			    TP_BLUR_FIR : TP_BLUR_FFT;
		if (b->method == TP_BLUR_FIR)
			blur_setup_fir(b, eps);
		else if (count > 0)
			blur_setup_fft(b, data, eps);
		b->valid = 1;
	}
}

/*
 * The job of tp_blur_ahead: where the problem in b->ahead_* goes
 * through the fft path with its corners corrected, the factors of its
 * transformed axes (one set where two axes share a sigma and order).
 * It reads b->o and b->ahead_* and writes b->ahead[] alone, which the
 * caller's thread does not touch until it has waited for the job.
 */
static void
ahead_job(void *arg)
{
	struct tp_blur *b = arg;
	int nd = b->ahead_ndim, single = b->ahead_single, i;
	const size_t *sh = b->ahead_shape;
	const double *sg = b->ahead_sigma;
	const int *od = b->ahead_order;
	double eps = single ? EPS_F32 : EPS_F64;

	if (!blur_edge_fits(b->o.kernel, b->o.boundary, nd, sh, sg, od, eps))
		return;
	if (b->o.method == TP_BLUR_FIR || (b->o.method == TP_BLUR_AUTO &&
	    tp_blur_cost(b, TP_BLUR_FIR, single, nd, sh, sg, od) <=
	    tp_blur_cost(b, TP_BLUR_FFT, single, nd, sh, sg, od)))
		return;
	for (int a = 0; a < nd; a++) {
		if (!blur_fft_axis(b->o.boundary, sg[a], sh[a], od[a]) ||
		    sh[a] == 1)
			continue;
		for (i = 0; i < b->nahead; i++)
			if (b->ahead[i].s == sg[a] &&
			    b->ahead[i].order == od[a])
				break;
		if (i == b->nahead && b->nahead < 2)
			blur_edge_basis(b->o.kernel, b->o.boundary, sg[a],
			    od[a], eps, &b->ahead[b->nahead++]);
	}
}

void
tp_blur_ahead(struct tp_blur *b, int single, int ndim, const size_t *shape,
    const double *sigma, const int *order, int trusted)
{
	size_t count = 1;
	int a;

	/* not the discrete kernel: its taps come from a transform, and
	 * FFTW plans on one thread at a time */
	if (same_problem(b, single, ndim, shape, sigma, order) ||
	    (b->o.boundary != TP_BLUR_ZERO &&
	    b->o.boundary != TP_BLUR_NEAREST) ||
	    b->o.kernel == TP_BLUR_DISCRETE)
		return;
	for (a = 0; a < ndim; a++) {
		if (shape[a] == 0)
			return;
		if (!trusted && count > TP_HEADER_TRUST / 8 / shape[a])
			return;	/* a header alone: made after the read */
		count *= shape[a];
	}
	ahead_free(b);
	b->ahead_single = single;
	b->ahead_ndim = ndim;
	for (a = 0; a < ndim; a++) {
		b->ahead_shape[a] = shape[a];
		b->ahead_sigma[a] = sigma[a];
		b->ahead_order[a] = order ? order[a] : 0;
	}
	b->ahead_job = 1;
	tp_background_start(ahead_job, b);
}

void
tp_blur_run(struct tp_blur *b, void *data, int single, int ndim,
    const size_t *shape, const double *sigma, const int *order)
{
	const struct blur_ops *ops = single ? &blur_ops_f : &blur_ops_d;
	size_t count = 1;

	for (int a = 0; a < ndim; a++)
		count *= shape[a];
	tp_blur_prepare(b, data, single, ndim, shape, sigma, order);
	if (count == 0)
		return;
	tp_timing_stamp("run");
	if (b->method == TP_BLUR_FIR)
		blur_run_fir(b, ops, data, data);
	else if (b->nax > 0)
		blur_run_fft(b, ops, data);
	else if (b->gain != 1)	/* length-1 axes alone, under zero or
				 * nearest */
		ops->scale_row(data, count, 1, b->gain, NULL, 0);
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

/* Whether blurring with these sigmas and orders changes nothing: no axis
 * is transformed or filtered (every sigma is 0, or the only axes with a
 * sigma have length 1 and a boundary that extends them with their own
 * value). */
static int
leaves_alone(const struct tp_blur *b, int ndim, const size_t *shape,
    const double *sigma, const int *order)
{
	for (int a = 0; a < ndim; a++)
		if (blur_fft_axis(b->o.boundary, sigma[a], shape[a],
		    order ? order[a] : 0))
			return 0;
	return 1;
}

void
tp_blur_record(struct tp_blur *b, struct tp_tensor *t, const double *sigma,
    const int *order, double full, int linear)
{
	int single = t->dtype == TP_F4, ch, alpha = 0, a;
	size_t nc = 1;

	/* nothing to blur: the record as it is, not a premultiplied or
	 * linear-light round trip (which loses the color of transparent
	 * pixels and a few bits) */
	if (leaves_alone(b, t->ndim, t->shape, sigma, order)) {
		tp_blur_run(b, t->data, single, t->ndim, t->shape, sigma,
		    order);
		return;
	}
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

/* Whether every FFT plan of b came from wisdom without measuring. */
static int
plans_from_wisdom(const struct tp_blur *b)
{
	const struct tp_fft_plan *p[2 + 2 * TP_MAXDIM] = { b->fwd, b->inv };

	memcpy(p + 2, b->afwd, sizeof b->afwd);
	memcpy(p + 2 + TP_MAXDIM, b->ainv, sizeof b->ainv);
	for (size_t i = 0; i < sizeof p / sizeof *p; i++)
		if (p[i] != NULL && !tp_fft_plan_from_wisdom(p[i]))
			return 0;
	return 1;
}

char *
tp_blur_describe(const struct tp_blur *b, char *buf, size_t len)
{
	static const char *const kinds[] = {
		[TP_FFT_R2C] = "r2c", [TP_FFT_DCT1] = "dct-i",
		[TP_FFT_DCT2] = "dct-ii", [TP_FFT_C2R] = "", [TP_FFT_FWD] = "",
		[TP_FFT_BWD] = "", [TP_FFT_DCT3] = "", [TP_FFT_DST1] = "",
		[TP_FFT_DST2] = "", [TP_FFT_DST3] = "", [TP_FFT_DCT4] = "",
		[TP_FFT_DST4] = ""
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
		used += (size_t)snprintf(buf + used, len - used, " (padded)");
	if (b->corr && used < len) {
		used += (size_t)snprintf(buf + used, len - used, " (%s by "
		    "edge corrections of rank", tp_choice_word(
		    tp_blur_boundaries, b->o.boundary));
		for (i = 0; i < b->nax && used < len; i++)
			used += (size_t)snprintf(buf + used, len - used,
			    "%s%d", i == 0 ? " " : "x", b->edge[b->ax[i]].k);
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, ")");
	}
	if (used < len && tp_fft_plan_mode() != TP_PLAN_ESTIMATE)
		snprintf(buf + used, len - used, ", plans %s",
		    plans_from_wisdom(b) ? "from wisdom" : "measured");
	return buf;
}
