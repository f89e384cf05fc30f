/*
 * api_impl.h - what the public library's entry points (lib/api*.c)
 * share: a handle's arena and broken flag, and the steps of a call made
 * under a catch (tpipe.h) so that a die comes back as a tpipe_error.
 *
 * An entry point's shape:
 *
 *	struct tp_catch c;
 *	struct tp_arena *prev;
 *
 *	if (api_refused(&h->h, err))
 *		return -1;
 *	prev = api_enter(&h->h, &c);
 *	if (setjmp(c.env) != 0)
 *		return api_failed(&h->h, prev, &c, err);
 *	... the internal calls, which may die ...
 *	api_leave(prev, &c, err);
 *
 * setjmp is the entry point's own (it must stay live); locals changed
 * after it are not read after a die.  The handle's arena holds what its
 * calls allocated and did not free; a call that dies breaks the handle,
 * and its close frees the arena instead of calling the internal close,
 * which may find a half-updated state.
 */
#ifndef TP_API_IMPL_H
#define TP_API_IMPL_H

#include <setjmp.h>

#define TPIPE_BUILDING
#include <tpipe/tpipe.h>
#include "tpipe.h"

struct api_handle {
	struct tp_arena arena;
	int broken;		/* a call on it died */
};

/* 1, with the message in err, if h is broken. */
int api_refused(const struct api_handle *h, tpipe_error *err);
/* Push c and enter h's arena; returns the arena to go back to. */
struct tp_arena *api_enter(struct api_handle *h, struct tp_catch *c);
/* The call returned: pop c, leave the arena, clear err. */
void api_leave(struct tp_arena *prev, struct tp_catch *c,
    tpipe_error *err);
/* The call died (c caught it): leave the arena, break h, fill err;
 * returns -1. */
int api_failed(struct api_handle *h, struct tp_arena *prev,
    const struct tp_catch *c, tpipe_error *err);
/* A new zeroed handle of n bytes (an api_handle first), or NULL with
 * err filled. */
void *api_new(size_t n, tpipe_error *err);
/* Fill err with status and the message (if err is not NULL). */
void api_error(tpipe_error *err, int status, const char *text);

#endif
