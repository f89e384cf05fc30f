/*
 * spectrum_impl.h - what the files of the spectrum engine share
 * (lib/spectrum.c: options, a record's layout, plans and the run;
 * lib/spectrum_data.c: windows, frequencies and the passes over a
 * record's data).  Not for other files.
 *
 * The passes take the data as float (single) or double, complex
 * numbers interleaved; threads is how many threads a pass may use
 * (tp_parallel), >= 1.
 */
#ifndef TP_SPECTRUM_IMPL_H
#define TP_SPECTRUM_IMPL_H

#include <stddef.h>

#include "spectrum.h"

/* Multiply every real at index j of axis a by w[j] (w NULL: the one
 * index j0 by f); comps reals per element. */
void spec_scale_along(void *data, int single, const size_t *shape, int nd,
    int comps, int a, const double *w, size_t j0, double f);

/* Multiply the n elements at data (complex when cplx) by f, and negate
 * their imaginary parts too when conj (the complex conjugate). */
void spec_scale(void *data, int single, int cplx, size_t n, double f,
    int conj, int threads);

/* dst = src rolled along every axis a by by[a] (numpy.roll: element j
 * goes to (j + by[a]) mod shape[a]; by[a] < shape[a]), in one pass; esz
 * bytes per element.  dst and src do not overlap. */
void spec_roll(void *dst, const void *src, const size_t *shape, int nd,
    size_t esz, const size_t *by, int threads);

/* dst (shape ds) = src (shape ss) cropped or padded with zeros at the
 * end of every axis; esz bytes per element. */
void spec_resize(void *dst, const size_t *ds, const void *src,
    const size_t *ss, int nd, size_t esz);

/*
 * numpy's full spectrum of a real signal from its half: data holds, at
 * its start, an r2c output laid out C order with shape except that the
 * halved axis h (the highest transformed one) has shape[h]/2+1 points;
 * or, when placed, that half already at its place in the C-order
 * complex array of shape shape.  Move it there (unless placed) and
 * fill the other points of axis h by Hermitian symmetry: X[k] is the
 * conjugate of X[-k], -k taken modulo the length on every transformed
 * axis (on[a] != 0) and k kept on the others.
 */
void spec_hermitian(void *data, int single, const size_t *shape, int nd,
    const unsigned char *on, int h, int placed, int threads);

/* The view v of n values at src (complex when cplx) into dst, which may
 * be src itself when the view is real (each value is read before its
 * result is written). */
void spec_view(void *dst, const void *src, size_t n, int single, int cplx,
    enum tp_spec_view v, int threads);

#endif
