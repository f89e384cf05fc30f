/*
 * reshape_parse.c - the requests of the reshape engine (reshape.h) from
 * the command line: shapes, axis lists, --take AXIS=INDEX, and einops
 * patterns with their NAME=SIZE operands (tp_reshape_parse,
 * tp_reshape_parse_pattern, tp_reshape_parse_operands).
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
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "reshape.h"
#include "reshape_impl.h"

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
static tp_why
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
static tp_why
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

/* "..." on side s: alone in a group of its own, or in the open one. */
static tp_why
add_ellipsis(struct tp_reshape_side *s, int in_paren, const char *pat,
    struct tp_msg *m)
{
	const char *why;

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

#define NO_AXIS (-2)	/* add_number's *idx for the anonymous axis 1 */

/*
 * The number tok (len digits) on side s: 1 (*idx = NO_AXIS) is an axis
 * of length 1 that is no name; another number, allowed only on the
 * right of a repeat, is a new anonymous name of that length, *idx.
 */
static tp_why
add_number(struct tp_reshape *rq, struct tp_reshape_side *s, const char *tok,
    size_t len, const char *pat, struct tp_msg *m, int *idx)
{
	size_t i = 0;

	while (i < len - 1 && tok[i] == '0')
		i++;
	*idx = NO_AXIS;
	if (len - i == 1 && tok[i] == '1')	/* anonymous 1 */
		return NULL;
	if (len - i == 1 && tok[i] == '0')
		return tp_msgf(m, "pattern '%s': an anonymous axis "
		    "must have a positive length, not 0", pat);
	if (rq->op != TP_OP_REPEAT || s != &rq->right)
		return tp_msgf(m, "pattern '%s': anonymous axes other "
		    "than 1 ('%.*s') are only for new axes of "
		    "--repeat", pat, (int)len, tok);
	if (len - i >= sizeof rq->names[0] || len - i > 18)
		return tp_msgf(m, "pattern '%s': anonymous axis "
		    "'%.*s' is too long", pat, (int)len, tok);
	if (rq->nnames == TP_MAXDIM)
		return tp_msgf(m, "pattern '%s' has more than %d "
		    "names", pat, TP_MAXDIM);
	*idx = rq->nnames++;
	memcpy(rq->names[*idx], tok + i, len - i);
	rq->names[*idx][len - i] = '\0';
	rq->size[*idx] = strtoll(rq->names[*idx], NULL, 10);
	rq->anon[*idx] = 1;
	return NULL;
}

/*
 * The name tok (len bytes) on side s, in the open group if in_paren:
 * its index in *idx, a new one if the pattern had no such name yet.
 */
static tp_why
add_name(struct tp_reshape *rq, struct tp_reshape_side *s, const char *tok,
    size_t len, int in_paren, const char *pat, struct tp_msg *m, int *idx)
{
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
	*idx = name_index(rq, tok, len, 0);
	if (*idx >= 0) {
		for (int i = 0; i < s->first[s->ngroups + in_paren]; i++)
			if (s->item[i] == *idx)
				return tp_msgf(m, "pattern '%s': duplicate "
				    "axis '%s' on one side", pat,
				    rq->names[*idx]);
	} else {
		if (rq->nnames == TP_MAXDIM)
			return tp_msgf(m, "pattern '%s' has more than %d "
			    "names", pat, TP_MAXDIM);
		*idx = name_index(rq, tok, len, 1);
	}
	return NULL;
}

/*
 * Add the identifier tok (len bytes: a name, a number or "...") to side
 * s; in_paren says whether a group is open.  A number other than 1 is an
 * anonymous axis of that length, allowed only on the right of a repeat.
 */
static tp_why
add_token(struct tp_reshape *rq, struct tp_reshape_side *s, const char *tok,
    size_t len, int in_paren, const char *pat, struct tp_msg *m)
{
	const char *why;
	int all_digits = 1, idx = NO_AXIS;

	if (len == 3 && !memcmp(tok, "...", 3))
		return add_ellipsis(s, in_paren, pat, m);
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)tok[i]))
			all_digits = 0;
	why = all_digits ? add_number(rq, s, tok, len, pat, m, &idx) :
	    add_name(rq, s, tok, len, in_paren, pat, m, &idx);
	if (why != NULL)
		return why;
	if (idx == NO_AXIS) {	/* 1: an empty group, nothing in one */
		if (in_paren)
			return NULL;
		if ((why = open_group(s, 0, pat, m)))
			return why;
		close_group(s);
		return NULL;
	}
	if (in_paren)
		return add_item(s, idx, pat, m);
	if ((why = open_group(s, 0, pat, m)) ||
	    (why = add_item(s, idx, pat, m)))
		return why;
	close_group(s);
	return NULL;
}

/* Parse one side of a pattern, the bytes [p, end), into s. */
static tp_why
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
			while (p < end &&
			    (isalnum((unsigned char)*p) || *p == '_'))
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
reshape_on_side(const struct tp_reshape_side *s, int i)
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
reshape_reduce_name(enum tp_op r)
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

/*
 * Check the sides of pattern rq (quoted for messages as pattern) for its
 * operation op: where "..." may be, and that each name is on both sides
 * (rearrange), may be missing on the right (reduce, which must drop one)
 * or on the left (repeat).  Returns NULL, or a message.
 */
static tp_why
check_sides(const struct tp_reshape *rq, enum tp_op op, const char *pattern,
    struct tp_msg *m)
{
	int reduces = TP_OP_REDUCES(op);

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
		int inl = reshape_on_side(&rq->left, i),
		    inr = reshape_on_side(&rq->right, i);

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
			dropped |= !reshape_on_side(&rq->right, i);
		if (!dropped)
			return tp_msgf(m, "pattern '%s': %s needs a name on "
			    "the left that is not on the right", pattern,
			    op_name(op));
	}
	return NULL;
}

/* The NAME=SIZE operands sizes[0..nsizes) into rq->size; returns NULL,
 * or a message about one that is not NAME=SIZE of a name of pattern. */
static tp_why
parse_sizes(struct tp_reshape *rq, int nsizes, char *const *sizes,
    const char *pattern, struct tp_msg *m)
{
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
	return NULL;
}

/*
 * Check that the sizes rq->size leave at most one unknown in each group
 * on the left, and give every new axis of a repeat (op) its size.
 * Returns NULL, or a message.
 */
static tp_why
check_sizes(const struct tp_reshape *rq, enum tp_op op, const char *pattern,
    struct tp_msg *m)
{
	const struct tp_reshape_side *l = &rq->left;

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
		if (op == TP_OP_REPEAT && !reshape_on_side(l, i) &&
		    rq->size[i] < 0)
			return tp_msgf(m, "pattern '%s': new axis '%s' needs "
			    "its size (%s=N)", pattern, rq->names[i],
			    rq->names[i]);
	return NULL;
}

tp_why
tp_reshape_parse_pattern(struct tp_reshape *rq, const char *text,
    enum tp_op op, int nsizes, char *const *sizes, struct tp_msg *m)
{
	const char *arrow = strstr(text, "->"), *why, *pattern;

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
	if ((why = check_sides(rq, op, pattern, m)) ||
	    (why = parse_sizes(rq, nsizes, sizes, pattern, m)))
		return why;
	return check_sizes(rq, op, pattern, m);
}

/* Parse a comma list of integers into rq->v; what names it in messages. */
static tp_why
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
static tp_why
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

tp_why
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
					    "repeats axis %lld", rq->shown,
					    rq->v[i]);
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

tp_why
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
