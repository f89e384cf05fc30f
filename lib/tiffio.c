/*
 * tiffio.c - TIFF through libtiff, in and out.  Each page (IFD) of a
 * file is a record: (H, W) for one sample per pixel, (H, W, C) for more,
 * the samples as stored (see tpipe(7) TIFF for what is read and written,
 * and what is refused).  libtiff seeks, so a file is read whole into
 * memory (tp_reader_slurp) and written whole into memory, and libtiff
 * works on that buffer through TIFFClientOpen.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "formats.h"
#include "tpipe.h"

/* A page may claim at most this many times the file's bytes, plus
 * SLACK, once decoded (deflate cannot pass 1032 times; zstd's densest
 * blocks, 4 bytes for 128 KiB, about 2^15); an uncompressed one, no
 * more than the file. */
#define RATIO 65536.0
#define SLACK (1 << 20)

/* --- libtiff on memory -------------------------------------------- */

/* The file libtiff reads or writes: len bytes at p, pos where it is. */
struct mem {
	unsigned char *p;
	size_t len, cap;	/* cap 0: read only */
	uint64_t pos;
	char err[200];		/* libtiff's first error, or "" */
	const char *name;	/* the file, for messages */
};

static tmsize_t
mem_read(thandle_t h, void *dst, tmsize_t n)
{
	struct mem *m = h;
	size_t k = m->pos < m->len ? m->len - m->pos : 0;

	if (n < 0)
		return -1;
	if ((uint64_t)n < k)
		k = (size_t)n;
	memcpy(dst, m->p + m->pos, k);
	m->pos += k;
	return (tmsize_t)k;
}

/* Make the buffer of a file being written hold at least end bytes. */
static void
reserve(struct mem *m, size_t end)
{
	size_t cap = m->cap;

	if (end <= cap)
		return;
	while (cap < end)
		cap = cap > SIZE_MAX / 2 ? end : cap * 2;
	if (cap >= (8 << 20)) {	/* on huge pages: first touch is cheaper */
		unsigned char *p = tp_big_alloc(cap);
		memcpy(p, m->p, m->len);
		free(m->p);
		m->p = p;
	} else
		m->p = tp_erealloc(m->p, cap);
	m->cap = cap;
}

/* Write n bytes at pos, growing the buffer (a gap left by a seek past
 * the end reads as zeros); fails for a file opened to read. */
static tmsize_t
mem_write(thandle_t h, void *src, tmsize_t n)
{
	struct mem *m = h;
	size_t end;

	if (n < 0 || m->cap == 0 || m->pos > SIZE_MAX - (size_t)n)
		return -1;
	end = (size_t)m->pos + (size_t)n;
	reserve(m, end);
	if (m->pos > m->len)
		memset(m->p + m->len, 0, (size_t)m->pos - m->len);
	memcpy(m->p + m->pos, src, (size_t)n);
	m->pos = end;
	if (end > m->len)
		m->len = end;
	return n;
}

static toff_t
mem_seek(thandle_t h, toff_t off, int whence)
{
	struct mem *m = h;
	uint64_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ?
	    m->len : 0;

	if (off > UINT64_MAX - base)
		return (toff_t)-1;
	m->pos = base + off;
	return m->pos;
}

static int
mem_close(thandle_t h)
{
	(void)h;
	return 0;
}

static toff_t
mem_size(thandle_t h)
{
	return ((struct mem *)h)->len;
}

/* The file to read is in memory already: libtiff may use it as mapped
 * (no copy of uncompressed strips). */
static int
mem_map(thandle_t h, void **base, toff_t *size)
{
	struct mem *m = h;

	if (m->cap)
		return 0;
	*base = m->p;
	*size = m->len;
	return 1;
}

static void
mem_unmap(thandle_t h, void *base, toff_t size)
{
	(void)h;
	(void)base;
	(void)size;
}

/* Keep msg as m's error unless it has one: the first since the last
 * clear, on one line of printable bytes. */
