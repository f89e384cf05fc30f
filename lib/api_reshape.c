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

struct new_args {
	enum tpipe_reshape_form form;
	const char *arg;
	enum tpipe_reshape_op op;
	int nsizes;
	const char *const *sizes;
};

static void
new_work(void *h, void *args)
{
	tpipe_reshape *r = h;
	struct new_args *a = args;
	struct tp_msg m;
	const char *why;

	if ((unsigned)a->form > TPIPE_RESHAPE_TAKE || (unsigned)a->op >
	    TPIPE_REPEAT || a->nsizes < 0 || (a->nsizes > 0 && !a->sizes))
		tp_usage_die("reshape: form, op or sizes out of range");
	if (!a->arg && a->form != TPIPE_RESHAPE_TRANSPOSE &&
	    a->form != TPIPE_RESHAPE_SQUEEZE)
		tp_usage_die("reshape: this form needs its argument");
	r->arg = a->arg ? tp_estrdup(a->arg) : NULL;
	if (a->form == TPIPE_RESHAPE_PATTERN)
		why = tp_reshape_parse_pattern(&r->rq, r->arg,
		    (enum tp_op)a->op, a->nsizes, (char *const *)a->sizes, &m);
	else
		why = tp_reshape_parse(&r->rq, (enum tp_reshape_form)a->form,
		    r->arg, &m);
	if (why)
		tp_usage_die("%s", why);
}

TPIPE_API tpipe_reshape *
tpipe_reshape_new(enum tpipe_reshape_form form, const char *arg,
    enum tpipe_reshape_op op, int nsizes, const char *const *sizes,
    tpipe_error *err)
{
	struct new_args a = { form, arg, op, nsizes, sizes };

	return api_create(sizeof(tpipe_reshape), new_work, &a, err);
}

struct record_args { const tpipe_tensor *in; tpipe_tensor *out; int threads; };

static void
record_work(void *h, void *args)
{
	tpipe_reshape *r = h;
	struct record_args *a = args;
	const struct tp_tensor *x = (const struct tp_tensor *)a->in;
	struct tp_reshape_plan plan;
	struct tp_tensor y;
	struct tp_msg m;
	const char *why;

	if ((unsigned)x->dtype >= TP_NDTYPES)
		tp_die("record: not a dtype");
	if ((why = tp_reshape_resolve(&r->rq, x, &plan, &m)) != NULL)
		tp_die("record: %s", why);
	y = plan.out;
	y.data = tp_big_alloc(y.nbytes ? y.nbytes : 1);
	tp_reshape_run(&plan, y.data, x->data, a->threads < 1 ? 1 :
	    a->threads);
	api_output(a->out, &y);
}

TPIPE_API int
tpipe_reshape_record(tpipe_reshape *r, const tpipe_tensor *in,
    tpipe_tensor *out, int threads, tpipe_error *err)
{
	struct record_args a = { in, out, threads };

	return api_run(&r->h, record_work, &a, err);
}

static void
free_work(void *h, void *args)
{
	(void)args;
	free(((tpipe_reshape *)h)->arg);
}

TPIPE_API void
tpipe_reshape_free(tpipe_reshape *r)
{
	api_destroy(r ? &r->h : NULL, free_work, NULL, NULL);
}
