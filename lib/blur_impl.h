/*
 * blur_impl.h - what the files of the blur engine share (lib/blur.c, the
 * interface, state and entry points; blur_opts.c, blur_response.c,
 * blur_axes.c, blur_edges.c, blur_taps.c, blur_fir.c, blur_fft.c,
 * blur_setup.c): the
 * engine's state, the per-precision arithmetic's table (blur_typed.h)
 * and the functions one file defines for another.  Not for other files.
 */
#ifndef TP_BLUR_IMPL_H
#define TP_BLUR_IMPL_H

#include "tpipe.h"
#include "engine.h"
#include "fft.h"
#include "blur.h"

/* The tail the FIR cut and the nearest/zero padding may leave out: the
 * working precision's unit roundoff. */
#define EPS_F64 0x1p-53
#define EPS_F32 0x1p-24

/* Beyond this sigma there are no FIR taps (there would be more than
 * 10^6) and no padding for nearest and zero. */
#define MAXSIGMA_FIR 1e5

/* The most lines an axis pass gathers at once. */
#define MAXBLK 128

/* For a body written over element size esz, called with a constant
 * esz, so that each element moved is one load and one store. */
#define BY_SIZE static inline __attribute__((always_inline)) void

/* The responses the fft path multiplies by: per array axis (NULL where
 * it is not transformed), at the frequencies of its transform, and the
 * threshold below which a line's product of the other axes' responses
 * counts as 0 (so that the fused pass skips it). */
struct blur_resp {
	double *h[TP_MAXDIM];
	double wthr;
};

/*
 * Zero or nearest along an axis as reflect minus a low-rank correction
 * at each end (blur_edges.c): output sample m from the edge loses
 * sum_t u_t[m] p_t, p_t = sum_j v_t[j] x[j] (x[j]: sample j from the
 * same edge).  ut, vt hold u_t, v_t at t r (left edge, u scaled for the
 * pass that applies it); ur, vr the same reversed, for the right edge's
 * last r samples in order, ur times sgn ((-1)^order).  Element type.
 */
struct blur_edge {
	int r, k;		/* corner size, rank (0: nothing to do) */
	double sgn;
	void *ut, *ur, *vt, *vr;
};

/* A corner's factors as made, before blur_edge_factors scales and rounds
 * them for a pass: u and v, r x k doubles (column t at t r), for the
 * kernel at sigma s, this order and eps. */
struct blur_edge_basis {
	double s, eps;
	int order, r, k;
	double *u, *v;
};

struct tp_blur {
	struct tp_blur_opts o;

	/* the problem the state below was made for */
	int valid, single, ndim;
	size_t shape[TP_MAXDIM];
	double sigma[TP_MAXDIM];
	int order[TP_MAXDIM];		/* derivative order per axis */
	int method;			/* TP_BLUR_FFT or TP_BLUR_FIR */

