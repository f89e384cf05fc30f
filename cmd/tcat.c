/*
 * tcat - concatenate tensor streams and convert their format and dtype.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"

static const char usage[] =
    "tcat [-o file] [-O npy|txt|png] [-t f32|f64] [--shape S] "
    "[--depth 8|16] [file ...]";

#define CHUNK (1 << 20)

/* Copy the data of the record in hdr from r to w, converting it to dtype
 * to, a chunk at a time. */
static void
copy_record(struct tp_reader *r, struct tp_writer *w,
    const struct tp_tensor *hdr, enum tp_dtype to)
{
	size_t insize = tp_dtype_size(hdr->dtype), outsize = tp_dtype_size(to);
	size_t per = CHUNK / 16, left = hdr->count;
	static unsigned char *in, *out;

	if (to == hdr->dtype) {
		tp_write_from(w, r, hdr->nbytes);
		return;
	}
	if (!in) {
		in = tp_emalloc(CHUNK);
		out = tp_emalloc(CHUNK);
	}
	while (left > 0) {
		size_t n = left < per ? left : per;
		tp_read_data(r, in, n * insize);
		tp_convert(out, to, in, hdr->dtype, n);
		tp_write_data(w, out, n * outsize);
		left -= n;
	}
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		TP_COMMON_LONGOPTS,
		{ "shape", required_argument, NULL, TP_OPT_TOOL },
		{ NULL, 0, NULL, 0 }
	};
	struct tp_common c;
	size_t shape[TP_MAXDIM];
	int ndim = -1, ch;
	struct tp_writer *w;

	tp_init(&c, usage);
	while ((ch = getopt_long(argc, argv, TP_COMMON_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (tp_common_option(&c, ch, optarg))
			continue;
		if (ch == TP_OPT_TOOL) {
			const char *why;
			ndim = tp_parse_shape(optarg, shape, 1, &why);
			if (ndim < 0)
				tp_usage_die("--shape '%s': %s", optarg, why);
		} else
			tp_usage();
	}
	if (optind == argc)
		argv[--optind] = "-";

	w = tp_writer_open(&c);
	for (int i = optind; i < argc; i++) {
		struct tp_reader *r = tp_reader_open(argv[i], ndim, shape);
		struct tp_tensor hdr;

		while (tp_read_header(r, &hdr)) {
			enum tp_dtype to = c.dtype < 0 ? hdr.dtype :
			    tp_compute_dtype(hdr.dtype, c.dtype);
			struct tp_tensor outhdr = hdr;

			outhdr.dtype = to;
			tp_eset_shape(&outhdr, hdr.ndim, hdr.shape);
			tp_write_header(w, &outhdr);
			copy_record(r, w, &hdr, to);
		}
		tp_reader_close(r);
	}
	tp_writer_close(w);
	return 0;
}
