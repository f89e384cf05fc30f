/*
 * writer.c - write records to stdout or to a file that appears only when
 * complete, as NPY, text, or one PNG image.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats.h"
#include "tpipe.h"

#define BUFSIZE (256 * 1024)

struct tp_writer {
	int fd;
	int is_temp;		/* fd is a temporary file for -o */
	const char *name;
	enum tp_format format;
	int depth;
	unsigned char *buf;
	size_t len;
	long records;
	struct tp_tensor hdr;	/* the record being written */
	size_t done;		/* its data bytes so far */
	size_t elem;		/* text: elements so far */
	unsigned char part[16];	/* text: the bytes of an element split */
	size_t partlen;		/* between calls, and how many */
	unsigned char *mem;	/* PNG: the image's data so far, */
	size_t memcap;		/* in a buffer of this size */
	unsigned char *png;	/* PNG: the encoded image, held until close */
	size_t pnglen;
};

void
tp_end_by_sigpipe(void)
{
	sigset_t pipe;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigprocmask(SIG_UNBLOCK, &pipe, NULL);
	signal(SIGPIPE, SIG_DFL);
	raise(SIGPIPE);
	_exit(141);			/* not reached */
}

void
tp_write_fd(int fd, const void *p, size_t n, const char *name)
{
	const unsigned char *s = p;

	while (n > 0) {
		ssize_t k = write(fd, s, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				tp_end_by_sigpipe();
			tp_die("write error: %s:", name);
		}
		s += k;
		n -= (size_t)k;
	}
}

/* Write the whole of p to w's output. */
static void
write_all(struct tp_writer *w, const void *p, size_t n)
{
	tp_write_fd(w->fd, p, n, w->name);
}

/* Write out what the buffer holds. */
static void
flush(struct tp_writer *w)
{
	write_all(w, w->buf, w->len);
	w->len = 0;
}

