/*
 * api_fft.c - the public library's transforms (include/tpipe/tpipe.h):
 * the spectrum engine (spectrum.h) on a record as tfft(1) transforms
 * one, under a catch.
 */
#include <stdlib.h>
#include <string.h>

#include "api_impl.h"
#include "fft.h"
#include "spectrum.h"

struct tpipe_fft {
	struct api_handle h;
	int dtype;
	struct tp_spectrum *spec;
};

_Static_assert(TPIPE_IDSTN == (int)TP_SPEC_IDST && TPIPE_NORM_FORWARD ==
    (int)TP_NORM_FORWARD && TPIPE_FFT_PHASE == (int)TP_VIEW_PHASE,
    "the fft enums are spectrum.h's");

TPIPE_API void
tpipe_fft_options_init(tpipe_fft_options *o)
{
	memset(o, 0, sizeof *o);
	o->transform = TPIPE_FFTN;
	o->norm = TPIPE_NORM_BACKWARD;
	o->view = TPIPE_FFT_ASIS;
	o->dtype = -1;
	o->threads = 1;
}

/* o as spectrum.h's options, checked as tfft checks them (a usage
 * error, status 2). */
static void
fft_opts(const tpipe_fft_options *o, struct tp_spectrum_opts *sp)
{
	struct tp_msg m;
	const char *why;

	tp_spectrum_opts_init(sp);
	if ((unsigned)o->transform > TPIPE_IDSTN || (unsigned)o->norm >
	    TPIPE_NORM_FORWARD || (unsigned)o->view > TPIPE_FFT_PHASE)
		tp_usage_die("fft: transform, norm or view out of range");
	if (o->naxes < 0 || o->naxes > TP_MAXDIM || o->ns < 0 ||
	    o->ns > TP_MAXDIM)
		tp_usage_die("fft: naxes and ns must be 0 to %d", TP_MAXDIM);
	if (o->dtype != -1 && o->dtype != TPIPE_FLOAT32 &&
	    o->dtype != TPIPE_FLOAT64)
		tp_usage_die("-t must be f32 or f64");
	if (o->threads < 1)
		tp_usage_die("-j must be at least 1, not %d", o->threads);
	sp->fn = (enum tp_spec_fn)o->transform;
	sp->type = o->type;
	sp->naxes = o->naxes;
	memcpy(sp->axes, o->axes, sizeof sp->axes);
	sp->ns = o->ns;
	memcpy(sp->s, o->s, sizeof sp->s);
	sp->norm = (enum tp_spec_norm)o->norm;
	sp->shift = o->shift != 0;
	sp->ishift = o->ishift != 0;
	sp->view = (enum tp_spec_view)o->view;
	sp->threads = o->threads;
	if ((why = tp_spectrum_opts_check(sp, &m)) != NULL)
		tp_usage_die("%s", why);
}

static void
new_work(void *h, void *o)
{
	tpipe_fft *f = h;
	const tpipe_fft_options *opt = o;
	struct tp_spectrum_opts sp;

	fft_opts(opt, &sp);
	f->dtype = opt->dtype;
	tp_fft_init(opt->threads, TP_PLAN_ESTIMATE);
	f->spec = tp_spectrum_new(&sp);
}

TPIPE_API tpipe_fft *
tpipe_fft_new(const tpipe_fft_options *o, tpipe_error *err)
{
	return api_create(sizeof(tpipe_fft), new_work, (void *)o, err);
}

static void
record_work(void *h, void *args)
{
	tpipe_fft *f = h;
	struct api_record *a = args;
	const struct tp_tensor *x = (const struct tp_tensor *)a->in;
	struct tp_tensor w, y;
	enum tp_dtype cd;
	struct tp_msg m;
	const char *why;
	char sh[256];

	if ((unsigned)x->dtype >= TP_NDTYPES)
		tp_die("record: not a dtype");
	if ((why = tp_spectrum_out_header(f->spec, x, f->dtype, &cd, &y,
	    &m)) != NULL)
		tp_die("shape %s: %s", tp_shape_str(x, sh, sizeof sh), why);
	w = tp_converted(x, cd);	/* consumed by the run */
	tp_spectrum_run(f->spec, &w, &y);
	tp_free(&w);
	api_output(a->out, &y);
}

TPIPE_API int
tpipe_fft_record(tpipe_fft *f, const tpipe_tensor *in, tpipe_tensor *out,
    tpipe_error *err)
{
	struct api_record a = { in, out };

	return api_run(&f->h, record_work, &a, err);
}

static void
free_work(void *h, void *args)
{
	(void)args;
	tp_spectrum_free(((tpipe_fft *)h)->spec);
}

TPIPE_API void
tpipe_fft_free(tpipe_fft *f)
{
	api_destroy(f ? &f->h : NULL, free_work, NULL, NULL);
}
