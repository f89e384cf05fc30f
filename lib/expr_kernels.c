/*
 * expr_kernels.c - tmath's kernels (expr_impl.h): each function or
 * operator over n values of one storage kind (int64, float, double,
 * complex pairs), computed as NumPy's loops compute them: Python's floor
 * division and modulo, integer powers by squaring, npy_divmod, Smith's
 * complex division, NaN-aware orderings.  Compiled with
 * -ffp-contract=off, so that float32 and float64 results are NumPy's bit
 * for bit.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "expr_impl.h"

/* --- kernels ---------------------------------------------------------- */

/* Python's floor division and modulo on int64 (b != 0, no overflow). */
static int64_t
floordiv_i(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if (a % b != 0 && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int64_t
mod_i(int64_t a, int64_t b)
{
	int64_t r = a % b;

	if (r != 0 && ((r < 0) != (b < 0)))
		r += b;
	return r;
}

/* a ** b by squaring, wrapping (numpy's integer power; b >= 0). */
static uint64_t
ipow(uint64_t a, uint64_t b)
{
	uint64_t r;

	if (b == 0 || a == 1)
		return 1;
	r = (b & 1) ? a : 1;
	b >>= 1;
	while (b > 0) {
		a *= a;
		if (b & 1)
			r *= a;
		b >>= 1;
	}
	return r;
}

#define LOOP(expr) { for (i = 0; i < n; i++) o[i] = (expr); break; }
#define UA ((uint64_t)a[i])
#define UB ((uint64_t)b[i])

/* expr_kernel_int's floor division, modulo and power of n elements, uns if
 * the inputs are uint64; returns -1 for a negative power, else 0. */
static int
kernel_int_divide(int fn, int uns, int64_t *o, const int64_t *a,
    const int64_t *b, size_t n)
{
	size_t i;

	switch (fn) {
	case F_FDIV:
		for (i = 0; i < n; i++) {
			if (b[i] == 0)
				o[i] = 0;		/* numpy: 0, warning */
			else if (uns)
				o[i] = (int64_t)(UA / UB);
			else if (b[i] == -1)
				o[i] = (int64_t)(0 - UA);	/* wraps */
			else
				o[i] = floordiv_i(a[i], b[i]);
		}
		break;
	case F_MOD:
		for (i = 0; i < n; i++) {
			if (b[i] == 0 || (!uns && b[i] == -1))
				o[i] = 0;
			else if (uns)
				o[i] = (int64_t)(UA % UB);
			else
				o[i] = mod_i(a[i], b[i]);
		}
		break;
	case F_POW: case F_POWOP:
		for (i = 0; i < n; i++) {
			if (!uns && b[i] < 0)
				return -1;
			o[i] = (int64_t)ipow(UA, UB);
		}
		break;
	default:
		abort();
	}
	return 0;
}

/* expr_kernel_int's loops. */
TP_CLONES_512
static int
kernel_int(int fn, enum tp_dtype ct, int64_t *restrict o,
    const int64_t *restrict a, const int64_t *restrict b,
    const int64_t *restrict c, size_t n)
{
	int uns = ct == TP_U8;
	size_t i;

	switch (fn) {
	case F_ADD: LOOP((int64_t)(UA + UB));
	case F_SUB: LOOP((int64_t)(UA - UB));
	case F_MUL: case F_SQUARE:
		if (fn == F_SQUARE)
			b = a;
		LOOP((int64_t)(UA * UB));
	case F_AND: LOOP(a[i] & b[i]);
	case F_OR: LOOP(a[i] | b[i]);
	case F_XOR: LOOP(a[i] ^ b[i]);
	case F_INV:
		if (ct == TP_B1)
			LOOP(!a[i]);
		LOOP(~a[i]);
	case F_NEG: LOOP((int64_t)(0 - UA));
	case F_POS: case F_ROUND: case F_CONJ: case F_REAL:
		LOOP(a[i]);
	case F_IMAG: LOOP(0);
	case F_ONES: LOOP(1);
	case F_ABS:
		if (uns)
			LOOP(a[i]);
		LOOP(a[i] < 0 ? (int64_t)(0 - UA) : a[i]);
	case F_SIGN:
		if (uns)
			LOOP(a[i] != 0);
		LOOP(a[i] > 0 ? 1 : a[i] < 0 ? -1 : 0);
	case F_LT: if (uns) LOOP(UA < UB); LOOP(a[i] < b[i]);
	case F_LE: if (uns) LOOP(UA <= UB); LOOP(a[i] <= b[i]);
	case F_GT: if (uns) LOOP(UA > UB); LOOP(a[i] > b[i]);
	case F_GE: if (uns) LOOP(UA >= UB); LOOP(a[i] >= b[i]);
	case F_EQ: LOOP(a[i] == b[i]);
	case F_NE: LOOP(a[i] != b[i]);
	case F_MIN: case F_FMIN:
		if (uns)
			LOOP(UA <= UB ? a[i] : b[i]);
		LOOP(a[i] <= b[i] ? a[i] : b[i]);
	case F_MAX: case F_FMAX:
		if (uns)
			LOOP(UA >= UB ? a[i] : b[i]);
		LOOP(a[i] >= b[i] ? a[i] : b[i]);
	case F_CLIP:		/* min(max(x, lo), hi) as numpy's _NPY_CLIP */
		for (i = 0; i < n; i++) {
			int64_t v = a[i];

			if (uns) {
				v = (uint64_t)v > (uint64_t)b[i] ? v : b[i];
				v = (uint64_t)v < (uint64_t)c[i] ? v : c[i];
			} else {
				v = v > b[i] ? v : b[i];
				v = v < c[i] ? v : c[i];
			}
			o[i] = v;
		}
		break;
	case F_FDIV: case F_MOD: case F_POW: case F_POWOP:
		return kernel_int_divide(fn, uns, o, a, b, n);
	case F_ISNAN: case F_ISINF: LOOP(0);
	case F_ISFINITE: LOOP(1);
	default:
		abort();
	}
#undef UA
#undef UB
	return 0;
}

/*
 * Op fn on integer or bool storage, inputs of dtype ct (values within
 * it), n elements; returns -1 for a negative power, else 0.  (The
 * clones are of static functions: clang resolves no other.)
 */
int
expr_kernel_int(int fn, enum tp_dtype ct, int64_t *o, const int64_t *a,
    const int64_t *b, const int64_t *c, size_t n)
{
	return kernel_int(fn, ct, o, a, b, c, n);
}

/*
 * log1p of n floats, through double: 1 + x is exact in double for
 * |x| >= 2^-29 (below, x - x^2/2 is exact to double), and its log,
 * k ln 2 + 2 atanh(s) with s = (m - 1) / (m + 1) for 1 + x = 2^k m,
 * m in [sqrt(1/2), sqrt(2)), |s| < 0.172, by its series to s^17, is
 * within 1e-15 of itself: rounded to float, it is the correctly rounded
 * log1p but for a value within 1e-15 of a halfway point (glibc's log1pf
 * is within an ulp and several times slower).  No branch and no call,
 * so that the loop vectorises: the elements outside (-1, inf) take
 * their IEEE values (-1: -inf, below: NaN, NaN: NaN, inf: inf) after.
 */
TP_CLONES_512
static void
log1p_floats(float *restrict o, const float *restrict a, size_t n)
{
	const double ln2 = 0x1.62e42fefa39efp-1, big = 0x1.8p52;
	size_t i;

	for (i = 0; i < n; i++) {
		double d = a[i], y = 1.0 + d, m, f, s, z, p, kd, r, e;
		uint64_t b, u;
		int64_t k;

		memcpy(&b, &y, sizeof b);
		k = (int64_t)(b - 0x3fe6a09e667f3bcdULL) >> 52;
		b -= (uint64_t)k << 52;
		memcpy(&m, &b, sizeof m);
		u = 0x4338000000000000ULL + (uint64_t)k;	/* big + k */
		memcpy(&kd, &u, sizeof kd);
		kd -= big;
		f = m - 1;
		s = f / (2 + f);
		z = s * s;
		p = 1 + z * (1.0 / 3 + z * (1.0 / 5 + z * (1.0 / 7 + z *
		    (1.0 / 9 + z * (1.0 / 11 + z * (1.0 / 13 + z * (1.0 / 15 +
		    z * (1.0 / 17))))))));
		r = kd * ln2 + 2 * s * p;
		r = fabs(d) < 0x1p-29 ? d - d * d * 0.5 : r;
		e = y == 0 ? -INFINITY : y;	/* inf and NaN stay */
		e = y < 0 ? NAN : e;
		o[i] = (float)(((y > 0) & (y < INFINITY)) ? r : e);
	}
}

/* The float and double kernels, from one template. */
#define FLOAT_KERNEL(NAME, T, S, DIVMOD)				\
/* numpy's npy_divmod: floor division, and the modulo in *mod */	\
static T								\
DIVMOD(T a, T b, T *modp)						\
{									\
	T mod = fmod##S(a, b), div, fl;					\
									\
	if (!b) {							\
		*modp = mod;						\
		return a / b;						\
	}								\
	div = (a - mod) / b;						\
	if (mod) {							\
		if (isless(b, 0) != isless(mod, 0)) {			\
			mod += b;					\
			div -= 1;					\
		}							\
	} else								\
		mod = copysign##S(0, b);				\
	if (div) {							\
		fl = floor##S(div);					\
		if (isgreater(div - fl, 0.5))				\
			fl += 1;					\
	} else								\
		fl = copysign##S(0, a / b);				\
	*modp = mod;							\
	return fl;							\
}									\
									\
/* NAME's libm functions of one or two arguments. */			\
static void								\
NAME##_libm(int fn, T *o, const T *a, const T *b, size_t n)		\
{									\
	size_t i;							\
									\
	switch (fn) {							\
	case F_SQRT: LOOP(sqrt##S(a[i]));				\
	case F_CBRT: LOOP(cbrt##S(a[i]));				\
	case F_EXP: LOOP(exp##S(a[i]));					\
	case F_EXPM1: LOOP(expm1##S(a[i]));				\
	case F_EXP2: LOOP(exp2##S(a[i]));				\
	case F_LOG: LOOP(log##S(a[i]));					\
	case F_LOG1P:							\
		if (sizeof(T) == 4)					\
			log1p_floats((float *)o, (const float *)a, n);	\
		else							\
			LOOP(log1p(a[i]));				\
		break;							\
	case F_LOG2: LOOP(log2##S(a[i]));				\
	case F_LOG10: LOOP(log10##S(a[i]));				\
	case F_SIN: LOOP(sin##S(a[i]));					\
	case F_COS: LOOP(cos##S(a[i]));					\
	case F_TAN: LOOP(tan##S(a[i]));					\
	case F_ASIN: LOOP(asin##S(a[i]));				\
	case F_ACOS: LOOP(acos##S(a[i]));				\
	case F_ATAN: LOOP(atan##S(a[i]));				\
	case F_SINH: LOOP(sinh##S(a[i]));				\
	case F_COSH: LOOP(cosh##S(a[i]));				\
	case F_TANH: LOOP(tanh##S(a[i]));				\
	case F_ASINH: LOOP(asinh##S(a[i]));				\
	case F_ACOSH: LOOP(acosh##S(a[i]));				\
	case F_ATANH: LOOP(atanh##S(a[i]));				\
	case F_ATAN2: LOOP(atan2##S(a[i], b[i]));			\
	case F_HYPOT: LOOP(hypot##S(a[i], b[i]));			\
	default:							\
		abort();						\
	}								\
}									\
									\
/* NAME's comparisons and tests: bools, as int64, into ob. */		\
TP_CLONES_512								\
static void								\
NAME##_test(int fn, int64_t *restrict ob, const T *restrict a,		\
    const T *restrict b, size_t n)					\
{									\
	size_t i;							\
									\
	switch (fn) {							\
	case F_LT: for (i = 0; i < n; i++) ob[i] = a[i] < b[i]; break;	\
	case F_LE: for (i = 0; i < n; i++) ob[i] = a[i] <= b[i]; break;	\
	case F_GT: for (i = 0; i < n; i++) ob[i] = a[i] > b[i]; break;	\
	case F_GE: for (i = 0; i < n; i++) ob[i] = a[i] >= b[i]; break;	\
	case F_EQ: for (i = 0; i < n; i++) ob[i] = a[i] == b[i]; break;	\
	case F_NE: for (i = 0; i < n; i++) ob[i] = a[i] != b[i]; break;	\
	case F_ISNAN:							\
		for (i = 0; i < n; i++)					\
			ob[i] = isnan(a[i]) != 0;			\
		break;							\
	case F_ISINF:							\
		for (i = 0; i < n; i++)					\
			ob[i] = isinf(a[i]) != 0;			\
		break;							\
	case F_ISFINITE:						\
		for (i = 0; i < n; i++) ob[i] = isfinite(a[i]) != 0;	\
		break;							\
	default:							\
		abort();						\
	}								\
}									\
									\
TP_CLONES_512								\
static void								\
NAME##_loops(int fn, void *out, const T *restrict a, const T *restrict b, \
    const T *restrict c, size_t n)					\
{									\
	T *restrict o = out;						\
	int64_t *ob = out;						\
	size_t i;							\
	T m;								\
									\
	switch (fn) {							\
	case F_ADD: LOOP(a[i] + b[i]);					\
	case F_SUB: LOOP(a[i] - b[i]);					\
	case F_MUL: LOOP(a[i] * b[i]);					\
	case F_TDIV: LOOP(a[i] / b[i]);					\
	case F_SQUARE: LOOP(a[i] * a[i]);				\
	case F_RECIP: LOOP(1 / a[i]);					\
	case F_ONES: LOOP(1);						\
	case F_FDIV:							\
		for (i = 0; i < n; i++)					\
			o[i] = b[i] ? DIVMOD(a[i], b[i], &m) : a[i] / b[i]; \
		break;							\
	case F_MOD:							\
		for (i = 0; i < n; i++) {				\
			if (b[i])					\
				DIVMOD(a[i], b[i], &m);			\
			else						\
				m = fmod##S(a[i], b[i]);		\
			o[i] = m;					\
		}							\
		break;							\
	case F_POW: case F_POWOP: LOOP(pow##S(a[i], b[i]));		\
	case F_NEG: LOOP(-a[i]);					\
	case F_POS: case F_REAL: case F_CONJ:				\
		LOOP(a[i]);						\
	case F_IMAG: LOOP(0);						\
	case F_ABS: LOOP(fabs##S(a[i]));				\
	case F_SIGN:							\
		LOOP(a[i] > 0 ? 1 : a[i] < 0 ? -1 : a[i] == 0 ? 0 : a[i]); \
	case F_SQRT: case F_CBRT: case F_EXP: case F_EXPM1: case F_EXP2: \
	case F_LOG: case F_LOG1P: case F_LOG2: case F_LOG10: case F_SIN: \
	case F_COS: case F_TAN: case F_ASIN: case F_ACOS: case F_ATAN:	\
	case F_SINH: case F_COSH: case F_TANH: case F_ASINH: case F_ACOSH: \
	case F_ATANH: case F_ATAN2: case F_HYPOT:			\
		NAME##_libm(fn, o, a, b, n);				\
		break;							\
	case F_FLOOR: LOOP(floor##S(a[i]));				\
	case F_CEIL: LOOP(ceil##S(a[i]));				\
	case F_TRUNC: LOOP(trunc##S(a[i]));				\
	case F_RINT: case F_ROUND: LOOP(rint##S(a[i]));			\
	/* numpy's SIMD orderings: a tie (0 and -0) gives b */		\
	case F_MIN: LOOP(isnan(a[i]) || a[i] < b[i] ? a[i] : b[i]);	\
	case F_MAX: LOOP(isnan(a[i]) || a[i] > b[i] ? a[i] : b[i]);	\
	case F_FMIN: LOOP(isnan(b[i]) || a[i] < b[i] ? a[i] : b[i]);	\
	case F_FMAX: LOOP(isnan(b[i]) || a[i] > b[i] ? a[i] : b[i]);	\
	case F_CLIP:	/* _NPY_MIN(_NPY_MAX(x, lo), hi), NaN kept */	\
		for (i = 0; i < n; i++) {				\
			T v = a[i];					\
									\
			v = isnan(v) ? v : v > b[i] ? v : b[i];		\
			o[i] = isnan(v) ? v : v < c[i] ? v : c[i];	\
		}							\
		break;							\
	case F_LT: case F_LE: case F_GT: case F_GE: case F_EQ: case F_NE: \
	case F_ISNAN: case F_ISINF: case F_ISFINITE:			\
		NAME##_test(fn, ob, a, b, n);				\
		break;							\
	default:							\
		abort();						\
	}								\
}									\
									\
void									\
NAME(int fn, void *out, const T *a, const T *b, const T *c, size_t n)	\
{									\
	NAME##_loops(fn, out, a, b, c, n);				\
}

FLOAT_KERNEL(expr_kernel_f, float, f, divmod_f)
FLOAT_KERNEL(expr_kernel_d, double, , divmod_d)

/*
 * numpy's float16 orderings (its HALF loops and clip's half_tag) on
 * float storage: a tie (0 and -0) gives the first argument, where the
 * float32 and float64 loops give the second.  Returns 1 if fn is one of
 * them (minimum, maximum, fmin, fmax, clip), else 0.
 */
TP_CLONES_512
static int
kernel_h(int fn, float *restrict o, const float *restrict a,
    const float *restrict b, const float *restrict c, size_t n)
{
	size_t i;

	switch (fn) {
	case F_MIN: LOOP(a[i] <= b[i] || isnan(a[i]) ? a[i] : b[i]);
	case F_MAX: LOOP(a[i] >= b[i] || isnan(a[i]) ? a[i] : b[i]);
	case F_FMIN: LOOP(a[i] <= b[i] || isnan(b[i]) ? a[i] : b[i]);
	case F_FMAX: LOOP(a[i] >= b[i] || isnan(b[i]) ? a[i] : b[i]);
	case F_CLIP:
		for (i = 0; i < n; i++) {
			float v = a[i];

			v = isnan(v) || v >= b[i] ? v : b[i];
			o[i] = isnan(v) || v <= c[i] ? v : c[i];
		}
		break;
	default:
		return 0;
	}
	return 1;
}

int
expr_kernel_h(int fn, float *o, const float *a, const float *b,
    const float *c, size_t n)
{
	return kernel_h(fn, o, a, b, c, n);
}

#undef LOOP
