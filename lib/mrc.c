/*
 * mrc.c - MRC2014 maps (cryo-EM and tomography) as tensors, read and
 * written by the format's specification (Cheng et al. 2015, and the
 * 20141 update): modes 0, 1, 2, 4, 6, 12 and 101, either byte order,
 * the extended header skipped, the axes MAPC, MAPR, MAPS put in (Z, Y, X)
 * order, shapes as mrcfile gives them.  Maps back to back are a stream
 * of records.  Output: one map, its mode by dtype, with the header
 * mrcfile writes and its validator accepts.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "tpipe.h"

#define HEADER 1024
#define IMOD_STAMP 1146047817	/* IMOD's, at byte 152: flags follow */
#define IMOD_SIGNED 1		/* its flag: mode 0 bytes are signed */
#define CHUNK (1 << 20)

/* The header words this file uses, by their 0-based word index. */
enum { W_NX, W_NY, W_NZ, W_MODE, W_MX = 7, W_MY, W_MZ, W_CELLA,
	W_CELLB = 13, W_MAPC = 16, W_MAPR, W_MAPS, W_DMIN, W_DMAX, W_DMEAN,
	W_ISPG, W_NSYMBT, W_NVERSION = 27, W_IMOD_STAMP = 38, W_IMOD_FLAGS,
	W_MAP = 52, W_MACHST, W_RMS, W_NLABL, W_LABEL };

/* The header's numbers, in native order. */
struct mrc_head {
	int32_t n[3];		/* NX, NY, NZ: columns, rows, sections */
	int32_t mode, mz, ispg, nsymbt;
	int32_t map[3];		/* MAPC, MAPR, MAPS */
	int big;		/* the file is big-endian */
	int imod_unsigned;	/* mode 0 bytes unsigned, as IMOD flags it */
};

/* The decoder's state: where in the input the next map starts, and the
 * data of the one being read (reachable if the reader dies). */
struct mrc_in {
	size_t offset;
	unsigned char *data;
};

static int32_t
word(const unsigned char *h, int w, int big)
{
	const unsigned char *p = h + 4 * w;
	uint32_t v = big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3] : (uint32_t)p[3] << 24 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];

	return (int32_t)v;
}

/* 1 if mode is one MRC2014 defines (3, complex int16, is refused when
 * read, by name). */
static int
known_mode(int32_t mode)
{
	return (mode >= 0 && mode <= 4) || mode == 6 || mode == 12 ||
	    mode == 101;
}

/* 1 if the first len bytes (16 or more) read in byte order big give a
 * known mode and dimensions that are not negative. */
static int
plausible(const unsigned char *h, int big)
{
	return known_mode(word(h, W_MODE, big)) && word(h, W_NX, big) >= 0 &&
	    word(h, W_NY, big) >= 0 && word(h, W_NZ, big) >= 0;
}

/*
 * An MRC file has no magic number at its start: it is recognised by its
 * header, MRC2014's "MAP" at byte 208 (mrcfile refuses a file without
 * it, and so does tpipe: old files without it are rare), or in input too
 * short to hold it, a known mode and dimensions in one byte order.  A
 * header with MAP is the reader's, whatever its other words: they are
 * checked when it is read, and a bad one named.
 */
static int
mrc_probe(const unsigned char *p, size_t len)
{
	if (len >= 4 * W_MAP + 3)
		return !memcmp(p + 4 * W_MAP, "MAP", 3);
	return len >= 16 && (plausible(p, 0) || plausible(p, 1));
}

/* The file's byte order: its machine stamp's, else (a stamp some
 * writers leave 0) the one in which the mode is known; -1 if none. */
static int
byte_order(const unsigned char *h)
{
	const unsigned char *s = h + 4 * W_MACHST;

	if (s[0] == 0x44 && (s[1] == 0x44 || s[1] == 0x41))
		return 0;
	if (s[0] == 0x11 && s[1] == 0x11)
		return 1;
	if (plausible(h, 0))
		return 0;
	return plausible(h, 1) ? 1 : -1;
}

