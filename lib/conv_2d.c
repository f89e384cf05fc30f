/*
 * conv_2d.c - the FFT path for real data on two whole axes, in three
 * passes over one spectrum buffer instead of a padded copy, a forward
 * transform, a multiply, an inverse transform and a crop, each its own
 * pass (conv_path.c):
 *
 *   1. rows: the rows of the extended signal are filled into row
 *      buffers of the thread's and transformed, two at a time as one
 *      complex row (rows_fwd2), into the spectrum buffer; rows that are
 *      all zero are not transformed, only zeroed;
 *   2. columns: blocks of B columns are transformed from the buffer
 *      into B contiguous columns of the thread's, multiplied by the
 *      kernel's spectrum, transformed back and scattered to the rows
 *      that hold outputs;
 *   3. rows: those rows are transformed back, two at a time
 *      (rows_inv2), and their outputs taken from the complex row
 *      straight into the output.
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
	/* each thread's two row buffers (rowb bytes each), two complex
	 * rows (zb bytes), ROWS rows of spectrum (ROWS x Hp complex), column
	 * block and kernel column block (B x L0 complex each), and the
	 * kernel's block (L0 rows of B complex, zero from row kr on) */
	char *tb[TP_MAXTHREADS];
	size_t rowb, zb, spb;
	/* rows forward and back (a complex row); a block's columns to B
	 * contiguous columns; those back (all out of place) */
	struct tp_fft_plan *zf, *zi, *cf, *cb;
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
	tp_fft_plan_free(s->zf);
	tp_fft_plan_free(s->zi);
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
 * Two real rows a and b go through one complex transform of z = a + i b
 * (FFTW's c2c of a length is faster than two r2c of it, measured 2.0
 * against 2.7 us per row of 2100 floats): A[k] = (Z[k] + conj Z[-k]) / 2,
 * B[k] = (Z[k] - conj Z[-k]) / 2i; and back, z = A + i B over the whole
 * length (A and B Hermitian, of which the first H points are given; the
 * imaginary parts at 0 and n/2 are ignored, as c2r does), a = Re z,
 * b = Im z.  Written for float and double.
 */
#define PAIR_FNS(T, S)							\
static void								\
pack_##S(T *z, const T *a, const T *b, size_t n)			\
{									\
	for (size_t t = 0; t < n; t++) {				\
		z[2 * t] = a[t];					\
		z[2 * t + 1] = b[t];					\
	}								\
}									\
									\
static void								\
split_##S(const T *z, T *A, T *B, size_t n, size_t h)			\
{									\
	for (size_t k = 0; k < h; k++) {				\
		size_t m = k == 0 ? 0 : n - k;				\
		T a = z[2 * k], b = z[2 * k + 1];			\
		T c = z[2 * m], d = z[2 * m + 1];			\
									\
		A[2 * k] = (a + c) / 2;					\
		A[2 * k + 1] = (b - d) / 2;				\
		B[2 * k] = (b + d) / 2;					\
		B[2 * k + 1] = (c - a) / 2;				\
	}								\
}									\
									\
static void								\
join_##S(T *z, const T *A, const T *B, size_t n, size_t h)		\
{									\
	for (size_t k = 0; k < h; k++) {				\
		T a1 = A[2 * k], b1 = A[2 * k + 1];			\
		T a2 = B[2 * k], b2 = B[2 * k + 1];			\
									\
		if (k == 0 || 2 * k == n)				\
			b1 = b2 = 0;					\
		z[2 * k] = a1 - b2;					\
		z[2 * k + 1] = b1 + a2;					\
		if (k > 0 && 2 * k < n) {				\
			z[2 * (n - k)] = a1 + b2;			\
			z[2 * (n - k) + 1] = a2 - b1;			\
		}							\
	}								\
}									\
									\
static void								\
unpack_##S(const T *z, T *a, T *b, size_t n)				\
{									\
	if (b == NULL)							\
		for (size_t t = 0; t < n; t++)				\
			a[t] = z[2 * t];				\
	else								\
		for (size_t t = 0; t < n; t++) {			\
			a[t] = z[2 * t];				\
			b[t] = z[2 * t + 1];				\
		}							\
}

