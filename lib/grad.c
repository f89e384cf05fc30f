/*
 * grad.c - forward and backward passes of layer chains (grad.h).
 *
 * Each layer kind is one entry of kinds[] below: a name, its parameters'
 * letters, a forward function (checks the incoming shape, allocates and
 * computes Z), a backward function (dL/dZ to dL/dX, and each parameter's
 * gradient summed to the parameter's shape), and two lines of text for
 * --explain; a smooth elementwise layer (sigmoid, tanh) is map_fwd and
 * map_bwd with its function and its derivative as a function of its
 * value.  Losses are the same in losses[].  Elementwise work is done
 * in double precision whatever the net's dtype (load, compute, store),
 * sums are accumulated in double; matrix products are BLAS sgemm/dgemm.
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tpipe.h"
#include "conv.h"
#include "grad_impl.h"

/* --- the net ---------------------------------------------------------- */

/* These are OpenBLAS's, not CBLAS's. */
void openblas_set_num_threads(int);
int openblas_get_num_threads(void);

struct tp_grad_net *
tp_grad_new(enum tp_dtype dt, int threads)
{
	static int blas_started;	/* OpenBLAS's threads at the start */
	struct tp_grad_net *net = tp_ecalloc(1, sizeof *net);

	net->dt = dt;
	net->threads = threads < 1 ? 1 : threads;
	/* no more than OpenBLAS started with (the CPUs, or
	 * OPENBLAS_NUM_THREADS): a thread it starts takes a buffer of
	 * BLAS_BUFFER bytes, which an address-space limit may not hold */
	if (blas_started == 0)
		blas_started = openblas_get_num_threads();
	openblas_set_num_threads(net->threads < blas_started ? net->threads :
	    blas_started);
	net->act = tp_ecalloc(1, sizeof *net->act);
	return net;
}

void
tp_grad_free(struct tp_grad_net *net)
{
	int i, j;

	if (net == NULL)
		return;
	for (i = 0; i < net->n; i++) {
		struct layer *l = &net->L[i];

		for (j = 0; j < TP_GRAD_MAXPARAM; j++) {
			tp_free(&l->p[j]);
			tp_free(&l->g[j]);
		}
		tp_conv_free(l->cf);
		tp_conv_free(l->cb);
		free(l->word);
	}
	for (i = 0; i <= net->n; i++)
		tp_free(&net->act[i]);
	free(net->act);
	free(net->L);
	tp_free(&net->lop);
	tp_free(&net->lossout);
	tp_free(&net->dx);
	free(net->lossword);
	free(net);
}

const char *
tp_grad_add(struct tp_grad_net *net, const struct tp_grad_spec *s,
    const struct tp_tensor *ops, struct tp_msg *m)
{
	struct layer *l;
	const char *why;
	int j;

	net->L = tp_erealloc(net->L, (size_t)(net->n + 1) * sizeof *net->L);
	net->act = tp_erealloc(net->act, (size_t)(net->n + 2) *
	    sizeof *net->act);
	memset(&net->act[net->n + 1], 0, sizeof net->act[0]);
	l = &net->L[net->n++];
	memset(l, 0, sizeof *l);
	l->k = &kinds[s->kind];
	l->net = net;
	l->pos = net->n;
	l->word = tp_estrdup(s->word);
	l->cver = net->version;
	if (l->k->nparam > 0)
		net->nparametric++;
	for (j = 0; j < l->k->nparam; j++) {
		snprintf(l->gname[j], sizeof l->gname[j], "%s%d",
		    l->k->pname[j], net->nparametric);
		if (tp_dtype_is_complex(ops[j].dtype))
			return lmsg(m, l, "%s is complex", l->gname[j]);
		l->p[j] = tp_converted(&ops[j], net->dt);
		if ((why = finite_msg(&l->p[j], l->gname[j], m)) != NULL)
			return lmsg(m, l, "%s", why);
	}
	return l->k->params != NULL ? l->k->params(l, m) : NULL;
}

