/*
 * blur_typed.h - the part of lib/blur.c that works on samples: the FIR
 * passes, padding for nearest and zero, the response multiply.  blur.c
 * includes it twice, with BT_REAL and BT_FN(x) defined for float and for
 * double; it is not a header of its own.  What does not depend on the
 * element type (index arithmetic, responses, plans) is in blur.c.
 */

typedef BT_REAL BT_FN(vec) __attribute__((vector_size(32)));
#define VL ((size_t)(32 / sizeof(BT_REAL)))

/* The antisymmetric sum of fir_line: sum_k w[k] (lo[k][j] - hi[k][j]). */
CLONES
static void
BT_FN(fir_line_odd)(BT_REAL *restrict o, size_t cnt, const BT_REAL *const *lo,
    const BT_REAL *const *hi, const BT_REAL *w, int r)
{
	size_t j = 0;
	int k;

	for (; j + 4 * VL <= cnt; j += 4 * VL) {
		BT_FN(vec) a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 }, v, u;

		for (k = 1; k <= r; k++) {
			const BT_REAL *p = lo[k] + j, *q = hi[k] + j;
			BT_REAL wk = w[k];

			__builtin_memcpy(&v, p, sizeof v);
			__builtin_memcpy(&u, q, sizeof u);
			a0 += wk * (v - u);
			__builtin_memcpy(&v, p + VL, sizeof v);
			__builtin_memcpy(&u, q + VL, sizeof u);
			a1 += wk * (v - u);
			__builtin_memcpy(&v, p + 2 * VL, sizeof v);
			__builtin_memcpy(&u, q + 2 * VL, sizeof u);
			a2 += wk * (v - u);
			__builtin_memcpy(&v, p + 3 * VL, sizeof v);
			__builtin_memcpy(&u, q + 3 * VL, sizeof u);
			a3 += wk * (v - u);
		}
		__builtin_memcpy(o + j, &a0, sizeof a0);
		__builtin_memcpy(o + j + VL, &a1, sizeof a1);
		__builtin_memcpy(o + j + 2 * VL, &a2, sizeof a2);
		__builtin_memcpy(o + j + 3 * VL, &a3, sizeof a3);
	}
	for (; j < cnt; j++) {
		BT_REAL t = 0;

		for (k = 1; k <= r; k++)
			t += w[k] * (lo[k][j] - hi[k][j]);
		o[j] = t;
	}
}

/*
 * o[j] = w[0] lo[0][j] + sum_{k=1..r} w[k] (lo[k][j] + hi[k][j]) for
 * j < cnt: a symmetric FIR tap sum over rows given by pointers, in
 * blocks of four vectors (GCC vector extensions; the AVX2 + FMA clone is
 * picked at run time where the machine has it).  With odd, the taps are
 * antisymmetric: lo[k][j] - hi[k][j] (w[0] is then 0).  o may not alias
 * the rows.
 */
