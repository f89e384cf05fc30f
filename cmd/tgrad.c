/*
 * tgrad - forward and backward passes of a chain of layers, with a
 * central-difference check and the chain rule spelled out.  The work is
 * in lib/grad*.c; this file reads the options, the operands and the
 * records.
 */
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "tpipe.h"
#include "engine.h"
#include "fft.h"
#include "grad.h"

static const char usage[] =
    "tgrad [--loss softmax-xent:labels|mse:target|sum | -g dldz]\n"
    "             [--reduction mean|sum] [--reg L1:lambda | --reg L2:lambda]\n"
    "             [--update sgd:lr --out-dir dir]\n"
    "             [--forward] [--check] [--tol tol] [--explain]\n"
    "             [--wrt name[,...]] [-o file] [-O npy|txt] [-t f32|f64]\n"
    "             [-j threads] [--verbose] [--progress | --quiet]\n"
    "             layer ... [loss]";

enum {
	OPT_LOSS = TP_OPT_TOOL, OPT_FORWARD, OPT_CHECK, OPT_TOL, OPT_EXPLAIN,
	OPT_WRT, OPT_VERBOSE, OPT_REDUCTION, OPT_REG, OPT_UPDATE, OPT_OUTDIR
};

static const struct tp_choice reductions[] = {
	{ "mean", 0 }, { "sum", 1 }, { NULL, 0 }
};

#define DEFAULT_TOL 1e-6

struct cmdline {
	struct tp_common com;
	struct tp_grad_spec *specs;	/* the layers, in order */
	int nspec;
	struct tp_grad_spec loss;	/* word NULL: none */
	const char *dldz;		/* -g FILE */
	const char *wrt;		/* --wrt LIST, or NULL: all */
	int forward, check, explain, verbose;
	double tol;
	int reduce_sum, reg;		/* --reduction sum; --reg L1 1, L2 2 */
	double lambda, lr;		/* --reg's λ, --update's LR */
	const char *update, *outdir;	/* --update, --out-dir */
	/* test only: TGRAD_TEST_BREAK=NAME:INDEX[:REL] makes gradient NAME
	 * wrong at flat INDEX after the backward pass (test/tgrad.bats):
	 * v becomes v (1 + REL), or 1.1 v + 0.001 without REL */
	char *breakname;
	size_t breakat;
	double breakrel;		/* 0: 1.1 v + 0.001 */
};

/*
 * OpenBLAS (0.3.21) starts a thread per CPU when it is loaded, before
 * main, and each thread takes 128 MiB of address space; one whose
 * allocation fails retries forever, and the exit waits for it, so under
 * an address-space limit (ulimit -v or -d) tgrad would never end.  Under
 * such a limit, unless OPENBLAS_NUM_THREADS is set, run tgrad again
 * with OPENBLAS_NUM_THREADS=1: OpenBLAS then starts no thread, and
 * grad_layers.c makes sure of the main thread's buffer before a product.  If
 * tgrad cannot be run again, it goes on as it is.
 */
static void
one_blas_thread_under_limit(char **argv)
{
	struct rlimit as, data;
	char self[PATH_MAX];
	ssize_t n;

	if (getenv("OPENBLAS_NUM_THREADS") != NULL ||
	    getrlimit(RLIMIT_AS, &as) != 0 ||
	    getrlimit(RLIMIT_DATA, &data) != 0 ||
	    (as.rlim_cur == RLIM_INFINITY && data.rlim_cur == RLIM_INFINITY))
		return;
	/* the file's name, not /proc/self/exe itself: under valgrind
	 * that would be valgrind's */
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0 || setenv("OPENBLAS_NUM_THREADS", "1", 1) != 0)
		return;
	self[n] = '\0';
	execv(self, argv);
}

