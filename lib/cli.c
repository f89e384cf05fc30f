/*
 * cli.c - the command-line conventions every tool shares.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "progress.h"
#include "tpipe.h"

#ifndef TPIPE_VERSION
#define TPIPE_VERSION "unknown"
#endif

extern char *program_invocation_name, *program_invocation_short_name;
static const char *usage_text = "";
static const char *operand_list;	/* tp_operand_words */
static int operand_every;
static const struct tp_common *common;	/* the tool's, for tp_getopt */

void
tp_init(struct tp_common *c, const char *usage)
{
	sigset_t pipe;

	/* A closed downstream pipe ends us quietly, even if our parent
	 * ignored or blocked SIGPIPE. */
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigprocmask(SIG_UNBLOCK, &pipe, NULL);
	/* getopt names the program by argv[0], which program_invocation_name
	 * points at: shorten it in place so its messages say "tcat:". */
	if (program_invocation_short_name != program_invocation_name) {
		memmove(program_invocation_name, program_invocation_short_name,
		    strlen(program_invocation_short_name) + 1);
		/* the short name pointed into the bytes just moved */
		program_invocation_short_name = program_invocation_name;
	}
	usage_text = usage;
	common = c;
	memset(c, 0, sizeof *c);
	c->format = TP_FMT_AUTO;
	c->dtype = -1;
	c->threads = tp_online_cpus();
}

void
tp_usage(void)
{
	tp_progress_silence();		/* no last line before the usage */
	tp_progress_end();
	fprintf(stderr, "usage: %s\n", usage_text);
	exit(2);
}

/* Exit 0 once stdout is written out, else die naming the error (a full
 * disk is a failure, not a success). */
static void __attribute__((noreturn))
exit_after_stdout(void)
{
	errno = 0;
	if (fflush(stdout) || ferror(stdout)) {
		if (errno == 0)
			errno = EIO;
		tp_die("write error: <stdout>:");
	}
	exit(0);
}

const char *
tp_input_operand(int n, char *const *operands)
{
	char q0[256], q1[256];

	if (n > 1)
		tp_usage_die("more than one input file ('%s', '%s')",
		    tp_quote(operands[0], strlen(operands[0]), q0, sizeof q0),
		    tp_quote(operands[1], strlen(operands[1]), q1, sizeof q1));
	return n ? operands[0] : NULL;
}

/* -O (in TP_FORMAT_NAMES's order) and --depth. */
static const struct tp_choice formats[] = {
	{ "npy", TP_FMT_NPY }, { "txt", TP_FMT_TXT }, { "png", TP_FMT_PNG },
	{ "csv", TP_FMT_CSV }, { "raw", TP_FMT_RAW }, { "tiff", TP_FMT_TIFF },
	{ "jpeg", TP_FMT_JPEG }, { "mrc", TP_FMT_MRC }, { "mat", TP_FMT_MAT },
	{ NULL, 0 }
};
static const struct tp_choice depths[] = {
	{ "8", 8 }, { "16", 16 }, { NULL, 0 }
};
static const struct tp_choice compressions[] = {
	{ "none", TP_COMPRESS_NONE }, { "deflate", TP_COMPRESS_DEFLATE },
	{ NULL, 0 }
};
static const struct tp_choice mat_versions[] = {
	{ "5", 0 }, { "7.3", 1 }, { NULL, 0 }
};

/* The formats an -o name asks for by its extension (in any case), in
 * the order messages list them: the one table of them. */
static const struct tp_choice extensions[] = {
	{ ".npy", TP_FMT_NPY }, { ".png", TP_FMT_PNG }, { ".txt", TP_FMT_TXT },
	{ ".csv", TP_FMT_CSV }, { ".raw", TP_FMT_RAW }, { ".bin", TP_FMT_RAW },
	{ ".tif", TP_FMT_TIFF }, { ".tiff", TP_FMT_TIFF },
	{ ".jpg", TP_FMT_JPEG }, { ".jpeg", TP_FMT_JPEG },
	{ ".mrc", TP_FMT_MRC }, { ".mrcs", TP_FMT_MRC }, { ".map", TP_FMT_MRC },
	{ ".mat", TP_FMT_MAT }, { NULL, 0 }
};

