/*
 * spectrum.c - numpy.fft's and scipy.fft's transforms along axes, with
 * windows, shifts, norms and views, on FFTW plans kept per shape
 * (spectrum.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "fft.h"
#include "spectrum.h"

#define NCACHE 8	/* plans kept: a stream rarely has more shapes */

struct cached_plan {
	enum tp_fft_kind kind;
	int single;
	struct tp_fft_problem pb;
	struct tp_fft_plan *plan;
};

struct tp_spectrum {
	struct tp_spectrum_opts o;
	/* the current record, from tp_spectrum_out_header */
	int valid;
	int ndim;
	size_t shape[TP_MAXDIM];	/* the record's */
	size_t tin[TP_MAXDIM];		/* the transform's input */
	size_t tout[TP_MAXDIM];		/* the transform's output */
	size_t n[TP_MAXDIM];		/* logical length of a transformed
					 * axis (the real side's for r2c) */
	int naxes, axes[TP_MAXDIM];	/* transformed axes, ascending */
	unsigned char on[TP_MAXDIM];
	int win[TP_MAXDIM];		/* window of each axis, or -1 */
	int halved;			/* rfftn's/irfftn's half axis, or -1 */
	enum tp_fft_kind kind;
	int single, cin, cout;		/* complex transform input, output */
	enum tp_dtype cd;		/* the dtype run wants */
	const char *how;		/* "new plan", "plan reused" */
	struct cached_plan cache[NCACHE];
	int ncache, next;
};

/* --- words ---------------------------------------------------------------- */

const struct tp_choice tp_spec_fns[] = {
	{ "fftn", TP_SPEC_FFT }, { "ifftn", TP_SPEC_IFFT },
	{ "rfftn", TP_SPEC_RFFT }, { "irfftn", TP_SPEC_IRFFT },
	{ "dctn", TP_SPEC_DCT }, { "idctn", TP_SPEC_IDCT },
	{ "dstn", TP_SPEC_DST }, { "idstn", TP_SPEC_IDST },
	{ "fft", TP_SPEC_FFT | TP_SPEC_LAST1 },
	{ "ifft", TP_SPEC_IFFT | TP_SPEC_LAST1 },
	{ "rfft", TP_SPEC_RFFT | TP_SPEC_LAST1 },
	{ "irfft", TP_SPEC_IRFFT | TP_SPEC_LAST1 },
	{ "dct", TP_SPEC_DCT | TP_SPEC_LAST1 },
	{ "idct", TP_SPEC_IDCT | TP_SPEC_LAST1 },
	{ "dst", TP_SPEC_DST | TP_SPEC_LAST1 },
	{ "idst", TP_SPEC_IDST | TP_SPEC_LAST1 }, { NULL, 0 }
};
const struct tp_choice tp_spec_norms[] = {
	{ "backward", TP_NORM_BACKWARD }, { "ortho", TP_NORM_ORTHO },
	{ "forward", TP_NORM_FORWARD }, { NULL, 0 }
};
const struct tp_choice tp_spec_views[] = {
	{ "complex", TP_VIEW_COMPLEX }, { "real", TP_VIEW_REAL },
	{ "imag", TP_VIEW_IMAG }, { "abs", TP_VIEW_ABS },
	{ "power", TP_VIEW_POWER }, { "logpower", TP_VIEW_LOGPOWER },
	{ "phase", TP_VIEW_PHASE }, { NULL, 0 }
};
const struct tp_choice tp_windows[] = {
	{ "hann", TP_WIN_HANN }, { "hamming", TP_WIN_HAMMING },
	{ "blackman", TP_WIN_BLACKMAN }, { "tukey", TP_WIN_TUKEY },
	{ "kaiser", TP_WIN_KAISER }, { NULL, 0 }
};

int
tp_window_needs(enum tp_window_kind k)
{
	return k == TP_WIN_TUKEY ? 1 : k == TP_WIN_KAISER ? 2 : 0;
}

/* --- windows and frequencies ------------------------------------------ */

/* The modified Bessel function I0(x), by its power series (every term
 * positive: accurate to a few ulps for the betas windows use). */
