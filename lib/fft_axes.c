/*
 * fft_axes.c - a transform along axes of a C-order array (tp_fft_axes,
 * fft.h): FFTW's own plan of the whole problem, unless its lines along
 * some axis lie a multiple of 16 KiB apart in a large array; then one
 * axis at a time, the last axis of the array along the array, every
 * other axis in blocks of lines gathered into a buffer of each thread's,
 * transformed there and scattered back.  Lines that far apart fall on a
 * few cache sets, and FFTW's plan took 2 to 5 times as long as the
 * gathered passes (4096² complex, in place: 0.53 s against 0.11 s on 2
 * threads; 0.45 s of CPU against 0.20 s without huge pages); on other
 * strides it was as fast or faster (bench/README.md).  FFTW's plan of
 * a batch is cut among the threads, chunks of a one-thread plan, which
 * is cheaper to plan than FFTW's threads (plan_whole).  fftn of a real
 * record (r2c_first) gathers the halved axis's real lines two at a time
 * as complex lines (pair_block) and, where its data outgrow the cache,
 * writes the output with non-temporal stores.
 */
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "tpipe.h"
#include "engine.h"
#include "fft.h"

/* A block of gathered lines is read in runs of at least RUN bytes,
 * holds at least MINWORK points (fewer FFTW calls on short lines) and
 * at most MAXBUF bytes; a line longer than that is transformed where it
 * lies, by FFTW.  One thread's CPU, least of 4 to 12 runs in turns,
 * load 6 to 8 (bench/fft-exec.c), with RUN 512, 1024: b of
 * bench/tfft.sh 0.124, 0.121 s; c 0.246, 0.210 s; f 0.146, 0.142 s
 * (256: b 0.131 s). */
#define RUN 1024
#define MINWORK 4096
#define MAXBUF ((size_t)4 << 20)
#define TILE 256
/* Gathered in pairs (struct stage), a block reads runs of PAIRRUN bytes
 * of each row: one thread's CPU for b of bench/tfft.sh, least of 8
 * runs in turns, four comparisons at load 2 to 3: 0.104 to 0.112 s,
 * against 0.109 to 0.111 s with runs of 1024 bytes, 0.115 to 0.117 s
 * without the pairs. */
#define PAIRRUN 512

/* Lines a multiple of CONFLICT bytes apart, in an array of more than
 * LARGE bytes, are gathered. */
#define CONFLICT ((size_t)16 << 10)
#define LARGE ((size_t)8 << 20)

/* For a body written over element size esz, called with a constant
 * esz, so that each element moved is one load and one store. */
#define BY_SIZE static inline __attribute__((always_inline)) void

/* One axis of the transform. */
struct stage {
	enum tp_fft_kind kind;	/* R2C, C2R: this axis is the halved one */
	int gathered, inplace;
	struct tp_fft_plan *whole;	/* along the array: the whole of it */
	/* gathered: the array is outer x (nin or nout) x inner elements
	 * (nin on the input side, nout on the output side: n/2+1 on the
	 * complex side of R2C, C2R); blocks of blk lines side by side along
	 * the inner index go through the buffers and the block plan */
	size_t n, outer, nin, nout, inner, blk;
	size_t isz, osz;	/* bytes per element in and out */
	struct tp_fft_plan *block;
	/* pairs (r2c_first's halved axis, the array's last axis even):
	 * lines 2q and 2q+1, adjacent reals, gathered as one complex
	 * line of the buffer (ld complex numbers apart), transformed
	 * complex by pair and unpacked into the two lines' halves */
	int pairs;
	size_t ld;
	struct tp_fft_plan *pair;
	/* the full layout (tp_fft_axes_new_r2c_full): the output side
	 * holds onph >= nout elements along the axis; the lines of an
	 * outer index are mid runs, rowlen elements apart, of valid
	 * lines each (the rest of a run is the half to fill).  Otherwise
	 * onph = nout, mid = 1, valid = rowlen = inner. */
	size_t onph, mid, rowlen, valid;
	/* split (FFTW's plan of the whole, batched): the outermost
	 * loop's items in nch chunks of chunk items, ibytes and obytes
	 * apart, each on one thread by the one-thread plan whole (the
	 * last chunk, if shorter, by tail) */
	size_t nch, chunk, ibytes, obytes;
	struct tp_fft_plan *tail;
	/* in place, the chunks cut along the array's first axis: chunk i
	 * is the array's bytes [i ibytes, (i + 1) ibytes) alone
	 * (tp_fft_axes_pieces) */
	int contig;
	/* rows (tp_fft_axes_new_r2c_first's last stage): the array's
	 * last axis, n points a line, rows lines; blocks of blk lines
	 * transformed where they lie (or, off the plan's alignment,
	 * through a buffer), each line's conjugate mirror image written
	 * too (row_item) */
	int rows;
};

