/*
 * grad_convnd.c - conv1d, conv2d and conv3d with PyTorch's semantics
 * (grad_convnd_kinds[], grad_impl.h): X (N, C_in, n...), W (C_out,
 * C_in/groups, k...), an optional bias b (C_out), stride=, pad= (sizes,
 * or same or valid), dilation= and groups=, cross-correlation as
 * torch.nn.functional.conv1d/2d/3d computes it.
 *
 * The arithmetic is the convolution engine's (conv.h, tconv's: FFT,
 * overlap-save or direct by its cost model), one correlation per pair
 * (output channel, input channel of its group) over the whole batch: the
 * engine takes X's channel as a batch of N signals.  Padding is done by
 * copying X into a zero-padded buffer, dilation by a kernel with zeros
 * between its taps, stride by keeping every S-th output of the stride-1
 * correlation; so
 *   Z[n,o] = b[o] + Σ_c (Xp[n,c] ⋆ Wd[o,c]) at multiples of S,
 *   dXp[n,c] = Σ_o (dZu[n,o] ∗ Wd[o,c]), full convolution, cropped,
 *   dW[o,c] = (Xp[:,c] ⋆ dZu[:,o]) valid over the batch axis too (the
 *     sum over n), taken at the dilation's taps,
 * where dZu is dL/dZ with zeros between its elements (the stride's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "conv.h"
#include "grad_impl.h"

struct convnd {
	int d;				/* spatial axes */
	int groups;
	size_t s[TP_MAXDIM], dil[TP_MAXDIM];	/* stride, dilation */
	size_t plo[TP_MAXDIM], phi[TP_MAXDIM];	/* padding before, after */
	int same;			/* pad=same: from the kernel */
	size_t dk[3];			/* the dilated kernel's lengths */
	struct tp_tensor wd;		/* W dilated, (C_out, C_in/g, dk...) */
	struct tp_conv **fwd, **bwd;	/* per (o, c): correlation and
					 * convolution with Wd[o, c] */
	size_t nengine;
	unsigned ver;
};

static void
drop_engines(struct convnd *c)
{
	size_t i;

	for (i = 0; i < c->nengine; i++) {
		tp_conv_free(c->fwd[i]);
		tp_conv_free(c->bwd[i]);
	}
	free(c->fwd);
	free(c->bwd);
	c->fwd = c->bwd = NULL;
	c->nengine = 0;
	tp_free(&c->wd);
}

static void
convnd_cleanup(struct layer *l)
{
	if (l->state != NULL)
		drop_engines(l->state);
}

/* "2" or "1x2x1" into v[d], one size for every axis or one per axis. */
static tp_why
sizes_of(const struct layer *l, const char *what, const char *s, int d,
    size_t lo, size_t *v, struct tp_msg *m)
{
	const char *why;
	int n;

	if ((why = grad_sizes(l, what, s, lo, TP_MAXDIM, v, &n, m)) != NULL)
		return why;
	if (n != 1 && n != d)
		return lmsg(m, l, "%s '%s' has %d sizes, not 1 or %d", what, s,
		    n, d);
	for (; n < d; n++)
		v[n] = v[0];
	return NULL;
}

