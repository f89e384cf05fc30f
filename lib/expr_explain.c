/*
 * expr_explain.c - tmath --explain (expr.h, expr_impl.h): the parsed
 * tree after a resolve, one line per node with its dtype, shape and the
 * type its loop computes in, then the output's dtype and shape.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "expr_impl.h"

/* --- explain ---------------------------------------------------------- */

static void
explain_node(const struct tp_expr *e, int k, int depth, char **buf,
    size_t *len, size_t *cap)
{
	const struct node *nd = &e->nodes[k];
	char line[512], sh[200], label[160];
	int j, n;

	if (nd->kind == N_NUM) {
		if (nd->litdt == TP_I8 || nd->litdt == TP_U8 ||
		    nd->litdt == TP_B1)
			snprintf(label, sizeof label, "%lld",
			    (long long)nd->lit.i);
		else if (nd->litdt == TP_C16)
			snprintf(label, sizeof label, "%.17gj", nd->lit.cd[1]);
		else {		/* the shortest digits that read back */
			snprintf(label, sizeof label, "%.15g", nd->lit.d);
			if (strtod(label, NULL) != nd->lit.d)
				snprintf(label, sizeof label, "%.17g",
				    nd->lit.d);
		}
	} else if (nd->kind == N_VAR)
		snprintf(label, sizeof label, "%s", e->names[nd->var]);
	else if (nd->fn == F_CAST)
		snprintf(label, sizeof label, "cast to %s",
		    tp_dtype_name(nd->castdt));
	else {
		snprintf(label, sizeof label, "%s", expr_fns[nd->fn].name);
		if (nd->op != nd->fn)
			snprintf(label + strlen(label), sizeof label -
			    strlen(label), " (as numpy's %s)",
			    expr_fns[nd->op].ufunc ? expr_fns[nd->op].ufunc :
			    expr_fns[nd->op].name);
	}
	n = snprintf(line, sizeof line, "%*s%s: %s %s", 2 * depth, "", label,
	    tp_dtype_name(nd->dt), expr_shape_text(nd->ndim, nd->shape, sh,
	    sizeof sh));
	if (nd->kind == N_CALL && nd->fn != F_CAST && nd->fn != F_WHERE) {
		int in = nd->op == F_ATAN2 ? 2 : (nd->fn == F_ANGLE ? 0 : 1);

		if (nd->op == F_SQUARE || nd->op == F_RECIP ||
		    nd->op == F_ONES || nd->op == F_POS || nd->op == F_SQRT)
			in = 1;
		else if (nd->op != F_ATAN2)
			in = nd->nargs;
		if (nd->fn == F_ANGLE && nd->op != F_ATAN2)
			n += snprintf(line + n, sizeof line - (size_t)n,
			    ", computed in %s", tp_dtype_name(nd->ct[1]));
		else if (in > 0)
			n += snprintf(line + n, sizeof line - (size_t)n,
			    ", computed in %s", tp_dtype_name(nd->ct[0]));
	}
	if (nd->kind != N_CALL && nd->ndim == 0 && nd->kind == N_NUM)
		n += snprintf(line + n, sizeof line - (size_t)n, " scalar");
	if (n > (int)sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	line[n] = '\0';
	while (*len + (size_t)n + 1 > *cap) {
		*cap = *cap ? 2 * *cap : 1024;
		*buf = tp_erealloc(*buf, *cap);
	}
	memcpy(*buf + *len, line, (size_t)n + 1);
	*len += (size_t)n;
	for (j = 0; j < nd->nargs; j++)
		if (!(nd->fn == F_ANGLE && nd->op != F_ATAN2 && j == 0))
			explain_node(e, nd->arg[j], depth + 1, buf, len, cap);
}

char *
tp_expr_explain(const struct tp_expr *e)
{
	char *buf = NULL, sh[200];
	size_t len = 0, cap = 0;

	explain_node(e, e->root, 0, &buf, &len, &cap);
	{
		char tail[300];
		int n = snprintf(tail, sizeof tail, "output: %s %s\n",
		    tp_dtype_name(e->outdt),
		    expr_shape_text(e->ndim, e->shape, sh, sizeof sh));

		buf = tp_erealloc(buf, len + (size_t)n + 1);
		memcpy(buf + len, tail, (size_t)n + 1);
	}
	return buf;
}
