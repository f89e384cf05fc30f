/*
 * reshape_run.c - running a resolved plan of the reshape engine
 * (tp_reshape_run, reshape.h): the threaded permutation of raw elements
 * (tp_permute), a take's blocks, and on top of the permutation the
 * reductions (sum, mean, max, min) and the repeats of einops patterns.
 */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "reshape.h"
#include "reshape_impl.h"

struct run_job {
	struct tp_permute perm;
	void *dst;
	const void *src;
	size_t per;			/* blocks per item */
};

/* Item i of tp_parallel: its range of blocks. */
static void
run_item(void *arg, size_t i, int tid)
{
	struct run_job *j = arg;

	(void)tid;
	tp_permute_run(&j->perm, j->dst, j->src, i * j->per, (i + 1) * j->per);
}

/* Elements converted a chunk at a time for a reduction. */
#define REDUCE_CHUNK 256

/*
 * The index of the largest (max) or smallest (min) of the n elements at
 * p (dtype t, not complex); the first NaN wins, as numpy's max and min
 * propagate it.  64-bit integers are compared as they are, the other
 * dtypes as doubles (exact for them).
 */
static size_t
extreme(enum tp_op r, enum tp_dtype t, const unsigned char *p, size_t n)
{
	double v[REDUCE_CHUNK], best = 0;
	size_t at = 0, esz = tp_dtype_size(t);
	int mx = r == TP_OP_MAX;

	if (t == TP_I8 || t == TP_U8) {
		for (size_t i = 1; i < n; i++) {
			int64_t x, y;

			memcpy(&x, p + i * 8, 8);
			memcpy(&y, p + at * 8, 8);
			if (t == TP_U8 ? (mx ? (uint64_t)x > (uint64_t)y :
			    (uint64_t)x < (uint64_t)y) : (mx ? x > y : x < y))
				at = i;
		}
		return at;
	}
	for (size_t i0 = 0; i0 < n; i0 += REDUCE_CHUNK) {
		size_t c = n - i0 < REDUCE_CHUNK ? n - i0 : REDUCE_CHUNK;

		tp_convert(v, TP_F8, p + i0 * esz, t, c);
		if (i0 == 0)
			best = v[0];
		for (size_t i = 0; i < c; i++) {
			if (best != best)
				return at;
			if (v[i] != v[i] || (mx ? v[i] > best : v[i] < best)) {
				best = v[i];
				at = i0 + i;
			}
		}
	}
	return at;
}

/*
 * Reduce the n elements at p (dtype t) with r into the element at out
 * (dtype ot = reduce_dtype(r, t)).  Sums of integers and bool add up in
 * 64 bits of ot (wrapping), the others in double or complex double; the
 * result is converted to ot by tp_convert.
 */
static void
reduce_one(enum tp_op r, enum tp_dtype t, const unsigned char *p,
    size_t n, enum tp_dtype ot, unsigned char *out)
{
	union {
		uint64_t u[REDUCE_CHUNK];
		double d[REDUCE_CHUNK];
		double complex z[REDUCE_CHUNK];
	} v;
	size_t esz = tp_dtype_size(t);
	enum tp_dtype at = tp_dtype_is_complex(t) ? TP_C16 :
	    ot == TP_I8 || ot == TP_U8 ? ot : TP_F8;
	uint64_t iacc = 0;
	double complex acc = 0;

	if (r == TP_OP_MAX || r == TP_OP_MIN) {
		memcpy(out, p + extreme(r, t, p, n) * esz, esz);
		return;
	}
	for (size_t i0 = 0; i0 < n; i0 += REDUCE_CHUNK) {
		size_t c = n - i0 < REDUCE_CHUNK ? n - i0 : REDUCE_CHUNK;

		tp_convert(&v, at, p + i0 * esz, t, c);
		for (size_t i = 0; i < c; i++) {
			if (at == TP_C16)
				acc += v.z[i];
			else if (at == TP_F8)
				acc += v.d[i];
			else
				iacc += v.u[i];
		}
	}
	if (at == TP_I8 || at == TP_U8) {
		memcpy(out, &iacc, 8);
		return;
	}
	if (r == TP_OP_MEAN)	/* of no element: NaN, as numpy's mean */
		acc = n ? acc / (double)n : NAN * (1 + I);
	if (at == TP_F8) {
		double d = creal(acc);

		tp_convert(out, ot, &d, TP_F8, 1);
	} else
		tp_convert(out, ot, &acc, TP_C16, 1);
}

