/*
 * grad_loss.c - the losses of the gradient engine: grad_losses[], each
 * entry's forward function (the loss and the magnitude of its terms,
 * after checking its operand against Z) and backward function (dL/dZ),
 * and its --explain text; the last entry is -g, a given dL/dZ
 * (grad_impl.h).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "grad_impl.h"

/* --- the losses ------------------------------------------------------- */

tp_why
grad_labels_msg(struct tp_grad_net *net, const struct tp_tensor *z,
    size_t *nc, size_t *rows, struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN], sb[TP_GRAD_SHAPE_LEN];
	const struct tp_tensor *y = &net->lop;
	const int64_t *lab = y->data;
	size_t c, i;
	int ok;
	char ib[TP_GRAD_SHAPE_LEN];

	if (z->ndim < 1)
		return tp_msgf(m, "loss %s: the scores %s need a class axis",
		    net->lossword, shp(z, sa));
	c = z->shape[z->ndim - 1];
	ok = y->ndim == z->ndim - 1;
	for (int a = 0; ok && a < y->ndim; a++)
		ok = y->shape[a] == z->shape[a];
	if (!ok)
		return tp_msgf(m, "loss %s: the labels %s do not fit the "
		    "scores %s: one label per row, the scores' shape without "
		    "its last axis", net->lossword, shp(y, sa), shp(z, sb));
	for (i = 0; i < y->count; i++)
		if ((uint64_t)lab[i] >= c)
			return tp_msgf(m, "loss %s: label %lld at %s is out of "
			    "range for %zu classes (0 to %lld)", net->lossword,
			    (long long)lab[i],
			    tp_index_str(y, i, ib, sizeof ib), c,
			    (long long)c - 1);
	*nc = c;
	*rows = y->count;
	return NULL;
}

/* softmax-xent:LABELS  L = mean (or sum) over rows of logsumexp(z) -
 * z[label]. */
static tp_why
xent_fwd(struct tp_grad_net *net, const struct tp_tensor *z, double *L,
    double *mag, struct tp_msg *m)
{
	const int64_t *lab = net->lop.data;
	const char *why;
	size_t c, rows, r;
	double *p, s = 0, sm = 0;

	if ((why = grad_labels_msg(net, z, &c, &rows, m)) != NULL)
		return why;
	p = tp_emalloc((c ? c : 1) * sizeof *p);
	for (r = 0; r < rows; r++) {
		double lse = grad_softmax_row(z, r, c, p);
		double zy = ld(z, r * c + (size_t)lab[r]);

		s += lse - zy;
		sm += fabs(lse) + fabs(zy);
	}
	free(p);
	/* a mean of nothing is NaN */
	*L = rows || net->reduce_sum ? s / grad_red(net, rows) : NAN;
	*mag = rows ? sm / grad_red(net, rows) : 0;
	return NULL;
}

static void
xent_bwd(struct tp_grad_net *net, const struct tp_tensor *z,
    struct tp_tensor *dz)
{
	const int64_t *lab = net->lop.data;
	size_t c = z->shape[z->ndim - 1], rows = net->lop.count, r, j;
	double *p = tp_emalloc((c ? c : 1) * sizeof *p);

	*dz = like(z);
	for (r = 0; r < rows; r++) {
		grad_softmax_row(z, r, c, p);
		p[lab[r]] -= 1;
		for (j = 0; j < c; j++)
			st(dz, r * c + j, p[j] / grad_red(net, rows));
	}
	free(p);
}

tp_why
grad_same_shape_msg(struct tp_grad_net *net, const struct tp_tensor *z,
    const char *what, struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN], sb[TP_GRAD_SHAPE_LEN];
	if (net->lop.ndim == z->ndim && memcmp(net->lop.shape, z->shape,
	    (size_t)z->ndim * sizeof z->shape[0]) == 0)
		return NULL;
	return tp_msgf(m, "%s %s does not fit the output Z %s", what,
	    shp(&net->lop, sa), shp(z, sb));
}

tp_why
grad_target_msg(struct tp_grad_net *net, const struct tp_tensor *z,
    struct tp_msg *m)
{
	char what[300];

	snprintf(what, sizeof what, "loss %s: the target", net->lossword);
	return grad_same_shape_msg(net, z, what, m);
}