const struct tp_choice *
tp_choice_find(const struct tp_choice *choices, const char *word)
{
	for (; choices->word; choices++)
		if (!strcmp(choices->word, word))
			return choices;
	return NULL;
}

const char *
tp_choice_word(const struct tp_choice *choices, int v)
{
	for (; choices->word; choices++)
		if (choices->value == v)
			return choices->word;
	return NULL;
}

char *
tp_choice_list(const struct tp_choice *choices, char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = '\0';
	for (const struct tp_choice *c = choices; c->word && k < len; c++)
		k += (size_t)snprintf(buf + k, len - k, "%s%s",
		    c == choices ? "" : ", ", c->word);
	return buf;
}

int
tp_choice(const char *word, const struct tp_choice *choices,
    const char *what)
{
	const struct tp_choice *c = tp_choice_find(choices, word);
	char q[256], list[512];

	if (c == NULL)
		tp_usage_die("%s '%s' is not one of %s", what,
		    tp_quote(word, strlen(word), q, sizeof q),
		    tp_choice_list(choices, list, sizeof list));
	return c->value;
}

tp_why
tp_output_format(const char *path, enum tp_format *fmt, struct tp_msg *m)
{
	const char *base = strrchr(path, '/'), *dot;
	char q[256], qdot[80], list[128];

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	*fmt = TP_FMT_AUTO;
	if (dot == NULL || dot == base)		/* "out", ".hidden" */
		return NULL;
	for (const struct tp_choice *c = extensions; c->word; c++)
		if (!strcasecmp(c->word, dot)) {
			*fmt = (enum tp_format)c->value;
			return NULL;
		}
	return tp_msgf(m, "-o '%s': no writer knows the extension '%s' "
	    "(known: %s): name the format with -O to write it anyway",
	    tp_quote(path, strlen(path), q, sizeof q),
	    tp_quote(dot, strlen(dot), qdot, sizeof qdot),
	    tp_choice_list(extensions, list, sizeof list));
}

int
tp_common_option(struct tp_common *c, int ch, const char *arg)
{

	switch (ch) {
	case 'h':
		printf("usage: %s\n", usage_text);
		exit_after_stdout();
	case TP_OPT_VERSION:
		printf("%s (tpipe) %s\n", program_invocation_short_name,
		    TPIPE_VERSION);
		exit_after_stdout();
	case 'o':
		if (*arg == '\0')
			tp_usage_die("-o needs a file name");
		c->output = arg;
		return 1;
	case 'O':
		c->format = (enum tp_format)tp_choice(arg, formats, "-O");
		return 1;
	case 't':
	{
		enum tp_dtype d;
		struct tp_msg m;
		char q[256];

		/* numpy's names of float32 and float64 too ("f4", "<f8") */
		if (tp_dtype_lookup(arg, &d, &m) || (d != TP_F4 && d != TP_F8))
			tp_usage_die("-t '%s' is not one of f32, f64 (or "
			    "numpy's names of them)",
			    tp_quote(arg, strlen(arg), q, sizeof q));
		c->dtype = (int)d;
	}
		return 1;
	case 'j':
		c->threads = (int)tp_parse_int(arg, 1, 1024, "-j");
		return 1;
	case TP_OPT_DEPTH:
		c->depth = tp_choice(arg, depths, "--depth");
		return 1;
	case TP_OPT_QUALITY:
		c->quality = (int)tp_parse_int(arg, 1, 100, "--quality");
		return 1;
	case TP_OPT_COMPRESS:
		c->compress = (enum tp_compress)tp_choice(arg, compressions,
		    "--compress");
		return 1;
	case TP_OPT_MAT_VERSION:
		c->mat73 = tp_choice(arg, mat_versions, "--mat-version");
		return 1;
	case TP_OPT_PROGRESS:
		tp_progress_set_mode(TP_PROGRESS_ON);
		return 1;
	case TP_OPT_QUIET:
		tp_progress_set_mode(TP_PROGRESS_OFF);
		return 1;
	case '?':
	case ':':
		tp_usage();
	}
	return 0;
}

