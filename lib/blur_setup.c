/*
 * blur_setup.c - what is made once per problem: the cost model that picks
 * the method (bench/tblur-cost-model.md), the FIR taps, and the fft
 * path's work shape, kinds, plans and responses.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blur_impl.h"

/* --- cost model (bench/tblur-cost-model.md) ----------------------------- */

/*
 * Wall seconds on two threads (bench/tblur-cost-model.md): per output
 * and tap pair of the FIR and per output of each FIR pass, [double,
 * float]; per sample and log2 of the transform lengths for the DCT path
 * (the wrap path's r2c does half the work).  Other thread counts scale
 * by 2 / threads.
 */
static const double c_tap[2] = { 0.30e-9, 0.11e-9 };
static const double c_out = 0.1e-9;
static const double c_fft[2] = { 0.9e-9, 0.75e-9 };

double
tp_blur_cost(const struct tp_blur *b, int method, int single, int ndim,
    const size_t *shape, const double *sigma, const int *order)
{
	double eps = single ? EPS_F32 : EPS_F64, t = 0, count = 1, w = 1,
	    lg = 0, lg0 = 0, live = 1;
	int a, r, first = -1, corr;

	for (a = 0; a < ndim; a++)
		count *= (double)shape[a];
	if (method == TP_BLUR_FIR) {
		for (a = 0; a < ndim; a++) {
			if (sigma[a] <= 0)
				continue;
			r = blur_fir_radius(b->o.kernel, sigma[a],
			    order ? order[a] : 0, eps);
			if (r < 0)
				return HUGE_VAL;
			t += count * ((r + 1) * c_tap[single] + c_out);
		}
		return t * 2 / b->o.threads;
	}
	corr = blur_edge_fits(b->o.kernel, b->o.boundary, ndim, shape, sigma,
	    order, eps);
	for (a = 0; a < ndim; a++) {
		double n = (double)shape[a], l;

		if (!blur_fft_axis(b->o.boundary, sigma[a], shape[a],
		    order ? order[a] : 0))
			continue;
		if (b->o.boundary == TP_BLUR_NEAREST ||
		    b->o.boundary == TP_BLUR_ZERO) {
			int cut;

			if (shape[a] == 1)	/* a scalar (blur_axis_gain) */
				continue;
			if (!corr)	/* else unpadded (blur_edge_fits) */
				n = (double)tp_fft_fast_len(TP_FFT_DCT2,
				    shape[a] + 2 * blur_pad_for(b->o.kernel,
				    sigma[a], order ? order[a] : 0, shape[a],
				    eps, &cut));
		}
		w *= n / (double)shape[a];
		l = log2(n > 2 ? n : 2);
		if (first < 0) {
			first = a;
			lg0 = l;
		} else {
			lg += l;
			/* the share of frequencies where the response is
			 * above the skipping threshold (2^-17 eps) */
			live *= fmin(1, 2 * sqrt((single ? 41 : 70) * M_LN2 /
			    2) / (M_PI * sigma[a]));
		}
	}
	/* the first transformed axis, fused with the multiply, skips the
	 * lines whose other responses are negligible (not under wrap, nor
	 * when it is the last axis) */
	if (b->o.boundary == TP_BLUR_WRAP || first == ndim - 1)
		live = 1;
	t = count * w * (lg + lg0 * live) * c_fft[single] *
	    (b->o.boundary == TP_BLUR_WRAP ? 0.5 : 1);
	return t * 2 / b->o.threads;
}

/* --- set-up per problem ------------------------------------------------- */

/* Make the FIR taps for the problem in b. */
void
blur_setup_fir(struct tp_blur *b, double eps)
{
	for (int a = 0; a < b->ndim; a++) {
		double s = b->sigma[a];
		int m;

		if (s <= 0)
			continue;
		if (s > MAXSIGMA_FIR)
			tp_die("no FIR taps for the %s kernel at sigma %g",
			    tp_choice_word(tp_blur_kernels, b->o.kernel), s);
		m = (int)ceil((10 + b->order[a]) * s) + 13;
		b->taps[a] = tp_emalloc((size_t)m * sizeof(double));
		b->radius[a] = b->order[a] > 0 ? tp_blur_taps_order(s,
		    b->order[a], eps, b->taps[a], m - 1) :
		    tp_blur_taps(b->o.kernel, s, eps, b->taps[a], m - 1);
		if (b->radius[a] < 0)
			tp_die("no FIR taps for the %s kernel at sigma %g",
			    tp_choice_word(tp_blur_kernels, b->o.kernel), s);
	}
}

