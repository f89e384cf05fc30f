/*
 * api_impl.h - what the public library's entry points (lib/api*.c)
 * share: a handle's arena and broken flag, and the steps of a call made
 * under a catch (tpipe.h) so that a die comes back as a tpipe_error.
 *
 * An entry point runs its work, a function of the handle and its
 * arguments, through api_run (or api_create for a constructor), which
 * calls it under a catch in the handle's arena, so that a die comes
 * back as a tpipe_error.  The handle's arena holds what its calls
 * allocated and did not free; a call that dies breaks the handle, and
 * api_destroy then frees the arena instead of calling the internal
 * close, which may find a half-updated state.
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

/* The work of an entry point on handle h (its own struct, an
 * api_handle first) with the entry point's arguments. */
typedef void api_work(void *h, void *args);
/*
 * Run work(h, args) under a catch in h's arena.  Returns 0, or -1 with
 * err filled when h was broken or the work died (h is then broken).
 */
int api_run(struct api_handle *h, api_work *work, void *args,
    tpipe_error *err);
/* A new zeroed handle of n bytes, made by work(h, args) under a catch:
 * the handle, or NULL with err filled (what the work allocated freed). */
void *api_create(size_t n, api_work *work, void *args, tpipe_error *err);
/*
 * Free h (NULL: nothing): if a call on it died, abandon(h) (unless NULL:
 * give up a descriptor) and the arena freed; else close(h) (unless
 * NULL: the internal close) under a catch, returning -1 with err filled
 * if it dies.  Returns 0 if h was whole.
 */
int api_destroy(struct api_handle *h, api_work *close,
    void (*abandon)(void *h), tpipe_error *err);
/* The arguments of an entry point that makes a tensor from a tensor. */
struct api_record { const tpipe_tensor *in; tpipe_tensor *out; };
/* The tensor y handed to the caller as *out: its data leaves the
 * arena. */
void api_output(tpipe_tensor *out, const struct tp_tensor *y);
/* Fill err with status and the message (if err is not NULL). */
void api_error(tpipe_error *err, int status, const char *text);

#endif