PAIR_FNS(float, f)
PAIR_FNS(double, d)

/* The spectra of the real rows a and b (L1 reals; b NULL: zeros) into A
 * and B (Hp complex each, zero past H), through thread tid's two complex
 * rows (the transform out of place: FFTW's in-place plan of a line
 * copies it to a buffer of its own). */
static void
rows_fwd2(const struct c2d_state *s, int tid, const char *a, const char *b,
    char *A, char *B)
{
	char *z = s->tb[tid] + 2 * s->rowb, *y = z + s->zb / 2;
	size_t n = s->L1, h = s->H;

	if (b == NULL) {
		memset(s->tb[tid] + s->rowb, 0, n * s->rsz);
		b = s->tb[tid] + s->rowb;
	}
	if (s->rsz == sizeof(float))
		pack_f((float *)z, (const float *)a, (const float *)b, n);
	else
		pack_d((double *)z, (const double *)a, (const double *)b, n);
	tp_fft_execute(s->zf, z, y);
	if (s->rsz == sizeof(float))
		split_f((float *)y, (float *)A, (float *)B, n, h);
	else
		split_d((double *)y, (double *)A, (double *)B, n, h);
	memset(A + h * s->esz, 0, (s->Hp - h) * s->esz);
	memset(B + h * s->esz, 0, (s->Hp - h) * s->esz);
}

/* Points [off, off + cnt) of the real rows of the spectra A and B (H
 * complex each) into a and b (b NULL: row B's are not wanted), through
 * thread tid's two complex rows. */
static void
rows_inv2(const struct c2d_state *s, int tid, const char *A, const char *B,
    char *a, char *b, size_t off, size_t cnt)
{
	char *z = s->tb[tid] + 2 * s->rowb, *y = z + s->zb / 2;
	size_t n = s->L1, h = s->H;

	if (s->rsz == sizeof(float))
		join_f((float *)z, (const float *)A, (const float *)B, n, h);
	else
		join_d((double *)z, (const double *)A, (const double *)B, n, h);
	tp_fft_execute(s->zi, z, y);
	if (s->rsz == sizeof(float))
		unpack_f((float *)y + 2 * off, (float *)a, (float *)b, cnt);
	else
		unpack_d((double *)y + 2 * off, (double *)a, (double *)b, cnt);
}

/* The arguments of kernel_rows_pair. */
struct krow_job {
	const struct tp_conv *c;
	struct c2d_state *s;
	double *rows;		/* L1 doubles a thread */
};

/*
 * Kernel rows 2 it and 2 it + 1 in convolution form, wrapped onto L0 x
 * L1 and scaled by 1/(L0 L1), transformed by the rows' plan (in the
 * compute precision, as the old path's whole spectrum was) into s->krow,
 * by blocks.  A row of the kernel has m1 points: with m1 <= L1 only the
 * first m1 of the wrapped row are not zero.
 */
static void
kernel_rows_pair(void *v, size_t it, int tid)
{
	struct krow_job *k = v;
	const struct tp_conv *c = k->c;
	struct c2d_state *s = k->s;
	size_t m0 = c->m[0], m1 = c->m[1], L1 = s->L1, rl = s->Hp * s->esz;
	size_t nz = m1 < L1 ? m1 : L1, q = 2 * it, j, i, b, r;
	double *row = k->rows + (size_t)tid * L1;
	char *rb = s->tb[tid], *sp = rb + 2 * s->rowb + s->zb;
	double scale = 1.0 / ((double)s->L0 * (double)L1);

	for (r = 0; r < 2; r++) {
		memset(row, 0, nz * sizeof *row);
		for (j = q + r; j < m0 && q + r < s->kr; j += s->L0)
			for (i = 0; i < m1; i++)
				row[i % L1] += c->hd[j * m1 + i];
		memset(rb + r * s->rowb, 0, L1 * s->rsz);
		c->ops->add_double(rb + r * s->rowb, row, nz, scale);
	}
	rows_fwd2(s, tid, rb, rb + s->rowb, sp, sp + rl);
	for (r = 0; r < 2 && q + r < s->kr; r++)
		for (b = 0; b < s->nblk; b++)
			memcpy(s->krow + (b * s->kr + q + r) * s->run, sp + r *
			    rl + b * s->run, s->run);
}

