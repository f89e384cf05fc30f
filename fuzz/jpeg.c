/*
 * jpeg.c - fuzz target: the JPEG reader (lib/jpegio.c: the walk over
 * markers to each image's EOI, then libjpeg-turbo) on the input as a
 * stream of records, read the three ways stream.h takes in turn.  Every
 * record it gives must be uint8 (H, W), (H, W, 3) or (H, W, 4), and one
 * of 1 or 3 channels writable as JPEG again.
 */
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "fuzz.h"
#include "stream.h"

/* Read every record of stdin whole and check its shape. */
static void
records(void *arg)
{
	struct tp_reader *r = tp_reader_open(NULL, -1, NULL);
	struct tp_common o;
	struct tp_tensor t;
	struct tp_msg m;

	(void)arg;
	memset(&o, 0, sizeof o);
	while (tp_read(r, &t)) {
		size_t ch = t.ndim == 3 ? t.shape[2] : 1;

		check_header(&t);
		if (tp_reader_format(r) == TP_FMT_JPEG && (t.dtype != TP_U1 ||
		    t.ndim < 2 || t.ndim > 3 || (t.ndim == 3 && ch != 3 &&
		    ch != 4) || t.shape[0] == 0 || t.shape[1] == 0))
			abort();
		if (tp_reader_format(r) == TP_FMT_JPEG && ch != 4 &&
		    tp_jpeg_encoder.writable(&t, &o, &m) != NULL)
			abort();
		tp_free(&t);
	}
	tp_reader_close(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_stdin(data, size);
	fuzz_call(records, NULL);
	stream_run(data, size, NULL);
	return 0;
}
