/*
 * tcat - concatenate tensor streams and convert their format and dtype.
 */
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"

static const char usage[] =
    "tcat [-o file] [-O npy|txt|png] [-t f32|f64] [--shape S] "
    "[--depth 8|16]\n"
    "            [--progress | --quiet] [file ...]";

#define CHUNK (1 << 20)

struct cmdline {
	struct tp_common com;
	int ndim;			/* --shape, or -1 */
	size_t shape[TP_MAXDIM];
	char **files;			/* at least one; "-" is stdin */
	int nfiles;
};

/* Live for the whole run, reachable for LeakSanitizer on error exits. */
static unsigned char *chunk;
static struct tp_reader **readers;

/* Parse the command line into cl; dies (exit 2) on a usage error. */
static void
parse_cmdline(struct cmdline *cl, int argc, char *argv[])
{
	static const struct option longopts[] = {
		TP_COMMON_LONGOPTS,
		{ "shape", required_argument, NULL, TP_OPT_TOOL },
		{ NULL, 0, NULL, 0 }
	};
	static char *stdin_only[] = { "-" };
	struct tp_msg m;
	const char *e;
	int ch;

	tp_init(&cl->com, usage);
	cl->ndim = -1;
	while ((ch = tp_getopt(argc, argv, TP_COMMON_SHORTOPTS, longopts)) !=
	    -1) {
		if (tp_common_option(&cl->com, ch, optarg))
			continue;
		if (ch == TP_OPT_TOOL) {
			if ((e = tp_parse_shape(optarg, cl->shape, &cl->ndim, 1,
			    &m)))
				tp_usage_die("--shape: %s", e);
		} else
			tp_usage();
	}
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

int
main(int argc, char *argv[])
{
	struct cmdline cl;
	struct tp_writer *w;

	parse_cmdline(&cl, argc, argv);
	/* --shape applies to text only: open the inputs first (stdin once;
	 * a later "-" finds its end), so that an input it cannot apply to
	 * is refused before any output */
	readers = tp_ecalloc((size_t)cl.nfiles, sizeof *readers);
	for (int i = 0, seen_stdin = 0; cl.ndim >= 0 && i < cl.nfiles; i++) {
		int is_stdin = !strcmp(cl.files[i], "-");
		if (!is_stdin || !seen_stdin++)
			readers[i] = tp_reader_open(cl.files[i], cl.ndim,
			    cl.shape);
	}

	w = tp_writer_open(&cl.com);
	for (int i = 0; i < cl.nfiles; i++) {
		struct tp_reader *r = readers[i];
		struct tp_tensor hdr;

		if (!r)
			r = readers[i] = tp_reader_open(cl.files[i], cl.ndim,
			    cl.shape);
		while (tp_read_header(r, &hdr)) {
			enum tp_dtype to = cl.com.dtype < 0 ? hdr.dtype :
			    tp_compute_dtype(hdr.dtype, cl.com.dtype);
			struct tp_tensor outhdr = hdr;

			outhdr.dtype = to;
			tp_eset_shape(&outhdr, hdr.ndim, hdr.shape);
			tp_write_header(w, &outhdr);
			copy_record(r, w, &hdr, to);
		}
		tp_reader_close(r);
		readers[i] = NULL;
	}
	tp_writer_close(w);
	free(readers);
	free(chunk);
	return 0;
}
