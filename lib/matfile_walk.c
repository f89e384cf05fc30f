/*
 * matfile_walk.c - the variables of a MATLAB v4 or v5 file, one after
 * the other, from their own first bytes: where each begins and ends,
 * its class, dimensions and name.  The decoder (matfile.c) refuses what
 * it does not read and finds a cut or corrupt variable here, before
 * libmatio sees any of it; libmatio then decodes one checked numeric
 * variable at a time.  A compressed (miCOMPRESSED) variable's first
 * bytes are inflated with zlib.
 *
 * v4: a 20-byte header (type code MOPT, rows, columns, imagf, name
 * length), the name with its NUL, the real part, the imaginary part.
 * v5: after the 128-byte file header, elements of an 8-byte tag (type,
 * length) and their data; a variable is a miMATRIX element (or one
 * compressed), whose subelements are the array flags, the dimensions,
 * the name, then the data (the MAT-File Format, MathWorks, 2019).
 */
#include <limits.h>
#include <matio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "matfile.h"
#include "tpipe.h"

#define V4_HEADER 20
#define MAX_NAME 4096		/* longer names are refused as corrupt */
#define HEAD_CAP (8 + 16 + 8 + 4 * TP_MAXDIM + 8 + MAX_NAME)
#define DEFLATE_MAX 1032	/* deflate's largest expansion, out per in */

