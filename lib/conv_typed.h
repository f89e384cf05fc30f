/*
 * conv_typed.h - the part of lib/conv.c that works on samples: filling
 * tiles, the FFT and overlap-save path, the direct sum, non-finite
 * inputs.  conv.c includes it twice, with R, C, F(x), T(x) and BLK
 * defined for float and for double; it is not a header of its own.
 */

/*
 * Fill dst[0..len) (elements of es reals) from position start of the
 * buffer signal of one axis: position p holds the extended signal's
 * sample p - pl for 0 <= p < in (src by the boundary rule), else zero.
 */
static void
T(fill_row)(R *dst, size_t len, const R *src, ptrdiff_t start,
    const struct axis *ax, int bnd, int es)
{
	ptrdiff_t b, p, j, n = (ptrdiff_t)ax->n, in = (ptrdiff_t)ax->in;
	ptrdiff_t pl = (ptrdiff_t)ax->pl, lo, hi;

	/* the stretch copied as is: 0 <= p < in and 0 <= p - pl < n */
	lo = pl > 0 ? pl : 0;
	hi = pl + n < in ? pl + n : in;
	lo -= start;
	hi -= start;
	if (lo < 0)
		lo = 0;
	if (hi > (ptrdiff_t)len)
		hi = (ptrdiff_t)len;
	if (lo < hi)
		memcpy(dst + lo * es, src + (start + lo - pl) * es,
		    (size_t)(hi - lo) * es * sizeof(R));
	else
		lo = hi = 0;
	for (b = 0; b < (ptrdiff_t)len; b++) {
		if (b == lo && hi > lo) {
			b = hi - 1;
			continue;
		}
		p = start + b;
		j = p < 0 || p >= in ? -1 : bmap(p - pl, n, bnd);
		if (j < 0) {
			dst[b * es] = 0;
			if (es == 2)
				dst[b * es + 1] = 0;
		} else {
			dst[b * es] = src[j * es];
			if (es == 2)
				dst[b * es + 1] = src[j * es + 1];
		}
	}
}

/*
 * Fill one batch element's buffer: rows over the first k-1 axes with
 * sizes bd[a] (row stride rs reals, rowlen elements used), from the
 * signal src (shape n, es reals per element).  Buffer index i on axis a
 * holds buffer-signal position start[a] + i (see fill_row).
 */
static void
T(fill)(R *dst, const R *src, const struct geom *g, const size_t *bd,
    size_t rs, size_t rowlen, int es, const ptrdiff_t *start)
{
	size_t idx[TP_MAXDIM] = { 0 }, sstr[TP_MAXDIM];
	size_t rows = 1, r;
	int a, k = g->k;

	sstr[k - 1] = 1;
	for (a = k - 1; a > 0; a--)
		sstr[a - 1] = sstr[a] * g->ax[a].n;
	for (a = 0; a < k - 1; a++)
		rows *= bd[a];
	for (r = 0; r < rows; r++) {
		R *d = dst + r * rs;
		ptrdiff_t off = 0;
		int zero = 0;

		for (a = 0; a < k - 1 && !zero; a++) {
			const struct axis *ax = &g->ax[a];
			ptrdiff_t j = -1, p = start[a] + (ptrdiff_t)idx[a];

			if (p >= 0 && p < (ptrdiff_t)ax->in)
				j = bmap(p - (ptrdiff_t)ax->pl,
				    (ptrdiff_t)ax->n, g->bnd);
			if (j < 0)
				zero = 1;
			else
				off += j * (ptrdiff_t)sstr[a];
		}
		if (zero)
			memset(d, 0, rowlen * es * sizeof(R));
		else
			T(fill_row)(d, rowlen, src + off * es, start[k - 1],
			    &g->ax[k - 1], g->bnd, es);
		for (a = k - 2; a >= 0; a--) {
			if (++idx[a] < bd[a])
				break;
			idx[a] = 0;
		}
	}
}

/*
 * Copy a block of cnt[a] outputs per axis from the buffer, where it
 * starts at index r[a], to the output of one batch element, where it
 * starts at o0[a].
 */
