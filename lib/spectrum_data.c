/*
 * spectrum_data.c - the spectrum engine's values and passes over a
 * record's data (spectrum_impl.h): windows, sample frequencies, scaling,
 * rolls, cropping and padding, the Hermitian half of a real signal's
 * spectrum, views.  The passes that touch every element once run on
 * tp_parallel's threads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "spectrum_impl.h"

/* Elements, or bytes, an item of a pass handles at the least. */
#define CHUNK ((size_t)1 << 16)
#define CHUNK_BYTES ((size_t)1 << 18)

/* Item it of a pass over [first, n) in items of per: its first index,
 * and its end in *end. */
static size_t
span(size_t it, size_t per, size_t first, size_t n, size_t *end)
{
	size_t lo = first + it * per;

	*end = lo + per < n ? lo + per : n;
	return lo;
}

/* --- windows and frequencies ------------------------------------------ */

/* The modified Bessel function I0(x), by its power series (every term
 * positive: accurate to a few ulps for the betas windows use). */
static double
bessel_i0(double x)
{
	double q = x * x / 4, term = 1, sum = 1;

	for (int k = 1; k < 1000 && term > sum * 1e-17; k++) {
		term *= q / ((double)k * k);
		sum += term;
	}
	return sum;
}

/* Point j of window w of n points (n >= 2), kind the one computed. */
static double
window_at(const struct tp_window *w, enum tp_window_kind kind, size_t j,
    size_t n)
{
	double m = (double)n;	/* the symmetric window has n + 1 points */
	double a = w->param, t = 2 * M_PI * (double)j / m, r, jj;
	size_t width;

	switch (kind) {
	case TP_WIN_HAMMING:
		return 0.54 - 0.46 * cos(t);
	case TP_WIN_BLACKMAN:
		return 0.42 - 0.5 * cos(t) + 0.08 * cos(2 * t);
	case TP_WIN_KAISER:
		r = 2 * (double)j / m - 1;
		return bessel_i0(a * sqrt(1 - r * r)) / bessel_i0(a);
	case TP_WIN_TUKEY:	/* scipy's three pieces, M = n + 1 */
		width = (size_t)floor(a * m / 2);
		jj = (double)j;
		return j <= width ? 0.5 * (1 + cos(M_PI * (-1 + 2 * jj / a /
		    m))) : j < n - width ? 1 : 0.5 * (1 + cos(M_PI *
		    (-2 / a + 1 + 2 * jj / a / m)));
	default:
		return 0.5 - 0.5 * cos(t);
	}
}

void
tp_window_values(const struct tp_window *w, size_t n, double *v)
{
	enum tp_window_kind kind = w->kind == TP_WIN_TUKEY && w->param >= 1 ?
	    TP_WIN_HANN : w->kind;	/* scipy: tukey of alpha >= 1 is hann */

	for (size_t j = 0; j < n; j++)
		v[j] = n == 1 || w->kind == TP_WIN_NONE ||
		    (w->kind == TP_WIN_TUKEY && w->param <= 0) ? 1 :
		    window_at(w, kind, j, n);
}

size_t
tp_spec_freq(size_t n, double d, int real, int shift, double *v)
{
	double val = 1.0 / ((double)n * d);
	size_t count = real ? n / 2 + 1 : n, half = (n - 1) / 2 + 1;

	for (size_t k = 0; k < count; k++) {
		/* fftfreq: 0, 1, ..., (n-1)/2, -(n/2), ..., -1 */
		double f = real || k < half ? (double)k :
		    -(double)(n - k);

		v[k] = f * val;
	}
	if (shift && !real && n > 1) {
		double *t = tp_emalloc(n * sizeof *t);
		size_t k = n / 2;

		memcpy(t, v, n * sizeof *t);
		for (size_t j = 0; j < n; j++)
			v[(j + k) % n] = t[j];
		free(t);
	}
	return count;
}

/* --- scaling ----------------------------------------------------------- */

/* Elements before axis a, and reals after it (comps per element). */
static void
around(const size_t *shape, int nd, int a, int comps, size_t *outer,
    size_t *inner)
{
	*outer = 1;
	*inner = (size_t)comps;
	for (int b = 0; b < a; b++)
		*outer *= shape[b];
	for (int b = a + 1; b < nd; b++)
		*inner *= shape[b];
}

