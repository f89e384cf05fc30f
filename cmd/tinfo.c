/*
 * tinfo - describe each record of a stream: shape, dtype, size, and
 * statistics (NaN ignored), reading in constant memory; with --show, draw
 * each 2-D record or image as a picture in the terminal.
 */
#include <complex.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colormap.h"
#include "tpipe.h"

static const char usage[] =
    "tinfo [--json] [--show] [--cmap " TP_CMAP_NAMES "]\n"
    "             [--range lo,hi] [--width n] [--height n]\n"
    "             [--color auto|always|never] "
    "[--shape S] [--raw dtype] [--skip bytes]\n"
    "             [--order C|F] [--header] [--var name] "
    "[-o file] [--progress | --quiet]\n"
    "             [file ...]";

enum { OPT_JSON = TP_OPT_TOOL, OPT_SHOW, OPT_CMAP, OPT_RANGE, OPT_WIDTH,
	OPT_HEIGHT, OPT_COLOR };

struct cmdline {
	struct tp_common com;
	struct tp_input in;		/* --shape, --raw, --header ... */
	int json;
	int show;			/* --show, or any option below */
	int cmap;			/* --cmap, or -1: by the record */
	int have_range;			/* --range lo,hi */
	struct tp_range range;
	int width;			/* --width, or 0: the terminal's */
	int height;			/* --height, or 0: the terminal's */
	int color;			/* 1 always, 0 never, -1 auto */
};

/* Live for the whole run, reachable for LeakSanitizer on error exits. */
static double *values;			/* a drawn record, as float64 */
static double *level;			/* its normalised channels */
static double *cell;			/* and those scaled down */
static struct tp_reader **readers;	/* the inputs (tp_reader_open_all) */

struct stats {
	size_t n, nan, posinf, neginf;	/* n counts the non-NaN values */
	double min, max;
	size_t nfinite;			/* the finite values, */
	double shift;			/* less the first of them, */
	double mean, m2;		/* have this mean, squared deviation */
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

enum { BLOCK = 8192 };

/* The magnitude of re + i im (hypot), NaN if either part is NaN. */
static double
magnitude(double re, double im)
{
	return isnan(re) || isnan(im) ? NAN : hypot(re, im);
}

/* Read the next n values of the record into x as float64: the magnitude
 * of complex ones. */
static void
read_values(struct tp_reader *r, int cplx, double *x, size_t n)
{
	static double complex z[BLOCK];

	if (!cplx) {
		tp_read_data_as(r, x, TP_F8, n);
		return;
	}
	for (size_t done = 0; done < n; ) {
		size_t k = n - done < BLOCK ? n - done : BLOCK;

		tp_read_data_as(r, z, TP_C16, k);
		for (size_t i = 0; i < k; i++)
			x[done + i] = magnitude(creal(z[i]), cimag(z[i]));
		done += k;
	}
}

/* The n values of the record just begun as float64, in a new buffer
 * grown as they arrive (tp_read_rest_as): the magnitude of complex
 * ones, worked out in place. */
static double *
read_record_values(struct tp_reader *r, int cplx, size_t n)
{
	double *v = tp_read_rest_as(r, cplx ? TP_C16 : TP_F8);

	/* v[i] overwrites no part of an element i + 1 or later */
	for (size_t i = 0; cplx && i < n; i++)
		v[i] = magnitude(v[2 * i], v[2 * i + 1]);
	return v;
}

/* Merge the n values at v (any count, NaN among them) into s. */
static void
add_values(struct stats *s, const double *v, size_t n)
{
	static double x[BLOCK];

	for (size_t done = 0; done < n; ) {
		size_t m = n - done < BLOCK ? n - done : BLOCK, k = 0;

		for (size_t i = 0; i < m; i++) {	/* drop NaN */
			if (isnan(v[done + i]))
				s->nan++;
			else
				x[k++] = v[done + i];
		}
		add_block(s, x, k);
		done += m;
	}
}

/* The statistics of nothing yet. */
static struct stats
no_stats(void)
{
	struct stats s = { 0, 0, 0, 0, INFINITY, -INFINITY, 0, 0, 0, 0 };
	return s;
}

/* Read the record's data and compute its statistics, a block at a
 * time. */
static struct stats
record_stats(struct tp_reader *r, const struct tp_tensor *hdr)
{
	static double in[BLOCK];
	struct stats s = no_stats();
	int cplx = tp_dtype_is_complex(hdr->dtype);

	for (size_t left = hdr->count; left > 0; ) {
		size_t n = left < BLOCK ? left : BLOCK;

		read_values(r, cplx, in, n);
		add_values(&s, in, n);
		left -= n;
	}
	return s;
}

/* One statistic: " key=%.6g" (or "-"), or ",\"key\":%.17g" (or null)
 * in JSON, where non-finite numbers are null. */
static void
print_number(FILE *f, const char *key, double v, int have, int json)
{
	if (json) {
		if (have && isfinite(v))
			fprintf(f, ",\"%s\":%.17g", key, v);
		else
			fprintf(f, ",\"%s\":null", key);
	} else if (have && isnan(v))
		fprintf(f, " %s=nan", key);	/* not glibc's "-nan" */
	else if (have)
		fprintf(f, " %s=%.6g", key, v);
	else
		fprintf(f, " %s=-", key);
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
print_json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	putc('"', f);
	while (*s) {
		int n = utf8_length(s);

		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s < 0x20 || *s == 0x7f)
			fprintf(f, "\\u%04x", *s);
		else if (n == 0)
			fprintf(f, "\\udc%02x", *s);
		else
			fwrite(s, 1, (size_t)n, f);
		s += n ? n : 1;
	}
	putc('"', f);
}

