/*
 * io_test.c - unit tests of the stream formats: NPY header padding and
 * near-miss headers, dtype names, the text line rule at the reader's
 * buffer boundary, reads and text writes that split elements, the rest
 * of a record read whole (tp_read_rest_as), and the PNG size limit.
 * Prints TAP.  Scratch files go to $TMPDIR (or /tmp).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats.h"
#include "tpipe.h"
#include "tap.h"

static char dir[256];		/* this run's scratch directory */

/* The path of scratch file name, in a static buffer. */
static const char *
scratch(const char *name)
{
	static char path[512];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

/* Write n bytes to the scratch file name; returns its path. */
static const char *
put_file(const char *name, const void *p, size_t n)
{
	const char *path = scratch(name);
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(p, 1, n, f) != n || fclose(f))
		tp_die("cannot write %s:", path);
	return path;
}

/* The whole scratch file at path, malloc'd, NUL-terminated; *n bytes. */
static char *
get_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long len;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0)
		tp_die("cannot read %s:", path);
	rewind(f);
	s = tp_emalloc((size_t)len + 1);
	if (fread(s, 1, (size_t)len, f) != (size_t)len)
		tp_die("cannot read %s:", path);
	fclose(f);
	s[len] = '\0';
	*n = (size_t)len;
	return s;
}

/* --- NPY headers ------------------------------------------------------ */

static void
test_header_padding(void)
{
	char buf[TP_NPY_HEADER_MAX];
	size_t shape[11] = { 0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10 }, n;
	struct tp_tensor h;

	/* numpy.save: dictionary and growth room end on a 64-byte boundary
	 * ('<c16', (0,)+(10,)*10), so _wrap_header adds 64 spaces: 192 */
	memset(&h, 0, sizeof h);
	h.dtype = TP_C16;
	tp_eset_shape(&h, 11, shape);
	n = tp_npy_format_header(&h, buf);
	ok(n == 192 && buf[8] == (char)(192 - 10) && buf[9] == 0 &&
	    buf[n - 1] == '\n' && buf[n - 2] == ' ' &&
	    !memcmp(buf + n - 66, "  ", 2), "header already on 64 bytes: 64 more spaces, as numpy");
	/* every length pads 1..64 spaces, so data starts on 64 bytes */
	int good = 1;
	for (int nd = 0; nd <= 40; nd++) {
		size_t s[40];
		for (int i = 0; i < nd; i++)
			s[i] = (size_t)1 << (i % 8 * 4);
		struct tp_msg m;
		if (tp_set_shape(&h, nd, s, &m) != NULL)
			continue;	/* too big for size_t: not a header */
		n = tp_npy_format_header(&h, buf);
		size_t sp = 0;
		while (buf[n - 2 - sp] == ' ')
			sp++;
		if (n % 64 || buf[n - 1] != '\n' || sp < 1)
			good = 0;
	}
	ok(good, "0 to 40 axes: a multiple of 64, at least one pad space, newline");
}

static struct tp_msg msg;

/* Parse a header dictionary; the message or NULL. */
static tp_why
parse(const char *text)
{
	struct tp_tensor h;
	int f, s;

	memset(&h, 0, sizeof h);
	return tp_npy_parse_header(text, strlen(text), &h, &f, &s, &msg);
}

