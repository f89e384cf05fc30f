/*
 * blur_fft.c - the fft path: the padding for nearest and zero, r2c/c2r
 * all axes at once for wrap, and otherwise one DCT/DST per axis (along
 * the array, or on blocks of lines gathered apart, the first axis fused
 * with the multiply by the responses), the shifts and zeroed ends of
 * odd derivatives.
 */
#include <math.h>
#include <string.h>

#include "blur_impl.h"

/* --- fft path ----------------------------------------------------------- */

struct fft_ctx {
	const struct tp_blur *b;
	const struct blur_ops *ops;
	size_t esz;		/* bytes per real */
	char *src, *dst;	/* pad: data -> work; unpad: work -> data */
	char *spec;		/* multiply: the spectrum */
	const struct blur_resp *rs;	/* multiply: by these */
	size_t nreal;		/* reals per spectrum element */
	size_t per;		/* rows per item */
	size_t nrows;
};

/* Multiply rows of the spectrum by the product of the axis responses. */
static void
mul_item(void *arg, size_t i, int tid)
{
	struct fft_ctx *c = arg;
	const struct tp_blur *b = c->b;
	int nd = b->ndim, a;
	size_t idx[TP_MAXDIM], row, len = b->sshape[nd - 1];
	size_t r1 = (i + 1) * c->per < c->nrows ? (i + 1) * c->per : c->nrows;

	(void)tid;
	for (row = i * c->per; row < r1; row++) {
		double wgt = 1;

		blur_unravel_row(row, nd, b->sshape, idx);
		for (a = 0; a < nd - 1; a++)
			if (c->rs->h[a] != NULL)
				wgt *= c->rs->h[a][idx[a]];
		c->ops->scale_row(c->spec + row * len * c->nreal * c->esz, len,
		    c->nreal, wgt, c->rs->h[nd - 1], b->rot);
	}
}

/*
 * Shift the work array w (reals of esz bytes) down by one along axis a
 * (sample k + 1 to k, the last 0): DCT-II coefficients 1..n-1 become the
 * DST-III input of an odd derivative.
 */
static void
shift_axis(const struct tp_blur *b, char *w, int a, size_t esz)
{
	size_t outer, inner, n = b->wshape[a], o, m = n;

	if (a == b->ndim - 1 && b->kextra)	/* not the projections */
		m = b->kcomp;
	blur_extent(b->wshape, b->ndim, a, &outer, &inner);
	for (o = 0; o < outer; o++) {
		char *p = w + o * n * inner * esz;

		memmove(p, p + inner * esz, (m - 1) * inner * esz);
		memset(p + (m - 1) * inner * esz, 0, inner * esz);
	}
}

/* Samples 0 and n-1 of every line of axis a of w (reals of esz bytes) set
 * to 0 (after a DST-I on samples 1..n-2), or the whole line when the
 * axis has no inverse. */
static void
zero_ends(const struct tp_blur *b, char *w, int a, size_t esz)
{
	size_t outer, inner, n = b->wshape[a], o;

	blur_extent(b->wshape, b->ndim, a, &outer, &inner);
	for (o = 0; o < outer; o++) {
		char *p = w + o * n * inner * esz;

		if (b->noinv[a]) {
			memset(p, 0, n * inner * esz);
			continue;
		}
		memset(p, 0, inner * esz);
		memset(p + (n - 1) * inner * esz, 0, inner * esz);
	}
}

/*
 * Pad: fill rows of the work array from data, extended by the boundary
 * (nearest: the edge value; zero: 0), the data at offset pad on each
 * axis.  Unpad (c->dst == data): copy the interior back.  Reals of esz
 * bytes (a constant: pad_item).
 */
