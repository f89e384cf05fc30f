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
#include "engine.h"
#include "fft.h"
#include "conv.h"

static const char usage[] =
    "tconv -k kernel [--mode full|same|valid] [--op conv|corr[,...]]\n"
    "             [--corr] [--boundary zero|wrap|reflect|mirror|nearest]\n"
    "             [--method auto|fft|direct] [--plan estimate|measure|patient]\n"
    "             [-o file] [-O " TP_FORMAT_NAMES "] [-t f32|f64]\n"
    "             [-j threads] [--verbose] [--tiles length[,...]]\n"
    "             [--progress | --quiet] [file]";

enum {
	OPT_MODE = TP_OPT_TOOL, OPT_OP, OPT_CORR, OPT_BOUNDARY, OPT_METHOD,
	OPT_PLAN, OPT_VERBOSE, OPT_TILES
};

struct cmdline {
	struct tp_common com;
	const char *kernel;
	const char *input;
	const char *ops;	/* --op as given */
	char kshown[256];	/* the kernel's name, quoted for messages */
	struct tp_conv_opts conv;
	int plan;
	int verbose;
};

/* Parse "conv,corr,..." into o->corr; dies (exit 2) on a bad entry. */
static void
parse_ops(const char *s, struct tp_conv_opts *o)
{
	char *copy, *ent[TP_MAXDIM];
	int i, n = tp_split_list("--op", s, &copy, ent, TP_MAXDIM);

	for (i = 0; i < n; i++)
		o->corr[i] = tp_choice(ent[i], tp_conv_ops, "--op entry");
	o->ncorr = n;
	free(copy);
}

/* Parse --tiles "L0,L1,..." (tile lengths, 0 = whole axis) into o. */
static void
parse_tiles(const char *s, struct tp_conv_opts *o)
{
	char *copy, *ent[TP_MAXDIM];
	int i, n = tp_split_list("--tiles", s, &copy, ent,
	    TP_MAXDIM);

	for (i = 0; i < n; i++)
		o->tile[i] = (size_t)tp_parse_int(ent[i], 0, 1LL << 40,
		    "--tiles");
	o->ntile = n;
	free(copy);
}

/* All options into cl, checked, before any input is read; dies (exit 2)
 * on a usage error. */
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
		{ "tiles", required_argument, NULL, OPT_TILES },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(cl, 0, sizeof *cl);
	tp_init(&cl->com, usage);
	tp_conv_opts_init(&cl->conv);
	cl->plan = TP_PLAN_ESTIMATE;
	while ((ch = tp_getopt(argc, argv, TP_COMMON_SHORTOPTS "k:",
	    longopts)) != -1) {
		if (tp_common_option(&cl->com, ch, optarg))
			continue;
		switch (ch) {
		case 'k':
			cl->kernel = optarg;
			break;
		case OPT_MODE:
			cl->conv.mode = tp_choice(optarg, tp_conv_modes,
			    "--mode");
			break;
		case OPT_OP:
			parse_ops(optarg, &cl->conv);
			cl->ops = optarg;
			break;
		case OPT_CORR:
			cl->conv.ncorr = 1;
			cl->conv.corr[0] = 1;
			cl->ops = "corr";
			break;
		case OPT_BOUNDARY:
			cl->conv.boundary = tp_choice(optarg,
			    tp_conv_boundaries, "--boundary");
			break;
		case OPT_METHOD:
			cl->conv.method = tp_choice(optarg, tp_conv_methods,
			    "--method");
			break;
		case OPT_PLAN:
			cl->plan = tp_choice(optarg, tp_fft_plans, "--plan");
			break;
		case OPT_VERBOSE:
			cl->verbose = 1;
			break;
		case OPT_TILES:
			parse_tiles(optarg, &cl->conv);
			break;
		default:
			tp_usage();
		}
	}
	if (cl->kernel == NULL)
		tp_usage_die("no kernel: give one with -k FILE");
	cl->input = tp_input_operand(argc - optind, argv + optind);
	if (strcmp(cl->kernel, "-") == 0 && (cl->input == NULL ||
	    strcmp(cl->input, "-") == 0))
		tp_usage_die("-k '-' and the input would both read the "
		    "standard input: name a file for one of them");
	tp_quote(cl->kernel, strlen(cl->kernel), cl->kshown, sizeof cl->kshown);
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
	struct tp_msg msg;
	struct tp_timing tm;
	const char *why;
	char desc[512], q[256];

	parse_cmdline(argc, argv, &cl);
	k = tp_read_operand(cl.kernel, "kernel");
	if ((why = tp_conv_new(&conv, &k, &cl.conv, &msg)) != NULL) {
		/* tp_conv_new: an empty kernel is the data's fault, an op
		 * list that does not fit it the options' */
		if (k.count == 0)
			tp_die("kernel '%s': %s", cl.kshown, why);
		tp_usage_die("--op '%s' with kernel '%s': %s", tp_quote(cl.ops,
		    strlen(cl.ops), q, sizeof q), cl.kshown, why);
	}
	tp_free(&k);
	tp_fft_init(cl.com.threads, cl.plan);
	tp_timing_start(&tm, cl.verbose);
	in = tp_reader_open(cl.input, -1, NULL);
	out = tp_writer_open(&cl.com);
	while (tp_read(in, &x)) {
		tp_timing_charge(&tm, TP_PHASE_READ);
		if ((why = tp_conv_out_header(conv, &x, &y, &msg)) != NULL)
			tp_die("%s: record %ld: kernel '%s': %s",
			    tp_reader_name(in), tp_reader_index(in), cl.kshown,
			    why);
		tp_conv_run(conv, &x, &y);
		tp_free(&x);
		tp_timing_charge(&tm, TP_PHASE_COMPUTE);
		tp_write(out, &y);
		tp_free(&y);
		tp_timing_record_done(&tm, tp_reader_index(in),
		    tp_conv_describe(conv, desc, sizeof desc));
	}
	tp_writer_close(out);
	tp_reader_close(in);
	tp_timing_run_done(&tm);
	tp_conv_free(conv);
	tp_fft_save_wisdom();
	return 0;
}