CLONES
static void
BT_FN(fir_line)(BT_REAL *restrict o, size_t cnt, const BT_REAL *const *lo,
    const BT_REAL *const *hi, const BT_REAL *w, int r, int odd)
{
	if (odd) {
		BT_FN(fir_line_odd)(o, cnt, lo, hi, w, r);
		return;
	}
	size_t j = 0;
	int k;

	for (; j + 4 * VL <= cnt; j += 4 * VL) {
		BT_FN(vec) a0, a1, a2, a3, v, u;
		const BT_REAL *c = lo[0] + j;

		__builtin_memcpy(&v, c, sizeof v);
		a0 = w[0] * v;
		__builtin_memcpy(&v, c + VL, sizeof v);
		a1 = w[0] * v;
		__builtin_memcpy(&v, c + 2 * VL, sizeof v);
		a2 = w[0] * v;
		__builtin_memcpy(&v, c + 3 * VL, sizeof v);
		a3 = w[0] * v;
		for (k = 1; k <= r; k++) {
			const BT_REAL *p = lo[k] + j, *q = hi[k] + j;
			BT_REAL wk = w[k];

			__builtin_memcpy(&v, p, sizeof v);
			__builtin_memcpy(&u, q, sizeof u);
			a0 += wk * (v + u);
			__builtin_memcpy(&v, p + VL, sizeof v);
			__builtin_memcpy(&u, q + VL, sizeof u);
			a1 += wk * (v + u);
			__builtin_memcpy(&v, p + 2 * VL, sizeof v);
			__builtin_memcpy(&u, q + 2 * VL, sizeof u);
			a2 += wk * (v + u);
			__builtin_memcpy(&v, p + 3 * VL, sizeof v);
			__builtin_memcpy(&u, q + 3 * VL, sizeof u);
			a3 += wk * (v + u);
		}
		__builtin_memcpy(o + j, &a0, sizeof a0);
		__builtin_memcpy(o + j + VL, &a1, sizeof a1);
		__builtin_memcpy(o + j + 2 * VL, &a2, sizeof a2);
		__builtin_memcpy(o + j + 3 * VL, &a3, sizeof a3);
	}
	for (; j < cnt; j++) {
		BT_REAL s = w[0] * lo[0][j];

		for (k = 1; k <= r; k++)
			s += w[k] * (lo[k][j] + hi[k][j]);
		o[j] = s;
	}
}

/* One FIR pass along one axis: the array is outer x n x inner. */
struct BT_FN(fir_ctx) {
	const BT_REAL *src;
	BT_REAL *dst;			/* may equal src for a gathering pass */
	size_t outer, n, inner;
	size_t per;		/* samples (rows pass) or lines (gather) per item */
	const BT_REAL *w;
	int r, odd;		/* radius; antisymmetric taps */
	enum tp_blur_boundary bnd;
	const BT_REAL *zero;		/* inner zeros */
	const BT_REAL **ptrs;		/* 2 (r + 1) per thread */
	BT_REAL *ext;			/* n + 2 r per thread (gather) */
	BT_REAL *line;		/* n per thread (gather, inner > 1) */
	BT_REAL *saved;		/* rows pass in place: 2 (r + 1) per lines of
				 * per samples, per thread */
};

/*
 * Rows pass (inner large): item i is one outer index and one block of
 * per samples of the inner extent; each output line of the block is the
 * tap sum over the same block of whole input lines, picked by the
 * boundary.  Going down the lines of a narrow block keeps the 2r + 1
 * input lines it reads in the first-level cache.
 */
static void
BT_FN(fir_rows_item)(void *arg, size_t i, int tid)
{
	struct BT_FN(fir_ctx) *c = arg;
	size_t nblk = (c->inner + c->per - 1) / c->per;
	size_t o = i / nblk, c0 = i % nblk * c->per, l, w;
	const BT_REAL **lo = c->ptrs + (size_t)tid * 2 * ((size_t)c->r + 1);
	const BT_REAL **hi = lo + c->r + 1;
	const BT_REAL *base = c->src + o * c->n * c->inner + c0;
	ptrdiff_t n = (ptrdiff_t)c->n, j, m;
	int k;

	w = c->inner - c0 < c->per ? c->inner - c0 : c->per;
	for (l = 0; l < c->n; l++) {
		for (k = 0; k <= c->r; k++) {
			j = (ptrdiff_t)l - k;
			m = j >= 0 ? j : map_index(j, n, c->bnd);
			lo[k] = m < 0 ? c->zero : base + (size_t)m * c->inner;
			j = (ptrdiff_t)l + k;
			m = j < n ? j : map_index(j, n, c->bnd);
			hi[k] = m < 0 ? c->zero : base + (size_t)m * c->inner;
		}
		BT_FN(fir_line)(c->dst + (o * c->n + l) * c->inner + c0, w, lo, hi,
		    c->w, c->r, c->odd);
	}
}

/* Whether a rows pass along an axis of n samples at radius r can run in
 * place: then every input line an output line needs and that was
 * overwritten already is one of the r before it or one of lines 0..r
 * (for every boundary; checked for all n >= 2r + 2 up to r = 13). */
