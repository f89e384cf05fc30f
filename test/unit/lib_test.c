/*
 * lib_test.c - unit tests of lib/: the NPY header parser's edge cases,
 * shapes, their parsing and messages, overflow, tp_quote, the converting
 * reader, -o temporary files, the Gaussian profile, dtype conversion,
 * half floats.  Prints TAP.
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gauss.h"
#include "tpipe.h"
#include "tap.h"


static struct tp_msg msg;	/* holds the last parse's message */

/* Parse a header dictionary; returns the error or NULL. */
static tp_why
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
	struct tp_msg m;
	char buf[TP_NPY_HEADER_MAX];
	size_t shape[2] = { 3, 4 }, n;
	int f, s;
	const char *want = "{'descr': '<f8', 'fortran_order': False, "
	    "'shape': (3, 4), }";

	h.dtype = TP_F8;
	tp_set_shape(&h, 2, shape, &m);
	n = tp_npy_format_header(&h, buf);
	ok(n == 128 && !memcmp(buf, "\x93NUMPY\x01\x00\x76\x00", 10) &&
	    !memcmp(buf + 10, want, strlen(want)) && buf[n - 1] == '\n',
	    "header as numpy.save writes it");
	ok(!tp_npy_parse_header(buf + 10, n - 10, &back, &f, &s, &msg) &&
	    back.count == 12 && back.dtype == TP_F8, "written header parses");
	tp_set_shape(&h, 0, shape, &m);
	n = tp_npy_format_header(&h, buf);
	ok(n % 64 == 0 && strstr(buf + 10, "'shape': (), }"), "scalar header");
}

/* Parse s; returns the message (NULL on success) and sets *nd. */
static tp_why
shape_of(const char *s, size_t *shape, int *nd, int infer,
    struct tp_msg *m)
{
	*nd = -7;
	return tp_parse_shape(s, shape, TP_MAXDIM, nd, infer, m);
}

