/*
 * treshape - reshape, permute and rearrange the records of a tensor
 * stream without mixing batch elements.  The work is in lib/reshape.c;
 * this file reads the options and moves the records: a view rewrites
 * the header and streams the data through, a take streams its slice's
 * blocks through and reads the rest past, a permutation reads the
 * record, permutes its raw bytes and writes it.  --slice streams its
 * contiguous runs the same way when it is the only form; with --pad,
 * the parting and joining forms, or more than one form, each record is
 * read whole and the forms apply in their order: slice, pad, the shape,
 * pattern or axis form, unstack or split, stack or concat (a group of
 * records in memory, one output record).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tpipe.h"
#include "engine.h"
#include "reshape.h"

static const char usage[] =
    "treshape [shape | pattern [name=size ...] | --permute axes |\n"
    "                --squeeze[=axes] | --unsqueeze axis | --transpose |\n"
    "                --take axis=index]\n"
    "                [--reduce sum|mean|max|min | --repeat]\n"
    "                [--slice spec] [--pad axis=before,after[;...]\n"
    "                [--boundary zero|wrap|reflect|mirror|nearest]\n"
    "                [--value v]] [--unstack axis | --split axis=k]\n"
    "                [--stack n | --stack all | --concat n] [--axis axis]\n"
    "                [--explain] [-o file] [-O " TP_FORMAT_NAMES "]\n"
    "                [-j threads] [--verbose] [--progress | --quiet] [file]";

enum { OPT_PERMUTE = TP_OPT_TOOL, OPT_SQUEEZE, OPT_UNSQUEEZE, OPT_TRANSPOSE,
	OPT_EXPLAIN, OPT_REDUCE, OPT_REPEAT, OPT_TAKE, OPT_SLICE, OPT_PAD,
	OPT_BOUNDARY, OPT_VALUE, OPT_STACK, OPT_CONCAT, OPT_AXIS,
	OPT_UNSTACK, OPT_SPLIT, OPT_VERBOSE };

struct cmdline {
	struct tp_common com;
	struct tp_reshape rq;
	const char *input;		/* NULL: stdin */
	int explain;
	int form;			/* 1: a shape, pattern or axis form */
	int slice, pad, boundary;	/* --slice, --pad; --boundary given */
	enum tp_pad_boundary bnd;	/* --boundary */
	const char *value;		/* --value */
	struct tp_slice sl;
	struct tp_pad pd;
	struct tp_stack st;		/* --stack, --concat, --unstack,
					   --split, --axis */
	int axis;			/* --axis given */
	int verbose;			/* --verbose */
};

static const char *const form_option[] = {
	[TP_RESHAPE_PERMUTE] = "--permute",
	[TP_RESHAPE_TRANSPOSE] = "--transpose",
	[TP_RESHAPE_SQUEEZE] = "--squeeze",
	[TP_RESHAPE_UNSQUEEZE] = "--unsqueeze",
	[TP_RESHAPE_TAKE] = "--take",
};

/* 1 if cl has a form besides the shape, pattern and axis forms. */
static int
new_forms(const struct cmdline *cl)
{
	return cl->slice || cl->pad || cl->st.join || cl->st.part;
}

/* 1 if cl has a form besides --unstack and --split. */
static int
new_forms_but_part(const struct cmdline *cl)
{
	return cl->form || cl->slice || cl->pad || cl->st.join;
}

/* 1 if operand s is a shape or a pattern rather than a file name (only
 * asked when a new form is given: the form operand is optional then). */
static int
looks_like_form(const char *s)
{
	return strstr(s, "->") || !s[strspn(s, "0123456789-,x ()[]")];
}

/* Die (exit 2) if option opt was given before (*seen). */
static void
once(int *seen, const char *opt)
{
	if ((*seen)++)
		tp_usage_die("%s is given twice: give it once", opt);
}