/* Append n bytes to the output, through the buffer when they fit. */
static void
out(struct tp_writer *w, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (w->len + n > BUFSIZE) {
		flush(w);
		if (n >= BUFSIZE) {
			write_all(w, p, n);
			return;
		}
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

/* The output format: -O, else the -o name's extension, else text on a
 * terminal, else NPY. */
static enum tp_format
format_for(const struct tp_common *c)
{
	const char *dot;

	if (c->format != TP_FMT_AUTO)
		return c->format;
	if (c->output && (dot = strrchr(c->output, '.'))) {
		if (!strcmp(dot, ".png"))
			return TP_FMT_PNG;
		if (!strcmp(dot, ".txt") || !strcmp(dot, ".csv"))
			return TP_FMT_TXT;
		return TP_FMT_NPY;
	}
	if (!c->output && isatty(1))
		return TP_FMT_TXT;
	return TP_FMT_NPY;
}

struct tp_writer *
tp_writer_open(const struct tp_common *c)
{
	struct tp_writer *w = tp_ecalloc(1, sizeof *w);

	w->format = format_for(c);
	w->depth = c->depth;
	w->buf = tp_emalloc(BUFSIZE);
	if (c->output) {
		w->fd = tp_create_temp(c->output);
		w->is_temp = 1;
		w->name = c->output;
	} else {
		w->fd = 1;
		w->name = "<stdout>";
	}
	return w;
}

void
tp_write_header(struct tp_writer *w, const struct tp_tensor *hdr)
{
	char buf[TP_NPY_HEADER_MAX];
	struct tp_msg msg;
	const char *why;

	if (w->done < w->hdr.nbytes)
		tp_die("record %ld: %zu of %zu bytes written", w->records - 1,
		    w->done, w->hdr.nbytes);
	w->hdr = *hdr;
	w->hdr.data = NULL;
	w->done = 0;
	w->elem = 0;
	w->partlen = 0;
	w->records++;
	switch (w->format) {
	case TP_FMT_NPY:
		out(w, buf, tp_npy_format_header(hdr, buf));
		break;
	case TP_FMT_TXT: {
		char shape[TP_MAXDIM * 22 + 4];
		int n = snprintf(buf, sizeof buf, "# shape %s %s\n",
		    tp_shape_str(hdr, shape, sizeof shape),
		    tp_dtype_name(hdr->dtype));
		out(w, buf, (size_t)n);
		break;
	}
	case TP_FMT_PNG:
		if (w->records > 1)
			tp_die("png output holds one image; the input has more records");
		if ((why = tp_png_writable(hdr, &msg)))
			tp_die("%s", why);
		w->mem = NULL;		/* grows with the data (tp_write_data) */
		w->memcap = 0;
		break;
	default:
		break;
	}
}

/* Text: the element at p (any alignment), a newline after each row, a
 * blank line after each 2-D slice but the last. */
static void
write_text_elem(struct tp_writer *w, const unsigned char *p)
{
	const struct tp_tensor *h = &w->hdr;
	size_t row = h->ndim ? h->shape[h->ndim - 1] : 1;
	size_t slice = h->ndim >= 2 ? row * h->shape[h->ndim - 2] : h->count;
	_Alignas(16) unsigned char elem[16];
	char buf[96];
	int k;
	size_t e = ++w->elem;

	memcpy(elem, p, tp_dtype_size(h->dtype));
	k = tp_text_value(buf, h->dtype, elem);

	if (e % row != 0)
		buf[k++] = ' ';
	else {
		buf[k++] = '\n';
		if (e % slice == 0 && e < h->count)
			buf[k++] = '\n';
	}
	out(w, buf, (size_t)k);
}

/* Text: the elements in the n bytes at p.  An element split between
 * calls waits in w->part until its last byte comes. */
static void
write_text(struct tp_writer *w, const unsigned char *p, size_t n)
{
	size_t es = tp_dtype_size(w->hdr.dtype), i;

	if (w->partlen) {
		size_t k = n < es - w->partlen ? n : es - w->partlen;
		memcpy(w->part + w->partlen, p, k);
		w->partlen += k;
		p += k;
		n -= k;
		if (w->partlen < es)
			return;
		write_text_elem(w, w->part);
		w->partlen = 0;
	}
	for (i = 0; n - i >= es; i += es)
		write_text_elem(w, p + i);
	memcpy(w->part, p + i, n - i);
	w->partlen = n - i;
}

void
tp_write_data(struct tp_writer *w, const void *src, size_t n)
{
	if (n > w->hdr.nbytes - w->done)
		tp_die("record %ld: more data than its shape holds",
		    w->records - 1);
	switch (w->format) {
	case TP_FMT_NPY:
		out(w, src, n);
		break;
	case TP_FMT_TXT:
		write_text(w, src, n);
		break;
	case TP_FMT_PNG:
		if (w->done + n > w->memcap) {	/* double, up to the image */
			w->memcap = w->memcap * 2 > w->done + n ? w->memcap * 2 :
			    w->done + n;
			if (w->memcap > w->hdr.nbytes)
				w->memcap = w->hdr.nbytes;
			w->mem = tp_erealloc(w->mem, w->memcap ? w->memcap : 1);
		}
		if (n)
			memcpy(w->mem + w->done, src, n);
		break;
	default:
		break;
	}
	w->done += n;
	if (w->format == TP_FMT_PNG && w->done == w->hdr.nbytes) {
		struct tp_tensor t = w->hdr;
		size_t len;
		unsigned char *png;
		int depth = w->depth ? w->depth : t.dtype == TP_U2 ? 16 : 8;

		t.data = w->mem;
		png = tp_png_encode(&t, depth, &len);
		free(w->mem);
		w->mem = NULL;
		w->png = png;		/* out only when tp_writer_close */
		w->pnglen = len;	/* knows no record follows */
	}
}

void
tp_write(struct tp_writer *w, const struct tp_tensor *t)
{
	tp_write_header(w, t);
	if (t->nbytes)
		tp_write_data(w, t->data, t->nbytes);
}

void
tp_write_from(struct tp_writer *w, struct tp_reader *r, size_t n)
{
	static unsigned char *chunk;
	const size_t CHUNK = 1 << 20;
	size_t es = tp_dtype_size(w->hdr.dtype);

	if (n > w->hdr.nbytes - w->done)
		tp_die("record %ld: more data than its shape holds",
		    w->records - 1);
	if (w->format == TP_FMT_NPY && n >= 65536 && tp_reader_raw_ok(r)) {
		flush(w);		/* large: straight from input to output */
		tp_read_copy(r, w->fd, w->name, n);
		w->done += n;
		return;
	}
	if (w->format == TP_FMT_NPY) {	/* small: through the output buffer */
		while (n > 0) {
			size_t room = BUFSIZE - w->len, k;
			room -= room % es;
			if (room == 0) {
				flush(w);
				continue;
			}
			k = n < room ? n : room;
			tp_read_data(r, w->buf + w->len, k);
			w->len += k;
			w->done += k;
			n -= k;
		}
		return;
	}
	if (!chunk)
		chunk = tp_emalloc(CHUNK);
	while (n > 0) {
		size_t k = n < CHUNK ? n : CHUNK - CHUNK % es;
		tp_read_data(r, chunk, k);
		tp_write_data(w, chunk, k);
		n -= k;
	}
}

void
tp_writer_close(struct tp_writer *w)
{
	if (w->done < w->hdr.nbytes)
		tp_die("record %ld: only %zu of %zu bytes were written",
		    w->records - 1, w->done, w->hdr.nbytes);
	if (w->format == TP_FMT_PNG && w->records == 0)
		tp_die("no image to write as png: the input is empty");
	if (w->png) {
		out(w, w->png, w->pnglen);
		free(w->png);
	}
	flush(w);
	if (w->is_temp)
		tp_commit_file(w->fd);
	else if (close(w->fd) < 0 && errno != EBADF)
		tp_die("write error: %s:", w->name);
	free(w->buf);
	free(w);
}