static void
test_shapes(void)
{
	size_t shape[TP_MAXDIM];
	struct tp_msg m;
	const char *e;
	struct tp_tensor t = { 0 };
	char buf[64];
	int nd;

	ok(!shape_of("8,1,256", shape, &nd, 0, &m) && nd == 3 &&
	    shape[2] == 256, "parse 8,1,256");
	ok(!shape_of("8x1x256", shape, &nd, 0, &m) && nd == 3 &&
	    shape[0] == 8 && shape[1] == 1, "parse 8x1x256");
	e = shape_of("", shape, &nd, 0, &m);
	ok(e && strstr(e, "shape '' is empty: write () for a scalar") &&
	    nd == -7, "an empty shape refused, pointing at ()");
	ok(shape_of("  ", shape, &nd, 0, &m) != NULL, "blanks are empty too");
	ok(!shape_of("()", shape, &nd, 0, &m) && nd == 0, "() is a scalar");
	ok(!shape_of("(3,)", shape, &nd, 0, &m) && nd == 1 && shape[0] == 3,
	    "(3,)");
	ok(!shape_of("0,10", shape, &nd, 0, &m) && nd == 2 && shape[0] == 0 &&
	    shape[1] == 10, "0,10 is a zero-size shape");
	ok(!shape_of("2,-1", shape, &nd, 1, &m) && nd == 2 &&
	    shape[1] == SIZE_MAX, "-1 inferred when allowed");
	e = shape_of("2,-1", shape, &nd, 0, &m);
	ok(e && e == m.text && strstr(e, "'2,-1'") && strstr(e, ">= 0") &&
	    nd == -7, "-1 refused otherwise, quoting the shape, ndim untouched");
	e = shape_of("-1,-1", shape, &nd, 1, &m);
	ok(e && strstr(e, "'-1,-1'") && strstr(e, "only one"), "two -1 refused");
	e = shape_of("2,x", shape, &nd, 0, &m);
	ok(e && strstr(e, "'2,x'") && strstr(e, "'x' is not a size"),
	    "garbage refused, named");
	e = shape_of("0x10", shape, &nd, 0, &m);
	ok(e && strstr(e, "'0x10'") && strstr(e, "hexadecimal"),
	    "0x10 refused as hexadecimal-looking");
	e = shape_of("+3", shape, &nd, 0, &m);
	ok(e && strstr(e, "'+3' is not a size"), "a sign is not a digit");
	e = shape_of("3,-2", shape, &nd, 1, &m);
	ok(e && strstr(e, "'-2' is not a size") && strstr(e, "one may be -1"),
	    "-2 refused, naming -1 as the one negative size");
	e = shape_of("99999999999999999999999", shape, &nd, 0, &m);
	ok(e && strstr(e, "too large"), "a size past SIZE_MAX refused");
	e = shape_of("9223372036854775808", shape, &nd, 1, &m);
	ok(e && strstr(e, "too large"),
	    "a size past PTRDIFF_MAX refused, as numpy refuses it");
	e = shape_of("18446744073709551615", shape, &nd, 1, &m);
	ok(e && strstr(e, "too large"), "SIZE_MAX is not read as -1");
	e = shape_of("9223372036854775807", shape, &nd, 0, &m);
	ok(!e && nd == 1 && shape[0] == 9223372036854775807u,
	    "PTRDIFF_MAX itself parses");
	e = shape_of("2 3", shape, &nd, 0, &m);
	ok(e && strstr(e, "expected ',' or 'x'") && strstr(e, "not '3'"),
	    "sizes without a separator refused");
	e = shape_of("(2,3))", shape, &nd, 0, &m);
	ok(e && strstr(e, "trailing characters ')'"), "trailing characters named");
	e = shape_of("2,\x01", shape, &nd, 0, &m);
	ok(e && strstr(e, "\\x01") && !strchr(e, '\x01'),
	    "control bytes quoted as \\xNN");
	e = shape_of("1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,"
	    "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1",
	    shape, &nd, 0, &m);
	ok(e && strstr(e, "more than 64 axes"), "65 axes refused");
	shape[2] = 77;
	nd = -7;
	e = tp_parse_shape("1,1,1", shape, 2, &nd, 0, &m);
	ok(e && strstr(e, "'1,1,1' has more than 2 axes") && shape[2] == 77 &&
	    nd == -7, "more sizes than the caller holds refused, none stored "
	    "past them");
	ok(!tp_parse_shape("4x3", shape, 2, &nd, 0, &m) && nd == 2 &&
	    shape[0] == 4 && shape[1] == 3, "as many sizes as the caller holds");

	t.dtype = TP_F4;
	shape[0] = 3;
	ok(!tp_set_shape(&t, 1, shape, &m), "tp_set_shape succeeds with NULL");
	ok(!strcmp(tp_shape_str(&t, buf, sizeof buf), "(3,)"), "1-D prints (3,)");
	shape[0] = SIZE_MAX / 2;
	e = tp_set_shape(&t, 1, shape, &m);
	ok(e && t.count == 3 && strstr(e, "overflows") &&
	    strstr(e, "float32"), "byte-size overflow refused, tensor unchanged");
	shape[0] = 0;
	shape[1] = shape[2] = shape[3] = 4294967296;
	e = tp_set_shape(&t, 4, shape, &m);
	ok(e && strstr(e, "(0, 4294967296, 4294967296, 4294967296)"),
	    "zero-size shape whose other axes overflow, named");
	/* numpy: np.zeros((2, 0, 2**62)) is too big, (0, 2**62) uint8 is not */
	t.dtype = TP_F8;
	shape[0] = 2;
	shape[1] = 0;
	shape[2] = (size_t)1 << 62;
	ok(tp_set_shape(&t, 3, shape, &m) != NULL,
	    "zero-size (2, 0, 2^62) float64 refused, as numpy refuses it");
	t.dtype = TP_U1;
	shape[0] = 0;
	shape[1] = (size_t)1 << 62;
	ok(tp_set_shape(&t, 2, shape, &m) == NULL && t.count == 0,
	    "zero-size (0, 2^62) uint8 accepted, as numpy accepts it");
	e = tp_set_shape(&t, TP_MAXDIM + 1, shape, &m);
	ok(e && strstr(e, "65 axes"), "too many axes named");
}

