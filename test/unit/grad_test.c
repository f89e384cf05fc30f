/*
 * grad_test.c - unit tests of lib/grad.c through its API: parsing layer
 * words, the gradient names, a small chain worked by hand, every layer's
 * gradient against central differences (tp_grad_check) on random data,
 * --wrt skipping layers, shape messages, the bands.  Prints TAP.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "tap.h"
#include "grad.h"

/* A float64 tensor of the given shape holding v (count values). */
static struct tp_tensor
tensor(int ndim, const size_t *shape, const double *v)
{
	struct tp_tensor t = tp_new(TP_F8, ndim, shape);

	if (v != NULL)
		memcpy(t.data, v, t.nbytes);
	return t;
}

/* A float64 tensor of normal random values (seeded rng). */
static struct tp_tensor
randn(struct tp_rng *r, int ndim, const size_t *shape)
{
	struct tp_tensor t = tp_new(TP_F8, ndim, shape);

	for (size_t i = 0; i < t.count; i++)
		((double *)t.data)[i] = tp_rng_normal(r);
	return t;
}

/* Parse word and add it to net as a layer (ops: its operands) or as
 * the loss (ops[0]: the operand, if any).  Returns the message. */
static tp_why
add(struct tp_grad_net *net, const char *word, struct tp_tensor *ops,
    struct tp_msg *m)
{
	struct tp_grad_spec s;
	const char *why = tp_grad_parse(word, &s, m);

	if (why != NULL)
		return why;
	why = s.is_loss ? tp_grad_set_loss(net, &s, s.noperand ? ops : NULL,
	    m) : tp_grad_add(net, &s, ops, m);
	tp_grad_spec_free(&s);
	return why;
}

static void
test_parse(void)
{
	struct tp_grad_spec s;
	struct tp_msg m;
	const char *why;

	why = tp_grad_parse("affine:w.npy,b.npy", &s, &m);
	ok(why == NULL && !s.is_loss && s.noperand == 2 &&
	    strcmp(s.operand[0], "w.npy") == 0 &&
	    strcmp(s.operand[1], "b.npy") == 0 &&
	    strcmp(s.word, "affine:w.npy,b.npy") == 0,
	    "parse: affine:W,B gives two operands and keeps the word");
	tp_grad_spec_free(&s);
	why = tp_grad_parse("softmax-xent:y.txt", &s, &m);
	ok(why == NULL && s.is_loss && s.noperand == 1, "parse: a loss");
	tp_grad_spec_free(&s);
	why = tp_grad_parse("relu", &s, &m);
	ok(why == NULL && s.noperand == 0, "parse: relu has no operand");
	tp_grad_spec_free(&s);
	why = tp_grad_parse("relux", &s, &m);
	ok(why != NULL &&
	    strstr(why, "layer or loss 'relux' is not one of") != NULL,
	    "parse: an unknown name is named");
	why = tp_grad_parse("affine:w.npy", &s, &m);
	ok(why != NULL && strstr(why, "takes 2 operand files") != NULL,
	    "parse: affine with one operand");
	why = tp_grad_parse("conv:a,b", &s, &m);
	ok(why != NULL && strstr(why, "takes 1 operand file,") != NULL,
	    "parse: conv with two operands");
	why = tp_grad_parse("matmul:", &s, &m);
	ok(why != NULL && strstr(why, "empty file") != NULL,
	    "parse: an empty operand");
}

/*
 * X (2, 2), W (2, 2), B (2): Z = X W + B, relu, sum.
 * X = [[1, 2], [3, -4]], W = [[1, -1], [1, 1]], B = [0.5, -0.5]:
 * Z1 = [[3.5, 0.5], [-0.5, -7.5]], relu = [[3.5, 0.5], [0, 0]], L = 4.
 * dL/dZ1 = [[1, 1], [0, 0]]; dL/dX = dZ1 W^T = [[0, 2], [0, 0]];
 * dL/dW = X^T dZ1 = [[1, 1], [2, 2]]; dL/dB = [1, 1].
 */
