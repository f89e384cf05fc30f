/*
 * blur.h - Gaussian blur of in-memory tensors (the engine behind tblur).
 *
 * No kernel is sampled and transformed: the frequency response is
 * computed in closed form (man/tblur.1 gives the three formulas) and
 * applied through the transform that matches the boundary exactly:
 * reflect through DCT-II/DCT-III, mirror through DCT-I, wrap through
 * r2c/c2r; nearest and zero are padded by the kernel's own radius at
 * the working precision, then go through DCT-II/III (the last axis in
 * blocks of rows, keeping only the frequencies that matter), except that a
 * kernel whose radius reaches the axis length (any kernel at a sigma
 * wide for the axis; a band-limited one whose taps fall off too slowly
 * for any padding: analytic, discrete derivatives, at small sigma) is
 * cut at the axis length, its tail folded into the last tap under
 * nearest, and goes through the padded DCT with the transform of those
 * exact taps; a length-1 axis is then a scalar factor.
 * Odd Gaussian derivatives (the order of scipy.ndimage.gaussian_filter)
 * go back through the matching sine transform (DST-III, DST-I).  Small
 * sigmas go through a separable FIR filter with the same result (the
 * kernel cut where its tail falls below the working precision).  Every
 * axis is filtered separately, so batch axes (sigma 0) are never mixed.
 * Plans and responses are made once per record shape, sigma and order
 * and reused for the next record of that shape.
 *
 * Call tp_fft_init (fft.h) first to choose the planner mode and FFTW's
 * threads.
 */
#ifndef TP_BLUR_H
#define TP_BLUR_H

#include "tpipe.h"

enum tp_blur_boundary {
	TP_BLUR_REFLECT, TP_BLUR_MIRROR, TP_BLUR_NEAREST, TP_BLUR_WRAP,
	TP_BLUR_ZERO
};
enum tp_blur_kernel { TP_BLUR_SAMPLED, TP_BLUR_ANALYTIC, TP_BLUR_DISCRETE };
enum tp_blur_method { TP_BLUR_AUTO, TP_BLUR_FFT, TP_BLUR_FIR };

#define TP_BLUR_MAXORDER 8	/* the highest derivative order */

/* The words of --boundary, --kernel and --method (tp_choice). */
extern const struct tp_choice tp_blur_boundaries[], tp_blur_kernels[],
    tp_blur_methods[];

struct tp_blur_opts {
	int nsigma;		/* 1: for every blurred axis; else one each */
	double sigma[TP_MAXDIM];	/* >= 0 and finite */
	int norder;		/* 0: none; 1: for every blurred axis; else one
				 * per blurred axis */
	int order[TP_MAXDIM];	/* derivative order, 0..TP_BLUR_MAXORDER */
	int naxes;		/* 0: the default axes (see tp_blur_sigmas) */
	int axes[TP_MAXDIM];	/* as numpy: -1 is the last axis */
	enum tp_blur_boundary boundary;
	enum tp_blur_kernel kernel;
	enum tp_blur_method method;
	int threads;		/* >= 1 */
};

/* Defaults: sigma 1 everywhere, default axes, reflect, sampled, auto,
 * one thread. */
void tp_blur_opts_init(struct tp_blur_opts *);

/*
 * The options alone make sense: sigmas finite and >= 0, orders in
 * 0..TP_BLUR_MAXORDER, no more sigmas or orders than --axes entries when
 * axes are listed (nor a different number of each), no axis listed
 * twice, --method fir only with a kernel it can compute exactly.
 * Returns NULL or a message naming the value.
 */
tp_why tp_blur_opts_check(const struct tp_blur_opts *,
    struct tp_msg *m);

/*
 * The sigma and derivative order of each axis of a tensor of ndim axes
 * and this shape, in sigma[0..ndim) (0: not blurred) and, unless NULL,
 * order[0..ndim).  Axes: those listed, else every axis except a trailing
 * one of length 1-4 on a tensor of 3 or more axes (image channels).  One
 * sigma (order) applies to every blurred axis, else there must be one
 * per blurred axis.  Returns NULL, or a message saying what does not fit
 * (an axis that does not exist, more sigmas or orders than axes).
 */
tp_why tp_blur_sigmas(const struct tp_blur_opts *, int ndim,
    const size_t *shape, double *sigma, int *order, struct tp_msg *m);

