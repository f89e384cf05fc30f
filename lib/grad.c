/*
 * grad.c - forward and backward passes of layer chains (grad.h).
 *
 * Each layer kind is one entry of kinds[] below: a name, its parameters'
 * letters, a forward function (checks the incoming shape, allocates and
 * computes Z), a backward function (dL/dZ to dL/dX, and each parameter's
 * gradient summed to the parameter's shape), and two lines of text for
 * --explain; a smooth elementwise layer (sigmoid, tanh) is map_fwd and
 * map_bwd with its function and its derivative as a function of its
 * value.  Losses are the same in losses[].  Elementwise work is done
 * in double precision whatever the net's dtype (load, compute, store),
 * sums are accumulated in double; matrix products are BLAS sgemm/dgemm.
 */
#include <cblas.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "tpipe.h"
#include "conv.h"
#include "engine.h"
#include "grad.h"

struct layer;
struct tp_grad_net;

/* A layer kind: one entry of kinds[]. */
struct kind {
	const char *name;
	int nparam;
	const char *pname[TP_GRAD_MAXPARAM];	/* "W", "b" */
	int kinked;		/* has kinks where the check cannot be trusted */
	/* Check x against the layer, set and allocate z, compute it.
	 * Returns NULL, or a message naming the layer. */
	const char *(*forward)(struct layer *, const struct tp_tensor *x,
	    struct tp_tensor *z, struct tp_msg *);
	/* From dz (dL/dZ) set the layer's parameter gradients and, if dx is
	 * not NULL, allocate and compute dx (dL/dX). */
	void (*backward)(struct layer *, const struct tp_tensor *x,
	    const struct tp_tensor *z, const struct tp_tensor *dz,
	    struct tp_tensor *dx);
	/* NULL, or a check of the parameters on their own, when the layer
	 * is added: returns NULL or a message naming the layer */
	const char *(*params)(struct layer *, struct tp_msg *);
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

/* A loss: one entry of losses[]. */
struct loss_kind {
	const char *name;
	const char *opname;		/* "LABELS", "TARGET" or NULL */
	/* The loss of z into *L, and into *mag the sum of the magnitudes
	 * of its terms (the scale of its rounding error).  Returns NULL or
	 * a message. */
	const char *(*forward)(struct tp_grad_net *, const struct tp_tensor *z,
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
static struct tp_tensor
like(const struct tp_tensor *t)
{
	return tp_new(t->dtype, t->ndim, t->shape);
}

/* A new tensor of dtype and shape whose data is not initialised (from
 * tp_big_alloc: cheap to touch first), for a result written in full. */
static struct tp_tensor
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
static const char *
shp(const struct tp_tensor *t, char buf[TP_GRAD_SHAPE_LEN])
{
	return tp_shape_str(t, buf, TP_GRAD_SHAPE_LEN);
}

/* A message "layer POS (KIND): ..." about layer l (the kind, not the
 * whole word: file names would crowd out the shapes). */
static const char *
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
static size_t
tail_count(const struct tp_tensor *t, int a)
{
	size_t n = 1;

	for (; a < t->ndim; a++)
		n *= t->shape[a];
	return n;
}

/* NULL if every element of t is finite, else a message naming the first
 * that is not, as "WHAT SHAPE holds nan at (i, j)". */
static const char *
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

/* --- matrix products -------------------------------------------------- */

/*
 * C (M x N) = alpha op(A) op(B) + beta C, row major, in t's dtype; op is
 * a transpose when ta/tb.  A no-op on an empty product except for the
 * beta scaling (beta is 0 or 1 here).
 */
static void
gemm(enum tp_dtype t, int ta, int tb, size_t M, size_t N, size_t K,
    const void *A, const void *B, double beta, void *C)
{
	int lda = (int)(ta ? M : K), ldb = (int)(tb ? K : N);

	if (M == 0 || N == 0)
		return;
	if (K == 0) {
		if (beta == 0)
			memset(C, 0, M * N * tp_dtype_size(t));
		return;
	}
	if (lda < 1)
		lda = 1;
	if (ldb < 1)
		ldb = 1;
	if (t == TP_F4)
		cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
		    tb ? CblasTrans : CblasNoTrans, (int)M, (int)N, (int)K,
		    1.0f, A, lda, B, ldb, (float)beta, C, (int)N);
	else
		cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
		    tb ? CblasTrans : CblasNoTrans, (int)M, (int)N, (int)K,
		    1.0, A, lda, B, ldb, beta, C, (int)N);
}

/* --- the layers ------------------------------------------------------- */

/* scale:M  Z[b] = X[b] M for one number X[b] per batch element. */
static const char *
scale_fwd(struct layer *l, const struct tp_tensor *x, struct tp_tensor *z,
    struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN], sb[TP_GRAD_SHAPE_LEN];
	const struct tp_tensor *M = &l->p[0];
	size_t shape[TP_MAXDIM], b, j, nb;

	if (x->ndim < 1 || tail_count(x, 1) != 1)
		return lmsg(m, l, "%s %s does not fit the incoming %s: scale "
		    "takes one number per batch element, shape (b,) or "
		    "(b, 1, ...)", l->gname[0], shp(M, sa), shp(x, sb));
	if (M->ndim + 1 > TP_MAXDIM)
		return lmsg(m, l, "%s %s has too many axes", l->gname[0],
		    shp(M, sa));
	nb = x->shape[0];
	shape[0] = nb;
	memcpy(shape + 1, M->shape, (size_t)M->ndim * sizeof *shape);
	*z = tp_new(l->net->dt, M->ndim + 1, shape);
	for (b = 0; b < nb; b++)
		for (j = 0; j < M->count; j++)
			st(z, b * M->count + j, ld(x, b) * ld(M, j));
	return NULL;
}

static void
scale_bwd(struct layer *l, const struct tp_tensor *x,
    const struct tp_tensor *z, const struct tp_tensor *dz,
    struct tp_tensor *dx)
{
	const struct tp_tensor *M = &l->p[0];
	size_t b, j, nb = x->shape[0], mc = M->count;
	double s;

	(void)z;
	l->g[0] = like(M);
	for (j = 0; j < mc; j++) {
		for (s = 0, b = 0; b < nb; b++)
			s += ld(x, b) * ld(dz, b * mc + j);
		st(&l->g[0], j, s);
	}
	if (dx == NULL)
		return;
	*dx = like(x);
	for (b = 0; b < nb; b++) {
		for (s = 0, j = 0; j < mc; j++)
			s += ld(dz, b * mc + j) * ld(M, j);
		st(dx, b, s);
	}
}

