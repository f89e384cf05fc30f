/*
 * blur_opts.c - the blur engine's options (blur.h): the words of
 * --boundary, --kernel and --method, the defaults and their checks,
 * the default axes (a trailing channel axis is left alone) and the
 * sigma and derivative order of each axis of a record.
 */
#include <math.h>
#include <string.h>

#include "blur_impl.h"

const struct tp_choice tp_blur_boundaries[] = {
	{ "reflect", TP_BLUR_REFLECT }, { "mirror", TP_BLUR_MIRROR },
	{ "nearest", TP_BLUR_NEAREST }, { "wrap", TP_BLUR_WRAP },
	{ "zero", TP_BLUR_ZERO }, { NULL, 0 }
};
const struct tp_choice tp_blur_kernels[] = {
	{ "sampled", TP_BLUR_SAMPLED }, { "analytic", TP_BLUR_ANALYTIC },
	{ "discrete", TP_BLUR_DISCRETE }, { NULL, 0 }
};
const struct tp_choice tp_blur_methods[] = {
	{ "auto", TP_BLUR_AUTO }, { "fft", TP_BLUR_FFT },
	{ "fir", TP_BLUR_FIR }, { NULL, 0 }
};

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

tp_why
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
				return tp_msgf(m, "--method fir cannot give "
				    "the analytic kernel at sigma %g exactly "
				    "(below %g it has no short taps): use "
				    "--method fft",
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

tp_why
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
