/*
 * fft.h - FFTW for every engine that transforms (conv, blur, ...).
 *
 * Setup: tp_fft_init once before planning starts FFTW's threads for both
 * precisions, sets the default thread count and the planner mode and
 * imports wisdom from the system (/etc/fftw/wisdom, /etc/fftw/wisdomf)
 * and from $XDG_CACHE_HOME/tpipe/ (default ~/.cache/tpipe/).  After
 * planning with TP_PLAN_MEASURE or TP_PLAN_PATIENT, tp_fft_save_wisdom
 * writes the accumulated wisdom back there, atomically.  The default,
 * TP_PLAN_ESTIMATE, never spends seconds planning; it still uses any
 * wisdom that a measured run left behind.
 *
 * Plans: a transform of one kind along some axes of an array, batched
 * over the others (FFTW's guru64 interface: the transformed axes are its
 * dims, the others its howmany_dims), in float or double, in place or
 * out of place, any strides.  A plan is made once per shape and executed
 * on any arrays of that layout (FFTW's new-array execute), from several
 * threads at once if it was made with threads = 1.  Planning never
 * touches the caller's data: a measuring planner runs on scratch arrays.
 * Plan from one thread at a time.
 *
 * Transforms are unnormalised, as FFTW's: a forward transform followed
 * by its inverse multiplies by tp_fft_plan_norm.
 */
#ifndef TP_FFT_H
#define TP_FFT_H

#include <stddef.h>

#include "tpipe.h"

enum tp_plan { TP_PLAN_ESTIMATE, TP_PLAN_MEASURE, TP_PLAN_PATIENT };

/* The words of --plan: "estimate", "measure", "patient" (tp_choice). */
extern const struct tp_choice tp_fft_plans[];

/* Start FFTW threads, set the default threads per plan (>= 1) and the
 * planner mode, import wisdom.  May be called again to change them. */
void tp_fft_init(int threads, enum tp_plan plan);
/* The threads and mode tp_fft_init was given. */
int tp_fft_threads(void);
enum tp_plan tp_fft_plan_mode(void);
/* Write wisdom to $XDG_CACHE_HOME/tpipe/wisdom-f64 and wisdom-f32 when
 * the mode is measure or patient and new plans were made; quietly does
 * nothing if the cache directory cannot be written (a warning only). */
void tp_fft_save_wisdom(void);

/* --- transforms ---------------------------------------------------------- */

enum tp_fft_kind {
	TP_FFT_R2C,	/* real -> complex: n/2+1 of them on the last
			 * transformed axis */
	TP_FFT_C2R,	/* its inverse (FFTW_BACKWARD); destroys its input
			 * when more than one axis is transformed */
	TP_FFT_FWD,	/* complex -> complex, exp(-2 pi i jk/n) */
	TP_FFT_BWD,	/* complex -> complex, exp(+2 pi i jk/n) */
	TP_FFT_DCT1,	/* real, FFTW's REDFT00 (n >= 2); its own inverse */
	TP_FFT_DCT2,	/* real, REDFT10; inverse DCT3 */
	TP_FFT_DCT3,	/* real, REDFT01; inverse DCT2 */
	TP_FFT_DST1,	/* real, RODFT00; its own inverse */
	TP_FFT_DST2,	/* real, RODFT10; inverse DST3 */
	TP_FFT_DST3,	/* real, RODFT01; inverse DST2 */
	TP_FFT_DCT4,	/* real, REDFT11; its own inverse */
	TP_FFT_DST4	/* real, RODFT11; its own inverse */
};

/*
 * The smallest length >= n for which a transform of this kind is fast in
 * FFTW (1 for n <= 1); 0 on overflow.  R2C, C2R: even and 7-smooth
 * (2^a 3^b 5^c 7^d); FWD, BWD, DCT2..4, DST2..4: 7-smooth; DCT1:
 * n-1 7-smooth; DST1: n+1 7-smooth.
 */
size_t tp_fft_fast_len(enum tp_fft_kind kind, size_t n);