/*
 * For the process, once the options are known.  The C library's heap
 * keeps the memory a layer frees for the next, up to 32 MiB a block (the
 * most M_MMAP_THRESHOLD takes on 64 bits), where by default a block of
 * more than 128 KiB is its own mapping, unmapped when freed, and every
 * layer's output and gradient would be pages the kernel faults in and
 * zeroes again; the top of the heap is given back above 128 MiB.  The
 * workers OpenBLAS started when it was loaded end (they spin in
 * sched_yield for a tenth of a second, its THREAD_TIMEOUT, taking CPU
 * time, and with -j 2 the CPU the layers' second thread needs), unless
 * the threads it started are the user's (OPENBLAS_NUM_THREADS,
 * GOTO_NUM_THREADS or OMP_NUM_THREADS set); with more than one thread
 * the matrix products start them again (lib/grad.c).
 */
static void
lean_process(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 128 << 20);
	tp_grad_blas_workers_end();
}

/* Parse word as a layer or a loss into s; dies (exit 2) if unknown. */
static void
parse_word(const char *word, struct tp_grad_spec *s)
{
	struct tp_msg m;
	const char *why;

	if ((why = tp_grad_parse(word, s, &m)) != NULL)
		tp_usage_die("%s", why);
}

/* -O: tgrad writes no PNG or TIFF (refuse_images). */
static const struct tp_choice formats[] = {
	{ "npy", TP_FMT_NPY }, { "txt", TP_FMT_TXT }, { NULL, 0 }
};

/* Gradients are float tensors, not pictures: a -o name ending in .png,
 * .tif or .jpg and --depth are usage errors (exit 2), as -O png is
 * (formats). */
static void
refuse_images(const struct tp_common *com)
{
	char q[80];
	enum tp_format f = com->output ? tp_writer_format(com->output,
	    com->format) : TP_FMT_NPY;

	if (f == TP_FMT_PNG || f == TP_FMT_JPEG || f == TP_FMT_TIFF)
		tp_usage_die("-o '%s' names a %s: tgrad writes npy or txt "
		    "(give -O npy or -O txt, or another name)",
		    tp_quote(com->output, strlen(com->output), q, sizeof q),
		    f == TP_FMT_PNG ? "PNG" : f == TP_FMT_TIFF ? "TIFF" :
		    "JPEG");
	if (com->depth != 0)
		tp_usage_die("--depth %d: tgrad writes npy or txt, no PNG",
		    com->depth);
}