struct tp_fft_axes {
	int single, threads;
	int nstage;
	struct stage st[TP_MAXDIM];
	/* tp_fft_axes_new_r2c_first: the stages run on each of nouter
	 * sub-arrays (the indices before the first transformed axis),
	 * istep reals and ostep complex numbers apart; a line of the last
	 * stage's block at full-layout row r (of rest rows per index of
	 * the halved axis, n0 of them, half = n0/2+1 computed) has its
	 * mirror image at row (n0 - r / rest) rest + mirror[r % rest],
	 * for 1 <= r / rest <= n0 - half */
	int fills;
	/* its data outgrow the cache: the half and the mirror images
	 * written with non-temporal stores (put4d, stream_copy) */
	int stream;
	size_t nouter, istep, ostep, n0, half, rest;
	size_t *mirror;
	size_t ibuf, obuf;		/* bytes of each thread's buffers */
	char *buf[TP_MAXTHREADS];	/* ibuf + obuf each, or NULL */
};

/* The length on the complex side (1) or the input (0) of kind's axis of
 * n points, and its element's size in reals. */
static size_t
side_len(enum tp_fft_kind kind, int side, size_t n, size_t *reals)
{
	int half = (kind == TP_FFT_R2C && side) || (kind == TP_FFT_C2R &&
	    !side);

	*reals = kind == TP_FFT_FWD || kind == TP_FFT_BWD || half ? 2 : 1;
	return half ? n / 2 + 1 : n;
}

/*
 * Stage s: kind along axis a of an array of shape (the logical lengths:
 * on axis a the real side's for R2C, C2R), which in and out will hold
 * (for their alignment).  Gathered when axis a is not the last and a
 * block of its lines fits MAXBUF, else one FFTW plan for the whole.
 */
static void
plan_stage(struct tp_fft_axes *p, struct stage *s, enum tp_fft_kind kind,
    int nd, const size_t *shape, int a, const void *in, const void *out)
{
	size_t rsz = p->single ? sizeof(float) : sizeof(double), r;
	struct tp_fft_problem pb;

	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->inplace = kind != TP_FFT_R2C && kind != TP_FFT_C2R;
	s->n = shape[a];
	s->outer = s->inner = 1;
	for (int b = 0; b < a; b++)
		s->outer *= shape[b];
	for (int b = a + 1; b < nd; b++)
		s->inner *= shape[b];
	s->nin = side_len(kind, 0, s->n, &r);
	s->isz = r * rsz;
	s->nout = side_len(kind, 1, s->n, &r);
	s->osz = r * rsz;
	s->blk = RUN / s->isz > MINWORK / s->n ? RUN / s->isz :
	    MINWORK / s->n;
	if (s->blk > s->inner)
		s->blk = s->inner;
	if (s->blk * s->nin * s->isz > MAXBUF)
		s->blk = MAXBUF / (s->nin * s->isz);
	s->gathered = s->inner > 1 && s->blk > 0;
	s->onph = s->nout;
	s->mid = 1;
	s->rowlen = s->valid = s->inner;
	if (s->gathered) {
		if (s->blk * s->nin * s->isz > p->ibuf)
			p->ibuf = s->blk * s->nin * s->isz;
		if (!s->inplace && s->blk * s->nout * s->osz > p->obuf)
			p->obuf = s->blk * s->nout * s->osz;
		return;		/* its plan: plan_blocks */
	}
	tp_fft_problem_axes(&pb, kind, nd, shape, 1, &a, s->inplace);
	s->whole = tp_fft_plan_new(kind, p->single, &pb, p->threads,
	    (s->inplace ? TP_FFT_INPLACE : 0) | TP_FFT_DESTROY, in,
	    s->inplace ? in : out);
}

/* The buffers, and the block plans on them (for their alignment), once
 * every stage has said what it needs. */
static void
plan_blocks(struct tp_fft_axes *p)
{
	int one = 1;

	if (p->ibuf == 0)
		return;
	for (int t = 0; t < p->threads; t++)
		p->buf[t] = tp_fft_alloc(p->ibuf + p->obuf);
	for (int i = 0; i < p->nstage; i++) {
		struct stage *s = &p->st[i];
		size_t bs[2] = { s->blk, s->n };
		struct tp_fft_problem pb;
		char *b = p->buf[0];

		if (!s->gathered && !s->rows)
			continue;
		if (s->pairs) {
			/* blk/2 complex lines of n, ld apart, in place */
			memset(&pb, 0, sizeof pb);
			pb.rank = pb.nloop = 1;
			pb.dims[0].n = s->n;
			pb.dims[0].is = pb.dims[0].os = 1;
			pb.loop[0].n = s->blk / 2;
			pb.loop[0].is = pb.loop[0].os = (ptrdiff_t)s->ld;
			s->pair = tp_fft_plan_new(TP_FFT_FWD, p->single, &pb,
			    1, TP_FFT_INPLACE | TP_FFT_DESTROY, b, b);
			continue;
		}
		tp_fft_problem_axes(&pb, s->kind, 2, bs, 1, &one, s->inplace);
		s->block = tp_fft_plan_new(s->kind, p->single, &pb, 1,
		    (s->inplace ? TP_FFT_INPLACE : 0) | TP_FFT_DESTROY, b,
		    s->inplace ? b : b + p->ibuf);
	}
}