/* matmul:W and affine:W,b  Z = X W (+ b) over X's last axis. */
static const char *
affine_fwd(struct layer *l, const struct tp_tensor *x, struct tp_tensor *z,
    struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN], sb[TP_GRAD_SHAPE_LEN];
	const struct tp_tensor *W = &l->p[0];
	size_t shape[TP_MAXDIM], rows, n = W->shape[0], c = W->shape[1], r;

	if (x->ndim < 1 || x->shape[x->ndim - 1] != n)
		return lmsg(m, l, "%s %s does not fit the incoming %s: its "
		    "last axis must be %s's first, %zu", l->gname[0],
		    shp(W, sa), shp(x, sb), l->gname[0], n);
	rows = 1;
	for (int a = 0; a + 1 < x->ndim; a++)
		rows *= x->shape[a];
	if (rows > INT_MAX || n > INT_MAX || c > INT_MAX)
		return lmsg(m, l, "the product of %s and %s %s is too large "
		    "for BLAS", shp(x, sa), l->gname[0], shp(W, sb));
	memcpy(shape, x->shape, (size_t)x->ndim * sizeof *shape);
	shape[x->ndim - 1] = c;
	if (l->k->nparam == 2 || n == 0)
		*z = tp_new(l->net->dt, x->ndim, shape);
	else	/* gemm writes every element */
		*z = fresh(l->net->dt, x->ndim, shape);
	if (l->k->nparam == 2)
		for (r = 0; r < rows; r++)
			memcpy((char *)z->data + r * c * tp_dtype_size(z->dtype),
			    l->p[1].data, l->p[1].nbytes);
	gemm(z->dtype, 0, 0, rows, c, n, x->data, W->data,
	    l->k->nparam == 2 ? 1.0 : 0.0, z->data);
	return NULL;
}

/*
 * What OpenBLAS allocates for a thread's buffer (BUFFER_SIZE, 32 << 22 in
 * Debian's 0.3.21, and a page), with room to spare.
 */
#define BLAS_BUFFER (((size_t)128 + 1) << 20)

/*
 * OpenBLAS allocates a buffer for the calling thread at its first product
 * and keeps it; when that allocation fails it retries forever (0.3.21).
 * Make sure of it before any product: if the address space holds a
 * buffer, have OpenBLAS take it now with a 1 x 1 product, before tensors
 * can take the space; else return a message naming the limit.
 */
static const char *
blas_buffer(struct layer *l, struct tp_msg *m)
{
	static int taken;
	struct rlimit as, data;
	double one = 1, out = 0;
	void *p;

	if (taken)
		return NULL;
	p = mmap(NULL, BLAS_BUFFER, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		char limit[80] = "the system";

		if (getrlimit(RLIMIT_AS, &as) == 0 &&
		    as.rlim_cur != RLIM_INFINITY)
			snprintf(limit, sizeof limit, "the address-space limit "
			    "(ulimit -v %llu)", (unsigned long long)as.rlim_cur
			    >> 10);
		else if (getrlimit(RLIMIT_DATA, &data) == 0 &&
		    data.rlim_cur != RLIM_INFINITY)
			snprintf(limit, sizeof limit, "the data limit (ulimit "
			    "-d %llu)", (unsigned long long)data.rlim_cur >> 10);
		return lmsg(m, l, "too little memory: OpenBLAS takes %zu MiB "
		    "of address space for matrix products and %s leaves "
		    "less", BLAS_BUFFER >> 20, limit);
	}
	munmap(p, BLAS_BUFFER);
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, 1, 1.0,
	    &one, 1, &one, 1, 0.0, &out, 1);
	taken = 1;
	return NULL;
}

/* matmul and affine: W is a matrix, b has its columns' length, and
 * OpenBLAS has its buffer. */
static const char *
affine_params(struct layer *l, struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN], sb[TP_GRAD_SHAPE_LEN];

	if (l->p[0].ndim != 2)
		return lmsg(m, l, "%s %s must be a matrix (2 axes)",
		    l->gname[0], shp(&l->p[0], sa));
	if (l->k->nparam == 2 && (l->p[1].ndim != 1 ||
	    l->p[1].shape[0] != l->p[0].shape[1]))
		return lmsg(m, l, "%s %s does not fit %s %s: %s must have "
		    "shape (%zu,)", l->gname[1], shp(&l->p[1], sa),
		    l->gname[0], shp(&l->p[0], sb), l->gname[1],
		    l->p[0].shape[1]);
	return blas_buffer(l, m);
}

static void
affine_bwd(struct layer *l, const struct tp_tensor *x,
    const struct tp_tensor *z, const struct tp_tensor *dz,
    struct tp_tensor *dx)
{
	const struct tp_tensor *W = &l->p[0];
	size_t n = W->shape[0], c = W->shape[1], rows = 1, r, j;

	(void)z;
	for (int a = 0; a + 1 < x->ndim; a++)
		rows *= x->shape[a];
	l->g[0] = fresh(W->dtype, W->ndim, W->shape);	/* gemm writes all */
	gemm(W->dtype, 1, 0, n, c, rows, x->data, dz->data, 0, l->g[0].data);
	if (l->k->nparam == 2) {
		double *s = tp_ecalloc(c ? c : 1, sizeof *s);
		const float *f = dz->data;
		const double *d = dz->data;

		for (r = 0; r < rows; r++)	/* typed: it vectorises */
			if (dz->dtype == TP_F4)
				for (j = 0; j < c; j++)
					s[j] += f[r * c + j];
			else
				for (j = 0; j < c; j++)
					s[j] += d[r * c + j];
		l->g[1] = like(&l->p[1]);
		for (j = 0; j < c; j++)
			st(&l->g[1], j, s[j]);
		free(s);
	}
	if (dx == NULL)
		return;
	*dx = c ? fresh(x->dtype, x->ndim, x->shape) : like(x);
	gemm(x->dtype, 0, 1, rows, n, c, dz->data, W->data, 0, dx->data);
}

/* relu  Z = max(X, 0); the derivative at 0 is taken as 0 (as PyTorch). */
static const char *
relu_fwd(struct layer *l, const struct tp_tensor *x, struct tp_tensor *z,
    struct tp_msg *m)
{
	size_t i;

	(void)l;
	(void)m;
	*z = fresh(x->dtype, x->ndim, x->shape);
	if (x->dtype == TP_F4) {	/* typed, so that it vectorises */
		const float *a = x->data;
		float *o = z->data;

		for (i = 0; i < x->count; i++)
			o[i] = a[i] > 0 ? a[i] : 0;
	} else {
		const double *a = x->data;
		double *o = z->data;

		for (i = 0; i < x->count; i++)
			o[i] = a[i] > 0 ? a[i] : 0;
	}
	return NULL;
}

static void
relu_bwd(struct layer *l, const struct tp_tensor *x,
    const struct tp_tensor *z, const struct tp_tensor *dz,
    struct tp_tensor *dx)
{
	size_t i;

	(void)l;
	(void)z;
	if (dx == NULL)
		return;
	*dx = fresh(x->dtype, x->ndim, x->shape);
	if (x->dtype == TP_F4) {
		const float *a = x->data, *d = dz->data;
		float *o = dx->data;

		for (i = 0; i < x->count; i++)
			o[i] = a[i] > 0 ? d[i] : 0;
	} else {
		const double *a = x->data, *d = dz->data;
		double *o = dx->data;

		for (i = 0; i < x->count; i++)
			o[i] = a[i] > 0 ? d[i] : 0;
	}
}

