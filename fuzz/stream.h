/*
 * stream.h - the record reading the npy, png and text harnesses share:
 * every record of standard input read to the end, in three ways taken
 * in turn (whole records; header, then the data in pieces of odd sizes;
 * the data converted to float64 a chunk at a time), starting with the
 * way the input's length picks, so one corpus file exercises all three.
 */
#ifndef TP_FUZZ_STREAM_H
#define TP_FUZZ_STREAM_H

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

struct stream_job {
	struct tp_input in;		/* --shape, --header ... */
	unsigned way;			/* the first record's way */
};

/* A header the reader gave must be self-consistent. */
static void
check_header(const struct tp_tensor *t)
{
	size_t count = 1;

	if (t->ndim < 0 || t->ndim > TP_MAXDIM || t->dtype < 0 ||
	    t->dtype >= TP_NDTYPES)
		abort();
	for (int i = 0; i < t->ndim; i++)
		count *= t->shape[i];
	if (count != t->count || t->nbytes != count * tp_dtype_size(t->dtype))
		abort();
}

/* Read every record of stdin (fuzz_call's function). */
static void
stream_read_all(void *arg)
{
	struct stream_job *j = arg;
	struct tp_reader *r = tp_reader_open_input(NULL, &j->in);
	struct tp_tensor t;
	unsigned way = j->way;
	unsigned char buf[4096];
	double conv[512];

	for (;; way++) {
		if (way % 3 == 0) {
			if (!tp_read(r, &t))
				break;
			check_header(&t);
			if (t.nbytes > 0 && t.data == NULL)
				abort();
			tp_free(&t);
			continue;
		}
		if (!tp_read_header(r, &t))
			break;
		check_header(&t);
		if (way % 3 == 1) {
			/* pieces of 1, 7, 4096, 3, ... bytes: elements split */
			static const size_t piece[] = { 1, 7, 4096, 3, 64, 5 };
			size_t left = t.nbytes;

			for (int k = 0; left > 0; k = (k + 1) % 6) {
				size_t n = piece[k] < left ? piece[k] : left;

				tp_read_data(r, buf, n);
				left -= n;
			}
		} else {
			size_t left = t.count;

			while (left > 0) {
				size_t n = left < 512 ? left : 512;

				tp_read_data_as(r, conv, TP_F8, n);
				left -= n;
			}
		}
	}
	tp_reader_close(r);
}

/* Read the n bytes at p as a stream, opened with in (NULL: the
 * defaults). */
static void
stream_run(const uint8_t *p, size_t n, const struct tp_input *in)
{
	struct stream_job j;

	if (in)
		j.in = *in;
	else
		tp_input_init(&j.in);
	j.way = (unsigned)(n % 3);
	fuzz_stdin(p, n);
	fuzz_call(stream_read_all, &j);
}

#endif