/*
 * Whether kind along axes of an array of shape (logical, as
 * tp_fft_problem_axes takes it) is better done axis by axis: an axis
 * but the array's last whose lines lie a multiple of CONFLICT bytes
 * apart, on the side where it is transformed (the complex side but for
 * the halved axis of R2C, C2R), in an array larger than LARGE.
 */
static int
by_axis(enum tp_fft_kind kind, int single, int nd, const size_t *shape,
    int naxes, const int *axes)
{
	int half = kind == TP_FFT_R2C || kind == TP_FFT_C2R;
	int cplx = kind == TP_FFT_FWD || kind == TP_FFT_BWD || half;
	size_t esz = (single ? sizeof(float) : sizeof(double)) * (cplx ? 2 : 1);
	size_t cs[TP_MAXDIM], bytes = esz, stride;
	int h = axes[naxes - 1], i, b;

	memcpy(cs, shape, nd * sizeof *shape);
	if (half)
		cs[h] = shape[h] / 2 + 1;
	for (b = 0; b < nd; b++)
		bytes *= cs[b];
	if (bytes <= LARGE)
		return 0;
	for (i = 0; i < naxes; i++) {
		if (axes[i] == nd - 1)
			continue;
		stride = esz;
		for (b = axes[i] + 1; b < nd; b++)
			stride *= cs[b];
		if (stride % CONFLICT == 0)
			return 1;
	}
	return 0;
}

/* A batch is split among the threads when it has at least this many
 * points, into CHUNKS chunks a thread (taken in turn from tp_parallel's
 * counter, so that a thread the machine wakes late leaves its share to
 * the others instead of doubling the time). */
#define SPLIT ((size_t)1 << 16)
#define CHUNKS 4
/* A batch in place whose chunks lie one after another (contig) is cut
 * into chunks of at most about PIECE bytes, which a caller may run as
 * the array is read (tp_fft_axes_pieces): the last to arrive is then
 * all that is left after the read. */
#define PIECE ((size_t)256 << 10)

/*
 * Stage s as FFTW's plan of the whole problem pb on in, out (flags as
 * tp_fft_plan_new takes them): for a batch of enough points whose
 * outermost loop has an item for each thread, that loop cut into one
 * chunk a thread, each chunk by a one-thread plan, run by tp_parallel;
 * else one plan with p's threads.  FFTW's planner for threads costs:
 * d of bench/tfft.sh (1024 transforms of 1024 complex points), the
 * first plan of a process 0.27 ms on 2 threads, 0.15 ms on one (of
 * which 0.08 ms the twiddles); its execute is the same.
 */
static void
plan_whole(struct tp_fft_axes *p, struct stage *s, enum tp_fft_kind kind,
    struct tp_fft_problem *pb, unsigned flags, void *in, void *out)
{
	size_t rsz = p->single ? sizeof(float) : sizeof(double), item = 1;
	size_t n0, last, ir, orr, want;
	int i;

	for (i = 0; i < pb->rank; i++)
		item *= pb->dims[i].n;
	for (i = 1; i < pb->nloop; i++)
		item *= pb->loop[i].n;
	n0 = pb->nloop > 0 ? pb->loop[0].n : 0;
	/* strides in elements of each side's type */
	side_len(kind, 0, 1, &ir);
	side_len(kind, 1, 1, &orr);
	s->contig = n0 > 0 && (flags & TP_FFT_INPLACE) &&
	    pb->loop[0].is == pb->loop[0].os &&
	    (size_t)pb->loop[0].is == item;
	if (p->threads > 1 && item * n0 >= SPLIT &&
	    n0 >= (size_t)p->threads) {
		want = (size_t)p->threads * CHUNKS;
		if (s->contig && want < item * n0 * ir * rsz / PIECE)
			want = item * n0 * ir * rsz / PIECE;
		if (want > n0)
			want = n0;
		s->chunk = (n0 + want - 1) / want;
		s->nch = (n0 + s->chunk - 1) / s->chunk;
		s->ibytes = s->chunk * (size_t)pb->loop[0].is * ir * rsz;
		s->obytes = s->chunk * (size_t)pb->loop[0].os * orr * rsz;
		if (s->ibytes % 16 || s->obytes % 16)
			s->nch = 0;	/* the chunks' alignments differ */
	}
	if (s->nch < 2) {
		s->nch = 0;
		s->whole = tp_fft_plan_new(kind, p->single, pb, p->threads,
		    flags, in, out);
		return;
	}
	last = n0 - (s->nch - 1) * s->chunk;
	pb->loop[0].n = s->chunk;
	s->whole = tp_fft_plan_new(kind, p->single, pb, 1, flags, in, out);
	if (last != s->chunk) {
		pb->loop[0].n = last;
		s->tail = tp_fft_plan_new(kind, p->single, pb, 1, flags, in,
		    out);
	}
	pb->loop[0].n = n0;
}