static double
bessel_i0(double x)
{
	double q = x * x / 4, term = 1, sum = 1;

	for (int k = 1; k < 1000 && term > sum * 1e-17; k++) {
		term *= q / ((double)k * k);
		sum += term;
	}
	return sum;
}

void
tp_window_values(const struct tp_window *w, size_t n, double *v)
{
	double m = (double)n;	/* the symmetric window has n + 1 points */
	double a = w->param;
	enum tp_window_kind kind = w->kind == TP_WIN_TUKEY && a >= 1 ?
	    TP_WIN_HANN : w->kind;	/* scipy: tukey of alpha >= 1 is hann */

	if (n == 1 || w->kind == TP_WIN_NONE ||
	    (w->kind == TP_WIN_TUKEY && a <= 0)) {
		for (size_t j = 0; j < n; j++)
			v[j] = 1;
		return;
	}
	for (size_t j = 0; j < n; j++) {
		double t = 2 * M_PI * (double)j / m;

		switch (kind) {
		case TP_WIN_HAMMING:
			v[j] = 0.54 - 0.46 * cos(t);
			break;
		case TP_WIN_BLACKMAN:
			v[j] = 0.42 - 0.5 * cos(t) + 0.08 * cos(2 * t);
			break;
		case TP_WIN_KAISER: {
			double r = 2 * (double)j / m - 1;

			v[j] = bessel_i0(a * sqrt(1 - r * r)) / bessel_i0(a);
			break;
		}
		case TP_WIN_TUKEY: {	/* scipy's three pieces, M = n + 1 */
			size_t width = (size_t)floor(a * m / 2);
			double jj = (double)j;

			v[j] = j <= width ? 0.5 * (1 + cos(M_PI *
			    (-1 + 2 * jj / a / m))) :
			    j < n - width ? 1 : 0.5 * (1 + cos(M_PI *
			    (-2 / a + 1 + 2 * jj / a / m)));
			break;
		}
		default:
			v[j] = 0.5 - 0.5 * cos(t);
			break;
		}
	}
}

size_t
tp_spec_freq(size_t n, double d, int real, int shift, double *v)
{
	double val = 1.0 / ((double)n * d);
	size_t count = real ? n / 2 + 1 : n, half = (n - 1) / 2 + 1;

	for (size_t k = 0; k < count; k++) {
		/* fftfreq: 0, 1, ..., (n-1)/2, -(n/2), ..., -1 */
		double f = real || k < half ? (double)k :
		    -(double)(n - k);

		v[k] = f * val;
	}
	if (shift && !real && n > 1) {
		double *t = tp_emalloc(n * sizeof *t);
		size_t k = n / 2;

		memcpy(t, v, n * sizeof *t);
		for (size_t j = 0; j < n; j++)
			v[(j + k) % n] = t[j];
		free(t);
	}
	return count;
}

/* --- options ----------------------------------------------------------- */

void
tp_spectrum_opts_init(struct tp_spectrum_opts *o)
{
	memset(o, 0, sizeof *o);
	o->fn = TP_SPEC_FFT;
	o->norm = TP_NORM_BACKWARD;
	o->view = TP_VIEW_ASIS;
}

static int
is_r2r(enum tp_spec_fn fn)
{
	return fn >= TP_SPEC_DCT;
}

