/*
 * track.c - the public library's allocation tracking (tpipe.h: arenas).
 *
 * The public library's copy of lib/ (the Makefile's libtpipe.so and
 * installed libtpipe.a) has every call to malloc, calloc, realloc, free,
 * strdup and posix_memalign renamed to the tp_track_ functions below
 * (objcopy --redefine-syms=mk/libtpipe.redefine), so that what a call
 * allocated can be freed when it dies under a catch.  While a thread has
 * an arena entered, the blocks it allocates are recorded in that arena;
 * a free removes its block from whichever arena holds it (any thread).
 * The tools' build has no renaming, and these functions are unused there.
 *
 * One table for every arena: a block's address -> its arena, open
 * addressing with linear probing, under one mutex.  Nothing is looked up
 * while no block is tracked (ntracked 0), so code that runs outside the
 * public entry points pays one atomic load per free.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"

struct slot {
	void *p;			/* NULL: empty */
	struct tp_arena *a;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot *table;
static size_t size;			/* slots, a power of two, or 0 */
static size_t ntracked;			/* atomic reads outside the lock */
static __thread struct tp_arena *current;

static size_t
hash(const void *p)
{
	uintptr_t x = (uintptr_t)p;

	x ^= x >> 33;
	x *= (uintptr_t)0xff51afd7ed558ccdULL;
	x ^= x >> 29;
	return (size_t)x & (size - 1);
}

/* Put p in a table of size slots with room (the lock held). */
static void
put(void *p, struct tp_arena *a)
{
	size_t i = hash(p);

	while (table[i].p)
		i = (i + 1) & (size - 1);
	table[i].p = p;
	table[i].a = a;
}

/* Double the table; 0 if there is no memory for it (p then untracked:
 * it is leaked, never freed twice, if its call dies). */
static int
grow(void)
{
	struct slot *old = table;
	size_t n = size, want = size ? 2 * size : 1024;
	struct slot *t = calloc(want, sizeof *t);

	if (!t)
		return 0;
	table = t;
	size = want;
	for (size_t i = 0; i < n; i++)
		if (old[i].p)
			put(old[i].p, old[i].a);
	free(old);
	return 1;
}

static void
track(void *p, struct tp_arena *a)
{
	pthread_mutex_lock(&lock);
	if (2 * (ntracked + 1) <= size || grow()) {
		put(p, a);
		__atomic_store_n(&ntracked, ntracked + 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&lock);
}

/* Remove slot i, moving later entries of its run back (the lock held). */
static void
remove_slot(size_t i)
{
	size_t j = i;

	table[i].p = NULL;
	for (;;) {
		size_t k;

		j = (j + 1) & (size - 1);
		if (!table[j].p)
			break;
		k = hash(table[j].p);
		/* the entry at j may move to i if its home k is not in
		 * (i, j] cyclically */
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i &&
		    k > j)) {
			table[i] = table[j];
			table[j].p = NULL;
			i = j;
		}
	}
	__atomic_store_n(&ntracked, ntracked - 1, __ATOMIC_RELEASE);
}

/* Forget p; returns its arena, or NULL if it was not tracked. */
static struct tp_arena *
untrack(const void *p)
{
	struct tp_arena *a = NULL;

	if (!p || __atomic_load_n(&ntracked, __ATOMIC_ACQUIRE) == 0)
		return NULL;
	pthread_mutex_lock(&lock);
	if (size > 0)
		for (size_t i = hash(p); table[i].p; i = (i + 1) & (size - 1))
			if (table[i].p == p) {
				a = table[i].a;
				remove_slot(i);
				break;
			}
	pthread_mutex_unlock(&lock);
	return a;
}

struct tp_arena *
tp_arena_enter(struct tp_arena *a)
{
	struct tp_arena *prev = current;

	current = a;
	return prev;
}

void
tp_arena_release(const void *p)
{
	untrack(p);
}

/* Forget every block of a, freeing each if dofree. */
static void
empty(struct tp_arena *a, int dofree)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < size; ) {
		if (table[i].p && table[i].a == a) {
			void *p = table[i].p;

			remove_slot(i);	/* may move another entry to i */
			if (dofree)
				free(p);
			continue;
		}
		i++;
	}
	pthread_mutex_unlock(&lock);
}

void
tp_arena_free_all(struct tp_arena *a)
{
	empty(a, 1);
}

void
tp_arena_forget(struct tp_arena *a)
{
	empty(a, 0);
}

size_t
tp_arena_count(struct tp_arena *a)
{
	size_t n = 0;

	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < size; i++)
		n += table[i].p && table[i].a == a;
	pthread_mutex_unlock(&lock);
	return n;
}

void *
tp_track_malloc(size_t n)
{
	void *p = malloc(n);

	if (p && current)
		track(p, current);
	return p;
}

void *
tp_track_calloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p && current)
		track(p, current);
	return p;
}

void *
tp_track_realloc(void *old, size_t n)
{
	struct tp_arena *a = untrack(old);
	void *p = realloc(old, n);

	if (!p) {			/* old is still there */
		if (a)
			track(old, a);
		return NULL;
	}
	if (a || current)
		track(p, a ? a : current);
	return p;
}

void
tp_track_free(void *p)
{
	untrack(p);
	free(p);
}

char *
tp_track_strdup(const char *s)
{
	char *p = strdup(s);

	if (p && current)
		track(p, current);
	return p;
}

int
tp_track_posix_memalign(void **p, size_t align, size_t n)
{
	int e = posix_memalign(p, align, n);

	if (e == 0 && current)
		track(*p, current);
	return e;
}