static void
test_quote(void)
{
	char buf[200], small[16], ctl[80];
	const char *q;

	memset(ctl, 1, sizeof ctl);
	q = tp_quote(ctl, 59, buf, sizeof buf);
	ok(strlen(q) <= 199 && !strcmp(q + strlen(q) - 3, "..."),
	    "control bytes that fill the buffer before 60 end in ...");
	q = tp_quote("abcdefghijklmnopqrstuvwxyz", 26, small, sizeof small);
	ok(strlen(q) < sizeof small && !strcmp(q, "abcdefghijkl..."),
	    "a small buffer cuts with ...");
	q = tp_quote("abc", 3, small, sizeof small);
	ok(!strcmp(q, "abc"), "short input uncut");
	memset(ctl, 'a', sizeof ctl);
	q = tp_quote(ctl, 60, buf, sizeof buf);
	ok(strlen(q) == 60 && !strchr(q, '.'), "60 bytes uncut");
	q = tp_quote(ctl, 61, buf, sizeof buf);
	ok(strlen(q) == 63 && !strcmp(q + 60, "..."), "61 bytes cut at 60");
}

/* tp_printable: a whole name, escaped as tp_quote escapes. */
static void
test_printable(void)
{
	char name[200], *p;

	p = tp_printable("run\n1\x1b[31m\xc3\xa9.npy");
	ok(!strcmp(p, "run\\x0a1\\x1b[31m\\xc3\\xa9.npy"),
	    "control and non-ASCII bytes as \\xNN");
	free(p);
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	name[150] = '\n';
	p = tp_printable(name);
	ok(strlen(p) == sizeof name - 1 + 3 && !strstr(p, "...") &&
	    !strchr(p, '\n'), "a long name is not cut");
	free(p);
	p = tp_printable("");
	ok(!strcmp(p, ""), "the empty name");
	free(p);
}

/* The choice tables: lookup, naming, listing; the -o extensions. */
static void
test_choices(void)
{
	static const struct tp_choice c[] = {
		{ "auto", -1 }, { "always", 1 }, { "never", 0 }, { NULL, 0 }
	};
	char buf[64], small[12];
	struct tp_msg m;
	enum tp_format f;
	const char *e;

	ok(tp_choice_find(c, "never") == &c[2] && !tp_choice_find(c, "") &&
	    !tp_choice_find(c, "Never") && !tp_choice_find(c, "alway"),
	    "tp_choice_find: whole words, exactly");
	ok(tp_choice_word(c, -1) && !strcmp(tp_choice_word(c, -1), "auto") &&
	    tp_choice_word(c, 7) == NULL, "tp_choice_word");
	ok(!strcmp(tp_choice_list(c, buf, sizeof buf), "auto, always, never"),
	    "tp_choice_list");
	tp_choice_list(c, small, sizeof small);
	ok(strlen(small) < sizeof small, "tp_choice_list fits its buffer");
	ok(!tp_output_format("a/b.PNG", &f, &m) && f == TP_FMT_PNG &&
	    !tp_output_format("x.csv", &f, &m) && f == TP_FMT_CSV &&
	    !tp_output_format("x.TXT", &f, &m) && f == TP_FMT_TXT &&
	    !tp_output_format("x.raw", &f, &m) && f == TP_FMT_RAW &&
	    !tp_output_format("x.Bin", &f, &m) && f == TP_FMT_RAW &&
	    !tp_output_format("x.Npy", &f, &m) && f == TP_FMT_NPY &&
	    !tp_output_format("x.JPEG", &f, &m) && f == TP_FMT_JPEG &&
	    !tp_output_format("x.jpg", &f, &m) && f == TP_FMT_JPEG &&
	    !tp_output_format("v.mrc", &f, &m) && f == TP_FMT_MRC &&
	    !tp_output_format("s.mrcs", &f, &m) && f == TP_FMT_MRC &&
	    !tp_output_format("m.Map", &f, &m) && f == TP_FMT_MRC &&
	    !tp_output_format("x.MAT", &f, &m) && f == TP_FMT_MAT,
	    "known extensions, in any case");
	ok(!tp_output_format("out", &f, &m) && f == TP_FMT_AUTO &&
	    !tp_output_format(".hidden", &f, &m) && f == TP_FMT_AUTO &&
	    !tp_output_format("run.d/out", &f, &m) && f == TP_FMT_AUTO &&
	    !tp_output_format("run.d/.npy", &f, &m) && f == TP_FMT_AUTO,
	    "no extension: a leading dot, a dot in a directory");
	e = tp_output_format("soft.webp", &f, &m);
	ok(e && !strcmp(e, "-o 'soft.webp': no writer knows the extension "
	    "'.webp' (known: .npy, .png, .txt, .csv, .raw, .bin, .tif, .tiff, "
	    ".jpg, .jpeg, .mrc, .mrcs, .map, .mat): name the format with -O to "
	    "write it anyway"),
	    "an unknown extension, named");
	e = tp_output_format("a\n.\x1b", &f, &m);
	ok(e && strstr(e, "'a\\x0a.\\x1b'") && strstr(e, "'.\\x1b'"),
	    "an unknown extension quoted");
}