/* Parse header h into m; NULL, or why it is not a map tpipe reads. */
static tp_why
parse(const unsigned char *h, struct mrc_head *m, struct tp_msg *msg)
{
	static const char *const nname[] = { "NX", "NY", "NZ" };
	int big = byte_order(h), seen = 0;

	memset(m, 0, sizeof *m);
	if (big < 0)
		return tp_msgf(msg, "bad MRC header: machine stamp 0x%02x 0x%02x and mode %d in either byte order",
		    h[4 * W_MACHST], h[4 * W_MACHST + 1],
		    (int)word(h, W_MODE, 0));
	m->big = big;
	m->mode = word(h, W_MODE, big);
	if (m->mode == 3)
		return "MRC mode 3 (complex int16) is not supported: mrcfile reads it neither";
	if (!known_mode(m->mode))
		return tp_msgf(msg, "bad MRC header: unknown mode %d",
		    (int)m->mode);
	for (int i = 0; i < 3; i++) {
		m->n[i] = word(h, W_NX + i, big);
		m->map[i] = word(h, W_MAPC + i, big);
		if (m->n[i] < 0)
			return tp_msgf(msg, "bad MRC header: %s is %d",
			    nname[i], (int)m->n[i]);
		if (m->map[i] >= 1 && m->map[i] <= 3)
			seen |= 1 << m->map[i];
	}
	if (seen != 14)
		return tp_msgf(msg, "bad MRC header: MAPC, MAPR, MAPS are %d, %d, %d, not an order of 1, 2, 3",
		    (int)m->map[0], (int)m->map[1], (int)m->map[2]);
	m->mz = word(h, W_MZ, big);
	m->ispg = word(h, W_ISPG, big);
	m->nsymbt = word(h, W_NSYMBT, big);
	if (m->nsymbt < 0)
		return tp_msgf(msg, "bad MRC header: NSYMBT is %d",
		    (int)m->nsymbt);
	if (m->ispg >= 401 && m->ispg <= 630 &&
	    (m->mz <= 0 || m->n[2] % m->mz != 0))
		return tp_msgf(msg, "bad MRC header: a volume stack (ISPG %d) of NZ %d sections in volumes of MZ %d",
		    (int)m->ispg, (int)m->n[2], (int)m->mz);
	m->imod_unsigned = word(h, W_IMOD_STAMP, big) == IMOD_STAMP &&
	    !(word(h, W_IMOD_FLAGS, big) & IMOD_SIGNED);
	return NULL;
}

/* The dtype a mode's values are read as. */
static enum tp_dtype
mode_dtype(const struct mrc_head *m)
{
	switch (m->mode) {
	case 0: return m->imod_unsigned ? TP_U1 : TP_I1;
	case 1: return TP_I2;
	case 2: return TP_F4;
	case 4: return TP_C8;
	case 6: return TP_U2;
	case 12: return TP_F2;
	default: return TP_U1;	/* 101: 4-bit, unpacked */
	}
}

/* Read n bytes into in->data, grown as they arrive (a header's claim
 * never sizes it); returns how many came. */
static size_t
read_data(struct tp_reader *r, struct mrc_in *in, size_t n)
{
	size_t got = 0, cap = 0;

	while (got < n) {
		size_t k;

		if (got == cap) {
			cap = cap == 0 ? (n < CHUNK ? n : CHUNK) :
			    cap > n / 2 ? n : cap * 2;
			in->data = tp_erealloc(in->data, cap);
		}
		k = tp_reader_take(r, in->data + got, cap - got);
		got += k;
		if (k == 0 || got < cap)
			break;
	}
	return got;
}

/* Skip the extended header's n bytes; returns how many there were. */
static size_t
skip(struct tp_reader *r, size_t n)
{
	unsigned char buf[16384];
	size_t done = 0;

	while (done < n) {
		size_t want = n - done < sizeof buf ? n - done : sizeof buf;
		size_t k = tp_reader_take(r, buf, want);

		done += k;
		if (k < want)
			break;
	}
	return done;
}

/* Reverse the bytes of each unit-byte piece of the n bytes at p. */
static void
swap_units(unsigned char *p, size_t n, size_t unit)
{
	for (size_t i = 0; i + unit <= n; i += unit)
		for (size_t a = i, b = i + unit - 1; a < b; a++, b--) {
			unsigned char t = p[a];
			p[a] = p[b];
			p[b] = t;
		}
}

/*
 * Mode 101's values, 4 bits each, two a byte, the first in the low
 * nibble, each row starting on a byte (a row of odd NX ends in a spare
 * nibble): as IMOD writes them and IMOD and RELION read them.
 */
