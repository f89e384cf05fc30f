/*
 * reader_input.c - the input under a tp_reader: a file or stdin read
 * through a buffer, never seeked, and the reader's accessors; what the
 * formats' decoders (formats.h) read with.  reader.c is above it: the
 * formats and the records.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "formats.h"
#include "progress.h"
#include "reader_impl.h"
#include "tpipe.h"

void
tp_input_init(struct tp_input *in)
{
	memset(in, 0, sizeof *in);
	in->ndim = -1;
	in->raw = -1;
}

void
tp_reader_counted(const struct tp_reader *r, size_t n)
{
	if (!r->operand)
		tp_progress_read(n);
}

/* read(2) up to n bytes of r's input into dst, counted; 0 at its end,
 * which is then remembered.  Dies on a read error. */
static size_t
read_some(struct tp_reader *r, void *dst, size_t n)
{
	ssize_t k;

	do
		k = read(r->fd, dst, n);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		tp_die("%s:", r->name);
	if (k == 0)
		r->at_eof = 1;
	tp_reader_counted(r, (size_t)k);
	return (size_t)k;
}

size_t
tp_reader_fill(struct tp_reader *r)
{
	size_t n;

	if (r->at_eof)
		return 0;
	if (r->pos == r->len)
		r->pos = r->len = 0;
	else if (r->len == TP_READ_BUFSIZE) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	n = read_some(r, r->buf + r->len, TP_READ_BUFSIZE - r->len);
	r->len += n;
	return n;
}

size_t
tp_reader_take(struct tp_reader *r, void *dst, size_t n)
{
	unsigned char *d = dst;
	size_t got = 0;

	while (got < n) {
		size_t avail = r->len - r->pos;

		if (avail == 0) {
			/* large requests bypass the buffer */
			if (n - got >= TP_READ_BUFSIZE && !r->at_eof) {
				size_t k = read_some(r, d + got, n - got);

				if (k == 0)
					break;
				got += k;
				continue;
			}
			if (tp_reader_fill(r) == 0)
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

const char *const *
tp_reader_column_names(const struct tp_reader *r, size_t *n)
{
	if (r->format != TP_FMT_TXT || r->index != 0 || !r->text.names)
		return NULL;
	*n = r->text.nnames;
	return (const char *const *)r->text.names;
}

const struct tp_input *
tp_reader_input(const struct tp_reader *r)
{
	return &r->in;
}

unsigned char *
tp_reader_slurp(struct tp_reader *r, size_t *len)
{
	size_t cap = TP_READ_BUFSIZE, n = 0, got;

	r->grown = tp_emalloc(cap);
	while ((got = tp_reader_take(r, r->grown + n, cap - n)) > 0) {
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

int
tp_reader_at_end(struct tp_reader *r)
{
	return r->pos == r->len && tp_reader_fill(r) == 0;
}

int
tp_reader_size_left(struct tp_reader *r, unsigned long long *left)
{
	struct stat st;
	off_t at;

	if (fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (at = lseek(r->fd, 0, SEEK_CUR)) < 0)
		return 0;
	*left = (st.st_size > at ? (unsigned long long)(st.st_size - at) : 0) +
	    (r->len - r->pos);
	return 1;
}

size_t
tp_reader_hold_all(struct tp_reader *r)
{
	size_t cap = TP_READ_BUFSIZE;

	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->len -= r->pos;
	r->pos = 0;
	while (!r->at_eof) {
		if (r->len == cap) {
			if (cap > SIZE_MAX / 2)
				tp_die("%s: input too large", r->name);
			cap *= 2;
			r->buf = tp_erealloc(r->buf, cap);
		}
		r->len += read_some(r, r->buf + r->len, cap - r->len);
	}
	return r->len;
}

const char *tp_reader_name(const struct tp_reader *r) { return r->name; }
const char *tp_reader_path(const struct tp_reader *r) { return r->path; }
enum tp_format tp_reader_format(const struct tp_reader *r) { return r->format; }
long tp_reader_index(const struct tp_reader *r) { return r->index; }

