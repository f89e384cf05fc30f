/*
 * permute.c - a general N-D permutation of the axes of a C-order array
 * of raw elements (tp_permute_plan / tp_permute_run, tpipe.h).
 *
 * The plan first simplifies the problem: axes of length 1 go, input
 * axes that stay neighbours in the output merge into one, and when the
 * last axis stays last its rows become the elements (a row copy).  What
 * is left is either a plain copy or a permutation whose output's last
 * axis ("a") differs from the input's last axis ("b").  The work is cut
 * into tiles of the (a, b) plane, one tile per block for every index of
 * the other axes, so that both the reads and the writes of a tile stay
 * in the cache; callers run any range of blocks, on any thread.
 */
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tpipe.h"

#define COPY_BLOCK ((size_t)1 << 20)	/* bytes per block of a plain copy */
/* Outputs of this many bytes or more are stored past the cache: they
 * are larger than the caches of the machines tpipe runs on. */
#define NT_BYTES ((size_t)64 << 20)

/* The tile edge, in elements of esz bytes: a tile of the input and one of
 * the output together stay well inside a 32 KiB L1 cache. */
static size_t
tile_edge(size_t esz)
{
	if (esz <= 4)
		return 64;
	if (esz <= 16)
		return 32;
	return 8;
}

void
tp_permute_plan(struct tp_permute *p, size_t esz, int ndim,
    const size_t *shape, const int *perm)
{
	int dense[TP_MAXDIM], order[TP_MAXDIM], seen[TP_MAXDIM] = { 0 };
	int start[TP_MAXDIM], runlen[TP_MAXDIM];
	size_t kept[TP_MAXDIM], len[TP_MAXDIM], in[TP_MAXDIM];
	int n = 0, m = 0;
	size_t count = 1;

	memset(p, 0, sizeof *p);
	if (ndim < 0 || ndim > TP_MAXDIM)
		tp_die("permute: %d axes", ndim);
	for (int k = 0; k < ndim; k++) {
		if (perm[k] < 0 || perm[k] >= ndim || seen[perm[k]]++)
			tp_die("permute: %d is not an entry of a permutation "
			    "of %d axes", perm[k], ndim);
		count *= shape[k];
	}
	if (count == 0) {			/* nothing to move */
		p->esz = esz;
		return;
	}
	/* Drop the axes of length 1: dense[i] numbers the others. */
	for (int i = 0; i < ndim; i++) {
		dense[i] = -1;
		if (shape[i] != 1) {
			dense[i] = n;
			kept[n++] = shape[i];
		}
	}
	for (int k = 0, j = 0; k < ndim; k++)
		if (dense[perm[k]] >= 0)
			order[j++] = dense[perm[k]];
	/* Runs of input axes that stay neighbours in the output merge. */
	for (int k = 0; k < n; k++) {
		if (k > 0 && order[k] == order[k - 1] + 1) {
			runlen[m - 1]++;
			continue;
		}
		start[m] = order[k];
		runlen[m++] = 1;
	}
	/* Merged input axis numbers: the runs ranked by where they start. */
	for (int r = 0; r < m; r++) {
		int rank = 0;

		for (int q = 0; q < m; q++)
			rank += start[q] < start[r];
		p->perm[r] = rank;
		len[rank] = 1;
		for (int t = 0; t < runlen[r]; t++)
			len[rank] *= kept[start[r] + t];
	}
	/* The last axis staying last: its rows become the elements. */
	if (m >= 2 && p->perm[m - 1] == m - 1)
		esz *= len[--m];
	p->esz = esz;
	if (m <= 1) {				/* a plain copy */
		p->bytes = esz * (m == 1 ? len[0] : 1);
		p->nblocks = (p->bytes + COPY_BLOCK - 1) / COPY_BLOCK;
		return;
	}
	for (int i = m - 1; i >= 0; i--)
		in[i] = i == m - 1 ? 1 : in[i + 1] * len[i + 1];
	p->ndim = m;
	p->bytes = esz;
	for (int k = 0; k < m; k++) {
		p->shape[k] = len[p->perm[k]];
		p->istride[k] = in[p->perm[k]];
		if (p->perm[k] == m - 1)
			p->b = k;
		p->bytes *= p->shape[k];
	}
	for (int k = m - 1; k >= 0; k--)
		p->ostride[k] = k == m - 1 ? 1 :
		    p->ostride[k + 1] * p->shape[k + 1];
	p->tile = tile_edge(esz);
	p->nt = p->bytes >= NT_BYTES;
	p->ntile_a = (p->shape[m - 1] + p->tile - 1) / p->tile;
	p->ntile_b = (p->shape[p->b] + p->tile - 1) / p->tile;
	p->nblocks = p->ntile_a * p->ntile_b;
	for (int k = 0; k < m - 1; k++)
		if (k != p->b)
			p->nblocks *= p->shape[k];
}