static void
test_header_near_misses(void)
{
	/* numpy.load refuses each of these (checked again against numpy by
	 * test/stream.bats); the message must quote the value */
	static const struct { const char *dict, *quoted; } bad[] = {
		{ "{'descr': '?xyz', 'fortran_order': False, 'shape': (3,), }", "'?xyz'" },
		{ "{'descr': '<f8x', 'fortran_order': False, 'shape': (3,), }", "'<f8x'" },
		{ "{'descr': '<f8 ', 'fortran_order': False, 'shape': (3,), }", "'<f8 '" },
		{ "{'descr': 'f32', 'fortran_order': False, 'shape': (3,), }", "'f32'" },
		{ "{'descr': '<float64', 'fortran_order': False, 'shape': (3,), }", "'<float64'" },
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': (3), }", "(3)" },
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': (3,,), }", "(3,,)" },
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': (,), }", "(,)" },
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': (2 3), }", "(2 3)" },
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': (03,), }", "(03,)" },
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", "-1" },
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3), }", "-3" },
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': (3.0,), }", "(3.0,)" },
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': [3], }", "[3]" },
		{ "{'descr': '<f8', 'fortran_order': 0, 'shape': (3,), }", "0" },
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': 1}", "'x'" },
	};
	static const char *good[] = {	/* numpy.load takes these */
		"{'descr': '?', 'fortran_order': False, 'shape': (3,), }",
		"{'descr': '<?', 'fortran_order': False, 'shape': (3,), }",
		"{'descr': 'f8', 'fortran_order': False, 'shape': (3,), }",
		"{'descr': 'float64', 'fortran_order': False, 'shape': (3,), }",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (+3,), }",
		"{'descr': '<f8', 'fortran_order': False, 'shape': ( 3 , 4 , ), }",
		"{'descr': '<f8', 'fortran_order': False, 'shape': ( ), }",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}",
	};
	char what[300];

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *e = parse(bad[i].dict);
		snprintf(what, sizeof what, "refused, quoting %s: %s", bad[i].quoted,
		    e ? e : "(accepted)");
		ok(e && strstr(e, bad[i].quoted), what);
	}
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		const char *e = parse(good[i]);
		snprintf(what, sizeof what, "accepted: %s%s%s", good[i],
		    e ? ": " : "", e ? e : "");
		ok(!e, what);
	}
	ok(parse(bad[0].dict) == msg.text, "a formatted message is in the caller's tp_msg");
}

/* --- dtype names ------------------------------------------------------ */

static void
test_dtype_names(void)
{
	static const struct { const char *name; int t; } names[] = {
		{ "bool", TP_B1 }, { "b1", TP_B1 }, { "?", TP_B1 }, { "|b1", TP_B1 },
		{ "uint8", TP_U1 }, { "u1", TP_U1 }, { "|u1", TP_U1 },
		{ "int8", TP_I1 }, { "i1", TP_I1 },
		{ "uint16", TP_U2 }, { "u2", TP_U2 }, { ">u2", TP_U2 },
		{ "int16", TP_I2 }, { "i2", TP_I2 },
		{ "uint32", TP_U4 }, { "u4", TP_U4 },
		{ "int32", TP_I4 }, { "i4", TP_I4 },
		{ "uint64", TP_U8 }, { "u8", TP_U8 },	/* numpy: bytes */
		{ "int64", TP_I8 }, { "i8", TP_I8 },
		{ "float16", TP_F2 }, { "f2", TP_F2 },
		{ "float32", TP_F4 }, { "f4", TP_F4 }, { "<f4", TP_F4 },
		{ "=f4", TP_F4 }, { "f32", TP_F4 },
		{ "float64", TP_F8 }, { "f8", TP_F8 }, { "f64", TP_F8 },
		{ "complex64", TP_C8 }, { "c8", TP_C8 },
		{ "complex128", TP_C16 }, { "c16", TP_C16 }, { "<c16", TP_C16 },
	};
	static const struct { const char *name, *msg; } ambiguous[] = {
		{ "u16", "'u16' is ambiguous: write uint16, or u2" },
		{ "i16", "'i16' is ambiguous: write int16, or i2" },
		{ "u32", "'u32' is ambiguous: write uint32, or u4" },
		{ "i32", "'i32' is ambiguous: write int32, or i4" },
		{ "u64", "'u64' is ambiguous: write uint64, or u8" },
		{ "i64", "'i64' is ambiguous: write int64, or i8" },
		{ "f16", "'f16' is ambiguous: write float16, or f2" },
		{ "c64", "'c64' is ambiguous: write complex64, or c8" },
		{ "c128", "'c128' is ambiguous: write complex128, or c16" },
	};
	static const char *unknown[] = { "", "x", "f", "u", "<f32", "<float32",
	    "float", "f12", "c32", "?x", "f4 " };
	enum tp_dtype t;
	char what[200];
	int good = 1;

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		if (tp_dtype_lookup(names[i].name, &t, &msg) || (int)t != names[i].t ||
		    tp_dtype_parse(names[i].name) != names[i].t) {
			snprintf(what, sizeof what, "dtype '%s' reads as %s",
			    names[i].name, tp_dtype_name((enum tp_dtype)names[i].t));
			ok(0, what);
			good = 0;
		}
	}
	ok(good, "numpy's names and byte codes, tpipe's f32 and f64");
	for (size_t i = 0; i < sizeof ambiguous / sizeof *ambiguous; i++) {
		const char *e = tp_dtype_lookup(ambiguous[i].name, &t, &msg);
		snprintf(what, sizeof what, "%s: %s", ambiguous[i].name,
		    e ? e : "(accepted)");
		ok(e && !strcmp(e, ambiguous[i].msg) &&
		    tp_dtype_parse(ambiguous[i].name) == -1, what);
	}
	good = 1;
	for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++) {
		const char *e = tp_dtype_lookup(unknown[i], &t, &msg);
		if (!e || !strstr(e, "unknown dtype") ||
		    tp_dtype_parse(unknown[i]) != -1) {
			snprintf(what, sizeof what, "'%s' is an unknown dtype", unknown[i]);
			ok(0, what);
			good = 0;
		}
	}
	ok(good, "other spellings are unknown");
}

