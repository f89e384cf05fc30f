/*
 * permute_test.c - unit tests of tp_permute_plan / tp_permute_run
 * (lib/permute.c) against a naive loop: random shapes of 0 to 8 axes
 * (scalars, zero-size, axes of length 1, long thin axes), random
 * permutations, every element size the tools use and odd ones, the
 * blocks run whole and in random ranges.  Prints TAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "tap.h"

static unsigned long long rng_state = 88172645463325252ULL;

/* xorshift64: deterministic test data. */
static unsigned long long
next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The definition: out[j] = in[i] where output index j_k = input index
 * i_perm[k], walked with an odometer over the output. */
static void
naive(unsigned char *dst, const unsigned char *src, size_t esz, int ndim,
    const size_t *shape, const int *perm)
{
	size_t count = 1, istr[TP_MAXDIM], idx[TP_MAXDIM] = { 0 };

	for (int i = ndim - 1; i >= 0; i--) {
		istr[i] = count;
		count *= shape[i];
	}
	for (size_t o = 0; o < count; o++) {
		size_t off = 0;

		for (int k = 0; k < ndim; k++)
			off += idx[k] * istr[perm[k]];
		memcpy(dst + o * esz, src + off * esz, esz);
		for (int k = ndim - 1; k >= 0; k--) {
			if (++idx[k] < shape[perm[k]])
				break;
			idx[k] = 0;
		}
	}
}

/* A random shape of ndim axes with at most about maxcount elements;
 * sometimes a zero, often ones, sometimes one long axis. */
static void
random_shape(int ndim, size_t *shape, size_t maxcount)
{
	size_t count = 1;

	for (int i = 0; i < ndim; i++) {
		unsigned r = (unsigned)(next() % 10);
		size_t v = r == 0 ? 1 : r == 1 ? 0 : 1 + next() % 7;

		if (r == 2)
			v = 1 + next() % 150;	/* longer than a tile */
		if (v > 0 && count * v > maxcount)
			v = 1;
		shape[i] = v;
		count *= v ? v : 1;
	}
}

/* Run the plan's blocks in random ranges (or all at once). */
static void
run_ranges(const struct tp_permute *p, void *dst, const void *src, int whole)
{
	size_t b = 0;

	if (whole) {
		tp_permute_run(p, dst, src, 0, p->nblocks);
		return;
	}
	while (b < p->nblocks) {
		size_t n = 1 + next() % 5;

		tp_permute_run(p, dst, src, b, b + n);
		b += n;
	}
}

/* One case: 1 if tp_permute agrees with the naive loop. */
static int
one_case(size_t esz, int ndim, const size_t *shape, const int *perm,
    int whole)
{
	size_t count = 1, n;
	struct tp_permute p;
	unsigned char *src, *want, *got;
	int same;

	for (int i = 0; i < ndim; i++)
		count *= shape[i];
	n = count * esz;
	src = malloc(n + 1);
	want = malloc(n + 1);
	got = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		src[i] = (unsigned char)next();
	memset(want, 0xAA, n + 1);
	memset(got, 0x55, n + 1);
	naive(want, src, esz, ndim, shape, perm);
	tp_permute_plan(&p, esz, ndim, shape, perm);
	run_ranges(&p, got, src, whole);
	same = memcmp(want, got, n) == 0 && got[n] == 0x55;
	free(src);
	free(want);
	free(got);
	return same;
}

static void
test_random(void)
{
	static const size_t sizes[] = { 1, 2, 4, 8, 16, 3, 12, 24 };

	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		int bad = 0, cases = 0;
		char what[120];

		for (int trial = 0; trial < 300; trial++) {
			int ndim = (int)(next() % 9), perm[TP_MAXDIM];
			size_t shape[TP_MAXDIM];

			random_shape(ndim, shape, 20000);
			for (int i = 0; i < ndim; i++)
				perm[i] = i;
			for (int i = ndim - 1; i > 0; i--) {	/* shuffle */
				int j = (int)(next() % (unsigned)(i + 1)), t = perm[i];
				perm[i] = perm[j];
				perm[j] = t;
			}
			cases++;
			if (!one_case(sizes[s], ndim, shape, perm, trial % 2)) {
				if (!bad)
					fprintf(stderr, "# esz %zu ndim %d differs\n",
					    sizes[s], ndim);
				bad++;
			}
		}
		snprintf(what, sizeof what,
		    "element size %zu: %d random shapes of 0-8 axes equal the naive loop",
		    sizes[s], cases);
		ok(bad == 0, what);
	}
}

static void
test_fixed(void)
{
	size_t s2[] = { 300, 200 }, s4[] = { 64, 256, 256, 3 };
	size_t s0[] = { 5, 0, 7 }, s1[] = { 1, 1, 1 };
	int p10[] = { 1, 0 }, p0231[] = { 0, 2, 3, 1 }, p210[] = { 2, 1, 0 };
	struct tp_permute p;

	ok(one_case(4, 2, s2, p10, 1), "a 300x200 f32 transpose (edge tiles)");
	ok(one_case(4, 4, s4, p0231, 0),
	    "64x256x256x3 f32 channels to the front (0,2,3,1)");
	ok(one_case(1, 0, NULL, NULL, 1), "a 0-d array is copied");
	tp_permute_plan(&p, 8, 3, s0, p210);
	ok(p.nblocks == 0, "a zero-size array has no blocks");
	ok(one_case(8, 3, s0, p210, 1), "a zero-size array writes nothing");
	ok(one_case(2, 3, s1, p210, 1), "axes of length 1 only: a copy");
	tp_permute_plan(&p, 4, 4, s4, p0231);
	ok(p.ndim == 3 && p.shape[0] == 64 && p.shape[1] == 768 &&
	    p.shape[2] == 256, "axes 2 and 3 merge: (64, 768, 256)");
	{
		size_t s[] = { 4, 5, 6 };
		int q[] = { 1, 0, 2 };

		tp_permute_plan(&p, 4, 3, s, q);
		ok(p.ndim == 2 && p.esz == 24 && one_case(4, 3, s, q, 0),
		    "a last axis that stays last becomes the element (24 bytes)");
	}
	{
		size_t s[] = { 7, 1, 9, 1 };
		int q[] = { 3, 2, 1, 0 };
		int id[] = { 0, 1, 2, 3 };

		ok(one_case(16, 4, s, q, 0), "reversal with length-1 axes, c16");
		tp_permute_plan(&p, 4, 4, s, id);
		ok(p.ndim == 0 && p.bytes == 7 * 9 * 4,
		    "the identity is one plain copy");
	}
}

int
main(void)
{
	test_fixed();
	test_random();
	return tap_end();
}