void
spec_scale_along(void *data, int single, const size_t *shape, int nd,
    int comps, int a, const double *w, size_t j0, double f)
{
	size_t outer, inner, n = shape[a];

	around(shape, nd, a, comps, &outer, &inner);
	for (size_t o = 0; o < outer; o++)
		for (size_t j = w ? 0 : j0; j < (w ? n : j0 + 1); j++) {
			double g = w ? w[j] : f;
			size_t base = (o * n + j) * inner;

			if (single) {
				float *p = (float *)data + base;

				for (size_t i = 0; i < inner; i++)
					p[i] = (float)(p[i] * g);
			} else {
				double *p = (double *)data + base;

				for (size_t i = 0; i < inner; i++)
					p[i] *= g;
			}
		}
}

struct scale_job {
	void *data;
	int single, cplx, conj;
	size_t n;
	double f;
};

/* Scale the items' elements; a conjugate's imaginary part is 0 - y f,
 * so that a zero stays +0 (as in CONJ_ROW below). */
static void
scale_item(void *arg, size_t it, int tid)
{
	const struct scale_job *j = arg;
	size_t hi, lo = span(it, CHUNK, 0, j->n, &hi), c = j->cplx ? 2 : 1, k;

	(void)tid;
	if (j->single) {
		float *p = j->data, a = (float)j->f;

		for (k = c * lo; k < c * hi; k++)
			p[k] *= a;
		for (k = lo; j->conj && k < hi; k++)
			p[2 * k + 1] = 0 - p[2 * k + 1];
	} else {
		double *p = j->data, a = j->f;

		for (k = c * lo; k < c * hi; k++)
			p[k] *= a;
		for (k = lo; j->conj && k < hi; k++)
			p[2 * k + 1] = 0 - p[2 * k + 1];
	}
}

void
spec_scale(void *data, int single, int cplx, size_t n, double f, int conj,
    int threads)
{
	struct scale_job j = { data, single, cplx, conj, n, f };

	tp_parallel(threads, (n + CHUNK - 1) / CHUNK, scale_item, &j);
}

/* --- rolls and resizing ----------------------------------------------- */

/* The index r of an array of shape[0..n) as n indices in idx. */
static void
unravel(size_t r, const size_t *shape, int n, size_t *idx)
{
	for (int a = n - 1; a >= 0; a--) {
		idx[a] = r % shape[a];
		r /= shape[a];
	}
}

/* The next index after idx in C order (the first after the last). */
static void
next_index(size_t *idx, const size_t *shape, int n)
{
	for (int a = n - 1; a >= 0 && ++idx[a] == shape[a]; a--)
		idx[a] = 0;
}

struct roll_job {
	char *dst;
	const char *src;
	const size_t *shape, *by;
	int last;		/* the highest rolled axis */
	size_t row;		/* bytes of one index of it */
	size_t outer;		/* indices before it */
	size_t per;		/* of them per item */
};

static void
roll_item(void *arg, size_t it, int tid)
{
	const struct roll_job *j = arg;
	size_t idx[TP_MAXDIM], end, o = span(it, j->per, 0, j->outer, &end);
	size_t n = j->shape[j->last], k = j->by[j->last], len = n * j->row;
	int a;

	(void)tid;
	unravel(o, j->shape, j->last, idx);
	for (; o < end; o++) {
		const char *s = j->src + o * len;
		size_t d = 0;

		for (a = 0; a < j->last; a++)
			d = d * j->shape[a] + (idx[a] + j->by[a]) % j->shape[a];
		memcpy(j->dst + d * len + k * j->row, s, (n - k) * j->row);
		memcpy(j->dst + d * len, s + (n - k) * j->row, k * j->row);
		next_index(idx, j->shape, j->last);
	}
}

