/*
 * conv_impl.h - what lib/conv.c (the engine's interface, geometry, cost
 * model and non-finite inputs) and lib/conv_path.c (the FFT and direct
 * paths) share.  Not for other files.
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
 * Sizes: an element is nre reals (1 real, 2 complex) of rsz bytes each
 * (4 float, 8 double); esz = nre * rsz bytes.
 */
#ifndef TP_CONV_IMPL_H
#define TP_CONV_IMPL_H

#include "tpipe.h"
#include "conv.h"

/* One convolved axis: see the comment at the top of the file. */
struct conv_axis {
	size_t n;		/* signal length */
	size_t m;		/* kernel length */
	size_t lout;		/* output length */
	size_t s0;		/* window start of the mode */
	size_t pl;		/* left extension of the buffer's signal */
	size_t in;		/* (extended) signal samples in the buffer */
	size_t s;		/* where output 0 sits in the cyclic result */
	size_t L;		/* transform length (FFT, overlap-save) */
	size_t Lwhole;		/* transform length for the whole axis */
	size_t step;		/* outputs per tile (lout when whole) */
	size_t ntile;		/* tiles along the axis */
	int whole;		/* one tile: the whole axis */
};

/* How one signal shape is computed. */
struct conv_geom {
	int nax;		/* convolved axes (the kernel's) */
	size_t nb;		/* batch elements */
	size_t nin, nout;	/* elements per batch element */
	int nre;		/* reals per element: 1, or 2 for complex */
	size_t rsz;		/* bytes per real: 4 or 8 */
	int bnd;
	int method;
	int par;		/* FFT: tiles in parallel, one thread each */
	size_t ntiles;		/* FFT: tiles per batch element */
	struct conv_axis ax[TP_MAXDIM];
};

/*
 * The work that depends on the real type, made for float and double by
 * conv_typed.h.  Counts are of reals unless they say elements; arrays are
 * of that precision unless they say double.
 */
struct conv_ops {
	/* d[i] *= k[i] for n complex numbers */
	void (*cmul)(void *d, const void *k, size_t n);
	/* dst[i] += src[i] * scale for n reals (double in) */
	void (*add_double)(void *dst, const double *src, size_t n,
	    double scale);
	/* one block row of the direct sum: see conv_typed.h */
	void (*dir_row)(void *o, size_t cnt, const void *e, size_t rs,
	    const size_t *koff, size_t nkr, const void *kp, size_t ml,
	    int sign, int add);
	/* the same for nk (2 or 3) kernels kp[] of one geometry over one
	 * e, into o[], sign 1 and add 0 */
	void (*dir_rowk)(void *const *o, size_t nk, size_t cnt,
	    const void *e, size_t rs, const size_t *koff, size_t nkr,
	    const void *const *kp, size_t ml);
	size_t blk;		/* outputs per block of dir_row */
	/* split n complex numbers into planes re, im; and merge back */
	void (*split)(const void *x, void *re, void *im, size_t n);
	void (*merge)(void *x, const void *re, const void *im, size_t n);
	/* how many of n reals are NaN or infinite */
	size_t (*count_bad)(const void *x, size_t n);
	/* zero the n elements (nre reals each) holding a non-finite real
	 * and mark them in bad[]; bad[i] = 0 elsewhere */
	void (*clean)(void *x, size_t n, int nre, unsigned char *bad);
	/* NaN into the n elements marked in bad[] (all if bad is NULL) */
	void (*set_nan)(void *x, const unsigned char *bad, size_t n, int nre);
};

extern const struct conv_ops conv_ops_f, conv_ops_d;

struct tp_conv {
	struct tp_conv_opts o;
	int kdim;
	size_t m[TP_MAXDIM];
	size_t mcount;
	int knre;		/* reals per kernel element: 1, or 2 */
	double *hd;		/* kernel in convolution form, knre each */
	int kbad;		/* the kernel has a NaN or infinity */
	int allcorr;

	/* per signal shape */
	int ready;
	int xndim;
	size_t xshape[TP_MAXDIM];
	enum tp_dtype cdt;	/* compute and output dtype */
	const struct conv_ops *ops;
	struct conv_geom g;
	void *st;		/* the path's state, freed by st_free */
	void (*st_free)(void *);
	int last;
	double cost[3];	/* the model's estimates: -, fft, direct */
	int wisdom;		/* FFT plans all came from wisdom */
};

/* Index into a signal of length n (>= 1) for position i of its extension
 * by boundary bnd; -1 for a zero. */
ptrdiff_t conv_bmap(ptrdiff_t i, ptrdiff_t n, int bnd);

/*
 * Fill dst[0..len) (elements of esz bytes) from position start of the
 * buffer signal of one axis: position p holds the extended signal's
 * sample p - pl for 0 <= p < in (src by the boundary rule), else zero.
 */
void conv_fill_row(char *dst, size_t len, const char *src, ptrdiff_t start,
    const struct conv_axis *ax, int bnd, size_t esz);

/* The FFT path of real data on two whole axes in three passes
 * (conv_2d.c): whether g is such, and its state and run.  Its column
 * blocks are CONV_2D_RUN bytes wide. */
#define CONV_2D_RUN 128
int conv_2d_fits(const struct conv_geom *g);
void *conv_2d_setup(struct tp_conv *c);
void conv_2d_free(void *);
void conv_2d_run(struct tp_conv *c, const void *x, void *out);

/* Make c->st for c->g's method (plans, kernel spectrum or planes),
 * unless conv_2d_fits (conv.c chooses). */
void conv_path_setup(struct tp_conv *c);
/* out = x convolved, both in c->cdt, by c->g's method (after setup). */
void conv_path_run(struct tp_conv *c, const void *x, void *out);
/* outs[k] = x convolved with cs[k]'s kernel, k < nk, engines of one
 * geometry and method (after setup): on the direct path x is extended
 * once, in cs[0]'s buffers, for all of them. */
void conv_path_run_many(struct tp_conv *const *cs, size_t nk,
    const void *x, char *const *outs);

#endif