static void
keep(struct mem *m, const char *msg)
{
	if (m->err[0])
		return;
	snprintf(m->err, sizeof m->err, "%s", msg[0] ? msg : "libtiff failed");
	for (char *c = m->err; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
}

/*
 * What libtiff says: an error is kept (the first since the last clear);
 * a warning (unknown tags, odd but readable values) is not an error,
 * but a tag whose value lies past the end of the file is (the file was
 * cut: libtiff would go on without the tag, "; tag ignored"), and so is
 * a loop of directories (libtiff would end the file there, ". Treating
 * directory N as last directory").
 */
static int
said(struct mem *m, int warning, const char *fmt, va_list ap)
{
	char msg[200];

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (!warning)
		keep(m, msg);
	else if (!strncmp(msg, "IO error", 8) || strstr(msg, "IFD loop")) {
		msg[strcspn(msg, ";.")] = '\0';
		keep(m, msg);
	}
	return 1;
}

static int
on_error(TIFF *tif, void *m, const char *module, const char *fmt,
    va_list ap)
{
	(void)tif;
	(void)module;
	return said(m, 0, fmt, ap);
}

static int
on_warning(TIFF *tif, void *m, const char *module, const char *fmt,
    va_list ap)
{
	(void)tif;
	(void)module;
	return said(m, 1, fmt, ap);
}

/* Open m with libtiff in mode ("r", "w", "w8"); NULL on failure, with
 * the reason in m->err. */
static TIFF *
mem_open(struct mem *m, const char *mode, tmsize_t max_alloc)
{
	TIFFOpenOptions *o = TIFFOpenOptionsAlloc();
	TIFF *tif;

	if (!o)
		tp_die("out of memory starting libtiff");
	TIFFOpenOptionsSetErrorHandlerExtR(o, on_error, m);
	TIFFOpenOptionsSetWarningHandlerExtR(o, on_warning, m);
	if (max_alloc)
		TIFFOpenOptionsSetMaxSingleMemAlloc(o, max_alloc);
	m->err[0] = '\0';
	tif = TIFFClientOpenExt(m->name, mode, m, mem_read, mem_write,
	    mem_seek, mem_close, mem_size, mem_map, mem_unmap, o);
	TIFFOpenOptionsFree(o);
	if (!tif && !m->err[0])
		snprintf(m->err, sizeof m->err, "libtiff cannot open it");
	return tif;
}

/* --- reading -------------------------------------------------------- */

/* The decoder's state: the file, libtiff on it, the page. */
struct tin {
	struct mem m;		/* the file being read: in all, from
				 * start on */
	TIFF *tif;
	struct tp_reader *r;
	long page;		/* the record being read, from 0 */
	unsigned char *all;	/* the whole input */
	size_t all_len, start;
};

/* How a page's samples are laid out in its chunks (strips or tiles). */
struct page {
	uint32_t w, h;		/* image */
	uint32_t cw, ch;	/* a chunk: a tile, or a strip of w x ch */
	uint16_t spp, bits, planes;	/* planes: spp if separate, else 1 */
	uint16_t fmt, photo, comp;
	int tiled;
	size_t nsamp;		/* samples a chunk's pixel holds */
	uint64_t rowbytes, chunkbytes;	/* a chunk's row, a whole chunk */
	enum tp_dtype dtype;
	size_t es;
};

static int
probe(const unsigned char *p, size_t len)
{
	static const unsigned char magic[4][4] = {
		{ 'I', 'I', 42, 0 }, { 'M', 'M', 0, 42 },
		{ 'I', 'I', 43, 0 }, { 'M', 'M', 0, 43 } };	/* BigTIFF */

	for (int i = 0; i < 4; i++)	/* a cut magic: the decoder says so */
		if (!memcmp(p, magic[i], len < 4 ? len : 4))
			return 1;
	return 0;
}

/* Close libtiff and die "NAME: record K: what". */
static void __attribute__((noreturn, format(printf, 2, 3)))
fail(struct tin *s, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (s->tif)
		TIFFClose(s->tif);
	s->tif = NULL;
	tp_die("%s: record %ld: %s", s->m.name, s->page, what);
}

/* Die with libtiff's message (or what, when it gave none). */
static void __attribute__((noreturn))
fail_libtiff(struct tin *s, const char *what)
{
	fail(s, "bad TIFF: %s", s->m.err[0] ? s->m.err : what);
}

/* The dtype of samples of format fmt and bits each, or -1. */
static int
sample_dtype(int fmt, int bits)
{
	if (bits < 1)
		return -1;
	if (fmt == SAMPLEFORMAT_UINT || fmt == SAMPLEFORMAT_VOID)
		return bits <= 8 ? TP_U1 : bits <= 16 ? TP_U2 : bits == 32 ?
		    TP_U4 : bits == 64 ? TP_U8 : -1;
	if (fmt == SAMPLEFORMAT_INT)
		return bits == 8 ? TP_I1 : bits == 16 ? TP_I2 : bits == 32 ?
		    TP_I4 : bits == 64 ? TP_I8 : -1;
	if (fmt == SAMPLEFORMAT_IEEEFP)
		return bits == 16 ? TP_F2 : bits == 32 ? TP_F4 : bits == 64 ?
		    TP_F8 : -1;
	return -1;
}

/* Read the page's tags into p; dies on what is not read. */
static void
describe(struct tin *s, struct page *p)
{
	TIFF *tif = s->tif;
	uint32_t depth = 1, rps = 0;
	int d;

	memset(p, 0, sizeof *p);
	TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &p->w);
	TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &p->h);
	TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &p->spp);
	TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &p->bits);
	TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &p->fmt);
	TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &p->planes);
	TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &p->comp);
	TIFFGetFieldDefaulted(tif, TIFFTAG_IMAGEDEPTH, &depth);
	if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &p->photo))
		p->photo = PHOTOMETRIC_MINISBLACK;
	if (p->w == 0 || p->h == 0 || p->spp == 0)
		fail(s, "TIFF page of %lux%lu pixels, %u samples each: empty",
		    (unsigned long)p->w, (unsigned long)p->h, p->spp);
	if (depth != 1)
		fail(s, "TIFF image depth %lu (a volume in one page) is "
		    "not read", (unsigned long)depth);
	if ((d = sample_dtype(p->fmt, p->bits)) < 0)
		fail(s, "TIFF samples of %u bits in sample format %u are "
		    "not read", p->bits, p->fmt);
	p->dtype = (enum tp_dtype)d;
	p->es = tp_dtype_size(p->dtype);
	if (p->photo == PHOTOMETRIC_YCBCR && p->comp == COMPRESSION_JPEG)
		TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
	else if (p->photo == PHOTOMETRIC_YCBCR)
		fail(s, "TIFF YCbCr pixels are read from JPEG compression "
		    "only, not compression %u", p->comp);
	else if (p->photo == PHOTOMETRIC_LOGL || p->photo ==
	    PHOTOMETRIC_LOGLUV)
		fail(s, "TIFF photometric %u (LogLuv) is not read", p->photo);
	p->planes = p->planes == PLANARCONFIG_SEPARATE ? p->spp : 1;
	p->nsamp = p->planes > 1 ? 1 : p->spp;
	if ((p->tiled = TIFFIsTiled(tif))) {
		TIFFGetField(tif, TIFFTAG_TILEWIDTH, &p->cw);
		TIFFGetField(tif, TIFFTAG_TILELENGTH, &p->ch);
		p->rowbytes = (uint64_t)TIFFTileRowSize64(tif);
		p->chunkbytes = (uint64_t)TIFFTileSize64(tif);
	} else {
		TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
		p->cw = p->w;
		p->ch = rps == 0 || rps > p->h ? p->h : rps;
		p->rowbytes = (uint64_t)TIFFScanlineSize64(tif);
		p->chunkbytes = p->rowbytes * p->ch;
	}
	if (p->cw == 0 || p->ch == 0 || p->rowbytes == 0 ||
	    p->rowbytes < ((uint64_t)p->cw * p->nsamp * p->bits + 7) / 8)
		fail_libtiff(s, "its strips or tiles do not hold its pixels");
}