/* Plan a DCT/DST of this kind along axis a of the work array w: along
 * the array (the last axis), or on blk gathered lines of stride
 * gstride[a]; n points from offset off of each line. */
static struct tp_fft_plan *
axis_plan(struct tp_blur *b, enum tp_fft_kind kind, int a, size_t n,
    int off, void *w)
{
	struct tp_fft_problem pb;
	size_t esz = b->single ? sizeof(float) : sizeof(double), rows = 1;
	char *base;

	memset(&pb, 0, sizeof pb);
	pb.rank = 1;
	pb.dims[0].n = n;
	pb.dims[0].is = pb.dims[0].os = 1;
	pb.nloop = 1;
	if (b->gathered[a] || (b->compact && a == b->ndim - 1)) {
		pb.loop[0].n = b->gathered[a] ? b->blk : b->rblk;
		pb.loop[0].is = pb.loop[0].os = (ptrdiff_t)b->gstride[a];
		base = (char *)b->gbuf[0] + (size_t)off * esz;
		return tp_fft_plan_new(kind, b->single, &pb, 1,
		    TP_FFT_INPLACE, base, base);
	}
	for (int j = 0; j < a; j++)
		rows *= b->wshape[j];
	pb.loop[0].n = rows;
	pb.loop[0].is = pb.loop[0].os = (ptrdiff_t)b->wshape[a];
	base = (char *)w + (size_t)off * esz;
	return tp_fft_plan_new(kind, b->single, &pb, 0, TP_FFT_INPLACE, base,
	    base);
}

/*
 * The r2c and c2r of the lines of n points of axis a in a gathered
 * buffer (blk lines, or rblk rows of the compact last axis; stride
 * gstride[a]) into and out of the blk lines after them, which with
 * ops->dct_in ... make its DCT-II and DCT-III faster than FFTW's own
 * (REDFT10 of 4096 points took 2.3 times the r2c), and their twiddles;
 * for an even n a complex DFT of n/2 instead (blur_typed.h, half_split).
 * Out of place: FFTW_ESTIMATE took 8 to 15 ms to plan the in-place
 * r2c or c2r of 128 lines of 4320, 2 out of place, and ran them slower.
 */
static void
dct_dft_plans(struct tp_blur *b, int a, size_t n)
{
	struct tp_fft_problem pb;
	size_t esz = b->single ? sizeof(float) : sizeof(double), k, h;
	ptrdiff_t g = (ptrdiff_t)b->gstride[a];
	char *base = b->gbuf[0], *cb = base + b->blk * (size_t)g * esz;

	memset(&pb, 0, sizeof pb);
	pb.rank = 1;
	pb.dims[0].n = n;
	pb.dims[0].is = pb.dims[0].os = 1;
	pb.nloop = 1;
	pb.loop[0].n = b->gathered[a] ? b->blk : b->rblk;
	if (n % 2 == 0) {
		/* a complex DFT of n/2 (ops->dct_out and idct_in split and
		 * merge it): FFTW_ESTIMATE plans the real one of 4096 points
		 * with SSE2 codelets, 2.7 times the time of this one */
		pb.dims[0].n = n / 2;
		pb.loop[0].is = pb.loop[0].os = g / 2;
		b->rfwd[a] = tp_fft_plan_new(TP_FFT_FWD, b->single, &pb, 1,
		    0, base, cb);
		b->rinv[a] = tp_fft_plan_new(TP_FFT_BWD, b->single, &pb, 1,
		    TP_FFT_DESTROY, cb, base);
	} else {
		pb.loop[0].is = g;
		pb.loop[0].os = g / 2;
		b->rfwd[a] = tp_fft_plan_new(TP_FFT_R2C, b->single, &pb, 1, 0,
		    base, cb);
		pb.loop[0].is = g / 2;
		pb.loop[0].os = g;
		b->rinv[a] = tp_fft_plan_new(TP_FFT_C2R, b->single, &pb, 1,
		    TP_FFT_DESTROY, cb, base);
	}
	h = n / 2 + 1;
	b->dtw[a] = tp_emalloc(h * 4 * esz);
	for (k = 0; k < h; k++) {
		/* the cosines and the sines of pi k / 2n, then (even n) of
		 * 2 pi k / n */
		double t = M_PI * (double)k / (2.0 * (double)n), u = 4 * t;

		if (b->single) {
			((float *)b->dtw[a])[k] = (float)cos(t);
			((float *)b->dtw[a])[h + k] = (float)sin(t);
			((float *)b->dtw[a])[2 * h + k] = (float)cos(u);
			((float *)b->dtw[a])[3 * h + k] = (float)sin(u);
		} else {
			((double *)b->dtw[a])[k] = cos(t);
			((double *)b->dtw[a])[h + k] = sin(t);
			((double *)b->dtw[a])[2 * h + k] = cos(u);
			((double *)b->dtw[a])[3 * h + k] = sin(u);
		}
	}
}

