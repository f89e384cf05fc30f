/*
 * reshape.c - the reshape engine (reshape.h): the request forms, the
 * einops grammar, resolution against a record's shape, the --explain
 * text, and the threaded permutation of raw elements (with reduce and
 * repeat on top of it).
 *
 * The grammar follows einops (einops/parsing.py, and the checks of
 * _prepare_transformation_recipe): names are identifiers that neither
 * start nor end with '_'; parentheses group axes one level deep; "..."
 * stands for any number of axes, once per side, never inside
 * parentheses on the left; an anonymous "1" is an axis of length 1
 * (ignored inside parentheses); a group on the left holds at most one
 * name whose size is neither given (NAME=SIZE) nor the whole axis.  A
 * rearrange has every name once on each side; a reduce may drop names
 * (and "...") on the right; a repeat may add names with given sizes, and
 * numbers, on the right.
 */
#include <complex.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "reshape.h"

/* --- parsing the request ------------------------------------------------ */

/* Index of name in rq's names (anonymous axes aside), adding it if add;
 * -1 if absent. */
static int
name_index(struct tp_reshape *rq, const char *name, size_t len, int add)
{
	for (int i = 0; i < rq->nnames; i++)
		if (!rq->anon[i] && strlen(rq->names[i]) == len &&
		    !memcmp(rq->names[i], name, len))
			return i;
	if (!add)
		return -1;
	memcpy(rq->names[rq->nnames], name, len);
	rq->names[rq->nnames][len] = '\0';
	rq->size[rq->nnames] = -1;
	rq->anon[rq->nnames] = 0;
	return rq->nnames++;
}

/* Add item (a name index or the ellipsis) to the group being built. */
static const char *
add_item(struct tp_reshape_side *s, int item, const char *pat,
    struct tp_msg *m)
{
	int n = s->first[s->ngroups + 1];

	if (n > TP_MAXDIM)
		return tp_msgf(m, "pattern '%s' has more than %d axes", pat,
		    TP_MAXDIM);
	s->item[n] = item;
	s->first[s->ngroups + 1]++;
	return NULL;
}

/* Start a new group in s. */
static const char *
open_group(struct tp_reshape_side *s, int paren, const char *pat,
    struct tp_msg *m)
{
	if (s->ngroups == TP_MAXDIM)
		return tp_msgf(m, "pattern '%s' has more than %d axes", pat,
		    TP_MAXDIM);
	s->paren[s->ngroups] = paren;
	s->first[s->ngroups + 1] = s->first[s->ngroups];
	return NULL;
}

/* Close the group being built. */
static void
close_group(struct tp_reshape_side *s)
{
	s->ngroups++;
}

/*
 * Add the identifier tok (len bytes: a name, a number or "...") to side
 * s; in_paren says whether a group is open.  A number other than 1 is an
 * anonymous axis of that length, allowed only on the right of a repeat.
 */
static const char *
add_token(struct tp_reshape *rq, struct tp_reshape_side *s, const char *tok,
    size_t len, int in_paren, const char *pat, struct tp_msg *m)
{
	int right = s == &rq->right;
	const char *why;
	int all_digits = 1, idx;

	if (len == 3 && !memcmp(tok, "...", 3)) {
		s->ellipsis = 1 + in_paren;	/* 2: inside parentheses */
		if (!in_paren) {
			if ((why = open_group(s, 0, pat, m)))
				return why;
			why = add_item(s, TP_RESHAPE_ELLIPSIS, pat, m);
			close_group(s);
			return why;
		}
		return add_item(s, TP_RESHAPE_ELLIPSIS, pat, m);
	}
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)tok[i]))
			all_digits = 0;
	if (all_digits) {
		size_t i = 0;

		while (i < len - 1 && tok[i] == '0')
			i++;
		if (len - i == 1 && tok[i] == '1') {	/* anonymous 1 */
			if (in_paren)
				return NULL;
			if ((why = open_group(s, 0, pat, m)))
				return why;
			close_group(s);
			return NULL;
		}
		if (len - i == 1 && tok[i] == '0')
			return tp_msgf(m, "pattern '%s': an anonymous axis must "
			    "have a positive length, not 0", pat);
		if (rq->op != TP_OP_REPEAT || !right)
			return tp_msgf(m, "pattern '%s': anonymous axes other "
			    "than 1 ('%.*s') are only for new axes of "
			    "--repeat", pat, (int)len, tok);
		if (len - i >= sizeof rq->names[0] || len - i > 18)
			return tp_msgf(m, "pattern '%s': anonymous axis "
			    "'%.*s' is too long", pat, (int)len, tok);
		if (rq->nnames == TP_MAXDIM)
			return tp_msgf(m, "pattern '%s' has more than %d "
			    "names", pat, TP_MAXDIM);
		idx = rq->nnames++;
		memcpy(rq->names[idx], tok + i, len - i);
		rq->names[idx][len - i] = '\0';
		rq->size[idx] = strtoll(rq->names[idx], NULL, 10);
		rq->anon[idx] = 1;
		goto add;
	}
	if (isdigit((unsigned char)tok[0]))
		return tp_msgf(m, "pattern '%s': invalid axis name '%.*s': not "
		    "an identifier", pat, (int)len, tok);
	if (tok[0] == '_' || tok[len - 1] == '_')
		return tp_msgf(m, "pattern '%s': invalid axis name '%.*s': a "
		    "name must not start or end with '_'", pat, (int)len, tok);
	if (len >= sizeof rq->names[0])
		return tp_msgf(m, "pattern '%s': axis name '%.*s' is longer "
		    "than %zu characters", pat, (int)len, tok,
		    sizeof rq->names[0] - 1);
	idx = name_index(rq, tok, len, 0);
	if (idx >= 0) {
		for (int i = 0; i < s->first[s->ngroups + in_paren]; i++)
			if (s->item[i] == idx)
				return tp_msgf(m, "pattern '%s': duplicate axis "
				    "'%s' on one side", pat, rq->names[idx]);
	} else {
		if (rq->nnames == TP_MAXDIM)
			return tp_msgf(m, "pattern '%s' has more than %d "
			    "names", pat, TP_MAXDIM);
		idx = name_index(rq, tok, len, 1);
	}
add:
	if (in_paren)
		return add_item(s, idx, pat, m);
	if ((why = open_group(s, 0, pat, m)) ||
	    (why = add_item(s, idx, pat, m)))
		return why;
	close_group(s);
	return NULL;
}

/* Parse one side of a pattern, the bytes [p, end), into s. */
static const char *
parse_side(struct tp_reshape *rq, struct tp_reshape_side *s, const char *p,
    const char *end, const char *pat, struct tp_msg *m)
{
	int in_paren = 0, dots = 0, ellipses = 0;
	const char *why;
	char q[200];

	memset(s, 0, sizeof *s);
	for (const char *c = p; c < end; c++) {
		dots += *c == '.';
		if (c + 3 <= end && !memcmp(c, "...", 3))
			ellipses++;
	}
	if (dots && (ellipses != 1 || dots != 3))
		return tp_msgf(m, "pattern '%s': dots may only appear as one "
		    "ellipsis (...) per side", pat);
	while (p < end) {
		const char *t = p;

		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (*p == '(') {
			if (in_paren)
				return tp_msgf(m, "pattern '%s': parentheses "
				    "nest only one level", pat);
			if ((why = open_group(s, 1, pat, m)))
				return why;
			in_paren = 1;
			p++;
			continue;
		}
		if (*p == ')') {
			if (!in_paren)
				return tp_msgf(m, "pattern '%s': unbalanced "
				    "parentheses", pat);
			close_group(s);
			in_paren = 0;
			p++;
			continue;
		}
		if (*p == '.') {
			p += 3;
		} else if (isalnum((unsigned char)*p) || *p == '_') {
			while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
				p++;
		} else
			return tp_msgf(m, "pattern '%s': unexpected character "
			    "'%s'", pat, tp_quote(p, 1, q, sizeof q));
		if ((why = add_token(rq, s, t, (size_t)(p - t), in_paren, pat,
		    m)))
			return why;
	}
	if (in_paren)
		return tp_msgf(m, "pattern '%s': unbalanced parentheses", pat);
	return NULL;
}