static void
unpack4(unsigned char *dst, const unsigned char *src, size_t nx,
    size_t rows)
{
	size_t stride = (nx + 1) / 2;

	for (size_t y = 0; y < rows; y++, src += stride)
		for (size_t x = 0; x < nx; x++)
			*dst++ = (unsigned char)(x % 2 ? src[x / 2] >> 4 :
			    src[x / 2] & 15);
}

/*
 * Give out the map's values (raw, in file order: sections, rows,
 * columns) as a record: its axes in (Z, Y, X) order, whatever MAPC,
 * MAPR and MAPS say (X the columns when they are 1, 2, 3); the shapes
 * mrcfile gives: (NZ/MZ, Z, Y, X) for a volume stack (ISPG 401 to 630),
 * (Y, X) for a single image (ISPG 0, NZ 1), (Z, Y, X) else, an image
 * stack (ISPG 0) included.  raw becomes out's data, or is copied.
 */
static void
arrange(const struct mrc_head *m, enum tp_dtype t, struct mrc_in *in,
    struct tp_tensor *out)
{
	size_t stored[4], shape[4];
	int perm[4], lead = m->ispg >= 401 && m->ispg <= 630, nd = 3 + lead;
	int identity = 1;

	stored[0] = lead ? (size_t)(m->n[2] / m->mz) : (size_t)m->n[2];
	stored[lead] = lead ? (size_t)m->mz : (size_t)m->n[2];
	stored[lead + 1] = (size_t)m->n[1];
	stored[lead + 2] = (size_t)m->n[0];
	perm[0] = 0;
	/* output axis i is Z, Y, X (label 3 - i); stored axis j is the
	 * sections, rows, columns (label MAPS, MAPR, MAPC) */
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			if (m->map[2 - j] == 3 - i)
				perm[lead + i] = lead + j;
	for (int i = 0; i < nd; i++) {
		shape[i] = stored[perm[i]];
		identity &= perm[i] == i;
	}
	memset(out, 0, sizeof *out);
	out->dtype = t;
	if (m->ispg == 0 && m->n[2] == 1 && shape[0] == 1)
		tp_eset_shape(out, 2, shape + 1);
	else
		tp_eset_shape(out, nd, shape);
	if (identity) {
		out->data = in->data;
		in->data = NULL;
		return;
	}
	struct tp_permute p;
	tp_permute_plan(&p, tp_dtype_size(t), nd, stored, perm);
	tp_alloc(out);
	tp_permute_run(&p, out->data, in->data, 0, p.nblocks);
	free(in->data);
	in->data = NULL;
}

/* Make the data just read (bytes of it, for count values) native
 * values of dtype t: bytes swapped, 4-bit values unpacked. */
static void
to_native(const struct mrc_head *m, enum tp_dtype t, struct mrc_in *in,
    size_t count, size_t bytes)
{
	size_t esz = tp_dtype_size(t);
	int host_big = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;

	if (m->mode == 101) {
		unsigned char *u = tp_emalloc(count ? count : 1);
		unpack4(u, in->data, (size_t)m->n[0],
		    (size_t)m->n[1] * (size_t)m->n[2]);
		free(in->data);
		in->data = u;
	} else if (esz > 1 && m->big != host_big)
		swap_units(in->data, bytes, t == TP_C8 ? 4 : esz);
}

static int
mrc_next(struct tp_reader *r, void **state, struct tp_tensor *out,
    char **name)
{
	struct mrc_in *in = *state;
	long k = tp_reader_index(r) + 1;
	const char *rn = tp_reader_name(r);
	tp_why why;
	unsigned char h[HEADER];
	struct mrc_head m;
	struct tp_msg msg;
	size_t got, count, bytes, row;
	enum tp_dtype t;

	(void)name;
	if (!in)
		*state = in = tp_ecalloc(1, sizeof *in);
	if ((got = tp_reader_take(r, h, HEADER)) == 0)
		return 0;
	if (k > 0 && got >= 4 * W_MAP + 3 && memcmp(h + 4 * W_MAP, "MAP", 3))
		tp_die("%s: byte %zu: data after MRC record %ld is not an MRC map (no MAP at its byte 208)",
		    rn, in->offset, k - 1);
	if (got < HEADER)
		tp_die("%s: truncated record %ld: expected a %d-byte MRC header, got %zu bytes",
		    rn, k, HEADER, got);
	if ((why = parse(h, &m, &msg)))
		tp_die("%s: record %ld: %s", rn, k, why);
	t = mode_dtype(&m);
	row = m.mode == 101 ? ((size_t)m.n[0] + 1) / 2 :
	    (size_t)m.n[0] * tp_dtype_size(t);
	if (__builtin_mul_overflow((size_t)m.n[0], (size_t)m.n[1], &count) ||
	    __builtin_mul_overflow(count, (size_t)m.n[2], &count) ||
	    __builtin_mul_overflow(row, (size_t)m.n[1] * (size_t)m.n[2],
	    &bytes))
		tp_die("%s: record %ld: MRC map of %d x %d x %d values does not fit in memory",
		    rn, k, (int)m.n[0], (int)m.n[1], (int)m.n[2]);
	if ((got = skip(r, (size_t)m.nsymbt)) < (size_t)m.nsymbt)
		tp_die("%s: truncated record %ld: expected a %d-byte extended header, got %zu",
		    rn, k, (int)m.nsymbt, got);
	if ((got = read_data(r, in, bytes)) < bytes)
		tp_die("%s: truncated record %ld: expected %zu bytes of data, got %zu",
		    rn, k, bytes, got);
	if (bytes == 0)
		in->data = tp_erealloc(in->data, 1);
	to_native(&m, t, in, count, bytes);
	arrange(&m, t, in, out);
	in->offset += HEADER + (size_t)m.nsymbt + bytes;
	return 1;
}