tp_why
tp_spectrum_opts_check(const struct tp_spectrum_opts *o, struct tp_msg *m)
{
	int i, j;

	if (o->type != 0 && !is_r2r(o->fn))
		return "--type is for dctn, idctn, dstn and idstn";
	if (o->type != 0 && (o->type < 1 || o->type > 4))
		return tp_msgf(m, "unknown type %d: use 1, 2, 3 or 4", o->type);
	if (o->last > 0 && o->naxes > 0)
		return "--last and --axes both choose the axes: give one";
	if (o->ns > 0 && o->naxes > 0 && o->ns != o->naxes)
		return tp_msgf(m, "-s has %d lengths for %d axes: give one "
		    "per axis", o->ns, o->naxes);
	if (o->ns > 0 && o->last > 0 && o->ns != o->last)
		return tp_msgf(m, "-s has %d lengths for --last %d: give one "
		    "per axis", o->ns, o->last);
	if (o->nwindow > 1 && (o->naxes || o->last || o->ns) &&
	    o->nwindow != (o->naxes ? o->naxes : o->last ? o->last : o->ns))
		return tp_msgf(m, "--window has %d windows for %d axes: give "
		    "one, or one per axis", o->nwindow, o->naxes ? o->naxes :
		    o->last ? o->last : o->ns);
	for (i = 0; i < o->ns; i++)
		if (o->s[i] < 1)
			return tp_msgf(m, "-s length %zu is not positive",
			    o->s[i]);
	for (i = 0; i < o->naxes; i++)
		for (j = 0; j < i; j++)
			if (o->axes[i] == o->axes[j])
				return tp_msgf(m, "axis %d is in --axes twice",
				    o->axes[i]);
	return NULL;
}

struct tp_spectrum *
tp_spectrum_new(const struct tp_spectrum_opts *o)
{
	struct tp_spectrum *sp = tp_ecalloc(1, sizeof *sp);

	sp->o = *o;
	if (sp->o.type == 0)
		sp->o.type = 2;
	return sp;
}

void
tp_spectrum_free(struct tp_spectrum *sp)
{
	if (sp == NULL)
		return;
	for (int i = 0; i < sp->ncache; i++)
		tp_fft_plan_free(sp->cache[i].plan);
	free(sp);
}

/* --- a record's layout ------------------------------------------------- */

/* The FFTW kind that computes fn of this DCT/DST type (inverses are the
 * inverse type's forward transform: I and IV their own, II and III each
 * other's). */
static enum tp_fft_kind
fft_kind(enum tp_spec_fn fn, int type)
{
	static const enum tp_fft_kind dct[] = { TP_FFT_DCT1, TP_FFT_DCT2,
		TP_FFT_DCT3, TP_FFT_DCT4 };
	static const enum tp_fft_kind dst[] = { TP_FFT_DST1, TP_FFT_DST2,
		TP_FFT_DST3, TP_FFT_DST4 };
	int t = type - 1;

	if (fn == TP_SPEC_IDCT || fn == TP_SPEC_IDST)
		t = t == 1 ? 2 : t == 2 ? 1 : t;
	switch (fn) {
	case TP_SPEC_FFT:
		return TP_FFT_FWD;
	case TP_SPEC_IFFT:
		return TP_FFT_BWD;
	case TP_SPEC_RFFT:
		return TP_FFT_R2C;
	case TP_SPEC_IRFFT:
		return TP_FFT_C2R;
	case TP_SPEC_DCT:
	case TP_SPEC_IDCT:
		return dct[t];
	default:
		return dst[t];
	}
}

static enum tp_dtype
complex_of(int single)
{
	return single ? TP_C8 : TP_C16;
}

static enum tp_dtype
real_of(int single)
{
	return single ? TP_F4 : TP_F8;
}

/*
 * The transformed axes of a record of nd axes in list (the user's
 * order, non-negative), their lengths (-s) in len (0: none given) and
 * windows in win; returns the count, or -1 with a message in *why.
 */
