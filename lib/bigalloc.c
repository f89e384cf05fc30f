/*
 * bigalloc.c - large buffers on huge pages (tp_big_alloc, tpipe.h).
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "tpipe.h"

void *
tp_big_alloc(size_t n)
{
	void *p;
	size_t huge = (size_t)2 << 20;

	if (n < 2 * huge)
		return tp_emalloc(n ? n : 1);
	if (n > SIZE_MAX - huge)
		tp_die("out of memory allocating %zu bytes", n);
	n = (n + huge - 1) / huge * huge;
	if (posix_memalign(&p, huge, n) != 0)
		tp_die("out of memory allocating %zu bytes", n);
	madvise(p, n, MADV_HUGEPAGE);
	return p;
}