static void
T(extract)(R *out, const R *buf, const struct geom *g, const size_t *bd,
    size_t rs, int es, const size_t *r, const size_t *o0, const size_t *cnt)
{
	size_t idx[TP_MAXDIM] = { 0 }, bstr[TP_MAXDIM], ostr[TP_MAXDIM];
	size_t rows = 1, i, cl = cnt[g->k - 1];
	int a, k = g->k;

	bstr[k - 1] = 1;	/* in rows */
	ostr[k - 1] = 1;	/* in elements */
	if (k >= 2)
		bstr[k - 2] = 1;
	for (a = k - 2; a > 0; a--)
		bstr[a - 1] = bstr[a] * bd[a];
	for (a = k - 1; a > 0; a--)
		ostr[a - 1] = ostr[a] * g->ax[a].lout;
	for (a = 0; a < k - 1; a++)
		rows *= cnt[a];
	for (i = 0; i < rows; i++) {
		size_t br = 0, oe = o0[k - 1];

		for (a = 0; a < k - 1; a++) {
			br += (idx[a] + r[a]) * bstr[a];
			oe += (idx[a] + o0[a]) * ostr[a];
		}
		memcpy(out + oe * es, buf + br * rs + r[k - 1] * es,
		    cl * es * sizeof(R));
		for (a = k - 2; a >= 0; a--) {
			if (++idx[a] < cnt[a])
				break;
			idx[a] = 0;
		}
	}
}

/* dst[i] *= k[i] for n complex numbers. */
static void
T(cmul)(R *restrict d, const R *restrict k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		R a = d[2 * i], b = d[2 * i + 1];
		R c = k[2 * i], e = k[2 * i + 1];

		d[2 * i] = a * c - b * e;
		d[2 * i + 1] = a * e + b * c;
	}
}

/* --- FFT path ------------------------------------------------------------ */

struct T(fftst) {
	R **buf;		/* nbuf tile buffers of rows * rs reals */
	int nbuf;
	R *kspec;		/* rows * rs reals: the kernel's spectrum */
	struct tp_fft_plan *fwd, *inv;
	size_t bd[TP_MAXDIM];	/* buffer row dims */
	size_t rows, rs;
	int threads;
};

static void
T(fft_free)(void *v)
{
	struct T(fftst) *s = v;
	int i;

	tp_fft_plan_free(s->fwd);
	tp_fft_plan_free(s->inv);
	for (i = 0; i < s->nbuf; i++)
		tp_fft_free(s->buf[i]);
	free(s->buf);
	tp_fft_free(s->kspec);
	free(s);
}

/*
 * In-place plans for one tile buffer of s's layout, on threads threads:
 * r2c and c2r for real data, forward and backward for complex.  Rows of
 * s->rs reals (FFTW's padded in-place layout for real data).
 */
static void
T(make_plans)(const struct geom *g, struct T(fftst) *s, int threads)
{
	struct tp_fft_problem pb;
	size_t L[TP_MAXDIM];
	int a, axes[TP_MAXDIM], cx = g->es == 2;
	enum tp_fft_kind fk = cx ? TP_FFT_FWD : TP_FFT_R2C;
	enum tp_fft_kind ik = cx ? TP_FFT_BWD : TP_FFT_C2R;
	unsigned fl = TP_FFT_INPLACE | TP_FFT_DESTROY;
	int single = sizeof(R) == sizeof(float);

	for (a = 0; a < g->k; a++) {
		L[a] = g->ax[a].L;
		axes[a] = a;
	}
	tp_fft_problem_axes(&pb, fk, g->k, L, g->k, axes, 1);
	s->fwd = tp_fft_plan_new(fk, single, &pb, threads, fl, s->buf[0],
	    s->buf[0]);
	tp_fft_problem_axes(&pb, ik, g->k, L, g->k, axes, 1);
	s->inv = tp_fft_plan_new(ik, single, &pb, threads, fl, s->buf[0],
	    s->buf[0]);
}

/* Fill kbuf (a tile buffer) with the kernel hd scaled by scale, placed
 * at the origin, and transform it with the tiles' forward plan p. */