static int
BT_FN(rows_in_place)(size_t n, int r)
{
	return n >= 2 * (size_t)r + 2;
}

/*
 * Rows pass in place (BT_FN(rows_in_place)): as BT_FN(fir_rows_item), but the
 * output overwrites the input, line by line down the block.  Before line
 * l is overwritten, its input is saved in a ring of the last r + 1 lines
 * and, for l <= r, among the first r + 1 lines, where the boundary
 * reaches back to.
 */
static void
BT_FN(fir_rows_inplace_item)(void *arg, size_t i, int tid)
{
	struct BT_FN(fir_ctx) *c = arg;
	size_t nblk = (c->inner + c->per - 1) / c->per, r1 = (size_t)c->r + 1;
	size_t o = i / nblk, c0 = i % nblk * c->per, l, w;
	const BT_REAL **lo = c->ptrs + (size_t)tid * 2 * r1, **hi = lo + r1;
	BT_REAL *ring = c->saved + (size_t)tid * 2 * r1 * c->per;
	BT_REAL *head = ring + r1 * c->per;
	BT_REAL *base = c->dst + o * c->n * c->inner + c0;
	ptrdiff_t n = (ptrdiff_t)c->n, j, m;
	int k;

	w = c->inner - c0 < c->per ? c->inner - c0 : c->per;
	for (l = 0; l < c->n; l++) {
		BT_REAL *in = base + l * c->inner;

		memcpy(ring + l % r1 * c->per, in, w * sizeof(BT_REAL));
		if (l < r1)
			memcpy(head + l * c->per, in, w * sizeof(BT_REAL));
		for (k = 0; k <= c->r; k++) {
			for (int side = 0; side < 2; side++) {
				const BT_REAL *at;

				j = side ? (ptrdiff_t)l + k : (ptrdiff_t)l - k;
				m = j >= 0 && j < n ? j : map_index(j, n, c->bnd);
				if (m < 0)
					at = c->zero;
				else if ((size_t)m > l)
					at = base + (size_t)m * c->inner;
				else if ((size_t)m + r1 > l)
					at = ring + (size_t)m % r1 * c->per;
				else
					at = head + (size_t)m * c->per;
				if (side)
					hi[k] = at;
				else
					lo[k] = at;
			}
		}
		BT_FN(fir_line)(in, w, lo, hi, c->w, c->r, c->odd);
	}
}

/*
 * Gathering pass (inner small, or 1): item i is a block of lines, each
 * (outer index, inner index) picked apart with stride inner into an
 * extended line of n + 2r samples, filtered, and put back.
 */
static void
BT_FN(fir_gather_item)(void *arg, size_t i, int tid)
{
	struct BT_FN(fir_ctx) *c = arg;
	size_t nl = c->outer * c->inner, l, l1, o, q, p;
	size_t r = (size_t)c->r, n = c->n, in = c->inner;
	const BT_REAL **lo = c->ptrs + (size_t)tid * 2 * (r + 1);
	const BT_REAL **hi = lo + r + 1;
	BT_REAL *ext = c->ext + (size_t)tid * (n + 2 * r);
	BT_REAL *line = c->line + (size_t)tid * n;
	ptrdiff_t m;
	size_t k;

	l1 = (i + 1) * c->per < nl ? (i + 1) * c->per : nl;
	for (k = 0; k <= r; k++) {
		lo[k] = ext + r - k;
		hi[k] = ext + r + k;
	}
	for (l = i * c->per; l < l1; l++) {
		const BT_REAL *s;
		BT_REAL *d;

		o = l / in;
		q = l % in;
		s = c->src + o * n * in + q;
		d = c->dst + o * n * in + q;
		/* the line itself, then its extension at either end */
		if (in == 1)
			memcpy(ext + r, s, n * sizeof(BT_REAL));
		else
			for (p = 0; p < n; p++)
				ext[r + p] = s[p * in];
		for (p = 0; p < r; p++) {
			m = map_index((ptrdiff_t)p - (ptrdiff_t)r,
			    (ptrdiff_t)n, c->bnd);
			ext[p] = m < 0 ? 0 : ext[r + (size_t)m];
			m = map_index((ptrdiff_t)(n + p), (ptrdiff_t)n, c->bnd);
			ext[r + n + p] = m < 0 ? 0 : ext[r + (size_t)m];
		}
		if (in == 1) {
			BT_FN(fir_line)(d, n, lo, hi, c->w, c->r, c->odd);
		} else {
			BT_FN(fir_line)(line, n, lo, hi, c->w, c->r, c->odd);
			for (p = 0; p < n; p++)
				d[p * in] = line[p];
		}
	}
}