/* mse:TARGET  L = mean((z - t)^2) over all elements. */
static tp_why
mse_fwd(struct tp_grad_net *net, const struct tp_tensor *z, double *L,
    double *mag, struct tp_msg *m)
{
	const char *why;
	size_t i;
	double s = 0;

	if ((why = grad_target_msg(net, z, m)) != NULL)
		return why;
	for (i = 0; i < z->count; i++) {
		double d = ld(z, i) - ld(&net->lop, i);

		s += d * d;
	}
	*L = *mag = z->count || net->reduce_sum ? s / grad_red(net, z->count) :
	    NAN;
	return NULL;
}

static void
mse_bwd(struct tp_grad_net *net, const struct tp_tensor *z,
    struct tp_tensor *dz)
{
	size_t i;

	*dz = like(z);
	for (i = 0; i < z->count; i++)
		st(dz, i, 2 * (ld(z, i) - ld(&net->lop, i)) /
		    grad_red(net, z->count));
}

/* sum  L = sum of z. */
static tp_why
sum_fwd(struct tp_grad_net *net, const struct tp_tensor *z, double *L,
    double *mag, struct tp_msg *m)
{
	size_t i;
	double s = 0, sm = 0;

	(void)net;
	(void)m;
	for (i = 0; i < z->count; i++) {
		s += ld(z, i);
		sm += fabs(ld(z, i));
	}
	*L = s;
	*mag = sm;
	return NULL;
}

static void
sum_bwd(struct tp_grad_net *net, const struct tp_tensor *z,
    struct tp_tensor *dz)
{
	size_t i;

	(void)net;
	*dz = like(z);
	for (i = 0; i < z->count; i++)
		st(dz, i, 1);
}

/* -g G (not a named loss): dL/dZ = G, so L = sum(G * Z). */
static tp_why
given_fwd(struct tp_grad_net *net, const struct tp_tensor *z, double *L,
    double *mag, struct tp_msg *m)
{
	const char *why;
	size_t i;
	double s = 0, sm = 0;

	if ((why = grad_same_shape_msg(net, z, "-g: dL/dZ", m)) != NULL)
		return why;
	for (i = 0; i < z->count; i++) {
		double t = ld(z, i) * ld(&net->lop, i);

		s += t;
		sm += fabs(t);
	}
	*L = s;
	*mag = sm;
	return NULL;
}

static void
given_bwd(struct tp_grad_net *net, const struct tp_tensor *z,
    struct tp_tensor *dz)
{
	*dz = like(z);
	memcpy(dz->data, net->lop.data, dz->nbytes);
}

const struct loss_kind grad_losses[] = {
	{ "softmax-xent", "LABELS", 1, NULL, xent_fwd, xent_bwd,
	  "L () = mean over the rows r of -log softmax($I)[r, y[r]] "
	  "= mean_r (log Σ_j exp($i[r,j]) - $i[r, y[r]]), y = labels $Y",
	  "dL/d$I = (softmax($i) - onehot(y)) / R, R = rows\n"
	  "  Why this and not 1 (cs231n's dSoft): dL/dL = 1 only starts the\n"
	  "  chain.  L is a function of the scores $i, and its own backward\n"
	  "  step multiplies that 1 by ∂L/∂$i: with p = softmax($i) per row,\n"
	  "  ∂(log Σ_j exp $i[r,j])/∂$i[r,k] = p[r,k] and ∂$i[r,y[r]]/∂$i[r,k]\n"
	  "  = [k = y[r]], so dscores = (p - onehot(y)) / R: the predicted\n"
	  "  probability minus 1 at the right class, divided by R for the\n"
	  "  mean.  That tensor, not 1, is what the layer below receives." },
	{ "mse", "TARGET", 0, NULL, mse_fwd, mse_bwd,
	  "L () = mean over all N elements of ($i - T)², T = target $Y",
	  "dL/d$I = 2 ($i - T) / N" },
	{ "sum", NULL, 0, NULL, sum_fwd, sum_bwd,
	  "L () = Σ $I",
	  "dL/d$I = 1 everywhere (each element adds to L once)" },
	{ "dL/dZ", "G", 0, NULL, given_fwd, given_bwd,
	  "dL/d$I is given (-g): $Y, as if L = Σ $y ⊙ $i",
	  "dL/d$I = $y" },
};
