/*
 * pngio.c - PNG images as tensors: gray (H,W), gray+alpha (H,W,2), RGB
 * (H,W,3), RGBA (H,W,4); 8-bit as u1, 16-bit as u2 unscaled.  Read by
 * libdeflate and the unfiltering below where it can (libpng for the
 * rest); written by the parallel encoder below (zlib).
 */
#include <libdeflate.h>
#include <png.h>
#include <pthread.h>
#include <zlib.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "tpipe.h"

#ifndef PNG_USER_WIDTH_MAX		/* libpng's defaults, where its */
#define PNG_USER_WIDTH_MAX 1000000	/* configuration does not say */
#endif
#ifndef PNG_USER_HEIGHT_MAX
#define PNG_USER_HEIGHT_MAX 1000000
#endif

struct membuf {
	const unsigned char *p;
	size_t len, pos;
	unsigned char *out;
	size_t cap;
	char err[200];
};

/* libpng's error callback: keep the message, return to the setjmp. */
static void
on_error(png_structp png, png_const_charp msg)
{
	struct membuf *m = png_get_error_ptr(png);

	snprintf(m->err, sizeof m->err, "%s", msg);
	png_longjmp(png, 1);
}

/* libpng's warnings are not errors: ignore them. */
static void
on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* libpng's read callback: the next n bytes of the PNG in memory. */
static void
read_mem(png_structp png, png_bytep dst, size_t n)
{
	struct membuf *m = png_get_io_ptr(png);

	if (m->len - m->pos < n)
		png_error(png, "truncated PNG data");
	memcpy(dst, m->p + m->pos, n);
	m->pos += n;
}

