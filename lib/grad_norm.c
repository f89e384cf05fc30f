/*
 * grad_norm.c - normalisation and dropout layers (grad_norm_kinds[],
 * grad_impl.h): batchnorm:GAMMA,BETA over axis 1 of (N, C, ...) with the
 * batch's statistics (training) or, given mean= and var=, the running
 * ones (eval), as PyTorch's batch_norm; layernorm:GAMMA,BETA over the
 * last axes, GAMMA's shape, as layer_norm; eps= for both (1e-5).
 * dropout:P is inverted dropout, Z = X M / (1 - P), with the keep mask M
 * from a file (mask=) or drawn from seed= as numpy's
 * RandomState(seed).random_sample(X.shape) >= P: the same mask for
 * every record and every pass, so a run is deterministic.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "grad_impl.h"

/*
 * The groups a normalisation takes its statistics over: element i of x
 * is in group grp(i) at position pos(i) of gamma.  batchnorm: group =
 * channel = axis 1, gamma per channel; layernorm: group = the leading
 * index, gamma per position in the normalised axes.
 */
struct groups {
	size_t ngroup;		/* groups */
	size_t size;		/* elements per group */
	size_t inner;		/* batchnorm: the axes after the channel */
	size_t C;		/* batchnorm: channels */
	int batch;		/* batchnorm, else layernorm */
};

static size_t
grp(const struct groups *g, size_t i)
{
	return g->batch ? i / g->inner % g->C : i / g->size;
}

static size_t
gpos(const struct groups *g, size_t i)
{
	return g->batch ? i / g->inner % g->C : i % g->size;
}

static tp_why
norm_params(struct layer *l, struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN], sb[TP_GRAD_SHAPE_LEN];
	const char *e = grad_opt(l, "eps");
	const char *why;

	l->a[0] = 1e-5;
	if (e != NULL && (why = grad_number(l, "eps", e, 0, 1e300, &l->a[0],
	    m)) != NULL)
		return why;
	if (l->p[0].ndim != l->p[1].ndim || memcmp(l->p[0].shape,
	    l->p[1].shape, (size_t)l->p[0].ndim * sizeof l->p[0].shape[0]))
		return lmsg(m, l, "%s %s and %s %s differ in shape",
		    l->gname[0], shp(&l->p[0], sa), l->gname[1],
		    shp(&l->p[1], sb));
	if (l->k->name[0] == 'b') {
		if (l->p[0].ndim != 1)
			return lmsg(m, l, "%s %s must have one axis, the "
			    "channels'", l->gname[0], shp(&l->p[0], sa));
		if ((l->f[0].data == NULL) != (l->f[1].data == NULL))
			return lmsg(m, l, "give both mean= and var= (eval), or "
			    "neither (training)");
		for (int j = 0; j < 2; j++)
			if (l->f[j].data != NULL && (l->f[j].ndim != 1 ||
			    l->f[j].shape[0] != l->p[0].shape[0]))
				return lmsg(m, l, "%s %s does not fit %s %s",
				    j ? "var" : "mean", shp(&l->f[j], sa),
				    l->gname[0], shp(&l->p[0], sb));
		for (size_t i = 0; l->f[1].data != NULL && i < l->f[1].count;
		    i++)
			if (ld(&l->f[1], i) < 0)
				return lmsg(m, l, "var %g at (%zu,) is "
				    "negative", ld(&l->f[1], i), i);
	}
	return NULL;
}

/* x against gamma: the groups, or a message. */
static tp_why
norm_groups(struct layer *l, const struct tp_tensor *x, struct groups *g,
    struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN], sb[TP_GRAD_SHAPE_LEN];
	const struct tp_tensor *G = &l->p[0];
	int a, lead;

	memset(g, 0, sizeof *g);
	g->batch = l->k->name[0] == 'b';
	if (g->batch) {
		if (x->ndim < 2 || x->shape[1] != G->shape[0])
			return lmsg(m, l, "%s %s does not fit the incoming %s: "
			    "X is (N, C, ...) with C = %zu channels",
			    l->gname[0], shp(G, sa), shp(x, sb), G->shape[0]);
		g->C = x->shape[1];
		g->inner = tail_count(x, 2);
		g->ngroup = g->C;
		g->size = g->C ? x->count / g->C : 0;
		return NULL;
	}
	lead = x->ndim - G->ndim;
	for (a = 0; a < G->ndim && lead >= 0; a++)
		if (x->shape[lead + a] != G->shape[a])
			break;
	if (lead < 0 || a < G->ndim)
		return lmsg(m, l, "%s %s does not fit the incoming %s: X's "
		    "last axes must be %s's shape", l->gname[0], shp(G, sa),
		    shp(x, sb), l->gname[0]);
	g->size = G->count;
	g->ngroup = g->size ? x->count / g->size : 0;
	return NULL;
}

/* Each group's mean and 1/sqrt(variance + eps) into mu and inv (the
 * running ones in eval mode). */
