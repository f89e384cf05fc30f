/*
 * text.c - tensors as text: numbers separated by blanks or commas, a row
 * per line, a blank line between 2-D slices, '#' comments.  A comment
 * "# shape (2, 3) float64", as tpipe writes, declares the next record.
 */
#include <complex.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "tpipe.h"

int
tp_text_value(char *buf, enum tp_dtype t, const void *e)
{
	switch (t) {
	case TP_B1: return sprintf(buf, "%d", *(const uint8_t *)e != 0);
	case TP_U1: return sprintf(buf, "%u", *(const uint8_t *)e);
	case TP_I1: return sprintf(buf, "%d", *(const int8_t *)e);
	case TP_U2: return sprintf(buf, "%u", *(const uint16_t *)e);
	case TP_I2: return sprintf(buf, "%d", *(const int16_t *)e);
	case TP_U4: return sprintf(buf, "%u", *(const uint32_t *)e);
	case TP_I4: return sprintf(buf, "%d", *(const int32_t *)e);
	case TP_U8: return sprintf(buf, "%llu", (unsigned long long)*(const uint64_t *)e);
	case TP_I8: return sprintf(buf, "%lld", (long long)*(const int64_t *)e);
	case TP_F2: return sprintf(buf, "%.5g", tp_half_to_float(*(const uint16_t *)e));
	case TP_F4: return sprintf(buf, "%.9g", *(const float *)e);
	case TP_F8: return sprintf(buf, "%.17g", *(const double *)e);
	case TP_C8: {
		const float *z = e;
		return sprintf(buf, "%.9g%+.9gj", z[0], z[1]);
	}
	case TP_C16: {
		const double *z = e;
		return sprintf(buf, "%.17g%+.17gj", z[0], z[1]);
	}
	default: return 0;
	}
}

/* A growing array of parsed elements. */
struct values {
	unsigned char *data;
	size_t n, cap, elsize;
};

static void *
push(struct values *v)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 1024;
		v->data = tp_erealloc(v->data, v->cap * v->elsize);
	}
	return v->data + v->elsize * v->n++;
}

static int
is_sep(int c)
{
	return c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\v' ||
	    c == '\f';
}

/* Parse tok (len bytes) as dtype t into dst; returns 0 if it is no number. */
static int
parse_value(const char *tok, size_t len, enum tp_dtype t, void *dst)
{
	char buf[128], *end;
	double re, im = 0;

	if (len >= sizeof buf)
		return 0;
	memcpy(buf, tok, len);
	buf[len] = '\0';
	errno = 0;
	if (tp_dtype_is_int(t)) {
		if (t == TP_B1 && (!strcmp(buf, "True") || !strcmp(buf, "False"))) {
			*(uint8_t *)dst = buf[0] == 'T';
			return 1;
		}
		if (t == TP_U8 || t == TP_U4 || t == TP_U2 || t == TP_U1) {
			unsigned long long u;
			if (buf[0] == '-')
				return 0;
			u = strtoull(buf, &end, 10);
			if (*end || errno)
				return 0;
			tp_convert(dst, t, &u, TP_U8, 1);
		} else {
			long long s = strtoll(buf, &end, 10);
			if (*end || errno)
				return 0;
			tp_convert(dst, t, &s, TP_I8, 1);
		}
		return 1;
	}
	char *p = buf;
	if (*p == '(' && buf[len - 1] == ')') {
		p++;
		buf[len - 1] = '\0';
	}
	re = strtod(p, &end);
	if (end == p)
		return 0;
	if (*end == 'j' && end[1] == '\0') {	/* "2j" */
		im = re;
		re = 0;
	} else if (*end == '+' || *end == '-') {
		const char *q = end;
		im = strtod(q, &end);
		if (end == q || *end != 'j' || end[1] != '\0')
			return 0;
	} else if (*end != '\0')
		return 0;
	if (im != 0 && !tp_dtype_is_complex(t))
		return 0;
	double complex z = CMPLX(re, im);
	tp_convert(dst, t, &z, TP_C16, 1);
	return 1;
}

