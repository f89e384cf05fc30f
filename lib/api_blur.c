/*
 * api_blur.c - the public library's blur (include/tpipe/tpipe.h): the
 * blur engine (blur.h) on a record as tblur(1) blurs one, under a catch.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api_impl.h"
#include "blur.h"
#include "fft.h"

struct tpipe_blur {
	struct api_handle h;
	struct tp_blur_opts opts;
	int linear;
	int dtype;			/* -t: TP_F4, TP_F8 or -1 */
	struct tp_blur *blur;
};

_Static_assert(TPIPE_BLUR_ZERO == (int)TP_BLUR_ZERO && TPIPE_BLUR_DISCRETE
    == (int)TP_BLUR_DISCRETE && TPIPE_BLUR_FIR == (int)TP_BLUR_FIR,
    "the blur enums are blur.h's");

TPIPE_API void
tpipe_blur_options_init(tpipe_blur_options *o)
{
	struct tp_blur_opts d;

	tp_blur_opts_init(&d);
	memset(o, 0, sizeof *o);
	o->nsigma = d.nsigma;
	memcpy(o->sigma, d.sigma, sizeof o->sigma);
	o->boundary = (enum tpipe_blur_boundary)d.boundary;
	o->kernel = (enum tpipe_blur_kernel)d.kernel;
	o->method = (enum tpipe_blur_method)d.method;
	o->dtype = -1;
	o->threads = 1;
}

/* o as blur.h's options, checked as tblur checks its command line (a
 * usage error, status 2). */
static void
blur_opts(const tpipe_blur_options *o, struct tp_blur_opts *b)
{
	struct tp_msg m;
	const char *why;

	tp_blur_opts_init(b);
	if (o->nsigma < 1 || o->nsigma > TP_MAXDIM || o->norder < 0 ||
	    o->norder > TP_MAXDIM || o->naxes < 0 || o->naxes > TP_MAXDIM)
		tp_usage_die("blur: nsigma must be 1 to %d, norder and naxes "
		    "0 to %d, not %d, %d, %d", TP_MAXDIM, TP_MAXDIM,
		    o->nsigma, o->norder, o->naxes);
	if ((unsigned)o->boundary > TPIPE_BLUR_ZERO || (unsigned)o->kernel >
	    TPIPE_BLUR_DISCRETE || (unsigned)o->method > TPIPE_BLUR_FIR)
		tp_usage_die("blur: boundary, kernel or method out of range");
	if (o->dtype != -1 && o->dtype != TPIPE_FLOAT32 &&
	    o->dtype != TPIPE_FLOAT64)
		tp_usage_die("-t must be f32 or f64");
	if (o->threads < 1)
		tp_usage_die("-j must be at least 1, not %d", o->threads);
	for (int i = 0; i < o->norder; i++)
		if (o->order[i] < 0 || o->order[i] > TP_BLUR_MAXORDER)
			tp_usage_die("--order must be 0 to %d, not %d",
			    TP_BLUR_MAXORDER, o->order[i]);
	for (int i = 0; i < o->naxes; i++)
		if (o->axes[i] < -TP_MAXDIM || o->axes[i] >= TP_MAXDIM)
			tp_usage_die("--axes: %d is out of range",
			    o->axes[i]);
	b->nsigma = o->nsigma;
	memcpy(b->sigma, o->sigma, sizeof b->sigma);
	b->norder = o->norder;
	memcpy(b->order, o->order, sizeof b->order);
	b->naxes = o->naxes;
	memcpy(b->axes, o->axes, sizeof b->axes);
	b->boundary = (enum tp_blur_boundary)o->boundary;
	b->kernel = (enum tp_blur_kernel)o->kernel;
	b->method = (enum tp_blur_method)o->method;
	b->threads = o->threads;
	if ((why = tp_blur_opts_check(b, &m)) != NULL)
		tp_usage_die("%s", why);
}

static void
new_work(void *h, void *o)
{
	tpipe_blur *b = h;
	const tpipe_blur_options *opt = o;

	blur_opts(opt, &b->opts);
	b->linear = opt->linear;
	b->dtype = opt->dtype;
	tp_fft_init(opt->threads, TP_PLAN_ESTIMATE);
	b->blur = tp_blur_new(&b->opts);
}

TPIPE_API tpipe_blur *
tpipe_blur_new(const tpipe_blur_options *o, tpipe_error *err)
{
	return api_create(sizeof(tpipe_blur), new_work, (void *)o, err);
}

/* Blur x as tblur blurs a record (cmd/tblur.c), into a new tensor. */
static struct tp_tensor
blur_record(tpipe_blur *b, const struct tp_tensor *x)
{
	enum tp_dtype from = x->dtype, cd, od;
	int image = from == TP_U1 || from == TP_U2;
	double sigma[TP_MAXDIM];
	int order[TP_MAXDIM];
	struct tp_tensor y;
	struct tp_msg m;
	const char *why;
	char sh[256];
	size_t bad;

	if ((unsigned)from >= TP_NDTYPES || tp_dtype_is_complex(from))
		tp_die("record is %s: tblur blurs real tensors only",
		    (unsigned)from < TP_NDTYPES ? tp_dtype_name(from) :
		    "no dtype");
	if ((why = tp_blur_sigmas(&b->opts, x->ndim, x->shape, sigma, order,
	    &m)) != NULL)
		tp_die("shape %s: %s", tp_shape_str(x, sh, sizeof sh), why);
	cd = from == TP_U1 && b->dtype < 0 ? TP_F4 :
	    tp_compute_dtype(from, b->dtype);
	od = image && b->dtype < 0 ? from : cd;
	if (x->count == 0)		/* as scipy: an empty result */
		return tp_new(od, x->ndim, x->shape);
	y = tp_converted(x, cd);
	if (tp_dtype_is_float(from) && (bad = tp_first_nonfinite(&y)) <
	    y.count)
		tp_die("record holds %s at %s: tblur needs finite values",
		    (cd == TP_F4 ? isnan(((float *)y.data)[bad]) :
		    isnan(((double *)y.data)[bad])) ? "NaN" : "an infinity",
		    tp_index_str(&y, bad, sh, sizeof sh));
	tp_blur_record(b->blur, &y, sigma, order, !image ? 0 : from == TP_U1 ?
	    255 : 65535, b->linear);
	if (od != cd) {
		struct tp_tensor z = tp_converted(&y, od);

		tp_free(&y);
		y = z;
	}
	return y;
}

static void
record_work(void *h, void *args)
{
	struct api_record *a = args;
	struct tp_tensor y = blur_record(h, (const struct tp_tensor *)a->in);

	api_output(a->out, &y);
}

TPIPE_API int
tpipe_blur_record(tpipe_blur *b, const tpipe_tensor *in, tpipe_tensor *out,
    tpipe_error *err)
{
	struct api_record a = { in, out };

	return api_run(&b->h, record_work, &a, err);
}

static void
free_work(void *h, void *args)
{
	(void)args;
	tp_blur_free(((tpipe_blur *)h)->blur);
}

TPIPE_API void
tpipe_blur_free(tpipe_blur *b)
{
	api_destroy(b ? &b->h : NULL, free_work, NULL, NULL);
}