/*
 * Write path: one NPY record of dtype t holding the n native elements at
 * data, shape (n,) or (1, n) in Fortran order, in the other byte order
 * when swap.
 */
static void
write_record(const char *path, enum tp_dtype t, size_t n,
    const unsigned char *data, int swap, int fortran)
{
	struct tp_tensor h = { 0 };
	struct tp_msg m;
	char hdr[TP_NPY_HEADER_MAX], *d;
	size_t esz = tp_dtype_size(t), unit, len, shape[2] = { 1, n };
	FILE *f = fopen(path, "wb");

	h.dtype = t;
	tp_set_shape(&h, fortran ? 2 : 1, fortran ? shape : &n, &m);
	len = tp_npy_format_header(&h, hdr);
	if (swap && esz > 1 && (d = memmem(hdr, len, "'descr': '", 10)))
		d[10] = d[10] == '<' ? '>' : '<';
	if (fortran && (d = memmem(hdr, len, "'fortran_order': False,", 23)))
		memcpy(d, "'fortran_order': True, ", 23);
	fwrite(hdr, 1, len, f);
	unit = tp_dtype_is_complex(t) ? esz / 2 : esz;
	for (size_t i = 0; i < n * esz; i += unit)
		for (size_t b = 0; b < unit; b++)
			fputc(data[i + (swap ? unit - 1 - b : b)], f);
	fclose(f);
}

/* tp_read_data_as from every dtype in both byte orders (and a Fortran
 * record, decoded in memory) to every dtype equals tp_convert of the
 * whole record, read in pieces that do not fall on its chunks. */
static void
test_read_data_as(void)
{
	enum { N = 10007 };
	static unsigned char data[N * 16], want[N * 16], got[N * 16 + 1];
	const char *path = "lib_test_record.npy";
	uint32_t x = 12345;

	for (int from = 0; from < TP_NDTYPES; from++) {
		size_t esz = tp_dtype_size((enum tp_dtype)from);

		for (size_t i = 0; i < N * esz; i++) {	/* xorshift bytes */
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			data[i] = from == TP_B1 ? x & 1 : (unsigned char)x;
		}
		for (int v = 0; v < 3; v++) {
			int swap = v == 1, fortran = v == 2, good = 1;
			char what[96];

			write_record(path, (enum tp_dtype)from, N, data, swap,
			    fortran);
			for (int to = 0; to < TP_NDTYPES; to++) {
				struct tp_reader *r = tp_reader_open(path, -1, NULL);
				struct tp_tensor h;
				size_t ts = tp_dtype_size((enum tp_dtype)to);

				tp_convert(want, (enum tp_dtype)to, data,
				    (enum tp_dtype)from, N);
				memset(got, 0xa5, sizeof got);
				if (!tp_read_header(r, &h) || h.count != N) {
					good = 0;
					tp_reader_close(r);
					continue;
				}
				tp_read_data_as(r, got, (enum tp_dtype)to, 1);
				tp_read_data_as(r, got + ts, (enum tp_dtype)to, 5000);
				tp_read_data_as(r, got + 5001 * ts,
				    (enum tp_dtype)to, N - 5001);
				good &= h.ndim == 1 + fortran &&
				    !memcmp(got, want, N * ts) &&
				    got[N * ts] == 0xa5 && !tp_read_header(r, &h);
				tp_reader_close(r);
			}
			snprintf(what, sizeof what, "tp_read_data_as from %s%s to "
			    "every dtype equals tp_convert",
			    tp_dtype_name((enum tp_dtype)from), swap ?
			    " (other byte order)" : fortran ? " (Fortran order)" :
			    "");
			ok(good, what);
		}
	}
	remove(path);
}

