/*
 * reader.c - read records from a file or stdin: a stream of NPY records,
 * of PNG images, or text.  NPY data can be read piecewise, so a record of
 * any size streams in constant memory; it is never seeked, so pipes work.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats.h"
#include "progress.h"
#include "reader_impl.h"
#include "tpipe.h"

#define MAX_HEADER 65536
#define SCRATCH (64 * 1024)
#define PNG_SIGNATURE "\x89PNG\r\n\x1a\n"

/* The formats decoded by files of their own (formats.h), in the order
 * their magic numbers are tried. */
static const struct tp_decoder *const decoders[] = {
	&tp_mat_decoder,	/* last: a v4 file has no magic number */
	NULL
};

void
tp_input_init(struct tp_input *in)
{
	memset(in, 0, sizeof *in);
	in->ndim = -1;
	in->raw = -1;
}

/*
 * The decoder whose magic the input begins with, or NULL.  Text never
 * holds a NUL, so only input that does (or might be a .mat file's text
 * header) is read on to the longest magic before deciding: a line of
 * text typed into a pipe is not held back waiting for more.
 */
static const struct tp_decoder *
probe_decoders(struct tp_reader *r)
{
	size_t want = 8;

	for (int i = 0; decoders[i]; i++)
		if (decoders[i]->magic_len > want)
			want = decoders[i]->magic_len;
	if (want > 8 && (memchr(r->buf, '\0', r->len) ||
	    (r->len >= 6 && !memcmp(r->buf, "MATLAB", 6))))
		while (r->len < want && reader_fill(r) > 0)
			;
	for (int i = 0; decoders[i]; i++)
		if (decoders[i]->probe(r->buf, r->len))
			return decoders[i];
	return NULL;
}

/* The name messages give format f. */
static const char *
format_name(const struct tp_reader *r)
{
	if (r->dec)
		return r->dec->name;
	return r->format == TP_FMT_NPY ? "NPY" : r->format == TP_FMT_PNG ?
	    "PNG" : "text";
}