/* Samples of a line per item of a rows pass (a multiple of 4 vectors). */
#define ROWS_BLOCK ((size_t)(1024 / sizeof(BT_REAL)))

/* Below this many samples per line, a pass gathers lines apart. */
#define GATHER_INNER 16

/* Whether the FIR pass of axis a changes anything: sigma > 0, and not a
 * length-1 axis extended by its own value. */
static int
BT_FN(fir_needed)(const struct tp_blur *b, int a)
{
	return b->sigma[a] > 0 && (b->shape[a] > 1 ||
	    b->o.boundary == TP_BLUR_ZERO || b->order[a] > 0);
}

/* Blur data (b's problem) by the FIR passes, one per blurred axis; the
 * result ends in data. */
static void
BT_FN(run_fir)(struct tp_blur *b, BT_REAL *data)
{
	size_t count = 1, inner, outer;
	BT_REAL *bufs[2], *cur = data;
	int a, nrows = 0, ngather = 0, gather_out = 0, th = b->o.threads;

	for (a = 0; a < b->ndim; a++)
		count *= b->shape[a];
	for (a = 0; a < b->ndim; a++) {
		if (!BT_FN(fir_needed)(b, a))
			continue;
		extent(b->shape, b->ndim, a, &outer, &inner);
		if (inner < GATHER_INNER)
			ngather++;
		else if (!BT_FN(rows_in_place)(b->shape[a], b->radius[a]))
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
			b->firbuf = tp_big_alloc(count * sizeof(BT_REAL));
		bufs[1] = b->firbuf;
	}
	for (a = 0; a < b->ndim; a++) {
		struct BT_FN(fir_ctx) c;
		size_t nitems, k;
		int r = b->radius[a];
		BT_REAL *wt;

		if (!BT_FN(fir_needed)(b, a))
			continue;
		memset(&c, 0, sizeof c);
		extent(b->shape, b->ndim, a, &outer, &inner);
		c.src = cur;
		c.outer = outer;
		c.n = b->shape[a];
		c.inner = inner;
		c.r = r;
		c.odd = b->order[a] % 2;
		c.bnd = b->o.boundary;
		wt = tp_emalloc(((size_t)r + 1) * sizeof *wt);
		for (k = 0; k <= (size_t)r; k++)
			wt[k] = (BT_REAL)b->taps[a][k];
		c.w = wt;
		c.ptrs = tp_emalloc((size_t)th * 2 * ((size_t)r + 1) *
		    sizeof *c.ptrs);
		if (inner < GATHER_INNER) {
			int out_of_place = gather_out;

			gather_out = 0;
			c.dst = out_of_place ? (cur == bufs[0] ? bufs[1] :
			    bufs[0]) : cur;
			c.ext = tp_emalloc((size_t)th * (c.n + 2 * (size_t)r) *
			    sizeof *c.ext);
			c.line = tp_emalloc((size_t)th * c.n * sizeof *c.line);
			c.per = 1 + 16384 / (c.n + 2 * (size_t)r);
			nitems = (outer * inner + c.per - 1) / c.per;
			tp_parallel(th, nitems, BT_FN(fir_gather_item), &c);
			tp_timing_stamp("fir gathering pass");
			free(c.ext);
			free(c.line);
			cur = c.dst;
		} else if (BT_FN(rows_in_place)(c.n, r)) {
			BT_REAL *z = tp_ecalloc(ROWS_BLOCK, sizeof *z);

			c.zero = z;
			c.dst = cur;
			c.per = ROWS_BLOCK;
			c.saved = tp_emalloc((size_t)th * 2 * ((size_t)r + 1) *
			    c.per * sizeof *c.saved);
			nitems = outer * ((inner + c.per - 1) / c.per);
			tp_parallel(th, nitems, BT_FN(fir_rows_inplace_item), &c);
			tp_timing_stamp("fir rows pass in place");
			free(c.saved);
			free(z);
		} else {
			BT_REAL *z = tp_ecalloc(inner, sizeof *z);

			c.zero = z;
			c.dst = cur == bufs[0] ? bufs[1] : bufs[0];
			c.per = ROWS_BLOCK;
			nitems = outer * ((inner + c.per - 1) / c.per);
			tp_parallel(th, nitems, BT_FN(fir_rows_item), &c);
			tp_timing_stamp("fir rows pass");
			free(z);
			cur = c.dst;
		}
		free(wt);
		free(c.ptrs);
	}
	if (cur != data)
		memcpy(data, cur, count * sizeof(BT_REAL));
}