/* 1 if name index i appears on side s. */
static int
on_side(const struct tp_reshape_side *s, int i)
{
	for (int k = 0; k < s->first[s->ngroups]; k++)
		if (s->item[k] == i)
			return 1;
	return 0;
}

const struct tp_choice tp_reductions[] = {
	{ "sum", TP_OP_SUM }, { "mean", TP_OP_MEAN }, { "max", TP_OP_MAX },
	{ "min", TP_OP_MIN }, { NULL, 0 }
};

/* The name of a reduction, for messages. */
static const char *
reduce_name(enum tp_op r)
{
	const char *w = tp_choice_word(tp_reductions, (int)r);

	return w ? w : "none";
}

/* The name of a pattern's operation, for messages: "--reduce sum". */
static const char *
op_name(enum tp_op op)
{
	return op == TP_OP_SUM ? "--reduce sum" : op == TP_OP_MEAN ?
	    "--reduce mean" : op == TP_OP_MAX ? "--reduce max" :
	    op == TP_OP_MIN ? "--reduce min" : op == TP_OP_REPEAT ?
	    "--repeat" : "rearrange";
}

const char *
tp_reshape_parse_pattern(struct tp_reshape *rq, const char *text,
    enum tp_op op, int nsizes, char *const *sizes, struct tp_msg *m)
{
	const char *arrow = strstr(text, "->"), *why, *pattern;
	const struct tp_reshape_side *l = &rq->left;
	int reduces = TP_OP_REDUCES(op);

	memset(rq, 0, sizeof *rq);
	rq->form = TP_RESHAPE_PATTERN;
	rq->text = text;
	pattern = tp_quote(text, strlen(text), rq->shown, sizeof rq->shown);
	rq->op = op;
	if (!arrow)
		return tp_msgf(m, "pattern '%s' has no '->'", pattern);
	if (strstr(arrow + 2, "->"))
		return tp_msgf(m, "pattern '%s' has more than one '->'",
		    pattern);
	if ((why = parse_side(rq, &rq->left, text, arrow, pattern, m)) ||
	    (why = parse_side(rq, &rq->right, arrow + 2, text + strlen(text),
	    pattern, m)))
		return why;
	if (rq->right.ellipsis && !rq->left.ellipsis)
		return tp_msgf(m, "pattern '%s': '...' on the right but not on "
		    "the left", pattern);
	if (rq->left.ellipsis == 2)
		return tp_msgf(m, "pattern '%s': '...' inside parentheses on "
		    "the left", pattern);
	if (rq->left.ellipsis && !rq->right.ellipsis && !reduces)
		return tp_msgf(m, "pattern '%s': '...' on the left but not on "
		    "the right", pattern);
	for (int i = 0; i < rq->nnames; i++) {
		int inl = on_side(&rq->left, i), inr = on_side(&rq->right, i);

		if (reduces && !inl)
			return tp_msgf(m, "pattern '%s': '%s' is only on the "
			    "right side (%s only drops names)", pattern,
			    rq->names[i], op_name(op));
		if (op == TP_OP_REPEAT && !inr)
			return tp_msgf(m, "pattern '%s': '%s' is only on the "
			    "left side (--repeat only adds names)", pattern,
			    rq->names[i]);
		if (op == TP_OP_REARRANGE && inl != inr)
			return tp_msgf(m, "pattern '%s': '%s' is only on the "
			    "%s side (rearrange needs every name on both; "
			    "--reduce drops names, --repeat adds them)",
			    pattern, rq->names[i], inl ? "left" : "right");
	}
	if (reduces) {
		int dropped = rq->left.ellipsis && !rq->right.ellipsis;

		for (int i = 0; i < rq->nnames; i++)
			dropped |= !on_side(&rq->right, i);
		if (!dropped)
			return tp_msgf(m, "pattern '%s': %s needs a name on "
			    "the left that is not on the right", pattern,
			    op_name(op));
	}
	for (int k = 0; k < nsizes; k++) {
		const char *eq = strchr(sizes[k], '=');
		char *end, q[200], qn[200];
		long long v;
		int i;

		tp_quote(sizes[k], strlen(sizes[k]), q, sizeof q);
		if (!eq || eq == sizes[k])
			return tp_msgf(m, "'%s' is not NAME=SIZE", q);
		i = name_index(rq, sizes[k], (size_t)(eq - sizes[k]), 0);
		if (i < 0)
			return tp_msgf(m, "'%s': axis '%s' is not in pattern "
			    "'%s'", q, tp_quote(sizes[k], (size_t)(eq -
			    sizes[k]), qn, sizeof qn), pattern);
		errno = 0;
		v = strtoll(eq + 1, &end, 10);
		if (end == eq + 1 || *end || errno || v < 0)
			return tp_msgf(m, "'%s': the size of '%s' must be an "
			    "integer >= 0", q, rq->names[i]);
		if (rq->size[i] >= 0)
			return tp_msgf(m, "'%s': the size of '%s' is given "
			    "twice", q, rq->names[i]);
		rq->size[i] = v;
	}
	/* Each group on the left may leave one size to the record. */
	for (int g = 0; g < l->ngroups; g++) {
		int unknown = -1;

		if (l->first[g + 1] - l->first[g] < 2)
			continue;
		for (int k = l->first[g]; k < l->first[g + 1]; k++) {
			int i = l->item[k];

			if (rq->size[i] >= 0)
				continue;
			if (unknown >= 0)
				return tp_msgf(m, "pattern '%s': cannot infer "
				    "both '%s' and '%s' from one axis: give "
				    "the size of one (%s=N)", pattern,
				    rq->names[unknown], rq->names[i],
				    rq->names[unknown]);
			unknown = i;
		}
	}
	for (int i = 0; i < rq->nnames; i++)
		if (op == TP_OP_REPEAT && !on_side(l, i) && rq->size[i] < 0)
			return tp_msgf(m, "pattern '%s': new axis '%s' needs "
			    "its size (%s=N)", pattern, rq->names[i],
			    rq->names[i]);
	return NULL;
}

/* Parse a comma list of integers into rq->v; what names it in messages. */
static const char *
parse_ints(struct tp_reshape *rq, const char *s, const char *what,
    struct tp_msg *m)
{
	const char *p = s;

	rq->n = 0;
	while (*p == ' ')
		p++;
	if (*p == '\0' || !strcmp(p, "()"))
		return NULL;		/* no axes: a 0-d record */
	for (;;) {
		char *end;
		long long v;

		while (*p == ' ')
			p++;
		errno = 0;
		v = strtoll(p, &end, 10);
		if (end == p || errno)
			return tp_msgf(m, "%s '%s': expected comma-separated "
			    "axes", what, rq->shown);
		if (rq->n == TP_MAXDIM)
			return tp_msgf(m, "%s '%s': more than %d axes", what,
			    rq->shown, TP_MAXDIM);
		rq->v[rq->n++] = v;
		p = end;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return NULL;
		if (*p++ != ',')
			return tp_msgf(m, "%s '%s': expected comma-separated "
			    "axes", what, rq->shown);
	}
}

/* --take AXIS=INDEX into rq->v[0] (axis) and rq->v[1] (index). */
static const char *
parse_take(struct tp_reshape *rq, const char *s, struct tp_msg *m)
{
	const char *p = s;

	for (rq->n = 0; rq->n < 2; rq->n++) {
		char *end;

		errno = 0;
		rq->v[rq->n] = strtoll(p, &end, 10);
		if (end == p || errno || *p == ' ' || *end != "=\0"[rq->n])
			return tp_msgf(m, "--take '%s': expected axis=index "
			    "(two integers, such as 0=3)", rq->shown);
		p = end + 1;
	}
	return NULL;
}

