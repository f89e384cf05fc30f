/*
 * grad_convnd.c - conv1d, conv2d and conv3d with PyTorch's semantics
 * (grad_convnd_kinds[], grad_impl.h): X (N, C_in, n...), W (C_out,
 * C_in/groups, k...), an optional bias b (C_out), stride=, pad= (sizes,
 * or same or valid), dilation= and groups=, cross-correlation as
 * torch.nn.functional.conv1d/2d/3d computes it.
 *
 * The arithmetic is the convolution engine's (conv.h, tconv's: FFT,
 * overlap-save or direct by its cost model), with kernels that span a
 * channel axis, so that the engine's valid mode on that axis is the
 * sum over the channels.  Padding is done by copying into zero-padded
 * buffers (a group's channels together), dilation by a kernel with
 * zeros between its taps (Wd), stride by keeping every S-th output of
 * the stride-1 correlation and by zeros between dL/dZ's elements
 * (dZu).  With Xp the padded X and dZp the dZu padded by dk - 1 on each
 * side:
 *   Z[n,o] = b[o] + (Xp[n, the group] ⋆ Wd[o]) at multiples of S, one
 *     engine per o, kernel (C_in/g, dk...), several o over one Xp in
 *     one run (tp_conv_run_many: Xp scanned and padded rows filled once);
 *   dXp[n,j] = dZp[n, the group] ∗ Wd[the group, j], convolution on the
 *     spatial axes, correlation on the channel axis (the sum over o),
 *     one engine per input channel j, a group's j in one run; cropped;
 *   dW[:,j] = (dZl ⋆ Xp[:, j]) reversed, dZl being dZp with its
 *     channels last (the engine's vectors run along the last axis: a
 *     full vector of output channels, where the spatial rows of dW are
 *     a few taps long) and Xp[:, j] taken as (N, padded..., 1), valid
 *     on N: the sum over the batch, a run of about 1 MiB of dZl at a
 *     time (a group's j in one engine run), summed in double; taken at
 *     the dilation's taps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "conv.h"
#include "grad_impl.h"

/* Output channels the forward pass computes in one engine run over a
 * group's padded X: their outputs are alive at once, and fewer reuse
 * the memory freed by the last (64x32x32 f32 outputs: 32 at once took
 * 1500 more page faults and 2% more CPU than 8 at a time); a multiple
 * of the three kernels the engine's direct loop sums over one pass
 * (9: 2% less CPU than 8). */
#define FWD_AT_ONCE 9

struct convnd {
	int d;				/* spatial axes */
	int groups;
	size_t s[TP_MAXDIM], dil[TP_MAXDIM];	/* stride, dilation */
	size_t plo[TP_MAXDIM], phi[TP_MAXDIM];	/* padding before, after */
	int same;			/* pad=same: from the kernel */
	size_t dk[3];			/* the dilated kernel's lengths */
	struct tp_tensor wd;		/* W dilated, (C_out, C_in/g, dk...) */
	struct tp_conv **fwd, **bwd;	/* per output channel o, per input
					 * channel j (engines) */
	size_t nfwd, nbwd;
	unsigned ver;
};

