/*
 * tmath - evaluate a NumPy expression element by element over each record
 * of a stream.  The language, types and kernels are lib/expr*.c; this file
 * reads the options, the operands bound with NAME=FILE (a file of one
 * record is used for every record; a stream of N records pairs with the
 * input record by record) and the input x, and writes each record's
 * result a chunk at a time.  An operand that has the output's element
 * order streams through in chunks beside x (constant memory): x, and a
 * bound operand's record unless it must be held (a broadcast or 0-d one,
 * or the first record of a file that cannot be read again when it turns
 * out to hold one record that every input record uses).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tpipe.h"
#include "engine.h"
#include "expr.h"

static const char usage[] =
    "tmath expression [name=file ...] [--explain] [-t dtype] [-o file]\n"
    "             [-O " TP_FORMAT_NAMES "] [-j threads] [--verbose]\n"
    "             [--progress | --quiet] [file]";

enum { OPT_EXPLAIN = TP_OPT_TOOL, OPT_VERBOSE };

/* An operand: x (index 0) or a NAME=FILE binding. */
struct operand {
	const char *name;
	const char *path;		/* NULL: stdin */
	struct tp_reader *r;
	long records;			/* bound: records begun */
	int pending;			/* bound: next header read, not data */
	int ended;			/* bound: no record after the last */
	int done;			/* this record's data read or skipped */
	int chunked;			/* this record's data streams */
	struct tp_tensor next;		/* that header */
	unsigned char *buf;		/* chunked: a chunk of its data */
};

struct cmdline {
	struct tp_common com;
	const char *expr;
	int nops;			/* x and the bindings */
	struct operand op[TP_EXPR_MAXOPS];
	int dtype;			/* -t, or -1 */
	int explain;
	int verbose;
};

/* Whether s is an identifier. */
static int
is_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_'))
			return 0;
	return 1;
}

/* Parse the command line into cl; dies with exit 2 on any error. */
static void
parse_cmdline(int argc, char **argv, struct cmdline *cl)
{
	static const struct option longopts[] = {
		TP_COMMON_LONGOPTS,
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
		{ NULL, 0, NULL, 0 }
	};
	const char *input = NULL;
	struct tp_msg m;
	const char *why;
	char q[200];
	int ch, i, j;

	memset(cl, 0, sizeof *cl);
	tp_init(&cl->com, usage);
	cl->dtype = -1;
	while ((ch = tp_getopt(argc, argv, TP_COMMON_SHORTOPTS,
	    longopts)) != -1) {
		if (ch == 't') {	/* any dtype, not only f32 and f64 */
			enum tp_dtype d;

			if ((why = tp_dtype_lookup(optarg, &d, &m)))
				tp_usage_die("-t: %s", why);
			cl->dtype = (int)d;
			continue;
		}
		if (tp_common_option(&cl->com, ch, optarg))
			continue;
		switch (ch) {
		case OPT_EXPLAIN:
			cl->explain = 1;
			break;
		case OPT_VERBOSE:
			cl->verbose++;
			break;
		default:
			tp_usage();
		}
	}
	if (cl->explain && (cl->com.output || cl->com.format != TP_FMT_AUTO))
		tp_usage_die("--explain prints text on the standard output: "
		    "it takes no -o or -O");
	argv += optind;
	argc -= optind;
	if (argc == 0)
		tp_usage();
	cl->expr = argv[0];
	cl->op[0].name = "x";
	cl->nops = 1;
	for (i = 1; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');

		if (eq && is_name(argv[i], (size_t)(eq - argv[i]))) {
			struct operand *o = &cl->op[cl->nops];
			size_t n = (size_t)(eq - argv[i]);
			char *name;

			if (cl->nops == TP_EXPR_MAXOPS)
				tp_usage_die("more than %d operands",
				    TP_EXPR_MAXOPS - 1);
			name = tp_emalloc(n + 1);
			memcpy(name, argv[i], n);
			name[n] = '\0';
			if (strcmp(name, "x") == 0)
				tp_usage_die("'%s': x is the input stream and "
				    "cannot be bound", argv[i]);
			if (tp_expr_reserved(name))
				tp_usage_die("'%s': %s is a name of the "
				    "language (a function or a constant)",
				    argv[i], name);
			for (j = 1; j < cl->nops; j++)
				if (strcmp(cl->op[j].name, name) == 0)
					tp_usage_die("%s is bound twice",
					    name);
			o->name = name;
			o->path = eq + 1;
			if (!*o->path)
				tp_usage_die("'%s': no file after '='",
				    argv[i]);
			cl->nops++;
		} else if (input)
			tp_usage_die("more than one input file ('%s', '%s')",
			    input, tp_quote(argv[i], strlen(argv[i]), q,
			    sizeof q));
		else
			input = argv[i];
	}
	cl->op[0].path = input && strcmp(input, "-") != 0 ? input : NULL;
	for (j = 1; j < cl->nops; j++)
		if (strcmp(cl->op[j].path, "-") == 0 && !cl->op[0].path)
			tp_usage_die("%s=- and the input x both read the "
			    "standard input", cl->op[j].name);
}