const char *
tp_reshape_parse(struct tp_reshape *rq, enum tp_reshape_form form,
    const char *arg, struct tp_msg *m)
{
	const char *why;
	struct tp_msg sm;
	size_t shape[TP_MAXDIM];

	memset(rq, 0, sizeof *rq);
	rq->form = form;
	rq->text = arg ? arg : "";
	tp_quote(rq->text, strlen(rq->text), rq->shown, sizeof rq->shown);
	switch (form) {
	case TP_RESHAPE_SHAPE:
		if ((why = tp_parse_shape(arg, shape, TP_MAXDIM, &rq->n, 1,
		    &sm)))
			return tp_msgf(m, "%s", why);
		for (int i = 0; i < rq->n; i++)
			rq->v[i] = shape[i] == SIZE_MAX ? -1 :
			    (long long)shape[i];
		return NULL;
	case TP_RESHAPE_PERMUTE:
		if ((why = parse_ints(rq, arg, "--permute", m)))
			return why;
		for (int i = 0; i < rq->n; i++)
			for (int j = 0; j < i; j++)
				if (rq->v[i] == rq->v[j])
					return tp_msgf(m, "--permute '%s' "
					    "repeats axis %lld", rq->shown, rq->v[i]);
		return NULL;
	case TP_RESHAPE_SQUEEZE:
		rq->all = arg == NULL;
		return arg ? parse_ints(rq, arg, "--squeeze", m) : NULL;
	case TP_RESHAPE_UNSQUEEZE:
		if ((why = parse_ints(rq, arg, "--unsqueeze", m)))
			return why;
		if (rq->n != 1)
			return tp_msgf(m, "--unsqueeze '%s': give one axis",
			    rq->shown);
		return NULL;
	case TP_RESHAPE_TRANSPOSE:
		return NULL;
	case TP_RESHAPE_TAKE:
		return parse_take(rq, arg, m);
	case TP_RESHAPE_PATTERN:
		break;
	}
	return tp_msgf(m, "pattern form needs tp_reshape_parse_pattern");
}

const char *
tp_reshape_parse_operands(struct tp_reshape *rq, enum tp_op op, int argc,
    char *const *argv, int *used, struct tp_msg *m)
{
	int nsizes = 0;
	char q[200];

	*used = 1;
	tp_quote(argv[0], strlen(argv[0]), q, sizeof q);
	if (strstr(argv[0], "->")) {
		while (nsizes < argc - 1 && strchr(argv[1 + nsizes], '='))
			nsizes++;
		*used += nsizes;
		return tp_reshape_parse_pattern(rq, argv[0], op, nsizes,
		    argv + 1, m);
	}
	/* a shape is sizes, commas, 'x' and brackets; anything else is
	 * taken for a pattern without its arrow */
	if (argv[0][strspn(argv[0], "0123456789-,x ()[]")])
		return tp_msgf(m, "'%s' is neither a shape (such as 8,1,256) "
		    "nor a pattern (it has no '->')", q);
	if (op != TP_OP_REARRANGE)
		return tp_msgf(m, "%s takes a pattern, not the shape '%s'",
		    op_name(op), q);
	return tp_reshape_parse(rq, TP_RESHAPE_SHAPE, argv[0], m);
}

int
tp_reshape_is_axes(const char *s)
{
	const char *p = s;

	do {
		p += *p == '-';
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	} while (*p++ == ',');
	return p[-1] == '\0';
}

/* --- resolving against a record ----------------------------------------- */

/* 1 if p's order moves no element: the axes longer than 1 keep their
 * relative order, or there is no element. */
static int
moves_nothing(const struct tp_reshape_plan *p)
{
	int last = -1;

	if (p->in.count == 0)
		return 1;
	for (int k = 0; k < p->nel; k++) {
		if (p->el[p->perm[k]] == 1)
			continue;
		if (p->perm[k] < last)
			return 0;
		last = p->perm[k];
	}
	return 1;
}

/*
 * Finish plan p: its output header (the input's dtype, shape out of nout
 * axes) and whether it is a view.  Returns NULL, or, formatted into m,
 * "the output shape (...) of DTYPE overflows" (with a zero-length axis
 * the other sizes are not bounded by the record's count).
 */
static const char *
finish_plan(struct tp_reshape_plan *p, int nout, const size_t *out,
    struct tp_msg *m)
{
	struct tp_msg sm;

	p->out = p->in;
	if (tp_set_shape(&p->out, nout, out, &sm))
		return tp_msgf(m, "the output %s", sm.text);
	p->view = moves_nothing(p);
	return NULL;
}

/* The identity on the input's own axes. */
static void
plain_axes(struct tp_reshape_plan *p)
{
	p->nel = p->in.ndim;
	for (int i = 0; i < p->nel; i++) {
		p->el[i] = p->in.shape[i];
		p->perm[i] = i;
		p->elname[i][0] = '\0';
	}
}

/* Normalise axis a of an ndim-axis record as numpy does; -1 if out of
 * bounds. */
static int
norm_axis(long long a, int ndim)
{
	if (a < -ndim || a >= ndim)
		return -1;
	return (int)(a < 0 ? a + ndim : a);
}

/* --take AXIS=INDEX: the slice INDEX of AXIS, that axis removed (numpy
 * take with a scalar index); an index out of range is refused as numpy's
 * IndexError. */
static const char *
resolve_take(const struct tp_reshape *rq, struct tp_reshape_plan *p,
    const char *sh, struct tp_msg *m)
{
	int n = p->in.ndim, a = norm_axis(rq->v[0], n), nout = 0;
	size_t out[TP_MAXDIM], outer = 1, inner, len;
	long long i = rq->v[1];
	struct tp_msg sm;

	if (a < 0)
		return tp_msgf(m, "--take '%s': axis %lld is out of bounds "
		    "for shape %s", rq->shown, rq->v[0], sh);
	len = p->in.shape[a];
	if (i < 0 ? (unsigned long long)-(i + 1) >= len :
	    (unsigned long long)i >= len)
		return tp_msgf(m, "--take '%s': index %lld is out of bounds "
		    "for axis %d with size %zu (shape %s)", rq->shown, i, a,
		    len, sh);
	if (i < 0)
		i += (long long)len;
	inner = tp_dtype_size(p->in.dtype);
	for (int k = 0; k < n; k++) {
		if (k < a)
			outer *= p->in.shape[k];
		else if (k > a)
			inner *= p->in.shape[k];
		if (k != a)
			out[nout++] = p->in.shape[k];
	}
	plain_axes(p);
	p->take = 1;
	p->nblock = p->in.nbytes ? outer : 0;	/* no bytes: no blocks */
	p->block = inner;
	p->stride = inner * len;
	p->offset = inner * (size_t)i;
	p->index = (size_t)i;
	if (finish_plan(p, nout, out, &sm))
		return tp_msgf(m, "--take '%s' on shape %s: %s", rq->shown,
		    sh, sm.text);
	p->view = 0;
	return NULL;
}

/* A new shape (numpy reshape, one -1 inferred). */
static const char *
resolve_shape(const struct tp_reshape *rq, struct tp_reshape_plan *p,
    const char *sh, struct tp_msg *m)
{
	size_t out[TP_MAXDIM], known = 1;
	int infer = -1;
	struct tp_msg sm;
	const char *why;

	for (int i = 0; i < rq->n; i++) {
		if (rq->v[i] < 0) {
			infer = i;
			continue;
		}
		out[i] = (size_t)rq->v[i];
		if (out[i] && known > SIZE_MAX / out[i])
			return tp_msgf(m, "cannot reshape %s into shape "
			    "'%s': the sizes overflow", sh, rq->shown);
		known *= out[i];
	}
	if (infer >= 0) {
		if (known == 0)
			return tp_msgf(m, "cannot reshape %s into shape "
			    "'%s': -1 is undetermined when the other sizes "
			    "multiply to 0", sh, rq->shown);
		if (p->in.count % known)
			return tp_msgf(m, "cannot reshape %s (%zu elements) "
			    "into shape '%s': %zu is not a multiple of %zu", sh,
			    p->in.count, rq->shown, p->in.count, known);
		out[infer] = p->in.count / known;
	} else if (known != p->in.count)
		return tp_msgf(m, "cannot reshape %s (%zu elements) into "
		    "shape '%s' (%zu elements)", sh, p->in.count, rq->shown,
		    known);
	plain_axes(p);
	if ((why = finish_plan(p, rq->n, out, &sm)))
		return tp_msgf(m, "cannot reshape %s into shape '%s': %s", sh,
		    rq->shown, why);
	return NULL;
}

