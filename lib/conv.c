/*
 * conv.c - N-D convolution and correlation: FFT, overlap-save, direct.
 *
 * Every method computes the same thing.  Per convolved axis, with signal
 * length n, kernel length m, output length lout and window start s0
 * (full: 0, same: (m-1)/2, valid: m-1), the signal is extended on the
 * left by pl = m-1-s0 and on the right so that it has lout+m-1 samples
 * (by the boundary rule; zero for the zero boundary), and
 *
 *	out[o] = sum_j E[o + m-1 - j] h[j],  0 <= o < lout,
 *
 * where h is the kernel in convolution form (reversed on the corr axes).
 * The FFT path with the zero boundary does not materialise the zero
 * extension: it places the signal at the start of a buffer of fast
 * length L >= max(n+m-1-s0, s0+lout) and reads the cyclic result from s0.
 *
 * The part that works on samples is in conv_typed.h, included twice
 * below to make its float and double versions.
 *
 * For measuring (bench/tconv-cost-model.md): $TPIPE_TIMING prints time
 * stamps of the phases on stderr; $TPIPE_CONV_TILES=L0,L1,... forces the
 * FFT path's tile lengths (0: the whole axis).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "tpipe.h"
#include "fft.h"
#include "conv.h"
#include "engine.h"

/* One convolved axis: see the comment at the top of the file. */
struct axis {
	size_t n;		/* signal length */
	size_t m;		/* kernel length */
	size_t lout;		/* output length */
	size_t s0;		/* window start of the mode */
	size_t pl;		/* left extension of the buffer's signal */
	size_t in;		/* samples of (extended) signal in the buffer */
	size_t s;		/* where output 0 sits in the cyclic result */
	size_t L;		/* transform length (FFT, overlap-save block) */
	size_t Lwhole;		/* transform length for the whole axis */
	size_t step;		/* outputs per tile (lout when whole) */
	size_t ntile;		/* tiles along the axis */
	int whole;		/* one tile: the whole axis */
};

struct geom {
	int k;			/* convolved axes */
	size_t nb;		/* batch elements */
	size_t nin, nout;	/* elements per batch element */
	int es;			/* reals per element: 1, or 2 for complex */
	int bnd;
	int method;
	int par;		/* FFT: tiles in parallel, one thread each */
	size_t ntiles;		/* FFT: tiles per batch element */
	struct axis ax[TP_MAXDIM];
};

struct tp_conv {
	struct tp_conv_opts o;
	int kdim;
	size_t m[TP_MAXDIM];
	size_t mcount;
	int kcomplex;
	double *hd;		/* kernel in convolution form, es doubles each */
	int kbad;		/* the kernel has a NaN or infinity */
	int allcorr;

	/* per signal shape */
	int ready;
	int xndim;
	size_t xshape[TP_MAXDIM];
	enum tp_dtype cdt;	/* compute and output dtype */
	struct geom g;
	void *st;
	void (*st_free)(void *);
	int last;
	double cost[3];		/* the model's estimates: -, fft, direct */
};

static const char *const mode_names[] = { "full", "same", "valid", NULL };
static const char *const bnd_names[] = {
	"zero", "wrap", "reflect", "mirror", "nearest", NULL
};
static const char *const method_names[] = {
	"auto", "fft", "direct", "overlap-save", NULL
};

static int
lookup(const char *const *names, const char *s)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int
tp_conv_mode_parse(const char *s)
{
	return lookup(mode_names, s);
}

int
tp_conv_boundary_parse(const char *s)
{
	return lookup(bnd_names, s);
}

int
tp_conv_method_parse(const char *s)
{
	int i = lookup(method_names, s);

	return i == TP_METHOD_OVERLAP ? -1 : i;
}

const char *
tp_conv_method_name(int m)
{
	return m >= 0 && m <= TP_METHOD_OVERLAP ? method_names[m] : "?";
}

void
tp_conv_opts_init(struct tp_conv_opts *o)
{
	memset(o, 0, sizeof *o);
	o->mode = TP_CONV_FULL;
	o->boundary = TP_BND_ZERO;
	o->method = TP_METHOD_AUTO;
	o->dtype = -1;
	o->threads = 1;
}

/*
 * Index into a signal of length n (>= 1) for position i of its extension
 * by boundary bnd; -1 for a zero.
 */
