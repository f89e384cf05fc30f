/*
 * spectrum.c - numpy.fft's and scipy.fft's transforms along axes, with
 * windows, shifts, norms and views, on FFTW plans kept per shape
 * (spectrum.h): the options, a record's layout, the plans and the run.
 * The passes over the data are spectrum_data.c's.
 */
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "fft.h"
#include "spectrum_impl.h"

#define NCACHE 8	/* plans kept: a stream rarely has more shapes */

/* A plan and what it was made for: kind along axes of an array of
 * shape (the logical lengths, tp_fft_axes_new's). */
struct cached_plan {
	enum tp_fft_kind kind;
	int single, nd, naxes;
	size_t shape[TP_MAXDIM];
	int axes[TP_MAXDIM];
	int full;		/* R2C into the full layout (placed) */
	struct tp_fft_axes *plan;
};

struct tp_spectrum {
	struct tp_spectrum_opts o;
	/* the current record, from tp_spectrum_out_header */
	int valid;
	int ndim;
	size_t shape[TP_MAXDIM];	/* the record's */
	size_t tin[TP_MAXDIM];		/* the transform's input */
	size_t tout[TP_MAXDIM];		/* the transform's output */
	size_t n[TP_MAXDIM];		/* logical length of a transformed
					 * axis (the real side's for r2c) */
	int naxes, axes[TP_MAXDIM];	/* transformed axes, ascending */
	unsigned char on[TP_MAXDIM];
	int win[TP_MAXDIM];		/* window of each axis, or -1 */
	int halved;			/* rfftn's/irfftn's half axis, or -1 */
	int fill;			/* fftn/ifftn of real input: the axis
					 * r2c halves, whose other half is
					 * filled by symmetry; or -1 */
	enum tp_fft_kind kind;
	int single, cin, cout;		/* complex transform input, output */
	enum tp_dtype cd;		/* the dtype run wants */
	const char *how;		/* "new plan", "plan reused" */
	const struct tp_fft_axes *plan;	/* the last record's */
	int placed;			/* its r2c half is in the full
					 * layout (fill only) */
	int threads;			/* of the passes */
	void *reserved;			/* transform's output, mapped ahead
					 * (tp_spectrum_reserve), or NULL */
	int ahead;			/* a plan is being made on the
					 * background thread
					 * (tp_spectrum_plan_ahead) */
	int ahead_new;			/* and it was not in the cache */
	/* the record transformed piece by piece as it is read
	 * (tp_spectrum_stream): its buffer of sbytes, the bytes read so
	 * far (arrived), and once the job has planned (planned raised to
	 * 1) the plan's npieces pieces of piece bytes, the next one to
	 * take (atomic), and how many the job took during the read
	 * (early) */
	int streaming, read_done;
	size_t pieces_run;		/* pieces run as read, or 0 */
	char *sdata;
	size_t sbytes;
	struct tp_gate *arrived, *planned;
	const struct tp_fft_axes *splan;
	size_t npieces, piece, next_piece, early;
	struct cached_plan cache[NCACHE];
	int ncache, next;
};

/* --- words ---------------------------------------------------------------- */

const struct tp_choice tp_spec_fns[] = {
	{ "fftn", TP_SPEC_FFT }, { "ifftn", TP_SPEC_IFFT },
	{ "rfftn", TP_SPEC_RFFT }, { "irfftn", TP_SPEC_IRFFT },
	{ "dctn", TP_SPEC_DCT }, { "idctn", TP_SPEC_IDCT },
	{ "dstn", TP_SPEC_DST }, { "idstn", TP_SPEC_IDST },
	{ "fft", TP_SPEC_FFT | TP_SPEC_LAST1 },
	{ "ifft", TP_SPEC_IFFT | TP_SPEC_LAST1 },
	{ "rfft", TP_SPEC_RFFT | TP_SPEC_LAST1 },
	{ "irfft", TP_SPEC_IRFFT | TP_SPEC_LAST1 },
	{ "dct", TP_SPEC_DCT | TP_SPEC_LAST1 },
	{ "idct", TP_SPEC_IDCT | TP_SPEC_LAST1 },
	{ "dst", TP_SPEC_DST | TP_SPEC_LAST1 },
	{ "idst", TP_SPEC_IDST | TP_SPEC_LAST1 }, { NULL, 0 }
};
const struct tp_choice tp_spec_norms[] = {
	{ "backward", TP_NORM_BACKWARD }, { "ortho", TP_NORM_ORTHO },
	{ "forward", TP_NORM_FORWARD }, { NULL, 0 }
};
const struct tp_choice tp_spec_views[] = {
	{ "complex", TP_VIEW_COMPLEX }, { "real", TP_VIEW_REAL },
	{ "imag", TP_VIEW_IMAG }, { "abs", TP_VIEW_ABS },
	{ "power", TP_VIEW_POWER }, { "logpower", TP_VIEW_LOGPOWER },
	{ "phase", TP_VIEW_PHASE }, { NULL, 0 }
};
const struct tp_choice tp_windows[] = {
	{ "hann", TP_WIN_HANN }, { "hamming", TP_WIN_HAMMING },
	{ "blackman", TP_WIN_BLACKMAN }, { "tukey", TP_WIN_TUKEY },
	{ "kaiser", TP_WIN_KAISER }, { NULL, 0 }
};