/* --permute and --transpose. */
static const char *
resolve_permute(const struct tp_reshape *rq, struct tp_reshape_plan *p,
    const char *sh, struct tp_msg *m)
{
	int n = p->in.ndim, seen[TP_MAXDIM] = { 0 };
	size_t out[TP_MAXDIM];

	plain_axes(p);
	if (rq->form == TP_RESHAPE_TRANSPOSE) {
		for (int k = 0; k < n; k++)
			p->perm[k] = n - 1 - k;
	} else {
		if (rq->n != n)
			return tp_msgf(m, "--permute '%s' names %d ax%s but "
			    "shape %s has %d", rq->shown, rq->n, rq->n == 1 ?
			    "is" : "es", sh, n);
		for (int k = 0; k < n; k++) {
			int a = norm_axis(rq->v[k], n);

			if (a < 0)
				return tp_msgf(m, "--permute '%s': axis %lld "
				    "is out of bounds for shape %s", rq->shown,
				    rq->v[k], sh);
			if (seen[a]++)
				return tp_msgf(m, "--permute '%s' repeats axis "
				    "%d of shape %s", rq->shown, a, sh);
			p->perm[k] = a;
		}
	}
	for (int k = 0; k < n; k++)
		out[k] = p->in.shape[p->perm[k]];
	return finish_plan(p, n, out, m);	/* the same sizes: fits */
}

/* --squeeze[=AXES] and --unsqueeze AXIS. */
static const char *
resolve_squeeze(const struct tp_reshape *rq, struct tp_reshape_plan *p,
    const char *sh, struct tp_msg *m)
{
	int n = p->in.ndim, drop[TP_MAXDIM] = { 0 }, nout = 0;
	size_t out[TP_MAXDIM];

	if (rq->form == TP_RESHAPE_UNSQUEEZE) {
		long long a = rq->v[0];

		if (a < -n - 1 || a > n)
			return tp_msgf(m, "--unsqueeze %lld is out of range "
			    "[%d, %d] for shape %s", a, -n - 1, n, sh);
		if (n == TP_MAXDIM)
			return tp_msgf(m, "--unsqueeze: shape %s already has "
			    "%d axes", sh, TP_MAXDIM);
		if (a < 0)
			a += n + 1;
		for (int i = 0; i <= n; i++)
			out[i] = i < a ? p->in.shape[i] : i == a ? 1 :
			    p->in.shape[i - 1];
		plain_axes(p);
		return finish_plan(p, n + 1, out, m);	/* fits */
	}
	for (int k = 0; k < rq->n; k++) {
		int a = norm_axis(rq->v[k], n);

		if (a < 0)
			return tp_msgf(m, "--squeeze: axis %lld is out of "
			    "bounds for shape %s", rq->v[k], sh);
		if (drop[a])
			return tp_msgf(m, "--squeeze: axis %d of shape %s is "
			    "given twice", a, sh);
		if (p->in.shape[a] != 1)
			return tp_msgf(m, "--squeeze: cannot squeeze axis %d "
			    "of shape %s: its length is %zu, not 1", a, sh,
			    p->in.shape[a]);
		drop[a] = 1;
	}
	for (int i = 0; i < n; i++)
		if (!(rq->all ? p->in.shape[i] == 1 : drop[i]))
			out[nout++] = p->in.shape[i];
	plain_axes(p);
	return finish_plan(p, nout, out, m);	/* fewer axes: fits */
}

/* "h=8 w=3" or "h=8": the sizes of the names of left group g. */
static const char *
group_sizes(const struct tp_reshape *rq, const struct tp_reshape_side *s,
    int g, const long long *size, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int k = s->first[g]; k < s->first[g + 1] && n < len; k++) {
		int i = s->item[k];

		if (size[i] < 0)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s=%lld",
		    n ? " " : "", rq->names[i], size[i]);
	}
	return buf;
}

/* The group g of s as written: "(h w)", "b", "1". */
static const char *
group_text(const struct tp_reshape *rq, const struct tp_reshape_side *s,
    int g, char *buf, size_t len)
{
	size_t n = 0;
	int k0 = s->first[g], k1 = s->first[g + 1];

	buf[0] = '\0';
	if (k0 == k1)
		return s->paren[g] ? "()" : "1";
	if (s->paren[g])
		n += (size_t)snprintf(buf, len, "(");
	for (int k = k0; k < k1 && n < len; k++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", k > k0 ? " " :
		    "", s->item[k] < 0 ? "..." : rq->names[s->item[k]]);
	if (s->paren[g] && n < len)
		snprintf(buf + n, len - n, ")");
	return buf;
}

/* The dtype a reduction r of dtype t gives, as numpy's. */
static enum tp_dtype
reduce_dtype(enum tp_op r, enum tp_dtype t)
{
	if (r == TP_OP_MAX || r == TP_OP_MIN)
		return t;
	if (tp_dtype_is_int(t)) {
		if (r == TP_OP_MEAN)
			return TP_F8;
		return t == TP_U1 || t == TP_U2 || t == TP_U4 || t == TP_U8 ?
		    TP_U8 : TP_I8;
	}
	return t;
}

/*
 * Finish the plan of a reduction: after the np kept axes in perm come
 * the reduced ones (the left's names missing on the right, in the left's
 * order, and the ellipsis's axes if the right has no "..."); the output
 * has nout axes out and the reduction's dtype.
 */
static const char *
reduce_plan(const struct tp_reshape *rq, struct tp_reshape_plan *p, int np,
    int nout, const size_t *out, const char *sh, struct tp_msg *m)
{
	enum tp_dtype t = p->in.dtype;
	struct tp_msg sm;
	const char *why;

	p->nreduce = 1;
	for (int e = 0; e < p->nel; e++) {
		int kept = 0;

		for (int k = 0; k < np; k++)
			kept |= p->perm[k] == e;
		if (kept)
			continue;
		p->perm[np++] = e;
		p->nreduce *= p->el[e];
	}
	p->op = rq->op;
	if ((rq->op == TP_OP_MAX || rq->op == TP_OP_MIN) &&
	    tp_dtype_is_complex(t))
		return tp_msgf(m, "--reduce %s: %s has no order (record of "
		    "shape %s)", reduce_name(rq->op), tp_dtype_name(t), sh);
	if ((rq->op == TP_OP_MAX || rq->op == TP_OP_MIN) &&
	    p->nreduce == 0)
		return tp_msgf(m, "pattern '%s' on shape %s: --reduce %s of "
		    "zero elements has no value", rq->shown, sh,
		    reduce_name(rq->op));
	p->in.dtype = reduce_dtype(rq->op, t);	/* the output's */
	why = finish_plan(p, nout, out, &sm);
	p->in.dtype = t;
	if (why)
		return tp_msgf(m, "pattern '%s' on shape %s: %s", rq->shown,
		    sh, why);
	p->view = 0;
	return NULL;
}

/* Append the elementary axis name of length len to p; returns its index,
 * or -1 if p has TP_MAXDIM already. */
static int
add_el(struct tp_reshape_plan *p, const char *name, long long len)
{
	if (p->nel == TP_MAXDIM)
		return -1;
	snprintf(p->elname[p->nel], sizeof p->elname[0], "%s", name);
	p->el[p->nel] = (size_t)len;
	return p->nel++;
}

