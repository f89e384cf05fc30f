/*
 * reshape_slice.c - --slice SPEC, numpy's basic indexing (reshape.h):
 * the spec parsed as Python reads a[SPEC] (integers, start:stop:step,
 * "...", None), resolved against a record into a strided view of it,
 * walked as contiguous runs (which treshape streams when their offsets
 * only grow) or copied at once.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "reshape.h"
#include "reshape_impl.h"

/* Runs at least this long pass from reader to writer one by one; shorter
 * ones are gathered from the record read whole. */
#define STREAM_RUN 256

/* Skip spaces. */
static const char *
blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* 1 if the word w (len bytes) is at p, not followed by a name byte. */
static int
word(const char *p, const char *w)
{
	size_t n = strlen(w);

	return !strncmp(p, w, n) && !(p[n] == '_' || p[n] == '.' ||
	    (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
	    (p[n] >= '0' && p[n] <= '9'));
}

/* The length of a "None" or "np.newaxis" spelling at p, or 0. */
static size_t
none_word(const char *p)
{
	static const char *const w[] = { "None", "np.newaxis",
		"numpy.newaxis", "newaxis", NULL };

	for (int i = 0; w[i]; i++)
		if (word(p, w[i]))
			return strlen(w[i]);
	return 0;
}

/*
 * An integer at *pp (sign, decimal digits, as Python writes them) into
 * *v, clamped to [-LLONG_MAX, LLONG_MAX] with *big set if it was; *pp
 * moves past it.  Returns NULL, or what is wrong there.
 */
static const char *
integer(const char **pp, long long *v, int *big)
{
	const char *p = *pp, *d;
	int neg = 0;
	char *end;

	if (*p == '+' || *p == '-') {
		neg = *p == '-';
		p = blanks(p + 1);
	}
	d = p;
	if (*d < '0' || *d > '9')
		return "expected an integer, ':', '...' or None";
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.' || *p == 'e' || *p == 'E' || *p == 'j')
		return "only integers, slices (':'), ellipsis ('...') and "
		    "None are basic indices";
	if (*p == '_' || *p == 'x' || *p == 'o' || *p == 'b')
		return "write integers in plain decimal";
	if (*d == '0' && p - d > 1 && d[strspn(d, "0")] >= '1' &&
	    d[strspn(d, "0")] <= '9')
		return "leading zeros in a decimal integer are not permitted";
	errno = 0;
	*v = strtoll(d, &end, 10);
	*big = errno == ERANGE;
	if (*big)
		*v = LLONG_MAX;
	if (neg)
		*v = -*v;
	*pp = p;
	return NULL;
}

/* One item of a spec at p (its start; spec for columns) into it; *pp
 * moves past it.  Returns NULL, or a message. */
static tp_why
parse_item(struct tp_slice *s, const char *spec, const char **pp,
    struct tp_slice_item *it, struct tp_msg *m)
{
	const char *p = *pp, *why;
	int field = 0, big;
	size_t n;

	it->pos = (int)(p - spec) + 1;
	if (!strncmp(p, "...", 3) || word(p, "Ellipsis")) {
		it->kind = TP_SLICE_ELLIPSIS;
		*pp = p + (*p == '.' ? 3 : 8);
		return NULL;
	}
	if ((n = none_word(p)) && *blanks(p + n) != ':') {
		it->kind = TP_SLICE_NEWAXIS;
		*pp = p + n;
		return NULL;
	}
	if (word(p, "True") || word(p, "False") || *p == '[' || *p == '(')
		return tp_msgf(m, "--slice '%s': at column %d: boolean and "
		    "array indices are advanced indexing, not basic",
		    s->shown, it->pos);
	it->kind = TP_SLICE_INDEX;
	for (;;) {
		p = blanks(p);
		if ((n = none_word(p)) && (it->kind == TP_SLICE_RANGE ||
		    *blanks(p + n) == ':'))
			p += n;		/* slice(None, ...) */
		else if (*p != ':' && *p != ',' && *p) {
			if ((why = integer(&p, &it->v[field], &big)))
				return tp_msgf(m, "--slice '%s': at column "
				    "%d: %s", s->shown, (int)(p - spec) + 1,
				    why);
			if (big && it->kind == TP_SLICE_INDEX &&
			    *blanks(p) != ':')
				return tp_msgf(m, "--slice '%s': at column %d: "
				    "cannot fit the integer into an "
				    "index-sized integer", s->shown, it->pos);
			it->has[field] = 1;
		}
		p = blanks(p);
		if (*p != ':')
			break;
		if (field == 2)
			return tp_msgf(m, "--slice '%s': at column %d: a slice "
			    "has at most two ':'", s->shown,
			    (int)(p - spec) + 1);
		it->kind = TP_SLICE_RANGE;
		field++;
		p++;
	}
	if (it->kind == TP_SLICE_INDEX && !it->has[0])
		return tp_msgf(m, "--slice '%s': at column %d: expected an "
		    "integer, ':', '...' or None", s->shown, it->pos);
	if (it->kind == TP_SLICE_RANGE && it->has[2] && it->v[2] == 0)
		return tp_msgf(m, "--slice '%s': at column %d: slice step "
		    "cannot be zero", s->shown, it->pos);
	*pp = p;
	return NULL;
}

tp_why
tp_slice_parse(struct tp_slice *s, const char *spec, struct tp_msg *m)
{
	const char *p = blanks(spec), *why;
	int ell = 0;

	memset(s, 0, sizeof *s);
	tp_quote(spec, strlen(spec), s->shown, sizeof s->shown);
	if (!strcmp(p, "()"))
		return NULL;		/* a[()]: the whole record */
	if (!*p)
		return tp_msgf(m, "--slice '%s': empty (write '...' for the "
		    "whole record)", s->shown);
	while (*p) {
		struct tp_slice_item *it = &s->item[s->n];

		if (s->n == TP_SLICE_MAX)
			return tp_msgf(m, "--slice '%s': more than %d items",
			    s->shown, TP_SLICE_MAX);
		if ((why = parse_item(s, spec, &p, it, m)))
			return why;
		if (it->kind == TP_SLICE_ELLIPSIS && ell++)
			return tp_msgf(m, "--slice '%s': at column %d: an "
			    "index can only have a single ellipsis ('...')",
			    s->shown, it->pos);
		s->nindexed += it->kind <= TP_SLICE_RANGE;
		s->n++;
		p = blanks(p);
		if (*p && *p != ',')
			return tp_msgf(m, "--slice '%s': at column %d: "
			    "expected ',' or the end", s->shown,
			    (int)(p - spec) + 1);
		if (*p)
			p = blanks(p + 1);	/* a trailing ',' is Python's */
	}
	return NULL;
}

/* Python's slice.indices for length len: *start and the count. */
static size_t
range_of(const struct tp_slice_item *it, size_t len, long long *start)
{
	long long L = (long long)len, step = it->has[2] ? it->v[2] : 1;
	long long lo = step < 0 ? -1 : 0, hi = step < 0 ? L - 1 : L;
	long long b = it->has[0] ? it->v[0] : step < 0 ? hi : 0;
	long long e = it->has[1] ? it->v[1] : step < 0 ? lo : hi;

	if (it->has[0])
		b = b < 0 ? (b < -L ? lo : b + L) : (b > hi ? hi : b);
	if (it->has[1])
		e = e < 0 ? (e < -L ? lo : e + L) : (e > hi ? hi : e);
	*start = b;
	if (step > 0)
		return e > b ? (size_t)((e - b - 1) / step + 1) : 0;
	return e < b ? (size_t)((b - e - 1) / -step + 1) : 0;
}

/* Merge p's output axes into runs: the outer axes (length-1 axes
 * dropped, neighbours that tile merged) and the run bytes. */
static void
plan_runs(struct tp_slice_plan *p)
{
	size_t esz = tp_dtype_size(p->in.dtype);
	int n = 0, pos = 1;

	for (int k = 0; k < p->out.ndim; k++) {
		size_t len = p->out.shape[k];
		long long st = p->stride[k];

		if (len == 1)
			continue;
		if (n && p->ostride[n - 1] == st * (long long)len) {
			p->oshape[n - 1] *= len;
			p->ostride[n - 1] = st;
			continue;
		}
		p->oshape[n] = len;
		p->ostride[n++] = st;
	}
	p->run = esz;
	if (n && p->ostride[n - 1] == (long long)esz)
		p->run *= p->oshape[--n];
	p->nouter = n;
	p->nrun = p->out.count ? p->out.nbytes / p->run : 0;
	for (int k = 0; k < n; k++)
		pos &= p->ostride[k] > 0;
	p->stream = pos && (p->run >= STREAM_RUN || p->nrun <= 1);
}

/* Fill p's output axis *nout: len elements, stride bytes; 0, or -1 if
 * p has TP_MAXDIM axes already. */
static int
put_axis(struct tp_slice_plan *p, size_t *out, int *nout, size_t len,
    long long stride)
{
	if (*nout == TP_MAXDIM)
		return -1;
	p->stride[*nout] = len > 1 ? stride : 0;
	out[(*nout)++] = len;
	return 0;
}

/* Whether index v is out of bounds for an axis of length len. */
static int
out_of_bounds(long long v, size_t len)
{
	return v < 0 ? (unsigned long long)-(v + 1) >= len :
	    (unsigned long long)v >= len;
}

tp_why
tp_slice_resolve(const struct tp_slice *s, const struct tp_tensor *hdr,
    struct tp_slice_plan *p, struct tp_msg *m)
{
	int nd = hdr->ndim, ax = 0, nout = 0, full = 0;
	size_t out[TP_MAXDIM], istr[TP_MAXDIM];
	long long off = 0;
	char sh[TP_MAXDIM * 22 + 4];
	struct tp_msg sm;

	memset(p, 0, sizeof *p);
	p->in = *hdr;
	p->in.data = NULL;
	tp_shape_str(hdr, sh, sizeof sh);
	if (s->nindexed > nd)
		return tp_msgf(m, "--slice '%s': too many indices for shape "
		    "%s: it has %d ax%s, but %d were indexed", s->shown, sh,
		    nd, nd == 1 ? "is" : "es", s->nindexed);
	for (int k = nd - 1; k >= 0; k--)
		istr[k] = k == nd - 1 ? tp_dtype_size(hdr->dtype) :
		    istr[k + 1] * hdr->shape[k + 1];
	for (int i = 0; i <= s->n && !full; i++) {
		const struct tp_slice_item *it = &s->item[i];
		long long start, step = it->has[2] ? it->v[2] : 1;
		size_t len;
		int rest;

		if (i == s->n || it->kind == TP_SLICE_ELLIPSIS) {
			rest = i == s->n ? nd - ax : nd - s->nindexed;
			for (int e = 0; e < rest && !full; e++, ax++)
				full = put_axis(p, out, &nout, hdr->shape[ax],
				    (long long)istr[ax]);
			continue;
		}
		if (it->kind == TP_SLICE_NEWAXIS) {
			full = put_axis(p, out, &nout, 1, 0);
			continue;
		}
		len = hdr->shape[ax];
		if (it->kind == TP_SLICE_INDEX) {
			long long v = it->v[0];

			if (out_of_bounds(v, len))
				return tp_msgf(m, "--slice '%s': at column %d: "
				    "index %lld is out of bounds for axis %d "
				    "with size %zu (shape %s)", s->shown,
				    it->pos, v, ax, len, sh);
			off += (v < 0 ? v + (long long)len : v) *
			    (long long)istr[ax++];
			continue;
		}
		len = range_of(it, len, &start);
		if (len)
			off += start * (long long)istr[ax];
		/* a step wider than the axis takes one element: its
		 * stride is never used (and step times it may overflow) */
		full = put_axis(p, out, &nout, len, len > 1 ? step *
		    (long long)istr[ax] : 0);
		ax++;
	}
	p->out = p->in;
	if (full || tp_set_shape(&p->out, nout, out, &sm))
		return tp_msgf(m, "--slice '%s' on shape %s: the output would "
		    "have more than %d axes", s->shown, sh, TP_MAXDIM);
	p->offset = p->out.count ? (size_t)off : 0;
	plan_runs(p);
	return NULL;
}

void
tp_slice_runs_start(struct tp_slice_runs *r, const struct tp_slice_plan *p)
{
	memset(r, 0, sizeof *r);
	r->p = p;
	r->left = p->nrun;
	r->off = (long long)p->offset;
}

int
tp_slice_next_run(struct tp_slice_runs *r, size_t *off)
{
	const struct tp_slice_plan *p = r->p;

	if (r->left == 0)
		return 0;
	*off = (size_t)r->off;
	if (--r->left == 0)
		return 1;
	for (int k = p->nouter - 1; k >= 0; k--) {	/* the odometer */
		r->off += p->ostride[k];
		if (++r->idx[k] < p->oshape[k])
			break;
		r->off -= p->ostride[k] * (long long)p->oshape[k];
		r->idx[k] = 0;
	}
	return 1;
}

/* Copy n runs of run bytes, the k-th at src + k * stride, to dst. */
static unsigned char *
copy_runs(unsigned char *dst, const unsigned char *src, size_t n,
    long long stride, size_t run)
{
	switch (run) {
#define RUNS(W) \
	case W: \
		for (size_t k = 0; k < n; k++, dst += W, src += stride) \
			memcpy(dst, src, W); \
		return dst;
	RUNS(1) RUNS(2) RUNS(4) RUNS(8) RUNS(16)
#undef RUNS
	}
	for (size_t k = 0; k < n; k++, dst += run, src += stride)
		memcpy(dst, src, run);
	return dst;
}

void
tp_slice_run(const struct tp_slice_plan *p, void *dst, const void *src)
{
	struct tp_slice_plan rows = *p;
	struct tp_slice_runs r;
	unsigned char *d = dst;
	const unsigned char *s = src;
	size_t off, last = 1, n;
	long long st = (long long)p->run;

	if (p->nrun == 0)
		return;
	if (p->nouter) {	/* the last outer axis a loop of its own */
		last = p->oshape[p->nouter - 1];
		st = p->ostride[p->nouter - 1];
		rows.nouter--;
	}
	n = p->nrun / last;
	rows.nrun = n;
	tp_slice_runs_start(&r, &rows);
	while (tp_slice_next_run(&r, &off))
		d = copy_runs(d, s + off, last, st, p->run);
}

char *
tp_slice_explain(const struct tp_slice *s, const struct tp_slice_plan *p)
{
	struct text t = { tp_emalloc(256), 0, 256 };
	char a[TP_MAXDIM * 22 + 4], b[TP_MAXDIM * 22 + 4];

	t.s[0] = '\0';
	if (!p) {
		reshape_say(&t, "slice '%s' (numpy basic indexing a[%s]): "
		    "contiguous runs stream, other slices are copied once\n",
		    s->shown, s->shown);
		return t.s;
	}
	reshape_say(&t, "%s %s -> %s: slice '%s': ", tp_shape_str(&p->in, a,
	    sizeof a), tp_dtype_name(p->in.dtype), tp_shape_str(&p->out, b,
	    sizeof b), s->shown);
	if (p->nrun == 0)
		reshape_say(&t, "empty (the record is read and dropped)\n");
	else if (p->stream)
		reshape_say(&t, "streamed: %zu contiguous run%s of %zu bytes, "
		    "the first at byte %zu (the rest is read and dropped)\n",
		    p->nrun, p->nrun == 1 ? "" : "s", p->run, p->offset);
	else
		reshape_say(&t, "copied once: %zu run%s of %zu bytes (the "
		    "record is read whole)\n", p->nrun, p->nrun == 1 ? "" :
		    "s", p->run);
	return t.s;
}
