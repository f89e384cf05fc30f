/*
 * tensor.c - shapes, element counts and allocation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"

/* Largest data size we accept: what a pointer difference can span. */
#define MAXBYTES ((size_t)PTRDIFF_MAX)

int
tp_set_shape(struct tp_tensor *t, int ndim, const size_t *shape)
{
	size_t count = 1, nbytes;

	if (ndim < 0 || ndim > TP_MAXDIM)
		return -1;
	for (int i = 0; i < ndim; i++)
		if (__builtin_mul_overflow(count, shape[i], &count))
			return -1;
	/* a zero-size shape must still not overflow in its other axes */
	if (count == 0) {
		size_t c = 1;
		for (int i = 0; i < ndim; i++)
			if (shape[i] && __builtin_mul_overflow(c, shape[i], &c))
				return -1;
	}
	if (__builtin_mul_overflow(count, tp_dtype_size(t->dtype), &nbytes) ||
	    nbytes > MAXBYTES)
		return -1;
	memmove(t->shape, shape, (size_t)ndim * sizeof *shape);
	t->ndim = ndim;
	t->count = count;
	t->nbytes = nbytes;
	return 0;
}

char *
tp_shape_str(const struct tp_tensor *t, char *buf, size_t len)
{
	size_t n = 0;

	n += (size_t)snprintf(buf + n, len - n, "(");
	for (int i = 0; i < t->ndim && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, i ? ", %zu" : "%zu",
		    t->shape[i]);
	if (n < len)
		snprintf(buf + n, len - n, t->ndim == 1 ? ",)" : ")");
	return buf;
}

void
tp_eset_shape(struct tp_tensor *t, int ndim, const size_t *shape)
{
	struct tp_tensor tmp = *t;
	char buf[TP_MAXDIM * 22 + 4];

	if (tp_set_shape(t, ndim, shape) == 0)
		return;
	if (ndim > TP_MAXDIM)
		tp_die("shape has %d axes; at most %d are supported", ndim,
		    TP_MAXDIM);
	memcpy(tmp.shape, shape, (size_t)ndim * sizeof *shape);
	tmp.ndim = ndim;
	tp_die("shape %s of %s overflows", tp_shape_str(&tmp, buf, sizeof buf),
	    tp_dtype_name(t->dtype));
}

void
tp_alloc(struct tp_tensor *t)
{
	t->data = tp_ecalloc(t->nbytes ? t->nbytes : 1, 1);
}

struct tp_tensor
tp_new(enum tp_dtype dtype, int ndim, const size_t *shape)
{
	struct tp_tensor t;

	memset(&t, 0, sizeof t);
	t.dtype = dtype;
	tp_eset_shape(&t, ndim, shape);
	tp_alloc(&t);
	return t;
}

void
tp_free(struct tp_tensor *t)
{
	free(t->data);
	t->data = NULL;
}

int
tp_parse_shape(const char *s, size_t *shape, int allow_infer,
    const char **why)
{
	int ndim = 0, inferred = 0;
	const char *p = s;

	while (*p == ' ')
		p++;
	if (*p == '(' || *p == '[')
		p++;
	for (;;) {
		char *end;
		long long v;

		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == ')' || *p == ']')
			break;
		if (ndim == TP_MAXDIM) {
			*why = "too many axes";
			return -1;
		}
		errno = 0;
		v = strtoll(p, &end, 10);
		if (end == p || errno) {
			*why = "expected comma-separated sizes";
			return -1;
		}
		if (v == -1 && allow_infer && !inferred) {
			inferred = 1;
			shape[ndim++] = SIZE_MAX;
		} else if (v < 0) {
			*why = allow_infer ? "sizes must be >= 0 (one may be -1)" :
			    "sizes must be >= 0";
			return -1;
		} else
			shape[ndim++] = (size_t)v;
		p = end;
		while (*p == ' ')
			p++;
		if (*p == ',' || *p == 'x')
			p++;
		else if (*p != '\0' && *p != ')' && *p != ']') {
			*why = "expected comma-separated sizes";
			return -1;
		}
	}
	if (*p == ')' || *p == ']')
		p++;
	while (*p == ' ')
		p++;
	if (*p != '\0') {
		*why = "trailing characters";
		return -1;
	}
	return ndim;
}
