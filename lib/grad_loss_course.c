/*
 * grad_loss_course.c - the losses a deep-learning course adds to the
 * seed's (grad_losses2[], grad_impl.h): cs231n's multiclass SVM hinge,
 * binary cross-entropy with logits, negative log-likelihood and Huber's,
 * each as PyTorch reduces it (--reduction mean or sum).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "grad_impl.h"

/* svm:LABELS  L = mean_r Σ_{j≠y} max(0, z[r,j] - z[r,y] + 1). */
static tp_why
svm_fwd(struct tp_grad_net *net, const struct tp_tensor *z, double *L,
    double *mag, struct tp_msg *m)
{
	const int64_t *lab = net->lop.data;
	const char *why;
	size_t c, rows, r, j;
	double s = 0, sm = 0;

	if ((why = grad_labels_msg(net, z, &c, &rows, m)) != NULL)
		return why;
	for (r = 0; r < rows; r++) {
		double zy = ld(z, r * c + (size_t)lab[r]);

		for (j = 0; j < c; j++) {
			double v = ld(z, r * c + j) - zy + 1;

			if (j == (size_t)lab[r] || v <= 0)
				continue;
			s += v;
			sm += fabs(ld(z, r * c + j)) + fabs(zy) + 1;
		}
	}
	*L = rows || net->reduce_sum ? s / grad_red(net, rows) : NAN;
	*mag = rows ? sm / grad_red(net, rows) : 0;
	return NULL;
}

static void
svm_bwd(struct tp_grad_net *net, const struct tp_tensor *z,
    struct tp_tensor *dz)
{
	const int64_t *lab = net->lop.data;
	size_t c = z->shape[z->ndim - 1], rows = net->lop.count, r, j;
	double d = grad_red(net, rows);

	*dz = like(z);
	for (r = 0; r < rows; r++) {
		size_t y = (size_t)lab[r];
		double zy = ld(z, r * c + y), n = 0;

		for (j = 0; j < c; j++)
			if (j != y && ld(z, r * c + j) - zy + 1 > 0) {
				st(dz, r * c + j, 1 / d);
				n++;
			}
		st(dz, r * c + y, -n / d);
	}
}

/* bce-logits:TARGET  L = mean of max(z,0) - z t + log(1 + exp(-|z|)). */
static tp_why
bce_fwd(struct tp_grad_net *net, const struct tp_tensor *z, double *L,
    double *mag, struct tp_msg *m)
{
	const char *why;
	size_t i;
	double s = 0, sm = 0;

	if ((why = grad_target_msg(net, z, m)) != NULL)
		return why;
	for (i = 0; i < z->count; i++) {
		double v = ld(z, i), t = ld(&net->lop, i);

		s += fmax(v, 0) - v * t + log1p(exp(-fabs(v)));
		sm += fabs(v) + fabs(v * t) + 1;
	}
	*L = z->count || net->reduce_sum ? s / grad_red(net, z->count) : NAN;
	*mag = z->count ? sm / grad_red(net, z->count) : 0;
	return NULL;
}

static void
bce_bwd(struct tp_grad_net *net, const struct tp_tensor *z,
    struct tp_tensor *dz)
{
	double d = grad_red(net, z->count);
	size_t i;

	*dz = like(z);
	for (i = 0; i < z->count; i++) {
		double v = ld(z, i), e = exp(-fabs(v));
		double sg = v >= 0 ? 1 / (1 + e) : e / (1 + e);

		st(dz, i, (sg - ld(&net->lop, i)) / d);
	}
}