/* The work shape of the fft path for the problem in b: the transformed
 * axes ax[0..nax), their derivative orders summed into rot, and under
 * nearest and zero each one's padding (or cut) and fast length. */
static void
setup_fft_shape(struct tp_blur *b, double eps)
{
	enum tp_blur_boundary bnd = b->o.boundary;
	int a, nd = b->ndim;

	b->nax = 0;
	b->rot = 0;
	b->gain = 1;
	b->compact = 0;
	b->padded = bnd == TP_BLUR_NEAREST || bnd == TP_BLUR_ZERO;
	/* unpadded, with the corners corrected, where the kernels are short
	 * beside their axes (blur_edges.c) */
	b->corr = b->padded && blur_edge_fits(b->o.kernel, bnd, nd,
	    b->shape, b->sigma, b->order, eps);
	if (b->corr)
		b->padded = 0;
	for (a = 0; a < nd; a++) {
		b->wshape[a] = b->shape[a];
		b->pad[a] = 0;
		b->cut[a] = 0;
		if (!blur_fft_axis(bnd, b->sigma[a], b->shape[a], b->order[a]))
			continue;
		if ((b->padded || b->corr) && b->shape[a] == 1) { /* scalar */
			b->gain *= blur_axis_gain(b, a);
			continue;
		}
		b->ax[b->nax++] = a;
		b->rot += b->order[a];
		if (b->padded) {
			b->pad[a] = blur_pad_for(b->o.kernel, b->sigma[a],
			    b->order[a], b->shape[a], eps, &b->cut[a]);
			b->wshape[a] = tp_fft_fast_len(TP_FFT_DCT2,
			    b->shape[a] + 2 * b->pad[a]);
			if (b->wshape[a] == 0)
				tp_die("axis %d of %zu with sigma %g needs a "
				    "transform too long to make", a,
				    b->shape[a], b->sigma[a]);
		}
	}
	/* reflect too (its rows in blocks that stay in cache, and their
	 * DCTs through real DFTs: rows_lines), but a spectrum several
	 * sigmas share needs a compact array, which one axis does not have,
	 * and the other axes must be gathered (a last axis of length 1,
	 * transformed for a derivative, leaves the one before ungathered) */
	b->compact = (b->padded || b->corr || (bnd == TP_BLUR_REFLECT &&
	    (b->nax >= 2 || !b->spectral) && b->shape[nd - 1] > 1)) &&
	    b->nax > 0 && b->ax[b->nax - 1] == nd - 1;
}

/* The spectrum's shape and the element counts for b's work shape (at
 * least one axis transformed), and the padded work array and the wrap
 * spectrum they need. */