int
tp_input_option(struct tp_input *in, int ch, const char *arg)
{
	static const struct tp_choice orders[] = {
		{ "C", 0 }, { "F", 1 }, { NULL, 0 }
	};
	enum tp_dtype t;
	struct tp_msg m;
	const char *e;

	switch (ch) {
	case TP_OPT_SHAPE:
		if ((e = tp_parse_shape(arg, in->shape, TP_MAXDIM, &in->ndim, 1,
		    &m)))
			tp_usage_die("--shape: %s", e);
		return 1;
	case TP_OPT_RAW:
		if ((e = tp_dtype_lookup(arg, &t, &m)))
			tp_usage_die("--raw: %s", e);
		in->raw = (int)t;
		in->swap = tp_dtype_size(t) > 1 && *arg ==
		    (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? '>' : '<');
		return 1;
	case TP_OPT_SKIP:
		in->skip = (unsigned long long)tp_parse_int(arg, 0, LLONG_MAX,
		    "--skip");
		return 1;
	case TP_OPT_ORDER:
		in->fortran = tp_choice(arg, orders, "--order");
		return 1;
	case TP_OPT_HEADER:
		in->header = 1;
		return 1;
	case TP_OPT_VAR:
		in->var = arg;
		return 1;
	}
	return 0;
}

void
tp_input_check(const struct tp_input *in)
{
	if (in->raw < 0 && in->skip)
		tp_usage_die("--skip applies to --raw data only");
	if (in->raw < 0 && in->fortran)
		tp_usage_die("--order applies to --raw data only");
	if (in->raw >= 0 && in->ndim < 0)
		tp_usage_die("--raw needs --shape: headerless data does not "
		    "say its shape");
	if (in->header && in->raw >= 0)
		tp_usage_die("--header applies to CSV (text) input, not --raw "
		    "data");
	if (in->header && in->ndim >= 0)
		tp_usage_die("--header gives the shape (rows, names): "
		    "--shape does not go with it");
	if (in->var && in->raw >= 0) {
		char q[256];
		tp_usage_die("--var '%s' applies to MAT-file input, not --raw "
		    "data", tp_quote(in->var, SIZE_MAX, q, sizeof q));
	}
}

/* 1 if s reads as a negative number ("-5", "-0.5,2", "-.5", "-1x2"),
 * which tools take as an operand, never as options. */
static int
is_negative_number(const char *s)
{
	return s[0] == '-' && ((s[1] >= '0' && s[1] <= '9') ||
	    (s[1] == '.' && s[2] >= '0' && s[2] <= '9'));
}

/*
 * Say what is wrong with the option getopt_long just refused (ch is '?'
 * or ':'; arg is the element it was reading) in one line, then the
 * usage; exit 2.
 */
static void __attribute__((noreturn))
bad_option(int ch, const char *arg, const struct option *longopts)
{
	char q[256];

	if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {	/* short */
		char o[2] = { (char)optopt, '\0' };
		tp_quote(o, 1, q, sizeof q);
		if (ch == ':')
			tp_warn("option '-%s' needs a value", q);
		else
			tp_warn("unknown option '-%s'", q);
	} else {
		size_t len = strcspn(arg + 2, "="), matches = 0;
		int exact = 0, takes = 0;

		for (const struct option *o = longopts; o->name; o++)
			if (!strncmp(o->name, arg + 2, len)) {
				matches++;
				takes = o->has_arg;
				exact |= strlen(o->name) == len;
			}
		tp_quote(arg, len + 2, q, sizeof q);
		if (ch == ':')
			tp_warn("option '%s' needs a value", q);
		else if ((matches == 1 || exact) && !takes)
			tp_warn("option '%s' takes no value", q);
		else if (matches > 1)
			tp_warn("ambiguous option '%s'", q);
		else
			tp_warn("unknown option '%s'", q);
	}
	tp_usage();
}

/*
 * Copy into buf (size n) the choices the usage text shows for the
 * option written opt ("--boundary" or "-O"): the word after "opt " when
 * it lists literal values as "a|b|c", with '|' made ' '.  Returns 1 if
 * there is such a word, else 0.
 */
