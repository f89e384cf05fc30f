/*
 * expr_types.c - tmath's resolution (expr.h, expr_impl.h): per record,
 * each node's broadcast shape and, by NumPy 1.24's rules (value-based
 * casting for 0-d operands, numpy's result_type, then the first of the
 * ufunc's loops in lib/expr_loops.h that every input casts to safely),
 * its loop type and dtype, with numpy's special cases (true division,
 * around, where, angle, fast scalar powers); and how each operand's
 * elements map to the output's.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "expr_impl.h"
#include "expr_loops.h"

/* NumPy's ordering of kinds for value-based casting: bool 0, integers
 * 1, floats and complex 2. */
static int
category(enum tp_dtype t)
{
	return t == TP_B1 ? 0 : tp_dtype_is_int(t) ? 1 : 2;
}

static enum tp_dtype
real_of(enum tp_dtype t)
{
	return t == TP_C8 ? TP_F4 : t == TP_C16 ? TP_F8 : t;
}

/* --- resolution ------------------------------------------------------- */

/* numpy.min_scalar_type of a 0-d node's value; *small is set when it
 * is an unsigned type whose value the signed type of its size holds too
 * (numpy's is_small_unsigned). */
static enum tp_dtype
min_scalar_type(const struct node *nd, int *small)
{
	enum tp_dtype t = nd->dt;

	*small = 0;
	if (t == TP_B1)
		return t;
	if (tp_dtype_is_int(t)) {
		uint64_t u = (uint64_t)nd->val.i;
		int64_t v = nd->val.i;

		if (t == TP_U8 || v >= 0) {
			enum tp_dtype r = u <= UINT8_MAX ? TP_U1 : u <=
			    UINT16_MAX ? TP_U2 : u <= UINT32_MAX ? TP_U4 :
			    TP_U8;

			*small = u <= (r == TP_U1 ? (uint64_t)INT8_MAX : r ==
			    TP_U2 ? (uint64_t)INT16_MAX : r == TP_U4 ?
			    (uint64_t)INT32_MAX : (uint64_t)INT64_MAX);
			return r;
		}
		return v >= INT8_MIN ? TP_I1 : v >= INT16_MIN ? TP_I2 :
		    v >= INT32_MIN ? TP_I4 : TP_I8;
	}
	if (tp_dtype_is_float(t)) {
		double v = expr_as_double(&nd->val, t, 0);

		if ((v > -65000 && v < 65000) || !isfinite(v))
			return TP_F2;
		return t == TP_F8 && v > -3.4e38 && v < 3.4e38 ? TP_F4 : t;
	}
	if (t == TP_C16 && nd->val.cd[0] > -3.4e38 && nd->val.cd[0] < 3.4e38
	    && nd->val.cd[1] > -3.4e38 && nd->val.cd[1] < 3.4e38)
		return TP_C8;
	return t;
}

/* The dtypes the inputs count as for type resolution: with value-based
 * casting (numpy 1.24's should_use_min_scalar) when there are arrays
 * and scalars and no scalar is of a higher kind than every array; small
 * marks numpy's small unsigned scalars. */
static void
effective_types(const struct tp_expr *e, int nargs, const int *args,
    enum tp_dtype *eff, int *small)
{
	int j, maxa = -1, maxs = -1, arrays = 0;

	for (j = 0; j < nargs; j++) {
		const struct node *a = &e->nodes[args[j]];
		int c = category(a->dt);

		eff[j] = a->dt;
		small[j] = 0;
		if (a->ndim > 0) {
			arrays = 1;
			maxa = c > maxa ? c : maxa;
		} else
			maxs = c > maxs ? c : maxs;
	}
	if (arrays && maxs >= 0 && maxa >= maxs)
		for (j = 0; j < nargs; j++)
			if (e->nodes[args[j]].ndim == 0)
				eff[j] = min_scalar_type(&e->nodes[args[j]],
				    &small[j]);
}

static int
is_unsigned(enum tp_dtype t)
{
	return t == TP_U1 || t == TP_U2 || t == TP_U4 || t == TP_U8;
}

/* The signed integer of an unsigned one's size. */
static enum tp_dtype
to_signed(enum tp_dtype t)
{
	return is_unsigned(t) ? t + 1 : t;
}