/* The 4-byte unsigned integer at p, big-endian or little-endian. */
static uint32_t
rd32(const unsigned char *p, int big)
{
	if (big)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

size_t
tp_mat_read(const struct mat_src *s, uint64_t off, void *dst, size_t n)
{
	size_t got = 0;

	if (off >= s->size)
		return 0;
	if (n > s->size - off)
		n = (size_t)(s->size - off);
	if (s->fd < 0) {
		memcpy(dst, s->mem + off, n);
		return n;
	}
	while (got < n) {
		ssize_t k = pread(s->fd, (char *)dst + got, n - got,
		    (off_t)(off + got));
		if (k < 0)
			tp_die("cannot read the .mat file:");
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return got;
}

/*
 * The v4 header fields complete in the len bytes at p (all five when
 * len >= 20) into f, and the byte order into *big.  Returns 1 if each
 * is plausible: the type code MOPT has M 0 (little-endian) or 1
 * (big-endian), O 0, P 0-5 and T 0-2 (full, text, sparse); rows and
 * columns below 2^31; imagf 0 or 1; a name length of 2 to MAX_NAME (a
 * name of one byte or more, and its NUL).
 */
static int
v4_fields(const unsigned char *p, size_t len, uint32_t f[5], int *big)
{
	if (len < 4)
		return 0;
	*big = 0;
	f[0] = rd32(p, 0);
	if (f[0] >= 100) {		/* not little-endian: big-endian? */
		*big = 1;
		f[0] = rd32(p, 1);
		if (f[0] < 1000 || f[0] >= 1100)
			return 0;
		f[0] -= 1000;
	}
	if (f[0] / 10 > 5 || f[0] % 10 > 2)
		return 0;
	for (int i = 1; i < 5 && 4 * (size_t)i + 4 <= len; i++) {
		f[i] = rd32(p + 4 * i, *big);
		if ((i <= 2 && f[i] > INT32_MAX) || (i == 3 && f[i] > 1) ||
		    (i == 4 && (f[i] < 2 || f[i] > MAX_NAME)))
			return 0;
	}
	return 1;
}

/* 1 if the n bytes at p may begin a v4 name of namlen bytes: graphic
 * ASCII, then its NUL. */
static int
v4_name_ok(const unsigned char *p, size_t n, size_t namlen)
{
	for (size_t i = 0; i < n && i < namlen; i++)
		if (i == namlen - 1 ? p[i] != 0 : p[i] <= ' ' || p[i] > '~')
			return 0;
	return 1;
}

int
tp_mat_v4_probe(const unsigned char *p, size_t len)
{
	uint32_t f[5];
	int big;

	if (!v4_fields(p, len, f, &big))
		return 0;
	if (len <= V4_HEADER)
		return 1;		/* a cut header: the decoder says so */
	return v4_name_ok(p + V4_HEADER, len - V4_HEADER, f[4]);
}

/* The v4 variable at byte off of s into e. */
static tp_why
v4_elem(const struct mat_src *s, uint64_t off, struct mat_elem *e, int *cut,
    struct tp_msg *m)
{
	static const size_t size[6] = { 8, 4, 4, 2, 2, 1 };
	static const int stored[6] = { MAT_T_DOUBLE, MAT_T_SINGLE,
		MAT_T_INT32, MAT_T_INT16, MAT_T_UINT16, MAT_T_UINT8 };
	static const int cls[3] = { MAT_C_DOUBLE, MAT_C_CHAR, MAT_C_SPARSE };
	unsigned char h[V4_HEADER + MAX_NAME] = { 0 };
	size_t got = tp_mat_read(s, off, h, V4_HEADER);
	uint32_t f[5];
	uint64_t bytes;
	int big;

	*cut = got < V4_HEADER && v4_fields(h, got, f, &big);
	if (*cut)
		return tp_msgf(m, "expected a 20-byte MAT v4 header at byte "
		    "%llu, got %zu bytes", (unsigned long long)off, got);
	if (!v4_fields(h, got, f, &big))
		return tp_msgf(m, "byte %llu: not a MAT v4 variable header "
		    "(type %u, %u x %u, imagf %u, name length %u)",
		    (unsigned long long)off, rd32(h, 0), rd32(h + 4, 0),
		    rd32(h + 8, 0), rd32(h + 12, 0), rd32(h + 16, 0));
	got = tp_mat_read(s, off + V4_HEADER, h + V4_HEADER, f[4]);
	if (!v4_name_ok(h + V4_HEADER, got, f[4]))
		return tp_msgf(m, "byte %llu: the MAT v4 variable's name is "
		    "not graphic ASCII ended by a NUL",
		    (unsigned long long)off);
	if (__builtin_mul_overflow((uint64_t)f[1] * f[2],
	    size[f[0] / 10] * (f[3] + 1), &bytes) || bytes > UINT64_MAX / 2)
		return tp_msgf(m, "byte %llu: a MAT v4 variable of %u x %u "
		    "elements overflows", (unsigned long long)off, f[1], f[2]);
	e->len = V4_HEADER + f[4] + bytes;
	if ((*cut = got < f[4] || s->size - off < e->len))
		return tp_msgf(m, "expected a MAT v4 variable of %llu bytes "
		    "at byte %llu, got %llu", (unsigned long long)e->len,
		    (unsigned long long)off,
		    (unsigned long long)(s->size - off));
	e->cls = cls[f[0] % 10];
	e->stored = stored[f[0] / 10];
	e->complex = f[3] != 0;
	e->rank = 2;
	e->dims[0] = f[1];
	e->dims[1] = f[2];
	e->count = (size_t)f[1] * f[2];
	e->name = tp_estrdup((char *)h + V4_HEADER);
	return NULL;
}

/*
 * The subelement at b[*pos] of the n bytes at b: its type, data and
 * length; *pos moves past it (and its padding to 8 bytes).  Returns 0
 * if its data does not lie inside the n bytes.
 */
static int
subelement(const unsigned char *b, size_t n, size_t *pos, int big,
    uint32_t *type, const unsigned char **data, uint32_t *len)
{
	uint32_t w;

	if (n - *pos < 8)
		return 0;
	w = rd32(b + *pos, big);
	if (w >> 16) {		/* the small form: all in 8 bytes */
		*type = w & 0xffff;
		*len = w >> 16;
		*data = b + *pos + 4;
		*pos += 8;
		return *len <= 4;
	}
	*type = w;
	*len = rd32(b + *pos + 4, big);
	*data = b + *pos + 8;
	if (*len > n - *pos - 8)
		return 0;
	*pos += 8 + *len;
	*pos += (8 - *pos % 8) % 8;
	*pos = *pos < n ? *pos : n;
	return 1;
}

/* The array flags, dimensions and name at the start of the n bytes of
 * a miMATRIX element's data at b into e. */
static tp_why
v5_header(const unsigned char *b, size_t n, int big, struct mat_elem *e,
    struct tp_msg *m)
{
	const unsigned char *d;
	uint32_t type, len, flags;
	size_t pos = 0;

	if (!subelement(b, n, &pos, big, &type, &d, &len) ||
	    type != MAT_T_UINT32 || len != 8)
		return "bad array flags";
	flags = rd32(d, big);
	e->cls = flags & 0xff;
	e->complex = (flags & MAT_F_COMPLEX) != 0;
	e->logical = (flags & MAT_F_LOGICAL) != 0;
	if (e->cls < MAT_C_CELL || e->cls > MAT_C_OPAQUE)
		return tp_msgf(m, "unknown class %d", e->cls);
	e->rank = 2;			/* an opaque object has no dims */
	e->dims[0] = e->dims[1] = 1;
	if (e->cls != MAT_C_OPAQUE) {
		if (!subelement(b, n, &pos, big, &type, &d, &len) ||
		    type != MAT_T_INT32 || len == 0 || len % 4)
			return "bad dimensions";
		if (len / 4 > TP_MAXDIM)
			return tp_msgf(m, "%u dimensions, more than tpipe's %d",
			    len / 4, TP_MAXDIM);
		e->rank = (int)(len / 4);
		for (int i = 0; i < e->rank; i++)
			if ((e->dims[i] = rd32(d + 4 * i, big)) > INT32_MAX)
				return "a negative dimension";
	}
	if (!subelement(b, n, &pos, big, &type, &d, &len) || len > MAX_NAME)
		return "bad name";
	e->name = tp_emalloc(len + 1);
	memcpy(e->name, d, len);
	e->name[len] = '\0';
	return NULL;
}

/* The first *n bytes (at most) the len compressed bytes at byte off of
 * s inflate to, into buf; *n becomes how many there are. */
static tp_why
inflate_head(const struct mat_src *s, uint64_t off, uint64_t len,
    unsigned char *buf, size_t *n, struct tp_msg *m)
{
	unsigned char in[4096];
	z_stream z;
	uint64_t used = 0;
	int ret = Z_OK;

	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK)
		return "zlib cannot start";
	z.next_out = buf;
	z.avail_out = (uInt)*n;
	while (z.avail_out > 0 && ret != Z_STREAM_END) {
		if (z.avail_in == 0) {
			size_t k = tp_mat_read(s, off + used, in,
			    len - used < sizeof in ? len - used : sizeof in);
			if (k == 0)
				break;
			used += k;
			z.next_in = in;
			z.avail_in = (uInt)k;
		}
		ret = inflate(&z, Z_NO_FLUSH);
		if (ret != Z_OK && ret != Z_STREAM_END) {
			const char *why = tp_msgf(m, "bad compressed data (%s)",
			    z.msg ? z.msg : "zlib error");
			inflateEnd(&z);
			return why;
		}
	}
	*n -= z.avail_out;
	inflateEnd(&z);
	return NULL;
}

/* The v5 variable at byte off of s into e. */
static tp_why
v5_elem(const struct mat_src *s, uint64_t off, struct mat_elem *e, int *cut,
    struct tp_msg *m)
{
	unsigned char tag[8], *head = tp_emalloc(HEAD_CAP);
	size_t got = tp_mat_read(s, off, tag, 8), n = HEAD_CAP;
	const unsigned char *body = head;
	const char *why = NULL;
	struct tp_msg inner;
	uint32_t type;

	if ((*cut = got < 8)) {
		free(head);
		return tp_msgf(m, "expected an 8-byte variable tag at byte "
		    "%llu, got %zu bytes", (unsigned long long)off, got);
	}
	type = rd32(tag, s->big);
	e->len = 8 + (uint64_t)rd32(tag + 4, s->big);
	if (type != MAT_T_MATRIX && type != MAT_T_COMPRESSED)
		why = tp_msgf(m, "byte %llu: an element of type %u is not a "
		    "variable", (unsigned long long)off, type);
	else if ((*cut = s->size - off < e->len))
		why = tp_msgf(m, "expected a variable of %llu bytes at byte "
		    "%llu, got %llu", (unsigned long long)e->len,
		    (unsigned long long)off,
		    (unsigned long long)(s->size - off));
	else if (type == MAT_T_MATRIX)
		n = tp_mat_read(s, off + 8, head,
		    e->len - 8 < n ? e->len - 8 : n);
	else {
		e->compressed = 1;
		why = inflate_head(s, off + 8, e->len - 8, head, &n, m);
		if (!why && (n < 8 || rd32(head, s->big) != MAT_T_MATRIX))
			why = "compressed data that is not a variable";
		body += 8;
		n = n < 8 ? 0 : n - 8;
	}
	if (!why && (why = v5_header(body, n, s->big, e, &inner)))
		why = tp_msgf(m, "byte %llu: bad MAT v5 variable header: %s",
		    (unsigned long long)off, why);
	free(head);
	return why;
}

/* The product of e's dimensions into e->count; 0 if it overflows. */
static int
count_dims(struct mat_elem *e)
{
	e->count = 1;
	for (int i = 0; i < e->rank; i++)
		if (__builtin_mul_overflow(e->count, e->dims[i], &e->count))
			return 0;
	return 1;
}

tp_why
tp_mat_elem(const struct mat_src *s, uint64_t off, struct mat_elem *e,
    int *cut, struct tp_msg *m)
{
	const char *why;
	uint64_t most;
	int numeric;

	memset(e, 0, sizeof *e);
	e->off = off;
	why = s->v4 ? v4_elem(s, off, e, cut, m) : v5_elem(s, off, e, cut, m);
	if (why)
		return why;
	/* each element is a byte at least, and deflate inflates to at
	 * most DEFLATE_MAX times its size (a sparse matrix's dimensions
	 * say nothing about its size; it is refused unread) */
	numeric = e->cls >= MAT_C_DOUBLE && e->cls <= MAT_C_UINT64;
	most = e->compressed ? e->len * DEFLATE_MAX : e->len;
	if (!count_dims(e) || (numeric && e->count > most)) {
		char q[256];
		return tp_msgf(m, "byte %llu: variable '%s' claims more "
		    "elements than its %llu bytes hold",
		    (unsigned long long)off, tp_quote(e->name, SIZE_MAX, q,
		    sizeof q), (unsigned long long)e->len);
	}
	return NULL;
}
