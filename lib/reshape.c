/*
 * reshape.c - the reshape engine (reshape.h): the request forms, the
 * einops grammar and resolution against a record's shape.  The
 * threaded permutation of raw elements (with reduce and repeat on top of
 * it) is in reshape_run.c, the --explain text in reshape_explain.c.
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
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "reshape.h"
#include "reshape_impl.h"

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
int
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
const char *
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
int
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
int
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
const char *
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