static ptrdiff_t
bmap(ptrdiff_t i, ptrdiff_t n, int bnd)
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

/* --- typed parts -------------------------------------------------------- */

/* The direct sum is also compiled for AVX2 + FMA, picked at run time. */
#if defined(__x86_64__) && defined(__GNUC__)
#define CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CLONES
#endif


#define R float
#define C fftwf_complex
#define F(x) fftwf_##x
#define T(x) x##_f
#define BLK 32
#include "conv_typed.h"
#undef R
#undef C
#undef F
#undef T
#undef BLK

#define R double
#define C fftw_complex
#define F(x) fftw_##x
#define T(x) x##_d
#define BLK 16
#include "conv_typed.h"
#undef R
#undef C
#undef F
#undef T
#undef BLK

/* --- the kernel -------------------------------------------------------- */

struct tp_conv *
tp_conv_new(const struct tp_tensor *k, const struct tp_conv_opts *o,
    const char **why)
{
	struct tp_conv *c;
	struct tp_tensor kd;
	size_t i, j, src, rem;
	int a, es;
	size_t stride[TP_MAXDIM];

	if (k->count == 0) {
		*why = "the kernel is empty";
		return NULL;
	}
	c = tp_ecalloc(1, sizeof *c);
	c->o = *o;
	if (c->o.threads < 1)
		c->o.threads = 1;
	c->kdim = k->ndim == 0 ? 1 : k->ndim;
	for (a = 0; a < c->kdim; a++)
		c->m[a] = k->ndim == 0 ? 1 : k->shape[a];
	if (o->ncorr != 0 && o->ncorr != 1 && o->ncorr != c->kdim) {
		free(c);
		*why = "--op needs one entry, or one per kernel axis";
		return NULL;
	}
	c->allcorr = 1;
	for (a = 0; a < c->kdim; a++) {
		if (o->ncorr == 1)
			c->o.corr[a] = o->corr[0];
		else if (o->ncorr == 0)
			c->o.corr[a] = 0;
		if (!c->o.corr[a])
			c->allcorr = 0;
	}
	c->o.ncorr = c->kdim;
	c->mcount = k->count;
	c->kcomplex = tp_dtype_is_complex(k->dtype);
	es = c->kcomplex ? 2 : 1;
	kd = tp_converted(k, c->kcomplex ? TP_C16 : TP_F8);
	c->hd = tp_emalloc(c->mcount * es * sizeof(double));
	stride[c->kdim - 1] = 1;
	for (a = c->kdim - 1; a > 0; a--)
		stride[a - 1] = stride[a] * c->m[a];
	/* h'[i] = k[i with the corr axes reversed], conjugated if all corr */
	for (i = 0; i < c->mcount; i++) {
		src = 0;
		rem = i;
		for (a = 0; a < c->kdim; a++) {
			j = rem / stride[a];
			rem %= stride[a];
			if (c->o.corr[a])
				j = c->m[a] - 1 - j;
			src += j * stride[a];
		}
		if (es == 1) {
			c->hd[i] = ((double *)kd.data)[src];
		} else {
			c->hd[2 * i] = ((double *)kd.data)[2 * src];
			c->hd[2 * i + 1] = ((double *)kd.data)[2 * src + 1] *
			    (c->allcorr ? -1 : 1);
		}
	}
	for (i = 0; i < c->mcount * es; i++)
		if (!isfinite(c->hd[i]))
			c->kbad = 1;
	tp_free(&kd);
	return c;
}

static void
drop_state(struct tp_conv *c)
{
	if (c->st != NULL)
		c->st_free(c->st);
	c->st = NULL;
	c->ready = 0;
}

void
tp_conv_free(struct tp_conv *c)
{
	if (c == NULL)
		return;
	drop_state(c);
	free(c->hd);
	free(c);
}

int
tp_conv_kernel_ndim(const struct tp_conv *c)
{
	return c->kdim;
}

int
tp_conv_last_method(const struct tp_conv *c)
{
	return c->last;
}

