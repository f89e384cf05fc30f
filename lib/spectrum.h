/*
 * spectrum.h - Fourier, cosine and sine transforms along axes with
 * numpy.fft's and scipy.fft's names, lengths and norms, and what people
 * do around them: windows, shifts, sample frequencies, views of a
 * spectrum (tfft).  An engine: it never parses options or opens files.
 *
 * A record goes through, in this order: the window (per transformed
 * axis, on the record's own length), ifftshift (--ishift), cropping or
 * zero padding to the transform's input lengths (numpy's s), the
 * transform in the record's precision (one FFTW plan per shape, kept
 * for the next records), the norm, fftshift (--shift), the view.  On
 * rfftn's output and irfftn's input the halved axis is never shifted.
 */
#ifndef TP_SPECTRUM_H
#define TP_SPECTRUM_H

#include <stddef.h>

#include "tpipe.h"

/* numpy.fft's and scipy.fft's functions.  The n-less names (fft, rfft,
 * dct, ...) are the same transforms, along the last axis by default. */
enum tp_spec_fn {
	TP_SPEC_FFT, TP_SPEC_IFFT, TP_SPEC_RFFT, TP_SPEC_IRFFT,
	TP_SPEC_DCT, TP_SPEC_IDCT, TP_SPEC_DST, TP_SPEC_IDST
};
/* The words of --transform (tp_choice): "fftn", ... "idstn", then the
 * n-less "fft", ... "idst", whose value has TP_SPEC_LAST1 added. */
#define TP_SPEC_LAST1 0x100
extern const struct tp_choice tp_spec_fns[];

enum tp_spec_norm { TP_NORM_BACKWARD, TP_NORM_ORTHO, TP_NORM_FORWARD };
extern const struct tp_choice tp_spec_norms[];	/* --norm's words */

/* What is written: the transform's own output (complex for DFTs but
 * irfftn, real for irfftn and DCT/DST) or a view of it. */
enum tp_spec_view {
	TP_VIEW_ASIS, TP_VIEW_COMPLEX, TP_VIEW_REAL, TP_VIEW_IMAG,
	TP_VIEW_ABS, TP_VIEW_POWER, TP_VIEW_LOGPOWER, TP_VIEW_PHASE
};
extern const struct tp_choice tp_spec_views[];	/* --out's words */

/* Windows as scipy.signal.get_window(..., fftbins=True) makes them
 * (periodic): the first n points of the symmetric window of n + 1. */
enum tp_window_kind { TP_WIN_NONE, TP_WIN_HANN, TP_WIN_HAMMING,
	TP_WIN_BLACKMAN, TP_WIN_TUKEY, TP_WIN_KAISER };
struct tp_window {
	enum tp_window_kind kind;
	double param;		/* tukey's alpha, kaiser's beta */
};
/* The window names (tp_choice): hann, hamming, blackman, tukey (its
 * alpha after a colon), kaiser (its beta). */
extern const struct tp_choice tp_windows[];
/* Whether window k takes a parameter: 0 no, 1 optional (tukey, default
 * 0.5), 2 required (kaiser). */
int tp_window_needs(enum tp_window_kind k);
/* The n >= 1 values of window w in v. */
void tp_window_values(const struct tp_window *w, size_t n, double *v);

/* The sample frequencies numpy.fft.fftfreq(n, d) (real = 0) or
 * rfftfreq(n, d) (real = 1) in v (n or n/2+1 of them; n >= 1), and
 * fftshift'ed when shift (fftfreq only).  Returns how many. */
size_t tp_spec_freq(size_t n, double d, int real, int shift, double *v);

