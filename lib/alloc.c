/*
 * alloc.c - allocators that never return NULL: they name the size they
 * could not get and exit.
 */
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"

void *
tp_emalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		tp_die("out of memory allocating %zu bytes", n);
	return p;
}

void *
tp_ecalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		tp_die("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

void *
tp_erealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		tp_die("out of memory allocating %zu bytes", n);
	return p;
}

char *
tp_estrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		tp_die("out of memory allocating %zu bytes", strlen(s) + 1);
	return p;
}

char *
tp_printable(const char *s)
{
	enum { CHUNK = 60 };	/* tp_quote cuts after 60 bytes, so */
	size_t n = strlen(s), k = 0;	/* each chunk is quoted whole */
	char *p = tp_emalloc(4 * n + 5);

	for (size_t i = 0; i < n; i += CHUNK) {
		size_t c = n - i < CHUNK ? n - i : CHUNK;

		tp_quote(s + i, c, p + k, 4 * c + 5);
		k += strlen(p + k);
	}
	p[k] = '\0';
	return p;
}