const char *
tp_grad_set_loss(struct tp_grad_net *net, const struct tp_grad_spec *s,
    const struct tp_tensor *op, struct tp_msg *m)
{
	const char *why;
	size_t i;
	char ib[TP_GRAD_SHAPE_LEN];

	net->loss = &losses[s->kind];
	net->lossword = tp_estrdup(s->word);
	if (op == NULL)
		return NULL;
	if (net->loss->forward != xent_fwd) {	/* mse's target */
		char text[sizeof m->text];

		if (tp_dtype_is_complex(op->dtype))
			return tp_msgf(m, "loss %s: the target is complex",
			    s->word);
		net->lop = tp_converted(op, net->dt);
		if ((why = finite_msg(&net->lop, "the target", m)) == NULL)
			return NULL;
		snprintf(text, sizeof text, "%s", why);
		return tp_msgf(m, "loss %s: %s", s->word, text);
	}
	if (tp_dtype_is_complex(op->dtype))
		return tp_msgf(m, "loss %s: the labels are complex, not integer "
		    "classes", s->word);
	net->lop = tp_converted(op, TP_F8);
	for (i = 0; i < net->lop.count; i++) {
		double v = ((double *)net->lop.data)[i];

		if (!(v == floor(v) && v >= 0 && v < 9e18))
			return tp_msgf(m, "loss %s: label %.17g at %s is not a "
			    "class (an integer from 0)", s->word, v,
			    tp_index_str(&net->lop, i, ib, sizeof ib));
	}
	{
		struct tp_tensor t = tp_converted(&net->lop, TP_I8);

		tp_free(&net->lop);
		net->lop = t;
	}
	return NULL;
}

const char *
tp_grad_set_dldz(struct tp_grad_net *net, const struct tp_tensor *g,
    struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN];

	net->loss = &losses[NLOSSES];
	net->lossword = tp_estrdup("-g");
	if (tp_dtype_is_complex(g->dtype))
		return tp_msgf(m, "dL/dZ %s is complex (%s)", shp(g, sa),
		    tp_dtype_name(g->dtype));
	net->lop = tp_converted(g, net->dt);
	return finite_msg(&net->lop, "dL/dZ", m);
}

int
tp_grad_has_loss(const struct tp_grad_net *net)
{
	return net->loss != NULL;
}

int
tp_grad_count(const struct tp_grad_net *net)
{
	int i, n = 1;

	for (i = 0; i < net->n; i++)
		n += net->L[i].k->nparam;
	return n;
}

const char *
tp_grad_select(const struct tp_grad_net *net, const char *list,
    unsigned char *want, struct tp_msg *m)
{
	const char *p = list, *end;
	int i, n = tp_grad_count(net);
	size_t len;

	memset(want, 0, (size_t)n);
	if (strcmp(list, "none") == 0)
		return NULL;
	for (;; p = end + 1) {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < n; i++)
			if (strlen(tp_grad_name(net, i)) == len &&
			    strncmp(p, tp_grad_name(net, i), len) == 0)
				break;
		if (i == n) {
			char names[sizeof m->text];
			size_t k = 0;

			for (i = 0; i < n && k < sizeof names; i++)
				k += (size_t)snprintf(names + k,
				    sizeof names - k, "%s%s", i ? ", " : "",
				    tp_grad_name(net, i));
			char q[200];	/* one line, whatever list holds */

			if (len == 0)
				return tp_msgf(m, "'%s' has an empty name: this "
				    "chain has %s (or none)", tp_quote(list,
				    strlen(list), q, sizeof q), names);
			for (i = 0; i < n; i++)	/* "B1" for "b1", "x" */
				if (strlen(tp_grad_name(net, i)) == len &&
				    strncasecmp(p, tp_grad_name(net, i),
				    len) == 0)
					return tp_msgf(m, "no gradient '%s' "
					    "(names keep their case: '%s'): "
					    "this chain has %s", tp_quote(p,
					    len, q, sizeof q),
					    tp_grad_name(net, i), names);
			return tp_msgf(m, "no gradient '%s': this chain has "
			    "%s", tp_quote(p, len, q, sizeof q), names);
		}
		want[i] = 1;
		if (end == NULL)
			return NULL;
	}
}