struct tp_fft_axes *
tp_fft_axes_new(enum tp_fft_kind kind, int single, int ndim,
    const size_t *shape, int naxes, const int *axes, int threads, int how,
    const void *in, const void *out)
{
	struct tp_fft_axes *p = tp_ecalloc(1, sizeof *p);
	size_t cs[TP_MAXDIM];
	enum tp_fft_kind c = kind == TP_FFT_R2C ? TP_FFT_FWD : TP_FFT_BWD;
	int h = axes[naxes - 1], i, inplace = in == out;
	struct tp_fft_problem pb;

	if (ndim < 1 || ndim > TP_MAXDIM || naxes < 1 || naxes > ndim)
		tp_die("internal error: fft of %d axes along %d", ndim, naxes);
	p->single = single;
	p->threads = threads < 1 ? tp_fft_threads() : threads;
	if (p->threads > TP_MAXTHREADS)
		p->threads = TP_MAXTHREADS;
	if (how < 0)
		how = by_axis(kind, single, ndim, shape, naxes, axes);
	if (!how) {
		/* FFTW's own plan of the whole: one stage */
		p->nstage = 1;
		p->st[0].kind = kind;
		p->st[0].inplace = inplace;
		tp_fft_problem_axes(&pb, kind, ndim, shape, naxes, axes,
		    inplace);
		plan_whole(p, &p->st[0], kind, &pb, (inplace ?
		    TP_FFT_INPLACE : 0) | TP_FFT_DESTROY, (void *)in,
		    (void *)out);
		return p;
	}
	memcpy(cs, shape, ndim * sizeof *shape);
	if (kind != TP_FFT_R2C && kind != TP_FFT_C2R) {
		/* in place, the last axis first: along the array */
		for (i = naxes - 1; i >= 0; i--)
			plan_stage(p, &p->st[p->nstage++], kind, ndim, shape,
			    axes[i], in, in);
	} else {
		/* the halved axis h between the real and the complex
		 * sides, the others on the complex side in place */
		cs[h] = shape[h] / 2 + 1;
		if (kind == TP_FFT_R2C)
			plan_stage(p, &p->st[p->nstage++], kind, ndim, shape,
			    h, in, out);
		for (i = naxes - 2; i >= 0; i--)
			plan_stage(p, &p->st[p->nstage++], c, ndim, cs,
			    axes[i], kind == TP_FFT_R2C ? out : in,
			    kind == TP_FFT_R2C ? out : in);
		if (kind == TP_FFT_C2R)
			plan_stage(p, &p->st[p->nstage++], kind, ndim, shape,
			    h, in, out);
	}
	plan_blocks(p);
	return p;
}

struct tp_fft_axes *
tp_fft_axes_new_r2c_full(int single, int ndim, const size_t *shape,
    int naxes, const int *axes, int threads, const void *in,
    const void *out)
{
	struct tp_fft_axes *p;
	size_t cs[TP_MAXDIM], after = 1;
	int h = axes[naxes - 1], i, b;

	if (ndim < 1 || ndim > TP_MAXDIM || naxes < 1 || naxes > ndim)
		tp_die("internal error: fft of %d axes along %d", ndim, naxes);
	for (b = h + 1; b < ndim; b++)
		after *= shape[b];
	p = tp_ecalloc(1, sizeof *p);
	p->single = single;
	p->threads = threads < 1 ? tp_fft_threads() : threads;
	if (p->threads > TP_MAXTHREADS)
		p->threads = TP_MAXTHREADS;
	/* the halved axis: lines in blocks (or, the array's last axis,
	 * one FFTW plan with the full layout's output strides) */
	plan_stage(p, &p->st[p->nstage++], TP_FFT_R2C, ndim, shape, h, in,
	    out);
	if (p->st[0].gathered) {
		p->st[0].onph = shape[h];
	} else if (h == ndim - 1) {
		struct tp_fft_problem pb;
		ptrdiff_t os = (ptrdiff_t)shape[h];

		tp_fft_plan_free(p->st[0].whole);
		tp_fft_problem_axes(&pb, TP_FFT_R2C, ndim, shape, 1, &h, 0);
		for (i = pb.nloop - 1; i >= 0; i--) {
			pb.loop[i].os = os;
			os *= (ptrdiff_t)pb.loop[i].n;
		}
		p->st[0].whole = tp_fft_plan_new(TP_FFT_R2C, single, &pb,
		    p->threads, TP_FFT_DESTROY, in, out);
	} else {
		goto none;	/* a line too long for a block */
	}
	/* the others on the complex side, in place, each on the lines
	 * whose index along h is below n/2+1 */
	memcpy(cs, shape, ndim * sizeof *shape);
	for (i = naxes - 2; i >= 0; i--) {
		struct stage *s = &p->st[p->nstage++];

		plan_stage(p, s, TP_FFT_FWD, ndim, cs, axes[i], out, out);
		if (!s->gathered)
			goto none;
		s->rowlen = shape[h] * after;
		s->valid = (shape[h] / 2 + 1) * after;
		s->mid = s->inner / s->rowlen;
	}
	plan_blocks(p);
	return p;
none:
	tp_fft_axes_free(p);
	return NULL;
}

/*
 * Whether data of this many bytes outgrow the cache: more than half the
 * last level cache (32 MiB if unknown).  For fftn of a real record, the
 * input and the full output: on this machine's 300 MiB, one thread's
 * CPU with non-temporal stores against without, 2048² (96 MiB) 0.018
 * against 0.016 s, 3072² (216 MiB) 0.046 against 0.049 s, 4096² (384
 * MiB) 0.093 against 0.108 s (least of 8-10 runs, load 2).
 */
