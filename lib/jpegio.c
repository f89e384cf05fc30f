/*
 * jpegio.c - JPEG images as tensors, through libjpeg-turbo, decoded as
 * PIL decodes them: gray (H, W), RGB (H, W, 3) and CMYK (H, W, 4) uint8,
 * the default DCT (JDCT_ISLOW) and fancy upsampling, CMYK in Adobe's
 * inverted polarity as PIL's "CMYK;I" takes it; the EXIF orientation is
 * left alone.  A stream of JPEGs back to back is a stream of records,
 * each ending at its EOI marker.  Written as PIL writes them: baseline,
 * JFIF, 4:2:0, quality 75 unless --quality says.
 */
#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "tpipe.h"

#define CHUNK (64 * 1024)
#define PIL_QUALITY 75		/* libjpeg's default, which PIL keeps */

/*
 * The decoder's state across records: the input bytes read and not yet
 * used.  A JPEG ends at its EOI marker, which no length field announces,
 * so the walk to it reads what has arrived; bytes past the EOI are the
 * next record's.
 */
struct jpeg_in {
	unsigned char *buf;
	size_t len, cap;	/* buf[0..len) read, of cap */
	size_t offset;		/* input bytes the records before took */
	struct tp_tensor img;	/* the record being decoded */
	JSAMPROW *rows;		/* its row pointers */
};

/* libjpeg's error manager, with the way back to the setjmp. */
struct jpeg_err {
	struct jpeg_error_mgr pub;
	jmp_buf back;
	char msg[JMSG_LENGTH_MAX];
};

/* libjpeg's error_exit: keep the message, go back to the setjmp. */
static void
on_error(j_common_ptr c)
{
	struct jpeg_err *e = (struct jpeg_err *)c->err;

	c->err->format_message(c, e->msg);
	longjmp(e->back, 1);
}

/*
 * libjpeg's emit_message: trace messages (level >= 0) are dropped; a
 * warning is an error, since libjpeg warns where it goes on with data
 * it could not read (a premature end, a bad Huffman code, extraneous
 * bytes), and PIL's silent garbage is what tpipe refuses.  Two warnings
 * say nothing about the pixels and pass: an unknown JFIF revision and
 * an unknown Adobe transform code (libjpeg then guesses the colour
 * space from the component count, as PIL gets it).
 */
static void
on_message(j_common_ptr c, int level)
{
	int code = c->err->msg_code;

	if (level >= 0 || code == JWRN_JFIF_MAJOR || code == JWRN_ADOBE_XFORM)
		return;
	on_error(c);
}

/* Make sure in->buf holds n bytes, reading what has arrived; 0 if the
 * input ends first. */
static int
have(struct tp_reader *r, struct jpeg_in *in, size_t n)
{
	while (in->len < n) {
		size_t got;

		if (in->cap - in->len < CHUNK) {
			in->cap = in->cap ? in->cap * 2 : 4 * CHUNK;
			in->buf = tp_erealloc(in->buf, in->cap);
		}
		got = tp_reader_take_some(r, in->buf + in->len, CHUNK);
		if (got == 0)
			return 0;
		in->len += got;
	}
	return 1;
}

/* Die: the JPEG of record k ends inside itself at byte p. */
static void
cut(struct tp_reader *r, const struct jpeg_in *in, long k, size_t p)
{
	tp_die("%s: truncated record %ld: JPEG ends at byte %zu before its EOI marker",
	    tp_reader_name(r), k, in->offset + p);
}

/* The end of the entropy-coded data that starts at p: the next marker
 * that is not a stuffed byte (FF 00), a restart marker or fill. */
static size_t
entropy_end(struct tp_reader *r, struct jpeg_in *in, long k, size_t p)
{
	for (;;) {
		unsigned char *ff;

		if (!have(r, in, p + 2))
			cut(r, in, k, in->len);
		ff = memchr(in->buf + p, 0xff, in->len - p - 1);
		if (!ff) {
			p = in->len - 1;
			continue;
		}
		p = (size_t)(ff - in->buf);
		if (in->buf[p + 1] == 0x00 || in->buf[p + 1] == 0xff ||
		    (in->buf[p + 1] >= 0xd0 && in->buf[p + 1] <= 0xd7))
			p += in->buf[p + 1] == 0xff ? 1 : 2;
		else
			return p;
	}
}

