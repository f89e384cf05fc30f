/*
 * expr_parse.c - tmath's language (expr.h, expr_impl.h): the table of
 * functions and operators with their other spellings and the casts, and
 * the recursive descent parser with Python's precedence that turns an
 * expression into the node array (children before parents), with a
 * message naming the column of the first error.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "expr_impl.h"

/* name: as the user writes it (or the operator); ufunc: numpy's ufunc
 * whose loops decide the types (NULL: a rule of its own). */
const struct fninfo expr_fns[F_NFN] = {
	[F_ADD] = { "+", 2, "add" },
	[F_SUB] = { "-", 2, "subtract" },
	[F_MUL] = { "*", 2, "multiply" },
	[F_TDIV] = { "/", 2, "true_divide" },
	[F_FDIV] = { "//", 2, "floor_divide" },
	[F_MOD] = { "%", 2, "remainder" },
	[F_POW] = { "power", 2, "power" },
	[F_POWOP] = { "**", 2, "power" },
	[F_AND] = { "&", 2, "bitwise_and" },
	[F_OR] = { "|", 2, "bitwise_or" },
	[F_XOR] = { "^", 2, "bitwise_xor" },
	[F_LT] = { "<", 2, "less" },
	[F_LE] = { "<=", 2, "less_equal" },
	[F_GT] = { ">", 2, "greater" },
	[F_GE] = { ">=", 2, "greater_equal" },
	[F_EQ] = { "==", 2, "equal" },
	[F_NE] = { "!=", 2, "not_equal" },
	[F_NEG] = { "negative", 1, "negative" },
	[F_POS] = { "positive", 1, "positive" },
	[F_INV] = { "invert", 1, "invert" },
	[F_ABS] = { "abs", 1, "absolute" },
	[F_SIGN] = { "sign", 1, "sign" },
	[F_SQRT] = { "sqrt", 1, "sqrt" },
	[F_CBRT] = { "cbrt", 1, "cbrt" },
	[F_EXP] = { "exp", 1, "exp" },
	[F_EXPM1] = { "expm1", 1, "expm1" },
	[F_EXP2] = { "exp2", 1, "exp2" },
	[F_LOG] = { "log", 1, "log" },
	[F_LOG1P] = { "log1p", 1, "log1p" },
	[F_LOG2] = { "log2", 1, "log2" },
	[F_LOG10] = { "log10", 1, "log10" },
	[F_SIN] = { "sin", 1, "sin" },
	[F_COS] = { "cos", 1, "cos" },
	[F_TAN] = { "tan", 1, "tan" },
	[F_ASIN] = { "arcsin", 1, "arcsin" },
	[F_ACOS] = { "arccos", 1, "arccos" },
	[F_ATAN] = { "arctan", 1, "arctan" },
	[F_SINH] = { "sinh", 1, "sinh" },
	[F_COSH] = { "cosh", 1, "cosh" },
	[F_TANH] = { "tanh", 1, "tanh" },
	[F_ASINH] = { "arcsinh", 1, "arcsinh" },
	[F_ACOSH] = { "arccosh", 1, "arccosh" },
	[F_ATANH] = { "arctanh", 1, "arctanh" },
	[F_ATAN2] = { "arctan2", 2, "arctan2" },
	[F_HYPOT] = { "hypot", 2, "hypot" },
	[F_FLOOR] = { "floor", 1, "floor" },
	[F_CEIL] = { "ceil", 1, "ceil" },
	[F_TRUNC] = { "trunc", 1, "trunc" },
	[F_RINT] = { "rint", 1, "rint" },
	[F_ROUND] = { "round", 1, NULL },
	[F_CLIP] = { "clip", 3, "clip" },
	[F_MIN] = { "minimum", 2, "minimum" },
	[F_MAX] = { "maximum", 2, "maximum" },
	[F_FMIN] = { "fmin", 2, "fmin" },
	[F_FMAX] = { "fmax", 2, "fmax" },
	[F_WHERE] = { "where", 3, NULL },
	[F_ISNAN] = { "isnan", 1, "isnan" },
	[F_ISINF] = { "isinf", 1, "isinf" },
	[F_ISFINITE] = { "isfinite", 1, "isfinite" },
	[F_REAL] = { "real", 1, NULL },
	[F_IMAG] = { "imag", 1, NULL },
	[F_CONJ] = { "conj", 1, "conjugate" },
	[F_ANGLE] = { "angle", 1, NULL },
	[F_SQUARE] = { "square", 1, "square" },
	[F_RECIP] = { "reciprocal", 1, "reciprocal" },
	[F_ONES] = { "ones_like", 1, NULL },
	[F_CAST] = { "cast", 1, NULL },
};