/* The kernel's rows' spectra, s->krow: pairs of rows shared by the
 * threads. */
static void
kernel_rows_spectra(const struct tp_conv *c, struct c2d_state *s)
{
	struct krow_job k = { c, s, NULL };

	s->kr = c->m[0] < s->L0 ? c->m[0] : s->L0;
	s->krow = tp_emalloc(s->nblk * s->kr * s->run);
	k.rows = tp_emalloc((size_t)s->nthr * s->L1 * sizeof *k.rows);
	tp_parallel(s->nthr, (s->kr + 1) / 2, kernel_rows_pair, &k);
	free(k.rows);
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
	s->zb = 2 * ((s->L1 * s->esz + 63) / 64 * 64);
	s->spb = (ROWS + 1) * s->Hp * s->esz;
	blkb = s->L0 * s->run;
	for (i = 0; i < s->nthr; i++) {
		s->tb[i] = tp_fft_alloc(2 * s->rowb + s->zb + s->spb +
		    3 * blkb);
		memset(s->tb[i] + 2 * s->rowb + s->zb + s->spb + 2 * blkb, 0,
		    blkb);
	}
	/* plans, all out of place: a complex row (two real rows at a
	 * time); a block's columns (B complex apart) into B contiguous
	 * columns, and those back into another buffer.  FFTW's
	 * out-of-place plans of these lines need no copy to a buffer of
	 * its own, which its in-place plans make (measured 9.3 against
	 * 10.0 us a line of 4320 points), and the gather into contiguous
	 * columns is saved.  The columns' forward plan preserves its
	 * input: it also transforms the kernel's block, whose zero rows
	 * are kept. */
	cbuf = s->tb[0] + 2 * s->rowb;
	line_problem(&pb, s->L1, 1, 1, 1, 0, 0);
	s->zf = tp_fft_plan_new(TP_FFT_FWD, single, &pb, 1, fl, cbuf,
	    cbuf + s->zb / 2);
	s->zi = tp_fft_plan_new(TP_FFT_BWD, single, &pb, 1, fl, cbuf,
	    cbuf + s->zb / 2);
	cbuf = s->tb[0] + 2 * s->rowb + s->zb + s->spb;
	line_problem(&pb, s->L0, (ptrdiff_t)s->B, 1, s->B, 1,
	    (ptrdiff_t)s->L0);
	s->cf = tp_fft_plan_new(TP_FFT_FWD, single, &pb, 1, 0, s->big,
	    cbuf);
	line_problem(&pb, s->L0, 1, 1, s->B, (ptrdiff_t)s->L0,
	    (ptrdiff_t)s->L0);
	s->cb = tp_fft_plan_new(TP_FFT_BWD, single, &pb, 1, fl, cbuf,
	    cbuf + blkb);
	c->wisdom = tp_fft_plan_from_wisdom(s->zf) &&
	    tp_fft_plan_from_wisdom(s->zi) && tp_fft_plan_from_wisdom(s->cf) &&
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
	char *r0 = s->tb[tid], *r1 = r0 + s->rowb;
	char *sp = r1 + s->rowb + s->zb;
	size_t p, b, p0 = i * ROWS, run = s->run, rl = s->Hp * s->esz;
	size_t end = p0 + ROWS < s->L0 ? p0 + ROWS : s->L0, n1 = g->ax[1].n;
	size_t live[ROWS], nl = 0, k;

	for (p = p0; p < end; p++)
		if (s->rmap[p] >= 0)
			live[nl++] = p;
	for (k = 0; k < nl; k += 2) {
		conv_fill_row(r0, s->L1, j->x + (size_t)s->rmap[live[k]] * n1 *
		    s->rsz, 0, &g->ax[1], g->bnd, s->rsz);
		if (k + 1 < nl)
			conv_fill_row(r1, s->L1, j->x +
			    (size_t)s->rmap[live[k + 1]] * n1 * s->rsz, 0,
			    &g->ax[1], g->bnd, s->rsz);
		rows_fwd2(s, tid, r0, k + 1 < nl ? r1 : NULL,
		    sp + (live[k] - p0) * rl, sp + (k + 1 < nl ? live[k + 1] -
		    p0 : ROWS) * rl);
	}
	for (b = 0; b < s->nblk; b++) {
		char *blk = s->big + (b * s->L0 + p0) * run;

		for (k = 0; k < nl; k++)
			memcpy(blk + (live[k] - p0) * run, sp + (live[k] - p0) *
			    rl + b * run, run);
		for (p = p0; p < end; p++)	/* pass 2 reads them */
			if (s->rmap[p] < 0)
				memset(blk + (p - p0) * run, 0, run);
	}
}

