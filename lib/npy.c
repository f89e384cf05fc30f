/*
 * npy.c - the NPY header: parse the dictionary numpy writes, and write it
 * byte for byte as numpy.save does.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"

struct cursor {
	const char *p, *end;
};

/* Move past blanks. */
static void
skip_space(struct cursor *c)
{
	while (c->p < c->end && isspace((unsigned char)*c->p))
		c->p++;
}

/* Take ch after blanks if it is next; 1 if it was. */
static int
accept(struct cursor *c, char ch)
{
	skip_space(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return 1;
	}
	return 0;
}

/* A quoted Python string into buf; returns 0 if there is none. */
static int
parse_string(struct cursor *c, char *buf, size_t len)
{
	char q;
	size_t n = 0;

	skip_space(c);
	if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
		return 0;
	q = *c->p++;
	while (c->p < c->end && *c->p != q) {
		if (n + 1 < len)
			buf[n++] = *c->p;
		c->p++;
	}
	if (c->p >= c->end)
		return 0;
	c->p++;
	buf[n] = '\0';
	return 1;
}

/* Take word after blanks if it is next; 1 if it was. */
static int
parse_word(struct cursor *c, const char *word)
{
	size_t n = strlen(word);

	skip_space(c);
	if ((size_t)(c->end - c->p) >= n && !memcmp(c->p, word, n)) {
		c->p += n;
		return 1;
	}
	return 0;
}

/*
 * The dtype and byte order of an NPY descr, as numpy.dtype() reads it: a
 * code ("<f8", "|u1", "f8", "<?") or, without a byte order, a name
 * ("float64").  Returns NULL, or a message quoting the descr in m.
 */
static tp_why
parse_descr(const char *descr, enum tp_dtype *dtype, int *swap,
    struct tp_msg *m)
{
	char order = '=', d[200];
	const char *s = descr;
	int t;

	tp_quote(descr, SIZE_MAX, d, sizeof d);	/* for messages */

	if (*s == '<' || *s == '>' || *s == '|' || *s == '=')
		order = *s++;
	switch (*s) {
	case 'O':
		return tp_msgf(m, "object dtype '%s' is not supported", d);
	case 'S': case 'U': case 'a': case 'V':
		return tp_msgf(m, "string or void dtype '%s' is not supported",
		    d);
	case 'M': case 'm':
		return tp_msgf(m, "datetime dtype '%s' is not supported", d);
	}
	if (!strcmp(s, "?"))
		s = "b1";
	for (t = 0; t < TP_NDTYPES; t++)
		if (!strcmp(s, tp_dtype_descr((enum tp_dtype)t) + 1) ||
		    (s == descr && !strcmp(s, tp_dtype_name((enum tp_dtype)t))))
			break;
	if (t == TP_NDTYPES)
		return tp_msgf(m, "dtype '%s' is not supported", d);
	*dtype = (enum tp_dtype)t;
	*swap = tp_dtype_size(*dtype) > 1 &&
	    order == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? '>' : '<');
	return NULL;
}

/* The shape text at start, from '(' to ')', quoted for a message. */
static const char *
shape_text(const char *start, const char *end, char *buf, size_t len)
{
	const char *close = memchr(start, ')', (size_t)(end - start));

	return tp_quote(start, close ? (size_t)(close - start + 1) :
	    (size_t)(end - start), buf, len);
}

/* The message for a bad shape, quoting it, in m. */
static tp_why
bad_shape(const char *start, const char *end, struct tp_msg *m)
{
	char q[200];

	return tp_msgf(m, "shape %s is not a tuple of sizes",
	    shape_text(start, end, q, sizeof q));
}

/*
 * The shape tuple at c, as Python writes a tuple of ints: "()", "(3,)",
 * "(2, 3)", a trailing comma allowed; "(3)" is the int 3, not a tuple,
 * and "03" is not a Python 3 int.  Returns NULL, or a message quoting the
 * shape in m.
 */
