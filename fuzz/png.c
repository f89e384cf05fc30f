/*
 * png.c - fuzz target: the PNG decoder (tp_png_decode on the input; an
 * image it decodes must encode and decode back to the same pixels) and
 * the reader on the input as a stream of PNG records.
 */
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "fuzz.h"
#include "stream.h"

struct png_job {
	const uint8_t *p;
	size_t n;
};

/* Decode; encode what decoded at its own depth, decode, compare.  The
 * encoder runs on this thread only: the allocation registry (support.c)
 * is not for several threads. */
static void
decode(void *arg)
{
	struct png_job *j = arg;
	struct tp_tensor t, back;
	struct tp_msg m;
	unsigned char *enc;
	size_t len;

	tp_png_decode(j->p, j->n, "fuzz", &t);
	check_header(&t);
	if ((t.dtype != TP_U1 && t.dtype != TP_U2) ||
	    tp_png_writable(&t, &m) != NULL)
		abort();
	enc = tp_png_encode(&t, t.dtype == TP_U2 ? 16 : 8, 1, &len);
	tp_png_decode(enc, len, "fuzz (again)", &back);
	if (back.dtype != t.dtype || back.ndim != t.ndim ||
	    back.nbytes != t.nbytes ||
	    memcmp(back.shape, t.shape, (size_t)t.ndim * sizeof *t.shape) ||
	    (t.nbytes && memcmp(back.data, t.data, t.nbytes)))
		abort();
	free(enc);
	tp_free(&back);
	tp_free(&t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct png_job j = { data, size };

	fuzz_call(decode, &j);
	stream_run(data, size, NULL);
	return 0;
}
