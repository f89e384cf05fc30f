/*
 * tcat - concatenate tensor streams and convert their format and dtype,
 * or draw them as pictures (--normalize, --range, --cmap).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "colormap.h"
#include "tpipe.h"

static const char usage[] =
    "tcat [-o file] [-O " TP_FORMAT_NAMES "] [-t f32|f64] [--depth 8|16]\n"
    "            [--shape S] [--raw dtype] [--skip bytes] [--order C|F] "
    "[--header]\n"
    "            [--var name] [--name name[,name...]] [--normalize]\n"
    "            [--range lo,hi] [--cmap " TP_CMAP_NAMES "]\n"
    "            [--progress | --quiet] [file ...]";

#define CHUNK (1 << 20)

enum { OPT_NORMALIZE = TP_OPT_TOOL, OPT_RANGE, OPT_CMAP, OPT_NAME };

struct cmdline {
	struct tp_common com;
	struct tp_input in;		/* --shape, --raw, --header ... */
	char **names;			/* --name: the records' names */
	size_t nnames;
	char **files;			/* at least one; "-" is stdin */
	int nfiles;
	int picture;			/* --normalize, --range or --cmap */
	int cmap;			/* --cmap, or -1: gray levels */
	int have_range;			/* --range lo,hi */
	struct tp_range range;
};

/* Live for the whole run, reachable for LeakSanitizer on error exits. */
static unsigned char *chunk;
static struct tp_reader **readers;
static double *values;			/* a picture's record, as float64 */
static void *pixels;			/* and its pixels */
static char *namebuf;			/* --name's words, in cl.names */

/* --name's list: the names of the output records, in order. */
static void
parse_names(struct cmdline *cl, const char *list)
{
	free(namebuf);
	free(cl->names);
	namebuf = tp_estrdup(list);
	cl->nnames = 0;
	cl->names = tp_ecalloc(strlen(list) / 2 + 1, sizeof *cl->names);
	for (char *p = namebuf, *next; p; p = next) {
		if ((next = strchr(p, ',')))
			*next++ = '\0';
		if (!*p) {
			char q[256];
			tp_usage_die("--name: an empty name in '%s'",
			    tp_quote(list, SIZE_MAX, q, sizeof q));
		}
		cl->names[cl->nnames++] = p;
	}
}

/* Parse the command line into cl; dies (exit 2) on a usage error. */
static void
parse_cmdline(struct cmdline *cl, int argc, char *argv[])
{
	static const struct option longopts[] = {
		TP_COMMON_LONGOPTS,
		TP_INPUT_LONGOPTS,
		{ "normalize", no_argument, NULL, OPT_NORMALIZE },
		{ "range", required_argument, NULL, OPT_RANGE },
		{ "cmap", required_argument, NULL, OPT_CMAP },
		{ "name", required_argument, NULL, OPT_NAME },
		{ NULL, 0, NULL, 0 }
	};
	static char *stdin_only[] = { "-" };
	const char *names = NULL;
	char q[256];
	int ch;

	tp_init(&cl->com, usage);
	tp_input_init(&cl->in);
	cl->names = NULL;
	cl->nnames = 0;
	cl->picture = 0;
	cl->cmap = -1;
	cl->have_range = 0;
	while ((ch = tp_getopt(argc, argv, TP_COMMON_SHORTOPTS, longopts)) !=
	    -1) {
		if (tp_common_option(&cl->com, ch, optarg) ||
		    tp_input_option(&cl->in, ch, optarg))
			continue;
		switch (ch) {
		case OPT_NAME:
			parse_names(cl, optarg);
			names = optarg;
			break;
		case OPT_NORMALIZE:
			cl->picture = 1;
			break;
		case OPT_RANGE:
			cl->range = tp_range_option(optarg);
			cl->have_range = cl->picture = 1;
			break;
		case OPT_CMAP:
			cl->cmap = tp_choice(optarg, tp_cmaps, "--cmap");
			cl->picture = 1;
			break;
		default:
			tp_usage();
		}
	}
	tp_input_check(&cl->in);
	if (names && tp_writer_format(cl->com.output, cl->com.format) !=
	    TP_FMT_MAT)
		tp_usage_die("--name '%s' applies to MAT-file output (-O mat, "
		    "or -o with a .mat name)", tp_quote(names, SIZE_MAX, q,
		    sizeof q));
	if (cl->picture && cl->com.dtype >= 0)
		tp_usage_die("-t does not go with a picture: its pixels are "
		    "uint8, or uint16 with --depth 16");
	cl->files = optind < argc ? argv + optind : stdin_only;
	cl->nfiles = optind < argc ? argc - optind : 1;
}

