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

/* --- --slice: numpy's basic indexing (reshape_slice.c) --------------- */

enum tp_slice_kind { TP_SLICE_INDEX, TP_SLICE_RANGE, TP_SLICE_NEWAXIS,
	TP_SLICE_ELLIPSIS };
struct tp_slice_item {
	enum tp_slice_kind kind;
	int has[3];			/* start, stop, step written */
	long long v[3];			/* an index, or start, stop, step
					   (clamped as Python clamps) */
	int pos;			/* 1-based column in the spec */
};
#define TP_SLICE_MAX 130		/* items: 2 * TP_MAXDIM + 2 */
struct tp_slice {
	int n, nindexed;		/* items; those that take an axis */
	struct tp_slice_item item[TP_SLICE_MAX];
	char shown[200];		/* the spec quoted for messages */
};

/*
 * A slice of one record: the output element at index (i0, i1, ...) is
 * the input's at byte offset + sum(i_k * stride[k]).  For the tools,
 * the output is nrun runs of run bytes, run r at byte offset of the
 * input that tp_slice_next_run gives; stream is 1 when those offsets
 * only grow and the runs are long enough to pass from reader to writer
 * one by one (else the record is read whole and copied once).
 */
struct tp_slice_plan {
	struct tp_tensor in, out;
	size_t offset;
	long long stride[TP_MAXDIM];	/* bytes, per output axis */
	int nouter;			/* the runs: the outer axes, merged */
	size_t oshape[TP_MAXDIM];
	long long ostride[TP_MAXDIM];
	size_t run, nrun;
	int stream;
};
/* The walk over a plan's runs. */
struct tp_slice_runs {
	const struct tp_slice_plan *p;
	size_t idx[TP_MAXDIM], left;
	long long off;
};

/* Parse spec as numpy reads a[spec]; NULL, or a message naming the
 * column of the fault (a usage error). */
tp_why tp_slice_parse(struct tp_slice *s, const char *spec,
    struct tp_msg *m);
/* Resolve s against hdr; NULL, or a message (the record does not fit:
 * too many indices, an index out of bounds). */
tp_why tp_slice_resolve(const struct tp_slice *s,
    const struct tp_tensor *hdr, struct tp_slice_plan *p,
    struct tp_msg *m);
/* Start a walk over p's runs; tp_slice_next_run sets *off to the input
 * byte offset of the next run and returns 1, or returns 0 after the
 * last. */
void tp_slice_runs_start(struct tp_slice_runs *r,
    const struct tp_slice_plan *p);
int tp_slice_next_run(struct tp_slice_runs *r, size_t *off);
/* Copy the slice of src (the input record) into dst (out.nbytes). */
void tp_slice_run(const struct tp_slice_plan *p, void *dst,
    const void *src);
/* The --explain text of s (plan p, or NULL for the request alone). */
char *tp_slice_explain(const struct tp_slice *s,
    const struct tp_slice_plan *p);

/* --- --pad: numpy.pad, negative pads crop (reshape_pad.c) ------------ */

/* The boundaries (tconv's words): tp_pad_boundaries; zero is
 * numpy.pad's constant, reflect its symmetric, mirror its reflect,
 * nearest its edge, wrap its wrap. */
enum tp_pad_boundary { TP_PAD_ZERO, TP_PAD_WRAP, TP_PAD_REFLECT,
	TP_PAD_MIRROR, TP_PAD_NEAREST };
extern const struct tp_choice tp_pad_boundaries[];
struct tp_pad {
	int n;				/* AXIS=BEFORE,AFTER entries */
	long long axis[TP_MAXDIM], before[TP_MAXDIM], after[TP_MAXDIM];
	enum tp_pad_boundary boundary;
	const char *value;		/* --value, or NULL for 0 */
	char shown[200];
};
struct tp_pad_plan {
	struct tp_tensor in, out;
	/* map[k][j]: the input index along axis k of output index j, or
	 * SIZE_MAX for the constant (malloc'd, out.shape[k] entries) */
	size_t *map[TP_MAXDIM];
	unsigned char value[16];	/* the constant, of in.dtype */
};
/* Parse "AXIS=BEFORE,AFTER[;...]" (or AXIS=WIDTH for both) into pd;
 * NULL, or a usage message. */
tp_why tp_pad_parse(struct tp_pad *pd, const char *spec, struct tp_msg *m);
/* Resolve pd against hdr; NULL, or a message (an axis out of bounds,
 * a crop longer than the axis, an empty axis padded by other than a
 * constant, a --value the dtype cannot hold). */
tp_why tp_pad_resolve(const struct tp_pad *pd, const struct tp_tensor *hdr,
    struct tp_pad_plan *p, struct tp_msg *m);
void tp_pad_run(const struct tp_pad_plan *p, void *dst, const void *src);
void tp_pad_free(struct tp_pad_plan *p);
char *tp_pad_explain(const struct tp_pad *pd, const struct tp_pad_plan *p);

/* --- --stack, --concat, --unstack, --split (reshape_stack.c) --------- */

enum tp_join { TP_JOIN_NONE, TP_JOIN_STACK, TP_JOIN_CONCAT };
enum tp_part { TP_PART_NONE, TP_PART_UNSTACK, TP_PART_SPLIT };
struct tp_stack {
	enum tp_join join;
	long n;				/* records per group; 0: all */
	long long axis;			/* --axis (0 unless given) */
	enum tp_part part;
	long long paxis, k;		/* --unstack A, --split A=K */
};
/* The geometry of a group of records joined, or of a record parted:
 * nouter blocks; a join takes block bytes (concat: per record) from
 * each record in turn; a part writes piece p as block bytes at
 * p * block + b * stride of the record, for each block b. */
struct tp_stack_plan {
	struct tp_tensor out;		/* a joined record, or one piece */
	size_t nouter, block, stride, npiece;
	int axis;			/* normalised */
	int stream;			/* a part: the pieces are contiguous */
};
tp_why tp_stack_parse_join(struct tp_stack *st, enum tp_join join,
    const char *arg, struct tp_msg *m);
tp_why tp_stack_parse_part(struct tp_stack *st, enum tp_part part,
    const char *arg, struct tp_msg *m);
/* Does record t (index i of its group) fit the group begun by first?
 * NULL, or a message naming what differs. */
tp_why tp_stack_fits(const struct tp_stack *st, const struct tp_tensor *first,
    const struct tp_tensor *t, struct tp_msg *m);
/* The joined record of the n records of a group, whose lengths along
 * the axis (concat) add up to len: p->out and p->nouter; NULL or a
 * message. */
tp_why tp_stack_join(const struct tp_stack *st, const struct tp_tensor *first,
    size_t n, size_t len, struct tp_stack_plan *p, struct tp_msg *m);
/* The bytes record t gives each of the joined record's blocks. */
size_t tp_stack_block(const struct tp_stack_plan *p, const struct tp_tensor *t);
/* Record hdr parted: p->out (one piece), npiece, nouter, block, stride;
 * NULL, or a message (an axis out of bounds, an unequal division). */
tp_why tp_stack_part(const struct tp_stack *st, const struct tp_tensor *hdr,
    struct tp_stack_plan *p, struct tp_msg *m);
/* The --explain text: of a part (part not NULL), else of a join (join
 * not NULL), else of the request's parting and joining forms. */
char *tp_stack_explain(const struct tp_stack *st,
    const struct tp_stack_plan *join, const struct tp_stack_plan *part);

#endif
