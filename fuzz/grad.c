/*
 * grad.c - fuzz target: tgrad's layer and loss words (tp_grad_parse)
 * and what the net makes of them.  The input is lines: each a layer or
 * loss word as tgrad takes them ("affine:W,b", "relu", "mse:T"), the
 * last the --wrt list.  Operand files are not read: an operand is a
 * small float64 tensor whose shape the length of its name picks (see
 * operand), so the shape checks of tp_grad_add and tp_grad_set_loss run.
 * A net that builds runs forward, and backward when it has a loss, on a
 * 2x3 input.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "grad.h"

#define MAXWORDS 8

struct grad_job {
	int nword;
	char *word[MAXWORDS];
	const char *wrt;
};

/* A small operand for a word's operand named name. */
static struct tp_tensor
operand(const char *name)
{
	/* by length: a batch (2,) (scale, labels), W (3, 3), B (3,),
	 * K (2, 2), a target (2, 3), and one of 3 axes */
	static const size_t shapes[6][3] = { { 2 }, { 3, 3 }, { 3 },
		{ 2, 2 }, { 2, 3 }, { 1, 2, 3 } };
	static const int ndims[6] = { 1, 2, 1, 2, 2, 3 };
	size_t k = strlen(name) % 6;
	struct tp_tensor t = tp_new(TP_F8, ndims[k], shapes[k]);

	for (size_t i = 0; i < t.count; i++)	/* labels in 0..2 too */
		((double *)t.data)[i] = (double)((i * 7 + 1) % 3);
	return t;
}

/* Build the net from the words, select, and run it. */
static void
build(void *arg)
{
	struct grad_job *j = arg;
	struct tp_grad_net *net = tp_grad_new(TP_F8, 1);
	struct tp_grad_spec s;
	struct tp_tensor ops[TP_GRAD_MAXOPERAND], x;
	struct tp_msg m;
	const char *why = NULL;
	unsigned char *want;
	size_t shape[2] = { 2, 3 };
	int i, k, haveloss = 0;

	for (i = 0; i < j->nword && why == NULL; i++) {
		if ((why = tp_grad_parse(j->word[i], &s, &m)) != NULL)
			break;
		if (s.noperand < 0 || s.noperand > TP_GRAD_MAXOPERAND)
			abort();
		memset(ops, 0, sizeof ops);	/* an option not given */
		for (k = 0; k < s.noperand; k++)
			if (s.operand[k] != NULL)
				ops[k] = operand(s.operand[k]);
		if (s.is_loss && haveloss)
			why = "two losses";
		else if (s.is_loss) {
			haveloss = 1;
			why = tp_grad_set_loss(net, &s, s.noperand ? &ops[0] :
			    NULL, &m);
		} else
			why = tp_grad_add(net, &s, ops, &m);
		for (k = 0; k < s.noperand; k++)
			tp_free(&ops[k]);
		tp_grad_spec_free(&s);
	}
	if (why != NULL) {
		fuzz_check_message(why);
		tp_grad_free(net);
		return;
	}
	want = malloc((size_t)tp_grad_count(net) + 1);
	if (want == NULL)
		abort();
	why = tp_grad_select(net, j->wrt, want, &m);
	if (why != NULL)
		fuzz_check_message(why);
	x = tp_new(TP_F8, 2, shape);
	for (size_t e = 0; e < x.count; e++)
		((double *)x.data)[e] = 0.5 * (double)e - 1;
	if ((why = tp_grad_forward(net, &x, &m)) != NULL)
		fuzz_check_message(why);
	else if (tp_grad_has_loss(net))
		tp_grad_backward(net, NULL);
	tp_free(&x);
	free(want);
	tp_grad_free(net);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct grad_job j;
	char *text = fuzz_string(data, size), *p = text, *line;

	memset(&j, 0, sizeof j);
	j.wrt = "none";
	while ((line = strsep(&p, "\n")) != NULL) {
		if (p == NULL && j.nword > 0) {	/* the last line */
			j.wrt = line;
			break;
		}
		if (j.nword < MAXWORDS)
			j.word[j.nword++] = line;
	}
	fuzz_call(build, &j);
	free(text);
	return 0;
}