/* An option of the slicing, padding, parting and joining forms. */
static void
new_form(struct cmdline *cl, int ch, const char *arg)
{
	static int seen[OPT_SPLIT + 1];
	struct tp_msg m;
	const char *why = NULL;

	switch (ch) {
	case OPT_SLICE:
		once(&cl->slice, "--slice");
		why = tp_slice_parse(&cl->sl, arg, &m);
		break;
	case OPT_PAD:
		once(&cl->pad, "--pad");
		why = tp_pad_parse(&cl->pd, arg, &m);
		break;
	case OPT_BOUNDARY:
		once(&cl->boundary, "--boundary");
		cl->bnd = tp_choice(arg, tp_pad_boundaries, "--boundary");
		break;
	case OPT_VALUE:
		once(&seen[ch], "--value");
		tp_parse_double(arg, -HUGE_VAL, HUGE_VAL, "--value");
		cl->value = arg;
		break;
	case OPT_STACK:
	case OPT_CONCAT:
		if (cl->st.join)
			tp_usage_die("--stack and --concat cannot be combined, "
			    "nor given twice: give one");
		why = tp_stack_parse_join(&cl->st, ch == OPT_STACK ?
		    TP_JOIN_STACK : TP_JOIN_CONCAT, arg, &m);
		break;
	case OPT_AXIS:
		once(&cl->axis, "--axis");
		cl->st.axis = tp_parse_int(arg, -TP_MAXDIM - 1, TP_MAXDIM,
		    "--axis");
		break;
	default:
		if (cl->st.part)
			tp_usage_die("--unstack and --split cannot be "
			    "combined, nor given twice: give one");
		why = tp_stack_parse_part(&cl->st, ch == OPT_UNSTACK ?
		    TP_PART_UNSTACK : TP_PART_SPLIT, arg, &m);
	}
	if (why)
		tp_usage_die("%s", why);
}

