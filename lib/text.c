/*
 * text.c - tensors as text: numbers separated by blanks or commas, a row
 * per line, a blank line between 2-D slices, '#' comments.  A comment
 * "# shape (2, 3) float64", as tpipe writes, declares the next record.
 */
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
	case TP_U8:
		return sprintf(buf, "%llu",
		    (unsigned long long)*(const uint64_t *)e);
	case TP_I8: return sprintf(buf, "%lld", (long long)*(const int64_t *)e);
	case TP_F2:
		return sprintf(buf, "%.5g",
		    tp_half_to_float(*(const uint16_t *)e));
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

/* 1 for the characters that separate numbers on a line. */
static int
is_sep(int c)
{
	return c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\v' ||
	    c == '\f';
}

/* The range of each integer dtype, for values read from text. */
static int
int_range(enum tp_dtype t, long long *lo, unsigned long long *hi)
{
	switch (t) {
	case TP_B1: *lo = 0; *hi = 1; return 1;
	case TP_U1: *lo = 0; *hi = UINT8_MAX; return 1;
	case TP_I1: *lo = INT8_MIN; *hi = INT8_MAX; return 1;
	case TP_U2: *lo = 0; *hi = UINT16_MAX; return 1;
	case TP_I2: *lo = INT16_MIN; *hi = INT16_MAX; return 1;
	case TP_U4: *lo = 0; *hi = UINT32_MAX; return 1;
	case TP_I4: *lo = INT32_MIN; *hi = INT32_MAX; return 1;
	case TP_U8: *lo = 0; *hi = UINT64_MAX; return 1;
	case TP_I8: *lo = INT64_MIN; *hi = INT64_MAX; return 1;
	default: return 0;
	}
}

/*
 * Parse tok (len bytes) as dtype t into dst.  Returns 1, 0 if it is not
 * a number of that kind, or -1 if it is an integer outside t's range.
 */