/* An elementwise layer (sigmoid, tanh): Z = k->map(X). */
static const char *
map_fwd(struct layer *l, const struct tp_tensor *x, struct tp_tensor *z,
    struct tp_msg *m)
{
	size_t i;

	(void)m;
	*z = like(x);
	for (i = 0; i < x->count; i++)
		st(z, i, l->k->map(ld(x, i)));
	return NULL;
}

/* An elementwise layer's backward pass: dL/dX = dL/dZ k->slope(Z), the
 * derivative given by the output. */
static void
map_bwd(struct layer *l, const struct tp_tensor *x,
    const struct tp_tensor *z, const struct tp_tensor *dz,
    struct tp_tensor *dx)
{
	size_t i;

	if (dx == NULL)
		return;
	*dx = like(x);
	for (i = 0; i < x->count; i++)
		st(dx, i, ld(dz, i) * l->k->slope(ld(z, i)));
}

/* sigmoid  1 / (1 + exp(-v)), without overflow for large |v|. */
static double
sigmoid_map(double v)
{
	double e = exp(-fabs(v));

	return v >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/* The sigmoid's derivative from its value y. */
static double
sigmoid_slope(double y)
{
	return y * (1 - y);
}

/* tanh's derivative from its value y. */
static double
tanh_slope(double y)
{
	return 1 - y * y;
}

/* Row r of length c of x, softmax-ed into the doubles p; returns the
 * log of the sum of exponentials (log-sum-exp) of the row. */
static double
softmax_row(const struct tp_tensor *x, size_t r, size_t c, double *p)
{
	double mx = -INFINITY, s = 0;
	size_t j;

	for (j = 0; j < c; j++)
		if (ld(x, r * c + j) > mx)
			mx = ld(x, r * c + j);
	for (j = 0; j < c; j++)
		s += p[j] = exp(ld(x, r * c + j) - mx);
	for (j = 0; j < c; j++)
		p[j] /= s;
	return mx + log(s);
}

/* softmax along the last axis. */
static const char *
softmax_fwd(struct layer *l, const struct tp_tensor *x, struct tp_tensor *z,
    struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN];
	size_t c, rows, r, j;
	double *p;

	if (x->ndim < 1)
		return lmsg(m, l, "X %s has no axis to take softmax along",
		    shp(x, sa));
	c = x->shape[x->ndim - 1];
	rows = c ? x->count / c : 0;
	*z = like(x);
	p = tp_emalloc((c ? c : 1) * sizeof *p);
	for (r = 0; r < rows; r++) {
		softmax_row(x, r, c, p);
		for (j = 0; j < c; j++)
			st(z, r * c + j, p[j]);
	}
	free(p);
	return NULL;
}

static void
softmax_bwd(struct layer *l, const struct tp_tensor *x,
    const struct tp_tensor *z, const struct tp_tensor *dz,
    struct tp_tensor *dx)
{
	size_t c = x->shape[x->ndim - 1], rows = c ? x->count / c : 0, r, j;
	double s;

	(void)l;
	if (dx == NULL)
		return;
	*dx = like(x);
	for (r = 0; r < rows; r++) {
		for (s = 0, j = 0; j < c; j++)
			s += ld(dz, r * c + j) * ld(z, r * c + j);
		for (j = 0; j < c; j++)
			st(dx, r * c + j, ld(z, r * c + j) *
			    (ld(dz, r * c + j) - s));
	}
}

/* flatten  (b, ...) -> (b, rest), as torch.flatten(x, 1). */
static const char *
flatten_fwd(struct layer *l, const struct tp_tensor *x, struct tp_tensor *z,
    struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN];
	size_t shape[2];

	if (x->ndim < 1)
		return lmsg(m, l, "X %s has no batch axis to keep", shp(x, sa));
	shape[0] = x->shape[0];
	shape[1] = tail_count(x, 1);
	*z = tp_new(l->net->dt, 2, shape);
	memcpy(z->data, x->data, x->nbytes);
	return NULL;
}

static void
flatten_bwd(struct layer *l, const struct tp_tensor *x,
    const struct tp_tensor *z, const struct tp_tensor *dz,
    struct tp_tensor *dx)
{
	(void)l;
	(void)z;
	if (dx == NULL)
		return;
	*dx = like(x);
	memcpy(dx->data, dz->data, dz->nbytes);
}

/* The convolution engine for layer l: the forward one (valid
 * correlation with K) or the backward one (full convolution with K),
 * made again when a parameter changed. */
static struct tp_conv *
conv_engine(struct layer *l, int backward)
{
	struct tp_conv **c = backward ? &l->cb : &l->cf;
	struct tp_conv_opts o;
	struct tp_msg msg;
	const char *why;

	if (l->cver != l->net->version) {
		tp_conv_free(l->cf);
		tp_conv_free(l->cb);
		l->cf = l->cb = NULL;
		l->cver = l->net->version;
	}
	if (*c != NULL)
		return *c;
	tp_conv_opts_init(&o);
	o.mode = backward ? TP_CONV_FULL : TP_CONV_VALID;
	o.ncorr = 1;
	o.corr[0] = !backward;
	o.dtype = l->net->dt;
	o.threads = l->net->threads;
	if ((why = tp_conv_new(c, &l->p[0], &o, &msg)) != NULL)
		tp_die("%s", why);	/* K was checked in tp_grad_add */
	return *c;
}

/* conv:K  Z[t] = sum_j X[t + j] K[j] over the last k axes, 'valid'. */
static const char *
conv_fwd(struct layer *l, const struct tp_tensor *x, struct tp_tensor *z,
    struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN], sb[TP_GRAD_SHAPE_LEN];
	const struct tp_tensor *K = &l->p[0];
	int a, nb = x->ndim - K->ndim;

	for (a = 0; a < K->ndim && nb >= 0; a++)
		if (x->shape[nb + a] < K->shape[a])
			break;
	if (nb < 0 || a < K->ndim)
		return lmsg(m, l, "%s %s does not fit the incoming %s: its "
		    "last %d ax%s must be at least as large as %s",
		    l->gname[0], shp(K, sa), shp(x, sb), K->ndim,
		    K->ndim == 1 ? "is" : "es", l->gname[0]);
	tp_conv_run(conv_engine(l, 0), x, z);
	return NULL;
}

/* conv: K has an axis and an element. */
static const char *
conv_params(struct layer *l, struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN];

	if (l->p[0].ndim == 0 || l->p[0].count == 0)
		return lmsg(m, l, "%s %s must have at least one axis and one "
		    "element", l->gname[0], shp(&l->p[0], sa));
	return NULL;
}

static void
conv_bwd(struct layer *l, const struct tp_tensor *x,
    const struct tp_tensor *z, const struct tp_tensor *dz,
    struct tp_tensor *dx)
{
	const struct tp_tensor *K = &l->p[0];
	struct tp_conv_opts o;