	/* fft: transform along the axes ax[0..nax) of the work array */
	int nax, ax[TP_MAXDIM];
	size_t wshape[TP_MAXDIM];	/* work array (padded) */
	size_t pad[TP_MAXDIM];		/* left padding per axis */
	int cut[TP_MAXDIM];	/* taps cut at the axis length (blur_pad_for) */
	double gain;	/* zero, nearest: the product of the length-1
			 * axes' factors (blur_axis_gain), which are not
			 * transformed */
	size_t sshape[TP_MAXDIM];	/* spectrum (complex for wrap) */
	int padded;
	/* padded, with the last axis transformed: its lines padded, moved
	 * and transformed in blocks in the gathered buffers, and their
	 * spectra kept only up to the last frequency where a line's
	 * response can matter (kcomp of them, in work: crows lines); the
	 * others' transforms run on that compact array, and the rows of
	 * padding are never transformed back */
	int compact;
	size_t kcomp, crows;
	/* zero, nearest unpadded (blur_edge_fits): the transforms of
	 * reflect, then each axis's corners corrected (edge, its factors);
	 * the compact rows hold, after the kcomp coefficients, kextra
	 * projections of the row's ends (the last axis's p_t, left then
	 * right), which the first axis's pass blurs with the rest */
	int corr;
	size_t kextra;
	struct blur_edge edge[TP_MAXDIM];
	void *pbuf[TP_MAXTHREADS];	/* per thread: MAXBLK lines' p */
	/* tp_blur_ahead: the corner factors of a problem (its key in
	 * ahead_*), made on the background job while the record is read;
	 * ahead_job set until the job is waited for, only then read */
	struct blur_edge_basis ahead[2];
	int nahead, ahead_job, ahead_single, ahead_ndim;
	size_t ahead_shape[TP_MAXDIM];
	double ahead_sigma[TP_MAXDIM];
	int ahead_order[TP_MAXDIM];
	size_t rblk;	/* compact: rows per block, a few to stay in cache */
	int spectral;	/* made for a spectrum several sigmas share
			 * (blur_fft_spectrum): compact under reflect too */
	void *mwork;	/* that spectrum's member, compact (kcomp wide) */
	/* compact: work and mwork are from tp_big_alloc (huge pages: their
	 * first touch is cheap), freed with free() */
	/* per axis: the DCT-II (and DCT-III inverse) as a real DFT of the
	 * lines of a gathered buffer (ops->dct_in ...; blk lines, or rblk
	 * rows of a compact last axis), and its twiddles */
	struct tp_fft_plan *rfwd[TP_MAXDIM], *rinv[TP_MAXDIM];
	void *dtw[TP_MAXDIM];
	struct blur_resp rs;		/* at sigma */
	struct tp_fft_plan *fwd, *inv;	/* wrap: all axes at once */
	/* the DCTs: one axis at a time, each either along the array
	 * (direct: the last axis) or on blocks of blk lines gathered apart
	 * (gathered: every other axis, whose strided transforms FFTW does
	 * several times slower) */
	struct tp_fft_plan *afwd[TP_MAXDIM], *ainv[TP_MAXDIM];
	int gathered[TP_MAXDIM];
	/* per axis: the kinds; an odd order goes back through DST-III
	 * (coefficients shifted down by one first) or, for mirror, DST-I on
	 * samples 1..n-2 (ends 0; none at all when n = 2) */
	enum tp_fft_kind fkind[TP_MAXDIM], ikind[TP_MAXDIM];
	int shift[TP_MAXDIM], ioff[TP_MAXDIM], noinv[TP_MAXDIM];
	int rot;			/* wrap: the spectrum times i^rot */
	size_t blk, gstride[TP_MAXDIM];	/* reals between gathered lines */
	void *gbuf[TP_MAXTHREADS];	/* per thread: 2 blk + 1 lines of the
					 * longest gathered axis */
	void *work;			/* padded array, or NULL */
	void *firbuf;			/* the FIR's second buffer */
	void *spec;			/* complex spectrum (wrap), or NULL */
	size_t wcount, scount;

	/* fir: taps per array axis */
	int radius[TP_MAXDIM];
	double *taps[TP_MAXDIM];
};

/*
 * The arithmetic per element type, from blur_typed.h; everything else
 * below works on reals of esz bytes (sizeof(float) or sizeof(double)).
 */