/* Gradient i >= 1 as layer *li's parameter *pj. */
static void
locate(const struct tp_grad_net *net, int i, int *li, int *pj)
{
	int l;

	for (l = 0, i--; l < net->n; l++) {
		if (i < net->L[l].k->nparam) {
			*li = l;
			*pj = i;
			return;
		}
		i -= net->L[l].k->nparam;
	}
	tp_die("internal error: no gradient %d", i);
}

const char *
tp_grad_name(const struct tp_grad_net *net, int i)
{
	int l, j;

	if (i == 0)
		return "X";
	locate(net, i, &l, &j);
	return net->L[l].gname[j];
}

struct tp_tensor *
tp_grad_tensor(struct tp_grad_net *net, int i)
{
	int l, j;

	if (i == 0)
		return &net->dx;
	locate(net, i, &l, &j);
	return &net->L[l].g[j];
}

/* The forward pass from act[0]: every layer, then the loss. */
static const char *
run_forward(struct tp_grad_net *net, struct tp_msg *m)
{
	const char *why;
	int i;

	for (i = 0; i < net->n; i++) {
		tp_free(&net->act[i + 1]);
		why = net->L[i].k->forward(&net->L[i], &net->act[i],
		    &net->act[i + 1], m);
		if (why != NULL)
			return why;
	}
	if (net->loss != NULL)
		return net->loss->forward(net, &net->act[net->n], &net->lossv,
		    &net->lossmag, m);
	return NULL;
}

const char *
tp_grad_forward(struct tp_grad_net *net, struct tp_tensor *x,
    struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN];
	const char *why;
	size_t noshape[1] = { 0 };

	tp_free(&net->act[0]);
	if (tp_dtype_is_complex(x->dtype)) {
		why = tp_msgf(m, "X %s is complex (%s): the layers are real",
		    shp(x, sa), tp_dtype_name(x->dtype));
		tp_free(x);
		memset(x, 0, sizeof *x);
		return why;
	}
	if (x->dtype == net->dt) {
		net->act[0] = *x;
	} else {
		net->act[0] = tp_converted(x, net->dt);
		tp_free(x);
	}
	memset(x, 0, sizeof *x);
	if ((why = finite_msg(&net->act[0], "X", m)) != NULL)
		return why;
	if ((why = run_forward(net, m)) != NULL)
		return why;
	tp_free(&net->lossout);
	net->lossout = tp_new(net->dt, 0, noshape);
	st(&net->lossout, 0, net->lossv);
	return NULL;
}

const struct tp_tensor *
tp_grad_output(const struct tp_grad_net *net)
{
	if (net->loss != NULL && net->loss != &losses[NLOSSES])
		return &net->lossout;
	return &net->act[net->n];
}

double
tp_grad_loss(const struct tp_grad_net *net)
{
	return net->lossv;
}

void
tp_grad_backward(struct tp_grad_net *net, const unsigned char *want)
{
	struct tp_tensor dz, dx;
	int i, j, lo, g;

	if (net->loss == NULL)
		tp_die("internal error: backward without a loss");
	tp_free(&net->dx);
	for (i = 0; i < net->n; i++)
		for (j = 0; j < TP_GRAD_MAXPARAM; j++)
			tp_free(&net->L[i].g[j]);
	/* the lowest layer whose backward pass is needed */
	lo = net->n;
	if (want == NULL || want[0])
		lo = 0;
	for (i = 0, g = 1; i < net->n && lo == net->n; i++)
		for (j = 0; j < net->L[i].k->nparam; j++, g++)
			if (want[g] && lo == net->n)
				lo = i;
	net->loss->backward(net, &net->act[net->n], &dz);
	for (i = net->n - 1; i >= lo; i--) {
		int need = i > lo || want == NULL || want[0];

		memset(&dx, 0, sizeof dx);
		net->L[i].k->backward(&net->L[i], &net->act[i],
		    &net->act[i + 1], &dz, need ? &dx : NULL);
		tp_free(&dz);
		dz = dx;
	}
	if (lo == 0 && (want == NULL || want[0]))
		net->dx = dz;
	else
		tp_free(&dz);
}

/* --- checking --------------------------------------------------------- */