/* An einops pattern (rearrange, reduce or repeat). */
static const char *
resolve_pattern(const struct tp_reshape *rq, struct tp_reshape_plan *p,
    const char *sh, struct tp_msg *m)
{
	const struct tp_reshape_side *l = &rq->left, *r = &rq->right;
	int n = p->in.ndim, nother = l->ngroups - (l->ellipsis ? 1 : 0);
	int ell = 0, ell0 = -1, elof[TP_MAXDIM], nout = 0, axis = 0;
	long long size[TP_MAXDIM];
	size_t out[TP_MAXDIM];
	char gb[200], sb[200];
	struct tp_msg sm;
	const char *why;

	if (l->ellipsis ? n < nother : n != nother)
		return tp_msgf(m, "pattern '%s' wants %s%d ax%s but shape %s "
		    "has %d", rq->shown, l->ellipsis ? "at least " : "", nother,
		    nother == 1 ? "is" : "es", sh, n);
	ell = n - nother;
	memcpy(size, rq->size, sizeof size);
	p->nel = 0;
	for (int g = 0; g < l->ngroups; g++) {
		int k0 = l->first[g], k1 = l->first[g + 1], unknown = -1;
		int over = 0;
		size_t len, known = 1;

		if (k1 - k0 == 1 && l->item[k0] == TP_RESHAPE_ELLIPSIS) {
			ell0 = p->nel;
			for (int e = 0; e < ell; e++) {
				if (p->nel == TP_MAXDIM)
					goto too_many;
				snprintf(p->elname[p->nel], sizeof p->elname[0],
				    "...%d", e);
				p->el[p->nel++] = p->in.shape[axis++];
			}
			continue;
		}
		len = p->in.shape[axis];
		/* a product that overflows fits no axis (it might wrap to
		 * the axis's length) */
		for (int k = k0; k < k1; k++) {
			int i = l->item[k];

			if (size[i] < 0)
				unknown = i;
			else
				over |= __builtin_mul_overflow(known,
				    (size_t)size[i], &known);
		}
		if (unknown < 0 && (over || known != len)) {
			if (k1 - k0 == 0)
				return tp_msgf(m, "pattern '%s' on shape %s: "
				    "axis %d has length %zu, not 1", rq->shown,
				    sh, axis, len);
			return tp_msgf(m, "pattern '%s' on shape %s: axis %d "
			    "%s has length %zu, not %s", rq->shown, sh, axis,
			    group_text(rq, l, g, gb, sizeof gb), len,
			    group_sizes(rq, l, g, size, sb, sizeof sb));
		}
		if (unknown >= 0 && k1 - k0 > 1 && (over || known == 0 ||
		    len % known)) {
			if (!over && known == 0 && len == 0)
				return tp_msgf(m, "pattern '%s' on shape %s: "
				    "cannot infer '%s' from axis %d %s of "
				    "length 0 with %s", rq->shown, sh,
				    rq->names[unknown], axis, group_text(rq,
				    l, g, gb, sizeof gb), group_sizes(rq, l, g,
				    size, sb, sizeof sb));
			return tp_msgf(m, "pattern '%s' on shape %s: cannot "
			    "split axis %d %s of length %zu into groups of %s",
			    rq->shown, sh, axis, group_text(rq, l, g, gb,
			    sizeof gb), len, group_sizes(rq, l, g, size, sb,
			    sizeof sb));
		}
		if (unknown >= 0)
			size[unknown] = (long long)(len / (known ? known : 1));
		for (int k = k0; k < k1; k++) {
			int i = l->item[k];

			if ((elof[i] = add_el(p, rq->names[i], size[i])) < 0)
				goto too_many;
		}
		axis++;
	}
	/* --repeat: the new axes come after the input's. */
	p->nsrc = p->nel;
	p->nrepeat = 1;
	for (int k = 0; k < r->first[r->ngroups]; k++) {
		int i = r->item[k];

		if (i == TP_RESHAPE_ELLIPSIS || on_side(l, i))
			continue;
		if ((elof[i] = add_el(p, rq->names[i], size[i])) < 0)
			goto too_many;
		if (size[i] && p->nrepeat > SIZE_MAX / (size_t)size[i])
			return tp_msgf(m, "pattern '%s' on shape %s: the new "
			    "axes' sizes overflow", rq->shown, sh);
		p->nrepeat *= (size_t)size[i];
	}
	/* The right side: the output order and shape. */
	{
		int np = 0;

		for (int g = 0; g < r->ngroups; g++) {
			int k0 = r->first[g], k1 = r->first[g + 1];
			int bare_ell = k1 - k0 == 1 &&
			    r->item[k0] == TP_RESHAPE_ELLIPSIS && !r->paren[g];
			size_t prod = 1;

			for (int k = k0; k < k1; k++) {
				int i = r->item[k];

				if (i != TP_RESHAPE_ELLIPSIS) {
					p->perm[np++] = elof[i];
					prod *= p->el[elof[i]];
					continue;
				}
				for (int e = 0; e < ell; e++) {
					p->perm[np++] = ell0 + e;
					prod *= p->el[ell0 + e];
					if (bare_ell) {
						if (nout == TP_MAXDIM)
							goto too_many;
						out[nout++] = p->el[ell0 + e];
					}
				}
			}
			if (bare_ell)
				continue;
			if (nout == TP_MAXDIM)
				goto too_many;
			out[nout++] = prod;
		}
		p->nkept = np;
		if (TP_OP_REDUCES(rq->op))
			return reduce_plan(rq, p, np, nout, out, sh, m);
	}
	if (rq->op == TP_OP_REPEAT &&
	    p->in.count > SIZE_MAX / (p->nrepeat ? p->nrepeat : 1))
		return tp_msgf(m, "pattern '%s' on shape %s: the output would "
		    "be too large", rq->shown, sh);
	if ((why = finish_plan(p, nout, out, &sm)))
		return tp_msgf(m, "pattern '%s' on shape %s: %s", rq->shown, sh,
		    why);
	if (rq->op == TP_OP_REPEAT) {
		p->op = TP_OP_REPEAT;
		if (p->nrepeat != 1)
			p->view = 0;
	}
	return NULL;
too_many:
	return tp_msgf(m, "pattern '%s' on shape %s: more than %d axes",
	    rq->shown, sh, TP_MAXDIM);
}

const char *
tp_reshape_resolve(const struct tp_reshape *rq, const struct tp_tensor *hdr,
    struct tp_reshape_plan *plan, struct tp_msg *m)
{
	char sh[TP_MAXDIM * 22 + 4];

	memset(plan, 0, sizeof *plan);
	plan->in = *hdr;
	plan->in.data = NULL;
	tp_shape_str(hdr, sh, sizeof sh);
	switch (rq->form) {
	case TP_RESHAPE_SHAPE:
		return resolve_shape(rq, plan, sh, m);
	case TP_RESHAPE_PERMUTE:
	case TP_RESHAPE_TRANSPOSE:
		return resolve_permute(rq, plan, sh, m);
	case TP_RESHAPE_SQUEEZE:
	case TP_RESHAPE_UNSQUEEZE:
		return resolve_squeeze(rq, plan, sh, m);
	case TP_RESHAPE_TAKE:
		return resolve_take(rq, plan, sh, m);
	case TP_RESHAPE_PATTERN:
		return resolve_pattern(rq, plan, sh, m);
	}
	return "unknown reshape form";
}

/* --- running ------------------------------------------------------------- */

struct run_job {
	struct tp_permute perm;
	void *dst;
	const void *src;
	size_t per;			/* blocks per item */
};

/* Item i of tp_parallel: its range of blocks. */
static void
run_item(void *arg, size_t i, int tid)
{
	struct run_job *j = arg;

	(void)tid;
	tp_permute_run(&j->perm, j->dst, j->src, i * j->per, (i + 1) * j->per);
}

/* Elements converted a chunk at a time for a reduction. */
#define REDUCE_CHUNK 256

/*
 * The index of the largest (max) or smallest (min) of the n elements at
 * p (dtype t, not complex); the first NaN wins, as numpy's max and min
 * propagate it.  64-bit integers are compared as they are, the other
 * dtypes as doubles (exact for them).
 */
static size_t
extreme(enum tp_op r, enum tp_dtype t, const unsigned char *p, size_t n)
{
	double v[REDUCE_CHUNK], best = 0;
	size_t at = 0, es = tp_dtype_size(t);
	int mx = r == TP_OP_MAX;

	if (t == TP_I8 || t == TP_U8) {
		for (size_t i = 1; i < n; i++) {
			int64_t x, y;

			memcpy(&x, p + i * 8, 8);
			memcpy(&y, p + at * 8, 8);
			if (t == TP_U8 ? (mx ? (uint64_t)x > (uint64_t)y :
			    (uint64_t)x < (uint64_t)y) : (mx ? x > y : x < y))
				at = i;
		}
		return at;
	}
	for (size_t i0 = 0; i0 < n; i0 += REDUCE_CHUNK) {
		size_t c = n - i0 < REDUCE_CHUNK ? n - i0 : REDUCE_CHUNK;

		tp_convert(v, TP_F8, p + i0 * es, t, c);
		if (i0 == 0)
			best = v[0];
		for (size_t i = 0; i < c; i++) {
			if (best != best)
				return at;
			if (v[i] != v[i] || (mx ? v[i] > best : v[i] < best)) {
				best = v[i];
				at = i0 + i;
			}
		}
	}
	return at;
}

/*
 * Reduce the n elements at p (dtype t) with r into the element at out
 * (dtype ot = reduce_dtype(r, t)).  Sums of integers and bool add up in
 * 64 bits of ot (wrapping), the others in double or complex double; the
 * result is converted to ot by tp_convert.
 */