/*
 * Refuse a page that claims more than the file can hold, before any
 * memory is taken for it: uncompressed, its strips or tiles must fit in
 * the file; compressed, it may not decode to more than RATIO times the
 * file.  Sets t's dtype and shape.
 */
static void
bound(struct tin *s, const struct page *p, struct tp_tensor *t)
{
	size_t shape[3] = { p->h, p->w, p->spp };
	double chunks = (double)(((uint64_t)p->w + p->cw - 1) / p->cw) *
	    (double)(((uint64_t)p->h + p->ch - 1) / p->ch) * p->planes;
	double decoded = p->tiled ? chunks * (double)p->chunkbytes :
	    (double)p->rowbytes * p->h * p->planes;
	double pixels = (double)p->w * p->h * p->spp * (double)p->es;
	double most = p->comp == COMPRESSION_NONE ? (double)s->m.len :
	    RATIO * (double)s->m.len + SLACK;
	struct tp_msg m;
	char str[80];

	memset(t, 0, sizeof *t);
	t->dtype = p->dtype;
	if (tp_set_shape(t, p->spp > 1 ? 3 : 2, shape, &m))
		fail(s, "TIFF page: %s", m.text);
	if (decoded > most || (p->comp != COMPRESSION_NONE && pixels > most))
		fail(s, "TIFF page of shape %s (%.0f bytes%s) cannot come "
		    "from the %zu bytes of the input", tp_shape_str(t, str,
		    sizeof str), decoded > pixels ? decoded : pixels,
		    p->comp == COMPRESSION_NONE ? ", uncompressed" : "",
		    s->m.len);
}