static tp_why
convnd_params(struct layer *l, struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN], sb[TP_GRAD_SHAPE_LEN];
	const struct tp_tensor *W = &l->p[0];
	struct convnd *c;
	const char *v, *why;
	double g;
	int a, d = l->k->name[4] - '0';

	l->state = c = tp_ecalloc(1, sizeof *c);
	c->d = d;
	if (W->ndim != d + 2)
		return lmsg(m, l, "%s %s must have %d axes, (C_out, C_in/groups"
		    "%s)", l->gname[0], shp(W, sa), d + 2, d == 1 ? ", k" :
		    d == 2 ? ", kh, kw" : ", kd, kh, kw");
	for (a = 0; a < d + 2; a++)
		if (W->shape[a] == 0)
			return lmsg(m, l, "%s %s is empty", l->gname[0],
			    shp(W, sa));
	if (l->np == 2 && (l->p[1].ndim != 1 ||
	    l->p[1].shape[0] != W->shape[0]))
		return lmsg(m, l, "%s %s does not fit %s %s: %s must have "
		    "shape (%zu,)", l->gname[1], shp(&l->p[1], sa),
		    l->gname[0], shp(W, sb), l->gname[1], W->shape[0]);
	c->groups = 1;
	if ((v = grad_opt(l, "groups")) != NULL) {
		if ((why = grad_number(l, "groups", v, 1, 1 << 20, &g, m)) !=
		    NULL)
			return why;
		if (g != (int)g)
			return lmsg(m, l, "groups %s is not an integer", v);
		c->groups = (int)g;
		if (W->shape[0] % (size_t)c->groups != 0)
			return lmsg(m, l, "groups %d does not divide %s's %zu "
			    "output channels", c->groups, l->gname[0],
			    W->shape[0]);
	}
	for (a = 0; a < d; a++)
		c->s[a] = c->dil[a] = 1;
	if ((v = grad_opt(l, "stride")) != NULL &&
	    (why = sizes_of(l, "stride", v, d, 1, c->s, m)) != NULL)
		return why;
	if ((v = grad_opt(l, "dilation")) != NULL &&
	    (why = sizes_of(l, "dilation", v, d, 1, c->dil, m)) != NULL)
		return why;
	for (a = 0; a < d; a++)
		c->dk[a] = c->dil[a] * (W->shape[2 + a] - 1) + 1;
	v = grad_opt(l, "pad");
	if (v != NULL && strcmp(v, "same") == 0) {
		for (a = 0; a < d; a++) {
			if (c->s[a] != 1)
				return lmsg(m, l, "pad=same needs stride 1, as "
				    "PyTorch's");
			/* as PyTorch: the odd one after */
			c->plo[a] = (c->dk[a] - 1) / 2;
			c->phi[a] = c->dk[a] - 1 - c->plo[a];
		}
	} else if (v != NULL && strcmp(v, "valid") != 0) {
		if ((why = sizes_of(l, "pad", v, d, 0, c->plo, m)) != NULL)
			return why;
		memcpy(c->phi, c->plo, sizeof c->phi);
	}
	return NULL;
}

/* The dilated kernel and one engine per (o, c) pair, made again when a
 * parameter changed. */
static struct convnd *
engines(struct layer *l)
{
	struct convnd *c = l->state;
	const struct tp_tensor *W = &l->p[0];
	size_t shape[5], o, j, cin = W->shape[1], kc, i;
	struct tp_conv_opts fo, bo;
	struct tp_msg m;
	int a;

	if (c->fwd != NULL && c->ver == l->net->version)
		return c;
	drop_engines(c);
	c->ver = l->net->version;
	shape[0] = W->shape[0];
	shape[1] = cin;
	for (a = 0; a < c->d; a++)
		shape[2 + a] = c->dk[a];
	c->wd = tp_new(l->net->dt, c->d + 2, shape);
	kc = tail_count(W, 2);
	for (i = 0; i < W->count; i++) {	/* taps at multiples of dil */
		size_t r = i % kc, at = 0, stride = 1;

		for (a = c->d - 1; a >= 0; a--) {
			at += r % W->shape[2 + a] * c->dil[a] * stride;
			r /= W->shape[2 + a];
			stride *= c->dk[a];
		}
		st(&c->wd, i / kc * tail_count(&c->wd, 2) + at, ld(W, i));
	}
	c->nengine = W->shape[0] * cin;
	c->fwd = tp_ecalloc(c->nengine, sizeof *c->fwd);
	c->bwd = tp_ecalloc(c->nengine, sizeof *c->bwd);
	grad_conv_opts(l->net, TP_CONV_VALID, 1, &fo);
	grad_conv_opts(l->net, TP_CONV_FULL, 0, &bo);
	for (o = 0; o < W->shape[0]; o++)
		for (j = 0; j < cin; j++) {
			struct tp_tensor k;
			size_t e = o * cin + j;

			memset(&k, 0, sizeof k);
			k.dtype = c->wd.dtype;
			tp_eset_shape(&k, c->d, c->wd.shape + 2);
			k.data = (char *)c->wd.data + e * k.count *
			    tp_dtype_size(k.dtype);
			if (tp_conv_new(&c->fwd[e], &k, &fo, &m) != NULL ||
			    tp_conv_new(&c->bwd[e], &k, &bo, &m) != NULL)
				tp_die("internal error: %s", m.text);
		}
	return c;
}

