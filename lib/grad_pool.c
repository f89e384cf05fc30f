/*
 * grad_pool.c - pooling layers (grad_pool_kinds[], grad_impl.h):
 * maxpool:K and avgpool:K with stride= and pad=, over the last d axes of
 * X, as PyTorch's max_pool1d/2d/3d and avg_pool1d/2d/3d compute them
 * (floor of the output size; max pads with -inf, avg counts the zeros of
 * the padding, count_include_pad).  K, S and P are one number for every
 * pooled axis or one per axis, "2x3"; d is the number of K's entries
 * when given per axis, else X's axes less two (N and C), at least one.
 * Max's gradient goes to the first maximum of each window, in C order,
 * as PyTorch's does.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "grad_impl.h"

/* l->geo[0..2]: kernel, stride, padding per pooled axis; l->a[0]: d
 * (0: from X, every entry in geo[*][0]). */

tp_why
grad_sizes(const struct layer *l, const char *what, const char *s,
    size_t lo, int max, size_t *v, int *n, struct tp_msg *m)
{
	const char *p = s;

	for (*n = 0;;) {
		char *end;
		unsigned long long u;

		if (*p < '0' || *p > '9' || *n == max)
			break;
		u = strtoull(p, &end, 10);
		if (u < lo || u > 1u << 30)
			break;
		v[(*n)++] = (size_t)u;
		if (*end == '\0')
			return NULL;
		if (*end != 'x')
			break;
		p = end + 1;
	}
	return lmsg(m, l, "%s '%s' is not a size from %zu, or such sizes "
	    "joined by x (2x3), %d at most", what, s, lo, max);
}

static tp_why
pool_params(struct layer *l, struct tp_msg *m)
{
	static const char *const keys[3] = { NULL, "stride", "pad" };
	const char *why = NULL;
	size_t v[TP_MAXDIM];
	int n, i, a, d = 0;

	if (l->arg == NULL)
		return lmsg(m, l, "needs its kernel size, as %s:2 or %s:2x2",
		    l->k->name, l->k->name);
	for (i = 0; i < 3; i++) {
		const char *s = i == 0 ? l->arg : grad_opt(l, keys[i]);

		if (s == NULL) {	/* stride: the kernel; pad: 0 */
			if (i == 1)
				memcpy(l->geo[1], l->geo[0], sizeof l->geo[1]);
			else
				memset(l->geo[2], 0, sizeof l->geo[2]);
			continue;
		}
		if ((why = grad_sizes(l, i == 0 ? "kernel" : keys[i], s,
		    i < 2, TP_MAXDIM, v, &n, m)) != NULL)
			return why;
		if (n > 1 && d != 0 && n != d)
			return lmsg(m, l, "%s '%s' has %d entries, not %d",
			    i == 0 ? "kernel" : keys[i], s, n, d);
		if (n > 1)
			d = n;
		for (a = 0; a < TP_MAXDIM; a++)
			l->geo[i][a] = v[a < n ? a : n - 1];
	}
	l->a[0] = d;
	for (a = 0; a < TP_MAXDIM; a++)
		if (l->geo[2][a] * 2 > l->geo[0][a])
			return lmsg(m, l, "pad %zu is more than half the "
			    "kernel %zu (as PyTorch refuses)", l->geo[2][a],
			    l->geo[0][a]);
	return NULL;
}

/* The pooled axes of x: d, and their first axis. */
static int
pooled(const struct layer *l, const struct tp_tensor *x, int *first)
{
	int d = l->a[0] > 0 ? (int)l->a[0] : x->ndim - 2;

	if (d < 1)
		d = 1;
	*first = x->ndim - d;
	return d;
}

/*
 * Call visit for every output element o and every input element inside
 * its window (in C order of the window), as flat indices into x (i) and
 * z (o); the window's padded positions are visited with i = -1.
 */
struct walk {
	const struct tp_tensor *x;
	size_t outer, in[TP_MAXDIM], out[TP_MAXDIM], k[TP_MAXDIM],
	    s[TP_MAXDIM], p[TP_MAXDIM];
	size_t n, *rel;		/* the kernel's size; the flat offset of
				 * each of its positions from the window's
				 * first, in C order (walk_init allocates) */
	size_t pos[TP_MAXDIM], at;	/* the next output: its position on
					 * the pooled axes, its outer index */
	int d;
};

