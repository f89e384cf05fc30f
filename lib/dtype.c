/*
 * dtype.c - the element types: names, sizes, and conversion between them.
 */
#include <complex.h>
#include <math.h>
#include <string.h>

#include "tpipe.h"

static const struct {
	const char *name, *descr, *bits;
	size_t size;
	char kind;	/* b u i f c */
} types[TP_NDTYPES] = {
	[TP_B1] = { "bool", "|b1", "", 1, 'b' },
	[TP_U1] = { "uint8", "|u1", "", 1, 'u' },
	[TP_I1] = { "int8", "|i1", "", 1, 'i' },
	[TP_U2] = { "uint16", "<u2", "u16", 2, 'u' },
	[TP_I2] = { "int16", "<i2", "i16", 2, 'i' },
	[TP_U4] = { "uint32", "<u4", "u32", 4, 'u' },
	[TP_I4] = { "int32", "<i4", "i32", 4, 'i' },
	[TP_U8] = { "uint64", "<u8", "u64", 8, 'u' },
	[TP_I8] = { "int64", "<i8", "i64", 8, 'i' },
	[TP_F2] = { "float16", "<f2", "f16", 2, 'f' },
	[TP_F4] = { "float32", "<f4", "f32", 4, 'f' },
	[TP_F8] = { "float64", "<f8", "f64", 8, 'f' },
	[TP_C8] = { "complex64", "<c8", "c64", 8, 'c' },
	[TP_C16] = { "complex128", "<c16", "c128", 16, 'c' },
};

size_t tp_dtype_size(enum tp_dtype t) { return types[t].size; }
const char *tp_dtype_name(enum tp_dtype t) { return types[t].name; }
const char *tp_dtype_descr(enum tp_dtype t) { return types[t].descr; }
int tp_dtype_is_int(enum tp_dtype t) { return !!strchr("bui", types[t].kind); }
int tp_dtype_is_complex(enum tp_dtype t) { return types[t].kind == 'c'; }
int tp_dtype_is_float(enum tp_dtype t) { return types[t].kind == 'f'; }

/*
 * Names, as numpy.dtype() reads them: "float32", and codes that count
 * bytes ("f4", "<f4", "|u1", "?"; "u8" is uint64).  tpipe adds f32 and
 * f64, which numpy does not know.  The other bit-count spellings (u16,
 * i32, f16, c64 ...) are refused: numpy reads f16 as float128 and the rest
 * not at all, so a reader could take them either way.
 */
tp_why
tp_dtype_lookup(const char *s, enum tp_dtype *dtype, struct tp_msg *m)
{
	const char *code = s;
	char q[200];

	if (*code == '<' || *code == '>' || *code == '|' || *code == '=')
		code++;
	for (int t = 0; t < TP_NDTYPES; t++) {
		if (!strcmp(code, types[t].descr + 1) ||
		    (t == TP_B1 && !strcmp(code, "?")) ||
		    (code == s && (!strcmp(s, types[t].name) ||
		    ((t == TP_F4 || t == TP_F8) &&
		    !strcmp(s, types[t].bits))))) {
			*dtype = (enum tp_dtype)t;
			return NULL;
		}
	}
	for (int t = 0; t < TP_NDTYPES; t++)
		if (*types[t].bits && !strcmp(s, types[t].bits))
			return tp_msgf(m, "'%s' is ambiguous: write %s, or %s",
			    tp_quote(s, SIZE_MAX, q, sizeof q), types[t].name,
			    types[t].descr + 1);
	return tp_msgf(m, "unknown dtype '%s'",
	    tp_quote(s, SIZE_MAX, q, sizeof q));
}

/* Swap the bytes of each W-bit unit of the n bytes at p (memcpy: any
 * alignment; a loop the compiler vectorises). */
#define SWAP_UNITS(W) \
	for (size_t i = 0; i + W / 8 <= n; i += W / 8) { \
		uint##W##_t u; \
		memcpy(&u, p + i, W / 8); \
		u = __builtin_bswap##W(u); \
		memcpy(p + i, &u, W / 8); \
	}

void
tp_byteswap(void *data, size_t n, enum tp_dtype t)
{
	unsigned char *p = data;
	size_t unit = tp_dtype_size(t) / (tp_dtype_is_complex(t) ? 2 : 1);

	if (unit == 2)
		SWAP_UNITS(16)
	else if (unit == 4)
		SWAP_UNITS(32)
	else if (unit == 8)
		SWAP_UNITS(64)
}

int
tp_dtype_parse(const char *s)
{
	struct tp_msg m;
	enum tp_dtype t;

	return tp_dtype_lookup(s, &t, &m) ? -1 : (int)t;
}

enum tp_dtype
tp_compute_dtype(enum tp_dtype t, int want)
{
	if (tp_dtype_is_complex(t))
		return want == TP_F4 ? TP_C8 : want == TP_F8 ? TP_C16 : t;
	if (want == TP_F4 || want == TP_F8)
		return want;
	if (t == TP_F4 || t == TP_F8)
		return t;
	if (t == TP_F2)
		return TP_F4;
	return TP_F8;
}