static void
mrc_close(void *state)
{
	struct mrc_in *in = state;

	if (in)
		free(in->data);
	free(in);
}

const struct tp_decoder tp_mrc_decoder = {
	TP_FMT_MRC, "MRC", HEADER, mrc_probe, mrc_next, mrc_close
};

/* --- writing ------------------------------------------------------ */

/* The mode a dtype is written in, or -1: mrcfile's table (uint8 is
 * widened to mode 6, uint16). */
static int
dtype_mode(enum tp_dtype t)
{
	switch (t) {
	case TP_I1: return 0;
	case TP_I2: return 1;
	case TP_F4: return 2;
	case TP_C8: return 4;
	case TP_U1: case TP_U2: return 6;
	case TP_F2: return 12;
	default: return -1;
	}
}

static tp_why
mrc_writable(const struct tp_tensor *h, const struct tp_common *o,
    struct tp_msg *m)
{
	char shape[TP_MAXDIM * 22 + 4];

	(void)o;
	tp_shape_str(h, shape, sizeof shape);
	if (dtype_mode(h->dtype) < 0)
		return tp_msgf(m, "cannot write %s as mrc: its modes hold int8, int16, uint16 (and uint8), float16, float32 and complex64; convert with tcat -t f32",
		    tp_dtype_name(h->dtype));
	if (h->ndim < 2 || h->ndim > 4)
		return tp_msgf(m, "cannot write shape %s as mrc: it takes an image (Y, X), a volume (Z, Y, X) or a stack of volumes (N, Z, Y, X)",
		    shape);
	for (int i = 0; i < h->ndim; i++)
		if (h->shape[i] == 0 || h->shape[i] > INT32_MAX)
			return tp_msgf(m, "cannot write shape %s as mrc: its axis %d is not 1 to %d long",
			    shape, i, INT32_MAX);
	if (h->ndim == 4 && h->shape[0] > INT32_MAX / h->shape[1])
		return tp_msgf(m,
		    "cannot write shape %s as mrc: its %zu sections exceed %d",
		    shape, h->shape[0] * h->shape[1], INT32_MAX);
	return NULL;
}

static void
put(unsigned char *h, int w, int32_t v)
{
	memcpy(h + 4 * w, &v, 4);
}

static void
putf(unsigned char *h, int w, double v)
{
	float f = (float)v;

	memcpy(h + 4 * w, &f, 4);
}

/*
 * DMIN, DMAX, DMEAN and RMS of t's values, as mrcfile sets them: numpy's
 * min, max, mean and std (the deviation from the mean, two passes in
 * float64), NaN if a value is NaN; for complex data RMS only, and the
 * others at MRC2014's "not known" values 0, -1, -2.
 */