static void
parse_cmdline(int argc, char **argv, struct cmdline *cl)
{
	static const struct option longopts[] = {
		TP_COMMON_LONGOPTS,
		{ "loss", required_argument, NULL, OPT_LOSS },
		{ "dldz", required_argument, NULL, 'g' },
		{ "forward", no_argument, NULL, OPT_FORWARD },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "tol", required_argument, NULL, OPT_TOL },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "wrt", required_argument, NULL, OPT_WRT },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
		{ "reduction", required_argument, NULL, OPT_REDUCTION },
		{ "reg", required_argument, NULL, OPT_REG },
		{ "update", required_argument, NULL, OPT_UPDATE },
		{ "out-dir", required_argument, NULL, OPT_OUTDIR },
		{ NULL, 0, NULL, 0 }
	};
	const char *lossopt = NULL, *e;
	char q[256];
	int ch, i;

	memset(cl, 0, sizeof *cl);
	tp_init(&cl->com, usage);
	tp_operand_words(TP_GRAD_LAYERS ", " TP_GRAD_LOSSES, 1);
	cl->tol = DEFAULT_TOL;
	while ((ch = tp_getopt(argc, argv, TP_COMMON_SHORTOPTS "g:",
	    longopts)) != -1) {
		if (ch == 'O') {	/* npy or txt: a gradient is no image */
			cl->com.format = (enum tp_format)tp_choice(optarg,
			    formats, "-O");
			continue;
		}
		if (tp_common_option(&cl->com, ch, optarg))
			continue;
		switch (ch) {
		case OPT_LOSS:
			lossopt = optarg;
			break;
		case 'g':
			cl->dldz = optarg;
			break;
		case OPT_FORWARD:
			cl->forward = 1;
			break;
		case OPT_CHECK:
			cl->check = 1;
			break;
		case OPT_TOL:
			cl->tol = tp_parse_double(optarg, 0, 1, "--tol");
			if (!(cl->tol > 0))	/* 0 would accept anything */
				tp_usage_die("--tol must be above 0, not '%s'",
				    tp_quote(optarg, strlen(optarg), q,
				    sizeof q));
			break;
		case OPT_EXPLAIN:
			cl->explain = 1;
			break;
		case OPT_WRT:
			cl->wrt = optarg;
			break;
		case OPT_VERBOSE:
			cl->verbose = 1;
			break;
		case OPT_REDUCTION:
			cl->reduce_sum = tp_choice(optarg, reductions,
			    "--reduction");
			break;
		case OPT_REG:
			if (strncmp(optarg, "L2:", 3) == 0)
				cl->reg = 2;
			else if (strncmp(optarg, "L1:", 3) == 0)
				cl->reg = 1;
			else
				tp_usage_die("--reg '%s' is not L2:LAMBDA or "
				    "L1:LAMBDA", tp_quote(optarg,
				    strlen(optarg), q, sizeof q));
			cl->lambda = tp_parse_double(optarg + 3, 0, 1e300,
			    "--reg");
			break;
		case OPT_UPDATE:
			if (strncmp(optarg, "sgd:", 4) != 0)
				tp_usage_die("--update '%s' is not sgd:LR",
				    tp_quote(optarg, strlen(optarg), q,
				    sizeof q));
			cl->update = optarg;
			cl->lr = tp_parse_double(optarg + 4, 0, 1e300,
			    "--update");
			break;
		case OPT_OUTDIR:
			cl->outdir = optarg;
			break;
		default:
			tp_usage();
		}
	}
	refuse_images(&cl->com);
	if (optind == argc && lossopt == NULL)
		tp_usage_die("no layers: give at least one layer or a loss");
	cl->specs = tp_ecalloc((size_t)(argc - optind) + 1, sizeof *cl->specs);
	for (i = optind; i < argc; i++) {
		struct tp_grad_spec s;

		parse_word(argv[i], &s);
		if (!s.is_loss) {
			cl->specs[cl->nspec++] = s;
			continue;
		}
		if (i + 1 < argc) {
			tp_grad_spec_free(&s);
			tp_usage_die("the loss '%s' is word %d of %d: a loss "
			    "must come last", tp_quote(argv[i],
			    strlen(argv[i]), q, sizeof q), i - optind + 1,
			    argc - optind);
		}
		cl->loss = s;
	}
	if (lossopt != NULL) {
		struct tp_grad_spec s;

		if (cl->loss.word != NULL)
			tp_usage_die("two losses: --loss '%s' and '%s'",
			    tp_quote(lossopt, strlen(lossopt), q, sizeof q),
			    cl->loss.word);
		parse_word(lossopt, &s);
		if (!s.is_loss) {
			tp_grad_spec_free(&s);
			tp_usage_die("--loss '%s' is a layer, not a loss: use "
			    TP_GRAD_LOSSES, tp_quote(lossopt, strlen(lossopt),
			    q, sizeof q));
		}
		cl->loss = s;
	}
	if (cl->dldz != NULL && cl->loss.word != NULL)
		tp_usage_die("both a loss ('%s') and -g '%s': -g gives dL/dZ "
		    "in place of a loss", cl->loss.word,
		    tp_quote(cl->dldz, strlen(cl->dldz), q, sizeof q));
	if (cl->loss.word == NULL && cl->dldz == NULL && !cl->forward &&
	    !cl->explain)
		tp_usage_die("nothing to compute: give a loss (--loss or the "
		    "last word) or -g FILE for gradients, or --forward");
	if (cl->check && cl->loss.word == NULL && cl->dldz == NULL)
		tp_usage_die("--check needs a loss or -g FILE");
	if (cl->wrt != NULL && cl->loss.word == NULL && cl->dldz == NULL)
		tp_usage_die("--wrt '%s' needs a loss or -g FILE: without one "
		    "there are no gradients",
		    tp_quote(cl->wrt, strlen(cl->wrt), q, sizeof q));
	if (cl->update != NULL && cl->outdir == NULL)
		tp_usage_die("--update '%s' needs --out-dir DIR for the "
		    "parameters it writes", cl->update);
	if (cl->outdir != NULL && cl->update == NULL)
		tp_usage_die("--out-dir '%s' without --update: nothing to "
		    "write there", tp_quote(cl->outdir, strlen(cl->outdir), q,
		    sizeof q));
	if (cl->update != NULL && cl->loss.word == NULL && cl->dldz == NULL)
		tp_usage_die("--update '%s' needs a loss or -g FILE",
		    cl->update);
	if (cl->update != NULL && (cl->check || cl->explain))
		tp_usage_die("--update with --%s: give one or the other",
		    cl->check ? "check" : "explain");
	if ((cl->check || cl->explain) && cl->com.output != NULL)
		tp_usage_die("-o '%s' with --%s: the report goes to the "
		    "standard output", tp_quote(cl->com.output,
		    strlen(cl->com.output), q, sizeof q),
		    cl->check ? "check" : "explain");
	if ((e = getenv("TGRAD_TEST_BREAK")) != NULL && *e != '\0') {
		char *index, *rel;

		cl->breakname = tp_estrdup(e);
		if ((index = strchr(cl->breakname, ':')) == NULL)
			tp_usage_die("TGRAD_TEST_BREAK '%s' is not "
			    "NAME:INDEX[:REL]", tp_quote(e, strlen(e), q,
			    sizeof q));
		*index++ = '\0';
		if ((rel = strchr(index, ':')) != NULL) {
			*rel++ = '\0';
			cl->breakrel = tp_parse_double(rel, -1, 1,
			    "TGRAD_TEST_BREAK");
		}
		cl->breakat = (size_t)tp_parse_int(index, 0, 1LL << 62,
		    "TGRAD_TEST_BREAK");
	}
}