/*
 * Walk the markers of the JPEG at the start of in->buf to its EOI and
 * return its length; 0 at a clean end of the input.  Segments are
 * skipped by their lengths (an EXIF thumbnail's EOI is inside one), and
 * after each SOS the entropy-coded data up to the next marker.  Bytes
 * that are not a marker where one belongs are passed over: libjpeg
 * refuses them when it decodes.  Dies if the input ends first, or if
 * what follows a record is not a JPEG.
 */
static size_t
walk(struct tp_reader *r, struct jpeg_in *in, long k)
{
	size_t p = 2;

	if (!have(r, in, 2)) {
		if (in->len == 0)
			return 0;
		if (in->buf[0] == 0xff)
			cut(r, in, k, in->len);
	}
	if (in->buf[0] != 0xff || in->len < 2 || in->buf[1] != 0xd8) {
		char q[64], shown[80] = "";

		if (!memchr(in->buf, '\0', in->len < 8 ? in->len : 8))
			snprintf(shown, sizeof shown, " '%s'", tp_quote(
			    (char *)in->buf, in->len < 8 ? in->len : 8, q,
			    sizeof q));
		tp_die("%s: byte %zu: data%s after JPEG record %ld is not "
		    "a JPEG", tp_reader_name(r), in->offset, shown, k - 1);
	}
	for (;;) {
		unsigned m;

		if (!have(r, in, p + 2))
			cut(r, in, k, in->len);
		if (in->buf[p] != 0xff || in->buf[p + 1] == 0xff) {
			p++;
			continue;
		}
		m = in->buf[p + 1];
		p += 2;
		if (m == 0xd9)
			return p;
		if (m == 0x00 || m == 0x01 || (m >= 0xd0 && m <= 0xd8))
			continue;	/* no length: TEM, RSTn, SOI */
		if (!have(r, in, p + 2))
			cut(r, in, k, in->len);
		p += (size_t)in->buf[p] << 8 | in->buf[p + 1];
		if (!have(r, in, p))
			cut(r, in, k, in->len);
		if (m == 0xda)
			p = entropy_end(r, in, k, p);
	}
}

/* The message for libjpeg's error e, in tpipe's words where they say
 * more: 12-bit and lossless JPEG are refused by name. */
static tp_why
why(const struct jpeg_err *e, struct tp_msg *m)
{
	int code = e->pub.msg_code, v = e->pub.msg_parm.i[0];

	if (code == JERR_BAD_PRECISION)
		return tp_msgf(m, "%d-bit JPEG: tpipe reads 8-bit JPEG only",
		    v);
	if (code == JERR_SOF_UNSUPPORTED && (v == 0xc3 || v == 0xc7 ||
	    v == 0xcb || v == 0xcf))
		return tp_msgf(m,
		    "lossless JPEG (SOF marker 0x%02x) is not supported", v);
	return tp_msgf(m, "bad JPEG: %c%s", e->msg[0] >= 'A' &&
	    e->msg[0] <= 'Z' ? e->msg[0] - 'A' + 'a' : e->msg[0], e->msg + 1);
}

/* The decoded size JPEG's coding allows for len bytes: at least a bit
 * for each 8x8 block of each component in Huffman coding, so at most
 * 4 components of 1024 pixels (a block subsampled 4x4) for each 19
 * bits; 2048 bytes a byte, and 1 MiB besides. */
static int
plausible(const struct jpeg_decompress_struct *c, size_t len)
{
	double claim = (double)c->image_width * c->image_height *
	    c->num_components;

	return claim <= 2048.0 * (double)len + (1 << 20);
}