static int
outgrow_cache(size_t bytes)
{
	long llc = -1;

#ifdef _SC_LEVEL3_CACHE_SIZE
	llc = sysconf(_SC_LEVEL3_CACHE_SIZE);
#endif
	if (llc <= 0)
		llc = 32L << 20;
	return bytes > (size_t)llc / 2;
}

/* Bytes of a block of rows the last stage of r2c_first transforms at
 * once: it and its mirror images stay in cache. */
#define ROWBLOCK ((size_t)128 << 10)

struct tp_fft_axes *
tp_fft_axes_new_r2c_first(int single, int ndim, const size_t *shape,
    int naxes, const int *axes, int threads, const void *in,
    const void *out)
{
	struct tp_fft_axes *p;
	size_t sub[TP_MAXDIM], cs[TP_MAXDIM], idx[TP_MAXDIM] = { 0 };
	size_t csz = 2 * (single ? sizeof(float) : sizeof(double));
	unsigned char on[TP_MAXDIM] = { 0 };
	int a0 = axes[0], nd = ndim - a0, i, b;
	struct stage *s;

	if (ndim < 1 || ndim > TP_MAXDIM || naxes < 1 || naxes > ndim)
		tp_die("internal error: fft of %d axes along %d", ndim, naxes);
	if (naxes < 2 || axes[naxes - 1] != ndim - 1)
		return NULL;
	p = tp_ecalloc(1, sizeof *p);
	p->single = single;
	p->threads = threads < 1 ? tp_fft_threads() : threads;
	if (p->threads > TP_MAXTHREADS)
		p->threads = TP_MAXTHREADS;
	p->fills = 1;
	p->nouter = 1;
	for (b = 0; b < a0; b++)
		p->nouter *= shape[b];
	memcpy(sub, shape + a0, nd * sizeof *shape);
	memcpy(cs, sub, nd * sizeof *sub);
	for (i = 0; i < naxes; i++)
		on[axes[i] - a0] = 1;
	p->n0 = sub[0];
	p->half = cs[0] = sub[0] / 2 + 1;
	p->istep = p->ostep = 1;
	for (b = 0; b < nd; b++)
		p->istep *= sub[b];
	p->ostep = p->istep;
	p->rest = p->istep / (sub[0] * sub[nd - 1]);
	p->stream = outgrow_cache(p->nouter * p->istep * csz * 3 / 2);
	/* the halved axis first: its lines gathered, real to complex */
	plan_stage(p, &p->st[p->nstage++], TP_FFT_R2C, nd, sub, 0, in, out);
	if (!p->st[0].gathered)
		goto none;
	s = &p->st[0];
	if (sub[nd - 1] % 2 == 0 && s->blk % 2 == 0) {
		/* in pairs: the two lines of a pair lie in the same row
		 * of the last axis, which the last stage transforms, so
		 * a NaN spoils no point that numpy's transform keeps */
		s->pairs = 1;
		if (s->blk > PAIRRUN / s->isz)
			s->blk = PAIRRUN / s->isz;
		/* the buffer's lines a cache line more than a power of
		 * two apart: the unpacking reads them side by side */
		s->ld = s->n + 64 / (2 * s->isz);
		/* stage 0's buffers, the first stage's, are these */
		p->obuf = 0;
		p->ibuf = s->blk / 2 * s->ld * 2 * s->isz;
	}
	/* the axes between, gathered, on the half */
	for (i = naxes - 2; i >= 1; i--) {
		s = &p->st[p->nstage++];
		plan_stage(p, s, TP_FFT_FWD, nd, cs, axes[i] - a0, out, out);
		if (!s->gathered)
			goto none;
	}
	/* the last axis: rows in blocks, with their mirror images */
	s = &p->st[p->nstage++];
	memset(s, 0, sizeof *s);
	s->kind = TP_FFT_FWD;
	s->inplace = s->rows = 1;
	s->n = sub[nd - 1];
	s->outer = p->half * p->rest;
	s->isz = s->osz = csz;
	if (s->n * csz > MAXBUF)
		goto none;
	s->blk = ROWBLOCK / (s->n * csz) > 0 ? ROWBLOCK / (s->n * csz) : 1;
	if (s->blk > s->outer)
		s->blk = s->outer;
	/* the block, then one mirror image (row_item) */
	if ((s->blk + 1) * s->n * csz > p->ibuf)
		p->ibuf = (s->blk + 1) * s->n * csz;
	/* the mirror of the rows' index over the axes between */
	p->mirror = tp_emalloc(p->rest * sizeof *p->mirror);
	for (size_t m = 0; m < p->rest; m++) {
		size_t r = 0;

		for (b = 1; b < nd - 1; b++)
			r = r * sub[b] + (on[b] ? (sub[b] - idx[b]) % sub[b] :
			    idx[b]);
		p->mirror[m] = r;
		for (b = nd - 2; b > 0 && ++idx[b] == sub[b]; b--)
			idx[b] = 0;
	}
	plan_blocks(p);
	return p;
none:
	tp_fft_axes_free(p);
	return NULL;
}

