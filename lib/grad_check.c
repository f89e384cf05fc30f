/*
 * grad_check.c - --check: each gradient of the last backward pass
 * against central differences of the loss, Richardson-extrapolated, with
 * an estimate of their own error and the relu kinks the steps cross, and
 * the line that reports it (grad.h).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "grad_impl.h"

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
	if ((why = grad_run_forward(net, &m)) != NULL)
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
			if ((ld(&base[i], e) > 0) !=
			    (ld(&net->act[i], e) > 0)) {
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

/*
 * The kinks' starting point: for each relu layer i, base[i] a float64
 * copy of its input and flip[i] a mark per element, all 0, for
 * kinks_crossed; the other layers' entries stay empty.
 */
static void
kinks_begin(struct tp_grad_net *net, struct tp_tensor *base,
    unsigned char **flip)
{
	int i;

	for (i = 0; i < net->n; i++)
		if (net->L[i].k->kinked) {
			base[i] = tp_converted(&net->act[i], TP_F8);
			flip[i] = tp_ecalloc(base[i].count + 1, 1);
		}
}

/* Add to r->kinks the relu inputs marked in flip[], and free base[] and
 * flip[] (kinks_begin's). */
static void
kinks_end(struct tp_grad_net *net, struct tp_tensor *base,
    unsigned char **flip, struct tp_grad_check *r)
{
	size_t e;
	int i;

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

/*
 * Into *best, the estimate of the derivative in element e of T (value
 * v) with the smallest error: the first step is 1e-5 max(|v|, 1), then
 * up to CHECK_STEPS in all while truncation is the larger error; a step
 * that crosses a relu kink ends the search (best->crossed when the
 * first did).
 */
static void
best_estimate(struct tp_grad_net *net, struct tp_tensor *T, size_t e,
    double v, struct tp_tensor *base, unsigned char **flip,
    struct estimate *best)
{
	struct estimate cur;
	int k;

	estimate(net, T, e, v, 1e-5 * fmax(fabs(v), 1), base, flip, best);
	/* While truncation is the larger error, move to the step
	 * where the two would balance: at step s, trunc scales by
	 * (s/h)^2 and round by h/s, and their sum is least at
	 * s = h cbrt(round / 2 trunc), below h.  Keep the estimate
	 * with the smallest error. */
	cur = *best;
	for (k = 1; k < CHECK_STEPS && !best->crossed &&
	    !(cur.trunc <= cur.round); k++) {
		double s = cur.h * cbrt(cur.round / (2 * cur.trunc));

		if (!(s >= cur.h / 64))	/* and when NaN */
			s = cur.h / 64;
		estimate(net, T, e, v, s, base, flip, &cur);
		if (cur.crossed)
			break;
		if (cur.trunc + cur.round < best->trunc + best->round ||
		    !(best->trunc + best->round >= 0))
			*best = cur;
	}
}

/*
 * Judge element e of gradient A, whose analytic value is a, against the
 * numeric estimate best at tolerance tol, into r: an element whose
 * steps crossed a kink counts in r->kinked (and r->kinked_worst), any
 * other in r->checked, and the worst of those is kept with where it is.
 */
static void
judge(struct tp_grad_check *r, const struct tp_tensor *A, size_t e,
    double a, const struct estimate *best, double tol)
{
	double nerr, d, err;

	nerr = best->trunc + best->round;
	d = fabs(a - best->num);
	/* a difference within what num itself may be wrong by is no
	 * error: the error is measured against the size where tol of
	 * it would be nerr, if that is larger */
	err = d == 0 ? 0 : d / fmax(fmax(fabs(a), fabs(best->num)),
	    nerr / tol);
	if (best->crossed) {
		r->kinked++;
		if (err > r->kinked_worst || isnan(err))
			r->kinked_worst = err;
		return;
	}
	/* a NaN anywhere is the worst, and stays so */
	if (r->checked++ == 0 || err > r->worst ||
	    (isnan(err) && !isnan(r->worst))) {
		r->worst = err;
		r->at = e;
		tp_index_str(A, e, r->where, sizeof r->where);
		r->analytic = a;
		r->numeric = best->num;
		r->numeric_err = nerr;
	}
}

void
tp_grad_check(struct tp_grad_net *net, int gi, double tol,
    struct tp_grad_check *r)
{
	struct tp_tensor *T, *A = tp_grad_tensor(net, gi);
	struct tp_tensor *base = tp_ecalloc((size_t)net->n + 1, sizeof *base);
	unsigned char **flip = tp_ecalloc((size_t)net->n + 1, sizeof *flip);
	size_t e;
	int l, j;
	double h0;

	if (net->dt != TP_F8 || A->data == NULL || !(tol > 0))
		tp_die("internal error: --check needs float64 gradients and "
		    "a tolerance above 0");
	if (gi == 0) {
		T = &net->act[0];
	} else {
		grad_locate(net, gi, &l, &j);
		T = &net->L[l].p[j];
	}
	(void)probe(net, &h0);	/* the activations backward freed */
	kinks_begin(net, base, flip);
	memset(r, 0, sizeof *r);
	for (e = 0; e < T->count; e++) {
		struct estimate best;
		double v = ld(T, e), a = ld(A, e);

		best_estimate(net, T, e, v, base, flip, &best);
		judge(r, A, e, a, &best, tol);
	}
	r->fails = !(r->worst <= tol);
	(void)probe(net, &h0);
	kinks_end(net, base, flip, r);
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
		grad_locate(net, i, &l, &j);
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