int
tp_window_needs(enum tp_window_kind k)
{
	return k == TP_WIN_TUKEY ? 1 : k == TP_WIN_KAISER ? 2 : 0;
}

/* --- options ----------------------------------------------------------- */

void
tp_spectrum_opts_init(struct tp_spectrum_opts *o)
{
	memset(o, 0, sizeof *o);
	o->fn = TP_SPEC_FFT;
	o->norm = TP_NORM_BACKWARD;
	o->view = TP_VIEW_ASIS;
	o->by_axis = -1;
	o->stream = -1;
}

static int
is_r2r(enum tp_spec_fn fn)
{
	return fn >= TP_SPEC_DCT;
}

tp_why
tp_spectrum_opts_check(const struct tp_spectrum_opts *o, struct tp_msg *m)
{
	int i, j;

	if (o->type != 0 && !is_r2r(o->fn))
		return "--type is for dctn, idctn, dstn and idstn";
	if (o->type != 0 && (o->type < 1 || o->type > 4))
		return tp_msgf(m, "unknown type %d: use 1, 2, 3 or 4", o->type);
	if (o->last > 0 && o->naxes > 0)
		return "--last and --axes both choose the axes: give one";
	if (o->ns > 0 && o->naxes > 0 && o->ns != o->naxes)
		return tp_msgf(m, "-s has %d lengths for %d axes: give one "
		    "per axis", o->ns, o->naxes);
	if (o->ns > 0 && o->last > 0 && o->ns != o->last)
		return tp_msgf(m, "-s has %d lengths for --last %d: give one "
		    "per axis", o->ns, o->last);
	if (o->nwindow > 1 && (o->naxes || o->last || o->ns) &&
	    o->nwindow != (o->naxes ? o->naxes : o->last ? o->last : o->ns))
		return tp_msgf(m, "--window has %d windows for %d axes: give "
		    "one, or one per axis", o->nwindow, o->naxes ? o->naxes :
		    o->last ? o->last : o->ns);
	for (i = 0; i < o->ns; i++)
		if (o->s[i] < 1)
			return tp_msgf(m, "-s length %zu is not positive",
			    o->s[i]);
	for (i = 0; i < o->naxes; i++)
		for (j = 0; j < i; j++)
			if (o->axes[i] == o->axes[j])
				return tp_msgf(m, "axis %d is in --axes twice",
				    o->axes[i]);
	return NULL;
}

struct tp_spectrum *
tp_spectrum_new(const struct tp_spectrum_opts *o)
{
	struct tp_spectrum *sp = tp_ecalloc(1, sizeof *sp);

	sp->o = *o;
	if (sp->o.type == 0)
		sp->o.type = 2;
	sp->threads = o->threads > 0 ? o->threads : tp_fft_threads();
	return sp;
}

/* How long the job waits for a piece of the record that does not come
 * (the reader stopped, or died and waits for the job to end). */
#define PATIENCE_MS 200

/*
 * Run the pieces of the record being streamed not yet taken: on the
 * job's thread during the read (early), each only once it has arrived,
 * giving up if the read stalls (the caller's thread then takes the rest
 * after the read); on the caller's threads after it, every piece left.
 */