BY_SIZE
pad_rows(struct fft_ctx *c, size_t i, size_t esz)
{
	const struct tp_blur *b = c->b;
	int nd = b->ndim, a, unpad = c->src == b->work;
	int zb = b->o.boundary == TP_BLUR_ZERO;
	size_t idx[TP_MAXDIM], row, off, p;
	size_t r1 = (i + 1) * c->per < c->nrows ? (i + 1) * c->per : c->nrows;
	size_t wn = b->wshape[nd - 1], n = b->shape[nd - 1];
	size_t pl = b->pad[nd - 1];

	for (row = i * c->per; row < r1; row++) {
		int zero = 0, outside = 0;

		blur_unravel_row(row, nd, b->wshape, idx);
		off = 0;
		for (a = 0; a < nd - 1; a++) {
			ptrdiff_t m, j = (ptrdiff_t)idx[a] -
			    (ptrdiff_t)b->pad[a];

			if (j < 0 || j >= (ptrdiff_t)b->shape[a])
				outside = 1;
			m = blur_map_index(j, (ptrdiff_t)b->shape[a],
			    b->o.boundary);
			if (m < 0)
				zero = 1;
			else
				off = off * b->shape[a] + (size_t)m;
		}
		if (unpad) {
			if (!outside)
				memcpy(c->dst + off * n * esz,
				    c->src + (row * wn + pl) * esz, n * esz);
			continue;
		}
		char *d = c->dst + row * wn * esz;
		const char *s = c->src + off * n * esz;

		if (zero) {
			memset(d, 0, wn * esz);
			continue;
		}
		if (zb) {
			memset(d, 0, pl * esz);
			memset(d + (pl + n) * esz, 0, (wn - pl - n) * esz);
		} else {
			for (p = 0; p < pl; p++)
				memcpy(d + p * esz, s, esz);
			for (p = pl + n; p < wn; p++)
				memcpy(d + p * esz, s + (n - 1) * esz, esz);
		}
		memcpy(d + pl * esz, s, n * esz);
	}
}

/* The tp_parallel item of pad_rows. */
static void
pad_item(void *arg, size_t i, int tid)
{
	struct fft_ctx *c = arg;

	(void)tid;
	if (c->esz == sizeof(float))
		pad_rows(c, i, sizeof(float));
	else
		pad_rows(c, i, sizeof(double));
}

/* One DCT pass along axis a: gather blocks of blk lines apart. */
struct axis_ctx {
	struct tp_blur *b;
	const struct blur_ops *ops;
	char *w;		/* the array transformed (and written) */
	const char *src;	/* where its lines are read: w, or the
				 * spectrum a member of several is made of */
	int a, inverse;
	int fuse;		/* forward (unless src is a spectrum already),
				 * multiply by the response, inverse */
	const struct blur_resp *rs;	/* fuse: the responses */
	const struct blur_resp *sets;	/* forward: only the lines that */
	int nset;			/* one of these keeps (nset > 0) */
	size_t n, inner, nlines;
	size_t sinner;	/* src's inner extent, when wider than w's (a
			 * member keeping fewer coefficients of a compact
			 * spectrum: blur_fft_member); else 0 */
};

/* The product of the responses rs of every axis but a at line l of axis
 * a (outer index l / inner, inner index l % inner). */
static double
line_weight(const struct tp_blur *b, const struct blur_resp *rs, int a,
    size_t l, size_t inner)
{
	size_t o = l / inner, q = l % inner;
	double w = 1;
	int x;

	for (x = b->ndim - 1; x > a; x--) {
		size_t k = q % b->wshape[x];

		/* b->corr: a compact row's projections, samples (1) */
		if (rs->h[x] != NULL && !(b->kextra && x == b->ndim - 1 &&
		    k >= b->kcomp))
			w *= rs->h[x][k];
		q /= b->wshape[x];
	}
	for (x = a - 1; x >= 0; x--) {
		if (rs->h[x] != NULL)
			w *= rs->h[x][o % b->wshape[x]];
		o /= b->wshape[x];
	}
	return w;
}

/* Where sample k of a line of n goes in ops->dct_in's order (perm), or
 * k. */
static inline size_t
perm_at(size_t k, size_t n, int perm)
{
	return !perm ? k : k % 2 ? n - 1 - k / 2 : k / 2;
}

/* Rows ahead that gather_lines and scatter_lines prefetch: their rows
 * lie a row of the array apart (kilobytes), beyond the reach of the
 * hardware's stride prefetcher, so that each would wait for memory. */
#define PREFETCH 8

/* Prefetch the len bytes at p, for writing with w. */
static inline void
prefetch_span(const char *p, size_t len, int w)
{
	for (size_t o = 0; o < len; o += 64) {
		if (w)
			__builtin_prefetch(p + o, 1);
		else
			__builtin_prefetch(p + o, 0);
	}
}

/*
 * Copy cnt lines of n reals of esz bytes into buf, line j at buf + j ls
 * (real k at at[j] + k ks in the array, to perm_at(k) of the line); with
 * oneblock the lines lie side by side (at[j] = at[0] + j esz), and are
 * read across.  Reals of esz bytes (a constant: axis_lines).
 */
