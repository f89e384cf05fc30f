/*
 * reshape_test.c - unit tests of the reshape engine's library interface
 * (lib/reshape.h), as another tool would call it: patterns parsed and
 * resolved into plans (elementary axes, order, output shape, view or
 * not), the einops errors, and tp_reshape_run against the definition.
 * Prints TAP.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "reshape.h"
#include "tap.h"

/* A float32 header of the given shape. */
static struct tp_tensor
header(int ndim, const size_t *shape)
{
	struct tp_tensor h = { .dtype = TP_F4 };

	tp_eset_shape(&h, ndim, shape);
	return h;
}

/* 1 if the plan's output shape is want (n axes). */
static int
out_is(const struct tp_reshape_plan *p, int n, const size_t *want)
{
	if (p->out.ndim != n)
		return 0;
	for (int i = 0; i < n; i++)
		if (p->out.shape[i] != want[i])
			return 0;
	return 1;
}

static void
test_patterns(void)
{
	struct tp_reshape rq;
	struct tp_reshape_plan p;
	struct tp_msg m;
	char *sizes[] = { "h=8" };
	size_t s[] = { 2, 24, 3 }, want[] = { 2, 3, 8, 3 };
	struct tp_tensor h = header(3, s);
	const char *e;

	e = tp_reshape_parse_pattern(&rq, "b (h w) c -> b c h w", TP_OP_REARRANGE,
	    1, sizes, &m);
	ok(!e, "parse 'b (h w) c -> b c h w' h=8");
	e = tp_reshape_resolve(&rq, &h, &p, &m);
	ok(!e && p.nel == 4 && p.el[0] == 2 && p.el[1] == 8 && p.el[2] == 3 &&
	    p.el[3] == 3, "resolved: elementary axes b=2 h=8 w=3 c=3");
	ok(p.perm[0] == 0 && p.perm[1] == 3 && p.perm[2] == 1 &&
	    p.perm[3] == 2 && !p.view && out_is(&p, 4, want),
	    "order b c h w, output (2, 3, 8, 3), a permutation");
	e = tp_reshape_parse_pattern(&rq, "b h w -> b (h w)", TP_OP_REARRANGE,
	    0, NULL, &m);
	e = e ? e : tp_reshape_resolve(&rq, &h, &p, &m);
	ok(!e && p.view && p.out.ndim == 2 && p.out.shape[1] == 72,
	    "a merge in order is a view");
	e = tp_reshape_parse_pattern(&rq, "(h w) -> h w", TP_OP_REARRANGE, 0,
	    NULL, &m);
	ok(e && strstr(e, "cannot infer both 'h' and 'w'"),
	    "two unknowns in a group: a parse error");
	e = tp_reshape_parse_pattern(&rq, "b (h w) c -> b c h w",
	    TP_OP_REARRANGE, 1, (char *[]){ "h=5" }, &m);
	e = e ? e : tp_reshape_resolve(&rq, &h, &p, &m);
	ok(e && strstr(e, "cannot split axis 1 (h w) of length 24 into groups "
	    "of h=5") && strstr(e, "(2, 24, 3)"),
	    "a size that does not divide: names the shape, axis and size");
	e = tp_reshape_parse_pattern(&rq, "a b -> b a", TP_OP_REARRANGE, 0,
	    NULL, &m);
	e = e ? e : tp_reshape_resolve(&rq, &h, &p, &m);
	ok(e && strstr(e, "wants 2 axes but shape (2, 24, 3) has 3"),
	    "wrong number of axes is a resolve error");
	e = tp_reshape_parse_pattern(&rq, "b h w -> b", TP_OP_SUM, 0, NULL, &m);
	e = e ? e : tp_reshape_resolve(&rq, &h, &p, &m);
	ok(!e && p.op == TP_OP_SUM && p.nreduce == 72 && p.out.ndim == 1 &&
	    p.out.dtype == TP_F4, "--reduce sum: 72 elements per output, f32");
}

/* The definition of a rearrange on a C-order array of shape (A, B*C):
 * 'a (b c) -> c a b' gives out[k][i][j] = in[i][j*C + k]. */
static void
test_run(void)
{
	enum { A = 101, B = 103, C = 31 };	/* over 1 MiB: threads run */
	struct tp_reshape rq;
	struct tp_reshape_plan p;
	struct tp_msg m;
	size_t s[] = { A, B * C };
	struct tp_tensor h = header(2, s);
	float *in = malloc(sizeof(float) * A * B * C);
	float *out = malloc(sizeof(float) * A * B * C);
	char sz[16];
	char *sizes[] = { sz };
	int bad = 0;
	const char *e;

	snprintf(sz, sizeof sz, "b=%d", B);
	for (int i = 0; i < A * B * C; i++)
		in[i] = (float)i;
	e = tp_reshape_parse_pattern(&rq, "a (b c) -> c a b", TP_OP_REARRANGE,
	    1, sizes, &m);
	e = e ? e : tp_reshape_resolve(&rq, &h, &p, &m);
	ok(!e, "'a (b c) -> c a b' resolves on (101, 3193)");
	for (int threads = 1; threads <= 3; threads++) {
		memset(out, 0, sizeof(float) * A * B * C);
		tp_reshape_run(&p, out, in, threads);
		for (int k = 0; k < C; k++)
			for (int i = 0; i < A; i++)
				for (int j = 0; j < B; j++)
					bad += out[(k * A + i) * B + j] !=
					    in[i * B * C + j * C + k];
	}
	ok(bad == 0, "tp_reshape_run on 1, 2 and 3 threads equals the definition");
	free(in);
	free(out);
}