/* --- text at the reader's buffer boundary ----------------------------- */

static void
test_text_rule(void)
{
	static const char *shape_lines[] = {
		"# shape (2,) float64", " # shape (2,) float64",
		",# shape (2,) float64", " \t,, # shape (2,) float64\r",
	};
	static const char *other[] = {
		"1 # shape (2,) float64", "# shape is (2,)", "#shape (2,) float64",
		"x# shape (2,) float64",
	};
	int good = 1;
	const char *l;

	for (size_t i = 0; i < sizeof shape_lines / sizeof *shape_lines; i++) {
		l = shape_lines[i];
		good &= tp_text_is_shape_line(l, l + strlen(l));
		good &= *tp_text_skip_blanks(l, l + strlen(l)) == '#';
	}
	for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
		l = other[i];
		good &= !tp_text_is_shape_line(l, l + strlen(l));
	}
	l = " ,\t";
	good &= tp_text_skip_blanks(l, l + 3) == l + 3;
	ok(good, "one rule: blanks and commas lead a line, then '#' is a comment");
}

/*
 * A text stream whose first record (one number a line, no shape comment)
 * is about 256 KiB, then ",# shape (1,) float64" and 33: shift moves the
 * second record across the reader's 256 KiB buffer boundary.  Every
 * shift must give the same two records.
 */
