/*
 * writer.c - write records to stdout or to a file that appears only when
 * complete, as NPY, text, one PNG image, or through an encoder
 * (formats.h).  Output is buffered; the
 * records completed so far are written out even when the tool dies (the
 * tp_on_die hook), so what reaches the reader does not depend on record
 * sizes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats.h"
#include "progress.h"
#include "tpipe.h"
#include "writer_impl.h"

/* The formats encoded by files of their own (formats.h). */
static const struct tp_encoder *const encoders[] = {
	&tp_csv_encoder,
	&tp_tiff_encoder,
	&tp_jpeg_encoder,
	&tp_mrc_encoder,
	&tp_mat_encoder,
	NULL
};

/* Count n more data bytes of the current record as written; at its end,
 * the buffer holds whole records only. */
static void
count_data(struct tp_writer *w, size_t n)
{
	w->done += n;
	if (w->done == w->hdr.nbytes)
		w->complete = w->len;
}

/* The output format for path: fmt, else the name's extension
 * (tp_output_format; one no writer knows is a usage error), else text
 * on a terminal, else NPY (tpipe.h). */
enum tp_format
tp_writer_format(const char *path, enum tp_format fmt)
{
	struct tp_msg m;
	const char *why;

	if (fmt != TP_FMT_AUTO)
		return fmt;
	if (path && (why = tp_output_format(path, &fmt, &m)) != NULL)
		tp_usage_die("%s", why);
	if (fmt != TP_FMT_AUTO)
		return fmt;
	if (!path && isatty(1))
		return TP_FMT_TXT;
	return TP_FMT_NPY;
}

struct tp_writer *
tp_writer_open_path(const char *path, enum tp_format fmt, int depth)
{
	struct tp_writer *w = tp_ecalloc(1, sizeof *w);

	w->format = tp_writer_format(path, fmt);
	w->depth = depth;
	w->opts.depth = depth;
	w->opts.output = path;
	w->opts.format = w->format;
	w->opts.dtype = -1;
	for (int i = 0; encoders[i]; i++)
		if (encoders[i]->format == w->format)
			w->enc = encoders[i];
	if (w->format > TP_FMT_PNG && w->format != TP_FMT_RAW && !w->enc)
		tp_usage_die("no writer for that format in this build");
	w->buf = tp_emalloc(TP_WRITE_BUFSIZE);
	if (path) {
		w->fd = tp_create_temp(path);
		w->is_temp = 1;
		w->name = tp_printable(path);
	} else {
		w->fd = 1;
		w->name = tp_estrdup("<stdout>");
	}
	tp_writer_track(w, 1);
	return w;
}

struct tp_writer *
tp_writer_open_fd(int fd, const char *name, enum tp_format fmt, int depth)
{
	struct tp_writer *w = tp_writer_open_path(NULL, fmt == TP_FMT_AUTO ?
	    TP_FMT_NPY : fmt, depth);

	w->fd = fd;
	free(w->name);
	w->name = tp_printable(name);
	return w;
}

struct tp_writer *
tp_writer_open(const struct tp_common *c)
{
	struct tp_writer *w = tp_writer_open_path(c->output, c->format,
	    c->depth);

	w->opts = *c;
	w->opts.format = w->format;
	return w;
}

void
tp_writer_name_next(struct tp_writer *w, const char *name)
{
	free(w->next_name);
	w->next_name = name ? tp_estrdup(name) : NULL;
}

/* An encoder's record is whole in w->mem: encode it; what it emitted
 * is complete. */
static void
encode_record(struct tp_writer *w)
{
	struct tp_tensor t = w->hdr;

	t.data = w->mem;
	w->enc->record(w, &w->enc_state, &t, w->rec_name, w->records - 1,
	    &w->opts);
	free(w->mem);
	w->mem = NULL;
	w->complete = w->len;
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
	tp_progress_record_out();
	switch (w->format) {
	case TP_FMT_NPY:
		tp_writer_emit(w, buf, tp_npy_format_header(hdr, buf));
		break;
	case TP_FMT_RAW:		/* the data alone */
		break;
	case TP_FMT_TXT: {
		char shape[TP_MAXDIM * 22 + 4];
		int n = snprintf(buf, sizeof buf, "# shape %s %s\n",
		    tp_shape_str(hdr, shape, sizeof shape),
		    tp_dtype_name(hdr->dtype));
		tp_writer_emit(w, buf, (size_t)n);
		break;
	}
	case TP_FMT_PNG:
		if (w->records > 1)
			tp_die("png output holds one image; the input has more records");
		if ((why = tp_png_writable(hdr, &msg)))
			tp_die("%s", why);
		w->mem = NULL;		/* grows with tp_write_data */
		w->memcap = 0;
		break;
	default:
		if ((why = w->enc->writable(hdr, &w->opts, &msg)))
			tp_die("record %ld: %s", w->records - 1, why);
		free(w->rec_name);
		w->rec_name = w->next_name;
		w->next_name = NULL;
		w->mem = NULL;		/* grows with tp_write_data */
		w->memcap = 0;
		break;
	}
	if (w->enc && hdr->nbytes == 0)
		encode_record(w);
	else
		count_data(w, 0);
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
	tp_writer_emit(w, buf, (size_t)k);
}