struct reduce_job {
	const struct tp_reshape_plan *plan;
	const unsigned char *data;	/* reduced axes last */
	unsigned char *dst;
	size_t per;			/* outputs per item */
};

/* Item i of tp_parallel: reduce its range of outputs. */
static void
reduce_item(void *arg, size_t i, int tid)
{
	const struct reduce_job *j = arg;
	const struct tp_reshape_plan *p = j->plan;
	size_t n = p->nreduce, esz = tp_dtype_size(p->in.dtype);
	size_t oes = tp_dtype_size(p->out.dtype), end = (i + 1) * j->per;

	(void)tid;
	if (end > p->out.count)
		end = p->out.count;
	for (size_t o = i * j->per; o < end; o++)
		reduce_one(p->op, p->in.dtype, j->data + o * n * esz, n,
		    p->out.dtype, j->dst + o * oes);
}

/* tp_reshape_run for a reduction: permute the reduced axes last (unless
 * they are), then reduce each output's run of elements. */
static void
reduce_run(const struct tp_reshape_plan *plan, void *dst, const void *src,
    int threads)
{
	struct tp_reshape_plan moved = *plan;
	struct reduce_job j = { plan, src, dst, 0 };
	unsigned char *tmp = NULL;
	size_t items;

	moved.op = TP_OP_REARRANGE;
	if (!reshape_moves_nothing(&moved)) {	/* reduced axes not last */
		tmp = tp_big_alloc(plan->in.nbytes);
		tp_reshape_run(&moved, tmp, src, threads);
		j.data = tmp;
	}
	if (plan->out.count == 0) {
		free(tmp);
		return;
	}
	if (plan->in.nbytes < ((size_t)1 << 20))
		threads = 1;
	items = (size_t)threads * 8;
	if (items > plan->out.count)
		items = plan->out.count;
	j.per = (plan->out.count + items - 1) / items;
	items = (plan->out.count + j.per - 1) / j.per;
	tp_parallel(threads, items, reduce_item, &j);
	free(tmp);
}

/* tp_reshape_run for --repeat: each input element nrepeat times in a
 * row (the new axes last), then the plan's permutation of that. */
static void
repeat_run(const struct tp_reshape_plan *plan, void *dst, const void *src,
    int threads)
{
	size_t esz = tp_dtype_size(plan->in.dtype), r = plan->nrepeat;
	struct tp_reshape_plan moved = *plan;
	const unsigned char *s = src;
	unsigned char *big;

	if (plan->out.nbytes == 0)
		return;
	big = tp_big_alloc(plan->out.nbytes);
	for (size_t i = 0; i < plan->in.count; i++)
		for (size_t k = 0; k < r; k++)
			memcpy(big + (i * r + k) * esz, s + i * esz, esz);
	moved.op = TP_OP_REARRANGE;
	moved.in.nbytes = plan->out.nbytes;
	tp_reshape_run(&moved, dst, big, threads);
	free(big);
}

void
tp_reshape_run(const struct tp_reshape_plan *plan, void *dst, const void *src,
    int threads)
{
	struct run_job j;
	size_t items;

	if (plan->take) {
		for (size_t b = 0; b < plan->nblock; b++)
			memcpy((unsigned char *)dst + b * plan->block,
			    (const unsigned char *)src + b * plan->stride +
			    plan->offset, plan->block);
		return;
	}
	if (TP_OP_REDUCES(plan->op)) {
		reduce_run(plan, dst, src, threads);
		return;
	}
	if (plan->op == TP_OP_REPEAT && plan->nrepeat != 1) {
		repeat_run(plan, dst, src, threads);
		return;
	}
	tp_permute_plan(&j.perm, tp_dtype_size(plan->in.dtype), plan->nel,
	    plan->el, plan->perm);
	if (j.perm.nblocks == 0)
		return;
	/* Small records are not worth a thread; else a few items per
	 * thread even out their speeds. */
	if (plan->in.nbytes < ((size_t)1 << 20))
		threads = 1;
	items = (size_t)threads * 8;
	if (items > j.perm.nblocks)
		items = j.perm.nblocks;
	j.per = (j.perm.nblocks + items - 1) / items;
	items = (j.perm.nblocks + j.per - 1) / j.per;
	j.dst = dst;
	j.src = src;
	tp_parallel(threads, items, run_item, &j);
}