	(void)z;
	/* dL/dK[j] = sum over the batch and t of X[t + j] dL/dZ[t]: X
	 * correlated with dL/dZ on every axis, 'valid', which leaves
	 * length 1 on the batch axes and K's lengths on the others */
	if (dz->count == 0) {
		l->g[0] = like(K);
	} else {
		tp_conv_opts_init(&o);
		o.mode = TP_CONV_VALID;
		o.ncorr = 1;
		o.corr[0] = 1;
		o.dtype = l->net->dt;
		o.threads = l->net->threads;
		tp_convolve(x, dz, &o, &l->g[0]);
		tp_eset_shape(&l->g[0], K->ndim, K->shape);
	}
	if (dx == NULL)
		return;
	if (dz->count == 0) {
		*dx = like(x);
		return;
	}
	tp_conv_run(conv_engine(l, 1), dz, dx);
}

static const struct kind kinds[] = {
	{ "scale", 1, { "M" }, 0, scale_fwd, scale_bwd, NULL,
	  "$O = $I * $P: $o[b] = $i[b] $p, one number per batch element "
	  "scales all of $p",
	  "dL/d$I = Σ over $p's axes of dL/d$O ⊙ $P: dL/d$i[b] = "
	  "Σ_ij dL/d$o[b,i,j] $p[i,j]\n"
	  "dL/d$P = Σ_b $i[b] dL/d$o[b]",
	  NULL, NULL },
	{ "matmul", 1, { "W" }, 0, affine_fwd, affine_bwd, affine_params,
	  "$O = $I · $P: $o[r,j] = Σ_k $i[r,k] $p[k,j]",
	  "dL/d$I = dL/d$O · $Pᵀ\n"
	  "dL/d$P = $Iᵀ · dL/d$O, summed over the rows (the batch)",
	  NULL, NULL },
	{ "affine", 2, { "W", "b" }, 0, affine_fwd, affine_bwd, affine_params,
	  "$O = $I · $P + $Q: $o[r,j] = Σ_k $i[r,k] $p[k,j] + $q[j]",
	  "dL/d$I = dL/d$O · $Pᵀ\n"
	  "dL/d$P = $Iᵀ · dL/d$O, summed over the rows (the batch)\n"
	  "dL/d$Q = Σ_r dL/d$o[r,:] (every row adds $q once)",
	  NULL, NULL },
	{ "relu", 0, { NULL }, 1, relu_fwd, relu_bwd, NULL,
	  "$O = max($I, 0)",
	  "dL/d$I = dL/d$O ⊙ [$i > 0] (1 where $i is positive, else 0; "
	  "0 at 0)",
	  NULL, NULL },
	{ "sigmoid", 0, { NULL }, 0, map_fwd, map_bwd, NULL,
	  "$O = 1 / (1 + exp(-$I))",
	  "dL/d$I = dL/d$O ⊙ $o ⊙ (1 - $o)", sigmoid_map, sigmoid_slope },
	{ "tanh", 0, { NULL }, 0, map_fwd, map_bwd, NULL,
	  "$O = tanh($I)",
	  "dL/d$I = dL/d$O ⊙ (1 - $o²)", tanh, tanh_slope },
	{ "softmax", 0, { NULL }, 0, softmax_fwd, softmax_bwd, NULL,
	  "$O = softmax($I) along the last axis: $o[r,j] = exp($i[r,j]) / "
	  "Σ_k exp($i[r,k])",
	  "dL/d$I = $o ⊙ (dL/d$o - Σ_k dL/d$o[r,k] $o[r,k]), row by row "
	  "(the Jacobian diag($o) - $o $oᵀ)",
	  NULL, NULL },
	{ "flatten", 0, { NULL }, 0, flatten_fwd, flatten_bwd, NULL,
	  "$O = $I with the axes after the first made one",
	  "dL/d$I = dL/d$O with $i's shape again",
	  NULL, NULL },
	{ "conv", 1, { "K" }, 0, conv_fwd, conv_bwd, conv_params,
	  "$O = $I ⋆ $P: correlation over the last axes, valid, "
	  "$o[t] = Σ_j $i[t+j] $p[j]",
	  "dL/d$I = dL/d$O ∗ $P: full convolution, dL/d$i[s] = "
	  "Σ_t dL/d$o[t] $p[s-t]\n"
	  "dL/d$P = $I ⋆ dL/d$O: valid correlation, summed over the batch",
	  NULL, NULL },
};
#define NKINDS ((int)(sizeof kinds / sizeof kinds[0]))

/* --- the losses ------------------------------------------------------- */

/* softmax-xent:LABELS  L = mean over rows of logsumexp(z) - z[label]. */
static const char *
xent_fwd(struct tp_grad_net *net, const struct tp_tensor *z, double *L,
    double *mag, struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN], sb[TP_GRAD_SHAPE_LEN];
	const struct tp_tensor *y = &net->lop;
	const int64_t *lab = y->data;
	size_t c, rows, r, i;
	double *p, s = 0, sm = 0;
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
		return tp_msgf(m, "loss %s: the labels %s do not fit the scores "
		    "%s: one label per row, the scores' shape without its "
		    "last axis", net->lossword, shp(y, sa), shp(z, sb));
	for (i = 0; i < y->count; i++)
		if ((uint64_t)lab[i] >= c)
			return tp_msgf(m, "loss %s: label %lld at %s is out of "
			    "range for %zu classes (0 to %lld)", net->lossword,
			    (long long)lab[i], tp_index_str(y, i, ib, sizeof ib),
			    c, (long long)c - 1);
	rows = y->count;
	p = tp_emalloc((c ? c : 1) * sizeof *p);
	for (r = 0; r < rows; r++) {
		double lse = softmax_row(z, r, c, p);
		double zy = ld(z, r * c + (size_t)lab[r]);

		s += lse - zy;
		sm += fabs(lse) + fabs(zy);
	}
	free(p);
	*L = rows ? s / (double)rows : NAN;	/* a mean of nothing */
	*mag = rows ? sm / (double)rows : 0;
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
		softmax_row(z, r, c, p);
		p[lab[r]] -= 1;
		for (j = 0; j < c; j++)
			st(dz, r * c + j, p[j] / (double)rows);
	}
	free(p);
}

/* An operand that must have z's shape (mse's target, -g). */
static const char *
same_shape_msg(struct tp_grad_net *net, const struct tp_tensor *z,
    const char *what, struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN], sb[TP_GRAD_SHAPE_LEN];
	if (net->lop.ndim == z->ndim && memcmp(net->lop.shape, z->shape,
	    (size_t)z->ndim * sizeof z->shape[0]) == 0)
		return NULL;
	return tp_msgf(m, "%s %s does not fit the output Z %s", what,
	    shp(&net->lop, sa), shp(z, sb));
}

/* mse:TARGET  L = mean((z - t)^2) over all elements. */
static const char *
mse_fwd(struct tp_grad_net *net, const struct tp_tensor *z, double *L,
    double *mag, struct tp_msg *m)
{
	char what[300];
	const char *why;
	size_t i;
	double s = 0;

	snprintf(what, sizeof what, "loss %s: the target", net->lossword);
	if ((why = same_shape_msg(net, z, what, m)) != NULL)
		return why;
	for (i = 0; i < z->count; i++) {
		double d = ld(z, i) - ld(&net->lop, i);

		s += d * d;
	}
	*L = *mag = z->count ? s / (double)z->count : NAN;
	return NULL;
}