static void
T(kernel_spectrum)(struct tp_conv *c, const struct geom *g, R *kbuf,
    const size_t *bd, size_t rs, const struct tp_fft_plan *p, double scale)
{
	size_t idx[TP_MAXDIM] = { 0 }, bstr[TP_MAXDIM], i, rows = 1, kr;
	size_t ml = c->m[g->k - 1], Ll = g->ax[g->k - 1].L;
	int a, k = g->k, kes = c->kcomplex ? 2 : 1, es = g->es;

	for (a = 0; a < k - 1; a++)
		rows *= bd[a];
	memset(kbuf, 0, rows * rs * sizeof(R));
	if (k >= 2)
		bstr[k - 2] = 1;
	for (a = k - 2; a > 0; a--)
		bstr[a - 1] = bstr[a] * bd[a];
	for (kr = 0; kr < c->mcount / ml; kr++) {
		size_t br = 0;
		const double *h = c->hd + kr * ml * kes;

		/* a kernel longer than L wraps around: the cyclic
		 * convolution is the same */
		for (a = 0; a < k - 1; a++)
			br += idx[a] % g->ax[a].L * bstr[a];
		for (i = 0; i < ml; i++) {
			R *d = kbuf + br * rs + i % Ll * es;

			d[0] += (R)(h[i * kes] * scale);
			if (kes == 2)
				d[1] += (R)(h[i * kes + 1] * scale);
		}
		for (a = k - 2; a >= 0; a--) {
			if (++idx[a] < c->m[a])
				break;
			idx[a] = 0;
		}
	}
	tp_fft_execute(p, kbuf, kbuf);
}

/*
 * The FFT path works on tiles: per axis either the whole (padded) axis,
 * or blocks of L samples giving L-m+1 outputs each (overlap-save).  Each
 * tile is filled, transformed, multiplied by the kernel's spectrum and
 * transformed back.  Tiles run in parallel on single-threaded plans when
 * there are enough of them (g->par), else one by one on FFTW's threads.
 */
static struct T(fftst) *
T(fft_setup)(struct tp_conv *c)
{
	struct geom *g = &c->g;
	struct T(fftst) *s = tp_ecalloc(1, sizeof *s);
	size_t Lt = 1, items = g->nb * g->ntiles;
	int a, k = g->k, pth = g->par ? 1 : c->o.threads;

	s->threads = c->o.threads;
	s->rows = 1;
	for (a = 0; a < k - 1; a++) {
		s->bd[a] = g->ax[a].L;
		s->rows *= s->bd[a];
	}
	for (a = 0; a < k; a++)
		Lt *= g->ax[a].L;
	if (g->es == 2)
		s->rs = 2 * g->ax[k - 1].L;
	else
		s->rs = 2 * (g->ax[k - 1].L / 2 + 1);
	s->nbuf = g->par ? (items < (size_t)s->threads ? (int)items :
	    s->threads) : 1;
	s->buf = tp_ecalloc(s->nbuf, sizeof *s->buf);
	for (a = 0; a < s->nbuf; a++)
		s->buf[a] = tp_fft_alloc(s->rows * s->rs * sizeof(R));
	s->kspec = tp_fft_alloc(s->rows * s->rs * sizeof(R));
	tp_timing_stamp("fft setup");
	T(make_plans)(g, s, pth);
	tp_timing_stamp("planned");
	T(kernel_spectrum)(c, g, s->kspec, s->bd, s->rs, s->fwd,
	    1.0 / (double)Lt);
	tp_timing_stamp("kernel spectrum");
	tp_fft_save_wisdom();
	return s;
}

struct T(fftjob) {
	struct tp_conv *c;
	struct T(fftst) *s;
	const R *x;
	R *out;
};

