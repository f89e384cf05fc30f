/*
 * tfft - Fourier, cosine and sine transforms of a tensor stream along
 * axes, with numpy.fft's and scipy.fft's names and norms; windows,
 * shifts, frequencies and views of the spectrum.  The work is in
 * lib/spectrum.c; this file reads the options and the records.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "fft.h"
#include "spectrum.h"

static const char usage[] =
    "tfft [--transform name] [--type 1|2|3|4] [--axes list | --last k]\n"
    "             [-s n[,n...]] [--norm backward|ortho|forward] [--shift]\n"
    "             [--ishift] [--window name[,name...]]\n"
    "             [--out complex|real|imag|abs|power|logpower|phase]\n"
    "             [--plan estimate|measure|patient] [-o file]\n"
    "             [-O " TP_FORMAT_NAMES "] [-t f32|f64] [-j threads]\n"
    "             [--verbose] [--progress | --quiet] [file]\n"
    "       tfft --freq n [--spacing d] [--transform name] [--shift]\n"
    "             [-o file] [-O npy|txt] [-t f32|f64]";

enum {
	OPT_TRANSFORM = TP_OPT_TOOL, OPT_TYPE, OPT_AXES, OPT_LAST, OPT_NORM,
	OPT_SHIFT, OPT_ISHIFT, OPT_WINDOW, OPT_OUT, OPT_FREQ, OPT_SPACING,
	OPT_PLAN, OPT_VERBOSE
};

struct cmdline {
	struct tp_common com;
	const char *input;
	struct tp_spectrum_opts sp;
	size_t freq;		/* --freq n, 0: transform the input */
	double spacing;
	int plan;
	int verbose;
	int pieces;		/* a record transformed as it is read */
};

/* --type: scipy.fft's DCT and DST types. */
static const struct tp_choice types[] = {
	{ "1", 1 }, { "2", 2 }, { "3", 3 }, { "4", 4 }, { NULL, 0 }
};

/* --window "hann,tukey:0.3,kaiser:8" into o; dies (exit 2) on a bad
 * entry. */
static void
parse_windows(const char *s, struct tp_spectrum_opts *o)
{
	char *copy, *ent[TP_MAXDIM], q[256];
	int n = tp_split_list("--window", s, &copy, ent, TP_MAXDIM);
	int needs, k;

	for (int i = 0; i < n; i++) {
		char *colon = strchr(ent[i], ':');

		if (colon != NULL)
			*colon++ = '\0';
		k = tp_choice(ent[i], tp_windows, "--window entry");
		needs = tp_window_needs(k);
		tp_quote(s, strlen(s), q, sizeof q);
		if (colon != NULL && needs == 0)
			tp_usage_die("window %s in --window '%s' takes no "
			    "parameter", ent[i], q);
		if (colon == NULL && needs == 2)
			tp_usage_die("window %s in --window '%s' needs its "
			    "parameter: %s:beta", ent[i], q, ent[i]);
		o->window[i].kind = k;
		o->window[i].param = colon != NULL ? tp_parse_double(colon,
		    k == TP_WIN_TUKEY ? 0 : -1e3, 1e3, "window parameter") :
		    0.5;
	}
	o->nwindow = n;
	free(copy);
}

/* The name of option ch if it is one of a transform's that --freq does
 * not take, else NULL. */
static const char *
transform_only(const struct option *longopts, int ch)
{
	if (ch == 's')
		return "-s";
	if (ch == OPT_FREQ || ch == OPT_SPACING || ch == OPT_TRANSFORM ||
	    ch == OPT_SHIFT)
		return NULL;
	for (int i = 0; longopts[i].name != NULL; i++)
		if (longopts[i].val == ch)
			return longopts[i].name;
	return NULL;
}

/*
 * --freq writes the frequencies of one axis of a spectrum, those of
 * fftn's (numpy.fft.fftfreq) or rfftn's output (rfftfreq), in the order
 * --shift leaves them.  Dies (exit 2) on what it cannot mean: the
 * input file, a transform's option (xopt, as long option name or -s),
 * another transform, --shift of rfft's frequencies (tfft never rolls
 * the axis rfftn halves; numpy's fftshift would).
 */
static void
check_freq(const struct cmdline *cl, const char *xopt, int have_fn)
{
	char q[256];

	if (cl->input != NULL)
		tp_usage_die("--freq writes frequencies and reads no input "
		    "('%s')", tp_quote(cl->input, strlen(cl->input), q,
		    sizeof q));
	if (xopt != NULL)
		tp_usage_die("--freq transforms nothing: %s%s is for "
		    "transforms (--freq takes --spacing, --transform fft or "
		    "rfft, --shift)", xopt[0] == '-' ? "" : "--", xopt);
	if (have_fn && cl->sp.fn != TP_SPEC_FFT && cl->sp.fn != TP_SPEC_RFFT)
		tp_usage_die("--freq gives fftfreq (--transform fft) or "
		    "rfftfreq (rfft), not the frequencies of another "
		    "transform");
	if (cl->sp.fn == TP_SPEC_RFFT && cl->sp.shift)
		tp_usage_die("--shift with --freq and rfft: rfftfreq is never "
		    "shifted (tfft --shift does not roll the axis rfft "
		    "halves)");
}

