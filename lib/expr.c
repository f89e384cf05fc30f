/*
 * expr.c - element-wise expressions in NumPy's syntax, types and
 * numerics (expr.h, tmath).
 *
 * Parsing is recursive descent with Python's precedence.  Nodes live in
 * one array, children before parents.  Resolution walks that array once
 * per record: each node gets its broadcast shape and, by NumPy 1.24's
 * rules (value-based casting for 0-d operands, then the first of the
 * ufunc's loops, lib/expr_loops.h, that every input casts to safely),
 * its loop type (ct, what the inputs are cast to) and its dtype; a node
 * whose inputs are all 0-d is computed there and then.  Evaluation runs
 * the whole tree over one block of BLOCK output elements at a time, each
 * node into its own per-thread block buffer (numexpr's technique): no
 * array-sized temporary, the block stays in cache.
 *
 * Values in a block are held per storage kind: every integer and bool
 * dtype as int64_t (uint64 as its bits), float16 and float32 as float,
 * float64 as double, complex as pairs.  An operation computes in its
 * loop type's storage and is then narrowed to its dtype (integers wrap,
 * float16 rounds to half), which is what NumPy's loops give.  This file
 * is compiled with -ffp-contract=off (no fused multiply-add).
 */
#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "expr.h"
#include "expr_loops.h"

#define BLOCK 1024		/* elements per block */
#define MAXNODES 256
#define SLOT (BLOCK * 16)	/* bytes of one block buffer */

/* Storage kinds of a dtype's values in a block. */
enum { K_I, K_F, K_D, K_CF, K_CD };

/* Functions and operators. */
enum {
	F_ADD, F_SUB, F_MUL, F_TDIV, F_FDIV, F_MOD, F_POW, F_POWOP,
	F_AND, F_OR, F_XOR, F_LT, F_LE, F_GT, F_GE, F_EQ, F_NE,
	F_NEG, F_POS, F_INV, F_ABS, F_SIGN, F_SQRT, F_CBRT, F_EXP, F_EXPM1,
	F_EXP2, F_LOG, F_LOG1P, F_LOG2, F_LOG10, F_SIN, F_COS, F_TAN,
	F_ASIN, F_ACOS, F_ATAN, F_SINH, F_COSH, F_TANH, F_ASINH, F_ACOSH,
	F_ATANH, F_ATAN2, F_HYPOT, F_FLOOR, F_CEIL, F_TRUNC, F_RINT,
	F_ROUND, F_CLIP, F_MIN, F_MAX, F_FMIN, F_FMAX, F_WHERE, F_ISNAN,
	F_ISINF, F_ISFINITE, F_REAL, F_IMAG, F_CONJ, F_ANGLE, F_SQUARE,
	F_RECIP, F_ONES, F_CAST, F_NFN
};

/* name: as the user writes it (or the operator); ufunc: numpy's ufunc
 * whose loops decide the types (NULL: a rule of its own). */
static const struct fninfo {
	const char *name;
	int nargs;
	const char *ufunc;
} fns[F_NFN] = {
	[F_ADD] = { "+", 2, "add" },
	[F_SUB] = { "-", 2, "subtract" },
	[F_MUL] = { "*", 2, "multiply" },
	[F_TDIV] = { "/", 2, "true_divide" },
	[F_FDIV] = { "//", 2, "floor_divide" },
	[F_MOD] = { "%", 2, "remainder" },
	[F_POW] = { "power", 2, "power" },
	[F_POWOP] = { "**", 2, "power" },
	[F_AND] = { "&", 2, "bitwise_and" },
	[F_OR] = { "|", 2, "bitwise_or" },
	[F_XOR] = { "^", 2, "bitwise_xor" },
	[F_LT] = { "<", 2, "less" },
	[F_LE] = { "<=", 2, "less_equal" },
	[F_GT] = { ">", 2, "greater" },
	[F_GE] = { ">=", 2, "greater_equal" },
	[F_EQ] = { "==", 2, "equal" },
	[F_NE] = { "!=", 2, "not_equal" },
	[F_NEG] = { "negative", 1, "negative" },
	[F_POS] = { "positive", 1, "positive" },
	[F_INV] = { "invert", 1, "invert" },
	[F_ABS] = { "abs", 1, "absolute" },
	[F_SIGN] = { "sign", 1, "sign" },
	[F_SQRT] = { "sqrt", 1, "sqrt" },
	[F_CBRT] = { "cbrt", 1, "cbrt" },
	[F_EXP] = { "exp", 1, "exp" },
	[F_EXPM1] = { "expm1", 1, "expm1" },
	[F_EXP2] = { "exp2", 1, "exp2" },
	[F_LOG] = { "log", 1, "log" },
	[F_LOG1P] = { "log1p", 1, "log1p" },
	[F_LOG2] = { "log2", 1, "log2" },
	[F_LOG10] = { "log10", 1, "log10" },
	[F_SIN] = { "sin", 1, "sin" },
	[F_COS] = { "cos", 1, "cos" },
	[F_TAN] = { "tan", 1, "tan" },
	[F_ASIN] = { "arcsin", 1, "arcsin" },
	[F_ACOS] = { "arccos", 1, "arccos" },
	[F_ATAN] = { "arctan", 1, "arctan" },
	[F_SINH] = { "sinh", 1, "sinh" },
	[F_COSH] = { "cosh", 1, "cosh" },
	[F_TANH] = { "tanh", 1, "tanh" },
	[F_ASINH] = { "arcsinh", 1, "arcsinh" },
	[F_ACOSH] = { "arccosh", 1, "arccosh" },
	[F_ATANH] = { "arctanh", 1, "arctanh" },
	[F_ATAN2] = { "arctan2", 2, "arctan2" },
	[F_HYPOT] = { "hypot", 2, "hypot" },
	[F_FLOOR] = { "floor", 1, "floor" },
	[F_CEIL] = { "ceil", 1, "ceil" },
	[F_TRUNC] = { "trunc", 1, "trunc" },
	[F_RINT] = { "rint", 1, "rint" },
	[F_ROUND] = { "round", 1, NULL },
	[F_CLIP] = { "clip", 3, "clip" },
	[F_MIN] = { "minimum", 2, "minimum" },
	[F_MAX] = { "maximum", 2, "maximum" },
	[F_FMIN] = { "fmin", 2, "fmin" },
	[F_FMAX] = { "fmax", 2, "fmax" },
	[F_WHERE] = { "where", 3, NULL },
	[F_ISNAN] = { "isnan", 1, "isnan" },
	[F_ISINF] = { "isinf", 1, "isinf" },
	[F_ISFINITE] = { "isfinite", 1, "isfinite" },
	[F_REAL] = { "real", 1, NULL },
	[F_IMAG] = { "imag", 1, NULL },
	[F_CONJ] = { "conj", 1, "conjugate" },
	[F_ANGLE] = { "angle", 1, NULL },
	[F_SQUARE] = { "square", 1, "square" },
	[F_RECIP] = { "reciprocal", 1, "reciprocal" },
	[F_ONES] = { "ones_like", 1, NULL },
	[F_CAST] = { "cast", 1, NULL },
};

/* Other spellings of functions. */
static const struct { const char *name; int fn; } aliases[] = {
	{ "absolute", F_ABS }, { "conjugate", F_CONJ }, { "around", F_ROUND },
	{ "arctan2", F_ATAN2 }, { "add", F_ADD }, { "subtract", F_SUB },
	{ "multiply", F_MUL }, { "divide", F_TDIV }, { "true_divide", F_TDIV },
	{ "floor_divide", F_FDIV }, { "remainder", F_MOD }, { "mod", F_MOD },
	{ "negative", F_NEG }, { "positive", F_POS }, { "invert", F_INV },
	{ "less", F_LT }, { "less_equal", F_LE }, { "greater", F_GT },
	{ "greater_equal", F_GE }, { "equal", F_EQ }, { "not_equal", F_NE },
	{ "bitwise_and", F_AND }, { "bitwise_or", F_OR },
	{ "bitwise_xor", F_XOR }, { "bitwise_not", F_INV },
};

/* Casts by numpy's scalar type names. */
static const struct { const char *name; enum tp_dtype t; } casts[] = {
	{ "bool_", TP_B1 }, { "uint8", TP_U1 }, { "int8", TP_I1 },
	{ "uint16", TP_U2 }, { "int16", TP_I2 }, { "uint32", TP_U4 },
	{ "int32", TP_I4 }, { "uint64", TP_U8 }, { "int64", TP_I8 },
	{ "float16", TP_F2 }, { "float32", TP_F4 }, { "float64", TP_F8 },
	{ "complex64", TP_C8 }, { "complex128", TP_C16 },
};

