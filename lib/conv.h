/*
 * conv.h - N-D convolution and correlation (the engine behind tconv).
 *
 * The kernel's k axes apply to the signal's last k axes; leading axes
 * are batch axes and are never mixed.  Per kernel axis the operation is
 * convolution or correlation (= convolution with the kernel reversed on
 * that axis; when every axis is correlation a complex kernel is also
 * conjugated, as scipy.signal.correlate does).  Modes are those of
 * scipy.signal.convolve; a boundary other than zero extends the signal
 * (see man/tconv.1 for the equations).
 *
 * Real inputs use FFTW r2c/c2r, complex ones c2c; small kernels are
 * convolved directly; a long 1-D signal with a much shorter kernel goes
 * through overlap-save.  Kernel spectra and plans are made once per
 * signal shape and reused for every record of that shape.
 *
 * Call tp_fft_init (fft.h) before the first tp_conv_run to choose the
 * planner mode and load wisdom; otherwise FFTW starts with FFTW_ESTIMATE.
 * The engine prints nothing: --verbose timing is the tool's (engine.h),
 * and tp_conv_describe says what the last run did.
 */
#ifndef TP_CONV_H
#define TP_CONV_H

#include "tpipe.h"

enum tp_conv_mode { TP_CONV_FULL, TP_CONV_SAME, TP_CONV_VALID };
enum tp_conv_boundary {
	TP_BND_ZERO, TP_BND_WRAP, TP_BND_REFLECT, TP_BND_MIRROR, TP_BND_NEAREST
};
enum tp_conv_method {
	TP_METHOD_AUTO, TP_METHOD_FFT, TP_METHOD_DIRECT,
	TP_METHOD_OVERLAP	/* overlap-save; reported, and may be asked */
};

/* The words of --mode, --boundary, --method (overlap-save is only
 * reported) and of each --op entry (value 1: correlation), for
 * tp_choice. */
extern const struct tp_choice tp_conv_modes[], tp_conv_boundaries[],
    tp_conv_methods[], tp_conv_ops[];
/* The name of a method, overlap-save too, for reports. */
const char *tp_conv_method_name(int);

struct tp_conv_opts {
	enum tp_conv_mode mode;
	enum tp_conv_boundary boundary;
	enum tp_conv_method method;
	/* corr[a] = 1: correlation on kernel axis a; ncorr entries given
	 * (0: convolution everywhere). */
	int ncorr;
	unsigned char corr[TP_MAXDIM];
	int dtype;		/* TP_F4, TP_F8, or -1: the signal's */
	int threads;		/* >= 1 */
	/* For measuring the cost model: ntile > 0 forces the FFT path's
	 * tile length on kernel axes 0..ntile-1, tile[a] samples (0, or a
	 * length not between the kernel's and the whole axis's: the whole
	 * axis); later axes are whole.  0: the model chooses. */
	int ntile;
	size_t tile[TP_MAXDIM];
};

/* Defaults: full mode, zero boundary, auto method, conv, threads 1. */
void tp_conv_opts_init(struct tp_conv_opts *);

struct tp_conv;

/*
 * Prepare *cp to convolve with kernel k (any dtype; copied).  A 0-d
 * kernel is taken as shape (1,).  Returns NULL, or a message (in m, or a
 * literal) when the kernel is empty -- a fault of the data -- or when
 * o->ncorr is neither 0, 1 nor the kernel's number of axes -- a fault of
 * the options; *cp is then NULL.
 */
tp_why tp_conv_new(struct tp_conv **cp, const struct tp_tensor *k,
    const struct tp_conv_opts *o, struct tp_msg *m);
void tp_conv_free(struct tp_conv *);

/* The kernel's number of axes (after a 0-d kernel became 1-D). */
int tp_conv_kernel_ndim(const struct tp_conv *);

/*
 * The output header (dtype and shape, data NULL) for a signal with
 * header x.  Returns NULL, or a message in m saying what does not fit
 * (the kernel has more axes than the signal; valid mode with a kernel
 * larger than the signal, naming the axis and the sizes; an output
 * shape that overflows).
 */
tp_why tp_conv_out_header(const struct tp_conv *,
    const struct tp_tensor *x, struct tp_tensor *out, struct tp_msg *m);

/*
 * out = x convolved with the kernel.  out's data is allocated here (free
 * with tp_free).  Dies with the tp_conv_out_header message if x does not
 * fit.  Non-finite inputs: see man/tconv.1 (NaN covers the outputs whose
 * kernel window holds a NaN or infinity, on every method).
 */
void tp_conv_run(struct tp_conv *, const struct tp_tensor *x,
    struct tp_tensor *out);

/*
 * Several kernels over one signal: outs[i] = x convolved with the
 * kernel of cs[i], for i < n (0: nothing is done), each exactly (byte
 * for byte) what tp_conv_run(cs[i], x, &outs[i]) gives, data allocated
 * here.  The engines must share the options that shape the computation
 * (mode, boundary, method, dtype, threads, tiles) and their kernels'
 * shape and kind (real or complex); the ops and the values may differ.  Dies on
 * engines that do not (a fault of the caller) and as tp_conv_run does
 * when x does not fit.  What is shared: x is converted to the compute
 * dtype and scanned for NaN and infinity once (and the outputs those
 * reach found once), and on the direct path each batch element is
 * extended (padded by the mode and boundary) once and every kernel run
 * over it while it is in cache; the FFT paths run the engines one after
 * the other on the converted x.  Each engine keeps its own state and
 * reports its own method.
 */
void tp_conv_run_many(struct tp_conv *const *cs, size_t n,
    const struct tp_tensor *x, struct tp_tensor *outs);

/* The method the last tp_conv_run used (TP_METHOD_FFT, _DIRECT or
 * _OVERLAP). */
int tp_conv_last_method(const struct tp_conv *);

/* A one-line description of the last tp_conv_run's method, the cost
 * model's estimates, transform and tile sizes and whether the plans came
 * from wisdom, for --verbose; returns buf. */
char *tp_conv_describe(const struct tp_conv *, char *buf, size_t len);

/* One call: out = x convolved with k, dies on error. */
void tp_convolve(const struct tp_tensor *x, const struct tp_tensor *k,
    const struct tp_conv_opts *o, struct tp_tensor *out);

/* Cost model of --method auto (see bench/tconv-cost-model.md), in
 * seconds, for tests and benchmarks. */
double tp_conv_cost(struct tp_conv *, const struct tp_tensor *x, int method);

#endif
