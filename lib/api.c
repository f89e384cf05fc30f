/*
 * api.c - the public library's plumbing (api_impl.h), and its version,
 * dtypes and tensors (include/tpipe/tpipe.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_impl.h"

/* The public types are the internal ones under other names. */
_Static_assert(sizeof(tpipe_tensor) == sizeof(struct tp_tensor) &&
    offsetof(tpipe_tensor, shape) == offsetof(struct tp_tensor, shape) &&
    offsetof(tpipe_tensor, data) == offsetof(struct tp_tensor, data) &&
    TPIPE_MAXDIM == TP_MAXDIM, "tpipe_tensor is struct tp_tensor");
_Static_assert(TPIPE_COMPLEX128 == (int)TP_C16 && TPIPE_FLOAT16 ==
    (int)TP_F2, "tpipe_dtype is tp_dtype");
_Static_assert(TPIPE_FORMAT_RAW == (int)TP_FMT_RAW && TPIPE_FORMAT_MRC ==
    (int)TP_FMT_MRC, "tpipe_format is tp_format");

void
api_error(tpipe_error *err, int status, const char *text)
{
	if (!err)
		return;
	err->status = status;
	snprintf(err->message, sizeof err->message, "%s", text);
}

int
api_refused(const struct api_handle *h, tpipe_error *err)
{
	if (!h->broken)
		return 0;
	api_error(err, 1, "an earlier call on this handle failed: close it");
	return 1;
}

struct tp_arena *
api_enter(struct api_handle *h, struct tp_catch *c)
{
	tp_catch_push(c);
	return tp_arena_enter(&h->arena);
}

void
api_leave(struct tp_arena *prev, struct tp_catch *c, tpipe_error *err)
{
	tp_catch_pop(c);
	tp_arena_enter(prev);
	api_error(err, 0, "");
}

int
api_failed(struct api_handle *h, struct tp_arena *prev,
    const struct tp_catch *c, tpipe_error *err)
{
	tp_arena_enter(prev);
	h->broken = 1;
	api_error(err, c->status, c->text);
	return -1;
}

void *
api_new(size_t n, tpipe_error *err)
{
	void *p = calloc(1, n);

	if (!p)
		api_error(err, 1, "out of memory");
	return p;
}

TPIPE_API const char *
tpipe_version(void)
{
	return TPIPE_VERSION;
}

TPIPE_API size_t
tpipe_dtype_size(enum tpipe_dtype t)
{
	return (unsigned)t < TP_NDTYPES ? tp_dtype_size((enum tp_dtype)t) : 0;
}

TPIPE_API const char *
tpipe_dtype_name(enum tpipe_dtype t)
{
	return (unsigned)t < TP_NDTYPES ? tp_dtype_name((enum tp_dtype)t) :
	    NULL;
}

TPIPE_API int
tpipe_dtype_parse(const char *name, enum tpipe_dtype *dtype,
    tpipe_error *err)
{
	struct tp_msg m;
	enum tp_dtype t;
	const char *why = tp_dtype_lookup(name, &t, &m);

	if (why) {
		api_error(err, 2, why);
		return -1;
	}
	*dtype = (enum tpipe_dtype)t;
	api_error(err, 0, "");
	return 0;
}

TPIPE_API int
tpipe_tensor_new(tpipe_tensor *t, enum tpipe_dtype dtype, int ndim,
    const size_t *shape, tpipe_error *err)
{
	struct api_handle h = { { 0 }, 0 };
	struct tp_catch c;
	struct tp_arena *prev;
	struct tp_msg m;
	const char *why;

	memset(t, 0, sizeof *t);
	if ((unsigned)dtype >= TP_NDTYPES) {
		api_error(err, 2, "not a dtype");
		return -1;
	}
	t->dtype = dtype;
	if ((why = tp_set_shape((struct tp_tensor *)t, ndim, shape, &m))) {
		api_error(err, 2, why);
		return -1;
	}
	prev = api_enter(&h, &c);
	if (setjmp(c.env) != 0) {
		tp_arena_free_all(&h.arena);
		return api_failed(&h, prev, &c, err);
	}
	tp_alloc((struct tp_tensor *)t);
	api_leave(prev, &c, err);
	tp_arena_forget(&h.arena);
	return 0;
}

TPIPE_API void
tpipe_tensor_free(tpipe_tensor *t)
{
	free(t->data);
	t->data = NULL;
}
