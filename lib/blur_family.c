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
	for (int i = 0; i < TP_BLUR_MAXSCALES; i++)
		tp_blur_free(fm->eng[i]);
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
		for (i = 0; i < f->nscale; i++) {
			scaled(sigma, t->ndim, f->scale[i], s);
			member_at(fm, i, t, (char *)out.data + (size_t)i *
			    t->nbytes, s, order, full, linear);
		}
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
	for (int i = 0; i < TP_BLUR_MAXSCALES; i++)
		if (fm->eng[i] != NULL)
			return fm->eng[i];
	return engine(fm, 0);
}