static void
drop_engines(struct convnd *c)
{
	size_t i;

	for (i = 0; i < c->nfwd; i++)
		tp_conv_free(c->fwd[i]);
	for (i = 0; i < c->nbwd; i++)
		tp_conv_free(c->bwd[i]);
	free(c->fwd);
	free(c->bwd);
	c->fwd = c->bwd = NULL;
	c->nfwd = c->nbwd = 0;
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

/*
 * Copy a block of d spatial axes between a dense layout (lengths in[])
 * and a larger one (lengths big[]) where dense element i sits at
 * lo + i * s on each axis: into the large one (to_big) or out of it.
 * Elements of elsz bytes; whole rows at once when s is 1 on the last
 * axis.
 */
static void
block_copy(char *big, const size_t *bl, const size_t *lo, const size_t *s,
    char *dense, const size_t *in, int d, size_t elsz, int to_big)
{
	size_t rows = 1, r, len = in[d - 1], t;
	int a;

	for (a = 0; a < d - 1; a++)
		rows *= in[a];
	for (r = 0; r < rows; r++) {
		size_t q = r, at = lo[d - 1], stride = bl[d - 1];
		char *b, *e = dense + r * len * elsz;

		for (a = d - 2; a >= 0; a--) {
			at += (q % in[a] * s[a] + lo[a]) * stride;
			q /= in[a];
			stride *= bl[a];
		}
		b = big + at * elsz;
		if (s[d - 1] == 1)
			memcpy(to_big ? b : e, to_big ? e : b, len * elsz);
		else
			for (t = 0; t < len; t++)
				memcpy(to_big ? b + t * s[d - 1] * elsz :
				    e + t * elsz, to_big ? e + t * elsz :
				    b + t * s[d - 1] * elsz, elsz);
	}
}

/* The engine, valid mode, for the kernel of nd axes shape[] at data:
 * correlation on every axis (all), or on the first alone and
 * convolution on the others. */
static struct tp_conv *
engine_for(const struct tp_grad_net *net, int nd, const size_t *shape,
    void *data, int all)
{
	struct tp_conv_opts o;
	struct tp_tensor k;
	struct tp_conv *e;
	struct tp_msg m;
	int a;

	grad_conv_opts(net, TP_CONV_VALID, 1, &o);
	o.ncorr = nd;
	for (a = 0; a < nd; a++)
		o.corr[a] = (unsigned char)(a == 0 || all);
	memset(&k, 0, sizeof k);
	k.dtype = net->dt;
	tp_eset_shape(&k, nd, shape);
	k.data = data;
	if (tp_conv_new(&e, &k, &o, &m) != NULL)
		tp_die("internal error: %s", m.text);
	return e;
}

/*
 * The dilated kernel Wd and the engines, made again when a parameter
 * changed: fwd[o] correlates with Wd[o] (C_in/g, dk...) over a group's
 * channels, its channel axis valid (the sum over c); bwd[j] convolves
 * with Wd[the group's o, j] (C_out/g, dk...), its channel axis a valid
 * correlation (the sum over o).
 */
static struct convnd *
engines(struct layer *l)
{
	struct convnd *c = l->state;
	const struct tp_tensor *W = &l->p[0];
	size_t shape[5], o, j, cin = W->shape[1], kc, i, dkc = 1, og;
	size_t cout = W->shape[0], C = cin * (size_t)c->groups, es;
	char *wd, *col;
	int a;

	if (c->fwd != NULL && c->ver == l->net->version)
		return c;
	drop_engines(c);
	c->ver = l->net->version;
	shape[0] = cout;
	shape[1] = cin;
	for (a = 0; a < c->d; a++) {
		shape[2 + a] = c->dk[a];
		dkc *= c->dk[a];
	}
	c->wd = tp_new(l->net->dt, c->d + 2, shape);
	kc = tail_count(W, 2);
	for (i = 0; i < W->count; i++) {	/* taps at multiples of dil */
		size_t r = i % kc, at = 0, stride = 1;

		for (a = c->d - 1; a >= 0; a--) {
			at += r % W->shape[2 + a] * c->dil[a] * stride;
			r /= W->shape[2 + a];
			stride *= c->dk[a];
		}
		st(&c->wd, i / kc * dkc + at, ld(W, i));
	}
	og = cout / (size_t)c->groups;
	es = tp_dtype_size(c->wd.dtype);
	wd = c->wd.data;
	c->nfwd = cout;
	c->nbwd = C;
	c->fwd = tp_ecalloc(cout, sizeof *c->fwd);
	c->bwd = tp_ecalloc(C, sizeof *c->bwd);
	memcpy(shape + 1, c->dk, (size_t)c->d * sizeof *shape);
	shape[0] = cin;
	for (o = 0; o < cout; o++)
		c->fwd[o] = engine_for(l->net, c->d + 1, shape,
		    wd + o * cin * dkc * es, 1);
	col = tp_emalloc(og * dkc * es);
	shape[0] = og;
	for (j = 0; j < C; j++) {
		size_t g = j / cin;

		for (o = 0; o < og; o++)
			memcpy(col + o * dkc * es, wd + ((g * og + o) * cin +
			    j % cin) * dkc * es, dkc * es);
		c->bwd[j] = engine_for(l->net, c->d + 1, shape, col, 0);
	}
	free(col);
	return c;
}

/* X padded, group by group: (groups, N, C_in/g, padded...) in xp. */
struct pad_job {
	const struct convnd *c;
	const struct tp_tensor *x;
	struct tp_tensor *xp;
};

/* Images [lo, hi) of padded_groups: each image's slab of each group
 * zeroed and filled by the thread that takes it (its pages faulted
 * there). */
static void
pad_run(void *arg, size_t lo, size_t hi)
{
	const struct pad_job *p = arg;
	const struct convnd *c = p->c;
	const struct tp_tensor *x = p->x;
	size_t N = x->shape[0], C = x->shape[1], n, j, g;
	size_t cin = C / (size_t)c->groups, es = tp_dtype_size(x->dtype);
	size_t pc = tail_count(p->xp, 3), ic = tail_count(x, 2);
	size_t one[3] = { 1, 1, 1 };
	char *xp = p->xp->data;

	for (n = lo; n < hi; n++) {
		for (g = 0; g < (size_t)c->groups; g++)
			memset(xp + (g * N + n) * cin * pc * es, 0,
			    cin * pc * es);
		for (j = 0; j < C; j++)
			block_copy(xp + (((j / cin) * N + n) * cin + j % cin) *
			    pc * es, p->xp->shape + 3, c->plo, one,
			    (char *)x->data + (n * C + j) * ic * es,
			    x->shape + 2, c->d, es, 1);
	}
}

static void
padded_groups(const struct tp_grad_net *net, const struct convnd *c,
    const struct tp_tensor *x, struct tp_tensor *xp)
{
	size_t shape[6];
	struct pad_job p = { c, x, xp };
	int a;

	shape[0] = (size_t)c->groups;
	shape[1] = x->shape[0];
	shape[2] = x->shape[1] / (size_t)c->groups;
	for (a = 0; a < c->d; a++)
		shape[3 + a] = x->shape[2 + a] + c->plo[a] + c->phi[a];
	*xp = fresh(x->dtype, c->d + 3, shape);	/* zeroed by pad_run */
	grad_split(net, x->shape[0], 1, pad_run, &p);
}

/* The view of group g of a (groups, N, ...) tensor t: (N, ...). */
static struct tp_tensor
group_view(const struct tp_tensor *t, size_t g)
{
	struct tp_tensor v;

	memset(&v, 0, sizeof v);
	v.dtype = t->dtype;
	tp_eset_shape(&v, t->ndim - 1, t->shape + 1);
	v.data = (char *)t->data + g * v.nbytes;
	return v;
}

/* Outputs o0 .. o0 + nk - 1 of the forward pass, r[], the stride-1
 * correlations (lengths full[]), into z, plus the bias. */
struct fwd_job {
	const struct layer *l;
	const struct tp_tensor *r;
	size_t nk, o0;
	const size_t *full;
	struct tp_tensor *z;
};

/* Images [lo, hi) of a fwd_job. */
static void
fwd_run(void *arg, size_t lo, size_t hi)
{
	const struct fwd_job *j = arg;
	const struct layer *l = j->l;
	const struct convnd *c = l->state;
	const struct tp_tensor *z = j->z;
	size_t cout = z->shape[1], oc = tail_count(z, 2), fc = 1, n, q, i;
	size_t es = tp_dtype_size(z->dtype), zero[3] = { 0, 0, 0 };
	int a;

	for (a = 0; a < c->d; a++)
		fc *= j->full[a];
	for (n = lo; n < hi; n++)
		for (q = 0; q < j->nk; q++) {
			size_t o = j->o0 + q, at = (n * cout + o) * oc;
			double b;

			block_copy((char *)j->r[q].data + n * fc * es, j->full,
			    zero, c->s, (char *)z->data + at * es,
			    z->shape + 2, c->d, es, 0);
			if (l->np != 2)
				continue;
			b = ld(&l->p[1], o);
			if (es == 4) {	/* typed, not ld and st */
				float *f = (float *)z->data + at;

				for (i = 0; i < oc; i++)
					f[i] = (float)(f[i] + b);
			} else {
				double *f = (double *)z->data + at;

				for (i = 0; i < oc; i++)
					f[i] += b;
			}
		}
}

static tp_why
convnd_fwd(struct layer *l, const struct tp_tensor *x, struct tp_tensor *z,
    struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN], sb[TP_GRAD_SHAPE_LEN];
	const struct tp_tensor *W = &l->p[0];
	struct convnd *c = engines(l);
	size_t shape[5], full[3], cout = W->shape[0], cin = W->shape[1];
	size_t og = cout / (size_t)c->groups, o, q, nk;
	struct tp_tensor xp, *r;
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
		shape[2 + a] = (full[a] - 1) / c->s[a] + 1;
	}
	*z = fresh(l->net->dt, c->d + 2, shape);	/* written whole */
	grad_blas_rest(z->nbytes);
	padded_groups(l->net, c, x, &xp);
	/* Z[n, o] = (Xp[n, the group's c] ⋆ Wd[o]) at multiples of S: the
	 * group's kernels over its Xp, FWD_AT_ONCE in one run, their
	 * outputs copied into Z image by image on the threads */
	r = tp_emalloc(FWD_AT_ONCE * sizeof *r);
	for (o = 0; o < cout; o += nk) {
		struct tp_tensor v = group_view(&xp, o / og);
		struct fwd_job j = { l, r, 0, o, full, z };

		nk = og - o % og;
		nk = nk < FWD_AT_ONCE ? nk : FWD_AT_ONCE;
		tp_conv_run_many(c->fwd + o, nk, &v, r);
		j.nk = nk;
		grad_split(l->net, x->shape[0], 1, fwd_run, &j);
		for (q = 0; q < nk; q++)
			tp_free(&r[q]);
	}
	free(r);
	tp_free(&xp);
	return NULL;
}