static void
test_by_hand(void)
{
	static const size_t s22[] = { 2, 2 }, s2[] = { 2 };
	static const double xv[] = { 1, 2, 3, -4 }, wv[] = { 1, -1, 1, 1 },
	    bv[] = { 0.5, -0.5 };
	static const double dx[] = { 0, 2, 0, 0 }, dw[] = { 1, 1, 2, 2 },
	    db[] = { 1, 1 };
	struct tp_grad_net *net = tp_grad_new(TP_F8, 1);
	struct tp_tensor x = tensor(2, s22, xv), ops[2];
	struct tp_msg m;
	unsigned char want[3] = { 0, 0, 1 };
	const char *why;

	ops[0] = tensor(2, s22, wv);
	ops[1] = tensor(1, s2, bv);
	why = add(net, "affine:W,B", ops, &m);
	why = why ? why : add(net, "relu", NULL, &m);
	why = why ? why : add(net, "sum", NULL, &m);
	ok(why == NULL, "by hand: the chain builds");
	ok(tp_grad_count(net) == 3 && strcmp(tp_grad_name(net, 0), "X") == 0 &&
	    strcmp(tp_grad_name(net, 1), "W1") == 0 &&
	    strcmp(tp_grad_name(net, 2), "b1") == 0,
	    "by hand: gradients X, W1, b1");
	why = tp_grad_forward(net, &x, &m);
	ok(why == NULL && tp_grad_loss(net) == 4 &&
	    tp_grad_output(net)->ndim == 0, "by hand: L = 4, a 0-d output");
	ok(x.data == NULL, "by hand: the forward pass takes X over");
	tp_grad_backward(net, NULL);
	ok(memcmp(tp_grad_tensor(net, 0)->data, dx, sizeof dx) == 0,
	    "by hand: dL/dX = dL/dZ1 W^T");
	ok(memcmp(tp_grad_tensor(net, 1)->data, dw, sizeof dw) == 0,
	    "by hand: dL/dW = X^T dL/dZ1");
	ok(memcmp(tp_grad_tensor(net, 2)->data, db, sizeof db) == 0,
	    "by hand: dL/dB = dL/dZ1 summed over rows");
	/* a wrong gradient is caught, at its index */
	{
		struct tp_grad_check c;

		((double *)tp_grad_tensor(net, 1)->data)[2] += 0.5;
		tp_grad_check(net, 1, 1e-6, &c);
		ok(fabs(c.worst - 0.2) < 1e-8 && c.at == 2 && c.analytic == 2.5 &&
		    fabs(c.numeric - 2) < 1e-8 && c.checked == 4,
		    "by hand: --check finds dL/dW made wrong at [1, 0]: "
		    "|2.5 - 2| / 2.5");
		tp_grad_check(net, 2, 1e-6, &c);
		ok(c.worst < 1e-9 && c.checked == 2 && !c.fails,
		    "by hand: dL/dB checks");
		/* a NaN after the first element is still the worst */
		((double *)tp_grad_tensor(net, 1)->data)[2] = 2;
		((double *)tp_grad_tensor(net, 1)->data)[3] = NAN;
		tp_grad_check(net, 1, 1e-6, &c);
		ok(isnan(c.worst) && c.at == 3 && c.fails,
		    "by hand: --check fails a NaN in dL/dW at [1, 1]");
		((double *)tp_grad_tensor(net, 1)->data)[3] = 2;
		tp_grad_check(net, 1, 1e-6, &c);
		ok(c.worst < 1e-9 && !c.fails, "by hand: dL/dW checks again");
	}
	/* only b1 wanted: the layer still runs, dL/dX is not computed */
	tp_grad_backward(net, want);
	ok(tp_grad_tensor(net, 0)->data == NULL &&
	    memcmp(tp_grad_tensor(net, 2)->data, db, sizeof db) == 0,
	    "by hand: --wrt b1 leaves dL/dX out");
	tp_free(&x);
	tp_free(&ops[0]);
	tp_free(&ops[1]);
	tp_grad_free(net);
}

/* Build chain words[] (operand shapes in shapes[], NULL-terminated per
 * word) on random data, run it on X of shape xs, and check every
 * gradient: the worst error must be below 1e-6 with some element
 * checked. */