static void
T(fft_item)(void *v, size_t i, int tid)
{
	struct T(fftjob) *j = v;
	struct T(fftst) *s = j->s;
	const struct geom *g = &j->c->g;
	size_t b = i / g->ntiles, t = i % g->ntiles;
	size_t r[TP_MAXDIM], o0[TP_MAXDIM], cnt[TP_MAXDIM];
	ptrdiff_t start[TP_MAXDIM];
	R *buf = s->buf[tid];
	int a;

	for (a = g->k - 1; a >= 0; a--) {
		const struct axis *ax = &g->ax[a];
		size_t ti = t % ax->ntile;

		t /= ax->ntile;
		if (ax->whole) {
			start[a] = 0;
			r[a] = ax->s;
			o0[a] = 0;
			cnt[a] = ax->lout;
		} else {
			o0[a] = ti * ax->step;
			cnt[a] = ax->lout - o0[a] < ax->step ?
			    ax->lout - o0[a] : ax->step;
			start[a] = (ptrdiff_t)(o0[a] + ax->s) -
			    (ptrdiff_t)(ax->m - 1);
			r[a] = ax->m - 1;
		}
	}
	T(fill)(buf, j->x + b * g->nin * g->es, g, s->bd, s->rs,
	    s->rs / g->es, g->es, start);
	tp_fft_execute(s->fwd, buf, buf);
	T(cmul)(buf, s->kspec, s->rows * s->rs / 2);
	tp_fft_execute(s->inv, buf, buf);
	T(extract)(j->out + b * g->nout * g->es, buf, g, s->bd, s->rs, g->es,
	    r, o0, cnt);
}

static void
T(fft_run)(struct tp_conv *c, const R *x, R *out)
{
	struct T(fftst) *s = c->st;
	struct T(fftjob) j = { c, s, x, out };
	size_t i, items = c->g.nb * c->g.ntiles;

	tp_timing_stamp("fft run");
	if (c->g.par)
		tp_parallel(s->nbuf, items, T(fft_item), &j);
	else
		for (i = 0; i < items; i++)
			T(fft_item)(&j, i, 0);
	tp_timing_stamp("fft done");
}

/* --- direct path ------------------------------------------------------- */

/*
 * o[t] (+)= sign * sum over kernel rows kr and taps j of
 * g[kr][j] * e[koff[kr] * rs + t + j], for t < cnt.  Blocks of BLK
 * outputs are summed in four vector registers (GCC vector extensions:
 * SSE2 by default, AVX2 and FMA in the clone chosen at run time on
 * machines that have them).  e must be readable up to BLK - 1 + ml - 1
 * past cnt.  In float, the vector sums are folded into double every
 * FOLD taps, so a long kernel keeps float's relative accuracy instead of
 * losing it as the square root of its length.
 */
typedef R T(vec) __attribute__((vector_size(32)));
#define VL ((int)(32 / sizeof(R)))

/* Add the four vector sums to d (BLK doubles) and clear them; tmp is
 * BLK samples of room. */
static inline void
T(fold)(double *d, R *tmp, T(vec) *a0, T(vec) *a1, T(vec) *a2, T(vec) *a3)
{
	static const T(vec) zero;

	__builtin_memcpy(tmp, a0, sizeof *a0);
	__builtin_memcpy(tmp + VL, a1, sizeof *a1);
	__builtin_memcpy(tmp + 2 * VL, a2, sizeof *a2);
	__builtin_memcpy(tmp + 3 * VL, a3, sizeof *a3);
	for (int t = 0; t < BLK; t++)
		d[t] += tmp[t];
	*a0 = *a1 = *a2 = *a3 = zero;
}