/* numpy 1.24's PyArray_ResultType of the effective types. */
static enum tp_dtype
result_type(int n, const enum tp_dtype *eff, const int *small)
{
	enum tp_dtype r = eff[0];
	int rsmall = small[0], j;

	for (j = 1; j < n; j++) {
		enum tp_dtype t = eff[j];

		if (small[j] && t != TP_B1 && !is_unsigned(r) && r != TP_B1)
			r = expr_promote[to_signed(t)][r];
		else if (rsmall && !is_unsigned(t) && t != TP_B1)
			r = expr_promote[t][to_signed(r)];
		else
			r = expr_promote[t][r];
		rsmall = rsmall && small[j];
	}
	return r;
}

static enum tp_dtype
type_of_char(char c)
{
	static const char order[] = "?BbHhIiQqefdFD";

	return (enum tp_dtype)(strchr(order, c) - order);
}

/* The first loop of ufunc whose inputs eff[0 .. nin) cast to safely
 * (numpy's linear search; a small unsigned scalar counts as signed
 * against a signed type, as can_cast_scalar_to has it): sets ct and
 * *out; returns 0, or -1 if there is none. */
static int
find_loop(const char *ufunc, int nin, const enum tp_dtype *eff,
    const int *small, enum tp_dtype *ct, enum tp_dtype *out)
{
	const char *l = NULL;
	size_t i;
	int j;

	for (i = 0; i < sizeof expr_loops / sizeof *expr_loops; i++)
		if (strcmp(expr_loops[i].name, ufunc) == 0)
			l = expr_loops[i].loops;
	if (!l)
		abort();
	for (; *l; l += nin + 2) {
		for (j = 0; j < nin; j++) {
			enum tp_dtype to = type_of_char(l[j]);
			enum tp_dtype from = small && small[j] &&
			    !is_unsigned(to) ? to_signed(eff[j]) : eff[j];

			if (!expr_safe[from][to])
				break;
		}
		if (j == nin) {
			for (j = 0; j < nin; j++)
				ct[j] = type_of_char(l[j]);
			*out = type_of_char(l[nin]);
			return 0;
		}
		if (l[nin + 1] == '\0')
			break;
	}
	return -1;
}

/* The broadcast shape of nd's inputs into nd; -1 if they do not. */
static int
broadcast(const struct tp_expr *e, struct node *nd, int *bad)
{
	int j, d;

	nd->ndim = 0;
	for (j = 0; j < nd->nargs; j++) {
		const struct node *a = &e->nodes[nd->arg[j]];

		if (a->ndim > nd->ndim) {	/* shift right, pad with 1 */
			int sh = a->ndim - nd->ndim;

			memmove(nd->shape + sh, nd->shape,
			    (size_t)nd->ndim * sizeof *nd->shape);
			for (d = 0; d < sh; d++)
				nd->shape[d] = 1;
			nd->ndim = a->ndim;
		}
		for (d = 0; d < a->ndim; d++) {
			size_t *s = &nd->shape[nd->ndim - a->ndim + d];
			size_t v = a->shape[d];

			if (*s == 1)
				*s = v;
			else if (v != 1 && v != *s) {
				*bad = j;
				return -1;
			}
		}
	}
	nd->count = 1;
	for (d = 0; d < nd->ndim; d++)
		nd->count *= nd->shape[d];
	return 0;
}

char *
expr_shape_text(int ndim, const size_t *shape, char *buf, size_t len)
{
	struct tp_tensor t = { .ndim = ndim };

	memcpy(t.shape, shape, (size_t)ndim * sizeof *shape);
	return tp_shape_str(&t, buf, len);
}


/* Whether numpy resolves ufunc fn by PyArray_ResultType of its inputs
 * (SimpleUniformOperationTypeResolver and the comparisons) rather than
 * by the linear search of its loops. */
static int
uniform(int fn)
{
	switch (fn) {
	case F_ADD: case F_SUB: case F_MUL: case F_MIN: case F_MAX:
	case F_SIGN: case F_POS:
	case F_FMIN: case F_FMAX: case F_CLIP: case F_LT: case F_LE:
	case F_GT: case F_GE: case F_EQ: case F_NE:
		return 1;
	default:
		return 0;
	}
}