static void
mse_bwd(struct tp_grad_net *net, const struct tp_tensor *z,
    struct tp_tensor *dz)
{
	size_t i;

	*dz = like(z);
	for (i = 0; i < z->count; i++)
		st(dz, i, 2 * (ld(z, i) - ld(&net->lop, i)) / (double)z->count);
}

/* sum  L = sum of z. */
static const char *
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
static const char *
given_fwd(struct tp_grad_net *net, const struct tp_tensor *z, double *L,
    double *mag, struct tp_msg *m)
{
	const char *why;
	size_t i;
	double s = 0, sm = 0;

	if ((why = same_shape_msg(net, z, "-g: dL/dZ", m)) != NULL)
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

static const struct loss_kind losses[] = {
	{ "softmax-xent", "LABELS", xent_fwd, xent_bwd,
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
	{ "mse", "TARGET", mse_fwd, mse_bwd,
	  "L () = mean over all N elements of ($i - T)², T = target $Y",
	  "dL/d$I = 2 ($i - T) / N" },
	{ "sum", NULL, sum_fwd, sum_bwd,
	  "L () = Σ $I",
	  "dL/d$I = 1 everywhere (each element adds to L once)" },
	{ "dL/dZ", "G", given_fwd, given_bwd,
	  "dL/d$I is given (-g): $Y, as if L = Σ $y ⊙ $i",
	  "dL/d$I = $y" },
};
#define NLOSSES 3	/* named ones; losses[NLOSSES] is -g */

/* --- parsing ---------------------------------------------------------- */

const char *
tp_grad_parse(const char *word, struct tp_grad_spec *s, struct tp_msg *m)
{
	char *colon, *p;
	int i, want = -1;

	memset(s, 0, sizeof *s);
	s->word = tp_printable(word);
	s->buf = tp_estrdup(word);
	s->kind = -1;
	colon = strchr(s->buf, ':');
	if (colon != NULL)
		*colon = '\0';
	for (i = 0; i < NKINDS; i++)
		if (strcmp(s->buf, kinds[i].name) == 0) {
			s->kind = i;
			want = kinds[i].nparam;
		}
	for (i = 0; i < NLOSSES; i++)
		if (strcmp(s->buf, losses[i].name) == 0) {
			s->kind = i;
			s->is_loss = 1;
			want = losses[i].opname != NULL;
		}
	if (s->kind < 0) {
		tp_msgf(m, "layer or loss '%s' is not one of " TP_GRAD_LAYERS
		    ", " TP_GRAD_LOSSES, s->word);
		tp_grad_spec_free(s);
		return m->text;
	}
	if (colon != NULL) {
		for (p = colon + 1; s->noperand < TP_GRAD_MAXPARAM; ) {
			s->operand[s->noperand++] = p;
			if ((p = strchr(p, ',')) == NULL)
				break;
			*p++ = '\0';
		}
		if (p != NULL)
			s->noperand++;	/* one too many: reported below */
	}
	for (i = 0; i < s->noperand && i < TP_GRAD_MAXPARAM; i++)
		if (*s->operand[i] == '\0')
			want = -2;
	if (s->noperand != want) {
		const char *name = s->is_loss ? losses[s->kind].name :
		    kinds[s->kind].name;

		if (want == -2)
			tp_msgf(m, "'%s' names an empty file", s->word);
		else if (want == 0)
			tp_msgf(m, "'%s': %s takes no operand", s->word, name);
		else
			tp_msgf(m, "'%s': %s takes %d operand file%s, as "
			    "%s:%s", s->word, name, want, want == 1 ? "" : "s",
			    name, s->is_loss ? losses[s->kind].opname :
			    want == 2 ? "W,b" : kinds[s->kind].pname[0]);
		tp_grad_spec_free(s);
		return m->text;
	}
	return NULL;
}

void
tp_grad_spec_free(struct tp_grad_spec *s)
{
	free(s->word);
	free(s->buf);
	s->word = s->buf = NULL;
}

/* --- the net ---------------------------------------------------------- */

/* These are OpenBLAS's, not CBLAS's. */
void openblas_set_num_threads(int);
int openblas_get_num_threads(void);

struct tp_grad_net *
tp_grad_new(enum tp_dtype dt, int threads)
{
	static int blas_started;	/* OpenBLAS's threads at the start */
	struct tp_grad_net *net = tp_ecalloc(1, sizeof *net);

	net->dt = dt;
	net->threads = threads < 1 ? 1 : threads;
	/* no more than OpenBLAS started with (the CPUs, or
	 * OPENBLAS_NUM_THREADS): a thread it starts takes a buffer of
	 * BLAS_BUFFER bytes, which an address-space limit may not hold */
	if (blas_started == 0)
		blas_started = openblas_get_num_threads();
	openblas_set_num_threads(net->threads < blas_started ? net->threads :
	    blas_started);
	net->act = tp_ecalloc(1, sizeof *net->act);
	return net;
}

void
tp_grad_free(struct tp_grad_net *net)
{
	int i, j;

	if (net == NULL)
		return;
	for (i = 0; i < net->n; i++) {
		struct layer *l = &net->L[i];

		for (j = 0; j < TP_GRAD_MAXPARAM; j++) {
			tp_free(&l->p[j]);
			tp_free(&l->g[j]);
		}
		tp_conv_free(l->cf);
		tp_conv_free(l->cb);
		free(l->word);
	}
	for (i = 0; i <= net->n; i++)
		tp_free(&net->act[i]);
	free(net->act);
	free(net->L);
	tp_free(&net->lop);
	tp_free(&net->lossout);
	tp_free(&net->dx);
	free(net->lossword);
	free(net);
}

const char *
tp_grad_add(struct tp_grad_net *net, const struct tp_grad_spec *s,
    const struct tp_tensor *ops, struct tp_msg *m)
{
	struct layer *l;
	const char *why;
	int j;

	net->L = tp_erealloc(net->L, (size_t)(net->n + 1) * sizeof *net->L);
	net->act = tp_erealloc(net->act, (size_t)(net->n + 2) *
	    sizeof *net->act);
	memset(&net->act[net->n + 1], 0, sizeof net->act[0]);
	l = &net->L[net->n++];
	memset(l, 0, sizeof *l);
	l->k = &kinds[s->kind];
	l->net = net;
	l->pos = net->n;
	l->word = tp_estrdup(s->word);
	l->cver = net->version;
	if (l->k->nparam > 0)
		net->nparametric++;
	for (j = 0; j < l->k->nparam; j++) {
		snprintf(l->gname[j], sizeof l->gname[j], "%s%d",
		    l->k->pname[j], net->nparametric);
		if (tp_dtype_is_complex(ops[j].dtype))
			return lmsg(m, l, "%s is complex", l->gname[j]);
		l->p[j] = tp_converted(&ops[j], net->dt);
		if ((why = finite_msg(&l->p[j], l->gname[j], m)) != NULL)
			return lmsg(m, l, "%s", why);
	}
	return l->k->params != NULL ? l->k->params(l, m) : NULL;
}

const char *
tp_grad_set_loss(struct tp_grad_net *net, const struct tp_grad_spec *s,
    const struct tp_tensor *op, struct tp_msg *m)
{
	const char *why;
	size_t i;
	char ib[TP_GRAD_SHAPE_LEN];

	net->loss = &losses[s->kind];
	net->lossword = tp_estrdup(s->word);
	if (op == NULL)
		return NULL;
	if (net->loss->forward != xent_fwd) {	/* mse's target */
		char text[sizeof m->text];

		if (tp_dtype_is_complex(op->dtype))
			return tp_msgf(m, "loss %s: the target is complex",
			    s->word);
		net->lop = tp_converted(op, net->dt);
		if ((why = finite_msg(&net->lop, "the target", m)) == NULL)
			return NULL;
		snprintf(text, sizeof text, "%s", why);
		return tp_msgf(m, "loss %s: %s", s->word, text);
	}
	if (tp_dtype_is_complex(op->dtype))
		return tp_msgf(m, "loss %s: the labels are complex, not integer "
		    "classes", s->word);
	net->lop = tp_converted(op, TP_F8);
	for (i = 0; i < net->lop.count; i++) {
		double v = ((double *)net->lop.data)[i];

		if (!(v == floor(v) && v >= 0 && v < 9e18))
			return tp_msgf(m, "loss %s: label %.17g at %s is not a "
			    "class (an integer from 0)", s->word, v,
			    tp_index_str(&net->lop, i, ib, sizeof ib));
	}
	{
		struct tp_tensor t = tp_converted(&net->lop, TP_I8);

		tp_free(&net->lop);
		net->lop = t;
	}
	return NULL;
}

const char *
tp_grad_set_dldz(struct tp_grad_net *net, const struct tp_tensor *g,
    struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN];

	net->loss = &losses[NLOSSES];
	net->lossword = tp_estrdup("-g");
	if (tp_dtype_is_complex(g->dtype))
		return tp_msgf(m, "dL/dZ %s is complex (%s)", shp(g, sa),
		    tp_dtype_name(g->dtype));
	net->lop = tp_converted(g, net->dt);
	return finite_msg(&net->lop, "dL/dZ", m);
}

int
tp_grad_has_loss(const struct tp_grad_net *net)
{
	return net->loss != NULL;
}

int
tp_grad_count(const struct tp_grad_net *net)
{
	int i, n = 1;

	for (i = 0; i < net->n; i++)
		n += net->L[i].k->nparam;
	return n;
}

const char *
tp_grad_select(const struct tp_grad_net *net, const char *list,
    unsigned char *want, struct tp_msg *m)
{
	const char *p = list, *end;
	int i, n = tp_grad_count(net);
	size_t len;

	memset(want, 0, (size_t)n);
	if (strcmp(list, "none") == 0)
		return NULL;
	for (;; p = end + 1) {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < n; i++)
			if (strlen(tp_grad_name(net, i)) == len &&
			    strncmp(p, tp_grad_name(net, i), len) == 0)
				break;
		if (i == n) {
			char names[sizeof m->text];
			size_t k = 0;

			for (i = 0; i < n && k < sizeof names; i++)
				k += (size_t)snprintf(names + k,
				    sizeof names - k, "%s%s", i ? ", " : "",
				    tp_grad_name(net, i));
			char q[200];	/* one line, whatever list holds */

			if (len == 0)
				return tp_msgf(m, "'%s' has an empty name: this "
				    "chain has %s (or none)", tp_quote(list,
				    strlen(list), q, sizeof q), names);
			for (i = 0; i < n; i++)	/* "B1" for "b1", "x" */
				if (strlen(tp_grad_name(net, i)) == len &&
				    strncasecmp(p, tp_grad_name(net, i),
				    len) == 0)
					return tp_msgf(m, "no gradient '%s' "
					    "(names keep their case: '%s'): "
					    "this chain has %s", tp_quote(p,
					    len, q, sizeof q),
					    tp_grad_name(net, i), names);
			return tp_msgf(m, "no gradient '%s': this chain has "
			    "%s", tp_quote(p, len, q, sizeof q), names);
		}
		want[i] = 1;
		if (end == NULL)
			return NULL;
	}
}