static void
setup_fft_buffers(struct tp_blur *b)
{
	enum tp_blur_boundary bnd = b->o.boundary;
	size_t esz = b->single ? sizeof(float) : sizeof(double);
	int a, last, nd = b->ndim;

	last = b->ax[b->nax - 1];
	b->wcount = 1;
	for (a = 0; a < nd; a++) {
		b->sshape[a] = b->wshape[a];
		if (bnd == TP_BLUR_WRAP && a == last)
			b->sshape[a] = b->wshape[a] / 2 + 1;
		if (b->wcount > SIZE_MAX / 2 / b->wshape[a])
			tp_die("the padded array is too large");
		b->wcount *= b->wshape[a];
	}
	b->scount = 1;
	for (a = 0; a < nd; a++)
		b->scount *= b->sshape[a];
	if (b->padded && !b->compact)	/* compact: compact_work */
		b->work = tp_fft_alloc(b->wcount * esz);
	if (bnd == TP_BLUR_WRAP)
		b->spec = tp_fft_alloc(b->scount * 2 * esz);
}

/* The fft plans for b's work shape (data at data, for alignment), with
 * each axis's transform kinds and, for gathered axes, the buffers of the
 * gathered lines. */
static void
setup_fft_plans(struct tp_blur *b, void *data)
{
	enum tp_blur_boundary bnd = b->o.boundary;
	struct tp_fft_problem pb;
	size_t esz = b->single ? sizeof(float) : sizeof(double), n;
	int a, i, nd = b->ndim;

	/* plans: wrap r2c into spec, all axes at once; else one axis at a
	 * time in place on the work array */
	if (bnd == TP_BLUR_WRAP) {
		tp_fft_problem_axes(&pb, TP_FFT_R2C, nd, b->wshape, b->nax,
		    b->ax, 0);
		b->fwd = tp_fft_plan_new(TP_FFT_R2C, b->single, &pb, 0, 0,
		    data, b->spec);
		tp_fft_problem_axes(&pb, TP_FFT_C2R, nd, b->wshape, b->nax,
		    b->ax, 0);
		b->inv = tp_fft_plan_new(TP_FFT_C2R, b->single, &pb, 0,
		    TP_FFT_DESTROY, b->spec, data);
	} else {
		void *w = b->padded ? b->work : data;
		size_t inner, maxn = 0;

		b->blk = MAXBLK * sizeof(float) / esz;	/* 512 bytes */
		/* compact rows: about 128 kB of them at a time */
		b->rblk = ((size_t)128 << 10) / (b->wshape[nd - 1] * esz);
		b->rblk = b->rblk < 1 ? 1 : b->rblk > b->blk ? b->blk :
		    b->rblk;
		for (i = 0; i < b->nax; i++) {
			int odd;

			a = b->ax[i];
			n = b->wshape[a];
			odd = b->order[a] % 2;
			inner = 1;
			for (int j = a + 1; j < nd; j++)
				inner *= b->wshape[j];
			b->gathered[a] = inner > 1;
			b->shift[a] = b->ioff[a] = b->noinv[a] = 0;
			if (bnd == TP_BLUR_MIRROR && n >= 2) {
				b->fkind[a] = TP_FFT_DCT1;
				b->ikind[a] = odd ? TP_FFT_DST1 : TP_FFT_DCT1;
				b->ioff[a] = odd;
				b->noinv[a] = odd && n == 2;
			} else {
				b->fkind[a] = TP_FFT_DCT2;
				b->ikind[a] = odd ? TP_FFT_DST3 : TP_FFT_DCT3;
				b->shift[a] = odd;
			}
			if (b->gathered[a] || (b->compact && a == nd - 1)) {
				/* lines 64 bytes longer than the axis, so that
				 * a power-of-two length does not put every
				 * line in one cache set */
				b->gstride[a] = n + 64 / esz;
				b->gstride[a] += b->gstride[a] % 2; /* r2c */
				if (b->gstride[a] > maxn) {
					maxn = b->gstride[a];
					for (int t = 0; t < b->o.threads; t++) {
						tp_fft_free(b->gbuf[t]);
						b->gbuf[t] = tp_fft_alloc(
						    (2 * b->blk + 1) *
						    maxn * esz);
					}
				}
			}
			if (b->fkind[a] == TP_FFT_DCT2 && (b->gathered[a] ||
			    (b->compact && a == nd - 1)))
				dct_dft_plans(b, a, n);
			b->afwd[a] = axis_plan(b, b->fkind[a], a, n, 0, w);
			if (!b->noinv[a])
				b->ainv[a] = axis_plan(b, b->ikind[a], a,
				    n - 2 * (size_t)b->ioff[a], b->ioff[a], w);
		}
	}
}

