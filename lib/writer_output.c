/*
 * writer_output.c - the output under a tp_writer: a buffer in front of
 * stdout or the -o file, and the hook that writes out the records
 * completed so far when the tool dies; what the formats' encoders
 * (formats.h) write with.  writer.c is above it: the formats and the
 * records.
 */
#include <signal.h>
#include <string.h>

#include "formats.h"
#include "progress.h"
#include "tpipe.h"
#include "writer_impl.h"

/* The open writers, for write_complete_records when the tool dies. */
#define MAXWRITERS 8
static struct tp_writer *open_writers[MAXWRITERS];

/* tp_on_die hook: write the buffered records that are complete to each
 * output that is not a temporary file (a temporary file is removed
 * anyway).  Never dies; a closed pipe just ends the writing. */
static void
write_complete_records(void)
{
	sigset_t pipe;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe, NULL);	/* EPIPE, not death */
	for (int i = 0; i < MAXWRITERS; i++) {
		struct tp_writer *w = open_writers[i];
		if (w && !w->is_temp && w->complete)
			tp_write_fd_quietly(w->fd, w->buf, w->complete);
	}
}

void
tp_writer_track(struct tp_writer *w, int add)
{
	int any = 0;

	for (int i = 0; i < MAXWRITERS; i++) {
		if (add && !open_writers[i]) {
			open_writers[i] = w;
			add = 0;
		} else if (!add && open_writers[i] == w)
			open_writers[i] = NULL;
		any |= open_writers[i] != NULL;
	}
	if (add)
		tp_die("more than %d outputs", MAXWRITERS);
	tp_on_die(any ? write_complete_records : NULL);
}

/* Write the whole of p to w's output. */
static void
write_all(struct tp_writer *w, const void *p, size_t n)
{
	tp_write_fd(w->fd, p, n, w->name);
	tp_progress_wrote(n);
}

void
tp_writer_flush(struct tp_writer *w)
{
	size_t n = w->len;

	w->len = w->complete = 0;
	write_all(w, w->buf, n);
}

void
tp_writer_emit(struct tp_writer *w, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (w->len + n > TP_WRITE_BUFSIZE) {
		tp_writer_flush(w);
		if (n >= TP_WRITE_BUFSIZE) {
			write_all(w, p, n);
			return;
		}
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

const char *
tp_writer_name(const struct tp_writer *w)
{
	return w->name;
}

