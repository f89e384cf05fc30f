/*
 * api_grad.c - the public library's gradients (include/tpipe/tpipe.h):
 * the layer-chain engine (grad.h) run on a tensor as tgrad(1) runs it on
 * a record, under a catch.
 */
#include <stdlib.h>
#include <string.h>

#include "api_impl.h"
#include "fft.h"
#include "grad.h"

struct tpipe_grad {
	struct api_handle h;
	struct tp_grad_net *net;
	int ran;			/* a run has been made */
};

struct new_args { int dtype, threads; };

static void
new_work(void *h, void *args)
{
	tpipe_grad *g = h;
	struct new_args *a = args;

	if (a->dtype != TP_F4 && a->dtype != TP_F8)
		tp_usage_die("-t must be f32 or f64");
	if (a->threads < 1)
		tp_usage_die("-j must be at least 1, not %d", a->threads);
	tp_fft_init(a->threads, TP_PLAN_ESTIMATE);
	g->net = tp_grad_new((enum tp_dtype)a->dtype, a->threads);
}

TPIPE_API tpipe_grad *
tpipe_grad_new(int dtype, int threads, tpipe_error *err)
{
	struct new_args a = { dtype, threads };

	return api_create(sizeof(tpipe_grad), new_work, &a, err);
}

struct add_args {
	const char *word;
	int n;
	const tpipe_tensor *ops;
};

static void
add_work(void *h, void *args)
{
	tpipe_grad *g = h;
	struct add_args *a = args;
	struct tp_tensor ops[TP_GRAD_MAXOPERAND];
	struct tp_grad_spec s;
	struct tp_msg m;
	const char *why;
	int given = 0;

	if (g->ran)
		tp_usage_die("%s: the chain is complete once it has run",
		    a->word);
	if ((why = tp_grad_parse(a->word, &s, &m)) != NULL)
		tp_usage_die("%s", why);
	memset(ops, 0, sizeof ops);
	for (int j = 0; j < s.noperand; j++)
		if (s.operand[j] != NULL && given < a->n)
			ops[j] = ((const struct tp_tensor *)a->ops)[given++];
		else if (s.operand[j] != NULL)
			given++;
	if (given != a->n || a->n < 0) {
		tp_grad_spec_free(&s);
		tp_usage_die("%s: %d tensors for %d operands", a->word, a->n,
		    given);
	}
	if (s.is_loss)
		why = tp_grad_set_loss(g->net, &s, s.noperand > 0 ? ops :
		    NULL, &m);
	else
		why = tp_grad_add(g->net, &s, ops, &m);
	tp_grad_spec_free(&s);
	if (why != NULL)
		tp_die("%s", why);
}

TPIPE_API int
tpipe_grad_add(tpipe_grad *g, const char *word, int n,
    const tpipe_tensor *operands, tpipe_error *err)
{
	struct add_args a = { word, n, operands };

	return api_run(&g->h, add_work, &a, err);
}

static void
run_work(void *h, void *arg)
{
	tpipe_grad *g = h;
	const struct tp_tensor *in = arg;
	struct tp_tensor x;
	struct tp_msg m;
	const char *why;
	char sh[TP_GRAD_SHAPE_LEN];

	if ((unsigned)in->dtype >= TP_NDTYPES)
		tp_die("record: not a dtype");
	if (tp_dtype_is_complex(in->dtype))
		tp_die("record: X %s is complex (%s): the layers are real",
		    tp_shape_str(in, sh, sizeof sh),
		    tp_dtype_name(in->dtype));
	x = tp_converted(in, in->dtype);	/* the net takes it over */
	g->ran = 1;
	if ((why = tp_grad_forward(g->net, &x, &m)) != NULL) {
		tp_free(&x);
		tp_die("record: %s", why);
	}
	tp_free(&x);
	if (tp_grad_has_loss(g->net))
		tp_grad_backward(g->net, NULL);
}

TPIPE_API int
tpipe_grad_run(tpipe_grad *g, const tpipe_tensor *x, tpipe_error *err)
{
	return api_run(&g->h, run_work, (void *)x, err);
}

TPIPE_API int
tpipe_grad_count(const tpipe_grad *g)
{
	return g->h.broken ? 0 : tp_grad_count(g->net);
}

TPIPE_API const char *
tpipe_grad_name(const tpipe_grad *g, int i)
{
	if (g->h.broken || i < 0 || i >= tp_grad_count(g->net))
		return NULL;
	return tp_grad_name(g->net, i);
}

TPIPE_API const tpipe_tensor *
tpipe_grad_gradient(tpipe_grad *g, int i)
{
	if (g->h.broken || !g->ran || !tp_grad_has_loss(g->net) || i < 0 ||
	    i >= tp_grad_count(g->net))
		return NULL;
	return (const tpipe_tensor *)tp_grad_tensor(g->net, i);
}

TPIPE_API double
tpipe_grad_loss(const tpipe_grad *g)
{
	return g->h.broken || !g->ran ? 0 : tp_grad_loss(g->net);
}

TPIPE_API const tpipe_tensor *
tpipe_grad_output(const tpipe_grad *g)
{
	if (g->h.broken || !g->ran)
		return NULL;
	return (const tpipe_tensor *)tp_grad_output(g->net);
}

static void
free_work(void *h, void *args)
{
	(void)args;
	tp_grad_free(((tpipe_grad *)h)->net);
}

TPIPE_API void
tpipe_grad_free(tpipe_grad *g)
{
	api_destroy(g ? &g->h : NULL, free_work, NULL, NULL);
}