/*
 * One axis of a problem: its logical length n (the real side's, for R2C
 * and C2R) and its strides, >= 0, in elements of the input and of the
 * output (reals or complex numbers).
 */
struct tp_fft_dim {
	size_t n;
	ptrdiff_t is, os;
};

/* Transform along dims[0..rank), for every index of loop[0..nloop).  For
 * R2C and C2R the complex side has dims[rank-1].n/2+1 elements on the
 * last transformed axis. */
struct tp_fft_problem {
	int rank, nloop;
	struct tp_fft_dim dims[TP_MAXDIM], loop[TP_MAXDIM];
};

/*
 * The problem for a C-order array of ndim axes with logical shape shape,
 * transformed along the naxes axes listed in axes (ascending), batched
 * over the others.  Out of place, input and output are each C order with
 * their own shape (the complex side's last transformed axis has n/2+1).
 * In place, R2C and C2R use FFTW's padded layout: the real side's last
 * transformed axis holds 2(n/2+1) reals, of which n are the signal.
 * Dies (an internal error) on bad axes.
 */
void tp_fft_problem_axes(struct tp_fft_problem *pb, enum tp_fft_kind kind,
    int ndim, const size_t *shape, int naxes, const int *axes, int inplace);

/* Flags of tp_fft_plan_new. */
#define TP_FFT_INPLACE	1u	/* executed with in == out */
#define TP_FFT_DESTROY	2u	/* may overwrite the input (faster) */

struct tp_fft_plan;

/*
 * A plan for problem pb of this kind in float (single) or double, run on
 * threads threads per execute (0: tp_fft_threads(); 1 for a plan that
 * several threads execute at once).  in and out, if not NULL, are arrays
 * the plan will be executed on, for their alignment only; they are not
 * touched.  Arrays from tp_fft_alloc, malloc or tp_big_alloc all have the
 * same alignment.  Dies when FFTW cannot plan, naming the lengths.
 */
struct tp_fft_plan *tp_fft_plan_new(enum tp_fft_kind kind, int single,
    const struct tp_fft_problem *pb, int threads, unsigned flags,
    const void *in, const void *out);
void tp_fft_plan_free(struct tp_fft_plan *);

/*
 * Run the plan on in and out (float or double, complex interleaved, as
 * the kind says).  in == out exactly when the plan is TP_FFT_INPLACE;
 * the arrays must have the alignment the plan was made for (dies, an
 * internal error, if not).  Thread-safe.
 */
void tp_fft_execute(const struct tp_fft_plan *, void *in, void *out);

/* 1 when in and out have the alignment the plan was made for (so that
 * tp_fft_execute takes them), else 0: a plan cache's test. */
int tp_fft_plan_fits(const struct tp_fft_plan *, const void *in,
    const void *out);

/* 1 when the plan came from wisdom without measuring (under
 * TP_PLAN_MEASURE or TP_PLAN_PATIENT; always 0 under TP_PLAN_ESTIMATE). */
int tp_fft_plan_from_wisdom(const struct tp_fft_plan *);
/* Reals (float or double) the input and output arrays must hold. */
size_t tp_fft_plan_in_len(const struct tp_fft_plan *);
size_t tp_fft_plan_out_len(const struct tp_fft_plan *);
/* The factor a transform and its inverse multiply by: the product over
 * the transformed axes of n (DFTs), 2n (DCT2..4, DST2..4), 2(n-1)
 * (DCT1) or 2(n+1) (DST1). */
double tp_fft_plan_norm(const struct tp_fft_plan *);

/* --- along axes, gathering lines where FFTW is slow ------------------ */

