/*
 * conv_path.c - the convolution engine's two paths over the samples:
 * FFT (whole axes or overlap-save tiles, through fft.h) and the direct
 * sum.  The index arithmetic is written once, by element size; the work
 * that depends on the real type is in conv_typed.h, included below for
 * float and double.  conv_impl.h describes the geometry.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "fft.h"
#include "conv.h"
#include "conv_impl.h"

/* --- typed parts ---------------------------------------------------------- */

/* The direct sum is also compiled for AVX2 + FMA (TP_CLONES). */

#define CT_REAL float
#define CT_FN(x) x##_f
#define CT_BLK 32
#define CT_LANES 8
#define CT_UINT uint32_t
#define CT_EXP 0x7f800000u
#include "conv_typed.h"
#undef CT_REAL
#undef CT_FN
#undef CT_BLK
#undef CT_LANES
#undef CT_UINT
#undef CT_EXP

#define CT_REAL double
#define CT_FN(x) x##_d
#define CT_BLK 16
#define CT_LANES 4
#define CT_UINT uint64_t
#define CT_EXP 0x7ff0000000000000u
#include "conv_typed.h"
#undef CT_LANES
#undef CT_UINT
#undef CT_EXP
#undef CT_REAL
#undef CT_FN
#undef CT_BLK

/* --- filling and extracting, by element size ------------------------------ */

ptrdiff_t
conv_bmap(ptrdiff_t i, ptrdiff_t n, int bnd)
{
	ptrdiff_t p;

	if (i >= 0 && i < n)
		return i;
	switch (bnd) {
	case TP_BND_WRAP:
		return (i % n + n) % n;
	case TP_BND_REFLECT:
		p = (i % (2 * n) + 2 * n) % (2 * n);
		return p < n ? p : 2 * n - 1 - p;
	case TP_BND_MIRROR:
		if (n == 1)
			return 0;
		p = (i % (2 * n - 2) + 2 * n - 2) % (2 * n - 2);
		return p < n ? p : 2 * n - 2 - p;
	case TP_BND_NEAREST:
		return i < 0 ? 0 : n - 1;
	default:
		return -1;
	}
}

/* Copy one element of esz bytes (the sizes that occur are copied
 * inline). */
static inline void
copy_elem(char *dst, const char *src, size_t esz)
{
	switch (esz) {
	case 4:
		memcpy(dst, src, 4);
		break;
	case 8:
		memcpy(dst, src, 8);
		break;
	case 16:
		memcpy(dst, src, 16);
		break;
	default:
		memcpy(dst, src, esz);
		break;
	}
}

/* conv_impl.h */
void
conv_fill_row(char *dst, size_t len, const char *src, ptrdiff_t start,
    const struct conv_axis *ax, int bnd, size_t esz)
{
	ptrdiff_t b, p, j, n = (ptrdiff_t)ax->n, in = (ptrdiff_t)ax->in;
	ptrdiff_t pl = (ptrdiff_t)ax->pl, lo, hi, end = (ptrdiff_t)len;

	/* the stretch copied as is: 0 <= p < in and 0 <= p - pl < n */
	lo = pl > 0 ? pl : 0;
	hi = pl + n < in ? pl + n : in;
	lo -= start;
	hi -= start;
	if (lo < 0)
		lo = 0;
	if (hi > end)
		hi = end;
	if (lo < hi)
		memcpy(dst + (size_t)lo * esz, src + (size_t)(start + lo - pl) *
		    esz, (size_t)(hi - lo) * esz);
	else
		lo = hi = 0;
	if (bnd == TP_BND_ZERO) {	/* zeros around the stretch */
		memset(dst, 0, (size_t)lo * esz);
		memset(dst + (size_t)hi * esz, 0, (size_t)(end - hi) * esz);
		return;
	}
	for (b = 0; b < end; b++) {
		if (b == lo && hi > lo) {
			b = hi - 1;
			continue;
		}
		p = start + b;
		if (p >= in) {		/* zeros from here on */
			memset(dst + (size_t)b * esz, 0,
			    (size_t)(end - b) * esz);
			break;
		}
		j = p < 0 ? -1 : conv_bmap(p - pl, n, bnd);
		if (j < 0)
			memset(dst + (size_t)b * esz, 0, esz);
		else
			copy_elem(dst + (size_t)b * esz, src + (size_t)j * esz,
			    esz);
	}
}