CLONES
static void
T(dir_row)(R *restrict o, size_t cnt, const R *restrict e, size_t rs,
    const size_t *koff, size_t nkr, const R *restrict g, size_t ml,
    R sign, int add)
{
	enum { FOLD = 64 };
	const int fold = sizeof(R) < sizeof(double);
	size_t o0, kr, j, t;

	for (o0 = 0; o0 < cnt; o0 += BLK) {
		T(vec) a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 }, v;
		R acc[BLK];
		double dacc[BLK];
		size_t n = cnt - o0 < BLK ? cnt - o0 : BLK, since = 0;

		if (fold)
			for (t = 0; t < BLK; t++)
				dacc[t] = 0;
		for (kr = 0; kr < nkr; kr++) {
			const R *er = e + koff[kr] * rs + o0;
			const R *gr = g + kr * ml;

			for (j = 0; j < ml; j++) {
				R w = gr[j];
				const R *ej = er + j;

				__builtin_memcpy(&v, ej, sizeof v);
				a0 += w * v;
				__builtin_memcpy(&v, ej + VL, sizeof v);
				a1 += w * v;
				__builtin_memcpy(&v, ej + 2 * VL, sizeof v);
				a2 += w * v;
				__builtin_memcpy(&v, ej + 3 * VL, sizeof v);
				a3 += w * v;
				if (fold && ++since == FOLD) {
					T(fold)(dacc, acc, &a0, &a1, &a2, &a3);
					since = 0;
				}
			}
		}
		if (fold) {
			T(fold)(dacc, acc, &a0, &a1, &a2, &a3);
			for (t = 0; t < BLK; t++)
				acc[t] = (R)dacc[t];
		} else {
			__builtin_memcpy(acc, &a0, sizeof a0);
			__builtin_memcpy(acc + VL, &a1, sizeof a1);
			__builtin_memcpy(acc + 2 * VL, &a2, sizeof a2);
			__builtin_memcpy(acc + 3 * VL, &a3, sizeof a3);
		}
		if (add)
			for (t = 0; t < n; t++)
				o[o0 + t] += sign * acc[t];
		else
			for (t = 0; t < n; t++)
				o[o0 + t] = acc[t];
	}
}
#undef VL

struct T(dirst) {
	R *e[2];		/* extended signal planes (re, im) */
	R *g[2];		/* correlation-form kernel planes */
	R *xs[2];		/* the signal split in planes (complex) */
	R *os[2];		/* the output in planes (complex) */
	size_t *koff, nkr;
	size_t bd[TP_MAXDIM];	/* E row dims */
	size_t rows, rs;	/* per batch element */
	size_t chunk, nchunk, orows;
	size_t nslot;		/* batch elements extended at a time */
	int threads;
};

static void
T(dir_free)(void *v)
{
	struct T(dirst) *s = v;
	int i;

	for (i = 0; i < 2; i++) {
		free(s->e[i]);
		free(s->g[i]);
		free(s->xs[i]);
		free(s->os[i]);
	}
	free(s->koff);
	free(s);
}

static struct T(dirst) *
T(dir_setup)(struct tp_conv *c)
{
	struct geom *g = &c->g;
	struct T(dirst) *s = tp_ecalloc(1, sizeof *s);
	int a, k = g->k, np = g->es, kes = c->kcomplex ? 2 : 1, p;
	size_t ll = g->ax[k - 1].lout, ml = g->ax[k - 1].m, i;
	size_t estr[TP_MAXDIM], idx[TP_MAXDIM] = { 0 }, kr;

	s->threads = c->o.threads;
	s->rows = 1;
	s->orows = 1;
	for (a = 0; a < k - 1; a++) {
		s->bd[a] = g->ax[a].in;
		s->rows *= s->bd[a];
		s->orows *= g->ax[a].lout;
	}
	s->rs = (ll + BLK - 1) / BLK * BLK + ml - 1;
	s->chunk = 4096;
	s->nchunk = (ll + s->chunk - 1) / s->chunk;
	/* the extended signal of nslot batch elements at a time: one per
	 * thread, so memory stays near the record's size however the batch
	 * is shaped */
	s->nslot = g->nb < (size_t)s->threads ? g->nb : (size_t)s->threads;
	for (p = 0; p < np; p++) {
		s->e[p] = tp_big_alloc(s->nslot * s->rows * s->rs * sizeof(R));
		s->g[p] = tp_emalloc(c->mcount * sizeof(R));
		if (np == 2) {
			s->xs[p] = tp_big_alloc(g->nb * g->nin * sizeof(R));
			s->os[p] = tp_big_alloc(g->nb * g->nout * sizeof(R));
		}
	}
	/* g = h' reversed on every axis: a correlation kernel */
	for (i = 0; i < c->mcount; i++)
		for (p = 0; p < np; p++)
			s->g[p][c->mcount - 1 - i] =
			    p < kes ? (R)c->hd[i * kes + p] : 0;
	s->nkr = c->mcount / ml;
	s->koff = tp_emalloc(s->nkr * sizeof *s->koff);
	if (k >= 2)
		estr[k - 2] = 1;
	for (a = k - 2; a > 0; a--)
		estr[a - 1] = estr[a] * s->bd[a];
	for (kr = 0; kr < s->nkr; kr++) {
		s->koff[kr] = 0;
		for (a = 0; a < k - 1; a++)
			s->koff[kr] += idx[a] * estr[a];
		for (a = k - 2; a >= 0; a--) {
			if (++idx[a] < g->ax[a].m)
				break;
			idx[a] = 0;
		}
	}
	return s;
}

