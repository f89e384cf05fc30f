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
    "             [-o file] [-O " TP_FORMAT_NAMES "] [-t f32|f64]\n"
    "             [-j threads] [--verbose] [--progress | --quiet] [file]";

enum {
	OPT_AXES = TP_OPT_TOOL, OPT_BOUNDARY, OPT_KERNEL, OPT_METHOD,
	OPT_PLAN, OPT_VERBOSE, OPT_LINEAR, OPT_ORDER
};

struct cmdline {
	struct tp_common com;
	const char *input;
	struct tp_blur_opts blur;
	int have_sigma;
	int plan;
	int verbose;
	int linear;		/* --linear: blur in linear light */
};

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
		default:
			tp_usage();
		}
	}
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
static struct tp_reader *in;
static struct tp_writer *out;
static struct tp_tensor x, y;

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
	blur = tp_blur_new(&cl.blur);
	in = tp_reader_open(cl.input, -1, NULL);
	out = tp_writer_open(&cl.com);
	tp_timing_start(&tm, cl.verbose);
	tp_timing_stamps(cl.verbose >= 2);
	while (tp_read(in, &x)) {
		enum tp_dtype from = x.dtype, cd, od;
		int image = from == TP_U1 || from == TP_U2;
		size_t bad;

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
		/* 8-bit images in float32: its error is below 1e-4 of a
		 * level; everything else as tp_compute_dtype says */
		cd = from == TP_U1 && cl.com.dtype < 0 ? TP_F4 :
		    tp_compute_dtype(from, cl.com.dtype);
		od = image && cl.com.dtype < 0 ? from : cd;
		if (x.count == 0) {	/* as scipy: an empty result */
			y = x;
			y.dtype = od;
			tp_eset_shape(&y, x.ndim, x.shape);
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
		tp_blur_record(blur, &y, sigma, order, !image ? 0 :
		    from == TP_U1 ? 255 : 65535, cl.linear);
		if (od != cd) {
			struct tp_tensor z = tp_converted(&y, od);

			tp_free(&y);
			y = z;
		}
		tp_timing_charge(&tm, TP_PHASE_COMPUTE);
		tp_write(out, &y);
		tp_free(&y);
		tp_timing_record_done(&tm, tp_reader_index(in),
		    tp_blur_describe(blur, d, sizeof d));
	}
	tp_writer_close(out);
	tp_timing_run_done(&tm);
	tp_reader_close(in);
	tp_blur_free(blur);
	tp_fft_save_wisdom();
	return 0;
}