static void
check_chain(const char *what, const char *const *words,
    const size_t (*opshape)[4], const int *opndim, int xndim,
    const size_t *xs, struct tp_rng *r)
{
	struct tp_grad_net *net = tp_grad_new(TP_F8, 1);
	struct tp_tensor x = randn(r, xndim, xs), ops[2];
	struct tp_msg m;
	struct tp_grad_check c;
	const char *why = NULL;
	int i, j, k = 0, good = 1;
	char buf[256];

	for (i = 0; words[i] != NULL && why == NULL; i++) {
		struct tp_grad_spec s;

		if (tp_grad_parse(words[i], &s, &m) != NULL) {
			why = "parse";
			break;
		}
		for (j = 0; j < s.noperand; j++, k++) {
			ops[j] = randn(r, opndim[k], opshape[k]);
			if (s.is_loss)	/* 0 and 1: classes for xent */
				for (size_t e = 0; e < ops[j].count; e++)
					((double *)ops[j].data)[e] = e % 2;
		}
		why = s.is_loss ? tp_grad_set_loss(net, &s, s.noperand ? ops :
		    NULL, &m) : tp_grad_add(net, &s, ops, &m);
		for (j = 0; j < s.noperand; j++)
			tp_free(&ops[j]);
		tp_grad_spec_free(&s);
	}
	if (why == NULL)
		why = tp_grad_forward(net, &x, &m);
	if (why == NULL) {
		tp_grad_backward(net, NULL);
		for (i = 0; i < tp_grad_count(net); i++) {
			tp_grad_check(net, i, 1e-6, &c);
			if (!(c.worst <= 1e-6) || c.checked == 0)
				good = 0;
		}
	}
	snprintf(buf, sizeof buf, "check: %s: every gradient agrees with "
	    "central differences%s%s", what, why ? ": " : "", why ? why : "");
	ok(why == NULL && good, buf);
	tp_free(&x);
	tp_grad_free(net);
}

static void
test_layers(void)
{
	struct tp_rng r;
	static const size_t x45[] = { 4, 5 }, x31[] = { 3, 1 },
	    x3_8_7[] = { 3, 8, 7 };

	tp_rng_seed(&r, 7);
	{
		static const char *const w[] = { "scale:M", "tanh", "sum", NULL };
		static const size_t s[][4] = { { 3, 2 } };
		static const int n[] = { 2 };
		check_chain("scale, tanh, sum", w, s, n, 2, x31, &r);
	}
	{
		static const char *const w[] = { "matmul:W", "sigmoid",
		    "softmax", "mse:T", NULL };
		static const size_t s[][4] = { { 5, 3 }, { 4, 3 } };
		static const int n[] = { 2, 2 };
		check_chain("matmul, sigmoid, softmax, mse", w, s, n, 2, x45,
		    &r);
	}
	{
		static const char *const w[] = { "affine:W,B", "relu",
		    "affine:W,B", "softmax-xent:Y", NULL };
		static const size_t s[][4] = { { 5, 6 }, { 6 }, { 6, 2 },
		    { 2 }, { 4 } };
		static const int n[] = { 2, 1, 2, 1, 1 };
		check_chain("the two-layer net", w, s, n, 2, x45, &r);
	}
	{
		static const char *const w[] = { "conv:K", "tanh", "flatten",
		    "sum", NULL };
		static const size_t s[][4] = { { 3, 2 } };
		static const int n[] = { 2 };
		check_chain("conv (batch of 3), tanh, flatten, sum", w, s, n,
		    3, x3_8_7, &r);
	}
}

/* Parameters are numbered by the layers that have them: layers without
 * any (relu, tanh, flatten) do not count. */
static void
test_names(void)
{
	static const char *const words[] = { "scale:M", "relu", "matmul:W",
	    "tanh", "affine:W,b", "flatten", "conv:K" };
	static const char *const names[] = { "X", "M1", "W2", "W3", "b3",
	    "K4" };
	static const size_t s22[] = { 2, 2 }, s2[] = { 2 };
	struct tp_grad_net *net = tp_grad_new(TP_F8, 1);
	struct tp_tensor ops[2];
	struct tp_msg m;
	const char *why = NULL;
	size_t i;
	int good;

	ops[0] = tensor(2, s22, NULL);
	ops[1] = tensor(1, s2, NULL);
	for (i = 0; i < sizeof words / sizeof words[0] && why == NULL; i++)
		why = add(net, words[i], ops, &m);
	good = why == NULL && tp_grad_count(net) == 6;
	for (i = 0; good && i < 6; i++)
		good = strcmp(tp_grad_name(net, (int)i), names[i]) == 0;
	ok(good, "names: X, M1, W2, W3, b3, K4 for scale relu matmul tanh "
	    "affine flatten conv");
	tp_free(&ops[0]);
	tp_free(&ops[1]);
	tp_grad_free(net);
}