/* Decode the JPEG in in->buf[0..len) into in->img (record k). */
static void
decode(struct tp_reader *r, struct jpeg_in *in, size_t len, long k)
{
	struct jpeg_decompress_struct c;
	struct jpeg_err e;
	struct tp_msg m;
	size_t shape[3], row;
	int ch;

	c.err = jpeg_std_error(&e.pub);
	e.pub.error_exit = on_error;
	e.pub.emit_message = on_message;
	jpeg_create_decompress(&c);
	if (setjmp(e.back)) {
		jpeg_destroy_decompress(&c);
		tp_die("%s: record %ld: %s", tp_reader_name(r), k, why(&e, &m));
	}
	jpeg_mem_src(&c, in->buf, (unsigned long)len);
	jpeg_read_header(&c, TRUE);
	ch = c.num_components;
	if (ch != 1 && ch != 3 && ch != 4) {
		jpeg_destroy_decompress(&c);
		tp_die("%s: record %ld: a JPEG of %d components: tpipe reads 1 (gray), 3 (RGB) or 4 (CMYK)",
		    tp_reader_name(r), k, ch);
	}
	if (!plausible(&c, len)) {
		jpeg_destroy_decompress(&c);
		tp_die("%s: record %ld: JPEG claims %ux%u pixels but holds only %zu bytes",
		    tp_reader_name(r), k, c.image_width, c.image_height, len);
	}
	c.out_color_space = ch == 1 ? JCS_GRAYSCALE : ch == 3 ? JCS_RGB :
	    JCS_CMYK;
	jpeg_start_decompress(&c);
	shape[0] = c.output_height;
	shape[1] = c.output_width;
	shape[2] = (size_t)ch;
	in->img.dtype = TP_U1;
	tp_eset_shape(&in->img, ch == 1 ? 2 : 3, shape);
	tp_alloc(&in->img);
	row = shape[1] * (size_t)ch;
	in->rows = tp_emalloc(shape[0] * sizeof *in->rows + 1);
	for (size_t y = 0; y < shape[0]; y++)
		in->rows[y] = (JSAMPROW)in->img.data + y * row;
	while (c.output_scanline < c.output_height)
		jpeg_read_scanlines(&c, in->rows + c.output_scanline,
		    c.output_height - c.output_scanline);
	jpeg_finish_decompress(&c);
	jpeg_destroy_decompress(&c);
	free(in->rows);
	in->rows = NULL;
	if (ch == 4) {			/* PIL's "CMYK;I": Adobe's polarity */
		unsigned char *p = in->img.data;
		for (size_t i = 0; i < in->img.nbytes; i++)
			p[i] = (unsigned char)(255 - p[i]);
	}
}

static int
jpeg_probe(const unsigned char *p, size_t len)
{
	static const unsigned char soi[] = { 0xff, 0xd8, 0xff };

	return len > 0 && !memcmp(p, soi, len < 3 ? len : 3);
}

static int
jpeg_next(struct tp_reader *r, void **state, struct tp_tensor *out,
    char **name)
{
	struct jpeg_in *in = *state;
	long k = tp_reader_index(r) + 1;
	size_t len;

	(void)name;
	if (!in)
		*state = in = tp_ecalloc(1, sizeof *in);
	if ((len = walk(r, in, k)) == 0)
		return 0;
	memset(&in->img, 0, sizeof in->img);
	decode(r, in, len, k);
	*out = in->img;
	memset(&in->img, 0, sizeof in->img);
	memmove(in->buf, in->buf + len, in->len - len);
	in->len -= len;
	in->offset += len;
	return 1;
}

static void
jpeg_close(void *state)
{
	struct jpeg_in *in = state;

	if (!in)
		return;
	tp_free(&in->img);
	free(in->rows);
	free(in->buf);
	free(in);
}

const struct tp_decoder tp_jpeg_decoder = {
	TP_FMT_JPEG, "JPEG", 3, jpeg_probe, jpeg_next, jpeg_close
};

/* --- writing ------------------------------------------------------ */

/* The encoder's state: the one image, encoded, until the input ends. */
struct jpeg_out {
	struct jpeg_destination_mgr pub;
	unsigned char *buf;
	size_t cap;
	size_t len;		/* the image's bytes, once encoded */
};

/* libjpeg's destination: a buffer that doubles as it fills. */
static void
dest_init(j_compress_ptr c)
{
	struct jpeg_out *o = (struct jpeg_out *)c->dest;

	o->cap = CHUNK;
	o->buf = tp_erealloc(o->buf, o->cap);
	o->pub.next_output_byte = o->buf;
	o->pub.free_in_buffer = o->cap;
}