/* Parse the command line into cl; dies (exit 2) on a usage error. */
static void
parse_cmdline(struct cmdline *cl, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "show", no_argument, NULL, OPT_SHOW },
		{ "cmap", required_argument, NULL, OPT_CMAP },
		{ "range", required_argument, NULL, OPT_RANGE },
		{ "width", required_argument, NULL, OPT_WIDTH },
		{ "height", required_argument, NULL, OPT_HEIGHT },
		{ "color", required_argument, NULL, OPT_COLOR },
		TP_INPUT_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "version", no_argument, NULL, TP_OPT_VERSION },
		TP_PROGRESS_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	static const struct tp_choice colors[] = {
		{ "auto", -1 }, { "always", 1 }, { "never", 0 }, { NULL, 0 }
	};
	int ch;

	tp_init(&cl->com, usage);
	tp_input_init(&cl->in);
	cl->json = cl->show = cl->have_range = cl->width = cl->height = 0;
	cl->cmap = cl->color = -1;
	while ((ch = tp_getopt(argc, argv, "ho:", longopts)) != -1) {
		if (tp_common_option(&cl->com, ch, optarg) ||
		    tp_input_option(&cl->in, ch, optarg))
			continue;
		switch (ch) {
		case OPT_JSON:
			cl->json = 1;
			break;
		case OPT_SHOW:
			break;
		case OPT_CMAP:
			cl->cmap = tp_choice(optarg, tp_cmaps, "--cmap");
			break;
		case OPT_RANGE:
			cl->range = tp_range_option(optarg);
			cl->have_range = 1;
			break;
		case OPT_WIDTH:
			cl->width = (int)tp_parse_int(optarg, 1, 10000,
			    "--width");
			break;
		case OPT_HEIGHT:
			cl->height = (int)tp_parse_int(optarg, 1, 10000,
			    "--height");
			break;
		case OPT_COLOR:
			cl->color = tp_choice(optarg, colors, "--color");
			break;
		default:
			tp_usage();
		}
		cl->show |= ch != OPT_JSON;
	}
	if (cl->json && cl->show)
		tp_usage_die("--json does not go with --show and its options");
	tp_input_check(&cl->in);
}

/*
 * The column name s as the record's line shows it: in double quotes
 * (a quote doubled) when it is empty or holds a comma, a quote, a blank
 * or a control character; valid UTF-8 as it is, other bytes and control
 * characters as \xNN, so that the line stays one line.
 */