BY_SIZE
gather_lines(char *buf, char *const *at, size_t cnt, size_t n, size_t ks,
    size_t ls, int oneblock, int perm, size_t esz)
{
	size_t j, k;

	if (oneblock) {
		for (k = 0; k < n; k++) {
			const char *s = at[0] + k * ks;
			char *d = buf + perm_at(k, n, perm) * esz;

			if (k + PREFETCH < n)
				prefetch_span(s + PREFETCH * ks, cnt * esz, 0);
			for (j = 0; j < cnt; j++)
				memcpy(d + j * ls, s + j * esz, esz);
		}
	} else {
		for (j = 0; j < cnt; j++)
			for (k = 0; k < n; k++)
				memcpy(buf + j * ls + perm_at(k, n, perm) *
				    esz, at[j] + k * ks, esz);
	}
}

/* The reverse of gather_lines: the cnt lines in buf back to the array. */
BY_SIZE
scatter_lines(const char *buf, char *const *at, size_t cnt, size_t n,
    size_t ks, size_t ls, int oneblock, int perm, size_t esz)
{
	size_t j, k;

	if (oneblock) {
		for (k = 0; k < n; k++) {
			char *d = at[0] + k * ks;
			const char *s = buf + perm_at(k, n, perm) * esz;

			if (k + PREFETCH < n)
				prefetch_span(d + PREFETCH * ks, cnt * esz, 1);
			for (j = 0; j < cnt; j++)
				memcpy(d + j * esz, s + j * ls, esz);
		}
	} else {
		for (j = 0; j < cnt; j++)
			for (k = 0; k < n; k++)
				memcpy(at[j] + k * ks, buf + j * ls +
				    perm_at(k, n, perm) * esz, esz);
	}
}

/*
 * Lines i blk .. i blk + blk - 1 of axis a (line l: outer index
 * l / inner, inner index l % inner; the lines of one outer index lie side
 * by side): gather into this thread's buffer, transform (or transform,
 * multiply and transform back), scatter back.  A DCT-II is a real DFT
 * of the lines gathered in ops->dct_in's order into the buffer's second
 * blk lines (out of place: FFTW plans those several times faster), and
 * its coefficients go through the line after them (ops->dct_out); a
 * DCT-III the reverse (ops->idct_in, a c2r, scattered from that order).
 * Reals of esz bytes (a constant: axis_item).
 */