char *
tp_conv_describe(const struct tp_conv *c, char *buf, size_t len)
{
	size_t n = 0;
	int a;

	n += snprintf(buf, len, "%s", tp_conv_method_name(c->last));
	if (c->cost[TP_METHOD_FFT] > 0 || c->cost[TP_METHOD_DIRECT] > 0)
		n += snprintf(buf + n, len - n, " (model: fft %.3g s, direct "
		    "%.3g s)", c->cost[TP_METHOD_FFT], c->cost[TP_METHOD_DIRECT]);
	if (c->last == TP_METHOD_DIRECT || n >= len)
		return buf;
	for (a = 0; a < c->g.k && n < len; a++)
		n += snprintf(buf + n, len - n, "%s%zu%s", a ? "x" : " length ",
		    c->g.ax[a].L, c->g.ax[a].whole ? "" : "(tiled)");
	if (n < len)
		snprintf(buf + n, len - n, ", %zu tiles per batch element, %s",
		    c->g.ntiles, c->g.par ? "tiles in parallel" :
		    "threaded transforms");
	return buf;
}

/* The compute dtype for a signal of dtype t. */
static enum tp_dtype
compute_dtype(const struct tp_conv *c, enum tp_dtype t)
{
	int single;
	int cx = c->kcomplex || tp_dtype_is_complex(t);

	if (c->o.dtype == TP_F4 || c->o.dtype == TP_F8)
		single = c->o.dtype == TP_F4;
	else
		single = t == TP_F4 || t == TP_C8 || t == TP_F2;
	if (cx)
		return single ? TP_C8 : TP_C16;
	return single ? TP_F4 : TP_F8;
}

static char msgbuf[512];

const char *
tp_conv_out_header(struct tp_conv *c, const struct tp_tensor *x,
    struct tp_tensor *out)
{
	size_t shape[TP_MAXDIM];
	int a, nbd = x->ndim - c->kdim;
	char s1[256];

	if (x->ndim < c->kdim) {
		snprintf(msgbuf, sizeof msgbuf,
		    "the kernel has %d ax%s but the signal %s has %d",
		    c->kdim, c->kdim == 1 ? "is" : "es",
		    tp_shape_str(x, s1, sizeof s1), x->ndim);
		return msgbuf;
	}
	for (a = 0; a < x->ndim; a++) {
		size_t n = x->shape[a], m;

		shape[a] = n;
		if (a < nbd)
			continue;
		m = c->m[a - nbd];
		switch (c->o.mode) {
		case TP_CONV_FULL:
			if (n != 0 && n > SIZE_MAX - (m - 1)) {
				snprintf(msgbuf, sizeof msgbuf, "the output "
				    "shape overflows: axis %d of the signal "
				    "has %zu and the kernel %zu", a, n, m);
				return msgbuf;
			}
			shape[a] = n == 0 ? 0 : n + m - 1;
			break;
		case TP_CONV_SAME:
			break;
		case TP_CONV_VALID:
			if (n < m) {
				snprintf(msgbuf, sizeof msgbuf, "valid mode "
				    "needs the signal at least as large as the "
				    "kernel, but on axis %d the signal has %zu "
				    "and the kernel %zu", a, n, m);
				return msgbuf;
			}
			shape[a] = n - m + 1;
			break;
		}
	}
	memset(out, 0, sizeof *out);
	out->dtype = compute_dtype(c, x->dtype);
	if (tp_set_shape(out, x->ndim, shape, &(struct tp_msg){ { 0 } })) {
		snprintf(msgbuf, sizeof msgbuf, "the output shape overflows");
		return msgbuf;
	}
	return NULL;
}

/*
 * The geometry for signal x and method: n, m, lout, s0 from the mode;
 * pl, in, s, L from the method (see the top of the file).
 */
static void
geometry(struct tp_conv *c, const struct tp_tensor *x, int method,
    struct geom *g)
{
	int a, nbd = x->ndim - c->kdim;