/* tp_create_temp: a close-on-exec descriptor for a temporary file that
 * tp_commit_file renames into place. */
static void
test_temp_file(void)
{
	const char *path = "lib_test_out.txt";
	struct stat st;
	char buf[8] = "";
	int fd, flags;
	FILE *f;

	remove(path);
	fd = tp_create_temp(path);
	flags = fcntl(fd, F_GETFD);
	ok(flags >= 0 && (flags & FD_CLOEXEC), "the -o temporary file is close-on-exec");
	ok(stat(path, &st) < 0, "the file does not exist before the commit");
	ok(write(fd, "abc", 3) == 3, "the temporary file takes data");
	tp_commit_file(fd);
	f = fopen(path, "r");
	ok(f && fread(buf, 1, sizeof buf - 1, f) == 3 && !strcmp(buf, "abc"),
	    "tp_commit_file renames it into place");
	if (f)
		fclose(f);
	remove(path);
	/* a committed file's slot is taken again: more files in a run
	 * than are open at once (8) */
	flags = 0;
	for (int i = 0; i < 20; i++) {
		fd = tp_create_temp(path);
		flags += fd >= 0 && write(fd, "x", 1) == 1;
		tp_commit_file(fd);
	}
	ok(flags == 20 && stat(path, &st) == 0 && st.st_size == 1,
	    "20 output files one after another in one run (8 open at once)");
	remove(path);
}

/* tp_gauss_profile over axis lengths 1-60 and sigmas from subnormal to
 * 1e300: finite, summing to 1, symmetric, falling away from the centre;
 * and exp's values where they do not underflow. */