/* Copy the data of the record in hdr from r to w, converted to dtype
 * to. */
static void
copy_record(struct tp_reader *r, struct tp_writer *w,
    const struct tp_tensor *hdr, enum tp_dtype to)
{
	size_t per = CHUNK / tp_dtype_size(to), left = hdr->count;

	if (to == hdr->dtype) {
		tp_write_from(w, r, hdr->nbytes);
		return;
	}
	if (!chunk)
		chunk = tp_emalloc(CHUNK);
	while (left > 0) {
		size_t n = left < per ? left : per;
		tp_read_data_as(r, chunk, to, n);
		tp_write_data(w, chunk, n * tp_dtype_size(to));
		left -= n;
	}
}

/* Write the record in hdr, read from r, to w: in -t's dtype, else its
 * own. */
static void
convert_record(const struct cmdline *cl, struct tp_reader *r,
    struct tp_writer *w, const struct tp_tensor *hdr)
{
	enum tp_dtype to = cl->com.dtype < 0 ? hdr->dtype :
	    tp_compute_dtype(hdr->dtype, cl->com.dtype);
	struct tp_tensor outhdr = *hdr;

	outhdr.dtype = to;
	tp_eset_shape(&outhdr, hdr->ndim, hdr->shape);
	tp_write_header(w, &outhdr);
	copy_record(r, w, hdr, to);
}

/*
 * Draw the record in hdr, read whole from r, and write its picture to w:
 * gray levels of the record's shape, or with a colour map (H, W, 3)
 * colours; uint8, or uint16 at --depth 16.  The range is --range, else
 * the record's finite minimum and maximum (centred on 0 for coolwarm
 * when a value is negative).  Dies if the record is not a picture.
 */
static void
draw_record(const struct cmdline *cl, struct tp_reader *r,
    struct tp_writer *w, const struct tp_tensor *hdr)
{
	int depth = cl->com.depth == 16 ? 16 : 8;
	struct tp_tensor out = *hdr;
	struct tp_range range;
	struct tp_msg m;
	const char *why;

	if ((why = tp_picture_refusal(hdr, cl->cmap < 0, &m)))
		tp_die("%s: record %ld: %s", tp_reader_name(r),
		    tp_reader_index(r), why);
	if (tp_dtype_is_complex(hdr->dtype))
		tp_die("%s: record %ld is %s: a picture draws real numbers",
		    tp_reader_name(r), tp_reader_index(r),
		    tp_dtype_name(hdr->dtype));
	free(values);
	values = tp_read_rest_as(r, TP_F8);
	range = cl->have_range ? cl->range : tp_range_of(values, hdr->count,
	    cl->cmap == TP_CMAP_COOLWARM);

	out.dtype = depth == 16 ? TP_U2 : TP_U1;
	out.data = NULL;
	if (cl->cmap >= 0) {
		size_t shape[3] = { hdr->shape[0], hdr->shape[1], 3 };
		tp_eset_shape(&out, 3, shape);
	} else
		tp_eset_shape(&out, hdr->ndim, hdr->shape);
	pixels = tp_erealloc(pixels, out.nbytes);
	tp_picture(values, hdr->count, range, cl->cmap, depth, pixels);
	out.data = pixels;
	tp_write(w, &out);
}

int
main(int argc, char *argv[])
{
	struct cmdline cl;
	struct tp_writer *w;
	size_t nrec = 0;

	parse_cmdline(&cl, argc, argv);
	readers = tp_reader_open_all(cl.nfiles, cl.files, &cl.in);

	w = tp_writer_open(&cl.com);
	for (int i = 0; i < cl.nfiles; i++) {
		struct tp_reader *r = readers[i];
		struct tp_tensor hdr;

		if (!r)
			r = readers[i] = tp_reader_open_input(cl.files[i],
			    &cl.in);
		while (tp_read_header(r, &hdr)) {
			tp_writer_name_next(w, nrec < cl.nnames ?
			    cl.names[nrec] : tp_reader_record_name(r));
			nrec++;
			if (cl.picture)
				draw_record(&cl, r, w, &hdr);
			else
				convert_record(&cl, r, w, &hdr);
		}
		tp_reader_close(r);
		readers[i] = NULL;
	}
	if (nrec < cl.nnames)
		tp_die("--name gives %zu names, but the input has %zu records",
		    cl.nnames, nrec);
	tp_writer_close(w);
	free(readers);
	free(cl.names);
	free(namebuf);
	free(chunk);
	free(values);
	free(pixels);
	return 0;
}