static void
test_text_boundary(void)
{
	const size_t B = 256 * 1024;
	int good = 1;
	char what[200];

	for (int shift = -40; shift <= 40; shift++) {
		size_t cap = B + 1024, n = 0, rows = 0;
		char *s = tp_emalloc(cap);
		const char *tail = ",# shape (1,) float64\n33\n";
		size_t end = B - 24 + (size_t)(long)shift;	/* where tail starts */

		while (n + 8 <= end) {		/* "1234567\n" lines */
			n += (size_t)sprintf(s + n, "%07zu\n", rows % 10000000);
			rows++;
		}
		while (n < end) {		/* fill with blank lines */
			s[n++] = '\n';
		}
		memcpy(s + n, tail, strlen(tail));
		n += strlen(tail);
		const char *path = put_file("boundary.txt", s, n);
		free(s);

		struct tp_reader *r = tp_reader_open(path, -1, NULL);
		struct tp_tensor a = { 0 }, b = { 0 }, c = { 0 };
		int ok0 = tp_read(r, &a) && a.dtype == TP_F8 && a.ndim == 2 &&
		    a.shape[0] == rows && a.shape[1] == 1;
		for (size_t i = 0; ok0 && i < rows; i++)
			ok0 = ((double *)a.data)[i] == (double)(i % 10000000);
		int ok1 = tp_read(r, &b) && b.ndim == 1 && b.count == 1 &&
		    ((double *)b.data)[0] == 33;
		int ok2 = !tp_read(r, &c);
		if (!(ok0 && ok1 && ok2)) {
			snprintf(what, sizeof what, "shift %d: record 0 %s, record 1 %s, %s",
			    shift, ok0 ? "right" : "wrong", ok1 ? "right" : "wrong",
			    ok2 ? "no third" : "a third record");
			ok(0, what);
			good = 0;
		}
		tp_free(&a);
		tp_free(&b);
		tp_reader_close(r);
	}
	ok(good, "',# shape' across the 256 KiB buffer boundary: two records, 33 whole");
}

/* --- partial elements ------------------------------------------------- */

/* An NPY record with descr and shape (n,), holding raw bytes. */
static size_t
npy_record(char *out, const char *descr, size_t n, const void *raw,
    size_t nraw)
{
	char dict[200];
	int len = snprintf(dict, sizeof dict,
	    "{'descr': '%s', 'fortran_order': False, 'shape': (%zu,), }", descr, n);
	size_t total = 10 + (size_t)len + 1, pad = 64 - total % 64;

	memcpy(out, "\x93NUMPY\x01\x00", 8);
	out[8] = (char)(len + pad + 1);
	out[9] = 0;
	memcpy(out + 10, dict, (size_t)len);
	memset(out + 10 + len, ' ', pad);
	out[total + pad - 1] = '\n';
	memcpy(out + total + pad, raw, nraw);
	return total + pad + nraw;
}

/* The bytes of p reversed in groups of size g. */
static void
reverse_groups(unsigned char *p, size_t n, size_t g)
{
	for (size_t i = 0; i < n; i += g)
		for (size_t a = i, b = i + g - 1; a < b; a++, b--) {
			unsigned char t = p[a];
			p[a] = p[b];
			p[b] = t;
		}
}

/* Fill native with the nb bytes of a test pattern, and write them as
 * the scratch file name, an NPY record of count elements of descr whose
 * parts have part bytes (so '>' swaps them on this machine); returns its
 * path. */
static const char *
pattern_record(const char *name, const char *descr, size_t part,
    size_t count, unsigned char *native, size_t nb)
{
	unsigned char raw[256];
	char file[512];

	for (size_t i = 0; i < nb; i++)
		native[i] = (unsigned char)(i * 37 + 11);
	memcpy(raw, native, nb);
	if (descr[0] == '>' && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
		reverse_groups(raw, nb, part);
	return put_file(name, file, npy_record(file, descr, count, raw, nb));
}

static void
test_partial_reads(void)
{
	static const struct { const char *descr; enum tp_dtype t; size_t part; } cases[] = {
		{ ">f8", TP_F8, 8 }, { ">c16", TP_C16, 8 }, { ">i2", TP_I2, 2 },
		{ ">c8", TP_C8, 4 }, { "<f8", TP_F8, 8 },
	};
	static const size_t steps[] = { 1, 3, 4, 5, 7, 9, 13, 17, 31 };

	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		size_t esz = tp_dtype_size(cases[c].t), count = 11, nb = esz * count;
		unsigned char native[176], got[176 + 32];
		int good = 1;
		char what[200];
		const char *path = pattern_record("partial.npy", cases[c].descr,
		    cases[c].part, count, native, nb);
		for (size_t s = 0; s < sizeof steps / sizeof *steps; s++) {
			struct tp_reader *r = tp_reader_open(path, -1, NULL);
			struct tp_tensor h;

			memset(got, 0xee, sizeof got);
			tp_read_header(r, &h);
			for (size_t at = 0; at < nb;) {
				size_t k = nb - at < steps[s] ? nb - at : steps[s];
				tp_read_data(r, got + at, k);
				at += k;
			}
			if (memcmp(got, native, nb) || got[nb] != 0xee)
				good = 0;
			tp_reader_close(r);
		}
		snprintf(what, sizeof what, "%s read 1, 3, 4, 5 ... 31 bytes at a time: the same values",
		    cases[c].descr);
		ok(good, what);
	}
}