static void
reduce_one(enum tp_op r, enum tp_dtype t, const unsigned char *p,
    size_t n, enum tp_dtype ot, unsigned char *out)
{
	union {
		uint64_t u[REDUCE_CHUNK];
		double d[REDUCE_CHUNK];
		double complex z[REDUCE_CHUNK];
	} v;
	size_t es = tp_dtype_size(t);
	enum tp_dtype at = tp_dtype_is_complex(t) ? TP_C16 :
	    ot == TP_I8 || ot == TP_U8 ? ot : TP_F8;
	uint64_t iacc = 0;
	double complex acc = 0;

	if (r == TP_OP_MAX || r == TP_OP_MIN) {
		memcpy(out, p + extreme(r, t, p, n) * es, es);
		return;
	}
	for (size_t i0 = 0; i0 < n; i0 += REDUCE_CHUNK) {
		size_t c = n - i0 < REDUCE_CHUNK ? n - i0 : REDUCE_CHUNK;

		tp_convert(&v, at, p + i0 * es, t, c);
		for (size_t i = 0; i < c; i++) {
			if (at == TP_C16)
				acc += v.z[i];
			else if (at == TP_F8)
				acc += v.d[i];
			else
				iacc += v.u[i];
		}
	}
	if (at == TP_I8 || at == TP_U8) {
		memcpy(out, &iacc, 8);
		return;
	}
	if (r == TP_OP_MEAN)	/* of no element: NaN, as numpy's mean */
		acc = n ? acc / (double)n : NAN * (1 + I);
	if (at == TP_F8) {
		double d = creal(acc);

		tp_convert(out, ot, &d, TP_F8, 1);
	} else
		tp_convert(out, ot, &acc, TP_C16, 1);
}

struct reduce_job {
	const struct tp_reshape_plan *plan;
	const unsigned char *data;	/* reduced axes last */
	unsigned char *dst;
	size_t per;			/* outputs per item */
};

/* Item i of tp_parallel: reduce its range of outputs. */
static void
reduce_item(void *arg, size_t i, int tid)
{
	const struct reduce_job *j = arg;
	const struct tp_reshape_plan *p = j->plan;
	size_t n = p->nreduce, es = tp_dtype_size(p->in.dtype);
	size_t oes = tp_dtype_size(p->out.dtype), end = (i + 1) * j->per;

	(void)tid;
	if (end > p->out.count)
		end = p->out.count;
	for (size_t o = i * j->per; o < end; o++)
		reduce_one(p->op, p->in.dtype, j->data + o * n * es, n,
		    p->out.dtype, j->dst + o * oes);
}

/* tp_reshape_run for a reduction: permute the reduced axes last (unless
 * they are), then reduce each output's run of elements. */
static void
reduce_run(const struct tp_reshape_plan *plan, void *dst, const void *src,
    int threads)
{
	struct tp_reshape_plan moved = *plan;
	struct reduce_job j = { plan, src, dst, 0 };
	unsigned char *tmp = NULL;
	size_t items;

	moved.op = TP_OP_REARRANGE;
	if (!moves_nothing(&moved)) {	/* the reduced axes are not last */
		tmp = tp_big_alloc(plan->in.nbytes);
		tp_reshape_run(&moved, tmp, src, threads);
		j.data = tmp;
	}
	if (plan->out.count == 0) {
		free(tmp);
		return;
	}
	if (plan->in.nbytes < ((size_t)1 << 20))
		threads = 1;
	items = (size_t)threads * 8;
	if (items > plan->out.count)
		items = plan->out.count;
	j.per = (plan->out.count + items - 1) / items;
	items = (plan->out.count + j.per - 1) / j.per;
	tp_parallel(threads, items, reduce_item, &j);
	free(tmp);
}

/* tp_reshape_run for --repeat: each input element nrepeat times in a
 * row (the new axes last), then the plan's permutation of that. */
static void
repeat_run(const struct tp_reshape_plan *plan, void *dst, const void *src,
    int threads)
{
	size_t es = tp_dtype_size(plan->in.dtype), r = plan->nrepeat;
	struct tp_reshape_plan moved = *plan;
	const unsigned char *s = src;
	unsigned char *big;

	if (plan->out.nbytes == 0)
		return;
	big = tp_big_alloc(plan->out.nbytes);
	for (size_t i = 0; i < plan->in.count; i++)
		for (size_t k = 0; k < r; k++)
			memcpy(big + (i * r + k) * es, s + i * es, es);
	moved.op = TP_OP_REARRANGE;
	moved.in.nbytes = plan->out.nbytes;
	tp_reshape_run(&moved, dst, big, threads);
	free(big);
}

void
tp_reshape_run(const struct tp_reshape_plan *plan, void *dst, const void *src,
    int threads)
{
	struct run_job j;
	size_t items;

	if (plan->take) {
		for (size_t b = 0; b < plan->nblock; b++)
			memcpy((unsigned char *)dst + b * plan->block,
			    (const unsigned char *)src + b * plan->stride +
			    plan->offset, plan->block);
		return;
	}
	if (TP_OP_REDUCES(plan->op)) {
		reduce_run(plan, dst, src, threads);
		return;
	}
	if (plan->op == TP_OP_REPEAT && plan->nrepeat != 1) {
		repeat_run(plan, dst, src, threads);
		return;
	}
	tp_permute_plan(&j.perm, tp_dtype_size(plan->in.dtype), plan->nel,
	    plan->el, plan->perm);
	if (j.perm.nblocks == 0)
		return;
	/* Small records are not worth a thread; else a few items per
	 * thread even out their speeds. */
	if (plan->in.nbytes < ((size_t)1 << 20))
		threads = 1;
	items = (size_t)threads * 8;
	if (items > j.perm.nblocks)
		items = j.perm.nblocks;
	j.per = (j.perm.nblocks + items - 1) / items;
	items = (j.perm.nblocks + j.per - 1) / j.per;
	j.dst = dst;
	j.src = src;
	tp_parallel(threads, items, run_item, &j);
}

/* --- explaining ---------------------------------------------------------- */

/* A growing string. */
struct text {
	char *s;
	size_t len, cap;
};

/* Append formatted text to t. */
static void __attribute__((format(printf, 2, 3)))
say(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < t->cap - t->len)
			break;
		t->cap = t->cap * 2 + (size_t)(n > 0 ? n : 0) + 64;
		t->s = tp_erealloc(t->s, t->cap);
	}
	t->len += (size_t)n;
}

/* Append "a, b, c" for the sizes v[0..n). */
static void
say_list(struct text *t, const size_t *v, int n)
{
	for (int i = 0; i < n; i++)
		say(t, i ? ", %zu" : "%zu", v[i]);
}

/*
 * Mark in moved[] the items of order[0..n) that move: all but a longest
 * run that keeps its relative order (a longest increasing subsequence),
 * so that "c moves" is said rather than "h, w and c move".
 */
static void
find_moved(const int *order, int n, int *moved)
{
	int best[TP_MAXDIM + 1], prev[TP_MAXDIM + 1], end = -1;

	for (int i = 0; i < n; i++) {
		best[i] = 1;
		prev[i] = -1;
		for (int j = 0; j < i; j++)
			if (order[j] < order[i] && best[j] + 1 > best[i]) {
				best[i] = best[j] + 1;
				prev[i] = j;
			}
		if (end < 0 || best[i] > best[end])
			end = i;
		moved[i] = 1;
	}
	for (int i = end; i >= 0; i = prev[i])
		moved[i] = 0;
}

/*
 * A view: the input and output shapes aligned into groups whose
 * products agree (axes of length 1 aside); one line per group, then the
 * batch line for input axis 0.
 */
