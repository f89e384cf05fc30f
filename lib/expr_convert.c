/*
 * expr_convert.c - tmath's values between dtypes (expr_impl.h): the
 * storage kind of each dtype, raw elements loaded into storage and stored
 * back, and numpy's astype between any two dtypes (integer wrapping,
 * rounding to float16 once, float to integer as x86-64's C casts give
 * it, complex to real keeping the real part).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "engine.h"
#include "expr_impl.h"

int
expr_kind_of(enum tp_dtype t)
{
	switch (t) {
	case TP_F2:
	case TP_F4:
		return K_F;
	case TP_F8:
		return K_D;
	case TP_C8:
		return K_CF;
	case TP_C16:
		return K_CD;
	default:
		return K_I;
	}
}

/* --- conversions -------------------------------------------------------- */

/* v wrapped to integer dtype t (bool: v != 0). */
static int64_t
narrow(int64_t v, enum tp_dtype t)
{
	switch (t) {
	case TP_B1: return v != 0;
	case TP_U1: return (uint8_t)v;
	case TP_I1: return (int8_t)v;
	case TP_U2: return (uint16_t)v;
	case TP_I2: return (int16_t)v;
	case TP_U4: return (uint32_t)v;
	case TP_I4: return (int32_t)v;
	default: return v;
	}
}

/* float rounded to the nearest float16, as a float. */
static float
round_half(float f)
{
	return tp_half_to_float(tp_float_to_half(f));
}

/* double rounded once to the nearest float16 (numpy's
 * npy_double_to_half), as a float. */
static float
double_to_half(double d)
{
	double a = fabs(d), q, r;
	int e;

	if (!(a < INFINITY) || a == 0)
		return (float)d;
	frexp(a, &e);			/* a in [2^(e-1), 2^e) */
	e = e - 1 < -14 ? -14 : e - 1;
	q = ldexp(1, e - 10);		/* the spacing of halves there */
	r = nearbyint(a / q) * q;
	if (r > 65504)
		r = INFINITY;
	return (float)copysign(r, d);
}

/* A float converted to integer dtype t as numpy's C casts give it on
 * x86-64: truncated; NaN and values out of range give what cvttsd2si
 * gives (the minimum of int32 or int64), then wrapped. */
static int64_t
float_to_int(double v, enum tp_dtype t)
{
	const double two63 = 9223372036854775808.0;

	switch (t) {
	case TP_B1:
		return v != 0;
	case TP_U8:
		if (v >= two63) {
			double w = v - two63;
			int64_t q = w < two63 ? (int64_t)w : INT64_MIN;

			return (int64_t)((uint64_t)q ^ (1ULL << 63));
		}
		/* FALLTHROUGH */
	case TP_I8:
	case TP_U4:
		return narrow(v > -two63 && v < two63 ? (int64_t)v : INT64_MIN,
		    t);
	default:
		return narrow(v > -2147483649.0 && v < 2147483648.0 ?
		    (int64_t)v : INT32_MIN, t);
	}
}

/* The value of storage element i of dtype t as a double (the real part
 * for complex). */
double
expr_as_double(const void *s, enum tp_dtype t, size_t i)
{
	switch (expr_kind_of(t)) {
	case K_I:
		return t == TP_U8 ? (double)(uint64_t)((const int64_t *)s)[i] :
		    (double)((const int64_t *)s)[i];
	case K_F:
		return ((const float *)s)[i];
	case K_D:
		return ((const double *)s)[i];
	case K_CF:
		return ((const float *)s)[2 * i];
	default:
		return ((const double *)s)[2 * i];
	}
}

/* conv from integer or bool dtype from (int64 storage at s). */
static void
conv_from_int(void *dst, enum tp_dtype to, const int64_t *s,
    enum tp_dtype from, size_t n)
{
	int kt = expr_kind_of(to), uns = from == TP_U8;
	size_t i;

	switch (kt) {
	case K_I:
		for (i = 0; i < n; i++)
			((int64_t *)dst)[i] = narrow(s[i], to);
		return;
	case K_F:
		for (i = 0; i < n; i++) {
			float f = uns ? (float)(uint64_t)s[i] :
			    (float)s[i];

			((float *)dst)[i] = to == TP_F2 ?
			    round_half(f) : f;
		}
		return;
	case K_D:
		for (i = 0; i < n; i++)
			((double *)dst)[i] = uns ?
			    (double)(uint64_t)s[i] : (double)s[i];
		return;
	case K_CF:
		for (i = 0; i < n; i++) {
			((float *)dst)[2 * i] = uns ?
			    (float)(uint64_t)s[i] : (float)s[i];
			((float *)dst)[2 * i + 1] = 0;
		}
		return;
	default:
		for (i = 0; i < n; i++) {
			((double *)dst)[2 * i] = uns ?
			    (double)(uint64_t)s[i] : (double)s[i];
			((double *)dst)[2 * i + 1] = 0;
		}
		return;
	}
}

/*
 * Convert n storage elements of dtype from at src to dtype to at dst, as
 * numpy's astype does (complex to real keeps the real part).
 */
