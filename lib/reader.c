/*
 * reader.c - read records from a file or stdin: a stream of NPY records,
 * of PNG images, text, headerless data (raw.c) or a format a decoder of
 * the table below knows.  NPY and raw data can be read piecewise, so a
 * record of any size streams in constant memory; the input is never
 * seeked, so pipes work (reader_input.c reads it).
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

/* The formats decoded by files of their own (formats.h), in the order
 * their magic numbers are tried. */
static const struct tp_decoder *const decoders[] = {
	&tp_tiff_decoder,
	&tp_jpeg_decoder,
	&tp_mat_decoder,	/* after the magic numbers: a v4 file has
				   none, but its 20-byte header is strict */
	&tp_mrc_decoder,	/* last: MRC's checks are the loosest (an
				   input shorter than its 1024-byte header
				   is MRC if its first words could be) */
	NULL
};

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
		while (r->len < want && tp_reader_fill(r) > 0)
			;
	for (int i = 0; decoders[i]; i++)
		if (decoders[i]->probe(r->buf, r->len))
			return decoders[i];
	return NULL;
}

/* The formats the reader knows, for messages: "NPY, PNG, ... or text"
 * in buf (len bytes); returns buf. */
static const char *
known_formats(char *buf, size_t len)
{
	size_t k = (size_t)snprintf(buf, len, "NPY, PNG");

	for (int i = 0; decoders[i] && k < len; i++)
		k += (size_t)snprintf(buf + k, len - k, ", %s",
		    decoders[i]->name);
	if (k < len)
		snprintf(buf + k, len - k, " or text");
	return buf;
}

/* The name messages give format f. */
static const char *
format_name(const struct tp_reader *r)
{
	if (r->dec)
		return r->dec->name;
	return r->format == TP_FMT_NPY ? "NPY" : r->format == TP_FMT_PNG ?
	    "PNG" : r->format == TP_FMT_RAW ? "raw data" : "text";
}

/* Die: --var names a .mat variable, and r's input is what. */
static void __attribute__((noreturn))
var_refused(const struct tp_reader *r, const char *what)
{
	char q[256];

	tp_usage_die("%s: --var '%s' applies to MAT-file input, not %s",
	    r->name, tp_quote(r->in.var, SIZE_MAX, q, sizeof q), what);
}

/* tp_reader_open_input; an operand's reads are not counted (progress.h).
 * fd >= 0: read it (path then names it), else open path. */
