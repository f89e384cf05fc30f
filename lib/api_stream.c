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

/* A reader of path (fd < 0) or of fd, named path. */
static tpipe_reader *
reader_new(const char *path, int fd, tpipe_error *err)
{
	tpipe_reader *r = api_new(sizeof *r, err);
	struct tp_catch c;
	struct tp_arena *prev;

	if (!r) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	prev = api_enter(&r->h, &c);
	if (setjmp(c.env) != 0) {
		api_failed(&r->h, prev, &c, err);
		if (fd >= 0)
			close(fd);
		tp_arena_free_all(&r->h.arena);
		free(r);
		return NULL;
	}
	r->r = fd < 0 ? tp_reader_open(path, -1, NULL) :
	    tp_reader_open_fd(fd, path);
	api_leave(prev, &c, err);
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

TPIPE_API int
tpipe_read(tpipe_reader *r, tpipe_tensor *t, tpipe_error *err)
{
	struct tp_catch c;
	struct tp_arena *prev;
	int n;

	if (api_refused(&r->h, err))
		return -1;
	prev = api_enter(&r->h, &c);
	if (setjmp(c.env) != 0)
		return api_failed(&r->h, prev, &c, err);
	n = tp_read(r->r, (struct tp_tensor *)t);
	if (n)
		tp_arena_release(t->data);	/* the caller's */
	api_leave(prev, &c, err);
	return n;
}

TPIPE_API void
tpipe_reader_close(tpipe_reader *r)
{
	struct tp_catch c;
	struct tp_arena *prev;

	if (!r)
		return;
	if (!r->h.broken) {
		prev = api_enter(&r->h, &c);
		if (setjmp(c.env) == 0) {
			tp_reader_close(r->r);
			api_leave(prev, &c, NULL);
		} else {
			api_failed(&r->h, prev, &c, NULL);
		}
	}
	if (r->h.broken) {
		tp_reader_abandon(r->r);
		tp_arena_free_all(&r->h.arena);
	}
	tp_arena_forget(&r->h.arena);
	free(r);
}

/* A writer of path (fd < 0) or of fd, named path. */
static tpipe_writer *
writer_new(const char *path, int fd, enum tpipe_format format, int depth,
    tpipe_error *err)
{
	tpipe_writer *w = api_new(sizeof *w, err);
	struct tp_catch c;
	struct tp_arena *prev;

	if (!w) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	prev = api_enter(&w->h, &c);
	if (setjmp(c.env) != 0) {
		api_failed(&w->h, prev, &c, err);
		if (w->w)
			tp_writer_abandon(w->w);
		else if (fd >= 0)
			close(fd);
		tp_arena_free_all(&w->h.arena);
		free(w);
		return NULL;
	}
	if (depth != 0 && depth != 8 && depth != 16)
		tp_usage_die("--depth must be 8 or 16, not %d", depth);
	w->w = fd < 0 ? tp_writer_open_path(path, (enum tp_format)format,
	    depth) : tp_writer_open_fd(fd, path, (enum tp_format)format,
	    depth);
	api_leave(prev, &c, err);
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

TPIPE_API int
tpipe_write(tpipe_writer *w, const tpipe_tensor *t, tpipe_error *err)
{
	struct tp_catch c;
	struct tp_arena *prev;

	if (api_refused(&w->h, err))
		return -1;
	prev = api_enter(&w->h, &c);
	if (setjmp(c.env) != 0)
		return api_failed(&w->h, prev, &c, err);
	tp_write(w->w, (const struct tp_tensor *)t);
	api_leave(prev, &c, err);
	return 0;
}

TPIPE_API int
tpipe_writer_close(tpipe_writer *w, tpipe_error *err)
{
	struct tp_catch c;
	struct tp_arena *prev;
	int ret;

	if (!w)
		return 0;
	if (!api_refused(&w->h, err)) {
		prev = api_enter(&w->h, &c);
		if (setjmp(c.env) == 0) {
			tp_writer_close(w->w);
			api_leave(prev, &c, err);
		} else {
			api_failed(&w->h, prev, &c, err);
		}
	}
	ret = w->h.broken ? -1 : 0;
	if (w->h.broken) {
		tp_writer_abandon(w->w);
		tp_arena_free_all(&w->h.arena);
	}
	tp_arena_forget(&w->h.arena);
	free(w);
	return ret;
}