/*
 * Copy one na x nb tile: for j < nb (along the input's last axis, output
 * stride osb) and i < na (along the output's last axis, input stride
 * isa), out[j * osb + i] = in[j + i * isa], elements of ES bytes.  Always
 * inlined, so that each constant ES becomes plain loads and stores.
 */
static inline __attribute__((always_inline)) void
tile_copy(unsigned char *dst, const unsigned char *src, size_t na, size_t nb,
    size_t isa, size_t osb, size_t ES)
{
	for (size_t j = 0; j < nb; j++) {
		unsigned char *d = dst + j * osb * ES;
		const unsigned char *s = src + j * ES;

		for (size_t i = 0; i < na; i++)
			memcpy(d + i * ES, s + i * isa * ES, ES);
	}
}

/* The same for an element size known only at run time. */
static void
tile_copy_any(unsigned char *dst, const unsigned char *src, size_t na,
    size_t nb, size_t isa, size_t osb, size_t esz)
{
	tile_copy(dst, src, na, nb, isa, osb, esz);
}

#if defined(__SSE2__)
/*
 * In-register transposes of a K x K square of ES-byte elements (K = 8
 * for 1 and 2 bytes, 4 for 4, 2 for 8): the K input rows start at s, isa
 * bytes apart; output row m (the input's column m) goes to d + m * osb.
 * SSE2 is part of x86-64, so these need no run-time check.  With nt the
 * 16-byte rows are stored past the cache (both d and osb are then
 * multiples of 16): a large output is written once and not read again
 * here, so reading its lines in first (as a plain store does) and
 * keeping them would be wasted traffic.  Only squares of 4 and 2 rows
 * (elements of 4 and 8 bytes) stream: measured on 512 MiB, 8 rows at
 * once (2-byte elements), or AVX2's 8 x 8 squares of 4-byte elements,
 * fill more partial lines than the core has write-combining buffers,
 * and were 2 to 3 times slower streamed than stored plainly.
 */
static inline __attribute__((always_inline)) void
store16(unsigned char *d, __m128i v, int nt)
{
	if (nt)
		_mm_stream_si128((__m128i *)(void *)d, v);
	else
		_mm_storeu_si128((__m128i *)(void *)d, v);
}

static inline __attribute__((always_inline)) __m128i
load16(const unsigned char *s)
{
	return _mm_loadu_si128((const __m128i *)(const void *)s);
}

static inline __attribute__((always_inline)) void
square1(unsigned char *d, size_t osb, const unsigned char *s, size_t isa,
    int nt)
{
	__m128i r[8], a[4], b[4], c[4];

	(void)nt;
	for (int k = 0; k < 8; k++)
		r[k] = _mm_loadl_epi64((const __m128i *)(const void *)
		    (s + k * isa));
	for (int k = 0; k < 4; k++)
		a[k] = _mm_unpacklo_epi8(r[2 * k], r[2 * k + 1]);
	b[0] = _mm_unpacklo_epi16(a[0], a[1]);
	b[1] = _mm_unpackhi_epi16(a[0], a[1]);
	b[2] = _mm_unpacklo_epi16(a[2], a[3]);
	b[3] = _mm_unpackhi_epi16(a[2], a[3]);
	c[0] = _mm_unpacklo_epi32(b[0], b[2]);
	c[1] = _mm_unpackhi_epi32(b[0], b[2]);
	c[2] = _mm_unpacklo_epi32(b[1], b[3]);
	c[3] = _mm_unpackhi_epi32(b[1], b[3]);
	for (int k = 0; k < 4; k++) {
		_mm_storel_epi64((__m128i *)(void *)(d + 2 * k * osb), c[k]);
		_mm_storel_epi64((__m128i *)(void *)(d + (2 * k + 1) * osb),
		    _mm_unpackhi_epi64(c[k], c[k]));
	}
}