struct blur_ops {
	size_t esz;		/* bytes per real */
	/* o[j] = w[0] lo[0][j] + sum_{k=1..r} w[k] (lo[k][j] + hi[k][j])
	 * for j < cnt, with odd the antisymmetric sum_k w[k] (lo[k][j] -
	 * hi[k][j]); w as made by set_taps; o may not alias the rows */
	void (*fir_line)(void *o, size_t cnt, const void *const *lo,
	    const void *const *hi, const void *w, int r, int odd);
	/* w[k] = taps[k] in the element type, k = 0..r */
	void (*set_taps)(void *w, const double *taps, int r);
	/* a row of len elements of nreal reals (1 or 2) times wgt h[j] (wgt
	 * alone if h is NULL), then with nreal = 2 times i^rot */
	void (*scale_row)(void *v, size_t len, size_t nreal, double wgt,
	    const double *h, int rot);
	/* the DCT-II and -III of a line through a real DFT (blur_typed.h) */
	void (*dct_in)(void *v, const void *s, size_t L, size_t pl, size_t n,
	    int zero);
	void (*dct_out)(void *y, void *V, size_t L, size_t K,
	    const void *tw);
	void (*idct_in)(void *V, const void *y, size_t L, const void *tw);
	void (*idct_out)(void *x, const void *v, size_t L, size_t pl,
	    size_t n);
	/* p[0..k) and p[k..2k): the projections of a line of n (sample j
	 * at x[j xs]) on e's vt (left end) and vr (right end) */
	void (*edge_project)(void *p, const void *x, size_t xs, size_t n,
	    const struct blur_edge *e);
	/* that line's ends minus wgt times e's ut, ur combined by p */
	void (*edge_correct)(void *x, size_t xs, size_t n, const void *p,
	    double wgt, const struct blur_edge *e);
	/* the same for cnt lines side by side (line j's sample i at
	 * x[i xs + j]), their p as 2k rows of cnt (P[t cnt + j]), line j's
	 * correction times wgt[j] (P scaled in place) */
	void (*edge_project_lines)(void *P, const void *x, size_t xs,
	    size_t n, size_t cnt, const struct blur_edge *e);
	void (*edge_correct_lines)(void *x, size_t xs, size_t n, size_t cnt,
	    void *P, const double *wgt, const struct blur_edge *e);
};

/* blur.c: the arithmetic of float (single) or double. */
const struct blur_ops *blur_ops_for(int single);
/* Die when the kernel's centre weight overflows at these sigmas and
 * orders (what tp_blur_prepare checks first). */
void blur_check_weights(const struct tp_blur_opts *o, int ndim,
    const size_t *shape, const double *sigma, const int *order);

/* blur_response.c */
/* The sum over all integers n of exp(-n^2 / (2 s^2)). */
double blur_gauss_norm(double s);
/* Tap j of the order-n derivative of the sampled Gaussian, over z. */
double blur_deriv_tap(double s, int n, double j, double z);
/* The FIR radius of kernel k at sigma s, order, precision eps (0 for
 * s = 0, -1 when there is none). */
int blur_fir_radius(enum tp_blur_kernel k, double s, int order, double eps);

/* blur_axes.c */
/* The sample of an axis of n that index j holds under boundary b, or -1
 * for zero. */
ptrdiff_t blur_map_index(ptrdiff_t j, ptrdiff_t n, enum tp_blur_boundary b);
/* Whether the fft path transforms an axis (sigma s, length n, order). */
int blur_fft_axis(enum tp_blur_boundary bnd, double s, size_t n, int order);
/* The products of shape[0..a) and shape[a+1..ndim). */
void blur_extent(const size_t *shape, int ndim, int a, size_t *outer,
    size_t *inner);
/* Row number row of an array of shape sh into idx[0..nd-1). */
void blur_unravel_row(size_t row, int nd, const size_t *sh, size_t *idx);

/* blur_edges.c */
/* The padding per side of an axis of len under nearest and zero; *cut
 * set when the kernel is cut at len instead (blur_cut_response). */
size_t blur_pad_for(enum tp_blur_kernel k, double s, int order, size_t len,
    double eps, int *cut);
/* The response of axis a's kernel cut at the axis length, into out. */
void blur_cut_response(const struct tp_blur *b, int a, double *out);
/* The factor a length-1 axis a multiplies by under zero or nearest. */
double blur_axis_gain(const struct tp_blur *b, int a);
/* Whether the problem (zero or nearest) runs unpadded with its corners
 * corrected: one or two transformed axes, the last one among them, each
 * kernel short beside its axis (struct blur_edge). */