struct tp_spectrum_opts {
	enum tp_spec_fn fn;
	int type;		/* DCT/DST type 1..4 (default 2) */
	int naxes;		/* axes given (may be negative), 0: default */
	int axes[TP_MAXDIM];
	int last;		/* > 0: the last `last` axes */
	int last1;		/* an n-less name: default axis -1 */
	int ns;			/* -s lengths given, 0: none */
	size_t s[TP_MAXDIM];
	enum tp_spec_norm norm;
	int shift, ishift;
	enum tp_spec_view view;
	int nwindow;		/* 0, 1 (every axis) or one per axis */
	struct tp_window window[TP_MAXDIM];
	int threads;		/* per transform; 0: tp_fft_threads() */
	int by_axis;		/* tp_fft_axes_new's how: -1 (default)
				 * chooses, 0 and 1 are for tests */
	int stream;		/* -1 (default); for tests, 0 or 1:
				 * tp_fft_axes_set_stream */
};
void tp_spectrum_opts_init(struct tp_spectrum_opts *);
/* NULL if the options go together, else a message: -s lengths not
 * positive or not one per axis, --last with --axes, a --type with a
 * DFT, ... */
tp_why tp_spectrum_opts_check(const struct tp_spectrum_opts *,
    struct tp_msg *);

struct tp_spectrum;
struct tp_spectrum *tp_spectrum_new(const struct tp_spectrum_opts *);
void tp_spectrum_free(struct tp_spectrum *);

/*
 * For a record with header x (its dtype as read), and the precision
 * want (TP_F4, TP_F8, or -1: the record's, integers in float64): set
 * *cd to the dtype tp_spectrum_run wants the record in, and y to the
 * output's header (data NULL).  Returns NULL, or a message saying why
 * this record cannot be transformed (an axis outside it, a length that
 * is not positive, complex input to rfftn, an irfftn length that needs
 * -s, ...).
 */
tp_why tp_spectrum_out_header(struct tp_spectrum *,
    const struct tp_tensor *x, int want, enum tp_dtype *cd,
    struct tp_tensor *y, struct tp_msg *);
/* Between tp_spectrum_out_header and tp_spectrum_run: allocate the
 * buffer the transform will write, if it needs one (r2c and c2r, which
 * change the type), and have another thread map its pages while the
 * caller reads the record.  Only for a record whose size the input
 * vouches for (a header is not trusted for memory). */
void tp_spectrum_reserve(struct tp_spectrum *);
/*
 * Between tp_spectrum_out_header and tp_spectrum_run: make the plan
 * for the record (unless one is kept) on a thread of its own
 * (tp_background_start), so that it is made while the caller reads the
 * record.  Until tp_spectrum_run, the caller must not plan with FFTW
 * nor use the background job itself.  Planning takes memory in
 * proportion to the record (FFTW's scratch arrays and twiddles), so
 * unless trusted (the input vouches for the record's size, as for
 * tp_spectrum_reserve) only for a record of at most 64 MiB in and out,
 * under TP_PLAN_ESTIMATE, which does not write the scratch arrays.
 */
void tp_spectrum_plan_ahead(struct tp_spectrum *, int trusted);
/*
 * Between tp_spectrum_out_header and tp_spectrum_plan_ahead, for a
 * record whose size the input vouches for (as for tp_spectrum_reserve):
 * whether the transform can run on the record's pieces as they are
 * read, while the caller reads the rest (a batch of transforms along
 * the later axes, with nothing to do before them: no window, ishift or
 * -s; more than one thread).  If so, gives x (the header) its data
 * buffer, in *cd, and returns it: the caller reads the record's data
 * into it in order, calling tp_spectrum_arrived with the bytes read so
 * far after each part, then tp_spectrum_run as always.  Else NULL:
 * read the record whole.
 */
void *tp_spectrum_stream(struct tp_spectrum *, struct tp_tensor *x);
void tp_spectrum_arrived(struct tp_spectrum *, size_t bytes);
/* Transform x (the header given to tp_spectrum_out_header, its data in
 * *cd) into y (its header from there), allocating y's data; x's data is
 * consumed (freed, or taken as y's). */
void tp_spectrum_run(struct tp_spectrum *, struct tp_tensor *x,
    struct tp_tensor *y);
/* "rfftn 512x512 f64, norm backward" for --verbose; returns buf. */
char *tp_spectrum_describe(const struct tp_spectrum *, char *buf,
    size_t len);

#endif