void
tp_fft_axes_free(struct tp_fft_axes *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < p->nstage; i++) {
		tp_fft_plan_free(p->st[i].whole);
		tp_fft_plan_free(p->st[i].tail);
		tp_fft_plan_free(p->st[i].block);
		tp_fft_plan_free(p->st[i].pair);
	}
	for (int t = 0; t < p->threads; t++)
		tp_fft_free(p->buf[t]);
	free(p->mirror);
	free(p);
}

/* The arrays stage i runs on: the in place stages of R2C on the output,
 * those of C2R on the input. */
static void
stage_arrays(const struct tp_fft_axes *p, int i, void *in, void *out,
    void **si, void **so)
{
	const struct stage *s = &p->st[i];
	int on_out = !s->inplace ? 0 : p->st[0].kind == TP_FFT_R2C;

	*si = on_out ? out : in;
	*so = s->inplace ? *si : out;
}

int
tp_fft_axes_fills(const struct tp_fft_axes *p)
{
	return p->fills;
}

void
tp_fft_axes_set_stream(struct tp_fft_axes *p, int on)
{
	p->stream = on;
}

int
tp_fft_axes_by_axis(const struct tp_fft_axes *p)
{
	return p->nstage > 1 || p->st[0].gathered;
}

int
tp_fft_axes_fits(const struct tp_fft_axes *p, const void *in,
    const void *out)
{
	for (int i = 0; i < p->nstage; i++) {
		void *si, *so;

		stage_arrays(p, i, (void *)in, (void *)out, &si, &so);
		if (p->st[i].whole != NULL &&
		    !tp_fft_plan_fits(p->st[i].whole, si, so))
			return 0;
	}
	return 1;
}

/* --- gathered stages -------------------------------------------------- */

/*
 * cnt lines of n elements of esz bytes, side by side in the array at
 * arr (element k of line j at arr + (k inner + j) esz), into buf one
 * after the other, ld elements apart; with back, from buf back into
 * the array.  esz a constant (move_lines).
 */
BY_SIZE
lines_by(char *arr, char *buf, size_t n, size_t inner, size_t cnt,
    int back, size_t esz, size_t ld)
{
	/* Gathering, TILE bytes of each line at a time: point by point,
	 * the cache lines of the cnt lines in the buffer (often a power of
	 * two apart) fell out of L1 before they were complete; the 4096
	 * real columns of a 4096² array took 0.047 s of one thread's CPU
	 * to gather, 0.019 s in tiles of 64 bytes, and tfft's fftn of it
	 * 0.150 s against 0.122 s in tiles of 256.  Back, row by row,
	 * which writes the array's runs whole (0.016 s; in tiles 0.019). */
	size_t tk = TILE / esz;

	for (size_t k0 = 0; !back && k0 < n; k0 += tk) {
		size_t k1 = n - k0 < tk ? n : k0 + tk;

		/* the next tile's runs asked for while this one moves:
		 * one thread's CPU, least of 8, in turns, load 2: b of
		 * bench/tfft.sh 0.0905-0.0918 -> 0.0896-0.0901 s, c
		 * 0.190-0.210 -> 0.177-0.185 s (two tiles ahead: no
		 * better than none) */
		for (size_t k = k1; k < k1 + tk && k < n; k++)
			for (size_t b = 0; b < cnt * esz; b += 64)
				__builtin_prefetch(arr + k * inner * esz + b);

		for (size_t j = 0; j < cnt; j++)
			for (size_t k = k0; k < k1; k++)
				memcpy(buf + (j * ld + k) * esz,
				    arr + (k * inner + j) * esz, esz);
	}
	for (size_t k = 0; back && k < n; k++) {
		char *row = arr + k * inner * esz;

		for (size_t j = 0; j < cnt; j++)
			memcpy(row + j * esz, buf + (j * ld + k) * esz, esz);
	}
}

static void
move_lines(char *arr, char *buf, size_t n, size_t inner, size_t cnt,
    int back, size_t esz, size_t ld)
{
	if (esz == 4)
		lines_by(arr, buf, n, inner, cnt, back, 4, ld);
	else if (esz == 8)
		lines_by(arr, buf, n, inner, cnt, back, 8, ld);
	else
		lines_by(arr, buf, n, inner, cnt, back, 16, ld);
}

struct gather_job {
	const struct tp_fft_axes *p;
	const struct stage *s;
	char *in, *out;
	size_t nblk;		/* blocks per run of valid lines */
};

/*
 * n bytes from src to dst, which nothing reads soon: with non-temporal
 * stores where they can be (SSE2, dst and n multiples of 16), which do
 * not read dst's cache lines first.  The mirror images, built in a
 * buffer and copied so: one thread's CPU for b of bench/tfft.sh, least
 * of 8, four comparisons in turns at load 3.5: 0.094 to 0.100 s,
 * against 0.104 to 0.111 s written where they go and 0.101 to 0.107 s
 * through the buffer by memcpy.  stream_fence after the last: stores
 * that are not ordered with the pool's atomics otherwise.
 */
