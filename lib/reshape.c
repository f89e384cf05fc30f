/*
 * reshape.c - the reshape engine (reshape.h): a request resolved against
 * each record's shape (tp_reshape_resolve) into a plan: the record
 * viewed as elementary axes, their output order, the output shape and
 * dtype, and whether no element moves.  The request is parsed in
 * reshape_parse.c, a plan run in reshape_run.c and explained in
 * reshape_explain.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "reshape.h"
#include "reshape_impl.h"

/* 1 if p's order moves no element: the axes longer than 1 keep their
 * relative order, or there is no element. */
int
reshape_moves_nothing(const struct tp_reshape_plan *p)
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
static tp_why
finish_plan(struct tp_reshape_plan *p, int nout, const size_t *out,
    struct tp_msg *m)
{
	struct tp_msg sm;

	p->out = p->in;
	if (tp_set_shape(&p->out, nout, out, &sm))
		return tp_msgf(m, "the output %s", sm.text);
	p->view = reshape_moves_nothing(p);
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
reshape_norm_axis(long long a, int ndim)
{
	if (a < -ndim || a >= ndim)
		return -1;
	return (int)(a < 0 ? a + ndim : a);
}

/* --take AXIS=INDEX: the slice INDEX of AXIS, that axis removed (numpy
 * take with a scalar index); an index out of range is refused as numpy's
 * IndexError. */
static tp_why
resolve_take(const struct tp_reshape *rq, struct tp_reshape_plan *p,
    const char *sh, struct tp_msg *m)
{
	int n = p->in.ndim, a = reshape_norm_axis(rq->v[0], n), nout = 0;
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
static tp_why
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
static tp_why
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
			int a = reshape_norm_axis(rq->v[k], n);

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
static tp_why
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
		int a = reshape_norm_axis(rq->v[k], n);

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
reshape_group_text(const struct tp_reshape *rq, const struct tp_reshape_side *s,
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
static tp_why
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
		    "shape %s)", reshape_reduce_name(rq->op), tp_dtype_name(t),
		    sh);
	if ((rq->op == TP_OP_MAX || rq->op == TP_OP_MIN) &&
	    p->nreduce == 0)
		return tp_msgf(m, "pattern '%s' on shape %s: --reduce %s of "
		    "zero elements has no value", rq->shown, sh,
		    reshape_reduce_name(rq->op));
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

/* The message for a pattern whose plan would have more than TP_MAXDIM
 * axes. */
static tp_why
too_many_axes(const struct tp_reshape *rq, const char *sh, struct tp_msg *m)
{
	return tp_msgf(m, "pattern '%s' on shape %s: more than %d axes",
	    rq->shown, sh, TP_MAXDIM);
}

/*
 * Fit left group g of pattern rq to input axis axis, of length len: the
 * sizes size[] knows must multiply to len, or divide it when one name's
 * is unknown, which is then inferred into size[].  Returns NULL, or a
 * message naming the axis, the group and the sizes that do not fit.
 */
static tp_why
fit_group(const struct tp_reshape *rq, int g, int axis, size_t len,
    long long *size, const char *sh, struct tp_msg *m)
{
	const struct tp_reshape_side *l = &rq->left;
	int k0 = l->first[g], k1 = l->first[g + 1], unknown = -1;
	int over = 0;
	size_t known = 1;
	char gb[200], sb[200];

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
		    reshape_group_text(rq, l, g, gb, sizeof gb), len,
		    group_sizes(rq, l, g, size, sb, sizeof sb));
	}
	if (unknown >= 0 && k1 - k0 > 1 && (over || known == 0 ||
	    len % known)) {
		if (!over && known == 0 && len == 0)
			return tp_msgf(m, "pattern '%s' on shape %s: "
			    "cannot infer '%s' from axis %d %s of "
			    "length 0 with %s", rq->shown, sh,
			    rq->names[unknown], axis, reshape_group_text(rq,
			    l, g, gb, sizeof gb), group_sizes(rq, l, g,
			    size, sb, sizeof sb));
		return tp_msgf(m, "pattern '%s' on shape %s: cannot "
		    "split axis %d %s of length %zu into groups of %s",
		    rq->shown, sh, axis, reshape_group_text(rq, l, g, gb,
		    sizeof gb), len, group_sizes(rq, l, g, size, sb,
		    sizeof sb));
	}
	if (unknown >= 0)
		size[unknown] = (long long)(len / (known ? known : 1));
	return NULL;
}

/*
 * The left side of pattern rq on plan p's input: each group fitted to
 * its axis (fit_group, sizes inferred into size[]) and its names
 * appended to p as elementary axes (elof[i]: name i's); the ellipsis's
 * ell axes appended as "...0", "...1", the first at *ell0.  Returns
 * NULL, or a message.
 */