static void
print_name(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int quote = !*s;

	for (const unsigned char *c = s; *c; c++)
		quote |= *c == ',' || *c == '"' || *c <= ' ' || *c == 0x7f;

	if (quote)
		putc('"', f);
	while (*s) {
		int n = utf8_length(s);

		if (*s == '"')
			fputs("\"\"", f);
		else if (n == 0 || *s < 0x20 || *s == 0x7f)
			fprintf(f, "\\x%02x", *s);
		else
			fwrite(s, 1, (size_t)n, f);
		s += n ? n : 1;
	}
	if (quote)
		putc('"', f);
}

/* The names of the record's columns, if its input gave them (CSV read
 * with --header): " columns=a,b", or ",\"columns\":[\"a\",\"b\"]". */
static void
print_columns(FILE *f, struct tp_reader *r, int json)
{
	size_t n;
	const char *const *names = tp_reader_column_names(r, &n);

	if (!names)
		return;
	fputs(json ? ",\"columns\":[" : " columns=", f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			putc(',', f);
		if (json)
			print_json_string(f, names[i]);
		else
			print_name(f, names[i]);
	}
	if (json)
		putc(']', f);
}

/* Write to f the line that describes a record: its input's name (of
 * several), index, its own name (a MAT-file variable's), shape, dtype,
 * size and statistics s, as text or as a JSON object. */
static void
print_record(FILE *f, struct tp_reader *r, const struct tp_tensor *hdr,
    const struct stats *s, int several, int json)
{
	int have = s->n > 0;
	double mean = 0, sd = 0;
	const char *name = tp_reader_record_name(r);

	if (have)
		mean_std(s, &mean, &sd);
	if (json) {
		fprintf(f, "{\"file\":");
		print_json_string(f, tp_reader_path(r));
		fprintf(f, ",\"index\":%ld", tp_reader_index(r));
		if (name) {
			fprintf(f, ",\"name\":");
			print_json_string(f, name);
		}
		fprintf(f, ",\"shape\":[");
		for (int a = 0; a < hdr->ndim; a++)
			fprintf(f, a ? ",%zu" : "%zu", hdr->shape[a]);
		fprintf(f, "],\"dtype\":\"%s\",\"bytes\":%zu",
		    tp_dtype_name(hdr->dtype), hdr->nbytes);
	} else {
		if (several)
			fprintf(f, "%s:", tp_reader_name(r));
		fprintf(f, "%ld ", tp_reader_index(r));
		if (name) {
			char *shown = tp_printable(name);
			fprintf(f, "name=%s ", shown);
			free(shown);
		}
		fprintf(f, "shape=(");
		for (int a = 0; a < hdr->ndim; a++)
			fprintf(f, a ? ",%zu" : "%zu", hdr->shape[a]);
		fprintf(f, "%s) dtype=%s bytes=%zu", hdr->ndim == 1 ? "," : "",
		    tp_dtype_name(hdr->dtype), hdr->nbytes);
	}
	print_number(f, "min", s->min, have, json);
	print_number(f, "max", s->max, have, json);
	print_number(f, "mean", mean, have, json);
	print_number(f, "std", sd, have, json);
	if (json)
		fprintf(f, ",\"nan\":%zu,\"inf\":%zu", s->nan,
		    s->posinf + s->neginf);
	else
		fprintf(f, " nan=%zu inf=%zu", s->nan, s->posinf + s->neginf);
	print_columns(f, r, json);
	fputs(json ? "}\n" : "\n", f);
}

/* The number in the environment variable name (1 to 10000), else
 * dflt. */
static size_t
env_size(const char *name, size_t dflt)
{
	const char *env = getenv(name);
	long n;
	char *end;

	if (env && (n = strtol(env, &end, 10)) > 0 && n <= 10000 && !*end)
		return (size_t)n;
	return dflt;
}

/*
 * The room a picture may take under a record's line of head characters:
 * *cols columns, --width, else the terminal's (when stdout is one), else
 * $COLUMNS, else 80; and *lines lines, --height, else the terminal's
 * rows, else $LINES, else 24, less those that the record's line (as the
 * terminal wraps it) and the scale bar take, but at least 1.
 */