static struct tp_reader *
reader_open(const char *path, int fd, const struct tp_input *in,
    int operand)
{
	struct tp_reader *r = tp_ecalloc(1, sizeof *r);
	int is_stdin = fd < 0 && (!path || !strcmp(path, "-"));

	r->operand = operand;
	r->path = tp_estrdup(is_stdin ? "<stdin>" : path);
	r->name = tp_printable(r->path);
	r->fd = fd < 0 ? 0 : fd;
	if (fd < 0 && !is_stdin &&
	    (r->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		tp_die("%s:", r->name);
	r->buf = tp_emalloc(TP_READ_BUFSIZE);
	r->index = -1;
	if (in)
		r->in = *in;
	else
		tp_input_init(&r->in);
	r->text.name = r->name;
	r->text.header = r->in.header;
	r->text.ndim = r->in.ndim;
	if (r->in.ndim >= 0)
		memcpy(r->text.shape, r->in.shape,
		    (size_t)r->in.ndim * sizeof *r->in.shape);
	if (r->in.raw >= 0) {		/* the options say it all */
		r->format = TP_FMT_RAW;
		tp_raw_open(r);
		return r;
	}
	while (r->len < 8 && tp_reader_fill(r) > 0)
		;
	if (r->len >= 6 && !memcmp(r->buf, "\x93NUMPY", 6))
		r->format = TP_FMT_NPY;
	else if (r->len < 6 && r->len > 0 &&
	    !memcmp(r->buf, "\x93NUMPY", r->len))
		r->format = TP_FMT_NPY;	/* cut magic: the NPY reader says so */
	else if (r->len > 0 && !memcmp(r->buf, TP_PNG_SIGNATURE,
	    r->len < 8 ? r->len : 8))
		r->format = TP_FMT_PNG;	/* cut: tp_png_read says so */
	else if (r->len == 0)
		r->format = TP_FMT_NPY;	/* an empty stream */
	else if ((r->dec = probe_decoders(r)))
		r->format = r->dec->format;
	else
		r->format = TP_FMT_TXT;
	if (r->in.ndim >= 0 && r->format != TP_FMT_TXT && r->len > 0)
		tp_usage_die("%s: --shape applies to text input, not %s",
		    r->name, format_name(r));
	if (r->in.header && r->format != TP_FMT_TXT && r->len > 0)
		tp_usage_die("%s: --header applies to CSV (text) input, not %s",
		    r->name, format_name(r));
	if (r->in.var && r->format != TP_FMT_MAT && r->len > 0)
		var_refused(r, format_name(r));
	return r;
}

struct tp_reader *
tp_reader_open_input(const char *path, const struct tp_input *in)
{
	return reader_open(path, -1, in, 0);
}

struct tp_reader **
tp_reader_open_all(int n, char *const *files, const struct tp_input *in)
{
	struct tp_reader **r = tp_ecalloc((size_t)n, sizeof *r);

	for (int i = 0, seen_stdin = 0; (in->ndim >= 0 || in->header ||
	    in->var) && i < n; i++)
		if (strcmp(files[i], "-") || !seen_stdin++)
			r[i] = reader_open(files[i], -1, in, 0);
	return r;
}

struct tp_reader *
tp_reader_open(const char *path, int ndim, const size_t *shape)
{
	struct tp_input in;

	tp_input_init(&in);
	in.ndim = ndim;
	if (ndim >= 0)
		memcpy(in.shape, shape, (size_t)ndim * sizeof *shape);
	return reader_open(path, -1, &in, 0);
}

struct tp_reader *
tp_reader_open_fd(int fd, const char *name)
{
	return reader_open(name, fd, NULL, 0);
}

int
tp_reader_raw_ok(const struct tp_reader *r)
{
	return (r->format == TP_FMT_NPY || r->format == TP_FMT_RAW) &&
	    !r->swap && !r->mem;
}

/* Die: the current record's data ended after done + got bytes. */
static void
truncated_data(struct tp_reader *r, size_t got)
{
	tp_die("%s: truncated record %ld: expected %zu bytes of data, got %zu",
	    r->name, r->index, r->want, r->done + got);
}

/*
 * Begin the data of the record hdr (counted in r->index already): the
 * next hdr->nbytes bytes of input, in the other byte order if swap.  In
 * Fortran order (fortran) a record of two or more axes is read whole
 * and reordered here; the C-order copy is then served from memory.
 */
static void
begin_data(struct tp_reader *r, const struct tp_tensor *hdr, int swap,
    int fortran)
{
	r->swap = swap;
	r->dtype = hdr->dtype;
	r->elsize = tp_dtype_size(hdr->dtype);
	r->want = hdr->nbytes;
	r->done = 0;
	r->in_record = 1;
	if (fortran && hdr->ndim > 1) {
		unsigned char *f = tp_read_rest_as(r, hdr->dtype);
		r->mem = tp_fortran_to_c(f, hdr);
		r->swap = 0;
		r->done = 0;
		free(f);
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

	got = tp_reader_take(r, pre, 8);
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
	got = tp_reader_take(r, pre + 8, prelen);
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
	got = tp_reader_take(r, text, hlen);
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
	begin_data(r, hdr, swap, fortran);
	return 1;
}

/* The next record of headerless data (--raw; raw.c says how). */
static int
read_raw_header(struct tp_reader *r, struct tp_tensor *hdr)
{
	if (!tp_raw_next(r, hdr))
		return 0;
	r->index++;
	begin_data(r, hdr, r->in.swap, r->in.fortran);
	return 1;
}

/* Text, PNG and the decoders' records are decoded whole; their data is
 * served from mem. */
static int
read_whole_header(struct tp_reader *r, struct tp_tensor *hdr)
{
	struct tp_tensor t;
	char known[256];
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

		if (!(all = tp_png_read(r, r->index + 1, &r->offset, &r->png,
		    &len)))
			return 0;
		r->index++;
		tp_png_decode(all, len, r->name, &t);
		free(all);
		r->png = NULL;
	} else {
		if (tp_text_fill(&r->text, r) < 0)
			tp_die("%s: binary data in no format tpipe reads (%s); "
			    "headerless data reads with tcat --raw DTYPE --shape S",
			    r->name, known_formats(known, sizeof known));
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
	    r->format == TP_FMT_RAW ? read_raw_header(r, hdr) :
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
	if ((got = tp_reader_take(r, dst, k)) < k)
		truncated_data(r, got);
	tp_byteswap(dst, k, r->dtype);
	r->done += k;
	if (n > k) {			/* split the next element */
		if ((got = tp_reader_take(r, r->part, r->elsize)) < r->elsize)
			truncated_data(r, got);
		tp_byteswap(r->part, r->elsize, r->dtype);
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
	got = tp_reader_take(r, dst, n);
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

int
tp_reader_holds_record(struct tp_reader *r)
{
	unsigned long long left;

	return r->in_record && !r->mem && tp_reader_size_left(r, &left) &&
	    r->want - r->done <= left;
}

void *
tp_read_rest_as(struct tp_reader *r, enum tp_dtype to)
{
	/* a first buffer of TP_HEADER_TRUST bytes, on huge pages: the page
	 * faults of a fresh 64 MiB buffer cost more than the read itself */
	const size_t FIRST = TP_HEADER_TRUST;
	size_t tos = tp_dtype_size(to), got = 0, cap;
	size_t count = r->in_record ? (r->want - r->done) / r->elsize : 0;
	void *buf;

	if (count > SIZE_MAX / tos)
		tp_die("%s: record %ld: %zu values do not fit in memory as %s",
		    r->name, r->index, count, tp_dtype_name(to));
	cap = count < FIRST / tos ? count : FIRST / tos;
	/* a file that holds the whole record: one buffer, no copies as it
	 * grows (realloc moves a huge-page buffer onto small pages) */
	if (cap < count && tp_reader_holds_record(r))
		cap = count;
	r->grown = tp_big_alloc(cap ? cap * tos : 1);
	while (got < count) {
		if (got == cap) {
			void *more;

			/* not realloc, which moves it onto small pages */
			cap = cap > count / 2 ? count : cap * 2;
			more = tp_big_alloc(cap * tos);
			memcpy(more, r->grown, got * tos);
			free(r->grown);
			r->grown = more;
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
		tp_reader_counted(r, (size_t)k);
		r->done += (size_t)k;
		return (size_t)k;
	}
	if (k == 0)
		truncated_data(r, 0);
	if (errno == EPIPE)
		tp_end_by_sigpipe();
	return 0;			/* neither end is a pipe: copy */
}

void
tp_read_data_in(struct tp_reader *r, struct tp_tensor *t, enum tp_dtype to)
{
	if (r->mem && to == t->dtype) {	/* hand over the decoded record */
		t->data = r->mem;
		r->mem = NULL;
		r->done = r->want;
		return;
	}
	t->data = tp_read_rest_as(r, to);
	t->dtype = to;
	t->nbytes = t->count * tp_dtype_size(to);
}

int
tp_read(struct tp_reader *r, struct tp_tensor *t)
{
	if (!tp_read_header(r, t))
		return 0;
	tp_read_data_in(r, t, t->dtype);
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
	tp_text_free(&r->text);
	free(r->buf);
	free(r->name);
	free(r->path);
	free(r);
}

void
tp_reader_abandon(struct tp_reader *r)
{
	if (r->fd > 0)
		close(r->fd);
	r->fd = -1;
}

struct tp_tensor
tp_read_operand(const char *path, const char *what)
{
	struct tp_reader *r = reader_open(path, -1, NULL, 1);
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
