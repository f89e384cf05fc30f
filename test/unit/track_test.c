/*
 * track_test.c - the public library's arenas (lib/track.c): blocks of
 * two arenas and untracked ones, half freed in a scrambled order through
 * the table; tp_arena_free_all then frees exactly its arena's, realloc
 * keeps a block in its arena, release and forget untrack (under ASan
 * also: no double free, no leak).  Prints TAP.
 */
#include <stdint.h>
#include <stdlib.h>

#include "tpipe.h"
#include "tap.h"

void *tp_track_malloc(size_t);
void *tp_track_realloc(void *, size_t);
void tp_track_free(void *);
char *tp_track_strdup(const char *);

enum { N = 5000 };

static void *blk[N];
static int owner[N];		/* 0 untracked, 1 arena a, 2 arena b */

int
main(void)
{
	struct tp_arena a, b;
	uint32_t x = 12345;
	size_t na = 0, nb = 0;

	for (int i = 0; i < N; i++) {
		x = x * 1103515245 + 12345;
		owner[i] = (int)(x >> 16) % 3;
		tp_arena_enter(owner[i] == 1 ? &a : owner[i] == 2 ? &b : NULL);
		blk[i] = i % 7 ? tp_track_malloc(16 + i % 100) :
		    tp_track_strdup("block");
		if (i % 5 == 0)	/* grows in place or moves: same arena */
			blk[i] = tp_track_realloc(blk[i], 4000);
	}
	tp_arena_enter(NULL);
	for (int i = 0; i < N; i++) {	/* about half freed */
		x = x * 1103515245 + 12345;
		if ((x >> 16) & 1) {
			tp_track_free(blk[i]);
			blk[i] = NULL;
		}
		na += blk[i] && owner[i] == 1;
		nb += blk[i] && owner[i] == 2;
	}
	ok(na > 100 && nb > 100 && tp_arena_count(&a) == na &&
	    tp_arena_count(&b) == nb, "each arena holds its blocks not freed");
	if (owner[7] == 1 && blk[7])
		na--;
	tp_arena_release(blk[7]);	/* the caller's now */
	ok(tp_arena_count(&a) == na, "a released block leaves its arena");
	tp_arena_free_all(&a);		/* frees a's that are left */
	for (int i = 0; i < N; i++)
		if (blk[i] && owner[i] == 1 && i != 7)
			blk[i] = NULL;
	ok(tp_arena_count(&a) == 0 && tp_arena_count(&b) == nb,
	    "free_all frees its arena's blocks, and only those");
	tp_arena_forget(&b);		/* b's stay, now untracked */
	ok(tp_arena_count(&b) == 0, "forget untracks");
	for (int i = 0; i < N; i++)
		if (blk[i]) {
			tp_track_free(blk[i]);
			blk[i] = NULL;
		}
	tp_arena_enter(&a);
	blk[0] = tp_track_malloc(10);
	tp_arena_enter(NULL);
	blk[1] = tp_track_realloc(blk[0], 1 << 20);	/* moves */
	ok(tp_arena_count(&a) == 1, "a realloc'd block stays in its arena");
	tp_arena_free_all(&a);
	return tap_end();
}