const char *
tp_grad_band(double err)
{
	if (!(err <= 1e-2))
		return "wrong (> 1e-2)";
	if (err > 1e-4)
		return "uncomfortable (1e-4 .. 1e-2)";
	if (err > 1e-7)
		return "ok only with kinks (1e-7 .. 1e-4)";
	return "good (< 1e-7)";
}

/* The forward pass after a parameter or X changed; dies on a message
 * (the shapes did not change, so none can come). */
static double
probe(struct tp_grad_net *net, double *mag)
{
	struct tp_msg m;
	const char *why;

	net->version++;
	if ((why = run_forward(net, &m)) != NULL)
		tp_die("internal error in --check: %s", why);
	*mag = net->lossmag;
	return net->lossv;
}

/* Mark in flip[] the inputs of relu layers whose sign differs from
 * base[] (copies made before the steps); returns how many differ. */
static size_t
kinks_crossed(struct tp_grad_net *net, struct tp_tensor *base,
    unsigned char **flip)
{
	size_t n = 0, e;
	int i;

	for (i = 0; i < net->n; i++) {
		if (!net->L[i].k->kinked)
			continue;
		for (e = 0; e < base[i].count; e++)
			if ((ld(&base[i], e) > 0) != (ld(&net->act[i], e) > 0)) {
				flip[i][e] = 1;
				n++;
			}
	}
	return n;
}

/*
 * The central difference (L(v + h) - L(v - h)) / (the step taken) of the
 * loss in element e of T, whose value is v (left so).  *mag becomes the
 * largest magnitude of the loss's terms so far (the scale of its
 * rounding error) and *crossed counts the relu inputs either probe moved
 * across 0 (kinks_crossed, against base).
 */
static double
difference(struct tp_grad_net *net, struct tp_tensor *T, size_t e, double v,
    double h, struct tp_tensor *base, unsigned char **flip, double *mag,
    size_t *crossed)
{
	double lp, lm, m;

	st(T, e, v + h);
	lp = probe(net, &m);
	*mag = fmax(*mag, m);
	*crossed += kinks_crossed(net, base, flip);
	st(T, e, v - h);
	lm = probe(net, &m);
	*mag = fmax(*mag, m);
	*crossed += kinks_crossed(net, base, flip);
	st(T, e, v);
	return (lp - lm) / ((v + h) - (v - h));
}

/* A numeric derivative and what it may be off by. */
struct estimate {
	double h;		/* the larger step */
	double num;		/* the derivative */
	double trunc, round;	/* its truncation and rounding errors */
	size_t crossed;		/* relu kinks the probes crossed */
};

/*
 * The derivative of the loss in element e of T (value v) from central
 * differences d1 and d2 at steps h and h/2.  They are the derivative
 * plus c h^2 and c h^2 / 4 (and smaller terms), so Richardson's
 * d2 + (d2 - d1) / 3 cancels the h^2 term; what truncation error it
 * keeps is below d2's, |d1 - d2| / 3.  Each loss is within 16 eps of the
 * magnitude of its terms, so d1 is within that over h, d2 within twice
 * it, and the extrapolation within 3 times it.
 */
static void
estimate(struct tp_grad_net *net, struct tp_tensor *T, size_t e, double v,
    double h, struct tp_tensor *base, unsigned char **flip,
    struct estimate *est)
{
	double mag = 0, d1, d2;

	est->h = h;
	est->crossed = 0;
	d1 = difference(net, T, e, v, h, base, flip, &mag, &est->crossed);
	d2 = difference(net, T, e, v, h / 2, base, flip, &mag, &est->crossed);
	est->num = d2 + (d2 - d1) / 3;
	est->trunc = fabs(d2 - d1) / 3;
	est->round = 48 * DBL_EPSILON * mag / h;
}

/* Steps tried per element at most: the first, and smaller ones while
 * the truncation error is the larger. */
#define CHECK_STEPS 4

void
tp_grad_check(struct tp_grad_net *net, int gi, double tol,
    struct tp_grad_check *r)
{
	struct tp_tensor *T, *A = tp_grad_tensor(net, gi);
	struct tp_tensor *base = tp_ecalloc((size_t)net->n + 1, sizeof *base);
	unsigned char **flip = tp_ecalloc((size_t)net->n + 1, sizeof *flip);
	size_t e;
	int i, l, j;
	double h0;