/*
 * Put n samples of a chunk's row at src (packed bits each, first bit
 * highest, unless bits is 8 * es) into dst, one every step samples of
 * es bytes.
 */
static void
put_row(unsigned char *dst, size_t step, const unsigned char *src,
    size_t n, int bits, size_t es)
{
	uint32_t acc = 0;
	int have = 0;

	if ((size_t)bits == 8 * es && step == 1) {
		memcpy(dst, src, n * es);
		return;
	}
	for (size_t i = 0; i < n; i++, dst += step * es) {
		if ((size_t)bits == 8 * es) {
			memcpy(dst, src + i * es, es);
			continue;
		}
		while (have < bits) {
			acc = acc << 8 | *src++;
			have += 8;
		}
		have -= bits;
		uint32_t v = acc >> have & ((1u << bits) - 1);
		acc &= (1u << have) - 1;
		if (es == 1)
			*dst = (unsigned char)v;
		else {
			uint16_t v16 = (uint16_t)v;
			memcpy(dst, &v16, 2);
		}
	}
}

/* Decode chunk k (rows of it in the image) into dst, once its bytes
 * are known to lie in the file (a cut file names the chunk). */
static void
decode(struct tin *s, const struct page *p, uint32_t k, uint32_t rows,
    unsigned char *dst)
{
	uint64_t off = TIFFGetStrileOffset(s->tif, k);
	uint64_t n = TIFFGetStrileByteCount(s->tif, k);
	uint64_t want = p->tiled ? p->chunkbytes : p->rowbytes * rows;
	tmsize_t got;

	if (k < TIFFNumberOfStrips(s->tif) && (off > s->m.len ||
	    n > s->m.len - off)) {
		TIFFClose(s->tif);
		s->tif = NULL;
		tp_die("%s: truncated record %ld: its TIFF %s %lu, bytes %llu "
		    "to %llu, is past the end of the input (%zu bytes)",
		    s->m.name, s->page, p->tiled ? "tile" : "strip",
		    (unsigned long)k, (unsigned long long)off,
		    (unsigned long long)(off + n), s->m.len);
	}
	s->m.err[0] = '\0';
	if (p->tiled)
		got = TIFFReadEncodedTile(s->tif, k, dst, (tmsize_t)want);
	else
		got = TIFFReadEncodedStrip(s->tif, k, dst, (tmsize_t)want);
	if (got < 0 || s->m.err[0])
		fail_libtiff(s, "cannot decode a strip or tile");
	if ((uint64_t)got < want)	/* no pixel left unset */
		fail(s, "bad TIFF: %s %lu decodes to %lld bytes, not %llu",
		    p->tiled ? "tile" : "strip", (unsigned long)k,
		    (long long)got, (unsigned long long)want);
}

/* Put the rows of a decoded chunk (plane pl, top left x, y; rows x
 * cols of the image) in buf into out, where they belong. */
static void
scatter(const struct page *p, const unsigned char *buf, unsigned char *out,
    uint16_t pl, uint32_t x, uint32_t y, uint32_t rows, uint32_t cols)
{
	size_t step = p->planes > 1 ? p->spp : 1;

	for (uint32_t r = 0; r < rows; r++)
		put_row(out + (((size_t)(y + r) * p->w + x) * p->spp + pl) *
		    p->es, step, buf + r * p->rowbytes, (size_t)cols * p->nsamp,
		    p->bits, p->es);
}

/* Decode the page's pixels into out (shape (h, w, spp), C order): each
 * chunk through buf, or straight into out when its rows are out's
 * (contiguous strips of whole bytes). */
