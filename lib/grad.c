/*
 * grad.c - the net of the gradient engine (grad.h): layers appended with
 * their parameters, the loss or -g, the gradients' names, the forward and
 * the backward pass.  The layer kinds are in grad_layers.c, the losses in
 * grad_loss.c, parsing words in grad_parse.c, --check in grad_check.c,
 * --explain in grad_explain.c, and the structures and the tensor and
 * message helpers they all use in grad_impl.h.
 */
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

struct tp_grad_net *
tp_grad_new(enum tp_dtype dt, int threads)
{
	struct tp_grad_net *net = tp_ecalloc(1, sizeof *net);

	net->dt = dt;
	net->threads = threads < 1 ? 1 : threads;
	grad_blas_new(net);
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
		if (l->k->cleanup != NULL)
			l->k->cleanup(l);
		free(l->arg);
		for (j = 0; j < l->nopt; j++) {
			free(l->key[j]);
			free(l->val[j]);
		}
		for (j = 0; j < TP_GRAD_MAXOPERAND - TP_GRAD_MAXPARAM; j++)
			tp_free(&l->f[j]);
		free(l->state);
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

tp_why
tp_grad_add(struct tp_grad_net *net, const struct tp_grad_spec *s,
    const struct tp_tensor *ops, struct tp_msg *m)
{
	struct layer *l;
	const char *why;
	int j, norm;

	net->L = tp_erealloc(net->L, (size_t)(net->n + 1) * sizeof *net->L);
	net->act = tp_erealloc(net->act, (size_t)(net->n + 2) *
	    sizeof *net->act);
	memset(&net->act[net->n + 1], 0, sizeof net->act[0]);
	l = &net->L[net->n++];
	memset(l, 0, sizeof *l);
	l->k = grad_kind(s->kind);
	l->net = net;
	l->pos = net->n;
	l->word = tp_estrdup(s->word);
	l->cver = net->version;
	l->arg = s->arg != NULL ? tp_estrdup(s->arg) : NULL;
	for (j = 0; j < s->nopt; j++) {
		l->key[j] = tp_estrdup(s->key[j]);
		l->val[j] = tp_estrdup(s->val[j]);
	}
	l->nopt = s->nopt;
	l->np = l->k->nparam;
	if (l->k->optlast && ops[l->np - 1].data == NULL)
		l->np--;
	norm = l->np > 0 && strcmp(l->k->pname[0], "gamma") == 0;
	if (l->np > 0 && !norm)
		net->nparametric++;
	for (j = 0; j < l->np; j++) {
		snprintf(l->gname[j], sizeof l->gname[j], "%s%d",
		    l->k->pname[j], net->nparametric);
		for (int i = 0; norm && i + 1 < net->n; i++)
			if (strcmp(net->L[i].gname[j], l->gname[j]) == 0)
				return lmsg(m, l, "%s is layer %d's already: "
				    "one normalisation per weight layer, as "
				    "cs231n numbers them", l->gname[j], i + 1);
		if (tp_dtype_is_complex(ops[j].dtype))
			return lmsg(m, l, "%s is complex", l->gname[j]);
		l->p[j] = tp_converted(&ops[j], net->dt);
		if ((why = finite_msg(&l->p[j], l->gname[j], m)) != NULL)
			return lmsg(m, l, "%s", why);
	}
	for (j = l->k->nparam; j < s->noperand; j++) {
		struct tp_tensor *f = &l->f[j - l->k->nparam];

		if (ops[j].data == NULL)
			continue;
		if (tp_dtype_is_complex(ops[j].dtype))
			return lmsg(m, l, "%s is complex", s->operand[j]);
		*f = tp_converted(&ops[j], net->dt);
		if ((why = finite_msg(f, "an operand", m)) != NULL)
			return lmsg(m, l, "%s", why);
	}
	return l->k->params != NULL ? l->k->params(l, m) : NULL;
}

tp_why
tp_grad_set_loss(struct tp_grad_net *net, const struct tp_grad_spec *s,
    const struct tp_tensor *op, struct tp_msg *m)
{
	const char *why;
	size_t i;
	char ib[TP_GRAD_SHAPE_LEN];

	net->loss = grad_loss(s->kind);
	net->lossword = tp_estrdup(s->word);
	net->lossopt = 1;		/* huber's delta, as torch's */
	for (i = 0; i < (size_t)s->nopt; i++) {	/* "delta" alone */
		char *end;

		net->lossopt = strtod(s->val[i], &end);
		if (end == s->val[i] || *end != '\0' ||
		    !(net->lossopt > 0 && net->lossopt < HUGE_VAL))
			return tp_msgf(m, "loss %s: %s '%s' is not a number "
			    "above 0", s->word, s->key[i], s->val[i]);
	}
	if (op == NULL)
		return NULL;
	if (!net->loss->labels) {	/* a target */
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
		return tp_msgf(m, "loss %s: the labels are complex, not "
		    "integer classes", s->word);
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

tp_why
tp_grad_set_dldz(struct tp_grad_net *net, const struct tp_tensor *g,
    struct tp_msg *m)
{
	char sa[TP_GRAD_SHAPE_LEN];

	net->loss = &grad_losses[NLOSSES];
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
		n += net->L[i].np;
	return n;
}

tp_why
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
				return tp_msgf(m, "'%s' has an empty name: "
				    "this chain has %s (or none)",
				    tp_quote(list, strlen(list), q, sizeof q),
				    names);
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
void
grad_locate(const struct tp_grad_net *net, int i, int *li, int *pj)
{
	int l;

	for (l = 0, i--; l < net->n; l++) {
		if (i < net->L[l].np) {
			*li = l;
			*pj = i;
			return;
		}
		i -= net->L[l].np;
	}
	tp_die("internal error: no gradient %d", i);
}

const char *
tp_grad_name(const struct tp_grad_net *net, int i)
{
	int l, j;

	if (i == 0)
		return "X";
	grad_locate(net, i, &l, &j);
	return net->L[l].gname[j];
}

const struct tp_tensor *
tp_grad_param(const struct tp_grad_net *net, int i)
{
	int l, j;

	grad_locate(net, i, &l, &j);
	return &net->L[l].p[j];
}

struct tp_tensor *
tp_grad_tensor(struct tp_grad_net *net, int i)
{
	int l, j;

	if (i == 0)
		return &net->dx;
	grad_locate(net, i, &l, &j);
	return &net->L[l].g[j];
}

/* The forward pass from act[0]: every layer, then the loss. */
tp_why
grad_run_forward(struct tp_grad_net *net, struct tp_msg *m)
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
	if (net->loss != NULL) {
		double r, rm;

		why = net->loss->forward(net, &net->act[net->n], &net->lossv,
		    &net->lossmag, m);
		if (why != NULL)
			return why;
		r = grad_reg_loss(net, &rm);
		net->lossv += r;
		net->lossmag += rm;
	}
	return NULL;
}

tp_why
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
	if ((why = grad_run_forward(net, m)) != NULL)
		return why;
	tp_free(&net->lossout);
	net->lossout = tp_new(net->dt, 0, noshape);
	st(&net->lossout, 0, net->lossv);
	return NULL;
}

const struct tp_tensor *
tp_grad_output(const struct tp_grad_net *net)
{
	if (net->loss != NULL && net->loss != &grad_losses[NLOSSES])
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
		for (j = 0; j < net->L[i].np; j++, g++)
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
		/* layer i's output is read by no layer below it: its memory
		 * (with dL/dZ's) goes to the next layer's buffers; the
		 * last, the net's output, stays (tp_grad_output), and so
		 * do the shapes (--explain) */
		if (i + 1 < net->n)
			tp_free(&net->act[i + 1]);
	}
	if (lo == 0 && (want == NULL || want[0]))
		net->dx = dz;
	else
		tp_free(&dz);
	grad_reg_grad(net);
}