/*
 * tp_read_rest_as: the rest of a record after its first element, as it
 * is and as complex128, in either byte order; a text record (decoded
 * in memory); a record past the buffer's first 64 MiB, which grows.
 */
static void
test_read_rest(void)
{
	static const struct { const char *descr; enum tp_dtype t; size_t part; } cases[] = {
		{ ">f8", TP_F8, 8 }, { "<i2", TP_I2, 2 }, { ">c8", TP_C8, 4 },
		{ "|u1", TP_U1, 1 },
	};
	const size_t big = ((size_t)70 << 20) + 5;
	unsigned char *raw, *file, *got;
	struct tp_reader *r;
	struct tp_tensor h;
	const char *path;
	char what[200];

	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		size_t esz = tp_dtype_size(cases[c].t), count = 11, nb = esz * count;
		unsigned char native[176], want[11 * 16];
		int good;

		path = pattern_record("rest.npy", cases[c].descr, cases[c].part,
		    count, native, nb);
		r = tp_reader_open(path, -1, NULL);
		tp_read_header(r, &h);
		tp_read_data(r, want, esz);
		got = tp_read_rest_as(r, cases[c].t);
		good = !memcmp(got, native + esz, nb - esz) && !tp_read_header(r, &h);
		free(got);
		tp_reader_close(r);
		r = tp_reader_open(path, -1, NULL);
		tp_read_header(r, &h);
		got = tp_read_rest_as(r, TP_C16);
		tp_convert(want, TP_C16, native, cases[c].t, count);
		good &= !memcmp(got, want, count * 16);
		free(got);
		tp_reader_close(r);
		snprintf(what, sizeof what, "tp_read_rest_as of %s: the rest "
		    "after one element, and all of it as complex128",
		    cases[c].descr);
		ok(good, what);
	}

	path = put_file("rest.npy", "1 2\n3 4\n", 8);
	r = tp_reader_open(path, -1, NULL);
	tp_read_header(r, &h);
	{
		float one;
		tp_read_data_as(r, &one, TP_F4, 1);
		got = tp_read_rest_as(r, TP_F4);
		ok(one == 1 && !memcmp(got, (float[]){ 2, 3, 4 }, 12),
		    "tp_read_rest_as of a text record, after its first value");
	}
	free(got);
	tp_reader_close(r);

	raw = tp_emalloc(big);
	file = tp_emalloc(big + 128);
	for (size_t i = 0; i < big; i++)
		raw[i] = (unsigned char)(i * 131 + i / 65536);
	path = put_file("rest.npy", file, npy_record((char *)file, "|u1", big,
	    raw, big));
	free(file);
	r = tp_reader_open(path, -1, NULL);
	tp_read_header(r, &h);
	got = tp_read_rest_as(r, TP_U1);
	ok(!memcmp(got, raw, big) && !tp_read_header(r, &h),
	    "tp_read_rest_as of 70 MiB: the buffer grows past 64 MiB to hold it");
	free(got);
	free(raw);
	tp_reader_close(r);
	unlink(path);
}