struct T(dirjob) {
	struct tp_conv *c;
	struct T(dirst) *s;
	const R *x;
	R *out;
	size_t b0;		/* the first batch element of this round */
};

/* Extend plane p of batch element b into slot slot. */
static void
T(dir_fill)(struct T(dirjob) *j, size_t b, int p, size_t slot)
{
	static const ptrdiff_t zero[TP_MAXDIM];
	struct T(dirst) *s = j->s;
	const struct geom *g = &j->c->g;
	const R *src = g->es == 2 ? s->xs[p] : j->x;

	T(fill)(s->e[p] + slot * s->rows * s->rs, src + b * g->nin, g, s->bd,
	    s->rs, s->rs, 1, zero);
}

/* Output row r, chunk ch, of batch element b, whose extended signal is
 * in slot slot. */
static void
T(dir_rows)(struct T(dirjob) *j, size_t b, size_t slot, size_t r, size_t ch)
{
	struct T(dirst) *s = j->s;
	const struct geom *g = &j->c->g;
	int a, k = g->k;
	size_t ll = g->ax[k - 1].lout, ml = g->ax[k - 1].m;
	size_t er = 0, str = 1, rem = r;
	size_t c0 = ch * s->chunk;
	size_t cnt = ll - c0 < s->chunk ? ll - c0 : s->chunk;
	size_t eoff, ooff;

	/* the E row of output row r: same index tuple (E rows are wider) */
	for (a = k - 2; a >= 0; a--) {
		er += rem % g->ax[a].lout * str;
		rem /= g->ax[a].lout;
		str *= s->bd[a];
	}
	eoff = slot * s->rows * s->rs + er * s->rs + c0;
	ooff = b * g->nout + r * ll + c0;
	if (g->es == 1) {
		T(dir_row)(j->out + ooff, cnt, s->e[0] + eoff, s->rs, s->koff,
		    s->nkr, s->g[0], ml, 1, 0);
		return;
	}
	/* (er + i ei)(gr + i gi) */
	T(dir_row)(s->os[0] + ooff, cnt, s->e[0] + eoff, s->rs, s->koff,
	    s->nkr, s->g[0], ml, 1, 0);
	T(dir_row)(s->os[0] + ooff, cnt, s->e[1] + eoff, s->rs, s->koff,
	    s->nkr, s->g[1], ml, -1, 1);
	T(dir_row)(s->os[1] + ooff, cnt, s->e[0] + eoff, s->rs, s->koff,
	    s->nkr, s->g[1], ml, 1, 0);
	T(dir_row)(s->os[1] + ooff, cnt, s->e[1] + eoff, s->rs, s->koff,
	    s->nkr, s->g[0], ml, 1, 1);
}

/* parallel item: extend one plane of one batch element of the round. */
static void
T(dir_fill_item)(void *v, size_t i, int tid)
{
	struct T(dirjob) *j = v;
	int es = j->c->g.es;

	(void)tid;
	T(dir_fill)(j, j->b0 + i / (size_t)es, (int)(i % (size_t)es), i / (size_t)es);
}

