/*
 * reader_input.c - the reader's buffered input (reader_fill,
 * reader_take) and what a decoder asks of its reader (formats.h):
 * input taken or slurped, the options and names.  reader.c decodes
 * NPY, PNG and text and calls the decoders; they call only this file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats.h"
#include "progress.h"
#include "reader_impl.h"
#include "tpipe.h"

/* Count n bytes read into the progress line, unless r is an operand. */
void
reader_counted(const struct tp_reader *r, size_t n)
{
	if (!r->operand)
		tp_progress_read(n);
}

/* Read more input into the buffer; returns bytes added (0 at the end). */
size_t
reader_fill(struct tp_reader *r)
{
	ssize_t n;

	if (r->at_eof)
		return 0;
	if (r->pos == r->len)
		r->pos = r->len = 0;
	else if (r->len == BUFSIZE) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	do
		n = read(r->fd, r->buf + r->len, BUFSIZE - r->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		tp_die("%s:", r->name);
	if (n == 0)
		r->at_eof = 1;
	reader_counted(r, (size_t)n);
	r->len += (size_t)n;
	return (size_t)n;
}

/* Copy up to n bytes of input to dst; returns how many there were. */
size_t
reader_take(struct tp_reader *r, void *dst, size_t n)
{
	unsigned char *d = dst;
	size_t got = 0;

	while (got < n) {
		size_t avail = r->len - r->pos;

		if (avail == 0) {
			/* large requests bypass the buffer */
			if (n - got >= BUFSIZE && !r->at_eof) {
				ssize_t k;
				do
					k = read(r->fd, d + got, n - got);
				while (k < 0 && errno == EINTR);
				if (k < 0)
					tp_die("%s:", r->name);
				if (k == 0)
					r->at_eof = 1;
				reader_counted(r, (size_t)k);
				got += (size_t)k;
				if (k == 0)
					break;
				continue;
			}
			if (reader_fill(r) == 0)
				break;
			continue;
		}
		if (avail > n - got)
			avail = n - got;
		memcpy(d + got, r->buf + r->pos, avail);
		r->pos += avail;
		got += avail;
	}
	return got;
}

const char *
tp_reader_record_name(const struct tp_reader *r)
{
	return r->record_name;
}

const struct tp_input *
tp_reader_input(const struct tp_reader *r)
{
	return &r->in;
}

size_t
tp_reader_take(struct tp_reader *r, void *dst, size_t n)
{
	return reader_take(r, dst, n);
}

unsigned char *
tp_reader_slurp(struct tp_reader *r, size_t *len)
{
	size_t cap = BUFSIZE, n = 0, got;

	r->grown = tp_emalloc(cap);
	while ((got = reader_take(r, r->grown + n, cap - n)) > 0) {
		n += got;
		if (n == cap) {
			if (cap > SIZE_MAX / 2)
				tp_die("%s: input too large", r->name);
			cap *= 2;
			r->grown = tp_erealloc(r->grown, cap);
		}
	}
	unsigned char *all = r->grown;
	r->grown = NULL;
	*len = n;
	return all;
}

const char *tp_reader_name(const struct tp_reader *r) { return r->name; }
const char *tp_reader_path(const struct tp_reader *r) { return r->path; }
enum tp_format tp_reader_format(const struct tp_reader *r) { return r->format; }
long tp_reader_index(const struct tp_reader *r) { return r->index; }
