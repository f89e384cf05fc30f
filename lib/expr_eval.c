/*
 * expr_eval.c - tmath's evaluation (expr.h, expr_impl.h): the whole tree
 * over one block of BLOCK output elements at a time, each node into its
 * own per-thread block buffer (operands gathered through their
 * broadcast strides, inputs cast to their loop types, the kernel, the
 * result narrowed to its dtype), blocks fanned out on threads; and the
 * 0-d nodes resolution computes at once.
 */
#include <stdint.h>
#include <string.h>

#include "engine.h"
#include "expr_impl.h"

static const size_t kind_size[] = { 8, 4, 8, 8, 16 };

/* --- evaluation ------------------------------------------------------- */

/* Thread tid's four block buffers for node k: 0 for its result, 1..3 for
 * its inputs cast to their loop types. */
static unsigned char *
slot(const struct tp_expr *e, int tid, int k, int j)
{
	return e->scratch[tid] + ((size_t)k * 4 + (size_t)j) * SLOT;
}

/* Gather operand elements for output elements [start, start + n) of a
 * broadcast operand into raw elements at dst. */
static void
gather(const struct tp_expr *e, const struct node *nd, const unsigned char
    *src, size_t start, size_t n, unsigned char *dst)
{
	size_t esz = tp_dtype_size(nd->dt), idx[TP_MAXDIM], rest = start;
	int d, last = e->ndim - 1;

	for (d = last; d >= 0; d--) {
		idx[d] = rest % e->shape[d];
		rest /= e->shape[d];
	}
	while (n > 0) {
		size_t off = 0, run = e->shape[last] - idx[last], i;

		for (d = 0; d <= last; d++)
			off += idx[d] * nd->bstride[d];
		if (run > n)
			run = n;
		if (nd->bstride[last])
			memcpy(dst, src + off * esz, run * esz);
		else
			for (i = 0; i < run; i++)
				memcpy(dst + i * esz, src + off * esz, esz);
		dst += run * esz;
		n -= run;
		idx[last] += run;
		for (d = last; d > 0 && idx[d] == e->shape[d]; d--) {
			idx[d] = 0;
			idx[d - 1]++;
		}
	}
}

/* Fill n storage elements of dtype t with value v. */
static void
fill(void *dst, const union val *v, enum tp_dtype t, size_t n)
{
	size_t i;

	switch (kind_size[expr_kind_of(t)]) {
	case 4:
		for (i = 0; i < n; i++)
			((float *)dst)[i] = v->f;
		break;
	case 8:
		for (i = 0; i < n; i++)
			((int64_t *)dst)[i] = v->i;
		break;
	default:
		for (i = 0; i < n; i++)
			memcpy((unsigned char *)dst + 16 * i, v, 16);
		break;
	}
}

/* out[i] = c[i] ? a[i] : b[i] for storage elements of dtype t: both
 * loaded, so that the choice is a blend, not a branch (a random
 * condition mispredicts half the time). */
TP_CLONES_512
static void
choose(void *restrict out, const int64_t *restrict c, const void *restrict a,
    const void *restrict b, enum tp_dtype t, size_t n)
{
	size_t i;

	switch (kind_size[expr_kind_of(t)]) {
	case 4:
		for (i = 0; i < n; i++) {
			float x = ((const float *)a)[i];
			float y = ((const float *)b)[i];

			((float *)out)[i] = c[i] ? x : y;
		}
		break;
	case 8:
		for (i = 0; i < n; i++) {
			int64_t x = ((const int64_t *)a)[i];
			int64_t y = ((const int64_t *)b)[i];

			((int64_t *)out)[i] = c[i] ? x : y;
		}
		break;
	default:
		for (i = 0; i < 2 * n; i++) {
			int64_t x = ((const int64_t *)a)[i];
			int64_t y = ((const int64_t *)b)[i];

			((int64_t *)out)[i] = c[i / 2] ? x : y;
		}
		break;
	}
}

static const void *eval_into(struct tp_expr *, int tid, int k,
    size_t start, size_t n, void *into);
#define eval(e, tid, k, start, n) eval_into(e, tid, k, start, n, NULL)

/* Operand node k over output elements [start, start + n): a pointer to
 * n storage elements of its dtype, read in place when its raw elements
 * are their own storage in the output's order, else gathered (when it
 * broadcasts) and loaded into thread tid's buffers of node k. */
