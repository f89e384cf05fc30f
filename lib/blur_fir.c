/*
 * blur_fir.c - the FIR path: one separable pass per blurred axis, rows
 * of whole lines for a large inner extent (out of place, or in place
 * when the axis is long enough), lines gathered apart for a small one,
 * the boundary's samples picked by blur_map_index.
 */
#include <stdlib.h>
#include <string.h>

#include "blur_impl.h"

/* --- fir path ----------------------------------------------------------- */

/* Lines ahead that fir_rows_item prefetches. */
#define PREFETCH 8

/* One FIR pass along one axis: the array is outer x n x inner, of reals
 * of esz bytes. */
struct fir_ctx {
	const struct blur_ops *ops;
	size_t esz;
	const char *src;
	char *dst;			/* may equal src for a gathering pass */
	size_t outer, n, inner;
	size_t per;		/* samples (rows) or lines (gather) per item */
	const void *w;			/* taps, by ops->set_taps */
	int r, odd;		/* radius; antisymmetric taps */
	enum tp_blur_boundary bnd;
	const char *zero;		/* inner zeros */
	const void **ptrs;		/* 2 (r + 1) per thread */
	char *ext;			/* n + 2 r per thread (gather) */
	char *line;			/* n per thread (gather, inner > 1) */
	char *saved;		/* rows pass, per thread: in place 2 (r + 1)
				 * lines of per samples, out of place
				 * 2 r + 1 (a ring) */
};

/*
 * Rows pass (inner large): item i is one outer index and one block of
 * per samples of the inner extent; each output line of the block is the
 * tap sum over the same block of whole input lines, picked by the
 * boundary.  Going down the lines of a narrow block keeps the 2r + 1
 * input lines it reads in the first-level cache: each is copied once
 * into a ring of 2r + 1 blocks side by side (extended line e, from -r
 * to n + r - 1, in block (e + r) mod (2r + 1)), since the lines
 * themselves, a power-of-two apart, would all fall in a few sets of
 * that cache.
 */
static void
fir_rows_item(void *arg, size_t i, int tid)
{
	struct fir_ctx *c = arg;
	size_t esz = c->esz, nblk = (c->inner + c->per - 1) / c->per;
	size_t o = i / nblk, c0 = i % nblk * c->per, l, w;
	size_t ls = c->inner * esz, r = (size_t)c->r, nr = 2 * r + 1;
	size_t ps = c->per * esz;
	const void **lo = c->ptrs + (size_t)tid * 2 * (r + 1);
	const void **hi = lo + r + 1;
	const char *base = c->src + (o * c->n * c->inner + c0) * esz;
	char *ring = c->saved + (size_t)tid * nr * ps;
	ptrdiff_t n = (ptrdiff_t)c->n, e, m;
	size_t k;

	w = c->inner - c0 < c->per ? c->inner - c0 : c->per;
	for (e = -(ptrdiff_t)r; e < n + (ptrdiff_t)r; e++) {
		char *at = ring + (size_t)(e + (ptrdiff_t)r) % nr * ps;

		m = e >= 0 && e < n ? e : blur_map_index(e, n, c->bnd);
		if (m < 0)
			memset(at, 0, w * esz);
		else
			memcpy(at, base + (size_t)m * ls, w * esz);
		/* the line PREFETCH below, whose block the hardware does
		 * not fetch ahead (a page or more apart) */
		if (e + PREFETCH >= 0 && e + PREFETCH < n)
			for (size_t b = 0; b < w * esz; b += 64)
				__builtin_prefetch(base + (size_t)(e +
				    PREFETCH) * ls + b);
		if (e < (ptrdiff_t)r)
			continue;
		/* output line l = e - r: extended lines l - r .. e */
		l = (size_t)(e - (ptrdiff_t)r);
		for (k = 0; k <= r; k++) {
			lo[k] = ring + (l + r - k) % nr * ps;
			hi[k] = ring + (l + r + k) % nr * ps;
		}
		c->ops->fir_line(c->dst + ((o * c->n + l) * c->inner + c0) *
		    esz, w, lo, hi, c->w, c->r, c->odd);
	}
}

/* Whether a rows pass along an axis of n samples at radius r can run in
 * place: then every input line an output line needs and that was
 * overwritten already is one of the r before it or one of lines 0..r
 * (for every boundary; checked for all n >= 2r + 2 up to r = 13). */
static int
rows_in_place(size_t n, int r)
{
	return n >= 2 * (size_t)r + 2;
}

/*
 * Rows pass in place (rows_in_place): as fir_rows_item, but the output
 * overwrites the input, line by line down the block.  Before line l is
 * overwritten, its input is saved in a ring of the last r + 1 lines and,
 * for l <= r, among the first r + 1 lines, where the boundary reaches
 * back to.
 */