	if (net->dt != TP_F8 || A->data == NULL || !(tol > 0))
		tp_die("internal error: --check needs float64 gradients and "
		    "a tolerance above 0");
	if (gi == 0) {
		T = &net->act[0];
	} else {
		locate(net, gi, &l, &j);
		T = &net->L[l].p[j];
	}
	for (i = 0; i < net->n; i++)
		if (net->L[i].k->kinked) {
			base[i] = tp_converted(&net->act[i], TP_F8);
			flip[i] = tp_ecalloc(base[i].count + 1, 1);
		}
	memset(r, 0, sizeof *r);
	for (e = 0; e < T->count; e++) {
		struct estimate best, cur;
		double v = ld(T, e), a = ld(A, e), nerr, d, err;
		int k;

		estimate(net, T, e, v, 1e-5 * fmax(fabs(v), 1), base, flip,
		    &best);
		/* While truncation is the larger error, move to the step
		 * where the two would balance: at step s, trunc scales by
		 * (s/h)^2 and round by h/s, and their sum is least at
		 * s = h cbrt(round / 2 trunc), below h.  Keep the estimate
		 * with the smallest error. */
		cur = best;
		for (k = 1; k < CHECK_STEPS && !best.crossed &&
		    !(cur.trunc <= cur.round); k++) {
			double s = cur.h * cbrt(cur.round / (2 * cur.trunc));

			if (!(s >= cur.h / 64))	/* and when NaN */
				s = cur.h / 64;
			estimate(net, T, e, v, s, base, flip, &cur);
			if (cur.crossed)
				break;
			if (cur.trunc + cur.round < best.trunc + best.round ||
			    !(best.trunc + best.round >= 0))
				best = cur;
		}
		nerr = best.trunc + best.round;
		d = fabs(a - best.num);
		/* a difference within what num itself may be wrong by is no
		 * error: the error is measured against the size where tol of
		 * it would be nerr, if that is larger */
		err = d == 0 ? 0 : d / fmax(fmax(fabs(a), fabs(best.num)),
		    nerr / tol);
		if (best.crossed) {
			r->kinked++;
			if (err > r->kinked_worst || isnan(err))
				r->kinked_worst = err;
			continue;
		}
		/* a NaN anywhere is the worst, and stays so */
		if (r->checked++ == 0 || err > r->worst ||
		    (isnan(err) && !isnan(r->worst))) {
			r->worst = err;
			r->at = e;
			tp_index_str(A, e, r->where, sizeof r->where);
			r->analytic = a;
			r->numeric = best.num;
			r->numeric_err = nerr;
		}
	}
	r->fails = !(r->worst <= tol);
	(void)probe(net, &h0);
	for (i = 0; i < net->n; i++) {
		if (flip[i] != NULL)
			for (e = 0; e < base[i].count; e++)
				r->kinks += flip[i][e];
		free(flip[i]);
		tp_free(&base[i]);
	}
	free(flip);
	free(base);
}

void
tp_grad_check_print(FILE *f, const struct tp_grad_net *net, int i,
    const struct tp_grad_check *r)
{
	char sa[TP_GRAD_SHAPE_LEN];

	int l, j;

	if (i == 0) {
		shp(&net->act[0], sa);
	} else {
		locate(net, i, &l, &j);
		shp(&net->L[l].p[j], sa);
	}
	fprintf(f, "  dL/d%s %s: ", tp_grad_name(net, i), sa);
	if (r->checked == 0)
		fprintf(f, "no element checked");
	else
		fprintf(f, "worst relative error %.2g at %s (analytic %.9g, "
		    "numeric %.9g ± %.1g), %s", r->worst, r->where,
		    r->analytic, r->numeric, r->numeric_err,
		    tp_grad_band(r->worst));
	fprintf(f, "; %zu relu input%s within a step of 0", r->kinks,
	    r->kinks == 1 ? "" : "s");
	if (r->kinked)
		fprintf(f, " (%zu element%s crossing a kink left out, their "
		    "worst %.2g)", r->kinked, r->kinked == 1 ? "" : "s",
		    r->kinked_worst);
	fprintf(f, "%s\n", r->fails ? ": FAILS" : "");
}