int blur_edge_fits(enum tp_blur_kernel k, enum tp_blur_boundary bnd, int nd,
    const size_t *shape, const double *sigma, const int *order, double eps);
/* The corner factors of kernel k at sigma s, this order, under bnd
 * (zero or nearest), into eb (free with blur_edge_basis_free).  Reads
 * nothing shared, and for the sampled and analytic kernels calls no
 * FFTW function (the discrete kernel's taps come from a transform): the
 * background job may make those. */
void blur_edge_basis(enum tp_blur_kernel k, enum tp_blur_boundary bnd,
    double s, int order, double eps, struct blur_edge_basis *eb);
void blur_edge_basis_free(struct blur_edge_basis *eb);
/* b->edge[a]: axis a's corner factors, u times scale: those made ahead
 * (tp_blur_ahead, waited for here) where they are for this axis, else
 * made now. */
void blur_edge_factors(struct tp_blur *b, int a, double eps, double scale);
/* d: a copy of e with u times scale (another axis of the same kernel). */
void blur_edge_copy(struct blur_edge *d, const struct blur_edge *e,
    double scale, int single);
void blur_edge_free(struct blur_edge *e);

/* blur_taps.c */
/* The sampled kernel's order-n taps h[0..m], *tail the sum beyond m. */
void blur_sampled_taps(double s, int n, double *h, size_t m, double *tail);
/* The discrete kernel's order-n taps h[0..m] (radius r), *tail the sum
 * beyond m; not where a power-law tail is left (blur_pad_for's cut 1). */
void blur_discrete_taps(double s, int n, size_t r, double *h, size_t m,
    double *tail);

/* blur_fir.c */
/* Blur src (b's problem, reals of ops's type) by the FIR passes into
 * data: src itself, or a buffer apart from it (no copy first). */
void blur_run_fir(struct tp_blur *b, const struct blur_ops *ops,
    const void *src, void *data);

/* blur_fft.c */
/* Blur data (b's problem, reals of ops's type) through the transforms. */
void blur_run_fft(struct tp_blur *b, const struct blur_ops *ops, void *data);
/*
 * One spectrum for several sigmas (reflect and mirror: b's problem
 * unpadded, b->nax > 0): data's transform along every transformed axis
 * into spec (the first one, ax[0], only on the lines that one of the
 * response sets sets[0..nset) keeps; the others are left undefined);
 * then, for each set, that spectrum times the set's responses and
 * transformed back into out.  When b is compact (b->spectral) the
 * spectrum is b's compact array instead and spec is not used.
 */
void blur_fft_spectrum(struct tp_blur *b, const struct blur_ops *ops,
    const void *data, void *spec, const struct blur_resp *sets, int nset);
void blur_fft_member(struct tp_blur *b, const struct blur_ops *ops,
    const void *spec, void *out, const struct blur_resp *rs);

/* blur_setup.c (and tp_blur_cost, blur.h) */
/* Make the FIR taps for the problem in b. */
void blur_setup_fir(struct tp_blur *b, double eps);
/* Make the fft path's state for the problem in b, data at data. */
void blur_setup_fft(struct tp_blur *b, void *data, double eps);
/* The responses of b's transforms (set up by blur_setup_fft, not padded)
 * at sigma[] instead of b's, into rs (blur_resp_free frees them). */
void blur_responses(const struct tp_blur *b, const double *sigma,
    struct blur_resp *rs);
void blur_resp_free(struct blur_resp *rs);
/* b compact: kcomp widened to what each of sets[0..nset) keeps. */
void blur_compact_fit(struct tp_blur *b, const struct blur_resp *sets,
    int nset);
/* b compact: the coefficients of the last axis the responses rs keep
 * (at most kcomp, once fitted to them); else kcomp. */
size_t blur_compact_keep(const struct tp_blur *b, const struct blur_resp *rs);

#endif