/*
 * dL/dZ upsampled (zeros between its elements for the stride) and padded
 * by the dilated kernel less one on each side, group by group: (groups,
 * N, C_out/g, qs...) in dzp, and with the channels last, (groups, N,
 * qs..., C_out/g), in dzl (each unless NULL); cut[a] (if not NULL) of
 * the padding before left out on axis a, qs[a] long from there.
 */
struct dz_job {
	const struct convnd *c;
	const struct tp_tensor *dz;
	size_t og, qc;
	const size_t *lo, *at;
	struct tp_tensor *dzp, *dzl;
};

/* Images [lo, hi) of padded_dz: each image's slab of each group zeroed
 * and filled by the thread that takes it. */
static void
dz_run(void *arg, size_t n0, size_t n1)
{
	const struct dz_job *j = arg;
	const struct convnd *c = j->c;
	const struct tp_tensor *dz = j->dz;
	size_t N = dz->shape[0], cout = dz->shape[1], og = j->og, qc = j->qc;
	size_t es = tp_dtype_size(dz->dtype), oc = tail_count(dz, 2), n, o, i;
	const size_t *at = j->at;

	for (n = n0; j->dzp != NULL && n < n1; n++) {
		for (o = 0; o < cout; o += og)
			memset((char *)j->dzp->data + ((o / og) * N + n) *
			    og * qc * es, 0, og * qc * es);
		for (o = 0; o < cout; o++)
			block_copy((char *)j->dzp->data + (((o / og) * N + n) *
			    og + o % og) * qc * es, j->dzp->shape + 3, j->lo,
			    c->s, (char *)dz->data + (n * cout + o) * oc * es,
			    dz->shape + 2, c->d, es, 1);
	}
	/* a group's og channels of one element at a time, written in
	 * order (a row of og at each position), read from og rows of
	 * dL/dZ at once: writing one channel at a time strode og elements
	 * through all of dZl, og times */
	for (n = n0; j->dzl != NULL && n < n1; n++)
		for (o = 0; o < cout; o += og) {
			size_t base = ((o / og) * N + n) * qc * og;
			size_t from = (n * cout + o) * oc, q;

			memset((char *)j->dzl->data + base * es, 0,
			    qc * og * es);
			if (es == 4) {	/* typed: a copy per element */
				float *d = (float *)j->dzl->data + base;
				const float *f = (const float *)dz->data + from;

				for (i = 0; i < oc; i++)
					for (q = 0; q < og; q++)
						d[at[i] * og + q] =
						    f[q * oc + i];
			} else {
				double *d = (double *)j->dzl->data + base;
				const double *f = (const double *)dz->data +
				    from;

				for (i = 0; i < oc; i++)
					for (q = 0; q < og; q++)
						d[at[i] * og + q] =
						    f[q * oc + i];
			}
		}
}

