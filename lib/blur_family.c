/*
 * blur_family.c - the Gaussian family of tblur (blur.h): a scale-space
 * stack, the difference of Gaussians, the Laplacian of Gaussian, the
 * gradient magnitude and the unsharp mask, each made of blurs of the
 * record (tp_blur_record), one engine per member so that every member
 * keeps its plans and responses from record to record.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blur_impl.h"

struct tp_blur_family {
	struct tp_blur_form f;
	struct tp_blur_opts o;
	struct tp_blur *eng[TP_BLUR_MAXSCALES];	/* made when first used */
	/* the record tp_blur_family_begin began (not owned) */
	const struct tp_tensor *t;
	double sigma[TP_MAXDIM], full;
	int order[TP_MAXDIM], hasorder, linear;
	/* SCALES: the members made from one spectrum (shared_scales) */
	struct tp_blur *shared;	/* its transforms, at the first such sigma */
	void *spec;		/* the record's spectrum, specbytes */
	size_t specbytes;
	int nspectral, spectral[TP_BLUR_MAXSCALES];
	struct blur_resp rs[TP_BLUR_MAXSCALES];	/* per spectral member */
};

struct tp_blur_family *
tp_blur_family_new(const struct tp_blur_opts *o, const struct tp_blur_form *f)
{
	struct tp_blur_family *fm = tp_ecalloc(1, sizeof *fm);

	fm->o = *o;
	fm->f = *f;
	return fm;
}

void
tp_blur_family_free(struct tp_blur_family *fm)
{
	if (fm == NULL)
		return;
	for (int i = 0; i < TP_BLUR_MAXSCALES; i++) {
		tp_blur_free(fm->eng[i]);
		blur_resp_free(&fm->rs[i]);
	}
	tp_blur_free(fm->shared);
	free(fm->spec);
	free(fm);
}

size_t
tp_blur_family_count(const struct tp_blur_form *f)
{
	return f->kind == TP_BLUR_SCALES ? (size_t)f->nscale : 1;
}

/* Engine i, made on first use. */
static struct tp_blur *
engine(struct tp_blur_family *fm, int i)
{
	if (fm->eng[i] == NULL)
		fm->eng[i] = tp_blur_new(&fm->o);
	return fm->eng[i];
}

/* t copied to at (t->nbytes there) and blurred there by engine i with
 * these sigmas and orders. */
static void
member_at(struct tp_blur_family *fm, int i, const struct tp_tensor *t,
    void *at, const double *sigma, const int *order, double full,
    int linear)
{
	struct tp_tensor y = *t;

	y.data = at;
	memcpy(at, t->data, t->nbytes);
	tp_blur_record(engine(fm, i), &y, sigma, order, full, linear);
}

/* A copy of t blurred by engine i with these sigmas and orders. */
static struct tp_tensor
member(struct tp_blur_family *fm, int i, const struct tp_tensor *t,
    const double *sigma, const int *order, double full, int linear)
{
	struct tp_tensor y = tp_new(t->dtype, t->ndim, t->shape);

	member_at(fm, i, t, y.data, sigma, order, full, linear);
	return y;
}

/* Element k of float32 or float64 t, and setting it. */
static double
get(const struct tp_tensor *t, size_t k)
{
	return t->dtype == TP_F4 ? ((float *)t->data)[k] :
	    ((double *)t->data)[k];
}

static void
put(struct tp_tensor *t, size_t k, double v)
{
	if (t->dtype == TP_F4)
		((float *)t->data)[k] = (float)v;
	else
		((double *)t->data)[k] = v;
}

/* out = sum over the blurred axes a of t blurred with order n on a
 * (the others 0): n = 2 the Laplacian, n = 1 squared and the square
 * root taken, the gradient magnitude. */
static void
axis_sum(struct tp_blur_family *fm, const struct tp_tensor *t,
    const double *sigma, int n, double full, int linear,
    struct tp_tensor *out)
{
	int ord[TP_MAXDIM] = { 0 };
	size_t k;

	memset(out->data, 0, out->nbytes);
	for (int a = 0; a < t->ndim; a++) {
		struct tp_tensor y;

		if (sigma[a] <= 0)
			continue;
		ord[a] = n;
		y = member(fm, a, t, sigma, ord, full, linear);
		ord[a] = 0;
		for (k = 0; k < t->count; k++) {
			double v = get(&y, k);

			put(out, k, get(out, k) + (n == 1 ? v * v : v));
		}
		tp_free(&y);
	}
	if (n == 1)
		for (k = 0; k < t->count; k++)
			put(out, k, sqrt(get(out, k)));
}

/* sigma with every blurred axis's sigma replaced by s. */
static void
scaled(const double *sigma, int ndim, double s, double *to)
{
	for (int a = 0; a < ndim; a++)
		to[a] = sigma[a] > 0 ? s : 0;
}