void
spec_roll(void *dst, const void *src, const size_t *shape, int nd,
    size_t esz, const size_t *by, int threads)
{
	struct roll_job j = { dst, src, shape, by, -1, esz, 1, 1 };
	int a;

	for (a = 0; a < nd; a++)
		if (by[a] % (shape[a] ? shape[a] : 1) != 0)
			j.last = a;
	if (j.last < 0) {
		size_t n = esz;

		for (a = 0; a < nd; a++)
			n *= shape[a];
		memcpy(dst, src, n);
		return;
	}
	for (a = j.last + 1; a < nd; a++)
		j.row *= shape[a];
	for (a = 0; a < j.last; a++)
		j.outer *= shape[a];
	j.per = CHUNK_BYTES / (j.row * shape[j.last]) + 1;
	tp_parallel(threads, (j.outer + j.per - 1) / j.per, roll_item, &j);
}

void
spec_resize(void *dst, const size_t *ds, const void *src, const size_t *ss,
    int nd, size_t esz)
{
	size_t mn[TP_MAXDIM], idx[TP_MAXDIM] = { 0 }, dtot = 1, row;
	int a, pad = 0;

	for (a = 0; a < nd; a++) {
		mn[a] = ds[a] < ss[a] ? ds[a] : ss[a];
		pad |= ds[a] > ss[a];
		dtot *= ds[a];
	}
	if (pad)
		memset(dst, 0, dtot * esz);
	for (a = 0; a < nd; a++)
		if (mn[a] == 0)
			return;
	row = mn[nd - 1] * esz;
	for (;;) {
		size_t so = 0, dof = 0;

		for (a = 0; a < nd - 1; a++) {
			so = so * ss[a] + idx[a];
			dof = dof * ds[a] + idx[a];
		}
		memcpy((char *)dst + dof * ds[nd - 1] * esz,
		    (const char *)src + so * ss[nd - 1] * esz, row);
		for (a = nd - 2; a >= 0; a--) {
			if (++idx[a] < mn[a])
				break;
			idx[a] = 0;
		}
		if (a < 0)
			return;
	}
}

/* --- the Hermitian half ------------------------------------------------ */

struct herm_job {
	char *data;
	int single;
	const size_t *shape;
	const unsigned char *on;
	int h;
	size_t n, half;		/* shape[h], shape[h]/2 + 1 */
	size_t inner;		/* complex numbers after axis h */
	size_t ces;		/* bytes per complex number */
	size_t lo;		/* move: the first index before h of a wave */
	size_t outer, per;	/* indices before h, of them per item */
};

/* Move the r2c output of indices it*per.. before axis h from the
 * compact layout to the full one. */
static void
move_item(void *arg, size_t it, int tid)
{
	const struct herm_job *j = arg;
	size_t blk = j->inner * j->ces;
	size_t end, o = span(it, j->per, j->lo, j->outer, &end);

	(void)tid;
	for (; o < end; o++)
		memmove(j->data + o * j->n * blk, j->data + o * j->half * blk,
		    j->half * blk);
}

/* dst[k] = conj(src[n - k]) for the points k >= half of axis h, with
 * inner numbers per point; T the real type.  The imaginary part is
 * 0 - y, not -y: a zero stays +0 as numpy's complex transform leaves it
 * (the phase of a negative real output is then pi, not -pi). */
#define CONJ_ROW(T) do {					\
	T *d = (T *)dst, *s = (T *)src;				\
	for (size_t k = j->half; k < j->n; k++) {		\
		T *dk = d + 2 * k * j->inner;			\
		const T *sk = s + 2 * (j->n - k) * j->inner;	\
		for (size_t i = 0; i < j->inner; i++) {		\
			dk[2 * i] = sk[2 * i];			\
			dk[2 * i + 1] = 0 - sk[2 * i + 1];	\
		}						\
	}							\
} while (0)

/* Fill the points k >= half of axis h for the indices it*per.. before
 * it from their mirror images. */
static void
fill_item(void *arg, size_t it, int tid)
{
	const struct herm_job *j = arg;
	size_t idx[TP_MAXDIM], end, o = span(it, j->per, 0, j->outer, &end);
	size_t len = j->n * j->inner * j->ces;
	int a;

	(void)tid;
	unravel(o, j->shape, j->h, idx);
	for (; o < end; o++) {
		char *dst = j->data + o * len;
		const char *src;
		size_t m = 0;

		for (a = 0; a < j->h; a++)
			m = m * j->shape[a] + (j->on[a] ? (j->shape[a] -
			    idx[a]) % j->shape[a] : idx[a]);
		src = j->data + m * len;
		if (j->single)
			CONJ_ROW(float);
		else
			CONJ_ROW(double);
		next_index(idx, j->shape, j->h);
	}
}