static void
read_pixels(struct tin *s, const struct page *p, unsigned char *out)
{
	int direct = !p->tiled && p->planes == 1 && p->bits == 8 * p->es;
	unsigned char *buf = direct ? NULL :
	    tp_emalloc((size_t)p->chunkbytes);
	uint32_t k = 0;

	for (uint16_t pl = 0; pl < p->planes; pl++)
		for (uint32_t y = 0; y < p->h; y += p->ch)
			for (uint32_t x = 0; x < p->w; x += p->cw, k++) {
				uint32_t rows = p->h - y < p->ch ? p->h - y :
				    p->ch;

				if (direct) {
					decode(s, p, k, rows, out + (size_t)y *
					    p->rowbytes);
					continue;
				}
				decode(s, p, k, rows, buf);
				scatter(p, buf, out, pl, x, y, rows,
				    p->w - x < p->cw ? p->w - x : p->cw);
			}
	free(buf);
}

/*
 * libtiff has read the page's directory: fail on any error it had (it
 * goes on past some), and if the directory's last bytes, the offset of
 * the next one, are cut (libtiff would take the page for the last).
 */
static void
check_directory(struct tin *s)
{
	uint64_t off = TIFFCurrentDirOffset(s->tif), n = 0, end;
	int big = TIFFIsBigTIFF(s->tif), k = big ? 8 : 2;

	if (s->m.err[0])
		fail_libtiff(s, "");
	if (off > s->m.len || s->m.len - off < (uint64_t)k)
		fail(s, "bad TIFF: directory offset %llu past the end",
		    (unsigned long long)off);
	for (int i = 0; i < k; i++)	/* its count of entries, in the */
		n |= (uint64_t)s->m.p[off + i] << /* header's byte order */
		    8 * (s->m.p[0] == 'M' ? k - 1 - i : i);
	end = off + (big ? 16 + 20 * n : 6 + 12 * n);
	if (end > s->m.len) {
		TIFFClose(s->tif);
		s->tif = NULL;
		tp_die("%s: truncated record %ld: its TIFF directory at byte "
		    "%llu ends at byte %llu, past the end of the input (%zu "
		    "bytes)", s->m.name, s->page, (unsigned long long)off,
		    (unsigned long long)end, s->m.len);
	}
}

/* Open the file at s->all + s->start with libtiff, at its first page. */
static void
open_file(struct tin *s)
{
	s->m.p = s->all + s->start;
	s->m.len = s->all_len - s->start;
	s->m.pos = 0;
	if (s->m.len < 8)
		tp_die("%s: truncated record %ld: expected an 8-byte TIFF "
		    "header, got %zu bytes", s->m.name, s->page, s->m.len);
	/* libtiff's own buffers (tags, codec state) are bounded as the
	 * pages are (bound) */
	if (!(s->tif = mem_open(&s->m, "r", (tmsize_t)(RATIO *
	    (double)s->m.len) + SLACK)))
		fail_libtiff(s, "cannot open it");
	check_directory(s);
}

/*
 * After a file's last page: 1 if another TIFF file follows it in the
 * input (cat a.tif b.tif), where the file ends (tp_tiff_extent) or
 * after zero bytes of padding, and s->start is then where; else 0.
 * Bytes after the file that are neither are left with a warning.
 */
static int
next_file(struct tin *s)
{
	size_t end = tp_tiff_extent(s->m.p, s->m.len), i = end;

	while (i < s->m.len && s->m.p[i] == 0)
		i++;
	if (i < s->m.len && s->m.len - i >= 4 && probe(s->m.p + i, 4)) {
		s->start += i;
		return 1;
	}
	if (i < s->m.len)
		tp_warn("%s: %zu bytes after the TIFF file that ends at byte "
		    "%zu are not a TIFF file: not read", s->m.name,
		    s->m.len - end, s->start + end);
	return 0;
}

/* Open the input with libtiff, or go on to its next page, or to the
 * next file's first; 0 at the end. */
static int
next_page(struct tin *s)
{
	if (s->tif) {
		if (TIFFLastDirectory(s->tif)) {
			if (!next_file(s))
				return 0;
			TIFFClose(s->tif);
			s->tif = NULL;
			open_file(s);
			return 1;
		}
		s->m.err[0] = '\0';
		if (!TIFFReadDirectory(s->tif))
			fail_libtiff(s, "cannot read its directory");
		check_directory(s);
		return 1;
	}
	s->all = tp_reader_slurp(s->r, &s->all_len);
	s->m.name = tp_reader_name(s->r);
	open_file(s);
	return 1;
}