/* File scope, so that what is live when a message ends the run is still
 * reachable (LeakSanitizer stays quiet). */
static struct cmdline cl;
static struct tp_expr *ex;
static struct tp_writer *out;
static struct tp_tensor ops[TP_EXPR_MAXOPS];
static unsigned char *obuf;

/* Read the data of header t from r, whole. */
static void
read_whole(struct tp_reader *r, struct tp_tensor *t)
{
	t->data = tp_read_rest_as(r, t->dtype);
}

/* Open the bound operands and read each one's first header. */
static void
open_bound(void)
{
	int i;

	for (i = 1; i < cl.nops; i++) {
		struct operand *o = &cl.op[i];

		o->r = tp_reader_open(strcmp(o->path, "-") == 0 ? NULL :
		    o->path, -1, NULL);
		if (!tp_read_header(o->r, &ops[i]))
			tp_die("%s: '%s' holds no record", o->name, o->path);
		o->records = 1;
	}
}

/* Whether bound operand o can be read again from its start (a regular
 * file): then its first record may stream, and be read again, whole, if
 * the file turns out to hold no other. */
static int
rereadable(const struct operand *o)
{
	struct stat st;

	return strcmp(o->path, "-") != 0 && stat(o->path, &st) == 0 &&
	    S_ISREG(st.st_mode);
}

/* Read the one record of bound operand o (index i) again, whole: its
 * data streamed through with the first input record, and every input
 * record uses it. */
static void
reread_single(struct operand *o, int i)
{
	struct tp_reader *r = tp_reader_open(o->path, -1, NULL);
	struct tp_tensor t;
	char a[200], b[200];

	if (!tp_read_header(r, &t) || t.dtype != ops[i].dtype ||
	    strcmp(tp_shape_str(&t, a, sizeof a), tp_shape_str(&ops[i], b,
	    sizeof b)) != 0)
		tp_die("%s: '%s' changed while tmath read it", o->name,
		    o->path);
	read_whole(r, &ops[i]);
	tp_reader_close(r);
}

/* The bound operands' records for input record rec (from 0): a stream's
 * next header (its data is read after the resolve), or a one-record
 * file's record again. */
static void
next_bound(long rec)
{
	int i;

	for (i = 1; i < cl.nops && rec > 0; i++) {
		struct operand *o = &cl.op[i];

		if (o->pending) {
			o->pending = 0;
			o->done = 0;
			o->records++;
			free(ops[i].data);
			ops[i] = o->next;
		} else if (o->records > 1)
			tp_die("%s '%s' ends after %ld records but the input "
			    "%s has more", o->name, o->path, o->records,
			    tp_reader_name(cl.op[0].r));
		else if (!ops[i].data && tp_expr_uses(ex, i) && !cl.explain)
			reread_single(o, i);
	}
}

/* After an input record: each bound operand looks for its next
 * record. */
static void
after_bound(void)
{
	int i;

	for (i = 1; i < cl.nops; i++) {
		struct operand *o = &cl.op[i];

		o->chunked = 0;
		if (!o->pending && !o->ended) {
			o->pending = tp_read_header(o->r, &o->next);
			o->ended = !o->pending;
		}
	}
}

/* At the end of the input after records records: every bound stream
 * must end too (with no input record, a bound file must hold one). */
static void
check_bound_ends(long records)
{
	int i;

	for (i = 1; i < cl.nops; i++) {
		struct operand *o = &cl.op[i];

		if (records == 0) {
			tp_skip_data(o->r, ops[i].nbytes);
			o->pending = tp_read_header(o->r, &o->next);
		}
		if (o->pending)
			tp_die("the input %s ends after %ld records but %s "
			    "'%s' has more", tp_reader_name(cl.op[0].r),
			    records, o->name, o->path);
	}
}

/* How the operands' data of a resolved record is read: an unused one
 * is skipped; one with the output's element order is chunked (x always,
 * a bound operand unless it is the first record of a file that cannot
 * be read again); any other is read whole. */
static void
plan_reads(void)
{
	int i;

	for (i = 0; i < cl.nops; i++) {
		struct operand *o = &cl.op[i];

		if (o->done)
			continue;
		o->done = 1;
		if (!tp_expr_uses(ex, i) || cl.explain)
			tp_skip_data(o->r, ops[i].nbytes);
		else if (tp_expr_streamable(ex, i) && (i == 0 ||
		    o->records > 1 || rereadable(o)))
			o->chunked = 1;
		else
			read_whole(o->r, &ops[i]);
	}
}