BY_SIZE
axis_lines(struct axis_ctx *c, size_t i, int tid, size_t esz)
{
	struct tp_blur *b = c->b;
	const struct blur_ops *ops = c->ops;
	size_t blk = b->blk, n = c->n, in = c->inner, ns = b->gstride[c->a];
	size_t l0 = i * blk, cnt, k, j, ls = ns * esz, ks = in * esz;
	size_t io = (size_t)b->ioff[c->a] * esz;
	size_t sin = c->sinner ? c->sinner : in;
	char *buf = b->gbuf[tid], *cb = buf + blk * ls, *tmp = cb + blk * ls;
	char *at[MAXBLK], *from[MAXBLK];
	double wts[MAXBLK], thr = c->fuse ? c->rs->wthr : 0;
	int oneblock, fwd, inv, mk, mi;
	const void *tw = b->dtw[c->a];
	const struct blur_edge *ec;

	cnt = c->nlines - l0 < blk ? c->nlines - l0 : blk;
	if (cnt < blk)
		memset(buf + cnt * ls, 0, (blk - cnt) * ls);
	/* where each line starts; one outer index: side by side */
	for (j = 0; j < cnt; j++) {
		size_t off = ((l0 + j) / in * n * in + (l0 + j) % in) * esz;

		at[j] = c->w + off;
		from[j] = (char *)c->src + ((l0 + j) / in * n * sin +
		    (l0 + j) % in) * esz;
	}
	oneblock = l0 % in + cnt <= in;
	if (c->fuse) {
		/* the other axes' responses; lines where they are below
		 * the working precision come out 0 without transforms (most
		 * of them at a large sigma) */
		int live = 0;

		for (j = 0; j < cnt; j++) {
			wts[j] = line_weight(b, c->rs, c->a, l0 + j, in);
			live += fabs(wts[j]) >= thr;
		}
		if (live == 0) {
			for (k = 0; k < n; k++)
				for (j = 0; j < cnt; j++)
					memset(at[j] + k * ks, 0, esz);
			return;
		}
	} else if (c->nset > 0) {
		/* the forward transform of a spectrum shared by several
		 * sets: only blocks where one of them keeps a line (the
		 * others are never read) */
		int live = 0;

		for (int s = 0; s < c->nset && !live; s++)
			for (j = 0; j < cnt && !live; j++)
				live = fabs(line_weight(b, &c->sets[s], c->a,
				    l0 + j, in)) >= c->sets[s].wthr;
		if (!live)
			return;
	}
	/* corrected corners (b->corr, the fused pass of the first axis):
	 * each line's projections, before its samples are overwritten */
	ec = c->fuse && b->corr ? &b->edge[c->a] : NULL;
	if (ec != NULL && ec->k == 0)
		ec = NULL;
	if (ec != NULL && oneblock)	/* across the lines, side by side */
		ops->edge_project_lines(b->pbuf[tid], from[0], sin, n, cnt, ec);
	else if (ec != NULL)
		for (j = 0; j < cnt; j++)
			ops->edge_project((char *)b->pbuf[tid] + j * 2 *
			    (size_t)ec->k * esz, from[j], sin, n, ec);
	fwd = c->fuse ? c->src == c->w : !c->inverse;
	inv = c->fuse || c->inverse;
	mk = fwd && b->rfwd[c->a] != NULL;
	mi = inv && b->rinv[c->a] != NULL && b->ikind[c->a] == TP_FFT_DCT3;
	gather_lines(buf, from, cnt, n, sin * esz, ls, oneblock, mk, esz);
	if (mk)
		tp_fft_execute(b->rfwd[c->a], buf, cb);
	else if (fwd)
		tp_fft_execute(b->afwd[c->a], buf, buf);
	for (j = 0; j < cnt && (mk || c->fuse || mi); j++) {
		char *v = buf + j * ls, *y = v;

		if (mk) {	/* the coefficients, in tmp */
			ops->dct_out(tmp, cb + j * ls, n, n, tw);
			y = tmp;
		}
		if (c->fuse) {
			double wj = fabs(wts[j]) >= thr ? wts[j] : 0;

			ops->scale_row(y, n, 1, wj, c->rs->h[c->a], 0);
			if (b->shift[c->a]) {
				memmove(y, y + esz, (n - 1) * esz);
				memset(y + (n - 1) * esz, 0, esz);
			}
		}
		if (mi)
			ops->idct_in(cb + j * ls, y, n, tw);
		else if (y != v)
			memcpy(v, y, n * esz);
	}
	if (mi) {
		if (cnt < blk)
			memset(cb + cnt * ls, 0, (blk - cnt) * ls);
		tp_fft_execute(b->rinv[c->a], cb, buf);
	} else if (inv) {
		if (b->ainv[c->a] != NULL)
			tp_fft_execute(b->ainv[c->a], buf + io, buf + io);
		if (b->ioff[c->a])
			for (j = 0; j < cnt; j++) {
				char *v = buf + j * ls;

				if (b->noinv[c->a])
					memset(v, 0, n * esz);
				memset(v, 0, esz);
				memset(v + (n - 1) * esz, 0, esz);
			}
	}
	scatter_lines(buf, at, cnt, n, ks, ls, oneblock, mi, esz);
	if (ec != NULL) {
		for (j = 0; j < cnt; j++)	/* the lines left 0 */
			wts[j] = fabs(wts[j]) >= thr ? wts[j] : 0;
		if (oneblock)
			ops->edge_correct_lines(at[0], in, n, cnt, b->pbuf[tid],
			    wts, ec);
		else
			for (j = 0; j < cnt; j++)
				ops->edge_correct(at[j], in, n,
				    (char *)b->pbuf[tid] + j * 2 *
				    (size_t)ec->k * esz, wts[j], ec);
	}
}

/* The tp_parallel item of axis_lines. */
static void
axis_item(void *arg, size_t i, int tid)
{
	struct axis_ctx *c = arg;

	if (c->ops->esz == sizeof(float))
		axis_lines(c, i, tid, sizeof(float));
	else
		axis_lines(c, i, tid, sizeof(double));
}

/* Run c's pass over the lines of its gathered axis. */
static void
run_axis(struct axis_ctx *c)
{
	struct tp_blur *b = c->b;
	size_t outer;

	c->n = b->wshape[c->a];
	blur_extent(b->wshape, b->ndim, c->a, &outer, &c->inner);
	c->nlines = outer * c->inner;
	tp_parallel(b->o.threads, (c->nlines + b->blk - 1) / b->blk,
	    axis_item, c);
}