/* Set nd's loop (ct, dt) for ufunc fn on its inputs args[0 .. nin):
 * returns NULL or a message. */
static tp_why
resolve_ufunc(struct tp_expr *e, struct node *nd, int fn, int nin,
    const int *args, const char *q, struct tp_msg *m)
{
	enum tp_dtype eff[3], ct[3], out;
	int small[3], j, found;
	char ts[120] = "";

	effective_types(e, nin, args, eff, small);
	if ((fn == F_SUB || fn == F_NEG) && eff[0] == TP_B1 &&
	    (fn == F_NEG || eff[1] == TP_B1))
		return tp_msgf(m, "expression '%s', column %d: the numpy "
		    "boolean %s, the '-' operator, is not supported (use ^ "
		    "or ~)", q, nd->pos, fn == F_SUB ? "subtract" :
		    "negative");
	if (fn == F_TDIV && tp_dtype_is_int(e->nodes[args[0]].dt) &&
	    tp_dtype_is_int(e->nodes[args[1]].dt)) {
		nd->ct[0] = nd->ct[1] = nd->dt = TP_F8;	/* true division */
		return NULL;
	}
	if (uniform(fn)) {
		int none[3] = { 0 };

		eff[0] = result_type(nin, eff, small);
		for (j = 1; j < nin; j++)
			eff[j] = eff[0];
		found = find_loop(expr_fns[fn].ufunc, nin, eff, none, ct,
		    &out) == 0 && ct[0] == eff[0];
	} else
		found = find_loop(expr_fns[fn].ufunc, nin, eff, small, ct,
		    &out) == 0;
	if (!found) {
		for (j = 0; j < nin; j++)
			snprintf(ts + strlen(ts), sizeof ts - strlen(ts),
			    "%s%s", j ? " and " : "",
			    tp_dtype_name(e->nodes[args[j]].dt));
		return tp_msgf(m, "expression '%s', column %d: numpy's %s has "
		    "no loop for %s", q, nd->pos, expr_fns[fn].ufunc, ts);
	}
	for (j = 0; j < nin; j++)
		nd->ct[j] = ct[j];
	nd->dt = out;
	return NULL;
}

/* numpy's fast_scalar_power: a ** s for an ndarray a (also 0-d: an
 * operand, or its real or imag, or a where; not a numpy scalar) and a 0-d
 * int or float s of 1, -1, 0, 0.5 or 2 is positive, reciprocal, ones_like,
 * sqrt or square of a.  Sets nd's op and types and returns 1 if it
 * applies. */
static int
fast_power(struct tp_expr *e, struct node *nd)
{
	const struct node *a = &e->nodes[nd->arg[0]];
	const struct node *s = &e->nodes[nd->arg[1]];
	enum tp_dtype at = a->dt, out;
	double x;
	int f = -1;

	if (nd->fn != F_POWOP || !a->isarr || !s->scalar ||
	    s->dt == TP_B1 || tp_dtype_is_complex(s->dt))
		return 0;
	x = expr_as_double(&s->val, s->dt, 0);
	if (tp_dtype_is_float(at) || tp_dtype_is_complex(at))
		f = x == 1 ? F_POS : x == -1 ? F_RECIP : x == 0 ? F_ONES :
		    x == 0.5 ? F_SQRT : x == 2 ? F_SQUARE : -1;
	else if (x == 2) {
		f = F_SQUARE;
		if (tp_dtype_is_float(s->dt) && at != TP_B1)
			at = TP_F8;	/* numpy casts the integers first */
	}
	if (f < 0)
		return 0;
	nd->op = f;
	nd->nin = 1;
	nd->ct[0] = at;
	nd->dt = at;
	if (f != F_ONES && f != F_POS && find_loop(expr_fns[f].ufunc, 1, &at,
	    NULL, nd->ct, &out) == 0)
		nd->dt = out;
	return 1;
}

/* Set literal or operand node nd's dtype, shape and, if it is 0-d, its
 * value (operand i is ops[i]). */