/* tp_reader_open_input; an operand's reads are not counted (progress.h). */
static struct tp_reader *
reader_open(const char *path, const struct tp_input *in, int operand)
{
	struct tp_reader *r = tp_ecalloc(1, sizeof *r);
	int is_stdin = !path || !strcmp(path, "-");

	r->operand = operand;
	r->path = tp_estrdup(is_stdin ? "<stdin>" : path);
	r->name = tp_printable(r->path);
	r->fd = 0;
	if (!is_stdin && (r->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		tp_die("%s:", r->name);
	r->buf = tp_emalloc(BUFSIZE);
	r->index = -1;
	if (in)
		r->in = *in;
	else
		tp_input_init(&r->in);
	r->text.ndim = r->in.ndim;
	if (r->in.ndim >= 0)
		memcpy(r->text.shape, r->in.shape,
		    (size_t)r->in.ndim * sizeof *r->in.shape);
	while (r->len < 8 && reader_fill(r) > 0)
		;
	if (r->len >= 6 && !memcmp(r->buf, "\x93NUMPY", 6))
		r->format = TP_FMT_NPY;
	else if (r->len < 6 && r->len > 0 &&
	    !memcmp(r->buf, "\x93NUMPY", r->len))
		r->format = TP_FMT_NPY;	/* cut magic: the NPY reader says so */
	else if (r->len > 0 && !memcmp(r->buf, PNG_SIGNATURE,
	    r->len < 8 ? r->len : 8))
		r->format = TP_FMT_PNG;	/* a cut signature: read_png says so */
	else if (r->len == 0)
		r->format = TP_FMT_NPY;	/* an empty stream */
	else if ((r->dec = probe_decoders(r)))
		r->format = r->dec->format;
	else
		r->format = TP_FMT_TXT;
	if (r->in.ndim >= 0 && r->format != TP_FMT_TXT && r->len > 0)
		tp_usage_die("%s: --shape applies to text input, not %s",
		    r->name, format_name(r));
	if (r->in.var && r->format != TP_FMT_MAT && r->len > 0) {
		char q[256];
		tp_usage_die("%s: --var '%s' applies to MAT-file input, not %s",
		    r->name, tp_quote(r->in.var, SIZE_MAX, q, sizeof q),
		    format_name(r));
	}
	return r;
}

struct tp_reader *
tp_reader_open_input(const char *path, const struct tp_input *in)
{
	return reader_open(path, in, 0);
}

struct tp_reader *
tp_reader_open(const char *path, int ndim, const size_t *shape)
{
	struct tp_input in;

	tp_input_init(&in);
	in.ndim = ndim;
	if (ndim >= 0)
		memcpy(in.shape, shape, (size_t)ndim * sizeof *shape);
	return reader_open(path, &in, 0);
}

int
tp_reader_raw_ok(const struct tp_reader *r)
{
	return r->format == TP_FMT_NPY && !r->swap && !r->mem;
}

/* Die: the current record's data ended after done + got bytes. */
static void
truncated_data(struct tp_reader *r, size_t got)
{
	tp_die("%s: truncated record %ld: expected %zu bytes of data, got %zu",
	    r->name, r->index, r->want, r->done + got);
}

/* The C-order copy of a Fortran-order record's data f: f is, read in C
 * order, the array of the reversed shape, so reverse its axes. */
static unsigned char *
fortran_to_c(const unsigned char *f, const struct tp_tensor *h)
{
	unsigned char *c = tp_emalloc(h->nbytes ? h->nbytes : 1);
	size_t rshape[TP_MAXDIM];

	for (int i = 0; i < h->ndim; i++)
		rshape[i] = h->shape[h->ndim - 1 - i];
	tp_reverse_axes(c, f, tp_dtype_size(h->dtype), h->ndim, rshape);
	return c;
}

/* Reverse the bytes of each element (of each part, when complex). */
static void
byteswap(void *data, size_t n, size_t elsize, int complex)
{
	unsigned char *p = data;
	size_t unit = complex ? elsize / 2 : elsize;	/* each part */

	for (size_t i = 0; i < n; i += unit) {
		for (size_t a = 0, b = unit - 1; a < b; a++, b--) {
			unsigned char t = p[i + a];
			p[i + a] = p[i + b];
			p[i + b] = t;
		}
	}
}

/* Read the next NPY record header into hdr; 0 at a clean end of input.
 * A Fortran-order record is read and reordered here. */
static int
read_npy_header(struct tp_reader *r, struct tp_tensor *hdr)
{
	unsigned char pre[12];
	size_t got, prelen, hlen;
	char *text;
	const char *err;
	struct tp_msg msg;
	int fortran = 0, swap = 0;

	got = reader_take(r, pre, 8);
	if (got == 0)
		return 0;
	r->index++;
	if (got < 8 || memcmp(pre, "\x93NUMPY", 6)) {
		if (got >= 6 && memcmp(pre, "\x93NUMPY", 6))
			tp_die("%s: record %ld: not an NPY record (bad magic)",
			    r->name, r->index);
		tp_die("%s: truncated record %ld: expected an 8-byte NPY magic, got %zu bytes",
		    r->name, r->index, got);
	}
	if (pre[6] < 1 || pre[6] > 3 || pre[7] != 0)
		tp_die("%s: record %ld: unsupported NPY version %d.%d",
		    r->name, r->index, pre[6], pre[7]);
	prelen = pre[6] == 1 ? 2 : 4;
	got = reader_take(r, pre + 8, prelen);
	if (got < prelen)
		tp_die("%s: truncated record %ld: expected a %zu-byte header length, got %zu",
		    r->name, r->index, prelen, got);
	hlen = pre[8] | (size_t)pre[9] << 8;
	if (prelen == 4)
		hlen |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
	if (hlen > MAX_HEADER)
		tp_die("%s: record %ld: header length %zu exceeds %d",
		    r->name, r->index, hlen, MAX_HEADER);
	text = tp_emalloc(hlen + 1);
	got = reader_take(r, text, hlen);
	if (got < hlen) {
		free(text);		/* no leak report on the way out */
		tp_die("%s: truncated record %ld: expected a %zu-byte header, got %zu",
		    r->name, r->index, hlen, got);
	}
	text[hlen] = '\0';
	memset(hdr, 0, sizeof *hdr);
	err = tp_npy_parse_header(text, hlen, hdr, &fortran, &swap, &msg);
	free(text);			/* err is in msg or a literal */
	if (err)
		tp_die("%s: record %ld: %s", r->name, r->index, err);
	r->swap = swap;
	r->complex = tp_dtype_is_complex(hdr->dtype);
	r->dtype = hdr->dtype;
	r->elsize = tp_dtype_size(hdr->dtype);
	r->want = hdr->nbytes;
	r->done = 0;
	r->in_record = 1;
	if (fortran && hdr->ndim > 1) {
		unsigned char *f = tp_read_rest_as(r, hdr->dtype);
		r->mem = fortran_to_c(f, hdr);
		r->swap = 0;
		r->done = 0;
		free(f);
	}
	return 1;
}

/*
 * Read text until the buffer holds the next record whole: up to a later
 * complete "# shape" line that starts another record, or the end of the
 * input.  What earlier records used is dropped first, so the buffer holds
 * about one record, however long the stream.
 */
static void
text_fill(struct tp_reader *r)
{
	size_t keep, len, scan = 0;
	int seen_shape = 0, seen_data = 0;
	char *nl;

	if (!r->textbuf) {
		r->textcap = BUFSIZE;
		r->textbuf = tp_emalloc(r->textcap + 1);
		r->text.name = r->name;
		r->text.p = r->text.end = r->textbuf;
		r->text.line = 1;
	}
	keep = (size_t)(r->text.end - r->text.p);
	memmove(r->textbuf, r->text.p, keep);
	len = keep;
	for (;;) {
		while ((nl = memchr(r->textbuf + scan, '\n', len - scan))) {
			const char *q = tp_text_skip_blanks(r->textbuf + scan,
			    nl);
			if (q < nl && *q == '#') {
				if (tp_text_is_shape_line(q, nl)) {
					if (seen_shape || seen_data)
						goto done;
					seen_shape = 1;
				}
			} else if (q < nl)
				seen_data = 1;
			scan = (size_t)(nl - r->textbuf) + 1;
		}
		if (len == r->textcap) {
			if (r->textcap > SIZE_MAX / 4)
				tp_die("%s: text record too large", r->name);
			r->textcap *= 2;
			r->textbuf = tp_erealloc(r->textbuf, r->textcap + 1);
		}
		size_t k = reader_take(r, r->textbuf + len, r->textcap - len);
		if (k == 0)
			break;
		if (memchr(r->textbuf + len, '\0', k))
			tp_die("%s: binary data in no format tpipe reads "
			    "(tpipe(7) FORMATS)", r->name);
		len += k;
	}
done:
	r->textbuf[len] = '\0';
	r->text.p = r->textbuf;
	r->text.end = r->textbuf + len;
}

/*
 * The next PNG image of a stream of images back to back, in a new buffer
 * of *len bytes: its signature, then its chunks (length, type, data, CRC)
 * up to IEND; libpng checks the rest.  Returns NULL at a clean end of
 * input.  Dies if the input ends inside the image, or if what follows an
 * image is not another one, naming its byte offset.
 */
static unsigned char *
read_png(struct tp_reader *r, size_t *len)
{
	size_t cap = 65536, n, got;
	unsigned char *buf;
	char q[256];

	r->png = buf = tp_emalloc(cap);
	if ((n = reader_take(r, buf, 8)) == 0) {
		free(buf);
		r->png = NULL;
		return NULL;
	}
	r->index++;
	if (memcmp(buf, PNG_SIGNATURE, n)) {	/* not after record 0 */
		char shown[sizeof q + 3] = "";
		if (!memchr(buf, '\0', n))	/* tp_quote stops at a NUL */
			snprintf(shown, sizeof shown, " '%s'",
			    tp_quote((char *)buf, n, q, sizeof q));
		tp_die("%s: byte %zu: data%s after PNG record %ld is not a PNG",
		    r->name, r->offset, shown, r->index - 1);
	}
	if (n < 8)
		tp_die("%s: truncated record %ld: expected an 8-byte PNG signature, got %zu bytes",
		    r->name, r->index, n);
	for (;;) {
		size_t clen, need;
		int iend;

		if (cap - n < 12) {
			cap *= 2;
			r->png = buf = tp_erealloc(buf, cap);
		}
		if ((got = reader_take(r, buf + n, 8)) < 8)
			tp_die("%s: truncated record %ld: PNG ends inside a chunk header at byte %zu",
			    r->name, r->index, r->offset + n + got);
		clen = (size_t)buf[n] << 24 | (size_t)buf[n + 1] << 16 |
		    (size_t)buf[n + 2] << 8 | buf[n + 3];
		iend = !memcmp(buf + n + 4, "IEND", 4);
		if (clen > 0x7fffffff)
			tp_die("%s: record %ld: bad PNG: chunk length %zu at byte %zu exceeds 2^31-1",
			    r->name, r->index, clen, r->offset + n);
		n += 8;
		need = n + clen + 4;	/* data and CRC, grown as they arrive */
		while (n < need) {
			if (n == cap) {
				cap = cap > need / 2 ? need : cap * 2;
				r->png = buf = tp_erealloc(buf, cap);
			}
			got = reader_take(r, buf + n,
			    (need < cap ? need : cap) - n);
			if (got == 0)
				tp_die("%s: truncated record %ld: PNG ends inside a chunk at byte %zu",
				    r->name, r->index, r->offset + n);
			n += got;
		}
		if (iend)
			break;
	}
	r->offset += n;
	*len = n;
	return buf;
}

/* Text, PNG and the decoders' records are decoded whole; their data is
 * served from mem. */
static int
read_whole_header(struct tp_reader *r, struct tp_tensor *hdr)
{
	struct tp_tensor t;
	int more;

	free(r->record_name);
	r->record_name = NULL;
	if (r->dec) {
		if (!r->dec->next(r, &r->dec_state, &t, &r->record_name))
			return 0;
		r->index++;
	} else if (r->format == TP_FMT_PNG) {
		unsigned char *all;
		size_t len;

		if (!(all = read_png(r, &len)))
			return 0;
		tp_png_decode(all, len, r->name, &t);
		free(all);
		r->png = NULL;
	} else {
		text_fill(r);
		more = tp_text_next(&r->text, r->index + 1, &t);
		if (!more)
			return 0;
		r->index++;
	}
	*hdr = t;
	hdr->data = NULL;
	r->mem = t.data;
	r->swap = 0;
	r->dtype = t.dtype;
	r->elsize = tp_dtype_size(t.dtype);
	r->want = t.nbytes;
	r->done = 0;
	r->in_record = 1;
	return 1;
}

int
tp_read_header(struct tp_reader *r, struct tp_tensor *hdr)
{
	if (r->in_record && r->done < r->want)
		tp_die(
		    "%s: record %ld: header requested before its data was read",
		    r->name, r->index);
	free(r->mem);
	r->mem = NULL;
	r->in_record = 0;
	if (!(r->format == TP_FMT_NPY ? read_npy_header(r, hdr) :
	    read_whole_header(r, hdr)))
		return 0;
	if (!r->operand)
		tp_progress_record_in();
	return 1;
}

/*
 * Read n bytes of input into dst and byte-swap them.  n is whole
 * elements, or the tail of a read that ends inside an element: then the
 * element is read whole and swapped into r->part, whose remaining bytes
 * the next call delivers first.  Dies if the input ends early.
 */
static void
read_swapped(struct tp_reader *r, unsigned char *dst, size_t n)
{
	size_t off = r->done % r->elsize, k, got;

	if (off) {			/* the rest of a split element */
		k = n < r->elsize - off ? n : r->elsize - off;
		memcpy(dst, r->part + off, k);
		dst += k;
		n -= k;
		r->done += k;
	}
	k = n - n % r->elsize;
	if ((got = reader_take(r, dst, k)) < k)
		truncated_data(r, got);
	byteswap(dst, k, r->elsize, r->complex);
	r->done += k;
	if (n > k) {			/* split the next element */
		if ((got = reader_take(r, r->part, r->elsize)) < r->elsize)
			truncated_data(r, got);
		byteswap(r->part, r->elsize, r->elsize, r->complex);
		memcpy(dst + k, r->part, n - k);
		r->done += n - k;
	}
}

void
tp_read_data(struct tp_reader *r, void *dst, size_t n)
{
	size_t got;

	if (n > r->want - r->done)
		tp_die("%s: record %ld: read past the end of its data", r->name,
		    r->index);
	if (r->mem) {
		memcpy(dst, r->mem + r->done, n);
		r->done += n;
		return;
	}
	if (r->swap) {
		read_swapped(r, dst, n);
		return;
	}
	got = reader_take(r, dst, n);
	if (got < n)
		truncated_data(r, got);
	r->done += n;
}

void
tp_skip_data(struct tp_reader *r, size_t n)
{
	unsigned char buf[1 << 16];

	while (n > 0) {
		size_t k = n < sizeof buf ? n : sizeof buf;

		tp_read_data(r, buf, k);
		n -= k;
	}
}

void
tp_read_data_as(struct tp_reader *r, void *dst, enum tp_dtype to,
    size_t count)
{
	size_t esz = r->elsize, tos = tp_dtype_size(to);
	unsigned char *d = dst;

	if (count > (r->want - r->done) / esz)
		tp_die("%s: record %ld: read past the end of its data", r->name,
		    r->index);
	if (to == r->dtype) {
		tp_read_data(r, dst, count * esz);
		return;
	}
	if (r->mem) {			/* decoded already: convert in place */
		tp_convert(dst, to, r->mem + r->done, r->dtype, count);
		r->done += count * esz;
		return;
	}
	if (!r->scratch)
		r->scratch = tp_emalloc(SCRATCH);
	while (count > 0) {
		size_t k = count < SCRATCH / esz ? count : SCRATCH / esz;

		tp_read_data(r, r->scratch, k * esz);
		tp_convert(d, to, r->scratch, r->dtype, k);
		d += k * tos;
		count -= k;
	}
}

void *
tp_read_rest_as(struct tp_reader *r, enum tp_dtype to)
{
	/* huge pages: the page faults of a fresh 64 MiB buffer cost more
	 * than the read itself */
	const size_t FIRST = 64 << 20;
	size_t tos = tp_dtype_size(to), got = 0, cap;
	size_t count = r->in_record ? (r->want - r->done) / r->elsize : 0;
	void *buf;

	if (count > SIZE_MAX / tos)
		tp_die("%s: record %ld: %zu values do not fit in memory as %s",
		    r->name, r->index, count, tp_dtype_name(to));
	cap = count < FIRST / tos ? count : FIRST / tos;
	r->grown = tp_big_alloc(cap ? cap * tos : 1);
	while (got < count) {
		if (got == cap) {
			cap = cap > count / 2 ? count : cap * 2;
			r->grown = tp_erealloc(r->grown, cap * tos);
		}
		tp_read_data_as(r, r->grown + got * tos, to, cap - got);
		got = cap;
	}
	buf = r->grown;
	r->grown = NULL;
	return buf;
}

size_t
tp_read_move(struct tp_reader *r, int fd, const char *name, size_t n)
{
	size_t avail = r->len - r->pos;
	ssize_t k;

	if (!tp_reader_raw_ok(r))
		tp_die("%s: record %ld cannot be copied as it is", r->name,
		    r->index);
	if (n > r->want - r->done)
		tp_die("%s: record %ld: read past the end of its data", r->name,
		    r->index);
	if (n == 0)
		return 0;
	if (avail > 0) {		/* what the buffer holds first */
		k = (ssize_t)(avail < n ? avail : n);
		tp_write_fd(fd, r->buf + r->pos, (size_t)k, name);
		r->pos += (size_t)k;
		r->done += (size_t)k;
		return (size_t)k;
	}
	if (r->at_eof)
		truncated_data(r, 0);
	do
		k = splice(r->fd, NULL, fd, NULL, n,
		    SPLICE_F_MOVE | SPLICE_F_MORE);
	while (k < 0 && errno == EINTR);
	if (k > 0) {
		reader_counted(r, (size_t)k);
		r->done += (size_t)k;
		return (size_t)k;
	}
	if (k == 0)
		truncated_data(r, 0);
	if (errno == EPIPE)
		tp_end_by_sigpipe();
	return 0;			/* neither end is a pipe: copy */
}

int
tp_read(struct tp_reader *r, struct tp_tensor *t)
{
	if (!tp_read_header(r, t))
		return 0;
	if (r->mem) {			/* hand over the decoded record */
		t->data = r->mem;
		r->mem = NULL;
		r->done = r->want;
		return 1;
	}
	t->data = tp_read_rest_as(r, t->dtype);
	return 1;
}

void
tp_reader_close(struct tp_reader *r)
{
	if (!r)
		return;
	if (r->fd > 0)
		close(r->fd);
	free(r->mem);
	free(r->scratch);
	free(r->grown);
	free(r->png);
	if (r->dec)
		r->dec->close(r->dec_state);
	free(r->record_name);
	free(r->textbuf);
	free(r->buf);
	free(r->name);
	free(r->path);
	free(r);
}

struct tp_tensor
tp_read_operand(const char *path, const char *what)
{
	struct tp_reader *r = reader_open(path, NULL, 1);
	struct tp_tensor t, extra;
	const char *why = NULL;
	char q[256];

	if (!tp_read(r, &t))
		why = "no tensor";
	else if (tp_read_header(r, &extra)) {
		why = "more than one tensor";
		tp_free(&t);
	}
	tp_reader_close(r);	/* nothing left unfreed when it dies */
	if (why)
		tp_die("%s '%s' holds %s", what, tp_quote(path ? path : "-",
		    SIZE_MAX, q, sizeof q), why);
	return t;
}