/* Gradient i >= 1 as layer *li's parameter *pj. */
static void
locate(const struct tp_grad_net *net, int i, int *li, int *pj)
{
	int l;

	for (l = 0, i--; l < net->n; l++) {
		if (i < net->L[l].k->nparam) {
			*li = l;
			*pj = i;
			return;
		}
		i -= net->L[l].k->nparam;
	}
	tp_die("internal error: no gradient %d", i);
}

const char *
tp_grad_name(const struct tp_grad_net *net, int i)
{
	int l, j;

	if (i == 0)
		return "X";
	locate(net, i, &l, &j);
	return net->L[l].gname[j];
}

struct tp_tensor *
tp_grad_tensor(struct tp_grad_net *net, int i)
{
	int l, j;

	if (i == 0)
		return &net->dx;
	locate(net, i, &l, &j);
	return &net->L[l].g[j];
}

/* The forward pass from act[0]: every layer, then the loss. */
static const char *
run_forward(struct tp_grad_net *net, struct tp_msg *m)
{
	const char *why;
	int i;

	for (i = 0; i < net->n; i++) {
		tp_free(&net->act[i + 1]);
		why = net->L[i].k->forward(&net->L[i], &net->act[i],
		    &net->act[i + 1], m);
		if (why != NULL)
			return why;
	}
	if (net->loss != NULL)
		return net->loss->forward(net, &net->act[net->n], &net->lossv,
		    &net->lossmag, m);
	return NULL;
}

const char *
tp_grad_forward(struct tp_grad_net *net, struct tp_tensor *x,
    struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN];
	const char *why;
	size_t noshape[1] = { 0 };

	tp_free(&net->act[0]);
	if (tp_dtype_is_complex(x->dtype)) {
		why = tp_msgf(m, "X %s is complex (%s): the layers are real",
		    shp(x, sa), tp_dtype_name(x->dtype));
		tp_free(x);
		memset(x, 0, sizeof *x);
		return why;
	}
	if (x->dtype == net->dt) {
		net->act[0] = *x;
	} else {
		net->act[0] = tp_converted(x, net->dt);
		tp_free(x);
	}
	memset(x, 0, sizeof *x);
	if ((why = finite_msg(&net->act[0], "X", m)) != NULL)
		return why;
	if ((why = run_forward(net, m)) != NULL)
		return why;
	tp_free(&net->lossout);
	net->lossout = tp_new(net->dt, 0, noshape);
	st(&net->lossout, 0, net->lossv);
	return NULL;
}