static void
resolve_leaf(struct node *nd, const struct tp_tensor *ops)
{
	if (nd->kind == N_NUM) {
		nd->dt = nd->litdt;
		nd->isarr = 0;
		nd->ndim = 0;
		nd->count = 1;
		nd->scalar = 1;
		nd->val = nd->lit;
		return;
	}
	if (nd->kind == N_VAR) {
		const struct tp_tensor *t = &ops[nd->var];

		nd->dt = t->dtype;
		nd->ndim = t->ndim;
		memcpy(nd->shape, t->shape, (size_t)t->ndim * sizeof *t->shape);
		nd->count = t->count;
		nd->isarr = 1;
		if (t->ndim == 0) {
			nd->scalar = 1;
			expr_load(&nd->val, t->data, t->dtype, 1);
		}
	}
}

/* Set call node nd's op, loop types ct and dtype (its inputs and shape
 * resolved; q is the quoted source for messages): numpy's own rules for
 * cast, where, around, real, imag and angle, its fast scalar powers, else
 * its ufunc's loops.  Returns NULL or a message. */
static tp_why
resolve_call(struct tp_expr *e, struct node *nd, const char *q,
    struct tp_msg *m)
{
	const char *why = NULL;

	switch (nd->fn) {
	case F_CAST:
		nd->ct[0] = e->nodes[nd->arg[0]].dt;
		nd->dt = nd->castdt;
		break;
	case F_WHERE:		/* the result type of the two choices */
	{
		enum tp_dtype eff[2];
		int small[2];

		effective_types(e, 2, nd->arg + 1, eff, small);
		nd->ct[0] = TP_B1;
		nd->dt = nd->ct[1] = nd->ct[2] = result_type(2, eff, small);
		break;
	}
	case F_ROUND:		/* numpy.around: integers stay */
		if (e->nodes[nd->arg[0]].dt == TP_B1 ||
		    tp_dtype_is_float(e->nodes[nd->arg[0]].dt)) {
			nd->op = F_RINT;
			why = resolve_ufunc(e, nd, F_RINT, 1, nd->arg, q, m);
			break;
		}
		/* FALLTHROUGH */
	case F_REAL:
	case F_IMAG:
		nd->ct[0] = e->nodes[nd->arg[0]].dt;
		nd->dt = nd->fn == F_ROUND ? nd->ct[0] : real_of(nd->ct[0]);
		break;
	case F_ANGLE:		/* arctan2(z.imag, z.real), or (0, z) */
		if (tp_dtype_is_complex(e->nodes[nd->arg[1]].dt)) {
			nd->ct[0] = nd->ct[1] = e->nodes[nd->arg[1]].dt;
			nd->dt = real_of(nd->ct[1]);
			break;
		}
		nd->op = F_ATAN2;
		why = resolve_ufunc(e, nd, F_ATAN2, 2, nd->arg, q, m);
		break;
	default:
		if (!fast_power(e, nd))
			why = resolve_ufunc(e, nd, nd->fn, nd->nargs, nd->arg,
			    q, m);
		break;
	}
	return why;
}

/*
 * A comparison operator between two numpy scalars (0-d results of
 * ufuncs), or a numpy scalar and a Python number, is not numpy's ufunc:
 * the scalar's own richcompare (numpy 1.24's scalarmath) converts the
 * other operand when it casts safely to the scalar's type (else numpy
 * falls back to the ufunc), and orders complex numbers
 * lexicographically without the ufunc's NaN test: (re == re' ? im OP
 * im' : re OP re').  If that applies to node nd (its loop resolved),
 * set its value and return 1; else return 0.
 */
static int
scalar_compare(struct tp_expr *e, struct node *nd)
{
	const struct node *a = &e->nodes[nd->arg[0]];
	const struct node *b = &e->nodes[nd->arg[1]];
	union val x, y;
	double xr, xi, yr, yi;
	int r;

	if (!nd->isop || nd->fn == F_EQ || nd->fn == F_NE || a->isarr ||
	    b->isarr || !tp_dtype_is_complex(nd->ct[0]) ||
	    !((a->kind != N_NUM && expr_safe[b->dt][a->dt]) ||
	    (b->kind != N_NUM && expr_safe[a->dt][b->dt])))
		return 0;
	expr_conv(&x, TP_C16, &a->val, a->dt, 1);
	expr_conv(&y, TP_C16, &b->val, b->dt, 1);
	xr = x.cd[0], xi = x.cd[1], yr = y.cd[0], yi = y.cd[1];
	if (xr == yr) {
		xr = xi;
		yr = yi;
	}
	switch (nd->fn) {
	case F_LT: r = xr < yr; break;
	case F_LE: r = xr <= yr; break;
	case F_GT: r = xr > yr; break;
	default: r = xr >= yr; break;
	}
	nd->val.i = r;
	nd->scalar = 1;
	return 1;
}