static int
tiff_next(struct tp_reader *r, void **state, struct tp_tensor *out,
    char **name)
{
	struct tin *s = *state;
	struct page p;

	(void)name;
	if (!s) {
		*state = s = tp_ecalloc(1, sizeof *s);
		s->r = r;
	}
	s->page = tp_reader_index(r) + 1;
	if (!next_page(s))
		return 0;
	describe(s, &p);
	bound(s, &p, out);
	out->data = tp_big_alloc(out->nbytes);
	read_pixels(s, &p, out->data);
	return 1;
}

static void
tiff_close(void *state)
{
	struct tin *s = state;

	if (!s)
		return;
	if (s->tif)
		TIFFClose(s->tif);
	free(s->all);
	free(s);
}

const struct tp_decoder tp_tiff_decoder = {
	TP_FMT_TIFF, "TIFF", 4, probe, tiff_next, tiff_close
};

/* --- writing -------------------------------------------------------- */

/* The encoder's state: the file being written, libtiff on it. */
struct tout {
	struct mem m;
	TIFF *tif;
	int big;		/* a BigTIFF */
	uint64_t limit;		/* a classic file's most bytes */
};

#define STRIP_BYTES (256 * 1024)	/* about this much a strip */

static const char *
tiff_writable(const struct tp_tensor *h, const struct tp_common *o,
    struct tp_msg *m)
{
	char shape[TP_MAXDIM * 22 + 4];
	static const char *const side[] = { "height", "width" };

	(void)o;
	tp_shape_str(h, shape, sizeof shape);
	if (h->ndim < 2 || h->ndim > 3)
		return tp_msgf(m, "cannot write shape %s as TIFF: it takes "
		    "(H, W) or (H, W, C) (treshape makes one)", shape);
	if (tp_dtype_is_complex(h->dtype))
		return tp_msgf(m, "cannot write %s as TIFF: it holds no "
		    "complex numbers (tmath can take their parts)",
		    tp_dtype_name(h->dtype));
	for (int i = 0; i < 2; i++) {
		if (h->shape[i] == 0)
			return tp_msgf(m, "cannot write shape %s as TIFF: "
			    "its %s is 0", shape, side[i]);
		if (h->shape[i] > UINT32_MAX)
			return tp_msgf(m, "cannot write shape %s as TIFF: "
			    "its %s exceeds 2^32-1", shape, side[i]);
	}
	if (h->ndim == 3 && (h->shape[2] == 0 || h->shape[2] > UINT16_MAX))
		return tp_msgf(m, "cannot write shape %s as TIFF: it holds 1 "
		    "to 65535 samples a pixel", shape);
	return NULL;
}

/* Fail naming the output and the record being written. */
static void __attribute__((noreturn))
write_failed(struct tout *s, long index)
{
	tp_die("%s: record %ld: cannot write TIFF: %s", s->m.name, index,
	    s->m.err[0] ? s->m.err : "libtiff failed");
}

/* Set the page's tags for t: its samples, colour model, compression. */
static void
set_tags(struct tout *s, const struct tp_tensor *t, int deflate,
    uint32_t rows)
{
	TIFF *tif = s->tif;
	uint16_t c = t->ndim == 3 ? (uint16_t)t->shape[2] : 1;
	int rgb = c == 3 || c == 4;
	uint16_t nextra = c - (rgb ? 3 : 1);
	uint16_t *extra = tp_ecalloc(nextra ? nextra : 1, sizeof *extra);
	int fmt = tp_dtype_is_float(t->dtype) ? SAMPLEFORMAT_IEEEFP :
	    t->dtype == TP_I1 || t->dtype == TP_I2 || t->dtype == TP_I4 ||
	    t->dtype == TP_I8 ? SAMPLEFORMAT_INT : SAMPLEFORMAT_UINT;

	if (c == 2 || c == 4)		/* as PIL's LA and RGBA */
		extra[0] = EXTRASAMPLE_UNASSALPHA;
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t)t->shape[1]);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, (uint32_t)t->shape[0]);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, c);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, t->dtype == TP_B1 ? 1 :
	    (int)(8 * tp_dtype_size(t->dtype)));
	TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, fmt);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, rgb ? PHOTOMETRIC_RGB :
	    PHOTOMETRIC_MINISBLACK);
	if (nextra)
		TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, nextra, extra);
	free(extra);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, deflate ?
	    COMPRESSION_ADOBE_DEFLATE : COMPRESSION_NONE);
	if (deflate && fmt != SAMPLEFORMAT_IEEEFP && t->dtype != TP_B1)
		TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rows);
}

