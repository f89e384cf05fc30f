/*
 * reshape_stack.c - the forms that join records and part them
 * (reshape.h): --stack N|all and --concat N along --axis A (numpy.stack,
 * numpy.concatenate), --unstack A and --split A=K (each record becomes
 * records: np.moveaxis(a, A, 0)'s elements, numpy.split's pieces).  The
 * engine gives the geometry: a joined record is nouter blocks, each
 * the records' blocks in turn; a parted record is, for each piece,
 * nouter blocks at a stride.  treshape moves the bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "reshape.h"
#include "reshape_impl.h"

/* A whole integer s into *v; 0, or -1 if s is not one. */
static int
whole(const char *s, long long *v, char stop, const char **end)
{
	char *e;

	if (*s == ' ' || *s == '\0')
		return -1;
	errno = 0;
	*v = strtoll(s, &e, 10);
	if (e == s || errno || *e != stop)
		return -1;
	if (end)
		*end = e + 1;
	return 0;
}

tp_why
tp_stack_parse_join(struct tp_stack *st, enum tp_join join, const char *arg,
    struct tp_msg *m)
{
	const char *opt = join == TP_JOIN_STACK ? "--stack" : "--concat";
	char q[200];
	long long n;

	tp_quote(arg, strlen(arg), q, sizeof q);
	st->join = join;
	if (join == TP_JOIN_STACK && !strcmp(arg, "all")) {
		st->n = 0;
		return NULL;
	}
	if (whole(arg, &n, '\0', NULL) || n < 1 || n > (1L << 30))
		return tp_msgf(m, "%s '%s': expected a count of records from "
		    "1 to %ld%s", opt, q, 1L << 30, join == TP_JOIN_STACK ?
		    ", or all" : "");
	st->n = (long)n;
	return NULL;
}

tp_why
tp_stack_parse_part(struct tp_stack *st, enum tp_part part, const char *arg,
    struct tp_msg *m)
{
	const char *rest;
	char q[200];

	tp_quote(arg, strlen(arg), q, sizeof q);
	st->part = part;
	if (part == TP_PART_UNSTACK) {
		if (whole(arg, &st->paxis, '\0', NULL))
			return tp_msgf(m, "--unstack '%s': expected an axis "
			    "(an integer)", q);
		return NULL;
	}
	if (whole(arg, &st->paxis, '=', &rest) || whole(rest, &st->k, '\0',
	    NULL))
		return tp_msgf(m, "--split '%s': expected AXIS=K (two "
		    "integers, such as 0=4)", q);
	if (st->k < 1)
		return tp_msgf(m, "--split '%s': the number of pieces must be "
		    "at least 1", q);
	return NULL;
}

/* The product of shape[from..to). */
static size_t
prod(const struct tp_tensor *t, int from, int to)
{
	size_t n = 1;

	for (int k = from; k < to; k++)
		n *= t->shape[k];
	return n;
}

/* The axis of a join for records of ndim axes (stack adds one). */
static int
join_axis(const struct tp_stack *st, int ndim)
{
	return reshape_norm_axis(st->axis, ndim + (st->join == TP_JOIN_STACK));
}

tp_why
tp_stack_fits(const struct tp_stack *st, const struct tp_tensor *first,
    const struct tp_tensor *t, struct tp_msg *m)
{
	int a = join_axis(st, first->ndim);
	char s0[TP_MAXDIM * 22 + 4], s1[TP_MAXDIM * 22 + 4];
	int same = t->ndim == first->ndim;

	if (t->dtype != first->dtype)
		return tp_msgf(m, "it is %s, the first of its group %s: %s "
		    "joins records of one dtype", tp_dtype_name(t->dtype),
		    tp_dtype_name(first->dtype), st->join == TP_JOIN_STACK ?
		    "--stack" : "--concat");
	for (int k = 0; same && k < t->ndim; k++)
		same = t->shape[k] == first->shape[k] ||
		    (st->join == TP_JOIN_CONCAT && k == a);
	if (same)
		return NULL;
	tp_shape_str(t, s0, sizeof s0);
	tp_shape_str(first, s1, sizeof s1);
	if (st->join == TP_JOIN_STACK)
		return tp_msgf(m, "its shape %s is not %s, the first of its "
		    "group's: --stack joins records of one shape", s0, s1);
	return tp_msgf(m, "its shape %s does not match %s, the first of its "
	    "group's, but along axis %d", s0, s1, a);
}