/* Other spellings of functions. */
static const struct { const char *name; int fn; } aliases[] = {
	{ "absolute", F_ABS }, { "conjugate", F_CONJ }, { "around", F_ROUND },
	{ "arctan2", F_ATAN2 }, { "add", F_ADD }, { "subtract", F_SUB },
	{ "multiply", F_MUL }, { "divide", F_TDIV }, { "true_divide", F_TDIV },
	{ "floor_divide", F_FDIV }, { "remainder", F_MOD }, { "mod", F_MOD },
	{ "negative", F_NEG }, { "positive", F_POS }, { "invert", F_INV },
	{ "less", F_LT }, { "less_equal", F_LE }, { "greater", F_GT },
	{ "greater_equal", F_GE }, { "equal", F_EQ }, { "not_equal", F_NE },
	{ "bitwise_and", F_AND }, { "bitwise_or", F_OR },
	{ "bitwise_xor", F_XOR }, { "bitwise_not", F_INV },
};

/* Casts by numpy's scalar type names. */
static const struct { const char *name; enum tp_dtype t; } casts[] = {
	{ "bool_", TP_B1 }, { "uint8", TP_U1 }, { "int8", TP_I1 },
	{ "uint16", TP_U2 }, { "int16", TP_I2 }, { "uint32", TP_U4 },
	{ "int32", TP_I4 }, { "uint64", TP_U8 }, { "int64", TP_I8 },
	{ "float16", TP_F2 }, { "float32", TP_F4 }, { "float64", TP_F8 },
	{ "complex64", TP_C8 }, { "complex128", TP_C16 },
};

/* --- parsing ---------------------------------------------------------- */

struct parser {
	struct tp_expr *e;
	const char *s;
	size_t p;
	const char *const *names;
	int nnames;
	const char *err;		/* the first error, formatted in m */
	struct tp_msg *m;
};

static int parse_comparison(struct parser *);

/* Record the first error, at column pos (from 0 here). */
static int
perr(struct parser *ps, size_t pos, const char *fmt, const char *arg)
{
	char q[200], what[200];

	if (!ps->err) {
		snprintf(what, sizeof what, fmt, arg);
		tp_quote(ps->s, strlen(ps->s), q, sizeof q);
		ps->err = tp_msgf(ps->m, "expression '%s', column %zu: %s", q,
		    pos + 1, what);
	}
	return -1;
}

static void
skip_space(struct parser *ps)
{
	while (ps->s[ps->p] == ' ' || ps->s[ps->p] == '\t' ||
	    ps->s[ps->p] == '\n')
		ps->p++;
}

static int
new_node(struct parser *ps, int kind, int fn, size_t pos)
{
	struct node *nd;

	if (ps->e->nnodes >= MAXNODES)
		return perr(ps, pos, "the expression has more than %s nodes",
		    "256");
	nd = &ps->e->nodes[ps->e->nnodes];
	memset(nd, 0, sizeof *nd);
	nd->kind = kind;
	nd->fn = fn;
	nd->pos = (int)pos + 1;
	return ps->e->nnodes++;
}

