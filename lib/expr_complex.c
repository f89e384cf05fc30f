/*
 * expr_complex.c - tmath's complex kernels (expr_impl.h): each function
 * or operator over n complex64 or complex128 values (pairs of floats or
 * doubles), computed as NumPy 1.24 computes them: its loops for the
 * arithmetic (Smith's division), the orderings (lexicographic, NaN
 * aware), minimum, maximum, fmin, fmax and clip; glibc's complex
 * functions where numpy calls them (npy_cexp is cexp, npy_cpow's general
 * case is cpow, ...); and numpy's own formulas (funcs.inc.src,
 * npy_math_complex.c.src) for power by a small integer, expm1, exp2,
 * log1p, log2 and log10.  Compiled with -ffp-contract=off, so that the
 * results are numpy's bit for bit wherever the same libm is called.
 */
#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "expr_impl.h"

#define LOOP(expr) { for (i = 0; i < n; i++) o[i] = (expr); break; }

/* numpy's ordering of complex numbers in its loops (lexicographic, NaN
 * aware). */
#define CLT(xr, xi, yr, yi) (((xr) < (yr) && !isnan(xi) && !isnan(yi)) || \
    ((xr) == (yr) && (xi) < (yi)))
#define CLE(xr, xi, yr, yi) (((xr) < (yr) && !isnan(xi) && !isnan(yi)) || \
    ((xr) == (yr) && (xi) <= (yi)))
#define CGT(xr, xi, yr, yi) CLT(yr, yi, xr, xi)
#define CGE(xr, xi, yr, yi) CLE(yr, yi, xr, xi)
/* clip's ordering (PyArray_CLT and PyArray_CGT: no NaN test). */
#define PLT(xr, xi, yr, yi) ((xr) == (yr) ? (xi) < (yi) : (xr) < (yr))
#define PGT(xr, xi, yr, yi) ((xr) == (yr) ? (xi) > (yi) : (xr) > (yr))

/*
 * The complex kernels of one precision: T is its real type, S libm's
 * suffix and CT the C complex type; LN2, LOG2E and LOG10E are numpy's
 * NPY_LOGE2, NPY_LOG2E and NPY_LOG10E in T.
 */
#define COMPLEX_KERNEL(NAME, T, S, CT, LN2, LOG2E, LOG10E)		\
/* A complex number from its parts (CMPLX is missing under clang; a	\
 * complex type is laid out as an array of its two parts). */		\
static CT								\
NAME##_mk(T re, T im)							\
{									\
	CT z;								\
									\
	((T *)&z)[0] = re;						\
	((T *)&z)[1] = im;						\
	return z;							\
}									\
									\
/* numpy's cmul: (ar + ai i)(br + bi i) into r. */			\
static void								\
NAME##_mul(T ar, T ai, T br, T bi, T *r)				\
{									\
	r[0] = ar * br - ai * bi;					\
	r[1] = ar * bi + ai * br;					\
}									\
									\
/* numpy's complex division (its loop, and cdiv): Smith's algorithm. */	\
static void								\
NAME##_div(T ar, T ai, T br, T bi, T *r)				\
{									\
	T abr = fabs##S(br), abi = fabs##S(bi);				\
									\
	if (abr >= abi) {						\
		if (abr == 0 && abi == 0) {				\
			r[0] = ar / abr;				\
			r[1] = ai / abi;				\
		} else {						\
			T rat = bi / br;				\
			T scl = 1 / (br + bi * rat);			\
									\
			r[0] = (ar + ai * rat) * scl;			\
			r[1] = (ai - ar * rat) * scl;			\
		}							\
	} else {							\
		T rat = br / bi;					\
		T scl = 1 / (bi + br * rat);				\
									\
		r[0] = (ar * rat + ai) * scl;				\
		r[1] = (ai * rat - ar) * scl;				\
	}								\
}									\
									\
/* numpy's npy_cpow: a ** b, by multiplications for an integer b	\
 * below 100 in size, else by cpow. */					\