static int
resolve_axes(const struct tp_spectrum_opts *o, int nd, int *list,
    size_t *len, int *win, const char **why, struct tp_msg *m)
{
	int k, i, j;

	if (o->naxes > 0) {
		k = o->naxes;
		for (i = 0; i < k; i++) {
			int a = o->axes[i] < 0 ? o->axes[i] + nd : o->axes[i];

			if (a < 0 || a >= nd) {
				*why = tp_msgf(m, "axis %d is outside a record "
				    "of %d axes", o->axes[i], nd);
				return -1;
			}
			list[i] = a;
		}
	} else {
		k = o->last > 0 ? o->last : o->ns > 0 ? o->ns :
		    o->last1 ? 1 : nd;
		if (k > nd) {
			*why = tp_msgf(m, "%d axes to transform (%s) but the "
			    "record has %d", k, o->last > 0 ? "--last" : "-s",
			    nd);
			return -1;
		}
		for (i = 0; i < k; i++)
			list[i] = nd - k + i;
	}
	for (i = 0; i < k; i++)
		for (j = 0; j < i; j++)
			if (list[i] == list[j]) {
				*why = tp_msgf(m, "axis %d is in --axes twice "
				    "(as %d and %d)", list[i], o->axes[j],
				    o->axes[i]);
				return -1;
			}
	if (o->nwindow > 1 && o->nwindow != k) {
		*why = tp_msgf(m, "--window has %d windows for %d axes: give "
		    "one, or one per axis", o->nwindow, k);
		return -1;
	}
	for (i = 0; i < k; i++) {
		len[i] = o->ns > 0 ? o->s[i] : 0;
		win[i] = o->nwindow == 0 ? -1 : o->nwindow == 1 ? 0 : i;
	}
	return k;
}

tp_why
tp_spectrum_out_header(struct tp_spectrum *sp, const struct tp_tensor *x,
    int want, enum tp_dtype *cd, struct tp_tensor *y, struct tp_msg *m)
{
	const struct tp_spectrum_opts *o = &sp->o;
	int list[TP_MAXDIM], win[TP_MAXDIM], k, i, a, nd = x->ndim;
	size_t len[TP_MAXDIM];
	int cplx = tp_dtype_is_complex(x->dtype);
	enum tp_fft_kind kind = fft_kind(o->fn, o->type);
	enum tp_dtype raw;
	const char *why = NULL;

	sp->valid = 0;
	if (nd == 0)
		return "a scalar has no axis to transform";
	if ((k = resolve_axes(o, nd, list, len, win, &why, m)) < 0)
		return why;
	if (o->fn == TP_SPEC_RFFT && cplx)
		return tp_msgf(m, "rfftn transforms real data, not %s (fftn "
		    "takes it)", tp_dtype_name(x->dtype));
	if (is_r2r(o->fn) && cplx && nd == TP_MAXDIM)
		return tp_msgf(m, "a complex record of %d axes is one too "
		    "many for a cosine or sine transform", nd);
	sp->halved = -1;
	if (o->fn == TP_SPEC_RFFT || o->fn == TP_SPEC_IRFFT) {
		sp->halved = list[k - 1];
		for (i = 0; i < k - 1; i++)
			if (list[i] > sp->halved)
				return tp_msgf(m, "%s halves the last axis of "
				    "--axes, which must be the highest: axis "
				    "%d comes after %d", o->fn == TP_SPEC_RFFT ?
				    "rfftn" : "irfftn", list[k - 1], list[i]);
	}
	sp->ndim = nd;
	memcpy(sp->shape, x->shape, nd * sizeof *x->shape);
	memcpy(sp->tin, x->shape, nd * sizeof *x->shape);
	memcpy(sp->tout, x->shape, nd * sizeof *x->shape);
	memset(sp->on, 0, sizeof sp->on);
	for (a = 0; a < nd; a++)
		sp->win[a] = -1;
	for (i = 0; i < k; i++) {
		size_t have = x->shape[list[i]], L = len[i];

		a = list[i];
		if (L == 0 && a == sp->halved && o->fn == TP_SPEC_IRFFT) {
			if (have < 2)
				return tp_msgf(m, "irfftn's output length on "
				    "axis %d would be 2*(%zu-1), not positive: "
				    "give it with -s", a, have);
			L = 2 * (have - 1);
		}
		if (L == 0)
			L = have;
		if (L == 0)
			return tp_msgf(m, "axis %d has length 0: a transform "
			    "needs at least 1 point (or -s)", a);
		if (kind == TP_FFT_DCT1 && L < 2)
			return tp_msgf(m, "axis %d has 1 point: dct type 1 "
			    "needs at least 2", a);
		sp->on[a] = 1;
		sp->n[a] = L;
		sp->win[a] = win[i];
		sp->tin[a] = sp->tout[a] = L;
		if (a == sp->halved) {
			if (o->fn == TP_SPEC_RFFT)
				sp->tout[a] = L / 2 + 1;
			else
				sp->tin[a] = L / 2 + 1;
		}
	}
	sp->naxes = 0;
	for (a = 0; a < nd; a++)
		if (sp->on[a])
			sp->axes[sp->naxes++] = a;
	sp->kind = kind;
	sp->single = want == TP_F4 || (want < 0 && (x->dtype == TP_F4 ||
	    x->dtype == TP_F2 || x->dtype == TP_C8));
	switch (o->fn) {
	case TP_SPEC_FFT:
	case TP_SPEC_IFFT:
		sp->cin = sp->cout = 1;
		break;
	case TP_SPEC_RFFT:
		sp->cin = 0;
		sp->cout = 1;
		break;
	case TP_SPEC_IRFFT:
		sp->cin = 1;
		sp->cout = 0;
		break;
	default:
		sp->cin = sp->cout = cplx;
		break;
	}
	*cd = sp->cd = sp->cin ? complex_of(sp->single) : real_of(sp->single);
	raw = sp->cout ? complex_of(sp->single) : real_of(sp->single);
	memset(y, 0, sizeof *y);
	y->dtype = o->view == TP_VIEW_ASIS ? raw : o->view == TP_VIEW_COMPLEX ?
	    complex_of(sp->single) : real_of(sp->single);
	if ((why = tp_set_shape(y, nd, sp->tout, m)) != NULL)
		return why;
	sp->valid = 1;
	return NULL;
}