/* Evaluate one record whose operands are resolved, a chunk of elements
 * at a time; the chunked operands' data is read chunk by chunk. */
static void
run_record(const struct tp_tensor *outhdr, struct tp_timing *tm)
{
	const size_t CHUNK_BYTES = 4 << 20;
	size_t es = tp_dtype_size(outhdr->dtype), per, done;
	const void *chunk[TP_EXPR_MAXOPS] = { 0 };
	struct tp_msg m;
	const char *why;
	int i;

	for (i = 0; i < cl.nops; i++)
		if (cl.op[i].chunked && tp_dtype_size(ops[i].dtype) > es)
			es = tp_dtype_size(ops[i].dtype);
	per = CHUNK_BYTES / es;
	if (!obuf)
		obuf = tp_big_alloc(CHUNK_BYTES);
	for (i = 0; i < cl.nops; i++)
		if (cl.op[i].chunked && !cl.op[i].buf)
			cl.op[i].buf = tp_big_alloc(CHUNK_BYTES);
	tp_write_header(out, outhdr);
	for (done = 0; done < outhdr->count; done += per) {
		size_t n = outhdr->count - done < per ? outhdr->count - done :
		    per;

		tp_timing_charge(tm, TP_PHASE_WRITE);
		for (i = 0; i < cl.nops; i++)
			if (cl.op[i].chunked) {
				tp_read_data(cl.op[i].r, cl.op[i].buf, n *
				    tp_dtype_size(ops[i].dtype));
				chunk[i] = cl.op[i].buf;
			}
		tp_timing_charge(tm, TP_PHASE_READ);
		if ((why = tp_expr_run(ex, ops, chunk, done, n, obuf,
		    cl.com.threads, &m)))
			tp_die("record %ld: %s", tp_reader_index(cl.op[0].r),
			    why);
		tp_timing_charge(tm, TP_PHASE_COMPUTE);
		tp_write_data(out, obuf, n * tp_dtype_size(outhdr->dtype));
	}
	tp_timing_charge(tm, TP_PHASE_WRITE);
}

/* Read the data of every 0-d operand not read yet: value-based casting
 * needs its value. */
static void
read_scalars(void)
{
	int i;

	for (i = 0; i < cl.nops; i++)
		if (!cl.op[i].done && ops[i].ndim == 0) {
			read_whole(cl.op[i].r, &ops[i]);
			cl.op[i].done = 1;
		}
}

/* Resolve and evaluate (or explain) one input record, its operands'
 * headers read. */
static void
do_record(struct tp_timing *tm)
{
	struct tp_tensor outhdr;
	struct tp_msg m;
	const char *why;

	read_scalars();
	tp_timing_charge(tm, TP_PHASE_READ);
	if ((why = tp_expr_resolve(ex, ops, cl.dtype, &outhdr, &m)))
		tp_die("record %ld: %s", tp_reader_index(cl.op[0].r), why);
	plan_reads();
	if (cl.explain) {
		char *text = tp_expr_explain(ex);

		printf("record %ld:\n%s", tp_reader_index(cl.op[0].r), text);
		free(text);
	} else
		run_record(&outhdr, tm);
	cl.op[0].chunked = 0;
	after_bound();
}

int
main(int argc, char **argv)
{
	const char *names[TP_EXPR_MAXOPS];
	struct tp_timing tm;
	struct tp_msg m;
	const char *why;
	long records = 0;
	int i;

	parse_cmdline(argc, argv, &cl);
	for (i = 0; i < cl.nops; i++)
		names[i] = cl.op[i].name;
	if ((why = tp_expr_parse(cl.expr, cl.nops, names, &ex, &m)))
		tp_usage_die("%s", why);
	tp_timing_start(&tm, cl.verbose);
	tp_timing_stamps(cl.verbose >= 2);
	cl.op[0].r = tp_reader_open(cl.op[0].path, -1, NULL);
	open_bound();
	if (!cl.explain)
		out = tp_writer_open(&cl.com);
	while (tp_read_header(cl.op[0].r, &ops[0])) {
		next_bound(records);
		records++;
		cl.op[0].done = 0;
		do_record(&tm);
		free(ops[0].data);
		ops[0].data = NULL;
		tp_timing_record_done(&tm, tp_reader_index(cl.op[0].r), NULL);
	}
	check_bound_ends(records);
	if (out)
		tp_writer_close(out);
	tp_timing_run_done(&tm);
	for (i = 0; i < cl.nops; i++) {
		if (cl.op[i].r)
			tp_reader_close(cl.op[i].r);
		free(ops[i].data);
		if (i > 0)
			free((char *)cl.op[i].name);
	}
	for (i = 0; i < cl.nops; i++)
		free(cl.op[i].buf);
	free(obuf);
	tp_expr_free(ex);
	if (cl.explain && (fflush(stdout) || ferror(stdout)))
		tp_die("write error: <stdout>:");
	return 0;
}