/* "# shape (2, 3) float64": fill shape and dtype; 1 if it is one. */
static int
parse_shape_comment(const char *p, const char *eol, int *ndim,
    size_t *shape, enum tp_dtype *dtype)
{
	char line[TP_MAXDIM * 24 + 64], *open, *close, *name;
	const char *why;
	size_t len = (size_t)(eol - p);
	int t;

	if (len >= sizeof line)
		return 0;
	memcpy(line, p, len);
	line[len] = '\0';
	if (strncmp(line, "# shape (", 9))
		return 0;
	open = line + 8;
	if (!(close = strchr(open, ')')))
		return 0;
	*close = '\0';
	name = close + 1;
	while (*name == ' ')
		name++;
	for (char *e = name + strlen(name); e > name && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	if ((t = tp_dtype_parse(name)) < 0)
		return 0;
	if ((*ndim = tp_parse_shape(open + 1, shape, 0, &why)) < 0)
		return 0;
	*dtype = (enum tp_dtype)t;
	return 1;
}

int
tp_text_is_shape_line(const char *p, const char *eol)
{
	size_t shape[TP_MAXDIM];
	enum tp_dtype dt;
	int nd;

	while (p < eol && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p < eol && *p == '#' && parse_shape_comment(p, eol, &nd, shape, &dt);
}

int
tp_text_next(struct tp_text *x, long index, struct tp_tensor *out)
{
	struct values v = { NULL, 0, 0, 0 };
	enum tp_dtype dtype = TP_F8;
	int declared = 0, dndim = 0;
	size_t dshape[TP_MAXDIM];
	size_t rows = 0, slices = 0, cols = 0, rows_in_slice = 0;
	size_t rows_per_slice = 0, started = 0;
	long first_line = x->line;

	/* skip blank and comment lines; a shape comment declares the record */
	while (x->p < x->end) {
		const char *eol = memchr(x->p, '\n', (size_t)(x->end - x->p));
		const char *q = x->p;
		if (!eol)
			eol = x->end;
		while (q < eol && (is_sep(*q) && *q != ','))
			q++;
		if (q < eol && *q != '#')
			break;
		if (q < eol && parse_shape_comment(q, eol, &dndim, dshape, &dtype)) {
			x->p = eol < x->end ? eol + 1 : eol;
			x->line++;
			declared = 1;
			break;
		}
		x->p = eol < x->end ? eol + 1 : eol;
		x->line++;
	}
	if (x->p >= x->end && !declared)
		return 0;
	v.elsize = tp_dtype_size(dtype);
	first_line = x->line;

	while (x->p < x->end) {
		const char *eol = memchr(x->p, '\n', (size_t)(x->end - x->p));
		const char *q = x->p, *hash;
		size_t before = v.n, n;

		if (!eol)
			eol = x->end;
		while (q < eol && is_sep(*q) && *q != ',')
			q++;
		if (q < eol && *q == '#') {
			/* a comment line; a shape comment starts the next record */
			size_t dummy[TP_MAXDIM];
			int dn;
			enum tp_dtype dt;
			if (parse_shape_comment(q, eol, &dn, dummy, &dt))
				break;
			x->p = eol < x->end ? eol + 1 : eol;
			x->line++;
			continue;
		}
		hash = memchr(q, '#', (size_t)(eol - q));
		if (hash)
			eol = hash;
		for (;;) {
			const char *tok;
			while (q < eol && is_sep(*q))
				q++;
			if (q >= eol)
				break;
			tok = q;
			while (q < eol && !is_sep(*q))
				q++;
			if (!declared && dtype == TP_F8 &&
			    memchr(tok, 'j', (size_t)(q - tok))) {
				/* a complex number: the record is complex128 */
				struct values c = { NULL, 0, 0, tp_dtype_size(TP_C16) };
				for (size_t i = 0; i < v.n; i++)
					tp_convert(push(&c), TP_C16, v.data + i * 8, TP_F8, 1);
				free(v.data);
				v = c;
				dtype = TP_C16;
			}
			if (!parse_value(tok, (size_t)(q - tok), dtype, push(&v))) {
				tp_die("%s: line %ld: '%.*s' is not a%s %s number",
				    x->name, x->line, (int)((q - tok) > 40 ? 40 : (q - tok)),
				    tok, dtype == TP_I8 || dtype == TP_I1 || dtype == TP_U1 ? "n" : "",
				    tp_dtype_name(dtype));
			}
		}
		n = v.n - before;
		if (hash)
			eol = memchr(hash, '\n', (size_t)(x->end - hash));
		if (!eol)
			eol = x->end;
		x->p = eol < x->end ? eol + 1 : eol;
		x->line++;
		if (n == 0) {			/* a blank line ends a slice */
			if (rows_in_slice > 0) {
				if (slices > 0 && rows_in_slice != rows_per_slice && !declared)
					tp_die("%s: line %ld: slice has %zu rows, expected %zu",
					    x->name, x->line - 1, rows_in_slice, rows_per_slice);
				rows_per_slice = rows_in_slice;
				slices++;
				rows_in_slice = 0;
			}
			continue;
		}
		if (started == 0)
			cols = n;
		else if (n != cols && !declared)
			tp_die("%s: line %ld has %zu numbers, expected %zu",
			    x->name, x->line - 1, n, cols);
		started = 1;
		rows++;
		rows_in_slice++;
	}
	if (rows_in_slice > 0) {
		if (slices > 0 && rows_in_slice != rows_per_slice && !declared)
			tp_die("%s: line %ld: slice has %zu rows, expected %zu",
			    x->name, x->line - 1, rows_in_slice, rows_per_slice);
		rows_per_slice = rows_in_slice;
		slices++;
	}

	memset(out, 0, sizeof *out);
	out->dtype = dtype;
	if (x->ndim >= 0) {			/* --shape */
		size_t shape[TP_MAXDIM], known = 1;
		int infer = -1;
		memcpy(shape, x->shape, (size_t)x->ndim * sizeof *shape);
		for (int i = 0; i < x->ndim; i++) {
			if (shape[i] == SIZE_MAX)
				infer = i;
			else if (__builtin_mul_overflow(known, shape[i], &known))
				tp_die("%s: --shape overflows", x->name);
		}
		if (infer >= 0) {
			if (known == 0 || v.n % known)
				tp_die("%s: record %ld: cannot shape %zu numbers with --shape",
				    x->name, index, v.n);
			shape[infer] = v.n / known;
		}
		tp_eset_shape(out, x->ndim, shape);
	} else if (declared) {
		tp_eset_shape(out, dndim, dshape);
	} else {
		size_t shape[3] = { slices, rows_per_slice, cols };
		if (slices > 1)
			tp_eset_shape(out, 3, shape);
		else if (rows > 1)
			tp_eset_shape(out, 2, shape + 1);
		else
			tp_eset_shape(out, 1, shape + 2);
	}
	if (out->count != v.n) {
		char buf[TP_MAXDIM * 22 + 4];
		tp_die("%s: record %ld (from line %ld): shape %s needs %zu numbers, got %zu",
		    x->name, index, first_line, tp_shape_str(out, buf, sizeof buf),
		    out->count, v.n);
	}
	tp_alloc(out);
	if (v.n)
		memcpy(out->data, v.data, out->nbytes);
	free(v.data);
	return 1;
}