static int
call_node(struct parser *ps, int fn, size_t pos, int nargs, const int *args)
{
	int k, j;

	for (j = 0; j < nargs; j++)
		if (args[j] < 0)
			return -1;
	if ((k = new_node(ps, N_CALL, fn, pos)) < 0)
		return -1;
	ps->e->nodes[k].nargs = nargs;
	for (j = 0; j < nargs; j++)
		ps->e->nodes[k].arg[j] = args[j];
	return k;
}

/* A numeric literal as Python reads it: int, float, or imaginary. */
static int
parse_number(struct parser *ps)
{
	const char *s = ps->s + ps->p;
	size_t pos = ps->p, len = 0;
	int isfloat = 0, k;
	char buf[128];
	struct node *nd;

	while (s[len] >= '0' && s[len] <= '9')
		len++;
	if (s[len] == '.') {
		isfloat = 1;
		len++;
		while (s[len] >= '0' && s[len] <= '9')
			len++;
	}
	if ((s[len] == 'e' || s[len] == 'E') && (s[len + 1] == '+' ||
	    s[len + 1] == '-' ? s[len + 2] : s[len + 1]) >= '0' &&
	    (s[len + 1] == '+' || s[len + 1] == '-' ? s[len + 2] :
	    s[len + 1]) <= '9') {
		isfloat = 1;
		len += (s[len + 1] == '+' || s[len + 1] == '-') ? 2 : 1;
		while (s[len] >= '0' && s[len] <= '9')
			len++;
	}
	if (len >= sizeof buf)
		return perr(ps, pos, "number %s is too long", "literal");
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((k = new_node(ps, N_NUM, 0, pos)) < 0)
		return -1;
	nd = &ps->e->nodes[k];
	if (s[len] == 'j' || s[len] == 'J') {
		nd->litdt = TP_C16;
		nd->lit.cd[0] = 0;
		nd->lit.cd[1] = strtod(buf, NULL);
		len++;
	} else if (isfloat) {
		nd->litdt = TP_F8;
		nd->lit.d = strtod(buf, NULL);
	} else {
		uint64_t v = 0;
		size_t i;

		for (i = 0; i < len; i++) {
			if (v > (UINT64_MAX - (unsigned)(buf[i] - '0')) / 10)
				return perr(ps, pos, "integer %s does not fit "
				    "in 64 bits", buf);
			v = v * 10 + (unsigned)(buf[i] - '0');
		}
		/* numpy.asarray of a Python int: int64, else uint64 */
		nd->litdt = v > INT64_MAX ? TP_U8 : TP_I8;
		nd->lit.i = (int64_t)v;
	}
	ps->p += len;
	if ((s[len] >= 'a' && s[len] <= 'z') || (s[len] >= 'A' &&
	    s[len] <= 'Z') || s[len] == '_' || s[len] == '.')
		return perr(ps, ps->p, "invalid number %s", buf);
	return k;
}

/* Look name up among the functions, aliases and casts: returns the fn
 * (F_CAST with *cast set), or -1. */
static int
lookup_fn(const char *name, enum tp_dtype *cast)
{
	size_t i;

	for (i = 0; i < F_NFN; i++)
		if (expr_fns[i].ufunc != NULL || i == F_ROUND || i == F_WHERE ||
		    i == F_REAL || i == F_IMAG || i == F_ANGLE)
			if (strcmp(name, expr_fns[i].name) == 0 &&
			    expr_fns[i].name[0] >= 'a')
				return (int)i;
	for (i = 0; i < sizeof aliases / sizeof *aliases; i++)
		if (strcmp(name, aliases[i].name) == 0)
			return aliases[i].fn;
	for (i = 0; i < sizeof casts / sizeof *casts; i++)
		if (strcmp(name, casts[i].name) == 0) {
			*cast = casts[i].t;
			return F_CAST;
		}
	if (strcmp(name, "bool") == 0) {
		*cast = TP_B1;
		return F_CAST;
	}
	return -1;
}

static const char *const constants[] = { "pi", "e", "inf", "nan", "True",
	"False", "newaxis" };