static void
picture_room(const struct cmdline *cl, size_t head, size_t *cols,
    size_t *lines)
{
	struct winsize ws;
	int tty = ioctl(1, TIOCGWINSZ, &ws) == 0;
	size_t term, rows, used;

	term = tty && ws.ws_col > 0 ? ws.ws_col : env_size("COLUMNS", 80);
	rows = tty && ws.ws_row > 0 ? ws.ws_row : env_size("LINES", 24);
	used = (head > term ? (head + term - 1) / term : 1) + 1;
	*cols = cl->width ? (size_t)cl->width : term;
	*lines = cl->height ? (size_t)cl->height : rows > used ? rows - used :
	    1;
}

/* A picture being drawn: nch normalised channels (1: through the map;
 * 3: red, green, blue) of h rows of w pixels, in cell. */
struct picture {
	size_t h, w;
	int nch;
	int cmap;
	struct tp_range range;
};

/* The mean of the finite-or-infinite (not NaN) values of channel k of
 * the box [y0, y1) x [x0, x1) of the W-wide levels lv; NaN if all are. */
static double
box_mean(const double *lv, size_t W, int nch, int k, size_t y0, size_t y1,
    size_t x0, size_t x1)
{
	double sum = 0;
	size_t n = 0;

	for (size_t y = y0; y < y1; y++)
		for (size_t x = x0; x < x1; x++) {
			double v = lv[(y * W + x) * (size_t)nch + (size_t)k];
			if (!isnan(v)) {
				sum += v;
				n++;
			}
		}
	return n ? sum / (double)n : NAN;
}

/* The 8-bit colour of pixel i of p (NaN: TP_NAN_RGB). */
static void
pixel_rgb(const struct picture *p, size_t i, unsigned rgb[3])
{
	const double *v = cell + i * (size_t)p->nch;

	if (p->nch == 1) {
		tp_cmap_rgb((enum tp_cmap)p->cmap, v[0], 8, rgb);
		return;
	}
	if (isnan(v[0]) || isnan(v[1]) || isnan(v[2])) {
		tp_cmap_rgb(TP_CMAP_GRAY, NAN, 8, rgb);
		return;
	}
	for (int k = 0; k < 3; k++)
		rgb[k] = tp_level(v[k], 8);
}

/* The brightness of pixel i of p in [0, 1] (NaN stays NaN): its level,
 * or the luma (Rec. 601) of its colour. */
static double
pixel_gray(const struct picture *p, size_t i)
{
	const double *v = cell + i * (size_t)p->nch;

	return p->nch == 1 ? v[0] : 0.299 * v[0] + 0.587 * v[1] + 0.114 * v[2];
}

/* The ramp character of brightness t, ' ' (0) to '@' (1); '?' for NaN. */
static char
ramp_char(double t)
{
	static const char ramp[] = " .:-=+*#%@";
	int i;

	if (isnan(t))
		return '?';
	i = (int)(t * 10);
	return ramp[i < 0 ? 0 : i > 9 ? 9 : i];
}

/* The picture, two pixel rows per line: in colour, U+2580 (upper half
 * block) with the upper pixel as foreground and the lower one as
 * background; plain, a ramp character for the mean brightness of the
 * two. */
static void
print_picture(const struct picture *p, int color)
{
	for (size_t y = 0; y < p->h; y += 2) {
		int lower = y + 1 < p->h;

		for (size_t x = 0; x < p->w; x++) {
			size_t i = y * p->w + x, j = i + p->w;
			unsigned a[3], b[3];
			double g, h;

			if (!color) {
				g = pixel_gray(p, i);
				h = lower ? pixel_gray(p, j) : NAN;
				putchar(ramp_char(isnan(h) ? g : isnan(g) ? h :
				    (g + h) / 2));
				continue;
			}
			pixel_rgb(p, i, a);
			printf("\033[38;2;%u;%u;%um", a[0], a[1], a[2]);
			if (lower) {
				pixel_rgb(p, j, b);
				printf("\033[48;2;%u;%u;%um", b[0], b[1], b[2]);
			} else
				printf("\033[49m");
			fputs("\xe2\x96\x80", stdout);
		}
		fputs(color ? "\033[0m\n" : "\n", stdout);
	}
}

