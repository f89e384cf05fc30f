/*
 * conv.c - N-D convolution and correlation (conv.h): options, the
 * kernel, output shapes, the geometry of each method, the cost model of
 * --method auto, non-finite inputs, and the run.  The paths over the
 * samples are in conv_path.c; conv_impl.h describes the geometry.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "fft.h"
#include "conv.h"
#include "conv_impl.h"

const struct tp_choice tp_conv_modes[] = {
	{ "full", TP_CONV_FULL }, { "same", TP_CONV_SAME },
	{ "valid", TP_CONV_VALID }, { NULL, 0 }
};
const struct tp_choice tp_conv_boundaries[] = {
	{ "zero", TP_BND_ZERO }, { "wrap", TP_BND_WRAP },
	{ "reflect", TP_BND_REFLECT }, { "mirror", TP_BND_MIRROR },
	{ "nearest", TP_BND_NEAREST }, { NULL, 0 }
};
const struct tp_choice tp_conv_methods[] = {
	{ "auto", TP_METHOD_AUTO }, { "fft", TP_METHOD_FFT },
	{ "direct", TP_METHOD_DIRECT }, { NULL, 0 }
};
const struct tp_choice tp_conv_ops[] = {
	{ "conv", 0 }, { "corr", 1 }, { NULL, 0 }
};

const char *
tp_conv_method_name(int m)
{
	const char *w = tp_choice_word(tp_conv_methods, m);

	return w ? w : m == TP_METHOD_OVERLAP ? "overlap-save" : "?";
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

/* --- the kernel -------------------------------------------------------- */

tp_why
tp_conv_new(struct tp_conv **cp, const struct tp_tensor *k,
    const struct tp_conv_opts *o, struct tp_msg *msg)
{
	struct tp_conv *c;
	struct tp_tensor kd;
	size_t i, j, src, idx[TP_MAXDIM];
	int a, kdim = k->ndim == 0 ? 1 : k->ndim;
	size_t stride[TP_MAXDIM];
	char sh[128];

	*cp = NULL;
	if (k->count == 0)
		return tp_msgf(msg, "the kernel is empty: shape %s",
		    tp_shape_str(k, sh, sizeof sh));
	if (o->ncorr != 0 && o->ncorr != 1 && o->ncorr != kdim)
		return tp_msgf(msg, "%d ops for a kernel of %d ax%s: give one, "
		    "or one per axis", o->ncorr, kdim, kdim == 1 ? "is" : "es");
	c = tp_ecalloc(1, sizeof *c);
	c->o = *o;
	if (c->o.threads < 1)
		c->o.threads = 1;
	c->kdim = kdim;
	for (a = 0; a < c->kdim; a++)
		c->m[a] = k->ndim == 0 ? 1 : k->shape[a];
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
	c->knre = tp_dtype_is_complex(k->dtype) ? 2 : 1;
	kd = tp_converted(k, c->knre == 2 ? TP_C16 : TP_F8);
	c->hd = tp_emalloc(c->mcount * c->knre * sizeof(double));
	stride[c->kdim - 1] = 1;
	for (a = c->kdim - 1; a > 0; a--)
		stride[a - 1] = stride[a] * c->m[a];
	/* h'[i] = k[i with the corr axes reversed], conjugated if all corr;
	 * the index tuple of i counted up (no division per element) */
	memset(idx, 0, sizeof idx);
	for (i = 0; i < c->mcount; i++) {
		src = 0;
		for (a = 0; a < c->kdim; a++) {
			j = c->o.corr[a] ? c->m[a] - 1 - idx[a] : idx[a];
			src += j * stride[a];
		}
		for (a = c->kdim - 1; a >= 0; a--) {
			if (++idx[a] < c->m[a])
				break;
			idx[a] = 0;
		}
		if (c->knre == 1) {
			c->hd[i] = ((double *)kd.data)[src];
		} else {
			c->hd[2 * i] = ((double *)kd.data)[2 * src];
			c->hd[2 * i + 1] = ((double *)kd.data)[2 * src + 1] *
			    (c->allcorr ? -1 : 1);
		}
	}
	for (i = 0; i < c->mcount * c->knre; i++)
		if (!isfinite(c->hd[i]))
			c->kbad = 1;
	tp_free(&kd);
	*cp = c;
	return NULL;
}