/* Pack the 0/1 (false/true) bytes of n pixels into bits, first the
 * highest. */
static void
pack_bits(unsigned char *dst, const unsigned char *src, size_t n)
{
	memset(dst, 0, (n + 7) / 8);
	for (size_t i = 0; i < n; i++)
		if (src[i])
			dst[i / 8] |= (unsigned char)(0x80 >> i % 8);
}

/* Write t's rows as strips of rows rows each (rowbytes each in the
 * file).  libtiff's predictor changes the rows it is given: it gets a
 * copy. */
static void
write_strips(struct tout *s, const struct tp_tensor *t, int deflate,
    uint32_t rows, size_t rowbytes, long index)
{
	size_t h = t->shape[0], srow = t->nbytes / h;
	unsigned char *buf = NULL;

	if (deflate || t->dtype == TP_B1)
		buf = tp_emalloc(rows * rowbytes);
	for (size_t y = 0, k = 0; y < h; y += rows, k++) {
		size_t n = h - y < rows ? h - y : rows;
		const unsigned char *src = (const unsigned char *)t->data +
		    y * srow;
		tmsize_t done;

		if (t->dtype == TP_B1)
			for (size_t r = 0; r < n; r++)
				pack_bits(buf + r * rowbytes, src + r * srow,
				    srow);
		else if (buf)
			memcpy(buf, src, n * rowbytes);
		s->m.err[0] = '\0';
		if (deflate || t->dtype == TP_B1)
			done = TIFFWriteEncodedStrip(s->tif, (uint32_t)k, buf,
			    (tmsize_t)(n * rowbytes));
		else		/* as the file holds them */
			done = TIFFWriteRawStrip(s->tif, (uint32_t)k,
			    (void *)src, (tmsize_t)(n * rowbytes));
		if (done < 0) {
			free(buf);
			write_failed(s, index);
		}
	}
	free(buf);
}

/* Copy the tag tag of one of libtiff's types (uint16 or uint32)
 * from page to page, if it is set. */
#define COPY_TAG(T, from, to, tag) do {				\
	T v_;							\
	if (TIFFGetField(from, tag, &v_))			\
		TIFFSetField(to, tag, v_);			\
} while (0)

/*
 * The classic file written so far cannot take the next page: write its
 * pages again into a BigTIFF, their strips copied as they are (raw), and
 * go on in that.  Only the tags set_tags sets are there to copy.
 */
static void
to_bigtiff(struct tout *s, long index)
{
	struct mem old = s->m;
	TIFF *in;
	unsigned char *buf = NULL;
	size_t cap = 0;

	s->m.err[0] = '\0';
	if (!TIFFFlush(s->tif))
		write_failed(s, index);
	TIFFClose(s->tif);
	old.cap = 0;			/* read it */
	old.pos = 0;
	if (!(in = mem_open(&old, "r", 0)))
		tp_die("%s: record %ld: cannot read back its TIFF to make it "
		    "a BigTIFF: %s", s->m.name, index, old.err);
	s->m.cap = old.len + (old.len >> 4) + 65536;
	s->m.p = tp_big_alloc(s->m.cap);
	s->m.len = s->m.pos = 0;
	if (!(s->tif = mem_open(&s->m, "w8", 0)))
		write_failed(s, index);
	do {
		uint16_t n, *extra;
		uint32_t k, strips = TIFFNumberOfStrips(in);

		COPY_TAG(uint32_t, in, s->tif, TIFFTAG_IMAGEWIDTH);
		COPY_TAG(uint32_t, in, s->tif, TIFFTAG_IMAGELENGTH);
		COPY_TAG(uint32_t, in, s->tif, TIFFTAG_ROWSPERSTRIP);
		COPY_TAG(uint16_t, in, s->tif, TIFFTAG_SAMPLESPERPIXEL);
		COPY_TAG(uint16_t, in, s->tif, TIFFTAG_BITSPERSAMPLE);
		COPY_TAG(uint16_t, in, s->tif, TIFFTAG_SAMPLEFORMAT);
		COPY_TAG(uint16_t, in, s->tif, TIFFTAG_PLANARCONFIG);
		COPY_TAG(uint16_t, in, s->tif, TIFFTAG_PHOTOMETRIC);
		COPY_TAG(uint16_t, in, s->tif, TIFFTAG_COMPRESSION);
		COPY_TAG(uint16_t, in, s->tif, TIFFTAG_PREDICTOR);
		if (TIFFGetField(in, TIFFTAG_EXTRASAMPLES, &n, &extra))
			TIFFSetField(s->tif, TIFFTAG_EXTRASAMPLES, n, extra);
		for (k = 0; k < strips; k++) {
			uint64_t *bc;
			tmsize_t got;

			TIFFGetField(in, TIFFTAG_STRIPBYTECOUNTS, &bc);
			if (bc[k] > cap) {
				free(buf);
				cap = (size_t)bc[k];
				buf = tp_emalloc(cap);
			}
			got = TIFFReadRawStrip(in, k, buf, (tmsize_t)bc[k]);
			if (got < 0 || TIFFWriteRawStrip(s->tif, k, buf, got)
			    < 0) {
				free(buf);
				write_failed(s, index);
			}
		}
		if (!TIFFWriteDirectory(s->tif))
			write_failed(s, index);
	} while (TIFFReadDirectory(in));
	free(buf);
	TIFFClose(in);
	free(old.p);
	s->big = 1;
}