/*
 * The transform of tp_fft_problem_axes's problem (kind along the naxes
 * axes listed in axes, ascending, of a C-order array of ndim axes with
 * logical shape shape, batched over the others; in place unless R2C or
 * C2R, out of place with the complex side C order and n/2+1 long on the
 * last listed axis): FFTW's own plan of it, unless the array is large
 * and its lines along some axis lie a multiple of 16 KiB apart (a
 * power-of-two length, such as 4096 complex numbers), where FFTW's plan
 * took 2 to 5 times as long.  Then it runs one axis at a time: the last
 * axis of the array along it (one FFTW plan, threads threads), every
 * other axis in blocks of lines gathered into a buffer of each thread's
 * (tp_parallel, threads threads); R2C transforms the halved axis first
 * and the others on its output, C2R the others first on its input and
 * the halved axis last.  Destroys the input of R2C and C2R.  threads 0:
 * tp_fft_threads().  how: -1 chooses as above, 0 takes FFTW's plan, 1
 * goes axis by axis (for tests).  in and out, for their alignment only:
 * arrays it will run on (tp_fft_axes_fits).
 */
struct tp_fft_axes;
struct tp_fft_axes *tp_fft_axes_new(enum tp_fft_kind kind, int single,
    int ndim, const size_t *shape, int naxes, const int *axes, int threads,
    int how, const void *in, const void *out);
/*
 * R2C along the axes (as tp_fft_axes_new), axis by axis, into the full
 * layout: the complex side C order with the halved axis h at its full
 * length n, each line's first n/2+1 points written and the rest left to
 * a caller that fills them by symmetry (tfft's fftn of a real record),
 * so the half needs no moving afterwards.  NULL when a line is too long
 * for the gathered blocks.
 */
struct tp_fft_axes *tp_fft_axes_new_r2c_full(int single, int ndim,
    const size_t *shape, int naxes, const int *axes, int threads,
    const void *in, const void *out);
/*
 * The same output (the full layout), every point of it: the first
 * listed axis halved instead, its lines gathered (real to complex),
 * the axes between gathered on that half, and the array's last axis,
 * which must be listed, in blocks of rows that each write their
 * conjugate mirror images (X[k] = conj X[-k], -k modulo the length on
 * every transformed axis) into the other half while in cache: the
 * whole output written once, no pass after.  NULL for one axis, the
 * last axis not listed or a line too long for the blocks.
 */
struct tp_fft_axes *tp_fft_axes_new_r2c_first(int single, int ndim,
    const size_t *shape, int naxes, const int *axes, int threads,
    const void *in, const void *out);
/* 1 when the plan is r2c_first's: the whole full output is written. */
int tp_fft_axes_fills(const struct tp_fft_axes *);
/* r2c_first's output is written with non-temporal stores when its
 * input and output outgrow the cache; for tests, 1 or 0 says so
 * whatever the size. */
void tp_fft_axes_set_stream(struct tp_fft_axes *, int on);
void tp_fft_axes_run(const struct tp_fft_axes *, void *in, void *out);
/*
 * A plan that runs in place as pieces of its array, one after another
 * in memory (a batch cut along the array's first axis): their number,
 * and in *bytes the bytes of each (the last may hold fewer); 0 for any
 * other plan.  Piece i reads and writes the array's bytes [i *bytes,
 * (i + 1) *bytes) alone, so it may run as soon as they hold the input,
 * on any thread, beside other pieces (tp_fft_axes_run_piece); running
 * every piece is tp_fft_axes_run.
 */
size_t tp_fft_axes_pieces(const struct tp_fft_axes *, size_t *bytes);
void tp_fft_axes_run_piece(const struct tp_fft_axes *, size_t i,
    void *arr);
/* 1 when it goes axis by axis, 0 on FFTW's plan of the whole. */
int tp_fft_axes_by_axis(const struct tp_fft_axes *);
/* 1 when in and out have the alignment the plans were made for. */
int tp_fft_axes_fits(const struct tp_fft_axes *, const void *in,
    const void *out);
void tp_fft_axes_free(struct tp_fft_axes *);

/* n bytes aligned for SIMD (fftw_malloc); dies naming the size.  Free
 * with tp_fft_free. */
void *tp_fft_alloc(size_t n);
void tp_fft_free(void *);

#endif