static void
padded_dz(const struct tp_grad_net *net, const struct convnd *c,
    const struct tp_tensor *dz, size_t og, const size_t *qs,
    const size_t *cut, struct tp_tensor *dzp, struct tp_tensor *dzl)
{
	size_t shape[6], N = dz->shape[0], i;
	size_t oc = tail_count(dz, 2), qc = 1;
	size_t lo[3], *at = tp_emalloc((oc ? oc : 1) * sizeof *at);
	struct dz_job j = { c, dz, og, 0, lo, at, dzp, dzl };
	int a;

	for (a = 0; a < c->d; a++) {
		lo[a] = c->dk[a] - 1 - (cut != NULL ? cut[a] : 0);
		qc *= qs[a];
	}
	j.qc = qc;
	shape[0] = (size_t)c->groups;
	shape[1] = N;
	shape[2] = og;
	memcpy(shape + 3, qs, (size_t)c->d * sizeof *qs);
	if (dzp != NULL)	/* zeroed by dz_run */
		*dzp = fresh(dz->dtype, c->d + 3, shape);
	memcpy(shape + 2, qs, (size_t)c->d * sizeof *qs);
	shape[2 + c->d] = og;
	if (dzl != NULL)
		*dzl = fresh(dz->dtype, c->d + 3, shape);
	/* at[i]: dL/dZ's element i in a padded channel */
	for (i = 0; i < oc; i++) {
		size_t q = i, p = 0, stride = 1;

		for (a = c->d - 1; a >= 0; a--) {
			p += (q % dz->shape[2 + a] * c->s[a] + lo[a]) * stride;
			q /= dz->shape[2 + a];
			stride *= qs[a];
		}
		at[i] = p;
	}
	grad_split(net, N, 1, dz_run, &j);
	free(at);
}

