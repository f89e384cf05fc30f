/*
 * reshape_pad.c - --pad AXIS=BEFORE,AFTER[;...] (reshape.h): numpy.pad
 * with tpipe's boundary words, negative widths cropping first.  Each
 * padded axis gets a map from output index to input index, made by
 * numpy's own steps (arraypad.py: edges, the wrap, and the reflections
 * repeated chunk by chunk when the pad is wider than the axis); numpy
 * pads axis after axis, each over the others' pads, so the output
 * element (i0, i1, ...) is the input's (map0[i0], map1[i1], ...), or the
 * constant where a map says so.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "reshape.h"
#include "reshape_impl.h"

#define CONSTANT SIZE_MAX	/* a map entry: the constant */

const struct tp_choice tp_pad_boundaries[] = {
	{ "zero", TP_PAD_ZERO }, { "wrap", TP_PAD_WRAP },
	{ "reflect", TP_PAD_REFLECT }, { "mirror", TP_PAD_MIRROR },
	{ "nearest", TP_PAD_NEAREST }, { NULL, 0 }
};

/* numpy.pad's name of boundary b. */
static const char *
numpy_mode(enum tp_pad_boundary b)
{
	static const char *const w[] = { "constant", "wrap", "symmetric",
		"reflect", "edge" };

	return w[b];
}

/* An integer at *pp into *v, *pp moved past it; 0, or -1 if none. */
static int
number(const char **pp, long long *v)
{
	char *end;

	if (**pp == ' ' || **pp == '\0')
		return -1;
	errno = 0;
	*v = strtoll(*pp, &end, 10);
	if (end == *pp || errno)
		return -1;
	*pp = end;
	return 0;
}

tp_why
tp_pad_parse(struct tp_pad *pd, const char *spec, struct tp_msg *m)
{
	const char *p = spec;

	memset(pd, 0, sizeof *pd);
	tp_quote(spec, strlen(spec), pd->shown, sizeof pd->shown);
	for (;;) {
		int i = pd->n;

		if (i == TP_MAXDIM)
			return tp_msgf(m, "--pad '%s': more than %d axes",
			    pd->shown, TP_MAXDIM);
		if (number(&p, &pd->axis[i]) || *p != '=' ||
		    (p++, number(&p, &pd->before[i])))
			break;
		pd->after[i] = pd->before[i];
		if (*p == ',' && (p++, number(&p, &pd->after[i])))
			break;
		for (int j = 0; j < i; j++)
			if (pd->axis[j] == pd->axis[i])
				return tp_msgf(m, "--pad '%s': axis %lld is "
				    "given twice", pd->shown, pd->axis[i]);
		pd->n++;
		if (*p == '\0')
			return NULL;
		if (*p != ';')
			break;
		p++;
	}
	return tp_msgf(m, "--pad '%s': at column %d: expected "
	    "AXIS=BEFORE,AFTER[;AXIS=BEFORE,AFTER...] (integers, such as "
	    "0=2,3;1=-1,1)", pd->shown, (int)(p - spec) + 1);
}

/*
 * numpy's _set_reflect_both, repeated until the pads are full, on the
 * map v of n entries whose [lp, n - rp) is filled: reflect (numpy's
 * symmetric) repeats the edge, mirror (numpy's reflect) does not.
 */
static void
reflect_map(size_t *v, size_t n, size_t lp, size_t rp, int edge)
{
	while (lp > 0 || rp > 0) {
		size_t old = n - rp - lp - (edge ? 0 : 1), cl;

		if (lp > 0) {
			size_t start;

			cl = old < lp ? old : lp;
			start = lp - (size_t)edge + cl;
			for (size_t i = 0; i < cl; i++)
				v[lp - cl + i] = v[start - i];
			lp -= cl;
		}
		if (rp > 0) {
			size_t start = n - rp + (size_t)edge - 2;

			cl = old < rp ? old : rp;
			for (size_t i = 0; i < cl; i++)
				v[n - rp + i] = v[start - i];
			rp -= cl;
		}
	}
}

/* The map of one axis: len input elements from c0 on, b before and a
 * after, for boundary bd. */
static void
axis_map(size_t *v, size_t c0, size_t len, size_t b, size_t a,
    enum tp_pad_boundary bd)
{
	size_t n = b + len + a;

	for (size_t j = 0; j < n; j++) {
		if (j >= b && j < b + len)
			v[j] = c0 + j - b;
		else if (bd == TP_PAD_ZERO)
			v[j] = CONSTANT;
		else if (bd == TP_PAD_WRAP)	/* numpy >= 1.25's wrap */
			v[j] = c0 + (j < b ? len - 1 - (b - 1 - j) % len :
			    (j - b) % len);
		else		/* nearest; reflections start from the edge */
			v[j] = c0 + (j < b ? 0 : len - 1);
	}
	if ((bd == TP_PAD_REFLECT || bd == TP_PAD_MIRROR) && len > 1)
		reflect_map(v, n, b, a, bd == TP_PAD_REFLECT);
}