/* The options of the new forms that need another, after parsing. */
static void
check_new_forms(struct cmdline *cl)
{
	enum tp_pad_boundary b = cl->bnd;
	const char *value = cl->value;

	if ((cl->boundary || value) && !cl->pad)
		tp_usage_die("%s is for --pad: give --pad too", value ?
		    "--value" : "--boundary");
	if (value && b != TP_PAD_ZERO)
		tp_usage_die("--value %s is the constant of --boundary zero, "
		    "not of --boundary %s", value,
		    tp_choice_word(tp_pad_boundaries, b));
	cl->pd.boundary = b;
	cl->pd.value = value;
	if (cl->axis && !cl->st.join)
		tp_usage_die("--axis is for --stack and --concat: give one");
}

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
		{ "slice", required_argument, NULL, OPT_SLICE },
		{ "pad", required_argument, NULL, OPT_PAD },
		{ "boundary", required_argument, NULL, OPT_BOUNDARY },
		{ "value", required_argument, NULL, OPT_VALUE },
		{ "stack", required_argument, NULL, OPT_STACK },
		{ "concat", required_argument, NULL, OPT_CONCAT },
		{ "axis", required_argument, NULL, OPT_AXIS },
		{ "unstack", required_argument, NULL, OPT_UNSTACK },
		{ "split", required_argument, NULL, OPT_SPLIT },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
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
		case OPT_VERBOSE:
			cl->verbose = 1;
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
		case OPT_SLICE: case OPT_PAD: case OPT_BOUNDARY: case OPT_VALUE:
		case OPT_STACK: case OPT_CONCAT: case OPT_AXIS:
		case OPT_UNSTACK: case OPT_SPLIT:
			new_form(cl, ch, optarg);
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
		cl->form = 1;
		if ((why = tp_reshape_parse(&cl->rq, form, formarg, &m)))
			tp_usage_die("%s", why);
	}
	if (cl->com.dtype >= 0)
		tp_usage_die("-t is refused: treshape moves elements and never "
		    "converts them (pipe into tcat -t)");
	if (cl->explain && (cl->com.output || cl->com.format != TP_FMT_AUTO))
		tp_usage_die("--explain prints text on the standard output: "
		    "it takes no -o or -O");
	check_new_forms(cl);
	argv += optind;			/* the operands, in order */
	argc -= optind;
	/* the form is the first operand */
	if (form < 0 && argc > 0 && (!new_forms(cl) ||
	    looks_like_form(argv[0]) || op != TP_OP_REARRANGE)) {
		if ((why = tp_reshape_parse_operands(&cl->rq, op, argc, argv,
		    &used, &m)))
			tp_usage_die("%s", why);
		argv += used;
		argc -= used;
		cl->form = 1;
	} else if (form < 0 && !new_forms(cl))
		tp_usage();
	else if (form < 0 && op != TP_OP_REARRANGE)
		tp_usage_die("%s takes a pattern", op == TP_OP_REPEAT ?
		    "--repeat" : "--reduce");
	else if (form < 0)
		;
	else if (form == TP_RESHAPE_SQUEEZE && !formarg && argc > 0 &&
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
static struct tp_timing tm;		/* --verbose */
/* Outputs of a permutation from this size on are prefaulted. */
#define PREFAULT_BYTES ((size_t)32 << 20)
static char *text;
static struct tp_tensor *group;		/* --stack, --concat: the records */
static size_t ngroup, capgroup;
static long group_first;		/* the input record of group[0] */

/* Die naming the current record: its data does not fit the request. */
static void __attribute__((noreturn))
record_die(const char *why)
{
	tp_die("%s: record %ld: %s", tp_reader_name(in), tp_reader_index(in),
	    why);
}

/* Print the explanation of record plan (or of the request alone, plan
 * NULL) on stdout. */
static void
explain(const struct cmdline *cl, const struct tp_reshape_plan *plan)
{
	text = tp_reshape_explain(&cl->rq, plan);
	if (plan && !new_forms(cl))
		printf("record %ld: ", tp_reader_index(in));
	fputs(text, stdout);
	free(text);
	text = NULL;
}

/* Print text (malloc'd) on stdout and free it. */
static void
say(char *t)
{
	fputs(t, stdout);
	free(t);
}

/* The request alone, every form in its order. */
static void
explain_request(const struct cmdline *cl)
{
	if (cl->slice)
		say(tp_slice_explain(&cl->sl, NULL));
	if (cl->pad)
		say(tp_pad_explain(&cl->pd, NULL));
	if (cl->form)
		explain(cl, NULL);
	if (cl->st.part || cl->st.join)
		say(tp_stack_explain(&cl->st, NULL, NULL));
}

/* Replace *t's data (if any) by a new buffer of out's size that run
 * fills; *t becomes out. */
static void
replace(struct tp_tensor *t, const struct tp_tensor *o)
{
	free(src);
	src = t->data;
	t->data = NULL;
	*t = *o;
	t->data = dst = tp_big_alloc(o->nbytes ? o->nbytes : 1);
}

/* --slice, --pad and the shape, pattern or axis form on record *t
 * (its data NULL under --explain), in that order. */
static void
per_record(const struct cmdline *cl, struct tp_tensor *t)
{
	struct tp_slice_plan sp;
	struct tp_pad_plan pp;
	struct tp_reshape_plan rp;
	struct tp_msg m;
	const char *why;

	if (cl->slice) {
		if ((why = tp_slice_resolve(&cl->sl, t, &sp, &m)))
			record_die(why);
		if (cl->explain) {
			sp.stream = 0;	/* the record is in memory */
			say(tp_slice_explain(&cl->sl, &sp));
			*t = sp.out;
		} else {
			replace(t, &sp.out);
			tp_slice_run(&sp, t->data, src);
		}
	}
	if (cl->pad) {
		if ((why = tp_pad_resolve(&cl->pd, t, &pp, &m)))
			record_die(why);
		if (cl->explain) {
			say(tp_pad_explain(&cl->pd, &pp));
			*t = pp.out;
		} else {
			replace(t, &pp.out);
			tp_pad_run(&pp, t->data, src);
		}
		tp_pad_free(&pp);
	}
	if (cl->form) {
		if ((why = tp_reshape_resolve(&cl->rq, t, &rp, &m)))
			record_die(why);
		if (cl->explain) {
			explain(cl, &rp);
			*t = rp.out;
		} else if (rp.view) {
			void *d = t->data;

			*t = rp.out;
			t->data = d;
		} else {
			replace(t, &rp.out);
			tp_reshape_run(&rp, t->data, src, cl->com.threads);
		}
	}
	free(src);
	src = NULL;
	dst = NULL;
}

/* Write the group as one record (--stack, --concat) and free it. */
static void
write_group(const struct cmdline *cl)
{
	struct tp_stack_plan jp;
	struct tp_msg m;
	const char *why;
	size_t len = 0;
	int a;

	if (ngroup == 0)
		return;
	a = (int)cl->st.axis + (cl->st.axis < 0 ? group[0].ndim : 0);
	for (size_t k = 0; k < ngroup; k++)
		len += a >= 0 && a < group[k].ndim ? group[k].shape[a] : 0;
	if ((why = tp_stack_join(&cl->st, &group[0], ngroup, len, &jp, &m)))
		tp_die("%s: record %ld: %s", tp_reader_name(in), group_first,
		    why);
	if (cl->explain)
		say(tp_stack_explain(&cl->st, &jp, NULL));
	else {
		tp_write_header(out, &jp.out);
		for (size_t b = 0; b < jp.nouter; b++)
			for (size_t k = 0; k < ngroup; k++) {
				size_t n = tp_stack_block(&jp, &group[k]);

				tp_write_data(out, (unsigned char *)
				    group[k].data + b * n, n);
			}
	}
	for (size_t k = 0; k < ngroup; k++)
		free(group[k].data);
	ngroup = 0;
}

/* Record *t (its data owned, or NULL under --explain) to the output, or
 * to the group of --stack and --concat. */
static void
deliver(const struct cmdline *cl, struct tp_tensor *t)
{
	struct tp_msg m;
	const char *why;

	if (!cl->st.join && cl->explain)
		return;
	if (!cl->st.join) {
		tp_write_header(out, t);
		tp_write_data(out, t->data, t->nbytes);
		free(t->data);
		t->data = NULL;
		return;
	}
	if (ngroup && (why = tp_stack_fits(&cl->st, &group[0], t, &m)))
		record_die(why);
	if (ngroup == capgroup) {
		capgroup = capgroup ? capgroup * 2 : 16;
		group = tp_erealloc(group, capgroup * sizeof *group);
	}
	if (ngroup == 0)
		group_first = tp_reader_index(in);
	group[ngroup++] = *t;
	t->data = NULL;
	if (cl->st.n && ngroup == (size_t)cl->st.n)
		write_group(cl);
}

/* 1 if --unstack or --split is the only form. */
static int
alone_part(const struct cmdline *cl)
{
	return cl->st.part && !new_forms_but_part(cl);
}

/* --unstack, --split on record *t (data owned, or NULL), then deliver
 * each piece; without them deliver *t. */
static void
part(const struct cmdline *cl, struct tp_tensor *t)
{
	struct tp_stack_plan pp;
	struct tp_msg m;
	const char *why;
	const unsigned char *s = t->data;

	if (!cl->st.part) {
		deliver(cl, t);
		return;
	}
	if ((why = tp_stack_part(&cl->st, t, &pp, &m)))
		record_die(why);
	if (!(cl->explain && alone_part(cl)))
		pp.stream = 0;		/* the record is in memory */
	if (cl->explain)
		say(tp_stack_explain(&cl->st, NULL, &pp));
	for (size_t p = 0; p < pp.npiece; p++) {
		struct tp_tensor piece = pp.out;
		unsigned char *d;

		piece.data = NULL;
		if (s) {
			d = piece.data = tp_emalloc(piece.nbytes ?
			    piece.nbytes : 1);
			for (size_t b = 0; b < pp.nouter; b++, d += pp.block)
				memcpy(d, s + p * pp.block + b * pp.stride,
				    pp.block);
		}
		deliver(cl, &piece);
	}
	free(t->data);
	t->data = NULL;
}

/* --unstack or --split alone: the pieces of axis 0 streamed, others
 * copied from the record read whole. */
static void
part_only(const struct cmdline *cl, struct tp_tensor *hdr)
{
	struct tp_stack_plan pp;
	struct tp_msg m;
	const char *why;

	if ((why = tp_stack_part(&cl->st, hdr, &pp, &m)))
		record_die(why);
	if (!pp.stream || cl->explain) {
		if (cl->explain) {
			printf("record %ld:\n", tp_reader_index(in));
			tp_skip_data(in, hdr->nbytes);
		} else
			hdr->data = tp_read_rest_as(in, hdr->dtype);
		part(cl, hdr);
		return;
	}
	for (size_t p = 0; p < pp.npiece; p++) {
		tp_write_header(out, &pp.out);
		tp_write_from(out, in, pp.block);
	}
	tp_skip_data(in, hdr->nbytes - pp.npiece * pp.block);
}

/* --slice alone: the runs streamed, or the record read whole and
 * copied once. */
static void
slice_only(const struct cmdline *cl, const struct tp_tensor *hdr)
{
	struct tp_slice_plan sp;
	struct tp_slice_runs r;
	struct tp_msg m;
	const char *why;
	size_t off, pos = 0;

	if ((why = tp_slice_resolve(&cl->sl, hdr, &sp, &m)))
		record_die(why);
	if (cl->explain) {
		printf("record %ld: ", tp_reader_index(in));
		say(tp_slice_explain(&cl->sl, &sp));
		tp_skip_data(in, hdr->nbytes);
		return;
	}
	tp_write_header(out, &sp.out);
	if (!sp.stream) {
		src = tp_read_rest_as(in, hdr->dtype);
		dst = tp_big_alloc(sp.out.nbytes ? sp.out.nbytes : 1);
		tp_slice_run(&sp, dst, src);
		tp_write_data(out, dst, sp.out.nbytes);
		free(src);
		free(dst);
		src = dst = NULL;
		return;
	}
	tp_slice_runs_start(&r, &sp);
	while (tp_slice_next_run(&r, &off)) {
		tp_skip_data(in, off - pos);
		tp_write_from(out, in, sp.run);
		pos = off + sp.run;
	}
	tp_skip_data(in, hdr->nbytes - pos);
}

/* The shape, pattern or axis form alone: a view streams, a take streams
 * its blocks, a permutation reads the record whole. */
static void
form_only(const struct cmdline *cl, const struct tp_tensor *hdr)
{
	struct tp_reshape_plan plan;
	struct tp_msg m;
	const char *why;

	if ((why = tp_reshape_resolve(&cl->rq, hdr, &plan, &m)))
		record_die(why);
	if (cl->explain) {
		explain(cl, &plan);
		tp_skip_data(in, hdr->nbytes);
		return;
	}
	tp_write_header(out, &plan.out);
	if (plan.view) {		/* the bytes pass through */
		tp_write_from(out, in, hdr->nbytes);
		return;
	}
	if (plan.take) {		/* the slice's blocks pass */
		for (size_t b = 0; b < plan.nblock; b++) {
			tp_skip_data(in, plan.offset);
			tp_write_from(out, in, plan.block);
			tp_skip_data(in, plan.stride - plan.offset -
			    plan.block);
		}
		tp_skip_data(in, hdr->nbytes - plan.nblock * plan.stride);
		return;
	}
	/* A large output's pages are mapped on the other CPU while the
	 * record is read, rather than one by one under the transpose; only
	 * from a file that holds the record (a header is not trusted). */
	if (cl->com.threads > 1 && plan.out.nbytes >= PREFAULT_BYTES &&
	    tp_reader_holds_record(in)) {
		dst = tp_big_alloc(plan.out.nbytes);
		tp_prefault_start(dst, plan.out.nbytes);
	}
	src = tp_read_rest_as(in, hdr->dtype);
	tp_prefault_wait();
	if (!dst)
		dst = tp_big_alloc(plan.out.nbytes);
	tp_timing_charge(&tm, TP_PHASE_READ);
	tp_reshape_run(&plan, dst, src, cl->com.threads);
	free(src);
	src = NULL;
	tp_timing_charge(&tm, TP_PHASE_COMPUTE);
	tp_write_data(out, dst, plan.out.nbytes);
	free(dst);
	dst = NULL;
}

int
main(int argc, char **argv)
{
	struct cmdline cl;
	struct tp_tensor hdr;
	long records = 0;
	int alone;

	parse_cmdline(argc, argv, &cl);
	alone = cl.form + cl.slice + cl.pad + !!cl.st.part + !!cl.st.join;
	if (cl.explain && !cl.input && isatty(0)) {
		explain_request(&cl);		/* no input: the request */
		if (fflush(stdout) || ferror(stdout))
			tp_die("write error: <stdout>:");
		return 0;
	}
	in = tp_reader_open(cl.input, -1, NULL);
	if (!cl.explain)
		out = tp_writer_open(&cl.com);
	tp_timing_start(&tm, cl.verbose && !cl.explain);
	while (tp_read_header(in, &hdr)) {
		records++;
		if (alone == 1 && cl.form)
			form_only(&cl, &hdr);
		else if (alone == 1 && cl.st.part)
			part_only(&cl, &hdr);
		else if (alone == 1 && cl.slice)
			slice_only(&cl, &hdr);
		else {
			if (cl.explain) {
				printf("record %ld:\n", tp_reader_index(in));
				tp_skip_data(in, hdr.nbytes);
			} else
				hdr.data = tp_read_rest_as(in, hdr.dtype);
			tp_timing_charge(&tm, TP_PHASE_READ);
			per_record(&cl, &hdr);
			tp_timing_charge(&tm, TP_PHASE_COMPUTE);
			part(&cl, &hdr);
		}
		tp_timing_record_done(&tm, tp_reader_index(in), NULL);
	}
	if (cl.st.join && ngroup && cl.st.n)
		tp_die("%s: the stream ends %zu record%s into a group of %ld "
		    "(--%s %ld)", tp_reader_name(in), ngroup, ngroup == 1 ?
		    "" : "s", cl.st.n, cl.st.join == TP_JOIN_STACK ? "stack" :
		    "concat", cl.st.n);
	if (cl.st.join && !cl.st.n && ngroup == 0 && records > 0)
		tp_die("%s: --stack all: no record to stack",
		    tp_reader_name(in));
	write_group(&cl);
	free(group);
	if (cl.explain && records == 0)
		explain_request(&cl);
	if (out)
		tp_writer_close(out);
	tp_timing_run_done(&tm);
	tp_reader_close(in);
	if (cl.explain && (fflush(stdout) || ferror(stdout)))
		tp_die("write error: <stdout>:");
	return 0;
}