static void
stats(const struct tp_tensor *t, unsigned char *h)
{
	int cx = tp_dtype_is_complex(t->dtype), nan = 0;
	enum tp_dtype as = cx ? TP_C16 : TP_F8;
	size_t esz = tp_dtype_size(t->dtype), per = cx ? 2 : 1;
	double v[2 * 1024], lo = INFINITY, hi = -INFINITY, sum[2] = { 0, 0 };
	double mean[2], ss = 0;

	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < t->count; i += 1024) {
			size_t n = t->count - i < 1024 ? t->count - i : 1024;

			tp_convert(v, as, (const char *)t->data + i * esz,
			    t->dtype, n);
			for (size_t j = 0; j < n * per; j++) {
				if (pass == 1) {
					double d = v[j] - mean[j % per];
					ss += d * d;
					continue;
				}
				sum[j % per] += v[j];
				nan |= isnan(v[j]);
				lo = v[j] < lo ? v[j] : lo;
				hi = v[j] > hi ? v[j] : hi;
			}
			if (pass == 0 && i + n == t->count)
				for (size_t p = 0; p < per; p++)
					mean[p] = sum[p] / (double)t->count;
		}
	putf(h, W_RMS, sqrt(ss / (double)t->count));
	if (cx) {
		putf(h, W_DMIN, 0);
		putf(h, W_DMAX, -1);
		putf(h, W_DMEAN, -2);
		return;
	}
	putf(h, W_DMIN, nan ? NAN : lo);
	putf(h, W_DMAX, nan ? NAN : hi);
	putf(h, W_DMEAN, mean[0]);
}

/* The MRC2014 header of record t, as mrcfile writes it for the same
 * array, with a voxel size of 1 A (the cell is the grid) and the label
 * "tpipe". */
static void
header(const struct tp_tensor *t, unsigned char *h)
{
	static const unsigned char stamp[2][4] = { { 0x44, 0x44, 0, 0 },
	    { 0x11, 0x11, 0, 0 } };
	int nd = t->ndim;
	int32_t nx = (int32_t)t->shape[nd - 1], ny = (int32_t)t->shape[nd - 2];
	int32_t mz = nd == 2 ? 1 : (int32_t)t->shape[nd - 3];
	int32_t nz = nd == 4 ? (int32_t)t->shape[0] * mz : mz;

	memset(h, 0, HEADER);
	put(h, W_NX, nx);
	put(h, W_NY, ny);
	put(h, W_NZ, nz);
	put(h, W_MODE, dtype_mode(t->dtype));
	put(h, W_MX, nx);
	put(h, W_MY, ny);
	put(h, W_MZ, mz);
	putf(h, W_CELLA, nx);
	putf(h, W_CELLA + 1, ny);
	putf(h, W_CELLA + 2, mz);
	for (int i = 0; i < 3; i++) {
		putf(h, W_CELLB + i, 90);
		put(h, W_MAPC + i, i + 1);
	}
	put(h, W_ISPG, nd == 2 ? 0 : nd == 3 ? 1 : 401);
	put(h, W_NVERSION, 20141);
	memcpy(h + 4 * W_MAP, "MAP ", 4);
	memcpy(h + 4 * W_MACHST,
	    stamp[__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__], 4);
	put(h, W_NLABL, 1);
	memcpy(h + 4 * W_LABEL, "tpipe", 5);
	stats(t, h);
}

/* The encoder's state: the one map, header and data, until the end. */
struct mrc_out {
	unsigned char *buf;
	size_t len;
};

static void
mrc_record(struct tp_writer *w, void **state, const struct tp_tensor *t,
    const char *name, long index, const struct tp_common *o)
{
	struct mrc_out *out;
	size_t esz = t->dtype == TP_U1 ? 2 : tp_dtype_size(t->dtype);

	(void)w;
	(void)name;
	(void)o;
	if (index > 0)
		tp_die("mrc output holds one map; the input has more records");
	*state = out = tp_ecalloc(1, sizeof *out);
	out->len = HEADER + t->count * esz;
	out->buf = tp_emalloc(out->len);
	header(t, out->buf);
	if (t->dtype == TP_U1)		/* widened, as mrcfile writes it */
		tp_convert(out->buf + HEADER, TP_U2, t->data, TP_U1, t->count);
	else
		memcpy(out->buf + HEADER, t->data, t->nbytes);
}

static void
mrc_finish(struct tp_writer *w, void **state, long n,
    const struct tp_common *o)
{
	struct mrc_out *out = *state;

	(void)o;
	if (n == 0)
		tp_die("no map to write as mrc: the input is empty");
	tp_writer_emit(w, out->buf, out->len);
	free(out->buf);
	free(out);
	*state = NULL;
}

const struct tp_encoder tp_mrc_encoder = {
	TP_FMT_MRC, mrc_writable, mrc_record, mrc_finish
};