/* For a body written over element size esz, called with a constant
 * esz, so that each element moved is one load and one store. */
#define BY_SIZE static inline __attribute__((always_inline)) void

/* B columns of L0 (src[k L0 + p]) into block rows [p0, p1) (B elements
 * of esz bytes each, a row every B). */
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

/* pass 2, item i: column block i, transformed into B contiguous
 * columns of L0, multiplied by the kernel's and transformed back. */
static void
c2d_cols(void *v, size_t i, int tid)
{
	struct c2d_job *j = v;
	struct c2d_state *s = j->s;
	const struct conv_axis *a0 = &j->c->g.ax[0];
	size_t L0 = s->L0, run = s->run;
	char *cb = s->tb[tid] + 2 * s->rowb + s->zb + s->spb;
	char *kb = cb + L0 * run, *ks = kb + L0 * run, *kc = kb;
	char *blk = s->big + i * L0 * run;

	tp_fft_execute(s->cf, blk, cb);
	if (s->kept) {
		kc = s->kcols + i * L0 * run;
	} else {
		memcpy(ks, s->krow + i * s->kr * run, s->kr * run);
		tp_fft_execute(s->cf, ks, kb);
		if (j->keep)
			memcpy(s->kcols + i * L0 * run, kb, L0 * run);
	}
	j->c->ops->cmul(cb, kc, L0 * s->B);
	tp_fft_execute(s->cb, cb, kb);
	from_cols(blk, kb, a0->s, a0->s + a0->lout, s->B, L0, s->esz);
}

/* pass 3, item i: output rows ROWS i .. from the spectrum buffer. */
static void
c2d_rows_inv(void *v, size_t i, int tid)
{
	struct c2d_job *j = v;
	const struct c2d_state *s = j->s;
	const struct conv_geom *g = &j->c->g;
	const struct conv_axis *a1 = &g->ax[1];
	char *sp = s->tb[tid] + 2 * s->rowb + s->zb;
	size_t o, b, o0 = i * ROWS, lout0 = g->ax[0].lout, run = s->run;
	size_t rl = s->Hp * s->esz, r0i = g->ax[0].s + o0;
	size_t ob = a1->lout * s->rsz;
	size_t end = o0 + ROWS < lout0 ? o0 + ROWS : lout0;

	for (b = 0; b < s->nblk; b++) {
		const char *blk = s->big + (b * s->L0 + r0i) * run;

		for (o = o0; o < end; o++)
			memcpy(sp + (o - o0) * rl + b * run, blk + (o - o0) *
			    run, run);
	}
	if ((end - o0) % 2)	/* an unpaired last row goes with zeros */
		memset(sp + (end - o0) * rl, 0, rl);
	for (o = o0; o < end; o += 2)
		rows_inv2(s, tid, sp + (o - o0) * rl, sp + (o + 1 - o0) * rl,
		    j->out + o * ob, o + 1 < end ? j->out + (o + 1) * ob :
		    NULL, a1->s, a1->lout);
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