/*
 * Fill one batch element's buffer: rows over the first nax-1 axes with
 * sizes bd[a], rsb bytes apart, rowlen elements of esz bytes used in
 * each, from the signal src (shape g->ax[].n).  Buffer index i on axis a
 * holds buffer-signal position start[a] + i (see fill_row).
 */
static void
fill(char *dst, const char *src, const struct conv_geom *g, const size_t *bd,
    size_t rsb, size_t rowlen, size_t esz, const ptrdiff_t *start)
{
	size_t idx[TP_MAXDIM] = { 0 }, sstr[TP_MAXDIM];
	size_t rows = 1, r;
	int a, nax = g->nax;

	sstr[nax - 1] = 1;
	for (a = nax - 1; a > 0; a--)
		sstr[a - 1] = sstr[a] * g->ax[a].n;
	for (a = 0; a < nax - 1; a++)
		rows *= bd[a];
	for (r = 0; r < rows; r++) {
		char *d = dst + r * rsb;
		ptrdiff_t off = 0;
		int zero = 0;

		for (a = 0; a < nax - 1 && !zero; a++) {
			const struct conv_axis *ax = &g->ax[a];
			ptrdiff_t j = -1, p = start[a] + (ptrdiff_t)idx[a];

			if (p >= 0 && p < (ptrdiff_t)ax->in)
				j = conv_bmap(p - (ptrdiff_t)ax->pl,
				    (ptrdiff_t)ax->n, g->bnd);
			if (j < 0)
				zero = 1;
			else
				off += j * (ptrdiff_t)sstr[a];
		}
		if (zero)
			memset(d, 0, rowlen * esz);
		else
			conv_fill_row(d, rowlen, src + (size_t)off * esz,
			    start[nax - 1], &g->ax[nax - 1], g->bnd, esz);
		for (a = nax - 2; a >= 0; a--) {
			if (++idx[a] < bd[a])
				break;
			idx[a] = 0;
		}
	}
}

/*
 * Copy a block of cnt[a] outputs per axis from the buffer (rows over
 * bd[], rsb bytes apart), where it starts at index r[a], to the output of
 * one batch element, where it starts at o0[a]; elements of esz bytes.
 */
static void
extract(char *out, const char *buf, const struct conv_geom *g,
    const size_t *bd, size_t rsb, size_t esz, const size_t *r,
    const size_t *o0, const size_t *cnt)
{
	size_t idx[TP_MAXDIM] = { 0 }, bstr[TP_MAXDIM], ostr[TP_MAXDIM];
	size_t rows = 1, i, cl = cnt[g->nax - 1];
	int a, nax = g->nax;

	bstr[nax - 1] = 1;	/* in rows */
	ostr[nax - 1] = 1;	/* in elements */
	if (nax >= 2)
		bstr[nax - 2] = 1;
	for (a = nax - 2; a > 0; a--)
		bstr[a - 1] = bstr[a] * bd[a];
	for (a = nax - 1; a > 0; a--)
		ostr[a - 1] = ostr[a] * g->ax[a].lout;
	for (a = 0; a < nax - 1; a++)
		rows *= cnt[a];
	for (i = 0; i < rows; i++) {
		size_t br = 0, oe = o0[nax - 1];

		for (a = 0; a < nax - 1; a++) {
			br += (idx[a] + r[a]) * bstr[a];
			oe += (idx[a] + o0[a]) * ostr[a];
		}
		memcpy(out + oe * esz, buf + br * rsb + r[nax - 1] * esz,
		    cl * esz);
		for (a = nax - 2; a >= 0; a--) {
			if (++idx[a] < cnt[a])
				break;
			idx[a] = 0;
		}
	}
}

/* Offsets, in rows of a buffer with row dims bd[0..nax-1), of the kernel's
 * rows (index tuples over its first nax-1 axes, each taken modulo wrap[a]
 * when wrap is not NULL); koff holds mcount/m[nax-1] entries. */
