/*
 * grad_parse.c - one command-line word of tgrad parsed into a
 * tp_grad_spec: which layer or loss it names (grad_kinds[],
 * grad_losses[]) and its operand files, with the messages for an
 * unknown name or the wrong operands (grad.h).
 */
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "grad_impl.h"

/* --- parsing ---------------------------------------------------------- */

tp_why
tp_grad_parse(const char *word, struct tp_grad_spec *s, struct tp_msg *m)
{
	char *colon, *p;
	int i, want = -1;

	memset(s, 0, sizeof *s);
	s->word = tp_printable(word);
	s->buf = tp_estrdup(word);
	s->kind = -1;
	colon = strchr(s->buf, ':');
	if (colon != NULL)
		*colon = '\0';
	for (i = 0; i < NKINDS; i++)
		if (strcmp(s->buf, grad_kinds[i].name) == 0) {
			s->kind = i;
			want = grad_kinds[i].nparam;
		}
	for (i = 0; i < NLOSSES; i++)
		if (strcmp(s->buf, grad_losses[i].name) == 0) {
			s->kind = i;
			s->is_loss = 1;
			want = grad_losses[i].opname != NULL;
		}
	if (s->kind < 0) {
		tp_msgf(m, "layer or loss '%s' is not one of " TP_GRAD_LAYERS
		    ", " TP_GRAD_LOSSES, s->word);
		tp_grad_spec_free(s);
		return m->text;
	}
	if (colon != NULL) {
		for (p = colon + 1; s->noperand < TP_GRAD_MAXPARAM; ) {
			s->operand[s->noperand++] = p;
			if ((p = strchr(p, ',')) == NULL)
				break;
			*p++ = '\0';
		}
		if (p != NULL)
			s->noperand++;	/* one too many: reported below */
	}
	for (i = 0; i < s->noperand && i < TP_GRAD_MAXPARAM; i++)
		if (*s->operand[i] == '\0')
			want = -2;
	if (s->noperand != want) {
		const char *name = s->is_loss ? grad_losses[s->kind].name :
		    grad_kinds[s->kind].name;

		if (want == -2)
			tp_msgf(m, "'%s' names an empty file", s->word);
		else if (want == 0)
			tp_msgf(m, "'%s': %s takes no operand", s->word, name);
		else
			tp_msgf(m, "'%s': %s takes %d operand file%s, as "
			    "%s:%s", s->word, name, want, want == 1 ? "" : "s",
			    name, s->is_loss ? grad_losses[s->kind].opname :
			    want == 2 ? "W,b" : grad_kinds[s->kind].pname[0]);
		tp_grad_spec_free(s);
		return m->text;
	}
	return NULL;
}

void
tp_grad_spec_free(struct tp_grad_spec *s)
{
	free(s->word);
	free(s->buf);
	s->word = s->buf = NULL;
}