static void
stream_copy(char *dst, const char *src, size_t n)
{
#ifdef __SSE2__
	if ((uintptr_t)dst % 16 == 0 && n % 16 == 0) {
		for (size_t q = 0; q < n; q += 16)
			_mm_stream_pd((double *)(void *)(dst + q),
			    _mm_loadu_pd((const double *)(const void *)(src +
			    q)));
		return;
	}
#endif
	memcpy(dst, src, n);
}

static void
stream_fence(void)
{
#ifdef __SSE2__
	_mm_sfence();
#endif
}

/*
 * Four reals to w (a complex pair of a pairs block, or two): with
 * non-temporal stores when nt (w 16-byte aligned).  The unpacked half
 * is read again by the rows stage only, after the other lines: one
 * thread's CPU for b, least of 8, four comparisons in turns at load 3:
 * 0.096 to 0.105 s, against 0.104 to 0.113 s stored as usual.
 */
static inline void
put4d(double *w, double a, double b, double c, double d, int nt)
{
#ifdef __SSE2__
	if (nt) {
		_mm_stream_pd(w, _mm_set_pd(b, a));
		_mm_stream_pd(w + 2, _mm_set_pd(d, c));
		return;
	}
#endif
	w[0] = a;
	w[1] = b;
	w[2] = c;
	w[3] = d;
}

static inline void
put4f(float *w, float a, float b, float c, float d, int nt)
{
#ifdef __SSE2__
	if (nt) {
		_mm_stream_ps(w, _mm_set_ps(d, c, b, a));
		return;
	}
#endif
	w[0] = a;
	w[1] = b;
	w[2] = c;
	w[3] = d;
}

/* The lines of a pair block unpacked (T the real type): z holds np
 * complex lines ld apart, Z = A + i B of the real lines A, B; their
 * transforms' points k < nout are (Z[k] + conj Z[-k]) / 2 and
 * (Z[k] - conj Z[-k]) / 2i, written to row k of dst, lines 2q, 2q+1
 * (put4: non-temporal stores when nt, see put4d). */
#define UNPACK(T, put4) do {						\
	const T *z = (const T *)zb;					\
	for (size_t k = 0; k < s->nout; k++) {				\
		T *w = (T *)(dst + k * s->inner * s->osz);		\
		const T *a = z + 2 * k;					\
		const T *b = z + 2 * (k ? s->n - k : 0);		\
		for (size_t q = 0; q < np; q++, w += 4) {		\
			const T *x = a + 2 * q * s->ld;			\
			const T *y = b + 2 * q * s->ld;			\
			const T h = (T)0.5;				\
			put4(w, (x[0] + y[0]) * h, (x[1] - y[1]) * h,	\
			    (x[1] + y[1]) * h, (y[0] - x[0]) * h, nt);	\
		}							\
	}								\
} while (0)

/*
 * A block of a pairs stage (struct stage): its cnt (even) real lines,
 * the first at element at of the input, gathered two by two as
 * complex lines (adjacent reals are a complex number's parts),
 * transformed as complex lines and unpacked into the output.  Half
 * the gathered elements, twice as wide; FFTW's real-to-complex block
 * plan copied its halfcomplex output once more (fftw_cpy2d_pair) and
 * needed a second buffer.
 */
static void
pair_block(const struct gather_job *g, size_t o, size_t at, size_t cnt,
    char *zb)
{
	const struct stage *s = g->s;
	size_t np = cnt / 2, e = 2 * s->isz;
	char *dst = g->out + (o * s->onph * s->inner + at) * s->osz;

	move_lines(g->in + (o * s->nin * s->inner + at) * s->isz, zb, s->n,
	    s->inner / 2, np, 0, e, s->ld);
	if (np < s->blk / 2)
		memset(zb + np * s->ld * e, 0, (s->blk / 2 - np) * s->ld * e);
	tp_fft_execute(s->pair, zb, zb);
	int nt = g->p->stream && (uintptr_t)dst % 16 == 0 &&
	    s->inner * s->osz % 16 == 0;

	if (g->p->single)
		UNPACK(float, put4f);
	else
		UNPACK(double, put4d);
	if (nt)
		stream_fence();
}

/* Block i: outer index i / (mid nblk), run (i / nblk) % mid, its lines
 * from (i % nblk) blk on; gathered, transformed, scattered.  A short
 * last block is padded with zero lines. */
static void
block_item(void *arg, size_t i, int tid)
{
	const struct gather_job *g = arg;
	const struct stage *s = g->s;
	size_t o = i / (s->mid * g->nblk), m = i / g->nblk % s->mid;
	size_t t0 = i % g->nblk * s->blk, at = m * s->rowlen + t0;
	size_t cnt = s->valid - t0 < s->blk ? s->valid - t0 : s->blk;
	char *ib = g->p->buf[tid], *ob = s->inplace ? ib : ib + g->p->ibuf;

	if (s->pairs) {
		pair_block(g, o, at, cnt, ib);
		return;
	}
	move_lines(g->in + (o * s->nin * s->inner + at) * s->isz, ib, s->nin,
	    s->inner, cnt, 0, s->isz, s->nin);
	if (cnt < s->blk)
		memset(ib + cnt * s->nin * s->isz, 0,
		    (s->blk - cnt) * s->nin * s->isz);
	tp_fft_execute(s->block, ib, ob);
	move_lines(g->out + (o * s->onph * s->inner + at) * s->osz, ob,
	    s->nout, s->inner, cnt, 1, s->osz, s->nout);
}

