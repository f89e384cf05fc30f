/*
 * tiff_extent.c - where a TIFF file ends (tp_tiff_extent, formats.h):
 * the last byte that its header, its directories (the page chain and
 * the SubIFD, EXIF, GPS and interoperability directories they point
 * to), their tags' out-of-line values and the strips, tiles and JPEG
 * streams they point to take.  Files put one after another (cat a.tif
 * b.tif) are read on from there.
 */
#include <stdint.h>
#include <string.h>

#include "formats.h"

/* Directories walked at most, and how deep directories that others
 * point to may nest: a loop or a hostile chain stops there. */
#define MAXDIRS 65536
#define MAXDEPTH 16

struct walk {
	const unsigned char *p;
	size_t len;
	int be, big;		/* big-endian; BigTIFF */
	uint64_t end;		/* the extent so far */
	long dirs;		/* directories walked */
};

/* The unsigned integer of n bytes at off in the file's byte order; 0
 * past the end. */
static uint64_t
get(const struct walk *w, uint64_t off, int n)
{
	uint64_t v = 0;

	if (off > w->len || w->len - off < (uint64_t)n)
		return 0;
	for (int i = 0; i < n; i++)
		v |= (uint64_t)w->p[off + i] << 8 * (w->be ? n - 1 - i : i);
	return v;
}

/* Count bytes from off as part of the file, if they lie in it. */
static void
cover(struct walk *w, uint64_t off, uint64_t n)
{
	if (off <= w->len && n <= w->len - off && off + n > w->end)
		w->end = off + n;
}

/* Bytes of one value of TIFF type t (0: unknown type). */
static int
type_size(unsigned t)
{
	static const unsigned char size[19] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4,
		8, 4, 8, 4, 0, 0, 8, 8, 8 };

	return t < sizeof size ? size[t] : 0;
}

/* Value i of an entry of type t whose values start at off. */
static uint64_t
value(const struct walk *w, unsigned t, uint64_t off, uint64_t i)
{
	int s = type_size(t);

	return s == 0 || s > 8 ? 0 : get(w, off + i * (uint64_t)s, s);
}

static void walk_dir(struct walk *w, uint64_t off, int depth);

/* The runs that a pair of offset and byte-count tags point to. */
static void
cover_runs(struct walk *w, unsigned ot, uint64_t oat, unsigned ct,
    uint64_t cat, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		cover(w, value(w, ot, oat, i), value(w, ct, cat, i));
}

/* The directory at off, its values and what it points to. */
static void
walk_dir(struct walk *w, uint64_t off, int depth)
{
	int cs = w->big ? 8 : 2, es = w->big ? 20 : 12, vs = w->big ? 8 : 4;
	uint64_t n, at[4] = { 0 }, cnt[4] = { 0 };
	unsigned typ[4] = { 0 };

	if (++w->dirs > MAXDIRS || depth > MAXDEPTH || off < 8 ||
	    off > w->len)
		return;
	n = get(w, off, cs);
	if (n > (w->len - off) / (uint64_t)es)
		n = (w->len - off) / (uint64_t)es;
	cover(w, off, cs + n * es + vs);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t e = off + cs + i * es, c, bytes, vat;
		unsigned tag = (unsigned)get(w, e, 2);
		unsigned t = (unsigned)get(w, e + 2, 2);
		int k;

		c = get(w, e + 4, vs);
		if (type_size(t) == 0 || c > UINT64_MAX / 8)
			continue;
		bytes = c * (uint64_t)type_size(t);
		vat = bytes <= (uint64_t)vs ? e + 4 + vs : get(w, e + 4 + vs,
		    vs);
		if (bytes > (uint64_t)vs)
			cover(w, vat, bytes);
		/* 273/279 strips, 324/325 tiles, 288/289 free runs, then
		 * old-style JPEG's stream (513 offset, 514 length) */
		k = tag == 273 ? 0 : tag == 279 ? 0 : tag == 324 ? 1 :
		    tag == 325 ? 1 : tag == 288 ? 2 : tag == 289 ? 2 :
		    tag == 513 ? 3 : tag == 514 ? 3 : -1;
		if (k >= 0 && (tag == 273 || tag == 324 || tag == 288 ||
		    tag == 513)) {
			at[k] = vat;
			typ[k] = t;
			cnt[k] = c;
		} else if (k >= 0 && cnt[k] == c) {
			cover_runs(w, typ[k], at[k], t, vat, c);
		}
		if (tag == 330 || tag == 34665 || tag == 34853 ||
		    tag == 40965)	/* SubIFDs, EXIF, GPS, interop */
			for (uint64_t j = 0; j < c && j < MAXDIRS; j++)
				walk_dir(w, value(w, t, vat, j), depth + 1);
	}
}

size_t
tp_tiff_extent(const unsigned char *p, size_t len)
{
	struct walk w = { p, len, 0, 0, 8, 0 };
	uint64_t off;

	if (len < 8)
		return len;
	w.be = p[0] == 'M';
	w.big = get(&w, 2, 2) == 43;
	if (w.big)
		w.end = 16;
	off = w.big ? get(&w, 8, 8) : get(&w, 4, 4);
	while (off != 0 && w.dirs < MAXDIRS) {
		int cs = w.big ? 8 : 2, es = w.big ? 20 : 12;
		uint64_t n = get(&w, off, cs);

		walk_dir(&w, off, 0);
		if (off > len || n > (len - off) / (uint64_t)es)
			break;
		off = get(&w, off + cs + n * es, w.big ? 8 : 4);
	}
	return (size_t)w.end;
}
