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
api_run(struct api_handle *h, api_work *work, void *args, tpipe_error *err)
{
	struct tp_catch c;
	struct tp_arena *prev;

	if (h->broken) {
		api_error(err, 1, "an earlier call on this handle failed: "
		    "close it");
		return -1;
	}
	tp_catch_push(&c);
	prev = tp_arena_enter(&h->arena);
	if (setjmp(c.env) != 0) {
		tp_arena_enter(prev);
		h->broken = 1;
		api_error(err, c.status, c.text);
		return -1;
	}
	work(h, args);
	tp_catch_pop(&c);
	tp_arena_enter(prev);
	api_error(err, 0, "");
	return 0;
}

void *
api_create(size_t n, api_work *work, void *args, tpipe_error *err)
{
	struct api_handle *h = calloc(1, n);

	if (!h) {
		api_error(err, 1, "out of memory");
		return NULL;
	}
	if (api_run(h, work, args, err) == 0)
		return h;
	tp_arena_free_all(&h->arena);
	free(h);
	return NULL;
}

int
api_destroy(struct api_handle *h, api_work *close, void (*abandon)(void *),
    tpipe_error *err)
{
	int ret = 0;

	if (!h)
		return 0;
	if (h->broken)
		ret = -1;
	else if (close)
		ret = api_run(h, close, NULL, err);
	if (h->broken) {
		if (abandon)
			abandon(h);
		tp_arena_free_all(&h->arena);
	}
	tp_arena_forget(&h->arena);
	free(h);
	return ret;
}

void
api_output(tpipe_tensor *out, const struct tp_tensor *y)
{
	*(struct tp_tensor *)out = *y;
	tp_arena_release(y->data);
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

static void
alloc_work(void *h, void *t)
{
	(void)h;
	tp_alloc(t);
}

TPIPE_API int
tpipe_tensor_new(tpipe_tensor *t, enum tpipe_dtype dtype, int ndim,
    const size_t *shape, tpipe_error *err)
{
	struct api_handle h = { { 0 }, 0 };
	struct tp_msg m;
	const char *why;
	int ret;

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
	if ((ret = api_run(&h, alloc_work, t, err)) < 0)
		tp_arena_free_all(&h.arena);
	tp_arena_forget(&h.arena);
	return ret;
}

TPIPE_API void
tpipe_tensor_free(tpipe_tensor *t)
{
	free(t->data);
	t->data = NULL;
}
