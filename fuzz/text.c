/*
 * text.c - fuzz target: the text reader on the input as a stream.  A
 * first line "#fuzz-shape: S" (a comment to the text format) gives the
 * reader the shape S, parsed by tp_parse_shape, as --shape S would; a
 * first line "#fuzz-header" gives it --header (CSV under a row of
 * names, RFC 4180 quoting).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "stream.h"

#define SHAPE_LINE "#fuzz-shape: "
#define HEADER_LINE "#fuzz-header\n"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tp_input in;
	size_t k = strlen(SHAPE_LINE);

	tp_input_init(&in);
	if (size > k && !memcmp(data, SHAPE_LINE, k)) {
		const uint8_t *nl = memchr(data, '\n', size);
		char *s = fuzz_string(data + k,
		    (size_t)((nl ? nl : data + size) - data) - k);
		struct tp_msg m;
		const char *why = tp_parse_shape(s, in.shape, TP_MAXDIM,
		    &in.ndim, 1, &m);

		if (why != NULL) {
			fuzz_check_message(why);
			in.ndim = -1;
		}
		free(s);
	} else if (size >= strlen(HEADER_LINE) &&
	    !memcmp(data, HEADER_LINE, strlen(HEADER_LINE)))
		in.header = 1;
	stream_run(data, size, &in);
	return 0;
}