/* --- passes over the data ------------------------------------------------ */

/* Elements before axis a, and reals after it (comps per element). */
static void
around(const size_t *shape, int nd, int a, int comps, size_t *outer,
    size_t *inner)
{
	*outer = 1;
	*inner = (size_t)comps;
	for (int b = 0; b < a; b++)
		*outer *= shape[b];
	for (int b = a + 1; b < nd; b++)
		*inner *= shape[b];
}

/* Multiply every real at index j of axis a by w[j] (w NULL: the one
 * index j0 by f). */
static void
scale_along(void *data, int single, const size_t *shape, int nd, int comps,
    int a, const double *w, size_t j0, double f)
{
	size_t outer, inner, n = shape[a];

	around(shape, nd, a, comps, &outer, &inner);
	for (size_t o = 0; o < outer; o++)
		for (size_t j = w ? 0 : j0; j < (w ? n : j0 + 1); j++) {
			double g = w ? w[j] : f;
			size_t base = (o * n + j) * inner;

			if (single) {
				float *p = (float *)data + base;

				for (size_t i = 0; i < inner; i++)
					p[i] = (float)(p[i] * g);
			} else {
				double *p = (double *)data + base;

				for (size_t i = 0; i < inner; i++)
					p[i] *= g;
			}
		}
}

/* Multiply n reals by f. */
static void
scale_all(void *data, int single, size_t n, double f)
{
	if (single) {
		float *p = data;
		float g = (float)f;

		for (size_t i = 0; i < n; i++)
			p[i] *= g;
	} else {
		double *p = data;

		for (size_t i = 0; i < n; i++)
			p[i] *= f;
	}
}

/* dst = src rolled by k along axis a (numpy.roll): element j goes to
 * (j + k) mod n.  esz bytes per element. */
static void
roll_axis(char *dst, const char *src, const size_t *shape, int nd,
    size_t esz, int a, size_t k)
{
	size_t outer, inner, n = shape[a];

	around(shape, nd, a, 1, &outer, &inner);
	inner *= esz;
	k %= n;
	for (size_t o = 0; o < outer; o++) {
		const char *s = src + o * n * inner;
		char *d = dst + o * n * inner;

		memcpy(d + k * inner, s, (n - k) * inner);
		memcpy(d, s + (n - k) * inner, k * inner);
	}
}

/*
 * Roll *data (shape, esz bytes per element) along every transformed axis
 * but the halved one: by n/2 (fftshift) or n - n/2 (ifftshift).
 * *data may be replaced (the old buffer freed).
 */