/* X's channel ci, padded: (N, np...) in pad (allocated). */
static void
channel_padded(const struct convnd *c, const struct tp_tensor *x, size_t ci,
    struct tp_tensor *pad)
{
	size_t shape[4], n, i, inner = tail_count(x, 2), C = x->shape[1];
	int a;

	shape[0] = x->shape[0];
	for (a = 0; a < c->d; a++)
		shape[1 + a] = x->shape[2 + a] + c->plo[a] + c->phi[a];
	*pad = tp_new(x->dtype, c->d + 1, shape);
	for (n = 0; n < x->shape[0]; n++)
		for (i = 0; i < inner; i++) {
			size_t r = i, at = 0, stride = 1;

			for (a = c->d - 1; a >= 0; a--) {
				at += (r % x->shape[2 + a] + c->plo[a]) *
				    stride;
				r /= x->shape[2 + a];
				stride *= shape[1 + a];
			}
			st(pad, n * stride + at, ld(x, (n * C + ci) * inner +
			    i));
		}
}

/* The flat index in a stride-1 output (lengths full[]) of element i of
 * the strided output (lengths out[], both per batch element). */
static size_t
upsampled(const struct convnd *c, size_t i, const size_t *out,
    const size_t *full)
{
	size_t at = 0, stride = 1;
	int a;

	for (a = c->d - 1; a >= 0; a--) {
		at += i % out[a] * c->s[a] * stride;
		i /= out[a];
		stride *= full[a];
	}
	return at;
}

/* dst[doff + i] += src[soff + map[i]] for i < n (typed, for speed:
 * this runs once per channel pair over the whole batch). */
static void
add_mapped(struct tp_tensor *dst, size_t doff, const struct tp_tensor *src,
    size_t soff, const size_t *map, size_t n)
{
	size_t i;

	if (dst->dtype == TP_F4) {
		float *d = (float *)dst->data + doff;
		const float *r = (const float *)src->data + soff;

		for (i = 0; i < n; i++)
			d[i] += r[map[i]];
	} else {
		double *d = (double *)dst->data + doff;
		const double *r = (const double *)src->data + soff;

		for (i = 0; i < n; i++)
			d[i] += r[map[i]];
	}
}

/* map[i] = upsampled(c, i, out, full) for the oc outputs (allocated). */
static size_t *
upsample_map(const struct convnd *c, size_t oc, const size_t *out,
    const size_t *full)
{
	size_t *map = tp_emalloc((oc ? oc : 1) * sizeof *map), i;

	for (i = 0; i < oc; i++)
		map[i] = upsampled(c, i, out, full);
	return map;
}

