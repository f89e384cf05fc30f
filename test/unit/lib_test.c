/*
 * lib_test.c - unit tests of lib/: the NPY header parser's edge cases,
 * shapes and overflow, dtype conversion, half floats.  Prints TAP.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tpipe.h"
#include "tap.h"


static struct tp_msg msg;	/* holds the last parse's message */

/* Parse a header dictionary; returns the error or NULL. */
static const char *
parse(const char *text, struct tp_tensor *h, int *fortran, int *swap)
{
	memset(h, 0, sizeof *h);
	*fortran = *swap = -1;
	return tp_npy_parse_header(text, strlen(text), h, fortran, swap, &msg);
}

static void
test_header_parser(void)
{
	struct tp_tensor h;
	int f, s;
	const char *e;

	e = parse("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }          \n", &h, &f, &s);
	ok(!e && h.dtype == TP_F8 && h.ndim == 2 && h.shape[0] == 3 &&
	    h.shape[1] == 4 && h.count == 12 && h.nbytes == 96 && !f && !s,
	    "numpy's own header");
	e = parse("{\"shape\": (5,), \"fortran_order\": True, \"descr\": \">i2\"}", &h, &f, &s);
	ok(!e && h.dtype == TP_I2 && h.ndim == 1 && h.shape[0] == 5 && f && s,
	    "keys in another order, double quotes, big-endian, no trailing comma");
	e = parse("{'descr': '|b1', 'fortran_order': False, 'shape': ()}", &h, &f, &s);
	ok(!e && h.dtype == TP_B1 && h.ndim == 0 && h.count == 1, "scalar");
	e = parse("{'descr': '<c16', 'fortran_order': False, 'shape': (0, 7), }", &h, &f, &s);
	ok(!e && h.count == 0 && h.nbytes == 0 && h.ndim == 2, "zero-size");
	e = parse("{'descr':'<u8','fortran_order':False,'shape':(2L,3L)}", &h, &f, &s);
	ok(!e && h.dtype == TP_U8 && h.shape[1] == 3, "python 2 long sizes, no spaces");
	e = parse("{'descr': '<f16', 'fortran_order': False, 'shape': (2,), }", &h, &f, &s);
	ok(e && strstr(e, "'<f16'"), "long double refused by name");
	e = parse("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", &h, &f, &s);
	ok(e && strstr(e, "object"), "object dtype refused");
	e = parse("{'descr': '<U5', 'fortran_order': False, 'shape': (2,), }", &h, &f, &s);
	ok(e && strstr(e, "string"), "string dtype refused");
	e = parse("{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (2,), }", &h, &f, &s);
	ok(e && strstr(e, "datetime"), "datetime dtype refused");
	e = parse("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }", &h, &f, &s);
	ok(e && strstr(e, "structured"), "structured dtype refused");
	e = parse("{'descr': '<f8', 'fortran_order': False, 'shape': (3, -1), }", &h, &f, &s);
	ok(e && strstr(e, "-1"), "negative size named");
	e = parse("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", &h, &f, &s);
	ok(e && strstr(e, "overflows"), "overflowing shape product");
	e = parse("{'descr': '<f8', 'fortran_order': False, 'shape': (1152921504606846976,), }", &h, &f, &s);
	ok(e && strstr(e, "overflows"), "overflowing byte size");
	e = parse("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4294967296, 4294967296, 4294967296), }", &h, &f, &s);
	ok(e && strstr(e, "overflows"), "zero-size shape whose other axes overflow");
	e = parse("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 'a'), }", &h, &f, &s);
	ok(e != NULL, "garbage in shape");
	e = parse("{'descr': '<f8', 'fortran_order': False, 'shape': [3], }", &h, &f, &s);
	ok(e != NULL, "shape as a list");
	e = parse("{'descr': '<f8', 'fortran_order': False}", &h, &f, &s);
	ok(e && strstr(e, "lacks"), "missing shape");
	e = parse("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1}", &h, &f, &s);
	ok(e && strstr(e, "extra"), "unknown key named");
	e = parse("{'descr': '<f8', 'fortran_order': maybe, 'shape': (3,)}", &h, &f, &s);
	ok(e != NULL, "fortran_order not a bool");
	e = parse("garbage", &h, &f, &s);
	ok(e != NULL, "not a dictionary");
	e = parse("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)} trailing", &h, &f, &s);
	ok(e != NULL, "text after the dictionary");
	e = parse("{'descr': '<f8', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1)}", &h, &f, &s);
	ok(e && strstr(e, "64"), "65 axes refused");
}

static void
test_header_writer(void)
{
	struct tp_tensor h = { 0 }, back;
	char buf[TP_NPY_HEADER_MAX];
	size_t shape[2] = { 3, 4 }, n;
	int f, s;
	const char *want = "{'descr': '<f8', 'fortran_order': False, "
	    "'shape': (3, 4), }";

	h.dtype = TP_F8;
	tp_set_shape(&h, 2, shape);
	n = tp_npy_format_header(&h, buf);
	ok(n == 128 && !memcmp(buf, "\x93NUMPY\x01\x00\x76\x00", 10) &&
	    !memcmp(buf + 10, want, strlen(want)) && buf[n - 1] == '\n',
	    "header as numpy.save writes it");
	ok(!tp_npy_parse_header(buf + 10, n - 10, &back, &f, &s, &msg) &&
	    back.count == 12 && back.dtype == TP_F8, "written header parses");
	tp_set_shape(&h, 0, shape);
	n = tp_npy_format_header(&h, buf);
	ok(n % 64 == 0 && strstr(buf + 10, "'shape': (), }"), "scalar header");
}