/* dL/db[o], the sum of dL/dZ[:, o] in double in the order of its
 * elements, for DB_AT_ONCE channels at a time: their sums are chains
 * of adds that wait on each other's latency, one each, where a single
 * sum waited on its own. */
#define DB_AT_ONCE 4

struct db_job {
	const struct tp_tensor *dz;
	struct tp_tensor *db;
};

/* Channels [lo, hi) of a db_job. */
static void
db_run(void *arg, size_t lo, size_t hi)
{
	const struct db_job *j = arg;
	const struct tp_tensor *dz = j->dz;
	size_t N = dz->shape[0], cout = dz->shape[1], oc = tail_count(dz, 2);
	size_t o, n, i, k, nk;

	for (o = lo; o < hi; o += nk) {
		double s[DB_AT_ONCE] = { 0 };

		nk = hi - o < DB_AT_ONCE ? hi - o : DB_AT_ONCE;
		for (n = 0; n < N; n++) {
			size_t at = (n * cout + o) * oc;

			if (dz->dtype == TP_F4) {	/* typed */
				const float *f = (const float *)dz->data + at;

				for (i = 0; i < oc; i++)
					for (k = 0; k < nk; k++)
						s[k] += f[k * oc + i];
			} else {
				const double *d = (const double *)dz->data +
				    at;

				for (i = 0; i < oc; i++)
					for (k = 0; k < nk; k++)
						s[k] += d[k * oc + i];
			}
		}
		for (k = 0; k < nk; k++)
			st(j->db, o + k, s[k]);
	}
}

