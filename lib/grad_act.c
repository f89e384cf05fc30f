/*
 * grad_act.c - the activations a deep-learning course adds
 * (grad_act_kinds[], grad_impl.h): leaky_relu:A, elu:A, gelu (exact, or
 * gelu:tanh, PyTorch's approximate='tanh'); log_softmax is softmax's,
 * in grad_layers.c.  An elementwise one is act_fwd and act_bwd with a function
 * giving the value and the derivative at the input, and its number
 * (A, or 1 for tanh's gelu) in l->a[0].
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tpipe.h"
#include "grad_impl.h"

/* The value at v and, into *d, the derivative; a is the kind's number. */
typedef double (*actfn)(double v, double a, double *d);

static double
leaky(double v, double a, double *d)
{
	*d = v > 0 ? 1 : a;
	return v > 0 ? v : a * v;
}

static double
elu(double v, double a, double *d)
{
	double e;

	if (v > 0) {
		*d = 1;
		return v;
	}
	e = expm1(v);
	*d = a * (e + 1);
	return a * e;
}

/* gelu: v Φ(v), or with a = 1 the tanh approximation
 * v/2 (1 + tanh(√(2/π) (v + 0.044715 v³))). */
static double
gelu(double v, double a, double *d)
{
	static const double k = 0.7978845608028654;	/* √(2/π) */
	static const double c = 0.044715;

	if (a == 0) {
		double cdf = 0.5 * erfc(-v * M_SQRT1_2);
		double pdf = exp(-0.5 * v * v) * (0.5 * M_2_SQRTPI * M_SQRT1_2);

		*d = cdf + v * pdf;
		return v * cdf;
	} else {
		double u = k * (v + c * v * v * v), t = tanh(u);

		*d = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * k *
		    (1 + 3 * c * v * v);
		return 0.5 * v * (1 + t);
	}
}

static actfn
act_of(const struct layer *l)
{
	switch (l->k->name[0]) {
	case 'l':
		return leaky;
	case 'e':
		return elu;
	default:
		return gelu;
	}
}

static tp_why
act_fwd(struct layer *l, const struct tp_tensor *x, struct tp_tensor *z,
    struct tp_msg *m)
{
	actfn f = act_of(l);
	double d;
	size_t i;

	(void)m;
	*z = fresh(x->dtype, x->ndim, x->shape);
	for (i = 0; i < x->count; i++)
		st(z, i, f(ld(x, i), l->a[0], &d));
	return NULL;
}

static void
act_bwd(struct layer *l, const struct tp_tensor *x,
    const struct tp_tensor *z, const struct tp_tensor *dz,
    struct tp_tensor *dx)
{
	actfn f = act_of(l);
	double d;
	size_t i;

	(void)z;
	if (dx == NULL)
		return;
	*dx = fresh(x->dtype, x->ndim, x->shape);
	for (i = 0; i < x->count; i++) {
		f(ld(x, i), l->a[0], &d);
		st(dx, i, ld(dz, i) * d);
	}
}

/* leaky_relu:A (A 0.01 if not given, as PyTorch), elu:A (1). */
static tp_why
alpha_params(struct layer *l, struct tp_msg *m)
{
	l->a[0] = l->k->name[0] == 'l' ? 0.01 : 1;
	if (l->arg == NULL)
		return NULL;
	return grad_number(l, "A", l->arg, -1e300, 1e300, &l->a[0], m);
}

/* gelu or gelu:tanh. */
static tp_why
gelu_params(struct layer *l, struct tp_msg *m)
{
	l->a[0] = 0;
	if (l->arg == NULL)
		return NULL;
	if (strcmp(l->arg, "tanh") != 0)
		return lmsg(m, l, "'%s' is not tanh: gelu is exact, or "
		    "gelu:tanh the tanh approximation", l->arg);
	l->a[0] = 1;
	return NULL;
}

const struct kind grad_act_kinds[] = {
	{ "leaky_relu", 0, { NULL }, 1, act_fwd, act_bwd, alpha_params,
	  "$O = $I where $i > 0, else A $i (A: the argument, 0.01)",
	  "dL/d$I = dL/d$O ⊙ (1 where $i > 0, else A)",
	  NULL, NULL, "A", NULL, NULL,
	  0, NULL },
	{ "elu", 0, { NULL }, 1, act_fwd, act_bwd, alpha_params,
	  "$O = $I where $i > 0, else A (exp($i) - 1) (A: the argument, 1)",
	  "dL/d$I = dL/d$O ⊙ (1 where $i > 0, else A exp($i) = $o + A)",
	  NULL, NULL, "A", NULL, NULL,
	  0, NULL },
	{ "gelu", 0, { NULL }, 0, act_fwd, act_bwd, gelu_params,
	  "$O = $I Φ($i), Φ the normal CDF (gelu:tanh: $i/2 (1 + tanh(√(2/π) "
	  "($i + 0.044715 $i³))))",
	  "dL/d$I = dL/d$O ⊙ (Φ($i) + $i φ($i)), φ the normal density "
	  "(gelu:tanh: the derivative of its formula)",
	  NULL, NULL, "tanh", NULL, NULL,
	  0, NULL },
};