/* The text tp_writer writes for t when its data comes step bytes at a
 * time (0: all at once); malloc'd.  The writer writes to stdout, which
 * points at a scratch file meanwhile (tp_writer_close closes it). */
static char *
text_written(const struct tp_tensor *t, size_t step)
{
	struct tp_common c;
	struct tp_writer *w;
	const char *path = scratch("partial.txt");
	int saved, fd;
	size_t n;

	fflush(stdout);
	if ((saved = dup(1)) < 0 ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    dup2(fd, 1) < 0 || close(fd) < 0)
		tp_die("cannot send stdout to %s:", path);
	memset(&c, 0, sizeof c);
	c.format = TP_FMT_TXT;
	c.dtype = -1;
	w = tp_writer_open(&c);
	tp_write_header(w, t);
	for (size_t at = 0; at < t->nbytes;) {
		size_t k = step && t->nbytes - at > step ? step : t->nbytes - at;
		tp_write_data(w, (const char *)t->data + at, k);
		at += k;
	}
	tp_writer_close(w);
	if (dup2(saved, 1) < 0 || close(saved) < 0)
		tp_die("cannot restore stdout:");
	return get_file(path, &n);
}

static void
test_partial_text_writes(void)
{
	static const enum tp_dtype types[] = { TP_F8, TP_C16, TP_I2, TP_F4 };
	size_t shape[2] = { 3, 5 };

	for (size_t d = 0; d < sizeof types / sizeof *types; d++) {
		struct tp_tensor t = tp_new(types[d], 2, shape);
		char *whole, what[200];
		int good = 1;

		for (size_t i = 0; i < t.nbytes; i++)
			((unsigned char *)t.data)[i] = (unsigned char)(i * 13 + 5) & 0x3f;
		whole = text_written(&t, 0);
		for (size_t step = 1; step <= 2 * tp_dtype_size(types[d]) + 1; step++) {
			char *split = text_written(&t, step);
			good &= !strcmp(split, whole);
			free(split);
		}
		snprintf(what, sizeof what, "%s text written 1, 2, 3 ... bytes at a time: the same text",
		    tp_dtype_name(types[d]));
		ok(good && strstr(whole, "# shape (3, 5)") == whole, what);
		free(whole);
		tp_free(&t);
	}
}

/* --- PNG -------------------------------------------------------------- */

static void
test_png_writable(void)
{
	struct tp_tensor h;
	size_t s[3] = { 1000000, 1000000, 3 };
	const char *e;

	memset(&h, 0, sizeof h);
	h.dtype = TP_U1;
	tp_eset_shape(&h, 3, s);
	ok(!tp_png_writable(&h, &msg), "1000000 x 1000000 x 3 is within libpng's limits");
	s[0] = 1000001;
	tp_eset_shape(&h, 3, s);
	e = tp_png_writable(&h, &msg);
	ok(e && strstr(e, "height 1000001") && strstr(e, "1000000"),
	    "height 1000001 refused naming the limit");
	s[0] = 3;
	s[1] = 1048576;
	tp_eset_shape(&h, 2, s);
	e = tp_png_writable(&h, &msg);
	ok(e && strstr(e, "width 1048576") && strstr(e, "1000000"),
	    "width 1048576 refused naming the limit");
	s[1] = 5;
	s[2] = 5;
	tp_eset_shape(&h, 3, s);
	e = tp_png_writable(&h, &msg);
	ok(e && strstr(e, "(3, 5, 5)"), "5 channels refused naming the shape");
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof dir, "%s/io_test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		tp_die("mkdtemp %s:", dir);
	test_header_padding();
	test_header_near_misses();
	test_dtype_names();
	test_text_rule();
	test_text_boundary();
	test_partial_reads();
	test_read_rest();
	test_partial_text_writes();
	test_png_writable();
	unlink(scratch("boundary.txt"));
	unlink(scratch("partial.npy"));
	unlink(scratch("partial.txt"));
	rmdir(dir);
	return tap_end();
}
