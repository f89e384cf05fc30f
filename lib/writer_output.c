/*
 * writer_output.c - the writer's buffered output (writer_out,
 * writer_flush) and what an encoder asks of its writer (formats.h):
 * bytes emitted, the output's name.  writer.c writes NPY, text and PNG
 * and calls the encoders; they call only this file.
 */
#include <string.h>

#include "formats.h"
#include "progress.h"
#include "tpipe.h"
#include "writer_impl.h"

/* Write the whole of p to w's output. */
void
writer_write_all(struct tp_writer *w, const void *p, size_t n)
{
	tp_write_fd(w->fd, p, n, w->name);
	tp_progress_wrote(n);
}

/* Write out what the buffer holds.  It counts as written before the
 * write, so a die on a write error does not repeat it. */
void
writer_flush(struct tp_writer *w)
{
	size_t n = w->len;

	w->len = w->complete = 0;
	writer_write_all(w, w->buf, n);
}

/* Append n bytes to the output, through the buffer when they fit. */
void
writer_out(struct tp_writer *w, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (w->len + n > BUFSIZE) {
		writer_flush(w);
		if (n >= BUFSIZE) {
			writer_write_all(w, p, n);
			return;
		}
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

void
tp_writer_emit(struct tp_writer *w, const void *p, size_t n)
{
	writer_out(w, p, n);
}

const char *
tp_writer_name(const struct tp_writer *w)
{
	return w->name;
}