void
spec_hermitian(void *data, int single, const size_t *shape, int nd,
    const unsigned char *on, int h, int placed, int threads)
{
	struct herm_job j = { data, single, shape, on, h, shape[h],
		shape[h] / 2 + 1, 1, single ? 8 : 16, 0, 1, 1 };
	size_t hi;
	int a;

	if (j.half >= j.n)
		return;		/* 1 or 2 points: nothing to fill */
	for (a = h + 1; a < nd; a++)
		j.inner *= shape[a];
	for (a = 0; a < h; a++)
		j.outer *= shape[a];
	/*
	 * The moves, from the last index down, in waves [lo, hi): the
	 * block of index o goes from o*half to o*n (in blocks of inner
	 * numbers), which never reaches the source of an index below o
	 * and reaches that of an index o' > o only if o' < o*n/half + 1;
	 * so all indices from hi*half/n (rounded up) to hi move at once.
	 */
	j.per = CHUNK_BYTES / (j.half * j.inner * j.ces) + 1;
	for (hi = placed ? 1 : j.outer; hi > 1; hi = j.lo) {
		size_t lo = (hi * j.half + j.n - 1) / j.n;

		j.lo = lo >= hi ? hi - 1 : lo > 1 ? lo : 1;
		j.outer = hi;	/* move_item stops there */
		tp_parallel(threads, (hi - j.lo + j.per - 1) / j.per,
		    move_item, &j);
	}
	j.outer = 1;
	for (a = 0; a < h; a++)
		j.outer *= shape[a];
	j.per = CHUNK_BYTES / (j.n * j.inner * j.ces) + 1;
	tp_parallel(threads, (j.outer + j.per - 1) / j.per, fill_item, &j);
}

/* --- views -------------------------------------------------------------- */

struct view_job {
	void *dst;
	const void *src;
	size_t n;
	int single, cplx;
	enum tp_spec_view v;
};

/* The view of one value. */
static double
view_of(double re, double im, enum tp_spec_view v)
{
	switch (v) {
	case TP_VIEW_IMAG:
		return im;
	case TP_VIEW_ABS:
		return hypot(re, im);
	case TP_VIEW_POWER:
		return re * re + im * im;
	case TP_VIEW_LOGPOWER:
		return log10(1 + (re * re + im * im));
	case TP_VIEW_PHASE:
		return atan2(im, re);
	default:
		return re;
	}
}

static void
view_item(void *arg, size_t it, int tid)
{
	const struct view_job *j = arg;
	size_t hi, lo = span(it, CHUNK, 0, j->n, &hi);
	int c = j->cplx ? 2 : 1;

	(void)tid;
	for (size_t i = lo; i < hi; i++) {
		double re, im;

		if (j->single) {
			re = ((const float *)j->src)[c * i];
			im = j->cplx ? ((const float *)j->src)[c * i + 1] : 0;
		} else {
			re = ((const double *)j->src)[c * i];
			im = j->cplx ? ((const double *)j->src)[c * i + 1] : 0;
		}
		if (j->v == TP_VIEW_COMPLEX && j->single) {
			((float *)j->dst)[2 * i] = (float)re;
			((float *)j->dst)[2 * i + 1] = (float)im;
		} else if (j->v == TP_VIEW_COMPLEX) {
			((double *)j->dst)[2 * i] = re;
			((double *)j->dst)[2 * i + 1] = im;
		} else if (j->single) {
			((float *)j->dst)[i] = (float)view_of(re, im, j->v);
		} else {
			((double *)j->dst)[i] = view_of(re, im, j->v);
		}
	}
}

void
spec_view(void *dst, const void *src, size_t n, int single, int cplx,
    enum tp_spec_view v, int threads)
{
	struct view_job j = { dst, src, n, single, cplx, v };

	/* in place, a pass from the front reads each value before it is
	 * overwritten, but items running at once would not */
	if (dst == src && cplx)
		threads = 1;
	tp_parallel(threads, (n + CHUNK - 1) / CHUNK, view_item, &j);
}