static void
shift_axes(const struct tp_spectrum *sp, void **data, const size_t *shape,
    size_t esz, size_t count, int inverse)
{
	char *tmp = NULL;

	for (int i = 0; i < sp->naxes; i++) {
		int a = sp->axes[i];
		size_t n = shape[a];
		void *t;

		if (a == sp->halved || n < 2)
			continue;
		if (tmp == NULL)
			tmp = tp_big_alloc(count * esz);
		roll_axis(tmp, *data, shape, sp->ndim, esz, a,
		    inverse ? n - n / 2 : n / 2);
		t = *data;
		*data = tmp;
		tmp = t;
	}
	free(tmp);
}

/* dst (shape ds) = src (shape ss) cropped or padded with zeros at the
 * end of every axis; esz bytes per element. */
static void
resize_copy(char *dst, const size_t *ds, const char *src, const size_t *ss,
    int nd, size_t esz)
{
	size_t mn[TP_MAXDIM], idx[TP_MAXDIM] = { 0 }, dtot = 1, row;
	int a, pad = 0;

	for (a = 0; a < nd; a++) {
		mn[a] = ds[a] < ss[a] ? ds[a] : ss[a];
		pad |= ds[a] > ss[a];
		dtot *= ds[a];
	}
	if (pad)
		memset(dst, 0, dtot * esz);
	for (a = 0; a < nd; a++)
		if (mn[a] == 0)
			return;
	row = mn[nd - 1] * esz;
	for (;;) {
		size_t so = 0, dof = 0;

		for (a = 0; a < nd - 1; a++) {
			so = so * ss[a] + idx[a];
			dof = dof * ds[a] + idx[a];
		}
		memcpy(dst + dof * ds[nd - 1] * esz,
		    src + so * ss[nd - 1] * esz, row);
		for (a = nd - 2; a >= 0; a--) {
			if (++idx[a] < mn[a])
				break;
			idx[a] = 0;
		}
		if (a < 0)
			return;
	}
}

/* The plan for kind on problem pb with arrays in, out: from the cache,
 * else made (and cached, the oldest one going). */
static const struct tp_fft_plan *
get_plan(struct tp_spectrum *sp, const struct tp_fft_problem *pb, void *in,
    void *out)
{
	struct cached_plan *c;

	for (int i = 0; i < sp->ncache; i++) {
		c = &sp->cache[i];
		if (c->kind == sp->kind && c->single == sp->single &&
		    memcmp(&c->pb, pb, sizeof *pb) == 0 &&
		    tp_fft_plan_fits(c->plan, in, out)) {
			sp->how = "plan reused";
			return c->plan;
		}
	}
	if (sp->ncache < NCACHE)
		c = &sp->cache[sp->ncache++];
	else {
		c = &sp->cache[sp->next];
		sp->next = (sp->next + 1) % NCACHE;
		tp_fft_plan_free(c->plan);
	}
	c->kind = sp->kind;
	c->single = sp->single;
	c->pb = *pb;
	c->plan = tp_fft_plan_new(sp->kind, sp->single, pb, sp->o.threads,
	    (in == out ? TP_FFT_INPLACE : 0) | TP_FFT_DESTROY, in, out);
	sp->how = "new plan";
	return c->plan;
}

/* The factor the norm asks for on the whole output, and, in *edge,
 * which ortho corrections (1: first and last outputs / sqrt 2 (DCT-I);
 * 2: first output / sqrt 2 (type II)) follow. */
static double
norm_factor(const struct tp_spectrum *sp, int *edge)
{
	int forward = sp->o.fn == TP_SPEC_FFT || sp->o.fn == TP_SPEC_RFFT ||
	    sp->o.fn == TP_SPEC_DCT || sp->o.fn == TP_SPEC_DST;
	double m = 1;

	for (int i = 0; i < sp->naxes; i++) {
		double L = (double)sp->n[sp->axes[i]];

		m *= sp->kind == TP_FFT_DCT1 ? 2 * (L - 1) :
		    sp->kind == TP_FFT_DST1 ? 2 * (L + 1) :
		    is_r2r(sp->o.fn) ? 2 * L : L;
	}
	*edge = 0;
	switch (sp->o.norm) {
	case TP_NORM_ORTHO:
		*edge = sp->kind == TP_FFT_DCT1 ? 1 : sp->kind == TP_FFT_DCT2 ||
		    sp->kind == TP_FFT_DST2 ? 2 : 0;
		return 1 / sqrt(m);
	case TP_NORM_FORWARD:
		return forward ? 1 / m : 1;
	default:
		return forward ? 1 : 1 / m;
	}
}