	memset(g, 0, sizeof *g);
	g->k = c->kdim;
	g->nb = 1;
	for (a = 0; a < nbd; a++)
		g->nb *= x->shape[a];
	g->es = tp_dtype_is_complex(c->cdt) ? 2 : 1;
	g->bnd = c->o.boundary;
	g->method = method;
	g->nin = g->nout = 1;
	for (a = 0; a < g->k; a++) {
		struct axis *ax = &g->ax[a];

		ax->n = x->shape[nbd + a];
		ax->m = c->m[a];
		switch (c->o.mode) {
		case TP_CONV_FULL:
			ax->lout = ax->n == 0 ? 0 : ax->n + ax->m - 1;
			ax->s0 = 0;
			break;
		case TP_CONV_SAME:
			ax->lout = ax->n;
			ax->s0 = (ax->m - 1) / 2;
			break;
		default:
			ax->lout = ax->n + 1 - ax->m;
			ax->s0 = ax->m - 1;
			break;
		}
		if (method == TP_METHOD_DIRECT || g->bnd != TP_BND_ZERO) {
			ax->pl = ax->m - 1 - ax->s0;
			ax->in = ax->lout + ax->m - 1;
			ax->s = ax->m - 1;
			ax->L = ax->in;
		} else {
			size_t need = ax->n + ax->m - 1 - ax->s0;

			if (need < ax->s0 + ax->lout)
				need = ax->s0 + ax->lout;
			ax->pl = 0;
			ax->in = ax->n;
			ax->s = ax->s0;
			ax->L = need;
		}
		if (method != TP_METHOD_DIRECT)
			ax->L = tp_fft_fast_len(g->es == 2 ? TP_FFT_FWD :
			    TP_FFT_R2C, ax->L);
		ax->Lwhole = ax->L;
		ax->step = ax->lout;
		ax->ntile = 1;
		ax->whole = 1;
		g->nin *= ax->n;
		g->nout *= ax->lout;
	}
}

/*
 * The cost model of --method auto, in seconds; measured on this 2-core
 * Xeon; bench/tconv-cost-model.md gives the model and the measurements.
 */
#define COST_DIRECT_F32 0.05e-9		/* per multiply-add, one thread */
#define COST_DIRECT_F64 0.10e-9
#define COST_DIRECT_OUT 4e-9		/* per output: fill, loops */
#define COST_FFT 0.28e-9		/* per n log2 n of a real transform */
#define COST_NOT_POW2 1.5		/* ... when not all lengths are 2^i */
#define COST_PASS 1.0e-9		/* per real: fill, multiply, copy */
#define FFTW_SPEEDUP 1.7		/* FFTW's own threads, 2 threads */
#define COST_ITEM 2e-6			/* per tile: calls, loops */

/*
 * One transform of n points (complex when cx) and its share of the
 * passes over the buffer.  The cost per n log2 n grows with the size in
 * bytes once the transform leaves the caches: the factors below were
 * measured with FFTW_ESTIMATE plans, one thread, f32 and f64 alike.
 */
static double
tf_cost(double n, int pow2, int single, int cx)
{
	static const double grow[][2] = {	/* log2 bytes, factor */
		{ 21, 1.0 }, { 22, 1.45 }, { 24, 2.0 }, { 25, 2.7 },
		{ 26.2, 4.4 }, { 27.2, 5.1 }, { 40, 8.0 }
	};
	double reals = n * (cx ? 2 : 1);
	double lb = log2(reals * (single ? 4 : 8));
	double c = COST_FFT * reals * log2(n > 2 ? n : 2), f = 1;
	int i;

	if (!pow2)
		c *= COST_NOT_POW2;
	for (i = 1; i < 7; i++)
		if (lb < grow[i][0]) {
			if (lb > grow[i - 1][0])
				f = grow[i - 1][1] + (grow[i][1] -
				    grow[i - 1][1]) * (lb - grow[i - 1][0]) /
				    (grow[i][0] - grow[i - 1][0]);
			break;
		}
	return c * f + COST_PASS * reals / 2;
}

/*
 * The FFT path's cost with tile lengths T[a] (T[a] == 0: the whole axis);
 * sets the axes' L, step, ntile, whole and g->par, g->ntiles.
 */