int
tp_expr_reserved(const char *name)
{
	enum tp_dtype t;
	size_t i;

	for (i = 0; i < sizeof constants / sizeof *constants; i++)
		if (strcmp(name, constants[i]) == 0)
			return 1;
	return lookup_fn(name, &t) >= 0 || strcmp(name, "np") == 0 ||
	    strcmp(name, "numpy") == 0;
}

/* A name not followed by '(' at column pos: an operand (a node of
 * it) or a constant (a literal node); else an error saying why not. */
static int
parse_bare_name(struct parser *ps, const char *name, size_t pos)
{
	enum tp_dtype cast = TP_B1;
	int k, i;

	for (i = 0; i < ps->nnames; i++)
		if (strcmp(name, ps->names[i]) == 0) {
			if ((k = new_node(ps, N_VAR, 0, pos)) < 0)
				return -1;
			ps->e->nodes[k].var = i;
			return k;
		}
	if ((k = new_node(ps, N_NUM, 0, pos)) < 0)
		return -1;
	ps->e->nodes[k].litdt = TP_F8;
	if (strcmp(name, "pi") == 0)
		ps->e->nodes[k].lit.d = M_PI;
	else if (strcmp(name, "e") == 0)
		ps->e->nodes[k].lit.d = M_E;
	else if (strcmp(name, "inf") == 0)
		ps->e->nodes[k].lit.d = INFINITY;
	else if (strcmp(name, "nan") == 0)
		ps->e->nodes[k].lit.d = NAN;
	else if (strcmp(name, "True") == 0 ||
	    strcmp(name, "False") == 0) {
		ps->e->nodes[k].litdt = TP_B1;
		ps->e->nodes[k].lit.i = name[0] == 'T';
	} else if (lookup_fn(name, &cast) >= 0) {
		char what[160];

		snprintf(what, sizeof what, "%s is a function: call it "
		    "as %s(...)", name, name);
		return perr(ps, pos, "%s", what);
	}
	else
		return perr(ps, pos, "unknown name '%s'", name);
	return k;
}

/* The arguments of a call of name, from its '(' at ps->p to its ')'
 * past which it leaves ps->p, into args[0 .. 3): their count, or -1. */
static int
parse_args(struct parser *ps, const char *name, int *args)
{
	const char *s = ps->s;
	int nargs = 0;

	ps->p++;			/* ( */
	skip_space(ps);
	if (s[ps->p] != ')')
		for (;;) {
			if (nargs == 3)
				return perr(ps, ps->p, "too many arguments "
				    "to %s", name);
			if ((args[nargs++] = parse_comparison(ps)) < 0)
				return -1;
			skip_space(ps);
			if (s[ps->p] == ',') {
				ps->p++;
				skip_space(ps);
				continue;
			}
			if (s[ps->p] != ')')
				return perr(ps, ps->p, "expected ',' or ')' "
				    "in the call of %s", name);
			break;
		}
	ps->p++;			/* ) */
	return nargs;
}

