/*
 * npy.c - fuzz target: the NPY header parser (tp_npy_parse_header, on the
 * input as header text, and after the magic and length field when the
 * input is an NPY file; a parsed header must format and parse back to
 * the same dtype and shape), and the reader on the input as a stream.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "stream.h"

struct header_job {
	const char *text;
	size_t len;
};

/* Parse one header dictionary; format what parsed and parse it again. */
static void
parse_header(void *arg)
{
	struct header_job *j = arg;
	struct tp_tensor h, again;
	struct tp_msg m;
	int fortran, swap, f2, s2;
	const char *why;
	char *buf;
	size_t len;

	memset(&h, 0, sizeof h);
	why = tp_npy_parse_header(j->text, j->len, &h, &fortran, &swap, &m);
	if (why != NULL) {
		fuzz_check_message(why);
		return;
	}
	check_header(&h);
	buf = malloc(TP_NPY_HEADER_MAX);
	if (buf == NULL)
		abort();
	len = tp_npy_format_header(&h, buf);
	if (len % 64 != 0 || len < 64 || buf[len - 1] != '\n')
		abort();
	/* magic 6, version 2, then a 2- or 4-byte length */
	{
		size_t off = buf[6] == 1 ? 10 : 12;

		memset(&again, 0, sizeof again);
		why = tp_npy_parse_header(buf + off, len - off, &again, &f2,
		    &s2, &m);
	}
	if (why != NULL || again.dtype != h.dtype || again.ndim != h.ndim ||
	    memcmp(again.shape, h.shape, (size_t)h.ndim * sizeof *h.shape) ||
	    f2 || s2)
		abort();
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct header_job j = { (const char *)data, size };

	fuzz_call(parse_header, &j);
	if (size >= 10 && !memcmp(data, "\x93NUMPY", 6)) {
		size_t off = data[6] == 1 ? 10 : 12;

		if (size >= off) {
			j.text = (const char *)data + off;
			j.len = size - off;
			fuzz_call(parse_header, &j);
		}
	}
	stream_run(data, size, NULL);
	return 0;
}
