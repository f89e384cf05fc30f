/*
 * grad_explain.c - --explain: the forward and backward equations of a
 * chain, from each layer's and the loss's templates with every tensor's
 * name and shape filled in (grad.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "grad_impl.h"

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
		/* a parameter left out (conv2d's bias): not its line */
		if (strcmp(names[3], "?") == 0 && (strstr(line, "$Q") ||
		    strstr(line, "$q")))
			continue;
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
		if (i < net->n && j < net->L[i].np) {
			names[2 + j] = net->L[i].gname[j];
			ts[2 + j] = &net->L[i].p[j];
		}
	}
	names[4] = "";
	ts[4] = NULL;
}

/* --reg: the term it adds to the loss (backward 0) or to the weights'
 * gradients (1), naming them. */
static void
reg_lines(const struct tp_grad_net *net, FILE *f, int backward)
{
	char sa[TP_GRAD_SHAPE_LEN];
	const char *sep = "";
	int i, j;

	if (net->reg == 0)
		return;
	if (backward) {
		fprintf(f, "  the regulariser, added to each weight's gradient "
		    "below: dL/dW += %s, λ = %g\n", net->reg == 2 ? "2 λ W" :
		    "λ sign(W)", net->lambda);
		return;
	}
	fprintf(f, "  + λ Σ %s over the weights (--reg L%d:%g):",
	    net->reg == 2 ? "W²" : "|W|", net->reg, net->lambda);
	if (backward)
		return;
	for (i = 0; i < net->n; i++)
		for (j = 0; j < net->L[i].np; j++)
			if (grad_is_weight(&net->L[i], j)) {
				fprintf(f, "%s %s %s", sep, net->L[i].gname[j],
				    shp(&net->L[i].p[j], sa));
				sep = ",";
			}
	fprintf(f, "%s\n", *sep ? "" : " none");
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
		/* the operand file, without key=value options */
		snprintf(yname, sizeof yname, "%s", strchr(net->lossword, ':') ?
		    strchr(net->lossword, ':') + 1 : "G");
		yname[strcspn(yname, ",")] = '\0';
		names[4] = yname;
		ts[4] = net->lop.data != NULL ? &net->lop : NULL;
		fprintf(f, "%s %s\n", net->loss == &grad_losses[NLOSSES] ?
		    "given" : "loss", net->lossword);
		expand_lines(f, net->loss->fwd_text, names, ts);
		if (net->loss->keys != NULL &&
		    strcmp(net->loss->keys, "delta") == 0)
			fprintf(f, "  δ = %g (delta=, 1 when not given)\n",
			    net->lossopt);
		if (net->reduce_sum && net->loss->opname != NULL &&
		    net->loss != &grad_losses[NLOSSES])
			fprintf(f, "  --reduction sum: the sum of the terms, "
			    "not their mean (R and N below are 1)\n");
		reg_lines(net, f, 0);
		fprintf(f, "backward, the chain rule from the loss down "
		    "(every dL/dT has T's shape):\n");
		if (net->loss != &grad_losses[NLOSSES])
			fprintf(f, "  dL/dL = 1\n");
		expand_lines(f, net->loss->bwd_text, names, ts);
		reg_lines(net, f, 1);
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