static int
parse_value(const char *tok, size_t len, enum tp_dtype t, void *dst)
{
	char buf[512], *end;
	double re, im = 0;

	if (len >= 2 && tok[0] == '"' && tok[len - 1] == '"') {
		tok++;			/* a CSV field in quotes: "1.5" */
		len -= 2;
	}
	if (len >= sizeof buf || len == 0)
		return 0;
	memcpy(buf, tok, len);
	buf[len] = '\0';
	errno = 0;
	if (tp_dtype_is_int(t)) {
		if (t == TP_B1 &&
		    (!strcmp(buf, "True") || !strcmp(buf, "False"))) {
			*(uint8_t *)dst = buf[0] == 'T';
			return 1;
		}
		long long lo = 0;
		unsigned long long hi = 0;
		int_range(t, &lo, &hi);
		if (buf[0] != '-') {
			unsigned long long u = strtoull(buf, &end, 10);
			if (end == buf || *end)
				return 0;
			if (errno || u > hi)
				return -1;
			tp_convert(dst, t, &u, TP_U8, 1);
		} else {
			long long s = strtoll(buf, &end, 10);
			if (end == buf || *end)
				return 0;
			if (errno || s < lo)
				return -1;
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
	/* complex128's layout; CMPLX is not in clang 14 */
	double z[2] = { re, im };

	tp_convert(dst, t, z, TP_C16, 1);
	return 1;
}

/*
 * "# shape (2, 3) float64": fill shape and dtype and return 1.  Returns 0
 * for any other comment, and -1 for a line that starts as a shape comment
 * but is not a valid one (with the reason in why when there is one).
 */
static int
parse_shape_comment(const char *p, const char *eol, int *ndim,
    size_t *shape, enum tp_dtype *dtype, struct tp_msg *why)
{
	char line[TP_MAXDIM * 24 + 64], *open, *close, *name;
	struct tp_msg m;
	size_t len = (size_t)(eol - p);

	why->text[0] = '\0';
	if (len < 9 || strncmp(p, "# shape (", 9))
		return 0;
	if (len >= sizeof line)
		return -1;
	memcpy(line, p, len);
	line[len] = '\0';
	open = line + 8;
	if (!(close = strchr(open, ')')))
		return -1;
	*close = '\0';
	name = close + 1;
	while (*name == ' ')
		name++;
	for (char *e = name + strlen(name);
	    e > name && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	if (tp_dtype_lookup(name, dtype, why))
		return -1;
	if (tp_parse_shape(open, shape, TP_MAXDIM, ndim, 0, &m)) /* "(2, 3" */
		return -1;
	return 1;
}

const char *
tp_text_skip_blanks(const char *p, const char *eol)
{
	while (p < eol && is_sep(*p))
		p++;
	return p;
}

int
tp_text_is_shape_line(const char *p, const char *eol)
{
	size_t shape[TP_MAXDIM];
	enum tp_dtype dt;
	struct tp_msg why;
	int nd;

	p = tp_text_skip_blanks(p, eol);
	return p < eol && *p == '#' &&
	    parse_shape_comment(p, eol, &nd, shape, &dt, &why) > 0;
}

/* Die naming a line that starts as a shape comment but is not one. */
static void
bad_shape_comment(const struct tp_text *x, const char *p, const char *eol,
    const struct tp_msg *why)
{
	char q[200];

	tp_quote(p, (size_t)(eol - p), q, sizeof q);
	if (why->text[0])
		tp_die("%s: line %ld: '%s' is not a valid shape comment: %s",
		    x->name, x->line, q, why->text);
	tp_die("%s: line %ld: '%s' is not a valid shape comment (like "
	    "'# shape (2, 3) float64')", x->name, x->line, q);
}

/*
 * Skip the blank and comment lines before a record.  A shape comment
 * declares the record: its shape and dtype go to *dndim, dshape and
 * *dtype, its line is consumed and 1 returned; else 0, with x->p at the
 * record's first line of numbers or at the end.  Dies on a line that
 * starts as a shape comment but is not one.
 */
static int
skip_to_record(struct tp_text *x, int *dndim, size_t *dshape,
    enum tp_dtype *dtype)
{
	while (x->p < x->end) {
		const char *eol = memchr(x->p, '\n', (size_t)(x->end - x->p));
		const char *q;
		struct tp_msg why;
		if (!eol)
			eol = x->end;
		q = tp_text_skip_blanks(x->p, eol);
		if (q < eol && *q != '#')
			break;
		int sc = q < eol ? parse_shape_comment(q, eol, dndim, dshape,
		    dtype, &why) : 0;
		if (sc < 0)
			bad_shape_comment(x, q, eol, &why);
		if (sc > 0) {
			x->p = eol < x->end ? eol + 1 : eol;
			x->line++;
			return 1;
		}
		x->p = eol < x->end ? eol + 1 : eol;
		x->line++;
	}
	return 0;
}

/* How a record's lines are laid out, as read so far. */
struct layout {
	size_t rows, slices, cols, rows_in_slice, rows_per_slice, started;
	int table;		/* a CSV table under its names: 2-D rows */
	int hint;		/* a bad first row may be names (no --header) */
};

/*
 * Parse the numbers of the line [q, eol) into v, as *dtype; an
 * undeclared float64 record that meets a complex number becomes
 * complex128 (*dtype and the values so far converted).  Dies naming the
 * line on a value that is not a number of the dtype or is out of its
 * range.
 */
static void
read_numbers(const struct tp_text *x, const char *q, const char *eol,
    int declared, struct values *v, enum tp_dtype *dtype, int first)
{
	for (size_t col = 0;; col++) {
		const char *tok;
		int commas = 0;
		while (q < eol && is_sep(*q))
			commas += *q++ == ',';
		if (q >= eol)
			break;
		if (col > 0 && commas > 1)
			tp_die("%s: line %ld: an empty field before number %zu "
			    "(two commas with nothing between them)", x->name,
			    x->line, col + 1);
		tok = q;
		while (q < eol && !is_sep(*q))
			q++;
		if (!declared && *dtype == TP_F8 &&
		    memchr(tok, 'j', (size_t)(q - tok))) {
			/* a complex number: the record is complex128 */
			struct values c = { NULL, 0, 0, tp_dtype_size(TP_C16) };
			for (size_t i = 0; i < v->n; i++)
				tp_convert(push(&c), TP_C16, v->data + i * 8,
				    TP_F8, 1);
			free(v->data);
			*v = c;
			*dtype = TP_C16;
		}
		int got = parse_value(tok, (size_t)(q - tok), *dtype, push(v));
		char shown[200];
		if (got <= 0)
			tp_quote(tok, (size_t)(q - tok), shown, sizeof shown);
		if (got == 0)
			tp_die("%s: line %ld: '%s' is not a valid %s value%s",
			    x->name, x->line, shown, tp_dtype_name(*dtype),
			    first && (isalpha((unsigned char)*tok) ||
			    *tok == '"' || *tok == '_') ? " (a row of names? "
			    "tcat --header reads them)" : "");
		if (got < 0)
			tp_die("%s: line %ld: '%s' is out of range for %s",
			    x->name, x->line, shown, tp_dtype_name(*dtype));
	}
}

/* End the slice the rows read last make, if any (after a blank line or
 * at the record's end); an undeclared record's slices must have the same
 * number of rows. */
static void
end_slice(const struct tp_text *x, int declared, struct layout *s)
{
	if (s->rows_in_slice > 0) {
		if (s->slices > 0 && s->rows_in_slice != s->rows_per_slice &&
		    !declared)
			tp_die("%s: line %ld: slice has %zu rows, expected %zu",
			    x->name, x->line - 1, s->rows_in_slice,
			    s->rows_per_slice);
		s->rows_per_slice = s->rows_in_slice;
		s->slices++;
		s->rows_in_slice = 0;
	}
}

/*
 * Read a record's lines of numbers into v, as *dtype (read_numbers), up
 * to the next shape comment or the end, and their layout into s; an
 * undeclared record's rows must have the same number of numbers.
 */
static void
read_rows(struct tp_text *x, int declared, struct values *v,
    enum tp_dtype *dtype, struct layout *s)
{
	while (x->p < x->end) {
		const char *eol = memchr(x->p, '\n', (size_t)(x->end - x->p));
		const char *q, *hash;
		size_t before = v->n, n;

		if (!eol)
			eol = x->end;
		q = tp_text_skip_blanks(x->p, eol);
		if (q < eol && *q == '#') {
			/* a comment; a shape comment starts the next record */
			size_t dummy[TP_MAXDIM];
			int dn;
			enum tp_dtype dt;
			struct tp_msg why;
			int sc = parse_shape_comment(q, eol, &dn, dummy, &dt,
			    &why);
			if (sc < 0)
				bad_shape_comment(x, q, eol, &why);
			if (sc > 0)
				break;
			x->p = eol < x->end ? eol + 1 : eol;
			x->line++;
			continue;
		}
		hash = q < eol ? memchr(q, '#', (size_t)(eol - q)) : NULL;
		if (hash)
			eol = hash;
		read_numbers(x, q, eol, declared, v, dtype,
		    s->hint && s->rows == 0);
		n = v->n - before;
		if (hash)
			eol = memchr(hash, '\n', (size_t)(x->end - hash));
		if (!eol)
			eol = x->end;
		x->p = eol < x->end ? eol + 1 : eol;
		x->line++;
		if (n == 0) {			/* a blank line ends a slice */
			if (!s->table)
				end_slice(x, declared, s);
			continue;
		}
		if (s->started == 0)
			s->cols = n;
		else if (n != s->cols && !declared)
			tp_die("%s: line %ld has %zu numbers, expected %zu%s",
			    x->name, x->line - 1, n, s->cols, s->table ?
			    ", one for each name in the header" : "");
		s->started = 1;
		s->rows++;
		s->rows_in_slice++;
	}
	end_slice(x, declared, s);
}

/* Shape out (of dtype already set) as --shape says for the n numbers of
 * record index, its one SIZE_MAX entry inferred; dies if they do not fit
 * or the shape overflows. */
static void
shape_by_option(const struct tp_text *x, long index, size_t n,
    struct tp_tensor *out)
{
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
		if (known == 0 || n % known)
			tp_die("%s: record %ld: cannot shape %zu numbers with --shape",
			    x->name, index, n);
		shape[infer] = n / known;
	}
	tp_eset_shape(out, x->ndim, shape);
}

/* A name as it grows. */
struct name {
	char *s;
	size_t len, cap;
};

static void
add_char(struct name *nm, char c)
{
	if (nm->len + 1 >= nm->cap) {
		nm->cap = nm->cap ? nm->cap * 2 : 32;
		nm->s = tp_erealloc(nm->s, nm->cap);
	}
	nm->s[nm->len++] = c;
	nm->s[nm->len] = '\0';
}

/* Free n names (names may be NULL). */
static void
csv_free(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

/* 1 if p (before end) is where a line ends: "\n", "\r\n", or the end. */
static int
at_eol(const char *p, const char *end)
{
	return p == end || *p == '\n' || (*p == '\r' && (p + 1 == end ||
	    p[1] == '\n'));
}

/*
 * The field in quotes at *p (its opening quote) into nm, *p moved past
 * the closing one and *lines counting the line breaks inside.  Returns
 * 0, or -1 if no quote closes it.
 */
static int
quoted(const char **p, const char *end, struct name *nm, long *lines)
{
	const char *q = *p + 1;

	for (;;) {
		if (q == end)
			return -1;
		if (*q == '"') {
			if (q + 1 < end && q[1] == '"') {	/* "" is " */
				add_char(nm, '"');
				q += 2;
				continue;
			}
			*p = q + 1;
			return 0;
		}
		*lines += *q == '\n';
		add_char(nm, *q++);
	}
}

/*
 * The row of column names at p (before end), as RFC 4180 writes it:
 * fields separated by commas, taken as they are (blanks too); a field
 * that begins with a double quote ends at the next one alone, and may
 * hold commas, line breaks and quotes (doubled, "").  Sets *names to a
 * malloc'd array of *n malloc'd names, *next to the start of the line
 * after the row and *lines to the lines it took.  Returns NULL, or a
 * message in m (names are then not set).
 */
static tp_why
csv_names(const char *p, const char *end, char ***names, size_t *n,
    const char **next, long *lines, struct tp_msg *m)
{
	char **list = NULL;
	size_t count = 0, cap = 0;
	long nl = 0;
	const char *why = NULL;

	for (;;) {
		struct name nm = { tp_emalloc(32), 0, 32 };

		nm.s[0] = '\0';		/* an empty name is "" */
		if (p < end && *p == '"') {
			if (quoted(&p, end, &nm, &nl) < 0)
				why = "is not closed";
			else if (!at_eol(p, end) && *p != ',')
				why = "is followed by more than a comma";
		} else
			while (!at_eol(p, end) && *p != ',')
				add_char(&nm, *p++);
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			list = tp_erealloc(list, cap * sizeof *list);
		}
		list[count++] = nm.s;
		if (why) {
			csv_free(list, count);
			return tp_msgf(m, "the quote that opens name %zu %s",
			    count, why);
		}
		if (p == end || *p != ',')
			break;
		p++;
	}
	while (p < end && *p != '\n')	/* the '\r' of "\r\n" */
		p++;
	*next = p < end ? p + 1 : p;
	*lines = nl + 1;
	*names = list;
	*n = count;
	return NULL;
}

/*
 * --header: parse the row of names that heads the input into x->names,
 * past the blank and comment lines before it.  Leaves x->names NULL if
 * the input has no such row.
 */
static void
read_names(struct tp_text *x)
{
	const char *next = NULL, *why;
	struct tp_msg m;
	long lines = 0;

	while (x->p < x->end) {
		const char *eol = memchr(x->p, '\n', (size_t)(x->end - x->p));
		const char *q;

		if (!eol)
			eol = x->end;
		q = tp_text_skip_blanks(x->p, eol);
		if (q < eol && *q != '#')
			break;
		if (q < eol && tp_text_is_shape_line(q, eol))
			tp_die("%s: line %ld: a shape comment where --header "
			    "expects the row of names", x->name, x->line);
		x->p = eol < x->end ? eol + 1 : eol;
		x->line++;
	}
	if (x->p >= x->end)
		return;
	if ((why = csv_names(x->p, x->end, &x->names, &x->nnames, &next,
	    &lines, &m)))
		tp_die("%s: line %ld: %s", x->name, x->line, why);
	x->p = next;
	x->line += lines;
}

int
tp_text_next(struct tp_text *x, long index, struct tp_tensor *out)
{
	struct values v = { NULL, 0, 0, 0 };
	enum tp_dtype dtype = TP_F8;
	int declared = 0, dndim = 0;
	size_t dshape[TP_MAXDIM];
	struct layout s = { 0, 0, 0, 0, 0, 0, 0, 0 };
	long first_line = x->line;
	struct tp_msg m;

	if (x->header && index == 0)
		read_names(x);
	s.table = x->names && index == 0;
	s.hint = index == 0 && !x->header;
	/* skip blank and comment lines; a shape comment declares the record */
	declared = skip_to_record(x, &dndim, dshape, &dtype);
	if (x->p >= x->end && !declared && !s.table)
		return 0;
	if (declared && s.table)
		tp_die("%s: line %ld: a shape comment after the row of names "
		    "(--header)", x->name, x->line - 1);
	if (s.table) {			/* the names say the columns */
		s.cols = x->nnames;
		s.started = 1;
	}
	v.elsize = tp_dtype_size(dtype);
	first_line = x->line;
	read_rows(x, declared, &v, &dtype, &s);

	memset(out, 0, sizeof *out);
	out->dtype = dtype;
	if (s.table) {
		size_t shape[2] = { s.rows, x->nnames };
		tp_eset_shape(out, 2, shape);
	} else if (x->ndim >= 0) {		/* --shape */
		shape_by_option(x, index, v.n, out);
	} else if (declared) {
		if (tp_set_shape(out, dndim, dshape, &m))
			tp_die(
			    "%s: line %ld: the shape comment's shape overflows",
			    x->name, first_line - 1);
	} else {
		size_t shape[3] = { s.slices, s.rows_per_slice, s.cols };
		if (s.slices > 1)
			tp_eset_shape(out, 3, shape);
		else if (s.rows > 1)
			tp_eset_shape(out, 2, shape + 1);
		else
			tp_eset_shape(out, 1, shape + 2);
	}
	if (out->count != v.n) {
		char buf[TP_MAXDIM * 22 + 4];
		tp_die("%s: record %ld (from line %ld): shape %s needs %zu numbers, got %zu",
		    x->name, index, first_line,
		    tp_shape_str(out, buf, sizeof buf), out->count, v.n);
	}
	if (v.n) {			/* hand the values over as they are */
		out->data = tp_erealloc(v.data, out->nbytes);
	} else {
		free(v.data);
		tp_alloc(out);
	}
	return 1;
}

int
tp_text_fill(struct tp_text *x, struct tp_reader *r)
{
	size_t keep, len, scan = 0;
	int seen_shape = 0, seen_data = 0, first = !x->buf;
	char *nl;

	if (first) {
		x->cap = 256 * 1024;
		x->buf = tp_emalloc(x->cap + 1);
		x->p = x->end = x->buf;
		x->line = 1;
	}
	keep = (size_t)(x->end - x->p);
	memmove(x->buf, x->p, keep);
	len = keep;
	for (;;) {
		while ((nl = memchr(x->buf + scan, '\n', len - scan))) {
			const char *q = tp_text_skip_blanks(x->buf + scan, nl);
			if (q < nl && *q == '#') {
				if (tp_text_is_shape_line(q, nl)) {
					if (seen_shape || seen_data)
						goto done;
					seen_shape = 1;
				}
			} else if (q < nl)
				seen_data = 1;
			scan = (size_t)(nl - x->buf) + 1;
		}
		if (len == x->cap) {
			if (x->cap > SIZE_MAX / 4)
				tp_die("%s: text record too large", x->name);
			x->cap *= 2;
			x->buf = tp_erealloc(x->buf, x->cap + 1);
		}
		size_t k = tp_reader_take(r, x->buf + len, x->cap - len);
		if (k == 0)
			break;
		if (memchr(x->buf + len, '\0', k))
			return -1;
		len += k;
	}
done:
	x->buf[len] = '\0';
	x->p = x->buf;
	x->end = x->buf + len;
	/* the byte order mark some programs (spreadsheets) begin text with */
	if (first && len >= 3 && !memcmp(x->buf, "\xef\xbb\xbf", 3))
		x->p += 3;
	return 0;
}

void
tp_text_free(struct tp_text *x)
{
	free(x->buf);
	csv_free(x->names, x->nnames);
	x->buf = NULL;
	x->names = NULL;
}