static int
usage_choices(const char *opt, char *buf, size_t n)
{
	const char *ok = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-|";
	size_t len = strlen(opt);

	for (const char *p = usage_text; (p = strstr(p, opt)) != NULL; p++) {
		size_t w;

		/* a whole option word ("-O" not inside "--Opt"), a blank */
		if ((p != usage_text && p[-1] != ' ' && p[-1] != '[' &&
		    p[-1] != '\n') || p[len] != ' ')
			continue;
		w = strspn(p + len + 1, ok);
		if (w == 0 || w >= n || !memchr(p + len + 1, '|', w))
			continue;
		memcpy(buf, p + len + 1, w);
		buf[w] = '\0';
		for (char *c = buf; (c = strchr(c, '|')) != NULL; c++)
			*c = ' ';
		return 1;
	}
	return 0;
}

void
tp_operand_words(const char *list, int every)
{
	operand_list = list;
	operand_every = every;
}

/*
 * The answer to the hidden first argument --tpipe-options, an interface
 * for shell completion (mk/completion.sh; tpipe(7)): one line per option
 * of the table, long options first, then short ones, each as its name
 * ("--boundary", "-O") followed by "=" when it takes a value ("[=]" when
 * the value is optional) and, after a blank, the choices the usage text
 * shows for it, blank-separated.  Then, if the tool named its operand
 * words (tp_operand_words), "1" (the first operand) or "*" (every
 * operand) and the words, a word with operands ("mse:TARGET") cut
 * after its ':'.  Exits 0.
 */
static void __attribute__((noreturn))
print_options(const char *shortopts, const struct option *longopts)
{
	static const char *const takes[] = { "", "=", "[=]" };
	char name[64], alt[4], choices[512];

	for (const struct option *o = longopts; o->name; o++) {
		int found;

		snprintf(name, sizeof name, "--%s", o->name);
		found = usage_choices(name, choices, sizeof choices);
		/* choices shown under the short form ("-O npy|txt|png") */
		if (!found && o->flag == NULL && o->val > 0 && o->val < 128 &&
		    o->val != ':' && strchr(shortopts, o->val)) {
			snprintf(alt, sizeof alt, "-%c", o->val);
			found = usage_choices(alt, choices, sizeof choices);
		}
		printf("%s%s%s%s\n", name, takes[o->has_arg], found ? " " : "",
		    found ? choices : "");
	}
	for (const char *s = shortopts; *s; s++) {
		if (*s == ':')
			continue;
		snprintf(alt, sizeof alt, "-%c", *s);
		printf("%s%s", alt, s[1] != ':' ? "" : s[2] == ':' ? "[=]" :
		    "=");
		if (usage_choices(alt, choices, sizeof choices))
			printf(" %s", choices);
		printf("\n");
	}
	if (operand_list) {
		printf("%s", operand_every ? "*" : "1");
		for (const char *p = operand_list; *p; ) {
			const char *end = strstr(p, ", ");
			size_t n = end ? (size_t)(end - p) : strlen(p), w = n;
			const char *colon = memchr(p, ':', n);

			if (colon)
				w = (size_t)(colon + 1 - p);
			printf(" %.*s", (int)w, p);
			p += end ? n + 2 : n;
		}
		printf("\n");
	}
	exit_after_stdout();
}

/* The -o name of a tool that writes tensors: an extension no writer
 * knows is a usage error, unless -O says what to write. */
static void
check_output_name(void)
{
	enum tp_format fmt;
	struct tp_msg m;
	const char *why;

	if (common && common->output && common->format == TP_FMT_AUTO &&
	    (why = tp_output_format(common->output, &fmt, &m)) != NULL)
		tp_usage_die("%s", why);
}

