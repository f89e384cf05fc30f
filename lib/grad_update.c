/*
 * grad_update.c - what a training step adds to the gradients
 * (grad.h): --reduction, the regulariser over the weights (--reg L2:λ
 * adds λ Σ W² to the loss and 2 λ W to dL/dW; L1:λ adds λ Σ |W| and
 * λ sign(W)), and the update W - LR dL/dW of every parameter
 * (--update sgd:LR).  The weights are the parameters named W (matmul,
 * affine) and K (conv); biases, scale's M and the normalisations'
 * gamma and beta are not regularised, as cs231n's nets do.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "grad_impl.h"

void
tp_grad_options(struct tp_grad_net *net, int reduce_sum, int reg,
    double lambda)
{
	net->reduce_sum = reduce_sum;
	net->reg = reg;
	net->lambda = lambda;
}

/* 1 if parameter j of layer l is a weight the regulariser covers. */
int
grad_is_weight(const struct layer *l, int j)
{
	return strcmp(l->k->pname[j], "W") == 0 ||
	    strcmp(l->k->pname[j], "K") == 0;
}

double
grad_reg_loss(const struct tp_grad_net *net, double *mag)
{
	double s = 0;
	int i, j;
	size_t e;

	*mag = 0;
	if (net->reg == 0)
		return 0;
	for (i = 0; i < net->n; i++)
		for (j = 0; j < net->L[i].np; j++) {
			const struct tp_tensor *W = &net->L[i].p[j];

			if (!grad_is_weight(&net->L[i], j))
				continue;
			for (e = 0; e < W->count; e++) {
				double v = ld(W, e);

				s += net->reg == 2 ? v * v : fabs(v);
			}
		}
	*mag = net->lambda * s;
	return net->lambda * s;
}

void
grad_reg_grad(struct tp_grad_net *net)
{
	int i, j;
	size_t e;

	if (net->reg == 0)
		return;
	for (i = 0; i < net->n; i++)
		for (j = 0; j < net->L[i].np; j++) {
			const struct tp_tensor *W = &net->L[i].p[j];
			struct tp_tensor *g = &net->L[i].g[j];

			if (!grad_is_weight(&net->L[i], j) || g->data == NULL)
				continue;
			for (e = 0; e < W->count; e++) {
				double v = ld(W, e);
				double d = net->reg == 2 ? 2 * v :
				    (double)((v > 0) - (v < 0));

				st(g, e, ld(g, e) + net->lambda * d);
			}
		}
}

void
tp_grad_update(struct tp_grad_net *net, double lr)
{
	int i, j;
	size_t e;

	for (i = 0; i < net->n; i++)
		for (j = 0; j < net->L[i].np; j++) {
			struct tp_tensor *p = &net->L[i].p[j];
			const struct tp_tensor *g = &net->L[i].g[j];

			if (g->data == NULL)
				tp_die("internal error: update without dL/d%s",
				    net->L[i].gname[j]);
			for (e = 0; e < p->count; e++)
				st(p, e, ld(p, e) - lr * ld(g, e));
		}
	net->version++;
}