static tp_why
parse_shape(struct cursor *c, size_t *shape, int *ndim, struct tp_msg *m)
{
	char q[200];
	const char *start;

	*ndim = 0;
	skip_space(c);
	start = c->p;
	if (!accept(c, '('))
		return bad_shape(start, c->end, m);
	if (accept(c, ')'))
		return NULL;
	for (;;) {
		unsigned long long v;
		char *end;

		skip_space(c);
		if (c->p < c->end && *c->p == '-') {	/* quoted as written */
			const char *q = c->p + 1;
			while (q < c->end && isdigit((unsigned char)*q) &&
			    q - c->p < 40)
				q++;
			return tp_msgf(m, "negative dimension %.*s in shape",
			    (int)(q - c->p), c->p);
		}
		if (c->p < c->end && *c->p == '+')	/* a unary plus */
			c->p++;
		if (c->p >= c->end || !isdigit((unsigned char)*c->p) ||
		    (*c->p == '0' && c->p + 1 < c->end &&
		    isdigit((unsigned char)c->p[1])))
			return bad_shape(start, c->end, m);
		errno = 0;
		v = strtoull(c->p, &end, 10);
		if (errno || end > c->end)
			return tp_msgf(m, "shape %s has a size too large",
			    shape_text(start, c->end, q, sizeof q));
		c->p = end;
		if (c->p < c->end && (*c->p == 'L' || *c->p == 'l'))
			c->p++;		/* Python 2 long */
		if (*ndim == TP_MAXDIM)
			return "shape has more than 64 axes";
		shape[(*ndim)++] = (size_t)v;
		if (accept(c, ')')) {
			if (*ndim == 1)		/* "(3)": an int, not a tuple */
				return bad_shape(start, c->end, m);
			return NULL;
		}
		if (!accept(c, ','))
			return bad_shape(start, c->end, m);
		if (accept(c, ')'))
			return NULL;
	}
}

/* "what, at '<the header text at c>'" in m. */
static tp_why
at(struct cursor *c, const char *what, struct tp_msg *m)
{
	char q[200];

	skip_space(c);
	return tp_msgf(m, "%s, at '%s'", what,
	    tp_quote(c->p, (size_t)(c->end - c->p), q, sizeof q));
}

tp_why
tp_npy_parse_header(const char *text, size_t len, struct tp_tensor *hdr,
    int *fortran, int *swap, struct tp_msg *m)
{
	struct cursor c = { text, text + len };
	char q[200];
	size_t shape[TP_MAXDIM];
	int ndim = -1, have_descr = 0, have_fortran = 0;
	char key[32], descr[64];
	const char *err;
	struct tp_msg sm;

	if (memchr(text, '\0', len))
		return "header holds a NUL byte";
	if (!accept(&c, '{'))
		return at(&c, "header is not a dictionary", m);
	while (!accept(&c, '}')) {
		if (!parse_string(&c, key, sizeof key) || !accept(&c, ':'))
			return at(&c, "header is not a dictionary of strings",
			    m);
		if (!strcmp(key, "descr")) {
			skip_space(&c);
			if (c.p < c.end && *c.p == '[')
				return "structured dtype is not supported";
			if (!parse_string(&c, descr, sizeof descr))
				return at(&c, "descr is not a string", m);
			if ((err = parse_descr(descr, &hdr->dtype, swap, m)))
				return err;
			have_descr = 1;
		} else if (!strcmp(key, "fortran_order")) {
			if (parse_word(&c, "True"))
				*fortran = 1;
			else if (parse_word(&c, "False"))
				*fortran = 0;
			else
				return at(&c,
				    "fortran_order is not True or False", m);
			have_fortran = 1;
		} else if (!strcmp(key, "shape")) {
			if ((err = parse_shape(&c, shape, &ndim, m)))
				return err;
		} else
			return tp_msgf(m, "header has an unknown key '%s'",
			    tp_quote(key, SIZE_MAX, q, sizeof q));
		if (!accept(&c, ',')) {
			if (!accept(&c, '}'))
				return at(&c, "header dictionary is malformed",
				    m);
			break;
		}
	}
	if (!have_descr || !have_fortran || ndim < 0)
		return tp_msgf(m, "header lacks the key '%s'",
		    !have_descr ? "descr" : !have_fortran ? "fortran_order" :
		    "shape");
	skip_space(&c);
	if (c.p != c.end)
		return at(&c, "header has text after the dictionary", m);
	if ((err = tp_set_shape(hdr, ndim, shape, &sm)) != NULL)
		return tp_msgf(m, "%s", err);
	hdr->data = NULL;
	return NULL;
}

size_t
tp_npy_format_header(const struct tp_tensor *hdr, char *buf)
{
	char shape[TP_MAXDIM * 22 + 4];
	int n, grow = 0;
	size_t total, pad;

	tp_shape_str(hdr, shape, sizeof shape);
	if (hdr->ndim > 0) {		/* numpy's room to grow axis 0 */
		char first[24];
		grow = 21 - snprintf(first, sizeof first, "%zu", hdr->shape[0]);
		if (grow < 0)
			grow = 0;
	}
	memcpy(buf, "\x93NUMPY\x01\x00", 8);
	n = snprintf(buf + 10, TP_NPY_HEADER_MAX - 10,
	    "{'descr': '%s', 'fortran_order': False, 'shape': %s, }%*s",
	    tp_dtype_descr(hdr->dtype), shape, grow, "");
	total = 10 + (size_t)n + 1;
	pad = 64 - total % 64;		/* numpy pads 1..64 spaces, never 0 */
	memset(buf + 10 + n, ' ', pad);
	buf[total + pad - 1] = '\n';
	buf[8] = (char)((total + pad - 10) & 0xff);
	buf[9] = (char)((total + pad - 10) >> 8);
	return total + pad;
}