/* The view v of n values at src (complex when cplx) into dst, which
 * may be src itself when the view is real (it is read ahead). */
static void
view_values(void *dst, const void *src, size_t n, int single, int cplx,
    enum tp_spec_view v)
{
	for (size_t i = 0; i < n; i++) {
		double re, im, r;

		if (single) {
			re = ((const float *)src)[cplx ? 2 * i : i];
			im = cplx ? ((const float *)src)[2 * i + 1] : 0;
		} else {
			re = ((const double *)src)[cplx ? 2 * i : i];
			im = cplx ? ((const double *)src)[2 * i + 1] : 0;
		}
		switch (v) {
		case TP_VIEW_COMPLEX:
			if (single) {
				((float *)dst)[2 * i] = (float)re;
				((float *)dst)[2 * i + 1] = (float)im;
			} else {
				((double *)dst)[2 * i] = re;
				((double *)dst)[2 * i + 1] = im;
			}
			continue;
		case TP_VIEW_IMAG:
			r = im;
			break;
		case TP_VIEW_ABS:
			r = hypot(re, im);
			break;
		case TP_VIEW_POWER:
			r = re * re + im * im;
			break;
		case TP_VIEW_LOGPOWER:
			r = log10(1 + (re * re + im * im));
			break;
		case TP_VIEW_PHASE:
			r = atan2(im, re);
			break;
		default:
			r = re;
			break;
		}
		if (single)
			((float *)dst)[i] = (float)r;
		else
			((double *)dst)[i] = r;
	}
}

void
tp_spectrum_run(struct tp_spectrum *sp, struct tp_tensor *x,
    struct tp_tensor *y)
{
	const struct tp_fft_plan *plan;
	struct tp_fft_problem pb;
	size_t esz = tp_dtype_size(sp->cd), rsz = sp->single ? 4 : 8;
	size_t tin_count = 1, tout_count = 1, ps[TP_MAXDIM];
	int comps = sp->cin ? 2 : 1, nd = sp->ndim, a, i, edge;
	int r2r = is_r2r(sp->o.fn);
	void *cur = x->data, *out;
	double f, *w;