static void
walk_init(struct walk *w, const struct layer *l, const struct tp_tensor *x,
    const size_t *outshape)
{
	size_t j;
	int a, first;

	memset(w, 0, sizeof *w);
	w->x = x;
	w->d = pooled(l, x, &first);
	w->outer = 1;
	for (a = 0; a < first; a++)
		w->outer *= x->shape[a];
	for (a = 0; a < w->d; a++) {
		w->in[a] = x->shape[first + a];
		w->out[a] = outshape[first + a];
		w->k[a] = l->geo[0][a];
		w->s[a] = l->geo[1][a];
		w->p[a] = l->geo[2][a];
	}
	w->n = 1;
	for (a = 0; a < w->d; a++)
		w->n *= w->k[a];
	w->rel = tp_emalloc(w->n * sizeof *w->rel);
	for (j = 0; j < w->n; j++) {
		size_t q = j, flat = 0, stride = 1;

		for (a = w->d - 1; a >= 0; a--) {
			flat += q % w->k[a] * stride;
			q /= w->k[a];
			stride *= w->in[a];
		}
		w->rel[j] = flat;
	}
}

/* The next output element's window (the first call: output 0's, then
 * in C order): idx[] receives the flat input index of each of its
 * kernel positions, or (size_t)-1 for padding; returns how many (the
 * kernel's size). */
static size_t
window(struct walk *w, size_t *idx)
{
	size_t pos[TP_MAXDIM], base = w->at, n = w->n, j, first = 0;
	int a, inside = 1;

	memcpy(pos, w->pos, (size_t)w->d * sizeof *pos);
	for (a = w->d - 1; a >= 0; a--) {	/* the one after: no division */
		if (++w->pos[a] < w->out[a])
			break;
		w->pos[a] = 0;
	}
	if (a < 0)
		w->at++;
	for (a = 0; a < w->d; a++) {
		size_t at = pos[a] * w->s[a];

		base *= w->in[a];
		/* no padding in the window: its first element and rel[] */
		if (at < w->p[a] || at - w->p[a] + w->k[a] > w->in[a])
			inside = 0;
		else
			first = first * w->in[a] + at - w->p[a];
	}
	if (inside) {
		for (j = 0; j < n; j++)
			idx[j] = base + first + w->rel[j];
		return n;
	}
	for (j = 0; j < n; j++) {
		size_t q = j, flat = 0, stride = 1;
		int pad = 0;

		for (a = w->d - 1; a >= 0; a--) {
			size_t kk = q % w->k[a];
			long long c = (long long)(pos[a] * w->s[a] + kk) -
			    (long long)w->p[a];

			q /= w->k[a];
			if (c < 0 || c >= (long long)w->in[a])
				pad = 1;
			else
				flat += (size_t)c * stride;
			stride *= w->in[a];
		}
		idx[j] = pad ? (size_t)-1 : base + flat;
	}
	return n;
}


/*
 * Two pooled axes, no padding (every window inside X): each plane's
 * windows walked by row and column, typed, where window() computes
 * every window's indices.  The same values as the walk: the maximum
 * taken in the same C order with the same comparison (the first of
 * equals, -0 before 0, kept), the mean summed in double in that order,
 * dL/dX added to in the order of the outputs.  PLANE2_FWD(T) and
 * PLANE2_BWD(T) make the functions for the element type T.
 */
struct plane2 {
	size_t planes, h, w, oh, ow, kh, kw, sh, sw;
	int ismax;
};

/* Fill *p for x (d 2 and no padding) and z's shape: 1, or 0 (walk). */
static int
plane2_of(const struct layer *l, const struct tp_tensor *x,
    const size_t *zshape, struct plane2 *p)
{
	int first, d = pooled(l, x, &first);

	if (d != 2 || first < 0 || l->geo[2][0] != 0 || l->geo[2][1] != 0 ||
	    (x->dtype != TP_F4 && x->dtype != TP_F8))
		return 0;
	p->planes = x->count / (x->shape[first] * x->shape[first + 1]);
	p->h = x->shape[first];
	p->w = x->shape[first + 1];
	p->oh = zshape[first];
	p->ow = zshape[first + 1];
	p->kh = l->geo[0][0];
	p->kw = l->geo[0][1];
	p->sh = l->geo[1][0];
	p->sw = l->geo[1][1];
	p->ismax = l->k->name[0] == 'm';
	return 1;
}