/* Whether the record fm began is blurred as it is, without
 * tp_blur_record's passes around the blur (--linear, or an image with
 * alpha, premultiplied). */
static int
plain(const struct tp_blur_family *fm)
{
	const struct tp_tensor *t = fm->t;
	int ch = tp_blur_channel_axis(t->ndim, t->shape);
	size_t nc = ch >= 0 && fm->sigma[ch] == 0 ? t->shape[ch] : 1;

	return !fm->linear && !(fm->full > 0 && (nc == 2 || nc == 4));
}

/*
 * Which members of the SCALES form of the record t (begun in fm) are made
 * from one spectrum of it, shared: under reflect and mirror (the record
 * transformed unpadded, whatever the sigma), unless the method is fir or
 * the record is an image with alpha or --linear (tp_blur_record's passes
 * around the blur); each member whose FIR costs more than half the
 * transform path (the inverse half, which is what a member of a shared
 * spectrum costs: tp_blur_cost), every member under --method fft; and
 * only when two or more are.
 */
static void
pick_shared(struct tp_blur_family *fm, const struct tp_tensor *t)
{
	int single = t->dtype == TP_F4, nd = t->ndim;
	const int *ord = fm->hasorder ? fm->order : NULL;
	double s[TP_MAXDIM];
	int i;

	for (i = 0; i < TP_BLUR_MAXSCALES; i++) {
		blur_resp_free(&fm->rs[i]);
		fm->spectral[i] = 0;
	}
	fm->nspectral = 0;
	if ((fm->o.boundary != TP_BLUR_REFLECT &&
	    fm->o.boundary != TP_BLUR_MIRROR) ||
	    fm->o.method == TP_BLUR_FIR || !plain(fm) || t->count == 0)
		return;
	for (i = 0; i < fm->f.nscale; i++) {
		struct tp_blur *b = engine(fm, i);

		if (fm->f.scale[i] <= 0)
			continue;
		scaled(fm->sigma, nd, fm->f.scale[i], s);
		fm->spectral[i] = fm->o.method == TP_BLUR_FFT ||
		    tp_blur_cost(b, TP_BLUR_FIR, single, nd, t->shape, s, ord) >
		    tp_blur_cost(b, TP_BLUR_FFT, single, nd, t->shape, s,
		    ord) / 2;
		fm->nspectral += fm->spectral[i];
	}
	if (fm->nspectral < 2) {
		memset(fm->spectral, 0, sizeof fm->spectral);
		fm->nspectral = 0;
	}
}

/*
 * The spectrum of the record t shared by the members pick_shared chose
 * (its transform only on the lines some member keeps), and each member's
 * responses; none when the record has no axis to transform.
 */
static void
shared_scales(struct tp_blur_family *fm, const struct tp_tensor *t)
{
	int single = t->dtype == TP_F4, nd = t->ndim, first = -1, n = 0;
	const int *ord = fm->hasorder ? fm->order : NULL;
	struct blur_resp sets[TP_BLUR_MAXSCALES];
	double s[TP_MAXDIM];
	int i;

	for (i = 0; i < fm->f.nscale && first < 0; i++)
		if (fm->spectral[i])
			first = i;
	if (first < 0)
		return;
	if (fm->shared == NULL) {
		struct tp_blur_opts o = fm->o;

		o.method = TP_BLUR_FFT;
		fm->shared = tp_blur_new(&o);
		fm->shared->spectral = 1;
	}
	scaled(fm->sigma, nd, fm->f.scale[first], s);
	tp_blur_prepare(fm->shared, t->data, single, nd, t->shape, s, ord);
	if (fm->shared->nax == 0) {	/* each member's own engine then */
		for (i = 0; i < fm->f.nscale; i++)
			if (fm->spectral[i]) {
				scaled(fm->sigma, nd, fm->f.scale[i], s);
				tp_blur_prepare(engine(fm, i), t->data, single,
				    nd, t->shape, s, ord);
			}
		memset(fm->spectral, 0, sizeof fm->spectral);
		fm->nspectral = 0;
		return;
	}
	for (i = 0; i < fm->f.nscale; i++)
		if (fm->spectral[i]) {
			scaled(fm->sigma, nd, fm->f.scale[i], s);
			blur_responses(fm->shared, s, &fm->rs[i]);
			sets[n++] = fm->rs[i];
		}
	blur_compact_fit(fm->shared, sets, n);
	if (!fm->shared->compact && fm->specbytes != t->nbytes) {
		free(fm->spec);
		fm->spec = tp_big_alloc(t->nbytes);
		fm->specbytes = t->nbytes;
	}
	blur_fft_spectrum(fm->shared, blur_ops_for(single), t->data,
	    fm->spec, sets, n);
}