	if (!sp->valid || x->dtype != sp->cd)
		tp_die("internal error: spectrum run without its header");
	x->data = NULL;
	tp_timing_stamp("run");
	for (a = 0; a < nd; a++) {
		tin_count *= sp->tin[a];
		tout_count *= sp->tout[a];
	}
	if (y->count == 0) {
		free(cur);
		y->data = tp_emalloc(1);
		return;
	}
	/* window, on the record's own lengths */
	for (i = 0; i < sp->naxes && sp->o.nwindow > 0 && x->count > 0; i++) {
		a = sp->axes[i];
		w = tp_emalloc(sp->shape[a] * sizeof *w);
		tp_window_values(&sp->o.window[sp->win[a]], sp->shape[a], w);
		scale_along(cur, sp->single, sp->shape, nd, comps, a, w, 0, 1);
		free(w);
	}
	if (sp->o.ishift && x->count > 0)
		shift_axes(sp, &cur, sp->shape, esz, x->count, 1);
	if (memcmp(sp->tin, sp->shape, nd * sizeof *sp->tin) != 0) {
		void *t = tp_big_alloc(tin_count * esz);

		resize_copy(t, sp->tin, cur, sp->shape, nd, esz);
		free(cur);
		cur = t;
	}
	/* ortho: the inputs that type I and III weigh differently */
	if (sp->o.norm == TP_NORM_ORTHO && r2r)
		for (i = 0; i < sp->naxes; i++) {
			a = sp->axes[i];
			if (sp->kind == TP_FFT_DCT1 ||
			    sp->kind == TP_FFT_DCT3 || sp->kind == TP_FFT_DST3)
				scale_along(cur, sp->single, sp->tin, nd, comps,
				    a, NULL, 0, M_SQRT2);
			if (sp->kind == TP_FFT_DCT1)
				scale_along(cur, sp->single, sp->tin, nd, comps,
				    a, NULL, sp->tin[a] - 1, M_SQRT2);
		}
	/* the transform: in place, but r2c and c2r change the type */
	if (sp->kind == TP_FFT_R2C || sp->kind == TP_FFT_C2R) {
		out = tp_big_alloc(tout_count * tp_dtype_size(sp->cout ?
		    complex_of(sp->single) : real_of(sp->single)));
		for (a = 0; a < nd; a++)
			ps[a] = sp->kind == TP_FFT_R2C ? sp->tin[a] :
			    sp->tout[a];
		tp_fft_problem_axes(&pb, sp->kind, nd, ps, sp->naxes, sp->axes,
		    0);
	} else {
		int cx = r2r && comps == 2;

		out = cur;
		memcpy(ps, sp->tin, nd * sizeof *ps);
		if (cx)		/* a complex DCT: real and imaginary apart */
			ps[nd] = 2;
		tp_fft_problem_axes(&pb, sp->kind, nd + cx, ps, sp->naxes,
		    sp->axes, 1);
	}
	plan = get_plan(sp, &pb, cur, out);
	tp_timing_stamp("planned");
	tp_fft_execute(plan, cur, out);
	tp_timing_stamp("executed");
	if (out != cur)
		free(cur);
	comps = sp->cout ? 2 : 1;
	if ((f = norm_factor(sp, &edge)) != 1)
		scale_all(out, sp->single, tout_count * comps, f);
	for (i = 0; i < sp->naxes && edge; i++) {
		a = sp->axes[i];
		scale_along(out, sp->single, sp->tout, nd, comps, a, NULL, 0,
		    M_SQRT1_2);
		if (edge == 1)
			scale_along(out, sp->single, sp->tout, nd, comps, a,
			    NULL, sp->tout[a] - 1, M_SQRT1_2);
	}
	if (sp->o.shift)
		shift_axes(sp, &out, sp->tout, comps * rsz, tout_count, 0);
	y->data = out;
	if (sp->o.view == TP_VIEW_ASIS || (sp->o.view == TP_VIEW_COMPLEX &&
	    sp->cout))
		return;
	if (sp->o.view == TP_VIEW_COMPLEX) {
		y->data = tp_big_alloc(y->nbytes);
		view_values(y->data, out, tout_count, sp->single, 0,
		    TP_VIEW_COMPLEX);
		free(out);
	} else {
		view_values(out, out, tout_count, sp->single, sp->cout,
		    sp->o.view);
	}
}

char *
tp_spectrum_describe(const struct tp_spectrum *sp, char *buf, size_t len)
{
	static const char *const fns[] = { "fftn", "ifftn", "rfftn", "irfftn",
		"dctn", "idctn", "dstn", "idstn" };
	static const char *const norms[] = { "backward", "ortho", "forward" };
	size_t u;

	if (!sp->valid) {
		snprintf(buf, len, "nothing run");
		return buf;
	}
	u = (size_t)snprintf(buf, len, "%s", fns[sp->o.fn]);
	if (is_r2r(sp->o.fn) && u < len)
		u += (size_t)snprintf(buf + u, len - u, " type %d", sp->o.type);
	for (int i = 0; i < sp->naxes && u < len; i++)
		u += (size_t)snprintf(buf + u, len - u, "%s%zu", i ? "x" : " ",
		    sp->n[sp->axes[i]]);
	if (u < len)
		snprintf(buf + u, len - u, " (axes %d..%d), %s, norm %s, %s",
		    sp->axes[0], sp->axes[sp->naxes - 1], sp->single ? "f32" :
		    "f64", norms[sp->o.norm], sp->how ? sp->how : "no plan");
	return buf;
}
