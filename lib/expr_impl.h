/*
 * expr_impl.h - what the pieces of tmath's expression engine (expr.h)
 * share: the node array, the tables of functions and the steps each piece
 * offers the others.  Not for other files.
 *
 * Parsing (expr_parse.c) is recursive descent with Python's precedence.
 * Nodes live in one array, children before parents.  Resolution
 * (expr_types.c) walks that array once per record: each node gets its
 * broadcast shape and, by NumPy 1.24's rules (value-based casting for 0-d
 * operands, then the first of the ufunc's loops, lib/expr_loops.h, that
 * every input casts to safely), its loop type (ct, what the inputs are
 * cast to) and its dtype; a node whose inputs are all 0-d is computed
 * there and then.  Evaluation (expr_eval.c) runs the whole tree over one
 * block of BLOCK output elements at a time, each node into its own
 * per-thread block buffer (numexpr's technique): no array-sized
 * temporary, the block stays in cache.  --explain is expr_explain.c.
 *
 * Values in a block are held per storage kind: every integer and bool
 * dtype as int64_t (uint64 as its bits), float16 and float32 as float,
 * float64 as double, complex as pairs.  An operation computes in its
 * loop type's storage (the kernels, expr_kernels.c) and is then narrowed
 * to its dtype (integers wrap, float16 rounds to half; the conversions,
 * expr_convert.c), which is what NumPy's loops give.  Every lib/expr*.c
 * is compiled with -ffp-contract=off (no fused multiply-add; see the
 * Makefile).  Include engine.h before this header (TP_MAXTHREADS).
 */
#ifndef TP_EXPR_IMPL_H
#define TP_EXPR_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "tpipe.h"
#include "expr.h"

#define BLOCK 1024		/* elements per block */
#define MAXNODES 256
#define SLOT (BLOCK * 16)	/* bytes of one block buffer */

/* Storage kinds of a dtype's values in a block. */
enum { K_I, K_F, K_D, K_CF, K_CD };

/* Functions and operators. */
enum {
	F_ADD, F_SUB, F_MUL, F_TDIV, F_FDIV, F_MOD, F_POW, F_POWOP,
	F_AND, F_OR, F_XOR, F_LT, F_LE, F_GT, F_GE, F_EQ, F_NE,
	F_NEG, F_POS, F_INV, F_ABS, F_SIGN, F_SQRT, F_CBRT, F_EXP, F_EXPM1,
	F_EXP2, F_LOG, F_LOG1P, F_LOG2, F_LOG10, F_SIN, F_COS, F_TAN,
	F_ASIN, F_ACOS, F_ATAN, F_SINH, F_COSH, F_TANH, F_ASINH, F_ACOSH,
	F_ATANH, F_ATAN2, F_HYPOT, F_FLOOR, F_CEIL, F_TRUNC, F_RINT,
	F_ROUND, F_CLIP, F_MIN, F_MAX, F_FMIN, F_FMAX, F_WHERE, F_ISNAN,
	F_ISINF, F_ISFINITE, F_REAL, F_IMAG, F_CONJ, F_ANGLE, F_SQUARE,
	F_RECIP, F_ONES, F_CAST, F_NFN
};

/* name: as the user writes it (or the operator); ufunc: numpy's ufunc
 * whose loops decide the types (NULL: a rule of its own). */
struct fninfo {
	const char *name;
	int nargs;
	const char *ufunc;
};

union val {
	int64_t i;
	float f;
	double d;
	float cf[2];
	double cd[2];
};

enum { N_NUM, N_VAR, N_CALL };

struct node {
	int kind, fn, nargs, arg[3];
	int pos;			/* column in the source, from 1 */
	int isop;			/* a comparison as an operator */
	int var;			/* N_VAR: operand index */
	enum tp_dtype litdt;		/* N_NUM: its dtype and value */
	union val lit;
	enum tp_dtype castdt;		/* F_CAST: the target */
	/* resolved, per record */
	int op;				/* the kernel run (fn or a fast path) */
	int nin;			/* inputs it evaluates (a ** 2: 1) */
	enum tp_dtype dt;		/* the result's dtype */
	enum tp_dtype ct[3];		/* each input is cast to ct[j] */
	int ndim;
	size_t shape[TP_MAXDIM];
	size_t count;
	int scalar;			/* 0-d, value in val */
	int isarr;			/* an ndarray, not a numpy scalar */
	union val val;
	int direct;			/* N_VAR: the output's element order */
	size_t bstride[TP_MAXDIM];	/* N_VAR: element stride per out axis */
};

struct tp_expr {
	char *src;
	int nnodes, root;
	struct node nodes[MAXNODES];
	int nnames;
	char *names[TP_EXPR_MAXOPS];
	/* resolved */
	enum tp_dtype outdt;
	int ndim;
	size_t shape[TP_MAXDIM], count;
	/* run */
	const struct tp_tensor *ops;
	const void *const *chunk;
	size_t start, n;
	unsigned char *dst;
	unsigned char *scratch[TP_MAXTHREADS];
	int nscratch;
	int failed;			/* a kernel's error (atomic) */
	int failpos;
};

/* The functions and operators, indexed by F_ (expr_parse.c). */
extern const struct fninfo expr_fns[F_NFN];

/* expr_convert.c: storage kinds and conversions (see each function). */
int expr_kind_of(enum tp_dtype t);
double expr_as_double(const void *s, enum tp_dtype t, size_t i);
void expr_conv(void *dst, enum tp_dtype to, const void *src, enum tp_dtype from,
    size_t n);
void expr_load(void *dst, const void *src, enum tp_dtype t, size_t n);
void expr_store(void *dst, const void *src, enum tp_dtype t, size_t n);
int expr_raw_is_storage(enum tp_dtype t);
void expr_narrow_block(void *o, enum tp_dtype dt, enum tp_dtype ct, size_t n);

/* expr_kernels.c: fn over n storage elements of one kind (see each). */
int expr_kernel_int(int fn, enum tp_dtype ct, int64_t *o, const int64_t *a,
    const int64_t *b, const int64_t *c, size_t n);
void expr_kernel_f(int fn, void *out, const float *a, const float *b,
    const float *c, size_t n);
int expr_kernel_h(int fn, float *o, const float *a, const float *b,
    const float *c, size_t n);
void expr_kernel_d(int fn, void *out, const double *a, const double *b,
    const double *c, size_t n);

/* expr_complex.c: fn over n complex values (pairs of parts). */
void expr_kernel_cf(int fn, void *out, const float *a, const float *b,
    const float *c, size_t n);
void expr_kernel_cd(int fn, void *out, const double *a, const double *b,
    const double *c, size_t n);

/* expr_types.c: a shape as numpy prints it, into buf. */
char *expr_shape_text(int ndim, const size_t *shape, char *buf,
    size_t len);

/* expr_eval.c: compute 0-d node k now, into its value. */
tp_why expr_eval_scalar(struct tp_expr *, int k, struct tp_msg *);

#endif