static double
tile_cost(struct geom *g, const size_t *T, int single, int cx, int threads)
{
	double n = 1, items = (double)g->nb, one, seq, par, rounds;
	int a, p2 = 1;

	g->ntiles = 1;
	for (a = 0; a < g->k; a++) {
		struct axis *ax = &g->ax[a];

		if (T[a] == 0) {
			ax->whole = 1;
			ax->L = ax->Lwhole;
			ax->step = ax->lout;
			ax->ntile = 1;
		} else {
			ax->whole = 0;
			ax->L = T[a];
			ax->step = T[a] - ax->m + 1;
			ax->ntile = (ax->lout + ax->step - 1) / ax->step;
		}
		n *= (double)ax->L;
		g->ntiles *= ax->ntile;
		if (ax->L & (ax->L - 1))
			p2 = 0;
	}
	items *= (double)g->ntiles;
	rounds = ceil(items / threads);
	par = rounds * (2 * tf_cost(n, p2, single, cx) + COST_ITEM);
	seq = items * (2 * tf_cost(n, p2, single, cx) /
	    (threads > 1 ? FFTW_SPEEDUP : 1) + COST_ITEM);
	g->par = threads > 1 && items >= threads;
	one = tf_cost(n, p2, single, cx) / (threads > 1 ? FFTW_SPEEDUP : 1);
	return (g->par ? par : seq) + one;
}

/* Choose the tiles of the FFT path for g (see tile_cost); returns the
 * cost.  Tiles are tried on up to 3 axes; more axes are transformed
 * whole. */
static double
choose_tiles(struct geom *g, int single, int cx, int threads)
{
	size_t cand[3][16] = { { 0 } }, T[TP_MAXDIM] = { 0 };
	size_t best[TP_MAXDIM] = { 0 };
	int nc[3] = { 1, 1, 1 }, a, i0, i1, i2;
	double c, bc;

	/* tile lengths 2^i: in-place transforms of other lengths take
	 * FFTW's buffered (slower) path */
	for (a = 0; a < g->k && a < 3 && g->k <= 3; a++) {
		struct axis *ax = &g->ax[a];
		size_t lo = 2 * ax->m < 32 ? 32 : 2 * ax->m, p;

		for (p = 32; p < ax->Lwhole && nc[a] < 16; p *= 2)
			if (p >= lo)
				cand[a][nc[a]++] = p;
	}
	bc = tile_cost(g, T, single, cx, threads);
	for (i0 = 0; i0 < nc[0]; i0++)
		for (i1 = 0; i1 < nc[1]; i1++)
			for (i2 = 0; i2 < nc[2]; i2++) {
				T[0] = cand[0][i0];
				T[1] = g->k > 1 ? cand[1][i1] : 0;
				T[2] = g->k > 2 ? cand[2][i2] : 0;
				if (g->k <= 3 && (c = tile_cost(g, T, single,
				    cx, threads)) < bc) {
					bc = c;
					memcpy(best, T, sizeof T);
				}
			}
	return tile_cost(g, best, single, cx, threads);
}

static double
method_cost(struct tp_conv *c, const struct tp_tensor *x, int method,
    struct geom *g)
{
	int single = c->cdt == TP_F4 || c->cdt == TP_C8;
	int cx = tp_dtype_is_complex(c->cdt);
	double macs;

	geometry(c, x, method, g);
	if (method == TP_METHOD_DIRECT) {
		/* the sums run over whole blocks of BLK outputs per row, on
		 * rows of the extended signal that are filled first */
		const struct axis *last = &g->ax[g->k - 1];
		double blk = single ? 32 : 16, rows = 1, orows, padded, fill;
		int a;

		for (a = 0; a < g->k - 1; a++)
			rows *= (double)g->ax[a].in;
		orows = last->lout ? (double)g->nout / (double)last->lout : 0;
		padded = ceil((double)last->lout / blk) * blk;
		macs = (double)g->nb * orows * padded * (double)c->mcount;
		fill = (double)g->nb * rows * (padded + (double)last->m - 1);
		return (macs * (cx ? 4 : 1) * (single ? COST_DIRECT_F32 :
		    COST_DIRECT_F64) + COST_DIRECT_OUT * (double)g->nb *
		    (double)g->nout * (cx ? 2 : 1) + COST_PASS * fill *
		    (cx ? 2 : 1)) / c->o.threads;
	}
	return choose_tiles(g, single, cx, c->o.threads);
}

static int same_shape(const struct tp_conv *, const struct tp_tensor *);

double
tp_conv_cost(struct tp_conv *c, const struct tp_tensor *x, int method)
{
	struct geom g;
	struct tp_tensor out;

	if (tp_conv_out_header(c, x, &out) != NULL)
		return INFINITY;	/* the signal does not fit the kernel */
	if (!same_shape(c, x))	/* prepared state is for another shape */
		drop_state(c);
	c->cdt = out.dtype;
	return method_cost(c, x, method, &g);
}

