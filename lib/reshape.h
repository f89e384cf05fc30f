/*
 * reshape.h - the reshape engine: reshapes, axis permutations and einops
 * rearrange patterns, resolved against each record's shape, explained
 * in words, and run as a pure view (no element moves) or as a threaded
 * permutation of raw elements.
 *
 * A request (struct tp_reshape) is made once from the command line; it
 * is resolved against each record (tp_reshape_resolve) into a plan: the
 * record viewed as "elementary" axes, their order in the output, and the
 * output shape.  A plan whose order leaves every axis longer than 1 in
 * place is a view: the bytes pass through as they are.
 */
#ifndef TP_RESHAPE_H
#define TP_RESHAPE_H

#include "tpipe.h"

enum tp_reshape_form {
	TP_RESHAPE_SHAPE,	/* a new shape, a -1 inferred (numpy reshape) */
	TP_RESHAPE_PATTERN,	/* einops rearrange: 'b (h w) c -> b c h w' */
	TP_RESHAPE_PERMUTE,	/* axes in a new order (numpy transpose) */
	TP_RESHAPE_TRANSPOSE,	/* axes reversed (numpy .T) */
	TP_RESHAPE_SQUEEZE,	/* drop axes of length 1: all, or those given */
	TP_RESHAPE_UNSQUEEZE,	/* insert an axis of length 1 (torch) */
	TP_RESHAPE_TAKE		/* one slice: axis removed (numpy take, a
				   scalar index) */
};

/*
 * What a pattern does (einops' three operations): rearrange (every name
 * on both sides); reduce (names on the left only are reduced by a sum,
 * mean, max or min); repeat (names and numbers on the right only are new
 * axes along which the input repeats).
 */
enum tp_op { TP_OP_REARRANGE, TP_OP_SUM, TP_OP_MEAN, TP_OP_MAX, TP_OP_MIN,
	TP_OP_REPEAT };
#define TP_OP_REDUCES(op) ((op) >= TP_OP_SUM && (op) <= TP_OP_MIN)
/* The words of --reduce: "sum", "mean", "max", "min" (tp_choice). */
extern const struct tp_choice tp_reductions[];

/* One side of a pattern: groups of items, an item a name or "...". */
#define TP_RESHAPE_ELLIPSIS (-1)
struct tp_reshape_side {
	int ngroups;
	int first[TP_MAXDIM + 1];	/* group g: first[g]..first[g+1]-1 */
	int paren[TP_MAXDIM];		/* group g was written in parentheses */
	int item[TP_MAXDIM + 1];	/* a name, or TP_RESHAPE_ELLIPSIS */
	int ellipsis;			/* 1 if "..." is on this side */
};

/* A request: what the user asked, before any record is seen. */
struct tp_reshape {
	enum tp_reshape_form form;
	const char *text;		/* as the user wrote it */
	char shown[200];		/* the same quoted for messages (cut at
					   60 bytes, control bytes escaped) */
	int n;				/* shape or axis entries */
	long long v[TP_MAXDIM];		/* shape (-1: infer) or axes */
	int all;			/* squeeze: every axis of length 1 */
	/* TP_RESHAPE_PATTERN */
	enum tp_op op;			/* rearrange, a reduction or repeat */
	int nnames;
	char names[TP_MAXDIM][32];
	long long size[TP_MAXDIM];	/* NAME=SIZE, or -1 if not given */
	char anon[TP_MAXDIM];		/* 1: an anonymous axis ("2") */
	struct tp_reshape_side left, right;
};

/* A request resolved against one record. */
struct tp_reshape_plan {
	struct tp_tensor in, out;	/* headers (data NULL) */
	int nel;			/* the input viewed as nel axes */
	size_t el[TP_MAXDIM];
	char elname[TP_MAXDIM][32];	/* pattern names; "" otherwise */
	int perm[TP_MAXDIM];		/* output order of those axes */
	int view;			/* 1: no element moves */
	enum tp_op op;
	int nsrc;			/* repeat: el[0..nsrc) are the input's,
					   the others new, of nrepeat
					   elements in all */
	size_t nrepeat;
	size_t nreduce;			/* elements reduced into each output
					   one: the last nel - nkept axes of
					   perm, multiplied */
	int nkept;			/* axes of perm that are not reduced */
	/* TP_RESHAPE_TAKE (view 0, perm the identity): the output is
	 * nblock blocks of block bytes, the first at byte offset of the
	 * input, then one in every stride bytes; index is the slice */
	int take;
	size_t nblock, block, offset, stride, index;
};

/*
 * Fill rq from the command line's form.  tp_reshape_parse_pattern takes
 * the pattern, its operation and its NAME=SIZE operands (nsizes of
 * them); the others take the option's argument (shape "8,1,256", axes
 * "2,0,1", an axis, "AXIS=INDEX" for --take, or NULL for --squeeze and
 * --transpose).  Returns NULL, or a message about what is wrong with
 * the request (a usage error).
 */
tp_why tp_reshape_parse_pattern(struct tp_reshape *rq,
    const char *pattern, enum tp_op op, int nsizes,
    char *const *sizes, struct tp_msg *m);
tp_why tp_reshape_parse(struct tp_reshape *rq,
    enum tp_reshape_form form, const char *arg, struct tp_msg *m);
/*
 * Fill rq from a command line's operands argv[0..argc) (argc >= 1):
 * argv[0] is a shape ("8,1,256", "-1,256") or, if it holds "->", a
 * pattern for op followed by its NAME=SIZE operands.  Sets *used to the
 * number of operands taken.  Returns NULL, or a message (a usage error):
 * neither a shape nor a pattern, a shape given to a reduce or repeat, or
 * what the parse of the shape or pattern refuses.
 */
tp_why tp_reshape_parse_operands(struct tp_reshape *rq, enum tp_op op,
    int argc, char *const *argv, int *used, struct tp_msg *m);
/* 1 if s is a comma list of integers ("0", "-1,2"): axes, not a file. */
int tp_reshape_is_axes(const char *s);

/*
 * Resolve rq against the header hdr (shape and dtype).  Returns NULL and
 * fills plan, or a message naming the shape, the request and what does
 * not fit (the data is wrong for this request).
 */
tp_why tp_reshape_resolve(const struct tp_reshape *rq,
    const struct tp_tensor *hdr, struct tp_reshape_plan *plan,
    struct tp_msg *m);

/*
 * The --explain text (several lines, each ending in '\n', malloc'd):
 * for a plan, the size of every named axis, the output shape, whether it
 * is a view or a permutation, which axes move and what becomes of the
 * leading (batch) axis; with plan NULL, the request alone, symbolically.
 */
char *tp_reshape_explain(const struct tp_reshape *rq,
    const struct tp_reshape_plan *plan);

/*
 * Permute the raw elements of a record: dst (plan->out.nbytes bytes)
 * gets src (the input record's data, C order) in the plan's order, on
 * up to threads threads.  For a view this is a copy.  A repeat copies
 * each input element to every index of the new axes.  A reduction
 * (plan->op) writes each output element, of plan->out.dtype, as the
 * sum, mean, max or min of its plan->nreduce input elements: integers
 * and bool sum in 64 bits (wrapping, as numpy), floats in double; mean
 * is double for integers; max and min propagate NaN.  Reducing zero
 * elements gives 0 (sum) or NaN (mean); tp_reshape_resolve refuses max
 * and min of nothing and of complex numbers.  A take copies its blocks
 * (treshape streams them instead: plan->nblock, block, offset, stride).
 */
void tp_reshape_run(const struct tp_reshape_plan *plan, void *dst,
    const void *src, int threads);

#endif