/* All options into cl, checked together before any input is read; dies
 * (exit 2) on a usage error. */
static void
parse_cmdline(int argc, char **argv, struct cmdline *cl)
{
	static const struct option longopts[] = {
		TP_COMMON_LONGOPTS,
		{ "transform", required_argument, NULL, OPT_TRANSFORM },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "axes", required_argument, NULL, OPT_AXES },
		{ "last", required_argument, NULL, OPT_LAST },
		{ "size", required_argument, NULL, 's' },
		{ "norm", required_argument, NULL, OPT_NORM },
		{ "shift", no_argument, NULL, OPT_SHIFT },
		{ "ishift", no_argument, NULL, OPT_ISHIFT },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "freq", required_argument, NULL, OPT_FREQ },
		{ "spacing", required_argument, NULL, OPT_SPACING },
		{ "plan", required_argument, NULL, OPT_PLAN },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
		{ NULL, 0, NULL, 0 }
	};
	struct tp_spectrum_opts *o = &cl->sp;
	char *copy, *ent[TP_MAXDIM];
	struct tp_msg m;
	const char *why, *xopt = NULL, *e;
	int ch, v, i, have_spacing = 0, have_fn = 0;

	memset(cl, 0, sizeof *cl);
	tp_init(&cl->com, usage);
	tp_spectrum_opts_init(o);
	cl->plan = TP_PLAN_ESTIMATE;
	cl->spacing = 1;
	while ((ch = tp_getopt(argc, argv, TP_COMMON_SHORTOPTS "s:",
	    longopts)) != -1) {
		if (tp_common_option(&cl->com, ch, optarg))
			continue;
		if (xopt == NULL)
			xopt = transform_only(longopts, ch);
		switch (ch) {
		case OPT_TRANSFORM:
			v = tp_choice(optarg, tp_spec_fns, "--transform");
			o->fn = v & ~TP_SPEC_LAST1;
			o->last1 = (v & TP_SPEC_LAST1) != 0;
			have_fn = 1;
			break;
		case OPT_TYPE:
			o->type = tp_choice(optarg, types, "--type");
			break;
		case OPT_AXES:
			o->naxes = tp_split_list("--axes", optarg, &copy, ent,
			    TP_MAXDIM);
			for (i = 0; i < o->naxes; i++)
				o->axes[i] = (int)tp_parse_int(ent[i],
				    -TP_MAXDIM, TP_MAXDIM - 1, "--axes");
			free(copy);
			break;
		case OPT_LAST:
			o->last = (int)tp_parse_int(optarg, 1, TP_MAXDIM,
			    "--last");
			break;
		case 's':
			o->ns = tp_split_list("-s", optarg, &copy, ent,
			    TP_MAXDIM);
			for (i = 0; i < o->ns; i++)
				o->s[i] = (size_t)tp_parse_int(ent[i], 1,
				    1LL << 40, "-s");
			free(copy);
			break;
		case OPT_NORM:
			o->norm = tp_choice(optarg, tp_spec_norms, "--norm");
			break;
		case OPT_SHIFT:
			o->shift = 1;
			break;
		case OPT_ISHIFT:
			o->ishift = 1;
			break;
		case OPT_WINDOW:
			parse_windows(optarg, o);
			break;
		case OPT_OUT:
			o->view = tp_choice(optarg, tp_spec_views, "--out");
			break;
		case OPT_FREQ:
			cl->freq = (size_t)tp_parse_int(optarg, 1, 1LL << 40,
			    "--freq");
			break;
		case OPT_SPACING:
			cl->spacing = tp_parse_double(optarg, 1e-300, 1e300,
			    "--spacing");
			have_spacing = 1;
			break;
		case OPT_PLAN:
			cl->plan = tp_choice(optarg, tp_fft_plans, "--plan");
			break;
		case OPT_VERBOSE:	/* twice: the engine's phase stamps */
			cl->verbose++;
			break;
		default:
			tp_usage();
		}
	}
	if ((why = tp_spectrum_opts_check(o, &m)) != NULL)
		tp_usage_die("%s", why);
	cl->input = tp_input_operand(argc - optind, argv + optind);
	if (have_spacing && cl->freq == 0)
		tp_usage_die("--spacing is for --freq");
	if (cl->freq > 0)
		check_freq(cl, xopt, have_fn);
	o->threads = cl->com.threads;
	/* for tests: TFFT_TEST_BY_AXIS=1 runs every transform axis by axis
	 * with lines gathered, 0 on FFTW's plan of the whole (fft.h) */
	if ((e = getenv("TFFT_TEST_BY_AXIS")) != NULL && *e != '\0')
		o->by_axis = (int)tp_parse_int(e, 0, 1, "TFFT_TEST_BY_AXIS");
	/* TFFT_TEST_STREAM=1 writes fftn's spectrum of a real record with
	 * non-temporal stores whatever its size, 0 never (fft.h) */
	if ((e = getenv("TFFT_TEST_STREAM")) != NULL && *e != '\0')
		o->stream = (int)tp_parse_int(e, 0, 1, "TFFT_TEST_STREAM");
	/* TFFT_TEST_PIECES=0 reads every record whole before its
	 * transform (tp_spectrum_stream) */
	cl->pieces = 1;
	if ((e = getenv("TFFT_TEST_PIECES")) != NULL && *e != '\0')
		cl->pieces = (int)tp_parse_int(e, 0, 1, "TFFT_TEST_PIECES");
}