union val {
	int64_t i;
	float f;
	double d;
	float cf[2];
	double cd[2];
};

enum { N_NUM, N_VAR, N_CALL };

struct node {
	int kind, fn, nargs, arg[3];
	int pos;			/* column in the source, from 1 */
	int var;			/* N_VAR: operand index */
	enum tp_dtype litdt;		/* N_NUM: its dtype and value */
	union val lit;
	enum tp_dtype castdt;		/* F_CAST: the target */
	/* resolved, per record */
	int op;				/* the kernel run (fn or a fast path) */
	int nin;			/* inputs it evaluates (a ** 2: 1) */
	enum tp_dtype dt;		/* the result's dtype */
	enum tp_dtype ct[3];		/* each input is cast to ct[j] */
	int ndim;
	size_t shape[TP_MAXDIM];
	size_t count;
	int scalar;			/* 0-d, value in val */
	int isarr;			/* an ndarray, not a numpy scalar */
	union val val;
	int direct;			/* N_VAR: the output's element order */
	size_t bstride[TP_MAXDIM];	/* N_VAR: element stride per out axis */
};

struct tp_expr {
	char *src;
	int nnodes, root;
	struct node nodes[MAXNODES];
	int nnames;
	char *names[TP_EXPR_MAXOPS];
	/* resolved */
	enum tp_dtype outdt;
	int ndim;
	size_t shape[TP_MAXDIM], count;
	/* run */
	const struct tp_tensor *ops;
	const void *const *chunk;
	size_t start, n;
	unsigned char *dst;
	unsigned char *scratch[TP_MAXTHREADS];
	int nscratch;
	int failed;			/* a kernel's error (atomic) */
	int failpos;
};

static int
kind_of(enum tp_dtype t)
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

static const size_t kind_size[] = { 8, 4, 8, 8, 16 };

/* NumPy's ordering of kinds for value-based casting: bool 0, integers
 * 1, floats and complex 2. */
static int
category(enum tp_dtype t)
{
	return t == TP_B1 ? 0 : tp_dtype_is_int(t) ? 1 : 2;
}