/*
 * dL/dW and dL/db.  dW[o, c] = Σ_n Xp[n, c] ⋆ dZu[n, o] at the
 * dilation's taps.  The valid correlation of dZl (dZu padded, channels
 * last) with Xp[:, c] taken as (N, padded..., 1) gives all of the
 * group's dW[:, c], reversed on the spatial axes, with the output
 * channels on the last axis (the engine's vectors run along it): valid
 * over N is the sum over the batch.  The batch is taken a few elements
 * at a time, a run's signal about 1 MiB (a cache's worth), one engine
 * per input channel and run, the runs summed in double.
 */
static void
convnd_dw(struct layer *l, const struct tp_tensor *xp,
    const struct tp_tensor *dzl, const struct tp_tensor *dz)
{
	struct convnd *c = l->state;
	const struct tp_tensor *W = &l->p[0];
	size_t cout = W->shape[0], cin = W->shape[1], N = dz->shape[0];
	size_t og = cout / (size_t)c->groups, kc = tail_count(W, 2);
	size_t dkc = 1, es, pc, qc, n, o, j, i, cn;
	size_t shape[6], *taps, n0, m, g;
	struct tp_conv **eng;
	struct tp_tensor *r;
	double *acc;
	char *kx;
	int a;

	es = tp_dtype_size(dz->dtype);
	pc = tail_count(xp, 3);
	qc = tail_count(dzl, 2);	/* qs... and og */
	for (a = 0; a < c->d; a++)
		dkc *= c->dk[a];
	taps = tp_emalloc(kc * sizeof *taps);
	for (i = 0; i < kc; i++) {
		size_t q = i, at = 0, stride = 1;

		for (a = c->d - 1; a >= 0; a--) {
			at += q % W->shape[2 + a] * c->dil[a] * stride;
			q /= W->shape[2 + a];
			stride *= c->dk[a];
		}
		taps[i] = dkc - 1 - at;		/* reversed */
	}
	cn = ((size_t)1 << 20) / (qc * es);
	cn = cn < 1 ? 1 : cn > N ? N : cn;
	kx = tp_emalloc(cin * cn * pc * es);
	acc = tp_emalloc(cin * og * dkc * sizeof *acc);
	eng = tp_emalloc(cin * sizeof *eng);
	r = tp_emalloc(cin * sizeof *r);
	l->g[0] = like(W);
	memcpy(shape + 1, xp->shape + 3, (size_t)c->d * sizeof *shape);
	shape[1 + c->d] = 1;
	for (g = 0; g < (size_t)c->groups; g++) {
		struct tp_tensor v = group_view(dzl, g);

		memset(acc, 0, cin * og * dkc * sizeof *acc);
		for (n0 = 0; n0 < N; n0 += cn) {
			struct tp_tensor part = v;

			/* the group's cin kernels over one run of dZl */
			m = N - n0 < cn ? N - n0 : cn;
			shape[0] = m;
			for (j = 0; j < cin; j++) {
				char *k = kx + j * cn * pc * es;

				for (n = 0; n < m; n++)
					memcpy(k + n * pc * es,
					    (char *)xp->data + ((g * N + n0 +
					    n) * cin + j) * pc * es, pc * es);
				eng[j] = engine_for(l->net, c->d + 2, shape, k,
				    1);
			}
			part.shape[0] = m;
			part.count = m * qc;
			part.nbytes = part.count * es;
			part.data = (char *)v.data + n0 * qc * es;
			tp_conv_run_many(eng, cin, &part, r);
			for (j = 0; j < cin; j++) {
				double *aj = acc + j * og * dkc;

				tp_conv_free(eng[j]);
				/* (1, dk..., og) */
				for (i = 0; i < og * dkc; i++)
					aj[i % og * dkc + i / og] +=
					    ld(&r[j], i);
				tp_free(&r[j]);
			}
		}
		for (j = 0; j < cin; j++)
			for (o = 0; o < og; o++)
				for (i = 0; i < kc; i++)
					st(&l->g[0], ((g * og + o) * cin + j) *
					    kc + i, acc[(j * og + o) * dkc +
					    taps[i]]);
	}
	free(r);
	free(eng);
	free(acc);
	free(kx);
	free(taps);
	if (l->np == 2) {
		struct db_job j = { dz, &l->g[1] };

		l->g[1] = like(&l->p[1]);
		grad_split(l->net, cout, DB_AT_ONCE, db_run, &j);
	}
}