/* --freq: numpy.fft.fftfreq or rfftfreq (fftshift'ed by --shift) as one
 * record. */
static void
write_freq(const struct cmdline *cl)
{
	int real = cl->sp.fn == TP_SPEC_RFFT;
	size_t n = real ? cl->freq / 2 + 1 : cl->freq;
	struct tp_tensor f = tp_new(TP_F8, 1, &n), g;
	struct tp_writer *w;

	tp_spec_freq(cl->freq, cl->spacing, real, cl->sp.shift, f.data);
	w = tp_writer_open(&cl->com);
	if (cl->com.dtype == TP_F4) {
		g = tp_converted(&f, TP_F4);
		tp_write(w, &g);
		tp_free(&g);
	} else {
		tp_write(w, &f);
	}
	tp_free(&f);
	tp_writer_close(w);
}

/* File scope, so that what is live when a message ends the run is still
 * reachable (LeakSanitizer stays quiet). */
static struct tp_spectrum *spec;
static struct tp_reader *in;
static struct tp_writer *out;
static struct tp_tensor x, y;

/* The bytes of a record read at a time when it is transformed as it
 * is read (tp_spectrum_stream): a quarter of the reads and wake-ups of
 * the job that parts of 256 KiB, the chunks it transforms, would take;
 * d of bench/tfft.sh, 12 runs each, read and compute took 6.55 ms
 * (median) against 6.7 ms, within the noise. */
#define PIECE ((size_t)1 << 20)

/* Read x's data into the buffer tp_spectrum_stream gave it, a part at
 * a time, telling spec as each arrives. */
static void
read_pieces(struct tp_tensor *t)
{
	size_t esz = tp_dtype_size(t->dtype), per = PIECE / esz, k;

	for (size_t done = 0; done < t->count; done += k) {
		k = t->count - done < per ? t->count - done : per;
		tp_read_data_as(in, (char *)t->data + done * esz, t->dtype,
		    k);
		tp_spectrum_arrived(spec, (done + k) * esz);
	}
}

int
main(int argc, char **argv)
{
	struct cmdline cl;
	struct tp_timing tm;
	struct tp_msg m;
	enum tp_dtype cd;
	const char *why;
	char sh[256], d[512];
	int warned = 0, trusted;

	parse_cmdline(argc, argv, &cl);
	if (cl.freq > 0) {
		write_freq(&cl);
		return 0;
	}
	tp_fft_init(cl.com.threads, cl.plan);
	spec = tp_spectrum_new(&cl.sp);
	in = tp_reader_open(cl.input, -1, NULL);
	out = tp_writer_open(&cl.com);
	tp_timing_start(&tm, cl.verbose);
	tp_timing_stamps(cl.verbose >= 2);
	while (tp_read_header(in, &x)) {
		if ((why = tp_spectrum_out_header(spec, &x, cl.com.dtype, &cd,
		    &y, &m)) != NULL)
			tp_die("%s: record %ld, shape %s: %s",
			    tp_reader_name(in), tp_reader_index(in),
			    tp_shape_str(&x, sh, sizeof sh), why);
		if (tp_dtype_is_int(x.dtype) && cl.com.dtype < 0 && !warned) {
			tp_warn("%s: record %ld is %s: transformed in float64, "
			    "as numpy.fft does (-t f32 or -t f64 chooses)",
			    tp_reader_name(in), tp_reader_index(in),
			    tp_dtype_name(x.dtype));
			warned = 1;
		}
		/* the output's pages mapped and the plan made while the
		 * record is read (tp_spectrum_plan_ahead says how far a
		 * header alone is trusted) */
		trusted = tp_reader_holds_record(in);
		if (trusted)
			tp_spectrum_reserve(spec);
		if (trusted && cl.pieces &&
		    tp_spectrum_stream(spec, &x) != NULL) {
			tp_spectrum_plan_ahead(spec, trusted);
			read_pieces(&x);
		} else {
			tp_spectrum_plan_ahead(spec, trusted);
			tp_read_data_in(in, &x, cd);
		}
		tp_timing_charge(&tm, TP_PHASE_READ);
		tp_spectrum_run(spec, &x, &y);
		tp_free(&x);
		tp_timing_charge(&tm, TP_PHASE_COMPUTE);
		tp_write(out, &y);
		tp_free(&y);
		tp_timing_record_done(&tm, tp_reader_index(in),
		    tp_spectrum_describe(spec, d, sizeof d));
	}
	tp_writer_close(out);
	tp_reader_close(in);
	tp_timing_run_done(&tm);
	tp_spectrum_free(spec);
	tp_fft_save_wisdom();
	return 0;
}