/* The command line's operands: a shape, or a pattern and its sizes. */
static void
test_operands(void)
{
	struct tp_reshape rq;
	struct tp_msg m;
	const char *e;
	int used = -1;

	e = tp_reshape_parse_operands(&rq, TP_OP_REARRANGE, 2,
	    (char *[]){ "-1,1,256", "x.npy" }, &used, &m);
	ok(!e && used == 1 && rq.form == TP_RESHAPE_SHAPE && rq.n == 3 &&
	    rq.v[0] == -1 && rq.v[2] == 256, "a shape takes one operand");
	e = tp_reshape_parse_operands(&rq, TP_OP_REARRANGE, 4,
	    (char *[]){ "b (h w) -> b h w", "h=2", "w=3", "x.npy" }, &used,
	    &m);
	ok(!e && used == 3 && rq.form == TP_RESHAPE_PATTERN,
	    "a pattern takes its NAME=SIZE operands, not the file");
	e = tp_reshape_parse_operands(&rq, TP_OP_MEAN, 1, (char *[]){ "6" },
	    &used, &m);
	ok(e && !strcmp(e, "--reduce mean takes a pattern, not the shape '6'"),
	    "a shape for a reduction is refused");
	e = tp_reshape_parse_operands(&rq, TP_OP_REARRANGE, 1,
	    (char *[]){ "b h" }, &used, &m);
	ok(e && strstr(e, "'b h' is neither a shape"),
	    "neither a shape nor a pattern");
	ok(tp_reshape_is_axes("0") && tp_reshape_is_axes("-1,2") &&
	    !tp_reshape_is_axes("") && !tp_reshape_is_axes("1,") &&
	    !tp_reshape_is_axes("x.npy") && !tp_reshape_is_axes("1x2") &&
	    !tp_reshape_is_axes("-"), "tp_reshape_is_axes");
}

/* max and min of int64 and uint64 are exact beyond 2^53, where doubles
 * would tie; a sum of int64 wraps as numpy's. */
static void
test_int64(void)
{
	struct tp_reshape rq;
	struct tp_reshape_plan p;
	struct tp_msg m;
	size_t s[] = { 2, 3 };
	struct tp_tensor h = { .dtype = TP_I8 };
	int64_t in[6] = { 1LL << 62, (1LL << 62) + 1, (1LL << 62) - 1,
		INT64_MIN + 1, INT64_MIN, -1 }, out[2];
	uint64_t uin[6] = { UINT64_MAX - 1, UINT64_MAX, UINT64_MAX - 2, 1, 0,
		2 }, uout[2];
	const char *e;

	tp_eset_shape(&h, 2, s);
	e = tp_reshape_parse_pattern(&rq, "a b -> a", TP_OP_MAX, 0, NULL, &m);
	e = e ? e : tp_reshape_resolve(&rq, &h, &p, &m);
	tp_reshape_run(&p, out, in, 1);
	ok(!e && out[0] == (1LL << 62) + 1 && out[1] == -1, "int64 max");
	e = tp_reshape_parse_pattern(&rq, "a b -> a", TP_OP_MIN, 0, NULL, &m);
	e = e ? e : tp_reshape_resolve(&rq, &h, &p, &m);
	tp_reshape_run(&p, out, in, 1);
	ok(!e && out[0] == (1LL << 62) - 1 && out[1] == INT64_MIN,
	    "int64 min");
	e = tp_reshape_parse_pattern(&rq, "a b -> a", TP_OP_SUM, 0, NULL, &m);
	e = e ? e : tp_reshape_resolve(&rq, &h, &p, &m);
	tp_reshape_run(&p, out, in, 1);
	ok(!e && p.out.dtype == TP_I8 && out[0] == (int64_t)(3ULL << 62) &&
	    out[1] == 0, "int64 sum wraps");
	h.dtype = TP_U8;
	tp_eset_shape(&h, 2, s);
	e = tp_reshape_parse_pattern(&rq, "a b -> a", TP_OP_MAX, 0, NULL, &m);
	e = e ? e : tp_reshape_resolve(&rq, &h, &p, &m);
	tp_reshape_run(&p, uout, uin, 1);
	ok(!e && uout[0] == UINT64_MAX && uout[1] == 2, "uint64 max");
	e = tp_reshape_parse_pattern(&rq, "a b -> a", TP_OP_MIN, 0, NULL, &m);
	e = e ? e : tp_reshape_resolve(&rq, &h, &p, &m);
	tp_reshape_run(&p, uout, uin, 1);
	ok(!e && uout[0] == UINT64_MAX - 2 && uout[1] == 0, "uint64 min");
}

int
main(void)
{
	test_patterns();
	test_run();
	test_operands();
	test_int64();
	return tap_end();
}