const struct tp_tensor *
tp_grad_output(const struct tp_grad_net *net)
{
	if (net->loss != NULL && net->loss != &losses[NLOSSES])
		return &net->lossout;
	return &net->act[net->n];
}

double
tp_grad_loss(const struct tp_grad_net *net)
{
	return net->lossv;
}

void
tp_grad_backward(struct tp_grad_net *net, const unsigned char *want)
{
	struct tp_tensor dz, dx;
	int i, j, lo, g;

	if (net->loss == NULL)
		tp_die("internal error: backward without a loss");
	tp_free(&net->dx);
	for (i = 0; i < net->n; i++)
		for (j = 0; j < TP_GRAD_MAXPARAM; j++)
			tp_free(&net->L[i].g[j]);
	/* the lowest layer whose backward pass is needed */
	lo = net->n;
	if (want == NULL || want[0])
		lo = 0;
	for (i = 0, g = 1; i < net->n && lo == net->n; i++)
		for (j = 0; j < net->L[i].k->nparam; j++, g++)
			if (want[g] && lo == net->n)
				lo = i;
	net->loss->backward(net, &net->act[net->n], &dz);
	for (i = net->n - 1; i >= lo; i--) {
		int need = i > lo || want == NULL || want[0];

		memset(&dx, 0, sizeof dx);
		net->L[i].k->backward(&net->L[i], &net->act[i],
		    &net->act[i + 1], &dz, need ? &dx : NULL);
		tp_free(&dz);
		dz = dx;
	}
	if (lo == 0 && (want == NULL || want[0]))
		net->dx = dz;
	else
		tp_free(&dz);
}

/* --- checking --------------------------------------------------------- */

const char *
tp_grad_band(double err)
{
	if (!(err <= 1e-2))
		return "wrong (> 1e-2)";
	if (err > 1e-4)
		return "uncomfortable (1e-4 .. 1e-2)";
	if (err > 1e-7)
		return "ok only with kinks (1e-7 .. 1e-4)";
	return "good (< 1e-7)";
}

/* The forward pass after a parameter or X changed; dies on a message
 * (the shapes did not change, so none can come). */
static double
probe(struct tp_grad_net *net, double *mag)
{
	struct tp_msg m;
	const char *why;

	net->version++;
	if ((why = run_forward(net, &m)) != NULL)
		tp_die("internal error in --check: %s", why);
	*mag = net->lossmag;
	return net->lossv;
}

/* Mark in flip[] the inputs of relu layers whose sign differs from
 * base[] (copies made before the steps); returns how many differ. */
static size_t
kinks_crossed(struct tp_grad_net *net, struct tp_tensor *base,
    unsigned char **flip)
{
	size_t n = 0, e;
	int i;

	for (i = 0; i < net->n; i++) {
		if (!net->L[i].k->kinked)
			continue;
		for (e = 0; e < base[i].count; e++)
			if ((ld(&base[i], e) > 0) != (ld(&net->act[i], e) > 0)) {
				flip[i][e] = 1;
				n++;
			}
	}
	return n;
}

/*
 * The central difference (L(v + h) - L(v - h)) / (the step taken) of the
 * loss in element e of T, whose value is v (left so).  *mag becomes the
 * largest magnitude of the loss's terms so far (the scale of its
 * rounding error) and *crossed counts the relu inputs either probe moved
 * across 0 (kinks_crossed, against base).
 */
static double
difference(struct tp_grad_net *net, struct tp_tensor *T, size_t e, double v,
    double h, struct tp_tensor *base, unsigned char **flip, double *mag,
    size_t *crossed)
{
	double lp, lm, m;

	st(T, e, v + h);
	lp = probe(net, &m);
	*mag = fmax(*mag, m);
	*crossed += kinks_crossed(net, base, flip);
	st(T, e, v - h);
	lm = probe(net, &m);
	*mag = fmax(*mag, m);
	*crossed += kinks_crossed(net, base, flip);
	st(T, e, v);
	return (lp - lm) / ((v + h) - (v - h));
}

/* A numeric derivative and what it may be off by. */
struct estimate {
	double h;		/* the larger step */
	double num;		/* the derivative */
	double trunc, round;	/* its truncation and rounding errors */
	size_t crossed;		/* relu kinks the probes crossed */
};

/*
 * The derivative of the loss in element e of T (value v) from central
 * differences d1 and d2 at steps h and h/2.  They are the derivative
 * plus c h^2 and c h^2 / 4 (and smaller terms), so Richardson's
 * d2 + (d2 - d1) / 3 cancels the h^2 term; what truncation error it
 * keeps is below d2's, |d1 - d2| / 3.  Each loss is within 16 eps of the
 * magnitude of its terms, so d1 is within that over h, d2 within twice
 * it, and the extrapolation within 3 times it.
 */
static void
estimate(struct tp_grad_net *net, struct tp_tensor *T, size_t e, double v,
    double h, struct tp_tensor *base, unsigned char **flip,
    struct estimate *est)
{
	double mag = 0, d1, d2;

	est->h = h;
	est->crossed = 0;
	d1 = difference(net, T, e, v, h, base, flip, &mag, &est->crossed);
	d2 = difference(net, T, e, v, h / 2, base, flip, &mag, &est->crossed);
	est->num = d2 + (d2 - d1) / 3;
	est->trunc = fabs(d2 - d1) / 3;
	est->round = 48 * DBL_EPSILON * mag / h;
}

/* Steps tried per element at most: the first, and smaller ones while
 * the truncation error is the larger. */
#define CHECK_STEPS 4

void
tp_grad_check(struct tp_grad_net *net, int gi, double tol,
    struct tp_grad_check *r)
{
	struct tp_tensor *T, *A = tp_grad_tensor(net, gi);
	struct tp_tensor *base = tp_ecalloc((size_t)net->n + 1, sizeof *base);
	unsigned char **flip = tp_ecalloc((size_t)net->n + 1, sizeof *flip);
	size_t e;
	int i, l, j;
	double h0;