/* The constant of pd for dtype t into out; NULL, or a message. */
static tp_why
pad_value(const struct tp_pad *pd, enum tp_dtype t, unsigned char *out,
    const char *sh, struct tp_msg *m)
{
	const char *s = pd->value ? pd->value : "0";
	double d = strtod(s, NULL);
	char *end, q[200];

	memset(out, 0, 16);
	if (tp_dtype_is_int(t) && t != TP_B1) {
		int uns = t == TP_U1 || t == TP_U2 || t == TP_U4 ||
		    t == TP_U8;
		unsigned bits = (unsigned)tp_dtype_size(t) * 8;
		unsigned long long u;
		long long v;
		int big = 0;		/* a u8 above LLONG_MAX */

		errno = 0;
		v = strtoll(s, &end, 10);
		if (*end || errno == EINVAL) {	/* not an integer: cut */
			if (!(fabs(d) < 9.2e18))
				goto range;
			v = (long long)d;
		} else if (errno == ERANGE) {
			errno = 0;
			u = strtoull(s, &end, 10);
			if (!uns || bits < 64 || *s == '-' || errno)
				goto range;
			v = (long long)u;
			big = 1;
		}
		u = (unsigned long long)v;
		if (!big && (uns ? v < 0 || (bits < 64 && u >> bits) :
		    bits < 64 && (v < -(1LL << (bits - 1)) ||
		    v >= (1LL << (bits - 1)))))
			goto range;
		switch (bits) {
		case 8:
			out[0] = (uint8_t)u;
			break;
		case 16:
			memcpy(out, &(uint16_t){ (uint16_t)u }, 2);
			break;
		case 32:
			memcpy(out, &(uint32_t){ (uint32_t)u }, 4);
			break;
		default:
			memcpy(out, &u, 8);
		}
		return NULL;
	}
	if (t == TP_B1) {
		out[0] = d != 0;
		return NULL;
	}
	tp_convert(out, t, &d, TP_F8, 1);
	return NULL;
range:
	return tp_msgf(m, "--value %s does not fit %s (record of shape %s)",
	    tp_quote(s, SIZE_MAX, q, sizeof q), tp_dtype_name(t), sh);
}

void
tp_pad_free(struct tp_pad_plan *p)
{
	for (int k = 0; k < TP_MAXDIM; k++) {
		free(p->map[k]);
		p->map[k] = NULL;
	}
}

/* The crop and pads of axis k of pd (0 if pd does not name it); ax[i]
 * is pd's axis i normalised. */
static void
axis_pads(const struct tp_pad *pd, const int *ax, int k, size_t *crop,
    size_t *pad)
{
	crop[0] = crop[1] = pad[0] = pad[1] = 0;
	for (int i = 0; i < pd->n; i++) {
		long long w[2] = { pd->before[i], pd->after[i] };

		if (ax[i] != k)
			continue;
		for (int e = 0; e < 2; e++) {
			if (w[e] < 0)
				crop[e] = (size_t)-(w[e] + 1) + 1;
			else
				pad[e] = (size_t)w[e];
		}
	}
}

tp_why
tp_pad_resolve(const struct tp_pad *pd, const struct tp_tensor *hdr,
    struct tp_pad_plan *p, struct tp_msg *m)
{
	int nd = hdr->ndim, ax[TP_MAXDIM];
	size_t out[TP_MAXDIM], crop[TP_MAXDIM][2], pad[TP_MAXDIM][2];
	char sh[TP_MAXDIM * 22 + 4];
	struct tp_msg sm;
	const char *why;