int
tp_getopt(int argc, char **argv, const char *shortopts,
    const struct option *longopts)
{
	static char opts[64];
	static char **operands;	/* in order, moved to argv's end at -1 */
	static int noperands, mid_cluster;

	if (!operands) {
		if (argc > 1 && !strcmp(argv[1], "--tpipe-options"))
			print_options(shortopts, longopts);
		operands = tp_ecalloc((size_t)argc + 1, sizeof *operands);
		/* '-': operands come back in order as 1; ':': a missing
		 * value is ':'.  The messages are ours (bad_option). */
		snprintf(opts, sizeof opts, "-:%s", shortopts);
		opterr = 0;
	}
	for (;;) {
		int ch, before = optind, li = -1;

		if (!mid_cluster && optind < argc &&
		    is_negative_number(argv[optind])) {
			operands[noperands++] = argv[optind++];
			continue;
		}
		ch = getopt_long(argc, argv, opts, longopts, &li);
		/* inside "-ab" getopt stays on the same element */
		mid_cluster = ch != -1 && optind == before;
		if (ch == 1) {
			operands[noperands++] = optarg;
			continue;
		}
		if (ch == '?' || ch == ':')
			bad_option(ch, argv[before < argc ? before : argc - 1],
			    longopts);
		if (ch != -1 && optarg && *optarg == '\0') {
			if (li >= 0)
				tp_usage_die("option '--%s' has an empty value",
				    longopts[li].name);
			tp_usage_die("option '-%c' has an empty value", ch);
		}
		if (ch != -1)
			return ch;
		while (optind < argc)	/* after "--" */
			operands[noperands++] = argv[optind++];
		if (strchr(shortopts, 'O'))
			check_output_name();
		optind = argc - noperands;
		memcpy(argv + optind, operands,
		    (size_t)noperands * sizeof *argv);
		tp_progress_start(noperands, argv + optind,
		    !common || !common->output);
		return -1;
	}
}

double
tp_parse_double(const char *s, double min, double max, const char *what)
{
	char *end, q[256];
	double v;

	tp_quote(s, strlen(s), q, sizeof q);	/* one line, whatever s holds */
	errno = 0;
	v = strtod(s, &end);
	/* ERANGE on underflow still gives the nearest (subnormal) value */
	/* decimal only: strtod would also take hexadecimal ("0x10") */
	if (end == s || *end != '\0' || isnan(v) || strpbrk(s, "xX"))
		tp_usage_die("%s: '%s' is not a number", what, q);
	if (errno == ERANGE && isinf(v))
		tp_usage_die("%s: '%s' is out of range", what, q);
	if (v < min || v > max)
		tp_usage_die("%s must be in [%g, %g], not '%s'", what, min, max,
		    q);
	return v;
}

long long
tp_parse_int(const char *s, long long min, long long max, const char *what)
{
	char *end, q[256];
	long long v;

	tp_quote(s, strlen(s), q, sizeof q);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno == ERANGE)
		tp_usage_die("%s: '%s' is not an integer", what, q);
	if (v < min || v > max)
		tp_usage_die("%s must be in [%lld, %lld], not '%s'", what, min,
		    max, q);
	return v;
}

int
tp_parse_doubles(const char *s, double *out, int max, const char *what)
{
	char *copy = tp_estrdup(s), *p = copy, *tok, q[256];
	int n = 0;

	while ((tok = strsep(&p, ",")) != NULL) {
		if (n == max)
			tp_usage_die("%s takes at most %d numbers: '%s'", what,
			    max, tp_quote(s, strlen(s), q, sizeof q));
		out[n++] = tp_parse_double(tok, -INFINITY, INFINITY, what);
	}
	free(copy);
	return n;
}

int
tp_split_list(const char *opt, const char *s, char **copy, char **ent,
    int max)
{
	char *p, *e, q[256];
	int n = 0;

	tp_quote(s, strlen(s), q, sizeof q);
	p = *copy = tp_estrdup(s);
	while ((e = strsep(&p, ",")) != NULL) {
		if (*e == '\0')
			tp_usage_die("%s '%s': entry %d is empty", opt, q,
			    n + 1);
		if (n == max)
			tp_usage_die("%s '%s' has more than %d entries", opt, q,
			    max);
		ent[n++] = e;
	}
	return n;
}

int
tp_online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 1024 ? 1024 : (int)n;
}
