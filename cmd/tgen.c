/*
 * tgen - make tensors: random (as numpy's legacy generator), constant,
 * identity, ranges and sampled Gaussians.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "gauss.h"
#include "tpipe.h"

static const char usage[] =
    "tgen randn|rand|zeros|ones SHAPE | eye N[,M] | range [START,]STOP[,STEP] |\n"
    "            gaussian SHAPE -s SIGMA[,SIGMA...]\n"
    "            [--seed N] [-n count] [-t f32|f64] [-o file]\n"
    "            [-O " TP_FORMAT_NAMES "] [--depth 8|16]\n"
    "            [--progress | --quiet]";

enum kind { RANDN, RAND, ZEROS, ONES, EYE, RANGE, GAUSSIAN };
static const struct tp_choice kinds[] = {
	{ "randn", RANDN }, { "rand", RAND }, { "zeros", ZEROS },
	{ "ones", ONES }, { "eye", EYE }, { "range", RANGE },
	{ "gaussian", GAUSSIAN }, { NULL, 0 }
};

struct cmdline {
	enum kind kind;
	int ndim;
	size_t shape[TP_MAXDIM];
	double sigma[TP_MAXDIM];
	int nsigma;
	double start, step;		/* range */
	long long seed;			/* -1: random */
	long long count;
};

struct gen {
	const struct cmdline *cl;
	struct tp_rng rng;
	double *axis[TP_MAXDIM];	/* gaussian: normalised 1-D profiles */
};

/* The operand each kind takes, for messages. */
static const char *operand_of[] = { "SHAPE", "SHAPE", "SHAPE", "SHAPE",
    "N[,M]", "[START,]STOP[,STEP]", "SHAPE" };

/* A usage error: what is wrong in one line, then the usage; exit 2. */
#define operand_error(...) (tp_warn(__VA_ARGS__), tp_usage())

/* Check the operands argv[0..argc), a kind and its one operand; returns
 * the kind. */
static enum kind
check_operands(int argc, char *argv[])
{
	char q[256];
	enum kind n;

	if (argc == 0)
		operand_error("missing the kind: %s",
		    tp_choice_list(kinds, q, sizeof q));
	n = tp_choice(argv[0], kinds, "kind");
	if (argc == 1)
		operand_error("%s needs %s", argv[0], operand_of[n]);
	if (argc > 2)
		operand_error("%s takes one operand, %s; extra operand '%s'",
		    argv[0], operand_of[n],
		    tp_quote(argv[2], strlen(argv[2]), q, sizeof q));
	return n;
}

/* Parse the operand arg of kind into cl. */
static void
parse_args(struct cmdline *cl, enum kind kind, const char *arg)
{
	struct tp_msg m;
	const char *e;
	char q[256];
	double v[3];
	int n;

	tp_quote(arg, strlen(arg), q, sizeof q);
	cl->kind = kind;
	switch (cl->kind) {
	case EYE:
		e = tp_parse_shape(arg, cl->shape, TP_MAXDIM, &n, 0, &m);
		if (e)
			tp_usage_die("eye: %s", e);
		if (n < 1 || n > 2)
			tp_usage_die("eye takes N or N,M, not '%s'", q);
		if (n == 1)
			cl->shape[1] = cl->shape[0];
		cl->ndim = 2;
		break;
	case RANGE:
		n = tp_parse_doubles(arg, v, 3, "range");
		cl->start = n == 1 ? 0 : v[0];
		cl->step = n == 3 ? v[2] : 1;
		if (cl->step == 0 || !isfinite(cl->step) ||
		    !isfinite(v[n == 1 ? 0 : 1]) || !isfinite(cl->start))
			tp_usage_die("range '%s': need finite numbers and a step other than 0",
			    q);
		{
			double stop = n == 1 ? v[0] : v[1];
			double len = ceil((stop - cl->start) / cl->step);
			if (len > 1e15)
				tp_usage_die("range '%s' is too long", q);
			cl->shape[0] = len > 0 ? (size_t)len : 0;
			cl->ndim = 1;
		}
		break;
	default:
		if ((e = tp_parse_shape(arg, cl->shape, TP_MAXDIM,
		    &cl->ndim, 0, &m)))
			tp_usage_die("%s", e);
		break;
	}
	if (cl->kind == GAUSSIAN) {
		if (cl->nsigma == 0)
			tp_usage_die("gaussian needs -s SIGMA");
		if (cl->nsigma != 1 && cl->nsigma != cl->ndim)
			tp_usage_die("-s gives %d sigmas for %d axes",
			    cl->nsigma, cl->ndim);
	} else if (cl->nsigma)
		tp_usage_die("-s applies to gaussian only, not to '%s'",
		    tp_choice_word(kinds, kind));
}

