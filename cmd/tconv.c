/*
 * tconv - N-D convolution and correlation of a tensor stream with a
 * kernel.  The work is in lib/conv.c; this file reads the options, the
 * kernel and the records.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "fft.h"
#include "conv.h"

static const char usage[] =
    "tconv -k kernel [--mode full|same|valid] [--op conv|corr[,...]]\n"
    "             [--corr] [--boundary zero|wrap|reflect|mirror|nearest]\n"
    "             [--method auto|fft|direct] [--plan estimate|measure|patient]\n"
    "             [-o file] [-O npy|txt|png] [-t f32|f64] [-j threads]\n"
    "             [--verbose] [file]";

enum {
	OPT_MODE = TP_OPT_TOOL, OPT_OP, OPT_CORR, OPT_BOUNDARY, OPT_METHOD,
	OPT_PLAN, OPT_VERBOSE
};

struct cmdline {
	struct tp_common com;
	const char *kernel;
	const char *input;
	struct tp_conv_opts conv;
	int plan;
	int verbose;
};

/* Parse "conv,corr,..." into o->corr; dies (exit 2) on a bad entry. */
static void
parse_ops(const char *s, struct tp_conv_opts *o)
{
	char *copy = tp_estrdup(s), *p, *save = NULL;
	int n = 0;

	for (p = strtok_r(copy, ",", &save); p != NULL;
	    p = strtok_r(NULL, ",", &save)) {
		if (n == TP_MAXDIM)
			tp_usage_die("--op '%s' has more than %d entries", s,
			    TP_MAXDIM);
		if (strcmp(p, "conv") == 0)
			o->corr[n++] = 0;
		else if (strcmp(p, "corr") == 0)
			o->corr[n++] = 1;
		else
			tp_usage_die("unknown op '%s' in --op '%s': use "
			    TP_CONV_OPS, p, s);
	}
	if (n == 0)
		tp_usage_die("--op '%s' names no op: use " TP_CONV_OPS, s);
	o->ncorr = n;
	free(copy);
}

static void
parse_cmdline(int argc, char **argv, struct cmdline *cl)
{
	static const struct option longopts[] = {
		TP_COMMON_LONGOPTS,
		{ "kernel", required_argument, NULL, 'k' },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "op", required_argument, NULL, OPT_OP },
		{ "corr", no_argument, NULL, OPT_CORR },
		{ "boundary", required_argument, NULL, OPT_BOUNDARY },
		{ "method", required_argument, NULL, OPT_METHOD },
		{ "plan", required_argument, NULL, OPT_PLAN },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
		{ NULL, 0, NULL, 0 }
	};
	int ch, v;

	memset(cl, 0, sizeof *cl);
	tp_init(&cl->com, usage);
	tp_conv_opts_init(&cl->conv);
	cl->plan = TP_PLAN_ESTIMATE;
	while ((ch = getopt_long(argc, argv, TP_COMMON_SHORTOPTS "k:",
	    longopts, NULL)) != -1) {
		if (tp_common_option(&cl->com, ch, optarg))
			continue;
		switch (ch) {
		case 'k':
			cl->kernel = optarg;
			break;
		case OPT_MODE:
			if ((v = tp_conv_mode_parse(optarg)) < 0)
				tp_usage_die("unknown mode '%s': use "
				    TP_CONV_MODES, optarg);
			cl->conv.mode = v;
			break;
		case OPT_OP:
			parse_ops(optarg, &cl->conv);
			break;
		case OPT_CORR:
			cl->conv.ncorr = 1;
			cl->conv.corr[0] = 1;
			break;
		case OPT_BOUNDARY:
			if ((v = tp_conv_boundary_parse(optarg)) < 0)
				tp_usage_die("unknown boundary '%s': use "
				    TP_CONV_BOUNDARIES, optarg);
			cl->conv.boundary = v;
			break;
		case OPT_METHOD:
			if ((v = tp_conv_method_parse(optarg)) < 0)
				tp_usage_die("unknown method '%s': use "
				    TP_CONV_METHODS, optarg);
			cl->conv.method = v;
			break;
		case OPT_PLAN:
			if ((v = tp_fft_plan_parse(optarg)) < 0)
				tp_usage_die("unknown plan '%s': use "
				    TP_PLAN_CHOICES, optarg);
			cl->plan = v;
			break;
		case OPT_VERBOSE:
			cl->verbose = 1;
			break;
		default:
			tp_usage();
		}
	}
	if (cl->kernel == NULL)
		tp_usage_die("no kernel: give one with -k FILE");
	if (argc - optind > 1)
		tp_usage_die("more than one input file ('%s', '%s')",
		    argv[optind], argv[optind + 1]);
	cl->input = optind < argc ? argv[optind] : NULL;
	cl->conv.dtype = cl->com.dtype;
	cl->conv.threads = cl->com.threads;
}

/* File scope, so that what is live when a message ends the run is still
 * reachable (LeakSanitizer stays quiet). */
static struct tp_conv *conv;
static struct tp_reader *in;
static struct tp_writer *out;
static struct tp_tensor k, x, y;

int
main(int argc, char **argv)
{
	struct cmdline cl;
	const char *why;

	parse_cmdline(argc, argv, &cl);
	k = tp_read_operand(cl.kernel, "kernel");
	conv = tp_conv_new(&k, &cl.conv, &why);
	if (conv == NULL) {
		if (k.count == 0) {
			char sh[256];

			tp_die("kernel '%s' is empty: shape %s", cl.kernel,
			    tp_shape_str(&k, sh, sizeof sh));
		}
		tp_usage_die("--op has %d entries but kernel '%s' has %d "
		    "ax%s", cl.conv.ncorr, cl.kernel, k.ndim == 0 ? 1 : k.ndim,
		    k.ndim <= 1 ? "is" : "es");
	}
	tp_free(&k);
	tp_fft_init(cl.com.threads, cl.plan);
	in = tp_reader_open(cl.input, -1, NULL);
	out = tp_writer_open(&cl.com);
	while (tp_read(in, &x)) {
		if (x.ndim < tp_conv_kernel_ndim(conv)) {
			char sh[256];

			tp_die("kernel '%s' has %d ax%s but the signal %s "
			    "(record %ld of %s) has %d", cl.kernel,
			    tp_conv_kernel_ndim(conv),
			    tp_conv_kernel_ndim(conv) == 1 ? "is" : "es",
			    tp_shape_str(&x, sh, sizeof sh), tp_reader_index(in),
			    tp_reader_name(in), x.ndim);
		}
		if ((why = tp_conv_out_header(conv, &x, &y)) != NULL)
			tp_die("%s: record %ld: %s", tp_reader_name(in),
			    tp_reader_index(in), why);
		tp_conv_run(conv, &x, &y);
		if (cl.verbose) {
			char d[512];

			fprintf(stderr, "tconv: record %ld: %s\n",
			    tp_reader_index(in),
			    tp_conv_describe(conv, d, sizeof d));
		}
		tp_free(&x);
		tp_write(out, &y);
		tp_free(&y);
	}
	tp_writer_close(out);
	tp_reader_close(in);
	tp_conv_free(conv);
	tp_fft_save_wisdom();
	return 0;
}