/* The DCT (or its inverse) of w along axis a; with inverse = 2 (a
 * gathered axis only) the DCT, the multiply by the whole response and
 * the inverse DCT in one pass. */
static void
axis_pass(struct tp_blur *b, const struct blur_ops *ops, char *w, int a,
    int inverse)
{
	struct axis_ctx c;

	memset(&c, 0, sizeof c);

	if (!b->gathered[a]) {
		if (!inverse) {
			tp_fft_execute(b->afwd[a], w, w);
		} else {
			size_t io = (size_t)b->ioff[a] * ops->esz;

			if (b->ainv[a] != NULL)
				tp_fft_execute(b->ainv[a], w + io, w + io);
			if (b->ioff[a])
				zero_ends(b, w, a, ops->esz);
		}
		tp_timing_stamp(inverse ? "inverse axis" : "forward axis");
		return;
	}
	c.b = b;
	c.ops = ops;
	c.w = w;
	c.src = w;
	c.a = a;
	c.inverse = inverse == 1;
	c.fuse = inverse == 2;
	c.rs = &b->rs;
	run_axis(&c);
	tp_timing_stamp(inverse == 2 ? "fused gathered axis" : inverse ?
	    "inverse gathered axis" : "forward gathered axis");
}

/* --- the padded last axis, compact (b->compact) -------------------------- */

struct rows_ctx {
	struct tp_blur *b;
	const struct blur_ops *ops;
	char *data;
	char *cw;		/* the compact array */
	int inverse;		/* 0 forward, 1 inverse, 2 both (nax 1) */
	size_t nrows;		/* rows of data */
};

/* The row of the padded work array that row d of data (of shape
 * b->shape) lies in. */
static size_t
work_row(const struct tp_blur *b, size_t d)
{
	size_t idx[TP_MAXDIM], r = 0;
	int a, nd = b->ndim;

	blur_unravel_row(d, nd, b->shape, idx);
	for (a = 0; a < nd - 1; a++)
		r = r * b->wshape[a] + idx[a] + b->pad[a];
	return r;
}

/*
 * Rows i blk .. i blk + blk - 1 of data, in this thread's buffer: padded
 * by the boundary along the last axis and transformed, their first kcomp
 * coefficients to their rows of the compact array; or (inverse) their
 * compact rows, zeros beyond, transformed back and the padding dropped;
 * or (nax 1) both at once with the multiply between.  The DCT-II and
 * DCT-III are real DFTs with the reordering and twiddles of ops->dct_in
 * ... around them; a DST-III (an odd order) is FFTW's.  Reals of esz
 * bytes (a constant: rows_item).
 */
