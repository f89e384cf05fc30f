/*
 * expr.h - element-wise expressions in NumPy's syntax and type rules
 * (tmath).  An expression is parsed once (tp_expr_parse); for each record
 * its types and shapes are resolved from the operands' headers, NumPy
 * 1.24's promotion (value-based for 0-d operands) and broadcasting
 * (tp_expr_resolve); then any range of output elements is evaluated in
 * one fused pass over cache-sized blocks, on threads (tp_expr_run).
 */
#ifndef TP_EXPR_H
#define TP_EXPR_H

#include <stddef.h>

#include "tpipe.h"

#define TP_EXPR_MAXOPS 64	/* operands: x and the bound names */

struct tp_expr;

/*
 * Parse src; names[0 .. nnames) are the operands' names (names[0] is
 * "x").  Returns NULL and sets *e, or a message naming the column (from
 * 1) of src where it is wrong.
 */
tp_why tp_expr_parse(const char *src, int nnames,
    const char *const *names, struct tp_expr **e, struct tp_msg *m);
/* Whether a name is taken by the language (a function or a constant). */
int tp_expr_reserved(const char *name);
/*
 * Resolve types and shapes for the operands ops[0 .. nnames): their
 * headers, and the data of every 0-d one (value-based casting needs its
 * value; other data may be NULL until tp_expr_run); out_dtype forces
 * the output dtype (-1: the expression's own).  Fills out (dtype and
 * shape, data NULL).
 * Returns NULL, or a message naming the column.
 */
tp_why tp_expr_resolve(struct tp_expr *, const struct tp_tensor *ops,
    int out_dtype, struct tp_tensor *out, struct tp_msg *m);
/* Whether operand i (after resolve) has the output's element count and
 * is not 0-d, so that it may be streamed a chunk at a time. */
int tp_expr_streamable(const struct tp_expr *, int i);
/* Whether the expression names operand i at all. */
int tp_expr_uses(const struct tp_expr *, int i);
/*
 * Evaluate output elements [start, start + n) into dst (the output's
 * dtype, raw) on threads threads.  Operand i's elements come from
 * ops[i].data, or, if chunk[i] is not NULL, from chunk[i], which holds
 * its elements [start, start + n).  Returns NULL, or a message (an
 * integer raised to a negative power).
 */
tp_why tp_expr_run(struct tp_expr *, const struct tp_tensor *ops,
    const void *const *chunk, size_t start, size_t n, void *dst,
    int threads, struct tp_msg *m);
/* The parsed tree with each node's dtype, loop and shape, as text (to
 * free); after a resolve. */
char *tp_expr_explain(const struct tp_expr *);
void tp_expr_free(struct tp_expr *);

#endif