static void								\
NAME##_pow(const T *a, const T *b, T *r)				\
{									\
	T ar = a[0], ai = a[1], br = b[0], bi = b[1], p[2], aa[2];	\
	long nb, mask;							\
	CT w;								\
									\
	if (br == 0 && bi == 0) {					\
		r[0] = 1;						\
		r[1] = 0;						\
		return;							\
	}								\
	if (ar == 0 && ai == 0) {					\
		r[0] = br > 0 && bi == 0 ? 0 : NAN;			\
		r[1] = br > 0 && bi == 0 ? 0 : NAN;			\
		return;							\
	}								\
	if (bi == 0 && br > -100 && br < 100 && br == (long)br) {	\
		nb = (long)br;						\
		if (nb == 1) {						\
			r[0] = ar;					\
			r[1] = ai;					\
		} else if (nb == 2)					\
			NAME##_mul(ar, ai, ar, ai, r);			\
		else if (nb == 3) {					\
			NAME##_mul(ar, ai, ar, ai, p);			\
			NAME##_mul(ar, ai, p[0], p[1], r);		\
		} else {						\
			nb = nb < 0 ? -nb : nb;				\
			aa[0] = 1;					\
			aa[1] = 0;					\
			p[0] = ar;					\
			p[1] = ai;					\
			for (mask = 1;; mask <<= 1) {			\
				if (nb & mask)				\
					NAME##_mul(aa[0], aa[1], p[0],	\
					    p[1], aa);			\
				if (nb < mask << 1)			\
					break;				\
				NAME##_mul(p[0], p[1], p[0], p[1], p);	\
			}						\
			if (br < 0)					\
				NAME##_div(1, 0, aa[0], aa[1], r);	\
			else {						\
				r[0] = aa[0];				\
				r[1] = aa[1];				\
			}						\
		}							\
		return;							\
	}								\
	w = cpow##S(NAME##_mk(ar, ai), NAME##_mk(br, bi));		\
	r[0] = creal##S(w);						\
	r[1] = cimag##S(w);						\
}									\
									\
/* NAME's division, reciprocal and power, as numpy's loops compute	\
 * them. */								\
static void								\
NAME##_divide(int fn, T *o, const T *a, const T *b, size_t n)		\
{									\
	size_t i;							\
									\
	switch (fn) {							\
	case F_TDIV:							\
		for (i = 0; i < n; i++)					\
			NAME##_div(a[2 * i], a[2 * i + 1], b[2 * i],	\
			    b[2 * i + 1], o + 2 * i);			\
		break;							\
	case F_RECIP:	/* numpy's nc_reciprocal */			\
		for (i = 0; i < n; i++) {				\
			T r = a[2 * i], im = a[2 * i + 1], q, d;	\
									\
			if (fabs##S(im) <= fabs##S(r)) {		\
				q = im / r;				\
				d = r + im * q;				\
				o[2 * i] = 1 / d;			\
				o[2 * i + 1] = -q / d;			\
			} else {					\
				q = r / im;				\
				d = r * q + im;				\
				o[2 * i] = q / d;			\
				o[2 * i + 1] = -1 / d;			\
			}						\
		}							\
		break;							\
	case F_POW: case F_POWOP:					\
		for (i = 0; i < n; i++)					\
			NAME##_pow(a + 2 * i, b + 2 * i, o + 2 * i);	\
		break;							\
	default:							\
		abort();						\
	}								\
}									\
									\
/* NAME's comparisons and tests: bools, as int64, into ob. */		\
static void								\
NAME##_test(int fn, int64_t *ob, const T *a, const T *b, size_t n)	\
{									\
	size_t i;							\
									\
	switch (fn) {							\
	case F_EQ: for (i = 0; i < n; i++) ob[i] = a[2 * i] == b[2 * i] && \
	    a[2 * i + 1] == b[2 * i + 1]; break;			\
	case F_NE: for (i = 0; i < n; i++) ob[i] = a[2 * i] != b[2 * i] || \
	    a[2 * i + 1] != b[2 * i + 1]; break;			\
	case F_LT: for (i = 0; i < n; i++) ob[i] = CLT(a[2 * i],	\
	    a[2 * i + 1], b[2 * i], b[2 * i + 1]); break;		\
	case F_LE: for (i = 0; i < n; i++) ob[i] = CLE(a[2 * i],	\
	    a[2 * i + 1], b[2 * i], b[2 * i + 1]); break;		\
	case F_GT: for (i = 0; i < n; i++) ob[i] = CGT(a[2 * i],	\
	    a[2 * i + 1], b[2 * i], b[2 * i + 1]); break;		\
	case F_GE: for (i = 0; i < n; i++) ob[i] = CGE(a[2 * i],	\
	    a[2 * i + 1], b[2 * i], b[2 * i + 1]); break;		\
	case F_ISNAN: for (i = 0; i < n; i++) ob[i] = isnan(a[2 * i]) || \
	    isnan(a[2 * i + 1]); break;					\
	case F_ISINF: for (i = 0; i < n; i++) ob[i] = isinf(a[2 * i]) || \
	    isinf(a[2 * i + 1]); break;					\
	case F_ISFINITE: for (i = 0; i < n; i++) ob[i] =		\
	    isfinite(a[2 * i]) && isfinite(a[2 * i + 1]); break;	\
	default:							\
		abort();						\
	}								\
}									\
									\