/* Resolve node k (its inputs resolved). */
static tp_why
resolve_node(struct tp_expr *e, int k, const struct tp_tensor *ops,
    struct tp_msg *m)
{
	struct node *nd = &e->nodes[k];
	char q[200], b1[200], b2[200];
	const char *why;
	int j, bad, allscalar = 1;

	tp_quote(e->src, strlen(e->src), q, sizeof q);
	nd->op = nd->fn;
	nd->nin = nd->nargs;
	nd->scalar = 0;
	if (nd->kind == N_NUM || nd->kind == N_VAR) {
		resolve_leaf(nd, ops);
		return NULL;
	}
	if (broadcast(e, nd, &bad) < 0) {
		const struct node *a = &e->nodes[nd->arg[bad]];
		const struct node *a0 = &e->nodes[nd->arg[0]];

		return tp_msgf(m, "expression '%s', column %d: shapes %s and "
		    "%s do not broadcast", q, nd->pos,
		    expr_shape_text(a0->ndim, a0->shape, b2, sizeof b2),
		    expr_shape_text(a->ndim, a->shape, b1, sizeof b1));
	}
	for (j = 0; j < nd->nargs; j++)
		if (!e->nodes[nd->arg[j]].scalar)
			allscalar = 0;
	nd->isarr = nd->ndim > 0 || nd->fn == F_WHERE || ((nd->fn == F_REAL ||
	    nd->fn == F_IMAG) && e->nodes[nd->arg[0]].isarr);
	if ((why = resolve_call(e, nd, q, m)))
		return why;
	if (allscalar && scalar_compare(e, nd))
		return NULL;
	if (allscalar)
		return expr_eval_scalar(e, k, m);
	return NULL;
}

tp_why
tp_expr_resolve(struct tp_expr *e, const struct tp_tensor *ops,
    int out_dtype, struct tp_tensor *out, struct tp_msg *m)
{
	const char *why;
	int k, d, j;

	e->ops = ops;
	for (k = 0; k < e->nnodes; k++)
		if ((why = resolve_node(e, k, ops, m)))
			return why;
	{
		const struct node *r = &e->nodes[e->root];

		e->ndim = r->ndim;
		memcpy(e->shape, r->shape, (size_t)r->ndim * sizeof *r->shape);
		e->count = r->count;
		e->outdt = out_dtype >= 0 ? (enum tp_dtype)out_dtype : r->dt;
	}
	/* how each operand's elements map to the output's */
	for (k = 0; k < e->nnodes; k++) {
		struct node *nd = &e->nodes[k];
		size_t stride = 1;

		if (nd->kind != N_VAR || nd->scalar)
			continue;
		nd->direct = nd->count == e->count;
		for (d = e->ndim - 1, j = nd->ndim - 1; d >= 0; d--, j--) {
			if (j < 0 || nd->shape[j] == 1)
				nd->bstride[d] = 0;
			else {
				nd->bstride[d] = stride;
				stride *= nd->shape[j];
			}
		}
	}
	memset(out, 0, sizeof *out);
	out->dtype = e->outdt;
	tp_eset_shape(out, e->ndim, e->shape);
	return NULL;
}

int
tp_expr_streamable(const struct tp_expr *e, int i)
{
	int k;

	for (k = 0; k < e->nnodes; k++)
		if (e->nodes[k].kind == N_VAR && e->nodes[k].var == i)
			return !e->nodes[k].scalar && e->nodes[k].direct;
	return 0;
}

int
tp_expr_uses(const struct tp_expr *e, int i)
{
	int k;

	for (k = 0; k < e->nnodes; k++)
		if (e->nodes[k].kind == N_VAR && e->nodes[k].var == i)
			return 1;
	return 0;
}
