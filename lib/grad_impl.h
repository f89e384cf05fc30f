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

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
	/* the argument after the files ("A", "K"), NULL: none; the
	 * key=value options it takes, space-separated ("stride pad"),
	 * and the file options ("mean var"), each a slot of operands
	 * after the parameters' */
	const char *argname, *keys, *filekeys;
	/* 1: the last parameter may be left out (conv2d's bias) */
	int optlast;
	/* NULL, or what frees l->state beyond free() */
	void (*cleanup)(struct layer *);
};

struct layer {
	const struct kind *k;
	int np;				/* parameters given: k->nparam, or
					 * one less (optlast) */
	struct tp_grad_net *net;
	int pos;			/* on the command line, from 1 */
	char *word;			/* as given, for messages */
	struct tp_tensor p[TP_GRAD_MAXPARAM];	/* in the net's dtype */
	struct tp_tensor g[TP_GRAD_MAXPARAM];	/* their gradients */
	char gname[TP_GRAD_MAXPARAM][24];	/* "W2": pname and the number
						 * of the layer among those
						 * with weights, "gamma2" its
						 * normalisation's */
	struct tp_conv *cf, *cb;	/* conv: forward, dL/dX; for version */
	unsigned cver;
	char *arg;			/* the word's argument, or NULL */
	int nopt;			/* its key=value options */
	char *key[TP_GRAD_MAXOPT], *val[TP_GRAD_MAXOPT];
	/* the file options' tensors (data NULL when not given) */
	struct tp_tensor f[TP_GRAD_MAXOPERAND - TP_GRAD_MAXPARAM];
	double a[4];			/* numbers params() parsed */
	size_t geo[3][TP_MAXDIM];	/* pools: kernel, stride, padding */
	void *state;			/* what forward keeps for backward */
};

/* A loss: one entry of grad_losses[]. */
struct loss_kind {
	const char *name;
	const char *opname;		/* "LABELS", "TARGET" or NULL */
	int labels;			/* the operand is class labels */
	const char *keys;		/* key=value options ("delta") */
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
	int nparametric;		/* of them, those with parameters
					 * other than gamma and beta */
	struct layer *L;
	const struct loss_kind *loss;	/* NULL: none yet */
	char *lossword;
	struct tp_tensor lop;		/* labels (i8), target or -g (dt) */
	struct tp_tensor *act;		/* act[0] = X, act[i] = layer i's Z */
	struct tp_tensor lossout;	/* the loss as a 0-d tensor */
	double lossv, lossmag;
	struct tp_tensor dx;
	unsigned version;		/* changes with any parameter */
	int reduce_sum;			/* --reduction sum, not mean */
	double lossopt;			/* huber's delta */
	int reg;			/* 0, 1 (L1) or 2 (L2) */
	double lambda;			/* its strength */
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

/* A new zeroed tensor of dtype and shape: from tp_big_alloc, huge pages
 * (a fault per 2 MiB where calloc's memory faults per 4 KiB), when that
 * takes it. */
static inline struct tp_tensor
zeroed(enum tp_dtype dt, int ndim, const size_t *shape)
{
	struct tp_tensor t = fresh(dt, ndim, shape);

	memset(t.data, 0, t.nbytes);
	return t;
}

/* A new zeroed tensor of t's shape and dtype. */
static inline struct tp_tensor
like(const struct tp_tensor *t)
{
	return zeroed(t->dtype, t->ndim, t->shape);
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

/* Options of the convolution engine for a layer of net: mode, and
 * correlation (corr 1) or convolution on every axis. */
static inline void
grad_conv_opts(const struct tp_grad_net *net, enum tp_conv_mode mode,
    int corr, struct tp_conv_opts *o)
{
	tp_conv_opts_init(o);
	o->mode = mode;
	o->ncorr = 1;
	o->corr[0] = (unsigned char)corr;
	o->dtype = net->dt;
	o->threads = net->threads;
}

/* The layer kinds (grad_layers.c); a table of another length does not
 * compile against this declaration. */
#define NKINDS 10
extern const struct kind grad_kinds[NKINDS];
/* The activations of grad_act.c. */
#define NACT 3
extern const struct kind grad_act_kinds[NACT];
/* The pools of grad_pool.c, the normalisations and dropout of
 * grad_norm.c. */
#define NPOOL 2
extern const struct kind grad_pool_kinds[NPOOL];
#define NNORM 3
extern const struct kind grad_norm_kinds[NNORM];
/* Parse "2" or "2x3" (an option or argument of layer l, called what)
 * into v[] and *n, at most max sizes, each at least lo; returns NULL or
 * a message (grad_pool.c). */
tp_why grad_sizes(const struct layer *l, const char *what, const char *s,
    size_t lo, int max, size_t *v, int *n, struct tp_msg *m);
/* conv1d, conv2d, conv3d of grad_convnd.c. */
#define NCONVND 3
extern const struct kind grad_convnd_kinds[NCONVND];
/* Every kind by one index (grad_parse.c): grad_kinds[], then the
 * families' tables. */
int grad_nkinds(void);
const struct kind *grad_kind(int i);

/* Option key of layer l, or NULL if not given. */
static inline const char *
grad_opt(const struct layer *l, const char *key)
{
	int i;

	for (i = 0; i < l->nopt; i++)
		if (strcmp(l->key[i], key) == 0)
			return l->val[i];
	return NULL;
}

/* Parse the number s (an option or argument of layer l, called what)
 * into *v, within [lo, hi]; returns NULL or a message. */
static inline tp_why
grad_number(const struct layer *l, const char *what, const char *s,
    double lo, double hi, double *v, struct tp_msg *m)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(*v))
		return lmsg(m, l, "%s '%s' is not a number", what, s);
	if (*v < lo || *v > hi)
		return lmsg(m, l, "%s %s is out of range (%g to %g)", what, s,
		    lo, hi);
	return NULL;
}
/* Row r of length c of x softmax-ed into p; returns its log-sum-exp
 * (grad_layers.c, for softmax-xent too). */