/* Print the line s, text and colour escapes (ESC [ ... m, no width),
 * cut after cols characters; a cut line in colour ends its colours. */
static void
print_clipped(const char *s, size_t cols, int color)
{
	for (size_t shown = 0; *s; s++) {
		if (*s == '\033') {
			size_t n = strcspn(s, "m");

			fwrite(s, 1, s[n] ? n + 1 : n, stdout);
			s += s[n] ? n : n - 1;
			continue;
		}
		if (shown++ == cols) {
			if (color)
				fputs("\033[0m", stdout);
			break;
		}
		putchar(*s);
	}
	putchar('\n');
}

/*
 * The scale bar, cut to cols columns: the values at the ends of the
 * range and, between them, the map from 0 to 1 (in colour, 32 cells, or
 * as many as leave room for the rest, at least 1; plain, the ramp); for
 * a colour image, the range alone.
 */
static void
print_scale(const struct picture *p, int color, size_t cols)
{
	enum { CELLS = 32 };
	char lo[32], hi[64], line[CELLS * 24 + 128];
	size_t n, cells, fixed;

	snprintf(lo, sizeof lo, "%.6g", p->range.lo);
	if (p->nch == 3) {
		snprintf(line, sizeof line, "%s .. %.6g rgb", lo, p->range.hi);
		print_clipped(line, cols, 0);
		return;
	}
	snprintf(hi, sizeof hi, "%.6g %s", p->range.hi,
	    tp_cmap_name((enum tp_cmap)p->cmap));
	if (!color) {
		snprintf(line, sizeof line, "%s [ .:-=+*#%%@] %s", lo, hi);
		print_clipped(line, cols, 0);
		return;
	}
	fixed = strlen(lo) + 1 + 1 + strlen(hi);	/* "lo cells hi" */
	cells = cols >= fixed + CELLS ? CELLS : cols > fixed ? cols - fixed : 1;
	n = (size_t)snprintf(line, sizeof line, "%s ", lo);
	for (size_t k = 0; k < cells; k++) {
		unsigned rgb[3];

		tp_cmap_rgb((enum tp_cmap)p->cmap, ((double)k + 0.5) /
		    (double)cells, 8, rgb);
		n += (size_t)snprintf(line + n, sizeof line - n,
		    "\033[48;2;%u;%u;%um ", rgb[0], rgb[1], rgb[2]);
	}
	snprintf(line + n, sizeof line - n, "\033[0m %s", hi);
	print_clipped(line, cols, 1);
}

/*
 * Draw the record hdr whose values (float64) are in values: channel 0
 * through the map, or red, green and blue for 3 or more channels (alpha
 * is not drawn).  An image (uint8, uint16) keeps its range 0..255 or
 * 0..65535 and the gray map; other data is normalised over its finite
 * range (coolwarm: centred on 0 when a value is negative) and drawn with
 * viridis; --range and --cmap choose instead.  Wider than the columns
 * or taller than the lines (two pixel rows each), it is scaled down to
 * fit both, keeping its aspect, by the mean of each box of pixels (NaN
 * left out).
 */
