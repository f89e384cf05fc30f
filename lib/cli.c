/*
 * cli.c - the command-line conventions every tool shares.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tpipe.h"

#ifndef TPIPE_VERSION
#define TPIPE_VERSION "unknown"
#endif

extern char *program_invocation_name, *program_invocation_short_name;
static const char *usage_text = "";

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
	if (program_invocation_short_name != program_invocation_name)
		memmove(program_invocation_name, program_invocation_short_name,
		    strlen(program_invocation_short_name) + 1);
	usage_text = usage;
	memset(c, 0, sizeof *c);
	c->format = TP_FMT_AUTO;
	c->dtype = -1;
	c->threads = tp_online_cpus();
}

void
tp_usage(void)
{
	fprintf(stderr, "usage: %s\n", usage_text);
	exit(2);
}

int
tp_common_option(struct tp_common *c, int ch, const char *arg)
{
	int t;

	switch (ch) {
	case 'h':
		printf("usage: %s\n", usage_text);
		exit(fflush(stdout) || ferror(stdout) ? 1 : 0);
	case TP_OPT_VERSION:
		printf("%s (tpipe) %s\n", program_invocation_short_name,
		    TPIPE_VERSION);
		exit(fflush(stdout) || ferror(stdout) ? 1 : 0);
	case 'o':
		if (*arg == '\0')
			tp_usage_die("-o needs a file name");
		c->output = arg;
		return 1;
	case 'O':
		if (!strcmp(arg, "npy"))
			c->format = TP_FMT_NPY;
		else if (!strcmp(arg, "txt") || !strcmp(arg, "text"))
			c->format = TP_FMT_TXT;
		else if (!strcmp(arg, "png"))
			c->format = TP_FMT_PNG;
		else
			tp_usage_die("unknown format '%s': use npy, txt or png",
			    arg);
		return 1;
	case 't':
		t = tp_dtype_parse(arg);
		if (t != TP_F4 && t != TP_F8)
			tp_usage_die("unsupported dtype '%s': use f32 or f64",
			    arg);
		c->dtype = t;
		return 1;
	case 'j':
		c->threads = (int)tp_parse_int(arg, 1, 1024, "-j");
		return 1;
	case TP_OPT_DEPTH:
		c->depth = (int)tp_parse_int(arg, 8, 16, "--depth");
		if (c->depth != 8 && c->depth != 16)
			tp_usage_die("--depth must be 8 or 16, not '%s'", arg);
		return 1;
	case '?':
	case ':':
		tp_usage();
	}
	return 0;
}

double
tp_parse_double(const char *s, double min, double max, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	/* ERANGE on underflow still gives the nearest (subnormal) value */
	if (end == s || *end != '\0' || isnan(v))
		tp_usage_die("%s: '%s' is not a number", what, s);
	if (errno == ERANGE && isinf(v))
		tp_usage_die("%s: '%s' is out of range", what, s);
	if (v < min || v > max)
		tp_usage_die("%s must be in [%g, %g], not '%s'", what, min, max,
		    s);
	return v;
}

long long
tp_parse_int(const char *s, long long min, long long max, const char *what)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno == ERANGE)
		tp_usage_die("%s: '%s' is not an integer", what, s);
	if (v < min || v > max)
		tp_usage_die("%s must be in [%lld, %lld], not '%s'", what, min,
		    max, s);
	return v;
}

int
tp_parse_doubles(const char *s, double *out, int max, const char *what)
{
	char *copy = tp_estrdup(s), *p = copy, *tok;
	int n = 0;

	while ((tok = strsep(&p, ",")) != NULL) {
		if (n == max)
			tp_usage_die("%s takes at most %d numbers: '%s'", what,
			    max, s);
		out[n++] = tp_parse_double(tok, -INFINITY, INFINITY, what);
	}
	free(copy);
	return n;
}

int
tp_online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 1024 ? 1024 : (int)n;
}
