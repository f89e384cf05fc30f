/*
 * conv_2d.c - the FFT path for real data on two whole axes, in three
 * passes over one spectrum buffer instead of a padded copy, a forward
 * transform, a multiply, an inverse transform and a crop, each its own
 * pass (conv_path.c):
 *
 *   1. rows: each row of the extended signal is filled into a row
 *      buffer of the thread's and transformed (r2c) into its row of the
 *      spectrum buffer; rows that are all zero are not stored;
 *   2. columns: blocks of B columns are gathered into the thread's
 *      buffer (zeros for the rows not stored), transformed, multiplied
 *      by the kernel's spectrum, transformed back and scattered to the
 *      rows that hold outputs;
 *   3. rows: each of those rows is transformed back (c2r) into the
 *      thread's row buffer and its outputs copied to the output.
 *
 * The kernel's spectrum is not made by a transform of the whole buffer:
 * its rows are transformed once per shape (it has few), and its columns
 * are transformed in pass 2 next to the signal's, block by block, while
 * they are in cache; from the second record of a shape on, the columns'
 * spectra are kept and read instead (see c2d_run).  Each pass is one
 * tp_parallel over rows or column blocks, single-threaded plans, so
 * threads never wait inside FFTW.  conv_impl.h describes the geometry.
 */
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "fft.h"
#include "conv.h"
#include "conv_impl.h"

/* Bytes of each row run of a column block: B columns. */
#define RUN CONV_2D_RUN
/* Rows per item of passes 1 and 3. */
#define ROWS 8

/*
 * The spectrum buffer is stored by column blocks: block b holds its L0
 * rows of B complex numbers one after the other, so that pass 2 reads
 * and writes each block in one stretch and passes 1 and 3 move ROWS
 * rows of a block (ROWS * RUN bytes) at a time; single rows of B
 * complex numbers L0 * B apart were cache misses each (pass 2 gathered
 * at a third of the speed).
 */
struct c2d_state {
	size_t L0, L1, H, Hp;	/* lengths; H = L1/2+1 complex per row,
				 * Hp = H rounded up to whole blocks */
	size_t B, nblk, run;	/* columns per block, blocks, B * esz */
	size_t rsz, esz;	/* bytes per real, per complex */
	size_t kr;		/* rows of the kernel's row spectra */
	char *big;		/* the spectrum buffer: nblk x L0 x B */
	ptrdiff_t *rmap;	/* L0: source row of buffer row p, or -1 */
	char *krow;		/* nblk x kr x B complex: the kernel's rows'
				 * spectra, scaled by 1/(L0 L1) */
	char *kcols;		/* nblk x B x L0 complex, or NULL: the
				 * kernel's spectrum, kept */
	int kept;		/* kcols holds it */
	int runs;		/* batch elements run on this shape */
	int nthr;
	/* each thread's row buffer (rowb bytes), ROWS rows of spectrum
	 * (ROWS x Hp complex), column block and kernel column block
	 * (B x L0 complex each) */
	char *tb[TP_MAXTHREADS];
	size_t rowb, spb;
	struct tp_fft_plan *rf, *ri, *cf, *cb;
};

/* The arguments of one pass. */
struct c2d_job {
	const struct tp_conv *c;
	struct c2d_state *s;
	const char *x;		/* one batch element's signal */
	char *out;		/* and its output */
	int keep;		/* pass 2: store the kernel's columns */
};

void
conv_2d_free(void *v)
{
	struct c2d_state *s = v;
	int i;

	if (s == NULL)
		return;
	tp_fft_plan_free(s->rf);
	tp_fft_plan_free(s->ri);
	tp_fft_plan_free(s->cf);
	tp_fft_plan_free(s->cb);
	for (i = 0; i < s->nthr; i++)
		tp_fft_free(s->tb[i]);
	free(s->big);
	free(s->kcols);
	free(s->rmap);
	free(s->krow);
	free(s);
}

int
conv_2d_fits(const struct conv_geom *g)
{
	return g->method == TP_METHOD_FFT && g->nax == 2 && g->nre == 1 &&
	    g->ax[0].whole && g->ax[1].whole;
}

/* One-axis problem of n points, strides is/os, batched over nloop
 * of nl, strides lis/los. */
