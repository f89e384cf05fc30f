/*
 * grad_impl.h - what the pieces of the gradient engine share: the net,
 * its layers and losses (grad.c), the layer table (grad_layers.c), the
 * loss table (grad_loss.c), parsing words (grad_parse.c), --check
 * (grad_check.c) and --explain (grad_explain.c).  Not for other files.
 *
 * Each layer kind is one entry of grad_kinds[]: a name, its parameters'
 * letters, a forward function (checks the incoming shape, allocates and
 * computes Z), a backward function (dL/dZ to dL/dX, and each parameter's
 * gradient summed to the parameter's shape), and two lines of text for
 * --explain.  Losses are the same in grad_losses[].  Elementwise work is done
 * in double precision whatever the net's dtype (ld, st), sums are
 * accumulated in double.
 */
#ifndef TP_GRAD_IMPL_H
#define TP_GRAD_IMPL_H

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tpipe.h"
#include "conv.h"
#include "grad.h"

struct layer;
struct tp_grad_net;

/* A layer kind: one entry of grad_kinds[]. */
struct kind {
	const char *name;
	int nparam;
	const char *pname[TP_GRAD_MAXPARAM];	/* "W", "b" */
	int kinked;		/* has kinks, where the check is not trusted */
	/* Check x against the layer, set and allocate z, compute it.
	 * Returns NULL, or a message naming the layer. */
	tp_why (*forward)(struct layer *, const struct tp_tensor *x,
	    struct tp_tensor *z, struct tp_msg *);
	/* From dz (dL/dZ) set the layer's parameter gradients and, if dx is
	 * not NULL, allocate and compute dx (dL/dX). */
	void (*backward)(struct layer *, const struct tp_tensor *x,
	    const struct tp_tensor *z, const struct tp_tensor *dz,
	    struct tp_tensor *dx);
	/* NULL, or a check of the parameters on their own, when the layer
	 * is added: returns NULL or a message naming the layer */
	tp_why (*params)(struct layer *, struct tp_msg *);
	/* --explain: the forward line and the backward lines; $I, $O, $P,
	 * $Q are the input, output and parameters with their shapes, $i,
	 * $o, $p, $q the names alone. */
	const char *fwd_text, *bwd_text;
	/* elementwise layers (forward map_fwd): Z = map(X), and the
	 * derivative dZ/dX as slope(Z) */
	double (*map)(double);
	double (*slope)(double);
};

struct layer {
	const struct kind *k;
	struct tp_grad_net *net;
	int pos;			/* on the command line, from 1 */
	char *word;			/* as given, for messages */
	struct tp_tensor p[TP_GRAD_MAXPARAM];	/* in the net's dtype */
	struct tp_tensor g[TP_GRAD_MAXPARAM];	/* their gradients */
	char gname[TP_GRAD_MAXPARAM][24];	/* "W2": pname and the number
						 * of the layer among those
						 * with parameters */
	struct tp_conv *cf, *cb;	/* conv: forward, dL/dX; for version */
	unsigned cver;
};

/* A loss: one entry of grad_losses[]. */
struct loss_kind {
	const char *name;
	const char *opname;		/* "LABELS", "TARGET" or NULL */
	/* The loss of z into *L, and into *mag the sum of the magnitudes
	 * of its terms (the scale of its rounding error).  Returns NULL or
	 * a message. */
	tp_why (*forward)(struct tp_grad_net *, const struct tp_tensor *z,
	    double *L, double *mag, struct tp_msg *);
	/* Allocate and compute dz = dL/dZ. */
	void (*backward)(struct tp_grad_net *, const struct tp_tensor *z,
	    struct tp_tensor *dz);
	const char *fwd_text, *bwd_text;	/* $I: Z, $Y: the operand */
};

struct tp_grad_net {
	enum tp_dtype dt;
	int threads;
	int n;				/* layers */
	int nparametric;		/* of them, those with parameters */
	struct layer *L;
	const struct loss_kind *loss;	/* NULL: none yet */
	char *lossword;
	struct tp_tensor lop;		/* labels (i8), target or -g (dt) */
	struct tp_tensor *act;		/* act[0] = X, act[i] = layer i's Z */
	struct tp_tensor lossout;	/* the loss as a 0-d tensor */
	double lossv, lossmag;
	struct tp_tensor dx;
	unsigned version;		/* changes with any parameter */
};