static tp_why
split_left(const struct tp_reshape *rq, struct tp_reshape_plan *p, int ell,
    long long *size, int *elof, int *ell0, const char *sh, struct tp_msg *m)
{
	const struct tp_reshape_side *l = &rq->left;
	const char *why;
	int axis = 0;

	p->nel = 0;
	for (int g = 0; g < l->ngroups; g++) {
		int k0 = l->first[g], k1 = l->first[g + 1];

		if (k1 - k0 == 1 && l->item[k0] == TP_RESHAPE_ELLIPSIS) {
			*ell0 = p->nel;
			for (int e = 0; e < ell; e++) {
				if (p->nel == TP_MAXDIM)
					return too_many_axes(rq, sh, m);
				snprintf(p->elname[p->nel], sizeof p->elname[0],
				    "...%d", e);
				p->el[p->nel++] = p->in.shape[axis++];
			}
			continue;
		}
		if ((why = fit_group(rq, g, axis, p->in.shape[axis], size, sh,
		    m)))
			return why;
		for (int k = k0; k < k1; k++) {
			int i = l->item[k];

			if ((elof[i] = add_el(p, rq->names[i], size[i])) < 0)
				return too_many_axes(rq, sh, m);
		}
		axis++;
	}
	return NULL;
}

/*
 * --repeat: the new axes (names on the right only, of sizes size[])
 * appended to p after the input's p->nsrc axes (elof[i]: name i's), and
 * p->nrepeat, the product of their sizes.  Returns NULL, or a message.
 */
static tp_why
add_new_axes(const struct tp_reshape *rq, struct tp_reshape_plan *p,
    const long long *size, int *elof, const char *sh, struct tp_msg *m)
{
	const struct tp_reshape_side *l = &rq->left, *r = &rq->right;

	p->nsrc = p->nel;
	p->nrepeat = 1;
	for (int k = 0; k < r->first[r->ngroups]; k++) {
		int i = r->item[k];

		if (i == TP_RESHAPE_ELLIPSIS || reshape_on_side(l, i))
			continue;
		if ((elof[i] = add_el(p, rq->names[i], size[i])) < 0)
			return too_many_axes(rq, sh, m);
		if (size[i] && p->nrepeat > SIZE_MAX / (size_t)size[i])
			return tp_msgf(m, "pattern '%s' on shape %s: the new "
			    "axes' sizes overflow", rq->shown, sh);
		p->nrepeat *= (size_t)size[i];
	}
	return NULL;
}

/*
 * The right side of pattern rq: the output order p->perm of the
 * elementary axes (elof[i]: name i's; the ellipsis's ell axes from
 * ell0) and the output shape out, of *nout axes (0 on entry).  Returns
 * the number of axes placed in perm, or -1 if the output would have
 * more than TP_MAXDIM axes.
 */
static int
order_right(const struct tp_reshape *rq, struct tp_reshape_plan *p,
    const int *elof, int ell0, int ell, size_t *out, int *nout)
{
	const struct tp_reshape_side *r = &rq->right;
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
					if (*nout == TP_MAXDIM)
						return -1;
					out[(*nout)++] = p->el[ell0 + e];
				}
			}
		}
		if (bare_ell)
			continue;
		if (*nout == TP_MAXDIM)
			return -1;
		out[(*nout)++] = prod;
	}
	return np;
}

/* An einops pattern (rearrange, reduce or repeat). */
static tp_why
resolve_pattern(const struct tp_reshape *rq, struct tp_reshape_plan *p,
    const char *sh, struct tp_msg *m)
{
	const struct tp_reshape_side *l = &rq->left;
	int n = p->in.ndim, nother = l->ngroups - (l->ellipsis ? 1 : 0);
	int ell = 0, ell0 = -1, elof[TP_MAXDIM], nout = 0, np;
	long long size[TP_MAXDIM];
	size_t out[TP_MAXDIM];
	struct tp_msg sm;
	const char *why;

	if (l->ellipsis ? n < nother : n != nother)
		return tp_msgf(m, "pattern '%s' wants %s%d ax%s but shape %s "
		    "has %d", rq->shown, l->ellipsis ? "at least " : "", nother,
		    nother == 1 ? "is" : "es", sh, n);
	ell = n - nother;
	memcpy(size, rq->size, sizeof size);
	if ((why = split_left(rq, p, ell, size, elof, &ell0, sh, m)) ||
	    (why = add_new_axes(rq, p, size, elof, sh, m)))
		return why;
	if ((np = order_right(rq, p, elof, ell0, ell, out, &nout)) < 0)
		return too_many_axes(rq, sh, m);
	p->nkept = np;
	if (TP_OP_REDUCES(rq->op))
		return reduce_plan(rq, p, np, nout, out, sh, m);
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
}

tp_why
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