static void
line_problem(struct tp_fft_problem *pb, size_t n, ptrdiff_t is,
    ptrdiff_t os, size_t nl, ptrdiff_t lis, ptrdiff_t los)
{
	memset(pb, 0, sizeof *pb);
	pb->rank = 1;
	pb->dims[0].n = n;
	pb->dims[0].is = is;
	pb->dims[0].os = os;
	if (nl > 1) {
		pb->nloop = 1;
		pb->loop[0].n = nl;
		pb->loop[0].is = lis;
		pb->loop[0].os = los;
	}
}

/*
 * The kernel's rows in convolution form, wrapped onto L0 x L1 and scaled
 * by 1/(L0 L1), each transformed by the rows' plan (in the compute
 * precision, as the old path's whole spectrum was): s->krow, by blocks.
 */
static void
kernel_rows_spectra(const struct tp_conv *c, struct c2d_state *s)
{
	size_t m0 = c->m[0], m1 = c->m[1], L1 = s->L1, j, i, q, b;
	double *row = tp_emalloc(L1 * sizeof *row);
	char *rb = s->tb[0], *sp = rb + s->rowb;
	double scale = 1.0 / ((double)s->L0 * (double)L1);

	s->kr = m0 < s->L0 ? m0 : s->L0;
	s->krow = tp_emalloc(s->nblk * s->kr * s->run);
	for (q = 0; q < s->kr; q++) {
		memset(row, 0, L1 * sizeof *row);
		for (j = q; j < m0; j += s->L0)
			for (i = 0; i < m1; i++)
				row[i % L1] += c->hd[j * m1 + i];
		memset(rb, 0, L1 * s->rsz);
		c->ops->add_double(rb, row, L1, scale);
		tp_fft_execute(s->rf, rb, sp);
		memset(sp + s->H * s->esz, 0, (s->Hp - s->H) * s->esz);
		for (b = 0; b < s->nblk; b++)
			memcpy(s->krow + (b * s->kr + q) * s->run,
			    sp + b * s->run, s->run);
	}
	free(row);
}

void *
conv_2d_setup(struct tp_conv *c)
{
	const struct conv_geom *g = &c->g;
	const struct conv_axis *a0 = &g->ax[0];
	struct c2d_state *s = tp_ecalloc(1, sizeof *s);
	struct tp_fft_problem pb;
	size_t p, blkb;
	char *cbuf;
	int i, single = g->rsz == sizeof(float);
	unsigned fl = TP_FFT_DESTROY;

	s->L0 = a0->L;
	s->L1 = g->ax[1].L;
	s->H = s->L1 / 2 + 1;
	s->rsz = g->rsz;
	s->esz = 2 * g->rsz;
	s->B = RUN / s->esz;
	s->Hp = (s->H + s->B - 1) / s->B * s->B;
	s->nblk = s->Hp / s->B;
	s->run = s->B * s->esz;
	s->nthr = c->o.threads < TP_MAXTHREADS ? c->o.threads : TP_MAXTHREADS;
	s->big = tp_big_alloc(s->L0 * s->Hp * s->esz);
	s->rmap = tp_emalloc(s->L0 * sizeof *s->rmap);
	for (p = 0; p < s->L0; p++)
		s->rmap[p] = p < a0->in ? conv_bmap((ptrdiff_t)p -
		    (ptrdiff_t)a0->pl, (ptrdiff_t)a0->n, g->bnd) : -1;
	s->rowb = (s->L1 * s->rsz + 63) / 64 * 64;
	s->spb = ROWS * s->Hp * s->esz;
	blkb = s->L0 * s->run;
	for (i = 0; i < s->nthr; i++)
		s->tb[i] = tp_fft_alloc(s->rowb + s->spb + 2 * blkb);
	/* plans: rows out of place between a row buffer and a row of the
	 * spectrum buffer; columns in place on a gathered block */
	line_problem(&pb, s->L1, 1, 1, 1, 0, 0);
	s->rf = tp_fft_plan_new(TP_FFT_R2C, single, &pb, 1, fl, s->tb[0],
	    s->tb[0] + s->rowb);
	s->ri = tp_fft_plan_new(TP_FFT_C2R, single, &pb, 1, fl,
	    s->tb[0] + s->rowb, s->tb[0]);
	line_problem(&pb, s->L0, 1, 1, s->B, (ptrdiff_t)s->L0,
	    (ptrdiff_t)s->L0);
	cbuf = s->tb[0] + s->rowb + s->spb;
	s->cf = tp_fft_plan_new(TP_FFT_FWD, single, &pb, 1,
	    fl | TP_FFT_INPLACE, cbuf, cbuf);
	s->cb = tp_fft_plan_new(TP_FFT_BWD, single, &pb, 1,
	    fl | TP_FFT_INPLACE, cbuf, cbuf);
	c->wisdom = tp_fft_plan_from_wisdom(s->rf) &&
	    tp_fft_plan_from_wisdom(s->ri) && tp_fft_plan_from_wisdom(s->cf) &&
	    tp_fft_plan_from_wisdom(s->cb);
	kernel_rows_spectra(c, s);
	return s;
}