/* --- elements and messages ----------------------------------------- */

/* Element i of t (float32 or float64) as a double. */
static inline double
ld(const struct tp_tensor *t, size_t i)
{
	return t->dtype == TP_F4 ? (double)((const float *)t->data)[i] :
	    ((const double *)t->data)[i];
}

/* Store v as element i of t (float32 or float64). */
static inline void
st(struct tp_tensor *t, size_t i, double v)
{
	if (t->dtype == TP_F4)
		((float *)t->data)[i] = (float)v;
	else
		((double *)t->data)[i] = v;
}

/* A new zeroed tensor of t's shape and dtype. */
static inline struct tp_tensor
like(const struct tp_tensor *t)
{
	return tp_new(t->dtype, t->ndim, t->shape);
}

/* A new tensor of dtype and shape whose data is not initialised (from
 * tp_big_alloc: cheap to touch first), for a result written in full. */
static inline struct tp_tensor
fresh(enum tp_dtype dt, int ndim, const size_t *shape)
{
	struct tp_tensor t;

	memset(&t, 0, sizeof t);
	t.dtype = dt;
	tp_eset_shape(&t, ndim, shape);
	t.data = tp_big_alloc(t.nbytes ? t.nbytes : 1);
	return t;
}

/* The shape of t as "(4, 5)", in the caller's buf. */
static inline const char *
shp(const struct tp_tensor *t, char buf[TP_GRAD_SHAPE_LEN])
{
	return tp_shape_str(t, buf, TP_GRAD_SHAPE_LEN);
}

/* A message "layer POS (KIND): ..." about layer l (the kind, not the
 * whole word: file names would crowd out the shapes). */
static inline tp_why
lmsg(struct tp_msg *m, const struct layer *l, const char *fmt, ...)
{
	char text[sizeof m->text];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	return tp_msgf(m, "layer %d (%s): %s", l->pos, l->k->name, text);
}

/* Product of t's axes from a to the end. */
static inline size_t
tail_count(const struct tp_tensor *t, int a)
{
	size_t n = 1;

	for (; a < t->ndim; a++)
		n *= t->shape[a];
	return n;
}

/* NULL if every element of t is finite, else a message naming the first
 * that is not, as "WHAT SHAPE holds nan at (i, j)". */
static inline tp_why
finite_msg(const struct tp_tensor *t, const char *what, struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN];
	size_t i;
	char ib[TP_GRAD_SHAPE_LEN];

	for (i = 0; i < t->count; i++) {
		double v = ld(t, i);

		if (!isfinite(v))
			return tp_msgf(m, "%s %s holds %s at %s", what,
			    shp(t, sa), isnan(v) ? "nan" : v > 0 ? "inf" :
			    "-inf", tp_index_str(t, i, ib, sizeof ib));
	}
	return NULL;
}

/* The layer kinds (grad_layers.c); a table of another length does not
 * compile against this declaration. */
#define NKINDS 9
extern const struct kind grad_kinds[NKINDS];
/* Row r of length c of x softmax-ed into p; returns its log-sum-exp
 * (grad_layers.c, for softmax-xent too). */
double grad_softmax_row(const struct tp_tensor *x, size_t r, size_t c,
    double *p);

/* The losses (grad_loss.c): the named ones, then -g. */
#define NLOSSES 3	/* named ones; grad_losses[NLOSSES] is -g */
extern const struct loss_kind grad_losses[NLOSSES + 1];
/* softmax-xent's forward pass: tp_grad_set_loss tells by it that the
 * operand is labels, not a target. */
tp_why grad_xent_fwd(struct tp_grad_net *net, const struct tp_tensor *z,
    double *L, double *mag, struct tp_msg *m);

/* Gradient i >= 1 as layer *li's parameter *pj (grad.c). */
void grad_locate(const struct tp_grad_net *net, int i, int *li, int *pj);
/* The forward pass from act[0]: every layer, then the loss (grad.c). */
tp_why grad_run_forward(struct tp_grad_net *net, struct tp_msg *m);

#endif
