/*
 * tblur - Gaussian blur of a tensor stream with a closed-form frequency
 * response.  The work is in lib/blur.c (tp_blur_record); this file reads
 * the options and the records, picks the computing type (8- and 16-bit
 * images are written back as images, rounded and saturated) and refuses
 * what cannot be blurred.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "fft.h"
#include "blur.h"

static const char usage[] =
    "tblur -s sigma[,sigma...] [--axes list]\n"
    "             [--boundary reflect|mirror|nearest|wrap|zero]\n"
    "             [--kernel sampled|analytic|discrete] [--method auto|fft|fir]\n"
    "             [--order n[,n...]] [--linear] [--plan estimate|measure|patient]\n"
    "             [--sigmas s1,s2,... [--split] | --dog s1,s2 | --log |\n"
    "              --gradient-magnitude | --unsharp amount[,threshold]]\n"
    "             [-o file] [-O " TP_FORMAT_NAMES "] [-t f32|f64]\n"
    "             [-j threads] [--verbose] [--progress | --quiet] [file]";

enum {
	OPT_AXES = TP_OPT_TOOL, OPT_BOUNDARY, OPT_KERNEL, OPT_METHOD,
	OPT_PLAN, OPT_VERBOSE, OPT_LINEAR, OPT_ORDER, OPT_SIGMAS, OPT_SPLIT,
	OPT_DOG, OPT_LOG, OPT_GRADMAG, OPT_UNSHARP
};

struct cmdline {
	struct tp_common com;
	const char *input;
	struct tp_blur_opts blur;
	int have_sigma;
	int plan;
	int verbose;
	int linear;		/* --linear: blur in linear light */
	struct tp_blur_form form;	/* the Gaussian family's member */
	int split;		/* --split: one record per sigma */
};

/* The word of the family option that chose form kind k. */
static const char *
form_option(enum tp_blur_kind k)
{
	static const char *const w[] = { "-s", "--sigmas", "--dog", "--log",
	    "--gradient-magnitude", "--unsharp" };

	return w[k];
}

/* Take family option k, unless another one was given (exit 2). */
static void
set_form(struct cmdline *cl, enum tp_blur_kind k)
{
	if (cl->form.kind != TP_BLUR_ONE && cl->form.kind != k)
		tp_usage_die("%s and %s: give one of them",
		    form_option(cl->form.kind), form_option(k));
	cl->form.kind = k;
}

/* The family options checked together (exit 2): the sigma comes from
 * exactly one of -s, --sigmas and --dog, and the forms that take
 * derivatives themselves take no --order. */
static void
check_form(struct cmdline *cl)
{
	struct tp_blur_form *f = &cl->form;
	int i;

	if (cl->split && f->kind != TP_BLUR_SCALES)
		tp_usage_die("--split splits the stack of --sigmas: give "
		    "--sigmas");
	if (f->kind == TP_BLUR_SCALES || f->kind == TP_BLUR_DOG) {
		if (cl->have_sigma)
			tp_usage_die("-s and %s: give the sigmas once",
			    form_option(f->kind));
		if (f->kind == TP_BLUR_DOG && f->nscale != 2)
			tp_usage_die("--dog takes two sigmas, not %d",
			    f->nscale);
		for (i = 0; i < f->nscale; i++)
			if (!(f->scale[i] >= 0) || isinf(f->scale[i]))
				tp_usage_die("%s: sigma must be finite and "
				    ">= 0, not %g", form_option(f->kind),
				    f->scale[i]);
		/* the smallest positive sigma (0 if none) marks the blurred
		 * axes and is what tp_blur_opts_check checks against the
		 * method */
		cl->blur.nsigma = 1;
		cl->blur.sigma[0] = 0;
		for (i = 0; i < f->nscale; i++)
			if (f->scale[i] > 0 && (cl->blur.sigma[0] == 0 ||
			    f->scale[i] < cl->blur.sigma[0]))
				cl->blur.sigma[0] = f->scale[i];
		cl->have_sigma = 1;
		return;
	}
	if (f->kind != TP_BLUR_ONE && cl->blur.norder > 0)
		tp_usage_die("%s takes its own derivatives: no --order",
		    form_option(f->kind));
	if (f->kind == TP_BLUR_UNSHARP && (!isfinite(f->amount) ||
	    !(f->threshold >= 0) || isinf(f->threshold)))
		tp_usage_die("--unsharp: the amount must be finite and the "
		    "threshold finite and >= 0, not %g,%g", f->amount,
		    f->threshold);
}