static enum tp_dtype
real_of(enum tp_dtype t)
{
	return t == TP_C8 ? TP_F4 : t == TP_C16 ? TP_F8 : t;
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
static double
as_double(const void *s, enum tp_dtype t, size_t i)
{
	switch (kind_of(t)) {
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

/*
 * Convert n storage elements of dtype from at src to dtype to at dst, as
 * numpy's astype does (complex to real keeps the real part).
 */
static void
conv(void *dst, enum tp_dtype to, const void *src, enum tp_dtype from,
    size_t n)
{
	int kf = kind_of(from), kt = kind_of(to);
	size_t i;

	if (kf == K_I) {
		const int64_t *s = src;
		int uns = from == TP_U8;

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
		double re = as_double(src, from, i), im = 0;

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
static void
load(void *dst, const void *src, enum tp_dtype t, size_t n)
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
static void
store(void *dst, const void *src, enum tp_dtype t, size_t n)
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
static int
raw_is_storage(enum tp_dtype t)
{
	return t == TP_F4 || t == TP_F8 || t == TP_C8 || t == TP_C16 ||
	    t == TP_I8 || t == TP_U8;
}

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

/*
 * Op fn on integer or bool storage, inputs of dtype ct (values within
 * it), n elements; returns -1 for a negative power, else 0.
 */
static int
kernel_int(int fn, enum tp_dtype ct, int64_t *o, const int64_t *a,
    const int64_t *b, const int64_t *c, size_t n)
{
	int uns = ct == TP_U8;
	size_t i;

#define LOOP(expr) { for (i = 0; i < n; i++) o[i] = (expr); break; }
#define UA ((uint64_t)a[i])
#define UB ((uint64_t)b[i])
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
	case F_ISNAN: case F_ISINF: LOOP(0);
	case F_ISFINITE: LOOP(1);
	default:
		abort();
	}
#undef UA
#undef UB
	return 0;
}

/* log1p of a float through double: 1 + x is exact in double for
 * |x| >= 2^-29, and glibc's log is within an ulp of double, so the
 * result is within an ulp of float (glibc's log1pf is several times
 * slower). */
static float
log1p_float(float x)
{
	double d = x;

	if (fabs(d) < 0x1p-29)
		return (float)(d - d * d * 0.5);
	return (float)log(1.0 + d);
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
static void								\
NAME(int fn, void *out, const T *a, const T *b, const T *c, size_t n)	\
{									\
	T *o = out;							\
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
	case F_SQRT: LOOP(sqrt##S(a[i]));				\
	case F_CBRT: LOOP(cbrt##S(a[i]));				\
	case F_EXP: LOOP(exp##S(a[i]));					\
	case F_EXPM1: LOOP(expm1##S(a[i]));				\
	case F_EXP2: LOOP(exp2##S(a[i]));				\
	case F_LOG: LOOP(log##S(a[i]));					\
	case F_LOG1P: LOOP(sizeof(T) == 4 ? (T)log1p_float((float)a[i]) :	\
	    log1p(a[i]));						\
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
	case F_FLOOR: LOOP(floor##S(a[i]));				\
	case F_CEIL: LOOP(ceil##S(a[i]));				\
	case F_TRUNC: LOOP(trunc##S(a[i]));				\
	case F_RINT: case F_ROUND: LOOP(rint##S(a[i]));			\
	case F_MIN: LOOP(a[i] <= b[i] || isnan(a[i]) ? a[i] : b[i]);	\
	case F_MAX: LOOP(a[i] >= b[i] || isnan(a[i]) ? a[i] : b[i]);	\
	case F_FMIN: LOOP(fmin##S(a[i], b[i]));				\
	case F_FMAX: LOOP(fmax##S(a[i], b[i]));				\
	case F_CLIP:	/* _NPY_MIN(_NPY_MAX(x, lo), hi), NaN kept */	\
		for (i = 0; i < n; i++) {				\
			T v = a[i];					\
									\
			v = isnan(v) ? v : v > b[i] ? v : b[i];		\
			o[i] = isnan(v) ? v : v < c[i] ? v : c[i];	\
		}							\
		break;							\
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
}

FLOAT_KERNEL(kernel_f, float, f, divmod_f)
FLOAT_KERNEL(kernel_d, double, , divmod_d)

/* numpy's ordering of complex numbers (lexicographic, NaN aware). */
#define CLT(xr, xi, yr, yi) (((xr) < (yr) && !isnan(xi) && !isnan(yi)) || \
    ((xr) == (yr) && (xi) < (yi)))
#define CLE(xr, xi, yr, yi) (((xr) < (yr) && !isnan(xi) && !isnan(yi)) || \
    ((xr) == (yr) && (xi) <= (yi)))
#define CGT(xr, xi, yr, yi) CLT(yr, yi, xr, xi)
#define CGE(xr, xi, yr, yi) CLE(yr, yi, xr, xi)

/* The complex kernels: a and b are pairs; CT is the C complex type for
 * libm's functions. */
#define COMPLEX_KERNEL(NAME, T, S, CT, MK)				\
static void								\
NAME(int fn, void *out, const T *a, const T *b, size_t n)		\
{									\
	T *o = out;							\
	int64_t *ob = out;						\
	size_t i;							\
									\
	switch (fn) {							\
	case F_ADD:							\
		for (i = 0; i < n; i++) {				\
			o[2 * i] = a[2 * i] + b[2 * i];			\
			o[2 * i + 1] = a[2 * i + 1] + b[2 * i + 1];	\
		}							\
		break;							\
	case F_SUB:							\
		for (i = 0; i < n; i++) {				\
			o[2 * i] = a[2 * i] - b[2 * i];			\
			o[2 * i + 1] = a[2 * i + 1] - b[2 * i + 1];	\
		}							\
		break;							\
	case F_MUL: case F_SQUARE:					\
		if (fn == F_SQUARE)					\
			b = a;						\
		for (i = 0; i < n; i++) {				\
			T ar = a[2 * i], ai = a[2 * i + 1];		\
			T br = b[2 * i], bi = b[2 * i + 1];		\
									\
			o[2 * i] = ar * br - ai * bi;			\
			o[2 * i + 1] = ar * bi + ai * br;		\
		}							\
		break;							\
	case F_TDIV:	/* numpy's loop: Smith's algorithm */		\
		for (i = 0; i < n; i++) {				\
			T ar = a[2 * i], ai = a[2 * i + 1];		\
			T br = b[2 * i], bi = b[2 * i + 1];		\
			T abr = fabs##S(br), abi = fabs##S(bi);		\
									\
			if (abr >= abi) {				\
				if (abr == 0 && abi == 0) {		\
					o[2 * i] = ar / abr;		\
					o[2 * i + 1] = ai / abr;	\
				} else {				\
					T rat = bi / br;		\
					T scl = 1 / (br + bi * rat);	\
									\
					o[2 * i] = (ar + ai * rat) * scl; \
					o[2 * i + 1] = (ai - ar * rat) * scl; \
				}					\
			} else {					\
				T rat = br / bi;			\
				T scl = 1 / (bi + br * rat);		\
									\
				o[2 * i] = (ar * rat + ai) * scl;	\
				o[2 * i + 1] = (ai * rat - ar) * scl;	\
			}						\
		}							\
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
			    CLT(r, im, (T)0, (T)0) ?				\
			    -1 : (r == 0 && im == 0) ? 0 : NAN;		\
			o[2 * i + 1] = 0;				\
		}							\
		break;							\
	case F_ABS: LOOP(hypot##S(a[2 * i], a[2 * i + 1]));		\
	case F_REAL: LOOP(a[2 * i]);					\
	case F_IMAG: LOOP(a[2 * i + 1]);				\
	case F_ANGLE: LOOP(atan2##S(a[2 * i + 1], a[2 * i]));		\
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
		for (i = 0; i < n; i++) {				\
			CT z = MK(a[2 * i], a[2 * i + 1]), w;		\
									\
			switch (fn) {					\
			case F_SQRT: w = csqrt##S(z); break;		\
			case F_EXP: w = cexp##S(z); break;		\
			case F_LOG: w = clog##S(z); break;		\
			case F_SIN: w = csin##S(z); break;		\
			case F_COS: w = ccos##S(z); break;		\
			case F_TAN: w = ctan##S(z); break;		\
			case F_ASIN: w = casin##S(z); break;		\
			case F_ACOS: w = cacos##S(z); break;		\
			case F_ATAN: w = catan##S(z); break;		\
			case F_SINH: w = csinh##S(z); break;		\
			case F_COSH: w = ccosh##S(z); break;		\
			case F_TANH: w = ctanh##S(z); break;		\
			case F_ASINH: w = casinh##S(z); break;		\
			case F_ACOSH: w = cacosh##S(z); break;		\
			case F_ATANH: w = catanh##S(z); break;		\
			default: abort();				\
			}						\
			o[2 * i] = creal##S(w);				\
			o[2 * i + 1] = cimag##S(w);			\
		}							\
		break;							\
	}								\
}

/* A complex number from its parts (CMPLX is missing under clang; a
 * complex type is laid out as an array of its two parts). */
static float complex
make_cf(float re, float im)
{
	float complex z;

	((float *)&z)[0] = re;
	((float *)&z)[1] = im;
	return z;
}

static double complex
make_cd(double re, double im)
{
	double complex z;

	((double *)&z)[0] = re;
	((double *)&z)[1] = im;
	return z;
}

COMPLEX_KERNEL(kernel_cf, float, f, float complex, make_cf)
COMPLEX_KERNEL(kernel_cd, double, , double complex, make_cd)
#undef LOOP

/* Whether the kernels implement fn on complex inputs. */
static int
complex_supported(int fn)
{
	switch (fn) {
	case F_POW: case F_POWOP: case F_EXPM1: case F_EXP2: case F_LOG1P:
	case F_LOG2: case F_LOG10: case F_MIN: case F_MAX: case F_FMIN:
	case F_FMAX: case F_CLIP:
		return 0;
	default:
		return 1;
	}
}

/* --- parsing ---------------------------------------------------------- */

struct parser {
	struct tp_expr *e;
	const char *s;
	size_t p;
	const char *const *names;
	int nnames;
	const char *err;		/* the first error, formatted in m */
	struct tp_msg *m;
};

static int parse_comparison(struct parser *);

/* Record the first error, at column pos (from 0 here). */
static int
perr(struct parser *ps, size_t pos, const char *fmt, const char *arg)
{
	char q[200], what[200];

	if (!ps->err) {
		snprintf(what, sizeof what, fmt, arg);
		tp_quote(ps->s, strlen(ps->s), q, sizeof q);
		ps->err = tp_msgf(ps->m, "expression '%s', column %zu: %s", q,
		    pos + 1, what);
	}
	return -1;
}

static void
skip_space(struct parser *ps)
{
	while (ps->s[ps->p] == ' ' || ps->s[ps->p] == '\t' ||
	    ps->s[ps->p] == '\n')
		ps->p++;
}

static int
new_node(struct parser *ps, int kind, int fn, size_t pos)
{
	struct node *nd;

	if (ps->e->nnodes >= MAXNODES)
		return perr(ps, pos, "the expression has more than %s nodes",
		    "256");
	nd = &ps->e->nodes[ps->e->nnodes];
	memset(nd, 0, sizeof *nd);
	nd->kind = kind;
	nd->fn = fn;
	nd->pos = (int)pos + 1;
	return ps->e->nnodes++;
}

static int
call_node(struct parser *ps, int fn, size_t pos, int nargs, const int *args)
{
	int k, j;

	for (j = 0; j < nargs; j++)
		if (args[j] < 0)
			return -1;
	if ((k = new_node(ps, N_CALL, fn, pos)) < 0)
		return -1;
	ps->e->nodes[k].nargs = nargs;
	for (j = 0; j < nargs; j++)
		ps->e->nodes[k].arg[j] = args[j];
	return k;
}

/* A numeric literal as Python reads it: int, float, or imaginary. */
static int
parse_number(struct parser *ps)
{
	const char *s = ps->s + ps->p;
	size_t pos = ps->p, len = 0;
	int isfloat = 0, k;
	char buf[128];
	struct node *nd;

	while (s[len] >= '0' && s[len] <= '9')
		len++;
	if (s[len] == '.') {
		isfloat = 1;
		len++;
		while (s[len] >= '0' && s[len] <= '9')
			len++;
	}
	if ((s[len] == 'e' || s[len] == 'E') && (s[len + 1] == '+' ||
	    s[len + 1] == '-' ? s[len + 2] : s[len + 1]) >= '0' &&
	    (s[len + 1] == '+' || s[len + 1] == '-' ? s[len + 2] :
	    s[len + 1]) <= '9') {
		isfloat = 1;
		len += (s[len + 1] == '+' || s[len + 1] == '-') ? 2 : 1;
		while (s[len] >= '0' && s[len] <= '9')
			len++;
	}
	if (len >= sizeof buf)
		return perr(ps, pos, "number %s is too long", "literal");
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((k = new_node(ps, N_NUM, 0, pos)) < 0)
		return -1;
	nd = &ps->e->nodes[k];
	if (s[len] == 'j' || s[len] == 'J') {
		nd->litdt = TP_C16;
		nd->lit.cd[0] = 0;
		nd->lit.cd[1] = strtod(buf, NULL);
		len++;
	} else if (isfloat) {
		nd->litdt = TP_F8;
		nd->lit.d = strtod(buf, NULL);
	} else {
		uint64_t v = 0;
		size_t i;

		for (i = 0; i < len; i++) {
			if (v > (UINT64_MAX - (unsigned)(buf[i] - '0')) / 10)
				return perr(ps, pos, "integer %s does not fit "
				    "in 64 bits", buf);
			v = v * 10 + (unsigned)(buf[i] - '0');
		}
		/* numpy.asarray of a Python int: int64, else uint64 */
		nd->litdt = v > INT64_MAX ? TP_U8 : TP_I8;
		nd->lit.i = (int64_t)v;
	}
	ps->p += len;
	if ((s[len] >= 'a' && s[len] <= 'z') || (s[len] >= 'A' &&
	    s[len] <= 'Z') || s[len] == '_' || s[len] == '.')
		return perr(ps, ps->p, "invalid number %s", buf);
	return k;
}

/* Look name up among the functions, aliases and casts: returns the fn
 * (F_CAST with *cast set), or -1. */
static int
lookup_fn(const char *name, enum tp_dtype *cast)
{
	size_t i;

	for (i = 0; i < F_NFN; i++)
		if (fns[i].ufunc != NULL || i == F_ROUND || i == F_WHERE ||
		    i == F_REAL || i == F_IMAG || i == F_ANGLE)
			if (strcmp(name, fns[i].name) == 0 &&
			    fns[i].name[0] >= 'a')
				return (int)i;
	for (i = 0; i < sizeof aliases / sizeof *aliases; i++)
		if (strcmp(name, aliases[i].name) == 0)
			return aliases[i].fn;
	for (i = 0; i < sizeof casts / sizeof *casts; i++)
		if (strcmp(name, casts[i].name) == 0) {
			*cast = casts[i].t;
			return F_CAST;
		}
	if (strcmp(name, "bool") == 0) {
		*cast = TP_B1;
		return F_CAST;
	}
	return -1;
}

static const char *const constants[] = { "pi", "e", "inf", "nan", "True",
	"False", "newaxis" };

int
tp_expr_reserved(const char *name)
{
	enum tp_dtype t;
	size_t i;

	for (i = 0; i < sizeof constants / sizeof *constants; i++)
		if (strcmp(name, constants[i]) == 0)
			return 1;
	return lookup_fn(name, &t) >= 0 || strcmp(name, "np") == 0 ||
	    strcmp(name, "numpy") == 0;
}

/* A name: a constant, an operand, or a call. */
static int
parse_name(struct parser *ps)
{
	const char *s = ps->s;
	size_t pos = ps->p, len;
	char name[64];
	enum tp_dtype cast = TP_B1;
	int fn, k, args[3], nargs = 0, i;

	/* np.sqrt and numpy.sqrt are sqrt */
	if (strncmp(s + ps->p, "np.", 3) == 0)
		ps->p += 3;
	else if (strncmp(s + ps->p, "numpy.", 6) == 0)
		ps->p += 6;
	for (len = 0; (s[ps->p + len] >= 'a' && s[ps->p + len] <= 'z') ||
	    (s[ps->p + len] >= 'A' && s[ps->p + len] <= 'Z') ||
	    (s[ps->p + len] >= '0' && s[ps->p + len] <= '9') ||
	    s[ps->p + len] == '_'; len++)
		;
	if (len == 0)
		return perr(ps, ps->p, "expected a name after %s", "'np.'");
	if (len >= sizeof name)
		return perr(ps, pos, "name %s is too long", "");
	memcpy(name, s + ps->p, len);
	name[len] = '\0';
	ps->p += len;
	skip_space(ps);
	if (s[ps->p] != '(') {
		for (i = 0; i < ps->nnames; i++)
			if (strcmp(name, ps->names[i]) == 0) {
				if ((k = new_node(ps, N_VAR, 0, pos)) < 0)
					return -1;
				ps->e->nodes[k].var = i;
				return k;
			}
		if ((k = new_node(ps, N_NUM, 0, pos)) < 0)
			return -1;
		ps->e->nodes[k].litdt = TP_F8;
		if (strcmp(name, "pi") == 0)
			ps->e->nodes[k].lit.d = M_PI;
		else if (strcmp(name, "e") == 0)
			ps->e->nodes[k].lit.d = M_E;
		else if (strcmp(name, "inf") == 0)
			ps->e->nodes[k].lit.d = INFINITY;
		else if (strcmp(name, "nan") == 0)
			ps->e->nodes[k].lit.d = NAN;
		else if (strcmp(name, "True") == 0 ||
		    strcmp(name, "False") == 0) {
			ps->e->nodes[k].litdt = TP_B1;
			ps->e->nodes[k].lit.i = name[0] == 'T';
		} else if (lookup_fn(name, &cast) >= 0) {
			char what[160];

			snprintf(what, sizeof what, "%s is a function: call it "
			    "as %s(...)", name, name);
			return perr(ps, pos, "%s", what);
		}
		else
			return perr(ps, pos, "unknown name '%s'", name);
		return k;
	}
	if ((fn = lookup_fn(name, &cast)) < 0) {
		for (i = 0; i < ps->nnames; i++)
			if (strcmp(name, ps->names[i]) == 0)
				return perr(ps, pos, "'%s' is an operand, "
				    "not a function", name);
		return perr(ps, pos, "unknown function '%s'", name);
	}
	ps->p++;			/* ( */
	skip_space(ps);
	if (s[ps->p] != ')')
		for (;;) {
			if (nargs == 3)
				return perr(ps, ps->p, "too many arguments "
				    "to %s", name);
			if ((args[nargs++] = parse_comparison(ps)) < 0)
				return -1;
			skip_space(ps);
			if (s[ps->p] == ',') {
				ps->p++;
				skip_space(ps);
				continue;
			}
			if (s[ps->p] != ')')
				return perr(ps, ps->p, "expected ',' or ')' "
				    "in the call of %s", name);
			break;
		}
	ps->p++;			/* ) */
	if (nargs != fns[fn].nargs) {
		char want[120];

		snprintf(want, sizeof want, "%s takes %d argument%s, not %d",
		    name, fns[fn].nargs, fns[fn].nargs == 1 ? "" : "s",
		    nargs);
		return perr(ps, pos, "%s", want);
	}
	if (fn == F_ANGLE) {		/* arctan2(imag, real): 0 for reals */
		int zero = new_node(ps, N_NUM, 0, pos);

		if (zero < 0)
			return -1;
		ps->e->nodes[zero].litdt = TP_I8;
		args[1] = args[0];
		args[0] = zero;
		nargs = 2;
	}
	if ((k = call_node(ps, fn, pos, nargs, args)) >= 0 && fn == F_CAST)
		ps->e->nodes[k].castdt = cast;
	return k;
}

static int
parse_primary(struct parser *ps)
{
	const char *s = ps->s;
	int k;

	skip_space(ps);
	if ((s[ps->p] >= '0' && s[ps->p] <= '9') || (s[ps->p] == '.' &&
	    s[ps->p + 1] >= '0' && s[ps->p + 1] <= '9'))
		return parse_number(ps);
	if ((s[ps->p] >= 'a' && s[ps->p] <= 'z') || (s[ps->p] >= 'A' &&
	    s[ps->p] <= 'Z') || s[ps->p] == '_')
		return parse_name(ps);
	if (s[ps->p] == '(') {
		size_t open = ps->p++;

		if ((k = parse_comparison(ps)) < 0)
			return -1;
		skip_space(ps);
		if (s[ps->p] != ')')
			return perr(ps, open, "'(' is not closed%s", "");
		ps->p++;
		return k;
	}
	if (s[ps->p] == '\0')
		return perr(ps, ps->p, "the expression ends where an operand "
		    "is expected%s", "");
	return perr(ps, ps->p, "unexpected '%.1s'", s + ps->p);
}

static int parse_unary(struct parser *);

/* power: primary ['**' unary] (right-associative, binds tighter than a
 * unary minus on its left). */
static int
parse_power(struct parser *ps)
{
	int a[2];
	size_t pos;

	if ((a[0] = parse_primary(ps)) < 0)
		return -1;
	skip_space(ps);
	if (ps->s[ps->p] == '*' && ps->s[ps->p + 1] == '*') {
		pos = ps->p;
		ps->p += 2;
		a[1] = parse_unary(ps);
		return call_node(ps, F_POWOP, pos, 2, a);
	}
	return a[0];
}

static int
parse_unary(struct parser *ps)
{
	char c;
	size_t pos;
	int a;

	skip_space(ps);
	c = ps->s[ps->p];
	if (c == '-' || c == '+' || c == '~') {
		pos = ps->p++;
		a = parse_unary(ps);
		/* -2 is a literal in numpy's eyes too (value-based) */
		return call_node(ps, c == '-' ? F_NEG : c == '+' ? F_POS :
		    F_INV, pos, 1, &a);
	}
	return parse_power(ps);
}

/* The binary operator at ps->p of the given level (0: | 1: ^ 2: & 3: + -
 * 4: * / // %), its fn and length; -1 if none. */
static int
binop_at(const char *s, int level, int *len)
{
	*len = 1;
	switch (level) {
	case 0: return s[0] == '|' ? F_OR : -1;
	case 1: return s[0] == '^' ? F_XOR : -1;
	case 2: return s[0] == '&' ? F_AND : -1;
	case 3: return s[0] == '+' ? F_ADD : s[0] == '-' ? F_SUB : -1;
	default:
		if (s[0] == '*' && s[1] != '*')
			return F_MUL;
		if (s[0] == '/' && s[1] == '/') {
			*len = 2;
			return F_FDIV;
		}
		return s[0] == '/' ? F_TDIV : s[0] == '%' ? F_MOD : -1;
	}
}

static int
parse_level(struct parser *ps, int level)
{
	int a[2], fn, len;
	size_t pos;

	if ((a[0] = level == 5 ? parse_unary(ps) :
	    parse_level(ps, level + 1)) < 0)
		return -1;
	if (level == 5)
		return a[0];
	for (;;) {
		skip_space(ps);
		if ((fn = binop_at(ps->s + ps->p, level, &len)) < 0)
			return a[0];
		pos = ps->p;
		ps->p += (size_t)len;
		if ((a[1] = parse_level(ps, level + 1)) < 0)
			return -1;
		if ((a[0] = call_node(ps, fn, pos, 2, a)) < 0)
			return -1;
	}
}

static int
compop_at(const char *s, int *len)
{
	*len = 2;
	if (s[0] == '<' && s[1] == '=')
		return F_LE;
	if (s[0] == '>' && s[1] == '=')
		return F_GE;
	if (s[0] == '=' && s[1] == '=')
		return F_EQ;
	if (s[0] == '!' && s[1] == '=')
		return F_NE;
	*len = 1;
	return s[0] == '<' ? F_LT : s[0] == '>' ? F_GT : -1;
}

/* comparison: bitor [compop bitor]; a chain a < b < c is refused. */
static int
parse_comparison(struct parser *ps)
{
	int a[2], fn, len, k;
	size_t pos;

	if ((a[0] = parse_level(ps, 0)) < 0)
		return -1;
	skip_space(ps);
	if ((fn = compop_at(ps->s + ps->p, &len)) < 0)
		return a[0];
	pos = ps->p;
	ps->p += (size_t)len;
	if ((a[1] = parse_level(ps, 0)) < 0)
		return -1;
	k = call_node(ps, fn, pos, 2, a);
	skip_space(ps);
	if (compop_at(ps->s + ps->p, &len) >= 0)
		return perr(ps, ps->p, "chained comparison: numpy arrays "
		    "cannot chain them; write (a < b) & (b < c)%s", "");
	return k;
}

const char *
tp_expr_parse(const char *src, int nnames, const char *const *names,
    struct tp_expr **ep, struct tp_msg *m)
{
	struct parser ps = { 0 };
	struct tp_expr *e = tp_ecalloc(1, sizeof *e);
	int root;

	e->src = tp_estrdup(src);
	e->nnames = nnames;
	for (root = 0; root < nnames && root < TP_EXPR_MAXOPS; root++)
		e->names[root] = tp_estrdup(names[root]);
	ps.e = e;
	ps.s = src;
	ps.names = names;
	ps.nnames = nnames;
	ps.m = m;
	root = parse_comparison(&ps);
	if (root >= 0) {
		skip_space(&ps);
		if (src[ps.p] == '=' )
			perr(&ps, ps.p, "'=' is not an operator (write == to "
			    "compare)%s", "");
		else if (src[ps.p] != '\0')
			perr(&ps, ps.p, "unexpected '%.1s' after a complete "
			    "expression", src + ps.p);
	}
	if (ps.err) {
		tp_expr_free(e);
		return ps.err;
	}
	e->root = root;
	*ep = e;
	return NULL;
}

void
tp_expr_free(struct tp_expr *e)
{
	int i;

	if (!e)
		return;
	for (i = 0; i < e->nscratch; i++)
		free(e->scratch[i]);
	for (i = 0; i < e->nnames && i < TP_EXPR_MAXOPS; i++)
		free(e->names[i]);
	free(e->src);
	free(e);
}

/* --- resolution ------------------------------------------------------- */

/* numpy.min_scalar_type of a 0-d node's value; *small is set when it
 * is an unsigned type whose value the signed type of its size holds too
 * (numpy's is_small_unsigned). */
static enum tp_dtype
min_scalar_type(const struct node *nd, int *small)
{
	enum tp_dtype t = nd->dt;

	*small = 0;
	if (t == TP_B1)
		return t;
	if (tp_dtype_is_int(t)) {
		uint64_t u = (uint64_t)nd->val.i;
		int64_t v = nd->val.i;

		if (t == TP_U8 || v >= 0) {
			enum tp_dtype r = u <= UINT8_MAX ? TP_U1 : u <=
			    UINT16_MAX ? TP_U2 : u <= UINT32_MAX ? TP_U4 :
			    TP_U8;

			*small = u <= (r == TP_U1 ? (uint64_t)INT8_MAX : r ==
			    TP_U2 ? (uint64_t)INT16_MAX : r == TP_U4 ?
			    (uint64_t)INT32_MAX : (uint64_t)INT64_MAX);
			return r;
		}
		return v >= INT8_MIN ? TP_I1 : v >= INT16_MIN ? TP_I2 :
		    v >= INT32_MIN ? TP_I4 : TP_I8;
	}
	if (tp_dtype_is_float(t)) {
		double v = as_double(&nd->val, t, 0);

		if ((v > -65000 && v < 65000) || !isfinite(v))
			return TP_F2;
		return t == TP_F8 && v > -3.4e38 && v < 3.4e38 ? TP_F4 : t;
	}
	if (t == TP_C16 && nd->val.cd[0] > -3.4e38 && nd->val.cd[0] < 3.4e38
	    && nd->val.cd[1] > -3.4e38 && nd->val.cd[1] < 3.4e38)
		return TP_C8;
	return t;
}

/* The dtypes the inputs count as for type resolution: with value-based
 * casting (numpy 1.24's should_use_min_scalar) when there are arrays
 * and scalars and no scalar is of a higher kind than every array; small
 * marks numpy's small unsigned scalars. */
static void
effective_types(const struct tp_expr *e, int nargs, const int *args,
    enum tp_dtype *eff, int *small)
{
	int j, maxa = -1, maxs = -1, arrays = 0;

	for (j = 0; j < nargs; j++) {
		const struct node *a = &e->nodes[args[j]];
		int c = category(a->dt);

		eff[j] = a->dt;
		small[j] = 0;
		if (a->ndim > 0) {
			arrays = 1;
			maxa = c > maxa ? c : maxa;
		} else
			maxs = c > maxs ? c : maxs;
	}
	if (arrays && maxs >= 0 && maxa >= maxs)
		for (j = 0; j < nargs; j++)
			if (e->nodes[args[j]].ndim == 0)
				eff[j] = min_scalar_type(&e->nodes[args[j]],
				    &small[j]);
}

static int
is_unsigned(enum tp_dtype t)
{
	return t == TP_U1 || t == TP_U2 || t == TP_U4 || t == TP_U8;
}

/* The signed integer of an unsigned one's size. */
static enum tp_dtype
to_signed(enum tp_dtype t)
{
	return is_unsigned(t) ? t + 1 : t;
}

/* numpy 1.24's PyArray_ResultType of the effective types. */
static enum tp_dtype
result_type(int n, const enum tp_dtype *eff, const int *small)
{
	enum tp_dtype r = eff[0];
	int rsmall = small[0], j;

	for (j = 1; j < n; j++) {
		enum tp_dtype t = eff[j];

		if (small[j] && t != TP_B1 && !is_unsigned(r) && r != TP_B1)
			r = expr_promote[to_signed(t)][r];
		else if (rsmall && !is_unsigned(t) && t != TP_B1)
			r = expr_promote[t][to_signed(r)];
		else
			r = expr_promote[t][r];
		rsmall = rsmall && small[j];
	}
	return r;
}

static enum tp_dtype
type_of_char(char c)
{
	static const char order[] = "?BbHhIiQqefdFD";

	return (enum tp_dtype)(strchr(order, c) - order);
}

/* The first loop of ufunc whose inputs eff[0 .. nin) cast to safely
 * (numpy's linear search; a small unsigned scalar counts as signed
 * against a signed type, as can_cast_scalar_to has it): sets ct and
 * *out; returns 0, or -1 if there is none. */
static int
find_loop(const char *ufunc, int nin, const enum tp_dtype *eff,
    const int *small, enum tp_dtype *ct, enum tp_dtype *out)
{
	const char *l = NULL;
	size_t i;
	int j;

	for (i = 0; i < sizeof expr_loops / sizeof *expr_loops; i++)
		if (strcmp(expr_loops[i].name, ufunc) == 0)
			l = expr_loops[i].loops;
	if (!l)
		abort();
	for (; *l; l += nin + 2) {
		for (j = 0; j < nin; j++) {
			enum tp_dtype to = type_of_char(l[j]);
			enum tp_dtype from = small && small[j] &&
			    !is_unsigned(to) ? to_signed(eff[j]) : eff[j];

			if (!expr_safe[from][to])
				break;
		}
		if (j == nin) {
			for (j = 0; j < nin; j++)
				ct[j] = type_of_char(l[j]);
			*out = type_of_char(l[nin]);
			return 0;
		}
		if (l[nin + 1] == '\0')
			break;
	}
	return -1;
}

/* The broadcast shape of nd's inputs into nd; -1 if they do not. */
static int
broadcast(const struct tp_expr *e, struct node *nd, int *bad)
{
	int j, d;

	nd->ndim = 0;
	for (j = 0; j < nd->nargs; j++) {
		const struct node *a = &e->nodes[nd->arg[j]];

		if (a->ndim > nd->ndim) {	/* shift right, pad with 1 */
			int sh = a->ndim - nd->ndim;

			memmove(nd->shape + sh, nd->shape,
			    (size_t)nd->ndim * sizeof *nd->shape);
			for (d = 0; d < sh; d++)
				nd->shape[d] = 1;
			nd->ndim = a->ndim;
		}
		for (d = 0; d < a->ndim; d++) {
			size_t *s = &nd->shape[nd->ndim - a->ndim + d];
			size_t v = a->shape[d];

			if (*s == 1)
				*s = v;
			else if (v != 1 && v != *s) {
				*bad = j;
				return -1;
			}
		}
	}
	nd->count = 1;
	for (d = 0; d < nd->ndim; d++)
		nd->count *= nd->shape[d];
	return 0;
}

static char *
shape_text(int ndim, const size_t *shape, char *buf, size_t len)
{
	struct tp_tensor t = { .ndim = ndim };

	memcpy(t.shape, shape, (size_t)ndim * sizeof *shape);
	return tp_shape_str(&t, buf, len);
}

static const char *eval_scalar(struct tp_expr *, int k, struct tp_msg *);

/* Whether numpy resolves ufunc fn by PyArray_ResultType of its inputs
 * (SimpleUniformOperationTypeResolver and the comparisons) rather than
 * by the linear search of its loops. */
static int
uniform(int fn)
{
	switch (fn) {
	case F_ADD: case F_SUB: case F_MUL: case F_MIN: case F_MAX:
	case F_SIGN: case F_POS:
	case F_FMIN: case F_FMAX: case F_CLIP: case F_LT: case F_LE:
	case F_GT: case F_GE: case F_EQ: case F_NE:
		return 1;
	default:
		return 0;
	}
}

/* Set nd's loop (ct, dt) for ufunc fn on its inputs args[0 .. nin):
 * returns NULL or a message. */
static const char *
resolve_ufunc(struct tp_expr *e, struct node *nd, int fn, int nin,
    const int *args, const char *q, struct tp_msg *m)
{
	enum tp_dtype eff[3], ct[3], out;
	int small[3], j, found;
	char ts[120] = "";

	effective_types(e, nin, args, eff, small);
	if ((fn == F_SUB || fn == F_NEG) && eff[0] == TP_B1 &&
	    (fn == F_NEG || eff[1] == TP_B1))
		return tp_msgf(m, "expression '%s', column %d: the numpy "
		    "boolean %s, the '-' operator, is not supported (use ^ "
		    "or ~)", q, nd->pos, fn == F_SUB ? "subtract" :
		    "negative");
	if (fn == F_TDIV && tp_dtype_is_int(e->nodes[args[0]].dt) &&
	    tp_dtype_is_int(e->nodes[args[1]].dt)) {
		nd->ct[0] = nd->ct[1] = nd->dt = TP_F8;	/* true division */
		return NULL;
	}
	if (uniform(fn)) {
		int none[3] = { 0 };

		eff[0] = result_type(nin, eff, small);
		for (j = 1; j < nin; j++)
			eff[j] = eff[0];
		found = find_loop(fns[fn].ufunc, nin, eff, none, ct, &out) == 0
		    && ct[0] == eff[0];
	} else
		found = find_loop(fns[fn].ufunc, nin, eff, small, ct,
		    &out) == 0;
	if (!found) {
		for (j = 0; j < nin; j++)
			snprintf(ts + strlen(ts), sizeof ts - strlen(ts), "%s%s",
			    j ? " and " : "", tp_dtype_name(e->nodes[args[j]].
			    dt));
		return tp_msgf(m, "expression '%s', column %d: numpy's %s has "
		    "no loop for %s", q, nd->pos, fns[fn].ufunc, ts);
	}
	if (tp_dtype_is_complex(ct[0]) && !complex_supported(fn))
		return tp_msgf(m, "expression '%s', column %d: tmath does not "
		    "implement %s on %s", q, nd->pos, fns[fn].ufunc,
		    tp_dtype_name(ct[0]));
	for (j = 0; j < nin; j++)
		nd->ct[j] = ct[j];
	nd->dt = out;
	return NULL;
}

/* numpy's fast_scalar_power: a ** s for an ndarray a (also 0-d: an
 * operand, or its real or imag, or a where; not a numpy scalar) and a 0-d int or
 * float s of 1, -1, 0, 0.5 or 2 is positive, reciprocal, ones_like,
 * sqrt or square of a.  Sets nd's op and types and returns 1 if it
 * applies. */
static int
fast_power(struct tp_expr *e, struct node *nd)
{
	const struct node *a = &e->nodes[nd->arg[0]];
	const struct node *s = &e->nodes[nd->arg[1]];
	enum tp_dtype at = a->dt, out;
	double x;
	int f = -1;

	if (nd->fn != F_POWOP || !a->isarr || !s->scalar ||
	    s->dt == TP_B1 || tp_dtype_is_complex(s->dt))
		return 0;
	x = as_double(&s->val, s->dt, 0);
	if (tp_dtype_is_float(at) || tp_dtype_is_complex(at))
		f = x == 1 ? F_POS : x == -1 ? F_RECIP : x == 0 ? F_ONES :
		    x == 0.5 ? F_SQRT : x == 2 ? F_SQUARE : -1;
	else if (x == 2) {
		f = F_SQUARE;
		if (tp_dtype_is_float(s->dt) && at != TP_B1)
			at = TP_F8;	/* numpy casts the integers first */
	}
	if (f < 0)
		return 0;
	nd->op = f;
	nd->nin = 1;
	nd->ct[0] = at;
	nd->dt = at;
	if (f != F_ONES && f != F_POS && find_loop(fns[f].ufunc, 1, &at,
	    NULL, nd->ct, &out) == 0)
		nd->dt = out;
	return 1;
}

/* Resolve node k (its inputs resolved). */
static const char *
resolve_node(struct tp_expr *e, int k, const struct tp_tensor *ops,
    struct tp_msg *m)
{
	struct node *nd = &e->nodes[k];
	char q[200], b1[200], b2[200];
	const char *why = NULL;
	int j, bad, allscalar = 1;

	tp_quote(e->src, strlen(e->src), q, sizeof q);
	nd->op = nd->fn;
	nd->nin = nd->nargs;
	nd->scalar = 0;
	if (nd->kind == N_NUM) {
		nd->dt = nd->litdt;
		nd->isarr = 0;
		nd->ndim = 0;
		nd->count = 1;
		nd->scalar = 1;
		nd->val = nd->lit;
		return NULL;
	}
	if (nd->kind == N_VAR) {
		const struct tp_tensor *t = &ops[nd->var];

		nd->dt = t->dtype;
		nd->ndim = t->ndim;
		memcpy(nd->shape, t->shape, (size_t)t->ndim * sizeof *t->shape);
		nd->count = t->count;
		nd->isarr = 1;
		if (t->ndim == 0) {
			nd->scalar = 1;
			load(&nd->val, t->data, t->dtype, 1);
		}
		return NULL;
	}
	if (broadcast(e, nd, &bad) < 0) {
		const struct node *a = &e->nodes[nd->arg[bad]];
		const struct node *a0 = &e->nodes[nd->arg[0]];

		return tp_msgf(m, "expression '%s', column %d: shapes %s and "
		    "%s do not broadcast", q, nd->pos, shape_text(a0->ndim,
		    a0->shape, b2, sizeof b2), shape_text(a->ndim, a->shape,
		    b1, sizeof b1));
	}
	for (j = 0; j < nd->nargs; j++)
		if (!e->nodes[nd->arg[j]].scalar)
			allscalar = 0;
	nd->isarr = nd->ndim > 0 || nd->fn == F_WHERE || ((nd->fn == F_REAL ||
	    nd->fn == F_IMAG) && e->nodes[nd->arg[0]].isarr);
	switch (nd->fn) {
	case F_CAST:
		nd->ct[0] = e->nodes[nd->arg[0]].dt;
		nd->dt = nd->castdt;
		break;
	case F_WHERE:		/* the result type of the two choices */
	{
		enum tp_dtype eff[2];
		int small[2];

		effective_types(e, 2, nd->arg + 1, eff, small);
		nd->ct[0] = TP_B1;
		nd->dt = nd->ct[1] = nd->ct[2] = result_type(2, eff, small);
		break;
	}
	case F_ROUND:		/* numpy.around: integers stay */
		if (e->nodes[nd->arg[0]].dt == TP_B1 ||
		    tp_dtype_is_float(e->nodes[nd->arg[0]].dt)) {
			nd->op = F_RINT;
			why = resolve_ufunc(e, nd, F_RINT, 1, nd->arg, q, m);
			break;
		}
		/* FALLTHROUGH */
	case F_REAL:
	case F_IMAG:
		nd->ct[0] = e->nodes[nd->arg[0]].dt;
		nd->dt = nd->fn == F_ROUND ? nd->ct[0] : real_of(nd->ct[0]);
		break;
	case F_ANGLE:		/* arctan2(z.imag, z.real), or (0, z) */
		if (tp_dtype_is_complex(e->nodes[nd->arg[1]].dt)) {
			nd->ct[0] = nd->ct[1] = e->nodes[nd->arg[1]].dt;
			nd->dt = real_of(nd->ct[1]);
			break;
		}
		nd->op = F_ATAN2;
		why = resolve_ufunc(e, nd, F_ATAN2, 2, nd->arg, q, m);
		break;
	default:
		if (!fast_power(e, nd))
			why = resolve_ufunc(e, nd, nd->fn, nd->nargs, nd->arg,
			    q, m);
		break;
	}
	if (why)
		return why;
	if (allscalar)
		return eval_scalar(e, k, m);
	return NULL;
}

const char *
tp_expr_resolve(struct tp_expr *e, const struct tp_tensor *ops,
    int out_dtype, struct tp_tensor *out, struct tp_msg *m)
{
	const char *why;
	int k, d, j;

	e->ops = ops;
	for (k = 0; k < e->nnodes; k++)
		if ((why = resolve_node(e, k, ops, m)))
			return why;
	{
		const struct node *r = &e->nodes[e->root];

		e->ndim = r->ndim;
		memcpy(e->shape, r->shape, (size_t)r->ndim * sizeof *r->shape);
		e->count = r->count;
		e->outdt = out_dtype >= 0 ? (enum tp_dtype)out_dtype : r->dt;
	}
	/* how each operand's elements map to the output's */
	for (k = 0; k < e->nnodes; k++) {
		struct node *nd = &e->nodes[k];
		size_t stride = 1;

		if (nd->kind != N_VAR || nd->scalar)
			continue;
		nd->direct = nd->count == e->count;
		for (d = e->ndim - 1, j = nd->ndim - 1; d >= 0; d--, j--) {
			if (j < 0 || nd->shape[j] == 1)
				nd->bstride[d] = 0;
			else {
				nd->bstride[d] = stride;
				stride *= nd->shape[j];
			}
		}
	}
	memset(out, 0, sizeof *out);
	out->dtype = e->outdt;
	tp_eset_shape(out, e->ndim, e->shape);
	return NULL;
}

int
tp_expr_streamable(const struct tp_expr *e, int i)
{
	int k;

	for (k = 0; k < e->nnodes; k++)
		if (e->nodes[k].kind == N_VAR && e->nodes[k].var == i)
			return !e->nodes[k].scalar && e->nodes[k].direct;
	return 0;
}

int
tp_expr_uses(const struct tp_expr *e, int i)
{
	int k;

	for (k = 0; k < e->nnodes; k++)
		if (e->nodes[k].kind == N_VAR && e->nodes[k].var == i)
			return 1;
	return 0;
}

/* --- evaluation ------------------------------------------------------- */

/* Thread tid's four block buffers for node k: 0 for its result, 1..3 for
 * its inputs cast to their loop types. */
static unsigned char *
slot(const struct tp_expr *e, int tid, int k, int j)
{
	return e->scratch[tid] + ((size_t)k * 4 + (size_t)j) * SLOT;
}

/* Gather operand elements for output elements [start, start + n) of a
 * broadcast operand into raw elements at dst. */
static void
gather(const struct tp_expr *e, const struct node *nd, const unsigned char
    *src, size_t start, size_t n, unsigned char *dst)
{
	size_t es = tp_dtype_size(nd->dt), idx[TP_MAXDIM], rest = start;
	int d, last = e->ndim - 1;

	for (d = last; d >= 0; d--) {
		idx[d] = rest % e->shape[d];
		rest /= e->shape[d];
	}
	while (n > 0) {
		size_t off = 0, run = e->shape[last] - idx[last], i;

		for (d = 0; d <= last; d++)
			off += idx[d] * nd->bstride[d];
		if (run > n)
			run = n;
		if (nd->bstride[last])
			memcpy(dst, src + off * es, run * es);
		else
			for (i = 0; i < run; i++)
				memcpy(dst + i * es, src + off * es, es);
		dst += run * es;
		n -= run;
		idx[last] += run;
		for (d = last; d > 0 && idx[d] == e->shape[d]; d--) {
			idx[d] = 0;
			idx[d - 1]++;
		}
	}
}

/* Fill n storage elements of dtype t with value v. */
static void
fill(void *dst, const union val *v, enum tp_dtype t, size_t n)
{
	size_t i;

	switch (kind_size[kind_of(t)]) {
	case 4:
		for (i = 0; i < n; i++)
			((float *)dst)[i] = v->f;
		break;
	case 8:
		for (i = 0; i < n; i++)
			((int64_t *)dst)[i] = v->i;
		break;
	default:
		for (i = 0; i < n; i++)
			memcpy((unsigned char *)dst + 16 * i, v, 16);
		break;
	}
}

/* out[i] = c[i] ? a[i] : b[i] for storage elements of dtype t. */
static void
choose(void *out, const int64_t *c, const void *a, const void *b,
    enum tp_dtype t, size_t n)
{
	size_t i;

	switch (kind_size[kind_of(t)]) {
	case 4:
		for (i = 0; i < n; i++)
			((float *)out)[i] = c[i] ? ((const float *)a)[i] :
			    ((const float *)b)[i];
		break;
	case 8:
		for (i = 0; i < n; i++)
			((int64_t *)out)[i] = c[i] ? ((const int64_t *)a)[i] :
			    ((const int64_t *)b)[i];
		break;
	default:
		for (i = 0; i < n; i++)
			memcpy((unsigned char *)out + 16 * i, (const unsigned
			    char *)(c[i] ? a : b) + 16 * i, 16);
		break;
	}
}

/* Node k over output elements [start, start + n) (n <= BLOCK): a pointer
 * to n storage elements of its dtype.  Returns NULL if a kernel failed. */
static const void *
eval(struct tp_expr *e, int tid, int k, size_t start, size_t n)
{
	struct node *nd = &e->nodes[k];
	unsigned char *o = slot(e, tid, k, 0);
	const void *in[3];
	int j, kc;

	if (nd->scalar) {
		fill(o, &nd->val, nd->dt, n);
		return o;
	}
	if (nd->kind == N_VAR) {
		size_t es = tp_dtype_size(nd->dt);
		const unsigned char *base = e->chunk && e->chunk[nd->var] ?
		    (const unsigned char *)e->chunk[nd->var] -
		    e->start * es : e->ops[nd->var].data;

		if (nd->direct) {
			if (raw_is_storage(nd->dt))
				return base + start * es;
			load(o, base + start * es, nd->dt, n);
			return o;
		}
		if (raw_is_storage(nd->dt)) {
			gather(e, nd, base, start, n, o);
			return o;
		}
		gather(e, nd, base, start, n, slot(e, tid, k, 1));
		load(o, slot(e, tid, k, 1), nd->dt, n);
		return o;
	}
	for (j = 0; j < nd->nin; j++) {
		const struct node *a = &e->nodes[nd->arg[j]];

		if (nd->fn == F_ANGLE && nd->op != F_ATAN2 && j == 0) {
			in[0] = NULL;
			continue;
		}
		if (a->scalar && a->dt != nd->ct[j] && nd->fn != F_CAST) {
			union val v;	/* a constant: convert it once */

			conv(&v, nd->ct[j], &a->val, a->dt, 1);
			fill(slot(e, tid, k, j + 1), &v, nd->ct[j], n);
			in[j] = slot(e, tid, k, j + 1);
			continue;
		}
		if ((in[j] = eval(e, tid, nd->arg[j], start, n)) == NULL)
			return NULL;
		if (a->dt != nd->ct[j] && !(nd->fn == F_CAST)) {
			conv(slot(e, tid, k, j + 1), nd->ct[j], in[j], a->dt,
			    n);
			in[j] = slot(e, tid, k, j + 1);
		}
	}
	if (nd->fn == F_ANGLE && nd->op != F_ATAN2)
		in[0] = in[1];
	if (nd->fn == F_CAST) {
		conv(o, nd->dt, in[0], e->nodes[nd->arg[0]].dt, n);
		return o;
	}
	if (nd->fn == F_WHERE) {
		choose(o, in[0], in[1], in[2], nd->dt, n);
		return o;
	}
	kc = kind_of(nd->ct[0]);
	switch (kc) {
	case K_I:
		if (kernel_int(nd->op, nd->ct[0], (int64_t *)o, in[0],
		    nd->nin > 1 ? in[1] : NULL, nd->nin > 2 ? in[2] :
		    NULL, n) < 0) {
			__atomic_store_n(&e->failed, 1, __ATOMIC_RELAXED);
			e->failpos = nd->pos;
			return NULL;
		}
		break;
	case K_F:
		kernel_f(nd->op, o, in[0], nd->nin > 1 ? in[1] : NULL,
		    nd->nin > 2 ? in[2] : NULL, n);
		break;
	case K_D:
		kernel_d(nd->op, o, in[0], nd->nin > 1 ? in[1] : NULL,
		    nd->nin > 2 ? in[2] : NULL, n);
		break;
	case K_CF:
		kernel_cf(nd->op, o, in[0], nd->nin > 1 ? in[1] : NULL, n);
		break;
	default:
		kernel_cd(nd->op, o, in[0], nd->nin > 1 ? in[1] : NULL, n);
		break;
	}
	/* narrow to the dtype: wrap integers, round float16 */
	if (nd->dt == TP_F2) {
		size_t i;

		for (i = 0; i < n; i++)
			((float *)o)[i] = round_half(((float *)o)[i]);
	} else if (kind_of(nd->dt) == K_I && nd->dt != TP_I8 &&
	    nd->dt != TP_U8 && nd->ct[0] == nd->dt) {
		size_t i;

		for (i = 0; i < n; i++)
			((int64_t *)o)[i] = narrow(((int64_t *)o)[i], nd->dt);
	}
	return o;
}

/* Make room for threads threads' block buffers. */
static void
ensure_scratch(struct tp_expr *e, int threads)
{
	while (e->nscratch < threads)
		e->scratch[e->nscratch++] = tp_emalloc((size_t)e->nnodes * 4 *
		    SLOT);
}

/* Compute 0-d node k now, into its value. */
static const char *
eval_scalar(struct tp_expr *e, int k, struct tp_msg *m)
{
	struct node *nd = &e->nodes[k];
	const void *v;
	char q[200];

	ensure_scratch(e, 1);
	e->chunk = NULL;
	if ((v = eval(e, 0, k, 0, 1)) == NULL) {
		e->failed = 0;
		tp_quote(e->src, strlen(e->src), q, sizeof q);
		return tp_msgf(m, "expression '%s', column %d: integers to "
		    "negative integer powers are not allowed", q, nd->pos);
	}
	memcpy(&nd->val, v, kind_size[kind_of(nd->dt)]);
	nd->scalar = 1;
	return NULL;
}

/* One block of tp_expr_run. */
static void
run_block(void *arg, size_t b, int tid)
{
	struct tp_expr *e = arg;
	size_t first = e->start + b * BLOCK;
	size_t n = e->start + e->n - first < BLOCK ? e->start + e->n - first :
	    BLOCK;
	const struct node *r = &e->nodes[e->root];
	unsigned char *dst = e->dst + (first - e->start) *
	    tp_dtype_size(e->outdt);
	const void *v;

	if (__atomic_load_n(&e->failed, __ATOMIC_RELAXED))
		return;
	if ((v = eval(e, tid, e->root, first, n)) == NULL)
		return;
	if (r->dt != e->outdt) {
		conv(slot(e, tid, e->root, 1), e->outdt, v, r->dt, n);
		v = slot(e, tid, e->root, 1);
	}
	store(dst, v, e->outdt, n);
}

const char *
tp_expr_run(struct tp_expr *e, const struct tp_tensor *ops,
    const void *const *chunk, size_t start, size_t n, void *dst,
    int threads, struct tp_msg *m)
{
	char q[200];
	size_t nb = (n + BLOCK - 1) / BLOCK;

	if (threads > TP_MAXTHREADS)
		threads = TP_MAXTHREADS;
	if ((size_t)threads > nb)
		threads = nb ? (int)nb : 1;
	ensure_scratch(e, threads);
	e->ops = ops;
	e->chunk = chunk;
	e->start = start;
	e->n = n;
	e->dst = dst;
	e->failed = 0;
	tp_parallel(threads, nb, run_block, e);
	if (e->failed) {
		tp_quote(e->src, strlen(e->src), q, sizeof q);
		return tp_msgf(m, "expression '%s', column %d: integers to "
		    "negative integer powers are not allowed", q, e->failpos);
	}
	return NULL;
}

/* --- explain ---------------------------------------------------------- */

static void
explain_node(const struct tp_expr *e, int k, int depth, char **buf,
    size_t *len, size_t *cap)
{
	const struct node *nd = &e->nodes[k];
	char line[512], sh[200], label[160];
	int j, n;

	if (nd->kind == N_NUM) {
		if (nd->litdt == TP_I8 || nd->litdt == TP_U8 ||
		    nd->litdt == TP_B1)
			snprintf(label, sizeof label, "%lld",
			    (long long)nd->lit.i);
		else if (nd->litdt == TP_C16)
			snprintf(label, sizeof label, "%.17gj", nd->lit.cd[1]);
		else {		/* the shortest digits that read back */
			snprintf(label, sizeof label, "%.15g", nd->lit.d);
			if (strtod(label, NULL) != nd->lit.d)
				snprintf(label, sizeof label, "%.17g",
				    nd->lit.d);
		}
	} else if (nd->kind == N_VAR)
		snprintf(label, sizeof label, "%s", e->names[nd->var]);
	else if (nd->fn == F_CAST)
		snprintf(label, sizeof label, "cast to %s",
		    tp_dtype_name(nd->castdt));
	else {
		snprintf(label, sizeof label, "%s", fns[nd->fn].name);
		if (nd->op != nd->fn)
			snprintf(label + strlen(label), sizeof label -
			    strlen(label), " (as numpy's %s)", fns[nd->op].
			    ufunc ? fns[nd->op].ufunc : fns[nd->op].name);
	}
	n = snprintf(line, sizeof line, "%*s%s: %s %s", 2 * depth, "", label,
	    tp_dtype_name(nd->dt), shape_text(nd->ndim, nd->shape, sh,
	    sizeof sh));
	if (nd->kind == N_CALL && nd->fn != F_CAST && nd->fn != F_WHERE) {
		int in = nd->op == F_ATAN2 ? 2 : (nd->fn == F_ANGLE ? 0 : 1);

		if (nd->op == F_SQUARE || nd->op == F_RECIP ||
		    nd->op == F_ONES || nd->op == F_POS || nd->op == F_SQRT)
			in = 1;
		else if (nd->op != F_ATAN2)
			in = nd->nargs;
		if (nd->fn == F_ANGLE && nd->op != F_ATAN2)
			n += snprintf(line + n, sizeof line - (size_t)n,
			    ", computed in %s", tp_dtype_name(nd->ct[1]));
		else if (in > 0)
			n += snprintf(line + n, sizeof line - (size_t)n,
			    ", computed in %s", tp_dtype_name(nd->ct[0]));
	}
	if (nd->kind != N_CALL && nd->ndim == 0 && nd->kind == N_NUM)
		n += snprintf(line + n, sizeof line - (size_t)n, " scalar");
	if (n > (int)sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	line[n] = '\0';
	while (*len + (size_t)n + 1 > *cap) {
		*cap = *cap ? 2 * *cap : 1024;
		*buf = tp_erealloc(*buf, *cap);
	}
	memcpy(*buf + *len, line, (size_t)n + 1);
	*len += (size_t)n;
	for (j = 0; j < nd->nargs; j++)
		if (!(nd->fn == F_ANGLE && nd->op != F_ATAN2 && j == 0))
			explain_node(e, nd->arg[j], depth + 1, buf, len, cap);
}

char *
tp_expr_explain(const struct tp_expr *e)
{
	char *buf = NULL, sh[200];
	size_t len = 0, cap = 0;

	explain_node(e, e->root, 0, &buf, &len, &cap);
	{
		char tail[300];
		int n = snprintf(tail, sizeof tail, "output: %s %s\n",
		    tp_dtype_name(e->outdt), shape_text(e->ndim, e->shape, sh,
		    sizeof sh));

		buf = tp_erealloc(buf, len + (size_t)n + 1);
		memcpy(buf + len, tail, (size_t)n + 1);
	}
	return buf;
}