static void
norm_stats(const struct layer *l, const struct tp_tensor *x,
    const struct groups *g, double *mu, double *inv)
{
	size_t i;

	if (l->f[0].data != NULL) {	/* eval */
		for (i = 0; i < g->ngroup; i++) {
			mu[i] = ld(&l->f[0], i);
			inv[i] = 1 / sqrt(ld(&l->f[1], i) + l->a[0]);
		}
		return;
	}
	memset(mu, 0, g->ngroup * sizeof *mu);
	memset(inv, 0, g->ngroup * sizeof *inv);
	for (i = 0; i < x->count; i++)
		mu[grp(g, i)] += ld(x, i);
	for (i = 0; i < g->ngroup; i++)
		mu[i] /= (double)g->size;
	for (i = 0; i < x->count; i++) {
		double d = ld(x, i) - mu[grp(g, i)];

		inv[grp(g, i)] += d * d;
	}
	for (i = 0; i < g->ngroup; i++)	/* biased, as PyTorch normalises */
		inv[i] = 1 / sqrt(inv[i] / (double)g->size + l->a[0]);
}

static tp_why
norm_fwd(struct layer *l, const struct tp_tensor *x, struct tp_tensor *z,
    struct tp_msg *m)
{
	struct groups g;
	const char *why;
	double *mu, *inv;
	size_t i;

	if ((why = norm_groups(l, x, &g, m)) != NULL)
		return why;
	mu = tp_emalloc((g.ngroup + 1) * sizeof *mu);
	inv = tp_emalloc((g.ngroup + 1) * sizeof *inv);
	norm_stats(l, x, &g, mu, inv);
	*z = like(x);
	for (i = 0; i < x->count; i++) {
		size_t k = grp(&g, i), p = gpos(&g, i);

		st(z, i, (ld(x, i) - mu[k]) * inv[k] * ld(&l->p[0], p) +
		    ld(&l->p[1], p));
	}
	free(mu);
	free(inv);
	return NULL;
}

/*
 * With xh = (x - mu) inv and dh = dz gamma: dgamma = Σ dz xh, dbeta =
 * Σ dz (over what shares a gamma), and per group of n, in training
 * dx = inv (dh - mean(dh) - xh mean(dh xh)), in eval dx = inv dh.
 */
static void
norm_bwd(struct layer *l, const struct tp_tensor *x,
    const struct tp_tensor *z, const struct tp_tensor *dz,
    struct tp_tensor *dx)
{
	struct groups g;
	struct tp_msg m;
	double *mu, *inv, *s1, *s2, *dg, *db;
	size_t i, np = l->p[0].count;
	int eval = l->f[0].data != NULL;

	(void)z;
	if (norm_groups(l, x, &g, &m) != NULL)
		tp_die("internal error: %s", m.text);
	mu = tp_emalloc((g.ngroup + 1) * sizeof *mu);
	inv = tp_emalloc((g.ngroup + 1) * sizeof *inv);
	s1 = tp_ecalloc(g.ngroup + 1, sizeof *s1);
	s2 = tp_ecalloc(g.ngroup + 1, sizeof *s2);
	dg = tp_ecalloc(np + 1, sizeof *dg);
	db = tp_ecalloc(np + 1, sizeof *db);
	norm_stats(l, x, &g, mu, inv);
	for (i = 0; i < x->count; i++) {
		size_t k = grp(&g, i), p = gpos(&g, i);
		double xh = (ld(x, i) - mu[k]) * inv[k], d = ld(dz, i);
		double dh = d * ld(&l->p[0], p);

		dg[p] += d * xh;
		db[p] += d;
		s1[k] += dh;
		s2[k] += dh * xh;
	}
	l->g[0] = like(&l->p[0]);
	l->g[1] = like(&l->p[1]);
	for (i = 0; i < np; i++) {
		st(&l->g[0], i, dg[i]);
		st(&l->g[1], i, db[i]);
	}
	if (dx != NULL) {
		*dx = like(x);
		for (i = 0; i < x->count; i++) {
			size_t k = grp(&g, i), p = gpos(&g, i);
			double xh = (ld(x, i) - mu[k]) * inv[k];
			double dh = ld(dz, i) * ld(&l->p[0], p);
			double n = (double)g.size;

			st(dx, i, eval ? inv[k] * dh : inv[k] * (dh -
			    s1[k] / n - xh * s2[k] / n));
		}
	}
	free(mu);
	free(inv);
	free(s1);
	free(s2);
	free(dg);
	free(db);
}