/* The responses of b's transformed axes at sigma[] (b's own, or another
 * sigma on the same axes: blur_responses) at the frequencies of their
 * transforms, and the threshold below which the fused pass skips a
 * line, into rs. */
static void
fft_responses(const struct tp_blur *b, const double *sigma,
    struct blur_resp *rs)
{
	enum tp_blur_boundary bnd = b->o.boundary;
	size_t k, n, len;
	int a, i;
	double norm;

	/* responses (real: divided by i^order for wrap, whose spectrum is
	 * turned by i^rot instead; times the DCT/DST sign otherwise), with
	 * 1 / norm folded into the first axis's */
	if (bnd == TP_BLUR_WRAP) {
		norm = tp_fft_plan_norm(b->fwd);
	} else {
		norm = 1;
		for (i = 0; i < b->nax; i++)
			norm *= tp_fft_plan_norm(b->afwd[b->ax[i]]);
	}
	for (i = 0; i < b->nax; i++) {
		int ord, sign = 1;
		double *h;

		a = b->ax[i];
		ord = b->order[a];
		n = b->wshape[a];
		len = b->sshape[a];
		if (bnd != TP_BLUR_WRAP)
			sign = ord % 2 == 0 ? (ord / 2 % 2 ? -1 : 1) :
			    ((ord + 1) / 2 % 2 ? -1 : 1);
		h = rs->h[a] = tp_emalloc(len * sizeof(double));
		if (b->cut[a]) {
			blur_cut_response(b, a, h);
			for (k = 0; k < len; k++)
				h[k] *= sign * (i == 0 ? b->gain / norm : 1);
			continue;
		}
		for (k = 0; k < len; k++) {
			double f;

			if (bnd == TP_BLUR_WRAP)
				f = k <= n / 2 ? (double)k / (double)n :
				    ((double)k - (double)n) / (double)n;
			else if (b->fkind[a] == TP_FFT_DCT1)
				f = (double)k / (2.0 * (double)(n - 1));
			else
				f = (double)k / (2.0 * (double)n);
			h[k] = sign * tp_blur_response_order(b->o.kernel,
			    sigma[a], ord, f) * (i == 0 ? b->gain / norm : 1);
		}
	}
	/* a product of the other axes' responses below the working
	 * precision's 2^-17 part of its largest value changes nothing */
	rs->wthr = b->single ? 0x1p-41 : 0x1p-70;
	for (i = 1; i < b->nax; i++) {
		double mx = 0;

		a = b->ax[i];
		for (k = 0; k < b->sshape[a]; k++)
			mx = fmax(mx, fabs(rs->h[a][k]));
		rs->wthr *= mx;
	}
}

void
blur_responses(const struct tp_blur *b, const double *sigma,
    struct blur_resp *rs)
{
	memset(rs, 0, sizeof *rs);
	fft_responses(b, sigma, rs);
}

void
blur_resp_free(struct blur_resp *rs)
{
	for (int a = 0; a < TP_MAXDIM; a++) {
		free(rs->h[a]);
		rs->h[a] = NULL;
	}
}

/*
 * The compact work array of b (compact): the last axis's spectra up to
 * the last frequency q where |h(q)| times the largest product of the
 * responses of the axes between ax[0] and the last reaches the fused
 * pass's threshold (beyond it every line of ax[0] is skipped, so those
 * coefficients are 0 when transformed back), on every padded row.  With
 * the last axis alone transformed no array is needed (blur_fft.c
 * transforms each block of rows forward and back at once).
 */