static tp_why
convnd_fwd(struct layer *l, const struct tp_tensor *x, struct tp_tensor *z,
    struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN], sb[TP_GRAD_SHAPE_LEN];
	const struct tp_tensor *W = &l->p[0];
	struct convnd *c = engines(l);
	size_t shape[5], full[3], out[3], cout = W->shape[0], cin = W->shape[1];
	size_t og = cout / (size_t)c->groups, n, o, j, i, oc, fc, *map;
	int a;

	if (x->ndim != c->d + 2 || x->shape[1] != cin * (size_t)c->groups)
		return lmsg(m, l, "%s %s does not fit the incoming %s: X is "
		    "(N, C_in, ...) with %d spatial ax%s and C_in = %zu "
		    "(groups %d times %zu)", l->gname[0], shp(W, sa),
		    shp(x, sb), c->d, c->d == 1 ? "is" : "es",
		    cin * (size_t)c->groups, c->groups, cin);
	shape[0] = x->shape[0];
	shape[1] = cout;
	for (a = 0; a < c->d; a++) {
		size_t p = x->shape[2 + a] + c->plo[a] + c->phi[a];

		if (p < c->dk[a])
			return lmsg(m, l, "X %s: axis %d (%zu, padded %zu) is "
			    "shorter than the dilated kernel %zu", shp(x, sa),
			    2 + a, x->shape[2 + a], p, c->dk[a]);
		full[a] = p - c->dk[a] + 1;
		out[a] = (full[a] - 1) / c->s[a] + 1;
		shape[2 + a] = out[a];
	}
	*z = tp_new(l->net->dt, c->d + 2, shape);
	oc = tail_count(z, 2);
	fc = 1;
	for (a = 0; a < c->d; a++)
		fc *= full[a];
	map = upsample_map(c, oc, out, full);
	for (j = 0; j < cin * (size_t)c->groups; j++) {
		struct tp_tensor xp, r;
		size_t g = j / cin;

		channel_padded(c, x, j, &xp);
		for (o = g * og; o < (g + 1) * og; o++) {
			tp_conv_run(c->fwd[o * cin + j % cin], &xp, &r);
			for (n = 0; n < x->shape[0]; n++)
				add_mapped(z, (n * cout + o) * oc, &r, n * fc,
				    map, oc);
			tp_free(&r);
		}
		tp_free(&xp);
	}
	free(map);
	if (l->np == 2)
		for (n = 0; n < x->shape[0]; n++)
			for (o = 0; o < cout; o++)
				for (i = 0; i < oc; i++) {
					size_t zi = (n * cout + o) * oc + i;

					st(z, zi, ld(z, zi) + ld(&l->p[1], o));
				}
	return NULL;
}

static void
convnd_bwd(struct layer *l, const struct tp_tensor *x,
    const struct tp_tensor *z, const struct tp_tensor *dz,
    struct tp_tensor *dx)
{
	const struct tp_tensor *W = &l->p[0];
	struct convnd *c = engines(l);
	size_t cout = W->shape[0], cin = W->shape[1], og, oc, fc, n, o, j, i;
	size_t full[3], out[3], ushape[4], inner = tail_count(x, 2);
	size_t kc = tail_count(W, 2), C = x->shape[1], *crop, *taps, pc;
	size_t xshape[TP_MAXDIM];
	struct tp_tensor *up, xp, xall, view, r;
	struct tp_conv_opts wo;
	int a;

