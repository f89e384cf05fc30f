/*
 * treshape - reshape, permute and rearrange the records of a tensor
 * stream without mixing batch elements.  The work is in lib/reshape.c;
 * this file reads the options and moves the records: a view rewrites
 * the header and streams the data through, a take streams its slice's
 * blocks through and reads the rest past, a permutation reads the
 * record, permutes its raw bytes and writes it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tpipe.h"
#include "engine.h"
#include "reshape.h"

static const char usage[] =
    "treshape shape | pattern [name=size ...] | --permute axes |\n"
    "                --squeeze[=axes] | --unsqueeze axis | --transpose |\n"
    "                --take axis=index\n"
    "                [--reduce sum|mean|max|min | --repeat]\n"
    "                [--explain] [-o file] [-O npy|txt|png|mat] [-j threads]\n"
    "                [--progress | --quiet] [file]";

enum { OPT_PERMUTE = TP_OPT_TOOL, OPT_SQUEEZE, OPT_UNSQUEEZE, OPT_TRANSPOSE,
	OPT_EXPLAIN, OPT_REDUCE, OPT_REPEAT, OPT_TAKE };

struct cmdline {
	struct tp_common com;
	struct tp_reshape rq;
	const char *input;		/* NULL: stdin */
	int explain;
};

static const char *const form_option[] = {
	[TP_RESHAPE_PERMUTE] = "--permute",
	[TP_RESHAPE_TRANSPOSE] = "--transpose",
	[TP_RESHAPE_SQUEEZE] = "--squeeze",
	[TP_RESHAPE_UNSQUEEZE] = "--unsqueeze",
	[TP_RESHAPE_TAKE] = "--take",
};

/* Parse the command line into cl; dies with exit 2 on any error. */
static void
parse_cmdline(int argc, char **argv, struct cmdline *cl)
{
	static const struct option longopts[] = {
		TP_COMMON_LONGOPTS,
		{ "permute", required_argument, NULL, OPT_PERMUTE },
		{ "squeeze", optional_argument, NULL, OPT_SQUEEZE },
		{ "unsqueeze", required_argument, NULL, OPT_UNSQUEEZE },
		{ "transpose", no_argument, NULL, OPT_TRANSPOSE },
		{ "take", required_argument, NULL, OPT_TAKE },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "reduce", required_argument, NULL, OPT_REDUCE },
		{ "repeat", no_argument, NULL, OPT_REPEAT },
		{ NULL, 0, NULL, 0 }
	};
	struct tp_msg m;
	const char *why;
	int ch, form = -1, used;
	int op = TP_OP_REARRANGE;
	const char *formarg = NULL;
	char q[200];

	memset(cl, 0, sizeof *cl);
	tp_init(&cl->com, usage);
	/* tp_getopt leaves a shape such as -1,256 as an operand */
	while ((ch = tp_getopt(argc, argv, TP_COMMON_SHORTOPTS,
	    longopts)) != -1) {
		int f = -1;

		if (tp_common_option(&cl->com, ch, optarg))
			continue;
		switch (ch) {
		case OPT_PERMUTE:
			f = TP_RESHAPE_PERMUTE;
			break;
		case OPT_SQUEEZE:
			f = TP_RESHAPE_SQUEEZE;
			break;
		case OPT_UNSQUEEZE:
			f = TP_RESHAPE_UNSQUEEZE;
			break;
		case OPT_TRANSPOSE:
			f = TP_RESHAPE_TRANSPOSE;
			break;
		case OPT_TAKE:
			f = TP_RESHAPE_TAKE;
			break;
		case OPT_EXPLAIN:
			cl->explain = 1;
			continue;
		case OPT_REDUCE:
			if (op == TP_OP_REPEAT)
				tp_usage_die("--reduce and --repeat cannot be "
				    "combined");
			op = tp_choice(optarg, tp_reductions, "--reduce");
			continue;
		case OPT_REPEAT:
			if (op != TP_OP_REARRANGE && op != TP_OP_REPEAT)
				tp_usage_die("--reduce and --repeat cannot be "
				    "combined");
			op = TP_OP_REPEAT;
			continue;
		default:
			tp_usage();
		}
		if (form == TP_RESHAPE_TAKE && f == form)
			tp_usage_die("--take is given twice ('%s', '%s'): "
			    "give one (or pipe one treshape into another)",
			    cl->rq.shown, tp_quote(optarg, strlen(optarg), q,
			    sizeof q));
		if (form >= 0)
			tp_usage_die("%s and %s cannot be combined: give one "
			    "form (or pipe one treshape into another)",
			    form_option[form], form_option[f]);
		form = f;
		formarg = optarg;
		if ((why = tp_reshape_parse(&cl->rq, form, formarg, &m)))
			tp_usage_die("%s", why);
	}
	if (cl->com.dtype >= 0)
		tp_usage_die("-t is refused: treshape moves elements and never "
		    "converts them (pipe into tcat -t)");
	if (cl->explain && (cl->com.output || cl->com.format != TP_FMT_AUTO))
		tp_usage_die("--explain prints text on the standard output: "
		    "it takes no -o or -O");
	argv += optind;			/* the operands, in order */
	argc -= optind;
	if (form < 0) {			/* the form is the first operand */
		if (argc == 0)
			tp_usage();
		if ((why = tp_reshape_parse_operands(&cl->rq, op, argc, argv,
		    &used, &m)))
			tp_usage_die("%s", why);
		argv += used;
		argc -= used;
	} else if (form == TP_RESHAPE_SQUEEZE && !formarg && argc > 0 &&
	    tp_reshape_is_axes(argv[0]))
		tp_usage_die("--squeeze takes its axes after '=' "
		    "(--squeeze=%s): '%s' would be the input file (write ./%s "
		    "for a file of that name)", argv[0], argv[0], argv[0]);
	else if (argc > 0 && strstr(argv[0], "->"))
		tp_usage_die("%s and the pattern '%s' cannot be combined: give "
		    "one form (or pipe one treshape into another)",
		    form_option[form], tp_quote(argv[0], strlen(argv[0]), q,
		    sizeof q));
	else if (argc > 0 && tp_reshape_is_axes(argv[0]))
		tp_usage_die("%s and the shape '%s' cannot be combined: give "
		    "one form (or pipe one treshape into another; write ./%s "
		    "for a file of that name)", form_option[form], argv[0],
		    argv[0]);
	else if (op != TP_OP_REARRANGE)
		tp_usage_die("%s takes a pattern, not %s", op == TP_OP_REPEAT ?
		    "--repeat" : "--reduce", form_option[form]);
	cl->input = tp_input_operand(argc, argv);
}

