/*
 * tinfo - describe each record of a stream: shape, dtype, size, and
 * statistics (NaN ignored), reading in constant memory.
 */
#include <complex.h>
#include <unistd.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"

static const char usage[] =
    "tinfo [--json] [-o file] [--progress | --quiet] [file ...]";

struct stats {
	size_t n, nan, posinf, neginf;	/* n counts the non-NaN values */
	double min, max;
	size_t nfinite;			/* the finite values, */
	double shift;			/* less the first of them, */
	double mean, m2;		/* have this mean and squared deviation */
};

/*
 * Merge one block of values (none NaN) into s.  Finite values are taken
 * less the record's first finite value, so a large common offset costs
 * no precision; a block's mean and squared deviation come from two
 * passes, and blocks merge by Chan et al.'s update.  Infinities are
 * counted apart, as they make the mean infinite and the std NaN.
 */
static void
add_block(struct stats *s, double *x, size_t n)
{
	double sum = 0, m2 = 0, mean, delta;
	size_t k = 0, total;

	for (size_t i = 0; i < n; i++) {
		if (x[i] < s->min)
			s->min = x[i];
		if (x[i] > s->max)
			s->max = x[i];
		if (isinf(x[i]))
			x[i] > 0 ? s->posinf++ : s->neginf++;
		else
			x[k++] = x[i];
	}
	s->n += n;
	if (k == 0)
		return;
	if (s->nfinite == 0)
		s->shift = x[0];
	for (size_t i = 0; i < k; i++)
		sum += x[i] - s->shift;
	mean = sum / (double)k;
	for (size_t i = 0; i < k; i++) {
		double d = x[i] - s->shift - mean;
		m2 += d * d;
	}
	total = s->nfinite + k;
	delta = mean - s->mean;
	if (s->nfinite == 0) {
		s->mean = mean;
		s->m2 = m2;
	} else {
		s->mean += delta * (double)k / (double)total;
		s->m2 += m2 + delta * delta * (double)s->nfinite * (double)k /
		    (double)total;
	}
	s->nfinite = total;
}

/* The mean and standard deviation (ddof 0) of the non-NaN values. */
static void
mean_std(const struct stats *s, double *mean, double *std)
{
	if (s->posinf && s->neginf)
		*mean = NAN;
	else if (s->posinf || s->neginf)
		*mean = s->posinf ? INFINITY : -INFINITY;
	else
		*mean = s->shift + s->mean;
	*std = s->posinf || s->neginf ? NAN : sqrt(s->m2 / (double)s->nfinite);
}

/* Read the record's data and compute its statistics. */
static struct stats
record_stats(struct tp_reader *r, const struct tp_tensor *hdr)
{
	enum { BLOCK = 8192 };
	struct stats s = { 0, 0, 0, 0, INFINITY, -INFINITY, 0, 0, 0, 0 };
	size_t left = hdr->count;
	int cplx = tp_dtype_is_complex(hdr->dtype);
	static double complex z[BLOCK];
	static double x[BLOCK];

	while (left > 0) {
		size_t n = left < BLOCK ? left : BLOCK, k = 0;

		if (cplx) {
			tp_read_data_as(r, z, TP_C16, n);
			for (size_t i = 0; i < n; i++)	/* NaN if a part is */
				x[i] = isnan(creal(z[i])) || isnan(cimag(z[i])) ?
				    NAN : cabs(z[i]);
		} else
			tp_read_data_as(r, x, TP_F8, n);
		for (size_t i = 0; i < n; i++) {	/* drop NaN */
			if (isnan(x[i]))
				s.nan++;
			else
				x[k++] = x[i];
		}
		add_block(&s, x, k);
		left -= n;
	}
	return s;
}

/* One statistic: " key=%.6g" (or "-"), or ",\"key\":%.17g" (or null)
 * in JSON, where non-finite numbers are null. */
static void
print_number(const char *key, double v, int have, int json)
{
	if (json) {
		if (have && isfinite(v))
			printf(",\"%s\":%.17g", key, v);
		else
			printf(",\"%s\":null", key);
	} else if (have && isnan(v))
		printf(" %s=nan", key);	/* not glibc's "-nan" */
	else if (have)
		printf(" %s=%.6g", key, v);
	else
		printf(" %s=-", key);
}