/* The big-endian 32-bit number at p. */
static size_t
get32(const unsigned char *p)
{
	return (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 |
	    p[3];
}

/* PNG's Paeth predictor of a byte from its left, upper and upper left
 * neighbours. */
static unsigned char
paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	return (unsigned char)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/* Undo the filter of one row: the filter type f, the filtered bytes
 * cur, the row above prior (unfiltered, zeros above the first), bpp
 * bytes a pixel; the row into dst.  0 if f is not a filter. */
static int
unfilter(unsigned char *dst, const unsigned char *cur,
    const unsigned char *prior, size_t rb, size_t bpp, int f)
{
	size_t i;

	switch (f) {
	case 0:
		memcpy(dst, cur, rb);
		return 1;
	case 1:
		for (i = 0; i < rb; i++)
			dst[i] = (unsigned char)(cur[i] + (i >= bpp ?
			    dst[i - bpp] : 0));
		return 1;
	case 2:
		for (i = 0; i < rb; i++)
			dst[i] = (unsigned char)(cur[i] + prior[i]);
		return 1;
	case 3:
		for (i = 0; i < rb; i++)
			dst[i] = (unsigned char)(cur[i] + (((i >= bpp ?
			    dst[i - bpp] : 0) + prior[i]) >> 1));
		return 1;
	case 4:
		for (i = 0; i < rb; i++)
			dst[i] = (unsigned char)(cur[i] + (i >= bpp ?
			    paeth(dst[i - bpp], prior[i], prior[i - bpp]) :
			    prior[i]));
		return 1;
	}
	return 0;
}

/*
 * The fast path of tp_png_decode: libdeflate inflates the IDAT data in
 * one call (about twice zlib's speed) and the rows are unfiltered here.
 * It takes the common images only (8 or 16 bits, no palette, not
 * interlaced) and only when every chunk's CRC, the zlib stream and the
 * filters are sound; otherwise it returns 0 with out untouched, and
 * libpng decodes the image, or says what is wrong with it, as before.
 */
static int
fast_decode(const unsigned char *buf, size_t len, struct tp_tensor *out)
{
	const unsigned char *ihdr = NULL, *one = NULL;
	size_t pos = 8, zlen = 0, nidat = 0, w, h, ch, depth, rb, bpp;
	size_t raw, got_in = 0, got_out = 0, shape[3];
	unsigned char *z = NULL, *rows, *zeros;
	struct libdeflate_decompressor *dec;
	enum libdeflate_result r;
	int iend = 0, after_idat = 0, ok = 1;

	if (len < 8 || memcmp(buf, TP_PNG_SIGNATURE, 8))
		return 0;
	while (!iend && len - pos >= 12) {	/* the chunks: check them */
		size_t clen = get32(buf + pos);
		const unsigned char *type = buf + pos + 4;

		if (clen > len - pos - 12)
			return 0;
		if (!(type[0] & 0x20) && libdeflate_crc32(0, type, clen + 4) !=
		    get32(type + 4 + clen))
			return 0;	/* a critical chunk's CRC */
		if (!memcmp(type, "IHDR", 4)) {
			if (pos != 8 || clen != 13)
				return 0;
			ihdr = type + 4;
		} else if (pos == 8)
			return 0;
		else if (!memcmp(type, "IDAT", 4)) {
			if (after_idat)
				return 0;
			zlen += clen;
			nidat++;
			one = type + 4;
		} else if (!memcmp(type, "IEND", 4))
			iend = 1;
		else if (!(type[0] & 0x20))
			return 0;	/* PLTE, or unknown and critical */
		if (nidat && memcmp(type, "IDAT", 4))
			after_idat = 1;
		pos += clen + 12;
	}
	if (!iend || !ihdr || !zlen)
		return 0;
	w = get32(ihdr);
	h = get32(ihdr + 4);
	depth = ihdr[8];
	ch = ihdr[9] == 0 ? 1 : ihdr[9] == 2 ? 3 : ihdr[9] == 4 ? 2 :
	    ihdr[9] == 6 ? 4 : 0;
	if ((depth != 8 && depth != 16) || !ch || ihdr[10] || ihdr[11] ||
	    ihdr[12] || w == 0 || h == 0 || w > (1u << 20) || h > (1u << 20) ||
	    (double)h * w * ch * (depth / 8) > 1100.0 * (double)len + 1e6)
		return 0;		/* libpng's, or its message */
	bpp = ch * depth / 8;
	rb = w * bpp;
	raw = h * (rb + 1);
	if (nidat > 1) {		/* the IDATs' data, joined */
		z = tp_emalloc(zlen);
		zlen = 0;
		for (pos = 8; memcmp(buf + pos + 4, "IEND", 4);
		    pos += get32(buf + pos) + 12)
			if (!memcmp(buf + pos + 4, "IDAT", 4)) {
				size_t n = get32(buf + pos);

				memcpy(z + zlen, buf + pos + 8, n);
				zlen += n;
			}
		one = z;
	}
	rows = tp_big_alloc(raw);
	if (!(dec = libdeflate_alloc_decompressor()))
		tp_die("out of memory starting libdeflate");
	r = libdeflate_zlib_decompress_ex(dec, one, zlen, rows, raw, &got_in,
	    &got_out);
	libdeflate_free_decompressor(dec);
	free(z);
	if (r != LIBDEFLATE_SUCCESS || got_in != zlen || got_out != raw) {
		free(rows);
		return 0;
	}
	memset(out, 0, sizeof *out);
	out->dtype = depth == 16 ? TP_U2 : TP_U1;
	shape[0] = h;
	shape[1] = w;
	shape[2] = ch;
	tp_eset_shape(out, ch == 1 ? 2 : 3, shape);
	tp_alloc(out);
	zeros = tp_ecalloc(rb, 1);
	for (size_t y = 0; ok && y < h; y++) {
		unsigned char *d = (unsigned char *)out->data + y * rb;

		ok = unfilter(d, rows + y * (rb + 1) + 1, y ? d - rb : zeros,
		    rb, bpp, rows[y * (rb + 1)]);
	}
	free(zeros);
	free(rows);
	if (!ok) {		/* a bad filter type: libpng's message */
		tp_free(out);
		memset(out, 0, sizeof *out);
		return 0;
	}
	if (depth == 16 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
		unsigned char *d = out->data;

		for (size_t i = 0; i + 1 < out->nbytes; i += 2) {
			unsigned char t = d[i];

			d[i] = d[i + 1];
			d[i + 1] = t;
		}
	}
	return 1;
}

void
tp_png_decode(const unsigned char *buf, size_t len, const char *name,
    struct tp_tensor *out)
{
	struct membuf m = { buf, len, 0, NULL, 0, "" };
	png_structp png;
	png_infop info = NULL;
	png_bytep *volatile rows = NULL;	/* set after the setjmp */
	png_uint_32 w, h;
	int depth, type, channels;
	size_t shape[3];

	if (fast_decode(buf, len, out))
		return;
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &m, on_error,
	    on_warning);
	if (!png || !(info = png_create_info_struct(png)))
		tp_die("%s: cannot start libpng", name);
	memset(out, 0, sizeof *out);
	if (setjmp(png_jmpbuf(png))) {	/* libpng failed: free, then die */
		free(rows);
		tp_free(out);
		png_destroy_read_struct(&png, &info, NULL);
		tp_die("%s: bad PNG: %s", name, m.err);
	}
	png_set_user_limits(png, 1u << 20, 1u << 20);
	png_set_read_fn(png, &m, read_mem);
	png_read_info(png, info);
	type = png_get_color_type(png, info);
	depth = png_get_bit_depth(png, info);
	if (type == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(png);
	if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
		png_set_expand_gray_1_2_4_to_8(png);
	/* a palette's transparency is an alpha channel; a gray or RGB
	 * image's one transparent value is not (PIL ignores it too) */
	if (type == PNG_COLOR_TYPE_PALETTE &&
	    png_get_valid(png, info, PNG_INFO_tRNS))
		png_set_tRNS_to_alpha(png);
	if (depth == 16 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
		png_set_swap(png);
	png_set_interlace_handling(png);
	png_read_update_info(png, info);
	w = png_get_image_width(png, info);
	h = png_get_image_height(png, info);
	channels = png_get_channels(png, info);
	depth = png_get_bit_depth(png, info);
	/* deflate expands at most ~1032:1: refuse a header that claims far
	 * more pixels than the file can hold before allocating for them */
	if ((double)h * w * channels * (depth / 8) >
	    1100.0 * (double)len + 1e6) {
		png_destroy_read_struct(&png, &info, NULL);
		tp_die("%s: png claims %lux%lu pixels but holds only %zu bytes",
		    name, (unsigned long)w, (unsigned long)h, len);
	}
	out->dtype = depth == 16 ? TP_U2 : TP_U1;
	shape[0] = h;
	shape[1] = w;
	shape[2] = (size_t)channels;
	tp_eset_shape(out, channels == 1 ? 2 : 3, shape);
	tp_alloc(out);
	rows = tp_emalloc(h * sizeof *rows);
	for (png_uint_32 y = 0; y < h; y++)
		rows[y] = (png_bytep)out->data +
		    (size_t)y * w * channels * (depth / 8);
	png_read_image(png, rows);
	png_read_end(png, NULL);
	png_destroy_read_struct(&png, &info, NULL);
	free(rows);
}

tp_why
tp_png_writable(const struct tp_tensor *h, struct tp_msg *m)
{
	char shape[TP_MAXDIM * 22 + 4];
	static const char *const side[] = { "height", "width" };

	tp_shape_str(h, shape, sizeof shape);
	if (h->ndim < 2 || h->ndim > 3 || (h->ndim == 3 &&
	    (h->shape[2] < 1 || h->shape[2] > 4)))
		return tp_msgf(m, "cannot write shape %s as png: it takes (H, W) or (H, W, C) with C 1-4",
		    shape);
	if (tp_dtype_is_complex(h->dtype))
		return tp_msgf(m, "cannot write %s as png",
		    tp_dtype_name(h->dtype));
	for (int i = 0; i < 2; i++) {
		if (h->shape[i] == 0)
			return tp_msgf(m,
			    "cannot write shape %s as png: its %s is 0",
			    shape, side[i]);
		/* libpng's user limit, which its readers apply by default
		 * too (PNG itself allows PNG_UINT_31_MAX) */
		if (h->shape[i] > (i ? PNG_USER_WIDTH_MAX :
		    PNG_USER_HEIGHT_MAX))
			return tp_msgf(m, "cannot write shape %s as png: %s %zu exceeds libpng's limit of %d",
			    shape, side[i], h->shape[i],
			    i ? PNG_USER_WIDTH_MAX : PNG_USER_HEIGHT_MAX);
	}
	return NULL;
}

/*
 * The encoder.  PNG's filtered rows (the UP filter on every row: each
 * byte less the byte above it) are cut into blocks of whole rows, each
 * deflated on its own by zlib (level 1, run-length strategy) ending in a
 * sync flush, so that the blocks, put one after another, are one deflate
 * stream, as pigz does.  Each block is one IDAT chunk; the zlib header
 * goes before the first, and the Adler-32 of all the rows (the blocks'
 * combined) is a last IDAT chunk of 4 bytes.  The blocks go to up to
 * threads threads: the encoder is in io, below the engines' thread pool,
 * so it starts its own, which end with the image.
 */
#define PNG_BLOCK ((size_t)1 << 20)	/* filtered bytes a block, about */

struct png_block {
	size_t row0, rows;		/* the image rows it holds */
	unsigned char *out;		/* its deflated bytes, in an IDAT */
	size_t len;			/* chunk (12 bytes of frame first) */
	uLong adler;			/* of its filtered rows */
	int failed;
};

struct png_job {
	const unsigned char *src;	/* the image, */
	enum tp_dtype from, pix;	/* its dtype, and u1 or u2 */
	size_t srcsz, sampsz;		/* their sizes */
	size_t rowbytes, h;		/* of PNG's rows */
	int swap;			/* 16-bit samples to swap */
	struct png_block *blk;
	size_t nblk;
	size_t next;			/* the next block to take (atomic) */
};

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Row y of the image as PNG stores it (samples of depth bits, 16-bit
 * ones big-endian) in row, rowbytes bytes; conv (rowbytes too) holds
 * the row's samples converted from another dtype. */
static void
png_row(const struct png_job *j, size_t y, unsigned char *row,
    unsigned char *conv)
{
	const unsigned char *s = j->src + y * j->rowbytes / j->sampsz *
	    j->srcsz;
	size_t n = j->rowbytes / j->sampsz;

	if (j->from == TP_B1) {		/* true is white */
		for (size_t i = 0; i < n; i++)
			memset(row + i * j->sampsz, s[i] ? 255 : 0, j->sampsz);
		return;
	}
	if (j->from != j->pix) {
		tp_convert(conv, j->pix, s, j->from, n);
		s = conv;
	}
	if (!j->swap) {
		memcpy(row, s, j->rowbytes);
		return;
	}
	for (size_t i = 0; i + 1 < j->rowbytes; i += 2) {
		row[i] = s[i + 1];
		row[i + 1] = s[i];
	}
}

/* Deflate block b: its rows UP-filtered, a sync flush at its end (the
 * last block finishes the stream), framed as an IDAT chunk. */
static void
png_deflate_block(const struct png_job *j, struct png_block *b, int last)
{
	size_t rb = j->rowbytes, cap, raw = b->rows * (rb + 1);
	unsigned char *cur = malloc(3 * rb + 1);
	unsigned char *prev, *line, *conv;
	z_stream z;
	int first = b->row0 == 0, flush;

	memset(&z, 0, sizeof z);
	if (!cur || deflateInit2(&z, 1, Z_DEFLATED, -15, 8, Z_RLE) != Z_OK) {
		free(cur);
		b->failed = 1;
		return;
	}
	conv = cur;			/* first: tp_convert's u2 are aligned */
	line = cur + rb;		/* filter byte, then the filtered row */
	prev = line + rb + 1;
	cap = deflateBound(&z, raw) + 64 + (first ? 2 : 0);
	if (!(b->out = malloc(cap))) {
		free(cur);
		deflateEnd(&z);
		b->failed = 1;
		return;
	}
	z.next_out = b->out + 8 + (first ? 2 : 0);
	z.avail_out = (uInt)(cap - 12 - (first ? 2 : 0));
	if (first) {		/* the zlib header: deflate, 32K window */
		b->out[8] = 0x78;
		b->out[9] = 0x01;
		memset(prev, 0, rb);
	} else
		png_row(j, b->row0 - 1, prev, conv);
	b->adler = adler32(0, NULL, 0);
	for (size_t y = b->row0; y < b->row0 + b->rows; y++) {
		png_row(j, y, line + 1, conv);
		line[0] = 2;		/* UP */
		for (size_t i = 0; i < rb; i++) {
			unsigned char v = line[1 + i];

			line[1 + i] = (unsigned char)(v - prev[i]);
			prev[i] = v;
		}
		b->adler = adler32(b->adler, line, (uInt)(rb + 1));
		z.next_in = line;
		z.avail_in = (uInt)(rb + 1);
		flush = y + 1 < b->row0 + b->rows ? Z_NO_FLUSH : last ?
		    Z_FINISH : Z_SYNC_FLUSH;
		if (deflate(&z, flush) == Z_STREAM_ERROR || z.avail_in ||
		    (flush == Z_FINISH && z.avail_out == 0)) {
			b->failed = 1;	/* deflateBound's room was short */
			break;
		}
	}
	free(cur);
	b->len = (size_t)(z.next_out - b->out) - 8;
	deflateEnd(&z);
	if (b->failed)
		return;
	put32(b->out, (uint32_t)b->len);
	memcpy(b->out + 4, "IDAT", 4);
	put32(b->out + 8 + b->len, (uint32_t)crc32(0, b->out + 4,
	    (uInt)(b->len + 4)));
	b->len += 12;
}

/* A thread of the encoder: take blocks until none are left. */
static void *
png_worker(void *v)
{
	struct png_job *j = v;
	size_t i;

	while ((i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED)) <
	    j->nblk)
		png_deflate_block(j, &j->blk[i], i + 1 == j->nblk);
	return NULL;
}

unsigned char *
tp_png_encode(const struct tp_tensor *t, int depth, int threads,
    size_t *len)
{
	static const int types[] = { 0, 0, 4, 2, 6 };	/* by channels */
	size_t h = t->shape[0], w = t->shape[1];
	size_t ch = t->ndim == 3 ? t->shape[2] : 1;
	struct png_job j;
	pthread_t id[16];
	int started = 0;
	size_t per, n, at;
	uLong adler;
	unsigned char *out, hdr[13];

	j.src = t->data;
	j.from = t->dtype;
	j.pix = depth == 16 ? TP_U2 : TP_U1;
	j.srcsz = tp_dtype_size(j.from);
	j.sampsz = (size_t)(depth / 8);
	j.rowbytes = w * ch * j.sampsz;
	j.h = h;
	j.swap = depth == 16 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
	per = PNG_BLOCK / (j.rowbytes + 1) + 1;	/* rows a block */
	j.nblk = (h + per - 1) / per;
	j.blk = tp_emalloc(j.nblk * sizeof *j.blk);
	for (size_t i = 0; i < j.nblk; i++) {
		j.blk[i].row0 = i * per;
		j.blk[i].rows = h - i * per < per ? h - i * per : per;
		j.blk[i].out = NULL;
		j.blk[i].len = 0;
		j.blk[i].failed = 0;
	}
	j.next = 0;
	if (threads > (int)(sizeof id / sizeof id[0]) + 1)
		threads = (int)(sizeof id / sizeof id[0]) + 1;
	if ((size_t)threads > j.nblk)
		threads = (int)j.nblk;
	if (threads > 1) {		/* signals stay with the main thread */
		sigset_t all, old;

		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		while (started < threads - 1 &&
		    pthread_create(&id[started], NULL, png_worker, &j) == 0)
			started++;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	png_worker(&j);
	for (int k = 0; k < started; k++)
		pthread_join(id[k], NULL);
	/* signature, IHDR, the blocks' IDATs, the Adler-32's, IEND */
	n = 8 + 25 + 16 + 12;
	adler = adler32(0, NULL, 0);
	for (size_t i = 0; i < j.nblk; i++) {
		if (j.blk[i].failed) {
			for (size_t k = 0; k < j.nblk; k++)
				free(j.blk[k].out);
			free(j.blk);
			tp_die("cannot write the png: zlib failed (out of "
			    "memory?)");
		}
		n += j.blk[i].len;
		adler = adler32_combine(adler, j.blk[i].adler,
		    (z_off_t)(j.blk[i].rows * (j.rowbytes + 1)));
	}
	out = tp_emalloc(n);
	memcpy(out, TP_PNG_SIGNATURE, 8);
	put32(hdr, (uint32_t)w);
	put32(hdr + 4, (uint32_t)h);
	hdr[8] = (unsigned char)depth;
	hdr[9] = (unsigned char)types[ch];
	hdr[10] = hdr[11] = hdr[12] = 0; /* deflate, filter 0, progressive */
	at = 8;
	put32(out + at, 13);
	memcpy(out + at + 4, "IHDR", 4);
	memcpy(out + at + 8, hdr, 13);
	put32(out + at + 21, (uint32_t)crc32(0, out + at + 4, 17));
	at += 25;
	for (size_t i = 0; i < j.nblk; i++) {
		memcpy(out + at, j.blk[i].out, j.blk[i].len);
		at += j.blk[i].len;
		free(j.blk[i].out);
	}
	free(j.blk);
	put32(out + at, 4);
	memcpy(out + at + 4, "IDAT", 4);
	put32(out + at + 8, (uint32_t)adler);
	put32(out + at + 12, (uint32_t)crc32(0, out + at + 4, 8));
	at += 16;
	put32(out + at, 0);
	memcpy(out + at + 4, "IEND", 4);
	put32(out + at + 8, (uint32_t)crc32(0, out + at + 4, 4));
	*len = n;
	return out;
}

unsigned char *
tp_png_read(struct tp_reader *r, long index, size_t *offset,
    unsigned char **held, size_t *len)
{
	const char *name = tp_reader_name(r);
	size_t cap = 65536, n, got;
	unsigned char *buf;
	char q[256];

	*held = buf = tp_emalloc(cap);
	if ((n = tp_reader_take(r, buf, 8)) == 0) {
		free(buf);
		*held = NULL;
		return NULL;
	}
	if (memcmp(buf, TP_PNG_SIGNATURE, n)) {	/* not after record 0 */
		char shown[sizeof q + 3] = "";
		if (!memchr(buf, '\0', n))	/* tp_quote stops at a NUL */
			snprintf(shown, sizeof shown, " '%s'",
			    tp_quote((char *)buf, n, q, sizeof q));
		tp_die("%s: byte %zu: data%s after PNG record %ld is not a PNG",
		    name, *offset, shown, index - 1);
	}
	if (n < 8)
		tp_die("%s: truncated record %ld: expected an 8-byte PNG signature, got %zu bytes",
		    name, index, n);
	for (;;) {
		size_t clen, need;
		int iend;

		if (cap - n < 12) {
			cap *= 2;
			*held = buf = tp_erealloc(buf, cap);
		}
		if ((got = tp_reader_take(r, buf + n, 8)) < 8)
			tp_die("%s: truncated record %ld: PNG ends inside a chunk header at byte %zu",
			    name, index, *offset + n + got);
		clen = (size_t)buf[n] << 24 | (size_t)buf[n + 1] << 16 |
		    (size_t)buf[n + 2] << 8 | buf[n + 3];
		iend = !memcmp(buf + n + 4, "IEND", 4);
		if (clen > 0x7fffffff)
			tp_die("%s: record %ld: bad PNG: chunk length %zu at byte %zu exceeds 2^31-1",
			    name, index, clen, *offset + n);
		n += 8;
		need = n + clen + 4;	/* data and CRC, grown as they arrive */
		while (n < need) {
			if (n == cap) {
				cap = cap > need / 2 ? need : cap * 2;
				*held = buf = tp_erealloc(buf, cap);
			}
			got = tp_reader_take(r, buf + n,
			    (need < cap ? need : cap) - n);
			if (got == 0)
				tp_die("%s: truncated record %ld: PNG ends inside a chunk at byte %zu",
				    name, index, *offset + n);
			n += got;
		}
		if (iend)
			break;
	}
	*offset += n;
	*len = n;
	return buf;
}
