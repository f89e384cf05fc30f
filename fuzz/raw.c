/*
 * raw.c - fuzz target: headerless data (--raw) through the reader.  The
 * first 6 bytes are the options, the rest is the input:
 *   byte 0  the dtype (bits 0-3, mod 14), in the other byte order (bit 7)
 *   byte 1  axes (bits 0-1: 1 to 3, 0 is 1), --order F (bit 2), -1 for
 *           axis 0 (bit 3), stdin a pipe rather than a file (bit 4)
 *   byte 2-4  the sizes of the axes (mod 5: zero-size shapes too)
 *   byte 5  --skip (mod 32)
 * Every record read (whole with tp_read, or in pieces of odd sizes, in
 * turn) must hold the input's bytes at its place, each element swapped
 * and the order made C order as the options say; a run that ends
 * without a die read every whole record there is and nothing more.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define NOPT 6

struct raw_job {
	struct tp_input in;
	const uint8_t *data;		/* the input, after the options */
	size_t len;
};

/* The element of record bytes rec (shape h) that C-order index c holds:
 * its place in the record's bytes, by the record's order. */
static size_t
file_index(const struct tp_tensor *h, size_t c, int fortran)
{
	size_t idx[3], f = 0;

	if (!fortran || h->ndim < 2)
		return c;
	for (int a = h->ndim - 1; a >= 0; a--) {
		idx[a] = c % h->shape[a];
		c /= h->shape[a];
	}
	for (int a = h->ndim - 1; a >= 0; a--)
		f = f * h->shape[a] + idx[a];
	return f;
}

/* Abort unless got (the C-order data of record k, shape h) is what the
 * input holds there. */
static void
check_record(const struct raw_job *j, const struct tp_tensor *h, long k,
    const unsigned char *got)
{
	size_t es = tp_dtype_size(h->dtype);
	size_t unit = tp_dtype_is_complex(h->dtype) ? es / 2 : es;
	const uint8_t *rec = j->data + j->in.skip + (size_t)k * h->nbytes;

	for (size_t c = 0; c < h->count; c++) {
		const uint8_t *e = rec + file_index(h, c, j->in.fortran) * es;

		for (size_t b = 0; b < es; b++) {
			size_t from = j->in.swap ? b - b % unit +
			    (unit - 1 - b % unit) : b;
			if (got[c * es + b] != e[from])
				abort();
		}
	}
}

/* Read every record of stdin, checking each (fuzz_call's function). */
static void
read_all(void *arg)
{
	struct raw_job *j = arg;
	struct tp_reader *r = tp_reader_open_input(NULL, &j->in);
	static const size_t piece[] = { 1, 7, 3, 64, 5 };
	struct tp_tensor t;
	size_t bytes = 0;		/* the records' bytes so far */
	long k = 0;

	for (;; k++) {
		if (k % 2 == 0) {
			if (!tp_read(r, &t))
				break;
		} else {
			if (!tp_read_header(r, &t))
				break;
			t.data = malloc(t.nbytes ? t.nbytes : 1);
			if (!t.data)
				abort();
			for (size_t done = 0, i = 0; done < t.nbytes; i++) {
				size_t n = piece[i % 5] < t.nbytes - done ?
				    piece[i % 5] : t.nbytes - done;

				tp_read_data(r, (unsigned char *)t.data + done,
				    n);
				done += n;
			}
		}
		if (t.dtype != (enum tp_dtype)j->in.raw || t.ndim != j->in.ndim)
			abort();
		check_record(j, &t, k, t.data);
		bytes += t.nbytes;
		tp_free(&t);
	}
	/* a clean end: the whole records were all there was */
	if (j->len - j->in.skip != bytes)
		abort();
	tp_reader_close(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct raw_job j;
	int ndim;

	if (size < NOPT)
		return 0;
	tp_input_init(&j.in);
	j.in.raw = data[0] % 16 % TP_NDTYPES;
	j.in.swap = data[0] >> 7 && tp_dtype_size((enum tp_dtype)j.in.raw) > 1;
	ndim = data[1] & 3 ? data[1] & 3 : 1;
	j.in.ndim = ndim;
	j.in.fortran = data[1] >> 2 & 1;
	for (int a = 0; a < ndim; a++)
		j.in.shape[a] = data[2 + a] % 5;
	if (data[1] >> 3 & 1)
		j.in.shape[0] = SIZE_MAX;	/* -1 */
	j.in.skip = data[5] % 32;
	j.data = data + NOPT;
	j.len = size - NOPT;
	if (data[1] >> 4 & 1)
		fuzz_stdin_pipe(j.data, j.len);
	else
		fuzz_stdin(j.data, j.len);
	fuzz_call(read_all, &j);
	return 0;
}