/* dXp's channels j0 .. j0 + nj - 1, r[] (lengths pl[], pc elements),
 * cropped into dx. */
struct dx_job {
	const struct tp_tensor *r;
	size_t nj, j0, pc;
	const size_t *pl, *crop;
	struct tp_tensor *dx;
};

/* Images [lo, hi) of a dx_job. */
static void
dx_run(void *arg, size_t lo, size_t hi)
{
	const struct dx_job *j = arg;
	const struct tp_tensor *dx = j->dx;
	size_t C = dx->shape[1], inner = tail_count(dx, 2), n, q;
	size_t es = tp_dtype_size(dx->dtype), one[3] = { 1, 1, 1 };

	for (n = lo; n < hi; n++)
		for (q = 0; q < j->nj; q++)
			block_copy((char *)j->r[q].data + n * j->pc * es,
			    j->pl, j->crop, one, (char *)dx->data + (n * C +
			    j->j0 + q) * inner * es, dx->shape + 2,
			    dx->ndim - 2, es, 0);
}

static void
convnd_bwd(struct layer *l, const struct tp_tensor *x,
    const struct tp_tensor *z, const struct tp_tensor *dz,
    struct tp_tensor *dx)
{
	const struct tp_tensor *W = &l->p[0];
	struct convnd *c = engines(l);
	size_t cout = W->shape[0], cin = W->shape[1], og, N = x->shape[0];
	size_t qs[3], pc = 1, pl[3], n, j, C = x->shape[1];
	size_t cut[3], qx[3], crop[3];
	struct tp_tensor xp, dzp, dzl, *r;
	int a, in = 1;

	(void)z;
	og = cout / (size_t)c->groups;
	for (a = 0; a < c->d; a++) {
		pl[a] = x->shape[2 + a] + c->plo[a] + c->phi[a];
		qs[a] = pl[a] + c->dk[a] - 1;	/* full + 2 (dk - 1) */
		in &= c->plo[a] < c->dk[a] && c->phi[a] < c->dk[a];
	}
	/* dL/dX needs dXp inside the padding alone: when the padding is
	 * less than the dilated kernel, dZp less the first plo and the last
	 * phi of its zeros gives just that (the same sums over the same
	 * taps), else all of dXp is cropped */
	for (a = 0; a < c->d; a++) {
		cut[a] = in ? c->plo[a] : 0;
		qx[a] = qs[a] - (in ? c->plo[a] + c->phi[a] : 0);
		pl[a] = qx[a] - c->dk[a] + 1;	/* dX's or dXp's length */
		crop[a] = c->plo[a] - cut[a];
		pc *= pl[a];
	}
	grad_blas_rest(dz->nbytes);
	memset(&dzp, 0, sizeof dzp);
	/* one of dZl and dZp at a time: the second takes the first's
	 * memory */
	padded_dz(l->net, c, dz, og, qs, NULL, NULL, &dzl);
	padded_groups(l->net, c, x, &xp);
	convnd_dw(l, &xp, &dzl, dz);
	tp_free(&xp);
	tp_free(&dzl);
	if (dx != NULL)
		padded_dz(l->net, c, dz, og, qx, cut, &dzp, NULL);
	/* dXp[n, j] = Σ_o dZu[n, o] ∗ Wd[o, j], the valid convolution of
	 * dZp: the full one of dZu; then cropped */
	r = dx != NULL ? tp_emalloc(cin * sizeof *r) : NULL;
	if (dx != NULL)		/* written whole, crop by crop */
		*dx = fresh(x->dtype, x->ndim, x->shape);
	for (j = 0; dx != NULL && j < C; j += cin) {
		/* the group's cin kernels at once, their outputs cropped
		 * into dL/dX image by image on the threads */
		struct tp_tensor v = group_view(&dzp, j / cin);
		struct dx_job dj = { r, cin, j, pc, pl, crop, dx };

		tp_conv_run_many(c->bwd + j, cin, &v, r);
		grad_split(l->net, N, 1, dx_run, &dj);
		for (n = 0; n < cin; n++)
			tp_free(&r[n]);
	}
	free(r);
	tp_free(&dzp);
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