/* 1 if p is the 2x2 max pool of stride 2 (max22_fwd, max22_bwd). */
static int
max22(const struct plane2 *p)
{
	return p->ismax && p->kh == 2 && p->kw == 2 && p->sh == 2 &&
	    p->sw == 2;
}

#define PLANE2_FWD(T)							\
TP_CLONES								\
static void								\
plane2_fwd_##T(const struct plane2 *p, const T *x, T *z)		\
{									\
	size_t q, i, j, a, b, n = p->kh * p->kw;			\
									\
	for (q = 0; q < p->planes; q++)					\
		for (i = 0; i < p->oh; i++)				\
			for (j = 0; j < p->ow; j++, z++) {		\
				const T *r = x + (q * p->h + i * p->sh) * \
				    p->w + j * p->sw;			\
				T best = -INFINITY;			\
				double s = 0;				\
									\
				for (a = 0; a < p->kh; a++, r += p->w)	\
					for (b = 0; b < p->kw; b++) {	\
						T v = r[b];		\
									\
						best = v > best ? v :	\
						    best;		\
						s += v;			\
					}				\
				*z = p->ismax ? best : (T)(s / (double)n); \
			}						\
}

#define PLANE2_BWD(T)							\
TP_CLONES								\
static void								\
plane2_bwd_##T(const struct plane2 *p, const T *x, const T *dz, T *dx)	\
{									\
	size_t q, i, j, a, b, n = p->kh * p->kw;			\
									\
	for (q = 0; q < p->planes; q++)					\
		for (i = 0; i < p->oh; i++)				\
			for (j = 0; j < p->ow; j++, dz++) {		\
				size_t at = (q * p->h + i * p->sh) *	\
				    p->w + j * p->sw, best_at = at;	\
				const T *r = x + at;			\
				T best = -INFINITY;			\
				double g = *dz;				\
									\
				for (a = 0; a < p->kh; a++, r += p->w)	\
					for (b = 0; b < p->kw; b++) {	\
						int gt = r[b] > best;	\
									\
						best = gt ? r[b] : best; \
						best_at = gt ? at +	\
						    a * p->w + b :	\
						    best_at;		\
					}				\
				if (p->ismax) {				\
					if (best > -INFINITY)		\
						dx[best_at] = (T)((double) \
						    dx[best_at] + g);	\
					continue;			\
				}					\
				for (a = 0; a < p->kh; a++)		\
					for (b = 0; b < p->kw; b++) {	\
						T *e = dx + at +	\
						    a * p->w + b;	\
									\
						*e = (T)((double)*e +	\
						    g / (double)n);	\
					}				\
			}						\
}

PLANE2_FWD(float)
PLANE2_FWD(double)
PLANE2_BWD(float)
PLANE2_BWD(double)

/*
 * The 2x2 max pool of stride 2 (the conv nets'), VL outputs at a time in
 * vectors of 32 bytes (GCC vector extensions; AVX2 in the clone picked
 * at run time): a window's four values in even and odd lanes of two
 * rows, compared in the same order as plane2's, best = v > best ? v :
 * best by masks.  Backward writes every element of dL/dX (fresh
 * memory, no zeroing): 0 + g at the first maximum (-0 as 0, as
 * plane2's sum into zeros), 0 elsewhere and outside the windows.
 */
/* m ? a : b, lane by lane, for the mask m of vector type M. */
#define SEL22(M, m, a, b)						\
	((__typeof__(a))(((m) & (M)(a)) | (~(m) & (M)(b))))

#define MAX22(T, I, VL)					\
typedef T v_##T __attribute__((vector_size(32)));			\
typedef I m_##T __attribute__((vector_size(32)));			\
									\