/* NAME's minimum, maximum, fmin, fmax (numpy's loops: a tie gives a)	\
 * and clip (numpy's clip.cpp: a tie gives the bound). */		\
static void								\
NAME##_order(int fn, T *o, const T *a, const T *b, const T *c, size_t n) \
{									\
	size_t i;							\
									\
	for (i = 0; i < n; i++) {					\
		T ar = a[2 * i], ai = a[2 * i + 1];			\
		T br = b[2 * i], bi = b[2 * i + 1];			\
		int first;						\
									\
		switch (fn) {						\
		case F_MIN: first = isnan(ar) || isnan(ai) ||		\
		    CLE(ar, ai, br, bi); break;				\
		case F_MAX: first = isnan(ar) || isnan(ai) ||		\
		    CGE(ar, ai, br, bi); break;				\
		case F_FMIN: first = isnan(br) || isnan(bi) ||		\
		    CLE(ar, ai, br, bi); break;				\
		case F_FMAX: first = isnan(br) || isnan(bi) ||		\
		    CGE(ar, ai, br, bi); break;				\
		default:	/* clip: min(max(x, lo), hi) */		\
			if (!(isnan(ar) || isnan(ai) ||			\
			    PGT(ar, ai, br, bi))) {			\
				ar = br;				\
				ai = bi;				\
			}						\
			br = c[2 * i];					\
			bi = c[2 * i + 1];				\
			first = isnan(ar) || isnan(ai) ||		\
			    PLT(ar, ai, br, bi);			\
			break;						\
		}							\
		o[2 * i] = first ? ar : br;				\
		o[2 * i + 1] = first ? ai : bi;				\
	}								\
}									\
									\
/* numpy's nc_ functions of its own making (funcs.inc.src) of one	\
 * element, into r. */							\
static void								\
NAME##_nc(int fn, T re, T im, T *r)					\
{									\
	CT w;								\
	T s;								\
									\
	switch (fn) {							\
	case F_EXPM1:							\
		s = sin##S(im / 2);					\
		r[0] = expm1##S(re) * cos##S(im) - 2 * s * s;		\
		r[1] = exp##S(re) * sin##S(im);				\
		return;							\
	case F_EXP2:							\
		w = cexp##S(NAME##_mk(re * LN2, im * LN2));		\
		break;							\
	case F_LOG1P:							\
		s = hypot##S(re + 1, im);				\
		r[1] = atan2##S(im, re + 1);				\
		r[0] = log##S(s);					\
		return;							\
	case F_LOG2:							\
	case F_LOG10:							\
		w = clog##S(NAME##_mk(re, im));				\
		s = fn == F_LOG2 ? LOG2E : LOG10E;			\
		r[0] = creal##S(w) * s;					\
		r[1] = cimag##S(w) * s;					\
		return;							\
	default:							\
		abort();						\
	}								\
	r[0] = creal##S(w);						\
	r[1] = cimag##S(w);						\
}									\
									\
/* NAME's functions of one argument: libm's complex ones, or numpy's. */ \
static void								\
NAME##_libm(int fn, T *o, const T *a, size_t n)				\
{									\
	size_t i;							\
									\
	for (i = 0; i < n; i++) {					\
		CT z = NAME##_mk(a[2 * i], a[2 * i + 1]), w;		\
									\
		switch (fn) {						\
		case F_SQRT: w = csqrt##S(z); break;			\
		case F_EXP: w = cexp##S(z); break;			\
		case F_LOG: w = clog##S(z); break;			\
		case F_SIN: w = csin##S(z); break;			\
		case F_COS: w = ccos##S(z); break;			\
		case F_TAN: w = ctan##S(z); break;			\
		case F_ASIN: w = casin##S(z); break;			\
		case F_ACOS: w = cacos##S(z); break;			\
		case F_ATAN: w = catan##S(z); break;			\
		case F_SINH: w = csinh##S(z); break;			\
		case F_COSH: w = ccosh##S(z); break;			\
		case F_TANH: w = ctanh##S(z); break;			\
		case F_ASINH: w = casinh##S(z); break;			\
		case F_ACOSH: w = cacosh##S(z); break;			\
		case F_ATANH: w = catanh##S(z); break;			\
		default:						\
			NAME##_nc(fn, a[2 * i], a[2 * i + 1], o + 2 * i); \
			continue;					\
		}							\
		o[2 * i] = creal##S(w);					\
		o[2 * i + 1] = cimag##S(w);				\
	}								\
}									\
									\