/* The bytes page t may take in the file at most: its samples (deflate
 * grows them by at most 0.1% and a few bytes a block) and its tags. */
static uint64_t
page_bound(const struct tp_tensor *t, size_t rowbytes)
{
	uint64_t raw = (uint64_t)rowbytes * t->shape[0];

	return raw + raw / 512 + ((uint64_t)1 << 20);
}

static void
tiff_record(struct tp_writer *w, void **state, const struct tp_tensor *t,
    const char *name, long index, const struct tp_common *o)
{
	struct tout *s = *state;
	int deflate = o->compress == TP_COMPRESS_DEFLATE;
	size_t rowbytes = t->nbytes / t->shape[0];	/* in the file */
	size_t rows;

	(void)name;
	if (t->dtype == TP_B1)
		rowbytes = (rowbytes + 7) / 8;
	rows = STRIP_BYTES / rowbytes;
	if (!s) {
		const char *e = getenv("TPIPE_TEST_TIFF_LIMIT");

		*state = s = tp_ecalloc(1, sizeof *s);
		s->m.name = tp_writer_name(w);
		s->m.cap = 65536;
		s->m.p = tp_emalloc(s->m.cap);
		/* tests make a small file pass for a large one */
		s->limit = e && *e ? strtoull(e, NULL, 10) : UINT32_MAX;
		s->big = t->nbytes > s->limit - (s->limit >> 7);
		if (!(s->tif = mem_open(&s->m, s->big ? "w8" : "w", 0)))
			write_failed(s, index);
	} else if (!s->big && s->m.len + page_bound(t, rowbytes) >
	    s->limit) {
		to_bigtiff(s, index);
	}
	if (rows < 1)
		rows = 1;
	if (rows > t->shape[0])
		rows = t->shape[0];
	set_tags(s, t, deflate, (uint32_t)rows);
	if (!deflate)		/* room for the page: no copy as it grows */
		reserve(&s->m, s->m.len + rowbytes * t->shape[0] + 65536);
	write_strips(s, t, deflate, (uint32_t)rows, rowbytes, index);
	s->m.err[0] = '\0';
	if (!TIFFWriteDirectory(s->tif))
		write_failed(s, index);
}

static void
tiff_finish(struct tp_writer *w, void **state, long n,
    const struct tp_common *o)
{
	struct tout *s = *state;

	(void)o;
	if (n == 0 || !s)
		tp_die("no image to write as TIFF: the input is empty");
	s->m.err[0] = '\0';
	TIFFClose(s->tif);
	s->tif = NULL;
	if (s->m.err[0])
		write_failed(s, n - 1);
	tp_writer_emit(w, s->m.p, s->m.len);
	free(s->m.p);
	free(s);
	*state = NULL;
}

const struct tp_encoder tp_tiff_encoder = {
	TP_FMT_TIFF, tiff_writable, tiff_record, tiff_finish
};