void
tp_blur_family_begin(struct tp_blur_family *fm, const struct tp_tensor *t,
    const double *sigma, const int *order, double full, int linear)
{
	double s[TP_MAXDIM];

	fm->t = t;
	memcpy(fm->sigma, sigma, (size_t)t->ndim * sizeof *sigma);
	fm->hasorder = order != NULL;
	if (order != NULL)
		memcpy(fm->order, order, (size_t)t->ndim * sizeof *order);
	fm->full = full;
	fm->linear = linear;
	/* every member's problem made (or, for a member of the shared
	 * spectrum, which needs no plans of its own, checked) now, so that
	 * one that cannot be blurred stops the run before the first member
	 * is written */
	pick_shared(fm, t);
	for (int i = 0; i < fm->f.nscale; i++) {
		scaled(sigma, t->ndim, fm->f.scale[i], s);
		if (fm->spectral[i])
			blur_check_weights(&fm->o, t->ndim, t->shape, s,
			    order);
		else
			tp_blur_prepare(engine(fm, i), t->data,
			    t->dtype == TP_F4, t->ndim, t->shape, s, order);
	}
	shared_scales(fm, t);
}

void
tp_blur_family_scale(struct tp_blur_family *fm, int i, void *at)
{
	double s[TP_MAXDIM];

	if (fm->spectral[i]) {
		blur_fft_member(fm->shared, blur_ops_for(fm->t->dtype == TP_F4),
		    fm->spec, at, &fm->rs[i]);
		return;
	}
	scaled(fm->sigma, fm->t->ndim, fm->f.scale[i], s);
	if (fm->eng[i]->method == TP_BLUR_FIR && plain(fm) &&
	    fm->t->count > 0) {
		/* filtered from the record into at: no copy of it first */
		const struct tp_tensor *t = fm->t;
		int single = t->dtype == TP_F4;

		tp_blur_prepare(fm->eng[i], t->data, single, t->ndim,
		    t->shape, s, fm->hasorder ? fm->order : NULL);
		tp_timing_stamp("run");
		blur_run_fir(fm->eng[i], blur_ops_for(single), t->data, at);
		tp_timing_stamp("done");
		return;
	}
	member_at(fm, i, fm->t, at, s, fm->hasorder ? fm->order : NULL,
	    fm->full, fm->linear);
}

struct tp_tensor
tp_blur_family_record(struct tp_blur_family *fm, const struct tp_tensor *t,
    const double *sigma, const int *order, double full, int linear)
{
	const struct tp_blur_form *f = &fm->f;
	size_t shape[TP_MAXDIM], k;
	double s[TP_MAXDIM];
	struct tp_tensor out, y, z;
	int i;

	switch (f->kind) {
	case TP_BLUR_SCALES:
		if (t->ndim == TP_MAXDIM)
			tp_die("a record of %d axes has no room for the "
			    "scale axis of --sigmas", t->ndim);
		shape[0] = (size_t)f->nscale;
		memcpy(shape + 1, t->shape, (size_t)t->ndim * sizeof *shape);
		out = tp_new(t->dtype, t->ndim + 1, shape);
		tp_blur_family_begin(fm, t, sigma, order, full, linear);
		for (i = 0; i < f->nscale; i++)
			tp_blur_family_scale(fm, i, (char *)out.data +
			    (size_t)i * t->nbytes);
		return out;
	case TP_BLUR_DOG:
		scaled(sigma, t->ndim, f->scale[0], s);
		y = member(fm, 0, t, s, order, full, linear);
		scaled(sigma, t->ndim, f->scale[1], s);
		z = member(fm, 1, t, s, order, full, linear);
		for (k = 0; k < t->count; k++)
			put(&y, k, get(&y, k) - get(&z, k));
		tp_free(&z);
		return y;
	case TP_BLUR_LOG:
	case TP_BLUR_GRADMAG:
		out = tp_new(t->dtype, t->ndim, t->shape);
		axis_sum(fm, t, sigma, f->kind == TP_BLUR_LOG ? 2 : 1, full,
		    linear, &out);
		return out;
	default:	/* TP_BLUR_UNSHARP, ImageMagick's -unsharp */
		y = member(fm, 0, t, sigma, NULL, full, linear);
		for (k = 0; k < t->count; k++) {
			double x = get(t, k), d = x - get(&y, k);

			put(&y, k, fabs(2 * d) < f->threshold * (full > 0 ?
			    full : 1) ? x : x + f->amount * d);
		}
		return y;
	}
}

struct tp_blur *
tp_blur_family_first(struct tp_blur_family *fm)
{
	if (fm->spectral[0])	/* its engine was not prepared */
		return fm->shared;
	for (int i = 0; i < TP_BLUR_MAXSCALES; i++)
		if (fm->eng[i] != NULL)
			return fm->eng[i];
	return engine(fm, 0);
}