	og = cout / (size_t)c->groups;
	oc = tail_count(z, 2);
	ushape[0] = x->shape[0];
	fc = 1;
	for (a = 0; a < c->d; a++) {
		out[a] = z->shape[2 + a];
		full[a] = x->shape[2 + a] + c->plo[a] + c->phi[a] -
		    c->dk[a] + 1;
		ushape[1 + a] = full[a];
		fc *= full[a];
	}
	/* dL/dZ upsampled per output channel: (N, full...) */
	up = tp_ecalloc(cout, sizeof *up);
	for (o = 0; o < cout; o++) {
		up[o] = tp_new(l->net->dt, c->d + 1, ushape);
		for (n = 0; n < x->shape[0]; n++)
			for (i = 0; i < oc; i++)
				st(&up[o], n * fc + upsampled(c, i, out, full),
				    ld(dz, (n * cout + o) * oc + i));
	}
	if (l->np == 2) {
		l->g[1] = like(&l->p[1]);
		for (o = 0; o < cout; o++) {
			double s = 0;

			for (n = 0; n < x->shape[0]; n++)
				for (i = 0; i < oc; i++)
					s += ld(dz, (n * cout + o) * oc + i);
			st(&l->g[1], o, s);
		}
	}
	l->g[0] = like(W);
	if (dx != NULL)
		*dx = like(x);
	grad_conv_opts(l->net, TP_CONV_VALID, 1, &wo);
	/* crop[i]: X's element i in a padded channel */
	crop = tp_emalloc((inner ? inner : 1) * sizeof *crop);
	for (i = 0; i < inner; i++) {
		size_t q = i, at = 0, stride = 1;

		for (a = c->d - 1; a >= 0; a--) {
			at += (q % x->shape[2 + a] + c->plo[a]) * stride;
			q /= x->shape[2 + a];
			stride *= x->shape[2 + a] + c->plo[a] + c->phi[a];
		}
		crop[i] = at;
	}
	/* X padded, channel first: (C, N, padded...) */
	channel_padded(c, x, 0, &xp);
	pc = tail_count(&xp, 1);
	xshape[0] = C;
	memcpy(xshape + 1, xp.shape, (size_t)xp.ndim * sizeof *xshape);
	xall = tp_new(xp.dtype, xp.ndim + 1, xshape);
	for (j = 0; j < C; j++) {
		if (j > 0)
			channel_padded(c, x, j, &xp);
		memcpy((char *)xall.data + j * xp.nbytes, xp.data, xp.nbytes);
		tp_free(&xp);
	}
	/* dW[o, :]: one engine with dZu[:, o] for its kernel, run on the
	 * group's channels at once, valid over the batch too (its sum):
	 * (C_in/g, 1, dk...) */
	taps = tp_emalloc(kc * sizeof *taps);
	for (i = 0; i < kc; i++) {
		size_t q = i, at = 0, stride = 1;

		for (a = c->d - 1; a >= 0; a--) {
			at += q % W->shape[2 + a] * c->dil[a] * stride;
			q /= W->shape[2 + a];
			stride *= c->dk[a];
		}
		taps[i] = at;
	}
	for (o = 0; o < cout; o++) {
		struct tp_conv *eng;
		struct tp_msg msg;
		size_t g = o / og, dkc = 1;

		memset(&view, 0, sizeof view);
		view.dtype = xall.dtype;
		xshape[0] = cin;
		tp_eset_shape(&view, xall.ndim, xshape);
		view.data = (char *)xall.data + g * cin * xp.nbytes;
		if (tp_conv_new(&eng, &up[o], &wo, &msg) != NULL)
			tp_die("internal error: %s", msg.text);
		tp_conv_run(eng, &view, &r);
		tp_conv_free(eng);
		for (a = 0; a < c->d; a++)
			dkc *= c->dk[a];
		for (j = 0; j < cin; j++)
			for (i = 0; i < kc; i++)
				st(&l->g[0], (o * cin + j) * kc + i,
				    ld(&r, j * dkc + taps[i]));
		tp_free(&r);
	}
	/* dXp[n, j] += dZu[n, o] * Wd[o, j], cropped */
	for (j = 0; dx != NULL && j < C; j++) {
		size_t g = j / cin;

		for (o = g * og; o < (g + 1) * og; o++) {
			tp_conv_run(c->bwd[o * cin + j % cin], &up[o], &r);
			for (n = 0; n < x->shape[0]; n++)
				add_mapped(dx, (n * C + j) * inner, &r, n * pc,
				    crop, inner);
			tp_free(&r);
		}
	}
	tp_free(&xall);
	free(taps);
	for (o = 0; o < cout; o++)
		tp_free(&up[o]);
	free(up);
	free(crop);
}

/* The --explain lines that name the bias ($Q, $q) are left out without
 * one (grad_explain.c). */
#define CONVND(NAME)							\
	{ NAME, 2, { "W", "b" }, 0, convnd_fwd, convnd_bwd, convnd_params,\
	  "$O from $I and $P: $o[:,o] = Σ_c $i[:,c] ⋆ $p[o,c], the "	\
	  "cross-correlation over the spatial axes with stride, padding, "\
	  "dilation and groups as PyTorch's " NAME "\n"			\
	  "  + $q[o], the bias $Q",					\
	  "dL/d$I: dL/d$i[:,c] = Σ_o dL/d$o[:,o] ∗ $p[o,c], the full "	\
	  "convolution of dL/d$o (zeros between its elements for the "	\
	  "stride) with the dilated kernel, the padding cropped\n"	\
	  "dL/d$P: dL/d$p[o,c] = Σ_n $i[n,c] ⋆ dL/d$o[n,o], the valid "	\
	  "correlation summed over the batch, at the dilation's taps\n"	\
	  "dL/d$Q: dL/d$q[o] = Σ of dL/d$o[:,o] over the batch and "	\
	  "the spatial axes",						\
	  NULL, NULL, NULL, "stride pad dilation groups", NULL,		\
	  1, convnd_cleanup }

const struct kind grad_convnd_kinds[] = {
	CONVND("conv1d"), CONVND("conv2d"), CONVND("conv3d"),
};