/* File scope, so that what is live when a message ends the run is still
 * reachable (LeakSanitizer stays quiet). */
static struct cmdline cl;
static struct tp_grad_net *net;
static struct tp_reader *in;
static struct tp_writer *out;
static struct tp_tensor x, ops[TP_GRAD_MAXOPERAND], lossop;
static unsigned char *want;

/* Build the net in dtype dt from the command line's layers and loss,
 * reading their operand files; dies (exit 1) on a bad operand. */
static void
build(enum tp_dtype dt)
{
	struct tp_msg m;
	const char *why;
	char q[256];
	int i, j, n;

	net = tp_grad_new(dt, cl.com.threads);
	tp_grad_options(net, cl.reduce_sum, cl.reg, cl.lambda);
	for (i = 0; i < cl.nspec; i++) {
		for (j = 0; j < cl.specs[i].noperand; j++)
			if (cl.specs[i].operand[j] != NULL)
				ops[j] = tp_read_operand(
				    cl.specs[i].operand[j], "operand");
		why = tp_grad_add(net, &cl.specs[i], ops, &m);
		for (j = 0; j < cl.specs[i].noperand; j++)
			tp_free(&ops[j]);
		if (why != NULL)
			tp_die("%s", why);
	}
	if (cl.loss.word != NULL) {
		if (cl.loss.noperand == 1)
			lossop = tp_read_operand(cl.loss.operand[0],
			    "operand");
		why = tp_grad_set_loss(net, &cl.loss,
		    cl.loss.noperand == 1 ? &lossop : NULL, &m);
		tp_free(&lossop);
		if (why != NULL)
			tp_die("%s", why);
	} else if (cl.dldz != NULL) {
		lossop = tp_read_operand(cl.dldz, "-g");
		why = tp_grad_set_dldz(net, &lossop, &m);
		tp_free(&lossop);
		if (why != NULL)
			tp_die("-g '%s': %s", tp_quote(cl.dldz,
			    strlen(cl.dldz), q, sizeof q), why);
	}
	/* which gradients to write (--wrt), by name */
	n = tp_grad_count(net);
	want = tp_ecalloc((size_t)n, 1);
	if (cl.wrt == NULL)
		memset(want, 1, (size_t)n);
	else if ((why = tp_grad_select(net, cl.wrt, want, &m)) != NULL)
		tp_usage_die("--wrt: %s", why);
	if (cl.check && memchr(want, 1, (size_t)n) == NULL)
		tp_usage_die("--check with --wrt none checks nothing");
}