/* A name: a constant, an operand, or a call. */
static int
parse_name(struct parser *ps)
{
	const char *s = ps->s;
	size_t pos = ps->p, len;
	char name[64];
	enum tp_dtype cast = TP_B1;
	int fn, k, args[3], nargs, i;

	/* np.sqrt and numpy.sqrt are sqrt */
	if (strncmp(s + ps->p, "np.", 3) == 0)
		ps->p += 3;
	else if (strncmp(s + ps->p, "numpy.", 6) == 0)
		ps->p += 6;
	for (len = 0; (s[ps->p + len] >= 'a' && s[ps->p + len] <= 'z') ||
	    (s[ps->p + len] >= 'A' && s[ps->p + len] <= 'Z') ||
	    (s[ps->p + len] >= '0' && s[ps->p + len] <= '9') ||
	    s[ps->p + len] == '_'; len++)
		;
	if (len == 0)
		return perr(ps, ps->p, "expected a name after %s", "'np.'");
	if (len >= sizeof name)
		return perr(ps, pos, "name %s is too long", "");
	memcpy(name, s + ps->p, len);
	name[len] = '\0';
	ps->p += len;
	skip_space(ps);
	if (s[ps->p] != '(')
		return parse_bare_name(ps, name, pos);
	if ((fn = lookup_fn(name, &cast)) < 0) {
		for (i = 0; i < ps->nnames; i++)
			if (strcmp(name, ps->names[i]) == 0)
				return perr(ps, pos, "'%s' is an operand, "
				    "not a function", name);
		return perr(ps, pos, "unknown function '%s'", name);
	}
	if ((nargs = parse_args(ps, name, args)) < 0)
		return -1;
	if (nargs != expr_fns[fn].nargs) {
		char want[120];

		snprintf(want, sizeof want, "%s takes %d argument%s, not %d",
		    name, expr_fns[fn].nargs,
		    expr_fns[fn].nargs == 1 ? "" : "s", nargs);
		return perr(ps, pos, "%s", want);
	}
	if (fn == F_ANGLE) {		/* arctan2(imag, real): 0 for reals */
		int zero = new_node(ps, N_NUM, 0, pos);

		if (zero < 0)
			return -1;
		ps->e->nodes[zero].litdt = TP_I8;
		args[1] = args[0];
		args[0] = zero;
		nargs = 2;
	}
	if ((k = call_node(ps, fn, pos, nargs, args)) >= 0 && fn == F_CAST)
		ps->e->nodes[k].castdt = cast;
	return k;
}

static int
parse_primary(struct parser *ps)
{
	const char *s = ps->s;
	int k;

	skip_space(ps);
	if ((s[ps->p] >= '0' && s[ps->p] <= '9') || (s[ps->p] == '.' &&
	    s[ps->p + 1] >= '0' && s[ps->p + 1] <= '9'))
		return parse_number(ps);
	if ((s[ps->p] >= 'a' && s[ps->p] <= 'z') || (s[ps->p] >= 'A' &&
	    s[ps->p] <= 'Z') || s[ps->p] == '_')
		return parse_name(ps);
	if (s[ps->p] == '(') {
		size_t open = ps->p++;

		if ((k = parse_comparison(ps)) < 0)
			return -1;
		skip_space(ps);
		if (s[ps->p] != ')')
			return perr(ps, open, "'(' is not closed%s", "");
		ps->p++;
		return k;
	}
	if (s[ps->p] == '\0')
		return perr(ps, ps->p, "the expression ends where an operand "
		    "is expected%s", "");
	return perr(ps, ps->p, "unexpected '%.1s'", s + ps->p);
}

static int parse_unary(struct parser *);

/* power: primary ['**' unary] (right-associative, binds tighter than a
 * unary minus on its left). */
static int
parse_power(struct parser *ps)
{
	int a[2];
	size_t pos;

	if ((a[0] = parse_primary(ps)) < 0)
		return -1;
	skip_space(ps);
	if (ps->s[ps->p] == '*' && ps->s[ps->p + 1] == '*') {
		pos = ps->p;
		ps->p += 2;
		a[1] = parse_unary(ps);
		return call_node(ps, F_POWOP, pos, 2, a);
	}
	return a[0];
}

static int
parse_unary(struct parser *ps)
{
	char c;
	size_t pos;
	int a;

	skip_space(ps);
	c = ps->s[ps->p];
	if (c == '-' || c == '+' || c == '~') {
		pos = ps->p++;
		a = parse_unary(ps);
		/* -2 is a literal in numpy's eyes too (value-based) */
		return call_node(ps, c == '-' ? F_NEG : c == '+' ? F_POS :
		    F_INV, pos, 1, &a);
	}
	return parse_power(ps);
}

/* The binary operator at ps->p of the given level (0: | 1: ^ 2: & 3: + -
 * 4: * / // %), its fn and length; -1 if none. */