static void
kernel_rows(const struct tp_conv *c, const size_t *bd, const size_t *wrap,
    size_t *koff)
{
	size_t idx[TP_MAXDIM] = { 0 }, bstr[TP_MAXDIM], kr;
	size_t nkr = c->mcount / c->m[c->kdim - 1];
	int a, nax = c->kdim;

	if (nax >= 2)
		bstr[nax - 2] = 1;
	for (a = nax - 2; a > 0; a--)
		bstr[a - 1] = bstr[a] * bd[a];
	for (kr = 0; kr < nkr; kr++) {
		koff[kr] = 0;
		for (a = 0; a < nax - 1; a++)
			koff[kr] += (wrap ? idx[a] % wrap[a] : idx[a]) *
			    bstr[a];
		for (a = nax - 2; a >= 0; a--) {
			if (++idx[a] < c->m[a])
				break;
			idx[a] = 0;
		}
	}
}

/* --- FFT path ------------------------------------------------------------- */

/*
 * The FFT path works on tiles: per axis either the whole (padded) axis,
 * or blocks of L samples giving L-m+1 outputs each (overlap-save).  Each
 * tile is filled, transformed, multiplied by the kernel's spectrum and
 * transformed back.  Tiles run in parallel on single-threaded plans when
 * there are enough of them (g->par), else one by one on FFTW's threads.
 * (One batched plan over all tiles measured slower: bench/conv-batch.c.)
 */
struct fft_state {
	void **buf;		/* nbuf tile buffers of rows * rs reals */
	int nbuf;
	void *kspec;		/* rows * rs reals: the kernel's spectrum */
	struct tp_fft_plan *fwd, *inv;
	size_t bd[TP_MAXDIM];	/* buffer row dims */
	size_t rows, rs;	/* rows, and reals per row */
};