static inline __attribute__((always_inline)) void
square2(unsigned char *d, size_t osb, const unsigned char *s, size_t isa,
    int nt)
{
	__m128i r[8], a[8], b[8];

	for (int k = 0; k < 8; k++)
		r[k] = load16(s + k * isa);
	for (int k = 0; k < 4; k++) {
		a[2 * k] = _mm_unpacklo_epi16(r[2 * k], r[2 * k + 1]);
		a[2 * k + 1] = _mm_unpackhi_epi16(r[2 * k], r[2 * k + 1]);
	}
	for (int k = 0; k < 2; k++) {	/* rows 4k .. 4k+3 of the input */
		b[4 * k] = _mm_unpacklo_epi32(a[4 * k], a[4 * k + 2]);
		b[4 * k + 1] = _mm_unpackhi_epi32(a[4 * k], a[4 * k + 2]);
		b[4 * k + 2] = _mm_unpacklo_epi32(a[4 * k + 1], a[4 * k + 3]);
		b[4 * k + 3] = _mm_unpackhi_epi32(a[4 * k + 1], a[4 * k + 3]);
	}
	for (int k = 0; k < 4; k++) {
		store16(d + 2 * k * osb, _mm_unpacklo_epi64(b[k], b[k + 4]),
		    nt);
		store16(d + (2 * k + 1) * osb,
		    _mm_unpackhi_epi64(b[k], b[k + 4]), nt);
	}
}

static inline __attribute__((always_inline)) void
square4(unsigned char *d, size_t osb, const unsigned char *s, size_t isa,
    int nt)
{
	__m128i r0 = load16(s), r1 = load16(s + isa);
	__m128i r2 = load16(s + 2 * isa), r3 = load16(s + 3 * isa);
	__m128i t0 = _mm_unpacklo_epi32(r0, r1);
	__m128i t1 = _mm_unpacklo_epi32(r2, r3);
	__m128i t2 = _mm_unpackhi_epi32(r0, r1);
	__m128i t3 = _mm_unpackhi_epi32(r2, r3);

	store16(d, _mm_unpacklo_epi64(t0, t1), nt);
	store16(d + osb, _mm_unpackhi_epi64(t0, t1), nt);
	store16(d + 2 * osb, _mm_unpacklo_epi64(t2, t3), nt);
	store16(d + 3 * osb, _mm_unpackhi_epi64(t2, t3), nt);
}

static inline __attribute__((always_inline)) void
square8(unsigned char *d, size_t osb, const unsigned char *s, size_t isa,
    int nt)
{
	__m128i r0 = load16(s), r1 = load16(s + isa);

	store16(d, _mm_unpacklo_epi64(r0, r1), nt);
	store16(d + osb, _mm_unpackhi_epi64(r0, r1), nt);
}

/*
 * tile_copy for ES of 1, 2, 4 or 8 bytes by K x K squares, the output's
 * rows K at a time (so that a row's lines fill in order, as stores past
 * the cache want), the edges that do not fill a square by tile_copy.
 */
static inline __attribute__((always_inline)) void
tile_squares(unsigned char *dst, const unsigned char *src, size_t na,
    size_t nb, size_t isa, size_t osb, size_t ES, int nt)
{
	size_t K = ES <= 2 ? 8 : 16 / ES, j, i;

	for (j = 0; j + K <= nb; j += K) {
		unsigned char *d = dst + j * osb * ES;
		const unsigned char *s = src + j * ES;

		for (i = 0; i + K <= na; i += K) {
			unsigned char *dd = d + i * ES;
			const unsigned char *ss = s + i * isa * ES;

			switch (ES) {
			case 1: square1(dd, osb, ss, isa, nt); break;
			case 2: square2(dd, osb * 2, ss, isa * 2, nt); break;
			case 4: square4(dd, osb * 4, ss, isa * 4, nt); break;
			default: square8(dd, osb * 8, ss, isa * 8, nt); break;
			}
		}
		if (i < na)
			tile_copy(d + i * ES, s + i * isa * ES, na - i, K,
			    isa, osb, ES);
	}
	if (j < nb)
		tile_copy(dst + j * osb * ES, src + j * ES, na, nb - j, isa,
		    osb, ES);
}

/* One tile of ES bytes (1, 2, 4 or 8), stored past the cache if nt, ES
 * is 4 or 8 and its output rows are 16-byte aligned. */
static void
tile_simd(unsigned char *dst, const unsigned char *src, size_t na,
    size_t nb, size_t isa, size_t osb, size_t ES, int nt)
{
	if (nt && ES >= 4 && ((uintptr_t)dst | osb * ES) % 16 == 0) {
		switch (ES) {
		case 4: tile_squares(dst, src, na, nb, isa, osb, 4, 1); return;
		default: tile_squares(dst, src, na, nb, isa, osb, 8, 1); return;
		}
	}
	switch (ES) {
	case 1: tile_squares(dst, src, na, nb, isa, osb, 1, 0); return;
	case 2: tile_squares(dst, src, na, nb, isa, osb, 2, 0); return;
	case 4: tile_squares(dst, src, na, nb, isa, osb, 4, 0); return;
	default: tile_squares(dst, src, na, nb, isa, osb, 8, 0); return;
	}
}
#endif