double grad_softmax_row(const struct tp_tensor *x, size_t r, size_t c,
    double *p);

/* The losses (grad_loss.c): the named ones, then -g. */
#define NLOSSES 3	/* named ones; grad_losses[NLOSSES] is -g */
extern const struct loss_kind grad_losses[NLOSSES + 1];
/* The course's losses (grad_loss_course.c). */
#define NLOSSES2 4
extern const struct loss_kind grad_losses2[NLOSSES2];
/* Loss i of grad_losses[] then grad_losses2[] (grad_parse.c). */
const struct loss_kind *grad_loss(int i);
/* The labels (net->lop, int64) checked against the scores z: NULL and
 * the classes in *c and the rows in *rows, or a message (grad_loss.c). */
tp_why grad_labels_msg(struct tp_grad_net *net, const struct tp_tensor *z,
    size_t *c, size_t *rows, struct tp_msg *m);
/* The operand (a target, -g) checked to have z's shape, what naming it:
 * NULL or a message (grad_loss.c). */
tp_why grad_same_shape_msg(struct tp_grad_net *net,
    const struct tp_tensor *z, const char *what, struct tp_msg *m);
/* The same for a loss's target, "loss WORD: the target ...". */
tp_why grad_target_msg(struct tp_grad_net *net, const struct tp_tensor *z,
    struct tp_msg *m);
/* The divisor of --reduction: n for mean, 1 for sum. */
static inline double
grad_red(const struct tp_grad_net *net, size_t n)
{
	return net->reduce_sum ? 1.0 : (double)n;
}

/* --reg (grad_update.c): 1 if parameter j of layer l is a weight it
 * covers; its term of the loss (and *mag, its magnitude); its gradient
 * added to the weights' gradients that were computed. */
int grad_is_weight(const struct layer *l, int j);
double grad_reg_loss(const struct tp_grad_net *net, double *mag);
void grad_reg_grad(struct tp_grad_net *net);

/*
 * fn(arg, lo, hi) over [lo, hi) runs that cover [0, n), each a multiple
 * of align long (but the last), on net's threads (tp_parallel): for
 * work that splits by images or elements with each element computed as
 * on one thread (the same bytes on any number of threads).  One call
 * of fn(arg, 0, n) on one thread or for n < 2 * align (grad_threads.c).
 */
void grad_split(const struct tp_grad_net *net, size_t n, size_t align,
    void (*fn)(void *arg, size_t lo, size_t hi), void *arg);
/*
 * OpenBLAS's workers (grad_threads.c).  grad_blas_new, for a new net:
 * OpenBLAS on its threads unless a tool ended the workers.  Before a
 * layer's matrix products,
 * grad_blas_begin: OpenBLAS on net's threads (up to those it started),
 * its workers started again if a tool ended them
 * (tp_grad_blas_workers_end).  Before a layer's work on the pool's
 * threads (tp_parallel) on a tensor of bytes bytes, grad_blas_rest:
 * if a tool ended the workers once and the tensor is GRAD_BLAS_REST
 * bytes or more, end them again: idle after a product they spin in
 * sched_yield for a tenth of a second, on the CPUs that work needs;
 * below that size, starting them again for the next product (a thread
 * made and scheduled) would cost more than it saves.
 */
#define GRAD_BLAS_REST ((size_t)4 << 20)
void grad_blas_new(const struct tp_grad_net *net);
void grad_blas_begin(const struct tp_grad_net *net);
void grad_blas_rest(size_t bytes);
/* Gradient i >= 1 as layer *li's parameter *pj (grad.c). */
void grad_locate(const struct tp_grad_net *net, int i, int *li, int *pj);
/* The forward pass from act[0]: every layer, then the loss (grad.c). */
tp_why grad_run_forward(struct tp_grad_net *net, struct tp_msg *m);

#endif