/* Text: the elements in the n bytes at p.  An element split between
 * calls waits in w->part until its last byte comes. */
static void
write_text(struct tp_writer *w, const unsigned char *p, size_t n)
{
	size_t esz = tp_dtype_size(w->hdr.dtype), i;

	if (w->partlen) {
		size_t k = n < esz - w->partlen ? n : esz - w->partlen;
		memcpy(w->part + w->partlen, p, k);
		w->partlen += k;
		p += k;
		n -= k;
		if (w->partlen < esz)
			return;
		write_text_elem(w, w->part);
		w->partlen = 0;
	}
	for (i = 0; n - i >= esz; i += esz)
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
	if (n == 0)	/* a record held whole is complete already */
		return;
	switch (w->format) {
	case TP_FMT_NPY:
	case TP_FMT_RAW:
		tp_writer_emit(w, src, n);
		break;
	case TP_FMT_TXT:
		write_text(w, src, n);
		break;
	default:			/* PNG and the encoders: held whole */
		if (w->done + n > w->memcap) {	/* double, up to the record */
			w->memcap = w->memcap * 2 > w->done + n ?
			    w->memcap * 2 : w->done + n;
			if (w->memcap > w->hdr.nbytes)
				w->memcap = w->hdr.nbytes;
			w->mem = tp_erealloc(w->mem, w->memcap ? w->memcap : 1);
		}
		if (n)
			memcpy(w->mem + w->done, src, n);
		break;
	}
	if (w->format == TP_FMT_NPY || w->format == TP_FMT_RAW ||
	    w->format == TP_FMT_TXT)
		count_data(w, n);
	else if ((w->done += n) == w->hdr.nbytes && w->enc)
		encode_record(w);
	else if (w->done == w->hdr.nbytes) {
		struct tp_tensor t = w->hdr;
		size_t len;
		unsigned char *png;
		int depth = w->depth ? w->depth : t.dtype == TP_U2 ? 16 : 8;

		t.data = w->mem;
		png = tp_png_encode(&t, depth, w->opts.threads, &len);
		free(w->mem);
		/* not counted as complete: a PNG is one image, out only when
		 * tp_writer_close knows no record follows */
		w->mem = NULL;
		w->png = png;
		w->pnglen = len;
	}
}

void
tp_write(struct tp_writer *w, const struct tp_tensor *t)
{
	tp_write_header(w, t);
	if (t->nbytes)
		tp_write_data(w, t->data, t->nbytes);
}

int
tp_writer_direct(struct tp_writer *w, size_t n, const char **name)
{
	if (w->format != TP_FMT_NPY && w->format != TP_FMT_RAW)
		return -1;
	if (n > w->hdr.nbytes - w->done)
		tp_die("record %ld: more data than its shape holds",
		    w->records - 1);
	tp_writer_flush(w);
	count_data(w, n);
	*name = w->name;
	return w->fd;
}

void
tp_writer_close(struct tp_writer *w)
{
	if (w->done < w->hdr.nbytes)
		tp_die("record %ld: only %zu of %zu bytes were written",
		    w->records - 1, w->done, w->hdr.nbytes);
	if (w->format == TP_FMT_PNG && w->records == 0)
		tp_die("no image to write as png: the input is empty");
	if (w->enc) {
		w->enc->finish(w, &w->enc_state, w->records, &w->opts);
		w->complete = w->len;
	}
	if (w->png) {
		tp_writer_emit(w, w->png, w->pnglen);
		free(w->png);
	}
	tp_writer_flush(w);
	tp_writer_track(w, 0);
	if (w->is_temp)
		tp_commit_file(w->fd);
	else {
		int fd = w->fd;

		w->fd = -1;		/* closed, even if with an error */
		if (close(fd) < 0 && errno != EBADF)
			tp_die("write error: %s:", w->name);
	}
	free(w->buf);
	free(w->name);
	free(w->next_name);
	free(w->rec_name);
	free(w);
}

void
tp_writer_abandon(struct tp_writer *w)
{
	tp_writer_track(w, 0);
	if (w->is_temp)
		tp_discard_file(w->fd);
	else if (w->fd >= 0) {		/* the complete records, as at a die */
		if (w->complete)
			tp_write_fd_quietly(w->fd, w->buf, w->complete);
		close(w->fd);
	}
	w->fd = -1;
}