BY_SIZE
rows_lines(struct rows_ctx *c, size_t i, int tid, size_t esz)
{
	struct tp_blur *b = c->b;
	const struct blur_ops *ops = c->ops;
	int last = b->ndim - 1, zb = b->o.boundary == TP_BLUR_ZERO;
	int dct3 = b->ikind[last] == TP_FFT_DCT3;
	size_t blk = b->rblk, n = b->shape[last], L = b->wshape[last];
	size_t pl = b->pad[last], K = b->kcomp, ls = b->gstride[last] * esz;
	size_t l0 = i * blk, cnt, j, cs = K + b->kextra;
	char *buf = b->gbuf[tid], *cb = buf + b->blk * ls;
	char *tmp = cb + b->blk * ls;
	/* b->corr: the row's ends, projected (forward: into the compact
	 * row after its coefficients; nax 1: into pbuf) and corrected */
	const struct blur_edge *e = b->corr && b->edge[last].k > 0 ?
	    &b->edge[last] : NULL;
	size_t pk = e != NULL ? 2 * (size_t)e->k * esz : 0;

	cnt = c->nrows - l0 < blk ? c->nrows - l0 : blk;
	if (c->inverse != 1) {
		for (j = 0; j < blk; j++) {
			char *d = buf + j * ls;
			const char *s = c->data + (l0 + j) * n * esz;

			if (j >= cnt) {
				memset(d, 0, L * esz);
				continue;
			}
			ops->dct_in(d, s, L, pl, n, zb);
			if (e != NULL)	/* the row in cache */
				ops->edge_project(c->inverse == 0 ? c->cw +
				    (work_row(b, l0 + j) * cs + K) * esz :
				    (char *)b->pbuf[tid] + j * pk, s, 1, n, e);
		}
		tp_fft_execute(b->rfwd[last], buf, cb);
	}
	for (j = 0; j < cnt; j++) {
		char *v = buf + j * ls, *V = cb + j * ls;
		char *y;

		if (c->inverse == 0) {
			ops->dct_out(c->cw + work_row(b, l0 + j) * cs * esz, V,
			    L, K, b->dtw[last]);
			continue;
		}
		if (c->inverse == 1) {
			y = c->cw + work_row(b, l0 + j) * cs * esz;
		} else {
			y = dct3 ? tmp : v;
			ops->dct_out(tmp, V, L, L, b->dtw[last]);
			if (!dct3)
				memcpy(v, tmp, L * esz);
			ops->scale_row(y, L, 1, 1, b->rs.h[last], 0);
			if (b->shift[last]) {
				memmove(y, y + esz, (L - 1) * esz);
				memset(y + (L - 1) * esz, 0, esz);
			}
		}
		if (dct3 && c->inverse == 1) {	/* zeros beyond K */
			memcpy(tmp, y, K * esz);
			memset(tmp + K * esz, 0, (L - K) * esz);
			ops->idct_in(V, tmp, L, b->dtw[last]);
		} else if (dct3) {
			ops->idct_in(V, y, L, b->dtw[last]);
		} else if (c->inverse == 1) {
			memcpy(v, y, K * esz);
			memset(v + K * esz, 0, (L - K) * esz);
		}
	}
	if (c->inverse == 0)
		return;
	/* rows past the end: anything */
	memset((dct3 ? cb : buf) + cnt * ls, 0, (blk - cnt) * ls);
	if (dct3)
		tp_fft_execute(b->rinv[last], cb, buf);
	else
		tp_fft_execute(b->ainv[last], buf, buf);
	for (j = 0; j < cnt; j++) {
		char *x = c->data + (l0 + j) * n * esz;

		if (dct3)
			ops->idct_out(x, buf + j * ls, L, pl, n);
		else
			memcpy(x, buf + j * ls + pl * esz, n * esz);
		if (e != NULL)
			ops->edge_correct(x, 1, n, c->inverse == 1 ? c->cw +
			    (work_row(b, l0 + j) * cs + K) * esz :
			    (char *)b->pbuf[tid] + j * pk, 1, e);
	}
}

/* The tp_parallel item of rows_lines. */
static void
rows_item(void *arg, size_t i, int tid)
{
	struct rows_ctx *c = arg;

	if (c->ops->esz == sizeof(float))
		rows_lines(c, i, tid, sizeof(float));
	else
		rows_lines(c, i, tid, sizeof(double));
}

/* The rows pass of c (rows_lines) over every row of data. */
static void
rows_pass(struct rows_ctx *c, int inverse)
{
	struct tp_blur *b = c->b;

	c->inverse = inverse;
	tp_parallel(b->o.threads, (c->nrows + b->rblk - 1) / b->rblk,
	    rows_item, c);
	tp_timing_stamp(inverse == 2 ? "padded rows, forward, multiply and "
	    "inverse" : inverse ? "inverse padded rows" :
	    "padded rows forward");
}

/* The compact rows of the padding (work rows no data row lies in): 0
 * under zero, else a copy of the row that nearest extends there. */
static void
fill_pad_rows(struct tp_blur *b, size_t esz)
{
	size_t idx[TP_MAXDIM], r, K = b->kcomp * esz;
	int a, nd = b->ndim;
	char *w = b->work;

	for (r = 0; r < b->crows; r++) {
		size_t m = 0;
		int outside = 0;

		blur_unravel_row(r, nd, b->wshape, idx);
		for (a = 0; a < nd - 1; a++) {
			ptrdiff_t j = (ptrdiff_t)idx[a] - (ptrdiff_t)b->pad[a];

			if (j < 0 || j >= (ptrdiff_t)b->shape[a])
				outside = 1;
			j = j < 0 ? 0 : j >= (ptrdiff_t)b->shape[a] ?
			    (ptrdiff_t)b->shape[a] - 1 : j;
			m = m * b->wshape[a] + (size_t)j + b->pad[a];
		}
		if (!outside)
			continue;
		if (b->o.boundary == TP_BLUR_ZERO)
			memset(w + r * K, 0, K);
		else
			memcpy(w + r * K, w + m * K, K);
	}
}