/*
 * The index of the channel axis the default rule leaves alone, or -1:
 * the last axis when there are 3 or more and it has 1 to 4 entries.
 */
int tp_blur_channel_axis(int ndim, const size_t *shape);

struct tp_blur;

struct tp_blur *tp_blur_new(const struct tp_blur_opts *);
void tp_blur_free(struct tp_blur *);

/*
 * Blur data in place: a C-order array of ndim axes with this shape, of
 * float (single) or double, with sigma[a] on axis a (0: left alone) and,
 * unless order is NULL, the order[a]-th derivative of the Gaussian
 * there (as scipy.ndimage.gaussian_filter's order; ignored where sigma
 * is 0).  Values must be finite (a NaN or infinity spreads through the
 * transforms: see man/tblur.1).
 */
void tp_blur_run(struct tp_blur *, void *data, int single, int ndim,
    const size_t *shape, const double *sigma, const int *order);
/*
 * What tp_blur_run makes for a problem before it blurs (the method, the
 * taps or the plans and responses), without touching data (its address
 * alone is used, for alignment): dies on a problem it cannot blur, as
 * tp_blur_run would.
 */
void tp_blur_prepare(struct tp_blur *, void *data, int single, int ndim,
    const size_t *shape, const double *sigma, const int *order);

/*
 * Between a record's header and its data: start making what
 * tp_blur_run will need for that problem that depends on neither the
 * data nor FFTW (the corner factors of zero and nearest, but the
 * discrete kernel's, whose taps come from a transform) on
 * the background job (tp_background_start, engine.h), so that it is
 * made while the caller reads the data; tp_blur_run (or tp_blur_free)
 * waits for it.  Until then the caller must not use the background job
 * itself.  Only for a record of at most 2^23 samples (64 MiB as
 * doubles) unless trusted (the input vouches for its size:
 * tp_reader_holds_record): the factors take up to 6 bytes per sample of
 * the record.  Changes no result.
 */
void tp_blur_ahead(struct tp_blur *, int single, int ndim,
    const size_t *shape, const double *sigma, const int *order, int trusted);

/*
 * Blur the float32 or float64 tensor t in place as tblur blurs a record:
 * sigma[a] and order[a] per axis (tp_blur_sigmas).  full is the full
 * scale of an 8- or 16-bit image turned into floats (255 or 65535), or 0
 * for data that is not an image.  An image whose channel axis
 * (tp_blur_channel_axis) is left alone and holds 2 or 4 channels has its
 * alpha last: its colors are blurred premultiplied by alpha and then
 * divided by the blurred alpha (color 0 where that is below 0.5), unless
 * a derivative is taken.  With linear, the colors are sRGB-encoded (full
 * scale full, or 1 when full is 0): decoded to linear light before the
 * blur and encoded after.  When no axis is blurred (every sigma is 0, or
 * only length-1 axes have one under a boundary that extends them with
 * their own value) t is left exactly as it is.  Values must be finite.
 */
void tp_blur_record(struct tp_blur *, struct tp_tensor *t,
    const double *sigma, const int *order, double full, int linear);

/* The method the last tp_blur_run used (TP_BLUR_FFT or TP_BLUR_FIR). */
int tp_blur_last_method(const struct tp_blur *);
/* One line on the last run for --verbose: "dct-ii 512x512" or
 * "fir 37x37 taps"; under --plan measure or patient, then whether the
 * FFT plans were measured or came from wisdom alone (", plans from
 * wisdom"). */
char *tp_blur_describe(const struct tp_blur *, char *buf, size_t len);

/*
 * Cost model of --method auto (bench/tblur-cost-model.md): the estimated
 * seconds of method (TP_BLUR_FFT or TP_BLUR_FIR) on this problem;
 * HUGE_VAL when the method cannot give the exact result.
 */
double tp_blur_cost(const struct tp_blur *, int method, int single,
    int ndim, const size_t *shape, const double *sigma, const int *order);

/*
 * The FIR taps of kernel k at sigma s, cut where the two tails together
 * hold less than eps: w[0..r] with w[j] the weight at offset +-j,
 * summing (w[0] + 2 w[1] + ...) to 1.  Returns r, or -1 when the kernel
 * has no such short form (analytic at sigma below about 2.75, any kernel
 * at sigma above 1e5) or r would exceed maxr; w must hold maxr + 1
 * values.
 */
