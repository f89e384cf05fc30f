/*
 * api_conv.c - the public library's convolution (include/tpipe/tpipe.h):
 * the convolution engine (conv.h) on a record as tconv(1) convolves one,
 * under a catch.
 */
#include <stdlib.h>
#include <string.h>

#include "api_impl.h"
#include "conv.h"
#include "fft.h"

struct tpipe_conv {
	struct api_handle h;
	struct tp_conv *conv;
};

_Static_assert(TPIPE_CONV_VALID == (int)TP_CONV_VALID && TPIPE_CONV_NEAREST
    == (int)TP_BND_NEAREST && TPIPE_CONV_DIRECT == (int)TP_METHOD_DIRECT,
    "the conv enums are conv.h's");

TPIPE_API void
tpipe_conv_options_init(tpipe_conv_options *o)
{
	struct tp_conv_opts d;

	tp_conv_opts_init(&d);
	memset(o, 0, sizeof *o);
	o->mode = (enum tpipe_conv_mode)d.mode;
	o->boundary = (enum tpipe_conv_boundary)d.boundary;
	o->method = (enum tpipe_conv_method)d.method;
	o->dtype = d.dtype;
	o->threads = d.threads;
}

/* o as conv.h's options, checked (a usage error, status 2). */
static void
conv_opts(const tpipe_conv_options *o, struct tp_conv_opts *c)
{
	tp_conv_opts_init(c);
	if ((unsigned)o->mode > TPIPE_CONV_VALID || (unsigned)o->boundary >
	    TPIPE_CONV_NEAREST || (unsigned)o->method > TPIPE_CONV_DIRECT)
		tp_usage_die("conv: mode, boundary or method out of range");
	if (o->ncorr < 0 || o->ncorr > TP_MAXDIM)
		tp_usage_die("--op: %d entries, not 0 to %d", o->ncorr,
		    TP_MAXDIM);
	if (o->dtype != -1 && o->dtype != TPIPE_FLOAT32 &&
	    o->dtype != TPIPE_FLOAT64)
		tp_usage_die("-t must be f32 or f64");
	if (o->threads < 1)
		tp_usage_die("-j must be at least 1, not %d", o->threads);
	c->mode = (enum tp_conv_mode)o->mode;
	c->boundary = (enum tp_conv_boundary)o->boundary;
	c->method = (enum tp_conv_method)o->method;
	c->ncorr = o->ncorr;
	for (int i = 0; i < o->ncorr; i++)
		c->corr[i] = o->corr[i] != 0;
	c->dtype = o->dtype;
	c->threads = o->threads;
}

struct new_args { const tpipe_tensor *kernel; const tpipe_conv_options *o; };

static void
new_work(void *h, void *args)
{
	tpipe_conv *c = h;
	struct new_args *a = args;
	struct tp_conv_opts co;
	struct tp_msg m;
	const char *why;

	conv_opts(a->o, &co);
	if ((unsigned)a->kernel->dtype >= TP_NDTYPES)
		tp_die("kernel: not a dtype");
	if ((why = tp_conv_new(&c->conv, (const struct tp_tensor *)a->kernel,
	    &co, &m)) != NULL) {
		/* as tconv: an empty kernel is the data's fault, an op list
		 * that does not fit it the options' */
		if (a->kernel->count == 0)
			tp_die("kernel: %s", why);
		tp_usage_die("--op: %s", why);
	}
	tp_fft_init(a->o->threads, TP_PLAN_ESTIMATE);
}

TPIPE_API tpipe_conv *
tpipe_conv_new(const tpipe_tensor *kernel, const tpipe_conv_options *o,
    tpipe_error *err)
{
	struct new_args a = { kernel, o };

	return api_create(sizeof(tpipe_conv), new_work, &a, err);
}

static void
record_work(void *h, void *args)
{
	tpipe_conv *c = h;
	struct api_record *a = args;
	const struct tp_tensor *x = (const struct tp_tensor *)a->in;
	struct tp_tensor y;
	struct tp_msg m;
	const char *why;

	if ((unsigned)x->dtype >= TP_NDTYPES)
		tp_die("record: not a dtype");
	if ((why = tp_conv_out_header(c->conv, x, &y, &m)) != NULL)
		tp_die("record: %s", why);
	tp_conv_run(c->conv, x, &y);
	api_output(a->out, &y);
}

TPIPE_API int
tpipe_conv_record(tpipe_conv *c, const tpipe_tensor *in, tpipe_tensor *out,
    tpipe_error *err)
{
	struct api_record a = { in, out };

	return api_run(&c->h, record_work, &a, err);
}

static void
free_work(void *h, void *args)
{
	(void)args;
	tp_conv_free(((tpipe_conv *)h)->conv);
}

TPIPE_API void
tpipe_conv_free(tpipe_conv *c)
{
	api_destroy(c ? &c->h : NULL, free_work, NULL, NULL);
}