static void
fir_rows_inplace_item(void *arg, size_t i, int tid)
{
	struct fir_ctx *c = arg;
	size_t esz = c->esz, nblk = (c->inner + c->per - 1) / c->per;
	size_t r1 = (size_t)c->r + 1, ls = c->inner * esz, ps = c->per * esz;
	size_t o = i / nblk, c0 = i % nblk * c->per, l, w;
	const void **lo = c->ptrs + (size_t)tid * 2 * r1, **hi = lo + r1;
	char *ring = c->saved + (size_t)tid * 2 * r1 * ps;
	char *head = ring + r1 * ps;
	char *base = c->dst + (o * c->n * c->inner + c0) * esz;
	ptrdiff_t n = (ptrdiff_t)c->n, j, m;
	int k;

	w = c->inner - c0 < c->per ? c->inner - c0 : c->per;
	for (l = 0; l < c->n; l++) {
		char *in = base + l * ls;

		memcpy(ring + l % r1 * ps, in, w * esz);
		if (l < r1)
			memcpy(head + l * ps, in, w * esz);
		for (k = 0; k <= c->r; k++) {
			for (int side = 0; side < 2; side++) {
				const char *at;

				j = side ? (ptrdiff_t)l + k : (ptrdiff_t)l - k;
				m = j >= 0 && j < n ? j :
				    blur_map_index(j, n, c->bnd);
				if (m < 0)
					at = c->zero;
				else if ((size_t)m > l)
					at = base + (size_t)m * ls;
				else if ((size_t)m + r1 > l)
					at = ring + (size_t)m % r1 * ps;
				else
					at = head + (size_t)m * ps;
				if (side)
					hi[k] = at;
				else
					lo[k] = at;
			}
		}
		c->ops->fir_line(in, w, lo, hi, c->w, c->r, c->odd);
	}
}

/*
 * Gathering pass (inner small, or 1): item i is a block of lines, each
 * (outer index, inner index) picked apart with stride inner into an
 * extended line of n + 2r samples, filtered, and put back.  Reals of esz
 * bytes (a constant: fir_gather_item).
 */
BY_SIZE
fir_gather_lines(struct fir_ctx *c, size_t i, int tid, size_t esz)
{
	size_t nl = c->outer * c->inner, l, l1, o, q, p;
	size_t r = (size_t)c->r, n = c->n, in = c->inner;
	const void **lo = c->ptrs + (size_t)tid * 2 * (r + 1);
	const void **hi = lo + r + 1;
	char *ext = c->ext + (size_t)tid * (n + 2 * r) * esz;
	char *line = c->line + (size_t)tid * n * esz;
	ptrdiff_t m;
	size_t k;

	l1 = (i + 1) * c->per < nl ? (i + 1) * c->per : nl;
	for (k = 0; k <= r; k++) {
		lo[k] = ext + (r - k) * esz;
		hi[k] = ext + (r + k) * esz;
	}
	for (l = i * c->per; l < l1; l++) {
		const char *s;
		char *d;

		o = l / in;
		q = l % in;
		s = c->src + (o * n * in + q) * esz;
		d = c->dst + (o * n * in + q) * esz;
		/* the line itself, then its extension at either end */
		if (in == 1)
			memcpy(ext + r * esz, s, n * esz);
		else
			for (p = 0; p < n; p++)
				memcpy(ext + (r + p) * esz, s + p * in * esz,
				    esz);
		for (p = 0; p < r; p++) {
			char *e = ext + p * esz;

			m = blur_map_index((ptrdiff_t)p - (ptrdiff_t)r,
			    (ptrdiff_t)n, c->bnd);
			if (m < 0)
				memset(e, 0, esz);
			else
				memcpy(e, ext + (r + (size_t)m) * esz, esz);
			e = ext + (r + n + p) * esz;
			m = blur_map_index((ptrdiff_t)(n + p), (ptrdiff_t)n,
			    c->bnd);
			if (m < 0)
				memset(e, 0, esz);
			else
				memcpy(e, ext + (r + (size_t)m) * esz, esz);
		}
		if (in == 1) {
			c->ops->fir_line(d, n, lo, hi, c->w, c->r, c->odd);
		} else {
			c->ops->fir_line(line, n, lo, hi, c->w, c->r, c->odd);
			for (p = 0; p < n; p++)
				memcpy(d + p * in * esz, line + p * esz, esz);
		}
	}
}

/* The tp_parallel item of fir_gather_lines. */
static void
fir_gather_item(void *arg, size_t i, int tid)
{
	struct fir_ctx *c = arg;

	if (c->esz == sizeof(float))
		fir_gather_lines(c, i, tid, sizeof(float));
	else
		fir_gather_lines(c, i, tid, sizeof(double));
}

/* Bytes of a line per item of a rows pass (a multiple of 4 vectors). */
#define ROWS_BYTES 1024

/* Below this many samples per line, a pass gathers lines apart. */
#define GATHER_INNER 16

/* Whether the FIR pass of axis a changes anything: sigma > 0, and not a
 * length-1 axis extended by its own value. */
static int
fir_needed(const struct tp_blur *b, int a)
{
	return b->sigma[a] > 0 && (b->shape[a] > 1 ||
	    b->o.boundary == TP_BLUR_ZERO || b->order[a] > 0);
}

/* A gathering pass of c, whose fields but its buffers are set, on th
 * threads. */