int tp_blur_taps(enum tp_blur_kernel k, double s, double eps, double *w,
    int maxr);

/*
 * The frequency response of kernel k at sigma s for frequency f in
 * cycles per sample (any real f; sampled and discrete are periodic).
 */
double tp_blur_response(enum tp_blur_kernel k, double s, double f);

/*
 * The response of the order-th derivative, divided by i^order (so
 * real): for the sampled kernel the DTFT of SciPy's derivative taps,
 * sum_m (2 pi (f + m))^N exp(-2 pi^2 s^2 (f + m)^2) / sum_m exp(-2 pi^2
 * s^2 m^2); for the others (2 pi f)^N times their response, f principal.
 */
double tp_blur_response_order(enum tp_blur_kernel k, double s, int order,
    double f);

/*
 * SciPy's derivative taps of the sampled kernel (gaussian_filter's
 * order): w[j] = q(j) g[j], j = 0..r, g the normalised sampled Gaussian
 * and q the polynomial of the order-th derivative of exp(-x^2/(2 s^2));
 * the weight at -j is (-1)^order w[j].  Cut where the tails hold less
 * than eps times the sum of |taps|.  Returns r or -1, as tp_blur_taps.
 */
int tp_blur_taps_order(double s, int order, double eps, double *w,
    int maxr);

/*
 * The Gaussian family (blur_family.c): what one record becomes.
 *   TP_BLUR_SCALES: the record blurred with each of scale[0..nscale),
 *     on every blurred axis, stacked on a new leading axis;
 *   TP_BLUR_DOG: blurred with scale[0] minus blurred with scale[1];
 *   TP_BLUR_LOG: the sum over the blurred axes a of the record blurred
 *     with the second derivative on a (scipy.ndimage.gaussian_laplace);
 *   TP_BLUR_GRADMAG: the square root of the sum over the blurred axes of
 *     the first derivative on a, squared (gaussian_gradient_magnitude);
 *   TP_BLUR_UNSHARP: ImageMagick's -unsharp: d = x - blurred x, and x +
 *     amount d where |2 d| >= threshold times the full scale (1 for data
 *     that is not an image), else x.
 */
#define TP_BLUR_MAXSCALES 64	/* >= TP_MAXDIM: LOG and GRADMAG use one
				 * engine per axis */

enum tp_blur_kind {
	TP_BLUR_ONE, TP_BLUR_SCALES, TP_BLUR_DOG, TP_BLUR_LOG,
	TP_BLUR_GRADMAG, TP_BLUR_UNSHARP
};

struct tp_blur_form {
	enum tp_blur_kind kind;
	int nscale;				/* SCALES, DOG */
	double scale[TP_BLUR_MAXSCALES];
	double amount, threshold;		/* UNSHARP */
};

struct tp_blur_family;

struct tp_blur_family *tp_blur_family_new(const struct tp_blur_opts *,
    const struct tp_blur_form *);
void tp_blur_family_free(struct tp_blur_family *);
/* How many records' worth the form makes of one (nscale for SCALES). */
size_t tp_blur_family_count(const struct tp_blur_form *);
/*
 * The form of the float32 or float64 record t (left as it is), with
 * sigma[a] and order[a] per axis as tp_blur_record takes them (SCALES
 * and DOG put their scales on the axes whose sigma is above 0; LOG,
 * GRADMAG and UNSHARP take no order), full and linear as there: a new
 * tensor of t's type, shaped (nscale, t's shape) for SCALES, else as t.
 */
struct tp_tensor tp_blur_family_record(struct tp_blur_family *,
    const struct tp_tensor *t, const double *sigma, const int *order,
    double full, int linear);
/*
 * The SCALES form one member at a time, so that a stack need not be held
 * whole: begin with the record t (kept by pointer until the next begin;
 * the rest as tp_blur_family_record takes them), which makes every
 * member's problem (dying, before any member is made, on one that
 * cannot be blurred); then member i, t blurred with scale[i], into at
 * (t->nbytes there), in any order.
 */
void tp_blur_family_begin(struct tp_blur_family *, const struct tp_tensor *t,
    const double *sigma, const int *order, double full, int linear);
void tp_blur_family_scale(struct tp_blur_family *, int i, void *at);
/* An engine of the family that has run (for tp_blur_describe). */
struct tp_blur *tp_blur_family_first(struct tp_blur_family *);

#endif