/* dropout: P in [0, 1), and a mask file or a seed. */
static tp_why
dropout_params(struct layer *l, struct tp_msg *m)
{
	const char *seed = grad_opt(l, "seed");
	const char *why;
	double s;

	if (l->arg == NULL)
		return lmsg(m, l, "needs its drop probability, as dropout:0.5");
	if ((why = grad_number(l, "P", l->arg, 0, 1, &l->a[0], m)) != NULL)
		return why;
	if (l->a[0] >= 1)
		return lmsg(m, l, "P %s drops everything: it must be below 1",
		    l->arg);
	if ((seed == NULL) == (l->f[0].data == NULL))
		return lmsg(m, l, "give the keep mask as mask=FILE or seed=N, "
		    "one of them");
	if (seed != NULL) {
		if ((why = grad_number(l, "seed", seed, 0, 4294967295.0, &s,
		    m)) != NULL)
			return why;
		if (s != floor(s))
			return lmsg(m, l, "seed %s is not an integer", seed);
		l->a[1] = s;
	}
	for (size_t i = 0; l->f[0].data != NULL && i < l->f[0].count; i++)
		if (ld(&l->f[0], i) != 0 && ld(&l->f[0], i) != 1) {
			char ib[TP_GRAD_SHAPE_LEN];

			return lmsg(m, l, "mask value %g at %s is not 0 or 1",
			    ld(&l->f[0], i), tp_index_str(&l->f[0], i, ib,
			    sizeof ib));
		}
	return NULL;
}

/* The keep mask for x into l->state (bytes), made for x's size. */
static tp_why
dropout_mask(struct layer *l, const struct tp_tensor *x, struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN], sb[TP_GRAD_SHAPE_LEN];
	unsigned char *keep;
	size_t i;

	if (l->f[0].data != NULL && (l->f[0].ndim != x->ndim ||
	    memcmp(l->f[0].shape, x->shape, (size_t)x->ndim *
	    sizeof x->shape[0])))
		return lmsg(m, l, "mask %s does not fit the incoming %s",
		    shp(&l->f[0], sa), shp(x, sb));
	free(l->state);
	l->state = keep = tp_emalloc(x->count + 1);
	if (l->f[0].data != NULL) {
		for (i = 0; i < x->count; i++)
			keep[i] = ld(&l->f[0], i) != 0;
	} else {
		struct tp_rng r;

		tp_rng_seed(&r, (uint32_t)l->a[1]);
		for (i = 0; i < x->count; i++)
			keep[i] = tp_rng_uniform(&r) >= l->a[0];
	}
	return NULL;
}

static tp_why
dropout_fwd(struct layer *l, const struct tp_tensor *x, struct tp_tensor *z,
    struct tp_msg *m)
{
	const unsigned char *keep;
	const char *why;
	size_t i;

	if ((why = dropout_mask(l, x, m)) != NULL)
		return why;
	keep = l->state;
	*z = like(x);
	for (i = 0; i < x->count; i++)
		if (keep[i])
			st(z, i, ld(x, i) / (1 - l->a[0]));
	return NULL;
}

static void
dropout_bwd(struct layer *l, const struct tp_tensor *x,
    const struct tp_tensor *z, const struct tp_tensor *dz,
    struct tp_tensor *dx)
{
	const unsigned char *keep = l->state;
	size_t i;

	(void)z;
	if (dx == NULL)
		return;
	*dx = like(x);
	for (i = 0; i < x->count; i++)
		if (keep[i])
			st(dx, i, ld(dz, i) / (1 - l->a[0]));
}

const struct kind grad_norm_kinds[] = {
	{ "batchnorm", 2, { "gamma", "beta" }, 0, norm_fwd, norm_bwd,
	  norm_params,
	  "$O = ($I - μ) / √(σ² + eps) ⊙ $P + $Q per channel (axis 1): μ, σ² "
	  "the batch's mean and biased variance over every other axis (or "
	  "the given mean=, var=)",
	  "dL/d$P = Σ dL/d$o ⊙ x̂, dL/d$Q = Σ dL/d$o, over all but the "
	  "channel axis; x̂ = ($i - μ) / √(σ² + eps)\n"
	  "dL/d$I = (dh - mean(dh) - x̂ mean(dh ⊙ x̂)) / √(σ² + eps) per "
	  "channel, dh = dL/d$o ⊙ $p (with mean= and var=: dh / √(var + eps))",
	  NULL, NULL, NULL, "eps", "mean var",
	  0, NULL },
	{ "layernorm", 2, { "gamma", "beta" }, 0, norm_fwd, norm_bwd,
	  norm_params,
	  "$O = ($I - μ) / √(σ² + eps) ⊙ $P + $Q: μ, σ² the mean and biased "
	  "variance over the last axes ($p's shape), per leading index",
	  "dL/d$P = Σ dL/d$o ⊙ x̂, dL/d$Q = Σ dL/d$o, over the leading "
	  "axes; x̂ = ($i - μ) / √(σ² + eps)\n"
	  "dL/d$I = (dh - mean(dh) - x̂ mean(dh ⊙ x̂)) / √(σ² + eps) per "
	  "row, dh = dL/d$o ⊙ $p",
	  NULL, NULL, NULL, "eps", NULL,
	  0, NULL },
	{ "dropout", 0, { NULL }, 0, dropout_fwd, dropout_bwd, dropout_params,
	  "$O = $I ⊙ M / (1 - P): M the keep mask (mask= or drawn from "
	  "seed=), P the drop probability",
	  "dL/d$I = dL/d$O ⊙ M / (1 - P)",
	  NULL, NULL, "P", "seed", "mask",
	  0, NULL },
};