/* --- fft path ----------------------------------------------------------- */

struct BT_FN(fft_ctx) {
	const struct tp_blur *b;
	BT_REAL *src, *dst;		/* pad: data -> work; unpad: work -> data */
	BT_REAL *spec;		/* multiply: the spectrum */
	size_t es;		/* reals per spectrum element */
	size_t per;		/* rows per item */
	size_t nrows;
};

/* Multiply rows of the spectrum by the product of the axis responses. */
static void
BT_FN(mul_item)(void *arg, size_t i, int tid)
{
	struct BT_FN(fft_ctx) *c = arg;
	const struct tp_blur *b = c->b;
	int nd = b->ndim, a;
	size_t idx[TP_MAXDIM], row, j, q, len = b->sshape[nd - 1];
	size_t r1 = (i + 1) * c->per < c->nrows ? (i + 1) * c->per : c->nrows;
	const double *last = b->resp[nd - 1];

	(void)tid;
	for (row = i * c->per; row < r1; row++) {
		BT_REAL *v = c->spec + row * len * c->es;
		double wgt = 1;

		unravel_row(row, nd, b->sshape, idx);
		for (a = 0; a < nd - 1; a++)
			if (b->resp[a] != NULL)
				wgt *= b->resp[a][idx[a]];
		if (last != NULL) {
			for (j = 0; j < len; j++) {
				BT_REAL f = (BT_REAL)(wgt * last[j]);

				for (q = 0; q < c->es; q++)
					v[j * c->es + q] *= f;
			}
		} else {
			BT_REAL f = (BT_REAL)wgt;

			for (j = 0; j < len * c->es; j++)
				v[j] *= f;
		}
		/* wrap with derivatives: times i^rot */
		if (c->es == 2 && b->rot % 4 != 0) {
			for (j = 0; j < len; j++) {
				BT_REAL re = v[2 * j], im = v[2 * j + 1];

				switch (b->rot % 4) {
				case 1:
					v[2 * j] = -im;
					v[2 * j + 1] = re;
					break;
				case 2:
					v[2 * j] = -re;
					v[2 * j + 1] = -im;
					break;
				default:
					v[2 * j] = im;
					v[2 * j + 1] = -re;
				}
			}
		}
	}
}

/*
 * Shift the work array w down by one along axis a (sample k + 1 to k,
 * the last 0): DCT-II coefficients 1..n-1 become the DST-III input of an
 * odd derivative.
 */
static void
BT_FN(shift_axis)(const struct tp_blur *b, BT_REAL *w, int a)
{
	size_t outer, inner, n = b->wshape[a], o;

	extent(b->wshape, b->ndim, a, &outer, &inner);
	for (o = 0; o < outer; o++) {
		BT_REAL *p = w + o * n * inner;

		memmove(p, p + inner, (n - 1) * inner * sizeof(BT_REAL));
		memset(p + (n - 1) * inner, 0, inner * sizeof(BT_REAL));
	}
}