static const void *
eval_operand(struct tp_expr *e, int tid, int k, size_t start, size_t n)
{
	struct node *nd = &e->nodes[k];
	unsigned char *o = slot(e, tid, k, 0);
	size_t esz = tp_dtype_size(nd->dt);
	const unsigned char *base = e->chunk && e->chunk[nd->var] ?
	    (const unsigned char *)e->chunk[nd->var] -
	    e->start * esz : e->ops[nd->var].data;

	if (nd->direct) {
		if (expr_raw_is_storage(nd->dt))
			return base + start * esz;
		expr_load(o, base + start * esz, nd->dt, n);
		return o;
	}
	if (expr_raw_is_storage(nd->dt)) {
		gather(e, nd, base, start, n, o);
		return o;
	}
	gather(e, nd, base, start, n, slot(e, tid, k, 1));
	expr_load(o, slot(e, tid, k, 1), nd->dt, n);
	return o;
}

/* The inputs of call node k over output elements [start, start + n),
 * each cast to its loop type ct[j], into in[0 .. nin) (angle of a
 * complex number: its one input in both in[0] and in[1]; a cast: its
 * input as it is).  Returns -1 if a kernel failed, else 0. */
static int
eval_inputs(struct tp_expr *e, int tid, int k, size_t start, size_t n,
    const void **in)
{
	struct node *nd = &e->nodes[k];
	int j;

	for (j = 0; j < nd->nin; j++) {
		const struct node *a = &e->nodes[nd->arg[j]];

		if (nd->fn == F_ANGLE && nd->op != F_ATAN2 && j == 0) {
			in[0] = NULL;
			continue;
		}
		if (a->scalar && a->dt != nd->ct[j] && nd->fn != F_CAST) {
			union val v;	/* a constant: convert it once */

			expr_conv(&v, nd->ct[j], &a->val, a->dt, 1);
			fill(slot(e, tid, k, j + 1), &v, nd->ct[j], n);
			in[j] = slot(e, tid, k, j + 1);
			continue;
		}
		if ((in[j] = eval(e, tid, nd->arg[j], start, n)) == NULL)
			return -1;
		if (a->dt != nd->ct[j] && !(nd->fn == F_CAST)) {
			expr_conv(slot(e, tid, k, j + 1), nd->ct[j], in[j],
			    a->dt, n);
			in[j] = slot(e, tid, k, j + 1);
		}
	}
	if (nd->fn == F_ANGLE && nd->op != F_ATAN2)
		in[0] = in[1];
	return 0;
}

/* Call node nd's kernel for its loop type's storage kind on n elements
 * of its inputs in into o.  Returns -1, with the failure and its column
 * recorded in e, for an integer raised to a negative power; else 0. */
static int
run_kernel(struct tp_expr *e, const struct node *nd, unsigned char *o,
    const void *const *in, size_t n)
{
	switch (expr_kind_of(nd->ct[0])) {
	case K_I:
		if (expr_kernel_int(nd->op, nd->ct[0], (int64_t *)o, in[0],
		    nd->nin > 1 ? in[1] : NULL, nd->nin > 2 ? in[2] :
		    NULL, n) < 0) {
			__atomic_store_n(&e->failed, 1, __ATOMIC_RELAXED);
			e->failpos = nd->pos;
			return -1;
		}
		break;
	case K_F:
		if (nd->ct[0] == TP_F2 && expr_kernel_h(nd->op, (float *)o,
		    in[0], nd->nin > 1 ? in[1] : NULL, nd->nin > 2 ? in[2] :
		    NULL, n))
			break;
		expr_kernel_f(nd->op, o, in[0], nd->nin > 1 ? in[1] : NULL,
		    nd->nin > 2 ? in[2] : NULL, n);
		break;
	case K_D:
		expr_kernel_d(nd->op, o, in[0], nd->nin > 1 ? in[1] : NULL,
		    nd->nin > 2 ? in[2] : NULL, n);
		break;
	case K_CF:
		expr_kernel_cf(nd->op, o, in[0], nd->nin > 1 ? in[1] : NULL,
		    nd->nin > 2 ? in[2] : NULL, n);
		break;
	default:
		expr_kernel_cd(nd->op, o, in[0], nd->nin > 1 ? in[1] : NULL,
		    nd->nin > 2 ? in[2] : NULL, n);
		break;
	}
	return 0;
}