static void
test_shapes(void)
{
	size_t shape[TP_MAXDIM];
	const char *why;
	struct tp_tensor t = { 0 };
	char buf[64];

	ok(tp_parse_shape("8,1,256", shape, 0, &why) == 3 && shape[2] == 256,
	    "parse 8,1,256");
	ok(tp_parse_shape("", shape, 0, &why) == 0, "empty shape is a scalar");
	ok(tp_parse_shape("()", shape, 0, &why) == 0, "() is a scalar");
	ok(tp_parse_shape("(3,)", shape, 0, &why) == 1 && shape[0] == 3, "(3,)");
	ok(tp_parse_shape("2,-1", shape, 1, &why) == 2 && shape[1] == SIZE_MAX,
	    "-1 inferred when allowed");
	ok(tp_parse_shape("2,-1", shape, 0, &why) < 0, "-1 refused otherwise");
	ok(tp_parse_shape("-1,-1", shape, 1, &why) < 0, "two -1 refused");
	ok(tp_parse_shape("2,x", shape, 0, &why) < 0, "garbage refused");
	t.dtype = TP_F4;
	shape[0] = 3;
	tp_set_shape(&t, 1, shape);
	ok(!strcmp(tp_shape_str(&t, buf, sizeof buf), "(3,)"), "1-D prints (3,)");
	shape[0] = SIZE_MAX / 2;
	ok(tp_set_shape(&t, 1, shape) < 0 && t.count == 3,
	    "byte-size overflow refused, tensor unchanged");
}

static void
test_convert(void)
{
	double d[] = { -1.5, 0.5, 1.5, 2.5, 254.5, 255.5, 300, NAN, -INFINITY };
	uint8_t u[9];
	int16_t i2[3];
	int64_t big = INT64_MAX, back;
	uint64_t ubig = UINT64_MAX;
	float f;

	tp_convert(u, TP_U1, d, TP_F8, 9);
	ok(u[0] == 0 && u[1] == 0 && u[2] == 2 && u[3] == 2 && u[4] == 254 &&
	    u[5] == 255 && u[6] == 255 && u[7] == 0 && u[8] == 0,
	    "f64 to u8: half to even, saturated, NaN to 0");
	tp_convert(i2, TP_I2, (double[]){ -40000, 40000, -2.5 }, TP_F8, 3);
	ok(i2[0] == -32768 && i2[1] == 32767 && i2[2] == -2, "f64 to i16 saturates");
	tp_convert(&back, TP_I8, &big, TP_I8, 1);
	ok(back == INT64_MAX, "i64 identity");
	tp_convert(&back, TP_I8, &ubig, TP_U8, 1);
	ok(back == INT64_MAX, "u64 max to i64 saturates exactly");
	tp_convert(&f, TP_F4, &(double){ 0.1 }, TP_F8, 1);
	ok(f == 0.1f, "f64 to f32 rounds as a C cast");
	{
		double z[4] = { 1, 2, -3, 4 };
		float zf[4];
		tp_convert(zf, TP_C8, z, TP_C16, 2);
		ok(zf[0] == 1 && zf[1] == 2 && zf[2] == -3 && zf[3] == 4,
		    "c16 to c8 keeps the imaginary part");
		tp_convert(z, TP_F8, zf, TP_C8, 2);
		ok(z[0] == 1 && z[1] == -3, "complex to real keeps the real part");
	}
	ok(tp_half_to_float(0x3c00) == 1.0f && tp_half_to_float(0xc000) == -2.0f &&
	    tp_half_to_float(0x0001) == ldexpf(1, -24) &&
	    isinf(tp_half_to_float(0x7c00)) && isnan(tp_half_to_float(0x7e00)),
	    "half to float");
	ok(tp_float_to_half(1.0f) == 0x3c00 && tp_float_to_half(65504.0f) == 0x7bff &&
	    tp_float_to_half(1e6f) == 0x7c00 && tp_float_to_half(ldexpf(1, -24)) == 1 &&
	    tp_float_to_half(1.0f + ldexpf(1, -11)) == 0x3c00 &&
	    tp_float_to_half(1.0f + 3 * ldexpf(1, -11)) == 0x3c02,
	    "float to half, half to even");
	for (uint32_t h = 0; h < 0x7c00; h++)	/* every finite half */
		if (tp_float_to_half(tp_half_to_float((uint16_t)h)) != h) {
			ok(0, "half round trip");
			return;
		}
	ok(1, "every finite half round-trips");
}

static void
test_rng(void)
{
	struct tp_rng r;

	/* numpy: np.random.seed(0); np.random.random_sample() */
	tp_rng_seed(&r, 0);
	ok(fabs(tp_rng_uniform(&r) - 0.5488135039273248) < 1e-16,
	    "seed 0 gives numpy's first random_sample");
	tp_rng_seed(&r, 0);
	ok(fabs(tp_rng_normal(&r) - 1.764052345967664) < 1e-15,
	    "seed 0 gives numpy's first randn");
}

int
main(void)
{
	test_header_parser();
	test_header_writer();
	test_shapes();
	test_convert();
	test_rng();
	return tap_end();
}