/* Parse "0,-1,2" (what: "--axes") into v[0..*n), each in [lo, hi];
 * dies (exit 2) on a bad entry. */
static void
parse_ints(const char *s, int *v, int *n, const char *what, int lo, int hi)
{
	char *copy = tp_estrdup(s), *p = copy, *tok, q[256];

	*n = 0;
	while ((tok = strsep(&p, ",")) != NULL) {
		if (*n == TP_MAXDIM)
			tp_usage_die("%s '%s' has more than %d entries", what,
			    tp_quote(s, strlen(s), q, sizeof q), TP_MAXDIM);
		v[(*n)++] = (int)tp_parse_int(tok, lo, hi, what);
	}
	free(copy);
}

/* All options into cl, checked together before any input is read; dies
 * (exit 2) on a usage error. */
static void
parse_cmdline(int argc, char **argv, struct cmdline *cl)
{
	static const struct option longopts[] = {
		TP_COMMON_LONGOPTS,
		{ "sigma", required_argument, NULL, 's' },
		{ "axes", required_argument, NULL, OPT_AXES },
		{ "boundary", required_argument, NULL, OPT_BOUNDARY },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "method", required_argument, NULL, OPT_METHOD },
		{ "plan", required_argument, NULL, OPT_PLAN },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
		{ "linear", no_argument, NULL, OPT_LINEAR },
		{ "order", required_argument, NULL, OPT_ORDER },
		{ "sigmas", required_argument, NULL, OPT_SIGMAS },
		{ "split", no_argument, NULL, OPT_SPLIT },
		{ "dog", required_argument, NULL, OPT_DOG },
		{ "log", no_argument, NULL, OPT_LOG },
		{ "gradient-magnitude", no_argument, NULL, OPT_GRADMAG },
		{ "unsharp", required_argument, NULL, OPT_UNSHARP },
		{ NULL, 0, NULL, 0 }
	};
	struct tp_msg m;
	const char *why;
	int ch;

	memset(cl, 0, sizeof *cl);
	tp_init(&cl->com, usage);
	tp_blur_opts_init(&cl->blur);
	cl->plan = TP_PLAN_ESTIMATE;
	while ((ch = tp_getopt(argc, argv, TP_COMMON_SHORTOPTS "s:",
	    longopts)) != -1) {
		if (tp_common_option(&cl->com, ch, optarg))
			continue;
		switch (ch) {
		case 's':
			cl->blur.nsigma = tp_parse_doubles(optarg,
			    cl->blur.sigma, TP_MAXDIM, "sigma");
			cl->have_sigma = 1;
			break;
		case OPT_AXES:
			parse_ints(optarg, cl->blur.axes, &cl->blur.naxes,
			    "--axes", -TP_MAXDIM, TP_MAXDIM - 1);
			break;
		case OPT_BOUNDARY:
			cl->blur.boundary = tp_choice(optarg,
			    tp_blur_boundaries, "--boundary");
			break;
		case OPT_KERNEL:
			cl->blur.kernel = tp_choice(optarg, tp_blur_kernels,
			    "--kernel");
			break;
		case OPT_METHOD:
			cl->blur.method = tp_choice(optarg, tp_blur_methods,
			    "--method");
			break;
		case OPT_PLAN:
			cl->plan = tp_choice(optarg, tp_fft_plans, "--plan");
			break;
		case OPT_VERBOSE:	/* twice: the engine's phase stamps */
			cl->verbose++;
			break;
		case OPT_LINEAR:
			cl->linear = 1;
			break;
		case OPT_ORDER:
			parse_ints(optarg, cl->blur.order, &cl->blur.norder,
			    "--order", 0, TP_BLUR_MAXORDER);
			break;
		case OPT_SIGMAS:
		case OPT_DOG:
			set_form(cl, ch == OPT_DOG ? TP_BLUR_DOG :
			    TP_BLUR_SCALES);
			cl->form.nscale = tp_parse_doubles(optarg,
			    cl->form.scale, TP_BLUR_MAXSCALES, ch == OPT_DOG ?
			    "--dog" : "--sigmas");
			break;
		case OPT_SPLIT:
			cl->split = 1;
			break;
		case OPT_LOG:
			set_form(cl, TP_BLUR_LOG);
			break;
		case OPT_GRADMAG:
			set_form(cl, TP_BLUR_GRADMAG);
			break;
		case OPT_UNSHARP: {
			double v[2] = { 0, 0 };

			set_form(cl, TP_BLUR_UNSHARP);
			tp_parse_doubles(optarg, v, 2, "--unsharp");
			cl->form.amount = v[0];
			cl->form.threshold = v[1];
			break;
		}
		default:
			tp_usage();
		}
	}
	check_form(cl);
	if (!cl->have_sigma)
		tp_usage_die("no sigma: give one with -s SIGMA");
	if ((why = tp_blur_opts_check(&cl->blur, &m)) != NULL)
		tp_usage_die("%s", why);
	cl->input = tp_input_operand(argc - optind, argv + optind);
	cl->blur.threads = cl->com.threads;
}

