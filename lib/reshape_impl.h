/*
 * reshape_impl.h - what the files of the reshape engine share:
 * reshape_parse.c (the request forms and the einops grammar), reshape.c
 * (resolution against a record's shape), reshape_run.c (the threaded
 * permutation, reduce and repeat) and reshape_explain.c (the --explain
 * text).  Not for other files.
 */
#ifndef TP_RESHAPE_IMPL_H
#define TP_RESHAPE_IMPL_H

#include <stdarg.h>

#include "tpipe.h"
#include "reshape.h"

/* reshape_parse.c */

/* 1 if name index i appears on side s. */
int reshape_on_side(const struct tp_reshape_side *s, int i);
/* The name of a reduction, for messages. */
const char *reshape_reduce_name(enum tp_op r);

/* reshape_explain.c */

/* A growing string (the --explain text). */
struct text {
	char *s;
	size_t len, cap;
};
/* Append formatted text to t. */
void __attribute__((format(printf, 2, 3)))
reshape_say(struct text *t, const char *fmt, ...);

/* reshape.c */

/* 1 if p's order moves no element: the axes longer than 1 keep their
 * relative order, or there is no element. */
int reshape_moves_nothing(const struct tp_reshape_plan *p);

/* Normalise axis a of an ndim-axis record as numpy does; -1 if out of
 * bounds. */
int reshape_norm_axis(long long a, int ndim);
/* The group g of s as written: "(h w)", "b", "1". */
const char *reshape_group_text(const struct tp_reshape *rq,
    const struct tp_reshape_side *s, int g, char *buf, size_t len);

#endif