/* The length of the valid UTF-8 sequence at s (1-4), or 0 if the bytes
 * there are not one (overlong forms, surrogates and values past U+10FFFF
 * are not). */
static int
utf8_length(const unsigned char *s)
{
	int n;
	unsigned lo = 0x80, hi = 0xbf;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		lo = s[0] == 0xe0 ? 0xa0 : 0x80;	/* not overlong */
		hi = s[0] == 0xed ? 0x9f : 0xbf;	/* not a surrogate */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		lo = s[0] == 0xf0 ? 0x90 : 0x80;
		hi = s[0] == 0xf4 ? 0x8f : 0xbf;	/* <= U+10FFFF */
	} else
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (int i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/*
 * s as a JSON string.  Valid UTF-8 is kept; each byte that is not part
 * of valid UTF-8 is written as \udcXX (XX the byte), Python's
 * "surrogateescape", so that os.fsencode(json.loads(...)) gives the name's
 * bytes back.
 */
static void
print_json_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	putchar('"');
	while (*s) {
		int n = utf8_length(s);

		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if (*s < 0x20 || *s == 0x7f)
			printf("\\u%04x", *s);
		else if (n == 0)
			printf("\\udc%02x", *s);
		else
			fwrite(s, 1, (size_t)n, stdout);
		s += n ? n : 1;
	}
	putchar('"');
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, TP_OPT_TOOL },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "version", no_argument, NULL, TP_OPT_VERSION },
		TP_PROGRESS_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct tp_common c;
	int json = 0, ch, several, fd = -1;

	tp_init(&c, usage);
	while ((ch = tp_getopt(argc, argv, "ho:", longopts)) != -1) {
		if (ch == TP_OPT_TOOL)
			json = 1;
		else if (!tp_common_option(&c, ch, optarg))
			tp_usage();
	}
	several = argc - optind > 1;
	if (c.output) {		/* the report goes to a file made whole */
		fd = tp_create_temp(c.output);
		if (dup2(fd, 1) < 0)
			tp_die("%s:", c.output);
	}
	if (optind == argc)
		argv[--optind] = "-";

	for (int i = optind; i < argc; i++) {
		struct tp_reader *r = tp_reader_open(argv[i], -1, NULL);
		struct tp_tensor hdr;

		while (tp_read_header(r, &hdr)) {
			struct stats s = record_stats(r, &hdr);
			int have = s.n > 0;
			double mean = 0, sd = 0;

			if (have)
				mean_std(&s, &mean, &sd);

			if (json) {
				printf("{\"file\":");
				print_json_string(tp_reader_name(r));
				printf(",\"index\":%ld,\"shape\":[", tp_reader_index(r));
				for (int a = 0; a < hdr.ndim; a++)
					printf(a ? ",%zu" : "%zu", hdr.shape[a]);
				printf("],\"dtype\":\"%s\",\"bytes\":%zu",
				    tp_dtype_name(hdr.dtype), hdr.nbytes);
			} else {
				if (several)
					printf("%s:", tp_reader_name(r));
				printf("%ld shape=(", tp_reader_index(r));
				for (int a = 0; a < hdr.ndim; a++)
					printf(a ? ",%zu" : "%zu", hdr.shape[a]);
				printf("%s) dtype=%s bytes=%zu",
				    hdr.ndim == 1 ? "," : "", tp_dtype_name(hdr.dtype),
				    hdr.nbytes);
			}
			print_number("min", s.min, have, json);
			print_number("max", s.max, have, json);
			print_number("mean", mean, have, json);
			print_number("std", sd, have, json);
			if (json)
				printf(",\"nan\":%zu,\"inf\":%zu}\n", s.nan,
				    s.posinf + s.neginf);
			else
				printf(" nan=%zu inf=%zu\n", s.nan, s.posinf + s.neginf);
		}
		tp_reader_close(r);
	}
	if (fflush(stdout) || ferror(stdout) || fclose(stdout))
		tp_die("write error: %s:", c.output ? c.output : "<stdout>");
	if (fd >= 0) {
		tp_commit_file(fd);
	}
	return 0;
}