/* Forget the state made for the last signal shape. */
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
	/* the estimates the model made (none for a forced method) */
	for (a = TP_METHOD_FFT; a <= TP_METHOD_DIRECT && n < len; a++)
		if (c->cost[a] > 0)
			n += snprintf(buf + n, len - n, "%s%s %.3g s",
			    a == TP_METHOD_FFT || c->cost[TP_METHOD_FFT] == 0 ?
			    " (model: " : ", ", tp_conv_method_name(a),
			    c->cost[a]);
	if (n < len && (c->cost[TP_METHOD_FFT] > 0 ||
	    c->cost[TP_METHOD_DIRECT] > 0))
		n += snprintf(buf + n, len - n, ")");
	if (c->last == TP_METHOD_DIRECT || n >= len)
		return buf;
	for (a = 0; a < c->g.nax && n < len; a++)
		n += snprintf(buf + n, len - n, "%s%zu%s", a ? "x" : " length ",
		    c->g.ax[a].L, c->g.ax[a].whole ? "" : "(tiled)");
	if (n < len && conv_2d_fits(&c->g))
		n += snprintf(buf + n, len - n, ", passes over rows, column "
		    "blocks, rows");
	else if (n < len)
		n += snprintf(buf + n, len - n, ", %zu tile%s per batch "
		    "element, %s", c->g.ntiles, c->g.ntiles == 1 ? "" : "s",
		    c->g.par ? "tiles in parallel" : "threaded transforms");
	if (n < len && tp_fft_plan_mode() != TP_PLAN_ESTIMATE)
		snprintf(buf + n, len - n, ", plans %s", c->wisdom ?
		    "from wisdom" : "measured");
	return buf;
}

/* The compute dtype for a signal of dtype t. */
static enum tp_dtype
compute_dtype(const struct tp_conv *c, enum tp_dtype t)
{
	int single;
	int cx = c->knre == 2 || tp_dtype_is_complex(t);

	if (c->o.dtype == TP_F4 || c->o.dtype == TP_F8)
		single = c->o.dtype == TP_F4;
	else
		single = t == TP_F4 || t == TP_C8 || t == TP_F2;
	if (cx)
		return single ? TP_C8 : TP_C16;
	return single ? TP_F4 : TP_F8;
}

tp_why
tp_conv_out_header(const struct tp_conv *c, const struct tp_tensor *x,
    struct tp_tensor *out, struct tp_msg *msg)
{
	size_t shape[TP_MAXDIM];
	int a, nbd = x->ndim - c->kdim;
	char s1[128];
	struct tp_msg sm;

	if (x->ndim < c->kdim)
		return tp_msgf(msg, "the kernel has %d ax%s but the signal %s "
		    "has %d", c->kdim, c->kdim == 1 ? "is" : "es",
		    tp_shape_str(x, s1, sizeof s1), x->ndim);
	for (a = 0; a < x->ndim; a++) {
		size_t n = x->shape[a], m;

		shape[a] = n;
		if (a < nbd)
			continue;
		m = c->m[a - nbd];
		switch (c->o.mode) {
		case TP_CONV_FULL:
			if (n != 0 && n > SIZE_MAX - (m - 1))
				return tp_msgf(msg, "the output shape "
				    "overflows: axis %d of the signal has %zu "
				    "and the kernel %zu", a, n, m);
			shape[a] = n == 0 ? 0 : n + m - 1;
			break;
		case TP_CONV_SAME:
			break;
		case TP_CONV_VALID:
			if (n < m)
				return tp_msgf(msg, "valid mode needs the "
				    "signal at least as large as the kernel, "
				    "but on axis %d the signal has %zu and the "
				    "kernel %zu", a, n, m);
			shape[a] = n - m + 1;
			break;
		}
	}
	memset(out, 0, sizeof *out);
	out->dtype = compute_dtype(c, x->dtype);
	if (tp_set_shape(out, x->ndim, shape, &sm) != NULL)
		return tp_msgf(msg, "the output shape %s overflows",
		    tp_shape_str(x, s1, sizeof s1));
	return NULL;
}