/* --- explaining ------------------------------------------------------- */

/* Print template s with $I $O $P $Q (name and shape) and $i $o $p $q
 * (name) filled in; $Y/$y is the loss operand. */
static void
expand(FILE *f, const char *s, const char *names[5],
    const struct tp_tensor *ts[5])
{
	char sa[TP_GRAD_SHAPE_LEN];
	static const char keys[] = "iopqy";
	const char *k;

	for (; *s != '\0'; s++) {
		if (*s != '$' || s[1] == '\0' ||
		    (k = strchr(keys, s[1] | 0x20)) == NULL) {
			fputc(*s, f);
			continue;
		}
		s++;
		fputs(names[k - keys], f);
		if (*s >= 'A' && *s <= 'Z' && ts[k - keys] != NULL)
			fprintf(f, " %s", shp(ts[k - keys], sa));
	}
}

/* Print each line of template s, indented. */
static void
expand_lines(FILE *f, const char *s, const char *names[5],
    const struct tp_tensor *ts[5])
{
	char *copy = tp_estrdup(s), *line, *save = NULL;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		fputs("  ", f);
		expand(f, line, names, ts);
		fputc('\n', f);
	}
	free(copy);
}

/* The names and tensors of layer i's templates; bufs holds the names. */
static void
layer_names(const struct tp_grad_net *net, int i, char bufs[5][32],
    const char *names[5], const struct tp_tensor *ts[5])
{
	int j;

	snprintf(bufs[0], 32, i == 0 ? "X" : "Z%d", i);
	snprintf(bufs[1], 32, "Z%d", i + 1);
	names[0] = bufs[0];
	names[1] = bufs[1];
	ts[0] = &net->act[i];
	ts[1] = i < net->n ? &net->act[i + 1] : NULL;
	for (j = 0; j < 2; j++) {
		names[2 + j] = "?";
		ts[2 + j] = NULL;
		if (i < net->n && j < net->L[i].k->nparam) {
			names[2 + j] = net->L[i].gname[j];
			ts[2 + j] = &net->L[i].p[j];
		}
	}
	names[4] = "";
	ts[4] = NULL;
}

void
tp_grad_explain(const struct tp_grad_net *net, FILE *f)
{
	char sa[TP_GRAD_SHAPE_LEN];
	char bufs[5][32], yname[300];
	const char *names[5];
	const struct tp_tensor *ts[5];
	int i;

	fprintf(f, "forward, layer by layer (batch first; X %s):\n",
	    shp(&net->act[0], sa));
	for (i = 0; i < net->n; i++) {
		layer_names(net, i, bufs, names, ts);
		fprintf(f, "%d. %s\n", i + 1, net->L[i].word);
		expand_lines(f, net->L[i].k->fwd_text, names, ts);
	}
	if (net->loss != NULL) {
		layer_names(net, net->n, bufs, names, ts);
		names[0] = net->n == 0 ? "X" : bufs[0];
		snprintf(yname, sizeof yname, "%s", strchr(net->lossword, ':') ?
		    strchr(net->lossword, ':') + 1 : "G");
		names[4] = yname;
		ts[4] = net->lop.data != NULL ? &net->lop : NULL;
		fprintf(f, "%s %s\n", net->loss == &losses[NLOSSES] ?
		    "given" : "loss", net->lossword);
		expand_lines(f, net->loss->fwd_text, names, ts);
		fprintf(f, "backward, the chain rule from the loss down "
		    "(every dL/dT has T's shape):\n");
		if (net->loss != &losses[NLOSSES])
			fprintf(f, "  dL/dL = 1\n");
		expand_lines(f, net->loss->bwd_text, names, ts);
	} else {
		fprintf(f, "backward: needs a loss or -g (dL/dZ%d)\n", net->n);
		return;
	}
	for (i = net->n - 1; i >= 0; i--) {
		layer_names(net, i, bufs, names, ts);
		fprintf(f, "%d. %s\n", i + 1, net->L[i].word);
		expand_lines(f, net->L[i].k->bwd_text, names, ts);
	}
}