tp_why
tp_stack_join(const struct tp_stack *st, const struct tp_tensor *first,
    size_t n, size_t len, struct tp_stack_plan *p, struct tp_msg *m)
{
	int nd = first->ndim, a = join_axis(st, nd), nout = 0;
	size_t out[TP_MAXDIM];
	char sh[TP_MAXDIM * 22 + 4];
	struct tp_msg sm;
	const char *why;

	memset(p, 0, sizeof *p);
	tp_shape_str(first, sh, sizeof sh);
	if (st->join == TP_JOIN_CONCAT && nd == 0)
		return tp_msgf(m, "--concat cannot join records of shape %s: "
		    "they have no axis", sh);
	if (a < 0)
		return tp_msgf(m, "--axis %lld is out of bounds for %s of "
		    "shape %s", st->axis, st->join == TP_JOIN_STACK ?
		    "--stack" : "--concat", sh);
	if (st->join == TP_JOIN_STACK && nd == TP_MAXDIM)
		return tp_msgf(m, "--stack: records of shape %s have %d axes "
		    "already", sh, TP_MAXDIM);
	for (int k = 0; k < nd; k++) {
		if (k == a)
			out[nout++] = st->join == TP_JOIN_STACK ? n : len;
		if (k != a || st->join == TP_JOIN_STACK)
			out[nout++] = first->shape[k];
	}
	if (a == nd)
		out[nout++] = n;
	p->out = *first;
	p->out.data = NULL;
	if ((why = tp_set_shape(&p->out, nout, out, &sm)))
		return tp_msgf(m, "the joined %s", why);
	p->axis = a;
	p->nouter = prod(first, 0, a);
	return NULL;
}

size_t
tp_stack_block(const struct tp_stack_plan *p, const struct tp_tensor *t)
{
	return p->nouter ? t->nbytes / p->nouter : 0;
}

tp_why
tp_stack_part(const struct tp_stack *st, const struct tp_tensor *hdr,
    struct tp_stack_plan *p, struct tp_msg *m)
{
	int nd = hdr->ndim, a = reshape_norm_axis(st->paxis, nd), nout = 0;
	size_t out[TP_MAXDIM], len, esz = tp_dtype_size(hdr->dtype);
	char sh[TP_MAXDIM * 22 + 4];
	struct tp_msg sm;

	memset(p, 0, sizeof *p);
	tp_shape_str(hdr, sh, sizeof sh);
	if (a < 0)
		return tp_msgf(m, "%s: axis %lld is out of bounds for shape %s",
		    st->part == TP_PART_UNSTACK ? "--unstack" : "--split",
		    st->paxis, sh);
	len = hdr->shape[a];
	p->npiece = st->part == TP_PART_UNSTACK ? len : (size_t)st->k;
	if (st->part == TP_PART_SPLIT && len % p->npiece)
		return tp_msgf(m, "--split %lld=%lld: axis %d of shape %s has "
		    "length %zu, which %lld pieces do not divide equally",
		    st->paxis, st->k, a, sh, len, st->k);
	for (int k = 0; k < nd; k++)
		if (k != a)
			out[nout++] = hdr->shape[k];
		else if (st->part == TP_PART_SPLIT)
			out[nout++] = len / p->npiece;
	p->out = *hdr;
	p->out.data = NULL;
	tp_set_shape(&p->out, nout, out, &sm);	/* no larger: fits */
	p->axis = a;
	p->nouter = prod(hdr, 0, a);
	p->stride = prod(hdr, a, nd) * esz;
	p->block = p->npiece ? p->stride / p->npiece : 0;
	p->stream = p->nouter == 1;	/* pieces one after another */
	return NULL;
}

char *
tp_stack_explain(const struct tp_stack *st, const struct tp_stack_plan *join,
    const struct tp_stack_plan *part)
{
	struct text t = { tp_emalloc(256), 0, 256 };
	char a[TP_MAXDIM * 22 + 4];

	t.s[0] = '\0';
	if (part)
		reshape_say(&t, "  %s: %zu record%s of shape %s%s\n",
		    st->part == TP_PART_UNSTACK ? "unstacked" : "split",
		    part->npiece, part->npiece == 1 ? "" : "s",
		    tp_shape_str(&part->out, a, sizeof a), part->stream ?
		    ", each streamed" : ", each copied from the record read "
		    "whole");
	else if (join)
		reshape_say(&t, "  %s along axis %d: the group is one record "
		    "of shape %s (memory holds that one record)\n",
		    st->join == TP_JOIN_STACK ? "stacked" : "concatenated",
		    join->axis, tp_shape_str(&join->out, a, sizeof a));
	if (part || join)
		return t.s;
	if (st->part == TP_PART_UNSTACK)
		reshape_say(&t, "unstack axis %lld: each record becomes one "
		    "record per index of it (list(np.moveaxis(a, %lld, 0)))\n",
		    st->paxis, st->paxis);
	else if (st->part)
		reshape_say(&t, "split axis %lld into %lld equal pieces "
		    "(numpy.split(a, %lld, %lld))\n", st->paxis, st->k, st->k,
		    st->paxis);
	if (st->join) {
		char n[32];

		snprintf(n, sizeof n, "%ld", st->n);
		reshape_say(&t, "%s %s records along axis %lld (numpy.%s): "
		    "memory holds one output record\n", st->join ==
		    TP_JOIN_STACK ? "stack" : "concatenate", st->n ? n :
		    "all the", st->axis, st->join == TP_JOIN_STACK ? "stack" :
		    "concatenate");
	}
	return t.s;
}
