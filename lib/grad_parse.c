/*
 * grad_parse.c - one command-line word of tgrad parsed into a
 * tp_grad_spec: which layer or loss it names (grad_kinds[] and the
 * families' tables, grad_losses[] and grad_losses2[]), its operand
 * files, its argument and its key=value options, with the messages for
 * an unknown name or the wrong items (grad.h), the first in a buffer of
 * its own (it lists every kind, longer than a tp_msg); and the lookups of
 * the kinds and the losses by index.
 */
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "grad_impl.h"

/* --- the tables ------------------------------------------------------- */

/* The families' tables, in the order of their indices. */
static const struct {
	const struct kind *k;
	int n;
} families[] = {
	{ grad_kinds, NKINDS }, { grad_act_kinds, NACT },
	{ grad_pool_kinds, NPOOL }, { grad_norm_kinds, NNORM },
	{ grad_convnd_kinds, NCONVND },
};

int
grad_nkinds(void)
{
	int n = 0;

	for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
		n += families[f].n;
	return n;
}

const struct kind *
grad_kind(int i)
{
	size_t f;

	for (f = 0; i >= families[f].n; f++)
		i -= families[f].n;
	return &families[f].k[i];
}

const struct loss_kind *
grad_loss(int i)
{
	return i < NLOSSES ? &grad_losses[i] : &grad_losses2[i - NLOSSES];
}

/* 1 if key is one of the space-separated words of list (NULL: none);
 * *slot becomes its position among them. */
static int
listed(const char *list, const char *key, int *slot)
{
	size_t n = strlen(key);
	int i = 0;

	for (; list != NULL && *list != '\0'; i++) {
		size_t w = strcspn(list, " ");

		if (w == n && strncmp(list, key, n) == 0) {
			*slot = i;
			return 1;
		}
		list += w;
		list += *list == ' ';
	}
	return 0;
}

/* --- parsing ---------------------------------------------------------- */

/* The message for a word whose items do not fit its kind. */
static tp_why
items_msg(struct tp_grad_spec *s, struct tp_msg *m, const char *fmt,
    const char *item)
{
	char text[sizeof m->text];

	snprintf(text, sizeof text, fmt, item);
	tp_msgf(m, "'%s': %s", s->word, text);
	tp_grad_spec_free(s);
	return m->text;
}

tp_why
tp_grad_parse(const char *word, struct tp_grad_spec *s, struct tp_msg *m)
{
	char *colon, *p, *item;
	const char *name = NULL, *argname = NULL, *keys = NULL,
	    *filekeys = NULL, *opname = NULL;
	int i, nfile = 0, slot, files = 0, optlast = 0, extra = 0;

	memset(s, 0, sizeof *s);
	s->word = tp_printable(word);
	s->buf = tp_estrdup(word);
	s->kind = -1;
	colon = strchr(s->buf, ':');
	if (colon != NULL)
		*colon = '\0';
	for (i = 0; i < grad_nkinds(); i++)
		if (strcmp(s->buf, grad_kind(i)->name) == 0) {
			const struct kind *k = grad_kind(i);

			s->kind = i;
			name = k->name;
			nfile = k->nparam;
			argname = k->argname;
			keys = k->keys;
			filekeys = k->filekeys;
			opname = nfile == 2 ? (k->optlast ? "W[,b]" : "W,b") :
			    k->pname[0];
			optlast = k->optlast;
		}
	for (i = 0; i < NLOSSES + NLOSSES2; i++)
		if (strcmp(s->buf, grad_loss(i)->name) == 0) {
			s->kind = i;
			s->is_loss = 1;
			name = grad_loss(i)->name;
			nfile = grad_loss(i)->opname != NULL;
			opname = grad_loss(i)->opname;
			keys = grad_loss(i)->keys;
		}
	if (s->kind < 0) {
		/* the list is longer than a tp_msg holds */
		static char unknown[sizeof m->text + sizeof TP_GRAD_LAYERS +
		    sizeof TP_GRAD_LOSSES];
		snprintf(unknown, sizeof unknown, "layer or loss '%.200s' is "
		    "not one of " TP_GRAD_LAYERS ", " TP_GRAD_LOSSES, s->word);
		tp_grad_spec_free(s);
		return unknown;
	}
	s->noperand = nfile;
	{	/* one slot per file option */
		int n = 0;
		const char *f = filekeys;

		for (; f != NULL && *f != '\0'; n++) {
			f += strcspn(f, " ");
			f += *f == ' ';
		}
		s->noperand += n;
	}
	for (p = colon != NULL ? colon + 1 : NULL; p != NULL; ) {
		char *eq;

		item = p;
		if ((p = strchr(p, ',')) != NULL)
			*p++ = '\0';
		if (*item == '\0' && files < nfile) {
			tp_msgf(m, "'%s' names an empty file", s->word);
			tp_grad_spec_free(s);
			return m->text;
		}
		if (*item == '\0')
			return items_msg(s, m, "an empty item%s", "");
		if ((eq = strchr(item, '=')) != NULL) {
			*eq = '\0';
			if (listed(filekeys, item, &slot)) {
				if (eq[1] == '\0')
					return items_msg(s, m, "%s= names an "
					    "empty file", item);
				s->operand[nfile + slot] = eq + 1;
				continue;
			}
			if (!listed(keys, item, &slot)) {
				*eq = '=';
				return items_msg(s, m, "'%s' is not an option "
				    "of this kind", item);
			}
			if (s->nopt == TP_GRAD_MAXOPT)
				return items_msg(s, m, "too many options%s",
				    "");
			s->key[s->nopt] = item;
			s->val[s->nopt++] = eq + 1;
			continue;
		}
		if (files < nfile) {
			s->operand[files++] = item;
			continue;
		}
		if (argname != NULL && s->arg == NULL) {
			s->arg = item;
			continue;
		}
		if (nfile == 0 && argname == NULL) {
			tp_msgf(m, "'%s': %s takes no operand", s->word, name);
			tp_grad_spec_free(s);
			return m->text;
		}
		if (argname == NULL) {	/* too many files */
			extra = 1;
			break;
		}
		return items_msg(s, m, "one item too many: '%s'", item);
	}
	if (extra || (files < nfile && !(optlast && files == nfile - 1))) {
		tp_msgf(m, "'%s': %s takes %s%d operand file%s, as %s:%s",
		    s->word, name, optlast ? "1 or " : "", nfile,
		    nfile == 1 ? "" : "s", name, opname);
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