/*
 * The geometry for signal x and method: n, m, lout, s0 from the mode;
 * pl, in, s, L from the method (see the top of the file).
 */
static void
geometry(struct tp_conv *c, const struct tp_tensor *x, int method,
    struct conv_geom *g)
{
	int a, nbd = x->ndim - c->kdim;

	memset(g, 0, sizeof *g);
	g->nax = c->kdim;
	g->nb = 1;
	for (a = 0; a < nbd; a++)
		g->nb *= x->shape[a];
	g->nre = tp_dtype_is_complex(c->cdt) ? 2 : 1;
	g->rsz = c->cdt == TP_F4 || c->cdt == TP_C8 ? sizeof(float) :
	    sizeof(double);
	g->bnd = c->o.boundary;
	g->method = method;
	g->nin = g->nout = 1;
	for (a = 0; a < g->nax; a++) {
		struct conv_axis *ax = &g->ax[a];

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
			ax->L = tp_fft_fast_len(g->nre == 2 ? TP_FFT_FWD :
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
 * conv_2d.c's passes (real data on two whole axes) work on lines in
 * cache: per n log2 n of one line of n points, f32, ESTIMATE plans, one
 * thread, measured on lines of 256 to 4320 points (a real line is half
 * of a complex one of its length, and its packing); f64 lines take
 * COST_LINE_F64 times as long, and lines of 2^i points COST_LINE_POW2
 * of the time.  COST_2D_POINT covers, per point of the buffer, the
 * fills, gathers, scatters and copies and the first touch of the
 * buffers (f64: twice); COST_2D_RUN the three passes' start.
 */
#define COST_LINE_C2C 0.18e-9
#define COST_LINE_R2C 0.10e-9
#define COST_LINE_F64 1.6
#define COST_LINE_POW2 0.6
#define COST_2D_POINT 4.7e-9
#define COST_2D_RUN 30e-6

/* One line of n points, complex (cx) or real, as above. */
static double
line_cost(double n, int cx, int single)
{
	size_t in = (size_t)n;
	double t = (cx ? COST_LINE_C2C : COST_LINE_R2C) * n *
	    log2(n > 2 ? n : 2);

	if ((in & (in - 1)) == 0)
		t *= COST_LINE_POW2;
	return single ? t : t * COST_LINE_F64;
}

/* The cost of conv_2d.c's path for g: the rows that hold signal forward
 * and those that hold outputs back, three column transforms per column
 * (the signal's, the kernel's and the inverse; a stream's later records
 * read the kernel's), and the passes. */
static double
cost_2d(const struct conv_geom *g, int single, int threads)
{
	const struct conv_axis *a0 = &g->ax[0], *a1 = &g->ax[1];
	double L0 = (double)a0->L, L1 = (double)a1->L;
	double B = CONV_2D_RUN / (single ? 8 : 16);
	double cols = ceil((L1 / 2 + 1) / B) * B;
	double live = (double)(a0->in < a0->L ? a0->in : a0->L);
	double t = (live + (double)a0->lout) * line_cost(L1, 0, single) +
	    3 * cols * line_cost(L0, 1, single) + L0 * 2 * cols *
	    COST_2D_POINT * (single ? 1 : 2);

	return (double)g->nb * (t / threads + COST_2D_RUN);
}

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
	double t = COST_FFT * reals * log2(n > 2 ? n : 2), f = 1;
	int i;

	if (!pow2)
		t *= COST_NOT_POW2;
	for (i = 1; i < 7; i++)
		if (lb < grow[i][0]) {
			if (lb > grow[i - 1][0])
				f = grow[i - 1][1] + (grow[i][1] -
				    grow[i - 1][1]) * (lb - grow[i - 1][0]) /
				    (grow[i][0] - grow[i - 1][0]);
			break;
		}
	return t * f + COST_PASS * reals / 2;
}

/*
 * The FFT path's cost with tile lengths tile[a] (0: the whole axis);
 * sets the axes' L, step, ntile, whole and g->par, g->ntiles.
 */
static double
tile_cost(struct conv_geom *g, const size_t *tile, int single, int cx,
    int threads)
{
	double n = 1, items = (double)g->nb, one, seq, par, rounds;
	int a, p2 = 1;

	g->ntiles = 1;
	for (a = 0; a < g->nax; a++) {
		struct conv_axis *ax = &g->ax[a];

		if (tile[a] == 0) {
			ax->whole = 1;
			ax->L = ax->Lwhole;
			ax->step = ax->lout;
			ax->ntile = 1;
		} else {
			ax->whole = 0;
			ax->L = tile[a];
			ax->step = tile[a] - ax->m + 1;
			ax->ntile = (ax->lout + ax->step - 1) / ax->step;
		}
		n *= (double)ax->L;
		g->ntiles *= ax->ntile;
		if (ax->L & (ax->L - 1))
			p2 = 0;
	}
	items *= (double)g->ntiles;
	if (g->ntiles == 1 && g->nax == 2 && !cx) {	/* conv_2d.c */
		g->par = 0;
		return cost_2d(g, single, threads);
	}
	rounds = ceil(items / threads);
	par = rounds * (2 * tf_cost(n, p2, single, cx) + COST_ITEM);
	seq = items * (2 * tf_cost(n, p2, single, cx) /
	    (threads > 1 ? FFTW_SPEEDUP : 1) + COST_ITEM);
	g->par = threads > 1 && items >= threads;
	one = tf_cost(n, p2, single, cx) / (threads > 1 ? FFTW_SPEEDUP : 1);
	return (g->par ? par : seq) + one;
}

/*
 * The tile model above prices tiles of 2^i points higher, against
 * conv_2d.c's model of the whole, than they run: in CPU time, 2048^2 *
 * 31^2 took 35 ms in 128^2 tiles and 44 ms in the passes (the models:
 * 65 and 44), 4096^2 * 255^2 took 333 ms in 1024^2 tiles and 190 ms in
 * the passes (468 and 190).  Tiles are weighed by this factor when
 * they compete with the passes; the method's cost stays the model's.
 */
#define TILES_VS_2D 0.6

/* Choose the tiles of the FFT path for g (see tile_cost); returns the
 * cost.  Tiles are tried on up to 3 axes; more axes are transformed
 * whole. */
static double
choose_tiles(struct conv_geom *g, int single, int cx, int threads)
{
	size_t cand[3][16] = { { 0 } }, tile[TP_MAXDIM] = { 0 };
	size_t best[TP_MAXDIM] = { 0 };
	int nc[3] = { 1, 1, 1 }, a, i0, i1, i2, whole2d;
	double cost, best_cost;

	/* tile lengths 2^i: in-place transforms of other lengths take
	 * FFTW's buffered (slower) path */
	for (a = 0; a < g->nax && a < 3 && g->nax <= 3; a++) {
		struct conv_axis *ax = &g->ax[a];
		size_t lo = 2 * ax->m < 32 ? 32 : 2 * ax->m, p;

		for (p = 32; p < ax->Lwhole && nc[a] < 16; p *= 2)
			if (p >= lo)
				cand[a][nc[a]++] = p;
	}
	best_cost = tile_cost(g, tile, single, cx, threads);
	whole2d = g->nax == 2 && !cx;
	for (i0 = 0; i0 < nc[0]; i0++)
		for (i1 = 0; i1 < nc[1]; i1++)
			for (i2 = 0; i2 < nc[2]; i2++) {
				tile[0] = cand[0][i0];
				tile[1] = g->nax > 1 ? cand[1][i1] : 0;
				tile[2] = g->nax > 2 ? cand[2][i2] : 0;
				if (g->nax > 3)
					continue;
				cost = tile_cost(g, tile, single, cx, threads);
				/* weighed against conv_2d.c's passes */
				if (whole2d && (tile[0] || tile[1]))
					cost *= TILES_VS_2D;
				if (cost < best_cost) {
					best_cost = cost;
					memcpy(best, tile, sizeof tile);
				}
			}
	return tile_cost(g, best, single, cx, threads);
}

/* The cost model's time for method on signal x; sets g to its geometry
 * (and, for the FFT path, the tiles the model chose). */
static double
method_cost(struct tp_conv *c, const struct tp_tensor *x, int method,
    struct conv_geom *g)
{
	int single = c->cdt == TP_F4 || c->cdt == TP_C8;
	int cx = tp_dtype_is_complex(c->cdt);
	double macs;

	geometry(c, x, method, g);
	if (method == TP_METHOD_DIRECT) {
		/* the sums run over whole blocks of 32 (f32) or 16 (f64)
		 * outputs per row, on rows of the extended signal that are
		 * filled first (conv_typed.h, CT_BLK) */
		const struct conv_axis *last = &g->ax[g->nax - 1];
		double blk = single ? 32 : 16, rows = 1, orows, padded, fill;
		int a;

		for (a = 0; a < g->nax - 1; a++)
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
	struct conv_geom g;
	struct tp_tensor out;
	struct tp_msg msg;

	if (tp_conv_out_header(c, x, &out, &msg) != NULL)
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
	struct conv_geom gd;

	c->cost[TP_METHOD_FFT] = c->cost[TP_METHOD_DIRECT] = 0;
	if (c->o.method == TP_METHOD_DIRECT) {
		c->cost[TP_METHOD_DIRECT] = method_cost(c, x, TP_METHOD_DIRECT,
		    &c->g);
		return;
	}
	c->cost[TP_METHOD_FFT] = method_cost(c, x, TP_METHOD_FFT, &c->g);
	if (c->o.ntile > 0) {
		/* for measuring the cost model: forced tile lengths */
		size_t tile[TP_MAXDIM] = { 0 };
		int a, single = c->cdt == TP_F4 || c->cdt == TP_C8;

		for (a = 0; a < c->g.nax && a < c->o.ntile; a++)
			if (c->o.tile[a] >= c->g.ax[a].m &&
			    c->o.tile[a] < c->g.ax[a].Lwhole)
				tile[a] = c->o.tile[a];
		c->cost[TP_METHOD_FFT] = tile_cost(&c->g, tile, single,
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
	const struct conv_geom *g = &c->g;
	int a, nax = g->nax;
	size_t dims[TP_MAXDIM], sstr[TP_MAXDIM], idx[TP_MAXDIM];
	size_t ne = 1, b, i, q, o, in, t;
	ptrdiff_t *map[TP_MAXDIM];
	unsigned char *mask = tp_emalloc(g->nb * g->nout), *cur, *next;

	sstr[nax - 1] = 1;
	for (a = nax - 1; a > 0; a--)
		sstr[a - 1] = sstr[a] * g->ax[a].n;
	for (a = 0; a < nax; a++) {
		const struct conv_axis *ax = &g->ax[a];
		ptrdiff_t pl = (ptrdiff_t)(ax->m - 1 - ax->s0), p;

		dims[a] = ax->lout + ax->m - 1;
		ne *= dims[a];
		map[a] = tp_emalloc(dims[a] * sizeof *map[a]);
		for (p = 0; p < (ptrdiff_t)dims[a]; p++)
			map[a][p] = conv_bmap(p - pl, (ptrdiff_t)ax->n, g->bnd);
	}
	for (b = 0; b < g->nb; b++) {
		size_t d[TP_MAXDIM];

		cur = tp_emalloc(ne);
		memset(idx, 0, sizeof idx);
		for (i = 0; i < ne; i++) {
			ptrdiff_t src = 0;

			for (a = 0; a < nax && src >= 0; a++)
				src = map[a][idx[a]] < 0 ? -1 :
				    src + map[a][idx[a]] * (ptrdiff_t)sstr[a];
			cur[i] = src >= 0 && bad[b * g->nin + (size_t)src];
			for (a = nax - 1; a >= 0; a--) {
				if (++idx[a] < dims[a])
					break;
				idx[a] = 0;
			}
		}
		/* a sliding OR of width m along each axis in turn */
		memcpy(d, dims, sizeof d);
		for (a = 0; a < nax; a++) {
			size_t outer = 1, inner = 1, m = g->ax[a].m;
			size_t lo = g->ax[a].lout, len = d[a];

			for (t = 0; t < (size_t)a; t++)
				outer *= d[t];
			for (t = a + 1; t < (size_t)nax; t++)
				inner *= d[t];
			next = tp_emalloc(outer * lo * inner + 1);
			for (o = 0; o < outer; o++)
				for (in = 0; in < inner; in++) {
					const unsigned char *l = cur +
					    o * len * inner + in;
					unsigned char *r = next +
					    o * lo * inner + in;
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
	for (a = 0; a < nax; a++)
		free(map[a]);
	return mask;
}

/* Whether the state made for the last signal fits x (shape and compute
 * dtype). */
static int
same_shape(const struct tp_conv *c, const struct tp_tensor *x)
{
	return c->ready && c->xndim == x->ndim &&
	    c->cdt == compute_dtype(c, x->dtype) &&
	    memcmp(c->xshape, x->shape, x->ndim * sizeof x->shape[0]) == 0;
}

/*
 * The output header and data of c for signal x in out, and c's method
 * and path state for x's shape (none for a kernel with a NaN or
 * infinity: its output is all NaN).  Returns 0 when the output is
 * empty: nothing to compute.
 */
static int
prepare(struct tp_conv *c, const struct tp_tensor *x, struct tp_tensor *out)
{
	const char *why;
	struct tp_msg msg;

	if ((why = tp_conv_out_header(c, x, out, &msg)) != NULL)
		tp_die("%s", why);
	out->data = tp_big_alloc(out->nbytes);	/* every element is written */
	if (out->count == 0)			/* nothing to plan or compute */
		return 0;
	if (!same_shape(c, x)) {
		drop_state(c);
		c->cdt = out->dtype;
		c->ops = c->cdt == TP_F4 || c->cdt == TP_C8 ? &conv_ops_f :
		    &conv_ops_d;
		c->xndim = x->ndim;
		memcpy(c->xshape, x->shape, x->ndim * sizeof x->shape[0]);
		choose_method(c, x);
		c->ready = 1;
		c->last = c->g.method;
		if (c->last == TP_METHOD_FFT && c->g.ntiles > 1)
			c->last = TP_METHOD_OVERLAP;
	}
	if (c->kbad || c->st != NULL)
		return 1;
	if (conv_2d_fits(&c->g)) {
		c->st = conv_2d_setup(c);
		c->st_free = conv_2d_free;
		tp_fft_save_wisdom();
	} else {
		conv_path_setup(c);
	}
	return 1;
}

/* Whether engines a and b compute on one geometry: the options that
 * shape it and the kernel's shape and kind. */
static int
same_geometry(const struct tp_conv *a, const struct tp_conv *b)
{
	return a->o.mode == b->o.mode && a->o.boundary == b->o.boundary &&
	    a->o.method == b->o.method && a->o.dtype == b->o.dtype &&
	    a->o.threads == b->o.threads && a->o.ntile == b->o.ntile &&
	    memcmp(a->o.tile, b->o.tile, sizeof a->o.tile) == 0 &&
	    a->kdim == b->kdim && a->knre == b->knre &&
	    memcmp(a->m, b->m, (size_t)a->kdim * sizeof a->m[0]) == 0;
}

void
tp_conv_run_many(struct tp_conv *const *cs, size_t n,
    const struct tp_tensor *x, struct tp_tensor *outs)
{
	struct tp_conv *c, **live;
	struct tp_tensor xc;
	char **od;
	void *xd;
	unsigned char *mask = NULL;
	size_t i, nl = 0;
	int nre, any = 0, one = 1;

	if (n == 0)
		return;
	c = cs[0];
	for (i = 1; i < n; i++)
		if (!same_geometry(c, cs[i]))
			tp_die("internal error: tp_conv_run_many: engine %zu "
			    "differs from engine 0 in its options or its "
			    "kernel's shape", i);
	for (i = 0; i < n; i++)
		any = prepare(cs[i], x, &outs[i]);
	if (!any)		/* the outputs are empty (all alike) */
		return;
	live = tp_emalloc(n * sizeof *live);
	od = tp_emalloc(n * sizeof *od);
	nre = c->g.nre;
	for (i = 0; i < n; i++)
		if (cs[i]->kbad) {
			cs[i]->ops->set_nan(outs[i].data, NULL, outs[i].count,
			    nre);
		} else {
			live[nl] = cs[i];
			od[nl++] = outs[i].data;
		}
	xc.data = NULL;
	if (nl > 0 && x->dtype != c->cdt)
		xc = tp_converted(x, c->cdt);
	xd = xc.data != NULL ? xc.data : x->data;
	if (nl > 0 && c->ops->count_bad(xd, x->count * nre) > 0) {
		/* compute on the finite values, then NaN where a
		 * non-finite one is in the kernel's window */
		unsigned char *bad = tp_emalloc(x->count);

		if (xc.data == NULL)
			xc = tp_converted(x, c->cdt);
		xd = xc.data;
		c->ops->clean(xd, x->count, nre, bad);
		mask = nan_mask(c, bad);
		free(bad);
	}
	/* one geometry gives one method; each engine alone otherwise */
	for (i = 1; i < nl; i++)
		if (live[i]->g.method != live[0]->g.method ||
		    live[i]->g.ntiles != live[0]->g.ntiles)
			one = 0;
	for (i = 0; i < nl; i++)
		if (conv_2d_fits(&live[i]->g))
			conv_2d_run(live[i], xd, od[i]);
		else if (one)
			break;
		else
			conv_path_run(live[i], xd, od[i]);
	if (one && i < nl)
		conv_path_run_many(live, nl, xd, od);
	for (i = 0; mask != NULL && i < nl; i++)
		c->ops->set_nan(od[i], mask, outs[0].count, nre);
	free(mask);
	free(live);
	free(od);
	if (xc.data != NULL)
		tp_free(&xc);
}

void
tp_conv_run(struct tp_conv *c, const struct tp_tensor *x,
    struct tp_tensor *out)
{
	tp_conv_run_many(&c, 1, x, out);
}

void
tp_convolve(const struct tp_tensor *x, const struct tp_tensor *k,
    const struct tp_conv_opts *o, struct tp_tensor *out)
{
	struct tp_msg msg;
	struct tp_conv *c;
	const char *why = tp_conv_new(&c, k, o, &msg);

	if (why != NULL)
		tp_die("%s", why);
	tp_conv_run(c, x, out);
	tp_conv_free(c);
}