/* The window values of VL outputs from r0 and r1 at column 2 j. */	\
static inline void							\
quad_##T(const T *r0, const T *r1, v_##T q[4])				\
{									\
	v_##T a, b, c, d;						\
									\
	__builtin_memcpy(&a, r0, sizeof a);				\
	__builtin_memcpy(&b, r0 + VL, sizeof b);			\
	__builtin_memcpy(&c, r1, sizeof c);				\
	__builtin_memcpy(&d, r1 + VL, sizeof d);			\
	q[0] = __builtin_shufflevector(a, b, EVEN_##T);			\
	q[1] = __builtin_shufflevector(a, b, ODD_##T);			\
	q[2] = __builtin_shufflevector(c, d, EVEN_##T);			\
	q[3] = __builtin_shufflevector(c, d, ODD_##T);			\
}									\
									\
TP_CLONES								\
static void								\
max22_fwd_##T(const struct plane2 *p, const T *x, T *z)		\
{									\
	size_t q, i, j, t;						\
									\
	for (q = 0; q < p->planes; q++)					\
		for (i = 0; i < p->oh; i++, z += p->ow) {		\
			const T *r0 = x + (q * p->h + 2 * i) * p->w;	\
			const T *r1 = r0 + p->w;			\
									\
			for (j = 0; j + VL <= p->ow; j += VL) {		\
				const v_##T zero = { 0 };		\
				v_##T w[4], best = zero + (T)-INFINITY;	\
									\
				quad_##T(r0 + 2 * j, r1 + 2 * j, w);	\
				for (t = 0; t < 4; t++)			\
					best = SEL22(m_##T,		\
					    w[t] > best, w[t], best);	\
				__builtin_memcpy(z + j, &best,		\
				    sizeof best);			\
			}						\
			for (; j < p->ow; j++) {			\
				T v[4] = { r0[2 * j], r0[2 * j + 1],	\
				    r1[2 * j], r1[2 * j + 1] }, b =	\
				    -INFINITY;				\
									\
				for (t = 0; t < 4; t++)			\
					b = v[t] > b ? v[t] : b;	\
				z[j] = b;				\
			}						\
		}							\
}									\
									\
TP_CLONES								\
static void								\
max22_bwd_##T(const struct plane2 *p, const T *x, const T *dz, T *dx)	\
{									\
	size_t q, i, j, t;						\
									\
	for (q = 0; q < p->planes; q++) {				\
		for (i = 0; i < p->oh; i++, dz += p->ow) {		\
			size_t at = (q * p->h + 2 * i) * p->w;		\
			const T *r0 = x + at, *r1 = r0 + p->w;		\
			T *d0 = dx + at, *d1 = d0 + p->w;		\
									\
			for (j = 0; j + VL <= p->ow; j += VL) {		\
				const v_##T zero = { 0 };		\
				v_##T w[4], g, best, e0, o0, e1, o1;	\
				m_##T pos, m, k;			\
									\
				quad_##T(r0 + 2 * j, r1 + 2 * j, w);	\
				__builtin_memcpy(&g, dz + j, sizeof g);	\
				g = g + zero;	/* -0 as 0 */		\
				best = zero + (T)-INFINITY;		\
				pos = (m_##T)zero - 1;	/* none */	\
				for (t = 0; t < 4; t++) {		\
					m = w[t] > best;		\
					best = SEL22(m_##T, m, w[t],	\
					    best);			\
					k = (m_##T)zero + (I)t;		\
					pos = (m & k) | (~m & pos);	\
				}					\
				e0 = SEL22(m_##T, pos == 0, g, zero);	\
				o0 = SEL22(m_##T, pos == 1, g, zero);	\
				e1 = SEL22(m_##T, pos == 2, g, zero);	\
				o1 = SEL22(m_##T, pos == 3, g, zero);	\
				w[0] = __builtin_shufflevector(e0, o0,	\
				    LO_##T);				\
				w[1] = __builtin_shufflevector(e0, o0,	\
				    HI_##T);				\
				w[2] = __builtin_shufflevector(e1, o1,	\
				    LO_##T);				\
				w[3] = __builtin_shufflevector(e1, o1,	\
				    HI_##T);				\
				__builtin_memcpy(d0 + 2 * j, &w[0],	\
				    sizeof w[0]);			\
				__builtin_memcpy(d0 + 2 * j + VL,	\
				    &w[1], sizeof w[1]);		\
				__builtin_memcpy(d1 + 2 * j, &w[2],	\
				    sizeof w[2]);			\
				__builtin_memcpy(d1 + 2 * j + VL,	\
				    &w[3], sizeof w[3]);		\
			}						\
			for (; j < p->ow; j++) {			\
				T v[4] = { r0[2 * j], r0[2 * j + 1],	\
				    r1[2 * j], r1[2 * j + 1] }, b =	\
				    -INFINITY;				\
				T *d[4] = { d0 + 2 * j, d0 + 2 * j + 1,	\
				    d1 + 2 * j, d1 + 2 * j + 1 };	\
				int at4 = -1;				\
									\
				for (t = 0; t < 4; t++) {		\
					int gt = v[t] > b;		\
									\
					b = gt ? v[t] : b;		\
					at4 = gt ? (int)t : at4;	\
				}					\
				for (t = 0; t < 4; t++)			\
					*d[t] = (int)t == at4 ?		\
					    (T)(0 + dz[j]) : 0;		\
			}						\
			/* the column outside the windows */		\
			for (j = 2 * p->ow; j < p->w; j++)		\
				d0[j] = d1[j] = 0;			\
		}							\
		/* the row outside the windows */			\
		for (i = 2 * p->oh; i < p->h; i++)			\
			memset(dx + (q * p->h + i) * p->w, 0,		\
			    p->w * sizeof *dx);				\
	}								\
}

#define EVEN_float 0, 2, 4, 6, 8, 10, 12, 14
#define ODD_float 1, 3, 5, 7, 9, 11, 13, 15
#define LO_float 0, 8, 1, 9, 2, 10, 3, 11
#define HI_float 4, 12, 5, 13, 6, 14, 7, 15
#define EVEN_double 0, 2, 4, 6
#define ODD_double 1, 3, 5, 7
#define LO_double 0, 4, 1, 5
#define HI_double 2, 6, 3, 7
MAX22(float, int32_t, 8)
MAX22(double, int64_t, 4)

/*
 * The plane paths over the net's threads, a run of planes each (each
 * plane's outputs computed as on one thread: the same bytes).  bwd 0:
 * z from x; bwd 1: dx from x and dz.
 */
struct planes {
	struct plane2 p;
	int max22, bwd, f4;
	const char *x, *dz;
	char *z, *dx;
};

static void
planes_run(void *arg, size_t lo, size_t hi)
{
	const struct planes *j = arg;
	struct plane2 p = j->p;
	size_t es = j->f4 ? 4 : 8, in = p.h * p.w * es, out = p.oh * p.ow * es;
	const char *x = j->x + lo * in;

	p.planes = hi - lo;
	if (!j->bwd) {
		char *z = j->z + lo * out;

		if (j->max22 && j->f4)
			max22_fwd_float(&p, (const void *)x, (void *)z);
		else if (j->max22)
			max22_fwd_double(&p, (const void *)x, (void *)z);
		else if (j->f4)
			plane2_fwd_float(&p, (const void *)x, (void *)z);
		else
			plane2_fwd_double(&p, (const void *)x, (void *)z);
	} else {
		const char *dz = j->dz + lo * out;
		char *dx = j->dx + lo * in;

		if (j->max22 && j->f4)
			max22_bwd_float(&p, (const void *)x, (const void *)dz,
			    (void *)dx);
		else if (j->max22)
			max22_bwd_double(&p, (const void *)x,
			    (const void *)dz, (void *)dx);
		else if (j->f4)
			plane2_bwd_float(&p, (const void *)x,
			    (const void *)dz, (void *)dx);
		else
			plane2_bwd_double(&p, (const void *)x,
			    (const void *)dz, (void *)dx);
	}
}

static void
planes_split(const struct layer *l, const struct plane2 *p, int bwd,
    const struct tp_tensor *x, const void *dz, void *out)
{
	struct planes j;

	memset(&j, 0, sizeof j);
	j.p = *p;
	j.max22 = max22(p);
	j.bwd = bwd;
	j.f4 = x->dtype == TP_F4;
	j.x = x->data;
	j.dz = dz;
	grad_blas_rest(x->nbytes);
	if (bwd)
		j.dx = out;
	else
		j.z = out;
	grad_split(l->net, p->planes, 1, planes_run, &j);
}

static tp_why
pool_fwd(struct layer *l, const struct tp_tensor *x, struct tp_tensor *z,
    struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN];
	size_t shape[TP_MAXDIM], *idx, o, j, n;
	struct walk w;
	struct plane2 p;
	int a, first, d = pooled(l, x, &first), ismax = l->k->name[0] == 'm';

	if (first < 0 || x->ndim < 1)
		return lmsg(m, l, "X %s has fewer than the %d pooled axes",
		    shp(x, sa), d);
	memcpy(shape, x->shape, (size_t)x->ndim * sizeof *shape);
	for (a = 0; a < d; a++) {
		size_t in = x->shape[first + a] + 2 * l->geo[2][a];

		if (in < l->geo[0][a])
			return lmsg(m, l, "X %s: axis %d (%zu, padded %zu) is "
			    "shorter than the kernel %zu", shp(x, sa),
			    first + a, x->shape[first + a], in, l->geo[0][a]);
		shape[first + a] = (in - l->geo[0][a]) / l->geo[1][a] + 1;
	}
	*z = fresh(x->dtype, x->ndim, shape);	/* written whole */
	if (plane2_of(l, x, shape, &p)) {
		planes_split(l, &p, 0, x, NULL, z->data);
		return NULL;
	}
	walk_init(&w, l, x, shape);
	n = w.n;
	idx = tp_emalloc(n * sizeof *idx);
	for (o = 0; o < z->count; o++) {
		double best = -INFINITY, s = 0;

		window(&w, idx);
		for (j = 0; j < n; j++) {
			double v = idx[j] == (size_t)-1 ? (ismax ? -INFINITY :
			    0) : ld(x, idx[j]);

			best = v > best ? v : best;	/* no branch */
			s += v;
		}
		st(z, o, ismax ? best : s / (double)n);
	}
	free(idx);
	free(w.rel);
	return NULL;
}

static void
pool_bwd(struct layer *l, const struct tp_tensor *x,
    const struct tp_tensor *z, const struct tp_tensor *dz,
    struct tp_tensor *dx)
{
	size_t *idx, o, j, n;
	struct walk w;
	struct plane2 p;
	int ismax = l->k->name[0] == 'm';

	if (dx == NULL)
		return;
	if (plane2_of(l, x, z->shape, &p) && max22(&p)) {
		*dx = fresh(x->dtype, x->ndim, x->shape);
		planes_split(l, &p, 1, x, dz->data, dx->data);
		return;
	}
	*dx = like(x);
	if (plane2_of(l, x, z->shape, &p)) {
		planes_split(l, &p, 1, x, dz->data, dx->data);
		return;
	}
	walk_init(&w, l, x, z->shape);
	n = w.n;
	idx = tp_emalloc(n * sizeof *idx);
	for (o = 0; o < z->count; o++) {
		double g = ld(dz, o);

		window(&w, idx);
		if (ismax) {	/* the first maximum takes it all */
			size_t at = (size_t)-1;
			double best = -INFINITY;

			for (j = 0; j < n; j++) {
				double v = idx[j] == (size_t)-1 ? -INFINITY :
				    ld(x, idx[j]);
				int gt = v > best;

				/* no branch on gt: random data mispredicts */
				best = gt ? v : best;
				at = gt ? idx[j] : at;
			}
			if (at != (size_t)-1)
				st(dx, at, ld(dx, at) + g);
			continue;
		}
		for (j = 0; j < n; j++)
			if (idx[j] != (size_t)-1)
				st(dx, idx[j], ld(dx, idx[j]) + g / (double)n);
	}
	free(idx);
	free(w.rel);
}

const struct kind grad_pool_kinds[] = {
	{ "maxpool", 0, { NULL }, 0, pool_fwd, pool_bwd, pool_params,
	  "$O = the maximum of each window of $I (kernel K, stride S, "
	  "padding P on the pooled axes)",
	  "dL/d$I = dL/d$O routed to the first maximum of each window "
	  "(0 elsewhere; windows that overlap add)",
	  NULL, NULL, "K", "stride pad", NULL,
	  0, NULL },
	{ "avgpool", 0, { NULL }, 0, pool_fwd, pool_bwd, pool_params,
	  "$O = the mean of each window of $I (kernel K, stride S, padding "
	  "P counted as zeros)",
	  "dL/d$I = dL/d$O / (the kernel's size) spread over each window "
	  "(windows that overlap add)",
	  NULL, NULL, "K", "stride pad", NULL,
	  0, NULL },
};