static size_t
compact_len(const struct tp_blur *b, const struct blur_resp *rs)
{
	int last = b->ndim - 1, i;
	size_t q;
	double m = 1;

	for (i = 1; i < b->nax - 1; i++) {
		double mx = 0;

		for (q = 0; q < b->sshape[b->ax[i]]; q++)
			mx = fmax(mx, fabs(rs->h[b->ax[i]][q]));
		m *= mx;
	}
	for (q = b->wshape[last]; q > 1; q--)
		if (fabs(rs->h[last][q - 1]) * m * (1 + 0x1p-20) >= rs->wthr)
			break;
	return q;
}

static void
compact_work(struct tp_blur *b)
{
	size_t esz = b->single ? sizeof(float) : sizeof(double);

	b->crows = b->wcount / b->wshape[b->ndim - 1];
	b->kcomp = b->wshape[b->ndim - 1];
	if (b->nax < 2)
		return;
	b->kcomp = compact_len(b, &b->rs);
	b->work = tp_big_alloc(b->crows * (b->kcomp + b->kextra) * esz);
}

/*
 * The corner factors of b's transformed axes (b->corr), u scaled by
 * what the pass that applies it leaves to make up: the first axis's
 * fused pass has divided by the last axis's transform norm and
 * multiplied by the gain (the responses: fft_responses), so its
 * correction is gain / (the other axes' norms); the last axis's, at the
 * inverse rows, applies to projections that pass blurred with that
 * factor, and multiplies by the last norm back.  With one axis the
 * response holds the gain alone.  Then the per-thread projections.
 */
static void
edge_setup(struct tp_blur *b, double eps)
{
	size_t esz = b->single ? sizeof(float) : sizeof(double);
	int a0 = b->ax[0], last = b->ndim - 1, kmax = 0;

	if (b->nax == 1) {
		blur_edge_factors(b, a0, eps, b->gain);
	} else {
		double nl = tp_fft_plan_norm(b->afwd[last]);

		blur_edge_factors(b, last, eps, nl);
		if (b->sigma[a0] == b->sigma[last] &&
		    b->order[a0] == b->order[last])	/* the same factors */
			blur_edge_copy(&b->edge[a0], &b->edge[last],
			    b->gain / nl / nl, b->single);
		else
			blur_edge_factors(b, a0, eps, b->gain / nl);
		b->kextra = 2 * (size_t)b->edge[last].k;
	}
	for (int i = 0; i < b->nax; i++)
		if (b->edge[b->ax[i]].k > kmax)
			kmax = b->edge[b->ax[i]].k;
	for (int t = 0; t < b->o.threads; t++)
		b->pbuf[t] = tp_emalloc(MAXBLK * 2 * (size_t)(kmax + 1) * esz);
	tp_timing_stamp("edge factors");
}

void
blur_compact_fit(struct tp_blur *b, const struct blur_resp *sets, int nset)
{
	size_t esz = b->single ? sizeof(float) : sizeof(double), k = 1;

	if (!b->compact || b->nax < 2)
		return;
	for (int i = 0; i < nset; i++) {
		size_t q = compact_len(b, &sets[i]);

		k = q > k ? q : k;
	}
	if (k == b->kcomp)
		return;
	b->kcomp = k;
	free(b->work);
	free(b->mwork);
	b->mwork = NULL;
	b->work = tp_big_alloc(b->crows * b->kcomp * esz);
}

size_t
blur_compact_keep(const struct tp_blur *b, const struct blur_resp *rs)
{
	return b->compact && b->nax >= 2 ? compact_len(b, rs) : b->kcomp;
}

/* Make the work shape, responses and plans of the fft path for the
 * problem in b, whose data is at data (for alignment). */
void
blur_setup_fft(struct tp_blur *b, void *data, double eps)
{
	setup_fft_shape(b, eps);
	if (b->nax == 0)
		return;
	setup_fft_buffers(b);
	setup_fft_plans(b, data);
	fft_responses(b, b->sigma, &b->rs);
	if (b->corr)
		edge_setup(b, eps);
	if (b->compact)
		compact_work(b);
}