float
tp_half_to_float(uint16_t h)
{
	uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f;
	uint32_t mant = h & 0x3ff, bits;
	float f;

	if (exp == 0x1f)
		bits = sign | 0x7f800000 | (mant << 13);
	else if (exp != 0)
		bits = sign | ((exp + 112) << 23) | (mant << 13);
	else {
		f = ldexpf((float)mant, -24);
		return sign ? -f : f;
	}
	memcpy(&f, &bits, 4);
	return f;
}

/* IEEE half nearest to x, ties to even, rounded once (from double). */
static uint16_t
double_to_half(double x)
{
	uint16_t sign = signbit(x) ? 0x8000 : 0;
	double a = fabs(x), q;
	int e;

	if (isnan(x))
		return (uint16_t)(sign | 0x7e00);
	if (a >= 65520.0)			/* rounds to infinity */
		return (uint16_t)(sign | 0x7c00);
	if (a < 6.103515625e-05)		/* subnormal: k 2^-24 */
		return (uint16_t)(sign | (uint16_t)nearbyint(a * 16777216.0));
	frexp(a, &e);				/* a = f 2^e, 0.5 <= f < 1 */
	q = nearbyint(ldexp(a, 11 - e));	/* 10 bits after the first 1 */
	if (q == 2048) {			/* rounded up to a power */
		q = 1024;
		e++;
	}
	return (uint16_t)(sign | (uint16_t)((e - 1 + 15) << 10) |
	    (uint16_t)(q - 1024));
}

uint16_t
tp_float_to_half(float f)
{
	return double_to_half(f);
}

/*
 * Conversion goes through a block of doubles (or complex doubles): load
 * from the source type, store to the destination type.
 */
#define BLOCK 1024

/* Elements i0 .. i0+n-1 of src (dtype t) as complex doubles. */
static void
load(double complex *dst, const void *src, enum tp_dtype t, size_t i0,
    size_t n)
{
#define L(T) do { const T *s = (const T *)src + i0; \
	for (size_t i = 0; i < n; i++) dst[i] = (double)s[i]; } while (0)
	switch (t) {
	case TP_B1:
		L(uint8_t);
		for (size_t i = 0; i < n; i++)
			dst[i] = dst[i] != 0;
		break;
	case TP_U1: L(uint8_t); break;
	case TP_I1: L(int8_t); break;
	case TP_U2: L(uint16_t); break;
	case TP_I2: L(int16_t); break;
	case TP_U4: L(uint32_t); break;
	case TP_I4: L(int32_t); break;
	case TP_U8: L(uint64_t); break;
	case TP_I8: L(int64_t); break;
	case TP_F4: L(float); break;
	case TP_F8: L(double); break;
	case TP_F2: {
		const uint16_t *s = (const uint16_t *)src + i0;
		for (size_t i = 0; i < n; i++)
			dst[i] = tp_half_to_float(s[i]);
		break;
	}
	case TP_C8: {
		const float complex *s = (const float complex *)src + i0;
		for (size_t i = 0; i < n; i++)
			dst[i] = s[i];
		break;
	}
	case TP_C16:
		memcpy(dst, (const double complex *)src + i0, n * sizeof *dst);
		break;
	default: break;
	}
#undef L
}

/* Round half to even and saturate to [lo, hi]; NaN becomes 0. */
#define SAT(x, lo, hi) (isnan(x) ? 0 : (x) <= (lo) ? (lo) : \
	(x) >= (hi) ? (hi) : nearbyint(x))

/* src as elements i0 .. i0+n-1 of dst (dtype t): real part only for
 * real types, integers rounded half to even and saturated. */
static void
store(void *dst, enum tp_dtype t, size_t i0, const double complex *src,
    size_t n)
{
#define S(T, lo, hi) do { T *d = (T *)dst + i0; \
	for (size_t i = 0; i < n; i++) { double x = creal(src[i]); \
		d[i] = (T)SAT(x, lo, hi); } } while (0)
	switch (t) {
	case TP_B1: {
		uint8_t *d = (uint8_t *)dst + i0;
		for (size_t i = 0; i < n; i++)
			d[i] = src[i] != 0;
		break;
	}
	case TP_U1: S(uint8_t, 0.0, 255.0); break;
	case TP_I1: S(int8_t, -128.0, 127.0); break;
	case TP_U2: S(uint16_t, 0.0, 65535.0); break;
	case TP_I2: S(int16_t, -32768.0, 32767.0); break;
	case TP_U4: S(uint32_t, 0.0, 4294967295.0); break;
	case TP_I4: S(int32_t, -2147483648.0, 2147483647.0); break;
	case TP_U8: {
		uint64_t *d = (uint64_t *)dst + i0;
		for (size_t i = 0; i < n; i++) {
			double x = creal(src[i]);
			d[i] = isnan(x) || x <= 0 ? 0 :
			    x >= 18446744073709551616.0 ? UINT64_MAX :
			    (uint64_t)nearbyint(x);
		}
		break;
	}
	case TP_I8: {
		int64_t *d = (int64_t *)dst + i0;
		for (size_t i = 0; i < n; i++) {
			double x = creal(src[i]);
			d[i] = isnan(x) ? 0 : x < -9223372036854775808.0 ?
			    INT64_MIN : x >= 9223372036854775808.0 ? INT64_MAX :
			    (int64_t)nearbyint(x);
		}
		break;
	}
	case TP_F2: {
		uint16_t *d = (uint16_t *)dst + i0;
		for (size_t i = 0; i < n; i++)
			d[i] = double_to_half(creal(src[i]));
		break;
	}
	case TP_F4: {
		float *d = (float *)dst + i0;
		for (size_t i = 0; i < n; i++)
			d[i] = (float)creal(src[i]);
		break;
	}
	case TP_F8: {
		double *d = (double *)dst + i0;
		for (size_t i = 0; i < n; i++)
			d[i] = creal(src[i]);
		break;
	}
	case TP_C8: {
		float complex *d = (float complex *)dst + i0;
		for (size_t i = 0; i < n; i++)
			d[i] = (float complex)src[i];
		break;
	}
	case TP_C16: {
		double complex *d = (double complex *)dst + i0;
		for (size_t i = 0; i < n; i++)
			d[i] = src[i];
		break;
	}
	default: break;
	}
