/*
 * pngio.c - PNG images as tensors, through libpng: gray (H,W), gray+alpha
 * (H,W,2), RGB (H,W,3), RGBA (H,W,4); 8-bit as u1, 16-bit as u2 unscaled.
 */
#include <png.h>
#include <zlib.h>
#include <setjmp.h>
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

/* libpng's write callback: append to a growing buffer. */
static void
write_mem(png_structp png, png_bytep src, size_t n)
{
	struct membuf *m = png_get_io_ptr(png);

	if (m->cap - m->pos < n) {
		while (m->cap - m->pos < n)
			m->cap = m->cap ? m->cap * 2 : 65536;
		m->out = tp_erealloc(m->out, m->cap);
	}
	memcpy(m->out + m->pos, src, n);
	m->pos += n;
}

/* libpng's flush callback: nothing to flush in memory. */
static void
flush_mem(png_structp png)
{
	(void)png;
}

unsigned char *
tp_png_encode(const struct tp_tensor *t, int depth, size_t *len)
{
	static const int types[] = { 0, PNG_COLOR_TYPE_GRAY,
	    PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
	    PNG_COLOR_TYPE_RGBA };
	struct membuf m = { NULL, 0, 0, NULL, 0, "" };
	size_t h = t->shape[0], w = t->shape[1];
	size_t ch = t->ndim == 3 ? t->shape[2] : 1;
	enum tp_dtype pix = depth == 16 ? TP_U2 : TP_U1;
	struct tp_tensor img;
	/* volatile: live across setjmp (gcc -Wclobbered under ASan) */
	const unsigned char *volatile pixels = t->data;
	png_structp png;
	png_infop info;
	png_bytep *rows;

	memset(&img, 0, sizeof img);
	if (t->dtype != pix) {		/* else the rows are t's own */
		img = tp_new(pix, t->ndim, t->shape);
		pixels = img.data;
	}
	if (t->dtype == TP_B1) {	/* true is white */
		const uint8_t *s = t->data;
		for (size_t i = 0; i < t->count; i++) {
			if (pix == TP_U1)
				((uint8_t *)img.data)[i] = s[i] ? 255 : 0;
			else
				((uint16_t *)img.data)[i] = s[i] ? 65535 : 0;
		}
	} else if (t->dtype != pix)
		tp_convert(img.data, pix, t->data, t->dtype, t->count);
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &m, on_error,
	    on_warning);
	if (!png || !(info = png_create_info_struct(png)))
		tp_die("cannot start libpng to write a png");
	rows = tp_emalloc(h * sizeof *rows);
	if (setjmp(png_jmpbuf(png))) {	/* libpng failed: free, then die */
		free(rows);
		free(m.out);
		tp_free(&img);
		png_destroy_write_struct(&png, &info);
		tp_die("cannot write the png: %s", m.err);
	}
	png_set_write_fn(png, &m, write_mem, flush_mem);
	/*
	 * Fast settings: PNG encoding otherwise dominates a pipeline.  The
	 * UP filter on every row and zlib's run-length strategy (Z_RLE,
	 * level 1): 4096x4096 RGB blurred noise in 0.35-0.45 s where zlib
	 * level 3 with adaptive SUB/UP took 1.5-1.7 s, files 4% smaller;
	 * photographs 2% to 20% larger, screenshots up to 50% (tpipe(7)).
	 */
	png_set_compression_level(png, 1);
	png_set_compression_strategy(png, Z_RLE);
	png_set_filter(png, 0, PNG_FILTER_UP);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth,
	    types[ch], PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	    PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	if (depth == 16 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
		png_set_swap(png);
	for (size_t y = 0; y < h; y++)
		rows[y] = (png_bytep)pixels + y * w * ch * (size_t)(depth / 8);
	png_write_image(png, rows);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(rows);
	tp_free(&img);
	*len = m.pos;
	return m.out;
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