static void
explain_view(struct text *t, const struct tp_tensor *in,
    const struct tp_tensor *out)
{
	int i = 0, j = 0, ni = in->ndim, no = out->ndim;
	const char *batch = NULL;
	int bk0 = -1, bk1 = -1;

	if (in->count == 0) {
		say(t, "  zero elements: nothing to move or mix\n");
		return;
	}
	for (;;) {
		int i0, j0;
		size_t pi, pj;

		if (i < ni && j < no && in->shape[i] == 1 &&
		    out->shape[j] == 1) {	/* a 1 that stays */
			say(t, "  input axis %d (1) is output axis %d\n", i, j);
			if (i == 0) {
				bk0 = j, bk1 = j + 1;
				batch = "";
			}
			i++, j++;
			continue;
		}
		while (i < ni && in->shape[i] == 1) {
			say(t, "  input axis %d (1) is dropped\n", i);
			if (i == 0)
				batch = "dropped (it has length 1)";
			i++;
		}
		while (j < no && out->shape[j] == 1)
			say(t, "  output axis %d (1) is new\n", j++);
		if (i == ni || j == no)
			break;
		i0 = i, j0 = j;
		pi = in->shape[i++];
		pj = out->shape[j++];
		while (pi != pj) {
			if (pi < pj)
				pi *= in->shape[i++];
			else
				pj *= out->shape[j++];
		}
		if (i - i0 == 1 && j - j0 == 1)
			say(t, "  input axis %d (%zu) is output axis %d\n", i0,
			    pi, j0);
		else {
			say(t, "  input ax%s %d", i - i0 > 1 ? "es" : "is", i0);
			for (int k = i0 + 1; k < i; k++)
				say(t, ", %d", k);
			say(t, " (");
			say_list(t, in->shape + i0, i - i0);
			say(t, ") %s output ax%s %d", i - i0 == 1 ? "is split into" :
			    j - j0 == 1 ? "merge into" : "are regrouped as",
			    j - j0 > 1 ? "es" : "is", j0);
			for (int k = j0 + 1; k < j; k++)
				say(t, ", %d", k);
			say(t, " (");
			say_list(t, out->shape + j0, j - j0);
			say(t, ")\n");
		}
		if (i0 == 0) {
			bk0 = j0;
			bk1 = j;
			batch = i - i0 == 1 && j - j0 == 1 ? "" : i - i0 == 1 ?
			    "split" : j - j0 == 1 ? "merged with other axes" :
			    "regrouped with other axes";
		}
	}
	if (ni == 0)
		return;
	if (batch && !*batch)
		say(t, "  batch axis 0 (%zu) is output axis %d, whole: batch "
		    "elements are not mixed\n", in->shape[0], bk0);
	else if (batch && bk0 >= 0)
	{
		say(t, "  batch axis 0 (%zu) is %s into output ax%s %d",
		    in->shape[0], batch, bk1 - bk0 > 1 ? "es" : "is", bk0);
		for (int k = bk0 + 1; k < bk1; k++)
			say(t, ", %d", k);
		say(t, ": batch elements are no longer apart along one "
		    "axis\n");
	}
	else if (batch)
		say(t, "  batch axis 0 is %s\n", batch);
}

/* A plan that permutes the record's own axes (--permute, --transpose). */
static void
explain_permute(struct text *t, const struct tp_reshape_plan *p)
{
	int moved[TP_MAXDIM], any = 0, n = p->in.ndim;

	find_moved(p->perm, n, moved);
	for (int k = 0; k < n; k++)
		say(t, "  input axis %d (%zu) is output axis %d\n", p->perm[k],
		    p->el[p->perm[k]], k);
	for (int k = 0; k < n; k++)
		if (moved[k])
			say(t, "%s %d%s", any++ ? "," : "  moved: input axis",
			    p->perm[k], p->el[p->perm[k]] == 1 ? " (length 1: "
			    "no element moves)" : "");
	if (any)
		say(t, "\n");
	for (int k = 0; k < n; k++)
		if (p->perm[k] == 0)
			say(t, "  batch axis 0 (%zu) is output axis %d, whole: "
			    "batch elements are not mixed\n", p->in.shape[0], k);
}

/* "h=8 w=3" for the names of group g of side s, from the plan. */
static void
say_group_sizes(struct text *t, const struct tp_reshape *rq,
    const struct tp_reshape_side *s, int g, const struct tp_reshape_plan *p)
{
	for (int k = s->first[g]; k < s->first[g + 1]; k++) {
		int i = s->item[k];

		if (i == TP_RESHAPE_ELLIPSIS) {
			say(t, "%s...", k > s->first[g] ? " " : "");
			continue;
		}
		say(t, "%s%s", k > s->first[g] ? " " : "", rq->names[i]);
		if (p && !rq->anon[i])
			for (int e = 0; e < p->nel; e++)
				if (!strcmp(p->elname[e], rq->names[i]))
					say(t, "=%zu", p->el[e]);
	}
}

/* The axis number of group g of side s: from the start before a bare
 * "...", from the end (negative) after it. */
static int
group_axis(const struct tp_reshape_side *s, int g)
{
	for (int h = 0; h < g; h++)
		if (s->first[h + 1] - s->first[h] == 1 &&
		    s->item[s->first[h]] == TP_RESHAPE_ELLIPSIS && !s->paren[h])
			return g - s->ngroups;
	return g;
}

/*
 * How many items of group g of side s may be longer than 1: all but the
 * names that plan p (NULL: none known) resolved to length 1; *last is
 * set to the last of them.
 */
static int
long_items(const struct tp_reshape *rq, const struct tp_reshape_side *s,
    int g, const struct tp_reshape_plan *p, int *last)
{
	int n = 0;

	for (int k = s->first[g]; k < s->first[g + 1]; k++) {
		int i = s->item[k], one = 0;

		if (p && i >= 0)
			for (int e = 0; e < p->nel; e++)
				if (!strcmp(p->elname[e], rq->names[i]))
					one = p->el[e] == 1;
		if (!one) {
			n++;
			*last = i;
		}
	}
	return n;
}

