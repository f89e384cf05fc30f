/*
 * grad_layers.c - the layer kinds of the gradient engine: grad_kinds[], each
 * entry's forward and backward functions, the checks of its parameters
 * when it is added, and its --explain text (grad_impl.h).  A smooth
 * elementwise layer (sigmoid, tanh) is map_fwd and map_bwd with its
 * function and its derivative as a function of its value.  Matrix
 * products are BLAS sgemm/dgemm; conv:K runs the convolution engine.
 */
#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "tpipe.h"
#include "conv.h"
#include "engine.h"
#include "grad_impl.h"

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
static tp_why
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
static tp_why
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
	if (l->np == 2 || n == 0)
		*z = tp_new(l->net->dt, x->ndim, shape);
	else	/* gemm writes every element */
		*z = fresh(l->net->dt, x->ndim, shape);
	if (l->np == 2)
		for (r = 0; r < rows; r++)
			memcpy((char *)z->data + r * c *
			    tp_dtype_size(z->dtype), l->p[1].data,
			    l->p[1].nbytes);
	grad_blas_begin(l->net);
	gemm(z->dtype, 0, 0, rows, c, n, x->data, W->data,
	    l->np == 2 ? 1.0 : 0.0, z->data);
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
static tp_why
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
			snprintf(limit, sizeof limit, "the data limit "
			    "(ulimit -d %llu)",
			    (unsigned long long)data.rlim_cur >> 10);
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
static tp_why
affine_params(struct layer *l, struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN], sb[TP_GRAD_SHAPE_LEN];

	if (l->p[0].ndim != 2)
		return lmsg(m, l, "%s %s must be a matrix (2 axes)",
		    l->gname[0], shp(&l->p[0], sa));
	if (l->np == 2 && (l->p[1].ndim != 1 ||
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
	grad_blas_begin(l->net);
	gemm(W->dtype, 1, 0, n, c, rows, x->data, dz->data, 0, l->g[0].data);
	if (l->np == 2) {
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

/*
 * o[i] = v[i] where a[i] > 0, else +0, for n elements of size es (4 or
 * 8): v's bits masked, with no branch (a branch on the sign of random
 * data is mispredicted every other element), NaN in a giving 0 as the
 * comparison does; 32 bytes at a time (GCC vector extensions, AVX2 in
 * the clone picked at run time), the rest one by one.
 */
TP_CLONES
static void
keep_positive(void *ov, const void *av, const void *vv, size_t n, size_t es)
{
	const char *v = vv;
	char *o = ov;
	size_t i = 0;

	if (es == 4) {
		typedef float vf __attribute__((vector_size(32)));
		typedef int32_t vi __attribute__((vector_size(32)));
		const float *a = av;

		for (; i + 8 <= n; i += 8) {
			vf x;
			vi u;

			__builtin_memcpy(&x, a + i, sizeof x);
			__builtin_memcpy(&u, v + 4 * i, sizeof u);
			u &= x > 0;
			__builtin_memcpy(o + 4 * i, &u, sizeof u);
		}
		for (; i < n; i++) {
			uint32_t u;

			memcpy(&u, v + 4 * i, 4);
			u &= -(uint32_t)(a[i] > 0);
			memcpy(o + 4 * i, &u, 4);
		}
	} else {
		typedef double vd __attribute__((vector_size(32)));
		typedef int64_t vl __attribute__((vector_size(32)));
		const double *a = av;

		for (; i + 4 <= n; i += 4) {
			vd x;
			vl u;

			__builtin_memcpy(&x, a + i, sizeof x);
			__builtin_memcpy(&u, v + 8 * i, sizeof u);
			u &= x > 0;
			__builtin_memcpy(o + 8 * i, &u, sizeof u);
		}
		for (; i < n; i++) {
			uint64_t u;

			memcpy(&u, v + 8 * i, 8);
			u &= -(uint64_t)(a[i] > 0);
			memcpy(o + 8 * i, &u, 8);
		}
	}
}

/* keep_positive over the net's threads, a run of elements each (the
 * same bits as one call: each element alike). */
struct keep {
	char *o;
	const char *a, *v;
	size_t es;
};

static void
keep_run(void *arg, size_t lo, size_t hi)
{
	const struct keep *k = arg;

	keep_positive(k->o + lo * k->es, k->a + lo * k->es, k->v + lo * k->es,
	    hi - lo, k->es);
}

static void
keep_split(const struct tp_grad_net *net, void *o, const void *a,
    const void *v, size_t n, size_t es)
{
	struct keep k = { o, a, v, es };

	grad_blas_rest(n * es);
	/* runs of whole pages: each thread faults in its own */
	grad_split(net, n, 4096 / es, keep_run, &k);
}

/* relu  Z = max(X, 0); the derivative at 0 is taken as 0 (as PyTorch). */
static tp_why
relu_fwd(struct layer *l, const struct tp_tensor *x, struct tp_tensor *z,
    struct tp_msg *m)
{
	(void)m;
	*z = fresh(x->dtype, x->ndim, x->shape);
	keep_split(l->net, z->data, x->data, x->data, x->count,
	    tp_dtype_size(x->dtype));
	return NULL;
}

static void
relu_bwd(struct layer *l, const struct tp_tensor *x,
    const struct tp_tensor *z, const struct tp_tensor *dz,
    struct tp_tensor *dx)
{
	(void)z;
	if (dx == NULL)
		return;
	*dx = fresh(x->dtype, x->ndim, x->shape);
	keep_split(l->net, dx->data, x->data, dz->data, x->count,
	    tp_dtype_size(x->dtype));
}

/* An elementwise layer (sigmoid, tanh): Z = k->map(X). */
static tp_why
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
double
grad_softmax_row(const struct tp_tensor *x, size_t r, size_t c, double *p)
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

/* softmax along the last axis, or log_softmax: z = x - logsumexp(x). */
static tp_why
softmax_fwd(struct layer *l, const struct tp_tensor *x, struct tp_tensor *z,
    struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN];
	size_t c, rows, r, j;
	double *p, lse;
	int log = l->k->name[0] == 'l';

	if (x->ndim < 1)
		return lmsg(m, l, "X %s has no axis to take %s along",
		    shp(x, sa), l->k->name);
	c = x->shape[x->ndim - 1];
	rows = c ? x->count / c : 0;
	*z = like(x);
	p = tp_emalloc((c ? c : 1) * sizeof *p);
	for (r = 0; r < rows; r++) {
		lse = grad_softmax_row(x, r, c, p);
		for (j = 0; j < c; j++)
			st(z, r * c + j, log ? ld(x, r * c + j) - lse : p[j]);
	}
	free(p);
	return NULL;
}

/*
 * Row by row, with p = softmax(x): softmax's dx = p (dz - Σ dz p), and
 * log_softmax's dx = dz - p Σ dz, where p = exp(z).
 */
static void
softmax_bwd(struct layer *l, const struct tp_tensor *x,
    const struct tp_tensor *z, const struct tp_tensor *dz,
    struct tp_tensor *dx)
{
	size_t c = x->shape[x->ndim - 1], rows = c ? x->count / c : 0, r, j;
	int log = l->k->name[0] == 'l';
	double s;

	if (dx == NULL)
		return;
	*dx = like(x);
	for (r = 0; r < rows; r++) {
		for (s = 0, j = 0; j < c; j++)
			s += ld(dz, r * c + j) * (log ? 1 : ld(z, r * c + j));
		for (j = 0; j < c; j++) {
			double d = ld(dz, r * c + j), p = ld(z, r * c + j);

			st(dx, r * c + j, log ? d - exp(p) * s : p * (d - s));
		}
	}
}

/* flatten  (b, ...) -> (b, rest), as torch.flatten(x, 1). */
static tp_why
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
	grad_conv_opts(l->net, backward ? TP_CONV_FULL : TP_CONV_VALID,
	    !backward, &o);
	if ((why = tp_conv_new(c, &l->p[0], &o, &msg)) != NULL)
		tp_die("%s", why);	/* K was checked in tp_grad_add */
	return *c;
}

/* conv:K  Z[t] = sum_j X[t + j] K[j] over the last k axes, 'valid'. */
static tp_why
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
static tp_why
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
		grad_conv_opts(l->net, TP_CONV_VALID, 1, &o);
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

const struct kind grad_kinds[] = {
	{ "scale", 1, { "M" }, 0, scale_fwd, scale_bwd, NULL,
	  "$O = $I * $P: $o[b] = $i[b] $p, one number per batch element "
	  "scales all of $p",
	  "dL/d$I = Σ over $p's axes of dL/d$O ⊙ $P: dL/d$i[b] = "
	  "Σ_ij dL/d$o[b,i,j] $p[i,j]\n"
	  "dL/d$P = Σ_b $i[b] dL/d$o[b]",
	  NULL, NULL, NULL, NULL, NULL,
	  0, NULL },
	{ "matmul", 1, { "W" }, 0, affine_fwd, affine_bwd, affine_params,
	  "$O = $I · $P: $o[r,j] = Σ_k $i[r,k] $p[k,j]",
	  "dL/d$I = dL/d$O · $Pᵀ\n"
	  "dL/d$P = $Iᵀ · dL/d$O, summed over the rows (the batch)",
	  NULL, NULL, NULL, NULL, NULL,
	  0, NULL },
	{ "affine", 2, { "W", "b" }, 0, affine_fwd, affine_bwd, affine_params,
	  "$O = $I · $P + $Q: $o[r,j] = Σ_k $i[r,k] $p[k,j] + $q[j]",
	  "dL/d$I = dL/d$O · $Pᵀ\n"
	  "dL/d$P = $Iᵀ · dL/d$O, summed over the rows (the batch)\n"
	  "dL/d$Q = Σ_r dL/d$o[r,:] (every row adds $q once)",
	  NULL, NULL, NULL, NULL, NULL,
	  0, NULL },
	{ "relu", 0, { NULL }, 1, relu_fwd, relu_bwd, NULL,
	  "$O = max($I, 0)",
	  "dL/d$I = dL/d$O ⊙ [$i > 0] (1 where $i is positive, else 0; "
	  "0 at 0)",
	  NULL, NULL, NULL, NULL, NULL,
	  0, NULL },
	{ "sigmoid", 0, { NULL }, 0, map_fwd, map_bwd, NULL,
	  "$O = 1 / (1 + exp(-$I))",
	  "dL/d$I = dL/d$O ⊙ $o ⊙ (1 - $o)", sigmoid_map, sigmoid_slope,
	  NULL, NULL, NULL,
	  0, NULL },
	{ "tanh", 0, { NULL }, 0, map_fwd, map_bwd, NULL,
	  "$O = tanh($I)",
	  "dL/d$I = dL/d$O ⊙ (1 - $o²)", tanh, tanh_slope,
	  NULL, NULL, NULL,
	  0, NULL },
	{ "softmax", 0, { NULL }, 0, softmax_fwd, softmax_bwd, NULL,
	  "$O = softmax($I) along the last axis: $o[r,j] = exp($i[r,j]) / "
	  "Σ_k exp($i[r,k])",
	  "dL/d$I = $o ⊙ (dL/d$o - Σ_k dL/d$o[r,k] $o[r,k]), row by row "
	  "(the Jacobian diag($o) - $o $oᵀ)",
	  NULL, NULL, NULL, NULL, NULL,
	  0, NULL },
	{ "log_softmax", 0, { NULL }, 0, softmax_fwd, softmax_bwd, NULL,
	  "$O = log softmax($I) along the last axis: $o[r,j] = $i[r,j] - "
	  "log Σ_k exp($i[r,k])",
	  "dL/d$I = dL/d$O - softmax($i) Σ_k dL/d$o[r,k], row by row "
	  "(softmax($i) = exp($o))",
	  NULL, NULL, NULL, NULL, NULL,
	  0, NULL },
	{ "flatten", 0, { NULL }, 0, flatten_fwd, flatten_bwd, NULL,
	  "$O = $I with the axes after the first made one",
	  "dL/d$I = dL/d$O with $i's shape again",
	  NULL, NULL, NULL, NULL, NULL,
	  0, NULL },
	{ "conv", 1, { "K" }, 0, conv_fwd, conv_bwd, conv_params,
	  "$O = $I ⋆ $P: correlation over the last axes, valid, "
	  "$o[t] = Σ_j $i[t+j] $p[j]",
	  "dL/d$I = dL/d$O ∗ $P: full convolution, dL/d$i[s] = "
	  "Σ_t dL/d$o[t] $p[s-t]\n"
	  "dL/d$P = $I ⋆ dL/d$O: valid correlation, summed over the batch",
	  NULL, NULL, NULL, NULL, NULL,
	  0, NULL },
};