/* Free an fft_state (the path's st_free). */
static void
fft_free(void *v)
{
	struct fft_state *s = v;
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
 * s->rs reals (FFTW's padded in-place layout for real data).  Sets
 * c->wisdom when both came from wisdom.
 */
static void
make_plans(struct tp_conv *c, struct fft_state *s, int threads)
{
	const struct conv_geom *g = &c->g;
	struct tp_fft_problem pb;
	size_t L[TP_MAXDIM];
	int a, axes[TP_MAXDIM], cx = g->nre == 2;
	enum tp_fft_kind fk = cx ? TP_FFT_FWD : TP_FFT_R2C;
	enum tp_fft_kind ik = cx ? TP_FFT_BWD : TP_FFT_C2R;
	unsigned fl = TP_FFT_INPLACE | TP_FFT_DESTROY;
	int single = g->rsz == sizeof(float);

	for (a = 0; a < g->nax; a++) {
		L[a] = g->ax[a].L;
		axes[a] = a;
	}
	tp_fft_problem_axes(&pb, fk, g->nax, L, g->nax, axes, 1);
	s->fwd = tp_fft_plan_new(fk, single, &pb, threads, fl, s->buf[0],
	    s->buf[0]);
	tp_fft_problem_axes(&pb, ik, g->nax, L, g->nax, axes, 1);
	s->inv = tp_fft_plan_new(ik, single, &pb, threads, fl, s->buf[0],
	    s->buf[0]);
	c->wisdom = tp_fft_plan_from_wisdom(s->fwd) &&
	    tp_fft_plan_from_wisdom(s->inv);
}

/* s->kspec = the spectrum of the kernel placed at the origin of a tile
 * (wrapped around where it is longer than the tile), scaled by
 * 1/(transform size) so that the inverse needs no scaling. */
static void
kernel_spectrum(const struct tp_conv *c, struct fft_state *s)
{
	const struct conv_geom *g = &c->g;
	size_t ml = c->m[g->nax - 1], Ll = g->ax[g->nax - 1].L, kr, i, Lt = 1;
	size_t nkr = c->mcount / ml, wrap[TP_MAXDIM];
	size_t *koff = tp_emalloc(nkr * sizeof *koff);
	double *row = tp_emalloc(Ll * g->nre * sizeof *row);
	int a, kn = c->knre, nre = g->nre;

	for (a = 0; a < g->nax; a++) {
		wrap[a] = g->ax[a].L;
		Lt *= g->ax[a].L;
	}
	/* a kernel longer than L wraps around: the cyclic convolution is
	 * the same */
	kernel_rows(c, s->bd, wrap, koff);
	memset(s->kspec, 0, s->rows * s->rs * g->rsz);
	for (kr = 0; kr < nkr; kr++) {
		const double *h = c->hd + kr * ml * kn;

		memset(row, 0, Ll * nre * sizeof *row);
		for (i = 0; i < ml; i++) {
			row[i % Ll * nre] += h[i * kn];
			if (kn == 2)
				row[i % Ll * nre + 1] += h[i * kn + 1];
		}
		c->ops->add_double((char *)s->kspec + koff[kr] * s->rs *
		    g->rsz, row, Ll * nre, 1.0 / (double)Lt);
	}
	tp_fft_execute(s->fwd, s->kspec, s->kspec);
	free(row);
	free(koff);
}

/* The FFT path's state for c->g: tile buffers, plans, kernel spectrum. */
static struct fft_state *
fft_setup(struct tp_conv *c)
{
	struct conv_geom *g = &c->g;
	struct fft_state *s = tp_ecalloc(1, sizeof *s);
	size_t items = g->nb * g->ntiles;
	int a, nax = g->nax, threads = c->o.threads;

	s->rows = 1;
	for (a = 0; a < nax - 1; a++) {
		s->bd[a] = g->ax[a].L;
		s->rows *= s->bd[a];
	}
	if (g->nre == 2)
		s->rs = 2 * g->ax[nax - 1].L;
	else
		s->rs = 2 * (g->ax[nax - 1].L / 2 + 1);
	s->nbuf = g->par ? (items < (size_t)threads ? (int)items : threads) :
	    1;
	s->buf = tp_ecalloc(s->nbuf, sizeof *s->buf);
	for (a = 0; a < s->nbuf; a++)
		s->buf[a] = tp_fft_alloc(s->rows * s->rs * g->rsz);
	s->kspec = tp_fft_alloc(s->rows * s->rs * g->rsz);
	make_plans(c, s, g->par ? 1 : threads);
	kernel_spectrum(c, s);
	tp_fft_save_wisdom();
	return s;
}

/* The arguments of the parallel items of one run.  The direct path runs
 * nk engines over one signal (conv_path_run_many): c is the first, whose
 * buffers hold the extended signal; outs[k] is cs[k]'s output. */
struct path_job {
	struct tp_conv *c;
	const char *x;
	char *out;
	size_t b0;		/* direct: a round's first batch element */
	struct tp_conv *const *cs;
	char *const *outs;
	size_t nk;
};

/* parallel item i: one tile of one batch element, in thread tid's
 * buffer. */
static void
fft_item(void *v, size_t i, int tid)
{
	struct path_job *j = v;
	struct fft_state *s = j->c->st;
	const struct conv_geom *g = &j->c->g;
	size_t b = i / g->ntiles, t = i % g->ntiles, esz = g->nre * g->rsz;
	size_t r[TP_MAXDIM], o0[TP_MAXDIM], cnt[TP_MAXDIM];
	ptrdiff_t start[TP_MAXDIM];
	char *buf = s->buf[tid];
	int a;

	for (a = g->nax - 1; a >= 0; a--) {
		const struct conv_axis *ax = &g->ax[a];
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
	fill(buf, j->x + b * g->nin * esz, g, s->bd, s->rs * g->rsz,
	    s->rs / g->nre, esz, start);
	tp_fft_execute(s->fwd, buf, buf);
	j->c->ops->cmul(buf, s->kspec, s->rows * s->rs / 2);
	tp_fft_execute(s->inv, buf, buf);
	extract(j->out + b * g->nout * esz, buf, g, s->bd, s->rs * g->rsz, esz,
	    r, o0, cnt);
}

/* out = x convolved, by the FFT path. */
static void
fft_run(struct tp_conv *c, const void *x, void *out)
{
	struct path_job j = { c, x, out, 0, NULL, NULL, 0 };
	struct fft_state *s = c->st;
	size_t i, items = c->g.nb * c->g.ntiles;

	if (c->g.par)
		tp_parallel(s->nbuf, items, fft_item, &j);
	else
		for (i = 0; i < items; i++)
			fft_item(&j, i, 0);
}

/* --- direct path ---------------------------------------------------------- */

/*
 * The direct path extends the signal of a few batch elements at a time
 * into E (rows of rs reals over the first nax-1 axes), then sums each
 * output row chunk by chunk with dir_row.  Complex data is split into
 * planes of real and imaginary parts first, and the four real products
 * are summed separately.
 */
struct dir_state {
	void *e[2];		/* extended signal planes (re, im) */
	void *kp[2];		/* correlation-form kernel planes */
	void *xs[2];		/* the signal split in planes (complex) */
	void *os[2];		/* the output in planes (complex) */
	size_t *koff, nkr;	/* E row offsets of the kernel's rows */
	size_t bd[TP_MAXDIM];	/* E row dims */
	size_t rows, rs;	/* E rows, reals per row; per batch element */
	size_t chunk, nchunk, orows;
	size_t nslot;		/* batch elements extended at a time */
};

/* Free a dir_state (the path's st_free). */
static void
dir_free(void *v)
{
	struct dir_state *s = v;
	int i;

	for (i = 0; i < 2; i++) {
		free(s->e[i]);
		free(s->kp[i]);
		free(s->xs[i]);
		free(s->os[i]);
	}
	free(s->koff);
	free(s);
}

/* The direct path's state for c->g: buffers, kernel planes, offsets. */
static struct dir_state *
dir_setup(struct tp_conv *c)
{
	struct conv_geom *g = &c->g;
	struct dir_state *s = tp_ecalloc(1, sizeof *s);
	int a, nax = g->nax, np = g->nre, kn = c->knre, p;
	size_t ll = g->ax[nax - 1].lout, ml = g->ax[nax - 1].m, i, blk;
	size_t threads = (size_t)c->o.threads, rsz = g->rsz;
	double *plane = tp_emalloc(c->mcount * sizeof *plane);

	blk = c->ops->blk;
	s->rows = 1;
	s->orows = 1;
	for (a = 0; a < nax - 1; a++) {
		s->bd[a] = g->ax[a].in;
		s->rows *= s->bd[a];
		s->orows *= g->ax[a].lout;
	}
	s->rs = (ll + blk - 1) / blk * blk + ml - 1;
	s->chunk = 4096;
	s->nchunk = (ll + s->chunk - 1) / s->chunk;
	/* the extended signal of nslot batch elements at a time: one per
	 * thread, so memory stays near the record's size however the batch
	 * is shaped */
	s->nslot = g->nb < threads ? g->nb : threads;
	for (p = 0; p < np; p++) {
		s->e[p] = tp_big_alloc(s->nslot * s->rows * s->rs * rsz);
		s->kp[p] = tp_ecalloc(c->mcount, rsz);
		/* h' reversed on every axis: a correlation kernel */
		for (i = 0; i < c->mcount; i++)
			plane[c->mcount - 1 - i] = p < kn ?
			    c->hd[i * kn + p] : 0;
		c->ops->add_double(s->kp[p], plane, c->mcount, 1);
		if (np == 2) {
			s->xs[p] = tp_big_alloc(g->nb * g->nin * rsz);
			s->os[p] = tp_big_alloc(g->nb * g->nout * rsz);
		}
	}
	free(plane);
	s->nkr = c->mcount / ml;
	s->koff = tp_emalloc(s->nkr * sizeof *s->koff);
	kernel_rows(c, s->bd, NULL, s->koff);
	return s;
}

/* Extend plane p of batch element b into slot slot of E. */
static void
dir_fill(struct path_job *j, size_t b, int p, size_t slot)
{
	static const ptrdiff_t zero[TP_MAXDIM];
	struct dir_state *s = j->c->st;
	const struct conv_geom *g = &j->c->g;
	const char *src = g->nre == 2 ? s->xs[p] : j->x;
	size_t rsz = g->rsz;

	fill((char *)s->e[p] + slot * s->rows * s->rs * rsz,
	    src + b * g->nin * rsz, g, s->bd, s->rs * rsz, s->rs, rsz, zero);
}

/* Kernels whose sums dir_rowk takes over one pass of E: three keep
 * twelve vectors of sums in AVX2's sixteen registers. */
#define DIR_GROUP 3

/* Output row r, chunk ch, of batch element b for the kernels of engines
 * cs[k] to cs[k + nk - 1] (nk 1, or up to 3 for real signals), whose
 * extended signal is in slot slot of E (the first engine's). */
static void
dir_rows(struct path_job *j, size_t k, size_t nk, size_t b, size_t slot,
    size_t r, size_t ch)
{
	struct dir_state *s = j->c->st, *ks = j->cs[k]->st;
	const struct conv_geom *g = &j->c->g;
	void (*row)(void *, size_t, const void *, size_t, const size_t *,
	    size_t, const void *, size_t, int, int) = j->c->ops->dir_row;
	int a, nax = g->nax;
	size_t ll = g->ax[nax - 1].lout, ml = g->ax[nax - 1].m, rsz = g->rsz;
	size_t er = 0, str = 1, rem = r;
	size_t c0 = ch * s->chunk;
	size_t cnt = ll - c0 < s->chunk ? ll - c0 : s->chunk;
	size_t eoff, ooff;
	char *e0, *e1, *o0, *o1;

	/* the E row of output row r: same index tuple (E rows are wider) */
	for (a = nax - 2; a >= 0; a--) {
		er += rem % g->ax[a].lout * str;
		rem /= g->ax[a].lout;
		str *= s->bd[a];
	}
	eoff = (slot * s->rows * s->rs + er * s->rs + c0) * rsz;
	ooff = (b * g->nout + r * ll + c0) * rsz;
	e0 = (char *)s->e[0] + eoff;
	if (g->nre == 1 && nk > 1) {
		void *o[DIR_GROUP];
		const void *kp[DIR_GROUP];
		size_t q;

		for (q = 0; q < nk; q++) {
			o[q] = j->outs[k + q] + ooff;
			kp[q] = ((struct dir_state *)j->cs[k + q]->st)->kp[0];
		}
		j->c->ops->dir_rowk(o, nk, cnt, e0, s->rs, ks->koff, ks->nkr,
		    kp, ml);
		return;
	}
	if (g->nre == 1) {
		row(j->outs[k] + ooff, cnt, e0, s->rs, ks->koff, ks->nkr,
		    ks->kp[0], ml, 1, 0);
		return;
	}
	/* (er + i ei)(kr + i ki) */
	e1 = (char *)s->e[1] + eoff;
	o0 = (char *)ks->os[0] + ooff;
	o1 = (char *)ks->os[1] + ooff;
	row(o0, cnt, e0, s->rs, ks->koff, ks->nkr, ks->kp[0], ml, 1, 0);
	row(o0, cnt, e1, s->rs, ks->koff, ks->nkr, ks->kp[1], ml, -1, 1);
	row(o1, cnt, e0, s->rs, ks->koff, ks->nkr, ks->kp[1], ml, 1, 0);
	row(o1, cnt, e1, s->rs, ks->koff, ks->nkr, ks->kp[0], ml, 1, 1);
}

/* parallel item i: extend one plane of one batch element of the round. */
static void
dir_fill_item(void *v, size_t i, int tid)
{
	struct path_job *j = v;
	size_t nre = (size_t)j->c->g.nre;

	(void)tid;
	dir_fill(j, j->b0 + i / nre, (int)(i % nre), i / nre);
}

/* The kernels of a run taken DIR_GROUP at a time (real signals:
 * dir_rowk; 8 as 3, 3 and 2), or one by one: how many groups, and group
 * i's first kernel and its count. */
static size_t
dir_groups(const struct path_job *j)
{
	return j->c->g.nre == 1 ? (j->nk + DIR_GROUP - 1) / DIR_GROUP :
	    j->nk;
}

static size_t
dir_group(const struct path_job *j, size_t i, size_t *nk)
{
	size_t k = j->c->g.nre == 1 ? DIR_GROUP * i : i;

	*nk = j->c->g.nre == 1 ? (j->nk - k < DIR_GROUP ? j->nk - k :
	    DIR_GROUP) : 1;
	return k;
}

/* parallel item i: one chunk of one output row of the round, for one
 * kernel or a group of them (the kernels of a chunk one after the
 * other, so that they read its stretch of E while it is in cache). */
static void
dir_item(void *v, size_t i, int tid)
{
	struct path_job *j = v;
	struct dir_state *s = j->c->st;
	size_t ng = dir_groups(j), q = i / ng, k, nk;
	size_t ch = q % s->nchunk, r = q / s->nchunk % s->orows;
	size_t slot = q / s->nchunk / s->orows;

	(void)tid;
	k = dir_group(j, i % ng, &nk);
	dir_rows(j, k, nk, j->b0 + slot, slot, r, ch);
}

/* parallel item b: a whole batch element, in thread tid's own slot,
 * every kernel over it while it is in cache. */
static void
dir_batch_item(void *v, size_t b, int tid)
{
	struct path_job *j = v;
	struct dir_state *s = j->c->st;
	int p;

	for (p = 0; p < j->c->g.nre; p++)
		dir_fill(j, b, p, (size_t)tid);
	for (size_t i = 0; i < dir_groups(j); i++) {
		size_t nk, k = dir_group(j, i, &nk);

		for (size_t r = 0; r < s->orows; r++)
			for (size_t ch = 0; ch < s->nchunk; ch++)
				dir_rows(j, k, nk, b, (size_t)tid, r, ch);
	}
}

/* outs[k] = x convolved with cs[k]'s kernel, k < nk, by the direct path,
 * x extended once in cs[0]'s buffers. */
static void
dir_run(struct tp_conv *const *cs, size_t nk, const void *x,
    char *const *outs)
{
	struct tp_conv *c = cs[0];
	struct dir_state *s = c->st;
	struct path_job j = { c, x, NULL, 0, cs, outs, nk };
	const struct conv_geom *g = &c->g;
	int threads = c->o.threads;
	size_t nb, k;

	if (g->nre == 2)
		c->ops->split(x, s->xs[0], s->xs[1], g->nb * g->nin);
	if (g->nb >= 2 * (size_t)threads) {
		/* many batch elements: each thread takes whole ones */
		tp_parallel(threads, g->nb, dir_batch_item, &j);
	} else {
		/* few: extend nslot of them, share their rows out, repeat */
		for (j.b0 = 0; j.b0 < g->nb; j.b0 += s->nslot) {
			nb = g->nb - j.b0 < s->nslot ? g->nb - j.b0 : s->nslot;
			tp_parallel(threads, nb * (size_t)g->nre,
			    dir_fill_item, &j);
			tp_parallel(threads, nb * s->orows * s->nchunk *
			    dir_groups(&j), dir_item, &j);
		}
	}
	for (k = 0; g->nre == 2 && k < nk; k++) {
		struct dir_state *ks = cs[k]->st;

		c->ops->merge(outs[k], ks->os[0], ks->os[1], g->nb * g->nout);
	}
}

/* --- dispatch ------------------------------------------------------------- */

void
conv_path_setup(struct tp_conv *c)
{
	c->wisdom = 0;
	if (c->g.method == TP_METHOD_DIRECT) {
		c->st = dir_setup(c);
		c->st_free = dir_free;
	} else {
		c->st = fft_setup(c);
		c->st_free = fft_free;
	}
}

void
conv_path_run(struct tp_conv *c, const void *x, void *out)
{
	char *o = out;

	if (c->g.method == TP_METHOD_DIRECT)
		dir_run(&c, 1, x, &o);
	else
		fft_run(c, x, out);
}

void
conv_path_run_many(struct tp_conv *const *cs, size_t nk, const void *x,
    char *const *outs)
{
	size_t k;

	if (cs[0]->g.method == TP_METHOD_DIRECT) {
		dir_run(cs, nk, x, outs);
		return;
	}
	for (k = 0; k < nk; k++)
		fft_run(cs[k], x, outs[k]);
}