/* Node k over output elements [start, start + n) (n <= BLOCK): a pointer
 * to n storage elements of its dtype, in into if it is not NULL and k is
 * a call (the root, straight into the output), else in thread tid's
 * buffer.  Returns NULL if a kernel failed. */
static const void *
eval_into(struct tp_expr *e, int tid, int k, size_t start, size_t n,
    void *into)
{
	struct node *nd = &e->nodes[k];
	unsigned char *o = into && nd->kind == N_CALL ? into :
	    slot(e, tid, k, 0);
	const void *in[3];

	if (nd->scalar) {
		fill(o, &nd->val, nd->dt, n);
		return o;
	}
	if (nd->kind == N_VAR)
		return eval_operand(e, tid, k, start, n);
	if (eval_inputs(e, tid, k, start, n, in) < 0)
		return NULL;
	if (nd->fn == F_CAST) {
		expr_conv(o, nd->dt, in[0], e->nodes[nd->arg[0]].dt, n);
		return o;
	}
	if (nd->fn == F_WHERE) {
		choose(o, in[0], in[1], in[2], nd->dt, n);
		return o;
	}
	if (run_kernel(e, nd, o, in, n) < 0)
		return NULL;
	expr_narrow_block(o, nd->dt, nd->ct[0], n);
	return o;
}

/* Make room for threads threads' block buffers. */
static void
ensure_scratch(struct tp_expr *e, int threads)
{
	while (e->nscratch < threads)
		e->scratch[e->nscratch++] = tp_emalloc((size_t)e->nnodes * 4 *
		    SLOT);
}

/* Compute 0-d node k now, into its value. */
tp_why
expr_eval_scalar(struct tp_expr *e, int k, struct tp_msg *m)
{
	struct node *nd = &e->nodes[k];
	const void *v;
	char q[200];

	ensure_scratch(e, 1);
	e->chunk = NULL;
	if ((v = eval(e, 0, k, 0, 1)) == NULL) {
		e->failed = 0;
		tp_quote(e->src, strlen(e->src), q, sizeof q);
		return tp_msgf(m, "expression '%s', column %d: integers to "
		    "negative integer powers are not allowed", q, nd->pos);
	}
	memcpy(&nd->val, v, kind_size[expr_kind_of(nd->dt)]);
	nd->scalar = 1;
	return NULL;
}

/* One block of tp_expr_run. */
static void
run_block(void *arg, size_t b, int tid)
{
	struct tp_expr *e = arg;
	size_t first = e->start + b * BLOCK;
	size_t n = e->start + e->n - first < BLOCK ? e->start + e->n - first :
	    BLOCK;
	const struct node *r = &e->nodes[e->root];
	unsigned char *dst = e->dst + (first - e->start) *
	    tp_dtype_size(e->outdt);
	const void *v;

	if (__atomic_load_n(&e->failed, __ATOMIC_RELAXED))
		return;
	if ((v = eval_into(e, tid, e->root, first, n, r->dt == e->outdt &&
	    expr_raw_is_storage(r->dt) ? dst : NULL)) == NULL || v == dst)
		return;
	if (r->dt != e->outdt) {
		expr_conv(slot(e, tid, e->root, 1), e->outdt, v, r->dt, n);
		v = slot(e, tid, e->root, 1);
	}
	expr_store(dst, v, e->outdt, n);
}

tp_why
tp_expr_run(struct tp_expr *e, const struct tp_tensor *ops,
    const void *const *chunk, size_t start, size_t n, void *dst,
    int threads, struct tp_msg *m)
{
	char q[200];
	size_t nb = (n + BLOCK - 1) / BLOCK;

	if (threads > TP_MAXTHREADS)
		threads = TP_MAXTHREADS;
	if ((size_t)threads > nb)
		threads = nb ? (int)nb : 1;
	ensure_scratch(e, threads);
	e->ops = ops;
	e->chunk = chunk;
	e->start = start;
	e->n = n;
	e->dst = dst;
	e->failed = 0;
	tp_parallel(threads, nb, run_block, e);
	if (e->failed) {
		tp_quote(e->src, strlen(e->src), q, sizeof q);
		return tp_msgf(m, "expression '%s', column %d: integers to "
		    "negative integer powers are not allowed", q, e->failpos);
	}
	return NULL;
}