void
tp_permute_run(const struct tp_permute *p, void *dst, const void *src,
    size_t first, size_t end)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	int m = p->ndim, a = m - 1, b = p->b;
	size_t idx[TP_MAXDIM], esz = p->esz, t = p->tile;
	size_t ta, tb, rest;

	if (end > p->nblocks)
		end = p->nblocks;
	if (first >= end)
		return;
	if (m == 0) {				/* a plain copy */
		size_t from = first * COPY_BLOCK;
		size_t to = end * COPY_BLOCK < p->bytes ? end * COPY_BLOCK :
		    p->bytes;
		memcpy(d + from, s + from, to - from);
		return;
	}
	/* Block = ((outer index * ntile_a) + ta) * ntile_b + tb, the outer
	 * index counting the output axes other than a and b in C order. */
	tb = first % p->ntile_b;
	rest = first / p->ntile_b;
	ta = rest % p->ntile_a;
	rest /= p->ntile_a;
	for (int k = m - 2; k >= 0; k--) {
		idx[k] = 0;
		if (k == b)
			continue;
		idx[k] = rest % p->shape[k];
		rest /= p->shape[k];
	}
	for (size_t blk = first; blk < end; blk++) {
		size_t ioff = 0, ooff = 0, a0 = ta * t, b0 = tb * t;
		size_t na = p->shape[a] - a0 < t ? p->shape[a] - a0 : t;
		size_t nb = p->shape[b] - b0 < t ? p->shape[b] - b0 : t;
		size_t isa = p->istride[a], osb = p->ostride[b];
		unsigned char *dt;
		const unsigned char *st;

		for (int k = 0; k < m - 1; k++) {
			if (k == b)
				continue;
			ioff += idx[k] * p->istride[k];
			ooff += idx[k] * p->ostride[k];
		}
		ioff += a0 * isa + b0;
		ooff += b0 * osb + a0;
		dt = d + ooff * esz;
		st = s + ioff * esz;
		switch (esz) {
#if defined(__SSE2__)
		case 1: case 2: case 4: case 8:
			tile_simd(dt, st, na, nb, isa, osb, esz, p->nt);
			break;
#else
		case 1: tile_copy(dt, st, na, nb, isa, osb, 1); break;
		case 2: tile_copy(dt, st, na, nb, isa, osb, 2); break;
		case 4: tile_copy(dt, st, na, nb, isa, osb, 4); break;
		case 8: tile_copy(dt, st, na, nb, isa, osb, 8); break;
#endif
		case 16: tile_copy(dt, st, na, nb, isa, osb, 16); break;
		default: tile_copy_any(dt, st, na, nb, isa, osb, esz); break;
		}
		/* the next block */
		if (++tb < p->ntile_b)
			continue;
		tb = 0;
		if (++ta < p->ntile_a)
			continue;
		ta = 0;
		for (int k = m - 2; k >= 0; k--) {
			if (k == b)
				continue;
			if (++idx[k] < p->shape[k])
				break;
			idx[k] = 0;
		}
	}
#if defined(__SSE2__)
	if (p->nt)		/* the streamed stores done before we return */
		_mm_sfence();
#endif
}

void
tp_reverse_axes(void *dst, const void *src, size_t esz, int ndim,
    const size_t *shape)
{
	int rev[TP_MAXDIM];
	struct tp_permute p;

	for (int i = 0; i < ndim; i++)
		rev[i] = ndim - 1 - i;
	tp_permute_plan(&p, esz, ndim, shape, rev);
	tp_permute_run(&p, dst, src, 0, p.nblocks);
}

void *
tp_fortran_to_c(const void *f, const struct tp_tensor *h)
{
	unsigned char *c = tp_emalloc(h->nbytes ? h->nbytes : 1);
	size_t rshape[TP_MAXDIM];

	/* f, read in C order, is the array of the reversed shape */
	for (int i = 0; i < h->ndim; i++)
		rshape[i] = h->shape[h->ndim - 1 - i];
	tp_reverse_axes(c, f, tp_dtype_size(h->dtype), h->ndim, rshape);
	return c;
}