/* File scope, so that what is live when a message ends the run is still
 * reachable (LeakSanitizer stays quiet). */
static struct tp_reader *in;
static struct tp_writer *out;
static unsigned char *src, *dst;
static char *text;

/* Print the explanation of record plan (or of the request alone, plan
 * NULL) on stdout. */
static void
explain(const struct cmdline *cl, const struct tp_reshape_plan *plan)
{
	text = tp_reshape_explain(&cl->rq, plan);
	if (plan)
		printf("record %ld: ", tp_reader_index(in));
	fputs(text, stdout);
	free(text);
	text = NULL;
}

int
main(int argc, char **argv)
{
	struct cmdline cl;
	struct tp_reshape_plan plan;
	struct tp_tensor hdr;
	struct tp_msg m;
	const char *why;
	long records = 0;

	parse_cmdline(argc, argv, &cl);
	if (cl.explain && !cl.input && isatty(0)) {
		explain(&cl, NULL);		/* no input: the request */
		if (fflush(stdout) || ferror(stdout))
			tp_die("write error: <stdout>:");
		return 0;
	}
	in = tp_reader_open(cl.input, -1, NULL);
	if (!cl.explain)
		out = tp_writer_open(&cl.com);
	while (tp_read_header(in, &hdr)) {
		records++;
		if ((why = tp_reshape_resolve(&cl.rq, &hdr, &plan, &m)))
			tp_die("%s: record %ld: %s", tp_reader_name(in),
			    tp_reader_index(in), why);
		if (cl.explain) {
			explain(&cl, &plan);
			tp_skip_data(in, hdr.nbytes);
			continue;
		}
		tp_write_header(out, &plan.out);
		if (plan.view) {		/* the bytes pass through */
			tp_write_from(out, in, hdr.nbytes);
			continue;
		}
		if (plan.take) {		/* the slice's blocks pass */
			for (size_t b = 0; b < plan.nblock; b++) {
				tp_skip_data(in, plan.offset);
				tp_write_from(out, in, plan.block);
				tp_skip_data(in, plan.stride - plan.offset -
				    plan.block);
			}
			tp_skip_data(in,
			    hdr.nbytes - plan.nblock * plan.stride);
			continue;
		}
		src = tp_read_rest_as(in, hdr.dtype);
		dst = tp_big_alloc(plan.out.nbytes);
		tp_reshape_run(&plan, dst, src, cl.com.threads);
		free(src);
		src = NULL;
		tp_write_data(out, dst, plan.out.nbytes);
		free(dst);
		dst = NULL;
	}
	if (cl.explain && records == 0)
		explain(&cl, NULL);
	if (out)
		tp_writer_close(out);
	tp_reader_close(in);
	if (cl.explain && (fflush(stdout) || ferror(stdout)))
		tp_die("write error: <stdout>:");
	return 0;
}