/* c set for the rows of data (b compact), the compact array cw. */
static void
rows_init(struct rows_ctx *c, struct tp_blur *b, const struct blur_ops *ops,
    char *data, char *cw)
{
	memset(c, 0, sizeof *c);
	c->b = b;
	c->ops = ops;
	c->data = data;
	c->cw = cw;
	c->nrows = b->wcount / b->wshape[b->ndim - 1];
	for (int i = 0; i < b->ndim - 1; i++)
		c->nrows = c->nrows / b->wshape[i] * b->shape[i];
}

/* Blur data (b's problem, padded, compact) through the transforms. */
static void
run_compact(struct tp_blur *b, const struct blur_ops *ops, char *data)
{
	struct rows_ctx c;
	int nd = b->ndim, last = nd - 1, i;
	size_t esz = ops->esz, saved = b->wshape[last];
	char *w = b->work;

	rows_init(&c, b, ops, data, w);
	if (b->nax == 1) {
		rows_pass(&c, 2);
		return;
	}
	rows_pass(&c, 0);
	if (b->padded)
		fill_pad_rows(b, esz);
	/* the other axes on the compact array: its last axis kcomp long
	 * (and the projections after, b->corr) */
	b->wshape[last] = b->kcomp + b->kextra;
	for (i = b->nax - 2; i >= 1; i--)
		axis_pass(b, ops, w, b->ax[i], 0);
	axis_pass(b, ops, w, b->ax[0], 2);
	for (i = 1; i < b->nax; i++)
		if (b->shift[b->ax[i]])
			shift_axis(b, w, b->ax[i], esz);
	for (i = 1; i < b->nax - 1; i++)
		axis_pass(b, ops, w, b->ax[i], 1);
	b->wshape[last] = saved;
	rows_pass(&c, 1);
}

/* Blur data (b's problem, reals of ops's type) through the transforms. */
void
blur_run_fft(struct tp_blur *b, const struct blur_ops *ops, void *data)
{
	struct fft_ctx c;
	int nd = b->ndim, th = b->o.threads;
	size_t esz = ops->esz;
	char *w = b->padded ? b->work : data;

	if (b->compact) {
		run_compact(b, ops, data);
		return;
	}
	memset(&c, 0, sizeof c);
	c.b = b;
	c.ops = ops;
	c.esz = esz;
	c.rs = &b->rs;
	if (b->padded) {
		c.src = data;
		c.dst = b->work;
		c.nrows = b->wcount / b->wshape[nd - 1];
		c.per = 1 + 16384 / b->wshape[nd - 1];
		tp_parallel(th, (c.nrows + c.per - 1) / c.per, pad_item, &c);
	}
	if (b->o.boundary == TP_BLUR_WRAP) {
		tp_fft_execute(b->fwd, data, b->spec);
		c.spec = b->spec;
		c.nreal = 2;
		c.nrows = b->scount / b->sshape[nd - 1];
		c.per = 1 + 16384 / (b->sshape[nd - 1] * c.nreal);
		tp_parallel(th, (c.nrows + c.per - 1) / c.per, mul_item, &c);
		tp_timing_stamp("multiply");
		tp_fft_execute(b->inv, b->spec, data);
	} else {
		for (int i = b->nax - 1; i >= 1; i--)
			axis_pass(b, ops, w, b->ax[i], 0);
		if (b->gathered[b->ax[0]]) {
			/* forward, multiply, shift, inverse of ax[0] */
			axis_pass(b, ops, w, b->ax[0], 2);
			for (int i = 1; i < b->nax; i++)
				if (b->shift[b->ax[i]])
					shift_axis(b, w, b->ax[i], esz);
		} else {
			axis_pass(b, ops, w, b->ax[0], 0);
			c.spec = w;
			c.nreal = 1;
			c.nrows = b->scount / b->sshape[nd - 1];
			c.per = 1 + 16384 / b->sshape[nd - 1];
			tp_parallel(th, (c.nrows + c.per - 1) / c.per,
			    mul_item, &c);
			tp_timing_stamp("multiply");
			for (int i = 0; i < b->nax; i++)
				if (b->shift[b->ax[i]])
					shift_axis(b, w, b->ax[i], esz);
			axis_pass(b, ops, w, b->ax[0], 1);
		}
		for (int i = 1; i < b->nax; i++)
			axis_pass(b, ops, w, b->ax[i], 1);
	}
	if (b->padded) {
		c.src = b->work;
		c.dst = data;
		c.nrows = b->wcount / b->wshape[nd - 1];
		c.per = 1 + 16384 / b->wshape[nd - 1];
		tp_parallel(th, (c.nrows + c.per - 1) / c.per, pad_item, &c);
	}
}