/* pass 1, item i: rows ROWS i .. of the extended signal, transformed,
 * into the spectrum buffer. */
static void
c2d_rows_fwd(void *v, size_t i, int tid)
{
	struct c2d_job *j = v;
	const struct c2d_state *s = j->s;
	const struct conv_geom *g = &j->c->g;
	char *rb = s->tb[tid], *sp = rb + s->rowb;
	size_t p, b, p0 = i * ROWS, run = s->run, rl = s->Hp * s->esz;
	size_t end = p0 + ROWS < s->L0 ? p0 + ROWS : s->L0;

	for (p = p0; p < end; p++) {
		char *dst = sp + (p - p0) * rl;

		if (s->rmap[p] < 0)
			continue;
		conv_fill_row(rb, s->L1, j->x + (size_t)s->rmap[p] *
		    g->ax[1].n * s->rsz, 0, &g->ax[1], g->bnd, s->rsz);
		tp_fft_execute(s->rf, rb, dst);
		memset(dst + s->H * s->esz, 0, (s->Hp - s->H) * s->esz);
	}
	for (b = 0; b < s->nblk; b++) {
		char *blk = s->big + (b * s->L0 + p0) * run;

		for (p = p0; p < end; p++)
			if (s->rmap[p] >= 0)
				memcpy(blk + (p - p0) * run, sp + (p - p0) * rl +
				    b * run, run);
	}
}

/* For a body written over element size esz, called with a constant
 * esz, so that each element moved is one load and one store. */
#define BY_SIZE static inline __attribute__((always_inline)) void

/* Block rows [p0, p1) (B elements of esz bytes each, a row every B) into
 * B columns of L0 (dst[k L0 + p]); rows marked in rmap[] < 0 as zeros
 * (when rmap is not NULL). */
BY_SIZE
to_cols_sz(char *dst, const char *src, size_t p0, size_t p1, size_t B,
    size_t L0, const ptrdiff_t *rmap, size_t esz)
{
	static const char zero[16];

	for (size_t p = p0; p < p1; p++) {
		const char *r = rmap != NULL && rmap[p] < 0 ? NULL :
		    src + p * B * esz;

		for (size_t k = 0; k < B; k++)
			memcpy(dst + (k * L0 + p) * esz, r ? r + k * esz :
			    zero, esz);
	}
}

static void
to_cols(char *dst, const char *src, size_t p0, size_t p1, size_t B,
    size_t L0, const ptrdiff_t *rmap, size_t esz)
{
	if (esz == 8)
		to_cols_sz(dst, src, p0, p1, B, L0, rmap, 8);
	else
		to_cols_sz(dst, src, p0, p1, B, L0, rmap, 16);
}

/* Columns back into block rows [p0, p1): the reverse of to_cols. */
BY_SIZE
from_cols_sz(char *dst, const char *src, size_t p0, size_t p1, size_t B,
    size_t L0, size_t esz)
{
	for (size_t p = p0; p < p1; p++)
		for (size_t k = 0; k < B; k++)
			memcpy(dst + (p * B + k) * esz, src + (k * L0 + p) *
			    esz, esz);
}

static void
from_cols(char *dst, const char *src, size_t p0, size_t p1, size_t B,
    size_t L0, size_t esz)
{
	if (esz == 8)
		from_cols_sz(dst, src, p0, p1, B, L0, 8);
	else
		from_cols_sz(dst, src, p0, p1, B, L0, 16);
}