	if (net->dt != TP_F8 || A->data == NULL || !(tol > 0))
		tp_die("internal error: --check needs float64 gradients and "
		    "a tolerance above 0");
	if (gi == 0) {
		T = &net->act[0];
	} else {
		locate(net, gi, &l, &j);
		T = &net->L[l].p[j];
	}
	for (i = 0; i < net->n; i++)
		if (net->L[i].k->kinked) {
			base[i] = tp_converted(&net->act[i], TP_F8);
			flip[i] = tp_ecalloc(base[i].count + 1, 1);
		}
	memset(r, 0, sizeof *r);
	for (e = 0; e < T->count; e++) {
		struct estimate best, cur;
		double v = ld(T, e), a = ld(A, e), nerr, d, err;
		int k;

		estimate(net, T, e, v, 1e-5 * fmax(fabs(v), 1), base, flip,
		    &best);
		/* While truncation is the larger error, move to the step
		 * where the two would balance: at step s, trunc scales by
		 * (s/h)^2 and round by h/s, and their sum is least at
		 * s = h cbrt(round / 2 trunc), below h.  Keep the estimate
		 * with the smallest error. */
		cur = best;
		for (k = 1; k < CHECK_STEPS && !best.crossed &&
		    !(cur.trunc <= cur.round); k++) {
			double s = cur.h * cbrt(cur.round / (2 * cur.trunc));

			if (!(s >= cur.h / 64))	/* and when NaN */
				s = cur.h / 64;
			estimate(net, T, e, v, s, base, flip, &cur);
			if (cur.crossed)
				break;
			if (cur.trunc + cur.round < best.trunc + best.round ||
			    !(best.trunc + best.round >= 0))
				best = cur;
		}
		nerr = best.trunc + best.round;
		d = fabs(a - best.num);
		/* a difference within what num itself may be wrong by is no
		 * error: the error is measured against the size where tol of
		 * it would be nerr, if that is larger */
		err = d == 0 ? 0 : d / fmax(fmax(fabs(a), fabs(best.num)),
		    nerr / tol);
		if (best.crossed) {
			r->kinked++;
			if (err > r->kinked_worst || isnan(err))
				r->kinked_worst = err;
			continue;
		}
		/* a NaN anywhere is the worst, and stays so */
		if (r->checked++ == 0 || err > r->worst ||
		    (isnan(err) && !isnan(r->worst))) {
			r->worst = err;
			r->at = e;
			tp_index_str(A, e, r->where, sizeof r->where);
			r->analytic = a;
			r->numeric = best.num;
			r->numeric_err = nerr;
		}
	}
	r->fails = !(r->worst <= tol);
	(void)probe(net, &h0);
	for (i = 0; i < net->n; i++) {
		if (flip[i] != NULL)
			for (e = 0; e < base[i].count; e++)
				r->kinks += flip[i][e];
		free(flip[i]);
		tp_free(&base[i]);
	}
	free(flip);
	free(base);
}

void
tp_grad_check_print(FILE *f, const struct tp_grad_net *net, int i,
    const struct tp_grad_check *r)
{
	char sa[TP_GRAD_SHAPE_LEN];

	int l, j;

	if (i == 0) {
		shp(&net->act[0], sa);
	} else {
		locate(net, i, &l, &j);
		shp(&net->L[l].p[j], sa);
	}
	fprintf(f, "  dL/d%s %s: ", tp_grad_name(net, i), sa);
	if (r->checked == 0)
		fprintf(f, "no element checked");
	else
		fprintf(f, "worst relative error %.2g at %s (analytic %.9g, "
		    "numeric %.9g ± %.1g), %s", r->worst, r->where,
		    r->analytic, r->numeric, r->numeric_err,
		    tp_grad_band(r->worst));
	fprintf(f, "; %zu relu input%s within a step of 0", r->kinks,
	    r->kinks == 1 ? "" : "s");
	if (r->kinked)
		fprintf(f, " (%zu element%s crossing a kink left out, their "
		    "worst %.2g)", r->kinked, r->kinked == 1 ? "" : "s",
		    r->kinked_worst);
	fprintf(f, "%s\n", r->fails ? ": FAILS" : "");
}

/* --- explaining ------------------------------------------------------- */

/* Print template s with $I $O $P $Q (name and shape) and $i $o $p $q
 * (name) filled in; $Y/$y is the loss operand. */
static void
expand(FILE *f, const char *s, const char *names[5],
    const struct tp_tensor *ts[5])
{
	char sa[TP_GRAD_SHAPE_LEN];
	static const char keys[] = "iopqy";
	const char *k;

	for (; *s != '\0'; s++) {
		if (*s != '$' || s[1] == '\0' ||
		    (k = strchr(keys, s[1] | 0x20)) == NULL) {
			fputc(*s, f);
			continue;
		}
		s++;
		fputs(names[k - keys], f);
		if (*s >= 'A' && *s <= 'Z' && ts[k - keys] != NULL)
			fprintf(f, " %s", shp(ts[k - keys], sa));
	}
}

/* Print each line of template s, indented. */
static void
expand_lines(FILE *f, const char *s, const char *names[5],
    const struct tp_tensor *ts[5])
{
	char *copy = tp_estrdup(s), *line, *save = NULL;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		fputs("  ", f);
		expand(f, line, names, ts);
		fputc('\n', f);
	}
	free(copy);
}

/* The names and tensors of layer i's templates; bufs holds the names. */
static void
layer_names(const struct tp_grad_net *net, int i, char bufs[5][32],
    const char *names[5], const struct tp_tensor *ts[5])
{
	int j;

	snprintf(bufs[0], 32, i == 0 ? "X" : "Z%d", i);
	snprintf(bufs[1], 32, "Z%d", i + 1);
	names[0] = bufs[0];
	names[1] = bufs[1];
	ts[0] = &net->act[i];
	ts[1] = i < net->n ? &net->act[i + 1] : NULL;
	for (j = 0; j < 2; j++) {
		names[2 + j] = "?";
		ts[2 + j] = NULL;
		if (i < net->n && j < net->L[i].k->nparam) {
			names[2 + j] = net->L[i].gname[j];
			ts[2 + j] = &net->L[i].p[j];
		}
	}
	names[4] = "";
	ts[4] = NULL;
}

void
tp_grad_explain(const struct tp_grad_net *net, FILE *f)
{
	char sa[TP_GRAD_SHAPE_LEN];
	char bufs[5][32], yname[300];
	const char *names[5];
	const struct tp_tensor *ts[5];
	int i;

	fprintf(f, "forward, layer by layer (batch first; X %s):\n",
	    shp(&net->act[0], sa));
	for (i = 0; i < net->n; i++) {
		layer_names(net, i, bufs, names, ts);
		fprintf(f, "%d. %s\n", i + 1, net->L[i].word);
		expand_lines(f, net->L[i].k->fwd_text, names, ts);
	}
	if (net->loss != NULL) {
		layer_names(net, net->n, bufs, names, ts);
		names[0] = net->n == 0 ? "X" : bufs[0];
		snprintf(yname, sizeof yname, "%s", strchr(net->lossword, ':') ?
		    strchr(net->lossword, ':') + 1 : "G");
		names[4] = yname;
		ts[4] = net->lop.data != NULL ? &net->lop : NULL;
		fprintf(f, "%s %s\n", net->loss == &losses[NLOSSES] ?
		    "given" : "loss", net->lossword);
		expand_lines(f, net->loss->fwd_text, names, ts);
		fprintf(f, "backward, the chain rule from the loss down "
		    "(every dL/dT has T's shape):\n");
		if (net->loss != &losses[NLOSSES])
			fprintf(f, "  dL/dL = 1\n");
		expand_lines(f, net->loss->bwd_text, names, ts);
	} else {
		fprintf(f, "backward: needs a loss or -g (dL/dZ%d)\n", net->n);
		return;
	}
	for (i = net->n - 1; i >= 0; i--) {
		layer_names(net, i, bufs, names, ts);
		fprintf(f, "%d. %s\n", i + 1, net->L[i].word);
		expand_lines(f, net->L[i].k->bwd_text, names, ts);
	}
}