/* --- one spectrum, several sigmas (blur_impl.h) ------------------------- */

void
blur_fft_spectrum(struct tp_blur *b, const struct blur_ops *ops,
    const void *data, void *spec, const struct blur_resp *sets, int nset)
{
	size_t esz = ops->esz, saved = b->wshape[b->ndim - 1];

	if (b->compact) {	/* the last axis by rows into b->work */
		struct rows_ctx c;

		rows_init(&c, b, ops, (char *)data, b->work);
		rows_pass(&c, 0);
		spec = b->work;
		b->wshape[b->ndim - 1] = b->kcomp;
		for (int i = b->nax - 2; i >= 1; i--)
			axis_pass(b, ops, spec, b->ax[i], 0);
	} else {
		memcpy(spec, data, b->wcount * esz);
		for (int i = b->nax - 1; i >= 1; i--)
			axis_pass(b, ops, spec, b->ax[i], 0);
	}
	if (b->gathered[b->ax[0]]) {
		struct axis_ctx c;

		memset(&c, 0, sizeof c);
		c.b = b;
		c.ops = ops;
		c.w = spec;
		c.src = spec;
		c.a = b->ax[0];
		c.sets = sets;
		c.nset = nset;
		run_axis(&c);
		tp_timing_stamp("forward gathered axis, the lines kept");
	} else {
		axis_pass(b, ops, spec, b->ax[0], 0);
	}
	b->wshape[b->ndim - 1] = saved;
}

void
blur_fft_member(struct tp_blur *b, const struct blur_ops *ops,
    const void *spec, void *out, const struct blur_resp *rs)
{
	size_t esz = ops->esz, saved = b->wshape[b->ndim - 1];
	size_t kcomp = b->kcomp, keep = b->kcomp;
	int nd = b->ndim, i;
	char *mo = out;

	if (b->compact) {	/* into a compact member, then by rows */
		if (b->mwork == NULL)
			b->mwork = tp_big_alloc(b->crows * b->kcomp * esz);
		mo = b->mwork;
		spec = b->work;
		/* with the last two axes transformed, the member keeps only
		 * the coefficients of the last its own responses keep
		 * (fewer than the spectrum, fitted to the smallest sigma):
		 * the gathered axis transforms those lines alone, and the
		 * rows are transformed back from them */
		if (b->nax == 2 && b->ax[0] == nd - 2)
			keep = blur_compact_keep(b, rs);
		b->wshape[nd - 1] = keep;
	}
	if (b->gathered[b->ax[0]]) {
		/* multiply, shift and inverse of ax[0], from spec into out */
		struct axis_ctx c;

		memset(&c, 0, sizeof c);
		c.b = b;
		c.ops = ops;
		c.w = mo;
		c.src = spec;
		c.a = b->ax[0];
		c.fuse = 1;
		c.rs = rs;
		c.sinner = keep < kcomp ? kcomp : 0;
		run_axis(&c);
		tp_timing_stamp("multiply and inverse gathered axis");
		for (i = 1; i < b->nax; i++)
			if (b->shift[b->ax[i]])
				shift_axis(b, mo, b->ax[i], esz);
	} else {
		struct fft_ctx c;

		memset(&c, 0, sizeof c);
		c.b = b;
		c.ops = ops;
		c.esz = esz;
		c.rs = rs;
		memcpy(out, spec, b->wcount * esz);
		c.spec = out;
		c.nreal = 1;
		c.nrows = b->scount / b->sshape[nd - 1];
		c.per = 1 + 16384 / b->sshape[nd - 1];
		tp_parallel(b->o.threads, (c.nrows + c.per - 1) / c.per,
		    mul_item, &c);
		tp_timing_stamp("multiply");
		for (i = 0; i < b->nax; i++)
			if (b->shift[b->ax[i]])
				shift_axis(b, out, b->ax[i], esz);
		axis_pass(b, ops, out, b->ax[0], 1);
	}
	if (b->compact) {
		struct rows_ctx c;

		for (i = 1; i < b->nax - 1; i++)
			axis_pass(b, ops, mo, b->ax[i], 1);
		b->wshape[nd - 1] = saved;
		b->kcomp = keep;	/* the rows of mo: keep wide */
		rows_init(&c, b, ops, out, mo);
		rows_pass(&c, 1);
		b->kcomp = kcomp;
		return;
	}
	for (i = 1; i < b->nax; i++)
		axis_pass(b, ops, out, b->ax[i], 1);
}