/* Samples 0 and n-1 of every line of axis a set to 0 (after a DST-I on
 * samples 1..n-2), or the whole line when the axis has no inverse. */
static void
BT_FN(zero_ends)(const struct tp_blur *b, BT_REAL *w, int a)
{
	size_t outer, inner, n = b->wshape[a], o;

	extent(b->wshape, b->ndim, a, &outer, &inner);
	for (o = 0; o < outer; o++) {
		BT_REAL *p = w + o * n * inner;

		if (b->noinv[a]) {
			memset(p, 0, n * inner * sizeof(BT_REAL));
			continue;
		}
		memset(p, 0, inner * sizeof(BT_REAL));
		memset(p + (n - 1) * inner, 0, inner * sizeof(BT_REAL));
	}
}

/*
 * Pad: fill rows of the work array from data, extended by the boundary
 * (nearest: the edge value; zero: 0), the data at offset pad on each
 * axis.  Unpad (c->dst == data): copy the interior back.
 */
static void
BT_FN(pad_item)(void *arg, size_t i, int tid)
{
	struct BT_FN(fft_ctx) *c = arg;
	const struct tp_blur *b = c->b;
	int nd = b->ndim, a, unpad = c->src == b->work;
	size_t idx[TP_MAXDIM], row, off, p;
	size_t r1 = (i + 1) * c->per < c->nrows ? (i + 1) * c->per : c->nrows;
	size_t wn = b->wshape[nd - 1], n = b->shape[nd - 1], pl = b->pad[nd - 1];

	(void)tid;
	for (row = i * c->per; row < r1; row++) {
		int zero = 0, outside = 0;

		unravel_row(row, nd, b->wshape, idx);
		off = 0;
		for (a = 0; a < nd - 1; a++) {
			ptrdiff_t m, j = (ptrdiff_t)idx[a] -
			    (ptrdiff_t)b->pad[a];

			if (j < 0 || j >= (ptrdiff_t)b->shape[a])
				outside = 1;
			m = map_index(j, (ptrdiff_t)b->shape[a], b->o.boundary);
			if (m < 0)
				zero = 1;
			else
				off = off * b->shape[a] + (size_t)m;
		}
		if (unpad) {
			if (!outside)
				memcpy(c->dst + off * n, c->src + row * wn + pl,
				    n * sizeof(BT_REAL));
			continue;
		}
		BT_REAL *d = c->dst + row * wn;
		const BT_REAL *s = c->src + off * n;

		if (zero) {
			memset(d, 0, wn * sizeof(BT_REAL));
			continue;
		}
		for (p = 0; p < pl; p++)
			d[p] = b->o.boundary == TP_BLUR_ZERO ? 0 : s[0];
		memcpy(d + pl, s, n * sizeof(BT_REAL));
		for (p = pl + n; p < wn; p++)
			d[p] = b->o.boundary == TP_BLUR_ZERO ? 0 : s[n - 1];
	}
}

/* One DCT pass along axis a: gather blocks of blk lines apart. */
struct BT_FN(axis_ctx) {
	struct tp_blur *b;
	BT_REAL *w;
	int a, inverse;
	int fuse;		/* forward, multiply by the response, inverse */
	size_t n, inner, nlines;
};

/* The product of the responses of every axis but a at line l of axis a
 * (outer index l / inner, inner index l % inner). */
static double
BT_FN(line_weight)(const struct tp_blur *b, int a, size_t l, size_t inner)
{
	size_t o = l / inner, q = l % inner;
	double w = 1;
	int x;

	for (x = b->ndim - 1; x > a; x--) {
		if (b->resp[x] != NULL)
			w *= b->resp[x][q % b->wshape[x]];
		q /= b->wshape[x];
	}
	for (x = a - 1; x >= 0; x--) {
		if (b->resp[x] != NULL)
			w *= b->resp[x][o % b->wshape[x]];
		o /= b->wshape[x];
	}
	return w;
}