static void
draw_record(const struct cmdline *cl, const struct tp_tensor *hdr, int color,
    size_t head)
{
	size_t H = hdr->shape[0], W = hdr->shape[1], C = hdr->ndim == 3 ?
	    hdr->shape[2] : 1, n = H * W, cols, lines, rows;
	int image = hdr->dtype == TP_U1 || hdr->dtype == TP_U2;
	struct picture p;

	p.nch = C >= 3 ? 3 : 1;
	p.cmap = cl->cmap >= 0 ? cl->cmap : image ? TP_CMAP_GRAY :
	    TP_CMAP_VIRIDIS;
	level = tp_erealloc(level, n * (size_t)p.nch * sizeof *level);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < p.nch; k++)
			level[i * (size_t)p.nch + (size_t)k] = values[i * C +
			    (size_t)k];
	if (cl->have_range)
		p.range = cl->range;
	else if (image) {
		p.range.lo = 0;
		p.range.hi = hdr->dtype == TP_U1 ? 255 : 65535;
	} else
		p.range = tp_range_of(level, n * (size_t)p.nch,
		    p.cmap == TP_CMAP_COOLWARM && p.nch == 1);
	for (size_t i = 0; i < n * (size_t)p.nch; i++)
		level[i] = tp_normalize(level[i], p.range);

	picture_room(cl, head, &cols, &lines);
	rows = 2 * lines;
	if (W > cols && cols * H <= rows * W) {		/* the width binds */
		p.w = cols;
		p.h = (H * cols + W / 2) / W;
	} else if (H > rows) {				/* the height binds */
		p.h = rows;
		p.w = (W * rows + H / 2) / H;
	} else {
		p.w = W;
		p.h = H;
	}
	p.h = p.h ? p.h : 1;
	p.w = p.w ? p.w : 1;
	cell = tp_erealloc(cell, p.h * p.w * (size_t)p.nch * sizeof *cell);
	for (size_t y = 0; y < p.h; y++)
		for (size_t x = 0; x < p.w; x++)
			for (int k = 0; k < p.nch; k++)
				cell[(y * p.w + x) * (size_t)p.nch +
				    (size_t)k] = box_mean(level, W, p.nch, k,
				    y * H / p.h,
				    (y + 1) * H / p.h, x * W / p.w,
				    (x + 1) * W / p.w);
	print_picture(&p, color);
	print_scale(&p, color, cols);
}

int
main(int argc, char *argv[])
{
	struct cmdline cl;
	int several, fd = -1, color;
	char output[256];

	parse_cmdline(&cl, argc, argv);
	several = argc - optind > 1;
	if (cl.com.output) {	/* the report goes to a file made whole */
		tp_quote(cl.com.output, strlen(cl.com.output), output,
		    sizeof output);
		fd = tp_create_temp(cl.com.output);
		if (dup2(fd, 1) < 0)
			tp_die("%s:", output);
	}
	color = cl.color >= 0 ? cl.color : isatty(1);
	if (optind == argc)
		argv[--optind] = "-";
	readers = tp_reader_open_all(argc - optind, argv + optind, &cl.in);

	for (int i = optind; i < argc; i++) {
		struct tp_reader *r = readers[i - optind];
		struct tp_tensor hdr;

		if (!r)
			r = tp_reader_open_input(argv[i], &cl.in);

		while (tp_read_header(r, &hdr)) {
			struct tp_msg m;
			const char *why = cl.show ?
			    tp_picture_refusal(&hdr, 1, &m) : "";
			struct stats s = no_stats();
			char *line = NULL;
			size_t len = 0;
			FILE *mem;

			if (why) {	/* not drawn: constant memory */
				s = record_stats(r, &hdr);
				print_record(stdout, r, &hdr, &s, several,
				    cl.json);
				if (cl.show)
					printf("not drawn: %s\n", why);
				continue;
			}
			free(values);
			values = read_record_values(r,
			    tp_dtype_is_complex(hdr.dtype), hdr.count);
			add_values(&s, values, hdr.count);
			/* the line, and how long it is */
			if (!(mem = open_memstream(&line, &len)))
				tp_die("open_memstream:");
			print_record(mem, r, &hdr, &s, several, 0);
			if (fclose(mem))
				tp_die("open_memstream:");
			fputs(line, stdout);
			free(line);
			draw_record(&cl, &hdr, color, len - 1);
		}
		tp_reader_close(r);
		readers[i - optind] = NULL;
	}
	if (fflush(stdout) || ferror(stdout) || fclose(stdout))
		tp_die("write error: %s:", cl.com.output ? output : "<stdout>");
	if (fd >= 0)
		tp_commit_file(fd);
	free(values);
	free(level);
	free(cell);
	free(readers);
	return 0;
}