/*
 * Read the data of the record whose header is in x, converted to dt (the
 * net's dtype), into a new buffer x.data.  The buffer grows as the data
 * arrives (tp_read_rest_as), so a header that claims more than the input
 * holds ends in a truncation error, not in a huge allocation first.
 */
static void
read_x(enum tp_dtype dt)
{
	struct tp_msg m;
	const char *why;

	x.dtype = dt;
	if ((why = tp_set_shape(&x, x.ndim, x.shape, &m)) != NULL)
		tp_die("record %ld of %s: %s", tp_reader_index(in),
		    tp_reader_name(in), why);
	x.data = tp_read_rest_as(in, dt);
}

/* The test-only deliberate error (TGRAD_TEST_BREAK): make element
 * cl.breakat of the gradient named cl.breakname wrong, by the factor
 * 1 + cl.breakrel, else 10% and 0.001. */
static void
break_gradient(void)
{
	int i;

	for (i = 0; i < tp_grad_count(net); i++) {
		struct tp_tensor *g = tp_grad_tensor(net, i);
		float *f;
		double *d, v;

		if (strcmp(tp_grad_name(net, i), cl.breakname) != 0 ||
		    g->data == NULL || cl.breakat >= g->count)
			continue;
		f = (float *)g->data + cl.breakat;
		d = (double *)g->data + cl.breakat;
		v = g->dtype == TP_F4 ? (double)*f : *d;
		v = cl.breakrel != 0 ? v * (1 + cl.breakrel) : v * 1.1 + 1e-3;
		if (g->dtype == TP_F4)
			*f = (float)v;
		else
			*d = v;
	}
}

/* --update: every parameter to --out-dir as NAME.npy (each file
 * written to a temporary one and renamed). */
static void
write_params(void)
{
	struct tp_writer *w;
	char *path;
	size_t len;
	int i;

	for (i = 1; i < tp_grad_count(net); i++) {
		len = strlen(cl.outdir) + strlen(tp_grad_name(net, i)) + 8;
		path = tp_emalloc(len);
		snprintf(path, len, "%s/%s.npy", cl.outdir,
		    tp_grad_name(net, i));
		w = tp_writer_open_path(path, TP_FMT_NPY, 0);
		tp_write(w, tp_grad_param(net, i));
		tp_writer_close(w);
		free(path);
	}
}

/* --check on the current record: one line per wanted gradient on stdout.
 * Returns the number of gradients that fail; the first failure of the
 * run is described in fail (for the message on stderr) if it is empty. */
static int
check_record(char *fail, size_t len)
{
	struct tp_grad_check r;
	int i, nfail = 0;

	printf("record %ld: central differences in float64, steps h and h/2 "
	    "(h = 1e-5 max(|v|, 1)) extrapolated, tolerance %g\n",
	    tp_reader_index(in), cl.tol);
	for (i = 0; i < tp_grad_count(net); i++) {
		if (!want[i])
			continue;
		tp_grad_check(net, i, cl.tol, &r);
		tp_grad_check_print(stdout, net, i, &r);
		if (r.fails && nfail++ == 0 && *fail == '\0')
			snprintf(fail, len, "dL/d%s at %s: relative error "
			    "%.2g > %g (analytic %.9g, numeric %.9g ± %.1g)",
			    tp_grad_name(net, i), r.where, r.worst, cl.tol,
			    r.analytic, r.numeric, r.numeric_err);
	}
	return nfail;
}