static void
test_messages(void)
{
	static const size_t x45[] = { 4, 5 }, w73[] = { 7, 3 };
	struct tp_grad_net *net = tp_grad_new(TP_F8, 1);
	struct tp_tensor x = tensor(2, x45, NULL), w = tensor(2, w73, NULL);
	struct tp_msg m;
	const char *why;

	why = add(net, "relu", NULL, &m);
	why = why ? why : add(net, "matmul:w.npy", &w, &m);
	why = why ? why : tp_grad_forward(net, &x, &m);
	ok(why != NULL && strstr(why, "layer 2") != NULL &&
	    strstr(why, "(7, 3)") != NULL && strstr(why, "(4, 5)") != NULL,
	    "messages: a W that does not fit names both shapes and the "
	    "position");
	x = tensor(2, x45, NULL);
	((double *)x.data)[7] = NAN;
	why = tp_grad_forward(net, &x, &m);
	ok(why != NULL && strstr(why, "nan at (1, 2)") != NULL,
	    "messages: NaN in X is named with its index");
	tp_free(&x);
	tp_free(&w);
	tp_grad_free(net);
	{
		static const size_t g43[] = { 4, 3 }, w53[] = { 5, 3 },
		    b3[] = { 3 };
		struct tp_tensor g = tensor(2, g43, NULL), ops[2];
		unsigned char want[3];

		net = tp_grad_new(TP_F8, 1);
		ops[0] = tensor(2, w53, NULL);
		ops[1] = tensor(1, b3, NULL);
		why = add(net, "affine:W,B", ops, &m);
		tp_free(&ops[0]);
		tp_free(&ops[1]);
		ok(why == NULL &&
		    tp_grad_select(net, "b1,X", want, &m) == NULL &&
		    want[0] && !want[1] && want[2] &&
		    tp_grad_select(net, "none", want, &m) == NULL &&
		    !want[0] && !want[1] && !want[2],
		    "select: names in any order, and none");
		why = tp_grad_select(net, "X,,b1", want, &m);
		ok(why != NULL && strstr(why, "'X,,b1' has an empty name") &&
		    strstr(why, "X, W1, b1"), "select: an empty name");
		why = tp_grad_select(net, "", want, &m);
		ok(why != NULL && strstr(why, "empty name"),
		    "select: an empty list");
		why = tp_grad_select(net, "X,W2", want, &m);
		ok(why != NULL && strstr(why, "no gradient 'W2': this chain "
		    "has X, W1, b1"), "select: an unknown name");
		why = tp_grad_select(net, "X,B1", want, &m);
		ok(why != NULL && strstr(why, "no gradient 'B1' (names keep "
		    "their case: 'b1'): this chain has X, W1, b1"),
		    "select: a name in another case is named as it is");
		((double *)g.data)[5] = INFINITY;
		why = tp_grad_set_dldz(net, &g, &m);
		ok(why != NULL && strstr(why, "dL/dZ (4, 3) holds inf at "
		    "(1, 2)"), "-g: an infinity is named with its index");
		tp_free(&g);
		tp_grad_free(net);
	}
	ok(strncmp(tp_grad_band(0.5), "wrong", 5) == 0 &&
	    strncmp(tp_grad_band(1e-3), "uncomfortable", 13) == 0 &&
	    strncmp(tp_grad_band(1e-5), "ok only with kinks", 18) == 0 &&
	    strncmp(tp_grad_band(1e-9), "good", 4) == 0 &&
	    strncmp(tp_grad_band(NAN), "wrong", 5) == 0,
	    "bands: cs231n's, NaN is wrong");
}

int
main(void)
{
	test_parse();
	test_by_hand();
	test_names();
	test_layers();
	test_messages();
	return tap_end();
}