/* nll:LABELS  L = -mean_r z[r, y[r]] (z holds log-probabilities). */
static tp_why
nll_fwd(struct tp_grad_net *net, const struct tp_tensor *z, double *L,
    double *mag, struct tp_msg *m)
{
	const int64_t *lab = net->lop.data;
	const char *why;
	size_t c, rows, r;
	double s = 0, sm = 0;

	if ((why = grad_labels_msg(net, z, &c, &rows, m)) != NULL)
		return why;
	for (r = 0; r < rows; r++) {
		s -= ld(z, r * c + (size_t)lab[r]);
		sm += fabs(ld(z, r * c + (size_t)lab[r]));
	}
	*L = rows || net->reduce_sum ? s / grad_red(net, rows) : NAN;
	*mag = rows ? sm / grad_red(net, rows) : 0;
	return NULL;
}

static void
nll_bwd(struct tp_grad_net *net, const struct tp_tensor *z,
    struct tp_tensor *dz)
{
	const int64_t *lab = net->lop.data;
	size_t c = z->shape[z->ndim - 1], rows = net->lop.count, r;

	*dz = like(z);
	for (r = 0; r < rows; r++)
		st(dz, r * c + (size_t)lab[r], -1 / grad_red(net, rows));
}

/* huber:TARGET[,delta=D]  L = mean of d²/2 where |d| <= D, else
 * D (|d| - D/2), d = z - t. */
static tp_why
huber_fwd(struct tp_grad_net *net, const struct tp_tensor *z, double *L,
    double *mag, struct tp_msg *m)
{
	const char *why;
	double D = net->lossopt, s = 0, sm = 0;
	size_t i;

	if ((why = grad_target_msg(net, z, m)) != NULL)
		return why;
	for (i = 0; i < z->count; i++) {
		double d = ld(z, i) - ld(&net->lop, i), a = fabs(d);

		s += a <= D ? d * d / 2 : D * (a - D / 2);
		sm += a <= D ? d * d / 2 : D * (a + D / 2);
		sm += fabs(ld(z, i)) * fmin(a, D);	/* d's rounding */
	}
	*L = z->count || net->reduce_sum ? s / grad_red(net, z->count) : NAN;
	*mag = z->count ? sm / grad_red(net, z->count) : 0;
	return NULL;
}

static void
huber_bwd(struct tp_grad_net *net, const struct tp_tensor *z,
    struct tp_tensor *dz)
{
	double D = net->lossopt, n = grad_red(net, z->count);
	size_t i;

	*dz = like(z);
	for (i = 0; i < z->count; i++) {
		double d = ld(z, i) - ld(&net->lop, i);

		st(dz, i, (fabs(d) <= D ? d : d > 0 ? D : -D) / n);
	}
}

const struct loss_kind grad_losses2[] = {
	{ "svm", "LABELS", 1, NULL, svm_fwd, svm_bwd,
	  "L () = mean over the rows r of Σ_{j≠y[r]} max(0, $i[r,j] - "
	  "$i[r,y[r]] + 1), y = labels $Y (cs231n's multiclass SVM)",
	  "dL/d$I: dL/d$i[r,j] = [margin j > 0] / R for j ≠ y[r], and "
	  "dL/d$i[r,y[r]] = -(the margins > 0 in row r) / R, R = rows" },
	{ "bce-logits", "TARGET", 0, NULL, bce_fwd, bce_bwd,
	  "L () = mean over all N elements of -(t log σ($i) + (1-t) "
	  "log(1-σ($i))), t = target $Y, σ the sigmoid",
	  "dL/d$I = (σ($i) - t) / N" },
	{ "nll", "LABELS", 1, NULL, nll_fwd, nll_bwd,
	  "L () = mean over the rows r of -$i[r, y[r]], y = labels $Y "
	  "($i holds log-probabilities: log_softmax before it)",
	  "dL/d$I = -onehot(y) / R, R = rows" },
	{ "huber", "TARGET", 0, "delta", huber_fwd, huber_bwd,
	  "L () = mean over all N elements of d²/2 where |d| ≤ δ, else "
	  "δ (|d| - δ/2); d = $i - T, T = target $Y",
	  "dL/d$I = clamp(d, -δ, δ) / N" },
};
