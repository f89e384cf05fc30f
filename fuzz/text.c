/*
 * text.c - fuzz target: the text reader on the input as a stream.  A
 * first line "#fuzz-shape: S" (a comment to the text format) gives the
 * reader the shape S, parsed by tp_parse_shape, as --shape S would.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "stream.h"

#define SHAPE_LINE "#fuzz-shape: "

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t shape[TP_MAXDIM];
	int ndim = -1;
	size_t k = strlen(SHAPE_LINE);

	if (size > k && !memcmp(data, SHAPE_LINE, k)) {
		const uint8_t *nl = memchr(data, '\n', size);
		char *s = fuzz_string(data + k,
		    (size_t)((nl ? nl : data + size) - data) - k);
		struct tp_msg m;
		const char *why = tp_parse_shape(s, shape, TP_MAXDIM, &ndim, 1,
		    &m);

		if (why != NULL) {
			fuzz_check_message(why);
			ndim = -1;
		}
		free(s);
	}
	stream_run(data, size, ndim, shape);
	return 0;
}