/* The conjugate mirror image of row src (n complex numbers) into dst:
 * point k to (n - k) mod n, its imaginary part 0 - y (a zero stays +0,
 * as numpy's complex transform leaves it).  T the real type. */
#define MIRROR_ROW(T) do {					\
	const T *f = (const T *)src;				\
	T *d = (T *)dst;					\
	d[0] = f[0];						\
	d[1] = 0 - f[1];					\
	for (size_t k = 1; k < n; k++) {			\
		d[2 * (n - k)] = f[2 * k];			\
		d[2 * (n - k) + 1] = 0 - f[2 * k + 1];		\
	}							\
} while (0)

/* Block i of the rows stage: rows i blk.. transformed, and their
 * mirror images written where symmetry puts them (struct tp_fft_axes).
 * Transformed in place rather than through the buffer: one thread's
 * CPU for b's fftn (4096² float64, bench/tfft.sh) 0.109 s against
 * 0.115 s, the least of 8 runs each in turns, load 5.7. */
static void
row_item(void *arg, size_t i, int tid)
{
	const struct gather_job *g = arg;
	const struct tp_fft_axes *p = g->p;
	const struct stage *s = g->s;
	size_t r0 = i * s->blk, n = s->n, bytes = n * s->osz;
	size_t cnt = s->outer - r0 < s->blk ? s->outer - r0 : s->blk;
	char *b = g->out + r0 * bytes;

	/* Where the rows lie (contiguous: no conflicting strides),
	 * unless they are off the alignment of the buffer the plan was
	 * made on or the block is short: then through the buffer. */
	if (cnt == s->blk && tp_fft_plan_fits(s->block, b, b)) {
		tp_fft_execute(s->block, b, b);
	} else {
		b = p->buf[tid];
		memcpy(b, g->out + r0 * bytes, cnt * bytes);
		tp_fft_execute(s->block, b, b);
		memcpy(g->out + r0 * bytes, b, cnt * bytes);
	}
	for (size_t j = 0; j < cnt; j++) {
		size_t r = r0 + j, k0 = r / p->rest;
		const char *src = b + j * bytes;
		char *dst, *to;

		if (k0 < 1 || k0 > p->n0 - p->half)
			continue;
		to = g->out + ((p->n0 - k0) * p->rest + p->mirror[r %
		    p->rest]) * bytes;
		dst = p->stream ? p->buf[tid] + s->blk * bytes : to;
		if (p->single)
			MIRROR_ROW(float);
		else
			MIRROR_ROW(double);
		if (dst != to)
			stream_copy(to, dst, bytes);
	}
	if (p->stream)
		stream_fence();
}

/* Chunk i of a split stage (struct stage). */
static void
chunk_item(void *arg, size_t i, int tid)
{
	const struct gather_job *g = arg;
	const struct stage *s = g->s;

	(void)tid;
	tp_fft_execute(i == s->nch - 1 && s->tail ? s->tail : s->whole,
	    g->in + i * s->ibytes, g->out + i * s->obytes);
}

/* The stages on in and out (one sub-array of r2c_first's). */
static void
run_stages(const struct tp_fft_axes *p, void *in, void *out)
{
	for (int i = 0; i < p->nstage; i++) {
		const struct stage *s = &p->st[i];
		void *si, *so;

		stage_arrays(p, i, in, out, &si, &so);
		if (s->rows) {
			struct gather_job g = { p, s, si, so, 1 };

			tp_parallel(p->threads, (s->outer + s->blk - 1) /
			    s->blk, row_item, &g);
		} else if (s->nch) {
			struct gather_job g = { p, s, si, so, 0 };

			tp_parallel(p->threads, s->nch, chunk_item, &g);
		} else if (!s->gathered) {
			tp_fft_execute(s->whole, si, so);
		} else {
			struct gather_job g = { p, s, si, so,
				(s->valid + s->blk - 1) / s->blk };

			tp_parallel(p->threads, s->outer * s->mid * g.nblk,
			    block_item, &g);
		}
	}
}

size_t
tp_fft_axes_pieces(const struct tp_fft_axes *p, size_t *bytes)
{
	const struct stage *s = &p->st[0];

	if (p->nstage != 1 || p->fills || s->nch < 2 || !s->contig)
		return 0;
	*bytes = s->ibytes;
	return s->nch;
}

void
tp_fft_axes_run_piece(const struct tp_fft_axes *p, size_t i, void *arr)
{
	struct gather_job g = { p, &p->st[0], arr, arr, 0 };

	chunk_item(&g, i, 0);
}

void
tp_fft_axes_run(const struct tp_fft_axes *p, void *in, void *out)
{
	size_t rsz = p->single ? sizeof(float) : sizeof(double);

	if (!p->fills) {
		run_stages(p, in, out);
		return;
	}
	for (size_t o = 0; o < p->nouter; o++)
		run_stages(p, (char *)in + o * p->istep * rsz, (char *)out +
		    o * p->ostep * 2 * rsz);
}