/* A pattern, with a plan or symbolically (p NULL). */
static void
explain_pattern(struct text *t, const struct tp_reshape *rq,
    const struct tp_reshape_plan *p)
{
	const struct tp_reshape_side *l = &rq->left, *r = &rq->right;
	int order[TP_MAXDIM + 1] = { 0 }, moved[TP_MAXDIM + 1], n = 0, any = 0;
	int item[TP_MAXDIM + 1], nl = 0;
	char gb[200];

	if (p) {
		say(t, "  axes:");
		for (int e = 0; e < p->nel; e++)	/* "2": anonymous */
			if (isdigit((unsigned char)p->elname[e][0]))
				say(t, " %s", p->elname[e]);
			else
				say(t, " %s=%zu", p->elname[e], p->el[e]);
		say(t, "\n");
	} else {
		say(t, "  axes:");
		for (int i = 0; i < rq->nnames; i++)
			if (rq->size[i] >= 0 && !rq->anon[i])
				say(t, " %s=%lld", rq->names[i], rq->size[i]);
			else
				say(t, " %s", rq->names[i]);
		say(t, "%s (sizes not given come from each record)\n",
		    l->ellipsis ? " ..." : "");
	}
	for (int g = 0; g < l->ngroups; g++) {
		int k0 = l->first[g], k1 = l->first[g + 1];

		if (k1 - k0 == 0)
			say(t, "  input axis %d must have length 1: dropped\n",
			    group_axis(l, g));
		else if (k1 - k0 > 1) {
			say(t, "  input axis %d %s is split into ",
			    group_axis(l, g), group_text(rq, l, g, gb,
			    sizeof gb));
			say_group_sizes(t, rq, l, g, p);
			say(t, "\n");
		}
	}
	for (int g = 0; g < r->ngroups; g++) {
		int k0 = r->first[g], k1 = r->first[g + 1];

		if (k1 - k0 == 0)
			say(t, "  output axis %d is new, of length 1\n",
			    group_axis(r, g));
		else if (k1 - k0 > 1 || (r->paren[g] &&
		    r->item[k0] == TP_RESHAPE_ELLIPSIS)) {
			say(t, "  output axis %d %s merges ", group_axis(r, g),
			    group_text(rq, r, g, gb, sizeof gb));
			say_group_sizes(t, rq, r, g, p);
			say(t, "\n");
		}
	}
	/* The names that are an output axis of their own. */
	{
		int any_own = 0;

		for (int g = 0; g < r->ngroups; g++) {
			int k0 = r->first[g];

			if (r->first[g + 1] - k0 != 1 || r->item[k0] < 0 ||
			    !on_side(l, r->item[k0]))
				continue;
			say(t, "%s %s (%d)", any_own++ ? "," : "  on an output "
			    "axis of their own:", rq->names[r->item[k0]],
			    group_axis(r, g));
		}
		if (any_own)
			say(t, "\n");
	}
	/* Which names move: the right's items in terms of the left's. */
	for (int k = 0; k < l->first[l->ngroups]; k++)
		item[nl++] = l->item[k];
	for (int k = 0; k < r->first[r->ngroups]; k++) {
		int at = -1;

		for (int j = 0; j < nl; j++)
			if (item[j] == r->item[k])
				at = j;
		if (at >= 0)		/* new axes of --repeat aside */
			order[n++] = at;
	}
	find_moved(order, n, moved);
	for (int k = 0; k < n; k++) {
		int i = item[order[k]];
		int len1 = 0;

		if (!moved[k])
			continue;
		if (p && i >= 0)
			for (int e = 0; e < p->nel; e++)
				if (!strcmp(p->elname[e], rq->names[i]))
					len1 = p->el[e] == 1;
		say(t, "%s %s%s", any++ ? "," : "  moved:", i < 0 ? "..." :
		    rq->names[i], len1 ? " (length 1: no element moves)" : "");
	}
	say(t, any ? "\n" : "  no axis moves\n");
	if (rq->op == TP_OP_REPEAT) {
		int any_new = 0;

		for (int i = 0; i < rq->nnames; i++)
			if (!on_side(l, i))
				say(t, rq->anon[i] ? "%s %s" : "%s %s=%lld",
				    any_new++ ? "" : "  new axes (the input "
				    "repeats along them):", rq->names[i],
				    rq->size[i]);
		say(t, any_new ? "\n" : "  no new axis\n");
	}
	if (TP_OP_REDUCES(rq->op)) {
		int any_red = 0;

		for (int k = 0; k < nl; k++)
			if (!on_side(r, item[k]) && (item[k] >= 0 ||
			    !r->ellipsis))
				say(t, "%s %s", any_red++ ? "" : "  reduced by "
				    "--reduce:", item[k] < 0 ? "..." :
				    rq->names[item[k]]);
		say(t, "\n");
	}
	/* The batch: the first input group, or the one name in it that is
	 * longer than 1 (the others add nothing to split). */
	if (l->ngroups > 0) {
		int k0 = l->first[0], k1 = l->first[1], og = -1, i = -2;

		if (k1 - k0 == 1)
			i = l->item[k0];
		else if (k1 - k0 > 1 && long_items(rq, l, 0, p, &i) != 1)
			i = -2;
		if (i != -2) {
			const char *nm = i < 0 ? "..." : rq->names[i];
			int dummy;

			for (int g = 0; g < r->ngroups; g++)
				for (int k = r->first[g]; k < r->first[g + 1]; k++)
					if (r->item[k] == i)
						og = g;
			if (og < 0)
				say(t, "  batch axis 0 (%s) is reduced: batch "
				    "elements are combined\n", nm);
			else if (long_items(rq, r, og, p, &dummy) == 1 &&
			    (i >= 0 || !r->paren[og]))
				say(t, "  batch axis 0 (%s) is output axis %d "
				    "%s%s%s, whole: batch elements are not "
				    "mixed\n", nm, group_axis(r, og),
				    r->paren[og] ? "" : "(", group_text(rq, r,
				    og, gb, sizeof gb), r->paren[og] ? "" : ")");
			else
				say(t, "  batch axis 0 (%s) is merged into "
				    "output axis %d %s: batch elements are no "
				    "longer apart along one axis\n", nm,
				    group_axis(r, og), group_text(rq, r, og, gb,
				    sizeof gb));
		} else if (k1 - k0 > 1)
			say(t, "  batch axis 0 %s is split: batch elements "
			    "are no longer apart along one axis\n",
			    group_text(rq, l, 0, gb, sizeof gb));
	}
}

char *
tp_reshape_explain(const struct tp_reshape *rq,
    const struct tp_reshape_plan *p)
{
	struct text t = { tp_emalloc(256), 0, 256 };
	char a[TP_MAXDIM * 22 + 4], b[TP_MAXDIM * 22 + 4];

	if (p) {
		if (p->op == TP_OP_REPEAT && !p->view)
			say(&t, "%s %s -> %s: a repeat (each element written "
			    "%zu times)\n", tp_shape_str(&p->in, a, sizeof a),
			    tp_dtype_name(p->in.dtype), tp_shape_str(&p->out, b,
			    sizeof b), p->nrepeat);
		else if (TP_OP_REDUCES(p->op))
			say(&t, "%s %s -> %s %s: a reduction (the %s of %zu "
			    "element%s each)\n", tp_shape_str(&p->in, a,
			    sizeof a), tp_dtype_name(p->in.dtype),
			    tp_shape_str(&p->out, b, sizeof b),
			    tp_dtype_name(p->out.dtype), reduce_name(p->op),
			    p->nreduce, p->nreduce == 1 ? "" : "s");
		else if (p->take)
			say(&t, "%s %s -> %s: a view of slice %zu: "
			    "contiguous blocks of %zu bytes, one in every %zu "
			    "(the rest is read and dropped)\n",
			    tp_shape_str(&p->in, a, sizeof a),
			    tp_dtype_name(p->in.dtype), tp_shape_str(&p->out,
			    b, sizeof b), p->index, p->block, p->stride);
		else
			say(&t, "%s %s -> %s: %s\n", tp_shape_str(&p->in, a,
			    sizeof a), tp_dtype_name(p->in.dtype),
			    tp_shape_str(&p->out, b, sizeof b), p->view ?
			    "a view (no element moves: the bytes pass "
			    "through)" : "a permutation (elements move: the "
			    "record is copied in the new order)");
	}
	switch (rq->form) {
	case TP_RESHAPE_SHAPE:
	case TP_RESHAPE_SQUEEZE:
	case TP_RESHAPE_UNSQUEEZE:
		if (p) {
			explain_view(&t, &p->in, &p->out);
			break;
		}
		if (rq->form == TP_RESHAPE_SHAPE)
			say(&t, "reshape to (%s): a view (no element moves)"
			    "%s\n", rq->text, strstr(rq->text, "-1") ?
			    "; -1 is inferred from each record" : "");
		else if (rq->form == TP_RESHAPE_UNSQUEEZE)
			say(&t, "insert an axis of length 1 at %lld (torch "
			    "unsqueeze): a view (no element moves)\n", rq->v[0]);
		else
			say(&t, "drop %s: a view (no element moves)\n", rq->all ?
			    "every axis of length 1" : rq->n > 1 ?
			    "the axes given (each must have length 1)" :
			    "the axis given (it must have length 1)");
		break;
	case TP_RESHAPE_PERMUTE:
	case TP_RESHAPE_TRANSPOSE:
		if (p) {
			explain_permute(&t, p);
			break;
		}
		if (rq->form == TP_RESHAPE_TRANSPOSE)
			say(&t, "reverse the axes (numpy .T): a permutation "
			    "(elements move) for records of 2 or more axes\n");
		else {
			say(&t, "permute the axes: output axis k is input "
			    "axis (%s)[k]: a permutation (elements move)\n",
			    rq->text);
			for (int k = 0; k < rq->n; k++)
				if (rq->v[k] == 0)
					say(&t, "  batch axis 0 is output axis "
					    "%d, whole: batch elements are not "
					    "mixed\n", k);
		}
		break;
	case TP_RESHAPE_TAKE:
		if (!p)
			say(&t, "take slice %lld of axis %lld (numpy take, a "
			    "scalar index): the axis is removed; a view of "
			    "contiguous blocks, the rest read and dropped\n",
			    rq->v[1], rq->v[0]);
		else if (norm_axis(rq->v[0], p->in.ndim) == 0)
			say(&t, "  batch axis 0 is taken: one batch element "
			    "of %zu is kept\n", p->in.shape[0]);
		else
			say(&t, "  batch axis 0 is kept whole: batch "
			    "elements are not mixed\n");
		break;
	case TP_RESHAPE_PATTERN:
		if (!p && rq->op == TP_OP_REPEAT)
			say(&t, "repeat '%s'\n", rq->text);
		else if (!p && rq->op)
			say(&t, "reduce '%s' by %s\n", rq->text,
			    reduce_name(rq->op));
		else if (!p)
			say(&t, "rearrange '%s'\n", rq->text);
		explain_pattern(&t, rq, p);
		break;
	}
	return t.s;
}