/* File scope, so that what is live when a message ends the run is still
 * reachable (LeakSanitizer stays quiet). */
static struct tp_blur *blur;
static struct tp_blur_family *family;
static struct tp_reader *in;
static struct tp_writer *out;
static struct tp_tensor x, y;

static struct tp_tensor member[2];

/* A member being written by the background thread while the next is
 * computed: its data (converted when conv, then freed), and whether it
 * is a record of its own (--split). */
static struct scale_write {
	struct tp_tensor z;
	int conv, split;
} pending;

/* The background thread's job: write pending. */
static void
write_member(void *v)
{
	struct scale_write *p = v;

	if (p->split)
		tp_write(out, &p->z);
	else
		tp_write_data(out, p->z.data, p->z.nbytes);
	if (p->conv)
		tp_free(&p->z);
}

/*
 * Write the scale-space stack of --sigmas of the record y (blurred with
 * the sigmas of the form on the axes where sigma is above 0) one member
 * at a time, in dtype od: as one record with a leading axis, or with
 * split as one record per sigma.  With more than one thread (-j),
 * member i is written on a thread of its own (tp_background_start)
 * while member i + 1 is computed, in the other of two buffers.  Memory:
 * two members besides y (one with -j 1).
 */
static void
write_scales(const struct cmdline *cl, const struct tp_tensor *y,
    const double *sigma, const int *order, double full, enum tp_dtype od,
    struct tp_timing *tm)
{
	struct tp_tensor hdr = *y;
	size_t es[TP_MAXDIM];
	int n = cl->form.nscale, nb = cl->com.threads > 1 ? 2 : 1;

	if (y->ndim == TP_MAXDIM && !cl->split)
		tp_die("a record of %d axes has no room for the scale axis "
		    "of --sigmas", y->ndim);
	tp_blur_family_begin(family, y, sigma, order, full, cl->linear);
	for (int b = 0; b < nb && b < n; b++) {	/* on huge pages: fewer */
		member[b] = *y;			/* faults as first written */
		member[b].data = tp_big_alloc(y->nbytes);
	}
	hdr.dtype = od;
	if (!cl->split) {
		es[0] = (size_t)n;
		memcpy(es + 1, y->shape, (size_t)y->ndim * sizeof *es);
		tp_eset_shape(&hdr, y->ndim + 1, es);
		tp_write_header(out, &hdr);
	}
	for (int i = 0; i < n; i++) {
		struct tp_tensor *m = &member[i % nb], z = *m;

		tp_blur_family_scale(family, i, m->data);
		if (od != y->dtype)
			z = tp_converted(m, od);
		tp_timing_charge(tm, TP_PHASE_COMPUTE);
		tp_background_wait();	/* member i - 1 written */
		tp_timing_charge(tm, TP_PHASE_WRITE);
		pending.z = z;
		pending.conv = z.data != m->data;
		pending.split = cl->split;
		if (nb == 2)
			tp_background_start(write_member, &pending);
		else {
			write_member(&pending);
			tp_timing_charge(tm, TP_PHASE_WRITE);
		}
	}
	tp_background_wait();
	tp_timing_charge(tm, TP_PHASE_WRITE);
	for (int b = 0; b < 2; b++)
		tp_free(&member[b]);
}