/* Choose the method and set c->g for signal x. */
static void
choose_method(struct tp_conv *c, const struct tp_tensor *x)
{
	struct geom gd;

	c->cost[TP_METHOD_FFT] = c->cost[TP_METHOD_DIRECT] = 0;
	if (c->o.method == TP_METHOD_DIRECT) {
		c->cost[TP_METHOD_DIRECT] = method_cost(c, x, TP_METHOD_DIRECT,
		    &c->g);
		return;
	}
	c->cost[TP_METHOD_FFT] = method_cost(c, x, TP_METHOD_FFT, &c->g);
	if (getenv("TPIPE_CONV_TILES") != NULL &&
	    *getenv("TPIPE_CONV_TILES") != '\0') {
		/* for measuring the cost model: tile lengths, 0 = whole */
		size_t T[TP_MAXDIM] = { 0 };
		char *p = getenv("TPIPE_CONV_TILES"), *e;
		int a, single = c->cdt == TP_F4 || c->cdt == TP_C8;

		for (a = 0; a < c->g.k && *p != '\0'; a++, p = e + (*e == ',')) {
			T[a] = strtoul(p, &e, 10);
			if (T[a] != 0 && (T[a] < c->g.ax[a].m ||
			    T[a] >= c->g.ax[a].Lwhole))
				T[a] = 0;
		}
		c->cost[TP_METHOD_FFT] = tile_cost(&c->g, T, single,
		    tp_dtype_is_complex(c->cdt), c->o.threads);
		return;
	}
	if (c->o.method == TP_METHOD_FFT)
		return;
	c->cost[TP_METHOD_DIRECT] = method_cost(c, x, TP_METHOD_DIRECT, &gd);
	if (c->cost[TP_METHOD_DIRECT] < c->cost[TP_METHOD_FFT])
		c->g = gd;
}

/*
 * The outputs that a non-finite input reaches: out[o] is marked when the
 * kernel's window over the extended signal, positions o .. o+m-1 on each
 * axis (see the top of the file), holds a sample marked in bad[] (one
 * byte per signal element, all batch elements).  Returns nb * nout bytes.
 */
static unsigned char *
nan_mask(const struct tp_conv *c, const unsigned char *bad)
{
	const struct geom *g = &c->g;
	int a, k = g->k;
	size_t dims[TP_MAXDIM], sstr[TP_MAXDIM], idx[TP_MAXDIM];
	size_t ne = 1, b, i, q, o, in, t;
	ptrdiff_t *map[TP_MAXDIM];
	unsigned char *mask = tp_emalloc(g->nb * g->nout), *cur, *next;

	sstr[k - 1] = 1;
	for (a = k - 1; a > 0; a--)
		sstr[a - 1] = sstr[a] * g->ax[a].n;
	for (a = 0; a < k; a++) {
		const struct axis *ax = &g->ax[a];
		ptrdiff_t pl = (ptrdiff_t)(ax->m - 1 - ax->s0), p;

		dims[a] = ax->lout + ax->m - 1;
		ne *= dims[a];
		map[a] = tp_emalloc(dims[a] * sizeof *map[a]);
		for (p = 0; p < (ptrdiff_t)dims[a]; p++)
			map[a][p] = bmap(p - pl, (ptrdiff_t)ax->n, g->bnd);
	}
	for (b = 0; b < g->nb; b++) {
		size_t d[TP_MAXDIM];

		cur = tp_emalloc(ne);
		memset(idx, 0, sizeof idx);
		for (i = 0; i < ne; i++) {
			ptrdiff_t src = 0;

			for (a = 0; a < k && src >= 0; a++)
				src = map[a][idx[a]] < 0 ? -1 :
				    src + map[a][idx[a]] * (ptrdiff_t)sstr[a];
			cur[i] = src >= 0 && bad[b * g->nin + (size_t)src];
			for (a = k - 1; a >= 0; a--) {
				if (++idx[a] < dims[a])
					break;
				idx[a] = 0;
			}
		}
		/* a sliding OR of width m along each axis in turn */
		memcpy(d, dims, sizeof d);
		for (a = 0; a < k; a++) {
			size_t outer = 1, inner = 1, m = g->ax[a].m;
			size_t lo = g->ax[a].lout, len = d[a];

			for (t = 0; t < (size_t)a; t++)
				outer *= d[t];
			for (t = a + 1; t < (size_t)k; t++)
				inner *= d[t];
			next = tp_emalloc(outer * lo * inner + 1);
			for (o = 0; o < outer; o++)
				for (in = 0; in < inner; in++) {
					const unsigned char *l = cur +
					    o * len * inner + in;
					unsigned char *r = next + o * lo * inner +
					    in;
					size_t cnt = 0;

					for (q = 0; q + 1 < m; q++)
						cnt += l[q * inner];
					for (q = 0; q < lo; q++) {
						cnt += l[(q + m - 1) * inner];
						r[q * inner] = cnt > 0;
						cnt -= l[q * inner];
					}
				}
			free(cur);
			cur = next;
			d[a] = lo;
		}
		memcpy(mask + b * g->nout, cur, g->nout);
		free(cur);
	}
	for (a = 0; a < k; a++)
		free(map[a]);
	return mask;
}