#undef S
}

/* Integer to integer conversions that must stay exact beyond 2^53. */
static int
convert_int64(void *dst, enum tp_dtype to, const void *src,
    enum tp_dtype from, size_t n)
{
	if (!((from == TP_I8 || from == TP_U8) && (to == TP_I8 || to == TP_U8)))
		return 0;
	const uint64_t *s = src;
	uint64_t *d = dst;
	for (size_t i = 0; i < n; i++) {
		uint64_t v = s[i];
		if (from == TP_I8 && to == TP_U8 && (int64_t)v < 0)
			v = 0;
		else if (from == TP_U8 && to == TP_I8 && v > INT64_MAX)
			v = INT64_MAX;
		d[i] = v;
	}
	return 1;
}

void
tp_convert(void *dst, enum tp_dtype to, const void *src, enum tp_dtype from,
    size_t n)
{
	double complex block[BLOCK];

	if (to == from) {
		if (dst != src)
			memcpy(dst, src, n * tp_dtype_size(to));
		return;
	}
	if (to == TP_F4 && from == TP_F8) {	/* the common cases, direct */
		float *d = dst; const double *s = src;
		for (size_t i = 0; i < n; i++) d[i] = (float)s[i];
		return;
	}
	if (to == TP_F8 && from == TP_F4) {
		double *d = dst; const float *s = src;
		for (size_t i = 0; i < n; i++) d[i] = s[i];
		return;
	}
	if ((to == TP_U1 || to == TP_U2) && (from == TP_F4 || from == TP_F8)) {
		/* floats to 8- and 16-bit images, as SAT does it but in
		 * loops the compiler vectorizes: x + 2^52 - 2^52 rounds half
		 * to even (exact for 0 < x < 2^52, as nearbyint in the
		 * default rounding mode); NaN fails x > 0 and becomes 0 */
#define ROUND(D, S, HI) do { D *d = dst; const S *s = src; \
	for (size_t i = 0; i < n; i++) { double x = s[i]; \
		d[i] = (D)(x > 0 ? (x < HI ? (x + 0x1p52) - 0x1p52 : HI) : \
		    0); } \
	return; } while (0)
		if (to == TP_U1 && from == TP_F4) ROUND(uint8_t, float, 255.0);
		if (to == TP_U1) ROUND(uint8_t, double, 255.0);
		if (from == TP_F4) ROUND(uint16_t, float, 65535.0);
		ROUND(uint16_t, double, 65535.0);
#undef ROUND
	}
	if (convert_int64(dst, to, src, from, n))
		return;
	if (to == TP_F4 || to == TP_F8) {
		/* integers to floats: one C conversion each, so one rounding
		 * as numpy's astype, and loops the compiler vectorizes */
#define CAST(S) do { const S *s = src; \
	if (to == TP_F8) { double *d = dst; \
		for (size_t i = 0; i < n; i++) d[i] = (double)s[i]; } \
	else { float *d = dst; \
		for (size_t i = 0; i < n; i++) d[i] = (float)s[i]; } \
	return; } while (0)
		switch (from) {
		case TP_U1: CAST(uint8_t);
		case TP_I1: CAST(int8_t);
		case TP_U2: CAST(uint16_t);
		case TP_I2: CAST(int16_t);
		case TP_U4: CAST(uint32_t);
		case TP_I4: CAST(int32_t);
		case TP_U8: CAST(uint64_t);
		case TP_I8: CAST(int64_t);
		default: break;
		}
#undef CAST
	}
	for (size_t i = 0; i < n; i += BLOCK) {
		size_t m = n - i < BLOCK ? n - i : BLOCK;
		load(block, src, from, i, m);
		store(dst, to, i, block, m);
	}
}