/* NAME's element-wise moves: sums, products, signs, conjugates, ... */	\
static int								\
NAME##_simple(int fn, T *o, const T *a, const T *b, size_t n)		\
{									\
	size_t i;							\
									\
	switch (fn) {							\
	case F_ADD: case F_SUB:						\
		for (i = 0; i < 2 * n; i++)				\
			o[i] = fn == F_ADD ? a[i] + b[i] : a[i] - b[i];	\
		break;							\
	case F_MUL: case F_SQUARE:					\
		if (fn == F_SQUARE)					\
			b = a;						\
		for (i = 0; i < n; i++)					\
			NAME##_mul(a[2 * i], a[2 * i + 1], b[2 * i],	\
			    b[2 * i + 1], o + 2 * i);			\
		break;							\
	case F_ONES:							\
		for (i = 0; i < n; i++) {				\
			o[2 * i] = 1;					\
			o[2 * i + 1] = 0;				\
		}							\
		break;							\
	case F_NEG:							\
		for (i = 0; i < 2 * n; i++)				\
			o[i] = -a[i];					\
		break;							\
	case F_POS:							\
		memcpy(o, a, 2 * n * sizeof *o);			\
		break;							\
	case F_CONJ:							\
		for (i = 0; i < n; i++) {				\
			o[2 * i] = a[2 * i];				\
			o[2 * i + 1] = -a[2 * i + 1];			\
		}							\
		break;							\
	case F_RINT: case F_ROUND:					\
		for (i = 0; i < 2 * n; i++)				\
			o[i] = rint##S(a[i]);				\
		break;							\
	case F_SIGN:							\
		for (i = 0; i < n; i++) {				\
			T r = a[2 * i], im = a[2 * i + 1];		\
									\
			o[2 * i] = CGT(r, im, (T)0, (T)0) ? 1 :		\
			    CLT(r, im, (T)0, (T)0) ?			\
			    -1 : (r == 0 && im == 0) ? 0 : NAN;		\
			o[2 * i + 1] = 0;				\
		}							\
		break;							\
	default:							\
		return 0;						\
	}								\
	return 1;							\
}									\
									\
void									\
NAME(int fn, void *out, const T *a, const T *b, const T *c, size_t n)	\
{									\
	T *o = out;							\
	size_t i;							\
									\
	if (NAME##_simple(fn, o, a, b, n))				\
		return;							\
	switch (fn) {							\
	case F_TDIV: case F_RECIP: case F_POW: case F_POWOP:		\
		NAME##_divide(fn, o, a, b, n);				\
		break;							\
	case F_ABS: LOOP(hypot##S(a[2 * i], a[2 * i + 1]));		\
	case F_REAL: LOOP(a[2 * i]);					\
	case F_IMAG: LOOP(a[2 * i + 1]);				\
	case F_ANGLE: LOOP(atan2##S(a[2 * i + 1], a[2 * i]));		\
	case F_EQ: case F_NE: case F_LT: case F_LE: case F_GT: case F_GE: \
	case F_ISNAN: case F_ISINF: case F_ISFINITE:			\
		NAME##_test(fn, out, a, b, n);				\
		break;							\
	case F_MIN: case F_MAX: case F_FMIN: case F_FMAX: case F_CLIP:	\
		NAME##_order(fn, o, a, b, c, n);			\
		break;							\
	default:							\
		NAME##_libm(fn, o, a, n);				\
		break;							\
	}								\
}

COMPLEX_KERNEL(expr_kernel_cf, float, f, float complex,
    0.693147180559945309417232121458176568f,
    1.442695040888963407359924681001892137f,
    0.434294481903251827651128918916605082f)
COMPLEX_KERNEL(expr_kernel_cd, double, , double complex,
    0.693147180559945309417232121458176568,
    1.442695040888963407359924681001892137,
    0.434294481903251827651128918916605082)
#undef LOOP