static int
binop_at(const char *s, int level, int *len)
{
	*len = 1;
	switch (level) {
	case 0: return s[0] == '|' ? F_OR : -1;
	case 1: return s[0] == '^' ? F_XOR : -1;
	case 2: return s[0] == '&' ? F_AND : -1;
	case 3: return s[0] == '+' ? F_ADD : s[0] == '-' ? F_SUB : -1;
	default:
		if (s[0] == '*' && s[1] != '*')
			return F_MUL;
		if (s[0] == '/' && s[1] == '/') {
			*len = 2;
			return F_FDIV;
		}
		return s[0] == '/' ? F_TDIV : s[0] == '%' ? F_MOD : -1;
	}
}

static int
parse_level(struct parser *ps, int level)
{
	int a[2], fn, len;
	size_t pos;

	if ((a[0] = level == 5 ? parse_unary(ps) :
	    parse_level(ps, level + 1)) < 0)
		return -1;
	if (level == 5)
		return a[0];
	for (;;) {
		skip_space(ps);
		if ((fn = binop_at(ps->s + ps->p, level, &len)) < 0)
			return a[0];
		pos = ps->p;
		ps->p += (size_t)len;
		if ((a[1] = parse_level(ps, level + 1)) < 0)
			return -1;
		if ((a[0] = call_node(ps, fn, pos, 2, a)) < 0)
			return -1;
	}
}

static int
compop_at(const char *s, int *len)
{
	*len = 2;
	if (s[0] == '<' && s[1] == '=')
		return F_LE;
	if (s[0] == '>' && s[1] == '=')
		return F_GE;
	if (s[0] == '=' && s[1] == '=')
		return F_EQ;
	if (s[0] == '!' && s[1] == '=')
		return F_NE;
	*len = 1;
	return s[0] == '<' ? F_LT : s[0] == '>' ? F_GT : -1;
}

/* comparison: bitor [compop bitor]; a chain a < b < c is refused. */
static int
parse_comparison(struct parser *ps)
{
	int a[2], fn, len, k;
	size_t pos;

	if ((a[0] = parse_level(ps, 0)) < 0)
		return -1;
	skip_space(ps);
	if ((fn = compop_at(ps->s + ps->p, &len)) < 0)
		return a[0];
	pos = ps->p;
	ps->p += (size_t)len;
	if ((a[1] = parse_level(ps, 0)) < 0)
		return -1;
	if ((k = call_node(ps, fn, pos, 2, a)) >= 0)
		ps->e->nodes[k].isop = 1;
	skip_space(ps);
	if (compop_at(ps->s + ps->p, &len) >= 0)
		return perr(ps, ps->p, "chained comparison: numpy arrays "
		    "cannot chain them; write (a < b) & (b < c)%s", "");
	return k;
}

tp_why
tp_expr_parse(const char *src, int nnames, const char *const *names,
    struct tp_expr **ep, struct tp_msg *m)
{
	struct parser ps = { 0 };
	struct tp_expr *e = tp_ecalloc(1, sizeof *e);
	int root;

	e->src = tp_estrdup(src);
	e->nnames = nnames;
	for (root = 0; root < nnames && root < TP_EXPR_MAXOPS; root++)
		e->names[root] = tp_estrdup(names[root]);
	ps.e = e;
	ps.s = src;
	ps.names = names;
	ps.nnames = nnames;
	ps.m = m;
	root = parse_comparison(&ps);
	if (root >= 0) {
		skip_space(&ps);
		if (src[ps.p] == '=' )
			perr(&ps, ps.p, "'=' is not an operator (write == to "
			    "compare)%s", "");
		else if (src[ps.p] != '\0')
			perr(&ps, ps.p, "unexpected '%.1s' after a complete "
			    "expression", src + ps.p);
	}
	if (ps.err) {
		tp_expr_free(e);
		return ps.err;
	}
	e->root = root;
	*ep = e;
	return NULL;
}

void
tp_expr_free(struct tp_expr *e)
{
	int i;

	if (!e)
		return;
	for (i = 0; i < e->nscratch; i++)
		free(e->scratch[i]);
	for (i = 0; i < e->nnames && i < TP_EXPR_MAXOPS; i++)
		free(e->names[i]);
	free(e->src);
	free(e);
}