/* parallel item: one chunk of one output row of the round. */
static void
T(dir_item)(void *v, size_t i, int tid)
{
	struct T(dirjob) *j = v;
	struct T(dirst) *s = j->s;
	size_t ch = i % s->nchunk, r = i / s->nchunk % s->orows;
	size_t slot = i / s->nchunk / s->orows;

	(void)tid;
	T(dir_rows)(j, j->b0 + slot, slot, r, ch);
}

/* parallel item: a whole batch element, in the thread's own slot. */
static void
T(dir_batch_item)(void *v, size_t b, int tid)
{
	struct T(dirjob) *j = v;
	struct T(dirst) *s = j->s;
	int p;

	for (p = 0; p < j->c->g.es; p++)
		T(dir_fill)(j, b, p, (size_t)tid);
	for (size_t r = 0; r < s->orows; r++)
		for (size_t ch = 0; ch < s->nchunk; ch++)
			T(dir_rows)(j, b, (size_t)tid, r, ch);
}

static void
T(dir_run)(struct tp_conv *c, const R *x, R *out)
{
	struct T(dirst) *s = c->st;
	struct T(dirjob) j = { c, s, x, out, 0 };
	const struct geom *g = &c->g;
	size_t i, n;

	if (g->es == 2) {
		n = g->nb * g->nin;
		for (i = 0; i < n; i++) {
			s->xs[0][i] = x[2 * i];
			s->xs[1][i] = x[2 * i + 1];
		}
	}
	tp_timing_stamp("direct run");
	if (g->nb >= 2 * (size_t)s->threads) {
		/* many batch elements: each thread takes whole ones */
		tp_parallel(s->threads, g->nb, T(dir_batch_item), &j);
	} else {
		/* few: extend nslot of them, share their rows out, repeat */
		for (j.b0 = 0; j.b0 < g->nb; j.b0 += s->nslot) {
			size_t nb = g->nb - j.b0 < s->nslot ? g->nb - j.b0 : s->nslot;
			tp_parallel(s->threads, nb * (size_t)g->es, T(dir_fill_item), &j);
			tp_parallel(s->threads, nb * s->orows * s->nchunk, T(dir_item), &j);
		}
	}
	if (g->es == 2) {
		n = g->nb * g->nout;
		for (i = 0; i < n; i++) {
			out[2 * i] = s->os[0][i];
			out[2 * i + 1] = s->os[1][i];
		}
	}
	tp_timing_stamp("direct done");
}

/* --- non-finite inputs -------------------------------------------------- */

/* How many of the n reals of x are NaN or infinite. */
static size_t
T(count_bad)(const R *x, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		bad += !isfinite(x[i]);
	return bad;
}

/* Set the non-finite elements (es reals each) of x to 0 and mark them in
 * bad[]. */
static void
T(clean)(R *x, size_t n, int es, unsigned char *bad)
{
	size_t i;
	int e;

	for (i = 0; i < n; i++) {
		bad[i] = 0;
		for (e = 0; e < es; e++)
			if (!isfinite(x[i * es + e]))
				bad[i] = 1;
		if (bad[i])
			for (e = 0; e < es; e++)
				x[i * es + e] = 0;
	}
}

/* Set the elements of out marked in bad[] (or all, if bad is NULL) to
 * NaN. */
static void
T(set_nan)(R *out, const unsigned char *bad, size_t n, int es)
{
	size_t i;
	int e;

	for (i = 0; i < n; i++)
		if (bad == NULL || bad[i])
			for (e = 0; e < es; e++)
				out[i * es + e] = (R)NAN;
}

/* --- dispatch ---------------------------------------------------------- */

static void
T(run)(struct tp_conv *c, const R *x, R *out)
{
	if (c->st == NULL) {
		switch (c->g.method) {
		case TP_METHOD_DIRECT:
			c->st = T(dir_setup)(c);
			c->st_free = T(dir_free);
			break;
		default:
			c->st = T(fft_setup)(c);
			c->st_free = T(fft_free);
			break;
		}
	}
	switch (c->g.method) {
	case TP_METHOD_DIRECT:
		T(dir_run)(c, x, out);
		break;
	default:
		T(fft_run)(c, x, out);
		break;
	}
}
