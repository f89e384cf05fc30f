/*
 * api_stream.c - the public library's readers and writers
 * (include/tpipe/tpipe.h): tp_reader and tp_writer under a catch.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "api_impl.h"

struct tpipe_reader {
	struct api_handle h;
	struct tp_reader *r;
};

struct tpipe_writer {
	struct api_handle h;
	struct tp_writer *w;
	int fd;			/* an open descriptor it owns, or -1 */
};

/* What an opener was given: a path (fd < 0), or a descriptor it owns
 * named path; a writer's format and depth. */
struct open_args {
	const char *path;
	int fd;
	enum tpipe_format format;
	int depth;
};

/* A copy of fd (above 2, closed on exec) for a handle to own, or -1
 * with err filled. */
static int
own_fd(int fd, tpipe_error *err)
{
	int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	if (d < 0)
		api_error(err, 1, "cannot duplicate the descriptor");
	return d;
}

static void
open_reader(void *h, void *args)
{
	tpipe_reader *r = h;
	struct open_args *a = args;

	r->r = a->fd < 0 ? tp_reader_open(a->path, -1, NULL) :
	    tp_reader_open_fd(a->fd, a->path);
	a->fd = -1;		/* the reader's now */
}

/* A reader of path (fd < 0) or of fd, named path. */
static tpipe_reader *
reader_new(const char *path, int fd, tpipe_error *err)
{
	struct open_args a = { path, fd, TPIPE_FORMAT_AUTO, 0 };
	tpipe_reader *r = api_create(sizeof *r, open_reader, &a, err);

	if (a.fd >= 0)		/* not taken by a reader */
		close(a.fd);
	return r;
}

TPIPE_API tpipe_reader *
tpipe_reader_open(const char *path, tpipe_error *err)
{
	return reader_new(path, -1, err);
}

TPIPE_API tpipe_reader *
tpipe_reader_open_fd(int fd, const char *name, tpipe_error *err)
{
	int d = own_fd(fd, err);

	return d < 0 ? NULL : reader_new(name ? name : "<fd>", d, err);
}

struct read_args { tpipe_tensor *t; int n; };

static void
read_work(void *h, void *args)
{
	tpipe_reader *r = h;
	struct read_args *a = args;
	struct tp_tensor t;

	if ((a->n = tp_read(r->r, &t)) != 0)
		api_output(a->t, &t);
}

TPIPE_API int
tpipe_read(tpipe_reader *r, tpipe_tensor *t, tpipe_error *err)
{
	struct read_args a = { t, 0 };

	return api_run(&r->h, read_work, &a, err) < 0 ? -1 : a.n;
}

static void
close_reader(void *h, void *args)
{
	(void)args;
	tp_reader_close(((tpipe_reader *)h)->r);
}

static void
abandon_reader(void *h)
{
	tp_reader_abandon(((tpipe_reader *)h)->r);
}

TPIPE_API void
tpipe_reader_close(tpipe_reader *r)
{
	api_destroy(r ? &r->h : NULL, close_reader, abandon_reader, NULL);
}

static void
open_writer(void *h, void *args)
{
	tpipe_writer *w = h;
	struct open_args *a = args;

	w->fd = a->fd;
	a->fd = -1;		/* the writer's now */
	if (a->depth != 0 && a->depth != 8 && a->depth != 16)
		tp_usage_die("--depth must be 8 or 16, not %d", a->depth);
	w->w = w->fd < 0 ? tp_writer_open_path(a->path,
	    (enum tp_format)a->format, a->depth) : tp_writer_open_fd(w->fd,
	    a->path, (enum tp_format)a->format, a->depth);
}

static void
abandon_writer(void *h)
{
	tpipe_writer *w = h;

	if (w->w)
		tp_writer_abandon(w->w);
	else if (w->fd >= 0)
		close(w->fd);
}

/* A writer of path (fd < 0) or of fd, named path. */
static tpipe_writer *
writer_new(const char *path, int fd, enum tpipe_format format, int depth,
    tpipe_error *err)
{
	struct open_args a = { path, fd, format, depth };
	tpipe_writer *w = api_create(sizeof *w, open_writer, &a, err);

	if (a.fd >= 0)
		close(a.fd);
	return w;
}

TPIPE_API tpipe_writer *
tpipe_writer_open(const char *path, enum tpipe_format format, int depth,
    tpipe_error *err)
{
	int d;

	if (path)
		return writer_new(path, -1, format, depth, err);
	d = own_fd(1, err);
	return d < 0 ? NULL : writer_new("<stdout>", d, format, depth, err);
}

TPIPE_API tpipe_writer *
tpipe_writer_open_fd(int fd, const char *name, enum tpipe_format format,
    int depth, tpipe_error *err)
{
	int d = own_fd(fd, err);

	return d < 0 ? NULL : writer_new(name ? name : "<fd>", d, format,
	    depth, err);
}

static void
write_work(void *h, void *t)
{
	tp_write(((tpipe_writer *)h)->w, t);
}

TPIPE_API int
tpipe_write(tpipe_writer *w, const tpipe_tensor *t, tpipe_error *err)
{
	return api_run(&w->h, write_work, (void *)t, err);
}

static void
close_writer(void *h, void *args)
{
	(void)args;
	tp_writer_close(((tpipe_writer *)h)->w);
}

TPIPE_API int
tpipe_writer_close(tpipe_writer *w, tpipe_error *err)
{
	if (w && w->h.broken)
		api_error(err, 1, "an earlier call on this writer failed: "
		    "nothing more was written");
	return api_destroy(w ? &w->h : NULL, close_writer, abandon_writer,
	    err);
}