/*
 * Lines i blk .. i blk + blk - 1 of axis a (line l: outer index
 * l / inner, inner index l % inner; the lines of one outer index lie side
 * by side): gather into this thread's buffer, transform (or transform,
 * multiply and transform back), scatter back.
 */
static void
BT_FN(axis_item)(void *arg, size_t i, int tid)
{
	struct BT_FN(axis_ctx) *c = arg;
	struct tp_blur *b = c->b;
	size_t blk = b->blk, n = c->n, in = c->inner, ns = b->gstride[c->a];
	size_t l0 = i * blk, cnt, k, j;
	BT_REAL *buf = b->gbuf[tid];
	BT_REAL *at[MAXBLK];
	double wts[MAXBLK];
	int oneblock;

	cnt = c->nlines - l0 < blk ? c->nlines - l0 : blk;
	if (cnt < blk)
		memset(buf + cnt * ns, 0, (blk - cnt) * ns * sizeof(BT_REAL));
	/* where each line starts; one outer index: side by side */
	for (j = 0; j < cnt; j++)
		at[j] = c->w + (l0 + j) / in * n * in + (l0 + j) % in;
	oneblock = l0 % in + cnt <= in;
	if (c->fuse) {
		/* the other axes' responses; lines where they are below
		 * the working precision come out 0 without transforms (most
		 * of them at a large sigma) */
		int live = 0;

		for (j = 0; j < cnt; j++) {
			wts[j] = BT_FN(line_weight)(b, c->a, l0 + j, in);
			live += fabs(wts[j]) >= b->wthr;
		}
		if (live == 0) {
			for (k = 0; k < n; k++)
				for (j = 0; j < cnt; j++)
					at[j][k * in] = 0;
			return;
		}
	}
	if (oneblock) {
		for (k = 0; k < n; k++) {
			const BT_REAL *s = at[0] + k * in;

			for (j = 0; j < cnt; j++)
				buf[j * ns + k] = s[j];
		}
	} else {
		for (j = 0; j < cnt; j++)
			for (k = 0; k < n; k++)
				buf[j * ns + k] = at[j][k * in];
	}
	if (c->fuse) {
		const double *h = b->resp[c->a];

		tp_fft_execute(b->afwd[c->a], buf, buf);
		for (j = 0; j < cnt; j++) {
			double wj = fabs(wts[j]) >= b->wthr ? wts[j] : 0;
			BT_REAL *v = buf + j * ns;

			for (k = 0; k < n; k++)
				v[k] *= (BT_REAL)(wj * h[k]);
			if (b->shift[c->a]) {
				memmove(v, v + 1, (n - 1) * sizeof(BT_REAL));
				v[n - 1] = 0;
			}
		}
	} else if (!c->inverse) {
		tp_fft_execute(b->afwd[c->a], buf, buf);
	}
	if (c->fuse || c->inverse) {
		if (b->ainv[c->a] != NULL)
			tp_fft_execute(b->ainv[c->a], buf + b->ioff[c->a],
			    buf + b->ioff[c->a]);
		if (b->ioff[c->a])
			for (j = 0; j < cnt; j++) {
				BT_REAL *v = buf + j * ns;

				if (b->noinv[c->a])
					memset(v, 0, n * sizeof(BT_REAL));
				v[0] = v[n - 1] = 0;
			}
	}
	if (oneblock) {
		for (k = 0; k < n; k++) {
			BT_REAL *d = at[0] + k * in;

			for (j = 0; j < cnt; j++)
				d[j] = buf[j * ns + k];
		}
	} else {
		for (j = 0; j < cnt; j++)
			for (k = 0; k < n; k++)
				at[j][k * in] = buf[j * ns + k];
	}
}

/* The DCT (or its inverse) of w along axis a; with inverse = 2 (a
 * gathered axis only) the DCT, the multiply by the whole response and
 * the inverse DCT in one pass. */