void
expr_conv(void *dst, enum tp_dtype to, const void *src, enum tp_dtype from,
    size_t n)
{
	int kf = expr_kind_of(from), kt = expr_kind_of(to);
	size_t i;

	if (kf == K_I) {
		conv_from_int(dst, to, src, from, n);
		return;
	}
	if (kt == K_I && to == TP_B1 && (kf == K_CF || kf == K_CD)) {
		for (i = 0; i < n; i++)
			((int64_t *)dst)[i] = kf == K_CF ?
			    (((const float *)src)[2 * i] != 0 ||
			    ((const float *)src)[2 * i + 1] != 0) :
			    (((const double *)src)[2 * i] != 0 ||
			    ((const double *)src)[2 * i + 1] != 0);
		return;
	}
	if (kf == K_F && kt == K_F) {	/* f2 <-> f4 */
		const float *s = src;

		for (i = 0; i < n; i++)
			((float *)dst)[i] = to == TP_F2 ? round_half(s[i]) :
			    s[i];
		return;
	}
	if (kf == K_D && kt == K_F) {
		const double *s = src;

		for (i = 0; i < n; i++)
			((float *)dst)[i] = to == TP_F2 ?
			    double_to_half(s[i]) : (float)s[i];
		return;
	}
	/* the rest goes through double, exactly (or rounding once) */
	for (i = 0; i < n; i++) {
		double re = expr_as_double(src, from, i), im = 0;

		if (kf == K_CF)
			im = ((const float *)src)[2 * i + 1];
		else if (kf == K_CD)
			im = ((const double *)src)[2 * i + 1];
		switch (kt) {
		case K_I:
			((int64_t *)dst)[i] = float_to_int(re, to);
			break;
		case K_F:
			((float *)dst)[i] = to == TP_F2 ? double_to_half(re) :
			    (float)re;
			break;
		case K_D:
			((double *)dst)[i] = re;
			break;
		case K_CF:
			((float *)dst)[2 * i] = (float)re;
			((float *)dst)[2 * i + 1] = (float)im;
			break;
		default:
			((double *)dst)[2 * i] = re;
			((double *)dst)[2 * i + 1] = im;
			break;
		}
	}
}

/* n raw elements of dtype t (native order) into storage. */
void
expr_load(void *dst, const void *src, enum tp_dtype t, size_t n)
{
	size_t i;

	switch (t) {
	case TP_B1:
		for (i = 0; i < n; i++)
			((int64_t *)dst)[i] = ((const uint8_t *)src)[i] != 0;
		break;
	case TP_U1:
		for (i = 0; i < n; i++)
			((int64_t *)dst)[i] = ((const uint8_t *)src)[i];
		break;
	case TP_I1:
		for (i = 0; i < n; i++)
			((int64_t *)dst)[i] = ((const int8_t *)src)[i];
		break;
	case TP_U2:
		for (i = 0; i < n; i++)
			((int64_t *)dst)[i] = ((const uint16_t *)src)[i];
		break;
	case TP_I2:
		for (i = 0; i < n; i++)
			((int64_t *)dst)[i] = ((const int16_t *)src)[i];
		break;
	case TP_U4:
		for (i = 0; i < n; i++)
			((int64_t *)dst)[i] = ((const uint32_t *)src)[i];
		break;
	case TP_I4:
		for (i = 0; i < n; i++)
			((int64_t *)dst)[i] = ((const int32_t *)src)[i];
		break;
	case TP_F2:
		for (i = 0; i < n; i++)
			((float *)dst)[i] =
			    tp_half_to_float(((const uint16_t *)src)[i]);
		break;
	default:
		memcpy(dst, src, n * tp_dtype_size(t));
		break;
	}
}

/* n storage elements of dtype t into raw elements. */
void
expr_store(void *dst, const void *src, enum tp_dtype t, size_t n)
{
	const int64_t *s = src;
	size_t i;

	switch (t) {
	case TP_B1:
	case TP_U1:
	case TP_I1:
		for (i = 0; i < n; i++)
			((uint8_t *)dst)[i] = (uint8_t)s[i];
		break;
	case TP_U2:
	case TP_I2:
		for (i = 0; i < n; i++)
			((uint16_t *)dst)[i] = (uint16_t)s[i];
		break;
	case TP_U4:
	case TP_I4:
		for (i = 0; i < n; i++)
			((uint32_t *)dst)[i] = (uint32_t)s[i];
		break;
	case TP_F2:
		for (i = 0; i < n; i++)
			((uint16_t *)dst)[i] =
			    tp_float_to_half(((const float *)src)[i]);
		break;
	default:
		memcpy(dst, src, n * tp_dtype_size(t));
		break;
	}
}

/* Whether raw elements of t are their own storage. */
int
expr_raw_is_storage(enum tp_dtype t)
{
	return t == TP_F4 || t == TP_F8 || t == TP_C8 || t == TP_C16 ||
	    t == TP_I8 || t == TP_U8;
}

/* Narrow n values an operation computed in its loop type ct's storage
 * at o to its dtype dt: float16 rounds to half; integers narrower than
 * 64 bits wrap when the loop computed in dt itself. */
void
expr_narrow_block(void *o, enum tp_dtype dt, enum tp_dtype ct, size_t n)
{
	if (dt == TP_F2) {
		size_t i;

		for (i = 0; i < n; i++)
			((float *)o)[i] = round_half(((float *)o)[i]);
	} else if (expr_kind_of(dt) == K_I && dt != TP_I8 &&
	    dt != TP_U8 && ct == dt) {
		size_t i;

		for (i = 0; i < n; i++)
			((int64_t *)o)[i] = narrow(((int64_t *)o)[i], dt);
	}
}