static boolean
dest_grow(j_compress_ptr c)
{
	struct jpeg_out *o = (struct jpeg_out *)c->dest;
	size_t used = o->cap;		/* libjpeg empties a full buffer */

	o->cap *= 2;
	o->buf = tp_erealloc(o->buf, o->cap);
	o->pub.next_output_byte = o->buf + used;
	o->pub.free_in_buffer = o->cap - used;
	return TRUE;
}

static void
dest_term(j_compress_ptr c)
{
	struct jpeg_out *o = (struct jpeg_out *)c->dest;

	o->len = o->cap - o->pub.free_in_buffer;
}

static tp_why
jpeg_writable(const struct tp_tensor *h, const struct tp_common *o,
    struct tp_msg *m)
{
	char shape[TP_MAXDIM * 22 + 4];
	static const char *const side[] = { "height", "width" };

	(void)o;
	tp_shape_str(h, shape, sizeof shape);
	if (h->dtype != TP_U1)
		return tp_msgf(m, "cannot write %s as jpeg: it holds uint8 pixels (convert with tmath -t uint8 'clip(x, 0, 255)', or draw a picture with tcat --normalize)",
		    tp_dtype_name(h->dtype));
	if (h->ndim < 2 || h->ndim > 3 || (h->ndim == 3 &&
	    h->shape[2] != 1 && h->shape[2] != 3))
		return tp_msgf(m, "cannot write shape %s as jpeg: it takes (H, W), (H, W, 1) or (H, W, 3), no alpha",
		    shape);
	for (int i = 0; i < 2; i++)
		if (h->shape[i] == 0 || h->shape[i] > JPEG_MAX_DIMENSION)
			return tp_msgf(m, "cannot write shape %s as jpeg: its %s is not 1 to %ld",
			    shape, side[i], (long)JPEG_MAX_DIMENSION);
	return NULL;
}

/* Encode t into o->buf as PIL would with quality q: libjpeg's defaults
 * (baseline, JFIF, Huffman tables not optimized, 4:2:0 for RGB). */
static void
encode(struct jpeg_out *o, const struct tp_tensor *t, int q)
{
	struct jpeg_compress_struct c;
	struct jpeg_err e;
	size_t row = t->shape[1] * (t->ndim == 3 ? t->shape[2] : 1);

	c.err = jpeg_std_error(&e.pub);
	e.pub.error_exit = on_error;
	e.pub.emit_message = on_message;
	jpeg_create_compress(&c);
	if (setjmp(e.back)) {
		jpeg_destroy_compress(&c);
		tp_die("cannot write the jpeg: %s", e.msg);
	}
	o->pub.init_destination = dest_init;
	o->pub.empty_output_buffer = dest_grow;
	o->pub.term_destination = dest_term;
	c.dest = &o->pub;
	c.image_width = (JDIMENSION)t->shape[1];
	c.image_height = (JDIMENSION)t->shape[0];
	c.input_components = row == t->shape[1] ? 1 : 3;
	c.in_color_space = c.input_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, q, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW p = (JSAMPROW)t->data + c.next_scanline * row;
		jpeg_write_scanlines(&c, &p, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
}

static void
jpeg_record(struct tp_writer *w, void **state, const struct tp_tensor *t,
    const char *name, long index, const struct tp_common *o)
{
	struct jpeg_out *out;

	(void)w;
	(void)name;
	if (index > 0)
		tp_die("jpeg output holds one image; "
		    "the input has more records");
	*state = out = tp_ecalloc(1, sizeof *out);
	encode(out, t, o->quality ? o->quality : PIL_QUALITY);
}

static void
jpeg_finish(struct tp_writer *w, void **state, long n,
    const struct tp_common *o)
{
	struct jpeg_out *out = *state;

	(void)o;
	if (n == 0)
		tp_die("no image to write as jpeg: the input is empty");
	tp_writer_emit(w, out->buf, out->len);
	free(out->buf);
	free(out);
	*state = NULL;
}

const struct tp_encoder tp_jpeg_encoder = {
	TP_FMT_JPEG, jpeg_writable, jpeg_record, jpeg_finish
};