static void
BT_FN(axis_pass)(struct tp_blur *b, BT_REAL *w, int a, int inverse)
{
	struct BT_FN(axis_ctx) c;
	size_t outer;

	if (!b->gathered[a]) {
		if (!inverse) {
			tp_fft_execute(b->afwd[a], w, w);
		} else {
			if (b->ainv[a] != NULL)
				tp_fft_execute(b->ainv[a], w + b->ioff[a],
				    w + b->ioff[a]);
			if (b->ioff[a])
				BT_FN(zero_ends)(b, w, a);
		}
		tp_timing_stamp(inverse ? "inverse axis" : "forward axis");
		return;
	}
	c.b = b;
	c.w = w;
	c.a = a;
	c.inverse = inverse == 1;
	c.fuse = inverse == 2;
	c.n = b->wshape[a];
	extent(b->wshape, b->ndim, a, &outer, &c.inner);
	c.nlines = outer * c.inner;
	tp_parallel(b->o.threads, (c.nlines + b->blk - 1) / b->blk,
	    BT_FN(axis_item), &c);
	tp_timing_stamp(inverse == 2 ? "fused gathered axis" : inverse ?
	    "inverse gathered axis" : "forward gathered axis");
}

/* Blur data (b's problem) through the transforms. */
static void
BT_FN(run_fft)(struct tp_blur *b, BT_REAL *data)
{
	struct BT_FN(fft_ctx) c;
	int nd = b->ndim, th = b->o.threads;
	BT_REAL *w = b->padded ? b->work : data;

	memset(&c, 0, sizeof c);
	c.b = b;
	if (b->padded) {
		c.src = data;
		c.dst = b->work;
		c.nrows = b->wcount / b->wshape[nd - 1];
		c.per = 1 + 16384 / b->wshape[nd - 1];
		tp_parallel(th, (c.nrows + c.per - 1) / c.per, BT_FN(pad_item), &c);
	}
	if (b->o.boundary == TP_BLUR_WRAP) {
		tp_fft_execute(b->fwd, data, b->spec);
		c.spec = b->spec;
		c.es = 2;
		c.nrows = b->scount / b->sshape[nd - 1];
		c.per = 1 + 16384 / (b->sshape[nd - 1] * c.es);
		tp_parallel(th, (c.nrows + c.per - 1) / c.per, BT_FN(mul_item), &c);
		tp_timing_stamp("multiply");
		tp_fft_execute(b->inv, b->spec, data);
	} else {
		for (int i = b->nax - 1; i >= 1; i--)
			BT_FN(axis_pass)(b, w, b->ax[i], 0);
		if (b->gathered[b->ax[0]]) {
			/* forward, multiply, shift, inverse of ax[0] */
			BT_FN(axis_pass)(b, w, b->ax[0], 2);
			for (int i = 1; i < b->nax; i++)
				if (b->shift[b->ax[i]])
					BT_FN(shift_axis)(b, w, b->ax[i]);
		} else {
			BT_FN(axis_pass)(b, w, b->ax[0], 0);
			c.spec = w;
			c.es = 1;
			c.nrows = b->scount / b->sshape[nd - 1];
			c.per = 1 + 16384 / b->sshape[nd - 1];
			tp_parallel(th, (c.nrows + c.per - 1) / c.per,
			    BT_FN(mul_item), &c);
			tp_timing_stamp("multiply");
			for (int i = 0; i < b->nax; i++)
				if (b->shift[b->ax[i]])
					BT_FN(shift_axis)(b, w, b->ax[i]);
			BT_FN(axis_pass)(b, w, b->ax[0], 1);
		}
		for (int i = 1; i < b->nax; i++)
			BT_FN(axis_pass)(b, w, b->ax[i], 1);
	}
	if (b->padded) {
		c.src = b->work;
		c.dst = data;
		c.nrows = b->wcount / b->wshape[nd - 1];
		c.per = 1 + 16384 / b->wshape[nd - 1];
		tp_parallel(th, (c.nrows + c.per - 1) / c.per, BT_FN(pad_item), &c);
	}
}

#undef VL