	memset(p, 0, sizeof *p);
	p->in = *hdr;
	p->in.data = NULL;
	tp_shape_str(hdr, sh, sizeof sh);
	for (int i = 0; i < pd->n; i++) {
		if ((ax[i] = reshape_norm_axis(pd->axis[i], nd)) < 0)
			return tp_msgf(m, "--pad '%s': axis %lld is out of "
			    "bounds for shape %s", pd->shown, pd->axis[i], sh);
		for (int j = 0; j < i; j++)
			if (ax[j] == ax[i])
				return tp_msgf(m, "--pad '%s': axis %d of "
				    "shape %s is given twice", pd->shown, ax[i],
				    sh);
	}
	for (int k = 0; k < nd; k++) {
		size_t len = hdr->shape[k], *c = crop[k], *w = pad[k];

		axis_pads(pd, ax, k, c, w);
		if (c[0] > len || c[1] > len - c[0])
			return tp_msgf(m, "--pad '%s': crops %zu and %zu of "
			    "axis %d, which has %zu (shape %s)", pd->shown,
			    c[0], c[1], k, len, sh);
		len -= c[0] + c[1];
		if (len == 0 && (w[0] || w[1]) && pd->boundary != TP_PAD_ZERO)
			return tp_msgf(m, "--pad '%s': cannot extend the empty "
			    "axis %d of shape %s by %s (only zero or --value "
			    "can)", pd->shown, k, sh,
			    tp_choice_word(tp_pad_boundaries, pd->boundary));
		if (w[0] > SIZE_MAX / 4 || w[1] > SIZE_MAX / 4 ||
		    len + w[0] + w[1] > SIZE_MAX / 4)
			return tp_msgf(m, "--pad '%s' on shape %s: the output "
			    "shape overflows", pd->shown, sh);
		out[k] = len + w[0] + w[1];
	}
	p->out = p->in;
	if ((why = tp_set_shape(&p->out, nd, out, &sm)))
		return tp_msgf(m, "--pad '%s' on shape %s: the output %s",
		    pd->shown, sh, why);
	if ((why = pad_value(pd, hdr->dtype, p->value, sh, m)))
		return why;
	if (p->out.count == 0)
		return NULL;		/* no element: no map */
	for (int k = 0; k < nd; k++) {
		p->map[k] = tp_emalloc(out[k] * sizeof *p->map[k]);
		axis_map(p->map[k], crop[k][0], hdr->shape[k] - crop[k][0] -
		    crop[k][1], pad[k][0], pad[k][1], pd->boundary);
	}
	return NULL;
}

/* Fill n elements of esz bytes at d with value v; returns d's end. */
static unsigned char *
fill(unsigned char *d, const unsigned char *v, size_t esz, size_t n)
{
	for (size_t i = 0; i < n; i++, d += esz)
		memcpy(d, v, esz);
	return d;
}

void
tp_pad_run(const struct tp_pad_plan *p, void *dst, const void *src)
{
	int nd = p->out.ndim;
	size_t esz = tp_dtype_size(p->in.dtype), istr[TP_MAXDIM];
	size_t idx[TP_MAXDIM] = { 0 }, w, *run, rows;
	const size_t *last;
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (p->out.count == 0)
		return;
	if (nd == 0) {
		memcpy(d, s, esz);
		return;
	}
	for (int k = nd - 1; k >= 0; k--)
		istr[k] = k == nd - 1 ? esz : istr[k + 1] * p->in.shape[k + 1];
	last = p->map[nd - 1];
	w = p->out.shape[nd - 1];
	run = tp_emalloc(w * sizeof *run);	/* elements in a row */
	for (size_t j = w; j-- > 0;)
		run[j] = j + 1 < w && last[j] != CONSTANT &&
		    last[j + 1] == last[j] + 1 ? run[j + 1] + 1 : 1;
	rows = p->out.count / w;
	for (size_t r = 0; r < rows; r++) {
		size_t off = 0;
		int constant = 0;

		for (int k = 0; k < nd - 1; k++) {
			size_t v = p->map[k][idx[k]];

			constant |= v == CONSTANT;
			off += constant ? 0 : v * istr[k];
		}
		if (constant)
			d = fill(d, p->value, esz, w);
		for (size_t j = 0; !constant && j < w;) {
			if (last[j] == CONSTANT) {
				d = fill(d, p->value, esz, 1);
				j++;
				continue;
			}
			memcpy(d, s + off + last[j] * esz, run[j] * esz);
			d += run[j] * esz;
			j += run[j];
		}
		for (int k = nd - 2; k >= 0; k--) {	/* the odometer */
			if (++idx[k] < p->out.shape[k])
				break;
			idx[k] = 0;
		}
	}
	free(run);
}

char *
tp_pad_explain(const struct tp_pad *pd, const struct tp_pad_plan *p)
{
	struct text t = { tp_emalloc(256), 0, 256 };
	char a[TP_MAXDIM * 22 + 4], b[TP_MAXDIM * 22 + 4], q[200];
	const char *bd = tp_choice_word(tp_pad_boundaries, pd->boundary);

	t.s[0] = '\0';
	if (p)
		reshape_say(&t, "%s %s -> %s: ", tp_shape_str(&p->in, a,
		    sizeof a), tp_dtype_name(p->in.dtype),
		    tp_shape_str(&p->out, b, sizeof b));
	reshape_say(&t, "pad '%s' with %s", pd->shown, bd);
	if (pd->boundary == TP_PAD_ZERO && pd->value)
		reshape_say(&t, " (--value %s)", tp_quote(pd->value,
		    SIZE_MAX, q, sizeof q));
	reshape_say(&t, " (numpy.pad mode '%s'; negative widths crop "
	    "first): copied once (the record is read whole)\n",
	    numpy_mode(pd->boundary));
	return t.s;
}