int
main(int argc, char **argv)
{
	struct tp_timing tm;
	struct tp_msg m;
	const char *why;
	char fail[2048] = "", sh[TP_GRAD_SHAPE_LEN], d[128];
	int i, nfail = 0, first = 1, dt = -1;

	one_blas_thread_under_limit(argv);
	parse_cmdline(argc, argv, &cl);
	lean_process();
	tp_fft_init(cl.com.threads, TP_PLAN_ESTIMATE);
	in = tp_reader_open(NULL, -1, NULL);
	tp_timing_start(&tm, cl.verbose);
	while (tp_read_header(in, &x)) {
		if (tp_dtype_is_complex(x.dtype))
			tp_die("record %ld of %s: X %s is complex (%s): the "
			    "layers are real", tp_reader_index(in),
			    tp_reader_name(in), tp_shape_str(&x, sh, sizeof sh),
			    tp_dtype_name(x.dtype));
		if (net == NULL) {
			/* the first record decides the dtype (--check:
			 * float64 whatever -t says) */
			dt = cl.check ? TP_F8 : (int)tp_compute_dtype(x.dtype,
			    cl.com.dtype);
			if (dt != TP_F4 && dt != TP_F8)
				dt = TP_F8;
			build(dt);
		}
		read_x(dt);
		tp_timing_charge(&tm, TP_PHASE_READ);
		if ((why = tp_grad_forward(net, &x, &m)) != NULL)
			tp_die("record %ld of %s: %s", tp_reader_index(in),
			    tp_reader_name(in), why);
		if (tp_grad_has_loss(net))
			tp_grad_backward(net, cl.check || cl.update ? NULL :
			    want);
		if (cl.breakname != NULL)
			break_gradient();
		tp_timing_charge(&tm, TP_PHASE_COMPUTE);
		if (cl.explain && first)
			tp_grad_explain(net, stdout);
		if (cl.check)
			nfail += check_record(fail, sizeof fail);
		if (!cl.check && !cl.explain) {
			if (out == NULL)
				out = tp_writer_open(&cl.com);
			if (cl.forward)
				tp_write(out, tp_grad_output(net));
			for (i = 0; tp_grad_has_loss(net) &&
			    i < tp_grad_count(net); i++)
				if (want[i])
					tp_write(out, tp_grad_tensor(net, i));
		}
		if (cl.update != NULL)
			tp_grad_update(net, cl.lr);
		snprintf(d, sizeof d, "%s, %d layer%s%s%s", tp_dtype_name(dt),
		    cl.nspec, cl.nspec == 1 ? "" : "s",
		    cl.loss.word ? " + " : "",
		    cl.loss.word ? cl.loss.word : "");
		tp_timing_record_done(&tm, tp_reader_index(in), d);
		tp_free(&x);
		first = 0;
	}
	if (net == NULL)
		build(TP_F8);	/* no input: still check the operands */
	if (!cl.check && !cl.explain) {
		if (out == NULL)
			out = tp_writer_open(&cl.com);
		tp_writer_close(out);
	}
	if (cl.update != NULL)
		write_params();
	if (fflush(stdout) != 0 || ferror(stdout))
		tp_die("<stdout>:");
	tp_timing_run_done(&tm);
	tp_reader_close(in);
	tp_grad_free(net);
	for (i = 0; i < cl.nspec; i++)
		tp_grad_spec_free(&cl.specs[i]);
	free(cl.specs);
	tp_grad_spec_free(&cl.loss);
	free(want);
	free(cl.breakname);
	if (nfail > 0)
		tp_die("--check: %d gradient%s fail%s: %s", nfail,
		    nfail == 1 ? "" : "s", nfail == 1 ? "s" : "", fail);
	return 0;
}