static void
fir_gather_pass(struct fir_ctx *c, int th)
{
	size_t esz = c->esz, r = (size_t)c->r;

	c->ext = tp_emalloc((size_t)th * (c->n + 2 * r) * esz);
	c->line = tp_emalloc((size_t)th * c->n * esz);
	c->per = 1 + 16384 / (c->n + 2 * r);
	tp_parallel(th, (c->outer * c->inner + c->per - 1) / c->per,
	    fir_gather_item, c);
	tp_timing_stamp("fir gathering pass");
	free(c->ext);
	free(c->line);
}

/* A rows pass of c in place (c->dst is c->src: rows_in_place), whose
 * fields but its buffers are set, on th threads. */
static void
fir_rows_inplace_pass(struct fir_ctx *c, int th)
{
	size_t esz = c->esz;
	char *z = tp_ecalloc(ROWS_BYTES / esz, esz);

	c->zero = z;
	c->per = ROWS_BYTES / esz;
	c->saved = tp_emalloc((size_t)th * 2 * ((size_t)c->r + 1) * c->per *
	    esz);
	tp_parallel(th, c->outer * ((c->inner + c->per - 1) / c->per),
	    fir_rows_inplace_item, c);
	tp_timing_stamp("fir rows pass in place");
	free(c->saved);
	free(z);
}

/* A rows pass of c out of place, whose fields but its buffers are set,
 * on th threads. */
static void
fir_rows_pass(struct fir_ctx *c, int th)
{
	c->per = ROWS_BYTES / c->esz;
	c->saved = tp_fft_alloc((size_t)th * (2 * (size_t)c->r + 1) *
	    c->per * c->esz);
	tp_parallel(th, c->outer * ((c->inner + c->per - 1) / c->per),
	    fir_rows_item, c);
	tp_timing_stamp("fir rows pass");
	tp_fft_free(c->saved);
}

/* Blur src (b's problem, reals of ops's type) by the FIR passes, one
 * per blurred axis; the result ends in data, which is src or does not
 * overlap it (then the first pass reads src: no copy of it first). */
void
blur_run_fir(struct tp_blur *b, const struct blur_ops *ops, const void *src,
    void *data)
{
	size_t count = 1, inner, outer, esz = ops->esz;
	char *bufs[2], *cur = data;
	const char *from = src != data ? src : NULL;	/* not yet read */
	int a, nrows = 0, ngather = 0, gather_out = 0, th = b->o.threads;

	for (a = 0; a < b->ndim; a++)
		count *= b->shape[a];
	for (a = 0; a < b->ndim; a++) {
		if (!fir_needed(b, a))
			continue;
		blur_extent(b->shape, b->ndim, a, &outer, &inner);
		if (inner < GATHER_INNER)
			ngather++;
		else if (!rows_in_place(b->shape[a], b->radius[a]))
			nrows++;
	}
	/* rows passes on short axes swap buffers; an odd number of them is
	 * evened out by one gathering pass out of place, else by a copy at
	 * the end (the others, and gathering passes, run in place) */
	gather_out = nrows % 2 == 1 && ngather > 0;
	bufs[0] = data;
	bufs[1] = NULL;
	if (nrows > 0 || gather_out) {
		if (b->firbuf == NULL)
			b->firbuf = tp_big_alloc(count * esz);
		bufs[1] = b->firbuf;
	}
	for (a = 0; a < b->ndim; a++) {
		struct fir_ctx c;
		int r = b->radius[a];
		void *wt;

		if (!fir_needed(b, a))
			continue;
		memset(&c, 0, sizeof c);
		blur_extent(b->shape, b->ndim, a, &outer, &inner);
		c.ops = ops;
		c.esz = esz;
		c.src = from != NULL ? from : cur;
		c.outer = outer;
		c.n = b->shape[a];
		c.inner = inner;
		c.r = r;
		c.odd = b->order[a] % 2;
		c.bnd = b->o.boundary;
		wt = tp_emalloc(((size_t)r + 1) * esz);
		ops->set_taps(wt, b->taps[a], r);
		c.w = wt;
		c.ptrs = tp_emalloc((size_t)th * 2 * ((size_t)r + 1) *
		    sizeof *c.ptrs);
		if (inner < GATHER_INNER) {
			c.dst = gather_out ? (cur == bufs[0] ? bufs[1] :
			    bufs[0]) : cur;
			gather_out = 0;
			fir_gather_pass(&c, th);
		} else if (from != NULL) {	/* src to data */
			c.dst = cur;
			fir_rows_pass(&c, th);
		} else if (rows_in_place(c.n, r)) {
			c.dst = cur;
			fir_rows_inplace_pass(&c, th);
		} else {
			c.dst = cur == bufs[0] ? bufs[1] : bufs[0];
			fir_rows_pass(&c, th);
		}
		cur = c.dst;
		from = NULL;
		free(wt);
		free(c.ptrs);
	}
	if (from != NULL)		/* no pass */
		memcpy(data, from, count * esz);
	else if (cur != data)
		memcpy(data, cur, count * esz);
}