/* pass 2, item i: column block i, gathered as B contiguous columns of
 * L0 (FFTW's batched 1-D transforms are faster on those than on
 * columns B apart). */
static void
c2d_cols(void *v, size_t i, int tid)
{
	struct c2d_job *j = v;
	struct c2d_state *s = j->s;
	const struct conv_axis *a0 = &j->c->g.ax[0];
	size_t esz = s->esz, B = s->B, L0 = s->L0, run = s->run, k;
	char *cb = s->tb[tid] + s->rowb + s->spb, *kb = cb + L0 * run;
	char *blk = s->big + i * L0 * run;
	const char *kr = s->krow + i * s->kr * run;

	to_cols(cb, blk, 0, L0, B, L0, s->rmap, esz);
	tp_fft_execute(s->cf, cb, cb);
	if (s->kept) {
		kb = s->kcols + i * L0 * run;
	} else {
		for (k = 0; k < B; k++)
			memset(kb + (k * L0 + s->kr) * esz, 0, (L0 - s->kr) *
			    esz);
		to_cols(kb, kr, 0, s->kr, B, L0, NULL, esz);
		tp_fft_execute(s->cf, kb, kb);
		if (j->keep)
			memcpy(s->kcols + i * L0 * run, kb, L0 * run);
	}
	j->c->ops->cmul(cb, kb, L0 * B);
	tp_fft_execute(s->cb, cb, cb);
	from_cols(blk, cb, a0->s, a0->s + a0->lout, B, L0, esz);
}

/* pass 3, item i: output rows ROWS i .. from the spectrum buffer. */
static void
c2d_rows_inv(void *v, size_t i, int tid)
{
	struct c2d_job *j = v;
	const struct c2d_state *s = j->s;
	const struct conv_geom *g = &j->c->g;
	const struct conv_axis *a1 = &g->ax[1];
	char *rb = s->tb[tid], *sp = rb + s->rowb;
	size_t o, b, o0 = i * ROWS, lout0 = g->ax[0].lout, run = s->run;
	size_t rl = s->Hp * s->esz, r0 = g->ax[0].s + o0;
	size_t end = o0 + ROWS < lout0 ? o0 + ROWS : lout0;

	for (b = 0; b < s->nblk; b++) {
		const char *blk = s->big + (b * s->L0 + r0) * run;

		for (o = o0; o < end; o++)
			memcpy(sp + (o - o0) * rl + b * run, blk + (o - o0) *
			    run, run);
	}
	for (o = o0; o < end; o++) {
		tp_fft_execute(s->ri, sp + (o - o0) * rl, rb);
		memcpy(j->out + o * a1->lout * s->rsz, rb + a1->s * s->rsz,
		    a1->lout * s->rsz);
	}
}

/*
 * out = x convolved.  The first record of a shape transforms the
 * kernel's columns in pass 2 and forgets them: a stream of one record
 * (the common case) never pays for storing them.  The second stores
 * them as it transforms them, and later records read them back.
 */
void
conv_2d_run(struct tp_conv *c, const void *x, void *out)
{
	struct c2d_state *s = c->st;
	const struct conv_geom *g = &c->g;
	struct c2d_job j = { c, s, NULL, NULL, 0 };
	size_t b;
	int t = s->nthr;

	for (b = 0; b < g->nb; b++) {
		j.x = (const char *)x + b * g->nin * s->rsz;
		j.out = (char *)out + b * g->nout * s->rsz;
		j.keep = 0;
		if (!s->kept && s->runs >= 1) {
			if (s->kcols == NULL)
				s->kcols = tp_big_alloc(s->nblk * s->L0 *
				    s->B * s->esz);
			j.keep = 1;
		}
			tp_parallel(t, (s->L0 + ROWS - 1) / ROWS, c2d_rows_fwd, &j);
			tp_parallel(t, s->nblk, c2d_cols, &j);
		tp_parallel(t, (g->ax[0].lout + ROWS - 1) / ROWS, c2d_rows_inv,
		    &j);
		if (j.keep)
			s->kept = 1;
		s->runs++;
	}
}