/* The values at flat indices [first, first+n) of a record, into out. */
static void
generate(struct gen *g, const struct tp_tensor *h, size_t first, size_t n,
    double *out)
{
	const struct cmdline *cl = g->cl;

	for (size_t k = 0; k < n; k++) {
		size_t i = first + k;
		switch (cl->kind) {
		case RANDN: out[k] = tp_rng_normal(&g->rng); break;
		case RAND: out[k] = tp_rng_uniform(&g->rng); break;
		case ZEROS: out[k] = 0; break;
		case ONES: out[k] = 1; break;
		case EYE: out[k] = i / h->shape[1] == i % h->shape[1]; break;
		case RANGE: {
			/* as numpy's arange fills: start + i * (v1 - v0) */
			double delta = (cl->start + cl->step) - cl->start;
			out[k] = i == 0 ? cl->start : i == 1 ?
			    cl->start + cl->step :
			    cl->start + (double)i * delta;
			break;
		}
		case GAUSSIAN: {
			double v = 1;
			size_t rest = i;
			for (int a = h->ndim - 1; a >= 0; a--) {
				v *= g->axis[a][rest % h->shape[a]];
				rest /= h->shape[a];
			}
			out[k] = v;
			break;
		}
		}
	}
}

int
main(int argc, char *argv[])
{
	enum { OPT_SEED = TP_OPT_TOOL, OPT_SIGMA };
	static const struct option longopts[] = {
		TP_COMMON_LONGOPTS,
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "sigma", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	enum { CHUNK = 8192 };
	static double vals[CHUNK];
	static unsigned char conv[CHUNK * 8];
	struct cmdline cl = { .seed = -1, .count = 1 };
	struct tp_common c;
	static struct gen g;		/* static: reachable on error exits */
	char q[256];
	static char kind_list[128];
	struct tp_tensor hdr;
	struct tp_writer *w;
	struct tp_msg m;
	const char *e;
	int ch;

	tp_init(&c, usage);
	/* for shell completion */
	tp_operand_words(tp_choice_list(kinds, kind_list, sizeof kind_list), 0);
	while ((ch = tp_getopt(argc, argv, TP_COMMON_SHORTOPTS "s:n:",
	    longopts)) != -1) {
		if (tp_common_option(&c, ch, optarg))
			continue;
		switch (ch) {
		case OPT_SEED:
			cl.seed = tp_parse_int(optarg, 0, 4294967295LL,
			    "--seed");
			break;
		case 's':
			cl.nsigma = tp_parse_doubles(optarg, cl.sigma,
			    TP_MAXDIM, "-s");
			for (int i = 0; i < cl.nsigma; i++)
				if (!(cl.sigma[i] > 0) ||
				    !isfinite(cl.sigma[i]))
					tp_usage_die(
					    "-s must be positive, not '%s'",
					    tp_quote(optarg, strlen(optarg), q,
					    sizeof q));
			break;
		case 'n':
			cl.count = tp_parse_int(optarg, 0, 1LL << 40, "-n");
			break;
		default:
			tp_usage();
		}
	}
	parse_args(&cl, check_operands(argc - optind, argv + optind),
	    argv[optind + 1]);

	memset(&g, 0, sizeof g);
	g.cl = &cl;
	if (cl.seed < 0) {
		uint32_t s;
		if (getrandom(&s, sizeof s, 0) != sizeof s)
			tp_die("getrandom:");
		cl.seed = s;
	}
	tp_rng_seed(&g.rng, (uint32_t)cl.seed);
	memset(&hdr, 0, sizeof hdr);
	hdr.dtype = c.dtype < 0 ? TP_F8 : (enum tp_dtype)c.dtype;
	if ((e = tp_set_shape(&hdr, cl.ndim, cl.shape, &m)))
		tp_usage_die("%s", e);
	if (cl.kind == GAUSSIAN)
		for (int a = 0; a < cl.ndim; a++) {
			g.axis[a] = tp_emalloc((cl.shape[a] ? cl.shape[a] : 1) *
			    sizeof *g.axis[a]);
			tp_gauss_profile(g.axis[a], cl.shape[a],
			    cl.sigma[cl.nsigma == 1 ? 0 : a]);
		}

	w = tp_writer_open(&c);
	for (long long r = 0; r < cl.count; r++) {
		tp_write_header(w, &hdr);
		for (size_t i = 0; i < hdr.count; i += CHUNK) {
			size_t n = hdr.count - i < CHUNK ? hdr.count - i :
			    CHUNK;
			generate(&g, &hdr, i, n, vals);
			tp_convert(conv, hdr.dtype, vals, TP_F8, n);
			tp_write_data(w, conv, n * tp_dtype_size(hdr.dtype));
		}
	}
	tp_writer_close(w);
	for (int a = 0; a < cl.ndim; a++)
		free(g.axis[a]);
	return 0;
}
