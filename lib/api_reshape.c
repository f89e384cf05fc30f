/*
 * api_reshape.c - the public library's reshapes (include/tpipe/
 * tpipe.h): the reshape engine (reshape.h) on a record as treshape(1)
 * reshapes one, under a catch.
 */
#include <stdlib.h>
#include <string.h>

#include "api_impl.h"
#include "reshape.h"

struct tpipe_reshape {
	struct api_handle h;
	char *arg;			/* the request's text, rq.text */
	struct tp_reshape rq;
};

_Static_assert(TPIPE_RESHAPE_TAKE == (int)TP_RESHAPE_TAKE && TPIPE_REPEAT
    == (int)TP_OP_REPEAT && TPIPE_REDUCE_MIN == (int)TP_OP_MIN,
    "the reshape enums are reshape.h's");

TPIPE_API tpipe_reshape *
tpipe_reshape_new(enum tpipe_reshape_form form, const char *arg,
    enum tpipe_reshape_op op, int nsizes, const char *const *sizes,
    tpipe_error *err)
{
	tpipe_reshape *r = api_new(sizeof *r, err);
	struct tp_catch c;
	struct tp_arena *prev;
	struct tp_msg m;
	const char *why;

	if (!r)
		return NULL;
	prev = api_enter(&r->h, &c);
	if (setjmp(c.env) != 0) {
		api_failed(&r->h, prev, &c, err);
		tp_arena_free_all(&r->h.arena);
		free(r);
		return NULL;
	}
	if ((unsigned)form > TPIPE_RESHAPE_TAKE || (unsigned)op >
	    TPIPE_REPEAT || nsizes < 0 || (nsizes > 0 && !sizes))
		tp_usage_die("reshape: form, op or sizes out of range");
	if (!arg && form != TPIPE_RESHAPE_TRANSPOSE &&
	    form != TPIPE_RESHAPE_SQUEEZE)
		tp_usage_die("reshape: this form needs its argument");
	r->arg = arg ? tp_estrdup(arg) : NULL;
	if (form == TPIPE_RESHAPE_PATTERN)
		why = tp_reshape_parse_pattern(&r->rq, r->arg, (enum tp_op)op,
		    nsizes, (char *const *)sizes, &m);
	else
		why = tp_reshape_parse(&r->rq, (enum tp_reshape_form)form,
		    r->arg, &m);
	if (why)
		tp_usage_die("%s", why);
	api_leave(prev, &c, err);
	return r;
}

TPIPE_API int
tpipe_reshape_record(tpipe_reshape *r, const tpipe_tensor *in,
    tpipe_tensor *out, int threads, tpipe_error *err)
{
	const struct tp_tensor *x = (const struct tp_tensor *)in;
	struct tp_reshape_plan plan;
	struct tp_tensor y;
	struct tp_catch c;
	struct tp_arena *prev;
	struct tp_msg m;
	const char *why;

	if (api_refused(&r->h, err))
		return -1;
	prev = api_enter(&r->h, &c);
	if (setjmp(c.env) != 0)
		return api_failed(&r->h, prev, &c, err);
	if ((unsigned)x->dtype >= TP_NDTYPES)
		tp_die("record: not a dtype");
	if ((why = tp_reshape_resolve(&r->rq, x, &plan, &m)) != NULL)
		tp_die("record: %s", why);
	y = plan.out;
	y.data = tp_big_alloc(y.nbytes ? y.nbytes : 1);
	tp_reshape_run(&plan, y.data, x->data, threads < 1 ? 1 : threads);
	*(struct tp_tensor *)out = y;
	tp_arena_release(out->data);	/* the caller's */
	api_leave(prev, &c, err);
	return 0;
}

TPIPE_API void
tpipe_reshape_free(tpipe_reshape *r)
{
	if (!r)
		return;
	if (r->h.broken)
		tp_arena_free_all(&r->h.arena);
	else
		free(r->arg);
	tp_arena_forget(&r->h.arena);
	free(r);
}