static void
test_gauss(void)
{
	static double g[64];
	int finite = 1, sums = 1, symmetric = 1, falls = 1;

	for (size_t n = 1; n <= 60; n++)
		for (double sigma = 4.9e-324; sigma < 1e301; sigma *= 7.3) {
			double sum = 0;

			tp_gauss_profile(g, n, sigma);
			for (size_t i = 0; i < n; i++) {
				finite &= isfinite(g[i]) && g[i] >= 0;
				sum += g[i];
				symmetric &= g[i] == g[n - 1 - i];
				if (2 * i + 2 < n)	/* left half: rising */
					falls &= g[i] <= g[i + 1];
			}
			sums &= fabs(sum - 1) <= 1e-14;
		}
	ok(finite, "gaussian: finite and >= 0 for every sigma");
	ok(sums, "gaussian: sums to 1 for every sigma");
	ok(symmetric, "gaussian: symmetric about (n-1)/2");
	ok(falls, "gaussian: falls away from the centre");
	tp_gauss_profile(g, 4, 0.01);
	ok(g[0] == 0 && g[1] == 0.5 && g[2] == 0.5 && g[3] == 0,
	    "gaussian: sigma 0.01 on 4 samples is half on each centre sample");
	tp_gauss_profile(g, 5, 1.5);
	{
		double e[5], sum = 0;
		int close = 1;
		for (int i = 0; i < 5; i++)
			sum += e[i] = exp(-(i - 2.0) * (i - 2.0) / (2 * 1.5 * 1.5));
		for (int i = 0; i < 5; i++)
			close &= fabs(g[i] - e[i] / sum) <= 1e-16;
		ok(close, "gaussian: sigma 1.5 equals exp()/sum");
	}
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

/* tp_index_str and tp_first_nonfinite, as tools name a bad element. */
static void
test_index(void)
{
	size_t sh3[] = { 2, 3, 4 }, sh1[] = { 5 };
	struct tp_tensor t = tp_new(TP_F4, 3, sh3), v = tp_new(TP_F8, 1, sh1);
	struct tp_tensor s = tp_new(TP_F8, 0, sh1), i = tp_new(TP_I4, 1, sh1);
	char buf[64];

	ok(strcmp(tp_index_str(&t, 23, buf, sizeof buf), "(1, 2, 3)") == 0 &&
	    strcmp(tp_index_str(&t, 4, buf, sizeof buf), "(0, 1, 0)") == 0 &&
	    strcmp(tp_index_str(&v, 3, buf, sizeof buf), "(3,)") == 0 &&
	    strcmp(tp_index_str(&s, 0, buf, sizeof buf), "()") == 0,
	    "tp_index_str: numpy's multi-index, (3,) and ()");
	ok(tp_index_str(&t, 23, buf, 5) == buf && strlen(buf) == 4,
	    "tp_index_str: cut to the buffer");
	ok(tp_first_nonfinite(&t) == 24 && tp_first_nonfinite(&i) == 5,
	    "tp_first_nonfinite: none, and an integer tensor has none");
	((float *)t.data)[17] = INFINITY;
	((float *)t.data)[19] = NAN;
	((double *)v.data)[2] = -INFINITY;
	((double *)s.data)[0] = NAN;
	ok(tp_first_nonfinite(&t) == 17 && tp_first_nonfinite(&v) == 2 &&
	    tp_first_nonfinite(&s) == 0, "tp_first_nonfinite: the first one");
	tp_free(&t);
	tp_free(&v);
	tp_free(&s);
	tp_free(&i);
}

/* Floats to uint16 and float32 to uint8 (the vectorized paths). */
static void
test_convert_images(void)
{
	float f[] = { -0.5f, 0.5f, 1.5f, 2.5f, 254.5f, 255.5f, 65534.5f,
	    65535.5f, 1e30f, NAN, 0.49999997f, 8388607.5f };
	double d[] = { -1e300, 0.5, 1.5, 2.5, 3.5000000000000004, 65534.5,
	    65535.49, 1e300, NAN, -0.0, 4503599627370495.5, INFINITY };
	uint16_t u2[12];
	uint8_t u1[12];

	tp_convert(u2, TP_U2, f, TP_F4, 12);
	ok(u2[0] == 0 && u2[1] == 0 && u2[2] == 2 && u2[3] == 2 &&
	    u2[4] == 254 && u2[5] == 256 && u2[6] == 65534 &&
	    u2[7] == 65535 && u2[8] == 65535 && u2[9] == 0 && u2[10] == 0 &&
	    u2[11] == 65535, "f32 to u16: half to even, saturated, NaN to 0");
	tp_convert(u1, TP_U1, f, TP_F4, 12);
	ok(u1[3] == 2 && u1[4] == 254 && u1[5] == 255 && u1[9] == 0 &&
	    u1[10] == 0, "f32 to u8: half to even, saturated, NaN to 0");
	tp_convert(u2, TP_U2, d, TP_F8, 12);
	ok(u2[0] == 0 && u2[1] == 0 && u2[2] == 2 && u2[3] == 2 &&
	    u2[4] == 4 && u2[5] == 65534 && u2[6] == 65535 &&
	    u2[7] == 65535 && u2[8] == 0 && u2[9] == 0 && u2[10] == 65535 &&
	    u2[11] == 65535, "f64 to u16: half to even, saturated, NaN to 0");
}

int
main(void)
{
	test_index();
	test_convert_images();
	test_header_parser();
	test_header_writer();
	test_shapes();
	test_quote();
	test_printable();
	test_choices();
	test_read_data_as();
	test_temp_file();
	test_gauss();
	test_convert();
	test_rng();
	return tap_end();
}
