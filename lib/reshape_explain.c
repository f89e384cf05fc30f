/*
 * reshape_explain.c - the --explain text of the reshape engine
 * (tp_reshape_explain, reshape.h): for a plan, what becomes of each axis
 * of the record (kept, split, merged, moved, dropped, new, repeated or
 * reduced) and of its leading (batch) axis; without one, the request
 * alone, symbolically.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "reshape.h"
#include "reshape_impl.h"

/* Append formatted text to t. */
static void
reshape_vsay(struct text *t, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	for (;;) {
		va_copy(aq, ap);
		n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, aq);
		va_end(aq);
		if (n >= 0 && (size_t)n < t->cap - t->len)
			break;
		t->cap = t->cap * 2 + (size_t)(n > 0 ? n : 0) + 64;
		t->s = tp_erealloc(t->s, t->cap);
	}
	t->len += (size_t)n;
}

void
reshape_say(struct text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	reshape_vsay(t, fmt, ap);
	va_end(ap);
}

#define say reshape_say

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
 * The batch line of a view: input axis 0 became output axes bk0..bk1-1
 * (bk0 -1: none) as batch says: "" whole, else "split", "merged with
 * other axes", "regrouped with other axes" or "dropped (...)"; nothing
 * if batch is NULL.
 */
static void
say_view_batch(struct text *t, const struct tp_tensor *in, const char *batch,
    int bk0, int bk1)
{
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
			say(t, ") %s output ax%s %d",
			    i - i0 == 1 ? "is split into" :
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
	say_view_batch(t, in, batch, bk0, bk1);
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
			    "batch elements are not mixed\n", p->in.shape[0],
			    k);
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

/* The "axes:" line of a pattern: each elementary axis of plan p with its
 * size, or (p NULL) each name with the size given, if any. */
static void
say_pattern_axes(struct text *t, const struct tp_reshape *rq,
    const struct tp_reshape_plan *p)
{
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
		    rq->left.ellipsis ? " ..." : "");
	}
}

/* A line for each input axis that is dropped or split, each output axis
 * that is new or merges, and one for the names that are an output axis
 * of their own. */
static void
say_pattern_groups(struct text *t, const struct tp_reshape *rq,
    const struct tp_reshape_plan *p)
{
	const struct tp_reshape_side *l = &rq->left, *r = &rq->right;
	char gb[200];

	for (int g = 0; g < l->ngroups; g++) {
		int k0 = l->first[g], k1 = l->first[g + 1];

		if (k1 - k0 == 0)
			say(t, "  input axis %d must have length 1: dropped\n",
			    group_axis(l, g));
		else if (k1 - k0 > 1) {
			say(t, "  input axis %d %s is split into ",
			    group_axis(l, g), reshape_group_text(rq, l, g, gb,
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
			    reshape_group_text(rq, r, g, gb, sizeof gb));
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
			    !reshape_on_side(l, r->item[k0]))
				continue;
			say(t, "%s %s (%d)", any_own++ ? "," : "  on an output "
			    "axis of their own:", rq->names[r->item[k0]],
			    group_axis(r, g));
		}
		if (any_own)
			say(t, "\n");
	}
}

/* The "moved:" line: which of the left's items item[0..nl) move on the
 * right (find_moved), those of length 1 in plan p (if any) said to move
 * no element; or "no axis moves". */
static void
say_pattern_moved(struct text *t, const struct tp_reshape *rq,
    const struct tp_reshape_plan *p, const int *item, int nl)
{
	const struct tp_reshape_side *r = &rq->right;
	int order[TP_MAXDIM + 1] = { 0 }, moved[TP_MAXDIM + 1], n = 0, any = 0;

	/* Which names move: the right's items in terms of the left's. */
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
}

/* For a repeat, the line of its new axes; for a reduction, the line of
 * the left's items item[0..nl) that are reduced. */
static void
say_pattern_op(struct text *t, const struct tp_reshape *rq, const int *item,
    int nl)
{
	const struct tp_reshape_side *l = &rq->left, *r = &rq->right;

	if (rq->op == TP_OP_REPEAT) {
		int any_new = 0;

		for (int i = 0; i < rq->nnames; i++)
			if (!reshape_on_side(l, i))
				say(t, rq->anon[i] ? "%s %s" : "%s %s=%lld",
				    any_new++ ? "" : "  new axes (the input "
				    "repeats along them):", rq->names[i],
				    rq->size[i]);
		say(t, any_new ? "\n" : "  no new axis\n");
	}
	if (TP_OP_REDUCES(rq->op)) {
		int any_red = 0;

		for (int k = 0; k < nl; k++)
			if (!reshape_on_side(r, item[k]) && (item[k] >= 0 ||
			    !r->ellipsis))
				say(t, "%s %s", any_red++ ? "" : "  reduced by "
				    "--reduce:", item[k] < 0 ? "..." :
				    rq->names[item[k]]);
		say(t, "\n");
	}
}