int
main(int argc, char **argv)
{
	struct cmdline cl;
	struct tp_timing tm;
	struct tp_msg m;
	double sigma[TP_MAXDIM];
	int order[TP_MAXDIM];
	const char *why;
	char sh[256], d[512];

	parse_cmdline(argc, argv, &cl);
	tp_fft_init(cl.com.threads, cl.plan);
	if (cl.form.kind == TP_BLUR_ONE)
		blur = tp_blur_new(&cl.blur);
	else
		family = tp_blur_family_new(&cl.blur, &cl.form);
	in = tp_reader_open(cl.input, -1, NULL);
	out = tp_writer_open(&cl.com);
	tp_timing_start(&tm, cl.verbose);
	tp_timing_stamps(cl.verbose >= 2);
	while (tp_read_header(in, &x)) {
		enum tp_dtype from = x.dtype, cd, od;
		int image = from == TP_U1 || from == TP_U2;
		size_t bad;

		/* 8-bit images in float32: its error is below 1e-4 of a
		 * level; everything else as tp_compute_dtype says */
		cd = from == TP_U1 && cl.com.dtype < 0 ? TP_F4 :
		    tp_compute_dtype(from, cl.com.dtype);
		od = image && cl.com.dtype < 0 ? from : cd;
		/* the corner factors of zero and nearest made while the
		 * data is read (tp_blur_ahead) */
		if (blur != NULL && !tp_dtype_is_complex(from) &&
		    tp_blur_sigmas(&cl.blur, x.ndim, x.shape, sigma, order,
		    &m) == NULL)
			tp_blur_ahead(blur, cd == TP_F4, x.ndim, x.shape, sigma,
			    order, tp_reader_holds_record(in));
		tp_read_data_in(in, &x, from);
		tp_timing_charge(&tm, TP_PHASE_READ);
		if (tp_dtype_is_complex(from))
			tp_die("%s: record %ld is %s: tblur blurs real "
			    "tensors only", tp_reader_name(in),
			    tp_reader_index(in), tp_dtype_name(from));
		if ((why = tp_blur_sigmas(&cl.blur, x.ndim, x.shape, sigma,
		    order, &m)) != NULL)
			tp_die("%s: record %ld, shape %s: %s",
			    tp_reader_name(in), tp_reader_index(in),
			    tp_shape_str(&x, sh, sizeof sh), why);
		if (x.count == 0) {	/* as scipy: an empty result */
			size_t es[TP_MAXDIM];
			int lead = cl.form.kind == TP_BLUR_SCALES && !cl.split;

			y = x;
			y.dtype = od;
			es[0] = (size_t)cl.form.nscale;
			memcpy(es + lead, x.shape, (size_t)x.ndim * sizeof *es);
			if (x.ndim + lead > TP_MAXDIM)
				tp_die("a record of %d axes has no room for "
				    "the scale axis of --sigmas", x.ndim);
			tp_eset_shape(&y, x.ndim + lead, es);
			for (size_t i = 0; i < (cl.split ?
			    tp_blur_family_count(&cl.form) : 1); i++)
				tp_write_header(out, &y);
			tp_free(&x);
			continue;
		}
		if (from == cd) {
			y = x;
			x.data = NULL;
		} else {
			y = tp_converted(&x, cd);
			tp_free(&x);
		}
		if (tp_dtype_is_float(from) &&
		    (bad = tp_first_nonfinite(&y)) < y.count)
			tp_die("%s: record %ld holds %s at %s: tblur needs "
			    "finite values", tp_reader_name(in),
			    tp_reader_index(in), (cd == TP_F4 ?
			    isnan(((float *)y.data)[bad]) :
			    isnan(((double *)y.data)[bad])) ? "NaN" :
			    "an infinity", tp_index_str(&y, bad, sh,
			    sizeof sh));
		if (cl.form.kind == TP_BLUR_SCALES) {
			write_scales(&cl, &y, sigma, order, !image ? 0 :
			    from == TP_U1 ? 255 : 65535, od, &tm);
			tp_free(&y);
			tp_timing_record_done(&tm, tp_reader_index(in),
			    tp_blur_describe(tp_blur_family_first(family), d,
			    sizeof d));
			continue;
		}
		if (family != NULL) {
			struct tp_tensor z = tp_blur_family_record(family, &y,
			    sigma, order, !image ? 0 : from == TP_U1 ? 255 :
			    65535, cl.linear);

			tp_free(&y);
			y = z;
		} else {
			tp_blur_record(blur, &y, sigma, order, !image ? 0 :
			    from == TP_U1 ? 255 : 65535, cl.linear);
		}
		if (od != cd) {
			struct tp_tensor z = tp_converted(&y, od);

			tp_free(&y);
			y = z;
		}
		tp_timing_charge(&tm, TP_PHASE_COMPUTE);
		tp_write(out, &y);
		tp_free(&y);
		tp_timing_record_done(&tm, tp_reader_index(in),
		    tp_blur_describe(family != NULL ?
		    tp_blur_family_first(family) : blur, d, sizeof d));
	}
	tp_writer_close(out);
	tp_timing_run_done(&tm);
	tp_reader_close(in);
	tp_blur_free(blur);
	tp_blur_family_free(family);
	tp_fft_save_wisdom();
	return 0;
}