static int
same_shape(const struct tp_conv *c, const struct tp_tensor *x)
{
	return c->ready && c->xndim == x->ndim &&
	    c->cdt == compute_dtype(c, x->dtype) &&
	    memcmp(c->xshape, x->shape, x->ndim * sizeof x->shape[0]) == 0;
}

void
tp_conv_run(struct tp_conv *c, const struct tp_tensor *x,
    struct tp_tensor *out)
{
	const char *why;
	struct tp_tensor xc;
	void *xd;
	unsigned char *mask = NULL;
	size_t nbad;
	int single;

	if ((why = tp_conv_out_header(c, x, out)) != NULL)
		tp_die("%s", why);
	out->data = tp_big_alloc(out->nbytes);	/* every element is written */
	if (out->count == 0)			/* nothing to plan or compute */
		return;
	if (!same_shape(c, x)) {
		drop_state(c);
		c->cdt = out->dtype;
		c->xndim = x->ndim;
		memcpy(c->xshape, x->shape, x->ndim * sizeof x->shape[0]);
		choose_method(c, x);
		c->ready = 1;
		c->last = c->g.method;
		if (c->last == TP_METHOD_FFT && c->g.ntiles > 1)
			c->last = TP_METHOD_OVERLAP;
	}
	if (out->count == 0)
		return;
	single = c->cdt == TP_F4 || c->cdt == TP_C8;
	if (c->kbad) {
		if (single)
			set_nan_f(out->data, NULL, out->count, c->g.es);
		else
			set_nan_d(out->data, NULL, out->count, c->g.es);
		return;
	}
	xc.data = NULL;
	if (x->dtype != c->cdt)
		xc = tp_converted(x, c->cdt);
	xd = xc.data != NULL ? xc.data : x->data;
	nbad = single ? count_bad_f(xd, x->count * c->g.es) :
	    count_bad_d(xd, x->count * c->g.es);
	if (nbad > 0) {
		/* compute on the finite values, then NaN where a
		 * non-finite one is in the kernel's window */
		unsigned char *bad = tp_emalloc(x->count);

		if (xc.data == NULL)
			xc = tp_converted(x, c->cdt);
		if (xc.data == x->data)
			tp_die("internal error: no copy");
		xd = xc.data;
		if (single)
			clean_f(xd, x->count, c->g.es, bad);
		else
			clean_d(xd, x->count, c->g.es, bad);
		mask = nan_mask(c, bad);
		free(bad);
	}
	if (single)
		run_f(c, xd, out->data);
	else
		run_d(c, xd, out->data);
	if (mask != NULL) {
		if (single)
			set_nan_f(out->data, mask, out->count, c->g.es);
		else
			set_nan_d(out->data, mask, out->count, c->g.es);
		free(mask);
	}
	if (xc.data != NULL)
		tp_free(&xc);
}

void
tp_convolve(const struct tp_tensor *x, const struct tp_tensor *k,
    const struct tp_conv_opts *o, struct tp_tensor *out)
{
	const char *why;
	struct tp_conv *c = tp_conv_new(k, o, &why);

	if (c == NULL)
		tp_die("%s", why);
	tp_conv_run(c, x, out);
	tp_conv_free(c);
}