/* The batch line of a pattern: what becomes of the first input group,
 * or of the one name in it that is longer than 1 (the others add
 * nothing to split); nothing if the left has no group. */
static void
say_pattern_batch(struct text *t, const struct tp_reshape *rq,
    const struct tp_reshape_plan *p)
{
	const struct tp_reshape_side *l = &rq->left, *r = &rq->right;
	char gb[200];

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
				for (int k = r->first[g]; k < r->first[g + 1];
				    k++)
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
				    r->paren[og] ? "" : "(",
				    reshape_group_text(rq, r, og, gb,
				    sizeof gb), r->paren[og] ? "" : ")");
			else
				say(t, "  batch axis 0 (%s) is merged into "
				    "output axis %d %s: batch elements are no "
				    "longer apart along one axis\n", nm,
				    group_axis(r, og),
				    reshape_group_text(rq, r, og, gb,
				    sizeof gb));
		} else if (k1 - k0 > 1)
			say(t, "  batch axis 0 %s is split: batch elements "
			    "are no longer apart along one axis\n",
			    reshape_group_text(rq, l, 0, gb, sizeof gb));
	}
}

/* A pattern, with a plan or symbolically (p NULL). */
static void
explain_pattern(struct text *t, const struct tp_reshape *rq,
    const struct tp_reshape_plan *p)
{
	const struct tp_reshape_side *l = &rq->left;
	int item[TP_MAXDIM + 1], nl = 0;

	say_pattern_axes(t, rq, p);
	say_pattern_groups(t, rq, p);
	for (int k = 0; k < l->first[l->ngroups]; k++)
		item[nl++] = l->item[k];
	say_pattern_moved(t, rq, p, item, nl);
	say_pattern_op(t, rq, item, nl);
	say_pattern_batch(t, rq, p);
}

/* The first line for a plan: the shapes and dtypes in and out, and what
 * kind of plan it is (a repeat, a reduction, a take, a view or a
 * permutation). */
static void
say_plan(struct text *t, const struct tp_reshape_plan *p)
{
	char a[TP_MAXDIM * 22 + 4], b[TP_MAXDIM * 22 + 4];

	if (p->op == TP_OP_REPEAT && !p->view)
		say(t, "%s %s -> %s: a repeat (each element written "
		    "%zu times)\n", tp_shape_str(&p->in, a, sizeof a),
		    tp_dtype_name(p->in.dtype), tp_shape_str(&p->out, b,
		    sizeof b), p->nrepeat);
	else if (TP_OP_REDUCES(p->op))
		say(t, "%s %s -> %s %s: a reduction (the %s of %zu "
		    "element%s each)\n", tp_shape_str(&p->in, a,
		    sizeof a), tp_dtype_name(p->in.dtype),
		    tp_shape_str(&p->out, b, sizeof b),
		    tp_dtype_name(p->out.dtype), reshape_reduce_name(p->op),
		    p->nreduce, p->nreduce == 1 ? "" : "s");
	else if (p->take)
		say(t, "%s %s -> %s: a view of slice %zu: "
		    "contiguous blocks of %zu bytes, one in every %zu "
		    "(the rest is read and dropped)\n",
		    tp_shape_str(&p->in, a, sizeof a),
		    tp_dtype_name(p->in.dtype), tp_shape_str(&p->out,
		    b, sizeof b), p->index, p->block, p->stride);
	else
		say(t, "%s %s -> %s: %s\n", tp_shape_str(&p->in, a,
		    sizeof a), tp_dtype_name(p->in.dtype),
		    tp_shape_str(&p->out, b, sizeof b), p->view ?
		    "a view (no element moves: the bytes pass "
		    "through)" : "a permutation (elements move: the "
		    "record is copied in the new order)");
}

char *
tp_reshape_explain(const struct tp_reshape *rq,
    const struct tp_reshape_plan *p)
{
	struct text t = { tp_emalloc(256), 0, 256 };

	if (p)
		say_plan(&t, p);
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
			    "unsqueeze): a view (no element moves)\n",
			    rq->v[0]);
		else
			say(&t, "drop %s: a view (no element moves)\n",
			    rq->all ? "every axis of length 1" : rq->n > 1 ?
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
		else if (reshape_norm_axis(rq->v[0], p->in.ndim) == 0)
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
			    reshape_reduce_name(rq->op));
		else if (!p)
			say(&t, "rearrange '%s'\n", rq->text);
		explain_pattern(&t, rq, p);
		break;
	}
	return t.s;
}