static void
run_pieces(struct tp_spectrum *sp, int early)
{
	size_t i, end;

	for (;;) {
		i = __atomic_load_n(&sp->next_piece, __ATOMIC_ACQUIRE);
		if (i >= sp->npieces)
			return;
		if (early) {
			end = (i + 1) * sp->piece;
			if (end > sp->sbytes)
				end = sp->sbytes;
			if (tp_gate_wait(sp->arrived, end, PATIENCE_MS) < end)
				return;
			if (!__atomic_compare_exchange_n(&sp->next_piece, &i,
			    i + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				continue;
			if (!__atomic_load_n(&sp->read_done, __ATOMIC_ACQUIRE))
				__atomic_add_fetch(&sp->early, 1,
				    __ATOMIC_RELAXED);
		} else {
			i = __atomic_fetch_add(&sp->next_piece, 1,
			    __ATOMIC_ACQ_REL);
			if (i >= sp->npieces)
				return;
		}
		tp_fft_axes_run_piece(sp->splan, i, sp->sdata);
	}
}

/* An item of tp_parallel: pieces left after the read. */
static void
piece_item(void *arg, size_t i, int tid)
{
	(void)i;
	(void)tid;
	run_pieces(arg, 0);
}

/* The record streamed, if any, no longer is: its gates go. */
static void
stream_end(struct tp_spectrum *sp)
{
	sp->streaming = 0;
	tp_gate_free(sp->arrived);
	tp_gate_free(sp->planned);
	sp->arrived = sp->planned = NULL;
}

/* Wait for the plan made ahead, if any; for a record streamed, with
 * the caller's threads taking the pieces the job has not. */
static void
ahead_wait(struct tp_spectrum *sp)
{
	int t = sp->threads > 1 ? sp->threads - 1 : 1;

	if (!sp->ahead) {
		stream_end(sp);
		return;
	}
	sp->ahead = 0;
	if (sp->streaming) {
		__atomic_store_n(&sp->read_done, 1, __ATOMIC_RELEASE);
		tp_gate_raise(sp->arrived, sp->sbytes);
		while (tp_gate_wait(sp->planned, 1, PATIENCE_MS) < 1)
			;	/* raised even when planning dies */
		if (sp->npieces > 0) {
			tp_parallel(t, (size_t)t, piece_item, sp);
			sp->pieces_run = sp->npieces;
			tp_timing_stamp("pieces left after the read run");
		}
	}
	tp_background_wait();
	stream_end(sp);
}

void
tp_spectrum_free(struct tp_spectrum *sp)
{
	if (sp == NULL)
		return;
	ahead_wait(sp);
	for (int i = 0; i < sp->ncache; i++)
		tp_fft_axes_free(sp->cache[i].plan);
	tp_prefault_wait();
	free(sp->reserved);
	free(sp);
}

/* --- a record's layout ------------------------------------------------- */

/* The FFTW kind that computes fn of this DCT/DST type (inverses are the
 * inverse type's forward transform: I and IV their own, II and III each
 * other's). */
static enum tp_fft_kind
fft_kind(enum tp_spec_fn fn, int type)
{
	static const enum tp_fft_kind dct[] = { TP_FFT_DCT1, TP_FFT_DCT2,
		TP_FFT_DCT3, TP_FFT_DCT4 };
	static const enum tp_fft_kind dst[] = { TP_FFT_DST1, TP_FFT_DST2,
		TP_FFT_DST3, TP_FFT_DST4 };
	int t = type - 1;

	if (fn == TP_SPEC_IDCT || fn == TP_SPEC_IDST)
		t = t == 1 ? 2 : t == 2 ? 1 : t;
	switch (fn) {
	case TP_SPEC_FFT:
		return TP_FFT_FWD;
	case TP_SPEC_IFFT:
		return TP_FFT_BWD;
	case TP_SPEC_RFFT:
		return TP_FFT_R2C;
	case TP_SPEC_IRFFT:
		return TP_FFT_C2R;
	case TP_SPEC_DCT:
	case TP_SPEC_IDCT:
		return dct[t];
	default:
		return dst[t];
	}
}

static enum tp_dtype
complex_of(int single)
{
	return single ? TP_C8 : TP_C16;
}

static enum tp_dtype
real_of(int single)
{
	return single ? TP_F4 : TP_F8;
}

/*
 * The transformed axes of a record of nd axes in list (the user's
 * order, non-negative), their lengths (-s) in len (0: none given) and
 * windows in win; returns the count, or -1 with a message in *why.
 */
static int
resolve_axes(const struct tp_spectrum_opts *o, int nd, int *list,
    size_t *len, int *win, const char **why, struct tp_msg *m)
{
	int k, i, j;

	if (o->naxes > 0) {
		k = o->naxes;
		for (i = 0; i < k; i++) {
			int a = o->axes[i] < 0 ? o->axes[i] + nd : o->axes[i];

			if (a < 0 || a >= nd) {
				*why = tp_msgf(m, "axis %d is outside a record "
				    "of %d axes", o->axes[i], nd);
				return -1;
			}
			list[i] = a;
		}
	} else {
		k = o->last > 0 ? o->last : o->ns > 0 ? o->ns :
		    o->last1 ? 1 : nd;
		if (k > nd) {
			*why = tp_msgf(m, "%d axes to transform (%s) but the "
			    "record has %d", k, o->last > 0 ? "--last" : "-s",
			    nd);
			return -1;
		}
		for (i = 0; i < k; i++)
			list[i] = nd - k + i;
	}
	for (i = 0; i < k; i++)
		for (j = 0; j < i; j++)
			if (list[i] == list[j]) {
				*why = tp_msgf(m, "axis %d is in --axes twice "
				    "(as %d and %d)", list[i], o->axes[j],
				    o->axes[i]);
				return -1;
			}
	if (o->nwindow > 1 && o->nwindow != k) {
		*why = tp_msgf(m, "--window has %d windows for %d axes: give "
		    "one, or one per axis", o->nwindow, k);
		return -1;
	}
	for (i = 0; i < k; i++) {
		len[i] = o->ns > 0 ? o->s[i] : 0;
		win[i] = o->nwindow == 0 ? -1 : o->nwindow == 1 ? 0 : i;
	}
	return k;
}

/*
 * The transform's lengths of the k axes in list (the user's order),
 * given as len (0: none) with windows win, for a record of shape x:
 * sp's on, n, win, tin and tout.  Returns NULL or why they cannot be.
 */
static tp_why
set_lengths(struct tp_spectrum *sp, const size_t *shape, const int *list,
    const size_t *len, const int *win, int k, struct tp_msg *m)
{
	const struct tp_spectrum_opts *o = &sp->o;
	int i, a;

	memcpy(sp->tin, shape, sp->ndim * sizeof *shape);
	memcpy(sp->tout, shape, sp->ndim * sizeof *shape);
	memset(sp->on, 0, sizeof sp->on);
	for (a = 0; a < sp->ndim; a++)
		sp->win[a] = -1;
	for (i = 0; i < k; i++) {
		size_t have = shape[list[i]], L = len[i];

		a = list[i];
		if (L == 0 && a == sp->halved && o->fn == TP_SPEC_IRFFT) {
			if (have < 2)
				return tp_msgf(m, "irfftn's output length on "
				    "axis %d would be 2*(%zu-1), not positive: "
				    "give it with -s", a, have);
			L = 2 * (have - 1);
		}
		if (L == 0)
			L = have;
		if (L == 0)
			return tp_msgf(m, "axis %d has length 0: a transform "
			    "needs at least 1 point (or -s)", a);
		if (sp->kind == TP_FFT_DCT1 && L < 2)
			return tp_msgf(m, "axis %d has 1 point: dct type 1 "
			    "needs at least 2", a);
		sp->on[a] = 1;
		sp->n[a] = L;
		sp->win[a] = win[i];
		sp->tin[a] = sp->tout[a] = L;
		if (a == sp->halved && o->fn == TP_SPEC_RFFT)
			sp->tout[a] = L / 2 + 1;
		else if (a == sp->halved)
			sp->tin[a] = L / 2 + 1;
	}
	sp->naxes = 0;
	for (a = 0; a < sp->ndim; a++)
		if (sp->on[a])
			sp->axes[sp->naxes++] = a;
	return NULL;
}

/*
 * sp's kind, fill, cin and cout for fn on a record that is complex
 * (cplx) or real.  fftn and ifftn of a real record run r2c, half the
 * work of the complex transform, and fill in the other half by
 * symmetry.
 */
static void
set_kinds(struct tp_spectrum *sp, int cplx)
{
	sp->kind = fft_kind(sp->o.fn, sp->o.type);
	sp->fill = -1;
	switch (sp->o.fn) {
	case TP_SPEC_FFT:
	case TP_SPEC_IFFT:
		sp->cin = cplx;
		sp->cout = 1;
		if (!cplx) {
			sp->kind = TP_FFT_R2C;
			sp->fill = sp->axes[sp->naxes - 1];
		}
		break;
	case TP_SPEC_RFFT:
		sp->cin = 0;
		sp->cout = 1;
		break;
	case TP_SPEC_IRFFT:
		sp->cin = 1;
		sp->cout = 0;
		break;
	default:
		sp->cin = sp->cout = cplx;
		break;
	}
}

tp_why
tp_spectrum_out_header(struct tp_spectrum *sp, const struct tp_tensor *x,
    int want, enum tp_dtype *cd, struct tp_tensor *y, struct tp_msg *m)
{
	const struct tp_spectrum_opts *o = &sp->o;
	int list[TP_MAXDIM], win[TP_MAXDIM], k, i, nd = x->ndim;
	size_t len[TP_MAXDIM];
	int cplx = tp_dtype_is_complex(x->dtype);
	enum tp_dtype raw;
	const char *why = NULL;

	ahead_wait(sp);
	sp->valid = 0;
	sp->how = NULL;
	sp->plan = NULL;
	tp_prefault_wait();
	free(sp->reserved);
	sp->reserved = NULL;
	if (nd == 0)
		return "a scalar has no axis to transform";
	if ((k = resolve_axes(o, nd, list, len, win, &why, m)) < 0)
		return why;
	if (o->fn == TP_SPEC_RFFT && cplx)
		return tp_msgf(m, "rfftn transforms real data, not %s (fftn "
		    "takes it)", tp_dtype_name(x->dtype));
	if (is_r2r(o->fn) && cplx && nd == TP_MAXDIM)
		return tp_msgf(m, "a complex record of %d axes is one too "
		    "many for a cosine or sine transform", nd);
	sp->halved = -1;
	if (o->fn == TP_SPEC_RFFT || o->fn == TP_SPEC_IRFFT) {
		sp->halved = list[k - 1];
		for (i = 0; i < k - 1; i++)
			if (list[i] > sp->halved)
				return tp_msgf(m, "%s halves the last axis of "
				    "--axes, which must be the highest: axis "
				    "%d comes after %d", o->fn == TP_SPEC_RFFT ?
				    "rfftn" : "irfftn", list[k - 1], list[i]);
	}
	sp->ndim = nd;
	memcpy(sp->shape, x->shape, nd * sizeof *x->shape);
	sp->kind = fft_kind(o->fn, o->type);
	if ((why = set_lengths(sp, x->shape, list, len, win, k, m)) != NULL)
		return why;
	set_kinds(sp, cplx);
	sp->single = want == TP_F4 || (want < 0 && (x->dtype == TP_F4 ||
	    x->dtype == TP_F2 || x->dtype == TP_C8));
	*cd = sp->cd = sp->cin ? complex_of(sp->single) : real_of(sp->single);
	raw = sp->cout ? complex_of(sp->single) : real_of(sp->single);
	memset(y, 0, sizeof *y);
	y->dtype = o->view == TP_VIEW_ASIS ? raw : o->view == TP_VIEW_COMPLEX ?
	    complex_of(sp->single) : real_of(sp->single);
	if ((why = tp_set_shape(y, nd, sp->tout, m)) != NULL)
		return why;
	sp->valid = 1;
	return NULL;
}

/* --- the run ------------------------------------------------------------ */

/* The plan for sp's kind along its axes of an array of nd axes with
 * logical shape ps, on arrays in, out: from the cache, else made (and
 * cached, the oldest one going). */
static const struct tp_fft_axes *
get_plan(struct tp_spectrum *sp, int nd, const size_t *ps, void *in,
    void *out)
{
	struct cached_plan *c;

	for (int i = 0; i < sp->ncache; i++) {
		c = &sp->cache[i];
		if (c->kind == sp->kind && c->single == sp->single &&
		    c->nd == nd && c->naxes == sp->naxes &&
		    memcmp(c->shape, ps, nd * sizeof *ps) == 0 &&
		    memcmp(c->axes, sp->axes, sp->naxes * sizeof *sp->axes)
		    == 0 && (sp->fill >= 0 || !c->full) &&
		    tp_fft_axes_fits(c->plan, in, out)) {
			sp->how = "plan reused";
			sp->placed = c->full;
			return c->plan;
		}
	}
	if (sp->ncache < NCACHE)
		c = &sp->cache[sp->ncache++];
	else {
		c = &sp->cache[sp->next];
		sp->next = (sp->next + 1) % NCACHE;
		tp_fft_axes_free(c->plan);
	}
	c->kind = sp->kind;
	c->single = sp->single;
	c->nd = nd;
	c->naxes = sp->naxes;
	memcpy(c->shape, ps, nd * sizeof *ps);
	memcpy(c->axes, sp->axes, sp->naxes * sizeof *sp->axes);
	/* fftn of a real record: r2c straight into the full layout,
	 * the other half written by the last pass (r2c_first) or else
	 * filled by symmetry */
	c->plan = NULL;
	if (sp->fill >= 0 && sp->o.by_axis < 0) {
		c->plan = tp_fft_axes_new_r2c_first(sp->single, nd, ps,
		    sp->naxes, sp->axes, sp->threads, in, out);
		if (c->plan != NULL && sp->o.stream >= 0)
			tp_fft_axes_set_stream(c->plan, sp->o.stream);
	}
	if (sp->fill >= 0 && sp->o.by_axis < 0 && c->plan == NULL)
		c->plan = tp_fft_axes_new_r2c_full(sp->single, nd, ps,
		    sp->naxes, sp->axes, sp->threads, in, out);
	c->full = c->plan != NULL;
	if (!c->plan)
		c->plan = tp_fft_axes_new(sp->kind, sp->single, nd, ps,
		    sp->naxes, sp->axes, sp->threads, sp->o.by_axis, in, out);
	sp->how = "new plan";
	sp->placed = c->full;
	return c->plan;
}

/* The factor the norm asks for on the whole output, and, in *edge,
 * which ortho corrections (1: first and last outputs / sqrt 2 (DCT-I);
 * 2: first output / sqrt 2 (type II)) follow. */
static double
norm_factor(const struct tp_spectrum *sp, int *edge)
{
	int forward = sp->o.fn == TP_SPEC_FFT || sp->o.fn == TP_SPEC_RFFT ||
	    sp->o.fn == TP_SPEC_DCT || sp->o.fn == TP_SPEC_DST;
	double m = 1;

	for (int i = 0; i < sp->naxes; i++) {
		double L = (double)sp->n[sp->axes[i]];

		m *= sp->kind == TP_FFT_DCT1 ? 2 * (L - 1) :
		    sp->kind == TP_FFT_DST1 ? 2 * (L + 1) :
		    is_r2r(sp->o.fn) ? 2 * L : L;
	}
	*edge = 0;
	switch (sp->o.norm) {
	case TP_NORM_ORTHO:
		*edge = sp->kind == TP_FFT_DCT1 ? 1 : sp->kind == TP_FFT_DCT2 ||
		    sp->kind == TP_FFT_DST2 ? 2 : 0;
		return 1 / sqrt(m);
	case TP_NORM_FORWARD:
		return forward ? 1 / m : 1;
	default:
		return forward ? 1 : 1 / m;
	}
}

/*
 * Roll *data (shape, count elements of esz bytes) along every transformed
 * axis but the halved one, in one pass: by n/2 (fftshift) or n - n/2
 * (ifftshift).  *data is replaced (the old buffer freed).
 */
static void
shift_axes(const struct tp_spectrum *sp, void **data, const size_t *shape,
    size_t esz, size_t count, int inverse)
{
	size_t by[TP_MAXDIM] = { 0 };
	int any = 0;
	void *t;

	for (int i = 0; i < sp->naxes; i++) {
		int a = sp->axes[i];
		size_t n = shape[a];

		if (a == sp->halved || n < 2)
			continue;
		by[a] = inverse ? n - n / 2 : n / 2;
		any = 1;
	}
	if (!any)
		return;
	t = tp_big_alloc(count * esz);
	spec_roll(t, *data, shape, sp->ndim, esz, by, sp->threads);
	free(*data);
	*data = t;
}

/*
 * Before the transform: the window (on the record's own lengths),
 * ifftshift, cropping or padding to the transform's input lengths, and
 * the ortho weights of the inputs that types I and III weigh apart.
 * Returns the data: cur, or a buffer that replaced it (cur freed).
 */
static void *
prepare(struct tp_spectrum *sp, void *cur, size_t count, size_t tin_count)
{
	size_t esz = tp_dtype_size(sp->cd);
	int comps = sp->cin ? 2 : 1, nd = sp->ndim, i, a;
	double *w;

	for (i = 0; i < sp->naxes && sp->o.nwindow > 0 && count > 0; i++) {
		a = sp->axes[i];
		w = tp_emalloc(sp->shape[a] * sizeof *w);
		tp_window_values(&sp->o.window[sp->win[a]], sp->shape[a], w);
		spec_scale_along(cur, sp->single, sp->shape, nd, comps, a, w,
		    0, 1);
		free(w);
	}
	if (sp->o.ishift && count > 0)
		shift_axes(sp, &cur, sp->shape, esz, count, 1);
	if (memcmp(sp->tin, sp->shape, nd * sizeof *sp->tin) != 0) {
		void *t = tp_big_alloc(tin_count * esz);

		spec_resize(t, sp->tin, cur, sp->shape, nd, esz);
		free(cur);
		cur = t;
	}
	if (sp->o.norm != TP_NORM_ORTHO || !is_r2r(sp->o.fn))
		return cur;
	for (i = 0; i < sp->naxes; i++) {
		a = sp->axes[i];
		if (sp->kind == TP_FFT_DCT1 || sp->kind == TP_FFT_DCT3 ||
		    sp->kind == TP_FFT_DST3)
			spec_scale_along(cur, sp->single, sp->tin, nd, comps,
			    a, NULL, 0, M_SQRT2);
		if (sp->kind == TP_FFT_DCT1)
			spec_scale_along(cur, sp->single, sp->tin, nd, comps,
			    a, NULL, sp->tin[a] - 1, M_SQRT2);
	}
	return cur;
}

/* The size of an element of the transform's output. */
static size_t
out_size(const struct tp_spectrum *sp)
{
	return tp_dtype_size(sp->cout ? complex_of(sp->single) :
	    real_of(sp->single));
}

void
tp_spectrum_reserve(struct tp_spectrum *sp)
{
	size_t n = 1;

	if (!sp->valid || sp->reserved || (sp->kind != TP_FFT_R2C &&
	    sp->kind != TP_FFT_C2R))
		return;
	for (int a = 0; a < sp->ndim; a++)
		n *= sp->tout[a];
	if (n == 0)
		return;
	sp->reserved = tp_big_alloc(n * out_size(sp));
	tp_prefault_start(sp->reserved, n * out_size(sp));
}

/* The logical shape of the plan for the current record (tp_fft_axes_new's)
 * in ps; returns its number of axes: the record's, one more for a
 * complex DCT or DST, whose real and imaginary parts are an axis of 2. */
static int
plan_shape(const struct tp_spectrum *sp, size_t *ps)
{
	int nd = sp->ndim, cx = 0;

	if (sp->kind == TP_FFT_R2C || sp->kind == TP_FFT_C2R) {
		for (int a = 0; a < nd; a++)
			ps[a] = sp->kind == TP_FFT_R2C ? sp->tin[a] :
			    sp->tout[a];
	} else {
		cx = is_r2r(sp->o.fn) && sp->cin;
		memcpy(ps, sp->tin, nd * sizeof *ps);
		if (cx)	/* a complex DCT: real and imaginary apart */
			ps[nd] = 2;
	}
	return nd + cx;
}

/* Arrays of the alignment of those the plans run on (tp_big_alloc's,
 * the reader's), for a plan made before the record is read: FFTW only
 * looks at their addresses.  in == out unless r2c or c2r. */
static _Alignas(64) char probe[128];

/* An item that does nothing: starts the pool's threads. */
static void
nothing(void *arg, size_t i, int tid)
{
	(void)arg;
	(void)i;
	(void)tid;
}

/* The background job of tp_spectrum_plan_ahead: the plan into the
 * cache, and the pool's threads started for its execute. */
static void
plan_job(void *arg)
{
	struct tp_spectrum *sp = arg;
	size_t ps[TP_MAXDIM + 1];
	int nd = plan_shape(sp, ps), c2 = sp->kind == TP_FFT_R2C ||
	    sp->kind == TP_FFT_C2R;
	const struct tp_fft_axes *plan;
	struct tp_catch c;

	if (!sp->streaming) {
		get_plan(sp, nd, ps, probe, c2 ? probe + 64 : probe);
		sp->ahead_new = sp->how != NULL &&
		    strcmp(sp->how, "new plan") == 0;
		tp_parallel(sp->threads, (size_t)sp->threads, nothing, NULL);
		return;
	}
	/* streamed: the caller waits for planned, so it is raised even
	 * when planning dies (the die then reaches the caller at
	 * tp_background_wait) */
	tp_catch_push(&c);
	if (setjmp(c.env) != 0) {
		tp_gate_raise(sp->planned, 1);
		tp_rethrow(&c);
	}
	plan = get_plan(sp, nd, ps, sp->sdata, sp->sdata);
	tp_catch_pop(&c);
	sp->ahead_new = sp->how != NULL && strcmp(sp->how, "new plan") == 0;
	sp->splan = plan;
	sp->npieces = tp_fft_axes_pieces(plan, &sp->piece);
	tp_gate_raise(sp->planned, 1);
	if (sp->npieces == 0)
		tp_parallel(sp->threads, (size_t)sp->threads, nothing, NULL);
	else if (tp_background_own_thread())	/* not the caller's */
		run_pieces(sp, 1);
}

/*
 * Making a plan while the record is read.  Safe because FFTW's planner
 * runs on one thread at a time: until tp_spectrum_run waits for the
 * job, the caller only reads the record (the reader and
 * tp_prefault_start call no FFTW function; fftw_malloc, which a
 * caller may use, is thread-safe), and nothing else touches sp: every
 * function here that does waits first.  A die on the main thread
 * meanwhile (a truncated record) waits for the job before the process
 * exits (tp_background_start's hook); a die in the job (FFTW cannot
 * plan) is the caller's at the wait.
 */
void
tp_spectrum_plan_ahead(struct tp_spectrum *sp, int trusted)
{
	size_t in = tp_dtype_size(sp->cd), out = out_size(sp);

	if (!sp->valid || sp->ahead)
		return;
	for (int a = 0; a < sp->ndim; a++) {
		if (sp->tin[a] == 0 || sp->tout[a] == 0)
			return;	/* tp_spectrum_run plans nothing */
		if (!trusted && (in > TP_HEADER_TRUST / sp->tin[a] ||
		    out > TP_HEADER_TRUST / sp->tout[a]))
			return;	/* a header alone: planned after read */
		in *= sp->tin[a];
		out *= sp->tout[a];
	}
	if (!trusted && (in + out > TP_HEADER_TRUST ||
	    tp_fft_plan_mode() != TP_PLAN_ESTIMATE))
		return;
	sp->ahead = 1;
	sp->ahead_new = 0;
	tp_background_start(plan_job, sp);
}

void *
tp_spectrum_stream(struct tp_spectrum *sp, struct tp_tensor *x)
{
	size_t esz = tp_dtype_size(sp->cd);

	sp->streaming = 0;
	if (!sp->valid || sp->ahead || sp->threads < 2 || x->count == 0 ||
	    sp->kind == TP_FFT_R2C || sp->kind == TP_FFT_C2R ||
	    sp->o.nwindow > 0 || sp->o.ishift ||
	    memcmp(sp->tin, sp->shape, sp->ndim * sizeof *sp->tin) != 0 ||
	    (sp->o.norm == TP_NORM_ORTHO && is_r2r(sp->o.fn)))
		return NULL;	/* prepare() has work before the transform */
	sp->sbytes = x->count * esz;
	sp->sdata = tp_big_alloc(sp->sbytes);
	sp->arrived = tp_gate_new();
	sp->planned = tp_gate_new();
	sp->npieces = sp->next_piece = sp->early = 0;
	sp->read_done = sp->pieces_run = 0;
	sp->streaming = 1;
	x->dtype = sp->cd;
	x->nbytes = sp->sbytes;
	x->data = sp->sdata;
	return x->data;
}

void
tp_spectrum_arrived(struct tp_spectrum *sp, size_t bytes)
{
	if (sp->streaming)
		tp_gate_raise(sp->arrived, bytes);
}

/*
 * The transform of cur (its input): in place, but r2c and c2r, which
 * change the type, into a new buffer (for fftn of a real record, one of
 * the full complex output's size, r2c's half at its start).  Returns
 * the output; cur is freed if it is not that.
 */
static void *
transform(struct tp_spectrum *sp, void *cur, size_t tout_count)
{
	const struct tp_fft_axes *plan;
	size_t ps[TP_MAXDIM + 1];
	int nd = plan_shape(sp, ps);
	void *out;

	if (sp->kind == TP_FFT_R2C || sp->kind == TP_FFT_C2R) {
		tp_prefault_wait();
		out = sp->reserved ? sp->reserved : tp_big_alloc(tout_count *
		    out_size(sp));
		sp->reserved = NULL;
	} else {
		out = cur;
	}
	sp->plan = plan = get_plan(sp, nd, ps, cur, out);
	if (sp->ahead_new)	/* made ahead for this record */
		sp->how = "new plan";
	sp->ahead_new = 0;
	tp_timing_stamp("planned");
	if (!sp->pieces_run)	/* else run as the record was read */
		tp_fft_axes_run(plan, cur, out);
	tp_timing_stamp("executed");
	if (out != cur)
		free(cur);
	return out;
}

/*
 * After the transform: the norm (and the conjugate, for ifftn of a real
 * record), the half that symmetry fills, the ortho weights of the
 * outputs, fftshift and the view; y's data.
 */
static void
finish(struct tp_spectrum *sp, void *out, size_t tout_count,
    struct tp_tensor *y)
{
	size_t rsz = sp->single ? sizeof(float) : sizeof(double), n;
	int comps = sp->cout ? 2 : 1, edge, i, a;
	double f = norm_factor(sp, &edge);

	if (sp->fill >= 0 && sp->placed) {
		/* the half in place: fill (unless the transform wrote
		 * it), then scale the whole */
		if (!tp_fft_axes_fills(sp->plan))
			spec_hermitian(out, sp->single, sp->tout, sp->ndim,
			    sp->on, sp->fill, 1, sp->threads);
		if (f != 1 || sp->o.fn == TP_SPEC_IFFT)
			spec_scale(out, sp->single, 1, tout_count, f,
			    sp->o.fn == TP_SPEC_IFFT, sp->threads);
	} else if (sp->fill >= 0) {
		n = sp->tout[sp->fill];
		if (f != 1 || sp->o.fn == TP_SPEC_IFFT)
			spec_scale(out, sp->single, 1, tout_count / n *
			    (n / 2 + 1), f, sp->o.fn == TP_SPEC_IFFT,
			    sp->threads);
		spec_hermitian(out, sp->single, sp->tout, sp->ndim, sp->on,
		    sp->fill, 0, sp->threads);
	} else if (f != 1) {
		spec_scale(out, sp->single, sp->cout, tout_count, f, 0,
		    sp->threads);
	}
	for (i = 0; i < sp->naxes && edge; i++) {
		a = sp->axes[i];
		spec_scale_along(out, sp->single, sp->tout, sp->ndim, comps,
		    a, NULL, 0, M_SQRT1_2);
		if (edge == 1)
			spec_scale_along(out, sp->single, sp->tout, sp->ndim,
			    comps, a, NULL, sp->tout[a] - 1, M_SQRT1_2);
	}
	if (sp->o.shift)
		shift_axes(sp, &out, sp->tout, comps * rsz, tout_count, 0);
	y->data = out;
	if (sp->o.view == TP_VIEW_ASIS || (sp->o.view == TP_VIEW_COMPLEX &&
	    sp->cout))
		return;
	if (sp->o.view == TP_VIEW_COMPLEX || sp->cout) {	/* new size */
		y->data = tp_big_alloc(y->nbytes);
		spec_view(y->data, out, tout_count, sp->single, sp->cout,
		    sp->o.view, sp->threads);
		free(out);
	} else {
		spec_view(out, out, tout_count, sp->single, 0, sp->o.view,
		    sp->threads);
	}
}

void
tp_spectrum_run(struct tp_spectrum *sp, struct tp_tensor *x,
    struct tp_tensor *y)
{
	size_t tin_count = 1, tout_count = 1;
	void *cur = x->data, *out;

	if (!sp->valid || x->dtype != sp->cd)
		tp_die("internal error: spectrum run without its header");
	x->data = NULL;
	tp_timing_stamp("run");
	sp->pieces_run = 0;
	ahead_wait(sp);
	for (int a = 0; a < sp->ndim; a++) {
		tin_count *= sp->tin[a];
		tout_count *= sp->tout[a];
	}
	if (y->count == 0) {
		free(cur);
		y->data = tp_emalloc(1);
		return;
	}
	cur = prepare(sp, cur, x->count, tin_count);
	out = transform(sp, cur, tout_count);
	finish(sp, out, tout_count, y);
	tp_timing_stamp("finished");
}

char *
tp_spectrum_describe(const struct tp_spectrum *sp, char *buf, size_t len)
{
	static const char *const fns[] = { "fftn", "ifftn", "rfftn", "irfftn",
		"dctn", "idctn", "dstn", "idstn" };
	static const char *const norms[] = { "backward", "ortho", "forward" };
	size_t u;

	if (!sp->valid) {
		snprintf(buf, len, "nothing run");
		return buf;
	}
	/* the name as given: fft, not fftn, along the last axis */
	u = (size_t)snprintf(buf, len, "%.*s", (int)strlen(fns[sp->o.fn]) -
	    sp->o.last1, fns[sp->o.fn]);
	for (int i = 0; i < sp->naxes && u < len; i++)
		u += (size_t)snprintf(buf + u, len - u, "%s%zu", i ? "x" : " ",
		    sp->n[sp->axes[i]]);
	/* the axes: "axis 1", "axes 0..2" when they follow each other,
	 * else "axes 0,2" */
	if (sp->naxes == 1) {
		if (u < len)
			u += (size_t)snprintf(buf + u, len - u, " (axis %d)",
			    sp->axes[0]);
	} else if (sp->axes[sp->naxes - 1] - sp->axes[0] == sp->naxes - 1) {
		if (u < len)
			u += (size_t)snprintf(buf + u, len - u,
			    " (axes %d..%d)", sp->axes[0],
			    sp->axes[sp->naxes - 1]);
	} else {
		for (int i = 0; i < sp->naxes && u < len; i++)
			u += (size_t)snprintf(buf + u, len - u, "%s%d%s", i ?
			    "," : " (axes ", sp->axes[i], i == sp->naxes - 1 ?
			    ")" : "");
	}
	if (is_r2r(sp->o.fn) && u < len)
		u += (size_t)snprintf(buf + u, len - u, ", type %d",
		    sp->o.type);
	if (sp->pieces_run > 0 && u < len)
		u += (size_t)snprintf(buf + u, len - u, ", in %zu pieces as "
		    "read (%zu before its end)", sp->pieces_run, sp->early);
	if (u < len)
		snprintf(buf + u, len - u, ", %s%s, norm %s, %s%s", sp->single ?
		    "f32" : "f64", sp->fill >= 0 ? ", real input by r2c and "
		    "symmetry" : "", norms[sp->o.norm], sp->how ? sp->how :
		    "no plan", sp->plan != NULL &&
		    tp_fft_axes_by_axis(sp->plan) ? ", axis by axis" : "");
	return buf;
}
